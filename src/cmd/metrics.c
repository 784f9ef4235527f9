/* `fdscope metrics`: the descriptor counts and limits of processes and of
 * the machine in Prometheus's text format, on stdout or atomically into a
 * file for node_exporter's textfile collector.  Collect, then write. */
#include <dirent.h>
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
#include <time.h>
#include <unistd.h>

#include "cli/command.h"
#include "cmd/sampling.h"
#include "net/attach.h"
#include "lib/util.h"
#include "out/escape.h"
#include "out/prom.h"
#include "proc/fdlist.h"
#include "proc/fdtype.h"
#include "proc/procfs.h"

struct type_count {
	const char *type;	/* fdtype_name's static text */
	unsigned long long n;
};

struct proc_metrics {
	pid_t pid;
	char pidtext[16];
	char comm[64];
	unsigned long long open, below_soft;
	bool have_limits;
	struct limit_pair nofile;
	struct type_count *types;
	size_t ntypes;
};

struct metrics_control {
	const char *proc_root;
	/* -p, --interval (-1: write once), --count (writes, 0: until
	 * SIGTERM) and the selections. */
	struct sampling s;
	bool all, help;
	const char *textfile;
	struct proc_metrics *procs;
	size_t nprocs;
	bool have_nr_open, have_file_max, have_file_nr;
	unsigned long long nr_open, file_max, file_nr[3];
	size_t denied;
};

static void count_type(struct proc_metrics *m, const char *type)
{
	size_t i;

	for (i = 0; i < m->ntypes; i++)
		if (strcmp(m->types[i].type, type) == 0) {
			m->types[i].n++;
			return;
		}
	m->types = xrealloc(m->types, (m->ntypes + 1) * sizeof(*m->types));
	m->types[m->ntypes++] = (struct type_count){ type, 1 };
}

static int read_limits(const char *root, pid_t pid, struct limit_pair *lp)
{
	char path[64], *buf = NULL;
	int rc;

	snprintf(path, sizeof(path), "%s/%ld/limits", root, (long)pid);
	if (procfs_slurp_at(AT_FDCWD, path, &buf) < 0)
		return -1;
	rc = limits_parse_nofile(buf, lp);
	free(buf);
	return rc;
}

/* Whether a descriptor selection holds for some descriptor of p: a
 * process is reported whole, or not at all. */
static bool has_selected(const struct metrics_control *ctl,
			 const struct fd_proc *p)
{
	struct net_attach *a = NULL;
	bool found = false;
	size_t i;

	if (!ctl->s.fd_selecting)
		return true;
	if (ctl->s.sockets) {
		a = net_attach_new(ctl->proc_root, p, 1);
		net_attach_sockets(a);
	}
	for (i = 0; i < p->n && !found; i++) {
		const struct sock_info *si = a ? net_attach_sock(a, 0, &p->fds[i]) : NULL;

		found = sampling_match(&ctl->s, p, &p->fds[i], si,
				       si ? net_attach_peer(a, 0, si) : NULL);
	}
	net_attach_free(a);
	return found;
}

/* Returns 0 (also for a process the selections leave out), or -1 with
 * errno from the table's collection.  With --all, a process without a
 * table (kernel thread, zombie) is left out. */
static int collect_one(struct metrics_control *ctl, pid_t pid, bool skip_empty)
{
	struct proc_metrics m = { .pid = pid };
	struct query_proc qp;
	struct fd_proc p;
	size_t i;

	if (!sampling_want_process(&ctl->s, ctl->proc_root, pid, &qp))
		return 0;
	if (fd_proc_collect(&p, ctl->proc_root, pid, FDL_NEED_LINK |
			    FDL_NEED_STAT | FDL_NEED_COMM | ctl->s.need |
			    (ctl->s.sockets ? FDL_NEED_NETNS : 0)) < 0)
		return -1;
	if ((skip_empty && p.n == 0) || !has_selected(ctl, &p)) {
		fd_proc_release(&p);
		return 0;
	}
	snprintf(m.pidtext, sizeof(m.pidtext), "%ld", (long)pid);
	snprintf(m.comm, sizeof(m.comm), "%s", p.comm);
	m.have_limits = read_limits(ctl->proc_root, pid, &m.nofile) == 0;
	for (i = 0; i < p.n; i++) {
		const struct fd_entry *e = &p.fds[i];

		m.open++;
		if (m.nofile.soft_unlimited ||
		    (unsigned long long)e->fd < m.nofile.soft)
			m.below_soft++;
		count_type(&m, fdtype_name(e->st.st_mode, e->stat_errno == 0,
					   fd_entry_link(&p, e)));
	}
	fd_proc_release(&p);
	ctl->procs = xrealloc(ctl->procs, (ctl->nprocs + 1) * sizeof(*ctl->procs));
	ctl->procs[ctl->nprocs++] = m;
	return 0;
}

