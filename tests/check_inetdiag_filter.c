/* The inet_diag port filter: the program as the kernel would run it, and
 * a real filtered dump of this test's own sockets, which must bring back
 * the sockets of the ports asked for and no other. */
#include <check.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#include "net/inetdiag_filter.h"
#include "net/sockdiag.h"
#include "proc/cgroup.h"

static bool accepts_ports(const struct inetdiag_filter *f, unsigned int sport,
			  unsigned int dport)
{
	const struct inetdiag_filter_sock sk = { sport, dport, 1 };

	return inetdiag_filter_accepts(f, &sk);
}

static bool accepts_cgroup(const struct inetdiag_filter *f,
			   unsigned long long id)
{
	const struct inetdiag_filter_sock sk = { 80, 40000, id };

	return inetdiag_filter_accepts(f, &sk);
}

START_TEST(test_filter_ports_either_end_and_ranges)
{
	const unsigned int r[][2] = { { 80, 80 }, { 1000, 2000 }, { 0, 3 } };
	struct inetdiag_filter f;

	ck_assert_int_eq(inetdiag_filter_ports(&f, r, 3), 0);
	ck_assert_uint_gt(f.len, 0);
	ck_assert_uint_eq(f.len % 4, 0);
	ck_assert(accepts_ports(&f, 80, 40000));
	ck_assert(accepts_ports(&f, 40000, 80));
	ck_assert(accepts_ports(&f, 1000, 5000));
	ck_assert(accepts_ports(&f, 5000, 2000));
	ck_assert(accepts_ports(&f, 1500, 1500));
	/* A listener: remote port 0, inside the last range. */
	ck_assert(accepts_ports(&f, 40000, 0));
	ck_assert(!accepts_ports(&f, 79, 81));
	ck_assert(!accepts_ports(&f, 999, 2001));
	ck_assert(!accepts_ports(&f, 4, 65535));
	/* One port, both ends. */
	ck_assert_int_eq(inetdiag_filter_ports(&f, r, 1), 0);
	ck_assert(accepts_ports(&f, 80, 0));
	ck_assert(!accepts_ports(&f, 81, 0));
}
END_TEST

START_TEST(test_filter_refuses_what_it_cannot_say)
{
	unsigned int many[INETDIAG_FILTER_MAX_RANGES + 1][2];
	const unsigned int bad[][2] = { { 10, 9 } }, big[][2] = { { 1, 65536 } };
	struct inetdiag_filter f;
	size_t i;

	for (i = 0; i < INETDIAG_FILTER_MAX_RANGES + 1; i++) {
		many[i][0] = (unsigned int)i * 2 + 1;
		many[i][1] = (unsigned int)i * 2 + 1;
	}
	ck_assert_int_eq(inetdiag_filter_ports(&f, (const unsigned int (*)[2])many,
					       INETDIAG_FILTER_MAX_RANGES), 0);
	ck_assert_uint_le(f.len, sizeof(f.code));
	ck_assert(accepts_ports(&f, many[INETDIAG_FILTER_MAX_RANGES - 1][0], 0));
	ck_assert(!accepts_ports(&f, 2, 4));
	ck_assert_int_eq(inetdiag_filter_ports(&f, (const unsigned int (*)[2])many,
					       INETDIAG_FILTER_MAX_RANGES + 1), -1);
	ck_assert_uint_eq(f.len, 0);
	/* Empty: every socket. */
	ck_assert(accepts_ports(&f, 2, 4));
	ck_assert_int_eq(inetdiag_filter_ports(&f, bad, 1), -1);
	ck_assert_int_eq(inetdiag_filter_ports(&f, big, 1), -1);
	ck_assert_int_eq(inetdiag_filter_ports(&f, bad, 0), -1);
}
END_TEST

START_TEST(test_filter_cgroups_any_of_the_ids)
{
	const unsigned long long ids[] = { 5, 1ULL << 40, 12 };
	unsigned long long many[INETDIAG_FILTER_MAX_CGROUPS + 1];
	struct inetdiag_filter f;
	size_t i;

	ck_assert_int_eq(inetdiag_filter_cgroups(&f, ids, 3), 0);
	ck_assert_uint_eq(f.len % 4, 0);
	for (i = 0; i < 3; i++)
		ck_assert(accepts_cgroup(&f, ids[i]));
	ck_assert(!accepts_cgroup(&f, 1));
	ck_assert(!accepts_cgroup(&f, 6));
	/* Not a full socket (TIME_WAIT): no cgroup, never accepted. */
	ck_assert(!accepts_cgroup(&f, 0));
	ck_assert_int_eq(inetdiag_filter_cgroups(&f, ids, 1), 0);
	ck_assert(accepts_cgroup(&f, 5));
	ck_assert(!accepts_cgroup(&f, 12));
	for (i = 0; i < INETDIAG_FILTER_MAX_CGROUPS + 1; i++)
		many[i] = 100 + i;
	ck_assert_int_eq(inetdiag_filter_cgroups(&f, many,
						 INETDIAG_FILTER_MAX_CGROUPS), 0);
	ck_assert_uint_le(f.len, sizeof(f.code));
	ck_assert(accepts_cgroup(&f, many[INETDIAG_FILTER_MAX_CGROUPS - 1]));
	ck_assert_int_eq(inetdiag_filter_cgroups(&f, many,
						 INETDIAG_FILTER_MAX_CGROUPS + 1), -1);
	ck_assert_uint_eq(f.len, 0);
	ck_assert_int_eq(inetdiag_filter_cgroups(&f, ids, 0), -1);
}
END_TEST

