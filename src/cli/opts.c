/* Option values from the command line: every number an option takes goes
 * through the bounded parsers of lib/util.h, and a bad one is reported
 * naming the option, the value and the accepted range.  PID lists have
 * one parser, for every command that takes -p. */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static bool pid_sep(char c)
{
	return c == ',' || c == ' ' || c == '\t' || c == '\n';
}

static int bad_pid(const struct command *cmd, const char *opt, const char *p,
		   size_t n, const char *why)
{
	char *esc = escape_bytes(p, n < CLI_ECHO_MAX ? n : CLI_ECHO_MAX);

	(void)opt;
	cmd_usage_error(cmd, "invalid PID '%s': %s; a PID is a positive whole "
			"number", esc, why);
	free(esc);
	return -1;
}

int cli_opt_pids(const struct command *cmd, const char *opt, const char *arg,
		 size_t max, pid_t **pids, size_t *npids)
{
	const char *p = arg;
	size_t given = 0;

	for (;;) {
		char tmp[32];
		const char *why = "too long";
		long long v;
		size_t n, i;

		while (pid_sep(*p))
			p++;
		if (*p == '\0')
			break;
		for (n = 0; p[n] != '\0' && !pid_sep(p[n]); n++)
			;
		if (n >= sizeof(tmp))
			return bad_pid(cmd, opt, p, n, why);
		memcpy(tmp, p, n);
		tmp[n] = '\0';
		if (parse_ll(tmp, 1, INT_MAX, &v, &why) < 0)
			return bad_pid(cmd, opt, p, n, why);
		p += n;
		given++;
		for (i = 0; i < *npids && (*pids)[i] != (pid_t)v; i++)
			;
		if (i < *npids)
			continue;	/* given twice: listed once */
		if (*npids >= max) {
			cmd_usage_error(cmd, "%s takes at most %zu PID%s here",
					opt, max, max == 1 ? "" : "s");
			return -1;
		}
		*pids = xrealloc(*pids, (*npids + 1) * sizeof(**pids));
		(*pids)[(*npids)++] = (pid_t)v;
	}
	if (given == 0) {
		char *esc = cli_echo(arg);

		cmd_usage_error(cmd, "invalid PID '%s': empty; give one or more "
				"to %s, separated by commas or blanks", esc, opt);
		free(esc);
		return -1;
	}
	return 0;
}

void cli_warn_deprecated_port(void)
{
	static bool warned;

	if (!warned)
		fputs("fdscope: -p is now --port (deprecated, removed in the next "
		      "release)\n", stderr);
	warned = true;
}
