/* The name of a bpf map or program by its ID (fdinfo's map_id, prog_id):
 * fdinfo does not print it, the bpf syscall does, to a caller with
 * CAP_SYS_ADMIN (BPF_*_GET_FD_BY_ID, then BPF_OBJ_GET_INFO_BY_FD on
 * fdscope's own new descriptor, closed at once). */
#ifndef FDSCOPE_BPFNAME_H
#define FDSCOPE_BPFNAME_H

#include <stdbool.h>
#include <stddef.h>

/* The name into buf (at most 15 bytes, unescaped); 0, or -1 with errno
 * (EPERM without the capability, ENOENT when the object is gone). */
int bpfname_of(bool prog, unsigned int id, char *buf, size_t len);

#endif
