/* `fdscope list`: the descriptor tables of fdscope itself, of given
 * processes, or of every process it may read.  Collect (fdlist), attach
 * what is known about sockets, convert to rows, print (output). */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cli/command.h"
#include "lib/util.h"
#include "out/escape.h"
#include "net/attach.h"
#include "out/table.h"
#include "proc/fdlist.h"
#include "proc/fdtype.h"
#include "proc/procfs.h"

enum {
	COL_PID, COL_COMMAND, COL_FD, COL_TYPE, COL_MODE, COL_FLAGS, COL_POS,
	COL_INODE, COL_DEV, COL_RDEV, COL_MNTID, COL_SIZE, COL_DELETED,
	COL_NAME, COL_SOCK_FAMILY, COL_SOCK_TYPE, COL_SOCK_PROTO, COL_LADDR,
	COL_RADDR, COL_STATE, COL_SOCK_PEER, COL_ENDPOINTS, COL_NOTE,
	NCOLUMNS
};

static const struct out_column columns[NCOLUMNS] = {
	[COL_PID] = { "PID", 5, OUT_RIGHT, OUT_JSON_NUMBER,
		"process ID" },
	[COL_COMMAND] = { "COMMAND", 0.1, OUT_TRUNC, OUT_JSON_STRING,
		"command name (/proc/PID/comm)" },
	[COL_FD] = { "FD", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"descriptor number" },
	[COL_TYPE] = { "TYPE", 4, 0, OUT_JSON_STRING,
		"REG DIR CHR BLK FIFO SOCK LNK, memfd, or an anonymous inode's kind" },
	[COL_MODE] = { "MODE", 2, 0, OUT_JSON_STRING,
		"access mode: r- -w rw, or -- for O_PATH (fdinfo flags)" },
	[COL_FLAGS] = { "FLAGS", 0.1, 0, OUT_JSON_STRING,
		"status flags from fdinfo: cloexec, nonblock, append, ..." },
	[COL_POS] = { "POS", 5, OUT_RIGHT, OUT_JSON_NUMBER,
		"file offset (fdinfo pos)" },
	[COL_INODE] = { "INODE", 5, OUT_RIGHT, OUT_JSON_NUMBER,
		"inode number (stat)" },
	[COL_DEV] = { "DEV", 5, 0, OUT_JSON_STRING,
		"device holding the inode, major:minor (stat st_dev)" },
	[COL_RDEV] = { "RDEV", 5, 0, OUT_JSON_STRING,
		"device a CHR or BLK file stands for, major:minor (st_rdev)" },
	[COL_MNTID] = { "MNTID", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"mount ID (fdinfo mnt_id)" },
	[COL_SIZE] = { "SIZE", 5, OUT_RIGHT, OUT_JSON_NUMBER,
		"file size in bytes (stat)" },
	[COL_DELETED] = { "DELETED", 1, 0, OUT_JSON_BOOLEAN,
		"the file was unlinked while open" },
	[COL_NAME] = { "NAME", 0.5, OUT_WRAP, OUT_JSON_STRING,
		"what the descriptor refers to: the /proc/PID/fd link, or a "
		"decoded socket (TCP 127.0.0.1:1234 -> 127.0.0.1:54321 ESTABLISHED)" },
	[COL_SOCK_FAMILY] = { "SOCK.FAMILY", 7, 0, OUT_JSON_STRING,
		"socket address family: AF_INET, AF_INET6, AF_UNIX, ..." },
	[COL_SOCK_TYPE] = { "SOCK.TYPE", 7, 0, OUT_JSON_STRING,
		"socket type: SOCK_STREAM, SOCK_DGRAM, ..." },
	[COL_SOCK_PROTO] = { "SOCK.PROTO", 4, 0, OUT_JSON_STRING,
		"socket protocol: TCP, UDP, or the number" },
	[COL_LADDR] = { "LADDR", 0.2, 0, OUT_JSON_STRING,
		"socket's local address: host:port, [v6]:port, a unix path or @abstract" },
	[COL_RADDR] = { "RADDR", 0.2, 0, OUT_JSON_STRING,
		"socket's remote address (a unix socket's peer's name)" },
	[COL_STATE] = { "STATE", 0.1, 0, OUT_JSON_STRING,
		"TCP state (LISTEN, ESTABLISHED, ...); unix and UDP: listening, "
		"connected, unconnected" },
	[COL_SOCK_PEER] = { "SOCK.PEER", 0.1, 0, OUT_JSON_STRING,
		"unix socket's peer inode, and PID,COMMAND,FD of its holders "
		"among the listed processes" },
	[COL_ENDPOINTS] = { "ENDPOINTS", 0.2, OUT_WRAP, OUT_JSON_STRING,
		"other holders of the same pipe or FIFO among the listed "
		"processes: PID,COMMAND,FD and r/w" },
	[COL_NOTE] = { "NOTE", 0.2, OUT_WRAP, OUT_JSON_STRING,
		"what fdscope itself uses the descriptor for" },
};

