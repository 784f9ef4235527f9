/* Tables and JSON through libsmartcols.  Nothing else in fdscope includes
 * libsmartcols.h: commands pass column tables and a cell callback, and the
 * JSON types, key names and escaping are decided here once. */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <libsmartcols.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/parallel.h"
#include "lib/util.h"
#include "out/escape.h"
#include "out/table.h"

/* Large enough for an escaped PATH_MAX name (4 bytes per byte). */
#define CELL_MAX (4 * 4096 + 64)

struct out_table {
	struct libscols_table *tb;
	const struct out_column *cols;
	const int *selected;
	size_t nselected;
	struct out_opts o;
	bool ascii_only;	/* escape bytes >= 0x80 in cells */
};

bool out_opts_take(struct out_opts *o, int c, const char *arg)
{
	switch (c) {
	case 'J':
		o->json = true;
		o->raw = false;
		return true;
	case 'r':
		o->raw = !o->json;
		return true;
	case 'n':
		o->noheadings = true;
		return true;
	case 'o':
		o->columns = arg;
		return true;
	case OUT_OPT_LIST_COLUMNS:
		o->list_columns = true;
		return true;
	case OUT_OPT_NOTRUNCATE:
		o->notruncate = true;
		return true;
	default:
		return false;
	}
}

