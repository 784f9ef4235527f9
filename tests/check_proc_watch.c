/* `fdscope watch`: the sample-to-sample difference and the least-squares
 * rate (proc/watch) on made-up tables, then the command on a helper that
 * opens 5 descriptors and closes 2 every 100 ms, read from its -J
 * output: every event against the summary's counts, the net growth
 * against the status lines, the rate against the helper's 30 per second,
 * and the dup2 under a fixed number seen as a replacement with the
 * inodes stat gives. */
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "proc/procfs.h"
#include "proc/watch.h"
#include "testutil.h"

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A sample table of (fd, link) pairs, built as fdlist would. */
static void make_sample(struct fd_proc *p, const int *fds, const char *const *links,
			size_t n)
{
	size_t i, off = 0, len = 0;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < n; i++)
		len += strlen(links[i]) + 1;
	p->strings = malloc(len ? len : 1);
	p->fds = calloc(n ? n : 1, sizeof(*p->fds));
	for (i = 0; i < n; i++) {
		p->fds[i].fd = fds[i];
		p->fds[i].link_off = off;
		strcpy(p->strings + off, links[i]);
		off += strlen(links[i]) + 1;
	}
	p->n = n;
}

START_TEST(test_watch_diff_keeps_same_links_and_finds_the_rest)
{
	struct watch_fd old_fds[3] = {
		{ .fd = 3, .link = "/a", .ino = 1 },
		{ .fd = 4, .link = "pipe:[7]", .ino = 7 },
		{ .fd = 6, .link = "/c", .ino = 3 },
	};
	struct watch_table old = { old_fds, 3 };
	static const int fds[] = { 3, 4, 5 };
	static const char *const links[] = { "/a", "pipe:[8]", "/new" };
	struct watch_diff d;
	struct fd_proc p;

	make_sample(&p, fds, links, 3);
	watch_diff_compute(&old, &p, &d);
	ck_assert_uint_eq(d.kept[0], 0);
	ck_assert_uint_eq(d.replaced[0], SIZE_MAX);
	ck_assert_uint_eq(d.kept[1], SIZE_MAX);
	ck_assert_uint_eq(d.replaced[1], 1);
	ck_assert_uint_eq(d.kept[2], SIZE_MAX);
	ck_assert_uint_eq(d.replaced[2], SIZE_MAX);
	ck_assert_uint_eq(d.nkept, 1);
	ck_assert_uint_eq(d.nremoved, 1);
	ck_assert_uint_eq(d.removed[0], 2);
	watch_diff_release(&d);
	free(p.fds);
	free(p.strings);
}
END_TEST

START_TEST(test_watch_rate_is_the_least_squares_slope)
{
	struct watch_rate r = { 0 };
	double slope = 0;
	int i;

	ck_assert_int_eq(watch_rate_slope(&r, &slope), -1);
	watch_rate_add(&r, 0, 10);
	ck_assert_int_eq(watch_rate_slope(&r, &slope), -1);
	/* y = 10 + 30 t with a wobble that cancels out. */
	for (i = 1; i < 10; i++)
		watch_rate_add(&r, i * 0.2, 10 + 30 * i * 0.2 + (i % 2 ? 1 : -1));
	ck_assert_int_eq(watch_rate_slope(&r, &slope), 0);
	ck_assert_msg(fabs(slope - 30) < 1.5, "slope %f", slope);
	/* The window slides: only the last WATCH_WINDOW samples count. */
	for (i = 0; i < WATCH_WINDOW; i++)
		watch_rate_add(&r, 100 + i, 5);
	ck_assert_int_eq(watch_rate_slope(&r, &slope), 0);
	ck_assert(fabs(slope) < 1e-9);
	ck_assert(watch_time_to_limit(100, 1024, 0) < 0);
	ck_assert(fabs(watch_time_to_limit(100, 1000, 30) - 30) < 1e-9);
}
END_TEST

