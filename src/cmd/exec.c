/* `fdscope exec`: run a command under ptrace and report every descriptor
 * beyond 0, 1 and 2 that any program it runs starts with: which process
 * exec'd, and which traced process first held the open file description.
 * Trace (trace/ptrace), record (trace/inherit), group, print. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/command.h"
#include "lib/util.h"
#include "out/escape.h"
#include "out/jsonw.h"
#include "trace/inherit.h"
#include "trace/ptrace.h"

#define MAX_ALLOW 64

enum { OPT_STRICT = 0x100, OPT_ALLOW, OPT_REPORT };

struct exec_control {
	bool strict, json, help;
	int allow[MAX_ALLOW];
	size_t nallow;
	const char *report_path;
	char **argv;
	struct inherit_log log;
	size_t *group;
	size_t ndesc;
};

static void hook_spawn(void *ctx, pid_t parent, pid_t child, bool thread)
{
	struct exec_control *ctl = ctx;

	(void)child;
	(void)thread;
	inherit_on_spawn(&ctl->log, parent);
}

static void hook_exec(void *ctx, pid_t pid)
{
	struct exec_control *ctl = ctx;

	inherit_on_exec(&ctl->log, pid);
}

static bool is_allowed(const struct exec_control *ctl, int fd)
{
	size_t i;

	for (i = 0; i < ctl->nallow; i++)
		if (ctl->allow[i] == fd)
			return true;
	return false;
}

static size_t count_leaks(const struct exec_control *ctl)
{
	size_t i, n = 0;

	for (i = 0; i < ctl->log.nexecfds; i++)
		if (!is_allowed(ctl, ctl->log.execfds[i].id.fd))
			n++;
	return n;
}

static void print_text(const struct exec_control *ctl, FILE *f,
		       const struct trace_run *run)
{
	const struct inherit_log *l = &ctl->log;
	size_t i;

	fprintf(f, "fdscope: %zu description%s inherited by %zu "
		"descriptor%s (%zu exec%s, %zu process%s)\n", ctl->ndesc,
		ctl->ndesc == 1 ? "" : "s", l->nexecfds,
		l->nexecfds == 1 ? "" : "s", run->nexecs,
		run->nexecs == 1 ? "" : "s", run->nprocs,
		run->nprocs == 1 ? "" : "es");
	for (i = 0; i < l->nexecfds; i++) {
		const struct inherit_exec_fd *x = &l->execfds[i];

		if (i == 0 || ctl->group[i] != ctl->group[i - 1]) {
			fprintf(f, "%s %s %s", x->type, x->mode ? x->mode : "?",
				x->name ? x->name : "?");
			if (x->outside)
				fputs(", open before fdscope started\n", f);
			else
				fprintf(f, ", first held by %ld (%s)\n",
					(long)x->opener, x->opener_comm);
		}
		fprintf(f, "  fd %d in %ld (%s) %s%s\n", x->id.fd, (long)x->exec_pid,
			x->exec_comm, x->program ? x->program : "?",
			is_allowed(ctl, x->id.fd) ? " [allowed]" : "");
	}
}

static void print_json(const struct exec_control *ctl, FILE *f,
		       const struct trace_run *run)
{
	const struct inherit_log *l = &ctl->log;
	size_t i;

	fputs("{\"exec\":{", f);
	if (WIFEXITED(run->status))
		jsonw_kv_ll(f, 1, "exit_status", WEXITSTATUS(run->status));
	else
		fputs("\"exit_status\":null", f);
	if (WIFSIGNALED(run->status))
		jsonw_kv_ll(f, 0, "signal", WTERMSIG(run->status));
	else
		fputs(",\"signal\":null", f);
	jsonw_kv_ll(f, 0, "processes", (long long)run->nprocs);
	jsonw_kv_ll(f, 0, "execs", (long long)run->nexecs);
	jsonw_kv_ll(f, 0, "inherited", (long long)l->nexecfds);
	jsonw_kv_ll(f, 0, "not_allowed", (long long)count_leaks(ctl));
	fputs(",\"descriptions\":[", f);
	for (i = 0; i < l->nexecfds; i++) {
		const struct inherit_exec_fd *x = &l->execfds[i];
		char dev[32];

		if (i == 0 || ctl->group[i] != ctl->group[i - 1]) {
			if (i > 0)
				fputs("]},", f);
			snprintf(dev, sizeof(dev), "%u:%u", major((dev_t)x->id.dev),
				 minor((dev_t)x->id.dev));
			putc('{', f);
			jsonw_kv_escaped(f, 1, "type", x->type);
			jsonw_kv_escaped(f, 0, "mode", x->mode);
			jsonw_kv_escaped(f, 0, "name", x->name);
			jsonw_kv_ll(f, 0, "inode", (long long)x->id.ino);
			jsonw_kv_escaped(f, 0, "dev", dev);
			if (x->outside) {
				fputs(",\"opened_by\":null", f);
			} else {
				jsonw_kv_ll(f, 0, "opened_by", x->opener);
				jsonw_kv_escaped(f, 0, "opened_by_command", x->opener_comm);
			}
			fputs(",\"before_fdscope\":", f);
			fputs(x->outside ? "true" : "false", f);
			fputs(",\"inherited_by\":[", f);
		} else {
			putc(',', f);
		}
		putc('{', f);
		jsonw_kv_ll(f, 1, "pid", x->exec_pid);
		jsonw_kv_escaped(f, 0, "command", x->exec_comm);
		jsonw_kv_escaped(f, 0, "program", x->program);
		jsonw_kv_ll(f, 0, "fd", x->id.fd);
		fprintf(f, ",\"allowed\":%s}", is_allowed(ctl, x->id.fd) ?
			"true" : "false");
	}
	if (l->nexecfds)
		fputs("]}", f);
	fputs("]}}\n", f);
}

static int parse_allow(struct exec_control *ctl, const char *arg)
{
	const char *p = arg;

	do {
		size_t n = strcspn(p, ",");
		char tmp[16];
		long long v;
		const char *why = "too long";

		if (n >= sizeof(tmp) || ctl->nallow == MAX_ALLOW ||
		    (memcpy(tmp, p, n), tmp[n] = '\0',
		     parse_ll(tmp, 0, INT_MAX, &v, &why) < 0)) {
			char *esc = escape_bytes(p, n < 32 ? n : 32);

			if (ctl->nallow == MAX_ALLOW)
				why = "too many";
			cmd_usage_error(&cmd_exec, "invalid descriptor '%s' for "
					"--allow: %s; expected FD[,FD...]", esc, why);
			free(esc);
			return -1;
		}
		ctl->allow[ctl->nallow++] = (int)v;
		p += n;
	} while (*p++ == ',');
	return 0;
}

static const struct option exec_longopts[] = {
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "allow", required_argument, NULL, OPT_ALLOW },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "json", no_argument, NULL, 'J' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
static const char exec_shortopts[] = "+:Jh";

static int parse_args(struct exec_control *ctl, int argc, char **argv)
{
	int c;

	/* '+': the command's own options are not fdscope's. */
	while ((c = getopt_long(argc, argv, exec_shortopts, exec_longopts,
				NULL)) != -1) {
		switch (c) {
		case OPT_STRICT:
			ctl->strict = true;
			break;
		case OPT_ALLOW:
			if (parse_allow(ctl, optarg) < 0)
				return EXIT_USAGE;
			break;
		case OPT_REPORT:
			ctl->report_path = optarg;
			break;
		case 'J':
			ctl->json = true;
			break;
		case 'h':
			ctl->help = true;
			return EXIT_OK;
		default:
			return cmd_bad_option(&cmd_exec, argv, c);
		}
	}
	if (optind >= argc)
		return cmd_usage_error(&cmd_exec, "no command given: expected "
				       "'fdscope exec [OPTIONS] -- COMMAND [ARGS...]'");
	ctl->argv = argv + optind;
	return EXIT_OK;
}

