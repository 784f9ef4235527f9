/* The -Q evaluator: every operator on every type, the logic words and
 * symbols, parentheses, values that are missing or not known yet, and the
 * column where each kind of syntax error is reported. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query/filter.h"

enum { C_PID, C_NAME, C_DELETED, C_POS, C_LATE, NCOLS };

static const struct out_column cols[NCOLS] = {
	[C_PID] = { "PID", 5, 0, OUT_JSON_NUMBER, "" },
	[C_NAME] = { "NAME", 5, 0, OUT_JSON_STRING, "" },
	[C_DELETED] = { "DELETED", 1, 0, OUT_JSON_BOOLEAN, "" },
	[C_POS] = { "POS", 5, 0, OUT_JSON_NUMBER, "" },
	[C_LATE] = { "SOCK.PEER", 5, 0, OUT_JSON_STRING, "" },
};

struct row {
	const char *cell[NCOLS];
	bool late_unknown;	/* SOCK.PEER not collected yet */
};

static int get(const void *ctx, int col, char *buf, size_t len,
	       const char **val)
{
	const struct row *r = ctx;

	(void)buf;
	(void)len;
	if (col == C_LATE && r->late_unknown)
		return -1;
	*val = r->cell[col];
	return 0;
}

static const struct row row1 = {
	{ "1234", "/tmp/a b.txt", "yes", "18446744073709551615", "x" }, false
};

static enum filter_result eval_on(const char *expr, const struct row *r)
{
	struct filter_error fe;
	struct filter *f = filter_parse(expr, cols, NCOLS, &fe);
	enum filter_result res;

	ck_assert_msg(f != NULL, "'%s' rejected: %s at %zu", expr, fe.msg, fe.pos);
	res = filter_eval(f, get, r);
	filter_free(f);
	return res;
}

static void expect(const char *expr, enum filter_result want)
{
	enum filter_result got = eval_on(expr, &row1);

	ck_assert_msg(got == want, "'%s': got %d, want %d", expr, got, want);
}

START_TEST(test_filter_number_operators)
{
	expect("PID == 1234", FILTER_TRUE);
	expect("PID == 1235", FILTER_FALSE);
	expect("PID != 1235", FILTER_TRUE);
	expect("PID != 1234", FILTER_FALSE);
	expect("PID < 1235", FILTER_TRUE);
	expect("PID < 1234", FILTER_FALSE);
	expect("PID <= 1234", FILTER_TRUE);
	expect("PID <= 1233", FILTER_FALSE);
	expect("PID > 1233", FILTER_TRUE);
	expect("PID > 1234", FILTER_FALSE);
	expect("PID >= 1234", FILTER_TRUE);
	expect("PID >= 1235", FILTER_FALSE);
	expect("PID > -5", FILTER_TRUE);
	expect("-5 < PID", FILTER_TRUE);
	expect("PID == +1234", FILTER_TRUE);
	/* The whole 64-bit range, no overflow into negatives. */
	expect("POS == 18446744073709551615", FILTER_TRUE);
	expect("POS > 9223372036854775807", FILTER_TRUE);
	expect("POS > PID", FILTER_TRUE);
	expect("PID eq 1234 and PID ne 1 and PID lt 2000 and PID le 1234 and "
	       "PID gt 1 and PID ge 1234", FILTER_TRUE);
	expect("-3 < -2 && -2 > -3 && 0 == -0", FILTER_TRUE);
}
END_TEST

START_TEST(test_filter_string_operators_and_regex)
{
	expect("NAME == \"/tmp/a b.txt\"", FILTER_TRUE);
	expect("NAME == '/tmp/a b.txt'", FILTER_TRUE);
	expect("name == \"/tmp/A b.txt\"", FILTER_FALSE);
	expect("NAME != \"x\"", FILTER_TRUE);
	expect("NAME < \"/u\"", FILTER_TRUE);
	expect("NAME <= \"/tmp/a b.txt\"", FILTER_TRUE);
	expect("NAME > \"/tmp/a b.txtz\"", FILTER_FALSE);
	expect("NAME >= \"/a\"", FILTER_TRUE);
	expect("NAME =~ \"^/tmp/.* b\\\\.txt$\"", FILTER_TRUE);
	expect("NAME =~ \"^/var\"", FILTER_FALSE);
	expect("NAME !~ \"^/var\"", FILTER_TRUE);
	expect("NAME !~ \"txt\"", FILTER_FALSE);
	expect("\"a\\\"b\" == 'a\"b'", FILTER_TRUE);
}
END_TEST

