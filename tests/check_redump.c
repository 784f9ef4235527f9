/* Sockets a dump skipped: a sock_diag dump is no snapshot, and a listed
 * socket it skipped (a socket closed ahead of it in its hash chain
 * between two batches of replies) is looked for again (net/attach.c). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define CHAIN 1500
#define RUNS 6

/* Lines of out equal to line. */
static size_t count_equal_lines(const char *out, const char *line)
{
	size_t n = 0, len = strlen(line);
	const char *p = out;

	while (*p) {
		const char *end = strchr(p, '\n');
		size_t l = end ? (size_t)(end - p) : strlen(p);

		if (l == len && memcmp(p, line, len) == 0)
			n++;
		p += l + (end != NULL);
	}
	return n;
}

/* CHAIN bound UDP sockets on one port, more of them bound and closed
 * ahead of them all the while: every run names all CHAIN, by netlink
 * and by /proc/net/udp.  Without the second look, runs missed one. */
START_TEST(test_list_names_every_socket_under_churn)
{
	struct holder h;
	struct run_result r;
	char pid[16], want[64], bin[512];
	char *argv[] = { bin, "list", "-p", pid, "-r", "-n", "-o", "LADDR",
			 NULL };
	int run;

	snprintf(bin, sizeof(bin), "%s", fdscope_bin());
	holder_start(&h, "udpchain", "1500", NULL);
	snprintf(pid, sizeof(pid), "%ld", (long)h.pid);
	snprintf(want, sizeof(want), "127.0.0.1:%lld",
		 holder_value(&h, "port"));
	for (run = 0; run < RUNS; run++) {
		if (run == RUNS - 1)
			setenv("FDSCOPE_NO_NETLINK", "1", 1);
		run_argv(&r, argv, 30);
		ck_assert_int_eq(r.status, 0);
		ck_assert_msg(count_equal_lines(r.out, want) == CHAIN,
			      "run %d: %zu of %d sockets named %s", run,
			      count_equal_lines(r.out, want), CHAIN, want);
		run_result_release(&r);
	}
	unsetenv("FDSCOPE_NO_NETLINK");
	holder_stop(&h);
}
END_TEST

Suite *redump_suite(void)
{
	Suite *s = suite_create("redump");
	TCase *tc = tcase_create("churn");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_list_names_every_socket_under_churn);
	suite_add_tcase(s, tc);
	return s;
}
