/* Unit tests for out/table.c's large tables: out_table_print_rows, which
 * formats, measures and prints blocks of rows in parallel, must print the
 * very bytes out_table_add and out_table_print print for the same rows. */
#include <check.h>
#include <fcntl.h>
#include <locale.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "lib/parallel.h"
#include "out/table.h"
#include "testutil.h"

/* The block size of output.c: row counts around its multiples. */
#define BLOCK 1024

/* Defined in check_parallel.c: when not 0, the number of CPUs
 * parallel_cpus sees, so that tables are cut into up to
 * PARALLEL_MAX_JOBS chunks on any machine. */
extern unsigned int parallel_fake_cpus;

enum {
	COL_NUM,	/* right-aligned row number */
	COL_SHORT,	/* data all shorter than the header */
	COL_ABS,	/* absolute hint wider than header and data */
	COL_HINT,	/* hint wider than the header, one cell wider still */
	COL_REL,	/* relative hint, short data */
	COL_BLOCKY,	/* empty in whole blocks; widest in the last row */
	COL_NONE,	/* empty everywhere */
	COL_EMPTY,	/* "" everywhere */
	COL_WORDS,	/* spaces; widest in row 0; the odd cell */
	COL_NOTE,	/* OUT_WRAP, spaces */
	COL_LAST,	/* empty in every third row */
	COL_FDS,	/* a number array: several lines in a table */
	COL_ENDS,	/* a string array: lines of their own widths */
	NCOLS
};

static const struct out_column columns[NCOLS] = {
	[COL_NUM] = { "NUM", 0, OUT_RIGHT, OUT_JSON_NUMBER, "row number" },
	[COL_SHORT] = { "LONGHEADER", 0, 0, OUT_JSON_STRING, "x or yy" },
	[COL_ABS] = { "ABS", 12, 0, OUT_JSON_STRING, "hint 12" },
	[COL_HINT] = { "HINT", 6, OUT_RIGHT, OUT_JSON_STRING, "hint 6" },
	[COL_REL] = { "REL", 0.5, 0, OUT_JSON_STRING, "hint 0.5" },
	[COL_BLOCKY] = { "BLOCKY", 0, 0, OUT_JSON_STRING, "gaps" },
	[COL_NONE] = { "NONE", 3, 0, OUT_JSON_STRING, "always empty" },
	[COL_EMPTY] = { "EMPTYSTR", 0, 0, OUT_JSON_STRING, "always \"\"" },
	[COL_WORDS] = { "WORDS", 0.2, 0, OUT_JSON_STRING, "with spaces" },
	[COL_NOTE] = { "NOTE", 0.3, OUT_WRAP, OUT_JSON_STRING, "wraps" },
	[COL_LAST] = { "LAST", 0, 0, OUT_JSON_STRING, "gaps" },
	[COL_FDS] = { "FDS", 0, 0, OUT_JSON_ARRAY_NUMBER, "numbers" },
	[COL_ENDS] = { "ENDS", 0.2, 0, OUT_JSON_ARRAY_STRING, "strings" },
};

/* Every column but the array; then a first column empty in whole blocks,
 * a wrapping one inside and a right-aligned last; then an empty last
 * column; then an array column. */
static const int sel_all[] = {
	COL_NUM, COL_SHORT, COL_ABS, COL_HINT, COL_REL, COL_BLOCKY, COL_NONE,
	COL_EMPTY, COL_WORDS, COL_NOTE, COL_LAST,
};
static const int sel_blocky_first[] = { COL_BLOCKY, COL_NOTE, COL_HINT };
static const int sel_none_last[] = { COL_WORDS, COL_NUM, COL_NONE };
static const int sel_array[] = { COL_NUM, COL_FDS, COL_ENDS, COL_WORDS };

struct selection {
	const int *ids;
	size_t n;
};

#define SELECTION(a) { a, sizeof(a) / sizeof(a[0]) }
static const struct selection selections[] = {
	SELECTION(sel_all), SELECTION(sel_blocky_first),
	SELECTION(sel_none_last), SELECTION(sel_array),
};

/* The table's data, a function of the row number: cells are only read,
 * from any thread. */
struct sample {
	size_t nrows;
	const char *odd;	/* WORDS of row odd_row, when not NULL */
	size_t odd_row;
};

