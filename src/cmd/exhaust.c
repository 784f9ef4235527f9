/* `fdscope exhaust`: run out of descriptors on purpose.  Lowers only its
 * own soft RLIMIT_NOFILE, opens until the kernel says EMFILE, shows that a
 * close makes room, that the soft limit cannot pass the hard one, and how
 * EMFILE differs from ENFILE. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli/command.h"
#include "lib/caps.h"
#include "lib/util.h"
#include "out/escape.h"
#include "proc/procfs.h"
#include "teach/demo.h"

#define EXHAUST_DEFAULT 32
/* Each step carries the whole table, so the record grows with the square
 * of the limit: past this the demo would only get slower, not clearer. */
#define EXHAUST_MAX 1024

static const char *rlim_text(rlim_t v, char *buf, size_t len)
{
	if (v == RLIM_INFINITY)
		return "RLIM_INFINITY";
	snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

/* The lowest free descriptor number, and the numbers below it (all open)
 * as text for messages ("0 1 2", shortened after a few).  A soft limit at
 * or below that number leaves none for even one open. */
static int lowest_free(const struct demo_ctx *d, char *list, size_t len)
{
	int *t = NULL, n = steps_read_table(&d->steps, &t), low = 0;
	size_t used = 0;
	int w;

	list[0] = '\0';
	for (; low < n && t[low] == low; low++) {
		if (low > 8 || used >= len)
			continue;
		w = snprintf(list + used, len - used, "%s%s", low ? " " : "",
			     low == 8 ? "..." : "");
		if (w > 0)
			used += (size_t)w;
		if (low < 8 && used < len) {
			w = snprintf(list + used, len - used, "%d", low);
			if (w > 0)
				used += (size_t)w;
		}
	}
	free(t);
	return n < 0 ? -1 : low;
}

int demo_exhaust_check_limit(const struct demo_ctx *d, long long limit)
{
	struct rlimit rl;
	char buf[32], list[64];
	int low;

	low = lowest_free(d, list, sizeof(list));
	if (low < 0) {
		warn("cannot read the descriptor table");
		return -1;
	}
	/* First, so that a negative limit is named for what it is. */
	if (limit <= low && low == 0) {
		warnx("--limit %lld leaves no room: a descriptor's number must "
		      "be below the limit; use a limit of 1 or more", limit);
		return -1;
	}
	if (limit <= low) {
		warnx("--limit %lld leaves no room: %d descriptor%s already "
		      "open (%s), so not even one open could succeed; use a "
		      "limit above %d", limit, low,
		      low == 1 ? " is" : "s are", list, low);
		return -1;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0) {
		warn("cannot read RLIMIT_NOFILE");
		return -1;
	}
	if (rl.rlim_max != RLIM_INFINITY && (unsigned long long)limit > rl.rlim_max) {
		warnx("--limit %lld is above the hard limit %s: a process may "
		      "lower its soft limit but not raise it past the hard one "
		      "(see 'fdscope limits'); pick a number up to %s", limit,
		      rlim_text(rl.rlim_max, buf, sizeof(buf)),
		      rlim_text(rl.rlim_max, buf, sizeof(buf)));
		return -1;
	}
	if (limit > EXHAUST_MAX) {
		warnx("--limit %lld is above %d, the most this demo opens: "
		      "every step records the whole table, so more only takes "
		      "longer", limit, EXHAUST_MAX);
		return -1;
	}
	return 0;
}

static int set_soft(struct demo_ctx *d, rlim_t soft, rlim_t hard,
		    const char *why)
{
	struct rlimit rl = { soft, hard };
	char a[32], b[32];
	int rc = setrlimit(RLIMIT_NOFILE, &rl), e = rc < 0 ? errno : 0;
	struct step *st;

	st = steps_call(&d->steps, "setrlimit", rc, e,
			"setrlimit(RLIMIT_NOFILE, {rlim_cur=%s, rlim_max=%s})",
			rlim_text(soft, a, sizeof(a)), rlim_text(hard, b, sizeof(b)));
	if (why)
		step_say(st, "%s", why);
	errno = e;
	return rc;
}

/* The lowest number >= 0 missing from the last step's table: at the limit
 * /proc/self/fd cannot be opened to read it anew. */
static int lowest_free_known(const struct steps *s)
{
	const struct step *st = &s->v[s->n - 1];
	int want = 0;
	size_t i;

	for (i = 0; i < st->ntable && st->table[i] <= want; i++)
		if (st->table[i] == want)
			want++;
	return want;
}

/* Opens /dev/null until the kernel refuses; returns how many opened. */
static size_t open_until_refused(struct demo_ctx *d, int *fds, size_t cap,
				 int *err)
{
	size_t n = 0;

	*err = 0;
	while (n < cap) {
		int want = lowest_free_known(&d->steps), fd, e;
		struct step *st;

		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		e = errno;

		if (fd < 0) {
			steps_text(&d->steps, "... %zu opens succeeded (not "
				   "shown one by one), then:", n);
			/* At the limit /proc/self/fd cannot be opened
			 * either: the table is the previous one, unchanged
			 * by a failed open. */
			steps_call_delta(&d->steps, -1, -1, "open", fd, e,
					 "open(\"/dev/null\", O_RDONLY|O_CLOEXEC)");
			*err = e;
			return n;
		}
		st = steps_call_delta(&d->steps, fd, -1, "open", fd, 0,
				      "open(\"/dev/null\", O_RDONLY|O_CLOEXEC)");
		step_expect(st, want);
		step_silence(st);
		fds[n++] = fd;
	}
	return n;
}

static void explain_refusal(struct demo_ctx *d, size_t opened, int err,
			    rlim_t soft)
{
	struct step *st = &d->steps.v[d->steps.n - 1];

	(void)opened;
	if (err == EMFILE)
		step_say(st, "EMFILE (%d, \"%s\"): every number below the soft "
			 "limit %llu is taken.  The kernel's system call "
			 "returned -%d; the C library turned that into -1 and "
			 "set errno to %d.", EMFILE, strerror(EMFILE),
			 (unsigned long long)soft, EMFILE, EMFILE);
	else if (err == ENFILE)
		step_say(st, "ENFILE: the whole system ran out of open files "
			 "(fs.file-max) before this process reached its limit.");
	steps_flush(&d->steps);
}

/* Close one and open again: the freed number comes back. */
static void close_one_open_one(struct demo_ctx *d, int *fds, size_t n)
{
	int victim, want, fd, e;
	struct step *st;

	if (n == 0)
		return;
	victim = fds[n / 2];
	demo_close(d, victim);
	/* Here, with one number free: the pause needs it for the terminal
	 * (and gives it back). */
	steps_part(&d->steps, "the freed number is the next one given");
	want = steps_lowest_free(&d->steps, 0);
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	e = fd < 0 ? errno : 0;
	/* Full again: the table is the previous one plus the new number. */
	st = steps_call_delta(&d->steps, fd, -1, "open", fd, e,
			      "open(\"/dev/null\", O_RDONLY|O_CLOEXEC)");
	step_expect(st, want);
	step_say(st, "One close made one number free, and the next open got "
		 "it.");
	fds[n / 2] = fd;
}

static void raise_above_hard(struct demo_ctx *d, const struct rlimit *orig)
{
	int cap = caps_effective(FDS_CAP_SYS_RESOURCE);
	unsigned long long nr_open = 0;

	if (orig->rlim_max == RLIM_INFINITY) {
		steps_say(&d->steps, "The hard limit is unlimited: there is nothing above it "
			  "to try.");
		return;
	}
	steps_say(&d->steps, "The soft limit may be raised again, but never "
		  "above the hard limit:");
	if (set_soft(d, orig->rlim_max + 1, orig->rlim_max, NULL) == 0)
		set_soft(d, orig->rlim_cur, orig->rlim_max, NULL);
	steps_say(&d->steps, "Raising the hard limit too needs "
		  "CAP_SYS_RESOURCE (and stays capped by fs.nr_open):");
	if (set_soft(d, orig->rlim_max + 1, orig->rlim_max + 1, NULL) == 0)
		set_soft(d, orig->rlim_cur, orig->rlim_max,
			 "Put back: fdscope had the capability.");
	procfs_read_ull(d->proc_root, "sys/fs/nr_open", &nr_open);
	if (cap < 0 && !caps_supported())
		steps_say(&d->steps, "Capabilities were not examined: fdscope "
			  "was built without libcap.");
	else if (cap < 0)
		steps_say(&d->steps, "Capabilities could not be read: libcap "
			  "failed.");
	else
		steps_say(&d->steps, "fdscope %s CAP_SYS_RESOURCE: %s.",
			  cap ? "has" : "does not have",
			  cap ? "it may raise its hard limit up to fs.nr_open" :
			  "only a privileged process may raise a hard limit");
	if (nr_open)
		steps_say(&d->steps, "fs.nr_open is %llu.", nr_open);
}

static void contrast_enfile(struct demo_ctx *d)
{
	unsigned long long fmax = 0, nr[3] = { 0, 0, 0 };
	char buf[128];

	procfs_read_ull(d->proc_root, "sys/fs/file-max", &fmax);
	if (procfs_read_sys(d->proc_root, "sys/fs/file-nr", buf, sizeof(buf)) >= 0)
		file_nr_parse(buf, nr);
	steps_say(&d->steps, "EMFILE is this process's limit.  ENFILE is the "
		  "whole system's: fs.file-max = %llu open files, %llu in use "
		  "now (fs.file-nr).  Raising one process's limit does not "
		  "help when the system is out.", fmax, nr[0]);
}

int demo_exhaust_body(struct demo_ctx *d, long long limit)
{
	struct rlimit orig;
	int *fds = NULL, err = 0;
	size_t n = 0, i;
	char a[32], b[32];
	struct step *st;
	int rc;

	rc = getrlimit(RLIMIT_NOFILE, &orig);
	st = steps_call(&d->steps, "getrlimit", rc, rc < 0 ? errno : 0,
			"getrlimit(RLIMIT_NOFILE, {rlim_cur=%s, rlim_max=%s})",
			rlim_text(orig.rlim_cur, a, sizeof(a)),
			rlim_text(orig.rlim_max, b, sizeof(b)));
	if (rc < 0) {
		d->failed = true;
		return -1;
	}
	step_say(st, "The soft limit is what open checks; the hard limit is "
		 "the ceiling for the soft one.");
	if (set_soft(d, (rlim_t)limit, orig.rlim_max,
		     (rlim_t)limit <= orig.rlim_cur ?
		     "Only this process's soft limit is lowered." :
		     "Only this process's soft limit is changed: raised, as "
		     "any process may do up to its hard limit.") < 0) {
		d->failed = true;
		return -1;
	}
	fds = xcalloc((size_t)limit, sizeof(*fds));
	n = open_until_refused(d, fds, (size_t)limit, &err);
	explain_refusal(d, n, err, (rlim_t)limit);
	close_one_open_one(d, fds, n);
	steps_say(&d->steps, "Closing the %zu descriptors and putting the "
		  "soft limit back.", n);
	for (i = 0; i < n; i++) {
		if (fds[i] < 0)
			continue;
		rc = close(fds[i]);
		step_silence(steps_call_delta(&d->steps, -1, fds[i], "close", rc,
					      rc < 0 ? errno : 0, "close(%d)",
					      fds[i]));
	}
	set_soft(d, orig.rlim_cur, orig.rlim_max, NULL);
	free(fds);
	steps_part(&d->steps, "the hard limit, and the system's");
	raise_above_hard(d, &orig);
	contrast_enfile(d);
	if (err != EMFILE)
		d->failed = true;
	return d->failed ? -1 : 0;
}

static const struct option exhaust_longopts[] = {
	{ "limit", required_argument, NULL, 'l' },
	STEPS_LONG_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
static const char exhaust_shortopts[] = ":l:" STEPS_SHORT_OPTIONS "h";

static int exhaust_run(const struct cli_env *env, int argc, char **argv)
{
	struct demo_ctx d;
	struct steps_opts so = { 0 };
	long long limit = EXHAUST_DEFAULT;
	int c;

	while ((c = getopt_long(argc, argv, exhaust_shortopts, exhaust_longopts,
				NULL)) != -1) {
		if (steps_opts_take(&so, c))
			continue;
		switch (c) {
		case 'l':
			/* The range that never depends on the process; the
			 * open descriptors and the hard limit are checked at
			 * run time. */
			if (cli_opt_ll(&cmd_exhaust, "--limit", optarg, 1,
				       EXHAUST_MAX, &limit) < 0)
				return EXIT_USAGE;
			break;
		case 'h':
			return cmd_help(&cmd_exhaust);
		default:
			return cmd_bad_option(&cmd_exhaust, argv, c);
		}
	}
	if (optind < argc)
		return cmd_unexpected_argument(&cmd_exhaust, argv[optind]);
	if (demo_begin(&d, env->proc_root, so.json, so.quiet) < 0)
		return EXIT_FAIL;
	demo_name_inherited(&d.steps);
	if (demo_exhaust_check_limit(&d, limit) < 0)
		return demo_end(&d, EXIT_FAIL);
	return demo_end(&d, demo_exhaust_body(&d, limit) < 0 ? EXIT_FAIL : EXIT_OK);
}

const struct command cmd_exhaust = {
	.name = "exhaust",
	.run = exhaust_run,
	.longopts = exhaust_longopts,
	.shortopts = exhaust_shortopts,
	.summary = "run out of descriptors on purpose and see EMFILE",
	.usage =
	"fdscope exhaust [--limit N] [-J] [-q]\n"
	"\n"
	"Lowers fdscope's own soft RLIMIT_NOFILE to N (default 32; nothing\n"
	"outside fdscope is touched) and opens /dev/null until the kernel\n"
	"refuses with EMFILE; closes one and opens again; tries to raise the\n"
	"soft limit above the hard one; contrasts EMFILE with ENFILE.\n"
	"\n"
	"Options:\n"
	"  -l, --limit N          the soft limit to lower to, 1 to 1024: above\n"
	"                         the descriptors already open, at most the hard\n"
	"                         limit\n"
	DEMO_COMMON_HELP,
};
