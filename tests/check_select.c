/* The selections of `list` on their own: the -d, -i, -u, -c, --inode and
 * --summary values, the stage that decides a process from a proc root of
 * fixtures, and matching on rows built by hand. */
#include <check.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include "proc/procfs.h"
#include "query/counter.h"
#include "query/select.h"

static const struct out_column cols[] = {
	{ "PID", 5, 0, OUT_JSON_NUMBER, "" },
	{ "COMMAND", 5, 0, OUT_JSON_STRING, "" },
	{ "FD", 5, 0, OUT_JSON_NUMBER, "" },
	{ "TYPE", 5, 0, OUT_JSON_STRING, "" },
};

START_TEST(test_select_fd_lists_and_ranges)
{
	struct query_fdrange *r = NULL;
	size_t n = 0;
	char why[256];

	ck_assert_int_eq(query_parse_fds("0-2,10,^5,^7-9", &r, &n, why, sizeof(why)), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert(r[0].lo == 0 && r[0].hi == 2 && !r[0].exclude);
	ck_assert(r[1].lo == 10 && r[1].hi == 10 && !r[1].exclude);
	ck_assert(r[2].lo == 5 && r[2].hi == 5 && r[2].exclude);
	ck_assert(r[3].lo == 7 && r[3].hi == 9 && r[3].exclude);
	free(r);
	r = NULL;
	n = 0;
	ck_assert_int_eq(query_parse_fds("3-1", &r, &n, why, sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "'3-1' for -d: range ends before it starts"));
	ck_assert_int_eq(query_parse_fds("cwdx", &r, &n, why, sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "'cwdx' for -d: not a whole number"));
	ck_assert_int_eq(query_parse_fds("1,", &r, &n, why, sizeof(why)), -1);
	ck_assert_int_eq(query_parse_fds("-1", &r, &n, why, sizeof(why)), -1);
	free(r);
}
END_TEST

static void inet_ok(const char *arg, struct query_inet *qi)
{
	char why[256];

	ck_assert_msg(query_parse_inet(arg, qi, why, sizeof(why)) == 0,
		      "'%s': %s", arg, why);
}

START_TEST(test_select_inet_syntax)
{
	struct query_inet qi;
	struct servent *se;
	char why[256];

	inet_ok(":8080", &qi);
	ck_assert(qi.family == 0 && qi.proto == 0 && qi.nhosts == 0);
	ck_assert(qi.nports == 1 && qi.ports[0][0] == 8080 && qi.ports[0][1] == 8080);
	query_inet_release(&qi);
	inet_ok("6", &qi);
	ck_assert(qi.family == AF_INET6 && qi.nports == 0);
	query_inet_release(&qi);
	inet_ok("udp", &qi);
	ck_assert(qi.proto == IPPROTO_UDP && qi.family == 0);
	query_inet_release(&qi);
	inet_ok("4TCP@127.0.0.1:22,100-200", &qi);
	ck_assert(qi.family == AF_INET && qi.proto == IPPROTO_TCP);
	ck_assert_uint_eq(qi.nhosts, 1);
	ck_assert_uint_eq(qi.nports, 2);
	ck_assert(qi.ports[1][0] == 100 && qi.ports[1][1] == 200);
	query_inet_release(&qi);
	inet_ok("@[::1]:80", &qi);
	ck_assert_uint_eq(qi.nhosts, 1);
	ck_assert_int_eq(qi.hosts[0].ss_family, AF_INET6);
	query_inet_release(&qi);
	/* A service name is what getservbyname says for it. */
	se = getservbyname("ssh", "tcp");
	if (se != NULL) {
		inet_ok("tcp:ssh", &qi);
		ck_assert_uint_eq(qi.ports[0][0], ntohs((uint16_t)se->s_port));
		query_inet_release(&qi);
	}
	ck_assert_int_eq(query_parse_inet("tcp:nosuchservicexyz", &qi, why, sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "unknown service 'nosuchservicexyz'"));
	ck_assert_int_eq(query_parse_inet(":70000", &qi, why, sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "invalid port '70000' for -i: too large"));
	ck_assert_int_eq(query_parse_inet("sctp:1", &qi, why, sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "invalid -i address 'sctp:1'"));
	ck_assert_int_eq(query_parse_inet(":", &qi, why, sizeof(why)), -1);
	ck_assert_int_eq(query_parse_inet(":20-10", &qi, why, sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "ends before it starts"));
	ck_assert_int_eq(query_parse_inet("@[::1", &qi, why, sizeof(why)), -1);
	ck_assert_int_eq(query_parse_inet("tcp:80x", &qi, why, sizeof(why)), -1);
}
END_TEST

static void set_in4(struct sockaddr_in *in, socklen_t *len,
		    const char *ip, unsigned int port)
{
	memset(in, 0, sizeof(*in));
	in->sin_family = AF_INET;
	in->sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, ip, &in->sin_addr);
	*len = sizeof(*in);
}