static int find_column(const struct out_column *cols, size_t ncols,
		       const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ncols; i++)
		if (strlen(cols[i].name) == len &&
		    strncasecmp(cols[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

int out_select(const struct out_column *cols, size_t ncols,
	       const int *defaults, size_t ndefaults, const char *list,
	       int *selected, size_t *nselected)
{
	const char *p = list;
	size_t n = 0;

	if (list == NULL || *list == '+') {
		memcpy(selected, defaults, ndefaults * sizeof(*defaults));
		n = ndefaults;
		if (list)
			p++;
	}
	if (list != NULL && *p == '\0') {
		warnx("empty column list for --output; see --list-columns");
		return -1;
	}
	while (p && *p) {
		size_t len = strcspn(p, ",");
		int id = find_column(cols, ncols, p, len);

		if (id < 0) {
			/* A name is short: what is echoed back is too. */
			char *esc = escape_bytes(p, len > 32 ? 32 : len);

			warnx("unknown column '%s%s'%s; see --list-columns", esc,
			      len > 32 ? "..." : "",
			      len > 32 ? " (cut: no column name is that long)" : "");
			free(esc);
			return -1;
		}
		if (n == OUT_MAX_COLUMNS) {
			warnx("too many columns for --output (at most %d)",
			      OUT_MAX_COLUMNS);
			return -1;
		}
		selected[n++] = id;
		p += len;
		if (*p == ',')
			p++;
	}
	*nselected = n;
	return 0;
}

bool out_term_dumb(void)
{
	const char *term = getenv("TERM");

	return term != NULL && strcmp(term, "dumb") == 0;
}

bool out_term_controls(void)
{
	return isatty(STDOUT_FILENO) && !out_term_dumb();
}

bool out_use_color(void)
{
	return getenv("NO_COLOR") == NULL && out_term_controls();
}

static int scols_json_type(enum out_json_type t)
{
	switch (t) {
	case OUT_JSON_NUMBER:
		return SCOLS_JSON_NUMBER;
	case OUT_JSON_BOOLEAN:
		/* null, not false, when the value is unknown */
		return SCOLS_JSON_BOOLEAN_OPTIONAL;
	case OUT_JSON_ARRAY_NUMBER:
		return SCOLS_JSON_ARRAY_NUMBER;
	case OUT_JSON_ARRAY_STRING:
		return SCOLS_JSON_ARRAY_STRING;
	default:
		return SCOLS_JSON_STRING;
	}
}

static void lower_copy(char *dst, const char *src, size_t len)
{
	size_t i;

	for (i = 0; src[i] && i + 1 < len; i++)
		dst[i] = (char)tolower((unsigned char)src[i]);
	dst[i] = '\0';
}

/* NULL when libsmartcols cannot: block printer threads hand that back. */
static struct libscols_table *new_scols_table(const char *json_name,
					      const struct out_opts *o)
{
	struct libscols_table *tb = scols_new_table();

	if (tb == NULL)
		return NULL;
	scols_table_enable_json(tb, o->json);
	/* -J wins over -r, as in lsfd. */
	scols_table_enable_raw(tb, o->raw && !o->json);
	scols_table_enable_noheadings(tb, o->noheadings);
	/* Cells are escaped by fdscope already (escape_into): encoding them
	 * again would turn "\x0a" into "\x5cx0a".  Raw cells are decoded
	 * back to bytes (set_decoded) and escaped once by print_raw. */
	scols_table_enable_noencoding(tb, !o->raw);
	scols_table_enable_colors(tb, !o->json && !o->raw && out_use_color());
	/* Whole cells on a terminal are laid out as off one: fitting the
	 * terminal's width would otherwise break rows into several lines. */
	if (o->notruncate)
		scols_table_set_termforce(tb, SCOLS_TERMFORCE_NEVER);
	if (json_name)
		scols_table_set_name(tb, json_name);
	return tb;
}

/* --notruncate keeps every cell whole on a terminal too: no column may
 * then be cut or wrapped to fit it. */
static int column_flags(const struct out_column *c, const struct out_opts *o)
{
	int fl = 0;

	if (c->flags & OUT_RIGHT)
		fl |= SCOLS_FL_RIGHT;
	if (o->notruncate)
		return fl;
	if (c->flags & OUT_TRUNC)
		fl |= SCOLS_FL_TRUNC;
	if (c->flags & OUT_WRAP)
		fl |= SCOLS_FL_WRAP;
	return fl;
}

static bool is_array(const struct out_column *c)
{
	return c->json == OUT_JSON_ARRAY_NUMBER || c->json == OUT_JSON_ARRAY_STRING;
}

/* libsmartcols splits an array cell into elements at its wrap points,
 * newlines; a table prints each on a line of its own and makes the
 * column as wide as the widest.  -1 when libsmartcols cannot. */
static int set_multiline(struct libscols_column *cl, int fl)
{
	if (scols_column_set_flags(cl, fl | SCOLS_FL_WRAP) != 0 ||
	    scols_column_set_wrapfunc(cl, scols_wrapnl_chunksize,
				      scols_wrapnl_nextchunk, NULL) != 0)
		return -1;
	return 0;
}

static struct libscols_column *add_column(struct libscols_table *tb,
					  const struct out_column *c,
					  const struct out_opts *o,
					  bool first)
{
	struct libscols_column *cl;
	char name[64];
	int fl = column_flags(c, o);

	/* JSON keys are the column names in lower case, as lsfd's are. */
	if (o->json)
		lower_copy(name, c->name, sizeof(name));
	else
		snprintf(name, sizeof(name), "%s", c->name);
	cl = scols_table_new_column(tb, name, c->whint, fl);
	if (cl == NULL)
		errx(EXIT_FAIL, "cannot create an output column");
	/* A string cell, and each element of an array of strings, is given
	 * as a JSON literal made by escape_json_into: libsmartcols' own
	 * string escaping passes C1, bidi controls and invalid UTF-8 through,
	 * and would double ours. */
	scols_column_set_json_type(cl, c->json == OUT_JSON_STRING ?
				   SCOLS_JSON_NUMBER :
				   c->json == OUT_JSON_ARRAY_STRING ?
				   SCOLS_JSON_ARRAY_NUMBER : scols_json_type(c->json));
	if (is_array(c) && set_multiline(cl, fl) < 0)
		errx(EXIT_FAIL, "cannot create an output column");
	if (first)
		scols_column_set_color(cl, "bold");
	return cl;
}

struct out_table *out_table_new(const char *json_name,
				const struct out_column *cols,
				const int *selected, size_t nselected,
				const struct out_opts *o)
{
	struct out_table *t = xcalloc(1, sizeof(*t));
	size_t i;

	t->tb = new_scols_table(json_name, o);
	if (t->tb == NULL)
		errx(EXIT_FAIL, "cannot create an output table");
	t->o = *o;
	t->cols = cols;
	t->selected = selected;
	t->nselected = nselected;
	/* libsmartcols measures cells with mbrtowc: in a locale without UTF-8
	 * (C, POSIX) a non-ASCII byte makes 2.38 loop forever, so such bytes
	 * are escaped for tables.  JSON is UTF-8 by definition, and raw
	 * output has libsmartcols escape them itself. */
	t->ascii_only = !o->json && !o->raw && MB_CUR_MAX == 1;
	for (i = 0; i < nselected; i++)
		add_column(t->tb, &cols[selected[i]], o, i == 0);
	return t;
}

static bool has_high_byte(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return true;
	return false;
}

/* Escapes bytes >= 0x80 as \xHH; everything else was escaped already. */
static const char *ascii_copy(const char *v, char *out, size_t len)
{
	size_t o = 0;

	for (; *v && o + 5 < len; v++) {
		if ((unsigned char)*v >= 0x80)
			o += (size_t)snprintf(out + o, len - o, "\\x%02x",
					      (unsigned char)*v);
		else
			out[o++] = *v;
	}
	out[o] = '\0';
	return out;
}

/* A cell for JSON or raw output: back to the kernel's bytes, then JSON's
 * escaping (a string literal libsmartcols prints as it is) or, for raw,
 * the bytes themselves for print_raw: either is escaped once.  Returns 0,
 * or -1 when memory runs out. */
static int set_decoded(const struct out_table *t, struct libscols_line *ln,
		       size_t i, const char *v)
{
	size_t n = strlen(v), k;
	char *bytes = malloc(n + 1), *json = NULL;
	int rc = -1;

	if (bytes == NULL)
		return -1;
	n = escape_decode(bytes, n, v);
	if (t->o.json) {
		json = malloc(6 * n + 3);
		if (json != NULL) {
			escape_json_into(json, 6 * n + 3, bytes, n);
			rc = scols_line_set_data(ln, i, json) == 0 ? 0 : -1;
		}
	} else {
		/* A NUL inside an abstract socket name: '@', as ss shows it. */
		for (k = 0; k < n; k++)
			if (bytes[k] == '\0')
				bytes[k] = '@';
		bytes[n] = '\0';
		rc = scols_line_set_data(ln, i, bytes) == 0 ? 0 : -1;
	}
	free(json);
	free(bytes);
	return rc;
}

/* An array-of-strings cell for JSON: each element (one a line, in the
 * text form) back to the kernel's bytes and made a literal by
 * escape_json_into, as a string cell is; the column is declared an array
 * of numbers so that libsmartcols prints the literals as they are.
 * Returns 0, or -1 when memory runs out. */
static int set_json_array(struct libscols_line *ln, size_t i, const char *v)
{
	size_t n = strlen(v), off = 0, m;
	char *elems = strdup(v), *bytes = malloc(n + 1);
	/* 6 bytes a byte and 3 for the quotes and the separator, each. */
	size_t cap = 9 * n + 4;
	char *json = malloc(cap), *p, *nl;
	int rc = -1;

	if (elems == NULL || bytes == NULL || json == NULL)
		goto cleanup;
	for (p = elems; p != NULL; p = nl) {
		nl = strchr(p, '\n');
		if (nl != NULL)
			*nl++ = '\0';
		m = escape_decode(bytes, n, p);
		off += escape_json_into(json + off, cap - off, bytes, m);
		if (nl != NULL)
			json[off++] = '\n';
	}
	json[off] = '\0';
	rc = scols_line_set_data(ln, i, json) == 0 ? 0 : -1;
cleanup:
	free(json);
	free(bytes);
	free(elems);
	return rc;
}

/* Cell i of a line; v NULL leaves it empty.  Cells hold the text form of
 * out/escape.h, which a terminal table prints as it is.  Returns 0, or -1
 * when libsmartcols cannot (out of memory). */
static int set_cell(const struct out_table *t, struct libscols_line *ln,
		    size_t i, const char *v)
{
	char ascii[CELL_MAX];

	if (v == NULL)
		return 0;
	if (*v != '\0' && t->o.json &&
	    t->cols[t->selected[i]].json == OUT_JSON_ARRAY_STRING)
		return set_json_array(ln, i, v);
	if (*v != '\0' && (t->o.json ?
	    t->cols[t->selected[i]].json == OUT_JSON_STRING : t->o.raw))
		return set_decoded(t, ln, i, v);
	if (t->ascii_only && has_high_byte(v))
		v = ascii_copy(v, ascii, sizeof(ascii));
	return scols_line_set_data(ln, i, v) == 0 ? 0 : -1;
}

/* A line filled by cell(row...); NULL when libsmartcols cannot. */
static struct libscols_line *try_line(const struct out_table *t,
				      struct libscols_table *tb,
				      const void *row, out_cell_fn cell)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	char buf[CELL_MAX];
	size_t i;

	for (i = 0; ln != NULL && i < t->nselected; i++)
		if (set_cell(t, ln, i, cell(row, t->selected[i], buf,
					    sizeof(buf))) < 0)
			return NULL;
	return ln;
}

/* In the thread that owns the table (never a worker): a failure ends
 * fdscope here. */
static void add_line(struct out_table *t, const void *row, out_cell_fn cell)
{
	if (try_line(t, t->tb, row, cell) == NULL)
		errx(EXIT_FAIL, "cannot create an output line");
}

void out_table_add(struct out_table *t, const void *row, out_cell_fn cell)
{
	add_line(t, row, cell);
}

static bool has_array_column(const struct out_table *t)
{
	size_t i;

	for (i = 0; i < t->nselected; i++)
		if (is_array(&t->cols[t->selected[i]]))
			return true;
	return false;
}

/* Length of the JSON string starting at the quote s[0], quotes included. */
static size_t json_string_len(const char *s)
{
	size_t i = 1;

	while (s[i] && s[i] != '"')
		i += s[i] == '\\' && s[i + 1] ? 2 : 1;
	return s[i] ? i + 1 : i;
}

/* libsmartcols 2.38 prints an empty array cell as [null]; an array never
 * holds null otherwise (strings are quoted), so every "[ null ]" outside a string
 * becomes "[]". */
static void print_fixing_empty_arrays(const char *s)
{
	const char *p = s;

	while (*p) {
		const char *q, *close;
		size_t n = strcspn(p, "[\"");

		fwrite(p, 1, n, stdout);
		p += n;
		if (*p == '"') {
			n = json_string_len(p);
			fwrite(p, 1, n, stdout);
			p += n;
			continue;
		}
		if (*p == '\0')
			break;
		q = p + 1 + strspn(p + 1, " \n");
		close = q + 4;
		if (strncmp(q, "null", 4) == 0 &&
		    *(close += strspn(close, " \n")) == ']') {
			fputs("[]", stdout);
			p = close + 1;
		} else {
			fputc('[', stdout);
			p++;
		}
	}
}

static int print_json_arrays(struct out_table *t)
{
	char *s = NULL;
	int rc = scols_print_table_to_string(t->tb, &s);

	if (rc != 0 || s == NULL) {
		free(s);
		errno = rc < 0 ? -rc : EIO;
		return -1;
	}
	print_fixing_empty_arrays(s);
	fputc('\n', stdout);
	free(s);
	return out_flush_stdout();
}

/* A pipe or socket whose reader has gone: poll says POLLERR (or POLLHUP
 * for a socket) on the writing end. */
static bool stdout_reader_gone(void)
{
	struct pollfd p = { .fd = STDOUT_FILENO, .events = POLLOUT };

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP));
}

