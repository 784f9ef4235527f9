/* `fdscope list`'s rows that are no descriptor: --assoc's cwd, rtd, exe,
 * mappings and namespaces, and the locks a process holds on files it has
 * no descriptor for; their cells, and the selections deciding them. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cmd/list.h"
#include "lib/util.h"
#include "out/escape.h"
#include "proc/fdtype.h"
#include "query/select.h"

/* An --assoc row's cells: as a descriptor's where they apply. */
const char *assoc_cell(const struct list_row *r, int col, char *buf,
		       size_t len)
{
	const struct assoc_entry *a = r->assoc;
	bool st_ok = a->stat_errno == 0, deleted;
	const char *name;

	switch (col) {
	case COL_ASSOC:
		return a->assoc;
	case COL_TYPE:
		if (a->link_errno)
			return "ERROR";
		if (a->kind == ASSOC_MEM && !st_ok)
			return "REG";
		return fdtype_name(a->st.st_mode, st_ok, a->name);
	case COL_SOURCE:
		if (a->link_errno == 0)
			return NULL;
		snprintf(buf, len, "readlink:%s", strerrorname_np(a->link_errno) ?
			 strerrorname_np(a->link_errno) : "?");
		return buf;
	/* A mapping's device and inode are in maps, its stat aside. */
	case COL_INODE:
	case COL_DEV:
	case COL_DEVTYPE:
	case COL_MAJMIN:
		return stat_cell(r->ctl, &a->st, st_ok || a->kind == ASSOC_MEM,
				 col, buf, len);
	case COL_SIZE:
	case COL_NLINK:
	case COL_OWNER:
	case COL_FUID:
	case COL_STTYPE:
		return stat_cell(r->ctl, &a->st, st_ok, col, buf, len);
	case COL_DELETED:
		deleted = link_is_deleted(a->name) && (!st_ok || a->st.st_nlink == 0);
		return deleted ? "yes" : "no";
	case COL_NAME:
	case COL_KNAME:
		name = a->name;
		if (name == NULL) {
			snprintf(buf, len, "readlink:%s", strerrorname_np(a->link_errno) ?
				 strerrorname_np(a->link_errno) : "?");
			return buf;
		}
		escape_into(buf, len, name, strlen(name));
		return buf;
	case COL_MAPLEN:
		return a->kind == ASSOC_MEM ? fmt_ull(buf, len, (a->map.end - a->map.start) /
				(unsigned long long)sysconf(_SC_PAGESIZE)) : NULL;
	case COL_MAP_RANGE:
		if (a->kind != ASSOC_MEM)
			return NULL;
		snprintf(buf, len, "%llx-%llx", a->map.start, a->map.end);
		return buf;
	case COL_MAP_OFFSET:
		return a->kind == ASSOC_MEM ? fmt_ull(buf, len, a->map.offset) : NULL;
	case COL_MAP_PERMS:
		return a->kind == ASSOC_MEM ? a->map.perms : NULL;
	case COL_NS_TYPE:
		if (a->kind != ASSOC_NS || a->name == NULL)
			return NULL;
		snprintf(buf, len, "%.*s", (int)strcspn(a->name, ":"), a->name);
		return buf;
	case COL_NS_NAME:
		if (a->kind != ASSOC_NS || a->name == NULL)
			return NULL;
		escape_into(buf, len, a->name, strlen(a->name));
		return buf;
	default:
		return NULL;
	}
}

/* A lock and its owner, the process /proc/locks names (an OFD lock has
 * none: it is its open file description's). */
void lock_owned_format(const struct file_lock *l, char *buf, size_t len)
{
	size_t n;

	lock_format(l, buf, len);
	n = strlen(buf);
	if (l->pid > 0 && n < len)
		snprintf(buf + n, len - n, " by %lld", l->pid);
}

/* A lock row's cells: the process, the locked inode and the lock. */
const char *lock_row_cell(const struct list_row *r, int col, char *buf,
			  size_t len)
{
	const struct file_lock *l = r->lock->lock;
	char one[96];

	switch (col) {
	case COL_INODE:
		return fmt_ull(buf, len, l->ino);
	case COL_DEV:
		snprintf(buf, len, "%u:%u", l->major, l->minor);
		return buf;
	case COL_LOCKS:
		lock_owned_format(l, buf, len);
		return buf;
	case COL_XMODE:
		snprintf(buf, len, "----%c-", lock_letter(l, 1));
		return buf;
	case COL_NAME:
		lock_format(l, one, sizeof(one));
		snprintf(buf, len, "%s on inode %llu of %u:%u, without a descriptor "
			 "of this process", one, l->ino, l->major, l->minor);
		return buf;
	default:
		return NULL;
	}
}

static bool proc_has_inode(const struct list_control *ctl, size_t pi,
			   unsigned int maj, unsigned int min,
			   unsigned long long ino)
{
	const struct fd_proc *p = &ctl->procs[pi];
	size_t i;

	for (i = 0; i < p->n; i++) {
		const struct fd_entry *e = &p->fds[i];

		if (e->stat_errno == 0 && (unsigned long long)e->st.st_ino == ino &&
		    major(e->st.st_dev) == maj && minor(e->st.st_dev) == min)
			return true;
	}
	return false;
}

static bool leader_listed(const struct list_control *ctl, pid_t pid)
{
	size_t pi;

	for (pi = 0; pi < ctl->nprocs; pi++)
		if (ctl->procs[pi].pid == pid && ctl->procs[pi].tid == 0)
			return true;
	return false;
}

/* /proc/locks' locks of the listed processes on files they hold no
 * descriptor for.  OFD locks have no process (PID -1): fdinfo attributes
 * them to their descriptions instead. */
void collect_lock_rows(struct list_control *ctl)
{
	size_t pi, k;

	if (lock_tab_load(&ctl->locks, ctl->proc_root) < 0)
		return;
	for (pi = 0; pi < ctl->nprocs; pi++) {
		const struct fd_proc *p = &ctl->procs[pi];

		/* A thread's own table (-l): its locks are its process's,
		 * listed once, with the process's table when that is. */
		if (p->tid != 0 && leader_listed(ctl, p->pid))
			continue;
		for (k = 0; k < ctl->locks.n; k++) {
			const struct file_lock *l = &ctl->locks.v[k];

			if (l->blocked || l->pid != (long long)p->pid ||
			    proc_has_inode(ctl, pi, l->major, l->minor, l->ino))
				continue;
			ctl->lock_rows = xrealloc(ctl->lock_rows, (ctl->nlock_rows + 1) *
						  sizeof(*ctl->lock_rows));
			ctl->lock_rows[ctl->nlock_rows++] = (struct lock_row){ pi, l };
		}
	}
}
