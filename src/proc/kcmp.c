/* The kcmp(2) wrapper: glibc has no kcmp(), so the raw system call. */
#include <errno.h>
#include <linux/kcmp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "proc/kcmp.h"

int kcmp_file(pid_t pid1, int fd1, pid_t pid2, int fd2)
{
#ifdef SYS_kcmp
	return (int)syscall(SYS_kcmp, (long)pid1, (long)pid2, (long)KCMP_FILE,
			    (unsigned long)fd1, (unsigned long)fd2);
#else
	(void)pid1;
	(void)fd1;
	(void)pid2;
	(void)fd2;
	errno = ENOSYS;
	return -1;
#endif
}

int kcmp_same_file(pid_t pid1, int fd1, pid_t pid2, int fd2)
{
	int rc = kcmp_file(pid1, fd1, pid2, fd2);

	return rc < 0 ? -1 : rc == 0;
}
