/* Messages that commands share and that echo what the user typed: the
 * text is escaped first, so that no argument can drive the terminal. */
#include <stdlib.h>

#include "command.h"
#include "util.h"

int cmd_unexpected_argument(const struct command *cmd, const char *arg)
{
	char *esc = escape_str(arg);
	int ret;

	ret = cmd_usage_error(cmd, "unexpected argument '%s'", esc);
	free(esc);
	return ret;
}
