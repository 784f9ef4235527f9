/* The exchange: fork a server and a client, each narrating its own calls
 * with the real return values.  The processes coordinate through two
 * pipes the parent holds at high numbers (so that they never take the
 * numbers the narration is about): the server reports its bound address
 * on one, and each side sends its steps back on another, so that one
 * writer, the parent, prints both sides in the order the calls happened. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/util.h"
#include "out/escape.h"
#include "net/attach.h"
#include "net/netaddr.h"
#include "net/sock.h"
#include "proc/fdlist.h"
#include "teach/exchange.h"
#include "teach/tempdir.h"

#define CHILD_ALARM_S 15	/* a side that hangs is killed by SIGALRM */
#define RECV_SIZE 1024		/* as in the article */
#define RECV_MAX_CALLS 64	/* bound on the reads of one message */

struct addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

/* One side of the exchange, living in its own process. */
struct side {
	struct steps st;
	const struct exchange_opts *o;
	int family, type;
	struct addr server;	/* where the server is (or binds) */
	struct addr client;	/* unix-dgram: the client's own name */
	int ready_fd;		/* server: reports its address here */
	int steps_fd;		/* JSON: steps go back to the parent here */
	int pair_fd;		/* socketpair: this side's end */
	int pair_other;		/* socketpair: the end to close */
};

int exchange_proto_parse(const char *name, enum exchange_proto *out)
{
	static const char *const names[] = {
		[EXCHANGE_TCP] = "tcp", [EXCHANGE_TCP6] = "tcp6",
		[EXCHANGE_UDP] = "udp", [EXCHANGE_UDP6] = "udp6",
		[EXCHANGE_UNIX] = "unix", [EXCHANGE_UNIX_DGRAM] = "unix-dgram",
		[EXCHANGE_SOCKETPAIR] = "socketpair",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(name, names[i]) == 0) {
			*out = (enum exchange_proto)i;
			return 0;
		}
	return -1;
}

static const char *family_text(int family)
{
	return family == AF_INET ? "AF_INET" : family == AF_INET6 ? "AF_INET6" :
		"AF_UNIX";
}

static const char *type_text(int type)
{
	return type == SOCK_STREAM ? "SOCK_STREAM" : "SOCK_DGRAM";
}

static const char *proto_text(int family, int type)
{
	if (family == AF_UNIX)
		return "0";
	return type == SOCK_STREAM ? "IPPROTO_TCP" : "IPPROTO_UDP";
}

static const char *addr_text(const struct addr *a, char *buf, size_t len)
{
	return netaddr_format((const struct sockaddr *)&a->ss, a->len, buf, len);
}

static int err_of(long long rc)
{
	return rc < 0 ? errno : 0;
}

/* Prints the step at once: the other side's lines follow in time order. */
static struct step *done(struct side *sd, struct step *st)
{
	steps_flush(&sd->st);
	return st;
}

