/* `fdscope watch`: sample the descriptor tables of processes at an
 * interval and print what opened, closed or changed, with a status line
 * per process (open count, soft limit, growth rate, time to EMFILE).  A
 * sample reads numbers and link texts, and a statx of descriptors naming
 * paths (proc/watch keeps the last decoded table); only new or changed
 * descriptors are decoded. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/command.h"
#include "lib/util.h"
#include "out/escape.h"
#include "net/attach.h"
#include "out/jsonw.h"
#include "out/table.h"
#include "proc/fdlist.h"
#include "proc/fdtype.h"
#include "proc/procfs.h"
#include "proc/watch.h"

#define MAX_WATCHED 64

struct watched {
	pid_t pid;
	int fddir;		/* /proc/PID/fd, for stat of new descriptors */
	char comm[64];		/* escaped */
	bool sampled, gone, unreadable;
	struct watch_table tab;
	struct watch_rate rate;
	bool have_limit;
	struct limit_pair lim;
	unsigned long long opened, closed, first, peak;
};

struct watch_control {
	const char *proc_root;
	struct watched procs[MAX_WATCHED];
	size_t nprocs;
	long long interval_ms;
	long long count;	/* samples to take, 0: until interrupted */
	bool json, help, tty;
	size_t status_lines;	/* printed last, redrawn on a terminal */
	double t0;
	double now;		/* seconds since start, of this sample */
};

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* glibc takes struct statx from <linux/stat.h>, which has stx_mnt_id
 * (Linux 5.8); an older kernel leaves STATX_MNT_ID out of the mask. */
static unsigned long long statx_mnt_id(const struct statx *stx)
{
	return (stx->stx_mask & STATX_MNT_ID) ? stx->stx_mnt_id : 0;
}

/* What the descriptor's number names now: the target's inode and mount. */
static bool fd_statx(const struct watched *w, int fd, struct statx *stx)
{
	char name[16];

	snprintf(name, sizeof(name), "%d", fd);
	return w->fddir >= 0 && statx(w->fddir, name, 0, STATX_TYPE |
				      STATX_MODE | STATX_INO | STATX_MNT_ID,
				      stx) == 0;
}

/* The decoded form of sample entry e, as `list` names it. */
static void decode(struct watched *w, const struct fd_proc *p,
		   const struct fd_entry *e, struct net_attach *a,
		   struct watch_fd *out)
{
	const char *link = fd_entry_link(p, e);
	const struct sock_info *si;
	char buf[4 * 4096 + 64];
	unsigned long long ino = 0;
	struct statx stx;
	mode_t mode = 0;
	bool ok;

	memset(&stx, 0, sizeof(stx));
	ok = fd_statx(w, e->fd, &stx);
	if (ok) {
		mode = stx.stx_mode;
		ino = stx.stx_ino;
		out->mnt_id = statx_mnt_id(&stx);
	} else if (link && link_bracket_inode(link, "pipe:", &ino)) {
		/* Closed since the sample read its link: a pipe's or a
		 * socket's link still says what it was. */
		mode = S_IFIFO;
		ok = true;
	} else if (link && link_bracket_inode(link, "socket:", &ino)) {
		mode = S_IFSOCK;
		ok = true;
	}
	out->fd = e->fd;
	out->link = link ? xstrdup(link) : NULL;
	out->ino = ok ? ino : 0;
	out->type = xstrdup(fdtype_name(mode, ok, link));
	si = a ? net_attach_sock(a, 0, e) : NULL;
	if (si != NULL && net_sock_name(si, net_attach_peer(a, 0, si), buf,
					sizeof(buf)) != NULL)
		out->name = xstrdup(buf);
	else
		out->name = link ? escape_str(link) : xstrdup("?");
}

/* A path can name another file under the same text (a log rotated and
 * recreated, another mount at the same place): for those the inode and
 * mount ID decide too.  Pipes, sockets and anonymous inodes carry their
 * identity in the link text, or have no other. */
static void verify_kept(const struct watched *w, const struct fd_proc *p,
			struct watch_diff *d)
{
	size_t j;

