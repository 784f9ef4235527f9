/* `fdscope list`: the descriptor tables of fdscope itself, of given
 * processes, or of every process it may read.  Collect (fdlist), attach
 * what is known about sockets, convert to rows, print (output). */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cli/command.h"
#include "lib/util.h"
#include "out/escape.h"
#include "net/attach.h"
#include "out/table.h"
#include "proc/fdlist.h"
#include "proc/fdtype.h"
#include "proc/hidepid.h"
#include "proc/holders.h"
#include "proc/procfs.h"
#include "query/counter.h"
#include "query/select.h"

enum {
	COL_PID, COL_COMMAND, COL_FD, COL_TYPE, COL_MODE, COL_FLAGS, COL_POS,
	COL_INODE, COL_DEV, COL_RDEV, COL_MNTID, COL_SIZE, COL_DELETED,
	COL_NAME, COL_SOCK_FAMILY, COL_SOCK_TYPE, COL_SOCK_PROTO, COL_LADDR,
	COL_RADDR, COL_STATE, COL_SOCK_PEER, COL_ENDPOINTS, COL_NOTE, COL_TID,
	NCOLUMNS
};

static const struct out_column columns[NCOLUMNS] = {
	[COL_PID] = { "PID", 5, OUT_RIGHT, OUT_JSON_NUMBER,
		"process ID" },
	[COL_COMMAND] = { "COMMAND", 0.1, OUT_TRUNC, OUT_JSON_STRING,
		"command name (/proc/PID/comm)" },
	[COL_FD] = { "FD", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"descriptor number" },
	[COL_TYPE] = { "TYPE", 4, 0, OUT_JSON_STRING,
		"REG DIR CHR BLK FIFO SOCK LNK, memfd, or an anonymous inode's kind" },
	[COL_MODE] = { "MODE", 2, 0, OUT_JSON_STRING,
		"access mode: r- -w rw, or -- for O_PATH (fdinfo flags)" },
	[COL_FLAGS] = { "FLAGS", 0.1, 0, OUT_JSON_STRING,
		"status flags from fdinfo: cloexec, nonblock, append, ..." },
	[COL_POS] = { "POS", 5, OUT_RIGHT, OUT_JSON_NUMBER,
		"file offset (fdinfo pos)" },
	[COL_INODE] = { "INODE", 5, OUT_RIGHT, OUT_JSON_NUMBER,
		"inode number (stat)" },
	[COL_DEV] = { "DEV", 5, 0, OUT_JSON_STRING,
		"device holding the inode, major:minor (stat st_dev)" },
	[COL_RDEV] = { "RDEV", 5, 0, OUT_JSON_STRING,
		"device a CHR or BLK file stands for, major:minor (st_rdev)" },
	[COL_MNTID] = { "MNTID", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"mount ID (fdinfo mnt_id)" },
	[COL_SIZE] = { "SIZE", 5, OUT_RIGHT, OUT_JSON_NUMBER,
		"file size in bytes (stat)" },
	[COL_DELETED] = { "DELETED", 1, 0, OUT_JSON_BOOLEAN,
		"the file was unlinked while open" },
	[COL_NAME] = { "NAME", 0.5, OUT_TRUNC, OUT_JSON_STRING,
		"what the descriptor refers to: the /proc/PID/fd link, or a "
		"decoded socket (TCP 127.0.0.1:1234 -> 127.0.0.1:54321 ESTABLISHED, "
		"TCP (unbound), NETLINK socket:[N])" },
	[COL_SOCK_FAMILY] = { "SOCK.FAMILY", 7, 0, OUT_JSON_STRING,
		"socket address family: AF_INET, AF_INET6, AF_UNIX, ..." },
	[COL_SOCK_TYPE] = { "SOCK.TYPE", 7, 0, OUT_JSON_STRING,
		"socket type: SOCK_STREAM, SOCK_DGRAM, ..." },
	[COL_SOCK_PROTO] = { "SOCK.PROTO", 4, 0, OUT_JSON_STRING,
		"socket protocol as the kernel names it: TCP, UDP, UNIX, NETLINK, "
		"PACKET, RAW, ..." },
	[COL_LADDR] = { "LADDR", 0.2, 0, OUT_JSON_STRING,
		"socket's local address: host:port, [v6]:port, a unix path or @abstract" },
	[COL_RADDR] = { "RADDR", 0.2, 0, OUT_JSON_STRING,
		"socket's remote address (a unix socket's peer's name)" },
	[COL_STATE] = { "STATE", 0.1, 0, OUT_JSON_STRING,
		"TCP state (LISTEN, ESTABLISHED, ...); unix and UDP: listening, "
		"connected, unconnected" },
	[COL_SOCK_PEER] = { "SOCK.PEER", 0.1, 0, OUT_JSON_STRING,
		"unix socket's peer inode, and PID,COMMAND,FD of its holders "
		"among the listed processes" },
	[COL_ENDPOINTS] = { "ENDPOINTS", 0.2, OUT_TRUNC, OUT_JSON_STRING,
		"other holders of the same pipe or FIFO among the listed "
		"processes: PID,COMMAND,FD and r/w" },
	[COL_NOTE] = { "NOTE", 0.2, OUT_TRUNC, OUT_JSON_STRING,
		"what fdscope itself uses the descriptor for" },
	[COL_TID] = { "TID", 5, OUT_RIGHT, OUT_JSON_NUMBER,
		"thread ID given to -p, when it is not the process's (PID is "
		"then its thread group)" },
};

