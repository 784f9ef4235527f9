/* Integration tests for `fdscope list`: a helper holds known descriptors,
 * the built binary lists it as a user would, and every value is checked
 * against what the kernel says through stat and fdinfo. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cliexit.h"
#include "proc/fdlist.h"
#include "proc/procfs.h"
#include "testutil.h"

#define ALL_COLUMNS "pid,command,fd,type,mode,flags,pos,inode,dev,rdev,mntid,size,deleted,name,kname"

static struct json *list_json(struct run_result *r, pid_t pid)
{
	char pidtext[32];
	struct json *doc;

	snprintf(pidtext, sizeof(pidtext), "%ld", (long)pid);
	run_fdscope(r, "list", "-p", pidtext, "-J", "-o", ALL_COLUMNS, NULL);
	ck_assert_msg(r->status == 0, "status %d, stderr: %s", r->status, r->err);
	doc = json_parse(r->out);
	ck_assert_msg(doc != NULL, "invalid JSON: %s", r->out);
	return doc;
}

static void read_fdinfo_of(pid_t pid, int fd, struct fdinfo *fi)
{
	char path[64], buf[4096];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%ld/fdinfo/%d", (long)pid, fd);
	n = procfs_read_at(AT_FDCWD, path, buf, sizeof(buf));
	ck_assert(n > 0);
	ck_assert_int_eq(fdinfo_parse(buf, (size_t)n, fi), 0);
}

/* FLAGS is null in JSON when no status flag is set. */
static const char *flags_of(const struct json *row)
{
	const char *f = json_str(row, "flags");

	return f ? f : "";
}

/* Checks one row against stat and fdinfo of /proc/PID/fd/N. */
static void check_row_against_kernel(pid_t pid, const struct json *row, bool own)
{
	int fd = (int)json_int(row, "fd");
	char path[64], link[4096], dev[32];
	struct stat st;
	struct fdinfo fi;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%ld/fd/%d", (long)pid, fd);
	ck_assert_int_eq(stat(path, &st), 0);
	n = readlink(path, link, sizeof(link) - 1);
	ck_assert(n > 0);
	link[n] = '\0';
	read_fdinfo_of(pid, fd, &fi);

	ck_assert_int_eq(json_int(row, "pid"), pid);
	ck_assert_uint_eq((unsigned long long)json_int(row, "inode"), st.st_ino);
	snprintf(dev, sizeof(dev), "%u:%u", major(st.st_dev), minor(st.st_dev));
	ck_assert_str_eq(json_str(row, "dev"), dev);
	/* Sockets' names are decoded (the network suite checks them), and
	 * anonymous inodes' (the decode suite); KNAME is the link. */
	if (!S_ISSOCK(st.st_mode) && strncmp(link, "anon_inode:", 11) != 0)
		ck_assert_str_eq(json_str(row, "name"), link);
	ck_assert_str_eq(json_str(row, "kname"), link);
	/* Descriptors inherited from the test runner may be its growing log;
	 * the holder's own ones hold still. */
	if (own) {
		ck_assert_int_eq(json_int(row, "size"), st.st_size);
		ck_assert_int_eq(json_int(row, "pos"), (long long)fi.pos);
	}
	ck_assert_int_eq(json_int(row, "mntid"), fi.mnt_id);
	if ((fi.flags & 3) == 0)
		ck_assert_str_eq(json_str(row, "mode"), "r-");
	else if ((fi.flags & 3) == 1)
		ck_assert_str_eq(json_str(row, "mode"), "-w");
	else
		ck_assert_str_eq(json_str(row, "mode"), "rw");
	if (S_ISREG(st.st_mode) && strncmp(link, "/memfd:", 7) != 0)
		ck_assert_str_eq(json_str(row, "type"), "REG");
	if (S_ISFIFO(st.st_mode))
		ck_assert_str_eq(json_str(row, "type"), "FIFO");
	if (S_ISSOCK(st.st_mode))
		ck_assert_str_eq(json_str(row, "type"), "SOCK");
	if (S_ISCHR(st.st_mode))
		ck_assert_str_eq(json_str(row, "type"), "CHR");
	/* O_CLOEXEC is per descriptor: fdinfo reports it, and so must FLAGS. */
	ck_assert_int_eq(strstr(flags_of(row), "cloexec") != NULL,
			 (fi.flags & O_CLOEXEC) != 0);
	ck_assert_int_eq(strstr(flags_of(row), "nonblock") != NULL,
			 (fi.flags & O_NONBLOCK) != 0);
	ck_assert_int_eq(strstr(flags_of(row), "append") != NULL,
			 (fi.flags & O_APPEND) != 0);
}

