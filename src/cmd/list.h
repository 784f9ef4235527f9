/* What the files of `fdscope list` share: the columns, the control
 * struct and a row, and the cell producers one file gives another.
 * list.c drives; list_cells.c decodes anonymous inodes' cells;
 * list_assoc.c makes and decides the rows that are no descriptor
 * (--assoc, locks without one). */
#ifndef FDSCOPE_CMD_LIST_H
#define FDSCOPE_CMD_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "net/inetdiag_filter.h"
#include "net/sockx.h"
#include "out/table.h"
#include "proc/assoc.h"
#include "proc/chrdev.h"
#include "proc/fdlist.h"
#include "proc/locks.h"

enum {
	COL_PID, COL_COMMAND, COL_FD, COL_TYPE, COL_MODE, COL_FLAGS, COL_POS,
	COL_INODE, COL_DEV, COL_RDEV, COL_MNTID, COL_SIZE, COL_DELETED,
	COL_NAME, COL_SOCK_FAMILY, COL_SOCK_TYPE, COL_SOCK_PROTO, COL_LADDR,
	COL_RADDR, COL_STATE, COL_SOCK_PEER, COL_ENDPOINTS, COL_NOTE, COL_TID,
	COL_SOURCE,
	COL_EVENTFD_ID, COL_EVENTFD_COUNT, COL_EVENTPOLL_TFDS,
	COL_EVENTPOLL_EVENTS, COL_EVENTPOLL_BY, COL_TIMERFD_CLOCKID,
	COL_TIMERFD_INTERVAL, COL_TIMERFD_REMAINING, COL_TIMERFD_TICKS,
	COL_SIGNALFD_MASK, COL_INOTIFY_INODES, COL_PIDFD_PID, COL_PIDFD_COMM,
	COL_PIDFD_NSPID, COL_BPF_MAP_ID, COL_BPF_MAP_TYPE, COL_BPF_PROG_ID,
	COL_BPF_PROG_TYPE, COL_BPF_PROG_TAG, COL_IO_URING_SQ, COL_IO_URING_CQ,
	COL_IO_URING_SQTHREAD, COL_IO_URING_OWNER, COL_FANOTIFY_FLAGS,
	COL_FANOTIFY_EVENT_FLAGS, COL_FANOTIFY_MARKS, COL_PTMX_TTY_INDEX, COL_TUN_IFACE, COL_CHRDRV, COL_MISCDEV,
	COL_BLKDRV, COL_PARTITION, COL_USER, COL_UID, COL_NLINK, COL_OWNER,
	COL_FUID, COL_STTYPE, COL_KNAME, COL_SOCK_NETNS, COL_SOCK_SHUTDOWN,
	COL_SOCK_LISTENING, COL_SOCK_RECVQ, COL_SOCK_SENDQ, COL_SOCK_UID,
	COL_TCP_TIMER, COL_NETLINK_PROTOCOL, COL_NETLINK_LPORT,
	COL_NETLINK_RPORT, COL_NETLINK_GROUPS, COL_PACKET_IFACE,
	COL_PACKET_PROTOCOL, COL_RAW_PROTOCOL, COL_VSOCK_LCID, COL_VSOCK_LPORT,
	COL_VSOCK_RCID, COL_VSOCK_RPORT, COL_LOCKS, COL_XMODE, COL_ASSOC,
	COL_MAPLEN, COL_MAP_RANGE, COL_MAP_OFFSET, COL_MAP_PERMS, COL_NS_TYPE,
	COL_NS_NAME, COL_DEVTYPE, COL_KTHREAD, COL_MAJMIN, COL_PROTONAME,
	COL_BPF_NAME,
	NCOLUMNS
};

/* A process of -p, resolved once: the hint, the table and the rest are
 * read relative to its /proc/PID descriptor. */
struct pid_pin {
	int fd;		/* -1: fdscope itself, or not pinned (error) */
	int error;	/* errno of a failed pin */
};

