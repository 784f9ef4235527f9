/* For the suites of single commands: the dispatcher run in the forked
 * test process (its exit status pinned with tcase_add_exit_test), and
 * the steps of a demo's -J output. */
#ifndef FDSCOPE_TESTS_CLIEXIT_H
#define FDSCOPE_TESTS_CLIEXIT_H

#include <sys/types.h>

#include "testutil.h"

/* Runs cli_main with "fdscope" and args (NULL-terminated), stdout and
 * stderr to /dev/null, and exits with its status. */
void cli_exit_with(const char *const *args) __attribute__((noreturn));

/* The n-th step (from 0) of {"steps": [...]} whose syscall is name, or
 * NULL; *index is set to its position among all steps when not NULL. */
const struct json *demo_step(const struct json *doc, const char *name,
			     size_t n, size_t *index);

/* Forks a child that runs setup (when not NULL) and then waits until
 * *release is closed (or written to), then exits 0. */
pid_t fork_waiter(int *release, void (*setup)(void));

/* Runs fdscope with args (NULL-terminated), asserts status 0, and parses
 * its -J output (free with json_free). */
struct json *demo_json(const char *const *args);

#endif
