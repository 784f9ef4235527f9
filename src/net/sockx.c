/* Socket details from NETLINK_SOCK_DIAG, one dump per family and
 * protocol.  A request is sent and its replies walked with nlmsg_fits and
 * NLMSG_NEXT, RTA_OK and RTA_NEXT, each length checked before it is read
 * (as in sockdiag.c, whose dumps feed the address columns).  A family the
 * kernel lacks (vsock_diag, sctp_diag not loaded) answers ENOENT and is
 * left out; nothing is guessed for it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/netlink_diag.h>
#include <linux/packet_diag.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <linux/vm_sockets_diag.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "lib/util.h"
#include "net/netaddr.h"
#include "net/nlmsg.h"
#include "net/sockx.h"
#include "proc/procfs.h"

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

void sockx_table_init(struct sockx_table *t)
{
	memset(t, 0, sizeof(*t));
}

void sockx_table_release(struct sockx_table *t)
{
	free(t->v);
	free(t->loaded);
	sockx_table_init(t);
}

/* The namespace being dumped, stamped on each entry. */
static unsigned long long current_netns;

static struct sockx *add(struct sockx_table *t, unsigned long long ino)
{
	struct sockx *x;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	x = &t->v[t->n++];
	memset(x, 0, sizeof(*x));
	x->ino = ino;
	x->order = (unsigned int)t->n;
	x->netns = current_netns;
	t->sorted = false;
	return x;
}

static void set_inet(struct sockaddr_storage *ss, socklen_t *len, int family,
		     const __be32 *addr, __be16 port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = port;
		memcpy(&in6->sin6_addr, addr, 16);
		*len = sizeof(*in6);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_port = port;
		memcpy(&in->sin_addr, addr, 4);
		*len = sizeof(*in);
	}
}

/* The attributes after a fixed header of hdr bytes.  rta and rtalen are
 * assigned, so they cannot be parenthesised. */
/* NOLINTBEGIN(bugprone-macro-parentheses) */
#define FOR_EACH_RTA(msg, len, hdr, rta, rtalen) \
	for (rta = (const struct rtattr *)((const char *)(msg) + NLMSG_ALIGN(hdr)), \
	     rtalen = (len) > NLMSG_ALIGN(hdr) ? (int)((len) - NLMSG_ALIGN(hdr)) : 0; \
	     RTA_OK(rta, rtalen); rta = RTA_NEXT(rta, rtalen))
/* NOLINTEND(bugprone-macro-parentheses) */

int sockx_decode_inet(struct sockx_table *t, int proto, const void *msg,
		      size_t len)
{
	const struct inet_diag_msg *m = msg;
	const struct rtattr *rta;
	struct sockx *x;
	int rtalen;

	if (len < sizeof(*m) || len > INT_MAX)
		return -1;
	if ((m->idiag_family != AF_INET && m->idiag_family != AF_INET6) ||
	    m->idiag_inode == 0)
		return 0;
	x = add(t, m->idiag_inode);
	x->family = m->idiag_family;
	x->proto = proto;
	x->type = proto == IPPROTO_UDP || proto == IPPROTO_UDPLITE ? SOCK_DGRAM :
		proto == IPPROTO_RAW ? SOCK_RAW : SOCK_STREAM;
	x->state = m->idiag_state;
	x->have_queues = true;
	x->rqueue = m->idiag_rqueue;
	x->wqueue = m->idiag_wqueue;
	x->have_uid = true;
	x->uid = m->idiag_uid;
	if (proto == IPPROTO_TCP || proto == IPPROTO_MPTCP) {
		x->have_timer = true;
		x->timer = m->idiag_timer;
		x->retrans = m->idiag_retrans;
		x->expires_ms = m->idiag_expires;
	}
	set_inet(&x->local, &x->local_len, x->family, m->id.idiag_src,
		 m->id.idiag_sport);
	set_inet(&x->remote, &x->remote_len, x->family, m->id.idiag_dst,
		 m->id.idiag_dport);
	FOR_EACH_RTA(msg, len, sizeof(*m), rta, rtalen) {
		if (RTA_PAYLOAD(rta) < 1)
			continue;
		if (rta->rta_type == INET_DIAG_SHUTDOWN) {
			x->have_shutdown = true;
			x->shutdown = *(const unsigned char *)RTA_DATA(rta);
		} else if (rta->rta_type == INET_DIAG_PROTOCOL && proto == IPPROTO_RAW) {
			/* A raw socket's own protocol (1 for ICMP, ...). */
			x->proto = *(const unsigned char *)RTA_DATA(rta);
			x->type = SOCK_RAW;
		}
	}
	if (proto == IPPROTO_RAW && x->type != SOCK_RAW)
		x->type = SOCK_RAW;
	return 0;
}