START_TEST(test_select_inet_value_after_a_space)
{
	/* "-i :8080" with a space: the shape decides. */
	ck_assert(query_inet_operand(":8080"));
	ck_assert(query_inet_operand(":99999"));
	ck_assert(query_inet_operand("tcp"));
	ck_assert(query_inet_operand("UDP:53"));
	ck_assert(query_inet_operand("6"));
	ck_assert(query_inet_operand("4tcp@host"));
	ck_assert(query_inet_operand("@127.0.0.1"));
	ck_assert(!query_inet_operand("/etc/passwd"));
	ck_assert(!query_inet_operand("tcpdump.log"));
	ck_assert(!query_inet_operand("42"));
	ck_assert(!query_inet_operand("-t"));
	ck_assert(!query_inet_operand(""));
	ck_assert(!query_inet_operand(NULL));
}
END_TEST

START_TEST(test_select_inet_matches_either_end)
{
	struct sock_info si = { .family = AF_INET, .proto = IPPROTO_TCP,
				.state = 1 };
	struct query_inet qi;

	set_in4(&si.local.in, &si.local_len, "127.0.0.1", 40000);
	set_in4(&si.remote.in, &si.remote_len, "127.0.0.2", 8080);
	inet_ok(":8080", &qi);
	ck_assert(query_inet_match(&qi, &si));
	query_inet_release(&qi);
	inet_ok(":40000", &qi);
	ck_assert(query_inet_match(&qi, &si));
	query_inet_release(&qi);
	inet_ok(":1-8079,8081-39999", &qi);
	ck_assert(!query_inet_match(&qi, &si));
	query_inet_release(&qi);
	/* Host and port of the same end. */
	inet_ok("@127.0.0.1:8080", &qi);
	ck_assert(!query_inet_match(&qi, &si));
	query_inet_release(&qi);
	inet_ok("@127.0.0.2:8080", &qi);
	ck_assert(query_inet_match(&qi, &si));
	query_inet_release(&qi);
	inet_ok("udp", &qi);
	ck_assert(!query_inet_match(&qi, &si));
	query_inet_release(&qi);
	inet_ok("6", &qi);
	ck_assert(!query_inet_match(&qi, &si));
	query_inet_release(&qi);
	inet_ok("4tcp", &qi);
	ck_assert(query_inet_match(&qi, &si));
	ck_assert(!query_inet_match(&qi, NULL));
	si.family = AF_UNIX;
	ck_assert(!query_inet_match(&qi, &si));
	query_inet_release(&qi);
}
END_TEST

static void take_fails(struct query *q, int c, const char *arg, const char *msg)
{
	char why[512];

	ck_assert_int_eq(query_take(q, c, arg, why, sizeof(why)), -1);
	ck_assert_msg(strstr(why, msg) != NULL, "'%s': '%s'", arg, why);
}

