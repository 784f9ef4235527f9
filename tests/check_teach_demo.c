/* The demo helpers (src/teach/demo.c): call texts show strings the way C
 * writes them, so that a name with a newline or a quote reads as one
 * literal. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "teach/demo.h"
#include "testutil.h"

static void assert_c_string(const char *in, size_t len, const char *want)
{
	char *got = demo_c_string(in, len);

	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(test_c_string_escapes)
{
	assert_c_string("plain", 5, "plain");
	assert_c_string("", 0, "");
	assert_c_string("a\nb", 3, "a\\nb");
	assert_c_string("tab\there", 8, "tab\\there");
	assert_c_string("say \"hi\"", 8, "say \\\"hi\\\"");
	/* Only len bytes are read. */
	assert_c_string("cut here", 3, "cut");
	/* A control byte never comes out raw. */
	{
		char *got = demo_c_string("\033[2J", 4);

		ck_assert(strchr(got, '\033') == NULL);
		ck_assert(strstr(got, "[2J") != NULL);
		free(got);
	}
}
END_TEST

Suite *teach_demo_suite(void)
{
	Suite *s = suite_create("teach_demo");
	TCase *tc = tcase_create("helpers");

	tcase_add_test(tc, test_c_string_escapes);
	suite_add_tcase(s, tc);
	return s;
}
