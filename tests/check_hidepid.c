/* proc/hidepid: whether a proc mount hides other users' processes. */
#include <check.h>
#include <string.h>

#include "proc/hidepid.h"

START_TEST(test_mountinfo_hidepid_options)
{
	static const char text[] =
		"22 1 0:21 / /proc rw,nosuid - proc proc rw,hidepid=invisible\n"
		"23 1 0:22 / /proc2 rw - proc proc rw\n"
		"24 1 0:23 / /proc3 rw - proc proc rw,hidepid=2\n"
		"25 1 0:24 / /tmp rw - tmpfs tmpfs rw,hidepid=2\n";

	ck_assert(mountinfo_hidepid(text, strlen(text), "/proc"));
	ck_assert(!mountinfo_hidepid(text, strlen(text), "/proc2"));
	ck_assert(mountinfo_hidepid(text, strlen(text), "/proc3"));
	/* Not a proc mount: its options say nothing of processes. */
	ck_assert(!mountinfo_hidepid(text, strlen(text), "/tmp"));
	ck_assert(!mountinfo_hidepid(text, strlen(text), "/nowhere"));
}
END_TEST

START_TEST(test_procfs_hidepid_of_no_proc_mount)
{
	ck_assert(!procfs_hidepid("/tmp"));
	ck_assert(!procfs_hidepid("/nonexistent-fdscope"));
}
END_TEST

Suite *hidepid_suite(void)
{
	Suite *s = suite_create("hidepid");
	TCase *tc = tcase_create("hidepid");

	tcase_add_test(tc, test_mountinfo_hidepid_options);
	tcase_add_test(tc, test_procfs_hidepid_of_no_proc_mount);
	suite_add_tcase(s, tc);
	return s;
}
