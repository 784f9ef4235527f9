/* escape_into and escape_bytes on any bytes (file names, data received
 * from peers).  The output must be NUL-terminated within the buffer, valid
 * UTF-8, free of control bytes (in the C locale the fuzzer runs in: of
 * any byte above 0x7f), never cut an escape in half, and decode back to
 * the input; the JSON form must stay within its bound. */
#include "fuzz.h"
#include "lib/util.h"
#include "out/escape.h"

/* Valid UTF-8 with no C0 control, no DEL and no unescaped backslash. */
static int safe_text(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t k, len;

		if (c < 0x20 || c == 0x7f || c >= 0x80)
			return 0;
		if (c == '\\') {
			if (i + 1 >= n)
				return 0;
			if (s[i + 1] == '\\') {
				i += 2;
				continue;
			}
			if (s[i + 1] != 'x' || i + 3 >= n ||
			    !strchr("0123456789abcdef", s[i + 2]) ||
			    !strchr("0123456789abcdef", s[i + 3]) ||
			    s[i + 2] == '\0' || s[i + 3] == '\0')
				return 0;
			i += 4;
			continue;
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
		if (len == 0 || c > 0xf4 || i + len > n)
			return 0;
		for (k = 1; k < len; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
		i += len;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_exact(data, size);
	char *full = escape_bytes(in, size);
	size_t flen = strlen(full), outlen, n;
	char *out;

	FUZZ_ASSERT(flen <= 4 * size);
	FUZZ_ASSERT(safe_text((const unsigned char *)full, flen));
	{
		char *back = malloc(size + 1), *json = malloc(6 * size + 3);

		if (back == NULL || json == NULL)
			abort();
		FUZZ_ASSERT(escape_decode(back, size, full) == size);
		FUZZ_ASSERT(memcmp(back, in, size) == 0);
		FUZZ_ASSERT(escape_json_into(json, 6 * size + 3, in, size) <=
			    6 * size + 2);
		free(back);
		free(json);
	}

	/* A caller's buffer smaller than needed: truncated at a whole
	 * character, and a prefix of the full escape. */
	outlen = size ? (size_t)data[0] % (4 * size + 2) : 1;
	out = malloc(outlen ? outlen : 1);
	if (out == NULL)
		abort();
	n = escape_into(out, outlen, in, size);
	if (outlen == 0) {
		FUZZ_ASSERT(n == 0);
	} else {
		FUZZ_ASSERT(n < outlen && out[n] == '\0' && strlen(out) == n);
		FUZZ_ASSERT(strncmp(out, full, n) == 0);
		FUZZ_ASSERT(safe_text((const unsigned char *)out, n));
	}
	free(out);
	free(full);
	free(in);
	return 0;
}