static unsigned int port_of(const struct sockaddr *ss, socklen_t len)
{
	if (len == 0)
		return 0;
	return ntohs(ss->sa_family == AF_INET6 ?
		     ((const struct sockaddr_in6 *)ss)->sin6_port :
		     ((const struct sockaddr_in *)ss)->sin_port);
}

static int listener(unsigned int *port, unsigned long long *ino)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	struct stat st;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert(fd >= 0);
	ck_assert(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
	ck_assert(listen(fd, 4) == 0);
	ck_assert(getsockname(fd, (struct sockaddr *)&a, &len) == 0);
	ck_assert(fstat(fd, &st) == 0);
	*port = ntohs(a.sin_port);
	*ino = (unsigned long long)st.st_ino;
	return fd;
}

/* The kernel runs the program: of three listeners, the dump holds the two
 * whose ports were asked for, and every socket it holds has one of them
 * at one end. */
START_TEST(test_kernel_dump_sends_only_the_ports_asked_for)
{
	unsigned int port[3], r[2][2];
	unsigned long long ino[3];
	struct inetdiag_filter f;
	struct sock_table t;
	int fd[3], i;
	size_t k;

	for (i = 0; i < 3; i++)
		fd[i] = listener(&port[i], &ino[i]);
	r[0][0] = r[0][1] = port[0];
	r[1][0] = r[1][1] = port[2];
	ck_assert_int_eq(inetdiag_filter_ports(&f, (const unsigned int (*)[2])r, 2), 0);
	sock_table_init(&t);
	t.filter = &f;
	if (!sockdiag_netlink_allowed()) {
		skip_part("test_kernel_dump_sends_only_the_ports_asked_for: "
		       "FDSCOPE_NO_NETLINK is set");
		goto out;
	}
	/* No /proc/net fallback: a refused program would fail the load. */
	ck_assert_int_eq(sock_table_load_some(&t, true, -1, 1u << SOCKDIAG_TCP4,
					      NULL, 0), 0);
	ck_assert_int_eq(t.source, SOCK_SRC_NETLINK);
	ck_assert_ptr_nonnull(sock_table_find(&t, ino[0]));
	ck_assert_ptr_nonnull(sock_table_find(&t, ino[2]));
	ck_assert_ptr_null(sock_table_find(&t, ino[1]));
	for (k = 0; k < t.n; k++) {
		const struct sock_info *si = &t.entries[k];
		unsigned int l = port_of(&si->local.sa, si->local_len),
			     rem = port_of(&si->remote.sa, si->remote_len);

		ck_assert_msg(l == port[0] || l == port[2] || rem == port[0] ||
			      rem == port[2], "socket %llu: ports %u, %u",
			      t.entries[k].ino, l, rem);
	}
out:
	sock_table_release(&t);
	for (i = 0; i < 3; i++)
		close(fd[i]);
}
END_TEST

static unsigned long long own_cgroup(void)
{
	int self = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
	unsigned long long id;

	ck_assert_int_ge(self, 0);
	id = cgroup2_id_at(self);
	close(self);
	return id;
}

static bool tcp4_dump(struct sock_table *t)
{
	if (!sockdiag_netlink_allowed())
		return false;
	/* No /proc/net fallback: a refused request fails the load. */
	ck_assert_int_eq(sock_table_load_some(t, true, -1, 1u << SOCKDIAG_TCP4,
					      NULL, 0), 0);
	ck_assert_int_eq(t->source, SOCK_SRC_NETLINK);
	return true;
}

/* The kernel runs the cgroup program: this test's listener is in the dump
 * of its own cgroup, and not in that of a cgroup it is not in. */
