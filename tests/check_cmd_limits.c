/* Integration tests for `fdscope limits`: every figure against getrlimit,
 * /proc/PID and /proc/sys/fs, and `--set` refusals explained by the rule
 * that refused them.  The limits of this machine are read, never assumed. */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cliexit.h"
#include "proc/procfs.h"
#include "testutil.h"

static unsigned long long sys_ull(const char *rel)
{
	unsigned long long v = 0;

	ck_assert_int_eq(procfs_read_ull("/proc", rel, &v), 0);
	return v;
}

static struct json *limits_json(struct run_result *r, pid_t pid)
{
	char pidtext[32];
	struct json *doc;

	if (pid) {
		snprintf(pidtext, sizeof(pidtext), "%ld", (long)pid);
		run_fdscope(r, "limits", "-p", pidtext, "-J", NULL);
	} else {
		run_fdscope(r, "limits", "-J", NULL);
	}
	ck_assert_msg(r->status == 0, "status %d: %s", r->status, r->err);
	doc = json_parse(r->out);
	ck_assert_msg(doc != NULL, "invalid JSON: %s", r->out);
	/* The one JSON schema: a table, here of one line. */
	ck_assert(json_get(doc, "limits") != NULL);
	ck_assert(json_get(doc, "limits")->kind == JSON_ARRAY);
	ck_assert_uint_eq(json_get(doc, "limits")->n, 1);
	ck_assert(json_at(json_get(doc, "limits"), 0)->kind == JSON_OBJECT);
	return doc;
}

static bool have_cap_sys_resource(void)
{
	char buf[4096];
	unsigned long long eff = 0;
	const char *p;

	ck_assert(procfs_read_at(AT_FDCWD, "/proc/self/status", buf, sizeof(buf)) > 0);
	p = strstr(buf, "CapEff:");
	ck_assert(p != NULL);
	eff = strtoull(p + 7, NULL, 16);
	return (eff >> 24) & 1;	/* CAP_SYS_RESOURCE */
}

START_TEST(test_limits_of_a_child_match_proc)
{
	struct holder h;
	struct run_result r;
	struct json *doc;
	const struct json *l;
	struct limit_pair lp;
	char path[64], *text = NULL, status[4096];
	unsigned long long fdsize;
	long long n;
	int highest;

	holder_start(&h, "fdholder", NULL);
	doc = limits_json(&r, h.pid);
	l = json_at(json_get(doc, "limits"), 0);
	snprintf(path, sizeof(path), "/proc/%d/limits", h.pid);
	ck_assert(procfs_slurp_at(AT_FDCWD, path, &text) > 0);
	ck_assert_int_eq(limits_parse_nofile(text, &lp), 0);
	free(text);
	ck_assert_int_eq(json_int(l, "pid"), h.pid);
	ck_assert_int_eq(json_int(l, "soft"), (long long)lp.soft);
	ck_assert_int_eq(json_int(l, "hard"), (long long)lp.hard);
	ck_assert_int_eq(json_int(l, "nr_open"), (long long)sys_ull("sys/fs/nr_open"));
	ck_assert_int_eq(json_int(l, "file_max"), (long long)sys_ull("sys/fs/file-max"));
	ck_assert_int_ge(json_int(l, "file_nr_allocated"), 1);

	n = (long long)count_pid_fds(h.pid, &highest);
	ck_assert_int_eq(json_int(l, "open"), n);
	ck_assert_int_eq(json_int(l, "highest_fd"), highest);
	ck_assert_int_eq(json_int(l, "headroom"), (long long)lp.soft - n);
	snprintf(path, sizeof(path), "/proc/%d/status", h.pid);
	ck_assert(procfs_read_at(AT_FDCWD, path, status, sizeof(status)) > 0);
	ck_assert_int_eq(status_parse_ull(status, "FDSize", &fdsize), 0);
	ck_assert_int_eq(json_int(l, "fdsize"), (long long)fdsize);
	json_free(doc);
	run_result_release(&r);
	holder_stop(&h);
}
END_TEST

