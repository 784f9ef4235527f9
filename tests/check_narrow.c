/* Narrowed socket dumps (net/attach.c, find_or_add_ns and widen_narrowed):
 * a few processes' TCP and UDP sockets are asked of the kernel by their
 * cgroups, and TCP first by the listening state; whatever that misses is
 * dumped again whole.  Each test compares the rows with the whole dumps'
 * (FDSCOPE_INET_LOOKUP=dump), and the cost test counts the bytes the
 * kernel sent, so that narrowing that stopped working fails it. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#include "proc/cgroup.h"

#define SOCK_COLUMNS "FD,SOCK.FAMILY,SOCK.TYPE,SOCK.PROTO,LADDR,RADDR,STATE,NAME"
/* UDP sockets of this test's cgroup that a narrowed dump leaves out. */
#define OTHERS 300

/* A cgroup of this test, made under the cgroup2 mount and removed after:
 * a process is only ever moved into it by the test that started it. */
struct cgroup {
	char path[512];
	char home[512];		/* this process's cgroup, to come back to */
};

static bool cgroup_home(char *buf, size_t len)
{
	char text[4096], rel[256];
	int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n <= 0 || cgroup2_mount_point() == NULL ||
	    cgroup2_path_parse(text, (size_t)n, rel, sizeof(rel)) < 0)
		return false;
	snprintf(buf, len, "%s%s", cgroup2_mount_point(),
		 strcmp(rel, "/") == 0 ? "" : rel);
	return true;
}

static bool cgroup_make(struct cgroup *cg, const char *tag)
{
	if (!cgroup_home(cg->home, sizeof(cg->home)))
		return false;
	snprintf(cg->path, sizeof(cg->path), "%s/fdscope-test-%ld-%s",
		 cgroup2_mount_point(), (long)getpid(), tag);
	return mkdir(cg->path, 0755) == 0 || errno == EEXIST;
}

static void cgroup_move(const char *dir, pid_t pid)
{
	char path[600], num[24];
	int fd, len;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	len = snprintf(num, sizeof(num), "%ld\n", (long)pid);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	ck_assert_msg(write(fd, num, (size_t)len) == len, "moving %ld to %s: %s",
		      (long)pid, dir, strerror(errno));
	close(fd);
}

/* Its processes gone (the holders are reaped), the cgroup goes too. */
static void cgroup_remove(struct cgroup *cg)
{
	ck_assert_msg(rmdir(cg->path) == 0, "rmdir %s: %s", cg->path,
		      strerror(errno));
}

/* A cgroup may be made and removed here (root, a writable cgroup2). */
static bool can_make_cgroup(void)
{
	struct cgroup cg;

	return cgroup_make(&cg, "probe") && rmdir(cg.path) == 0;
}

/* The holder a test runs, for the teardown to stop after a failure. */
static struct holder *running;

static void start_holder(struct holder *h)
{
	holder_start(h, "sockholder", NULL);
	running = h;
}

static void stop_holder(struct holder *h)
{
	holder_stop(h);
	running = NULL;
}

static void list_json(struct run_result *r, pid_t pid, bool whole)
{
	char spid[16], cols[] = SOCK_COLUMNS, bin[512];
	char *argv[] = { bin, "list", "-p", spid, "-J", "-o", cols, NULL };

	snprintf(bin, sizeof(bin), "%s", fdscope_bin());
	snprintf(spid, sizeof(spid), "%ld", (long)pid);
	if (whole)
		setenv("FDSCOPE_INET_LOOKUP", "dump", 1);
	run_argv(r, argv, 30);
	unsetenv("FDSCOPE_INET_LOOKUP");
	ck_assert_msg(r->status == 0, "status %d: %s", r->status, r->err);
}

/* The rows of pid, narrowed and whole, are the same, and name its TCP
 * (listening, connected, accepted, IPv6) and UDP sockets. */
static void assert_same_rows(pid_t pid)
{
	struct run_result narrowed, whole;

	list_json(&narrowed, pid, false);
	list_json(&whole, pid, true);
	ck_assert_ptr_nonnull(strstr(whole.out, "\"TCP 127.0.0.1:"));
	ck_assert_ptr_nonnull(strstr(whole.out, "ESTABLISHED"));
	ck_assert_ptr_nonnull(strstr(whole.out, "\"TCP6 [::1]:"));
	ck_assert_ptr_nonnull(strstr(whole.out, "\"UDP 127.0.0.1:"));
	ck_assert_ptr_null(strstr(whole.out, "unbound"));
	ck_assert_str_eq(narrowed.out, whole.out);
	run_result_release(&narrowed);
	run_result_release(&whole);
}

