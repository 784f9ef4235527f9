/* A process that holds a realistic mix of open descriptors for the benchmark
 * and the scale test: regular files at various offsets and with various
 * flags, pipes, TCP listeners and connected pairs on 127.0.0.1, UDP, unix
 * stream and datagram sockets, eventfd and epoll.
 *
 *   holder [-t SECONDS] [-d DIR] N
 *
 * N counts every descriptor the holder has open when it is ready, stdin,
 * stdout and stderr included.  The soft RLIMIT_NOFILE is raised as far as the
 * hard limit allows; an N that does not fit is an error, not a silent cap.
 * Once ready it prints its PID on one line and "ready N" on the next, then
 * waits for SIGTERM, SIGINT, SIGHUP, its parent's death or SECONDS (default
 * 600), removes its files and exits. */
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define NFILES 16
#define FILE_SIZE 65536

struct holder {
	char dir[PATH_MAX];
	char files[NFILES][PATH_MAX + 16];
	int nfiles;
	int open;		/* descriptors open now */
	int want;
	int listener;		/* the TCP listener the pairs connect to */
	struct sockaddr_in laddr;
	int epfd;		/* the first epoll instance, watching a few */
	unsigned long seq;
};

static void usage(void)
{
	fprintf(stderr, "usage: holder [-t SECONDS] [-d DIR] N\n");
	exit(2);
}

static long parse_num(const char *s, long lo, long hi, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		errx(2, "invalid %s '%s': expected %ld to %ld", what, s, lo, hi);
	return v;
}

/* The descriptors are counted from /proc/self/fd after the set-up, so that
 * whatever the caller passed in (a pipe on stdout, a leaked descriptor) is
 * part of N. */
static int count_open(void)
{
	int n = 0, fd, top = getdtablesize();

	for (fd = 0; fd < top; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

static void raise_limit(int want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		err(1, "getrlimit");
	/* A margin for the holder's own short-lived descriptors. */
	if (rl.rlim_max != RLIM_INFINITY && (rlim_t)want + 8 > rl.rlim_max)
		errx(1, "cannot hold %d descriptors: the hard RLIMIT_NOFILE is "
		     "%llu (ask for at most %llu)", want,
		     (unsigned long long)rl.rlim_max,
		     (unsigned long long)rl.rlim_max - 8);
	if (rl.rlim_cur < (rlim_t)want + 8) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			err(1, "setrlimit(RLIMIT_NOFILE, %llu)",
			    (unsigned long long)rl.rlim_cur);
	}
}

static void make_files(struct holder *h)
{
	static char block[FILE_SIZE];
	/* A copy: GCC's -Wrestrict cannot tell h->dir from h->files[i]. */
	static char dir[PATH_MAX];
	int i;

	memcpy(dir, h->dir, sizeof(dir));
	memset(block, 'x', sizeof(block));
	for (i = 0; i < NFILES; i++) {
		int fd;

		int n = snprintf(h->files[i], sizeof(h->files[i]),
				 "%.*s/data-%02u.bin", PATH_MAX - 1, dir,
				 (unsigned int)i % 100u);

		if (n < 0 || (size_t)n >= sizeof(h->files[i]))
			errx(1, "directory name too long: '%s'", dir);
		fd = open(h->files[i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			  0644);
		if (fd < 0)
			err(1, "open '%s'", h->files[i]);
		if (write(fd, block, sizeof(block)) != (ssize_t)sizeof(block))
			err(1, "write '%s'", h->files[i]);
		close(fd);
		h->nfiles++;
	}
}

static void remove_files(struct holder *h)
{
	int i;

	for (i = 0; i < h->nfiles; i++)
		unlink(h->files[i]);
	if (h->dir[0])
		rmdir(h->dir);
}

static void got(struct holder *h, int fd, const char *what)
{
	if (fd < 0)
		err(1, "%s (after %d descriptors)", what, h->open);
	h->open++;
}

/* A regular file: read-only, read-write or append, at an offset that
 * differs from one open to the next. */
static void open_file(struct holder *h)
{
	static const int modes[] = {
		O_RDONLY, O_RDWR, O_RDONLY | O_CLOEXEC, O_WRONLY | O_APPEND,
		O_RDONLY | O_NONBLOCK,
	};
	unsigned long k = h->seq++;
	int fd = open(h->files[k % NFILES], modes[k % 5]);

	got(h, fd, "open");
	if (!(modes[k % 5] & O_APPEND) &&
	    lseek(fd, (off_t)((k * 4099) % FILE_SIZE), SEEK_SET) < 0)
		err(1, "lseek");
}

static void open_pipe(struct holder *h)
{
	int p[2];

	if (pipe2(p, h->seq++ % 2 ? O_CLOEXEC : 0) < 0)
		err(1, "pipe (after %d descriptors)", h->open);
	h->open += 2;
}

static void open_listener(struct holder *h)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	got(h, fd, "socket(AF_INET, SOCK_STREAM)");
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fd, 64) < 0)
		err(1, "bind/listen on 127.0.0.1");
	if (h->listener < 0) {
		socklen_t len = sizeof(h->laddr);

		h->listener = fd;
		if (getsockname(fd, (struct sockaddr *)&h->laddr, &len) < 0)
			err(1, "getsockname");
	}
}

