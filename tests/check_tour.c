/* The tour at the projector: demo --step driven on a real terminal (tmux)
 * at 80x24 and 60x20, closing the terminal, no terminal at all; the
 * exchange's order against the kernel's; the Python view against the
 * installed python3; the figure through Graphviz. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

static char tour_tmp[64];	/* the tour's TMPDIR */
static char work[64];		/* the test's own files */
static char sock[64];		/* the test's tmux server */

static bool have_program(const char *name)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

static void dirs_make(void)
{
	snprintf(tour_tmp, sizeof(tour_tmp), "/tmp/fdscope-tour.XXXXXX");
	snprintf(work, sizeof(work), "/tmp/fdscope-tourwork.XXXXXX");
	ck_assert(mkdtemp(tour_tmp) != NULL && mkdtemp(work) != NULL);
}

/* Each session gets a server of its own: a new one on a name being shut
 * down would race with it. */
static void tmux_new_name(void)
{
	static int n;

	snprintf(sock, sizeof(sock), "fdscope-test-%ld-%d", (long)getpid(), ++n);
}

static int dir_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	ck_assert(d != NULL);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void dirs_remove(void)
{
	char cmd[256];

	ck_assert_msg(dir_entries(tour_tmp) == 0, "the tour left files in %s",
		      tour_tmp);
	rmdir(tour_tmp);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", work);
	ck_assert(system(cmd) == 0);
}

static void tmux_kill(void)
{
	char cmd[320];

	if (sock[0] == '\0')
		return;
	/* The server leaves its socket file behind when killed. */
	snprintf(cmd, sizeof(cmd), "tmux -L %s kill-server >/dev/null 2>&1; "
		 "rm -f \"${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/%s\"", sock, sock);
	if (system(cmd) < 0)
		return;
	sock[0] = '\0';
}

/* Starts the tour in a new tmux server of this test's own. */
static void tmux_start(int cols, int rows, const char *args)
{
	char cmd[2048];

	tmux_new_name();
	snprintf(cmd, sizeof(cmd), "tmux -L %s -f /dev/null new-session -d -s t "
		 "-x %d -y %d \"env -u COLUMNS TMPDIR=%s timeout --foreground 60 %s demo %s; "
		 "echo \\$? > %s/exit; sleep 1\"", sock, cols, rows, tour_tmp,
		 fdscope_bin(), args, work);
	ck_assert_msg(system(cmd) == 0, "cannot start tmux: %s", cmd);
}

/* The screen, wrapped lines joined: a joined line wider than the
 * terminal is one that wrapped. */
static char *tmux_capture(void)
{
	char cmd[160], *buf = calloc(1, 65536);
	size_t got = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "tmux -L %s capture-pane -p -J -t t", sock);
	f = popen(cmd, "r");
	ck_assert(f != NULL && buf != NULL);
	got = fread(buf, 1, 65535, f);
	buf[got] = '\0';
	pclose(f);
	return buf;
}

static void tmux_keys(const char *keys)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "tmux -L %s send-keys -t t %s", sock, keys);
	ck_assert(system(cmd) == 0);
}

static void strip_right(char *line)
{
	size_t n = strlen(line);

	while (n > 0 && line[n - 1] == ' ')
		line[--n] = '\0';
}

/* The last non-empty line of the screen. */
static const char *last_line(char **lines, size_t n)
{
	while (n > 0 && lines[n - 1][0] == '\0')
		n--;
	return n ? lines[n - 1] : "";
}

static size_t split_lines(char *text, char **lines, size_t max)
{
	size_t n = 0;
	char *save = NULL, *l;

	/* strtok would skip empty lines: they matter little here. */
	for (l = strtok_r(text, "\n", &save); l && n < max;
	     l = strtok_r(NULL, "\n", &save)) {
		strip_right(l);
		lines[n++] = l;
	}
	return n;
}

/* The screen at the last prompt: a key sent, the next prompt is on
 * another screen (the old one may still show for a moment). */
static char last_screen[65536];

/* Waits (at most 15 s) for a prompt on the last line of a new screen;
 * returns the screen. */
static char *wait_prompt(char **lines, size_t *nlines)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	int i;

	for (i = 0; i < 300; i++) {
		char *scr = tmux_capture();

		if (strcmp(scr, last_screen) != 0) {
			char *copy = strdup(scr);

			const char *l;

			*nlines = split_lines(scr, lines, 200);
			l = last_line(lines, *nlines);
			/* A prompt ends with "--": one with a number typed
			 * after it is not answered yet. */
			if (strncmp(l, "-- ", 3) == 0 &&
			    strcmp(l + strlen(l) - 2, "--") == 0) {
				snprintf(last_screen, sizeof(last_screen), "%s", copy);
				free(copy);
				return scr;
			}
			free(copy);
		}
		free(scr);
		nanosleep(&ts, NULL);
	}
	ck_abort_msg("no prompt appeared");
	return NULL;
}

