/* Who else holds a file: every descriptor of the collected tables indexed
 * by (device, inode), so that the other ends of a pipe or FIFO and the
 * holders of a unix socket's peer can be named among the listed
 * processes. */
#ifndef FDSCOPE_PROC_HOLDERS_H
#define FDSCOPE_PROC_HOLDERS_H

#include <stddef.h>

#include "proc/fdlist.h"

struct holder_index;

/* Indexes every descriptor whose stat was read.  procs must outlive the
 * index. */
struct holder_index *holder_index_new(const struct fd_proc *procs,
				      size_t nprocs);
void holder_index_free(struct holder_index *hx);

/* Writes "PID,COMMAND,FDm; ..." for every descriptor other than (pi, fd)
 * that refers to (dev, ino) into buf (m: r, w or u for read-write, when
 * fdinfo was read); returns the number written. */
size_t holder_index_of(const struct holder_index *hx, unsigned long long dev,
		       unsigned long long ino, size_t pi, int fd, char *buf,
		       size_t len);

#endif
