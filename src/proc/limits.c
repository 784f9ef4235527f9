/* Collecting the numbers of `fdscope limits`.  /proc/PID/limits is
 * readable by anyone where prlimit(2) needs permission, so another
 * process's RLIMIT_NOFILE comes from there; fdscope's own from
 * getrlimit. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "proc/limits.h"

static int read_nofile(int piddir, pid_t pid, struct limit_pair *lp)
{
	struct rlimit rl;
	char *buf = NULL;
	int rc;

	if (pid == 0) {
		if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
			return -1;
		lp->soft_unlimited = rl.rlim_cur == RLIM_INFINITY;
		lp->hard_unlimited = rl.rlim_max == RLIM_INFINITY;
		lp->soft = rl.rlim_cur;
		lp->hard = rl.rlim_max;
		return 0;
	}
	if (procfs_slurp_at(piddir, "limits", &buf) < 0)
		return -1;
	rc = limits_parse_nofile(buf, lp);
	free(buf);
	if (rc < 0)
		errno = EPROTO;
	return rc;
}

/* piddir -1: fdscope itself, by its path (it cannot be another process). */
static void read_fdsize(const char *root, int piddir, struct proc_limits *li)
{
	char path[4096], *buf = NULL;

	if (piddir < 0 &&
	    procfs_path(path, sizeof(path), root, 0, "status") < 0)
		return;
	if (procfs_slurp_at(piddir < 0 ? AT_FDCWD : piddir,
			    piddir < 0 ? path : "status", &buf) < 0)
		return;
	li->has_fdsize = status_parse_ull(buf, "FDSize", &li->fdsize) == 0;
	free(buf);
}

static void read_system(const char *root, struct proc_limits *li)
{
	char buf[128];

	li->has_nr_open = proc_limits_nr_open(root, &li->nr_open) == 0;
	li->has_file_max = procfs_read_ull(root, "sys/fs/file-max",
					   &li->file_max) == 0;
	li->has_file_nr = procfs_read_sys(root, "sys/fs/file-nr", buf,
					  sizeof(buf)) >= 0 &&
		file_nr_parse(buf, li->file_nr) == 0;
}

int proc_limits_nr_open(const char *root, unsigned long long *out)
{
	return procfs_read_ull(root, "sys/fs/nr_open", out);
}

int proc_limits_read(const char *root, pid_t pid, struct proc_limits *li)
{
	bool self = pid == 0 || pid == getpid();
	int piddir;

	unsigned long long limit;

	memset(li, 0, sizeof(*li));
	li->pid = self ? getpid() : pid;
	/* fdscope itself needs no pin, and one descriptor at a time: it may
	 * be down to its last free one. */
	piddir = self ? -1 : procfs_open_pid(root, pid);
	if (!self && piddir < 0) {
		errno = errno == ENOENT || errno == ESRCH ? ENOENT : errno;
		return -1;
	}
	if (read_nofile(piddir, self ? 0 : pid, &li->nofile) == 0)
		li->has_nofile = true;
	else if (errno == ENOENT || errno == ESRCH)
		goto gone;
	else
		li->nofile_errno = errno;
	read_system(root, li);
	read_fdsize(root, piddir, li);
	limit = li->nofile.soft_unlimited ? ULLONG_MAX : li->nofile.soft;
	if ((self ? fd_proc_count(root, 0, limit, &li->count) :
	     fd_proc_count_at(piddir, pid, limit, &li->count)) == 0)
		li->has_count = true;
	else if (errno == ENOENT || errno == ESRCH)
		goto gone;
	else
		li->count_errno = errno;
	if (piddir >= 0)
		close(piddir);
	return 0;
gone:
	if (piddir >= 0)
		close(piddir);
	errno = ENOENT;
	return -1;
}