/* What the narrowed dumps missed is found by netlink, not in the
 * (much dearer) second look through /proc/net that churn calls for. */
static void assert_no_procnet(pid_t pid)
{
	struct run_result r;
	char spid[16], *text, *line, *save;

	if (!have_strace()) {
		skip_part("strace is not installed: /proc/net reads not counted");
		return;
	}
	snprintf(spid, sizeof(spid), "%ld", (long)pid);
	text = strace_fdscope(&r, "openat", 64, "list", "-p", spid, NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		ck_assert_msg(!strstr(line, "\"tcp") && !strstr(line, "\"udp") &&
			      !strstr(line, "/net/tcp") && !strstr(line, "/net/udp"),
			      "/proc/net read: %s", line);
	free(text);
	run_result_release(&r);
}

/* Listeners first: the connected and accepted TCP sockets are dumped in a
 * second look, and every row is what the whole dumps give. */
START_TEST(test_narrowed_rows_match_the_whole_dumps)
{
	struct holder h;

	start_holder(&h);
	assert_same_rows(h.pid);
	assert_no_procnet(h.pid);
	stop_holder(&h);
}
END_TEST

/* Sockets keep the cgroup they were made in.  A holder moved to another
 * cgroup after making them is listed narrowed to the new one, which holds
 * none of them: every one is found in the whole dump that follows. */
START_TEST(test_sockets_made_in_another_cgroup_are_decoded)
{
	struct cgroup cg;
	struct holder h;

	ck_assert(cgroup_make(&cg, "moved"));
	start_holder(&h);
	cgroup_move(cg.path, h.pid);
	assert_same_rows(h.pid);
	assert_no_procnet(h.pid);
	stop_holder(&h);
	cgroup_remove(&cg);
}
END_TEST

static int bound_udp(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert(fd >= 0);
	ck_assert(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
	return fd;
}

/* What the kernel sent back to fdscope's sockets, by strace: the sum of
 * the results of recvfrom. */
static long long received_bytes(pid_t pid, bool whole)
{
	struct run_result r;
	char spid[16], *text, *line, *save;
	long long sum = 0;

	snprintf(spid, sizeof(spid), "%ld", (long)pid);
	if (whole)
		setenv("FDSCOPE_INET_LOOKUP", "dump", 1);
	text = strace_fdscope(&r, "recvfrom", 8, "list", "-p", spid, NULL);
	unsetenv("FDSCOPE_INET_LOOKUP");
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "UDP 127.0.0.1:"));
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *eq = strrchr(line, '=');

		if (strstr(line, "recvfrom(") && eq && eq[1] == ' ')
			sum += atoll(eq + 2);
	}
	free(text);
	run_result_release(&r);
	return sum;
}

/* A service's process, in a cgroup of its own, among OTHERS UDP sockets
 * of another cgroup (this test's): the narrowed dumps bring back less
 * than those sockets would take, the whole ones more (so the test can
 * fail), and the rows are the same. */
START_TEST(test_narrowed_dumps_leave_other_cgroups_out)
{
	struct cgroup cg;
	struct holder h;
	int others[OTHERS], i;
	long long narrowed, whole;
	/* The smallest inet_diag message: header and inet_diag_msg. */
	const long long per = 16 + 72;

	ck_assert(cgroup_make(&cg, "service"));
	for (i = 0; i < OTHERS; i++)
		others[i] = bound_udp();
	/* The holder is forked here: its sockets are made in cg. */
	cgroup_move(cg.path, getpid());
	start_holder(&h);
	cgroup_move(cg.home, getpid());
	narrowed = received_bytes(h.pid, false);
	whole = received_bytes(h.pid, true);
	ck_assert_msg(whole > OTHERS * per, "whole dumps: %lld bytes", whole);
	ck_assert_msg(narrowed < OTHERS * per, "narrowed dumps: %lld bytes "
		      "(whole: %lld)", narrowed, whole);
	assert_same_rows(h.pid);
	stop_holder(&h);
	for (i = 0; i < OTHERS; i++)
		close(others[i]);
	cgroup_remove(&cg);
}
END_TEST

/* The cgroups of test processes that are gone: a failed test exits
 * before its teardown, and its holder (whose stdin it held) a moment
 * after it.  Run by the runner after each tcase, and when the suite is
 * made (the leftovers of an earlier run).  Bounded: 2 s per cgroup. */
