/* Collecting a process's descriptor table from /proc/PID/fd and fdinfo into
 * plain structs: what the kernel reports, nothing formatted.  Printing is
 * the output module's business, extra decoding (sockets) is attached by the
 * caller after collection. */
#ifndef FDSCOPE_FDLIST_H
#define FDSCOPE_FDLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "proc/procfs.h"

/* What to read for each descriptor: callers ask only for what the selected
 * columns need, because each is a system call per descriptor. */
enum {
	FDL_NEED_LINK = 1 << 0,
	FDL_NEED_STAT = 1 << 1,
	FDL_NEED_FDINFO = 1 << 2,
	FDL_NEED_SOCKOPT = 1 << 3,	/* own sockets only: SO_DOMAIN... */
	FDL_NEED_COMM = 1 << 4,
	/* The whole fdinfo text of anonymous inodes, ptmx and tun (their
	 * kind's details): kept only for those, read again only when the
	 * head read for FDL_NEED_FDINFO may have cut it.  Implies LINK. */
	FDL_NEED_ANON = 1 << 5,
	/* Every descriptor's own stat, even a pipe's or a socket's, whose
	 * owner is not its kind's (OWNER, FUID). */
	FDL_NEED_OWNER = 1 << 6,
	FDL_NEED_PROC_UID = 1 << 7,	/* the owner of /proc/PID */
	/* The fdinfo text of descriptors with "lock:" lines, kept as for
	 * FDL_NEED_ANON.  Needs FDL_NEED_FDINFO. */
	FDL_NEED_LOCKS = 1 << 8,
};

/* The fields of stat(2) that fdscope uses, named as in struct stat so that
 * e->st.st_mode reads the same.  A whole struct stat is 144 bytes, this 48
 * (st_uid fills what was padding):
 * 1.8 MB less at the peak for a table of 19000 descriptors. */
struct fd_stat {
	dev_t st_dev;
	ino_t st_ino;
	nlink_t st_nlink;
	dev_t st_rdev;
	off_t st_size;
	mode_t st_mode;
	uid_t st_uid;
};

struct fd_entry {
	int fd;
	size_t link_off;	/* into fd_proc.strings; (size_t)-1 if unread */
	int link_errno;		/* readlink's errno when the link was unreadable */
	int stat_errno;		/* 0 when st holds stat of /proc/PID/fd/N */
	struct fd_stat st;
	bool have_info;
	struct fdinfo info;
	size_t info_off;	/* whole fdinfo text (ANON, LOCKS) or -1 */
	size_t info_len;
	bool have_sockopt;
	int sock_family, sock_type, sock_proto;
	bool is_reader;		/* fdscope's own handle on /proc/self/fd */
	/* st was not read by a stat of this descriptor: its link named an
	 * anonymous pipe or a socket, the inode is the link's, and the rest
	 * (device, mode, links, size: alike for every pipe, every socket)
	 * is from a real stat of the first such descriptor of the table. */
	bool st_from_link;
};

struct fd_proc {
	pid_t pid;
	pid_t tid;		/* a thread's own table (after unshare); 0 */
	bool self;
	bool have_uid;
	uid_t uid;		/* FDL_NEED_PROC_UID: owner of /proc/PID */
	char comm[64];
	struct fd_entry *fds;
	size_t n, cap;
	char *strings;		/* link texts, NUL-separated */
	size_t strings_len, strings_cap;
	int reader_fd;		/* the descriptor used to read, when self */
	size_t skipped;		/* closed while being read */
};

/* Reads pid's table (pid 0: fdscope itself) under root.  Returns 0, or -1
 * with errno: ENOENT no such process, EACCES/EPERM not permitted. */
int fd_proc_collect(struct fd_proc *p, const char *root, pid_t pid,
		    unsigned int need);

/* The table of thread tid of process pid, read from
 * root/PID/task/TID/fd: for a thread with a table of its own. */
int fd_proc_collect_thread(struct fd_proc *p, const char *root, pid_t pid,
			   pid_t tid, unsigned int need);

void fd_proc_release(struct fd_proc *p);

/* The link text of an entry, or NULL when it was not read. */
const char *fd_entry_link(const struct fd_proc *p, const struct fd_entry *e);

/* The fdinfo text kept for an anonymous inode, or NULL (*len 0). */
const char *fd_entry_info_text(const struct fd_proc *p,
			       const struct fd_entry *e, size_t *len);

/* An error row: the descriptor is open but its link or its stat could not
 * be read.  Returns the errno and sets *call to "readlink" or "stat", or
 * returns 0 when what was asked for was read. */
int fd_entry_error(const struct fd_entry *e, const char **call);

struct fd_count {
	size_t open;		/* descriptors open */
	size_t below;		/* of those, numbered below the given limit */
	int highest;		/* highest open number, -1 when none */
};

/* Counts pid's descriptors (0: self, leaving out the listing's own
 * handle), and those numbered below limit: the ones that stand between
 * the process and EMFILE. */
int fd_proc_count(const char *root, pid_t pid, unsigned long long limit,
		  struct fd_count *out);

#endif
