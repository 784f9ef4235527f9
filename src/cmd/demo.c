/* `fdscope demo`: the guided tour.  The sections run in the lesson's
 * order from one table; each makes real calls on one shared record, so
 * -J gives a single {"steps": [...]} for the whole tour, each step with
 * its section.  With --step the teacher moves through it on the terminal
 * (teach/screen.c): the prompt and the keys are on /dev/tty. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli/command.h"
#include "lib/util.h"
#include "out/escape.h"
#include "proc/fdlist.h"
#include "proc/fdtype.h"
#include "proc/procfs.h"
#include "teach/demo.h"
#include "teach/exchange.h"
#include "teach/pyrepr.h"
#include "teach/screen.h"
#include "teach/tempdir.h"

/* The calls each side of an exchange made, for TCP beside UDP. */
struct calls {
	bool have;
	char *server, *client;	/* "socket bind listen ..." */
	int server_fds;		/* descriptors the server opened */
};

struct tour {
	struct demo_ctx d;
	const struct cli_env *env;
	struct screen screen;
	struct steps_opts so;	/* -J and -q */
	struct calls tcp, udp;
};

struct section {
	const char *name;	/* for --list-sections */
	const char *title;
	int (*run)(struct tour *t);
};

/* Text mode: an already fitted block of lines (the tour's own tables). */
static void tour_text(struct tour *t, const char *text)
{
	if (!t->so.json)
		steps_text(&t->d.steps, "%s", text);
}

/* s cut to cols columns, "..." marking the cut, so that a table never
 * wraps (a wrapped port or path is read wrong). */
static void append_cut(char **buf, size_t *len, const char *s, size_t cols)
{
	size_t n = strlen(s);

	if (screen_columns(s, n) <= cols) {
		xappendf(buf, len, "%s", s);
		return;
	}
	if (cols <= 3) {
		xappendf(buf, len, "%.*s", (int)cols, "...");
		return;
	}
	/* The escaper leaves ASCII only in the C locale; elsewhere a cut
	 * inside a character is avoided by counting lead bytes. */
	{
		size_t i = 0, c = 0;

		while (i < n && c < cols - 3) {
			i++;
			while (i < n && ((unsigned char)s[i] & 0xc0) == 0x80)
				i++;
			c++;
		}
		xappendf(buf, len, "%.*s...", (int)i, s);
	}
}


/* fdscope's own table, in columns fitted to the width: FD TYPE MODE NAME,
 * the name cut rather than wrapped, inherited ones and fdscope's reader
 * said so. */
static int own_table(struct tour *t)
{
	unsigned int width = steps_width(&t->d.steps);
	struct fd_proc p;
	char *out = NULL;
	size_t len = 0, i;

	if (fd_proc_collect(&p, t->d.proc_root, 0, FDL_NEED_LINK | FDL_NEED_STAT |
			    FDL_NEED_FDINFO) < 0) {
		warn("cannot read fdscope's own descriptor table");
		return -1;
	}
	xappendf(&out, &len, " FD TYPE MODE NAME\n");
	for (i = 0; i < p.n; i++) {
		const struct fd_entry *e = &p.fds[i];
		const char *link = fd_entry_link(&p, e);
		char *esc = escape_str(link ? link : "?"), *name = NULL;
		size_t nlen = 0;

		xappendf(&name, &nlen, "%s%s", esc, e->is_reader ?
			 " (fdscope reading /proc/self/fd)" :
			 e->fd > 2 ? " (inherited)" : "");
		xappendf(&out, &len, "%3d %-4s %-4s ", e->fd,
			 fdtype_name(e->st.st_mode, e->stat_errno == 0, link),
			 e->have_info && e->info.has_flags ?
			 fdmode_name(e->info.flags) : "?");
		append_cut(&out, &len, name, width > 13 ? width - 13 : 1);
		xappendf(&out, &len, "\n");
		free(esc);
		free(name);
	}
	fd_proc_release(&p);
	tour_text(t, out);
	free(out);
	return 0;
}

static int tour_descriptor(struct tour *t)
{
	steps_say(&t->d.steps, "A file descriptor is a small number that "
		  "names an open file in one process: an index into the "
		  "process's descriptor table (the lesson's per-process table). "
		  "Every process starts with 0 (standard input), 1 (standard "
		  "output) and 2 (standard error), unless whoever started it "
		  "closed them. The kernel shows the table in /proc/self/fd; "
		  "here is fdscope's own, including the descriptor it uses to "
		  "read that directory:");
	return t->so.json ? 0 : own_table(t);
}

