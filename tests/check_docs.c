/* The documentation as files: README's code blocks and the man page's
 * literal displays fit 80 columns and name no path of the machine they
 * were made on; the man page is lint-clean, its .Os is this version, its
 * ENVIRONMENT names every variable the code reads, and its open SPECs are
 * the table's. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "teach/openspec.h"
#include "testutil.h"

static char *slurp_src(const char *rel)
{
	const char *dir = getenv("FDSCOPE_SRCDIR");
	char path[4096], *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : ".", rel);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert(fseek(f, 0, SEEK_END) == 0);
	n = ftell(f);
	ck_assert(n >= 0 && fseek(f, 0, SEEK_SET) == 0);
	buf = malloc((size_t)n + 1);
	ck_assert(buf != NULL);
	ck_assert(fread(buf, 1, (size_t)n, f) == (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Columns of a line of UTF-8: every byte but continuation bytes. */
static size_t columns_of(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/* Paths that only the machine an example was made on has.  fdscope's own
 * private directory (/tmp/fdscope.XXXXXX) is what every user sees. */
static void assert_example_line(const char *file, int lineno, const char *l,
				size_t n)
{
	static const char *const machine[] = {
		"/home/", "/root/", "/work/", "bash_jobs", "/tmp/rx", "/tmp/rd",
		"/tmp/ex", "sockholder-", "/tmp/fdx.",
	};
	char line[1024];
	size_t i;

	ck_assert_msg(columns_of(l, n) <= 80, "%s:%d: %zu columns: %.*s", file,
		      lineno, columns_of(l, n), (int)n, l);
	snprintf(line, sizeof(line), "%.*s", (int)n, l);
	for (i = 0; i < sizeof(machine) / sizeof(machine[0]); i++)
		ck_assert_msg(strstr(line, machine[i]) == NULL,
			      "%s:%d: a path of this machine: %s", file, lineno, line);
}

START_TEST(test_readme_code_blocks_fit)
{
	char *text = slurp_src("README.md"), *p = text;
	int lineno = 0, blocks = 0;
	bool in = false;

	while (*p) {
		char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);

		lineno++;
		if (strncmp(p, "```", 3) == 0) {
			in = !in;
			blocks += in;
		} else if (in) {
			assert_example_line("README.md", lineno, p, n);
		}
		p += n + (eol != NULL);
	}
	ck_assert(!in);
	ck_assert_int_ge(blocks, 8);
	free(text);
}
END_TEST

START_TEST(test_man_examples_fit)
{
	char *text = slurp_src("man/fdscope.1"), *p = text;
	int lineno = 0, displays = 0;
	bool in = false, examples = false;

	while (*p) {
		char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);

		lineno++;
		if (strncmp(p, ".Sh ", 4) == 0)
			examples = strncmp(p, ".Sh EXAMPLES", 12) == 0;
		if (strncmp(p, ".Bd -literal", 12) == 0) {
			in = true;
			displays++;
		} else if (strncmp(p, ".Ed", 3) == 0) {
			in = false;
		} else if (in || examples) {
			assert_example_line("man/fdscope.1", lineno, p, n);
		}
		p += n + (eol != NULL);
	}
	ck_assert_int_ge(displays, 10);
	free(text);
}
END_TEST

/* mandoc -Tlint (every level, base-system conventions included) prints
 * nothing but what depends on this machine's manuals (make lint-man
 * checks those too). */
START_TEST(test_man_lint_clean)
{
	const char *dir = getenv("FDSCOPE_SRCDIR");
	char *script;
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", NULL, NULL };
	struct run_result r;

	ck_assert(asprintf(&script, "mandoc -Tlint '%s/man/fdscope.1' "
			   "2>&1 | grep -v -e 'outdated mandoc.db' -e "
			   "'referenced manual not found'; true",
			   dir && *dir ? dir : ".") > 0);
	argv[2] = script;
	run_argv(&r, argv, 30);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(r.out_len == 0, "mandoc: %s", r.out);
	run_result_release(&r);
	free(script);
}
END_TEST

/* man(1) renders with groff: the footer names fdscope and its version
 * on both sides, not "BSD". */
