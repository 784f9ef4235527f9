/* sock_diag: the table keyed by inode, the reply decoders fed crafted and
 * truncated messages, a live dump checked against getsockname, and `list`
 * decoding a helper's sockets (through netlink and through /proc/net)
 * checked against getsockname, getpeername and TCP_INFO on copies of the
 * helper's own descriptors (pidfd_getfd). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/un.h>
#include <unistd.h>

#include "net/netaddr.h"
#include "net/sockdiag.h"
#include "proc/fdtype.h"
#include "testutil.h"


/* sock_table_load on fdscope's own namespace, /proc/self/net as the
 * fallback. */
static int load_self(struct sock_table *t, bool netlink)
{
	int netdir = open("/proc/self/net", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = sock_table_load(t, netlink, netdir);

	if (netdir >= 0)
		close(netdir);
	return rc;
}

START_TEST(test_sock_table_add_find_and_grow)
{
	struct sock_table t;
	unsigned long long i;

	sock_table_init(&t);
	ck_assert(sock_table_find(&t, 5) == NULL);
	for (i = 1; i <= 5000; i++)
		sock_table_add(&t, i * 7919)->state = (int)(i % 13);
	ck_assert_uint_eq(t.n, 5000);
	for (i = 1; i <= 5000; i++) {
		const struct sock_info *si = sock_table_find(&t, i * 7919);

		ck_assert(si != NULL);
		ck_assert_int_eq(si->state, (int)(i % 13));
	}
	/* Adding an existing inode returns the same entry. */
	ck_assert_int_eq(sock_table_add(&t, 7919)->state, 1);
	ck_assert_uint_eq(t.n, 5000);
	ck_assert(sock_table_find(&t, 7918) == NULL);
	ck_assert(sock_table_find(&t, 0) == NULL);
	sock_table_release(&t);
}
END_TEST

/* The index keeps an inode's low 32 bits beside its position: inodes
 * alike in those bits (sockfs numbers are 64-bit) stay apart, through a
 * growth of the index too. */
START_TEST(test_sock_table_inodes_alike_in_low_bits)
{
	const unsigned long long high = 1ULL << 32;
	struct sock_table t;
	unsigned long long i;

	sock_table_init(&t);
	for (i = 1; i <= 3000; i++) {
		sock_table_add(&t, i)->state = 1;
		sock_table_add(&t, i + high)->state = 2;
		sock_table_add(&t, i + 5 * high)->state = 3;
	}
	ck_assert_uint_eq(t.n, 9000);
	for (i = 1; i <= 3000; i++) {
		ck_assert_int_eq(sock_table_find(&t, i)->state, 1);
		ck_assert_int_eq(sock_table_find(&t, i + high)->state, 2);
		ck_assert_int_eq(sock_table_find(&t, i + 5 * high)->state, 3);
		ck_assert_uint_eq(sock_table_find(&t, i + high)->ino, i + high);
	}
	ck_assert(sock_table_find(&t, 2 * high + 7) == NULL);
	ck_assert(sock_table_find(&t, 3001 + high) == NULL);
	sock_table_release(&t);
}
END_TEST

START_TEST(test_decode_inet_rejects_short_message)
{
	struct sock_table t;
	struct inet_diag_msg m;

	sock_table_init(&t);
	memset(&m, 0, sizeof(m));
	m.idiag_family = AF_INET;
	m.idiag_inode = 42;
	ck_assert_int_eq(sockdiag_decode_inet(&t, IPPROTO_TCP, &m, sizeof(m) - 1), -1);
	ck_assert_uint_eq(t.n, 0);
	m.idiag_family = AF_PACKET;
	ck_assert_int_eq(sockdiag_decode_inet(&t, IPPROTO_TCP, &m, sizeof(m)), -1);
	sock_table_release(&t);
}
END_TEST

START_TEST(test_decode_inet_fills_addresses_and_state)
{
	struct sock_table t;
	struct inet_diag_msg m;
	const struct sock_info *si;
	char buf[NETADDR_STRLEN];

	sock_table_init(&t);
	memset(&m, 0, sizeof(m));
	m.idiag_family = AF_INET;
	m.idiag_state = 1;
	m.idiag_inode = 4242;
	m.id.idiag_sport = htons(1234);
	m.id.idiag_dport = htons(54321);
	m.id.idiag_src[0] = htonl(INADDR_LOOPBACK);
	m.id.idiag_dst[0] = htonl(0x7f000002);
	ck_assert_int_eq(sockdiag_decode_inet(&t, IPPROTO_TCP, &m, sizeof(m)), 0);
	si = sock_table_find(&t, 4242);
	ck_assert(si != NULL);
	ck_assert_int_eq(si->type, SOCK_STREAM);
	ck_assert_str_eq(netaddr_format((const struct sockaddr *)&si->local,
					si->local_len, buf, sizeof(buf)), "127.0.0.1:1234");
	ck_assert_str_eq(netaddr_format((const struct sockaddr *)&si->remote,
					si->remote_len, buf, sizeof(buf)), "127.0.0.2:54321");
	/* A socket without an inode (TIME_WAIT) is skipped, not an error. */
	m.idiag_inode = 0;
	ck_assert_int_eq(sockdiag_decode_inet(&t, IPPROTO_TCP, &m, sizeof(m)), 0);
	ck_assert_uint_eq(t.n, 1);
	sock_table_release(&t);
}
END_TEST

START_TEST(test_decode_unix_reads_name_and_peer_and_stops_at_bad_attr)
{
	struct {
		struct unix_diag_msg m;
		char attrs[256];
	} msg;
	struct rtattr *rta;
	struct sock_table t;
	const struct sock_info *si;
	char buf[NETADDR_STRLEN];
	uint32_t peer = 777;
	size_t off = NLMSG_ALIGN(sizeof(msg.m)), len;

	memset(&msg, 0, sizeof(msg));
	msg.m.udiag_family = AF_UNIX;
	msg.m.udiag_type = SOCK_STREAM;
	msg.m.udiag_state = 1;
	msg.m.udiag_ino = 555;
	rta = (struct rtattr *)((char *)&msg + off);
	rta->rta_type = UNIX_DIAG_NAME;
	rta->rta_len = RTA_LENGTH(5);
	memcpy(RTA_DATA(rta), "\0abcd", 5);
	len = off + RTA_ALIGN(rta->rta_len);
	rta = (struct rtattr *)((char *)&msg + len);
	rta->rta_type = UNIX_DIAG_PEER;
	rta->rta_len = RTA_LENGTH(4);
	memcpy(RTA_DATA(rta), &peer, 4);
	len += RTA_ALIGN(rta->rta_len);

	sock_table_init(&t);
	ck_assert_int_eq(sockdiag_decode_unix(&t, &msg, len), 0);
	si = sock_table_find(&t, 555);
	ck_assert(si != NULL);
	ck_assert(si->have_peer);
	ck_assert_uint_eq(si->peer_ino, 777);
	ck_assert_str_eq(netaddr_format((const struct sockaddr *)&si->local,
					si->local_len, buf, sizeof(buf)), "@abcd");

	/* The peer attribute claims more bytes than the message holds: the
	 * RTA walk must stop instead of reading past the end. */
	msg.m.udiag_ino = 556;
	rta->rta_len = 200;
	ck_assert_int_eq(sockdiag_decode_unix(&t, &msg, len), 0);
	si = sock_table_find(&t, 556);
	ck_assert(si != NULL);
	ck_assert(!si->have_peer);
	ck_assert_int_eq(sockdiag_decode_unix(&t, &msg, sizeof(msg.m) - 1), -1);
	sock_table_release(&t);
}
END_TEST

static unsigned long long inode_of(int fd)
{
	struct stat st;

	ck_assert(fstat(fd, &st) == 0);
	return (unsigned long long)st.st_ino;
}

/* The same live sockets must come out of both sources. */
static void check_live_table(bool netlink)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct sock_table t;
	const struct sock_info *si;
	char want[NETADDR_STRLEN], got[NETADDR_STRLEN];
	int l = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0);
	int pair[2];

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert(l >= 0 && u >= 0);
	ck_assert(bind(l, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(l, 1) == 0);
	ck_assert(bind(u, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	ck_assert(socketpair(AF_UNIX, SOCK_DGRAM, 0, pair) == 0);
	sock_table_init(&t);
	ck_assert_int_eq(load_self(&t, netlink), 0);
	ck_assert_int_eq(t.source, netlink ? SOCK_SRC_NETLINK : SOCK_SRC_PROCNET);

	si = sock_table_find(&t, inode_of(l));
	ck_assert(si != NULL);
	ck_assert_int_eq(si->proto, IPPROTO_TCP);
	ck_assert_str_eq(tcp_state_name(si->state), "LISTEN");
	ck_assert(getsockname(l, (struct sockaddr *)&ss, &len) == 0);
	netaddr_format((struct sockaddr *)&ss, len, want, sizeof(want));
	netaddr_format((const struct sockaddr *)&si->local, si->local_len, got, sizeof(got));
	ck_assert_str_eq(got, want);

	si = sock_table_find(&t, inode_of(u));
	ck_assert(si != NULL);
	ck_assert_int_eq(si->proto, IPPROTO_UDP);
	ck_assert_int_eq(si->type, SOCK_DGRAM);
	len = sizeof(ss);
	ck_assert(getsockname(u, (struct sockaddr *)&ss, &len) == 0);
	netaddr_format((struct sockaddr *)&ss, len, want, sizeof(want));
	netaddr_format((const struct sockaddr *)&si->local, si->local_len, got, sizeof(got));
	ck_assert_str_eq(got, want);
	ck_assert_uint_eq(si->remote_len, 0);

	si = sock_table_find(&t, inode_of(pair[0]));
	ck_assert(si != NULL);
	ck_assert_int_eq(si->family, AF_UNIX);
	ck_assert_int_eq(si->type, SOCK_DGRAM);
	ck_assert_str_eq(sock_state_word(si->state), "connected");
	/* Only netlink knows the peer of a unix socket. */
	if (netlink) {
		ck_assert(si->have_peer);
		ck_assert_uint_eq(si->peer_ino, inode_of(pair[1]));
	}
	sock_table_release(&t);
	close(l);
	close(u);
	close(pair[0]);
	close(pair[1]);
}

START_TEST(test_load_through_netlink_matches_getsockname)
{
	check_live_table(true);
}
END_TEST

START_TEST(test_load_through_procnet_matches_getsockname)
{
	check_live_table(false);
}
END_TEST

START_TEST(test_load_closes_every_descriptor)
{
	struct sock_table t;
	size_t before = count_open_fds();

	sock_table_init(&t);
	ck_assert_int_eq(load_self(&t, true), 0);
	sock_table_release(&t);
	sock_table_init(&t);
	ck_assert_int_eq(load_self(&t, false), 0);
	sock_table_release(&t);
	ck_assert_uint_eq(count_open_fds(), before);
}
END_TEST

/* ---- list -p CHILD against the child's own view of its sockets ---- */

static int grab_fd(pid_t pid, int fd)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0), copy;

	ck_assert_msg(pidfd >= 0, "pidfd_open: %s", strerror(errno));
	copy = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	ck_assert_msg(copy >= 0, "pidfd_getfd: %s", strerror(errno));
	close(pidfd);
	return copy;
}

