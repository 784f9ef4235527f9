/* `list` right at any scale (issue 11): every socket named by the kernel,
 * sockets only on sockfs and in whatever namespace they live, rows that
 * describe one open file, long and hidden things said as they are, and
 * output that follows its content on and off a terminal.  Holders are
 * children of the test that inherit what the test opened, so that every
 * value can be checked on the test's own copy. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <pty.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "net/attach.h"
#include "proc/fdlist.h"
#include "proc/hidepid.h"
#include "testutil.h"

/* A child that keeps what the test opened until its control pipe closes
 * (at most 60 s); setup runs in it first. */
struct kid {
	pid_t pid;
	int ctl;
};

static void kid_start(struct kid *k, void (*setup)(void *), void *arg)
{
	int ready[2], ctl[2];
	char c;

	ck_assert(pipe(ready) == 0 && pipe(ctl) == 0);
	k->pid = fork();
	ck_assert(k->pid >= 0);
	if (k->pid == 0) {
		close(ready[0]);
		close(ctl[1]);
		alarm(60);
		if (setup)
			setup(arg);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		close(ready[1]);
		while (read(ctl[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(ready[1]);
	close(ctl[0]);
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	close(ready[0]);
	k->ctl = ctl[1];
}

static void kid_stop(struct kid *k)
{
	int st;

	close(k->ctl);
	ck_assert(waitpid(k->pid, &st, 0) == k->pid);
}

static struct json *list_json_of(struct run_result *r, const char *pids,
				 const char *cols)
{
	struct json *doc;

	run_fdscope(r, "list", "-p", pids, "-J", "-o", cols, NULL);
	ck_assert_msg(r->status == 0, "status %d, stderr: %s", r->status, r->err);
	doc = json_parse(r->out);
	ck_assert_msg(doc != NULL, "invalid JSON: %s", r->out);
	return doc;
}

static unsigned long long ino_of(int fd)
{
	struct stat st;

	ck_assert(fstat(fd, &st) == 0);
	return (unsigned long long)st.st_ino;
}

static int port_of(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	ck_assert(getsockname(fd, (struct sockaddr *)&ss, &len) == 0);
	return ntohs(ss.ss_family == AF_INET6 ?
		     ((struct sockaddr_in6 *)&ss)->sin6_port :
		     ((struct sockaddr_in *)&ss)->sin_port);
}

static bool ss_lists(const char *opts, int port)
{
	char optbuf[32], ss[] = "/usr/bin/ss";
	char *argv[] = { ss, optbuf, NULL };
	struct run_result r;
	char want[32];
	bool found;

	snprintf(optbuf, sizeof(optbuf), "%s", opts);
	run_argv(&r, argv, 10);
	snprintf(want, sizeof(want), ":%d ", port);
	found = r.status == 0 && strstr(r.out, want) != NULL;
	run_result_release(&r);
	return found;
}

struct want_sock {
	int fd;
	const char *proto;	/* SOCK.PROTO and the xattr's family */
	const char *name;	/* NAME exactly, or NULL */
	const char *prefix;	/* NAME's start, when name is NULL */
};

static void check_named(pid_t pid, const struct json *doc,
			const struct want_sock *w)
{
	const struct json *row = json_find_fd(doc, w->fd);
	char path[64], attr[32];
	ssize_t n;

	ck_assert_msg(row != NULL, "fd %d not listed", w->fd);
	snprintf(path, sizeof(path), "/proc/%ld/fd/%d", (long)pid, w->fd);
	n = getxattr(path, "system.sockprotoname", attr, sizeof(attr) - 1);
	ck_assert_msg(n > 0, "no sockprotoname for fd %d", w->fd);
	attr[n] = '\0';
	/* The kernel's name, its "v6" and unix kinds folded into one. */
	ck_assert_msg(strncmp(attr, w->proto, strlen(w->proto)) == 0 ||
		      (strcmp(w->proto, "UNIX") == 0 &&
		       strncmp(attr, "UNIX", 4) == 0),
		      "fd %d: xattr %s, expected %s", w->fd, attr, w->proto);
	ck_assert_msg(json_str(row, "sock.proto") != NULL &&
		      strcmp(json_str(row, "sock.proto"), w->proto) == 0,
		      "fd %d: sock.proto %s, expected %s", w->fd,
		      json_str(row, "sock.proto"), w->proto);
	ck_assert_msg(json_str(row, "name") != NULL, "fd %d: no name", w->fd);
	if (w->name)
		ck_assert_str_eq(json_str(row, "name"), w->name);
	else
		ck_assert_msg(strncmp(json_str(row, "name"), w->prefix,
				      strlen(w->prefix)) == 0,
			      "fd %d: name %s, expected %s...", w->fd,
			      json_str(row, "name"), w->prefix);
}

/* Every protocol this machine lets the test create, bound or not. */
START_TEST(test_every_socket_protocol_is_named_by_the_kernel)
{
	struct want_sock w[16];
	struct sockaddr_in in = { .sin_family = AF_INET };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6 };
	char names[4][96], pidtext[32];
	int sp[3][2], n = 0, fd, i, tcpl, udpb, raw, pkt;
	struct run_result r;
	struct json *doc;
	struct kid k;

	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	in6.sin6_addr = in6addr_loopback;
	w[n++] = (struct want_sock){ socket(AF_INET, SOCK_STREAM, 0), "TCP", "TCP (unbound)", NULL };
	w[n++] = (struct want_sock){ socket(AF_INET6, SOCK_STREAM, 0), "TCP", "TCP6 (unbound)", NULL };
	w[n++] = (struct want_sock){ socket(AF_INET, SOCK_DGRAM, 0), "UDP", "UDP (unbound)", NULL };
	w[n++] = (struct want_sock){ socket(AF_INET6, SOCK_DGRAM, 0), "UDP", "UDP6 (unbound)", NULL };
	tcpl = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert(bind(tcpl, (struct sockaddr *)&in, sizeof(in)) == 0 &&
		  listen(tcpl, 1) == 0);
	snprintf(names[0], sizeof(names[0]), "TCP 127.0.0.1:%d LISTEN", port_of(tcpl));
	w[n++] = (struct want_sock){ tcpl, "TCP", names[0], NULL };
	udpb = socket(AF_INET6, SOCK_DGRAM, 0);
	ck_assert(bind(udpb, (struct sockaddr *)&in6, sizeof(in6)) == 0);
	snprintf(names[1], sizeof(names[1]), "UDP6 [::1]:%d unconnected", port_of(udpb));
	w[n++] = (struct want_sock){ udpb, "UDP", names[1], NULL };
	ck_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sp[0]) == 0);
	ck_assert(socketpair(AF_UNIX, SOCK_DGRAM, 0, sp[1]) == 0);
	ck_assert(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp[2]) == 0);
	w[n++] = (struct want_sock){ sp[0][0], "UNIX", NULL, "UNIX-STREAM (unnamed) -> " };
	w[n++] = (struct want_sock){ sp[1][0], "UNIX", NULL, "UNIX-DGRAM (unnamed) -> " };
	w[n++] = (struct want_sock){ sp[2][0], "UNIX", NULL, "UNIX-SEQPACKET (unnamed) -> " };
	/* Netlink, raw and packet sockets: named by the kernel, then decoded
	 * by their own dumps where those have them (issue 13: "NETLINK route
	 * port 0 ...", "RAW proto 1 ...", "PACKET * none"), else
	 * "PROTO socket:[INODE]". */
	fd = socket(AF_NETLINK, SOCK_RAW, 0);
	(void)ino_of(fd);
	w[n++] = (struct want_sock){ fd, "NETLINK", NULL, "NETLINK " };
	/* Raw and packet sockets need CAP_NET_RAW. */
	raw = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (raw >= 0)
		w[n++] = (struct want_sock){ raw, "RAW", NULL, "RAW " };
	pkt = socket(AF_PACKET, SOCK_RAW, 0);
	if (pkt >= 0)
		w[n++] = (struct want_sock){ pkt, "PACKET", NULL, "PACKET " };
	if (raw < 0 || pkt < 0)
		skip_part("raw and packet sockets in "
		       "test_every_socket_protocol_is_named_by_the_kernel: "
		       "no CAP_NET_RAW");
	for (i = 0; i < n; i++)
		ck_assert(w[i].fd >= 0);
	ck_assert(ss_lists("-Hltn", port_of(tcpl)));
	ck_assert(ss_lists("-Hlun", port_of(udpb)));
	kid_start(&k, NULL, NULL);
	snprintf(pidtext, sizeof(pidtext), "%ld", (long)k.pid);
	doc = list_json_of(&r, pidtext, "FD,SOCK.PROTO,NAME");
	for (i = 0; i < n; i++)
		check_named(k.pid, doc, &w[i]);
	json_free(doc);
	run_result_release(&r);
	kid_stop(&k);
	for (i = 0; i < n; i++)
		close(w[i].fd);
	for (i = 0; i < 3; i++)
		close(sp[i][1]);
}
END_TEST

