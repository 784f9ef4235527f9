/* A command that leaks for `fdscope exec` tests: it opens a pipe (its
 * read end O_CLOEXEC, its write end not) and a listening TCP socket on
 * 127.0.0.1, then forks twice; the grandchild execs this program again
 * ("leaker child"), which prints "grandchild pid=P pipe=W sock=S port=N"
 * and exits.  The first process prints "top pid=P" before it forks.  Exactly two descriptions reach it: the pipe's write end and
 * the socket.  It ends with _exit: LeakSanitizer, in a sanitizer build,
 * cannot run under ptrace and would fail the exit. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static int wait_ok(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) < 0)
		die("waitpid");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	char a1[16], a2[16], a3[16];
	int p[2], s;
	pid_t mid, gc;

	if (argc == 5 && strcmp(argv[1], "child") == 0) {
		printf("grandchild pid=%ld pipe=%s sock=%s port=%s\n",
		       (long)getpid(), argv[2], argv[3], argv[4]);
		fflush(stdout);
		_exit(0);
	}
	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe2");
	if (fcntl(p[1], F_SETFD, 0) < 0)
		die("fcntl");
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0)
		die("socket");
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 1) < 0 ||
	    getsockname(s, (struct sockaddr *)&sa, &len) < 0)
		die("bind");
	snprintf(a1, sizeof(a1), "%d", p[1]);
	snprintf(a2, sizeof(a2), "%d", s);
	snprintf(a3, sizeof(a3), "%d", ntohs(sa.sin_port));
	printf("top pid=%ld\n", (long)getpid());
	fflush(stdout);
	mid = fork();
	if (mid < 0)
		die("fork");
	if (mid == 0) {
		gc = fork();
		if (gc < 0)
			die("fork");
		if (gc == 0) {
			execl("/proc/self/exe", "leaker", "child", a1, a2, a3,
			      (char *)NULL);
			die("execl");
		}
		_exit(wait_ok(gc));
	}
	_exit(wait_ok(mid));
}
