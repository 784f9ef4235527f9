/* teach/screen: the width the tour fits (COLUMNS when stdout is not a
 * terminal, clamped) and lines cut to it. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "teach/screen.h"

START_TEST(test_screen_width_from_columns)
{
	ck_assert(freopen("/dev/null", "w", stdout) != NULL);
	setenv("COLUMNS", "123", 1);
	ck_assert_uint_eq(screen_detect_width(), 123);
	setenv("COLUMNS", "5", 1);
	ck_assert_uint_eq(screen_detect_width(), SCREEN_MIN_WIDTH);
	setenv("COLUMNS", "junk", 1);
	ck_assert_uint_eq(screen_detect_width(), 80);
	unsetenv("COLUMNS");
	ck_assert_uint_eq(screen_detect_width(), 80);
}
END_TEST

/* A 100-byte line at width 40: pieces of at most 40, nothing lost. */
START_TEST(test_screen_write_cuts_lines)
{
	char path[] = "/tmp/fdscope-screen-XXXXXX", text[102], out[512];
	struct screen sc;
	size_t n, pieces = 0, bytes = 0;
	char *p, *eol;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert(freopen(path, "w", stdout) != NULL);
	memset(text, 'a', 100);
	text[100] = '\n';
	text[101] = '\0';
	ck_assert_int_eq(screen_init(&sc, SCREEN_OFF, 40), 0);
	ck_assert_int_eq(screen_write(&sc, text, 101), 0);
	ck_assert_int_eq(fflush(stdout), 0);
	n = (size_t)pread(fd, out, sizeof(out) - 1, 0);
	out[n] = '\0';
	for (p = out; (eol = strchr(p, '\n')) != NULL; p = eol + 1) {
		ck_assert_uint_le((size_t)(eol - p), 40);
		bytes += (size_t)(eol - p);
		pieces++;
	}
	ck_assert_uint_eq(bytes, 100);
	ck_assert_uint_eq(pieces, 3);
	unlink(path);
	close(fd);
}
END_TEST

Suite *screen_suite(void)
{
	Suite *s = suite_create("screen");
	TCase *tc = tcase_create("screen");

	tcase_add_test(tc, test_screen_width_from_columns);
	tcase_add_test(tc, test_screen_write_cuts_lines);
	suite_add_tcase(s, tc);
	return s;
}