/* An O_PATH descriptor of a unix socket file has S_IFSOCK and a tmpfs
 * inode number that a sockfs inode may share: it names its path. */
START_TEST(test_socket_inode_counts_only_on_sockfs)
{
	struct fd_proc p;
	struct fd_entry e;
	char strings[] = "/dev/shm/x.sock";
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct stat st;

	ck_assert(s >= 0 && fstat(s, &st) == 0);
	memset(&p, 0, sizeof(p));
	memset(&e, 0, sizeof(e));
	p.strings = strings;
	e.st.st_mode = S_IFSOCK | 0755;
	e.st.st_ino = st.st_ino;
	e.st.st_dev = makedev(0, 23) == st.st_dev ? makedev(0, 24) : makedev(0, 23);
	e.link_off = 0;
	/* A path link: a file, whatever its inode number. */
	ck_assert_uint_eq(net_entry_sock_ino(&p, &e), 0);
	/* No link, a stat off sockfs: not a socket either. */
	e.link_off = (size_t)-1;
	ck_assert_uint_eq(net_entry_sock_ino(&p, &e), 0);
	/* On sockfs it is. */
	e.st.st_dev = st.st_dev;
	ck_assert_uint_eq(net_entry_sock_ino(&p, &e), st.st_ino);
	/* But an O_PATH descriptor never is. */
	e.have_info = true;
	e.info.has_flags = true;
	e.info.flags = O_PATH;
	ck_assert_uint_eq(net_entry_sock_ino(&p, &e), 0);
	close(s);
}
END_TEST