START_TEST(test_list_child_matches_kernel_field_by_field)
{
	struct holder h;
	struct run_result r;
	struct json *doc;
	const struct json *rows, *row;
	int highest;
	size_t i;

	holder_start(&h, "fdholder", NULL);
	doc = list_json(&r, h.pid);
	rows = json_get(doc, "descriptors");
	ck_assert(rows != NULL && rows->kind == JSON_ARRAY);
	ck_assert_uint_eq(rows->n, count_pid_fds(h.pid, &highest));
	for (i = 0; i < rows->n; i++) {
		int fd = (int)json_int(rows->items[i], "fd");
		static const char *const own[] = { "pipe_r", "pipe_w", "append",
			"sock", "eventfd", "deleted", "memfd", "hole" };
		bool is_own = false;
		size_t k;

		for (k = 0; k < sizeof(own) / sizeof(own[0]); k++)
			is_own |= holder_value(&h, own[k]) == fd;
		check_row_against_kernel(h.pid, rows->items[i], is_own);
		ck_assert_str_eq(json_str(rows->items[i], "command"), "fdholder");
	}
	/* Ascending numbers, the highest being the hole-maker's. */
	for (i = 1; i < rows->n; i++)
		ck_assert_int_lt(json_int(rows->items[i - 1], "fd"),
				 json_int(rows->items[i], "fd"));
	ck_assert_int_eq(json_int(rows->items[rows->n - 1], "fd"), highest);

	row = json_find_fd(doc, (int)holder_value(&h, "append"));
	ck_assert(row != NULL);
	ck_assert_str_eq(json_str(row, "mode"), "-w");
	ck_assert(strstr(flags_of(row), "append") != NULL);
	ck_assert_int_eq(json_int(row, "pos"), 13);
	ck_assert_int_eq(json_int(row, "size"), 13);

	row = json_find_fd(doc, (int)holder_value(&h, "deleted"));
	ck_assert(row != NULL);
	ck_assert(json_get(row, "deleted")->kind == JSON_BOOL && json_get(row, "deleted")->b);
	ck_assert_int_eq(json_int(row, "pos"), 4);
	ck_assert(strstr(json_str(row, "name"), " (deleted)") != NULL);
	/* The append file was unlinked too; pipes never are "deleted". */
	row = json_find_fd(doc, (int)holder_value(&h, "pipe_r"));
	ck_assert(!json_get(row, "deleted")->b);
	ck_assert_str_eq(json_str(row, "type"), "FIFO");
	ck_assert_str_eq(json_str(row, "mode"), "r-");

	row = json_find_fd(doc, (int)holder_value(&h, "eventfd"));
	ck_assert_str_eq(json_str(row, "type"), "eventfd");
	ck_assert(strstr(flags_of(row), "cloexec") != NULL);
	ck_assert(strstr(flags_of(row), "nonblock") != NULL);

	row = json_find_fd(doc, (int)holder_value(&h, "memfd"));
	ck_assert_str_eq(json_str(row, "type"), "memfd");
	row = json_find_fd(doc, (int)holder_value(&h, "sock"));
	ck_assert_str_eq(json_str(row, "type"), "SOCK");

	/* The hole: 77 is open, 76 is not. */
	ck_assert(json_find_fd(doc, (int)holder_value(&h, "hole")) != NULL);
	ck_assert(json_find_fd(doc, (int)holder_value(&h, "hole") - 1) == NULL);
	json_free(doc);
	run_result_release(&r);
	holder_stop(&h);
}
END_TEST