/* Attach steps, after collection: kept above the fdlist bits. */
enum {
	LIST_NEED_SOCKETS = 1 << 16,	/* one sock_diag dump per namespace */
	LIST_NEED_HOLDERS = 1 << 17,	/* every descriptor by inode */
	LIST_NEED_ATTACH = LIST_NEED_SOCKETS | LIST_NEED_HOLDERS,
};
#define SOCK_NEEDS (FDL_NEED_STAT | FDL_NEED_LINK | LIST_NEED_SOCKETS)

/* What each column needs collected, so that unused look-ups are skipped. */
static const unsigned int column_needs[NCOLUMNS] = {
	[COL_COMMAND] = FDL_NEED_COMM,
	[COL_TYPE] = FDL_NEED_STAT | FDL_NEED_LINK,
	[COL_MODE] = FDL_NEED_FDINFO,
	[COL_FLAGS] = FDL_NEED_FDINFO,
	[COL_POS] = FDL_NEED_FDINFO,
	[COL_INODE] = FDL_NEED_STAT,
	[COL_DEV] = FDL_NEED_STAT,
	[COL_RDEV] = FDL_NEED_STAT,
	[COL_MNTID] = FDL_NEED_FDINFO,
	[COL_SIZE] = FDL_NEED_STAT,
	[COL_DELETED] = FDL_NEED_STAT | FDL_NEED_LINK,
	[COL_NAME] = FDL_NEED_LINK | LIST_NEED_SOCKETS,
	[COL_SOCK_FAMILY] = SOCK_NEEDS | FDL_NEED_SOCKOPT,
	[COL_SOCK_TYPE] = SOCK_NEEDS | FDL_NEED_SOCKOPT,
	[COL_SOCK_PROTO] = SOCK_NEEDS | FDL_NEED_SOCKOPT,
	[COL_LADDR] = SOCK_NEEDS,
	[COL_RADDR] = SOCK_NEEDS,
	[COL_STATE] = SOCK_NEEDS,
	[COL_SOCK_PEER] = SOCK_NEEDS | FDL_NEED_COMM | FDL_NEED_FDINFO |
		LIST_NEED_HOLDERS,
	[COL_ENDPOINTS] = FDL_NEED_STAT | FDL_NEED_COMM | FDL_NEED_FDINFO |
		LIST_NEED_HOLDERS,
};

static const int defaults_one[] = {
	COL_FD, COL_TYPE, COL_MODE, COL_FLAGS, COL_POS, COL_INODE, COL_NAME,
};
static const int defaults_self[] = {
	COL_FD, COL_TYPE, COL_MODE, COL_FLAGS, COL_POS, COL_INODE, COL_NAME,
	COL_NOTE,
};
static const int defaults_many[] = {
	COL_PID, COL_COMMAND, COL_FD, COL_TYPE, COL_MODE, COL_FLAGS, COL_POS,
	COL_INODE, COL_NAME, COL_ENDPOINTS,
};

struct list_control {
	struct out_opts out;
	pid_t *pids;
	size_t npids;
	unsigned int all : 1;
	unsigned int help : 1;
	int selected[OUT_MAX_COLUMNS];
	size_t nselected;
	unsigned int need;
	struct out_table *table;
	const char *proc_root;
	size_t denied;		/* --all: processes we may not read */
	struct fd_proc *procs;	/* collected, then attached, then rows */
	size_t nprocs;
	size_t *row_start;	/* per process: rows before its first */
	struct net_attach *attach;
	struct sock_prefetch *prefetch;
};

struct list_row {
	const struct list_control *ctl;
	size_t pi;		/* index of proc in ctl->procs */
	const struct fd_proc *proc;
	const struct fd_entry *e;
};

static const char *fmt_ull(char *buf, size_t len, unsigned long long v)
{
	snprintf(buf, len, "%llu", v);
	return buf;
}

