/* The /proc/net fallback parsers on fixtures (as a little-endian kernel
 * prints them), malformed lines, a missing header, and the reader under a
 * fixture proc root. */
#include <check.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "net/netaddr.h"
#include "net/procnet.h"
#include "testutil.h"

static const char tcp_fixture[] =
	"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
	"   0: 0100007F:04D2 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12345 1 0000000000000000 100 0 0 10 0\n"
	"   1: 0100007F:D431 0100007F:04D2 01 00000000:00000000 00:00000000 00000000  1000        0 12346 1 0000000000000000 20 4 30 10 -1\n"
	"   2: this line is garbage\n"
	"   3: 0100007F:0050 0100007F:9C40 06 00000000:00000000 03:00000F5A 00000000     0        0 0 3 0000000000000000\n"
	"   4: 0100007F:04D2 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0\n";

static const char tcp6_fixture[] =
	"  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
	"   0: 00000000000000000000000001000000:04D2 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 22222 1 0000000000000000 100 0 0 10 0\n";

static const char unix_fixture[] =
	"Num       RefCount Protocol Flags    Type St Inode Path\n"
	"0000000000000000: 00000002 00000000 00010000 0001 01 20001 /run/test.sock\n"
	"0000000000000000: 00000003 00000000 00000000 0001 03 20002\n"
	/* A line that is no entry after an unnamed one: skipped (after a
	 * named one it would continue the name). */
	"0000000000000000: 00000002 00000000 0001000Z 0001 01 20005 /bad\n"
	"0000000000000000: 00000002 00000000 00000000 0002 01 20003 @abstract-name\n"
	"0000000000000000: 00000002 00000000 00000000 0005 03 20004 /path with space\n";

static const char *laddr(const struct sock_info *si, char *buf, size_t len)
{
	return netaddr_format((const struct sockaddr *)&si->local, si->local_len,
			      buf, len);
}

static const char *raddr(const struct sock_info *si, char *buf, size_t len)
{
	return netaddr_format((const struct sockaddr *)&si->remote, si->remote_len,
			      buf, len);
}

START_TEST(test_procnet_tcp_fixture)
{
	struct sock_table t;
	const struct sock_info *si;
	char buf[NETADDR_STRLEN];

	sock_table_init(&t);
	/* Two good lines; garbage, inode 0 (TIME_WAIT) and a cut line skipped. */
	ck_assert_int_eq(procnet_parse_inet(&t, tcp_fixture, strlen(tcp_fixture),
					    AF_INET, IPPROTO_TCP), 2);
	si = sock_table_find(&t, 12345);
	ck_assert(si != NULL);
	ck_assert_str_eq(laddr(si, buf, sizeof(buf)), "127.0.0.1:1234");
	ck_assert_uint_eq(si->remote_len, 0);
	ck_assert_str_eq(tcp_state_name(si->state), "LISTEN");
	ck_assert_int_eq(si->type, SOCK_STREAM);
	si = sock_table_find(&t, 12346);
	ck_assert(si != NULL);
	ck_assert_str_eq(laddr(si, buf, sizeof(buf)), "127.0.0.1:54321");
	ck_assert_str_eq(raddr(si, buf, sizeof(buf)), "127.0.0.1:1234");
	ck_assert_str_eq(tcp_state_name(si->state), "ESTABLISHED");
	sock_table_release(&t);
}
END_TEST

START_TEST(test_procnet_tcp6_fixture)
{
	struct sock_table t;
	const struct sock_info *si;
	char buf[NETADDR_STRLEN];

	sock_table_init(&t);
	ck_assert_int_eq(procnet_parse_inet(&t, tcp6_fixture, strlen(tcp6_fixture),
					    AF_INET6, IPPROTO_TCP), 1);
	si = sock_table_find(&t, 22222);
	ck_assert(si != NULL);
	ck_assert_int_eq(si->family, AF_INET6);
	ck_assert_str_eq(laddr(si, buf, sizeof(buf)), "[::1]:1234");
	sock_table_release(&t);
}
END_TEST

