/* Collecting descriptor tables.  One descriptor on /proc/PID/fd is held for
 * the whole walk and everything else is opened relative to it (fdinfo
 * relative to one on /proc/PID/fdinfo): no path building.  Per descriptor,
 * as the columns need them: fdinfo (open, one read, close), readlinkat and
 * fstatat, the last two skipped for pipes and sockets, whose link and stat
 * follow from fdinfo's inode and mount ID.  Those calls are nearly all of
 * the time (bench/results.md) and independent of each other: a large table
 * is split between threads, one per CPU. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/parallel.h"
#include "lib/util.h"
#include "proc/anon.h"
#include "proc/fdlist.h"

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

static int open_fd_dir(const char *root, pid_t pid, pid_t tid)
{
	char path[4096];
	int n;

	if (tid != 0)
		n = snprintf(path, sizeof(path), "%s/%ld/task/%ld/fd", root,
			     (long)pid, (long)tid);
	else if (pid == 0)
		n = snprintf(path, sizeof(path), "%s/self/fd", root);
	else
		n = snprintf(path, sizeof(path), "%s/%ld/fd", root, (long)pid);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* Distinguishes "no such process" from "no permission": /proc/PID itself is
 * visible to everyone, its fd directory only to the owner and ptracers. */
static int classify_open_error(const char *root, pid_t pid, int e)
{
	char path[4096];

	if (e != ENOENT || pid == 0)
		return e;
	snprintf(path, sizeof(path), "%s/%ld", root, (long)pid);
	return access(path, F_OK) == 0 ? EACCES : ENOENT;
}

/* Link texts, NUL-separated; each collecting thread fills its own. */
struct str_pool {
	char *s;
	size_t len, cap;
};

static size_t pool_add(struct str_pool *sp, const char *s, size_t n)
{
	size_t off = sp->len;

	if (sp->len + n + 1 > sp->cap) {
		sp->cap = sp->cap ? sp->cap * 2 : 16384;
		while (sp->len + n + 1 > sp->cap)
			sp->cap *= 2;
		sp->s = xrealloc(sp->s, sp->cap);
	}
	memcpy(sp->s + off, s, n);
	sp->s[off + n] = '\0';
	sp->len += n + 1;
	return off;
}

const char *fd_entry_link(const struct fd_proc *p, const struct fd_entry *e)
{
	return e->link_off == (size_t)-1 ? NULL : p->strings + e->link_off;
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
	if (e->link_errno != 0) {
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

static void reserve_entries(struct fd_proc *p, size_t n)
{
	if (n <= p->cap)
		return;
	p->cap = n;
	p->fds = xrealloc(p->fds, p->cap * sizeof(*p->fds));
}

static struct fd_entry *add_entry(struct fd_proc *p, int fd)
{
	struct fd_entry *e;

	if (p->n == p->cap)
		reserve_entries(p, p->cap ? p->cap * 2 : 64);
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
	reserve_entries(p, (size_t)st.st_size + 8);
	return (size_t)st.st_size;
}

static void add_dents(struct fd_proc *p, const char *buf, size_t len,
		      bool *sorted, int *last)
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
		add_entry(p, (int)v);
		if ((int)v < *last)
			*sorted = false;
		*last = (int)v;
	}
}

/* Reads the directory completely before looking at any descriptor, so the
 * descriptors opened for the look-ups (fdinfo) never show up as entries. */
static int read_fd_numbers(struct fd_proc *p, int dfd)
{
	char stack_buf[DENTS_STACK_SIZE], *buf = stack_buf, *heap = NULL;
	size_t size = sizeof(stack_buf), expected = presize_entries(p, dfd);
	bool sorted = true;
	int last = -1, ret = -1, saved = 0;

	if (expected > DENTS_STACK_SIZE / DENT_SIZE) {
		buf = heap = xmalloc(DENTS_BUF_SIZE);
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
		add_dents(p, buf, (size_t)n, &sorted, &last);
	}
	if (!sorted)
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
		[LINK_PIPE] = "pipe:[", [LINK_SOCKET] = "socket:[",
	};
	int k;

	for (k = 0; k < NLINK_KINDS; k++) {
		size_t n = strlen(prefix[k]);
		unsigned long long v = 0;
		const char *s;

		if (strncmp(link, prefix[k], n) != 0)
			continue;
		s = link + n;
		if (*s < '0' || *s > '9')
			return LINK_OTHER;
		for (; *s >= '0' && *s <= '9'; s++) {
			if (v > (~0ULL - 9) / 10)
				return LINK_OTHER;
			v = v * 10 + (unsigned long long)(*s - '0');
		}
		if (s[0] != ']' || s[1] != '\0')
			return LINK_OTHER;
		*ino = v;
		return k;
	}
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

