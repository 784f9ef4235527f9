/* lib/termsig: the terminating signals fdscope cleans up after. */
#include <check.h>
#include <signal.h>
#include <string.h>

#include "lib/termsig.h"

static volatile sig_atomic_t got;

static void on_signal(int sig)
{
	got = sig;
}

START_TEST(test_termsig_set_and_names)
{
	sigset_t set;

	sigemptyset(&set);
	termsig_fill(&set);
	ck_assert(sigismember(&set, SIGINT));
	ck_assert(sigismember(&set, SIGTERM));
	ck_assert(sigismember(&set, SIGHUP));
	ck_assert(sigismember(&set, SIGUSR1));
	ck_assert(sigismember(&set, SIGRTMIN));
	/* Ignored (EPIPE instead), and the faults: not cleaned up after. */
	ck_assert(!sigismember(&set, SIGPIPE));
	ck_assert(!sigismember(&set, SIGSEGV));
	ck_assert(!sigismember(&set, SIGKILL));
	ck_assert_str_eq(termsig_name(SIGHUP), "SIGHUP");
	ck_assert_str_eq(termsig_name(SIGTERM), "SIGTERM");
}
END_TEST

/* Caught while installed, the old action back after restore. */
START_TEST(test_termsig_catch_and_restore)
{
	struct termsig_saved saved;
	struct sigaction now;
	sigset_t mask;

	sigemptyset(&mask);
	ck_assert(signal(SIGUSR2, SIG_IGN) != SIG_ERR);
	termsig_catch(on_signal, &mask, &saved);
	ck_assert_int_eq(raise(SIGUSR2), 0);
	ck_assert_int_eq(got, SIGUSR2);
	termsig_restore(&saved);
	ck_assert_int_eq(sigaction(SIGUSR2, NULL, &now), 0);
	ck_assert(now.sa_handler == SIG_IGN);
}
END_TEST

Suite *termsig_suite(void)
{
	Suite *s = suite_create("termsig");
	TCase *tc = tcase_create("termsig");

	tcase_add_test(tc, test_termsig_set_and_names);
	tcase_add_test(tc, test_termsig_catch_and_restore);
	suite_add_tcase(s, tc);
	return s;
}