int out_flush_stdout(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	/* errno is the last call's, not the failed write's when that was
	 * earlier (stdio's buffer went out in a former call). */
	if (errno != EPIPE)
		errno = stdout_reader_gone() ? EPIPE : errno ? errno : EIO;
	return -1;
}

/* One raw field: the cell's bytes in escape_raw_into's form. */
static void put_raw_field(FILE *out, const char *v, bool first)
{
	char buf[CELL_MAX];

	if (!first)
		fputc(' ', out);
	if (v == NULL)
		return;
	escape_raw_into(buf, sizeof(buf), v, strlen(v));
	fputs(buf, out);
}

/* Raw rows.  libsmartcols 2.38's raw output escapes every byte above 0x7f,
 * printable CJK included, so fdscope writes raw rows itself from the
 * table's cells (the kernel's bytes, see set_decoded), with the same \xHH
 * convention for blanks and the backslash and the one rule for the rest:
 * escaped once. */
static int print_raw(struct libscols_table *tb, FILE *out, bool header)
{
	struct libscols_iter *it = scols_new_iter(SCOLS_ITER_FORWARD);
	size_t n = scols_table_get_ncols(tb), i;
	struct libscols_line *ln;

	if (it == NULL) {
		errno = ENOMEM;
		return -1;
	}
	if (header) {
		for (i = 0; i < n; i++)
			put_raw_field(out, scols_cell_get_data(scols_column_get_header(
				scols_table_get_column(tb, i))), i == 0);
		fputc('\n', out);
	}
	while (scols_table_next_line(tb, it, &ln) == 0) {
		for (i = 0; i < n; i++)
			put_raw_field(out, scols_cell_get_data(scols_line_get_cell(ln, i)),
				      i == 0);
		fputc('\n', out);
	}
	scols_free_iter(it);
	return ferror(out) ? -1 : 0;
}

int out_table_print(struct out_table *t)
{
	int rc;

	if (scols_table_is_json(t->tb) && has_array_column(t))
		return print_json_arrays(t);
	if (t->o.raw && !t->o.json)
		return print_raw(t->tb, stdout, !t->o.noheadings);
	rc = scols_print_table(t->tb);

	if (rc != 0) {
		errno = rc < 0 ? -rc : EIO;
		return -1;
	}
	return 0;
}