START_TEST(test_o_path_of_a_socket_file_names_the_path)
{
	char dir[] = "/tmp/fdscope-opath-XXXXXX", path[100], pidtext[32];
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	const struct json *row;
	struct run_result r;
	struct json *doc;
	int s, o;
	struct kid k;

	ck_assert(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/s.sock", dir);
	snprintf(un.sun_path, sizeof(un.sun_path), "%s", path);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert(bind(s, (struct sockaddr *)&un, sizeof(un)) == 0);
	o = open(path, O_PATH);
	ck_assert(o >= 0);
	kid_start(&k, NULL, NULL);
	snprintf(pidtext, sizeof(pidtext), "%ld", (long)k.pid);
	doc = list_json_of(&r, pidtext, "FD,TYPE,SOCK.PROTO,NAME");
	row = json_find_fd(doc, o);
	ck_assert(row != NULL);
	ck_assert_str_eq(json_str(row, "name"), path);
	ck_assert(json_str(row, "sock.proto") == NULL);
	json_free(doc);
	run_result_release(&r);
	kid_stop(&k);
	close(o);
	close(s);
	unlink(path);
	rmdir(dir);
}
END_TEST

static void enter_new_netns(void *arg)
{
	(void)arg;
	if (unshare(CLONE_NEWNET) != 0)
		_exit(3);
}

/* A listener created here and held by a child that moved to a network
 * namespace of its own is still the same socket, on both rows. */
START_TEST(test_socket_of_another_namespace_is_decoded_on_every_holder)
{
	struct sockaddr_in in = { .sin_family = AF_INET };
	char want[64], pids[64];
	struct run_result r;
	struct json *doc;
	const struct json *rows;
	int l = socket(AF_INET, SOCK_STREAM, 0), seen = 0;
	size_t i;
	struct kid k;

	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert(bind(l, (struct sockaddr *)&in, sizeof(in)) == 0 && listen(l, 1) == 0);
	snprintf(want, sizeof(want), "TCP 127.0.0.1:%d LISTEN", port_of(l));
	kid_start(&k, enter_new_netns, NULL);
	snprintf(pids, sizeof(pids), "%ld,%ld", (long)k.pid, (long)getpid());
	doc = list_json_of(&r, pids, "PID,FD,NAME");
	rows = json_get(doc, "descriptors");
	for (i = 0; rows && i < rows->n; i++) {
		const struct json *row = json_at(rows, i);

		if (json_int(row, "fd") != l)
			continue;
		ck_assert_msg(strcmp(json_str(row, "name"), want) == 0,
			      "pid %lld: %s", json_int(row, "pid"),
			      json_str(row, "name"));
		seen++;
	}
	ck_assert_int_eq(seen, 2);
	json_free(doc);
	run_result_release(&r);
	kid_stop(&k);
	close(l);
}
END_TEST

/* /proc/net/unix prints names raw: an abstract name holding a newline and
 * a line of its own making claims the test's TCP listener; a path with a
 * newline is cut there unless the next line is taken as the rest. */
START_TEST(test_proc_net_unix_names_cannot_forge_or_cut_entries)
{
	struct sockaddr_in in = { .sin_family = AF_INET };
	struct sockaddr_un fake = { .sun_family = AF_UNIX }, nl = { .sun_family = AF_UNIX };
	char dir[] = "/tmp/fdscope-nl-XXXXXX", want[64], pids[64], path[100];
	const struct json *row;
	struct run_result r, rn;
	struct json *doc, *docn;
	int l = socket(AF_INET, SOCK_STREAM, 0), a, b, z;
	socklen_t flen;
	struct kid k;

	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert(bind(l, (struct sockaddr *)&in, sizeof(in)) == 0 && listen(l, 1) == 0);
	snprintf(want, sizeof(want), "TCP 127.0.0.1:%d LISTEN", port_of(l));
	flen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
		(size_t)snprintf(fake.sun_path + 1, sizeof(fake.sun_path) - 1,
				 "x\n0000000000000000: 00000002 00000000 00010000 "
				 "0001 01 %llu /run/FAKE-sshd.sock", ino_of(l)));
	a = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert(bind(a, (struct sockaddr *)&fake, flen) == 0 && listen(a, 1) == 0);
	ck_assert(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/a\nb", dir);
	snprintf(nl.sun_path, sizeof(nl.sun_path), "%s", path);
	b = socket(AF_UNIX, SOCK_DGRAM, 0);
	ck_assert(bind(b, (struct sockaddr *)&nl, sizeof(nl)) == 0);
	/* "\0q\0r": /proc/net/unix prints "@q@r". */
	memset(&fake, 0, sizeof(fake));
	fake.sun_family = AF_UNIX;
	memcpy(fake.sun_path, "\0q\0r", 4);
	z = socket(AF_UNIX, SOCK_DGRAM, 0);
	ck_assert(bind(z, (struct sockaddr *)&fake,
		       (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 4)) == 0);
	kid_start(&k, NULL, NULL);
	snprintf(pids, sizeof(pids), "%ld", (long)k.pid);
	doc = list_json_of(&r, pids, "FD,NAME");
	setenv("FDSCOPE_NO_NETLINK", "1", 1);
	docn = list_json_of(&rn, pids, "FD,NAME");
	unsetenv("FDSCOPE_NO_NETLINK");
	kid_stop(&k);
	row = json_find_fd(docn, l);
	ck_assert(row != NULL);
	ck_assert_str_eq(json_str(row, "name"), want);
	ck_assert(strstr(rn.out, "FAKE") == NULL || strstr(json_str(json_find_fd(docn, a), "name"), "FAKE") != NULL);
	ck_assert_str_eq(json_str(json_find_fd(docn, b), "name"),
			 json_str(json_find_fd(doc, b), "name"));
	/* JSON carries the kernel's bytes (issue 14): the newline itself. */
	ck_assert(strstr(json_str(json_find_fd(doc, b), "name"), "a\nb") != NULL);
	/* netlink has the NUL (JSON's \u0000); the fallback says it cannot
	 * tell. */
	ck_assert(strstr(r.out, "\"UNIX-DGRAM @q\\u0000r unconnected\"") != NULL);
	ck_assert(strstr(json_str(json_find_fd(docn, z), "name"), "@q@r") != NULL);
	ck_assert(strstr(json_str(json_find_fd(docn, z), "name"), "may be a NUL") != NULL);
	json_free(doc);
	json_free(docn);
	run_result_release(&r);
	run_result_release(&rn);
	close(l);
	close(a);
	close(b);
	close(z);
	unlink(path);
	rmdir(dir);
}
END_TEST

/* A socket created in a namespace that no process is in any more: only a
 * descriptor of it tells where it is (SIOCGSKNS), so fdscope decodes it
 * among its own descriptors, and says it cannot for another process. */
START_TEST(test_socket_of_a_namespace_without_processes)
{
	char want[64], pidtext[32], name[40];
	struct run_result r;
	struct json *doc;
	const struct json *row;
	int sp[2], fd = -1, st;
	pid_t pid;

	snprintf(name, sizeof(name), "fdscope-orphan-%ld", (long)getpid());
	ck_assert(socketpair(AF_UNIX, SOCK_DGRAM, 0, sp) == 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		struct sockaddr_un un = { .sun_family = AF_UNIX };
		char cbuf[CMSG_SPACE(sizeof(int))], c = 'x';
		struct iovec iov = { &c, 1 };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
		struct cmsghdr *cm;
		int s;

		memcpy(un.sun_path + 1, name, strlen(name));
		if (unshare(CLONE_NEWNET) != 0 ||
		    (s = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
		    bind(s, (struct sockaddr *)&un, (socklen_t)(offsetof(struct sockaddr_un,
			 sun_path) + 1 + strlen(name))) != 0 || listen(s, 1) != 0)
			_exit(3);
		cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &s, sizeof(int));
		_exit(sendmsg(sp[1], &m, 0) == 1 ? 0 : 4);
	}
	{
		char cbuf[CMSG_SPACE(sizeof(int))], c;
		struct iovec iov = { &c, 1 };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };

		ck_assert_int_eq(recvmsg(sp[0], &m, 0), 1);
		ck_assert(CMSG_FIRSTHDR(&m) != NULL);
		memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(int));
	}
	ck_assert(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	snprintf(want, sizeof(want), "UNIX-STREAM @%s listening", name);
	run_fdscope(&r, "list", "-J", "-o", "FD,NAME", NULL);
	ck_assert_int_eq(r.status, 0);
	doc = json_parse(r.out);
	ck_assert(doc != NULL);
	row = json_find_fd(doc, fd);
	ck_assert(row != NULL);
	ck_assert_str_eq(json_str(row, "name"), want);
	json_free(doc);
	run_result_release(&r);
	snprintf(pidtext, sizeof(pidtext), "%ld", (long)getpid());
	doc = list_json_of(&r, pidtext, "FD,NAME");
	row = json_find_fd(doc, fd);
	ck_assert(row != NULL);
	ck_assert_msg(strstr(json_str(row, "name"), "in no network namespace") != NULL,
		      "name: %s", json_str(row, "name"));
	json_free(doc);
	run_result_release(&r);
	close(fd);
	close(sp[0]);
	close(sp[1]);
}
END_TEST

