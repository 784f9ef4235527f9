/* The narrated step record: each call a demo makes, what the kernel said,
 * and the table after it; text printed as it happens with one write per
 * step, JSON printed at the end through the output module, and steps
 * carried across fork() through a pipe. */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"
#include "out/table.h"
#include "proc/fdlist.h"
#include "teach/screen.h"
#include "teach/steps.h"

#define COLOR_CALL "\033[1m"
#define COLOR_FAIL "\033[31m"
#define COLOR_NOTE "\033[33m"
#define COLOR_HEAD "\033[1;36m"
#define COLOR_OFF "\033[0m"

/* Calls whose non-negative return value is a new descriptor. */
static const char *const fd_returning[] = {
	"open", "openat", "creat", "socket", "accept", "accept4", "dup",
	"dup2", "dup3", "eventfd", "epoll_create1", "timerfd_create",
	"signalfd", "inotify_init1", "memfd_create", "pidfd_open",
	"fanotify_init", "mkfifo+open", "userfaultfd",
};

const char *steps_errno_name(int err)
{
	const char *name;

	if (err <= 0)
		return NULL;
	name = strerrorname_np(err);
	if (name != NULL)
		return name;
	/* The one name glibc lacks that a call can return: the kernel's
	 * internal ENOTSUPP (524), which a few ioctls and setsockopts leak. */
	if (err == 524)
		return "ENOTSUPP";
	return NULL;
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL +
		(unsigned long long)ts.tv_nsec;
}

bool steps_opts_take(struct steps_opts *o, int c)
{
	switch (c) {
	case 'J':
		o->json = true;
		return true;
	case 'q':
		o->quiet = true;
		return true;
	default:
		return false;
	}
}

void steps_init(struct steps *s, const struct steps_opts *o)
{
	memset(s, 0, sizeof(*s));
	s->o = *o;
	s->stream_fd = -1;
	if (s->o.proc_root == NULL)
		s->o.proc_root = PROCFS_DEFAULT_ROOT;
	/* JSON output is never coloured. */
	if (s->o.json)
		s->o.color = false;
}

static void step_release(struct step *st)
{
	free(st->call);
	free(st->syscall);
	free(st->table);
	free(st->side);
	free(st->narration);
	free(st->section);
	free(st->rendered);
}

void steps_release(struct steps *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		step_release(&s->v[i]);
	free(s->v);
	free(s->section);
	s->section = NULL;
	s->v = NULL;
	s->n = s->cap = s->printed = 0;
}

unsigned int steps_width(const struct steps *s)
{
	if (s->o.screen)
		return s->o.screen->width;
	return s->o.width ? s->o.width : SCREEN_DEFAULT_WIDTH;
}

void steps_hide(struct steps *s, int fd, bool own)
{
	if (fd < 0 || s->nhidden == STEPS_MAX_HIDDEN)
		return;
	steps_unhide(s, fd);
	s->hidden[s->nhidden] = fd;
	s->hidden_own[s->nhidden++] = own;
}

void steps_unhide(struct steps *s, int fd)
{
	size_t i;

	for (i = 0; i < s->nhidden; i++)
		if (s->hidden[i] == fd) {
			s->hidden[i] = s->hidden[s->nhidden - 1];
			s->hidden_own[i] = s->hidden_own[s->nhidden - 1];
			s->nhidden--;
			return;
		}
}

void steps_copy_hidden(struct steps *dst, const struct steps *src)
{
	memcpy(dst->hidden, src->hidden, sizeof(dst->hidden));
	memcpy(dst->hidden_own, src->hidden_own, sizeof(dst->hidden_own));
	dst->nhidden = src->nhidden;
}

int steps_hidden(const struct steps *s, int fd)
{
	size_t i;

	for (i = 0; i < s->nhidden; i++)
		if (s->hidden[i] == fd)
			return s->hidden_own[i] ? 2 : 1;
	return 0;
}

int steps_read_table(const struct steps *s, int **out)
{
	struct fd_proc p;
	int *t;
	size_t i, n = 0;

	*out = NULL;
	if (fd_proc_collect(&p, s->o.proc_root, 0, 0) < 0)
		return -1;
	t = xcalloc(p.n ? p.n : 1, sizeof(*t));
	for (i = 0; i < p.n; i++)
		if (p.fds[i].fd != p.reader_fd)
			t[n++] = p.fds[i].fd;
	fd_proc_release(&p);
	*out = t;
	return (int)n;
}

