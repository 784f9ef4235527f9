/* Runs a command with no descriptor open but 0, 1 and 2, so that what the
 * benchmark starts does not share whatever pipes its caller inherited
 * (a pipe shared by every process makes each row's ENDPOINTS name them
 * all).
 *
 *   closefds COMMAND [ARG...] */
#include <err.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd;

	if (argc < 2)
		errx(2, "usage: closefds COMMAND [ARG...]");
	for (fd = (int)sysconf(_SC_OPEN_MAX) - 1; fd > 2; fd--)
		close(fd);
	execvp(argv[1], argv + 1);
	err(127, "%s", argv[1]);
}
