/* The kernel's names for socket protocols (the system.sockprotoname
 * attribute of a socket's /proc/PID/fd entry, the name of its struct
 * proto): what SOCK.PROTO and NAME say of a socket that no table
 * decodes, and which dump would hold it. */
#ifndef FDSCOPE_NET_SOCKPROTO_H
#define FDSCOPE_NET_SOCKPROTO_H

#include <stdbool.h>
#include <stddef.h>

#include "net/sockdiag.h"

struct sock_proto_desc {
	const char *proto;	/* SOCK.PROTO: TCP, UDP, UNIX, NETLINK... */
	const char *label;	/* NAME's first word: TCP6, UNIX-STREAM... */
	int family;		/* AF_*, or -1 when the name does not say */
	int dump;		/* enum sockdiag_dump holding it, or -1 */
};

/* Describes the kernel's name (as read, NUL-terminated).  Names fdscope
 * does not know are passed through: proto and label are then name itself
 * (the caller escapes it), family and dump -1.  False for "". */
bool sock_proto_describe(const char *name, struct sock_proto_desc *d);

/* True when a table entry of that family and protocol may be the socket
 * the kernel names so: a /proc/net line claiming a socket's inode for
 * another family is not taken.  True when the name is unknown or "". */
bool sock_proto_matches(const char *name, const struct sock_info *si);

#endif
