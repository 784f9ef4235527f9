/* out/linelog: a line log that never blocks: on a full pipe, lines that
 * do not fit are dropped and counted, the kept ones arrive whole, and
 * O_NONBLOCK never reaches the description others share. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "out/linelog.h"

START_TEST(test_linelog_full_pipe_drops_and_counts)
{
	char fill[4096], got[8192];
	struct linelog *l;
	ssize_t n;
	int p[2], shared, i, k;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	shared = dup(p[1]);
	ck_assert_int_ge(shared, 0);
	ck_assert_int_ge(fcntl(p[1], F_SETPIPE_SZ, 4096), 4096);
	l = linelog_open(p[1], 64);
	ck_assert(l != NULL);
	/* Fill the pipe through the shared description, without blocking:
	 * the log's own (reopened) one is apart from it. */
	ck_assert_int_eq(fcntl(shared, F_GETFL) & O_NONBLOCK, 0);
	ck_assert_int_eq(fcntl(shared, F_SETFL, O_NONBLOCK), 0);
	memset(fill, 'x', sizeof(fill));
	for (k = 0; k < 64 && write(shared, fill, sizeof(fill)) > 0; k++)
		;
	for (k = 0; k < 8192 && write(shared, fill, 1) > 0; k++)
		;
	ck_assert_int_eq(errno, EAGAIN);
	for (i = 0; i < 10; i++)
		linelog_printf(l, "line %02d of the log, thirty bytes", i);
	ck_assert(linelog_pending(l));
	ck_assert_uint_ge(linelog_dropped(l), 8);
	/* Drain; what was kept arrives after the filling, whole. */
	for (k = 0; k < 64 && read(p[0], got, sizeof(got)) == (ssize_t)sizeof(got); k++)
		;
	ck_assert_int_eq(linelog_flush(l), 0);
	n = read(p[0], got, sizeof(got) - 1);
	ck_assert_int_gt(n, 0);
	got[n] = '\0';
	ck_assert_msg(strstr(got, "line 00 of the log, thirty bytes\n") != NULL,
		      "%s", got);
	ck_assert(!linelog_broken(l));
	linelog_close(l, 0);
	close(shared);
	close(p[1]);
	close(p[0]);
}
END_TEST

/* The reader gone: broken, said once by flush (EPIPE), no blocking. */
START_TEST(test_linelog_reader_gone_is_broken)
{
	struct linelog *l;
	int p[2];

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	ck_assert(signal(SIGPIPE, SIG_IGN) != SIG_ERR);
	l = linelog_open(p[1], 1024);
	ck_assert(l != NULL);
	close(p[0]);
	linelog_printf(l, "nobody reads this");
	errno = 0;
	ck_assert_int_eq(linelog_flush(l) < 0 || linelog_broken(l), 1);
	ck_assert(linelog_broken(l));
	linelog_close(l, 0);
	close(p[1]);
}
END_TEST

Suite *linelog_suite(void)
{
	Suite *s = suite_create("linelog");
	TCase *tc = tcase_create("linelog");

	tcase_add_test(tc, test_linelog_full_pipe_drops_and_counts);
	tcase_add_test(tc, test_linelog_reader_gone_is_broken);
	suite_add_tcase(s, tc);
	return s;
}