int steps_lowest_free(struct steps *s, int from)
{
	int *t = NULL, n, i, want = from < 0 ? 0 : from;

	n = steps_read_table(s, &t);
	if (n < 0)
		return -1;
	/* The table is ascending: walk past every number already taken. */
	for (i = 0; i < n; i++) {
		if (t[i] < want)
			continue;
		if (t[i] > want)
			break;
		want++;
	}
	free(t);
	return want;
}

static bool returns_fd(const char *syscall)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fd_returning); i++)
		if (strcmp(fd_returning[i], syscall) == 0)
			return true;
	return false;
}

/* ---- text rendering ---- */

struct text {
	char *buf;
	size_t len;
};

/* Lines of a process with a side are labelled, so that interleaved
 * server and client output stays readable. */
static void text_prefix(struct text *t, const char *side)
{
	if (side)
		xappendf(&t->buf, &t->len, "%-7s", side);
}

/* Appends words wrapped at TEXT_WIDTH, each line starting with indent. */
static void text_wrap(struct text *t, const struct steps *s, const char *side,
		      const char *indent, const char *color, const char *words)
{
	size_t room = steps_width(s) - strlen(indent) - (side ? 7 : 0), col = 0;
	const char *p = words;

	while (*p) {
		size_t wl;

		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		if (*p == '\n') {
			p++;
			if (col) {
				xappendf(&t->buf, &t->len, "%s\n",
					 s->o.color && color ? COLOR_OFF : "");
				col = 0;
			}
			continue;
		}
		wl = strcspn(p, " \n");
		if (col && col + 1 + wl > room) {
			xappendf(&t->buf, &t->len, "%s\n",
				 s->o.color && color ? COLOR_OFF : "");
			col = 0;
		}
		if (col == 0) {
			text_prefix(t, side);
			xappendf(&t->buf, &t->len, "%s%s", indent,
				 s->o.color && color ? color : "");
		} else {
			xappendf(&t->buf, &t->len, " ");
			col++;
		}
		xappendf(&t->buf, &t->len, "%.*s", (int)wl, p);
		col += wl;
		p += wl;
	}
	if (col)
		xappendf(&t->buf, &t->len, "%s\n", s->o.color && color ? COLOR_OFF : "");
}

static void append_num(char **buf, size_t *len, int v, bool marked)
{
	if (marked)
		xappendf(buf, len, "[%d]", v);
	else
		xappendf(buf, len, "%d", v);
}

char *steps_map(const int *table, size_t n, int mark, int mark2)
{
	char *buf = NULL;
	size_t len = 0, i;

	xappendf(&buf, &len, "%s", "");
	for (i = 0; i < n; i++) {
		int gap = i == 0 ? table[0] : table[i] - table[i - 1] - 1;

		if (i > 0)
			xappendf(&buf, &len, " ");
		/* A free number shows as a dot; a long run of them as "...". */
		if (gap > 3)
			xappendf(&buf, &len, "... ");
		else
			while (gap-- > 0)
				xappendf(&buf, &len, ". ");
		append_num(&buf, &len, table[i], table[i] == mark || table[i] == mark2);
	}
	return buf;
}

/* "CALL = RESULT", broken after ", " into lines of TEXT_WIDTH with a
 * continuation indent when a long path makes it wider. */
static void text_call_line(struct text *t, const struct steps *s,
			   const struct step *st)
{
	const char *name = steps_errno_name(st->err), *p;
	size_t room = steps_width(s) - (st->side ? 7 : 0), col = 0;
	char *line = NULL, result[160];
	size_t len = 0;
	bool on = s->o.color;

	if (st->err == 0)
		snprintf(result, sizeof(result), " = %lld", st->ret);
	else
		snprintf(result, sizeof(result), " = %lld %s (%s)", st->ret,
			 name ? name : "?", strerror(st->err));
	xappendf(&line, &len, "%s%s", st->call, result);
	text_prefix(t, st->side);
	xappendf(&t->buf, &t->len, "%s", on ? COLOR_CALL : "");
	for (p = line; *p; ) {
		/* A break after ", " or any space (the result's words). */
		const char *brk = strchr(p, ' ');
		size_t seg = brk ? (size_t)(brk - p) + 1 : strlen(p);

		if (col > 8 && col + seg > room) {
			if (t->buf[t->len - 1] == ' ')
				t->buf[--t->len] = '\0';
			xappendf(&t->buf, &t->len, "%s\n", on ? COLOR_OFF : "");
			text_prefix(t, st->side);
			xappendf(&t->buf, &t->len, "        %s", on ? COLOR_CALL : "");
			col = 8;
		}
		/* A piece wider than the line (a long path) is cut. */
		if (col + seg > room && room > col)
			seg = room - col;
		xappendf(&t->buf, &t->len, "%.*s", (int)seg, p);
		col += seg;
		p += seg;
	}
	xappendf(&t->buf, &t->len, "%s\n", on ? COLOR_OFF : "");
	free(line);
}

