/* Unit tests for util.c: the bounded number parsers every option goes
 * through, and the escaper for names and received bytes. */
#include <check.h>
#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>
#include <malloc.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

/* text_put cuts as snprintf does into the same buffer: the pieces of
 * "TCP 1.2.3.4:5 -> socket:[123]" for every buffer length. */
START_TEST(test_text_put_cuts_as_snprintf)
{
	size_t len;

	for (len = 0; len < 40; len++) {
		char want[40], got[40];
		size_t at;

		memset(want, 'x', sizeof(want));
		memset(got, 'x', sizeof(got));
		if (len > 0)
			snprintf(want, len, "%s %s -> socket:[%llu]", "TCP",
				 "1.2.3.4:5", 123ULL);
		at = text_put(got, len, 0, "TCP");
		at = text_put(got, len, at, " ");
		at = text_put(got, len, at, "1.2.3.4:5");
		at = text_put(got, len, at, " -> socket:[");
		at = text_put_ull(got, len, at, 123);
		at = text_put(got, len, at, "]");
		if (len == 0) {
			ck_assert_uint_eq(at, 0);
			ck_assert_int_eq(got[0], 'x');	/* nothing written */
			continue;
		}
		ck_assert_str_eq(got, want);
		ck_assert_uint_eq(at, strlen(want));
	}
}
END_TEST

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

/* Appending keeps its capacity: the allocation changes size a handful of
 * times over 1000 appends, where a realloc per call would change it at
 * nearly every one. */
START_TEST(test_xappendf_grows_geometrically)
{
	char *s = xstrdup("start:");
	size_t len = strlen(s), last = 0, changes = 0;
	int i;

	for (i = 0; i < 1000; i++) {
		xappendf(&s, &len, "%d,", i);
		if (malloc_usable_size(s) != last) {
			last = malloc_usable_size(s);
			changes++;
		}
	}
	ck_assert_uint_eq(len, strlen(s));
	ck_assert(strncmp(s, "start:0,1,", 10) == 0);
	ck_assert_msg(changes <= 16, "capacity changed %zu times", changes);
	free(s);
}
END_TEST

static char *format_twice(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvformat(fmt, ap);
	va_end(ap);
	return s;
}

START_TEST(test_xvformat_long_text)
{
	char *s = format_twice("%s=%05d/%.3s", "key", 42, "abcdef");
	char *big = format_twice("%8000d|", 7);

	ck_assert_str_eq(s, "key=00042/abc");
	ck_assert_uint_eq(strlen(big), 8001);
	ck_assert_str_eq(big + 7999, "7|");
	free(s);
	free(big);
}
END_TEST

/* The worker allocators and the test hook: N succeed, then every one
 * fails with ENOMEM.  In a child: the hook is read once per process. */
