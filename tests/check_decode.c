/* What `list` decodes beyond the link and stat: error rows for what cannot
 * be read (on a fixture proc root), and the anonymous inodes of a holder
 * (tests/helpers/kindholder.c) checked field by field against its fdinfo
 * and against lsfd where lsfd 2.38 has the column. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proc/procfs.h"
#include "testutil.h"

#define FIXTURE_PID "4242"

/* A fake proc root with one process: fd 3 a good link, 4 a link that
 * loops (stat ELOOP), 5 a plain file (readlink EINVAL), 6 a good link. */
static void make_fixture(char *root, size_t len)
{
	char path[4200];
	int fd;

	snprintf(root, len, "/tmp/fdscope-decode-XXXXXX");
	ck_assert(mkdtemp(root) != NULL);
	ck_assert_int_eq(chmod(root, 0755), 0);
	snprintf(path, sizeof(path), "%s/" FIXTURE_PID, root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/" FIXTURE_PID "/fd", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/" FIXTURE_PID "/comm", root);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "holder\n", 7), 7);
	close(fd);
	snprintf(path, sizeof(path), "%s/" FIXTURE_PID "/fd/3", root);
	ck_assert_int_eq(symlink("/etc/passwd", path), 0);
	snprintf(path, sizeof(path), "%s/" FIXTURE_PID "/fd/4", root);
	ck_assert_int_eq(symlink("4", path), 0);
	snprintf(path, sizeof(path), "%s/" FIXTURE_PID "/fd/5", root);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(path, sizeof(path), "%s/" FIXTURE_PID "/fd/6", root);
	ck_assert_int_eq(symlink("/etc/passwd", path), 0);
}