/* The map without the descriptors counted apart, then their counts. */
static char *map_marked(const struct steps *s, const int *table,
			size_t ntable, int mark, int mark2)
{
	int *shown = xcalloc(ntable + 1, sizeof(int));
	size_t i, n = 0, inherited = 0, own = 0, len;
	char *map;

	for (i = 0; i < ntable; i++) {
		int k = steps_hidden(s, table[i]);

		if (k == 0)
			shown[n++] = table[i];
		else if (k == 1)
			inherited++;
		else
			own++;
	}
	map = steps_map(shown, n, mark, mark2);
	len = strlen(map);
	free(shown);
	if (inherited)
		xappendf(&map, &len, " +%zu inherited", inherited);
	if (own)
		xappendf(&map, &len, " +%zu fdscope's own", own);
	return map;
}

char *steps_shown_map(const struct steps *s, const int *t, size_t n)
{
	return map_marked(s, t, n, -1, -1);
}

static char *shown_map(const struct steps *s, const struct step *st)
{
	return map_marked(s, st->table, st->ntable, st->mark,
			  st->has_fds ? st->fds[1] : -1);
}

static void text_step(struct text *t, const struct steps *s, const struct step *st)
{
	char *map, *line = NULL;
	size_t len = 0;

	text_call_line(t, s, st);
	/* A prediction the kernel did not follow is a result, never hidden. */
	if (st->has_expected && st->err == 0 && st->ret != st->expected) {
		char note[160];

		snprintf(note, sizeof(note), "note: the lowest free number was %d, "
			 "but the kernel returned %lld", st->expected, st->ret);
		text_wrap(t, s, st->side, "    ", COLOR_NOTE, note);
	}
	if (!s->o.quiet && st->narration)
		text_wrap(t, s, st->side, "    ", NULL, st->narration);
	map = shown_map(s, st);
	xappendf(&line, &len, "table: %s", map);
	text_wrap(t, s, st->side, "    ", NULL, line);
	free(line);
	free(map);
}

/* One write for the whole block: a forked peer's lines never land inside
 * ours. */
static void text_write(struct steps *s, struct text *t)
{
	size_t off = 0;

	if (t->len == 0)
		return;
	if (s->o.screen) {
		if (screen_write(s->o.screen, t->buf, t->len) < 0 &&
		    !s->write_failed) {
			s->write_failed = true;
			s->write_errno = errno;
		}
		return;
	}
	if (fflush(stdout) != 0) {
		s->write_failed = true;
		s->write_errno = errno;
	}
	while (off < t->len && !s->write_failed) {
		ssize_t w = write(STDOUT_FILENO, t->buf + off, t->len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			s->write_failed = true;
			s->write_errno = w < 0 ? errno : EIO;
			break;
		}
		off += (size_t)w;
	}
}

static void render(const struct steps *s, struct step *st)
{
	struct text t = { NULL, 0 };

	if (s->o.json || st->silent || st->rendered || st->text_only)
		return;
	text_step(&t, s, st);
	st->rendered = t.buf;
}

static int send_step(int fd, const struct step *st);

/* A part's heading, numbered by the record that prints it (the tour's,
 * for its children's parts too): from 2, the section's start being 1. */
static void part_text(struct steps *s, struct text *t, const char *side,
		      const char *title)
{
	s->part = s->part > 0 ? s->part + 1 : 2;
	text_prefix(t, side);
	xappendf(&t->buf, &t->len, "%s== part %d: %s ==%s\n", s->o.color ?
		 COLOR_HEAD : "", s->part, title, s->o.color ? COLOR_OFF : "");
}