struct swapper {
	int a, b;
};

#define SWAP_FDS 200	/* 50 to 249 */

/* Replaces descriptor 50 with a file and a socket in turn until killed
 * (or orphaned, or 30 s). */
static void swap_forever(void *arg)
{
	struct swapper *s = arg;
	unsigned long i;

	for (i = 0;; i++) {
		dup2((i / SWAP_FDS) & 1 ? s->b : s->a, 50 + (int)(i % SWAP_FDS));
		if ((i & 1023) == 0 && getppid() == 1)
			_exit(0);
	}
}

static void swap_start(struct kid *k, struct swapper *s)
{
	k->pid = fork();
	ck_assert(k->pid >= 0);
	if (k->pid == 0) {
		alarm(30);
		swap_forever(s);
	}
	k->ctl = -1;
}

START_TEST(test_rows_describe_one_file_while_a_descriptor_is_replaced)
{
	char path[] = "/tmp/fdscope-swap-XXXXXX", pidtext[32];
	struct swapper s;
	struct kid k;
	int round, mixed = 0, seen = 0, st;
	unsigned long long fino, sino;
	char last_mixed[256] = "";

	s.a = mkstemp(path);
	s.b = socket(AF_UNIX, SOCK_DGRAM, 0);
	ck_assert(s.a >= 0 && s.b >= 0);
	/* The file's offset and flags differ from the socket's too. */
	ck_assert(write(s.a, "1234567", 7) == 7);
	ck_assert(fcntl(s.a, F_SETFL, O_APPEND) == 0);
	fino = ino_of(s.a);
	sino = ino_of(s.b);
	swap_start(&k, &s);
	snprintf(pidtext, sizeof(pidtext), "%ld", (long)k.pid);
	for (round = 0; round < 20; round++) {
		struct run_result r;
		struct json *doc = list_json_of(&r, pidtext,
						"FD,TYPE,INODE,NAME,POS,FLAGS");
		int fd;

		for (fd = 50; fd < 50 + SWAP_FDS; fd++) {
		const struct json *row = json_find_fd(doc, fd);

		if (row && json_str(row, "type") && json_str(row, "name")) {
			const char *type = json_str(row, "type");
			const char *name = json_str(row, "name");
			unsigned long long ino = (unsigned long long)json_int(row, "inode");

			bool bad;

			seen++;
			if (strcmp(type, "REG") == 0)
				bad = ino != fino || strcmp(name, path) != 0;
			else if (strcmp(type, "SOCK") == 0)
				bad = ino != sino || strncmp(name, "UNIX-DGRAM", 10) != 0;
			else
				bad = true;
			if (bad) {
				mixed++;
				snprintf(last_mixed, sizeof(last_mixed),
					 "%s %llu %s", type, ino, name);
			}
		}
		}
		json_free(doc);
		run_result_release(&r);
	}
	kill(k.pid, SIGKILL);
	ck_assert(waitpid(k.pid, &st, 0) == k.pid);
	ck_assert_msg(mixed == 0, "%d of %d rows mixed two files: %s", mixed,
		      seen, last_mixed);
	ck_assert_msg(seen > 0, "descriptor 50 was never listed");
	close(s.a);
	close(s.b);
	unlink(path);
}
END_TEST

/* The check behind the test above, on parts read from two files. */
START_TEST(test_entry_parts_from_two_files_disagree)
{
	struct fd_entry e;
	char link[64];
	int s = socket(AF_UNIX, SOCK_DGRAM, 0), f = open("/dev/null", O_RDONLY);
	struct stat ss, fs;

	ck_assert(s >= 0 && f >= 0 && fstat(s, &ss) == 0 && fstat(f, &fs) == 0);
	memset(&e, 0, sizeof(e));
	e.have_info = true;
	e.info.has_ino = true;
	/* fdinfo and the stat of the socket, the link of the file. */
	e.info.ino = ss.st_ino;
	e.st.st_ino = ss.st_ino;
	e.st.st_dev = ss.st_dev;
	e.st.st_mode = ss.st_mode;
	ck_assert_int_eq(fd_entry_agreement(&e, "/dev/null"), READ_KIND_DIFFERS);
	snprintf(link, sizeof(link), "socket:[%llu]", (unsigned long long)ss.st_ino);
	ck_assert_int_eq(fd_entry_agreement(&e, link), READ_AGREES);
	/* fdinfo of the file, link and stat of the socket. */
	e.info.ino = fs.st_ino;
	ck_assert_int_eq(fd_entry_agreement(&e, link), READ_KIND_DIFFERS);
	/* Two files' inodes: perhaps overlayfs, perhaps not. */
	e.st.st_ino = fs.st_ino + 1;
	e.st.st_dev = fs.st_dev;
	e.st.st_mode = fs.st_mode;
	ck_assert_int_eq(fd_entry_agreement(&e, "/dev/null"), READ_INO_DIFFERS);
	e.st.st_ino = fs.st_ino;
	ck_assert_int_eq(fd_entry_agreement(&e, "/dev/null"), READ_AGREES);
	/* The same inode number on another mount: another file. */
	e.info.has_mnt_id = true;
	e.info.mnt_id = 20;
	e.has_st_mnt_id = true;
	e.st_mnt_id = 21;
	ck_assert_int_eq(fd_entry_agreement(&e, "/dev/null"), READ_KIND_DIFFERS);
	e.st_mnt_id = 20;
	ck_assert_int_eq(fd_entry_agreement(&e, "/dev/null"), READ_AGREES);
	close(s);
	close(f);
}
END_TEST

