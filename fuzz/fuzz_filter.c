/* The -Q parser on any bytes a user (or a script built from untrusted
 * names) may pass: it must accept or reject without reading past the end,
 * report an error position inside the text, print that error with no
 * control byte, and evaluate whatever it accepted. */
#include "fuzz.h"
#include "query/filter.h"

static const struct out_column cols[] = {
	{ "PID", 5, 0, OUT_JSON_NUMBER, "" },
	{ "COMMAND", 5, 0, OUT_JSON_STRING, "" },
	{ "FD", 3, 0, OUT_JSON_NUMBER, "" },
	{ "TYPE", 4, 0, OUT_JSON_STRING, "" },
	{ "DELETED", 1, 0, OUT_JSON_BOOLEAN, "" },
	{ "SOCK.PEER", 1, 0, OUT_JSON_STRING, "" },
	{ "POS", 1, 0, OUT_JSON_NUMBER, "" },
};

static int get(const void *ctx, int col, char *buf, size_t len,
	       const char **val)
{
	static const char *const cells[] = {
		"1234", "bash", "3", "REG", "no", NULL, "18446744073709551615",
	};

	(void)ctx;
	(void)buf;
	(void)len;
	if (col == 5)
		return -1;	/* not collected yet */
	*val = cells[col];
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *expr = fuzz_cstr(data, size);
	struct filter_error fe;
	struct filter *f = filter_parse(expr, cols, sizeof(cols) / sizeof(cols[0]),
					&fe);

	if (f == NULL) {
		char *text = NULL;
		size_t len = 0, i;
		FILE *fp = open_memstream(&text, &len);

		FUZZ_ASSERT(fe.pos <= strlen(expr));
		FUZZ_ASSERT(fe.msg[0] != '\0');
		FUZZ_ASSERT(fp != NULL);
		filter_print_error(fp, "invalid -Q expression", expr, &fe);
		fclose(fp);
		for (i = 0; i < len; i++)
			FUZZ_ASSERT(text[i] == '\n' ||
				    ((unsigned char)text[i] >= 0x20 && text[i] != 0x7f));
		free(text);
	} else {
		enum filter_result r = filter_eval(f, get, NULL);

		FUZZ_ASSERT(r == FILTER_TRUE || r == FILTER_FALSE ||
			    r == FILTER_UNKNOWN);
		filter_free(f);
	}
	free(expr);
	return 0;
}
