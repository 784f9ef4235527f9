/* The one escaper for bytes fdscope does not control (file names, comms,
 * paths, data from peers).  Text form: what the current locale cannot
 * print, and every bidi, zero-width and C1 control whatever the locale
 * says, becomes \xHH or \u{HHHH}; a backslash becomes \\.  The text form
 * decodes back to the exact bytes, which JSON and raw output use. */
#ifndef FDSCOPE_ESCAPE_H
#define FDSCOPE_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Writes the text form of len bytes into a new string. */
char *escape_bytes(const char *in, size_t len);

/* Same, into a caller's buffer (NUL-terminated, truncated at a whole
 * character or escape); returns the length written.  4*len+1 bytes
 * always suffice. */
size_t escape_into(char *out, size_t outlen, const char *in, size_t len);

/* Same, for a NUL-terminated string. */
char *escape_str(const char *in);

/* The form of raw output (-r): the same rule, with blanks and the
 * backslash written \x20, \x09, \x5c as libsmartcols writes them, and
 * each escaped character as the \xHH of its bytes, so that every escape
 * of a raw field is a byte.  4*len+1 bytes always suffice. */
size_t escape_raw_into(char *out, size_t outlen, const char *in, size_t len);

/* Undoes escape_into: writes the original bytes (which may hold NUL) into
 * out, at most outlen bytes, and returns their number.  A backslash that
 * starts no escape is kept as it is. */
size_t escape_decode(char *out, size_t outlen, const char *in);

/* A JSON string literal, quotes included, for len bytes: ", \ and control
 * characters (C0, DEL, C1), bidi and zero-width characters and U+2028/9
 * as \uHHHH; every byte that is not part of valid UTF-8 as \ufffd (the
 * replacement character); off a UTF-8 locale, every other non-ASCII
 * character as \uHHHH too.  So a JSON reader gets the exact name back
 * wherever it is valid UTF-8.  6*len+3 bytes always suffice. */
size_t escape_json_into(char *out, size_t outlen, const char *in, size_t len);

/* True for a code point escaped whatever the locale: C1 controls, bidi
 * controls and zero-width characters. */
bool escape_is_hidden(uint32_t cp);

#endif