START_TEST(test_procnet_udp_is_dgram)
{
	static const char udp[] =
		"   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
		"  100: 00000000:14E9 00000000:0000 07 00000000:00000000 00:00000000 00000000   104        0 31337 2 0000000000000000 0\n";
	struct sock_table t;
	const struct sock_info *si;
	char buf[NETADDR_STRLEN];

	sock_table_init(&t);
	ck_assert_int_eq(procnet_parse_inet(&t, udp, strlen(udp), AF_INET, IPPROTO_UDP), 1);
	si = sock_table_find(&t, 31337);
	ck_assert(si != NULL);
	ck_assert_int_eq(si->type, SOCK_DGRAM);
	ck_assert_int_eq(si->proto, IPPROTO_UDP);
	ck_assert_str_eq(laddr(si, buf, sizeof(buf)), "0.0.0.0:5353");
	ck_assert_str_eq(sock_state_word(si->state), "unconnected");
	sock_table_release(&t);
}
END_TEST

/* The kernel prints a name's newline raw: the next line is the rest of
 * the name, as netlink would give it whole. */
START_TEST(test_procnet_unix_newline_in_path_continues_the_name)
{
	static const char text[] =
		"Num       RefCount Protocol Flags    Type St Inode Path\n"
		"0000000000000000: 00000002 00000000 00010000 0001 01 30001 /tmp/a\n"
		"b c\n"
		/* A connection not yet accepted: no inode, and no name's end. */
		"0000000000000000: 00000003 00000000 00000000 0001 02     0 /tmp/s\n"
		"0000000000000000: 00000002 00000000 00000000 0001 01 30002\n";
	struct sock_table t;
	const struct sock_info *si;
	char buf[NETADDR_STRLEN];

	sock_table_init(&t);
	ck_assert_int_eq(procnet_parse_unix(&t, text, strlen(text)), 2);
	si = sock_table_find(&t, 30001);
	ck_assert(si != NULL);
	ck_assert_uint_eq(si->local_len, offsetof(struct sockaddr_un, sun_path) + 10);
	ck_assert(memcmp(((const struct sockaddr_un *)&si->local)->sun_path,
			 "/tmp/a\nb c", 10) == 0);
	ck_assert_str_eq(laddr(si, buf, sizeof(buf)), "/tmp/a\\x0ab c");
	ck_assert(sock_table_find(&t, 30002) != NULL);
	sock_table_release(&t);
}
END_TEST

/* An abstract name "x\n<a line of its own choosing>" forges an entry: it
 * may neither replace a socket another file listed (tcp) nor take over
 * one this file lists. */
START_TEST(test_procnet_unix_forged_line_replaces_no_entry)
{
	static const char tcp[] =
		"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
		"   0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 40001 1 0000000000000000 100 0 0 10 0\n";
	static const char text[] =
		"Num       RefCount Protocol Flags    Type St Inode Path\n"
		"0000000000000000: 00000002 00000000 00010000 0001 01 40002 @x\n"
		"0000000000000000: 00000002 00000000 00010000 0001 01 40001 /run/FAKE-sshd.sock\n"
		"0000000000000000: 00000002 00000000 00010000 0001 01 40003 @y\n"
		"0000000000000000: 00000002 00000000 00010000 0001 01 40004 /run/FAKE-2.sock\n"
		"0000000000000000: 00000002 00000000 00010000 0001 01 40004 /run/real.sock\n";
	struct sock_table t;
	const struct sock_info *si;
	char buf[NETADDR_STRLEN];

	sock_table_init(&t);
	ck_assert_int_eq(procnet_parse_inet(&t, tcp, strlen(tcp), AF_INET, IPPROTO_TCP), 1);
	procnet_parse_unix(&t, text, strlen(text));
	si = sock_table_find(&t, 40001);
	ck_assert(si != NULL);
	ck_assert_int_eq(si->family, AF_INET);
	ck_assert_int_eq(si->proto, IPPROTO_TCP);
	ck_assert_str_eq(laddr(si, buf, sizeof(buf)), "127.0.0.1:22");
	si = sock_table_find(&t, 40004);
	ck_assert(si != NULL);
	ck_assert(si->ambiguous);
	sock_table_release(&t);
}
END_TEST

/* "@a@b" may be "\0a\0b" or "\0a@b": the fallback says it cannot know. */
START_TEST(test_procnet_unix_abstract_at_is_marked_uncertain)
{
	static const char text[] =
		"Num       RefCount Protocol Flags    Type St Inode Path\n"
		"0000000000000000: 00000002 00000000 00010000 0001 01 50001 @a@b\n"
		"0000000000000000: 00000002 00000000 00010000 0001 01 50002 @ab\n";
	struct sock_table t;

	sock_table_init(&t);
	ck_assert_int_eq(procnet_parse_unix(&t, text, strlen(text)), 2);
	ck_assert(sock_table_find(&t, 50001)->name_uncertain);
	ck_assert(!sock_table_find(&t, 50002)->name_uncertain);
	sock_table_release(&t);
}
END_TEST

