/* The command entry every src/cmd_*.c file exports, and the helpers that
 * commands share for option errors and help text. */
#ifndef FDSCOPE_COMMAND_H
#define FDSCOPE_COMMAND_H

#include <getopt.h>
#include <stdio.h>
#include <sys/types.h>

struct out_column;

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
	/* The option tables the command parses with: the dispatcher scans
	 * them for -V/--version, completion is generated from them. */
	const struct option *longopts;
	const char *shortopts;
	/* The columns -o takes (NULL: no -o), for completion. */
	const struct out_column *columns;
	size_t ncolumns;
	/* The words an operand may be (open's SPECs), NULL-terminated;
	 * a word ending in ':' takes a value after it. */
	const char *const *(*operands)(void);
	/* Prints the help when it is not a fixed text (usage is then the
	 * first line only). */
	void (*print_help)(FILE *f);
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

/* Parses a PID list: numbers separated by commas and/or blanks
 * ("1,2 3"), each 1 to INT_MAX; a PID given twice is kept once, in the order
 * first given.  Appends to *pids (*npids entries, realloc'd).  At most max
 * PIDs in all (SIZE_MAX: no limit).  Returns 0, or -1 after a usage error
 * naming the value. */
int cli_opt_pids(const struct command *cmd, const char *opt, const char *arg,
		 size_t max, pid_t **pids, size_t *npids);

/* serve and exchange: "-p is now --port" on stderr, once per run.  -p
 * means PID wherever a PID is taken; the old spelling still works, with
 * this warning, for one release. */
void cli_warn_deprecated_port(void);

/* Prints the command's help on stdout and returns EXIT_OK. */
int cmd_help(const struct command *cmd);

/* The command table, in the order `fdscope --help` lists them, ending
 * with NULL (completion walks it). */
extern const struct command *const cli_commands[];

/* The command named exactly name, or NULL. */
const struct command *cli_find_command(const char *name);

/* The command a mistyped name probably meant (Damerau-Levenshtein
 * distance of at most 2, or a unique prefix), or NULL. */
const struct command *cli_suggest_command(const char *name);

/* Every command, in the order `fdscope --help` lists them. */
extern const struct command cmd_list, cmd_limits;
/* The teaching demos (issue 3). */
extern const struct command cmd_open, cmd_alloc, cmd_recycle, cmd_exhaust,
	cmd_tables, cmd_demo;
/* The network commands (issue 4). */
extern const struct command cmd_exchange, cmd_serve, cmd_connect;
/* Hunting descriptor leaks (issue 16). */
extern const struct command cmd_exec, cmd_watch, cmd_metrics;
/* Shell completion scripts, generated from the tables above. */
extern const struct command cmd_completion;

#endif
