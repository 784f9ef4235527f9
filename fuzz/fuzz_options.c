/* The bounded parsers every option value goes through: parse_ll,
 * parse_ull and parse_seconds_ms.  The first byte picks the bounds, the
 * rest is the value; an accepted value must lie within them and, for the
 * integer parsers, print back as the digits given. */
#include <limits.h>

#include "fuzz.h"
#include "lib/util.h"

static const long long ll_bounds[][2] = {
	{ 1, INT_MAX },			/* a PID */
	{ 0, 65535 },			/* a port */
	{ LLONG_MIN, LLONG_MAX },
	{ -1, 1 },
	{ 0, 0 },
};

static const unsigned long long ull_bounds[][2] = {
	{ 0, ULLONG_MAX },
	{ 1, 1ULL << 20 },
	{ 3, 3 },
};

static const long long ms_bounds[][2] = {
	{ 0, LLONG_MAX },
	{ 1, 86400LL * 1000 },
	{ 0, 0 },
};

/* Strips the sign and leading zeros, which the parsers accept. */
static const char *digits_of(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	while (*s == '0' && s[1] != '\0')
		s++;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int pick;
	const char *why = NULL;
	char *s, back[32];
	long long v, lo, hi;
	unsigned long long u, ulo, uhi;

	if (size == 0)
		return 0;
	pick = data[0];
	s = fuzz_cstr(data + 1, size - 1);

	lo = ll_bounds[pick % 5][0];
	hi = ll_bounds[pick % 5][1];
	if (parse_ll(s, lo, hi, &v, &why) == 0) {
		FUZZ_ASSERT(v >= lo && v <= hi);
		snprintf(back, sizeof(back), "%lld", v);
		FUZZ_ASSERT(strcmp(digits_of(back), digits_of(s)) == 0);
	} else {
		FUZZ_ASSERT(why != NULL && *why != '\0');
	}

	why = NULL;
	ulo = ull_bounds[pick % 3][0];
	uhi = ull_bounds[pick % 3][1];
	if (parse_ull(s, ulo, uhi, &u, &why) == 0) {
		FUZZ_ASSERT(u >= ulo && u <= uhi);
		snprintf(back, sizeof(back), "%llu", u);
		FUZZ_ASSERT(strcmp(digits_of(back), digits_of(s)) == 0);
	} else {
		FUZZ_ASSERT(why != NULL && *why != '\0');
	}

	why = NULL;
	lo = ms_bounds[pick % 3][0];
	hi = ms_bounds[pick % 3][1];
	if (parse_seconds_ms(s, lo, hi, &v, &why) == 0)
		FUZZ_ASSERT(v >= lo && v <= hi);
	else
		FUZZ_ASSERT(why != NULL && *why != '\0');
	free(s);
	return 0;
}
