/* The kernel's floor of decoding a UDP socket and a unix socket read-only
 * (issue 11): what any lister that neither duplicates nor changes the
 * target's descriptors must ask sock_diag for.  One thread asks inet_diag
 * for the UDP sockets of one local port (the kernel walks its whole UDP
 * table to answer: udp_dump filters as it walks), another asks unix_diag
 * for one socket by inode (unix_lookup_by_ino walks every unix socket of
 * the namespace).  Both at once, as `list -p` runs them; nothing printed.
 * The case-scale bench runs it beside lsfd on the many-socket host.
 *
 *   walkfloor UDP_PORT UNIX_INODE */
#include <err.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char replies[2][32768];

/* Sends req and reads replies up to NLMSG_DONE or an answer to a lookup. */
static void ask(int k, const void *req, size_t len, int dump)
{
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	ssize_t n;

	if (fd < 0)
		err(1, "socket");
	if (sendto(fd, req, len, 0, (struct sockaddr *)&nl, sizeof(nl)) < 0)
		err(1, "sendto");
	while ((n = recv(fd, replies[k], sizeof(replies[k]), 0)) > 0) {
		const struct nlmsghdr *h = (const void *)replies[k];

		if (!dump || h->nlmsg_type == NLMSG_DONE ||
		    h->nlmsg_type == NLMSG_ERROR)
			break;
		for (; NLMSG_OK(h, (int)n); h = NLMSG_NEXT(h, n))
			if (h->nlmsg_type == NLMSG_DONE)
				goto done;
	}
done:
	close(fd);
}

static unsigned short udp_port;
static unsigned int unix_ino;

static void *udp_walk(void *arg)
{
	struct {
		struct nlmsghdr h;
		struct inet_diag_req_v2 r;
	} q = {
		.h = { .nlmsg_len = sizeof(q), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1 },
		.r = { .sdiag_family = AF_INET, .sdiag_protocol = IPPROTO_UDP,
		       .idiag_states = ~0u },
	};

	(void)arg;
	q.r.id.idiag_sport = htons(udp_port);
	ask(0, &q, sizeof(q), 1);
	return NULL;
}

static void unix_lookup(void)
{
	struct {
		struct nlmsghdr h;
		struct unix_diag_req r;
	} q = {
		.h = { .nlmsg_len = sizeof(q), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
		       .nlmsg_flags = NLM_F_REQUEST, .nlmsg_seq = 2 },
		.r = { .sdiag_family = AF_UNIX, .udiag_states = ~0u,
		       .udiag_ino = unix_ino,
		       .udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER,
		       .udiag_cookie = { INET_DIAG_NOCOOKIE, INET_DIAG_NOCOOKIE } },
	};

	ask(1, &q, sizeof(q), 0);
}

int main(int argc, char **argv)
{
	pthread_t t;

	if (argc != 3)
		errx(2, "usage: walkfloor UDP_PORT UNIX_INODE");
	udp_port = (unsigned short)strtoul(argv[1], NULL, 10);
	unix_ino = (unsigned int)strtoul(argv[2], NULL, 10);
	if (pthread_create(&t, NULL, udp_walk, NULL) != 0)
		errx(1, "pthread_create");
	unix_lookup();
	pthread_join(t, NULL);
	return 0;
}
