/* `fdscope serve`: the article's server as a real long-running one.  One
 * poll loop serves every client at once; each gets the greeting, is read
 * until end of stream, idle timeout or byte cap, and is logged with its
 * descriptor numbers.  At the descriptor limit pending connections are
 * shed through a reserve descriptor rather than left to spin the loop. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/command.h"
#include "lib/caps.h"
#include "lib/deadline.h"
#include "lib/termsig.h"
#include "lib/util.h"
#include "out/escape.h"
#include "out/linelog.h"
#include "net/netaddr.h"
#include "net/sock.h"
#include "proc/fdlist.h"

enum serve_proto { SERVE_TCP, SERVE_UDP, SERVE_UNIX };

#define SERVE_DEFAULT_MESSAGE "Message from the server."
#define SHED_PER_ROUND 256	/* pending connections shed per wake-up */
#define ACCEPT_PER_ROUND 64	/* fairness to connected clients */
#define PAUSE_MS 100		/* listener rest when even shedding fails */
#define SHOW_MAX 4096		/* bytes of one client's data printed */
#define LOG_CAP (1 << 20)	/* log bytes waiting for a slow reader */
#define LOG_CLOSE_MS 300	/* last flush of the log at exit */

struct serve_control {
	const char *host, *port, *path, *message;
	enum serve_proto proto;
	bool proto_set, once, help;
	long long max_clients, timeout_ms, max_bytes;
	const char *proc_root;
};

struct client {
	int fd;
	char addr[NETADDR_STRLEN];
	size_t out_off;			/* greeting bytes sent so far */
	unsigned long long in;
	long long last_ms;		/* last activity, for the idle timeout */
};

struct server {
	const struct serve_control *ctl;
	struct linelog *log;
	bool made_path;			/* the socket file bound here: */
	dev_t path_dev;			/* its device and inode */
	ino_t path_ino;
	int lfd, reserve;
	char laddr[NETADDR_STRLEN];
	struct client *clients;
	size_t n;
	struct pollfd *pfds;
	size_t msglen;
	unsigned long long served, shed, bytes_in, bytes_out;
	size_t open_now, peak, base_open;
	bool in_burst;
	unsigned long long burst_shed;
	long long pause_until;
};

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

/* The kernel's count of our descriptors; when even that cannot be opened
 * (at the limit), the count fdscope keeps from its own accept and close
 * calls. */
static size_t count_open(struct server *s)
{
	struct fd_count c;
	size_t n = s->base_open + s->n;

	if (fd_proc_count(s->ctl->proc_root, 0, ULLONG_MAX, &c) == 0)
		n = c.open;
	s->open_now = n;
	if (n > s->peak)
		s->peak = n;
	return n;
}

static void print_data(struct server *s, const char *call, const char *buf,
		       size_t n)
{
	char *esc = escape_bytes(buf, n);

	linelog_printf(s->log, "%s = %zu \"%s\"", call, n, esc);
	free(esc);
}

static void client_close(struct server *s, size_t i, const char *why)
{
	struct client *c = &s->clients[i];
	int fd = c->fd;

	close(c->fd);
	s->served++;
	s->n--;
	linelog_printf(s->log, "close(%d) = 0: %s %s: %llu bytes in, %zu out; "
		       "%zu client%s, %zu descriptors open", fd, c->addr, why,
		       c->in, c->out_off, s->n, s->n == 1 ? "" : "s",
		       count_open(s));
	s->clients[i] = s->clients[s->n];
}

