/* /proc/PID/task lists the threads; kcmp compares two tasks' descriptor
 * tables by identity (0: the same table).  kcmp needs ptrace access to
 * both, as reading their descriptors does. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <linux/kcmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/util.h"
#include "proc/threads.h"

int threads_with_own_table(const char *root, pid_t pid, pid_t **tids,
			   size_t *n)
{
	char path[4200];
	struct dirent *de;
	DIR *d;
	int saved = 0;

	*tids = NULL;
	*n = 0;
	snprintf(path, sizeof(path), "%s/%ld/task", root, (long)pid);
	d = opendir(path);
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		long long v;
		const char *why;
		long rc;

		if (parse_ll(de->d_name, 1, INT_MAX, &v, &why) < 0 || v == pid)
			continue;
		rc = syscall(SYS_kcmp, pid, (pid_t)v, KCMP_FILES, 0, 0);
		if (rc < 0) {
			/* A thread that exited meanwhile is no error. */
			if (errno == ESRCH)
				continue;
			saved = errno;
			break;
		}
		if (rc == 0)
			continue;
		*tids = xrealloc(*tids, (*n + 1) * sizeof(**tids));
		(*tids)[(*n)++] = (pid_t)v;
	}
	closedir(d);
	if (saved) {
		free(*tids);
		*tids = NULL;
		*n = 0;
		errno = saved;
		return -1;
	}
	return 0;
}