/* The heading numbers on the screen: -1 none, else the only one. */
static int heading_on(char **lines, size_t n)
{
	int found = -1, k;
	size_t i;

	for (i = 0; i < n; i++)
		if (sscanf(lines[i], "== %d. ", &k) == 1) {
			ck_assert_msg(found < 0, "two sections on one screen: %d "
				      "and %d", found, k);
			found = k;
		}
	return found;
}

static void check_widths(char **lines, size_t n, int cols)
{
	size_t i;

	for (i = 0; i < n; i++) {
		size_t w = 0;
		const char *p;

		for (p = lines[i]; *p; p++)
			w += ((unsigned char)*p & 0xc0) != 0x80;
		ck_assert_msg(w <= (size_t)cols, "line wider than %d: '%s'", cols,
			      lines[i]);
	}
}

/* What the last line of section k is when the tour runs through a pipe
 * at the same width, from the same terminal's descendants (so the same
 * descriptors are inherited): the screen must end with it before the
 * prompt.  Digits are left out of the comparison (pids, inodes). */
static void masked(const char *in, char *out, size_t len)
{
	size_t j = 0;

	for (; *in && j + 1 < len; in++)
		if (!(*in >= '0' && *in <= '9'))
			out[j++] = *in;
	out[j] = '\0';
}

/* The tour's exit status, written by the tmux session when it ended
 * (waited for at most 5 s); why names what should have ended it.  The
 * shell creates the file before it writes the status: an empty one is
 * waited for as a missing one. */
static int tour_exit_status(const char *why)
{
	char path[128];
	struct stat st;
	int i, status = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/exit", work);
	for (i = 0; i < 100 && (stat(path, &st) != 0 || st.st_size == 0); i++)
		usleep(50 * 1000);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "the tour did not end %s", why);
	ck_assert(fscanf(f, "%d", &status) == 1);
	fclose(f);
	return status;
}

static const int sizes[][2] = { { 80, 24 }, { 60, 20 } };

/* Enter through sections 1-4 (section 4 takes two pages at 60x20),
 * then b (section 3 again), then 1 and Enter (section 1), then q. */
