/* Capabilities, through libcap when fdscope was built with it.  This is the
 * only interface to libcap: callers never see HAVE_LIBCAP. */
#ifndef FDSCOPE_CAPS_H
#define FDSCOPE_CAPS_H

#include <stdbool.h>
#include <stddef.h>

enum fds_cap {
	FDS_CAP_SYS_RESOURCE,	/* raise hard limits beyond the current one */
	FDS_CAP_SYS_PTRACE,	/* read other users' descriptor tables */
	FDS_CAP_DAC_READ_SEARCH,
	FDS_CAP_NET_BIND_SERVICE,
	FDS_CAP_COUNT
};

/* True when built with libcap, so the functions below can answer. */
bool caps_supported(void);

/* 1 when effective in this process, 0 when not, -1 when unknown (built
 * without libcap, or libcap failed). */
int caps_effective(enum fds_cap c);

/* Before a demo: fdscope then acts only on its own descriptors and needs no
 * capability.  Drops every one from the bounding, ambient, inheritable,
 * permitted and effective sets and sets no_new_privs, so that not even an
 * exec as root brings one back.  Works with or without libcap (it uses
 * capset(2) directly).  Returns 0, or -1 with errno; a process that has no
 * capability to begin with succeeds. */
int caps_drop_for_demo(void);

/* Before the exchange, serve and connect: the same, except that
 * CAP_NET_BIND_SERVICE stays when keep_bind is true and the process has it
 * (binding a port below 1024). */
int caps_drop_for_net(bool keep_bind);

#endif