static const struct sock_info *row_sock(const struct list_row *r)
{
	return r->ctl->attach ? net_attach_sock(r->ctl->attach, r->pi, r->e) : NULL;
}

static const struct sock_info *row_peer(const struct list_row *r,
					const struct sock_info *si)
{
	return si ? net_attach_peer(r->ctl->attach, r->pi, si) : NULL;
}

/* "INODE" or "INODE PID,COMMAND,FD...": the unix peer and who holds it. */
static const char *sock_peer_cell(const struct list_row *r, char *buf,
				  size_t len)
{
	const struct sock_info *si = row_sock(r);
	int n;

	if (si == NULL || si->family != AF_UNIX || !si->have_peer)
		return NULL;
	n = snprintf(buf, len, "%llu", si->peer_ino);
	if (n > 0 && (size_t)n + 1 < len && r->e->stat_errno == 0 &&
	    net_attach_holders_of(r->ctl->attach, r->e->st.st_dev,
				  si->peer_ino, SIZE_MAX, -1, buf + n + 1,
				  len - (size_t)n - 1) > 0)
		buf[n] = ' ';
	return buf;
}

static const char *endpoints_cell(const struct list_row *r, char *buf,
				  size_t len)
{
	const struct fd_entry *e = r->e;

	if (e->stat_errno != 0 || !S_ISFIFO(e->st.st_mode) || r->ctl->attach == NULL)
		return NULL;
	return net_attach_holders_of(r->ctl->attach, e->st.st_dev, e->st.st_ino,
				     r->pi, e->fd, buf, len) ? buf : NULL;
}

static const char *sock_cell(const struct list_row *r, int col, char *buf,
			     size_t len)
{
	const struct sock_info *si = row_sock(r);
	const struct fd_entry *e = r->e;

	/* fdscope's own sockets answer getsockopt; others come from the
	 * kernel's socket tables. */
	switch (col) {
	case COL_SOCK_FAMILY:
		return e->have_sockopt ? sock_family_name(e->sock_family, buf, len) :
			si ? sock_family_name(si->family, buf, len) : NULL;
	case COL_SOCK_TYPE:
		return e->have_sockopt ? sock_type_name(e->sock_type, buf, len) :
			si ? sock_type_name(si->type, buf, len) : NULL;
	case COL_SOCK_PROTO:
		return e->have_sockopt ?
			sock_proto_name(e->sock_family, e->sock_proto, buf, len) :
			si ? sock_proto_name(si->family, si->proto, buf, len) : NULL;
	case COL_LADDR:
		return net_sock_laddr(si, buf, len);
	case COL_RADDR:
		return net_sock_raddr(si, row_peer(r, si), buf, len);
	case COL_STATE:
		return net_sock_state(si);
	default:
		return NULL;
	}
}

static const char *list_cell(const void *row, int col, char *buf, size_t len)
{
	const struct list_row *r = row;
	const struct fd_entry *e = r->e;
	const char *link = fd_entry_link(r->proc, e);
	const struct sock_info *si;
	bool st_ok = e->stat_errno == 0;

	switch (col) {
	case COL_PID:
		return fmt_ull(buf, len, (unsigned long long)r->proc->pid);
	case COL_COMMAND:
		escape_into(buf, len, r->proc->comm, strlen(r->proc->comm));
		return buf;
	case COL_FD:
		return fmt_ull(buf, len, (unsigned long long)e->fd);
	case COL_TYPE:
		return fdtype_name(e->st.st_mode, st_ok, link);
	case COL_MODE:
		return e->have_info && e->info.has_flags ?
			fdmode_name(e->info.flags) : NULL;
	case COL_FLAGS:
		if (!e->have_info || !e->info.has_flags)
			return NULL;
		fdflags_format(e->info.flags, buf, len);
		return buf;
	case COL_POS:
		return e->have_info && e->info.has_pos ?
			fmt_ull(buf, len, e->info.pos) : NULL;
	case COL_INODE:
		return st_ok ? fmt_ull(buf, len, (unsigned long long)e->st.st_ino) : NULL;
	case COL_DEV:
		if (!st_ok)
			return NULL;
		snprintf(buf, len, "%u:%u", major(e->st.st_dev), minor(e->st.st_dev));
		return buf;
	case COL_RDEV:
		if (!st_ok || !(S_ISCHR(e->st.st_mode) || S_ISBLK(e->st.st_mode)))
			return NULL;
		snprintf(buf, len, "%u:%u", major(e->st.st_rdev), minor(e->st.st_rdev));
		return buf;
	case COL_MNTID:
		return e->have_info && e->info.has_mnt_id ?
			fmt_ull(buf, len, (unsigned long long)e->info.mnt_id) : NULL;
	case COL_SIZE:
		return st_ok ? fmt_ull(buf, len, (unsigned long long)e->st.st_size) : NULL;
	case COL_DELETED:
		/* The link text alone could be a file really named so; an
		 * unlinked file also has no links left. */
		return link_is_deleted(link) && st_ok && e->st.st_nlink == 0 ?
			"yes" : "no";
	case COL_NAME:
		if ((si = row_sock(r)) != NULL)
			return net_sock_name(si, row_peer(r, si), buf, len);
		if (link == NULL)
			return NULL;
		escape_into(buf, len, link, strlen(link));
		return buf;
	case COL_SOCK_FAMILY:
	case COL_SOCK_TYPE:
	case COL_SOCK_PROTO:
	case COL_LADDR:
	case COL_RADDR:
	case COL_STATE:
		return sock_cell(r, col, buf, len);
	case COL_SOCK_PEER:
		return sock_peer_cell(r, buf, len);
	case COL_ENDPOINTS:
		return endpoints_cell(r, buf, len);
	case COL_NOTE:
		return e->is_reader ?
			"fdscope reading /proc/self/fd" : NULL;
	default:
		return NULL;
	}
}

