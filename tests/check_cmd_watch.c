/* cmd/watch: samples of a child whose table the test knows, as JSON
 * Lines, and the command's exit statuses. */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cliexit.h"

/* Two samples of a child that holds its pipe end: the open count is
 * /proc's, and the summary line says nothing opened or closed. */
START_TEST(test_cmd_watch_samples_a_child)
{
	struct run_result r;
	char pid_s[16], want[64];
	int release;
	pid_t pid = fork_waiter(&release, NULL);

	snprintf(pid_s, sizeof(pid_s), "%ld", (long)pid);
	run_fdscope(&r, "watch", "-p", pid_s, "--interval", "0.2", "--count",
		    "2", "-J", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	snprintf(want, sizeof(want), "\"pid\":%ld,", (long)pid);
	ck_assert(strstr(r.out, want) != NULL);
	snprintf(want, sizeof(want), "\"open\":%zu,", count_pid_fds(pid, NULL));
	ck_assert_msg(strstr(r.out, want) != NULL, "%s not in %s", want, r.out);
	ck_assert(strstr(r.out, "\"event\":\"summary\"") != NULL);
	ck_assert(strstr(r.out, "\"opened\":0,\"closed\":0,") != NULL);
	run_result_release(&r);
	close(release);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
}
END_TEST

static const char *const exit_cases[][6] = {
	{ "watch", "--help" },
	{ "watch" },
	{ "watch", "-p", "0" },
	{ "watch", "-p", "2147483647", "--interval", "-1" },
	{ "watch", "-p", "2147483647", "--count", "x" },
};
static const int exit_status[] = { 0, 2, 2, 2, 2 };

START_TEST(test_cmd_watch_exit_status)
{
	cli_exit_with(exit_cases[_i]);
}
END_TEST

Suite *cmd_watch_suite(void)
{
	Suite *s = suite_create("cmd_watch");
	TCase *tc = tcase_create("cmd_watch");
	size_t i;

	tcase_add_test(tc, test_cmd_watch_samples_a_child);
	for (i = 0; i < sizeof(exit_status) / sizeof(exit_status[0]); i++)
		tcase_add_loop_exit_test(tc, test_cmd_watch_exit_status,
					 exit_status[i], (int)i, (int)i + 1);
	suite_add_tcase(s, tc);
	return s;
}
