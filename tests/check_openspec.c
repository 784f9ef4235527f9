/* The SPEC table of `fdscope open` (src/teach/openspec.c): every name of
 * the table parses to its kind, only the documented forms are accepted,
 * and the help, the usage error and completion all come from the table. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "teach/openspec.h"
#include "testutil.h"

START_TEST(test_every_table_name_parses_to_its_kind)
{
	struct open_spec sp;
	char buf[64];
	size_t i;

	for (i = 0; i < open_nspecs; i++) {
		const struct open_spec_info *in = &open_specs[i];

		switch (in->args) {
		case OPEN_ARGS_NONE:
		case OPEN_ARGS_PATH_OPT:
			snprintf(buf, sizeof(buf), "%s", in->name);
			break;
		case OPEN_ARGS_FD:
			snprintf(buf, sizeof(buf), "%s:3", in->name);
			break;
		case OPEN_ARGS_FD_FD:
			snprintf(buf, sizeof(buf), "%s:3:40", in->name);
			break;
		}
		ck_assert_msg(open_spec_parse(buf, &sp) == 0, "'%s' refused", buf);
		ck_assert_int_eq(sp.kind, in->kind);
		ck_assert_ptr_null(sp.path);
		/* A value where none is taken is refused. */
		if (in->args == OPEN_ARGS_NONE) {
			snprintf(buf, sizeof(buf), "%s:x", in->name);
			ck_assert_msg(open_spec_parse(buf, &sp) < 0, "'%s' taken", buf);
		}
	}
}
END_TEST

START_TEST(test_spec_values)
{
	struct open_spec sp;
	const char *path = "file:/etc/hostname";

	ck_assert_int_eq(open_spec_parse(path, &sp), 0);
	ck_assert_int_eq(sp.kind, OPEN_FILE);
	ck_assert_ptr_eq(sp.path, path + 5);
	ck_assert_int_eq(open_spec_parse("dir:/tmp", &sp), 0);
	ck_assert_str_eq(sp.path, "/tmp");
	ck_assert_int_eq(open_spec_parse("dup:0", &sp), 0);
	ck_assert_int_eq(sp.fd, 0);
	ck_assert_int_eq(open_spec_parse("dup2:1:2147483647", &sp), 0);
	ck_assert_int_eq(sp.kind, OPEN_DUP2);
	ck_assert_int_eq(sp.fd, 1);
	ck_assert_int_eq(sp.newfd, 2147483647);
	/* A path may hold colons: only the first one ends the name. */
	ck_assert_int_eq(open_spec_parse("file:a:b", &sp), 0);
	ck_assert_str_eq(sp.path, "a:b");
}
END_TEST

static const char *const refused[] = {
	"", ":", "nosuch", "file:", "dir:", "dup", "dup:", "dup:x", "dup:-1",
	"dup:2147483648", "dup:1:2", "dup2", "dup2:1", "dup2:1:", "dup2::1",
	"dup2:1:2:3", "dup2:a:b", "TCP", "tcp ", " tcp", "unix-", "file\n",
};

START_TEST(test_spec_refused)
{
	struct open_spec sp;

	ck_assert_msg(open_spec_parse(refused[_i], &sp) < 0, "'%s' accepted",
		      refused[_i]);
}
END_TEST

START_TEST(test_synopsis_help_and_words_follow_the_table)
{
	const char *syn = open_spec_synopsis();
	const char *const *words = open_spec_words();
	char *help = NULL, *line;
	size_t len = 0, i;
	FILE *f = open_memstream(&help, &len);

	ck_assert(f != NULL);
	open_spec_help(f);
	ck_assert(fclose(f) == 0);
	for (i = 0; i < open_nspecs; i++) {
		ck_assert_msg(strstr(syn, open_specs[i].name) != NULL, "%s",
			      open_specs[i].name);
		ck_assert(strstr(help, open_specs[i].help) != NULL);
		ck_assert_ptr_nonnull(words[i]);
		ck_assert(strncmp(words[i], open_specs[i].name,
				  strlen(open_specs[i].name)) == 0);
	}
	ck_assert_ptr_null(words[open_nspecs]);
	ck_assert(strstr(syn, "file[:PATH]") != NULL);
	ck_assert(strstr(syn, "dup2:FD:NEWFD") != NULL);
	/* One line per SPEC, within 80 columns. */
	for (i = 0, line = help; *line; i++) {
		char *eol = strchr(line, '\n');

		ck_assert(eol != NULL && eol - line <= 80);
		line = eol + 1;
	}
	ck_assert_uint_eq(i, open_nspecs);
	free(help);
}
END_TEST

/* The usage error and --help of the command show the table's list. */
START_TEST(test_open_usage_error_lists_the_table)
{
	struct run_result r;
	size_t i;

	run_fdscope(&r, "open", "nosuch", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert(strstr(r.err, open_spec_synopsis()) != NULL);
	ck_assert_uint_eq(r.out_len, 0);
	run_result_release(&r);
	run_fdscope(&r, "open", "--help", NULL);
	ck_assert_int_eq(r.status, 0);
	for (i = 0; i < open_nspecs; i++)
		ck_assert_msg(strstr(r.out, open_specs[i].help) != NULL, "%s",
			      open_specs[i].name);
	run_result_release(&r);
}
END_TEST

Suite *openspec_suite(void)
{
	Suite *s = suite_create("openspec");
	TCase *unit = tcase_create("unit"), *tc = tcase_create("integration");

	tcase_add_test(unit, test_every_table_name_parses_to_its_kind);
	tcase_add_test(unit, test_spec_values);
	tcase_add_loop_test(unit, test_spec_refused, 0,
			    (int)(sizeof(refused) / sizeof(refused[0])));
	tcase_add_test(unit, test_synopsis_help_and_words_follow_the_table);
	suite_add_tcase(s, unit);
	tcase_add_test(tc, test_open_usage_error_lists_the_table);
	suite_add_tcase(s, tc);
	return s;
}