/* Attach steps, after collection: kept above the fdlist bits. */
enum {
	LIST_NEED_SOCKETS = 1 << 16,	/* one sock_diag dump per namespace */
	LIST_NEED_HOLDERS = 1 << 17,	/* every descriptor by inode */
	LIST_NEED_ATTACH = LIST_NEED_SOCKETS | LIST_NEED_HOLDERS,
};
/* What a second pass over the matching rows need not read: the command
 * and fdscope's own getsockopt are one call per process, and protocol
 * names are read after the dumps for the sockets no dump decoded
 * (fill_protos). */
#define LIST_LATE_NEEDS (FDL_NEED_COMM | FDL_NEED_SOCKOPT | FDL_NEED_PROTO)
#define SOCK_NEEDS (FDL_NEED_STAT | FDL_NEED_LINK | FDL_NEED_PROTO | \
		    LIST_NEED_SOCKETS)

/* What each column needs collected, so that unused look-ups are skipped. */
static const unsigned int column_needs[NCOLUMNS] = {
	[COL_COMMAND] = FDL_NEED_COMM,
	[COL_TYPE] = FDL_NEED_STAT | FDL_NEED_LINK,
	[COL_MODE] = FDL_NEED_FDINFO,
	[COL_FLAGS] = FDL_NEED_FDINFO,
	[COL_POS] = FDL_NEED_FDINFO,
	[COL_INODE] = FDL_NEED_STAT,
	[COL_DEV] = FDL_NEED_STAT,
	[COL_RDEV] = FDL_NEED_STAT,
	[COL_MNTID] = FDL_NEED_FDINFO,
	[COL_SIZE] = FDL_NEED_STAT,
	[COL_DELETED] = FDL_NEED_STAT | FDL_NEED_LINK,
	[COL_NAME] = FDL_NEED_LINK | FDL_NEED_PROTO | LIST_NEED_SOCKETS,
	[COL_SOCK_FAMILY] = SOCK_NEEDS | FDL_NEED_SOCKOPT,
	[COL_SOCK_TYPE] = SOCK_NEEDS | FDL_NEED_SOCKOPT,
	[COL_SOCK_PROTO] = SOCK_NEEDS | FDL_NEED_SOCKOPT,
	[COL_LADDR] = SOCK_NEEDS,
	[COL_RADDR] = SOCK_NEEDS,
	[COL_STATE] = SOCK_NEEDS,
	[COL_SOCK_PEER] = SOCK_NEEDS | FDL_NEED_COMM | FDL_NEED_FDINFO |
		LIST_NEED_HOLDERS,
	[COL_ENDPOINTS] = FDL_NEED_STAT | FDL_NEED_COMM | FDL_NEED_FDINFO |
		LIST_NEED_HOLDERS,
};

static const int defaults_one[] = {
	COL_FD, COL_TYPE, COL_MODE, COL_FLAGS, COL_POS, COL_INODE, COL_NAME,
};
/* NAME last in every set: the one long cell of a row then pads nothing
 * after it, and a terminal's width cuts it rather than the others. */
static const int defaults_self[] = {
	COL_FD, COL_TYPE, COL_MODE, COL_FLAGS, COL_POS, COL_INODE, COL_NOTE,
	COL_NAME,
};
static const int defaults_many[] = {
	COL_PID, COL_COMMAND, COL_FD, COL_TYPE, COL_MODE, COL_FLAGS, COL_POS,
	COL_INODE, COL_ENDPOINTS, COL_NAME,
};
/* When -p names a thread that is not its process's main one. */
static const int defaults_thread[] = {
	COL_PID, COL_TID, COL_COMMAND, COL_FD, COL_TYPE, COL_MODE, COL_FLAGS,
	COL_POS, COL_INODE, COL_ENDPOINTS, COL_NAME,
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
	size_t nprocs;
	size_t *row_start;	/* per process: rows before its first */
	struct net_attach *attach;
	struct holder_index *holders;
	struct sock_prefetch *prefetch;
	struct query *query;	/* selections, -Q, -t, --summary */
	bool selecting;		/* some selection or filter was given */
	unsigned int first_need;	/* what the selections need collected */
	unsigned int skip_dumps;	/* socket dumps no row can need */
};

struct list_row {
	const struct list_control *ctl;
	size_t pi;		/* index of proc in ctl->procs */
	const struct fd_proc *proc;
	const struct fd_entry *e;
};

static const char *fmt_ull(char *buf, size_t len, unsigned long long v)
{
	snprintf(buf, len, "%llu", v);
	return buf;
}

static const struct sock_info *row_sock(const struct list_row *r)
{
	return r->ctl->attach ? net_attach_sock(r->ctl->attach, r->pi, r->e) : NULL;
}

static const struct sock_info *row_peer(const struct list_row *r,
					const struct sock_info *si)
{
	return si ? net_attach_peer(r->ctl->attach, r->pi, si) : NULL;
}

/* "INODE" or "INODE PID,COMMAND,FD...": the unix peer and who holds it. */
static const char *sock_peer_cell(const struct list_row *r, char *buf,
				  size_t len)
{
	const struct sock_info *si = row_sock(r);
	int n;

	if (si == NULL || si->family != AF_UNIX || !si->have_peer)
		return NULL;
	n = snprintf(buf, len, "%llu", si->peer_ino);
	if (n > 0 && (size_t)n + 1 < len && r->e->stat_errno == 0 &&
	    r->ctl->holders &&
	    holder_index_of(r->ctl->holders, r->e->st.st_dev, si->peer_ino,
			    SIZE_MAX, -1, buf + n + 1, len - (size_t)n - 1) > 0)
		buf[n] = ' ';
	return buf;
}

