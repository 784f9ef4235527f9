/* net/sockx: the sock_diag dumps of a process's network namespace, found
 * through its pin (its ns/net), not by a path rebuilt from its PID. */
#include <check.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/sockx.h"
#include "proc/procfs.h"
#include "procfix.h"

static int listener(struct sockaddr_in *sin)
{
	socklen_t len = sizeof(*sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)sin, sizeof(*sin)), 0);
	ck_assert_int_eq(listen(fd, 1), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)sin, &len), 0);
	return fd;
}

/* The pinned process's ns/net is fdscope's own; the newcomer with its
 * PID has none: the load succeeds only through the pin, and finds the
 * listener by its inode, with its port. */
START_TEST(test_sockx_load_for_reads_through_the_pin)
{
	char root[64], ns[96];
	struct sockaddr_in sin;
	struct sockx_table t;
	const struct sockx *x;
	struct stat st;
	int pin, fd = listener(&sin);

	ck_assert_int_eq(fstat(fd, &st), 0);
	procfix_root(root, sizeof(root));
	procfix_process(root, 4242, 100, "old", 41, "/");
	snprintf(ns, sizeof(ns), "%s/4242/ns", root);
	ck_assert_int_eq(mkdir(ns, 0700), 0);
	procfix_put(root, 4242, "ns/net", "/proc/self/ns/net", 1);
	pin = procfs_open_pid(root, 4242);
	ck_assert_int_ge(pin, 0);
	procfix_reuse(root, 4242, 200, "new", 42, "/");
	sockx_table_init(&t);
	ck_assert_int_eq(sockx_load_for(&t, pin), 0);
	x = sockx_find(&t, (unsigned long long)st.st_ino);
	ck_assert_msg(x != NULL, "listener not in the dump");
	ck_assert_int_eq(x->family, AF_INET);
	ck_assert_int_eq(x->proto, IPPROTO_TCP);
	ck_assert_int_eq(((const struct sockaddr_in *)&x->local)->sin_port,
			 sin.sin_port);
	sockx_table_release(&t);
	close(pin);
	/* A pin without ns/net (the newcomer's directory): no table. */
	pin = procfs_open_pid(root, 4242);
	sockx_table_init(&t);
	ck_assert_int_eq(sockx_load_for(&t, pin), -1);
	sockx_table_release(&t);
	close(pin);
	close(fd);
	procfix_remove(root);
}
END_TEST

Suite *sockx_suite(void)
{
	Suite *s = suite_create("sockx");
	TCase *tc = tcase_create("load");

	tcase_add_test(tc, test_sockx_load_for_reads_through_the_pin);
	suite_add_tcase(s, tc);
	return s;
}