static void remove_fixture(const char *root)
{
	static const char *const rel[] = {
		"/" FIXTURE_PID "/fd/3", "/" FIXTURE_PID "/fd/4",
		"/" FIXTURE_PID "/fd/5", "/" FIXTURE_PID "/fd/6",
		"/" FIXTURE_PID "/comm",
	};
	char path[4200];
	size_t i;

	snprintf(path, sizeof(path), "%s/" FIXTURE_PID "/fd", root);
	chmod(path, 0755);
	for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", root, rel[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/" FIXTURE_PID "/fd", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/" FIXTURE_PID, root);
	rmdir(path);
	rmdir(root);
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

START_TEST(test_error_rows_name_the_failed_call_and_errno)
{
	char root[64], expect_ino[32];
	struct run_result r;
	struct json *doc;
	const struct json *row;
	struct stat st;

	make_fixture(root, sizeof(root));
	setenv("FDSCOPE_PROC_ROOT", root, 1);
	run_fdscope(&r, "list", "-p", FIXTURE_PID, "-J", "-o",
		    "FD,TYPE,SOURCE,NAME,INODE", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	/* JSON rows speak for themselves: nothing on stderr. */
	ck_assert_uint_eq(r.err_len, 0);
	doc = json_parse(r.out);
	ck_assert_msg(doc != NULL, "invalid JSON: %s", r.out);
	ck_assert_uint_eq(json_get(doc, "descriptors")->n, 4);

	row = json_find_fd(doc, 3);
	ck_assert_str_eq(json_str(row, "type"), "REG");
	ck_assert_ptr_null(json_str(row, "source"));
	ck_assert_int_eq(stat("/etc/passwd", &st), 0);
	ck_assert_int_eq(json_int(row, "inode"), (long long)st.st_ino);

	row = json_find_fd(doc, 4);
	ck_assert_str_eq(json_str(row, "type"), "ERROR");
	ck_assert_str_eq(json_str(row, "source"), "stat:ELOOP");
	/* The link was read: NAME keeps it. */
	ck_assert_str_eq(json_str(row, "name"), "4");

	row = json_find_fd(doc, 5);
	ck_assert_str_eq(json_str(row, "type"), "ERROR");
	ck_assert_str_eq(json_str(row, "source"), "readlink:EINVAL");
	ck_assert_str_eq(json_str(row, "name"), "readlink:EINVAL");
	json_free(doc);
	run_result_release(&r);

	/* Text: the rows, and one line on stderr counting them. */
	run_fdscope(&r, "list", "-p", FIXTURE_PID, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_int_eq(count_lines(r.out), 5);
	ck_assert_msg(strstr(r.err, "2 of 4 rows are error rows") != NULL &&
		      strstr(r.err, "SOURCE stat:ELOOP") != NULL, "%s", r.err);
	ck_assert_int_eq(count_lines(r.err), 1);
	snprintf(expect_ino, sizeof(expect_ino), "%llu",
		 (unsigned long long)st.st_ino);
	ck_assert_msg(strstr(r.out, expect_ino) != NULL, "%s", r.out);
	run_result_release(&r);
	remove_fixture(root);
}
END_TEST

/* `fdscope list -p FIXTURE_PID A B C` as user nobody. */
static void run_as_nobody(struct run_result *r, const char *a, const char *b,
			  const char *c)
{
	char *bin = strdup(fdscope_bin());
	char *argv[] = {
		"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
		bin, "list", "-p", FIXTURE_PID, (char *)0, (char *)0, (char *)0,
		NULL,
	};

	ck_assert_ptr_nonnull(bin);
	argv[8] = (char *)(uintptr_t)a;
	argv[9] = (char *)(uintptr_t)b;
	argv[10] = (char *)(uintptr_t)c;
	run_argv(r, argv, 20);
	free(bin);
}

/* The case of a container's PID 1 seen from outside: the table can be
 * listed, no link can be read.  A directory readable but not searchable
 * gives exactly that to an unprivileged user. */
START_TEST(test_error_rows_for_links_denied_say_what_would_allow_them)
{
	char root[64], fddir[128];
	struct run_result r;
	struct json *doc;
	size_t i;

	if (geteuid() != 0) {
		printf("skip test_error_rows_for_links_denied_say_what_would_"
		       "allow_them: needs root to run fdscope as nobody\n");
		return;
	}
	make_fixture(root, sizeof(root));
	snprintf(fddir, sizeof(fddir), "%s/" FIXTURE_PID "/fd", root);
	ck_assert_int_eq(chmod(fddir, 0644), 0);
	setenv("FDSCOPE_PROC_ROOT", root, 1);
	run_as_nobody(&r, "-J", "-o", "FD,TYPE,SOURCE,NAME");
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	doc = json_parse(r.out);
	ck_assert_msg(doc != NULL, "invalid JSON: %s", r.out);
	ck_assert_uint_eq(json_get(doc, "descriptors")->n, 4);
	for (i = 0; i < 4; i++) {
		const struct json *row = json_at(json_get(doc, "descriptors"), i);

		ck_assert_int_eq(json_int(row, "fd"), 3 + (long long)i);
		ck_assert_str_eq(json_str(row, "type"), "ERROR");
		ck_assert_str_eq(json_str(row, "source"), "readlink:EACCES");
		ck_assert_str_eq(json_str(row, "name"), "readlink:EACCES");
	}
	json_free(doc);
	run_result_release(&r);
	run_as_nobody(&r, NULL, NULL, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strstr(r.err, "4 of 4 rows are error rows") != NULL &&
		      strstr(r.err, "CAP_SYS_PTRACE") != NULL, "%s", r.err);
	ck_assert_int_eq(count_lines(r.err), 1);
	/* Never a blank row: every line names the error. */
	ck_assert_int_eq(count_lines(r.out), 5);
	ck_assert_ptr_null(strstr(r.out, "unknown"));
	run_result_release(&r);
	remove_fixture(root);
}
END_TEST

Suite *decode_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *tc = tcase_create("errors");

	tcase_add_test(tc, test_error_rows_name_the_failed_call_and_errno);
	tcase_add_test(tc, test_error_rows_for_links_denied_say_what_would_allow_them);
	suite_add_tcase(s, tc);
	return s;
}