/* A command killed by a signal: fdscope dies of the same one, so that the
 * caller's shell sees what it would have seen without fdscope. */
static int die_like(int sig)
{
	struct rlimit nocore = { 0, 0 };
	sigset_t set;

	fflush(stdout);
	fflush(stderr);
	/* The command dumped its own core, if any. */
	setrlimit(RLIMIT_CORE, &nocore);
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	return 128 + sig;
}

static int write_report(struct exec_control *ctl, const struct trace_run *run)
{
	FILE *f = stderr;

	if (ctl->report_path) {
		int fd = open(ctl->report_path, O_WRONLY | O_CREAT | O_TRUNC |
			      O_CLOEXEC, 0644);

		f = fd < 0 ? NULL : fdopen(fd, "w");
		if (f == NULL) {
			char *esc = escape_str(ctl->report_path);

			warnx("cannot write the report to '%s': %s", esc,
			      strerror(errno));
			free(esc);
			if (fd >= 0)
				close(fd);
			return -1;
		}
	}
	ctl->ndesc = inherit_group(&ctl->log, &ctl->group);
	if (ctl->json)
		print_json(ctl, f, run);
	else
		print_text(ctl, f, run);
	if (f != stderr && fclose(f) != 0) {
		warn("cannot write the report");
		return -1;
	}
	return 0;
}

