/* Unit tests for fdtype.c: the type from mode and link text, the access
 * mode and flag names from fdinfo's octal flags, and socket names. */
#include <check.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "proc/fdtype.h"

START_TEST(test_type_from_mode)
{
	ck_assert_str_eq(fdtype_name(S_IFREG | 0644, true, "/etc/passwd"), "REG");
	ck_assert_str_eq(fdtype_name(S_IFDIR | 0755, true, "/tmp"), "DIR");
	ck_assert_str_eq(fdtype_name(S_IFCHR | 0666, true, "/dev/null"), "CHR");
	ck_assert_str_eq(fdtype_name(S_IFBLK | 0660, true, "/dev/sda"), "BLK");
	ck_assert_str_eq(fdtype_name(S_IFIFO | 0600, true, "pipe:[6565]"), "FIFO");
	ck_assert_str_eq(fdtype_name(S_IFSOCK | 0777, true, "socket:[77]"), "SOCK");
	ck_assert_str_eq(fdtype_name(S_IFLNK | 0777, true, "/x"), "LNK");
	ck_assert_str_eq(fdtype_name(0, false, "/x"), "unknown");
	/* Anonymous inodes carry no type bits in their mode. */
	ck_assert_str_eq(fdtype_name(0600, true, "/x"), "unknown");
}
END_TEST

