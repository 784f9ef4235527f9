/* The helpers of cliexit.h. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cliexit.h"

void cli_exit_with(const char *const *args)
{
	char *argv[16];
	int argc = 0;

	argv[argc++] = (char *)"fdscope";
	while (*args && argc < 15)
		argv[argc++] = strdup(*args++);
	argv[argc] = NULL;
	ck_assert(freopen("/dev/null", "w", stdout) != NULL);
	ck_assert(freopen("/dev/null", "w", stderr) != NULL);
	exit(cli_main(argc, argv));
}

const struct json *demo_step(const struct json *doc, const char *name,
			     size_t n, size_t *index)
{
	const struct json *steps = json_get(doc, "steps"), *s;
	size_t i;

	for (i = 0; (s = json_at(steps, i)) != NULL; i++) {
		const char *sys = json_str(s, "syscall");

		if (sys && strcmp(sys, name) == 0 && n-- == 0) {
			if (index)
				*index = i;
			return s;
		}
	}
	return NULL;
}

pid_t fork_waiter(int *release, void (*setup)(void))
{
	int p[2];
	pid_t pid;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char c;

		close(p[1]);
		if (setup)
			setup();
		(void)!read(p[0], &c, 1);
		_exit(0);
	}
	close(p[0]);
	*release = p[1];
	return pid;
}

struct json *demo_json(const char *const *args)
{
	char *argv[16];
	struct run_result r;
	struct json *doc;
	size_t argc = 0;

	argv[argc++] = strdup(fdscope_bin());
	while (*args && argc < 15)
		argv[argc++] = strdup(*args++);
	argv[argc] = NULL;
	run_argv(&r, argv, 30);
	ck_assert_msg(r.status == 0, "%s: status %d: %s", argv[1], r.status,
		      r.err);
	doc = json_parse(r.out);
	ck_assert_msg(doc != NULL, "%s: not JSON: %s", argv[1], r.out);
	run_result_release(&r);
	while (argc > 0)
		free(argv[--argc]);
	return doc;
}
