/* Socket addresses and states as text.  Kept apart from the netlink and
 * /proc/net code so that both decoders print addresses the same way. */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#include "lib/util.h"
#include "out/escape.h"
#include "net/netaddr.h"

/* "A.B.C.D:PORT", the four bytes in decimal as inet_ntop writes them,
 * without its and snprintf's format parsing (a TCP row's name has two). */
static const char *format_ip4(const void *addr, unsigned int port,
			      char *buf, size_t len)
{
	const unsigned char *a = addr;
	size_t at = 0;
	int i;

	if (len > 0)
		buf[0] = '\0';
	for (i = 0; i < 4; i++) {
		if (i > 0)
			at = text_put(buf, len, at, ".");
		at = text_put_ull(buf, len, at, a[i]);
	}
	at = text_put(buf, len, at, ":");
	text_put_ull(buf, len, at, port);
	return buf;
}

const char *netaddr_format_ip(int family, const void *addr,
			      unsigned int port, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];
	static const unsigned char zero[16];

	if (family == AF_INET6) {
		if (memcmp(addr, zero, 16) == 0)
			snprintf(buf, len, "[::]:%u", port);
		else if (inet_ntop(AF_INET6, addr, host, sizeof(host)) == NULL)
			snprintf(buf, len, "?:%u", port);
		else
			snprintf(buf, len, "[%s]:%u", host, port);
		return buf;
	}
	return format_ip4(addr, port, buf, len);
}

const char *netaddr_format_unix(const char *name, size_t namelen, char *buf,
				size_t len)
{
	size_t off = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (namelen == 0)
		return buf;
	if (name[0] == '\0') {
		/* Abstract names are not NUL-terminated: every byte counts. */
		if (len < 2)
			return buf;
		buf[off++] = '@';
		name++;
		namelen--;
	} else {
		namelen = strnlen(name, namelen);
	}
	escape_into(buf + off, len - off, name, namelen);
	return buf;
}

const char *netaddr_format(const struct sockaddr *sa, socklen_t salen,
			   char *buf, size_t len)
{
	if (sa->sa_family == AF_INET && salen >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		return netaddr_format_ip(AF_INET, &in->sin_addr,
					 ntohs(in->sin_port), buf, len);
	}
	if (sa->sa_family == AF_INET6 && salen >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		char ifname[IF_NAMESIZE] = "", host[INET6_ADDRSTRLEN];

		unsigned int zone = in6->sin6_scope_id;

		if (zone == 0 || inet_ntop(AF_INET6, &in6->sin6_addr, host,
					   sizeof(host)) == NULL)
			return netaddr_format_ip(AF_INET6, &in6->sin6_addr,
						 ntohs(in6->sin6_port), buf,
						 len);
		/* A link-local address means nothing without its zone. */
		if (if_indextoname(zone, ifname) == NULL)
			snprintf(ifname, sizeof(ifname), "%u", zone);
		snprintf(buf, len, "[%s%%%s]:%u", host, ifname,
			 ntohs(in6->sin6_port));
		return buf;
	}
	if (sa->sa_family == AF_UNIX) {
		const struct sockaddr_un *un = (const struct sockaddr_un *)sa;
		size_t off = offsetof(struct sockaddr_un, sun_path);
		size_t n = salen > off ? salen - off : 0;

		/* A length beyond sun_path is the caller's bug, not a name. */
		if (n > sizeof(un->sun_path))
			n = sizeof(un->sun_path);
		return netaddr_format_unix(un->sun_path, n, buf, len);
	}
	snprintf(buf, len, "family %d", sa->sa_family);
	return buf;
}

const char *tcp_state_name(int state)
{
	static const char *const names[] = {
		[1] = "ESTABLISHED", [2] = "SYN_SENT", [3] = "SYN_RECV",
		[4] = "FIN_WAIT1", [5] = "FIN_WAIT2", [6] = "TIME_WAIT",
		[7] = "CLOSE", [8] = "CLOSE_WAIT", [9] = "LAST_ACK",
		[10] = "LISTEN", [11] = "CLOSING", [12] = "NEW_SYN_RECV",
	};

	/* The bound as an int, so that both ends are compared in one type. */
	if (state < 1 || state >= (int)ARRAY_SIZE(names))
		return NULL;
	return names[state];
}

const char *sock_state_word(int state)
{
	/* The kernel reuses the TCP numbering for unix and UDP sockets. */
	switch (state) {
	case 1:
		return "connected";
	case 2:
		return "connecting";
	case 7:
		return "unconnected";
	case 10:
		return "listening";
	default:
		return "unknown";
	}
}

int netaddr_resolve(const char *host, const char *port, int family,
		    int socktype, int flags, struct addrinfo **res,
		    const char **why)
{
	struct addrinfo hints;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = socktype;
	hints.ai_flags = flags;
	rc = getaddrinfo(host, port, &hints, res);
	if (rc != 0) {
		*res = NULL;
		*why = gai_strerror(rc);
		return -1;
	}
	return 0;
}

bool netaddr_is_any(const struct sockaddr *sa, socklen_t salen)
{
	if (sa->sa_family == AF_INET && salen >= sizeof(struct sockaddr_in))
		return ((const struct sockaddr_in *)sa)->sin_addr.s_addr ==
			htonl(INADDR_ANY);
	if (sa->sa_family == AF_INET6 && salen >= sizeof(struct sockaddr_in6))
		return IN6_IS_ADDR_UNSPECIFIED(
			&((const struct sockaddr_in6 *)sa)->sin6_addr);
	return false;
}