START_TEST(test_step_on_a_terminal)
{
	int cols = sizes[_i][0], rows = sizes[_i][1], section = 1, pages = 0;
	char args[64], *lines[200], ref_last[5][512];
	char path[128], *ref, *refl[2000];
	size_t n, nref, i;
	struct run_result r;
	FILE *f;
	int k;

	if (!have_program("tmux")) {
		skip_part("tmux is not installed");
		return;
	}
	dirs_make();
	/* The reference: the same sections through a pipe, started the
	 * same way (its descriptors are the same as the stepped run's). */
	snprintf(path, sizeof(path), "%s/ref", work);
	snprintf(args, sizeof(args), "--section 1 --width %d >/dev/null", cols);
	memset(ref_last, 0, sizeof(ref_last));
	for (k = 1; k <= 4; k++) {
		char cmd[1024];

		tmux_kill();
		tmux_new_name();
		snprintf(cmd, sizeof(cmd), "tmux -L %s -f /dev/null new-session -d "
			 "-s t -x %d -y %d \"env -u COLUMNS TMPDIR=%s %s demo "
			 "--section %d --width %d > %s; echo done > %s/refdone; "
			 "sleep 1\"", sock, cols, rows, tour_tmp, fdscope_bin(), k,
			 cols, path, work);
		snprintf(path + strlen(work), sizeof(path) - strlen(work), "/refdone");
		unlink(path);
		ck_assert(system(cmd) == 0);
		for (i = 0; i < 200 && access(path, F_OK) != 0; i++)
			usleep(50 * 1000);
		ck_assert(access(path, F_OK) == 0);
		snprintf(path, sizeof(path), "%s/ref", work);
		f = fopen(path, "r");
		ck_assert(f != NULL);
		ref = calloc(1, 1 << 20);
		nref = fread(ref, 1, (1 << 20) - 1, f);
		fclose(f);
		ref[nref] = '\0';
		nref = split_lines(ref, refl, 2000);
		masked(last_line(refl, nref), ref_last[k], sizeof(ref_last[k]));
		free(ref);
	}
	tmux_kill();
	last_screen[0] = '\0';
	tmux_start(cols, rows, "--step");
	/* Sections 1 to 4, page by page. */
	while (section <= 4) {
		char *scr = wait_prompt(lines, &n), m[512];
		const char *prompt = last_line(lines, n);
		int h = heading_on(lines, n);

		check_widths(lines, n, cols);
		if (h >= 0)
			ck_assert_msg(h == section, "section %d on screen, %d "
				      "expected", h, section);
		if (strstr(prompt, "more")) {
			/* A page of a long section: it does not scroll away. */
			ck_assert_uint_le(n, (size_t)rows);
			pages++;
		} else {
			/* The whole end of the section is there before the
			 * prompt: its last line is the reference's. */
			ck_assert(n >= 2);
			masked(lines[n - 2][0] ? lines[n - 2] : last_line(lines, n - 1),
			       m, sizeof(m));
			ck_assert_msg(strcmp(m, ref_last[section]) == 0,
				      "section %d ends with '%s', not '%s'", section,
				      lines[n - 2], ref_last[section]);
			section++;
		}
		free(scr);
		tmux_keys("Enter");
	}
	if (rows == 20)
		ck_assert_msg(pages >= 1, "section 4 fits 20 rows: no page test");
	/* Section 5 is on screen; b goes back to 4. */
	free(wait_prompt(lines, &n));
	tmux_keys("b");
	{
		char *scr = wait_prompt(lines, &n);

		/* 4 again, from its first page (or its only one). */
		ck_assert_int_eq(heading_on(lines, n), 4);
		free(scr);
	}
	tmux_keys("2 Enter");
	for (;;) {
		char *scr = wait_prompt(lines, &n);
		int h = heading_on(lines, n);

		free(scr);
		if (h == 2)
			break;
		/* The rest of section 4's pages first. */
		ck_assert_msg(h < 0, "jumped to %d, not 2", h);
		tmux_keys("Enter");
	}
	tmux_keys("q");
	ck_assert_int_eq(tour_exit_status("on q"), 0);
	tmux_kill();
	dirs_remove();
	(void)r;
}
END_TEST

/* Closing the terminal (SIGHUP to the tour) removes its directory. */
START_TEST(test_closed_terminal_removes_directory)
{
	char *lines[200], path[128];
	size_t n;
	int i;

	if (!have_program("tmux")) {
		skip_part("tmux is not installed");
		return;
	}
	dirs_make();
	last_screen[0] = '\0';
	tmux_start(80, 24, "--step --from 3");
	free(wait_prompt(lines, &n));
	ck_assert_int_eq(dir_entries(tour_tmp), 1);
	tmux_kill();
	/* The tour dies of SIGHUP: no exit file, and no directory. */
	for (i = 0; i < 100 && dir_entries(tour_tmp) != 0; i++)
		usleep(50 * 1000);
	snprintf(path, sizeof(path), "%s/exit", work);
	ck_assert(access(path, F_OK) != 0);
	dirs_remove();
}
END_TEST

static bool screen_has(char **lines, size_t n, const char *text)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strstr(lines[i], text))
			return true;
	return false;
}

/* --step=call: a pause after each call, the call on the screen. */
START_TEST(test_step_after_each_call)
{
	char *lines[200], *scr;
	size_t n;

	if (!have_program("tmux")) {
		skip_part("tmux is not installed");
		return;
	}
	dirs_make();
	last_screen[0] = '\0';
	tmux_start(80, 24, "--step=call --section 3");
	scr = wait_prompt(lines, &n);
	/* The first call's step is all there: the call, then its map. */
	ck_assert_msg(strstr(last_line(lines, n), "call:") != NULL, "%s",
		      last_line(lines, n));
	ck_assert(n >= 2 && strstr(lines[n - 2], "table: 0 1 2 [3]") != NULL);
	ck_assert(strstr(lines[n - 3], "open(") || strstr(lines[n - 4], "open("));
	free(scr);
	tmux_keys("Enter");
	scr = wait_prompt(lines, &n);
	ck_assert(screen_has(lines, n, "pipe2(["));
	free(scr);
	/* Space goes on as Enter does. */
	tmux_keys("Space");
	scr = wait_prompt(lines, &n);
	ck_assert(screen_has(lines, n, "socket(AF_INET, SOCK_STREAM, 0) = "));
	free(scr);
	tmux_keys("q");
	ck_assert_int_eq(tour_exit_status("on q"), 0);
	tmux_kill();
	dirs_remove();
}
END_TEST

