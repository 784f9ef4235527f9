/* `fdscope tables`: the three tables behind a descriptor, live.  Per
 * process descriptor table -> open file descriptions (offset, status
 * flags) -> inodes: the same file opened twice, dup, fork, and
 * close-on-exec across exec.  Which descriptors share a description is
 * asked of the kernel with kcmp(KCMP_FILE), or found by moving one offset
 * and watching the other when kcmp is refused. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/command.h"
#include "lib/util.h"
#include "out/escape.h"
#include "teach/demo.h"
#include "teach/figure.h"
#include "proc/kcmp.h"
#include "proc/procfs.h"
#include "teach/tempdir.h"

/* What `fdscope list -r -n -o FD,NOTE` may print at most: far more than
 * a table of a few descriptors, and a clear error beyond. */
#define LIST_OUTPUT_MAX (1 << 20)

#define TABLES_MAX_FDS 4
#define CONTENT "0123456789abcdef"

struct tables_state {
	int fd[TABLES_MAX_FDS];	/* the demo's descriptors, -1 when closed */
	int desc[TABLES_MAX_FDS];	/* description number, 1-based */
	long long pos[TABLES_MAX_FDS];
	int flags[TABLES_MAX_FDS];
	bool cloexec[TABLES_MAX_FDS];	/* F_GETFD when drawn */
	unsigned long long ino[TABLES_MAX_FDS];
	bool used_probe;	/* kcmp was refused at least once */
	int said_probe;		/* the method said under a figure: 1 kcmp, 2 probe */
	int kcmp_errno;
	bool force_probe;	/* FDSCOPE_NO_KCMP set */
	bool want_figure;	/* --dot/--svg: snapshot at fork */
	bool have_figure;
	struct figure fig;
};

/* Moves a's offset by one and watches b's: they move together only when
 * they share the open file description.  Both offsets are put back. */
static int probe_same(int a, int b)
{
	off_t pa = lseek(a, 0, SEEK_CUR), pb = lseek(b, 0, SEEK_CUR), nb;

	if (pa < 0 || pb < 0)
		return -1;
	if (pa != pb)
		return 0;
	if (lseek(a, pa + 1, SEEK_SET) < 0)
		return -1;
	nb = lseek(b, 0, SEEK_CUR);
	lseek(a, pa, SEEK_SET);
	return nb == pa + 1;
}

static int same_description(struct tables_state *ts, int a, int b)
{
	int rc;

	if (!ts->force_probe) {
		rc = kcmp_same_file(getpid(), a, getpid(), b);
		if (rc >= 0)
			return rc;
		ts->kcmp_errno = errno;
	}
	ts->used_probe = true;
	return probe_same(a, b);
}

/* Groups the open descriptors by description and reads what each holds. */
static void inspect(struct tables_state *ts)
{
	int i, j, next = 1;

	for (i = 0; i < TABLES_MAX_FDS; i++) {
		struct stat st;

		ts->desc[i] = 0;
		if (ts->fd[i] < 0)
			continue;
		for (j = 0; j < i && ts->desc[i] == 0; j++)
			if (ts->fd[j] >= 0 && same_description(ts, ts->fd[j], ts->fd[i]) == 1)
				ts->desc[i] = ts->desc[j];
		if (ts->desc[i] == 0)
			ts->desc[i] = next++;
		ts->pos[i] = lseek(ts->fd[i], 0, SEEK_CUR);
		ts->flags[i] = fcntl(ts->fd[i], F_GETFL);
		ts->cloexec[i] = (fcntl(ts->fd[i], F_GETFD) & FD_CLOEXEC) != 0;
		ts->ino[i] = fstat(ts->fd[i], &st) == 0 ? (unsigned long long)st.st_ino : 0;
	}
}

static const char *access_name(int flags)
{
	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		return "O_RDONLY";
	case O_WRONLY:
		return "O_WRONLY";
	default:
		return "O_RDWR";
	}
}

