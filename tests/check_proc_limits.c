/* proc/limits.c: what `limits` shows, read from a fixture proc root (every
 * number known in advance) and from the real /proc of a child, through one
 * pinned /proc/PID. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc/limits.h"
#include "testutil.h"

static void put(const char *root, const char *rel, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	ck_assert_msg(f != NULL, "cannot write %s", path);
	fputs(text, f);
	fclose(f);
}

static void mk(const char *root, const char *rel)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	ck_assert_int_eq(mkdir(path, 0700), 0);
}

/* A whole proc root of fixtures: limits and status of PID 4242, its fd
 * directory with three entries, and the three sysctls. */
START_TEST(test_read_fixture_root)
{
	char root[] = "/tmp/fdscope-plimits-XXXXXX", cmd[4200];
	struct proc_limits li;

	ck_assert_ptr_nonnull(mkdtemp(root));
	mk(root, "4242");
	mk(root, "4242/fd");
	mk(root, "sys");
	mk(root, "sys/fs");
	put(root, "4242/limits",
	    "Limit                     Soft Limit           Hard Limit           Units     \n"
	    "Max processes             63437                63437                processes \n"
	    "Max open files            1024                 524288               files     \n");
	put(root, "4242/status", "Name:\tx\nState:\tS (sleeping)\nFDSize:\t128\n");
	put(root, "4242/fd/0", "");
	put(root, "4242/fd/7", "");
	put(root, "4242/fd/1500", "");
	put(root, "sys/fs/nr_open", "1048576\n");
	put(root, "sys/fs/file-max", "9223372036854775807\n");
	put(root, "sys/fs/file-nr", "3520\t0\t9223372036854775807\n");

	ck_assert_int_eq(proc_limits_read(root, 4242, &li), 0);
	ck_assert_int_eq(li.pid, 4242);
	ck_assert(li.has_nofile && !li.nofile.soft_unlimited);
	ck_assert_uint_eq(li.nofile.soft, 1024);
	ck_assert_uint_eq(li.nofile.hard, 524288);
	ck_assert(li.has_nr_open && li.nr_open == 1048576);
	ck_assert(li.has_file_max && li.file_max == 9223372036854775807ULL);
	ck_assert(li.has_file_nr && li.file_nr[0] == 3520 && li.file_nr[1] == 0);
	ck_assert(li.has_fdsize && li.fdsize == 128);
	ck_assert(li.has_count);
	ck_assert_uint_eq(li.count.open, 3);
	ck_assert_uint_eq(li.count.below, 2);	/* 1500 is above the soft 1024 */
	ck_assert_int_eq(li.count.highest, 1500);

	errno = 0;
	ck_assert_int_eq(proc_limits_read(root, 4243, &li), -1);
	ck_assert_int_eq(errno, ENOENT);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* A real child: its limits as getrlimit says in it, its count as its
 * /proc/PID/fd says. */
START_TEST(test_read_child)
{
	struct rlimit rl = { 200, 300 };
	int go[2], ready[2];
	struct proc_limits li;
	char c;
	pid_t pid;

	ck_assert_int_eq(pipe(go), 0);
	ck_assert_int_eq(pipe(ready), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(go[1]);
		close(ready[0]);
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			_exit(1);
		(void)!write(ready[1], "r", 1);
		(void)!read(go[0], &c, 1);
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	ck_assert_int_eq(proc_limits_read("/proc", pid, &li), 0);
	ck_assert_uint_eq(li.nofile.soft, 200);
	ck_assert_uint_eq(li.nofile.hard, 300);
	ck_assert(li.has_count);
	ck_assert_uint_eq(li.count.open, count_pid_fds(pid, NULL));
	close(go[1]);
	close(ready[0]);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	/* Reaped: no such process. */
	ck_assert_int_eq(proc_limits_read("/proc", pid, &li), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

Suite *proc_limits_suite(void)
{
	Suite *s = suite_create("proc_limits");
	TCase *tc = tcase_create("read");

	tcase_add_test(tc, test_read_fixture_root);
	tcase_add_test(tc, test_read_child);
	suite_add_tcase(s, tc);
	return s;
}
