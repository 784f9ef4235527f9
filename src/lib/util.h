/* Small helpers shared by every module: bounded number parsing and
 * allocation that cannot return NULL. */
#ifndef FDSCOPE_UTIL_H
#define FDSCOPE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Exit statuses, documented in the man page. */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Parses a whole decimal number in [min, max].  Returns 0, or -1 with
 * *why set to a short reason ("not a number", "too large", ...). */
int parse_ll(const char *s, long long min, long long max, long long *out,
	     const char **why);

/* Parses an unsigned 64-bit decimal number in [min, max]. */
int parse_ull(const char *s, unsigned long long min, unsigned long long max,
	      unsigned long long *out, const char **why);

/* Parses a duration in seconds, with an optional fraction ("1.5"), bounded
 * to [min_ms, max_ms] milliseconds. */
int parse_seconds_ms(const char *s, long long min_ms, long long max_ms,
		     long long *out_ms, const char **why);

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* printf-style formatting into a new string (vsnprintf twice: POSIX, where
 * vasprintf is a GNU extension). */
char *xvformat(const char *fmt, va_list ap);

/* Appends printf-style text to a growing string; *buf may be NULL. */
void xappendf(char **buf, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
