/* inet_diag's bytecode (INET_DIAG_REQ_BYTECODE): a program the kernel
 * runs on every socket of a dump, so that only the sockets it accepts are
 * sent back.  Built here for lsof's -i ports: a socket whose local or
 * remote port is in one of the ranges, as ss's `sport = :P or dport = :P`
 * filters; and, to narrow a dump to a few processes' sockets, a socket
 * created in one of a few cgroups (v2 IDs), as ss's `cgroup PATH`. */
#ifndef FDSCOPE_INETDIAG_FILTER_H
#define FDSCOPE_INETDIAG_FILTER_H

#include <stdbool.h>
#include <stddef.h>

/* More ranges than this are not filtered in the kernel: every socket is
 * dumped, and the selection decides. */
#define INETDIAG_FILTER_MAX_RANGES 32

/* Per range: two terms (local, remote) of two comparisons (>= lo, <= hi)
 * and a jump after each; 4 bytes per operation. */
#define INETDIAG_FILTER_MAX_LEN (INETDIAG_FILTER_MAX_RANGES * 2 * (2 * 8 + 4))

/* Cgroups one program names at most: past that, no narrowing. */
#define INETDIAG_FILTER_MAX_CGROUPS 16

struct inetdiag_filter {
	unsigned char code[INETDIAG_FILTER_MAX_LEN];
	size_t len;		/* 0: no filter, every socket */
};

/* Builds the program accepting a socket whose local or remote port is in
 * one of ranges[i] = { lo, hi }.  Returns 0, or -1 when there is no range
 * or too many, a port above 65535 or a range that ends before it starts
 * (f is then empty: no filter). */
int inetdiag_filter_ports(struct inetdiag_filter *f,
			  const unsigned int (*ranges)[2], size_t n);

/* Builds the program accepting a socket created in one of the cgroups
 * ids[0..n).  Returns 0, or -1 for no ID or more than
 * INETDIAG_FILTER_MAX_CGROUPS (f is then empty). */
int inetdiag_filter_cgroups(struct inetdiag_filter *f,
			    const unsigned long long *ids, size_t n);

/* What the kernel's inet_diag_bc_run sees of a socket. */
struct inetdiag_filter_sock {
	unsigned int sport, dport;
	unsigned long long cgroup;	/* 0 for a socket that is not full */
};

/* Runs the program on a socket as the kernel's inet_diag_bc_run does
 * (for the tests; the kernel runs the real one). */
bool inetdiag_filter_accepts(const struct inetdiag_filter *f,
			     const struct inetdiag_filter_sock *sk);

#endif