/* Text mode: the side's descriptor table as `list` would decode it. */
static void show_table(struct side *sd, const char *title)
{
	const char *root = sd->st.o.proc_root;
	/* The side's label, "  NNNN  " and the name. */
	size_t room = steps_width(&sd->st) > 7 + 8 + 10 ?
		steps_width(&sd->st) - 7 - 8 : 10;
	struct net_attach *a;
	struct fd_proc p;
	char *block = NULL, *apart = NULL;
	size_t i, len = 0, alen = 0;

	if (sd->st.o.json)
		return;
	steps_flush(&sd->st);
	if (fd_proc_collect(&p, root, 0, FDL_NEED_LINK | FDL_NEED_STAT) < 0)
		return;
	a = net_attach_new(root, &p, 1);
	net_attach_sockets(a);
	xappendf(&block, &len, "%s\n", title);
	for (i = 0; i < p.n; i++) {
		const struct fd_entry *e = &p.fds[i];
		const struct sock_info *si = net_attach_sock(a, 0, e);
		const char *link = fd_entry_link(&p, e);
		char name[2 * NETADDR_STRLEN + 64], *row = NULL;
		int kind = steps_hidden(&sd->st, e->fd);
		size_t rlen = 0;

		if (e->is_reader)
			continue;
		/* Not the exchange's: named on one line after the rest. */
		if (kind) {
			xappendf(&apart, &alen, "%s%d (%s)", alen ? ", " : "",
				 e->fd, kind == 2 ? "fdscope's own pipe" :
				 "inherited");
			continue;
		}
		if (si)
			net_sock_name(si, net_attach_peer(a, 0, si), name, sizeof(name));
		else
			escape_into(name, sizeof(name), link ? link : "?",
				    link ? strlen(link) : 1);
		xappendf(&row, &rlen, "%s", name);
		/* Cut, never wrapped: a wrapped port is read wrong. */
		xappendf(&block, &len, "  %4d  ", e->fd);
		if (rlen > room) {
			xappendf(&block, &len, "%.*s...\n", (int)(room - 3), row);
		} else {
			xappendf(&block, &len, "%s\n", row);
		}
		free(row);
	}
	if (apart) {
		char *line = NULL;
		size_t llen = 0;

		xappendf(&line, &llen, "also open: %s", apart);
		xappendf(&block, &len, "  ");
		if (llen > room + 6)
			xappendf(&block, &len, "%.*s...\n", (int)(room + 3), line);
		else
			xappendf(&block, &len, "%s\n", line);
		free(line);
		free(apart);
	}
	/* One block, one write: the other side's lines stay outside it. */
	steps_text(&sd->st, "%s", block);
	free(block);
	net_attach_free(a);
	fd_proc_release(&p);
}

static void say_data(struct step *st, const char *verb, const char *buf,
		     size_t n)
{
	char *esc = escape_bytes(buf, n);

	step_say(st, "%s \"%s\".", verb, esc);
	free(esc);
}

static int open_socket(struct side *sd)
{
	int want = steps_lowest_free(&sd->st, 0), fd;
	struct step *st;

	steps_start(&sd->st);
	fd = socket(sd->family, sd->type, sd->family == AF_UNIX ? 0 :
			sd->type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP);
	st = steps_call(&sd->st, "socket", fd, err_of(fd),
				     "socket(%s, %s, %s)", family_text(sd->family),
				     type_text(sd->type),
				     proto_text(sd->family, sd->type));

	step_expect(st, want);
	step_say(st, "A descriptor for a new endpoint, not bound to any "
		 "address yet: the lowest number free.");
	done(sd, st);
	return fd;
}

static int do_close(struct side *sd, int fd)
{
	int rc;

	/* The peer may see the end of the stream before close returns. */
	steps_start(&sd->st);
	rc = close(fd);

	done(sd, steps_call(&sd->st, "close", rc, err_of(rc), "close(%d)", fd));
	return rc;
}

static int do_send(struct side *sd, int fd, const char *msg,
		   const struct addr *to, const char *note)
{
	size_t len = strlen(msg);
	char *esc = escape_bytes(msg, len), a[NETADDR_STRLEN];
	struct step *st;
	ssize_t w;

	/* The receiver may return before the sender does. */
	steps_start(&sd->st);
	if (to) {
		w = sendto(fd, msg, len, MSG_NOSIGNAL,
			   (const struct sockaddr *)&to->ss, to->len);
		st = steps_call(&sd->st, "sendto", w, err_of(w),
				"sendto(%d, \"%s\", %s)", fd, esc,
				addr_text(to, a, sizeof(a)));
	} else {
		w = send(fd, msg, len, MSG_NOSIGNAL);
		st = steps_call(&sd->st, "send", w, err_of(w), "send(%d, \"%s\")",
				fd, esc);
	}
	free(esc);
	if (w >= 0 && (size_t)w < len)
		step_say(st, "Only %zd of %zu bytes went out.", w, len);
	if (note)
		step_say(st, "%s", note);
	done(sd, st);
	return w == (ssize_t)len ? 0 : -1;
}

/* Reads a stream until the expected bytes are in, narrating each recv:
 * one recv returns what has arrived, which may be less than was sent. */
