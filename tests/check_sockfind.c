/* Finding the listed sockets (net/attach.c): a listed socket a dump
 * skipped (a socket closed ahead of it in its hash chain between two
 * batches of replies) is looked for again; a few TCP and UDP sockets are
 * read through duplicates of their descriptors (net/sockdup.c), giving
 * the dump's rows without dumping the host's sockets. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

#define SOCK_COLUMNS "FD,SOCK.FAMILY,SOCK.TYPE,SOCK.PROTO,LADDR,RADDR,STATE,NAME"

/* Every socket kind of sockholder (TCP listening, connected, accepted,
 * on ::1; UDP bound and connected; unix ones): the same JSON rows read
 * through duplicates as dumped. */
START_TEST(test_inet_sockets_by_duplicate_match_the_dump)
{
	struct holder h;
	struct run_result dup, dump;
	char pid[16], bin[512], cols[] = SOCK_COLUMNS;
	char *argv[] = { bin, "list", "-p", pid, "-J", "-o", cols, NULL };

	snprintf(bin, sizeof(bin), "%s", fdscope_bin());
	holder_start(&h, "sockholder", NULL);
	snprintf(pid, sizeof(pid), "%ld", (long)h.pid);
	setenv("FDSCOPE_INET_LOOKUP", "copy", 1);
	run_argv(&dup, argv, 30);
	unsetenv("FDSCOPE_INET_LOOKUP");
	run_argv(&dump, argv, 30);
	ck_assert_int_eq(dup.status, 0);
	ck_assert_int_eq(dump.status, 0);
	ck_assert_ptr_nonnull(strstr(dump.out, "\"TCP 127.0.0.1:"));
	ck_assert_ptr_nonnull(strstr(dump.out, "\"UDP 127.0.0.1:"));
	ck_assert_str_eq(dup.out, dump.out);
	run_result_release(&dup);
	run_result_release(&dump);
	holder_stop(&h);
}
END_TEST

/* With FDSCOPE_INET_LOOKUP=copy the cost follows the listed sockets:
 * listing a process with a TCP listener and a bound UDP socket sends no
 * TCP or UDP dump request (the system calls, seen by strace), and still
 * names both.  Without it the dump is asked for: the test can fail. */
START_TEST(test_few_inet_sockets_are_not_dumped)
{
	struct holder h;
	struct run_result r;
	char pid[16];
	char *text;

	holder_start(&h, "sockholder", NULL);
	snprintf(pid, sizeof(pid), "%ld", (long)h.pid);
	setenv("FDSCOPE_INET_LOOKUP", "copy", 1);
	text = strace_fdscope(&r, "sendto", 256, "list", "-p", pid, NULL);
	unsetenv("FDSCOPE_INET_LOOKUP");
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "TCP 127.0.0.1:"));
	ck_assert_ptr_nonnull(strstr(r.out, "UDP 127.0.0.1:"));
	/* strace decodes a first request on a netlink socket as raw bytes
	 * (NLM_F_DUMP as 0x300); an inet one names AF_INET or AF_INET6. */
	ck_assert_msg(strstr(text, "sdiag_family=AF_INET") == NULL &&
		      strstr(text, "0x300") == NULL,
		      "an inet dump was requested: %.300s",
		      strstr(text, "0x300") ? strstr(text, "0x300") :
		      strstr(text, "sdiag_family=AF_INET"));
	free(text);
	run_result_release(&r);
	holder_stop(&h);
}
END_TEST

Suite *sockfind_suite(void)
{
	Suite *s = suite_create("sockfind");
	TCase *tc = tcase_create("churn");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_list_names_every_socket_under_churn);
	suite_add_tcase(s, tc);
	tc = tcase_create("duplicate");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_inet_sockets_by_duplicate_match_the_dump);
	tcase_add_test_if("sockfind", tc, have_strace(),
			  test_few_inet_sockets_are_not_dumped,
			  "strace is not installed");
	suite_add_tcase(s, tc);
	return s;
}
