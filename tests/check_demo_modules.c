/* The demos' Linux modules: the private temporary directory (created
 * 0700, files exclusive and never through a symlink, removed on exit and
 * by SIGINT/SIGTERM, not by a forked child) and kcmp(KCMP_FILE). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc/kcmp.h"
#include "testutil.h"
#include "teach/tempdir.h"

START_TEST(test_tempdir_private_exclusive_and_removed)
{
	char path[PATH_MAX], dir[PATH_MAX], link[PATH_MAX];
	struct stat st;
	int fd;

	ck_assert_int_eq(tempdir_create(), 0);
	snprintf(dir, sizeof(dir), "%s", tempdir_dir());
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0700);
	fd = tempdir_open_new("a", O_WRONLY);
	ck_assert_int_ge(fd, 0);
	close(fd);
	/* Exclusive: the same name again fails. */
	ck_assert_int_eq(tempdir_open_new("a", O_WRONLY), -1);
	ck_assert_int_eq(errno, EEXIST);
	/* A planted symlink is never followed. */
	ck_assert_int_eq(tempdir_path("l", link, sizeof(link)), 0);
	ck_assert_int_eq(symlink("/tmp/fdscope-should-not-exist", link), 0);
	ck_assert_int_eq(tempdir_open_new("l", O_WRONLY), -1);
	ck_assert(access("/tmp/fdscope-should-not-exist", F_OK) < 0);
	ck_assert_int_eq(tempdir_path("a/b", path, sizeof(path)), -1);
	/* A forked child's remove leaves the directory to its owner. */
	if (fork() == 0) {
		tempdir_remove();
		_exit(0);
	}
	wait(NULL);
	ck_assert_int_eq(stat(dir, &st), 0);
	tempdir_remove();
	ck_assert(stat(dir, &st) < 0 && errno == ENOENT);
	ck_assert_ptr_null(tempdir_dir());
}
END_TEST

/* Killed by a signal, the process removes the directory and dies of it. */
static void check_signal_removes(int sig)
{
	char dir[PATH_MAX] = "";
	struct stat st;
	int p[2], status;
	pid_t pid;

	ck_assert(pipe(p) == 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int fd;

		close(p[0]);
		if (tempdir_create() < 0)
			_exit(3);
		fd = tempdir_open_new("file", O_WRONLY);
		tempdir_track("other");
		if (write(p[1], tempdir_dir(), strlen(tempdir_dir())) < 0)
			_exit(4);
		close(p[1]);
		raise(sig);
		_exit(fd >= 0 ? 5 : 6);
	}
	close(p[1]);
	ck_assert(read(p[0], dir, sizeof(dir) - 1) > 0);
	close(p[0]);
	ck_assert(waitpid(pid, &status, 0) == pid);
	ck_assert(WIFSIGNALED(status));
	ck_assert_int_eq(WTERMSIG(status), sig);
	ck_assert_msg(stat(dir, &st) < 0 && errno == ENOENT, "%s left behind", dir);
}

START_TEST(test_tempdir_removed_on_sigterm_and_sigint)
{
	check_signal_removes(SIGTERM);
	check_signal_removes(SIGINT);
}
END_TEST

START_TEST(test_kcmp_tells_dup_from_second_open)
{
	int a = open("/dev/null", O_RDONLY), b = open("/dev/null", O_RDONLY);
	int c = dup(a), rc;

	ck_assert(a >= 0 && b >= 0 && c >= 0);
	rc = kcmp_same_file(getpid(), a, getpid(), c);
	ck_assert_int_eq(rc, 1);
	ck_assert_int_eq(kcmp_same_file(getpid(), a, getpid(), b), 0);
	ck_assert_int_eq(kcmp_file(getpid(), a, getpid(), c), 0);
	ck_assert_int_eq(kcmp_same_file(getpid(), a, getpid(), 100000), -1);
	ck_assert_int_eq(errno, EBADF);
	close(a);
	close(b);
	close(c);
}
END_TEST

/* One suite per module: teach/tempdir.c and proc/kcmp.c. */
Suite *tempdir_suite(void)
{
	Suite *s = suite_create("tempdir");
	TCase *tc = tcase_create("tempdir");

	tcase_add_test(tc, test_tempdir_private_exclusive_and_removed);
	tcase_add_test(tc, test_tempdir_removed_on_sigterm_and_sigint);
	suite_add_tcase(s, tc);
	return s;
}

Suite *kcmp_suite(void)
{
	Suite *s = suite_create("kcmp");
	TCase *tc = tcase_create("kcmp");

	tcase_add_test_if("kcmp", tc, can_kcmp(),
			  test_kcmp_tells_dup_from_second_open,
			  "kcmp is refused here (the demo falls back to offsets)");
	suite_add_tcase(s, tc);
	return s;
}
