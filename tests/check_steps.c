/* The steps record: the compact map, errno names, derived tables, the
 * JSON form (arrays always arrays, through libsmartcols) and steps carried
 * from a forked child through a pipe. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "teach/steps.h"
#include "testutil.h"

static const struct steps_opts json_opts = { .json = true };

/* Runs fn with stdout going to a file and returns what it printed. */
static char *capture_stdout(int (*fn)(struct steps *), struct steps *s)
{
	char path[] = "/tmp/fdscope-steps-test.XXXXXX", *buf;
	int fd = mkstemp(path), saved = dup(1);
	long n;
	FILE *f;

	ck_assert(fd >= 0 && saved >= 0);
	unlink(path);
	fflush(stdout);
	ck_assert(dup2(fd, 1) == 1);
	ck_assert_int_eq(fn(s), 0);
	fflush(stdout);
	ck_assert(dup2(saved, 1) == 1);
	close(saved);
	n = lseek(fd, 0, SEEK_END);
	buf = calloc(1, (size_t)n + 1);
	ck_assert(pread(fd, buf, (size_t)n, 0) == n);
	f = NULL;
	(void)f;
	close(fd);
	return buf;
}

START_TEST(test_map_marks_and_compresses_holes)
{
	static const int t[] = { 0, 1, 2, 4, 5, 100 };
	char *m = steps_map(t, 6, 4, -1);

	ck_assert_str_eq(m, "0 1 2 . [4] 5 ... 100");
	free(m);
	m = steps_map(t + 1, 3, 1, 4);
	ck_assert_str_eq(m, ". [1] 2 . [4]");
	free(m);
	m = steps_map(NULL, 0, -1, -1);
	ck_assert_str_eq(m, "");
	free(m);
}
END_TEST

START_TEST(test_errno_names)
{
	ck_assert_str_eq(steps_errno_name(EMFILE), "EMFILE");
	ck_assert_str_eq(steps_errno_name(ENFILE), "ENFILE");
	ck_assert_str_eq(steps_errno_name(EBADF), "EBADF");
	ck_assert_ptr_null(steps_errno_name(0));
	ck_assert_ptr_null(steps_errno_name(99999));
}
END_TEST

/* Names come from glibc: one for ENOTSUP (== EOPNOTSUPP on Linux), names
 * the old hand-made table lacked, and the kernel's internal ENOTSUPP. */
START_TEST(test_errno_names_from_libc)
{
	ck_assert_int_eq(ENOTSUP, EOPNOTSUPP);
	ck_assert_str_eq(steps_errno_name(ENOTSUP), "EOPNOTSUPP");
	ck_assert_str_eq(steps_errno_name(EHWPOISON), "EHWPOISON");
	ck_assert_str_eq(steps_errno_name(EOWNERDEAD), "EOWNERDEAD");
	ck_assert_str_eq(steps_errno_name(524), "ENOTSUPP");
	ck_assert_ptr_null(steps_errno_name(-1));
	ck_assert_ptr_null(steps_errno_name(523));
}
END_TEST

/* The first step reads /proc for real; a delta step adds and removes. */
START_TEST(test_delta_table_follows_real_one)
{
	struct steps s;
	struct step *st;
	int fd = open("/dev/null", O_RDONLY), *real = NULL, n;
	size_t i;

	steps_init(&s, &json_opts);
	st = steps_call(&s, "open", fd, 0, "open(\"/dev/null\", O_RDONLY)");
	n = steps_read_table(&s, &real);
	ck_assert_int_eq((int)st->ntable, n);
	for (i = 0; i < st->ntable; i++)
		ck_assert_int_eq(st->table[i], real[i]);
	free(real);
	st = steps_call_delta(&s, -1, fd, "close", 0, 0, "close(%d)", fd);
	close(fd);
	n = steps_read_table(&s, &real);
	ck_assert_int_eq((int)st->ntable, n);
	for (i = 0; i < st->ntable; i++)
		ck_assert_int_eq(st->table[i], real[i]);
	free(real);
	st = steps_call_delta(&s, 1000, -1, "dup2", 1000, 0, "dup2(1, 1000)");
	ck_assert_int_eq(st->table[st->ntable - 1], 1000);
	ck_assert_int_eq((int)st->ntable, n + 1);
	steps_release(&s);
}
END_TEST

START_TEST(test_lowest_free_is_what_open_returns)
{
	struct steps s;
	int want, fd;

	steps_init(&s, &json_opts);
	want = steps_lowest_free(&s, 0);
	fd = open("/dev/null", O_RDONLY);
	ck_assert_int_eq(fd, want);
	want = steps_lowest_free(&s, 200);
	ck_assert_int_eq(fcntl(fd, F_DUPFD, 200), want);
	close(want);
	close(fd);
	steps_release(&s);
}
END_TEST

