/* kcmp(2) KCMP_FILE: do two descriptors (in one process or two) refer to
 * the same open file description?  Linux-only; the caller decides what to
 * do when the kernel refuses (EPERM without ptrace rights, ENOSYS without
 * CONFIG_KCMP or under a seccomp filter), e.g. probe offsets instead. */
#ifndef FDSCOPE_KCMP_H
#define FDSCOPE_KCMP_H

#include <sys/types.h>

/* What the kernel returned: 0 the same open file description; 1 or 2
 * different ones (ordered); 3 different, no order; -1 with errno when
 * kcmp could not tell (EPERM, ENOSYS, EBADF, ESRCH). */
int kcmp_file(pid_t pid1, int fd1, pid_t pid2, int fd2);

/* 1 the same open file description, 0 different, -1 with errno. */
int kcmp_same_file(pid_t pid1, int fd1, pid_t pid2, int fd2);

#endif