int sockx_decode_unix(struct sockx_table *t, const void *msg, size_t len)
{
	const struct unix_diag_msg *m = msg;
	const struct rtattr *rta;
	struct sockx *x;
	int rtalen;

	if (len < sizeof(*m) || len > INT_MAX)
		return -1;
	if (m->udiag_ino == 0)
		return 0;
	x = add(t, m->udiag_ino);
	x->family = AF_UNIX;
	x->type = m->udiag_type;
	x->state = m->udiag_state;
	FOR_EACH_RTA(msg, len, sizeof(*m), rta, rtalen) {
		size_t plen = RTA_PAYLOAD(rta);

		if (rta->rta_type == UNIX_DIAG_RQLEN &&
		    plen >= sizeof(struct unix_diag_rqlen)) {
			struct unix_diag_rqlen q;

			memcpy(&q, RTA_DATA(rta), sizeof(q));
			x->have_queues = true;
			x->rqueue = q.udiag_rqueue;
			x->wqueue = q.udiag_wqueue;
		} else if (rta->rta_type == UNIX_DIAG_SHUTDOWN && plen >= 1) {
			x->have_shutdown = true;
			x->shutdown = *(const unsigned char *)RTA_DATA(rta);
		} else if (rta->rta_type == UNIX_DIAG_UID && plen >= sizeof(uint32_t)) {
			uint32_t uid;

			memcpy(&uid, RTA_DATA(rta), sizeof(uid));
			x->have_uid = true;
			x->uid = uid;
		}
	}
	return 0;
}

int sockx_decode_netlink(struct sockx_table *t, const void *msg, size_t len)
{
	const struct netlink_diag_msg *m = msg;
	const struct rtattr *rta;
	struct sockx *x;
	int rtalen;

	if (len < sizeof(*m) || len > INT_MAX)
		return -1;
	if (m->ndiag_ino == 0)
		return 0;
	x = add(t, m->ndiag_ino);
	x->family = AF_NETLINK;
	x->type = m->ndiag_type;
	x->proto = m->ndiag_protocol;
	x->state = m->ndiag_state;
	x->portid = m->ndiag_portid;
	x->dst_portid = m->ndiag_dst_portid;
	x->dst_group = m->ndiag_dst_group;
	FOR_EACH_RTA(msg, len, sizeof(*m), rta, rtalen) {
		size_t plen = RTA_PAYLOAD(rta);

		if (rta->rta_type != NETLINK_DIAG_GROUPS)
			continue;
		x->have_groups = true;
		memcpy(x->groups, RTA_DATA(rta),
		       plen < sizeof(x->groups) ? plen : sizeof(x->groups));
	}
	return 0;
}

int sockx_decode_packet(struct sockx_table *t, const void *msg, size_t len)
{
	const struct packet_diag_msg *m = msg;
	const struct rtattr *rta;
	struct sockx *x;
	int rtalen;

	if (len < sizeof(*m) || len > INT_MAX)
		return -1;
	if (m->pdiag_ino == 0)
		return 0;
	x = add(t, m->pdiag_ino);
	x->family = AF_PACKET;
	x->type = m->pdiag_type;
	x->proto = m->pdiag_num;	/* host order, as the kernel keeps it */
	FOR_EACH_RTA(msg, len, sizeof(*m), rta, rtalen) {
		struct packet_diag_info info;

		if (rta->rta_type != PACKET_DIAG_INFO ||
		    RTA_PAYLOAD(rta) < sizeof(info))
			continue;
		memcpy(&info, RTA_DATA(rta), sizeof(info));
		x->ifindex = (int)info.pdi_index;
	}
	return 0;
}

