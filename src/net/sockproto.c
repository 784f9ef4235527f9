/* Socket protocol names as sockfs reports them.  The table is the
 * kernel's struct proto names that a user can create; anything else is
 * shown as the kernel spells it. */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/util.h"
#include "net/sockproto.h"

static const struct {
	const char *name;
	struct sock_proto_desc d;
} known[] = {
	{ "TCP", { "TCP", "TCP", AF_INET, SOCKDIAG_TCP4 } },
	{ "TCPv6", { "TCP", "TCP6", AF_INET6, SOCKDIAG_TCP6 } },
	{ "UDP", { "UDP", "UDP", AF_INET, SOCKDIAG_UDP4 } },
	{ "UDPv6", { "UDP", "UDP6", AF_INET6, SOCKDIAG_UDP6 } },
	{ "UNIX-STREAM", { "UNIX", "UNIX-STREAM", AF_UNIX, SOCKDIAG_UNIX } },
	/* Datagram and seqpacket unix sockets share this one. */
	{ "UNIX", { "UNIX", "UNIX", AF_UNIX, SOCKDIAG_UNIX } },
	{ "UDP-Lite", { "UDPLITE", "UDPLITE", AF_INET, -1 } },
	{ "UDPLITEv6", { "UDPLITE", "UDPLITE6", AF_INET6, -1 } },
	{ "RAW", { "RAW", "RAW", AF_INET, -1 } },
	{ "RAWv6", { "RAW", "RAW6", AF_INET6, -1 } },
	{ "PING", { "ICMP", "PING", AF_INET, -1 } },
	{ "PINGv6", { "ICMPV6", "PING6", AF_INET6, -1 } },
	{ "MPTCP", { "MPTCP", "MPTCP", AF_INET, -1 } },
	{ "MPTCPv6", { "MPTCP", "MPTCP6", AF_INET6, -1 } },
	{ "SCTP", { "SCTP", "SCTP", AF_INET, -1 } },
	{ "SCTPv6", { "SCTP", "SCTP6", AF_INET6, -1 } },
	{ "NETLINK", { "NETLINK", "NETLINK", AF_NETLINK, -1 } },
	{ "PACKET", { "PACKET", "PACKET", AF_PACKET, -1 } },
	{ "AF_VSOCK", { "VSOCK", "VSOCK", 40, -1 } },
};

bool sock_proto_describe(const char *name, struct sock_proto_desc *d)
{
	size_t i;

	if (name == NULL || *name == '\0')
		return false;
	for (i = 0; i < ARRAY_SIZE(known); i++)
		if (strcmp(known[i].name, name) == 0) {
			*d = known[i].d;
			return true;
		}
	*d = (struct sock_proto_desc){ name, name, -1, -1 };
	return true;
}

bool sock_proto_matches(const char *name, const struct sock_info *si)
{
	struct sock_proto_desc d;

	if (!sock_proto_describe(name, &d) || d.family < 0)
		return true;
	if (si->family != d.family)
		return false;
	if (d.dump == SOCKDIAG_TCP4 || d.dump == SOCKDIAG_TCP6)
		return si->proto == IPPROTO_TCP;
	if (d.dump == SOCKDIAG_UDP4 || d.dump == SOCKDIAG_UDP6)
		return si->proto == IPPROTO_UDP;
	if (d.dump == SOCKDIAG_UNIX && strcmp(name, "UNIX-STREAM") == 0)
		return si->type == SOCK_STREAM;
	if (d.dump == SOCKDIAG_UNIX)
		return si->type != SOCK_STREAM;
	/* Decoded sockets are TCP, UDP and unix only. */
	return false;
}
