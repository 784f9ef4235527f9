/* The figure of the three tables, from what the kernel says about each
 * descriptor of this process, and its Graphviz form. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"
#include "out/escape.h"
#include "proc/fdlist.h"
#include "proc/fdtype.h"
#include "teach/figure.h"
#include "proc/kcmp.h"

static int find_inode(struct figure *f, const struct stat *st, const char *link)
{
	size_t i;

	for (i = 0; i < f->ninodes; i++)
		if (f->inodes[i].dev == (unsigned long long)st->st_dev &&
		    f->inodes[i].ino == (unsigned long long)st->st_ino)
			return (int)i;
	f->inodes[i].dev = (unsigned long long)st->st_dev;
	f->inodes[i].ino = (unsigned long long)st->st_ino;
	f->inodes[i].name = escape_str(link ? link : "?");
	f->ninodes++;
	return (int)i;
}

/* The description fd refers to: one already seen when kcmp says so. */
static int find_desc(struct figure *f, int fd, const struct fdinfo *info,
		     int inode)
{
	size_t i;

	for (i = 0; i < f->nfds; i++) {
		int rc = kcmp_same_file(f->pid, f->fds[i].fd, f->pid, fd);

		if (rc < 0) {
			f->by_kcmp = false;
			/* Without kcmp: the same inode, offset and flags. */
			rc = f->descs[f->fds[i].desc].inode == inode &&
				f->descs[f->fds[i].desc].pos == info->pos &&
				f->descs[f->fds[i].desc].flags == info->flags;
		}
		if (rc == 1)
			return f->fds[i].desc;
	}
	f->descs[f->ndescs].pos = info->pos;
	f->descs[f->ndescs].flags = info->flags;
	f->descs[f->ndescs].inode = inode;
	return (int)f->ndescs++;
}

int figure_snapshot(struct figure *f, const char *proc_root,
		    bool (*skip)(int fd, void *arg), void *arg)
{
	struct fd_proc p;
	size_t i;

	memset(f, 0, sizeof(*f));
	f->pid = getpid();
	f->by_kcmp = true;
	if (fd_proc_collect(&p, proc_root, 0, FDL_NEED_LINK | FDL_NEED_FDINFO) < 0)
		return -1;
	for (i = 0; i < p.n; i++) {
		const struct fd_entry *e = &p.fds[i];
		struct figure_fd *d;
		struct fdinfo info;
		struct stat st;
		int fl;

		if (e->is_reader)
			continue;
		if (skip && skip(e->fd, arg) && f->nleft_out < FIGURE_MAX_FDS) {
			f->left_out[f->nleft_out++] = e->fd;
			continue;
		}
		if (f->nfds == FIGURE_MAX_FDS) {
			f->not_drawn++;
			continue;
		}
		fl = fcntl(e->fd, F_GETFD);
		if (fl < 0 || fstat(e->fd, &st) < 0 || !e->have_info)
			continue;
		d = &f->fds[f->nfds];
		d->fd = e->fd;
		d->cloexec = fl & FD_CLOEXEC;
		/* Close-on-exec is the descriptor's flag (shown there), not
		 * the description's, though fdinfo lists it with them. */
		info = e->info;
		info.flags &= ~(unsigned int)O_CLOEXEC;
		d->desc = find_desc(f, e->fd, &info,
				    find_inode(f, &st, fd_entry_link(&p, e)));
		f->nfds++;
	}
	fd_proc_release(&p);
	return 0;
}

void figure_set_child(struct figure *f, pid_t child, const int *fds, size_t n)
{
	f->child = child;
	f->nchild = 0;
	while (f->nchild < n && f->nchild < FIGURE_MAX_FDS) {
		f->child_fds[f->nchild] = fds[f->nchild];
		f->nchild++;
	}
}

void figure_release(struct figure *f)
{
	size_t i;

	for (i = 0; i < f->ninodes; i++)
		free(f->inodes[i].name);
	f->ninodes = 0;
}

/* Text for a dot "..." label: the escaper's output may hold backslashes,
 * which dot would read as its own escapes. */
static void dot_quote(char **buf, size_t *len, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			xappendf(buf, len, "\\%c", *s);
		else
			xappendf(buf, len, "%c", *s);
	}
}

