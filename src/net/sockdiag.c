/* NETLINK_SOCK_DIAG: one request per family and protocol, the replies
 * walked with nlmsg_fits/NLMSG_NEXT and RTA_OK/RTA_NEXT so that no length is
 * trusted before it is checked; decoders fill the table keyed by inode.
 * /proc/net is tried for each dump netlink refuses, in the same function,
 * so that the two paths stay comparable. */
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/parallel.h"
#include "lib/util.h"
#include "net/inetdiag_filter.h"
#include "net/nlmsg.h"
#include "net/procnet.h"
#include "net/sockdiag.h"

void sock_table_init(struct sock_table *t)
{
	memset(t, 0, sizeof(*t));
}

void sock_table_release(struct sock_table *t)
{
	free(t->entries);
	free(t->index);
	sock_table_init(t);
}

static size_t slot_of(unsigned long long ino, size_t cap)
{
	/* Fibonacci hashing spreads consecutive inode numbers. */
	return (size_t)((ino * 11400714819323198485ULL) >> 20) & (cap - 1);
}

static uint64_t slot_tag(unsigned long long ino)
{
	return (uint64_t)(uint32_t)ino << 32;
}

static uint32_t slot_pos(uint64_t slot)
{
	return (uint32_t)slot;
}

/* The index slot holding ino's position, or the empty one where it
 * belongs (linear probing; the index is never more than half full). */
static uint64_t *find_slot(const struct sock_table *t, unsigned long long ino)
{
	uint64_t tag = slot_tag(ino);
	size_t i;

	for (i = slot_of(ino, t->index_cap); slot_pos(t->index[i]) != 0;
	     i = (i + 1) & (t->index_cap - 1))
		/* An occupied slot has its entry (entries is set): said for
		 * the static analyser, which cannot tell. */
		if ((t->index[i] & ~(uint64_t)UINT32_MAX) == tag &&
		    t->entries != NULL &&
		    t->entries[slot_pos(t->index[i]) - 1].ino == ino)
			break;
	return &t->index[i];
}

static void set_slot(uint64_t *slot, unsigned long long ino, size_t pos)
{
	*slot = slot_tag(ino) | (uint32_t)(pos + 1);
}

static int grow_index(struct sock_table *t)
{
	size_t i, cap = t->index_cap ? t->index_cap * 2 : 1024;
	uint64_t *index = try_calloc(cap, sizeof(*index));

	if (index == NULL)
		return -1;
	free(t->index);
	t->index = index;
	t->index_cap = cap;
	for (i = 0; i < t->n; i++)
		set_slot(find_slot(t, t->entries[i].ino), t->entries[i].ino, i);
	return 0;
}

struct sock_info *sock_table_add(struct sock_table *t, unsigned long long ino)
{
	struct sock_info *si;
	uint64_t *slot;

	/* Half full at most: 8 bytes a slot, so probes stay short cheaply. */
	if ((t->n + 1) * 2 > t->index_cap && grow_index(t) < 0)
		goto fail;
	slot = find_slot(t, ino);
	if (slot_pos(*slot) != 0)
		return &t->entries[slot_pos(*slot) - 1];
	if (t->n == UINT32_MAX - 1) {
		errno = EOVERFLOW;
		goto fail;
	}
	if (t->n == t->cap || t->entries == NULL) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct sock_info *grown = try_realloc(t->entries,
						      cap * sizeof(*grown));

		if (grown == NULL)
			goto fail;
		t->entries = grown;
		t->cap = cap;
	}
	si = &t->entries[t->n];
	memset(si, 0, sizeof(*si));
	si->ino = ino;
	set_slot(slot, ino, t->n++);
	return si;
fail:
	if (t->error == 0)
		t->error = errno;
	return NULL;
}

const struct sock_info *sock_table_find(const struct sock_table *t,
					unsigned long long ino)
{
	uint64_t *slot;

	if (t->index_cap == 0 || ino == 0)
		return NULL;
	slot = find_slot(t, ino);
	return slot_pos(*slot) ? &t->entries[slot_pos(*slot) - 1] : NULL;
}

