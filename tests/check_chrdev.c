/* proc/chrdev: device numbers named from /proc/devices and /proc/misc,
 * checked on this machine's /dev/null and on fixture text. */
#include <check.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "proc/chrdev.h"

START_TEST(test_devtab_parse_sections)
{
	static const char devices[] =
		"Character devices:\n  1 mem\n  4 /dev/vc/0\n 10 misc\n\n"
		"Block devices:\n  8 sd\n259 blkext\n";
	static const char misc[] = "183 hw_random\n200 tun\n";
	struct devtab t;

	devtab_init(&t);
	ck_assert_int_eq(devtab_parse_devices(&t, devices, strlen(devices)), 5);
	ck_assert_int_eq(devtab_parse_misc(&t, misc, strlen(misc)), 2);
	ck_assert_str_eq(devtab_chrdrv(&t, 1), "mem");
	ck_assert_str_eq(devtab_blkdrv(&t, 8), "sd");
	/* Block 1 is not character 1. */
	ck_assert(devtab_blkdrv(&t, 1) == NULL);
	ck_assert_str_eq(devtab_misc(&t, 200), "tun");
	devtab_release(&t);
}
END_TEST

START_TEST(test_devtab_load_names_dev_null)
{
	struct devtab t;
	struct stat st;

	ck_assert_int_eq(stat("/dev/null", &st), 0);
	devtab_init(&t);
	devtab_load(&t, "/proc");
	ck_assert_str_eq(devtab_chrdrv(&t, major(st.st_rdev)), "mem");
	devtab_release(&t);
}
END_TEST

Suite *chrdev_suite(void)
{
	Suite *s = suite_create("chrdev");
	TCase *tc = tcase_create("chrdev");

	tcase_add_test(tc, test_devtab_parse_sections);
	tcase_add_test(tc, test_devtab_load_names_dev_null);
	suite_add_tcase(s, tc);
	return s;
}
