/* What `watch` keeps between samples: a process's table as last decoded,
 * what a tick finds of each descriptor in it (one call per descriptor, so
 * that an unchanged one is never decoded again), and the growth rate over
 * a sliding window of samples (least squares). */
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
	bool shown;		/* selected: its events are printed */
};

struct watch_table {
	struct watch_fd *fds;	/* by ascending number */
	size_t n;
};

void watch_table_release(struct watch_table *t);
void watch_fd_release(struct watch_fd *f);

/* What a tick finds of each descriptor of the last table, looking again
 * through fddir (the process's pinned fd directory) with one call each:
 * a path by statx (inode and mount ID: a log rotated under the same name
 * is another file; a rename of the same file is not looked for), anything
 * else by its link text, which carries its inode ("pipe:[N]"). */
enum watch_state {
	WATCH_SAME,
	WATCH_CHANGED,		/* another file, or could not be looked at */
	WATCH_GONE,		/* the number is closed */
};

struct watch_probe {
	const struct watch_table *t;
	unsigned char *state;	/* t->n of enum watch_state */
	size_t same, gone;
};

/* Probes every entry of t, in threads when t is large.  Release with
 * watch_probe_release. */
void watch_probe_run(struct watch_probe *pr, const struct watch_table *t,
		     int fddir);
void watch_probe_release(struct watch_probe *pr);

/* An fd_keep_fn (ctx: the probe): the numbers a tick must read again,
 * all but the unchanged ones. */
bool watch_probe_keep(const void *ctx, int fd);

/* The number of descriptors open in the process whose fd directory is
 * fddir, as the directory's size says since Linux 6.2: one call, where
 * listing them is a third of a full listing's time.  -1 when unknown. */
long long watch_fd_count(int fddir);

/* True when the probe saw every descriptor unchanged and the count shows
 * no new number: the tick is done without listing the directory. */
bool watch_probe_unchanged(const struct watch_probe *pr, int fddir);

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