int sockx_decode_vsock(struct sockx_table *t, const void *msg, size_t len)
{
	const struct vsock_diag_msg *m = msg;
	struct sockx *x;

	if (len < sizeof(*m))
		return -1;
	if (m->vdiag_ino == 0)
		return 0;
	x = add(t, m->vdiag_ino);
	x->family = AF_VSOCK;
	x->type = m->vdiag_type;
	x->state = m->vdiag_state;
	x->have_shutdown = true;
	x->shutdown = m->vdiag_shutdown;
	x->src_cid = m->vdiag_src_cid;
	x->src_port = m->vdiag_src_port;
	x->dst_cid = m->vdiag_dst_cid;
	x->dst_port = m->vdiag_dst_port;
	return 0;
}

enum dump_kind { D_INET, D_UNIX, D_NETLINK, D_PACKET, D_VSOCK };

struct dump {
	enum dump_kind kind;
	int family, proto;
};

static const struct dump dumps[] = {
	{ D_INET, AF_INET, IPPROTO_TCP }, { D_INET, AF_INET6, IPPROTO_TCP },
	{ D_INET, AF_INET, IPPROTO_UDP }, { D_INET, AF_INET6, IPPROTO_UDP },
	{ D_INET, AF_INET, IPPROTO_UDPLITE }, { D_INET, AF_INET6, IPPROTO_UDPLITE },
	{ D_INET, AF_INET, IPPROTO_RAW }, { D_INET, AF_INET6, IPPROTO_RAW },
	{ D_INET, AF_INET, IPPROTO_SCTP }, { D_INET, AF_INET6, IPPROTO_SCTP },
	{ D_INET, AF_INET, IPPROTO_MPTCP }, { D_INET, AF_INET6, IPPROTO_MPTCP },
	{ D_UNIX, AF_UNIX, 0 },
	{ D_NETLINK, AF_NETLINK, 0 },
	{ D_PACKET, AF_PACKET, 0 },
	{ D_VSOCK, AF_VSOCK, 0 },
};

static int send_dump(int fd, const struct dump *d, uint32_t seq)
{
	union {
		struct nlmsghdr nlh;
		/* Only sizes the buffer the header starts. */
		// cppcheck-suppress unusedStructMember
		char bytes[NLMSG_SPACE(sizeof(struct inet_diag_req_v2) + 64)];
	} msg;
	union {
		struct inet_diag_req_v2 inet;
		struct inet_diag_req_raw raw;
		struct unix_diag_req unix_;
		struct netlink_diag_req nl;
		struct packet_diag_req pkt;
		struct vsock_diag_req vs;
	} r;
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	size_t body;

	memset(&msg, 0, sizeof(msg));
	memset(&r, 0, sizeof(r));
	switch (d->kind) {
	case D_INET:
		r.inet.sdiag_family = (__u8)d->family;
		r.inet.sdiag_protocol = (__u8)(d->proto & 0xff);
		r.inet.idiag_states = ~0U;
		if (d->proto == IPPROTO_RAW)
			r.raw.sdiag_raw_protocol = IPPROTO_RAW;
		body = sizeof(r.inet);
		break;
	case D_UNIX:
		r.unix_.sdiag_family = AF_UNIX;
		r.unix_.udiag_states = ~0U;
		r.unix_.udiag_show = UDIAG_SHOW_RQLEN | UDIAG_SHOW_UID;
		body = sizeof(r.unix_);
		break;
	case D_NETLINK:
		r.nl.sdiag_family = AF_NETLINK;
		r.nl.sdiag_protocol = NDIAG_PROTO_ALL;
		r.nl.ndiag_show = NDIAG_SHOW_GROUPS;
		body = sizeof(r.nl);
		break;
	case D_PACKET:
		r.pkt.sdiag_family = AF_PACKET;
		r.pkt.pdiag_show = PACKET_SHOW_INFO;
		body = sizeof(r.pkt);
		break;
	default:
		r.vs.sdiag_family = AF_VSOCK;
		r.vs.vdiag_states = ~0U;
		body = sizeof(r.vs);
		break;
	}
	memcpy(NLMSG_DATA(&msg.nlh), &r, body);
	/* MPTCP's protocol number does not fit the request's byte: it goes
	 * in an attribute after the request. */
	if (d->kind == D_INET && d->proto > 255) {
		struct rtattr *rta = (struct rtattr *)((char *)NLMSG_DATA(&msg.nlh) +
						       NLMSG_ALIGN(body));
		uint32_t proto = (uint32_t)d->proto;

		rta->rta_type = INET_DIAG_REQ_PROTOCOL;
		rta->rta_len = RTA_LENGTH(sizeof(proto));
		memcpy(RTA_DATA(rta), &proto, sizeof(proto));
		body = NLMSG_ALIGN(body) + RTA_LENGTH(sizeof(proto));
	}
	msg.nlh.nlmsg_len = NLMSG_LENGTH(body);
	msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	msg.nlh.nlmsg_seq = seq;
	return sendto(fd, &msg, msg.nlh.nlmsg_len, 0, (struct sockaddr *)&nl,
		      sizeof(nl)) < 0 ? -1 : 0;
}

