/* query/counter: --summary's modes, -C's NAME:EXPR, and a process's
 * headroom read through its pin. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cliexit.h"
#include "query/counter.h"

START_TEST(test_summary_modes_and_counters)
{
	struct summary *s = summary_new();
	char why[256];

	ck_assert_int_eq(summary_set_mode(s, "only", why, sizeof(why)), 0);
	ck_assert_int_eq(summary_mode(s), SUMMARY_ONLY);
	ck_assert_int_eq(summary_set_mode(s, "never", why, sizeof(why)), 0);
	ck_assert_int_eq(summary_mode(s), SUMMARY_NEVER);
	ck_assert_int_eq(summary_set_mode(s, "sometimes", why, sizeof(why)), -1);
	ck_assert_msg(strstr(why, "sometimes") != NULL, "%s", why);
	ck_assert_int_eq(summary_add_counter(s, "big:SIZE > 10", why,
					     sizeof(why)), 0);
	ck_assert_int_eq(summary_add_counter(s, "nocolon", why, sizeof(why)), -1);
	summary_free(s);
}
END_TEST

static void soft_limit_300(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		_exit(1);
	rl.rlim_cur = 300;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		_exit(1);
}

/* A child with a soft limit of 300: the headroom says what /proc does. */
START_TEST(test_summary_headroom_of_a_child)
{
	struct run_result r;
	char pid_s[16], want[64];
	size_t open_now;
	const char *h;
	int release;
	pid_t pid = fork_waiter(&release, soft_limit_300);

	snprintf(pid_s, sizeof(pid_s), "%ld", (long)pid);
	/* Until the child has lowered its limit. */
	for (int i = 0; i < 200; i++) {
		run_fdscope(&r, "list", "-p", pid_s, "--summary=only", "-J", NULL);
		if (strstr(r.out, "\"soft\": 300") != NULL)
			break;
		run_result_release(&r);
		r.out = NULL;
		usleep(10000);
	}
	ck_assert_msg(r.out != NULL, "the child's limit never read 300");
	open_now = count_pid_fds(pid, NULL);
	h = strstr(r.out, "\"headroom\": [");
	ck_assert_msg(h != NULL, "%s", r.out);
	snprintf(want, sizeof(want), "\"open\": %zu,", open_now);
	ck_assert_msg(strstr(h, want) != NULL, "%s not in %s", want, h);
	snprintf(want, sizeof(want), "\"headroom\": %zu,", 300 - open_now);
	ck_assert_msg(strstr(h, want) != NULL, "%s not in %s", want, h);
	run_result_release(&r);
	close(release);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
}
END_TEST

Suite *counter_suite(void)
{
	Suite *s = suite_create("counter");
	TCase *tc = tcase_create("counter");

	tcase_add_test(tc, test_summary_modes_and_counters);
	tcase_add_test(tc, test_summary_headroom_of_a_child);
	suite_add_tcase(s, tc);
	return s;
}
