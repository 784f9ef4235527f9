/* The demos' private temporary directory: one mkdtemp directory (mode
 * 0700) under $TMPDIR or /tmp, every file in it created exclusively and
 * never through a symlink, and all of it removed on exit, on error and on
 * every signal whose default action ends the process (lib/termsig.h),
 * after the children that could still write in it are killed.  One per
 * process; no descriptor is held open on it, so it never shows up in the
 * tables the demos print. */
#ifndef FDSCOPE_TEMPDIR_H
#define FDSCOPE_TEMPDIR_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

/* Creates the directory and installs the handlers of the terminating
 * signals that remove it (then die of the signal as before).  Returns 0, or -1 with
 * errno after which nothing exists. */
int tempdir_create(void);

/* The directory's path, or NULL when none exists. */
const char *tempdir_dir(void);

/* Writes DIR/NAME into buf; returns -1 (ENAMETOOLONG) when it does not
 * fit.  NAME is one component, without '/'. */
int tempdir_path(const char *name, char *buf, size_t len);

/* Opens a new file DIR/NAME with flags | O_CREAT | O_EXCL | O_NOFOLLOW
 * (mode 0600) and remembers it for removal.  -1 with errno. */
int tempdir_open_new(const char *name, int flags);

/* Remembers DIR/NAME, created by some other call (mkfifo, bind of a unix
 * socket), for removal.  Returns -1 (ENOSPC) when too many names. */
int tempdir_track(const char *name);

/* Removes every remembered name, keeping the directory (the tour runs a
 * section again from a clean state). */
void tempdir_clear(void);

/* Removes every remembered name and the directory; harmless when there
 * is none.  Called by the creating process only (a forked child's call
 * does nothing), so a child's exit never pulls it from under its parent. */
void tempdir_remove(void);

/* fork() for a demo's child: the child dies with fdscope (SIGKILL from
 * the kernel when its parent ends, checked against a parent already
 * gone), and on a signal the parent kills and reaps it before removing
 * the directory.  Returns as fork() does. */
pid_t tempdir_fork(void);

/* waitpid(pid, status, 0) for a child of tempdir_fork, which it then
 * forgets. */
pid_t tempdir_reap(pid_t pid, int *status);

#endif
