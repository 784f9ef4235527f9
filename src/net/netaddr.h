/* Socket addresses and states as text: "host:port", "[v6]:port", a unix
 * path or "@abstract", TCP state names, and the getaddrinfo wrapper the
 * network commands share. */
#ifndef FDSCOPE_NETADDR_H
#define FDSCOPE_NETADDR_H

#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* Large enough for any formatted address, an escaped unix path included. */
#define NETADDR_STRLEN (4 * 108 + 64)

/* Formats an IPv4 or IPv6 address (network byte order, as the kernel
 * stores it) and a port: "127.0.0.1:1234", "[::1]:1234", "*:1234" for the
 * wildcard.  Returns buf. */
const char *netaddr_format_ip(int family, const void *addr,
			      unsigned int port, char *buf, size_t len);

/* Formats a unix socket name of namelen bytes as the kernel gives it:
 * a path, "@name" for the abstract namespace (the leading NUL shown as
 * '@'), "" for an unnamed socket.  Bytes that are not printable are
 * escaped.  Returns buf. */
const char *netaddr_format_unix(const char *name, size_t namelen, char *buf,
				size_t len);

/* Formats any sockaddr fdscope knows (AF_INET, AF_INET6, AF_UNIX);
 * another family as "family N".  Returns buf. */
const char *netaddr_format(const struct sockaddr *sa, socklen_t salen,
			   char *buf, size_t len);

/* The kernel's TCP state name for a tcp_states value ("ESTABLISHED",
 * "LISTEN", ...), or NULL when out of range. */
const char *tcp_state_name(int state);

/* A unix or UDP socket's state in words, from the TCP-style state the
 * kernel keeps for it: "listening", "connected", "unconnected". */
const char *sock_state_word(int state);

/* getaddrinfo with fdscope's defaults (AI_ADDRCONFIG off so that loopback
 * works without a configured address).  family may be AF_UNSPEC.  Returns
 * 0, or -1 with *why set to gai_strerror's text. */
int netaddr_resolve(const char *host, const char *port, int family,
		    int socktype, int flags, struct addrinfo **res,
		    const char **why);

/* True for the every-interface address (0.0.0.0, ::), however the user
 * spelled it ("0", "0x0", "::0"...): decided from the address itself. */
bool netaddr_is_any(const struct sockaddr *sa, socklen_t salen);

#endif
