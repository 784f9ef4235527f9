/* The syscall floor of listing one process's descriptors (issue 11): a
 * single thread reads /proc/PID/fd with getdents64, then for each
 * descriptor one readlinkat of its link and one read of its fdinfo, and
 * prints one line each.  What any lister must at least do; `list -p` is
 * measured against it.
 *
 *   floor PID */
#include <dirent.h>
#include <err.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char dents[256 * 1024];
	char path[64], link[PATH_MAX], info[1024];
	int dfd, ifd;
	long n;

	if (argc != 2)
		errx(2, "usage: floor PID");
	snprintf(path, sizeof(path), "/proc/%s/fd", argv[1]);
	if ((dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		err(1, "%s", path);
	snprintf(path, sizeof(path), "/proc/%s/fdinfo", argv[1]);
	if ((ifd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		err(1, "%s", path);
	while ((n = getdents64(dfd, dents, sizeof(dents))) > 0) {
		long off;

		for (off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(dents + off);
			ssize_t ln, in = -1;
			int f;

			off += d->d_reclen;
			if (d->d_name[0] == '.')
				continue;
			ln = readlinkat(dfd, d->d_name, link, sizeof(link) - 1);
			f = openat(ifd, d->d_name, O_RDONLY | O_CLOEXEC);
			if (f >= 0) {
				in = read(f, info, sizeof(info) - 1);
				close(f);
			}
			printf("%s %.*s %zd\n", d->d_name, ln > 0 ? (int)ln : 0,
			       link, in);
		}
	}
	if (n < 0)
		err(1, "getdents64");
	return fflush(stdout) == 0 ? 0 : 1;
}
