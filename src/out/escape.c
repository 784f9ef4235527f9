/* Escaping of bytes fdscope does not control, for a terminal (the text
 * form), for JSON, and back from the text form to the bytes.  One rule:
 * a terminal never gets a byte or character that could drive it or hide
 * what follows, and every form can be read back exactly. */
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "lib/util.h"
#include "out/escape.h"

bool escape_is_hidden(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) ||		/* C1: CSI, OSC... */
		(cp >= 0x200b && cp <= 0x200f) ||	/* zero width, LRM, RLM */
		(cp >= 0x202a && cp <= 0x202e) ||	/* embeddings, overrides */
		(cp >= 0x2060 && cp <= 0x2069 && cp != 0x2065) || /* isolates */
		cp == 0xfeff;				/* zero-width no-break */
}

/* Length of the valid UTF-8 sequence at p (at most avail bytes) and its
 * code point, or 0.  Overlong forms, surrogates and code points above
 * U+10FFFF are invalid. */
static size_t utf8_decode(const unsigned char *p, size_t avail, uint32_t *out)
{
	uint32_t cp;
	size_t n, i;

	if (p[0] < 0x80) {
		*out = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	*out = cp;
	return n;
}

static size_t utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static bool locale_is_utf8(void)
{
	return MB_CUR_MAX > 1 && strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

/* How many bytes at p form one character the terminal may show as it is
 * (0: escape the first byte).  p[0] >= 0x80. */
static size_t printable_mb(const unsigned char *p, size_t avail, bool utf8,
			   uint32_t *cp)
{
	mbstate_t st;
	wchar_t wc;
	size_t n;

	*cp = 0;
	if (utf8) {
		n = utf8_decode(p, avail, cp);
		return n;
	}
	/* An 8-bit terminal takes 0x80-0x9f as C1 controls, whatever the
	 * locale calls them. */
	if (MB_CUR_MAX == 1 && p[0] <= 0x9f)
		return 0;
	memset(&st, 0, sizeof(st));
	n = mbrtowc(&wc, (const char *)p, avail, &st);
	if (n == 0 || n == (size_t)-1 || n == (size_t)-2)
		return 0;
	if (escape_is_hidden((uint32_t)wc) || !iswprint((wint_t)wc))
		return 0;
	return n;
}

/* A byte escape_form copies as it is: printable ASCII but the backslash,
 * which each form escapes, and the space, which raw output escapes. */
static bool is_plain(unsigned char c, bool raw)
{
	return (c > 0x20 && c < 0x7f && c != '\\') || (c == ' ' && !raw);
}

/* The text form, or with raw the form of raw output: blanks and the
 * backslash as \xHH too (libsmartcols' raw convention, so that a value
 * stays one field), and every escaped character as its bytes' \xHH. */
static size_t escape_form(char *out, size_t outlen, const char *in, size_t len,
			  bool raw)
{
	const unsigned char *p = (const unsigned char *)in;
	bool utf8 = locale_is_utf8();
	size_t i = 0, o = 0;

	if (outlen == 0)
		return 0;
	while (i < len) {
		char tmp[16];
		size_t n = 1, tn, k, run;
		uint32_t cp;

		/* A run of bytes that stand for themselves (most of every
		 * path) in one copy: byte by byte it was most of a name's
		 * cost. */
		for (run = i; run < len && is_plain(p[run], raw); run++)
			;
		if (run > i) {
			size_t m = run - i;

			if (m > outlen - 1 - o)
				m = outlen - 1 - o;
			memcpy(out + o, p + i, m);
			o += m;
			i += m;
			if (i < run)
				break;
			continue;
		}
		if (p[i] == '\\' && !raw) {
			tn = 2;
			tmp[0] = tmp[1] = '\\';
		} else if (p[i] < 0x80 ||
			   (n = printable_mb(p + i, len - i, utf8, &cp)) == 0) {
			n = 1;
			tn = (size_t)snprintf(tmp, sizeof(tmp), "\\x%02x", p[i]);
		} else if (utf8 && (escape_is_hidden(cp) || !iswprint((wint_t)cp))) {
			if (raw)
				for (k = 0, tn = 0; k < n; k++)
					tn += (size_t)snprintf(tmp + tn,
							       sizeof(tmp) - tn,
							       "\\x%02x", p[i + k]);
			else
				tn = (size_t)snprintf(tmp, sizeof(tmp), "\\u{%04x}",
						      cp);
		} else {
			tn = n;
			memcpy(tmp, p + i, n);
		}
		/* Never cut an escape or a character in half. */
		if (o + tn >= outlen)
			break;
		memcpy(out + o, tmp, tn);
		o += tn;
		i += n;
	}
	out[o] = '\0';
	return o;
}

size_t escape_into(char *out, size_t outlen, const char *in, size_t len)
{
	return escape_form(out, outlen, in, len, false);
}

size_t escape_raw_into(char *out, size_t outlen, const char *in, size_t len)
{
	return escape_form(out, outlen, in, len, true);
}

char *escape_bytes(const char *in, size_t len)
{
	char *out = xmalloc(len * 4 + 1);

	escape_into(out, len * 4 + 1, in, len);
	return out;
}

char *escape_str(const char *in)
{
	return escape_bytes(in, strlen(in));
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The escape at s (s[0] is a backslash): its bytes into tmp, and how many
 * characters of s it takes, or 0 when s starts no escape. */
static size_t decode_one(const char *s, char *tmp, size_t *tn)
{
	uint32_t cp = 0;
	size_t k;

	if (s[1] == '\\') {
		tmp[0] = '\\';
		*tn = 1;
		return 2;
	}
	if (s[1] == 'x' && hexval(s[2]) >= 0 && hexval(s[3]) >= 0) {
		tmp[0] = (char)(hexval(s[2]) << 4 | hexval(s[3]));
		*tn = 1;
		return 4;
	}
	if (s[1] != 'u' || s[2] != '{')
		return 0;
	for (k = 3; k < 9 && hexval(s[k]) >= 0; k++)
		cp = cp << 4 | (uint32_t)hexval(s[k]);
	if (k == 3 || s[k] != '}' || cp > 0x10ffff)
		return 0;
	*tn = utf8_encode(cp, tmp);
	return k + 1;
}

size_t escape_decode(char *out, size_t outlen, const char *in)
{
	size_t o = 0;

	while (*in) {
		char tmp[4] = { *in };
		size_t tn = 1, used = *in == '\\' ? decode_one(in, tmp, &tn) : 0;

		if (used == 0)
			used = 1;
		if (o + tn > outlen)
			break;
		memcpy(out + o, tmp, tn);
		o += tn;
		in += used;
	}
	return o;
}

size_t escape_json_into(char *out, size_t outlen, const char *in, size_t len)
{
	const unsigned char *p = (const unsigned char *)in;
	/* Off a UTF-8 locale, the bytes of a UTF-8 character could reach an
	 * 8-bit terminal as C1 controls: every non-ASCII character is then
	 * written as \uHHHH, which reads back the same. */
	bool utf8 = locale_is_utf8();
	size_t i = 0, o = 0;

	if (outlen < 3)
		return 0;
	out[o++] = '"';
	while (i < len) {
		char tmp[16];
		uint32_t cp = 0;
		size_t n = utf8_decode(p + i, len - i, &cp), tn;

		if (n == 0) {
			n = 1;
			tn = (size_t)snprintf(tmp, sizeof(tmp), "\\ufffd");
		} else if (cp == '"' || cp == '\\') {
			tmp[0] = '\\';
			tmp[1] = (char)cp;
			tn = 2;
		} else if (cp < 0x20 || cp == 0x7f || escape_is_hidden(cp) ||
			   cp == 0x2028 || cp == 0x2029 ||
			   (!utf8 && cp >= 0x80 && cp < 0x10000)) {
			tn = (size_t)snprintf(tmp, sizeof(tmp), "\\u%04x", cp);
		} else if (!utf8 && cp >= 0x10000) {
			/* A UTF-16 surrogate pair, as JSON spells it. */
			cp -= 0x10000;
			tn = (size_t)snprintf(tmp, sizeof(tmp), "\\u%04x\\u%04x",
					      0xd800 + (cp >> 10),
					      0xdc00 + (cp & 0x3ff));
		} else {
			tn = n;
			memcpy(tmp, p + i, n);
		}
		if (o + tn + 2 > outlen)
			break;
		memcpy(out + o, tmp, tn);
		o += tn;
		i += n;
	}
	out[o++] = '"';
	out[o] = '\0';
	return o;
}