START_TEST(test_procnet_unix_fixture)
{
	struct sock_table t;
	const struct sock_info *si;
	char buf[NETADDR_STRLEN];

	sock_table_init(&t);
	ck_assert_int_eq(procnet_parse_unix(&t, unix_fixture, strlen(unix_fixture)), 4);
	si = sock_table_find(&t, 20001);
	ck_assert(si != NULL);
	ck_assert_str_eq(laddr(si, buf, sizeof(buf)), "/run/test.sock");
	ck_assert_str_eq(sock_state_word(si->state), "listening");
	ck_assert_int_eq(si->type, SOCK_STREAM);
	si = sock_table_find(&t, 20002);
	ck_assert(si != NULL);
	ck_assert_uint_eq(si->local_len, 0);
	ck_assert_str_eq(sock_state_word(si->state), "connected");
	si = sock_table_find(&t, 20003);
	ck_assert_str_eq(laddr(si, buf, sizeof(buf)), "@abstract-name");
	ck_assert_int_eq(si->type, SOCK_DGRAM);
	ck_assert_str_eq(sock_state_word(si->state), "unconnected");
	si = sock_table_find(&t, 20004);
	ck_assert_str_eq(laddr(si, buf, sizeof(buf)), "/path with space");
	ck_assert_int_eq(si->type, SOCK_SEQPACKET);
	ck_assert(sock_table_find(&t, 20005) == NULL);
	sock_table_release(&t);
}
END_TEST

START_TEST(test_procnet_missing_header_is_refused)
{
	struct sock_table t;
	const char *body = strchr(tcp_fixture, '\n') + 1;

	sock_table_init(&t);
	ck_assert_int_eq(procnet_parse_inet(&t, body, strlen(body), AF_INET,
					    IPPROTO_TCP), -1);
	ck_assert_int_eq(procnet_parse_unix(&t, "", 0), -1);
	ck_assert_int_eq(procnet_parse_inet(&t, "no newline", 10, AF_INET,
					    IPPROTO_TCP), -1);
	ck_assert_uint_eq(t.n, 0);
	sock_table_release(&t);
}
END_TEST

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert(f != NULL);
	fputs(text, f);
	ck_assert(fclose(f) == 0);
}

