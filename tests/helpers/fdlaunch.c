/* Starts a program from a known descriptor table: everything above 2
 * closed, then /dev/null placed at each -x FD (inherited, not
 * close-on-exec), stdin closed with -c, the soft RLIMIT_NOFILE set with
 * -s.  Usage: fdlaunch [-c] [-x FD]... [-s SOFT] PROG [ARGS...] */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int extras[64], nextra = 0, close_stdin = 0, c, i, fd;
	long soft = -1;

	while ((c = getopt(argc, argv, "+cx:s:")) != -1) {
		switch (c) {
		case 'c':
			close_stdin = 1;
			break;
		case 'x':
			if (nextra < 64)
				extras[nextra++] = atoi(optarg);
			break;
		case 's':
			soft = atol(optarg);
			break;
		default:
			return 127;
		}
	}
	if (optind >= argc)
		return 127;
	for (fd = 3; fd < 1024; fd++)
		close(fd);
	for (i = 0; i < nextra; i++) {
		int n = open("/dev/null", O_RDONLY);

		if (n < 0 || (n != extras[i] && (dup2(n, extras[i]) < 0 || close(n) < 0)))
			return 126;
	}
	if (close_stdin)
		close(0);
	if (soft >= 0) {
		struct rlimit rl;

		getrlimit(RLIMIT_NOFILE, &rl);
		rl.rlim_cur = (rlim_t)soft;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			return 125;
	}
	execv(argv[optind], argv + optind);
	perror("fdlaunch: execv");
	return 127;
}
