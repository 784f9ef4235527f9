/* Finding a process's cgroup v2 ID: its "0::" line of /proc/PID/cgroup,
 * resolved under the cgroup2 mount.  No mountinfo parsing: the kernel's
 * cgroup2 hierarchy is mounted at one of two well-known places, and the
 * filesystem type (statfs) proves which. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "proc/cgroup.h"
#include "proc/procfs.h"

int cgroup2_path_parse(const char *text, size_t len, char *buf,
		       size_t buflen)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n;

		if (eol == NULL)
			eol = end;
		if ((size_t)(eol - p) > 3 && memcmp(p, "0::", 3) == 0) {
			n = (size_t)(eol - p) - 3;
			if (n >= buflen || p[3] != '/')
				return -1;
			memcpy(buf, p + 3, n);
			buf[n] = '\0';
			return 0;
		}
		p = eol + 1;
	}
	return -1;
}

const char *cgroup2_mount_point(void)
{
	static const char *const places[] = {
		"/sys/fs/cgroup", "/sys/fs/cgroup/unified",
	};
	struct statfs sf;
	size_t i;

	for (i = 0; i < sizeof(places) / sizeof(places[0]); i++)
		if (statfs(places[i], &sf) == 0 &&
		    (unsigned long)sf.f_type == CGROUP2_SUPER_MAGIC)
			return places[i];
	return NULL;
}

unsigned long long cgroup2_id_at(int piddir)
{
	char text[4096], rel[2048], path[4096];
	const char *mnt = cgroup2_mount_point();
	struct stat st;
	ssize_t n;

	if (mnt == NULL)
		return 0;
	/* Read once: a hybrid system's v1 lines come first, a few dozen
	 * bytes each. */
	n = procfs_read_at(piddir, "cgroup", text, sizeof(text));
	if (n <= 0 || cgroup2_path_parse(text, (size_t)n, rel, sizeof(rel)) < 0)
		return 0;
	if ((size_t)snprintf(path, sizeof(path), "%s%s", mnt,
			     strcmp(rel, "/") == 0 ? "" : rel) >= sizeof(path))
		return 0;
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return 0;
	return (unsigned long long)st.st_ino;
}