START_TEST(test_filter_booleans_and_logic)
{
	expect("DELETED", FILTER_TRUE);
	expect("!DELETED", FILTER_FALSE);
	expect("not DELETED", FILTER_FALSE);
	expect("DELETED == true", FILTER_TRUE);
	expect("DELETED != false", FILTER_TRUE);
	expect("DELETED == false", FILTER_FALSE);
	expect("true", FILTER_TRUE);
	expect("false || true", FILTER_TRUE);
	expect("false or false", FILTER_FALSE);
	expect("true && false", FILTER_FALSE);
	expect("true and true", FILTER_TRUE);
	/* and binds tighter than or; parentheses override. */
	expect("true || true && false", FILTER_TRUE);
	expect("(true || true) && false", FILTER_FALSE);
	expect("!(PID == 1 or PID == 2)", FILTER_TRUE);
	expect("not not true", FILTER_TRUE);
	expect("((((PID == 1234))))", FILTER_TRUE);
}
END_TEST

START_TEST(test_filter_missing_and_unknown_values)
{
	struct row r = row1;

	/* A number that is not there: equal to nothing, different from all. */
	r.cell[C_POS] = NULL;
	ck_assert_int_eq(eval_on("POS == 0", &r), FILTER_FALSE);
	ck_assert_int_eq(eval_on("POS < 1", &r), FILTER_FALSE);
	ck_assert_int_eq(eval_on("POS != 0", &r), FILTER_TRUE);
	/* A string that is not there reads as the empty string. */
	r.cell[C_NAME] = NULL;
	ck_assert_int_eq(eval_on("NAME == \"\"", &r), FILTER_TRUE);
	r.cell[C_DELETED] = NULL;
	ck_assert_int_eq(eval_on("DELETED", &r), FILTER_FALSE);
	/* Not collected yet: decided without it when the rest decides. */
	r.late_unknown = true;
	ck_assert_int_eq(eval_on("SOCK.PEER == \"x\"", &r), FILTER_UNKNOWN);
	ck_assert_int_eq(eval_on("PID == 1 and SOCK.PEER == \"x\"", &r), FILTER_FALSE);
	ck_assert_int_eq(eval_on("SOCK.PEER == \"x\" and PID == 1", &r), FILTER_FALSE);
	ck_assert_int_eq(eval_on("PID == 1234 or SOCK.PEER == \"x\"", &r), FILTER_TRUE);
	ck_assert_int_eq(eval_on("PID == 1234 and SOCK.PEER == \"x\"", &r),
			 FILTER_UNKNOWN);
	ck_assert_int_eq(eval_on("not SOCK.PEER == \"x\"", &r), FILTER_UNKNOWN);
	r.late_unknown = false;
	ck_assert_int_eq(eval_on("PID == 1234 and SOCK.PEER == \"x\"", &r), FILTER_TRUE);
}
END_TEST

START_TEST(test_filter_uses_names_its_columns)
{
	struct filter_error fe;
	struct filter *f = filter_parse("pid > 1 or NAME =~ 'x'", cols, NCOLS, &fe);

	ck_assert_ptr_nonnull(f);
	ck_assert(filter_uses(f, C_PID));
	ck_assert(filter_uses(f, C_NAME));
	ck_assert(!filter_uses(f, C_DELETED));
	ck_assert(!filter_uses(f, -1));
	ck_assert(!filter_uses(NULL, C_PID));
	filter_free(f);
}
END_TEST

static void expect_error(const char *expr, size_t pos, const char *msg)
{
	struct filter_error fe;
	struct filter *f = filter_parse(expr, cols, NCOLS, &fe);

	ck_assert_msg(f == NULL, "'%s' accepted", expr);
	ck_assert_msg(fe.pos == pos, "'%s': error at %zu, want %zu (%s)", expr,
		      fe.pos, pos, fe.msg);
	ck_assert_msg(strstr(fe.msg, msg) != NULL, "'%s': '%s' lacks '%s'", expr,
		      fe.msg, msg);
}

