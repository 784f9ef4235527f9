/* child_fork: the death signal is set in the child, then the parent is
 * checked, because a parent killed between fork() and prctl() would never
 * send it. */
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "lib/child.h"

pid_t child_fork(void)
{
	pid_t parent = getpid(), pid;

	pid = fork();
	if (pid == 0 &&
	    (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent))
		_exit(1);
	return pid;
}
