/* The narrated "call = result" record shared by the teaching demos and the
 * client/server exchange: each system call made on purpose becomes a step
 * holding what the kernel returned and the descriptor table right after it,
 * printed as it happens (text) or all at the end as {"steps": [...]} (JSON).
 *
 * Use:
 *	struct steps s;
 *	steps_init(&s, &(struct steps_opts){ .json = json, .proc_root = root });
 *	want = steps_lowest_free(&s, 0);	// before the call
 *	fd = open(path, O_RDONLY);
 *	st = steps_call(&s, "open", fd, fd < 0 ? errno : 0,
 *			"open(\"%s\", O_RDONLY)", path);
 *	step_expect(st, want);			// says so if the kernel differs
 *	step_say(st, "the lowest free number");	// narration, text mode only
 *	...
 *	ret = steps_finish(&s);		// JSON printed here
 *	steps_release(&s);
 *
 * A step is printed (text mode) when the next one starts, or on
 * steps_flush(), steps_say(), steps_heading(), steps_text() and
 * steps_finish(); print nothing else on stdout while a step is pending
 * without calling steps_flush() first.  Text goes out with one write(2) per
 * step (stdout's stdio buffer is flushed first), so that two processes
 * sharing stdout never interleave inside a line, nor inside a step.
 *
 * Several processes (the exchange's server and client, the child of
 * tables): fflush(stdout) before fork(); each child runs its own struct
 * steps with .side set ("server", "client", "child") and
 * steps_stream_to() a pipe: every step, once complete, goes there with its
 * text already rendered (nothing on stdout).  The parent calls
 * steps_merge() on the pipes: one writer prints (text) and records (JSON)
 * every step in the order the calls happened, by a CLOCK_MONOTONIC time
 * that is the same clock in every process.  A call whose effect the other
 * process sees (send, connect, fork) is stamped when it starts
 * (steps_start() just before it); any other when it returned.  So a recv
 * always follows its send, and an accept the connect that it answers. */
#ifndef FDSCOPE_STEPS_H
#define FDSCOPE_STEPS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

struct screen;

struct steps_opts {
	bool json;		/* collect, print {"steps": [...]} at the end */
	bool quiet;		/* text: calls and results only, no narration */
	bool color;		/* text: ANSI colour (see out_use_color()) */
	const char *proc_root;	/* "/proc", or a test's root */
	const char *side;	/* NULL, or "server"/"client": labels steps */
	unsigned int width;	/* text: columns to fit (0: 80) */
	struct screen *screen;	/* text: the tour's pausing writer, or NULL */
};

/* -J/--json and -q/--quiet: the options of every command that prints a
 * step record, for its getopt string and long options. */
#define STEPS_SHORT_OPTIONS "Jq"
#define STEPS_LONG_OPTIONS \
	{ "json", no_argument, NULL, 'J' }, \
	{ "quiet", no_argument, NULL, 'q' }

/* Takes one getopt result into o; returns true when it was -J or -q. */
bool steps_opts_take(struct steps_opts *o, int c);

struct step {
	char *call;		/* as shown: socket(AF_INET, SOCK_STREAM, 0) */
	char *syscall;		/* the function name: open, socket, pipe2 */
	long long ret;		/* what the call returned */
	int err;		/* errno when it failed, 0 when it did not */
	bool has_fds;		/* pipe, socketpair: the two descriptors */
	int fds[2];
	bool has_expected;	/* the number the lowest-free rule predicts */
	int expected;
	int mark;		/* a descriptor to highlight in the map, or -1 */
	bool silent;		/* text: not printed (the caller summarises) */
	int *table;		/* open descriptors after the call, ascending */
	size_t ntable;
	char *side;		/* NULL, "server", "client" */
	char *narration;	/* text shown under the call, or NULL */
	unsigned long long t_ns;	/* CLOCK_MONOTONIC: the order (see above) */
	char *section;		/* the tour's section heading, or NULL */
	char *rendered;		/* text: as printed, once complete */
	bool text_only;		/* a paragraph or figure (stream), not a call */
	bool part;		/* text_only: a part's heading, a pause first */
};

/* Descriptors the narration is not about (inherited from whoever started
 * fdscope, fdscope's own pipes): counted apart in the maps. */
#define STEPS_MAX_HIDDEN 16

struct steps {
	struct steps_opts o;
	struct step *v;
	size_t n, cap;
	size_t printed;		/* text: steps[0..printed) are out */
	bool holding;		/* text: complete steps wait for steps_merge */
	bool write_failed;	/* a text write failed */
	int write_errno;	/* and why (EPIPE: the reader went away) */
	int stream_fd;		/* >= 0: complete steps are sent there */
	unsigned long long next_start;	/* steps_start(): the next call's */
	char *section;		/* current heading (steps_heading) */
	int part;		/* its last part (steps_part), 0 before any */
	int hidden[STEPS_MAX_HIDDEN];
	bool hidden_own[STEPS_MAX_HIDDEN];	/* fdscope's, not inherited */
	size_t nhidden;
};