START_TEST(test_select_option_errors)
{
	struct query *q = query_new();
	char why[512];

	take_fails(q, 'u', "nosuchuserxyz", "unknown user 'nosuchuserxyz' for -u");
	take_fails(q, 'u', "", "invalid user list for -u");
	take_fails(q, 'c', "", "empty command for -c");
	take_fails(q, 's', "LISTEN,ESTABLISHD", "unknown state 'ESTABLISHD' for -s");
	ck_assert_int_eq(query_take(q, 's', "tcp:time-wait,Listening", why,
				    sizeof(why)), 1);
	take_fails(q, 'c', "/(/", "invalid regular expression for -c");
	take_fails(q, QUERY_OPT_INODE, "12", "invalid --inode '12'");
	take_fails(q, QUERY_OPT_INODE, "8:1:x", "invalid --inode");
	take_fails(q, QUERY_OPT_INODE, "9999999:1:5", "invalid --inode");
	take_fails(q, QUERY_OPT_UNDER, "/nonexistent/dir", "cannot search under "
		   "'/nonexistent/dir': No such file or directory");
	take_fails(q, QUERY_OPT_UNDER, "/etc/passwd", "Not a directory");
	take_fails(q, QUERY_OPT_SUMMARY, "sometimes", "invalid --summary 'sometimes'");
	take_fails(q, 'C', "nocolon", "invalid -C 'nocolon'");
	take_fails(q, 'C', ":PID > 1", "invalid -C");
	ck_assert_int_eq(query_take(q, 'Q', "true", why, sizeof(why)), 1);
	take_fails(q, 'Q', "true", "-Q given twice");
	ck_assert_int_eq(query_add_path(q, "/nonexistent/file", why, sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "cannot look up '/nonexistent/file'"));
	ck_assert_int_eq(query_take(q, 'p', "1", why, sizeof(why)), 0);
	query_free(q);
}
END_TEST

/* A proc root with one process, 4242, named "workerd-pool-12" (the 15
 * bytes the kernel keeps), owned by us. */
static char fixture[64];

