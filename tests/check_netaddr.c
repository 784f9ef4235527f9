/* Address and state formatting shared by the netlink and /proc/net paths,
 * and name resolution. */
#include <check.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#include "net/netaddr.h"

START_TEST(test_format_ipv4_ipv6_and_wildcards)
{
	struct in_addr a4;
	struct in6_addr a6;
	char buf[NETADDR_STRLEN];

	inet_pton(AF_INET, "127.0.0.1", &a4);
	ck_assert_str_eq(netaddr_format_ip(AF_INET, &a4, 1234, buf, sizeof(buf)),
			 "127.0.0.1:1234");
	a4.s_addr = 0;
	ck_assert_str_eq(netaddr_format_ip(AF_INET, &a4, 0, buf, sizeof(buf)),
			 "0.0.0.0:0");
	inet_pton(AF_INET6, "::1", &a6);
	ck_assert_str_eq(netaddr_format_ip(AF_INET6, &a6, 443, buf, sizeof(buf)),
			 "[::1]:443");
	inet_pton(AF_INET6, "fe80::1:2", &a6);
	ck_assert_str_eq(netaddr_format_ip(AF_INET6, &a6, 80, buf, sizeof(buf)),
			 "[fe80::1:2]:80");
	memset(&a6, 0, sizeof(a6));
	ck_assert_str_eq(netaddr_format_ip(AF_INET6, &a6, 22, buf, sizeof(buf)),
			 "[::]:22");
}
END_TEST

/* IPv4 is written without inet_ntop and snprintf: every byte value and
 * port width as they write it, and cut in a short buffer as they cut. */
START_TEST(test_format_ipv4_as_inet_ntop_and_snprintf)
{
	static const unsigned int ports[] = { 0, 7, 80, 65535 };
	unsigned int b, k;
	size_t len;

	for (b = 0; b < 256; b++)
		for (k = 0; k < sizeof(ports) / sizeof(ports[0]); k++) {
			unsigned char a[4] = { (unsigned char)b, 0, 10,
					       (unsigned char)(255 - b) };
			char host[INET_ADDRSTRLEN], want[64], got[64];

			ck_assert_ptr_nonnull(inet_ntop(AF_INET, a, host,
							sizeof(host)));
			snprintf(want, sizeof(want), "%s:%u", host, ports[k]);
			ck_assert_str_eq(netaddr_format_ip(AF_INET, a, ports[k],
							   got, sizeof(got)),
					 want);
		}
	for (len = 1; len < 24; len++) {
		unsigned char a[4] = { 192, 168, 100, 254 };
		char want[24], got[24];

		snprintf(want, len, "%s:%u", "192.168.100.254", 65535u);
		memset(got, 'x', sizeof(got));
		netaddr_format_ip(AF_INET, a, 65535, got, len);
		ck_assert_str_eq(got, want);
	}
}
END_TEST

START_TEST(test_format_unix_path_abstract_unnamed_and_escapes)
{
	char buf[NETADDR_STRLEN];
	struct sockaddr_un un = { .sun_family = AF_UNIX };

	ck_assert_str_eq(netaddr_format_unix("/run/x.sock", 12, buf, sizeof(buf)),
			 "/run/x.sock");
	ck_assert_str_eq(netaddr_format_unix("\0hidden", 7, buf, sizeof(buf)),
			 "@hidden");
	/* An abstract name's every byte counts, NULs and controls escaped. */
	ck_assert_str_eq(netaddr_format_unix("\0a\0b\n", 5, buf, sizeof(buf)),
			 "@a\\x00b\\x0a");
	ck_assert_str_eq(netaddr_format_unix("", 0, buf, sizeof(buf)), "");
	memcpy(un.sun_path, "/tmp/s", 7);
	ck_assert_str_eq(netaddr_format((struct sockaddr *)&un,
					offsetof(struct sockaddr_un, sun_path) + 7,
					buf, sizeof(buf)), "/tmp/s");
	/* An unnamed socket's address is just the family. */
	ck_assert_str_eq(netaddr_format((struct sockaddr *)&un, sizeof(sa_family_t),
					buf, sizeof(buf)), "");
}
END_TEST

START_TEST(test_state_names)
{
	ck_assert_str_eq(tcp_state_name(1), "ESTABLISHED");
	ck_assert_str_eq(tcp_state_name(10), "LISTEN");
	ck_assert_str_eq(tcp_state_name(6), "TIME_WAIT");
	ck_assert(tcp_state_name(0) == NULL);
	ck_assert(tcp_state_name(99) == NULL);
	ck_assert_str_eq(sock_state_word(10), "listening");
	ck_assert_str_eq(sock_state_word(1), "connected");
	ck_assert_str_eq(sock_state_word(7), "unconnected");
}
END_TEST

START_TEST(test_resolve_loopback_and_failure)
{
	struct addrinfo *res;
	const char *why = NULL;
	char buf[NETADDR_STRLEN];

	ck_assert_int_eq(netaddr_resolve("127.0.0.1", "1234", AF_UNSPEC,
					 SOCK_STREAM, 0, &res, &why), 0);
	ck_assert_str_eq(netaddr_format(res->ai_addr, res->ai_addrlen, buf,
					sizeof(buf)), "127.0.0.1:1234");
	freeaddrinfo(res);
	ck_assert_int_eq(netaddr_resolve("::1", "80", AF_UNSPEC, SOCK_STREAM, 0,
					 &res, &why), 0);
	ck_assert_str_eq(netaddr_format(res->ai_addr, res->ai_addrlen, buf,
					sizeof(buf)), "[::1]:80");
	freeaddrinfo(res);
	ck_assert_int_eq(netaddr_resolve("no-such-host.invalid", "80", AF_UNSPEC,
					 SOCK_STREAM, 0, &res, &why), -1);
	ck_assert(res == NULL);
	ck_assert(why != NULL && *why != '\0');
}
END_TEST

Suite *netaddr_suite(void)
{
	Suite *s = suite_create("netaddr");
	TCase *tc = tcase_create("format");

	tcase_add_test(tc, test_format_ipv4_ipv6_and_wildcards);
	tcase_add_test(tc, test_format_ipv4_as_inet_ntop_and_snprintf);
	tcase_add_test(tc, test_format_unix_path_abstract_unnamed_and_escapes);
	tcase_add_test(tc, test_state_names);
	tcase_add_test(tc, test_resolve_loopback_and_failure);
	suite_add_tcase(s, tc);
	return s;
}