static int tour_limits(struct tour *t)
{
	unsigned long long nr_open = 0, file_max = 0;
	struct rlimit rl;
	int *tab = NULL, n, rc;
	struct step *st;

	rc = getrlimit(RLIMIT_NOFILE, &rl);
	st = steps_call(&t->d.steps, "getrlimit", rc, rc < 0 ? errno : 0,
			"getrlimit(RLIMIT_NOFILE, {rlim_cur=%llu, rlim_max=%llu})",
			(unsigned long long)rl.rlim_cur,
			(unsigned long long)rl.rlim_max);
	if (rc < 0)
		return -1;
	n = steps_read_table(&t->d.steps, &tab);
	free(tab);
	procfs_read_ull(t->d.proc_root, "sys/fs/nr_open", &nr_open);
	procfs_read_ull(t->d.proc_root, "sys/fs/file-max", &file_max);
	step_say(st, "How many can be open at once?  This process may hold "
		 "descriptors numbered below its soft limit, %llu (then open "
		 "fails with EMFILE); it has %d open, so %lld more at most.  It "
		 "may raise the soft limit up to the hard one, %llu; no process "
		 "may go above fs.nr_open, %llu; and the whole system stops at "
		 "fs.file-max, %llu (ENFILE).  'fdscope limits' shows all of it.",
		 (unsigned long long)rl.rlim_cur, n,
		 (long long)rl.rlim_cur - n, (unsigned long long)rl.rlim_max,
		 nr_open, file_max);
	return 0;
}

/* What Python prints for the socket fd: the installed python3's repr,
 * then the article's older form, each labelled. */
static void python_view(struct step *st, int fd, int family, int type,
			int proto)
{
	char *py = pyrepr_python(fd, family, type, proto);
	char *old = pyrepr_article(fd, family, type, proto);

	if (py)
		step_say(st, "The installed python3 shows this socket as %s.", py);
	else
		step_say(st, "(python3 %s: no Python view.)", errno == ENOENT ?
			 "is not installed" : "printed no repr");
	step_say(st, "The article's Python showed it as %s.", old);
	free(py);
	free(old);
}

static int tour_open(struct tour *t)
{
	struct demo_ctx *d = &t->d;
	int f, p[2] = { -1, -1 }, s, rc, want;
	struct step *st;

	steps_say(&d->steps, "Opening things: a file, a pipe and a socket all "
		  "get numbers from the same table.");
	f = demo_open_new(d, "tour-file", O_RDWR, "O_RDWR");
	rc = pipe2(p, 0);
	st = steps_call(&d->steps, "pipe2", rc, rc < 0 ? errno : 0,
			"pipe2([%d, %d], 0)", p[0], p[1]);
	if (rc == 0)
		step_fds(st, p[0], p[1]);
	step_say(st, "A pipe is two descriptors: %d reads, %d writes.", p[0], p[1]);
	want = steps_lowest_free(&d->steps, 0);
	s = socket(AF_INET, SOCK_STREAM, 0);
	st = steps_call(&d->steps, "socket", s, s < 0 ? errno : 0,
			"socket(AF_INET, SOCK_STREAM, 0)");
	step_expect(st, want);
	if (s >= 0) {
		step_say(st, "A socket takes the next number too (section 4 "
			 "shows what Python prints for it).");
		demo_close(d, s);
	}
	if (rc == 0) {
		demo_close(d, p[1]);
		demo_close(d, p[0]);
	}
	if (f >= 0)
		demo_close(d, f);
	return d->failed ? -1 : 0;
}