static bool collect_found(void *arg, pid_t pid)
{
	struct metrics_control *ctl = arg;

	/* Gone meanwhile, or a kernel thread: nothing to report. */
	if (collect_one(ctl, pid, true) < 0 &&
	    (errno == EACCES || errno == EPERM))
		ctl->denied++;
	return true;
}

/* -1 when the proc root cannot be read (warned): a failure, exit 1. */
static int collect_all(struct metrics_control *ctl)
{
	return sampling_each_pid(ctl->proc_root, collect_found, ctl);
}

static void collect_system(struct metrics_control *ctl)
{
	char path[4096], buf[128];

	ctl->have_nr_open = procfs_read_ull(ctl->proc_root, "sys/fs/nr_open",
					    &ctl->nr_open) == 0;
	ctl->have_file_max = procfs_read_ull(ctl->proc_root, "sys/fs/file-max",
					     &ctl->file_max) == 0;
	snprintf(path, sizeof(path), "%s/sys/fs/file-nr", ctl->proc_root);
	ctl->have_file_nr = procfs_read_at(AT_FDCWD, path, buf, sizeof(buf)) >= 0 &&
		file_nr_parse(buf, ctl->file_nr) == 0;
}

static void proc_labels(const struct proc_metrics *m, struct prom_label *l)
{
	l[0] = (struct prom_label){ "pid", m->pidtext };
	l[1] = (struct prom_label){ "comm", m->comm };
}

enum { M_OPEN, M_SOFT, M_HARD, M_HEADROOM };

static void write_proc_family(FILE *f, const struct metrics_control *ctl,
			      int which)
{
	static const char *const names[] = {
		[M_OPEN] = "fdscope_process_open_fds",
		[M_SOFT] = "fdscope_process_max_fds",
		[M_HARD] = "fdscope_process_max_fds_hard",
		[M_HEADROOM] = "fdscope_process_fds_headroom",
	};
	static const char *const helps[] = {
		[M_OPEN] = "Open file descriptors of the process.",
		[M_SOFT] = "Soft RLIMIT_NOFILE of the process: open() fails with "
			"EMFILE at this descriptor number.",
		[M_HARD] = "Hard RLIMIT_NOFILE of the process: the ceiling for "
			"the soft limit.",
		[M_HEADROOM] = "Descriptors the process can still open before "
			"EMFILE (free numbers below the soft limit, or below "
			"fs.nr_open when unlimited).",
	};
	struct prom_label l[2];
	size_t i;

	prom_family(f, names[which], "gauge", helps[which]);
	for (i = 0; i < ctl->nprocs; i++) {
		const struct proc_metrics *m = &ctl->procs[i];
		unsigned long long cap;

		proc_labels(m, l);
		if (which == M_OPEN) {
			prom_sample(f, names[which], l, 2, false, m->open);
			continue;
		}
		if (!m->have_limits)
			continue;
		if (which == M_SOFT)
			prom_sample(f, names[which], l, 2, m->nofile.soft_unlimited,
				    m->nofile.soft);
		else if (which == M_HARD)
			prom_sample(f, names[which], l, 2, m->nofile.hard_unlimited,
				    m->nofile.hard);
		else if (!m->nofile.soft_unlimited || ctl->have_nr_open) {
			cap = m->nofile.soft_unlimited ? ctl->nr_open : m->nofile.soft;
			prom_sample_ll(f, names[which], l, 2,
				       (long long)(cap - m->below_soft));
		}
	}
}