static const char *sample_cell(const struct sample *s, size_t i, int col,
			       char *buf, size_t len)
{
	switch (col) {
	case COL_NUM:
		snprintf(buf, len, "%zu", i);
		return buf;
	case COL_SHORT:
		return i % 2 ? "x" : "yy";
	case COL_ABS:
		snprintf(buf, len, "a%zu", i % 1000);
		return buf;
	case COL_HINT:
		if (i == s->nrows * 3 / 4)
			return "hint-wider-than-its-hint";
		snprintf(buf, len, "h%zu", i % 100);
		return buf;
	case COL_REL:
		return i % 7 ? "r" : "rr";
	case COL_BLOCKY:
		if (i + 1 == s->nrows)
			return "blocky-widest-in-the-last-row";
		if ((i / BLOCK) % 2)
			return NULL;
		snprintf(buf, len, "b%zu", i);
		return buf;
	case COL_NONE:
		return NULL;
	case COL_EMPTY:
		return "";
	case COL_WORDS:
		if (s->odd && i == s->odd_row)
			return s->odd;
		if (i == 0)
			return "a few more words here";
		return i % 5 ? "two words" : "three small words";
	case COL_NOTE:
		return i % 11 ? "short note" : "a longer note with spaces in it";
	case COL_LAST:
		if (i % 3 == 0)
			return NULL;
		snprintf(buf, len, "last%zu", i);
		return buf;
	case COL_FDS:
		if (i % 4 == 0)
			return "";
		snprintf(buf, len, "%zu\n%zu", i, i + 1);
		return buf;
	case COL_ENDS:
		/* None, one, or three lines; the widest line in the last
		 * row but one, as a widely shared pipe's holder would be. */
		if (i % 3 == 0)
			return NULL;
		if (i + 2 == s->nrows)
			snprintf(buf, len, "e%zu\nthe-widest-line-of-all\nx", i);
		else if (i % 3 == 1)
			snprintf(buf, len, "e%zu", i);
		else
			snprintf(buf, len, "e%zu,a\ne\ne%zu,bb", i, i);
		return buf;
	default:
		return NULL;
	}
}

static const char *rows_cell(const void *ctx, size_t i, int col, char *buf,
			     size_t len)
{
	return sample_cell(ctx, i, col, buf, len);
}

/* Printed after a table on a terminal: the reader stops there. */
#define TTY_END "\n@@ end of table @@\n"

struct row_ref {
	const struct sample *s;
	size_t i;
};

static const char *added_cell(const void *row, int col, char *buf,
			      size_t len)
{
	const struct row_ref *r = row;

	return sample_cell(r->s, r->i, col, buf, len);
}

/* stdout, fd 1 itself, goes to a temporary file while a table is printed,
 * so that libsmartcols and isatty see a file as they would under `>`. */
struct capture {
	FILE *file;
	int saved;
};

static void capture_start(struct capture *c)
{
	ck_assert_int_eq(fflush(stdout), 0);
	c->file = tmpfile();
	ck_assert_ptr_nonnull(c->file);
	c->saved = dup(STDOUT_FILENO);
	ck_assert_int_ge(c->saved, 0);
	ck_assert_int_eq(dup2(fileno(c->file), STDOUT_FILENO), STDOUT_FILENO);
}

static char *capture_end(struct capture *c, size_t *len)
{
	struct stat st;
	char *text;

	ck_assert_int_eq(fflush(stdout), 0);
	ck_assert_int_eq(dup2(c->saved, STDOUT_FILENO), STDOUT_FILENO);
	close(c->saved);
	ck_assert_int_eq(fstat(fileno(c->file), &st), 0);
	*len = (size_t)st.st_size;
	text = malloc(*len + 1);
	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(pread(fileno(c->file), text, *len, 0), (ssize_t)*len);
	text[*len] = '\0';
	fclose(c->file);
	return text;
}

/* The reference: every row added, the table printed in one piece. */
static char *print_added(const struct sample *s, const struct selection *sel,
			 const struct out_opts *o, size_t *len)
{
	struct row_ref *refs = calloc(s->nrows + 1, sizeof(*refs));
	struct capture c;
	struct out_table *t;
	size_t i;
	int rc;

	ck_assert_ptr_nonnull(refs);
	capture_start(&c);
	t = out_table_new("rows", columns, sel->ids, sel->n, o);
	for (i = 0; i < s->nrows; i++) {
		refs[i] = (struct row_ref){ s, i };
		out_table_add(t, &refs[i], added_cell);
	}
	rc = out_table_print(t);
	out_table_free(t);
	free(refs);
	ck_assert_int_eq(rc, 0);
	return capture_end(&c, len);
}

