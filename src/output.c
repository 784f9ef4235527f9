/* Tables and JSON through libsmartcols.  Nothing else in fdscope includes
 * libsmartcols.h: commands pass column tables and a cell callback, and the
 * JSON types, key names and escaping are decided here once. */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <libsmartcols.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output.h"
#include "util.h"

struct out_table {
	struct libscols_table *tb;
	const struct out_column *cols;
	const int *selected;
	size_t nselected;
	bool ascii_only;	/* escape bytes >= 0x80 in cells */
};

bool out_opts_take(struct out_opts *o, int c, const char *arg)
{
	switch (c) {
	case 'J':
		o->json = true;
		return true;
	case 'r':
		o->raw = true;
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
			char *esc = escape_bytes(p, len);

			warnx("unknown column '%s'; see --list-columns", esc);
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

bool out_is_selected(const int *selected, size_t nselected, int id)
{
	size_t i;

	for (i = 0; i < nselected; i++)
		if (selected[i] == id)
			return true;
	return false;
}

bool out_use_color(void)
{
	const char *nc = getenv("NO_COLOR");

	return isatty(STDOUT_FILENO) && (nc == NULL || *nc == '\0');
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

static struct libscols_table *new_scols_table(const char *json_name,
					      const struct out_opts *o)
{
	struct libscols_table *tb = scols_new_table();

	if (tb == NULL)
		errx(EXIT_FAIL, "cannot create an output table");
	scols_table_enable_json(tb, o->json);
	scols_table_enable_raw(tb, o->raw);
	scols_table_enable_noheadings(tb, o->noheadings);
	/* Cells are escaped by fdscope already (escape_into): encoding them
	 * again would turn "\x0a" into "\x5cx0a".  Raw output keeps its
	 * own convention of escaping blanks. */
	scols_table_enable_noencoding(tb, !o->raw);
	scols_table_enable_colors(tb, !o->json && !o->raw && out_use_color());
	if (json_name)
		scols_table_set_name(tb, json_name);
	return tb;
}

static struct libscols_column *add_column(struct libscols_table *tb,
					  const struct out_column *c,
					  const struct out_opts *o,
					  bool first)
{
	struct libscols_column *cl;
	char name[64];
	int fl = 0;

	if (c->flags & OUT_RIGHT)
		fl |= SCOLS_FL_RIGHT;
	if (c->flags & OUT_TRUNC)
		fl |= SCOLS_FL_TRUNC;
	if (c->flags & OUT_WRAP)
		fl |= SCOLS_FL_WRAP;
	/* JSON keys are the column names in lower case, as lsfd's are. */
	if (o->json)
		lower_copy(name, c->name, sizeof(name));
	else
		snprintf(name, sizeof(name), "%s", c->name);
	cl = scols_table_new_column(tb, name, c->whint, fl);
	if (cl == NULL)
		errx(EXIT_FAIL, "cannot create an output column");
	scols_column_set_json_type(cl, scols_json_type(c->json));
	/* libsmartcols splits an array cell into elements at its wrap
	 * points: newlines. */
	if (c->json == OUT_JSON_ARRAY_NUMBER &&
	    (scols_column_set_flags(cl, fl | SCOLS_FL_WRAP) != 0 ||
	     scols_column_set_wrapfunc(cl, scols_wrapnl_chunksize,
				       scols_wrapnl_nextchunk, NULL) != 0))
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

void out_table_add(struct out_table *t, const void *row, out_cell_fn cell)
{
	struct libscols_line *ln = scols_table_new_line(t->tb, NULL);
	/* Large enough for an escaped PATH_MAX name (4 bytes per byte). */
	char buf[4 * 4096 + 64], ascii[4 * 4096 + 64];
	size_t i;

	if (ln == NULL)
		errx(EXIT_FAIL, "cannot create an output line");
	for (i = 0; i < t->nselected; i++) {
		const char *v = cell(row, t->selected[i], buf, sizeof(buf));

		if (v != NULL && t->ascii_only && has_high_byte(v))
			v = ascii_copy(v, ascii, sizeof(ascii));
		if (v != NULL && scols_line_set_data(ln, i, v) != 0)
			errx(EXIT_FAIL, "cannot fill an output cell");
	}
}

static bool has_array_column(const struct out_table *t)
{
	size_t i;

	for (i = 0; i < t->nselected; i++)
		if (t->cols[t->selected[i]].json == OUT_JSON_ARRAY_NUMBER)
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

/* libsmartcols 2.38 prints an empty array cell as [null]; a number array
 * never holds null otherwise, so every "[ null ]" outside a string
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
	/* fflush leaves the errno of the failed write (EPIPE...). */
	if (fflush(stdout) != 0 || ferror(stdout))
		return -1;
	return 0;
}

int out_table_print(struct out_table *t)
{
	int rc;

	if (scols_table_is_json(t->tb) && has_array_column(t))
		return print_json_arrays(t);
	rc = scols_print_table(t->tb);

	if (rc != 0) {
		errno = rc < 0 ? -rc : EIO;
		return -1;
	}
	return 0;
}

void out_table_free(struct out_table *t)
{
	if (t == NULL)
		return;
	scols_unref_table(t->tb);
	free(t);
}

static const char *column_list_cell(const void *row, int col, char *buf,
				    size_t len)
{
	const struct out_column *c = row;

	switch (col) {
	case 0:
		return c->name;
	case 1:
		snprintf(buf, len, "%s", c->json == OUT_JSON_NUMBER ? "number" :
			 c->json == OUT_JSON_BOOLEAN ? "boolean" :
			 c->json == OUT_JSON_ARRAY_NUMBER ? "array of numbers" :
			 "string");
		return buf;
	default:
		return c->help;
	}
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
	size_t i;
	int rc;

	for (i = 0; i < ncols; i++)
		out_table_add(t, &cols[i], column_list_cell);
	rc = out_table_print(t);
	out_table_free(t);
	return rc;
}

/* libsmartcols prints a named table as {"name": [ {...} ]}.  A record is
 * one line of such a table with its array brackets taken away, so the
 * values are still formatted and escaped by libsmartcols. */
static int print_json_object(struct libscols_table *tb)
{
	char *s = NULL, *open_br, *first, *close_br, *last;
	int rc = scols_print_table_to_string(tb, &s);

	if (rc != 0 || s == NULL) {
		free(s);
		errno = rc < 0 ? -rc : EIO;
		return -1;
	}
	open_br = strchr(s, '[');
	first = open_br ? strchr(open_br, '{') : NULL;
	close_br = strrchr(s, ']');
	last = close_br;
	while (last && last > s && *last != '}')
		last--;
	if (first == NULL || last == NULL || close_br < first || last < first) {
		free(s);
		errno = EPROTO;
		return -1;
	}
	/* "name": [\n {...}\n ]  becomes  "name": {...} */
	fwrite(s, 1, (size_t)(open_br - s), stdout);
	fwrite(first, 1, (size_t)(last + 1 - first), stdout);
	fputs(close_br + 1, stdout);
	free(s);
	return ferror(stdout) ? -1 : 0;
}

static bool is_json_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
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
		if (v != NULL && !is_json_number(v))
			scols_column_set_json_type(scols_table_get_column(t->tb, i),
						   SCOLS_JSON_STRING);
	}
}

struct record_row {
	const struct out_column *col;
	const char *value;
};

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
		return r->col->help;
	}
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
	size_t i;
	int rc;

	if (o->json) {
		t = out_table_new(json_name, cols, selected, nselected, o);
		retype_non_numbers(t, row, cell);
		out_table_add(t, row, cell);
		rc = print_json_object(t->tb);
		out_table_free(t);
		return rc;
	}
	t = out_table_new(NULL, meta, all, 3, o);
	for (i = 0; i < nselected; i++) {
		struct record_row r = { &cols[selected[i]], NULL };

		r.value = cell(row, selected[i], buf, sizeof(buf));
		if (r.value == NULL)
			r.value = "-";
		out_table_add(t, &r, record_cell);
	}
	rc = out_table_print(t);
	out_table_free(t);
	return rc;
}
