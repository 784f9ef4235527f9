/* Following a command and every process it starts with ptrace(2): seize,
 * the fork, vfork, clone and exec events, group-stops and signals passed
 * on untouched.  Linux-only.  What to record at each event is the
 * caller's: the tracer calls back while the process is stopped, so its
 * descriptor table cannot change under the reader. */
#ifndef FDSCOPE_TRACE_PTRACE_H
#define FDSCOPE_TRACE_PTRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct trace_hooks {
	void *ctx;
	/* parent is stopped at a fork, vfork or clone that made child
	 * (a thread when thread is true). */
	void (*on_spawn)(void *ctx, pid_t parent, pid_t child, bool thread);
	/* pid (the thread-group leader) has just exec'd a new program. */
	void (*on_exec)(void *ctx, pid_t pid);
};

struct trace_run {
	pid_t root;		/* the command's process */
	int status;		/* its wait status once it ended */
	int exec_errno;		/* the command could not be started: why */
	size_t nprocs, nexecs;	/* processes (not threads) seen, execs */
};

/* Starts argv[0] (searched in PATH) with the caller's standard streams,
 * signal mask and dispositions, under ptrace with PTRACE_O_EXITKILL, and
 * follows it and its descendants until every one has ended, calling the
 * hooks.  SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to fdscope are passed
 * on to the command (not those a terminal sent to the whole process
 * group: the command had them already).  Returns 0, or -1 with errno when
 * tracing could not start (EPERM: ptrace refused); run->exec_errno is set
 * when the command itself could not be executed. */
int trace_command(char *const argv[], const struct trace_hooks *hooks,
		  struct trace_run *run);

/* One line on why ptrace was refused and what would allow it (Yama's
 * ptrace_scope, a container's seccomp profile, CAP_SYS_PTRACE). */
void trace_explain_refusal(int e, const char *proc_root);

#endif
