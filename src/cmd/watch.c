/* `fdscope watch`: sample the descriptor tables of processes at an
 * interval and print what opened, closed or changed, with a status line
 * per process (open count, soft limit, growth rate, time to EMFILE).  A
 * tick looks once at each descriptor of the last table (proc/watch) and
 * counts the table; only new or changed descriptors are read and decoded,
 * all through the process's pinned /proc/PID. */
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
#include "cmd/sampling.h"
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
	int piddir;		/* /proc/PID, the pin: all is read through it */
	int fddir;		/* its fd directory, for the tick's probe */
	int open_errno;		/* why piddir is -1 */
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
	/* -p, --interval, --count (samples to take, 0: until interrupted)
	 * and the selections. */
	struct sampling s;
	bool scan;		/* no -p: processes found by -c/-u each tick */
	bool full_warned;
	bool json, help, tty;
	size_t status_lines;	/* printed last, redrawn on a terminal */
	double t0;
	double now;		/* seconds since start, of this sample */
};

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
static void decode(const struct watch_control *ctl, struct watched *w,
		   const struct fd_proc *p,
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
	out->shown = sampling_match(&ctl->s, p, e, si,
				    si ? net_attach_peer(a, 0, si) : NULL);
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

/* p holds what must be decoded: every descriptor on the first sample,
 * afterwards only the new and changed ones. */
static bool needs_sockets(const struct fd_proc *p)
{
	size_t j;

	for (j = 0; j < p->n; j++) {
		const char *link = fd_entry_link(p, &p->fds[j]);

		if (link && strncmp(link, "socket:[", 8) == 0)
			return true;
	}
	return false;
}

static void count_open(struct watch_control *ctl, struct watched *w,
		       const struct watch_fd *f)
{
	if (!f->shown)
		return;
	print_fd_event(ctl, w, "open", '+', f, NULL);
	w->opened++;
}

static void count_close(struct watch_control *ctl, struct watched *w,
			const struct watch_fd *f)
{
	if (!f->shown)
		return;
	print_fd_event(ctl, w, "close", '-', f, NULL);
	w->closed++;
}

/* Builds the new table from the last one and p, which holds the numbers
 * to read again (pr NULL: the first sample, everything), and prints an
 * event for each difference.  Both are sorted by number: one merge. */
static void apply_sample(struct watch_control *ctl, struct watched *w,
			 const struct fd_proc *p, const struct watch_probe *pr)
{
	const struct watch_table *old = &w->tab;
	struct watch_table next = { NULL, 0 };
	struct net_attach *a = NULL;
	size_t i = 0, j = 0;

	next.fds = xcalloc(old->n + p->n + 1, sizeof(*next.fds));
	if (needs_sockets(p)) {
		a = net_attach_new(ctl->proc_root, p, 1);
		net_attach_sockets(a);
	}
	while (i < old->n || j < p->n) {
		struct watch_fd *o = i < old->n ? &old->fds[i] : NULL;
		const struct fd_entry *e = j < p->n ? &p->fds[j] : NULL;
		struct watch_fd *f = &next.fds[next.n];

		if (o && (e == NULL || o->fd < e->fd)) {
			if (pr && pr->state[i] == WATCH_SAME) {
				*f = *o;
				memset(o, 0, sizeof(*o));
				next.n++;
			} else {
				/* Closed, or closed since the probe saw it
				 * changed. */
				count_close(ctl, w, o);
			}
			i++;
			continue;
		}
		if (e == NULL)
			break;		/* not reached: o took the rest */
		decode(ctl, w, p, e, a, f);
		next.n++;
		j++;
		if (pr == NULL)
			continue;
		if (o == NULL || o->fd != e->fd) {
			count_open(ctl, w, f);
			continue;
		}
		i++;
		if (o->ino == f->ino && o->ino != 0 && o->mnt_id == f->mnt_id)
			continue;
		/* Another file under the same number. */
		if (o->shown && f->shown) {
			print_fd_event(ctl, w, "replace", '~', f, o);
			w->opened++;
			w->closed++;
		} else {
			count_close(ctl, w, o);
			count_open(ctl, w, f);
		}
	}
	net_attach_free(a);
	watch_table_release(&w->tab);
	w->tab = next;
}

static void read_limit(struct watch_control *ctl, struct watched *w)
{
	char *buf = NULL;

	(void)ctl;
	w->have_limit = procfs_slurp_at(w->piddir, "limits", &buf) >= 0 &&
		limits_parse_nofile(buf, &w->lim) == 0 && !w->lim.soft_unlimited;
	free(buf);
}

static void release_dirs(struct watched *w)
{
	if (w->fddir >= 0)
		close(w->fddir);
	if (w->piddir >= 0)
		close(w->piddir);
	w->fddir = w->piddir = -1;
}

static void report_gone(struct watch_control *ctl, struct watched *w)
{
	w->gone = true;
	release_dirs(w);
	if (ctl->json) {
		fprintf(stdout, "{\"time\":%.3f,\"event\":\"exit\",\"pid\":%ld}\n",
			ctl->now, (long)w->pid);
		return;
	}
	printf("%ld %s: exited\n", (long)w->pid, w->comm);
}

static void sample(struct watch_control *ctl, struct watched *w)
{
	struct watch_probe pr;
	struct fd_proc p;
	int rc;

	if (w->sampled) {
		/* One call per descriptor; listing the directory and reading
		 * links again only when something changed. */
		watch_probe_run(&pr, &w->tab, w->fddir);
		if (watch_probe_unchanged(&pr, w->fddir)) {
			watch_probe_release(&pr);
			goto count;
		}
		rc = fd_proc_collect_at_some(&p, w->piddir, w->pid, FDL_NEED_LINK |
					     ctl->s.need, watch_probe_keep, &pr);
	} else {
		errno = w->open_errno;
		rc = w->piddir < 0 ? -1 :
			fd_proc_collect_at(&p, w->piddir, w->pid, FDL_NEED_LINK |
					   FDL_NEED_COMM | ctl->s.need);
	}
	if (rc < 0) {
		if (w->sampled)
			watch_probe_release(&pr);
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
		w->first = w->peak = w->tab.n;
		w->sampled = true;
	} else {
		apply_sample(ctl, w, &p, &pr);
		watch_probe_release(&pr);
	}
	fd_proc_release(&p);
count:
	if (w->tab.n > w->peak)
		w->peak = w->tab.n;
	watch_rate_add(&w->rate, ctl->now, (double)w->tab.n);
	read_limit(ctl, w);
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

static int add_pid(struct watch_control *ctl, pid_t pid)
{
	size_t i;

	for (i = 0; i < ctl->nprocs; i++)
		if (ctl->procs[i].pid == pid)
			return 0;
	if (ctl->nprocs == MAX_WATCHED)
		return -1;
	memset(&ctl->procs[ctl->nprocs], 0, sizeof(ctl->procs[0]));
	ctl->procs[ctl->nprocs].pid = pid;
	ctl->procs[ctl->nprocs].piddir = -1;
	ctl->procs[ctl->nprocs++].fddir = -1;
	return 1;
}

static const struct option watch_longopts[] = {
	SAMPLING_LONG_OPTIONS,
	{ "json", no_argument, NULL, 'J' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
static const char watch_shortopts[] = ":Jh" SAMPLING_SHORT_OPTIONS;

static int take_own(void *arg, int c, char *optval)
{
	struct watch_control *ctl = arg;

	(void)optval;
	if (c != 'J')
		return cmd_usage_error(&cmd_watch, "unknown option");
	ctl->json = true;
	return EXIT_OK;
}

static int parse_args(struct watch_control *ctl, int argc, char **argv)
{
	int r = sampling_parse(&ctl->s, argc, argv, watch_shortopts,
			       watch_longopts, take_own, ctl, &ctl->help);

	if (r != EXIT_OK || ctl->help)
		return r;
	if (ctl->s.npids > MAX_WATCHED)
		return cmd_usage_error(&cmd_watch, "too many processes: at most %d",
				       MAX_WATCHED);
	if (ctl->s.npids == 0 && !query_selects_processes(ctl->s.query))
		return cmd_usage_error(&cmd_watch, "no process to watch: give -p "
				       "PID, -c COMMAND or -u USER");
	ctl->scan = ctl->s.npids == 0;
	return EXIT_OK;
}

static void open_one(struct watch_control *ctl, struct watched *w)
{
	w->piddir = procfs_open_pid(ctl->proc_root, w->pid);
	w->open_errno = errno;
	if (w->piddir >= 0)
		w->fddir = openat(w->piddir, "fd", O_RDONLY | O_DIRECTORY |
				  O_CLOEXEC);
}

/* -p: the listed processes, less those the selections leave out. */
static void add_listed(struct watch_control *ctl)
{
	struct query_proc qp;
	size_t i;

	for (i = 0; i < ctl->s.npids; i++) {
		if (!sampling_want_process(&ctl->s, ctl->proc_root,
					   ctl->s.pids[i], &qp)) {
			warnx("process %ld: not selected", (long)ctl->s.pids[i]);
			continue;
		}
		if (add_pid(ctl, ctl->s.pids[i]) > 0)
			open_one(ctl, &ctl->procs[ctl->nprocs - 1]);
	}
}

/* Without -p, each tick: processes -c or -u select that are not watched
 * yet, started before watch or since. */
static bool add_found(void *arg, pid_t pid)
{
	struct watch_control *ctl = arg;
	struct query_proc qp;
	size_t i;
	int r;

	for (i = 0; i < ctl->nprocs; i++)
		if (ctl->procs[i].pid == pid)
			return true;
	if (!sampling_want_process(&ctl->s, ctl->proc_root, pid, &qp))
		return true;
	r = add_pid(ctl, pid);
	if (r < 0) {
		if (!ctl->full_warned)
			warnx("more than %d processes selected: watching the "
			      "first %d", MAX_WATCHED, MAX_WATCHED);
		ctl->full_warned = true;
		return false;
	}
	open_one(ctl, &ctl->procs[ctl->nprocs - 1]);
	return true;
}

static int watch_run(const struct cli_env *env, int argc, char **argv)
{
	struct watch_control ctl = { .proc_root = env->proc_root };
	struct timespec due;
	long long taken = 0;
	int ret, failed = 0;
	size_t i;

	sampling_init(&ctl.s, &cmd_watch);
	ret = parse_args(&ctl, argc, argv);
	if (ret != EXIT_OK || ctl.help) {
		sampling_release(&ctl.s);
		return ctl.help ? cmd_help(&cmd_watch) : ret;
	}
	if (ctl.s.interval_ms < 0)
		ctl.s.interval_ms = 1000;
	ctl.tty = !ctl.json && out_term_controls();
	sampling_catch_stop();
	add_listed(&ctl);
	if (!ctl.scan && ctl.nprocs == 0) {
		sampling_release(&ctl.s);
		return EXIT_FAIL;
	}
	ctl.t0 = mono_s();
	clock_gettime(CLOCK_MONOTONIC, &due);
	for (;;) {
		if (ctl.scan)
			sampling_each_pid(ctl.proc_root, add_found, &ctl);
		tick(&ctl);
		taken++;
		for (i = 0; i < ctl.nprocs; i++)
			if (ctl.procs[i].unreadable)
				failed = 1;
		/* Found by -c or -u: one may start later. */
		if ((!ctl.scan && live_count(&ctl) == 0) ||
		    (ctl.s.count && taken >= ctl.s.count))
			break;
		if (!sampling_wait(&due, ctl.s.interval_ms))
			break;
	}
	print_summary(&ctl);
	for (i = 0; i < ctl.nprocs; i++) {
		watch_table_release(&ctl.procs[i].tab);
		release_dirs(&ctl.procs[i]);
	}
	sampling_release(&ctl.s);
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
	"fdscope watch [-p PID[,PID...]] [SELECTIONS] [--interval S]\n"
	"                     [--count N] [-J]\n"
	"\n"
	"Sample the descriptor tables of the processes every S seconds and\n"
	"print what changed: '+ FD TYPE NAME' opened, '- FD TYPE NAME' closed,\n"
	"'~ FD TYPE NAME' a number now naming another file.  A status line per\n"
	"process gives the open count, the soft limit, the growth rate (least\n"
	"squares over the last 30 samples) and, at that rate, the time until\n"
	"open() fails with EMFILE.  A tick looks once at each descriptor (the\n"
	"inode of a file, the link of anything else); only new or changed ones\n"
	"are read and decoded (a file renamed keeps the name first seen).\n"
	"Ctrl-C (or --count) ends it with a summary: opened, closed, peak and\n"
	"net growth.  A process that exits is reported once.\n"
	"\n"
	"Without -p, -c or -u choose the processes, looked for at every tick:\n"
	"one started later is watched from then on.  A selection on\n"
	"descriptors shows only their events (and counts only them); the\n"
	"status line still counts every descriptor against the limit.\n"
	"\n"
	"Options:\n"
	"  -p, --pid LIST         the processes to watch, separated by commas or\n"
	"                         blanks (may repeat)\n"
	"      --interval S       seconds between samples (default 1; 0.2 ok)\n"
	"      --count N          stop after N samples\n"
	"  -J, --json             one JSON object per line (JSON Lines)\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show the version\n"
	SAMPLING_SELECTIONS_HELP
	"\n"
	"Examples:\n"
	"  fdscope watch -p 1234\n"
	"  fdscope watch -p 1234,5678 --interval 0.5 --count 20 -J\n"
	"  fdscope watch -c nginx -i :443\n",
};