static const char *addr_of(int fd, bool peer, char *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int rc = peer ? getpeername(fd, (struct sockaddr *)&ss, &sl) :
		getsockname(fd, (struct sockaddr *)&ss, &sl);

	if (rc < 0)
		return NULL;
	netaddr_format((struct sockaddr *)&ss, sl, buf, len);
	return buf[0] ? buf : NULL;
}

static void assert_str_or_null(const char *got, const char *want, const char *what,
			       int fd)
{
	if (want == NULL)
		ck_assert_msg(got == NULL, "fd %d %s: got '%s', want none", fd,
			      what, got);
	else
		ck_assert_msg(got != NULL && strcmp(got, want) == 0,
			      "fd %d %s: got '%s', want '%s'", fd, what,
			      got ? got : "(null)", want);
}

static void check_socket_row(pid_t pid, const struct json *doc, int fd,
			     bool netlink)
{
	const struct json *row = json_find_fd(doc, fd);
	int copy = grab_fd(pid, fd), v, family;
	socklen_t len = sizeof(int);
	char a[NETADDR_STRLEN], b[64];
	const char *state;

	ck_assert_msg(row != NULL, "fd %d not listed", fd);
	ck_assert_int_eq(json_int(row, "inode"), (long long)inode_of(copy));
	ck_assert(getsockopt(copy, SOL_SOCKET, SO_DOMAIN, &family, &len) == 0);
	ck_assert_str_eq(json_str(row, "sock.family"), sock_family_name(family, b, sizeof(b)));
	len = sizeof(int);
	ck_assert(getsockopt(copy, SOL_SOCKET, SO_TYPE, &v, &len) == 0);
	ck_assert_str_eq(json_str(row, "sock.type"), sock_type_name(v, b, sizeof(b)));
	len = sizeof(int);
	ck_assert(getsockopt(copy, SOL_SOCKET, SO_PROTOCOL, &v, &len) == 0);
	/* The kernel's protocol name: UNIX for every unix socket. */
	ck_assert_str_eq(json_str(row, "sock.proto"), family == AF_UNIX ? "UNIX" :
			 sock_proto_name(family, v, b, sizeof(b)));
	assert_str_or_null(json_str(row, "laddr"), addr_of(copy, false, a, sizeof(a)),
			   "laddr", fd);
	/* A unix socket's remote name comes from its peer, which only
	 * netlink names. */
	if (family != AF_UNIX || netlink)
		assert_str_or_null(json_str(row, "raddr"),
				   addr_of(copy, true, a, sizeof(a)), "raddr", fd);
	state = json_str(row, "state");
	ck_assert(state != NULL);
	len = sizeof(int);
	if (family != AF_UNIX &&
	    getsockopt(copy, SOL_SOCKET, SO_TYPE, &v, &len) == 0 && v == SOCK_STREAM) {
		struct tcp_info ti;
		socklen_t tl = sizeof(ti);

		ck_assert(getsockopt(copy, IPPROTO_TCP, TCP_INFO, &ti, &tl) == 0);
		ck_assert_str_eq(state, tcp_state_name(ti.tcpi_state));
	}
	close(copy);
}