static unsigned long long ino_of(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return (unsigned long long)st.st_ino;
}

START_TEST(test_watch_json_events_counts_and_rate_of_a_leaking_helper)
{
	struct holder h;
	struct run_result r;
	char pidtext[32];
	long long opened = 0, closed = 0, replaced = 0, first_open = -1,
		last_open = -1, nstatus = 0;
	double rate = -1, t_first = 0, t_last = 0;
	unsigned long long null_ino = ino_of("/dev/null"), zero_ino = ino_of("/dev/zero");
	char *line, *save = NULL;
	bool summary = false;
	pid_t pid;

	holder_start(&h, "churner", NULL);
	ck_assert_int_eq(holder_value(&h, "fixed"), 200);
	pid = h.pid;
	snprintf(pidtext, sizeof(pidtext), "%d", pid);
	run_fdscope(&r, "watch", "-p", pidtext, "--interval", "0.2", "--count", "11",
		    "-J", NULL);
	holder_stop(&h);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	for (line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct json *j = json_parse(line);
		const char *ev;

		ck_assert_msg(j != NULL, "not one JSON object per line: %s", line);
		ck_assert_int_eq(json_int(j, "pid"), pid);
		ev = json_str(j, "event");
		ck_assert(ev != NULL);
		if (strcmp(ev, "open") == 0) {
			opened++;
			ck_assert_msg(strcmp(json_str(j, "type"), "FIFO") == 0 ||
				      strcmp(json_str(j, "type"), "SOCK") == 0, "%s", line);
		} else if (strcmp(ev, "close") == 0) {
			closed++;
		} else if (strcmp(ev, "replace") == 0) {
			replaced++;
			if (json_int(j, "fd") == 200) {
				/* /dev/null and /dev/zero by turns, as stat says. */
				ck_assert((unsigned long long)json_int(j, "inode") ==
					  null_ino ||
					  (unsigned long long)json_int(j, "inode") == zero_ino);
				ck_assert_int_ne(json_int(j, "inode"), json_int(j, "old_inode"));
			}
		} else if (strcmp(ev, "status") == 0) {
			nstatus++;
			if (first_open < 0) {
				first_open = json_int(j, "open");
				t_first = json_get(j, "time")->num;
			}
			last_open = json_int(j, "open");
			t_last = json_get(j, "time")->num;
			if (json_get(j, "rate")->kind == JSON_NUMBER)
				rate = json_get(j, "rate")->num;
		} else if (strcmp(ev, "summary") == 0) {
			summary = true;
			/* A replacement is a close and an open. */
			ck_assert_int_eq(json_int(j, "opened"), opened + replaced);
			ck_assert_int_eq(json_int(j, "closed"), closed + replaced);
			ck_assert_int_eq(json_int(j, "net"), last_open - first_open);
			ck_assert_int_eq(json_int(j, "net"),
					 json_int(j, "opened") - json_int(j, "closed"));
			ck_assert_int_eq(json_int(j, "peak"), last_open);
		}
		json_free(j);
	}
	ck_assert(summary);
	ck_assert_int_eq(nstatus, 11);
	/* 3 per 100 ms between the first sample and the last (about 2 s, more
	 * on a loaded machine), give or take a round at each end. */
	ck_assert_msg(fabs((double)(last_open - first_open) - 30 * (t_last - t_first))
		      <= 6.5, "net growth %lld in %.2f s", last_open - first_open,
		      t_last - t_first);
	ck_assert_int_ge(last_open - first_open, 45);
	/* Each round opens 5 and closes 2: a reused number is a replacement. */
	ck_assert_int_ge(opened + replaced, (last_open - first_open) / 3 * 5);
	ck_assert_int_ge(replaced, 3);	/* fd 200, every 500 ms */
	ck_assert_msg(fabs(rate - 30) <= 3, "rate %f, not 30 per second within 10%%",
		      rate);
	run_result_release(&r);
}
END_TEST

