/* The one escaper (out/escape.c) and the bytes fdscope writes with it:
 * C1, bidi and zero-width controls never reach a terminal raw, in the C
 * and UTF-8 locales, in tables, raw output, JSON and the demos' narration
 * of the temporary directory; JSON and raw escape once. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "out/escape.h"
#include "out/jsonw.h"
#include "testutil.h"

/* U+009B (CSI as UTF-8), U+202E (right-to-left override), U+200B, U+FEFF,
 * U+2066 and U+200F: each hides or changes what follows on a terminal. */
#define CSI8 "\xc2\x9b"
#define RLO "\xe2\x80\xae"
#define ZWSP "\xe2\x80\x8b"
#define BOM "\xef\xbb\xbf"
#define LRI "\xe2\x81\xa6"
#define RLM "\xe2\x80\x8f"
#define CJK "\xe4\xb8\xad"	/* U+4E2D, printable */

static void use_locale(const char *name)
{
	ck_assert_msg(setlocale(LC_ALL, name) != NULL, "no locale %s", name);
}

static void assert_text(const char *in, size_t len, const char *want)
{
	char *s = escape_bytes(in, len), back[256];
	size_t n;

	ck_assert_msg(strcmp(s, want) == 0, "escape: got '%s', want '%s'", s,
		      want);
	/* The text form reads back to the exact bytes. */
	n = escape_decode(back, sizeof(back), s);
	ck_assert_uint_eq(n, len);
	ck_assert(memcmp(back, in, len) == 0);
	free(s);
}

START_TEST(test_escape_utf8_locale_hides_nothing)
{
	use_locale("C.UTF-8");
	assert_text("a" CSI8 "b", 4, "a\\u{009b}b");
	assert_text(RLO "gpj.exe", 10, "\\u{202e}gpj.exe");
	assert_text(ZWSP BOM LRI RLM, 12,
		    "\\u{200b}\\u{feff}\\u{2066}\\u{200f}");
	assert_text("\xe2\x80\x8e\xe2\x81\xa0\xe2\x80\x8d", 9,
		    "\\u{200e}\\u{2060}\\u{200d}");
	assert_text(CJK "caf\xc3\xa9", 8, CJK "caf\xc3\xa9");
	assert_text("e\x1b[2J\x07\n\x7f", 8, "e\\x1b[2J\\x07\\x0a\\x7f");
	assert_text("back\\slash", 10, "back\\\\slash");
	assert_text("bad\xff\xc0\xaf\xed\xa0\x80", 9,
		    "bad\\xff\\xc0\\xaf\\xed\\xa0\\x80");
	/* A backslash-x the name itself holds stays apart from an escape. */
	assert_text("\\x41", 4, "\\\\x41");
	assert_text("nul\0x", 5, "nul\\x00x");
}
END_TEST

START_TEST(test_escape_c_locale_every_high_byte)
{
	use_locale("C");
	assert_text("a\x9b" "b", 3, "a\\x9bb");
	assert_text(CSI8, 2, "\\xc2\\x9b");
	assert_text(CJK, 3, "\\xe4\\xb8\\xad");
	assert_text(RLO, 3, "\\xe2\\x80\\xae");
	assert_text("plain text", 10, "plain text");
}
END_TEST

START_TEST(test_escape_decode_round_trip)
{
	static const char *const locales[] = { "C", "C.UTF-8" };
	unsigned int seed = 14;
	size_t l, k, i;

	for (l = 0; l < 2; l++) {
		use_locale(locales[l]);
		for (k = 0; k < 2000; k++) {
			char in[24], back[24], *s;
			size_t len = (size_t)rand_r(&seed) % sizeof(in), n;

			for (i = 0; i < len; i++) {
				int r = rand_r(&seed) % 4;

				/* Mostly pieces of UTF-8 and backslashes. */
				in[i] = (char)(r == 0 ? '\\' : r == 1 ? 0xe2 :
					       r == 2 ? 0x80 + rand_r(&seed) % 64 :
					       rand_r(&seed) % 256);
			}
			s = escape_bytes(in, len);
			n = escape_decode(back, sizeof(back), s);
			ck_assert_msg(n == len && memcmp(in, back, len) == 0,
				      "%s: '%s' does not read back", locales[l], s);
			for (i = 0; s[i]; i++)
				ck_assert_msg((unsigned char)s[i] >= 0x20 &&
					      (unsigned char)s[i] != 0x7f &&
					      (l == 1 || (unsigned char)s[i] < 0x80),
					      "%s: raw byte 0x%02x in '%s'",
					      locales[l], (unsigned char)s[i], s);
			free(s);
		}
	}
}
END_TEST

