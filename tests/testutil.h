/* Shared test helpers: running the built binary as a user would, reading
 * its JSON, and counting this process's descriptors for leak checks. */
#ifndef FDSCOPE_TESTUTIL_H
#define FDSCOPE_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

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