static const struct socket_try {
	int family, type, proto;
	const char *text;	/* the call's arguments as written */
	const char *why;
	bool python;		/* show the Python view */
	const char *part;	/* a new part of the section starts here */
} socket_tries[] = {
	{ AF_INET, SOCK_STREAM, 0, "AF_INET, SOCK_STREAM, 0",
	  "IPv4, a byte stream, protocol 0: the kernel chooses, and for a "
	  "stream over IPv4 that is TCP.", true, NULL },
	{ AF_INET, SOCK_STREAM, IPPROTO_TCP, "AF_INET, SOCK_STREAM, IPPROTO_TCP",
	  "The same, with TCP named.", false, NULL },
	{ AF_INET, SOCK_DGRAM, 0, "AF_INET, SOCK_DGRAM, 0",
	  "Datagrams over IPv4: the kernel chooses UDP.", true,
	  "SOCK_DGRAM: datagrams" },
	{ AF_INET, SOCK_DGRAM, IPPROTO_TCP, "AF_INET, SOCK_DGRAM, IPPROTO_TCP",
	  "TCP cannot carry datagrams: the kernel refuses the combination.",
	  false, NULL },
	{ AF_INET6, SOCK_STREAM, 0, "AF_INET6, SOCK_STREAM, 0",
	  "The same over IPv6.", false, "AF_INET6 and AF_UNIX" },
	{ AF_UNIX, SOCK_STREAM, 0, "AF_UNIX, SOCK_STREAM, 0",
	  "A unix socket: addresses are file paths on this machine, no "
	  "network; one protocol, 0.", true, NULL },
	{ AF_UNIX, SOCK_DGRAM, 0, "AF_UNIX, SOCK_DGRAM, 0",
	  "Unix datagrams, which unlike UDP's are never lost or reordered.",
	  false, NULL },
};

/* What the kernel says the socket is: SO_DOMAIN, SO_TYPE, SO_PROTOCOL. */
static void say_sockopts(struct step *st, int fd)
{
	int dom = -1, type = -1, proto = -1;
	socklen_t l = sizeof(int);
	char b1[32], b2[32], b3[32];

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &l) < 0 ||
	    (l = sizeof(int), getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l)) < 0 ||
	    (l = sizeof(int), getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto,
					 &l)) < 0) {
		step_say(st, "getsockopt failed: %s.", strerror(errno));
		return;
	}
	step_say(st, "The kernel says SO_DOMAIN %s (%d), SO_TYPE %s (%d), "
		 "SO_PROTOCOL %s (%d).", sock_family_name(dom, b1, sizeof(b1)),
		 dom, sock_type_name(type, b2, sizeof(b2)), type,
		 proto == IPPROTO_TCP ? "IPPROTO_TCP" : proto == IPPROTO_UDP ?
		 "IPPROTO_UDP" : sock_proto_name(dom, proto, b3, sizeof(b3)),
		 proto);
}

static int tour_socket(struct tour *t)
{
	struct demo_ctx *d = &t->d;
	size_t i;

	steps_say(&d->steps, "socket() takes three arguments.  The domain "
		  "(address family): AF_INET for IPv4, AF_INET6 for IPv6, "
		  "AF_UNIX for sockets named by a path on this machine.  The "
		  "type: SOCK_STREAM, a connected byte stream, or SOCK_DGRAM, "
		  "separate messages.  The protocol: 0 lets the kernel choose "
		  "the one protocol of that family and type; IPPROTO_TCP or "
		  "IPPROTO_UDP name it.  Each socket below is closed at once, so "
		  "each gets the same number.");
	for (i = 0; i < ARRAY_SIZE(socket_tries); i++) {
		const struct socket_try *x = &socket_tries[i];
		int want, fd;
		struct step *st;

		if (x->part)
			steps_part(&d->steps, "%s", x->part);
		want = steps_lowest_free(&d->steps, 0);
		fd = socket(x->family, x->type, x->proto);
		st = steps_call(&d->steps, "socket", fd,
					     fd < 0 ? errno : 0, "socket(%s)",
					     x->text);

		step_say(st, "%s", x->why);
		if (fd < 0) {
			/* Refused on purpose: not a failure of the tour. */
			if (x->type == SOCK_DGRAM && x->proto == IPPROTO_TCP)
				continue;
			d->failed = true;
			continue;
		}
		step_expect(st, want);
		say_sockopts(st, fd);
		if (x->python && !t->so.json)
			python_view(st, fd, x->family, x->type, x->proto);
		st = steps_call(&d->steps, "close", close(fd), 0, "close(%d)", fd);
		step_silence(st);
	}
	return d->failed ? -1 : 0;
}

static int tour_alloc(struct tour *t)
{
	return demo_alloc_body(&t->d);
}

static int tour_recycle(struct tour *t)
{
	return demo_recycle_body(&t->d);
}

/* 32 as `fdscope exhaust` does, or more when fdscope was started with
 * many descriptors already open. */