static void write_metrics(FILE *f, void *ctx)
{
	const struct metrics_control *ctl = ctx;
	struct prom_label l[3];
	size_t i, j;
	int which;

	for (which = M_OPEN; which <= M_HEADROOM; which++)
		write_proc_family(f, ctl, which);
	prom_family(f, "fdscope_process_open_fds_by_type", "gauge",
		    "Open file descriptors of the process by type (REG, DIR, "
		    "CHR, FIFO, SOCK, an anonymous inode's kind, ...).");
	for (i = 0; i < ctl->nprocs; i++) {
		const struct proc_metrics *m = &ctl->procs[i];

		proc_labels(m, l);
		for (j = 0; j < m->ntypes; j++) {
			l[2] = (struct prom_label){ "type", m->types[j].type };
			prom_sample(f, "fdscope_process_open_fds_by_type", l, 3,
				    false, m->types[j].n);
		}
	}
	if (ctl->have_file_nr) {
		prom_family(f, "fdscope_system_file_handles_allocated", "gauge",
			    "Open file descriptions allocated system-wide "
			    "(fs.file-nr, first field).");
		prom_sample(f, "fdscope_system_file_handles_allocated", NULL, 0,
			    false, ctl->file_nr[0]);
		prom_family(f, "fdscope_system_file_handles_free", "gauge",
			    "Allocated but unused file handles (fs.file-nr, "
			    "second field; 0 since Linux 2.6).");
		prom_sample(f, "fdscope_system_file_handles_free", NULL, 0,
			    false, ctl->file_nr[1]);
	}
	if (ctl->have_file_max) {
		prom_family(f, "fdscope_system_file_handles_max", "gauge",
			    "System-wide limit on open files (fs.file-max).");
		prom_sample(f, "fdscope_system_file_handles_max", NULL, 0,
			    false, ctl->file_max);
	}
	if (ctl->have_nr_open) {
		prom_family(f, "fdscope_system_nr_open", "gauge",
			    "Highest RLIMIT_NOFILE any process may set "
			    "(fs.nr_open).");
		prom_sample(f, "fdscope_system_nr_open", NULL, 0, false,
			    ctl->nr_open);
	}
}

enum { METRICS_OPT_TEXTFILE = 0x3100 };

