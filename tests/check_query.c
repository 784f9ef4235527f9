/* `list`'s selections against lsof.  Test children hold known things: a
 * TCP listener, a file in a directory tree, a deleted file and a unix
 * socket path (as root), the same as the nobody user, and a listener on
 * the same port in a network namespace of its own.  For each question the
 * (PID, FD) pairs fdscope prints, among those children, are compared with
 * what lsof prints for the same question, and with /proc where lsof
 * differs for a reason the man page gives.  A TYPE selection's savings
 * are counted in system calls, by strace. */
#include <check.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

#define MAXV 8

struct kid {
	pid_t pid;
	int ctl;		/* closing it lets the child exit */
	int ctl_r;		/* its read end's number in the child */
	long v[MAXV];		/* what it reported: port, descriptors */
};

static char tree[64];		/* the directory tree the children use */
static struct kid kids[3];
static size_t nkids;
static char pidlist[128];

static void report(int out, const long *v, int n)
{
	char line[256];
	int len = 0, i;

	for (i = 0; i < n; i++)
		len += snprintf(line + len, sizeof(line) - (size_t)len, "%ld ", v[i]);
	line[len++] = '\n';
	if (write(out, line, (size_t)len) != len)
		_exit(3);
	close(out);
}

static int tcp_listener(unsigned int port, long *bound)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)port);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fd, 8) < 0 || getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		_exit(4);
	*bound = ntohs(a.sin_port);
	return fd;
}

static int unix_connect(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		_exit(5);
	return fd;
}

static char *tpath(const char *rel)
{
	static char buf[4][128];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", tree, rel);
	return buf[k];
}

/* A lock of this process on path through no descriptor of its own: the
 * open file description stays with a grandchild, which holds nothing
 * else and dies with this process. */
static void lock_elsewhere(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	pid_t parent = getpid(), gc;

	if (fd < 0 || flock(fd, LOCK_EX) < 0 || (gc = fork()) < 0)
		_exit(9);
	if (gc == 0) {
		if (fd > 0)
			close_range(0, (unsigned int)fd - 1, 0);
		close_range((unsigned int)fd + 1, ~0U, 0);
		prctl(PR_SET_NAME, "fdsqlock");
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(0);
		for (;;)
			pause();
	}
	close(fd);
}

/* Root's child: port, file1, deleted, unix listener, client, accepted;
 * its working directory is a/b, it maps file1 and locks lockf. */
static void body_main(int out, long arg)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	long v[MAXV];
	int fd;

	(void)arg;
	prctl(PR_SET_NAME, "fdsqmain");
	v[1] = tcp_listener(0, &v[0]);
	v[2] = open(tpath("a/b/file1"), O_RDONLY | O_CLOEXEC);
	v[3] = open(tpath("a/del"), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	unlink(tpath("a/del"));
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", tpath("sock"));
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fd, 8) < 0 || chmod(tpath("sock"), 0777) < 0)
		_exit(6);
	v[4] = fd;
	v[5] = unix_connect(tpath("sock"));
	v[6] = accept(fd, NULL, NULL);
	if (v[2] < 0 || v[3] < 0 || v[6] < 0)
		_exit(7);
	if (chdir(tpath("a/b")) < 0 ||
	    mmap(NULL, 5, PROT_READ, MAP_SHARED, (int)v[2], 0) == MAP_FAILED)
		_exit(8);
	lock_elsewhere(tpath("a/lockf"));
	report(out, v, 7);
}

/* The nobody user's child: port, file2, unix client. */
static void body_nobody(int out, long uid)
{
	long v[MAXV];

	if (setgroups(0, NULL) < 0 || setgid((gid_t)uid) < 0 ||
	    setuid((uid_t)uid) < 0)
		_exit(8);
	prctl(PR_SET_NAME, "fdsqnobody");
	v[1] = tcp_listener(0, &v[0]);
	v[2] = open(tpath("a/file2"), O_RDONLY | O_CLOEXEC);
	v[3] = unix_connect(tpath("sock"));
	if (v[2] < 0)
		_exit(9);
	report(out, v, 4);
}

/* A network namespace of its own, listening on the main child's port. */
static void body_netns(int out, long port)
{
	struct ifreq ifr;
	long v[MAXV];
	int s;

	if (unshare(CLONE_NEWNET) < 0)
		_exit(10);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		_exit(11);
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		_exit(12);
	close(s);
	prctl(PR_SET_NAME, "fdsqnetns");
	v[1] = tcp_listener((unsigned int)port, &v[0]);
	report(out, v, 2);
}

