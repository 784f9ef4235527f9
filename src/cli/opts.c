/* Option values from the command line: every number an option takes goes
 * through the bounded parsers of lib/util.h, and a bad one is reported
 * naming the option, the value and the accepted range. */
#include <stdlib.h>

#include "cli/command.h"
#include "lib/util.h"
#include "out/escape.h"

int cli_opt_ll(const struct command *cmd, const char *opt, const char *arg,
	       long long min, long long max, long long *out)
{
	const char *why;
	char *esc;

	if (parse_ll(arg, min, max, out, &why) == 0)
		return 0;
	esc = cli_echo(arg);
	cmd_usage_error(cmd, "invalid %s '%s': %s (%lld to %lld)", opt, esc,
			why, min, max);
	free(esc);
	return -1;
}

int cli_opt_seconds(const struct command *cmd, const char *opt,
		    const char *arg, long long min_ms, long long max_ms,
		    long long *out_ms)
{
	const char *why;
	char *esc;

	if (parse_seconds_ms(arg, min_ms, max_ms, out_ms, &why) == 0)
		return 0;
	esc = cli_echo(arg);
	cmd_usage_error(cmd, "invalid %s '%s': %s (%lld.%03lld to %lld seconds)",
			opt, esc, why, min_ms / 1000, min_ms % 1000, max_ms / 1000);
	free(esc);
	return -1;
}