static void sweep_stale_cgroups(void)
{
	const char *mnt = cgroup2_mount_point();
	DIR *d = mnt ? opendir(mnt) : NULL;
	struct dirent *e;

	while (d && (e = readdir(d)) != NULL) {
		char path[600], proc[64];
		long pid;
		int tries;

		if (sscanf(e->d_name, "fdscope-test-%ld-", &pid) != 1)
			continue;
		snprintf(proc, sizeof(proc), "/proc/%ld", pid);
		if (access(proc, F_OK) == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", mnt, e->d_name);
		for (tries = 0; rmdir(path) != 0 && errno == EBUSY && tries < 40;
		     tries++)
			usleep(50000);
	}
	if (d)
		closedir(d);
}

/* After a test that passed (a checked fixture runs in the test's own
 * process): its holder stopped, back home, and the test's cgroups gone
 * once empty. */
static void cgroups_teardown(void)
{
	static const char *const tags[] = { "moved", "service", "id" };
	struct cgroup cg;
	size_t i;

	if (running)
		stop_holder(running);
	if (!cgroup_home(cg.home, sizeof(cg.home)))
		return;
	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		snprintf(cg.path, sizeof(cg.path), "%s/fdscope-test-%ld-%s",
			 cgroup2_mount_point(), (long)getpid(), tags[i]);
		if (strcmp(cg.path, cg.home) == 0) {
			char root[512];

			snprintf(root, sizeof(root), "%s", cgroup2_mount_point());
			cgroup_move(root, getpid());
		}
		rmdir(cg.path);
	}
}

START_TEST(test_cgroup2_path_of_the_unified_line)
{
	const char hybrid[] = "12:pids:/user.slice\n1:name=systemd:/x\n"
			      "0::/system.slice/ssh.service\n";
	const char v1[] = "4:memory:/a\n", root[] = "0::/\n";
	char buf[64];

	ck_assert_int_eq(cgroup2_path_parse(hybrid, strlen(hybrid), buf,
					    sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/system.slice/ssh.service");
	ck_assert_int_eq(cgroup2_path_parse(root, strlen(root), buf,
					    sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/");
	ck_assert_int_eq(cgroup2_path_parse(v1, strlen(v1), buf, sizeof(buf)), -1);
	/* Too long for the buffer: no cut path. */
	ck_assert_int_eq(cgroup2_path_parse(hybrid, strlen(hybrid), buf, 8), -1);
}
END_TEST

/* The ID is the kernel's: the inode of the cgroup's directory, which a
 * process moved there reports. */
START_TEST(test_cgroup2_id_is_the_directory_inode)
{
	struct cgroup cg;
	struct stat st;
	int self;

	ck_assert(cgroup_make(&cg, "id"));
	ck_assert_int_eq(stat(cg.path, &st), 0);
	cgroup_move(cg.path, getpid());
	self = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(self, 0);
	ck_assert_uint_eq(cgroup2_id_at(self), (unsigned long long)st.st_ino);
	cgroup_move(cg.home, getpid());
	ck_assert_uint_ne(cgroup2_id_at(self), (unsigned long long)st.st_ino);
	close(self);
	cgroup_remove(&cg);
}
END_TEST

/* A tcase whose tests may leave a cgroup: the teardowns remove it. */
static TCase *cgroup_tcase(const char *name, int timeout)
{
	TCase *tc = tcase_create(name);

	tcase_set_timeout(tc, timeout);
	tcase_add_checked_fixture(tc, NULL, cgroups_teardown);
	tcase_add_unchecked_fixture(tc, NULL, sweep_stale_cgroups);
	return tc;
}

Suite *narrow_suite(void)
{
	Suite *s = suite_create("narrow");
	TCase *tc = cgroup_tcase("core", 10);
	bool cgroups = can_make_cgroup();

	if (cgroups)
		sweep_stale_cgroups();
	tcase_add_test(tc, test_cgroup2_path_of_the_unified_line);
	tcase_add_test_if("narrow", tc, cgroups,
			  test_cgroup2_id_is_the_directory_inode,
			  "no writable cgroup2 mount");
	suite_add_tcase(s, tc);
	tc = cgroup_tcase("list", 60);
	tcase_add_test(tc, test_narrowed_rows_match_the_whole_dumps);
	tcase_add_test_if("narrow", tc, cgroups,
			  test_sockets_made_in_another_cgroup_are_decoded,
			  "no writable cgroup2 mount");
	tcase_add_test_if("narrow", tc, cgroups && have_strace(),
			  test_narrowed_dumps_leave_other_cgroups_out,
			  "no writable cgroup2 mount, or strace is not installed");
	suite_add_tcase(s, tc);
	return s;
}
