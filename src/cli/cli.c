/* Dispatch: global options, the table of commands, help, and the final
 * check that everything written to stdout reached it. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/command.h"
#include "lib/util.h"
#include "out/escape.h"
#include "out/table.h"
#include "proc/procfs.h"

static int cmd_help_run(const struct cli_env *env, int argc, char **argv);

static const struct option help_longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char *const *help_operands(void);

static const struct command cmd_help_entry = {
	.name = "help",
	.run = cmd_help_run,
	.summary = "show help for fdscope or one command",
	.usage = "fdscope help [COMMAND]\n"
		 "\n"
		 "Show the list of commands, or the help of COMMAND.\n"
		 "\n"
		 "Options:\n"
		 "  -h, --help             show this help\n"
		 "  -V, --version          show the version\n",
	.longopts = help_longopts,
	.shortopts = ":h",
	.operands = help_operands,
};

/* The command table: `fdscope --help` lists them in this order. */
const struct command *const cli_commands[] = {
	&cmd_list,
	&cmd_limits,
	&cmd_exec,
	&cmd_watch,
	&cmd_metrics,
	&cmd_open,
	&cmd_alloc,
	&cmd_recycle,
	&cmd_exhaust,
	&cmd_tables,
	&cmd_demo,
	&cmd_exchange,
	&cmd_serve,
	&cmd_connect,
	&cmd_completion,
	&cmd_help_entry,
	NULL,
};

/* `fdscope help COMMAND`: completion offers the command names. */
static const char *const *help_operands(void)
{
	static const char *names[ARRAY_SIZE(cli_commands)];
	size_t i;

	for (i = 0; cli_commands[i]; i++)
		names[i] = cli_commands[i]->name;
	names[i] = NULL;
	return names;
}

const struct command *cli_find_command(const char *name)
{
	size_t i;

	for (i = 0; cli_commands[i]; i++)
		if (strcmp(cli_commands[i]->name, name) == 0)
			return cli_commands[i];
	return NULL;
}

/* Optimal string alignment distance (Damerau-Levenshtein with adjacent
 * transpositions), capped: names longer than 31 bytes are never close. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t d[32][32];

	if (la >= 32 || lb >= 32)
		return SIZE_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1], v = d[i - 1][j - 1] + cost;

			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

const struct command *cli_suggest_command(const char *name)
{
	const struct command *best = NULL, *prefix = NULL;
	size_t i, best_d = 3, len = strlen(name), nprefix = 0;

	for (i = 0; cli_commands[i]; i++) {
		size_t dist = edit_distance(name, cli_commands[i]->name);

		/* Equally close names: none is the obvious one. */
		if (dist < best_d) {
			best_d = dist;
			best = cli_commands[i];
		} else if (dist == best_d) {
			best = NULL;
		}
		if (len >= 2 && strncmp(cli_commands[i]->name, name, len) == 0) {
			prefix = cli_commands[i];
			nprefix++;
		}
	}
	/* "lim" is the start of limits more than two edits from list. */
	return nprefix == 1 ? prefix : best;
}

static void print_main_usage(FILE *f)
{
	size_t i;

	fputs("Usage: fdscope [--help] [--version] COMMAND [OPTIONS] [ARGS]\n"
	      "\n"
	      "Explore and diagnose file descriptors: what a process has open,\n"
	      "the limits on how many it may open, and how the kernel hands out\n"
	      "descriptor numbers.\n"
	      "\n"
	      "Commands:\n", f);
	for (i = 0; cli_commands[i]; i++)
		fprintf(f, "  %-10s  %s\n", cli_commands[i]->name,
			cli_commands[i]->summary);
	fputs("\n"
	      "Run 'fdscope COMMAND --help' for a command's options, and\n"
	      "'man fdscope' for the whole manual.\n"
	      "Exit status: 0 success, 1 runtime failure, 2 usage error.\n", f);
}

int cmd_usage_error(const struct command *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("fdscope: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'fdscope %s --help')\n", cmd->name);
	return EXIT_USAGE;
}

int cmd_bad_option(const struct command *cmd, char **argv, int c)
{
	const char *arg = optind > 0 ? argv[optind - 1] : NULL;
	bool missing = c == ':';
	bool is_long = arg != NULL && strncmp(arg, "--", 2) == 0;
	char shortopt = (char)optopt, *esc;
	int ret;

	/* With a leading ':' in the option string getopt returns ':' for a
	 * missing value and '?' for an unknown option; optopt holds the
	 * character of a short option; a long one is named by its text.
	 * Either is echoed escaped: it may hold any byte. */
	esc = is_long ? cli_echo(arg) : escape_bytes(&shortopt, 1);
	ret = cmd_usage_error(cmd, missing ? "option '%s%s' needs a value" :
			      "unknown option '%s%s'", is_long ? "" : "-", esc);
	free(esc);
	return ret;
}

char *cli_echo(const char *arg)
{
	size_t n = strlen(arg);
	char *esc = escape_bytes(arg, n > CLI_ECHO_MAX ? CLI_ECHO_MAX : n);
	size_t len = strlen(esc);

	if (n > CLI_ECHO_MAX) {
		esc = xrealloc(esc, len + 4);
		memcpy(esc + len, "...", 4);
	}
	return esc;
}

int cmd_unexpected_argument(const struct command *cmd, const char *arg)
{
	char *esc = cli_echo(arg);
	int ret;

	ret = cmd_usage_error(cmd, "unexpected argument '%s'", esc);
	free(esc);
	return ret;
}