/* --step=page: pauses only before a page scrolls away, none at the end
 * of a section. */
START_TEST(test_step_by_page)
{
	char *lines[200];
	size_t n;
	int i, pages = 0;

	if (!have_program("tmux")) {
		skip_part("tmux is not installed");
		return;
	}
	dirs_make();
	last_screen[0] = '\0';
	tmux_start(80, 24, "--step=page --from 3");
	/* Sections 3 and 4 are longer than a screen together. */
	for (i = 0; i < 3; i++) {
		/* lines point into the screen: freed after they are read. */
		char *screen = wait_prompt(lines, &n);

		ck_assert_msg(strstr(last_line(lines, n), "-- more:") != NULL,
			      "not a page prompt: %s", last_line(lines, n));
		ck_assert_uint_le(n, 24);
		check_widths(lines, n, 80);
		free(screen);
		pages++;
		tmux_keys("Enter");
	}
	tmux_keys("q");
	ck_assert_int_eq(tour_exit_status("on q"), 0);
	ck_assert_int_eq(pages, 3);
	tmux_kill();
	dirs_remove();
}
END_TEST

/* The whole tour at 80x24 with Enter at every prompt: every screen between
 * two pauses fits, so no pause is a page's forced one ("-- more:"): long
 * sections pause at their parts ("Enter=more"), each with its heading. */
START_TEST(test_every_screen_fits_24_rows)
{
	char *lines[200];
	bool seen[12] = { false };
	int i, k, parts = 0;
	bool part_next = false;
	size_t n;

	if (!have_program("tmux")) {
		skip_part("tmux is not installed");
		return;
	}
	dirs_make();
	last_screen[0] = '\0';
	tmux_start(80, 24, "--step");
	for (i = 0; i < 80; i++) {
		char *screen = wait_prompt(lines, &n);
		const char *prompt = last_line(lines, n);
		int h = heading_on(lines, n);
		bool end = strstr(prompt, "-- end:") != NULL;

		ck_assert_msg(strstr(prompt, "-- more:") == NULL,
			      "a screen of section %d does not fit 24 rows:\n%s",
			      h, last_screen);
		ck_assert_uint_le(n, 24);
		check_widths(lines, n, 80);
		if (h >= 1 && h <= 11)
			seen[h] = true;
		if (part_next) {
			/* The part after the pause: its heading on top. */
			for (k = 0; k < (int)n && strncmp(lines[k], "== part ", 8); k++)
				;
			ck_assert_msg(k < (int)n, "a part without its heading");
		}
		part_next = strstr(prompt, "Enter=more") != NULL;
		parts += part_next;
		free(screen);
		tmux_keys("Enter");
		if (end)
			break;
	}
	ck_assert_int_eq(tour_exit_status("after the last section"), 0);
	for (k = 1; k <= 11; k++)
		ck_assert_msg(seen[k], "section %d never on screen", k);
	ck_assert_int_ge(parts, 5);
	tmux_kill();
	dirs_remove();
}
END_TEST

/* demo --step > file: the prompt is on the terminal, the file holds the
 * tour and no prompt. */
START_TEST(test_step_prompt_never_on_stdout)
{
	char *lines[200], args[192], path[128], buf[8192], *screen;
	size_t n, got;
	int i;
	FILE *f;

	if (!have_program("tmux")) {
		skip_part("tmux is not installed");
		return;
	}
	dirs_make();
	last_screen[0] = '\0';
	snprintf(args, sizeof(args), "--step --section 2 > %s/out", work);
	tmux_start(80, 24, args);
	screen = wait_prompt(lines, &n);
	ck_assert(strstr(last_line(lines, n), "-- end:") != NULL);
	free(screen);
	tmux_keys("Enter");
	snprintf(path, sizeof(path), "%s/exit", work);
	for (i = 0; i < 100 && access(path, F_OK) != 0; i++)
		usleep(50 * 1000);
	ck_assert(access(path, F_OK) == 0);
	snprintf(path, sizeof(path), "%s/out", work);
	f = fopen(path, "r");
	ck_assert(f != NULL);
	got = fread(buf, 1, sizeof(buf) - 1, f);
	buf[got] = '\0';
	fclose(f);
	ck_assert(strstr(buf, "getrlimit(RLIMIT_NOFILE") != NULL);
	ck_assert_msg(strstr(buf, "-- ") == NULL && strstr(buf, "\033") == NULL,
		      "a prompt or a terminal code in stdout: %s", buf);
	tmux_kill();
	dirs_remove();
}
END_TEST