/* A complete step on its way: to the parent, or on screen. */
static void emit(struct steps *s, struct step *st)
{
	struct text t;

	if (s->stream_fd >= 0) {
		if (send_step(s->stream_fd, st) < 0 && !s->write_failed) {
			s->write_failed = true;
			s->write_errno = errno;
		}
		return;
	}
	if (s->o.json || st->rendered == NULL)
		return;
	if (st->part) {
		if (s->o.screen)
			screen_part_break(s->o.screen);
		t.buf = NULL;
		t.len = 0;
		part_text(s, &t, st->side, st->narration ? st->narration : "");
		text_write(s, &t);
		free(t.buf);
		return;
	}
	t.buf = st->rendered;
	t.len = strlen(st->rendered);
	text_write(s, &t);
	if (s->o.screen && !st->text_only)
		screen_after_call(s->o.screen);
}

void steps_flush(struct steps *s)
{
	size_t i;

	for (i = s->printed; i < s->n; i++)
		render(s, &s->v[i]);
	if (s->holding)
		return;
	for (; s->printed < s->n; s->printed++)
		emit(s, &s->v[s->printed]);
}

void steps_start(struct steps *s)
{
	s->next_start = now_ns();
}

void steps_stream_to(struct steps *s, int fd)
{
	s->stream_fd = fd;
}

void steps_hold(struct steps *s)
{
	steps_flush(s);
	s->holding = true;
}

/* ---- recording ---- */

static struct step *new_step(struct steps *s)
{
	struct step *st;

	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	st = &s->v[s->n++];
	memset(st, 0, sizeof(*st));
	st->mark = -1;
	st->section = s->section ? xstrdup(s->section) : NULL;
	st->t_ns = now_ns();
	return st;
}

static struct step *add_step(struct steps *s, const char *syscall,
			     long long ret, int err, char *call, int *table,
			     int n)
{
	struct step *st;
	size_t len = 0;

	if (call == NULL)
		xappendf(&call, &len, "%s(...)", syscall);
	st = new_step(s);
	st->call = call;
	st->syscall = xstrdup(syscall);
	st->ret = ret;
	st->err = err;
	st->mark = ret >= 0 && err == 0 && returns_fd(syscall) ? (int)ret : -1;
	st->table = table;
	st->ntable = n < 0 ? 0 : (size_t)n;
	st->side = s->o.side ? xstrdup(s->o.side) : NULL;
	if (s->next_start)
		st->t_ns = s->next_start;
	s->next_start = 0;
	return st;
}

/* Text mode: a paragraph or figure.  A child's goes to its parent as an
 * item of the record; otherwise it is written now. */
static void add_text(struct steps *s, struct text *t)
{
	struct step *st;

	if (s->stream_fd < 0 && !s->holding) {
		text_write(s, t);
		free(t->buf);
		return;
	}
	st = new_step(s);
	st->text_only = true;
	st->rendered = t->buf ? t->buf : xstrdup("");
	st->call = xstrdup("");
	st->syscall = xstrdup("");
	steps_flush(s);
}

struct step *steps_call(struct steps *s, const char *syscall, long long ret,
			int err, const char *fmt, ...)
{
	va_list ap;
	int *table = NULL, n;
	char *call;

	/* The table first: nothing may open or close before it is read. */
	n = steps_read_table(s, &table);
	steps_flush(s);
	va_start(ap, fmt);
	call = xvformat(fmt, ap);
	va_end(ap);
	return add_step(s, syscall, ret, err, call, table, n);
}

/* The previous table with added put in (in order) and removed taken out. */
static int derive_table(const struct step *prev, int added, int removed,
			int **out)
{
	int *t = xcalloc(prev->ntable + 1, sizeof(*t));
	size_t i, n = 0;
	bool put = added < 0;

	for (i = 0; i < prev->ntable; i++) {
		int v = prev->table[i];

		if (v == removed)
			continue;
		if (!put && added <= v) {
			if (added < v)
				t[n++] = added;
			put = true;
		}
		t[n++] = v;
	}
	if (!put)
		t[n++] = added;
	*out = t;
	return (int)n;
}

struct step *steps_call_delta(struct steps *s, int added, int removed,
			      const char *syscall, long long ret, int err,
			      const char *fmt, ...)
{
	va_list ap;
	int *table = NULL, n;
	char *call;

	if (s->n == 0)
		n = steps_read_table(s, &table);
	else
		n = derive_table(&s->v[s->n - 1], added, removed, &table);
	steps_flush(s);
	va_start(ap, fmt);
	call = xvformat(fmt, ap);
	va_end(ap);
	return add_step(s, syscall, ret, err, call, table, n);
}

