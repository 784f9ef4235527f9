/* Running the installed python3 on one of fdscope's sockets: the child
 * keeps only standard input (/dev/null), its stdout (a pipe to us),
 * standard error and the socket, so Python sees nothing else of ours. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/util.h"
#include "out/escape.h"
#include "teach/tempdir.h"
#include "teach/pyrepr.h"

#define PY_TIMEOUT_MS 5000
#define PY_OUT_MAX 1024

static const char py_script[] =
	"import socket, sys\n"
	"a = [int(x) for x in sys.argv[1:5]]\n"
	"s = socket.socket(a[1], a[2], a[3], fileno=a[0])\n"
	"print(repr(s))\n"
	"s.detach()\n";

/* The child: stdin from /dev/null, stdout to out, the socket at fd. */
__attribute__((noreturn))
static void run_python(int out, int fd, char *const argv[])
{
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (null < 0 || dup2(null, STDIN_FILENO) < 0 ||
	    dup2(out, STDOUT_FILENO) < 0)
		_exit(126);
	/* Everything else of fdscope's stays out of Python. */
	if (fd > 3)
		close_range(3, (unsigned int)fd - 1, 0);
	close_range((unsigned int)fd + 1, ~0U, 0);
	execvp("python3", argv);
	_exit(127);
}

char *pyrepr_python(int fd, int family, int type, int proto)
{
	char a[4][16], buf[PY_OUT_MAX], *nl;
	char script[sizeof(py_script)];
	char *argv[] = { "python3", "-I", "-c", script, a[0], a[1], a[2], a[3],
			 NULL };
	int p[2], status = 0, flags;
	size_t got = 0;
	pid_t pid;

	if (fd < 3) {
		errno = EINVAL;
		return NULL;
	}
	memcpy(script, py_script, sizeof(script));
	snprintf(a[0], sizeof(a[0]), "%d", fd);
	snprintf(a[1], sizeof(a[1]), "%d", family);
	snprintf(a[2], sizeof(a[2]), "%d", type);
	snprintf(a[3], sizeof(a[3]), "%d", proto);
	if (pipe2(p, O_CLOEXEC) < 0)
		return NULL;
	/* The socket must reach Python: its close-on-exec flag goes for the
	 * child only (set again below). */
	flags = fcntl(fd, F_GETFD);
	fflush(stdout);
	fflush(stderr);
	/* A demo killed while Python runs takes Python with it. */
	pid = tempdir_fork();
	if (pid == 0) {
		close(p[0]);
		if (flags >= 0)
			fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
		run_python(p[1], fd, argv);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return NULL;
	}
	for (;;) {
		struct pollfd pf = { p[0], POLLIN, 0 };
		ssize_t r;

		if (poll(&pf, 1, PY_TIMEOUT_MS) <= 0) {
			kill(pid, SIGKILL);
			break;
		}
		r = read(p[0], buf + got, sizeof(buf) - 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
		if (got == sizeof(buf) - 1)
			break;
	}
	buf[got] = '\0';
	close(p[0]);
	if (tempdir_reap(pid, &status) < 0)
		return NULL;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		errno = ENOENT;
		return NULL;
	}
	nl = strchr(buf, '\n');
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || nl == NULL ||
	    strncmp(buf, "<socket.socket ", 15) != 0) {
		errno = EPROTO;
		return NULL;
	}
	*nl = '\0';
	return escape_str(buf);
}

static const char *family_enum(int family)
{
	return family == AF_INET ? "AF_INET" : family == AF_INET6 ? "AF_INET6" :
		family == AF_UNIX ? "AF_UNIX" : "?";
}

static const char *type_enum(int type)
{
	return type == SOCK_STREAM ? "SOCK_STREAM" : type == SOCK_DGRAM ?
		"SOCK_DGRAM" : "?";
}

char *pyrepr_article(int fd, int family, int type, int proto)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[INET6_ADDRSTRLEN] = "", *out = NULL;
	size_t olen = 0;

	xappendf(&out, &olen, "<socket.socket fd=%d, family=AddressFamily.%s, "
		 "type=SocketKind.%s, proto=%d", fd, family_enum(family),
		 type_enum(type), proto);
	memset(&ss, 0, sizeof(ss));
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0) {
		if (ss.ss_family == AF_INET) {
			const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;

			inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
			xappendf(&out, &olen, ", laddr=('%s', %u)", host,
				 ntohs(in->sin_port));
		} else if (ss.ss_family == AF_INET6) {
			const struct sockaddr_in6 *in6 =
				(const struct sockaddr_in6 *)&ss;

			inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
			xappendf(&out, &olen, ", laddr=('%s', %u, %u, %u)", host,
				 ntohs(in6->sin6_port), ntohl(in6->sin6_flowinfo),
				 in6->sin6_scope_id);
		}
	}
	xappendf(&out, &olen, ">");
	return out;
}
