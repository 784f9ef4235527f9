/* `fdscope connect`: the article's client.  Resolve with getaddrinfo,
 * connect within a timeout, print the greeting, send the message, shut
 * down the write side and print whatever else arrives until the end of
 * the stream.  Every call is shown with what the kernel returned. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli/command.h"
#include "lib/caps.h"
#include "lib/util.h"
#include "out/escape.h"
#include "net/netaddr.h"
#include "net/sock.h"

#define CONNECT_DEFAULT_MESSAGE "Message sent from client-side."
#define SHOW_MAX 4096		/* bytes received that are printed */

struct connect_control {
	const char *host, *port, *unix_path, *message;
	bool udp, help;
	long long timeout_ms;
	unsigned long long received, shown;	/* bytes, for the print cap */
};

/* Waits for data within the time left; 1 ready, 0 timeout, -1 error. */
static int wait_readable(int fd, long long deadline)
{
	struct pollfd p = { fd, POLLIN, 0 };
	int rc;

	do {
		long long left = deadline - net_now_ms();

		rc = poll(&p, 1, left > 0 ? (int)left : 0);
	} while (rc < 0 && errno == EINTR);
	return rc;
}

/* One recv, shown up to the print cap; returns its result (-1 with
 * errno, -2 on timeout). */
static ssize_t show_recv(struct connect_control *ctl, int fd,
			 long long deadline, const char *what)
{
	char buf[4096];
	ssize_t r;
	size_t show;
	char *esc;

	if (wait_readable(fd, deadline) == 0)
		return -2;
	do
		r = recv(fd, buf, sizeof(buf), 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -1;
	if (r == 0) {
		printf("recv(%d, %zu) = 0 (end of stream: the server closed)\n",
		       fd, sizeof(buf));
		return 0;
	}
	ctl->received += (unsigned long long)r;
	if (ctl->shown >= SHOW_MAX)
		return r;
	/* A server that streams without end must not flood the terminal:
	 * what is past the cap is counted, not printed. */
	show = (size_t)r;
	if (ctl->shown + show > SHOW_MAX)
		show = (size_t)(SHOW_MAX - ctl->shown);
	ctl->shown += show;
	esc = escape_bytes(buf, show);
	printf("recv(%d, %zu) = %zd \"%s\"%s\n", fd, sizeof(buf), r, esc, what);
	if (show < (size_t)r)
		printf("(%zd bytes, %zu shown: received data past %d bytes is "
		       "counted, not printed)\n", r, show, SHOW_MAX);
	free(esc);
	return r;
}

static int send_message(const struct connect_control *ctl, int fd)
{
	size_t len = strlen(ctl->message), off = 0;
	char *esc = escape_str(ctl->message);

	while (off < len) {
		ssize_t w = send(fd, ctl->message + off, len - off, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			warn("send on descriptor %d", fd);
			free(esc);
			return -1;
		}
		off += (size_t)w;
	}
	printf("send(%d, \"%s\") = %zu\n", fd, esc, len);
	free(esc);
	return 0;
}

static int open_connection(const struct connect_control *ctl, char *peer,
			   size_t peerlen)
{
	char why[NETADDR_STRLEN + 256];
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd;

	if (ctl->unix_path) {
		socklen_t ulen;

		/* The path as the user gave it, escaped, names the peer in
		 * every message below. */
		escape_into(peer, peerlen, ctl->unix_path,
			    strlen(ctl->unix_path));
		if (net_unix_addr(ctl->unix_path, &ss, &ulen) < 0) {
			warnx("cannot use '%s' as a unix socket path: empty or "
			      "too long", peer);
			return -1;
		}
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			warn("socket");
			return -1;
		}
		if (net_connect_timeout(fd, (struct sockaddr *)&ss, ulen,
					(int)ctl->timeout_ms) < 0) {
			warnx("cannot connect to %s: %s%s", peer, strerror(errno),
			      net_hint_for((struct sockaddr *)&ss, errno,
					   false));
			close(fd);
			return -1;
		}
	} else {
		fd = net_connect_inet(ctl->host, ctl->port, SOCK_STREAM,
				      (int)ctl->timeout_ms, why, sizeof(why));
		if (fd < 0) {
			warnx("%s", why);
			return -1;
		}
		if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0)
			netaddr_format((struct sockaddr *)&ss, len, peer, peerlen);
	}
	return fd;
}

static const char *recv_failure(ssize_t r)
{
	if (r == -2)
		return "no answer within the timeout (--timeout)";
	if (errno == ECONNREFUSED)
		return "connection refused: nothing is listening there";
	return strerror(errno);
}