static void draw(struct demo_ctx *d, struct tables_state *ts)
{
	/* 58 columns at most (a 10-digit inode), 38 when narrower: the
	 * figure is never cut or wrapped. */
	bool narrow = steps_width(&d->steps) < 60, any_cloexec = false;
	char *fig = NULL;
	size_t len = 0;
	int i, j;

	inspect(ts);
	if (narrow) {
		xappendf(&fig, &len, "  fd       description       inode\n");
	} else {
		xappendf(&fig, &len, "  %-18s    %-22s    %s\n", "descriptor",
			 "open file description", "inode");
		xappendf(&fig, &len, "  %-18s    %-22s    %s\n", "table",
			 "(\"file table\")", "table");
	}
	for (i = 0; i < TABLES_MAX_FDS; i++) {
		bool first = true;

		if (ts->fd[i] < 0)
			continue;
		for (j = 0; j < i; j++)
			if (ts->fd[j] >= 0 && ts->desc[j] == ts->desc[i])
				first = false;
		/* Close-on-exec belongs to the descriptor: read now, shown
		 * on its side of the arrow. */
		any_cloexec |= ts->cloexec[i];
		if (narrow)
			xappendf(&fig, &len, "  %-3d%-2s -> ", ts->fd[i],
				 ts->cloexec[i] ? " *" : "");
		else
			xappendf(&fig, &len, "  fd %-3d %-10s --> ", ts->fd[i],
				 ts->cloexec[i] ? "FD_CLOEXEC" : "");
		if (first) {
			char dbuf[64];

			snprintf(dbuf, sizeof(dbuf), narrow ? "#%d @%lld %s" :
				 "#%d offset %lld %s", ts->desc[i], ts->pos[i],
				 access_name(ts->flags[i]) + (narrow ? 2 : 0));
			xappendf(&fig, &len, narrow ? "%-14s -> %llu\n" :
				 "%-22s --> %llu\n", dbuf, ts->ino[i]);
		} else {
			xappendf(&fig, &len, "#%d (shared)\n", ts->desc[i]);
		}
	}
	if (narrow && any_cloexec)
		xappendf(&fig, &len, "  (* FD_CLOEXEC)\n");
	steps_text(&d->steps, "%s", fig);
	free(fig);
	/* Which method decided the figure is a result: kept with --quiet,
	 * said again only when it changed. */
	if (ts->said_probe == (ts->used_probe ? 2 : 1))
		return;
	ts->said_probe = ts->used_probe ? 2 : 1;
	if (ts->used_probe)
		steps_text(&d->steps, "  (sharing found by offset probing: %s)",
			   ts->force_probe ? "FDSCOPE_NO_KCMP is set" :
			   strerror(ts->kcmp_errno));
	else
		steps_text(&d->steps, "  (sharing checked with kcmp(KCMP_FILE))");
}

static ssize_t demo_rw(struct demo_ctx *d, int fd, bool writing, size_t n)
{
	char buf[64];
	ssize_t r;

	if (writing) {
		r = write(fd, CONTENT, n);
		steps_call(&d->steps, "write", r, r < 0 ? errno : 0,
			   "write(%d, \"%.*s\", %zu)", fd, (int)n, CONTENT, n);
	} else {
		r = read(fd, buf, n);
		steps_call(&d->steps, "read", r, r < 0 ? errno : 0,
			   "read(%d, buf, %zu)", fd, n);
	}
	return r;
}

static off_t demo_tell(struct demo_ctx *d, int fd, const char *why)
{
	off_t o = lseek(fd, 0, SEEK_CUR);
	struct step *st = steps_call(&d->steps, "lseek", o, o < 0 ? errno : 0,
				     "lseek(%d, 0, SEEK_CUR)", fd);

	if (why)
		step_say(st, "%s", why);
	return o;
}

/* The child's side of the fork: read through the inherited descriptor,
 * compare it with the parent's, and hand its steps back over the pipe
 * (text mode: already printed, the parent only merges them). */