void steps_init(struct steps *s, const struct steps_opts *o);
void steps_release(struct steps *s);

/* Records a call just made: its shown text (printf format), the syscall
 * name, the value it returned and the errno it left (0 when it succeeded),
 * and reads the descriptor table now.  For calls that return a descriptor
 * (open, socket, dup, accept, eventfd, ...) that number is marked in the
 * map.  The returned step stays valid until the next steps_call(). */
struct step *steps_call(struct steps *s, const char *syscall, long long ret,
			int err, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Same, for a loop of thousands of calls (exhaust): the table is not read
 * from /proc but derived from the previous step's, with added (>= 0) put
 * in and removed (>= 0) taken out, which is what the call did when it
 * returned what it returned.  Reads /proc when there is no previous step.
 * Read the table for real (steps_call) at the ends of such a loop. */
struct step *steps_call_delta(struct steps *s, int added, int removed,
			      const char *syscall, long long ret, int err,
			      const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* The two descriptors of pipe/pipe2/socketpair (also marked in the map). */
void step_fds(struct step *st, int a, int b);

/* The number the lowest-available rule predicts for this call.  When the
 * call succeeded with another number, a note saying so is added (shown even
 * with --quiet: it is a result). */
void step_expect(struct step *st, int expected);

/* Highlights a descriptor in this step's map (fcntl F_DUPFD's result). */
void step_mark(struct step *st, int fd);

/* Appends a sentence to the step's narration (kept in JSON too). */
void step_say(struct step *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Text mode: do not print this step (a loop of many opens that the caller
 * summarises); JSON keeps it. */
void step_silence(struct step *st);

/* The lowest descriptor number >= from that is free now, read from
 * /proc/self/fd: what open/dup/socket must return next.  -1 on error. */
int steps_lowest_free(struct steps *s, int from);

/* Reads the current table (ascending, the reader's own handle left out)
 * into a new array; returns the count or -1 with errno. */
int steps_read_table(const struct steps *s, int **out);

/* Text mode only (nothing in JSON): a section heading, a narration
 * paragraph (wrapped to the width, left out with --quiet), and verbatim
 * lines such as a figure (kept with --quiet). */
void steps_heading(struct steps *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void steps_say(struct steps *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void steps_text(struct steps *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Text mode only: a part of a long section, so that each part fits one
 * screen: when stepping, a pause first (the screen cleared), then the
 * part's own heading "== part 2: title ==" (the section is part 1). */
void steps_part(struct steps *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prints any pending step (text mode). */
void steps_flush(struct steps *s);

/* Prints the compact map of a table, e.g. "0 1 2 3 [4] 5 ... 100" (mark is
 * bracketed, -1 for none) into a new string. */
char *steps_map(const int *table, size_t n, int mark, int mark2);

/* The same for the table t of this record, the descriptors counted apart
 * (steps_hide) left out and counted: "0 1 2 [3] +2 inherited". */
char *steps_shown_map(const struct steps *s, const int *t, size_t n);

/* 0: a descriptor the narration is about; 1: inherited; 2: fdscope's own
 * (see steps_hide). */
int steps_hidden(const struct steps *s, int fd);

/* The symbolic name of an errno value ("EMFILE"), or NULL when unknown. */
const char *steps_errno_name(int err);

/* Ends the record: flushes text, or prints the JSON.  Returns 0, or -1
 * with errno when output failed (EPIPE when the reader went away). */
int steps_finish(struct steps *s);

/* The next call starts now: its effect may be seen by another process
 * before it returns (see above). */
void steps_start(struct steps *s);

/* A child's record: from now on every complete step (and every paragraph
 * and figure, rendered) is written to fd instead of stdout. */
void steps_stream_to(struct steps *s, int fd);

/* The parent: from now until steps_merge(), its own complete steps wait,
 * so that they are merged in time order with its children's. */
void steps_hold(struct steps *s);

/* Reads the children's steps from each of fds until EOF, and prints them
 * and the held ones of s in time order (text), adding them all to s in
 * that order (JSON).  Returns 0, or -1 with errno when a record was cut
 * short or malformed, or nothing came for timeout_s seconds. */
int steps_merge(struct steps *s, const int *fds, size_t nfds, int timeout_s);

/* Counts fd apart in the maps: inherited (own false) or one of fdscope's
 * own pipes (own true).  steps_unhide() puts it back. */
void steps_hide(struct steps *s, int fd, bool own);
void steps_unhide(struct steps *s, int fd);
/* A forked child's record: the same descriptors counted apart. */
void steps_copy_hidden(struct steps *dst, const struct steps *src);

/* The width the text is fitted to. */
unsigned int steps_width(const struct steps *s);


#endif