static char *print_rows(const struct sample *s, const struct selection *sel,
			const struct out_opts *o, size_t *len)
{
	struct capture c;
	struct out_table *t;
	int rc;

	capture_start(&c);
	t = out_table_new("rows", columns, sel->ids, sel->n, o);
	rc = out_table_print_rows(t, s, s->nrows, rows_cell);
	out_table_free(t);
	ck_assert_int_eq(rc, 0);
	return capture_end(&c, len);
}

/* The child side of print_on_tty: the table, then the end marker. */
static void print_to_tty(const char *tty, bool rows, const struct sample *s,
			 const struct selection *sel, const struct out_opts *o)
{
	struct winsize ws = { .ws_row = 24, .ws_col = 70 };
	struct termios tio;
	struct out_table *t;
	int fd = open(tty, O_RDWR | O_NOCTTY), rc;
	size_t i;

	/* Raw: the bytes arrive as printed, "\n" not made "\r\n". */
	if (fd < 0 || ioctl(fd, TIOCSWINSZ, &ws) < 0 ||
	    tcgetattr(fd, &tio) < 0)
		_exit(2);
	cfmakeraw(&tio);
	if (tcsetattr(fd, TCSANOW, &tio) < 0 || dup2(fd, STDOUT_FILENO) < 0)
		_exit(2);
	close(fd);
	t = out_table_new("rows", columns, sel->ids, sel->n, o);
	if (rows) {
		rc = out_table_print_rows(t, s, s->nrows, rows_cell);
	} else {
		struct row_ref *refs = calloc(s->nrows + 1, sizeof(*refs));

		if (refs == NULL)
			_exit(2);
		for (i = 0; i < s->nrows; i++) {
			refs[i] = (struct row_ref){ s, i };
			out_table_add(t, &refs[i], added_cell);
		}
		rc = out_table_print(t);
		free(refs);
	}
	out_table_free(t);
	fputs(TTY_END, stdout);
	_exit(rc == 0 && fflush(stdout) == 0 ? 0 : 1);
}

/* Prints on a 70-column terminal (a pty), the reference way or with
 * out_table_print_rows, and returns what the terminal received.  The
 * reader waits for the end marker: a pty may hand data on after the
 * writer has exited. */
static char *print_on_tty(bool rows, const struct sample *s,
			  const struct selection *sel,
			  const struct out_opts *o, size_t *len)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY), status;
	size_t cap = 1 << 20, n = 0;
	char *text = malloc(cap), *tty;
	pid_t pid;

	ck_assert_int_ge(master, 0);
	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(grantpt(master), 0);
	ck_assert_int_eq(unlockpt(master), 0);
	tty = ptsname(master);
	ck_assert_ptr_nonnull(tty);
	ck_assert_int_eq(fflush(stdout), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(master);
		print_to_tty(tty, rows, s, sel, o);
	}
	for (;;) {
		ssize_t got;

		if (n + 4096 > cap) {
			cap *= 2;
			text = realloc(text, cap);
			ck_assert_ptr_nonnull(text);
		}
		got = read(master, text + n, cap - n - 1);
		if (got <= 0)
			break;
		n += (size_t)got;
		text[n] = '\0';
		if (n >= strlen(TTY_END) &&
		    strstr(text + n - strlen(TTY_END), TTY_END))
			break;
	}
	close(master);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "the printing child failed: status %#x", status);
	ck_assert_msg(n >= strlen(TTY_END) &&
		      strcmp(text + n - strlen(TTY_END), TTY_END) == 0,
		      "no end marker after %zu bytes", n);
	*len = n - strlen(TTY_END);
	text[*len] = '\0';
	return text;
}

/* Line n (from 0) of text, copied into line; false past the end. */
static bool nth_line(const char *text, size_t n, char *line, size_t size)
{
	const char *p = text, *end;
	size_t len;

	for (; n > 0; n--) {
		p = strchr(p, '\n');
		if (p == NULL)
			return false;
		p++;
	}
	if (*p == '\0')
		return false;
	end = strchr(p, '\n');
	len = end ? (size_t)(end - p) : strlen(p);
	if (len >= size)
		len = size - 1;
	memcpy(line, p, len);
	line[len] = '\0';
	return true;
}