static struct json *list_sockets(struct run_result *r, pid_t pid)
{
	char pidtext[32];
	struct json *doc;

	snprintf(pidtext, sizeof(pidtext), "%ld", (long)pid);
	run_fdscope(r, "list", "-p", pidtext, "-J", "-o",
		    "fd,inode,name,sock.family,sock.type,sock.proto,laddr,raddr,"
		    "state,sock.peer,endpoints", NULL);
	ck_assert_msg(r->status == 0, "status %d, stderr: %s", r->status, r->err);
	doc = json_parse(r->out);
	ck_assert_msg(doc != NULL, "invalid JSON: %s", r->out);
	return doc;
}

static void check_holder_sockets(bool netlink)
{
	static const char *const names[] = {
		"tcp_listen", "tcp_client", "tcp_accepted", "tcp6_listen", "udp",
		"udp_connected", "unix_listen", "unix_client", "unix_accepted",
		"unix_dgram", "pair_a", "pair_b", "abstract_listen",
		"abstract_client", "abstract_accepted",
	};
	struct holder h;
	struct run_result r;
	struct json *doc;
	const struct json *row, *ends;
	char want[256];
	size_t i;

	if (!netlink)
		setenv("FDSCOPE_NO_NETLINK", "1", 1);
	holder_start(&h, "sockholder", NULL);
	doc = list_sockets(&r, h.pid);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		check_socket_row(h.pid, doc, (int)holder_value(&h, names[i]), netlink);

	row = json_find_fd(doc, (int)holder_value(&h, "tcp_listen"));
	snprintf(want, sizeof(want), "TCP %s LISTEN", json_str(row, "laddr"));
	ck_assert_str_eq(json_str(row, "name"), want);
	row = json_find_fd(doc, (int)holder_value(&h, "tcp_client"));
	snprintf(want, sizeof(want), "TCP %s -> %s ESTABLISHED",
		 json_str(row, "laddr"), json_str(row, "raddr"));
	ck_assert_str_eq(json_str(row, "name"), want);
	row = json_find_fd(doc, (int)holder_value(&h, "abstract_listen"));
	ck_assert(strncmp(json_str(row, "laddr"), "@fdscope-test-", 14) == 0);
	ck_assert_str_eq(json_str(row, "state"), "listening");
	row = json_find_fd(doc, (int)holder_value(&h, "udp"));
	ck_assert_str_eq(json_str(row, "state"), "unconnected");
	row = json_find_fd(doc, (int)holder_value(&h, "udp_connected"));
	ck_assert_str_eq(json_str(row, "state"), "connected");

	row = json_find_fd(doc, (int)holder_value(&h, "pair_a"));
	if (netlink) {
		int b = grab_fd(h.pid, (int)holder_value(&h, "pair_b"));

		snprintf(want, sizeof(want), "%llu %ld,sockholder,%lld", inode_of(b),
			 (long)h.pid, holder_value(&h, "pair_b"));
		/* The peer's inode, then its holder (the mode letter after). */
		ck_assert_msg(strncmp(json_str(row, "sock.peer"), want, strlen(want)) == 0,
			      "sock.peer '%s', want '%s...'", json_str(row, "sock.peer"), want);
		close(b);
	} else {
		ck_assert(json_str(row, "sock.peer") == NULL);
	}
	/* The pipe's other end, within the same process. */
	row = json_find_fd(doc, (int)holder_value(&h, "pipe_r"));
	snprintf(want, sizeof(want), "%ld,sockholder,%lldw", (long)h.pid,
		 holder_value(&h, "pipe_w"));
	ends = json_get(row, "endpoints");
	ck_assert_msg(ends && ends->kind == JSON_ARRAY && ends->n == 1 &&
		      ends->items[0]->kind == JSON_STRING,
		      "endpoints is not an array of one string");
	ck_assert_str_eq(ends->items[0]->str, want);
	json_free(doc);
	run_result_release(&r);
	holder_stop(&h);
}