static int recv_all(struct side *sd, int fd, size_t expected)
{
	char buf[RECV_SIZE];
	size_t got = 0;
	int i;

	for (i = 0; i < RECV_MAX_CALLS && got < expected; i++) {
		ssize_t r = recv(fd, buf, sizeof(buf), 0);
		struct step *st = steps_call(&sd->st, "recv", r, err_of(r),
					     "recv(%d, %d)", fd, RECV_SIZE);

		if (r <= 0) {
			if (r == 0)
				step_say(st, "End of stream: the peer closed "
					 "before sending everything.");
			done(sd, st);
			return -1;
		}
		say_data(st, "Received", buf, (size_t)r);
		got += (size_t)r;
		if (i == 0 && got < expected)
			step_say(st, "One recv returned %zd of the %zu bytes sent: "
				 "TCP is a byte stream without message "
				 "boundaries. The article calls recv once and "
				 "assumes the whole message came; fdscope reads "
				 "until it has all of it.", r, expected);
		else if (i == 0 && sd->type == SOCK_STREAM)
			step_say(st, "All %zd bytes came in one recv this time, "
				 "but a stream does not promise it: the article's "
				 "single recv would lose the rest of a longer or "
				 "slower message.", r);
		done(sd, st);
	}
	return got >= expected ? 0 : -1;
}

static int recv_datagram(struct side *sd, int fd, struct addr *from,
			 const char *why)
{
	char buf[RECV_SIZE], a[NETADDR_STRLEN];
	struct step *st;
	ssize_t r;

	from->len = sizeof(from->ss);
	r = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from->ss,
		     &from->len);
	st = steps_call(&sd->st, "recvfrom", r, err_of(r), "recvfrom(%d, %d)",
			fd, RECV_SIZE);
	if (r >= 0) {
		if (from->len > offsetof(struct sockaddr_un, sun_path) ||
		    from->ss.ss_family != AF_UNIX)
			step_say(st, "From %s.", addr_text(from, a, sizeof(a)));
		else
			step_say(st, "From an unnamed socket.");
		say_data(st, "Received", buf, (size_t)r);
		step_say(st, "%s", why);
	}
	done(sd, st);
	return r < 0 ? -1 : 0;
}

static int do_bind(struct side *sd, int fd, const struct addr *at,
		   bool server)
{
	char a[NETADDR_STRLEN];
	struct step *st;
	int rc;

	steps_start(&sd->st);
	rc = bind(fd, (const struct sockaddr *)&at->ss, at->len);
	st = steps_call(&sd->st, "bind", rc, err_of(rc), "bind(%d, %s)", fd,
			addr_text(at, a, sizeof(a)));
	if (server && sd->family == AF_UNIX)
		step_say(st, "bind takes one address. For a unix socket it is a "
			 "path in the file system (here in fdscope's private "
			 "temporary directory), which bind creates; in Python "
			 "the path string itself, not a tuple.");
	else if (server)
		step_say(st, "bind takes one address. In Python that is one "
			 "(host, port) tuple: the article's bind(host, port) "
			 "passes two arguments and raises TypeError.");
	else
		step_say(st, "A unix datagram client binds a name of its own: "
			 "without one the server would have no address to "
			 "answer to.");
	if (rc == 0 && at->ss.ss_family != AF_UNIX) {
		struct addr got = { .len = sizeof(got.ss) };

		if (getsockname(fd, (struct sockaddr *)&got.ss, &got.len) == 0 &&
		    sd->o->port == 0)
			step_say(st, "Port 0 lets the kernel choose a free port: "
				 "getsockname says %s.", addr_text(&got, a, sizeof(a)));
	}
	done(sd, st);
	return rc;
}

/* Tells the parent where the server is; the pipe is closed afterwards. */
static void report_ready(struct side *sd, int fd)
{
	struct addr got = { .len = sizeof(got.ss) };

	if (sd->family == AF_UNIX)
		got = sd->server;
	else if (getsockname(fd, (struct sockaddr *)&got.ss, &got.len) < 0)
		return;
	if (write(sd->ready_fd, &got, sizeof(got)) != (ssize_t)sizeof(got))
		warn("cannot tell the parent the server's address");
	close(sd->ready_fd);
	sd->ready_fd = -1;
}

