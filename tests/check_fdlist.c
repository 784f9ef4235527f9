/* The collection of descriptor tables (proc/fdlist.c): a process pinned by
 * its /proc/PID descriptor, a table read through a live thread when the
 * main thread has exited, zombies said to be zombies, and collecting and
 * printing threads that hand an allocation failure back instead of
 * exiting (the FDSCOPE_FAIL_ALLOC_AFTER hook). */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/util.h"
#include "proc/fdlist.h"
#include "proc/procfs.h"
#include "procfix.h"
#include "testutil.h"

/* The descriptor numbers in a /proc fd directory, ascending; n of them. */
static int *read_fd_dir(const char *path, size_t *n)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int *fds = NULL;
	size_t i, j;

	ck_assert_msg(d != NULL, "cannot read %s", path);
	*n = 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		fds = realloc(fds, (*n + 1) * sizeof(*fds));
		ck_assert_ptr_nonnull(fds);
		fds[(*n)++] = atoi(de->d_name);
	}
	closedir(d);
	for (i = 1; i < *n; i++)
		for (j = i; j > 0 && fds[j - 1] > fds[j]; j--) {
			int t = fds[j];

			fds[j] = fds[j - 1];
			fds[j - 1] = t;
		}
	return fds;
}

static const struct json *limits_row(const struct json *doc)
{
	const struct json *arr = json_get(doc, "limits");

	ck_assert(arr != NULL && arr->kind == JSON_ARRAY && arr->n == 1);
	return json_at(arr, 0);
}

/* Issue 11 item 9: the main thread called pthread_exit, another thread
 * holds the table.  The kernel shows the leader as a zombie and its own
 * /proc/PID/fd empty; fdscope reads the table through the live thread. */