static const char *endpoints_cell(const struct list_row *r, char *buf,
				  size_t len)
{
	const struct fd_entry *e = r->e;

	if (e->stat_errno != 0 || !S_ISFIFO(e->st.st_mode) || r->ctl->holders == NULL)
		return NULL;
	return holder_index_of(r->ctl->holders, e->st.st_dev, e->st.st_ino,
			       r->pi, e->fd, buf, len) ? buf : NULL;
}

static const char *sock_cell(const struct list_row *r, int col, char *buf,
			     size_t len)
{
	const struct sock_info *si = row_sock(r);
	const struct fd_entry *e = r->e;

	/* fdscope's own sockets answer getsockopt; others come from the
	 * kernel's socket tables. */
	switch (col) {
	case COL_SOCK_FAMILY:
		return e->have_sockopt ? sock_family_name(e->sock_family, buf, len) :
			si ? sock_family_name(si->family, buf, len) : NULL;
	case COL_SOCK_TYPE:
		return e->have_sockopt ? sock_type_name(e->sock_type, buf, len) :
			si ? sock_type_name(si->type, buf, len) : NULL;
	case COL_SOCK_PROTO:
		/* The kernel's own name first: it holds for every socket. */
		if (e->proto[0] && net_sock_proto_word(e->proto)) {
			escape_into(buf, len, net_sock_proto_word(e->proto),
				    strlen(net_sock_proto_word(e->proto)));
			return buf;
		}
		if (si && si->family == AF_UNIX)
			return "UNIX";
		return e->have_sockopt ?
			sock_proto_name(e->sock_family, e->sock_proto, buf, len) :
			si ? sock_proto_name(si->family, si->proto, buf, len) : NULL;
	case COL_LADDR:
		return net_sock_laddr(si, buf, len);
	case COL_RADDR:
		return net_sock_raddr(si, row_peer(r, si), buf, len);
	case COL_STATE:
		return net_sock_state(si);
	default:
		return NULL;
	}
}

/* NAME when the link could not be read.  Past PATH_MAX the kernel
 * returns no part of the path (d_path fails whole). */
static const char *link_error_name(const struct fd_entry *e, char *buf,
				   size_t len)
{
	if (e->link_errno == ENAMETOOLONG) {
		snprintf(buf, len, "(path longer than %d bytes: the kernel "
			 "returns no part of it)", PATH_MAX - 1);
		return buf;
	}
	return NULL;
}

static const char *list_cell(const void *row, int col, char *buf, size_t len)
{
	const struct list_row *r = row;
	const struct fd_entry *e = r->e;
	const char *link = fd_entry_link(r->proc, e);
	const struct sock_info *si;
	bool st_ok = e->stat_errno == 0;

	switch (col) {
	case COL_PID:
		return fmt_ull(buf, len, (unsigned long long)r->proc->pid);
	case COL_TID:
		return r->proc->tid ?
			fmt_ull(buf, len, (unsigned long long)r->proc->tid) : NULL;
	case COL_COMMAND:
		escape_into(buf, len, r->proc->comm, strlen(r->proc->comm));
		return buf;
	case COL_FD:
		return fmt_ull(buf, len, (unsigned long long)e->fd);
	case COL_TYPE:
		return fdtype_name(e->st.st_mode, st_ok, link);
	case COL_MODE:
		return e->have_info && e->info.has_flags ?
			fdmode_name(e->info.flags) : NULL;
	case COL_FLAGS:
		if (!e->have_info || !e->info.has_flags)
			return NULL;
		fdflags_format(e->info.flags, buf, len);
		return buf;
	case COL_POS:
		return e->have_info && e->info.has_pos ?
			fmt_ull(buf, len, e->info.pos) : NULL;
	case COL_INODE:
		return st_ok ? fmt_ull(buf, len, (unsigned long long)e->st.st_ino) : NULL;
	case COL_DEV:
		if (!st_ok)
			return NULL;
		snprintf(buf, len, "%u:%u", major(e->st.st_dev), minor(e->st.st_dev));
		return buf;
	case COL_RDEV:
		if (!st_ok || !(S_ISCHR(e->st.st_mode) || S_ISBLK(e->st.st_mode)))
			return NULL;
		snprintf(buf, len, "%u:%u", major(e->st.st_rdev), minor(e->st.st_rdev));
		return buf;
	case COL_MNTID:
		return e->have_info && e->info.has_mnt_id ?
			fmt_ull(buf, len, (unsigned long long)e->info.mnt_id) : NULL;
	case COL_SIZE:
		return st_ok ? fmt_ull(buf, len, (unsigned long long)e->st.st_size) : NULL;
	case COL_DELETED:
		/* The link text alone could be a file really named so; an
		 * unlinked file also has no links left. */
		return (link_is_deleted(link) ||
			(link == NULL && e->link_errno == ENAMETOOLONG)) &&
			st_ok && e->st.st_nlink == 0 ? "yes" : "no";
	case COL_NAME:
		if ((si = row_sock(r)) != NULL)
			return net_sock_name(si, row_peer(r, si), buf, len);
		if (r->ctl->attach && net_entry_sock_ino(r->proc, e))
			return net_sock_undecoded_name(e->proto,
				net_attach_ns_read(r->ctl->attach, r->pi),
				net_entry_sock_ino(r->proc, e), buf, len);
		if (link == NULL)
			return link_error_name(e, buf, len);
		escape_into(buf, len, link, strlen(link));
		return buf;
	case COL_SOCK_FAMILY:
	case COL_SOCK_TYPE:
	case COL_SOCK_PROTO:
	case COL_LADDR:
	case COL_RADDR:
	case COL_STATE:
		return sock_cell(r, col, buf, len);
	case COL_SOCK_PEER:
		return sock_peer_cell(r, buf, len);
	case COL_ENDPOINTS:
		return endpoints_cell(r, buf, len);
	case COL_NOTE:
		return e->is_reader ?
			"fdscope reading /proc/self/fd" : NULL;
	default:
		return NULL;
	}
}

