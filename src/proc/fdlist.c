/* Collecting descriptor tables.  The process is pinned once by its /proc/PID
 * directory descriptor and everything is opened relative to it: a
 * descriptor on its fd directory is held for the whole walk (fdinfo
 * relative to one on its fdinfo directory), no path is rebuilt from a PID.  Per descriptor,
 * as the columns need them: fdinfo (open, one read, close), readlinkat and
 * fstatat, the last two skipped for pipes and sockets, whose link and stat
 * follow from fdinfo's inode and mount ID.  Those calls are nearly all of
 * the time (bench/results.md) and independent of each other: a large table
 * is split between threads, one per CPU. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "lib/parallel.h"
#include "lib/util.h"
#include "proc/anon.h"
#include "proc/fdlist.h"
#include "proc/fdtype.h"

/* getdents64 fills as much as it is given: 256 KiB holds about 10000
 * /proc/PID/fd entries per call, where readdir's 32 KiB holds 1300.  Small
 * tables (`serve` counts its own after every accept) use the stack. */
#define DENTS_BUF_SIZE ((size_t)256 * 1024)
#define DENTS_STACK_SIZE 8192
#define DENT_SIZE 32		/* a /proc/PID/fd entry of up to 7 digits */
/* Below this many descriptors a thread (some 50 µs to start) costs more
 * than it saves. */
#define PARALLEL_MIN 512
#define PER_THREAD_MIN 256

/* Link texts, NUL-separated; each collecting thread fills its own.  A
 * borrowed pool is a slice of one buffer shared by the threads of a table
 * (collect_entries): the slices are its texts with no copy to join them. */
struct str_pool {
	char *s;
	size_t len, cap;
	bool borrowed;
};

/* A new buffer for a pool that outgrew its slice or its buffer. */
static int pool_grow(struct str_pool *sp, size_t cap)
{
	char *grown;

	if (!sp->borrowed) {
		grown = try_realloc(sp->s, cap);
	} else if ((grown = try_malloc(cap)) != NULL) {
		memcpy(grown, sp->s, sp->len);
		sp->borrowed = false;
	}
	if (grown == NULL)
		return -1;
	sp->s = grown;
	sp->cap = cap;
	return 0;
}

/* Runs in collecting threads: (size_t)-1 with errno ENOMEM when out of
 * memory, for the job to hand back. */
static size_t pool_add(struct str_pool *sp, const char *s, size_t n)
{
	size_t off = sp->len;

	if (sp->len + n + 1 > sp->cap) {
		size_t cap = sp->cap ? sp->cap * 2 : 16384;

		while (sp->len + n + 1 > cap)
			cap *= 2;
		if (pool_grow(sp, cap) < 0)
			return (size_t)-1;
	}
	memcpy(sp->s + off, s, n);
	sp->s[off + n] = '\0';
	sp->len += n + 1;
	return off;
}

const char *fd_entry_info_text(const struct fd_proc *p,
			       const struct fd_entry *e, size_t *len)
{
	if (e->info_off == (size_t)-1) {
		*len = 0;
		return NULL;
	}
	*len = e->info_len;
	return p->strings + e->info_off;
}

int fd_entry_error(const struct fd_entry *e, const char **call)
{
	if (e->link_errno != 0 && e->link_errno != ENAMETOOLONG &&
	    e->link_off == (size_t)-1) {
		*call = "readlink";
		return e->link_errno;
	}
	/* ENODATA: stat was not asked for. */
	if (e->stat_errno != 0 && e->stat_errno != ENODATA) {
		*call = "stat";
		return e->stat_errno;
	}
	return 0;
}

const char *fd_entry_link(const struct fd_proc *p, const struct fd_entry *e)
{
	return e->link_off == (size_t)-1 ? NULL : p->strings + e->link_off;
}

unsigned long long fd_entry_link_socket(const struct fd_proc *p,
					const struct fd_entry *e)
{
	const char *link = fd_entry_link(p, e);
	unsigned long long ino;

	if (link == NULL)
		return 0;
	if (e->link_sock != LINK_SOCK_UNNOTED)
		return e->link_sock == LINK_SOCK_INODE ? e->link_sock_ino : 0;
	return link_bracket_inode(link, "socket:", &ino) ? ino : 0;
}

/* Runs in collecting threads too: -1 with errno ENOMEM instead of an
 * exit, for the thread that started them to report. */
static int reserve_entries(struct fd_proc *p, size_t n)
{
	struct fd_entry *grown;

	if (n <= p->cap)
		return 0;
	grown = try_realloc(p->fds, n * sizeof(*p->fds));
	if (grown == NULL) {
		errno = ENOMEM;
		return -1;
	}
	p->fds = grown;
	p->cap = n;
	return 0;
}

/* NULL with errno ENOMEM when the table cannot grow. */
static struct fd_entry *add_entry(struct fd_proc *p, int fd)
{
	struct fd_entry *e;

	if (p->n == p->cap &&
	    reserve_entries(p, p->cap ? p->cap * 2 : 64) < 0)
		return NULL;
	e = &p->fds[p->n++];
	memset(e, 0, sizeof(*e));
	e->fd = fd;
	e->link_off = (size_t)-1;
	e->info_off = (size_t)-1;
	e->stat_errno = ENODATA;
	return e;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct fd_entry *x = a, *y = b;

	return (x->fd > y->fd) - (x->fd < y->fd);
}

/* Since 6.2 the size of /proc/PID/fd is the number of open descriptors:
 * the array is sized once instead of grown.  Older kernels say 0, taken
 * as "many". */
static size_t presize_entries(struct fd_proc *p, int dfd)
{
	struct stat st;

	if (fstat(dfd, &st) < 0 || st.st_size <= 0 || st.st_size >= (1 << 24))
		return SIZE_MAX;
	/* Only a hint: a table that cannot be sized now fails as it grows. */
	if (reserve_entries(p, (size_t)st.st_size + 8) < 0)
		return SIZE_MAX;
	return (size_t)st.st_size;
}

/* A walk of a table's directory: whether the numbers came in order, how
 * many there were, and which to keep (an entry keep rejects is never
 * made: a table of 19000 read again for three of them writes three). */
struct dents_walk {
	bool sorted;
	int last;
	size_t seen;
	fd_keep_fn keep;
	const void *ctx;
	/* Numbers from end on are another walk's (read_table_as_listed): left
	 * out, the first of them kept in beyond (-1: none came). */
	long long end, beyond;
};

static struct dents_walk dents_walk_of(fd_keep_fn keep, const void *ctx)
{
	return (struct dents_walk){
		.sorted = true, .last = -1, .keep = keep, .ctx = ctx,
		.end = LLONG_MAX, .beyond = -1,
	};
}

/* -1 with errno ENOMEM when the table cannot grow. */
static int add_dents(struct fd_proc *p, const char *buf, size_t len,
		     struct dents_walk *w)
{
	size_t off = 0;

	while (off < len) {
		const struct dirent64 *d = (const void *)(buf + off);
		long long v;
		const char *why;

		off += d->d_reclen;
		if (d->d_name[0] == '.' ||
		    parse_ll(d->d_name, 0, INT_MAX, &v, &why) < 0)
			continue;
		if (v >= w->end) {
			if (w->beyond < 0 || v < w->beyond)
				w->beyond = v;
			continue;
		}
		w->seen++;
		if (w->keep && !w->keep(w->ctx, (int)v))
			continue;
		if (add_entry(p, (int)v) == NULL)
			return -1;
		if ((int)v < w->last)
			w->sorted = false;
		w->last = (int)v;
	}
	return 0;
}

/* Reads the directory completely before looking at any descriptor, so the
 * descriptors opened for the look-ups (fdinfo) never show up as entries. */
