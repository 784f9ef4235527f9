/* Sockets for the network commands.  Errors come back as whole sentences
 * because the caller prints them as the one line a failure gets. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"
#include "out/escape.h"
#include "net/netaddr.h"
#include "net/sock.h"

long long net_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *net_hint(int err)
{
	switch (err) {
	case EADDRINUSE:
		return ": another socket uses that address; pick another port "
			"(--port 0 takes any free one)";
	case EACCES:
	case EPERM:
		return ": ports below net.ipv4.ip_unprivileged_port_start "
			"(usually 1024) need root or CAP_NET_BIND_SERVICE";
	case EADDRNOTAVAIL:
		return ": that address does not belong to this machine";
	case ECONNREFUSED:
		return ": nothing is listening there";
	case ENETUNREACH:
	case EHOSTUNREACH:
		return ": no route to that address from this machine";
	case ETIMEDOUT:
		return ": no answer within the timeout (--timeout)";
	default:
		return "";
	}
}

/* The user's host name or path inside a message, escaped and shortened
 * to what a one-line message needs. */
static const char *shown(const char *text, char *buf, size_t len)
{
	escape_into(buf, len, text, strlen(text));
	return buf;
}

const char *net_hint_for(const struct sockaddr *sa, int err, bool binding)
{
	if (sa->sa_family != AF_UNIX)
		return net_hint(err);
	switch (err) {
	case EACCES:
	case EPERM:
		return binding ? ": its directory is not writable (or not "
			"searchable) by this user; choose a --path in a "
			"directory you own" : ": the socket file or its "
			"directory does not let this user in";
	case ENOENT:
	case ENOTDIR:
		return binding ? ": its directory does not exist" :
			": no such socket file";
	case EROFS:
		return ": its file system is read-only";
	case ECONNREFUSED:
		return ": nothing is listening there";
	default:
		return "";
	}
}

static void say(char *why, size_t len, const char *what,
		const struct sockaddr *sa, socklen_t salen, int err)
{
	char addr[NETADDR_STRLEN];

	netaddr_format(sa, salen, addr, sizeof(addr));
	snprintf(why, len, "cannot %s %s: %s%s", what, addr, strerror(err),
		 net_hint_for(sa, err, strcmp(what, "bind") == 0));
}

/* socket, SO_REUSEADDR, bind, listen on one address.  -1 with errno and
 * *step naming the call that failed. */
