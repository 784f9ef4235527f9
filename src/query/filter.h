/* The -Q expression language of `list`, as lsfd's: comparisons of columns
 * (named as in -o) with strings, numbers and booleans, joined by and, or,
 * not and parentheses.  Parsed once against a column table; evaluated per
 * row through a callback that gives the cell texts, so that this module
 * never knows how a row is stored. */
#ifndef FDSCOPE_QUERY_FILTER_H
#define FDSCOPE_QUERY_FILTER_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "out/table.h"

struct filter;

/* Where and why parsing failed: pos is the byte offset into the
 * expression of the token that could not be taken. */
struct filter_error {
	size_t pos;
	char msg[160];
};

/* Parses expr against the columns; returns NULL with err filled in. */
struct filter *filter_parse(const char *expr, const struct out_column *cols,
			    size_t ncols, struct filter_error *err);
void filter_free(struct filter *f);

/* Prints "fdscope: PREFIX: MESSAGE at column N", the expression and a caret
 * under the failing column, escaped, on fp. */
void filter_print_error(FILE *fp, const char *prefix, const char *expr,
			const struct filter_error *err);

/* The text of column col for the row in ctx: returns 0 with *val set (NULL
 * for "no value"), or -1 when the value is not known yet (collection has
 * not read it): the expression is then decided without it if it can be. */
typedef int (*filter_get_fn)(const void *ctx, int col, char *buf, size_t len,
			     const char **val);

enum filter_result { FILTER_FALSE, FILTER_TRUE, FILTER_UNKNOWN };

enum filter_result filter_eval(const struct filter *f, filter_get_fn get,
			       const void *ctx);

/* Compiles an extended regular expression for =~, !~ and -c /REGEX/,
 * refusing what glibc would compile only with unbounded memory.  Returns
 * 0, or -1 with the reason in msg. */
#define FILTER_REGEX_MAX 1024
int filter_regex_compile(regex_t *re, const char *pattern, char *msg,
			 size_t len);

/* What a message echoes of a user's value: escaped, its first 64 bytes
 * and "..." after when longer, as the command line's other echoes.  The
 * caller frees it. */
#define QUERY_ECHO_MAX 64
char *query_echo(const char *s, size_t n);

/* True when the expression names column col. */
bool filter_uses(const struct filter *f, int col);

#endif