/* Row i of the listing: the processes' tables one after the other.
 * row_start[pi] is the number of rows before process pi. */
static const char *row_cell(const void *ctx, size_t i, int col, char *buf,
			    size_t len)
{
	const struct list_control *ctl = ctx;
	size_t lo = 0, hi = ctl->nprocs;
	struct list_row r;

	/* The last process whose first row is at or before i. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (ctl->row_start[mid] <= i)
			lo = mid;
		else
			hi = mid;
	}
	r = (struct list_row){ ctl, lo, &ctl->procs[lo],
			       &ctl->procs[lo].fds[i - ctl->row_start[lo]] };
	return list_cell(&r, col, buf, len);
}

static int print_rows(struct list_control *ctl)
{
	size_t pi, n = 0;

	ctl->row_start = xcalloc(ctl->nprocs + 1, sizeof(*ctl->row_start));
	for (pi = 0; pi < ctl->nprocs; pi++) {
		ctl->row_start[pi] = n;
		n += ctl->procs[pi].n;
	}
	ctl->row_start[pi] = n;
	return out_table_print_rows(ctl->table, ctl, n, row_cell);
}

/* Large tables take long enough to read that the socket dumps of
 * fdscope's own namespace are made meanwhile, in a thread of their own;
 * for small ones, only if some process turns out to hold a socket. */
#define PREFETCH_MIN_FDS 512

static void start_prefetch(struct list_control *ctl)
{
	size_t i, n = 0;

	if ((ctl->need & LIST_NEED_SOCKETS) == 0)
		return;
	for (i = 0; i < ctl->npids && n < PREFETCH_MIN_FDS; i++)
		n += procfs_fd_count_hint(ctl->proc_root, ctl->pids[i]);
	if (ctl->all || n >= PREFETCH_MIN_FDS)
		ctl->prefetch = sock_prefetch_start(ctl->proc_root);
}

/* Between collection and rows: what /proc/PID/fd does not say, found once
 * for every collected table together. */
static void attach_extra(struct list_control *ctl)
{
	if ((ctl->need & LIST_NEED_ATTACH) == 0)
		return;
	ctl->attach = net_attach_new(ctl->proc_root, ctl->procs, ctl->nprocs);
	net_attach_take_prefetch(ctl->attach, ctl->prefetch);
	ctl->prefetch = NULL;
	if (ctl->need & LIST_NEED_SOCKETS)
		net_attach_sockets(ctl->attach);
	if (ctl->need & LIST_NEED_HOLDERS)
		net_attach_holders(ctl->attach);
}

static void release_procs(struct list_control *ctl)
{
	size_t i;

	for (i = 0; i < ctl->nprocs; i++)
		fd_proc_release(&ctl->procs[i]);
	free(ctl->procs);
	ctl->procs = NULL;
	ctl->nprocs = 0;
}

/* Explains a refusal the way the kernel's rules decide it. */
static void warn_collect_error(pid_t pid, int e)
{
	if (pid == 0)
		pid = getpid();
	if (e == EMFILE || e == ENFILE)
		warnx("process %ld: cannot read its descriptors: fdscope has no "
		      "descriptor left to read them with (%s); raise the limit "
		      "with 'ulimit -n' or close some", (long)pid, strerror(e));
	else if (e == ENOENT || e == ESRCH)
		warnx("process %ld: no such process", (long)pid);
	else if (e == EACCES || e == EPERM)
		warnx("process %ld: permission denied reading its descriptors: "
		      "run as the process's user, or with CAP_SYS_PTRACE "
		      "(and kernel.yama.ptrace_scope allowing it)", (long)pid);
	else
		warnx("process %ld: cannot read its descriptors: %s",
		      (long)pid, strerror(e));
}

/* An empty table is rare enough to deserve a word: say why, when the
 * kernel tells (a zombie has released its table, a kernel thread never
 * had one).  Not an error: that is the process's real state. */
static void explain_empty_table(const char *root, pid_t pid)
{
	char path[64], buf[4096], state[32];
	int dfd;

	snprintf(path, sizeof(path), "%s/%ld", root, (long)pid);
	dfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	if (procfs_is_kernel_thread(dfd))
		fprintf(stderr, "fdscope: process %ld is a kernel thread: it has no "
			"descriptor table\n", (long)pid);
	else if (procfs_read_at(dfd, "status", buf, sizeof(buf)) > 0 &&
		 status_parse_str(buf, "State", state, sizeof(state)) == 0 &&
		 state[0] == 'Z')
		fprintf(stderr, "fdscope: process %ld is a zombie (exited, not yet "
			"reaped by its parent): its descriptors are all closed\n",
			(long)pid);
	close(dfd);
}

static int list_one(struct list_control *ctl, pid_t pid, bool quiet_denied)
{
	struct fd_proc p;

	if (fd_proc_collect(&p, ctl->proc_root, pid,
			    ctl->need & ~(unsigned int)LIST_NEED_ATTACH) < 0) {
		int e = errno;

		if (quiet_denied && (e == EACCES || e == EPERM)) {
			ctl->denied++;
			return 0;
		}
		/* --all: a process that exited meanwhile is not an error. */
		if (quiet_denied && (e == ENOENT || e == ESRCH))
			return 0;
		warn_collect_error(pid, e);
		return -1;
	}
	if (p.n == 0 && !quiet_denied)
		explain_empty_table(ctl->proc_root, pid);
	ctl->procs = xrealloc(ctl->procs, (ctl->nprocs + 1) * sizeof(*ctl->procs));
	ctl->procs[ctl->nprocs++] = p;
	return 0;
}

static int list_all(struct list_control *ctl)
{
	DIR *d = opendir(ctl->proc_root);
	struct dirent *de;
	int ret = 0;

	if (d == NULL) {
		warn("cannot read '%s'", ctl->proc_root);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		long long v;
		const char *why;

		if (parse_ll(de->d_name, 1, INT_MAX, &v, &why) < 0)
			continue;
		if (list_one(ctl, (pid_t)v, true) < 0)
			ret = -1;
	}
	closedir(d);
	if (ctl->denied)
		warnx("%zu process%s not shown: permission denied (run as root "
		      "or with CAP_SYS_PTRACE to see them)", ctl->denied,
		      ctl->denied == 1 ? "" : "es");
	return ret;
}

static int parse_pid_list(struct list_control *ctl, const char *arg)
{
	const char *p = arg;

	do {
		size_t n = strcspn(p, ",");
		char tmp[32];
		long long v;
		const char *why = "too long";

		if (n >= sizeof(tmp) ||
		    (memcpy(tmp, p, n), tmp[n] = '\0',
		     parse_ll(tmp, 1, INT_MAX, &v, &why) < 0)) {
			char *esc = escape_bytes(p, n < 64 ? n : 64);

			cmd_usage_error(&cmd_list, "invalid PID '%s': %s; a PID is "
					"a positive whole number", esc, why);
			free(esc);
			return -1;
		}
		ctl->pids = xrealloc(ctl->pids, (ctl->npids + 1) * sizeof(*ctl->pids));
		ctl->pids[ctl->npids++] = (pid_t)v;
		p += n;
	} while (*p++ == ',');
	return 0;
}

static int parse_args(struct list_control *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		OUT_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, ":p:ah" OUT_SHORT_OPTIONS, opts,
				NULL)) != -1) {
		if (out_opts_take(&ctl->out, c, optarg))
			continue;
		switch (c) {
		case 'p':
			if (parse_pid_list(ctl, optarg) < 0)
				return EXIT_USAGE;
			break;
		case 'a':
			ctl->all = 1;
			break;
		case 'h':
			ctl->help = 1;
			return EXIT_OK;
		default:
			return cmd_bad_option(&cmd_list, argv, c);
		}
	}
	if (optind < argc)
		return cmd_unexpected_argument(&cmd_list, argv[optind]);
	if (ctl->all && ctl->npids)
		return cmd_usage_error(&cmd_list, "--all and --pid exclude each other");
	return EXIT_OK;
}

