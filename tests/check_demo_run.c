/* cmd/demo_run: the shared run of the demos that take only -J, -q and
 * -h (alloc, recycle, exhaust's siblings): the options parsed once, the
 * same for each, and -q leaving only the calls. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "cliexit.h"

/* The results of the call lines ("name(...) = RET"), in order, joined;
 * the paths inside the calls differ between runs (temporary names). */
static void call_results(const char *out, char *buf, size_t len)
{
	const char *p, *eol;
	size_t n = 0;

	buf[0] = '\0';
	for (p = out; (eol = strchr(p, '\n')) != NULL; p = eol + 1) {
		const char *eq = NULL, *q;

		if (*p < 'a' || *p > 'z')
			continue;
		for (q = p; q + 4 <= eol; q++)
			if (strncmp(q, ") = ", 4) == 0)
				eq = q + 4;
		if (eq && n + (size_t)(eol - eq) + 2 < len)
			n += (size_t)snprintf(buf + n, len - n, "%.*s;",
					      (int)(eol - eq), eq);
	}
}

/* -q: calls and results only.  The quiet run makes the same calls with
 * the same results as the narrated one, and says less. */
START_TEST(test_demo_run_quiet_keeps_the_calls)
{
	struct run_result full, quiet;
	char a[2048], b[2048];

	run_fdscope(&full, "recycle", NULL);
	run_fdscope(&quiet, "recycle", "-q", NULL);
	ck_assert_int_eq(full.status, 0);
	ck_assert_int_eq(quiet.status, 0);
	ck_assert_uint_lt(quiet.out_len, full.out_len);
	call_results(full.out, a, sizeof(a));
	call_results(quiet.out, b, sizeof(b));
	ck_assert_msg(strlen(b) > 10, "no calls in: %s", quiet.out);
	ck_assert_str_eq(a, b);
	run_result_release(&full);
	run_result_release(&quiet);
}
END_TEST

static const char *const exit_cases[][4] = {
	{ "alloc", "-h" },
	{ "recycle", "-V" },
	{ "alloc", "-x" },
	{ "recycle", "-J", "extra" },
	{ "alloc", "--json=x" },
};
static const int exit_status[] = { 0, 0, 2, 2, 2 };

START_TEST(test_demo_run_exit_status)
{
	cli_exit_with(exit_cases[_i]);
}
END_TEST

Suite *demo_run_suite(void)
{
	Suite *s = suite_create("demo_run");
	TCase *tc = tcase_create("demo_run");
	size_t i;

	tcase_add_test(tc, test_demo_run_quiet_keeps_the_calls);
	for (i = 0; i < sizeof(exit_status) / sizeof(exit_status[0]); i++)
		tcase_add_loop_exit_test(tc, test_demo_run_exit_status,
					 exit_status[i], (int)i, (int)i + 1);
	suite_add_tcase(s, tc);
	return s;
}
