/* `fdscope open SPEC...`: opens each resource in order, shows the call and
 * the number the kernel returned, then lists fdscope's own table; with
 * --hold it stays alive so that other tools can look at it. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli/command.h"
#include "lib/termsig.h"
#include "lib/util.h"
#include "net/netaddr.h"
#include "out/escape.h"
#include "teach/demo.h"
#include "teach/openspec.h"
#include "teach/pyrepr.h"
#include "teach/tempdir.h"

#define OPEN_MAX_FDS 256

struct open_control {
	struct demo_ctx d;
	bool cloexec;
	bool hold;
	long long hold_ms;	/* 0: until Ctrl-C */
	int fds[OPEN_MAX_FDS];
	size_t nfds;
	unsigned int counter;	/* names of new temporary files */
	bool spec_failed;
};

static void keep(struct open_control *ctl, int fd)
{
	if (fd >= 0 && ctl->nfds < OPEN_MAX_FDS)
		ctl->fds[ctl->nfds++] = fd;
}

/* Records a call returning one descriptor, predicted by the rule. */
static int record_fd(struct open_control *ctl, const char *syscall, int want,
		     int fd, int e, const char *call)
{
	struct step *st = steps_call(&ctl->d.steps, syscall, fd, e, "%s", call);

	step_expect(st, want);
	if (fd < 0)
		ctl->spec_failed = true;
	keep(ctl, fd);
	return fd;
}

static const char *cloexec_text(const struct open_control *ctl)
{
	return ctl->cloexec ? "|O_CLOEXEC" : "";
}

static void open_file(struct open_control *ctl, const char *path, bool dir)
{
	int want = steps_lowest_free(&ctl->d.steps, 0), fd, e;
	int cl = ctl->cloexec ? O_CLOEXEC : 0;
	char call[PATH_MAX * 4 + 128], name[32], *esc;

	if (path == NULL && !dir) {
		snprintf(name, sizeof(name), "file%u", ++ctl->counter);
		fd = tempdir_open_new(name, O_RDWR | cl);
		e = fd < 0 ? errno : 0;
		esc = demo_c_string(demo_path(name), strlen(demo_path(name)));
		snprintf(call, sizeof(call), "open(\"%s\", O_RDWR|O_CREAT|O_EXCL|"
			 "O_NOFOLLOW%s, 0600)", esc, cloexec_text(ctl));
		free(esc);
		record_fd(ctl, "open", want, fd, e, call);
		return;
	}
	if (path == NULL)
		path = tempdir_dir();
	fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDONLY) | cl);
	e = fd < 0 ? errno : 0;
	esc = demo_c_string(path, strlen(path));
	snprintf(call, sizeof(call), "open(\"%s\", O_RDONLY%s%s)", esc,
		 dir ? "|O_DIRECTORY" : "", cloexec_text(ctl));
	free(esc);
	record_fd(ctl, "open", want, fd, e, call);
}

static void open_pair(struct open_control *ctl, bool sock)
{
	int p[2] = { -1, -1 }, rc, e;
	struct step *st;

	if (sock)
		rc = socketpair(AF_UNIX, SOCK_STREAM | (ctl->cloexec ? SOCK_CLOEXEC : 0),
				0, p);
	else
		rc = pipe2(p, ctl->cloexec ? O_CLOEXEC : 0);
	e = rc < 0 ? errno : 0;
	if (sock)
		st = steps_call(&ctl->d.steps, "socketpair", rc, e,
				"socketpair(AF_UNIX, SOCK_STREAM%s, 0, [%d, %d])",
				ctl->cloexec ? "|SOCK_CLOEXEC" : "", p[0], p[1]);
	else
		st = steps_call(&ctl->d.steps, "pipe2", rc, e,
				"pipe2([%d, %d], %s)", p[0], p[1],
				ctl->cloexec ? "O_CLOEXEC" : "0");
	if (rc < 0) {
		ctl->spec_failed = true;
		return;
	}
	step_fds(st, p[0], p[1]);
	keep(ctl, p[0]);
	keep(ctl, p[1]);
}