bool sockdiag_netlink_allowed(void)
{
	const char *v = getenv("FDSCOPE_NO_NETLINK");

	return v == NULL || *v == '\0' || strcmp(v, "0") == 0;
}

/* Into an address union of size bytes (either of sockdiag.h's). */
static void set_inet_addr(struct sockaddr *ss, size_t size, socklen_t *len,
			  int family, const __be32 *addr, __be16 port)
{
	memset(ss, 0, size);
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

int sockdiag_decode_inet(struct sock_table *t, int proto, const void *msg,
			 size_t len)
{
	const struct inet_diag_msg *m = msg;
	static const __be32 zero[4];
	struct sock_info *si;

	if (len < sizeof(*m))
		return -1;
	if (m->idiag_family != AF_INET && m->idiag_family != AF_INET6)
		return -1;
	/* TIME_WAIT and request sockets have no inode: no descriptor can
	 * refer to them. */
	if (m->idiag_inode == 0)
		return 0;
	si = sock_table_add(t, m->idiag_inode);
	if (si == NULL)
		return -1;
	si->family = m->idiag_family;
	si->proto = proto;
	si->type = proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM;
	si->state = m->idiag_state;
	set_inet_addr(&si->local.sa, sizeof(si->local), &si->local_len,
		      si->family, m->id.idiag_src,
		      m->id.idiag_sport);
	if (m->id.idiag_dport == 0 &&
	    memcmp(m->id.idiag_dst, zero,
		   si->family == AF_INET6 ? 16 : 4) == 0)
		si->remote_len = 0;
	else
		set_inet_addr(&si->remote.sa, sizeof(si->remote),
			      &si->remote_len, si->family,
			      m->id.idiag_dst, m->id.idiag_dport);
	return 0;
}

int sockdiag_decode_unix(struct sock_table *t, const void *msg, size_t len)
{
	const struct unix_diag_msg *m = msg;
	const struct rtattr *rta;
	struct sock_info *si;
	size_t off = NLMSG_ALIGN(sizeof(*m));
	int rtalen;

	if (len < sizeof(*m))
		return -1;
	if (m->udiag_ino == 0)
		return 0;
	si = sock_table_add(t, m->udiag_ino);
	if (si == NULL)
		return -1;
	si->family = AF_UNIX;
	si->type = m->udiag_type;
	si->proto = 0;
	si->state = m->udiag_state;
	if (len <= off)
		return 0;
	rta = (const struct rtattr *)((const char *)msg + off);
	rtalen = (int)(len - off);
	for (; RTA_OK(rta, rtalen); rta = RTA_NEXT(rta, rtalen)) {
		size_t plen = RTA_PAYLOAD(rta);

		switch (rta->rta_type) {
		case UNIX_DIAG_NAME: {
			struct sockaddr_un *un = &si->local.un;

			if (plen > sizeof(un->sun_path))
				plen = sizeof(un->sun_path);
			memset(&si->local, 0, sizeof(si->local));
			un->sun_family = AF_UNIX;
			memcpy(un->sun_path, RTA_DATA(rta), plen);
			si->local_len = (socklen_t)(offsetof(struct sockaddr_un,
							     sun_path) + plen);
			break;
		}
		case UNIX_DIAG_PEER:
			if (plen >= sizeof(uint32_t)) {
				uint32_t peer;

				memcpy(&peer, RTA_DATA(rta), sizeof(peer));
				si->peer_ino = peer;
				si->have_peer = peer != 0;
			}
			break;
		default:
			break;
		}
	}
	return 0;
}

static int diag_open(void)
{
	struct timeval tv = { 5, 0 };
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);

	if (fd < 0)
		return -1;
	/* The kernel always ends a dump; the timeout only bounds a bug. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static bool is_tcp_dump(int which)
{
	return which == SOCKDIAG_TCP4 || which == SOCKDIAG_TCP6;
}

/* The bytecode attribute follows an inet request in the union. */
_Static_assert(sizeof(struct inet_diag_req_v2) >= sizeof(struct unix_diag_req),
	       "the inet request is the larger");

/* ino 0: a dump of every socket; else unix_diag's look-up of one.  A TCP
 * or UDP dump sends only the sockets t's filter accepts, a TCP one only
 * those in t's states (t NULL: every one). */
static int send_request_ino(int fd, enum sockdiag_dump which, uint32_t seq,
			    unsigned long long ino, const struct sock_table *t)
{
	const struct inetdiag_filter *filter = t ? t->filter : NULL;
	bool tcp = is_tcp_dump(which);
	struct {
		struct nlmsghdr nlh;
		union {
			struct inet_diag_req_v2 inet;
			struct unix_diag_req unix_;
		} r;
		struct rtattr rta;
		unsigned char code[INETDIAG_FILTER_MAX_LEN];
	} req;
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	size_t body;

	memset(&req, 0, sizeof(req));
	if (which == SOCKDIAG_UNIX) {
		req.r.unix_.sdiag_family = AF_UNIX;
		req.r.unix_.udiag_states = ~0U;
		req.r.unix_.udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER;
		req.r.unix_.udiag_ino = (uint32_t)ino;
		/* No cookie: the inode alone names the socket. */
		req.r.unix_.udiag_cookie[0] = INET_DIAG_NOCOOKIE;
		req.r.unix_.udiag_cookie[1] = INET_DIAG_NOCOOKIE;
		body = sizeof(req.r.unix_);
	} else {
		req.r.inet.sdiag_family = which == SOCKDIAG_TCP6 ||
			which == SOCKDIAG_UDP6 ? AF_INET6 : AF_INET;
		req.r.inet.sdiag_protocol = tcp ? IPPROTO_TCP : IPPROTO_UDP;
		req.r.inet.idiag_states = !tcp ? ~0U :
			t && t->tcp_states ? t->tcp_states : SOCKDIAG_TCP_HELD;
		body = sizeof(req.r.inet);
		if (filter && filter->len) {
			req.rta.rta_type = INET_DIAG_REQ_BYTECODE;
			req.rta.rta_len = (unsigned short)RTA_LENGTH(filter->len);
			memcpy(req.code, filter->code, filter->len);
			body += RTA_SPACE(filter->len);
		}
	}
	req.nlh.nlmsg_len = NLMSG_LENGTH(body);
	req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | (ino ? 0 : NLM_F_DUMP);
	req.nlh.nlmsg_seq = seq;
	if (sendto(fd, &req, req.nlh.nlmsg_len, 0, (struct sockaddr *)&nl,
		   sizeof(nl)) < 0)
		return -1;
	return 0;
}

static int send_request(int fd, enum sockdiag_dump which, uint32_t seq,
			const struct sock_table *t)
{
	return send_request_ino(fd, which, seq, 0, t);
}

/* Signed lengths and the seq check follow NLMSG_OK's contract (nlmsg.h). */
int sockdiag_walk_replies(struct sock_table *t, enum sockdiag_dump which,
			uint32_t seq, const void *buf, size_t len)
{
	const struct nlmsghdr *h = buf;
	int proto = is_tcp_dump(which) ?
		IPPROTO_TCP : IPPROTO_UDP;
	/* Signed, as nlmsg_fits expects: NLMSG_NEXT past a last message whose
	 * aligned length overshoots must make it negative, not wrap. */
	int left = len > INT_MAX ? INT_MAX : (int)len;

	for (; nlmsg_fits(h, left); h = NLMSG_NEXT(h, left)) {
		const void *data = NLMSG_DATA(h);
		size_t dlen = h->nlmsg_len - NLMSG_LENGTH(0);

		if (h->nlmsg_seq != seq)
			continue;
		if (h->nlmsg_type == NLMSG_DONE)
			return 1;
		if (h->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = data;

			/* Negating INT_MIN is undefined: only errno-sized
			 * values are taken as errors. */
			errno = dlen >= sizeof(*e) && e->error < 0 &&
				e->error > -4096 ? -e->error : EPROTO;
			return -1;
		}
		if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY)
			continue;
		/* A malformed message is skipped, not trusted. */
		if (which == SOCKDIAG_UNIX)
			sockdiag_decode_unix(t, data, dlen);
		else
			sockdiag_decode_inet(t, proto, data, dlen);
	}
	return 0;
}