static int read_link(struct collect_job *j, const char *name,
		     struct fd_entry *e)
{
	char buf[PATH_MAX + 32];
	ssize_t n = readlinkat(j->dfd, name, buf, sizeof(buf));

	if (n < 0)
		return -1;
	e->link_off = pool_add(&j->pool, buf, (size_t)n);
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

static void read_comm(struct fd_proc *p, int dfd)
{
	ssize_t n = procfs_read_at(dfd, "../comm", p->comm, sizeof(p->comm));

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
 * third of the cost of a descriptor (bench/results.md).  False when the
 * link must be read. */
static bool link_from_fdinfo(struct collect_job *j, struct fd_entry *e)
{
	static const char *const fmt[NLINK_KINDS] = {
		[LINK_PIPE] = "pipe:[%llu]", [LINK_SOCKET] = "socket:[%llu]",
	};
	char buf[64];
	int k, n;

	if (!e->have_info || !e->info.has_mnt_id || !e->info.has_ino)
		return false;
	for (k = 0; k < NLINK_KINDS; k++) {
		if (!j->have_kind_mnt[k] || j->kind_mnt[k] != e->info.mnt_id)
			continue;
		n = snprintf(buf, sizeof(buf), fmt[k], e->info.ino);
		e->link_off = pool_add(&j->pool, buf, (size_t)n);
		return true;
	}
	return false;
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
	struct stat st;

	if (stat_from_link(j, link, e))
		return 0;
	if (fstatat(j->dfd, name, &st, 0) < 0) {
		e->stat_errno = errno;
		return errno == ENOENT && (j->need & FDL_NEED_LINK) == 0;
	}
	keep_stat(&e->st, &st);
	e->stat_errno = 0;
	learn_kind(j, link, e);
	return 0;
}

/* An anonymous inode's whole fdinfo, into the pool: the head already
 * read when it was surely whole, else read again to its end.  A full
 * head was cut after its last whole line, and no fdinfo line is longer
 * than ANON_LINE_MAX (inotify's with a 128-byte handle in hex): a head
 * that much shorter than the buffer was never cut. */
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
		return 0;
	}
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
	return 0;
}

/* Fills one entry; returns 1 when the descriptor closed meanwhile, -1
 * with errno when fdscope ran out of descriptors. */
static int read_entry(struct collect_job *j, struct fd_entry *e)
{
	unsigned int need = j->need;
	char name[16], info[1024];
	ssize_t ninfo = -1;

	snprintf(name, sizeof(name), "%d", e->fd);
	/* fdinfo first: for pipes and sockets it makes the link. */
	if ((need & FDL_NEED_FDINFO) &&
	    read_fdinfo(j, name, e, info, sizeof(info), &ninfo) < 0)
		return -1;
	if ((need & FDL_NEED_LINK) && !link_from_fdinfo(j, e)) {
		if (read_link(j, name, e) < 0) {
			if (errno == ENOENT)
				return 1;
			/* Kept as an error row, never dropped. */
			e->link_errno = errno;
		}
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
	return 0;
}

/* Entries whose descriptor closed meanwhile get fd -1; they are dropped
 * once every thread is done.  Running out of descriptors stops the job. */
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
			j->p->fds[i].fd = -1;
	}
	return NULL;
}

static size_t thread_count(const struct fd_proc *p, unsigned int need)
{
	/* Reading the numbers alone is done by then: nothing to share. */
	if (p->n < PARALLEL_MIN || (need & ~(unsigned int)FDL_NEED_COMM) == 0)
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
		for (i = jobs[k].lo; i < jobs[k].hi; i++)
			if (p->fds[i].link_off != (size_t)-1)
				p->fds[i].link_off += base;
		base += jobs[k].pool.len;
		free(jobs[k].pool.s);
		jobs[k].pool.s = NULL;
	}
}