static const struct option metrics_longopts[] = {
	SAMPLING_LONG_OPTIONS,
	{ "all", no_argument, NULL, 'a' },
	{ "textfile", required_argument, NULL, METRICS_OPT_TEXTFILE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
static const char metrics_shortopts[] = ":ah" SAMPLING_SHORT_OPTIONS;

static int take_own(void *arg, int c, char *optval)
{
	struct metrics_control *ctl = arg;

	if (c == 'a') {
		ctl->all = true;
		return EXIT_OK;
	}
	if (c != METRICS_OPT_TEXTFILE)
		return cmd_usage_error(&cmd_metrics, "unknown option");
	if (*optval == '\0')
		return cmd_usage_error(&cmd_metrics, "--textfile needs a file name");
	ctl->textfile = optval;
	return EXIT_OK;
}

static int parse_args(struct metrics_control *ctl, int argc, char **argv)
{
	int r = sampling_parse(&ctl->s, argc, argv, metrics_shortopts,
			       metrics_longopts, take_own, ctl, &ctl->help);

	if (r != EXIT_OK || ctl->help)
		return r;
	if (ctl->all && ctl->s.npids)
		return cmd_usage_error(&cmd_metrics, "--all and --pid exclude each other");
	if (!ctl->s.npids)
		ctl->all = true;
	if ((ctl->s.interval_ms >= 0 || ctl->s.count) && ctl->textfile == NULL)
		return cmd_usage_error(&cmd_metrics, "--interval and --count "
				       "rewrite a --textfile: give one");
	if (ctl->s.count && ctl->s.interval_ms < 0)
		ctl->s.interval_ms = 0;
	return EXIT_OK;
}

/* One round: collect, write, forget.  Returns 0, or 1 when a listed
 * process or the file failed. */
static int metrics_once(struct metrics_control *ctl)
{
	int failed = 0;
	size_t i;

	if (ctl->all && collect_all(ctl) < 0)
		failed = 1;
	for (i = 0; i < ctl->s.npids; i++) {
		pid_t pid = ctl->s.pids[i];

		if (collect_one(ctl, pid, false) == 0)
			continue;
		if (errno == ENOENT || errno == ESRCH)
			warnx("process %ld: no such process", (long)pid);
		else
			warn("process %ld: cannot read its descriptors",
			     (long)pid);
		failed = 1;
	}
	if (ctl->denied)
		warnx("%zu process%s left out: permission denied (run as root or "
		      "with CAP_SYS_PTRACE)", ctl->denied, ctl->denied == 1 ? "" : "es");
	collect_system(ctl);
	if (ctl->textfile == NULL) {
		write_metrics(stdout, ctl);
		fflush(stdout);
	} else if (prom_write_atomic(ctl->textfile, write_metrics, ctl) < 0) {
		char *esc = escape_str(ctl->textfile);

		warn("cannot write '%s'", esc);
		free(esc);
		failed = 1;
	}
	for (i = 0; i < ctl->nprocs; i++)
		free(ctl->procs[i].types);
	free(ctl->procs);
	ctl->procs = NULL;
	ctl->nprocs = 0;
	ctl->denied = 0;
	return failed;
}

static int metrics_run(const struct cli_env *env, int argc, char **argv)
{
	struct metrics_control ctl = { .proc_root = env->proc_root };
	struct timespec due;
	long long n = 0;
	int ret, failed = 0;

	sampling_init(&ctl.s, &cmd_metrics);
	ret = parse_args(&ctl, argc, argv);
	if (ret != EXIT_OK || ctl.help) {
		sampling_release(&ctl.s);
		return ctl.help ? cmd_help(&cmd_metrics) : ret;
	}
	/* A write is finished, not cut, when asked to stop. */
	if (ctl.s.interval_ms >= 0)
		sampling_catch_stop();
	clock_gettime(CLOCK_MONOTONIC, &due);
	for (;;) {
		failed |= metrics_once(&ctl);
		n++;
		if (ctl.s.interval_ms < 0 || (ctl.s.count && n >= ctl.s.count) ||
		    !sampling_wait(&due, ctl.s.interval_ms))
			break;
	}
	sampling_release(&ctl.s);
	return failed ? EXIT_FAIL : EXIT_OK;
}

const struct command cmd_metrics = {
	.name = "metrics",
	.run = metrics_run,
	.longopts = metrics_longopts,
	.shortopts = metrics_shortopts,
	.summary = "print descriptor counts and limits for Prometheus",
	.usage =
	"fdscope metrics [-p PID[,PID...] | --all] [SELECTIONS]\n"
	"                [--textfile PATH [--interval S] [--count N]]\n"
	"\n"
	"Print, in the Prometheus text format (0.0.4), each process's open\n"
	"descriptors, soft and hard RLIMIT_NOFILE, headroom and counts by type\n"
	"(labels pid and comm), and the machine's fs.file-nr, fs.file-max and\n"
	"fs.nr_open.  Without -p, every process fdscope may read.  Selections\n"
	"choose processes: -c and -u by command and user, the others those\n"
	"holding a matching descriptor; a chosen process is reported whole.\n"
	"\n"
	"Options:\n"
	"  -p, --pid LIST         these processes, separated by commas or blanks\n"
	"                         (the option may repeat)\n"
	"  -a, --all              every process fdscope may read (default)\n"
	"      --textfile PATH    write PATH atomically (a temporary file in\n"
	"                         its directory, then rename) for node_exporter's\n"
	"                         textfile collector, instead of stdout\n"
	"      --interval S       with --textfile: rewrite it every S seconds\n"
	"                         until SIGTERM or SIGINT\n"
	"      --count N          with --textfile: stop after N writes\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show the version\n"
	SAMPLING_SELECTIONS_HELP
	"\n"
	"Examples:\n"
	"  fdscope metrics -p 1234\n"
	"  fdscope metrics -c postgres -i :5432\n"
	"  fdscope metrics --textfile /var/lib/node-exporter/fdscope.prom\n"
	"  fdscope metrics --textfile /var/lib/node-exporter/fdscope.prom \\\n"
	"      --interval         15\n",
};
