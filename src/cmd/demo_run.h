/* What the demo commands share: the whole run of a demo whose only options
 * are -J, -q and -h (parse, begin, body, end). */
#ifndef FDSCOPE_CMD_DEMO_RUN_H
#define FDSCOPE_CMD_DEMO_RUN_H

#include <getopt.h>

#include "cli/command.h"
#include "teach/demo.h"

/* Their option tables, for their command entries. */
extern const struct option demo_simple_longopts[];
extern const char demo_simple_shortopts[];

/* Returns the exit status. */
int demo_run_simple(const struct command *cmd, const struct cli_env *env,
		    int argc, char **argv, int (*body)(struct demo_ctx *d));

#endif