START_TEST(test_limits_self_matches_getrlimit)
{
	struct run_result r;
	struct json *doc;
	const struct json *l, *cap;
	struct rlimit rl;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	doc = limits_json(&r, 0);
	l = json_at(json_get(doc, "limits"), 0);
	ck_assert_int_eq(json_int(l, "soft"), (long long)rl.rlim_cur);
	ck_assert_int_eq(json_int(l, "hard"), (long long)rl.rlim_max);
	/* run_argv gives it 0, 1 and 2 only (its pipes are close-on-exec),
	 * plus whatever this test process leaks into children. */
	ck_assert_int_ge(json_int(l, "open"), 3);
	ck_assert_int_eq(json_int(l, "headroom"), (long long)rl.rlim_cur - json_int(l, "open"));
	cap = json_get(l, "cap_sys_resource");
	if (strcmp(getenv("FDSCOPE_HAVE_LIBCAP") ? getenv("FDSCOPE_HAVE_LIBCAP") : "", "yes") == 0) {
		ck_assert(cap != NULL && cap->kind == JSON_BOOL);
		ck_assert_int_eq(cap->b, have_cap_sys_resource());
	} else {
		ck_assert(cap != NULL && cap->kind == JSON_NULL);
		ck_assert(strstr(json_str(l, "capabilities"), "without libcap") != NULL);
	}
	json_free(doc);
	run_result_release(&r);
}
END_TEST

