/* Shared by the libFuzzer targets: copies of the fuzzer's bytes in the
 * shapes the parsers take, so that ASan sees every byte read past the end,
 * and a check that fails loudly when a parser breaks its contract. */
#ifndef FDSCOPE_FUZZ_H
#define FDSCOPE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated copy, for parsers of C strings.  Embedded NULs are
 * kept: the parser must stop at the first one. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* An exact-size copy, for parsers that take a length: no terminator, so an
 * over-read is a heap-buffer-overflow. */
static inline char *fuzz_exact(const uint8_t *data, size_t size)
{
	char *s = malloc(size ? size : 1);

	if (s == NULL)
		abort();
	if (size)
		memcpy(s, data, size);
	return s;
}

#define FUZZ_ASSERT(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: contract broken: %s\n", __FILE__, \
			__LINE__, #cond); \
		abort(); \
	} \
} while (0)

#endif
