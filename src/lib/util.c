/* Shared helpers: the one bounded number parser every option goes through
 * and allocation wrappers.  Escaping lives in out/escape.c. */
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

static bool is_digits(const char *s, bool allow_sign)
{
	if (allow_sign && (*s == '-' || *s == '+'))
		s++;
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

int parse_ll(const char *s, long long min, long long max, long long *out,
	     const char **why)
{
	long long v;

	if (s == NULL || *s == '\0') {
		*why = "empty";
		return -1;
	}
	/* strtoll alone accepts leading spaces, "0x" is rejected by the digit
	 * check, and "1e3" is not silently read as 1. */
	if (!is_digits(s, true)) {
		*why = "not a whole number";
		return -1;
	}
	errno = 0;
	v = strtoll(s, NULL, 10);
	if ((errno == ERANGE && v == LLONG_MIN) || v < min) {
		*why = "too small";
		return -1;
	}
	if (errno == ERANGE || v > max) {
		*why = "too large";
		return -1;
	}
	*out = v;
	return 0;
}

int parse_ull(const char *s, unsigned long long min, unsigned long long max,
	      unsigned long long *out, const char **why)
{
	unsigned long long v;

	if (s == NULL || *s == '\0') {
		*why = "empty";
		return -1;
	}
	if (*s == '-') {
		*why = "negative";
		return -1;
	}
	if (!is_digits(s, false)) {
		*why = "not a whole number";
		return -1;
	}
	errno = 0;
	v = strtoull(s, NULL, 10);
	if (errno == ERANGE || v > max) {
		*why = "too large";
		return -1;
	}
	if (v < min) {
		*why = "too small";
		return -1;
	}
	*out = v;
	return 0;
}

int parse_seconds_ms(const char *s, long long min_ms, long long max_ms,
		     long long *out_ms, const char **why)
{
	const char *dot;
	long long whole = 0, frac = 0;
	size_t i, nfrac;
	char intpart[32];

	if (s == NULL || *s == '\0') {
		*why = "empty";
		return -1;
	}
	if (*s == '-') {
		*why = "negative";
		return -1;
	}
	dot = strchr(s, '.');
	nfrac = dot ? strlen(dot + 1) : 0;
	if (dot) {
		size_t n = (size_t)(dot - s);

		if (n == 0 || n >= sizeof(intpart) || nfrac == 0 || nfrac > 3) {
			*why = "not a number of seconds (use e.g. 10 or 2.5)";
			return -1;
		}
		memcpy(intpart, s, n);
		intpart[n] = '\0';
		for (i = 0; i < nfrac; i++) {
			char c = dot[1 + i];

			if (c < '0' || c > '9') {
				*why = "not a number of seconds (use e.g. 10 or 2.5)";
				return -1;
			}
			frac = frac * 10 + (c - '0');
		}
		for (; nfrac < 3; nfrac++)
			frac *= 10;
	} else if (strlen(s) < sizeof(intpart)) {
		memcpy(intpart, s, strlen(s) + 1);
	} else {
		*why = "too large";
		return -1;
	}
	if (parse_ll(intpart, 0, LLONG_MAX / 1000 - 1, &whole, why) < 0) {
		if (strcmp(*why, "not a whole number") == 0)
			*why = "not a number of seconds (use e.g. 10 or 2.5)";
		return -1;
	}
	whole = whole * 1000 + frac;
	if (whole < min_ms) {
		*why = "too small";
		return -1;
	}
	if (whole > max_ms) {
		*why = "too large";
		return -1;
	}
	*out_ms = whole;
	return 0;
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		err(EXIT_FAIL, "cannot allocate %zu bytes", n);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		err(EXIT_FAIL, "cannot allocate %zu×%zu bytes", nmemb, size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		err(EXIT_FAIL, "cannot allocate %zu bytes", n);
	return q;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		err(EXIT_FAIL, "cannot allocate %zu bytes", strlen(s) + 1);
	return p;
}

char *xvformat(const char *fmt, va_list ap)
{
	va_list again;
	char *out;
	int n;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, again);
	va_end(again);
	if (n < 0)
		errx(EXIT_FAIL, "cannot format text");
	out = xmalloc((size_t)n + 1);
	vsnprintf(out, (size_t)n + 1, fmt, ap);
	return out;
}

void xappendf(char **buf, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		errx(EXIT_FAIL, "cannot format text");
	*buf = xrealloc(*buf, *len + (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(*buf + *len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	*len += (size_t)n;
}
