/* Selections of `list`, lsof's everyday questions: a file (by device and
 * inode), a directory tree (by path prefix), Internet sockets in lsof's
 * -i syntax, unix sockets, listening sockets and states, commands, users,
 * descriptor numbers and types, and a -Q filter.  Different options AND,
 * the values of one option OR.  Decided in stages so that collection
 * skips what cannot match: a process by PID, command and user before its
 * table is read, a descriptor by number before it is looked at, the rest
 * on the collected row. */
#ifndef FDSCOPE_QUERY_SELECT_H
#define FDSCOPE_QUERY_SELECT_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "net/inetdiag_filter.h"
#include "net/sockdiag.h"
#include "out/table.h"
#include "proc/fdlist.h"
#include "query/filter.h"

struct summary;

enum {
	QUERY_OPT_SUMMARY = 0x2000,
	QUERY_OPT_UNDER,
	QUERY_OPT_INODE,
	QUERY_OPT_LISTENING,
	QUERY_OPT_TYPE,
};

/* -i takes its value optionally, as lsof's: see query_inet_operand. */
#define QUERY_SHORT_OPTIONS "i::Uc:u:d:ts:Q:C:"
#define QUERY_LONG_OPTIONS \
	{ "summary", optional_argument, NULL, QUERY_OPT_SUMMARY }, \
	{ "under", required_argument, NULL, QUERY_OPT_UNDER }, \
	{ "inode", required_argument, NULL, QUERY_OPT_INODE }, \
	{ "listening", no_argument, NULL, QUERY_OPT_LISTENING }, \
	{ "type", required_argument, NULL, QUERY_OPT_TYPE }, \
	{ "filter", required_argument, NULL, 'Q' }, \
	{ "counter", required_argument, NULL, 'C' }, \
	{ "terse", no_argument, NULL, 't' }

/* The selections that decide on a process or a descriptor alone, for
 * every command that takes them (list, watch, metrics). */
#define QUERY_SELECTIONS_HELP \
	"  PATH...                descriptors of that file (device and inode)\n" \
	"      --inode DEV:INO    a file by device (MAJ:MIN) and inode, also\n" \
	"                         one unlinked since it was opened\n" \
	"      --under DIR        files open under DIR, by path (lsof +D)\n" \
	"  -i [4|6][PROTO][@HOST][:PORT[-PORT][,...]]\n" \
	"                         Internet sockets, as lsof -i (alone: all);\n" \
	"                         PORT a number or a service name\n" \
	"  -U                     unix sockets\n" \
	"      --listening        listening sockets (and bound UDP ones)\n" \
	"  -s STATE[,STATE]       sockets in these states (LISTEN, ...)\n" \
	"  -c COMMAND|/REGEX/     commands starting with COMMAND, or matching\n" \
	"  -u USER|UID|^USER[,...]\n" \
	"                         processes of these users; ^ excludes\n" \
	"  -d FD-LIST             descriptors: 0-2,10; ^N excludes\n" \
	"      --type TYPE[,TYPE]\n" \
	"                         descriptors of these types (REG, SOCK, ...)\n"

#define QUERY_OPTIONS_HELP \
	"Selections (different options AND, the values of one option OR):\n" \
	QUERY_SELECTIONS_HELP \
	"  -d cwd,rtd,txt,mem     lsof's names: those --assoc rows\n" \
	"  -Q, --filter EXPR      rows where EXPR holds (lsfd's language)\n" \
	"Results:\n" \
	"  -t, --terse            process IDs only, one per line\n" \
	"      --summary[=only|append|never]\n" \
	"                         counts per type, processes, counters and\n" \
	"                         each process's headroom (open / soft limit)\n" \
	"  -C, --counter NAME:EXPR\n" \
	"                         count rows where EXPR holds, for --summary\n"

struct query;

struct query *query_new(void);
void query_free(struct query *q);

/* Takes one getopt result.  Returns 1 when it was a query option, 0 when
 * not, -1 with a message in why when its value is invalid (a usage
 * error). */
int query_take(struct query *q, int c, const char *arg, char *why,
	       size_t len);

/* For "-i VALUE" with a space: true when the argument after a bare -i is
 * an -i address (":8080", "tcp", "6@host"), which is then its value;
 * otherwise -i alone selects every Internet socket. */
bool query_inet_operand(const char *arg);

/* A PATH operand.  Returns -1 with a message in why when it cannot be
 * looked up (no such file: a runtime failure, not a usage error). */