static int server_stream(struct side *sd, int lfd)
{
	const struct exchange_opts *o = sd->o;
	struct addr peer = { .len = sizeof(peer.ss) };
	char a[NETADDR_STRLEN];
	struct step *st;
	int cfd = -1, rc, want, ret = -1;

	steps_part(&sd->st, "listen, connect, accept");
	steps_start(&sd->st);
	rc = listen(lfd, 5);
	st = steps_call(&sd->st, "listen", rc, err_of(rc), "listen(%d, 5)", lfd);
	step_say(st, "Now the socket accepts connections, queueing up to 5. "
		 "The article's server never calls listen(): its accept() "
		 "would fail with EINVAL and every connect() be refused.");
	done(sd, st);
	if (rc < 0)
		return -1;
	report_ready(sd, lfd);
	want = steps_lowest_free(&sd->st, 0);
	cfd = accept(lfd, (struct sockaddr *)&peer.ss, &peer.len);
	st = steps_call(&sd->st, "accept", cfd, err_of(cfd), "accept(%d)", lfd);
	step_expect(st, want);
	if (cfd >= 0)
		step_say(st, "From %s: a new descriptor for this one connection, "
			 "while %d keeps listening for others.",
			 sd->family == AF_UNIX ? "an unnamed unix socket" :
			 addr_text(&peer, a, sizeof(a)), lfd);
	done(sd, st);
	if (cfd < 0)
		return -1;
	steps_part(&sd->st, "connected: a byte stream each way");
	show_table(sd, "the server's table while connected:");
	if (do_send(sd, cfd, o->server_message, NULL, NULL) == 0 &&
	    recv_all(sd, cfd, strlen(o->client_message)) == 0)
		ret = 0;
	if (do_close(sd, cfd) < 0)
		ret = -1;
	return ret;
}

static int server_dgram(struct side *sd, int fd)
{
	struct addr peer;

	report_ready(sd, fd);
	if (recv_datagram(sd, fd, &peer, "No listen() and no accept() for "
			  "datagrams: each one arrives with its sender's "
			  "address, and the answer goes back there with "
			  "sendto().") < 0)
		return -1;
	show_table(sd, "the server's table:");
	steps_part(&sd->st, "the answer, and closing");
	return do_send(sd, fd, sd->o->server_message, &peer, NULL);
}

static int run_server(struct side *sd)
{
	struct step *st;
	int fd, rc, one = 1, ret = -1;

	if (sd->o->proto == EXCHANGE_SOCKETPAIR) {
		/* Nothing to report: the client has its end already. */
		close(sd->ready_fd);
		sd->ready_fd = -1;
		if (do_close(sd, sd->pair_other) < 0)
			return -1;
		show_table(sd, "the server's table:");
		if (do_send(sd, sd->pair_fd, sd->o->server_message, NULL,
			    NULL) == 0 &&
		    recv_all(sd, sd->pair_fd, strlen(sd->o->client_message)) == 0)
			ret = 0;
		return do_close(sd, sd->pair_fd) < 0 ? -1 : ret;
	}
	fd = open_socket(sd);
	if (fd < 0)
		return -1;
	if (sd->family != AF_UNIX) {
		rc = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		st = steps_call(&sd->st, "setsockopt", rc, err_of(rc),
				"setsockopt(%d, SOL_SOCKET, SO_REUSEADDR, 1)", fd);
		if (sd->type == SOCK_STREAM)
			step_say(st, "So that a restarted server may bind the "
				 "port again while old connections linger in "
				 "TIME_WAIT.");
		else
			step_say(st, "UDP has no connections, so no TIME_WAIT "
				 "to wait out: for a datagram socket "
				 "SO_REUSEADDR lets several sockets that all set "
				 "it bind the same port (multicast receivers do).");
		done(sd, st);
	}
	if (do_bind(sd, fd, &sd->server, true) == 0)
		ret = sd->type == SOCK_STREAM ? server_stream(sd, fd) :
			server_dgram(sd, fd);
	if (do_close(sd, fd) < 0)
		ret = -1;
	return ret;
}

