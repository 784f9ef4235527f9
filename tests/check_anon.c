/* proc/anon: anonymous inodes' fdinfo decoded, against what the kernel
 * prints for descriptors this test makes. */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "proc/anon.h"
#include "proc/procfs.h"

static ssize_t fdinfo_of(int fd, char *buf, size_t len)
{
	char rel[32];
	int dir = procfs_open_pid("/proc", 0);
	ssize_t n;

	ck_assert_int_ge(dir, 0);
	snprintf(rel, sizeof(rel), "fdinfo/%d", fd);
	n = procfs_read_at(dir, rel, buf, len);
	close(dir);
	ck_assert_int_gt(n, 0);
	return n;
}

START_TEST(test_anon_kind_of_link)
{
	ck_assert_int_eq(anon_kind_of_link("anon_inode:[eventfd]"), ANON_EVENTFD);
	ck_assert_int_eq(anon_kind_of_link("anon_inode:[eventpoll]"), ANON_EVENTPOLL);
	ck_assert_int_eq(anon_kind_of_link("anon_inode:inotify"), ANON_INOTIFY);
	ck_assert_int_eq(anon_kind_of_link("/dev/ptmx"), ANON_PTMX);
	ck_assert_int_eq(anon_kind_of_link("/dev/null"), ANON_NONE);
	ck_assert_int_eq(anon_kind_of_link("pipe:[12]"), ANON_NONE);
}
END_TEST

/* The counter the kernel prints in hex, and a timer's interval. */
START_TEST(test_anon_eventfd_and_timerfd_from_the_kernel)
{
	struct itimerspec its = { { 7, 500 }, { 100, 0 } };
	struct anon_eventfd ev;
	struct anon_timerfd tm;
	char buf[4096];
	ssize_t n;
	int efd = eventfd(0x1234, EFD_CLOEXEC | EFD_SEMAPHORE);
	int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);

	ck_assert_int_ge(efd, 0);
	ck_assert_int_ge(tfd, 0);
	n = fdinfo_of(efd, buf, sizeof(buf));
	ck_assert_int_eq(anon_parse_eventfd(buf, (size_t)n, &ev), 0);
	ck_assert(ev.has_count);
	ck_assert_uint_eq(ev.count, 0x1234);
	ck_assert(!ev.has_semaphore || ev.semaphore);
	ck_assert_int_eq(timerfd_settime(tfd, 0, &its, NULL), 0);
	n = fdinfo_of(tfd, buf, sizeof(buf));
	ck_assert_int_eq(anon_parse_timerfd(buf, (size_t)n, &tm), 0);
	ck_assert(tm.has_clockid && tm.has_interval);
	ck_assert_int_eq(tm.clockid, CLOCK_MONOTONIC);
	ck_assert_uint_eq(tm.interval_s, 7);
	ck_assert_uint_eq(tm.interval_ns, 500);
	ck_assert_uint_le(tm.value_s, 100);
	close(efd);
	close(tfd);
}
END_TEST

Suite *anon_suite(void)
{
	Suite *s = suite_create("anon");
	TCase *tc = tcase_create("anon");

	tcase_add_test(tc, test_anon_kind_of_link);
	tcase_add_test(tc, test_anon_eventfd_and_timerfd_from_the_kernel);
	suite_add_tcase(s, tc);
	return s;
}