#define DEEP_LEVELS 22	/* of 200 bytes: past PATH_MAX */

START_TEST(test_unlinked_file_past_path_max_is_named_and_deleted)
{
	char base[] = "/tmp/fdscope-deep-XXXXXX", part[201], pidtext[32];
	int dirs[DEEP_LEVELS + 1], i, f;
	const struct json *row, *del;
	struct run_result r;
	struct json *doc;
	struct kid k;

	ck_assert(mkdtemp(base) != NULL);
	memset(part, 'd', 200);
	part[200] = '\0';
	dirs[0] = open(base, O_RDONLY | O_DIRECTORY);
	for (i = 1; i <= DEEP_LEVELS; i++) {
		ck_assert(mkdirat(dirs[i - 1], part, 0700) == 0);
		dirs[i] = openat(dirs[i - 1], part, O_RDONLY | O_DIRECTORY);
		ck_assert(dirs[i] >= 0);
	}
	f = openat(dirs[DEEP_LEVELS], "f", O_RDWR | O_CREAT, 0600);
	ck_assert(f >= 0);
	ck_assert(unlinkat(dirs[DEEP_LEVELS], "f", 0) == 0);
	kid_start(&k, NULL, NULL);
	snprintf(pidtext, sizeof(pidtext), "%ld", (long)k.pid);
	doc = list_json_of(&r, pidtext, "FD,NAME,DELETED");
	row = json_find_fd(doc, f);
	ck_assert(row != NULL);
	ck_assert_msg(json_str(row, "name") != NULL &&
		      strstr(json_str(row, "name"), "longer than") != NULL,
		      "name: %s", json_str(row, "name"));
	del = json_get(row, "deleted");
	ck_assert(del != NULL && del->kind == JSON_BOOL && del->b);
	json_free(doc);
	run_result_release(&r);
	kid_stop(&k);
	close(f);
	for (i = DEEP_LEVELS; i >= 1; i--) {
		close(dirs[i]);
		ck_assert(unlinkat(dirs[i - 1], part, AT_REMOVEDIR) == 0);
	}
	close(dirs[0]);
	rmdir(base);
}
END_TEST

static int thread_pipe[2], thread_stop[2];

static void *thread_main(void *arg)
{
	pid_t tid = gettid();
	char c;

	(void)arg;
	if (write(thread_pipe[1], &tid, sizeof(tid)) != sizeof(tid))
		return NULL;
	while (read(thread_stop[0], &c, 1) > 0)
		;
	return NULL;
}

