/* What watch and metrics share: the processes to look at (-p, or the
 * selections of `list` from the query layer), --interval and --count, and
 * stopping at the end of a round when SIGINT or SIGTERM arrives. */
#ifndef FDSCOPE_CMD_SAMPLING_H
#define FDSCOPE_CMD_SAMPLING_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <sys/types.h>

#include "cli/command.h"
#include "proc/fdlist.h"
#include "query/select.h"

struct sock_info;

enum {
	SAMPLING_OPT_INTERVAL = 0x3000,
	SAMPLING_OPT_COUNT,
};

#define SAMPLING_SHORT_OPTIONS "p:" QUERY_SHORT_OPTIONS
#define SAMPLING_LONG_OPTIONS \
	{ "pid", required_argument, NULL, 'p' }, \
	{ "interval", required_argument, NULL, SAMPLING_OPT_INTERVAL }, \
	{ "count", required_argument, NULL, SAMPLING_OPT_COUNT }, \
	QUERY_LONG_OPTIONS

/* -C, -t and --summary are list's: they need its table.  -Q takes the
 * columns a sample has (sampling.c). */
#define SAMPLING_SELECTIONS_HELP \
	"Selections (as list's; different options AND, values of one OR):\n" \
	QUERY_SELECTIONS_HELP \
	"  -Q, --filter EXPR      descriptors where EXPR holds (lsfd's language)\n" \
	"                         over PID, COMMAND, FD, TYPE, INODE and NAME\n"

struct sampling {
	const struct command *cmd;
	pid_t *pids;		/* -p, in the order given */
	size_t npids;
	long long interval_ms;	/* -1 when not given */
	long long count;	/* 0 when not given */
	struct query *query;
	bool selecting;		/* some selection was given */
	bool fd_selecting;	/* one that looks at descriptors */
	unsigned int need;	/* FDL_NEED_* the selections read */
	bool sockets;		/* and whether sockets must be decoded */
	bool filtering;		/* -Q was given */
};

void sampling_init(struct sampling *s, const struct command *cmd);
void sampling_release(struct sampling *s);

/* The command's own options, after these: own(ctx, c, optarg) returns
 * EXIT_OK, or EXIT_USAGE after a message. */
typedef int (*sampling_own_fn)(void *ctx, int c, char *arg);

/* Parses the command line: these options and the selections, -h (sets
 * *help), the command's own through own, then the PATH operands.
 * Returns EXIT_OK, or EXIT_USAGE/EXIT_FAIL after a message. */
int sampling_parse(struct sampling *s, int argc, char **argv,
		   const char *shortopts, const struct option *longopts,
		   sampling_own_fn own, void *ctx, bool *help);

/* What the PID, the command and the user decide, before the table is
 * read; true without selections. */
bool sampling_want_process(const struct sampling *s, const char *root,
			   pid_t pid, struct query_proc *qp);

/* Whether a collected descriptor is selected; true without selections on
 * descriptors.  si and peer: its socket when decoded. */
bool sampling_match(const struct sampling *s, const struct fd_proc *p,
		    const struct fd_entry *e, const struct sock_info *si,
		    const struct sock_info *peer);

/* Every process of root, fdscope itself too, as fn(ctx, pid); false from
 * fn stops the walk.  -1 when root cannot be read (warned). */
int sampling_each_process(const char *root,
			  bool (*fn)(void *ctx, pid_t pid), void *ctx);

/* The same but for fdscope itself. */
int sampling_each_pid(const char *root, bool (*fn)(void *ctx, pid_t pid),
		      void *ctx);

/* SIGINT and SIGTERM set sampling_stop instead of ending fdscope (no
 * SA_RESTART: a sleep ends), so that a round is finished, not cut. */
extern volatile sig_atomic_t sampling_stop;
void sampling_catch_stop(void);

/* Sleeps until due plus interval_ms (moving due there; a round that ran
 * late starts the next at once); false when asked to stop. */
bool sampling_wait(struct timespec *due, long long interval_ms);

#endif
