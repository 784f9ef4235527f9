/* Writing JSON by hand where a libsmartcols table does not fit: nested
 * reports (`exec`) and one object per line (`watch -J`).  Strings are
 * literals of escape_json_into: the exact bytes, JSON-escaped once. */
#ifndef FDSCOPE_OUT_JSONW_H
#define FDSCOPE_OUT_JSONW_H

#include <stddef.h>
#include <stdio.h>

/* Writes text (or null for NULL) as a JSON literal. */
void jsonw_str(FILE *f, const char *text);

/* Writes "key": "text" with a leading comma unless first. */
void jsonw_kv_str(FILE *f, int first, const char *key, const char *text);
void jsonw_kv_ll(FILE *f, int first, const char *key, long long v);

/* The same for text in the escaper's text form (names kept escaped for
 * the table): decoded to the exact bytes first, so that JSON never
 * carries the text form's \xHH and \u{HHHH}. */
void jsonw_escaped(FILE *f, const char *escaped);
void jsonw_kv_escaped(FILE *f, int first, const char *key, const char *escaped);

#endif