/* Large tables.  libsmartcols measures every cell of a table twice, with
 * mbrtowc and wcwidth per character, and keeps a line, a cell array and a
 * copy of every text until the end: for 19000 rows that was half of
 * `list`'s time and a third of its memory.  So a large table is cut into
 * blocks of BLOCK_ROWS lines, each a libsmartcols table of its own that is
 * printed and freed at once, and the blocks are shared between threads.
 * Every block must come out as wide as the whole table would have: the
 * texts are formatted first (in parallel too), the widths worked out from
 * them, and each block's columns get those widths as strict hints and no
 * header (a header would be a minimum width of its own); the header line
 * is the first block's first line.  This holds when a width is a length:
 * printable ASCII only (raw output has no widths to agree on), a
 * multi-line cell (an array) measured by its widest line as libsmartcols
 * does, off a terminal (a terminal's table is fitted to its width as a
 * whole), no JSON.  Any other table is printed in one piece. */
#define BLOCK_ROWS 1024
#define NO_VALUE UINT32_MAX
/* fit_most (fit_widths): cell widths counted up to FIT_WIDTHS - 1 (wider
 * ones in the last count). */
#define FIT_WIDTHS 256
#define FIT_OUTLIERS 100
#define FIT_BUDGET 10

struct out_chunk {
	const struct out_table *t;
	const void *ctx;
	out_row_fn cell;
	size_t lo, hi;			/* rows [lo, hi) */
	char *text;			/* the cells' texts, NUL-terminated */
	size_t len, cap;
	uint32_t *off;			/* per row and column: into text */
	size_t width[OUT_MAX_COLUMNS];	/* longest text of each column */
	uint32_t (*fit)[FIT_WIDTHS];	/* fit_most: cells per column and width */
	bool plain;			/* printable ASCII only */
	const size_t *widths;		/* the whole table's */
	char *buffered;			/* what the chunk printed */
	size_t nbuffered;
	int error;			/* errno of a failed format or print */
};

static void count_width(struct out_chunk *ch, size_t col, size_t width)
{
	ch->fit[col][width < FIT_WIDTHS ? width : FIT_WIDTHS - 1]++;
}

/* Block printer threads never exit: a failure is left in ch->error for
 * the thread that started them, which reports it once they all stopped.
 * A multi-line cell's width is its widest line, as libsmartcols measures
 * it (scols_wrapnl_chunksize); its newlines are the lines' ends. */
static uint32_t keep_text(struct out_chunk *ch, size_t col, const char *v,
			  bool multiline)
{
	size_t len = 0, line = 0, widest = 0;
	uint32_t at;

	for (; v[len]; len++) {
		unsigned char c = (unsigned char)v[len];

		if (c == '\n' && multiline) {
			/* An empty line is left to libsmartcols. */
			if (len == line || v[len + 1] == '\0')
				ch->plain = false;
			if (len - line > ch->width[col])
				ch->width[col] = len - line;
			if (len - line > widest)
				widest = len - line;
			line = len + 1;
			continue;
		}
		if (c < 0x20 || c >= 0x7f)
			ch->plain = false;
	}
	if (len - line > ch->width[col])
		ch->width[col] = len - line;
	if (ch->fit)
		count_width(ch, col, len - line > widest ? len - line : widest);
	if (len >= NO_VALUE - ch->len) {
		ch->error = EFBIG;	/* over 4 GiB of text in one chunk */
		return NO_VALUE;
	}
	if (ch->len + len + 1 > ch->cap) {
		size_t cap = ch->cap ? ch->cap * 2 : 65536;
		char *grown;

		if (cap < ch->len + len + 1)
			cap = ch->len + len + 1;
		grown = try_realloc(ch->text, cap);
		if (grown == NULL) {
			ch->error = ENOMEM;
			return NO_VALUE;
		}
		ch->text = grown;
		ch->cap = cap;
	}
	at = (uint32_t)ch->len;
	memcpy(ch->text + ch->len, v, len + 1);
	ch->len += len + 1;
	return at;
}

static void *format_chunk(void *arg)
{
	struct out_chunk *ch = arg;
	size_t n = ch->t->nselected, r, i;
	char buf[CELL_MAX];
	bool multi[OUT_MAX_COLUMNS];

	ch->plain = true;
	ch->off = try_calloc((ch->hi - ch->lo) * n + 1, sizeof(*ch->off));
	if (ch->off == NULL) {
		ch->error = ENOMEM;
		return NULL;
	}
	if (ch->t->o.fit_most &&
	    (ch->fit = try_calloc(n, sizeof(*ch->fit))) == NULL) {
		ch->error = ENOMEM;
		return NULL;
	}
	for (i = 0; i < n; i++)
		multi[i] = is_array(&ch->t->cols[ch->t->selected[i]]);
	for (r = ch->lo; r < ch->hi && ch->error == 0; r++)
		for (i = 0; i < n; i++) {
			const char *v = ch->cell(ch->ctx, r, ch->t->selected[i],
						 buf, sizeof(buf));

			if (v == NULL && ch->fit)
				count_width(ch, i, 0);
			ch->off[(r - ch->lo) * n + i] =
				v ? keep_text(ch, i, v, multi[i]) : NO_VALUE;
		}
	return NULL;
}

static const char *chunk_text(const struct out_chunk *ch, size_t r, size_t i)
{
	uint32_t at = ch->off[(r - ch->lo) * ch->t->nselected + i];

	return at == NO_VALUE ? NULL : ch->text + at;
}

/* The width libsmartcols 2.38 gives a column off a terminal: its longest
 * cell or its header, whichever is wider, widened to the hint when the
 * hint is an absolute width above both. */
static size_t table_width(const struct out_column *c, size_t longest)
{
	size_t head = strlen(c->name);

	if (longest < head)
		return head;
	if (c->whint >= 1 && longest < (size_t)c->whint &&
	    head < (size_t)c->whint)
		return (size_t)c->whint;
	return longest;
}