static void open_fifo(struct open_control *ctl)
{
	char name[32], path[PATH_MAX] = "", *esc;
	int want, fd, e;
	char call[PATH_MAX * 4 + 64];

	snprintf(name, sizeof(name), "fifo%u", ++ctl->counter);
	if (tempdir_path(name, path, sizeof(path)) < 0 || tempdir_track(name) < 0 ||
	    mkfifo(path, 0600) < 0) {
		e = errno;
		esc = demo_c_string(path, strnlen(path, sizeof(path)));
		steps_call(&ctl->d.steps, "mkfifo", -1, e,
			   "mkfifo(\"%s\", 0600)", esc);
		free(esc);
		ctl->spec_failed = true;
		return;
	}
	esc = demo_c_string(path, strlen(path));
	steps_call(&ctl->d.steps, "mkfifo", 0, 0, "mkfifo(\"%s\", 0600)", esc);
	/* O_RDWR so that the open does not wait for a writer (Linux);
	 * O_NOFOLLOW because only a FIFO we just made may answer there. */
	want = steps_lowest_free(&ctl->d.steps, 0);
	fd = open(path, O_RDWR | O_NONBLOCK | O_NOFOLLOW |
		  (ctl->cloexec ? O_CLOEXEC : 0));
	e = fd < 0 ? errno : 0;
	snprintf(call, sizeof(call), "open(\"%s\", O_RDWR|O_NONBLOCK|O_NOFOLLOW%s)",
		 esc, cloexec_text(ctl));
	free(esc);
	record_fd(ctl, "open", want, fd, e, call);
}

/* The Python view of a socket: the installed python3's repr, and the
 * older form the article shows, each labelled. */
static void python_view(struct step *st, int fd, int family, int type,
			int proto)
{
	char *py = pyrepr_python(fd, family, type, proto);
	char *old = pyrepr_article(fd, family, type, proto);

	if (py)
		step_say(st, "python3 shows it as %s.", py);
	step_say(st, "The article's Python showed it as %s.", old);
	free(py);
	free(old);
}

static void open_socket(struct open_control *ctl, int family, int type)
{
	int want = steps_lowest_free(&ctl->d.steps, 0), fd, e, proto = 0;
	const char *pn = "0";
	struct step *st;

	if (family != AF_UNIX) {
		proto = type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
		pn = type == SOCK_STREAM ? "IPPROTO_TCP" : "IPPROTO_UDP";
	}
	fd = socket(family, type | (ctl->cloexec ? SOCK_CLOEXEC : 0), proto);
	e = fd < 0 ? errno : 0;
	st = steps_call(&ctl->d.steps, "socket", fd, e, "socket(%s, %s%s, %s)",
			family == AF_INET ? "AF_INET" : family == AF_INET6 ?
			"AF_INET6" : "AF_UNIX", type == SOCK_STREAM ?
			"SOCK_STREAM" : "SOCK_DGRAM",
			ctl->cloexec ? "|SOCK_CLOEXEC" : "", pn);
	step_expect(st, want);
	if (fd < 0) {
		ctl->spec_failed = true;
		return;
	}
	python_view(st, fd, family, type, proto);
	keep(ctl, fd);
}

static void open_anon(struct open_control *ctl, enum open_kind what)
{
	int want = steps_lowest_free(&ctl->d.steps, 0), fd = -1, e;
	bool cl = ctl->cloexec;
	char call[128];
	const char *sys = "eventfd";

	if (what == OPEN_EVENTFD) {
		fd = eventfd(0, cl ? EFD_CLOEXEC : 0);
		snprintf(call, sizeof(call), "eventfd(0, %s)", cl ? "EFD_CLOEXEC" : "0");
	} else if (what == OPEN_EPOLL) {
		sys = "epoll_create1";
		fd = epoll_create1(cl ? EPOLL_CLOEXEC : 0);
		snprintf(call, sizeof(call), "epoll_create1(%s)", cl ? "EPOLL_CLOEXEC" : "0");
	} else if (what == OPEN_TIMERFD) {
		sys = "timerfd_create";
		fd = timerfd_create(CLOCK_MONOTONIC, cl ? TFD_CLOEXEC : 0);
		snprintf(call, sizeof(call), "timerfd_create(CLOCK_MONOTONIC, %s)",
			 cl ? "TFD_CLOEXEC" : "0");
	} else if (what == OPEN_SIGNALFD) {
		sys = "signalfd";
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		fd = signalfd(-1, &set, cl ? SFD_CLOEXEC : 0);
		snprintf(call, sizeof(call), "signalfd(-1, [SIGUSR1], %s)",
			 cl ? "SFD_CLOEXEC" : "0");
	} else if (what == OPEN_INOTIFY) {
		sys = "inotify_init1";
		fd = inotify_init1(cl ? IN_CLOEXEC : 0);
		snprintf(call, sizeof(call), "inotify_init1(%s)", cl ? "IN_CLOEXEC" : "0");
	} else if (what == OPEN_MEMFD) {
		sys = "memfd_create";
		fd = memfd_create("fdscope", cl ? MFD_CLOEXEC : 0);
		snprintf(call, sizeof(call), "memfd_create(\"fdscope\", %s)",
			 cl ? "MFD_CLOEXEC" : "0");
	} else {
		sys = "pidfd_open";
		fd = (int)syscall(SYS_pidfd_open, getpid(), 0);
		snprintf(call, sizeof(call), "pidfd_open(%ld, 0)", (long)getpid());
	}
	e = fd < 0 ? errno : 0;
	record_fd(ctl, sys, want, fd, e, call);
	/* pidfd_open has no close-on-exec flag: it is always set. */
}

