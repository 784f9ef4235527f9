/* What the user typed never reaches the terminal raw: every message that
 * echoes an argument (a stray operand, an option value, a host, a path)
 * escapes it, so that it stays one line and cannot drive the terminal. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* An erase-screen sequence and a line break that would forge a second
 * message if either reached stderr as it is. */
#define HOSTILE "\x1b[2J\nfdscope: forged"
#define HOSTILE_ESCAPED "\\x1b[2J\\x0afdscope: forged"

struct hostile_case {
	int status;
	const char *argv[8];	/* NULL after the last */
};

/* One line, with no byte below 0x20 except its final newline, and the
 * argument in its escaped form. */
static void assert_one_clean_line(const struct hostile_case *c,
				  const struct run_result *r)
{
	size_t i;

	ck_assert_msg(r->status == c->status, "fdscope %s %s: status %d, "
		      "expected %d: %s", c->argv[0], c->argv[1], r->status,
		      c->status, r->err);
	ck_assert_msg(r->err_len > 0 && r->err[r->err_len - 1] == '\n',
		      "fdscope %s: stderr does not end with a newline",
		      c->argv[0]);
	for (i = 0; i + 1 < r->err_len; i++)
		ck_assert_msg((unsigned char)r->err[i] >= 0x20, "fdscope %s %s: "
			      "byte 0x%02x at offset %zu of stderr: %s",
			      c->argv[0], c->argv[1], (unsigned char)r->err[i],
			      i, r->err);
	ck_assert_msg(strstr(r->err, HOSTILE_ESCAPED) != NULL, "fdscope %s "
		      "%s: the argument is not shown escaped: %s", c->argv[0],
		      c->argv[1], r->err);
	ck_assert_msg(memchr(r->out, '\x1b', r->out_len) == NULL,
		      "fdscope %s: ESC on stdout", c->argv[0]);
}

static void run_case(const struct hostile_case *c)
{
	const char *const *a = c->argv;
	struct run_result r;

	/* run_fdscope stops at the first NULL: the unused slots are NULL. */
	run_fdscope(&r, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7],
		    (const char *)NULL);
	assert_one_clean_line(c, &r);
	run_result_release(&r);
}

START_TEST(test_stray_operand_is_escaped)
{
	static const char *const cmds[] = {
		"alloc", "recycle", "exhaust", "tables", "demo", "exchange",
		"serve",
	};
	struct hostile_case c = { 2, { NULL } };
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		c.argv[0] = cmds[i];
		c.argv[1] = HOSTILE;
		c.argv[2] = NULL;
		run_case(&c);
	}
}
END_TEST

START_TEST(test_option_values_are_escaped)
{
	static const struct hostile_case cases[] = {
		{ 2, { "exchange", "--proto", HOSTILE } },
		{ 2, { "exchange", "--port", HOSTILE } },
		{ 2, { "serve", "--proto", HOSTILE } },
		{ 2, { "serve", "--port", HOSTILE } },
		{ 2, { "serve", "--timeout", HOSTILE } },
		{ 2, { "connect", "--proto", HOSTILE, "127.0.0.1", "1" } },
		{ 2, { "connect", "127.0.0.1", HOSTILE } },
		{ 2, { "exhaust", "--limit", HOSTILE } },
		{ 2, { "open", HOSTILE } },
		{ 2, { "open", "--hold=" HOSTILE, "null" } },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
}
END_TEST

/* Runtime failures that name what the user gave: a host that does not
 * resolve, a socket path that does not exist or cannot be one. */
START_TEST(test_hosts_and_paths_are_escaped)
{
	static const struct hostile_case cases[] = {
		{ 1, { "connect", HOSTILE, "1" } },
		{ 1, { "serve", "--host", HOSTILE, "--port", "0" } },
		{ 1, { "connect", "--unix", "/nonexistent/" HOSTILE } },
		{ 1, { "serve", "--path", "/nonexistent/" HOSTILE } },
		{ 1, { "serve", "--path", "/nonexistent/" HOSTILE
		       "................................................"
		       "................................................" } },
		{ 1, { "connect", "--unix", "/nonexistent/" HOSTILE
		       "................................................"
		       "................................................" } },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
}
END_TEST

/* Paths from the environment, echoed when they cannot be used: a TMPDIR
 * under which no private directory can be made (every demo), and a
 * FDSCOPE_PROC_ROOT that cannot be read. */
START_TEST(test_environment_paths_are_escaped)
{
	static const struct hostile_case tmpdir_cases[] = {
		{ 1, { "open", "file" } },
		{ 1, { "open", "fifo" } },
		{ 1, { "open", "--hold=1", "null" } },
		{ 1, { "alloc" } },
		{ 1, { "recycle" } },
		{ 1, { "tables" } },
		{ 1, { "demo" } },
	};
	static const struct hostile_case root_cases[] = {
		{ 1, { "list", "-a" } },
		{ 1, { "metrics" } },
	};
	size_t i;

	setenv("TMPDIR", "/nonexistent/" HOSTILE, 1);
	for (i = 0; i < sizeof(tmpdir_cases) / sizeof(tmpdir_cases[0]); i++)
		run_case(&tmpdir_cases[i]);
	unsetenv("TMPDIR");
	setenv("FDSCOPE_PROC_ROOT", "/nonexistent/" HOSTILE, 1);
	for (i = 0; i < sizeof(root_cases) / sizeof(root_cases[0]); i++)
		run_case(&root_cases[i]);
	unsetenv("FDSCOPE_PROC_ROOT");
}
END_TEST

/* list's arguments that name something: a column, a user, a descriptor
 * list, a path to look up or search under, a shell, a limit. */
START_TEST(test_list_and_other_arguments_are_escaped)
{
	static const struct hostile_case cases[] = {
		{ 2, { "list", "-o", HOSTILE } },
		{ 2, { "list", "-J", "-o", HOSTILE } },
		{ 2, { "list", "-u", HOSTILE } },
		{ 2, { "list", "-d", HOSTILE } },
		{ 1, { "list", "-t", HOSTILE } },
		{ 1, { "list", "-i", HOSTILE } },
		{ 2, { "list", "--under", HOSTILE } },
		{ 1, { "list", "/nonexistent/" HOSTILE } },
		{ 2, { "limits", "--set", HOSTILE } },
		{ 2, { "exec", "--allow", HOSTILE, "--", "true" } },
		{ 2, { "completion", HOSTILE } },
		{ 2, { "demo", HOSTILE } },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
}
END_TEST

Suite *escaping_suite(void)
{
	Suite *s = suite_create("escaping");
	TCase *tc = tcase_create("messages");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_stray_operand_is_escaped);
	tcase_add_test(tc, test_option_values_are_escaped);
	tcase_add_test(tc, test_hosts_and_paths_are_escaped);
	tcase_add_test(tc, test_environment_paths_are_escaped);
	tcase_add_test(tc, test_list_and_other_arguments_are_escaped);
	suite_add_tcase(s, tc);
	return s;
}
