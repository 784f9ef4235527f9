#include "cli/command.h"
#include "lib/util.h"
static int watch_run(const struct cli_env *env, int argc, char **argv)
{
	(void)env; (void)argc; (void)argv;
	return EXIT_FAIL;
}
const struct command cmd_watch = {
	.name = "watch",
	.run = watch_run,
	.summary = "x",
	.usage = "x\n",
};
