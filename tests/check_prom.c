/* out/prom: the Prometheus text format, label values escaped. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "out/prom.h"

static void family_and_samples(FILE *f)
{
	static const struct prom_label l[] = {
		{ "pid", "42" }, { "comm", "a\"b\\c\nd" },
	};

	prom_family(f, "fdscope_open_fds", "gauge", "Descriptors open.");
	prom_sample(f, "fdscope_open_fds", l, 2, false, 17);
	prom_sample(f, "fdscope_soft_limit", l, 1, true, 0);
	prom_sample_ll(f, "fdscope_x", NULL, 0, -5);
}

START_TEST(test_prom_exposition_text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert(f != NULL);
	family_and_samples(f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_str_eq(buf,
		"# HELP fdscope_open_fds Descriptors open.\n"
		"# TYPE fdscope_open_fds gauge\n"
		/* The one escaper first (a backslash doubled, a newline
		 * as \x0a), then the format's quoting of backslash and ". */
		"fdscope_open_fds{pid=\"42\",comm=\"a\\\"b\\\\\\\\c\\\\x0ad\"} 17\n"
		"fdscope_soft_limit{pid=\"42\"} +Inf\n"
		"fdscope_x -5\n");
	free(buf);
}
END_TEST

Suite *prom_suite(void)
{
	Suite *s = suite_create("prom");
	TCase *tc = tcase_create("prom");

	tcase_add_test(tc, test_prom_exposition_text);
	suite_add_tcase(s, tc);
	return s;
}
