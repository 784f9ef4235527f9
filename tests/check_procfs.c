/* Unit tests for the /proc parsers, fed with fixtures shaped as the kernel
 * prints them, and with the damaged forms a hostile or future kernel may. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cliexit.h"
#include "proc/procfs.h"

START_TEST(test_fdinfo_all_fields)
{
	static const char t[] = "pos:\t4096\nflags:\t02104002\nmnt_id:\t27\nino:\t1234567\n";
	struct fdinfo fi;

	ck_assert_int_eq(fdinfo_parse(t, strlen(t), &fi), 0);
	ck_assert(fi.has_pos && fi.has_flags && fi.has_mnt_id && fi.has_ino);
	ck_assert_uint_eq(fi.pos, 4096);
	ck_assert_uint_eq(fi.flags, 02104002);
	ck_assert_int_eq(fi.mnt_id, 27);
	ck_assert_uint_eq(fi.ino, 1234567);
}
END_TEST

START_TEST(test_fdinfo_extra_lines_ignored)
{
	static const char t[] = "pos:\t0\nflags:\t02\nmnt_id:\t17\nino:\t1038\n"
		"eventfd-count:                0\neventfd-id: 1\nposition: 9\n";
	struct fdinfo fi;

	ck_assert_int_eq(fdinfo_parse(t, strlen(t), &fi), 0);
	ck_assert_uint_eq(fi.pos, 0);
	ck_assert_uint_eq(fi.flags, 2);
}
END_TEST

START_TEST(test_fdinfo_missing_pos_field)
{
	static const char t[] = "flags:\t0100000\nmnt_id:\t3\n";
	struct fdinfo fi;

	ck_assert_int_eq(fdinfo_parse(t, strlen(t), &fi), 0);
	ck_assert(!fi.has_pos);
	ck_assert(fi.has_flags);
	ck_assert(!fi.has_ino);
}
END_TEST

START_TEST(test_fdinfo_garbage_rejected)
{
	static const char *const bad[] = {
		"", "hello\n", "pos:\tx\nflags:\t9\n", "pos:\t-1\n",
		"pos:\t99999999999999999999999\n", "flags:\t08\n", "pos\t1\n",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fdinfo fi;

		ck_assert_msg(fdinfo_parse(bad[i], strlen(bad[i]), &fi) == -1,
			      "accepted '%s'", bad[i]);
	}
}
END_TEST

START_TEST(test_fdinfo_no_trailing_newline_and_not_nul_terminated)
{
	char t[] = "pos:\t12\nflags:\t01XXXX";
	struct fdinfo fi;

	/* The length, not a NUL, ends the text. */
	ck_assert_int_eq(fdinfo_parse(t, strlen("pos:\t12\nflags:\t01"), &fi), 0);
	ck_assert_uint_eq(fi.pos, 12);
	ck_assert(fi.has_flags);
	ck_assert_uint_eq(fi.flags, 1);
}
END_TEST

/* Keys are whole words before ':' at a line's start: an inotify mark's
 * "ino:" inside a line, or a key that only begins like one, is not one;
 * trailing blanks after a value are allowed, a value of 32 characters
 * is not. */
START_TEST(test_fdinfo_keys_are_whole_line_starts)
{
	static const char t[] = "pos:\t7 \r\nflags:\t02\n"
		"inotify wd:1 ino:5 sdev:0\nposix: 3\nmnt_idx:\t4\n"
		"mnt_id:\t00000000000000000000000000000028\nino:\t9\t\n";
	struct fdinfo fi;

	ck_assert_int_eq(fdinfo_parse(t, strlen(t), &fi), 0);
	ck_assert(fi.has_pos);
	ck_assert_uint_eq(fi.pos, 7);
	ck_assert_uint_eq(fi.flags, 2);
	ck_assert(!fi.has_mnt_id);
	ck_assert(fi.has_ino);
	ck_assert_uint_eq(fi.ino, 9);
}
END_TEST

START_TEST(test_fdinfo_malformed_field_left_unset)
{
	static const char t[] = "pos:\t12abc\nflags:\t02\n";
	struct fdinfo fi;

	ck_assert_int_eq(fdinfo_parse(t, strlen(t), &fi), 0);
	ck_assert(!fi.has_pos);
	ck_assert(fi.has_flags);
}
END_TEST

static const char limits_text[] =
	"Limit                     Soft Limit           Hard Limit           Units     \n"
	"Max cpu time              unlimited            unlimited            seconds   \n"
	"Max open files            1024                 20000                files     \n"
	"Max locked memory         8388608              8388608              bytes     \n";

