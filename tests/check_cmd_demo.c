/* The teaching demos run as a user would, under different starting tables
 * (extra inherited descriptors, holes, stdin closed, a low soft limit):
 * every number in their -J steps is checked against the lowest-available
 * rule and against what each call must have done to the table, the final
 * table against the starting one (no leak), and the private temporary
 * directory must be gone. */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cliexit.h"
#include "testutil.h"

#define MAX_TABLE 4096

struct table {
	int v[MAX_TABLE];
	size_t n;
};

/* One starting table: what the launcher builds. */
struct start {
	bool close_stdin;
	int extras[8];
	size_t nextra;
	long soft;		/* -1: unchanged */
};

static void table_from_json(const struct json *arr, struct table *t)
{
	size_t i;

	ck_assert_msg(arr != NULL && arr->kind == JSON_ARRAY, "table is not an array");
	ck_assert(arr->n <= MAX_TABLE);
	t->n = arr->n;
	for (i = 0; i < arr->n; i++) {
		ck_assert(arr->items[i]->kind == JSON_NUMBER);
		t->v[i] = (int)arr->items[i]->num;
		if (i > 0)
			ck_assert_msg(t->v[i] > t->v[i - 1], "table not ascending");
	}
}

static bool table_has(const struct table *t, int fd)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->v[i] == fd)
			return true;
	return false;
}

static int lowest_free(const struct table *t, int from)
{
	int want = from;

	while (table_has(t, want))
		want++;
	return want;
}

static void start_table(const struct start *s, struct table *t)
{
	size_t i;
	int fd;

	t->n = 0;
	for (fd = s->close_stdin ? 1 : 0; fd < 3; fd++)
		t->v[t->n++] = fd;
	for (i = 0; i < s->nextra; i++)
		t->v[t->n++] = s->extras[i];
}

/* b == a with fd added (add) or taken away (!add). */
static void ck_table_delta(const struct table *a, const struct table *b, int fd,
			   bool add, const char *call)
{
	size_t i;

	ck_assert_msg(b->n == a->n + (add ? 1 : 0) - (add ? 0 : 1),
		      "%s: table went from %zu to %zu entries", call, a->n, b->n);
	for (i = 0; i < a->n; i++)
		if (a->v[i] != fd)
			ck_assert_msg(table_has(b, a->v[i]), "%s: %d vanished", call,
				      a->v[i]);
	ck_assert_msg(table_has(b, fd) == add, "%s: %d %s", call, fd,
		      add ? "missing" : "still open");
}

static bool returns_fd(const char *sys, const char *call)
{
	static const char *const names[] = {
		"open", "dup", "socket", "eventfd", "epoll_create1",
		"timerfd_create", "signalfd", "inotify_init1", "memfd_create",
		"pidfd_open",
	};
	size_t i;

	if (strcmp(sys, "fcntl") == 0)
		return strstr(call, "F_DUPFD") != NULL;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(sys, names[i]) == 0)
			return true;
	return false;
}