START_TEST(test_list_decodes_child_sockets_through_netlink)
{
	check_holder_sockets(true);
}
END_TEST

START_TEST(test_list_decodes_child_sockets_through_proc_net)
{
	check_holder_sockets(false);
}
END_TEST

/* A socket in another network namespace is decoded with that namespace's
 * data (setns, or /proc/PID/net), never looked up in fdscope's own. */
static void check_other_netns(bool netlink)
{
	struct holder h;
	struct run_result r;
	struct json *doc;
	const struct json *row;
	struct sock_table own;
	char a[NETADDR_STRLEN];
	int copy;

	if (!netlink)
		setenv("FDSCOPE_NO_NETLINK", "1", 1);
	holder_start(&h, "sockholder", "netns", NULL);
	/* The suite added this test because unshare was permitted. */
	ck_assert_msg(strstr(h.line, "unshare-failed") == NULL,
		      "the holder could not unshare: %s", h.line);
	copy = grab_fd(h.pid, (int)holder_value(&h, "udp"));
	sock_table_init(&own);
	ck_assert_int_eq(load_self(&own, true), 0);
	ck_assert_msg(sock_table_find(&own, inode_of(copy)) == NULL,
		      "the namespace's socket shows up in fdscope's own");
	sock_table_release(&own);
	doc = list_sockets(&r, h.pid);
	row = json_find_fd(doc, (int)holder_value(&h, "udp"));
	ck_assert(row != NULL);
	ck_assert_str_eq(json_str(row, "laddr"), addr_of(copy, false, a, sizeof(a)));
	ck_assert_str_eq(json_str(row, "sock.proto"), "UDP");
	row = json_find_fd(doc, (int)holder_value(&h, "abstract_listen"));
	ck_assert_str_eq(json_str(row, "laddr"), "@fdscope-netns");
	ck_assert_str_eq(json_str(row, "state"), "listening");
	close(copy);
	json_free(doc);
	run_result_release(&r);
	holder_stop(&h);
}

