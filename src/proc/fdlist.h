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
	FDL_NEED_PROTO = 1 << 5,	/* sockets: system.sockprotoname */
	/* When the table holds a socket: its network namespace's inode, and
	 * for another process descriptors on its ns/net and net/, opened
	 * relative to the pinned /proc/PID, for decoding its sockets later. */
	FDL_NEED_NETNS = 1 << 6,
	/* The whole fdinfo text of anonymous inodes, ptmx and tun (their
	 * kind's details): kept only for those, read again only when the
	 * head read for FDL_NEED_FDINFO may have cut it.  Implies LINK. */
	FDL_NEED_ANON = 1 << 7,
	/* Every descriptor's own stat, even a pipe's or a socket's, whose
	 * owner is not its kind's (OWNER, FUID). */
	FDL_NEED_OWNER = 1 << 8,
	FDL_NEED_PROC_UID = 1 << 9,	/* the owner of /proc/PID */
	/* The fdinfo text of descriptors with "lock:" lines, kept as for
	 * FDL_NEED_ANON.  Needs FDL_NEED_FDINFO. */
	FDL_NEED_LOCKS = 1 << 10,
	/* Only sockets are wanted: when nothing but links is read, the
	 * other descriptors of another process are dropped as they are
	 * read (a socket selection's first pass). */
	FDL_NEED_SOCKETS_ONLY = 1 << 11,
	/* One thread reads the table however large it is: the caller reads
	 * other processes' tables on the other CPUs meanwhile (two threads on
	 * one table contend for its task's locks). */
	FDL_NEED_ONE_THREAD = 1 << 12,
	/* Another process's table of FDL_SMALL_MAX descriptors or more (the
	 * kernel's count, since 6.2) is not read: the collection fails
	 * with EFBIG, for the caller to read it later (proc/fdmany.c). */
	FDL_NEED_SMALL_ONLY = 1 << 13,
};

/* The fields of stat(2) that fdscope uses, named as in struct stat so that
 * e->st.st_mode reads the same.  A whole struct stat is 144 bytes, this 48
 * (st_uid fills what was padding): 1.8 MB less at the peak for a table of
 * 19000 descriptors. */
struct fd_stat {
	dev_t st_dev;
	ino_t st_ino;
	nlink_t st_nlink;
	dev_t st_rdev;
	off_t st_size;
	mode_t st_mode;
	uid_t st_uid;
};

#define FDL_SMALL_MAX 2048

enum { LINK_SOCK_UNNOTED, LINK_SOCK_NONE, LINK_SOCK_INODE };

struct fd_entry {
	int fd;
	size_t link_off;	/* into fd_proc.strings; (size_t)-1 if unread */
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
	int link_errno;		/* readlink's errno when link_off is unset */
	/* What the link says of a socket, noted when it is stored (each row
	 * asks several times): LINK_SOCK_UNNOTED (an entry built by hand:
	 * the link is parsed), LINK_SOCK_NONE, or LINK_SOCK_INODE for
	 * "socket:[link_sock_ino]". */
	unsigned char link_sock;
	unsigned long long link_sock_ino;
	int st_mnt_id;		/* statx's mount ID, when has_st_mnt_id */
	bool has_st_mnt_id;
	/* The kernel's protocol name of a socket ("TCP", "UNIXv6"...: the
	 * system.sockprotoname attribute), "" when not a socket or unread. */
	char proto[16];
};

struct fd_proc {
	pid_t pid;
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
	size_t changed;		/* replaced twice while being read: dropped */
	/* The thread whose table this is, else 0: listed by a thread's ID
	 * (-p TID), or a thread with a table of its own (-l). */
	pid_t tid;
	/* For a table that read empty: zombie, kernel thread, or (then read
	 * through another thread) an exited main thread.  LIVE otherwise. */
	enum procfs_task_kind task;
	unsigned long long netns_ino;	/* FDL_NEED_NETNS; 0: unknown */
	int netns_fd, net_dir;		/* -1 when not kept */
	bool netns_kept;
	/* stat's start time, read through the pin at collection;
	 * PROCFS_NO_START when unknown (and for fdscope itself). */
	unsigned long long start_time;
};