static void open_dup(struct open_control *ctl, const struct open_spec *sp)
{
	struct step *st;
	int fd, e;

	if (sp->kind == OPEN_DUP) {
		int want = steps_lowest_free(&ctl->d.steps, 0);

		fd = dup(sp->fd);
		e = fd < 0 ? errno : 0;
		st = steps_call(&ctl->d.steps, "dup", fd, e, "dup(%d)", sp->fd);
		step_expect(st, want);
	} else {
		fd = ctl->cloexec ? dup3(sp->fd, sp->newfd, O_CLOEXEC) :
			dup2(sp->fd, sp->newfd);
		e = fd < 0 ? errno : 0;
		st = steps_call(&ctl->d.steps, ctl->cloexec ? "dup3" : "dup2", fd, e,
				ctl->cloexec ? "dup3(%d, %d, O_CLOEXEC)" :
				"dup2(%d, %d)", sp->fd, sp->newfd);
		step_expect(st, sp->newfd);
	}
	if (fd < 0)
		ctl->spec_failed = true;
	keep(ctl, fd);
}

static void open_one(struct open_control *ctl, const char *s)
{
	struct open_spec sp;

	if (open_spec_parse(s, &sp) < 0)
		return;		/* checked before anything was opened */
	switch (sp.kind) {
	case OPEN_FILE:
		open_file(ctl, sp.path, false);
		break;
	case OPEN_DIR:
		open_file(ctl, sp.path, true);
		break;
	case OPEN_NULL:
		open_file(ctl, "/dev/null", false);
		break;
	case OPEN_PIPE:
		open_pair(ctl, false);
		break;
	case OPEN_SOCKETPAIR:
		open_pair(ctl, true);
		break;
	case OPEN_FIFO:
		open_fifo(ctl);
		break;
	case OPEN_TCP:
		open_socket(ctl, AF_INET, SOCK_STREAM);
		break;
	case OPEN_TCP6:
		open_socket(ctl, AF_INET6, SOCK_STREAM);
		break;
	case OPEN_UDP:
		open_socket(ctl, AF_INET, SOCK_DGRAM);
		break;
	case OPEN_UDP6:
		open_socket(ctl, AF_INET6, SOCK_DGRAM);
		break;
	case OPEN_UNIX:
		open_socket(ctl, AF_UNIX, SOCK_STREAM);
		break;
	case OPEN_UNIX_DGRAM:
		open_socket(ctl, AF_UNIX, SOCK_DGRAM);
		break;
	case OPEN_DUP:
	case OPEN_DUP2:
		open_dup(ctl, &sp);
		break;
	default:
		open_anon(ctl, sp.kind);
		break;
	}
}

static volatile sig_atomic_t hold_stop;

static void on_hold_signal(int sig)
{
	(void)sig;
	hold_stop = 1;
}

/* Waits for Ctrl-C, SIGTERM (or any other signal that would end the
 * process: SIGHUP of a closed terminal, SIGQUIT...) or the time; the
 * handlers only set a flag, so cleanup runs normally afterwards. */
static void hold(struct open_control *ctl)
{
	struct termsig_saved saved;
	long long waited = 0;
	sigset_t mask;

	sigemptyset(&mask);
	termsig_catch(on_hold_signal, &mask, &saved);
	/* Text goes with the rest of the output; with -J stdout is JSON. */
	fprintf(ctl->d.json ? stderr : stdout, "holding %zu descriptor%s in "
		"process %ld%s; inspect them with:\n  fdscope list -p %ld\n"
		"  ls -l /proc/%ld/fd\n", ctl->nfds, ctl->nfds == 1 ? "" : "s",
		(long)getpid(), ctl->hold_ms ? "" : " until Ctrl-C",
		(long)getpid(), (long)getpid());
	fflush(ctl->d.json ? stderr : stdout);
	while (!hold_stop && (ctl->hold_ms == 0 || waited < ctl->hold_ms)) {
		usleep(50 * 1000);
		waited += 50;
	}
	/* The tempdir's own handlers come back for the rest of the run. */
	termsig_restore(&saved);
}