static size_t count_lines(const char *text, size_t len)
{
	size_t n = 0, i;

	for (i = 0; i < len; i++)
		n += text[i] == '\n';
	return n;
}

/* Fails at the first line that differs, showing both. */
static void assert_same_bytes(const char *want, size_t want_len,
			      const char *got, size_t got_len,
			      const char *what)
{
	char a[512], b[512];
	size_t i, line = 0;

	for (i = 0; i < want_len && i < got_len && want[i] == got[i]; i++)
		line += want[i] == '\n';
	if (i == want_len && i == got_len)
		return;
	if (!nth_line(want, line, a, sizeof(a)))
		a[0] = '\0';
	if (!nth_line(got, line, b, sizeof(b)))
		b[0] = '\0';
	ck_abort_msg("%s: %zu bytes expected, %zu printed; first difference "
		     "at byte %zu, line %zu:\n  expected [%s]\n  printed  [%s]",
		     what, want_len, got_len, i, line + 1, a, b);
}

/* A cell as it appears on its line: raw output shows a space as \x20. */
static void shown_cell(const char *v, bool raw, char *out, size_t size)
{
	size_t o = 0;

	for (; *v && o + 5 < size; v++) {
		if (raw && *v == ' ') {
			memcpy(out + o, "\\x20", 4);
			o += 4;
		} else {
			out[o++] = *v;
		}
	}
	out[o] = '\0';
}

static bool printable_ascii(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v < 0x20 || (unsigned char)*v >= 0x7f)
			return false;
	return true;
}

/* Whether w stands in line between blanks or the line's ends. */
static bool has_word(const char *line, const char *w)
{
	size_t n = strlen(w);
	const char *p;

	for (p = strstr(line, w); p; p = strstr(p + 1, w))
		if ((p == line || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ' '))
			return true;
	return false;
}

/* What the reference prints is what was meant: one line per row and the
 * header, the header's names in order, known rows on their own lines
 * with every cell, the row number as a word of its own. */
static void assert_sane(const char *text, size_t len, const struct sample *s,
			const struct selection *sel, const struct out_opts *o)
{
	const size_t probes[] = {
		0, 1, BLOCK - 1, BLOCK, BLOCK + 1, s->nrows / 2,
		s->nrows * 3 / 4, s->nrows - 1,
	};
	size_t head = o->noheadings ? 0 : 1, k, i;
	char line[4096], shown[512], buf[512];

	ck_assert_uint_eq(count_lines(text, len), s->nrows + head);
	ck_assert(len > 0 && text[len - 1] == '\n');
	if (head) {
		char *p = line, *word;

		ck_assert(nth_line(text, 0, line, sizeof(line)));
		for (i = 0; i < sel->n; i++) {
			word = strtok_r(i == 0 ? line : NULL, " ", &p);
			ck_assert_ptr_nonnull(word);
			ck_assert_str_eq(word, columns[sel->ids[i]].name);
		}
		ck_assert_ptr_null(strtok_r(NULL, " ", &p));
	}
	for (k = 0; k < sizeof(probes) / sizeof(probes[0]); k++) {
		size_t r = probes[k];

		if (r >= s->nrows)
			continue;
		ck_assert(nth_line(text, r + head, line, sizeof(line)));
		for (i = 0; i < sel->n; i++) {
			const char *v = sample_cell(s, r, sel->ids[i], buf,
						    sizeof(buf));

			if (v == NULL || *v == '\0' || !printable_ascii(v))
				continue;
			shown_cell(v, o->raw, shown, sizeof(shown));
			ck_assert_msg(strstr(line, shown) != NULL,
				      "row %zu: no \"%s\" in line %zu: %s", r,
				      shown, r + head + 1, line);
			if (sel->ids[i] == COL_NUM)
				ck_assert_msg(has_word(line, v),
					      "row %zu: row number not a word: %s",
					      r, line);
		}
	}
}

static const struct out_opts modes[] = {
	{ .raw = false, .noheadings = false },
	{ .raw = true, .noheadings = false },
	{ .raw = false, .noheadings = true },
	{ .raw = true, .noheadings = true },
};
#define NMODES (sizeof(modes) / sizeof(modes[0]))

static const char *mode_name(const struct out_opts *o)
{
	return o->raw ? (o->noheadings ? "raw+noheadings" : "raw") :
		(o->noheadings ? "noheadings" : "table");
}

