/* Correctness at scale (issue 5): the benchmark's holder (bench/holder.c)
 * with as many descriptors as the hard RLIMIT_NOFILE leaves room for, up to
 * 19000, listed once by the built binary; every row is checked against
 * what /proc says (readlink, stat, fdinfo, /proc/PID/net/tcp), and
 * `limits` against /proc/PID/limits, status and the fd directory. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

#define SCALE_TARGET 19000
#define HOLDER_MARGIN 8		/* the holder keeps this many free */
#define SCALE_COLUMNS "FD,TYPE,MODE,FLAGS,POS,INODE,DEV,SIZE,MNTID,NAME,LADDR,STATE"

struct scale_holder {
	pid_t pid;
	int out_fd;
	int n;
};

/* The holder is built next to the binary: $(BUILD)/bench/holder, unless
 * FDSCOPE_BENCH_HOLDER names it. */
static const char *bench_holder_path(void)
{
	static char path[PATH_MAX];
	const char *env = getenv("FDSCOPE_BENCH_HOLDER");
	const char *bin = fdscope_bin();
	const char *slash = strrchr(bin, '/');

	if (env && *env)
		return env;
	snprintf(path, sizeof(path), "%.*s/bench/holder",
		 slash ? (int)(slash - bin) : 1, slash ? bin : ".");
	return path;
}

/* As close to SCALE_TARGET as the hard limit allows. */
static int scale_size(void)
{
	struct rlimit rl;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_max == RLIM_INFINITY ||
	    rl.rlim_max >= (rlim_t)SCALE_TARGET + HOLDER_MARGIN)
		return SCALE_TARGET;
	ck_assert_msg(rl.rlim_max > 100 + HOLDER_MARGIN,
		      "hard RLIMIT_NOFILE %llu is too low for a scale test",
		      (unsigned long long)rl.rlim_max);
	return (int)rl.rlim_max - HOLDER_MARGIN;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads the holder's "PID\nready N\n", at most 60 s. */
static void read_ready(struct scale_holder *h)
{
	char buf[256];
	size_t got = 0;
	long long deadline = now_ms() + 60000;
	long pid;
	int n;

	while (got + 1 < sizeof(buf)) {
		struct pollfd pf = { h->out_fd, POLLIN, 0 };
		long long left = deadline - now_ms();
		ssize_t r;

		ck_assert_msg(left > 0, "the holder did not get ready in 60 s");
		if (poll(&pf, 1, (int)left) <= 0)
			continue;
		r = read(h->out_fd, buf + got, sizeof(buf) - 1 - got);
		ck_assert_msg(r > 0, "the holder exited before it was ready");
		got += (size_t)r;
		buf[got] = '\0';
		if (sscanf(buf, "%ld\nready %d\n", &pid, &n) == 2 &&
		    strchr(strchr(buf, '\n') + 1, '\n') != NULL)
			break;
	}
	ck_assert_int_eq(pid, h->pid);
	ck_assert_int_eq(n, h->n);
}

