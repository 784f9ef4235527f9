/* The libcap wrapper: the one place with #ifdef HAVE_LIBCAP.  Built without
 * libcap, every query answers "unknown" and the callers say so. */
#include <errno.h>
#include <linux/capability.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef HAVE_LIBCAP
#include <sys/capability.h>
#endif

#include "lib/caps.h"

bool caps_supported(void)
{
#ifdef HAVE_LIBCAP
	return true;
#else
	return false;
#endif
}

#ifdef HAVE_LIBCAP
static cap_value_t cap_value(enum fds_cap c)
{
	switch (c) {
	case FDS_CAP_SYS_RESOURCE:
		return CAP_SYS_RESOURCE;
	case FDS_CAP_SYS_PTRACE:
		return CAP_SYS_PTRACE;
	case FDS_CAP_DAC_READ_SEARCH:
		return CAP_DAC_READ_SEARCH;
	default:
		return CAP_NET_BIND_SERVICE;
	}
}
#endif

int caps_effective(enum fds_cap c)
{
#ifdef HAVE_LIBCAP
	cap_t caps = cap_get_proc();
	cap_flag_value_t v = CAP_CLEAR;
	int rc;

	if (caps == NULL)
		return -1;
	rc = cap_get_flag(caps, cap_value(c), CAP_EFFECTIVE, &v);
	cap_free(caps);
	return rc == 0 ? v == CAP_SET : -1;
#else
	(void)c;
	return -1;
#endif
}

/* Keeps only the capabilities in the mask keep (bit n: capability n) and
 * makes the loss permanent.  Raw capget/capset rather than libcap so that
 * the drop happens in every build. */
static int caps_limit_to(uint64_t keep)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	int c, i;

	if (syscall(SYS_capget, &hdr, data) < 0)
		return -1;
	/* The bounding set first, while CAP_SETPCAP may still be effective:
	 * without it an exec as root would grant every capability again.  A
	 * process without CAP_SETPCAP cannot drop it, and no_new_privs below
	 * then keeps exec from adding anything. */
	for (c = 0; c < 64 && prctl(PR_CAPBSET_READ, c, 0, 0, 0) >= 0; c++) {
		if ((keep >> c) & 1)
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EPERM)
			return -1;
	}
	/* Ambient capabilities exist since Linux 4.3; EINVAL before. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
	    errno != EINVAL)
		return -1;
	for (i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
		uint32_t k = (uint32_t)(keep >> (32 * i));

		data[i].effective &= k;
		data[i].permitted &= k;
		data[i].inheritable = 0;
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -1;
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

int caps_drop_for_demo(void)
{
	return caps_limit_to(0);
}

int caps_drop_for_net(bool keep_bind)
{
	return caps_limit_to(keep_bind ? UINT64_C(1) << CAP_NET_BIND_SERVICE : 0);
}
