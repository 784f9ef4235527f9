/* Whether a proc mount hides other users' processes (hidepid=1/2 or
 * invisible/noaccess): a PID that is missing there may still exist. */
#ifndef FDSCOPE_PROC_HIDEPID_H
#define FDSCOPE_PROC_HIDEPID_H

#include <stdbool.h>
#include <stddef.h>

/* True when root is a proc mount (of fdscope's mount namespace) whose
 * options include a hidepid other than 0/off. */
bool procfs_hidepid(const char *root);

/* The same test on one /proc/self/mountinfo text, for a mount point
 * (exposed for tests). */
bool mountinfo_hidepid(const char *text, size_t len, const char *mountpoint);

#endif
