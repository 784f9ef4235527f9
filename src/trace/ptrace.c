/* The tracer.  The command is forked, waits on a pipe until it has been
 * seized, then execs; from then on one loop takes every wait status of
 * every tracee.  Signals meant for fdscope are blocked and taken with
 * sigwaitinfo, between waits, so that none is lost between a check and a
 * wait and none interrupts a /proc read in a hook. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/child.h"
#include "lib/util.h"
#include "proc/procfs.h"
#include "trace/ptrace.h"

#define TRACE_OPTIONS (PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | \
		       PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | \
		       PTRACE_O_EXITKILL)

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

/* By a path from the TID: a tracee stays ours, its TID unused by any
 * other task, until fdscope reaps it. */
static long long read_tgid(pid_t tid)
{
	char path[64], buf[4096];
	unsigned long long v;

	if (procfs_path(path, sizeof(path), PROCFS_DEFAULT_ROOT, tid,
			"status") < 0 ||
	    procfs_read_at(AT_FDCWD, path, buf, sizeof(buf)) < 0 ||
	    status_parse_ull(buf, "Tgid", &v) < 0)
		return -1;
	return (long long)v;
}

/* The child: back to the caller's signal state, wait to be seized, exec.
 * SIGPIPE is the one disposition fdscope changed (cli_main ignores it);
 * the command gets the default, as from a shell. */
static void child_exec(char *const argv[], const sigset_t *oldmask,
		       const int syncp[2], const int errp[2])
{
	int e, syncfd = syncp[0], errfd = errp[1];
	char c;

	close(syncp[1]);
	close(errp[0]);
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_SETMASK, oldmask, NULL);
	while (read(syncfd, &c, 1) < 0 && errno == EINTR)
		;
	execvp(argv[0], argv);
	e = errno;
	while (write(errfd, &e, sizeof(e)) < 0 && errno == EINTR)
		;
	close(errfd);
	close(syncfd);
	_exit(127);
}

static void resume(pid_t pid, int sig)
{
	/* ESRCH: killed while stopped (SIGKILL); its exit is still to come.
	 * ptrace takes the signal number in its pointer argument. */
	/* NOLINTNEXTLINE(performance-no-int-to-ptr) */
	ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig);
}

static void handle_stop(const struct trace_hooks *h, struct trace_run *run,
			pid_t pid, int status)
{
	int sig = WSTOPSIG(status), ev = (int)((unsigned int)status >> 16);
	unsigned long msg = 0;
	bool thread;

	switch (ev) {
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		if (ptrace(PTRACE_GETEVENTMSG, pid, NULL, &msg) == 0) {
			thread = ev == PTRACE_EVENT_CLONE &&
				read_tgid((pid_t)msg) == read_tgid(pid);
			if (!thread)
				run->nprocs++;
			if (h->on_spawn)
				h->on_spawn(h->ctx, pid, (pid_t)msg, thread);
		}
		resume(pid, 0);
		break;
	case PTRACE_EVENT_EXEC:
		run->nexecs++;
		if (h->on_exec)
			h->on_exec(h->ctx, pid);
		resume(pid, 0);
		break;
	case PTRACE_EVENT_STOP:
		/* A group-stop stays a stop (the shell's job control sees
		 * it) until SIGCONT; anything else is the first stop of a
		 * new tracee or the end of a LISTEN. */
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
		    sig == SIGTTOU)
			ptrace(PTRACE_LISTEN, pid, NULL, NULL);
		else
			resume(pid, 0);
		break;
	default:
		/* Signal-delivery-stop: the signal goes on as it came. */
		resume(pid, sig);
		break;
	}
}

/* Passes on what was sent to fdscope itself; a terminal's signal went to
 * the whole foreground group (SI_KERNEL), the command included. */
static void forward(const struct trace_run *run, const siginfo_t *si)
{
	if (si->si_signo == SIGCHLD || si->si_code == SI_KERNEL)
		return;
	if (run->status == -1)
		kill(run->root, si->si_signo);
}

