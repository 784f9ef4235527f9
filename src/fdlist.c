/* Collecting descriptor tables.  One descriptor on /proc/PID/fd is held for
 * the whole walk and everything else is opened relative to it, so a listing
 * of N descriptors costs one readlinkat, one fstatat and one fdinfo read per
 * descriptor and no path building. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fdlist.h"
#include "util.h"

static int open_fd_dir(const char *root, pid_t pid)
{
	char path[4096];
	int n;

	if (pid == 0)
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

static size_t pool_add(struct fd_proc *p, const char *s, size_t n)
{
	size_t off = p->strings_len;

	if (p->strings_len + n + 1 > p->strings_cap) {
		p->strings_cap = p->strings_cap ? p->strings_cap * 2 : 4096;
		while (p->strings_len + n + 1 > p->strings_cap)
			p->strings_cap *= 2;
		p->strings = xrealloc(p->strings, p->strings_cap);
	}
	memcpy(p->strings + off, s, n);
	p->strings[off + n] = '\0';
	p->strings_len += n + 1;
	return off;
}

const char *fd_entry_link(const struct fd_proc *p, const struct fd_entry *e)
{
	return e->link_off == (size_t)-1 ? NULL : p->strings + e->link_off;
}

static struct fd_entry *add_entry(struct fd_proc *p, int fd)
{
	struct fd_entry *e;

	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->fds = xrealloc(p->fds, p->cap * sizeof(*p->fds));
	}
	e = &p->fds[p->n++];
	memset(e, 0, sizeof(*e));
	e->fd = fd;
	e->link_off = (size_t)-1;
	e->stat_errno = ENODATA;
	return e;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct fd_entry *x = a, *y = b;

	return (x->fd > y->fd) - (x->fd < y->fd);
}

/* Reads the directory completely before looking at any descriptor, so the
 * descriptors opened for the look-ups (fdinfo) never show up as entries. */
static int read_fd_numbers(struct fd_proc *p, DIR *d)
{
	struct dirent *de;
	bool sorted = true;
	int last = -1;

	errno = 0;
	while ((de = readdir(d)) != NULL) {
		long long v;
		const char *why;

		if (de->d_name[0] == '.')
			continue;
		if (parse_ll(de->d_name, 0, INT_MAX, &v, &why) < 0)
			continue;
		add_entry(p, (int)v);
		if ((int)v < last)
			sorted = false;
		last = (int)v;
		errno = 0;
	}
	if (errno != 0)
		return -1;
	if (!sorted)
		qsort(p->fds, p->n, sizeof(*p->fds), cmp_entry);
	return 0;
}

static int read_link(struct fd_proc *p, int dfd, const char *name,
		     struct fd_entry *e)
{
	char buf[PATH_MAX + 32];
	ssize_t n = readlinkat(dfd, name, buf, sizeof(buf));

	if (n < 0)
		return -1;
	e->link_off = pool_add(p, buf, (size_t)n);
	return 0;
}

/* Returns -1 only when fdscope itself ran out of descriptors: a listing
 * with holes it does not mention would be worse than an error. */
static int read_fdinfo(int dfd, const char *name, struct fd_entry *e)
{
	char path[32], buf[4096];
	ssize_t n;

	/* fdinfo/N is reached through the fd directory's parent so that no
	 * second directory descriptor is held open. */
	snprintf(path, sizeof(path), "../fdinfo/%s", name);
	n = procfs_read_at(dfd, path, buf, sizeof(buf));
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

/* Fills one entry; returns 1 when the descriptor closed meanwhile, -1
 * with errno when fdscope ran out of descriptors. */
static int read_entry(struct fd_proc *p, int dfd, struct fd_entry *e,
		      unsigned int need)
{
	char name[16];

	snprintf(name, sizeof(name), "%d", e->fd);
	if ((need & FDL_NEED_LINK) && read_link(p, dfd, name, e) < 0 &&
	    errno == ENOENT)
		return 1;
	if (need & FDL_NEED_STAT) {
		if (fstatat(dfd, name, &e->st, 0) == 0)
			e->stat_errno = 0;
		else if (errno == ENOENT && (need & FDL_NEED_LINK) == 0)
			return 1;
		else
			e->stat_errno = errno;
	}
	if ((need & FDL_NEED_FDINFO) && read_fdinfo(dfd, name, e) < 0)
		return -1;
	if ((need & FDL_NEED_SOCKOPT) && p->self && e->stat_errno == 0 &&
	    S_ISSOCK(e->st.st_mode))
		read_sockopt(e);
	return 0;
}

int fd_proc_collect(struct fd_proc *p, const char *root, pid_t pid,
		    unsigned int need)
{
	DIR *d = NULL;
	int dfd, ret = -1, saved = 0;
	size_t i, kept = 0;

	memset(p, 0, sizeof(*p));
	p->self = pid == 0 || pid == getpid();
	p->pid = p->self ? getpid() : pid;
	p->reader_fd = -1;
	dfd = open_fd_dir(root, p->self ? 0 : pid);
	if (dfd < 0) {
		errno = classify_open_error(root, pid, errno);
		return -1;
	}
	d = fdopendir(dfd);
	if (d == NULL) {
		saved = errno;
		close(dfd);
		errno = saved;
		return -1;
	}
	if (read_fd_numbers(p, d) < 0) {
		saved = errno;
		goto cleanup;
	}
	if (p->self)
		p->reader_fd = dfd;
	if (need & FDL_NEED_COMM)
		read_comm(p, dfd);
	for (i = 0; i < p->n; i++) {
		struct fd_entry *e = &p->fds[i];

		int rc = read_entry(p, dfd, e, need);

		if (rc < 0) {
			saved = errno;
			goto cleanup;
		}
		if (rc > 0) {
			p->skipped++;
			continue;
		}
		e->is_reader = p->self && e->fd == dfd;
		if (kept != i)
			p->fds[kept] = *e;
		kept++;
	}
	p->n = kept;
	ret = 0;
cleanup:
	closedir(d);
	if (ret < 0) {
		fd_proc_release(p);
		errno = saved;
	}
	return ret;
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