/* The rule, step by step, for the steps of fdscope's own process. */
static size_t check_steps(const struct json *doc, const struct table *start)
{
	const struct json *steps = json_get(doc, "steps");
	struct table prev = *start, cur;
	size_t i, checked = 0;

	ck_assert_msg(steps && steps->kind == JSON_ARRAY && steps->n > 0, "no steps");
	for (i = 0; i < steps->n; i++) {
		const struct json *st = json_at(steps, i);
		const char *sys = json_str(st, "syscall"), *call = json_str(st, "call");
		const char *err = json_str(st, "errno"), *side = json_str(st, "side");
		long long ret = json_int(st, "ret");
		const struct json *fds = json_get(st, "fds");

		ck_assert(sys && call);
		ck_assert_msg(fds && fds->kind == JSON_ARRAY, "fds is not an array");
		table_from_json(json_get(st, "table"), &cur);
		/* errno is set exactly when the call failed. */
		ck_assert_msg((err != NULL) == (ret < 0), "%s: ret %lld, errno %s",
			      call, ret, err ? err : "null");
		if (side != NULL)	/* another process's steps */
			continue;
		if (returns_fd(sys, call) && ret >= 0) {
			const char *from = strstr(call, "F_DUPFD");
			int min = from ? atoi(strrchr(call, ',') + 1) : 0;

			ck_assert_msg(ret == lowest_free(&prev, min),
				      "%s returned %lld; lowest free was %d", call, ret,
				      lowest_free(&prev, min));
			ck_assert_int_eq(json_int(st, "expected"), ret);
			ck_table_delta(&prev, &cur, (int)ret, true, call);
			checked++;
		} else if (strcmp(sys, "close") == 0 && ret == 0) {
			ck_table_delta(&prev, &cur, atoi(call + 6), false, call);
			checked++;
		} else if (strcmp(sys, "dup2") == 0 && ret >= 0) {
			ck_assert(table_has(&cur, (int)ret));
			ck_assert_int_eq(json_int(st, "expected"), ret);
		} else if ((strcmp(sys, "pipe2") == 0 || strcmp(sys, "socketpair") == 0) &&
			   ret == 0) {
			struct table mid = prev;
			int a = (int)fds->items[0]->num, b = (int)fds->items[1]->num;

			ck_assert_int_eq(fds->n, 2);
			ck_assert_int_eq(a, lowest_free(&prev, 0));
			mid.v[mid.n++] = a;
			ck_assert_int_eq(b, lowest_free(&mid, 0));
			ck_assert(table_has(&cur, a) && table_has(&cur, b));
			ck_assert_int_eq(cur.n, prev.n + 2);
			checked++;
		} else if (ret < 0 || strcmp(sys, "read") == 0 ||
			   strcmp(sys, "write") == 0 || strcmp(sys, "lseek") == 0 ||
			   strcmp(sys, "setrlimit") == 0 || strcmp(sys, "getrlimit") == 0) {
			/* No descriptor made or closed. */
			ck_assert_msg(cur.n == prev.n, "%s changed the table", call);
		}
		prev = cur;
	}
	return checked;
}

static char tmpdir[PATH_MAX];

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/fdscope-demotest.XXXXXX");
	ck_assert(mkdtemp(tmpdir) != NULL);
	setenv("TMPDIR", tmpdir, 1);
}

/* The demo's private directory must be gone, and nothing else left. */
static void ck_tmpdir_empty_and_remove(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *de;
	int n = 0;

	ck_assert(d != NULL);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	ck_assert_msg(n == 0, "%d entries left in TMPDIR", n);
	ck_assert(rmdir(tmpdir) == 0);
	unsetenv("TMPDIR");
}

/* Runs fdscope ARGS... from the start table with -J and checks it all. */
static struct json *run_demo(const struct start *s, int want_status,
			     size_t *checked, const char *const *args)
{
	/* open keeps what it opened until it exits: no final-table check. */
	bool keeps = strcmp(args[0], "open") == 0;
	char *argv[40], *owned[40], soft[32], xs[8][16], opt_c[] = "-c",
	     opt_x[] = "-x", opt_s[] = "-s", opt_j[] = "-J";
	struct run_result r;
	struct table start;
	struct json *doc;
	size_t n = 0, nowned = 0, i;

	make_tmpdir();
	argv[n++] = owned[nowned++] = strdup(helper_path("fdlaunch"));
	if (s->close_stdin)
		argv[n++] = opt_c;
	for (i = 0; i < s->nextra; i++) {
		snprintf(xs[i], sizeof(xs[i]), "%d", s->extras[i]);
		argv[n++] = opt_x;
		argv[n++] = xs[i];
	}
	if (s->soft >= 0) {
		snprintf(soft, sizeof(soft), "%ld", s->soft);
		argv[n++] = opt_s;
		argv[n++] = soft;
	}
	argv[n++] = owned[nowned++] = strdup(fdscope_bin());
	for (i = 0; args[i]; i++)
		argv[n++] = owned[nowned++] = strdup(args[i]);
	argv[n++] = opt_j;
	argv[n] = NULL;
	run_argv(&r, argv, 30);
	for (i = 0; i < nowned; i++)
		free(owned[i]);
	ck_assert_msg(r.status == want_status, "exit %d, stderr: %s", r.status, r.err);
	doc = json_parse(r.out);
	ck_assert_msg(doc != NULL, "not JSON: %.300s", r.out);
	start_table(s, &start);
	*checked = check_steps(doc, &start);
	{
		/* No leak: the last step of fdscope's own process (not of a
		 * forked server or client) leaves the start table. */
		const struct json *steps = json_get(doc, "steps");
		struct table last;
		size_t k = steps->n;

		while (k > 1 && json_str(json_at(steps, k - 1), "side") != NULL)
			k--;
		table_from_json(json_get(json_at(steps, k - 1), "table"), &last);
		ck_assert_msg(keeps || (last.n == start.n && memcmp(last.v, start.v,
				start.n * sizeof(int)) == 0), "final table differs from start");
	}
	ck_tmpdir_empty_and_remove();
	run_result_release(&r);
	return doc;
}

