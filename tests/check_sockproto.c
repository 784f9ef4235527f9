/* net/sockproto: the kernel's protocol names of sockets, read from real
 * sockets of this test (system.sockprotoname) and described. */
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "net/sockdiag.h"
#include "net/sockproto.h"

static void name_of(int family, int type, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd = socket(family, type | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = getxattr(path, "system.sockprotoname", buf, len - 1);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	close(fd);
}

START_TEST(test_sock_proto_describe_kernel_names)
{
	struct sock_proto_desc d;
	char name[32];

	name_of(AF_INET6, SOCK_STREAM, name, sizeof(name));
	ck_assert(sock_proto_describe(name, &d));
	ck_assert_str_eq(d.proto, "TCP");
	ck_assert_str_eq(d.label, "TCP6");
	ck_assert_int_eq(d.family, AF_INET6);
	name_of(AF_UNIX, SOCK_DGRAM, name, sizeof(name));
	ck_assert(sock_proto_describe(name, &d));
	ck_assert_str_eq(d.proto, "UNIX");
	ck_assert_int_eq(d.family, AF_UNIX);
	/* Unknown names pass through; "" describes nothing. */
	ck_assert(sock_proto_describe("WEIRD", &d));
	ck_assert_str_eq(d.proto, "WEIRD");
	ck_assert_int_eq(d.family, -1);
	ck_assert(!sock_proto_describe("", &d));
}
END_TEST

/* A /proc/net line claiming a TCP socket's inode for unix is refused. */
START_TEST(test_sock_proto_matches_family)
{
	struct sock_info si;

	memset(&si, 0, sizeof(si));
	si.family = AF_INET;
	si.proto = IPPROTO_TCP;
	ck_assert(sock_proto_matches("TCP", &si));
	ck_assert(!sock_proto_matches("UNIX-STREAM", &si));
	ck_assert(sock_proto_matches("", &si));
}
END_TEST

Suite *sockproto_suite(void)
{
	Suite *s = suite_create("sockproto");
	TCase *tc = tcase_create("sockproto");

	tcase_add_test(tc, test_sock_proto_describe_kernel_names);
	tcase_add_test(tc, test_sock_proto_matches_family);
	suite_add_tcase(s, tc);
	return s;
}
