/* The option-less demos (alloc, recycle) run through one function, so
 * that their -J/-q/-h handling and their exit status cannot drift apart. */
#include <getopt.h>
#include <stdlib.h>

#include "cmd/demo_run.h"
#include "lib/util.h"

const struct option demo_simple_longopts[] = {
	STEPS_LONG_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
const char demo_simple_shortopts[] = ":" STEPS_SHORT_OPTIONS "h";

int demo_run_simple(const struct command *cmd, const struct cli_env *env,
		    int argc, char **argv, int (*body)(struct demo_ctx *d))
{
	struct demo_ctx d;
	struct steps_opts so = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, demo_simple_shortopts,
				demo_simple_longopts, NULL)) != -1) {
		if (steps_opts_take(&so, c))
			continue;
		switch (c) {
		case 'h':
			return cmd_help(cmd);
		default:
			return cmd_bad_option(cmd, argv, c);
		}
	}
	if (optind < argc)
		return cmd_unexpected_argument(cmd, argv[optind]);
	if (demo_begin(&d, env->proc_root, so.json, so.quiet) < 0)
		return EXIT_FAIL;
	demo_name_inherited(&d.steps);
	return demo_end(&d, body(&d) < 0 ? EXIT_FAIL : EXIT_OK);
}