START_TEST(test_exited_main_thread_table_read_through_live_thread)
{
	struct holder h;
	struct run_result r;
	struct json *doc;
	const struct json *rows, *li;
	char pid[16], path[64];
	int *want;
	size_t nwant, i;
	long long tid;

	holder_start(&h, "leaderexit", "5", NULL);
	tid = holder_value(&h, "tid");
	ck_assert_int_ne(tid, h.pid);
	snprintf(pid, sizeof(pid), "%d", h.pid);
	snprintf(path, sizeof(path), "/proc/%d/fd", h.pid);
	want = read_fd_dir(path, &nwant);
	ck_assert_uint_eq(nwant, 0);
	free(want);
	snprintf(path, sizeof(path), "/proc/%d/task/%lld/fd", h.pid, tid);
	want = read_fd_dir(path, &nwant);
	ck_assert_uint_ge(nwant, 8);	/* 0 1 2, the pipe and 5 /dev/null */

	run_fdscope(&r, "list", "-p", pid, "-J", "-o", "FD,NAME", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_msg(strstr(r.err, "zombie") == NULL, "%s", r.err);
	doc = json_parse(r.out);
	ck_assert_ptr_nonnull(doc);
	rows = json_get(doc, "descriptors");
	ck_assert_uint_eq(rows->n, nwant);
	for (i = 0; i < nwant; i++)
		ck_assert_int_eq(json_int(json_at(rows, i), "fd"), want[i]);
	ck_assert(json_find_fd(doc, (int)holder_value(&h, "highest")) != NULL);
	json_free(doc);
	run_result_release(&r);

	run_fdscope(&r, "limits", "-p", pid, "-J", "-o", "pid,open,highest_fd", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	doc = json_parse(r.out);
	ck_assert_ptr_nonnull(doc);
	li = limits_row(doc);
	ck_assert_int_eq(json_int(li, "pid"), h.pid);
	ck_assert_int_eq(json_int(li, "open"), (long long)nwant);
	ck_assert_int_eq(json_int(li, "highest_fd"), want[nwant - 1]);
	json_free(doc);
	run_result_release(&r);
	free(want);
	holder_stop(&h);
}
END_TEST

/* A real zombie: its table is gone, and list says so (not "kernel
 * thread"); limits counts 0 open. */
START_TEST(test_zombie_is_called_a_zombie)
{
	struct run_result r;
	struct json *doc;
	char pid[16];
	pid_t z = fork();

	ck_assert_int_ge(z, 0);
	if (z == 0)
		_exit(0);
	/* Until it is a zombie: State Z in its status. */
	for (int i = 0; i < 200; i++) {
		char path[64], buf[4096], state[16] = "";
		int d;

		snprintf(path, sizeof(path), "/proc/%d", z);
		d = open(path, O_PATH | O_DIRECTORY);
		ck_assert_int_ge(d, 0);
		if (procfs_read_at(d, "status", buf, sizeof(buf)) > 0)
			status_parse_str(buf, "State", state, sizeof(state));
		close(d);
		if (state[0] == 'Z')
			break;
		usleep(10000);
	}
	snprintf(pid, sizeof(pid), "%d", z);
	run_fdscope(&r, "list", "-p", pid, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strstr(r.err, "is a zombie") != NULL, "%s", r.err);
	ck_assert_msg(strstr(r.err, "kernel thread") == NULL, "%s", r.err);
	ck_assert_uint_eq(r.out_len, 0);
	run_result_release(&r);
	run_fdscope(&r, "limits", "-p", pid, "-J", "-o", "open", NULL);
	ck_assert_int_eq(r.status, 0);
	doc = json_parse(r.out);
	ck_assert_int_eq(json_int(limits_row(doc), "open"), 0);
	json_free(doc);
	run_result_release(&r);
	ck_assert_int_eq(waitpid(z, NULL, 0), z);
}
END_TEST

/* fdscope's own table read through a pinned /proc/self: the caller's
 * handle is not listed, the reader is. */
/* Anonymous inodes: a descriptor whose fdinfo names the inode of one
 * already stat'ed takes that stat (fdlist.c, anon_stat_known); each must
 * still be exactly its own file's fstat, and a kind with an inode of its
 * own (a pidfd on pidfs, 6.9+) must not get another's. */
START_TEST(test_anon_inodes_keep_their_own_stat)
{
	int fds[5], n = 0, i;
	struct fd_proc p;
	bool shared;
	struct stat a, b;

	fds[n++] = eventfd(0, EFD_CLOEXEC);
	fds[n++] = eventfd(1, EFD_CLOEXEC);
	fds[n++] = epoll_create1(EPOLL_CLOEXEC);
	fds[n++] = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	fds[n++] = (int)syscall(SYS_pidfd_open, getpid(), 0);
	for (i = 0; i < n - 1; i++)
		ck_assert_int_ge(fds[i], 0);
	if (fds[n - 1] < 0)
		n--;	/* no pidfd_open (before 5.3): the others still count */
	ck_assert_int_eq(fstat(fds[0], &a), 0);
	ck_assert_int_eq(fstat(fds[1], &b), 0);
	/* The case that is taken from another descriptor's stat. */
	shared = a.st_ino == b.st_ino && a.st_dev == b.st_dev;
	ck_assert_int_eq(fd_proc_collect(&p, "/proc", 0, FDL_NEED_LINK |
					 FDL_NEED_STAT | FDL_NEED_FDINFO), 0);
	for (i = 0; i < n; i++) {
		const struct fd_entry *e = entry_of(&p, fds[i]);
		struct stat st;

		ck_assert_ptr_nonnull(e);
		ck_assert_int_eq(fstat(fds[i], &st), 0);
		ck_assert_int_eq(e->stat_errno, 0);
		ck_assert_uint_eq(e->st.st_ino, st.st_ino);
		ck_assert_uint_eq(e->st.st_dev, st.st_dev);
		ck_assert_uint_eq(e->st.st_mode, st.st_mode);
		ck_assert_uint_eq(e->st.st_nlink, st.st_nlink);
		ck_assert_uint_eq(e->st.st_uid, st.st_uid);
		ck_assert(!e->st_from_link);
	}
	fd_proc_release(&p);
	for (i = 0; i < n; i++)
		close(fds[i]);
	if (!shared)
		skip_part("eventfds have an inode each here: only their own "
			  "stats were compared");
}
END_TEST

/* The socket inode noted when a link is stored, the read link's and the
 * one made from fdinfo alike: each socket's own, 0 for a pipe and for a
 * file whose path merely contains "socket:[N]", and what parsing the link
 * again gives (an entry built by hand, nothing noted). */
START_TEST(test_socket_links_noted_with_their_inode)
{
	char dir[] = "/tmp/fdscope-linksock.XXXXXX", path[64];
	int fds[6], pipefd[2], n = 0, i;
	struct fd_proc p;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	fds[n++] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	fds[n++] = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	fds[n++] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
	fds[n++] = pipefd[0];
	fds[n++] = pipefd[1];
	snprintf(path, sizeof(path), "%s/socket:[%d]", dir, 12345);
	fds[n++] = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
	for (i = 0; i < n; i++)
		ck_assert_int_ge(fds[i], 0);
	ck_assert_int_eq(fd_proc_collect(&p, "/proc", 0, FDL_NEED_LINK |
					 FDL_NEED_STAT | FDL_NEED_FDINFO), 0);
	for (i = 0; i < n; i++) {
		const struct fd_entry *e = entry_of(&p, fds[i]);
		struct fd_entry bare;
		struct stat st;

		ck_assert_ptr_nonnull(e);
		ck_assert_ptr_nonnull(fd_entry_link(&p, e));
		ck_assert_int_ne(e->link_sock, LINK_SOCK_UNNOTED);
		ck_assert_int_eq(fstat(fds[i], &st), 0);
		ck_assert_uint_eq(fd_entry_link_socket(&p, e),
				  S_ISSOCK(st.st_mode) ? (unsigned long long)st.st_ino : 0);
		bare = *e;
		bare.link_sock = LINK_SOCK_UNNOTED;
		bare.link_sock_ino = 0;
		ck_assert_uint_eq(fd_entry_link_socket(&p, &bare),
				  fd_entry_link_socket(&p, e));
	}
	fd_proc_release(&p);
	for (i = 0; i < n; i++)
		close(fds[i]);
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(test_collect_at_self_leaves_out_the_pin)
{
	int piddir = procfs_open_pid("/proc", 0);
	struct fd_proc p;
	bool reader = false;
	size_t i;

	ck_assert_int_ge(piddir, 0);
	ck_assert_int_eq(fd_proc_collect_at(&p, piddir, 0, FDL_NEED_LINK), 0);
	for (i = 0; i < p.n; i++) {
		ck_assert_int_ne(p.fds[i].fd, piddir);
		reader = reader || p.fds[i].is_reader;
	}
	ck_assert(reader);
	ck_assert_int_eq(p.task, PROCFS_TASK_LIVE);
	fd_proc_release(&p);
	close(piddir);
}
END_TEST

/* An allocation failing in any worker (collecting threads, block printer
 * threads) is handed back: one line on stderr, exit 1, nothing at all on
 * stdout; once the hook allows every allocation, the full table. */
START_TEST(test_worker_alloc_failure_one_message_no_output)
{
	struct holder h;
	struct run_result ref, r;
	char pid[16], after[16];
	bool in_collect = false, in_print = false;
	int n;

	/* Over 1024 rows and 512 descriptors: collected by threads and
	 * printed in blocks, off a terminal. */
	holder_start(&h, "leaderexit", "1500", "live", NULL);
	snprintf(pid, sizeof(pid), "%d", h.pid);
	run_fdscope(&ref, "list", "-p", pid, "-o", "FD,TYPE,MODE,INODE,NAME", NULL);
	ck_assert_int_eq(ref.status, 0);
	ck_assert_uint_gt(ref.out_len, 1500 * 20);
	for (n = 0; n < 40; n++) {
		snprintf(after, sizeof(after), "%d", n);
		setenv("FDSCOPE_FAIL_ALLOC_AFTER", after, 1);
		run_fdscope(&r, "list", "-p", pid, "-o", "FD,TYPE,MODE,INODE,NAME",
			    NULL);
		unsetenv("FDSCOPE_FAIL_ALLOC_AFTER");
		if (r.status == 0) {
			size_t k = 0;

			while (k < r.out_len && k < ref.out_len &&
			       r.out[k] == ref.out[k])
				k++;
			ck_assert_msg(r.out_len == ref.out_len && k == r.out_len,
				      "after %d: output differs at byte %zu: %.60s",
				      n, k, r.out + (k > 20 ? k - 20 : 0));
			ck_assert_uint_eq(r.err_len, 0);
			run_result_release(&r);
			break;
		}
		ck_assert_msg(r.status == 1, "after %d: status %d", n, r.status);
		ck_assert_msg(r.out_len == 0, "after %d: %zu bytes on stdout", n,
			      r.out_len);
		ck_assert_msg(r.err_len > 0 && strchr(r.err, '\n') ==
			      r.err + r.err_len - 1, "after %d: %s", n, r.err);
		ck_assert_msg(strstr(r.err, "Cannot allocate memory") != NULL,
			      "after %d: %s", n, r.err);
		in_collect = in_collect ||
			strstr(r.err, "cannot read its descriptors") != NULL;
		in_print = in_print ||
			strstr(r.err, "cannot print the descriptor table") != NULL;
		run_result_release(&r);
	}
	ck_assert_msg(n < 40, "the hook never let the listing through");
	ck_assert_msg(in_collect && in_print,
		      "failures seen in collection %d, in printing %d",
		      in_collect, in_print);
	run_result_release(&ref);
	holder_stop(&h);
}
END_TEST

/* The pin: once the process is gone, its pinned /proc/PID reads nothing,
 * whatever process gets its number next. */
START_TEST(test_pinned_process_gone_reads_nothing)
{
	struct fd_proc p;
	int piddir;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	piddir = procfs_open_pid("/proc", pid);
	ck_assert_int_ge(piddir, 0);
	ck_assert_int_eq(fd_proc_collect_at(&p, piddir, pid, FDL_NEED_LINK), 0);
	ck_assert_uint_eq(p.n, count_pid_fds(pid, NULL));
	fd_proc_release(&p);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	ck_assert_int_eq(fd_proc_collect_at(&p, piddir, pid, FDL_NEED_LINK), -1);
	ck_assert_msg(errno == ENOENT || errno == ESRCH, "errno %d", errno);
	close(piddir);
}
END_TEST

/* Entry i's link, asserted to be what /proc says of its descriptor. */
static const char *link_is_procs(const struct fd_proc *p, size_t i)
{
	char path[64];
	static char link[256];
	ssize_t k;

	snprintf(path, sizeof(path), "/proc/%ld/fd/%d", (long)p->pid, p->fds[i].fd);
	k = readlink(path, link, sizeof(link) - 1);
	ck_assert(k > 0);
	link[k] = '\0';
	ck_assert_str_eq(fd_entry_link(p, &p->fds[i]), link);
	return link;
}

static bool fd_at_least(const void *ctx, int fd)
{
	return fd >= *(const int *)ctx;
}

/* pid's whole table by links alone: every entry's link /proc's, in
 * order. */
static void collect_links_checked(struct fd_proc *p, pid_t pid)
{
	size_t i;

	ck_assert_int_eq(fd_proc_collect(p, "/proc", pid, FDL_NEED_LINK), 0);
	ck_assert_uint_eq(p->n, count_pid_fds(pid, NULL));
	for (i = 0; i < p->n; i++) {
		link_is_procs(p, i);
		ck_assert(i == 0 || p->fds[i].fd > p->fds[i - 1].fd);
	}
}

/* A child holding the table fill makes (fill's status is the child's exit
 * status when it cannot), paused until killed, and its table collected
 * into p by links alone; 0 when RLIMIT_NOFILE cannot be raised to
 * nofile, said as a skip. */
static pid_t collect_table_child(struct fd_proc *p, rlim_t nofile,
				 int (*fill)(void), const char *what)
{
	struct rlimit rl;
	int ready[2], rc;
	char c;
	pid_t pid;

	ck_assert(getrlimit(RLIMIT_NOFILE, &rl) == 0);
	if (rl.rlim_cur < nofile && rl.rlim_max >= nofile)
		rl.rlim_cur = nofile;
	if (rl.rlim_cur < nofile) {
		skip_part("%s: RLIMIT_NOFILE below %llu", what,
			  (unsigned long long)nofile);
		return 0;
	}
	ck_assert(pipe(ready) == 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			_exit(1);
		rc = fill();
		if (rc != 0)
			_exit(rc);
		if (write(ready[1], "r", 1) != 1)
			_exit(9);
		pause();
		_exit(0);
	}
	close(ready[1]);
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	close(ready[0]);
	collect_links_checked(p, pid);
	return pid;
}

static int open_null_times(int n)
{
	while (n-- > 0)
		if (open("/dev/null", O_RDONLY) < 0)
			return -1;
	return 0;
}

#define LATE_SOCKET_FROM 2500

/* A socket pair among 2800 files, and an inet socket after them. */
static int fill_sockets_in_files(void)
{
	int sp[2];

	if (open_null_times(1400) < 0)
		return 2;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0)
		return 3;
	if (open_null_times(1400) < 0)
		return 4;
	return socket(AF_INET, SOCK_STREAM, 0) < LATE_SOCKET_FROM ? 5 : 0;
}

/* Links alone, another process's table is read a chunk of its directory
 * at a time (far more entries than one chunk here): every entry's link is
 * /proc's, and with FDL_NEED_SOCKETS_ONLY only the sockets are kept, each
 * with its own link, whatever chunk it was in; keep still decides. */
START_TEST(test_links_read_early_keep_every_link_or_only_sockets)
{
	struct fd_proc p;
	int from = LATE_SOCKET_FROM;
	size_t i, count;
	pid_t pid = collect_table_child(&p, 3200, fill_sockets_in_files,
					"test_links_read_early");

	if (pid == 0)
		return;
	ck_assert_uint_gt(p.n, 2800);
	for (i = 0, count = 0; i < p.n; i++)
		count += strncmp(link_is_procs(&p, i), "socket:[", 8) == 0;
	ck_assert_uint_eq(count, 3);
	fd_proc_release(&p);
	ck_assert_int_eq(fd_proc_collect(&p, "/proc", pid,
					 FDL_NEED_LINK | FDL_NEED_SOCKETS_ONLY), 0);
	ck_assert_uint_eq(p.n, 3);
	for (i = 0; i < p.n; i++) {
		ck_assert_int_eq(strncmp(link_is_procs(&p, i), "socket:[", 8), 0);
		ck_assert(i == 0 || p.fds[i].fd > p.fds[i - 1].fd);
	}
	fd_proc_release(&p);
	ck_assert_int_eq(fd_proc_collect_some(&p, "/proc", pid,
					      FDL_NEED_LINK | FDL_NEED_SOCKETS_ONLY,
					      fd_at_least, &from), 0);
	ck_assert_uint_eq(p.n, 1);
	ck_assert_int_ge(p.fds[0].fd, from);
	fd_proc_release(&p);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
}
END_TEST

/* The sockets /proc lists for pid, in order, and how many there are. */
static size_t procs_sockets(pid_t pid, int *fds, size_t max)
{
	char path[64], link[64];
	size_t n = 0;
	int fd;

	for (fd = 0; fd < 10000; fd++) {
		ssize_t k;

		snprintf(path, sizeof(path), "/proc/%ld/fd/%d", (long)pid, fd);
		k = readlink(path, link, sizeof(link) - 1);
		if (k <= 0)
			continue;
		link[k] = '\0';
		if (strncmp(link, "socket:[", 8) == 0 && n < max)
			fds[n++] = fd;
	}
	return n;
}

static const int far_sockets[] = { 3500, 6000, 9000 };

/* Over two ranges' worth of files (read by two threads or more where
 * there are the CPUs), then a socket at numbers far apart with a file
 * between them. */
static int fill_sockets_far_apart(void)
{
	size_t i;
	int s;

	if (open_null_times(2100) < 0)
		return 2;
	s = socket(AF_INET, SOCK_STREAM, 0);
	for (i = 0; i < ARRAY_SIZE(far_sockets); i++)
		if (s < 0 || dup2(s, far_sockets[i]) != far_sockets[i])
			return 3;
	return dup2(0, 7000) != 7000 || close(s) < 0 ? 4 : 0;
}

/* A large table is read by several threads, each taking ranges of
 * descriptor numbers: numbers far apart (ranges with nothing in them,
 * a table's last descriptor alone in its range) are all found, once
 * each, in order. */
START_TEST(test_links_read_early_sparse_numbers_each_found_once)
{
	struct fd_proc p;
	int want[16];
	size_t i, nwant;
	pid_t pid = collect_table_child(&p, 9100, fill_sockets_far_apart,
					"test_links_read_early_sparse");

	if (pid == 0)
		return;
	ck_assert_int_eq(p.fds[p.n - 1].fd, 9000);
	fd_proc_release(&p);
	/* The runner's inherited descriptors may hold sockets too. */
	nwant = procs_sockets(pid, want, sizeof(want) / sizeof(want[0]));
	ck_assert_uint_ge(nwant, 3);
	ck_assert_int_eq(fd_proc_collect(&p, "/proc", pid,
					 FDL_NEED_LINK | FDL_NEED_SOCKETS_ONLY), 0);
	ck_assert_uint_eq(p.n, nwant);
	for (i = 0; i < p.n; i++) {
		ck_assert_int_eq(p.fds[i].fd, want[i]);
		ck_assert_int_eq(strncmp(link_is_procs(&p, i), "socket:[", 8), 0);
	}
	fd_proc_release(&p);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
}
END_TEST

/* A kernel thread, found by the PF_KTHREAD bit of its stat (read here
 * with sscanf, not with fdscope's parser), is said to be one. */
static pid_t find_kernel_thread(void)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t found = 0;

	ck_assert_ptr_nonnull(d);
	while (found == 0 && (de = readdir(d)) != NULL) {
		char path[300], line[1024], *close_paren;
		unsigned long flags;
		FILE *f;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		if (fgets(line, sizeof(line), f) != NULL &&
		    (close_paren = strrchr(line, ')')) != NULL &&
		    sscanf(close_paren + 1, " %*c %*d %*d %*d %*d %*d %lu",
			   &flags) == 1 && (flags & 0x00200000UL))
			found = (pid_t)atoi(de->d_name);
		fclose(f);
	}
	closedir(d);
	return found;
}

START_TEST(test_kernel_thread_is_called_a_kernel_thread)
{
	struct run_result r;
	pid_t k = find_kernel_thread();
	char pid[16];

	ck_assert_msg(k > 0, "no kernel thread visible in /proc (a PID "
		      "namespace?): this test needs one");
	snprintf(pid, sizeof(pid), "%d", k);
	run_fdscope(&r, "list", "-p", pid, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strstr(r.err, "is a kernel thread") != NULL, "%s", r.err);
	ck_assert_msg(strstr(r.err, "zombie") == NULL, "%s", r.err);
	ck_assert_uint_eq(r.out_len, 0);
	run_result_release(&r);
}
END_TEST

/* Readers after collection pin the process again and check its start
 * time: a PID reused meanwhile (the fixture's directory renamed away and
 * made anew, started later) is refused, never read.  The protocol name is
 * read through the new pin: the fixture's fd 5 is a socket of ours. */
START_TEST(test_repin_refuses_a_reused_pid)
{
	char root[64], link[64];
	struct fd_proc p;
	int pin, sock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(sock, 0);
	procfix_root(root, sizeof(root));
	procfix_process(root, 4242, 100, "old", 41, "/");
	snprintf(link, sizeof(link), "/proc/%ld/fd/%d", (long)getpid(), sock);
	procfix_put(root, 4242, "fd/5", link, 1);
	ck_assert_int_eq(fd_proc_collect(&p, root, 4242, FDL_NEED_LINK), 0);
	ck_assert_uint_eq(p.n, 1);
	ck_assert_uint_eq(p.start_time, 100);
	pin = fd_proc_repin(root, &p);
	ck_assert_int_ge(pin, 0);
	fd_entry_read_proto(pin, &p.fds[0]);
	ck_assert_str_eq(p.fds[0].proto, "TCP");
	close(pin);
	procfix_reuse(root, 4242, 200, "new", 42, "/");
	errno = 0;
	ck_assert_int_eq(fd_proc_repin(root, &p), -1);
	ck_assert_int_eq(errno, ESRCH);
	/* Without a start time read at collection: refused as well. */
	p.start_time = PROCFS_NO_START;
	ck_assert_int_eq(fd_proc_repin(root, &p), -1);
	fd_proc_release(&p);
	close(sock);
	procfix_remove(root);
}
END_TEST

/* A second reading of a table (list's selections) reads the descriptors
 * of the first by number: one closed since is left out, one opened since
 * is not added, the others are read anew. */
START_TEST(test_collect_again_reads_the_earlier_descriptors)
{
	static const char *const links[] = { "/srv/a", "/srv/b", "/srv/c" };
	static const int fds[] = { 3, 5, 7 };
	char root[64], rel[32], path[128];
	struct fd_proc old, p;
	size_t i;

	procfix_root(root, sizeof(root));
	procfix_process(root, 4243, 100, "again", 41, "/");
	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		snprintf(rel, sizeof(rel), "fd/%d", fds[i]);
		procfix_put(root, 4243, rel, links[i], 1);
	}
	ck_assert_int_eq(fd_proc_collect(&old, root, 4243, FDL_NEED_LINK), 0);
	ck_assert_uint_eq(old.n, 3);
	snprintf(path, sizeof(path), "%s/4243/fd/5", root);
	ck_assert_int_eq(unlink(path), 0);
	procfix_put(root, 4243, "fd/9", "/srv/new", 1);
	snprintf(path, sizeof(path), "%s/4243/fd/3", root);
	ck_assert_int_eq(unlink(path), 0);
	procfix_put(root, 4243, "fd/3", "/srv/a2", 1);
	ck_assert_int_eq(fd_proc_collect_again(&p, root, &old, FDL_NEED_LINK), 0);
	ck_assert_uint_eq(p.n, 2);
	ck_assert_int_eq(p.fds[0].fd, 3);
	ck_assert_str_eq(fd_entry_link(&p, &p.fds[0]), "/srv/a2");
	ck_assert_int_eq(p.fds[1].fd, 7);
	ck_assert_str_eq(fd_entry_link(&p, &p.fds[1]), "/srv/c");
	fd_proc_release(&p);
	fd_proc_release(&old);
	procfix_remove(root);
}
END_TEST

Suite *fdlist_suite(void)
{
	Suite *s = suite_create("fdlist");
	TCase *tc = tcase_create("collect");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_exited_main_thread_table_read_through_live_thread);
	tcase_add_test(tc, test_zombie_is_called_a_zombie);
	tcase_add_test(tc, test_socket_links_noted_with_their_inode);
	tcase_add_test(tc, test_kernel_thread_is_called_a_kernel_thread);
	tcase_add_test(tc, test_collect_at_self_leaves_out_the_pin);
	tcase_add_test(tc, test_anon_inodes_keep_their_own_stat);
	tcase_add_test(tc, test_pinned_process_gone_reads_nothing);
	tcase_add_test(tc, test_links_read_early_keep_every_link_or_only_sockets);
	tcase_add_test(tc, test_links_read_early_sparse_numbers_each_found_once);
	tcase_add_test(tc, test_worker_alloc_failure_one_message_no_output);
	tcase_add_test(tc, test_repin_refuses_a_reused_pid);
	tcase_add_test(tc, test_collect_again_reads_the_earlier_descriptors);
	suite_add_tcase(s, tc);
	return s;
}
