/* JSON strings for the hand-written reports.  escape_str leaves only
 * printable text and valid UTF-8, with backslashes; JSON's own quoting of
 * the quote and the backslash is all that remains. */
#include <stdio.h>
#include <stdlib.h>

#include "lib/util.h"
#include "out/escape.h"
#include "out/jsonw.h"

void jsonw_escaped(FILE *f, const char *escaped)
{
	const char *p;

	if (escaped == NULL) {
		fputs("null", f);
		return;
	}
	putc('"', f);
	for (p = escaped; *p; p++) {
		if (*p == '"' || *p == '\\')
			putc('\\', f);
		putc(*p, f);
	}
	putc('"', f);
}

void jsonw_str(FILE *f, const char *text)
{
	char *esc;

	if (text == NULL) {
		fputs("null", f);
		return;
	}
	esc = escape_str(text);
	jsonw_escaped(f, esc);
	free(esc);
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
