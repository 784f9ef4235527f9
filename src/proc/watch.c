/* Sample-to-sample bookkeeping for `watch`: one look at each descriptor
 * of the last table, shared between threads as a collection is, and the
 * growth rate. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/parallel.h"
#include "lib/util.h"
#include "proc/watch.h"

void watch_fd_release(struct watch_fd *f)
{
	free(f->link);
	free(f->type);
	free(f->name);
	memset(f, 0, sizeof(*f));
}

void watch_table_release(struct watch_table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		watch_fd_release(&t->fds[i]);
	free(t->fds);
	t->fds = NULL;
	t->n = 0;
}

struct probe_job {
	const struct watch_table *t;
	unsigned char *state;
	int fddir;
	size_t lo, hi;
};

static enum watch_state probe_one(int fddir, const struct watch_fd *f)
{
	char name[16], buf[PATH_MAX + 32];
	struct statx stx;
	ssize_t n;

	if (f->link == NULL)
		return WATCH_CHANGED;
	fmt_ull(name, sizeof(name), (unsigned long long)f->fd);
	if (f->link[0] == '/' && f->ino != 0) {
		if (statx(fddir, name, 0, STATX_INO | STATX_MNT_ID, &stx) < 0)
			return errno == ENOENT ? WATCH_GONE : WATCH_CHANGED;
		return stx.stx_ino == f->ino &&
			((stx.stx_mask & STATX_MNT_ID) ? stx.stx_mnt_id : 0) ==
			f->mnt_id ? WATCH_SAME : WATCH_CHANGED;
	}
	n = readlinkat(fddir, name, buf, sizeof(buf) - 1);
	if (n < 0)
		return errno == ENOENT ? WATCH_GONE : WATCH_CHANGED;
	buf[n] = '\0';
	return strcmp(buf, f->link) == 0 ? WATCH_SAME : WATCH_CHANGED;
}

static void *probe_range(void *arg)
{
	struct probe_job *j = arg;
	size_t i;

	for (i = j->lo; i < j->hi; i++)
		j->state[i] = (unsigned char)probe_one(j->fddir, &j->t->fds[i]);
	return NULL;
}

/* Below this many a thread (some 50 us to start) costs more than it saves. */
#define PROBE_PER_THREAD 512

void watch_probe_run(struct watch_probe *pr, const struct watch_table *t,
		     int fddir)
{
	struct probe_job jobs[PARALLEL_MAX_JOBS];
	size_t njobs = parallel_jobs(t->n, PROBE_PER_THREAD), k, i;

	memset(pr, 0, sizeof(*pr));
	pr->t = t;
	pr->state = xmalloc(t->n ? t->n : 1);
	for (k = 0; k < njobs; k++)
		jobs[k] = (struct probe_job){ t, pr->state, fddir,
			t->n * k / njobs, t->n * (k + 1) / njobs };
	parallel_run(probe_range, jobs, sizeof(jobs[0]), njobs);
	for (i = 0; i < t->n; i++) {
		pr->same += pr->state[i] == WATCH_SAME;
		pr->gone += pr->state[i] == WATCH_GONE;
	}
}

void watch_probe_release(struct watch_probe *pr)
{
	free(pr->state);
	memset(pr, 0, sizeof(*pr));
}

bool watch_probe_keep(const void *ctx, int fd)
{
	const struct watch_probe *pr = ctx;
	size_t lo = 0, hi = pr->t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pr->t->fds[mid].fd == fd)
			return pr->state[mid] != WATCH_SAME;
		if (pr->t->fds[mid].fd < fd)
			lo = mid + 1;
		else
			hi = mid;
	}
	return true;
}

long long watch_fd_count(int fddir)
{
	struct stat st;

	if (fstat(fddir, &st) < 0 || st.st_size <= 0)
		return -1;
	return (long long)st.st_size;
}

bool watch_probe_unchanged(const struct watch_probe *pr, int fddir)
{
	/* An empty table says nothing: the count is unknown (0) then, and
	 * only listing shows that the process is gone. */
	return pr->t->n > 0 && pr->same == pr->t->n &&
		watch_fd_count(fddir) == (long long)pr->same;
}

void watch_rate_add(struct watch_rate *r, double t, double y)
{
	r->t[r->next] = t;
	r->y[r->next] = y;
	r->next = (r->next + 1) % WATCH_WINDOW;
	if (r->n < WATCH_WINDOW)
		r->n++;
}

int watch_rate_slope(const struct watch_rate *r, double *slope)
{
	double mt = 0, my = 0, sxy = 0, sxx = 0;
	size_t i;

	if (r->n < 2)
		return -1;
	for (i = 0; i < r->n; i++) {
		mt += r->t[i];
		my += r->y[i];
	}
	mt /= (double)r->n;
	my /= (double)r->n;
	for (i = 0; i < r->n; i++) {
		sxy += (r->t[i] - mt) * (r->y[i] - my);
		sxx += (r->t[i] - mt) * (r->t[i] - mt);
	}
	if (sxx <= 0)
		return -1;
	*slope = sxy / sxx;
	return 0;
}

double watch_time_to_limit(double count, double limit, double slope)
{
	if (slope <= 0)
		return -1;
	if (count >= limit)
		return 0;
	return (limit - count) / slope;
}
