/* A leaking process for `fdscope watch` tests: every 100 ms it opens 5
 * descriptors (a pipe, a unix socket pair, a UDP socket: each a new inode,
 * so a reused number always names something new) and closes the 2 oldest
 * it still holds (3 per 100 ms net, 30 per second), on a fixed schedule.
 * Before it is ready it opens WARMUP descriptors, so that what a round
 * closes was opened at least 400 ms before: a watcher sampling more often
 * sees every open and every close.  Every 500 ms it puts
 * /dev/null or /dev/zero, by turns, under descriptor 200 with dup2.  It
 * prints "ready fixed=200" and runs for at most 200 rounds (20 s) or
 * until its stdin closes. */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 200
#define WARMUP 20

int main(void)
{
	static int held[WARMUP + ROUNDS * 5];
	size_t nheld = 0, oldest = 0;
	struct timespec due;
	int round, i;

	if (dup2(open("/dev/zero", O_RDONLY), 200) < 0)
		return 1;
	while (nheld < WARMUP) {
		int p[2];

		if (pipe(p) < 0)
			return 1;
		held[nheld++] = p[0];
		held[nheld++] = p[1];
	}
	printf("ready fixed=200\n");
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &due);
	for (round = 0; round < ROUNDS; round++) {
		struct pollfd pf = { 0, POLLIN, 0 };
		int fd, p[2], sp[2];

		if (poll(&pf, 1, 0) > 0)
			break;

		if (pipe(p) < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0 ||
		    (fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
			return 1;
		held[nheld++] = p[0];
		held[nheld++] = p[1];
		held[nheld++] = sp[0];
		held[nheld++] = sp[1];
		held[nheld++] = fd;
		for (i = 0; i < 2; i++)
			close(held[oldest++]);
		if (round % 5 == 4) {
			fd = open(round % 10 == 4 ? "/dev/null" : "/dev/zero", O_RDONLY);
			dup2(fd, 200);
			close(fd);
		}
		due.tv_nsec += 100 * 1000 * 1000;
		if (due.tv_nsec >= 1000000000L) {
			due.tv_sec++;
			due.tv_nsec -= 1000000000L;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL);
	}
	return 0;
}