static void trace_loop(const struct trace_hooks *h, struct trace_run *run,
		       const sigset_t *waitset)
{
	static const struct timespec poll_ts = { 0, 200000000L };

	for (;;) {
		siginfo_t si;
		int status;
		pid_t pid = waitpid(-1, &status, __WALL | WNOHANG);

		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			return;		/* ECHILD: every tracee has ended */
		if (pid == 0) {
			/* The timeout only bounds a SIGCHLD the kernel merged
			 * with one already taken. */
			if (sigtimedwait(waitset, &si, &poll_ts) >= 0)
				forward(run, &si);
			continue;
		}
		if (WIFSTOPPED(status))
			handle_stop(h, run, pid, status);
		else if (pid == run->root && (WIFEXITED(status) || WIFSIGNALED(status)))
			run->status = status;
	}
}

int trace_command(char *const argv[], const struct trace_hooks *h,
		  struct trace_run *run)
{
	int syncp[2] = { -1, -1 }, errp[2] = { -1, -1 }, ret = -1, saved = 0;
	sigset_t waitset, oldmask;
	size_t i;
	ssize_t n;
	pid_t pid;

	memset(run, 0, sizeof(*run));
	run->status = -1;
	if (pipe2(syncp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		saved = errno;
		goto cleanup;
	}
	sigemptyset(&waitset);
	sigaddset(&waitset, SIGCHLD);
	for (i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(&waitset, forwarded[i]);
	sigprocmask(SIG_BLOCK, &waitset, &oldmask);
	fflush(NULL);		/* nothing buffered is written twice */
	/* Dies with fdscope before PTRACE_O_EXITKILL holds, too. */
	pid = child_fork();
	if (pid < 0) {
		saved = errno;
		sigprocmask(SIG_SETMASK, &oldmask, NULL);
		goto cleanup;
	}
	if (pid == 0)
		child_exec(argv, &oldmask, syncp, errp);
	close(syncp[0]);
	close(errp[1]);
	syncp[0] = errp[1] = -1;
	run->root = pid;
	run->nprocs = 1;
	/* NOLINTNEXTLINE(performance-no-int-to-ptr): the options, as data */
	if (ptrace(PTRACE_SEIZE, pid, NULL, (void *)(long)TRACE_OPTIONS) < 0) {
		saved = errno;
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		sigprocmask(SIG_SETMASK, &oldmask, NULL);
		goto cleanup;
	}
	close(syncp[1]);	/* the child reads end of file and execs */
	syncp[1] = -1;
	trace_loop(h, run, &waitset);
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	n = read(errp[0], &run->exec_errno, sizeof(run->exec_errno));
	if (n != (ssize_t)sizeof(run->exec_errno))
		run->exec_errno = 0;
	ret = 0;
cleanup:
	for (i = 0; i < 2; i++) {
		if (syncp[i] >= 0)
			close(syncp[i]);
		if (errp[i] >= 0)
			close(errp[i]);
	}
	errno = saved;
	return ret;
}

void trace_explain_refusal(int e, const char *proc_root)
{
	unsigned long long scope;

	if (e != EPERM && e != EACCES) {
		fprintf(stderr, "fdscope: cannot trace the command: ptrace: %s\n",
			strerror(e));
		return;
	}
	if (procfs_read_ull(proc_root, "sys/kernel/yama/ptrace_scope", &scope) == 0 &&
	    scope >= 2)
		fprintf(stderr, "fdscope: cannot trace the command: ptrace refused "
			"by Yama (kernel.yama.ptrace_scope is %llu; %s)\n", scope,
			scope == 2 ? "run as root or with CAP_SYS_PTRACE, or set "
			"it to 1" : "3 forbids ptrace until reboot");
	else
		fprintf(stderr, "fdscope: cannot trace the command: ptrace refused "
			"(%s): a container's seccomp profile or a missing "
			"CAP_SYS_PTRACE forbids it; allow ptrace (e.g. docker run "
			"--cap-add=SYS_PTRACE) or run fdscope outside\n", strerror(e));
}