/* Row i of the listing: the processes' tables one after the other.
 * row_start[pi] is the number of rows before process pi. */
static const char *row_cell(const void *ctx, size_t i, int col, char *buf,
			    size_t len)
{
	const struct list_control *ctl = ctx;
	size_t lo = 0, hi = ctl->nprocs;
	struct list_row r;

	/* The last process whose first row is at or before i. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (ctl->row_start[mid] <= i)
			lo = mid;
		else
			hi = mid;
	}
	r = (struct list_row){ ctl, lo, &ctl->procs[lo],
			       &ctl->procs[lo].fds[i - ctl->row_start[lo]] };
	return list_cell(&r, col, buf, len);
}

static int print_rows(struct list_control *ctl)
{
	size_t pi, n = 0;

	ctl->row_start = xcalloc(ctl->nprocs + 1, sizeof(*ctl->row_start));
	for (pi = 0; pi < ctl->nprocs; pi++) {
		ctl->row_start[pi] = n;
		n += ctl->procs[pi].n;
	}
	ctl->row_start[pi] = n;
	return out_table_print_rows(ctl->table, ctl, n, row_cell);
}

/* Large tables take long enough to read that the socket dumps of
 * fdscope's own namespace are made meanwhile, in a thread of their own;
 * for small ones, only if some process turns out to hold a socket. */
#define PREFETCH_MIN_FDS 512

/* Resolves every PID of -p once, before anything is read: fdscope itself
 * needs no pin.  Out of descriptors, a process is resolved when read. */
static void pin_pids(struct list_control *ctl)
{
	size_t i;

	ctl->pins = xcalloc(ctl->npids ? ctl->npids : 1, sizeof(*ctl->pins));
	for (i = 0; i < ctl->npids; i++) {
		struct pid_pin *pin = &ctl->pins[i];

		pin->fd = -1;
		if (ctl->pids[i] == getpid())
			continue;
		pin->fd = procfs_open_pid(ctl->proc_root, ctl->pids[i]);
		if (pin->fd < 0 && errno != EMFILE && errno != ENFILE)
			pin->error = errno;
	}
}

static void unpin_pids(struct list_control *ctl)
{
	size_t i;

	for (i = 0; ctl->pins && i < ctl->npids; i++)
		if (ctl->pins[i].fd >= 0)
			close(ctl->pins[i].fd);
	free(ctl->pins);
	ctl->pins = NULL;
}

static void start_prefetch(struct list_control *ctl)
{
	size_t i, n = 0;

	if ((ctl->need & LIST_NEED_SOCKETS) == 0)
		return;
	for (i = 0; i < ctl->npids && n < PREFETCH_MIN_FDS; i++)
		if (ctl->pins[i].fd >= 0)
			n += procfs_fd_count_hint(ctl->pins[i].fd);
	if (ctl->all || n >= PREFETCH_MIN_FDS)
		ctl->prefetch = sock_prefetch_start_some(ctl->proc_root,
							 ctl->skip_dumps);
}

/* The kernel's protocol name for sockets that no dump decoded (unbound,
 * of a protocol fdscope does not dump), and for all when a table came
 * from /proc/net, where the name guards against forged lines. */
static void fill_protos(struct list_control *ctl, unsigned int need)
{
	bool all = !net_attach_all_netlink(ctl->attach);
	size_t pi, i;

	if ((need & FDL_NEED_PROTO) == 0)
		return;
	for (pi = 0; pi < ctl->nprocs; pi++)
		for (i = 0; i < ctl->procs[pi].n; i++) {
			struct fd_entry *e = &ctl->procs[pi].fds[i];

			if (e->proto[0] == '\0' &&
			    net_entry_sock_ino(&ctl->procs[pi], e) &&
			    (all || net_attach_sock(ctl->attach, pi, e) == NULL))
				fd_entry_read_proto(ctl->proc_root,
						    &ctl->procs[pi], e);
		}
}

/* One process per namespace keeps its ns/net and net/ open: p drops its
 * pins when one of the first n processes shares its namespace. */
static void drop_shared_netns(const struct list_control *ctl,
			      struct fd_proc *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && p->netns_kept; i++)
		if (ctl->procs[i].netns_ino == p->netns_ino &&
		    (ctl->procs[i].self || ctl->procs[i].netns_kept))
			fd_proc_drop_netns(p);
}

/* Every descriptor by inode, again whenever the selections dropped rows:
 * the index points at rows by position. */
static void index_holders(struct list_control *ctl)
{
	holder_index_free(ctl->holders);
	ctl->holders = holder_index_new(ctl->procs, ctl->nprocs);
}

/* Between collection and rows: what /proc/PID/fd does not say, found once
 * for every collected table together. */
static void attach_extra(struct list_control *ctl, unsigned int need)
{
	if ((need & LIST_NEED_ATTACH) == 0)
		return;
	if (ctl->attach == NULL) {
		ctl->attach = net_attach_new(ctl->proc_root, ctl->procs,
					     ctl->nprocs);
		net_attach_skip_dumps(ctl->attach, ctl->skip_dumps);
		net_attach_take_prefetch(ctl->attach, ctl->prefetch);
		ctl->prefetch = NULL;
	}
	if (need & LIST_NEED_SOCKETS) {
		net_attach_sockets(ctl->attach);
		fill_protos(ctl, need);
	}
	if (need & LIST_NEED_HOLDERS)
		index_holders(ctl);
}

