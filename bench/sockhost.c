/* Sockets for the many-socket host of the scale benchmark (issue 11):
 * about N sockets on loopback, a third each TCP (connected pairs: the
 * client and the accepted end), UDP (bound to 127.0.0.1) and unix
 * (socketpairs).  Prints its PID and "ready N" and waits for SIGTERM, its
 * parent's death, or SECONDS (default 900).
 *
 *   sockhost [-t SECONDS] N */
#include <arpa/inet.h>
#include <err.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static void raise_limit(long want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		err(1, "getrlimit");
	if (rl.rlim_max != RLIM_INFINITY && (long)rl.rlim_max < want)
		errx(1, "%ld descriptors do not fit the hard limit %ld", want,
		     (long)rl.rlim_max);
	rl.rlim_cur = (rlim_t)want;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		err(1, "setrlimit");
}

int main(int argc, char **argv)
{
	struct sockaddr_in in = { .sin_family = AF_INET };
	socklen_t len = sizeof(in);
	unsigned int seconds = 900;
	long n, made = 0;
	int l, c;

	while ((c = getopt(argc, argv, "t:")) != -1) {
		if (c != 't')
			errx(2, "usage: sockhost [-t SECONDS] N");
		seconds = (unsigned int)strtoul(optarg, NULL, 10);
	}
	if (optind + 1 != argc || (n = strtol(argv[optind], NULL, 10)) < 3)
		errx(2, "usage: sockhost [-t SECONDS] N (N >= 3)");
	raise_limit(n + 16);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((l = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    bind(l, (struct sockaddr *)&in, sizeof(in)) != 0 ||
	    listen(l, 4096) != 0 ||
	    getsockname(l, (struct sockaddr *)&in, &len) != 0)
		err(1, "listener");
	made = 1;
	while (made + 2 <= n / 3) {
		int s = socket(AF_INET, SOCK_STREAM, 0), a;

		if (s < 0 || connect(s, (struct sockaddr *)&in, sizeof(in)) != 0 ||
		    (a = accept(l, NULL, NULL)) < 0)
			err(1, "tcp pair %ld", made);
		made += 2;
	}
	in.sin_port = 0;
	while (made < 2 * n / 3) {
		int u = socket(AF_INET, SOCK_DGRAM, 0);

		if (u < 0 || bind(u, (struct sockaddr *)&in, sizeof(in)) != 0)
			err(1, "udp %ld", made);
		made++;
	}
	while (made + 2 <= n) {
		int sp[2];

		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) != 0)
			err(1, "socketpair %ld", made);
		made += 2;
	}
	/* An odd count: one unbound unix datagram socket more. */
	while (made < n) {
		if (socket(AF_UNIX, SOCK_DGRAM, 0) < 0)
			err(1, "unix %ld", made);
		made++;
	}
	printf("%ld\nready %ld\n", (long)getpid(), made);
	fflush(stdout);
	alarm(seconds);
	pause();
	return 0;
}