static int tour_exhaust(struct tour *t)
{
	int *tab = NULL, n = steps_read_table(&t->d.steps, &tab);
	long long limit = 32;
	struct rlimit rl;

	free(tab);
	if (n + 8 > limit)
		limit = n + 29;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY &&
	    (unsigned long long)limit > rl.rlim_max)
		limit = (long long)rl.rlim_max;
	if (demo_exhaust_check_limit(&t->d, limit) < 0)
		return -1;
	return demo_exhaust_body(&t->d, limit);
}

static int tour_tables(struct tour *t)
{
	return demo_tables_body(&t->d, NULL);
}

/* The syscalls each side made in steps [from, n), as words. */
static void collect_calls(struct tour *t, size_t from, struct calls *c)
{
	const struct steps *s = &t->d.steps;
	size_t i, ls = 0, lc = 0;

	free(c->server);
	free(c->client);
	c->server = c->client = NULL;
	c->server_fds = 0;
	xappendf(&c->server, &ls, "%s", "");
	xappendf(&c->client, &lc, "%s", "");
	for (i = from; i < s->n; i++) {
		const struct step *st = &s->v[i];

		if (st->text_only || st->side == NULL)
			continue;
		if (strcmp(st->side, "server") == 0) {
			xappendf(&c->server, &ls, "%s%s", ls ? " " : "", st->syscall);
			if ((strcmp(st->syscall, "socket") == 0 ||
			     strcmp(st->syscall, "accept") == 0) && st->ret >= 0)
				c->server_fds++;
		} else if (strcmp(st->side, "client") == 0) {
			xappendf(&c->client, &lc, "%s%s", lc ? " " : "", st->syscall);
		}
	}
	c->have = true;
}

static int run_exchange(struct tour *t, enum exchange_proto proto,
			struct calls *c)
{
	struct exchange_opts o = {
		.proto = proto,
		.port = 0,
		.server_message = EXCHANGE_SERVER_MESSAGE,
		.client_message = EXCHANGE_CLIENT_MESSAGE,
	};
	size_t from;
	int rc;

	steps_flush(&t->d.steps);
	from = t->d.steps.n;
	rc = net_exchange(&t->d.steps, &o);
	collect_calls(t, from, c);
	return rc;
}

static int tour_exchange(struct tour *t)
{
	steps_say(&t->d.steps, "The article's ending: a server and a client "
		  "process exchange two messages over TCP on loopback.  Each "
		  "sends its steps to fdscope over a pipe of fdscope's own "
		  "(counted as \"fdscope's own\"), printed in the order they "
		  "happened.");
	return run_exchange(t, EXCHANGE_TCP, &t->tcp);
}

/* Words in a column: the next line's worth of s (advanced). */
static size_t column_piece(const char **s, size_t cols)
{
	const char *p = *s;
	size_t n = 0, last = 0;

	while (p[n] == ' ')
		p++;
	*s = p;
	while (n < cols && p[n]) {
		if (p[n] == ' ')
			last = n;
		n++;
	}
	if (p[n] && p[n] != ' ' && last)
		n = last;
	return n;
}

static void side_by_side(struct tour *t, const char *label, const char *a,
			 const char *b)
{
	unsigned int width = steps_width(&t->d.steps);
	size_t cols = (width - 10) / 2;
	char *out = NULL;
	size_t len = 0;
	bool first = true;

	while (*a || *b) {
		size_t na = column_piece(&a, cols - 1), nb;

		nb = column_piece(&b, cols - 1);
		if (na == 0 && nb == 0)
			break;
		xappendf(&out, &len, "%-8s  %-*.*s%.*s\n", first ? label : "",
			 (int)cols, (int)na, a, (int)nb, b);
		a += na;
		b += nb;
		first = false;
	}
	tour_text(t, out ? out : "");
	free(out);
}

