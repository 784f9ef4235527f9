/* cli/main: the built binary, whose main only hands over to cli_main:
 * its exit status and streams are the dispatcher's, unchanged. */
#include <check.h>
#include <string.h>

#include "testutil.h"

START_TEST(test_main_without_command_is_a_usage_error)
{
	struct run_result r;

	run_fdscope(&r, NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert_uint_eq(r.out_len, 0);
	ck_assert(strncmp(r.err, "Usage: fdscope ", 15) == 0);
	run_result_release(&r);
}
END_TEST

START_TEST(test_main_version_and_unknown_command)
{
	struct run_result r;

	run_fdscope(&r, "--version", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "fdscope " FDSCOPE_VERSION "\n");
	run_result_release(&r);
	run_fdscope(&r, "nosuch", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert_uint_eq(r.out_len, 0);
	ck_assert_str_eq(r.err, "fdscope: unknown command 'nosuch' (see "
			 "'fdscope --help')\n");
	run_result_release(&r);
}
END_TEST

Suite *main_suite(void)
{
	Suite *s = suite_create("main");
	TCase *tc = tcase_create("main");

	tcase_add_test(tc, test_main_without_command_is_a_usage_error);
	tcase_add_test(tc, test_main_version_and_unknown_command);
	suite_add_tcase(s, tc);
	return s;
}
