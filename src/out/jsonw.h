/* Writing JSON by hand where a libsmartcols table does not fit: nested
 * reports (`exec`) and one object per line (`watch -J`).  Strings go
 * through the one escaper first, then get JSON's quoting. */
#ifndef FDSCOPE_OUT_JSONW_H
#define FDSCOPE_OUT_JSONW_H

#include <stddef.h>
#include <stdio.h>

/* Writes "text" (or null for NULL), escaped and quoted. */
void jsonw_str(FILE *f, const char *text);

/* Writes "key": "text" with a leading comma unless first. */
void jsonw_kv_str(FILE *f, int first, const char *key, const char *text);
void jsonw_kv_ll(FILE *f, int first, const char *key, long long v);

/* The same for text that already went through the escaper (names kept
 * escaped for the table): only JSON's quoting is added, so that a
 * backslash the escaper wrote is not escaped twice. */
void jsonw_escaped(FILE *f, const char *escaped);
void jsonw_kv_escaped(FILE *f, int first, const char *key, const char *escaped);

#endif
