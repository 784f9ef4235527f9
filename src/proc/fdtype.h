/* Naming what a descriptor is: its type from stat's mode and the link text
 * in /proc/PID/fd, its access mode and status flags from fdinfo, and the
 * symbolic names of socket families, types and protocols. */
#ifndef FDSCOPE_FDTYPE_H
#define FDSCOPE_FDTYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* TYPE column: REG DIR CHR BLK FIFO SOCK LNK, an anonymous inode's kind
 * (eventfd, eventpoll, ...), memfd, or "unknown". */
const char *fdtype_name(mode_t mode, bool have_mode, const char *link);

/* The stat type alone (REG, DIR, CHR, BLK, FIFO, SOCK, LNK), or other. */
const char *fdtype_mode_name(mode_t mode, const char *other);

/* True when the link text names an anonymous inode ("anon_inode:..."). */
bool fdtype_is_anon(const char *link);

/* MODE column from fdinfo's flags: "r-", "-w", "rw", or "--" for O_PATH. */
const char *fdmode_name(unsigned int flags);

/* FLAGS column: comma-separated names of the status flags fdinfo reports
 * (cloexec, nonblock, append, ...), the access mode left out.  Unknown
 * bits are shown in octal so that nothing the kernel reports is hidden. */
void fdflags_format(unsigned int flags, char *buf, size_t len);

/* "AF_INET", "SOCK_STREAM", "TCP"...; unknown values as decimal text in
 * the caller's buffer. */
const char *sock_family_name(int family, char *buf, size_t len);
const char *sock_type_name(int type, char *buf, size_t len);
const char *sock_proto_name(int family, int proto, char *buf, size_t len);

/* If link is "socket:[N]", "pipe:[N]" or "anon_inode:[x]"-style, true with
 * the inode number from the brackets. */
bool link_bracket_inode(const char *link, const char *prefix,
			unsigned long long *ino);

/* True when the link text ends in " (deleted)". */
bool link_is_deleted(const char *link);

#endif