START_TEST(test_list_self_shows_and_marks_its_reader)
{
	struct run_result r;
	struct json *doc;
	const struct json *rows;
	size_t i, marked = 0;

	run_fdscope(&r, "list", "-J", "-o", "fd,type,name,note,flags", NULL);
	ck_assert_int_eq(r.status, 0);
	doc = json_parse(r.out);
	ck_assert(doc != NULL);
	rows = json_get(doc, "descriptors");
	for (i = 0; i < rows->n; i++) {
		const char *note = json_str(rows->items[i], "note");
		int pid = 0;
		char tail[8] = "";

		if (note == NULL)
			continue;
		marked++;
		ck_assert_str_eq(json_str(rows->items[i], "type"), "DIR");
		ck_assert(sscanf(json_str(rows->items[i], "name"), "/proc/%d/%7s", &pid, tail) == 2);
		ck_assert_str_eq(tail, "fd");
		ck_assert(strstr(flags_of(rows->items[i]), "cloexec") != NULL);
	}
	ck_assert_uint_eq(marked, 1);
	/* 0, 1 and 2 are what run_argv gave it: /dev/null and two pipes. */
	ck_assert_str_eq(json_str(json_find_fd(doc, 0), "name"), "/dev/null");
	ck_assert_str_eq(json_str(json_find_fd(doc, 1), "type"), "FIFO");
	ck_assert_str_eq(json_str(json_find_fd(doc, 2), "type"), "FIFO");
	json_free(doc);
	run_result_release(&r);
}
END_TEST

