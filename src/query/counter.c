/* Counting the rows `list` prints.  The type counters grow as types are
 * met, in the order met; a custom counter is a -Q expression evaluated on
 * every printed row.  Headroom is read from /proc/PID/limits and the
 * size of /proc/PID/fd, as `limits` reads them. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"
#include "out/escape.h"
#include "proc/fdlist.h"
#include "proc/procfs.h"
#include "query/counter.h"

struct counter {
	char *name;
	const char *expr;
	struct filter *f;
	unsigned long long count;
};

struct headroom {
	pid_t pid;
	char comm[64];
	bool have_open, have_soft, unlimited;
	unsigned long long open, soft;
};

struct summary {
	enum summary_mode mode;
	struct counter *types, *custom;
	size_t ntypes, ncustom;
	unsigned long long rows;
	struct headroom *procs;
	size_t nprocs;
};

struct summary *summary_new(void)
{
	return xcalloc(1, sizeof(struct summary));
}

static void free_counters(struct counter *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(c[i].name);
		filter_free(c[i].f);
	}
	free(c);
}

void summary_free(struct summary *s)
{
	if (s == NULL)
		return;
	free_counters(s->types, s->ntypes);
	free_counters(s->custom, s->ncustom);
	free(s->procs);
	free(s);
}

int summary_set_mode(struct summary *s, const char *arg, char *why,
		     size_t len)
{
	if (arg == NULL || strcmp(arg, "append") == 0) {
		s->mode = SUMMARY_APPEND;
	} else if (strcmp(arg, "only") == 0) {
		s->mode = SUMMARY_ONLY;
	} else if (strcmp(arg, "never") == 0) {
		s->mode = SUMMARY_NEVER;
	} else {
		char *esc = query_echo(arg, strlen(arg));

		snprintf(why, len, "invalid --summary '%s': give only, append "
			 "or never", esc);
		free(esc);
		return -1;
	}
	return 0;
}

enum summary_mode summary_mode(const struct summary *s)
{
	return s->mode;
}

int summary_add_counter(struct summary *s, const char *spec, char *why,
			size_t len)
{
	const char *colon = strchr(spec, ':');
	struct counter *c;

	if (colon == NULL || colon == spec || colon[1] == '\0') {
		char *esc = query_echo(spec, strlen(spec));

		snprintf(why, len, "invalid -C '%s': give NAME:EXPR, e.g. "
			 "'big:SIZE > 1000000'", esc);
		free(esc);
		return -1;
	}
	s->custom = xrealloc(s->custom, (s->ncustom + 1) * sizeof(*s->custom));
	c = &s->custom[s->ncustom++];
	memset(c, 0, sizeof(*c));
	c->name = xmalloc((size_t)(colon - spec) + 1);
	memcpy(c->name, spec, (size_t)(colon - spec));
	c->name[colon - spec] = '\0';
	c->expr = colon + 1;
	return 0;
}

int summary_prepare(struct summary *s, const struct out_column *cols,
		    size_t ncols)
{
	struct filter_error fe;
	size_t i;

	for (i = 0; i < s->ncustom; i++) {
		s->custom[i].f = filter_parse(s->custom[i].expr, cols, ncols, &fe);
		if (s->custom[i].f == NULL) {
			char prefix[96], *esc = query_echo(s->custom[i].name,
							      strlen(s->custom[i].name));

			snprintf(prefix, sizeof(prefix),
				 "invalid expression of counter '%s'", esc);
			free(esc);
			filter_print_error(stderr, prefix, s->custom[i].expr, &fe);
			return -1;
		}
	}
	return 0;
}

bool summary_uses(const struct summary *s, int col)
{
	size_t i;

	for (i = 0; i < s->ncustom; i++)
		if (filter_uses(s->custom[i].f, col))
			return true;
	return false;
}

void summary_count_row(struct summary *s, const char *type, filter_get_fn get,
		       const void *ctx)
{
	size_t i;

	s->rows++;
	for (i = 0; i < s->ntypes; i++)
		if (strcmp(s->types[i].name, type) == 0)
			break;
	if (i == s->ntypes) {
		s->types = xrealloc(s->types, (s->ntypes + 1) * sizeof(*s->types));
		memset(&s->types[i], 0, sizeof(s->types[i]));
		s->types[i].name = xstrdup(type);
		s->ntypes++;
	}
	s->types[i].count++;
	for (i = 0; i < s->ncustom; i++)
		if (filter_eval(s->custom[i].f, get, ctx) == FILTER_TRUE)
			s->custom[i].count++;
}

void summary_add_process(struct summary *s, int piddir, pid_t pid,
			 const char *comm)
{
	struct headroom *h;
	struct limit_pair lim;
	struct fd_count fc;
	char buf[4096];
	bool self = pid == getpid();
	size_t hint = 0;

	s->procs = xrealloc(s->procs, (s->nprocs + 1) * sizeof(*s->procs));
	h = &s->procs[s->nprocs++];
	memset(h, 0, sizeof(*h));
	h->pid = pid;
	snprintf(h->comm, sizeof(h->comm), "%s", comm);
	/* Everything of one process read through the caller's pin. */
	if (piddir < 0)
		return;
	/* fdscope's own count leaves out the handle it reads with. */
	if (!self)
		hint = procfs_fd_count_hint(piddir);
	if (hint) {
		h->open = hint;
		h->have_open = true;
	} else if (fd_proc_count_at(piddir, self ? 0 : pid, 0, &fc) == 0) {
		h->open = fc.open;
		h->have_open = true;
	}
	if (procfs_read_at(piddir, "limits", buf, sizeof(buf)) > 0 &&
	    limits_parse_nofile(buf, &lim) == 0) {
		h->have_soft = true;
		h->unlimited = lim.soft_unlimited;
		h->soft = lim.soft;
	}
}

