/* Snapshots and matching.  A description is recognised by its inode, its
 * device and its access mode (the two ends of a pipe share the inode, not
 * the mode); kcmp(KCMP_FILE) settles it while the earlier holder still
 * has the descriptor, and rules out a file merely opened twice. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lib/util.h"
#include "out/escape.h"
#include "net/attach.h"
#include "proc/fdlist.h"
#include "proc/fdtype.h"
#include "proc/kcmp.h"
#include "trace/inherit.h"

#define SNAP_NEED (FDL_NEED_LINK | FDL_NEED_STAT | FDL_NEED_FDINFO | \
		   FDL_NEED_COMM)

void inherit_log_init(struct inherit_log *l, const char *proc_root, pid_t root)
{
	memset(l, 0, sizeof(*l));
	l->proc_root = proc_root;
	l->root = root;
}

void inherit_log_release(struct inherit_log *l)
{
	size_t i;

	for (i = 0; i < l->nsnaps; i++)
		free(l->snaps[i].ids);
	free(l->snaps);
	for (i = 0; i < l->nexecfds; i++) {
		free(l->execfds[i].type);
		free(l->execfds[i].mode);
		free(l->execfds[i].name);
		free(l->execfds[i].program);
	}
	free(l->execfds);
	memset(l, 0, sizeof(*l));
}

static void entry_id(const struct fd_entry *e, struct inherit_id *id)
{
	id->fd = e->fd;
	id->dev = e->stat_errno == 0 ? (unsigned long long)e->st.st_dev : 0;
	id->ino = e->stat_errno == 0 ? (unsigned long long)e->st.st_ino : 0;
	id->accmode = e->have_info && e->info.has_flags ?
		e->info.flags & O_ACCMODE : 0;
}

static int collect(struct inherit_log *l, pid_t pid, struct fd_proc *p)
{
	if (fd_proc_collect(p, l->proc_root, pid, SNAP_NEED) == 0)
		return 0;
	if (l->error == 0)
		l->error = errno;
	return -1;
}

static void keep_snapshot(struct inherit_log *l, const struct fd_proc *p,
			  bool outside)
{
	struct inherit_snap *s;
	size_t i;

	l->snaps = xrealloc(l->snaps, (l->nsnaps + 1) * sizeof(*l->snaps));
	s = &l->snaps[l->nsnaps++];
	s->pid = p->pid;
	s->outside = outside;
	snprintf(s->comm, sizeof(s->comm), "%s", p->comm);
	s->n = 0;
	s->ids = xcalloc(p->n ? p->n : 1, sizeof(*s->ids));
	for (i = 0; i < p->n; i++)
		if (p->fds[i].fd > 2)
			entry_id(&p->fds[i], &s->ids[s->n++]);
}

void inherit_on_spawn(struct inherit_log *l, pid_t pid)
{
	struct fd_proc p;

	if (collect(l, pid, &p) < 0)
		return;
	keep_snapshot(l, &p, false);
	fd_proc_release(&p);
}

static bool same_key(const struct inherit_id *a, const struct inherit_id *b)
{
	return a->ino != 0 && a->dev == b->dev && a->ino == b->ino &&
		a->accmode == b->accmode;
}

/* The earliest snapshot holding the description of id in pid. */
static const struct inherit_snap *find_opener(const struct inherit_log *l,
					      pid_t pid,
					      const struct inherit_id *id)
{
	size_t i, j;

	for (i = 0; i < l->nsnaps; i++) {
		const struct inherit_snap *s = &l->snaps[i];

		for (j = 0; j < s->n; j++) {
			int same;

			if (!same_key(&s->ids[j], id))
				continue;
			/* Only "different" rules a candidate out: the
			 * earlier holder may have exited or closed it. */
			same = kcmp_same_file(s->pid, s->ids[j].fd, pid, id->fd);
			if (same == 0 && s->pid != pid)
				continue;
			return s;
		}
	}
	return NULL;
}

static char *read_program(const char *root, pid_t pid)
{
	char path[64], buf[4096];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%ld/exe", root, (long)pid);
	n = readlink(path, buf, sizeof(buf));
	if (n < 0)
		return NULL;
	return escape_bytes(buf, (size_t)n);
}

static char *entry_name(struct net_attach *a, const struct fd_proc *p,
			const struct fd_entry *e)
{
	const struct sock_info *si = a ? net_attach_sock(a, 0, e) : NULL;
	const char *link = fd_entry_link(p, e);
	char buf[4 * 4096 + 64];

	if (si != NULL && net_sock_name(si, net_attach_peer(a, 0, si), buf,
					sizeof(buf)) != NULL)
		return xstrdup(buf);
	return link ? escape_str(link) : NULL;
}

