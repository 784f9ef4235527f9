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

/* The one digit scanner: an unsigned number in base 8 or 10 at s, up to
 * end (NULL: up to the NUL) or the first byte that is not a digit of the
 * base.  Returns the end of the digits, or NULL when there is none or the
 * value overflows 64 bits.  The parsers of kernel text all go through
 * it; parse_ll and parse_ull below add whole-string and range checks. */
const char *scan_ull(const char *s, const char *end, int base,
		     unsigned long long *out);

/* True when s is one or more decimal digits, after one '+' or '-' when
 * allow_sign. */
bool is_decimal(const char *s, bool allow_sign);

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

/* Writes v in decimal into buf (NUL-terminated; 21 bytes always
 * suffice, less is cut); returns buf.  snprintf's cost was a third of a
 * large listing's user time. */
char *fmt_ull(char *buf, size_t len, unsigned long long v);

/* Appends s (or v in decimal) at buf[at], cut as snprintf cuts into a
 * buffer of len: at most len - 1 bytes in all, always NUL-terminated.
 * Returns the new end.  For texts made of pieces, a socket's name on
 * every row, where snprintf's format parsing was most of the cost. */
size_t text_put(char *buf, size_t len, size_t at, const char *s);
size_t text_put_ull(char *buf, size_t len, size_t at, unsigned long long v);

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* Allocation for worker threads, which never exit: NULL with errno ENOMEM
 * instead, for the job to hand back to the thread that started it.  The
 * test hook FDSCOPE_FAIL_ALLOC_AFTER=N makes every call after the first N
 * fail (counted across threads). */
void *try_malloc(size_t n);
void *try_calloc(size_t nmemb, size_t size);
void *try_realloc(void *p, size_t n);
/* Whether the hook says the next allocation fails (for allocations made
 * by a library, such as open_memstream's). */
bool try_alloc_fails(void);

/* printf-style formatting into a new string (vasprintf). */
char *xvformat(const char *fmt, va_list ap);

/* Appends printf-style text to a growing string; *buf may be NULL or any
 * string from malloc, *len its length.  The capacity grows geometrically:
 * most calls format in place without a reallocation. */
void xappendf(char **buf, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
