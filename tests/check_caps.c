/* The capability drop before demos and the network commands: after it the
 * process holds nothing (or only CAP_NET_BIND_SERVICE), cannot get
 * anything back through exec, and says so through caps_effective.  Each
 * test drops in a forked child so that the runner keeps its own. */
#include <check.h>
#include <errno.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/caps.h"

/* Effective and permitted sets as 64-bit masks, straight from the kernel. */
static void raw_caps(uint64_t *eff, uint64_t *prm, uint64_t *inh)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	ck_assert(syscall(SYS_capget, &hdr, d) == 0);
	*eff = d[0].effective | (uint64_t)d[1].effective << 32;
	*prm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	*inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
}

/* Runs fn in a child; the child's exit status is the test's verdict, so
 * that a failed assertion there fails the test here. */
static void in_child(void (*fn)(void))
{
	int st;
	pid_t pid = fork();

	ck_assert(pid >= 0);
	if (pid == 0) {
		fn();
		_exit(0);
	}
	ck_assert(waitpid(pid, &st, 0) == pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "the dropping child failed (status 0x%x)", st);
}

#define CHILD_ASSERT(c) do { \
	if (!(c)) { \
		fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c); \
		_exit(1); \
	} \
} while (0)

static void drop_demo(void)
{
	uint64_t eff0, prm0, inh0, eff, prm, inh;

	raw_caps(&eff0, &prm0, &inh0);
	CHILD_ASSERT(caps_drop_for_demo() == 0);
	raw_caps(&eff, &prm, &inh);
	CHILD_ASSERT(eff == 0 && prm == 0 && inh == 0);
	CHILD_ASSERT(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1);
	/* The bounding set is emptied when it can be (CAP_SETPCAP). */
	if (eff0 & (UINT64_C(1) << CAP_SETPCAP))
		CHILD_ASSERT(prctl(PR_CAPBSET_READ, CAP_SYS_PTRACE, 0, 0, 0) == 0 &&
			     prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN, 0, 0, 0) == 0);
	if (caps_supported())
		CHILD_ASSERT(caps_effective(FDS_CAP_SYS_PTRACE) == 0 &&
			     caps_effective(FDS_CAP_DAC_READ_SEARCH) == 0);
	/* A second drop, with nothing left, still succeeds. */
	CHILD_ASSERT(caps_drop_for_demo() == 0);
}

START_TEST(test_drop_for_demo_leaves_nothing)
{
	in_child(drop_demo);
}
END_TEST

static void drop_net(void)
{
	uint64_t eff0, prm0, inh0, eff, prm, inh;
	uint64_t bind = UINT64_C(1) << CAP_NET_BIND_SERVICE;

	raw_caps(&eff0, &prm0, &inh0);
	CHILD_ASSERT(caps_drop_for_net(true) == 0);
	raw_caps(&eff, &prm, &inh);
	/* Exactly CAP_NET_BIND_SERVICE, and only if it was there. */
	CHILD_ASSERT(eff == (eff0 & bind) && prm == (prm0 & bind) && inh == 0);
	CHILD_ASSERT(caps_drop_for_net(false) == 0);
	raw_caps(&eff, &prm, &inh);
	CHILD_ASSERT(eff == 0 && prm == 0);
}

START_TEST(test_drop_for_net_keeps_only_bind)
{
	in_child(drop_net);
}
END_TEST

static void drop_then_exec(void)
{
	char buf[4096], *p;
	FILE *f;
	int fd[2];
	pid_t pid;

	CHILD_ASSERT(caps_drop_for_demo() == 0);
	CHILD_ASSERT(pipe(fd) == 0);
	pid = fork();
	CHILD_ASSERT(pid >= 0);
	if (pid == 0) {
		dup2(fd[1], 1);
		execl("/bin/cat", "cat", "/proc/self/status", (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	f = fdopen(fd[0], "r");
	CHILD_ASSERT(f != NULL);
	buf[fread(buf, 1, sizeof(buf) - 1, f)] = '\0';
	fclose(f);
	CHILD_ASSERT(waitpid(pid, NULL, 0) == pid);
	/* Even as root, exec brings no capability back. */
	p = strstr(buf, "CapEff:");
	CHILD_ASSERT(p != NULL && strncmp(p, "CapEff:\t0000000000000000", 24) == 0);
	p = strstr(buf, "CapPrm:");
	CHILD_ASSERT(p != NULL && strncmp(p, "CapPrm:\t0000000000000000", 24) == 0);
}

START_TEST(test_drop_survives_exec)
{
	in_child(drop_then_exec);
}
END_TEST

END_TEST

Suite *caps_suite(void)
{
	Suite *s = suite_create("caps");
	TCase *tc = tcase_create("drop");

	tcase_add_test(tc, test_drop_for_demo_leaves_nothing);
	tcase_add_test(tc, test_drop_for_net_keeps_only_bind);
	tcase_add_test(tc, test_drop_survives_exec);
	suite_add_tcase(s, tc);
	return s;
}