static void decode(struct sockx_table *t, const struct dump *d,
		   const void *data, size_t len)
{
	switch (d->kind) {
	case D_INET:
		sockx_decode_inet(t, d->proto, data, len);
		break;
	case D_UNIX:
		sockx_decode_unix(t, data, len);
		break;
	case D_NETLINK:
		sockx_decode_netlink(t, data, len);
		break;
	case D_PACKET:
		sockx_decode_packet(t, data, len);
		break;
	default:
		sockx_decode_vsock(t, data, len);
		break;
	}
}

/* One dump: 1 when done, -1 with errno on an error reply. */
static int walk(struct sockx_table *t, const struct dump *d, uint32_t seq,
		const void *buf, size_t len)
{
	const struct nlmsghdr *h = buf;
	int left = len > INT_MAX ? INT_MAX : (int)len;

	for (; nlmsg_fits(h, left); h = NLMSG_NEXT(h, left)) {
		size_t dlen = h->nlmsg_len - NLMSG_LENGTH(0);

		if (h->nlmsg_seq != seq)
			continue;
		/* A family without a diag module ends at once, its DONE
		 * carrying -ENOENT. */
		if (h->nlmsg_type == NLMSG_DONE) {
			int32_t e = 0;

			if (dlen >= sizeof(e))
				memcpy(&e, NLMSG_DATA(h), sizeof(e));
			if (e < 0 && e > -4096) {
				errno = -e;
				return -1;
			}
			return 1;
		}
		if (h->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(h);

			errno = dlen >= sizeof(*e) && e->error < 0 &&
				e->error > -4096 ? -e->error : EPROTO;
			return -1;
		}
		if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY)
			decode(t, d, NLMSG_DATA(h), dlen);
	}
	return 0;
}

static int dump_one(int fd, struct sockx_table *t, const struct dump *d,
		    uint32_t seq)
{
	long buf[32768 / sizeof(long)];
	int rc = 0;

	if (send_dump(fd, d, seq) < 0)
		return -1;
	while (rc == 0) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EPROTO;
			return -1;
		}
		rc = walk(t, d, seq, buf, (size_t)n);
	}
	return rc < 0 ? -1 : 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* n hex digits at p into bytes as /proc/net prints an address: each
 * 32-bit word in host order. */
static bool hex_words(const char *p, size_t n, unsigned char *out)
{
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		uint32_t w = 0;
		size_t k;

		for (k = 0; k < 8; k++) {
			int v = hexval(p[i + k]);

			if (v < 0)
				return false;
			w = w << 4 | (uint32_t)v;
		}
		memcpy(out + i / 2, &w, 4);
	}
	return true;
}