static int select_columns(struct list_control *ctl)
{
	const int *defs = defaults_one;
	size_t ndefs = ARRAY_SIZE(defaults_one), i;

	if (ctl->all || ctl->npids > 1) {
		defs = defaults_many;
		ndefs = ARRAY_SIZE(defaults_many);
	} else if (ctl->npids == 0) {
		defs = defaults_self;
		ndefs = ARRAY_SIZE(defaults_self);
	}
	if (out_select(columns, NCOLUMNS, defs, ndefs, ctl->out.columns,
		       ctl->selected, &ctl->nselected) < 0)
		return -1;
	for (i = 0; i < ctl->nselected; i++)
		ctl->need |= column_needs[ctl->selected[i]];
	return 0;
}

static int list_run(const struct cli_env *env, int argc, char **argv)
{
	struct list_control ctl = { .proc_root = env->proc_root };
	int ret, failed = 0;
	size_t i;

	ret = parse_args(&ctl, argc, argv);
	if (ret != EXIT_OK || ctl.help) {
		free(ctl.pids);
		return ctl.help ? cmd_help(&cmd_list) : ret;
	}
	if (ctl.out.list_columns) {
		ret = out_list_columns(columns, NCOLUMNS, &ctl.out) < 0 ? EXIT_FAIL : EXIT_OK;
		goto cleanup;
	}
	if (select_columns(&ctl) < 0) {
		ret = EXIT_USAGE;
		goto cleanup;
	}
	start_prefetch(&ctl);
	if (ctl.all)
		failed = list_all(&ctl) < 0;
	else if (ctl.npids == 0)
		failed = list_one(&ctl, 0, false) < 0;
	for (i = 0; i < ctl.npids; i++)
		if (list_one(&ctl, ctl.pids[i], false) < 0)
			failed = 1;
	attach_extra(&ctl);
	ctl.table = out_table_new("descriptors", columns, ctl.selected,
				  ctl.nselected, &ctl.out);
	/* Whatever could be read is still printed. */
	if (print_rows(&ctl) < 0 && errno != EPIPE)
		failed = 1;
	ret = failed ? EXIT_FAIL : EXIT_OK;
cleanup:
	out_table_free(ctl.table);
	net_attach_free(ctl.attach);
	sock_prefetch_free(ctl.prefetch);
	free(ctl.row_start);
	release_procs(&ctl);
	free(ctl.pids);
	return ret;
}