	for (j = 0; j < p->n; j++) {
		const struct watch_fd *o;
		const char *link;
		struct statx stx;

		if (d->kept[j] == SIZE_MAX)
			continue;
		link = fd_entry_link(p, &p->fds[j]);
		o = &w->tab.fds[d->kept[j]];
		if (link == NULL || link[0] != '/' || !fd_statx(w, p->fds[j].fd, &stx))
			continue;
		if (stx.stx_ino == o->ino && statx_mnt_id(&stx) == o->mnt_id)
			continue;
		d->replaced[j] = d->kept[j];
		d->kept[j] = SIZE_MAX;
		d->nkept--;
	}
}

static void print_fd_event(struct watch_control *ctl, const struct watched *w,
			   const char *event, char sign,
			   const struct watch_fd *f, const struct watch_fd *old)
{
	if (ctl->json) {
		fprintf(stdout, "{\"time\":%.3f", ctl->now);
		jsonw_kv_escaped(stdout, 0, "event", event);
		jsonw_kv_ll(stdout, 0, "pid", w->pid);
		jsonw_kv_ll(stdout, 0, "fd", f->fd);
		jsonw_kv_escaped(stdout, 0, "type", f->type);
		jsonw_kv_escaped(stdout, 0, "name", f->name);
		jsonw_kv_ll(stdout, 0, "inode", (long long)f->ino);
		if (old) {
			jsonw_kv_escaped(stdout, 0, "old_type", old->type);
			jsonw_kv_escaped(stdout, 0, "old_name", old->name);
			jsonw_kv_ll(stdout, 0, "old_inode", (long long)old->ino);
		}
		fputs("}\n", stdout);
		return;
	}
	if (ctl->nprocs > 1)
		printf("%ld ", (long)w->pid);
	printf("%c %d %s %s", sign, f->fd, f->type, f->name);
	if (old)
		printf(" (was %s %s)", old->type, old->name);
	putchar('\n');
}

static bool needs_sockets(const struct fd_proc *p, const struct watch_diff *d)
{
	size_t j;

	for (j = 0; j < p->n; j++) {
		const char *link = fd_entry_link(p, &p->fds[j]);

		if ((d == NULL || d->kept[j] == SIZE_MAX) && link &&
		    strncmp(link, "socket:[", 8) == 0)
			return true;
	}
	return false;
}

/* Builds the new table: kept entries moved over, the rest decoded, and
 * prints an event for each difference. */
static void apply_sample(struct watch_control *ctl, struct watched *w,
			 const struct fd_proc *p, const struct watch_diff *d)
{
	struct watch_table next = { NULL, p->n };
	struct net_attach *a = NULL;
	size_t i, j;

	next.fds = xcalloc(p->n ? p->n : 1, sizeof(*next.fds));
	if (needs_sockets(p, d)) {
		a = net_attach_new(ctl->proc_root, p, 1);
		net_attach_sockets(a);
	}
	for (i = 0; d && i < d->nremoved; i++) {
		print_fd_event(ctl, w, "close", '-', &w->tab.fds[d->removed[i]], NULL);
		w->closed++;
	}
	for (j = 0; j < p->n; j++) {
		struct watch_fd *old;

		if (d && d->kept[j] != SIZE_MAX) {
			next.fds[j] = w->tab.fds[d->kept[j]];
			memset(&w->tab.fds[d->kept[j]], 0, sizeof(struct watch_fd));
			continue;
		}
		decode(w, p, &p->fds[j], a, &next.fds[j]);
		if (d == NULL)
			continue;
		old = d->replaced[j] != SIZE_MAX ? &w->tab.fds[d->replaced[j]] : NULL;
		if (old == NULL) {
			print_fd_event(ctl, w, "open", '+', &next.fds[j], NULL);
			w->opened++;
		} else if (old->ino != next.fds[j].ino || old->ino == 0 ||
			   old->mnt_id != next.fds[j].mnt_id) {
			/* Another file under the same number. */
			print_fd_event(ctl, w, "replace", '~', &next.fds[j], old);
			w->opened++;
			w->closed++;
		}
	}
	net_attach_free(a);
	watch_table_release(&w->tab);
	w->tab = next;
}