/* UDP: connect only records the peer; the server answers a datagram. */
static int exchange_dgram(struct connect_control *ctl, int fd,
			  const char *peer, bool last)
{
	long long deadline;
	ssize_t r;

	printf("connect(%d, %s) = 0 (UDP: only sets the default peer)\n", fd, peer);
	if (send_message(ctl, fd) < 0)
		return EXIT_FAIL;
	deadline = net_now_ms() + ctl->timeout_ms;
	r = show_recv(ctl, fd, deadline, "");
	if (r < 0) {
		warnx("no reply from %s: %s%s", peer, recv_failure(r),
		      last ? "" : "; trying the next address");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* Every address the name resolves to, in getaddrinfo's order, until one
 * answers: connect() of a datagram socket succeeds whatever is there, so
 * only a reply tells that the server is on this address. */
static int udp_every_address(struct connect_control *ctl)
{
	struct addrinfo *res = NULL, *ai;
	const char *why;
	int ret = EXIT_FAIL;

	if (netaddr_resolve(ctl->host, ctl->port, AF_UNSPEC, SOCK_DGRAM, 0,
			    &res, &why) < 0) {
		char *esc = escape_str(ctl->host);

		warnx("cannot resolve '%s': %s", esc, why);
		free(esc);
		return EXIT_FAIL;
	}
	for (ai = res; ai != NULL && ret != EXIT_OK; ai = ai->ai_next) {
		char peer[NETADDR_STRLEN];
		int fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		netaddr_format(ai->ai_addr, ai->ai_addrlen, peer, sizeof(peer));
		if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
			warn("cannot connect to %s", peer);
			if (fd >= 0)
				close(fd);
			continue;
		}
		ret = exchange_dgram(ctl, fd, peer, ai->ai_next == NULL);
		printf("close(%d) = %d\n", fd, close(fd));
	}
	freeaddrinfo(res);
	return ret;
}

static int exchange_stream(struct connect_control *ctl, int fd,
			   const char *peer)
{
	long long deadline = net_now_ms() + ctl->timeout_ms;
	ssize_t r;
	int rc;

	printf("connect(%d, %s) = 0\n", fd, peer);
	r = show_recv(ctl, fd, deadline, " (the greeting)");
	if (r == -2)
		printf("(no greeting within the timeout)\n");
	else if (r < 0) {
		warnx("cannot read from %s: %s", peer, recv_failure(r));
		return EXIT_FAIL;
	}
	if (r != 0) {
		if (send_message(ctl, fd) < 0)
			return EXIT_FAIL;
		rc = shutdown(fd, SHUT_WR);
		if (rc < 0)
			printf("shutdown(%d, SHUT_WR) = -1 %s (%s)\n", fd,
			       strerrorname_np(errno) ? strerrorname_np(errno) :
			       "?", strerror(errno));
		else
			printf("shutdown(%d, SHUT_WR) = 0\n", fd);
	}
	/* The rest must end within one timeout, however fast it comes: a
	 * server that never stops sending does not keep fdscope forever. */
	deadline = net_now_ms() + ctl->timeout_ms;
	while (r != 0) {
		const char *why;

		r = show_recv(ctl, fd, deadline, "");
		if (r > 0 && net_now_ms() < deadline)
			continue;
		if (r == 0)
			break;
		why = r > 0 ? "it kept sending for the whole timeout "
			"(--timeout)" : recv_failure(r);
		if (ctl->received > ctl->shown)
			warnx("%s did not close the connection: %s (%llu bytes "
			      "received, %llu not printed)", peer, why,
			      ctl->received, ctl->received - ctl->shown);
		else
			warnx("%s did not close the connection: %s", peer, why);
		return EXIT_FAIL;
	}
	if (ctl->received > ctl->shown)
		printf("(%llu bytes received in all, %llu not printed)\n",
		       ctl->received, ctl->received - ctl->shown);
	return EXIT_OK;
}

static int bad_proto(const char *arg)
{
	char *esc = escape_str(arg);

	cmd_usage_error(&cmd_connect, "invalid --proto '%s': use tcp or udp", esc);
	free(esc);
	return EXIT_USAGE;
}

enum { OPT_UNIX = 0x100 };
static const struct option connect_longopts[] = {
	{ "proto", required_argument, NULL, 'P' },
	{ "message", required_argument, NULL, 'm' },
	{ "timeout", required_argument, NULL, 't' },
	{ "unix", required_argument, NULL, OPT_UNIX },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
static const char connect_shortopts[] = ":P:m:t:h";

static int parse_args(struct connect_control *ctl, int argc, char **argv)
{
	long long port;
	int c;

	while ((c = getopt_long(argc, argv, connect_shortopts, connect_longopts,
				NULL)) != -1) {
		switch (c) {
		case 'P':
			if (strcmp(optarg, "tcp") == 0)
				ctl->udp = false;
			else if (strcmp(optarg, "udp") == 0)
				ctl->udp = true;
			else
				return bad_proto(optarg);
			break;
		case 'm':
			ctl->message = optarg;
			break;
		case 't':
			if (cli_opt_seconds(&cmd_connect, "--timeout", optarg, 1,
					    86400000, &ctl->timeout_ms) < 0)
				return EXIT_USAGE;
			break;
		case OPT_UNIX:
			ctl->unix_path = optarg;
			break;
		case 'h':
			ctl->help = true;
			return EXIT_OK;
		default:
			return cmd_bad_option(&cmd_connect, argv, c);
		}
	}
	argc -= optind;
	argv += optind;
	if (ctl->unix_path) {
		if (argc > 0)
			return cmd_usage_error(&cmd_connect, "--unix PATH takes no "
					       "HOST or PORT");
		if (ctl->udp)
			return cmd_usage_error(&cmd_connect, "--unix connects a "
					       "stream socket; --proto does not apply");
		return EXIT_OK;
	}
	if (argc != 2)
		return cmd_usage_error(&cmd_connect, "expected HOST and PORT "
				       "(or --unix PATH)");
	if (cli_opt_ll(&cmd_connect, "PORT", argv[1], 1, 65535, &port) < 0)
		return EXIT_USAGE;
	ctl->host = argv[0];
	ctl->port = argv[1];
	return EXIT_OK;
}

static int connect_run(const struct cli_env *env, int argc, char **argv)
{
	struct connect_control ctl = {
		.message = CONNECT_DEFAULT_MESSAGE, .timeout_ms = 5000,
	};
	char peer[NETADDR_STRLEN] = "?";
	int fd = -1, ret;

	(void)env;
	ret = parse_args(&ctl, argc, argv);
	if (ret != EXIT_OK || ctl.help)
		return ctl.help ? cmd_help(&cmd_connect) : ret;
	/* A client binds nothing privileged: it needs no capability. */
	if (caps_drop_for_net(false) < 0)
		warn("cannot drop capabilities");
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (ctl.udp)
		return udp_every_address(&ctl);
	fd = open_connection(&ctl, peer, sizeof(peer));
	if (fd < 0)
		return EXIT_FAIL;
	ret = exchange_stream(&ctl, fd, peer);
	printf("close(%d) = %d\n", fd, close(fd));
	return ret;
}

const struct command cmd_connect = {
	.name = "connect",
	.run = connect_run,
	.longopts = connect_longopts,
	.shortopts = connect_shortopts,
	.summary = "run the article's client: connect, read, send, print",
	.usage =
	"fdscope connect HOST PORT [--proto tcp|udp] [--message TEXT]\n"
	"                       [--timeout SECONDS]\n"
	"       fdscope connect --unix PATH [--message TEXT] [--timeout SECONDS]\n"
	"\n"
	"Resolve HOST with getaddrinfo (a name, an IPv4 or IPv6 address; the\n"
	"machine's own hostname works), connect within the timeout, print the\n"
	"server's greeting, send the message, shut down the write side and print\n"
	"whatever else arrives until the server closes (at most the timeout; the\n"
	"first 4096 bytes received are printed, the rest counted).  With UDP the\n"
	"message is sent first and one reply is awaited, from each address HOST\n"
	"resolves to in turn until one answers.\n"
	"\n"
	"Options:\n"
	"  -P, --proto PROTO      tcp (default) or udp\n"
	"  -m, --message TEXT     what to send (default \"" CONNECT_DEFAULT_MESSAGE "\")\n"
	"  -t, --timeout SECONDS  for connecting, the greeting, the rest of the\n"
	"                         stream, each UDP reply (default 5)\n"
	"      --unix PATH        connect to a unix stream socket (@NAME: abstract)\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show the version\n"
	"\n"
	"Exit status 1, with one line saying why, when the host cannot be\n"
	"resolved, the connection is refused, unreachable or times out.\n"
	"Examples:\n"
	"  fdscope connect localhost 1234\n"
	"  fdscope connect \"$(hostname)\" 1234 --message hello\n"
	"  fdscope connect --unix /tmp/fdscope.sock\n",
};
