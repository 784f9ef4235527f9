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
	pid_t *pids;
	size_t npids;
	bool all, help;
	const char *textfile;
	long long interval_ms;	/* -1: write once */
	long long count;	/* writes, 0: until SIGTERM */
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

/* Returns 0, or -1 with errno from the table's collection.  With --all, a
 * process without a table (kernel thread, zombie) is left out. */
static int collect_one(struct metrics_control *ctl, pid_t pid, bool skip_empty)
{
	struct proc_metrics m = { .pid = pid };
	struct fd_proc p;
	size_t i;

	if (fd_proc_collect(&p, ctl->proc_root, pid, FDL_NEED_LINK |
			    FDL_NEED_STAT | FDL_NEED_COMM) < 0)
		return -1;
	if (skip_empty && p.n == 0) {
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

static void collect_all(struct metrics_control *ctl)
{
	DIR *d = opendir(ctl->proc_root);
	struct dirent *de;

	if (d == NULL) {
		/* $FDSCOPE_PROC_ROOT may hold any byte. */
		int e = errno;
		char *esc = escape_str(ctl->proc_root);

		warnx("cannot read '%s': %s", esc, strerror(e));
		free(esc);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		long long v;
		const char *why;

		/* fdscope itself is a passing process, its table mid-read. */
		if (parse_ll(de->d_name, 1, INT_MAX, &v, &why) < 0 ||
		    (pid_t)v == getpid())
			continue;
		/* Gone meanwhile, or a kernel thread: nothing to report. */
		if (collect_one(ctl, (pid_t)v, true) < 0 &&
		    (errno == EACCES || errno == EPERM))
			ctl->denied++;
	}
	closedir(d);
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

/* The one PID list parser (cli/opts.c): commas or blanks, each PID once. */
static int parse_pids(struct metrics_control *ctl, const char *arg)
{
	return cli_opt_pids(&cmd_metrics, "--pid", arg, SIZE_MAX, &ctl->pids,
			    &ctl->npids);
}

static const struct option metrics_longopts[] = {
	{ "pid", required_argument, NULL, 'p' },
	{ "all", no_argument, NULL, 'a' },
	{ "textfile", required_argument, NULL, 't' },
	{ "interval", required_argument, NULL, 'i' },
	{ "count", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
static const char metrics_shortopts[] = ":p:ah";

static int parse_args(struct metrics_control *ctl, int argc, char **argv)
{
	int c;

	while ((c = getopt_long(argc, argv, metrics_shortopts, metrics_longopts,
				NULL)) != -1) {
		switch (c) {
		case 'p':
			if (parse_pids(ctl, optarg) < 0)
				return EXIT_USAGE;
			break;
		case 'a':
			ctl->all = true;
			break;
		case 't':
			if (*optarg == '\0')
				return cmd_usage_error(&cmd_metrics, "--textfile "
						       "needs a file name");
			ctl->textfile = optarg;
			break;
		case 'i':
			if (cli_opt_seconds(&cmd_metrics, "--interval", optarg, 0,
					    86400000LL, &ctl->interval_ms) < 0)
				return EXIT_USAGE;
			break;
		case 'c':
			if (cli_opt_ll(&cmd_metrics, "--count", optarg, 1, LLONG_MAX,
				       &ctl->count) < 0)
				return EXIT_USAGE;
			break;
		case 'h':
			ctl->help = true;
			return EXIT_OK;
		default:
			return cmd_bad_option(&cmd_metrics, argv, c);
		}
	}
	if (optind < argc)
		return cmd_unexpected_argument(&cmd_metrics, argv[optind]);
	if (ctl->all && ctl->npids)
		return cmd_usage_error(&cmd_metrics, "--all and --pid exclude each other");
	if (!ctl->npids)
		ctl->all = true;
	if ((ctl->interval_ms >= 0 || ctl->count) && ctl->textfile == NULL)
		return cmd_usage_error(&cmd_metrics, "--interval and --count "
				       "rewrite a --textfile: give one");
	if (ctl->count && ctl->interval_ms < 0)
		ctl->interval_ms = 0;
	return EXIT_OK;
}

/* One round: collect, write, forget.  Returns 0, or 1 when a listed
 * process or the file failed. */
static int metrics_once(struct metrics_control *ctl)
{
	int failed = 0;
	size_t i;

	if (ctl->all)
		collect_all(ctl);
	for (i = 0; i < ctl->npids; i++) {
		if (collect_one(ctl, ctl->pids[i], false) == 0)
			continue;
		if (errno == ENOENT || errno == ESRCH)
			warnx("process %ld: no such process", (long)ctl->pids[i]);
		else
			warn("process %ld: cannot read its descriptors",
			     (long)ctl->pids[i]);
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

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
}

/* Sleeps the interval; false when SIGTERM or SIGINT asked to stop. */
static bool pause_between(const struct metrics_control *ctl)
{
	struct timespec ts = { ctl->interval_ms / 1000,
			       (ctl->interval_ms % 1000) * 1000000L };

	while (!stop_signal && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return !stop_signal;
}

static int metrics_run(const struct cli_env *env, int argc, char **argv)
{
	struct metrics_control ctl = { .proc_root = env->proc_root,
				       .interval_ms = -1 };
	long long n = 0;
	int ret, failed = 0;

	ret = parse_args(&ctl, argc, argv);
	if (ret != EXIT_OK || ctl.help) {
		free(ctl.pids);
		return ctl.help ? cmd_help(&cmd_metrics) : ret;
	}
	if (ctl.interval_ms >= 0) {
		/* A write is finished, not cut, when asked to stop. */
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_stop;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	for (;;) {
		failed |= metrics_once(&ctl);
		n++;
		if (ctl.interval_ms < 0 || (ctl.count && n >= ctl.count) ||
		    !pause_between(&ctl))
			break;
	}
	free(ctl.pids);
	return failed ? EXIT_FAIL : EXIT_OK;
}

const struct command cmd_metrics = {
	.name = "metrics",
	.run = metrics_run,
	.longopts = metrics_longopts,
	.shortopts = metrics_shortopts,
	.summary = "print descriptor counts and limits for Prometheus",
	.usage =
	"fdscope metrics [-p PID[,PID...] | --all]\n"
	"                [--textfile PATH [--interval S] [--count N]]\n"
	"\n"
	"Print, in the Prometheus text format (0.0.4), each process's open\n"
	"descriptors, soft and hard RLIMIT_NOFILE, headroom and counts by type\n"
	"(labels pid and comm), and the machine's fs.file-nr, fs.file-max and\n"
	"fs.nr_open.  Without -p, every process fdscope may read.\n"
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
	"\n"
	"Examples:\n"
	"  fdscope metrics -p 1234\n"
	"  fdscope metrics --textfile /var/lib/node-exporter/fdscope.prom\n"
	"  fdscope metrics --textfile /var/lib/node-exporter/fdscope.prom \\\n"
	"      --interval         15\n",
};