static void read_limit(struct watch_control *ctl, struct watched *w)
{
	char path[64], *buf = NULL;

	snprintf(path, sizeof(path), "%s/%ld/limits", ctl->proc_root, (long)w->pid);
	w->have_limit = procfs_slurp_at(AT_FDCWD, path, &buf) >= 0 &&
		limits_parse_nofile(buf, &w->lim) == 0 && !w->lim.soft_unlimited;
	free(buf);
}

static void report_gone(struct watch_control *ctl, struct watched *w)
{
	w->gone = true;
	if (w->fddir >= 0)
		close(w->fddir);
	w->fddir = -1;
	if (ctl->json) {
		fprintf(stdout, "{\"time\":%.3f,\"event\":\"exit\",\"pid\":%ld}\n",
			ctl->now, (long)w->pid);
		return;
	}
	printf("%ld %s: exited\n", (long)w->pid, w->comm);
}

static void sample(struct watch_control *ctl, struct watched *w)
{
	struct watch_diff d;
	struct fd_proc p;

	if (fd_proc_collect(&p, ctl->proc_root, w->pid, FDL_NEED_LINK |
			    (w->sampled ? 0 : FDL_NEED_COMM)) < 0) {
		if ((errno == ENOENT || errno == ESRCH) && w->sampled) {
			report_gone(ctl, w);
			return;
		}
		if (errno == ENOENT || errno == ESRCH) {
			warnx("process %ld: no such process", (long)w->pid);
			w->gone = w->unreadable = true;
			return;
		}
		/* Said once: the next sample would be refused the same way. */
		warnx("process %ld: cannot read its descriptors: %s%s", (long)w->pid,
		      strerror(errno), errno == EACCES || errno == EPERM ?
		      " (run as its user, or with CAP_SYS_PTRACE)" : "");
		w->gone = w->unreadable = true;
		return;
	}
	if (!w->sampled) {
		escape_into(w->comm, sizeof(w->comm), p.comm, strlen(p.comm));
		apply_sample(ctl, w, &p, NULL);
		w->first = w->peak = p.n;
		w->sampled = true;
	} else {
		watch_diff_compute(&w->tab, &p, &d);
		verify_kept(w, &p, &d);
		apply_sample(ctl, w, &p, &d);
		watch_diff_release(&d);
	}
	if (p.n > w->peak)
		w->peak = p.n;
	watch_rate_add(&w->rate, ctl->now, (double)p.n);
	read_limit(ctl, w);
	fd_proc_release(&p);
}

static void print_status(struct watch_control *ctl, const struct watched *w)
{
	double rate = 0, eta = -1;
	bool have_rate = watch_rate_slope(&w->rate, &rate) == 0;

	if (have_rate && w->have_limit)
		eta = watch_time_to_limit((double)w->tab.n, (double)w->lim.soft, rate);
	if (ctl->json) {
		fprintf(stdout, "{\"time\":%.3f,\"event\":\"status\",\"pid\":%ld",
			ctl->now, (long)w->pid);
		jsonw_kv_escaped(stdout, 0, "command", w->comm);
		jsonw_kv_ll(stdout, 0, "open", (long long)w->tab.n);
		if (w->have_limit)
			jsonw_kv_ll(stdout, 0, "soft_limit", (long long)w->lim.soft);
		else
			fputs(",\"soft_limit\":null", stdout);
		if (have_rate)
			fprintf(stdout, ",\"rate\":%.3f", rate);
		else
			fputs(",\"rate\":null", stdout);
		if (eta >= 0)
			fprintf(stdout, ",\"seconds_to_emfile\":%.1f}\n", eta);
		else
			fputs(",\"seconds_to_emfile\":null}\n", stdout);
		return;
	}
	printf("%ld %s: %zu open, soft limit ", (long)w->pid, w->comm, w->tab.n);
	if (w->have_limit)
		printf("%llu", w->lim.soft);
	else
		fputs("unlimited", stdout);
	if (have_rate)
		printf(", %+.1f/s", rate);
	if (eta >= 0)
		printf(", EMFILE in %.0f s\n", eta);
	else
		fputs(have_rate ? ", not growing\n" : "\n", stdout);
}

static size_t live_count(const struct watch_control *ctl)
{
	size_t i, n = 0;

	for (i = 0; i < ctl->nprocs; i++)
		n += !ctl->procs[i].gone;
	return n;
}

