/* `fdscope limits`: how many descriptors a process may have and how close it
 * is to that, the system-wide limits, and `--set` to change the per-process
 * limit with prlimit(2), explaining which rule refuses a change. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli/command.h"
#include "lib/caps.h"
#include "lib/util.h"
#include "out/escape.h"
#include "out/table.h"
#include "proc/limits.h"

enum {
	F_PID, F_SOFT, F_HARD, F_NR_OPEN, F_FILE_MAX, F_FILE_NR_ALLOCATED,
	F_FILE_NR_FREE, F_OPEN, F_HIGHEST_FD, F_FDSIZE, F_HEADROOM,
	F_CAP_SYS_RESOURCE, F_CAP_SYS_PTRACE, F_CAP_DAC_READ_SEARCH,
	F_CAPABILITIES, NFIELDS
};

static const struct out_column fields[NFIELDS] = {
	[F_PID] = { "PID", 0, OUT_RIGHT, OUT_JSON_NUMBER,
		"the process these limits apply to" },
	[F_SOFT] = { "SOFT", 0, OUT_RIGHT, OUT_JSON_NUMBER,
		"RLIMIT_NOFILE soft limit: open fails with EMFILE at this number" },
	[F_HARD] = { "HARD", 0, OUT_RIGHT, OUT_JSON_NUMBER,
		"RLIMIT_NOFILE hard limit: the ceiling for the soft one" },
	[F_NR_OPEN] = { "NR_OPEN", 0, OUT_RIGHT, OUT_JSON_NUMBER,
		"fs.nr_open: no process may set its limit above this" },
	[F_FILE_MAX] = { "FILE_MAX", 0, OUT_RIGHT, OUT_JSON_NUMBER,
		"fs.file-max: open files for the whole system (then ENFILE)" },
	[F_FILE_NR_ALLOCATED] = { "FILE_NR_ALLOCATED", 0, OUT_RIGHT, OUT_JSON_NUMBER,
		"fs.file-nr: open file descriptions allocated system-wide" },
	[F_FILE_NR_FREE] = { "FILE_NR_FREE", 0, OUT_RIGHT, OUT_JSON_NUMBER,
		"fs.file-nr: allocated but unused (always 0 since Linux 2.6)" },
	[F_OPEN] = { "OPEN", 0, OUT_RIGHT, OUT_JSON_NUMBER,
		"descriptors open in the process now" },
	[F_HIGHEST_FD] = { "HIGHEST_FD", 0, OUT_RIGHT, OUT_JSON_NUMBER,
		"highest descriptor number in use" },
	[F_FDSIZE] = { "FDSIZE", 0, OUT_RIGHT, OUT_JSON_NUMBER,
		"slots allocated in the kernel's descriptor table (status FDSize)" },
	[F_HEADROOM] = { "HEADROOM", 0, OUT_RIGHT, OUT_JSON_NUMBER,
		"how many more it can open before EMFILE" },
	[F_CAP_SYS_RESOURCE] = { "CAP_SYS_RESOURCE", 0, OUT_RIGHT, OUT_JSON_BOOLEAN,
		"fdscope may raise a hard limit (and go past fs.file-max)" },
	[F_CAP_SYS_PTRACE] = { "CAP_SYS_PTRACE", 0, OUT_RIGHT, OUT_JSON_BOOLEAN,
		"fdscope may read other users' descriptor tables" },
	[F_CAP_DAC_READ_SEARCH] = { "CAP_DAC_READ_SEARCH", 0, OUT_RIGHT, OUT_JSON_BOOLEAN,
		"fdscope may read files regardless of permissions" },
	[F_CAPABILITIES] = { "CAPABILITIES", 0, OUT_RIGHT, OUT_JSON_STRING,
		"how the CAP_ fields were found: libcap (the effective set), "
		"not examined (built without libcap), unreadable (libcap "
		"failed); -J says it in full" },
};

static const int default_fields[] = {
	F_PID, F_SOFT, F_HARD, F_NR_OPEN, F_FILE_MAX, F_FILE_NR_ALLOCATED,
	F_FILE_NR_FREE, F_OPEN, F_HIGHEST_FD, F_FDSIZE, F_HEADROOM,
	F_CAP_SYS_RESOURCE, F_CAP_SYS_PTRACE, F_CAP_DAC_READ_SEARCH,
	F_CAPABILITIES,
};

/* What was found, and what fdscope may do. */
struct limits_info {
	struct proc_limits pl;
	int caps[3];
	bool json;		/* CAPABILITIES in full: a table gets a word */
};