static int client_stream(struct side *sd, int fd)
{
	char a[NETADDR_STRLEN], l[NETADDR_STRLEN];
	struct addr local = { .len = sizeof(local.ss) };
	struct step *st;
	int rc;

	/* accept() may return before connect() does. */
	steps_start(&sd->st);
	rc = connect(fd, (struct sockaddr *)&sd->server.ss, sd->server.len);
	st = steps_call(&sd->st, "connect", rc, err_of(rc), "connect(%d, %s)",
			fd, addr_text(&sd->server, a, sizeof(a)));
	if (sd->family == AF_UNIX)
		step_say(st, "connect takes one address, the server's: for a "
			 "unix socket its path (in Python the path string), "
			 "not the article's two arguments.");
	else
		step_say(st, "connect takes one address, the server's: in "
			 "Python one (host, port) tuple, not the two arguments "
			 "of the article's connect(host, port).");
	if (rc == 0 && sd->family != AF_UNIX &&
	    getsockname(fd, (struct sockaddr *)&local.ss, &local.len) == 0)
		step_say(st, "The kernel bound this end to %s, an ephemeral port.",
			 addr_text(&local, l, sizeof(l)));
	done(sd, st);
	if (rc < 0)
		return -1;
	/* After the server's send, so on the same page as it. */
	if (recv_all(sd, fd, strlen(sd->o->server_message)) < 0)
		return -1;
	show_table(sd, "the client's table while connected:");
	steps_part(&sd->st, "the answer, and closing");
	return do_send(sd, fd, sd->o->client_message, NULL, NULL);
}

static int client_dgram(struct side *sd, int fd)
{
	struct addr from;

	if (sd->family == AF_UNIX && do_bind(sd, fd, &sd->client, false) < 0)
		return -1;
	if (do_send(sd, fd, sd->o->client_message, &sd->server,
		    sd->family == AF_UNIX ? "No connect() first: each datagram "
		    "names its destination." : "No connect() first: each "
		    "datagram names its destination. The first sendto bound "
		    "this socket to an ephemeral port.") < 0)
		return -1;
	/* After the answer: the server's table is on the page before. */
	if (recv_datagram(sd, fd, &from, "The server's answer, with the "
			  "server's address.") < 0)
		return -1;
	show_table(sd, "the client's table:");
	return 0;
}

static int run_client(struct side *sd)
{
	int fd, ret;

	if (sd->o->proto == EXCHANGE_SOCKETPAIR) {
		ret = 0;
		if (do_close(sd, sd->pair_other) < 0)
			return -1;
		show_table(sd, "the client's table:");
		if (recv_all(sd, sd->pair_fd, strlen(sd->o->server_message)) < 0 ||
		    do_send(sd, sd->pair_fd, sd->o->client_message, NULL,
			    NULL) < 0)
			ret = -1;
		return do_close(sd, sd->pair_fd) < 0 ? -1 : ret;
	}
	/* The server is bound (its steps are out): the client's part. */
	if (sd->type == SOCK_DGRAM)
		steps_part(&sd->st, "sendto and recvfrom: no connection");
	fd = open_socket(sd);
	if (fd < 0)
		return -1;
	ret = sd->type == SOCK_STREAM ? client_stream(sd, fd) :
		client_dgram(sd, fd);
	if (do_close(sd, fd) < 0)
		ret = -1;
	return ret;
}

/* Moves an internal descriptor out of the way of the numbers narrated. */
static int move_high(int fd)
{
	struct rlimit rl;
	long base = 64;
	int nfd;

	/* Six pipe ends at most; under a low limit they go just below it. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 72)
		base = (long)rl.rlim_cur - 8;
	if (base < 3)
		return fd;
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, (int)base);
	if (nfd < 0)
		return fd;
	close(fd);
	return nfd;
}

static int high_pipe(int p[2])
{
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	p[0] = move_high(p[0]);
	p[1] = move_high(p[1]);
	return 0;
}

static void close_pair(int p[2])
{
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	p[0] = p[1] = -1;
}

/* fdscope's own pipes, counted apart in the maps while they are open. */
static void hide_pipes(struct steps *s, const int *a, const int *b,
		       const int *c, bool hide)
{
	const int *v[] = { a, b, c };
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(v); i++)
		for (j = 0; j < 2; j++) {
			if (v[i][j] < 0)
				continue;
			if (hide)
				steps_hide(s, v[i][j], true);
			else
				steps_unhide(s, v[i][j]);
		}
}

/* Runs in the child: its own record, labelled, each step sent to the
 * parent as soon as it is complete. */