/* Reads pid's table (pid 0: fdscope itself) under root.  Returns 0, or -1
 * with errno: ENOENT no such process, EACCES/EPERM not permitted, EMFILE
 * or ENFILE out of descriptors, ENOMEM out of memory (in any collecting
 * thread; reported by none of them). */
int fd_proc_collect(struct fd_proc *p, const char *root, pid_t pid,
		    unsigned int need);

/* The same for a process already pinned by its /proc/PID directory
 * descriptor (procfs_open_pid): everything is read relative to it.  In
 * fdscope's own table (pid 0), piddir itself is left out. */
int fd_proc_collect_at(struct fd_proc *p, int piddir, pid_t pid,
		       unsigned int need);

/* The same, reading further only the descriptors keep(ctx, fd) accepts:
 * the others are dropped once the numbers are known, before any look-up
 * (list's selections). */
typedef bool (*fd_keep_fn)(const void *ctx, int fd);
int fd_proc_collect_some(struct fd_proc *p, const char *root, pid_t pid,
			 unsigned int need, fd_keep_fn keep, const void *ctx);
int fd_proc_collect_at_some(struct fd_proc *p, int piddir, pid_t pid,
			    unsigned int need, fd_keep_fn keep,
			    const void *ctx);

/* The descriptors of old, an earlier reading of a table, read again for
 * need: by their numbers alone when need has FDL_NEED_LINK (whose ENOENT
 * leaves out one closed since), without listing a large table again;
 * else listed, keeping old's numbers. */
int fd_proc_collect_again(struct fd_proc *p, const char *root,
			  const struct fd_proc *old, unsigned int need);

/* The table of thread tid of process pid, read through
 * root/PID/task/TID: for a thread with a table of its own. */
int fd_proc_collect_thread(struct fd_proc *p, const char *root, pid_t pid,
			   pid_t tid, unsigned int need);

void fd_proc_release(struct fd_proc *p);

/* True when the entry's stat is of a socket on sockfs: a socket file
 * elsewhere (a unix socket's path) has S_IFSOCK too. */
bool fd_entry_on_sockfs(const struct fd_entry *e);

/* Whether an entry's fdinfo, link text and stat were read from one open
 * file (collection re-reads or drops one whose parts disagree).  An
 * inode that differs between fdinfo and a file's stat may be the file's
 * own (overlayfs); a pipe's or socket's stat beside a path, or a link's
 * inode other than fdinfo's, is a descriptor replaced meanwhile. */
enum { READ_AGREES, READ_INO_DIFFERS, READ_KIND_DIFFERS };
int fd_entry_agreement(const struct fd_entry *e, const char *link);

/* Reads e->proto after collection, relative to piddir (fd_proc_repin):
 * the descriptor may have been replaced since; callers use it for
 * sockets that no table decoded, where a wrong name is caught by the
 * family check. */
void fd_entry_read_proto(int piddir, struct fd_entry *e);

/* Pins p's process (its thread, for a thread's table) again after
 * collection, checked by the start time read at collection to be the
 * same process and not a later one with its PID: -1 with errno ESRCH
 * then, or when that time could not be read.  Every per-process read
 * made after collection goes through this pin.  The caller closes it. */
int fd_proc_repin(const char *root, const struct fd_proc *p);

/* Closes netns_fd and net_dir (netns_ino stays): another process of the
 * same namespace already holds them. */
void fd_proc_drop_netns(struct fd_proc *p);

/* The link text of an entry, or NULL when it was not read. */
const char *fd_entry_link(const struct fd_proc *p, const struct fd_entry *e);
/* The inode of a "socket:[N]" link, or 0 (no link, or another kind). */
unsigned long long fd_entry_link_socket(const struct fd_proc *p,
					const struct fd_entry *e);

/* The fdinfo text kept for an anonymous inode, or NULL (*len 0). */
const char *fd_entry_info_text(const struct fd_proc *p,
			       const struct fd_entry *e, size_t *len);

/* An error row: the descriptor is open but its link or its stat could not
 * be read.  Returns the errno and sets *call to "readlink" or "stat", or
 * returns 0 when what was asked for was read (a path too long to return
 * is no error: the kernel says so, see link_errno). */
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
int fd_proc_count_at(int piddir, pid_t pid, unsigned long long limit,
		     struct fd_count *out);

#endif