/* The whole tour at 40 and 60 columns (and $COLUMNS): nothing wider. */
START_TEST(test_tour_fits_the_width)
{
	static const char *const widths[] = { "40", "60" };
	size_t k;

	for (k = 0; k < 3; k++) {
		struct run_result r;
		const char *line;
		size_t n, w = k < 2 ? (size_t)atoi(widths[k]) : 52;

		if (k < 2) {
			run_fdscope(&r, "demo", "--width", widths[k], NULL);
		} else {
			setenv("COLUMNS", "52", 1);
			run_fdscope(&r, "demo", "--from", "8", NULL);
			unsetenv("COLUMNS");
		}
		ck_assert_msg(r.status == 0, "%s", r.err);
		ck_assert(strstr(r.out, "== 11. ") != NULL);
		for (line = r.out; *line; line += n + (line[n] == '\n')) {
			size_t cols = 0, i;

			n = strcspn(line, "\n");
			for (i = 0; i < n; i++)
				cols += ((unsigned char)line[i] & 0xc0) != 0x80;
			ck_assert_msg(cols <= w, "wider than %zu: '%.*s'", w, (int)n,
				      line);
		}
		run_result_release(&r);
	}
}
END_TEST

/* No terminal: the tour runs through, saying so once, no prompt. */
START_TEST(test_step_without_terminal)
{
	char *bin = strdup(fdscope_bin());
	char *argv[] = { "/usr/bin/setsid", "-w", bin, "demo", "--step", "--from",
			 "10", NULL };
	struct run_result r;
	const char *p;

	if (access(argv[0], X_OK) != 0) {
		skip_part("no setsid(1)");
		return;
	}
	run_argv(&r, argv, 60);
	ck_assert_msg(r.status == 0, "%s", r.err);
	p = strstr(r.err, "no terminal");
	ck_assert_msg(p && !strstr(p + 1, "no terminal"), "said %s", r.err);
	ck_assert(strstr(r.out, "== 10. ") && strstr(r.out, "== 11. "));
	ck_assert(strstr(r.out, "-- ") == NULL);
	run_result_release(&r);
	free(bin);
}
END_TEST

static void add_event(char **names, int *sides, size_t *n, const char *side,
		      const char *syscall)
{
	names[*n] = strdup(syscall);
	sides[*n] = strcmp(side, "client") == 0;
	(*n)++;
}

static bool is_recv(const char *s)
{
	return strcmp(s, "recv") == 0 || strcmp(s, "recvfrom") == 0;
}

static bool is_send(const char *s)
{
	return strcmp(s, "send") == 0 || strcmp(s, "sendto") == 0;
}

/* Kernel order: every recv after a send of the other side (one each),
 * every accept after the other side's connect started. */
static void check_order(char **names, const int *sides, size_t n,
			const char *what)
{
	int sends[2] = { 0, 0 }, recvs[2] = { 0, 0 };
	int connects = 0, accepts = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		int s = sides[i];

		if (is_send(names[i]))
			sends[s]++;
		else if (is_recv(names[i]))
			ck_assert_msg(++recvs[s] <= sends[!s], "%s: recv %zu before "
				      "its send", what, i);
		else if (strcmp(names[i], "connect") == 0)
			connects++;
		else if (strcmp(names[i], "accept") == 0)
			ck_assert_msg(++accepts <= connects, "%s: accept before "
				      "connect", what);
		free(names[i]);
	}
	ck_assert_int_ge(recvs[0] + recvs[1], 2);
}

static const char *const protos[] = {
	"tcp", "tcp6", "udp", "udp6", "unix", "unix-dgram", "socketpair",
};

