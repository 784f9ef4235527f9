/* trace/inherit: which descriptors each new program started with, and
 * where each came from: open before the command (outside), or opened by
 * a traced process that then forked. */
#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace/inherit.h"
#include "trace/ptrace.h"

static void on_spawn(void *ctx, pid_t parent, pid_t child, bool thread)
{
	(void)child;
	(void)thread;
	inherit_on_spawn(ctx, parent);
}

static void on_exec(void *ctx, pid_t pid)
{
	inherit_on_exec(ctx, pid);
}

START_TEST(test_inherit_outside_and_opened_by_the_shell)
{
	static char *const argv[] = { "/bin/sh", "-c",
		"exec 7</dev/null; /bin/true", NULL };
	struct inherit_log l;
	struct trace_hooks hooks = { &l, on_spawn, on_exec };
	struct trace_run run;
	struct stat st, null;
	size_t i, *group = NULL;
	bool outside = false, by_sh = false;
	int mine, first;

	/* 7 is the shell's to open: one this runner inherited there would be
	 * the same /dev/null, open from outside; and mine is above it. */
	close(7);
	first = open("/dev/zero", O_RDONLY);
	ck_assert_int_ge(first, 0);
	mine = fcntl(first, F_DUPFD, 8);
	close(first);

	ck_assert_int_gt(mine, 2);
	ck_assert_int_ne(mine, 7);
	ck_assert_int_eq(fstat(mine, &st), 0);
	ck_assert_int_eq(stat("/dev/null", &null), 0);
	inherit_log_init(&l, "/proc", 0);
	l.root = -1;
	ck_assert_int_eq(trace_command(argv, &hooks, &run), 0);
	ck_assert_int_eq(run.exec_errno, 0);
	for (i = 0; i < l.nexecfds; i++) {
		const struct inherit_exec_fd *x = &l.execfds[i];

		if (x->id.fd == mine && x->id.ino == st.st_ino) {
			ck_assert(x->outside);
			outside = true;
		}
		/* /bin/true got 7 from the shell that opened it. */
		if (x->id.fd == 7 && x->exec_pid != run.root) {
			ck_assert_uint_eq(x->id.ino, null.st_ino);
			ck_assert(!x->outside);
			ck_assert_int_eq(x->opener, run.root);
			by_sh = true;
		}
	}
	ck_assert_msg(outside, "fd %d, open before the command, not recorded",
		      mine);
	ck_assert_msg(by_sh, "fd 7 of /bin/true not traced to the shell");
	ck_assert_uint_ge(inherit_group(&l, &group), 2);
	free(group);
	inherit_log_release(&l);
	close(mine);
}
END_TEST

Suite *inherit_suite(void)
{
	Suite *s = suite_create("inherit");
	TCase *tc = tcase_create("inherit");

	tcase_add_test(tc, test_inherit_outside_and_opened_by_the_shell);
	suite_add_tcase(s, tc);
	return s;
}