START_TEST(test_watch_reports_an_exit_once_and_goes_on_with_the_others)
{
	char out[] = "/tmp/check-watch-XXXXXX", pids[64], *text = NULL, want[64];
	struct holder a, b;
	pid_t w, apid, bpid;
	const char *p, *exit_at;
	int fd = mkstemp(out), st, n = 0;

	ck_assert(fd >= 0);
	holder_start(&a, "churner", NULL);
	holder_start(&b, "churner", NULL);
	apid = a.pid;
	bpid = b.pid;
	snprintf(pids, sizeof(pids), "%d,%d", apid, bpid);
	w = fork();
	ck_assert(w >= 0);
	if (w == 0) {
		dup2(fd, 1);
		execl(fdscope_bin(), "fdscope", "watch", "-p", pids, "--interval",
		      "0.1", "--count", "15", "-J", (char *)NULL);
		_exit(127);
	}
	close(fd);
	usleep(500 * 1000);
	holder_stop(&a);
	ck_assert_int_eq(waitpid(w, &st, 0), w);
	holder_stop(&b);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
	ck_assert(procfs_slurp_at(AT_FDCWD, out, &text) > 0);
	unlink(out);
	snprintf(want, sizeof(want), "\"event\":\"exit\",\"pid\":%d}", apid);
	for (p = text; (p = strstr(p, "\"event\":\"exit\"")) != NULL; p++)
		n++;
	ck_assert_int_eq(n, 1);
	exit_at = strstr(text, want);
	ck_assert_msg(exit_at != NULL, "%s", text);
	/* The other one is still sampled after it. */
	snprintf(want, sizeof(want), "\"event\":\"status\",\"pid\":%d", bpid);
	ck_assert_msg(strstr(exit_at, want) != NULL, "%s", text);
	snprintf(want, sizeof(want), "\"event\":\"status\",\"pid\":%d", apid);
	ck_assert(strstr(exit_at, want) == NULL);
	free(text);
}
END_TEST

START_TEST(test_watch_sigint_prints_the_summary_and_exits_0)
{
	char out[] = "/tmp/check-watch-XXXXXX", pidtext[32], *text = NULL;
	struct holder h;
	pid_t w;
	int fd = mkstemp(out), st;

	ck_assert(fd >= 0);
	holder_start(&h, "churner", NULL);
	snprintf(pidtext, sizeof(pidtext), "%d", h.pid);
	w = fork();
	ck_assert(w >= 0);
	if (w == 0) {
		dup2(fd, 1);
		execl(fdscope_bin(), "fdscope", "watch", "-p", pidtext, "--interval",
		      "0.1", (char *)NULL);
		_exit(127);
	}
	close(fd);
	usleep(700 * 1000);
	ck_assert_int_eq(kill(w, SIGINT), 0);
	ck_assert_int_eq(waitpid(w, &st, 0), w);
	holder_stop(&h);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
	ck_assert(procfs_slurp_at(AT_FDCWD, out, &text) > 0);
	unlink(out);
	/* Off a terminal: appended, no escape sequences, the summary last. */
	ck_assert(strchr(text, '\033') == NULL);
	ck_assert_msg(strstr(text, "churner: opened ") != NULL, "%s", text);
	ck_assert(strstr(text, ", peak ") != NULL && strstr(text, ", net +") != NULL);
	ck_assert(strstr(text, "\n+ ") != NULL);
	free(text);
}
END_TEST

/* A log rotated under a process: the same path, another inode.  Only the
 * inode tells, so the statx of a path's descriptor must be made. */
