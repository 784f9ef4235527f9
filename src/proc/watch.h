/* What `watch` keeps between samples: a process's table as last decoded,
 * the difference a new sample makes (by number and link text only, so
 * that an unchanged descriptor is never decoded again), and the growth
 * rate over a sliding window of samples (least squares). */
#ifndef FDSCOPE_PROC_WATCH_H
#define FDSCOPE_PROC_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "proc/fdlist.h"

/* One decoded descriptor; the strings are owned. */
struct watch_fd {
	int fd;
	char *link;		/* raw link text, compared sample to sample */
	unsigned long long ino;	/* 0 when stat failed */
	unsigned long long mnt_id;	/* statx's, 0 when unknown */
	char *type, *name;	/* escaped, as printed */
};

struct watch_table {
	struct watch_fd *fds;	/* by ascending number */
	size_t n;
};

void watch_table_release(struct watch_table *t);
void watch_fd_release(struct watch_fd *f);

/* A sample against the previous table.  For sample entry j:
 * kept[j] is the index of the old entry with the same number and link
 * (SIZE_MAX when none), replaced[j] that of an old entry with the same
 * number but another link (SIZE_MAX when none).  removed lists the old
 * entries whose number is gone. */
struct watch_diff {
	size_t *kept, *replaced;
	size_t *removed;
	size_t nremoved;
	size_t nkept;
};

void watch_diff_compute(const struct watch_table *old,
			const struct fd_proc *sample, struct watch_diff *d);
void watch_diff_release(struct watch_diff *d);

#define WATCH_WINDOW 30

/* The last WATCH_WINDOW (time, count) samples. */
struct watch_rate {
	double t[WATCH_WINDOW], y[WATCH_WINDOW];
	size_t n, next;
};

void watch_rate_add(struct watch_rate *r, double t, double y);

/* The least-squares slope of count over time, in descriptors per second;
 * -1 with fewer than two samples or all at one instant. */
int watch_rate_slope(const struct watch_rate *r, double *slope);

/* Seconds until the count reaches limit at slope; -1 when it never does
 * (not growing). */
double watch_time_to_limit(double count, double limit, double slope);

#endif
