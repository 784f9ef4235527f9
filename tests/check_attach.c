/* The attach step of list (src/net/attach.c): a socketpair's ends are
 * decoded as each other's unix peers.  (The other holders of a pipe are
 * proc/holders.c's, in the holders suite.) */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/attach.h"
#include "testutil.h"

START_TEST(test_socketpair_ends_are_peers)
{
	unsigned int need = FDL_NEED_LINK | FDL_NEED_STAT;
	struct fd_proc p;
	struct net_attach *a;
	const struct sock_info *s0, *s1, *peer;
	struct stat st0, st1;
	char buf[256];
	int sp[2];

	ck_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0);
	ck_assert(fstat(sp[0], &st0) == 0 && fstat(sp[1], &st1) == 0);
	ck_assert_int_eq(fd_proc_collect(&p, "/proc", 0, need), 0);
	a = net_attach_new("/proc", &p, 1);
	net_attach_sockets(a);
	s0 = net_attach_sock(a, 0, entry_of(&p, sp[0]));
	s1 = net_attach_sock(a, 0, entry_of(&p, sp[1]));
	ck_assert(s0 != NULL && s1 != NULL);
	ck_assert_uint_eq(s0->ino, st0.st_ino);
	ck_assert_int_eq(s0->family, AF_UNIX);
	ck_assert(s0->have_peer);
	ck_assert_uint_eq(s0->peer_ino, st1.st_ino);
	peer = net_attach_peer(a, 0, s0);
	ck_assert_ptr_eq(peer, s1);
	ck_assert(strstr(net_sock_name(s0, peer, buf, sizeof(buf)), "UNIX-STREAM") != NULL);
	ck_assert_str_eq(net_sock_state(s0), "connected");
	net_attach_free(a);
	fd_proc_release(&p);
	close(sp[0]);
	close(sp[1]);
}
END_TEST

Suite *attach_suite(void)
{
	Suite *s = suite_create("attach");
	TCase *tc = tcase_create("self");

	tcase_add_test(tc, test_socketpair_ends_are_peers);
	suite_add_tcase(s, tc);
	return s;
}