/* A cell for -Q and -C, from what collection read. */
static int query_get(const void *ctx, int col, char *buf, size_t len,
		     const char **val)
{
	*val = list_cell(ctx, col, buf, len);
	return 0;
}

/* Drops every row the selections do not match.  Every row is decided
 * before any moves: ENDPOINTS and SOCK.PEER find other rows by position. */
static size_t keep_matching(struct list_control *ctl)
{
	size_t pi, i, n = 0, total = 0, k = 0;
	bool *keep;

	for (pi = 0; pi < ctl->nprocs; pi++)
		n += ctl->procs[pi].n;
	keep = xcalloc(n ? n : 1, sizeof(*keep));
	for (pi = 0; pi < ctl->nprocs; pi++) {
		struct fd_proc *p = &ctl->procs[pi];

		for (i = 0; i < p->n; i++) {
			struct list_row r = { ctl, pi, p, &p->fds[i] };
			const struct sock_info *si = row_sock(&r);
			struct query_row qr = { p, &p->fds[i], si,
						row_peer(&r, si), query_get, &r };

			keep[k++] = query_match(ctl->query, &qr);
		}
	}
	for (pi = 0, k = 0; pi < ctl->nprocs; pi++) {
		struct fd_proc *p = &ctl->procs[pi];
		size_t kept = 0;

		for (i = 0; i < p->n; i++)
			if (keep[k++])
				p->fds[kept++] = p->fds[i];
		p->n = kept;
		total += kept;
	}
	free(keep);
	return total;
}

static int cmp_fd(const void *key, const void *elem)
{
	int fd = *(const int *)key, other = ((const struct fd_entry *)elem)->fd;

	return (fd > other) - (fd < other);
}

static bool fd_was_kept(const void *ctx, int fd)
{
	const struct fd_proc *p = ctx;

	return bsearch(&fd, p->fds, p->n, sizeof(*p->fds), cmp_fd) != NULL;
}

/* Selections are decided on what they need alone (a socket's inode for
 * -i, a stat for PATH); only the rows that match are then read for the
 * columns, and matched again on the complete rows. */
static size_t select_rows(struct list_control *ctl)
{
	unsigned int fdl = ctl->need & ~(unsigned int)LIST_NEED_ATTACH;
	size_t pi, n;

	bool again = (fdl & ~ctl->first_need & ~(unsigned int)FDL_NEED_PROTO) != 0;

	/* The namespace of each process with sockets, pinned as list_one
	 * pins it. */
	if (ctl->need & LIST_NEED_SOCKETS)
		fdl |= FDL_NEED_NETNS;
	attach_extra(ctl, ctl->first_need);
	if (keep_matching(ctl) == 0)
		return 0;
	if (again) {
		for (pi = 0; pi < ctl->nprocs; pi++) {
			struct fd_proc *old = &ctl->procs[pi], fresh;

			if (old->n == 0)
				continue;
			if (fd_proc_collect_some(&fresh, ctl->proc_root,
						 old->self ? 0 : old->pid, fdl,
						 fd_was_kept, old) < 0)
				memset(&fresh, 0, sizeof(fresh));
			fd_proc_release(old);
			*old = fresh;
			drop_shared_netns(ctl, old, pi);
		}
	}
	attach_extra(ctl, ctl->need);
	n = keep_matching(ctl);
	/* The rows moved: ENDPOINTS names the other listed holders. */
	if (ctl->need & LIST_NEED_HOLDERS)
		index_holders(ctl);
	return n;
}

static void print_pids(const struct list_control *ctl)
{
	size_t pi, k;

	for (pi = 0; pi < ctl->nprocs; pi++) {
		if (ctl->procs[pi].n == 0)
			continue;
		for (k = 0; k < pi; k++)
			if (ctl->procs[k].n && ctl->procs[k].pid == ctl->procs[pi].pid)
				break;
		if (k == pi)
			printf("%ld\n", (long)ctl->procs[pi].pid);
	}
}

static void count_rows(struct list_control *ctl, struct summary *s)
{
	size_t pi, i;
	char buf[64];

	for (pi = 0; pi < ctl->nprocs; pi++) {
		const struct fd_proc *p = &ctl->procs[pi];

		if (p->n == 0)
			continue;
		for (i = 0; i < p->n; i++) {
			struct list_row r = { ctl, pi, p, &p->fds[i] };

			summary_count_row(s, list_cell(&r, COL_TYPE, buf, sizeof(buf)),
					  query_get, &r);
		}
		summary_add_process(s, ctl->proc_root, p->pid, p->comm);
	}
}

static void release_procs(struct list_control *ctl)
{
	size_t i;

	for (i = 0; i < ctl->nprocs; i++)
		fd_proc_release(&ctl->procs[i]);
	free(ctl->procs);
	ctl->procs = NULL;
	ctl->nprocs = 0;
}

/* Explains a refusal the way the kernel's rules decide it. */
static void warn_collect_error(const char *root, pid_t pid, int e)
{
	if (pid == 0)
		pid = getpid();
	if (e == EMFILE || e == ENFILE)
		warnx("process %ld: cannot read its descriptors: fdscope has no "
		      "descriptor left to read them with (%s); raise the limit "
		      "with 'ulimit -n' or close some", (long)pid, strerror(e));
	else if ((e == ENOENT || e == ESRCH) && root && procfs_hidepid(root))
		warnx("process %ld: no such process, or one hidden from fdscope: "
		      "'%s' is mounted with hidepid, which shows only the user's "
		      "own processes; run as root, as the process's user, or in "
		      "the group given by the mount's gid= option", (long)pid,
		      root);
	else if (e == ENOENT || e == ESRCH)
		warnx("process %ld: no such process", (long)pid);
	else if (e == EACCES || e == EPERM)
		warnx("process %ld: permission denied reading its descriptors: "
		      "run as the process's user, or with CAP_SYS_PTRACE "
		      "(and kernel.yama.ptrace_scope allowing it)", (long)pid);
	else
		warnx("process %ld: cannot read its descriptors: %s",
		      (long)pid, strerror(e));
}