void step_fds(struct step *st, int a, int b)
{
	st->has_fds = true;
	st->fds[0] = a;
	st->fds[1] = b;
	st->mark = a;
}

void step_expect(struct step *st, int expected)
{
	st->has_expected = true;
	st->expected = expected;
}

void step_mark(struct step *st, int fd)
{
	st->mark = fd;
}

void step_silence(struct step *st)
{
	st->silent = true;
}

void step_say(struct step *st, const char *fmt, ...)
{
	char *add;
	size_t len = st->narration ? strlen(st->narration) : 0;
	va_list ap;

	va_start(ap, fmt);
	add = xvformat(fmt, ap);
	va_end(ap);
	xappendf(&st->narration, &len, "%s%s", len ? " " : "", add);
	free(add);
}


void steps_heading(struct steps *s, const char *fmt, ...)
{
	struct text t = { NULL, 0 };
	va_list ap;
	char *h;

	steps_flush(s);
	va_start(ap, fmt);
	h = xvformat(fmt, ap);
	va_end(ap);
	free(s->section);
	s->section = xstrdup(h);
	s->part = 1;
	if (s->o.json) {
		free(h);
		return;
	}
	xappendf(&t.buf, &t.len, "\n");
	text_prefix(&t, s->o.side);
	xappendf(&t.buf, &t.len, "%s== %s ==%s\n", s->o.color ? COLOR_HEAD : "",
		 h, s->o.color ? COLOR_OFF : "");
	add_text(s, &t);
	free(h);
}


void steps_part(struct steps *s, const char *fmt, ...)
{
	struct text t = { NULL, 0 };
	struct step *st;
	va_list ap;
	char *h;

	steps_flush(s);
	if (s->o.json)
		return;
	va_start(ap, fmt);
	h = xvformat(fmt, ap);
	va_end(ap);
	if (s->stream_fd < 0 && !s->holding) {
		if (s->o.screen)
			screen_part_break(s->o.screen);
		part_text(s, &t, s->o.side, h);
		text_write(s, &t);
		free(t.buf);
		free(h);
		return;
	}
	/* Rendered where it is printed (emit), numbered there. */
	st = new_step(s);
	st->text_only = true;
	st->part = true;
	st->narration = h;
	st->rendered = xstrdup("");
	st->call = xstrdup("");
	st->syscall = xstrdup("");
	steps_flush(s);
}

void steps_say(struct steps *s, const char *fmt, ...)
{
	struct text t = { NULL, 0 };
	va_list ap;
	char *p;

	steps_flush(s);
	if (s->o.json || s->o.quiet)
		return;
	va_start(ap, fmt);
	p = xvformat(fmt, ap);
	va_end(ap);
	text_wrap(&t, s, s->o.side, "", NULL, p);
	add_text(s, &t);
	free(p);
}

void steps_text(struct steps *s, const char *fmt, ...)
{
	struct text t = { NULL, 0 };
	const char *line;
	va_list ap;
	char *p;

	steps_flush(s);
	if (s->o.json)
		return;
	va_start(ap, fmt);
	p = xvformat(fmt, ap);
	va_end(ap);
	for (line = p; *line; ) {
		size_t n = strcspn(line, "\n");

		text_prefix(&t, s->o.side);
		xappendf(&t.buf, &t.len, "%.*s\n", (int)n, line);
		line += n + (line[n] == '\n');
	}
	add_text(s, &t);
	free(p);
}

/* ---- JSON ---- */

enum {
	COL_CALL, COL_SYSCALL, COL_RET, COL_FDS, COL_ERRNO, COL_TABLE,
	COL_EXPECTED, COL_SIDE, COL_TIME, COL_SECTION, COL_NARRATION, NCOLUMNS
};

