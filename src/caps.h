/* Capabilities, through libcap when fdscope was built with it.  This is the
 * only interface to libcap: callers never see HAVE_LIBCAP. */
#ifndef FDSCOPE_CAPS_H
#define FDSCOPE_CAPS_H

#include <stdbool.h>

enum fds_cap {
	FDS_CAP_SYS_RESOURCE,	/* raise hard limits beyond the current one */
	FDS_CAP_SYS_PTRACE,	/* read other users' descriptor tables */
	FDS_CAP_DAC_READ_SEARCH,
	FDS_CAP_NET_BIND_SERVICE,
	FDS_CAP_COUNT
};

/* True when built with libcap, so the functions below can answer. */
bool caps_supported(void);

/* The capability's name as the kernel documents it ("CAP_SYS_RESOURCE"). */
const char *caps_name(enum fds_cap c);

/* 1 when effective in this process, 0 when not, -1 when unknown (built
 * without libcap, or libcap failed). */
int caps_effective(enum fds_cap c);

/* Drops every capability from the effective, permitted and inheritable
 * sets except those listed (terminated by FDS_CAP_COUNT).  Returns 0, or -1
 * with errno (ENOTSUP when built without libcap). */
int caps_keep_only(const enum fds_cap *keep);

#endif