int sockx_parse_procnet_raw(struct sockx_table *t, int family, const char *text,
			    size_t len)
{
	const char *p = text, *end = text + len;
	size_t alen = family == AF_INET6 ? 32 : 8;
	int n = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		char line[512], laddr[40], raddr[40];
		unsigned int sl, lport, rport, st, txq, rxq, uid;
		unsigned long long ino;
		unsigned char la[16], ra[16];
		struct sockx *x;
		size_t ll;

		if (eol == NULL)
			eol = end;
		ll = (size_t)(eol - p) < sizeof(line) - 1 ? (size_t)(eol - p) :
			sizeof(line) - 1;
		memcpy(line, p, ll);
		line[ll] = '\0';
		p = eol + 1;
		/* The kernel's fixed /proc/net/raw layout. */
		if (sscanf(line, " %u: %39[0-9A-Fa-f]:%x %39[0-9A-Fa-f]:%x %x %x:%x " /* NOLINT(cert-err34-c) */
			   "%*x:%*x %*x %u %*d %llu", &sl, laddr, &lport, raddr,
			   &rport, &st, &txq, &rxq, &uid, &ino) != 10 ||
		    strlen(laddr) != alen || strlen(raddr) != alen || ino == 0 ||
		    !hex_words(laddr, alen, la) || !hex_words(raddr, alen, ra))
			continue;
		x = add(t, ino);
		x->family = family;
		x->type = SOCK_RAW;
		x->proto = (int)lport;	/* the kernel prints the protocol as port */
		x->state = (int)st;
		x->have_queues = true;
		x->rqueue = rxq;
		x->wqueue = txq;
		x->have_uid = true;
		x->uid = uid;
		set_inet(&x->local, &x->local_len, family, (const __be32 *)la, 0);
		set_inet(&x->remote, &x->remote_len, family, (const __be32 *)ra, 0);
		n++;
	}
	return n;
}

/* Raw sockets where raw_diag is missing: /proc/net/raw{,6}, which the
 * kernel writes for the reading process's namespace. */
