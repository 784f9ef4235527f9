/* The signals whose default action ends the process and that a program
 * can catch (SIGHUP from a closed terminal, SIGQUIT, SIGUSR1, SIGALRM,
 * the real-time ones...): wherever fdscope has something to clean up, it
 * handles every one of them as it handles SIGINT and SIGTERM.  Left out:
 * SIGPIPE (ignored, so that a write fails with EPIPE instead) and the
 * faults (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS, SIGABRT). */
#ifndef FDSCOPE_TERMSIG_H
#define FDSCOPE_TERMSIG_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#define TERMSIG_MAX 64

struct termsig_saved {
	struct sigaction old[TERMSIG_MAX];
	bool caught[TERMSIG_MAX];	/* sigaction took it (valgrind keeps some) */
	size_t n;
};

/* Adds every such signal to set. */
void termsig_fill(sigset_t *set);

/* Installs handler (with mask held while it runs) for every such signal,
 * keeping the previous actions in saved. */
void termsig_catch(void (*handler)(int), const sigset_t *mask,
		   struct termsig_saved *saved);

/* Puts the previous actions back. */
void termsig_restore(const struct termsig_saved *saved);

/* "SIGHUP", or "signal N" for one without a name; a static string. */
const char *termsig_name(int sig);

#endif