static int tour_udp(struct tour *t)
{
	unsigned int width = steps_width(&t->d.steps);
	size_t cols = (width - 10) / 2;
	char head[256];
	int rc;

	steps_say(&t->d.steps, "The same exchange over UDP: datagrams, no "
		  "connection.");
	rc = run_exchange(t, EXCHANGE_UDP, &t->udp);
	if (t->so.json)
		return rc;
	if (!t->tcp.have) {
		steps_say(&t->d.steps, "(Section 9 shows TCP: run it to see the "
			  "two side by side.)");
		return rc;
	}
	steps_part(&t->d.steps, "TCP and UDP side by side");
	steps_say(&t->d.steps, "TCP and UDP side by side: the calls each "
		  "process made, as recorded above.");
	snprintf(head, sizeof(head), "%-8s  %-*s%s", "", (int)cols,
		 "TCP (SOCK_STREAM)", "UDP (SOCK_DGRAM)");
	tour_text(t, head);
	side_by_side(t, "server", t->tcp.server, t->udp.server);
	side_by_side(t, "client", t->tcp.client, t->udp.client);
	steps_say(&t->d.steps, "TCP needs a connection first: the server "
		  "listens and accepts, which hands it a new descriptor for "
		  "that one client (%d descriptors for one client here), and "
		  "the client connects; then both send and recv a byte stream.  "
		  "UDP needs none of that: each sendto names where the datagram "
		  "goes, each recvfrom says where it came from, and one "
		  "descriptor serves every peer (%d here).", t->tcp.server_fds,
		  t->udp.server_fds);
	return rc;
}

/* Two or three numbers of a /proc/sys file (file-nr, the port range). */
static int read_numbers(const char *root, const char *rel,
			unsigned long long *v, int n)
{
	char path[PATH_MAX];
	FILE *f;
	int got = 0;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "re");
	if (f == NULL)
		return -1;
	/* Kernel-written decimal numbers; a short read stops the count. */
	while (got < n && fscanf(f, "%llu", &v[got]) == 1) /* NOLINT(cert-err34-c) */
		got++;
	fclose(f);
	return got == n ? 0 : -1;
}

static int tour_bonus(struct tour *t)
{
	struct demo_ctx *d = &t->d;
	unsigned long long nr_open = 0, file_max = 0, fnr[3], ports[2];
	char link[64], path[64];
	struct rlimit rl;
	struct step *st;
	ssize_t n;
	int fd, want;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -1;
	procfs_read_ull(d->proc_root, "sys/fs/nr_open", &nr_open);
	procfs_read_ull(d->proc_root, "sys/fs/file-max", &file_max);
	steps_say(&d->steps, "Bonus question 1: how many sockets can a program "
		  "have open?  As many as descriptors: every socket is one.  "
		  "This process: below its soft limit of %llu (hard limit %llu, "
		  "which no process may raise past fs.nr_open, %llu).  The whole "
		  "system: fs.file-max, %llu open file descriptions.",
		  (unsigned long long)rl.rlim_cur,
		  (unsigned long long)rl.rlim_max, nr_open, file_max);
	if (read_numbers(d->proc_root, "sys/fs/file-nr", fnr, 3) == 0)
		steps_say(&d->steps, "Right now the system has %llu of them "
			  "allocated (/proc/sys/fs/file-nr).", fnr[0]);
	if (read_numbers(d->proc_root, "sys/net/ipv4/ip_local_port_range",
			 ports, 2) == 0 && ports[1] >= ports[0])
		steps_say(&d->steps, "Connections from this machine to one "
			  "server address and port also need a local port "
			  "each: %llu to %llu, so %llu at once.", ports[0],
			  ports[1], ports[1] - ports[0] + 1);
	steps_say(&d->steps, "Bonus question 2: what are the numbers?  "
		  "Indexes into this process's descriptor table, the lowest "
		  "free one each time; the kernel names the socket behind one "
		  "by its inode:");
	want = steps_lowest_free(&d->steps, 0);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	st = steps_call(&d->steps, "socket", fd, fd < 0 ? errno : 0,
			"socket(AF_INET, SOCK_STREAM, 0)");
	step_expect(st, want);
	if (fd < 0)
		return -1;
	n = procfs_self_fd_path(path, sizeof(path), fd, NULL) < 0 ? -1 :
		readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	step_say(st, "%s names %s: the number %d is this process's, the "
		 "socket's inode the kernel's.", path, link, fd);
	demo_close(d, fd);
	steps_part(&d->steps, "TCP or UDP?");
	if (t->tcp.have && t->udp.have)
		steps_say(&d->steps, "Bonus question 3: TCP or UDP?  Sections 9 "
			  "and 10: TCP (SOCK_STREAM) made a connection first, "
			  "its server used %d descriptors for one client, and "
			  "the bytes arrive in order or not at all.  UDP "
			  "(SOCK_DGRAM) sent at once, %d descriptor for every "
			  "peer, each datagram whole, but unacknowledged: it may "
			  "be lost.  TCP for a conversation that must arrive "
			  "complete, UDP for small messages where speed matters "
			  "more.", t->tcp.server_fds, t->udp.server_fds);
	else
		steps_say(&d->steps, "Bonus question 3: TCP or UDP?  TCP "
			  "(SOCK_STREAM) connects first and delivers a byte "
			  "stream in order; UDP (SOCK_DGRAM) sends separate "
			  "datagrams with no connection, which may be lost.  "
			  "Sections 9 and 10 show both, call by call.");
	return d->failed ? -1 : 0;
}