static const struct out_column columns[NCOLUMNS] = {
	[COL_CALL] = { "CALL", 0, 0, OUT_JSON_STRING, "the call as shown" },
	[COL_SYSCALL] = { "SYSCALL", 0, 0, OUT_JSON_STRING, "function name" },
	[COL_RET] = { "RET", 0, OUT_RIGHT, OUT_JSON_NUMBER, "returned value" },
	[COL_FDS] = { "FDS", 0, 0, OUT_JSON_ARRAY_NUMBER,
		"pipe/socketpair descriptors" },
	[COL_ERRNO] = { "ERRNO", 0, 0, OUT_JSON_STRING, "errno name or null" },
	[COL_TABLE] = { "TABLE", 0, 0, OUT_JSON_ARRAY_NUMBER,
		"descriptors open after the call" },
	[COL_EXPECTED] = { "EXPECTED", 0, OUT_RIGHT, OUT_JSON_NUMBER,
		"number the lowest-available rule predicts, or null" },
	[COL_SIDE] = { "SIDE", 0, 0, OUT_JSON_STRING,
		"server, client, child, or null: fdscope itself" },
	[COL_TIME] = { "TIME_NS", 0, OUT_RIGHT, OUT_JSON_NUMBER,
		"CLOCK_MONOTONIC nanoseconds: the steps' order" },
	[COL_SECTION] = { "SECTION", 0, 0, OUT_JSON_STRING,
		"the tour's section" },
	[COL_NARRATION] = { "NARRATION", 0, 0, OUT_JSON_STRING,
		"the explanation" },
};

/* A row of the JSON table: the step and its texts that may be long. */
struct json_row {
	const struct step *st;
	char *table;		/* newline-separated numbers */
	char *fds;
	char *call;		/* escaped */
	char *narration;	/* escaped, or NULL */
};

static char *numbers_text(const int *v, size_t n)
{
	char *buf = NULL;
	size_t len = 0, i;

	xappendf(&buf, &len, "%s", "");
	for (i = 0; i < n; i++)
		xappendf(&buf, &len, i ? "\n%d" : "%d", v[i]);
	return buf;
}

static void json_row_init(struct json_row *r, const struct step *st)
{
	r->st = st;
	r->table = numbers_text(st->table, st->ntable);
	r->fds = numbers_text(st->fds, st->has_fds ? 2 : 0);
	/* Call and narration texts are built by fdscope, with untrusted
	 * parts (paths) already escaped, so libsmartcols' JSON escaping is
	 * all they need. */
	r->call = xstrdup(st->call);
	r->narration = st->narration ? xstrdup(st->narration) : NULL;
}

static void json_row_release(struct json_row *r)
{
	free(r->table);
	free(r->fds);
	free(r->call);
	free(r->narration);
}

static const char *step_cell(const void *row, int col, char *buf, size_t len)
{
	const struct json_row *r = row;
	const struct step *st = r->st;
	const char *name;

	switch (col) {
	case COL_CALL:
		return r->call;
	case COL_SYSCALL:
		return st->syscall;
	case COL_RET:
		snprintf(buf, len, "%lld", st->ret);
		return buf;
	case COL_FDS:
		return r->fds;
	case COL_ERRNO:
		if (st->err == 0)
			return NULL;
		name = steps_errno_name(st->err);
		if (name)
			return name;
		snprintf(buf, len, "errno %d", st->err);
		return buf;
	case COL_TABLE:
		return r->table;
	case COL_EXPECTED:
		if (!st->has_expected)
			return NULL;
		snprintf(buf, len, "%d", st->expected);
		return buf;
	case COL_SIDE:
		return st->side;
	case COL_TIME:
		snprintf(buf, len, "%llu", st->t_ns);
		return buf;
	case COL_SECTION:
		return st->section;
	case COL_NARRATION:
		return r->narration;
	default:
		return NULL;
	}
}

static int print_json(struct steps *s)
{
	static const struct out_opts jo = { .json = true };
	int selected[NCOLUMNS];
	size_t nsel = 0, i;
	bool any_section = false;
	struct out_table *t;
	int rc;

	for (i = 0; i < s->n; i++)
		any_section |= s->v[i].section != NULL;
	for (i = 0; i < NCOLUMNS; i++)
		if (i != COL_SECTION || any_section)
			selected[nsel++] = (int)i;
	t = out_table_new("steps", columns, selected, nsel, &jo);
	for (i = 0; i < s->n; i++) {
		struct json_row r;

		if (s->v[i].text_only)
			continue;
		/* libsmartcols copies each cell, so a row's texts can go. */
		json_row_init(&r, &s->v[i]);
		out_table_add(t, &r, step_cell);
		json_row_release(&r);
	}
	rc = out_table_print(t);
	out_table_free(t);
	return rc;
}

