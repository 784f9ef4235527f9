/* Shared test helpers: running the built binary as a user would, reading
 * its JSON, and counting this process's descriptors for leak checks. */
#ifndef FDSCOPE_TESTUTIL_H
#define FDSCOPE_TESTUTIL_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* Skips, visible and counted.  Check 0.15 has no skipped state, and a test
 * that returns early when its precondition fails would pass unseen.  So
 * the precondition is decided when the suite is built: the test is added
 * to its tcase only when it holds; otherwise "SKIP suite/test: why" is
 * recorded, and the runner prints every such line and their count after
 * Check's summary.  Every skip of a whole test goes through this macro;
 * a part of a test that cannot run here, through skip_part below. */
#define tcase_add_test_if(suite, tc, cond, fn, why) \
	do { \
		if (cond) \
			tcase_add_test(tc, fn); \
		else \
			skip_record(suite, #fn, why); \
	} while (0)
void skip_record(const char *suite, const char *test, const char *why);
/* A part of a running test that cannot be checked here (a kind this
 * machine refuses to make, a tool missing): recorded, in the forked test
 * too, and printed and counted by the runner as "SKIP PART test: why".
 * The rest of the test still runs. */
#define skip_part(...) skip_part_record(__func__, __VA_ARGS__)
void skip_part_record(const char *test, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The runner's: where the parts are recorded, and their report. */
void skip_parts_open(void);
size_t skip_parts_print(FILE *f);
/* Prints the skips of the suites that ran (CK_RUN_SUITE) and returns
 * their count. */
size_t skips_print(FILE *f);

/* Preconditions that tests skip on, probed once, without side effects on
 * this process: a new network namespace may be made (CAP_SYS_ADMIN or a
 * user namespace); kcmp(KCMP_FILE) answers for this process. */
bool can_unshare_netns(void);
/* unshare(flags) succeeds (CLONE_NEWNS for a private /etc/hosts...). */
bool can_unshare(int flags);
bool can_kcmp(void);

struct run_result {
	int status;		/* exit status, or 128+signal */
	char *out, *err;	/* NUL-terminated captured output */
	size_t out_len, err_len;
};

/* Path of the built fdscope ($FDSCOPE_BIN) and of a program built from
 * tests/helpers/NAME.c ($FDSCOPE_HELPERS/NAME). */
const char *fdscope_bin(void);
const char *helper_path(const char *name);

/* Runs argv (argv[0] is the program path; NULL-terminated) with stdin from
 * /dev/null, capturing stdout and stderr.  Aborts the test on failure to
 * run.  timeout_s bounds the run (the child is killed). */
void run_argv(struct run_result *r, char *const argv[], int timeout_s);

/* Runs fdscope with the given arguments (NULL-terminated). */
void run_fdscope(struct run_result *r, ...);

void run_result_release(struct run_result *r);

/* strace is installed: the tests that count fdscope's system calls are
 * added only then (tcase_add_test_if). */
bool have_strace(void);
/* Runs fdscope with the given arguments (NULL-terminated) under
 * `strace -f`, tracing the system calls named in calls (strace's
 * trace= list) with strings cut at strsize bytes, and returns the trace
 * (the caller frees it), r holding the run itself.  Each line is one
 * call, "TID call(...) = result" (a short TID padded with spaces): a call
 * that another thread interrupted, which strace splits into
 * "<unfinished ...>" and "<... resumed>", is joined again. */
char *strace_fdscope(struct run_result *r, const char *calls, int strsize, ...);

/* A helper program kept running while a test inspects it: started with
 * its stdin on a pipe (closing it tells the helper to exit) and its first
 * stdout line captured (helpers print "ready ..." there). */
struct holder {
	pid_t pid;
	int ctl_fd;		/* write end of the helper's stdin */
	char line[1024];	/* the first line it printed */
};

/* Starts helper NAME from $FDSCOPE_HELPERS with extra arguments (NULL-
 * terminated) and waits (at most 20 s) for its first line. */
void holder_start(struct holder *h, const char *name, ...);
/* Reads "key=NUMBER" from the ready line; aborts the test when absent. */
long long holder_value(const struct holder *h, const char *key);
/* Closes its stdin and reaps it. */
void holder_stop(struct holder *h);

struct fd_proc;
struct fd_entry;
/* Descriptor fd's entry in a collected table, or NULL. */
const struct fd_entry *entry_of(const struct fd_proc *p, int fd);

/* Counts the entries of /proc/PID/fd and, when highest is not NULL, finds
 * the highest number (-1 when none). */
size_t count_pid_fds(pid_t pid, int *highest);

/* Counts the descriptors open in this process (for leak checks). */
size_t count_open_fds(void);

/* A minimal JSON reader, enough for fdscope's own output. */
enum json_kind { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY,
		 JSON_OBJECT };

struct json {
	enum json_kind kind;
	bool b;
	double num;
	char *str;		/* strings; object member names in keys */
	struct json **items;	/* array elements or object values */
	char **keys;
	size_t n;
};

/* Parses text; returns NULL when it is not valid JSON (strict: one value,
 * nothing but blanks after it). */
struct json *json_parse(const char *text);
void json_free(struct json *j);
const struct json *json_get(const struct json *obj, const char *key);
const struct json *json_at(const struct json *arr, size_t i);
/* Number member as long long; aborts the test when absent or not a number. */
long long json_int(const struct json *obj, const char *key);
/* String member, or NULL when absent or null. */
const char *json_str(const struct json *obj, const char *key);

/* Finds the row of {"descriptors": [...]} whose "fd" is fd. */
const struct json *json_find_fd(const struct json *doc, int fd);

#endif
