/* `fdscope demo`: the guided tour.  The sections run in the mission's
 * order from one table; each makes real calls on one shared record, so
 * -J gives a single {"steps": [...]} for the whole tour. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli/command.h"
#include "lib/util.h"
#include "proc/procfs.h"
#include "teach/demo.h"
#include "teach/exchange.h"

struct tour {
	struct demo_ctx d;
	const struct cli_env *env;
	bool step;
	struct steps_opts so;	/* -J and -q */
};

struct section {
	const char *title;
	int (*run)(struct tour *t);
};

static int run_command(struct tour *t, const struct command *cmd, int argc,
		       char **argv)
{
	steps_flush(&t->d.steps);
	fflush(stdout);
	optind = 0;
	return cmd->run(t->env, argc, argv);
}

static int tour_descriptor(struct tour *t)
{
	char *argv[] = { "list", "-o", "FD,TYPE,MODE,NAME", NULL };

	steps_say(&t->d.steps, "A file descriptor is a small number that "
		  "names an open file in one process.  Every process starts "
		  "with 0 (standard input), 1 (standard output) and 2 (standard "
		  "error), unless whoever started it closed them.  The kernel "
		  "shows the table in /proc/self/fd; here is fdscope's own, "
		  "including the descriptor it uses to read that directory:");
	if (t->so.json)
		return 0;
	return run_command(t, &cmd_list, 3, argv) == EXIT_OK ? 0 : -1;
}

static int tour_limits(struct tour *t)
{
	unsigned long long nr_open = 0, file_max = 0;
	struct rlimit rl;
	int *tab = NULL, n, rc;
	struct step *st;

	rc = getrlimit(RLIMIT_NOFILE, &rl);
	st = steps_call(&t->d.steps, "getrlimit", rc, rc < 0 ? errno : 0,
			"getrlimit(RLIMIT_NOFILE, {rlim_cur=%llu, rlim_max=%llu})",
			(unsigned long long)rl.rlim_cur,
			(unsigned long long)rl.rlim_max);
	if (rc < 0)
		return -1;
	n = steps_read_table(&t->d.steps, &tab);
	free(tab);
	procfs_read_ull(t->d.proc_root, "sys/fs/nr_open", &nr_open);
	procfs_read_ull(t->d.proc_root, "sys/fs/file-max", &file_max);
	step_say(st, "How many can be open at once?  This process may hold "
		 "descriptors numbered below its soft limit, %llu (then open "
		 "fails with EMFILE); it has %d open, so %lld more at most.  It "
		 "may raise the soft limit up to the hard one, %llu; no process "
		 "may go above fs.nr_open, %llu; and the whole system stops at "
		 "fs.file-max, %llu (ENFILE).  'fdscope limits' shows all of it.",
		 (unsigned long long)rl.rlim_cur, n,
		 (long long)rl.rlim_cur - n, (unsigned long long)rl.rlim_max,
		 nr_open, file_max);
	return 0;
}

static int tour_open(struct tour *t)
{
	struct demo_ctx *d = &t->d;
	int f, p[2] = { -1, -1 }, s, rc, want;
	struct step *st;

	steps_say(&d->steps, "Opening things: a file, a pipe and a socket all "
		  "get numbers from the same table.");
	f = demo_open_new(d, "tour-file", O_RDWR, "O_RDWR");
	rc = pipe2(p, 0);
	st = steps_call(&d->steps, "pipe2", rc, rc < 0 ? errno : 0,
			"pipe2([%d, %d], 0)", p[0], p[1]);
	if (rc == 0)
		step_fds(st, p[0], p[1]);
	step_say(st, "A pipe is two descriptors: %d reads, %d writes.", p[0], p[1]);
	want = steps_lowest_free(&d->steps, 0);
	s = socket(AF_INET, SOCK_STREAM, 0);
	st = steps_call(&d->steps, "socket", s, s < 0 ? errno : 0,
			"socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)");
	step_expect(st, want);
	step_say(st, "Python would show it as <socket fd=%d, family=AF_INET, "
		 "type=SOCK_STREAM, proto=6, laddr=0.0.0.0:0>.", s);
	if (s >= 0)
		demo_close(d, s);
	if (rc == 0) {
		demo_close(d, p[1]);
		demo_close(d, p[0]);
	}
	if (f >= 0)
		demo_close(d, f);
	return d->failed ? -1 : 0;
}

static int tour_alloc(struct tour *t)
{
	return demo_alloc_body(&t->d);
}

static int tour_recycle(struct tour *t)
{
	return demo_recycle_body(&t->d);
}