struct limits_control {
	struct out_opts out;
	pid_t pid;		/* 0: fdscope itself */
	const char *set;
	unsigned int help : 1;
	int selected[OUT_MAX_COLUMNS];
	size_t nselected;
};

static const char *fmt_limit(char *buf, size_t len, bool unlimited,
			     unsigned long long v)
{
	if (unlimited)
		return "unlimited";
	snprintf(buf, len, "%llu", v);
	return buf;
}

static const char *fmt_cap(int v)
{
	return v < 0 ? NULL : v ? "yes" : "no";
}

static long long headroom(const struct proc_limits *li)
{
	unsigned long long cap = li->nofile.soft_unlimited ? li->nr_open :
		li->nofile.soft;

	/* open() takes the lowest free number and fails once that would be
	 * >= the soft limit: every free slot below it can still be used. */
	return (long long)(cap - li->count.below);
}

static const char *limits_cell(const void *row, int col, char *buf, size_t len)
{
	const struct limits_info *info = row;
	const struct proc_limits *li = &info->pl;

	switch (col) {
	case F_PID:
		return fmt_limit(buf, len, false, (unsigned long long)li->pid);
	case F_SOFT:
		return li->has_nofile ? fmt_limit(buf, len, li->nofile.soft_unlimited,
						  li->nofile.soft) : NULL;
	case F_HARD:
		return li->has_nofile ? fmt_limit(buf, len, li->nofile.hard_unlimited,
						  li->nofile.hard) : NULL;
	case F_NR_OPEN:
		return li->has_nr_open ? fmt_limit(buf, len, false, li->nr_open) : NULL;
	case F_FILE_MAX:
		return li->has_file_max ? fmt_limit(buf, len, false, li->file_max) : NULL;
	case F_FILE_NR_ALLOCATED:
		return li->has_file_nr ? fmt_limit(buf, len, false, li->file_nr[0]) : NULL;
	case F_FILE_NR_FREE:
		return li->has_file_nr ? fmt_limit(buf, len, false, li->file_nr[1]) : NULL;
	case F_OPEN:
		return li->has_count ? fmt_limit(buf, len, false, li->count.open) : NULL;
	case F_HIGHEST_FD:
		if (!li->has_count || li->count.highest < 0)
			return NULL;
		return fmt_limit(buf, len, false, (unsigned long long)li->count.highest);
	case F_FDSIZE:
		return li->has_fdsize ? fmt_limit(buf, len, false, li->fdsize) : NULL;
	case F_HEADROOM:
		if (!li->has_count || !li->has_nofile ||
		    (li->nofile.soft_unlimited && !li->has_nr_open))
			return NULL;
		snprintf(buf, len, "%lld", headroom(li));
		return buf;
	case F_CAP_SYS_RESOURCE:
		return fmt_cap(info->caps[0]);
	case F_CAP_SYS_PTRACE:
		return fmt_cap(info->caps[1]);
	case F_CAP_DAC_READ_SEARCH:
		return fmt_cap(info->caps[2]);
	case F_CAPABILITIES:
		/* A word in the table, so that VALUE stays narrow. */
		if (!caps_supported())
			return info->json ? "not examined: fdscope was built "
				"without libcap" : "not examined";
		if (info->caps[0] < 0)
			return info->json ? "libcap could not read them" :
				"unreadable";
		return info->json ? "effective set, read with libcap" : "libcap";
	default:
		return NULL;
	}
}

/* Collects everything; returns -1 after a warning when the process does
 * not exist, 1 when some of it could not be read (warned), 0 otherwise. */
static int limits_collect(const char *root, pid_t pid, struct limits_info *info)
{
	struct proc_limits *li = &info->pl;
	int ret = 0;

	if (proc_limits_read(root, pid, li) < 0) {
		warnx("process %ld: no such process", (long)(pid ? pid : getpid()));
		return -1;
	}
	if (!li->has_nofile) {
		errno = li->nofile_errno;
		warn("process %ld: cannot read its limits", (long)li->pid);
		ret = 1;
	}
	if (!li->has_count) {
		int e = li->count_errno;

		warnx("process %ld: cannot count its descriptors: %s%s", (long)li->pid,
		      strerror(e), e == EACCES || e == EPERM ?
		      " (run as its user, or with CAP_SYS_PTRACE)" : "");
		ret = 1;
	}
	info->caps[0] = caps_effective(FDS_CAP_SYS_RESOURCE);
	info->caps[1] = caps_effective(FDS_CAP_SYS_PTRACE);
	info->caps[2] = caps_effective(FDS_CAP_DAC_READ_SEARCH);
	return ret;
}

