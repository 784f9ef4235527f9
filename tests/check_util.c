/* Unit tests for util.c: the bounded number parsers every option goes
 * through, and the escaper for names and received bytes. */
#include <check.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

START_TEST(test_parse_ll_accepts_bounds)
{
	long long v;
	const char *why;

	ck_assert_int_eq(parse_ll("1", 1, 10, &v, &why), 0);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(parse_ll("10", 1, 10, &v, &why), 0);
	ck_assert_int_eq(v, 10);
	ck_assert_int_eq(parse_ll("-5", -10, 10, &v, &why), 0);
	ck_assert_int_eq(v, -5);
}
END_TEST

START_TEST(test_parse_ll_rejects_garbage_with_reason)
{
	static const struct {
		const char *in, *why;
	} cases[] = {
		{ "", "empty" }, { "abc", "not a whole number" },
		{ "1e3", "not a whole number" }, { " 1", "not a whole number" },
		{ "0x10", "not a whole number" }, { "11", "too large" },
		{ "0", "too small" }, { "-1", "too small" },
		{ "99999999999999999999", "too large" },
		{ "-99999999999999999999", "too small" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long long v = 42;
		const char *why = NULL;

		ck_assert_int_eq(parse_ll(cases[i].in, 1, 10, &v, &why), -1);
		ck_assert_str_eq(why, cases[i].why);
		ck_assert_int_eq(v, 42);
	}
}
END_TEST

START_TEST(test_parse_ull_full_range)
{
	unsigned long long v;
	const char *why;

	ck_assert_int_eq(parse_ull("18446744073709551615", 0, ULLONG_MAX, &v, &why), 0);
	ck_assert(v == ULLONG_MAX);
	ck_assert_int_eq(parse_ull("18446744073709551616", 0, ULLONG_MAX, &v, &why), -1);
	ck_assert_str_eq(why, "too large");
	ck_assert_int_eq(parse_ull("-1", 0, ULLONG_MAX, &v, &why), -1);
	ck_assert_str_eq(why, "negative");
}
END_TEST

START_TEST(test_parse_seconds_fraction_and_bounds)
{
	long long ms;
	const char *why;

	ck_assert_int_eq(parse_seconds_ms("2.5", 1, 3600000, &ms, &why), 0);
	ck_assert_int_eq(ms, 2500);
	ck_assert_int_eq(parse_seconds_ms("10", 1, 3600000, &ms, &why), 0);
	ck_assert_int_eq(ms, 10000);
	ck_assert_int_eq(parse_seconds_ms("0.001", 1, 3600000, &ms, &why), 0);
	ck_assert_int_eq(ms, 1);
	ck_assert_int_eq(parse_seconds_ms("0", 1, 3600000, &ms, &why), -1);
	ck_assert_str_eq(why, "too small");
	ck_assert_int_eq(parse_seconds_ms("-1", 1, 3600000, &ms, &why), -1);
	ck_assert_str_eq(why, "negative");
	ck_assert_int_eq(parse_seconds_ms("1.2345", 1, 3600000, &ms, &why), -1);
	ck_assert_int_eq(parse_seconds_ms("3601", 1, 3600000, &ms, &why), -1);
	ck_assert_str_eq(why, "too large");
	ck_assert_int_eq(parse_seconds_ms("1.", 1, 3600000, &ms, &why), -1);
	ck_assert_int_eq(parse_seconds_ms(".5", 1, 3600000, &ms, &why), -1);
}
END_TEST

START_TEST(test_xappendf_grows)
{
	char *s = NULL;
	size_t len = 0;
	int i;

	for (i = 0; i < 1000; i++)
		xappendf(&s, &len, "%d,", i);
	ck_assert_uint_eq(len, strlen(s));
	ck_assert(strncmp(s, "0,1,2,", 6) == 0);
	ck_assert(strcmp(s + len - 4, "999,") == 0);
	free(s);
}
END_TEST

Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_parse_ll_accepts_bounds);
	tcase_add_test(tc, test_parse_ll_rejects_garbage_with_reason);
	tcase_add_test(tc, test_parse_ull_full_range);
	tcase_add_test(tc, test_parse_seconds_fraction_and_bounds);
	suite_add_tcase(s, tc);
	tc = tcase_create("format");
	tcase_add_test(tc, test_xappendf_grows);
	suite_add_tcase(s, tc);
	return s;
}
