/* cmd/open: the numbers each SPEC got, and the exit statuses. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "cliexit.h"

/* null then pipe: the kernel's numbers, in order, each the lowest free. */
START_TEST(test_open_numbers_in_order)
{
	static const char *const args[] = { "open", "-J", "null", "pipe",
					    "dup:0", NULL };
	struct json *doc = demo_json(args);
	const struct json *n = demo_step(doc, "open", 0, NULL);
	const struct json *p = demo_step(doc, "pipe2", 0, NULL);
	const struct json *d = demo_step(doc, "dup", 0, NULL);
	long long first;

	ck_assert(n != NULL && p != NULL && d != NULL);
	ck_assert(strstr(json_str(n, "call"), "\"/dev/null\"") != NULL);
	first = json_int(n, "ret");
	ck_assert_int_ge(first, 3);
	ck_assert_int_eq(json_int(p, "ret"), 0);
	/* The pipe took first + 1 and first + 2: dup gets first + 3. */
	ck_assert_int_eq(json_int(d, "ret"), first + 3);
	json_free(doc);
}
END_TEST

static const char *const exit_cases[][6] = {
	{ "open", "--help" },
	{ "open", "null" },
	{ "open" },
	{ "open", "nosuch" },
	{ "open", "--hold=x", "null" },
};
static const int exit_status[] = { 0, 0, 2, 2, 2 };

START_TEST(test_open_exit_status)
{
	cli_exit_with(exit_cases[_i]);
}
END_TEST

Suite *open_suite(void)
{
	Suite *s = suite_create("open");
	TCase *tc = tcase_create("open");
	size_t i;

	tcase_add_test(tc, test_open_numbers_in_order);
	for (i = 0; i < sizeof(exit_status) / sizeof(exit_status[0]); i++)
		tcase_add_loop_exit_test(tc, test_open_exit_status,
					 exit_status[i], (int)i, (int)i + 1);
	suite_add_tcase(s, tc);
	return s;
}
