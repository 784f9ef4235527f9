/* The holder index: one sorted array of (dev, ino, process, entry), so a
 * look-up is a binary search and the holders of one inode lie together. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"
#include "out/escape.h"
#include "proc/holders.h"

struct holder {
	unsigned long long dev, ino;
	size_t pi, ei;
};


struct holder_index {
	const struct fd_proc *procs;
	size_t nprocs;
	struct holder *holders;
	size_t nholders;
};

static int cmp_holder(const void *x, const void *y)
{
	const struct holder *h = x, *k = y;

	if (h->dev != k->dev)
		return h->dev < k->dev ? -1 : 1;
	if (h->ino != k->ino)
		return h->ino < k->ino ? -1 : 1;
	if (h->pi != k->pi)
		return h->pi < k->pi ? -1 : 1;
	return (h->ei > k->ei) - (h->ei < k->ei);
}

struct holder_index *holder_index_new(const struct fd_proc *procs,
				      size_t nprocs)
{
	struct holder_index *a = xcalloc(1, sizeof(*a));
	size_t i, j, n = 0;

	a->procs = procs;
	a->nprocs = nprocs;
	for (i = 0; i < nprocs; i++)
		n += procs[i].n;
	a->holders = xcalloc(n ? n : 1, sizeof(*a->holders));
	for (i = 0; i < nprocs; i++)
		for (j = 0; j < procs[i].n; j++) {
			const struct fd_entry *e = &procs[i].fds[j];

			if (e->stat_errno != 0)
				continue;
			a->holders[a->nholders++] = (struct holder){
				e->st.st_dev, e->st.st_ino, i, j };
		}
	qsort(a->holders, a->nholders, sizeof(*a->holders), cmp_holder);
	return a;
}

void holder_index_free(struct holder_index *a)
{
	if (a == NULL)
		return;
	free(a->holders);
	free(a);
}

static const struct holder *first_holder(const struct holder_index *a,
					 unsigned long long dev,
					 unsigned long long ino)
{
	size_t lo = 0, hi = a->nholders;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct holder *h = &a->holders[mid];

		if (h->dev < dev || (h->dev == dev && h->ino < ino))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < a->nholders && a->holders[lo].dev == dev &&
		a->holders[lo].ino == ino ? &a->holders[lo] : NULL;
}

static char mode_letter(const struct fd_entry *e)
{
	if (!e->have_info || !e->info.has_flags)
		return '\0';
	switch (e->info.flags & 3) {
	case 0:
		return 'r';
	case 1:
		return 'w';
	default:
		return 'u';
	}
}

size_t holder_index_of(const struct holder_index *a, unsigned long long dev,
		       unsigned long long ino, size_t pi, int fd,
		       const char *sep, char *buf, size_t len)
{
	const struct holder *h = first_holder(a, dev, ino);
	const struct holder *end = a->holders + a->nholders;
	size_t off = 0, count = 0;

	if (len)
		buf[0] = '\0';
	for (; h && h < end && h->dev == dev && h->ino == ino; h++) {
		const struct fd_proc *p = &a->procs[h->pi];
		const struct fd_entry *e = &p->fds[h->ei];
		char comm[4 * sizeof(p->comm)], m = mode_letter(e);
		int w;

		if (h->pi == pi && e->fd == fd)
			continue;
		escape_into(comm, sizeof(comm), p->comm, strlen(p->comm));
		w = snprintf(buf + off, len - off, "%s%ld,%s,%d%.*s",
			     count ? sep : "", (long)(p->self ? getpid() : p->pid),
			     comm, e->fd, m ? 1 : 0, &m);
		if (w < 0 || (size_t)w >= len - off) {
			/* Whole holders only: cut the one that did not fit. */
			if (len)
				buf[off] = '\0';
			break;
		}
		off += (size_t)w;
		count++;
	}
	return count;
}