START_TEST(test_list_decodes_sockets_of_another_netns)
{
	check_other_netns(true);
}
END_TEST

START_TEST(test_list_decodes_sockets_of_another_netns_through_proc_net)
{
	check_other_netns(false);
}
END_TEST

/* Found by fuzzing: an NLMSG_ERROR carrying INT_MIN, whose negation is
 * undefined, must be a protocol error, not a crash. */
START_TEST(test_walk_error_reply_int_min_is_eproto)
{
	struct {
		struct nlmsghdr h;
		struct nlmsgerr e;
	} msg;
	struct sock_table t;

	memset(&msg, 0, sizeof(msg));
	msg.h.nlmsg_len = sizeof(msg);
	msg.h.nlmsg_type = NLMSG_ERROR;
	msg.h.nlmsg_seq = 7;
	msg.e.error = (int)0x80000000u;
	sock_table_init(&t);
	errno = 0;
	ck_assert_int_eq(sockdiag_walk_replies(&t, SOCKDIAG_TCP4, 7, &msg, sizeof(msg)), -1);
	ck_assert_int_eq(errno, EPROTO);
	msg.e.error = -EACCES;
	ck_assert_int_eq(sockdiag_walk_replies(&t, SOCKDIAG_TCP4, 7, &msg, sizeof(msg)), -1);
	ck_assert_int_eq(errno, EACCES);
	/* Another request's reply is not ours. */
	ck_assert_int_eq(sockdiag_walk_replies(&t, SOCKDIAG_TCP4, 8, &msg, sizeof(msg)), 0);
	msg.h.nlmsg_type = NLMSG_DONE;
	ck_assert_int_eq(sockdiag_walk_replies(&t, SOCKDIAG_TCP4, 7, &msg, sizeof(msg)), 1);
	ck_assert_uint_eq(t.n, 0);
	sock_table_release(&t);
}
END_TEST