static int open_bound(const struct sockaddr *sa, socklen_t salen, int socktype,
		      int backlog, const char **step)
{
	int fd, one = 1, saved;

	*step = "create a socket for";
	fd = socket(sa->sa_family, socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	/* For a TCP listener SO_REUSEADDR only skips TIME_WAIT; on UDP it
	 * would let another socket bind the same port and take datagrams. */
	if (sa->sa_family != AF_UNIX && socktype == SOCK_STREAM)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	*step = "bind";
	if (bind(fd, sa, salen) < 0)
		goto fail;
	*step = "listen on";
	if (socktype == SOCK_STREAM && listen(fd, backlog) < 0)
		goto fail;
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

int net_listen_inet(const char *host, const char *port, int family,
		    int socktype, int backlog, char *why, size_t whylen)
{
	struct addrinfo *res = NULL, *ai;
	const char *gai_why, *step = "bind";
	char esc[NETADDR_STRLEN];
	int fd = -1;

	if (strcmp(host, "*") == 0)
		host = NULL;
	if (netaddr_resolve(host, port, family, socktype, AI_PASSIVE, &res,
			    &gai_why) < 0) {
		snprintf(why, whylen, "cannot resolve '%s': %s",
			 shown(host ? host : "*", esc, sizeof(esc)), gai_why);
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = open_bound(ai->ai_addr, ai->ai_addrlen, socktype, backlog,
				&step);
		if (fd >= 0)
			break;
		say(why, whylen, step, ai->ai_addr, ai->ai_addrlen, errno);
	}
	freeaddrinfo(res);
	return fd;
}

int net_unix_addr(const char *path, struct sockaddr_storage *ss,
		  socklen_t *len)
{
	struct sockaddr_un *un = (struct sockaddr_un *)ss;
	size_t n = strlen(path);

	memset(ss, 0, sizeof(*ss));
	un->sun_family = AF_UNIX;
	if (n == 0 || n >= sizeof(un->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(un->sun_path, path, n);
	if (path[0] == '@') {
		un->sun_path[0] = '\0';
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	} else {
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	}
	return 0;
}

/* What is at path: 1 a socket nobody listens on (connect refused), 0 a
 * live socket or something else, -1 nothing (or cannot tell). */
static int stale_socket(const struct sockaddr *sa, socklen_t len,
			const char *path, int socktype)
{
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) < 0)
		return -1;
	if (!S_ISSOCK(st.st_mode))
		return 0;
	fd = socket(AF_UNIX, socktype | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	rc = net_connect_timeout(fd, sa, len, 1000);
	close(fd);
	return rc < 0 && errno == ECONNREFUSED ? 1 : 0;
}

int net_listen_unix(const char *path, int socktype, int backlog,
		    char *why, size_t whylen, char *note, size_t notelen)
{
	struct sockaddr_storage ss;
	socklen_t len;
	const char *step;
	char esc[NETADDR_STRLEN];
	int fd, stale;

	if (notelen)
		note[0] = '\0';
	if (net_unix_addr(path, &ss, &len) < 0) {
		snprintf(why, whylen, "cannot use '%s' as a unix socket path: "
			 "empty or longer than %zu bytes",
			 shown(path, esc, sizeof(esc)),
			 sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
		return -1;
	}
	fd = open_bound((struct sockaddr *)&ss, len, socktype, backlog, &step);
	if (fd >= 0 || errno != EADDRINUSE)
		goto done;
	stale = path[0] == '@' ? 0 : stale_socket((struct sockaddr *)&ss, len,
						   path, socktype);
	/* A dead server's socket file: connecting is refused, so nobody is
	 * served there; it is replaced, and said so. */
	if (stale == 1 && unlink(path) == 0) {
		snprintf(note, notelen, "note: removed the stale socket file %s "
			 "(nothing was listening on it)",
			 shown(path, esc, sizeof(esc)));
		fd = open_bound((struct sockaddr *)&ss, len, socktype, backlog,
				&step);
		goto done;
	}
	snprintf(why, whylen, "cannot bind %s: %s; remove it or choose another "
		 "--path", shown(path, esc, sizeof(esc)),
		 path[0] == '@' ? "the abstract name is taken" :
		 stale == 0 ? "a server is listening there, or the name is not "
		 "a socket" : "the name exists already");
	return -1;
done:
	if (fd < 0)
		say(why, whylen, step, (struct sockaddr *)&ss, len, errno);
	return fd;
}

int net_connect_timeout(int fd, const struct sockaddr *sa, socklen_t len,
			int timeout_ms)
{
	int flags = fcntl(fd, F_GETFL), err = 0, rc;
	socklen_t elen = sizeof(err);
	struct pollfd p = { fd, POLLOUT, 0 };

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -1;
	rc = connect(fd, sa, len);
	if (rc < 0 && errno == EINPROGRESS) {
		do
			rc = poll(&p, 1, timeout_ms);
		while (rc < 0 && errno == EINTR);
		/* SO_ERROR holds the outcome once poll says the socket is
		 * writable; errno names a failure of poll or getsockopt. */
		if (rc == 0)
			err = ETIMEDOUT;
		else if (rc < 0 ||
			 getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
			err = errno;
	} else if (rc < 0) {
		err = errno;
	}
	fcntl(fd, F_SETFL, flags);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

int net_connect_inet(const char *host, const char *port, int socktype,
		     int timeout_ms, char *why, size_t whylen)
{
	struct addrinfo *res = NULL, *ai;
	const char *gai_why;
	char esc[NETADDR_STRLEN];
	int fd = -1;

	if (netaddr_resolve(host, port, AF_UNSPEC, socktype, 0, &res,
			    &gai_why) < 0) {
		snprintf(why, whylen, "cannot resolve '%s': %s",
			 shown(host, esc, sizeof(esc)), gai_why);
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0) {
			say(why, whylen, "create a socket for", ai->ai_addr,
			    ai->ai_addrlen, errno);
			continue;
		}
		if (net_connect_timeout(fd, ai->ai_addr, ai->ai_addrlen,
					timeout_ms) == 0)
			break;
		say(why, whylen, "connect to", ai->ai_addr, ai->ai_addrlen, errno);
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}