/* 32 as `fdscope exhaust` does, or more when fdscope was started with
 * many descriptors already open. */
static int tour_exhaust(struct tour *t)
{
	int *tab = NULL, n = steps_read_table(&t->d.steps, &tab);
	long long limit = 32;
	struct rlimit rl;

	free(tab);
	if (n + 8 > limit)
		limit = n + 29;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY &&
	    (unsigned long long)limit > rl.rlim_max)
		limit = (long long)rl.rlim_max;
	if (demo_exhaust_check_limit(&t->d, limit) < 0)
		return -1;
	return demo_exhaust_body(&t->d, limit);
}

static int tour_tables(struct tour *t)
{
	return demo_tables_body(&t->d, false);
}

/* The last section is the network work's exchange (src/net_exchange.c),
 * over TCP on loopback, recorded on the tour's own record: in JSON its
 * steps join the others, labelled server and client. */
static int tour_exchange(struct tour *t)
{
	struct exchange_opts o = {
		.proto = EXCHANGE_TCP,
		.port = 0,
		.server_message = EXCHANGE_SERVER_MESSAGE,
		.client_message = EXCHANGE_CLIENT_MESSAGE,
	};

	steps_say(&t->d.steps, "The article's ending: a server and a client "
		  "process exchange two messages over TCP on loopback; every "
		  "socket is a descriptor like the others.");
	return net_exchange(&t->d.steps, &o);
}

/* The tour, in the mission's order. */
static const struct section sections[] = {
	{ "What a descriptor is: 0, 1, 2 and /proc/self/fd", tour_descriptor },
	{ "The limits: how many can be open", tour_limits },
	{ "open: what the kernel hands out", tour_open },
	{ "alloc: the lowest available number", tour_alloc },
	{ "recycle: the same number, another file", tour_recycle },
	{ "exhaust: running out (EMFILE)", tour_exhaust },
	{ "tables: descriptors, open file descriptions, inodes", tour_tables },
	{ "exchange: a client and a server", tour_exchange },
};

/* --step: wait for Enter on the terminal, only when there is one.  The
 * terminal is opened just for the wait so it never shows in the tables. */
static void wait_for_enter(struct tour *t)
{
	char c;
	int fd;

	if (!t->step || t->so.json)
		return;
	fd = open("/dev/tty", O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return;
	fputs("[Enter for the next section]", stdout);
	fflush(stdout);
	while (read(fd, &c, 1) == 1 && c != '\n')
		;
	close(fd);
}

static const struct option demo_longopts[] = {
	{ "step", no_argument, NULL, 's' },
	STEPS_LONG_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
static const char demo_shortopts[] = ":s" STEPS_SHORT_OPTIONS "h";

static int demo_run(const struct cli_env *env, int argc, char **argv)
{
	struct tour t;
	int c, ret = EXIT_OK;
	size_t i;

	memset(&t, 0, sizeof(t));
	t.env = env;
	while ((c = getopt_long(argc, argv, demo_shortopts, demo_longopts,
				NULL)) != -1) {
		if (steps_opts_take(&t.so, c))
			continue;
		switch (c) {
		case 's':
			t.step = true;
			break;
		case 'h':
			return cmd_help(&cmd_demo);
		default:
			return cmd_bad_option(&cmd_demo, argv, c);
		}
	}
	if (optind < argc)
		return cmd_unexpected_argument(&cmd_demo, argv[optind]);
	if (demo_begin(&t.d, env->proc_root, t.so.json, t.so.quiet) < 0)
		return EXIT_FAIL;
	for (i = 0; i < ARRAY_SIZE(sections); i++) {
		if (i > 0)
			wait_for_enter(&t);
		steps_heading(&t.d.steps, "%zu. %s", i + 1, sections[i].title);
		if (sections[i].run(&t) < 0)
			ret = EXIT_FAIL;
	}
	return demo_end(&t.d, ret);
}

const struct command cmd_demo = {
	.name = "demo",
	.run = demo_run,
	.longopts = demo_longopts,
	.shortopts = demo_shortopts,
	.summary = "the guided tour: descriptors, limits, allocation, sharing",
	.usage =
	"fdscope demo [--step] [--quiet] [-J]\n"
	"\n"
	"The guided tour: what a descriptor is, the limits, open, alloc,\n"
	"recycle, exhaust, tables and the client/server exchange, each with the\n"
	"real calls and what the kernel returned.\n"
	"\n"
	"Options:\n"
	"  -s, --step             wait for Enter between sections (on /dev/tty; never\n"
	"                         waits when there is no terminal)\n"
	DEMO_COMMON_HELP,
};