static int dump_one(int fd, struct sock_table *t, enum sockdiag_dump which,
		    uint32_t seq)
{
	/* Aligned for nlmsghdr; large enough for the kernel's dump chunks.
	 * On the stack: two threads may dump at once (net_attach.c). */
	long buf[32768 / sizeof(long)];
	int rc = 0;

	if (send_request(fd, which, seq, t) < 0)
		return -1;
	while (rc == 0) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EPROTO;
			return -1;
		}
		rc = sockdiag_walk_replies(t, which, seq, buf, (size_t)n);
	}
	return rc < 0 ? -1 : 0;
}

/* One look-up's answer is one message, or an error; no NLMSG_DONE. */
static int exact_one(int fd, struct sock_table *t, unsigned long long ino,
		     uint32_t seq)
{
	long buf[8192 / sizeof(long)];
	size_t before = t->n;
	ssize_t n;

	if (send_request_ino(fd, SOCKDIAG_UNIX, seq, ino, NULL) < 0)
		return -1;
	do
		n = recv(fd, buf, sizeof(buf), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if (sockdiag_walk_replies(t, SOCKDIAG_UNIX, seq, buf, (size_t)n) < 0)
		return -1;
	if (t->n == before && sock_table_find(t, ino) == NULL) {
		errno = ENOENT;
		return -1;
	}
	return 0;
}

/* The unix sockets asked for, then the peers they name; a socket of
 * another namespace is simply not found.  Returns -1 when netlink
 * refused outright (then the dump path decides). */
static int unix_exact_all(int fd, struct sock_table *t,
			  const unsigned long long *inos, size_t n)
{
	uint32_t seq = 100;
	size_t i, first = t->n, end;

	for (i = 0; i < n; i++) {
		if (sock_table_find(t, inos[i]))
			continue;
		if (exact_one(fd, t, inos[i], seq++) < 0 && errno != ENOENT)
			return -1;
	}
	end = t->n;
	for (i = first; t->entries != NULL && i < end; i++) {
		unsigned long long peer = t->entries[i].peer_ino;

		if (t->entries[i].have_peer && sock_table_find(t, peer) == NULL &&
		    exact_one(fd, t, peer, seq++) < 0 && errno != ENOENT)
			return -1;
	}
	return 0;
}

static bool unix_exact_wanted(size_t n)
{
	const char *v = getenv("FDSCOPE_UNIX_LOOKUP");

	if (v && strcmp(v, "dump") == 0)
		return false;
	if (v && strcmp(v, "exact") == 0)
		return true;
	return n <= SOCKDIAG_UNIX_EXACT_MAX;
}

int sock_table_load(struct sock_table *t, bool use_netlink, int netdir)
{
	return sock_table_load_some(t, use_netlink, netdir, SOCKDIAG_ALL,
				    NULL, SIZE_MAX);
}

/* One netlink dump (or unix look-ups) of its own: run in a thread of its
 * own on its own socket, into a table of its own, merged after. */
struct dump_job {
	struct sock_table t;
	enum sockdiag_dump which;
	int fd;
	const unsigned long long *inos;	/* unix look-ups; NULL: dump */
	size_t n;
	long long inuse;	/* sockstat's count, -1: unknown */
	bool done;
	int error;		/* errno of a failed one */
};

/* A TCP dump of a table whose states are left open: the listeners, then
 * the other states unless sockstat's count of sockets in use shows that
 * the listeners are all of them (a quiet host's), which spares the walk
 * of the established hash.  A socket in none of them (a bound one, or
 * one made meanwhile) is the caller's to look for (tcp_rest_skipped). */
static int dump_tcp_split(struct dump_job *j)
{
	uint32_t seq = (uint32_t)j->which + 1;
	int rc;

	j->t.tcp_states = SOCKDIAG_TCP_LISTEN;
	rc = dump_one(j->fd, &j->t, j->which, seq);
	if (rc == 0 && (long long)j->t.n >= j->inuse)
		j->t.tcp_rest_skipped = true;
	else if (rc == 0) {
		j->t.tcp_states = SOCKDIAG_TCP_HELD & ~SOCKDIAG_TCP_LISTEN;
		rc = dump_one(j->fd, &j->t, j->which, seq + SOCKDIAG_NDUMPS);
	}
	j->t.tcp_states = SOCKDIAG_TCP_SPLIT;
	return rc;
}

/* Split when asked to and sockstat could be read; else every state. */
static bool split_wanted(struct dump_job *j)
{
	if (!is_tcp_dump(j->which) || j->t.tcp_states != SOCKDIAG_TCP_SPLIT)
		return false;
	if (j->inuse >= 0)
		return true;
	j->t.tcp_states = SOCKDIAG_TCP_HELD;
	return false;
}

/* In the thread of the job: never exits (parallel_run's rule). */
static void *dump_job_run(void *arg)
{
	struct dump_job *j = arg;

	/* Looked up one by one, or else dumped. */
	j->done = (j->inos && unix_exact_all(j->fd, &j->t, j->inos, j->n) == 0) ||
		(split_wanted(j) ? dump_tcp_split(j) :
		 dump_one(j->fd, &j->t, j->which, (uint32_t)j->which + 1)) == 0;
	if (!j->done)
		j->error = errno;
	return NULL;
}

/* Adds from's entries to t, replacing t's entry of the same inode, as a
 * dump into t itself would have. */
static void merge_table(struct sock_table *t, const struct sock_table *from)
{
	size_t i;

	for (i = 0; i < from->n && t->error == 0; i++) {
		struct sock_info *to = sock_table_add(t, from->entries[i].ino);

		if (to)
			*to = from->entries[i];
	}
	if (from->error && t->error == 0)
		t->error = from->error;
	t->tcp_rest_skipped |= from->tcp_rest_skipped;
}

/* t, still empty, takes from's entries and index as they are (from is
 * left empty): a dump of a busy host is not copied entry by entry. */
static void adopt_table(struct sock_table *t, struct sock_table *from)
{
	struct sock_table keep = *t;

	*t = *from;
	t->skip = keep.skip;
	t->filter = keep.filter;
	t->tcp_states = keep.tcp_states;
	t->procnet_lead = keep.procnet_lead;
	t->source = keep.source;
	t->error = from->error;
	t->tcp_rest_skipped = keep.tcp_rest_skipped || from->tcp_rest_skipped;
	*from = keep;
	from->tcp_rest_skipped = false;
}

/* The dumps in todo, by netlink on fd (and sockets like it): each the
 * kernel's walk of one table, so on a host of many sockets two dumps at
 * once take the time of the longer.  Returns the dumps done, the errno of
 * each failed one in why[]. */
static unsigned int netlink_dumps(struct sock_table *t, int fd,
				  unsigned int todo,
				  const unsigned long long *unix_inos, size_t n,
				  const long long inuse[SOCKDIAG_NDUMPS],
				  int why[SOCKDIAG_NDUMPS])
{
	struct dump_job jobs[SOCKDIAG_NDUMPS];
	unsigned int done = 0;
	size_t njobs = 0, k;
	int i;

	for (i = 0; i < SOCKDIAG_NDUMPS; i++) {
		struct dump_job *j = &jobs[njobs];

		if ((todo & (1u << i)) == 0)
			continue;
		memset(j, 0, sizeof(*j));
		sock_table_init(&j->t);
		j->t.filter = t->filter;
		j->t.tcp_states = t->tcp_states;
		j->which = (enum sockdiag_dump)i;
		j->inuse = inuse[i];
		j->fd = njobs == 0 ? fd : diag_open();
		if (i == SOCKDIAG_UNIX && unix_inos && unix_exact_wanted(n)) {
			j->inos = unix_inos;
			j->n = n;
		}
		if (j->fd >= 0)
			njobs++;
		else
			why[i] = errno;
	}
	if (njobs > 1 && parallel_cpus() > 1)
		parallel_run(dump_job_run, jobs, sizeof(jobs[0]), njobs);
	else
		for (k = 0; k < njobs; k++)
			dump_job_run(&jobs[k]);
	/* A socket is in one of these tables only: the order of merging
	 * does not matter, so the largest is adopted whole. */
	if (t->n == 0) {
		size_t big = njobs;

		for (k = 0; k < njobs; k++)
			if (jobs[k].done && (big == njobs || jobs[k].t.n > jobs[big].t.n))
				big = k;
		if (big < njobs)
			adopt_table(t, &jobs[big].t);
	}
	for (k = 0; k < njobs; k++) {
		if (jobs[k].done) {
			merge_table(t, &jobs[k].t);
			done |= 1u << jobs[k].which;
		} else {
			why[jobs[k].which] = jobs[k].error;
		}
		if (k > 0)
			close(jobs[k].fd);
		sock_table_release(&jobs[k].t);
	}
	return done;
}

int sock_table_load_some(struct sock_table *t, bool use_netlink,
			 int netdir, unsigned int mask,
			 const unsigned long long *unix_inos, size_t n)
{
	int fd = -1, i, last = ENOENT, why[SOCKDIAG_NDUMPS];
	unsigned int todo = mask & ~t->skip & SOCKDIAG_ALL, done = 0;
	bool by_netlink, by_procnet = false;
	long long inuse[SOCKDIAG_NDUMPS];

	for (i = 0; i < SOCKDIAG_NDUMPS; i++) {
		why[i] = ENOENT;
		inuse[i] = -1;
	}
	if (use_netlink && sockdiag_netlink_allowed()) {
		fd = diag_open();
		if (fd < 0)
			for (i = 0; i < SOCKDIAG_NDUMPS; i++)
				why[i] = errno;
	}
	/* A dump walks the kernel's whole table for its family: none is
	 * made of a protocol the namespace has no socket of (an IPv6 one,
	 * often), which sockstat counts: every bound UDP socket, and every
	 * TCP listener and connection, but not a TCP socket only bound,
	 * which a dump of every state still lists. */
	if (fd >= 0 && netdir >= 0) {
		procnet_read_inuse(netdir, inuse);
		for (i = 0; i < SOCKDIAG_NDUMPS; i++) {
			bool tcp = is_tcp_dump(i);

			if (inuse[i] != 0 || !(todo & (1u << i)) ||
			    (tcp && t->tcp_states != SOCKDIAG_TCP_LISTEN &&
			     t->tcp_states != SOCKDIAG_TCP_SPLIT))
				continue;
			done |= 1u << i;
			/* Split, it would have skipped the other states. */
			if (tcp && t->tcp_states == SOCKDIAG_TCP_SPLIT)
				t->tcp_rest_skipped = true;
		}
	}
	if (fd >= 0)
		done |= netlink_dumps(t, fd, todo & ~done, unix_inos, n, inuse,
				      why);
	by_netlink = done != 0;
	for (i = 0; i < SOCKDIAG_NDUMPS; i++) {
		if ((todo & ~done & (1u << i)) == 0)
			continue;
		if (netdir >= 0 &&
		    procnet_read_at(t, netdir, (enum sockdiag_dump)i) == 0) {
			by_procnet = true;
			continue;
		}
		last = netdir >= 0 ? errno : why[i];
	}
	if (fd >= 0)
		close(fd);
	t->source = by_netlink && by_procnet ? SOCK_SRC_MIXED :
		by_netlink ? SOCK_SRC_NETLINK :
		by_procnet ? SOCK_SRC_PROCNET : SOCK_SRC_NONE;
	if (t->error != 0) {
		errno = t->error;
		return -1;
	}
	if (!by_netlink && !by_procnet) {
		errno = last;
		return -1;
	}
	return 0;
}
