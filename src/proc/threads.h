/* Threads with a descriptor table of their own: a thread that called
 * unshare(CLONE_FILES) (or was cloned without CLONE_FILES) no longer
 * shares its leader's table; kcmp(KCMP_FILES) tells which. */
#ifndef FDSCOPE_THREADS_H
#define FDSCOPE_THREADS_H

#include <stddef.h>
#include <sys/types.h>

/* The threads of pid (under root) whose table is not the leader's, in
 * *tids (malloc'd, *n of them).  Returns 0, or -1 with errno when the
 * threads cannot be read or compared (kcmp refused: EPERM, ENOSYS). */
int threads_with_own_table(const char *root, pid_t pid, pid_t **tids,
			   size_t *n);

#endif
