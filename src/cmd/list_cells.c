/* `fdscope list`'s cells of anonymous inodes, ptmx and tun: proc/anon's
 * decodings of the kept fdinfo, and what they name read when asked for
 * (a pidfd's command, an io_uring's owner, a bpf object's name). */
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
#include "proc/anon.h"
#include "proc/bpfname.h"
#include "proc/procfs.h"

/* The column of each fdinfo field proc/anon decodes. */
static const struct {
	int col;
	enum anon_field field;
} anon_columns[] = {
	{ COL_EVENTFD_ID, ANON_F_EVENTFD_ID },
	{ COL_EVENTFD_COUNT, ANON_F_EVENTFD_COUNT },
	{ COL_EVENTPOLL_TFDS, ANON_F_EVENTPOLL_TFDS },
	{ COL_EVENTPOLL_EVENTS, ANON_F_EVENTPOLL_EVENTS },
	{ COL_TIMERFD_CLOCKID, ANON_F_TIMERFD_CLOCKID },
	{ COL_TIMERFD_INTERVAL, ANON_F_TIMERFD_INTERVAL },
	{ COL_TIMERFD_REMAINING, ANON_F_TIMERFD_REMAINING },
	{ COL_TIMERFD_TICKS, ANON_F_TIMERFD_TICKS },
	{ COL_SIGNALFD_MASK, ANON_F_SIGNALFD_MASK },
	{ COL_INOTIFY_INODES, ANON_F_INOTIFY_INODES },
	{ COL_PIDFD_PID, ANON_F_PIDFD_PID },
	{ COL_PIDFD_NSPID, ANON_F_PIDFD_NSPID },
	{ COL_BPF_MAP_ID, ANON_F_BPF_MAP_ID },
	{ COL_BPF_MAP_TYPE, ANON_F_BPF_MAP_TYPE },
	{ COL_BPF_PROG_ID, ANON_F_BPF_PROG_ID },
	{ COL_BPF_PROG_TYPE, ANON_F_BPF_PROG_TYPE },
	{ COL_BPF_PROG_TAG, ANON_F_BPF_PROG_TAG },
	{ COL_IO_URING_SQ, ANON_F_IO_URING_SQ },
	{ COL_IO_URING_CQ, ANON_F_IO_URING_CQ },
	{ COL_IO_URING_SQTHREAD, ANON_F_IO_URING_SQTHREAD },
	{ COL_FANOTIFY_FLAGS, ANON_F_FANOTIFY_FLAGS },
	{ COL_FANOTIFY_EVENT_FLAGS, ANON_F_FANOTIFY_EVENT_FLAGS },
	{ COL_FANOTIFY_MARKS, ANON_F_FANOTIFY_MARKS },
	{ COL_PTMX_TTY_INDEX, ANON_F_PTMX_TTY_INDEX },
	{ COL_TUN_IFACE, ANON_F_TUN_IFACE },
};

/* The kept fdinfo of an anonymous inode, ptmx or tun, with its kind.
 * fdinfo is the kernel's: a regular file named /dev/ptmx has no
 * tty-index there, so the link text alone cannot fake a kind. */
static const char *anon_text(const struct list_row *r, enum anon_kind *kind,
			     size_t *len)
{
	*kind = anon_kind_of_link(fd_entry_link(r->proc, r->e));
	if (*kind == ANON_NONE)
		return NULL;
	return fd_entry_info_text(r->proc, r->e, len);
}

