/* teach/figure: the three tables of this process as the figure reads
 * them: dup shares a description, a second open shares only the inode. */
#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "teach/figure.h"

static int wanted[3];

static bool not_ours(int fd, void *arg)
{
	(void)arg;
	return fd != wanted[0] && fd != wanted[1] && fd != wanted[2];
}

static const struct figure_fd *find(const struct figure *f, int fd)
{
	size_t i;

	for (i = 0; i < f->nfds; i++)
		if (f->fds[i].fd == fd)
			return &f->fds[i];
	return NULL;
}

START_TEST(test_figure_descriptions_and_inodes)
{
	static struct figure f;
	const struct figure_fd *a, *d, *b;
	char *dot;

	wanted[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	wanted[1] = fcntl(wanted[0], F_DUPFD, 0);
	wanted[2] = open("/dev/null", O_WRONLY);
	ck_assert(wanted[0] >= 0 && wanted[1] >= 0 && wanted[2] >= 0);
	ck_assert_int_eq(figure_snapshot(&f, "/proc", not_ours, NULL), 0);
	a = find(&f, wanted[0]);
	d = find(&f, wanted[1]);
	b = find(&f, wanted[2]);
	ck_assert(a != NULL && d != NULL && b != NULL);
	ck_assert(a->cloexec && !d->cloexec && !b->cloexec);
	ck_assert_int_eq(a->desc, d->desc);
	ck_assert_int_ne(a->desc, b->desc);
	ck_assert_int_eq(f.descs[a->desc].inode, f.descs[b->desc].inode);
	ck_assert_int_eq(f.descs[a->desc].flags & O_ACCMODE, O_RDONLY);
	ck_assert_int_eq(f.descs[b->desc].flags & O_ACCMODE, O_WRONLY);
	ck_assert_str_eq(f.inodes[f.descs[a->desc].inode].name, "/dev/null");
	dot = figure_dot(&f);
	ck_assert(dot != NULL && strncmp(dot, "digraph", 7) == 0);
	free(dot);
	figure_release(&f);
	close(wanted[0]);
	close(wanted[1]);
	close(wanted[2]);
}
END_TEST

Suite *figure_suite(void)
{
	Suite *s = suite_create("figure");
	TCase *tc = tcase_create("figure");

	tcase_add_test(tc, test_figure_descriptions_and_inodes);
	suite_add_tcase(s, tc);
	return s;
}
