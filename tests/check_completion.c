/* `fdscope completion`: the bash script, sourced in a real bash, completes
 * commands, options, -o column names (after a comma too), open's SPECs and
 * PIDs; the zsh and fish scripts pass their shell's syntax check. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cliexit.h"
#include "testutil.h"

static char script_dir[] = "/tmp/fdscope-completion-XXXXXX";

/* Writes `fdscope completion SHELL` to a file; returns its path. */
static char *write_script(const char *shell)
{
	struct run_result r;
	char *path;
	FILE *f;

	if (script_dir[strlen(script_dir) - 1] == 'X')
		ck_assert(mkdtemp(script_dir) != NULL);
	ck_assert(asprintf(&path, "%s/fdscope.%s", script_dir, shell) > 0);
	run_fdscope(&r, "completion", shell, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_uint_gt(r.out_len, 0);
	f = fopen(path, "w");
	ck_assert(f != NULL);
	ck_assert(fwrite(r.out, 1, r.out_len, f) == r.out_len);
	ck_assert(fclose(f) == 0);
	run_result_release(&r);
	return path;
}

static void remove_script(char *path)
{
	ck_assert(unlink(path) == 0);
	free(path);
	rmdir(script_dir);
}

/* What the bash completion function offers for the words (the last one
 * is the word being completed), one candidate per line. */
static char *bash_complete(const char *script, const char *words)
{
	struct run_result r;
	char *prog, *out;
	char *argv[] = { (char *)"/bin/bash", (char *)"--norc", (char *)"-c",
			 NULL, NULL };

	ck_assert(asprintf(&prog,
		"set -e; source '%s'; COMP_WORDS=(%s); "
		"COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); "
		"[[ \"%s\" == *' ' ]] && COMP_WORDS+=('') && COMP_CWORD=$((COMP_CWORD + 1)); "
		"_fdscope; printf '%%s\\n' \"${COMPREPLY[@]}\"",
		script, words, words) > 0);
	argv[3] = prog;
	run_argv(&r, argv, 20);
	ck_assert_msg(r.status == 0, "bash: %d %s", r.status, r.err);
	ck_assert_msg(r.err_len == 0, "bash said: %s", r.err);
	out = strdup(r.out);
	run_result_release(&r);
	free(prog);
	return out;
}

START_TEST(test_bash_completes_commands_options_columns)
{
	char *script = write_script("bash"), *out;
	char pid[32], words[96];

	out = bash_complete(script, "fdscope li");
	ck_assert_str_eq(out, "list\nlimits\n");
	free(out);
	out = bash_complete(script, "fdscope compl");
	ck_assert_str_eq(out, "completion\n");
	free(out);
	out = bash_complete(script, "fdscope list --al");
	ck_assert_str_eq(out, "--all\n");
	free(out);
	/* Options after the command come from its own table. */
	out = bash_complete(script, "fdscope serve --max-");
	ck_assert_str_eq(out, "--max-clients\n--max-bytes\n");
	free(out);
	/* serve's deprecated -p has no long form: never offered. */
	out = bash_complete(script, "fdscope serve -");
	ck_assert(strstr(out, "\n-p\n") == NULL && strstr(out, "--port\n") != NULL);
	free(out);
	/* Column names from list's column table, after a comma too. */
	out = bash_complete(script, "fdscope list -o SOCK.P");
	ck_assert_str_eq(out, "SOCK.PROTO\nSOCK.PEER\n");
	free(out);
	out = bash_complete(script, "fdscope list -o FD,NA");
	ck_assert_str_eq(out, "FD,NAME\n");
	free(out);
	out = bash_complete(script, "fdscope list --output +END");
	ck_assert_str_eq(out, "+ENDPOINTS\n");
	free(out);
	out = bash_complete(script, "fdscope limits -o HEAD");
	ck_assert_str_eq(out, "HEADROOM\n");
	free(out);
	/* open's SPECs, from its table. */
	out = bash_complete(script, "fdscope open socketp");
	ck_assert_str_eq(out, "socketpair\n");
	free(out);
	out = bash_complete(script, "fdscope open dup");
	ck_assert_str_eq(out, "dup:\ndup2:\n");
	free(out);
	out = bash_complete(script, "fdscope completion ");
	ck_assert_str_eq(out, "bash\nzsh\nfish\n");
	free(out);
	/* PIDs for -p: this process is among them. */
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	snprintf(words, sizeof(words), "fdscope list -p 1,%s", pid);
	out = bash_complete(script, words);
	snprintf(words, sizeof(words), "\n1,%s\n", pid);
	ck_assert_msg(strstr(out, words + 1) == out || strstr(out, words) != NULL,
		      "1,%s not offered: %s", pid, out);
	free(out);
	remove_script(script);
}
END_TEST

static void syntax_check(const char *shell, const char *prog)
{
	char *script = write_script(shell), *p = strdup(prog);
	char *argv[] = { p, (char *)"-n", script, NULL };
	struct run_result r;

	run_argv(&r, argv, 20);
	free(p);
	ck_assert_msg(r.status == 0 && r.err_len == 0, "%s -n: %d %s", prog,
		      r.status, r.err);
	run_result_release(&r);
	remove_script(script);
}

START_TEST(test_zsh_script_syntax)
{
	syntax_check("zsh", "/usr/bin/zsh");
}
END_TEST

START_TEST(test_fish_script_syntax)
{
	syntax_check("fish", "/usr/bin/fish");
}
END_TEST

/* fish can be asked what it would complete, without a terminal. */
START_TEST(test_fish_completes_columns)
{
	char *script = write_script("fish"), *prog;
	char *argv[] = { (char *)"/usr/bin/fish", (char *)"--no-config",
			 (char *)"-c", NULL, NULL };
	struct run_result r;

	ck_assert(asprintf(&prog, "source '%s'; complete -C 'fdscope list -o FD,NA'; "
			   "complete -C 'fdscope open socketp'", script) > 0);
	argv[3] = prog;
	run_argv(&r, argv, 20);
	ck_assert_msg(r.status == 0, "fish: %d %s", r.status, r.err);
	ck_assert_msg(strstr(r.out, "FD,NAME") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "socketpair") != NULL, "%s", r.out);
	run_result_release(&r);
	free(prog);
	remove_script(script);
}
END_TEST

