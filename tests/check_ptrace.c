/* trace/ptrace: a command and every process it starts followed with
 * ptrace: the forks and execs counted as they happen, the status kept. */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>

#include "trace/ptrace.h"

struct seen {
	size_t spawns, execs;
};

static void on_spawn(void *ctx, pid_t parent, pid_t child, bool thread)
{
	struct seen *s = ctx;

	(void)parent;
	(void)child;
	if (!thread)
		s->spawns++;
}

static void on_exec(void *ctx, pid_t pid)
{
	struct seen *s = ctx;

	(void)pid;
	s->execs++;
}

/* sh runs two programs, each in a child of its own, then exits 3. */
START_TEST(test_trace_command_counts_forks_and_execs)
{
	static char *const argv[] = { "/bin/sh", "-c",
		"/bin/true; /bin/true; exit 3", NULL };
	struct seen s = { 0, 0 };
	struct trace_hooks hooks = { &s, on_spawn, on_exec };
	struct trace_run run;

	ck_assert_msg(trace_command(argv, &hooks, &run) == 0,
		      "ptrace refused: %s", strerror(errno));
	ck_assert_int_eq(run.exec_errno, 0);
	ck_assert(WIFEXITED(run.status));
	ck_assert_int_eq(WEXITSTATUS(run.status), 3);
	ck_assert_uint_eq(s.spawns, 2);
	ck_assert_uint_eq(s.execs, 3);
	ck_assert_uint_eq(run.nexecs, 3);
	ck_assert_uint_eq(run.nprocs, 3);
}
END_TEST

/* A program that does not exist: its errno, no exec seen. */
START_TEST(test_trace_command_missing_program)
{
	static char *const argv[] = { "/nonexistent/fdscope-test", NULL };
	struct seen s = { 0, 0 };
	struct trace_hooks hooks = { &s, on_spawn, on_exec };
	struct trace_run run;

	ck_assert_int_eq(trace_command(argv, &hooks, &run), 0);
	ck_assert_int_eq(run.exec_errno, ENOENT);
	ck_assert_uint_eq(s.execs, 0);
}
END_TEST

Suite *ptrace_suite(void)
{
	Suite *s = suite_create("ptrace");
	TCase *tc = tcase_create("ptrace");

	tcase_add_test(tc, test_trace_command_counts_forks_and_execs);
	tcase_add_test(tc, test_trace_command_missing_program);
	suite_add_tcase(s, tc);
	return s;
}