/* Prints s both ways and compares; the reference is checked for sense. */
static void assert_equivalent(const struct sample *s,
			      const struct selection *sel,
			      const struct out_opts *o, bool sane)
{
	char *want, *got, what[128];
	size_t want_len, got_len;

	want = print_added(s, sel, o, &want_len);
	got = print_rows(s, sel, o, &got_len);
	snprintf(what, sizeof(what), "%zu rows, %zu columns, %s", s->nrows,
		 sel->n, mode_name(o));
	assert_same_bytes(want, want_len, got, got_len, what);
	if (sane)
		assert_sane(want, want_len, s, sel, o);
	free(want);
	free(got);
}

static const size_t row_counts[] = {
	10, 1024, 1025, 2048, 2049, 5000, 10007,
};
#define NROW_COUNTS (sizeof(row_counts) / sizeof(row_counts[0]))

static const char *const locales[] = { "C", "C.UTF-8" };
#define NLOCALES (sizeof(locales) / sizeof(locales[0]))

/* C is the runner's locale; fdscope runs in the user's, often UTF-8. */
static void use_locale(const char *loc)
{
	ck_assert_ptr_nonnull(setlocale(LC_CTYPE, loc));
	ck_assert(strcmp(loc, "C") == 0 ? MB_CUR_MAX == 1 : MB_CUR_MAX > 1);
}

START_TEST(test_rows_print_as_added)
{
	size_t n = (size_t)_i;
	const struct sample s = { .nrows = row_counts[n / NMODES % NROW_COUNTS] };

	use_locale(locales[n / NMODES / NROW_COUNTS]);
	assert_equivalent(&s, &selections[0], &modes[n % NMODES], true);
	setlocale(LC_CTYPE, "C");
}
END_TEST

static const size_t other_counts[] = { 10, 1025, 5000 };
#define NOTHER_COUNTS (sizeof(other_counts) / sizeof(other_counts[0]))

START_TEST(test_rows_print_as_added_other_columns)
{
	size_t per_sel = NOTHER_COUNTS * NMODES;
	const struct sample s = {
		.nrows = other_counts[(size_t)_i % per_sel / NMODES],
	};

	assert_equivalent(&s, &selections[1 + (size_t)_i / per_sel],
			  &modes[_i % NMODES], true);
}
END_TEST

/* An array column prints a cell on several lines, in blocks as in one
 * table: each column as wide as its widest line. */
START_TEST(test_array_rows_print_as_added)
{
	const struct sample s = { .nrows = 2049 };
	const struct selection *sel = &selections[3];
	const struct out_opts *o = &modes[_i];
	char *want, *got;
	size_t want_len, got_len;

	ck_assert_ptr_eq(sel->ids, sel_array);
	want = print_added(&s, sel, o, &want_len);
	got = print_rows(&s, sel, o, &got_len);
	assert_same_bytes(want, want_len, got, got_len, mode_name(o));
	/* A table shows an array's second number on a line of its own;
	 * raw output escapes the newline. */
	if (o->raw)
		ck_assert_uint_eq(count_lines(want, want_len),
				  s.nrows + !o->noheadings);
	else
		ck_assert_uint_gt(count_lines(want, want_len),
				  s.nrows + !o->noheadings);
	free(want);
	free(got);
}
END_TEST

START_TEST(test_no_rows_print_as_added)
{
	const struct sample s = { .nrows = 0 };

	assert_equivalent(&s, &selections[0], &modes[_i], false);
}
END_TEST

/* Cells that are not printable ASCII: the whole table in one piece
 * (or raw blocks), in a UTF-8 locale and in C, where out_table escapes
 * bytes >= 0x80 itself.  Each is the widest of its column, so that a
 * width counted in bytes would show. */
static const char *const odd_cells[] = {
	"caf\xc3\xa9 and the widest words of all",
	"tab\there and the widest words of all",
	"del\x7fhere and the widest words of all",
};
#define NODD (sizeof(odd_cells) / sizeof(odd_cells[0]))