static void raw_fallback(struct sockx_table *t)
{
	static const struct {
		const char *path;
		int family;
	} files[] = {
		{ "net/raw", AF_INET },
		{ "net/raw6", AF_INET6 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		char path[64];
		int fd = procfs_thread_self_path(path, sizeof(path),
						 files[i].path) < 0 ? -1 :
			open(path, O_RDONLY | O_CLOEXEC);
		char *buf;
		size_t got = 0, cap = 65536;
		ssize_t n;

		if (fd < 0)
			continue;
		buf = xmalloc(cap);
		while ((n = read(fd, buf + got, cap - got)) > 0) {
			got += (size_t)n;
			if (got == cap) {
				cap *= 2;
				buf = xrealloc(buf, cap);
			}
		}
		close(fd);
		sockx_parse_procnet_raw(t, files[i].family, buf, got);
		free(buf);
	}
}

/* Every dump in the calling thread's namespace; 0 when one answered. */
static int dump_all(struct sockx_table *t)
{
	struct timeval tv = { 5, 0 };
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	size_t i, first = t->n;
	int ok = 0, last = 0;
	bool raw_missing = false;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

	for (i = 0; i < ARRAY_SIZE(dumps); i++) {
		if (dump_one(fd, t, &dumps[i], (uint32_t)i + 1) == 0) {
			ok = 1;
		} else {
			last = errno;
			if (dumps[i].proto == IPPROTO_RAW && dumps[i].kind == D_INET)
				raw_missing = true;
		}
	}
	close(fd);
	if (raw_missing)
		raw_fallback(t);
	/* Interface names, while in the namespace they belong to. */
	for (i = first; i < t->n; i++)
		if (t->v[i].family == AF_PACKET && t->v[i].ifindex > 0 &&
		    if_indextoname((unsigned int)t->v[i].ifindex, t->v[i].ifname) == NULL)
			t->v[i].ifname[0] = '\0';
	if (!ok) {
		errno = last;
		return -1;
	}
	return 0;
}

static unsigned long long ns_ino(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? (unsigned long long)st.st_ino : 0;
}

static bool loaded(const struct sockx_table *t, unsigned long long ns)
{
	size_t i;

	for (i = 0; i < t->nloaded; i++)
		if (t->loaded[i] == ns)
			return true;
	return false;
}

int sockx_load_for(struct sockx_table *t, int piddir)
{
	int target, self = -1, rc = -1, saved = 0;
	char selfpath[32];
	unsigned long long ns;

	target = openat(piddir, "ns/net", O_RDONLY | O_CLOEXEC);
	if (target < 0)
		return -1;
	ns = ns_ino(target);
	if (ns != 0 && loaded(t, ns)) {
		close(target);
		return 0;
	}
	self = procfs_thread_self_path(selfpath, sizeof(selfpath), "ns/net") < 0 ?
		-1 : open(selfpath, O_RDONLY | O_CLOEXEC);
	if (self < 0) {
		saved = errno;
		goto cleanup;
	}
	current_netns = ns;
	if (ns_ino(self) == ns) {
		rc = dump_all(t);
		saved = errno;
	} else if (setns(target, CLONE_NEWNET) == 0) {
		/* Only this thread moves, and only for the dumps. */
		rc = dump_all(t);
		saved = errno;
		if (setns(self, CLONE_NEWNET) != 0)
			abort();
	} else {
		saved = errno;
	}
	if (rc == 0) {
		t->loaded = xrealloc(t->loaded, (t->nloaded + 1) * sizeof(*t->loaded));
		t->loaded[t->nloaded++] = ns;
	}
cleanup:
	if (self >= 0)
		close(self);
	close(target);
	errno = saved;
	return rc;
}

/* By inode, then in the order found: a socket two dumps report (an
 * MPTCP socket also answers the TCP dump) is taken from the later, more
 * specific one. */
static int cmp_ino(const void *a, const void *b)
{
	const struct sockx *x = a, *y = b;

	if (x->ino != y->ino)
		return (x->ino > y->ino) - (x->ino < y->ino);
	return (x->order > y->order) - (x->order < y->order);
}

const struct sockx *sockx_find(struct sockx_table *t, unsigned long long ino)
{
	size_t lo = 0, hi = t->n;

	if (!t->sorted) {
		/* An empty table has no array to sort (qsort of NULL). */
		if (t->n > 1)
			qsort(t->v, t->n, sizeof(*t->v), cmp_ino);
		t->sorted = true;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->v[mid].ino < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == t->n || t->v[lo].ino != ino)
		return NULL;
	while (lo + 1 < t->n && t->v[lo + 1].ino == ino)
		lo++;
	return &t->v[lo];
}

const char *sockx_shutdown(const struct sockx *x)
{
	static const char *const s[] = { "--", "r-", "-w", "rw" };

	return x && x->have_shutdown ? s[x->shutdown & 3] : NULL;
}

bool sockx_listening(const struct sockx *x)
{
	/* TCP_LISTEN, which unix, vsock and SCTP listeners share. */
	return x->state == 10 && x->family != AF_NETLINK && x->family != AF_PACKET;
}

const char *sockx_netlink_proto(int proto, char *buf, size_t len)
{
	static const char *const names[] = {
		[0] = "route", [1] = "unused", [2] = "usersock", [3] = "firewall",
		[4] = "sock_diag", [5] = "nflog", [6] = "xfrm", [7] = "selinux",
		[8] = "iscsi", [9] = "audit", [10] = "fib_lookup",
		[11] = "connector", [12] = "netfilter", [13] = "ip6_fw",
		[14] = "dnrtmsg", [15] = "kobject_uevent", [16] = "generic",
		[18] = "scsitransport", [19] = "ecryptfs", [20] = "rdma",
		[21] = "crypto", [22] = "smc",
	};

	if (proto >= 0 && (size_t)proto < ARRAY_SIZE(names) && names[proto])
		return names[proto];
	snprintf(buf, len, "%d", proto);
	return buf;
}

const char *sockx_packet_proto(int proto, char *buf, size_t len)
{
	switch (proto) {
	case 0x0003:
		return "ALL";
	case 0x0800:
		return "IP";
	case 0x0806:
		return "ARP";
	case 0x86DD:
		return "IPV6";
	case 0:
		return "none";
	default:
		snprintf(buf, len, "0x%04x", (unsigned int)proto);
		return buf;
	}
}

const char *sockx_timer(const struct sockx *x, char *buf, size_t len)
{
	static const char *const kinds[] = {
		"off", "on", "keepalive", "timewait", "persist", "unknown",
	};

	if (x == NULL || !x->have_timer)
		return NULL;
	snprintf(buf, len, "%s,%ums,%u", kinds[x->timer < 5 ? x->timer : 5],
		 x->expires_ms, x->retrans);
	return buf;
}

static const char *inet_proto_word(int proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "TCP";
	case IPPROTO_UDP:
		return "UDP";
	case IPPROTO_UDPLITE:
		return "UDPLITE";
	case IPPROTO_SCTP:
		return "SCTP";
	case IPPROTO_MPTCP:
		return "MPTCP";
	default:
		return NULL;
	}
}