__attribute__((noreturn))
static void child_main(struct side *sd, const struct steps *parent,
				const char *label, bool server)
{
	struct steps_opts so = parent->o;
	int rc;

	alarm(CHILD_ALARM_S);
	so.side = label;
	so.screen = NULL;
	steps_init(&sd->st, &so);
	steps_copy_hidden(&sd->st, parent);
	steps_stream_to(&sd->st, sd->steps_fd);
	rc = server ? run_server(sd) : run_client(sd);
	if (steps_finish(&sd->st) < 0)
		rc = -1;
	/* The end of this side's record for the parent. */
	if (sd->steps_fd >= 0)
		close(sd->steps_fd);
	steps_release(&sd->st);
	fflush(stdout);
	/* What the side inherited and still holds is not its to leave
	 * open: only 0, 1 and 2 reach _exit. */
	close_range(3, ~0U, 0);
	_exit(rc < 0 ? EXIT_FAIL : EXIT_OK);
}

static int set_addresses(struct side *sd, const struct exchange_opts *o)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&sd->server.ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&sd->server.ss;
	char path[PATH_MAX];

	memset(&sd->server, 0, sizeof(sd->server));
	switch (o->proto) {
	case EXCHANGE_TCP:
	case EXCHANGE_UDP:
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)o->port);
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sd->server.len = sizeof(*in);
		break;
	case EXCHANGE_TCP6:
	case EXCHANGE_UDP6:
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)o->port);
		in6->sin6_addr = in6addr_loopback;
		sd->server.len = sizeof(*in6);
		break;
	case EXCHANGE_UNIX:
	case EXCHANGE_UNIX_DGRAM:
	case EXCHANGE_SOCKETPAIR:
		break;
	}
	sd->family = sd->server.ss.ss_family ? sd->server.ss.ss_family : AF_UNIX;
	sd->type = o->proto == EXCHANGE_UDP || o->proto == EXCHANGE_UDP6 ||
		o->proto == EXCHANGE_UNIX_DGRAM ? SOCK_DGRAM : SOCK_STREAM;
	if (o->proto != EXCHANGE_UNIX && o->proto != EXCHANGE_UNIX_DGRAM)
		return 0;
	if ((tempdir_dir() == NULL && tempdir_create() < 0) ||
	    tempdir_path("server.sock", path, sizeof(path)) < 0 ||
	    tempdir_track("server.sock") < 0 ||
	    net_unix_addr(path, &sd->server.ss, &sd->server.len) < 0 ||
	    tempdir_path("client.sock", path, sizeof(path)) < 0 ||
	    tempdir_track("client.sock") < 0 ||
	    net_unix_addr(path, &sd->client.ss, &sd->client.len) < 0) {
		warn("cannot prepare the unix socket names");
		return -1;
	}
	return 0;
}

/* Waits up to the children's own alarm for the server's address. */
static int read_ready(int fd, struct addr *out)
{
	struct pollfd p = { fd, POLLIN, 0 };
	ssize_t r;

	if (poll(&p, 1, CHILD_ALARM_S * 1000) <= 0)
		return -1;
	do
		r = read(fd, out, sizeof(*out));
	while (r < 0 && errno == EINTR);
	return r == (ssize_t)sizeof(*out) ? 0 : -1;
}

static int reap(pid_t pid, const char *label)
{
	int status;

	if (tempdir_reap(pid, &status) < 0)
		return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		warnx("the exchange's %s was killed by signal %d%s", label,
		      WTERMSIG(status), WTERMSIG(status) == SIGALRM ?
		      " (it took too long)" : "");
	return -1;
}

static pid_t spawn(struct side *sd, struct steps *s, const char *label,
		   bool server, int *close_in_child, size_t nclose)
{
	pid_t pid;
	size_t i;

	steps_flush(s);
	fflush(stdout);
	fflush(stderr);
	pid = tempdir_fork();
	if (pid < 0) {
		warn("fork");
		return -1;
	}
	if (pid == 0) {
		for (i = 0; i < nclose; i++)
			if (close_in_child[i] >= 0)
				close(close_in_child[i]);
		child_main(sd, s, label, server);
	}
	return pid;
}