/* Sends what is left of the greeting; false when the client is gone. */
static bool client_greet(struct server *s, struct client *c)
{
	while (c->out_off < s->msglen) {
		ssize_t w = send(c->fd, s->ctl->message + c->out_off,
				 s->msglen - c->out_off, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return true;
		if (w < 0)
			return false;
		c->out_off += (size_t)w;
		s->bytes_out += (unsigned long long)w;
		if (c->out_off == s->msglen) {
			char *esc = escape_bytes(s->ctl->message, s->msglen);

			linelog_printf(s->log, "send(%d, \"%s\") = %zu", c->fd,
				       esc, s->msglen);
			free(esc);
		}
	}
	return true;
}

/* Reads what the client sent; returns the reason to close it, or NULL. */
static const char *client_read(struct server *s, struct client *c)
{
	char buf[4096], call[64];
	size_t room = sizeof(buf);
	ssize_t r;

	if ((unsigned long long)s->ctl->max_bytes - c->in < room)
		room = (size_t)((unsigned long long)s->ctl->max_bytes - c->in);
	do
		r = recv(c->fd, buf, room, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return NULL;
	if (r < 0)
		return strerror(errno);
	if (r == 0)
		return "closed by the client (end of stream)";
	/* A slow reader of our output must not stall every client: what is
	 * printed per client is bounded, what is read is only counted. */
	if (c->in < SHOW_MAX) {
		size_t show = (size_t)r;

		if (c->in + show > SHOW_MAX)
			show = (size_t)(SHOW_MAX - c->in);
		snprintf(call, sizeof(call), "recv(%d)", c->fd);
		print_data(s, call, buf, show);
		if (show < (size_t)r)
			linelog_printf(s->log, "recv(%d): %zd bytes, %zu shown; "
				       "the rest of this client's data is counted, "
				       "not printed", c->fd, r, show);
	}
	c->in += (unsigned long long)r;
	s->bytes_in += (unsigned long long)r;
	if (c->in >= (unsigned long long)s->ctl->max_bytes)
		return "closed at the byte cap (--max-bytes)";
	return NULL;
}

static void client_add(struct server *s, int fd,
		       const struct sockaddr_storage *ss, socklen_t len)
{
	struct client *c = &s->clients[s->n++];

	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->last_ms = net_now_ms();
	if (s->ctl->proto == SERVE_UNIX || len == 0 ||
	    netaddr_format((const struct sockaddr *)ss, len, c->addr,
			   sizeof(c->addr))[0] == '\0')
		snprintf(c->addr, sizeof(c->addr), "unix client");
	linelog_printf(s->log, "accept(%d) = %d from %s: %zu client%s, %zu "
		       "descriptors open", s->lfd, fd, c->addr, s->n,
		       s->n == 1 ? "" : "s", count_open(s));
	if (!client_greet(s, c))
		client_close(s, s->n - 1, "gone before the greeting");
}

static void end_burst(struct server *s)
{
	if (!s->in_burst)
		return;
	linelog_printf(s->log, "descriptor limit burst over: %llu pending "
		       "connection%s shed", s->burst_shed,
		       s->burst_shed == 1 ? "" : "s");
	s->in_burst = false;
	s->burst_shed = 0;
}

/* At EMFILE/ENFILE: the reserve descriptor is given up for one accept at a
 * time, and each connection taken that way is closed at once, so clients
 * get a clean end of stream instead of waiting in the backlog. */
static void shed_pending(struct server *s, int err)
{
	int i;

	if (!s->in_burst) {
		linelog_printf(s->log, "accept(%d) = -1 %s (%s): at the "
			       "descriptor limit with %zu client%s; shedding "
			       "pending connections", s->lfd,
			       err == EMFILE ? "EMFILE" : "ENFILE", strerror(err),
			       s->n, s->n == 1 ? "" : "s");
		s->in_burst = true;
	}
	for (i = 0; i < SHED_PER_ROUND && s->reserve >= 0; i++) {
		int fd, e;

		close(s->reserve);
		fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
		e = errno;
		if (fd >= 0) {
			close(fd);
			s->shed++;
			s->burst_shed++;
		}
		s->reserve = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			/* Even the freed slot was not enough: rest below. */
			if (e == EMFILE || e == ENFILE)
				s->pause_until = net_now_ms() + PAUSE_MS;
			break;
		}
	}
	/* Without a reserve (ENFILE: the whole system is out) the listener
	 * rests instead of waking the loop for nothing. */
	if (s->reserve < 0)
		s->pause_until = net_now_ms() + PAUSE_MS;
}

static void accept_ready(struct server *s)
{
	int i;

	for (i = 0; i < ACCEPT_PER_ROUND &&
	     s->n < (size_t)s->ctl->max_clients; i++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		int fd = accept4(s->lfd, (struct sockaddr *)&ss, &len,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd >= 0) {
			end_burst(s);
			client_add(s, fd, &ss, len);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (i > 0)
				end_burst(s);
			return;
		}
		if (errno == EMFILE || errno == ENFILE) {
			shed_pending(s, errno);
			return;
		}
		warn("accept on descriptor %d", s->lfd);
		s->pause_until = net_now_ms() + PAUSE_MS;
		return;
	}
}

/* The nearest deadline: each client's own, however overdue, and the end
 * of a pause of the listener. */
static int poll_timeout(const struct server *s, long long now)
{
	struct deadline d;
	size_t i;

	deadline_init(&d, now);
	for (i = 0; i < s->n; i++)
		deadline_add(&d, s->clients[i].last_ms + s->ctl->timeout_ms);
	if (s->pause_until > now)
		deadline_add(&d, s->pause_until);
	return deadline_timeout(&d);
}

/* The log's slot in a poll set: POLLOUT only while lines wait, so that a
 * stalled reader of the log never stalls the loop; POLLERR always, so
 * that a reader gone away is seen at once. */
static struct pollfd log_pollfd(const struct server *s)
{
	int fd = linelog_broken(s->log) ? -1 : linelog_fd(s->log);

	return (struct pollfd){ fd, linelog_pending(s->log) ? POLLOUT : 0, 0 };
}

static bool serving(const struct server *s)
{
	return !stop_signal && !linelog_broken(s->log);
}

static bool listener_wanted(const struct server *s, long long now)
{
	return s->n < (size_t)s->ctl->max_clients && now >= s->pause_until;
}

/* One round: wait, serve clients (highest index first, so that a removal
 * only moves an already handled client), then accept, then expire. */
static void serve_round(struct server *s, const sigset_t *waitmask)
{
	long long now = net_now_ms();
	bool listen_now = listener_wanted(s, now);
	int timeout = poll_timeout(s, now), rc;
	struct timespec ts, *tsp = NULL;
	size_t i, n = s->n;

	s->pfds[0] = (struct pollfd){ listen_now ? s->lfd : -1, POLLIN, 0 };
	for (i = 0; i < n; i++) {
		struct client *c = &s->clients[i];

		s->pfds[1 + i] = (struct pollfd){ c->fd, POLLIN, 0 };
		if (c->out_off < s->msglen)
			s->pfds[1 + i].events |= POLLOUT;
	}
	s->pfds[1 + n] = log_pollfd(s);
	if (timeout >= 0) {
		ts.tv_sec = timeout / 1000;
		ts.tv_nsec = (long)(timeout % 1000) * 1000000;
		tsp = &ts;
	}
	rc = ppoll(s->pfds, 2 + n, tsp, waitmask);
	if (rc < 0) {
		if (errno != EINTR)
			err(EXIT_FAIL, "poll");
		return;
	}
	linelog_polled(s->log, s->pfds[1 + n].revents);
	now = net_now_ms();
	for (i = n; i-- > 0;) {
		struct client *c = &s->clients[i];
		short re = s->pfds[1 + i].revents;
		const char *why = NULL;

		if (re == 0) {
			if (now - c->last_ms >= s->ctl->timeout_ms)
				client_close(s, i, "closed after the idle timeout (--timeout)");
			continue;
		}
		c->last_ms = now;
		if ((re & POLLOUT) && !client_greet(s, c))
			why = strerror(errno);
		if (why == NULL && (re & (POLLIN | POLLHUP | POLLERR)))
			why = client_read(s, c);
		if (why)
			client_close(s, i, why);
	}
	if (s->pfds[0].revents & POLLIN)
		accept_ready(s);
}

static void print_summary(struct server *s)
{
	end_burst(s);
	linelog_printf(s->log, "summary: %llu client%s served, %llu shed at the "
		       "descriptor limit, %llu bytes in, %llu bytes out, peak "
		       "%zu descriptors open", s->served,
		       s->served == 1 ? "" : "s", s->shed, s->bytes_in,
		       s->bytes_out, s->peak);
}

static int serve_stream(struct server *s, const sigset_t *waitmask)
{
	while (serving(s)) {
		serve_round(s, waitmask);
		if (s->ctl->once && s->served > 0 && s->n == 0)
			break;
	}
	while (s->n > 0)
		client_close(s, s->n - 1, stop_signal ? "closed at shutdown" :
			     "closed at exit");
	return EXIT_OK;
}

/* UDP: no listen, no accept: every datagram comes with its sender's
 * address, and the greeting goes back to that address. */
static int serve_dgram(struct server *s, const sigset_t *waitmask)
{
	static char buf[65536];

	while (serving(s)) {
		struct pollfd p[2] = { { s->lfd, POLLIN, 0 }, log_pollfd(s) };
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		char addr[NETADDR_STRLEN], call[NETADDR_STRLEN + 64], *esc;
		size_t cap = sizeof(buf);
		ssize_t r, w;

		if (ppoll(p, 2, NULL, waitmask) < 0) {
			if (errno != EINTR)
				err(EXIT_FAIL, "poll");
			continue;
		}
		linelog_polled(s->log, p[1].revents);
		if (!(p[0].revents & POLLIN))
			continue;
		if ((unsigned long long)s->ctl->max_bytes < cap)
			cap = (size_t)s->ctl->max_bytes;
		r = recvfrom(s->lfd, buf, cap, MSG_TRUNC, (struct sockaddr *)&ss, &len);
		if (r < 0) {
			if (errno != EAGAIN && errno != EINTR)
				warn("recvfrom on descriptor %d", s->lfd);
			continue;
		}
		netaddr_format((struct sockaddr *)&ss, len, addr, sizeof(addr));
		snprintf(call, sizeof(call), "recvfrom(%d) from %s", s->lfd, addr);
		print_data(s, call, buf, (size_t)r < cap ? (size_t)r : cap);
		if ((size_t)r > cap)
			linelog_printf(s->log, "  (datagram of %zd bytes cut to "
				       "the byte cap, %zu)", r, cap);
		s->bytes_in += (unsigned long long)r;
		w = sendto(s->lfd, s->ctl->message, s->msglen, 0,
			   (struct sockaddr *)&ss, len);
		esc = escape_bytes(s->ctl->message, s->msglen);
		if (w < 0)
			linelog_printf(s->log, "sendto(%d, \"%s\", %s) = -1 %s",
				       s->lfd, esc, addr, strerror(errno));
		else
			linelog_printf(s->log, "sendto(%d, \"%s\", %s) = %zd",
				       s->lfd, esc, addr, w);
		free(esc);
		s->bytes_out += w > 0 ? (unsigned long long)w : 0;
		s->served++;
		count_open(s);
		if (s->ctl->once)
			break;
	}
	return EXIT_OK;
}

static int open_listener(struct server *s)
{
	const struct serve_control *ctl = s->ctl;
	char why[NETADDR_STRLEN + 256], note[NETADDR_STRLEN + 128] = "";
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int type = ctl->proto == SERVE_UDP ? SOCK_DGRAM : SOCK_STREAM;
	struct stat st;

	if (ctl->proto == SERVE_UNIX)
		s->lfd = net_listen_unix(ctl->path, type, SOMAXCONN, why,
					 sizeof(why), note, sizeof(note));
	else
		s->lfd = net_listen_inet(ctl->host, ctl->port, AF_UNSPEC, type,
					 SOMAXCONN, why, sizeof(why));
	if (s->lfd < 0) {
		warnx("%s", why);
		return -1;
	}
	if (note[0])
		warnx("%s", note);
	/* The file this server made, so that only it is removed at exit. */
	if (ctl->proto == SERVE_UNIX && ctl->path[0] != '@' &&
	    lstat(ctl->path, &st) == 0 && S_ISSOCK(st.st_mode)) {
		s->made_path = true;
		s->path_dev = st.st_dev;
		s->path_ino = st.st_ino;
	}
	if (getsockname(s->lfd, (struct sockaddr *)&ss, &len) == 0) {
		netaddr_format((struct sockaddr *)&ss, len, s->laddr, sizeof(s->laddr));
		/* From the bound address: "0", "0x0" or "::0" are every
		 * interface too. */
		if (netaddr_is_any((struct sockaddr *)&ss, len)) {
			char *esc = escape_str(ctl->host);

			warnx("warning: listening on every interface (%s as "
			      "%s): any machine that can reach this one may "
			      "connect", esc, s->laddr);
			free(esc);
		}
	}
	if (ctl->proto == SERVE_UNIX && ctl->path[0] == '@')
		escape_into(s->laddr, sizeof(s->laddr), ctl->path,
			    strlen(ctl->path));
	return 0;
}

/* Removes the socket file only if it is still the one bound here: a file
 * put in its place meanwhile is someone else's. */
static void remove_socket_file(const struct server *s)
{
	struct stat st;

	if (!s->made_path)
		return;
	if (lstat(s->ctl->path, &st) == 0 && S_ISSOCK(st.st_mode) &&
	    st.st_dev == s->path_dev && st.st_ino == s->path_ino) {
		unlink(s->ctl->path);
	} else if (errno != ENOENT || lstat(s->ctl->path, &st) == 0) {
		char *esc = escape_str(s->ctl->path);

		warnx("left %s alone: it is no longer the socket this server "
		      "bound", esc);
		free(esc);
	}
}

static int bad_proto(const char *arg)
{
	char *esc = escape_str(arg);

	cmd_usage_error(&cmd_serve, "invalid --proto '%s': use tcp, udp or unix",
			esc);
	free(esc);
	return EXIT_USAGE;
}

enum { OPT_ONCE = 0x100, OPT_MAX_CLIENTS, OPT_MAX_BYTES, OPT_PATH, OPT_PORT };

/* -p is kept for one release as a deprecated --port (it means PID
 * everywhere else): it has no long form, so completion does not offer it. */
static const struct option serve_longopts[] = {
	{ "host", required_argument, NULL, 'H' },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "proto", required_argument, NULL, 'P' },
	{ "path", required_argument, NULL, OPT_PATH },
	{ "message", required_argument, NULL, 'm' },
	{ "once", no_argument, NULL, OPT_ONCE },
	{ "max-clients", required_argument, NULL, OPT_MAX_CLIENTS },
	{ "max-bytes", required_argument, NULL, OPT_MAX_BYTES },
	{ "timeout", required_argument, NULL, 't' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
static const char serve_shortopts[] = ":H:p:P:m:t:h";

static int parse_args(struct serve_control *ctl, int argc, char **argv)
{
	long long port;
	int c;

	while ((c = getopt_long(argc, argv, serve_shortopts, serve_longopts,
				NULL)) != -1) {
		switch (c) {
		case 'H':
			ctl->host = optarg;
			break;
		case 'p':
			cli_warn_deprecated_port();
			/* fall through */
		case OPT_PORT:
			if (cli_opt_ll(&cmd_serve, "--port", optarg, 0, 65535, &port) < 0)
				return EXIT_USAGE;
			ctl->port = optarg;
			break;
		case 'P':
			ctl->proto_set = true;
			if (strcmp(optarg, "tcp") == 0)
				ctl->proto = SERVE_TCP;
			else if (strcmp(optarg, "udp") == 0)
				ctl->proto = SERVE_UDP;
			else if (strcmp(optarg, "unix") == 0)
				ctl->proto = SERVE_UNIX;
			else
				return bad_proto(optarg);
			break;
		case OPT_PATH:
			ctl->path = optarg;
			break;
		case 'm':
			ctl->message = optarg;
			break;
		case OPT_ONCE:
			ctl->once = true;
			break;
		case OPT_MAX_CLIENTS:
			if (cli_opt_ll(&cmd_serve, "--max-clients", optarg, 1,
				       1000000, &ctl->max_clients) < 0)
				return EXIT_USAGE;
			break;
		case OPT_MAX_BYTES:
			if (cli_opt_ll(&cmd_serve, "--max-bytes", optarg, 1,
				       1LL << 40, &ctl->max_bytes) < 0)
				return EXIT_USAGE;
			break;
		case 't':
			if (cli_opt_seconds(&cmd_serve, "--timeout", optarg, 1,
					    86400000, &ctl->timeout_ms) < 0)
				return EXIT_USAGE;
			break;
		case 'h':
			ctl->help = true;
			return EXIT_OK;
		default:
			return cmd_bad_option(&cmd_serve, argv, c);
		}
	}
	if (optind < argc)
		return cmd_unexpected_argument(&cmd_serve, argv[optind]);
	/* Conflicts, checked together once everything is known. */
	if (ctl->path && !ctl->proto_set)
		ctl->proto = SERVE_UNIX;
	if (ctl->proto == SERVE_UNIX && ctl->path == NULL)
		return cmd_usage_error(&cmd_serve, "--proto unix needs --path PATH");
	if (ctl->proto != SERVE_UNIX && ctl->path)
		return cmd_usage_error(&cmd_serve, "--path goes with --proto unix only");
	if (ctl->proto == SERVE_UNIX && (ctl->host || ctl->port))
		return cmd_usage_error(&cmd_serve, "--host and --port do not apply "
				       "to a unix socket");
	if (ctl->host == NULL)
		ctl->host = "127.0.0.1";
	if (ctl->port == NULL)
		ctl->port = "1234";
	return EXIT_OK;
}

static void server_release(struct server *s)
{
	if (s->lfd >= 0)
		close(s->lfd);
	if (s->reserve >= 0)
		close(s->reserve);
	free(s->clients);
	free(s->pfds);
}

static int serve_run(const struct cli_env *env, int argc, char **argv)
{
	struct serve_control ctl = {
		.message = SERVE_DEFAULT_MESSAGE, .max_clients = 1024,
		.timeout_ms = 10000, .max_bytes = 1 << 20,
		.proc_root = env->proc_root,
	};
	struct server s = { .ctl = &ctl, .lfd = -1, .reserve = -1 };
	struct termsig_saved saved;
	sigset_t block, waitmask, old;
	int ret, sig;

	ret = parse_args(&ctl, argc, argv);
	if (ret != EXIT_OK || ctl.help)
		return ctl.help ? cmd_help(&cmd_serve) : ret;
	/* The stop signals (every one whose default would end the process
	 * and leave the socket file) are only let in while waiting, so that
	 * one never lands between the check and the wait; they are caught
	 * before the socket exists. */
	sigemptyset(&block);
	termsig_fill(&block);
	sigprocmask(SIG_BLOCK, &block, &old);
	termsig_catch(on_stop_signal, &block, &saved);
	waitmask = old;
	for (sig = 1; sig < NSIG; sig++)
		if (sigismember(&block, sig) == 1)
			sigdelset(&waitmask, sig);
	s.log = linelog_open(STDOUT_FILENO, LOG_CAP);
	s.msglen = strlen(ctl.message);
	if (open_listener(&s) < 0) {
		ret = EXIT_FAIL;
		goto cleanup;
	}
	/* The listener is bound, even below 1024: what the clients send is
	 * handled without any capability. */
	if (caps_drop_for_net(false) < 0)
		warn("cannot drop capabilities");
	s.reserve = open("/dev/null", O_RDONLY | O_CLOEXEC);
	s.clients = xcalloc((size_t)ctl.max_clients, sizeof(*s.clients));
	s.pfds = xcalloc((size_t)ctl.max_clients + 2, sizeof(*s.pfds));
	s.base_open = count_open(&s);

	linelog_printf(s.log, "listening on %s (fd %d, %s)", s.laddr, s.lfd,
		       ctl.proto == SERVE_TCP ? "tcp" :
		       ctl.proto == SERVE_UDP ? "udp" : "unix");
	/* The log says what the extra descriptor in the server's table is. */
	if (s.reserve >= 0 && ctl.proto != SERVE_UDP)
		linelog_printf(s.log, "reserve: fd %d (/dev/null) is held back: "
			       "when accept fails with EMFILE it is closed for "
			       "one accept, so that a waiting client is taken "
			       "and closed rather than left to spin the loop",
			       s.reserve);
	ret = ctl.proto == SERVE_UDP ? serve_dgram(&s, &waitmask) :
		serve_stream(&s, &waitmask);
	/* A reader of the log that went away (`serve | head -1`) ends the
	 * server quietly, as the end of any pipeline does. */
	if (stop_signal)
		linelog_printf(s.log, "%s received: closing everything",
			       termsig_name(stop_signal));
	print_summary(&s);
cleanup:
	server_release(&s);
	remove_socket_file(&s);
	linelog_close(s.log, LOG_CLOSE_MS);
	termsig_restore(&saved);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}

const struct command cmd_serve = {
	.name = "serve",
	.run = serve_run,
	.longopts = serve_longopts,
	.shortopts = serve_shortopts,
	.summary = "run the article's server: greet clients, print what they send",
	.usage =
	"fdscope serve [--host H] [--port P] [--proto tcp|udp|unix] [--path PATH]\n"
	"              [--message TEXT] [--once] [--max-clients N] [--max-bytes N]\n"
	"              [--timeout SECONDS]\n"
	"\n"
	"Listen on H:P (default 127.0.0.1:1234, as in the article; port 0 takes\n"
	"any free port), greet each client with the message, print what it sends\n"
	"until it closes, goes idle or reaches the byte cap, and log every accept\n"
	"and close with descriptor numbers and the count of open descriptors.\n"
	"The first line names the listening descriptor and the actual address.\n"
	"At the descriptor limit (EMFILE, ENFILE) connected clients keep being\n"
	"served and pending ones are closed at once.  The log never blocks the\n"
	"clients: lines a slow reader cannot take are dropped and counted, and a\n"
	"reader that goes away ends the server quietly.  SIGINT, SIGTERM, SIGHUP\n"
	"or any other terminating signal closes everything, prints a summary\n"
	"and removes the socket file this server bound (a stale one found at\n"
	"start, with nothing listening, is replaced).\n"
	"\n"
	"Options:\n"
	"  -H, --host H           address to listen on (every interface, 0.0.0.0\n"
	"                         or :: however spelled, with a warning)\n"
	"      --port P           port, 0 to 65535 (default 1234); -p is a\n"
	"                         deprecated spelling, removed in the next release\n"
	"  -P, --proto PROTO      tcp (default), udp (no listen/accept: recvfrom and\n"
	"                         sendto) or unix (needs --path)\n"
	"      --path PATH        unix socket path, or @NAME for an abstract one\n"
	"  -m, --message TEXT     greeting (default \"" SERVE_DEFAULT_MESSAGE "\")\n"
	"      --once             exit after the first client\n"
	"      --max-clients N    clients served at once (default 1024)\n"
	"      --max-bytes N      bytes read from one client (default 1048576)\n"
	"  -t, --timeout SECONDS  idle time before a client is closed (default 10)\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show the version\n"
	"\n"
	"Examples:\n"
	"  fdscope serve --port 0\n"
	"  fdscope serve --once & nc 127.0.0.1 1234\n"
	"  fdscope serve --proto unix --path /tmp/fdscope.sock\n",
};
