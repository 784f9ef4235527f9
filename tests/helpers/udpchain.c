/* A long chain of bound UDP sockets under churn, for the re-dump test:
 * N UDP sockets bound to one port of 127.0.0.1 (SO_REUSEPORT), so that
 * the kernel keeps them in one hash chain that a dump crosses in several
 * batches, and a child that keeps binding and closing more sockets on
 * that port at the chain's head, which makes a dump skip one of the N
 * now and then.
 *
 *   udpchain N
 *
 * Prints "ready port=P churner=PID" and waits until its stdin closes (at
 * most 60 s); the churner stops with it. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RING 8
#define CHURN_SECONDS 60

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* A UDP socket on 127.0.0.1:port (0: any), sharing it; -1 on failure. */
static int bound_udp(unsigned short port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1;

	if (fd < 0)
		return -1;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Opens one, closes the oldest of RING: the chain's length goes up and
 * down by one at its head, ahead of any dump's resume point. */
static void churn(unsigned short port)
{
	int ring[RING], i, k = 0;
	time_t end = time(NULL) + CHURN_SECONDS;

	for (i = 0; i < RING; i++)
		ring[i] = -1;
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	while (time(NULL) < end && getppid() != 1) {
		if (ring[k] >= 0)
			close(ring[k]);
		ring[k] = bound_udp(port);
		k = (k + 1) % RING;
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	unsigned short port;
	long n, i;
	pid_t churner;
	int *fds;

	if (argc != 2 || (n = strtol(argv[1], NULL, 10)) < 1 || n > 4000) {
		fprintf(stderr, "usage: udpchain N (1-4000)\n");
		return 2;
	}
	fds = calloc((size_t)n, sizeof(*fds));
	if (fds == NULL)
		die("calloc");
	fds[0] = bound_udp(0);
	if (fds[0] < 0 ||
	    getsockname(fds[0], (struct sockaddr *)&sin, &len) < 0)
		die("udp");
	port = ntohs(sin.sin_port);
	for (i = 1; i < n; i++)
		if ((fds[i] = bound_udp(port)) < 0)
			die("udp");
	churner = fork();
	if (churner < 0)
		die("fork");
	if (churner == 0) {
		/* Its copies of the N would be listed with them: closed. */
		for (i = 0; i < n; i++)
			close(fds[i]);
		churn(port);
	}
	printf("ready port=%u churner=%ld\n", port, (long)churner);
	fflush(stdout);
	poll(&pfd, 1, CHURN_SECONDS * 1000);
	kill(churner, SIGTERM);
	waitpid(churner, NULL, 0);
	free(fds);
	return 0;
}