const struct command cmd_list = {
	.name = "list",
	.run = list_run,
	.summary = "list open descriptors of fdscope or of other processes",
	.usage =
	"fdscope list [-p PID[,PID...] | --all] [OUTPUT OPTIONS]\n"
	"\n"
	"List open file descriptors with their type, access mode, status flags,\n"
	"offset, inode and name, as the kernel reports them in /proc/PID/fd and\n"
	"/proc/PID/fdinfo.  Without -p, fdscope lists its own descriptors,\n"
	"including the one it holds open on /proc/self/fd to read them.\n"
	"\n"
	"Options:\n"
	"  -p, --pid PID[,PID...]  list these processes\n"
	"  -a, --all               list every process fdscope may read\n"
	"  -h, --help              show this help\n"
	OUT_OPTIONS_HELP
	"\n"
	"Default columns: FD TYPE MODE FLAGS POS INODE NAME (NOTE for fdscope\n"
	"itself; PID and COMMAND first and ENDPOINTS last when several processes\n"
	"are listed).  Sockets are decoded from NETLINK_SOCK_DIAG, or from\n"
	"/proc/net when netlink is refused or FDSCOPE_NO_NETLINK=1 is set.\n"
	"Examples:\n"
	"  fdscope list\n"
	"  fdscope list -p $$ -o +DEV,SIZE\n"
	"  fdscope list -p 1234 -J\n"
	"  fdscope list -p 1234 -o FD,NAME,LADDR,RADDR,STATE,SOCK.PEER\n",
};
