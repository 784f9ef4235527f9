/* proc/threads: the threads with a descriptor table of their own (after
 * unshare(CLONE_FILES)), told from those that share the leader's, by
 * kcmp(KCMP_FILES). */
#include <check.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "proc/threads.h"
#include "testutil.h"

struct worker {
	bool unshare;
	pid_t tid;
	int ready[2], done[2];
};

static void *work(void *arg)
{
	struct worker *w = arg;
	char c = 0;

	w->tid = (pid_t)syscall(SYS_gettid);
	if (w->unshare && unshare(CLONE_FILES) < 0)
		w->tid = -1;
	(void)!write(w->ready[1], &c, 1);
	(void)!read(w->done[0], &c, 1);
	return NULL;
}

START_TEST(test_threads_with_own_table_after_unshare)
{
	struct worker own = { .unshare = true }, shared = { .unshare = false };
	struct worker *ws[2] = { &own, &shared };
	pthread_t t[2];
	pid_t *tids = NULL;
	size_t n = 0, i;
	char c;

	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(pipe(ws[i]->ready), 0);
		ck_assert_int_eq(pipe(ws[i]->done), 0);
		ck_assert_int_eq(pthread_create(&t[i], NULL, work, ws[i]), 0);
		ck_assert_int_eq(read(ws[i]->ready[0], &c, 1), 1);
	}
	ck_assert_int_gt(own.tid, 0);
	ck_assert_int_eq(threads_with_own_table("/proc", getpid(), &tids, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(tids[0], own.tid);
	free(tids);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(write(ws[i]->done[1], &c, 1), 1);
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
	}
}
END_TEST

Suite *threads_suite(void)
{
	Suite *s = suite_create("threads");
	TCase *tc = tcase_create("threads");

	tcase_add_test_if("threads", tc, can_kcmp(),
			  test_threads_with_own_table_after_unshare,
			  "kcmp refused here");
	suite_add_tcase(s, tc);
	return s;
}