/* socketpair: both ends made here, one kept by each child. */
static int make_pair(struct side *sd, struct steps *s, int sv[2])
{
	int want = steps_lowest_free(s, 0);
	int rc = socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	struct step *st = steps_call(s, "socketpair", rc, err_of(rc),
				     "socketpair(AF_UNIX, SOCK_STREAM, 0, [%d, %d])",
				     rc == 0 ? sv[0] : -1, rc == 0 ? sv[1] : -1);

	if (rc < 0) {
		steps_flush(s);
		return -1;
	}
	step_fds(st, sv[0], sv[1]);
	if (sv[0] != want)
		step_say(st, "note: the lowest free number was %d, but the first "
			 "descriptor is %d.", want, sv[0]);
	step_say(st, "Two sockets connected to each other at once: no address, "
		 "no bind, listen, accept or connect. After fork() each process "
		 "closes the end it does not use.");
	steps_flush(s);
	(void)sd;
	return 0;
}

int net_exchange(struct steps *s, const struct exchange_opts *o)
{
	struct side srv = { .o = o, .ready_fd = -1, .steps_fd = -1,
			    .pair_fd = -1, .pair_other = -1 };
	struct side cli;
	int ready[2] = { -1, -1 }, sjson[2] = { -1, -1 }, cjson[2] = { -1, -1 };
	int sv[2] = { -1, -1 }, ret = -1;
	pid_t spid = -1, cpid = -1;

	if (set_addresses(&srv, o) < 0)
		return -1;
	steps_flush(s);
	cli = srv;
	if (high_pipe(ready) < 0 || high_pipe(sjson) < 0 ||
	    high_pipe(cjson) < 0) {
		warn("cannot create the exchange's pipes");
		goto cleanup;
	}
	hide_pipes(s, ready, sjson, cjson, true);

	if (o->proto == EXCHANGE_SOCKETPAIR) {
		if (make_pair(&srv, s, sv) < 0)
			goto cleanup;
		srv.pair_fd = cli.pair_other = sv[0];
		srv.pair_other = cli.pair_fd = sv[1];
	}
	/* From here the parent's own steps wait for the merge. */
	steps_hold(s);
	srv.ready_fd = ready[1];
	srv.steps_fd = sjson[1];
	{
		int c[] = { ready[0], sjson[0], cjson[0], cjson[1] };

		spid = spawn(&srv, s, "server", true, c, ARRAY_SIZE(c));
	}
	close(ready[1]);
	ready[1] = -1;
	if (spid < 0)
		goto cleanup;
	if (o->proto != EXCHANGE_SOCKETPAIR &&
	    read_ready(ready[0], &cli.server) < 0) {
		warnx("the exchange's server did not start");
		kill(spid, SIGTERM);
		goto receive;
	}
	cli.steps_fd = cjson[1];
	{
		int c[] = { ready[0], sjson[0], sjson[1], cjson[0] };

		cpid = spawn(&cli, s, "client", false, c, ARRAY_SIZE(c));
	}
	ret = cpid < 0 ? -1 : 0;
receive:
	/* The parent keeps no end of the socketpair: the two sides own it. */
	if (sv[0] >= 0) {
		int rc = close(sv[0]);

		steps_call(s, "close", rc, err_of(rc), "close(%d)", sv[0]);
		rc = close(sv[1]);
		steps_call(s, "close", rc, err_of(rc), "close(%d)", sv[1]);
		steps_flush(s);
		sv[0] = sv[1] = -1;
	}
	close_pair(ready);
	close(sjson[1]);
	close(cjson[1]);
	sjson[1] = cjson[1] = -1;
	{
		int fds[] = { sjson[0], cpid > 0 ? cjson[0] : -1 };

		/* Neither side waits for the parent: the children's alarms
		 * end a side that hangs, and its pipe with it. */
		if (steps_merge(s, fds, ARRAY_SIZE(fds), CHILD_ALARM_S + 5) < 0) {
			warn("cannot read the exchange's steps");
			ret = -1;
		}
	}
	if (reap(spid, "server") < 0)
		ret = -1;
	if (cpid > 0 && reap(cpid, "client") < 0)
		ret = -1;
cleanup:
	if (s->holding)
		steps_merge(s, NULL, 0, 0);
	hide_pipes(s, ready, sjson, cjson, false);
	close_pair(ready);
	close_pair(sjson);
	close_pair(cjson);
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	return ret;
}
