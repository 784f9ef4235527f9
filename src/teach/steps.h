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
 * Several processes (the exchange's server and client): fflush(stdout)
 * before fork(); each child runs its own struct steps with .side set
 * ("server", "client"): in text mode it prints its own lines, each prefixed
 * with the side; in JSON mode it prints nothing and, at its end, sends its
 * steps to the parent with steps_send() over a pipe.  The parent (whose own
 * steps may have no side) calls steps_receive() on each pipe, and
 * steps_finish() then prints every step in the order they happened
 * (CLOCK_MONOTONIC, the same clock in every process). */
#ifndef FDSCOPE_STEPS_H
#define FDSCOPE_STEPS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

struct steps_opts {
	bool json;		/* collect, print {"steps": [...]} at the end */
	bool quiet;		/* text: calls and results only, no narration */
	bool color;		/* text: ANSI colour (see out_use_color()) */
	const char *proc_root;	/* "/proc", or a test's root */
	const char *side;	/* NULL, or "server"/"client": labels steps */
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
	unsigned long long t_ns;	/* CLOCK_MONOTONIC when recorded */
};

struct steps {
	struct steps_opts o;
	struct step *v;
	size_t n, cap;
	size_t printed;		/* text: steps[0..printed) are out */
	bool merged;		/* steps came from several processes */
	bool write_failed;	/* a text write failed */
	int write_errno;	/* and why (EPIPE: the reader went away) */
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
 * paragraph (wrapped to 80 columns, left out with --quiet), and verbatim
 * lines such as a figure (kept with --quiet). */
void steps_heading(struct steps *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void steps_say(struct steps *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void steps_text(struct steps *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prints any pending step (text mode). */
void steps_flush(struct steps *s);

/* Prints the compact map of a table, e.g. "0 1 2 3 [4] 5 ... 100" (mark is
 * bracketed, -1 for none) into a new string. */
char *steps_map(const int *table, size_t n, int mark, int mark2);

/* The symbolic name of an errno value ("EMFILE"), or NULL when unknown. */
const char *steps_errno_name(int err);

/* Ends the record: flushes text, or prints the JSON.  Returns 0, or -1
 * with errno when output failed (EPIPE when the reader went away). */
int steps_finish(struct steps *s);

/* Fork support (see above): serialise every step to fd / read steps from
 * fd until EOF and add them.  Return 0 or -1 with errno. */
int steps_send(struct steps *s, int fd);
int steps_receive(struct steps *s, int fd);

#endif
