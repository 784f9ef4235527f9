/* Sample-to-sample bookkeeping for `watch`.  Both tables are sorted by
 * number, so the difference is one merge. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

void watch_diff_compute(const struct watch_table *old,
			const struct fd_proc *sample, struct watch_diff *d)
{
	size_t i = 0, j = 0, n = sample->n ? sample->n : 1;

	memset(d, 0, sizeof(*d));
	d->kept = xmalloc(n * sizeof(*d->kept));
	d->replaced = xmalloc(n * sizeof(*d->replaced));
	d->removed = xmalloc((old->n ? old->n : 1) * sizeof(*d->removed));
	while (i < old->n || j < sample->n) {
		const struct fd_entry *e = j < sample->n ? &sample->fds[j] : NULL;
		const struct watch_fd *o = i < old->n ? &old->fds[i] : NULL;

		if (e == NULL || (o != NULL && o->fd < e->fd)) {
			d->removed[d->nremoved++] = i++;
			continue;
		}
		d->kept[j] = d->replaced[j] = SIZE_MAX;
		if (o != NULL && o->fd == e->fd) {
			const char *link = fd_entry_link(sample, e);

			if (link != NULL && o->link != NULL && strcmp(link, o->link) == 0) {
				d->kept[j] = i;
				d->nkept++;
			} else {
				d->replaced[j] = i;
			}
			i++;
		}
		j++;
	}
}

void watch_diff_release(struct watch_diff *d)
{
	free(d->kept);
	free(d->replaced);
	free(d->removed);
	memset(d, 0, sizeof(*d));
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
