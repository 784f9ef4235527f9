/* procnet_parse_inet and procnet_parse_unix on /proc/net/{tcp,tcp6,udp,
 * udp6,unix} text, then the formatting of every address they stored. */
#include <netinet/in.h>

#include "fuzz.h"
#include "net/netaddr.h"
#include "net/procnet.h"

static void format_all(const struct sock_table *t)
{
	char buf[NETADDR_STRLEN];
	size_t i, seen = 0;

	for (i = 0; i < t->n; i++) {
		const struct sock_info *si = &t->entries[i];

		seen++;
		FUZZ_ASSERT(sock_table_find(t, si->ino) == si);
		if (si->local_len)
			netaddr_format((const struct sockaddr *)&si->local,
				       si->local_len, buf, sizeof(buf));
		if (si->remote_len)
			netaddr_format((const struct sockaddr *)&si->remote,
				       si->remote_len, buf, sizeof(buf));
		(void)tcp_state_name(si->state);
		(void)sock_state_word(si->state);
	}
	FUZZ_ASSERT(seen == t->n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int families[] = { AF_INET, AF_INET6 };
	static const int protos[] = { IPPROTO_TCP, IPPROTO_UDP };
	struct sock_table t;
	char *text;
	int n;

	if (size == 0)
		return 0;
	text = fuzz_exact(data + 1, size - 1);
	sock_table_init(&t);
	if (data[0] & 4)
		n = procnet_parse_unix(&t, text, size - 1);
	else
		n = procnet_parse_inet(&t, text, size - 1, families[data[0] & 1],
				       protos[(data[0] >> 1) & 1]);
	FUZZ_ASSERT(n >= -1);
	/* Duplicate inodes collapse: never more entries than sockets added. */
	FUZZ_ASSERT(n < 0 || t.n <= (size_t)n);
	format_all(&t);
	sock_table_release(&t);
	free(text);
	return 0;
}