START_TEST(test_kernel_dump_sends_only_the_cgroups_asked_for)
{
	unsigned long long ino, id = own_cgroup(), other = id + 1000000;
	struct inetdiag_filter f;
	struct sock_table t;
	unsigned int port;
	int fd = listener(&port, &ino);

	if (id == 0) {
		skip_part("no cgroup2 mount: this process's cgroup is unknown");
		close(fd);
		return;
	}
	ck_assert_int_eq(inetdiag_filter_cgroups(&f, &id, 1), 0);
	sock_table_init(&t);
	t.filter = &f;
	if (!tcp4_dump(&t)) {
		skip_part("FDSCOPE_NO_NETLINK is set");
		goto out;
	}
	ck_assert_ptr_nonnull(sock_table_find(&t, ino));
	sock_table_release(&t);
	ck_assert_int_eq(inetdiag_filter_cgroups(&f, &other, 1), 0);
	sock_table_init(&t);
	t.filter = &f;
	ck_assert(tcp4_dump(&t));
	ck_assert_ptr_null(sock_table_find(&t, ino));
out:
	sock_table_release(&t);
	close(fd);
}
END_TEST

/* A dump of listeners only (tcp_states): this test's listener is in it,
 * its connected socket and the accepted one are not; every entry listens. */
START_TEST(test_kernel_dump_of_listeners_only)
{
	unsigned long long lino, cino, aino;
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct sock_table t;
	struct stat st;
	unsigned int port;
	int l = listener(&port, &lino), c, acc;
	size_t k;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((unsigned short)port);
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert(c >= 0 && connect(c, (struct sockaddr *)&a, sizeof(a)) == 0);
	acc = accept(l, NULL, NULL);
	ck_assert(acc >= 0);
	ck_assert(fstat(c, &st) == 0);
	cino = (unsigned long long)st.st_ino;
	ck_assert(fstat(acc, &st) == 0);
	aino = (unsigned long long)st.st_ino;
	sock_table_init(&t);
	t.tcp_states = 1u << TCP_LISTEN;
	if (!tcp4_dump(&t)) {
		skip_part("FDSCOPE_NO_NETLINK is set");
		goto out;
	}
	ck_assert_ptr_nonnull(sock_table_find(&t, lino));
	ck_assert_ptr_null(sock_table_find(&t, cino));
	ck_assert_ptr_null(sock_table_find(&t, aino));
	for (k = 0; k < t.n; k++)
		ck_assert_int_eq(t.entries[k].state, TCP_LISTEN);
	sock_table_release(&t);
	/* Every state: all three. */
	sock_table_init(&t);
	ck_assert(tcp4_dump(&t));
	ck_assert_ptr_nonnull(sock_table_find(&t, cino));
	ck_assert_ptr_nonnull(sock_table_find(&t, aino));
out:
	sock_table_release(&t);
	close(acc);
	close(c);
	close(l);
}
END_TEST

/* list -i :PORT asks the kernel for that port's sockets only, and looks
 * for none of the others again (through /proc/net): the system calls, by
 * strace.  The listener is this test's. */
START_TEST(test_list_port_sends_the_filter_and_reads_no_proc_net)
{
	struct run_result r;
	unsigned int port;
	unsigned long long ino;
	char spec[16], want[64];
	char *text, *line, *save;
	size_t filtered = 0;
	int fd = listener(&port, &ino);

	snprintf(spec, sizeof(spec), ":%u", port);
	text = strace_fdscope(&r, "sendto,openat", 64, "list", "-i", spec, "-o",
			      "NAME", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	snprintf(want, sizeof(want), "TCP 127.0.0.1:%u LISTEN", port);
	ck_assert_ptr_nonnull(strstr(r.out, want));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *len = strstr(line, "nlmsg_len=");

		/* Decoded, or raw (strace shows a socket's first request as
		 * bytes): an inet request alone is 16 + 56 bytes, and the
		 * program is the one attribute fdscope adds to it. */
		filtered += strstr(line, "INET_DIAG_REQ_BYTECODE") != NULL ||
			(strstr(line, "sendto(") && len && atoi(len + 10) > 72);
		ck_assert_msg(!strstr(line, "openat") ||
			      (!strstr(line, "\"tcp") && !strstr(line, "\"udp") &&
			       !strstr(line, "/net/tcp") && !strstr(line, "/net/udp")),
			      "/proc/net read: %s", line);
	}
	ck_assert_uint_ge(filtered, 1);
	free(text);
	run_result_release(&r);
	close(fd);
}
END_TEST

Suite *inetdiag_filter_suite(void)
{
	Suite *s = suite_create("inetdiag_filter");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_filter_ports_either_end_and_ranges);
	tcase_add_test(tc, test_filter_refuses_what_it_cannot_say);
	tcase_add_test(tc, test_kernel_dump_sends_only_the_ports_asked_for);
	tcase_add_test(tc, test_filter_cgroups_any_of_the_ids);
	tcase_add_test(tc, test_kernel_dump_sends_only_the_cgroups_asked_for);
	tcase_add_test(tc, test_kernel_dump_of_listeners_only);
	suite_add_tcase(s, tc);
	tc = tcase_create("list");
	tcase_set_timeout(tc, 60);
	tcase_add_test_if("inetdiag_filter", tc, have_strace(),
			  test_list_port_sends_the_filter_and_reads_no_proc_net,
			  "strace is not installed");
	suite_add_tcase(s, tc);
	return s;
}