static const struct start starts[] = {
	{ false, { 0 }, 0, -1 },
	{ false, { 3, 5, 40 }, 3, -1 },		/* holes at 4 and 6.. */
	{ true, { 0 }, 0, -1 },			/* stdin closed */
	{ true, { 4 }, 1, -1 },
	{ false, { 7 }, 1, 24 },		/* low soft limit */
};

static const struct json *step_named(const struct json *doc, const char *sys,
				     size_t nth)
{
	const struct json *steps = json_get(doc, "steps");
	size_t i;

	for (i = 0; i < steps->n; i++)
		if (strcmp(json_str(json_at(steps, i), "syscall"), sys) == 0 && nth-- == 0)
			return json_at(steps, i);
	return NULL;
}

START_TEST(test_alloc_numbers_follow_lowest_available_rule)
{
	static const char *const args[] = { "alloc", NULL };
	const struct start *s = &starts[_i];
	const struct json *st;
	struct json *doc;
	size_t checked;

	doc = run_demo(s, 0, &checked, args);
	ck_assert_uint_ge(checked, 10);
	/* The open after closing stdin got 0; with stdin closed from the
	 * start, the very first one did. */
	st = step_named(doc, "open", s->close_stdin ? 0 : 4);
	ck_assert(st != NULL);
	ck_assert_int_eq(json_int(st, "ret"), 0);
	json_free(doc);
}
END_TEST

START_TEST(test_recycle_same_number_other_inode)
{
	static const char *const args[] = { "recycle", NULL };
	const struct json *a, *b, *w;
	struct json *doc;
	size_t checked;

	doc = run_demo(&starts[_i], 0, &checked, args);
	ck_assert_uint_ge(checked, 8);
	a = step_named(doc, "open", 0);
	b = step_named(doc, "open", 1);
	ck_assert_int_eq(json_int(a, "ret"), json_int(b, "ret"));
	w = step_named(doc, "write", 0);
	ck_assert_int_eq(json_int(w, "ret"), 12);
	ck_assert(strstr(json_str(w, "narration"), "A 0 bytes, B 12 bytes") != NULL);
	json_free(doc);
}
END_TEST

START_TEST(test_exhaust_hits_emfile_at_the_limit)
{
	static const char *const args[] = { "exhaust", "--limit", "16", NULL };
	const struct start *s = &starts[_i];
	const struct json *steps, *st = NULL;
	struct table start;
	struct json *doc;
	size_t checked, i, opened = 0, below = 0;

	doc = run_demo(s, 0, &checked, args);
	steps = json_get(doc, "steps");
	start_table(s, &start);
	for (i = 0; i < start.n; i++)
		below += start.v[i] < 16;
	for (i = 0; i < steps->n; i++) {
		st = json_at(steps, i);
		if (strcmp(json_str(st, "syscall"), "open") != 0)
			continue;
		if (json_int(st, "ret") < 0)
			break;
		opened++;
	}
	ck_assert_uint_eq(opened, 16 - below);
	ck_assert_str_eq(json_str(st, "errno"), "EMFILE");
	ck_assert_int_eq(json_int(st, "ret"), -1);
	/* Above the hard limit: EINVAL. */
	st = step_named(doc, "setrlimit", 1);
	ck_assert(st != NULL);
	json_free(doc);
}
END_TEST