START_TEST(test_list_table_output_has_header_and_rows)
{
	struct holder h;
	struct run_result r;
	char pid[32], needle[64];

	holder_start(&h, "fdholder", NULL);
	snprintf(pid, sizeof(pid), "%d", h.pid);
	run_fdscope(&r, "list", "-p", pid, NULL);
	ck_assert_int_eq(r.status, 0);
	{
		/* The header is the first line: the default columns, in order. */
		char head[256], words[256] = "";
		size_t n = strcspn(r.out, "\n");
		char *tok, *save = NULL;

		ck_assert_uint_lt(n, sizeof(head));
		memcpy(head, r.out, n);
		head[n] = '\0';
		for (tok = strtok_r(head, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
			snprintf(words + strlen(words), sizeof(words) - strlen(words),
				 "%s%s", words[0] ? " " : "", tok);
		ck_assert_str_eq(words, "FD TYPE MODE FLAGS POS INODE NAME");
	}
	snprintf(needle, sizeof(needle), "%lld FIFO", holder_value(&h, "hole"));
	ck_assert_msg(strstr(r.out, needle) != NULL, "no '%s' in %s", needle, r.out);
	run_result_release(&r);

	run_fdscope(&r, "list", "-p", pid, "-n", "-r", "-o", "fd,type", NULL);
	ck_assert_int_eq(r.status, 0);
	snprintf(needle, sizeof(needle), "\n%lld FIFO\n", holder_value(&h, "hole"));
	ck_assert_msg(strstr(r.out, needle) != NULL, "no raw row in %s", r.out);
	ck_assert(strstr(r.out, "FD") == NULL);
	run_result_release(&r);

	/* "+" appends to the defaults. */
	run_fdscope(&r, "list", "-p", pid, "-o", "+DEV,SIZE", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert(strstr(r.out, "NAME") != NULL && strstr(r.out, "DEV") != NULL &&
		  strstr(r.out, "SIZE") != NULL);
	run_result_release(&r);
	holder_stop(&h);
}
END_TEST

START_TEST(test_list_several_pids_adds_pid_and_command)
{
	struct holder a, b;
	struct run_result r;
	struct json *doc;
	const struct json *rows;
	char pids[64];
	size_t i, na = 0, nb = 0;

	holder_start(&a, "fdholder", NULL);
	holder_start(&b, "fdholder", NULL);
	snprintf(pids, sizeof(pids), "%d,%d", a.pid, b.pid);
	run_fdscope(&r, "list", "-p", pids, "-J", NULL);
	ck_assert_int_eq(r.status, 0);
	doc = json_parse(r.out);
	rows = json_get(doc, "descriptors");
	for (i = 0; i < rows->n; i++) {
		long long pid = json_int(rows->items[i], "pid");

		ck_assert_str_eq(json_str(rows->items[i], "command"), "fdholder");
		na += pid == a.pid;
		nb += pid == b.pid;
	}
	{
		int hi;

		ck_assert_uint_eq(na, count_pid_fds(a.pid, &hi));
		ck_assert_uint_eq(nb, count_pid_fds(b.pid, &hi));
	}
	json_free(doc);
	run_result_release(&r);
	holder_stop(&a);
	holder_stop(&b);
}
END_TEST

START_TEST(test_list_all_includes_a_known_process)
{
	struct holder h;
	struct run_result r;
	struct json *doc;
	const struct json *rows;
	size_t i, found = 0;

	holder_start(&h, "fdholder", NULL);
	run_fdscope(&r, "list", "--all", "-J", "-o", "pid,fd,inode", NULL);
	ck_assert_msg(r.status == 0, "stderr: %s", r.err);
	doc = json_parse(r.out);
	ck_assert(doc != NULL);
	rows = json_get(doc, "descriptors");
	for (i = 0; i < rows->n; i++)
		if (json_int(rows->items[i], "pid") == h.pid)
			found++;
	{
		int hi;

		ck_assert_uint_eq(found, count_pid_fds(h.pid, &hi));
	}
	json_free(doc);
	run_result_release(&r);
	holder_stop(&h);
}
END_TEST

START_TEST(test_list_errors_and_exit_status)
{
	static const struct {
		const char *args[4];
		int status;
		const char *msg;
	} cases[] = {
		{ { "-p", "abc" }, 2, "fdscope: invalid PID 'abc': not a whole number" },
		{ { "-p", "0" }, 2, "fdscope: invalid PID '0': too small" },
		{ { "-p", "-1" }, 2, "fdscope: invalid PID '-1'" },
		{ { "-p", "" }, 2, "fdscope: invalid PID '': empty" },
		{ { "-p", "1e3" }, 2, "not a whole number" },
		{ { "-p", "999999999" }, 1, "fdscope: process 999999999: no such process\n" },
		{ { "--bogus" }, 2, "fdscope: unknown option '--bogus'" },
		{ { "-p" }, 2, "fdscope: option '-p' needs a value" },
		{ { "-o", "fd,nosuch" }, 2, "fdscope: unknown column 'nosuch'" },
		{ { "--all", "-p", "1" }, 2, "exclude each other" },
		/* An operand is a PATH selection (issue 12): one that is not there
		 * is a failure, not a usage error. */
		{ { "extra" }, 1, "fdscope: cannot look up 'extra': " },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run_result r;

		run_fdscope(&r, "list", cases[i].args[0], cases[i].args[1],
			    cases[i].args[2], cases[i].args[3], NULL);
		ck_assert_msg(r.status == cases[i].status, "case %zu: status %d, stderr %s",
			      i, r.status, r.err);
		ck_assert_msg(strstr(r.err, cases[i].msg) != NULL, "case %zu: stderr '%s'",
			      i, r.err);
		/* One line. */
		ck_assert_msg(strchr(r.err, '\n') == r.err + r.err_len - 1,
			      "case %zu: not one line: '%s'", i, r.err);
		ck_assert_uint_eq(r.out_len, 0);
		run_result_release(&r);
	}
}
END_TEST

START_TEST(test_list_help_and_columns)
{
	struct run_result r;
	struct json *doc;

	run_fdscope(&r, "list", "--help", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert(strncmp(r.out, "Usage: fdscope list", 19) == 0);
	run_result_release(&r);
	run_fdscope(&r, "help", "list", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert(strncmp(r.out, "Usage: fdscope list", 19) == 0);
	run_result_release(&r);
	run_fdscope(&r, "list", "--list-columns", "-J", NULL);
	ck_assert_int_eq(r.status, 0);
	doc = json_parse(r.out);
	ck_assert(doc != NULL);
	ck_assert_uint_ge(json_get(doc, "columns")->n, 16);
	json_free(doc);
	run_result_release(&r);
}
END_TEST

/* The description of column name in --list-columns output, its lines
 * from the 39th byte on (NAME and TYPE are padded to 20 and 16) joined
 * by one space, every ", " then written "," (a long word is broken after
 * a comma); NULL when name has no row. */
static char *joined_description(const char *out, const char *name)
{
	char *text = NULL, head[64], *q;
	size_t had = 0;
	const char *p = out;
	bool in = false;

	snprintf(head, sizeof(head), "%-20s ", name);
	while (*p) {
		const char *end = strchr(p, '\n');
		size_t l = end ? (size_t)(end - p) : strlen(p);

		if (strncmp(p, head, strlen(head)) == 0)
			in = true;
		else if (in && p[0] != ' ')
			break;
		if (in && l > 38) {
			text = realloc(text, had + l - 38 + 2);
			ck_assert_ptr_nonnull(text);
			had += (size_t)snprintf(text + had, l - 38 + 2, "%s%.*s",
						had ? " " : "", (int)(l - 38),
						p + 38);
		}
		p += l + (end != NULL);
	}
	for (q = text; q && (q = strstr(q, ", ")) != NULL; )
		memmove(q + 1, q + 2, strlen(q + 2) + 1);
	return text;
}

/* Where a terminal is narrower than the longest description, each
 * description wraps between words (its words come back whole, in order,
 * against the unwrapped list) and no line is wider than the terminal. */
START_TEST(test_list_columns_wrap_between_words)
{
	struct run_result wide, narrow;
	const char *p;
	size_t rows = 0;

	unsetenv("COLUMNS");
	run_fdscope(&wide, "list", "--list-columns", NULL);
	setenv("COLUMNS", "60", 1);
	run_fdscope(&narrow, "list", "--list-columns", NULL);
	unsetenv("COLUMNS");
	ck_assert_int_eq(wide.status, 0);
	ck_assert_int_eq(narrow.status, 0);
	for (p = narrow.out; *p; ) {
		const char *end = strchr(p, '\n');
		size_t l = end ? (size_t)(end - p) : strlen(p);

		ck_assert_msg(l <= 60, "line of %zu: %.*s", l, (int)l, p);
		p += l + (end != NULL);
	}
	for (p = strchr(wide.out, '\n'); p && p[1]; p = strchr(p + 1, '\n')) {
		char name[32], *a, *b;

		if (sscanf(p + 1, "%31s", name) != 1)
			continue;
		a = joined_description(wide.out, name);
		b = joined_description(narrow.out, name);
		ck_assert_ptr_nonnull(a);
		ck_assert_ptr_nonnull(b);
		ck_assert_str_eq(b, a);
		free(a);
		free(b);
		rows++;
	}
	ck_assert_uint_ge(rows, 16);
	run_result_release(&wide);
	run_result_release(&narrow);
}
END_TEST

START_TEST(test_main_usage_errors)
{
	struct run_result r;

	run_fdscope(&r, NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert(strstr(r.err, "Usage: fdscope") != NULL);
	run_result_release(&r);
	run_fdscope(&r, "nosuch", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert(strstr(r.err, "fdscope: unknown command 'nosuch'") != NULL);
	run_result_release(&r);
	run_fdscope(&r, "--nope", NULL);
	ck_assert_int_eq(r.status, 2);
	run_result_release(&r);
	run_fdscope(&r, "--version", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert(strncmp(r.out, "fdscope ", 8) == 0);
	run_result_release(&r);
	run_fdscope(&r, "--help", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert(strstr(r.out, "  list ") != NULL && strstr(r.out, "  limits ") != NULL);
	run_result_release(&r);
}
END_TEST

/* fdscope's collection code closes everything it opens: in-process, many
 * times over, the descriptor count is unchanged. */
START_TEST(test_collect_closes_every_descriptor)
{
	size_t before = count_open_fds();
	int i;

	for (i = 0; i < 200; i++) {
		struct fd_proc p;
		struct fd_count c;

		ck_assert_int_eq(fd_proc_collect(&p, "/proc", 0, FDL_NEED_LINK |
						 FDL_NEED_STAT | FDL_NEED_FDINFO |
						 FDL_NEED_SOCKOPT | FDL_NEED_COMM), 0);
		ck_assert(p.reader_fd >= 0);
		fd_proc_release(&p);
		ck_assert_int_eq(fd_proc_count("/proc", 0, 1 << 20, &c), 0);
		ck_assert_uint_eq(c.open, before);
		/* Errors too. */
		ck_assert_int_eq(fd_proc_collect(&p, "/proc", 999999999, 0), -1);
		ck_assert_int_eq(errno, ENOENT);
	}
	ck_assert_uint_eq(count_open_fds(), before);
}
END_TEST

/* In-process, the collected table equals /proc/self/fd, reader included. */
START_TEST(test_collect_self_matches_fstat)
{
	struct fd_proc p;
	char path[] = "/tmp/fdscope-collect-XXXXXX";
	int extra = mkstemp(path);
	size_t i;
	bool saw_extra = false;

	ck_assert(extra >= 0);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(lseek(extra, 1234, SEEK_SET), 1234);
	ck_assert_int_eq(fd_proc_collect(&p, "/proc", 0, FDL_NEED_STAT | FDL_NEED_FDINFO |
					 FDL_NEED_LINK), 0);
	for (i = 0; i < p.n; i++) {
		struct stat st;

		if (p.fds[i].fd == p.reader_fd)
			continue;
		ck_assert_int_eq(fstat(p.fds[i].fd, &st), 0);
		ck_assert_uint_eq(p.fds[i].st.st_ino, st.st_ino);
		ck_assert_uint_eq(p.fds[i].st.st_dev, st.st_dev);
		ck_assert(p.fds[i].have_info);
		if (p.fds[i].fd == extra) {
			saw_extra = true;
			ck_assert_uint_eq(p.fds[i].info.pos, 1234);
			ck_assert(strncmp(fd_entry_link(&p, &p.fds[i]), path,
					  strlen(path)) == 0);
			ck_assert(strstr(fd_entry_link(&p, &p.fds[i]), " (deleted)") != NULL);
		}
	}
	ck_assert(saw_extra);
	fd_proc_release(&p);
	close(extra);
}
END_TEST

/* libsmartcols 2.38 loops forever measuring a non-ASCII cell in the C
 * locale: names are escaped there, shown as they are in a UTF-8 locale. */
static void list_name_in_locale(const char *locale, const char *want)
{
	char path[] = "/tmp/fdscope-caf\xc3\xa9-XXXXXX", pid[32];
	struct run_result r;
	int fd = mkstemp(path);

	ck_assert(fd >= 0);
	ck_assert_int_eq(setenv("LC_ALL", locale, 1), 0);
	snprintf(pid, sizeof(pid), "%d", getpid());
	run_fdscope(&r, "list", "-p", pid, "-o", "fd,name", NULL);
	unlink(path);
	close(fd);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strstr(r.out, want) != NULL, "no '%s' in %s", want, r.out);
	run_result_release(&r);
}

START_TEST(test_list_non_ascii_name_in_c_locale_is_escaped)
{
	list_name_in_locale("C", "/tmp/fdscope-caf\\xc3\\xa9-");
}
END_TEST

START_TEST(test_list_non_ascii_name_in_utf8_locale_is_shown)
{
	list_name_in_locale("C.UTF-8", "/tmp/fdscope-caf\xc3\xa9-");
}
END_TEST

/* The exit statuses of the command, run by the dispatcher in the forked
 * test process: 0 done, 1 a runtime failure, 2 a usage error. */
static const char *const list_exit_cases[][4] = {
	{ "list", "--help" },
	{ "list", "-p", "0" },
	{ "list", "-p", "2147483647" },
	{ "list", "--nosuch" },
	{ "list", "-Q", "FD >" },
};
static const int list_exit_status[] = { 0, 2, 1, 2, 2 };

START_TEST(test_list_exit_status)
{
	cli_exit_with(list_exit_cases[_i]);
}
END_TEST

Suite *list_suite(void)
{
	Suite *s = suite_create("list");
	TCase *tc = tcase_create("integration");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_list_child_matches_kernel_field_by_field);
	tcase_add_test(tc, test_list_self_shows_and_marks_its_reader);
	tcase_add_test(tc, test_list_table_output_has_header_and_rows);
	tcase_add_test(tc, test_list_several_pids_adds_pid_and_command);
	tcase_add_test(tc, test_list_all_includes_a_known_process);
	tcase_add_test(tc, test_list_errors_and_exit_status);
	tcase_add_test(tc, test_list_help_and_columns);
	tcase_add_test(tc, test_list_columns_wrap_between_words);
	tcase_add_test(tc, test_main_usage_errors);
	tcase_add_test(tc, test_list_non_ascii_name_in_c_locale_is_escaped);
	tcase_add_test(tc, test_list_non_ascii_name_in_utf8_locale_is_shown);
	suite_add_tcase(s, tc);
	tc = tcase_create("collect");
	tcase_add_test(tc, test_collect_closes_every_descriptor);
	tcase_add_test(tc, test_collect_self_matches_fstat);
	suite_add_tcase(s, tc);
	tc = tcase_create("exit-status");
	for (size_t k = 0; k < sizeof(list_exit_status) / sizeof(list_exit_status[0]); k++)
		tcase_add_loop_exit_test(tc, test_list_exit_status,
					 list_exit_status[k], (int)k, (int)k + 1);
	suite_add_tcase(s, tc);
	return s;
}
