/* Hostile inputs and environments, run against the built binary as a user
 * would: PIDs that are not processes (or no longer, or not ours), option
 * garbage, closed and full standard streams, a thousand inherited
 * descriptors, an exhausted limit, names made of control bytes and invalid
 * UTF-8, a /proc that lies, peers that misbehave towards `serve`, and
 * SIGINT at every point of every demo.  Each test pins the exit status and
 * the message; every load is bounded in count and time. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <poll.h>
#include <pty.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "lib/caps.h"
#include "testutil.h"

/* How the child's standard streams are set up before exec. */
enum stream_mode {
	STREAM_DEFAULT,		/* stdin /dev/null; stdout, stderr captured */
	STREAM_CLOSED,		/* closed */
};

struct spawn_opts {
	enum stream_mode in, out;
	/* Runs in the child after the streams are set up, just before exec;
	 * returns -1 to make the child exit with 126. */
	int (*setup)(void *arg);
	void *arg;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void grow_append(char **buf, size_t *len, const char *p, size_t n)
{
	*buf = realloc(*buf, *len + n + 1);
	ck_assert(*buf != NULL);
	memcpy(*buf + *len, p, n);
	*len += n;
	(*buf)[*len] = '\0';
}

/* Like run_argv, with control over the streams and a set-up hook. */
static void spawn_run(struct run_result *r, const struct spawn_opts *o,
		      char *const argv[], int timeout_s)
{
	int outp[2], errp[2], st, fds[2];
	long long deadline = now_ms() + (long long)timeout_s * 1000;
	bool killed = false;
	pid_t pid;
	int i;

	memset(r, 0, sizeof(*r));
	grow_append(&r->out, &r->out_len, "", 0);
	grow_append(&r->err, &r->err_len, "", 0);
	ck_assert(pipe2(outp, O_CLOEXEC) == 0);
	ck_assert(pipe2(errp, O_CLOEXEC) == 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (o->in == STREAM_CLOSED)
			close(0);
		else
			dup2(devnull, 0);
		dup2(outp[1], 1);
		dup2(errp[1], 2);
		if (o->out == STREAM_CLOSED)
			close(1);
		close(devnull);
		if (o->setup && o->setup(o->arg) < 0)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	close(outp[1]);
	close(errp[1]);
	fds[0] = outp[0];
	fds[1] = errp[0];
	while (fds[0] >= 0 || fds[1] >= 0) {
		struct pollfd pf[2] = { { fds[0], POLLIN, 0 }, { fds[1], POLLIN, 0 } };
		long long left = deadline - now_ms();
		char buf[65536];

		if (left <= 0 && !killed) {
			kill(pid, SIGKILL);
			killed = true;
		}
		if (poll(pf, 2, left > 0 ? (int)left : 1000) < 0 && errno != EINTR)
			ck_abort_msg("poll: %s", strerror(errno));
		for (i = 0; i < 2; i++) {
			ssize_t n;

			if (fds[i] < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(fds[i], buf, sizeof(buf));
			if (n > 0 && i == 0)
				grow_append(&r->out, &r->out_len, buf, (size_t)n);
			else if (n > 0)
				grow_append(&r->err, &r->err_len, buf, (size_t)n);
			else if (n == 0 || errno != EINTR) {
				close(fds[i]);
				fds[i] = -1;
			}
		}
	}
	ck_assert(waitpid(pid, &st, 0) == pid);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	ck_assert_msg(!killed, "%s did not finish within %d s", argv[0], timeout_s);
}

/* argv for fdscope from a NULL-terminated list; free with free_argv. */
static char **fdscope_argv(const char *first, va_list ap)
{
	char **argv = calloc(64, sizeof(*argv));
	size_t n = 0;
	const char *a = first;

	ck_assert(argv != NULL);
	argv[n++] = strdup(fdscope_bin());
	for (; a != NULL && n < 63; a = va_arg(ap, const char *))
		argv[n++] = strdup(a);
	return argv;
}

static void free_argv(char **argv)
{
	size_t i;

	for (i = 0; argv[i]; i++)
		free(argv[i]);
	free(argv);
}

/* argv for fdscope from a NULL-terminated array of arguments. */
static char **argv_of(const char *const *args)
{
	char **argv = calloc(64, sizeof(*argv));
	size_t n = 0;

	ck_assert(argv != NULL);
	argv[n++] = strdup(fdscope_bin());
	for (; *args && n < 63; args++)
		argv[n++] = strdup(*args);
	return argv;
}

static void spawn_fdscope(struct run_result *r, const struct spawn_opts *o,
			  const char *first, ...)
{
	va_list ap;
	char **argv;

	va_start(ap, first);
	argv = fdscope_argv(first, ap);
	va_end(ap);
	spawn_run(r, o, argv, 60);
	free_argv(argv);
}

/* fdscope's messages: one or more lines, each "fdscope: ...". */
static void assert_messages(const struct run_result *r, const char *needle)
{
	const char *line = r->err;

	ck_assert_msg(r->err_len > 0, "no message on stderr");
	while (*line) {
		ck_assert_msg(strncmp(line, "fdscope: ", 9) == 0,
			      "stderr line not in 'fdscope: WHAT: WHY' form: %s", line);
		line = strchr(line, '\n');
		ck_assert_msg(line != NULL, "stderr does not end in a newline");
		line++;
	}
	if (needle)
		ck_assert_msg(strstr(r->err, needle) != NULL,
			      "stderr lacks '%s': %s", needle, r->err);
}

/* Strict UTF-8 with no C0 control byte but newline and tab. */
static bool clean_utf8(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k, len;

	while (i < n) {
		if (p[i] < 0x80) {
			if ((p[i] < 0x20 && p[i] != '\n' && p[i] != '\t') || p[i] == 0x7f)
				return false;
			i++;
			continue;
		}
		len = p[i] >= 0xf0 ? 4 : p[i] >= 0xe0 ? 3 : p[i] >= 0xc2 ? 2 : 0;
		if (len == 0 || p[i] > 0xf4 || i + len > n)
			return false;
		for (k = 1; k < len; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
		i += len;
	}
	return true;
}

/* Files left in dir (the TMPDIR fdscope was given). */
static int entries_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	ck_assert(d != NULL);
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* Asks python3 too, when there is one: a second, independent reader. */
static void assert_python_json(const char *text, size_t len)
{
	FILE *f;
	int st;

	/* python3 is in the Makefile's DEB_PACKAGES. */
	ck_assert_msg(access("/usr/bin/python3", X_OK) == 0,
		      "python3 missing: run 'make deps'");
	f = popen("/usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' "
		  ">/dev/null 2>&1", "w");
	ck_assert(f != NULL);
	ck_assert(fwrite(text, 1, len, f) == len);
	st = pclose(f);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "python3 rejects the JSON: %s", text);
}

static size_t json_rows(const struct json *doc)
{
	const struct json *a = json_get(doc, "descriptors");

	ck_assert_msg(a != NULL && a->kind == JSON_ARRAY, "no descriptors array");
	return a->n;
}

/* ---- PIDs ---------------------------------------------------------- */

static const char *const bad_pids[] = {
	"0", "-1", "abc", "1e3", "", " ", "5;6", "0x10", "12abc", "+", "99999999999999999999",
};

START_TEST(test_pid_garbage_is_usage_error)
{
	static const char *const cmds[] = { "list", "limits" };
	struct run_result r;
	size_t i, c;

	for (c = 0; c < 2; c++) {
		for (i = 0; i < sizeof(bad_pids) / sizeof(bad_pids[0]); i++) {
			run_fdscope(&r, cmds[c], "-p", bad_pids[i], NULL);
			ck_assert_msg(r.status == 2, "%s -p '%s': status %d, stderr %s",
				      cmds[c], bad_pids[i], r.status, r.err);
			assert_messages(&r, "invalid PID");
			ck_assert_msg(r.out_len == 0, "output on a usage error: %s", r.out);
			run_result_release(&r);
		}
	}
}
END_TEST

START_TEST(test_pid_absent_is_runtime_error)
{
	struct run_result r;

	/* Above pid_max's ceiling (2^22): never a process. */
	run_fdscope(&r, "list", "-p", "99999999", NULL);
	ck_assert_int_eq(r.status, 1);
	assert_messages(&r, "no such process");
	run_result_release(&r);
	run_fdscope(&r, "limits", "-p", "99999999", NULL);
	ck_assert_int_eq(r.status, 1);
	assert_messages(&r, "no such process");
	run_result_release(&r);
}
END_TEST

START_TEST(test_pid_zombie_has_no_descriptors)
{
	struct run_result r;
	struct json *doc;
	char pidtext[32];
	pid_t pid = fork();

	ck_assert(pid >= 0);
	if (pid == 0)
		_exit(0);
	/* Not reaped: it stays a zombie until waitpid below. */
	for (int i = 0; i < 200; i++) {
		char path[64], state[8] = "";
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
		f = fopen(path, "r");
		ck_assert(f != NULL);
		ck_assert(fscanf(f, "%*d (%*[^)]) %7s", state) == 1);
		fclose(f);
		if (state[0] == 'Z')
			break;
		usleep(10000);
	}
	snprintf(pidtext, sizeof(pidtext), "%ld", (long)pid);
	run_fdscope(&r, "list", "-p", pidtext, "-J", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	doc = json_parse(r.out);
	ck_assert_msg(doc != NULL, "invalid JSON: %s", r.out);
	ck_assert_uint_eq(json_rows(doc), 0);
	json_free(doc);
	run_result_release(&r);
	run_fdscope(&r, "limits", "-p", pidtext, "-J", "-o", "pid,open", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	doc = json_parse(r.out);
	ck_assert(doc != NULL);
	ck_assert_int_eq(json_int(json_at(json_get(doc, "limits"), 0), "open"), 0);
	json_free(doc);
	run_result_release(&r);
	ck_assert(waitpid(pid, NULL, 0) == pid);
}
END_TEST

/* A kernel thread of this PID namespace, or 0 when none is visible.  Also
 * called while the suite is built (no ck_assert there). */
static pid_t find_kernel_thread(void)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t found = 0;

	if (d == NULL)
		return 0;
	while (found == 0 && (de = readdir(d)) != NULL) {
		char path[300], buf[4096];
		ssize_t n;
		int fd;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/status", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		if (strstr(buf, "\nKthread:\t1\n") ||
		    (strstr(buf, "\nPPid:\t0\n") && strcmp(de->d_name, "2") == 0 &&
		     !strstr(buf, "\nVmSize:")))
			found = (pid_t)atol(de->d_name);
	}
	closedir(d);
	return found;
}

START_TEST(test_pid_kernel_thread)
{
	struct run_result r;
	struct json *doc;
	char pidtext[32];
	pid_t k = find_kernel_thread();

	ck_assert_msg(k != 0, "no kernel thread visible: the suite checked");
	snprintf(pidtext, sizeof(pidtext), "%ld", (long)k);
	run_fdscope(&r, "list", "-p", pidtext, "-J", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	doc = json_parse(r.out);
	ck_assert_msg(doc != NULL, "invalid JSON: %s", r.out);
	ck_assert_uint_eq(json_rows(doc), 0);
	json_free(doc);
	run_result_release(&r);
	run_fdscope(&r, "limits", "-p", pidtext, "-J", "-o", "pid,open,soft", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	doc = json_parse(r.out);
	ck_assert(doc != NULL);
	ck_assert_int_eq(json_int(json_at(json_get(doc, "limits"), 0), "open"), 0);
	ck_assert_int_eq(json_int(json_at(json_get(doc, "limits"), 0), "pid"), k);
	json_free(doc);
	run_result_release(&r);
}
END_TEST

/* A child of another user: it drops to nobody and waits for its stdin to
 * close. */
static pid_t start_nobody(int *ctl)
{
	int p[2];
	pid_t pid;
	char c;

	ck_assert(pipe2(p, O_CLOEXEC) == 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		if (setresgid(65534, 65534, 65534) < 0 ||
		    setresuid(65534, 65534, 65534) < 0)
			_exit(1);
		/* Changing IDs made it undumpable, which would hand its /proc
		 * files to root; a process started as nobody is dumpable. */
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
		close(p[1]);
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(p[0]);
	*ctl = p[1];
	return pid;
}

/* From /proc/self/status, so that the answer does not need libcap; false
 * when it cannot be read. */
static bool have_effective_cap(int cap)
{
	char buf[4096], *p;
	unsigned long long eff;
	ssize_t n;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

	/* Also called while the suite is built: no ck_assert. */
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strstr(buf, "\nCapEff:");
	if (p == NULL || sscanf(p + 8, "%llx", &eff) != 1)
		return false;
	return (eff >> cap) & 1;
}

static int drop_caps_setup(void *arg)
{
	(void)arg;
	return caps_drop_for_demo();
}

START_TEST(test_pid_other_user_denied)
{
	struct spawn_opts o = { STREAM_DEFAULT, STREAM_DEFAULT, drop_caps_setup, NULL };
	struct run_result r;
	char pidtext[32];
	int ctl, st;
	pid_t pid;

	pid = start_nobody(&ctl);
	usleep(100000);
	snprintf(pidtext, sizeof(pidtext), "%ld", (long)pid);
	/* Root without CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH is refused
	 * another user's descriptor table like anyone else. */
	spawn_fdscope(&r, &o, "list", "-p", pidtext, NULL);
	ck_assert_msg(r.status == 1, "status %d: %s", r.status, r.err);
	assert_messages(&r, "permission denied");
	run_result_release(&r);
	/* limits: /proc/PID/limits is world-readable, the count is not. */
	spawn_fdscope(&r, &o, "limits", "-p", pidtext, "-J", NULL);
	ck_assert_msg(r.status == 1, "status %d: %s", r.status, r.err);
	assert_messages(&r, "cannot count its descriptors");
	ck_assert_msg(strstr(r.out, "\"soft\"") != NULL, "limits not shown: %s", r.out);
	run_result_release(&r);
	/* With CAP_SYS_PTRACE (root has it here, not in every container)
	 * the same listing works. */
	if (have_effective_cap(CAP_SYS_PTRACE)) {
		run_fdscope(&r, "list", "-p", pidtext, NULL);
		ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
		run_result_release(&r);
	}
	close(ctl);
	ck_assert(waitpid(pid, &st, 0) == pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}
END_TEST

/* A process holding many descriptors that exits after a delay, so that
 * fdscope is reading its table when it goes.  Its parent ignores SIGCHLD,
 * so it is reaped at once and /proc/PID disappears rather than staying as
 * a zombie.  Returns the parent (to wait for); *victim is the process. */
static pid_t start_short_lived(int nfds, int delay_us, pid_t *victim)
{
	int p[2];
	pid_t pid;

	ck_assert(pipe2(p, O_CLOEXEC) == 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		pid_t v;

		signal(SIGCHLD, SIG_IGN);
		v = fork();
		if (v == 0) {
			int i;

			pid_t me = getpid();

			for (i = 0; i < nfds; i++)
				if (dup(2) < 0)
					break;
			/* Its descriptors are open once it says who it is. */
			if (write(p[1], &me, sizeof(me)) != sizeof(me))
				_exit(1);
			usleep((useconds_t)delay_us);
			_exit(0);
		}
		if (v < 0)
			_exit(1);
		/* Outlive the child so that the kernel reaps it for us: with
		 * SIGCHLD ignored, wait returns (ECHILD) once it is gone. */
		while (wait(NULL) > 0 || errno == EINTR)
			;
		_exit(0);
	}
	close(p[1]);
	ck_assert(read(p[0], victim, sizeof(*victim)) == sizeof(*victim));
	close(p[0]);
	return pid;
}

START_TEST(test_pid_exits_while_listed)
{
	struct run_result r;
	char pidtext[32];
	int i, full = 0, partial = 0, gone = 0;

	for (i = 0; i < 40; i++) {
		pid_t victim, parent = start_short_lived(3000, i * 2000, &victim);

		snprintf(pidtext, sizeof(pidtext), "%ld", (long)victim);
		run_fdscope(&r, "list", "-p", pidtext, "-J", "-o", "fd,type,pos,name", NULL);
		ck_assert_msg(r.status == 0 || r.status == 1,
			      "round %d: status %d: %s", i, r.status, r.err);
		if (r.status == 0) {
			struct json *doc = json_parse(r.out);

			ck_assert_msg(doc != NULL, "round %d: invalid JSON", i);
			if (json_rows(doc) >= 3003)
				full++;
			else
				partial++;
			json_free(doc);
		} else {
			assert_messages(&r, "no such process");
			gone++;
		}
		run_result_release(&r);
		ck_assert(waitpid(parent, NULL, 0) == parent);
	}
	printf("test_pid_exits_while_listed: 40 rounds: %d listed whole, %d "
	       "cut short by the exit, %d gone before the read\n",
	       full, partial, gone);
}
END_TEST

START_TEST(test_list_all_while_processes_churn)
{
	struct run_result r;
	struct holder h;
	pid_t kids[16], victim;
	int i, k;

	/* A process that does not churn: all of its table must be listed
	 * however many others come and go. */
	holder_start(&h, "fdholder", NULL);
	for (i = 0; i < 6; i++) {
		for (k = 0; k < 16; k++)
			kids[k] = start_short_lived(200, k * 3000, &victim);
		run_fdscope(&r, "list", "--all", "-J", NULL);
		ck_assert_msg(r.status == 0, "round %d: status %d: %s", i, r.status, r.err);
		{
			struct json *doc = json_parse(r.out);

			const struct json *rows;
			size_t n, found = 0;

			ck_assert_msg(doc != NULL, "round %d: invalid JSON", i);
			rows = json_get(doc, "descriptors");
			for (n = 0; n < rows->n; n++)
				found += json_int(rows->items[n], "pid") == h.pid;
			ck_assert_uint_eq(found, count_pid_fds(h.pid, NULL));
			json_free(doc);
		}
		run_result_release(&r);
		for (k = 0; k < 16; k++)
			ck_assert(waitpid(kids[k], NULL, 0) == kids[k]);
	}
	holder_stop(&h);
}
END_TEST

/* ---- option values ------------------------------------------------- */

START_TEST(test_set_garbage)
{
	static const char *const usage[] = {
		"garbage", "1:2:3", ":", "", "1e3", "0x10", "unlimited::", "5::",
		" 5", "1.5", "99999999999999999999999", "unlimitedx", "5:abc",
		":abc", "abc:", "-5", "5:-1", ":-1",
	};
	struct run_result r;
	size_t i;

	for (i = 0; i < sizeof(usage) / sizeof(usage[0]); i++) {
		run_fdscope(&r, "limits", "--set", usage[i], NULL);
		ck_assert_msg(r.status == 2, "--set '%s': status %d, %s", usage[i],
			      r.status, r.err);
		assert_messages(&r, "invalid limit");
		run_result_release(&r);
	}
	/* Negative numbers are understood, and refused as out of range. */
	run_fdscope(&r, "limits", "--set", "-5", NULL);
	ck_assert_int_eq(r.status, 2);
	assert_messages(&r, "below zero");
	run_result_release(&r);
	/* 2^63: a number, but above the hard limit and fs.nr_open. */
	run_fdscope(&r, "limits", "--set", "9223372036854775808", NULL);
	ck_assert_int_eq(r.status, 1);
	assert_messages(&r, "hard limit");
	run_result_release(&r);
}
END_TEST

/* ---- standard streams ---------------------------------------------- */

START_TEST(test_stdout_closed)
{
	struct spawn_opts o = { STREAM_DEFAULT, STREAM_CLOSED, NULL, NULL };
	struct run_result r;

	spawn_fdscope(&r, &o, "list", NULL);
	ck_assert_msg(r.status == 1, "status %d: %s", r.status, r.err);
	assert_messages(&r, "cannot write to standard output");
	run_result_release(&r);
	spawn_fdscope(&r, &o, "limits", "-J", NULL);
	ck_assert_msg(r.status == 1, "status %d: %s", r.status, r.err);
	assert_messages(&r, "cannot write to standard output");
	run_result_release(&r);
}
END_TEST

START_TEST(test_stdin_closed)
{
	struct spawn_opts o = { STREAM_CLOSED, STREAM_DEFAULT, NULL, NULL };
	struct run_result r;
	struct json *doc;

	const struct json *row;
	size_t rows;

	/* The lowest free number is 0: the directory fdscope reads its own
	 * table through gets it, and says so; 1 and 2 are still there. */
	spawn_fdscope(&r, &o, "list", "-J", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	doc = json_parse(r.out);
	ck_assert_msg(doc != NULL, "invalid JSON: %s", r.out);
	rows = json_rows(doc);
	row = json_find_fd(doc, 0);
	ck_assert_msg(row != NULL, "no row for fd 0: %s", r.out);
	ck_assert_str_eq(json_str(row, "type"), "DIR");
	ck_assert_str_eq(json_str(row, "note"), "fdscope reading /proc/self/fd");
	ck_assert(json_find_fd(doc, 1) != NULL && json_find_fd(doc, 2) != NULL);
	json_free(doc);
	run_result_release(&r);
	/* limits counts the same table, without its counting descriptor. */
	spawn_fdscope(&r, &o, "limits", "-J", "-o", "open,highest_fd", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	doc = json_parse(r.out);
	ck_assert_msg(doc != NULL, "invalid JSON: %s", r.out);
	ck_assert_int_eq(json_int(json_at(json_get(doc, "limits"), 0), "open"), (long long)rows - 1);
	json_free(doc);
	run_result_release(&r);
}
END_TEST

/* `fdscope list --all | head -1`: the reader goes after one line. */
START_TEST(test_stdout_reader_goes_away)
{
	int outp[2], errp[2], st, round;

	for (round = 0; round < 5; round++) {
		char c = 0, err[4096];
		ssize_t n, got = 0;
		pid_t pid;

		ck_assert(pipe2(outp, O_CLOEXEC) == 0);
		ck_assert(pipe2(errp, O_CLOEXEC) == 0);
		pid = fork();
		ck_assert(pid >= 0);
		if (pid == 0) {
			dup2(outp[1], 1);
			dup2(errp[1], 2);
			execl(fdscope_bin(), fdscope_bin(), "list", "--all",
			      "-o", "pid,fd,name", (char *)NULL);
			_exit(127);
		}
		close(outp[1]);
		close(errp[1]);
		while (c != '\n' && read(outp[0], &c, 1) == 1)
			;
		close(outp[0]);
		while ((n = read(errp[0], err + got, sizeof(err) - 1 - (size_t)got)) > 0)
			got += n;
		err[got] = '\0';
		close(errp[0]);
		ck_assert(waitpid(pid, &st, 0) == pid);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
			      "status %d signal %d: %s", WEXITSTATUS(st),
			      WIFSIGNALED(st) ? WTERMSIG(st) : 0, err);
		/* The count of error rows (descriptors of processes whose
		 * links root may not read here) is no message about the
		 * reader. */
		if (got > 0 && strstr(err, " rows are error rows (") != NULL &&
		    strchr(err, '\n') == err + got - 1)
			got = 0;
		ck_assert_msg(got == 0, "a message for a reader that left: %s", err);
	}
}
END_TEST

/* stdout a non-blocking pipe that is already full: write fails with
 * EAGAIN, which must be reported, not spun on or crashed over. */
static int fill_stdout_setup(void *arg)
{
	char buf[4096];
	int fl = fcntl(1, F_GETFL);

	(void)arg;
	memset(buf, 'x', sizeof(buf));
	if (fl < 0 || fcntl(1, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	while (write(1, buf, sizeof(buf)) > 0)
		;
	return errno == EAGAIN ? 0 : -1;
}

START_TEST(test_stdout_full_nonblocking_pipe)
{
	int outp[2], errp[2], st;
	pid_t pid;
	char err[4096];
	ssize_t n, got = 0;

	/* Nobody reads stdout until fdscope has exited. */
	ck_assert(pipe2(outp, O_CLOEXEC) == 0);
	ck_assert(pipe2(errp, O_CLOEXEC) == 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		dup2(outp[1], 1);
		dup2(errp[1], 2);
		if (fill_stdout_setup(NULL) < 0)
			_exit(126);
		execl(fdscope_bin(), fdscope_bin(), "list", "--all", (char *)NULL);
		_exit(127);
	}
	close(outp[1]);
	close(errp[1]);
	while ((n = read(errp[0], err + got, sizeof(err) - 1 - (size_t)got)) > 0)
		got += n;
	err[got] = '\0';
	ck_assert(waitpid(pid, &st, 0) == pid);
	close(outp[0]);
	close(errp[0]);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 1,
		      "status %d: %s", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), err);
	ck_assert_msg(strstr(err, "fdscope: cannot write to standard output") != NULL,
		      "stderr: %s", err);
}
END_TEST

/* ---- descriptors and limits at start ------------------------------- */

static int inherit_1000_setup(void *arg)
{
	int fd, null = open("/dev/null", O_RDONLY);

	(void)arg;
	if (null < 0)
		return -1;
	/* 3..1002, without O_CLOEXEC: exec keeps them. */
	for (fd = 3; fd <= 1002; fd++)
		if (fd != null && dup2(null, fd) < 0)
			return -1;
	return 0;
}

START_TEST(test_started_with_1000_descriptors)
{
	struct spawn_opts o = { STREAM_DEFAULT, STREAM_DEFAULT, inherit_1000_setup, NULL };
	struct run_result r;
	struct json *doc;
	int fd;

	spawn_fdscope(&r, &o, "list", "-J", "-o", "fd,type,name", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	doc = json_parse(r.out);
	ck_assert_msg(doc != NULL, "invalid JSON");
	/* 0-2, the 1000, and fdscope's own handle on /proc/self/fd. */
	ck_assert_uint_eq(json_rows(doc), 1004);
	for (fd = 3; fd <= 1002; fd++) {
		const struct json *row = json_find_fd(doc, fd);

		ck_assert_msg(row != NULL, "fd %d not listed", fd);
		ck_assert_str_eq(json_str(row, "name"), "/dev/null");
		ck_assert_str_eq(json_str(row, "type"), "CHR");
	}
	json_free(doc);
	run_result_release(&r);

	spawn_fdscope(&r, &o, "limits", "-J", "-o", "open,highest_fd", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	doc = json_parse(r.out);
	ck_assert(doc != NULL);
	ck_assert_int_eq(json_int(json_at(json_get(doc, "limits"), 0), "open"), 1003);
	ck_assert_int_eq(json_int(json_at(json_get(doc, "limits"), 0), "highest_fd"), 1002);
	json_free(doc);
	run_result_release(&r);
}
END_TEST

/* Soft limit 64 and every number below it taken but one, which the
 * dynamic loader needs for a moment to map fdscope's libraries: fdscope
 * starts with exactly one free slot. */
static int exhaust_setup(void *arg)
{
	struct rlimit rl;
	int *free_slots = arg, fd, last = -1;

	/* The parent's pipes are close-on-exec: they would be free slots. */
	close_range(3, ~0U, 0);
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -1;
	rl.rlim_cur = 64;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -1;
	while ((fd = open("/dev/null", O_RDONLY)) >= 0)
		last = fd;
	if (errno != EMFILE)
		return -1;
	for (fd = 0; fd < *free_slots && last >= 3; fd++)
		close(last--);
	return 0;
}

START_TEST(test_soft_limit_exhausted_at_start)
{
	int one = 1, none = 0;
	struct spawn_opts o = { STREAM_DEFAULT, STREAM_DEFAULT, exhaust_setup, &one };
	struct run_result r;
	struct json *doc;

	/* limits needs one descriptor at a time: it still answers, with the
	 * real counts. */
	spawn_fdscope(&r, &o, "limits", "-J", "-o", "soft,open,headroom", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	doc = json_parse(r.out);
	ck_assert_msg(doc != NULL, "invalid JSON: %s", r.out);
	ck_assert_int_eq(json_int(json_at(json_get(doc, "limits"), 0), "soft"), 64);
	ck_assert_int_eq(json_int(json_at(json_get(doc, "limits"), 0), "open"), 63);
	ck_assert_int_eq(json_int(json_at(json_get(doc, "limits"), 0), "headroom"), 1);
	json_free(doc);
	run_result_release(&r);

	/* list needs the directory and one more for each fdinfo: it must say
	 * that it ran out, and exit 1, rather than print a table with holes
	 * or crash. */
	spawn_fdscope(&r, &o, "list", NULL);
	ck_assert_msg(r.status == 1, "status %d, stdout %s, stderr %s", r.status,
		      r.out, r.err);
	assert_messages(&r, strerror(EMFILE));
	run_result_release(&r);

	/* With no slot at all the loader itself fails; fdscope never runs
	 * (status 127 from ld.so), which is all a dynamically linked program
	 * can do.  This pins that nothing worse happens. */
	o.arg = &none;
	spawn_fdscope(&r, &o, "--version", NULL);
	ck_assert_msg(r.status == 127 || r.status == 0, "status %d: %s", r.status, r.err);
	run_result_release(&r);
}
END_TEST

/* ---- names --------------------------------------------------------- */

/* Some line of text holds a, then b after it. */
static void assert_line_has(const char *text, const char *a, const char *b)
{
	const char *p = text;

	while ((p = strstr(p, a)) != NULL) {
		const char *eol = strchr(p, '\n'), *q = strstr(p, b);

		if (q && (eol == NULL || q < eol))
			return;
		p++;
	}
	ck_abort_msg("no line with '%s' then '%s' in: %s", a, b, text);
}

/* Every line of a table after the header starts with a descriptor
 * number (no name was split across lines), and each of fds has exactly
 * one line.  The count of other lines is not pinned: this process's own
 * descriptors may differ between two listings (run_argv's pipes are
 * closed in the parent after the fork, maybe after the child has read the
 * table). */
static void assert_one_line_per_fd(const char *text, const int *fds, int n)
{
	const char *line = strchr(text, '\n');
	int *seen = calloc((size_t)n, sizeof(*seen)), i;

	ck_assert(line != NULL && seen != NULL);
	for (line++; *line; line = strchr(line, '\n') + 1) {
		char *end;
		long fd = strtol(line, &end, 10);

		ck_assert_msg(end != line && *end == ' ' && strchr(line, '\n'),
			      "a line does not start with a descriptor: %.80s", line);
		for (i = 0; i < n; i++)
			seen[i] += fds[i] == fd;
	}
	for (i = 0; i < n; i++)
		ck_assert_msg(seen[i] == 1, "fd %d is on %d lines", fds[i], seen[i]);
	free(seen);
}

START_TEST(test_names_with_control_bytes_and_invalid_utf8)
{
	static const char *const names[] = {
		"new\nline", "bad\xff\xfeutf8", "esc\x1b[2Jclear", "tab\there",
		"back\\slash", "quote\"d", "del\x7f", "caf\xc3\xa9",
		"overlong\xc0\xaf", "surrogate\xed\xa0\x80",
	};
	enum { N = sizeof(names) / sizeof(names[0]) };
	char dir[] = "/tmp/fdscope-hostile-XXXXXX", path[256], pidtext[32];
	int fds[N], i;
	struct run_result r;
	struct json *doc;

	ck_assert(mkdtemp(dir) != NULL);
	for (i = 0; i < N; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		fds[i] = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		ck_assert_msg(fds[i] >= 0, "create %s: %s", names[i], strerror(errno));
	}
	snprintf(pidtext, sizeof(pidtext), "%ld", (long)getpid());

	run_fdscope(&r, "list", "-p", pidtext, "-J", "-o", "fd,name", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_msg(clean_utf8(r.out, r.out_len), "JSON output has raw control "
		      "bytes or invalid UTF-8");
	assert_python_json(r.out, r.out_len);
	doc = json_parse(r.out);
	ck_assert_msg(doc != NULL, "invalid JSON");
	for (i = 0; i < N; i++) {
		const struct json *row = json_find_fd(doc, fds[i]);
		const char *name;

		ck_assert_msg(row != NULL, "fd %d not listed", fds[i]);
		name = json_str(row, "name");
		ck_assert(name != NULL && strncmp(name, dir, strlen(dir)) == 0);
		/* A JSON reader gets the kernel's name back where it is valid
		 * UTF-8 (the three with invalid bytes are pinned below). */
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (i != 1 && i != 8 && i != 9)
			ck_assert_msg(strcmp(name, path) == 0, "fd %d: JSON "
				      "name '%s', kernel's '%s'", fds[i], name, path);
	}
	/* Each escaped once, in JSON's own way. */
	ck_assert(strstr(r.out, "new\\u000aline") != NULL);
	ck_assert(strstr(r.out, "bad\\ufffd\\ufffdutf8") != NULL);
	ck_assert(strstr(r.out, "esc\\u001b[2Jclear") != NULL);
	ck_assert(strstr(r.out, "back\\\\slash") != NULL);
	ck_assert(strstr(r.out, "overlong\\ufffd\\ufffd") != NULL);
	ck_assert(strstr(r.out, "surrogate\\ufffd\\ufffd\\ufffd") != NULL);
	ck_assert_uint_ge(json_rows(doc), (size_t)N);
	json_free(doc);
	run_result_release(&r);

	/* The table: one line per descriptor, nothing a terminal would act
	 * on. */
	run_fdscope(&r, "list", "-p", pidtext, "-o", "fd,name", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_msg(clean_utf8(r.out, r.out_len), "table has raw control bytes");
	/* Escaped once: fdscope's escapes reach the table as they are. */
	assert_line_has(r.out, "new\\x0aline", "");
	assert_line_has(r.out, "esc\\x1b[2Jclear", "");
	assert_line_has(r.out, "tab\\x09here", "");
	assert_line_has(r.out, "back\\\\slash", "");
	assert_one_line_per_fd(r.out, fds, N);
	run_result_release(&r);

	/* Raw output: the same, spaces escaped as well. */
	run_fdscope(&r, "list", "-p", pidtext, "-r", "-o", "fd,name", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_msg(clean_utf8(r.out, r.out_len), "raw output has raw control bytes");
	/* libsmartcols' raw escaping, once: today's "\x5cx0a" is gone. */
	assert_line_has(r.out, "new\\x0aline", "");
	assert_line_has(r.out, "back\\x5cslash", "");
	ck_assert(strstr(r.out, "\\x5cx") == NULL);
	run_result_release(&r);

	/* `open file:PATH` narrates the path it was given: escaped the same
	 * way in its text and its JSON. */
	for (i = 0; i < 3; i++) {
		char spec[300];

		snprintf(spec, sizeof(spec), "file:%s/%s", dir, names[i]);
		run_fdscope(&r, "open", "-J", spec, NULL);
		ck_assert_msg(r.status == 0, "open %s: status %d: %s", names[i],
			      r.status, r.err);
		ck_assert_msg(clean_utf8(r.out, r.out_len), "open -J output has "
			      "raw control bytes or invalid UTF-8");
		assert_python_json(r.out, r.out_len);
		doc = json_parse(r.out);
		ck_assert_msg(doc != NULL, "invalid JSON from open");
		json_free(doc);
		run_result_release(&r);
		run_fdscope(&r, "open", spec, NULL);
		ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
		ck_assert_msg(clean_utf8(r.out, r.out_len), "open output has raw "
			      "control bytes");
		run_result_release(&r);
	}

	for (i = 0; i < N; i++) {
		close(fds[i]);
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		ck_assert(unlink(path) == 0);
	}
	ck_assert(rmdir(dir) == 0);
}
END_TEST

/* ---- argument soup ------------------------------------------------- */

/* Commands that finish on their own whatever they are given (no serve,
 * no connect, no --set: nothing outside fdscope is touched). */
START_TEST(test_argument_soup)
{
	static const char *const cmds[] = {
		"list", "limits", "open", "alloc", "recycle", "exhaust", "tables",
		"exchange", "demo", "help", "frobnicate",
	};
	static const char *const pool[] = {
		"-J", "-q", "--quiet", "-r", "-n", "-o", "pid,fd", "-o", "nosuch",
		"-o", "", "-o", "+name", "-p", "abc", "-p", "99999999", "-p", "0",
		"-p", "1,", "--all", "-a", "--limit", "0", "--limit", "3",
		"--limit", "-5", "--limit", "99999999999999999999", "--port", "0",
		"--port", "65536", "--proto", "udp", "--proto", "unix", "--proto",
		"x", "--message", "\x1b[2J\xff", "--message", "", "--cloexec",
		"--dot", "--json", "--raw", "--noheadings", "--list-columns",
		"--help", "-h", "--", "-", "x", "file", "pipe", "dup:0", "dup2:0:3",
		"::", "--hold=0", "--hold=abc", "-s", "--step", "-l", "--output",
		"--pid", "-P", "-m", "=", "\xff", "-Jrn", "--js", "--hold",
	};
	struct spawn_opts o = { STREAM_DEFAULT, STREAM_DEFAULT, NULL, NULL };
	char tmp[] = "/tmp/fdscope-soup-XXXXXX";
	unsigned int seed = 20261127, counts[3] = { 0, 0, 0 }, raw = 0;
	int round;

	ck_assert(mkdtemp(tmp) != NULL);
	setenv("TMPDIR", tmp, 1);
	for (round = 0; round < 300; round++) {
		const char *args[8];
		char **argv;
		struct run_result r;
		int n, i;

		args[0] = cmds[rand_r(&seed) % (sizeof(cmds) / sizeof(cmds[0]))];
		n = 1 + rand_r(&seed) % 5;
		for (i = 1; i < n; i++)
			args[i] = pool[rand_r(&seed) % (sizeof(pool) / sizeof(pool[0]))];
		args[n] = NULL;
		argv = argv_of(args);
		spawn_run(&r, &o, argv, 60);
		ck_assert_msg(r.status >= 0 && r.status <= 2,
			      "round %d: fdscope %s %s %s %s %s: status %d: %s", round,
			      args[0], n > 1 ? args[1] : "", n > 2 ? args[2] : "",
			      n > 3 ? args[3] : "", n > 4 ? args[4] : "", r.status, r.err);
		counts[r.status]++;
		if (r.status != 0)
			assert_messages(&r, NULL);
		/* Messages that echo an argument as given are counted, not
		 * failed: the argument came from the user's own command line. */
		raw += !clean_utf8(r.err, r.err_len);
		run_result_release(&r);
		free_argv(argv);
		ck_assert_msg(entries_in(tmp) == 0, "round %d: %s left files", round,
			      args[0]);
	}
	unsetenv("TMPDIR");
	ck_assert(rmdir(tmp) == 0);
	printf("test_argument_soup: 300 command lines: %u exit 0, %u exit 1, "
	       "%u exit 2, no signal; %u messages echoed raw bytes\n",
	       counts[0], counts[1], counts[2], raw);
}
END_TEST

/* ---- a /proc that lies ---------------------------------------------- */

static void write_file(const char *dir, const char *name, const void *data,
		       size_t len)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	ck_assert(write(fd, data, len) == (ssize_t)len);
	close(fd);
}

static void symlink_in(const char *dir, const char *target, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_msg(symlink(target, path) == 0, "%s: %s", path, strerror(errno));
}

/* FDSCOPE_PROC_ROOT pointed at a tree of garbage: fdinfo of random bytes,
 * fields out of range, a limits line that does not parse, a comm with a
 * terminal escape, link texts with control bytes and 4000 bytes long.
 * fdscope must print what it can, escaped, and say what it could not
 * read. */
START_TEST(test_fake_proc_root_with_garbage)
{
	char root[] = "/tmp/fdscope-fakeproc-XXXXXX", d[300], longname[4001];
	unsigned char noise[8192];
	struct spawn_opts o = { STREAM_DEFAULT, STREAM_DEFAULT, NULL, NULL };
	struct run_result r;
	struct json *doc;
	const struct json *row, *lim;
	size_t i;

	ck_assert(mkdtemp(root) != NULL);
	for (i = 0; i < sizeof(noise); i++)
		noise[i] = (unsigned char)(i * 131 + 7);
	snprintf(d, sizeof(d), "%s/4242", root);
	ck_assert(mkdir(d, 0700) == 0);
	snprintf(d, sizeof(d), "%s/4242/fd", root);
	ck_assert(mkdir(d, 0700) == 0);
	symlink_in(d, "/nonexistent/evil\n\x1b[2J\xff", "0");
	symlink_in(d, "socket:[99999999999999999999999]", "1");
	symlink_in(d, "anon_inode:[eventpoll]", "7");
	memset(longname, 'x', 4000);
	longname[4000] = '\0';
	symlink_in(d, longname, "9");
	snprintf(d, sizeof(d), "%s/4242/fdinfo", root);
	ck_assert(mkdir(d, 0700) == 0);
	write_file(d, "0", "pos:\t-1\nflags:\t0999\nmnt_id:\tabc\n", 32);
	write_file(d, "1", noise, sizeof(noise));
	write_file(d, "7", "", 0);
	snprintf(d, sizeof(d), "%s/4242", root);
	write_file(d, "limits", "Max open files  unlimited x\n", 28);
	write_file(d, "status", noise, 5000);
	write_file(d, "comm", "\x1b]0;pwned\x07\n", 11);
	snprintf(d, sizeof(d), "%s/sys", root);
	ck_assert(mkdir(d, 0700) == 0);
	snprintf(d, sizeof(d), "%s/sys/fs", root);
	ck_assert(mkdir(d, 0700) == 0);
	write_file(d, "nr_open", "garbage\n", 8);
	write_file(d, "file-nr", "1 2\n", 4);
	write_file(d, "file-max", "99999999999999999999999\n", 24);

	setenv("FDSCOPE_PROC_ROOT", root, 1);
	spawn_fdscope(&r, &o, "list", "-p", "4242", "-J", "-o",
		      "pid,command,fd,type,mode,flags,pos,inode,name", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert(clean_utf8(r.out, r.out_len));
	assert_python_json(r.out, r.out_len);
	doc = json_parse(r.out);
	ck_assert_msg(doc != NULL, "invalid JSON: %s", r.out);
	ck_assert_uint_eq(json_rows(doc), 4);
	row = json_find_fd(doc, 0);
	ck_assert(row != NULL);
	/* JSON carries the kernel's bytes, escaped by JSON's rules once; the
	 * invalid byte 0xff is U+FFFD. */
	ck_assert_str_eq(json_str(row, "name"), "/nonexistent/evil\n\x1b[2J\xef\xbf\xbd");
	ck_assert_str_eq(json_str(row, "command"), "\x1b]0;pwned\x07");
	ck_assert(strstr(r.out, "\"/nonexistent/evil\\u000a\\u001b[2J\\ufffd\"") != NULL);
	/* Malformed fdinfo fields are not invented. */
	ck_assert(json_str(row, "mode") == NULL);
	ck_assert(json_get(row, "pos") == NULL || json_get(row, "pos")->kind == JSON_NULL);
	row = json_find_fd(doc, 9);
	ck_assert(row != NULL && strlen(json_str(row, "name")) == 4000);
	json_free(doc);
	run_result_release(&r);

	spawn_fdscope(&r, &o, "list", "--all", "-o", "pid,command,fd,name", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_msg(clean_utf8(r.out, r.out_len), "raw control bytes in the table");
	run_result_release(&r);

	/* The limits line does not parse: said, and the rest still shown. */
	spawn_fdscope(&r, &o, "limits", "-p", "4242", "-J", NULL);
	ck_assert_msg(r.status == 1, "status %d: %s", r.status, r.err);
	assert_messages(&r, "cannot read its limits");
	doc = json_parse(r.out);
	ck_assert_msg(doc != NULL, "invalid JSON: %s", r.out);
	lim = json_at(json_get(doc, "limits"), 0);
	ck_assert(lim != NULL);
	ck_assert(json_get(lim, "soft")->kind == JSON_NULL);
	ck_assert(json_get(lim, "nr_open")->kind == JSON_NULL);
	ck_assert(json_get(lim, "file_nr_allocated")->kind == JSON_NULL);
	ck_assert(json_get(lim, "file_max")->kind == JSON_NULL);
	ck_assert_int_eq(json_int(lim, "open"), 4);
	ck_assert_int_eq(json_int(lim, "highest_fd"), 9);
	json_free(doc);
	run_result_release(&r);
	unsetenv("FDSCOPE_PROC_ROOT");

	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		ck_assert(system(cmd) == 0);
	}
}
END_TEST

/* ---- network peers ------------------------------------------------- */

/* A server started as a user would, with stdout on a pipe so that the
 * first line ("listening on 127.0.0.1:PORT (fd N, tcp)") gives the port. */
struct server {
	pid_t pid;
	int out;		/* read end of its stdout */
	int port;
	char line[256];
	pthread_t reader;	/* reads its log so that it never blocks */
	char *log;
	size_t log_len;
};

static void *server_read_log(void *arg)
{
	struct server *sv = arg;
	char buf[65536];
	ssize_t n;

	while ((n = read(sv->out, buf, sizeof(buf))) > 0 ||
	       (n < 0 && errno == EINTR)) {
		if (n > 0) {
			char *p = realloc(sv->log, sv->log_len + (size_t)n + 1);

			if (p == NULL)
				continue;
			sv->log = p;
			memcpy(sv->log + sv->log_len, buf, (size_t)n);
			sv->log_len += (size_t)n;
			sv->log[sv->log_len] = '\0';
		}
	}
	return NULL;
}

static void server_start(struct server *sv, const char *first, ...)
{
	char **argv;
	int outp[2];
	size_t got = 0;
	long long deadline = now_ms() + 10000;
	const char *colon;
	va_list ap;

	va_start(ap, first);
	argv = fdscope_argv(first, ap);
	va_end(ap);
	memset(sv, 0, sizeof(*sv));
	ck_assert(pipe2(outp, O_CLOEXEC) == 0);
	sv->pid = fork();
	ck_assert(sv->pid >= 0);
	if (sv->pid == 0) {
		int null = open("/dev/null", O_RDWR);

		/* Its own process group, as a shell job would be. */
		setpgid(0, 0);
		dup2(null, 0);
		dup2(outp[1], 1);
		dup2(null, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	free_argv(argv);
	close(outp[1]);
	sv->out = outp[0];
	while (got + 1 < sizeof(sv->line)) {
		struct pollfd pf = { sv->out, POLLIN, 0 };

		ck_assert_msg(now_ms() < deadline, "server printed no first line");
		if (poll(&pf, 1, 200) <= 0)
			continue;
		ck_assert_msg(read(sv->out, sv->line + got, 1) == 1,
			      "server exited before listening");
		if (sv->line[got] == '\n')
			break;
		got++;
	}
	sv->line[got] = '\0';
	colon = strrchr(sv->line, ':');
	ck_assert_msg(colon != NULL, "no port in '%s'", sv->line);
	sv->port = atoi(colon + 1);
	ck_assert_msg(sv->port > 0, "no port in '%s'", sv->line);
	ck_assert(pthread_create(&sv->reader, NULL, server_read_log, sv) == 0);
}

/* Stops it with SIGINT and returns everything else it printed. */
static char *server_stop(struct server *sv, int *status)
{
	char *all;
	int st;

	ck_assert(kill(sv->pid, SIGINT) == 0);
	ck_assert(waitpid(sv->pid, &st, 0) == sv->pid);
	ck_assert(pthread_join(sv->reader, NULL) == 0);
	close(sv->out);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	all = sv->log ? sv->log : strdup("");
	sv->log = NULL;
	return all;
}

/* Waits (at most 10 s) for the server's descriptor count to be want. */
static void assert_fds_settle(struct server *sv, int want, const char *after)
{
	long long deadline = now_ms() + 10000;
	int n;

	while ((n = (int)count_pid_fds(sv->pid, NULL)) != want && now_ms() < deadline)
		usleep(20000);
	ck_assert_msg(n == want, "after %s the server holds %d descriptors, "
		      "not its baseline %d", after, n, want);
}

static int tcp_connect(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert(fd >= 0);
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_msg(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0,
		      "connect: %s", strerror(errno));
	return fd;
}

/* Reads until EOF or error, for at most ms; returns the bytes read, and
 * in *eof whether the peer closed. */
static size_t read_until_eof(int fd, int ms, bool *eof)
{
	long long deadline = now_ms() + ms;
	size_t total = 0;
	char buf[4096];

	*eof = false;
	while (now_ms() < deadline) {
		struct pollfd pf = { fd, POLLIN, 0 };
		ssize_t n;

		if (poll(&pf, 1, 50) <= 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0) {
			*eof = true;
			break;
		}
		total += (size_t)n;
	}
	return total;
}

/* A new client still gets the greeting: the server is unharmed. */
static void assert_greets(struct server *sv)
{
	int fd = tcp_connect(sv->port);
	char buf[256] = "";
	struct pollfd pf = { fd, POLLIN, 0 };
	ssize_t n;

	ck_assert_msg(poll(&pf, 1, 5000) == 1, "no greeting within 5 s");
	n = read(fd, buf, sizeof(buf) - 1);
	ck_assert_msg(n > 0, "no greeting: %s", n < 0 ? strerror(errno) : "EOF");
	buf[n] = '\0';
	ck_assert_msg(strstr(buf, "Message from the server.") != NULL, "got '%s'", buf);
	close(fd);
}

START_TEST(test_serve_survives_hostile_peers)
{
	struct server sv;
	int base, i, fds[200], st;
	long long t0;
	bool eof;
	char *rest;

	signal(SIGPIPE, SIG_IGN);
	server_start(&sv, "serve", "--port", "0", "--timeout", "1", NULL);
	/* Loopback unless told otherwise. */
	ck_assert_msg(strstr(sv.line, "127.0.0.1:") != NULL, "'%s'", sv.line);
	usleep(100000);
	base = (int)count_pid_fds(sv.pid, NULL);

	/* Connects and never sends: closed after the idle timeout (1 s). */
	i = tcp_connect(sv.port);
	t0 = now_ms();
	read_until_eof(i, 6000, &eof);
	ck_assert_msg(eof, "an idle client was not closed within 6 s");
	ck_assert_msg(now_ms() - t0 >= 900, "closed after %lld ms, before the "
		      "1 s timeout", now_ms() - t0);
	close(i);
	assert_fds_settle(&sv, base, "an idle client");

	/* Sends 10 MB: the server stops reading at its cap (1 MiB) and
	 * closes; the sender sees the connection end before 10 MB are in. */
	{
		static char chunk[65536];
		size_t sent = 0;
		long long deadline = now_ms() + 20000;

		i = tcp_connect(sv.port);
		memset(chunk, 'A', sizeof(chunk));
		while (sent < 10u << 20 && now_ms() < deadline) {
			ssize_t n = send(i, chunk, sizeof(chunk), MSG_NOSIGNAL);

			if (n < 0)
				break;
			sent += (size_t)n;
		}
		ck_assert_msg(sent < 10u << 20, "all 10 MB went in: no cap");
		close(i);
	}
	assert_fds_settle(&sv, base, "a 10 MB sender");
	assert_greets(&sv);

	/* Resets mid-greeting, 50 times. */
	for (i = 0; i < 50; i++) {
		struct linger lg = { 1, 0 };
		int fd = tcp_connect(sv.port);

		ck_assert(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == 0);
		close(fd);
	}
	assert_fds_settle(&sv, base, "50 resets");
	assert_greets(&sv);

	/* Half-closed at once: the server sees EOF, greets, and closes. */
	i = tcp_connect(sv.port);
	ck_assert(shutdown(i, SHUT_WR) == 0);
	ck_assert(read_until_eof(i, 5000, &eof) > 0);
	ck_assert_msg(eof, "the server kept a half-closed client");
	close(i);
	assert_fds_settle(&sv, base, "a half-closed client");

	/* 1000 connect/close cycles. */
	for (i = 0; i < 1000; i++)
		close(tcp_connect(sv.port));
	assert_fds_settle(&sv, base, "1000 connect/close cycles");

	/* 200 clients held at once, each greeted, each one descriptor. */
	for (i = 0; i < 200; i++)
		fds[i] = tcp_connect(sv.port);
	for (i = 0; i < 200; i++) {
		char buf[64];
		struct pollfd pf = { fds[i], POLLIN, 0 };

		ck_assert_msg(poll(&pf, 1, 5000) == 1, "client %d not greeted", i);
		ck_assert(read(fds[i], buf, sizeof(buf)) > 0);
	}
	ck_assert_int_eq((int)count_pid_fds(sv.pid, NULL), base + 200);
	for (i = 0; i < 200; i++)
		close(fds[i]);
	assert_fds_settle(&sv, base, "200 clients held and closed");
	assert_greets(&sv);

	rest = server_stop(&sv, &st);
	ck_assert_msg(st == 0 || st == 128 + SIGINT, "status %d", st);
	ck_assert_msg(strstr(rest, "summary:") != NULL, "no summary: %s", rest);
	free(rest);
	printf("test_serve_survives_hostile_peers: idle, 10 MB, 50 resets, "
	       "half-close, 1000 cycles, 200 held: back to %d descriptors\n", base);
}
END_TEST

START_TEST(test_serve_udp_flood)
{
	struct server sv;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char buf[512];
	int base, fd, i, st, sent = 0;
	char *rest;

	server_start(&sv, "serve", "--proto", "udp", "--port", "0", NULL);
	usleep(100000);
	base = (int)count_pid_fds(sv.pid, NULL);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert(fd >= 0);
	sa.sin_port = htons((uint16_t)sv.port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	memset(buf, 'u', 100);
	for (i = 0; i < 10000; i++) {
		if (sendto(fd, buf, 100, MSG_DONTWAIT, (struct sockaddr *)&sa,
			   sizeof(sa)) == 100)
			sent++;
	}
	ck_assert(sent > 0);
	/* Replies pile up in our buffer; drop them, then one more datagram
	 * must still be answered. */
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	{
		long long deadline = now_ms() + 10000;
		bool answered = false;

		while (!answered && now_ms() < deadline) {
			struct pollfd pf = { fd, POLLIN, 0 };

			ck_assert(sendto(fd, "ping", 4, 0, (struct sockaddr *)&sa,
					 sizeof(sa)) == 4);
			if (poll(&pf, 1, 500) == 1) {
				ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

				answered = n > 0;
			}
		}
		ck_assert_msg(answered, "the UDP server stopped answering");
	}
	close(fd);
	assert_fds_settle(&sv, base, "10000 datagrams");
	rest = server_stop(&sv, &st);
	ck_assert_msg(st == 0 || st == 128 + SIGINT, "status %d", st);
	free(rest);
	printf("test_serve_udp_flood: %d of 10000 datagrams sent, server answered "
	       "after, %d descriptors before and after\n", sent, base);
}
END_TEST

START_TEST(test_serve_warns_on_every_interface)
{
	int st, errp[2];
	char err[4096];
	ssize_t n, got = 0;
	pid_t pid;

	/* Loopback by default was checked above; binding 0.0.0.0 must say
	 * so on stderr. */
	ck_assert(pipe2(errp, O_CLOEXEC) == 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(errp[1], 2);
		execl(fdscope_bin(), fdscope_bin(), "serve", "--host", "0.0.0.0",
		      "--port", "0", "--once", "--timeout", "0.2", (char *)NULL);
		_exit(127);
	}
	close(errp[1]);
	usleep(300000);
	kill(pid, SIGINT);
	while ((n = read(errp[0], err + got, sizeof(err) - 1 - (size_t)got)) > 0)
		got += n;
	err[got] = '\0';
	close(errp[0]);
	ck_assert(waitpid(pid, &st, 0) == pid);
	ck_assert_msg(strstr(err, "fdscope: ") != NULL && strstr(err, "0.0.0.0"),
		      "no warning for 0.0.0.0: '%s'", err);
}
END_TEST

/* A listener that accepts and never sends: connect must give up after
 * its timeout with a message, not hang. */
START_TEST(test_connect_to_silent_server)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	char port[16];
	struct run_result r;
	long long t0;
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert(l >= 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert(bind(l, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	ck_assert(listen(l, 8) == 0);
	ck_assert(getsockname(l, (struct sockaddr *)&sa, &len) == 0);
	snprintf(port, sizeof(port), "%u", ntohs(sa.sin_port));
	t0 = now_ms();
	run_fdscope(&r, "connect", "127.0.0.1", port, "--timeout", "1", NULL);
	ck_assert_msg(r.status == 1, "status %d: %s", r.status, r.err);
	assert_messages(&r, NULL);
	ck_assert_msg(now_ms() - t0 < 10000, "took %lld ms", now_ms() - t0);
	run_result_release(&r);
	close(l);
}
END_TEST

START_TEST(test_network_option_garbage)
{
	static const char *const cases[][8] = {
		{ "serve", "--port", "65536", NULL },
		{ "serve", "--port", "-1", NULL },
		{ "serve", "--port", "http", NULL },
		{ "serve", "--port", "", NULL },
		{ "serve", "--timeout", "0", NULL },
		{ "serve", "--timeout", "-1", NULL },
		{ "serve", "--timeout", "99999999999", NULL },
		{ "serve", "--proto", "unix", NULL },
		{ "serve", "--proto", "unix", "--path", "/x", "--host", "127.0.0.1", NULL },
		{ "connect", "127.0.0.1", "65536", NULL },
		{ "connect", "127.0.0.1", "0", NULL },
		{ "connect", "127.0.0.1", "-1", NULL },
		{ "connect", "127.0.0.1", "http", NULL },
		{ "connect", "127.0.0.1", "1", "--timeout", "0", NULL },
		{ "connect", "127.0.0.1", "1", "--timeout", "-1", NULL },
		{ "connect", "127.0.0.1", "1", "--timeout", "1e9", NULL },
		{ "exchange", "--port", "65536", NULL },
		{ "exchange", "--port", "http", NULL },
		{ "exchange", "--proto", "bogus", NULL },
		{ "exhaust", "--limit", "9223372036854775808", NULL },
		{ "exhaust", "--limit", "abc", NULL },
		{ "exhaust", "--limit", "0", NULL },
		{ "exhaust", "--limit", "1025", NULL },
		{ "open", "dup2:1:", NULL },
		{ "open", "::", NULL },
		{ "open", "dup:-1", NULL },
	};
	char **argv;
	struct run_result r;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		argv = argv_of(cases[i]);
		run_argv(&r, argv, 30);
		free_argv(argv);
		ck_assert_msg(r.status == 2, "%s %s %s: status %d, %s", cases[i][0],
			      cases[i][1], cases[i][2], r.status, r.err);
		assert_messages(&r, NULL);
		run_result_release(&r);
	}
}
END_TEST

/* Runtime failures with a message: unresolvable, empty and 300-byte
 * hosts, nothing listening, the wrong family, limits leaving no room. */
START_TEST(test_network_runtime_errors)
{
	char host[301];
	struct run_result r;

	memset(host, 'a', 300);
	host[300] = '\0';
	run_fdscope(&r, "connect", "", "1234", NULL);
	ck_assert_int_eq(r.status, 1);
	assert_messages(&r, "cannot resolve");
	run_result_release(&r);
	run_fdscope(&r, "connect", host, "1234", NULL);
	ck_assert_int_eq(r.status, 1);
	assert_messages(&r, "cannot resolve");
	run_result_release(&r);
	run_fdscope(&r, "serve", "--host", "", "--port", "0", NULL);
	ck_assert_int_eq(r.status, 1);
	assert_messages(&r, "cannot resolve");
	run_result_release(&r);
	/* An IPv6 address where nothing listens on IPv6. */
	run_fdscope(&r, "connect", "::1", "1", "--timeout", "2", NULL);
	ck_assert_int_eq(r.status, 1);
	assert_messages(&r, "cannot connect");
	run_result_release(&r);
	run_fdscope(&r, "connect", "--unix", "/nonexistent/fdscope.sock", NULL);
	ck_assert_int_eq(r.status, 1);
	assert_messages(&r, NULL);
	run_result_release(&r);
	run_fdscope(&r, "exhaust", "--limit", "3", NULL);
	ck_assert_int_eq(r.status, 1);
	assert_messages(&r, NULL);
	run_result_release(&r);
}
END_TEST

/* ---- demos under SIGINT -------------------------------------------- */

/* True while some process is in process group pgid. */
static bool group_alive(pid_t pgid)
{
	return kill(-pgid, 0) == 0 || errno != ESRCH;
}

/* Runs argv in its own process group with TMPDIR=tmp, interrupting the
 * group (as Ctrl-C would) after delay_ms, or never when delay_ms < 0.
 * Returns the exit status (128+signal when killed) and the run's length. */
static int run_interrupted(char *const argv[], const char *tmp, int delay_ms,
			   long long *took_ms)
{
	long long t0 = now_ms();
	pid_t pid;
	int st, execd[2];
	char c;

	/* Closed by a successful exec: the signal is meant for fdscope, not
	 * for a process still in execve (which the kernel kills outright). */
	ck_assert(pipe2(execd, O_CLOEXEC) == 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		setpgid(0, 0);
		setenv("TMPDIR", tmp, 1);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	setpgid(pid, pid);
	close(execd[1]);
	while (read(execd[0], &c, 1) < 0 && errno == EINTR)
		;
	close(execd[0]);
	if (delay_ms >= 0) {
		usleep((useconds_t)delay_ms * 1000);
		kill(-pid, SIGINT);
	}
	ck_assert(waitpid(pid, &st, 0) == pid);
	*took_ms = now_ms() - t0;
	/* Children of the demo (a forked server, client, or table holder)
	 * must go too.  They are reparented to this process (a subreaper),
	 * which reaps them, so that a zombie waiting for init to reap it is
	 * not counted as alive. */
	{
		long long deadline = now_ms() + 5000;

		while (group_alive(pid) && now_ms() < deadline) {
			while (waitpid(-pid, NULL, WNOHANG) > 0)
				;
			usleep(1000);
		}
		ck_assert_msg(!group_alive(pid), "%s left a process behind after "
			      "SIGINT at %d ms", argv[1], delay_ms);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

START_TEST(test_demos_interrupted_leave_nothing)
{
	static const char *const demos[][10] = {
		{ "open", "file", "fifo", "unix", "unix-dgram", "pipe", "socketpair",
		  "memfd", "tcp", NULL },
		{ "alloc", NULL },
		{ "recycle", NULL },
		{ "exhaust", NULL },
		{ "tables", NULL },
		{ "tables", "--dot", NULL },
		{ "exchange", NULL },
		{ "exchange", "--proto", "unix", NULL },
		{ "exchange", "--proto", "udp", NULL },
		{ "demo", NULL },
	};
	char tmp[] = "/tmp/fdscope-sigint-XXXXXX";
	char **argv;
	int runs = 0, interrupted = 0;
	size_t i;

	ck_assert(mkdtemp(tmp) != NULL);
	ck_assert(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0);
	for (i = 0; i < sizeof(demos) / sizeof(demos[0]); i++) {
		long long full, took;
		int st, step;

		argv = argv_of(demos[i]);
		st = run_interrupted(argv, tmp, -1, &full);
		ck_assert_msg(st == 0, "%s: status %d without a signal", argv[1], st);
		ck_assert_msg(entries_in(tmp) == 0, "%s left files in TMPDIR", argv[1]);
		runs++;
		/* Ten interruptions spread over the run, the first at once. */
		for (step = 0; step < 10; step++) {
			int delay = (int)(full * step / 10);

			st = run_interrupted(argv, tmp, delay, &took);
			ck_assert_msg(st == 0 || st == 128 + SIGINT || st == 130,
				      "%s interrupted at %d ms: status %d", argv[1],
				      delay, st);
			ck_assert_msg(entries_in(tmp) == 0, "%s interrupted at %d ms "
				      "left files in TMPDIR", argv[1], delay);
			runs++;
			interrupted += st != 0;
		}
		free_argv(argv);
	}
	ck_assert(prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0) == 0);
	ck_assert(rmdir(tmp) == 0);
	printf("test_demos_interrupted_leave_nothing: %d runs, %d ended by SIGINT, "
	       "no file and no process left\n", runs, interrupted);
}
END_TEST

/* ---- signal storm ---------------------------------------------------- */

/* Runs argv (own process group, TMPDIR=tmp) and sends sig to fdscope
 * alone, not its group, after delay_us: its children must die with it.
 * Returns the status; fails when a process of the group outlives it by
 * more than a second. */
static int run_signalled(char *const argv[], const char *tmp, int delay_us,
			 int sig)
{
	long long deadline;
	sigset_t all, old;
	pid_t pid;
	int st, execd[2];
	char c;

	ck_assert(pipe2(execd, O_CLOEXEC) == 0);
	/* The child gets default actions before any signal can reach it:
	 * the test process's own handlers are not fdscope's. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR), k;

		struct rlimit nocore = { 0, 0 };

		/* SIGQUIT's default action dumps core: not here. */
		setrlimit(RLIMIT_CORE, &nocore);
		for (k = 1; k < NSIG; k++)
			signal(k, SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		setpgid(0, 0);
		setenv("TMPDIR", tmp, 1);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	setpgid(pid, pid);
	close(execd[1]);
	while (read(execd[0], &c, 1) < 0 && errno == EINTR)
		;
	close(execd[0]);
	usleep((useconds_t)delay_us);
	kill(pid, sig);
	ck_assert(waitpid(pid, &st, 0) == pid);
	deadline = now_ms() + 1000;
	while (group_alive(pid) && now_ms() < deadline) {
		while (waitpid(-pid, NULL, WNOHANG) > 0)
			;
		usleep(1000);
	}
	ck_assert_msg(!group_alive(pid), "%s %s: a process outlived fdscope by "
		      "a second after signal %d at %d us", argv[1],
		      argv[2] ? argv[2] : "", sig, delay_us);
	return st;
}

START_TEST(test_signal_storm_leaves_nothing)
{
	static const char *const cmds[][6] = {
		{ "exchange", "-P", "tcp", NULL }, { "exchange", "-P", "tcp6", NULL },
		{ "exchange", "-P", "udp", NULL }, { "exchange", "-P", "udp6", NULL },
		{ "exchange", "-P", "unix", NULL },
		{ "exchange", "-P", "unix-dgram", NULL },
		{ "exchange", "-P", "socketpair", NULL },
		{ "demo", NULL }, { "demo", "--step", NULL }, { "tables", NULL },
		{ "open", "--hold", "file", "fifo", "unix", NULL },
	};
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1,
				    SIGALRM };
	enum { NCMDS = sizeof(cmds) / sizeof(cmds[0]), RUNS = 250 };
	char tmp[] = "/tmp/fdscope-storm-XXXXXX";
	unsigned int seed = (unsigned int)getpid();
	long long t0 = now_ms();
	int run, by_signal = 0;

	ck_assert(mkdtemp(tmp) != NULL);
	ck_assert(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0);
	/* Bounded in count and in time: 250 runs or 60 s. */
	for (run = 0; run < RUNS && now_ms() - t0 < 60000; run++) {
		char **argv = argv_of(cmds[run % NCMDS]);
		int sig = sigs[rand_r(&seed) % 6];
		int delay = rand_r(&seed) % 20001, st;

		st = run_signalled(argv, tmp, delay, sig);
		ck_assert_msg(WIFEXITED(st) ? WEXITSTATUS(st) == 0 :
			      WTERMSIG(st) == sig, "%s %s %s: status 0x%x after "
			      "signal %d at %d us", argv[1], argv[2] ? argv[2] : "",
			      argv[2] && argv[3] ? argv[3] : "", st, sig, delay);
		ck_assert_msg(entries_in(tmp) == 0, "%s %s %s: TMPDIR not empty "
			      "after signal %d at %d us", argv[1],
			      argv[2] ? argv[2] : "", argv[2] && argv[3] ? argv[3] : "",
			      sig, delay);
		by_signal += WIFSIGNALED(st) || WEXITSTATUS(st) != 0;
		free_argv(argv);
	}
	ck_assert(prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0) == 0);
	ck_assert_msg(run == RUNS, "only %d runs within 60 s", run);
	ck_assert(rmdir(tmp) == 0);
	printf("test_signal_storm_leaves_nothing: %d runs in %lld ms, %d ended "
	       "by the signal, no file and no process left\n", run,
	       now_ms() - t0, by_signal);
}
END_TEST

/* Reads from a pty master until text appears (or 10 s); returns whether
 * it did.  Everything read is appended to *all. */
static bool pty_wait_for(int master, const char *text, char **all, size_t *len)
{
	long long deadline = now_ms() + 10000;
	size_t from = *len;

	while (now_ms() < deadline) {
		struct pollfd pf = { master, POLLIN, 0 };
		char buf[4096];
		ssize_t n;

		if (poll(&pf, 1, 100) <= 0)
			continue;
		n = read(master, buf, sizeof(buf));
		if (n <= 0)
			return false;
		grow_append(all, len, buf, (size_t)n);
		if (strstr(*all + from, text))
			return true;
	}
	return false;
}

static size_t count_str(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay++;
	}
	return n;
}

/* `demo --step` on a real terminal, Ctrl-C typed at a prompt: the line
 * discipline interrupts the foreground group, fdscope dies of SIGINT,
 * its temporary directory goes, the terminal settings are as before and
 * no bold attribute is left switched on. */
START_TEST(test_demo_step_ctrl_c_on_a_terminal)
{
	static const int enters[] = { 0, 2, 5 };
	char tmp[] = "/tmp/fdscope-tty-XXXXXX";
	size_t k;

	ck_assert(mkdtemp(tmp) != NULL);
	for (k = 0; k < sizeof(enters) / sizeof(enters[0]); k++) {
		struct termios before, after;
		char *all = NULL;
		size_t len = 0;
		int master, st, i;
		pid_t pid;

		grow_append(&all, &len, "", 0);
		pid = forkpty(&master, NULL, NULL, NULL);
		ck_assert(pid >= 0);
		if (pid == 0) {
			setenv("TMPDIR", tmp, 1);
			unsetenv("NO_COLOR");
			execl(fdscope_bin(), fdscope_bin(), "demo", "--step", (char *)NULL);
			_exit(127);
		}
		ck_assert(tcgetattr(master, &before) == 0);
		for (i = 0; i < enters[k]; i++) {
			ck_assert_msg(pty_wait_for(master, "-- Enter=",
						   &all, &len), "no prompt %d", i + 1);
			ck_assert(write(master, "\n", 1) == 1);
		}
		ck_assert_msg(pty_wait_for(master, "-- Enter=",
					   &all, &len), "no prompt before Ctrl-C");
		ck_assert(write(master, "\x03", 1) == 1);
		pty_wait_for(master, "\x01never\x01", &all, &len);
		ck_assert(waitpid(pid, &st, 0) == pid);
		ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGINT,
			      "after %d Enters, Ctrl-C: status 0x%x", enters[k], st);
		ck_assert(tcgetattr(master, &after) == 0);
		ck_assert(before.c_lflag == after.c_lflag &&
			  before.c_iflag == after.c_iflag &&
			  before.c_oflag == after.c_oflag);
		/* Every bold switched on was switched off. */
		ck_assert_uint_le(count_str(all, "\x1b[1m"), count_str(all, "\x1b[0m"));
		ck_assert_msg(entries_in(tmp) == 0, "Ctrl-C after %d Enters left "
			      "files", enters[k]);
		close(master);
		free(all);
	}
	ck_assert(rmdir(tmp) == 0);
}
END_TEST

/* Every file a demo creates is in its private directory under TMPDIR,
 * created exclusively and never through a symlink, as the calls it
 * narrates show; and the directory is 0700 while it exists. */
START_TEST(test_demo_files_private_and_exclusive)
{
	static const char *const demos[][8] = {
		{ "open", "-J", "file", "fifo", "unix", "unix-dgram", "memfd", NULL },
		{ "recycle", "-J", NULL },
		{ "alloc", "-J", NULL },
		{ "tables", "-J", NULL },
		{ "exchange", "-J", "--proto", "unix", NULL },
		{ "exchange", "-J", "--proto", "unix-dgram", NULL },
		{ "demo", "-J", NULL },
	};
	char tmp[] = "/tmp/fdscope-private-XXXXXX", prefix[64];
	struct spawn_opts o = { STREAM_DEFAULT, STREAM_DEFAULT, NULL, NULL };
	struct run_result r;
	size_t i, k, creates = 0, paths = 0;

	ck_assert(mkdtemp(tmp) != NULL);
	snprintf(prefix, sizeof(prefix), "%s/fdscope.", tmp);
	setenv("TMPDIR", tmp, 1);
	for (i = 0; i < sizeof(demos) / sizeof(demos[0]); i++) {
		char **argv = argv_of(demos[i]);
		const struct json *steps;
		struct json *doc;

		spawn_run(&r, &o, argv, 60);
		free_argv(argv);
		ck_assert_msg(r.status == 0, "%s: status %d: %s", demos[i][0],
			      r.status, r.err);
		doc = json_parse(r.out);
		ck_assert_msg(doc != NULL, "%s: invalid JSON", demos[i][0]);
		steps = json_get(doc, "steps");
		ck_assert(steps != NULL && steps->kind == JSON_ARRAY);
		for (k = 0; k < steps->n; k++) {
			const char *call = json_str(json_at(steps, k), "call");
			const char *at;

			if (call == NULL)
				continue;
			at = strstr(call, tmp);
			if (at) {
				paths++;
				ck_assert_msg(strncmp(at, prefix, strlen(prefix)) == 0,
					      "%s: a path outside the private "
					      "directory: %s", demos[i][0], call);
			}
			if (strstr(call, "O_CREAT")) {
				creates++;
				ck_assert_msg(strstr(call, "O_EXCL") &&
					      strstr(call, "O_NOFOLLOW"),
					      "%s: created without O_EXCL|O_NOFOLLOW: %s",
					      demos[i][0], call);
			}
		}
		json_free(doc);
		run_result_release(&r);
		ck_assert_msg(entries_in(tmp) == 0, "%s left files", demos[i][0]);
	}
	ck_assert_msg(creates > 0 && paths > 0, "no file creation seen at all");

	/* While `open --hold` holds its files: one directory, 0700, ours. */
	{
		pid_t pid = fork();
		long long deadline = now_ms() + 10000;
		bool seen = false;

		ck_assert(pid >= 0);
		if (pid == 0) {
			int null = open("/dev/null", O_RDWR);

			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
			execl(fdscope_bin(), fdscope_bin(), "open", "--hold=3", "file",
			      "fifo", "unix", (char *)NULL);
			_exit(127);
		}
		while (!seen && now_ms() < deadline) {
			DIR *d = opendir(tmp);
			struct dirent *de;

			ck_assert(d != NULL);
			while ((de = readdir(d)) != NULL) {
				char path[512];
				struct stat st;

				if (de->d_name[0] == '.')
					continue;
				snprintf(path, sizeof(path), "%s/%s", tmp, de->d_name);
				ck_assert(lstat(path, &st) == 0);
				ck_assert_msg(strncmp(de->d_name, "fdscope.", 8) == 0,
					      "unexpected %s", de->d_name);
				ck_assert(S_ISDIR(st.st_mode));
				ck_assert_msg((st.st_mode & 07777) == 0700, "mode %o",
					      st.st_mode & 07777);
				ck_assert(st.st_uid == geteuid());
				seen = true;
			}
			closedir(d);
			usleep(20000);
		}
		ck_assert_msg(seen, "open --hold created no directory");
		kill(pid, SIGINT);
		ck_assert(waitpid(pid, NULL, 0) == pid);
		ck_assert(entries_in(tmp) == 0);
	}
	unsetenv("TMPDIR");
	ck_assert(rmdir(tmp) == 0);
	printf("test_demo_files_private_and_exclusive: %zu paths, %zu creations, "
	       "all private and exclusive\n", paths, creates);
}
END_TEST

/* CapPrm, CapEff and CapBnd of a running process. */
static void caps_of(pid_t pid, unsigned long long *prm, unsigned long long *eff,
		    unsigned long long *bnd)
{
	char path[64], buf[4096], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ck_assert(n > 0);
	buf[n] = '\0';
	p = strstr(buf, "\nCapPrm:");
	ck_assert(p != NULL && sscanf(p + 8, "%llx", prm) == 1);
	p = strstr(buf, "\nCapEff:");
	ck_assert(p != NULL && sscanf(p + 8, "%llx", eff) == 1);
	p = strstr(buf, "\nCapBnd:");
	ck_assert(p != NULL && sscanf(p + 8, "%llx", bnd) == 1);
}

/* A demo while it holds its descriptors, and serve once it listens, have
 * no capability left: whatever root started them with was dropped
 * (caps_drop_for_demo, caps_drop_for_net). */
START_TEST(test_demo_and_server_hold_no_capability)
{
	unsigned long long prm, eff, bnd;
	char tmp[] = "/tmp/fdscope-caps-XXXXXX", *rest;
	struct server sv;
	long long deadline;
	int st;
	pid_t pid;

	ck_assert(mkdtemp(tmp) != NULL);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		setenv("TMPDIR", tmp, 1);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execl(fdscope_bin(), fdscope_bin(), "open", "--hold=5", "file",
		      "tcp", (char *)NULL);
		_exit(127);
	}
	/* Holding: its temporary directory exists. */
	deadline = now_ms() + 5000;
	while (entries_in(tmp) == 0 && now_ms() < deadline)
		usleep(10000);
	ck_assert_msg(entries_in(tmp) > 0, "open --hold did not start");
	caps_of(pid, &prm, &eff, &bnd);
	kill(pid, SIGINT);
	ck_assert(waitpid(pid, &st, 0) == pid);
	ck_assert(rmdir(tmp) == 0);
	ck_assert_msg(prm == 0 && eff == 0 && bnd == 0, "open --hold keeps "
		      "capabilities: CapPrm %llx CapEff %llx CapBnd %llx (is "
		      "caps_drop_for_demo() called?)", prm, eff, bnd);

	server_start(&sv, "serve", "--port", "0", NULL);
	caps_of(sv.pid, &prm, &eff, &bnd);
	rest = server_stop(&sv, &st);
	free(rest);
	ck_assert_msg(prm == 0 && eff == 0, "serve keeps capabilities while "
		      "listening: CapPrm %llx CapEff %llx (is caps_drop_for_net() "
		      "called?)", prm, eff);
}
END_TEST

/* Every demo with its standard streams closed: a clear exit, never a
 * signal, and nothing left in TMPDIR. */
START_TEST(test_demos_with_closed_streams)
{
	static const char *const demos[] = {
		"alloc", "recycle", "exhaust", "tables", "exchange", "demo",
	};
	struct spawn_opts o = { STREAM_CLOSED, STREAM_DEFAULT, NULL, NULL };
	char tmp[] = "/tmp/fdscope-closed-XXXXXX";
	struct run_result r;
	size_t i;
	int mode;

	ck_assert(mkdtemp(tmp) != NULL);
	setenv("TMPDIR", tmp, 1);
	for (mode = 0; mode < 2; mode++) {
		o.in = mode == 0 ? STREAM_CLOSED : STREAM_DEFAULT;
		o.out = mode == 1 ? STREAM_CLOSED : STREAM_DEFAULT;
		for (i = 0; i < sizeof(demos) / sizeof(demos[0]); i++) {
			spawn_fdscope(&r, &o, demos[i], NULL);
			if (mode == 0)
				ck_assert_msg(r.status == 0, "%s with stdin closed: "
					      "status %d: %s", demos[i], r.status, r.err);
			else
				ck_assert_msg(r.status == 1, "%s with stdout closed: "
					      "status %d: %s", demos[i], r.status, r.err);
			ck_assert_msg(entries_in(tmp) == 0, "%s left files", demos[i]);
			run_result_release(&r);
		}
	}
	unsetenv("TMPDIR");
	ck_assert(rmdir(tmp) == 0);
}
END_TEST

Suite *hostile_suite(void)
{
	Suite *s = suite_create("hostile");
	TCase *tc;

	tc = tcase_create("pids");
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_pid_garbage_is_usage_error);
	tcase_add_test(tc, test_pid_absent_is_runtime_error);
	tcase_add_test(tc, test_pid_zombie_has_no_descriptors);
	tcase_add_test_if("hostile", tc, find_kernel_thread() != 0,
			  test_pid_kernel_thread,
			  "no kernel thread is visible in this PID namespace");
	tcase_add_test_if("hostile", tc, geteuid() == 0,
			  test_pid_other_user_denied,
			  "needs root to start a process as nobody");
	tcase_add_test(tc, test_pid_exits_while_listed);
	tcase_add_test(tc, test_list_all_while_processes_churn);
	suite_add_tcase(s, tc);

	tc = tcase_create("options");
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_set_garbage);
	tcase_add_test(tc, test_argument_soup);
	suite_add_tcase(s, tc);

	tc = tcase_create("environment");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_stdout_closed);
	tcase_add_test(tc, test_stdin_closed);
	tcase_add_test(tc, test_stdout_reader_goes_away);
	tcase_add_test(tc, test_stdout_full_nonblocking_pipe);
	tcase_add_test(tc, test_started_with_1000_descriptors);
	tcase_add_test(tc, test_soft_limit_exhausted_at_start);
	tcase_add_test(tc, test_names_with_control_bytes_and_invalid_utf8);
	tcase_add_test(tc, test_fake_proc_root_with_garbage);
	suite_add_tcase(s, tc);

	tc = tcase_create("network");
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_network_option_garbage);
	tcase_add_test(tc, test_network_runtime_errors);
	tcase_add_test(tc, test_serve_survives_hostile_peers);
	tcase_add_test(tc, test_serve_udp_flood);
	tcase_add_test(tc, test_serve_warns_on_every_interface);
	tcase_add_test(tc, test_connect_to_silent_server);
	suite_add_tcase(s, tc);

	tc = tcase_create("privileges");
	tcase_set_timeout(tc, 60);
	tcase_add_test_if("hostile", tc, have_effective_cap(CAP_SYS_PTRACE) ||
			  have_effective_cap(CAP_DAC_OVERRIDE),
			  test_demo_and_server_hold_no_capability,
			  "started without capabilities: nothing to drop");
	suite_add_tcase(s, tc);

	tc = tcase_create("demos");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_demos_interrupted_leave_nothing);
	tcase_add_test(tc, test_demos_with_closed_streams);
	tcase_add_test(tc, test_demo_step_ctrl_c_on_a_terminal);
	tcase_add_test(tc, test_demo_files_private_and_exclusive);
	suite_add_tcase(s, tc);

	tc = tcase_create("signals");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_signal_storm_leaves_nothing);
	suite_add_tcase(s, tc);
	return s;
}
