/* Every input the fuzzers (fuzz/) made fail, pinned as a unit test so that
 * the fix stays.  The same inputs are kept in fuzz/corpus as seeds. */
#include <check.h>

#include "proc/fdtype.h"

/* fuzz_fdtype: the __O_TMPFILE bit was printed as an octal leftover.  The
 * kernel shows an O_TMPFILE descriptor with __O_TMPFILE | O_DIRECTORY. */
START_TEST(test_fdflags_tmpfile_names_both_bits)
{
	char buf[128];

	fdflags_format(020200002, buf, sizeof(buf));
	ck_assert_str_eq(buf, "tmpfile,directory");
}
END_TEST

Suite *fuzzfound_suite(void)
{
	Suite *s = suite_create("fuzzfound");
	TCase *tc = tcase_create("regressions");

	tcase_add_test(tc, test_fdflags_tmpfile_names_both_bits);
	suite_add_tcase(s, tc);
	return s;
}
