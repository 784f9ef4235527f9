/* TCP and UDP sockets read through a duplicate of the holder's descriptor,
 * only when FDSCOPE_INET_LOOKUP=copy asks for it.  getsockname,
 * getpeername and getsockopt change nothing, and the duplicate is closed
 * at once; but that close is the socket's last when the holder closed
 * every descriptor of it meanwhile, and the FIN or the port's release then
 * comes from fdscope's close, later than the holder asked.  Listing must
 * never change the target, so the default is the dump. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/sockios.h>

#include "net/sockdup.h"

int sockdup_pidfd(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

bool sockdup_wanted(void)
{
	const char *v = getenv("FDSCOPE_INET_LOOKUP");

	return v != NULL && strcmp(v, "copy") == 0;
}

static int int_opt(int fd, int level, int name, int *v)
{
	socklen_t len = sizeof(*v);

	return getsockopt(fd, level, name, v, &len);
}

/* An address as inet_diag reports it: family, port and address only. */
static bool inet_addr_of(const struct sockaddr_storage *ss, socklen_t len,
			 int family, struct sockaddr *out, size_t outsize,
			 socklen_t *outlen)
{
	size_t want = family == AF_INET6 ? sizeof(struct sockaddr_in6) :
		sizeof(struct sockaddr_in);

	if ((family != AF_INET && family != AF_INET6) || len < want)
		return false;
	memset(out, 0, outsize);
	memcpy(out, ss, want);
	if (family == AF_INET6) {
		struct sockaddr_in6 *b = (struct sockaddr_in6 *)out;

		b->sin6_flowinfo = 0;
		b->sin6_scope_id = 0;
	}
	*outlen = (socklen_t)want;
	return true;
}

static in_port_t port_of(const struct sockaddr *ss)
{
	return ss->sa_family == AF_INET6 ?
		((const struct sockaddr_in6 *)ss)->sin6_port :
		((const struct sockaddr_in *)ss)->sin_port;
}

/* The duplicate's netns is the socket's own (SIOCGSKNS). */
static bool in_netns(int fd, unsigned long long netns_ino)
{
	struct stat st;
	int nsfd, rc;

	if (netns_ino == 0)
		return true;
	nsfd = ioctl(fd, SIOCGSKNS);
	if (nsfd < 0)
		return false;
	rc = fstat(nsfd, &st);
	close(nsfd);
	return rc == 0 && (unsigned long long)st.st_ino == netns_ino;
}

static enum sockdup_result read_socket(int fd, unsigned long long ino,
				       unsigned long long netns_ino,
				       struct sock_info *si)
{
	/* Zeroed: the kernel fills only what the family uses. */
	struct sockaddr_storage ss = { 0 };
	socklen_t len = sizeof(ss);
	struct stat st;
	int family, type, proto;

	/* The descriptor may name another file since it was listed. */
	if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode) ||
	    (unsigned long long)st.st_ino != ino ||
	    int_opt(fd, SOL_SOCKET, SO_DOMAIN, &family) < 0 ||
	    int_opt(fd, SOL_SOCKET, SO_TYPE, &type) < 0 ||
	    int_opt(fd, SOL_SOCKET, SO_PROTOCOL, &proto) < 0 ||
	    (family != AF_INET && family != AF_INET6) ||
	    (proto != IPPROTO_TCP && proto != IPPROTO_UDP) ||
	    !in_netns(fd, netns_ino))
		return SOCKDUP_FAILED;
	memset(si, 0, sizeof(*si));
	si->ino = ino;
	si->family = family;
	si->type = proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM;
	si->proto = proto;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0 ||
	    !inet_addr_of(&ss, len, family, &si->local.sa,
			      sizeof(si->local), &si->local_len))
		return SOCKDUP_FAILED;
	if (port_of(&si->local.sa) == 0)
		return SOCKDUP_UNBOUND;
	memset(&ss, 0, sizeof(ss));
	len = sizeof(ss);
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0) {
		if (!inet_addr_of(&ss, len, family, &si->remote.sa,
				  sizeof(si->remote), &si->remote_len))
			return SOCKDUP_FAILED;
	} else if (errno != ENOTCONN) {
		return SOCKDUP_FAILED;
	}
	if (proto == IPPROTO_TCP) {
		struct tcp_info ti;
		socklen_t tlen = sizeof(ti);

		if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &tlen) < 0 ||
		    tlen < 1)
			return SOCKDUP_FAILED;
		si->state = ti.tcpi_state;
		/* Bound only: inet_diag's name for it varies by kernel. */
		if (si->state == TCP_CLOSE)
			return SOCKDUP_FAILED;
	} else {
		/* UDP's sk_state, as inet_diag gives it. */
		si->state = si->remote_len ? TCP_ESTABLISHED : TCP_CLOSE;
	}
	return SOCKDUP_DECODED;
}

enum sockdup_result sockdup_read(int pidfd, int fd, unsigned long long ino,
				 unsigned long long netns_ino,
				 struct sock_info *si)
{
	int dup = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	enum sockdup_result r;

	if (dup < 0)
		return SOCKDUP_FAILED;
	r = read_socket(dup, ino, netns_ino, si);
	close(dup);
	return r;
}
