/* /proc/locks lines: "ID: [-> ]KIND MODE RW PID MAJ:MIN:INO START END",
 * major and minor in hex, the rest decimal, END "EOF" for a lock to the
 * end of the file (fs/locks.c, lock_get_status).  fdinfo repeats the same
 * text after "lock:\t" for the locks held through that file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "proc/locks.h"
#include "proc/procfs.h"

void lock_tab_init(struct lock_tab *t)
{
	memset(t, 0, sizeof(*t));
}

void lock_tab_release(struct lock_tab *t)
{
	free(t->v);
	lock_tab_init(t);
}

/* The next blank-separated word of [*p, end). */
static const char *word(const char **p, const char *end, size_t *n)
{
	const char *s = *p, *w;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s >= end)
		return NULL;
	w = s;
	while (s < end && *s != ' ' && *s != '\t')
		s++;
	*n = (size_t)(s - w);
	*p = s;
	return w;
}

static bool num(const char *w, size_t n, int base, unsigned long long *out)
{
	unsigned long long v = 0;
	size_t i;

	if (n == 0 || n > 20)
		return false;
	for (i = 0; i < n; i++) {
		int d;

		if (w[i] >= '0' && w[i] <= '9')
			d = w[i] - '0';
		else if (base == 16 && w[i] >= 'a' && w[i] <= 'f')
			d = w[i] - 'a' + 10;
		else if (base == 16 && w[i] >= 'A' && w[i] <= 'F')
			d = w[i] - 'A' + 10;
		else
			return false;
		if (v > (~0ULL - (unsigned)d) / (unsigned)base)
			return false;
		v = v * (unsigned)base + (unsigned)d;
	}
	*out = v;
	return true;
}

static bool is(const char *w, size_t n, const char *s)
{
	return strlen(s) == n && memcmp(w, s, n) == 0;
}

int lock_parse_line(const char *line, size_t len, struct file_lock *out)
{
	const char *p = line, *end = line + len, *w, *c1, *c2;
	unsigned long long v, maj, min;
	size_t n;

	memset(out, 0, sizeof(*out));
	/* "ID:" */
	if ((w = word(&p, end, &n)) == NULL || n < 2 || w[n - 1] != ':' ||
	    !num(w, n - 1, 10, &v))
		return -1;
	if ((w = word(&p, end, &n)) == NULL)
		return -1;
	if (is(w, n, "->")) {
		out->blocked = true;
		if ((w = word(&p, end, &n)) == NULL)
			return -1;
	}
	if (n >= sizeof(out->kind_name))
		return -1;
	memcpy(out->kind_name, w, n);
	out->kind = is(w, n, "FLOCK") ? LOCK_FLOCK : is(w, n, "POSIX") ? LOCK_POSIX :
		is(w, n, "OFDLCK") ? LOCK_OFD : is(w, n, "LEASE") ? LOCK_LEASE :
		LOCK_OTHER;
	if ((w = word(&p, end, &n)) == NULL || n >= sizeof(out->mode))
		return -1;
	memcpy(out->mode, w, n);
	if ((w = word(&p, end, &n)) == NULL)
		return -1;
	if (is(w, n, "WRITE"))
		out->write = true;
	else if (is(w, n, "UNLCK"))
		out->unlock = true;
	else if (!is(w, n, "READ"))
		return -1;
	if ((w = word(&p, end, &n)) == NULL)
		return -1;
	if (is(w, n, "-1"))
		out->pid = -1;
	else if (num(w, n, 10, &v) && v <= 0x7fffffff)
		out->pid = (long long)v;
	else
		return -1;
	/* MAJ:MIN:INO */
	if ((w = word(&p, end, &n)) == NULL ||
	    (c1 = memchr(w, ':', n)) == NULL ||
	    (c2 = memchr(c1 + 1, ':', (size_t)(w + n - c1 - 1))) == NULL ||
	    !num(w, (size_t)(c1 - w), 16, &maj) ||
	    !num(c1 + 1, (size_t)(c2 - c1 - 1), 16, &min) ||
	    !num(c2 + 1, (size_t)(w + n - c2 - 1), 10, &out->ino) ||
	    maj > 0xfff || min > 0xfffff)
		return -1;
	out->major = (unsigned int)maj;
	out->minor = (unsigned int)min;
	if ((w = word(&p, end, &n)) == NULL || !num(w, n, 10, &out->start))
		return -1;
	if ((w = word(&p, end, &n)) == NULL)
		return -1;
	if (is(w, n, "EOF"))
		out->end = ~0ULL;
	else if (!num(w, n, 10, &out->end))
		return -1;
	return 0;
}

size_t lock_tab_parse(struct lock_tab *t, const char *text, size_t len,
		      bool fdinfo)
{
	const char *p = text, *end = text + len;
	size_t added = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *l = p;
		struct file_lock fl;

		if (eol == NULL)
			eol = end;
		p = eol + 1;
		if (fdinfo) {
			if ((size_t)(eol - l) < 5 || memcmp(l, "lock:", 5) != 0)
				continue;
			l += 5;
		}
		if (lock_parse_line(l, (size_t)(eol - l), &fl) < 0)
			continue;
		if (t->n == t->cap) {
			t->cap = t->cap ? t->cap * 2 : 16;
			t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
		}
		t->v[t->n++] = fl;
		added++;
	}
	return added;
}

int lock_tab_load(struct lock_tab *t, const char *root)
{
	char path[4200], *text = NULL;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/locks", root);
	n = procfs_slurp_at(AT_FDCWD, path, &text);
	if (n < 0)
		return -1;
	lock_tab_parse(t, text, (size_t)n, false);
	free(text);
	return 0;
}

void lock_format(const struct file_lock *l, char *buf, size_t len)
{
	static const char *const kind[] = {
		[LOCK_FLOCK] = "FLOCK", [LOCK_POSIX] = "POSIX", [LOCK_OFD] = "OFD",
		[LOCK_LEASE] = "LEASE",
	};
	const char *k = l->kind == LOCK_OTHER ? l->kind_name : kind[l->kind];
	const char *rw = l->unlock ? "U" : l->write ? "W" : "R";
	bool whole = l->start == 0 && l->end == ~0ULL;

	if (whole || l->kind == LOCK_FLOCK || l->kind == LOCK_LEASE)
		snprintf(buf, len, "%s%s %s", l->blocked ? "waiting " : "", k, rw);
	else if (l->end == ~0ULL)
		snprintf(buf, len, "%s%s %s %llu-EOF", l->blocked ? "waiting " : "",
			 k, rw, l->start);
	else
		snprintf(buf, len, "%s%s %s %llu-%llu", l->blocked ? "waiting " : "",
			 k, rw, l->start, l->end);
}

char lock_letter(const struct file_lock *v, size_t n)
{
	char best = ' ';
	size_t i;

	/* Strongest first: W, w, R, r. */
	for (i = 0; i < n; i++) {
		const struct file_lock *l = &v[i];
		bool whole = (l->start == 0 && l->end == ~0ULL) ||
			l->kind == LOCK_FLOCK || l->kind == LOCK_LEASE;
		char c;

		if (l->blocked || l->unlock)
			continue;
		c = l->write ? (whole ? 'W' : 'w') : (whole ? 'R' : 'r');
		if (best == ' ' || strchr("WwRr", c) < strchr("WwRr", best))
			best = c;
	}
	return best;
}