/* NULL when libsmartcols cannot. */
static struct libscols_table *new_block(const struct out_table *t,
					const size_t *widths, FILE *out)
{
	struct libscols_table *tb = try_alloc_fails() ? NULL :
		new_scols_table(NULL, &t->o);
	size_t i;

	if (tb == NULL)
		return NULL;
	scols_table_enable_noheadings(tb, 1);
	if (scols_table_set_stream(tb, out) != 0)
		goto fail;
	for (i = 0; i < t->nselected; i++) {
		const struct out_column *c = &t->cols[t->selected[i]];
		int fl = column_flags(c, &t->o) | SCOLS_FL_STRICTWIDTH;
		struct libscols_column *cl =
			scols_table_new_column(tb, NULL, (double)widths[i], fl);

		if (cl == NULL || (is_array(c) && set_multiline(cl, fl) < 0))
			goto fail;
	}
	return tb;
fail:
	scols_unref_table(tb);
	return NULL;
}

/* Fills block tb with rows [r, end) of the chunk (and the header line
 * first, in the first block); -1 when libsmartcols cannot. */
static int fill_block(const struct out_chunk *ch, struct libscols_table *tb,
		      size_t r, size_t end)
{
	const struct out_table *t = ch->t;
	struct libscols_line *ln;
	size_t k, i;

	if (r == 0 && !t->o.noheadings) {
		if ((ln = scols_table_new_line(tb, NULL)) == NULL)
			return -1;
		for (i = 0; i < t->nselected; i++)
			if (set_cell(t, ln, i, t->cols[t->selected[i]].name) < 0)
				return -1;
	}
	for (k = r; k < end; k++) {
		if ((ln = scols_table_new_line(tb, NULL)) == NULL)
			return -1;
		for (i = 0; i < t->nselected; i++)
			if (set_cell(t, ln, i, chunk_text(ch, k, i)) < 0)
				return -1;
	}
	return 0;
}

/* Every chunk, the first too, prints into memory: nothing reaches stdout
 * until every thread is done and none failed, so that a failure leaves
 * no partial line behind. */
static void *print_chunk(void *arg)
{
	struct out_chunk *ch = arg;
	FILE *out = try_alloc_fails() ? NULL :
		open_memstream(&ch->buffered, &ch->nbuffered);
	size_t r;

	if (out == NULL) {
		ch->error = errno ? errno : ENOMEM;
		return NULL;
	}
	for (r = ch->lo; r < ch->hi && ch->error == 0; r += BLOCK_ROWS) {
		size_t end = r + BLOCK_ROWS < ch->hi ? r + BLOCK_ROWS : ch->hi;
		struct libscols_table *tb = new_block(ch->t, ch->widths, out);
		int rc;

		if (tb == NULL || fill_block(ch, tb, r, end) < 0) {
			ch->error = ENOMEM;
			scols_unref_table(tb);
			break;
		}
		if (ch->t->o.raw && !ch->t->o.json) {
			rc = print_raw(tb, out, false) < 0 ? errno : 0;
			if (rc != 0)
				ch->error = rc;
		} else {
			rc = scols_print_table(tb);
			if (rc != 0)
				ch->error = rc < 0 ? -rc : EIO;
		}
		scols_unref_table(tb);
	}
	if (fclose(out) != 0 && ch->error == 0)
		ch->error = errno;
	return NULL;
}

/* Plain blocks are drawn here, as libsmartcols 2.38 draws them off a
 * terminal, since its drawing (a width per character, a line object per
 * row) cost over 40 000 instructions a row, most of `list`'s time: cells
 * padded with blanks to the column's width (on the left when right-
 * aligned), one blank between columns, a left-aligned last column not
 * padded; a multi-line cell goes on on the next lines, whose other cells
 * are blank (nothing at all in the last column).  check_table compares
 * every layout with libsmartcols' own. */
struct out_buf {
	char *s;
	size_t len, cap;
	bool failed;		/* out of memory: the rest is dropped */
};

static bool buf_grow(struct out_buf *b, size_t more)
{
	size_t cap;
	char *grown;

	if (b->failed)
		return false;
	if (b->len + more <= b->cap)
		return true;
	cap = b->cap ? b->cap * 2 : 65536;
	if (cap < b->len + more)
		cap = b->len + more;
	grown = try_realloc(b->s, cap);
	if (grown == NULL) {
		b->failed = true;
		return false;
	}
	b->s = grown;
	b->cap = cap;
	return true;
}

/* Nothing to add is not a call to make: the buffer may not exist yet. */
static void buf_put(struct out_buf *b, const char *s, size_t len)
{
	if (len == 0 || !buf_grow(b, len))
		return;
	memcpy(b->s + b->len, s, len);
	b->len += len;
}

static void buf_pad(struct out_buf *b, size_t n)
{
	if (n == 0 || !buf_grow(b, n))
		return;
	memset(b->s + b->len, ' ', n);
	b->len += n;
}

/* One row, from its cells' texts (NULL: empty).  A cell wider than its
 * column (fit_most) pushes the next cells right; they take the overrun
 * out of their padding, so that the row is back in line as soon as it
 * can be. */
static void draw_row(struct out_buf *b, const struct out_table *t,
		     const size_t *widths, const char **cur)
{
	size_t n = t->nselected, i;
	bool first = true, more;

	do {
		size_t at = 0, start = 0;	/* where this cell is, should be */

		more = false;
		for (i = 0; i < n; i++) {
			const struct out_column *c = &t->cols[t->selected[i]];
			const char *v = cur[i];
			bool last = i + 1 == n, right = c->flags & OUT_RIGHT;
			size_t len = 0, width = widths[i], over, pad;

			over = at > start ? at - start : 0;
			start += width + 1;
			if (!first && v == NULL) {
				/* A blank cell under a row's first line. */
				if (!last) {
					pad = width > over ? width - over : 0;
					buf_pad(b, pad);
					buf_put(b, " ", 1);
					at += pad + 1;
				}
				continue;
			}
			if (v)
				len = is_array(c) ? strcspn(v, "\n") : strlen(v);
			pad = width > over + len ? width - over - len : 0;
			if (last && !right)
				pad = 0;
			if (right)
				buf_pad(b, pad);
			if (v)
				buf_put(b, v, len);
			if (!right)
				buf_pad(b, pad);
			if (!last)
				buf_put(b, " ", 1);
			at += pad + len + 1;
			if (v && v[len] == '\n') {
				cur[i] = v + len + 1;
				more = true;
			} else {
				cur[i] = NULL;
			}
		}
		buf_put(b, "\n", 1);
		first = false;
	} while (more);
}

