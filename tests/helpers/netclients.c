/* Test helper: N concurrent TCP clients of the article's protocol against
 * HOST PORT, all driven by one poll loop: each reads the greeting, sends a
 * message, shuts down its write side and reads to the end of stream.
 * Prints "served=S closed=C failed=F" where served clients got the whole
 * greeting and a clean end, closed ones were ended by the server before a
 * greeting (end of stream or reset) and failed ones neither. */
#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXC 1000

struct cl {
	int fd;
	size_t got;		/* greeting bytes */
	int sent;
	int done;		/* 1 served, 2 closed, 3 failed */
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	static struct cl c[MAXC];
	static struct pollfd p[MAXC];
	static const char msg[] = "Message sent from client-side.";
	struct sockaddr_in sa = { .sin_family = AF_INET };
	size_t glen;
	int n, i, left, served = 0, closed = 0, failed = 0;
	long long deadline;

	if (argc != 6) {
		fprintf(stderr, "usage: netclients HOST PORT N GREETING_LEN TIMEOUT_S\n");
		return 2;
	}
	inet_pton(AF_INET, argv[1], &sa.sin_addr);
	sa.sin_port = htons((unsigned short)atoi(argv[2]));
	n = atoi(argv[3]);
	glen = (size_t)atoi(argv[4]);
	deadline = now_ms() + atoi(argv[5]) * 1000LL;
	if (n < 1 || n > MAXC)
		return 2;
	for (i = 0; i < n; i++) {
		c[i].fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (c[i].fd < 0 || (connect(c[i].fd, (struct sockaddr *)&sa,
					    sizeof(sa)) < 0 && errno != EINPROGRESS)) {
			c[i].done = 3;
			if (c[i].fd >= 0)
				close(c[i].fd);
			c[i].fd = -1;
		}
	}
	for (left = n; left > 0 && now_ms() < deadline;) {
		left = 0;
		for (i = 0; i < n; i++) {
			p[i].fd = c[i].done ? -1 : c[i].fd;
			p[i].events = POLLIN;
			p[i].revents = 0;
			if (!c[i].done)
				left++;
		}
		if (left == 0 || poll(p, (nfds_t)n, 200) < 0)
			break;
		for (i = 0; i < n; i++) {
			char buf[4096];
			ssize_t r;

			if (c[i].done || p[i].revents == 0)
				continue;
			r = recv(c[i].fd, buf, sizeof(buf), 0);
			if (r < 0 && errno == EAGAIN)
				continue;
			if (r > 0) {
				c[i].got += (size_t)r;
				if (c[i].got >= glen && !c[i].sent) {
					send(c[i].fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL);
					shutdown(c[i].fd, SHUT_WR);
					c[i].sent = 1;
				}
				continue;
			}
			/* End of stream or an error: the server ended it. */
			c[i].done = c[i].got >= glen && c[i].sent && r == 0 ? 1 : 2;
			close(c[i].fd);
			c[i].fd = -1;
		}
	}
	for (i = 0; i < n; i++) {
		if (c[i].done == 0) {
			c[i].done = 3;
			close(c[i].fd);
		}
		served += c[i].done == 1;
		closed += c[i].done == 2;
		failed += c[i].done == 3;
	}
	printf("served=%d closed=%d failed=%d\n", served, closed, failed);
	return 0;
}