int query_add_path(struct query *q, const char *path, char *why, size_t len);

/* Parses -Q and -C against the columns.  Returns -1 after printing the
 * error with a caret under the failing column (a usage error). */
int query_prepare(struct query *q, const struct out_column *cols,
		  size_t ncols);

/* True when some selection or filter was given: every process is then
 * searched unless -p narrows it. */
bool query_selects(const struct query *q);
/* True when one of them chooses processes (-c, -u), or looks at
 * descriptors. */
bool query_selects_processes(const struct query *q);
bool query_selects_descriptors(const struct query *q);
bool query_pids_only(const struct query *q);
/* True when -Q was given. */
bool query_filters(const struct query *q);
struct summary *query_summary(const struct query *q);

/* What the selections need collected for every descriptor (FDL_NEED_*),
 * and whether sockets must be decoded. */
unsigned int query_need(const struct query *q, bool *sockets);

/* The socket dumps (1 << SOCKDIAG_*) no row can need: every row of an
 * -i selection is an Internet socket of its families and protocols. */
unsigned int query_skip_dumps(const struct query *q);

/* The kernel-side filter of the TCP and UDP dumps: when every -i names
 * ports, only sockets with one of them at either end can match (and the
 * other end of a loopback connection has it too).  Returns false, with f
 * empty, when every socket must be dumped. */
bool query_port_filter(const struct query *q, struct inetdiag_filter *f);

/* True when -Q or a -C counter names column col. */
bool query_uses_column(const struct query *q, int col);

/* A process being considered, filled by query_want_process. */
struct query_proc {
	const struct query *q;
	pid_t pid;
	char comm[64];
	bool have_comm;
};

/* Decides what the PID, the command and the user decide, before the
 * table is read, from the process pinned by piddir (procfs_open_pid;
 * the same pin then serves collection).  False: the process cannot
 * match (also when piddir is -1 and something had to be read). */
bool query_want_process(const struct query *q, int piddir, pid_t pid,
			struct query_proc *qp);

/* Same for one descriptor number of qp (a struct query_proc *). */
bool query_keep_fd(const void *qp, int fd);

/* One row of any kind as the selections see it: a descriptor, an --assoc
 * row (cwd, rtd, exe, mem, a namespace) or a lock row (a lock without a
 * descriptor): its process, its number or ASSOC name, the file it is
 * (device and inode, and the kernel's name of it), its TYPE, the socket
 * behind it when decoded (and its unix peer), and the cell texts for -Q. */
struct query_row {
	const struct fd_proc *proc;
	int fd;				/* -1: not a descriptor */
	const char *assoc;		/* "cwd", "mem", ...; NULL otherwise */
	bool have_id;			/* dev and ino name the file */
	dev_t dev;
	ino_t ino;
	const char *path;		/* link text or mapped path, or NULL */
	const char *type;		/* TYPE, or NULL */
	const struct sock_info *si, *peer;
	filter_get_fn get;
	const void *get_ctx;
};

/* Fills r for descriptor e of p; si, peer, get and get_ctx are cleared. */
void query_row_of_fd(struct query_row *r, const struct fd_proc *p,
		     const struct fd_entry *e);

bool query_match(const struct query *q, const struct query_row *r);

/* True when -d names an --assoc row (cwd, rtd, txt, mem), as lsof's -d
 * does: those rows are then listed as if --assoc was given. */
bool query_names_assoc(const struct query *q);

/* Parsers of the option values, exposed for the tests. */
struct query_fdrange {
	int lo, hi;		/* -1 for a name */
	const char *name;	/* ASSOC of the rows named (txt is "exe") */
	bool exclude;
};
int query_parse_fds(const char *arg, struct query_fdrange **out, size_t *n,
		    char *why, size_t len);

struct query_inet {
	int family;		/* 0, AF_INET or AF_INET6 */
	int proto;		/* 0, IPPROTO_TCP or IPPROTO_UDP */
	struct sockaddr_storage *hosts;	/* none: any host */
	size_t nhosts;
	unsigned int (*ports)[2];	/* [lo, hi]; none: any port */
	size_t nports;
};
int query_parse_inet(const char *arg, struct query_inet *out, char *why,
		     size_t len);
void query_inet_release(struct query_inet *qi);
bool query_inet_match(const struct query_inet *qi, const struct sock_info *si);

#endif
