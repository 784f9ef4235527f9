/* Options and the round loop that watch and metrics share, and the walk
 * over every process that list shares too.  The
 * selections are the query layer's (query/select), parsed as list parses
 * them; -Q over the columns a sample has; -C, -t and --summary, which
 * need list's table, are refused. */
#include <dirent.h>
#include <errno.h>
#include <err.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/sampling.h"
#include "lib/util.h"
#include "net/attach.h"
#include "out/table.h"
#include "proc/fdtype.h"
#include "out/escape.h"
#include "proc/procfs.h"

volatile sig_atomic_t sampling_stop;

void sampling_init(struct sampling *s, const struct command *cmd)
{
	memset(s, 0, sizeof(*s));
	s->cmd = cmd;
	s->interval_ms = -1;
	s->query = query_new();
}

void sampling_release(struct sampling *s)
{
	free(s->pids);
	query_free(s->query);
	s->pids = NULL;
	s->query = NULL;
}

/* One getopt result: 1 when it was one of these options, 0 when not, -1
 * after a usage error. */
static int take(struct sampling *s, int c, char *arg, int argc, char **argv)
{
	char why[512];
	int r;

	switch (c) {
	case 'p':
		return cli_opt_pids(s->cmd, "--pid", arg, SIZE_MAX, &s->pids,
				    &s->npids) < 0 ? -1 : 1;
	case SAMPLING_OPT_INTERVAL:
		return cli_opt_seconds(s->cmd, "--interval", arg, 0, 86400000LL,
				       &s->interval_ms) < 0 ? -1 : 1;
	case SAMPLING_OPT_COUNT:
		return cli_opt_ll(s->cmd, "--count", arg, 1, LLONG_MAX,
				  &s->count) < 0 ? -1 : 1;
	case 'C':
	case 't':
	case QUERY_OPT_SUMMARY:
		cmd_usage_error(s->cmd, "-C, -t and --summary are list's: "
				"use the other selections");
		return -1;
	default:
		break;
	}
	/* "-i :8080" with a space, as list takes it. */
	if (c == 'i' && arg == NULL && optind < argc &&
	    query_inet_operand(argv[optind]))
		arg = argv[optind++];
	r = query_take(s->query, c, arg, why, sizeof(why));
	if (r < 0) {
		cmd_usage_error(s->cmd, "%s", why);
		return -1;
	}
	return r;
}

/* The columns -Q may name in a sample: what a descriptor's link, stat
 * and socket tell, named and typed as list's. */
enum { SCOL_PID, SCOL_COMMAND, SCOL_FD, SCOL_TYPE, SCOL_INODE, SCOL_NAME };
static const struct out_column sample_columns[] = {
	[SCOL_PID] = { "PID", 5, OUT_RIGHT, OUT_JSON_NUMBER, "process ID" },
	[SCOL_COMMAND] = { "COMMAND", 0.1, 0, OUT_JSON_STRING, "command" },
	[SCOL_FD] = { "FD", 3, OUT_RIGHT, OUT_JSON_NUMBER, "descriptor" },
	[SCOL_TYPE] = { "TYPE", 5, 0, OUT_JSON_STRING, "file type" },
	[SCOL_INODE] = { "INODE", 8, OUT_RIGHT, OUT_JSON_NUMBER, "inode" },
	[SCOL_NAME] = { "NAME", 0.5, 0, OUT_JSON_STRING, "name" },
};

struct sample_row {
	const struct fd_proc *p;
	const struct fd_entry *e;
	const struct sock_info *si, *peer;
};

static int sample_get(const void *ctx, int col, char *buf, size_t len,
		      const char **val)
{
	const struct sample_row *r = ctx;
	const char *link = fd_entry_link(r->p, r->e);
	bool have_stat = r->e->stat_errno == 0 && r->e->st.st_mode != 0;

	*val = buf;
	switch (col) {
	case SCOL_PID:
		snprintf(buf, len, "%ld", (long)r->p->pid);
		break;
	case SCOL_COMMAND:
		*val = r->p->comm;
		break;
	case SCOL_FD:
		snprintf(buf, len, "%d", r->e->fd);
		break;
	case SCOL_TYPE:
		*val = fdtype_name(r->e->st.st_mode, have_stat, link);
		break;
	case SCOL_INODE:
		if (!have_stat)
			*val = NULL;
		else
			snprintf(buf, len, "%llu", (unsigned long long)r->e->st.st_ino);
		break;
	case SCOL_NAME:
		*val = r->si && net_sock_name(r->si, r->peer, buf, len) ? buf : link;
		break;
	default:
		*val = NULL;
	}
	return 0;
}

