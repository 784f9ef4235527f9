/* A live process whose main thread has called pthread_exit: the kernel
 * shows its leader as a zombie while another thread keeps the descriptor
 * table open.  Opens N descriptors (argv[1], default 5) on /dev/null,
 * starts a thread, and the main thread exits.  The thread prints "ready
 * pid=P tid=T fds=N highest=H" and waits until stdin closes (at most 60 s).
 * With "live" as argv[2], the main thread stays and does the same itself:
 * a plain process with N more descriptors. */
#include <string.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static int nfds = 5, highest = -1;
static int live;

static void *holder(void *arg)
{
	struct pollfd pf = { 0, POLLIN, 0 };
	char buf[64];
	int n = 0, fd;

	(void)arg;
	/* The leader is gone once its /proc/PID/fd reads empty. */
	while (!live) {
		char path[64];
		int d;

		snprintf(path, sizeof(path), "/proc/%ld/fd/0", (long)getpid());
		d = open(path, O_PATH);
		if (d < 0)
			break;
		close(d);
		if (++n > 2000)
			return NULL;
		usleep(1000);
	}
	for (fd = 0; fd < 4096; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			highest = fd;
	printf("ready pid=%ld tid=%ld fds=%d highest=%d\n", (long)getpid(),
	       (long)syscall(SYS_gettid), nfds, highest);
	fflush(stdout);
	while (poll(&pf, 1, 60000) > 0 && read(0, buf, sizeof(buf)) > 0)
		;
	exit(0);
}

int main(int argc, char **argv)
{
	pthread_t t;
	int i;

	if (argc > 1)
		nfds = atoi(argv[1]);
	for (i = 0; i < nfds; i++)
		if (open("/dev/null", O_RDONLY) < 0)
			return 1;
	live = argc > 2 && strcmp(argv[2], "live") == 0;
	if (live)
		holder(NULL);
	if (pthread_create(&t, NULL, holder, NULL) != 0)
		return 1;
	pthread_exit(NULL);
}
