/* JSON strings for the hand-written reports, by the one rule: the exact
 * bytes as a literal of escape_json_into (controls, bidi and zero-width
 * characters as \uHHHH), whether the caller holds them as they are or in
 * the escaper's text form, which is decoded first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "out/escape.h"
#include "out/jsonw.h"

static void put_literal(FILE *f, const char *bytes, size_t len)
{
	size_t cap = 6 * len + 3;
	char *json = xmalloc(cap);

	escape_json_into(json, cap, bytes, len);
	fputs(json, f);
	free(json);
}

void jsonw_escaped(FILE *f, const char *escaped)
{
	size_t len;
	char *bytes;

	if (escaped == NULL) {
		fputs("null", f);
		return;
	}
	len = strlen(escaped);
	bytes = xmalloc(len + 1);
	len = escape_decode(bytes, len, escaped);
	put_literal(f, bytes, len);
	free(bytes);
}

void jsonw_str(FILE *f, const char *text)
{
	if (text == NULL) {
		fputs("null", f);
		return;
	}
	put_literal(f, text, strlen(text));
}

void jsonw_kv_escaped(FILE *f, int first, const char *key, const char *escaped)
{
	fprintf(f, "%s\"%s\":", first ? "" : ",", key);
	jsonw_escaped(f, escaped);
}

void jsonw_kv_str(FILE *f, int first, const char *key, const char *text)
{
	fprintf(f, "%s\"%s\":", first ? "" : ",", key);
	jsonw_str(f, text);
}

void jsonw_kv_ll(FILE *f, int first, const char *key, long long v)
{
	fprintf(f, "%s\"%s\":%lld", first ? "" : ",", key, v);
}
