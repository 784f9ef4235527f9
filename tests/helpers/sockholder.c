/* A process holding one socket of every kind `list` decodes: TCP listening,
 * connected and accepted on 127.0.0.1, TCP listening on ::1, UDP bound and
 * UDP connected, unix stream listening/connected/accepted on a path, unix
 * datagram on a path, a socketpair, an abstract listening socket, and a
 * pipe.  Prints "ready NAME=FD ..." and waits until its stdin closes (at
 * most 60 s); removes its socket directory on the way out.
 * `sockholder netns`: in a network namespace of its own, a UDP socket and
 * an abstract unix socket only ("unshare-failed" when not permitted). */
#include <netinet/in.h>
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static int sock(int family, int type)
{
	int fd = socket(family, type, 0);

	if (fd < 0)
		die("socket");
	return fd;
}

static void bind_listen(int fd, const struct sockaddr *sa, socklen_t len,
			int backlog)
{
	if (bind(fd, sa, len) < 0)
		die("bind");
	if (backlog > 0 && listen(fd, backlog) < 0)
		die("listen");
}

static socklen_t unix_addr(struct sockaddr_un *un, const char *path,
			   bool abstract)
{
	memset(un, 0, sizeof(*un));
	un->sun_family = AF_UNIX;
	if (abstract) {
		snprintf(un->sun_path + 1, sizeof(un->sun_path) - 1, "%s", path);
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
				   strlen(path));
	}
	snprintf(un->sun_path, sizeof(un->sun_path), "%s", path);
	return (socklen_t)sizeof(*un);
}

static void wait_for_stdin(void)
{
	struct pollfd pf = { 0, POLLIN, 0 };
	char buf[64];

	while (poll(&pf, 1, 60000) > 0 && read(0, buf, sizeof(buf)) > 0)
		;
}

static int own_netns(void)
{
	struct sockaddr_in in = { .sin_family = AF_INET };
	struct sockaddr_un un;
	int u, ab;

	if (unshare(CLONE_NEWNET) < 0) {
		printf("ready unshare-failed errno=%d\n", errno);
		fflush(stdout);
		wait_for_stdin();
		return 0;
	}
	u = sock(AF_INET, SOCK_DGRAM);
	bind_listen(u, (struct sockaddr *)&in, sizeof(in), 0);
	ab = sock(AF_UNIX, SOCK_STREAM);
	bind_listen(ab, (struct sockaddr *)&un, unix_addr(&un, "fdscope-netns", true), 4);
	printf("ready udp=%d abstract_listen=%d\n", u, ab);
	fflush(stdout);
	wait_for_stdin();
	return 0;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/sockholder-XXXXXX", spath[64], dpath[64], abs_name[64];
	struct sockaddr_in in = { .sin_family = AF_INET };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6 };
	struct sockaddr_storage ss;
	struct sockaddr_un un;
	socklen_t len;
	int tl, tc, ta, t6, u, uc, ul, ucl, ua, ud, pair[2], ab, abc, aba, p[2];
	if (argc > 1 && strcmp(argv[1], "netns") == 0)
		return own_netns();
	if (mkdtemp(dir) == NULL)
		die("mkdtemp");
	snprintf(spath, sizeof(spath), "%s/stream.sock", dir);
	snprintf(dpath, sizeof(dpath), "%s/dgram.sock", dir);
	snprintf(abs_name, sizeof(abs_name), "fdscope-test-%ld", (long)getpid());

	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	tl = sock(AF_INET, SOCK_STREAM);
	bind_listen(tl, (struct sockaddr *)&in, sizeof(in), 4);
	len = sizeof(ss);
	getsockname(tl, (struct sockaddr *)&ss, &len);
	tc = sock(AF_INET, SOCK_STREAM);
	if (connect(tc, (struct sockaddr *)&ss, len) < 0)
		die("connect tcp");
	ta = accept(tl, NULL, NULL);
	if (ta < 0)
		die("accept tcp");

	in6.sin6_addr = in6addr_loopback;
	t6 = sock(AF_INET6, SOCK_STREAM);
	bind_listen(t6, (struct sockaddr *)&in6, sizeof(in6), 4);

	u = sock(AF_INET, SOCK_DGRAM);
	bind_listen(u, (struct sockaddr *)&in, sizeof(in), 0);
	len = sizeof(ss);
	getsockname(u, (struct sockaddr *)&ss, &len);
	uc = sock(AF_INET, SOCK_DGRAM);
	if (connect(uc, (struct sockaddr *)&ss, len) < 0)
		die("connect udp");

	ul = sock(AF_UNIX, SOCK_STREAM);
	len = unix_addr(&un, spath, false);
	bind_listen(ul, (struct sockaddr *)&un, len, 4);
	ucl = sock(AF_UNIX, SOCK_STREAM);
	if (connect(ucl, (struct sockaddr *)&un, len) < 0)
		die("connect unix");
	ua = accept(ul, NULL, NULL);
	if (ua < 0)
		die("accept unix");

	ud = sock(AF_UNIX, SOCK_DGRAM);
	len = unix_addr(&un, dpath, false);
	bind_listen(ud, (struct sockaddr *)&un, len, 0);

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) < 0)
		die("socketpair");

	ab = sock(AF_UNIX, SOCK_STREAM);
	len = unix_addr(&un, abs_name, true);
	bind_listen(ab, (struct sockaddr *)&un, len, 4);
	abc = sock(AF_UNIX, SOCK_STREAM);
	if (connect(abc, (struct sockaddr *)&un, len) < 0)
		die("connect abstract");
	aba = accept(ab, NULL, NULL);
	if (aba < 0)
		die("accept abstract");

	if (pipe(p) < 0)
		die("pipe");

	printf("ready tcp_listen=%d tcp_client=%d tcp_accepted=%d tcp6_listen=%d "
	       "udp=%d udp_connected=%d unix_listen=%d unix_client=%d "
	       "unix_accepted=%d unix_dgram=%d pair_a=%d pair_b=%d "
	       "abstract_listen=%d abstract_client=%d abstract_accepted=%d "
	       "pipe_r=%d pipe_w=%d\n", tl, tc, ta, t6, u, uc, ul, ucl, ua, ud,
	       pair[0], pair[1], ab, abc, aba, p[0], p[1]);
	fflush(stdout);
	wait_for_stdin();
	unlink(spath);
	unlink(dpath);
	rmdir(dir);
	return 0;
}
