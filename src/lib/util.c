/* Shared helpers: the one bounded number parser every option goes through
 * and allocation wrappers.  Escaping lives in out/escape.c. */
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

const char *scan_ull(const char *s, const char *end, int base,
		     unsigned long long *out)
{
	const char *start = s;
	unsigned long long v = 0;
	/* v * base + d overflows exactly when v is above max or, at max,
	 * d above rem.  Constants for the bases used: a division per digit
	 * was a tenth of list's own time (every fdinfo is parsed). */
	const unsigned long long max = base == 10 ? ~0ULL / 10 :
		base == 8 ? ~0ULL / 8 : ~0ULL / (unsigned int)base;
	const unsigned int rem = base == 10 ? (unsigned int)(~0ULL % 10) :
		base == 8 ? (unsigned int)(~0ULL % 8) :
		(unsigned int)(~0ULL % (unsigned int)base);

	for (; (end == NULL || s < end) && *s >= '0' && *s < '0' + base; s++) {
		unsigned int d = (unsigned int)(*s - '0');

		if (v > max || (v == max && d > rem))
			return NULL;
		v = v * (unsigned int)base + d;
	}
	if (s == start)
		return NULL;
	*out = v;
	return s;
}

bool is_decimal(const char *s, bool allow_sign)
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
	unsigned long long mag;
	bool neg;
	long long v;

	if (s == NULL || *s == '\0') {
		*why = "empty";
		return -1;
	}
	/* Digits only after one sign: no leading spaces, no "0x", and "1e3"
	 * is not silently read as 1. */
	if (!is_decimal(s, true)) {
		*why = "not a whole number";
		return -1;
	}
	neg = *s == '-';
	if (scan_ull(s + (*s == '-' || *s == '+'), NULL, 10, &mag) == NULL ||
	    mag > (unsigned long long)LLONG_MAX + neg) {
		*why = neg ? "too small" : "too large";
		return -1;
	}
	v = !neg ? (long long)mag : mag == (unsigned long long)LLONG_MAX + 1 ?
		LLONG_MIN : -(long long)mag;
	if (v < min) {
		*why = "too small";
		return -1;
	}
	if (v > max) {
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
	if (!is_decimal(s, false)) {
		*why = "not a whole number";
		return -1;
	}
	if (scan_ull(s, NULL, 10, &v) == NULL || v > max) {
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

char *fmt_ull(char *buf, size_t len, unsigned long long v)
{
	char tmp[24];
	size_t n = 0, i;

	if (len == 0)
		return buf;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n && i + 1 < len; i++)
		buf[i] = tmp[n - 1 - i];
	buf[i] = '\0';
	return buf;
}

size_t text_put(char *buf, size_t len, size_t at, const char *s)
{
	size_t n = strlen(s);

	if (len == 0)
		return 0;
	if (at > len - 1)
		at = len - 1;
	if (n > len - 1 - at)
		n = len - 1 - at;
	memcpy(buf + at, s, n);
	buf[at + n] = '\0';
	return at + n;
}

size_t text_put_ull(char *buf, size_t len, size_t at, unsigned long long v)
{
	char digits[24];

	return text_put(buf, len, at, fmt_ull(digits, sizeof(digits), v));
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

/* FDSCOPE_FAIL_ALLOC_AFTER: how many worker allocations succeed before
 * every later one fails.  Read once, counted down atomically. */
static bool fail_alloc_on;
static long fail_alloc_left;
static pthread_once_t fail_alloc_once = PTHREAD_ONCE_INIT;

static void fail_alloc_init(void)
{
	const char *v = getenv("FDSCOPE_FAIL_ALLOC_AFTER");
	long long n;
	const char *why;

	if (v != NULL && parse_ll(v, 0, LONG_MAX / 2, &n, &why) == 0) {
		fail_alloc_left = (long)n;
		fail_alloc_on = true;
	}
}

bool try_alloc_fails(void)
{
	pthread_once(&fail_alloc_once, fail_alloc_init);
	if (!fail_alloc_on ||
	    __atomic_fetch_sub(&fail_alloc_left, 1, __ATOMIC_RELAXED) > 0)
		return false;
	errno = ENOMEM;
	return true;
}

void *try_malloc(size_t n)
{
	return try_alloc_fails() ? NULL : malloc(n ? n : 1);
}

void *try_calloc(size_t nmemb, size_t size)
{
	return try_alloc_fails() ? NULL : calloc(nmemb ? nmemb : 1, size ? size : 1);
}

void *try_realloc(void *p, size_t n)
{
	return try_alloc_fails() ? NULL : realloc(p, n ? n : 1);
}

char *xvformat(const char *fmt, va_list ap)
{
	char *out;

	if (vasprintf(&out, fmt, ap) < 0)
		err(EXIT_FAIL, "cannot format text");
	return out;
}

void xappendf(char **buf, size_t *len, const char *fmt, ...)
{
	/* The buffer's capacity is what malloc really gave it, so that every
	 * string built by appending needs no size of its own beside len;
	 * growing doubles it, so n appends cost O(log n) reallocations. */
	size_t cap = *buf ? malloc_usable_size(*buf) : 0, room;
	va_list ap;
	int n;

	room = cap > *len ? cap - *len : 0;
	va_start(ap, fmt);
	n = vsnprintf(room ? *buf + *len : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		err(EXIT_FAIL, "cannot format text");
	if ((size_t)n < room) {
		*len += (size_t)n;
		return;
	}
	cap = cap < 64 ? 64 : cap;
	while (cap < *len + (size_t)n + 1)
		cap *= 2;
	*buf = xrealloc(*buf, cap);
	va_start(ap, fmt);
	vsnprintf(*buf + *len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	*len += (size_t)n;
}
