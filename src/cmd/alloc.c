/* `fdscope alloc`: POSIX lowest-available allocation, live.  Every number
 * shown is what the kernel returned; the prediction comes from the real
 * table just before each call, and a difference is pointed out. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cmd/demo_run.h"
#include "lib/util.h"
#include "teach/demo.h"

#define ALLOC_HIGH 100		/* dup2's target when the limit allows */
#define ALLOC_DUPFD_MIN 10

static bool fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

/* The dup2 target: 100, or the highest free number the soft limit leaves
 * when it is lower. */
static int high_target(struct demo_ctx *d)
{
	struct rlimit rl;
	int fd = ALLOC_HIGH;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur <= ALLOC_HIGH)
		fd = (int)rl.rlim_cur - 1;
	while (fd > 0 && fd_is_open(fd))
		fd--;
	(void)d;
	return fd;
}

static void show_start(struct demo_ctx *d)
{
	int *t = NULL, n = steps_read_table(&d->steps, &t);
	char *map = n >= 0 ? steps_shown_map(&d->steps, t, (size_t)n) : NULL;

	steps_say(&d->steps, "The rule (IEEE Std 1003.1, 2.14): every call "
		  "that opens a descriptor \"shall ... allocate the lowest "
		  "numbered available (that is, not already open) file "
		  "descriptor\".");
	steps_text(&d->steps, "descriptors open now: %s", map ? map : "?");
	if (!fd_is_open(0))
		steps_say(&d->steps, "Standard input (0) is closed: the first "
			  "open below will get 0.");
	free(map);
	free(t);
}

/* Three opens, close the middle one, open again: the hole is refilled. */
static void three_and_a_hole(struct demo_ctx *d, int fds[4])
{
	struct step *st;

	steps_say(&d->steps, "Three opens in a row: each gets the lowest "
		  "number not in use.");
	fds[0] = demo_open_new(d, "one", O_RDONLY, "O_RDONLY");
	fds[1] = demo_open_new(d, "two", O_RDONLY, "O_RDONLY");
	fds[2] = demo_open_new(d, "three", O_RDONLY, "O_RDONLY");
	if (fds[1] < 0)
		return;
	steps_say(&d->steps, "Close the middle one: the next open gets its "
		  "number back.");
	demo_close(d, fds[1]);
	fds[3] = demo_open_new(d, "four", O_RDONLY, "O_RDONLY");
	st = &d->steps.v[d->steps.n - 1];
	if (fds[3] >= 0 && fds[3] == fds[1])
		step_say(st, "Number %d again: it was the lowest free one.",
			 fds[3]);
	fds[1] = -1;
}

/* Close stdin and open: the new file becomes standard input.  When stdin
 * was closed from the start, the first open already showed it. */
static int take_stdin(struct demo_ctx *d, bool stdin_was_open, int *saved)
{
	struct step *st;
	int want, e;

	*saved = -1;
	if (!stdin_was_open) {
		steps_say(&d->steps, "Standard input was closed when fdscope "
			  "started, so the first open above already got 0.");
		return -1;
	}
	want = steps_lowest_free(&d->steps, 0);
	*saved = fcntl(0, F_DUPFD_CLOEXEC, 0);
	e = *saved < 0 ? errno : 0;
	st = steps_call(&d->steps, "fcntl", *saved, e,
			"fcntl(0, F_DUPFD_CLOEXEC, 0)");
	step_expect(st, want);
	step_mark(st, *saved);
	step_say(st, "A copy of standard input, kept aside to put it back at "
		 "the end.");
	if (*saved < 0)
		return -1;
	steps_say(&d->steps, "Close standard input and open a file: it gets 0, "
		  "and anything that reads stdin now reads it.");
	demo_close(d, 0);
	return demo_open_new(d, "stdin-now", O_RDONLY, "O_RDONLY");
}