START_TEST(test_exhaust_limit_errors)
{
	struct run_result r;

	run_fdscope(&r, "exhaust", "--limit", "2", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert(strstr(r.err, "leaves no room") != NULL);
	run_result_release(&r);
	/* Past the demo's own maximum: out of range, whatever the process. */
	run_fdscope(&r, "exhaust", "--limit", "99999999", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert(strstr(r.err, "1 to 1024") != NULL);
	run_result_release(&r);
	run_fdscope(&r, "exhaust", "--limit", "lots", NULL);
	ck_assert_int_eq(r.status, 2);
	run_result_release(&r);
}
END_TEST

static bool list_has(const char *list, int fd)
{
	char *end;

	while (*list) {
		long v = strtol(list, &end, 10);

		if (end == list)
			break;
		if (v == fd)
			return true;
		list = end;
	}
	return false;
}

/* After exec the program kept the inherited descriptors and the one
 * without close-on-exec, and lost the one with it. */
static void check_exec_kept(const struct json *doc)
{
	const struct json *setfd = step_named(doc, "fcntl", 0);
	const struct json *w = step_named(doc, "waitpid", 0);
	const char *n, *list;
	int drop, keep;

	ck_assert(setfd && w);
	drop = atoi(json_str(setfd, "call") + 6);
	keep = (int)json_int(step_named(doc, "open", 1), "ret");
	n = json_str(w, "narration");
	list = strstr(n, "found descriptors ");
	ck_assert(list != NULL);
	list += strlen("found descriptors ");
	ck_assert(!list_has(list, drop));
	ck_assert(list_has(list, keep));
	ck_assert(list_has(list, 40));	/* inherited by fdscope, passed on */
	ck_assert(list_has(list, 1));
}

static void check_tables(bool probe)
{
	static const char *const args[] = { "tables", NULL };
	const struct json *st, *steps;
	struct json *doc;
	size_t checked, i, child = 0;

	if (probe)
		setenv("FDSCOPE_NO_KCMP", "1", 1);
	doc = run_demo(&starts[1], 0, &checked, args);
	/* dup shares the offset: b's offset is 4 + 4 after c's read, then
	 * 12 after the child's read through the inherited descriptor. */
	st = step_named(doc, "lseek", 0);
	ck_assert_int_eq(json_int(st, "ret"), 8);
	st = step_named(doc, "lseek", 1);
	ck_assert_int_eq(json_int(st, "ret"), 12);
	steps = json_get(doc, "steps");
	for (i = 0; i < steps->n; i++) {
		const char *side = json_str(json_at(steps, i), "side");

		if (side && strcmp(side, "child") == 0)
			child++;
	}
	ck_assert_uint_eq(child, 2);
	check_exec_kept(doc);
	json_free(doc);
	unsetenv("FDSCOPE_NO_KCMP");
}

START_TEST(test_tables_dup_and_fork_share_offsets)
{
	check_tables(false);
}
END_TEST

START_TEST(test_tables_offset_probing_fallback)
{
	struct run_result r;

	check_tables(true);
	make_tmpdir();
	setenv("FDSCOPE_NO_KCMP", "1", 1);
	run_fdscope(&r, "tables", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert(strstr(r.out, "offset probing") != NULL);
	run_result_release(&r);
	unsetenv("FDSCOPE_NO_KCMP");
	run_fdscope(&r, "tables", "--dot", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert(strncmp(r.out, "digraph", 7) == 0);
	ck_assert(strstr(r.out, " -> d") != NULL && strstr(r.out, "/shared\"") != NULL);
	ck_assert(strstr(r.out, "FD_CLOEXEC") != NULL);
	run_result_release(&r);
	ck_tmpdir_empty_and_remove();
}
END_TEST

START_TEST(test_open_specs_and_errors)
{
	static const char *const args[] = { "open", "file", "pipe", "tcp", "udp6",
		"socketpair", "eventfd", "memfd", "dup:1", "dup2:1:20", NULL };
	struct run_result r;
	struct json *doc;
	size_t checked;

	doc = run_demo(&starts[_i], 0, &checked, args);
	ck_assert_uint_ge(checked, 7);
	json_free(doc);
	run_fdscope(&r, "open", "bogus", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert(strstr(r.err, "socketpair") != NULL);
	run_result_release(&r);
	run_fdscope(&r, "open", "file:/nonexistent/x", "null", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert(strstr(r.out, "ENOENT") != NULL);
	run_result_release(&r);
}
END_TEST

static void check_sides(const struct json *doc)
{
	const struct json *steps = json_get(doc, "steps");
	size_t i, server = 0, client = 0;

	for (i = 0; i < steps->n; i++) {
		const char *side = json_str(json_at(steps, i), "side");

		server += side && strcmp(side, "server") == 0;
		client += side && strcmp(side, "client") == 0;
	}
	ck_assert_uint_gt(server, 3);
	ck_assert_uint_gt(client, 2);
}

START_TEST(test_demo_tour_runs_every_section)
{
	static const char *const args[] = { "demo", NULL };
	struct run_result r;
	struct json *doc;
	size_t checked;

	doc = run_demo(&starts[_i], 0, &checked, args);
	ck_assert_uint_ge(checked, 30);
	/* The tour ends with the exchange: both sides are in the record. */
	check_sides(doc);
	json_free(doc);
	make_tmpdir();
	run_fdscope(&r, "demo", "--step", "--quiet", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert(strstr(r.out, "== 8. ") != NULL);
	run_result_release(&r);
	ck_tmpdir_empty_and_remove();
}
END_TEST

START_TEST(test_sigterm_removes_temporary_directory)
{
	char a1[] = "open", a2[] = "file", a3[] = "--hold=20";
	char *argv[] = { strdup(fdscope_bin()), a1, a2, a3, NULL };
	pid_t pid;

	make_tmpdir();
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 1);
		dup2(fd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	usleep(500 * 1000);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	free(argv[0]);
	ck_tmpdir_empty_and_remove();
}
END_TEST

/* The numbers of the last "table:" map in text output (continuation lines
 * included): what fdscope said it held. */
static void last_map(const char *text, struct table *t)
{
	const char *p = text, *last = NULL, *q;

	while ((q = strstr(p, "table: ")) != NULL) {
		last = q + 7;
		p = last;
	}
	ck_assert(last != NULL);
	t->n = 0;
	for (p = last; *p && strncmp(p, "\nFD", 3) != 0 && strncmp(p, "\n FD", 4) != 0; ) {
		if (*p == '+') {
			/* "+2 inherited": named in the first sentence. */
			p++;
			while (*p >= '0' && *p <= '9')
				p++;
		} else if (*p >= '0' && *p <= '9') {
			char *end;

			t->v[t->n++] = (int)strtol(p, &end, 10);
			p = end;
		} else {
			p++;
		}
	}
}

/* With --hold, /proc/PID/fd agrees with the table fdscope printed. */
START_TEST(test_open_hold_table_matches_proc)
{
	char a0[] = "open", a1[] = "file", a2[] = "pipe", a3[] = "tcp",
	     a4[] = "--hold=10";
	char *argv[] = { strdup(fdscope_bin()), a0, a1, a2, a3, a4, NULL };
	char buf[65536], path[64];
	size_t got = 0;
	struct table said, proc;
	struct dirent *de;
	int p[2], status;
	DIR *d;
	pid_t pid;

	make_tmpdir();
	ck_assert(pipe(p) == 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	while (got < sizeof(buf) - 1 && strstr(buf, "ls -l /proc/") == NULL) {
		ssize_t n = read(p[0], buf + got, sizeof(buf) - 1 - got);

		ck_assert(n > 0);
		got += (size_t)n;
		buf[got] = '\0';
	}
	snprintf(path, sizeof(path), "/proc/%ld/fd", (long)pid);
	d = opendir(path);
	ck_assert(d != NULL);
	proc.n = 0;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			proc.v[proc.n++] = atoi(de->d_name);
	closedir(d);
	kill(pid, SIGTERM);
	ck_assert(waitpid(pid, &status, 0) == pid);
	close(p[0]);
	free(argv[0]);
	last_map(buf, &said);
	{
		/* "3, 10 and 251 were open when fdscope started": those
		 * the maps count apart. */
		const char *end = strstr(buf, " open when fdscope started");
		const char *q = buf;

		while (end && q < end) {
			if (*q >= '0' && *q <= '9') {
				char *e;

				said.v[said.n++] = (int)strtol(q, &e, 10);
				q = e;
			} else {
				q++;
			}
		}
	}
	ck_assert_msg(said.n == proc.n, "said %zu, proc %zu: %.2000s", said.n, proc.n, buf);
	for (size_t i = 0; i < said.n; i++) {
		bool found = false;

		for (size_t j = 0; j < proc.n; j++)
			found |= proc.v[j] == said.v[i];
		ck_assert_msg(found, "descriptor %d not in %s", said.v[i], path);
	}
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_tmpdir_empty_and_remove();
}
END_TEST

START_TEST(test_demos_help)
{
	static const char *const cmds[] = { "open", "alloc", "recycle", "exhaust",
		"tables", "demo" };
	struct run_result r;
	size_t i;

	for (i = 0; i < 6; i++) {
		run_fdscope(&r, cmds[i], "--help", NULL);
		ck_assert_int_eq(r.status, 0);
		ck_assert(strncmp(r.out, "Usage: fdscope ", 15) == 0);
		run_result_release(&r);
		run_fdscope(&r, cmds[i], "--nope", NULL);
		ck_assert_int_eq(r.status, 2);
		run_result_release(&r);
	}
}
END_TEST

/* The exit statuses of the command, run by the dispatcher in the forked
 * test process: 0 done, 1 a runtime failure, 2 a usage error. */
static const char *const cmd_demo_exit_cases[][4] = {
	{ "demo", "--help" },
	{ "demo", "--section", "999" },
	{ "demo", "--width", "5" },
	{ "demo", "--nosuch" },
};
static const int cmd_demo_exit_status[] = { 0, 2, 2, 2 };

START_TEST(test_cmd_demo_exit_status)
{
	cli_exit_with(cmd_demo_exit_cases[_i]);
}
END_TEST

Suite *cmd_demo_suite(void)
{
	Suite *s = suite_create("cmd_demo");
	TCase *tc = tcase_create("demos");
	int n = (int)(sizeof(starts) / sizeof(starts[0]));

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_alloc_numbers_follow_lowest_available_rule, 0, n);
	tcase_add_loop_test(tc, test_recycle_same_number_other_inode, 0, n);
	tcase_add_loop_test(tc, test_exhaust_hits_emfile_at_the_limit, 0, n);
	tcase_add_test(tc, test_exhaust_limit_errors);
	tcase_add_test(tc, test_tables_dup_and_fork_share_offsets);
	tcase_add_test(tc, test_tables_offset_probing_fallback);
	tcase_add_loop_test(tc, test_open_specs_and_errors, 0, n);
	tcase_add_loop_test(tc, test_demo_tour_runs_every_section, 0, n);
	tcase_add_test(tc, test_sigterm_removes_temporary_directory);
	tcase_add_test(tc, test_open_hold_table_matches_proc);
	tcase_add_test(tc, test_demos_help);
	suite_add_tcase(s, tc);
	tc = tcase_create("exit-status");
	for (size_t k = 0; k < sizeof(cmd_demo_exit_status) / sizeof(cmd_demo_exit_status[0]); k++)
		tcase_add_loop_exit_test(tc, test_cmd_demo_exit_status,
					 cmd_demo_exit_status[k], (int)k, (int)k + 1);
	suite_add_tcase(s, tc);
	return s;
}
