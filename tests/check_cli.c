/* The dispatcher (src/cli/cli.c): exact command names, suggestions for a
 * mistyped one, -V/--version and -h/--help after every command, help
 * texts that fit 80 columns with aligned option columns, -J over -r,
 * colour only on a terminal, and the exit status of out-of-range values. */
#include <check.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/command.h"
#include "cliexit.h"
#include "testutil.h"

START_TEST(test_find_command_is_exact)
{
	ck_assert_ptr_eq(cli_find_command("list"), &cmd_list);
	ck_assert_ptr_eq(cli_find_command("completion"), &cmd_completion);
	/* A unique prefix is not the command. */
	ck_assert_ptr_null(cli_find_command("lis"));
	ck_assert_ptr_null(cli_find_command("exh"));
	ck_assert_ptr_null(cli_find_command("LIST"));
	ck_assert_ptr_null(cli_find_command(""));
}
END_TEST

START_TEST(test_suggest_command)
{
	ck_assert_ptr_eq(cli_suggest_command("lst"), &cmd_list);
	ck_assert_ptr_eq(cli_suggest_command("lsit"), &cmd_list);	/* swap */
	ck_assert_ptr_eq(cli_suggest_command("tabels"), &cmd_tables);
	ck_assert_ptr_eq(cli_suggest_command("limts"), &cmd_limits);
	ck_assert_ptr_eq(cli_suggest_command("exh"), &cmd_exhaust);	/* prefix */
	ck_assert_ptr_eq(cli_suggest_command("lim"), &cmd_limits);
	ck_assert_ptr_eq(cli_suggest_command("srve"), &cmd_serve);
	ck_assert_ptr_null(cli_suggest_command("xyzzy"));
	ck_assert_ptr_null(cli_suggest_command("l"));
	ck_assert_ptr_null(cli_suggest_command(
		"a-name-far-longer-than-any-command-name-is"));
}
END_TEST

/* ---- exit statuses, pinned by Check ----------------------------------- */

/* Out-of-range and malformed values of every command's options, and
 * mistyped commands: each is a usage error, 2. */
static const char *const usage_cases[][8] = {
	{ "lst" },
	{ "lis" },
	{ "help", "nosuch" },
	{ "help", "list", "extra" },
	{ "list", "-p", "0" },
	{ "list", "-p", "2147483648" },
	{ "list", "-p", "1,x" },
	{ "list", "-p", "" },
	{ "list", "-p", " , " },
	{ "limits", "-p", "0" },
	{ "limits", "-p", "-1" },
	{ "limits", "-p", "1,2" },
	{ "limits", "--set", "-1" },
	{ "limits", "--set", ":-1" },
	{ "limits", "--set", ":" },
	{ "limits", "--set", "18446744073709551616" },
	{ "exhaust", "--limit", "0" },
	{ "exhaust", "--limit", "1025" },
	{ "exhaust", "--limit", "-3" },
	{ "serve", "--port", "65536" },
	{ "serve", "--port", "-1" },
	{ "serve", "-p", "65536" },
	{ "serve", "--max-clients", "0" },
	{ "serve", "--max-clients", "1000001" },
	{ "serve", "--max-bytes", "0" },
	{ "serve", "--max-bytes", "1099511627777" },
	{ "serve", "--timeout", "0" },
	{ "serve", "--timeout", "86401" },
	{ "exchange", "--port", "65536" },
	{ "exchange", "--port", "-1" },
	{ "connect", "127.0.0.1", "65536" },
	{ "connect", "127.0.0.1", "0" },
	{ "connect", "127.0.0.1", "1", "--timeout", "0" },
	{ "connect", "127.0.0.1", "1", "--timeout", "86401" },
	{ "open", "--hold=0", "null" },
	{ "open", "--hold=86401", "null" },
	{ "open", "dup:2147483648" },
	{ "completion" },
	{ "completion", "tcsh" },
	{ "completion", "bash", "zsh" },
};