static void fork_child(struct demo_ctx *d, int fd, pid_t parent, int out)
{
	struct steps_opts o = d->steps.o;
	struct steps cs;
	char buf[4];
	ssize_t r;
	int same;

	o.side = "child";
	steps_init(&cs, &o);
	steps_copy_hidden(&cs, &d->steps);
	steps_stream_to(&cs, out);
	r = read(fd, buf, sizeof(buf));
	steps_call(&cs, "read", r, r < 0 ? errno : 0, "read(%d, buf, %zu)", fd,
		   sizeof(buf));
	same = kcmp_file(parent, fd, getpid(), fd);
	step_say(steps_call(&cs, "kcmp", same, same < 0 ? errno : 0,
			    "kcmp(%ld, %ld, KCMP_FILE, %d, %d)", (long)parent,
			    (long)getpid(), fd, fd),
		 same == 0 ? "0: the child's descriptor and the parent's "
		 "refer to one open file description." :
		 "kcmp could not compare them here.");
	steps_finish(&cs);
	steps_release(&cs);
}

/* A close-on-exec pipe from a child, made and narrated as a step.
 * Returns 0, or -1 (the demo marked failed) when pipe2 failed. */
static int open_child_pipe(struct demo_ctx *d, int p[2], const char *why)
{
	int rc = pipe2(p, O_CLOEXEC);
	struct step *st = steps_call(&d->steps, "pipe2", rc, rc < 0 ? errno : 0,
				     "pipe2([%d, %d], O_CLOEXEC)", p[0], p[1]);

	if (rc < 0) {
		d->failed = true;
		return -1;
	}
	step_fds(st, p[0], p[1]);
	step_say(st, "%s", why);
	return 0;
}

static bool skip_hidden(int fd, void *arg)
{
	const struct demo_ctx *d = arg;

	return steps_hidden(&d->steps, fd) != 0;
}

/* The child's table as its first step recorded it, for the figure. */
static void child_table(struct demo_ctx *d, struct tables_state *ts,
			pid_t pid, size_t from)
{
	size_t i;

	if (!ts->have_figure)
		return;
	for (i = from; i < d->steps.n; i++) {
		const struct step *st = &d->steps.v[i];

		if (st->side && strcmp(st->side, "child") == 0 && !st->text_only) {
			figure_set_child(&ts->fig, pid, st->table, st->ntable);
			return;
		}
	}
}

/* The figure of the tables now (--dot, --svg), keeping the child drawn at
 * the fork: later changes (close-on-exec) are in it. */
static void snapshot(struct demo_ctx *d, struct tables_state *ts,
		     const char *when)
{
	struct figure f;

	if (!ts->want_figure ||
	    figure_snapshot(&f, d->proc_root, skip_hidden, d) < 0)
		return;
	if (ts->have_figure) {
		figure_set_child(&f, ts->fig.child, ts->fig.child_fds,
				 ts->fig.nchild);
		figure_release(&ts->fig);
	}
	snprintf(f.when, sizeof(f.when), "%s", when);
	ts->fig = f;
	ts->have_figure = true;
}

static void show_fork(struct demo_ctx *d, struct tables_state *ts, int fd)
{
	pid_t parent = getpid(), pid;
	int p[2] = { -1, -1 }, status;

	steps_say(&d->steps, "fork copies the descriptor table: the child's "
		  "descriptors point at the same open file descriptions, so a "
		  "read in the child moves the parent's offset.");
	if (open_child_pipe(d, p, "A pipe to carry the child's record back: "
			    "one writer, the parent, prints both processes' "
			    "steps in the order they happened.") < 0)
		return;
	/* The figure is of the tables at the fork: the child's table is a
	 * copy of this one. */
	snapshot(d, ts, "at fork");
	steps_hold(&d->steps);
	fflush(stdout);
	steps_start(&d->steps);
	pid = tempdir_fork();
	if (pid == 0) {
		int i;

		close(p[0]);
		fork_child(d, fd, parent, p[1]);
		fflush(stdout);
		/* The child leaves with nothing of the demo's open. */
		close(p[1]);
		for (i = 0; i < TABLES_MAX_FDS; i++)
			if (ts->fd[i] >= 0)
				close(ts->fd[i]);
		/* Nor with anything else it inherited (issue 10). */
		close_range(3, ~0U, 0);
		_exit(0);
	}
	steps_call(&d->steps, "fork", pid, pid < 0 ? errno : 0, "fork()");
	demo_close(d, p[1]);
	if (pid > 0) {
		size_t first = d->steps.n;

		if (steps_merge(&d->steps, &p[0], 1, 15) < 0)
			warn("cannot read the child's steps");
		child_table(d, ts, pid, first);
	} else {
		steps_merge(&d->steps, NULL, 0, 0);
	}
	steps_part(&d->steps, "after the fork: one offset, two processes");
	demo_close(d, p[0]);
	if (pid < 0) {
		d->failed = true;
		return;
	}
	tempdir_reap(pid, &status);
	demo_tell(d, fd, "The parent's offset moved by the child's read.");
	draw(d, ts);
}