/* Found by fuzzing: a last message whose aligned length runs past the
 * buffer must end the walk, not wrap the remaining length around (the
 * buffer is allocated to its exact size so that ASan sees any over-read). */
START_TEST(test_walk_unaligned_last_message_stops)
{
	const size_t len = NLMSG_HDRLEN + 2;
	struct nlmsghdr *h = calloc(1, len);
	struct sock_table t;

	ck_assert(h != NULL);
	h->nlmsg_len = (uint32_t)len;
	h->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	h->nlmsg_seq = 3;
	sock_table_init(&t);
	ck_assert_int_eq(sockdiag_walk_replies(&t, SOCKDIAG_UNIX, 3, h, len), 0);
	ck_assert_uint_eq(t.n, 0);
	/* A length field larger than the buffer is not followed either. */
	h->nlmsg_len = 4096;
	ck_assert_int_eq(sockdiag_walk_replies(&t, SOCKDIAG_UNIX, 3, h, len), 0);
	ck_assert_uint_eq(t.n, 0);
	sock_table_release(&t);
	free(h);
}
END_TEST

/* The table may be filled in the prefetch thread: a failed allocation is
 * kept in t->error and returned, never an exit.  In a child, so that the
 * hook (read once per process) starts from zero. */
START_TEST(test_sock_table_add_hands_back_alloc_failure)
{
	pid_t pid = fork();
	int status;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct sock_table t;
		bool ok;

		setenv("FDSCOPE_FAIL_ALLOC_AFTER", "1", 1);
		sock_table_init(&t);
		/* The index is allocated, the entries are not. */
		ok = sock_table_add(&t, 42) == NULL && t.error == ENOMEM &&
			t.n == 0 && sock_table_find(&t, 42) == NULL;
		sock_table_release(&t);
		_exit(ok ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

static void lo_up(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	ck_assert(s >= 0 && ioctl(s, SIOCGIFFLAGS, &ifr) == 0);
	ifr.ifr_flags |= IFF_UP;
	ck_assert(ioctl(s, SIOCSIFFLAGS, &ifr) == 0);
	close(s);
}

static unsigned long long ino_of(int fd)
{
	struct stat st;

	ck_assert(fstat(fd, &st) == 0);
	return (unsigned long long)st.st_ino;
}

/* A split TCP4 dump of the namespace netdir shows, into t (new). */
static void split_load(struct sock_table *t, int netdir)
{
	sock_table_init(t);
	t->tcp_states = SOCKDIAG_TCP_SPLIT;
	ck_assert_int_eq(sock_table_load_some(t, true, netdir,
					      1u << SOCKDIAG_TCP4, NULL, 0), 0);
}

/* SOCKDIAG_TCP_SPLIT in a namespace of this test's own: with listeners
 * only, sockstat's count is theirs and the other states are not asked
 * for (tcp_rest_skipped); with a connection too, they are, and every
 * socket is in the table with its state. */
START_TEST(test_tcp_split_asks_for_the_rest_only_when_counted)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	struct sock_table t;
	int l, c, acc, netdir;
	const struct sock_info *si;

	/* The namespace is this test process's: never the runner's. */
	if (getenv("CK_FORK") && strcmp(getenv("CK_FORK"), "no") == 0) {
		skip_part("CK_FORK=no: the test would move the runner");
		return;
	}
	ck_assert_int_eq(unshare(CLONE_NEWNET), 0);
	lo_up();
	netdir = open("/proc/thread-self/net", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(netdir, 0);
	/* No TCP socket at all: an empty table, and the caller told to look
	 * for bound-only ones itself. */
	split_load(&t, netdir);
	ck_assert(t.tcp_rest_skipped);
	ck_assert_uint_eq(t.n, 0);
	sock_table_release(&t);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert(l >= 0 && bind(l, (struct sockaddr *)&a, sizeof(a)) == 0);
	ck_assert(listen(l, 4) == 0 &&
		  getsockname(l, (struct sockaddr *)&a, &len) == 0);
	split_load(&t, netdir);
	ck_assert(t.tcp_rest_skipped);
	ck_assert_uint_eq(t.n, 1);
	ck_assert_ptr_nonnull(sock_table_find(&t, ino_of(l)));
	sock_table_release(&t);

	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert(c >= 0 && connect(c, (struct sockaddr *)&a, sizeof(a)) == 0);
	acc = accept(l, NULL, NULL);
	ck_assert(acc >= 0);
	split_load(&t, netdir);
	ck_assert(!t.tcp_rest_skipped);
	ck_assert_uint_eq(t.n, 3);
	ck_assert_ptr_nonnull(si = sock_table_find(&t, ino_of(c)));
	ck_assert_int_eq(si->state, TCP_ESTABLISHED);
	ck_assert_ptr_nonnull(si = sock_table_find(&t, ino_of(acc)));
	ck_assert_int_eq(si->state, TCP_ESTABLISHED);
	ck_assert_ptr_nonnull(si = sock_table_find(&t, ino_of(l)));
	ck_assert_int_eq(si->state, TCP_LISTEN);
	sock_table_release(&t);
	close(acc);
	close(c);
	close(l);
	close(netdir);
}
END_TEST

Suite *sockdiag_suite(void)
{
	Suite *s = suite_create("sockdiag");
	TCase *tc = tcase_create("decode");

	tcase_add_test(tc, test_sock_table_add_find_and_grow);
	tcase_add_test(tc, test_sock_table_inodes_alike_in_low_bits);
	tcase_add_test(tc, test_sock_table_add_hands_back_alloc_failure);
	tcase_add_test(tc, test_decode_inet_rejects_short_message);
	tcase_add_test(tc, test_decode_inet_fills_addresses_and_state);
	tcase_add_test(tc, test_decode_unix_reads_name_and_peer_and_stops_at_bad_attr);
	tcase_add_test(tc, test_walk_error_reply_int_min_is_eproto);
	tcase_add_test(tc, test_walk_unaligned_last_message_stops);
	suite_add_tcase(s, tc);
	tc = tcase_create("live");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_load_through_netlink_matches_getsockname);
	tcase_add_test(tc, test_load_through_procnet_matches_getsockname);
	tcase_add_test(tc, test_load_closes_every_descriptor);
	tcase_add_test(tc, test_list_decodes_child_sockets_through_netlink);
	tcase_add_test(tc, test_list_decodes_child_sockets_through_proc_net);
	tcase_add_test_if("sockdiag", tc, can_unshare_netns(),
			  test_tcp_split_asks_for_the_rest_only_when_counted,
			  "unshare(CLONE_NEWNET) is not permitted here");
	tcase_add_test_if("sockdiag", tc, can_unshare_netns(),
			  test_list_decodes_sockets_of_another_netns,
			  "unshare(CLONE_NEWNET) is not permitted here");
	tcase_add_test_if("sockdiag", tc, can_unshare_netns(),
			  test_list_decodes_sockets_of_another_netns_through_proc_net,
			  "unshare(CLONE_NEWNET) is not permitted here");
	suite_add_tcase(s, tc);
	return s;
}
