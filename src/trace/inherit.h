/* What `exec` records about descriptor inheritance: a snapshot of a
 * process's table at each fork and exec event, and for every descriptor
 * beyond 0, 1 and 2 that a new program starts with, the first traced
 * process whose snapshot held the same open file description. */
#ifndef FDSCOPE_TRACE_INHERIT_H
#define FDSCOPE_TRACE_INHERIT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* One descriptor in a snapshot: enough to recognise its description. */
struct inherit_id {
	int fd;
	unsigned long long dev, ino;
	unsigned int accmode;	/* O_ACCMODE bits of fdinfo flags */
};

struct inherit_snap {
	pid_t pid;
	char comm[64];
	bool outside;		/* the command's first table: fdscope's caller's */
	struct inherit_id *ids;
	size_t n;
};

/* A descriptor a new program started with. */
struct inherit_exec_fd {
	struct inherit_id id;
	char *type, *mode, *name;	/* as `list` prints them, escaped */
	pid_t exec_pid;
	char exec_comm[64];
	char *program;			/* /proc/PID/exe, escaped */
	bool outside;			/* already open when fdscope started */
	pid_t opener;			/* first traced holder, when not outside */
	char opener_comm[64];
};

struct inherit_log {
	const char *proc_root;
	pid_t root;			/* the command's process */
	bool root_execd;
	struct inherit_snap *snaps;
	size_t nsnaps;
	struct inherit_exec_fd *execfds;
	size_t nexecfds;
	int error;			/* first errno a snapshot failed with */
};

void inherit_log_init(struct inherit_log *l, const char *proc_root, pid_t root);
void inherit_log_release(struct inherit_log *l);

/* pid is stopped at a fork or clone event: keeps its table. */
void inherit_on_spawn(struct inherit_log *l, pid_t pid);

/* pid is stopped just after an exec: records every descriptor beyond 2
 * with where it came from, then keeps the table as a snapshot. */
void inherit_on_exec(struct inherit_log *l, pid_t pid);

/* The descriptions leaked, each with the execs that inherited it: the
 * exec records sorted so that one description's are adjacent; group[i]
 * is the description index of execfds[i].  Returns the number of
 * descriptions. */
size_t inherit_group(struct inherit_log *l, size_t **group);

#endif