int steps_finish(struct steps *s)
{
	if (!s->o.json || s->stream_fd >= 0) {
		steps_flush(s);
		if (s->write_failed) {
			errno = s->write_errno;
			return -1;
		}
		return 0;
	}
	s->printed = s->n;
	return print_json(s);
}

/* ---- carrying steps across fork() ---- */

/* The record on the pipe: this header, then the strings (without their
 * NULs) and the table.  Both ends are the same program. */
struct wire_step {
	uint32_t magic;
	int32_t err, has_fds, fds[2], has_expected, expected, mark, silent;
	int32_t text_only, part;
	int64_t ret;
	uint64_t t_ns;
	uint32_t ntable, call_len, syscall_len, side_len, narration_len;
	uint32_t rendered_len;
};

#define WIRE_MAGIC 0x66647374u	/* "fdst" */
#define WIRE_MAX_STRING (1u << 20)
#define WIRE_MAX_TABLE (1u << 24)

static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Returns 1 when n bytes were read, 0 on EOF before the first byte, -1 on
 * error or a short record (EPROTO). */
static int read_all(int fd, void *buf, size_t n)
{
	char *p = buf;
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, p + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0) {
			if (got == 0)
				return 0;
			errno = EPROTO;
			return -1;
		}
		got += (size_t)r;
	}
	return 1;
}

static uint32_t str_len(const char *s)
{
	return s ? (uint32_t)strlen(s) + 1 : 0;	/* 0: NULL */
}

static void append_string(char **buf, size_t *len, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0)
		return;
	*buf = xrealloc(*buf, *len + n);
	memcpy(*buf + *len, s, n);
	*len += n;
}

static int send_step(int fd, const struct step *st)
{
	struct wire_step w;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	memset(&w, 0, sizeof(w));
	w.magic = WIRE_MAGIC;
	w.err = st->err;
	w.has_fds = st->has_fds;
	w.fds[0] = st->fds[0];
	w.fds[1] = st->fds[1];
	w.has_expected = st->has_expected;
	w.expected = st->expected;
	w.mark = st->mark;
	w.silent = st->silent;
	w.text_only = st->text_only;
	w.part = st->part;
	w.ret = st->ret;
	w.t_ns = st->t_ns;
	w.ntable = (uint32_t)st->ntable;
	w.call_len = str_len(st->call);
	w.syscall_len = str_len(st->syscall);
	w.side_len = str_len(st->side);
	w.narration_len = str_len(st->narration);
	w.rendered_len = str_len(st->rendered);
	/* One buffer, one write: a record never reaches the parent in
	 * pieces that it would wait for. */
	xappendf(&buf, &len, "%s", "");
	buf = xrealloc(buf, sizeof(w));
	memcpy(buf, &w, sizeof(w));
	len = sizeof(w);
	append_string(&buf, &len, st->call);
	append_string(&buf, &len, st->syscall);
	append_string(&buf, &len, st->side);
	append_string(&buf, &len, st->narration);
	append_string(&buf, &len, st->rendered);
	if (st->ntable) {
		buf = xrealloc(buf, len + st->ntable * sizeof(int));
		memcpy(buf + len, st->table, st->ntable * sizeof(int));
		len += st->ntable * sizeof(int);
	}
	rc = write_all(fd, buf, len);
	free(buf);
	return rc;
}

/* len is the string's length plus one, 0 for NULL. */
static int receive_string(int fd, uint32_t len, char **out)
{
	*out = NULL;
	if (len == 0)
		return 0;
	if (len > WIRE_MAX_STRING) {
		errno = EPROTO;
		return -1;
	}
	*out = xmalloc(len);
	(*out)[len - 1] = '\0';
	if (len > 1 && read_all(fd, *out, len - 1) != 1) {
		if (errno == 0)
			errno = EPROTO;
		return -1;
	}
	return 0;
}