START_TEST(test_procnet_read_under_fixture_root)
{
	char root[] = "/tmp/procnet-XXXXXX", path[256];
	struct sock_table t;
	size_t before = count_open_fds();
	int netdir;

	ck_assert(mkdtemp(root) != NULL);
	snprintf(path, sizeof(path), "%s/4242", root);
	ck_assert(mkdir(path, 0700) == 0);
	snprintf(path, sizeof(path), "%s/4242/net", root);
	ck_assert(mkdir(path, 0700) == 0);
	snprintf(path, sizeof(path), "%s/4242/net/tcp", root);
	write_file(path, tcp_fixture);
	snprintf(path, sizeof(path), "%s/4242/net/unix", root);
	write_file(path, unix_fixture);

	snprintf(path, sizeof(path), "%s/4242/net", root);
	netdir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(netdir, 0);
	sock_table_init(&t);
	ck_assert_int_eq(procnet_read_at(&t, netdir, SOCKDIAG_TCP4), 0);
	ck_assert_int_eq(procnet_read_at(&t, netdir, SOCKDIAG_UNIX), 0);
	ck_assert_int_eq(procnet_read_at(&t, netdir, SOCKDIAG_UDP6), -1);
	ck_assert(sock_table_find(&t, 12346) != NULL);
	ck_assert(sock_table_find(&t, 20003) != NULL);
	/* Netlink refused: the same load takes everything from the files. */
	sock_table_release(&t);
	sock_table_init(&t);
	ck_assert_int_eq(sock_table_load(&t, false, netdir), 0);
	ck_assert_int_eq(t.source, SOCK_SRC_PROCNET);
	ck_assert_uint_eq(t.n, 6);
	sock_table_release(&t);
	close(netdir);
	ck_assert_uint_eq(count_open_fds(), before);

	snprintf(path, sizeof(path), "%s/4242/net/tcp", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/4242/net/unix", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/4242/net", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/4242", root);
	rmdir(path);
	rmdir(root);
}
END_TEST

/* sockstat's counts of sockets in use, by dump; what it does not say
 * (the unix dump, a protocol missing, a number cut short) is -1. */
START_TEST(test_sockstat_counts_by_dump)
{
	const char text[] = "\nsockets: used 8867\n"
		"TCP: inuse 4114 orphan 0 tw 0 alloc 4114 mem 540\n"
		"UDP: inuse 0 mem 0\nUDPLITE: inuse 0\nRAW: inuse 0\n"
		"TCP6: inuse 0\nUDP6: inuse 10\nUDPLITE6: inuse 0\n";
	const char v4only[] = "\nTCP: inuse 7 orphan 0\nUDP: inuse 3 mem 1\n";
	long long n[SOCKDIAG_NDUMPS];

	procnet_sockstat_inuse(text, strlen(text), n);
	ck_assert_int_eq(n[SOCKDIAG_TCP4], 4114);
	ck_assert_int_eq(n[SOCKDIAG_UDP4], 0);
	ck_assert_int_eq(n[SOCKDIAG_TCP6], 0);
	ck_assert_int_eq(n[SOCKDIAG_UDP6], 10);
	ck_assert_int_eq(n[SOCKDIAG_UNIX], -1);
	procnet_sockstat_inuse(v4only, strlen(v4only), n);
	ck_assert_int_eq(n[SOCKDIAG_TCP4], 7);
	ck_assert_int_eq(n[SOCKDIAG_UDP4], 3);
	ck_assert_int_eq(n[SOCKDIAG_TCP6], -1);
	procnet_sockstat_inuse("", 0, n);
	ck_assert_int_eq(n[SOCKDIAG_TCP4], -1);
	/* Cut after a digit: the number may go on. */
	procnet_sockstat_inuse("\nTCP: inuse 12", 14, n);
	ck_assert_int_eq(n[SOCKDIAG_TCP4], -1);
}
END_TEST

/* The live files: this test's listener and bound UDP socket are counted,
 * and the counts are those of the kernel's /proc/net tables (every bound
 * UDP socket; TCP's hashed ones, listening and connected, not TIME_WAIT). */
START_TEST(test_sockstat_of_this_namespace)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int netdir = open("/proc/self/net", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long long n[SOCKDIAG_NDUMPS];
	int i;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert(l >= 0 && u >= 0 && netdir >= 0);
	ck_assert(bind(l, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(l, 1) == 0);
	ck_assert(bind(u, (struct sockaddr *)&a, sizeof(a)) == 0);
	procnet_read_inuse(netdir, n);
	ck_assert_int_ge(n[SOCKDIAG_TCP4], 1);
	ck_assert_int_ge(n[SOCKDIAG_UDP4], 1);
	for (i = SOCKDIAG_TCP4; i <= SOCKDIAG_UDP6; i++) {
		struct sock_table t;

		if (n[i] != 0)
			continue;
		sock_table_init(&t);
		ck_assert_int_eq(procnet_read_at(&t, netdir, (enum sockdiag_dump)i), 0);
		ck_assert_msg(t.n == 0, "dump %d counted empty holds %zu", i, t.n);
		sock_table_release(&t);
	}
	close(netdir);
	close(u);
	close(l);
}
END_TEST

Suite *procnet_suite(void)
{
	Suite *s = suite_create("procnet");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_procnet_tcp_fixture);
	tcase_add_test(tc, test_sockstat_counts_by_dump);
	tcase_add_test(tc, test_sockstat_of_this_namespace);
	tcase_add_test(tc, test_procnet_tcp6_fixture);
	tcase_add_test(tc, test_procnet_udp_is_dgram);
	tcase_add_test(tc, test_procnet_unix_fixture);
	tcase_add_test(tc, test_procnet_unix_newline_in_path_continues_the_name);
	tcase_add_test(tc, test_procnet_unix_forged_line_replaces_no_entry);
	tcase_add_test(tc, test_procnet_unix_abstract_at_is_marked_uncertain);
	tcase_add_test(tc, test_procnet_missing_header_is_refused);
	tcase_add_test(tc, test_procnet_read_under_fixture_root);
	suite_add_tcase(s, tc);
	return s;
}
