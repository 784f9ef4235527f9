/* The lesson's figure of the three tables: a process's descriptor table
 * (with FD_CLOEXEC), the system-wide file table (open file descriptions:
 * offset, status flags) and the inode table (with each file's name), and
 * a forked child's descriptor table pointing at the same descriptions.
 * Snapshotted from the kernel (fcntl, /proc/self/fdinfo, kcmp), drawn as
 * Graphviz. */
#ifndef FDSCOPE_FIGURE_H
#define FDSCOPE_FIGURE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define FIGURE_MAX_FDS 64

struct figure_fd {
	int fd;
	bool cloexec;
	int desc;		/* index into the descriptions, by kcmp */
};

struct figure_desc {
	unsigned long long pos;
	unsigned int flags;	/* O_ACCMODE and status flags (fdinfo) */
	int inode;		/* index into the inodes */
};

struct figure_inode {
	unsigned long long dev, ino;
	char *name;		/* escaped link text */
};

struct figure {
	pid_t pid;
	struct figure_fd fds[FIGURE_MAX_FDS];
	size_t nfds;
	struct figure_desc descs[FIGURE_MAX_FDS];
	size_t ndescs;
	struct figure_inode inodes[FIGURE_MAX_FDS];
	size_t ninodes;
	int left_out[FIGURE_MAX_FDS];	/* inherited: named, not drawn */
	size_t nleft_out;
	size_t not_drawn;	/* beyond FIGURE_MAX_FDS: counted, said so */
	pid_t child;		/* 0: no child drawn */
	int child_fds[FIGURE_MAX_FDS];
	size_t nchild;
	bool by_kcmp;		/* false: sharing from offsets only */
	char when[96];		/* the moment drawn ("at fork"), or empty */
};

/* Reads this process's table now.  skip(fd, arg) true leaves a
 * descriptor out of the drawing (it is only named).  Returns 0 or -1. */
int figure_snapshot(struct figure *f, const char *proc_root,
		    bool (*skip)(int fd, void *arg), void *arg);

/* The child forked just after the snapshot, with these descriptors (each
 * a copy of the parent's with the same number). */
void figure_set_child(struct figure *f, pid_t child, const int *fds,
		      size_t n);

/* The figure as a dot(1) graph (a new string). */
char *figure_dot(const struct figure *f);

void figure_release(struct figure *f);

#endif