static void holder_run(struct scale_holder *h, int n)
{
	char count[16];
	int out[2];

	snprintf(count, sizeof(count), "%d", n);
	ck_assert_msg(access(bench_holder_path(), X_OK) == 0,
		      "'%s' not found: build it with make (check builds it)",
		      bench_holder_path());
	ck_assert(pipe2(out, O_CLOEXEC) == 0);
	h->n = n;
	h->pid = fork();
	ck_assert(h->pid >= 0);
	if (h->pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		dup2(devnull, 0);
		dup2(out[1], 1);
		/* Nothing of the test's but stdio, so that every other
		 * descriptor holds still while it is compared. */
		close_range(3, ~0U, 0);
		execl(bench_holder_path(), "holder", "-t", "300", count,
		      (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	h->out_fd = out[0];
	read_ready(h);
}

static void holder_end(struct scale_holder *h)
{
	int st;

	kill(h->pid, SIGTERM);
	ck_assert_int_eq(waitpid(h->pid, &st, 0), h->pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(h->out_fd);
}

struct kernel_fd {
	int fd;
	char link[PATH_MAX];
	struct stat st;
	unsigned long long pos;
	unsigned int flags;
	int mnt_id;
};

static void read_kernel_fd(pid_t pid, int fd, struct kernel_fd *k)
{
	char path[64], buf[4096];
	const char *p;
	ssize_t n;
	int f;

	k->fd = fd;
	snprintf(path, sizeof(path), "/proc/%ld/fd/%d", (long)pid, fd);
	ck_assert_int_eq(stat(path, &k->st), 0);
	n = readlink(path, k->link, sizeof(k->link) - 1);
	ck_assert(n > 0);
	k->link[n] = '\0';
	snprintf(path, sizeof(path), "/proc/%ld/fdinfo/%d", (long)pid, fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert(f >= 0);
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	ck_assert(n > 0);
	buf[n] = '\0';
	p = strstr(buf, "pos:");
	ck_assert(p && sscanf(p, "pos: %llu", &k->pos) == 1);
	p = strstr(buf, "flags:");
	ck_assert(p && sscanf(p, "flags: %o", &k->flags) == 1);
	p = strstr(buf, "mnt_id:");
	ck_assert(p && sscanf(p, "mnt_id: %d", &k->mnt_id) == 1);
}

static const char *expected_type(const struct kernel_fd *k, char *buf,
				 size_t len)
{
	if (strncmp(k->link, "anon_inode:[", 12) == 0) {
		snprintf(buf, len, "%.*s", (int)strcspn(k->link + 12, "]"),
			 k->link + 12);
		return buf;
	}
	switch (k->st.st_mode & S_IFMT) {
	case S_IFREG:
		return "REG";
	case S_IFDIR:
		return "DIR";
	case S_IFCHR:
		return "CHR";
	case S_IFIFO:
		return "FIFO";
	case S_IFSOCK:
		return "SOCK";
	default:
		return "?";
	}
}

/* A TCP socket as /proc/PID/net/tcp gives it. */
struct tcp_sock {
	unsigned long long ino;
	unsigned int addr, port, state;
};

static int cmp_tcp(const void *a, const void *b)
{
	const struct tcp_sock *x = a, *y = b;

	return (x->ino > y->ino) - (x->ino < y->ino);
}

static struct tcp_sock *read_tcp_table(pid_t pid, size_t *n)
{
	char path[64], line[512];
	struct tcp_sock *v = NULL;
	size_t cap = 0;
	FILE *f;

	*n = 0;
	snprintf(path, sizeof(path), "/proc/%ld/net/tcp", (long)pid);
	f = fopen(path, "re");
	ck_assert(f != NULL);
	while (fgets(line, sizeof(line), f)) {
		struct tcp_sock t;

		if (sscanf(line, " %*d: %8X:%4X %*8X:%*4X %2X %*s %*s %*s %*u %*u %llu",
			   &t.addr, &t.port, &t.state, &t.ino) != 4 || t.ino == 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			v = realloc(v, cap * sizeof(*v));
			ck_assert(v != NULL);
		}
		v[(*n)++] = t;
	}
	fclose(f);
	qsort(v, *n, sizeof(*v), cmp_tcp);
	return v;
}

/* LADDR and STATE of a TCP socket against /proc/PID/net/tcp (the holder's
 * are all on 127.0.0.1, LISTEN or ESTABLISHED).  Returns 1 when it was
 * a TCP socket. */
static int check_tcp_row(const struct json *row, const struct kernel_fd *k,
			 const struct tcp_sock *tcp, size_t ntcp)
{
	struct tcp_sock key = { .ino = (unsigned long long)k->st.st_ino };
	const struct tcp_sock *t = bsearch(&key, tcp, ntcp, sizeof(*tcp), cmp_tcp);
	char laddr[64];
	const unsigned char *a;

	if (t == NULL)
		return 0;
	/* /proc/net/tcp prints the address as a host-order number of the
	 * network-order bytes. */
	a = (const unsigned char *)&t->addr;
	snprintf(laddr, sizeof(laddr), "%u.%u.%u.%u:%u", a[0], a[1], a[2], a[3],
		 t->port);
	ck_assert_str_eq(json_str(row, "laddr"), laddr);
	ck_assert_str_eq(json_str(row, "state"),
			 t->state == 0x0A ? "LISTEN" : t->state == 0x01 ?
			 "ESTABLISHED" : "?");
	return 1;
}

static bool has_flag(const struct json *row, const char *flag)
{
	const char *f = json_str(row, "flags");

	return f != NULL && strstr(f, flag) != NULL;
}

/* One row against the kernel.  The first three descriptors are the test's
 * (a log may grow meanwhile): their size and offset are not compared. */
static void check_row(const struct json *row, const struct kernel_fd *k)
{
	char dev[32], type[64];
	static const char *const modes[] = { "r-", "-w", "rw", "--" };

	ck_assert_uint_eq((unsigned long long)json_int(row, "inode"),
			  (unsigned long long)k->st.st_ino);
	snprintf(dev, sizeof(dev), "%u:%u", major(k->st.st_dev),
		 minor(k->st.st_dev));
	ck_assert_str_eq(json_str(row, "dev"), dev);
	ck_assert_int_eq(json_int(row, "mntid"), k->mnt_id);
	ck_assert_str_eq(json_str(row, "type"),
			 expected_type(k, type, sizeof(type)));
	ck_assert_str_eq(json_str(row, "mode"), modes[k->flags & 3]);
	ck_assert_int_eq(has_flag(row, "cloexec"), (k->flags & O_CLOEXEC) != 0);
	ck_assert_int_eq(has_flag(row, "nonblock"), (k->flags & O_NONBLOCK) != 0);
	ck_assert_int_eq(has_flag(row, "append"), (k->flags & O_APPEND) != 0);
	if (k->fd > 2) {
		ck_assert_int_eq(json_int(row, "pos"), (long long)k->pos);
		ck_assert_int_eq(json_int(row, "size"), (long long)k->st.st_size);
	}
	/* Sockets' and anonymous inodes' names are decoded (the decode
	 * suite checks those); every other name is the link. */
	if (!S_ISSOCK(k->st.st_mode) && strncmp(k->link, "anon_inode:", 11) != 0)
		ck_assert_str_eq(json_str(row, "name"), k->link);
}

static struct json *run_json(struct run_result *r, char *const argv[])
{
	struct json *doc;

	run_argv(r, argv, 120);
	ck_assert_msg(r->status == 0, "status %d, stderr: %s", r->status, r->err);
	doc = json_parse(r->out);
	ck_assert_msg(doc != NULL, "invalid JSON (%zu bytes)", r->out_len);
	return doc;
}

START_TEST(test_list_at_scale_matches_proc_row_by_row)
{
	struct scale_holder h;
	struct run_result r;
	struct json *doc;
	const struct json *rows;
	struct tcp_sock *tcp;
	struct kernel_fd *k = malloc(sizeof(*k));
	char pid[16], bin[PATH_MAX], cols[] = SCALE_COLUMNS;
	char *argv[] = { bin, "list", "-p", pid, "-J", "-o", cols, NULL };
	size_t before = count_open_fds(), i, ntcp, tcp_rows = 0;
	int highest, last = -1;

	ck_assert(k != NULL);
	snprintf(bin, sizeof(bin), "%s", fdscope_bin());
	holder_run(&h, scale_size());
	snprintf(pid, sizeof(pid), "%ld", (long)h.pid);
	doc = run_json(&r, argv);
	rows = json_get(doc, "descriptors");
	ck_assert(rows != NULL && rows->kind == JSON_ARRAY);
	ck_assert_uint_eq(count_pid_fds(h.pid, &highest), (size_t)h.n);
	ck_assert_uint_eq(rows->n, (size_t)h.n);
	tcp = read_tcp_table(h.pid, &ntcp);
	/* Ascending, as many as the directory holds, each one of them: the
	 * two sets are equal. */
	for (i = 0; i < rows->n; i++) {
		const struct json *row = rows->items[i];
		int fd = (int)json_int(row, "fd");

		ck_assert_int_gt(fd, last);
		last = fd;
		read_kernel_fd(h.pid, fd, k);
		check_row(row, k);
		if (S_ISSOCK(k->st.st_mode))
			tcp_rows += (size_t)check_tcp_row(row, k, tcp, ntcp);
	}
	ck_assert_int_eq(last, highest);
	/* A tenth of the holder's mix is TCP: listeners and connected pairs. */
	ck_assert_uint_ge(tcp_rows, (size_t)h.n / 10);
	free(tcp);
	free(k);
	json_free(doc);
	run_result_release(&r);
	holder_end(&h);
	ck_assert_uint_eq(count_open_fds(), before);
}
END_TEST

/* The text forms of a large listing are printed in blocks by several
 * threads (src/output.c); they must say what the JSON says, row for row,
 * and the table must stay aligned across the blocks. */
#define ALIGN_COLUMNS "FD,POS,INODE,MNTID,SIZE,TYPE"
#define ALIGN_RIGHT 5		/* the first five are right-aligned numbers */
#define RAW_COLUMNS "FD,TYPE,MODE,FLAGS,NAME,LADDR,RADDR,STATE,SOCK.PEER"

static char *run_text(struct run_result *r, char *const argv[])
{
	run_argv(r, argv, 120);
	ck_assert_msg(r->status == 0, "status %d, stderr: %s", r->status, r->err);
	ck_assert_uint_eq(strlen(r->out), r->out_len);
	return r->out;
}

/* The next line of text, NUL-terminated in place; NULL at the end. */
static char *next_line(char **p)
{
	char *line = *p, *nl;

	if (line == NULL || *line == '\0')
		return NULL;
	nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		*p = nl + 1;
	} else {
		*p = line + strlen(line);
	}
	return line;
}

/* A JSON value as the table prints it: numbers in decimal, null empty. */
static const char *json_text(const struct json *row, const char *key,
			     char *buf, size_t len)
{
	const struct json *v = json_get(row, key);

	ck_assert_msg(v != NULL, "no \"%s\" in a row", key);
	if (v->kind == JSON_NUMBER) {
		snprintf(buf, len, "%lld", json_int(row, key));
		return buf;
	}
	if (v->kind == JSON_NULL)
		return "";
	return json_str(row, key);
}

static void lower(char *dst, const char *src, size_t len)
{
	size_t i;

	for (i = 0; src[i] && i + 1 < len; i++)
		dst[i] = (char)(src[i] >= 'A' && src[i] <= 'Z' ?
				src[i] - 'A' + 'a' : src[i]);
	dst[i] = '\0';
}

/* One table row: each right-aligned number ends where its header ends,
 * the last column starts where its header starts. */
static void check_aligned_row(const char *line, const struct json *row,
			      char names[][16], const size_t *hend,
			      size_t last_start)
{
	char want[64], got[64];
	size_t i, len = strlen(line);

	for (i = 0; i < ALIGN_RIGHT; i++) {
		size_t end = hend[i], start = end;

		ck_assert_msg(end <= len && line[end - 1] != ' ' &&
			      (end == len || line[end] == ' '),
			      "column %s is not right-aligned in '%s'", names[i], line);
		while (start > 0 && line[start - 1] != ' ')
			start--;
		snprintf(got, sizeof(got), "%.*s", (int)(end - start), line + start);
		ck_assert_str_eq(got, json_text(row, names[i], want, sizeof(want)));
	}
	ck_assert_msg(last_start < len && line[last_start - 1] == ' ' &&
		      line[last_start] != ' ', "TYPE misplaced in '%s'", line);
	ck_assert_str_eq(line + last_start, json_str(row, names[ALIGN_RIGHT]));
}

static void check_aligned_table(char *text, const struct json *rows)
{
	char names[ALIGN_RIGHT + 1][16], cols[] = ALIGN_COLUMNS, *tok, *save;
	size_t hend[ALIGN_RIGHT], last_start = 0, i = 0, n;
	char *header = next_line(&text), *line;

	ck_assert(header != NULL);
	for (tok = strtok_r(cols, ",", &save); tok; tok = strtok_r(NULL, ",", &save), i++) {
		const char *at = strstr(header, tok);

		ck_assert_msg(at != NULL, "no %s in the header '%s'", tok, header);
		lower(names[i], tok, sizeof(names[i]));
		if (i < ALIGN_RIGHT)
			hend[i] = (size_t)(at - header) + strlen(tok);
		else
			last_start = (size_t)(at - header);
	}
	for (n = 0; (line = next_line(&text)) != NULL; n++) {
		ck_assert_uint_lt(n, rows->n);
		check_aligned_row(line, rows->items[n], names, hend, last_start);
	}
	ck_assert_uint_eq(n, rows->n);
}

/* Undoes libsmartcols' raw escaping (\xHH) in place. */
static void unescape_raw(char *s)
{
	char *o = s;
	unsigned int v;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] == 'x' && sscanf(s + 2, "%2x", &v) == 1) {
			*o++ = (char)v;
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

static void check_raw_rows(char *text, const struct json *rows)
{
	char cols[] = RAW_COLUMNS, names[16][16], want[64], *tok, *save, *line;
	size_t ncols = 0, n, i;

	for (tok = strtok_r(cols, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		lower(names[ncols++], tok, sizeof(names[0]));
	ck_assert(next_line(&text) != NULL);	/* the header */
	for (n = 0; (line = next_line(&text)) != NULL; n++) {
		char *field = line;

		ck_assert_uint_lt(n, rows->n);
		/* Fields are separated by one space; spaces inside are \x20. */
		for (i = 0; i < ncols; i++) {
			char *sp = strchr(field, ' ');

			ck_assert_msg((sp != NULL) == (i + 1 < ncols),
				      "row %zu has not %zu fields: '%s'", n, ncols, line);
			if (sp)
				*sp = '\0';
			unescape_raw(field);
			ck_assert_str_eq(field, json_text(rows->items[n], names[i],
							  want, sizeof(want)));
			field = sp ? sp + 1 : NULL;
		}
	}
	ck_assert_uint_eq(n, rows->n);
}

/* Table and raw rows against JSON, with netlink and with /proc/net. */
START_TEST(test_list_at_scale_text_forms_match_json)
{
	struct scale_holder h;
	struct run_result rj, rt;
	struct json *doc;
	char pid[16], bin[PATH_MAX], acols[] = ALIGN_COLUMNS, rcols[] = RAW_COLUMNS;
	char *json_align[] = { bin, "list", "-p", pid, "-J", "-o", acols, NULL };
	char *table[] = { bin, "list", "-p", pid, "-o", acols, NULL };
	char *json_raw[] = { bin, "list", "-p", pid, "-J", "-o", rcols, NULL };
	char *raw[] = { bin, "list", "-p", pid, "-r", "-o", rcols, NULL };
	size_t before = count_open_fds();
	int pass;

	snprintf(bin, sizeof(bin), "%s", fdscope_bin());
	holder_run(&h, scale_size());
	snprintf(pid, sizeof(pid), "%ld", (long)h.pid);
	doc = run_json(&rj, json_align);
	check_aligned_table(run_text(&rt, table), json_get(doc, "descriptors"));
	json_free(doc);
	run_result_release(&rj);
	run_result_release(&rt);
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1)
			setenv("FDSCOPE_NO_NETLINK", "1", 1);
		doc = run_json(&rj, json_raw);
		check_raw_rows(run_text(&rt, raw), json_get(doc, "descriptors"));
		json_free(doc);
		run_result_release(&rj);
		run_result_release(&rt);
	}
	unsetenv("FDSCOPE_NO_NETLINK");
	holder_end(&h);
	ck_assert_uint_eq(count_open_fds(), before);
}
END_TEST

static void read_nofile(pid_t pid, long long *soft, long long *hard)
{
	char path[64], line[256];
	FILE *f;

	*soft = *hard = -1;
	snprintf(path, sizeof(path), "/proc/%ld/limits", (long)pid);
	f = fopen(path, "re");
	ck_assert(f != NULL);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Max open files %lld %lld", soft, hard) == 2)
			break;
	fclose(f);
	ck_assert(*soft > 0 && *hard > 0);
}

static long long read_fdsize(pid_t pid)
{
	char path[64], line[256];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	f = fopen(path, "re");
	ck_assert(f != NULL);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "FDSize: %lld", &v) == 1)
			break;
	fclose(f);
	return v;
}

START_TEST(test_limits_at_scale_match_proc)
{
	struct scale_holder h;
	struct run_result r;
	struct json *doc;
	const struct json *li;
	char pid[16], bin[PATH_MAX];
	char *argv[] = { bin, "limits", "-p", pid, "-J", NULL };
	long long soft, hard;
	size_t before = count_open_fds(), open_now;
	int highest;

	snprintf(bin, sizeof(bin), "%s", fdscope_bin());
	holder_run(&h, scale_size());
	snprintf(pid, sizeof(pid), "%ld", (long)h.pid);
	doc = run_json(&r, argv);
	li = json_at(json_get(doc, "limits"), 0);
	ck_assert(li != NULL && li->kind == JSON_OBJECT);
	read_nofile(h.pid, &soft, &hard);
	open_now = count_pid_fds(h.pid, &highest);
	ck_assert_uint_eq(open_now, (size_t)h.n);
	ck_assert_int_eq(json_int(li, "pid"), h.pid);
	ck_assert_int_eq(json_int(li, "soft"), soft);
	ck_assert_int_eq(json_int(li, "hard"), hard);
	ck_assert_int_eq(json_int(li, "open"), (long long)open_now);
	ck_assert_int_eq(json_int(li, "highest_fd"), highest);
	ck_assert_int_eq(json_int(li, "fdsize"), read_fdsize(h.pid));
	/* Every descriptor is below the soft limit the holder raised. */
	ck_assert_int_eq(json_int(li, "headroom"), soft - (long long)open_now);
	json_free(doc);
	run_result_release(&r);
	holder_end(&h);
	ck_assert_uint_eq(count_open_fds(), before);
}
END_TEST

static const char *or_null(const char *s)
{
	return s ? s : "null";
}

/* A holder's rows of a `list --all` JSON listing, one line each. */
static char *rows_of(const struct json *rows, pid_t pid, size_t *n)
{
	size_t i, len = 0, cap = 4096;
	char *text = malloc(cap);

	ck_assert(text != NULL);
	*n = 0;
	text[0] = '\0';
	for (i = 0; i < rows->n; i++) {
		const struct json *row = rows->items[i];
		char line[PATH_MAX + 128];
		int w;

		if (json_int(row, "pid") != pid)
			continue;
		w = snprintf(line, sizeof(line), "%lld %s %lld %lld %s %s\n",
			     json_int(row, "fd"), or_null(json_str(row, "type")),
			     json_int(row, "inode"), json_int(row, "pos"),
			     or_null(json_str(row, "flags")),
			     or_null(json_str(row, "name")));
		ck_assert(w > 0 && (size_t)w < sizeof(line));
		while (len + (size_t)w + 1 > cap) {
			cap *= 2;
			text = realloc(text, cap);
			ck_assert(text != NULL);
		}
		memcpy(text + len, line, (size_t)w + 1);
		len += (size_t)w;
		(*n)++;
	}
	return text;
}

/* `list --all` reads small tables one process per CPU, the large ones
 * two at a time and one left over by every CPU (proc/fdmany.c): three
 * holders above FDL_SMALL_MAX take each way.  Every holder's rows are
 * the table the kernel holds, and what one process at a time reads. */
START_TEST(test_list_all_reads_each_table_whole_every_way)
{
	struct scale_holder h[3];
	struct run_result r[2];
	struct json *doc[2];
	char bin[PATH_MAX], cols[] = "PID,FD,TYPE,INODE,POS,FLAGS,NAME";
	char *argv[] = { bin, "list", "--all", "-J", "-o", cols, NULL };
	size_t before = count_open_fds(), n[2];
	int k, m, highest;

	snprintf(bin, sizeof(bin), "%s", fdscope_bin());
	for (k = 0; k < 3; k++)
		holder_run(&h[k], 3000);
	doc[0] = run_json(&r[0], argv);
	setenv("FDSCOPE_LIST_SERIAL", "1", 1);
	doc[1] = run_json(&r[1], argv);
	unsetenv("FDSCOPE_LIST_SERIAL");
	for (k = 0; k < 3; k++) {
		char *text[2];

		for (m = 0; m < 2; m++)
			text[m] = rows_of(json_get(doc[m], "descriptors"),
					  h[k].pid, &n[m]);
		ck_assert_uint_eq(count_pid_fds(h[k].pid, &highest), 3000);
		ck_assert_uint_eq(n[0], 3000);
		ck_assert_str_eq(text[0], text[1]);
		free(text[0]);
		free(text[1]);
	}
	for (m = 0; m < 2; m++) {
		json_free(doc[m]);
		run_result_release(&r[m]);
	}
	for (k = 0; k < 3; k++)
		holder_end(&h[k]);
	ck_assert_uint_eq(count_open_fds(), before);
}
END_TEST

Suite *scale_suite(void)
{
	Suite *s = suite_create("scale");
	TCase *tc = tcase_create("scale");

	/* A few seconds on 2 cores; generous for sanitizers and load. */
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_list_at_scale_matches_proc_row_by_row);
	tcase_add_test(tc, test_list_at_scale_text_forms_match_json);
	tcase_add_test(tc, test_limits_at_scale_match_proc);
	tcase_add_test(tc, test_list_all_reads_each_table_whole_every_way);
	suite_add_tcase(s, tc);
	return s;
}
