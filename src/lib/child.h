/* The one fork() of fdscope: every child it starts (a demo's process, the
 * python3 that shows a socket's repr, a traced command) dies with it, so
 * that no process of fdscope's outlives a kill, whatever the signal. */
#ifndef FDSCOPE_CHILD_H
#define FDSCOPE_CHILD_H

#include <sys/types.h>

/* fork() whose child gets SIGKILL from the kernel when the calling thread
 * ends (PR_SET_PDEATHSIG, kept across execve), and _exit(1)s at once when
 * its parent was already gone before that was set.  Returns as fork()
 * does; the child closes what it does not need itself. */
pid_t child_fork(void);

#endif
