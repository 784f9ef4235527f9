/* proc/assoc: maps lines parsed, and cwd, root, exe, namespaces read
 * through the pin of the process, not by a path rebuilt from its PID. */
#include <check.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proc/assoc.h"
#include "proc/procfs.h"
#include "procfix.h"

static const struct assoc_entry *find(const struct assoc_list *l,
				      const char *assoc)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].assoc, assoc) == 0)
			return &l->v[i];
	return NULL;
}

START_TEST(test_maps_parse_line_fields)
{
	static const char line[] =
		"7f1c2a000000-7f1c2a021000 r-xp 0001c000 fd:01 1311 "
		"/usr/lib/x (deleted)";
	struct map_line m;

	ck_assert_int_eq(maps_parse_line(line, strlen(line), &m), 0);
	ck_assert_uint_eq(m.start, 0x7f1c2a000000ULL);
	ck_assert_uint_eq(m.end, 0x7f1c2a021000ULL);
	ck_assert_uint_eq(m.offset, 0x1c000);
	ck_assert_uint_eq(m.major, 0xfd);
	ck_assert_uint_eq(m.minor, 1);
	ck_assert_uint_eq(m.ino, 1311);
	ck_assert_str_eq(m.perms, "r-xp");
	ck_assert_int_eq((int)m.path_len, (int)strlen("/usr/lib/x (deleted)"));
	ck_assert_int_eq(maps_parse_line("7f-zz r-xp", 10, &m), -1);
}
END_TEST

/* The pinned process exits and its PID goes to another: its cwd is the
 * pinned one's. */
START_TEST(test_assoc_collect_reads_through_the_pin)
{
	char root[64];
	struct assoc_list l;
	const struct assoc_entry *a;
	int pin;

	procfix_root(root, sizeof(root));
	procfix_process(root, 4242, 100, "old", 41, "/old-cwd");
	pin = procfs_open_pid(root, 4242);
	ck_assert_int_ge(pin, 0);
	procfix_reuse(root, 4242, 200, "new", 42, "/new-cwd");
	assoc_list_init(&l);
	assoc_collect(&l, pin);
	a = find(&l, "cwd");
	ck_assert(a != NULL && a->name != NULL);
	ck_assert_str_eq(a->name, "/old-cwd");
	/* No exe link in the fixture: an entry with readlink's errno. */
	a = find(&l, "exe");
	ck_assert(a != NULL);
	ck_assert_int_eq(a->link_errno, ENOENT);
	assoc_list_release(&l);
	close(pin);
	procfix_remove(root);
}
END_TEST

START_TEST(test_assoc_collect_real_process)
{
	char cwd[4096];
	struct assoc_list l;
	const struct assoc_entry *a;
	struct stat st;
	int pin = procfs_open_pid("/proc", 0);

	ck_assert_int_ge(pin, 0);
	ck_assert(getcwd(cwd, sizeof(cwd)) != NULL);
	assoc_list_init(&l);
	assoc_collect(&l, pin);
	a = find(&l, "cwd");
	ck_assert(a != NULL && a->name != NULL);
	ck_assert_str_eq(a->name, cwd);
	a = find(&l, "net");
	ck_assert(a != NULL && a->stat_errno == 0);
	ck_assert_int_eq(stat("/proc/self/ns/net", &st), 0);
	ck_assert_uint_eq(a->st.st_ino, st.st_ino);
	assoc_list_release(&l);
	close(pin);
}
END_TEST

Suite *assoc_suite(void)
{
	Suite *s = suite_create("assoc");
	TCase *tc = tcase_create("assoc");

	tcase_add_test(tc, test_maps_parse_line_fields);
	tcase_add_test(tc, test_assoc_collect_reads_through_the_pin);
	tcase_add_test(tc, test_assoc_collect_real_process);
	suite_add_tcase(s, tc);
	return s;
}