/* A pidfd's process's command, read when the cell is asked for. */
static const char *pidfd_comm(const struct list_row *r, const char *text,
			      size_t tlen, char *buf, size_t len)
{
	struct anon_pidfd pf;
	char path[4200];
	ssize_t n;

	if (anon_parse_pidfd(text, tlen, &pf) < 0 || pf.pid <= 0)
		return NULL;
	snprintf(path, sizeof(path), "%s/%lld/comm", r->ctl->proc_root, pf.pid);
	n = procfs_read_at(AT_FDCWD, path, buf, len);
	if (n <= 0)
		return NULL;
	if (buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return buf;
}

/* The process an io_uring's SQPOLL thread belongs to, and its command:
 * the kernel starts that thread in the thread group that made the ring. */
static long long io_uring_owner(const struct list_row *r, const char *text,
				size_t tlen, char *comm, size_t len)
{
	struct anon_io_uring io;
	char rel[64], status[4096];
	unsigned long long tgid;
	ssize_t n;

	comm[0] = '\0';
	if (anon_parse_io_uring(text, tlen, &io) < 0 || io.sq_thread <= 0)
		return 0;
	snprintf(rel, sizeof(rel), "%lld/status", io.sq_thread);
	if (procfs_read_sys(r->ctl->proc_root, rel, status, sizeof(status)) <= 0 ||
	    status_parse_ull(status, "Tgid", &tgid) < 0 || tgid == 0 ||
	    tgid > INT_MAX)
		return 0;
	snprintf(rel, sizeof(rel), "%llu/comm", tgid);
	n = procfs_read_sys(r->ctl->proc_root, rel, comm, len);
	if (n > 0 && comm[n - 1] == '\n')
		comm[n - 1] = '\0';
	else if (n <= 0)
		comm[0] = '\0';
	return (long long)tgid;
}

/* A bpf map's or program's name: asked of the kernel by the ID. */
static const char *bpf_name(enum anon_kind kind, const char *text, size_t tlen,
			    char *buf, size_t len)
{
	unsigned long long id;

	if ((kind != ANON_BPF_MAP && kind != ANON_BPF_PROG) ||
	    anon_field_ull(text, tlen, kind == ANON_BPF_MAP ? "map_id" : "prog_id",
			   10, &id) < 0 || id == 0 || id > UINT32_MAX ||
	    bpfname_of(kind == ANON_BPF_PROG, (unsigned int)id, buf, len) < 0 ||
	    buf[0] == '\0')
		return NULL;
	return buf;
}

/* A path for a watched inode: the link of a descriptor of the same
 * process on that inode. */
static const char *path_of_inode(const void *ctx, unsigned int maj,
				 unsigned int min, unsigned long long ino)
{
	const struct fd_proc *p = ctx;
	size_t i;

	for (i = 0; i < p->n; i++) {
		const struct fd_entry *e = &p->fds[i];
		const char *link = fd_entry_link(p, e);

		if (e->stat_errno == 0 && link != NULL && link[0] == '/' &&
		    (unsigned long long)e->st.st_ino == ino &&
		    major(e->st.st_dev) == maj && minor(e->st.st_dev) == min)
			return link;
	}
	return NULL;
}

/* NAME of an anonymous inode, ptmx or tun: its kind's phrase, escaped. */
const char *anon_name(const struct list_row *r, char *buf, size_t len)
{
	char comm[64], phrase[4096];
	struct anon_ctx ctx = { .path_of = path_of_inode, .path_ctx = r->proc };
	enum anon_kind kind;
	size_t tlen;
	const char *text = anon_text(r, &kind, &tlen);

	if (text == NULL)
		return NULL;
	if (kind == ANON_PIDFD)
		ctx.pidfd_comm = pidfd_comm(r, text, tlen, comm, sizeof(comm));
	if (kind == ANON_IO_URING) {
		ctx.io_uring_owner = io_uring_owner(r, text, tlen, comm,
						    sizeof(comm));
		ctx.io_uring_owner_comm = comm[0] ? comm : NULL;
	}
	ctx.bpf_name = bpf_name(kind, text, tlen, comm, sizeof(comm));
	if (anon_summary(kind, text, tlen, &ctx, phrase, sizeof(phrase)) == NULL)
		return NULL;
	escape_into(buf, len, phrase, strlen(phrase));
	return buf;
}

const char *anon_cell(const struct list_row *r, int col, char *buf,
		      size_t len)
{
	enum anon_kind kind;
	size_t tlen, i;
	const char *text = anon_text(r, &kind, &tlen);
	char comm[64];

	if (text == NULL)
		return NULL;
	if (col == COL_BPF_NAME) {
		if (bpf_name(kind, text, tlen, comm, sizeof(comm)) == NULL)
			return NULL;
		escape_into(buf, len, comm, strlen(comm));
		return buf;
	}
	if (col == COL_IO_URING_OWNER) {
		long long owner = kind != ANON_IO_URING ? 0 :
			io_uring_owner(r, text, tlen, comm, sizeof(comm));

		return owner > 0 ? fmt_ull(buf, len, (unsigned long long)owner) : NULL;
	}
	if (col == COL_PIDFD_COMM) {
		if (kind != ANON_PIDFD ||
		    pidfd_comm(r, text, tlen, comm, sizeof(comm)) == NULL)
			return NULL;
		escape_into(buf, len, comm, strlen(comm));
		return buf;
	}
	for (i = 0; i < ARRAY_SIZE(anon_columns); i++) {
		const char *v;

		if (anon_columns[i].col != col)
			continue;
		v = anon_field_text(anon_columns[i].field, kind, text, tlen,
				    buf, len);
		/* An interface name is the only free text among them. */
		if (v != NULL && col == COL_TUN_IFACE) {
			char raw[64];

			snprintf(raw, sizeof(raw), "%s", v);
			escape_into(buf, len, raw, strlen(raw));
		}
		return v;
	}
	return NULL;
}