/* After getopt: the PATH operands, and the selections made ready. */
static int finish(struct sampling *s, int argc, char **argv)
{
	char why[512];

	/* A file that is not there is a failure, not a usage mistake. */
	for (; optind < argc; optind++)
		if (query_add_path(s->query, argv[optind], why, sizeof(why)) < 0) {
			warnx("%s", why);
			return EXIT_FAIL;
		}
	if (query_prepare(s->query, sample_columns, ARRAY_SIZE(sample_columns)) < 0)
		return EXIT_USAGE;
	s->selecting = query_selects(s->query);
	s->fd_selecting = query_selects_descriptors(s->query);
	/* Watch and metrics keep their tables whole: dropping what is no
	 * socket as it is read is for list's first pass. */
	s->need = query_need(s->query, &s->sockets) &
		~(unsigned int)FDL_NEED_SOCKETS_ONLY;
	/* -Q: every column it may name is at hand. */
	s->filtering = query_filters(s->query);
	if (s->filtering) {
		s->need |= FDL_NEED_LINK | FDL_NEED_STAT | FDL_NEED_COMM;
		s->sockets = true;
	}
	return EXIT_OK;
}

int sampling_parse(struct sampling *s, int argc, char **argv,
		   const char *shortopts, const struct option *longopts,
		   sampling_own_fn own, void *ctx, bool *help)
{
	int c, r;

	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if ((r = take(s, c, optarg, argc, argv)) < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		if (c == 'h') {
			*help = true;
			return EXIT_OK;
		}
		if (c == ':' || c == '?')
			return cmd_bad_option(s->cmd, argv, c);
		if ((r = own(ctx, c, optarg)) != EXIT_OK)
			return r;
	}
	return finish(s, argc, argv);
}

bool sampling_want_process(const struct sampling *s, const char *root,
			   pid_t pid, struct query_proc *qp)
{
	bool want;
	int pin;

	memset(qp, 0, sizeof(*qp));
	qp->q = s->query;
	qp->pid = pid;
	if (!s->selecting)
		return true;
	/* The command and the owner from one pin of the process. */
	pin = procfs_open_pid(root, pid);
	want = query_want_process(s->query, pin, pid, qp);
	if (pin >= 0)
		close(pin);
	return want;
}

bool sampling_match(const struct sampling *s, const struct fd_proc *p,
		    const struct fd_entry *e, const struct sock_info *si,
		    const struct sock_info *peer)
{
	struct query_proc qp = { .q = s->query, .pid = p->pid };
	struct sample_row sr = { p, e, si, peer };
	struct query_row r;

	if (!s->fd_selecting)
		return true;
	query_row_of_fd(&r, p, e);
	r.si = si;
	r.peer = peer;
	r.get = sample_get;
	r.get_ctx = &sr;
	return query_keep_fd(&qp, e->fd) && query_match(s->query, &r);
}

int sampling_each_process(const char *root,
			  bool (*fn)(void *ctx, pid_t pid), void *ctx)
{
	DIR *d = opendir(root);
	struct dirent *de;

	if (d == NULL) {
		/* $FDSCOPE_PROC_ROOT may hold any byte. */
		int e = errno;
		char *esc = escape_str(root);

		warnx("cannot read '%s': %s", esc, strerror(e));
		free(esc);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		long long v;
		const char *why;

		if (parse_ll(de->d_name, 1, INT_MAX, &v, &why) < 0)
			continue;
		if (!fn(ctx, (pid_t)v))
			break;
	}
	closedir(d);
	return 0;
}

struct others_walk {
	bool (*fn)(void *ctx, pid_t pid);
	void *ctx;
};

static bool visit_other(void *arg, pid_t pid)
{
	const struct others_walk *w = arg;

	/* fdscope itself is a passing process, its table mid-read. */
	return pid == getpid() || w->fn(w->ctx, pid);
}

int sampling_each_pid(const char *root, bool (*fn)(void *ctx, pid_t pid),
		      void *ctx)
{
	struct others_walk w = { fn, ctx };

	return sampling_each_process(root, visit_other, &w);
}

static void on_stop(int sig)
{
	sampling_stop = sig;
}

void sampling_catch_stop(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

bool sampling_wait(struct timespec *due, long long interval_ms)
{
	struct timespec now;

	due->tv_sec += interval_ms / 1000;
	due->tv_nsec += (interval_ms % 1000) * 1000000L;
	if (due->tv_nsec >= 1000000000L) {
		due->tv_sec++;
		due->tv_nsec -= 1000000000L;
	}
	/* Behind (a slow round): the next one starts now. */
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > due->tv_sec ||
	    (now.tv_sec == due->tv_sec && now.tv_nsec > due->tv_nsec))
		*due = now;
	while (!sampling_stop &&
	       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, due, NULL) == EINTR)
		;
	return !sampling_stop;
}
