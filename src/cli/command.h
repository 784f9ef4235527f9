/* The command entry every src/cmd_*.c file exports, and the helpers that
 * commands share for option errors and help text. */
#ifndef FDSCOPE_COMMAND_H
#define FDSCOPE_COMMAND_H

#include <stdio.h>

/* Set up once by the dispatcher and handed to every command. */
struct cli_env {
	const char *proc_root;	/* "/proc", or $FDSCOPE_PROC_ROOT */
	const char *argv0;
};

struct command {
	const char *name;
	int (*run)(const struct cli_env *env, int argc, char **argv);
	const char *summary;	/* one line for `fdscope --help` */
	const char *usage;	/* the full --help text after "Usage: " */
};

/* Prints "fdscope: MESSAGE (see 'fdscope CMD --help')" on stderr and
 * returns EXIT_USAGE. */
int cmd_usage_error(const struct command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Reports the option getopt_long rejected and returns EXIT_USAGE.  The
 * option string must start with ':' so that c tells a missing value (':')
 * from an unknown option ('?'). */
int cmd_bad_option(const struct command *cmd, char **argv, int c);

/* What a message echoes of a user's argument: escaped, and cut to its
 * first CLI_ECHO_MAX bytes with "..." after (an argument may be 100,000
 * bytes long).  Free the result. */
#define CLI_ECHO_MAX 64
char *cli_echo(const char *arg);

/* Reports a stray operand, escaped, and returns EXIT_USAGE. */
int cmd_unexpected_argument(const struct command *cmd, const char *arg);

/* Parses an option's number through lib/util.h's bounded parsers; on failure
 * prints a usage error naming the option, the value and the range and
 * returns -1.  cli_opt_seconds takes "10" or "2.5" seconds. */
int cli_opt_ll(const struct command *cmd, const char *opt, const char *arg,
	       long long min, long long max, long long *out);
int cli_opt_seconds(const struct command *cmd, const char *opt,
		    const char *arg, long long min_ms, long long max_ms,
		    long long *out_ms);

/* Prints the command's help on stdout and returns EXIT_OK. */
int cmd_help(const struct command *cmd);

/* Every command, in the order `fdscope --help` lists them. */
extern const struct command cmd_list, cmd_limits;
/* The teaching demos (issue 3). */
extern const struct command cmd_open, cmd_alloc, cmd_recycle, cmd_exhaust,
	cmd_tables, cmd_demo;
/* The network commands (issue 4). */
extern const struct command cmd_exchange, cmd_serve, cmd_connect;
/* Hunting descriptor leaks (issue 16). */
extern const struct command cmd_exec, cmd_watch, cmd_metrics;

#endif