START_TEST(test_try_alloc_hook_fails_after_n)
{
	pid_t pid = fork();
	int status;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		void *a, *b, *c, *d;
		bool ok;

		setenv("FDSCOPE_FAIL_ALLOC_AFTER", "2", 1);
		a = try_malloc(10);
		b = try_realloc(NULL, 20);
		errno = 0;
		c = try_calloc(2, 8);
		ok = a && b && c == NULL && errno == ENOMEM;
		d = try_malloc(1);
		ok = ok && d == NULL && try_alloc_fails();
		free(a);
		free(b);
		_exit(ok ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	/* Without the hook nothing fails. */
	unsetenv("FDSCOPE_FAIL_ALLOC_AFTER");
	ck_assert(!try_alloc_fails());
}
END_TEST

/* The one digit scanner under every parser of kernel text. */
START_TEST(test_scan_ull_bases_ends_and_overflow)
{
	unsigned long long v = 0;
	const char *s = "0755x", *e;

	e = scan_ull(s, NULL, 8, &v);
	ck_assert_ptr_eq(e, s + 4);
	ck_assert_uint_eq(v, 0755);
	/* 8 is not an octal digit: the scan stops there. */
	e = scan_ull("178", NULL, 8, &v);
	ck_assert_uint_eq(v, 017);
	ck_assert_str_eq(e, "8");
	/* Bounded by end, not by the NUL. */
	e = scan_ull("123456", NULL, 10, &v);
	ck_assert_uint_eq(v, 123456);
	ck_assert_str_eq(e, "");
	s = "123456";
	e = scan_ull(s, s + 3, 10, &v);
	ck_assert_ptr_eq(e, s + 3);
	ck_assert_uint_eq(v, 123);
	e = scan_ull("18446744073709551615]", NULL, 10, &v);
	ck_assert_str_eq(e, "]");
	ck_assert_uint_eq(v, 18446744073709551615ULL);
	ck_assert_ptr_null(scan_ull("18446744073709551616", NULL, 10, &v));
	ck_assert_ptr_null(scan_ull("18446744073709551620", NULL, 10, &v));
	ck_assert_ptr_null(scan_ull("99999999999999999999", NULL, 10, &v));
	/* Octal (fdinfo's flags): the largest value, and one more. */
	e = scan_ull("1777777777777777777777", NULL, 8, &v);
	ck_assert_str_eq(e, "");
	ck_assert_uint_eq(v, 18446744073709551615ULL);
	ck_assert_ptr_null(scan_ull("2000000000000000000000", NULL, 8, &v));
	e = scan_ull("02000002 9", NULL, 8, &v);
	ck_assert_str_eq(e, " 9");
	ck_assert_uint_eq(v, 02000002);
	ck_assert_ptr_null(scan_ull("x1", NULL, 10, &v));
	ck_assert_ptr_null(scan_ull("", NULL, 10, &v));
	ck_assert_ptr_null(scan_ull("-1", NULL, 10, &v));
}
END_TEST

START_TEST(test_is_decimal)
{
	ck_assert(is_decimal("0", false));
	ck_assert(is_decimal("-12", true));
	ck_assert(is_decimal("+12", true));
	ck_assert(!is_decimal("-12", false));
	ck_assert(!is_decimal("-", true));
	ck_assert(!is_decimal("", false));
	ck_assert(!is_decimal("1 ", false));
	ck_assert(!is_decimal("0x1", false));
}
END_TEST

/* The edges of long long through the one scanner. */
START_TEST(test_parse_ll_extremes)
{
	long long v;
	const char *why;

	ck_assert_int_eq(parse_ll("9223372036854775807", LLONG_MIN, LLONG_MAX,
				  &v, &why), 0);
	ck_assert(v == LLONG_MAX);
	ck_assert_int_eq(parse_ll("-9223372036854775808", LLONG_MIN, LLONG_MAX,
				  &v, &why), 0);
	ck_assert(v == LLONG_MIN);
	ck_assert_int_eq(parse_ll("+7", 0, 10, &v, &why), 0);
	ck_assert_int_eq(v, 7);
	ck_assert_int_eq(parse_ll("9223372036854775808", LLONG_MIN, LLONG_MAX,
				  &v, &why), -1);
	ck_assert_str_eq(why, "too large");
	ck_assert_int_eq(parse_ll("-9223372036854775809", LLONG_MIN, LLONG_MAX,
				  &v, &why), -1);
	ck_assert_str_eq(why, "too small");
	ck_assert_int_eq(parse_ll("-99999999999999999999999", LLONG_MIN,
				  LLONG_MAX, &v, &why), -1);
	ck_assert_str_eq(why, "too small");
	ck_assert_int_eq(parse_ll("-5", 0, 10, &v, &why), -1);
	ck_assert_str_eq(why, "too small");
	ck_assert_int_eq(parse_ll("11", 0, 10, &v, &why), -1);
	ck_assert_str_eq(why, "too large");
}
END_TEST

Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_text_put_cuts_as_snprintf);
	tcase_add_test(tc, test_parse_ll_accepts_bounds);
	tcase_add_test(tc, test_parse_ll_rejects_garbage_with_reason);
	tcase_add_test(tc, test_parse_ull_full_range);
	tcase_add_test(tc, test_parse_seconds_fraction_and_bounds);
	tcase_add_test(tc, test_scan_ull_bases_ends_and_overflow);
	tcase_add_test(tc, test_is_decimal);
	tcase_add_test(tc, test_parse_ll_extremes);
	suite_add_tcase(s, tc);
	tc = tcase_create("format");
	tcase_add_test(tc, test_xappendf_grows);
	tcase_add_test(tc, test_xappendf_grows_geometrically);
	tcase_add_test(tc, test_xvformat_long_text);
	tcase_add_test(tc, test_try_alloc_hook_fails_after_n);
	suite_add_tcase(s, tc);
	return s;
}