START_TEST(test_man_os_is_this_version)
{
	const char *dir = getenv("FDSCOPE_SRCDIR");
	char *script, want[64];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", NULL, NULL };
	struct run_result r;

	ck_assert(asprintf(&script, "groff -mdoc -Tascii '%s/man/fdscope.1' "
			   "2>/dev/null | grep -v '^$' | tail -n 1",
			   dir && *dir ? dir : ".") > 0);
	argv[2] = script;
	run_argv(&r, argv, 30);
	ck_assert_int_eq(r.status, 0);
	snprintf(want, sizeof(want), "fdscope %s ", FDSCOPE_VERSION);
	ck_assert_msg(strncmp(r.out, want, strlen(want)) == 0, "footer: %s",
		      r.out);
	snprintf(want, sizeof(want), " fdscope %s\n", FDSCOPE_VERSION);
	ck_assert_msg(r.out_len > strlen(want) &&
		      strcmp(r.out + r.out_len - strlen(want), want) == 0,
		      "footer: %s", r.out);
	run_result_release(&r);
	free(script);
}
END_TEST

/* Every getenv("NAME") under src/ is an `.It Ev NAME` of ENVIRONMENT. */
START_TEST(test_man_environment_lists_every_variable)
{
	static const char *const layers[] = {
		"cli", "cmd", "proc", "net", "teach", "out", "lib",
	};
	char *man = slurp_src("man/fdscope.1"), *env, *end;
	const char *srcdir = getenv("FDSCOPE_SRCDIR");
	size_t i, found = 0;

	env = strstr(man, "\n.Sh ENVIRONMENT\n");
	ck_assert(env != NULL);
	end = strstr(env + 1, "\n.Sh ");
	ck_assert(end != NULL);
	*end = '\0';
	for (i = 0; i < sizeof(layers) / sizeof(layers[0]); i++) {
		char dirpath[4096];
		DIR *d;
		struct dirent *de;

		snprintf(dirpath, sizeof(dirpath), "%s/src/%s",
			 srcdir && *srcdir ? srcdir : ".", layers[i]);
		d = opendir(dirpath);
		ck_assert_msg(d != NULL, "%s", dirpath);
		while ((de = readdir(d)) != NULL) {
			char rel[512], *src, *p;
			size_t len = strlen(de->d_name);

			if (len < 3 || strcmp(de->d_name + len - 2, ".c") != 0)
				continue;
			snprintf(rel, sizeof(rel), "src/%s/%s", layers[i], de->d_name);
			src = slurp_src(rel);
			for (p = src; (p = strstr(p, "getenv(\"")) != NULL; p++) {
				char name[64], want[96];
				size_t n = strcspn(p + 8, "\"");

				ck_assert(n < sizeof(name));
				memcpy(name, p + 8, n);
				name[n] = '\0';
				snprintf(want, sizeof(want), "\n.It Ev %s\n", name);
				ck_assert_msg(strstr(env, want) != NULL, "%s reads %s: "
					      "not in ENVIRONMENT", rel, name);
				found++;
			}
			free(src);
		}
		closedir(d);
	}
	ck_assert_uint_ge(found, 5);
	free(man);
}
END_TEST

/* The man page's SPEC list is the table's: each name, as .Cm. */
START_TEST(test_man_open_specs_are_the_table)
{
	char *man = slurp_src("man/fdscope.1"), *sec, *end;
	size_t i;

	sec = strstr(man, "\n.Ss open\n");
	ck_assert(sec != NULL);
	end = strstr(sec + 1, "\n.Ss ");
	ck_assert(end != NULL);
	*end = '\0';
	for (i = 0; i < open_nspecs; i++) {
		char a[64], b[64];

		snprintf(a, sizeof(a), "Cm %s ", open_specs[i].name);
		snprintf(b, sizeof(b), "Cm %s\n", open_specs[i].name);
		ck_assert_msg(strstr(sec, a) || strstr(sec, b),
			      "SPEC %s missing from the man page", open_specs[i].name);
	}
	free(man);
}
END_TEST

Suite *docs_suite(void)
{
	Suite *s = suite_create("docs");
	TCase *tc = tcase_create("files");

	tcase_add_test(tc, test_readme_code_blocks_fit);
	tcase_add_test(tc, test_man_examples_fit);
	tcase_add_test(tc, test_man_lint_clean);
	tcase_add_test(tc, test_man_os_is_this_version);
	tcase_add_test(tc, test_man_environment_lists_every_variable);
	tcase_add_test(tc, test_man_open_specs_are_the_table);
	suite_add_tcase(s, tc);
	return s;
}