static bool holds_socket(const struct fd_proc *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->fds[i].fd > 2 && p->fds[i].stat_errno == 0 &&
		    S_ISSOCK(p->fds[i].st.st_mode))
			return true;
	return false;
}

static void record_exec_fd(struct inherit_log *l, const struct fd_proc *p,
			   const struct fd_entry *e, struct net_attach *a,
			   bool first_root_exec, char *program)
{
	struct inherit_exec_fd *x;
	const struct inherit_snap *s;
	const char *mode;

	l->execfds = xrealloc(l->execfds, (l->nexecfds + 1) * sizeof(*l->execfds));
	x = &l->execfds[l->nexecfds++];
	memset(x, 0, sizeof(*x));
	entry_id(e, &x->id);
	x->type = xstrdup(fdtype_name(e->st.st_mode, e->stat_errno == 0,
				      fd_entry_link(p, e)));
	mode = e->have_info && e->info.has_flags ? fdmode_name(e->info.flags) : NULL;
	x->mode = mode ? xstrdup(mode) : NULL;
	x->name = entry_name(a, p, e);
	x->exec_pid = p->pid;
	escape_into(x->exec_comm, sizeof(x->exec_comm), p->comm, strlen(p->comm));
	x->program = program ? xstrdup(program) : NULL;
	if (first_root_exec) {
		x->outside = true;
		return;
	}
	s = find_opener(l, p->pid, &x->id);
	if (s != NULL && s->outside) {
		x->outside = true;
		return;
	}
	x->opener = s ? s->pid : p->pid;
	escape_into(x->opener_comm, sizeof(x->opener_comm),
		    s ? s->comm : p->comm, strlen(s ? s->comm : p->comm));
}

void inherit_on_exec(struct inherit_log *l, pid_t pid)
{
	struct net_attach *a = NULL;
	struct fd_proc p;
	bool first_root_exec;
	char *program;
	size_t i;

	/* The first exec is the command's own: nothing traced runs before. */
	if (l->root < 0)
		l->root = pid;
	first_root_exec = pid == l->root && !l->root_execd;
	if (pid == l->root)
		l->root_execd = true;
	if (collect(l, pid, &p) < 0)
		return;
	program = read_program(l->proc_root, pid);
	if (holds_socket(&p)) {
		a = net_attach_new(l->proc_root, &p, 1);
		net_attach_sockets(a);
	}
	for (i = 0; i < p.n; i++)
		if (p.fds[i].fd > 2)
			record_exec_fd(l, &p, &p.fds[i], a, first_root_exec, program);
	net_attach_free(a);
	free(program);
	keep_snapshot(l, &p, first_root_exec);
	fd_proc_release(&p);
}

/* Same description: the same identity and the same first holder. */
static bool same_desc(const struct inherit_exec_fd *a,
		      const struct inherit_exec_fd *b)
{
	return a->outside == b->outside && a->opener == b->opener &&
		a->id.dev == b->id.dev && a->id.ino == b->id.ino &&
		a->id.accmode == b->id.accmode &&
		(a->id.ino != 0 || (a->exec_pid == b->exec_pid && a->id.fd == b->id.fd));
}

size_t inherit_group(struct inherit_log *l, size_t **group)
{
	size_t i, j, ndesc = 0, out = 0;
	struct inherit_exec_fd *sorted;
	size_t *g = xcalloc(l->nexecfds ? l->nexecfds : 1, sizeof(*g));
	bool *done = xcalloc(l->nexecfds ? l->nexecfds : 1, sizeof(*done));

	/* Stable: each description in the order it was first inherited, its
	 * execs in the order they happened. */
	sorted = xcalloc(l->nexecfds ? l->nexecfds : 1, sizeof(*sorted));
	for (i = 0; i < l->nexecfds; i++) {
		if (done[i])
			continue;
		for (j = i; j < l->nexecfds; j++) {
			if (done[j] || !same_desc(&l->execfds[i], &l->execfds[j]))
				continue;
			done[j] = true;
			g[out] = ndesc;
			sorted[out++] = l->execfds[j];
		}
		ndesc++;
	}
	free(done);
	free(l->execfds);
	l->execfds = sorted;
	*group = g;
	return ndesc;
}