static void open_tcp_pair(struct holder *h)
{
	int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), s;

	got(h, c, "socket(AF_INET, SOCK_STREAM)");
	if (connect(c, (struct sockaddr *)&h->laddr, sizeof(h->laddr)) < 0)
		err(1, "connect to 127.0.0.1:%u", ntohs(h->laddr.sin_port));
	s = accept4(h->listener, NULL, NULL, SOCK_CLOEXEC);
	got(h, s, "accept");
	/* A few bytes in flight, so queues are not all empty. */
	if (h->seq++ % 4 == 0 && write(c, "ping", 4) != 4)
		err(1, "write to a TCP socket");
}

static void open_udp(struct holder *h)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	got(h, fd, "socket(AF_INET, SOCK_DGRAM)");
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		err(1, "bind UDP on 127.0.0.1");
}

static void open_unix_pair(struct holder *h, int type)
{
	int sv[2];

	if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) < 0)
		err(1, "socketpair (after %d descriptors)", h->open);
	h->open += 2;
}

static void open_eventfd(struct holder *h)
{
	got(h, eventfd((unsigned int)(h->seq++ % 100), EFD_CLOEXEC), "eventfd");
}

static void open_epoll(struct holder *h)
{
	int fd = epoll_create1(EPOLL_CLOEXEC);

	got(h, fd, "epoll_create1");
	if (h->epfd < 0) {
		int i;

		h->epfd = fd;
		/* Watch the listener and a few others, so that the first
		 * epoll's fdinfo has tfd lines. */
		for (i = 3; i < fd && i < 40; i++) {
			struct epoll_event ev = { .events = EPOLLIN, .data.fd = i };

			epoll_ctl(fd, EPOLL_CTL_ADD, i, &ev);
		}
	}
}

/* One round of the mix: 20 descriptors, files the most common kind as in
 * real servers, then sockets of every sort, then the rest. */
static void open_round(struct holder *h)
{
	int i;

	for (i = 0; i < 6 && h->open < h->want; i++)
		open_file(h);
	if (h->want - h->open >= 2)
		open_pipe(h);
	if (h->want - h->open >= 2)
		open_tcp_pair(h);
	if (h->want - h->open >= 2)
		open_tcp_pair(h);
	if (h->open < h->want && h->seq % 8 == 0)
		open_listener(h);
	else if (h->open < h->want)
		open_file(h);
	if (h->open < h->want)
		open_udp(h);
	if (h->want - h->open >= 2)
		open_unix_pair(h, SOCK_STREAM);
	if (h->want - h->open >= 2)
		open_unix_pair(h, SOCK_DGRAM);
	if (h->open < h->want)
		open_eventfd(h);
	if (h->open < h->want)
		open_epoll(h);
	while (h->open < h->want && h->open % 20 != 0)
		open_file(h);
}

/* Closing a connected TCP socket leaves it in TIME_WAIT for a minute, where
 * it would still be in the next run's socket dumps: every benchmark would
 * pay for the previous one.  An abortive close (SO_LINGER 0) leaves none. */
static void abort_tcp(void)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int fd, top = getdtablesize();

	for (fd = 3; fd < top; fd++) {
		int proto;
		socklen_t len = sizeof(proto);

		if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) == 0 &&
		    proto == IPPROTO_TCP)
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
}

static void end_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGALRM);
}

static void wait_for_end(unsigned int seconds)
{
	sigset_t set;
	int sig;

	end_signals(&set);
	alarm(seconds);
	sigwait(&set, &sig);
}

int main(int argc, char **argv)
{
	struct holder h = { .listener = -1, .epfd = -1 };
	unsigned int seconds = 600;
	sigset_t set;
	const char *base = getenv("TMPDIR");
	int c;

	while ((c = getopt(argc, argv, "t:d:")) != -1) {
		switch (c) {
		case 't':
			seconds = (unsigned int)parse_num(optarg, 1, 86400, "seconds");
			break;
		case 'd':
			base = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind + 1 != argc)
		usage();
	h.want = (int)parse_num(argv[optind], 20, 1 << 20, "descriptor count");
	/* Signals are blocked before anything is created, so that a TERM
	 * during set-up still reaches the clean-up. */
	end_signals(&set);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		err(1, "sigprocmask");
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0)
		err(1, "prctl(PR_SET_PDEATHSIG)");
	raise_limit(h.want);
	snprintf(h.dir, sizeof(h.dir), "%s/fdscope-holder.XXXXXX",
		 base && *base ? base : "/tmp");
	if (mkdtemp(h.dir) == NULL)
		err(1, "mkdtemp '%s'", h.dir);
	make_files(&h);
	h.open = count_open();
	if (h.open >= h.want) {
		remove_files(&h);
		errx(1, "%d descriptors are open already; ask for more", h.open);
	}
	open_listener(&h);
	while (h.open < h.want)
		open_round(&h);
	if (count_open() != h.want) {
		remove_files(&h);
		errx(1, "opened %d descriptors, not %d", count_open(), h.want);
	}
	printf("%ld\nready %d\n", (long)getpid(), h.want);
	if (fflush(stdout) != 0)
		warn("stdout");
	wait_for_end(seconds);
	abort_tcp();
	remove_files(&h);
	return 0;
}
