/* The article's client/server exchange, done properly: a server process
 * and a client process (fork) narrate every call through the steps record,
 * over TCP, UDP, unix stream or datagram sockets, or a socketpair.  Shared
 * by `fdscope exchange` and the end of the `demo` tour. */
#ifndef FDSCOPE_NET_EXCHANGE_H
#define FDSCOPE_NET_EXCHANGE_H

#include "teach/steps.h"

enum exchange_proto {
	EXCHANGE_TCP, EXCHANGE_TCP6, EXCHANGE_UDP, EXCHANGE_UDP6,
	EXCHANGE_UNIX, EXCHANGE_UNIX_DGRAM, EXCHANGE_SOCKETPAIR,
};

struct exchange_opts {
	enum exchange_proto proto;
	unsigned int port;		/* 0: an ephemeral port */
	const char *server_message;	/* "Message from the server." */
	const char *client_message;	/* "Message sent from client-side." */
};

#define EXCHANGE_SERVER_MESSAGE "Message from the server."
#define EXCHANGE_CLIENT_MESSAGE "Message sent from client-side."
#define EXCHANGE_PROTOS "tcp, tcp6, udp, udp6, unix, unix-dgram, socketpair"

/* Parses a --proto name; -1 when unknown. */
int exchange_proto_parse(const char *name, enum exchange_proto *out);

/* Runs the exchange.  s is the caller's record: in text mode each side
 * prints its own labelled steps as they happen; in JSON mode their steps
 * are added to s (with "side") for the caller's steps_finish().  Unix
 * sockets live in the private temporary directory (created when none
 * exists yet).  Returns 0, or -1 when a call that should work failed. */
int net_exchange(struct steps *s, const struct exchange_opts *o);

#endif
