/* Integration tests of serve, connect and exchange with real peers: nc,
 * socat, a raw C client and fdscope itself, 200 concurrent clients against
 * a server whose soft limit is 64, every error case with its message and
 * exit status, and the exchange's steps checked against the lowest-
 * available rule, each side's table and the bytes sent. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc/procfs.h"
#include "testutil.h"

/* A command running in the background with its output on pipes. */
struct bg {
	pid_t pid;
	int out, err;
	char first[1024];	/* its first stdout line */
};

static long long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads one line (at most 10 s). */
static void read_line(int fd, char *buf, size_t len)
{
	long long deadline = ms_now() + 10000;
	size_t n = 0;

	while (n + 1 < len) {
		struct pollfd p = { fd, POLLIN, 0 };
		long long left = deadline - ms_now();

		ck_assert_msg(left > 0 && poll(&p, 1, (int)left) == 1,
			      "no line within 10 s (got '%.*s')", (int)n, buf);
		ck_assert(read(fd, buf + n, 1) == 1);
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
}

/* Starts argv (NULL-terminated); soft > 0 sets RLIMIT_NOFILE's soft limit
 * before exec.  first_line: wait for the first stdout line. */
static void bg_start(struct bg *b, rlim_t soft, bool first_line,
		     const char *arg0, ...)
{
	char *argv[32];
	const char *a;
	int op[2], ep[2], n = 0;
	va_list ap;

	/* Copies, since exec's argv is not const. */
	argv[n++] = strdup(arg0);
	va_start(ap, arg0);
	while (n < 31 && (a = va_arg(ap, const char *)) != NULL)
		argv[n++] = strdup(a);
	va_end(ap);
	argv[n] = NULL;
	ck_assert(pipe2(op, O_CLOEXEC) == 0 && pipe2(ep, O_CLOEXEC) == 0);
	b->pid = fork();
	ck_assert(b->pid >= 0);
	if (b->pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		dup2(devnull, 0);
		dup2(op[1], 1);
		dup2(ep[1], 2);
		if (soft > 0) {
			struct rlimit rl;

			getrlimit(RLIMIT_NOFILE, &rl);
			rl.rlim_cur = soft;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	while (n > 0)
		free(argv[--n]);
	close(op[1]);
	close(ep[1]);
	b->out = op[0];
	b->err = ep[0];
	b->first[0] = '\0';
	if (first_line)
		read_line(b->out, b->first, sizeof(b->first));
}

static void slurp_into(int fd, char **text, long long deadline)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);

	ck_assert(buf != NULL);
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		long long left = deadline - ms_now();
		ssize_t r;

		if (left <= 0 || poll(&p, 1, (int)left) != 1)
			break;
		if (len + 4096 > cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			ck_assert(buf != NULL);
		}
		r = read(fd, buf + len, 4095);
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	*text = buf;
}

/* Sends sig (0: none, wait for it to end), collects the rest of its
 * output and its exit status (128+signal when killed). */
static int bg_finish(struct bg *b, int sig, char **out, char **err)
{
	long long deadline = ms_now() + 15000;
	int status;

	if (sig)
		kill(b->pid, sig);
	slurp_into(b->out, out, deadline);
	slurp_into(b->err, err, deadline);
	close(b->out);
	close(b->err);
	if (ms_now() >= deadline)
		kill(b->pid, SIGKILL);
	ck_assert(waitpid(b->pid, &status, 0) == b->pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static const char *port_of(const struct bg *b, char *buf, size_t len)
{
	/* "listening on 127.0.0.1:PORT (fd 3, tcp)" */
	const char *p = strstr(b->first, " (fd ");
	const char *c = p;

	ck_assert_msg(strncmp(b->first, "listening on ", 13) == 0 && p,
		      "first line '%s'", b->first);
	while (c > b->first && c[-1] != ':')
		c--;
	snprintf(buf, len, "%.*s", (int)(p - c), c);
	return buf;
}

static int count_lines_with(const char *text, const char *needle)
{
	int n = 0;

	for (; (text = strstr(text, needle)) != NULL; text++)
		n++;
	return n;
}

/* A free port: bound, read, closed (the kernel will not hand it out again
 * at once). */
static int free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	ck_assert(getsockname(fd, (struct sockaddr *)&sa, &len) == 0);
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

static void assert_one_line(const char *err)
{
	const char *nl = strchr(err, '\n');

	ck_assert_msg(nl != NULL && nl[1] == '\0', "expected one line, got '%s'", err);
	ck_assert_msg(strncmp(err, "fdscope: ", 9) == 0, "got '%s'", err);
}

START_TEST(test_serve_once_with_fdscope_connect)
{
	struct bg b;
	struct run_result r;
	char port[16], *out, *err;

	bg_start(&b, 0, true, fdscope_bin(), "serve", "--port", "0", "--once", NULL);
	port_of(&b, port, sizeof(port));
	run_fdscope(&r, "connect", "127.0.0.1", port, "--message", "hello\x01", NULL);
	ck_assert_msg(r.status == 0, "connect: %d %s", r.status, r.err);
	ck_assert(strstr(r.out, ") = 24 \"Message from the server.\" (the greeting)") != NULL);
	ck_assert(strstr(r.out, ", SHUT_WR) = 0\n") != NULL);
	ck_assert(strstr(r.out, "= 0 (end of stream") != NULL);
	ck_assert_int_eq(bg_finish(&b, 0, &out, &err), 0);
	/* The control byte arrives escaped, never raw. */
	ck_assert_msg(strstr(out, ") = 6 \"hello\\x01\"\n") != NULL, "%s", out);
	ck_assert(strchr(out, '\x01') == NULL);
	ck_assert(strstr(out, "summary: 1 client served, 0 shed at the descriptor "
			 "limit, 6 bytes in, 24 bytes out") != NULL);
	/* The listening descriptor of the first line is the one accepting. */
	{
		char want[64];

		snprintf(want, sizeof(want), "accept(%d) = ",
			 atoi(strstr(b.first, "(fd ") + 4));
		ck_assert_msg(strstr(out, want) != NULL, "%s", out);
	}
	free(out);
	free(err);
	run_result_release(&r);
}
END_TEST

/* The article's client connects to socket.gethostname(): so does ours,
 * through the resolver, to whatever address the name resolves to.  The
 * greeting is exchanged when that is a loopback address (servers bind to
 * loopback only); otherwise the failure must name the resolved address. */
START_TEST(test_connect_to_own_hostname)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	struct run_result r;
	struct bg b;
	char host[256], addr[INET_ADDRSTRLEN], port[16], want[64], *out, *err;
	int fd;

	ck_assert(gethostname(host, sizeof(host)) == 0);
	if (getaddrinfo(host, NULL, &hints, &res) != 0) {
		/* fdscope asks the same resolver: it must say so too. */
		run_fdscope(&r, "connect", host, "9", NULL);
		ck_assert_int_eq(r.status, 1);
		ck_assert_msg(strstr(r.err, "cannot resolve") != NULL, "%s", r.err);
		run_result_release(&r);
		return;
	}
	ck_assert(inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr,
			    addr, sizeof(addr)) != NULL);
	freeaddrinfo(res);
	/* A port nothing listens on: bound on loopback, then closed. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert(fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	ck_assert(getsockname(fd, (struct sockaddr *)&sa, &len) == 0);
	snprintf(port, sizeof(port), "%d", ntohs(sa.sin_port));
	close(fd);
	run_fdscope(&r, "connect", host, port, "--timeout", "2", NULL);
	ck_assert_int_eq(r.status, 1);
	snprintf(want, sizeof(want), "%s:%s", addr, port);
	ck_assert_msg(strstr(r.err, want) != NULL, "'%s' not in: %s", want, r.err);
	run_result_release(&r);
	if (strncmp(addr, "127.", 4) != 0)
		return;
	bg_start(&b, 0, true, fdscope_bin(), "serve", "--host", addr, "--port",
		 "0", "--once", NULL);
	port_of(&b, port, sizeof(port));
	run_fdscope(&r, "connect", host, port, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert(strstr(r.out, "= 24 \"Message from the server.\" (the greeting)") != NULL);
	run_result_release(&r);
	ck_assert_int_eq(bg_finish(&b, 0, &out, &err), 0);
	free(out);
	free(err);
}
END_TEST

/* -p means PID wherever a PID is taken: serve and exchange spell the
 * port --port, and still take -p for one release with a warning on
 * stderr; the run itself is unchanged (exit 0). */
START_TEST(test_serve_and_exchange_p_is_deprecated_port)
{
	struct run_result r;
	struct bg b;
	char port[16], *out, *err;

	bg_start(&b, 0, true, fdscope_bin(), "serve", "-p", "0", "--once", NULL);
	port_of(&b, port, sizeof(port));
	run_fdscope(&r, "connect", "127.0.0.1", port, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_result_release(&r);
	ck_assert_int_eq(bg_finish(&b, 0, &out, &err), 0);
	ck_assert_msg(strstr(err, "fdscope: -p is now --port (deprecated, removed "
			     "in the next release)\n") != NULL, "%s", err);
	free(out);
	free(err);

	run_fdscope(&r, "exchange", "-q", "-p", "0", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.err, "fdscope: -p is now --port (deprecated, removed "
			 "in the next release)\n");
	run_result_release(&r);
	/* --port: no warning. */
	run_fdscope(&r, "exchange", "-q", "--port", "0", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_uint_eq(r.err_len, 0);
	run_result_release(&r);
	/* A bad value is still a usage error, after the warning. */
	run_fdscope(&r, "serve", "-p", "65536", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert(strstr(r.err, "-p is now --port") != NULL);
	ck_assert(strstr(r.err, "invalid --port '65536'") != NULL);
	run_result_release(&r);
}
END_TEST

static void run_sh(struct run_result *r, char *script)
{
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", script, NULL };

	run_argv(r, argv, 30);
}

START_TEST(test_serve_with_nc_socat_and_python)
{
	struct bg b;
	struct run_result r;
	char port[16], cmd[512], *out, *err;

	bg_start(&b, 0, true, fdscope_bin(), "serve", "--port", "0", NULL);
	port_of(&b, port, sizeof(port));
	snprintf(cmd, sizeof(cmd), "printf 'from nc' | nc -N 127.0.0.1 %s", port);
	run_sh(&r, cmd);
	ck_assert_msg(r.status == 0, "nc: %d %s", r.status, r.err);
	ck_assert_str_eq(r.out, "Message from the server.");
	run_result_release(&r);
	snprintf(cmd, sizeof(cmd), "printf 'from socat' | socat - TCP:127.0.0.1:%s", port);
	run_sh(&r, cmd);
	ck_assert_msg(r.status == 0, "socat: %d %s", r.status, r.err);
	ck_assert_str_eq(r.out, "Message from the server.");
	run_result_release(&r);
	snprintf(cmd, sizeof(cmd), "python3 -c \"import socket\n"
		 "s = socket.create_connection(('127.0.0.1', %s))\n"
		 "print(s.recv(1024).decode())\ns.sendall(b'from python')\n"
		 "s.shutdown(socket.SHUT_WR)\nprint(len(s.recv(1024)))\"", port);
	run_sh(&r, cmd);
	ck_assert_msg(r.status == 0, "python: %d %s", r.status, r.err);
	ck_assert_str_eq(r.out, "Message from the server.\n0\n");
	run_result_release(&r);
	ck_assert_int_eq(bg_finish(&b, SIGTERM, &out, &err), 0);
	ck_assert(strstr(out, ") = 7 \"from nc\"\n") != NULL);
	ck_assert(strstr(out, ") = 10 \"from socat\"\n") != NULL);
	ck_assert(strstr(out, ") = 11 \"from python\"\n") != NULL);
	ck_assert(strstr(out, "SIGTERM received: closing everything\n") != NULL);
	ck_assert_msg(strstr(out, "summary: 3 clients served, 0 shed at the descriptor "
			     "limit, 28 bytes in, 72 bytes out") != NULL, "%s", out);
	free(out);
	free(err);
}
END_TEST

static void parse_clients(const char *out, int *served, int *closed, int *failed)
{
	ck_assert_msg(sscanf(out, "served=%d closed=%d failed=%d", served, closed,
			     failed) == 3, "netclients said '%s'", out);
}

START_TEST(test_serve_raw_client_then_200_concurrent_at_soft_limit_64)
{
	struct bg b;
	struct run_result r;
	char port[16], *out, *err, *argv[7];
	int served, closed, failed, i;
	unsigned long long sum_served = 0, sum_shed = 0;
	size_t baseline, now = 0;
	const char *s;

	bg_start(&b, 64, true, fdscope_bin(), "serve", "--port", "0", NULL);
	port_of(&b, port, sizeof(port));
	baseline = count_pid_fds(b.pid, NULL);
	argv[0] = strdup(helper_path("netclients"));
	argv[1] = (char *)"127.0.0.1";
	argv[2] = port;
	argv[3] = (char *)"1";
	argv[4] = (char *)"24";
	argv[5] = (char *)"20";
	argv[6] = NULL;
	run_argv(&r, argv, 30);
	parse_clients(r.out, &served, &closed, &failed);
	ck_assert_int_eq(served, 1);
	run_result_release(&r);

	argv[3] = (char *)"200";
	run_argv(&r, argv, 60);
	parse_clients(r.out, &served, &closed, &failed);
	run_result_release(&r);
	/* Every client served or closed cleanly, none left hanging. */
	ck_assert_int_eq(failed, 0);
	ck_assert_int_eq(served + closed, 200);
	ck_assert_int_gt(served, 0);
	ck_assert_msg(closed > 0, "with 64 descriptors some clients must be shed");
	ck_assert_int_eq(kill(b.pid, 0), 0);
	for (i = 0; i < 50 && (now = count_pid_fds(b.pid, NULL)) != baseline; i++)
		usleep(100000);
	ck_assert_uint_eq(now, baseline);
	free(argv[0]);
	ck_assert_int_eq(bg_finish(&b, SIGINT, &out, &err), 0);
	s = strstr(out, "summary: ");
	ck_assert(s != NULL);
	ck_assert(sscanf(s, "summary: %llu clients served, %llu shed", &sum_served,
			 &sum_shed) == 2);
	ck_assert_uint_eq(sum_served, (unsigned long long)served + 1);
	ck_assert_uint_eq(sum_shed, (unsigned long long)closed);
	/* Logged once per burst, not once per refused accept. */
	ck_assert_int_ge(count_lines_with(out, "EMFILE"), 1);
	ck_assert_int_le(count_lines_with(out, "EMFILE"), 10);
	ck_assert(strstr(out, "SIGINT received") != NULL);
	free(out);
	free(err);
}
END_TEST

START_TEST(test_serve_idle_timeout_and_byte_cap)
{
	struct bg b;
	struct run_result r;
	char port[16], cmd[256], *out, *err;

	bg_start(&b, 0, true, fdscope_bin(), "serve", "--port", "0", "--timeout",
		 "0.3", "--max-bytes", "5", NULL);
	port_of(&b, port, sizeof(port));
	/* Sends nothing and keeps its side open: the server times it out. */
	snprintf(cmd, sizeof(cmd), "sleep 2 | nc 127.0.0.1 %s", port);
	run_sh(&r, cmd);
	run_result_release(&r);
	snprintf(cmd, sizeof(cmd), "printf 0123456789 | nc -N 127.0.0.1 %s", port);
	run_sh(&r, cmd);
	run_result_release(&r);
	ck_assert_int_eq(bg_finish(&b, SIGTERM, &out, &err), 0);
	ck_assert_msg(strstr(out, "closed after the idle timeout (--timeout)") != NULL, "%s", out);
	ck_assert(strstr(out, ") = 5 \"01234\"\n") != NULL);
	ck_assert(strstr(out, "closed at the byte cap (--max-bytes): 5 bytes in") != NULL);
	free(out);
	free(err);
}
END_TEST

START_TEST(test_serve_udp_and_unix)
{
	struct bg b;
	struct run_result r;
	char port[16], dir[] = "/tmp/serve-unix-XXXXXX", path[128], *out, *err;

	bg_start(&b, 0, true, fdscope_bin(), "serve", "--proto", "udp", "--port", "0",
		 "--once", NULL);
	port_of(&b, port, sizeof(port));
	ck_assert(strstr(b.first, ", udp)") != NULL);
	run_fdscope(&r, "connect", "--proto", "udp", "127.0.0.1", port, "-m", "ping", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert(strstr(r.out, ", \"ping\") = 4\n") != NULL);
	ck_assert(strstr(r.out, ") = 24 \"Message from the server.\"") != NULL);
	run_result_release(&r);
	ck_assert_int_eq(bg_finish(&b, 0, &out, &err), 0);
	ck_assert_msg(strstr(out, "recvfrom(") && strstr(out, ") from 127.0.0.1:"),
		      "%s", out);
	ck_assert(strstr(out, " = 4 \"ping\"\n") != NULL);
	free(out);
	free(err);

	ck_assert(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/s.sock", dir);
	bg_start(&b, 0, true, fdscope_bin(), "serve", "--path", path, "--once", NULL);
	ck_assert(strstr(b.first, path) != NULL);
	run_fdscope(&r, "connect", "--unix", path, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert(strstr(r.out, "= 24 \"Message from the server.\"") != NULL);
	run_result_release(&r);
	ck_assert_int_eq(bg_finish(&b, 0, &out, &err), 0);
	ck_assert(strstr(out, "= 30 \"Message sent from client-side.\"") != NULL);
	/* The socket file it made is gone with it. */
	ck_assert(access(path, F_OK) < 0 && errno == ENOENT);
	ck_assert(rmdir(dir) == 0);
	free(out);
	free(err);
}
END_TEST

START_TEST(test_serve_errors)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	struct run_result r;
	char port[16], *out, *err;
	struct bg b;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(fd, 1) == 0);
	ck_assert(getsockname(fd, (struct sockaddr *)&sa, &len) == 0);
	snprintf(port, sizeof(port), "%d", ntohs(sa.sin_port));
	run_fdscope(&r, "serve", "--port", port, NULL);
	ck_assert_int_eq(r.status, 1);
	assert_one_line(r.err);
	ck_assert_msg(strstr(r.err, "cannot bind 127.0.0.1:") && strstr(r.err, "in use"),
		      "%s", r.err);
	run_result_release(&r);
	close(fd);

	run_fdscope(&r, "serve", "--host", "no-such-host.invalid", "--port", "0", NULL);
	ck_assert_int_eq(r.status, 1);
	assert_one_line(r.err);
	ck_assert(strstr(r.err, "cannot resolve 'no-such-host.invalid'") != NULL);
	run_result_release(&r);

	run_fdscope(&r, "serve", "--port", "70000", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert(strstr(r.err, "invalid --port '70000': too large (0 to 65535)") != NULL);
	run_result_release(&r);
	run_fdscope(&r, "serve", "--timeout", "soon", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert(strstr(r.err, "invalid --timeout 'soon'") != NULL);
	run_result_release(&r);
	run_fdscope(&r, "serve", "--max-clients", "0", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert(strstr(r.err, "invalid --max-clients '0': too small") != NULL);
	run_result_release(&r);
	run_fdscope(&r, "serve", "--proto", "unix", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert(strstr(r.err, "--proto unix needs --path") != NULL);
	run_result_release(&r);
	run_fdscope(&r, "serve", "--proto", "sctp", NULL);
	ck_assert_int_eq(r.status, 2);
	run_result_release(&r);

	/* A privileged port for an unprivileged user. */
	{
		char *argv[] = { (char *)"/usr/bin/setpriv", (char *)"--reuid=65534",
			(char *)"--regid=65534", (char *)"--clear-groups",
			strdup(fdscope_bin()), (char *)"serve", (char *)"--port",
			(char *)"80", NULL };
		unsigned long long start = 0;

		if (procfs_read_ull("/proc", "sys/net/ipv4/ip_unprivileged_port_start",
				    &start) == 0 && start > 80 &&
		    access(argv[0], X_OK) == 0) {
			run_argv(&r, argv, 30);
			ck_assert_int_eq(r.status, 1);
			assert_one_line(r.err);
			ck_assert_msg(strstr(r.err, "CAP_NET_BIND_SERVICE") != NULL, "%s", r.err);
			run_result_release(&r);
		}
		free(argv[4]);
	}

	/* Every interface only when asked, and then with a warning. */
	bg_start(&b, 0, true, fdscope_bin(), "serve", "--host", "0.0.0.0",
		 "--port", "0", NULL);
	ck_assert(strncmp(b.first, "listening on 0.0.0.0:", 21) == 0);
	ck_assert_int_eq(bg_finish(&b, SIGINT, &out, &err), 0);
	ck_assert(strstr(err, "warning: listening on every interface") != NULL);
	free(out);
	free(err);
}
END_TEST

START_TEST(test_connect_errors)
{
	struct run_result r;
	char port[16];
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd;

	snprintf(port, sizeof(port), "%d", free_port());
	run_fdscope(&r, "connect", "127.0.0.1", port, NULL);
	ck_assert_int_eq(r.status, 1);
	assert_one_line(r.err);
	ck_assert_msg(strstr(r.err, "cannot connect to 127.0.0.1:") &&
		      strstr(r.err, "refused"), "%s", r.err);
	ck_assert_str_eq(r.out, "");
	run_result_release(&r);

	run_fdscope(&r, "connect", "no-such-host.invalid", "1234", NULL);
	ck_assert_int_eq(r.status, 1);
	assert_one_line(r.err);
	ck_assert(strstr(r.err, "cannot resolve 'no-such-host.invalid'") != NULL);
	run_result_release(&r);

	run_fdscope(&r, "connect", "127.0.0.1", "0", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert(strstr(r.err, "invalid PORT '0': too small (1 to 65535)") != NULL);
	run_result_release(&r);
	run_fdscope(&r, "connect", "127.0.0.1", NULL);
	ck_assert_int_eq(r.status, 2);
	run_result_release(&r);
	run_fdscope(&r, "connect", "--unix", "/nonexistent/s.sock", NULL);
	ck_assert_int_eq(r.status, 1);
	assert_one_line(r.err);
	run_result_release(&r);

	/* A server that accepts (in the backlog) but never speaks nor closes:
	 * connect gives up after its timeout. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(fd, 4) == 0);
	ck_assert(getsockname(fd, (struct sockaddr *)&sa, &len) == 0);
	snprintf(port, sizeof(port), "%d", ntohs(sa.sin_port));
	run_fdscope(&r, "connect", "localhost", port, "--timeout", "0.3", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert(strstr(r.out, "(no greeting within the timeout)") != NULL);
	assert_one_line(r.err);
	ck_assert(strstr(r.err, "did not close the connection: no answer within "
			 "the timeout") != NULL);
	run_result_release(&r);
	close(fd);
}
END_TEST

/* Starts a server command, retrying the client until the server listens. */
static void connect_when_ready(struct run_result *r, const char *port,
			       const char *message)
{
	int i;

	for (i = 0; i < 50; i++) {
		run_fdscope(r, "connect", "127.0.0.1", port, "-m", message, NULL);
		if (r->status == 0 || strstr(r->err, "refused") == NULL)
			return;
		run_result_release(r);
		usleep(100000);
	}
}

START_TEST(test_connect_to_nc_and_socat_servers)
{
	struct bg b;
	struct run_result r;
	char port[16], listen_spec[64], *out, *err;

	snprintf(port, sizeof(port), "%d", free_port());
	bg_start(&b, 0, false, "/bin/sh", "-c",
		 "printf 'nc greeting' | exec nc -l 127.0.0.1 \"$0\"", port, NULL);
	connect_when_ready(&r, port, "to nc");
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert(strstr(r.out, "= 11 \"nc greeting\" (the greeting)") != NULL);
	ck_assert(strstr(r.out, "= 0 (end of stream") != NULL);
	run_result_release(&r);
	ck_assert_int_eq(bg_finish(&b, 0, &out, &err), 0);
	ck_assert_str_eq(out, "to nc");
	free(out);
	free(err);

	snprintf(port, sizeof(port), "%d", free_port());
	snprintf(listen_spec, sizeof(listen_spec), "TCP-LISTEN:%s,bind=127.0.0.1,reuseaddr", port);
	bg_start(&b, 0, false, "socat", listen_spec, "SYSTEM:echo socat-hello; cat", NULL);
	connect_when_ready(&r, port, "echo me");
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert(strstr(r.out, "\"socat-hello\\x0a\" (the greeting)") != NULL);
	/* What socat's cat sends back after our shutdown(SHUT_WR). */
	ck_assert(strstr(r.out, "= 7 \"echo me\"\n") != NULL);
	run_result_release(&r);
	ck_assert_int_eq(bg_finish(&b, 0, &out, &err), 0);
	free(out);
	free(err);
}
END_TEST

/* ---- exchange ---- */

static bool in_table(const struct json *table, long long fd)
{
	size_t i;

	for (i = 0; i < table->n; i++)
		if ((long long)table->items[i]->num == fd)
			return true;
	return false;
}

/* A descriptor-returning call obeys the lowest-available rule: every
 * number below it was already open (still open right after the call). */
static void check_lowest(const struct json *st)
{
	const struct json *table = json_get(st, "table");
	long long ret = json_int(st, "ret"), i;

	ck_assert(table != NULL && table->kind == JSON_ARRAY);
	ck_assert_msg(in_table(table, ret), "%s: %lld not in table", json_str(st, "call"), ret);
	for (i = 0; i < ret; i++)
		ck_assert_msg(in_table(table, i), "%s = %lld but %lld was free",
			      json_str(st, "call"), ret, i);
}

struct tally {
	long long sent[2], received[2];	/* [0] server, [1] client */
	int sockets[2], closes[2];
};

static void check_exchange(const char *proto)
{
	struct run_result r;
	struct json *doc;
	const struct json *steps;
	struct tally t;
	size_t i;

	memset(&t, 0, sizeof(t));
	run_fdscope(&r, "exchange", "--proto", proto, "-J", NULL);
	ck_assert_msg(r.status == 0, "%s: %d %s", proto, r.status, r.err);
	doc = json_parse(r.out);
	ck_assert_msg(doc != NULL, "invalid JSON: %s", r.out);
	steps = json_get(doc, "steps");
	ck_assert(steps != NULL && steps->n > 4);
	for (i = 0; i < steps->n; i++) {
		const struct json *st = steps->items[i];
		const char *side = json_str(st, "side"), *sys = json_str(st, "syscall");
		long long ret = json_int(st, "ret");
		int k = side && strcmp(side, "client") == 0;

		ck_assert_msg(json_str(st, "errno") == NULL, "%s failed", json_str(st, "call"));
		if (side == NULL) {
			/* The parent: socketpair and its closes. */
			ck_assert_str_eq(proto, "socketpair");
			continue;
		}
		ck_assert(strcmp(side, "server") == 0 || strcmp(side, "client") == 0);
		if (strcmp(sys, "socket") == 0 || strcmp(sys, "accept") == 0) {
			check_lowest(st);
			t.sockets[k]++;
		} else if (strcmp(sys, "send") == 0 || strcmp(sys, "sendto") == 0) {
			t.sent[k] += ret;
		} else if (strcmp(sys, "recv") == 0 || strcmp(sys, "recvfrom") == 0) {
			t.received[k] += ret;
		} else if (strcmp(sys, "close") == 0) {
			/* A closed number is gone from the table at once. */
			ck_assert(!in_table(json_get(st, "table"),
					    atoll(strchr(json_str(st, "call"), '(') + 1)));
			t.closes[k]++;
		}
		if (strcmp(sys, "accept") == 0) {
			/* The listening socket stays beside the new one. */
			long long lfd = atoll(strchr(json_str(st, "call"), '(') + 1);

			ck_assert(in_table(json_get(st, "table"), lfd));
			ck_assert_int_ne(lfd, ret);
		}
	}
	ck_assert_int_eq(t.sent[0], 24);
	ck_assert_int_eq(t.received[1], 24);
	ck_assert_int_eq(t.sent[1], 30);
	ck_assert_int_eq(t.received[0], 30);
	ck_assert_int_ge(t.closes[0], 1);
	ck_assert_int_ge(t.closes[1], 1);
	if (strcmp(proto, "socketpair") != 0)
		ck_assert_int_eq(t.sockets[1], 1);
	if (strcmp(proto, "tcp") == 0 || strcmp(proto, "tcp6") == 0 ||
	    strcmp(proto, "unix") == 0)
		ck_assert_int_eq(t.sockets[0], 2);	/* socket and accept */
	json_free(doc);
	run_result_release(&r);
}

START_TEST(test_exchange_every_protocol_json)
{
	static const char *const protos[] = {
		"tcp", "tcp6", "udp", "udp6", "unix", "unix-dgram", "socketpair",
	};
	size_t i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		check_exchange(protos[i]);
}
END_TEST

/* With stdin closed, 0 is the lowest free number: both sides' sockets
 * get it, and the server's accepted connection the next free one. */
START_TEST(test_exchange_with_stdin_closed_uses_zero)
{
	struct bg b;
	char *out, *err;
	struct json *doc;
	const struct json *steps;
	size_t i;
	int sockets = 0;

	bg_start(&b, 0, false, "/bin/sh", "-c", "exec \"$0\" exchange -J <&-",
		 fdscope_bin(), NULL);
	ck_assert_int_eq(bg_finish(&b, 0, &out, &err), 0);
	doc = json_parse(out);
	ck_assert_msg(doc != NULL, "invalid JSON: %s %s", out, err);
	steps = json_get(doc, "steps");
	for (i = 0; i < steps->n; i++) {
		const struct json *st = steps->items[i];

		if (strcmp(json_str(st, "syscall"), "socket") == 0) {
			ck_assert_int_eq(json_int(st, "ret"), 0);
			sockets++;
		}
		if (strcmp(json_str(st, "syscall"), "accept") == 0) {
			ck_assert_str_eq(json_str(st, "call"), "accept(0)");
			check_lowest(st);
		}
	}
	ck_assert_int_eq(sockets, 2);
	json_free(doc);
	free(out);
	free(err);
}
END_TEST

START_TEST(test_exchange_text_is_labelled_and_cleans_up)
{
	struct run_result r;
	const char *line, *bind;
	char dir[256];
	size_t n;

	run_fdscope(&r, "exchange", "--proto", "unix", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	/* Every line belongs to one side, whole: but for the sentence
	 * naming what fdscope inherited, before the first step, and the
	 * headings of the parts. */
	line = strstr(r.out, " open when fdscope started");
	line = line ? strstr(line, "\nserver ") + 1 : r.out;
	for (; *line; line += n + 1) {
		n = strcspn(line, "\n");
		ck_assert_msg(strncmp(line, "server ", 7) == 0 ||
			      strncmp(line, "client ", 7) == 0 ||
			      strncmp(line, "== part ", 8) == 0,
			      "unlabelled line '%.*s'", (int)n, line);
		if (line[n] == '\0')
			break;
	}
	ck_assert(strstr(r.out, ", 5) = 0\n") != NULL);
	ck_assert(strstr(r.out, "never calls listen()") != NULL);
	ck_assert(strstr(r.out, "UNIX-STREAM") != NULL);
	bind = strstr(r.out, "server bind(");
	ck_assert(bind != NULL);
	bind = strchr(bind, '/');
	ck_assert(bind != NULL && sscanf(bind, "%255[^)]", dir) == 1);
	*strrchr(dir, '/') = '\0';
	/* The private directory of the socket file is gone. */
	ck_assert_msg(access(dir, F_OK) < 0 && errno == ENOENT, "%s remains", dir);
	run_result_release(&r);

	run_fdscope(&r, "exchange", "--proto", "pigeon", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert(strstr(r.err, "invalid --proto 'pigeon'") != NULL);
	run_result_release(&r);
	run_fdscope(&r, "exchange", "--port", "-1", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert(strstr(r.err, "invalid --port '-1'") != NULL);
	run_result_release(&r);
}
END_TEST

START_TEST(test_network_commands_have_help)
{
	static const char *const cmds[] = { "exchange", "serve", "connect" };
	struct run_result r;
	size_t i;

	for (i = 0; i < 3; i++) {
		run_fdscope(&r, cmds[i], "--help", NULL);
		ck_assert_int_eq(r.status, 0);
		ck_assert(strncmp(r.out, "Usage: fdscope ", 15) == 0);
		run_result_release(&r);
	}
}
END_TEST

Suite *net_cmds_suite(void)
{
	Suite *s = suite_create("net_cmds");
	TCase *tc = tcase_create("serve_connect");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_serve_once_with_fdscope_connect);
	tcase_add_test(tc, test_serve_with_nc_socat_and_python);
	tcase_add_test(tc, test_serve_raw_client_then_200_concurrent_at_soft_limit_64);
	tcase_add_test(tc, test_serve_idle_timeout_and_byte_cap);
	tcase_add_test(tc, test_serve_udp_and_unix);
	tcase_add_test(tc, test_serve_errors);
	tcase_add_test(tc, test_connect_errors);
	tcase_add_test(tc, test_connect_to_own_hostname);
	tcase_add_test(tc, test_serve_and_exchange_p_is_deprecated_port);
	tcase_add_test(tc, test_connect_to_nc_and_socat_servers);
	suite_add_tcase(s, tc);
	tc = tcase_create("exchange");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_exchange_every_protocol_json);
	tcase_add_test(tc, test_exchange_with_stdin_closed_uses_zero);
	tcase_add_test(tc, test_exchange_text_is_labelled_and_cleans_up);
	tcase_add_test(tc, test_network_commands_have_help);
	suite_add_tcase(s, tc);
	return s;
}