START_TEST(test_watch_sees_a_rotated_log_under_the_same_name)
{
	char dir[] = "/tmp/check-watch-rot-XXXXXX", script[512], pidtext[32];
	char want[128], fdpath[64], link[256];
	struct run_result r;
	char *line, *save = NULL;
	long long deadline;
	bool seen = false;
	pid_t sh;

	ck_assert(mkdtemp(dir) != NULL);
	snprintf(script, sizeof(script), "exec 3>%s/app.log; sleep 0.6; "
		 "mv %s/app.log %s/app.log.1; exec 3>%s/app.log; sleep 0.8",
		 dir, dir, dir, dir);
	sh = fork();
	ck_assert(sh >= 0);
	if (sh == 0) {
		/* Check's own files are not the shell's to replace. */
		close_range(3, ~0U, 0);
		execl("/bin/sh", "sh", "-c", script, (char *)NULL);
		_exit(127);
	}
	snprintf(pidtext, sizeof(pidtext), "%d", sh);
	/* The first sample must see the shell's log, not the forked copy of
	 * this process it was a moment before. */
	snprintf(want, sizeof(want), "%s/app.log", dir);
	snprintf(fdpath, sizeof(fdpath), "/proc/%d/fd/3", sh);
	deadline = mono_ms() + 5000;
	for (;;) {
		ssize_t n = readlink(fdpath, link, sizeof(link) - 1);

		if (n > 0 && (link[n] = '\0', strcmp(link, want) == 0))
			break;
		ck_assert_msg(mono_ms() < deadline, "the shell never opened its log");
		usleep(5 * 1000);
	}
	run_fdscope(&r, "watch", "-p", pidtext, "--interval", "0.2", "--count", "6",
		    "-J", NULL);
	ck_assert_int_eq(waitpid(sh, NULL, 0), sh);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	for (line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct json *j = json_parse(line);

		ck_assert(j != NULL);
		if (strcmp(json_str(j, "event"), "replace") == 0 &&
		    json_int(j, "fd") == 3) {
			ck_assert_str_eq(json_str(j, "name"), want);
			ck_assert_str_eq(json_str(j, "old_name"), want);
			ck_assert_int_ne(json_int(j, "inode"), json_int(j, "old_inode"));
			seen = true;
		}
		json_free(j);
	}
	ck_assert_msg(seen, "no replacement of fd 3 in:\n%s", r.out);
	run_result_release(&r);
	snprintf(script, sizeof(script), "%s/app.log", dir);
	unlink(script);
	snprintf(script, sizeof(script), "%s/app.log.1", dir);
	unlink(script);
	rmdir(dir);
}
END_TEST

START_TEST(test_watch_usage_errors)
{
	struct run_result r;

	run_fdscope(&r, "watch", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert(strstr(r.err, "no process to watch") != NULL);
	run_result_release(&r);
	run_fdscope(&r, "watch", "-p", "1x", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert(strstr(r.err, "invalid PID '1x'") != NULL);
	run_result_release(&r);
	run_fdscope(&r, "watch", "-p", "1", "--count", "0", NULL);
	ck_assert_int_eq(r.status, 2);
	run_result_release(&r);
	/* A process that is not there to begin with is an error. */
	run_fdscope(&r, "watch", "-p", "999999999", "--count", "2", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert(strstr(r.err, "process 999999999: no such process") != NULL);
	run_result_release(&r);
}
END_TEST

Suite *proc_watch_suite(void)
{
	Suite *s = suite_create("proc_watch");
	TCase *tc = tcase_create("watch");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_watch_diff_keeps_same_links_and_finds_the_rest);
	tcase_add_test(tc, test_watch_rate_is_the_least_squares_slope);
	tcase_add_test(tc, test_watch_json_events_counts_and_rate_of_a_leaking_helper);
	tcase_add_test(tc, test_watch_reports_an_exit_once_and_goes_on_with_the_others);
	tcase_add_test(tc, test_watch_sigint_prints_the_summary_and_exits_0);
	tcase_add_test(tc, test_watch_sees_a_rotated_log_under_the_same_name);
	tcase_add_test(tc, test_watch_usage_errors);
	suite_add_tcase(s, tc);
	return s;
}
