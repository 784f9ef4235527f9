/* Integration tests for `fdscope exec`: the leaks of a helper that forks
 * twice and execs are found with the right exec'ing process, the ones it
 * marked O_CLOEXEC are not; --strict; exit statuses and deaths by signal
 * reproduced; signals passed on; many short children in bounded time.
 * fdscope is started with nothing open beyond 0, 1 and 2, so that every
 * descriptor the report names is one the test made. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cliexit.h"
#include "proc/procfs.h"
#include "testutil.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static char *leaker_path(void)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s", helper_path("leaker"));
	return path;
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Starts fdscope with argv (after the program name), stdin /dev/null,
 * stdout into out_path (or /dev/null), stderr to /dev/null, and nothing
 * else open. */
static pid_t spawn_clean(char *const args[], const char *out_path)
{
	static char bin[4096];
	char *argv[32];
	size_t i;
	pid_t pid;

	snprintf(bin, sizeof(bin), "%s", fdscope_bin());
	argv[0] = bin;
	for (i = 0; args[i] && i < 30; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int out = open(out_path ? out_path : "/dev/null",
			       O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int err = open("/dev/null", O_WRONLY);

		if (in < 0 || out < 0 || err < 0)
			_exit(126);
		dup2(in, 0);
		dup2(out, 1);
		dup2(err, 2);
		close_range(3, ~0U, 0);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* Waits at most timeout_s; returns the exit status, or 128 + signal. */
static int wait_status(pid_t pid, int timeout_s)
{
	long long deadline = mono_ms() + timeout_s * 1000LL;
	int st;

	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		ck_assert(r >= 0);
		if (r == pid)
			break;
		if (mono_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			ck_abort_msg("fdscope exec did not finish within %d s", timeout_s);
		}
		usleep(10 * 1000);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int run_clean(char *const args[], const char *out_path, int timeout_s)
{
	return wait_status(spawn_clean(args, out_path), timeout_s);
}

static char *slurp(const char *path)
{
	char *text = NULL;

	ck_assert_msg(procfs_slurp_at(AT_FDCWD, path, &text) >= 0, "cannot read %s",
		      path);
	return text;
}

struct tmpfiles {
	char dir[64], out[128], report[128];
};

static void tmpfiles_make(struct tmpfiles *t)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/check-exec-XXXXXX");
	ck_assert(mkdtemp(t->dir) != NULL);
	snprintf(t->out, sizeof(t->out), "%s/out", t->dir);
	snprintf(t->report, sizeof(t->report), "%s/report.json", t->dir);
}

static void tmpfiles_remove(const struct tmpfiles *t)
{
	unlink(t->out);
	unlink(t->report);
	rmdir(t->dir);
}

START_TEST(test_exec_reports_exactly_the_two_leaks_of_a_grandchild)
{
	struct tmpfiles t;
	char *args[] = { "exec", "-J", "--report", NULL, "--",
			 leaker_path(), NULL };
	long long top, gc, wfd, sfd, port;
	const struct json *ex, *descs, *d, *by;
	struct json *doc;
	char *out, *rep, want[64];
	bool seen_pipe = false, seen_sock = false;
	size_t i;

	tmpfiles_make(&t);
	args[3] = t.report;
	ck_assert_int_eq(run_clean(args, t.out, 20), 0);
	out = slurp(t.out);
	ck_assert_msg(sscanf(out, "top pid=%lld grandchild pid=%lld pipe=%lld "
			     "sock=%lld port=%lld", &top, &gc, &wfd, &sfd, &port) == 5,
		      "helper said: %s", out);
	rep = slurp(t.report);
	doc = json_parse(rep);
	ck_assert_msg(doc != NULL, "invalid JSON: %s", rep);
	ex = json_get(doc, "exec");
	ck_assert(ex != NULL);
	ck_assert_int_eq(json_int(ex, "exit_status"), 0);
	ck_assert_int_eq(json_int(ex, "execs"), 2);
	ck_assert_int_eq(json_int(ex, "processes"), 3);
	ck_assert_int_eq(json_int(ex, "inherited"), 2);
	descs = json_get(ex, "descriptions");
	ck_assert(descs && descs->kind == JSON_ARRAY);
	ck_assert_int_eq(descs->n, 2);
	for (i = 0; i < descs->n; i++) {
		d = json_at(descs, i);
		by = json_get(d, "inherited_by");
		ck_assert(by && by->kind == JSON_ARRAY);
		ck_assert_int_eq(by->n, 1);
		ck_assert_int_eq(json_int(json_at(by, 0), "pid"), gc);
		ck_assert(json_get(d, "before_fdscope")->kind == JSON_BOOL);
		ck_assert(!json_get(d, "before_fdscope")->b);
		/* Opened by the command's own process, not by the child that
		 * forked the grandchild, nor by the grandchild. */
		ck_assert_int_eq(json_int(d, "opened_by"), top);
		ck_assert_str_eq(json_str(d, "opened_by_command"), "leaker");
		if (json_int(json_at(by, 0), "fd") == wfd) {
			ck_assert_str_eq(json_str(d, "type"), "FIFO");
			ck_assert_str_eq(json_str(d, "mode"), "-w");
			ck_assert(strncmp(json_str(d, "name"), "pipe:[", 6) == 0);
			seen_pipe = true;
		} else {
			ck_assert_int_eq(json_int(json_at(by, 0), "fd"), sfd);
			ck_assert_str_eq(json_str(d, "type"), "SOCK");
			snprintf(want, sizeof(want), "TCP 127.0.0.1:%lld", port);
			ck_assert_msg(strstr(json_str(d, "name"), want) != NULL,
				      "socket named %s", json_str(d, "name"));
			seen_sock = true;
		}
	}
	ck_assert(seen_pipe && seen_sock);
	json_free(doc);
	free(rep);
	free(out);
	tmpfiles_remove(&t);
}
END_TEST

START_TEST(test_exec_text_report_names_the_exec_and_the_opener)
{
	struct run_result r;

	run_fdscope(&r, "exec", "--", helper_path("leaker"), NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strstr(r.err, "FIFO -w pipe:[") != NULL, "%s", r.err);
	ck_assert_msg(strstr(r.err, "SOCK rw TCP 127.0.0.1:") != NULL, "%s", r.err);
	ck_assert_msg(strstr(r.err, "first held by ") != NULL, "%s", r.err);
	run_result_release(&r);
}
END_TEST

START_TEST(test_exec_strict_fails_on_a_leak_and_allow_excuses_it)
{
	struct tmpfiles t;
	char *strict[] = { "exec", "--strict", "--", leaker_path(),
			   NULL };
	char *clean[] = { "exec", "--strict", "--", "/bin/true", NULL };
	char *failing[] = { "exec", "--strict", "--", "/bin/sh", "-c", "exit 3",
			    NULL };
	char *allowed[] = { "exec", "--strict", "--allow", NULL, "--",
			    leaker_path(), NULL };
	long long gc, wfd, sfd, port;
	char list[64], *out;

	tmpfiles_make(&t);
	ck_assert_int_eq(run_clean(strict, t.out, 20), 1);
	out = slurp(t.out);
	ck_assert(sscanf(out, "top pid=%*d grandchild pid=%lld pipe=%lld sock=%lld "
			 "port=%lld", &gc, &wfd, &sfd, &port) == 4);
	free(out);
	ck_assert_int_eq(run_clean(clean, NULL, 20), 0);
	/* The command's own failure is what the caller sees. */
	ck_assert_int_eq(run_clean(failing, NULL, 20), 3);
	/* The same numbers come out in the same clean start. */
	snprintf(list, sizeof(list), "%lld,%lld", wfd, sfd);
	allowed[3] = list;
	ck_assert_int_eq(run_clean(allowed, NULL, 20), 0);
	tmpfiles_remove(&t);
}
END_TEST

START_TEST(test_exec_passes_the_exit_status_through)
{
	char *args[] = { "exec", "--", "/bin/sh", "-c", "exit 7", NULL };

	ck_assert_int_eq(run_clean(args, NULL, 20), 7);
}
END_TEST

START_TEST(test_exec_dies_of_the_commands_signal)
{
	char *args[] = { "exec", "--", "/bin/sh", "-c", "kill -USR1 $$", NULL };

	ck_assert_int_eq(run_clean(args, NULL, 20), 128 + SIGUSR1);
}
END_TEST

/* The command's process: fdscope's only child once it exec'd sleep. */
static bool child_is_sleep(pid_t parent)
{
	char path[96], buf[256];

	snprintf(path, sizeof(path), "/proc/%ld/task/%ld/children", (long)parent,
		 (long)parent);
	if (procfs_read_at(AT_FDCWD, path, buf, sizeof(buf)) <= 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/comm", atol(buf));
	return procfs_read_at(AT_FDCWD, path, buf, sizeof(buf)) > 0 &&
		strcmp(buf, "sleep\n") == 0;
}

START_TEST(test_exec_forwards_sigterm_to_the_command)
{
	char *args[] = { "exec", "--", "/bin/sleep", "30", NULL };
	long long deadline = mono_ms() + 10000;
	pid_t pid = spawn_clean(args, NULL);

	while (!child_is_sleep(pid)) {
		ck_assert_msg(mono_ms() < deadline, "sleep never started");
		usleep(10 * 1000);
	}
	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	/* sleep died of it, and fdscope died of the same. */
	ck_assert_int_eq(wait_status(pid, 10), 128 + SIGTERM);
}
END_TEST

/* The command's process (fdscope's only child) and its state letter. */
static pid_t only_child(pid_t parent)
{
	char path[96], buf[256];

	snprintf(path, sizeof(path), "/proc/%ld/task/%ld/children", (long)parent,
		 (long)parent);
	if (procfs_read_at(AT_FDCWD, path, buf, sizeof(buf)) <= 0)
		return 0;
	return (pid_t)atol(buf);
}

static char state_of(pid_t pid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if (procfs_read_at(AT_FDCWD, path, buf, sizeof(buf)) <= 0)
		return '?';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

START_TEST(test_exec_keeps_a_group_stop_until_sigcont)
{
	struct tmpfiles t;
	char *args[] = { "exec", "--", "/bin/sh", "-c", "kill -STOP $$; echo resumed",
			 NULL };
	long long deadline = mono_ms() + 10000;
	pid_t pid, cmd = 0;
	char st = '?', *out;

	tmpfiles_make(&t);
	pid = spawn_clean(args, t.out);
	/* Stopped, and it stays stopped: fdscope must not resume it. */
	while (mono_ms() < deadline) {
		cmd = only_child(pid);
		st = cmd ? state_of(cmd) : '?';
		if (st == 't' || st == 'T')
			break;
		usleep(10 * 1000);
	}
	ck_assert_msg(st == 't' || st == 'T', "the command never stopped");
	usleep(200 * 1000);
	st = state_of(cmd);
	ck_assert_msg(st == 't' || st == 'T', "resumed without SIGCONT: %c", st);
	ck_assert_int_eq(kill(cmd, SIGCONT), 0);
	ck_assert_int_eq(wait_status(pid, 10), 0);
	out = slurp(t.out);
	ck_assert_str_eq(out, "resumed\n");
	free(out);
	tmpfiles_remove(&t);
}
END_TEST

/* Runs `fdscope exec -- /bin/true` under a seccomp filter that refuses
 * ptrace with EPERM, as a container's profile (or Yama) does, with
 * FDSCOPE_PROC_ROOT set to root when not NULL; returns what it said on
 * stderr after checking that it exited 1. */
static char *exec_refused(const char *root)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_ptrace, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { ARRAY_LEN(filter), filter };
	struct tmpfiles t;
	char *err;
	int st;
	pid_t pid;

	tmpfiles_make(&t);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int fd = open(t.out, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		dup2(fd, 2);
		if (root)
			setenv("FDSCOPE_PROC_ROOT", root, 1);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
			_exit(125);
		execl(fdscope_bin(), "fdscope", "exec", "--", "/bin/true", (char *)NULL);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 1);
	err = slurp(t.out);
	tmpfiles_remove(&t);
	return err;
}

/* fdscope's one line is the first; a sanitizer build's LeakSanitizer,
 * which needs ptrace too, may add its own complaint after it. */
static void assert_first_line(const char *err, const char *want)
{
	const char *nl = strchr(err, '\n');

	ck_assert_msg(nl != NULL && (size_t)(nl - err) == strlen(want) &&
		      strncmp(err, want, strlen(want)) == 0,
		      "said: %s\nnot: %s", err, want);
	ck_assert_msg(strstr(nl, "fdscope:") == NULL, "not one line: %s", err);
}

START_TEST(test_exec_explains_a_refused_ptrace)
{
	char *err = exec_refused(NULL);

	ck_assert_msg(strstr(err, "fdscope: cannot trace the command: ptrace refused") ==
		      err, "said: %s", err);
	ck_assert_msg(strstr(strchr(err, '\n'), "fdscope:") == NULL, "not one line: %s",
		      err);
	free(err);
}
END_TEST

/* The Yama branch, on a /proc fixture whose ptrace_scope is 2, then 3 (a
 * scope of 1 lets a process trace its own child: the refusal is then
 * the container's, or a missing capability). */
START_TEST(test_exec_names_yama_and_what_would_allow_it)
{
	char root[] = "/tmp/check-exec-yama-XXXXXX", path[128];
	static const char *const scopes[] = { "2\n", "3\n", "1\n" };
	static const char *const said[] = {
		"fdscope: cannot trace the command: ptrace refused by Yama "
		"(kernel.yama.ptrace_scope is 2; run as root or with "
		"CAP_SYS_PTRACE, or set it to 1)",
		"fdscope: cannot trace the command: ptrace refused by Yama "
		"(kernel.yama.ptrace_scope is 3; 3 forbids ptrace until reboot)",
		"fdscope: cannot trace the command: ptrace refused (Operation "
		"not permitted): a container's seccomp profile or a missing "
		"CAP_SYS_PTRACE forbids it; allow ptrace (e.g. docker run "
		"--cap-add=SYS_PTRACE) or run fdscope outside",
	};
	size_t i;

	ck_assert(mkdtemp(root) != NULL);
	snprintf(path, sizeof(path), "%s/sys", root);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/sys/kernel", root);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/sys/kernel/yama", root);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/sys/kernel/yama/ptrace_scope", root);
	for (i = 0; i < ARRAY_LEN(scopes); i++) {
		FILE *f = fopen(path, "w");
		char *err;

		ck_assert(f != NULL);
		fputs(scopes[i], f);
		ck_assert_int_eq(fclose(f), 0);
		err = exec_refused(root);
		assert_first_line(err, said[i]);
		free(err);
	}
	unlink(path);
	for (i = 0; i < 3; i++) {
		char *slash = strrchr(path, '/');

		*slash = '\0';
		ck_assert_int_eq(rmdir(path), 0);
	}
	ck_assert_int_eq(rmdir(root), 0);
}
END_TEST

/* The command's standard streams are the ones fdscope was given: it reads
 * fdscope's stdin, and its descriptors 0, 1 and 2 name the very files
 * (the report goes to a file of its own). */
START_TEST(test_exec_leaves_the_commands_stdio_its_own)
{
	struct tmpfiles t;
	char in[160], err[160], want[1024], *out;
	char *args[] = { "exec", "--report", NULL, "--", "/bin/sh", "-c",
			 "cat; for i in 0 1 2; do readlink /proc/$$/fd/$i; done",
			 NULL };
	pid_t pid;

	tmpfiles_make(&t);
	args[2] = t.report;
	snprintf(in, sizeof(in), "%s/in", t.dir);
	snprintf(err, sizeof(err), "%s/err", t.dir);
	{
		FILE *f = fopen(in, "w");

		ck_assert(f != NULL);
		fputs("hello from stdin\n", f);
		ck_assert_int_eq(fclose(f), 0);
	}
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int i0 = open(in, O_RDONLY);
		int o1 = open(t.out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e2 = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		static char bin[4096];
		char *argv[16] = { bin };

		snprintf(bin, sizeof(bin), "%s", fdscope_bin());
		if (i0 < 0 || o1 < 0 || e2 < 0)
			_exit(126);
		dup2(i0, 0);
		dup2(o1, 1);
		dup2(e2, 2);
		close_range(3, ~0U, 0);
		for (int i = 0; args[i]; i++)
			argv[i + 1] = args[i];
		execv(argv[0], argv);
		_exit(127);
	}
	ck_assert_int_eq(wait_status(pid, 20), 0);
	out = slurp(t.out);
	snprintf(want, sizeof(want), "hello from stdin\n%s\n%s\n%s\n", in, t.out, err);
	ck_assert_str_eq(out, want);
	free(out);
	out = slurp(err);
	ck_assert_msg(out[0] == '\0', "stderr: %s", out);
	free(out);
	unlink(in);
	unlink(err);
	tmpfiles_remove(&t);
}
END_TEST

START_TEST(test_exec_follows_200_short_children)
{
	struct tmpfiles t;
	char *args[] = { "exec", "-J", "--report", NULL, "--", "/bin/sh", "-c",
			 "i=0; while [ $i -lt 200 ]; do /bin/true; i=$((i+1)); done",
			 NULL };
	long long start = mono_ms();
	struct json *doc;
	char *rep;

	tmpfiles_make(&t);
	args[3] = t.report;
	ck_assert_int_eq(run_clean(args, NULL, 30), 0);
	ck_assert_int_lt(mono_ms() - start, 20000);
	rep = slurp(t.report);
	doc = json_parse(rep);
	ck_assert_msg(doc != NULL, "invalid JSON: %s", rep);
	ck_assert_int_eq(json_int(json_get(doc, "exec"), "execs"), 201);
	ck_assert_int_eq(json_int(json_get(doc, "exec"), "processes"), 201);
	ck_assert_int_eq(json_int(json_get(doc, "exec"), "inherited"), 0);
	json_free(doc);
	free(rep);
	tmpfiles_remove(&t);
}
END_TEST

START_TEST(test_exec_escapes_a_hostile_name_once)
{
	struct tmpfiles t;
	char script[256], want[160];
	char *json_args[] = { "exec", "-J", "--report", NULL, "--", "/bin/sh", "-c",
			      script, NULL };
	char *text_args[] = { "exec", "--report", NULL, "--", "/bin/sh", "-c",
			      script, NULL };
	struct json *doc;
	const struct json *d;
	char *rep;

	tmpfiles_make(&t);
	/* A file named with an ESC byte, left open across the exec of true. */
	snprintf(script, sizeof(script), "exec 7>%s/\"$(printf 'a\\033b')\"; "
		 "/bin/true; rm -f %s/a?b", t.dir, t.dir);
	json_args[3] = t.report;
	ck_assert_int_eq(run_clean(json_args, NULL, 20), 0);
	rep = slurp(t.report);
	doc = json_parse(rep);
	ck_assert_msg(doc != NULL, "invalid JSON: %s", rep);
	d = json_at(json_get(json_get(doc, "exec"), "descriptions"), 0);
	ck_assert(d != NULL);
	/* JSON: the exact name, ESC as \u001b (never the text form's
	 * \x1b, nor \\x1b). */
	snprintf(want, sizeof(want), "%s/a\033b", t.dir);
	ck_assert_str_eq(json_str(d, "name"), want);
	ck_assert_msg(strstr(rep, "/a\\u001bb\"") != NULL, "%s", rep);
	json_free(doc);
	/* Text: the escaper's \x1b, once. */
	snprintf(want, sizeof(want), "%s/a\\x1bb", t.dir);
	free(rep);
	text_args[2] = t.report;
	ck_assert_int_eq(run_clean(text_args, NULL, 20), 0);
	rep = slurp(t.report);
	ck_assert(strchr(rep, '\033') == NULL);
	ck_assert_msg(strstr(rep, want) != NULL, "%s", rep);
	free(rep);
	tmpfiles_remove(&t);
}
END_TEST

START_TEST(test_exec_usage_errors)
{
	struct run_result r;

	run_fdscope(&r, "exec", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert(strstr(r.err, "no command given") != NULL);
	run_result_release(&r);
	run_fdscope(&r, "exec", "--allow", "x", "--", "true", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert(strstr(r.err, "invalid descriptor 'x' for --allow") != NULL);
	run_result_release(&r);
	run_fdscope(&r, "exec", "--", "/nonexistent/cmd", NULL);
	ck_assert_int_eq(r.status, 127);
	ck_assert(strstr(r.err, "cannot run '/nonexistent/cmd'") != NULL);
	run_result_release(&r);
}
END_TEST

/* The exit statuses of the command, run by the dispatcher in the forked
 * test process: 0 done, 1 a runtime failure, 2 a usage error. */
static const char *const exec_exit_cases[][4] = {
	{ "exec", "--help" },
	{ "exec" },
	{ "exec", "/bin/true" },
	{ "exec", "/nonexistent/fdscope-x" },
	{ "exec", "--nosuch", "/bin/true" },
};
static const int exec_exit_status[] = { 0, 2, 0, 127, 2 };

START_TEST(test_exec_exit_status)
{
	cli_exit_with(exec_exit_cases[_i]);
}
END_TEST

Suite *exec_suite(void)
{
	Suite *s = suite_create("exec");
	TCase *tc = tcase_create("exec");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_exec_reports_exactly_the_two_leaks_of_a_grandchild);
	tcase_add_test(tc, test_exec_text_report_names_the_exec_and_the_opener);
	tcase_add_test(tc, test_exec_strict_fails_on_a_leak_and_allow_excuses_it);
	tcase_add_test(tc, test_exec_passes_the_exit_status_through);
	tcase_add_test(tc, test_exec_dies_of_the_commands_signal);
	tcase_add_test(tc, test_exec_forwards_sigterm_to_the_command);
	tcase_add_test(tc, test_exec_keeps_a_group_stop_until_sigcont);
	tcase_add_test(tc, test_exec_explains_a_refused_ptrace);
	tcase_add_test(tc, test_exec_names_yama_and_what_would_allow_it);
	tcase_add_test(tc, test_exec_leaves_the_commands_stdio_its_own);
	tcase_add_test(tc, test_exec_follows_200_short_children);
	tcase_add_test(tc, test_exec_escapes_a_hostile_name_once);
	tcase_add_test(tc, test_exec_usage_errors);
	suite_add_tcase(s, tc);
	tc = tcase_create("exit-status");
	for (size_t k = 0; k < sizeof(exec_exit_status) / sizeof(exec_exit_status[0]); k++)
		tcase_add_loop_exit_test(tc, test_exec_exit_status,
					 exec_exit_status[k], (int)k, (int)k + 1);
	suite_add_tcase(s, tc);
	return s;
}
