/* The private temporary directory.  Its state is file-static because the
 * signal handler must reach it; the handler uses only async-signal-safe
 * calls (getpid, kill, waitpid, unlink, rmdir, sigaction, raise) over
 * fixed buffers, and writes only volatile sig_atomic_t state. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/child.h"
#include "lib/termsig.h"
#include "teach/tempdir.h"

#define TEMPDIR_MAX_NAMES 64
#define TEMPDIR_NAME_LEN 64
#define TEMPDIR_MAX_CHILDREN 8

static struct {
	char dir[PATH_MAX];
	char names[TEMPDIR_MAX_NAMES][TEMPDIR_NAME_LEN];
	volatile sig_atomic_t nnames;
	/* pid_t is an int on Linux, as sig_atomic_t is. */
	volatile sig_atomic_t children[TEMPDIR_MAX_CHILDREN];
	pid_t owner;
	volatile sig_atomic_t active;
	struct termsig_saved old;
} td;

/* Children first: one still running could create a file (bind a socket)
 * after the names were removed, and keep the directory from going. */
static void end_children(void)
{
	size_t i;

	for (i = 0; i < TEMPDIR_MAX_CHILDREN; i++) {
		pid_t pid = td.children[i];

		if (pid <= 0)
			continue;
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		td.children[i] = 0;
	}
}

static void remove_names(void)
{
	char path[PATH_MAX + TEMPDIR_NAME_LEN + 2];
	sig_atomic_t i;
	size_t dl = strlen(td.dir);

	for (i = 0; i < td.nnames; i++) {
		size_t nl = strlen(td.names[i]);

		memcpy(path, td.dir, dl);
		path[dl] = '/';
		memcpy(path + dl + 1, td.names[i], nl + 1);
		unlink(path);
	}
}

/* Only the owner removes: a child of fork() shares the directory. */
static void remove_all(bool signalled)
{
	if (!td.active || getpid() != td.owner)
		return;
	if (signalled)
		end_children();
	remove_names();
	rmdir(td.dir);
}

void tempdir_clear(void)
{
	if (!td.active || getpid() != td.owner)
		return;
	remove_names();
	td.nnames = 0;
}

static void on_signal(int sig)
{
	struct sigaction dfl;
	int saved = errno;

	remove_all(true);
	td.active = 0;
	/* Die of the signal as if fdscope had not caught it, so that the
	 * shell sees the usual status. */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(sig, &dfl, NULL);
	raise(sig);
	/* raise() does return here: sig stays blocked while its handler
	 * runs, and is delivered when the handler returns.  cppcheck takes
	 * raise() for noreturn. */
	/* cppcheck-suppress unreachableCode */
	errno = saved;
}

static const char *tmp_base(void)
{
	const char *t = getenv("TMPDIR");

	return t && t[0] == '/' ? t : "/tmp";
}

int tempdir_create(void)
{
	sigset_t block, old;
	int n, ret = -1, saved = 0;

	if (td.active && td.owner == getpid())
		return 0;
	memset(&td, 0, sizeof(td));
	n = snprintf(td.dir, sizeof(td.dir), "%s/fdscope.XXXXXX", tmp_base());
	if (n < 0 || (size_t)n >= sizeof(td.dir)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* A Ctrl-C between mkdtemp and the handler would leave the
	 * directory behind: both happen with the signals held. */
	sigemptyset(&block);
	termsig_fill(&block);
	sigprocmask(SIG_BLOCK, &block, &old);
	/* mkdtemp creates the directory with mode 0700. */
	if (mkdtemp(td.dir) == NULL) {
		saved = errno;
		goto cleanup;
	}
	td.owner = getpid();
	td.active = 1;
	/* One handler at a time: SIGTERM during SIGINT's cleanup waits. */
	termsig_catch(on_signal, &block, &td.old);
	ret = 0;
cleanup:
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return ret;
}

const char *tempdir_dir(void)
{
	return td.active ? td.dir : NULL;
}

int tempdir_path(const char *name, char *buf, size_t len)
{
	int n;

	if (!td.active || strchr(name, '/') != NULL) {
		errno = EINVAL;
		return -1;
	}
	n = snprintf(buf, len, "%s/%s", td.dir, name);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int tempdir_track(const char *name)
{
	size_t nl = strlen(name);
	sig_atomic_t i;

	if (nl >= TEMPDIR_NAME_LEN || strchr(name, '/') != NULL) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (i = 0; i < td.nnames; i++)
		if (strcmp(td.names[i], name) == 0)
			return 0;
	if (td.nnames == TEMPDIR_MAX_NAMES) {
		errno = ENOSPC;
		return -1;
	}
	/* The name is complete before the count says it exists, for the
	 * signal handler's sake. */
	memcpy(td.names[td.nnames], name, nl + 1);
	td.nnames = td.nnames + 1;
	return 0;
}

int tempdir_open_new(const char *name, int flags)
{
	char path[PATH_MAX];

	if (tempdir_path(name, path, sizeof(path)) < 0 || tempdir_track(name) < 0)
		return -1;
	/* O_EXCL: never an existing file; O_NOFOLLOW: never through a
	 * symlink, even one planted in our own directory. */
	return open(path, flags | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
}

void tempdir_remove(void)
{
	if (!td.active || getpid() != td.owner)
		return;
	remove_all(false);
	td.active = 0;
	termsig_restore(&td.old);
}

static void hold_signals(sigset_t *old)
{
	sigset_t block;

	sigemptyset(&block);
	termsig_fill(&block);
	sigprocmask(SIG_BLOCK, &block, old);
}

pid_t tempdir_fork(void)
{
	sigset_t old;
	pid_t pid;
	size_t i;

	/* The fork and the record of the child are one step for the
	 * handler: a signal waits until the child is known. */
	hold_signals(&old);
	pid = child_fork();
	if (pid == 0) {
		for (i = 0; i < TEMPDIR_MAX_CHILDREN; i++)
			td.children[i] = 0;
	} else if (pid > 0) {
		for (i = 0; i < TEMPDIR_MAX_CHILDREN; i++)
			if (td.children[i] <= 0) {
				td.children[i] = pid;
				break;
			}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return pid;
}

pid_t tempdir_reap(pid_t pid, int *status)
{
	siginfo_t info;
	sigset_t old;
	pid_t r;
	size_t i;

	/* Waits without reaping, then reaps and forgets the child with the
	 * signals held: the handler never kills a number that a reaped
	 * child left free for another process. */
	while (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT) < 0)
		if (errno != EINTR)
			return -1;
	hold_signals(&old);
	r = waitpid(pid, status, 0);
	for (i = 0; i < TEMPDIR_MAX_CHILDREN; i++)
		if (td.children[i] == pid)
			td.children[i] = 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}