/* The tour, in the lesson's order. */
static const struct section sections[] = {
	{ "descriptor", "What a descriptor is: 0, 1, 2 and /proc/self/fd",
	  tour_descriptor },
	{ "limits", "The limits: how many can be open", tour_limits },
	{ "open", "open: what the kernel hands out", tour_open },
	{ "socket", "socket(): domain, type and protocol", tour_socket },
	{ "alloc", "alloc: the lowest available number", tour_alloc },
	{ "recycle", "recycle: the same number, another file", tour_recycle },
	{ "exhaust", "exhaust: running out (EMFILE)", tour_exhaust },
	{ "tables", "tables: descriptor, file and inode tables", tour_tables },
	{ "exchange", "exchange: a client and a server over TCP",
	  tour_exchange },
	{ "udp", "UDP beside TCP: sendto/recvfrom, no connection", tour_udp },
	{ "bonus", "The article's bonus questions, answered live", tour_bonus },
};

#define NSECTIONS ((int)ARRAY_SIZE(sections))

static void list_sections(void)
{
	int i;

	for (i = 0; i < NSECTIONS; i++)
		printf("%2d  %-10s  %s\n", i + 1, sections[i].name,
		       sections[i].title);
}

struct demo_args {
	enum screen_mode mode;
	int first, last;	/* 0-based, inclusive */
	long long width;	/* 0: the terminal's */
	bool list;
};

static int parse_step(const char *arg, enum screen_mode *mode)
{
	if (arg == NULL || strcmp(arg, "section") == 0)
		*mode = SCREEN_SECTION;
	else if (strcmp(arg, "call") == 0)
		*mode = SCREEN_CALL;
	else if (strcmp(arg, "page") == 0)
		*mode = SCREEN_PAGE;
	else
		return -1;
	return 0;
}