START_TEST(test_filter_syntax_errors_point_at_the_column)
{
	expect_error("", 0, "empty expression");
	expect_error("   ", 3, "empty expression");
	expect_error("PID ==", 6, "expression ends");
	expect_error("PID = 1", 4, "'=' is not an operator");
	expect_error("PID == 1 & PID == 2", 9, "'&' alone");
	expect_error("NOSUCH == 1", 0, "unknown column 'NOSUCH'");
	expect_error("PID == \"1\"", 7, "cannot compare a number with a string");
	expect_error("NAME == 3", 8, "cannot compare a string with a number");
	expect_error("DELETED < true", 10, "booleans are compared with == and !=");
	expect_error("PID =~ \"1\"", 0, "=~ and !~ match strings");
	expect_error("NAME =~ NAME", 8, "quoted regular expression");
	expect_error("NAME =~ \"(\"", 8, "invalid regular expression");
	expect_error("NAME == \"abc", 8, "unterminated string");
	/* What glibc would compile only with unbounded memory. */
	expect_error("NAME =~ \"^b++++a\"", 8, "a repetition follows a repetition");
	expect_error("NAME =~ \"a*{2}\"", 8, "a repetition follows a repetition");
	expect("NAME =~ \"[+*]+\\\\+?\"", FILTER_FALSE);
	expect_error("(PID == 1", 9, "')' was expected (to close the '(' at column 1)");
	expect_error("PID == 1)", 8, "')' without '('");
	expect_error("PID == 1 PID == 2", 9, "'and', 'or' or the end");
	expect_error("PID", 0, "a number is not a condition");
	expect_error("PID == 12x", 7, "invalid number");
	expect_error("PID == 99999999999999999999", 7, "invalid number");
	expect_error("PID == 1 and", 12, "expression ends");
	expect_error("PID == ;", 7, "unexpected character");
	expect_error("not", 3, "expression ends");
}
END_TEST

START_TEST(test_filter_nesting_is_bounded)
{
	char expr[1024];
	size_t i, n = 0;

	for (i = 0; i < 150; i++)
		expr[n++] = '(';
	strcpy(expr + n, "true");
	n += 4;
	for (i = 0; i < 150; i++)
		expr[n++] = ')';
	expr[n] = '\0';
	expect_error(expr, 100, "nested more than 100 deep");
	for (n = 0; n < 300; n++)
		expr[n] = '!';
	strcpy(expr + n, "true");
	expect_error(expr, 100, "nested more than 100 deep");
	/* 100 is allowed. */
	for (n = 0; n < 100; n++)
		expr[n] = '!';
	strcpy(expr + n, "true");
	expect(expr, FILTER_TRUE);
}
END_TEST

START_TEST(test_filter_error_caret_under_the_column)
{
	struct filter_error fe;
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	ck_assert_ptr_null(filter_parse("PID == 1 && \x1b[31m", cols, NCOLS, &fe));
	filter_print_error(fp, "invalid -Q expression", "PID == 1 && \x1b[31m", &fe);
	fclose(fp);
	/* The escape byte is shown as \x1b, and the caret moves with it. */
	ck_assert_str_eq(text, "fdscope: invalid -Q expression: unexpected "
			 "character at column 13\n"
			 "  PID == 1 && \\x1b[31m\n"
			 "              ^\n");
	free(text);
}
END_TEST

Suite *filter_suite(void)
{
	Suite *s = suite_create("filter");
	TCase *tc = tcase_create("unit");

	tcase_add_test(tc, test_filter_number_operators);
	tcase_add_test(tc, test_filter_string_operators_and_regex);
	tcase_add_test(tc, test_filter_booleans_and_logic);
	tcase_add_test(tc, test_filter_missing_and_unknown_values);
	tcase_add_test(tc, test_filter_uses_names_its_columns);
	tcase_add_test(tc, test_filter_syntax_errors_point_at_the_column);
	tcase_add_test(tc, test_filter_nesting_is_bounded);
	tcase_add_test(tc, test_filter_error_caret_under_the_column);
	suite_add_tcase(s, tc);
	return s;
}