/* An empty table is rare enough to deserve a word: say why, when the
 * kernel tells (a zombie has released its table, a kernel thread never
 * had one).  Not an error: that is the process's real state. */
static void explain_empty_table(const struct fd_proc *p)
{
	if (p->task == PROCFS_TASK_KTHREAD)
		fprintf(stderr, "fdscope: process %ld is a kernel thread: it has no "
			"descriptor table\n", (long)p->pid);
	else if (p->task == PROCFS_TASK_ZOMBIE)
		fprintf(stderr, "fdscope: process %ld is a zombie (exited, not yet "
			"reaped by its parent): its descriptors are all closed\n",
			(long)p->pid);
}

/* The thread group of a task ID: /proc/TID exists for every thread
 * (hidden from listings) and its status names the group, read through
 * the pin of -p.  0 when unknown. */
static pid_t tgid_of(const struct pid_pin *pin)
{
	char buf[4096];
	unsigned long long v;

	if (pin->fd < 0 ||
	    procfs_read_at(pin->fd, "status", buf, sizeof(buf)) <= 0 ||
	    status_parse_ull(buf, "Tgid", &v) < 0 || v == 0 || v > INT_MAX)
		return 0;
	return (pid_t)v;
}

/* Reads pid's table, through pin when the caller resolved it already;
 * tgid: pid's thread group when pid is another thread's ID, else 0.
 * Returns 0, -1 when the process could not be read (warned), -2 when
 * fdscope ran out of memory (warned): then nothing is printed at all. */
static int list_one(struct list_control *ctl, pid_t pid, pid_t tgid,
		    const struct pid_pin *pin, bool quiet_denied)
{
	unsigned int need = ctl->selecting ? ctl->first_need : ctl->need;
	struct query_proc qp;
	struct fd_proc p;
	int rc;

	need &= ~(unsigned int)LIST_NEED_ATTACH;
	/* With every dump under way already, the protocol names are read
	 * afterwards, for the sockets no dump holds (fill_protos). */
	if (ctl->prefetch)
		need &= ~(unsigned int)FDL_NEED_PROTO;
	if (ctl->need & LIST_NEED_SOCKETS)
		need |= FDL_NEED_NETNS;
	if (ctl->selecting &&
	    !query_want_process(ctl->query, ctl->proc_root, pid, &qp))
		return 0;
	if (pin && pin->error) {
		errno = pin->error;
		rc = -1;
	} else if (pin && pin->fd >= 0) {
		rc = fd_proc_collect_at_some(&p, pin->fd, pid, need,
					     ctl->selecting ? query_keep_fd : NULL,
					     &qp);
	} else {
		rc = fd_proc_collect_some(&p, ctl->proc_root, pid, need,
					  ctl->selecting ? query_keep_fd : NULL,
					  &qp);
	}
	if (rc < 0) {
		int e = errno;

		if (e == ENOMEM) {
			warn_collect_error(ctl->proc_root, pid, e);
			return -2;
		}

		if (quiet_denied && (e == EACCES || e == EPERM)) {
			ctl->denied++;
			return 0;
		}
		/* --all: a process that exited meanwhile is not an error. */
		if (quiet_denied && (e == ENOENT || e == ESRCH))
			return 0;
		warn_collect_error(ctl->proc_root, pid, e);
		return -1;
	}
	if (p.n == 0 && !quiet_denied && !ctl->selecting)
		explain_empty_table(&p);
	/* -p TID reads that thread's table (its own after unshare(2) of
	 * CLONE_FILES) and labels it with its process. */
	if (!p.self && tgid && tgid != pid) {
		p.tid = pid;
		p.pid = tgid;
	}
	drop_shared_netns(ctl, &p, ctl->nprocs);
	ctl->procs = xrealloc(ctl->procs, (ctl->nprocs + 1) * sizeof(*ctl->procs));
	ctl->procs[ctl->nprocs++] = p;
	return 0;
}

static int list_all(struct list_control *ctl)
{
	DIR *d = opendir(ctl->proc_root);
	struct dirent *de;
	int ret = 0, rc;

	if (d == NULL) {
		warn("cannot read '%s'", ctl->proc_root);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		long long v;
		const char *why;

		if (parse_ll(de->d_name, 1, INT_MAX, &v, &why) < 0)
			continue;
		rc = list_one(ctl, (pid_t)v, 0, NULL, true);
		if (rc == -2) {
			closedir(d);
			return -2;
		}
		if (rc < 0)
			ret = -1;
	}
	closedir(d);
	if (ctl->denied)
		warnx("%zu process%s not shown: permission denied (run as root "
		      "or with CAP_SYS_PTRACE to see them)", ctl->denied,
		      ctl->denied == 1 ? "" : "es");
	return ret;
}

