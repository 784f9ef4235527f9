/* proc/mounts: mountinfo lines parsed, and read through the pin of the
 * process, not by a path rebuilt from its PID. */
#include <check.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <string.h>
#include <unistd.h>

#include "proc/mounts.h"
#include "proc/procfs.h"
#include "procfix.h"

START_TEST(test_mountinfo_parse_fields)
{
	static const char text[] =
		"22 1 0:21 / /proc rw,nosuid - proc proc rw\n"
		"not a mountinfo line\n"
		"31 22 8:1 / /mnt/a\\040b rw shared:5 master:2 - ext4 "
		"/dev/my\\040disk rw\n";
	struct mount_tab t;
	const struct mount_entry *m;

	mount_tab_init(&t);
	ck_assert_uint_eq(mountinfo_parse(&t, text, strlen(text)), 2);
	m = mount_tab_find(&t, 31);
	ck_assert(m != NULL);
	ck_assert_uint_eq(m->major, 8);
	ck_assert_uint_eq(m->minor, 1);
	ck_assert_str_eq(m->fstype, "ext4");
	/* The kernel's octal escape undone. */
	ck_assert_str_eq(m->source, "/dev/my disk");
	ck_assert(mount_tab_find_dev(&t, 0, 21) == mount_tab_find(&t, 22));
	ck_assert(mount_tab_find(&t, 99) == NULL);
	mount_tab_release(&t);
}
END_TEST

/* The pinned process exits and its PID is reused: the table read is the
 * pinned one's (mount 41), not the newcomer's (mount 42). */
START_TEST(test_mount_tab_load_reads_through_the_pin)
{
	char root[64];
	struct mount_tab t;
	int pin;

	procfix_root(root, sizeof(root));
	procfix_process(root, 4242, 100, "old", 41, "/");
	pin = procfs_open_pid(root, 4242);
	ck_assert_int_ge(pin, 0);
	procfix_reuse(root, 4242, 200, "new", 42, "/");
	mount_tab_init(&t);
	ck_assert_int_eq(mount_tab_load(&t, pin), 0);
	ck_assert_uint_eq(t.n, 1);
	ck_assert_int_eq(t.v[0].mnt_id, 41);
	ck_assert_str_eq(t.v[0].source, "src41");
	mount_tab_release(&t);
	close(pin);
	procfix_remove(root);
}
END_TEST

START_TEST(test_mount_tab_load_real_process)
{
	struct mount_tab t;
	struct stat st;
	int pin = procfs_open_pid("/proc", 0);

	ck_assert_int_ge(pin, 0);
	mount_tab_init(&t);
	ck_assert_int_eq(mount_tab_load(&t, pin), 0);
	/* The mount of "/" is one of ours, by the device stat gives it. */
	ck_assert_int_eq(stat("/", &st), 0);
	ck_assert(mount_tab_find_dev(&t, major(st.st_dev), minor(st.st_dev)) != NULL);
	mount_tab_release(&t);
	close(pin);
}
END_TEST

Suite *mounts_suite(void)
{
	Suite *s = suite_create("mounts");
	TCase *tc = tcase_create("mountinfo");

	tcase_add_test(tc, test_mountinfo_parse_fields);
	tcase_add_test(tc, test_mount_tab_load_reads_through_the_pin);
	tcase_add_test(tc, test_mount_tab_load_real_process);
	suite_add_tcase(s, tc);
	return s;
}
