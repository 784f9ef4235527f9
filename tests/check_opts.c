/* The option value parsers of src/cli/opts.c: the one PID list parser
 * every -p goes through (commas and blanks, a PID given twice kept once),
 * and what `list -p A,A` makes of it (issue 11 item 4). */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/command.h"
#include "testutil.h"

/* Parses into a fresh list and compares it with want (n entries). */
static void assert_pids(const char *arg, const pid_t *want, size_t n)
{
	pid_t *pids = NULL;
	size_t npids = 0, i;

	ck_assert_msg(cli_opt_pids(&cmd_list, "--pid", arg, SIZE_MAX, &pids,
				   &npids) == 0, "'%s' refused", arg);
	ck_assert_msg(npids == n, "'%s': %zu PIDs, want %zu", arg, npids, n);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(pids[i], want[i]);
	free(pids);
}

START_TEST(test_pid_list_commas_and_blanks)
{
	static const pid_t a[] = { 1, 2, 3 }, b[] = { 4, 5, 6 }, c[] = { 7 };
	static const pid_t d[] = { 9, 8 };

	assert_pids("1,2 3", a, 3);
	assert_pids("1 2 3", a, 3);
	assert_pids(" 4\t5,,6 \n", b, 3);
	assert_pids("4, 5 ,6", b, 3);
	/* Given twice: listed once, where first given. */
	assert_pids("7,7 7", c, 1);
	assert_pids("9,8,9,8", d, 2);
}
END_TEST

START_TEST(test_pid_list_appends_across_options)
{
	pid_t *pids = NULL;
	size_t npids = 0;

	ck_assert_int_eq(cli_opt_pids(&cmd_list, "--pid", "8", SIZE_MAX, &pids,
				      &npids), 0);
	ck_assert_int_eq(cli_opt_pids(&cmd_list, "--pid", "8,9", SIZE_MAX, &pids,
				      &npids), 0);
	ck_assert_uint_eq(npids, 2);
	ck_assert_int_eq(pids[0], 8);
	ck_assert_int_eq(pids[1], 9);
	free(pids);
}
END_TEST

static const char *const bad_lists[] = {
	"", " ", ",", "0", "-1", "1,-2", "x", "1,x", "1e3", "0x10",
	"2147483648", "99999999999999999999999999999999", "1;2",
};

START_TEST(test_pid_list_refuses_garbage)
{
	pid_t *pids = NULL;
	size_t npids = 0;

	ck_assert(freopen("/dev/null", "w", stderr) != NULL);
	ck_assert_msg(cli_opt_pids(&cmd_list, "--pid", bad_lists[_i], SIZE_MAX,
				   &pids, &npids) == -1, "'%s' accepted",
		      bad_lists[_i]);
	free(pids);
}
END_TEST

START_TEST(test_pid_list_at_most)
{
	pid_t *pids = NULL;
	size_t npids = 0;

	ck_assert(freopen("/dev/null", "w", stderr) != NULL);
	ck_assert_int_eq(cli_opt_pids(&cmd_limits, "--pid", "5,5", 1, &pids,
				      &npids), 0);
	ck_assert_uint_eq(npids, 1);
	ck_assert_int_eq(cli_opt_pids(&cmd_limits, "--pid", "6", 1, &pids,
				      &npids), -1);
	free(pids);
}
END_TEST

START_TEST(test_opt_ll_out_of_range)
{
	long long v = 7;

	ck_assert(freopen("/dev/null", "w", stderr) != NULL);
	ck_assert_int_eq(cli_opt_ll(&cmd_serve, "--port", "65536", 0, 65535, &v), -1);
	ck_assert_int_eq(cli_opt_ll(&cmd_serve, "--port", "-1", 0, 65535, &v), -1);
	ck_assert_int_eq(v, 7);
	ck_assert_int_eq(cli_opt_ll(&cmd_serve, "--port", "65535", 0, 65535, &v), 0);
	ck_assert_int_eq(v, 65535);
}
END_TEST

/* `list -p A,A`: A's table once, and ENDPOINTS naming the other ends of
 * the pipe, never the row itself and never the same holder twice. */
START_TEST(test_list_same_pid_twice_is_listed_once)
{
	struct holder h;
	struct run_result r;
	struct json *doc;
	const struct json *row;
	char arg[64], want[128];
	long long rd, wr, hole;

	holder_start(&h, "fdholder", NULL);
	rd = holder_value(&h, "pipe_r");
	wr = holder_value(&h, "pipe_w");
	hole = holder_value(&h, "hole");
	snprintf(arg, sizeof(arg), "%d,%d %d", h.pid, h.pid, h.pid);
	run_fdscope(&r, "list", "-p", arg, "-J", "-o", "PID,FD,ENDPOINTS", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	doc = json_parse(r.out);
	ck_assert(doc != NULL);
	ck_assert_uint_eq(json_get(doc, "descriptors")->n,
			  count_pid_fds(h.pid, NULL));
	/* One process listed: the single-process columns would differ, but
	 * -o fixed them; rows are not doubled. */
	row = json_find_fd(doc, (int)rd);
	ck_assert(row != NULL);
	snprintf(want, sizeof(want), "%d,fdholder,%lldw; %d,fdholder,%lldr",
		 h.pid, wr, h.pid, hole);
	ck_assert_str_eq(json_str(row, "endpoints"), want);
	json_free(doc);
	run_result_release(&r);
	holder_stop(&h);
}
END_TEST

/* Blanks separate PIDs as commas do: two processes, both listed. */
START_TEST(test_list_pids_separated_by_blanks)
{
	struct holder a, b;
	struct run_result r;
	struct json *doc;
	const struct json *rows;
	char arg[64];
	size_t i, na = 0, nb = 0;

	holder_start(&a, "fdholder", NULL);
	holder_start(&b, "fdholder", NULL);
	snprintf(arg, sizeof(arg), "%d %d", a.pid, b.pid);
	run_fdscope(&r, "list", "-p", arg, "-J", "-o", "PID,FD", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	doc = json_parse(r.out);
	ck_assert(doc != NULL);
	rows = json_get(doc, "descriptors");
	for (i = 0; i < rows->n; i++) {
		long long pid = json_int(rows->items[i], "pid");

		na += pid == a.pid;
		nb += pid == b.pid;
	}
	ck_assert_uint_eq(na, count_pid_fds(a.pid, NULL));
	ck_assert_uint_eq(nb, count_pid_fds(b.pid, NULL));
	ck_assert_uint_eq(na + nb, rows->n);
	json_free(doc);
	run_result_release(&r);
	holder_stop(&a);
	holder_stop(&b);
}
END_TEST

Suite *opts_suite(void)
{
	Suite *s = suite_create("opts");
	TCase *unit = tcase_create("unit"), *tc = tcase_create("integration");

	tcase_add_test(unit, test_pid_list_commas_and_blanks);
	tcase_add_test(unit, test_pid_list_appends_across_options);
	tcase_add_loop_test(unit, test_pid_list_refuses_garbage, 0,
			    (int)(sizeof(bad_lists) / sizeof(bad_lists[0])));
	tcase_add_test(unit, test_pid_list_at_most);
	tcase_add_test(unit, test_opt_ll_out_of_range);
	suite_add_tcase(s, unit);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_list_same_pid_twice_is_listed_once);
	tcase_add_test(tc, test_list_pids_separated_by_blanks);
	suite_add_tcase(s, tc);
	return s;
}
