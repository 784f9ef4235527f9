/* What the demo commands share: the whole run of a demo whose only options
 * are -J, -q and -h (parse, begin, body, end). */
#ifndef FDSCOPE_CMD_DEMO_RUN_H
#define FDSCOPE_CMD_DEMO_RUN_H

#include "cli/command.h"
#include "teach/demo.h"

/* Returns the exit status. */
int demo_run_simple(const struct command *cmd, const struct cli_env *env,
		    int argc, char **argv, int (*body)(struct demo_ctx *d));

#endif
