/* The private temporary directory.  Its state is file-static because the
 * signal handler must reach it; the handler uses only async-signal-safe
 * calls (getpid, unlink, rmdir, sigaction, raise) over fixed buffers. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "teach/tempdir.h"

#define TEMPDIR_MAX_NAMES 64
#define TEMPDIR_NAME_LEN 64

static struct {
	char dir[PATH_MAX];
	char names[TEMPDIR_MAX_NAMES][TEMPDIR_NAME_LEN];
	volatile sig_atomic_t nnames;
	pid_t owner;
	bool active;
	struct sigaction old_int, old_term, old_hup;
} td;

/* Only the owner removes: a child of fork() shares the directory. */
static void remove_names(void)
{
	char path[PATH_MAX + TEMPDIR_NAME_LEN + 2];
	sig_atomic_t i;
	size_t dl;

	if (!td.active || getpid() != td.owner)
		return;
	dl = strlen(td.dir);
	for (i = 0; i < td.nnames; i++) {
		size_t nl = strlen(td.names[i]);

		memcpy(path, td.dir, dl);
		path[dl] = '/';
		memcpy(path + dl + 1, td.names[i], nl + 1);
		unlink(path);
	}
}

static void remove_all(void)
{
	if (!td.active || getpid() != td.owner)
		return;
	remove_names();
	rmdir(td.dir);
}

void tempdir_clear(void)
{
	remove_names();
	if (td.active && getpid() == td.owner)
		td.nnames = 0;
}

static void on_signal(int sig)
{
	int saved = errno;

	remove_all();
	td.active = false;
	/* Die of the signal as if fdscope had not caught it, so that the
	 * shell sees the usual status. */
	signal(sig, SIG_DFL);
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
	struct sigaction sa;
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
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	/* A closed terminal window (demo --step) sends SIGHUP. */
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	/* mkdtemp creates the directory with mode 0700. */
	if (mkdtemp(td.dir) == NULL) {
		saved = errno;
		goto cleanup;
	}
	td.owner = getpid();
	td.active = true;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	/* One handler at a time: SIGTERM during SIGINT's cleanup waits. */
	sa.sa_mask = block;
	sigaction(SIGINT, &sa, &td.old_int);
	sigaction(SIGTERM, &sa, &td.old_term);
	sigaction(SIGHUP, &sa, &td.old_hup);
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
	remove_all();
	td.active = false;
	sigaction(SIGINT, &td.old_int, NULL);
	sigaction(SIGTERM, &td.old_term, NULL);
	sigaction(SIGHUP, &td.old_hup, NULL);
}
