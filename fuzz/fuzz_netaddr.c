/* netaddr_format_unix on any socket name bytes (a path or an abstract
 * name other processes chose) and netaddr_format on any sockaddr: the
 * result must fit, be terminated, and carry no control byte. */
#include <sys/un.h>

#include "fuzz.h"
#include "net/netaddr.h"

static void check_text(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);

	FUZZ_ASSERT(n < cap);
	for (; *s; s++)
		FUZZ_ASSERT((unsigned char)*s >= 0x20 && *s != 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char big[NETADDR_STRLEN], small[16];
	struct sockaddr_storage ss;
	size_t n = size < sizeof(ss) ? size : sizeof(ss);
	char *name = fuzz_exact(data, size);
	size_t namelen = size < 108 ? size : 108;

	netaddr_format_unix(name, namelen, big, sizeof(big));
	check_text(big, sizeof(big));
	netaddr_format_unix(name, namelen, small, sizeof(small));
	check_text(small, sizeof(small));
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, data, n);
	netaddr_format((const struct sockaddr *)&ss, (socklen_t)n, big, sizeof(big));
	check_text(big, sizeof(big));
	netaddr_format((const struct sockaddr *)&ss, (socklen_t)n, small, sizeof(small));
	check_text(small, sizeof(small));
	free(name);
	return 0;
}