static void kid_start(struct kid *k, void (*body)(int, long), long arg)
{
	int ctl[2], rep[2];
	char line[256], *p;
	ssize_t n;
	int i;

	ck_assert(pipe2(ctl, O_CLOEXEC) == 0 && pipe2(rep, O_CLOEXEC) == 0);
	k->pid = fork();
	ck_assert(k->pid >= 0);
	if (k->pid == 0) {
		char c;

		size_t j;

		/* The earlier children's control pipes are theirs alone: a
		 * copy here would keep them from seeing the end. */
		for (j = 0; j < nkids; j++)
			close(kids[j].ctl);
		close(ctl[1]);
		close(rep[0]);
		alarm(60);
		if (chdir("/") < 0)
			_exit(2);
		body(rep[1], arg);
		while (read(ctl[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(ctl[0]);
	close(rep[1]);
	k->ctl = ctl[1];
	k->ctl_r = ctl[0];
	{
		struct pollfd pf = { rep[0], POLLIN, 0 };

		ck_assert_msg(poll(&pf, 1, 20000) == 1, "child did not report");
	}
	n = read(rep[0], line, sizeof(line) - 1);
	close(rep[0]);
	ck_assert_msg(n > 0, "child %ld failed to set up", (long)k->pid);
	line[n] = '\0';
	for (i = 0, p = line; i < MAXV && *p && *p != '\n'; i++)
		k->v[i] = strtol(p, &p, 10);
}

static void kid_stop(struct kid *k)
{
	int st;

	if (k->pid <= 0)
		return;
	close(k->ctl);
	waitpid(k->pid, &st, 0);
	k->pid = 0;
}

/* (PID, FD) pairs, sorted, for comparing sets. */
struct pairs {
	long v[256][2];
	size_t n;
};

static int cmp_pair(const void *a, const void *b)
{
	const long *x = a, *y = b;

	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return (x[1] > y[1]) - (x[1] < y[1]);
}

static void pairs_add(struct pairs *p, long pid, long fd)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->v[i][0] == pid && p->v[i][1] == fd)
			return;
	ck_assert(p->n < 256);
	p->v[p->n][0] = pid;
	p->v[p->n][1] = fd;
	p->n++;
	qsort(p->v, p->n, sizeof(p->v[0]), cmp_pair);
}


static bool is_kid(long pid)
{
	size_t i;

	for (i = 0; i < nkids; i++)
		if (kids[i].pid == pid)
			return true;
	return false;
}

static char *pairs_text(const struct pairs *p, char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < p->n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%ld/%ld ",
					p->v[i][0], p->v[i][1]);
	return buf;
}

#define MAXARGS 16

/* exec's argv is not const; nothing writes through it. */
static char *arg(const char *s)
{
	return (char *)(uintptr_t)s;
}

/* Rows that are no descriptor, as (PID, -N) pairs. */
enum { ROW_CWD = -1, ROW_RTD = -2, ROW_EXE = -3, ROW_MEM = -4, ROW_OTHER = -5,
       ROW_LOCK = -6 };

/* ASSOC (fdscope) or lsof's FD field: a number, or the kind of row. */
static long row_key(const char *s)
{
	if (s == NULL)
		return ROW_LOCK;
	if (s[0] >= '0' && s[0] <= '9')
		return strtol(s, NULL, 10);
	if (strcmp(s, "cwd") == 0)
		return ROW_CWD;
	if (strcmp(s, "rtd") == 0)
		return ROW_RTD;
	if (strcmp(s, "exe") == 0 || strcmp(s, "txt") == 0)
		return ROW_EXE;
	return strcmp(s, "mem") == 0 ? ROW_MEM : ROW_OTHER;
}

static void fdscope_rows(struct pairs *out, const char *const *args,
			 bool every_row);

/* fdscope list -J -o pid,fd ARGS: the children's rows. */
static void fdscope_pairs(struct pairs *out, const char *const *args)
{
	fdscope_rows(out, args, false);
}

/* And with every_row, -o pid,assoc: cwd, mem and lock rows too. */
static void fdscope_rows(struct pairs *out, const char *const *args,
			 bool every_row)
{
	char *argv[MAXARGS + 8];
	struct run_result r;
	struct json *doc;
	const struct json *rows;
	size_t i, n = 0;

	argv[n++] = arg(fdscope_bin());
	argv[n++] = (char *)"list";
	argv[n++] = (char *)"-J";
	argv[n++] = (char *)"-o";
	argv[n++] = every_row ? (char *)"pid,assoc" : (char *)"pid,fd";
	for (i = 0; args[i] && i < MAXARGS; i++)
		argv[n++] = arg(args[i]);
	argv[n] = NULL;
	run_argv(&r, argv, 30);
	ck_assert_msg(r.status == 0, "fdscope %s: status %d, stderr %s", args[0],
		      r.status, r.err);
	doc = json_parse(r.out);
	ck_assert_msg(doc != NULL, "invalid JSON: %s", r.out);
	rows = json_get(doc, "descriptors");
	ck_assert_ptr_nonnull(rows);
	out->n = 0;
	for (i = 0; i < rows->n; i++) {
		long pid = (long)json_int(rows->items[i], "pid");

		if (is_kid(pid))
			pairs_add(out, pid, every_row ?
				  row_key(json_str(rows->items[i], "assoc")) :
				  (long)json_int(rows->items[i], "fd"));
	}
	json_free(doc);
	run_result_release(&r);
}

static void lsof_rows(struct pairs *out, const char *const *args,
		      bool every_row);

/* lsof -F pf -a -p CHILDREN ARGS: numbered descriptors only (cwd, txt and
 * mem rows are not descriptors). */
static void lsof_pairs(struct pairs *out, const char *const *args)
{
	lsof_rows(out, args, false);
}

/* And with every_row, its cwd, rtd, txt and mem rows too. */
static void lsof_rows(struct pairs *out, const char *const *args,
		      bool every_row)
{
	char *argv[MAXARGS + 8], *line, *save;
	struct run_result r;
	size_t i, n = 0;
	long pid = -1;

	argv[n++] = (char *)"/usr/bin/lsof";
	argv[n++] = (char *)"-n";
	argv[n++] = (char *)"-P";
	argv[n++] = (char *)"-w";
	argv[n++] = (char *)"-F";
	argv[n++] = (char *)"pf";
	argv[n++] = (char *)"-a";
	argv[n++] = (char *)"-p";
	argv[n++] = pidlist;
	for (i = 0; args[i] && i < MAXARGS; i++)
		argv[n++] = arg(args[i]);
	argv[n] = NULL;
	run_argv(&r, argv, 60);
	out->n = 0;
	for (line = strtok_r(r.out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == 'p')
			pid = strtol(line + 1, NULL, 10);
		else if (line[0] == 'f' && is_kid(pid) &&
			 ((line[1] >= '0' && line[1] <= '9') || every_row))
			pairs_add(out, pid, row_key(line + 1));
	}
	run_result_release(&r);
}

static void same_pairs(const char *what, const struct pairs *a,
		       const struct pairs *b)
{
	char ta[2048], tb[2048];

	ck_assert_msg(a->n == b->n && memcmp(a->v, b->v, a->n * sizeof(a->v[0])) == 0,
		      "%s: fdscope %s, expected %s", what, pairs_text(a, ta, sizeof(ta)),
		      pairs_text(b, tb, sizeof(tb)));
	ck_assert_msg(a->n > 0, "%s: nothing matched", what);
}

static bool have_root;

static void write_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	ck_assert_msg(fd >= 0, "create %s", path);
	ck_assert(write(fd, "data\n", 5) == 5);
	close(fd);
}