START_TEST(test_exchange_order_is_kernel_order)
{
	const char *proto = protos[_i];
	int round;

	/* 50 rounds, each in text and in JSON. */
	for (round = 0; round < 100; round++) {
		struct run_result r;
		char *names[128];
		int sides[128];
		size_t n = 0, i;
		bool json = round % 2;

		if (json)
			run_fdscope(&r, "exchange", "--proto", proto, "-J", NULL);
		else
			run_fdscope(&r, "exchange", "--proto", proto, "-q", NULL);
		ck_assert_msg(r.status == 0, "%s: %s", proto, r.err);
		if (json) {
			struct json *doc = json_parse(r.out);
			const struct json *steps = json_get(doc, "steps");
			double last = 0;

			ck_assert(doc && steps);
			for (i = 0; i < steps->n && n < 128; i++) {
				const struct json *st = json_at(steps, i);
				const char *side = json_str(st, "side");
				double t = json_get(st, "time_ns")->num;

				ck_assert_msg(t >= last, "%s: time goes back", proto);
				last = t;
				if (side)
					add_event(names, sides, &n, side,
						  json_str(st, "syscall"));
			}
			json_free(doc);
		} else {
			char *line, *save = NULL;

			for (line = strtok_r(r.out, "\n", &save); line && n < 128;
			     line = strtok_r(NULL, "\n", &save)) {
				char side[8], call[32];

				if (sscanf(line, "%7s %31[a-z_](", side, call) == 2 &&
				    line[7] != ' ' &&
				    (!strcmp(side, "server") || !strcmp(side, "client")))
					add_event(names, sides, &n, side, call);
			}
		}
		check_order(names, sides, n, proto);
		run_result_release(&r);
	}
}
END_TEST