static int finish(struct steps *s)
{
	return steps_finish(s);
}

START_TEST(test_json_arrays_are_arrays)
{
	struct steps s;
	struct step *st;
	const struct json *steps, *j;
	struct json *doc;
	char *out;

	steps_init(&s, &json_opts);
	st = steps_call(&s, "pipe2", 0, 0, "pipe2([%d, %d], 0)", 7, 8);
	step_fds(st, 7, 8);
	step_say(st, "a \"quoted\" [null] word");
	steps_call(&s, "open", -1, EMFILE, "open(\"x\", O_RDONLY)");
	out = capture_stdout(finish, &s);
	doc = json_parse(out);
	ck_assert_msg(doc != NULL, "not JSON: %s", out);
	steps = json_get(doc, "steps");
	ck_assert_uint_eq(steps->n, 2);
	j = json_at(steps, 0);
	ck_assert_uint_eq(json_get(j, "fds")->n, 2);
	ck_assert_int_eq((int)json_get(j, "fds")->items[1]->num, 8);
	ck_assert_str_eq(json_str(j, "narration"), "a \"quoted\" [null] word");
	ck_assert_ptr_null(json_str(j, "errno"));
	ck_assert(json_get(j, "table")->kind == JSON_ARRAY);
	j = json_at(steps, 1);
	ck_assert(json_get(j, "fds")->kind == JSON_ARRAY);
	ck_assert_uint_eq(json_get(j, "fds")->n, 0);
	ck_assert_str_eq(json_str(j, "errno"), "EMFILE");
	ck_assert_int_eq(json_int(j, "ret"), -1);
	/* No side given: fdscope itself, null; every step has its time. */
	ck_assert_ptr_null(json_str(j, "side"));
	ck_assert(json_get(j, "time_ns") && json_get(j, "time_ns")->kind == JSON_NUMBER);
	json_free(doc);
	free(out);
	steps_release(&s);
}
END_TEST

/* A child's steps reach the parent through a pipe as they are made. */
START_TEST(test_steps_cross_fork_through_pipe)
{
	struct steps parent;
	struct steps_opts co = json_opts;
	int p[2];
	pid_t pid;
	size_t i;

	steps_init(&parent, &json_opts);
	ck_assert(pipe(p) == 0);
	steps_call(&parent, "pipe", 0, 0, "pipe([%d, %d])", p[0], p[1]);
	steps_hold(&parent);
	steps_start(&parent);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		struct steps cs;

		co.side = "client";
		steps_init(&cs, &co);
		steps_stream_to(&cs, p[1]);
		close(p[0]);
		step_say(steps_call(&cs, "socket", 3, 0, "socket(AF_INET, "
				    "SOCK_STREAM, IPPROTO_TCP)"), "narrated");
		step_fds(steps_call(&cs, "socketpair", 0, 0, "socketpair()"), 5, 6);
		_exit(steps_finish(&cs) == 0 ? 0 : 1);
	}
	/* Recorded after the child's steps, stamped before them. */
	steps_call(&parent, "fork", pid, 0, "fork()");
	close(p[1]);
	ck_assert_int_eq(steps_merge(&parent, &p[0], 1, 10), 0);
	close(p[0]);
	waitpid(pid, NULL, 0);
	ck_assert_uint_eq(parent.n, 4);
	ck_assert_str_eq(parent.v[1].syscall, "fork");
	ck_assert_str_eq(parent.v[2].side, "client");
	ck_assert_str_eq(parent.v[2].narration, "narrated");
	ck_assert_str_eq(parent.v[2].call, "socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)");
	ck_assert(parent.v[3].has_fds && parent.v[3].fds[1] == 6);
	ck_assert_uint_gt(parent.v[2].ntable, 0);
	for (i = 1; i < parent.n; i++)
		ck_assert(parent.v[i].t_ns >= parent.v[i - 1].t_ns);
	steps_release(&parent);
}
END_TEST

/* Child a's step happens first but reaches the parent last: the merge
 * still puts it first, in text and in the record. */
static void late_sender(int out, int go, int done, bool first)
{
	struct steps_opts o = { .side = first ? "a" : "b" };
	struct steps cs;
	char c;

	steps_init(&cs, &o);
	steps_stream_to(&cs, out);
	if (first) {
		steps_call(&cs, "send", 1, 0, "send(a)");
		/* Let b make and send its step, then send ours. */
		ck_assert(write(go, "x", 1) == 1);
		while (read(done, &c, 1) > 0)
			;
	} else {
		ck_assert(read(go, &c, 1) == 1);
		steps_call(&cs, "recv", 1, 0, "recv(b)");
	}
	_exit(steps_finish(&cs) == 0 ? 0 : 1);
}