START_TEST(test_escape_into_truncates_at_whole_character)
{
	char buf[6];
	size_t n;

	use_locale("C.UTF-8");
	n = escape_into(buf, sizeof(buf), "ab\ncd", 5);
	/* "ab" fits, "\x0a" (4 bytes) would not: nothing half-written. */
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(buf, "ab");
	n = escape_into(buf, sizeof(buf), "a" RLO, 4);
	ck_assert_uint_eq(n, 1);
}
END_TEST

START_TEST(test_escape_raw_form)
{
	char out[128];

	use_locale("C.UTF-8");
	escape_raw_into(out, sizeof(out), "a b\tc\\" CSI8 RLO CJK "\xff", 15);
	ck_assert_str_eq(out, "a\\x20b\\x09c\\x5c\\xc2\\x9b\\xe2\\x80\\xae" CJK
			 "\\xff");
	use_locale("C");
	escape_raw_into(out, sizeof(out), CJK, 3);
	ck_assert_str_eq(out, "\\xe4\\xb8\\xad");
}
END_TEST

static void assert_json(const char *in, size_t len, const char *want)
{
	char out[256];

	escape_json_into(out, sizeof(out), in, len);
	ck_assert_msg(strcmp(out, want) == 0, "JSON: got %s, want %s", out,
		      want);
}

START_TEST(test_escape_json_literal)
{
	use_locale("C.UTF-8");
	assert_json("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
	assert_json("\n\x1b\x7f", 3, "\"\\u000a\\u001b\\u007f\"");
	assert_json(CSI8 RLO ZWSP BOM, 11,
		    "\"\\u009b\\u202e\\u200b\\ufeff\"");
	assert_json("\xe2\x80\xa8", 3, "\"\\u2028\"");
	assert_json(CJK, 3, "\"" CJK "\"");
	/* The documented rule for invalid UTF-8: U+FFFD per byte. */
	assert_json("x\xff\xc0\xaf", 4, "\"x\\ufffd\\ufffd\\ufffd\"");
	assert_json("nul\0", 4, "\"nul\\u0000\"");
	/* Off UTF-8, every non-ASCII character is spelled out. */
	use_locale("C");
	assert_json(CJK "\xf0\x9f\x98\x80", 7, "\"\\u4e2d\\ud83d\\ude00\"");
}
END_TEST

/* ---- the bytes fdscope writes ---------------------------------------- */

/* No byte of out could drive a terminal: nothing below 0x20 but newlines,
 * no DEL, no C1 control, no bidi or zero-width character; in the C locale
 * nothing above 0x7f at all. */
static void assert_inert(const char *what, const char *out, size_t len,
			 bool c_locale)
{
	static const char *const hidden[] = { CSI8, RLO, ZWSP, BOM, LRI, RLM };
	size_t i, k;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)out[i];

		ck_assert_msg((c >= 0x20 || c == '\n') && c != 0x7f &&
			      !(c_locale && c >= 0x80), "%s: byte 0x%02x at "
			      "offset %zu: %.200s", what, c, i, out);
	}
	for (k = 0; k < sizeof(hidden) / sizeof(hidden[0]); k++)
		ck_assert_msg(memmem(out, len, hidden[k], strlen(hidden[k])) == NULL,
			      "%s: a hidden character is written raw: %.200s",
			      what, out);
}

/* In a holder child: only the pipe's read end kept, moved to 100 or
 * above, so that whatever this runner inherited takes no number the
 * child then places a file at. */
static int child_keep_only(int rd)
{
	if ((rd = fcntl(rd, F_DUPFD, 100)) < 0 || close_range(3, 99, 0) < 0)
		_exit(1);
	return rd;
}

