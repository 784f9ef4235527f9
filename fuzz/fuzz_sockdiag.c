/* The NETLINK_SOCK_DIAG reply walker and its decoders on any bytes, as if
 * they came from the kernel: the module is included so that the static
 * walker (NLMSG_OK/NLMSG_NEXT over a whole recv buffer) is reached too. */
#include "../src/net/sockdiag.c"

#include "fuzz.h"
#include "net/netaddr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sock_table t;
	char buf[NETADDR_STRLEN];
	enum sockdiag_dump which;
	void *msg;
	size_t i;

	if (size < 1)
		return 0;
	which = (enum sockdiag_dump)(data[0] % SOCKDIAG_NDUMPS);
	/* malloc's alignment is what recv's buffer has. */
	msg = fuzz_exact(data + 1, size - 1);
	sock_table_init(&t);
	(void)sockdiag_walk_replies(&t, which, 1, msg, size - 1);
	(void)sockdiag_decode_unix(&t, msg, size - 1);
	(void)sockdiag_decode_inet(&t, IPPROTO_TCP, msg, size - 1);
	for (i = 0; i < t.n; i++) {
		const struct sock_info *si = &t.entries[i];

		FUZZ_ASSERT(sock_table_find(&t, si->ino) == si);
		FUZZ_ASSERT(si->local_len <= sizeof(si->local));
		FUZZ_ASSERT(si->remote_len <= sizeof(si->remote));
		if (si->local_len)
			netaddr_format((const struct sockaddr *)&si->local,
				       si->local_len, buf, sizeof(buf));
		if (si->remote_len)
			netaddr_format((const struct sockaddr *)&si->remote,
				       si->remote_len, buf, sizeof(buf));
	}
	sock_table_release(&t);
	free(msg);
	return 0;
}
