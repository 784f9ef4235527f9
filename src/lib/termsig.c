/* The terminating signals (see termsig.h), listed once. */
#include <stdio.h>
#include <string.h>

#include "lib/termsig.h"

static const int named[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM,
	SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ, SIGIO, SIGPWR, SIGSTKFLT,
};

/* Writes the list into out, real-time signals included. */
static size_t each(int *out, size_t max)
{
	size_t n = 0, i;
	int sig;

	for (i = 0; i < sizeof(named) / sizeof(named[0]) && n < max; i++)
		out[n++] = named[i];
	for (sig = SIGRTMIN; sig <= SIGRTMAX && n < max; sig++)
		out[n++] = sig;
	return n;
}

void termsig_fill(sigset_t *set)
{
	int sigs[TERMSIG_MAX];
	size_t n = each(sigs, TERMSIG_MAX), i;

	for (i = 0; i < n; i++)
		sigaddset(set, sigs[i]);
}

void termsig_catch(void (*handler)(int), const sigset_t *mask,
		   struct termsig_saved *saved)
{
	int sigs[TERMSIG_MAX];
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sa.sa_mask = *mask;
	memset(saved, 0, sizeof(*saved));
	saved->n = each(sigs, TERMSIG_MAX);
	for (i = 0; i < saved->n; i++)
		saved->caught[i] = sigaction(sigs[i], &sa, &saved->old[i]) == 0;
}

void termsig_restore(const struct termsig_saved *saved)
{
	int sigs[TERMSIG_MAX];
	size_t n = each(sigs, TERMSIG_MAX), i;

	for (i = 0; i < n && i < saved->n; i++)
		if (saved->caught[i])
			sigaction(sigs[i], &saved->old[i], NULL);
}

const char *termsig_name(int sig)
{
	static char buf[32];
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev == NULL) {
		snprintf(buf, sizeof(buf), "signal %d", sig);
		return buf;
	}
	snprintf(buf, sizeof(buf), "SIG%s", abbrev);
	return buf;
}
