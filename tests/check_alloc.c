/* cmd/alloc: the kernel hands out the lowest free number, as the steps
 * record it, and the command's exit statuses. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "cliexit.h"

/* After close(4), the next open gets 4 again, below the higher 5. */
START_TEST(test_alloc_reuses_the_closed_number)
{
	static const char *const args[] = { "alloc", "-J", NULL };
	struct json *doc = demo_json(args);
	const struct json *s;
	size_t closed, reopened;
	long long first = json_int(demo_step(doc, "open", 0, NULL), "ret");
	char want[32];

	/* The first free number depends on what the runner left open. */
	ck_assert_int_ge(first, 3);
	ck_assert_int_eq(json_int(demo_step(doc, "open", 1, NULL), "ret"), first + 1);
	ck_assert_int_eq(json_int(demo_step(doc, "open", 2, NULL), "ret"), first + 2);
	s = demo_step(doc, "close", 0, &closed);
	ck_assert(s != NULL);
	snprintf(want, sizeof(want), "close(%lld)", first + 1);
	ck_assert_str_eq(json_str(s, "call"), want);
	s = demo_step(doc, "open", 3, &reopened);
	ck_assert(s != NULL && reopened > closed);
	ck_assert_int_eq(json_int(s, "ret"), first + 1);
	json_free(doc);
}
END_TEST

static const char *const exit_cases[][4] = {
	{ "alloc", "--help" },
	{ "alloc", "-V" },
	{ "alloc", "--nosuch" },
	{ "alloc", "extra" },
};
static const int exit_status[] = { 0, 0, 2, 2 };

START_TEST(test_alloc_exit_status)
{
	cli_exit_with(exit_cases[_i]);
}
END_TEST

Suite *alloc_suite(void)
{
	Suite *s = suite_create("alloc");
	TCase *tc = tcase_create("alloc");
	size_t i;

	tcase_add_test(tc, test_alloc_reuses_the_closed_number);
	for (i = 0; i < sizeof(exit_status) / sizeof(exit_status[0]); i++)
		tcase_add_loop_exit_test(tc, test_alloc_exit_status,
					 exit_status[i], (int)i, (int)i + 1);
	suite_add_tcase(s, tc);
	return s;
}
