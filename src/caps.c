/* The libcap wrapper: the one place with #ifdef HAVE_LIBCAP.  Built without
 * libcap, every query answers "unknown" and the callers say so. */
#include <errno.h>
#include <stddef.h>

#ifdef HAVE_LIBCAP
#include <sys/capability.h>
#endif

#include "caps.h"

static const char *const cap_names[FDS_CAP_COUNT] = {
	[FDS_CAP_SYS_RESOURCE] = "CAP_SYS_RESOURCE",
	[FDS_CAP_SYS_PTRACE] = "CAP_SYS_PTRACE",
	[FDS_CAP_DAC_READ_SEARCH] = "CAP_DAC_READ_SEARCH",
	[FDS_CAP_NET_BIND_SERVICE] = "CAP_NET_BIND_SERVICE",
};

bool caps_supported(void)
{
#ifdef HAVE_LIBCAP
	return true;
#else
	return false;
#endif
}

const char *caps_name(enum fds_cap c)
{
	return c < FDS_CAP_COUNT ? cap_names[c] : "?";
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

int caps_keep_only(const enum fds_cap *keep)
{
#ifdef HAVE_LIBCAP
	cap_t caps = cap_init();	/* all clear */
	cap_value_t vals[FDS_CAP_COUNT];
	int n = 0, rc, saved;

	if (caps == NULL)
		return -1;
	for (; keep && *keep != FDS_CAP_COUNT; keep++) {
		if (caps_effective(*keep) != 1)
			continue;
		vals[n++] = cap_value(*keep);
	}
	if (n > 0 &&
	    (cap_set_flag(caps, CAP_EFFECTIVE, n, vals, CAP_SET) < 0 ||
	     cap_set_flag(caps, CAP_PERMITTED, n, vals, CAP_SET) < 0)) {
		saved = errno;
		cap_free(caps);
		errno = saved;
		return -1;
	}
	rc = cap_set_proc(caps);
	saved = errno;
	cap_free(caps);
	errno = saved;
	return rc;
#else
	(void)keep;
	errno = ENOTSUP;
	return -1;
#endif
}