/* One side of --set: a number or "unlimited".  Returns 0, -1 for a usage
 * error (unparsable), -2 for a negative number (a rule, not a typo). */
static int parse_limit_value(const char *s, size_t n, rlim_t *out)
{
	char tmp[32];
	unsigned long long v;
	const char *why;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (strcmp(tmp, "unlimited") == 0) {
		*out = RLIM_INFINITY;
		return 0;
	}
	if (tmp[0] == '-') {
		long long neg;

		return parse_ll(tmp, LLONG_MIN, -1, &neg, &why) == 0 ? -2 : -1;
	}
	if (parse_ull(tmp, 0, ULLONG_MAX, &v, &why) < 0)
		return -1;
	*out = (rlim_t)v;
	return 0;
}

static const char *rlim_text(rlim_t v, char *buf, size_t len)
{
	return fmt_limit(buf, len, v == RLIM_INFINITY, (unsigned long long)v);
}

/* Explains, from the rules the kernel applies in do_prlimit(), why it said
 * no. */
static void explain_set_error(int e, pid_t pid, const struct rlimit *want,
			      const struct rlimit *old, const struct proc_limits *li)
{
	char a[32], b[32];

	if (pid == 0)
		pid = getpid();	/* named as the user sees it */
	if (e == EINVAL && want->rlim_cur > want->rlim_max)
		warnx("cannot set soft limit %s above hard limit %s: the soft limit "
		      "may not exceed the hard one",
		      rlim_text(want->rlim_cur, a, sizeof(a)),
		      rlim_text(want->rlim_max, b, sizeof(b)));
	else if (e == EPERM && li->has_nr_open && want->rlim_max > li->nr_open)
		warnx("cannot set hard limit %s: above fs.nr_open (%llu), which no "
		      "process may exceed; raise /proc/sys/fs/nr_open first",
		      rlim_text(want->rlim_max, a, sizeof(a)), li->nr_open);
	else if (e == EPERM && want->rlim_max > old->rlim_max)
		warnx("cannot raise hard limit from %s to %s: that needs "
		      "CAP_SYS_RESOURCE, which fdscope does not have (lower "
		      "limits, or run with the capability)",
		      rlim_text(old->rlim_max, a, sizeof(a)),
		      rlim_text(want->rlim_max, b, sizeof(b)));
	else if (e == EPERM)
		warnx("process %ld: not permitted to change its limits: run as "
		      "its user (all of its user and group IDs), or with "
		      "CAP_SYS_RESOURCE", (long)pid);
	else if (e == ESRCH)
		warnx("process %ld: no such process", (long)pid);
	else
		warnx("cannot set RLIMIT_NOFILE: %s", strerror(e));
}

/* --set takes prlimit(1)'s forms: SOFT:HARD sets both, SOFT: only the
 * soft limit, :HARD only the hard one, and a single value both. */