static int read_fd_numbers(struct fd_proc *p, int dfd, struct dents_walk *w)
{
	char stack_buf[DENTS_STACK_SIZE], *buf = stack_buf, *heap = NULL;
	size_t size = sizeof(stack_buf), expected = presize_entries(p, dfd);
	int ret = -1, saved = 0;

	/* Without the larger buffer, the stack's lists it in more calls:
	 * this may run in a reading thread, which never exits. */
	if (expected > DENTS_STACK_SIZE / DENT_SIZE &&
	    (heap = try_malloc(DENTS_BUF_SIZE)) != NULL) {
		buf = heap;
		size = DENTS_BUF_SIZE;
	}
	for (;;) {
		ssize_t n = getdents64(dfd, buf, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			saved = errno;
			goto cleanup;
		}
		if (n == 0)
			break;
		if (add_dents(p, buf, (size_t)n, w) < 0) {
			saved = errno;
			goto cleanup;
		}
	}
	if (!w->sorted)
		qsort(p->fds, p->n, sizeof(*p->fds), cmp_entry);
	ret = 0;
cleanup:
	free(heap);
	errno = saved;
	return ret;
}

/* Descriptors whose stat differs only by inode: every anonymous pipe is on
 * the one pipefs superblock, every socket on the one sockfs, each kind
 * with one mode.  Their link text names the inode ("pipe:[N]", printed by
 * pipefs_dname and sockfs_dname from the inode alone), and fdinfo's
 * mnt_id names the kind: pipefs and sockfs are each one internal mount. */
enum { LINK_PIPE, LINK_SOCKET, NLINK_KINDS, LINK_OTHER = NLINK_KINDS };

/* One thread's share of the table: entries [lo, hi). */
struct collect_job {
	struct fd_proc *p;
	int dfd, infofd;
	unsigned int need;
	size_t lo, hi;
	struct str_pool pool;
	int error;		/* errno when fdscope ran out of descriptors */
	struct fd_stat kind_st[NLINK_KINDS];	/* the first real stat of each */
	bool have_kind_st[NLINK_KINDS];
	int kind_mnt[NLINK_KINDS];		/* its mount ID (fdinfo) */
	bool have_kind_mnt[NLINK_KINDS];
	/* The first real stat of an "anon_inode:" descriptor and its mount
	 * ID: eventfd, eventpoll, timerfd, signalfd and inotify share the
	 * kernel's one anonymous inode, so a descriptor whose fdinfo names
	 * that inode on that mount has this very stat (anon_stat_known). */
	struct fd_stat anon_st;
	int anon_mnt;
	bool have_anon_st;
};

static void keep_stat(struct fd_stat *to, const struct stat *st)
{
	to->st_dev = st->st_dev;
	to->st_ino = st->st_ino;
	to->st_nlink = st->st_nlink;
	to->st_rdev = st->st_rdev;
	to->st_size = st->st_size;
	to->st_mode = st->st_mode;
	to->st_uid = st->st_uid;
}

/* "pipe:[N]" or "socket:[N]": the kind and N, else LINK_OTHER. */
static int link_kind(const char *link, unsigned long long *ino)
{
	static const char *const prefix[NLINK_KINDS] = {
		[LINK_PIPE] = "pipe:", [LINK_SOCKET] = "socket:",
	};
	int k;

	for (k = 0; k < NLINK_KINDS; k++)
		if (link_bracket_inode(link, prefix[k], ino))
			return k;
	return LINK_OTHER;
}

/* Fills e->st from the link and the kind's first stat; false when the
 * descriptor must be stat'ed itself. */
static bool stat_from_link(const struct collect_job *j, const char *link,
			   struct fd_entry *e)
{
	unsigned long long ino;
	int k = link ? link_kind(link, &ino) : LINK_OTHER;

	if (k == LINK_OTHER || !j->have_kind_st[k] || (j->need & FDL_NEED_OWNER))
		return false;
	e->st = j->kind_st[k];
	e->st.st_ino = (ino_t)ino;
	e->st_from_link = true;
	e->stat_errno = 0;
	return true;
}

/* Keeps the stat of the first pipe and socket as the kind's; a stat that
 * disagrees with its own link (it never should) keeps the kind stat'ed. */
static void learn_kind(struct collect_job *j, const char *link,
		       const struct fd_entry *e)
{
	unsigned long long ino;
	int k = link ? link_kind(link, &ino) : LINK_OTHER;

	if (k == LINK_OTHER || j->have_kind_st[k])
		return;
	if ((unsigned long long)e->st.st_ino != ino ||
	    (k == LINK_PIPE && !S_ISFIFO(e->st.st_mode)) ||
	    (k == LINK_SOCKET && !S_ISSOCK(e->st.st_mode)))
		return;
	j->kind_st[k] = e->st;
	j->have_kind_st[k] = true;
}

/* Fills e->st from the anonymous inode's stat taken earlier when fdinfo
 * names the same inode on the same mount: the stat of one inode, not a
 * like file's, so it counts as the descriptor's own (st_from_link stays
 * false).  Kinds with an inode each (io_uring, userfaultfd, pidfs...)
 * never match and are stat'ed.  In the bench mix a quarter of the
 * stats (every eventfd and eventpoll) are saved. */
static bool anon_stat_known(const struct collect_job *j, const char *link,
			    struct fd_entry *e)
{
	if (!j->have_anon_st || !fdtype_is_anon(link) || !e->have_info ||
	    !e->info.has_ino || !e->info.has_mnt_id ||
	    e->info.ino != (unsigned long long)j->anon_st.st_ino ||
	    e->info.mnt_id != j->anon_mnt)
		return false;
	e->st = j->anon_st;
	e->st_mnt_id = j->anon_mnt;
	e->has_st_mnt_id = true;
	e->stat_errno = 0;
	return true;
}

/* Keeps the first real stat of an anonymous inode that fdinfo agrees
 * with (inode and mount) for anon_stat_known. */
static void learn_anon(struct collect_job *j, const char *link,
		       const struct fd_entry *e)
{
	if (j->have_anon_st || !fdtype_is_anon(link) || !e->have_info ||
	    !e->info.has_ino || !e->info.has_mnt_id || !e->has_st_mnt_id ||
	    e->info.ino != (unsigned long long)e->st.st_ino ||
	    e->info.mnt_id != e->st_mnt_id)
		return;
	j->anon_st = e->st;
	j->anon_mnt = e->st_mnt_id;
	j->have_anon_st = true;
}

/* For fd_entry_link_socket: the link just stored, parsed once. */
static void note_link_socket(struct fd_entry *e, const char *link)
{
	unsigned long long ino = 0;
	bool sock = link_bracket_inode(link, "socket:", &ino);

	e->link_sock = sock ? LINK_SOCK_INODE : LINK_SOCK_NONE;
	e->link_sock_ino = sock ? ino : 0;
}

/* Returns 0, -1 with errno when the link cannot be read, -2 when out of
 * memory. */
static int read_link(struct collect_job *j, const char *name,
		     struct fd_entry *e)
{
	char buf[PATH_MAX + 32];
	ssize_t n = readlinkat(j->dfd, name, buf, sizeof(buf));

	if (n < 0) {
		e->link_errno = errno;
		return -1;
	}
	e->link_off = pool_add(&j->pool, buf, (size_t)n);
	if (e->link_off == (size_t)-1)
		return -2;
	note_link_socket(e, j->pool.s + e->link_off);
	return 0;
}

/* Returns -1 only when fdscope itself ran out of descriptors: a listing
 * with holes it does not mention would be worse than an error. */
static int read_fdinfo(const struct collect_job *j, const char *name,
		       struct fd_entry *e, char *buf, size_t len, ssize_t *got)
{
	/* pos, flags, mnt_id and ino are the first lines; what follows
	 * (epoll's and inotify's watches) is kept only for FDL_NEED_ANON. */
	char path[32];
	ssize_t n;