static void high_then_hole(struct demo_ctx *d, int src, int *high, int *filler)
{
	struct step *st;
	int target = high_target(d), want, e;

	*high = *filler = -1;
	steps_say(&d->steps, "dup2 puts a copy at a number of our choice, "
		  "however high (below the soft limit); the next open still "
		  "takes the lowest hole.");
	*high = dup2(src, target);
	e = *high < 0 ? errno : 0;
	st = steps_call(&d->steps, "dup2", *high, e, "dup2(%d, %d)", src, target);
	step_expect(st, target);
	want = steps_lowest_free(&d->steps, 0);
	*filler = open("/dev/null", O_RDONLY);
	e = *filler < 0 ? errno : 0;
	st = steps_call(&d->steps, "open", *filler, e,
			"open(\"/dev/null\", O_RDONLY)");
	step_expect(st, want);
	if (*filler >= 0)
		step_say(st, "%d, not %d: the lowest free number wins.", *filler,
			 target + 1);
}

static int dupfd_min(struct demo_ctx *d, int src)
{
	struct step *st;
	int want = steps_lowest_free(&d->steps, ALLOC_DUPFD_MIN), fd, e;

	fd = fcntl(src, F_DUPFD, ALLOC_DUPFD_MIN);
	e = fd < 0 ? errno : 0;
	st = steps_call(&d->steps, "fcntl", fd, e, "fcntl(%d, F_DUPFD, %d)",
			src, ALLOC_DUPFD_MIN);
	step_expect(st, want);
	step_mark(st, fd);
	if (fd >= 0)
		step_say(st, "F_DUPFD takes the lowest free number at or above "
			 "%d.", ALLOC_DUPFD_MIN);
	else if (e == EINVAL)
		step_say(st, "EINVAL: %d is not below the soft limit.",
			 ALLOC_DUPFD_MIN);
	return fd;
}

static void restore_stdin(struct demo_ctx *d, int saved)
{
	struct step *st;
	int rc, e;

	if (saved < 0)
		return;		/* stdin was closed when we started */
	rc = dup2(saved, 0);
	e = rc < 0 ? errno : 0;
	st = steps_call(&d->steps, "dup2", rc, e, "dup2(%d, 0)", saved);
	step_expect(st, 0);
	step_say(st, "Standard input put back: dup2 closes what 0 held first.");
	demo_close(d, saved);
}

int demo_alloc_body(struct demo_ctx *d)
{
	int fds[4] = { -1, -1, -1, -1 }, saved = -1, in = -1, high = -1,
	    filler = -1, dupd = -1;
	bool stdin_was_open;
	size_t i;

	stdin_was_open = fd_is_open(0);
	show_start(d);
	three_and_a_hole(d, fds);
	steps_part(&d->steps, "standard input, dup2 and F_DUPFD");
	in = take_stdin(d, stdin_was_open, &saved);
	if (fds[0] >= 0) {
		high_then_hole(d, fds[0], &high, &filler);
		dupd = dupfd_min(d, fds[0]);
	}
	steps_part(&d->steps, "cleaning up: every number freed");
	for (i = 0; i < ARRAY_SIZE(fds); i++)
		if (fds[i] >= 0)
			demo_close(d, fds[i]);
	if (high >= 0)
		demo_close(d, high);
	if (filler >= 0)
		demo_close(d, filler);
	if (dupd >= 0)
		demo_close(d, dupd);
	if (in > 0)
		demo_close(d, in);
	restore_stdin(d, saved);
	return d->failed ? -1 : 0;
}

static int alloc_run(const struct cli_env *env, int argc, char **argv)
{
	return demo_run_simple(&cmd_alloc, env, argc, argv, demo_alloc_body);
}

const struct command cmd_alloc = {
	.name = "alloc",
	.run = alloc_run,
	.longopts = demo_simple_longopts,
	.shortopts = demo_simple_shortopts,
	.summary = "watch the kernel hand out the lowest free descriptor number",
	.usage =
	"fdscope alloc [-J] [-q]\n"
	"\n"
	"POSIX lowest-available allocation, live: three opens, a closed one\n"
	"refilled, stdin closed and taken over, dup2 to a high number,\n"
	"fcntl(F_DUPFD, 10).  Each call is shown with what the kernel returned\n"
	"and the descriptor table after it; standard input is restored.\n"
	"\n"
	"Options:\n"
	DEMO_COMMON_HELP,
};
