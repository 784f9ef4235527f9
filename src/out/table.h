/* Output: the only module that knows libsmartcols.  Commands describe their
 * columns once in a table, collect plain data, and hand rows over as
 * strings through a callback; this module does -o, --json, --raw,
 * --noheadings, --list-columns and colour. */
#ifndef FDSCOPE_OUTPUT_H
#define FDSCOPE_OUTPUT_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum out_json_type {
	OUT_JSON_STRING,
	OUT_JSON_NUMBER,
	OUT_JSON_BOOLEAN,
	/* A cell of newline-separated numbers ("0\n1\n2"), printed in JSON
	 * as [0, 1, 2]; an empty cell is the empty array []. */
	OUT_JSON_ARRAY_NUMBER,
	/* A cell of newline-separated entries, one per line in a table (the
	 * column as wide as its widest entry), an array of strings in JSON
	 * and one field with the newlines escaped (\x0a) in raw output. */
	OUT_JSON_ARRAY_STRING,
};

enum {
	OUT_RIGHT = 1 << 0,	/* right-aligned (numbers) */
	OUT_TRUNC = 1 << 1,	/* may be truncated on a terminal */
	OUT_WRAP = 1 << 2,	/* may wrap on a terminal */
};

/* Boolean cells hold "yes" or "no"; JSON prints them as true and false. */
struct out_column {
	const char *name;	/* upper case; JSON key is its lower case */
	double whint;		/* width hint as libsmartcols takes it */
	unsigned int flags;
	enum out_json_type json;
	const char *help;
};

#define OUT_MAX_COLUMNS 128

struct out_opts {
	bool json, raw, noheadings, list_columns;
	bool notruncate;	/* --notruncate: no cell cut to the terminal */
	/* A large plain table off a terminal: each column as wide as 99 in
	 * 100 of its cells, a wider cell pushing the rest of its row right
	 * (no padding of every row to one outlier). */
	bool fit_most;
	const char *columns;	/* the -o argument, or NULL */
};

/* Long options shared by every command that prints rows. */
#define OUT_OPT_LIST_COLUMNS 0x1000
/* Long only (lsof's -u is taken): { "notruncate", no_argument, NULL,
 * OUT_OPT_NOTRUNCATE } in a command's options, OUT_NOTRUNCATE_HELP in its
 * help. */
#define OUT_OPT_NOTRUNCATE 0x1001
#define OUT_NOTRUNCATE_HELP \
	"      --notruncate       do not cut long cells to the terminal's width\n"
#define OUT_SHORT_OPTIONS "Jrno:"
#define OUT_LONG_OPTIONS \
	{ "json", no_argument, NULL, 'J' }, \
	{ "raw", no_argument, NULL, 'r' }, \
	{ "noheadings", no_argument, NULL, 'n' }, \
	{ "output", required_argument, NULL, 'o' }, \
	{ "list-columns", no_argument, NULL, OUT_OPT_LIST_COLUMNS }

/* The --help lines for those options. */
#define OUT_OPTIONS_HELP \
	"  -J, --json             print JSON\n" \
	"  -r, --raw              print raw rows: no alignment, spaces escaped\n" \
	"                         (-J wins over -r, as in lsfd)\n" \
	"  -n, --noheadings       print no header line\n" \
	"  -o, --output LIST      columns to print; +LIST adds to the default\n" \
	"      --list-columns     list the columns and what they mean\n"

/* Takes one getopt result; returns true when it was an output option.
 * -J wins over -r whatever their order, as in lsfd. */
bool out_opts_take(struct out_opts *o, int c, const char *arg);

/* Resolves -o against the column table.  defaults lists the column ids
 * printed when -o is absent; "+LIST" appends to them.  Returns 0, or -1
 * after printing a usage error naming the unknown column. */
int out_select(const struct out_column *cols, size_t ncols,
	       const int *defaults, size_t ndefaults, const char *list,
	       int *selected, size_t *nselected);

/* Prints the column table (name, JSON type, meaning) for --list-columns,
 * itself as a table or JSON. */
int out_list_columns(const struct out_column *cols, size_t ncols,
		     const struct out_opts *o);

/* Returns the text of cell (row, column id) in buf, or NULL for "no value"
 * (empty in a table, null in JSON). */
typedef const char *(*out_cell_fn)(const void *row, int col, char *buf,
				   size_t len);

struct out_table;

/* A table whose JSON form is {"json_name": [ {row}, ... ]}. */
struct out_table *out_table_new(const char *json_name,
				const struct out_column *cols,
				const int *selected, size_t nselected,
				const struct out_opts *o);
void out_table_add(struct out_table *t, const void *row, out_cell_fn cell);
/* Prints to stdout; returns 0 or -1 with errno. */
int out_table_print(struct out_table *t);

/* Returns the text of cell (row number i, column id) as out_cell_fn does.
 * It may be called from several threads at once: it must only read. */
typedef const char *(*out_row_fn)(const void *ctx, size_t i, int col,
				  char *buf, size_t len);

/* Prints rows 0 to nrows - 1 to stdout, exactly as adding each with
 * out_table_add and printing would, on a table no row was added to.  A
 * large table is formatted and printed in parallel, in blocks, without
 * holding all of it in libsmartcols at once.  Returns 0 or -1 with errno. */
int out_table_print_rows(struct out_table *t, const void *ctx, size_t nrows,
			 out_row_fn cell);
void out_table_free(struct out_table *t);

/* A single record.  As text: one line per selected field, FIELD VALUE and
 * the column's help; as JSON a table of one line, in the schema of every
 * table: {"json_name": [{"field": value, ...}]}. */
int out_record_print(const char *json_name, const struct out_column *cols,
		     const int *selected, size_t nselected,
		     const struct out_opts *o, const void *row,
		     out_cell_fn cell);

/* Whether to colour: stdout is a terminal, NO_COLOR is not set (to any
 * value, even empty: no-color.org) and TERM is not "dumb". */
bool out_use_color(void);

/* Whether stdout is a terminal that takes control sequences (cursor
 * moves, clearing): not one whose TERM is "dumb".  NO_COLOR is about
 * colour only. */
bool out_term_controls(void);

/* TERM is "dumb": a terminal that takes no control sequence at all. */
bool out_term_dumb(void);

/* Flushes stdout: 0, or -1 with errno, EPIPE when the reader has gone
 * (also when stdio saw that in an earlier write). */
int out_flush_stdout(void);

#endif