	if (j->infofd >= 0) {
		n = procfs_read_head_at(j->infofd, name, buf, len);
	} else {
		snprintf(path, sizeof(path), "../fdinfo/%s", name);
		n = procfs_read_head_at(j->dfd, path, buf, len);
	}
	*got = n;
	if (n < 0 && (errno == EMFILE || errno == ENFILE))
		return -1;
	if (n >= 0 && fdinfo_parse(buf, (size_t)n, &e->info) == 0)
		e->have_info = true;
	return 0;
}

static void read_sockopt(struct fd_entry *e)
{
	socklen_t len = sizeof(int);

	if (getsockopt(e->fd, SOL_SOCKET, SO_DOMAIN, &e->sock_family, &len) < 0)
		return;
	len = sizeof(int);
	if (getsockopt(e->fd, SOL_SOCKET, SO_TYPE, &e->sock_type, &len) < 0)
		return;
	len = sizeof(int);
	if (getsockopt(e->fd, SOL_SOCKET, SO_PROTOCOL, &e->sock_proto, &len) < 0)
		return;
	e->have_sockopt = true;
}

/* piddir -1: fdscope itself, read through its fd directory dfd. */
static void read_comm(struct fd_proc *p, int piddir, int dfd)
{
	ssize_t n = piddir >= 0 ?
		procfs_read_at(piddir, "comm", p->comm, sizeof(p->comm)) :
		procfs_read_at(dfd, "../comm", p->comm, sizeof(p->comm));

	if (n <= 0) {
		p->comm[0] = '\0';
		return;
	}
	if (p->comm[n - 1] == '\n')
		p->comm[n - 1] = '\0';
}

/* The link text of an entry while its job's pool still holds it. */
static const char *fd_link_in(const struct collect_job *j,
			      const struct fd_entry *e)
{
	return e->link_off == (size_t)-1 ? NULL : j->pool.s + e->link_off;
}

/* The link text of a pipe or socket from its fdinfo, once a real readlink
 * of the same kind showed which mount ID the kind is on: readlinkat is a
 * third of the cost of a descriptor (bench/results.md).  0 when the link
 * must be read, 1 when made, -1 when out of memory. */
static int link_from_fdinfo(struct collect_job *j, struct fd_entry *e)
{
	static const char *const prefix[NLINK_KINDS] = {
		[LINK_PIPE] = "pipe:[", [LINK_SOCKET] = "socket:[",
	};
	char buf[64];
	size_t n;
	int k;

	if (!e->have_info || !e->info.has_mnt_id || !e->info.has_ino)
		return 0;
	for (k = 0; k < NLINK_KINDS; k++) {
		if (!j->have_kind_mnt[k] || j->kind_mnt[k] != e->info.mnt_id)
			continue;
		/* What the kernel's link says: "pipe:[INODE]". */
		n = strlen(prefix[k]);
		memcpy(buf, prefix[k], n);
		fmt_ull(buf + n, sizeof(buf) - n - 1, e->info.ino);
		n += strlen(buf + n);
		buf[n++] = ']';
		buf[n] = '\0';
		e->link_off = pool_add(&j->pool, buf, n);
		if (e->link_off == (size_t)-1)
			return -1;
		note_link_socket(e, buf);
		return 1;
	}
	return 0;
}

/* After a real readlink: a pipe's or socket's mount ID, when fdinfo agrees
 * with the link about the inode. */
static void learn_kind_mnt(struct collect_job *j, const struct fd_entry *e)
{
	const char *link = fd_link_in(j, e);
	unsigned long long ino;
	int k = link ? link_kind(link, &ino) : LINK_OTHER;

	if (k == LINK_OTHER || j->have_kind_mnt[k] || !e->have_info ||
	    !e->info.has_mnt_id || !e->info.has_ino || e->info.ino != ino)
		return;
	j->kind_mnt[k] = e->info.mnt_id;
	j->have_kind_mnt[k] = true;
}

/* Returns 1 when the descriptor closed meanwhile (when its link was read,
 * that told already). */
static int read_stat(struct collect_job *j, const char *name,
		     struct fd_entry *e)
{
	const char *link = fd_link_in(j, e);
	struct statx stx;
	struct stat st;

	if (stat_from_link(j, link, e) || anon_stat_known(j, link, e))
		return 0;
	/* statx for the mount ID too, which fdinfo's must match. */
	if (statx(j->dfd, name, 0, STATX_BASIC_STATS | STATX_MNT_ID, &stx) < 0) {
		e->stat_errno = errno;
		return errno == ENOENT && (j->need & FDL_NEED_LINK) == 0;
	}
	memset(&st, 0, sizeof(st));
	st.st_dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
	st.st_rdev = makedev(stx.stx_rdev_major, stx.stx_rdev_minor);
	st.st_ino = (ino_t)stx.stx_ino;
	st.st_nlink = (nlink_t)stx.stx_nlink;
	st.st_size = (off_t)stx.stx_size;
	st.st_mode = (mode_t)stx.stx_mode;
	st.st_uid = (uid_t)stx.stx_uid;
	keep_stat(&e->st, &st);
	if (stx.stx_mask & STATX_MNT_ID) {
		e->st_mnt_id = (int)stx.stx_mnt_id;
		e->has_st_mnt_id = true;
	}
	e->stat_errno = 0;
	learn_kind(j, link, e);
	learn_anon(j, link, e);
	return 0;
}

/* The kernel's name for a socket's protocol, as lsfd reads it: the
 * attribute is answered by sockfs from the socket itself, so it holds for
 * sockets that are in no table (unbound) and in any network namespace.
 * Reached through fdscope's own handle on a directory of the process
 * (getxattr has no *at form: the kernel's /proc/self/fd/DIRFD link is
 * that directory, with any proc root). */
static void read_proto_at(int dirfd, const char *rel, struct fd_entry *e)
{
	char path[96];
	ssize_t n = -1;

	if (procfs_self_fd_path(path, sizeof(path), dirfd, rel) == 0)
		n = getxattr(path, "system.sockprotoname", e->proto,
			     sizeof(e->proto) - 1);
	e->proto[n > 0 ? n : 0] = '\0';
}

static void read_proto(const struct collect_job *j, const char *name,
		       struct fd_entry *e)
{
	read_proto_at(j->dfd, name, e);
}

void fd_entry_read_proto(int piddir, struct fd_entry *e)
{
	char rel[32];

	snprintf(rel, sizeof(rel), "fd/%d", e->fd);
	read_proto_at(piddir, rel, e);
}

int fd_proc_repin(const char *root, const struct fd_proc *p)
{
	/* fdscope itself cannot be another process meanwhile. */
	if (p->self && p->tid == 0)
		return procfs_repin(root, 0, 0, PROCFS_NO_START);
	/* Without its start time, a PID names no process for sure. */
	if (p->start_time == PROCFS_NO_START) {
		errno = ESRCH;
		return -1;
	}
	return procfs_repin(root, p->pid, p->tid, p->start_time);
}

/* An anonymous inode's whole fdinfo, into the pool: the head already
 * read when it was surely whole, else read again to its end.  A full
 * head was cut after its last whole line, and no fdinfo line is longer
 * than ANON_LINE_MAX (inotify's with a 128-byte handle in hex): a head
 * that much shorter than the buffer was never cut.  -1 with errno when
 * fdscope ran out of descriptors or memory. */
#define ANON_LINE_MAX 512

