/* Collecting a table (src/proc/fdlist.c): each entry is what fstat, the
 * fd link and fdinfo say about that descriptor of this process; counts
 * agree with the directory. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proc/fdlist.h"
#include "testutil.h"

static const struct fd_entry *entry_of(const struct fd_proc *p, int fd)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->fds[i].fd == fd)
			return &p->fds[i];
	return NULL;
}

START_TEST(test_collect_self_matches_fstat_and_fdinfo)
{
	unsigned int need = FDL_NEED_LINK | FDL_NEED_STAT | FDL_NEED_FDINFO;
	struct fd_proc p;
	const struct fd_entry *e;
	struct stat st;
	char want[64];
	char path[] = "/tmp/fdscope-fdlist-XXXXXX";
	int pfd[2], f;

	ck_assert(pipe(pfd) == 0);
	f = mkstemp(path);
	ck_assert(f >= 0);
	ck_assert(lseek(f, 4096, SEEK_SET) == 4096);
	ck_assert_int_eq(fd_proc_collect(&p, "/proc", 0, need), 0);
	ck_assert(p.self);
	ck_assert_uint_eq(p.n, count_open_fds() + 1);	/* the reader too */

	e = entry_of(&p, pfd[0]);
	ck_assert(e != NULL && e->stat_errno == 0);
	ck_assert(fstat(pfd[0], &st) == 0);
	ck_assert_uint_eq(e->st.st_ino, st.st_ino);
	ck_assert(S_ISFIFO(e->st.st_mode));
	snprintf(want, sizeof(want), "pipe:[%llu]", (unsigned long long)st.st_ino);
	ck_assert_str_eq(fd_entry_link(&p, e), want);

	e = entry_of(&p, f);
	ck_assert(e != NULL && e->have_info && e->info.has_pos);
	ck_assert_uint_eq(e->info.pos, 4096);
	ck_assert_str_eq(fd_entry_link(&p, e), path);
	ck_assert(fstat(f, &st) == 0);
	ck_assert_uint_eq(e->st.st_ino, st.st_ino);
	ck_assert(S_ISREG(e->st.st_mode));

	/* The descriptor that read the table is in it, marked. */
	e = entry_of(&p, p.reader_fd);
	ck_assert(e != NULL && e->is_reader);
	fd_proc_release(&p);
	close(pfd[0]);
	close(pfd[1]);
	close(f);
	ck_assert(unlink(path) == 0);
}
END_TEST

START_TEST(test_collect_missing_process)
{
	struct fd_proc p;

	errno = 0;
	ck_assert_int_eq(fd_proc_collect(&p, "/proc", 999999999, FDL_NEED_LINK), -1);
	ck_assert(errno == ENOENT || errno == ESRCH);
}
END_TEST

START_TEST(test_count_self_and_below_limit)
{
	struct fd_count c;
	int hi = dup2(2, 900);

	ck_assert_int_eq(hi, 900);
	ck_assert_int_eq(fd_proc_count("/proc", 0, 900, &c), 0);
	ck_assert_uint_eq(c.open, count_open_fds());
	ck_assert_int_eq(c.highest, 900);
	/* 900 itself is not below a limit of 900. */
	ck_assert_uint_eq(c.below, c.open - 1);
	close(hi);
}
END_TEST

Suite *fdlist_suite(void)
{
	Suite *s = suite_create("fdlist");
	TCase *tc = tcase_create("self");

	tcase_add_test(tc, test_collect_self_matches_fstat_and_fdinfo);
	tcase_add_test(tc, test_collect_missing_process);
	tcase_add_test(tc, test_count_self_and_below_limit);
	suite_add_tcase(s, tc);
	return s;
}