static int merge_two(struct steps *s)
{
	int pa[2], pb[2], go[2], done[2], fds[2], rc;
	pid_t a, b;

	ck_assert(pipe(pa) == 0 && pipe(pb) == 0 && pipe(go) == 0 &&
		  pipe(done) == 0);
	a = fork();
	ck_assert(a >= 0);
	if (a == 0) {
		close(done[1]);
		late_sender(pa[1], go[1], done[0], true);
	}
	b = fork();
	ck_assert(b >= 0);
	if (b == 0) {
		close(done[0]);
		late_sender(pb[1], go[0], -1, false);
	}
	close(pa[1]);
	close(pb[1]);
	close(go[0]);
	close(go[1]);
	close(done[0]);
	close(done[1]);
	fds[0] = pb[0];
	fds[1] = pa[0];
	rc = steps_merge(s, fds, 2, 10);
	waitpid(a, NULL, 0);
	waitpid(b, NULL, 0);
	close(pa[0]);
	close(pb[0]);
	return rc;
}

START_TEST(test_merge_orders_by_time_not_arrival)
{
	struct steps_opts o = { 0 };
	struct steps s;
	char *out, *pa, *pb;

	steps_init(&s, &o);
	out = capture_stdout(merge_two, &s);
	pa = strstr(out, "a      send(a) = 1");
	pb = strstr(out, "b      recv(b) = 1");
	ck_assert_msg(pa && pb && pa < pb, "out of order: %s", out);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_str_eq(s.v[0].side, "a");
	ck_assert_str_eq(s.v[1].side, "b");
	ck_assert(s.v[0].t_ns < s.v[1].t_ns);
	free(out);
	steps_release(&s);
}
END_TEST

/* A truncated record is an error, not a half step. */
START_TEST(test_receive_rejects_garbage)
{
	struct steps s;
	int p[2];

	steps_init(&s, &json_opts);
	ck_assert(pipe(p) == 0);
	ck_assert(write(p[1], "garbage that is not a step record at all......"
			"........................................", 80) == 80);
	close(p[1]);
	ck_assert_int_eq(steps_merge(&s, &p[0], 1, 5), -1);
	ck_assert_uint_eq(s.n, 0);
	close(p[0]);
	steps_release(&s);
}
END_TEST

static int text_run(struct steps *s)
{
	struct step *st = steps_call(s, "open", 42, 0, "open(\"/a/very/long/path/"
				     "that/goes/on/and/on/and/on/for/a/while/longer\", "
				     "O_RDONLY|O_CREAT, 0600)");

	step_expect(st, 3);
	steps_heading(s, "title");
	return steps_finish(s);
}

/* Text: the call, the mismatch note, the map; no line beyond 80. */
START_TEST(test_text_says_when_kernel_differs)
{
	struct steps_opts o = { .side = "server" };
	struct steps s;
	char *out, *line, *save = NULL;

	steps_init(&s, &o);
	out = capture_stdout(text_run, &s);
	ck_assert(strstr(out, "server open(\"/a/very") == out);
	ck_assert(strstr(out, "lowest free number was 3, but the kernel returned 42"));
	ck_assert(strstr(out, "== title ==") != NULL);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		ck_assert_msg(strlen(line) <= 80, "too long: %s", line);
		ck_assert_msg(strncmp(line, "server ", 7) == 0, "unlabelled: %s", line);
	}
	free(out);
	steps_release(&s);
}
END_TEST

Suite *steps_suite(void)
{
	Suite *s = suite_create("steps");
	TCase *tc = tcase_create("steps");

	tcase_add_test(tc, test_map_marks_and_compresses_holes);
	tcase_add_test(tc, test_errno_names);
	tcase_add_test(tc, test_errno_names_from_libc);
	tcase_add_test(tc, test_delta_table_follows_real_one);
	tcase_add_test(tc, test_lowest_free_is_what_open_returns);
	tcase_add_test(tc, test_json_arrays_are_arrays);
	tcase_add_test(tc, test_steps_cross_fork_through_pipe);
	tcase_add_test(tc, test_merge_orders_by_time_not_arrival);
	tcase_add_test(tc, test_receive_rejects_garbage);
	tcase_add_test(tc, test_text_says_when_kernel_differs);
	suite_add_tcase(s, tc);
	return s;
}
