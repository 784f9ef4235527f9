/* The "attach" step of `list`: what /proc/PID/fd does not say about a
 * descriptor, found once for all the collected tables.  Sockets decoded
 * per network namespace (one set of dumps each, never a query per
 * descriptor).  The holders of each inode are proc/holders.h's. */
#ifndef FDSCOPE_NET_ATTACH_H
#define FDSCOPE_NET_ATTACH_H

#include <stdbool.h>
#include <stddef.h>

#include "net/sockdiag.h"
#include "proc/fdlist.h"

struct net_attach;

/* fdscope's own network namespace's sockets, dumped in a thread of their
 * own while the tables are being collected: the dumps depend on nothing
 * collected and take as long as reading thousands of descriptors.
 * Returns NULL when no thread could be started (the dumps are then made
 * when needed, as without a prefetch). */
struct sock_prefetch *sock_prefetch_start(const char *proc_root);

/* Same, leaving out the dumps in skip (1 << SOCKDIAG_*). */
struct sock_prefetch *sock_prefetch_start_some(const char *proc_root,
					       unsigned int skip);

/* Same, the TCP and UDP dumps sending only the sockets filter accepts
 * (kept by the caller until the prefetch is freed or taken): the ports a
 * selection wants, or when narrows, the listed processes' cgroups
 * (net_cgroup_narrowing), whose misses net_attach_sockets dumps again. */
struct sock_prefetch *sock_prefetch_start_filtered(const char *proc_root,
						   unsigned int skip,
						   const struct inetdiag_filter *filter,
						   bool narrows);

/* Waits for the dumps and frees them, when no net_attach took them. */
void sock_prefetch_free(struct sock_prefetch *pf);

struct net_attach *net_attach_new(const char *proc_root,
				  const struct fd_proc *procs, size_t nprocs);
void net_attach_free(struct net_attach *a);

/* Leaves the dumps in skip (1 << SOCKDIAG_*) out of every namespace's
 * load: set before net_attach_sockets. */
void net_attach_skip_dumps(struct net_attach *a, unsigned int skip);

/* Sends every namespace's TCP and UDP dumps filter (kept by the caller
 * while a lives): set before net_attach_sockets. */
void net_attach_filter_dumps(struct net_attach *a,
			     const struct inetdiag_filter *filter);

/* Narrows every namespace's first TCP and UDP dumps with filter (a
 * program on the listed processes' cgroups, net_cgroup_narrowing), kept by
 * the caller while a lives.  Unlike the port filter it leaves no socket
 * out: the dumps of a namespace whose listed sockets it missed (made in
 * another cgroup) are made again without it.  Set before
 * net_attach_sockets; ignored when a port filter is set. */
void net_attach_narrow_dumps(struct net_attach *a,
			     const struct inetdiag_filter *filter);

/* Builds into f the program accepting the sockets created in the cgroups
 * of the processes pinned by piddirs[0..n) (procfs_open_pid; -1 for
 * fdscope itself).  False, f empty, when narrowing is off
 * (FDSCOPE_INET_LOOKUP=dump), a cgroup is unknown, or there are more
 * than INETDIAG_FILTER_MAX_CGROUPS of them. */
bool net_cgroup_narrowing(struct inetdiag_filter *f, const char *proc_root,
			  const int *piddirs, size_t n);

/* Hands the prefetch over to a, which uses it for the processes that
 * share fdscope's namespace and frees it. */
void net_attach_take_prefetch(struct net_attach *a, struct sock_prefetch *pf);

/* Decodes every socket of the processes.  Those sharing fdscope's network
 * namespace are looked up there; another namespace is entered with setns
 * where permitted, or read through /proc/PID/net, or left undecoded with
 * one warning.  Does nothing when no process holds a socket. */
void net_attach_sockets(struct net_attach *a);

/* The inode of a socket descriptor (from its link or stat), or 0. */
unsigned long long net_entry_sock_ino(const struct fd_proc *p,
				      const struct fd_entry *e);

/* What the kernel said about the socket behind entry e of process pi,
 * or NULL when it is not a socket or was not decoded. */
const struct sock_info *net_attach_sock(const struct net_attach *a, size_t pi,
					const struct fd_entry *e);

/* The unix peer of si, when it was found in the same namespace. */
const struct sock_info *net_attach_peer(const struct net_attach *a, size_t pi,
					const struct sock_info *si);

/* True when every table read came from netlink (no /proc/net text that
 * a socket's name could forge). */
bool net_attach_all_netlink(const struct net_attach *a);

/* Whether the socket tables of pi's network namespace were read, and
 * how. */
enum { NET_NS_UNREAD, NET_NS_NETLINK, NET_NS_PROCNET };
int net_attach_ns_read(const struct net_attach *a, size_t pi);

/* NAME of a socket no table decodes, from the kernel's protocol name
 * (fd_entry.proto): "TCP (unbound)" where the dumps of every namespace
 * read would have listed it if bound, "NETLINK socket:[N]" for the
 * protocols fdscope does not dump, and why when its namespace was not
 * read. */
const char *net_sock_undecoded_name(const char *proto, int ns_read,
				    unsigned long long ino, char *buf,
				    size_t len);

/* SOCK.PROTO from the kernel's protocol name: TCP, UDP, UNIX, NETLINK,
 * PACKET, RAW...; NULL when unknown (the caller escapes it). */
const char *net_sock_proto_word(const char *proto);

/* Cell texts shared by the columns. */
const char *net_sock_laddr(const struct sock_info *si, char *buf, size_t len);
const char *net_sock_raddr(const struct sock_info *si,
			   const struct sock_info *peer, char *buf, size_t len);
const char *net_sock_state(const struct sock_info *si);
/* "TCP 127.0.0.1:1234 -> 127.0.0.1:54321 ESTABLISHED" and the like. */
const char *net_sock_name(const struct sock_info *si,
			  const struct sock_info *peer, char *buf, size_t len);

#endif