static void setup_children(void)
{
	struct passwd *pw = getpwnam("nobody");
	size_t i;
	int len = 0;

	snprintf(tree, sizeof(tree), "/tmp/fdscope-query.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tree));
	ck_assert(chmod(tree, 0755) == 0);
	ck_assert(mkdir(tpath("a"), 0755) == 0);
	ck_assert(mkdir(tpath("a/b"), 0755) == 0);
	write_file(tpath("a/b/file1"));
	write_file(tpath("a/file2"));
	write_file(tpath("a/lockf"));
	have_root = geteuid() == 0 && pw != NULL;
	nkids = 0;
	kid_start(&kids[nkids++], body_main, 0);
	if (have_root) {
		kid_start(&kids[nkids++], body_nobody, (long)pw->pw_uid);
		kid_start(&kids[nkids++], body_netns, kids[0].v[0]);
	} else {
		skip_part("check_query nobody and netns children: needs root");
	}
	for (i = 0; i < nkids; i++)
		len += snprintf(pidlist + len, sizeof(pidlist) - (size_t)len, "%s%ld",
				i ? "," : "", (long)kids[i].pid);
}

static void teardown_children(void)
{
	size_t i;

	for (i = 0; i < nkids; i++)
		kid_stop(&kids[i]);
	nkids = 0;
	unlink(tpath("sock"));
	unlink(tpath("a/b/file1"));
	unlink(tpath("a/file2"));
	unlink(tpath("a/lockf"));
	rmdir(tpath("a/b"));
	rmdir(tpath("a"));
	rmdir(tree);
}

/* True when /proc/PID/net/tcp (the process's own namespace) lists a
 * listener on port with the inode of /proc/PID/fd/FD. */
static bool proc_net_listens(pid_t pid, int fd, long port)
{
	char path[64], link[64], line[512], want[32];
	unsigned long long ino;
	bool found = false;
	FILE *fp;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%ld/fd/%d", (long)pid, fd);
	n = readlink(path, link, sizeof(link) - 1);
	ck_assert(n > 0);
	link[n] = '\0';
	ck_assert(sscanf(link, "socket:[%llu]", &ino) == 1);
	snprintf(want, sizeof(want), ":%04lX 00000000:0000 0A", port);
	snprintf(path, sizeof(path), "/proc/%ld/net/tcp", (long)pid);
	fp = fopen(path, "r");
	ck_assert_ptr_nonnull(fp);
	while (fgets(line, sizeof(line), fp)) {
		char inode[32];

		snprintf(inode, sizeof(inode), " %llu ", ino);
		if (strstr(line, want) && strstr(line, inode))
			found = true;
	}
	fclose(fp);
	return found;
}

START_TEST(test_query_port_across_namespaces_vs_lsof)
{
	char port[32];
	const char *fq[] = { "-i", port, NULL };
	struct pairs got, want;

	snprintf(port, sizeof(port), ":%ld", kids[0].v[0]);
	fdscope_pairs(&got, fq);
	lsof_pairs(&want, fq);
	/* lsof reads /proc/net of its own namespace only: the listener of
	 * another namespace is added as its own /proc/PID/net/tcp shows it. */
	if (have_root) {
		ck_assert(proc_net_listens(kids[2].pid, (int)kids[2].v[1], kids[0].v[0]));
		pairs_add(&want, kids[2].pid, kids[2].v[1]);
	}
	same_pairs("-i :PORT", &got, &want);
	ck_assert(got.n == (have_root ? 2u : 1u));
}
END_TEST

START_TEST(test_query_listening_states_vs_lsof)
{
	const char *fq[] = { "-i", "tcp", "-s", "LISTEN", NULL };
	const char *fl[] = { "-i", "tcp", "--listening", NULL };
	const char *lq[] = { "-i", "tcp", "-s", "TCP:LISTEN", NULL };
	struct pairs got, listening, want;

	fdscope_pairs(&got, fq);
	fdscope_pairs(&listening, fl);
	lsof_pairs(&want, lq);
	/* The namespace's listener, as in the -i test. */
	if (have_root)
		pairs_add(&want, kids[2].pid, kids[2].v[1]);
	same_pairs("-i tcp -s LISTEN", &got, &want);
	same_pairs("-i tcp --listening", &listening, &want);
	ck_assert(got.n == (have_root ? 3u : 1u));
}
END_TEST

START_TEST(test_query_port_host_proto_vs_lsof)
{
	char spec[64];
	const char *fq[] = { "-i", spec, NULL };
	struct pairs got, want;
	size_t k = have_root ? 1 : 0;

	snprintf(spec, sizeof(spec), "tcp@127.0.0.1:%ld", kids[k].v[0]);
	fdscope_pairs(&got, fq);
	lsof_pairs(&want, fq);
	same_pairs("-i tcp@127.0.0.1:PORT", &got, &want);
	ck_assert_int_eq(got.v[0][1], kids[k].v[1]);
	/* The port is not a UDP one. */
	snprintf(spec, sizeof(spec), "udp:%ld", kids[k].v[0]);
	{
		struct run_result r;

		/* Among the children: another process may have a UDP socket
		 * with that number. */
		run_fdscope(&r, "list", "-p", pidlist, "-i", spec, NULL);
		ck_assert_int_eq(r.status, 1);
		ck_assert_uint_eq(r.out_len, 0);
		run_result_release(&r);
	}
}
END_TEST

START_TEST(test_query_path_vs_lsof)
{
	const char *fq[] = { tpath("a/b/file1"), NULL };
	struct pairs got, want;

	fdscope_pairs(&got, fq);
	lsof_pairs(&want, fq);
	same_pairs("PATH", &got, &want);
	ck_assert_int_eq(got.v[0][1], kids[0].v[2]);
}
END_TEST

START_TEST(test_query_under_dir_vs_lsof)
{
	const char *fq[] = { "--under", tree, NULL };
	const char *lq[] = { "+D", tree, NULL };
	struct pairs got, want;
	char path[64], link[256];
	ssize_t n;

	fdscope_pairs(&got, fq);
	lsof_pairs(&want, lq);
	/* lsof +D walks the tree: an unlinked file is no longer in it, but
	 * its name in /proc still says where it was. */
	snprintf(path, sizeof(path), "/proc/%ld/fd/%ld", (long)kids[0].pid, kids[0].v[3]);
	n = readlink(path, link, sizeof(link) - 1);
	ck_assert(n > 0);
	link[n] = '\0';
	ck_assert_msg(strstr(link, " (deleted)") && strncmp(link, tree, strlen(tree)) == 0,
		      "link %s", link);
	pairs_add(&want, kids[0].pid, kids[0].v[3]);
	same_pairs("--under DIR", &got, &want);
}
END_TEST

START_TEST(test_query_unix_vs_lsof)
{
	const char *fq[] = { "-U", NULL };
	struct pairs got, want;

	fdscope_pairs(&got, fq);
	lsof_pairs(&want, fq);
	same_pairs("-U", &got, &want);
	ck_assert(got.n >= 3);
}
END_TEST

START_TEST(test_query_socket_path_vs_proc)
{
	const char *fq[] = { tpath("sock"), NULL };
	struct pairs got, want = { .n = 0 };

	/* The sockets bound to the path (listener, accepted) and those
	 * connected to one of them: what /proc/net/unix and the peers the
	 * kernel reports say.  lsof PATH names only the bound ones. */
	fdscope_pairs(&got, fq);
	pairs_add(&want, kids[0].pid, kids[0].v[4]);
	pairs_add(&want, kids[0].pid, kids[0].v[5]);
	pairs_add(&want, kids[0].pid, kids[0].v[6]);
	{
		struct pairs lsof_set;
		size_t i;

		lsof_pairs(&lsof_set, fq);
		for (i = 0; i < lsof_set.n; i++)
			pairs_add(&want, lsof_set.v[i][0], lsof_set.v[i][1]);
	}
	/* The nobody child's client waits in the backlog, never accepted:
	 * its peer holds the name too. */
	if (have_root)
		for (size_t i = 0; i < got.n; i++)
			if (got.v[i][0] == kids[1].pid)
				pairs_add(&want, kids[1].pid, kids[1].v[3]);
	same_pairs("socket PATH", &got, &want);
}
END_TEST

START_TEST(test_query_command_vs_lsof)
{
	const char *fq[] = { "-c", "fdsqm", NULL };
	const char *fr[] = { "-c", "/^fdsq(main|nobody)$/", NULL };
	struct pairs got, want, re;

	fdscope_pairs(&got, fq);
	lsof_pairs(&want, fq);
	same_pairs("-c PREFIX", &got, &want);
	fdscope_pairs(&re, fr);
	lsof_pairs(&want, fr);
	same_pairs("-c /REGEX/", &re, &want);
	ck_assert(re.n > got.n || !have_root);
}
END_TEST

START_TEST(test_query_user_vs_lsof)
{
	const char *fq[] = { "-u", "nobody", NULL };
	const char *fx[] = { "-u", "^nobody", NULL };
	struct pairs got, want;

	if (!have_root) {
		skip_part("test_query_user_vs_lsof: needs root");
		return;
	}
	fdscope_pairs(&got, fq);
	lsof_pairs(&want, fq);
	same_pairs("-u USER", &got, &want);
	for (size_t i = 0; i < got.n; i++)
		ck_assert_int_eq(got.v[i][0], kids[1].pid);
	fdscope_pairs(&got, fx);
	lsof_pairs(&want, fx);
	same_pairs("-u ^USER", &got, &want);
	for (size_t i = 0; i < got.n; i++)
		ck_assert_int_ne(got.v[i][0], kids[1].pid);
}
END_TEST

START_TEST(test_query_terse_pids_vs_lsof)
{
	char port[32];
	char *argv[] = { arg(fdscope_bin()), (char *)"list", (char *)"-t",
			 (char *)"-i", port, NULL };
	char *largv[] = { (char *)"/usr/bin/lsof", (char *)"-t", (char *)"-w",
			  (char *)"-a", (char *)"-p", pidlist, (char *)"-i", port, NULL };
	struct run_result r, l;
	char mine[256] = "", *line, *save;
	size_t off = 0;

	snprintf(port, sizeof(port), ":%ld", kids[0].v[0]);
	run_argv(&r, argv, 30);
	ck_assert_int_eq(r.status, 0);
	/* Nothing but PIDs, one per line: keep only the children's. */
	for (line = strtok_r(r.out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		ck_assert_msg(strspn(line, "0123456789") == strlen(line), "line '%s'", line);
		if (is_kid(strtol(line, NULL, 10)) && strcmp(line, "") != 0)
			off += (size_t)snprintf(mine + off, sizeof(mine) - off, "%s\n", line);
	}
	run_argv(&l, largv, 60);
	/* lsof misses the namespace's listener (see the -i test). */
	if (have_root) {
		char extra[32];

		snprintf(extra, sizeof(extra), "%ld\n", (long)kids[2].pid);
		ck_assert_ptr_nonnull(strstr(mine, extra));
		ck_assert_str_eq(mine, (snprintf(extra, sizeof(extra), "%s%ld\n", l.out,
						 (long)kids[2].pid), extra));
	} else {
		ck_assert_str_eq(mine, l.out);
	}
	run_result_release(&r);
	run_result_release(&l);
}
END_TEST

START_TEST(test_query_deleted_by_inode_vs_lsof)
{
	char path[64], spec[64];
	const char *fq[] = { "--inode", spec, NULL };
	const char *lq[] = { "+L1", NULL };
	struct pairs got, want;
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%ld/fd/%ld", (long)kids[0].pid, kids[0].v[3]);
	ck_assert(stat(path, &st) == 0 && st.st_nlink == 0);
	snprintf(spec, sizeof(spec), "%u:%u:%llu", major(st.st_dev), minor(st.st_dev),
		 (unsigned long long)st.st_ino);
	fdscope_pairs(&got, fq);
	/* lsof +L1: every unlinked file (Check's own temporary files too),
	 * of which those that are this inode by /proc's stat. */
	lsof_pairs(&want, lq);
	{
		struct pairs same = { .n = 0 };
		struct stat o;
		size_t i;

		for (i = 0; i < want.n; i++) {
			snprintf(path, sizeof(path), "/proc/%ld/fd/%ld", want.v[i][0],
				 want.v[i][1]);
			if (stat(path, &o) == 0 && o.st_dev == st.st_dev &&
			    o.st_ino == st.st_ino)
				pairs_add(&same, want.v[i][0], want.v[i][1]);
		}
		ck_assert_uint_lt(same.n, want.n);
		want = same;
	}
	same_pairs("--inode DEV:INO", &got, &want);
	ck_assert_int_eq(got.v[0][1], kids[0].v[3]);
}
END_TEST

START_TEST(test_query_filters_and_fd_lists)
{
	char q[128];
	const char *fq[] = { "-p", pidlist, "-Q", q, NULL };
	const char *fd[] = { "-p", pidlist, "-d", "0-2,^1", "--type", "CHR,FIFO,REG,SOCK", NULL };
	/* lsof takes no list that mixes ^N with N. */
	const char *ld[] = { "-d", "0,2", NULL };
	struct pairs got, want = { .n = 0 };

	snprintf(q, sizeof(q), "PID == %ld and (FD == %ld or FD == %ld) and "
		 "TYPE != \"REG\"", (long)kids[0].pid, kids[0].v[1], kids[0].v[2]);
	fdscope_pairs(&got, fq);
	pairs_add(&want, kids[0].pid, kids[0].v[1]);
	same_pairs("-Q", &got, &want);
	fdscope_pairs(&got, fd);
	lsof_pairs(&want, ld);
	same_pairs("-d with ranges and exclusion", &got, &want);
}
END_TEST

/* ENDPOINTS under a filter names the other listed holder of a pipe by its
 * real number, after the rows that did not match were dropped. */
START_TEST(test_query_endpoints_after_filtering)
{
	char pids[64], want[64];
	struct run_result r;
	struct json *doc;
	const struct json *rows;
	size_t i, found = 0;

	snprintf(pids, sizeof(pids), "%ld,%ld", (long)kids[0].pid, (long)getpid());
	run_fdscope(&r, "list", "-p", pids, "-Q", "TYPE == \"FIFO\"", "-J", "-o",
		    "pid,fd,type,endpoints", NULL);
	ck_assert_msg(r.status == 0, "stderr %s", r.err);
	doc = json_parse(r.out);
	ck_assert_ptr_nonnull(doc);
	rows = json_get(doc, "descriptors");
	snprintf(want, sizeof(want), "%ld,", (long)getpid());
	for (i = 0; i < rows->n; i++) {
		const struct json *row = rows->items[i];
		const struct json *eps = json_get(row, "endpoints");
		const char *ep;
		char fdw[32];

		ck_assert_str_eq(json_str(row, "type"), "FIFO");
		if (json_int(row, "pid") != kids[0].pid ||
		    json_int(row, "fd") != kids[0].ctl_r)
			continue;
		found++;
		/* An array of holders, this process's write end its one. */
		ck_assert_msg(eps && eps->kind == JSON_ARRAY && eps->n == 1 &&
			      eps->items[0]->kind == JSON_STRING,
			      "endpoints is not an array of one string");
		ep = eps->items[0]->str;
		snprintf(fdw, sizeof(fdw), ",%dw", kids[0].ctl);
		ck_assert_msg(strncmp(ep, want, strlen(want)) == 0 &&
			      strstr(ep, fdw) && strchr(ep, ';') == NULL,
			      "endpoints '%s', want %s..%s", ep, want, fdw);
	}
	ck_assert_uint_eq(found, 1);
	json_free(doc);
	run_result_release(&r);

	/* A filter on ENDPOINTS itself, where the child's fd 0 is dropped
	 * before this process's rows are decided: its pipe end must still
	 * be found by what it is, not by where it was. */
	{
		char q[160];

		snprintf(q, sizeof(q), "(PID == %ld and FD != 0) or ENDPOINTS =~ "
			 "\"^%ld,[^,]*,%dr$\"", (long)kids[0].pid, (long)kids[0].pid,
			 kids[0].ctl_r);
		run_fdscope(&r, "list", "-p", pids, "-Q", q, "-J", "-o", "pid,fd",
			    NULL);
		ck_assert_msg(r.status == 0, "stderr %s", r.err);
		doc = json_parse(r.out);
		ck_assert_ptr_nonnull(doc);
		rows = json_get(doc, "descriptors");
		for (i = 0, found = 0; i < rows->n; i++)
			if (json_int(rows->items[i], "pid") == getpid()) {
				ck_assert_int_eq(json_int(rows->items[i], "fd"), kids[0].ctl);
				found++;
			}
		ck_assert_uint_eq(found, 1);
		json_free(doc);
		run_result_release(&r);
	}
}
END_TEST

/* How many rows of fdscope's JSON listing have pid and no descriptor,
 * and, if locks, the first one's LOCKS cell. */
static size_t rows_without_fd(const struct run_result *r, pid_t pid,
			      char *locks, size_t len)
{
	struct json *doc = json_parse(r->out);
	const struct json *rows;
	size_t i, n = 0;

	ck_assert_msg(doc != NULL, "invalid JSON: %s", r->out);
	rows = json_get(doc, "descriptors");
	ck_assert_ptr_nonnull(rows);
	for (i = 0; i < rows->n; i++) {
		const struct json *fd = json_get(rows->items[i], "fd");

		if (json_int(rows->items[i], "pid") != pid ||
		    (fd != NULL && fd->kind != JSON_NULL))
			continue;
		if (n++ == 0 && locks)
			snprintf(locks, len, "%s", json_str(rows->items[i], "locks") ?
				 json_str(rows->items[i], "locks") : "");
	}
	json_free(doc);
	return n;
}

/* The rows that are no descriptor are selected as descriptors are: the
 * children's working directories and mappings against lsof's cwd and mem
 * rows for the same question (lsof's -d names them too), and a lock held
 * through no descriptor of the process, against /proc/locks. */
START_TEST(test_query_assoc_and_lock_rows_vs_lsof)
{
	char q[64], lockf[128], line[256], locks[64] = "";
	const char *dir[] = { "--assoc", tpath("a/b"), NULL };
	const char *ldir[] = { tpath("a/b"), NULL };
	const char *file[] = { "--assoc", tpath("a/b/file1"), NULL };
	const char *lfile[] = { tpath("a/b/file1"), NULL };
	const char *dcwd[] = { "-p", pidlist, "-d", "cwd", NULL };
	const char *qcwd[] = { "-p", pidlist, "--assoc", "-Q", q, NULL };
	const char *lcwd[] = { "-d", "cwd", NULL };
	struct pairs got, want;
	struct run_result r;
	struct stat st;
	bool in_proc_locks = false;
	FILE *fp;
	size_t i;

	/* PATH of a directory: the processes whose working directory it is,
	 * across the machine. */
	fdscope_rows(&got, dir, true);
	lsof_rows(&want, ldir, true);
	same_pairs("--assoc DIR", &got, &want);
	ck_assert(got.n == 1 && got.v[0][0] == kids[0].pid && got.v[0][1] == ROW_CWD);
	/* A mapped file: the descriptor and the mem row. */
	fdscope_rows(&got, file, true);
	lsof_rows(&want, lfile, true);
	same_pairs("--assoc PATH of a mapped file", &got, &want);
	ck_assert_uint_eq(got.n, 2);
	/* -d cwd, and -Q on ASSOC: every child's working directory. */
	fdscope_rows(&got, dcwd, true);
	lsof_rows(&want, lcwd, true);
	same_pairs("-d cwd", &got, &want);
	ck_assert_uint_eq(got.n, nkids);
	snprintf(q, sizeof(q), "ASSOC == \"cwd\"");
	fdscope_rows(&got, qcwd, true);
	same_pairs("-Q 'ASSOC == \"cwd\"'", &got, &want);
	/* -t: their PIDs. */
	run_fdscope(&r, "list", "-t", "-p", pidlist, "-d", "cwd", NULL);
	ck_assert_int_eq(r.status, 0);
	for (i = 0; i < nkids; i++) {
		snprintf(line, sizeof(line), "%ld\n", (long)kids[i].pid);
		ck_assert_ptr_nonnull(strstr(r.out, line));
	}
	run_result_release(&r);
	/* --summary counts them: one directory per child. */
	run_fdscope(&r, "list", "--summary=only", "-p", pidlist, "-d", "cwd", NULL);
	ck_assert_int_eq(r.status, 0);
	snprintf(line, sizeof(line), "%zu DIR\n", nkids);
	ck_assert_msg(strstr(r.out, line) != NULL, "summary %s", r.out);
	run_result_release(&r);

	/* The lock: /proc/locks has it as the main child's, on lockf. */
	snprintf(lockf, sizeof(lockf), "%s", tpath("a/lockf"));
	ck_assert_int_eq(stat(lockf, &st), 0);
	fp = fopen("/proc/locks", "re");
	ck_assert_ptr_nonnull(fp);
	while (fgets(line, sizeof(line), fp)) {
		char kind[16];
		long pid;
		unsigned int ma, mi;
		unsigned long long ino;

		if (sscanf(line, "%*d: %15s %*s %*s %ld %x:%x:%llu", kind, &pid, &ma,
			   &mi, &ino) == 5 && strcmp(kind, "FLOCK") == 0 &&
		    pid == kids[0].pid && ino == (unsigned long long)st.st_ino)
			in_proc_locks = true;
	}
	fclose(fp);
	ck_assert(in_proc_locks);
	/* PATH finds the lock row, and only it among the children. */
	run_fdscope(&r, "list", "-p", pidlist, "-J", "-o", "pid,fd,locks", lockf,
		    NULL);
	ck_assert_msg(r.status == 0, "stderr %s", r.err);
	ck_assert_uint_eq(rows_without_fd(&r, kids[0].pid, locks, sizeof(locks)), 1);
	/* Named with its owner, the PID /proc/locks gives. */
	snprintf(line, sizeof(line), "FLOCK W by %ld", (long)kids[0].pid);
	ck_assert_str_eq(locks, line);
	run_result_release(&r);
	/* A selection it does not match drops it: numbered descriptors, a
	 * port, another file. */
	snprintf(q, sizeof(q), ":%ld", kids[0].v[0]);
	{
		const char *const other[][3] = {
			{ "-d", "0-2", NULL }, { "-i", q, NULL },
			{ tpath("a/b/file1"), NULL, NULL },
		};

		for (i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
			run_fdscope(&r, "list", "-p", pidlist, "-J", "-o", "pid,fd,locks",
				    other[i][0], other[i][1], NULL);
			ck_assert_msg(r.status == 0, "%s: stderr %s", other[i][0], r.err);
			ck_assert_msg(rows_without_fd(&r, kids[0].pid, NULL, 0) == 0,
				      "%s: a lock row: %s", other[i][0], r.out);
			run_result_release(&r);
		}
	}
}
END_TEST

/* Exit statuses and messages of the selections. */
START_TEST(test_query_errors_and_no_match)
{
	static const struct {
		const char *args[4];
		int status;
		const char *msg;
	} cases[] = {
		{ { "/nonexistent/x" }, 1, "fdscope: cannot look up '/nonexistent/x': " },
		{ { "-isctp:1" }, 2, "fdscope: invalid -i address 'sctp:1'" },
		/* After a space, a value must look like one: this is -i alone
		 * and a PATH. */
		{ { "-i", "bogus" }, 1, "fdscope: cannot look up 'bogus'" },
		{ { "-i", "tcp:nosuchservicexyz" }, 2, "unknown service 'nosuchservicexyz'" },
		{ { "-i", ":99999" }, 2, "invalid port '99999' for -i" },
		{ { "-u", "nosuchuserxyz" }, 2, "unknown user 'nosuchuserxyz'" },
		{ { "-d", "5-1" }, 2, "range ends before it starts" },
		{ { "--under", "/nonexistent" }, 2, "cannot search under '/nonexistent'" },
		{ { "--inode", "x" }, 2, "invalid --inode 'x'" },
		{ { "--summary=x" }, 2, "invalid --summary 'x'" },
		{ { "-C", "x" }, 2, "invalid -C 'x'" },
		{ { "-c", "/(/" }, 2, "invalid regular expression for -c" },
		{ { "-Q", "FD >" }, 2, "fdscope: invalid -Q expression: expression "
		  "ends where a column or value was expected at column 5\n  FD >\n      ^\n" },
		{ { "-C", "n:NOPE", "--summary" }, 2, "invalid expression of counter 'n': "
		  "unknown column 'NOPE'" },
		{ { "-c", "no-such-command-xyz" }, 1, "" },
		{ { "-t", "-c", "no-such-command-xyz" }, 1, "" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run_result r;

		run_fdscope(&r, "list", cases[i].args[0], cases[i].args[1],
			    cases[i].args[2], cases[i].args[3], NULL);
		ck_assert_msg(r.status == cases[i].status, "case %zu: status %d, stderr %s",
			      i, r.status, r.err);
		ck_assert_msg(strstr(r.err, cases[i].msg) != NULL, "case %zu: stderr '%s'",
			      i, r.err);
		/* Nothing on stdout, whatever went wrong. */
		ck_assert_msg(r.out_len == 0, "case %zu: stdout '%s'", i, r.out);
		run_result_release(&r);
	}
}
END_TEST

START_TEST(test_query_summary_counts_and_headroom)
{
	char pid[32];
	struct run_result r;
	struct json *doc;
	const struct json *rows;
	size_t i, sock = 0, reg = 0, procs = 0, custom = 0;
	char *second;

	snprintf(pid, sizeof(pid), "%ld", (long)kids[0].pid);
	run_fdscope(&r, "list", "-p", pid, "--summary=only", "-J", "-C",
		    "low:FD < 3", NULL);
	ck_assert_msg(r.status == 0, "stderr %s", r.err);
	/* Two JSON documents: the counters, then the headroom. */
	second = strstr(r.out, "}\n{");
	ck_assert_ptr_nonnull(second);
	second[1] = '\0';
	doc = json_parse(r.out);
	ck_assert_ptr_nonnull(doc);
	rows = json_get(doc, "summary");
	for (i = 0; i < rows->n; i++) {
		const char *c = json_str(rows->items[i], "counter");
		long long v = json_int(rows->items[i], "value");

		if (strcmp(c, "SOCK") == 0)
			sock = (size_t)v;
		else if (strcmp(c, "REG") == 0)
			reg = (size_t)v;
		else if (strcmp(c, "processes") == 0)
			procs = (size_t)v;
		else if (strcmp(c, "low") == 0)
			custom = (size_t)v;
	}
	/* TCP listener, unix listener, client, accepted; file1 and deleted,
	 * plus whatever the test's own stdio are. */
	ck_assert_uint_ge(sock, 4);
	ck_assert_uint_ge(reg, 2);
	ck_assert_uint_eq(procs, 1);
	ck_assert_uint_eq(custom, 3);
	json_free(doc);
	doc = json_parse(second + 2);
	ck_assert_ptr_nonnull(doc);
	rows = json_get(doc, "headroom");
	ck_assert_uint_eq(rows->n, 1);
	{
		struct rlimit rl;
		int hi;

		ck_assert(getrlimit(RLIMIT_NOFILE, &rl) == 0);
		ck_assert_int_eq(json_int(rows->items[0], "pid"), kids[0].pid);
		ck_assert_int_eq(json_int(rows->items[0], "open"),
				 (long long)count_pid_fds(kids[0].pid, &hi));
		ck_assert_int_eq(json_int(rows->items[0], "soft"), (long long)rl.rlim_cur);
		ck_assert_int_eq(json_int(rows->items[0], "headroom"),
				 (long long)rl.rlim_cur -
				 (long long)count_pid_fds(kids[0].pid, &hi));
	}
	json_free(doc);
	run_result_release(&r);
}
END_TEST

/* What `list` spent on each descriptor number of the listed process, as
 * strace shows it: opens and reads of its fdinfo, readlinks, stats, and
 * extended attributes (a socket's protocol name). */
struct fd_cost {
	unsigned int info_open, info_read, link, stat, xattr;
};

#define COST_FDS 1024

static unsigned int cost_total(const struct fd_cost *c)
{
	return c->info_open + c->info_read + c->link + c->stat + c->xattr;
}

/* A descriptor number written as a name ("17"), else -1. */
static int fd_name(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return *s && *end == '\0' && v >= 0 && v < COST_FDS ? (int)v : -1;
}

/* One traced call: what it cost which descriptor of the listed process.
 * The table is read through a descriptor on /proc/PID/fd (dir) and one on
 * its fdinfo (info); a read belongs to the fdinfo file it is made on
 * (owner: the descriptor number whose fdinfo fdscope's descriptor F has
 * open, -1 none). */
static void cost_of_call(const char *c, struct fd_cost *cost, int *dir,
			 int *info, int *owner)
{
	char at[16], name[64], path[256];
	int ret, f, n;

	if (sscanf(c, "openat(%15[^,], \"%63[^\"]\", %*[^=]= %d", at, name, &ret) == 3) {
		if (strcmp(name, "fd") == 0)
			*dir = ret;
		else if (strcmp(name, "../fdinfo") == 0 && atoi(at) == *dir)
			*info = ret;
		else if (ret >= 0 && ret < COST_FDS)
			owner[ret] = -1;
		n = fd_name(strncmp(name, "../fdinfo/", 10) == 0 ? name + 10 : name);
		if (n >= 0 && ret >= 0 && ret < COST_FDS &&
		    ((atoi(at) == *info && name[0] != '.') ||
		     (atoi(at) == *dir && name[0] == '.'))) {
			cost[n].info_open++;
			owner[ret] = n;
		}
	} else if (sscanf(c, "read(%d,", &f) == 1) {
		if (f >= 0 && f < COST_FDS && owner[f] >= 0)
			cost[owner[f]].info_read++;
	} else if (sscanf(c, "close(%d)", &f) == 1) {
		if (f >= 0 && f < COST_FDS)
			owner[f] = -1;
	} else if (sscanf(c, "readlinkat(%15[^,], \"%63[^\"]\"", at, name) == 2 ||
		   sscanf(c, "statx(%15[^,], \"%63[^\"]\"", at, name) == 2 ||
		   sscanf(c, "newfstatat(%15[^,], \"%63[^\"]\"", at, name) == 2) {
		n = fd_name(name);
		if (n >= 0 && atoi(at) == *dir) {
			if (c[0] == 'r')
				cost[n].link++;
			else
				cost[n].stat++;
		}
	} else if (sscanf(c, "getxattr(\"%255[^\"]\"", path) == 1 &&
		   strncmp(path, "/proc/self/fd/", 14) == 0 &&
		   (n = fd_name(strrchr(path, '/') + 1)) >= 0) {
		cost[n].xattr++;
	}
}

/* The cost of each descriptor in a trace (one call a line, "TID call"). */
static void costs_of(const char *trace, struct fd_cost *cost)
{
	int dir = -1, info = -1, owner[COST_FDS];
	const char *line;
	size_t i;

	memset(cost, 0, COST_FDS * sizeof(*cost));
	for (i = 0; i < COST_FDS; i++)
		owner[i] = -1;
	for (line = trace; *line; line += strcspn(line, "\n") + (line[strcspn(line, "\n")] != 0)) {
		const char *c = line + strcspn(line, " ");

		/* After the TID, padded with spaces when short. */
		c += strspn(c, " ");
		if (c > line && c[-1] == ' ')
			cost_of_call(c, cost, &dir, &info, owner);
	}
}

/* A descriptor of the holder as the kernel shows it: open, TYPE REG (a
 * regular file's stat, and not a memfd, which has a TYPE of its own), and
 * which file. */
struct fd_seen {
	bool open, reg;
	dev_t dev;
	ino_t ino;
};

static void holder_fds(pid_t pid, struct fd_seen *seen)
{
	char path[64], link[256];
	struct stat st;
	int fd;
	ssize_t n;

	memset(seen, 0, COST_FDS * sizeof(*seen));
	for (fd = 0; fd < COST_FDS; fd++) {
		snprintf(path, sizeof(path), "/proc/%ld/fd/%d", (long)pid, fd);
		if (stat(path, &st) < 0)
			continue;
		n = readlink(path, link, sizeof(link) - 1);
		link[n > 0 ? n : 0] = '\0';
		seen[fd].open = true;
		seen[fd].reg = S_ISREG(st.st_mode) && strncmp(link, "/memfd:", 7) != 0;
		seen[fd].dev = st.st_dev;
		seen[fd].ino = st.st_ino;
	}
}

/* The descriptors the same before and after the runs: a sanitizer's
 * runtime in the holder may open a file (its own maps) for a moment. */
static void stable_fds(const struct fd_seen *before, const struct fd_seen *after,
		       bool *stable)
{
	int fd;

	for (fd = 0; fd < COST_FDS; fd++)
		stable[fd] = before[fd].open && after[fd].open &&
			before[fd].reg == after[fd].reg &&
			before[fd].dev == after[fd].dev && before[fd].ino == after[fd].ino;
}

/* The FD column (the first) of list's default table. */
static void listed_fds(const char *out, bool *listed)
{
	const char *line = strchr(out, '\n');
	int fd;

	memset(listed, 0, COST_FDS * sizeof(*listed));
	while (line && sscanf(line + 1, "%d", &fd) == 1) {
		if (fd >= 0 && fd < COST_FDS)
			listed[fd] = true;
		line = strchr(line + 1, '\n');
	}
}

/* The first open of a /proc/net table of sockets in a trace, or NULL. */
static const char *socket_table_open(const char *trace)
{
	static const char *const tables[] = { "tcp", "tcp6", "udp", "udp6",
					      "udplite", "udplite6", "raw", "raw6",
					      "unix", "netlink", "packet" };
	const char *line;
	char path[256];
	size_t k;

	for (line = trace; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		const char *c = strstr(line, " openat("), *last;

		if (c == NULL || c > line + strcspn(line, "\n") ||
		    sscanf(c, " openat(%*[^,], \"%255[^\"]\"", path) != 1)
			continue;
		last = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		for (k = 0; k < sizeof(tables) / sizeof(tables[0]); k++)
			if (strcmp(last, tables[k]) == 0)
				return line;
	}
	return NULL;
}

#define COST_CALLS "openat,readlinkat,getxattr,newfstatat,statx,read,close"

/* A TYPE selection prunes collection: -Q 'TYPE == "REG"' and --type REG
 * read each regular file as fully as the whole listing does, and every
 * other descriptor only as far as deciding its TYPE, which takes its
 * fdinfo (for a pipe or socket after the first of its kind, fdinfo alone
 * names it), its link and its stat (ERROR when the stat fails): at most
 * one of each, no second fdinfo read, no protocol name, and no socket
 * table.  The whole listing spends more on those: without the pruning
 * this fails. */
START_TEST(test_query_type_filter_prunes_other_descriptors)
{
	static const char *const filters[][2] = {
		{ "-Q", "TYPE == \"REG\"" }, { "--type", "REG" },
	};
	static struct fd_cost all[COST_FDS], some[2][COST_FDS];
	static struct fd_seen before[COST_FDS], after[COST_FDS];
	static bool stable[COST_FDS], listed[2][COST_FDS];
	struct holder h;
	struct run_result r;
	char pid[16], *trace;
	size_t i, nreg;
	int fd;

	holder_start(&h, "kindholder", NULL);
	snprintf(pid, sizeof(pid), "%ld", (long)h.pid);
	holder_fds(h.pid, before);
	trace = strace_fdscope(&r, COST_CALLS, 32, "list", "-p", pid, NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	costs_of(trace, all);
	free(trace);
	run_result_release(&r);
	for (i = 0; i < 2; i++) {
		trace = strace_fdscope(&r, COST_CALLS, 32, "list", "-p", pid,
				       filters[i][0], filters[i][1], NULL);
		ck_assert_msg(r.status == 0, "%s: status %d: %s", filters[i][0],
			      r.status, r.err);
		costs_of(trace, some[i]);
		ck_assert_msg(socket_table_open(trace) == NULL, "%s read a socket "
			      "table: %.200s", filters[i][0], socket_table_open(trace));
		listed_fds(r.out, listed[i]);
		free(trace);
		run_result_release(&r);
	}
	holder_fds(h.pid, after);
	stable_fds(before, after, stable);
	for (i = 0; i < 2; i++) {
		unsigned int spent_all = 0, spent_some = 0;

		for (fd = 0, nreg = 0; fd < COST_FDS; fd++) {
			const struct fd_cost *a = &all[fd], *s = &some[i][fd];
			bool reg = after[fd].reg;

			if (!stable[fd])
				continue;
			ck_assert_msg(listed[i][fd] == reg, "%s: fd %d listed %d, REG %d",
				      filters[i][0], fd, listed[i][fd], reg);
			if (reg) {
				nreg++;
				ck_assert_msg(memcmp(a, s, sizeof(*a)) == 0 &&
					      s->info_open && s->info_read && s->link &&
					      s->stat, "%s: REG fd %d read %u calls, "
					      "%u in the whole listing", filters[i][0], fd,
					      cost_total(s), cost_total(a));
				continue;
			}
			ck_assert_msg(s->info_open <= 1 && s->info_read <= 1 &&
				      s->link <= 1 && s->stat <= 1 && s->xattr == 0,
				      "%s: fd %d read further than its TYPE: fdinfo %u "
				      "opens %u reads, %u links, %u stats, %u xattrs",
				      filters[i][0], fd, s->info_open, s->info_read,
				      s->link, s->stat, s->xattr);
			ck_assert_uint_le(cost_total(s), cost_total(a));
			spent_all += cost_total(a);
			spent_some += cost_total(s);
		}
		ck_assert_uint_ge(nreg, 4);
		ck_assert_msg(spent_all > spent_some, "%s: the other descriptors cost "
			      "%u calls, as many as in the whole listing (%u)",
			      filters[i][0], spent_some, spent_all);
	}
	holder_stop(&h);
}
END_TEST

Suite *query_suite(void)
{
	Suite *s = suite_create("query");
	TCase *tc = tcase_create("integration");

	tcase_add_checked_fixture(tc, setup_children, teardown_children);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_query_port_across_namespaces_vs_lsof);
	tcase_add_test(tc, test_query_port_host_proto_vs_lsof);
	tcase_add_test(tc, test_query_listening_states_vs_lsof);
	tcase_add_test(tc, test_query_path_vs_lsof);
	tcase_add_test(tc, test_query_under_dir_vs_lsof);
	tcase_add_test(tc, test_query_unix_vs_lsof);
	tcase_add_test(tc, test_query_socket_path_vs_proc);
	tcase_add_test(tc, test_query_command_vs_lsof);
	tcase_add_test(tc, test_query_user_vs_lsof);
	tcase_add_test(tc, test_query_terse_pids_vs_lsof);
	tcase_add_test(tc, test_query_deleted_by_inode_vs_lsof);
	tcase_add_test(tc, test_query_filters_and_fd_lists);
	tcase_add_test(tc, test_query_endpoints_after_filtering);
	tcase_add_test(tc, test_query_assoc_and_lock_rows_vs_lsof);
	tcase_add_test(tc, test_query_errors_and_no_match);
	tcase_add_test(tc, test_query_summary_counts_and_headroom);
	suite_add_tcase(s, tc);
	tc = tcase_create("pruning");
	tcase_set_timeout(tc, 60);
	tcase_add_test_if("query", tc, have_strace(),
			  test_query_type_filter_prunes_other_descriptors,
			  "strace is not installed");
	suite_add_tcase(s, tc);
	return s;
}
