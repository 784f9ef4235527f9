/* `fdscope watch`: the tick's look at each descriptor (proc/watch) on
 * this process's own table, the least-squares rate on made-up samples,
 * then the command on a helper that
 * opens 5 descriptors and closes 2 every 100 ms, read from its -J
 * output: every event against the summary's counts, the net growth
 * against the status lines, the rate against the helper's 30 per second,
 * and the dup2 under a fixed number seen as a replacement with the
 * inodes stat gives. */
#include <check.h>
#include <pty.h>
#include <dirent.h>
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

static bool fd_count_known(void)
{
	struct stat st;

	return stat("/proc/self/fd", &st) == 0 && st.st_size > 0;
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* An entry of this process's own table, as watch decodes it. */
static void own_entry(struct watch_fd *f, int fd)
{
	char path[64], link[512];
	struct statx stx;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	ck_assert_int_gt(n, 0);
	link[n] = '\0';
	ck_assert_int_eq(statx(AT_FDCWD, path, 0, STATX_INO | STATX_MNT_ID, &stx), 0);
	memset(f, 0, sizeof(*f));
	f->fd = fd;
	f->link = strdup(link);
	f->ino = stx.stx_ino;
	f->mnt_id = (stx.stx_mask & STATX_MNT_ID) ? stx.stx_mnt_id : 0;
}

static int open_tmp(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	ck_assert_int_ge(fd, 0);
	return fd;
}

/* The tick's one look per descriptor: a pipe left alone is the same; a
 * closed number is gone; a log rotated under the same name (same link
 * text, another inode) has changed; a pipe end replaced by another pipe's
 * (another link text) has changed; a file renamed is still the same file.
 * Only the changed and new numbers are read again. */
START_TEST(test_watch_probe_tells_same_changed_and_gone)
{
	char dir[] = "/tmp/check-watch-probe-XXXXXX", log[96], rot[96], ren[96];
	int a[2], b[2], logfd, renfd, fresh, dfd;
	struct watch_fd fds[4];
	struct watch_table t = { fds, 4 };
	struct watch_probe pr;
	size_t i;

	ck_assert(mkdtemp(dir) != NULL);
	snprintf(log, sizeof(log), "%s/app.log", dir);
	snprintf(rot, sizeof(rot), "%s/app.log.1", dir);
	snprintf(ren, sizeof(ren), "%s/other", dir);
	ck_assert_int_eq(pipe2(a, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(b, O_CLOEXEC), 0);
	logfd = open_tmp(log);
	renfd = open_tmp(ren);
	/* Sorted by number, as a collected table. */
	{
		int order[4] = { a[0], a[1], logfd, renfd };

		for (i = 0; i < 4; i++)
			own_entry(&fds[i], order[i]);
	}
	/* a[0] now b's read end; the log rotated; a[1] closed (after the
	 * new log was opened, which would take its number); other renamed. */
	ck_assert_int_eq(dup3(b[0], a[0], O_CLOEXEC), a[0]);
	ck_assert_int_eq(rename(log, rot), 0);
	fresh = open_tmp(log);
	ck_assert_int_eq(dup3(fresh, logfd, O_CLOEXEC), logfd);
	ck_assert_int_eq(close(fresh), 0);
	/* Opened first: it would take a[1]'s number. */
	dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(dfd, 0);
	ck_assert_int_eq(close(a[1]), 0);
	snprintf(rot + strlen(rot), sizeof(rot) - strlen(rot), "x");
	ck_assert_int_eq(rename(ren, rot), 0);
	watch_probe_run(&pr, &t, dfd);
	ck_assert_int_eq(pr.state[0], WATCH_CHANGED);
	ck_assert_int_eq(pr.state[1], WATCH_GONE);
	ck_assert_int_eq(pr.state[2], WATCH_CHANGED);
	ck_assert_int_eq(pr.state[3], WATCH_SAME);
	ck_assert_uint_eq(pr.same, 1);
	ck_assert_uint_eq(pr.gone, 1);
	ck_assert(watch_probe_keep(&pr, a[0]));
	ck_assert(watch_probe_keep(&pr, logfd));
	ck_assert(!watch_probe_keep(&pr, renfd));
	/* A number that was not in the table is new: read. */
	ck_assert(watch_probe_keep(&pr, b[1]));
	ck_assert(!watch_probe_unchanged(&pr, dfd));
	watch_probe_release(&pr);
	for (i = 0; i < 4; i++)
		watch_fd_release(&fds[i]);
	close(dfd);
	close(a[0]);
	close(b[0]);
	close(b[1]);
	close(logfd);
	close(renfd);
	unlink(log);
	unlink(rot);
	rot[strlen(rot) - 1] = '\0';
	unlink(rot);
	rmdir(dir);
}
END_TEST

/* The directory's size is the count of open descriptors (Linux 6.2):
 * with every entry the same and that count, a tick lists nothing. */
START_TEST(test_watch_fd_count_is_the_open_descriptors)
{
	struct watch_fd fds[1];
	struct watch_table t = { fds, 1 };
	struct watch_probe pr;
	long long listed = 0;
	char buf[8192];
	ssize_t n;
	int dfd, fd;

	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(dfd, 0);
	/* What listing the directory finds (its "." and ".." aside). */
	while ((n = getdents64(dfd, buf, sizeof(buf))) > 0) {
		ssize_t off = 0;

		while (off < n) {
			const struct dirent64 *de = (const void *)(buf + off);

			listed += de->d_name[0] != '.';
			off += de->d_reclen;
		}
	}
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(watch_fd_count(dfd), listed);
	own_entry(&fds[0], fd);
	watch_probe_run(&pr, &t, dfd);
	ck_assert_int_eq(pr.state[0], WATCH_SAME);
	/* One entry the same, but many more open: something is new. */
	ck_assert(!watch_probe_unchanged(&pr, dfd));
	watch_probe_release(&pr);
	watch_fd_release(&fds[0]);
	close(dfd);
	close(fd);
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
			const char *old = json_str(j, "old_name");

			ck_assert_str_eq(json_str(j, "name"), want);
			/* A sample taken between the shell's mv and its
			 * reopening saw the old log under its new name. */
			ck_assert_msg(strcmp(old, want) == 0 ||
				      (strncmp(old, want, strlen(want)) == 0 &&
				       strcmp(old + strlen(want), ".1") == 0),
				      "old_name %s", old);
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

/* Starts the churner under another name (a symlink: the kernel takes
 * the command from the name exec'd), after delay_ms, its stdin the read end
 * of *ctl (closing ctl ends it).  The name is this test's own, so that no
 * other process can be selected by it. */
static pid_t start_named_churner(char *dir, char *name, size_t len,
				 int delay_ms, int *ctl)
{
	char link[256];
	int p[2];
	pid_t pid;

	ck_assert(mkdtemp(dir) != NULL);
	snprintf(name, len, "fdsw%d", (int)(getpid() % 100000000));
	snprintf(link, sizeof(link), "%s/%s", dir, name);
	ck_assert_int_eq(symlink(helper_path("churner"), link), 0);
	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(p[0], 0);
		dup2(null, 1);
		close_range(3, ~0U, 0);
		usleep((useconds_t)delay_ms * 1000);
		execl(link, name, (char *)NULL);
		_exit(127);
	}
	close(p[0]);
	*ctl = p[1];
	return pid;
}

static void stop_named_churner(char *dir, const char *name, pid_t pid, int ctl)
{
	char link[256];

	close(ctl);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	snprintf(link, sizeof(link), "%s/%s", dir, name);
	unlink(link);
	rmdir(dir);
}

/* watch -c COMMAND without -p: a process of that command started 0.7 s
 * after watch began is found at a later tick and watched from then on;
 * nothing else is. */
START_TEST(test_watch_c_finds_a_process_started_after_it)
{
	char dir[] = "/tmp/check-watch-c-XXXXXX", name[32];
	struct run_result r;
	char *line, *save = NULL;
	double first_status = -1;
	long long opens = 0, nstatus = 0;
	int ctl;
	pid_t pid;

	pid = start_named_churner(dir, name, sizeof(name), 700, &ctl);
	run_fdscope(&r, "watch", "-c", name, "--interval", "0.2", "--count", "12",
		    "-J", NULL);
	stop_named_churner(dir, name, pid, ctl);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	for (line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct json *j = json_parse(line);
		const char *ev;

		ck_assert(j != NULL);
		ck_assert_msg(json_int(j, "pid") == pid, "another process: %s", line);
		ev = json_str(j, "event");
		if (strcmp(ev, "status") == 0) {
			if (first_status < 0)
				first_status = json_get(j, "time")->num;
			ck_assert_str_eq(json_str(j, "command"), name);
			nstatus++;
		}
		opens += strcmp(ev, "open") == 0;
		json_free(j);
	}
	/* Not there at the first ticks; found, then followed. */
	ck_assert_msg(first_status >= 0.5, "first status at %.3f s", first_status);
	ck_assert_int_ge(nstatus, 3);
	ck_assert_int_ge(opens, 10);
	run_result_release(&r);
}
END_TEST

/* A descriptor selection shows only its events: --type FIFO on the
 * churner, which opens pipes and sockets, prints pipe events only. */
START_TEST(test_watch_type_selection_shows_only_its_events)
{
	struct holder h;
	struct run_result r;
	char pidtext[32], *line, *save = NULL;
	long long fifo = 0;

	holder_start(&h, "churner", NULL);
	snprintf(pidtext, sizeof(pidtext), "%d", h.pid);
	/* --type, then the same through -Q over a sample's columns. */
	for (int round = 0; round < 2; round++) {
		fifo = 0;
		if (round == 0)
			run_fdscope(&r, "watch", "-p", pidtext, "--type", "FIFO",
				    "--interval", "0.2", "--count", "6", "-J", NULL);
		else
			run_fdscope(&r, "watch", "-p", pidtext, "-Q",
				    "TYPE == \"FIFO\" && FD > 2 && COMMAND == \"churner\"",
				    "--interval", "0.2", "--count", "6", "-J", NULL);
		ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
		for (line = strtok_r(r.out, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			struct json *j = json_parse(line);
			const char *ev = json_str(j, "event");

			if (strcmp(ev, "open") == 0 || strcmp(ev, "close") == 0 ||
			    strcmp(ev, "replace") == 0) {
				ck_assert_msg(strcmp(json_str(j, "type"), "FIFO") == 0,
					      "%s", line);
				ck_assert_msg(json_int(j, "fd") > 2, "%s", line);
				fifo++;
			}
			json_free(j);
		}
		/* Two pipe ends a round, 5 rounds a second, for about a
		 * second. */
		ck_assert_int_ge(fifo, 10);
		run_result_release(&r);
	}
	/* A -Q on COMMAND decides the process before its table is read, as
	 * list's does: not the churner's, so nothing to watch, exit 1. */
	run_fdscope(&r, "watch", "-p", pidtext, "-Q", "COMMAND == \"nosuch\"",
		    "--interval", "0.2", "--count", "3", "-J", NULL);
	ck_assert_msg(r.status == 1, "status %d: %s", r.status, r.err);
	ck_assert_msg(strstr(r.err, "not selected") != NULL, "%s", r.err);
	ck_assert_str_eq(r.out, "");
	run_result_release(&r);
	holder_stop(&h);
	/* A -Q syntax error points at its column, exit 2; -C is list's. */
	run_fdscope(&r, "watch", "-p", pidtext, "-Q", "FD >", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert_msg(strstr(r.err, "invalid -Q expression") != NULL, "%s", r.err);
	run_result_release(&r);
	run_fdscope(&r, "watch", "-p", pidtext, "-C", "x:FD > 2", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert(strstr(r.err, "-C, -t and --summary are list's") != NULL);
	run_result_release(&r);
}
END_TEST

/* buf with every byte outside printable ASCII (and the backslash) as
 * \ooo, cut where the escaped text fills the static buffer. */
static const char *visible(const char *buf)
{
	static char out[65536];
	size_t i, n = 0, len = strlen(buf);

	for (i = 0; i < len && n + 5 < sizeof(out); i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, sizeof(out) - n, "\\%03o", c);
	}
	out[n] = '\0';
	return out;
}

/* On a terminal the status line is redrawn in place: before each later
 * tick, the cursor goes up over it and the rest of the screen is cleared;
 * off a terminal everything is appended, with no control sequence. */
START_TEST(test_watch_redraws_the_status_line_on_a_terminal_only)
{
	struct winsize ws = { .ws_row = 40, .ws_col = 200 };
	char *buf = calloc(1, 65536), pidtext[32];
	long long deadline = mono_ms() + 20000;
	struct run_result r;
	struct holder h;
	size_t len = 0, redraws = 0, statuses = 0;
	const char *p;
	int master, st;
	pid_t pid;

	ck_assert(buf != NULL);
	holder_start(&h, "churner", NULL);
	snprintf(pidtext, sizeof(pidtext), "%d", h.pid);
	pid = forkpty(&master, NULL, NULL, &ws);
	ck_assert(pid >= 0);
	if (pid == 0) {
		execl(fdscope_bin(), "fdscope", "watch", "-p", pidtext, "--interval",
		      "0.2", "--count", "4", (char *)NULL);
		_exit(127);
	}
	while (mono_ms() < deadline && len < 65535) {
		ssize_t n = read(master, buf + len, 65535 - len);

		if (n <= 0)
			break;		/* EIO once the child has gone */
		len += (size_t)n;
	}
	close(master);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	for (p = buf; (p = strstr(p, "\033[1A\r\033[J")) != NULL; p++)
		redraws++;
	for (p = buf; (p = strstr(p, " open, soft limit ")) != NULL; p++)
		statuses++;
	/* Escaped: the buffer holds the cursor controls under test. */
	ck_assert_msg(statuses == 4 && redraws == 3,
		      "%zu status lines, %zu redraws in: %s", statuses, redraws,
		      visible(buf));
	free(buf);
	run_fdscope(&r, "watch", "-p", pidtext, "--interval", "0.2", "--count", "3",
		    NULL);
	holder_stop(&h);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strchr(r.out, '\033') == NULL, "a control off a terminal: %s", r.out);
	for (statuses = 0, p = r.out; (p = strstr(p, " open, soft limit ")) != NULL; p++)
		statuses++;
	ck_assert_int_eq(statuses, 3);
	run_result_release(&r);
}
END_TEST

START_TEST(test_watch_usage_errors)
{
	struct run_result r;

	run_fdscope(&r, "watch", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert(strstr(r.err, "no process to watch: give -p PID, -c COMMAND "
			 "or -u USER") != NULL);
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
	tcase_add_test(tc, test_watch_probe_tells_same_changed_and_gone);
	tcase_add_test_if("watch", tc, fd_count_known(),
			  test_watch_fd_count_is_the_open_descriptors,
			  "the kernel does not give /proc/PID/fd a size (Linux < 6.2)");
	tcase_add_test(tc, test_watch_rate_is_the_least_squares_slope);
	tcase_add_test(tc, test_watch_json_events_counts_and_rate_of_a_leaking_helper);
	tcase_add_test(tc, test_watch_reports_an_exit_once_and_goes_on_with_the_others);
	tcase_add_test(tc, test_watch_sigint_prints_the_summary_and_exits_0);
	tcase_add_test(tc, test_watch_sees_a_rotated_log_under_the_same_name);
	tcase_add_test(tc, test_watch_c_finds_a_process_started_after_it);
	tcase_add_test(tc, test_watch_type_selection_shows_only_its_events);
	tcase_add_test(tc, test_watch_redraws_the_status_line_on_a_terminal_only);
	tcase_add_test(tc, test_watch_usage_errors);
	suite_add_tcase(s, tc);
	return s;
}