static void *draw_chunk(void *arg)
{
	struct out_chunk *ch = arg;
	const struct out_table *t = ch->t;
	struct out_buf b = { .failed = try_alloc_fails() };
	const char *cur[OUT_MAX_COLUMNS];
	size_t r, i;

	if (ch->lo == 0 && !t->o.noheadings) {
		for (i = 0; i < t->nselected; i++)
			cur[i] = t->cols[t->selected[i]].name;
		draw_row(&b, t, ch->widths, cur);
	}
	for (r = ch->lo; r < ch->hi && !b.failed; r++) {
		for (i = 0; i < t->nselected; i++)
			cur[i] = chunk_text(ch, r, i);
		draw_row(&b, t, ch->widths, cur);
	}
	if (b.failed)
		ch->error = ENOMEM;
	ch->buffered = b.s;
	ch->nbuffered = b.len;
	return NULL;
}

/* Whether draw_chunk may draw the table: plain texts, no raw escaping,
 * no colour, and no right-aligned multi-line column (libsmartcols puts
 * a right-aligned cell's later lines on the left). */
static bool drawable(const struct out_table *t)
{
	size_t i;

	if (t->o.raw || out_use_color())
		return false;
	for (i = 0; i < t->nselected; i++) {
		const struct out_column *c = &t->cols[t->selected[i]];

		if (is_array(c) && (c->flags & OUT_RIGHT))
			return false;
	}
	return true;
}

/* The table in one piece, from the formatted texts. */
static int print_whole(struct out_table *t, const struct out_chunk *chunks,
		       size_t nchunks)
{
	size_t k, r, i;

	for (k = 0; k < nchunks; k++)
		for (r = chunks[k].lo; r < chunks[k].hi; r++) {
			struct libscols_line *ln = scols_table_new_line(t->tb, NULL);

			for (i = 0; ln != NULL && i < t->nselected; i++)
				if (set_cell(t, ln, i, chunk_text(&chunks[k], r, i)) < 0)
					ln = NULL;
			if (ln == NULL)
				errx(EXIT_FAIL, "cannot create an output line");
		}
	return out_table_print(t);
}

/* fit_most: how many of column i's cells are w wide (the last count:
 * FIT_WIDTHS - 1 or wider), over every chunk. */
static void fit_counts(const struct out_chunk *chunks, size_t nchunks,
		       size_t i, size_t *cnt)
{
	size_t w, k;

	for (w = 0; w < FIT_WIDTHS; w++)
		for (cnt[w] = 0, k = 0; k < nchunks; k++)
			cnt[w] += chunks[k].fit[i][w];
}

/* The blanks that a column of width w adds to cells narrower than it. */
static size_t fit_padding(const size_t *cnt, size_t w)
{
	size_t pad = 0, v;

	for (v = 0; v < w && v < FIT_WIDTHS; v++)
		pad += cnt[v] * (w - v);
	return pad;
}

/* Column i's padding at widths[i] (none in a left-aligned last column). */
static size_t fit_column_padding(const struct out_table *t, size_t i,
				 const size_t *cnt, size_t width)
{
	if (i + 1 == t->nselected &&
	    !(t->cols[t->selected[i]].flags & OUT_RIGHT))
		return 0;
	return fit_padding(cnt, width);
}

/* fit_most: when the blanks that align the columns exceed 1 / FIT_BUDGET
 * of the text, each left-aligned column is made as wide as all but 1 in
 * FIT_OUTLIERS of its cells (and its header); then, while still over,
 * the left-aligned column that adds most is narrowed, below its header if
 * need be.  Numbers (right-aligned) keep their columns: they are narrow,
 * and read down a column.  Output then follows content: about 1 + 1 /
 * FIT_BUDGET times the raw output's size where the numbers leave room.
 * Without memory the widths stay. */
static void fit_widths(const struct out_table *t,
		       const struct out_chunk *chunks, size_t nchunks,
		       size_t *widths)
{
	size_t (*cnt)[FIT_WIDTHS] = try_calloc(t->nselected, sizeof(*cnt));
	size_t pad[OUT_MAX_COLUMNS], n = t->nselected, cells = 0, text = 0;
	size_t total = 0, i, k, w;

	if (cnt == NULL)
		return;
	for (k = 0; k < nchunks; k++) {
		cells += chunks[k].hi - chunks[k].lo;
		text += chunks[k].len;	/* every cell's text and a NUL */
	}
	for (i = 0; i < n; i++) {
		fit_counts(chunks, nchunks, i, cnt[i]);
		total += fit_column_padding(t, i, cnt[i], widths[i]);
	}
	if (total <= text / FIT_BUDGET)
		goto done;
	total = 0;
	for (i = 0; i < n; i++) {
		size_t wider = cells;

		if (t->cols[t->selected[i]].flags & OUT_RIGHT) {
			total += fit_column_padding(t, i, cnt[i], widths[i]);
			pad[i] = 0;	/* never narrowed */
			continue;
		}
		for (w = 0; w < FIT_WIDTHS - 1 && w < widths[i]; w++) {
			wider -= cnt[i][w];
			if (wider <= cells / FIT_OUTLIERS)
				break;
		}
		widths[i] = table_width(&t->cols[t->selected[i]], w);
		if (widths[i] > FIT_WIDTHS - 1)
			widths[i] = FIT_WIDTHS - 1;
		pad[i] = fit_column_padding(t, i, cnt[i], widths[i]);
		total += pad[i];
	}
	while (total > text / FIT_BUDGET) {
		size_t most = 0;

		for (i = 1; i < n; i++)
			if (pad[i] > pad[most])
				most = i;
		if (pad[most] == 0)
			break;
		widths[most]--;
		total -= pad[most];
		pad[most] = fit_column_padding(t, most, cnt[most], widths[most]);
		total += pad[most];
	}
done:
	free(cnt);
}

