/* cmd/tables: the three tables as the steps record them, and the exit
 * statuses. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "cliexit.h"

/* dup shares one description: kcmp (or the offset probe when kcmp is
 * refused) says so, and the forked child has the same numbers. */
START_TEST(test_tables_dup_and_fork)
{
	static const char *const args[] = { "tables", "-J", NULL };
	struct json *doc = demo_json(args);
	const struct json *d = demo_step(doc, "dup", 0, NULL);
	const struct json *f = demo_step(doc, "fork", 0, NULL);
	const struct json *w = demo_step(doc, "waitpid", 0, NULL);
	bool forked = false;
	size_t i;

	ck_assert(d != NULL && f != NULL && w != NULL);
	ck_assert_int_ge(json_int(d, "ret"), 3);
	/* The parent waits for a child it forked. */
	for (i = 0; (f = demo_step(doc, "fork", i, NULL)) != NULL; i++) {
		ck_assert_int_gt(json_int(f, "ret"), 0);
		forked = forked || json_int(f, "ret") == json_int(w, "ret");
	}
	ck_assert(forked);
	json_free(doc);
}
END_TEST

static const char *const exit_cases[][6] = {
	{ "tables", "--help" },
	{ "tables", "--nosuch" },
	{ "tables", "--svg" },
	{ "tables", "extra" },
};
static const int exit_status[] = { 0, 2, 2, 2 };

START_TEST(test_tables_exit_status)
{
	cli_exit_with(exit_cases[_i]);
}
END_TEST

Suite *tables_suite(void)
{
	Suite *s = suite_create("tables");
	TCase *tc = tcase_create("tables");
	size_t i;

	tcase_add_test(tc, test_tables_dup_and_fork);
	for (i = 0; i < sizeof(exit_status) / sizeof(exit_status[0]); i++)
		tcase_add_loop_exit_test(tc, test_tables_exit_status,
					 exit_status[i], (int)i, (int)i + 1);
	suite_add_tcase(s, tc);
	return s;
}
