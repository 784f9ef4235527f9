/* The fake proc root of procfix.h. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procfix.h"

static int reused;

void procfix_root(char *root, size_t len)
{
	ck_assert_int_lt(snprintf(root, len, "/tmp/fdscope-procfix-XXXXXX"),
			 (int)len);
	ck_assert_msg(mkdtemp(root) != NULL, "mkdtemp: %s", strerror(errno));
}

void procfix_put(const char *root, int pid, const char *rel,
		 const char *text, int link)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%d/%s", root, pid, rel);
	if (link) {
		ck_assert_msg(symlink(text, path) == 0, "%s: %s", path,
			      strerror(errno));
		return;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

void procfix_process(const char *root, int pid, unsigned long long start,
		     const char *comm, int mnt_id, const char *cwd)
{
	char path[512], text[512];

	snprintf(path, sizeof(path), "%s/%d", root, pid);
	ck_assert_msg(mkdir(path, 0700) == 0, "%s: %s", path, strerror(errno));
	snprintf(path, sizeof(path), "%s/%d/fd", root, pid);
	ck_assert(mkdir(path, 0700) == 0);
	snprintf(path, sizeof(path), "%s/%d/fdinfo", root, pid);
	ck_assert(mkdir(path, 0700) == 0);
	/* A comm with blanks and a parenthesis, as the kernel allows. */
	snprintf(text, sizeof(text), "%d (%s) x) S 1 %d %d 0 -1 4194560 "
		 "100 0 0 0 1 2 0 0 20 0 1 0 %llu 1000 100 18446744073709551615 "
		 "1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n", pid, comm, pid, pid,
		 start);
	procfix_put(root, pid, "stat", text, 0);
	snprintf(text, sizeof(text), "%s\n", comm);
	procfix_put(root, pid, "comm", text, 0);
	snprintf(text, sizeof(text), "%d 1 0:%d / / rw,relatime shared:1 - "
		 "tmpfs src%d rw\n", mnt_id, mnt_id, mnt_id);
	procfix_put(root, pid, "mountinfo", text, 0);
	procfix_put(root, pid, "cwd", cwd, 1);
}

void procfix_reuse(const char *root, int pid, unsigned long long start,
		   const char *comm, int mnt_id, const char *cwd)
{
	char from[512], to[512];

	snprintf(from, sizeof(from), "%s/%d", root, pid);
	snprintf(to, sizeof(to), "%s/gone%d", root, reused++);
	ck_assert_msg(rename(from, to) == 0, "rename: %s", strerror(errno));
	procfix_process(root, pid, start, comm, mnt_id, cwd);
}

static int remove_one(const char *path, const struct stat *st, int type,
		      struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

void procfix_remove(const char *root)
{
	ck_assert_int_eq(nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}