START_TEST(test_thread_id_is_shown_beside_its_process)
{
	pthread_t th;
	pid_t tid;
	char tidtext[32];
	struct run_result r;
	struct json *doc;
	const struct json *rows;
	size_t i;
	ck_assert(pipe2(thread_pipe, O_CLOEXEC) == 0 &&
		  pipe2(thread_stop, O_CLOEXEC) == 0);
	ck_assert(pthread_create(&th, NULL, thread_main, NULL) == 0);
	ck_assert(read(thread_pipe[0], &tid, sizeof(tid)) == sizeof(tid));
	ck_assert(tid != getpid());
	snprintf(tidtext, sizeof(tidtext), "%ld", (long)tid);
	doc = list_json_of(&r, tidtext, "PID,TID,FD");
	rows = json_get(doc, "descriptors");
	ck_assert(rows != NULL && rows->n > 0);
	for (i = 0; i < rows->n; i++) {
		ck_assert_int_eq(json_int(json_at(rows, i), "pid"), getpid());
		ck_assert_int_eq(json_int(json_at(rows, i), "tid"), tid);
	}
	json_free(doc);
	run_result_release(&r);
	run_fdscope(&r, "list", "-p", tidtext, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert(strncmp(r.out + strspn(r.out, " "), "PID   TID", 9) == 0);
	run_result_release(&r);
	close(thread_stop[1]);
	ck_assert(pthread_join(th, NULL) == 0);
	close(thread_stop[0]);
	close(thread_pipe[0]);
	close(thread_pipe[1]);
}
END_TEST

START_TEST(test_mountinfo_hidepid_options)
{
	static const char text[] =
		"22 1 0:5 / /proc rw,nosuid - proc proc rw\n"
		"40 22 0:6 / /mnt/p\\040q rw - proc proc rw,hidepid=invisible\n"
		"41 22 0:7 / /mnt/r rw - proc proc rw,hidepid=2,gid=5\n"
		"42 22 0:8 / /mnt/z rw - proc proc rw,hidepid=0\n"
		"43 22 0:8 / /mnt/r rw - tmpfs tmpfs rw,hidepid=2\n";

	ck_assert(!mountinfo_hidepid(text, strlen(text), "/proc"));
	ck_assert(mountinfo_hidepid(text, strlen(text), "/mnt/p q"));
	ck_assert(!mountinfo_hidepid(text, strlen(text), "/mnt/z"));
	/* A tmpfs mounted over it later hides that proc mount. */
	ck_assert(!mountinfo_hidepid(text, strlen(text), "/mnt/r"));
	ck_assert(mountinfo_hidepid(text, (size_t)(strstr(text, "43 ") - text),
				    "/mnt/r"));
}
END_TEST

/* As nobody, with a private proc mounted hidepid=2, the test (root's) is
 * hidden: fdscope says it may exist. */
START_TEST(test_hidden_pid_is_said_to_be_hidden)
{
	char dir[] = "/tmp/fdscope-hidepid-XXXXXX", pidtext[32], err[4096];
	int errp[2], st;
	ssize_t n, len = 0;
	pid_t pid;

	ck_assert(mkdtemp(dir) != NULL);
	snprintf(pidtext, sizeof(pidtext), "%ld", (long)getpid());
	ck_assert(pipe(errp) == 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		char bin[4096], list[] = "list", p[] = "-p";
		char *argv[] = { bin, list, p, pidtext, NULL };

		snprintf(bin, sizeof(bin), "%s", fdscope_bin());
		dup2(errp[1], 2);
		if (unshare(CLONE_NEWNS) != 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
		    mount("proc", dir, "proc", 0, "hidepid=2") != 0 ||
		    setgid(65534) != 0 || setuid(65534) != 0)
			_exit(99);
		setenv("FDSCOPE_PROC_ROOT", dir, 1);
		execv(argv[0], argv);
		_exit(98);
	}
	close(errp[1]);
	while ((n = read(errp[0], err + len, sizeof(err) - 1 - (size_t)len)) > 0)
		len += n;
	err[len] = '\0';
	close(errp[0]);
	ck_assert(waitpid(pid, &st, 0) == pid);
	rmdir(dir);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status %d: %s", st, err);
	ck_assert_msg(strstr(err, "hidepid") != NULL, "stderr: %s", err);
	ck_assert(strchr(err, '\n') == err + len - 1);
}
END_TEST

START_TEST(test_unknown_names_are_echoed_cut)
{
	size_t n = 100000;
	char *cols = malloc(n + 1);
	struct run_result r;

	memset(cols, 'X', n);
	cols[n] = '\0';
	run_fdscope(&r, "list", "-o", cols, NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert_msg(r.err_len < 300, "%zu bytes on stderr", r.err_len);
	ck_assert(strstr(r.err, "XXXXXXXXXXXXXXXX") != NULL);
	run_result_release(&r);
	/* Every other echo of an argument is cut the same way.  An operand
	 * of list is a PATH selection (issue 12): one that cannot be looked
	 * up is a runtime failure. */
	run_fdscope(&r, "list", cols, NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert(strstr(r.err, "XXXXXXXXXXXXXXXX...'") != NULL);
	ck_assert_msg(r.err_len < 300, "%zu bytes on stderr", r.err_len);
	run_result_release(&r);
	run_fdscope(&r, cols, NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert_msg(r.err_len < 300, "%zu bytes on stderr", r.err_len);
	run_result_release(&r);
	memcpy(cols, "--", 2);
	run_fdscope(&r, "list", cols, NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert_msg(r.err_len < 300, "%zu bytes on stderr", r.err_len);
	run_result_release(&r);
	free(cols);
}
END_TEST

/* Looking up the listed unix sockets by inode and dumping them all give
 * the same rows, peers and holders included. */
START_TEST(test_unix_lookups_by_inode_match_the_dump)
{
	struct holder h;
	char pidtext[32];
	struct run_result exact, dump;

	holder_start(&h, "sockholder", NULL);
	snprintf(pidtext, sizeof(pidtext), "%ld", (long)h.pid);
	setenv("FDSCOPE_UNIX_LOOKUP", "exact", 1);
	run_fdscope(&exact, "list", "-p", pidtext, "-J", "-o",
		    "FD,TYPE,SOCK.PROTO,NAME,LADDR,RADDR,STATE,SOCK.PEER", NULL);
	setenv("FDSCOPE_UNIX_LOOKUP", "dump", 1);
	run_fdscope(&dump, "list", "-p", pidtext, "-J", "-o",
		    "FD,TYPE,SOCK.PROTO,NAME,LADDR,RADDR,STATE,SOCK.PEER", NULL);
	unsetenv("FDSCOPE_UNIX_LOOKUP");
	holder_stop(&h);
	ck_assert_int_eq(exact.status, 0);
	ck_assert_int_eq(dump.status, 0);
	ck_assert(strstr(dump.out, "UNIX-STREAM /") != NULL);
	ck_assert(strstr(dump.out, "UNIX-STREAM @") != NULL);
	ck_assert_str_eq(exact.out, dump.out);
	run_result_release(&exact);
	run_result_release(&dump);
}
END_TEST

/* Runs fdscope on a pseudo-terminal cols wide; returns its output with
 * colour sequences and carriage returns taken out. */
static char *run_on_pty(int cols, char *const argv[])
{
	struct winsize ws = { .ws_row = 24, .ws_col = (unsigned short)cols };
	size_t len = 0, cap = 1 << 16;
	char *out = malloc(cap), *clean;
	int master, slave, st;
	size_t i, o = 0;
	pid_t pid;

	ck_assert(openpty(&master, &slave, NULL, NULL, &ws) == 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		close(master);
		dup2(slave, 1);
		dup2(slave, 2);
		unsetenv("NO_COLOR");
		execv(argv[0], argv);
		_exit(98);
	}
	close(slave);
	for (;;) {
		ssize_t n;

		if (len + 4096 > cap)
			out = realloc(out, cap *= 2);
		n = read(master, out + len, cap - len - 1);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(master);
	ck_assert(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	clean = malloc(len + 1);
	for (i = 0; i < len; i++) {
		if (out[i] == '\033') {
			while (i < len && out[i] != 'm')
				i++;
			continue;
		}
		if (out[i] != '\r')
			clean[o++] = out[i];
	}
	clean[o] = '\0';
	free(out);
	return clean;
}

static size_t longest_line(const char *s)
{
	size_t best = 0;

	while (*s) {
		size_t n = strcspn(s, "\n");

		if (n > best)
			best = n;
		s += n + (s[n] == '\n');
	}
	return best;
}

START_TEST(test_terminal_cuts_cells_to_its_width_unless_notruncate)
{
	char path[300] = "/tmp/fdscope-wide-", pidtext[32];
	char *cut, *whole;
	int f;

	memset(path + strlen(path), 'w', 200);
	ck_assert((f = open(path, O_RDWR | O_CREAT, 0600)) >= 0);
	snprintf(pidtext, sizeof(pidtext), "%ld", (long)getpid());
	{
		char bin[4096], list[] = "list", p[] = "-p", nt[] = "--notruncate";
		char *argv[] = { bin, list, p, pidtext, NULL };
		char *argv2[] = { bin, list, p, pidtext, nt, NULL };

		snprintf(bin, sizeof(bin), "%s", fdscope_bin());
		cut = run_on_pty(70, argv);
		whole = run_on_pty(70, argv2);
	}
	ck_assert_msg(longest_line(cut) <= 70, "%zu columns:\n%s", longest_line(cut), cut);
	ck_assert(strstr(cut, "NAME") != NULL);
	ck_assert(strstr(cut, path) == NULL);
	ck_assert(strstr(whole, path) != NULL);
	ck_assert(longest_line(whole) > 200);
	/* One line per descriptor: nothing wrapped. */
	ck_assert(strchr(strstr(whole, path), '\n') != NULL);
	free(cut);
	free(whole);
	close(f);
	unlink(path);
}
END_TEST

static void open_many(void *arg)
{
	const char *path = arg;
	int i;

	for (i = 0; i < 1500; i++)
		if (open("/dev/null", O_RDONLY) < 0)
			_exit(2);
	if (open(path, O_RDONLY) < 0)
		_exit(2);
}

/* Off a terminal, through the block printer (over 1024 rows) and with
 * the several-process columns: one long name adds its own length, not
 * its length to every row. */
START_TEST(test_off_terminal_long_name_pads_no_row)
{
	char path[4096], base[] = "/tmp/fdscope-long-XXXXXX", pids[64];
	struct run_result r;
	size_t lines = 0, longest = 0, len;
	const char *s;
	struct kid k;
	int f, i;

	ck_assert(mkdtemp(base) != NULL);
	len = (size_t)snprintf(path, sizeof(path), "%s", base);
	for (i = 0; i < 15; i++) {
		path[len++] = '/';
		memset(path + len, 'l', 200);
		len += 200;
		path[len] = '\0';
		ck_assert(mkdir(path, 0700) == 0);
	}
	snprintf(path + len, sizeof(path) - len, "/f");
	ck_assert((f = open(path, O_RDWR | O_CREAT, 0600)) >= 0);
	close(f);
	kid_start(&k, open_many, path);
	snprintf(pids, sizeof(pids), "%ld,%ld", (long)k.pid, (long)getpid());
	run_fdscope(&r, "list", "-p", pids, NULL);
	kid_stop(&k);
	unlink(path);
	for (i = 0; i < 15; i++) {
		path[len] = '\0';
		ck_assert(rmdir(path) == 0);
		len -= 201;
	}
	rmdir(base);
	ck_assert_int_eq(r.status, 0);
	ck_assert(strstr(r.out, path) != NULL);
	for (s = r.out; *s; ) {
		size_t n = strcspn(s, "\n");

		/* A multi-line ENDPOINTS cell's later lines (blank up to that
		 * column) keep its padding; no other line has any. */
		ck_assert_msg(n == 0 || s[n - 1] != ' ' || strspn(s, " ") >= 20,
			      "padded line: %.*s", (int)(n > 100 ? 100 : n), s);
		if (n < 3000 && n > longest)
			longest = n;
		lines++;
		s += n + (s[n] == '\n');
	}
	ck_assert(lines > 1500);
	/* Every other row stays short. */
	ck_assert_msg(r.out_len < lines * (longest + 1) + 3100,
		      "%zu bytes for %zu lines", r.out_len, lines);
	run_result_release(&r);
}
END_TEST

/* The holders of a pipe as the kernel lists them: every (PID, FD) of the
 * given processes whose descriptor is that inode, "PID,COMM,FDm" with m
 * the access mode from fdinfo. */
static size_t kernel_holders(const pid_t *pids, size_t npids,
			     unsigned long long ino, char out[][64], pid_t *opid,
			     int *ofd, size_t max)
{
	size_t n = 0, i;

	for (i = 0; i < npids; i++) {
		char path[128], comm[24] = "", info[512];
		FILE *f;
		int fd;

		snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pids[i]);
		f = fopen(path, "r");
		ck_assert(f != NULL && fgets(comm, sizeof(comm), f) != NULL);
		fclose(f);
		comm[strcspn(comm, "\n")] = '\0';
		for (fd = 0; fd < 64; fd++) {
			struct stat st;
			unsigned int flags = 0;
			char *fl;

			snprintf(path, sizeof(path), "/proc/%ld/fd/%d", (long)pids[i], fd);
			if (stat(path, &st) != 0 || st.st_ino != ino || !S_ISFIFO(st.st_mode))
				continue;
			snprintf(path, sizeof(path), "/proc/%ld/fdinfo/%d", (long)pids[i], fd);
			f = fopen(path, "r");
			ck_assert(f != NULL);
			info[fread(info, 1, sizeof(info) - 1, f)] = '\0';
			fclose(f);
			fl = strstr(info, "flags:");
			ck_assert(fl != NULL && sscanf(fl, "flags: %o", &flags) == 1);
			ck_assert(n < max);
			snprintf(out[n], 64, "%ld,%.16s,%d%c", (long)pids[i], comm, fd,
				 "rwu"[flags & O_ACCMODE]);
			opid[n] = pids[i];
			ofd[n] = fd;
			n++;
		}
	}
	return n;
}

/* ENDPOINTS holds one holder a line: a JSON array of the other holders
 * the kernel shows (this process too: ENDPOINTS looks across the
 * machine), one line each in a table (so the column is as wide as one
 * holder), and \x0a between them in raw output. */
START_TEST(test_endpoints_one_holder_a_line)
{
	char want[16][64], pidtext[64], line[4096];
	pid_t pids[4], hpid[16];
	int shared[2], hfd[16];
	struct kid k[3];
	struct run_result r, t, raw;
	struct json *doc;
	size_t n, i, j, found = 0, maxend = 0, longest = 0;
	const char *s;

	ck_assert(pipe(shared) == 0);
	for (i = 0; i < 3; i++) {
		kid_start(&k[i], NULL, NULL);
		pids[i] = k[i].pid;
	}
	snprintf(pidtext, sizeof(pidtext), "%ld,%ld,%ld", (long)pids[0],
		 (long)pids[1], (long)pids[2]);
	pids[3] = getpid();
	n = kernel_holders(pids, 4, ino_of(shared[0]), want, hpid, hfd, 16);
	ck_assert_uint_eq(n, 8);
	doc = list_json_of(&r, pidtext, "pid,fd,endpoints");
	run_fdscope(&t, "list", "-p", pidtext, "-o", "PID,FD,ENDPOINTS,NAME", NULL);
	run_fdscope(&raw, "list", "-p", pidtext, "-r", "-o", "PID,FD,ENDPOINTS", NULL);
	/* The last first: later kids hold copies of earlier kids' control
	 * pipes. */
	for (i = 3; i-- > 0; )
		kid_stop(&k[i]);
	close(shared[0]);
	close(shared[1]);
	/* The kids' rows: the first 6 holders (this process comes last). */
	for (i = 0; i < 6; i++) {
		const struct json *rows = json_get(doc, "descriptors"), *row = NULL, *ends;
		size_t x;

		for (x = 0; rows && x < rows->n; x++)
			if (json_int(rows->items[x], "pid") == hpid[i] &&
			    json_int(rows->items[x], "fd") == hfd[i])
				row = rows->items[x];
		ck_assert_msg(row != NULL, "no row for %s", want[i]);
		ends = json_get(row, "endpoints");
		ck_assert(ends != NULL && ends->kind == JSON_ARRAY);
		ck_assert_uint_eq(ends->n, n - 1);
		/* Every other holder once, never the row itself. */
		for (j = 0; j < n; j++) {
			size_t hits = 0;

			for (x = 0; x < ends->n; x++)
				hits += ends->items[x]->kind == JSON_STRING &&
					strcmp(ends->items[x]->str, want[j]) == 0;
			ck_assert_msg(hits == (i == j ? 0 : 1), "%s in %s's endpoints %zu times",
				      want[j], want[i], hits);
		}
		if (strlen(want[i]) > maxend)
			maxend = strlen(want[i]);
	}
	/* The table: each holder on a line of its own, 6 rows of 7. */
	ck_assert_int_eq(t.status, 0);
	for (s = t.out; *s; ) {
		size_t len = strcspn(s, "\n"), hits = 0;

		snprintf(line, sizeof(line), "%.*s", (int)len, s);
		for (j = 0; j < n; j++) {
			char *at = strstr(line, want[j]);

			/* A whole entry: "1,x,3r" is not in "1,x,3r..." */
			if (at && (at[strlen(want[j])] == ' ' || at[strlen(want[j])] == '\0'))
				hits++;
		}
		ck_assert_msg(hits <= 1, "several holders on one line: %s", line);
		found += hits;
		if (len > longest)
			longest = len;
		s += len + (s[len] == '\n');
	}
	ck_assert_uint_eq(found, 6 * (n - 1));
	/* PID, FD, one holder and a short NAME: not five holders side by side. */
	ck_assert_msg(longest <= 2 * maxend + 40, "a line of %zu bytes (one holder: %zu)",
		      longest, maxend);
	/* Raw: one line per row, the holders joined by an escaped newline. */
	ck_assert_int_eq(raw.status, 0);
	snprintf(line, sizeof(line), "%ld %d ", (long)hpid[0], hfd[0]);
	s = strstr(raw.out, line);
	ck_assert_msg(s != NULL, "no raw row '%s' in %s", line, raw.out);
	snprintf(line, sizeof(line), "%s\\x0a%s", want[1], want[2]);
	ck_assert_msg(strncmp(strchr(s, ' ') + 1 + strcspn(strchr(s, ' ') + 1, " ") + 1,
			      line, strlen(line)) == 0, "raw row: %.200s", s);
	json_free(doc);
	run_result_release(&r);
	run_result_release(&t);
	run_result_release(&raw);
}
END_TEST

Suite *listscale_suite(void)
{
	Suite *s = suite_create("listscale");
	TCase *tc = tcase_create("listscale");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_every_socket_protocol_is_named_by_the_kernel);
	tcase_add_test(tc, test_socket_inode_counts_only_on_sockfs);
	tcase_add_test(tc, test_o_path_of_a_socket_file_names_the_path);
	tcase_add_test_if("listscale", tc, geteuid() == 0,
			  test_socket_of_another_namespace_is_decoded_on_every_holder,
			  "unshare(CLONE_NEWNET) needs root");
	tcase_add_test_if("listscale", tc, geteuid() == 0,
			  test_socket_of_a_namespace_without_processes,
			  "unshare(CLONE_NEWNET) needs root");
	tcase_add_test(tc, test_proc_net_unix_names_cannot_forge_or_cut_entries);
	tcase_add_test(tc, test_rows_describe_one_file_while_a_descriptor_is_replaced);
	tcase_add_test(tc, test_entry_parts_from_two_files_disagree);
	tcase_add_test(tc, test_unlinked_file_past_path_max_is_named_and_deleted);
	tcase_add_test(tc, test_thread_id_is_shown_beside_its_process);
	tcase_add_test(tc, test_mountinfo_hidepid_options);
	tcase_add_test_if("listscale", tc, geteuid() == 0,
			  test_hidden_pid_is_said_to_be_hidden,
			  "mounting proc needs root");
	tcase_add_test(tc, test_unknown_names_are_echoed_cut);
	tcase_add_test(tc, test_unix_lookups_by_inode_match_the_dump);
	tcase_add_test(tc, test_terminal_cuts_cells_to_its_width_unless_notruncate);
	tcase_add_test(tc, test_off_terminal_long_name_pads_no_row);
	tcase_add_test(tc, test_endpoints_one_holder_a_line);
	suite_add_tcase(s, tc);
	return s;
}