/* The repr the tour shows is the one python3 prints for the same call. */
START_TEST(test_python_view_is_pythons)
{
	static const char *const kinds[][2] = {
		{ "AF_INET", "SOCK_STREAM" }, { "AF_INET", "SOCK_DGRAM" },
		{ "AF_UNIX", "SOCK_STREAM" },
	};
	struct run_result r;
	const char *p;
	size_t k;

	if (!have_program("python3")) {
		skip_part("python3 is not installed");
		return;
	}
	run_fdscope(&r, "demo", "--section", "4", "--width", "1000", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	p = r.out;
	for (k = 0; k < 3; k++) {
		char cmd[512], want[512], got[512], *q;
		int fd;
		FILE *f;

		p = strstr(p, "The installed python3 shows this socket as <");
		ck_assert_msg(p != NULL, "no Python view %zu", k);
		p = strchr(p, '<');
		ck_assert(sscanf(p, "%511[^>]>", got) == 1);
		/* Python's own socket, at its own number. */
		snprintf(cmd, sizeof(cmd), "python3 -I -c 'import socket; s = "
			 "socket.socket(socket.%s, socket.%s); print(repr(s))'",
			 kinds[k][0], kinds[k][1]);
		f = popen(cmd, "r");
		ck_assert(f && fgets(want, sizeof(want), f));
		pclose(f);
		want[strcspn(want, ">\n")] = '\0';
		/* Only the number differs: the tour's socket has the tour's. */
		ck_assert(sscanf(got, "<socket.socket fd=%d,", &fd) == 1);
		q = strchr(want, ',');
		ck_assert(q != NULL);
		snprintf(cmd, sizeof(cmd), "<socket.socket fd=%d%s", fd, q);
		ck_assert_str_eq(got, cmd);
		p++;
	}
	ck_assert(strstr(r.out, "family=AddressFamily.AF_INET") != NULL);
	run_result_release(&r);
}
END_TEST

/* A descriptor inherited from whoever ran fdscope is named once, in the
 * first sentence, and never left as a bare number in a map: in the tour
 * and in every teaching command on its own (exchange included). */
START_TEST(test_inherited_named_in_every_command)
{
	static const char *const cmds[][4] = {
		{ "alloc" }, { "recycle" }, { "exhaust" }, { "tables" },
		{ "open", "file:/dev/null" }, { "exchange" },
		{ "exchange", "--proto", "udp" }, { "demo", "--section", "1" },
	};
	size_t k;
	int fd = open("/dev/null", O_RDONLY);

	ck_assert(fd >= 0);
	/* Inherited: not close-on-exec. */
	ck_assert_int_eq(dup2(fd, 47), 47);
	close(fd);
	/* Wide enough that exchange's "also open" line is not cut before 47
	 * by what this runner inherited itself (make's jobserver, a CI
	 * shell's descriptors). */
	setenv("COLUMNS", "1000", 1);
	for (k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++) {
		char *argv[6] = { strdup(fdscope_bin()) }, *first, *p;
		struct run_result r;
		size_t i;

		for (i = 0; i < 4 && cmds[k][i]; i++)
			argv[i + 1] = (char *)(uintptr_t)cmds[k][i];
		run_argv(&r, argv, 30);
		ck_assert_msg(r.status == 0, "%s: %s", cmds[k][0], r.err);
		first = strstr(r.out, " open when fdscope started, inherited");
		ck_assert_msg(first != NULL, "%s does not name what it inherited",
			      cmds[k][0]);
		*first = '\0';
		ck_assert_msg(strstr(r.out, "47") != NULL, "%s: 47 not named: %s",
			      cmds[k][0], r.out);
		for (p = first + 1; (p = strstr(p, "table: ")) != NULL; p++) {
			size_t n = strcspn(p, "\n");

			for (i = 7; i + 2 <= n; i++)
				ck_assert_msg(!(p[i] == '4' && p[i + 1] == '7' &&
						p[i - 1] == ' ' &&
						(p[i + 2] == ' ' || p[i + 2] == '\n')),
					      "%s: 47 bare in '%.*s'", cmds[k][0],
					      (int)n, p);
		}
		if (strcmp(cmds[k][0], "exchange") == 0)
			ck_assert_msg(strstr(first + 1, "47 (inherited)") != NULL,
				      "exchange's table does not say 47 is "
				      "inherited");
		free(argv[0]);
		run_result_release(&r);
	}
	unsetenv("COLUMNS");
	close(47);
}
END_TEST

/* The figure is of the moment it is drawn: after fcntl(N, F_SETFD,
 * FD_CLOEXEC), N is drawn with FD_CLOEXEC, before it without; --dot
 * (drawn after it) has it too, and says when it was drawn. */
START_TEST(test_figure_shows_cloexec_when_drawn)
{
	struct run_result r;
	const char *set, *before, *after;
	char row[64], label[96];
	int n = -1;

	run_fdscope(&r, "tables", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	set = strstr(r.out, ", F_SETFD, FD_CLOEXEC) = 0");
	ck_assert(set != NULL);
	before = set;
	while (before > r.out && before[-1] != '(')
		before--;
	ck_assert(sscanf(before, "%d", &n) == 1 && n > 2);
	/* The figure drawn just before the fcntl: n without the flag. */
	snprintf(row, sizeof(row), "\n  fd %-3d %-10s --> ", n, "");
	before = NULL;
	for (after = r.out; (after = strstr(after, row)) != NULL && after < set;
	     after++)
		before = after;
	ck_assert_msg(before != NULL, "fd %d not drawn before the fcntl", n);
	snprintf(row, sizeof(row), "\n  fd %-3d FD_CLOEXEC --> ", n);
	after = strstr(set, row);
	ck_assert_msg(after != NULL, "fd %d drawn without FD_CLOEXEC after "
		      "the fcntl:\n%s", n, set);
	run_result_release(&r);
	run_fdscope(&r, "tables", "--dot", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	snprintf(label, sizeof(label), "fd%d [label=\"fd %d\\nFD_CLOEXEC\"", n, n);
	ck_assert_msg(strstr(r.out, label) != NULL, "no %s in\n%s", label, r.out);
	snprintf(label, sizeof(label), "after fcntl(%d, F_SETFD, FD_CLOEXEC)", n);
	ck_assert(strstr(r.out, label) != NULL);
	run_result_release(&r);
}
END_TEST

/* tables --dot renders without a warning; --svg writes the picture. */
START_TEST(test_figure_renders_in_graphviz)
{
	char path[128], cmd[512];
	struct run_result r;
	FILE *f;
	char buf[256];
	size_t got;
	const char *p;
	int arrows = 0, descs = 0;

	if (!have_program("dot")) {
		skip_part("Graphviz is not installed");
		return;
	}
	dirs_make();
	setenv("TMPDIR", tour_tmp, 1);
	run_fdscope(&r, "tables", "--dot", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	snprintf(path, sizeof(path), "%s/g.dot", work);
	f = fopen(path, "w");
	ck_assert(f && fputs(r.out, f) >= 0);
	fclose(f);
	/* One arrow per descriptor, one per description. */
	for (p = r.out; (p = strstr(p, "\tfd")) != NULL; p++)
		arrows += strncmp(strchr(p, ' ') ? strchr(p, ' ') : p, " -> d", 5) == 0;
	for (p = r.out; (p = strstr(p, "\t\td")) != NULL; p++)
		descs++;
	ck_assert_int_ge(arrows, 6);
	ck_assert(strstr(r.out, "FD_CLOEXEC") && strstr(r.out, "cluster_child") &&
		  strstr(r.out, "/shared\"") && strstr(r.out, "fd0 ->"));
	for (p = r.out; (p = strstr(p, "\td")) != NULL; p++)
		if (p[-1] == '\n' && strstr(p, " -> i") == strchr(p, ' '))
			descs--;
	ck_assert_int_eq(descs, 0);
	snprintf(cmd, sizeof(cmd), "dot -Tsvg %s -o %s/g.svg 2> %s/warn", path,
		 work, work);
	ck_assert(system(cmd) == 0);
	snprintf(path, sizeof(path), "%s/warn", work);
	f = fopen(path, "r");
	ck_assert(f != NULL);
	got = fread(buf, 1, sizeof(buf) - 1, f);
	buf[got] = '\0';
	fclose(f);
	ck_assert_msg(got == 0, "dot said: %s", buf);
	run_result_release(&r);
	snprintf(path, sizeof(path), "%s/t.svg", work);
	run_fdscope(&r, "tables", "--svg", path, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	f = fopen(path, "r");
	ck_assert(f != NULL);
	got = fread(buf, 1, sizeof(buf) - 1, f);
	buf[got] = '\0';
	fclose(f);
	ck_assert(strstr(buf, "<svg") || strstr(buf, "<?xml"));
	run_result_release(&r);
	unsetenv("TMPDIR");
	dirs_remove();
}
END_TEST

/* tables: the child's read comes after the fork that made the child, in
 * text through a pipe as in JSON. */
START_TEST(test_tables_child_after_fork)
{
	struct run_result r;
	struct json *doc;
	const struct json *steps;
	const char *fork_at, *child_at;
	size_t i, fork_i = 0, child_i = 0;

	run_fdscope(&r, "tables", "-q", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	fork_at = strstr(r.out, "\nfork() = ");
	child_at = strstr(r.out, "\nchild  read(");
	ck_assert(fork_at && child_at && fork_at < child_at);
	run_result_release(&r);
	run_fdscope(&r, "tables", "-J", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	doc = json_parse(r.out);
	steps = json_get(doc, "steps");
	ck_assert(steps != NULL);
	for (i = 0; i < steps->n; i++) {
		const struct json *st = json_at(steps, i);
		const char *side = json_str(st, "side");

		if (fork_i == 0 && strcmp(json_str(st, "syscall"), "fork") == 0)
			fork_i = i;
		if (child_i == 0 && side && strcmp(side, "child") == 0)
			child_i = i;
	}
	ck_assert(fork_i > 0 && child_i > fork_i);
	json_free(doc);
	run_result_release(&r);
}
END_TEST

/* -J marks each step with its section; --list-sections lists them. */
START_TEST(test_json_marks_sections)
{
	struct run_result r;
	struct json *doc;
	const struct json *steps;
	size_t i;

	run_fdscope(&r, "demo", "-J", "--section", "4", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	doc = json_parse(r.out);
	steps = json_get(doc, "steps");
	ck_assert(steps && steps->n >= 6);
	for (i = 0; i < steps->n; i++) {
		const char *sec = json_str(json_at(steps, i), "section");

		ck_assert(sec && strncmp(sec, "4. socket()", 11) == 0);
	}
	json_free(doc);
	run_result_release(&r);
	run_fdscope(&r, "demo", "--list-sections", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert(strstr(r.out, " 1  descriptor") && strstr(r.out, "11  bonus"));
	run_result_release(&r);
	run_fdscope(&r, "demo", "--section", "12", NULL);
	ck_assert_int_eq(r.status, 2);
	run_result_release(&r);
	run_fdscope(&r, "demo", "--step=sideways", NULL);
	ck_assert_int_eq(r.status, 2);
	run_result_release(&r);
}
END_TEST

Suite *tour_suite(void)
{
	Suite *s = suite_create("tour");
	TCase *tc = tcase_create("tour");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_step_on_a_terminal, 0, 2);
	tcase_add_test(tc, test_step_after_each_call);
	tcase_add_test(tc, test_step_prompt_never_on_stdout);
	tcase_add_test(tc, test_step_by_page);
	tcase_add_test(tc, test_every_screen_fits_24_rows);
	tcase_add_test(tc, test_closed_terminal_removes_directory);
	tcase_add_test(tc, test_step_without_terminal);
	tcase_add_test(tc, test_tour_fits_the_width);
	tcase_add_loop_test(tc, test_exchange_order_is_kernel_order, 0,
			    (int)(sizeof(protos) / sizeof(protos[0])));
	tcase_add_test(tc, test_python_view_is_pythons);
	tcase_add_test(tc, test_figure_renders_in_graphviz);
	tcase_add_test(tc, test_figure_shows_cloexec_when_drawn);
	tcase_add_test(tc, test_inherited_named_in_every_command);
	tcase_add_test(tc, test_json_marks_sections);
	tcase_add_test(tc, test_tables_child_after_fork);
	suite_add_tcase(s, tc);
	return s;
}