static void tick(struct watch_control *ctl)
{
	size_t i;

	ctl->now = mono_s() - ctl->t0;
	/* On a terminal the status lines stay at the bottom, redrawn. */
	if (ctl->tty && ctl->status_lines)
		printf("\033[%zuA\r\033[J", ctl->status_lines);
	for (i = 0; i < ctl->nprocs; i++)
		if (!ctl->procs[i].gone)
			sample(ctl, &ctl->procs[i]);
	ctl->status_lines = 0;
	for (i = 0; i < ctl->nprocs; i++) {
		if (ctl->procs[i].gone || !ctl->procs[i].sampled)
			continue;
		print_status(ctl, &ctl->procs[i]);
		ctl->status_lines++;
	}
	fflush(stdout);
}

static void print_summary(struct watch_control *ctl)
{
	size_t i;

	ctl->now = mono_s() - ctl->t0;
	for (i = 0; i < ctl->nprocs; i++) {
		const struct watched *w = &ctl->procs[i];
		long long net = (long long)w->tab.n - (long long)w->first;

		if (!w->sampled)
			continue;
		if (ctl->json) {
			fprintf(stdout, "{\"time\":%.3f,\"event\":\"summary\","
				"\"pid\":%ld,\"opened\":%llu,\"closed\":%llu,"
				"\"peak\":%llu,\"net\":%lld}\n", ctl->now,
				(long)w->pid, w->opened, w->closed, w->peak, net);
			continue;
		}
		printf("%ld %s: opened %llu, closed %llu, peak %llu, net %+lld\n",
		       (long)w->pid, w->comm, w->opened, w->closed, w->peak, net);
	}
}

static int add_pid(struct watch_control *ctl, long long v)
{
	size_t i;

	for (i = 0; i < ctl->nprocs; i++)
		if (ctl->procs[i].pid == (pid_t)v)
			return 0;
	if (ctl->nprocs == MAX_WATCHED) {
		cmd_usage_error(&cmd_watch, "too many processes: at most %d",
				MAX_WATCHED);
		return -1;
	}
	memset(&ctl->procs[ctl->nprocs], 0, sizeof(ctl->procs[0]));
	ctl->procs[ctl->nprocs].pid = (pid_t)v;
	ctl->procs[ctl->nprocs++].fddir = -1;
	return 0;
}

/* The one PID list parser (cli/opts.c): commas or blanks, each PID once;
 * add_pid then applies watch's own rules. */
static int parse_pids(struct watch_control *ctl, const char *arg)
{
	pid_t *pids = NULL;
	size_t n = 0, i;
	int ret = 0;

	if (cli_opt_pids(&cmd_watch, "--pid", arg, SIZE_MAX, &pids, &n) < 0)
		ret = -1;
	for (i = 0; ret == 0 && i < n; i++)
		if (add_pid(ctl, pids[i]) < 0)
			ret = -1;
	free(pids);
	return ret;
}