static int parse_pid_list(struct list_control *ctl, const char *arg)
{
	const char *p = arg;

	do {
		size_t n = strcspn(p, ",");
		char tmp[32];
		long long v;
		const char *why = "too long";

		if (n >= sizeof(tmp) ||
		    (memcpy(tmp, p, n), tmp[n] = '\0',
		     parse_ll(tmp, 1, INT_MAX, &v, &why) < 0)) {
			char *esc = escape_bytes(p, n < 64 ? n : 64);

			cmd_usage_error(&cmd_list, "invalid PID '%s': %s; a PID is "
					"a positive whole number", esc, why);
			free(esc);
			return -1;
		}
		ctl->pids = xrealloc(ctl->pids, (ctl->npids + 1) * sizeof(*ctl->pids));
		ctl->pids[ctl->npids++] = (pid_t)v;
		p += n;
	} while (*p++ == ',');
	return 0;
}

static int parse_args(struct list_control *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ "notruncate", no_argument, NULL, OUT_OPT_NOTRUNCATE },
		OUT_LONG_OPTIONS,
		QUERY_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	char why[512];
	int c, r;

	while ((c = getopt_long(argc, argv, ":p:ah" OUT_SHORT_OPTIONS
				QUERY_SHORT_OPTIONS, opts, NULL)) != -1) {
		if (out_opts_take(&ctl->out, c, optarg))
			continue;
		if (c == 'i' && optarg == NULL && optind < argc &&
		    query_inet_operand(argv[optind]))
			optarg = argv[optind++];
		if ((r = query_take(ctl->query, c, optarg, why, sizeof(why))) < 0)
			return cmd_usage_error(&cmd_list, "%s", why);
		if (r > 0)
			continue;
		switch (c) {
		case 'p':
			if (parse_pid_list(ctl, optarg) < 0)
				return EXIT_USAGE;
			break;
		case 'a':
			ctl->all = 1;
			break;
		case 'h':
			ctl->help = 1;
			return EXIT_OK;
		default:
			return cmd_bad_option(&cmd_list, argv, c);
		}
	}
	if (ctl->all && ctl->npids)
		return cmd_usage_error(&cmd_list, "--all and --pid exclude each other");
	/* PATH operands: a file that is not there is a failure, not a
	 * mistake in the command line. */
	for (; optind < argc; optind++)
		if (query_add_path(ctl->query, argv[optind], why, sizeof(why)) < 0) {
			warnx("%s", why);
			return EXIT_FAIL;
		}
	ctl->selecting = query_selects(ctl->query);
	if (ctl->selecting && ctl->npids == 0)
		ctl->all = 1;
	return EXIT_OK;
}

static int select_columns(struct list_control *ctl)
{
	const int *defs = defaults_one;
	size_t ndefs = ARRAY_SIZE(defaults_one), i;
	bool thread = false;

	ctl->tgids = xcalloc(ctl->npids ? ctl->npids : 1, sizeof(*ctl->tgids));
	for (i = 0; i < ctl->npids; i++) {
		pid_t tgid = tgid_of(&ctl->pins[i]);

		if (tgid && tgid != ctl->pids[i]) {
			ctl->tgids[i] = tgid;
			thread = true;
		}
	}
	if (thread) {
		defs = defaults_thread;
		ndefs = ARRAY_SIZE(defaults_thread);
	} else if (ctl->all || ctl->npids > 1) {
		defs = defaults_many;
		ndefs = ARRAY_SIZE(defaults_many);
	} else if (ctl->npids == 0) {
		defs = defaults_self;
		ndefs = ARRAY_SIZE(defaults_self);
	}
	if (out_select(columns, NCOLUMNS, defs, ndefs, ctl->out.columns,
		       ctl->selected, &ctl->nselected) < 0)
		return -1;
	for (i = 0; i < ctl->nselected; i++)
		ctl->need |= column_needs[ctl->selected[i]];
	return 0;
}

/* What the selections, -Q and -C need collected for every descriptor;
 * the columns' needs are then read for the matching ones only. */
static int prepare_query(struct list_control *ctl)
{
	enum summary_mode mode = summary_mode(query_summary(ctl->query));
	bool sockets;
	int col;

	if (query_prepare(ctl->query, columns, NCOLUMNS) < 0)
		return -1;
	ctl->first_need = query_need(ctl->query, &sockets);
	ctl->skip_dumps = query_skip_dumps(ctl->query);
	if (sockets)
		ctl->first_need |= LIST_NEED_SOCKETS;
	for (col = 0; col < NCOLUMNS; col++)
		if (query_uses_column(ctl->query, col))
			ctl->first_need |= column_needs[col];
	if (query_pids_only(ctl->query))
		ctl->need = 0;
	else if (mode == SUMMARY_ONLY)
		ctl->need = column_needs[COL_TYPE];
	else if (mode != SUMMARY_NEVER)
		ctl->need |= column_needs[COL_TYPE];
	/* The headroom table names each process. */
	if (mode != SUMMARY_NEVER && !query_pids_only(ctl->query))
		ctl->need |= FDL_NEED_COMM;
	/* fdlist reads fdinfo whenever it reads both link and stat; when
	 * that leaves the columns nothing but per-process or self-only
	 * reads, those are made at once and no second pass is needed. */
	if ((ctl->first_need & FDL_NEED_LINK) && (ctl->first_need & FDL_NEED_STAT))
		ctl->first_need |= FDL_NEED_FDINFO;
	if ((ctl->need & ~ctl->first_need & ~(unsigned int)LIST_NEED_ATTACH &
	     ~(unsigned int)LIST_LATE_NEEDS) == 0)
		ctl->first_need |= ctl->need & (FDL_NEED_COMM | FDL_NEED_SOCKOPT);
	ctl->need |= ctl->first_need;
	return 0;
}

