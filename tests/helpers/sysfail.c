/* Runs a program with one system call made to fail: "sysfail shutdown
 * ERRNO PROG ARGS..." installs a seccomp filter under which every
 * shutdown(2) returns -1 with errno ERRNO (a number), then execs PROG.
 * It makes the kernel's rare failures of a call reachable from a test,
 * for what fdscope narrates when they happen.  Exit 77: no seccomp. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define SYSFAIL_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SYSFAIL_ARCH AUDIT_ARCH_AARCH64
#endif

int main(int argc, char **argv)
{
	unsigned int e;

	if (argc < 4 || strcmp(argv[1], "shutdown") != 0) {
		fprintf(stderr, "usage: sysfail shutdown ERRNO PROG [ARGS...]\n");
		return 2;
	}
	e = (unsigned int)atoi(argv[2]);
	if (e == 0 || e > 4095) {
		fprintf(stderr, "sysfail: bad errno '%s'\n", argv[2]);
		return 2;
	}
	{
#ifdef SYSFAIL_ARCH
		struct sock_filter f[] = {
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
				 offsetof(struct seccomp_data, arch)),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYSFAIL_ARCH, 1, 0),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
				 offsetof(struct seccomp_data, nr)),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_shutdown, 0, 1),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | e),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		};
		struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
			perror("sysfail: seccomp");
			return 77;
		}
#else
		fprintf(stderr, "sysfail: no seccomp filter for this machine\n");
		return 77;
#endif
	}
	execvp(argv[3], argv + 3);
	perror("sysfail: exec");
	return 127;
}
