/* Test helpers shared by every suite: running programs with captured
 * output, a small strict JSON reader, and descriptor counting. */
#include <check.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc/fdlist.h"
#include "testutil.h"

const char *fdscope_bin(void)
{
	const char *p = getenv("FDSCOPE_BIN");

	ck_assert_msg(p != NULL, "FDSCOPE_BIN is not set: run the tests with make check");
	return p;
}

const char *helper_path(const char *name)
{
	static char buf[4096];
	const char *dir = getenv("FDSCOPE_HELPERS");

	ck_assert_msg(dir != NULL, "FDSCOPE_HELPERS is not set: run the tests with make check");
	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	return buf;
}

static void append(char **buf, size_t *len, size_t *cap, const char *p, size_t n)
{
	if (*len + n + 1 > *cap) {
		while (*len + n + 1 > *cap)
			*cap = *cap ? *cap * 2 : 4096;
		*buf = realloc(*buf, *cap);
		ck_assert(*buf != NULL);
	}
	memcpy(*buf + *len, p, n);
	*len += n;
	(*buf)[*len] = '\0';
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void run_argv(struct run_result *r, char *const argv[], int timeout_s)
{
	int outp[2], errp[2], st;
	size_t ocap = 0, ecap = 0;
	long long deadline = now_ms() + (long long)timeout_s * 1000;
	bool killed = false;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	append(&r->out, &r->out_len, &ocap, "", 0);
	append(&r->err, &r->err_len, &ecap, "", 0);
	ck_assert(pipe2(outp, O_CLOEXEC) == 0);
	ck_assert(pipe2(errp, O_CLOEXEC) == 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		dup2(devnull, 0);
		if (devnull > 2)
			close(devnull);
		dup2(outp[1], 1);
		dup2(errp[1], 2);
		execv(argv[0], argv);
		_exit(127);
	}
	close(outp[1]);
	close(errp[1]);
	for (;;) {
		struct pollfd pf[2] = { { outp[0], POLLIN, 0 }, { errp[0], POLLIN, 0 } };
		long long left = deadline - now_ms();
		char buf[65536];
		int open_ends = 0, i;

		if (pf[0].fd >= 0)
			open_ends++;
		if (pf[1].fd >= 0)
			open_ends++;
		if (open_ends == 0)
			break;
		if (left <= 0 && !killed) {
			kill(pid, SIGKILL);
			killed = true;
		}
		if (poll(pf, 2, left > 0 ? (int)left : 1000) < 0 && errno != EINTR)
			ck_abort_msg("poll: %s", strerror(errno));
		for (i = 0; i < 2; i++) {
			ssize_t n;

			if (pf[i].fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(pf[i].fd, buf, sizeof(buf));
			if (n > 0) {
				if (i == 0)
					append(&r->out, &r->out_len, &ocap, buf, (size_t)n);
				else
					append(&r->err, &r->err_len, &ecap, buf, (size_t)n);
			} else if (n == 0 || errno != EINTR) {
				close(pf[i].fd);
				if (i == 0)
					outp[0] = -1;
				else
					errp[0] = -1;
			}
		}
		if (outp[0] < 0 && errp[0] < 0)
			break;
	}
	ck_assert(waitpid(pid, &st, 0) == pid);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	ck_assert_msg(!killed, "%s did not finish within %d s", argv[0], timeout_s);
}

#define RUN_ARGS 64

/* Runs argv[0..n) (a program that runs fdscope, or none) followed by
 * fdscope and the arguments of ap, NULL-terminated; argv has room for
 * RUN_ARGS. */
static void run_fdscope_after(struct run_result *r, char **argv, size_t n,
			      va_list ap, int timeout_s)
{
	size_t first = n;
	const char *a;

	/* Copies, since exec's argv is not const. */
	argv[n++] = strdup(fdscope_bin());
	while ((a = va_arg(ap, const char *)) != NULL && n < RUN_ARGS - 1)
		argv[n++] = strdup(a);
	argv[n] = NULL;
	run_argv(r, argv, timeout_s);
	while (n > first)
		free(argv[--n]);
}

void run_fdscope(struct run_result *r, ...)
{
	char *argv[RUN_ARGS];
	va_list ap;

	va_start(ap, r);
	run_fdscope_after(r, argv, 0, ap, 60);
	va_end(ap);
}

void run_result_release(struct run_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

bool have_strace(void)
{
	return access("/usr/bin/strace", X_OK) == 0;
}

static char *slurp_and_unlink(const char *path)
{
	FILE *f = fopen(path, "re");
	char *text;
	long size;

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	ck_assert_int_ge(size, 0);
	rewind(f);
	text = calloc(1, (size_t)size + 1);
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(fread(text, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	unlink(path);
	return text;
}

/* A thread's call that strace cut off until it returned. */
struct strace_pending {
	char tid[16];
	char *head;
};

#define STRACE_THREADS 64
#define UNFINISHED " <unfinished ...>"

/* Joins each "<unfinished ...>" line with its thread's "<... resumed>"
 * line, at the place of the latter, into out (as long as text). */
static void strace_join(const char *text, char *out)
{
	struct strace_pending pend[STRACE_THREADS] = { { "", NULL } };
	size_t used = 0, k, nu = strlen(UNFINISHED);
	const char *line = text;

	while (*line) {
		size_t n = strcspn(line, "\n"), tn = strcspn(line, " ");
		/* strace pads a short TID with spaces. */
		const char *rest = line + tn + strspn(line + tn, " "), *resumed = NULL;
		struct strace_pending *p = NULL;

		if (tn < n && tn < sizeof(pend[0].tid)) {
			for (k = 0; k < STRACE_THREADS; k++)
				if (pend[k].head && strncmp(pend[k].tid, line, tn) == 0 &&
				    pend[k].tid[tn] == '\0')
					p = &pend[k];
			if (strncmp(rest, "<... ", 5) == 0)
				resumed = strstr(rest, " resumed>");
		}
		if (n >= nu && tn < sizeof(pend[0].tid) &&
		    memcmp(line + n - nu, UNFINISHED, nu) == 0) {
			for (k = 0; p == NULL && k < STRACE_THREADS; k++)
				if (pend[k].head == NULL)
					p = &pend[k];
			ck_assert_msg(p != NULL, "more than %d threads in one trace",
				      STRACE_THREADS);
			free(p->head);
			p->head = strndup(line, n - nu);
			memcpy(p->tid, line, tn);
			p->tid[tn] = '\0';
		} else if (resumed && p) {
			const char *tail = resumed + strlen(" resumed>");

			used += (size_t)sprintf(out + used, "%s%.*s\n", p->head,
						(int)(line + n - tail), tail);
			free(p->head);
			p->head = NULL;
		} else {
			used += (size_t)sprintf(out + used, "%.*s\n", (int)n, line);
		}
		line += n + (line[n] == '\n');
	}
	out[used] = '\0';
	for (k = 0; k < STRACE_THREADS; k++)
		free(pend[k].head);
}

char *strace_fdscope(struct run_result *r, const char *calls, int strsize, ...)
{
	char trace[] = "/tmp/fdscope-strace.XXXXXX", filter[256], size[16];
	/* LeakSanitizer cannot run under ptrace (make asan). */
	char *argv[RUN_ARGS] = { "/usr/bin/strace", "-f", "-qq", "-e", filter, "-E",
				 "ASAN_OPTIONS=detect_leaks=0", "-s", size, "-o", trace };
	char *text, *joined;
	va_list ap;
	int fd = mkstemp(trace);

	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(filter, sizeof(filter), "trace=%s", calls);
	snprintf(size, sizeof(size), "%d", strsize);
	va_start(ap, strsize);
	run_fdscope_after(r, argv, 11, ap, 30);
	va_end(ap);
	text = slurp_and_unlink(trace);
	/* A joined call is never longer than its two lines. */
	joined = malloc(strlen(text) + 2);
	ck_assert_ptr_nonnull(joined);
	strace_join(text, joined);
	free(text);
	return joined;
}

void holder_start(struct holder *h, const char *name, ...)
{
	char *argv[32];
	int in[2], out[2];
	size_t n = 0, got = 0;
	long long deadline = now_ms() + 20000;
	const char *a;
	va_list ap;

	memset(h, 0, sizeof(*h));
	argv[n++] = strdup(helper_path(name));
	va_start(ap, name);
	while ((a = va_arg(ap, const char *)) != NULL && n < 31)
		argv[n++] = strdup(a);
	va_end(ap);
	argv[n] = NULL;
	ck_assert(pipe2(in, O_CLOEXEC) == 0);
	ck_assert(pipe2(out, O_CLOEXEC) == 0);
	h->pid = fork();
	ck_assert(h->pid >= 0);
	if (h->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		execv(argv[0], argv);
		_exit(127);
	}
	while (n > 0)
		free(argv[--n]);
	close(in[0]);
	close(out[1]);
	h->ctl_fd = in[1];
	/* Read up to the first newline only. */
	while (got + 1 < sizeof(h->line)) {
		struct pollfd pf = { out[0], POLLIN, 0 };
		long long left = deadline - now_ms();
		ssize_t r;

		ck_assert_msg(left > 0, "helper %s printed no ready line", name);
		if (poll(&pf, 1, (int)left) <= 0)
			continue;
		r = read(out[0], h->line + got, 1);
		ck_assert_msg(r == 1, "helper %s exited before it was ready", name);
		if (h->line[got] == '\n')
			break;
		got++;
	}
	h->line[got] = '\0';
	close(out[0]);
}

long long holder_value(const struct holder *h, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(h->line, pat);
	ck_assert_msg(p != NULL, "no '%s' in helper line '%s'", key, h->line);
	return strtoll(p + strlen(pat), NULL, 10);
}

void holder_stop(struct holder *h)
{
	int st;

	if (h->pid <= 0)
		return;
	close(h->ctl_fd);
	if (waitpid(h->pid, &st, 0) < 0)
		ck_abort_msg("waitpid: %s", strerror(errno));
	h->pid = 0;
}

size_t count_pid_fds(pid_t pid, int *highest)
{
	char path[64];
	DIR *d;
	struct dirent *de;
	size_t n = 0;
	int top = -1;

	snprintf(path, sizeof(path), "/proc/%ld/fd", (long)pid);
	d = opendir(path);
	ck_assert_msg(d != NULL, "cannot read %s: %s", path, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		n++;
		if (atoi(de->d_name) > top)
			top = atoi(de->d_name);
	}
	closedir(d);
	if (highest)
		*highest = top;
	return n;
}

size_t count_open_fds(void)
{
	return count_pid_fds(getpid(), NULL) - 1;	/* the directory's own */
}

/* ---- JSON ---- */

struct parser {
	const char *p;
	int depth;
};

static struct json *parse_value(struct parser *ps);

static void skip_ws(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
		ps->p++;
}

static struct json *new_node(enum json_kind k)
{
	struct json *j = calloc(1, sizeof(*j));

	ck_assert(j != NULL);
	j->kind = k;
	return j;
}

static void put_utf8(char **s, size_t *len, size_t *cap, unsigned cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	append(s, len, cap, b, n);
}

static char *parse_string(struct parser *ps)
{
	char *s = NULL;
	size_t len = 0, cap = 0;

	if (*ps->p != '"')
		return NULL;
	ps->p++;
	append(&s, &len, &cap, "", 0);
	while (*ps->p != '"') {
		unsigned char c = (unsigned char)*ps->p;

		if (c == '\0' || c < 0x20) {
			free(s);
			return NULL;
		}
		if (c == '\\') {
			char e = ps->p[1];
			unsigned cp = 0;
			int i;

			ps->p += 2;
			switch (e) {
			case '"': append(&s, &len, &cap, "\"", 1); break;
			case '\\': append(&s, &len, &cap, "\\", 1); break;
			case '/': append(&s, &len, &cap, "/", 1); break;
			case 'b': append(&s, &len, &cap, "\b", 1); break;
			case 'f': append(&s, &len, &cap, "\f", 1); break;
			case 'n': append(&s, &len, &cap, "\n", 1); break;
			case 'r': append(&s, &len, &cap, "\r", 1); break;
			case 't': append(&s, &len, &cap, "\t", 1); break;
			case 'u':
				for (i = 0; i < 4; i++) {
					char h = ps->p[i];

					if (!isxdigit((unsigned char)h)) {
						free(s);
						return NULL;
					}
					cp = cp * 16 + (unsigned)(isdigit((unsigned char)h) ?
						h - '0' : (tolower((unsigned char)h) - 'a' + 10));
				}
				ps->p += 4;
				put_utf8(&s, &len, &cap, cp);
				break;
			default:
				free(s);
				return NULL;
			}
			continue;
		}
		append(&s, &len, &cap, ps->p, 1);
		ps->p++;
	}
	ps->p++;
	return s;
}

static struct json *parse_container(struct parser *ps, bool object)
{
	struct json *j = new_node(object ? JSON_OBJECT : JSON_ARRAY);
	char close_c = object ? '}' : ']';

	ps->p++;
	skip_ws(ps);
	if (*ps->p == close_c) {
		ps->p++;
		return j;
	}
	for (;;) {
		struct json *v;
		char *key = NULL;

		skip_ws(ps);
		if (object) {
			key = parse_string(ps);
			if (key == NULL)
				goto fail;
			skip_ws(ps);
			if (*ps->p != ':') {
				free(key);
				goto fail;
			}
			ps->p++;
		}
		v = parse_value(ps);
		if (v == NULL) {
			free(key);
			goto fail;
		}
		j->items = realloc(j->items, (j->n + 1) * sizeof(*j->items));
		j->keys = realloc(j->keys, (j->n + 1) * sizeof(*j->keys));
		ck_assert(j->items && j->keys);
		j->items[j->n] = v;
		j->keys[j->n] = key;
		j->n++;
		skip_ws(ps);
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p == close_c) {
			ps->p++;
			return j;
		}
		goto fail;
	}
fail:
	json_free(j);
	return NULL;
}

static struct json *parse_value(struct parser *ps)
{
	struct json *j;
	char *end;

	if (++ps->depth > 64)
		return NULL;
	skip_ws(ps);
	switch (*ps->p) {
	case '{':
		j = parse_container(ps, true);
		break;
	case '[':
		j = parse_container(ps, false);
		break;
	case '"':
		j = new_node(JSON_STRING);
		j->str = parse_string(ps);
		if (j->str == NULL) {
			free(j);
			j = NULL;
		}
		break;
	case 't':
	case 'f':
	case 'n': {
		static const char *const words[] = { "true", "false", "null" };
		int i;

		j = NULL;
		for (i = 0; i < 3; i++) {
			size_t n = strlen(words[i]);

			if (strncmp(ps->p, words[i], n) == 0) {
				j = new_node(i == 2 ? JSON_NULL : JSON_BOOL);
				j->b = i == 0;
				ps->p += n;
				break;
			}
		}
		break;
	}
	default:
		if (*ps->p != '-' && !isdigit((unsigned char)*ps->p))
			return NULL;
		j = new_node(JSON_NUMBER);
		j->num = strtod(ps->p, &end);
		if (end == ps->p) {
			free(j);
			return NULL;
		}
		ps->p = end;
		break;
	}
	ps->depth--;
	return j;
}

struct json *json_parse(const char *text)
{
	struct parser ps = { text, 0 };
	struct json *j = parse_value(&ps);

	if (j == NULL)
		return NULL;
	skip_ws(&ps);
	if (*ps.p != '\0') {
		json_free(j);
		return NULL;
	}
	return j;
}

void json_free(struct json *j)
{
	size_t i;

	if (j == NULL)
		return;
	for (i = 0; i < j->n; i++) {
		json_free(j->items[i]);
		if (j->keys)
			free(j->keys[i]);
	}
	free(j->items);
	free(j->keys);
	free(j->str);
	free(j);
}

const struct json *json_get(const struct json *obj, const char *key)
{
	size_t i;

	if (obj == NULL || obj->kind != JSON_OBJECT)
		return NULL;
	for (i = 0; i < obj->n; i++)
		if (strcmp(obj->keys[i], key) == 0)
			return obj->items[i];
	return NULL;
}

const struct json *json_at(const struct json *arr, size_t i)
{
	if (arr == NULL || arr->kind != JSON_ARRAY || i >= arr->n)
		return NULL;
	return arr->items[i];
}

long long json_int(const struct json *obj, const char *key)
{
	const struct json *v = json_get(obj, key);

	ck_assert_msg(v != NULL && v->kind == JSON_NUMBER,
		      "JSON member '%s' is missing or not a number", key);
	return (long long)v->num;
}

const char *json_str(const struct json *obj, const char *key)
{
	const struct json *v = json_get(obj, key);

	return v && v->kind == JSON_STRING ? v->str : NULL;
}

const struct json *json_find_fd(const struct json *doc, int fd)
{
	const struct json *rows = json_get(doc, "descriptors");
	size_t i;

	for (i = 0; rows && i < rows->n; i++) {
		const struct json *v = json_get(rows->items[i], "fd");

		if (v && v->kind == JSON_NUMBER && (int)v->num == fd)
			return rows->items[i];
	}
	return NULL;
}

/* ---- skips --------------------------------------------------------- */

struct skip {
	const char *suite, *test, *why;
};

static struct skip skips[64];
static size_t nskips;

void skip_record(const char *suite, const char *test, const char *why)
{
	if (nskips < sizeof(skips) / sizeof(skips[0]))
		skips[nskips++] = (struct skip){ suite, test, why };
}

/* One file for the whole run, opened before Check forks its tests: they
 * share its offset, so each line lands after the last. */
static FILE *skip_parts;

void skip_parts_open(void)
{
	skip_parts = tmpfile();
}

void skip_part_record(const char *test, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (skip_parts == NULL)
		return;
	n = strlen(test);
	/* START_TEST names the function TEST_fn. */
	if (n > 3 && strcmp(test + n - 3, "_fn") == 0)
		n -= 3;
	fprintf(skip_parts, "SKIP PART %.*s: ", (int)n, test);
	va_start(ap, fmt);
	vfprintf(skip_parts, fmt, ap);
	va_end(ap);
	fputc('\n', skip_parts);
	fflush(skip_parts);
}

size_t skip_parts_print(FILE *f)
{
	char line[1024];
	size_t n = 0;

	if (skip_parts == NULL)
		return 0;
	rewind(skip_parts);
	while (fgets(line, sizeof(line), skip_parts)) {
		fputs(line, f);
		n++;
	}
	fprintf(f, "Skipped parts: %zu\n", n);
	fclose(skip_parts);
	skip_parts = NULL;
	return n;
}

size_t skips_print(FILE *f)
{
	const char *only = getenv("CK_RUN_SUITE");
	size_t i, n = 0;

	for (i = 0; i < nskips; i++) {
		if (only && *only && strcmp(only, skips[i].suite) != 0)
			continue;
		fprintf(f, "SKIP %s/%s: %s\n", skips[i].suite, skips[i].test,
			skips[i].why);
		n++;
	}
	fprintf(f, "Skipped: %zu test%s\n", n, n == 1 ? "" : "s");
	return n;
}

/* In a child, so that this process keeps its namespaces. */
bool can_unshare(int flags)
{
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return false;
	if (pid == 0)
		_exit(unshare(flags) == 0 ? 0 : 1);
	return waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
		WEXITSTATUS(st) == 0;
}

bool can_unshare_netns(void)
{
	return can_unshare(CLONE_NEWNET);
}

bool can_kcmp(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	bool ok;

	/* KCMP_FILE (0) of a descriptor with itself: 0 when permitted. */
	if (fd < 0)
		return false;
	ok = syscall(SYS_kcmp, getpid(), getpid(), 0, fd, fd) == 0;
	close(fd);
	return ok;
}

const struct fd_entry *entry_of(const struct fd_proc *p, int fd)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->fds[i].fd == fd)
			return &p->fds[i];
	return NULL;
}