int cmd_help(const struct command *cmd)
{
	printf("Usage: %s", cmd->usage);
	if (cmd->print_help)
		cmd->print_help(stdout);
	return EXIT_OK;
}

/* "fdscope: unknown command 'lst' (did you mean 'list'?)": what a
 * mistyped name gets, from the dispatcher and from `fdscope help`. */
static int unknown_command(const char *name)
{
	const struct command *near = cli_suggest_command(name);
	char *esc = cli_echo(name);

	if (near)
		fprintf(stderr, "fdscope: unknown command '%s'; did you mean "
			"'%s'? (see 'fdscope --help')\n", esc, near->name);
	else
		fprintf(stderr, "fdscope: unknown command '%s' (see 'fdscope "
			"--help')\n", esc);
	free(esc);
	return EXIT_USAGE;
}

static int cmd_help_run(const struct cli_env *env, int argc, char **argv)
{
	const struct command *c;
	int opt;

	(void)env;
	while ((opt = getopt_long(argc, argv, cmd_help_entry.shortopts,
				  cmd_help_entry.longopts, NULL)) != -1) {
		if (opt == 'h')
			return cmd_help(&cmd_help_entry);
		return cmd_bad_option(&cmd_help_entry, argv, opt);
	}
	if (optind >= argc) {
		print_main_usage(stdout);
		return EXIT_OK;
	}
	if (argc - optind > 1)
		return cmd_unexpected_argument(&cmd_help_entry, argv[optind + 1]);
	c = cli_find_command(argv[optind]);
	if (c == NULL)
		return unknown_command(argv[optind]);
	return cmd_help(c);
}

/* Everything written to stdout must have arrived.  A reader that went away
 * (`fdscope list --all | head -1`) is not an error worth a message. */
static int finish_stdout(int ret)
{
	if (out_flush_stdout() == 0 || errno == EPIPE)
		return ret;
	warn("cannot write to standard output");
	return ret == EXIT_OK ? EXIT_FAIL : ret;
}

static int main_usage_error(const char *what, const char *arg)
{
	char *esc = cli_echo(arg);

	fprintf(stderr, "fdscope: %s '%s' (see 'fdscope --help')\n", what, esc);
	free(esc);
	return EXIT_USAGE;
}

/* A closed standard output or error would be the first number open() hands
 * out, and narration meant for the terminal would land in whatever fdscope
 * opened there.  /dev/null read-only takes the slot: writes still fail, and
 * the stdout check reports it.  Standard input is left alone: the demos show
 * what happens when it is closed. */
static void guard_output_descriptors(void)
{
	int fd;

	for (fd = STDOUT_FILENO; fd <= STDERR_FILENO; fd++) {
		int n;

		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* With stdin closed too, open() gives 0: move it. */
		n = open("/dev/null", O_RDONLY);
		if (n < 0)
			_exit(EXIT_FAIL);
		if (n != fd) {
			dup2(n, fd);
			close(n);
		}
	}
}

/* -V/--version after any command (`fdscope list -V`), as util-linux
 * tools take it: the command's own option tables are scanned with
 * --version added, on a copy of argv (getopt permutes it).  The first of
 * -h, -V or a bad option decides, as it would in the command itself. */
static bool wants_version(const struct command *cmd, int argc, char **argv)
{
	static const struct option version = { "version", no_argument, NULL, 'V' };
	struct option *lo;
	char **av, *so;
	size_t n = 0, n_so;
	bool found = false;
	int c;

	if (cmd->longopts == NULL)
		return false;
	while (cmd->longopts[n].name)
		n++;
	lo = xcalloc(n + 2, sizeof(*lo));
	memcpy(lo, cmd->longopts, n * sizeof(*lo));
	lo[n] = version;
	n_so = strlen(cmd->shortopts) + 2;
	so = xmalloc(n_so);
	snprintf(so, n_so, "%sV", cmd->shortopts);
	av = xcalloc((size_t)argc + 1, sizeof(*av));
	memcpy(av, argv, (size_t)argc * sizeof(*av));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, av, so, lo, NULL)) != -1)
		if (c == 'V' || c == 'h' || c == '?' || c == ':') {
			found = c == 'V';
			break;
		}
	free(av);
	free(so);
	free(lo);
	return found;
}

int cli_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_env env = { PROCFS_DEFAULT_ROOT, argv[0] };
	const struct command *cmd;
	const char *root = getenv("FDSCOPE_PROC_ROOT");
	int c;

	/* A closed pipe must surface as EPIPE so that demos can clean up and
	 * the stdout check can tell it apart; servers must survive it. */
	signal(SIGPIPE, SIG_IGN);
	guard_output_descriptors();
	/* libsmartcols measures cells with the locale's multibyte functions. */
	setlocale(LC_CTYPE, "");
	if (root && *root)
		env.proc_root = root;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			print_main_usage(stdout);
			return finish_stdout(EXIT_OK);
		case 'V':
			printf("fdscope %s\n", FDSCOPE_VERSION);
			return finish_stdout(EXIT_OK);
		default:
			return main_usage_error("unknown option", argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		print_main_usage(stderr);
		return EXIT_USAGE;
	}
	cmd = cli_find_command(argv[optind]);
	if (cmd == NULL)
		return unknown_command(argv[optind]);
	argc -= optind;
	argv += optind;
	if (wants_version(cmd, argc, argv)) {
		printf("fdscope %s\n", FDSCOPE_VERSION);
		return finish_stdout(EXIT_OK);
	}
	/* Each command parses its own options from a fresh getopt state. */
	optind = 0;
	return finish_stdout(cmd->run(&env, argc, argv));
}
