/* Socket details by family, for the columns beyond a socket's addresses:
 * queues, shutdown, owner UID and the TCP retransmit timer (inet_diag,
 * unix_diag), netlink protocol, port and groups (netlink_diag), packet
 * interface and protocol (packet_diag), raw protocol, vsock CIDs and
 * ports (vsock_diag), and the inet protocols beyond TCP and UDP
 * (UDP-Lite, MPTCP, SCTP, raw).  Its own dumps, made only when one of
 * those columns is asked for (or a socket is left undecoded), in each
 * network namespace the listed processes are in. */
#ifndef FDSCOPE_NET_SOCKX_H
#define FDSCOPE_NET_SOCKX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

struct sockx {
	unsigned long long ino;
	unsigned int order;		/* found n-th: the later of two wins */
	unsigned long long netns;	/* the namespace whose dump had it */
	int family, type, proto;	/* proto: IPPROTO_*, NETLINK_*, ETH_P_* */
	int state;
	bool have_queues, have_shutdown, have_uid, have_timer;
	unsigned int rqueue, wqueue;
	unsigned int shutdown;		/* 1: no more receives, 2: sends */
	unsigned int uid;
	unsigned int timer, retrans, expires_ms;
	/* netlink */
	unsigned int portid, dst_portid, dst_group;
	uint32_t groups[4];		/* the first 128 multicast groups */
	bool have_groups;
	/* packet */
	int ifindex;			/* 0: not bound */
	char ifname[16];		/* its name, "" when unknown */
	/* vsock */
	unsigned int src_cid, src_port, dst_cid, dst_port;
	/* inet */
	struct sockaddr_storage local, remote;
	socklen_t local_len, remote_len;
};

struct sockx_table {
	struct sockx *v;
	size_t n, cap;
	bool sorted;
	unsigned long long *loaded;	/* namespaces dumped */
	size_t nloaded;
	int error;			/* a namespace could not be entered */
};

void sockx_table_init(struct sockx_table *t);
void sockx_table_release(struct sockx_table *t);

/* Dumps every family of the network namespace of the process pinned by
 * piddir (procfs_open_pid, fd_proc_repin) into t, once per namespace: entered with setns for the
 * dumps when it is not fdscope's.  Returns 0, or -1 with errno when the
 * namespace could not be entered or read. */
int sockx_load_for(struct sockx_table *t, int piddir);

/* The socket with this inode, from any namespace loaded, or NULL. */
const struct sockx *sockx_find(struct sockx_table *t, unsigned long long ino);

/* Decoders of one reply message each, exposed for tests and fuzzing:
 * lengths are checked before every read; -1 for a short message. */
int sockx_decode_inet(struct sockx_table *t, int proto, const void *msg,
		      size_t len);
int sockx_decode_unix(struct sockx_table *t, const void *msg, size_t len);
int sockx_decode_netlink(struct sockx_table *t, const void *msg, size_t len);
int sockx_decode_packet(struct sockx_table *t, const void *msg, size_t len);
int sockx_decode_vsock(struct sockx_table *t, const void *msg, size_t len);
/* /proc/net/raw or raw6 text (the fallback without raw_diag); returns the
 * number of sockets added. */
int sockx_parse_procnet_raw(struct sockx_table *t, int family, const char *text,
			    size_t len);

/* Cell texts.  NULL when the socket has no such value. */
const char *sockx_shutdown(const struct sockx *x);	/* "--" "r-" "-w" "rw" */
bool sockx_listening(const struct sockx *x);
const char *sockx_netlink_proto(int proto, char *buf, size_t len);
const char *sockx_packet_proto(int proto, char *buf, size_t len);
/* "on,200ms,3": timer kind, time left, retransmits, as ss -e. */
const char *sockx_timer(const struct sockx *x, char *buf, size_t len);
/* "NETLINK route port 1234 groups 0x1", "PACKET eth0 ALL", "RAW ...",
 * "UDPLITE 127.0.0.1:5 -> ...": NAME for a socket the main decoding
 * left without one. */
const char *sockx_name(const struct sockx *x, char *buf, size_t len);

#endif