static int limits_set(const struct limits_control *ctl, const char *root)
{
	const char *colon = strchr(ctl->set, ':');
	size_t soft_len = colon ? (size_t)(colon - ctl->set) : strlen(ctl->set);
	const char *hard = colon ? colon + 1 : ctl->set;
	bool set_soft = soft_len > 0, set_hard = *hard != '\0';
	struct rlimit want = { 0, 0 }, old = { 0, 0 };
	struct proc_limits li;
	int r1 = 0, r2 = 0;

	if (set_soft)
		r1 = parse_limit_value(ctl->set, soft_len, &want.rlim_cur);
	if (set_hard)
		r2 = parse_limit_value(hard, strlen(hard), &want.rlim_max);
	if (r1 == -1 || r2 == -1 || (!set_soft && !set_hard)) {
		char *esc = cli_echo(ctl->set);

		cmd_usage_error(&cmd_limits, "invalid limit '%s': expected N, "
				"SOFT:HARD, SOFT: or :HARD, each a whole number "
				"or 'unlimited'", esc);
		free(esc);
		return EXIT_USAGE;
	}
	if (r1 == -2 || r2 == -2) {
		char *esc = cli_echo(ctl->set);

		cmd_usage_error(&cmd_limits, "invalid limit '%s': a descriptor "
				"limit cannot be below zero", esc);
		free(esc);
		return EXIT_USAGE;
	}
	memset(&li, 0, sizeof(li));
	if (prlimit(ctl->pid, RLIMIT_NOFILE, NULL, &old) < 0) {
		explain_set_error(errno, ctl->pid, &old, &old, &li);
		return EXIT_FAIL;
	}
	if (!set_soft)
		want.rlim_cur = old.rlim_cur;
	if (!set_hard)
		want.rlim_max = old.rlim_max;
	li.has_nr_open = proc_limits_nr_open(root, &li.nr_open) == 0;
	if (prlimit(ctl->pid, RLIMIT_NOFILE, &want, NULL) < 0) {
		explain_set_error(errno, ctl->pid, &want, &old, &li);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static const struct option limits_longopts[] = {
	{ "pid", required_argument, NULL, 'p' },
	{ "set", required_argument, NULL, 's' },
	{ "help", no_argument, NULL, 'h' },
	OUT_LONG_OPTIONS,
	{ NULL, 0, NULL, 0 },
};
static const char limits_shortopts[] = ":p:s:h" OUT_SHORT_OPTIONS;

static int parse_args(struct limits_control *ctl, int argc, char **argv)
{
	pid_t *pids = NULL;
	size_t npids = 0;
	int c;

	while ((c = getopt_long(argc, argv, limits_shortopts, limits_longopts,
				NULL)) != -1) {
		if (out_opts_take(&ctl->out, c, optarg))
			continue;
		switch (c) {
		case 'p':
			/* One process: a second -p replaces the first. */
			npids = 0;
			if (cli_opt_pids(&cmd_limits, "--pid", optarg, 1, &pids,
					 &npids) < 0) {
				free(pids);
				return EXIT_USAGE;
			}
			ctl->pid = pids[0];
			break;
		case 's':
			ctl->set = optarg;
			break;
		case 'h':
			ctl->help = 1;
			free(pids);
			return EXIT_OK;
		default:
			free(pids);
			return cmd_bad_option(&cmd_limits, argv, c);
		}
	}
	free(pids);
	if (optind < argc)
		return cmd_unexpected_argument(&cmd_limits, argv[optind]);
	return EXIT_OK;
}

static int limits_run(const struct cli_env *env, int argc, char **argv)
{
	struct limits_control ctl = { .pid = 0 };
	struct limits_info li;
	int ret, rc;

	ret = parse_args(&ctl, argc, argv);
	if (ret != EXIT_OK || ctl.help)
		return ctl.help ? cmd_help(&cmd_limits) : ret;
	if (ctl.out.list_columns)
		return out_list_columns(fields, NFIELDS, &ctl.out) < 0 ?
			EXIT_FAIL : EXIT_OK;
	if (out_select(fields, NFIELDS, default_fields, ARRAY_SIZE(default_fields),
		       ctl.out.columns, ctl.selected, &ctl.nselected) < 0)
		return EXIT_USAGE;
	if (ctl.set) {
		ret = limits_set(&ctl, env->proc_root);
		if (ret != EXIT_OK)
			return ret;
	}
	rc = limits_collect(env->proc_root, ctl.pid, &li);
	if (rc < 0)
		return EXIT_FAIL;
	li.json = ctl.out.json;
	if (out_record_print("limits", fields, ctl.selected, ctl.nselected,
			     &ctl.out, &li, limits_cell) < 0 && errno != EPIPE)
		return EXIT_FAIL;
	return rc ? EXIT_FAIL : EXIT_OK;
}

const struct command cmd_limits = {
	.name = "limits",
	.run = limits_run,
	.summary = "show or set the descriptor limits of a process and the system",
	.longopts = limits_longopts,
	.shortopts = limits_shortopts,
	.columns = fields,
	.ncolumns = NFIELDS,
	.usage =
	"fdscope limits [-p PID] [--set LIMITS] [OUTPUT OPTIONS]\n"
	"\n"
	"Show RLIMIT_NOFILE (soft and hard), the system-wide limits fs.nr_open,\n"
	"fs.file-max and fs.file-nr, how many descriptors are open, the highest\n"
	"number in use, the kernel's table size, and how many more can be opened\n"
	"before open() fails with EMFILE.  Without -p, for fdscope itself.\n"
	"\n"
	"Options:\n"
	"  -p, --pid PID          show (or set) the limits of this process\n"
	"  -s, --set LIMITS       change RLIMIT_NOFILE with prlimit(2) first, as\n"
	"                         prlimit(1) takes it: SOFT:HARD sets both, SOFT:\n"
	"                         the soft limit only, :HARD the hard one only, N\n"
	"                         both; each a number or 'unlimited'\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show the version\n"
	OUT_OPTIONS_HELP
	"\n"
	"Examples:\n"
	"  fdscope limits\n"
	"  fdscope limits -p 1234 -J\n"
	"  fdscope limits -p 1234 --set 4096:\n"
	"  fdscope limits -p 1234 --set 1024:65536\n",
};