static int print_blocks(struct out_table *t, struct out_chunk *chunks,
			size_t nchunks, bool plain)
{
	size_t widths[OUT_MAX_COLUMNS], k, i;
	bool drawn = plain && drawable(t);
	int error = 0;

	for (i = 0; i < t->nselected; i++) {
		size_t longest = 0;

		for (k = 0; k < nchunks; k++)
			if (chunks[k].width[i] > longest)
				longest = chunks[k].width[i];
		widths[i] = table_width(&t->cols[t->selected[i]], longest);
	}
	if (drawn && t->o.fit_most)
		fit_widths(t, chunks, nchunks, widths);
	for (k = 0; k < nchunks; k++)
		chunks[k].widths = widths;
	parallel_run(drawn ? draw_chunk : print_chunk, chunks,
		     sizeof(*chunks), nchunks);
	for (k = 0; k < nchunks && error == 0; k++)
		error = chunks[k].error;
	for (k = 0; k < nchunks && error == 0; k++)
		if (fwrite(chunks[k].buffered, 1, chunks[k].nbuffered,
			   stdout) != chunks[k].nbuffered)
			error = errno;
	errno = error;
	return error ? -1 : 0;
}

static bool blocks_apply(const struct out_table *t, size_t nrows)
{
	return nrows > BLOCK_ROWS && !t->o.json && !isatty(STDOUT_FILENO);
}

int out_table_print_rows(struct out_table *t, const void *ctx, size_t nrows,
			 out_row_fn cell)
{
	struct out_chunk chunks[PARALLEL_MAX_JOBS];
	size_t nchunks, k;
	bool plain = true;
	int rc;

	if (!blocks_apply(t, nrows)) {
		char buf[CELL_MAX];
		size_t r, i;

		for (r = 0; r < nrows; r++) {
			struct libscols_line *ln = scols_table_new_line(t->tb, NULL);

			for (i = 0; ln != NULL && i < t->nselected; i++)
				if (set_cell(t, ln, i, cell(ctx, r, t->selected[i],
							    buf, sizeof(buf))) < 0)
					ln = NULL;
			if (ln == NULL)
				errx(EXIT_FAIL, "cannot create an output line");
		}
		return out_table_print(t);
	}
	nchunks = parallel_jobs(nrows, BLOCK_ROWS);
	memset(chunks, 0, sizeof(chunks));
	for (k = 0; k < nchunks; k++)
		chunks[k] = (struct out_chunk){
			.t = t, .ctx = ctx, .cell = cell,
			.lo = nrows * k / nchunks, .hi = nrows * (k + 1) / nchunks,
		};
	parallel_run(format_chunk, chunks, sizeof(*chunks), nchunks);
	rc = 0;
	for (k = 0; k < nchunks; k++) {
		plain = plain && chunks[k].plain;
		if (rc == 0 && chunks[k].error != 0) {
			errno = chunks[k].error;
			rc = -1;
		}
	}
	if (rc == 0)
		rc = plain || t->o.raw ? print_blocks(t, chunks, nchunks, plain) :
			print_whole(t, chunks, nchunks);
	for (k = 0; k < nchunks; k++) {
		free(chunks[k].text);
		free(chunks[k].off);
		free(chunks[k].fit);
		free(chunks[k].buffered);
	}
	return rc;
}

void out_table_free(struct out_table *t)
{
	if (t == NULL)
		return;
	scols_unref_table(t->tb);
	free(t);
}

/* A record's number field may hold a word ("unlimited"): that one field is
 * printed as a JSON string, which a table cannot do per row. */
static void retype_non_numbers(struct out_table *t, const void *row,
			       out_cell_fn cell)
{
	char buf[512];
	size_t i;

	for (i = 0; i < t->nselected; i++) {
		const char *v;

		if (t->cols[t->selected[i]].json != OUT_JSON_NUMBER)
			continue;
		v = cell(row, t->selected[i], buf, sizeof(buf));
		if (v != NULL && (*v == '+' || !is_decimal(v, true)))
			scols_column_set_json_type(scols_table_get_column(t->tb, i),
						   SCOLS_JSON_STRING);
	}
}

struct record_row {
	const struct out_column *col;
	const char *value;
	char *help;		/* the description wrapped at words, or NULL */
};

/* The width to fit a record to: the terminal's, else $COLUMNS; 0 for
 * none (a pipe without COLUMNS), with --notruncate or -r. */
static size_t record_width(const struct out_opts *o)
{
	struct winsize ws;
	const char *c = getenv("COLUMNS");
	char *end;
	long v;

	if (o->notruncate || o->raw)
		return 0;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col > 0)
		return ws.ws_col;
	if (c == NULL || *c == '\0')
		return 0;
	errno = 0;
	v = strtol(c, &end, 10);
	return errno == 0 && *end == '\0' && v > 0 && v < 100000 ? (size_t)v : 0;
}

/* The columns left for DESCRIPTION after FIELD and VALUE (one space
 * between columns), or 0 when the descriptions need not be wrapped. */
/* The columns a third, DESCRIPTION, column gets on a line width wide
 * after columns w1 and w2 wide (one space between columns); 0 when its
 * widest text wd fits, or when too little is left to wrap usefully
 * (libsmartcols then does what it can). */
static size_t description_room(size_t width, size_t w1, size_t w2, size_t wd)
{
	if (w1 + w2 + wd + 2 <= width)
		return 0;
	return width > w1 + w2 + 2 + 16 ? width - w1 - w2 - 2 : 0;
}

