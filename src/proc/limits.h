/* What `limits` shows, collected from /proc and getrlimit: RLIMIT_NOFILE,
 * the system-wide fs.nr_open, fs.file-max and fs.file-nr, the kernel's
 * table size (status FDSize) and the descriptors open.  The process is
 * resolved once: everything about it is read relative to one pinned
 * /proc/PID directory descriptor. */
#ifndef FDSCOPE_PROC_LIMITS_H
#define FDSCOPE_PROC_LIMITS_H

#include <stdbool.h>
#include <sys/types.h>

#include "proc/fdlist.h"
#include "proc/procfs.h"

struct proc_limits {
	pid_t pid;
	/* A has_ flag is false when the kernel would not tell; the errno of
	 * the two that can fail for a reason worth saying is kept. */
	bool has_nofile, has_nr_open, has_file_max, has_file_nr, has_count,
	     has_fdsize;
	int nofile_errno, count_errno;
	struct limit_pair nofile;
	unsigned long long nr_open, file_max, file_nr[3], fdsize;
	struct fd_count count;
};

/* Reads everything for pid (0: fdscope itself) under root.  Returns 0, or
 * -1 with errno ENOENT when there is no such process (or it exited while
 * being read). */
int proc_limits_read(const char *root, pid_t pid, struct proc_limits *out);

/* fs.nr_open alone, for explaining a refused prlimit. */
int proc_limits_nr_open(const char *root, unsigned long long *out);

#endif