START_TEST(test_odd_bytes_print_as_added)
{
	size_t n = (size_t)_i;
	const struct out_opts *o = &modes[n % NMODES];
	size_t odd = n / NMODES % NODD;
	bool early = n / NMODES / NODD % 2;
	const char *loc = locales[n / NMODES / NODD / 2 % NLOCALES];
	struct sample s = { .nrows = 5000, .odd = odd_cells[odd] };

	/* In the first chunk or the last one. */
	s.odd_row = early ? 1 : s.nrows - 2;
	use_locale(loc);
	assert_equivalent(&s, &selections[0], o, true);
	setlocale(LC_CTYPE, "C");
}
END_TEST

/* Threads finish in any order: two runs print the same bytes, with the
 * machine's CPUs and with eight chunks. */
START_TEST(test_rows_print_deterministic)
{
	const struct sample s = { .nrows = 10007 };
	const struct out_opts *o = &modes[_i % NMODES];
	char *first, *second;
	size_t first_len, second_len;

	parallel_fake_cpus = _i < (int)NMODES ? 0 : PARALLEL_MAX_JOBS;
	first = print_rows(&s, &selections[0], o, &first_len);
	second = print_rows(&s, &selections[0], o, &second_len);
	parallel_fake_cpus = 0;
	assert_same_bytes(first, first_len, second, second_len, mode_name(o));
	assert_sane(first, first_len, &s, &selections[0], o);
	free(first);
	free(second);
}
END_TEST

/* More CPUs than this machine may have: up to PARALLEL_MAX_JOBS chunks,
 * printed by as many threads, the later ones buffered. */
static const struct {
	unsigned int cpus;
	size_t nrows;
} many[] = {
	{ 3, 10007 }, { 5, 5000 }, { 8, 10007 }, { 8, 8192 }, { 12, 10007 },
	{ 64, 9216 }, { 8, 2049 },
};
#define NMANY (sizeof(many) / sizeof(many[0]))

START_TEST(test_rows_print_as_added_on_many_cpus)
{
	const struct sample s = { .nrows = many[(size_t)_i / NMODES].nrows };

	parallel_fake_cpus = many[(size_t)_i / NMODES].cpus;
	ck_assert_uint_eq(parallel_cpus(), parallel_fake_cpus);
	assert_equivalent(&s, &selections[0], &modes[_i % NMODES], true);
	parallel_fake_cpus = 0;
}
END_TEST

/* One CPU: one chunk, its blocks all printed by the caller. */
START_TEST(test_rows_print_as_added_on_one_cpu)
{
	const struct sample s = { .nrows = 5000 };
	cpu_set_t orig, one;
	int cpu;

	ck_assert_int_eq(sched_getaffinity(0, sizeof(orig), &orig), 0);
	for (cpu = 0; !CPU_ISSET(cpu, &orig); cpu++)
		;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	ck_assert_int_eq(sched_setaffinity(0, sizeof(one), &one), 0);
	assert_equivalent(&s, &selections[0], &modes[_i], true);
	ck_assert_int_eq(sched_setaffinity(0, sizeof(orig), &orig), 0);
}
END_TEST

/* A terminal's table is fitted to its width as a whole: never in blocks.
 * The 70 columns are fewer than the table needs, so that widths are
 * reduced and cells truncated or wrapped. */
START_TEST(test_tty_rows_print_as_added)
{
	const struct sample s = { .nrows = 2049 };
	const struct out_opts *o = &modes[_i];
	char *want, *got;
	size_t want_len, got_len;

	want = print_on_tty(false, &s, &selections[0], o, &want_len);
	got = print_on_tty(true, &s, &selections[0], o, &got_len);
	assert_same_bytes(want, want_len, got, got_len, mode_name(o));
	/* Raw rows are one per line whatever the width; the table is cut
	 * to the terminal's width, or has more lines than rows. */
	if (!o->raw) {
		char line[4096];
		bool narrow = true;
		size_t i;

		for (i = 0; i < 10 && nth_line(want, i, line, sizeof(line)); i++)
			narrow = narrow && strlen(line) <= 70 + 1;
		ck_assert_msg(narrow || count_lines(want, want_len) >
			      s.nrows + !o->noheadings,
			      "the table was not fitted to 70 columns");
	}
	free(want);
	free(got);
}
END_TEST