static int list_self(const struct cli_env *env)
{
	char *argv[] = { "list", NULL };

	fflush(stdout);
	optind = 0;
	return cmd_list.run(env, 1, argv);
}

static const struct option open_longopts[] = {
	{ "cloexec", no_argument, NULL, 'c' },
	{ "hold", optional_argument, NULL, 'H' },
	STEPS_LONG_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
static const char open_shortopts[] = ":c" STEPS_SHORT_OPTIONS "h";

static int parse_args(struct open_control *ctl, int argc, char **argv,
		      struct steps_opts *so)
{
	struct open_spec sp;
	const char *why;
	int c, i;

	while ((c = getopt_long(argc, argv, open_shortopts, open_longopts,
				NULL)) != -1) {
		if (steps_opts_take(so, c))
			continue;
		switch (c) {
		case 'c':
			ctl->cloexec = true;
			break;
		case 'H':
			ctl->hold = true;
			if (optarg && parse_seconds_ms(optarg, 1, 86400000LL,
						       &ctl->hold_ms, &why) < 0) {
				char *esc = escape_str(optarg);

				cmd_usage_error(&cmd_open, "invalid --hold '%s': %s",
						esc, why);
				free(esc);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			return -1;
		default:
			return cmd_bad_option(&cmd_open, argv, c);
		}
	}
	if (optind >= argc)
		return cmd_usage_error(&cmd_open, "no SPEC given; valid: %s",
				       open_spec_synopsis());
	for (i = optind; i < argc; i++)
		if (open_spec_parse(argv[i], &sp) < 0) {
			char *esc = escape_str(argv[i]);

			cmd_usage_error(&cmd_open, "unknown SPEC '%s'; valid: %s", esc,
					open_spec_synopsis());
			free(esc);
			return EXIT_USAGE;
		}
	return EXIT_OK;
}

static int open_run(const struct cli_env *env, int argc, char **argv)
{
	struct open_control ctl;
	struct steps_opts so = { 0 };
	int ret, i;
	size_t k;

	memset(&ctl, 0, sizeof(ctl));
	ret = parse_args(&ctl, argc, argv, &so);
	if (ret < 0)
		return cmd_help(&cmd_open);
	if (ret != EXIT_OK)
		return ret;
	if (demo_begin(&ctl.d, env->proc_root, so.json, so.quiet) < 0)
		return EXIT_FAIL;
	demo_name_inherited(&ctl.d.steps);
	for (i = optind; i < argc; i++)
		open_one(&ctl, argv[i]);
	steps_flush(&ctl.d.steps);
	if (!so.json && list_self(env) != EXIT_OK)
		ret = EXIT_FAIL;
	if (ctl.hold)
		hold(&ctl);
	if (ctl.spec_failed)
		ret = EXIT_FAIL;
	ret = demo_end(&ctl.d, ret);
	for (k = 0; k < ctl.nfds; k++)
		close(ctl.fds[k]);
	return ret;
}

/* The SPEC list comes from the table (teach/openspec.c). */
static void open_print_help(FILE *f)
{
	fputs("\nSPECs (a SPEC that fails is reported, the rest still run: "
	      "exit 1):\n", f);
	open_spec_help(f);
}

const struct command cmd_open = {
	.name = "open",
	.run = open_run,
	.summary = "open resources and see the numbers the kernel hands out",
	.usage =
	"fdscope open [--cloexec] [--hold[=SECONDS]] [-J] [-q] SPEC...\n"
	"\n"
	"Opens each SPEC in order, shows each call with the number the kernel\n"
	"returned, then lists fdscope's own descriptor table.\n"
	"\n"
	"Options:\n"
	"      --cloexec          open everything close-on-exec\n"
	"      --hold[=SECONDS]   stay alive (until Ctrl-C or SECONDS) so that\n"
	"                         'fdscope list -p PID' or lsof can look\n"
	DEMO_COMMON_HELP,
	.longopts = open_longopts,
	.shortopts = open_shortopts,
	.operands = open_spec_words,
	.print_help = open_print_help,
};