/* No remote address: port 0 and the wildcard. */
static bool inet_unset(const struct sockx *x)
{
	static const unsigned char zero[16];
	const struct sockaddr_in6 *in6 = (const void *)&x->remote;
	const struct sockaddr_in *in = (const void *)&x->remote;

	if (x->remote.ss_family == AF_INET6)
		return in6->sin6_port == 0 && memcmp(&in6->sin6_addr, zero, 16) == 0;
	return in->sin_port == 0 && in->sin_addr.s_addr == 0;
}

const char *sockx_name(const struct sockx *x, char *buf, size_t len)
{
	char a[NETADDR_STRLEN], b[NETADDR_STRLEN], tmp[32];
	const char *w, *st;

	switch (x->family) {
	case AF_NETLINK:
		snprintf(buf, len, "NETLINK %s port %u groups 0x%x",
			 sockx_netlink_proto(x->proto, tmp, sizeof(tmp)), x->portid,
			 x->have_groups ? x->groups[0] : 0);
		return buf;
	case AF_PACKET:
		snprintf(buf, len, "PACKET %s %s", x->ifname[0] ? x->ifname :
			 x->ifindex ? "?" : "*",
			 sockx_packet_proto(x->proto, tmp, sizeof(tmp)));
		return buf;
	case AF_VSOCK:
		snprintf(buf, len, "VSOCK %u:%u -> %u:%u", x->src_cid, x->src_port,
			 x->dst_cid, x->dst_port);
		return buf;
	case AF_INET:
	case AF_INET6:
		netaddr_format((const struct sockaddr *)&x->local, x->local_len, a,
			       sizeof(a));
		netaddr_format((const struct sockaddr *)&x->remote, x->remote_len, b,
			       sizeof(b));
		if (x->type == SOCK_RAW) {
			snprintf(buf, len, "RAW%s proto %d %s", x->family == AF_INET6 ?
				 "6" : "", x->proto, a);
			return buf;
		}
		w = inet_proto_word(x->proto);
		st = x->proto == IPPROTO_TCP || x->proto == IPPROTO_MPTCP ?
			tcp_state_name(x->state) : sock_state_word(x->state);
		if (inet_unset(x))
			snprintf(buf, len, "%s%s %s%s%s", w ? w : "INET",
				 x->family == AF_INET6 ? "6" : "", a, st ? " " : "",
				 st ? st : "");
		else
			snprintf(buf, len, "%s%s %s -> %s%s%s", w ? w : "INET",
				 x->family == AF_INET6 ? "6" : "", a, b, st ? " " : "",
				 st ? st : "");
		return buf;
	default:
		return NULL;
	}
}