static const struct option demo_longopts[] = {
	{ "step", optional_argument, NULL, 's' },
	{ "section", required_argument, NULL, 'S' },
	{ "from", required_argument, NULL, 'F' },
	{ "list-sections", no_argument, NULL, 'L' },
	{ "width", required_argument, NULL, 'W' },
	STEPS_LONG_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
static const char demo_shortopts[] = ":s" STEPS_SHORT_OPTIONS "h";

static int parse_args(struct tour *t, struct demo_args *a, int argc,
		      char **argv)
{
	bool section = false, from = false;
	long long v;
	int c;

	a->mode = SCREEN_OFF;
	a->first = 0;
	a->last = NSECTIONS - 1;
	while ((c = getopt_long(argc, argv, demo_shortopts, demo_longopts,
				NULL)) != -1) {
		if (steps_opts_take(&t->so, c))
			continue;
		switch (c) {
		case 's':
			if (parse_step(optarg, &a->mode) < 0) {
				char *esc = escape_str(optarg);

				cmd_usage_error(&cmd_demo, "invalid --step '%s': use "
						"section, call or page", esc);
				free(esc);
				return EXIT_USAGE;
			}
			break;
		case 'S':
		case 'F':
			if (cli_opt_ll(&cmd_demo, c == 'S' ? "--section" : "--from",
				       optarg, 1, NSECTIONS, &v) < 0)
				return EXIT_USAGE;
			a->first = (int)v - 1;
			if (c == 'S') {
				a->last = a->first;
				section = true;
			} else {
				a->last = NSECTIONS - 1;
				from = true;
			}
			break;
		case 'L':
			a->list = true;
			break;
		case 'W':
			if (cli_opt_ll(&cmd_demo, "--width", optarg,
				       SCREEN_MIN_WIDTH, SCREEN_MAX_WIDTH, &v) < 0)
				return EXIT_USAGE;
			a->width = v;
			break;
		case 'h':
			return cmd_help(&cmd_demo) == EXIT_OK ? -1 : EXIT_USAGE;
		default:
			return cmd_bad_option(&cmd_demo, argv, c);
		}
	}
	if (optind < argc)
		return cmd_unexpected_argument(&cmd_demo, argv[optind]);
	if (section && from)
		return cmd_usage_error(&cmd_demo, "--section and --from exclude "
				       "each other");
	return EXIT_OK;
}

/* Runs sections [first, last] with the teacher's requests in between;
 * returns the exit status. */
static int run_sections(struct tour *t, int first, int last)
{
	int i = first, ret = EXIT_OK, jump;

	while (i >= first && i <= last) {
		enum screen_request req;

		/* Each run starts clean: no file of an earlier run is left. */
		tempdir_clear();
		steps_heading(&t->d.steps, "%d. %s", i + 1, sections[i].title);
		if (sections[i].run(t) < 0)
			ret = EXIT_FAIL;
		/* Everything of the section on screen before the prompt. */
		steps_flush(&t->d.steps);
		fflush(stdout);
		req = screen_section_end(&t->screen, i == last);
		jump = t->screen.jump;
		screen_resume(&t->screen);
		if (req == SCREEN_QUIT)
			break;
		if (req == SCREEN_BACK)
			i = i > first ? i - 1 : first;
		else if (req == SCREEN_JUMP && jump >= first + 1 && jump <= last + 1)
			i = jump - 1;
		else if (req == SCREEN_GO_ON || req == SCREEN_JUMP)
			i++;
	}
	return ret;
}

static int demo_run(const struct cli_env *env, int argc, char **argv)
{
	struct demo_args a;
	struct tour t;
	int ret;

	memset(&t, 0, sizeof(t));
	memset(&a, 0, sizeof(a));
	t.env = env;
	ret = parse_args(&t, &a, argc, argv);
	if (ret != EXIT_OK)
		return ret < 0 ? EXIT_OK : ret;
	if (a.list) {
		list_sections();
		return EXIT_OK;
	}
	if (t.so.json && a.mode != SCREEN_OFF) {
		warnx("--step does nothing with --json: the steps are printed "
		      "at the end");
		a.mode = SCREEN_OFF;
	}
	if (screen_init(&t.screen, a.mode, (unsigned int)a.width) < 0)
		warnx("no terminal (/dev/tty) to step on: the tour runs without "
		      "pausing");
	if (demo_begin(&t.d, env->proc_root, t.so.json, t.so.quiet) < 0)
		return EXIT_FAIL;
	if (!t.so.json)
		t.d.steps.o.screen = &t.screen;
	t.d.steps.o.width = t.screen.width;
	demo_name_inherited(&t.d.steps);
	ret = run_sections(&t, a.first, a.last);
	free(t.tcp.server);
	free(t.tcp.client);
	free(t.udp.server);
	free(t.udp.client);
	return demo_end(&t.d, ret);
}

const struct command cmd_demo = {
	.name = "demo",
	.run = demo_run,
	.longopts = demo_longopts,
	.shortopts = demo_shortopts,
	.summary = "the guided tour: descriptors, limits, allocation, sharing",
	.usage =
	"fdscope demo [--step[=MODE]] [--section N | --from N] [--width N]\n"
	"             [--list-sections] [--quiet] [-J]\n"
	"\n"
	"The guided tour: what a descriptor is, the limits, open, socket()'s\n"
	"arguments, alloc, recycle, exhaust, the three tables, the exchange\n"
	"over TCP and UDP, and the article's bonus questions, each with the\n"
	"real calls and what the kernel returned.\n"
	"\n"
	"Options:\n"
	"  -s, --step[=MODE]      pause on the terminal (/dev/tty) for the\n"
	"                         teacher: section (default: at the end of each\n"
	"                         section, and before a page scrolls away), page\n"
	"                         (only before a page scrolls away), call (after\n"
	"                         each call too).  Keys: Enter or space go on,\n"
	"                         b goes back a section, a number and Enter\n"
	"                         jumps to that section, q quits\n"
	"      --section N        run section N only\n"
	"      --from N           run sections N to the end\n"
	"      --list-sections    list the sections and exit\n"
	"      --width N          fit the text to N columns (default: the\n"
	"                         terminal's, else $COLUMNS, else 80)\n"
	"  -J, --json             print {\"steps\": [...]}: call, syscall, ret,\n"
	"                         fds, errno, table, side, time_ns, section, ...\n"
	"  -q, --quiet            calls and results only, no narration\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show the version\n",
};
