/* /proc/devices, /proc/misc and /proc/partitions.  The kernel prints
 * "%3d %s" lines under a "Character devices:" and a "Block devices:"
 * header, "%3i %s" for misc and "%4d  %7d %10llu %s" for partitions; the
 * parsers take any blanks and skip what does not fit. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "proc/chrdev.h"
#include "proc/procfs.h"

void devtab_init(struct devtab *t)
{
	memset(t, 0, sizeof(*t));
}

void devtab_release(struct devtab *t)
{
	free(t->v);
	devtab_init(t);
}

static void add(struct devtab *t, char kind, unsigned int major,
		unsigned int minor, const char *name, size_t n)
{
	struct devname *d;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	d = &t->v[t->n++];
	d->kind = kind;
	d->major = major;
	d->minor = minor;
	if (n >= sizeof(d->name))
		n = sizeof(d->name) - 1;
	memcpy(d->name, name, n);
	d->name[n] = '\0';
}

/* Splits [line, eol) into up to max blank-separated words. */
static size_t words(const char *line, const char *eol, const char **w,
		    size_t *wl, size_t max)
{
	size_t n = 0;

	while (line < eol && n < max) {
		while (line < eol && (*line == ' ' || *line == '\t'))
			line++;
		if (line >= eol)
			break;
		w[n] = line;
		while (line < eol && *line != ' ' && *line != '\t')
			line++;
		wl[n] = (size_t)(line - w[n]);
		n++;
	}
	return n;
}

static bool word_uint(const char *w, size_t n, unsigned int *out)
{
	unsigned long v = 0;
	size_t i;

	if (n == 0 || n > 9)
		return false;
	for (i = 0; i < n; i++) {
		if (w[i] < '0' || w[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(w[i] - '0');
	}
	*out = (unsigned int)v;
	return true;
}

/* Calls fn for each line of text[0, len).  line and eol are declared,
 * so they cannot be parenthesised. */
/* NOLINTBEGIN(bugprone-macro-parentheses) */
#define FOR_EACH_LINE(text, len, line, eol) \
	for (const char *line = (text), *eol, *end_ = (text) + (len); \
	     line < end_ && ((eol = memchr(line, '\n', (size_t)(end_ - line))) \
			     != NULL || (eol = end_) != NULL); \
	     line = eol + 1)
/* NOLINTEND(bugprone-macro-parentheses) */

int devtab_parse_devices(struct devtab *t, const char *text, size_t len)
{
	char kind = 0;
	int n = 0;

	FOR_EACH_LINE(text, len, line, eol) {
		const char *w[3];
		size_t wl[3], nw;
		unsigned int major;

		if ((size_t)(eol - line) >= 10 &&
		    memcmp(line, "Character ", 10) == 0) {
			kind = 'c';
			continue;
		}
		if ((size_t)(eol - line) >= 6 && memcmp(line, "Block ", 6) == 0) {
			kind = 'b';
			continue;
		}
		nw = words(line, eol, w, wl, 3);
		if (kind == 0 || nw != 2 || !word_uint(w[0], wl[0], &major))
			continue;
		add(t, kind, major, 0, w[1], wl[1]);
		n++;
	}
	return n ? n : -1;
}

int devtab_parse_misc(struct devtab *t, const char *text, size_t len)
{
	int n = 0;

	FOR_EACH_LINE(text, len, line, eol) {
		const char *w[3];
		size_t wl[3];
		unsigned int minor;

		if (words(line, eol, w, wl, 3) != 2 ||
		    !word_uint(w[0], wl[0], &minor))
			continue;
		add(t, 'm', 10, minor, w[1], wl[1]);
		n++;
	}
	return n ? n : -1;
}

int devtab_parse_partitions(struct devtab *t, const char *text, size_t len)
{
	int n = 0;

	FOR_EACH_LINE(text, len, line, eol) {
		const char *w[5];
		size_t wl[5];
		unsigned int major, minor, blocks;

		if (words(line, eol, w, wl, 5) != 4 ||
		    !word_uint(w[0], wl[0], &major) ||
		    !word_uint(w[1], wl[1], &minor) ||
		    (wl[2] <= 9 && !word_uint(w[2], wl[2], &blocks)))
			continue;
		add(t, 'p', major, minor, w[3], wl[3]);
		n++;
	}
	return n ? n : -1;
}

void devtab_load(struct devtab *t, const char *root)
{
	static const struct {
		const char *file;
		int (*parse)(struct devtab *, const char *, size_t);
	} files[] = {
		{ "devices", devtab_parse_devices },
		{ "misc", devtab_parse_misc },
		{ "partitions", devtab_parse_partitions },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		char path[4096], *text = NULL;
		ssize_t n;

		snprintf(path, sizeof(path), "%s/%s", root, files[i].file);
		n = procfs_slurp_at(AT_FDCWD, path, &text);
		if (n > 0)
			files[i].parse(t, text, (size_t)n);
		free(text);
	}
}

static const char *find(const struct devtab *t, char kind, unsigned int major,
			unsigned int minor)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->v[i].kind == kind && t->v[i].major == major &&
		    t->v[i].minor == minor)
			return t->v[i].name;
	return NULL;
}

const char *devtab_chrdrv(const struct devtab *t, unsigned int major)
{
	return find(t, 'c', major, 0);
}

const char *devtab_blkdrv(const struct devtab *t, unsigned int major)
{
	return find(t, 'b', major, 0);
}

const char *devtab_misc(const struct devtab *t, unsigned int minor)
{
	return find(t, 'm', 10, minor);
}

const char *devtab_partition(const struct devtab *t, unsigned int major,
			     unsigned int minor)
{
	return find(t, 'p', major, minor);
}