struct list_control {
	struct out_opts out;
	pid_t *pids;
	pid_t *tgids;		/* per PID: its thread group if a thread's */
	size_t npids;
	struct pid_pin *pins;	/* one per pid */
	unsigned int all : 1;
	unsigned int help : 1;
	int selected[OUT_MAX_COLUMNS];
	size_t nselected;
	unsigned int need;
	struct out_table *table;
	const char *proc_root;
	size_t denied;		/* --all: processes we may not read */
	struct fd_proc *procs;	/* collected, then attached, then rows */
	size_t nprocs;		/* listed */
	size_t procs_cap;	/* room in procs */
	size_t nall;		/* and after them, tables read only for
				 * ENDPOINTS across the machine */
	size_t *row_start;	/* per process: rows before its first */
	struct net_attach *attach;
	struct holder_index *holders;
	struct sock_prefetch *prefetch;
	struct query *query;	/* selections, -Q, -t, --summary */
	bool selecting;		/* some selection or filter was given */
	unsigned int first_need;	/* what the selections need collected */
	bool cells_decide;	/* -Q or -C reads cells: matched on names too */
	/* The first pass of a selection that reads no cell: the other
	 * families' dumps (sockx) name rows, never decide one. */
	bool names_later;
	unsigned int skip_dumps;	/* socket dumps no row can need */
	struct inetdiag_filter port_filter;	/* -i's ports, in the kernel */
	struct inetdiag_filter cgroup_filter;	/* the listed processes'
						 * cgroups: first dumps only */
	struct devtab devtab;
	struct ep_mark *epmarks;	/* by (process, target descriptor) */
	size_t nepmarks;
	struct mount_tab *mounts;	/* per process */
	struct uid_name *names;		/* every UID a cell may name */
	size_t nnames;
	struct sockx_table sockx;
	bool have_sockx;
	struct lock_tab locks;		/* /proc/locks */
	bool have_devtab;
	bool have_lock_rows;		/* lock_rows decided (select_rows) */
	struct lock_row *lock_rows;	/* by process: locks without a descriptor */
	size_t nlock_rows;
	size_t *lock_first;		/* per process: its first lock row */
	unsigned int assoc : 1;		/* --assoc */
	unsigned int threads : 1;	/* -l: threads with their own table */
	struct assoc_list *assocs;	/* per process, with --assoc */
	struct ep_index *endpoints;	/* ENDPOINTS' look-ups, made on first
					 * use, dropped when the rows move */
};

/* A row that is no descriptor: a lock the process holds on a file it has
 * no descriptor for (flock and OFD locks stay with the description, which
 * a child may keep). */
struct lock_row {
	size_t pi;
	const struct file_lock *lock;
};

struct uid_name {
	uid_t uid;
	char name[64];			/* "" when the UID has no name */
};

/* Descriptor tfd of process pi is watched by eventpoll epfd. */
struct ep_mark {
	size_t pi;
	int tfd, epfd;
};

struct list_row {
	const struct list_control *ctl;
	size_t pi;		/* index of proc in ctl->procs */
	const struct fd_proc *proc;
	const struct fd_entry *e;
	const struct lock_row *lock;	/* a lock row: e is NULL */
	const struct assoc_entry *assoc; /* an --assoc row: e is NULL */
};

/* list.c */
const char *user_cell(const struct list_control *ctl, uid_t uid,
		      char *buf, size_t len);
const char *stat_cell(const struct list_control *ctl, const struct fd_stat *st,
		      bool ok, int col, char *buf, size_t len);
const char *list_cell(const void *row, int col, char *buf, size_t len);
int query_get(const void *ctx, int col, char *buf, size_t len,
	      const char **val);

/* list_cells.c */
const char *anon_name(const struct list_row *r, char *buf, size_t len);
const char *anon_cell(const struct list_row *r, int col, char *buf,
		      size_t len);

/* list_assoc.c */
const char *assoc_cell(const struct list_row *r, int col, char *buf,
		       size_t len);
void lock_owned_format(const struct file_lock *l, char *buf, size_t len);
const char *lock_row_cell(const struct list_row *r, int col, char *buf,
			  size_t len);
void collect_lock_rows(struct list_control *ctl);

#endif
