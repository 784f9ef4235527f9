/* teach/pyrepr: the Python view of a socket, the article's form from the
 * kernel's answers, and python3's own repr of the same descriptor. */
#include <check.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "teach/pyrepr.h"
#include "testutil.h"

START_TEST(test_pyrepr_article_from_getsockname)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	char want[160], *s;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	s = pyrepr_article(fd, AF_INET, SOCK_STREAM, 0);
	snprintf(want, sizeof(want), "<socket.socket fd=%d, family=AddressFamily"
		 ".AF_INET, type=SocketKind.SOCK_STREAM, proto=0, laddr=("
		 "'0.0.0.0', 0)>", fd);
	ck_assert_str_eq(s, want);
	free(s);
	/* Bound: the port the kernel chose. */
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	s = pyrepr_article(fd, AF_INET, SOCK_STREAM, 0);
	snprintf(want, sizeof(want), "laddr=('127.0.0.1', %u)>",
		 ntohs(sin.sin_port));
	ck_assert_msg(strstr(s, want) != NULL, "%s", s);
	free(s);
	close(fd);
}
END_TEST

/* python3 on the same descriptor number: its repr names the number and
 * the address the kernel gives. */
START_TEST(test_pyrepr_python_sees_the_same_socket)
{
	char want[64], *s;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	s = pyrepr_python(fd, AF_INET, SOCK_DGRAM, 0);
	ck_assert_msg(s != NULL, "pyrepr_python: %s", strerror(errno));
	snprintf(want, sizeof(want), "<socket.socket fd=%d, ", fd);
	ck_assert_msg(strncmp(s, want, strlen(want)) == 0, "%s", s);
	ck_assert_msg(strstr(s, "laddr=('0.0.0.0', 0)>") != NULL, "%s", s);
	free(s);
	close(fd);
}
END_TEST

static bool have_python3(void)
{
	return system("command -v python3 >/dev/null 2>&1") == 0;
}

Suite *pyrepr_suite(void)
{
	Suite *s = suite_create("pyrepr");
	TCase *tc = tcase_create("pyrepr");

	tcase_add_test(tc, test_pyrepr_article_from_getsockname);
	tcase_add_test_if("pyrepr", tc, have_python3(),
			  test_pyrepr_python_sees_the_same_socket,
			  "no python3 in PATH");
	suite_add_tcase(s, tc);
	return s;
}
