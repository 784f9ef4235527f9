/* out/jsonw: JSON written by hand for nested reports, strings through
 * the one escaper and then JSON's quoting, never twice. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "out/jsonw.h"

static char *written(void (*write)(FILE *f))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert(f != NULL);
	write(f);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

static void an_object(FILE *f)
{
	fputc('{', f);
	jsonw_kv_str(f, 1, "name", "a \"b\"\\c\n");
	jsonw_kv_ll(f, 0, "fd", -3);
	jsonw_kv_str(f, 0, "none", NULL);
	fputc('}', f);
}

static void escaped_once(FILE *f)
{
	jsonw_escaped(f, "x\\ny");
}

START_TEST(test_jsonw_object_quoting)
{
	char *s = written(an_object);

	/* JSON's own escapes, once: a quote, a backslash, a control byte. */
	ck_assert_str_eq(s, "{\"name\":\"a \\\"b\\\"\\\\c\\u000a\",\"fd\":-3,"
			 "\"none\":null}");
	free(s);
	/* A backslash the escaper already wrote gets JSON's quoting once. */
	s = written(escaped_once);
	ck_assert_str_eq(s, "\"x\\\\ny\"");
	free(s);
}
END_TEST

Suite *jsonw_suite(void)
{
	Suite *s = suite_create("jsonw");
	TCase *tc = tcase_create("jsonw");

	tcase_add_test(tc, test_jsonw_object_quoting);
	suite_add_tcase(s, tc);
	return s;
}