/* The descriptors in `fdscope list -r -n -o FD,NOTE` output (one row a
 * line: the number, one space, the escaped note, empty for a plain
 * descriptor), without the noted one (the program's own reader).  NULL
 * when a line is not of that form. */
static char *kept_list(const char *raw)
{
	const char *p = raw;
	char *out = NULL;
	size_t len = 0;

	xappendf(&out, &len, "%s", "");
	while (*p) {
		const char *nl = strchr(p, '\n');
		char *end;
		long v;

		if (nl == NULL)
			goto bad;
		errno = 0;
		v = strtol(p, &end, 10);
		if (end == p || errno || v < 0 || v > INT_MAX || *end != ' ')
			goto bad;
		if (end + 1 == nl)
			xappendf(&out, &len, "%s%ld", len ? " " : "", v);
		p = nl + 1;
	}
	return out;
bad:
	free(out);
	return NULL;
}

/* Reads everything from fd into a new string, up to LIST_OUTPUT_MAX
 * bytes; -1 (EFBIG) beyond, so nothing is cut silently. */
static int read_everything(int fd, char **out)
{
	char *buf = xmalloc(4096);
	size_t cap = 4096, got = 0;

	for (;;) {
		ssize_t r;

		if (got + 1 == cap) {
			if (cap >= LIST_OUTPUT_MAX) {
				free(buf);
				errno = EFBIG;
				return -1;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		r = read(fd, buf + got, cap - 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	buf[got] = '\0';
	*out = buf;
	return 0;
}

static void show_exec(struct demo_ctx *d, struct tables_state *ts, int keep,
		      int drop)
{
	char self[4096], exe[32], *buf = NULL, *kept = NULL, *esc;
	ssize_t n;
	int rrc = -1, rerr = 0;
	int p[2] = { -1, -1 }, rc, status = 0;
	struct step *st;
	pid_t pid;

	rc = fcntl(drop, F_SETFD, FD_CLOEXEC);
	step_say(steps_call(&d->steps, "fcntl", rc, rc < 0 ? errno : 0,
			    "fcntl(%d, F_SETFD, FD_CLOEXEC)", drop),
		 "Close-on-exec is a flag of the descriptor, not of the "
		 "description: %d loses it at exec, %d keeps it.", drop, keep);
	draw(d, ts);
	{
		char when[80];

		snprintf(when, sizeof(when), "after fcntl(%d, F_SETFD, "
			 "FD_CLOEXEC), before exec", drop);
		snapshot(d, ts, when);
	}
	steps_part(&d->steps, "exec: what the new program keeps");
	if (open_child_pipe(d, p, "A pipe to read what the child program "
			    "reports.") < 0)
		return;
	/* The program's own path, as /proc/self/exe names it (also right
	 * under valgrind, which emulates this readlink). */
	n = procfs_self_path(exe, sizeof(exe), "exe") < 0 ? -1 :
		readlink(exe, self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = '\0';
	steps_flush(&d->steps);
	fflush(stdout);
	pid = tempdir_fork();
	if (pid == 0) {
		char *argv[] = { "fdscope", "list", "-r", "-n", "-o", "FD,NOTE",
				 NULL };

		/* dup2 clears close-on-exec on the copy: stdout survives. */
		if (dup2(p[1], STDOUT_FILENO) >= 0)
			execv(self, argv);
		close_range(3, ~0U, 0);
		_exit(127);
	}
	steps_call(&d->steps, "fork", pid, pid < 0 ? errno : 0, "fork()");
	demo_close(d, p[1]);
	if (pid > 0) {
		rrc = read_everything(p[0], &buf);
		rerr = errno;
	}
	demo_close(d, p[0]);
	if (pid > 0)
		tempdir_reap(pid, &status);
	if (pid < 0) {
		d->failed = true;
		return;
	}
	if (rrc == 0)
		kept = kept_list(buf);
	free(buf);
	if (kept == NULL) {
		if (rrc < 0)
			warnx("cannot read what the child program reported: %s",
			      strerror(rerr));
		else
			warnx("the child program's table is not in the form "
			      "asked for");
		d->failed = true;
		kept = xstrdup("");
	}
	esc = demo_c_string(self, strlen(self));
	st = steps_call(&d->steps, "waitpid", pid, 0, "waitpid(%ld, [exit %d], 0)",
			(long)pid, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	step_say(st, "The child ran execv(\"%s\", [\"fdscope\", \"list\", "
		 "...]); the new program found descriptors %s open (its own "
		 "reader left out): %d was closed by exec, %d was kept.", esc,
		 *kept ? kept : "(none)", drop, keep);
	if (d->quiet)
		steps_text(&d->steps, "  after exec the program had: %s", kept);
	free(esc);
	free(kept);
}

int demo_tables_body(struct demo_ctx *d, char **dot)
{
	struct tables_state ts;
	const char *nk = getenv("FDSCOPE_NO_KCMP");
	int i, a, b, c;

	memset(&ts, 0, sizeof(ts));
	for (i = 0; i < TABLES_MAX_FDS; i++)
		ts.fd[i] = -1;
	ts.force_probe = nk && *nk;
	ts.want_figure = dot != NULL;
	steps_say(&d->steps, "The lesson's three tables, as the kernel has "
		  "them.  A descriptor indexes the process's descriptor table; "
		  "its entry points at an open file description (struct file, "
		  "in the lesson's system-wide \"file table\": offset, status "
		  "flags), which points at the inode (\"inode table\").");
	a = ts.fd[0] = demo_open_new(d, "shared", O_RDWR, "O_RDWR");
	if (a < 0)
		return -1;
	demo_rw(d, a, true, 16);
	steps_say(&d->steps, "The same file opened a second time: a second "
		  "open file description with its own offset, the same inode.");
	b = ts.fd[1] = demo_open_path(d, demo_path("shared"), O_RDONLY,
				      "O_RDONLY");
	if (b >= 0)
		demo_rw(d, b, false, 4);
	draw(d, &ts);
	if (b < 0)
		goto cleanup;
	steps_part(&d->steps, "dup: two descriptors, one description");
	steps_say(&d->steps, "dup: a second descriptor for the same "
		  "description; reading through one moves the offset seen by "
		  "both.");
	c = ts.fd[2] = demo_dup(d, b);
	if (c >= 0) {
		demo_rw(d, c, false, 4);
		demo_tell(d, b, "The read went through the copy, yet the "
			  "original's offset moved: they share one "
			  "description.");
		draw(d, &ts);
		steps_part(&d->steps, "fork: the child gets a copy of the "
			   "table");
		show_fork(d, &ts, b);
		show_exec(d, &ts, b, c);
	}
	if (dot && ts.have_figure)
		*dot = figure_dot(&ts.fig);
cleanup:
	if (ts.have_figure)
		figure_release(&ts.fig);
	for (i = 0; i < TABLES_MAX_FDS; i++)
		if (ts.fd[i] >= 0)
			demo_close(d, ts.fd[i]);
	return d->failed ? -1 : 0;
}

/* Runs dot -Tsvg -o file with the graph on its stdin.  Returns the exit
 * status (EXIT_FAIL with a message naming what to install when dot is
 * missing). */
static int render_svg(const char *graph, const char *file)
{
	int p[2], status = 0;
	size_t len = strlen(graph), off = 0;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0) {
		warn("pipe");
		return EXIT_FAIL;
	}
	fflush(stdout);
	pid = tempdir_fork();
	if (pid == 0) {
		char *argv[] = { "dot", "-Tsvg", "-o", xstrdup(file), NULL };

		if (dup2(p[0], STDIN_FILENO) == STDIN_FILENO)
			execvp("dot", argv);
		_exit(127);
	}
	close(p[0]);
	if (pid < 0) {
		warn("fork");
		close(p[1]);
		return EXIT_FAIL;
	}
	while (off < len) {
		ssize_t w = write(p[1], graph + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(p[1]);
	tempdir_reap(pid, &status);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		warnx("cannot run 'dot': --svg needs Graphviz (install the "
		      "graphviz package), or use --dot");
		return EXIT_FAIL;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char *esc = escape_str(file);

		warnx("dot could not write '%s'", esc);
		free(esc);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static const struct option tables_longopts[] = {
	{ "dot", no_argument, NULL, 'd' },
	{ "svg", required_argument, NULL, 'S' },
	STEPS_LONG_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
static const char tables_shortopts[] = ":" STEPS_SHORT_OPTIONS "h";

static int tables_run(const struct cli_env *env, int argc, char **argv)
{
	struct demo_ctx d;
	struct steps_opts so = { 0 };
	const char *svg = NULL;
	char *graph = NULL;
	bool dot = false;
	int c, ret;

	while ((c = getopt_long(argc, argv, tables_shortopts, tables_longopts,
				NULL)) != -1) {
		if (steps_opts_take(&so, c))
			continue;
		switch (c) {
		case 'd':
			dot = true;
			break;
		case 'S':
			svg = optarg;
			if (*svg == '\0')
				return cmd_usage_error(&cmd_tables, "--svg needs a "
						       "file name");
			break;
		case 'h':
			return cmd_help(&cmd_tables);
		default:
			return cmd_bad_option(&cmd_tables, argv, c);
		}
	}
	if (optind < argc)
		return cmd_unexpected_argument(&cmd_tables, argv[optind]);
	if ((dot || svg) && so.json)
		return cmd_usage_error(&cmd_tables, "--dot and --svg exclude "
				       "--json");
	if (dot && svg)
		return cmd_usage_error(&cmd_tables, "--dot and --svg exclude "
				       "each other");
	dot |= svg != NULL;
	/* --dot prints only the graph: the steps are collected silently. */
	if (demo_begin(&d, env->proc_root, so.json || dot, so.quiet) < 0)
		return EXIT_FAIL;
	d.json = so.json;
	d.no_output = dot;
	/* Not the demo's: named once, counted apart, left out of the
	 * figure (named in its label). */
	demo_name_inherited(&d.steps);
	ret = demo_tables_body(&d, dot ? &graph : NULL) < 0 ? EXIT_FAIL : EXIT_OK;
	ret = demo_end(&d, ret);
	if (dot && graph == NULL) {
		warnx("cannot read the descriptor tables for the figure");
		ret = EXIT_FAIL;
	} else if (svg) {
		if (render_svg(graph, svg) != EXIT_OK)
			ret = EXIT_FAIL;
	} else if (graph) {
		fputs(graph, stdout);
	}
	free(graph);
	return ret;
}

const struct command cmd_tables = {
	.name = "tables",
	.run = tables_run,
	.longopts = tables_longopts,
	.shortopts = tables_shortopts,
	.summary = "descriptor table, open file descriptions and inodes, live",
	.usage =
	"fdscope tables [--dot | --svg FILE] [-J] [-q]\n"
	"\n"
	"The three tables behind a descriptor: the same file opened twice (two\n"
	"descriptions, one inode), dup (one description, one offset), fork (the\n"
	"child shares the descriptions) and close-on-exec across exec.  Sharing\n"
	"is verified with kcmp(KCMP_FILE), or by offset probing when kcmp is\n"
	"refused (or FDSCOPE_NO_KCMP is set).\n"
	"\n"
	"Options:\n"
	"      --dot              print the figure of the tables at the fork as\n"
	"                         Graphviz (dot) instead: descriptors (FD_CLOEXEC\n"
	"                         marked), open file descriptions, inodes, and the\n"
	"                         child's descriptors\n"
	"      --svg FILE         write that figure rendered by Graphviz's dot\n"
	"  -J, --json             print {\"steps\": [...]}: call, syscall, ret, fds,\n"
	"                         errno, table (descriptors open after the call), ...\n"
	"  -q, --quiet            calls and results only, no narration\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show the version\n",
};