static int receive_step(int fd, struct step *st)
{
	struct wire_step w;
	int rc = read_all(fd, &w, sizeof(w));

	memset(st, 0, sizeof(*st));
	if (rc <= 0)
		return rc;
	if (w.magic != WIRE_MAGIC || w.ntable > WIRE_MAX_TABLE) {
		errno = EPROTO;
		return -1;
	}
	st->err = w.err;
	st->has_fds = w.has_fds;
	st->fds[0] = w.fds[0];
	st->fds[1] = w.fds[1];
	st->has_expected = w.has_expected;
	st->expected = w.expected;
	st->mark = w.mark;
	st->silent = w.silent;
	st->text_only = w.text_only;
	st->part = w.part;
	st->ret = w.ret;
	st->t_ns = w.t_ns;
	st->ntable = w.ntable;
	st->table = xcalloc(w.ntable ? w.ntable : 1, sizeof(int));
	if (receive_string(fd, w.call_len, &st->call) < 0 ||
	    receive_string(fd, w.syscall_len, &st->syscall) < 0 ||
	    receive_string(fd, w.side_len, &st->side) < 0 ||
	    receive_string(fd, w.narration_len, &st->narration) < 0 ||
	    receive_string(fd, w.rendered_len, &st->rendered) < 0 ||
	    (w.ntable && read_all(fd, st->table, w.ntable * sizeof(int)) != 1))
		return -1;
	if (st->call == NULL || st->syscall == NULL) {
		errno = EPROTO;
		return -1;
	}
	return 1;
}

/* One source of steps for the merge: a child's pipe, or the parent's
 * own held steps (fd -1, complete from the start). */
struct source {
	int fd;
	bool open;
	struct step *q;
	size_t n, cap, head;
};

static void source_push(struct source *src, const struct step *st)
{
	if (src->n == src->cap) {
		src->cap = src->cap ? 2 * src->cap : 16;
		src->q = xrealloc(src->q, src->cap * sizeof(*src->q));
	}
	src->q[src->n++] = *st;
}

/* Takes the earliest head step of srcs when no open source could still
 * send an earlier one (each source's steps come in their time order);
 * all: the sources are all done. */
static struct source *earliest(struct source *srcs, size_t n)
{
	struct source *best = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		struct source *src = &srcs[i];

		if (src->head == src->n) {
			if (src->open)
				return NULL;
			continue;
		}
		if (best == NULL ||
		    src->q[src->head].t_ns < best->q[best->head].t_ns)
			best = src;
	}
	return best;
}

static void emit_ready(struct steps *s, struct source *srcs, size_t n)
{
	struct source *src;

	while ((src = earliest(srcs, n)) != NULL) {
		struct step *st = new_step(s);

		free(st->section);
		*st = src->q[src->head++];
		if (st->section == NULL && s->section)
			st->section = xstrdup(s->section);
		s->printed = s->n;
		emit(s, st);
	}
}

int steps_merge(struct steps *s, const int *fds, size_t nfds, int timeout_s)
{
	struct source *srcs = xcalloc(nfds + 1, sizeof(*srcs));
	size_t i, nopen = nfds;
	int ret = 0, saved = 0;

	steps_flush(s);
	/* The held steps are source 0, complete. */
	srcs[0].fd = -1;
	for (i = s->printed; i < s->n; i++)
		source_push(&srcs[0], &s->v[i]);
	s->n = s->printed;
	s->holding = false;
	for (i = 0; i < nfds; i++) {
		srcs[i + 1].fd = fds[i];
		srcs[i + 1].open = fds[i] >= 0;
		if (fds[i] < 0)
			nopen--;
	}
	while (nopen > 0) {
		struct pollfd pfd[8];
		size_t map[8], np = 0;
		int rc;

		emit_ready(s, srcs, nfds + 1);
		for (i = 1; i <= nfds && np < ARRAY_SIZE(pfd); i++)
			if (srcs[i].open) {
				pfd[np].fd = srcs[i].fd;
				pfd[np].events = POLLIN;
				map[np++] = i;
			}
		rc = poll(pfd, np, timeout_s * 1000);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0) {
			saved = rc == 0 ? ETIMEDOUT : errno;
			ret = -1;
			break;
		}
		for (i = 0; i < np; i++) {
			struct source *src = &srcs[map[i]];
			struct step st;

			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			errno = 0;
			rc = receive_step(src->fd, &st);
			if (rc == 1) {
				source_push(src, &st);
				continue;
			}
			step_release(&st);
			if (rc < 0) {
				saved = errno ? errno : EPROTO;
				ret = -1;
			}
			src->open = false;
			nopen--;
		}
	}
	for (i = 0; i <= nfds; i++)
		srcs[i].open = false;
	emit_ready(s, srcs, nfds + 1);
	for (i = 0; i <= nfds; i++)
		free(srcs[i].q);
	free(srcs);
	errno = saved;
	return ret;
}