static int list_run(const struct cli_env *env, int argc, char **argv)
{
	struct list_control ctl = { .proc_root = env->proc_root };
	struct summary *sum;
	int ret, failed = 0;
	size_t i, nrows = 1;

	ctl.query = query_new();
	sum = query_summary(ctl.query);
	ret = parse_args(&ctl, argc, argv);
	if (ret != EXIT_OK || ctl.help) {
		free(ctl.pids);
		query_free(ctl.query);
		return ctl.help ? cmd_help(&cmd_list) : ret;
	}
	if (ctl.out.list_columns) {
		ret = out_list_columns(columns, NCOLUMNS, &ctl.out) < 0 ? EXIT_FAIL : EXIT_OK;
		goto cleanup;
	}
	pin_pids(&ctl);
	if (select_columns(&ctl) < 0 || prepare_query(&ctl) < 0) {
		ret = EXIT_USAGE;
		goto cleanup;
	}
	start_prefetch(&ctl);
	if (ctl.all)
		failed = list_all(&ctl);
	else if (ctl.npids == 0)
		failed = list_one(&ctl, 0, 0, NULL, false);
	for (i = 0; i < ctl.npids && failed != -2; i++) {
		int rc = list_one(&ctl, ctl.pids[i], ctl.tgids[i], &ctl.pins[i],
				  false);

		if (rc < 0)
			failed = rc;
	}
	unpin_pids(&ctl);
	/* Out of memory in a collecting thread: reported, nothing printed. */
	if (failed == -2) {
		ret = EXIT_FAIL;
		goto cleanup;
	}
	if (ctl.selecting)
		nrows = select_rows(&ctl);
	else
		attach_extra(&ctl, ctl.need);
	/* No match: nothing on stdout, and status 1, as lsof. */
	if (nrows == 0) {
		ret = EXIT_FAIL;
		goto cleanup;
	}
	if (query_pids_only(ctl.query)) {
		print_pids(&ctl);
		ret = failed ? EXIT_FAIL : EXIT_OK;
		goto cleanup;
	}
	ctl.table = out_table_new("descriptors", columns, ctl.selected,
				  ctl.nselected, &ctl.out);
	/* Whatever could be read is still printed.  A failed write is the
	 * dispatcher's to report (it checks stdout); anything else here. */
	if (summary_mode(sum) != SUMMARY_ONLY &&
	    print_rows(&ctl) < 0 && errno != EPIPE) {
		if (!ferror(stdout))
			warn("cannot print the descriptor table");
		failed = 1;
	}
	if (summary_mode(sum) != SUMMARY_NEVER) {
		count_rows(&ctl, sum);
		if (summary_mode(sum) == SUMMARY_APPEND && !ctl.out.json)
			putchar('\n');
		if (summary_print(sum, &ctl.out) < 0 && errno != EPIPE)
			failed = 1;
	}
	ret = failed ? EXIT_FAIL : EXIT_OK;
cleanup:
	out_table_free(ctl.table);
	net_attach_free(ctl.attach);
	holder_index_free(ctl.holders);
	sock_prefetch_free(ctl.prefetch);
	free(ctl.row_start);
	release_procs(&ctl);
	unpin_pids(&ctl);
	free(ctl.pids);
	free(ctl.tgids);
	query_free(ctl.query);
	return ret;
}

const struct command cmd_list = {
	.name = "list",
	.run = list_run,
	.summary = "list open descriptors of fdscope or of other processes",
	.usage =
	"fdscope list [-p PID[,PID...] | --all] [SELECTIONS] [OUTPUT OPTIONS]\n"
	"       [PATH...]\n"
	"\n"
	"List open file descriptors with their type, access mode, status flags,\n"
	"offset, inode and name, as the kernel reports them in /proc/PID/fd and\n"
	"/proc/PID/fdinfo.  Without -p, fdscope lists its own descriptors,\n"
	"including the one it holds open on /proc/self/fd to read them.\n"
	"\n"
	"Options:\n"
	"  -p, --pid PID[,PID...]  list these processes\n"
	"  -a, --all               list every process fdscope may read\n"
	"  -h, --help              show this help\n"
	QUERY_OPTIONS_HELP
	"Output options:\n"
	OUT_OPTIONS_HELP
	OUT_NOTRUNCATE_HELP
	"\n"
	"Default columns: FD TYPE MODE FLAGS POS INODE NAME (NOTE before NAME\n"
	"for fdscope itself; PID and COMMAND first and ENDPOINTS before NAME\n"
	"when several processes are listed; TID after PID when -p names a\n"
	"thread).  NAME is always last; on a terminal long cells are cut to\n"
	"its width.  Sockets are named by the kernel (TCP, UDP, UNIX, NETLINK,\n"
	"...) and decoded from NETLINK_SOCK_DIAG, or from /proc/net when\n"
	"netlink is refused or FDSCOPE_NO_NETLINK=1 is set.\n"
	"A selection or -Q searches every process unless -p narrows it.\n"
	"Exit status: 0 rows printed; 1 nothing matched (nothing is printed),\n"
	"a PATH that does not exist, a process that cannot be read; 2 a bad\n"
	"option value (-i, -u, -d, -c, --inode, --under, --summary, -C) or a -Q\n"
	"syntax error, shown with a caret under its column.\n"
	"Examples:\n"
	"  fdscope list\n"
	"  fdscope list -p $$ -o +DEV,SIZE\n"
	"  fdscope list -p 1234 -J\n"
	"  fdscope list -p 1234 -o FD,NAME,LADDR,RADDR,STATE,SOCK.PEER\n"
	"  fdscope list -t -i :8080\n"
	"  fdscope list -i tcp --listening -u ^root\n"
	"  fdscope list --under /var/log -Q 'SIZE > 1000000'\n"
	"  fdscope list -p 1234 --summary=only\n",
};
