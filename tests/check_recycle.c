/* cmd/recycle: a closed number handed to the next file, and the exit
 * statuses. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "cliexit.h"

/* The number closed is the next open's: B gets A's number, and the
 * write meant for A lands in B. */
START_TEST(test_recycle_gives_the_number_to_the_next_file)
{
	static const char *const args[] = { "recycle", "-J", NULL };
	struct json *doc = demo_json(args);
	const struct json *a = demo_step(doc, "open", 0, NULL);
	const struct json *b = demo_step(doc, "open", 1, NULL);
	const struct json *w = demo_step(doc, "write", 0, NULL);
	char want[32];

	ck_assert(a != NULL && b != NULL && w != NULL);
	ck_assert(strstr(json_str(a, "call"), "/A\"") != NULL);
	ck_assert(strstr(json_str(b, "call"), "/B\"") != NULL);
	ck_assert_int_eq(json_int(b, "ret"), json_int(a, "ret"));
	snprintf(want, sizeof(want), "write(%lld, ", json_int(a, "ret"));
	ck_assert(strncmp(json_str(w, "call"), want, strlen(want)) == 0);
	ck_assert_int_eq(json_int(w, "ret"), 12);
	json_free(doc);
}
END_TEST

static const char *const exit_cases[][6] = {
	{ "recycle", "--help" },
	{ "recycle", "-V" },
	{ "recycle", "--nosuch" },
	{ "recycle", "extra" },
};
static const int exit_status[] = { 0, 0, 2, 2 };

START_TEST(test_recycle_exit_status)
{
	cli_exit_with(exit_cases[_i]);
}
END_TEST

Suite *recycle_suite(void)
{
	Suite *s = suite_create("recycle");
	TCase *tc = tcase_create("recycle");
	size_t i;

	tcase_add_test(tc, test_recycle_gives_the_number_to_the_next_file);
	for (i = 0; i < sizeof(exit_status) / sizeof(exit_status[0]); i++)
		tcase_add_loop_exit_test(tc, test_recycle_exit_status,
					 exit_status[i], (int)i, (int)i + 1);
	suite_add_tcase(s, tc);
	return s;
}