static int keep_anon_info(struct collect_job *j, const char *name,
			  struct fd_entry *e, const char *head, ssize_t nhead,
			  size_t head_size)
{
	char path[32], *all = NULL;
	ssize_t n;

	if (nhead >= 0 && (size_t)nhead + 1 + ANON_LINE_MAX < head_size) {
		e->info_off = pool_add(&j->pool, head, (size_t)nhead);
		e->info_len = (size_t)nhead;
	} else {
		if (j->infofd >= 0) {
			n = procfs_slurp_at(j->infofd, name, &all);
		} else {
			snprintf(path, sizeof(path), "../fdinfo/%s", name);
			n = procfs_slurp_at(j->dfd, path, &all);
		}
		if (n < 0)
			return errno == EMFILE || errno == ENFILE ? -1 : 0;
		e->info_off = pool_add(&j->pool, all, (size_t)n);
		e->info_len = (size_t)n;
		free(all);
	}
	if (e->info_off == (size_t)-1) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* Fills one entry; returns 1 when the descriptor closed meanwhile, -1
 * with errno when fdscope ran out of descriptors or memory. */
static int read_entry_once(struct collect_job *j, struct fd_entry *e)
{
	unsigned int need = j->need;
	unsigned long long ino;
	const char *link;
	char name[16], info[1024];
	ssize_t ninfo = -1;
	int rc;

	fmt_ull(name, sizeof(name), (unsigned long long)e->fd);
	/* fdinfo first: for pipes and sockets it makes the link. */
	if ((need & FDL_NEED_FDINFO) &&
	    read_fdinfo(j, name, e, info, sizeof(info), &ninfo) < 0)
		return -1;
	if ((need & FDL_NEED_LINK) && (rc = link_from_fdinfo(j, e)) <= 0) {
		if (rc < 0) {
			errno = ENOMEM;
			return -1;
		}
		rc = read_link(j, name, e);
		if (rc == -2) {
			errno = ENOMEM;
			return -1;
		}
		/* Any other failure stays as an error row (link_errno). */
		if (rc < 0 && errno == ENOENT)
			return 1;
		learn_kind_mnt(j, e);
	}
	if ((((need & FDL_NEED_ANON) &&
	      anon_kind_of_link(fd_link_in(j, e)) != ANON_NONE) ||
	     ((need & FDL_NEED_LOCKS) && ninfo > 0 &&
	      memmem(info, (size_t)ninfo, "\nlock:", 6) != NULL)) &&
	    keep_anon_info(j, name, e, info, ninfo, sizeof(info)) < 0)
		return -1;
	if ((need & FDL_NEED_STAT) && read_stat(j, name, e) > 0)
		return 1;
	if ((need & FDL_NEED_SOCKOPT) && j->p->self && e->stat_errno == 0 &&
	    S_ISSOCK(e->st.st_mode))
		read_sockopt(e);
	link = fd_link_in(j, e);
	if ((need & FDL_NEED_PROTO) && link &&
	    link_kind(link, &ino) == LINK_SOCKET)
		read_proto(j, name, e);
	return 0;
}

static dev_t special_dev[NLINK_KINDS];
static bool have_special_dev[NLINK_KINDS];
static pthread_once_t special_once = PTHREAD_ONCE_INIT;

/* pipefs's and sockfs's devices, from a pipe and a socket of fdscope's
 * own: each is one superblock for the whole system. */
static void find_special_devs(void)
{
	struct stat st;
	int fds[2], s;

	if (pipe2(fds, O_CLOEXEC) == 0) {
		if (fstat(fds[0], &st) == 0) {
			special_dev[LINK_PIPE] = st.st_dev;
			have_special_dev[LINK_PIPE] = true;
		}
		close(fds[0]);
		close(fds[1]);
	}
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s >= 0) {
		if (fstat(s, &st) == 0) {
			special_dev[LINK_SOCKET] = st.st_dev;
			have_special_dev[LINK_SOCKET] = true;
		}
		close(s);
	}
}

/* LINK_PIPE or LINK_SOCKET when the stat is on pipefs or sockfs. */
static int stat_kind(const struct fd_stat *st)
{
	int k;

	pthread_once(&special_once, find_special_devs);
	for (k = 0; k < NLINK_KINDS; k++)
		if (have_special_dev[k] && st->st_dev == special_dev[k])
			return k;
	return LINK_OTHER;
}

bool fd_entry_on_sockfs(const struct fd_entry *e)
{
	return e->stat_errno == 0 && S_ISSOCK(e->st.st_mode) &&
		stat_kind(&e->st) == LINK_SOCKET;
}

/* Whether fdinfo, the link and the stat were read from one open file:
 * fdinfo's inode must be the link's (pipe:[N], socket:[N]) and the
 * stat's, and a pipe's or socket's stat goes with its kind of link.  A
 * descriptor replaced (dup2) between two of the reads fails this, except
 * one replaced by another file of a kind with path links (a regular
 * file, a directory...) and put back between the fdinfo and the stat:
 * then the link may be the other file's. */
static int entry_consistent(const struct collect_job *j,
			    const struct fd_entry *e)
{
	return fd_entry_agreement(e, fd_link_in(j, e));
}

int fd_entry_agreement(const struct fd_entry *e, const char *link)
{
	unsigned long long ino;
	bool real_stat = e->stat_errno == 0 && !e->st_from_link;
	int sk = real_stat ? stat_kind(&e->st) : LINK_OTHER;

	/* An anonymous pipe or a socket has a link of its kind only: a path
	 * beside its stat was another file's. */
	if (link && real_stat && sk != LINK_OTHER && link_kind(link, &ino) != sk)
		return READ_KIND_DIFFERS;
	if (!e->have_info || !e->info.has_ino)
		return READ_AGREES;
	if (link && link_kind(link, &ino) != LINK_OTHER && ino != e->info.ino)
		return READ_KIND_DIFFERS;
	/* fdinfo's mount is the file's path's, which the stat followed. */
	if (real_stat && e->has_st_mnt_id && e->info.has_mnt_id &&
	    e->st_mnt_id != e->info.mnt_id)
		return READ_KIND_DIFFERS;
	if (real_stat && (unsigned long long)e->st.st_ino != e->info.ino)
		return sk == LINK_OTHER ? READ_INO_DIFFERS : READ_KIND_DIFFERS;
	return READ_AGREES;
}

/* What a failed check saw, to tell a changing descriptor from a stable
 * disagreement: on overlayfs fdinfo names the real file's inode and stat
 * the overlay's, for as long as the file is open. */
struct entry_seen {
	unsigned long long info_ino, st_ino;
	int stat_errno;
};

static void entry_seen_of(const struct fd_entry *e, struct entry_seen *s)
{
	s->info_ino = e->info.ino;
	s->st_ino = (unsigned long long)e->st.st_ino;
	s->stat_errno = e->stat_errno;
}

#define READ_TRIES 3

/* Reads an entry until its parts agree (at most READ_TRIES times).  An
 * inode disagreement between fdinfo and a file's stat seen the same way
 * every time is the file's own (overlayfs: kept); any other, or one that
 * moves, is a descriptor being replaced: returns 2 to drop it. */
static int read_entry(struct collect_job *j, struct fd_entry *e)
{
	struct entry_seen first = { 0, 0, 0 }, now;
	bool stable = true;
	int fd = e->fd, k, rc, how;

	for (k = 0; k < READ_TRIES; k++) {
		if (k > 0) {
			memset(e, 0, sizeof(*e));
			e->fd = fd;
			e->link_off = (size_t)-1;
			e->info_off = (size_t)-1;
			e->stat_errno = ENODATA;
		}
		rc = read_entry_once(j, e);
		if (rc != 0 || (how = entry_consistent(j, e)) == READ_AGREES)
			return rc;
		if (how == READ_KIND_DIFFERS)
			stable = false;
		entry_seen_of(e, &now);
		if (k == 0)
			first = now;
		else if (first.info_ino != now.info_ino ||
			 first.st_ino != now.st_ino ||
			 first.stat_errno != now.stat_errno)
			stable = false;
	}
	return stable ? 0 : 2;
}

