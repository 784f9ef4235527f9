/* Every input the fuzzers (fuzz/) made fail, pinned as a unit test so that
 * the fix stays.  The same inputs are kept in fuzz/corpus as seeds. */
#include <check.h>

#include "proc/fdtype.h"

/* fuzz_fdtype: "tmpfile" parsed to the __O_TMPFILE bit alone, which
 * fdflags_format printed as an octal leftover that fdflags_parse then
 * refused; open(2) also rejects the bit without O_DIRECTORY. */
START_TEST(test_fdflags_tmpfile_round_trip)
{
	unsigned int f, again;
	char buf[128];

	ck_assert_int_eq(fdflags_parse("tmpfile", &f), 0);
	fdflags_format(f, buf, sizeof(buf));
	ck_assert_str_eq(buf, "tmpfile,directory");
	ck_assert_int_eq(fdflags_parse(buf, &again), 0);
	ck_assert_uint_eq(again, f);
}
END_TEST

Suite *fuzzfound_suite(void)
{
	Suite *s = suite_create("fuzzfound");
	TCase *tc = tcase_create("regressions");

	tcase_add_test(tc, test_fdflags_tmpfile_round_trip);
	suite_add_tcase(s, tc);
	return s;
}
