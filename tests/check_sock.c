/* The sockets of serve, connect and exchange (src/net/sock.c): listening
 * on loopback, connecting within a timeout, unix addresses, and the
 * messages a user can act on. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "net/netaddr.h"
#include "net/sock.h"
#include "testutil.h"

static int port_of(int fd)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);

	ck_assert(getsockname(fd, (struct sockaddr *)&sa, &len) == 0);
	ck_assert_int_eq(sa.sin_family, AF_INET);
	return ntohs(sa.sin_port);
}

START_TEST(test_listen_and_connect_on_loopback)
{
	char why[256] = "", port[16];
	int l, c, a;

	l = net_listen_inet("127.0.0.1", "0", AF_UNSPEC, SOCK_STREAM, 5, why,
			    sizeof(why));
	ck_assert_msg(l >= 0, "%s", why);
	ck_assert(fcntl(l, F_GETFL) & O_NONBLOCK);
	ck_assert(fcntl(l, F_GETFD) & FD_CLOEXEC);
	snprintf(port, sizeof(port), "%d", port_of(l));
	ck_assert_int_gt(port_of(l), 0);
	c = net_connect_inet("127.0.0.1", port, SOCK_STREAM, 2000, why, sizeof(why));
	ck_assert_msg(c >= 0, "%s", why);
	ck_assert(fcntl(c, F_GETFD) & FD_CLOEXEC);
	ck_assert_int_eq(fcntl(c, F_GETFL) & O_NONBLOCK, 0);
	a = accept(l, NULL, NULL);
	ck_assert(a >= 0);
	ck_assert(write(c, "x", 1) == 1);
	close(a);
	close(c);
	/* The same port again is refused, with a message naming it. */
	c = net_listen_inet("127.0.0.1", port, AF_UNSPEC, SOCK_STREAM, 5, why,
			    sizeof(why));
	ck_assert_int_eq(c, -1);
	ck_assert_msg(strstr(why, port) != NULL, "%s", why);
	close(l);
}
END_TEST

START_TEST(test_connect_refused_and_hints)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), c;

	/* A port bound and closed again: nothing listens there. */
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	ck_assert(getsockname(fd, (struct sockaddr *)&sa, &len) == 0);
	close(fd);
	c = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_eq(net_connect_timeout(c, (struct sockaddr *)&sa, len, 2000), -1);
	ck_assert_int_eq(errno, ECONNREFUSED);
	close(c);
	ck_assert_str_ne(net_hint(ECONNREFUSED), "");
	ck_assert_str_ne(net_hint(EADDRINUSE), "");
	ck_assert_str_eq(net_hint(0), "");
}
END_TEST

START_TEST(test_unix_addresses)
{
	struct sockaddr_storage ss;
	struct sockaddr_un *un = (struct sockaddr_un *)&ss;
	socklen_t len;
	char longpath[200];

	ck_assert_int_ge(net_unix_addr("@fdscope-x", &ss, &len), 0);
	ck_assert_int_eq(un->sun_family, AF_UNIX);
	ck_assert_int_eq(un->sun_path[0], '\0');
	ck_assert(memcmp(un->sun_path + 1, "fdscope-x", 9) == 0);
	ck_assert_uint_eq(len, offsetof(struct sockaddr_un, sun_path) + 10);
	ck_assert_int_ge(net_unix_addr("/tmp/x.sock", &ss, &len), 0);
	ck_assert_str_eq(un->sun_path, "/tmp/x.sock");
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	ck_assert_int_eq(net_unix_addr(longpath, &ss, &len), -1);
}
END_TEST

START_TEST(test_host_is_any)
{
	/* Every interface is told from the address itself (issue 14), not
	 * from how the user spelled it. */
	struct sockaddr_in in = { .sin_family = AF_INET };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6 };

	in.sin_addr.s_addr = htonl(INADDR_ANY);
	ck_assert(netaddr_is_any((struct sockaddr *)&in, sizeof(in)));
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert(!netaddr_is_any((struct sockaddr *)&in, sizeof(in)));
	in6.sin6_addr = in6addr_any;
	ck_assert(netaddr_is_any((struct sockaddr *)&in6, sizeof(in6)));
	in6.sin6_addr = in6addr_loopback;
	ck_assert(!netaddr_is_any((struct sockaddr *)&in6, sizeof(in6)));
	ck_assert(!netaddr_is_any((struct sockaddr *)&in6, sizeof(in)));
}
END_TEST

Suite *sock_suite(void)
{
	Suite *s = suite_create("sock");
	TCase *tc = tcase_create("loopback");

	tcase_add_test(tc, test_listen_and_connect_on_loopback);
	tcase_add_test(tc, test_connect_refused_and_hints);
	tcase_add_test(tc, test_unix_addresses);
	tcase_add_test(tc, test_host_is_any);
	suite_add_tcase(s, tc);
	return s;
}