static int exec_run(const struct cli_env *env, int argc, char **argv)
{
	struct exec_control ctl = { 0 };
	struct trace_hooks hooks = { &ctl, hook_spawn, hook_exec };
	struct trace_run run;
	int ret;

	ret = parse_args(&ctl, argc, argv);
	if (ret != EXIT_OK || ctl.help)
		return ctl.help ? cmd_help(&cmd_exec) : ret;
	inherit_log_init(&ctl.log, env->proc_root, 0);
	/* The root's PID is known only once it is forked: the hooks learn
	 * it from the first exec, which is always the root's. */
	ctl.log.root = -1;
	if (trace_command(ctl.argv, &hooks, &run) < 0) {
		trace_explain_refusal(errno, env->proc_root);
		ret = EXIT_FAIL;
		goto cleanup;
	}
	if (run.exec_errno) {
		char *esc = escape_str(ctl.argv[0]);

		warnx("cannot run '%s': %s", esc, strerror(run.exec_errno));
		free(esc);
		ret = run.exec_errno == ENOENT ? 127 : 126;
		goto cleanup;
	}
	if (ctl.log.error)
		warnx("some descriptor tables could not be read: %s",
		      strerror(ctl.log.error));
	if (write_report(&ctl, &run) < 0) {
		ret = EXIT_FAIL;
		goto cleanup;
	}
	if (WIFSIGNALED(run.status)) {
		int sig = WTERMSIG(run.status);

		inherit_log_release(&ctl.log);
		free(ctl.group);
		return die_like(sig);
	}
	ret = WIFEXITED(run.status) ? WEXITSTATUS(run.status) : EXIT_FAIL;
	if (ret == EXIT_OK && ctl.strict && count_leaks(&ctl) > 0)
		ret = EXIT_FAIL;
cleanup:
	inherit_log_release(&ctl.log);
	free(ctl.group);
	return ret;
}

const struct command cmd_exec = {
	.name = "exec",
	.run = exec_run,
	.longopts = exec_longopts,
	.shortopts = exec_shortopts,
	.summary = "run a command and report descriptors its programs inherit",
	.usage =
	"fdscope exec [--strict] [--allow FD[,FD...]] [-J] [--report FILE]\n"
	"             -- COMMAND [ARGS...]\n"
	"\n"
	"Run COMMAND under ptrace, following every process it starts, and at\n"
	"each execve record the descriptors beyond 0, 1 and 2 that the new\n"
	"program starts with: number, type, name, the process that exec'd and\n"
	"the traced process that first held that open file description.  The\n"
	"report (on standard error) groups them by description.  COMMAND keeps\n"
	"its standard streams; SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to\n"
	"fdscope are passed on; its exit status (or signal) is fdscope's.\n"
	"\n"
	"Options:\n"
	"      --strict           exit 1 if any descriptor not allowed was\n"
	"                         inherited (when COMMAND itself succeeded)\n"
	"      --allow FD[,FD]    descriptor numbers that may be inherited\n"
	"  -J, --json             print the report as JSON\n"
	"      --report FILE      write the report to FILE, not standard error\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show the version\n"
	"\n"
	"Exit status: COMMAND's; 1 when it could not be traced or --strict\n"
	"found a leak; 126 or 127 when it could not be run.\n"
	"\n"
	"Examples:\n"
	"  fdscope exec -- make test\n"
	"  fdscope exec --strict --allow 3 -J --report leaks.json -- ./run.sh\n",
};
