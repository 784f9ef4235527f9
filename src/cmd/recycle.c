/* `fdscope recycle`: a descriptor number is only an index, reused as soon
 * as it is free.  Shows the same number naming another file, the
 * stale-number bug (safely, between two temporary files), a dup keeping an
 * open file description alive, and a socket's number recycled. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/demo_run.h"
#include "lib/util.h"
#include "teach/demo.h"

static unsigned long long inode_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? (unsigned long long)st.st_ino : 0;
}

static long long size_of(const char *name)
{
	struct stat st;

	return lstat(demo_path(name), &st) == 0 ? (long long)st.st_size : -1;
}

static ssize_t demo_write(struct demo_ctx *d, int fd, const char *text)
{
	size_t len = strlen(text);
	ssize_t n = write(fd, text, len);
	char *esc = demo_c_string(text, len);

	steps_call(&d->steps, "write", n, n < 0 ? errno : 0,
		   "write(%d, \"%s\", %zu)", fd, esc, len);
	free(esc);
	return n;
}

/* Open A, close it, open B: the same number, another inode. */
static int same_number_other_file(struct demo_ctx *d, int *stale)
{
	unsigned long long ia, ib;
	int a, b;

	steps_say(&d->steps, "A descriptor number names whatever is open "
		  "under it now, not what was open there before.");
	a = demo_open_new(d, "A", O_WRONLY, "O_WRONLY");
	if (a < 0)
		return -1;
	ia = inode_of(a);
	step_say(&d->steps.v[d->steps.n - 1], "File A is descriptor %d, "
		 "inode %llu.", a, ia);
	demo_close(d, a);
	b = demo_open_new(d, "B", O_WRONLY, "O_WRONLY");
	if (b < 0)
		return -1;
	ib = inode_of(b);
	step_say(&d->steps.v[d->steps.n - 1], "File B is descriptor %d "
		 "(%s), inode %llu (%s).", b, b == a ? "the same number" :
		 "another number", ib, ib == ia ? "the same inode" :
		 "another inode");
	*stale = a;
	return b;
}

/* A write through the number remembered from A lands in B. */
static void stale_write(struct demo_ctx *d, int stale)
{
	ssize_t n;

	steps_say(&d->steps, "The stale-number bug: code that kept %d from "
		  "file A and writes to it after the close writes to whatever "
		  "holds %d now.", stale, stale);
	n = demo_write(d, stale, "meant for A\n");
	if (n >= 0)
		step_say(&d->steps.v[d->steps.n - 1], "Sizes now: A %lld bytes, "
			 "B %lld bytes: the data went to B.", size_of("A"),
			 size_of("B"));
	else
		step_say(&d->steps.v[d->steps.n - 1], "The write failed: "
			 "nothing holds %d now.", stale);
}

/* dup keeps the open file description alive after the original closes. */
static void dup_keeps_alive(struct demo_ctx *d)
{
	int c, copy;
	ssize_t n;

	steps_say(&d->steps, "dup makes a second descriptor for the same open "
		  "file description; closing one leaves the other working.");
	c = demo_open_new(d, "C", O_WRONLY, "O_WRONLY");
	if (c < 0)
		return;
	copy = demo_dup(d, c);
	demo_close(d, c);
	if (copy < 0)
		return;
	n = demo_write(d, copy, "still open\n");
	if (n >= 0)
		step_say(&d->steps.v[d->steps.n - 1], "Descriptor %d still "
			 "writes to C (now %lld bytes): the description lives "
			 "while any descriptor refers to it.", copy,
			 size_of("C"));
	demo_close(d, copy);
}

static void socket_recycled(struct demo_ctx *d)
{
	struct step *st;
	int want = steps_lowest_free(&d->steps, 0), s, f;

	steps_say(&d->steps, "Sockets share the same numbers: a closed "
		  "socket's number goes to the next open, of any kind.");
	s = socket(AF_INET, SOCK_STREAM, 0);
	st = steps_call(&d->steps, "socket", s, s < 0 ? errno : 0,
			"socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)");
	step_expect(st, want);
	if (s < 0)
		return;
	demo_close(d, s);
	f = demo_open_new(d, "D", O_RDONLY, "O_RDONLY");
	if (f < 0)
		return;
	if (f == s)
		step_say(&d->steps.v[d->steps.n - 1], "%d was a socket a "
			 "moment ago; now it is a file.", f);
	demo_close(d, f);
}

int demo_recycle_body(struct demo_ctx *d)
{
	int b, stale = -1;

	b = same_number_other_file(d, &stale);
	if (b >= 0) {
		stale_write(d, stale);
		demo_close(d, b);
	}
	steps_part(&d->steps, "dup: two numbers, one description");
	dup_keeps_alive(d);
	steps_part(&d->steps, "sockets take numbers from the same table");
	socket_recycled(d);
	return d->failed ? -1 : 0;
}

static int recycle_run(const struct cli_env *env, int argc, char **argv)
{
	return demo_run_simple(&cmd_recycle, env, argc, argv, demo_recycle_body);
}

const struct command cmd_recycle = {
	.name = "recycle",
	.run = recycle_run,
	.longopts = demo_simple_longopts,
	.shortopts = demo_simple_shortopts,
	.summary = "see a descriptor number reused for another file",
	.usage =
	"fdscope recycle [-J] [-q]\n"
	"\n"
	"The same number, another file: open A, close it, open B and get the\n"
	"same number with another inode; a write through the number remembered\n"
	"from A lands in B (temporary files only); a dup keeps an open file\n"
	"description alive after the original is closed; a socket's number is\n"
	"recycled too.\n"
	"\n"
	"Options:\n"
	DEMO_COMMON_HELP,
};