/* A child named COMM holding DIR/NAME open on fd 5 until its stdin ends. */
static pid_t start_holder(const char *comm, const char *path, int *ctl)
{
	int p[2];
	pid_t pid;

	ck_assert(pipe(p) == 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		char c;
		int fd;

		p[0] = child_keep_only(p[0]);
		fd = open(path, O_RDONLY);
		if (fd < 0 || dup2(fd, 5) < 0)
			_exit(1);
		prctl(PR_SET_NAME, comm);
		while (read(p[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(p[0]);
	*ctl = p[1];
	return pid;
}

/* Ends a holder (its stdin closed) and removes its file and directory. */
static void holder_end(int ctl, pid_t child, const char *path, const char *dir)
{
	int st;

	close(ctl);
	ck_assert(waitpid(child, &st, 0) == child);
	ck_assert(unlink(path) == 0);
	ck_assert(rmdir(dir) == 0);
}

#define NAME_BYTES "n" CSI8 RLO "x" ZWSP CJK "\\" "\x1b" "\xff" " q"
#define COMM_BYTES "c" CSI8 RLO "m"

START_TEST(test_list_name_and_command_bytes)
{
	char dir[] = "/tmp/fdscope-escape-XXXXXX", path[256], pid[32];
	struct run_result r;
	struct json *doc;
	const struct json *row;
	int ctl, fd;
	pid_t child;

	ck_assert(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/%s", dir, NAME_BYTES);
	fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
	ck_assert(fd >= 0);
	close(fd);
	child = start_holder(COMM_BYTES, path, &ctl);
	usleep(100 * 1000);
	snprintf(pid, sizeof(pid), "%ld", (long)child);

	/* UTF-8 table: C1, bidi and zero width as \u{...}, CJK as it is. */
	setenv("LC_ALL", "C.UTF-8", 1);
	run_fdscope(&r, "list", "-p", pid, "-n", "-o", "COMMAND,NAME", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	assert_inert("table (C.UTF-8)", r.out, r.out_len, false);
	ck_assert_msg(strstr(r.out, "c\\u{009b}\\u{202e}m ") != NULL, "COMMAND: %s err %s",
		      r.out, r.err);
	ck_assert_msg(strstr(r.out, "/n\\u{009b}\\u{202e}x\\u{200b}" CJK
			     "\\\\\\x1b\\xff q\n") != NULL, "NAME: %s", r.out);
	run_result_release(&r);

	/* C locale: every byte above 0x7f escaped, 0x9b included. */
	setenv("LC_ALL", "C", 1);
	run_fdscope(&r, "list", "-p", pid, "-n", "-o", "COMMAND,NAME", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	assert_inert("table (C)", r.out, r.out_len, true);
	ck_assert(strstr(r.out, "c\\xc2\\x9b\\xe2\\x80\\xaem ") != NULL);
	ck_assert(strstr(r.out, "/n\\xc2\\x9b\\xe2\\x80\\xaex\\xe2\\x80\\x8b"
			 "\\xe4\\xb8\\xad\\\\\\x1b\\xff q\n") != NULL);
	run_result_release(&r);

	/* Raw: escaped once (no "\x5cx"), every escape a byte, blanks and
	 * the backslash as libsmartcols writes them, printable CJK as it is. */
	setenv("LC_ALL", "C.UTF-8", 1);
	run_fdscope(&r, "list", "-p", pid, "-r", "-n", "-o", "COMMAND,NAME", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	assert_inert("raw", r.out, r.out_len, false);
	ck_assert_msg(strstr(r.out, "c\\xc2\\x9b\\xe2\\x80\\xaem ") != NULL, "%s",
		      r.out);
	ck_assert_msg(strstr(r.out, "/n\\xc2\\x9b\\xe2\\x80\\xaex\\xe2\\x80\\x8b"
			     CJK "\\x5c\\x1b\\xff\\x20q\n") != NULL, "%s", r.out);
	ck_assert(strstr(r.out, "\\x5cx") == NULL);
	run_result_release(&r);
	setenv("LC_ALL", "C", 1);
	run_fdscope(&r, "list", "-p", pid, "-r", "-n", "-o", "NAME", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	assert_inert("raw (C)", r.out, r.out_len, true);
	ck_assert(strstr(r.out, "\\xe2\\x80\\x8b\\xe4\\xb8\\xad\\x5c") != NULL);
	run_result_release(&r);
	setenv("LC_ALL", "C.UTF-8", 1);

	/* JSON: the exact string, hidden characters as \uHHHH. */
	run_fdscope(&r, "list", "-p", pid, "-J", "-o", "FD,COMMAND,NAME", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	assert_inert("JSON", r.out, r.out_len, false);
	ck_assert_msg(strstr(r.out, "\"c\\u009b\\u202em\"") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "/n\\u009b\\u202ex\\u200b" CJK
			     "\\\\\\u001b\\ufffd q\"") != NULL, "%s", r.out);
	doc = json_parse(r.out);
	ck_assert(doc != NULL);
	row = json_find_fd(doc, 5);
	ck_assert(row != NULL);
	ck_assert_str_eq(json_str(row, "command"), COMM_BYTES);
	/* Exact where valid UTF-8: all but the 0xff, which became U+FFFD. */
	ck_assert(strncmp(json_str(row, "name"), path, strlen(path) - 3) == 0);
	json_free(doc);
	run_result_release(&r);

	/* C-locale JSON spells every non-ASCII character out. */
	setenv("LC_ALL", "C", 1);
	run_fdscope(&r, "list", "-p", pid, "-J", "-o", "FD,NAME", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	assert_inert("JSON (C)", r.out, r.out_len, true);
	ck_assert(strstr(r.out, "\\u200b\\u4e2d\\\\") != NULL);
	run_result_release(&r);

	holder_end(ctl, child, path, dir);
}
END_TEST

/* ENDPOINTS names the other end's holders by PID, COMMAND and FD: with a
 * hostile command on both ends of a unix socket whose path holds ESC and
 * U+202E, the table escapes each element and JSON gives the exact string,
 * escaped for JSON only (\u001b, \u202e, not the table's \x1b). */
#define EP_COMM "e\x1b[31m" RLO "z"
#define EP_SOCK "s\x1b]0;" RLO

static pid_t start_pair_holder(const char *path, int *ctl)
{
	int p[2], ready[2];
	char c = 0;
	pid_t pid;

	ck_assert(pipe(p) == 0 && pipe(ready) == 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		int l = socket(AF_UNIX, SOCK_STREAM, 0);
		int cl = socket(AF_UNIX, SOCK_STREAM, 0), acc;

		close(p[1]);
		close(ready[0]);
		if (strlen(path) >= sizeof(a.sun_path))
			_exit(1);
		memcpy(a.sun_path, path, strlen(path) + 1);
		if (l < 0 || cl < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 ||
		    listen(l, 1) < 0 ||
		    connect(cl, (struct sockaddr *)&a, sizeof(a)) < 0)
			_exit(1);
		acc = accept(l, NULL, NULL);
		if (acc < 0 || dup2(l, 20) < 0 || dup2(cl, 21) < 0 ||
		    dup2(acc, 22) < 0)
			_exit(1);
		/* One descriptor each: ENDPOINTS lists every holder. */
		close(l);
		close(cl);
		close(acc);
		prctl(PR_SET_NAME, EP_COMM);
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		while (read(p[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(p[0]);
	close(ready[1]);
	ck_assert_msg(read(ready[0], &c, 1) == 1, "the socket holder failed");
	close(ready[0]);
	*ctl = p[1];
	return pid;
}

START_TEST(test_endpoints_hostile_names_text_and_json)
{
	char dir[] = "/tmp/fdscope-escape-XXXXXX", path[256], pid[32], want[128];
	struct run_result r;
	struct json *doc;
	const struct json *row, *ep;
	int ctl;
	pid_t child;

	ck_assert(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/%s", dir, EP_SOCK);
	child = start_pair_holder(path, &ctl);
	snprintf(pid, sizeof(pid), "%ld", (long)child);

	setenv("LC_ALL", "C.UTF-8", 1);
	run_fdscope(&r, "list", "-p", pid, "-n", "-o", "FD,ENDPOINTS,NAME", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	assert_inert("ENDPOINTS table", r.out, r.out_len, false);
	snprintf(want, sizeof(want), " %s,e\\x1b[31m\\u{202e}z,22u ", pid);
	ck_assert_msg(strstr(r.out, want) != NULL, "no '%s' in: %s", want, r.out);
	ck_assert_msg(strstr(r.out, "/s\\x1b]0;\\u{202e}") != NULL, "NAME: %s",
		      r.out);
	run_result_release(&r);

	run_fdscope(&r, "list", "-p", pid, "-J", "-o", "FD,ENDPOINTS,NAME", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	assert_inert("ENDPOINTS JSON", r.out, r.out_len, false);
	snprintf(want, sizeof(want), "\"%s,e\\u001b[31m\\u202ez,22u\"", pid);
	ck_assert_msg(strstr(r.out, want) != NULL, "no '%s' in: %s", want, r.out);
	ck_assert_msg(strstr(r.out, "\\\\x1b") == NULL &&
		      strstr(r.out, "\\\\u{") == NULL, "text escaping in JSON: %s",
		      r.out);
	doc = json_parse(r.out);
	ck_assert(doc != NULL);
	row = json_find_fd(doc, 21);
	ck_assert(row != NULL);
	ep = json_get(row, "endpoints");
	ck_assert(ep != NULL && ep->kind == JSON_ARRAY && ep->n == 1);
	snprintf(want, sizeof(want), "%s,%s,22u", pid, EP_COMM);
	ck_assert_str_eq(json_at(ep, 0)->str, want);
	ck_assert(strstr(json_str(row, "name"), path) != NULL);
	json_free(doc);
	run_result_release(&r);

	/* C locale: every non-ASCII byte as \xHH in the table, and JSON
	 * spells U+202E out. */
	setenv("LC_ALL", "C", 1);
	run_fdscope(&r, "list", "-p", pid, "-o", "FD,ENDPOINTS", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	assert_inert("ENDPOINTS table (C)", r.out, r.out_len, true);
	ck_assert(strstr(r.out, "e\\x1b[31m\\xe2\\x80\\xaez,22u") != NULL);
	run_result_release(&r);
	run_fdscope(&r, "list", "-p", pid, "-J", "-o", "FD,ENDPOINTS", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	assert_inert("ENDPOINTS JSON (C)", r.out, r.out_len, true);
	ck_assert(strstr(r.out, "e\\u001b[31m\\u202ez,22u\"") != NULL);
	run_result_release(&r);
	setenv("LC_ALL", "C.UTF-8", 1);

	holder_end(ctl, child, path, dir);
}
END_TEST

/* The hand-written JSON (exec -J, watch -J) by the same rule as the
 * table's: exact bytes, JSON escaping once, from raw or text-form input. */
START_TEST(test_jsonw_one_rule)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	use_locale("C.UTF-8");
	f = open_memstream(&buf, &len);
	ck_assert(f != NULL);
	jsonw_str(f, "a\x1b[2J" RLO "b" CSI8 ZWSP "\"\\" CJK);
	putc(' ', f);
	jsonw_escaped(f, "a\\x1b[2J\\u{202e}b\\u{009b}\\u{200b}\"\\\\" CJK);
	putc(' ', f);
	jsonw_kv_escaped(f, 1, "k", NULL);
	ck_assert(fclose(f) == 0);
	ck_assert_str_eq(buf, "\"a\\u001b[2J\\u202eb\\u009b\\u200b\\\"\\\\" CJK
			 "\" \"a\\u001b[2J\\u202eb\\u009b\\u200b\\\"\\\\" CJK
			 "\" \"k\":null");
	free(buf);
}
END_TEST

/* exec -J names a descriptor by its exact path, JSON-escaped. */
START_TEST(test_exec_json_name_exact)
{
	char dir[] = "/tmp/fdscope-escape-XXXXXX", path[256];
	struct run_result r;
	int fd;

	ck_assert(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/f\x1b]0;" RLO "x", dir);
	fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
	ck_assert(fd >= 0);
	close(fd);
	setenv("LC_ALL", "C.UTF-8", 1);
	run_fdscope(&r, "exec", "-J", "--", "sh", "-c",
		    "exec 7< \"$1\"; exec true", "sh", path, NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	assert_inert("exec -J", r.err, r.err_len, false);
	ck_assert_msg(strstr(r.err, "/f\\u001b]0;\\u202ex\"") != NULL, "%s", r.err);
	ck_assert_msg(strstr(r.err, "\\\\x1b") == NULL, "%s", r.err);
	run_result_release(&r);
	ck_assert(unlink(path) == 0);
	ck_assert(rmdir(dir) == 0);
}
END_TEST

/* watch (text and JSON Lines) and metrics name a process by its command
 * and a descriptor by its path: both hostile here, the path opened while
 * watch samples so that its '+' line names it. */
#define W_COMM "w" CSI8 RLO "\x1b]0;"
#define W_NAME "f\x1b[2J" RLO CSI8 "\x07"

static pid_t start_late_opener(const char *path, int *ctl)
{
	int p[2];
	pid_t pid;

	ck_assert(pipe(p) == 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		char c;
		int fd;

		/* 9 is free when watch first samples. */
		p[0] = child_keep_only(p[0]);
		prctl(PR_SET_NAME, W_COMM);
		usleep(400 * 1000);
		fd = open(path, O_RDONLY);
		if (fd < 0 || dup2(fd, 9) < 0)
			_exit(1);
		while (read(p[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(p[0]);
	*ctl = p[1];
	return pid;
}

START_TEST(test_watch_and_metrics_hostile_command_and_path)
{
	char dir[] = "/tmp/fdscope-escape-XXXXXX", path[256], pid[32];
	struct run_result r;
	int ctl, fd, st;
	pid_t child;

	ck_assert(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/%s", dir, W_NAME);
	fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
	ck_assert(fd >= 0);
	close(fd);
	setenv("LC_ALL", "C.UTF-8", 1);

	child = start_late_opener(path, &ctl);
	snprintf(pid, sizeof(pid), "%ld", (long)child);
	run_fdscope(&r, "watch", "-p", pid, "--interval", "0.1", "--count", "12",
		    NULL);
	ck_assert_msg(r.status == 0, "watch: status %d: %s", r.status, r.err);
	assert_inert("watch", r.out, r.out_len, false);
	ck_assert_msg(strstr(r.out, " w\\u{009b}\\u{202e}\\x1b]0;: ") != NULL,
		      "watch: command: %s", r.out);
	ck_assert_msg(strstr(r.out, "+ 9 REG ") != NULL &&
		      strstr(r.out, "/f\\x1b[2J\\u{202e}\\u{009b}\\x07\n") != NULL,
		      "watch: path: %s", r.out);
	run_result_release(&r);

	run_fdscope(&r, "metrics", "-p", pid, NULL);
	ck_assert_msg(r.status == 0, "metrics: status %d: %s", r.status, r.err);
	assert_inert("metrics", r.out, r.out_len, false);
	/* The text form, then the format's doubling of the backslash. */
	ck_assert_msg(strstr(r.out, "comm=\"w\\\\u{009b}\\\\u{202e}"
			     "\\\\x1b]0;\"") != NULL, "metrics: %s", r.out);
	run_result_release(&r);
	close(ctl);
	ck_assert(waitpid(child, &st, 0) == child);

	/* JSON Lines: the exact strings, JSON-escaped. */
	child = start_late_opener(path, &ctl);
	snprintf(pid, sizeof(pid), "%ld", (long)child);
	run_fdscope(&r, "watch", "-p", pid, "--interval", "0.1", "--count", "12",
		    "-J", NULL);
	ck_assert_msg(r.status == 0, "watch -J: status %d: %s", r.status, r.err);
	assert_inert("watch -J", r.out, r.out_len, false);
	ck_assert_msg(strstr(r.out, "\"command\":\"w\\u009b\\u202e\\u001b]0;\"")
		      != NULL, "watch -J: command: %s", r.out);
	ck_assert_msg(strstr(r.out, "/f\\u001b[2J\\u202e\\u009b\\u0007\"")
		      != NULL, "watch -J: path: %s", r.out);
	ck_assert(strstr(r.out, "\\\\x1b") == NULL);
	run_result_release(&r);
	holder_end(ctl, child, path, dir);
}
END_TEST

/* Every demo narrates paths under TMPDIR: a hostile TMPDIR is escaped. */
START_TEST(test_tmpdir_escaped_in_every_demo)
{
	static const char *const demos[][3] = {
		{ "open", "file", "fifo" }, { "open", "dir", NULL },
		{ "alloc", NULL, NULL }, { "recycle", NULL, NULL },
		{ "tables", NULL, NULL }, { "demo", NULL, NULL },
		{ "exchange", "-P", "unix" },
	};
	char base[] = "/tmp/fdscope-escape-XXXXXX", dir[256];
	static const char *const locales[] = { "C.UTF-8", "C" };
	size_t i, l;

	ck_assert(mkdtemp(base) != NULL);
	snprintf(dir, sizeof(dir), "%s/t\x1b]0;x\x07\"\n" CSI8 RLO "d", base);
	ck_assert(mkdir(dir, 0700) == 0);
	setenv("TMPDIR", dir, 1);
	for (l = 0; l < 2; l++) {
		setenv("LC_ALL", locales[l], 1);
		for (i = 0; i < sizeof(demos) / sizeof(demos[0]); i++) {
			struct run_result r;
			char what[64];

			run_fdscope(&r, demos[i][0], demos[i][1], demos[i][2], NULL);
			snprintf(what, sizeof(what), "%s %s (%s)", demos[i][0],
				 demos[i][1] ? demos[i][1] : "", locales[l]);
			ck_assert_msg(r.status == 0, "%s: status %d: %s", what,
				      r.status, r.err);
			assert_inert(what, r.out, r.out_len, l == 1);
			assert_inert(what, r.err, r.err_len, l == 1);
			/* A C string in the demos, the escaper's text form in
			 * exchange: either way the same characters escaped. */
			ck_assert_msg(strstr(r.out, "/t\\x1b]0;x\\x07") != NULL &&
				      strstr(r.out, l == 0 ? "\\u{009b}\\u{202e}" :
					     "\\xc2\\x9b\\xe2\\x80") != NULL,
				      "%s: TMPDIR not shown escaped: %.300s",
				      what, r.out);
			run_result_release(&r);
		}
	}
	ck_assert(rmdir(dir) == 0);
	ck_assert(rmdir(base) == 0);
}
END_TEST

/* What exchange -m sends and receives is narrated escaped. */
START_TEST(test_exchange_message_escaped)
{
	static const char *const protos[] = { "tcp", "udp", "unix" };
	size_t i;

	setenv("LC_ALL", "C", 1);
	for (i = 0; i < 3; i++) {
		struct run_result r;

		run_fdscope(&r, "exchange", "--proto", protos[i], "-m",
			    "hi" CSI8 "\x9b" RLO "\x1b", NULL);
		ck_assert_msg(r.status == 0, "%s: status %d: %s", protos[i],
			      r.status, r.err);
		assert_inert("exchange -m", r.out, r.out_len, true);
		ck_assert_msg(strstr(r.out, "hi\\xc2\\x9b\\x9b\\xe2\\x80\\xae\\x1b")
			      != NULL, "%s: %s", protos[i], r.out);
		run_result_release(&r);
	}
}
END_TEST

Suite *escape_suite(void)
{
	Suite *s = suite_create("escape");
	TCase *tc = tcase_create("rule");

	tcase_add_test(tc, test_escape_utf8_locale_hides_nothing);
	tcase_add_test(tc, test_escape_c_locale_every_high_byte);
	tcase_add_test(tc, test_escape_decode_round_trip);
	tcase_add_test(tc, test_escape_into_truncates_at_whole_character);
	tcase_add_test(tc, test_escape_json_literal);
	tcase_add_test(tc, test_escape_raw_form);
	tcase_add_test(tc, test_jsonw_one_rule);
	suite_add_tcase(s, tc);
	tc = tcase_create("written");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_list_name_and_command_bytes);
	tcase_add_test(tc, test_endpoints_hostile_names_text_and_json);
	tcase_add_test(tc, test_exec_json_name_exact);
	tcase_add_test(tc, test_watch_and_metrics_hostile_command_and_path);
	tcase_add_test(tc, test_tmpdir_escaped_in_every_demo);
	tcase_add_test(tc, test_exchange_message_escaped);
	suite_add_tcase(s, tc);
	return s;
}