START_TEST(test_limits_text_output)
{
	struct run_result r;

	run_fdscope(&r, "limits", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert(strstr(r.out, "SOFT") != NULL && strstr(r.out, "HEADROOM") != NULL);
	if (strcmp(getenv("FDSCOPE_HAVE_LIBCAP") ? getenv("FDSCOPE_HAVE_LIBCAP") : "", "yes") != 0)
		ck_assert(strstr(r.out, "CAPABILITIES        not examined") != NULL);
	run_result_release(&r);
	/* The table gets a word; -J the whole reason. */
	run_fdscope(&r, "limits", "-o", "capabilities", "-J", NULL);
	ck_assert_int_eq(r.status, 0);
	if (strcmp(getenv("FDSCOPE_HAVE_LIBCAP") ? getenv("FDSCOPE_HAVE_LIBCAP") : "", "yes") != 0)
		ck_assert(strstr(r.out, "not examined: fdscope was built without libcap") != NULL);
	else
		ck_assert(strstr(r.out, "\"effective set, read with libcap\"") != NULL ||
			  strstr(r.out, "\"libcap could not read them\"") != NULL);
	run_result_release(&r);
	run_fdscope(&r, "limits", "-o", "soft,hard", "-J", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert(strstr(r.out, "\"soft\"") != NULL && strstr(r.out, "\"open\"") == NULL);
	run_result_release(&r);
}
END_TEST

START_TEST(test_limits_set_changes_a_child)
{
	struct holder h;
	struct run_result r;
	struct json *doc;
	char pid[32], path[64], *text = NULL, want[64];
	struct limit_pair lp;
	struct rlimit rl;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	ck_assert(rl.rlim_max >= 200);
	holder_start(&h, "fdholder", NULL);
	snprintf(pid, sizeof(pid), "%d", h.pid);
	snprintf(want, sizeof(want), "100:%llu", (unsigned long long)rl.rlim_max - 1);
	run_fdscope(&r, "limits", "-p", pid, "--set", want, "-J", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	doc = json_parse(r.out);
	ck_assert_int_eq(json_int(json_at(json_get(doc, "limits"), 0), "soft"), 100);
	ck_assert_int_eq(json_int(json_at(json_get(doc, "limits"), 0), "hard"), (long long)rl.rlim_max - 1);
	json_free(doc);
	run_result_release(&r);
	snprintf(path, sizeof(path), "/proc/%d/limits", h.pid);
	ck_assert(procfs_slurp_at(AT_FDCWD, path, &text) > 0);
	ck_assert_int_eq(limits_parse_nofile(text, &lp), 0);
	free(text);
	ck_assert_uint_eq(lp.soft, 100);
	ck_assert_uint_eq(lp.hard, rl.rlim_max - 1);

	/* Raising the hard limit back needs CAP_SYS_RESOURCE. */
	snprintf(want, sizeof(want), "100:%llu", (unsigned long long)rl.rlim_max);
	run_fdscope(&r, "limits", "-p", pid, "--set", want, NULL);
	if (have_cap_sys_resource()) {
		ck_assert_int_eq(r.status, 0);
	} else {
		ck_assert_int_eq(r.status, 1);
		ck_assert_msg(strstr(r.err, "needs CAP_SYS_RESOURCE") != NULL, "%s", r.err);
		ck_assert_uint_eq(r.out_len, 0);
	}
	run_result_release(&r);
	holder_stop(&h);
}
END_TEST

START_TEST(test_limits_set_refusals_name_the_rule)
{
	struct holder h;
	struct run_result r;
	struct rlimit rl;
	char pid[32], arg[64];
	unsigned long long nr_open = sys_ull("sys/fs/nr_open");

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	holder_start(&h, "fdholder", NULL);
	snprintf(pid, sizeof(pid), "%d", h.pid);

	/* SOFT: changes the soft limit only: above the hard one. */
	snprintf(arg, sizeof(arg), "%llu:", (unsigned long long)rl.rlim_max + 1);
	run_fdscope(&r, "limits", "-p", pid, "--set", arg, NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "above hard limit") != NULL, "%s", r.err);
	run_result_release(&r);

	snprintf(arg, sizeof(arg), "%llu:%llu", nr_open + 1, nr_open + 1);
	run_fdscope(&r, "limits", "-p", pid, "--set", arg, NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "fs.nr_open") != NULL, "%s", r.err);
	run_result_release(&r);

	run_fdscope(&r, "limits", "-p", pid, "--set", "-5", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert_msg(strstr(r.err, "cannot be below zero") != NULL, "%s", r.err);
	run_result_release(&r);

	run_fdscope(&r, "limits", "-p", pid, "--set", "lots", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert_msg(strstr(r.err, "invalid limit 'lots'") != NULL, "%s", r.err);
	run_result_release(&r);

	run_fdscope(&r, "limits", "-p", pid, "--set", "10:x", NULL);
	ck_assert_int_eq(r.status, 2);
	run_result_release(&r);

	/* None of these changed anything. */
	{
		char path[64], *text = NULL;
		struct limit_pair lp;

		snprintf(path, sizeof(path), "/proc/%d/limits", h.pid);
		ck_assert(procfs_slurp_at(AT_FDCWD, path, &text) > 0);
		ck_assert_int_eq(limits_parse_nofile(text, &lp), 0);
		free(text);
		ck_assert_uint_eq(lp.soft, rl.rlim_cur);
		ck_assert_uint_eq(lp.hard, rl.rlim_max);
	}
	holder_stop(&h);
}
END_TEST

START_TEST(test_limits_errors)
{
	struct run_result r;

	run_fdscope(&r, "limits", "-p", "999999999", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq(r.err, "fdscope: process 999999999: no such process\n");
	ck_assert_uint_eq(r.out_len, 0);
	run_result_release(&r);
	run_fdscope(&r, "limits", "-p", "x", NULL);
	ck_assert_int_eq(r.status, 2);
	run_result_release(&r);
	run_fdscope(&r, "limits", "--help", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert(strncmp(r.out, "Usage: fdscope limits", 21) == 0);
	run_result_release(&r);
}
END_TEST

/* The holder's RLIMIT_NOFILE as the kernel shows it. */
static struct limit_pair holder_limits(pid_t pid)
{
	char path[64], *text = NULL;
	struct limit_pair lp;

	snprintf(path, sizeof(path), "/proc/%d/limits", (int)pid);
	ck_assert(procfs_slurp_at(AT_FDCWD, path, &text) > 0);
	ck_assert_int_eq(limits_parse_nofile(text, &lp), 0);
	free(text);
	return lp;
}

static void set_limits(const char *pid, const char *arg)
{
	struct run_result r;

	run_fdscope(&r, "limits", "-p", pid, "--set", arg, NULL);
	ck_assert_msg(r.status == 0, "--set %s: %d %s", arg, r.status, r.err);
	run_result_release(&r);
}

/* prlimit(1)'s forms, on a child this test started: SOFT: leaves the hard
 * limit, :HARD the soft one, a single value sets both. */
START_TEST(test_limits_set_prlimit_forms)
{
	struct holder h;
	struct limit_pair lp, before;
	struct rlimit rl;
	char pid[32], arg[64];

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	ck_assert(rl.rlim_max >= 200 && rl.rlim_max != RLIM_INFINITY);
	holder_start(&h, "fdholder", NULL);
	snprintf(pid, sizeof(pid), "%d", h.pid);
	before = holder_limits(h.pid);
	ck_assert_uint_eq(before.hard, rl.rlim_max);

	set_limits(pid, "150:");
	lp = holder_limits(h.pid);
	ck_assert_uint_eq(lp.soft, 150);
	ck_assert_uint_eq(lp.hard, before.hard);

	snprintf(arg, sizeof(arg), ":%llu", (unsigned long long)rl.rlim_max - 2);
	set_limits(pid, arg);
	lp = holder_limits(h.pid);
	ck_assert_uint_eq(lp.soft, 150);
	ck_assert_uint_eq(lp.hard, rl.rlim_max - 2);

	set_limits(pid, "120");
	lp = holder_limits(h.pid);
	ck_assert_uint_eq(lp.soft, 120);
	ck_assert_uint_eq(lp.hard, 120);

	set_limits(pid, "100:110");
	lp = holder_limits(h.pid);
	ck_assert_uint_eq(lp.soft, 100);
	ck_assert_uint_eq(lp.hard, 110);
	holder_stop(&h);
}
END_TEST

/* limits takes one process; the same PID twice is still one. */
START_TEST(test_limits_pid_list_is_one_process)
{
	struct holder h;
	struct run_result r;
	char two[64];

	holder_start(&h, "fdholder", NULL);
	snprintf(two, sizeof(two), "%d,%d", h.pid, h.pid);
	run_fdscope(&r, "limits", "-p", two, "-J", "-o", "pid", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	{
		struct json *doc = json_parse(r.out);

		ck_assert(doc != NULL);
		ck_assert_int_eq(json_int(json_at(json_get(doc, "limits"), 0), "pid"), h.pid);
		json_free(doc);
	}
	run_result_release(&r);
	snprintf(two, sizeof(two), "%d %d", h.pid, (int)getpid());
	run_fdscope(&r, "limits", "-p", two, NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert_msg(strstr(r.err, "at most 1 PID") != NULL, "%s", r.err);
	ck_assert_uint_eq(r.out_len, 0);
	run_result_release(&r);
	holder_stop(&h);
}
END_TEST

/* The descriptions of the rows, each joined back into one line: in text
 * cut at column 28 + FIELD/VALUE widths, continuation lines start with
 * spaces.  Returns how many rows were found. */
static size_t limits_descriptions(const char *out, char desc[][256],
				  size_t max, size_t *widest)
{
	const char *head = strstr(out, "DESCRIPTION"), *p = out;
	size_t col, n = 0;

	ck_assert(head != NULL);
	col = (size_t)(head - out);
	*widest = 0;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		*widest = len > *widest ? len : *widest;
		if (p != out && len > col) {
			bool cont = p[0] == ' ';

			if (!cont)
				ck_assert(++n <= max);
			ck_assert(n > 0);
			if (cont)
				strncat(desc[n - 1], " ", 255 - strlen(desc[n - 1]));
			strncat(desc[n - 1], p + col,
				len - col < 255 - strlen(desc[n - 1]) ?
				len - col : 255 - strlen(desc[n - 1]));
		}
		p += len + (nl != NULL);
	}
	return n;
}

/* At 80 and 60 columns no line is wider, and every description, joined
 * again, is the one printed unwrapped: no word was split. */
START_TEST(test_limits_fit_columns_without_splitting_words)
{
	static char whole[32][256], fitted[32][256];
	char bin[4096], env[16], *argv[] = { "/usr/bin/env", env, bin, "limits",
						 NULL };
	struct run_result r;
	size_t n, m, widest, i, k;

	snprintf(bin, sizeof(bin), "%s", fdscope_bin());
	memset(whole, 0, sizeof(whole));
	{
		char *plain[] = { "/usr/bin/env", "-u", "COLUMNS", bin, "limits", NULL };

		/* Off a terminal without COLUMNS: nothing is wrapped. */
		run_argv(&r, plain, 20);
	}
	ck_assert_int_eq(r.status, 0);
	n = limits_descriptions(r.out, whole, 32, &widest);
	ck_assert_msg(widest > 80, "the unwrapped table is only %zu wide: "
		      "nothing to test", widest);
	run_result_release(&r);
	for (k = 0; k < 2; k++) {
		size_t cols = k == 0 ? 80 : 60;

		memset(fitted, 0, sizeof(fitted));
		snprintf(env, sizeof(env), "COLUMNS=%zu", cols);
		run_argv(&r, argv, 20);
		ck_assert_int_eq(r.status, 0);
		m = limits_descriptions(r.out, fitted, 32, &widest);
		ck_assert_msg(widest <= cols, "a line of %zu columns at %zu",
			      widest, cols);
		ck_assert_uint_eq(m, n);
		for (i = 0; i < n; i++)
			ck_assert_str_eq(fitted[i], whole[i]);
		/* CAPABILITIES' value is a word, VALUE stays narrow. */
		ck_assert_msg(strstr(r.out, "set, read with libcap") == NULL,
			      "the long CAPABILITIES value is in the table");
		run_result_release(&r);
	}
}
END_TEST

/* The exit statuses of the command, run by the dispatcher in the forked
 * test process: 0 done, 1 a runtime failure, 2 a usage error. */
static const char *const cmd_limits_exit_cases[][4] = {
	{ "limits", "--help" },
	{ "limits", "-p", "2147483647" },
	{ "limits", "--set", "x" },
	{ "limits", "--nosuch" },
};
static const int cmd_limits_exit_status[] = { 0, 1, 2, 2 };

START_TEST(test_cmd_limits_exit_status)
{
	cli_exit_with(cmd_limits_exit_cases[_i]);
}
END_TEST

Suite *cmd_limits_suite(void)
{
	Suite *s = suite_create("cmd_limits");
	TCase *tc = tcase_create("integration");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_limits_of_a_child_match_proc);
	tcase_add_test(tc, test_limits_self_matches_getrlimit);
	tcase_add_test(tc, test_limits_text_output);
	tcase_add_test(tc, test_limits_fit_columns_without_splitting_words);
	tcase_add_test(tc, test_limits_set_changes_a_child);
	tcase_add_test(tc, test_limits_set_refusals_name_the_rule);
	tcase_add_test(tc, test_limits_errors);
	tcase_add_test(tc, test_limits_set_prlimit_forms);
	tcase_add_test(tc, test_limits_pid_list_is_one_process);
	suite_add_tcase(s, tc);
	tc = tcase_create("exit-status");
	for (size_t k = 0; k < sizeof(cmd_limits_exit_status) / sizeof(cmd_limits_exit_status[0]); k++)
		tcase_add_loop_exit_test(tc, test_cmd_limits_exit_status,
					 cmd_limits_exit_status[k], (int)k, (int)k + 1);
	suite_add_tcase(s, tc);
	return s;
}
