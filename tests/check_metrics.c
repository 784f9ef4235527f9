/* `fdscope metrics`: promtool accepts the exposition, the values are what
 * /proc says, label values are escaped, --textfile is never seen half
 * written, and node_exporter's textfile collector serves the values. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cliexit.h"
#include "out/prom.h"
#include "proc/procfs.h"
#include "testutil.h"

#define PROMTOOL "/usr/bin/promtool"
#define NODE_EXPORTER "/usr/bin/prometheus-node-exporter"
#define CURL "/usr/bin/curl"

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Feeds text to `promtool check metrics`; returns its exit status and
 * leaves what it said in *said. */
static int promtool_check(const char *text, char **said)
{
	char path[] = "/tmp/check-metrics-XXXXXX";
	char cmd[256];
	struct run_result r;
	char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	int fd = mkstemp(path), status;

	ck_assert(fd >= 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	snprintf(cmd, sizeof(cmd), PROMTOOL " check metrics < %s 2>&1", path);
	run_argv(&r, argv, 20);
	unlink(path);
	status = r.status;
	*said = strdup(r.out);
	run_result_release(&r);
	return status;
}

/* The value of the sample whose line starts with prefix (name{labels}). */
static long long sample_value(const char *text, const char *prefix)
{
	const char *p = text;
	size_t n = strlen(prefix);

	while ((p = strstr(p, prefix)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == ' ')
			return atoll(p + n + 1);
		p += n;
	}
	ck_abort_msg("no sample '%s' in:\n%s", prefix, text);
	return -1;
}

static unsigned long long sys_ull(const char *rel)
{
	unsigned long long v = 0;

	ck_assert_int_eq(procfs_read_ull("/proc", rel, &v), 0);
	return v;
}

START_TEST(test_prom_writer_escapes_and_prints_inf)
{
	struct prom_label l[2] = { { "comm", "q\"b\\s\nx\x01" }, { "pid", "7" } };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert(f != NULL);
	prom_family(f, "x_fds", "gauge", "Some help.");
	prom_sample(f, "x_fds", l, 2, false, 18446744073709551615ULL);
	prom_sample(f, "x_fds", l + 1, 1, true, 0);
	prom_sample_ll(f, "y", NULL, 0, -3);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_str_eq(buf, "# HELP x_fds Some help.\n# TYPE x_fds gauge\n"
			 "x_fds{comm=\"q\\\"b\\\\\\\\s\\\\x0ax\\\\x01\",pid=\"7\"} "
			 "18446744073709551615\n"
			 "x_fds{pid=\"7\"} +Inf\n"
			 "y -3\n");
	free(buf);
}
END_TEST

/* promtool checks the text format and lints it (names, suffixes, HELP):
 * it must accept the output and have nothing to say. */
START_TEST(test_metrics_promtool_accepts_the_output)
{
	struct run_result r;
	char *said;

	run_fdscope(&r, "metrics", "--all", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_msg(promtool_check(r.out, &said) == 0, "promtool: %s", said);
	ck_assert_msg(said[0] == '\0', "promtool said: %s", said);
	free(said);
	run_result_release(&r);
}
END_TEST

static bool valid_name(const char *s, size_t n, bool colon)
{
	size_t i;

	if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      (colon && s[i] == ':')))
			return false;
	return true;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

#define MAX_FAMILIES 64

/* Where the 0.0.4 text format and OpenMetrics agree, the output keeps to
 * both: each family has one HELP and one TYPE, before its samples, and its
 * samples in one block (no family twice); names and label names are
 * valid; a gauge has none of the suffixes OpenMetrics keeps for counters,
 * summaries and histograms (_total, _created, _count, _sum, _bucket); no
 * sample repeats a label set; a value is a number or +Inf. */
START_TEST(test_metrics_output_keeps_to_openmetrics_where_they_agree)
{
	static const char *const reserved[] = {
		"_total", "_created", "_count", "_sum", "_bucket", "_info",
	};
	char families[MAX_FAMILIES][128], cur[128] = "";
	size_t nfam = 0, i, nsamples = 0;
	struct run_result r;
	char *line, *save = NULL, *prev_series = NULL;

	run_fdscope(&r, "metrics", "--all", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert(r.out[strlen(r.out) - 1] == '\n');
	for (line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[128], type[32];
		const char *sp, *brace, *val;
		char *end;

		if (strncmp(line, "# HELP ", 7) == 0) {
			ck_assert_int_eq(sscanf(line + 7, "%127s", name), 1);
			for (i = 0; i < nfam; i++)
				ck_assert_msg(strcmp(families[i], name) != 0,
					      "family %s twice", name);
			ck_assert(nfam < MAX_FAMILIES);
			snprintf(families[nfam++], sizeof(families[0]), "%s", name);
			snprintf(cur, sizeof(cur), "%s", name);
			ck_assert_msg(valid_name(name, strlen(name), true), "%s", line);
			ck_assert_msg(strlen(line) > 8 + strlen(name), "empty HELP: %s", line);
			continue;
		}
		if (strncmp(line, "# TYPE ", 7) == 0) {
			ck_assert_int_eq(sscanf(line + 7, "%127s %31s", name, type), 2);
			ck_assert_msg(strcmp(name, cur) == 0, "TYPE not after its HELP: %s", line);
			ck_assert_str_eq(type, "gauge");
			for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
				ck_assert_msg(!ends_with(name, reserved[i]),
					      "a gauge named like a counter or a histogram: %s",
					      name);
			continue;
		}
		ck_assert_msg(line[0] != '#', "another comment: %s", line);
		/* A sample of the current family, in its block. */
		brace = strchr(line, '{');
		sp = strchr(line, ' ');
		ck_assert(sp != NULL);
		if (brace == NULL || brace > sp)
			brace = sp;
		ck_assert_msg((size_t)(brace - line) == strlen(cur) &&
			      strncmp(line, cur, strlen(cur)) == 0,
			      "sample outside its family %s: %s", cur, line);
		if (*brace == '{') {
			const char *p = brace + 1;

			while (*p != '}') {
				const char *eq = strchr(p, '=');

				ck_assert(eq != NULL && eq[1] == '"');
				ck_assert_msg(valid_name(p, (size_t)(eq - p), false), "%s", line);
				for (p = eq + 2; *p != '"'; p++)
					if (*p == '\\')
						p++;
				p++;
				ck_assert(*p == ',' || *p == '}');
				if (*p == ',')
					p++;
			}
			sp = p + 1;
			ck_assert(*sp == ' ');
		}
		val = sp + 1;
		if (strcmp(val, "+Inf") != 0) {
			(void)strtod(val, &end);
			ck_assert_msg(*end == '\0' && end != val, "value: %s", line);
		}
		/* The same series twice in a row would be a duplicate (the
		 * blocks are per family, a series is name and labels). */
		if (prev_series)
			ck_assert_msg(strncmp(prev_series, line, (size_t)(sp - line)) != 0 ||
				      prev_series[sp - line] != ' ',
				      "series twice: %s", line);
		prev_series = line;
		nsamples++;
	}
	ck_assert_int_ge(nfam, 9);
	ck_assert_int_ge(nsamples, 9);
	run_result_release(&r);
}
END_TEST

START_TEST(test_metrics_values_match_proc)
{
	struct holder h;
	struct run_result r;
	struct limit_pair lp;
	char pidtext[32], prefix[256], path[64], *limits = NULL;
	const char *p;
	long long sum = 0;
	size_t open;

	holder_start(&h, "fdholder", NULL);
	snprintf(pidtext, sizeof(pidtext), "%d", h.pid);
	run_fdscope(&r, "metrics", "-p", pidtext, NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	open = count_pid_fds(h.pid, NULL);
	snprintf(path, sizeof(path), "/proc/%d/limits", h.pid);
	ck_assert(procfs_slurp_at(AT_FDCWD, path, &limits) > 0);
	ck_assert_int_eq(limits_parse_nofile(limits, &lp), 0);
	free(limits);
	snprintf(prefix, sizeof(prefix), "fdscope_process_open_fds{pid=\"%d\",comm=\"fdholder\"}",
		 h.pid);
	ck_assert_int_eq(sample_value(r.out, prefix), (long long)open);
	snprintf(prefix, sizeof(prefix), "fdscope_process_max_fds{pid=\"%d\",comm=\"fdholder\"}",
		 h.pid);
	ck_assert_int_eq(sample_value(r.out, prefix), (long long)lp.soft);
	snprintf(prefix, sizeof(prefix),
		 "fdscope_process_max_fds_hard{pid=\"%d\",comm=\"fdholder\"}", h.pid);
	ck_assert_int_eq(sample_value(r.out, prefix), (long long)lp.hard);
	snprintf(prefix, sizeof(prefix),
		 "fdscope_process_fds_headroom{pid=\"%d\",comm=\"fdholder\"}", h.pid);
	/* Every descriptor of the holder is numbered below its limit. */
	ck_assert_int_eq(sample_value(r.out, prefix), (long long)(lp.soft - open));
	/* The by-type counts add up to the open count; the pipe is there. */
	snprintf(prefix, sizeof(prefix),
		 "fdscope_process_open_fds_by_type{pid=\"%d\",comm=\"fdholder\",type=\"FIFO\"}",
		 h.pid);
	ck_assert_int_ge(sample_value(r.out, prefix), 2);
	for (p = r.out; (p = strstr(p, "\nfdscope_process_open_fds_by_type{")) != NULL; p++)
		sum += atoll(strchr(p, '}') + 2);
	ck_assert_int_eq(sum, (long long)open);
	ck_assert_int_eq(sample_value(r.out, "fdscope_system_nr_open"),
			 (long long)sys_ull("sys/fs/nr_open"));
	ck_assert_int_eq(sample_value(r.out, "fdscope_system_file_handles_max"),
			 (long long)sys_ull("sys/fs/file-max"));
	ck_assert_int_ge(sample_value(r.out, "fdscope_system_file_handles_allocated"), 1);
	ck_assert(strstr(r.out, "# TYPE fdscope_process_open_fds gauge\n") != NULL);
	ck_assert(strstr(r.out, "# HELP fdscope_process_open_fds ") != NULL);
	holder_stop(&h);
	run_result_release(&r);
}
END_TEST

START_TEST(test_metrics_escapes_label_values)
{
	int ready[2];
	struct run_result r;
	char pidtext[32], want[128], c, *said;
	pid_t pid;

	ck_assert_int_eq(pipe(ready), 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		/* A quote, a backslash and a newline in the command name. */
		prctl(PR_SET_NAME, "a\"b\\c\n", 0, 0, 0);
		close(ready[0]);
		ck_assert_int_eq(write(ready[1], "x", 1), 1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	close(ready[0]);
	snprintf(pidtext, sizeof(pidtext), "%d", pid);
	run_fdscope(&r, "metrics", "-p", pidtext, NULL);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	/* The escaper makes the newline \x0a; the format escapes \ and ". */
	snprintf(want, sizeof(want), "{pid=\"%d\",comm=\"a\\\"b\\\\\\\\c\\\\x0a\"}", pid);
	ck_assert_msg(strstr(r.out, want) != NULL, "no %s in:\n%s", want, r.out);
	if (access(PROMTOOL, X_OK) == 0) {
		ck_assert_msg(promtool_check(r.out, &said) == 0, "promtool: %s", said);
		free(said);
	}
	run_result_release(&r);
}
END_TEST

static bool text_is_whole(const char *text)
{
	size_t n = strlen(text);

	return strncmp(text, "# HELP fdscope_process_open_fds ", 32) == 0 &&
		n > 0 && text[n - 1] == '\n' &&
		strstr(text, "\nfdscope_system_nr_open ") != NULL;
}

START_TEST(test_metrics_textfile_is_never_seen_half_written)
{
	char dir[] = "/tmp/check-metrics-dir-XXXXXX", path[128], pidtext[32];
	long long deadline = mono_ms() + 60000;
	size_t reads = 0, entries = 0;
	struct dirent *de;
	pid_t writer;
	DIR *d;
	int st;

	ck_assert(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/fdscope.prom", dir);
	snprintf(pidtext, sizeof(pidtext), "%d", getpid());
	writer = fork();
	ck_assert(writer >= 0);
	if (writer == 0) {
		int nul = open("/dev/null", O_WRONLY);

		dup2(nul, 1);
		dup2(nul, 2);
		execl(fdscope_bin(), "fdscope", "metrics", "-p", pidtext, "--textfile",
		      path, "--count", "1000", (char *)NULL);
		_exit(127);
	}
	for (;;) {
		char *text = NULL;
		pid_t done = waitpid(writer, &st, WNOHANG);

		if (procfs_slurp_at(AT_FDCWD, path, &text) >= 0) {
			ck_assert_msg(text_is_whole(text), "read a partial file:\n%s", text);
			reads++;
		} else {
			ck_assert_int_eq(errno, ENOENT);	/* before the first */
		}
		free(text);
		if (done == writer)
			break;
		ck_assert_msg(mono_ms() < deadline, "1000 writes took over 60 s");
	}
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_uint_gt(reads, 100);
	/* No temporary file left behind. */
	d = opendir(dir);
	ck_assert(d != NULL);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' || (de->d_name[1] && strcmp(de->d_name, "..")))
			entries++;
	closedir(d);
	ck_assert_uint_eq(entries, 1);
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(test_metrics_interval_rewrites_until_sigterm)
{
	char dir[] = "/tmp/check-metrics-int-XXXXXX", path[128], pidtext[32];
	char *text = NULL;
	struct dirent *de;
	size_t entries = 0;
	pid_t w;
	DIR *d;
	int st;

	ck_assert(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/fdscope.prom", dir);
	snprintf(pidtext, sizeof(pidtext), "%d", getpid());
	w = fork();
	ck_assert(w >= 0);
	if (w == 0) {
		execl(fdscope_bin(), "fdscope", "metrics", "-p", pidtext, "--textfile",
		      path, "--interval", "0.05", (char *)NULL);
		_exit(127);
	}
	usleep(400 * 1000);
	ck_assert_int_eq(kill(w, SIGTERM), 0);
	ck_assert_int_eq(waitpid(w, &st, 0), w);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
	ck_assert(procfs_slurp_at(AT_FDCWD, path, &text) > 0);
	ck_assert(text_is_whole(text));
	free(text);
	d = opendir(dir);
	ck_assert(d != NULL);
	while ((de = readdir(d)) != NULL)
		entries += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	closedir(d);
	ck_assert_uint_eq(entries, 1);
	unlink(path);
	rmdir(dir);
}
END_TEST

static int free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port;

	ck_assert(s >= 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(s, (struct sockaddr *)&sa, &len), 0);
	port = ntohs(sa.sin_port);
	close(s);
	return port;
}

START_TEST(test_metrics_reach_node_exporter_through_its_textfile_collector)
{
	char dir[] = "/tmp/check-metrics-ne-XXXXXX", path[128], listen[64],
		textdir[160], url[96], pidtext[32], prefix[160];
	long long deadline, want = -1;
	struct run_result r;
	struct holder h;
	pid_t ne;
	bool found = false;

	if (access(NODE_EXPORTER, X_OK) != 0 || access(CURL, X_OK) != 0) {
		skip_part("test_metrics_reach_node_exporter_through_its_textfile_"
		       "collector: " NODE_EXPORTER " or " CURL " not installed");
		return;
	}
	ck_assert(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/fdscope.prom", dir);
	snprintf(listen, sizeof(listen), "--web.listen-address=127.0.0.1:%d", free_port());
	snprintf(url, sizeof(url), "http://%s/metrics", listen + 21);
	snprintf(textdir, sizeof(textdir), "--collector.textfile.directory=%s", dir);
	holder_start(&h, "fdholder", NULL);
	snprintf(pidtext, sizeof(pidtext), "%d", h.pid);
	run_fdscope(&r, "metrics", "-p", pidtext, "--textfile", path, NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	run_result_release(&r);
	ne = fork();
	ck_assert(ne >= 0);
	if (ne == 0) {
		int nul = open("/dev/null", O_RDWR);

		dup2(nul, 0);
		dup2(nul, 1);
		dup2(nul, 2);
		close_range(3, ~0U, 0);
		execl(NODE_EXPORTER, NODE_EXPORTER, listen, "--collector.disable-defaults",
		      "--collector.textfile", textdir, (char *)NULL);
		_exit(127);
	}
	snprintf(prefix, sizeof(prefix),
		 "fdscope_process_open_fds{comm=\"fdholder\",pid=\"%d\"}", h.pid);
	want = (long long)count_pid_fds(h.pid, NULL);
	deadline = mono_ms() + 15000;
	while (!found && mono_ms() < deadline) {
		char *argv[] = { CURL, "-sf", "--max-time", "2", url, NULL };

		run_argv(&r, argv, 10);
		if (r.status == 0 && strstr(r.out, prefix) != NULL) {
			ck_assert_int_eq(sample_value(r.out, prefix), want);
			ck_assert(strstr(r.out, "\nfdscope_system_nr_open ") != NULL);
			found = true;
		}
		run_result_release(&r);
		if (!found)
			usleep(100 * 1000);
	}
	kill(ne, SIGTERM);
	waitpid(ne, NULL, 0);
	holder_stop(&h);
	unlink(path);
	rmdir(dir);
	ck_assert_msg(found, "node_exporter never served %s", prefix);
}
END_TEST

/* A process holding only 0, 1 and 2 (/dev/null): no socket, no pipe. */
static pid_t start_bare(void)
{
	pid_t pid = fork();

	ck_assert(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		close_range(3, ~0U, 0);
		execl("/bin/sleep", "sleep", "20", (char *)NULL);
		_exit(127);
	}
	return pid;
}

static bool has_process(const char *out, pid_t pid)
{
	char want[64];

	snprintf(want, sizeof(want), "fdscope_process_open_fds{pid=\"%d\",", pid);
	return strstr(out, want) != NULL;
}

/* list's selections choose the processes: -U those with a unix socket
 * (the churner's socket pairs; not a bare sleep), -c by command, -u by
 * user; a chosen process is reported whole, its open count as /proc says. */
START_TEST(test_metrics_selections_choose_processes)
{
	struct holder h;
	struct run_result r;
	char pids[64], prefix[128], user[32];
	pid_t bare;

	holder_start(&h, "churner", NULL);
	bare = start_bare();
	/* Until sleep has replaced the forked copy of this process. */
	for (int i = 0; i < 200; i++) {
		char comm[32] = "", path[64];
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/comm", bare);
		f = fopen(path, "r");
		if (f && fgets(comm, sizeof(comm), f) && strcmp(comm, "sleep\n") == 0) {
			fclose(f);
			break;
		}
		if (f)
			fclose(f);
		usleep(10 * 1000);
	}
	snprintf(pids, sizeof(pids), "%d,%d", h.pid, bare);
	run_fdscope(&r, "metrics", "-p", pids, "-U", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_msg(has_process(r.out, h.pid), "%s", r.out);
	ck_assert_msg(!has_process(r.out, bare), "%s", r.out);
	snprintf(prefix, sizeof(prefix),
		 "fdscope_process_open_fds_by_type{pid=\"%d\",comm=\"churner\",type=\"SOCK\"}",
		 h.pid);
	ck_assert_int_ge(sample_value(r.out, prefix), 2);
	run_result_release(&r);
	/* -c: only the sleep, of the two and of every other process. */
	run_fdscope(&r, "metrics", "-c", "sleep", "-p", pids, NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert(!has_process(r.out, h.pid));
	ck_assert(has_process(r.out, bare));
	snprintf(prefix, sizeof(prefix), "fdscope_process_open_fds{pid=\"%d\",comm=\"sleep\"}",
		 bare);
	ck_assert_int_eq(sample_value(r.out, prefix), (long long)count_pid_fds(bare, NULL));
	run_result_release(&r);
	/* -Q over a sample's columns: the churner holds sockets, the sleep
	 * none, so only the churner is reported. */
	run_fdscope(&r, "metrics", "-p", pids, "-Q", "TYPE == \"SOCK\"", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_msg(has_process(r.out, h.pid), "%s", r.out);
	ck_assert_msg(!has_process(r.out, bare), "%s", r.out);
	run_result_release(&r);
	run_fdscope(&r, "metrics", "-p", pids, "-Q", "COMMAND == \"sleep\" && FD <= 2",
		    NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert(!has_process(r.out, h.pid));
	ck_assert(has_process(r.out, bare));
	run_result_release(&r);
	/* -u with everyone: this user's processes, the churner among them;
	 * -c narrows it to the churner. */
	snprintf(user, sizeof(user), "%u", (unsigned)geteuid());
	run_fdscope(&r, "metrics", "-u", user, "-c", "churner", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert(has_process(r.out, h.pid));
	ck_assert(!has_process(r.out, bare));
	run_result_release(&r);
	kill(bare, SIGTERM);
	ck_assert_int_eq(waitpid(bare, NULL, 0), bare);
	holder_stop(&h);
}
END_TEST

START_TEST(test_metrics_usage_and_missing_process)
{
	struct run_result r;

	run_fdscope(&r, "metrics", "-p", "x", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert(strstr(r.err, "invalid PID 'x'") != NULL);
	run_result_release(&r);
	run_fdscope(&r, "metrics", "-p", "1", "--all", NULL);
	ck_assert_int_eq(r.status, 2);
	run_result_release(&r);
	run_fdscope(&r, "metrics", "--count", "2", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert(strstr(r.err, "rewrite a --textfile") != NULL);
	run_result_release(&r);
	run_fdscope(&r, "metrics", "--textfile", "/nonexistent-dir/x.prom", "-p", "1",
		    NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert(strstr(r.err, "cannot write '/nonexistent-dir/x.prom'") != NULL);
	run_result_release(&r);
}
END_TEST

/* The exit statuses of the command, run by the dispatcher in the forked
 * test process: 0 done, 1 a runtime failure, 2 a usage error. */
static const char *const metrics_exit_cases[][4] = {
	{ "metrics", "--help" },
	{ "metrics", "-p", "0" },
	{ "metrics", "-p", "2147483647" },
	{ "metrics", "--nosuch" },
};
static const int metrics_exit_status[] = { 0, 2, 1, 2 };

START_TEST(test_metrics_exit_status)
{
	cli_exit_with(metrics_exit_cases[_i]);
}
END_TEST

Suite *metrics_suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("metrics");

	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_prom_writer_escapes_and_prints_inf);
	tcase_add_test_if("metrics", tc, access(PROMTOOL, X_OK) == 0,
			  test_metrics_promtool_accepts_the_output,
			  PROMTOOL " not installed (Debian package prometheus)");
	tcase_add_test(tc, test_metrics_output_keeps_to_openmetrics_where_they_agree);
	tcase_add_test(tc, test_metrics_values_match_proc);
	tcase_add_test(tc, test_metrics_escapes_label_values);
	tcase_add_test(tc, test_metrics_textfile_is_never_seen_half_written);
	tcase_add_test(tc, test_metrics_interval_rewrites_until_sigterm);
	tcase_add_test(tc, test_metrics_reach_node_exporter_through_its_textfile_collector);
	tcase_add_test(tc, test_metrics_selections_choose_processes);
	tcase_add_test(tc, test_metrics_usage_and_missing_process);
	suite_add_tcase(s, tc);
	tc = tcase_create("exit-status");
	for (size_t k = 0; k < sizeof(metrics_exit_status) / sizeof(metrics_exit_status[0]); k++)
		tcase_add_loop_exit_test(tc, test_metrics_exit_status,
					 metrics_exit_status[k], (int)k, (int)k + 1);
	suite_add_tcase(s, tc);
	return s;
}
