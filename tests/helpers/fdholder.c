/* A process holding known descriptors for the integration tests: a pipe,
 * a file at a known offset opened O_APPEND, a listening TCP socket on
 * 127.0.0.1, an eventfd, a deleted file, a memfd and a hole in the
 * numbering.  It prints "ready NAME=FD ..." and waits until its stdin
 * closes (at most 60 s), so the test controls its lifetime. */
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *what)
{
	perror(what);
	exit(1);
}

int main(int argc, char **argv)
{
	char path[] = "/tmp/fdholder-XXXXXX", dpath[] = "/tmp/fdholder-del-XXXXXX";
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int p[2], f, s, ev, del, mfd, hole = 77;
	struct pollfd pf = { 0, POLLIN, 0 };
	char buf[64];

	(void)argc;
	(void)argv;
	if (pipe(p) < 0)
		die("pipe");
	f = mkstemp(path);
	if (f < 0 || write(f, "0123456789", 10) != 10)
		die("file");
	close(f);
	f = open(path, O_WRONLY | O_APPEND);
	if (f < 0 || write(f, "abc", 3) != 3)
		die("append");
	unlink(path);
	/* Reopened read-only at offset 4 so POS is not just the file size. */
	s = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 4) < 0)
		die("socket");
	ev = eventfd(3, EFD_NONBLOCK | EFD_CLOEXEC);
	if (ev < 0)
		die("eventfd");
	del = mkstemp(dpath);
	if (del < 0 || unlink(dpath) < 0)
		die("deleted");
	if (lseek(del, 4, SEEK_SET) != 4)
		die("lseek");
	mfd = memfd_create("holder", 0);
	if (mfd < 0)
		die("memfd");
	if (dup2(p[0], hole) < 0)
		die("dup2");
	printf("ready pipe_r=%d pipe_w=%d append=%d sock=%d eventfd=%d deleted=%d memfd=%d hole=%d\n",
	       p[0], p[1], f, s, ev, del, mfd, hole);
	fflush(stdout);
	poll(&pf, 1, 60000);
	while (read(0, buf, sizeof(buf)) > 0)
		;
	return 0;
}
