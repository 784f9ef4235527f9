/* A process's cgroup v2, by the ID the kernel stamps on each socket the
 * process creates (inet_diag's INET_DIAG_BC_CGROUP_COND compares it). */
#ifndef FDSCOPE_PROC_CGROUP_H
#define FDSCOPE_PROC_CGROUP_H

#include <stddef.h>

/* The cgroup v2 ID of the process pinned by piddir (procfs_open_pid):
 * the inode of its directory under the cgroup2 mount (/sys/fs/cgroup, or
 * /sys/fs/cgroup/unified on a hybrid system).  0 when unknown: no cgroup2
 * mount there, no "0::" line, or a path that does not resolve (another
 * cgroup namespace).  An ID that resolves wrongly only costs a second
 * dump: the caller widens what it misses. */
unsigned long long cgroup2_id_at(int piddir);

/* Where the cgroup2 hierarchy is mounted, of the two places looked at;
 * NULL when at neither. */
const char *cgroup2_mount_point(void);

/* The path of the "0::" line of /proc/PID/cgroup text, copied into buf
 * (exposed for tests); 0, or -1 when there is none or it does not fit. */
int cgroup2_path_parse(const char *text, size_t len, char *buf,
		       size_t buflen);

#endif
