/* proc/locks: /proc/locks lines parsed, and a lock this test takes found
 * there with its PID, device and inode. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "proc/locks.h"

START_TEST(test_lock_parse_line_fields)
{
	static const char line[] =
		"1: POSIX  ADVISORY  WRITE 123 fe:01:4242 10 29";
	struct file_lock l;
	char buf[64];

	ck_assert_int_eq(lock_parse_line(line, strlen(line), &l), 0);
	ck_assert_int_eq(l.kind, LOCK_POSIX);
	ck_assert(l.write && !l.blocked);
	ck_assert_int_eq(l.pid, 123);
	ck_assert_uint_eq(l.major, 0xfe);
	ck_assert_uint_eq(l.minor, 1);
	ck_assert_uint_eq(l.ino, 4242);
	ck_assert_uint_eq(l.start, 10);
	ck_assert_uint_eq(l.end, 29);
	lock_format(&l, buf, sizeof(buf));
	ck_assert_str_eq(buf, "POSIX W 10-29");
	ck_assert_int_eq(lock_parse_line("garbage", 7, &l), -1);
}
END_TEST

START_TEST(test_lock_tab_load_finds_our_lock)
{
	char path[] = "/tmp/fdscope-locks-XXXXXX";
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
			    .l_start = 0, .l_len = 0 };
	struct lock_tab t;
	struct stat st;
	size_t i;
	bool found = false;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fcntl(fd, F_SETLK, &fl), 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	lock_tab_init(&t);
	ck_assert_int_eq(lock_tab_load(&t, "/proc"), 0);
	for (i = 0; i < t.n; i++)
		if (t.v[i].ino == st.st_ino && t.v[i].pid == getpid() &&
		    t.v[i].major == major(st.st_dev) &&
		    t.v[i].minor == minor(st.st_dev)) {
			ck_assert_int_eq(t.v[i].kind, LOCK_POSIX);
			ck_assert(t.v[i].write);
			found = true;
		}
	ck_assert_msg(found, "our POSIX lock is not in /proc/locks");
	lock_tab_release(&t);
	unlink(path);
	close(fd);
}
END_TEST

Suite *locks_suite(void)
{
	Suite *s = suite_create("locks");
	TCase *tc = tcase_create("locks");

	tcase_add_test(tc, test_lock_parse_line_fields);
	tcase_add_test(tc, test_lock_tab_load_finds_our_lock);
	suite_add_tcase(s, tc);
	return s;
}
