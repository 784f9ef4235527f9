/* The /proc/net fallback: parsers for /proc/net/{tcp,tcp6,udp,udp6,unix}
 * (pure functions over text, tested on fixtures) and the reader that finds
 * those files for a process under a proc root. */
#ifndef FDSCOPE_PROCNET_H
#define FDSCOPE_PROCNET_H

#include <stddef.h>
#include <sys/types.h>

#include "net/sockdiag.h"

/* Parses /proc/net/tcp-style text (tcp, tcp6, udp, udp6) and adds every
 * socket with a non-zero inode to t.  family is AF_INET or AF_INET6, proto
 * IPPROTO_TCP or IPPROTO_UDP.  Malformed lines are skipped.  Returns the
 * number of sockets added, or -1 when the header line is missing. */
int procnet_parse_inet(struct sock_table *t, const char *text, size_t len,
		       int family, int proto);

/* Parses /proc/net/unix text the same way. */
int procnet_parse_unix(struct sock_table *t, const char *text, size_t len);

/* Reads FILE of one dump relative to netdir, a descriptor on a process's
 * /proc/PID/net: the kernel shows there the sockets of that process's
 * network namespace.  Returns 0, or -1 with errno. */
int procnet_read_at(struct sock_table *t, int netdir,
		    enum sockdiag_dump which);

/* The sockets in use of each TCP and UDP dump that sockstat text
 * (sockstat, then sockstat6, appended) counts ("PROTO: inuse N": hashed
 * sockets, listeners and connections, not TIME_WAIT), into
 * inuse[SOCKDIAG_*]; -1 for a protocol it does not mention, and for the
 * unix dump, which it does not count. */
void procnet_sockstat_inuse(const char *text, size_t len,
			    long long inuse[SOCKDIAG_NDUMPS]);

/* The same read from the sockstat files relative to netdir; every count
 * -1 when they cannot be read. */
void procnet_read_inuse(int netdir, long long inuse[SOCKDIAG_NDUMPS]);

#endif