/* JSON is never cut into blocks, with number arrays or without. */
START_TEST(test_json_rows_print_as_added)
{
	const struct sample s = { .nrows = 2049 };
	const struct selection *sel = &selections[_i ? 3 : 0];
	const struct out_opts o = { .json = true };
	char *want, *got;
	size_t want_len, got_len;

	want = print_added(&s, sel, &o, &want_len);
	got = print_rows(&s, sel, &o, &got_len);
	assert_same_bytes(want, want_len, got, got_len, "json");
	ck_assert_msg(strncmp(want, "{\n   \"rows\": [", 14) == 0,
		      "not JSON: %.40s", want);
	ck_assert_ptr_nonnull(strstr(want, "\"num\": 2048,"));
	free(want);
	free(got);
}
END_TEST

/* A record's JSON is libsmartcols' own one-line table: the same bytes as
 * a table of that one row, in the one schema {"name": [{...}]}, with a
 * number field holding a word printed as a string. */
static const char *record_cell(const void *row, int col, char *buf,
			       size_t len)
{
	(void)row;
	(void)buf;
	(void)len;
	switch (col) {
	case COL_NUM:
		return "42";
	case COL_WORDS:
		return "two words";
	case COL_HINT:
		return NULL;
	default:
		return "x";
	}
}

static const struct out_column record_cols[] = {
	{ "NUM", 0, OUT_RIGHT, OUT_JSON_NUMBER, "a number" },
	{ "SOFT", 0, OUT_RIGHT, OUT_JSON_NUMBER, "a word in a number field" },
};

static const char *record_word_cell(const void *row, int col, char *buf,
				    size_t len)
{
	(void)row;
	(void)buf;
	(void)len;
	return col == 0 ? "7" : "unlimited";
}

START_TEST(test_record_json_is_a_one_line_table)
{
	static const int sel[] = { COL_NUM, COL_WORDS, COL_HINT };
	static const int both[] = { 0, 1 };
	const struct out_opts o = { .json = true };
	struct capture c;
	struct out_table *t;
	char *record, *table;
	size_t rlen, tlen;

	capture_start(&c);
	ck_assert_int_eq(out_record_print("rec", columns, sel, 3, &o, NULL,
					  record_cell), 0);
	record = capture_end(&c, &rlen);
	capture_start(&c);
	t = out_table_new("rec", columns, sel, 3, &o);
	out_table_add(t, NULL, record_cell);
	ck_assert_int_eq(out_table_print(t), 0);
	out_table_free(t);
	table = capture_end(&c, &tlen);
	ck_assert_str_eq(record, table);
	ck_assert_str_eq(record, "{\n   \"rec\": [\n      {\n"
			 "         \"num\": 42,\n"
			 "         \"words\": \"two words\",\n"
			 "         \"hint\": null\n      }\n   ]\n}\n");
	free(record);
	free(table);
	capture_start(&c);
	ck_assert_int_eq(out_record_print("limits", record_cols, both, 2, &o,
					  NULL, record_word_cell), 0);
	record = capture_end(&c, &rlen);
	ck_assert_str_eq(record, "{\n   \"limits\": [\n      {\n"
			 "         \"num\": 7,\n"
			 "         \"soft\": \"unlimited\"\n      }\n   ]\n}\n");
	free(record);
}
END_TEST

/* One JSON schema everywhere: an object of one member, named after what
 * is listed, holding an array of row objects. */
static void assert_one_schema(const char *cmd, const char *opt,
			      const char *name)
{
	struct run_result r;
	struct json *doc;
	const struct json *rows;
	size_t i;

	run_fdscope(&r, cmd, "-J", opt, NULL);
	ck_assert_msg(r.status == 0, "%s -J %s: %s", cmd, opt ? opt : "", r.err);
	doc = json_parse(r.out);
	ck_assert_msg(doc != NULL && doc->kind == JSON_OBJECT && doc->n == 1,
		      "%s -J %s: %s", cmd, opt ? opt : "", r.out);
	ck_assert_str_eq(doc->keys[0], name);
	rows = json_get(doc, name);
	ck_assert(rows->kind == JSON_ARRAY && rows->n >= 1);
	for (i = 0; i < rows->n; i++)
		ck_assert_int_eq(json_at(rows, i)->kind, JSON_OBJECT);
	json_free(doc);
	run_result_release(&r);
}

START_TEST(test_json_one_schema_for_every_command)
{
	assert_one_schema("list", NULL, "descriptors");
	assert_one_schema("limits", NULL, "limits");
	assert_one_schema("list", "--list-columns", "columns");
	assert_one_schema("limits", "--list-columns", "columns");
}
END_TEST