/* Reads every entry, in threads when the table is large.  A thread that
 * cannot be started leaves its share to the calling thread.  Returns 0, or
 * -1 with errno when fdscope ran out of descriptors. */
static int collect_entries(struct fd_proc *p, int dfd, int infofd,
			   unsigned int need)
{
	struct collect_job jobs[PARALLEL_MAX_JOBS];
	size_t njobs = thread_count(p, need), k;
	int error = 0;

	memset(jobs, 0, sizeof(jobs));
	for (k = 0; k < njobs; k++) {
		jobs[k] = (struct collect_job){
			.p = p, .dfd = dfd, .infofd = infofd, .need = need,
			.lo = p->n * k / njobs, .hi = p->n * (k + 1) / njobs,
		};
	}
	parallel_run(collect_range, jobs, sizeof(jobs[0]), njobs);
	merge_pools(p, jobs, njobs);
	for (k = 0; k < njobs && error == 0; k++)
		error = jobs[k].error;
	errno = error;
	return error ? -1 : 0;
}

static void drop_closed(struct fd_proc *p, int dfd)
{
	size_t i, kept = 0;

	for (i = 0; i < p->n; i++) {
		struct fd_entry *e = &p->fds[i];

		if (e->fd < 0) {
			p->skipped++;
			continue;
		}
		e->is_reader = p->self && e->fd == dfd;
		if (kept != i)
			p->fds[kept] = *e;
		kept++;
	}
	p->n = kept;
}

static int collect(struct fd_proc *p, const char *root, pid_t pid, pid_t tid,
		   unsigned int need)
{
	int dfd, infofd = -1, ret = -1, saved = 0;

	memset(p, 0, sizeof(*p));
	p->self = tid == 0 && (pid == 0 || pid == getpid());
	p->pid = pid == 0 ? getpid() : pid;
	p->tid = tid;
	p->reader_fd = -1;
	dfd = open_fd_dir(root, p->self ? 0 : p->pid, tid);
	if (dfd < 0) {
		errno = classify_open_error(root, pid, errno);
		return -1;
	}
	if (read_fd_numbers(p, dfd) < 0) {
		saved = errno;
		goto cleanup;
	}
	if (p->self)
		p->reader_fd = dfd;
	if (need & FDL_NEED_COMM)
		read_comm(p, dfd);
	if (need & FDL_NEED_PROC_UID) {
		struct stat st;

		if (fstatat(dfd, "..", &st, 0) == 0) {
			p->uid = st.st_uid;
			p->have_uid = true;
		}
	}
	/* Opened after the numbers were read, so never listed itself; when
	 * it cannot be opened, fdinfo is reached through "..". */
	if (need & FDL_NEED_FDINFO)
		infofd = openat(dfd, "../fdinfo",
				O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (collect_entries(p, dfd, infofd, need) < 0) {
		saved = errno;
		goto cleanup;
	}
	drop_closed(p, dfd);
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

int fd_proc_collect(struct fd_proc *p, const char *root, pid_t pid,
		    unsigned int need)
{
	return collect(p, root, pid, 0, need);
}

int fd_proc_collect_thread(struct fd_proc *p, const char *root, pid_t pid,
			   pid_t tid, unsigned int need)
{
	return collect(p, root, pid, tid, need);
}

void fd_proc_release(struct fd_proc *p)
{
	free(p->fds);
	free(p->strings);
	p->fds = NULL;
	p->strings = NULL;
	p->n = p->cap = p->strings_len = p->strings_cap = 0;
}

int fd_proc_count(const char *root, pid_t pid, unsigned long long limit,
		  struct fd_count *out)
{
	struct fd_proc p;
	size_t i;

	if (fd_proc_collect(&p, root, pid, 0) < 0)
		return -1;
	out->open = out->below = 0;
	out->highest = -1;
	for (i = 0; i < p.n; i++) {
		if (p.self && p.fds[i].fd == p.reader_fd)
			continue;
		out->open++;
		if ((unsigned long long)p.fds[i].fd < limit)
			out->below++;
		out->highest = p.fds[i].fd;
	}
	fd_proc_release(&p);
	return 0;
}