START_TEST(test_usage_errors_exit_2)
{
	cli_exit_with(usage_cases[_i]);
}
END_TEST

static const char *const ok_cases[][4] = {
	{ "list", "-V" },
	{ "serve", "--version" },
	{ "help", "--help" },
	{ "help", "-h" },
	{ "help", "list" },
	{ "completion", "bash" },
	{ "completion", "fish" },
	{ "open", "-V", "nosuch" },	/* -V first: nothing else is read */
};

START_TEST(test_version_and_help_exit_0)
{
	cli_exit_with(ok_cases[_i]);
}
END_TEST

/* ---- the built binary --------------------------------------------------- */

START_TEST(test_mistyped_command_gets_a_suggestion)
{
	struct run_result r;

	run_fdscope(&r, "lst", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert_str_eq(r.err, "fdscope: unknown command 'lst'; did you mean "
			 "'list'? (see 'fdscope --help')\n");
	ck_assert_uint_eq(r.out_len, 0);
	run_result_release(&r);
	/* A prefix runs nothing: it is only suggested. */
	run_fdscope(&r, "exh", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert(strstr(r.err, "did you mean 'exhaust'?") != NULL);
	ck_assert_uint_eq(r.out_len, 0);
	run_result_release(&r);
	run_fdscope(&r, "xyzzy", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert_str_eq(r.err, "fdscope: unknown command 'xyzzy' (see 'fdscope "
			 "--help')\n");
	run_result_release(&r);
	run_fdscope(&r, "help", "lsit", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert(strstr(r.err, "did you mean 'list'?") != NULL);
	ck_assert(strstr(r.err, "see 'fdscope --help'") != NULL);
	run_result_release(&r);
}
END_TEST

START_TEST(test_version_after_every_command)
{
	char want[64];
	size_t i;

	snprintf(want, sizeof(want), "fdscope %s\n", FDSCOPE_VERSION);
	for (i = 0; cli_commands[i]; i++) {
		const char *name = cli_commands[i]->name;
		struct run_result r;

		run_fdscope(&r, name, "-V", NULL);
		ck_assert_msg(r.status == 0, "%s -V: %d %s", name, r.status, r.err);
		ck_assert_str_eq(r.out, want);
		run_result_release(&r);
		run_fdscope(&r, name, "--version", NULL);
		ck_assert_msg(r.status == 0, "%s --version: %d", name, r.status);
		ck_assert_str_eq(r.out, want);
		run_result_release(&r);
		/* An error before it is reported first, as getopt reads. */
		run_fdscope(&r, name, "--no-such-option", "-V", NULL);
		ck_assert_msg(r.status == 2, "%s --no-such-option -V: %d", name,
			      r.status);
		ck_assert_uint_eq(r.out_len, 0);
		run_result_release(&r);
	}
}
END_TEST

/* The description column of an option line ("  -x, --long ARG  text"):
 * where the text starts after the option and a gap of two blanks. */
static int desc_column(const char *line)
{
	const char *gap = strstr(line + strspn(line, " "), "  ");

	if (gap == NULL)
		return -1;
	while (*gap == ' ')
		gap++;
	return (int)(gap - line);
}

/* Where every option's description starts, counted from 0: after
 * 25 columns, in every options block of every command's help. */
#define HELP_DESC_COLUMN 25

/* fdscope --help: every command's summary in one column. */
static void check_command_list(const char *text)
{
	const char *p = strstr(text, "\nCommands:\n");
	int col = -1, n = 0;

	ck_assert(p != NULL);
	p = strchr(p + 1, '\n') + 1;
	while (strncmp(p, "  ", 2) == 0) {
		char line[256];
		const char *eol = strchr(p, '\n');

		ck_assert(eol != NULL && (size_t)(eol - p) < sizeof(line));
		snprintf(line, sizeof(line), "%.*s", (int)(eol - p), p);
		if (col < 0)
			col = desc_column(line);
		ck_assert_msg(col > 0 && desc_column(line) == col,
			      "fdscope --help: summary not at column %d: %s",
			      col + 1, line);
		n++;
		p = eol + 1;
	}
	ck_assert_int_ge(n, 2);
}

static bool is_option_line(const char *line)
{
	return strncmp(line, "  -", 3) == 0 || strncmp(line, "      --", 8) == 0;
}

/* Every line within 80 columns, plain ASCII; in each block of options
 * (from "Options:" or another header ending in ':' to a blank line or
 * the next header), every description starting in one column, and
 * continuation lines there too.  An option too long for the column is on
 * a line of its own, its description on the next. */
static void check_help_text(const char *what, const char *text)
{
	const char *p = text;
	int col = -1, lineno = 0;
	bool in_options = false, seen_options = false;

	while (*p) {
		const char *eol = strchr(p, '\n');
		char line[256];
		size_t n;

		ck_assert_msg(eol != NULL, "%s: no final newline", what);
		n = (size_t)(eol - p);
		lineno++;
		ck_assert_msg(n <= 80, "%s: line %d is %zu columns: %.*s", what,
			      lineno, n, (int)n, p);
		ck_assert(n < sizeof(line));
		memcpy(line, p, n);
		line[n] = '\0';
		for (size_t i = 0; i < n; i++)
			ck_assert_msg(line[i] >= ' ' && line[i] <= '~',
				      "%s: line %d: byte %#x", what, lineno,
				      (unsigned char)line[i]);
		if (n == 0) {
			in_options = false;
		} else if (line[0] != ' ') {
			/* Another header opens options when its first line
			 * reads as one: "  NAME   description". */
			char next[256];
			const char *nl = strchr(eol + 1, '\n');

			snprintf(next, sizeof(next), "%.*s",
				 nl ? (int)(nl - eol - 1) : 0, eol + 1);
			in_options = strcmp(line, "Options:") == 0 ||
				(seen_options && line[n - 1] == ':' &&
				 strncmp(next, "  ", 2) == 0 && next[2] != ' ' &&
				 desc_column(next) > 0);
			seen_options = seen_options || in_options;
			col = -1;
		} else if (in_options && col < 0) {
			col = desc_column(line);
			ck_assert_msg(col > 0, "%s: line %d: no description: %s",
				      what, lineno, line);
			/* One column in every block of every command. */
			ck_assert_msg(col == HELP_DESC_COLUMN,
				      "%s: line %d: descriptions at column %d, "
				      "not %d: %s", what, lineno, col + 1,
				      HELP_DESC_COLUMN + 1, line);
		} else if (in_options) {
			int lead = (int)strspn(line, " ");
			bool starts_at_col = (int)n > col && line[col - 1] == ' ' &&
				line[col] != ' ';

			/* An option alone on its line has no description. */
			bool alone = is_option_line(line) && desc_column(line) < 0;

			ck_assert_msg(lead == col || (lead < col && starts_at_col) ||
				      alone,
				      "%s: line %d: not at column %d: %s", what,
				      lineno, col, line);
		}
		p = eol + 1;
	}
	ck_assert_msg(seen_options || strcmp(what, "fdscope --help") == 0,
		      "%s: no Options block", what);
}

START_TEST(test_help_texts_fit_and_align)
{
	struct run_result r, h, via;
	char want[64];
	size_t i;

	run_fdscope(&r, "--help", NULL);
	ck_assert_int_eq(r.status, 0);
	check_help_text("fdscope --help", r.out);
	check_command_list(r.out);
	for (i = 0; cli_commands[i]; i++)
		ck_assert_msg(strstr(r.out, cli_commands[i]->summary) != NULL,
			      "--help lacks %s", cli_commands[i]->name);
	run_result_release(&r);
	for (i = 0; cli_commands[i]; i++) {
		const char *name = cli_commands[i]->name;

		run_fdscope(&r, name, "--help", NULL);
		ck_assert_msg(r.status == 0, "%s --help: %d %s", name, r.status,
			      r.err);
		snprintf(want, sizeof(want), "Usage: fdscope %s", name);
		ck_assert_msg(strncmp(r.out, want, strlen(want)) == 0, "%s", r.out);
		ck_assert_msg(strstr(r.out, "\nOptions:\n") != NULL,
			      "%s --help has no Options", name);
		ck_assert_msg(strstr(r.out, "-V, --version") != NULL,
			      "%s --help lacks -V", name);
		check_help_text(name, r.out);
		/* -h and `fdscope help NAME` print the same. */
		run_fdscope(&h, name, "-h", NULL);
		ck_assert_str_eq(h.out, r.out);
		run_fdscope(&via, "help", name, NULL);
		ck_assert_str_eq(via.out, r.out);
		run_result_release(&via);
		run_result_release(&h);
		run_result_release(&r);
	}
}
END_TEST

START_TEST(test_json_wins_over_raw)
{
	struct run_result a, b, j;
	struct json *doc;

	run_fdscope(&a, "list", "-r", "-J", "-o", "FD,TYPE", NULL);
	run_fdscope(&b, "list", "-J", "-r", "-o", "FD,TYPE", NULL);
	run_fdscope(&j, "list", "-J", "-o", "FD,TYPE", NULL);
	ck_assert_int_eq(a.status, 0);
	ck_assert_int_eq(b.status, 0);
	doc = json_parse(a.out);
	ck_assert_msg(doc != NULL, "-r -J is not JSON: %s", a.out);
	ck_assert_ptr_nonnull(json_find_fd(doc, 2));
	json_free(doc);
	ck_assert_str_eq(a.out, b.out);
	ck_assert_str_eq(a.out, j.out);
	run_result_release(&a);
	run_result_release(&b);
	run_result_release(&j);
	run_fdscope(&a, "limits", "-r", "-J", "-o", "soft", NULL);
	ck_assert_int_eq(a.status, 0);
	doc = json_parse(a.out);
	ck_assert_msg(doc != NULL, "limits -r -J is not JSON: %s", a.out);
	json_free(doc);
	run_result_release(&a);
}
END_TEST

/* Runs fdscope with stdout on a new terminal and the given environment;
 * returns what it wrote there. */
static char *run_on_terminal(char *const envp[], char *const argv[])
{
	struct winsize ws = { .ws_row = 40, .ws_col = 200 };
	char *buf = calloc(1, 65536);
	size_t len = 0;
	int master, st;
	pid_t pid;
	long long deadline = (long long)time(NULL) + 20;

	ck_assert(buf != NULL);
	pid = forkpty(&master, NULL, NULL, &ws);
	ck_assert(pid >= 0);
	if (pid == 0) {
		execve(fdscope_bin(), argv, envp);
		_exit(127);
	}
	for (;;) {
		struct pollfd pf = { master, POLLIN, 0 };
		ssize_t n;

		if (poll(&pf, 1, 1000) < 0 || time(NULL) > deadline)
			break;
		n = read(master, buf + len, 65535 - len);
		if (n <= 0)
			break;		/* EIO once the child has gone */
		len += (size_t)n;
		if (len >= 65535)
			break;
	}
	close(master);
	ck_assert(waitpid(pid, &st, 0) == pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
	return buf;
}

START_TEST(test_colour_only_on_a_terminal)
{
	char *argv[] = { (char *)"fdscope", (char *)"list", (char *)"-o",
			 (char *)"FD,TYPE", NULL };
	char *colour[] = { (char *)"TERM=xterm", NULL };
	char *no_color_empty[] = { (char *)"TERM=xterm", (char *)"NO_COLOR=", NULL };
	char *no_color[] = { (char *)"TERM=xterm", (char *)"NO_COLOR=1", NULL };
	char *dumb[] = { (char *)"TERM=dumb", NULL };
	char *out;
	struct run_result r;

	/* The header is bold on a terminal: the control that the other
	 * cases must not have. */
	out = run_on_terminal(colour, argv);
	ck_assert_msg(strstr(out, "\033[") != NULL, "no colour on a terminal: %s", out);
	ck_assert(strstr(out, "FD") != NULL);
	free(out);
	out = run_on_terminal(no_color_empty, argv);
	ck_assert_msg(strchr(out, '\033') == NULL, "colour with NO_COLOR empty");
	ck_assert(strstr(out, "FD") != NULL);
	free(out);
	out = run_on_terminal(no_color, argv);
	ck_assert_msg(strchr(out, '\033') == NULL, "colour with NO_COLOR=1");
	free(out);
	out = run_on_terminal(dumb, argv);
	ck_assert_msg(strchr(out, '\033') == NULL, "colour with TERM=dumb");
	ck_assert(strstr(out, "FD") != NULL);
	free(out);
	/* The demos' narration follows the same rule. */
	{
		char *demo[] = { (char *)"fdscope", (char *)"alloc", (char *)"-q",
				 NULL };

		out = run_on_terminal(colour, demo);
		ck_assert_msg(strstr(out, "\033[") != NULL, "alloc: no colour");
		free(out);
		out = run_on_terminal(dumb, demo);
		ck_assert_msg(strchr(out, '\033') == NULL, "alloc: colour with TERM=dumb");
		ck_assert(strstr(out, "open(") != NULL);
		free(out);
		out = run_on_terminal(no_color_empty, demo);
		ck_assert_msg(strchr(out, '\033') == NULL, "alloc: colour with NO_COLOR");
		free(out);
	}
	/* watch redraws its status lines with cursor moves: on a terminal,
	 * never on a dumb one. */
	{
		char pid[16];
		char *w[] = { (char *)"fdscope", (char *)"watch", (char *)"-p",
			      pid, (char *)"--interval", (char *)"0.1",
			      (char *)"--count", (char *)"3", NULL };

		snprintf(pid, sizeof(pid), "%ld", (long)getpid());
		out = run_on_terminal(colour, w);
		ck_assert_msg(strstr(out, "\033[") != NULL, "watch: no redraw: %s",
			      out);
		free(out);
		out = run_on_terminal(dumb, w);
		ck_assert_msg(strchr(out, '\033') == NULL,
			      "watch: control sequences with TERM=dumb: %s", out);
		ck_assert(strstr(out, "open, soft limit") != NULL);
		free(out);
	}
	/* Not a terminal. */
	setenv("TERM", "xterm", 1);
	run_fdscope(&r, "list", "-o", "FD,TYPE", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert(strchr(r.out, '\033') == NULL);
	run_result_release(&r);
}
END_TEST

Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *unit = tcase_create("unit"), *exits = tcase_create("exit");
	TCase *tc = tcase_create("integration");

	tcase_add_test(unit, test_find_command_is_exact);
	tcase_add_test(unit, test_suggest_command);
	suite_add_tcase(s, unit);
	tcase_add_loop_exit_test(exits, test_usage_errors_exit_2, 2, 0,
				 (int)(sizeof(usage_cases) / sizeof(usage_cases[0])));
	tcase_add_loop_exit_test(exits, test_version_and_help_exit_0, 0, 0,
				 (int)(sizeof(ok_cases) / sizeof(ok_cases[0])));
	suite_add_tcase(s, exits);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_mistyped_command_gets_a_suggestion);
	tcase_add_test(tc, test_version_after_every_command);
	tcase_add_test(tc, test_help_texts_fit_and_align);
	tcase_add_test(tc, test_json_wins_over_raw);
	tcase_add_test(tc, test_colour_only_on_a_terminal);
	suite_add_tcase(s, tc);
	return s;
}