static size_t record_room(const struct out_column *cols, const int *selected,
			  size_t nselected, const struct out_opts *o,
			  const void *row, out_cell_fn cell)
{
	size_t width = record_width(o), wf = strlen("FIELD"),
	       wv = strlen("VALUE"), wd = strlen("DESCRIPTION"), i;
	char buf[512];

	if (width == 0)
		return 0;
	for (i = 0; i < nselected; i++) {
		const char *v = cell(row, selected[i], buf, sizeof(buf));
		size_t n = strlen(cols[selected[i]].name);

		wf = n > wf ? n : wf;
		n = v ? strlen(v) : 1;
		wv = n > wv ? n : wv;
		n = cols[selected[i]].help ? strlen(cols[selected[i]].help) : 0;
		wd = n > wd ? n : wd;
	}
	return description_room(width, wf, wv, wd);
}

/* text with newlines between words so that no line is wider than cols;
 * a word longer than that is broken after a comma where it has one
 * (`KIND,TIMEms,RETRANSMITS`), else stands alone.  A new string. */
static char *wrap_words(const char *text, size_t cols)
{
	char *out = NULL;
	size_t len = 0, line = 0;
	const char *p = text ? text : "";
	bool glued = false;	/* p continues the word just written */

	xappendf(&out, &len, "%s", "");
	while (*p) {
		size_t n = strcspn(p, " "), cut = n;
		size_t sep = line && !glued ? 1 : 0;
		const char *comma = n > cols ? memrchr(p, ',', cols) : NULL;

		if (comma)
			cut = (size_t)(comma - p) + 1;
		if (line && line + sep + cut > cols) {
			xappendf(&out, &len, "\n");
			line = 0;
		} else if (sep) {
			xappendf(&out, &len, " ");
			line++;
		}
		xappendf(&out, &len, "%.*s", (int)cut, p);
		line += cut;
		p += cut;
		glued = cut < n;
		while (!glued && *p == ' ')
			p++;
	}
	return out;
}

static const char *record_cell(const void *row, int col, char *buf,
			       size_t len)
{
	const struct record_row *r = row;

	(void)buf;
	(void)len;
	switch (col) {
	case 0:
		return r->col->name;
	case 1:
		return r->value;
	default:
		return r->help ? r->help : r->col->help;
	}
}

static const char *json_type_name(enum out_json_type t)
{
	return t == OUT_JSON_NUMBER ? "number" :
		t == OUT_JSON_BOOLEAN ? "boolean" :
		t == OUT_JSON_ARRAY_NUMBER ? "array of numbers" :
		t == OUT_JSON_ARRAY_STRING ? "array of strings" : "string";
}

/* The columns left for DESCRIPTION after NAME and TYPE, or 0 when the
 * descriptions fit (or need not: JSON, -r, a pipe without COLUMNS). */
static size_t column_list_room(const struct out_column *cols, size_t ncols,
			       const struct out_opts *o)
{
	size_t width = o->json ? 0 : record_width(o), wn = strlen("NAME"),
	       wt = strlen("TYPE"), wd = strlen("DESCRIPTION"), i, n;

	if (width == 0)
		return 0;
	for (i = 0; i < ncols; i++) {
		n = strlen(cols[i].name);
		wn = n > wn ? n : wn;
		n = strlen(json_type_name(cols[i].json));
		wt = n > wt ? n : wt;
		n = cols[i].help ? strlen(cols[i].help) : 0;
		wd = n > wd ? n : wd;
	}
	return description_room(width, wn, wt, wd);
}

int out_list_columns(const struct out_column *cols, size_t ncols,
		     const struct out_opts *o)
{
	static const struct out_column meta[] = {
		{ "NAME", 0, 0, OUT_JSON_STRING, "column name" },
		{ "TYPE", 0, 0, OUT_JSON_STRING, "JSON type" },
		{ "DESCRIPTION", 0, OUT_WRAP, OUT_JSON_STRING, "what it shows" },
	};
	static const int all[] = { 0, 1, 2 };
	struct out_table *t = out_table_new("columns", meta, all, 3, o);
	size_t i, room = column_list_room(cols, ncols, o);
	int rc;

	if (room && set_multiline(scols_table_get_column(t->tb, 2), 0) < 0)
		room = 0;
	for (i = 0; i < ncols; i++) {
		struct record_row r = { &cols[i], json_type_name(cols[i].json),
					NULL };

		if (room)
			r.help = wrap_words(cols[i].help, room);
		out_table_add(t, &r, record_cell);
		free(r.help);
	}
	rc = out_table_print(t);
	out_table_free(t);
	return rc;
}

int out_record_print(const char *json_name, const struct out_column *cols,
		     const int *selected, size_t nselected,
		     const struct out_opts *o, const void *row,
		     out_cell_fn cell)
{
	static const struct out_column meta[] = {
		{ "FIELD", 0, 0, OUT_JSON_STRING, NULL },
		{ "VALUE", 0, 0, OUT_JSON_STRING, NULL },
		{ "DESCRIPTION", 0, OUT_WRAP, OUT_JSON_STRING, NULL },
	};
	static const int all[] = { 0, 1, 2 };
	struct out_table *t;
	char buf[512];
	size_t i, room;
	int rc;

	if (o->json) {
		t = out_table_new(json_name, cols, selected, nselected, o);
		/* A one-line table, as every JSON fdscope prints: the one
		 * schema {"name": [ {...} ]}, formatted by libsmartcols. */
		retype_non_numbers(t, row, cell);
		out_table_add(t, row, cell);
		rc = out_table_print(t);
		out_table_free(t);
		return rc;
	}
	t = out_table_new(NULL, meta, all, 3, o);
	room = record_room(cols, selected, nselected, o, row, cell);
	if (room && set_multiline(scols_table_get_column(t->tb, 2), 0) < 0)
		room = 0;
	for (i = 0; i < nselected; i++) {
		struct record_row r = { &cols[selected[i]], NULL, NULL };

		r.value = cell(row, selected[i], buf, sizeof(buf));
		if (r.value == NULL)
			r.value = "-";
		if (room)
			r.help = wrap_words(r.col->help, room);
		out_table_add(t, &r, record_cell);
		free(r.help);
	}
	rc = out_table_print(t);
	out_table_free(t);
	return rc;
}