static const char *access_text(unsigned int flags)
{
	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		return "O_RDONLY";
	case O_WRONLY:
		return "O_WRONLY";
	default:
		return "O_RDWR";
	}
}

static const struct figure_fd *parent_fd(const struct figure *f, int fd)
{
	size_t i;

	for (i = 0; i < f->nfds; i++)
		if (f->fds[i].fd == fd)
			return &f->fds[i];
	return NULL;
}

char *figure_dot(const struct figure *f)
{
	char *b = NULL, flags[128];
	size_t len = 0, i;

	xappendf(&b, &len, "digraph fdscope_tables {\n"
		 "\trankdir=LR;\n"
		 "\tnode [shape=box, fontname=\"Helvetica\"];\n"
		 "\tsubgraph cluster_fds {\n"
		 "\t\tlabel=\"descriptor table of pid %ld (per process)",
		 (long)f->pid);
	if (f->when[0])
		xappendf(&b, &len, "\n%s", f->when);
	if (f->nleft_out) {
		xappendf(&b, &len, "\\nalso open, inherited:");
		for (i = 0; i < f->nleft_out; i++)
			xappendf(&b, &len, " %d", f->left_out[i]);
	}
	if (f->not_drawn)
		xappendf(&b, &len, "\\n%zu more descriptors not drawn",
			 f->not_drawn);
	xappendf(&b, &len, "\";\n");
	for (i = 0; i < f->nfds; i++)
		xappendf(&b, &len, "\t\tfd%d [label=\"fd %d%s\"%s];\n",
			 f->fds[i].fd, f->fds[i].fd,
			 f->fds[i].cloexec ? "\\nFD_CLOEXEC" : "",
			 f->fds[i].cloexec ? ", style=dashed" : "");
	xappendf(&b, &len, "\t}\n");
	if (f->child) {
		xappendf(&b, &len, "\tsubgraph cluster_child {\n"
			 "\t\tlabel=\"descriptor table of the child %ld after "
			 "fork\";\n", (long)f->child);
		for (i = 0; i < f->nchild; i++)
			if (parent_fd(f, f->child_fds[i]))
				xappendf(&b, &len, "\t\tc%d [label=\"fd %d\"];\n",
					 f->child_fds[i], f->child_fds[i]);
		xappendf(&b, &len, "\t}\n");
	}
	xappendf(&b, &len, "\tsubgraph cluster_desc {\n"
		 "\t\tlabel=\"file table: open file descriptions "
		 "(struct file)%s\";\n", f->by_kcmp ? ", by kcmp" : "");
	for (i = 0; i < f->ndescs; i++) {
		fdflags_format(f->descs[i].flags, flags, sizeof(flags));
		xappendf(&b, &len, "\t\td%zu [label=\"offset %llu\\n%s", i,
			 f->descs[i].pos, access_text(f->descs[i].flags));
		if (flags[0] && strcmp(flags, "-") != 0) {
			xappendf(&b, &len, "\\n");
			dot_quote(&b, &len, flags);
		}
		xappendf(&b, &len, "\"];\n");
	}
	xappendf(&b, &len, "\t}\n\tsubgraph cluster_inodes {\n"
		 "\t\tlabel=\"inode table\";\n");
	for (i = 0; i < f->ninodes; i++) {
		xappendf(&b, &len, "\t\ti%zu [label=\"inode %llu\\n", i,
			 f->inodes[i].ino);
		dot_quote(&b, &len, f->inodes[i].name);
		xappendf(&b, &len, "\"];\n");
	}
	xappendf(&b, &len, "\t}\n");
	/* One arrow per descriptor, one per description. */
	for (i = 0; i < f->nfds; i++)
		xappendf(&b, &len, "\tfd%d -> d%d;\n", f->fds[i].fd, f->fds[i].desc);
	for (i = 0; i < f->nchild; i++) {
		const struct figure_fd *pf = parent_fd(f, f->child_fds[i]);

		if (pf)
			xappendf(&b, &len, "\tc%d -> d%d [style=dotted];\n",
				 pf->fd, pf->desc);
	}
	for (i = 0; i < f->ndescs; i++)
		xappendf(&b, &len, "\td%zu -> i%d;\n", i, f->descs[i].inode);
	xappendf(&b, &len, "}\n");
	return b;
}