static void make_fixture(void)
{
	char path[128];
	FILE *fp;

	snprintf(fixture, sizeof(fixture), "/tmp/fdscope-select.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(fixture));
	snprintf(path, sizeof(path), "%s/4242", fixture);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/4242/comm", fixture);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("workerd-pool-12\n", fp);
	fclose(fp);
}

static void remove_fixture(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/4242/comm", fixture);
	unlink(path);
	snprintf(path, sizeof(path), "%s/4242", fixture);
	rmdir(path);
	rmdir(fixture);
}

static bool wants(const char *opt, const char *arg, const char *filter)
{
	struct query *q = query_new();
	struct query_proc qp;
	char why[512];
	bool r;
	int pin;

	if (opt)
		ck_assert_int_eq(query_take(q, opt[0] == '-' ? opt[1] : QUERY_OPT_TYPE,
					    arg, why, sizeof(why)), 1);
	if (filter)
		ck_assert_int_eq(query_take(q, 'Q', filter, why, sizeof(why)), 1);
	ck_assert_int_eq(query_prepare(q, cols, 4), 0);
	pin = procfs_open_pid(fixture, 4242);
	ck_assert_int_ge(pin, 0);
	r = query_want_process(q, pin, 4242, &qp);
	close(pin);
	query_free(q);
	return r;
}

START_TEST(test_select_process_stage)
{
	char uid[32], notuid[32], exclude[40];

	make_fixture();
	snprintf(uid, sizeof(uid), "%u", (unsigned)getuid());
	snprintf(notuid, sizeof(notuid), "%u", (unsigned)getuid() + 1);
	snprintf(exclude, sizeof(exclude), "^%u", (unsigned)getuid());
	ck_assert(wants("-c", "work", NULL));
	ck_assert(wants("-c", "workerd-pool-12", NULL));
	ck_assert(!wants("-c", "workerdx", NULL));
	ck_assert(!wants("-c", "orker", NULL));
	/* Only 15 bytes of a name are kept by the kernel. */
	ck_assert(wants("-c", "workerd-pool-12-of-40", NULL));
	ck_assert(!wants("-c", "workerd-pool-13-of-40", NULL));
	ck_assert(wants("-c", "/ork.*12$/", NULL));
	ck_assert(!wants("-c", "/^ork/", NULL));
	ck_assert(wants("-u", uid, NULL));
	ck_assert(!wants("-u", notuid, NULL));
	ck_assert(!wants("-u", exclude, NULL));
	ck_assert(wants("-u", "^65530", NULL));
	ck_assert(wants(NULL, NULL, "PID == 4242"));
	ck_assert(!wants(NULL, NULL, "PID != 4242"));
	ck_assert(wants(NULL, NULL, "COMMAND =~ \"^work\" and FD > 100"));
	ck_assert(!wants(NULL, NULL, "COMMAND == \"bash\" and FD > 100"));
	/* TYPE is not known before the table is read. */
	ck_assert(wants(NULL, NULL, "TYPE == \"REG\""));
	remove_fixture();
}
END_TEST

START_TEST(test_select_fd_stage)
{
	struct query *q = query_new();
	struct query_proc qp;
	char why[512];
	int pin;

	make_fixture();
	ck_assert_int_eq(query_take(q, 'd', "0-2,10", why, sizeof(why)), 1);
	ck_assert_int_eq(query_take(q, 'd', "^1", why, sizeof(why)), 1);
	ck_assert_int_eq(query_take(q, 'Q', "FD != 2", why, sizeof(why)), 1);
	ck_assert_int_eq(query_prepare(q, cols, 4), 0);
	pin = procfs_open_pid(fixture, 4242);
	ck_assert(query_want_process(q, pin, 4242, &qp));
	close(pin);
	ck_assert(query_keep_fd(&qp, 0));
	ck_assert(!query_keep_fd(&qp, 1));
	ck_assert(!query_keep_fd(&qp, 2));
	ck_assert(!query_keep_fd(&qp, 3));
	ck_assert(query_keep_fd(&qp, 10));
	ck_assert(!query_keep_fd(&qp, 11));
	ck_assert(query_selects(q));
	query_free(q);
	remove_fixture();
}
END_TEST

/* Descriptor e of p as the selections see it, with socket si. */
static bool fd_matches(const struct query *q, const struct fd_proc *p,
		       const struct fd_entry *e, const struct sock_info *si)
{
	struct query_row r;

	query_row_of_fd(&r, p, e);
	r.si = si;
	return query_match(q, &r);
}

/* A row of a process made by hand: a regular file, as stat gives it. */
START_TEST(test_select_row_matching)
{
	struct query *q = query_new();
	struct fd_proc p = { .pid = 7 };
	struct fd_entry e = { .fd = 3 };
	const struct sock_info *rsi = NULL;
	struct stat st;
	char why[512], strings[] = "/etc/passwd";
	bool sockets;

	ck_assert_int_eq(stat("/etc/passwd", &st), 0);
	p.strings = strings;
	e.link_off = 0;
	e.stat_errno = 0;
	e.st.st_dev = st.st_dev;
	e.st.st_ino = st.st_ino;
	e.st.st_mode = st.st_mode;
	ck_assert_int_eq(query_add_path(q, "/etc/passwd", why, sizeof(why)), 0);
	ck_assert_int_eq(query_take(q, QUERY_OPT_UNDER, "/etc", why, sizeof(why)), 1);
	ck_assert_int_eq(query_take(q, QUERY_OPT_TYPE, "reg,dir", why, sizeof(why)), 1);
	ck_assert_int_eq(query_prepare(q, cols, 4), 0);
	ck_assert(fd_matches(q, &p, &e, rsi));
	ck_assert_uint_eq(query_need(q, &sockets) & (FDL_NEED_STAT | FDL_NEED_LINK),
			  FDL_NEED_STAT | FDL_NEED_LINK);
	/* --under also finds unix sockets bound below DIR. */
	ck_assert(sockets);
	/* Another inode is another file, whatever its name. */
	e.st.st_ino++;
	ck_assert(!fd_matches(q, &p, &e, rsi));
	query_free(q);

	/* --under by name: /etc2/x is not under /etc. */
	q = query_new();
	ck_assert_int_eq(query_take(q, QUERY_OPT_UNDER, "/etc", why, sizeof(why)), 1);
	ck_assert_int_eq(query_prepare(q, cols, 4), 0);
	e.st.st_ino--;
	ck_assert(fd_matches(q, &p, &e, rsi));
	{
		char other[] = "/etc2/passwd";

		p.strings = other;
		ck_assert(!fd_matches(q, &p, &e, rsi));
		p.strings = strings;
	}
	query_free(q);

	/* -U wants a decoded unix socket. */
	q = query_new();
	ck_assert_int_eq(query_take(q, 'U', NULL, why, sizeof(why)), 1);
	ck_assert_int_eq(query_prepare(q, cols, 4), 0);
	ck_assert(!fd_matches(q, &p, &e, rsi));
	{
		struct sock_info si = { .family = AF_UNIX, .state = 10 };

		rsi = &si;
		ck_assert(fd_matches(q, &p, &e, rsi));
		query_free(q);
		q = query_new();
		ck_assert_int_eq(query_take(q, QUERY_OPT_LISTENING, NULL, why,
					    sizeof(why)), 1);
		ck_assert_int_eq(query_take(q, 's', "TCP:LISTEN,close", why,
					    sizeof(why)), 1);
		ck_assert_int_eq(query_prepare(q, cols, 4), 0);
		/* A unix socket's state is "listening", not LISTEN. */
		ck_assert(!fd_matches(q, &p, &e, rsi));
		si.family = AF_INET;
		si.proto = IPPROTO_TCP;
		ck_assert(fd_matches(q, &p, &e, rsi));
		si.state = 1;
		ck_assert(!fd_matches(q, &p, &e, rsi));
	}
	query_free(q);
}
END_TEST

START_TEST(test_select_inode_forms)
{
	struct query *q = query_new();
	struct fd_proc p = { .pid = 7 };
	struct fd_entry e = { .fd = 3, .link_off = (size_t)-1 };
	const struct sock_info *rsi = NULL;
	char why[512];

	e.st.st_dev = makedev(8, 1);
	e.st.st_ino = 1234;
	ck_assert_int_eq(query_take(q, QUERY_OPT_INODE, "8:1:1234", why, sizeof(why)), 1);
	ck_assert_int_eq(query_prepare(q, cols, 4), 0);
	ck_assert(fd_matches(q, &p, &e, rsi));
	e.st.st_ino = 1235;
	ck_assert(!fd_matches(q, &p, &e, rsi));
	query_free(q);
	q = query_new();
	snprintf(why, sizeof(why), "%llu:1235", (unsigned long long)makedev(8, 1));
	ck_assert_int_eq(query_take(q, QUERY_OPT_INODE, why, why, sizeof(why)), 1);
	ck_assert_int_eq(query_prepare(q, cols, 4), 0);
	ck_assert(fd_matches(q, &p, &e, rsi));
	/* An entry whose stat failed matches no file. */
	e.stat_errno = 2;
	ck_assert(!fd_matches(q, &p, &e, rsi));
	query_free(q);
}
END_TEST

/* -d's names of the rows that are no descriptor, as lsof's: txt is the
 * executable, ASSOC exe; ^ excludes one. */
START_TEST(test_select_fd_list_names)
{
	struct query_fdrange *r = NULL;
	size_t n = 0;
	char why[256];

	ck_assert_int_eq(query_parse_fds("cwd,TXT,^mem,rtd,3", &r, &n, why,
					 sizeof(why)), 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(r[0].name, "cwd");
	ck_assert_str_eq(r[1].name, "exe");
	ck_assert(r[2].exclude && strcmp(r[2].name, "mem") == 0);
	ck_assert_str_eq(r[3].name, "rtd");
	ck_assert(r[0].lo == -1 && r[0].hi == -1);
	ck_assert(r[4].name == NULL && r[4].lo == 3 && r[4].hi == 3);
	free(r);
}
END_TEST

/* An --assoc row and a lock row: no descriptor number, a file by device
 * and inode; -d, PATH, --inode, --under and --type decide them as they
 * decide descriptors. */
START_TEST(test_select_rows_without_descriptor)
{
	struct query *q = query_new();
	struct fd_proc p = { .pid = 7 };
	struct query_row cwd = { .proc = &p, .fd = -1, .assoc = "cwd",
				 .have_id = true, .path = "/etc",
				 .type = "DIR" };
	struct query_row lock = { .proc = &p, .fd = -1, .have_id = true };
	struct stat st;
	char why[512];

	ck_assert_int_eq(stat("/etc", &st), 0);
	cwd.dev = lock.dev = st.st_dev;
	cwd.ino = lock.ino = st.st_ino;
	/* Numbers name descriptors only. */
	ck_assert_int_eq(query_take(q, 'd', "0-2", why, sizeof(why)), 1);
	ck_assert_int_eq(query_prepare(q, cols, 4), 0);
	ck_assert(!query_names_assoc(q));
	ck_assert(!query_match(q, &cwd));
	ck_assert(!query_match(q, &lock));
	query_free(q);
	q = query_new();
	ck_assert_int_eq(query_take(q, 'd', "cwd", why, sizeof(why)), 1);
	ck_assert_int_eq(query_prepare(q, cols, 4), 0);
	ck_assert(query_names_assoc(q));
	ck_assert(query_match(q, &cwd));
	cwd.assoc = "exe";
	ck_assert(!query_match(q, &cwd));
	cwd.assoc = "cwd";
	ck_assert(!query_match(q, &lock));
	query_free(q);
	/* Only exclusions: every other row stays. */
	q = query_new();
	ck_assert_int_eq(query_take(q, 'd', "^cwd", why, sizeof(why)), 1);
	ck_assert_int_eq(query_prepare(q, cols, 4), 0);
	ck_assert(!query_names_assoc(q));
	ck_assert(!query_match(q, &cwd));
	ck_assert(query_match(q, &lock));
	query_free(q);
	/* The file itself. */
	q = query_new();
	ck_assert_int_eq(query_add_path(q, "/etc", why, sizeof(why)), 0);
	ck_assert_int_eq(query_prepare(q, cols, 4), 0);
	ck_assert(query_match(q, &cwd));
	ck_assert(query_match(q, &lock));
	lock.ino++;
	ck_assert(!query_match(q, &lock));
	cwd.have_id = false;
	ck_assert(!query_match(q, &cwd));
	cwd.have_id = true;
	query_free(q);
	/* By name, and by type; a lock row has neither. */
	q = query_new();
	ck_assert_int_eq(query_take(q, QUERY_OPT_UNDER, "/", why, sizeof(why)), 1);
	ck_assert_int_eq(query_take(q, QUERY_OPT_TYPE, "DIR", why, sizeof(why)), 1);
	ck_assert_int_eq(query_prepare(q, cols, 4), 0);
	ck_assert(query_match(q, &cwd));
	ck_assert(!query_match(q, &lock));
	cwd.type = "REG";
	ck_assert(!query_match(q, &cwd));
	query_free(q);
	/* Socket selections never match a row without a socket. */
	q = query_new();
	ck_assert_int_eq(query_take(q, 'U', NULL, why, sizeof(why)), 1);
	ck_assert_int_eq(query_prepare(q, cols, 4), 0);
	ck_assert(!query_match(q, &cwd));
	query_free(q);
}
END_TEST

START_TEST(test_select_summary_counts)
{
	struct summary *s = summary_new();
	char why[256];

	ck_assert_int_eq(summary_mode(s), SUMMARY_NEVER);
	ck_assert_int_eq(summary_set_mode(s, NULL, why, sizeof(why)), 0);
	ck_assert_int_eq(summary_mode(s), SUMMARY_APPEND);
	ck_assert_int_eq(summary_set_mode(s, "only", why, sizeof(why)), 0);
	ck_assert_int_eq(summary_mode(s), SUMMARY_ONLY);
	ck_assert_int_eq(summary_set_mode(s, "never", why, sizeof(why)), 0);
	ck_assert_int_eq(summary_mode(s), SUMMARY_NEVER);
	ck_assert_int_eq(summary_add_counter(s, "low:FD < 3", why, sizeof(why)), 0);
	ck_assert_int_eq(summary_prepare(s, cols, 4), 0);
	ck_assert(summary_uses(s, 2));
	ck_assert(!summary_uses(s, 0));
	summary_free(s);
}
END_TEST

Suite *select_suite(void)
{
	Suite *s = suite_create("select");
	TCase *tc = tcase_create("unit");

	tcase_add_test(tc, test_select_fd_lists_and_ranges);
	tcase_add_test(tc, test_select_inet_syntax);
	tcase_add_test(tc, test_select_inet_value_after_a_space);
	tcase_add_test(tc, test_select_inet_matches_either_end);
	tcase_add_test(tc, test_select_option_errors);
	tcase_add_test(tc, test_select_process_stage);
	tcase_add_test(tc, test_select_fd_stage);
	tcase_add_test(tc, test_select_row_matching);
	tcase_add_test(tc, test_select_inode_forms);
	tcase_add_test(tc, test_select_summary_counts);
	tcase_add_test(tc, test_select_fd_list_names);
	tcase_add_test(tc, test_select_rows_without_descriptor);
	suite_add_tcase(s, tc);
	return s;
}