START_TEST(test_type_from_anon_inode_link)
{
	static const struct {
		const char *link, *type;
	} cases[] = {
		{ "anon_inode:[eventfd]", "eventfd" },
		{ "anon_inode:[eventpoll]", "eventpoll" },
		{ "anon_inode:[timerfd]", "timerfd" },
		{ "anon_inode:[signalfd]", "signalfd" },
		{ "anon_inode:inotify", "inotify" },
		{ "anon_inode:[fanotify]", "fanotify" },
		{ "anon_inode:[pidfd]", "pidfd" },
		{ "anon_inode:[io_uring]", "io_uring" },
		{ "anon_inode:bpf-map", "bpf-map" },
		{ "anon_inode:bpf-prog", "bpf-prog" },
		{ "anon_inode:[perf_event]", "perf_event" },
		{ "anon_inode:[userfaultfd]", "userfaultfd" },
		{ "anon_inode:[something-new]", "anon_inode" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_str_eq(fdtype_name(0600, true, cases[i].link), cases[i].type);
	ck_assert(fdtype_is_anon("anon_inode:[eventfd]"));
	ck_assert(!fdtype_is_anon("/anon_inode:[eventfd]"));
}
END_TEST

START_TEST(test_type_memfd_only_for_regular_files)
{
	ck_assert_str_eq(fdtype_name(S_IFREG | 0777, true, "/memfd:x (deleted)"), "memfd");
	ck_assert_str_eq(fdtype_name(S_IFDIR | 0777, true, "/memfd:x"), "DIR");
	ck_assert_str_eq(fdtype_name(S_IFREG | 0644, true, "/memfdx"), "REG");
}
END_TEST

START_TEST(test_mode_names)
{
	ck_assert_str_eq(fdmode_name(00), "r-");
	ck_assert_str_eq(fdmode_name(01), "-w");
	ck_assert_str_eq(fdmode_name(02), "rw");
	ck_assert_str_eq(fdmode_name(03), "??");
	ck_assert_str_eq(fdmode_name(010000000), "--");
}
END_TEST

START_TEST(test_flag_names)
{
	char buf[256];

	fdflags_format(02106002, buf, sizeof(buf));
	ck_assert_str_eq(buf, "cloexec,nonblock,append,largefile");
	fdflags_format(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
	/* O_SYNC carries O_DSYNC's bit: one name, not two. */
	fdflags_format(04010001, buf, sizeof(buf));
	ck_assert_str_eq(buf, "sync");
	fdflags_format(010001, buf, sizeof(buf));
	ck_assert_str_eq(buf, "dsync");
	fdflags_format(010000000, buf, sizeof(buf));
	ck_assert_str_eq(buf, "path");
	fdflags_format(0240000, buf, sizeof(buf));
	ck_assert_str_eq(buf, "direct,directory");
}
END_TEST

START_TEST(test_flag_names_match_libc_values)
{
	char buf[256];

	fdflags_format(O_CLOEXEC | O_NONBLOCK | O_APPEND, buf, sizeof(buf));
	ck_assert_str_eq(buf, "cloexec,nonblock,append");
	fdflags_format(O_NOATIME | O_DIRECT, buf, sizeof(buf));
	ck_assert_str_eq(buf, "direct,noatime");
}
END_TEST

START_TEST(test_flag_unknown_bits_shown_in_octal)
{
	char buf[256];

	fdflags_format(02000000 | 020000000000U, buf, sizeof(buf));
	ck_assert_str_eq(buf, "cloexec,020000000000");
	/* A small buffer truncates, never overflows. */
	fdflags_format(02104002, buf, 8);
	ck_assert_uint_lt(strlen(buf), 8);
}
END_TEST

START_TEST(test_socket_names)
{
	char b[16];

	ck_assert_str_eq(sock_family_name(AF_INET, b, sizeof(b)), "AF_INET");
	ck_assert_str_eq(sock_family_name(AF_INET6, b, sizeof(b)), "AF_INET6");
	ck_assert_str_eq(sock_family_name(AF_UNIX, b, sizeof(b)), "AF_UNIX");
	ck_assert_str_eq(sock_family_name(12345, b, sizeof(b)), "12345");
	ck_assert_str_eq(sock_type_name(SOCK_STREAM, b, sizeof(b)), "SOCK_STREAM");
	ck_assert_str_eq(sock_type_name(SOCK_DGRAM, b, sizeof(b)), "SOCK_DGRAM");
	ck_assert_str_eq(sock_proto_name(AF_INET, IPPROTO_TCP, b, sizeof(b)), "TCP");
	ck_assert_str_eq(sock_proto_name(AF_INET6, IPPROTO_UDP, b, sizeof(b)), "UDP");
	ck_assert_str_eq(sock_proto_name(AF_UNIX, 0, b, sizeof(b)), "0");
}
END_TEST

START_TEST(test_link_parsing)
{
	unsigned long long ino = 0;

	ck_assert(link_bracket_inode("socket:[12345]", "socket:", &ino));
	ck_assert_uint_eq(ino, 12345);
	ck_assert(link_bracket_inode("pipe:[6565]", "pipe:", &ino));
	ck_assert_uint_eq(ino, 6565);
	ck_assert(!link_bracket_inode("socket:[12a]", "socket:", &ino));
	ck_assert(!link_bracket_inode("socket:[]", "socket:", &ino));
	ck_assert(!link_bracket_inode("socket:[1] ", "socket:", &ino));
	ck_assert(!link_bracket_inode("socket:[99999999999999999999999]", "socket:", &ino));
	ck_assert(!link_bracket_inode("pipe:[1]", "socket:", &ino));
	/* Shorter than the prefix, or the prefix alone. */
	ck_assert(!link_bracket_inode("sock", "socket:", &ino));
	ck_assert(!link_bracket_inode("", "socket:", &ino));
	ck_assert(!link_bracket_inode("socket:", "socket:", &ino));
	ck_assert(!link_bracket_inode("socket:[", "socket:", &ino));
	ck_assert(!link_bracket_inode(NULL, "socket:", &ino));
	ck_assert_uint_eq(ino, 6565);	/* no failure wrote it */
	ck_assert(link_is_deleted("/tmp/x (deleted)"));
	ck_assert(!link_is_deleted("/tmp/x"));
	ck_assert(!link_is_deleted(" (deleted)"));
	ck_assert(!link_is_deleted(NULL));
}
END_TEST

Suite *fdtype_suite(void)
{
	Suite *s = suite_create("fdtype");
	TCase *tc = tcase_create("classify");

	tcase_add_test(tc, test_type_from_mode);
	tcase_add_test(tc, test_type_from_anon_inode_link);
	tcase_add_test(tc, test_type_memfd_only_for_regular_files);
	tcase_add_test(tc, test_mode_names);
	tcase_add_test(tc, test_flag_names);
	tcase_add_test(tc, test_flag_names_match_libc_values);
	tcase_add_test(tc, test_flag_unknown_bits_shown_in_octal);
	tcase_add_test(tc, test_socket_names);
	tcase_add_test(tc, test_link_parsing);
	suite_add_tcase(s, tc);
	return s;
}