/* Entries whose descriptor closed meanwhile get fd -1; they are dropped
 * once every thread is done.  Running out of descriptors or memory stops
 * the job: a collecting thread never exits, its error goes back to the
 * thread that started it. */
static void *collect_range(void *arg)
{
	struct collect_job *j = arg;
	size_t i;

	for (i = j->lo; i < j->hi; i++) {
		int rc = read_entry(j, &j->p->fds[i]);

		if (rc < 0) {
			j->error = errno;
			break;
		}
		if (rc > 0)
			j->p->fds[i].fd = rc == 2 ? -2 : -1;
	}
	return NULL;
}

static size_t thread_count(const struct fd_proc *p, unsigned int need)
{
	/* Reading the numbers alone is done by then: nothing to share. */
	if (p->n < PARALLEL_MIN || (need & ~(unsigned int)FDL_NEED_COMM) == 0 ||
	    (need & FDL_NEED_ONE_THREAD))
		return 1;
	return parallel_jobs(p->n, PER_THREAD_MIN);
}

/* Joins the threads' string pools into p->strings, moving each entry's
 * offset along with its pool. */
static void merge_pools(struct fd_proc *p, struct collect_job *jobs,
			size_t njobs)
{
	size_t k, i, total = 0, base = 0;

	if (njobs == 1) {
		p->strings = jobs[0].pool.s;
		p->strings_len = jobs[0].pool.len;
		p->strings_cap = jobs[0].pool.cap;
		jobs[0].pool.s = NULL;
		return;
	}
	for (k = 0; k < njobs; k++)
		total += jobs[k].pool.len;
	p->strings = xmalloc(total ? total : 1);
	p->strings_len = p->strings_cap = total;
	for (k = 0; k < njobs; k++) {
		if (jobs[k].pool.len)
			memcpy(p->strings + base, jobs[k].pool.s, jobs[k].pool.len);
		for (i = jobs[k].lo; i < jobs[k].hi; i++) {
			if (p->fds[i].link_off != (size_t)-1)
				p->fds[i].link_off += base;
			if (p->fds[i].info_off != (size_t)-1)
				p->fds[i].info_off += base;
		}
		base += jobs[k].pool.len;
		if (!jobs[k].pool.borrowed)
			free(jobs[k].pool.s);
		jobs[k].pool.s = NULL;
	}
}

/* Text bytes a descriptor's slice of the shared pool allows: a path, or
 * a pipe's or socket's link, and an anonymous inode's fdinfo (eventfd,
 * eventpoll) average well under it.  Pages never written are never
 * faulted in, so the room costs address space only. */
#define POOL_BYTES_PER_ENTRY 256

/* One buffer for the pools of jobs, a slice each in table order, so that
 * the joined texts are that buffer (join_pools); NULL when it cannot be
 * had (each job then grows a pool of its own). */
static char *share_pools(struct collect_job *jobs, size_t njobs)
{
	size_t k, off = 0, total = 0;
	char *shared;

	for (k = 0; k < njobs; k++)
		total += (jobs[k].hi - jobs[k].lo) * POOL_BYTES_PER_ENTRY;
	if (njobs < 2 || (shared = try_malloc(total)) == NULL)
		return NULL;
	for (k = 0; k < njobs; k++) {
		size_t cap = (jobs[k].hi - jobs[k].lo) * POOL_BYTES_PER_ENTRY;

		jobs[k].pool = (struct str_pool){ shared + off, 0, cap, true };
		off += cap;
	}
	return shared;
}

/* The threads' texts into p->strings: the shared buffer itself when every
 * job stayed in its slice (offsets move by the slice's start), else
 * copied as merge_pools does. */
static void join_pools(struct fd_proc *p, struct collect_job *jobs,
		       size_t njobs, char *shared)
{
	size_t k, i;

	for (k = 0; k < njobs && shared != NULL; k++)
		if (!jobs[k].pool.borrowed)
			break;
	if (shared == NULL || k < njobs) {
		merge_pools(p, jobs, njobs);
		free(shared);
		return;
	}
	for (k = 0; k < njobs; k++) {
		size_t base = (size_t)(jobs[k].pool.s - shared);

		for (i = jobs[k].lo; i < jobs[k].hi; i++) {
			if (p->fds[i].link_off != (size_t)-1)
				p->fds[i].link_off += base;
			if (p->fds[i].info_off != (size_t)-1)
				p->fds[i].info_off += base;
		}
		p->strings_len = base + jobs[k].pool.len;
		jobs[k].pool.s = NULL;
	}
	p->strings = shared;
	p->strings_cap = p->strings_len;
}

/* Reads every entry, in threads when the table is large.  A thread that
 * cannot be started leaves its share to the calling thread.  Returns 0, or
 * -1 with errno when fdscope ran out of descriptors or memory, once every
 * thread has stopped. */
static int collect_entries(struct fd_proc *p, int dfd, int infofd,
			   unsigned int need)
{
	struct collect_job jobs[PARALLEL_MAX_JOBS];
	size_t njobs = thread_count(p, need), k;
	char *shared;
	int error = 0;

	memset(jobs, 0, sizeof(jobs));
	for (k = 0; k < njobs; k++) {
		jobs[k] = (struct collect_job){
			.p = p, .dfd = dfd, .infofd = infofd,
			.need = need,
			.lo = p->n * k / njobs, .hi = p->n * (k + 1) / njobs,
		};
	}
	shared = share_pools(jobs, njobs);
	parallel_run(collect_range, jobs, sizeof(jobs[0]), njobs);
	join_pools(p, jobs, njobs, shared);
	for (k = 0; k < njobs && error == 0; k++)
		error = jobs[k].error;
	errno = error;
	return error ? -1 : 0;
}

/* Drops what closed meanwhile, and in fdscope's own table the caller's
 * handle on /proc/self. */
static void drop_closed(struct fd_proc *p, int dfd, int piddir)
{
	size_t i, kept = 0;

	for (i = 0; i < p->n; i++) {
		struct fd_entry *e = &p->fds[i];

		if (e->fd < 0) {
			if (e->fd == -2)
				p->changed++;
			else
				p->skipped++;
			continue;
		}
		if (p->self && e->fd == piddir)
			continue;
		e->is_reader = p->self && e->fd == dfd;
		if (kept != i)
			p->fds[kept] = *e;
		kept++;
	}
	p->n = kept;
}

static bool has_socket(const struct fd_proc *p)
{
	unsigned long long ino;
	size_t i;

	for (i = 0; i < p->n; i++) {
		const char *link = fd_entry_link(p, &p->fds[i]);

		if ((link && link_kind(link, &ino) == LINK_SOCKET) ||
		    (p->fds[i].stat_errno == 0 && S_ISSOCK(p->fds[i].st.st_mode)))
			return true;
	}
	return false;
}

/* The namespace the process is in now, read through the pinned /proc/PID:
 * the sockets are decoded there after collection, when the PID might name
 * another process already. */
