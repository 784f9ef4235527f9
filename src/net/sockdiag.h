/* What the kernel says about sockets, keyed by inode: NETLINK_SOCK_DIAG
 * (inet_diag for TCP and UDP over IPv4 and IPv6, unix_diag) with one dump
 * per family and protocol, and /proc/net as the fallback when netlink is
 * refused.  Both paths fill the same struct sock_info. */
#ifndef FDSCOPE_SOCKDIAG_H
#define FDSCOPE_SOCKDIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <netinet/in.h>

struct inetdiag_filter;

/* A socket's own address: an Internet one or a unix name.  112 bytes
 * where a sockaddr_storage is 128. */
union sock_addr {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
	struct sockaddr_un un;
};

/* The other end's address, which only TCP and UDP sockets have here
 * (a unix socket's peer is peer_ino): 28 bytes. */
union sock_inet_addr {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

struct sock_info {
	unsigned long long ino;
	int family;			/* AF_INET, AF_INET6, AF_UNIX */
	int type;			/* SOCK_STREAM, SOCK_DGRAM, ... */
	int proto;			/* IPPROTO_TCP, IPPROTO_UDP, 0 */
	int state;			/* the kernel's TCP-style state */
	/* A host may hold tens of thousands of sockets, each an entry:
	 * two sockaddr_storage made it 312 bytes, these 192. */
	union sock_addr local;
	union sock_inet_addr remote;
	socklen_t local_len, remote_len;	/* 0: no address */
	bool have_peer;			/* unix: peer_ino is known */
	unsigned long long peer_ino;
	/* /proc/net/unix prints names raw: two of its lines claimed this
	 * inode (a name holding a newline and a forged line), so neither
	 * is believed. */
	bool ambiguous;
	/* /proc/net/unix prints an abstract name's NUL bytes as '@': the
	 * name holds an '@' after its first byte that may be either. */
	bool name_uncertain;
};

/* Where a table's data came from. */
enum sock_source {
	SOCK_SRC_NONE,
	SOCK_SRC_NETLINK,
	SOCK_SRC_PROCNET,
	SOCK_SRC_MIXED,		/* netlink, /proc/net for what it refused */
};

/* Sockets by inode: the entries one after the other, in the order they
 * were added, and an open-addressing index of their positions.  A machine
 * may have tens of thousands of sockets: only the entries in use are ever
 * touched, and growing moves no entry (realloc of a large block remaps
 * its pages), where a table of entries would be rehashed and zeroed at
 * every doubling. */
struct sock_table {
	struct sock_info *entries;	/* [0, n) */
	size_t n, cap;
	/* Per slot: entry position + 1 in the low 32 bits (0: empty), the
	 * inode's low 32 bits in the high ones, so that a probe reads the
	 * entry only when the inode may be its own (each entry read is a
	 * cache miss in a table of tens of thousands). */
	uint64_t *index;
	size_t index_cap;		/* a power of two, or 0 */
	enum sock_source source;
	/* 1 << SOCKDIAG_*: dumps not wanted (a selection that can only
	 * match TCP sockets needs no unix dump); set before loading. */
	unsigned int skip;
	/* TCP and UDP dumps send only the sockets this program accepts
	 * (net/inetdiag_filter.h); NULL: every one.  Set before loading;
	 * the /proc/net fallback reads every socket still. */
	const struct inetdiag_filter *filter;
	/* TCP dumps send only the sockets in these states (1 << TCP_*; 0:
	 * SOCKDIAG_TCP_HELD): listeners alone are a walk of the small
	 * listening hash, every other state one of the whole established
	 * hash.  SOCKDIAG_TCP_SPLIT: the listeners first, and the other
	 * states only when sockstat counts more TCP sockets in use than that
	 * (tcp_rest_skipped then says they were not asked for).  The
	 * /proc/net fallback reads every socket still. */
	unsigned int tcp_states;
	bool tcp_rest_skipped;
	/* The first read of a /proc/net file, in bytes (0: a full buffer):
	 * a second look sets it to move where the kernel resumes the walk
	 * (net/attach.c, redump_missing). */
	size_t procnet_lead;
	/* An add failed (out of memory, or 4 G sockets): the table may be
	 * filled in a thread of its own, which never exits (attach.c). */
	int error;
};

/* The states of TCP sockets a descriptor can hold: not TIME_WAIT nor a
 * request's NEW_SYN_RECV (12, in no user header), the kernel's own
 * records without an inode.  A host that closed many connections holds
 * thousands of them, which the kernel then skips before building their
 * messages. */
#define SOCKDIAG_TCP_HELD (~(1u << 6 | 1u << 12))
#define SOCKDIAG_TCP_LISTEN (1u << 10)
#define SOCKDIAG_TCP_SPLIT (1u << 31)

void sock_table_init(struct sock_table *t);
void sock_table_release(struct sock_table *t);

/* The entry for ino, created zeroed (with ino set) when absent.  The
 * pointer is good until the next sock_table_add.  NULL, with t->error set,
 * when it cannot be added. */
struct sock_info *sock_table_add(struct sock_table *t, unsigned long long ino);

/* The entry for ino, or NULL. */
const struct sock_info *sock_table_find(const struct sock_table *t,
					unsigned long long ino);

/* The dumps fdscope makes, in order. */
enum sockdiag_dump {
	SOCKDIAG_TCP4, SOCKDIAG_TCP6, SOCKDIAG_UDP4, SOCKDIAG_UDP6,
	SOCKDIAG_UNIX, SOCKDIAG_NDUMPS
};

/* The decoders for one reply message, exposed for tests: each checks the
 * lengths it is given before reading and returns -1 on a short message. */
int sockdiag_decode_inet(struct sock_table *t, int proto, const void *msg,
			 size_t len);
int sockdiag_decode_unix(struct sock_table *t, const void *msg, size_t len);

/* Walks one recv buffer of replies to dump request seq, decoding each
 * SOCK_DIAG_BY_FAMILY message into t.  Returns 1 when the dump is done
 * (NLMSG_DONE), 0 to keep reading, -1 with errno for NLMSG_ERROR.  Every
 * length is checked before it is read. */
int sockdiag_walk_replies(struct sock_table *t, enum sockdiag_dump which,
			  uint32_t seq, const void *buf, size_t len);

/* Fills t with every TCP, UDP and unix socket of a network namespace:
 * netlink in the current namespace first, and for each dump it refuses
 * (or always, when FDSCOPE_NO_NETLINK is set or use_netlink is false),
 * the /proc/net file relative to netdir (a descriptor on /proc/PID/net;
 * -1: none).  Returns 0 when at least one source answered, -1 with errno
 * otherwise. */
int sock_table_load(struct sock_table *t, bool use_netlink, int netdir);

/* Dump selection for sock_table_load_some: bit 1 << SOCKDIAG_* each. */
#define SOCKDIAG_ALL ((1u << SOCKDIAG_NDUMPS) - 1)

/* At most this many unix sockets of a namespace are looked up one by one
 * (unix_diag by inode) instead of dumped.  The kernel finds a socket by
 * inode by walking its whole unix table, so one look-up costs a fixed
 * share of a dump whatever the host's size: the crossover, measured in
 * bench/analysis.md ("Unix look-ups by inode"), is near 32. */
#define SOCKDIAG_UNIX_EXACT_MAX 32

/* As sock_table_load, for the dumps in mask only.  The unix sockets
 * unix_inos (n of them) are those the caller needs: when netlink answers
 * and n is at most SOCKDIAG_UNIX_EXACT_MAX, they and their peers are
 * asked for by inode instead of dumping every unix socket.
 * FDSCOPE_UNIX_LOOKUP=dump or =exact forces one way (tests compare). */
int sock_table_load_some(struct sock_table *t, bool use_netlink,
			 int netdir, unsigned int mask,
			 const unsigned long long *unix_inos, size_t n);

/* True unless FDSCOPE_NO_NETLINK is set to a non-empty value other than 0. */
bool sockdiag_netlink_allowed(void);

#endif
