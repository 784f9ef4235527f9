/* Every child fdscope starts dies with it: lib/child's child_fork, the
 * python3 that `open` runs on a socket, a command under `exec`, and no
 * fork() anywhere else in src/.  The test process makes itself a child
 * subreaper (each test runs in a process of its own under Check's fork
 * mode), so an orphan comes back to it and its end can be waited for. */
#include <check.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/child.h"
#include "testutil.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits (at most timeout_ms) for pid, a child or an orphan that came back
 * to this subreaper; SIGKILLs it and fails when it is still running.
 * Returns its status, or -1 when fdscope reaped it itself (it is gone). */
static int wait_gone(pid_t pid, int timeout_ms, const char *what)
{
	long long end = now_ms() + timeout_ms;
	int st = 0;

	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			return st;
		if (r < 0 && errno == ECHILD && kill(pid, 0) < 0 &&
		    errno == ESRCH)
			return -1;
		ck_assert_msg(r == 0, "waitpid %s: %s", what, strerror(errno));
		if (now_ms() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			ck_abort_msg("%s (pid %d) still alive %d ms after fdscope "
				     "was killed", what, (int)pid, timeout_ms);
		}
		usleep(5000);
	}
}

static void become_subreaper(void)
{
	ck_assert(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
}

START_TEST(test_child_fork_dies_with_its_parent)
{
	int p[2], st;
	pid_t mid, grandchild = 0;

	become_subreaper();
	ck_assert(pipe(p) == 0);
	mid = fork();
	ck_assert(mid >= 0);
	if (mid == 0) {
		pid_t c = child_fork();

		if (c == 0) {
			pause();
			_exit(0);
		}
		if (write(p[1], &c, sizeof(c)) != (ssize_t)sizeof(c))
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	ck_assert(read(p[0], &grandchild, sizeof(grandchild)) ==
		  (ssize_t)sizeof(grandchild));
	close(p[0]);
	/* The child's prctl may not have run yet: give it a moment, as a
	 * kill at any time must still take the child along. */
	usleep(20000);
	ck_assert(kill(mid, SIGKILL) == 0);
	ck_assert(waitpid(mid, &st, 0) == mid);
	st = wait_gone(grandchild, 2000, "child_fork's child");
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status 0x%x",
		      st);
}
END_TEST

/* Starts fdscope with args and PATH=pathdir:$PATH. */
static pid_t start_fdscope(const char *pathdir, char *const args[])
{
	char *argv[16], path[8192];
	size_t n = 0;
	pid_t pid;

	argv[n++] = strdup(fdscope_bin());
	while (*args && n < 15)
		argv[n++] = *args++;
	argv[n] = NULL;
	snprintf(path, sizeof(path), "%s:%s", pathdir,
		 getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		setenv("PATH", path, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	free(argv[0]);
	return pid;
}

/* The pid a program wrote in file, waiting at most 10 s for it. */
static pid_t read_pid_file(const char *file)
{
	long long end = now_ms() + 10000;

	while (now_ms() < end) {
		FILE *f = fopen(file, "r");
		int pid = 0;

		if (f) {
			int got = fscanf(f, "%d\n", &pid);

			fclose(f);
			if (got == 1 && pid > 0)
				return pid;
		}
		usleep(10000);
	}
	ck_abort_msg("no pid in %s after 10 s", file);
	return -1;
}

/* A python3 that records its pid and hangs, found first in PATH. */
static void fake_python(char *dir, size_t len, char *pidfile, size_t plen)
{
	char script[PATH_MAX + 64];
	FILE *f;

	snprintf(dir, len, "/tmp/fdscope-child-XXXXXX");
	ck_assert(mkdtemp(dir) != NULL);
	snprintf(pidfile, plen, "%s/pid", dir);
	snprintf(script, sizeof(script), "%s/python3", dir);
	f = fopen(script, "w");
	ck_assert(f != NULL);
	fprintf(f, "#!/bin/sh\necho $$ > '%s.tmp' && mv '%s.tmp' '%s'\n"
		"exec sleep 30\n", pidfile, pidfile, pidfile);
	ck_assert(fclose(f) == 0);
	ck_assert(chmod(script, 0700) == 0);
}

static void remove_fake_python(const char *dir, const char *pidfile)
{
	char script[PATH_MAX + 64];

	snprintf(script, sizeof(script), "%s/python3", dir);
	unlink(script);
	unlink(pidfile);
	ck_assert_msg(rmdir(dir) == 0, "rmdir %s: %s", dir, strerror(errno));
}

/* `open` runs python3 on each socket; fdscope killed meanwhile (by sig)
 * must not leave that python3 running (it hangs here, as a stuck one
 * would).  SIGTERM is caught: fdscope's handler may kill and reap it
 * itself before dying of the signal. */
static void python_dies_with_fdscope(int sig)
{
	char dir[64], pidfile[96];
	char *args[] = { "open", "file", "tcp", NULL };
	pid_t fd_pid, py;
	int st;

	become_subreaper();
	fake_python(dir, sizeof(dir), pidfile, sizeof(pidfile));
	fd_pid = start_fdscope(dir, args);
	py = read_pid_file(pidfile);
	ck_assert(kill(fd_pid, sig) == 0);
	ck_assert(waitpid(fd_pid, &st, 0) == fd_pid);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == sig, "status 0x%x", st);
	st = wait_gone(py, 2000, "open's python3");
	ck_assert_msg(st == -1 || (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL),
		      "status 0x%x", st);
	remove_fake_python(dir, pidfile);
}

START_TEST(test_open_python_dies_with_fdscope)
{
	python_dies_with_fdscope(SIGKILL);
}
END_TEST

START_TEST(test_open_python_dies_with_fdscope_terminated)
{
	python_dies_with_fdscope(SIGTERM);
}
END_TEST

/* `exec -- COMMAND`: the traced command goes with a killed fdscope. */
START_TEST(test_exec_command_dies_with_fdscope)
{
	char dir[64], pidfile[96], cmd[512];
	char *args[] = { "exec", "--", "sh", "-c", cmd, NULL };
	pid_t fd_pid, child;
	int st;

	become_subreaper();
	snprintf(dir, sizeof(dir), "/tmp/fdscope-child-XXXXXX");
	ck_assert(mkdtemp(dir) != NULL);
	snprintf(pidfile, sizeof(pidfile), "%s/pid", dir);
	snprintf(cmd, sizeof(cmd), "echo $$ > '%s.tmp' && mv '%s.tmp' '%s' && "
		 "exec sleep 30", pidfile, pidfile, pidfile);
	fd_pid = start_fdscope(dir, args);
	child = read_pid_file(pidfile);
	ck_assert(kill(fd_pid, SIGKILL) == 0);
	ck_assert(waitpid(fd_pid, &st, 0) == fd_pid);
	st = wait_gone(child, 2000, "exec's command");
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status 0x%x",
		      st);
	unlink(pidfile);
	ck_assert(rmdir(dir) == 0);
}
END_TEST

/* ---- one fork() in src/ ---------------------------------------------- */

/* text with comments, string and character literals blanked. */
static void blank_comments_and_literals(char *s)
{
	while (*s) {
		if (s[0] == '/' && s[1] == '*') {
			char *e = strstr(s + 2, "*/");
			char *stop = e ? e + 2 : s + strlen(s);

			memset(s, ' ', (size_t)(stop - s));
			s = stop;
		} else if (s[0] == '/' && s[1] == '/') {
			while (*s && *s != '\n')
				*s++ = ' ';
		} else if (*s == '"' || *s == '\'') {
			char q = *s++;

			while (*s && *s != q && *s != '\n') {
				if (*s == '\\' && s[1])
					*s++ = ' ';
				*s++ = ' ';
			}
			if (*s == q)
				s++;
		} else {
			s++;
		}
	}
}

/* Calls that start a process: only lib/child.c may make them. */
static const char *const spawners[] = { "fork", "vfork", "clone", "clone3",
	"posix_spawn", "posix_spawnp", "popen", "system", "daemon" };

/* The first call of a spawner in text, or NULL. */
static const char *find_spawn(const char *text, const char **which)
{
	const char *p;
	size_t i;

	for (p = text; *p; p++) {
		if (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
			continue;
		for (i = 0; i < sizeof(spawners) / sizeof(spawners[0]); i++) {
			size_t n = strlen(spawners[i]);
			const char *q = p + n;

			if (strncmp(p, spawners[i], n) != 0 ||
			    isalnum((unsigned char)*q) || *q == '_')
				continue;
			while (*q == ' ' || *q == '\t')
				q++;
			if (*q == '(') {
				*which = spawners[i];
				return p;
			}
		}
	}
	return NULL;
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long len;

	ck_assert_msg(f != NULL, "open %s: %s", path, strerror(errno));
	ck_assert(fseek(f, 0, SEEK_END) == 0);
	len = ftell(f);
	ck_assert(len >= 0 && fseek(f, 0, SEEK_SET) == 0);
	buf = malloc((size_t)len + 1);
	ck_assert(buf != NULL);
	ck_assert(fread(buf, 1, (size_t)len, f) == (size_t)len);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

START_TEST(test_every_fork_goes_through_child_fork)
{
	const char *srcdir = getenv("FDSCOPE_SRCDIR");
	char path[PATH_MAX];
	DIR *top, *sub;
	struct dirent *l, *e;
	size_t files = 0, calls = 0;

	ck_assert_msg(srcdir != NULL, "FDSCOPE_SRCDIR is not set");
	snprintf(path, sizeof(path), "%s/src", srcdir);
	top = opendir(path);
	ck_assert(top != NULL);
	while ((l = readdir(top)) != NULL) {
		if (l->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/src/%s", srcdir, l->d_name);
		sub = opendir(path);
		if (sub == NULL)
			continue;
		while ((e = readdir(sub)) != NULL) {
			size_t n = strlen(e->d_name);
			const char *which = NULL, *at;
			char *text;

			if (n < 3 || strcmp(e->d_name + n - 2, ".c") != 0)
				continue;
			snprintf(path, sizeof(path), "%s/src/%s/%s", srcdir,
				 l->d_name, e->d_name);
			text = read_all(path);
			blank_comments_and_literals(text);
			files++;
			at = find_spawn(text, &which);
			if (strcmp(l->d_name, "lib") == 0 &&
			    strcmp(e->d_name, "child.c") == 0) {
				ck_assert_msg(at != NULL && strcmp(which, "fork") == 0,
					      "lib/child.c has no fork()");
				calls++;
				at = find_spawn(at + 4, &which);
			}
			ck_assert_msg(at == NULL, "%s() in src/%s/%s: use "
				      "child_fork (lib/child.h)", which,
				      l->d_name, e->d_name);
			free(text);
		}
		closedir(sub);
	}
	closedir(top);
	ck_assert_msg(files > 50, "only %zu source files found", files);
	ck_assert_uint_eq(calls, 1);
}
END_TEST

Suite *child_suite(void)
{
	Suite *s = suite_create("child");
	TCase *tc = tcase_create("dies-with-fdscope");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_child_fork_dies_with_its_parent);
	tcase_add_test(tc, test_open_python_dies_with_fdscope);
	tcase_add_test(tc, test_open_python_dies_with_fdscope_terminated);
	tcase_add_test(tc, test_exec_command_dies_with_fdscope);
	tcase_add_test(tc, test_every_fork_goes_through_child_fork);
	suite_add_tcase(s, tc);
	return s;
}
