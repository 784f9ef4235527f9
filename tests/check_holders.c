/* proc/holders.c: the other holders of an inode among collected tables,
 * from tables built by hand (every answer known) and from a real pipe
 * shared by this process and a child. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc/fdlist.h"
#include "proc/holders.h"

static void entry(struct fd_entry *e, int fd, unsigned long long dev,
		  unsigned long long ino, int acc)
{
	memset(e, 0, sizeof(*e));
	e->fd = fd;
	e->st.st_dev = (dev_t)dev;
	e->st.st_ino = (ino_t)ino;
	e->have_info = acc >= 0;
	e->info.has_flags = acc >= 0;
	e->info.flags = acc >= 0 ? (unsigned int)acc : 0;
}

START_TEST(test_holders_of_hand_made_tables)
{
	struct fd_entry a[3], b[2];
	struct fd_proc procs[2];
	struct holder_index *hx;
	char buf[256];

	memset(procs, 0, sizeof(procs));
	entry(&a[0], 3, 8, 100, O_RDONLY);
	entry(&a[1], 4, 8, 100, O_WRONLY);
	entry(&a[2], 5, 9, 100, O_RDWR);	/* same inode, other device */
	entry(&b[0], 7, 8, 100, -1);		/* fdinfo not read */
	entry(&b[1], 8, 8, 200, O_RDONLY);
	b[1].stat_errno = ENOENT;		/* not indexed */
	procs[0] = (struct fd_proc){ .pid = 10, .comm = "one", .fds = a, .n = 3 };
	procs[1] = (struct fd_proc){ .pid = 20, .comm = "t\nwo", .fds = b, .n = 2 };
	hx = holder_index_new(procs, 2);
	ck_assert_uint_eq(holder_index_of(hx, 8, 100, 0, 3, buf, sizeof(buf)), 2);
	ck_assert_str_eq(buf, "10,one,4w; 20,t\\x0awo,7");
	ck_assert_uint_eq(holder_index_of(hx, 8, 100, SIZE_MAX, -1, buf,
					  sizeof(buf)), 3);
	ck_assert_str_eq(buf, "10,one,3r; 10,one,4w; 20,t\\x0awo,7");
	ck_assert_uint_eq(holder_index_of(hx, 9, 100, 0, 5, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "");
	ck_assert_uint_eq(holder_index_of(hx, 8, 200, SIZE_MAX, -1, buf,
					  sizeof(buf)), 0);
	/* A short buffer holds whole holders only. */
	ck_assert_uint_eq(holder_index_of(hx, 8, 100, SIZE_MAX, -1, buf, 14), 1);
	ck_assert_str_eq(buf, "10,one,3r");
	holder_index_free(hx);
}
END_TEST

/* A pipe between this process and a child, read from /proc. */
START_TEST(test_holders_of_a_real_pipe)
{
	struct fd_proc procs[2];
	struct holder_index *hx;
	char buf[256], want[128];
	int p[2];
	size_t i;
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(p[1]);
		(void)!read(p[0], buf, 1);
		_exit(0);
	}
	ck_assert_int_eq(fd_proc_collect(&procs[0], "/proc", 0,
					 FDL_NEED_STAT | FDL_NEED_FDINFO), 0);
	/* The child closes its write end right after fork: wait for it. */
	for (i = 0; i < 200; i++) {
		size_t k;

		ck_assert_int_eq(fd_proc_collect(&procs[1], "/proc", pid,
						 FDL_NEED_STAT | FDL_NEED_FDINFO |
						 FDL_NEED_COMM), 0);
		for (k = 0; k < procs[1].n && procs[1].fds[k].fd != p[1]; k++)
			;
		if (k == procs[1].n)
			break;
		fd_proc_release(&procs[1]);
		usleep(10000);
	}
	hx = holder_index_new(procs, 2);
	for (i = 0; i < procs[0].n && procs[0].fds[i].fd != p[1]; i++)
		;
	ck_assert_uint_lt(i, procs[0].n);
	ck_assert_uint_eq(holder_index_of(hx, procs[0].fds[i].st.st_dev,
					  procs[0].fds[i].st.st_ino, 0, p[1],
					  buf, sizeof(buf)), 2);
	snprintf(want, sizeof(want), "%ld,%s,%dr", (long)pid, procs[1].comm, p[0]);
	ck_assert_msg(strstr(buf, want) != NULL, "%s lacks %s", buf, want);
	snprintf(want, sizeof(want), ",%dr", p[0]);
	ck_assert_msg(strstr(buf, want) != NULL, "%s", buf);
	holder_index_free(hx);
	fd_proc_release(&procs[0]);
	fd_proc_release(&procs[1]);
	close(p[1]);
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
}
END_TEST

Suite *holders_suite(void)
{
	Suite *s = suite_create("holders");
	TCase *tc = tcase_create("index");

	tcase_add_test(tc, test_holders_of_hand_made_tables);
	tcase_add_test(tc, test_holders_of_a_real_pipe);
	suite_add_tcase(s, tc);
	return s;
}