START_TEST(test_limits_nofile_numbers)
{
	struct limit_pair lp;

	ck_assert_int_eq(limits_parse_nofile(limits_text, &lp), 0);
	ck_assert(!lp.soft_unlimited && !lp.hard_unlimited);
	ck_assert_uint_eq(lp.soft, 1024);
	ck_assert_uint_eq(lp.hard, 20000);
}
END_TEST

START_TEST(test_limits_nofile_unlimited)
{
	static const char t[] =
		"Max open files            unlimited            unlimited            files     \n";
	struct limit_pair lp;

	ck_assert_int_eq(limits_parse_nofile(t, &lp), 0);
	ck_assert(lp.soft_unlimited && lp.hard_unlimited);
}
END_TEST

START_TEST(test_limits_nofile_missing_or_damaged)
{
	static const char *const bad[] = {
		"", "Max cpu time              unlimited            unlimited            seconds\n",
		"Max open files            x                    20000                files\n",
		"Max open files            1024\n",
		"Max open files1024 2048 files\n",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct limit_pair lp;

		ck_assert_msg(limits_parse_nofile(bad[i], &lp) == -1, "accepted '%s'", bad[i]);
	}
}
END_TEST

static const char status_text[] =
	"Name:\tbash\nUmask:\t0022\nState:\tS (sleeping)\nPid:\t3128\n"
	"Uid:\t0\t0\t0\t0\nFDSize:\t256\nKthread:\t0\nVmSize:\t 8000 kB\n";

