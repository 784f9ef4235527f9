/* cmd/exhaust: EMFILE exactly at the lowered soft limit, and the exit
 * statuses. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "cliexit.h"

/* With the soft limit lowered to 16, the opens stop at number 15 with
 * EMFILE; the limit is fdscope's own (lowered in its process only). */
START_TEST(test_exhaust_stops_at_the_soft_limit)
{
	static const char *const args[] = { "exhaust", "-J", "--limit", "16",
					    NULL };
	struct json *doc = demo_json(args);
	const struct json *steps = json_get(doc, "steps"), *s;
	long long highest = -1;
	bool emfile = false;
	size_t i;

	for (i = 0; (s = json_at(steps, i)) != NULL && !emfile; i++) {
		const char *e = json_str(s, "errno");

		if (strcmp(json_str(s, "syscall"), "open") != 0)
			continue;
		if (e != NULL && strcmp(e, "EMFILE") == 0)
			emfile = true;
		else if (json_int(s, "ret") > highest)
			highest = json_int(s, "ret");
	}
	ck_assert_msg(emfile, "no open failed with EMFILE");
	ck_assert_int_eq(highest, 15);
	s = demo_step(doc, "setrlimit", 0, NULL);
	ck_assert(s != NULL && strstr(json_str(s, "call"), "rlim_cur=16,") != NULL);
	json_free(doc);
}
END_TEST

static const char *const exit_cases[][6] = {
	{ "exhaust", "--help" },
	{ "exhaust", "--limit", "0" },
	{ "exhaust", "--limit", "1025" },
	{ "exhaust", "--limit", "x" },
	{ "exhaust", "extra" },
};
static const int exit_status[] = { 0, 2, 2, 2, 2 };

START_TEST(test_exhaust_exit_status)
{
	cli_exit_with(exit_cases[_i]);
}
END_TEST

Suite *exhaust_suite(void)
{
	Suite *s = suite_create("exhaust");
	TCase *tc = tcase_create("exhaust");
	size_t i;

	tcase_add_test(tc, test_exhaust_stops_at_the_soft_limit);
	for (i = 0; i < sizeof(exit_status) / sizeof(exit_status[0]); i++)
		tcase_add_loop_exit_test(tc, test_exhaust_exit_status,
					 exit_status[i], (int)i, (int)i + 1);
	suite_add_tcase(s, tc);
	return s;
}