/* The exit statuses of the command, run by the dispatcher in the forked
 * test process: 0 done, 1 a runtime failure, 2 a usage error. */
static const char *const completion_exit_cases[][3] = {
	{ "completion", "--help" },
	{ "completion", "bash" },
	{ "completion", "tcsh" },
	{ "completion" },
};
static const int completion_exit_status[] = { 0, 0, 2, 2 };

START_TEST(test_completion_exit_status)
{
	cli_exit_with(completion_exit_cases[_i]);
}
END_TEST

Suite *completion_suite(void)
{
	Suite *s = suite_create("completion");
	TCase *tc = tcase_create("shells");
	bool zsh = access("/usr/bin/zsh", X_OK) == 0;
	bool fish = access("/usr/bin/fish", X_OK) == 0;

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_bash_completes_commands_options_columns);
	tcase_add_test_if("completion", tc, zsh, test_zsh_script_syntax,
			  "zsh is not installed (make deps)");
	tcase_add_test_if("completion", tc, fish, test_fish_script_syntax,
			  "fish is not installed (make deps)");
	tcase_add_test_if("completion", tc, fish, test_fish_completes_columns,
			  "fish is not installed (make deps)");
	suite_add_tcase(s, tc);
	tc = tcase_create("exit-status");
	for (size_t k = 0; k < sizeof(completion_exit_status) / sizeof(completion_exit_status[0]); k++)
		tcase_add_loop_exit_test(tc, test_completion_exit_status,
					 completion_exit_status[k], (int)k, (int)k + 1);
	suite_add_tcase(s, tc);
	return s;
}