static const struct option watch_longopts[] = {
	{ "pid", required_argument, NULL, 'p' },
	{ "interval", required_argument, NULL, 'i' },
	{ "count", required_argument, NULL, 'c' },
	{ "json", no_argument, NULL, 'J' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
static const char watch_shortopts[] = ":p:Jh";

static int parse_args(struct watch_control *ctl, int argc, char **argv)
{
	int c;

	while ((c = getopt_long(argc, argv, watch_shortopts, watch_longopts,
				NULL)) != -1) {
		switch (c) {
		case 'p':
			if (parse_pids(ctl, optarg) < 0)
				return EXIT_USAGE;
			break;
		case 'i':
			if (cli_opt_seconds(&cmd_watch, "--interval", optarg, 0,
					    86400000LL, &ctl->interval_ms) < 0)
				return EXIT_USAGE;
			break;
		case 'c':
			if (cli_opt_ll(&cmd_watch, "--count", optarg, 1, LLONG_MAX,
				       &ctl->count) < 0)
				return EXIT_USAGE;
			break;
		case 'J':
			ctl->json = true;
			break;
		case 'h':
			ctl->help = true;
			return EXIT_OK;
		default:
			return cmd_bad_option(&cmd_watch, argv, c);
		}
	}
	if (optind < argc)
		return cmd_unexpected_argument(&cmd_watch, argv[optind]);
	if (ctl->nprocs == 0)
		return cmd_usage_error(&cmd_watch, "no process to watch: give -p PID");
	return EXIT_OK;
}

static void open_fd_dirs(struct watch_control *ctl)
{
	char path[4096];
	size_t i;

	for (i = 0; i < ctl->nprocs; i++) {
		snprintf(path, sizeof(path), "%s/%ld/fd", ctl->proc_root,
			 (long)ctl->procs[i].pid);
		ctl->procs[i].fddir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
}

/* Sleeps until the next tick is due; false when a signal asked to stop. */
static bool wait_tick(struct watch_control *ctl, struct timespec *due)
{
	struct timespec now;

	due->tv_sec += ctl->interval_ms / 1000;
	due->tv_nsec += (ctl->interval_ms % 1000) * 1000000L;
	if (due->tv_nsec >= 1000000000L) {
		due->tv_sec++;
		due->tv_nsec -= 1000000000L;
	}
	/* Behind (a slow sample): the next one starts now. */
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > due->tv_sec ||
	    (now.tv_sec == due->tv_sec && now.tv_nsec > due->tv_nsec))
		*due = now;
	while (!stop_signal &&
	       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, due, NULL) == EINTR)
		;
	return !stop_signal;
}

static int watch_run(const struct cli_env *env, int argc, char **argv)
{
	struct watch_control ctl = { .proc_root = env->proc_root,
				     .interval_ms = 1000 };
	struct sigaction sa;
	struct timespec due;
	long long taken = 0;
	int ret, failed = 0;
	size_t i;

	ret = parse_args(&ctl, argc, argv);
	if (ret != EXIT_OK || ctl.help)
		return ctl.help ? cmd_help(&cmd_watch) : ret;
	ctl.tty = !ctl.json && out_term_controls();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;	/* no SA_RESTART: the sleep ends */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	open_fd_dirs(&ctl);
	ctl.t0 = mono_s();
	clock_gettime(CLOCK_MONOTONIC, &due);
	for (;;) {
		tick(&ctl);
		taken++;
		for (i = 0; i < ctl.nprocs; i++)
			if (ctl.procs[i].unreadable)
				failed = 1;
		if (live_count(&ctl) == 0 || (ctl.count && taken >= ctl.count))
			break;
		if (!wait_tick(&ctl, &due))
			break;
	}
	print_summary(&ctl);
	for (i = 0; i < ctl.nprocs; i++) {
		watch_table_release(&ctl.procs[i].tab);
		if (ctl.procs[i].fddir >= 0)
			close(ctl.procs[i].fddir);
	}
	/* A process that could not be read at all is a failure; one that
	 * exited while watched is not. */
	return failed ? EXIT_FAIL : EXIT_OK;
}

const struct command cmd_watch = {
	.name = "watch",
	.run = watch_run,
	.longopts = watch_longopts,
	.shortopts = watch_shortopts,
	.summary = "show descriptors opening and closing, and the growth rate",
	.usage =
	"fdscope watch -p PID[,PID...] [--interval S] [--count N] [-J]\n"
	"\n"
	"Sample the descriptor tables of the processes every S seconds and\n"
	"print what changed: '+ FD TYPE NAME' opened, '- FD TYPE NAME' closed,\n"
	"'~ FD TYPE NAME' a number now naming another file.  A status line per\n"
	"process gives the open count, the soft limit, the growth rate (least\n"
	"squares over the last 30 samples) and, at that rate, the time until\n"
	"open() fails with EMFILE.  Only new or changed descriptors are decoded.\n"
	"Ctrl-C (or --count) ends it with a summary: opened, closed, peak and\n"
	"net growth.  A process that exits is reported once.\n"
	"\n"
	"Options:\n"
	"  -p, --pid LIST         the processes to watch, separated by commas or\n"
	"                         blanks (may repeat)\n"
	"      --interval S       seconds between samples (default 1; 0.2 ok)\n"
	"      --count N          stop after N samples\n"
	"  -J, --json             one JSON object per line (JSON Lines)\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show the version\n"
	"\n"
	"Examples:\n"
	"  fdscope watch -p 1234\n"
	"  fdscope watch -p 1234,5678 --interval 0.5 --count 20 -J\n",
};