START_TEST(test_status_fields)
{
	unsigned long long v;
	char buf[32];

	ck_assert_int_eq(status_parse_ull(status_text, "FDSize", &v), 0);
	ck_assert_uint_eq(v, 256);
	ck_assert_int_eq(status_parse_ull(status_text, "Pid", &v), 0);
	ck_assert_uint_eq(v, 3128);
	/* The first of Uid's four fields. */
	ck_assert_int_eq(status_parse_ull(status_text, "Uid", &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(status_parse_str(status_text, "State", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "S (sleeping)");
	/* A key must match whole: "FD" is not "FDSize". */
	ck_assert_int_eq(status_parse_ull(status_text, "FD", &v), -1);
	ck_assert_int_eq(status_parse_ull(status_text, "Nope", &v), -1);
	ck_assert_int_eq(status_parse_ull(status_text, "Name", &v), -1);
	ck_assert_int_eq(status_parse_ull("FDSize:\t12x\n", "FDSize", &v), -1);
}
END_TEST

START_TEST(test_file_nr_three_numbers)
{
	unsigned long long v[3];

	ck_assert_int_eq(file_nr_parse("306\t0\t2466170\n", v), 0);
	ck_assert_uint_eq(v[0], 306);
	ck_assert_uint_eq(v[1], 0);
	ck_assert_uint_eq(v[2], 2466170);
	ck_assert_int_eq(file_nr_parse("306\t0\n", v), -1);
	ck_assert_int_eq(file_nr_parse("306 0 1 2\n", v), -1);
	ck_assert_int_eq(file_nr_parse("a b c\n", v), -1);
	ck_assert_int_eq(file_nr_parse("", v), -1);
}
END_TEST

START_TEST(test_read_ull_from_fixture_root)
{
	char root[] = "/tmp/fdscope-procfs-XXXXXX";
	char path[256];
	unsigned long long v = 0;
	FILE *f;

	ck_assert(mkdtemp(root) != NULL);
	snprintf(path, sizeof(path), "%s/sys", root);
	ck_assert(mkdir(path, 0700) == 0);
	snprintf(path, sizeof(path), "%s/sys/fs", root);
	ck_assert(mkdir(path, 0700) == 0);
	snprintf(path, sizeof(path), "%s/sys/fs/nr_open", root);
	f = fopen(path, "w");
	ck_assert(f != NULL);
	fputs("4242\n", f);
	fclose(f);
	ck_assert_int_eq(procfs_read_ull(root, "sys/fs/nr_open", &v), 0);
	ck_assert_uint_eq(v, 4242);
	ck_assert_int_eq(procfs_read_ull(root, "sys/fs/missing", &v), -1);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sys/fs", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/sys", root);
	rmdir(path);
	rmdir(root);
}
END_TEST

/* Shaped as Linux 5.15 prints them (no "Kthread:" line): what tells a
 * zombie from a kernel thread is State and stat's flags, never the
 * missing VmSize both share. */
static const char status_zombie_5[] =
	"Name:\tworker\nUmask:\t0022\nState:\tZ (zombie)\nTgid:\t4242\n"
	"Pid:\t4242\nPPid:\t4200\nThreads:\t1\nSigQ:\t0/63437\n";
static const char stat_zombie[] =
	"4242 (worker) Z 4200 4242 4200 0 -1 4227084 120 0 0 0 0 0 0 0 20 0 "
	"1 0 70279 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1\n";
static const char status_kthread_5[] =
	"Name:\tkworker/0:1\nUmask:\t0000\nState:\tI (idle)\nTgid:\t17\n"
	"Pid:\t17\nPPid:\t2\nThreads:\t1\nSigQ:\t0/63437\n";
static const char stat_kthread[] =
	"2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 23 0 0 "
	"18446744073709551615 0 0 0 0 0 0 0 2147483647 0 1 0 0 0 0 0\n";
static const char status_live_5[] =
	"Name:\tsleep\nState:\tS (sleeping)\nTgid:\t77\nPid:\t77\n"
	"VmPeak:\t    5484 kB\nVmSize:\t    5484 kB\nThreads:\t1\n";
static const char stat_live[] =
	"77 (a) b (c) S 1 77 77 0 -1 4194304 98 0 0 0 0 0 0 0 20 0 1 0 5 0\n";

START_TEST(test_classify_zombie_is_not_a_kernel_thread)
{
	ck_assert_int_eq(procfs_classify(status_zombie_5, stat_zombie),
			 PROCFS_TASK_ZOMBIE);
	ck_assert_int_eq(procfs_classify(status_zombie_5, NULL),
			 PROCFS_TASK_ZOMBIE);
	/* 6.x prints Kthread: 0 for it; State still comes first. */
	ck_assert_int_eq(procfs_classify("State:\tZ (zombie)\nKthread:\t0\n"
					 "Threads:\t1\n", stat_zombie),
			 PROCFS_TASK_ZOMBIE);
}
END_TEST

START_TEST(test_classify_kernel_thread_old_and_new)
{
	/* 5.x: PF_KTHREAD (0x00200000) in stat's ninth field. */
	ck_assert_int_eq(procfs_classify(status_kthread_5, stat_kthread),
			 PROCFS_TASK_KTHREAD);
	/* 6.x: the Kthread line. */
	ck_assert_int_eq(procfs_classify("State:\tS (sleeping)\nKthread:\t1\n",
					 NULL), PROCFS_TASK_KTHREAD);
	ck_assert_int_eq(procfs_classify("State:\tS (sleeping)\nKthread:\t0\n",
					 stat_kthread), PROCFS_TASK_LIVE);
	ck_assert_int_eq(procfs_classify(status_live_5, stat_live),
			 PROCFS_TASK_LIVE);
	/* Without stat nor Kthread, nothing says kernel thread. */
	ck_assert_int_eq(procfs_classify(status_kthread_5, NULL),
			 PROCFS_TASK_LIVE);
}
END_TEST

START_TEST(test_classify_exited_main_thread)
{
	/* The main thread called pthread_exit: the kernel shows the leader
	 * as a zombie, and Threads counts it with the live ones. */
	ck_assert_int_eq(procfs_classify("State:\tZ (zombie)\nThreads:\t2\n",
					 stat_zombie),
			 PROCFS_TASK_LEADER_EXITED);
}
END_TEST

START_TEST(test_stat_flags_after_odd_comm)
{
	unsigned long long f;

	ck_assert_int_eq(stat_parse_flags(stat_live, &f), 0);
	ck_assert_uint_eq(f, 4194304);
	ck_assert_int_eq(stat_parse_flags(stat_kthread, &f), 0);
	ck_assert_uint_eq(f, 2129984);
	ck_assert_int_eq(stat_parse_flags("1 (x) S 0 0", &f), -1);
	ck_assert_int_eq(stat_parse_flags("1 x S 0 0 0 0 -1 5 0", &f), -1);
	ck_assert_int_eq(stat_parse_flags("1 (x) S 0 0 0 0 -1 5x 0", &f), -1);
}
END_TEST

/* Field 22 after a comm with blanks and parentheses; the main thread's
 * own directory gives the process's time, a later child a later one. */
START_TEST(test_stat_start_time_after_odd_comm)
{
	unsigned long long t, self, task, child = 0;
	char rel[64];
	int piddir, taskdir, release;
	pid_t pid;

	ck_assert_int_eq(stat_parse_start_time(stat_live, &t), 0);
	ck_assert_uint_eq(t, 5);
	ck_assert_int_eq(stat_parse_start_time("1 (x) S 0 0 0 0 -1 5 0", &t), -1);
	piddir = procfs_open_pid("/proc", getpid());
	ck_assert_int_ge(piddir, 0);
	ck_assert_int_eq(procfs_start_time_at(piddir, &self), 0);
	snprintf(rel, sizeof(rel), "task/%ld", (long)getpid());
	taskdir = openat(piddir, rel, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(taskdir, 0);
	ck_assert_int_eq(procfs_start_time_at(taskdir, &task), 0);
	ck_assert_uint_eq(task, self);
	close(taskdir);
	close(piddir);
	pid = fork_waiter(&release, NULL);
	piddir = procfs_open_pid("/proc", pid);
	ck_assert_int_ge(piddir, 0);
	ck_assert_int_eq(procfs_start_time_at(piddir, &child), 0);
	close(piddir);
	close(release);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	ck_assert_uint_ge(child, self);
}
END_TEST

/* The reader: status and stat relative to a directory descriptor. */
START_TEST(test_classify_at_fixture_dir)
{
	char dir[] = "/tmp/fdscope-classify-XXXXXX", path[128];
	FILE *f;
	int d;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/status", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(status_kthread_5, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/stat", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(stat_kthread, f);
	fclose(f);
	d = open(dir, O_PATH | O_DIRECTORY);
	ck_assert_int_ge(d, 0);
	ck_assert_int_eq(procfs_classify_at(d), PROCFS_TASK_KTHREAD);
	close(d);
	unlink(path);
	snprintf(path, sizeof(path), "%s/status", dir);
	unlink(path);
	rmdir(dir);
	/* And the real thing: this process is live, kthreadd is not. */
	d = open("/proc/self", O_PATH | O_DIRECTORY);
	ck_assert_int_eq(procfs_classify_at(d), PROCFS_TASK_LIVE);
	close(d);
	d = open("/proc/2", O_PATH | O_DIRECTORY);
	if (d >= 0) {
		char comm[32] = "";

		procfs_read_at(d, "comm", comm, sizeof(comm));
		if (strcmp(comm, "kthreadd\n") == 0)
			ck_assert_int_eq(procfs_classify_at(d), PROCFS_TASK_KTHREAD);
		close(d);
	}
}
END_TEST

/* fdscope's own links: the real /proc, whatever the proc root; each names
 * what the kernel says it is, and a name too long is refused. */
START_TEST(test_own_paths_name_this_process)
{
	char path[64], link[PATH_MAX], tiny[8];
	struct stat a, b;
	ssize_t n;
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(procfs_self_fd_path(path, sizeof(path), fd, NULL), 0);
	n = readlink(path, link, sizeof(link) - 1);
	ck_assert_int_gt(n, 0);
	link[n] = '\0';
	ck_assert_str_eq(link, "/dev/null");
	close(fd);
	ck_assert_int_eq(procfs_self_path(path, sizeof(path), "exe"), 0);
	ck_assert_str_eq(path, "/proc/self/exe");
	ck_assert_int_eq(stat(path, &a), 0);
	ck_assert_int_eq(stat("/proc/self/exe", &b), 0);
	ck_assert(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	ck_assert_int_eq(procfs_thread_self_path(path, sizeof(path), "ns/net"), 0);
	ck_assert_str_eq(path, "/proc/thread-self/ns/net");
	ck_assert_int_eq(stat(path, &a), 0);
	ck_assert_int_eq(stat("/proc/self/ns/net", &b), 0);
	ck_assert(a.st_ino == b.st_ino);
	errno = 0;
	ck_assert_int_eq(procfs_self_path(tiny, sizeof(tiny), "mountinfo"), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
}
END_TEST

Suite *procfs_suite(void)
{
	Suite *s = suite_create("procfs");
	TCase *tc = tcase_create("fdinfo");

	tcase_add_test(tc, test_fdinfo_all_fields);
	tcase_add_test(tc, test_fdinfo_extra_lines_ignored);
	tcase_add_test(tc, test_fdinfo_missing_pos_field);
	tcase_add_test(tc, test_fdinfo_garbage_rejected);
	tcase_add_test(tc, test_fdinfo_no_trailing_newline_and_not_nul_terminated);
	tcase_add_test(tc, test_fdinfo_malformed_field_left_unset);
	tcase_add_test(tc, test_fdinfo_keys_are_whole_line_starts);
	tcase_add_test(tc, test_classify_zombie_is_not_a_kernel_thread);
	tcase_add_test(tc, test_classify_kernel_thread_old_and_new);
	tcase_add_test(tc, test_own_paths_name_this_process);
	tcase_add_test(tc, test_classify_exited_main_thread);
	tcase_add_test(tc, test_stat_flags_after_odd_comm);
	tcase_add_test(tc, test_stat_start_time_after_odd_comm);
	tcase_add_test(tc, test_classify_at_fixture_dir);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits-status-filenr");
	tcase_add_test(tc, test_limits_nofile_numbers);
	tcase_add_test(tc, test_limits_nofile_unlimited);
	tcase_add_test(tc, test_limits_nofile_missing_or_damaged);
	tcase_add_test(tc, test_status_fields);
	tcase_add_test(tc, test_file_nr_three_numbers);
	tcase_add_test(tc, test_read_ull_from_fixture_root);
	suite_add_tcase(s, tc);
	return s;
}