/* fit_most (list's tables): one 4000-byte cell, one rare wide cell and
 * a column empty in whole blocks must not pad every row: the table stays
 * within 1.1 times the raw output, one line per row, every cell whole,
 * each row number a word; without fit_most the same table is over 1.1
 * times (so the test can fail).  A table already within budget is drawn
 * as libsmartcols draws it. */
START_TEST(test_fit_most_output_follows_content)
{
	static char odd[4001];
	struct sample s = { .nrows = 5000, .odd = odd, .odd_row = 17 };
	struct out_opts text = { .fit_most = true }, raw = { .raw = true };
	struct out_opts plain = { .fit_most = false };
	/* Numbers keep their widths: the hint column's outlier is not in. */
	static const int wide[] = {
		COL_NUM, COL_SHORT, COL_BLOCKY, COL_WORDS, COL_NOTE, COL_LAST,
	};
	const struct selection words = SELECTION(wide), *sel = &words;
	static const int few[] = { COL_NUM, COL_LAST };
	const struct selection in_budget = SELECTION(few);
	char *fit, *r, *full, line[8192], num[32];
	size_t fit_len, raw_len, full_len, i;

	memset(odd, 'w', sizeof(odd) - 1);
	fit = print_rows(&s, sel, &text, &fit_len);
	r = print_rows(&s, sel, &raw, &raw_len);
	full = print_rows(&s, sel, &plain, &full_len);
	ck_assert_msg(fit_len * 10 <= raw_len * 11,
		      "fit_most: %zu bytes against raw %zu", fit_len, raw_len);
	ck_assert_msg(full_len * 10 > raw_len * 11,
		      "without fit_most: %zu bytes against raw %zu (the test "
		      "cannot fail)", full_len, raw_len);
	ck_assert_uint_eq(count_lines(fit, fit_len), s.nrows + 1);
	ck_assert(nth_line(fit, 17 + 1, line, sizeof(line)));
	ck_assert_ptr_nonnull(strstr(line, odd));
	for (i = 0; i < s.nrows; i += 997) {
		snprintf(num, sizeof(num), "%zu", i);
		ck_assert(nth_line(fit, i + 1, line, sizeof(line)));
		ck_assert_msg(has_word(line, num), "row %zu: %s", i, line);
	}
	free(fit);
	free(r);
	free(full);
	/* Within budget: the very bytes of the reference. */
	s.odd = NULL;
	fit = print_rows(&s, &in_budget, &text, &fit_len);
	full = print_added(&s, &in_budget, &plain, &full_len);
	assert_same_bytes(full, full_len, fit, fit_len, "fit_most in budget");
	free(fit);
	free(full);
}
END_TEST

Suite *table_suite(void)
{
	Suite *s = suite_create("table");
	TCase *tc = tcase_create("print_rows");

	/* Each test prints at most two tables of 10007 rows; the time is
	 * for sanitizer builds. */
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_rows_print_as_added, 0,
			    (int)(NLOCALES * NROW_COUNTS * NMODES));
	tcase_add_loop_test(tc, test_rows_print_as_added_other_columns, 0,
			    (int)(2 * NOTHER_COUNTS * NMODES));
	tcase_add_loop_test(tc, test_array_rows_print_as_added, 0,
			    (int)NMODES);
	tcase_add_loop_test(tc, test_no_rows_print_as_added, 0, (int)NMODES);
	tcase_add_loop_test(tc, test_odd_bytes_print_as_added, 0,
			    (int)(2 * 2 * NODD * NMODES));
	tcase_add_loop_test(tc, test_rows_print_deterministic, 0,
			    (int)(2 * NMODES));
	tcase_add_loop_test(tc, test_rows_print_as_added_on_many_cpus, 0,
			    (int)(NMANY * NMODES));
	tcase_add_loop_test(tc, test_rows_print_as_added_on_one_cpu, 0,
			    (int)NMODES);
	tcase_add_loop_test(tc, test_json_rows_print_as_added, 0, 2);
	tcase_add_loop_test(tc, test_tty_rows_print_as_added, 0, (int)NMODES);
	tcase_add_test(tc, test_fit_most_output_follows_content);
	suite_add_tcase(s, tc);
	tc = tcase_create("record");
	tcase_add_test(tc, test_record_json_is_a_one_line_table);
	tcase_add_test(tc, test_json_one_schema_for_every_command);
	suite_add_tcase(s, tc);
	return s;
}