static void pin_netns(struct fd_proc *p, int piddir, int dfd)
{
	struct stat st;

	if (piddir >= 0 ? fstatat(piddir, "ns/net", &st, 0) < 0 :
	    fstatat(dfd, "../ns/net", &st, 0) < 0)
		return;
	p->netns_ino = (unsigned long long)st.st_ino;
	if (p->self)
		return;
	p->netns_fd = openat(piddir, "ns/net", O_RDONLY | O_CLOEXEC);
	p->net_dir = openat(piddir, "net", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	p->netns_kept = true;
}

void fd_proc_drop_netns(struct fd_proc *p)
{
	/* A zeroed fd_proc holds none (0 is not one of them). */
	if (!p->netns_kept)
		return;
	p->netns_kept = false;
	if (p->netns_fd >= 0)
		close(p->netns_fd);
	if (p->net_dir >= 0)
		close(p->net_dir);
	p->netns_fd = p->net_dir = -1;
}

/* Opening "fd" of a process fdscope may not read fails with EACCES; with
 * ENOENT only once it is gone, which its stat then says too. */
static int open_fd_dir(int piddir)
{
	int dfd = openat(piddir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dfd < 0 && errno == ENOENT &&
	    faccessat(piddir, "stat", F_OK, 0) == 0)
		errno = EACCES;
	return dfd;
}

/* The fd directory of a live thread other than the exited main thread:
 * threads share the table (CLONE_FILES), and the kernel shows it through
 * /proc/PID/task/TID/fd while the main thread's own is empty. */
static int open_live_thread_fd(int piddir, pid_t pid)
{
	int tdir = openat(piddir, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = tdir >= 0 ? fdopendir(tdir) : NULL;
	struct dirent *de;
	int dfd = -1;

	if (d == NULL) {
		if (tdir >= 0)
			close(tdir);
		return -1;
	}
	while (dfd < 0 && (de = readdir(d)) != NULL) {
		long long tid;
		const char *why;
		char rel[64];

		if (parse_ll(de->d_name, 1, INT_MAX, &tid, &why) < 0 ||
		    tid == pid)
			continue;
		snprintf(rel, sizeof(rel), "task/%lld/fd", tid);
		dfd = openat(piddir, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	closedir(d);
	return dfd;
}

static void init_proc(struct fd_proc *p, pid_t pid)
{
	memset(p, 0, sizeof(*p));
	p->self = pid == 0 || pid == getpid();
	p->pid = p->self ? getpid() : pid;
	p->reader_fd = -1;
	p->netns_fd = p->net_dir = -1;
	p->start_time = PROCFS_NO_START;
}

/* Needs a table is read as listed for at any size (read_table_as_listed):
 * links and what is per process only. */
#define EARLY_NEEDS (FDL_NEED_LINK | FDL_NEED_PROTO | FDL_NEED_NETNS | \
		     FDL_NEED_COMM | FDL_NEED_PROC_UID | FDL_NEED_SOCKETS_ONLY | \
		     FDL_NEED_ONE_THREAD | FDL_NEED_SMALL_ONLY)
/* Descriptor numbers a thread takes at a time, listed
 * into a buffer that holds all their entries and one more (DENT_SIZE
 * each at most): the entry past the range ends it in one call. */
#define EARLY_RANGE 1024
#define EARLY_CHUNK ((size_t)(EARLY_RANGE + 1) * DENT_SIZE)

/* The descriptor numbers the threads of read_table_as_listed share out:
 * each takes the next range and lists it through its own descriptor on
 * the fd directory, so that the listing (which makes the kernel's
 * entries) is shared between them as the links are. */
struct early_ranges {
	pthread_mutex_t lock;
	long long next;		/* the first number no thread took */
	bool done;		/* the end of the table was seen */
	/* Positions are descriptor numbers (procfs); else one thread lists
	 * the directory from its start to its end (a fixture's root). */
	bool numbered;
};

/* One thread's part: the entries of the ranges it took, in its own
 * table and pool (job->p is part), joined once every thread is done. */
struct early_job {
	struct early_ranges *ranges;
	int dfd;		/* its own, -1 when none could be opened */
	int error;		/* getdents64's errno */
	struct fd_proc part;
	struct collect_job *job;
	struct dents_walk w;
};

/* The first number of the next range, -1 once the table's end was seen:
 * a listing that began past the range asked for skips the empty ones. */
static long long early_take(struct early_ranges *r, long long seen)
{
	long long lo = -1;

	pthread_mutex_lock(&r->lock);
	if (seen > r->next)
		r->next = seen - seen % EARLY_RANGE;
	if (!r->done && r->next <= INT_MAX) {
		lo = r->next;
		r->next += EARLY_RANGE;
	}
	pthread_mutex_unlock(&r->lock);
	return lo;
}

static void early_stop(struct early_ranges *r)
{
	pthread_mutex_lock(&r->lock);
	r->done = true;
	pthread_mutex_unlock(&r->lock);
}

/* What the entries of the numbers [lo, hi) take at most in a listing:
 * a buffer of that size and one entry more lists the range whole, and
 * shows where it ends, without making the kernel's entries for many
 * past it. */
static size_t dents_bytes(long long lo, long long hi)
{
	size_t bytes = 0;
	long long tens = 10;
	int digits = 1;

	while (lo < hi) {
		long long upto;

		while (lo >= tens) {
			tens *= 10;
			digits++;
		}
		upto = hi < tens ? hi : tens;
		bytes += (size_t)(upto - lo) *
			((offsetof(struct dirent64, d_name) + (size_t)digits + 1 +
			  7) & ~(size_t)7);
		lo = upto;
	}
	return bytes;
}

/* Keeps the sockets of the entries from lo on, and their links moved down
 * over the others' (entries and pool alike in reading order); closed
 * ones stay, for drop_closed to count. */
static void keep_sockets(struct collect_job *j, struct fd_proc *p,
			 size_t lo, size_t base)
{
	size_t i, kept;

	for (i = kept = lo; i < p->n; i++) {
		struct fd_entry *e = &p->fds[i];
		const char *link = fd_link_in(j, e);
		unsigned long long ino;

		if (e->fd >= 0 && (link == NULL ||
				   link_kind(link, &ino) != LINK_SOCKET))
			continue;
		if (link && e->link_off >= base) {
			size_t n_link = strlen(link) + 1;

			memmove(j->pool.s + base, link, n_link);
			e->link_off = base;
			base += n_link;
		}
		p->fds[kept++] = *e;
	}
	j->pool.len = base;
	p->n = kept;
}

/* Reads the links of a listing's chunk at once, while the kernel's
 * entries for it are still in the CPU's caches.  -1 with the job's
 * error. */
static int early_read_chunk(struct early_job *ej, const char *buf, size_t len)
{
	struct collect_job *j = ej->job;
	struct fd_proc *p = &ej->part;
	size_t base = j->pool.len;

	if (add_dents(p, buf, len, &ej->w) < 0) {
		j->error = errno;
		return -1;
	}
	j->hi = p->n;
	collect_range(j);
	if (j->error)
		return -1;
	if (j->need & FDL_NEED_SOCKETS_ONLY)
		keep_sockets(j, p, j->lo, base);
	j->lo = p->n;
	return 0;
}

/* Lists the numbers [lo, lo + EARLY_RANGE), or with the ranges not by
 * number the whole directory, reading each chunk as it comes.  Returns 1
 * at the table's end, 0, or -1 with the job's error. */
static int early_read_range(struct early_job *ej, long long lo, char *buf)
{
	bool numbered = ej->ranges->numbered;
	size_t size = numbered ?
		dents_bytes(lo, lo + EARLY_RANGE) + DENT_SIZE : EARLY_CHUNK;

	ej->w.end = numbered ? lo + EARLY_RANGE : LLONG_MAX;
	ej->w.beyond = -1;
	/* A position in /proc/PID/fd is a descriptor number + 2 ("." and
	 * ".." come first). */
	if (numbered && lseek(ej->dfd, (off_t)(lo + 2), SEEK_SET) < 0) {
		ej->error = errno;
		return -1;
	}
	while (ej->w.beyond < 0) {
		ssize_t n = getdents64(ej->dfd, buf, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ej->error = errno;
			return -1;
		}
		/* No descriptor from here on: no range after this one holds
		 * any. */
		if (n == 0)
			return 1;
		if (early_read_chunk(ej, buf, (size_t)n) < 0)
			return -1;
	}
	return 0;
}

/* A collecting thread (lib/parallel.h): errors stay in its job. */
static void *early_read_share(void *arg)
{
	struct early_job *ej = arg;
	char buf[EARLY_CHUNK];
	long long lo, seen = -1;
	int rc;

	if (ej->dfd < 0)
		return NULL;
	while ((lo = early_take(ej->ranges, seen)) >= 0) {
		rc = early_read_range(ej, lo, buf);
		if (rc != 0) {
			early_stop(ej->ranges);
			break;
		}
		seen = ej->w.beyond;
	}
	return NULL;
}

static bool on_procfs(int dfd)
{
	struct statfs sf;

	return fstatfs(dfd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

/* Since 6.2 the size of /proc/PID/fd is the number of open descriptors;
 * older kernels say 0 and get one thread. */
static size_t early_thread_count(int dfd)
{
	struct stat st;

	if (fstat(dfd, &st) < 0 || st.st_size < PARALLEL_MIN)
		return 1;
	return parallel_jobs((size_t)st.st_size, EARLY_RANGE);
}

/* FDL_SMALL_MAX descriptors or more, by the kernel's count (0 before
 * 6.2: never large). */
static bool table_is_large(int dfd)
{
	struct stat st;

	return fstat(dfd, &st) == 0 && st.st_size >= FDL_SMALL_MAX;
}

static bool entries_sorted(const struct fd_proc *p)
{
	size_t i;

	for (i = 1; i < p->n; i++)
		if (p->fds[i].fd < p->fds[i - 1].fd)
			return false;
	return true;
}

/* The threads' parts, one after the other, into p: each job's range is
 * then its part's, as merge_pools wants it.  -1 with errno ENOMEM. */
static int early_join_parts(struct fd_proc *p, struct early_job *ejs,
			    size_t njobs)
{
	size_t k, total = 0;

	for (k = 0; k < njobs; k++)
		total += ejs[k].part.n;
	if (reserve_entries(p, total) < 0)
		return -1;
	for (k = 0; k < njobs; k++) {
		struct collect_job *j = ejs[k].job;

		j->p = p;
		j->lo = p->n;
		j->hi = p->n + ejs[k].part.n;
		if (ejs[k].part.n)
			memcpy(p->fds + p->n, ejs[k].part.fds,
			       ejs[k].part.n * sizeof(*p->fds));
		p->n += ejs[k].part.n;
	}
	return 0;
}

/* Whatever stopped the first pass: a listing's error, else a job's. */
static int early_error(const struct early_job *ejs,
		       const struct collect_job *jobs, size_t njobs)
{
	size_t k;

	for (k = 0; k < njobs; k++)
		if (ejs[k].error)
			return ejs[k].error;
	for (k = 0; k < njobs; k++)
		if (jobs[k].error)
			return jobs[k].error;
	return 0;
}

/* Another process's table, read as it is listed (collect_table says
 * when): each range of the directory is read as soon as it is listed,
 * which on 19000 descriptors takes a fifth less time than listing the
 * whole directory first.  threads (early_thread_count) share the ranges,
 * each taking the next in turn; infofd is the fdinfo directory or -1.
 * Entries keep rejects are not read; with FDL_NEED_SOCKETS_ONLY (the
 * first pass of a socket selection) the others are not kept either, so
 * a table never grows past its sockets and one range. */
static int read_table_as_listed(struct fd_proc *p, int dfd, int infofd,
			    size_t threads, unsigned int need,
			    struct dents_walk *w)
{
	struct early_ranges ranges = { .numbered = on_procfs(dfd) };
	struct early_job ejs[PARALLEL_MAX_JOBS];
	struct collect_job jobs[PARALLEL_MAX_JOBS];
	size_t njobs = ranges.numbered ? threads : 1, k;
	int error;

	pthread_mutex_init(&ranges.lock, NULL);
	memset(ejs, 0, sizeof(ejs));
	memset(jobs, 0, sizeof(jobs));
	for (k = 0; k < njobs; k++) {
		jobs[k] = (struct collect_job){
			.p = &ejs[k].part, .dfd = dfd, .infofd = infofd,
			.need = need,
		};
		ejs[k].ranges = &ranges;
		ejs[k].job = &jobs[k];
		ejs[k].w = dents_walk_of(w->keep, w->ctx);
		ejs[k].part.pid = p->pid;
		/* Each lists through a position of its own; one that cannot
		 * have one leaves the ranges to the others. */
		ejs[k].dfd = k == 0 ? dfd :
			openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	parallel_run(early_read_share, ejs, sizeof(ejs[0]), njobs);
	pthread_mutex_destroy(&ranges.lock);
	for (k = 0; k < njobs; k++) {
		w->seen += ejs[k].w.seen;
		if (k > 0 && ejs[k].dfd >= 0)
			close(ejs[k].dfd);
	}
	error = early_error(ejs, jobs, njobs);
	if (error == 0 && early_join_parts(p, ejs, njobs) < 0)
		error = errno;
	for (k = 0; k < njobs; k++)
		free(ejs[k].part.fds);
	if (error) {
		for (k = 0; k < njobs; k++)
			free(jobs[k].pool.s);
		errno = error;
		return -1;
	}
	merge_pools(p, jobs, njobs);
	/* The threads' ranges interleave. */
	w->sorted = entries_sorted(p);
	if (!w->sorted)
		qsort(p->fds, p->n, sizeof(*p->fds), cmp_entry);
	return 0;
}

/* Which descriptors to read: those keep(ctx, fd) accepts of the table's
 * listing, or those of an earlier reading (again), without a listing. */
struct fd_pick {
	fd_keep_fn keep;
	const void *ctx;
	const struct fd_proc *again;
};

/* The numbers of an earlier reading of the table, sorted as it is.  -1
 * with errno ENOMEM. */
static int add_again(struct fd_proc *p, const struct fd_proc *again,
		     struct dents_walk *w)
{
	size_t i;

	if (reserve_entries(p, again->n) < 0)
		return -1;
	for (i = 0; i < again->n; i++)
		if (add_entry(p, again->fds[i].fd) == NULL)
			return -1;
	w->seen = again->n;
	return 0;
}

/* Reads the table through dfd, its fd directory, and the rest relative
 * to piddir; -1 for fdscope itself, which then needs one descriptor at a
 * time (it may be down to its last free one).  Closes dfd. */
static int collect_table(struct fd_proc *p, int piddir, int dfd,
			 unsigned int need, const struct fd_pick *pick)
{
	int infofd = -1, ret = -1, saved = 0;
	/* Another process's table is read as it is listed: when only
	 * links are wanted, or when it is large enough for a thread per CPU,
	 * which then share the listing too (getdents64 on /proc/PID/fd is
	 * a seventh of a 19000-descriptor read, and was serial). */
	bool may_early = !p->self && !pick->again && (need & FDL_NEED_LINK);
	size_t threads = may_early && !(need & FDL_NEED_ONE_THREAD) ?
		early_thread_count(dfd) : 1;
	bool early = may_early &&
		((need & ~(unsigned int)EARLY_NEEDS) == 0 || threads > 1);
	fd_keep_fn keep = pick->keep;
	const void *ctx = pick->ctx;
	struct dents_walk w = dents_walk_of(keep, ctx);

	if ((need & FDL_NEED_SMALL_ONLY) && !p->self && table_is_large(dfd)) {
		saved = EFBIG;
		goto cleanup;
	}
	/* What tells this process from a later one with its PID, for the
	 * readers that run after the pin was closed (fd_proc_repin). */
	if (piddir >= 0 && procfs_start_time_at(piddir, &p->start_time) < 0)
		p->start_time = PROCFS_NO_START;
	if ((need & FDL_NEED_LINK) && (need & FDL_NEED_STAT))
		need |= FDL_NEED_FDINFO;
	if (early && (need & FDL_NEED_FDINFO))
		infofd = openat(dfd, "../fdinfo",
				O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pick->again ? add_again(p, pick->again, &w) < 0 :
	    early ? read_table_as_listed(p, dfd, infofd, threads, need, &w) < 0 :
	    read_fd_numbers(p, dfd, &w) < 0) {
		saved = errno;
		goto cleanup;
	}
	/* An empty table is rare: say what the process is, and when only its
	 * main thread has exited, read the table through another thread. */
	if (w.seen == 0 && !p->self && piddir >= 0) {
		p->task = procfs_classify_at(piddir);
		if (p->task == PROCFS_TASK_LEADER_EXITED) {
			int tfd = open_live_thread_fd(piddir, p->pid);

			if (tfd >= 0) {
				close(dfd);
				dfd = tfd;
				early = false;
				w = dents_walk_of(keep, ctx);
				if (read_fd_numbers(p, dfd, &w) < 0) {
					saved = errno;
					goto cleanup;
				}
			}
		}
	}
	if (p->self)
		p->reader_fd = dfd;
	if (need & FDL_NEED_COMM)
		read_comm(p, piddir, dfd);
	if (need & FDL_NEED_PROC_UID) {
		struct stat st;

		if (fstatat(dfd, "..", &st, 0) == 0) {
			p->uid = st.st_uid;
			p->have_uid = true;
		}
	}
	/* Opened after the numbers were read, so never listed itself; when
	 * it cannot be opened, fdinfo is reached through "..". */
	/* fdinfo's inode is what shows that the link and the stat were
	 * read from one file (read_entry). */
	if ((need & FDL_NEED_LINK) && (need & FDL_NEED_STAT))
		need |= FDL_NEED_FDINFO;
	if (infofd < 0 && (need & FDL_NEED_FDINFO))
		infofd = openat(dfd, "../fdinfo",
				O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!early && collect_entries(p, dfd, infofd, need) < 0) {
		saved = errno;
		goto cleanup;
	}
	drop_closed(p, dfd, piddir);
	if ((need & FDL_NEED_NETNS) && has_socket(p))
		pin_netns(p, piddir, dfd);
	ret = 0;
cleanup:
	if (infofd >= 0)
		close(infofd);
	close(dfd);
	if (ret < 0) {
		fd_proc_release(p);
		errno = saved;
	}
	return ret;
}

static int collect_at(struct fd_proc *p, int piddir, pid_t pid,
		      unsigned int need, const struct fd_pick *pick)
{
	int dfd;

	init_proc(p, pid);
	dfd = open_fd_dir(piddir);
	if (dfd < 0)
		return -1;
	return collect_table(p, piddir, dfd, need, pick);
}

int fd_proc_collect_at_some(struct fd_proc *p, int piddir, pid_t pid,
			    unsigned int need, fd_keep_fn keep, const void *ctx)
{
	struct fd_pick pick = { keep, ctx, NULL };

	return collect_at(p, piddir, pid, need, &pick);
}

int fd_proc_collect_at(struct fd_proc *p, int piddir, pid_t pid,
		       unsigned int need)
{
	return fd_proc_collect_at_some(p, piddir, pid, need, NULL, NULL);
}

int fd_proc_collect_thread(struct fd_proc *p, const char *root, pid_t pid,
			   pid_t tid, unsigned int need)
{
	char rel[64];
	int taskdir, piddir, rc, saved;

	piddir = procfs_open_pid(root, pid);
	if (piddir < 0)
		return -1;
	snprintf(rel, sizeof(rel), "task/%ld", (long)tid);
	taskdir = openat(piddir, rel, O_PATH | O_DIRECTORY | O_CLOEXEC);
	saved = errno;
	close(piddir);
	if (taskdir < 0) {
		errno = saved;
		return -1;
	}
	/* The thread's directory has fd, fdinfo, comm and ns like a
	 * process's: read as one, labelled with both IDs. */
	rc = fd_proc_collect_at(p, taskdir, pid, need);
	saved = errno;
	close(taskdir);
	if (rc == 0)
		p->tid = tid;
	errno = saved;
	return rc;
}

static int cmp_fd_key(const void *key, const void *elem)
{
	int fd = *(const int *)key, other = ((const struct fd_entry *)elem)->fd;

	return (fd > other) - (fd < other);
}

/* A keep for a table listed again: the descriptors of the earlier one
 * (ctx), sorted by number. */
static bool fd_proc_has_fd(const void *ctx, int fd)
{
	const struct fd_proc *old = ctx;

	return bsearch(&fd, old->fds, old->n, sizeof(*old->fds),
		       cmp_fd_key) != NULL;
}

static int collect_pid(struct fd_proc *p, const char *root, pid_t pid,
		       unsigned int need, const struct fd_pick *pick)
{
	int piddir, dfd, rc, saved;

	init_proc(p, pid);
	/* fdscope itself cannot be another process meanwhile: no pin. */
	if (p->self) {
		dfd = procfs_open_pid_file(root, 0, "fd", O_RDONLY | O_DIRECTORY);
		return dfd < 0 ? -1 : collect_table(p, -1, dfd, need, pick);
	}
	piddir = procfs_open_pid(root, pid);
	if (piddir < 0)
		return -1;
	rc = collect_at(p, piddir, pid, need, pick);
	saved = errno;
	close(piddir);
	errno = saved;
	return rc;
}

int fd_proc_collect_some(struct fd_proc *p, const char *root, pid_t pid,
			 unsigned int need, fd_keep_fn keep, const void *ctx)
{
	struct fd_pick pick = { keep, ctx, NULL };

	return collect_pid(p, root, pid, need, &pick);
}

int fd_proc_collect_again(struct fd_proc *p, const char *root,
			  const struct fd_proc *old, unsigned int need)
{
	struct fd_pick pick = { NULL, NULL, old };

	/* Only a link's ENOENT tells a descriptor closed since; fdscope's
	 * own table and one read through another thread are listed again. */
	if ((need & FDL_NEED_LINK) == 0 || old->self || old->n == 0 ||
	    old->task == PROCFS_TASK_LEADER_EXITED) {
		pick.keep = fd_proc_has_fd;
		pick.ctx = old;
		pick.again = NULL;
	}
	return collect_pid(p, root, old->self ? 0 : old->pid, need, &pick);
}

int fd_proc_collect(struct fd_proc *p, const char *root, pid_t pid,
		    unsigned int need)
{
	return fd_proc_collect_some(p, root, pid, need, NULL, NULL);
}

void fd_proc_release(struct fd_proc *p)
{
	fd_proc_drop_netns(p);
	free(p->fds);
	free(p->strings);
	p->fds = NULL;
	p->strings = NULL;
	p->n = p->cap = p->strings_len = p->strings_cap = 0;
}

static void count_table(const struct fd_proc *p, unsigned long long limit,
			struct fd_count *out)
{
	size_t i;

	out->open = out->below = 0;
	out->highest = -1;
	for (i = 0; i < p->n; i++) {
		if (p->self && p->fds[i].fd == p->reader_fd)
			continue;
		out->open++;
		if ((unsigned long long)p->fds[i].fd < limit)
			out->below++;
		out->highest = p->fds[i].fd;
	}
}

int fd_proc_count_at(int piddir, pid_t pid, unsigned long long limit,
		     struct fd_count *out)
{
	struct fd_proc p;

	if (fd_proc_collect_at(&p, piddir, pid, 0) < 0)
		return -1;
	count_table(&p, limit, out);
	fd_proc_release(&p);
	return 0;
}

int fd_proc_count(const char *root, pid_t pid, unsigned long long limit,
		  struct fd_count *out)
{
	struct fd_proc p;

	if (fd_proc_collect(&p, root, pid, 0) < 0)
		return -1;
	count_table(&p, limit, out);
	fd_proc_release(&p);
	return 0;
}