enum { SC_VALUE, SC_COUNTER, NSC };

static const struct out_column summary_cols[NSC] = {
	[SC_VALUE] = { "VALUE", 5, OUT_RIGHT, OUT_JSON_NUMBER,
		"how many" },
	[SC_COUNTER] = { "COUNTER", 0.3, 0, OUT_JSON_STRING,
		"a descriptor type, a -C counter, or processes" },
};

enum { HC_PID, HC_COMMAND, HC_OPEN, HC_SOFT, HC_HEADROOM, HC_USE, NHC };

static const struct out_column headroom_cols[NHC] = {
	[HC_PID] = { "PID", 5, OUT_RIGHT, OUT_JSON_NUMBER, "process ID" },
	[HC_COMMAND] = { "COMMAND", 0.2, 0, OUT_JSON_STRING, "command name" },
	[HC_OPEN] = { "OPEN", 5, OUT_RIGHT, OUT_JSON_NUMBER,
		"descriptors open (the size of /proc/PID/fd)" },
	[HC_SOFT] = { "SOFT", 5, OUT_RIGHT, OUT_JSON_NUMBER,
		"soft RLIMIT_NOFILE; empty when unlimited" },
	[HC_HEADROOM] = { "HEADROOM", 5, OUT_RIGHT, OUT_JSON_NUMBER,
		"SOFT minus OPEN: descriptors it may still open" },
	[HC_USE] = { "PERCENT", 4, OUT_RIGHT, OUT_JSON_NUMBER,
		"OPEN as a percentage of SOFT" },
};

struct summary_row {
	const char *name;
	unsigned long long value;
};

static const char *summary_cell(const void *row, int col, char *buf,
				size_t len)
{
	const struct summary_row *r = row;

	if (col == SC_VALUE) {
		snprintf(buf, len, "%llu", r->value);
		return buf;
	}
	escape_into(buf, len, r->name, strlen(r->name));
	return buf;
}

static const char *headroom_cell(const void *row, int col, char *buf,
				 size_t len)
{
	const struct headroom *h = row;
	bool limited = h->have_soft && !h->unlimited;

	switch (col) {
	case HC_PID:
		snprintf(buf, len, "%ld", (long)h->pid);
		return buf;
	case HC_COMMAND:
		escape_into(buf, len, h->comm, strlen(h->comm));
		return buf;
	case HC_OPEN:
		if (!h->have_open)
			return NULL;
		snprintf(buf, len, "%llu", h->open);
		return buf;
	case HC_SOFT:
		if (!limited)
			return NULL;
		snprintf(buf, len, "%llu", h->soft);
		return buf;
	case HC_HEADROOM:
		if (!limited || !h->have_open)
			return NULL;
		/* Signed: a lowered limit may leave a process above it. */
		snprintf(buf, len, "%lld", (long long)h->soft - (long long)h->open);
		return buf;
	case HC_USE:
		if (!limited || !h->have_open || h->soft == 0)
			return NULL;
		snprintf(buf, len, "%llu", h->open * 100 / h->soft);
		return buf;
	default:
		return NULL;
	}
}

static int print_counters(const struct summary *s, const struct out_opts *o)
{
	static const int sel[] = { SC_VALUE, SC_COUNTER };
	struct out_table *t = out_table_new("summary", summary_cols, sel, 2, o);
	struct summary_row *rows;
	size_t i, n = 0;
	int ret;

	rows = xcalloc(s->ntypes + s->ncustom + 1, sizeof(*rows));
	for (i = 0; i < s->ntypes; i++)
		rows[n++] = (struct summary_row){ s->types[i].name, s->types[i].count };
	for (i = 0; i < s->ncustom; i++)
		rows[n++] = (struct summary_row){ s->custom[i].name, s->custom[i].count };
	rows[n++] = (struct summary_row){ "processes", s->nprocs };
	for (i = 0; i < n; i++)
		out_table_add(t, &rows[i], summary_cell);
	ret = out_table_print(t);
	out_table_free(t);
	free(rows);
	return ret;
}

int summary_print(const struct summary *s, const struct out_opts *o)
{
	static const int sel[] = { HC_PID, HC_COMMAND, HC_OPEN, HC_SOFT,
				   HC_HEADROOM, HC_USE };
	struct out_table *t;
	size_t i;
	int ret;

	if (print_counters(s, o) < 0)
		return -1;
	if (s->nprocs == 0)
		return 0;
	if (!o->json)
		putchar('\n');
	t = out_table_new("headroom", headroom_cols, sel, ARRAY_SIZE(sel), o);
	for (i = 0; i < s->nprocs; i++)
		out_table_add(t, &s->procs[i], headroom_cell);
	ret = out_table_print(t);
	out_table_free(t);
	return ret;
}
