/* Many processes' tables read at once, one process per CPU: two threads
 * on one table contend for its task's locks, two on two tables do not. */
#ifndef FDSCOPE_PROC_FDMANY_H
#define FDSCOPE_PROC_FDMANY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "proc/fdlist.h"

/* One process of fd_proc_collect_many: its collection's result (rc 0, or
 * -1 with error) and table when read. */
struct fd_proc_slot {
	pid_t pid;
	bool read;		/* false: fdscope itself, left to the caller */
	int rc, error;
	struct fd_proc p;
};

/* Reads the tables of slots[0..n) under root with need, one thread per
 * CPU taking the next slot in turn, each table by one thread, except a
 * large one left over when the others are done, which is read by one
 * thread per CPU.  fdscope's own table is not read here: the other
 * threads' descriptors would show in it.  Never exits in a reading
 * thread: failures are left in the slots. */
void fd_proc_collect_many(const char *root, struct fd_proc_slot *slots,
			  size_t n, unsigned int need);

#endif
