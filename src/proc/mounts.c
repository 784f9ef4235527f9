/* mountinfo lines are "ID PARENT MAJ:MIN ROOT POINT OPTIONS [TAGS...] -
 * FSTYPE SOURCE SUPER-OPTIONS" (proc(5)); the kernel writes spaces,
 * tabs, newlines and backslashes in paths as \ooo. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "proc/mounts.h"
#include "proc/procfs.h"

void mount_tab_init(struct mount_tab *t)
{
	memset(t, 0, sizeof(*t));
}

void mount_tab_release(struct mount_tab *t)
{
	free(t->v);
	mount_tab_init(t);
}

/* The next blank-separated field of [*p, eol), or NULL. */
static const char *field(const char **p, const char *eol, size_t *n)
{
	const char *s = *p, *start;

	while (s < eol && *s == ' ')
		s++;
	if (s >= eol)
		return NULL;
	start = s;
	while (s < eol && *s != ' ')
		s++;
	*n = (size_t)(s - start);
	*p = s;
	return start;
}

static int octal(char c)
{
	return c >= '0' && c <= '7' ? c - '0' : -1;
}

/* Copies a field, \ooo undone, cut to fit. */
static void copy_unescaped(char *dst, size_t dlen, const char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 1 < dlen; i++) {
		if (s[i] == '\\' && i + 3 < n &&
		    octal(s[i + 1]) >= 0 && octal(s[i + 2]) >= 0 &&
		    octal(s[i + 3]) >= 0) {
			int v = octal(s[i + 1]) * 64 + octal(s[i + 2]) * 8 +
				octal(s[i + 3]);

			dst[o++] = (char)(v & 0xff);
			i += 3;
			continue;
		}
		dst[o++] = s[i];
	}
	dst[o] = '\0';
}

static bool parse_uint(const char *s, size_t n, unsigned long *out)
{
	unsigned long v = 0;
	size_t i;

	if (n == 0 || n > 9)
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	*out = v;
	return true;
}

static bool parse_line(const char *line, const char *eol, struct mount_entry *m)
{
	const char *p = line, *f, *colon;
	unsigned long id, maj, min;
	size_t n;
	int k;

	if ((f = field(&p, eol, &n)) == NULL || !parse_uint(f, n, &id))
		return false;
	if (field(&p, eol, &n) == NULL)		/* parent */
		return false;
	if ((f = field(&p, eol, &n)) == NULL ||
	    (colon = memchr(f, ':', n)) == NULL ||
	    !parse_uint(f, (size_t)(colon - f), &maj) ||
	    !parse_uint(colon + 1, n - (size_t)(colon - f) - 1, &min))
		return false;
	/* root, mount point, options, then optional tags up to "-". */
	for (k = 0; (f = field(&p, eol, &n)) != NULL; k++)
		if (k >= 3 && n == 1 && f[0] == '-')
			break;
	if (f == NULL)
		return false;
	if ((f = field(&p, eol, &n)) == NULL)
		return false;
	copy_unescaped(m->fstype, sizeof(m->fstype), f, n);
	if ((f = field(&p, eol, &n)) == NULL)
		return false;
	copy_unescaped(m->source, sizeof(m->source), f, n);
	m->mnt_id = (int)id;
	m->major = (unsigned int)maj;
	m->minor = (unsigned int)min;
	return true;
}

size_t mountinfo_parse(struct mount_tab *t, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	size_t added = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		struct mount_entry m;

		if (eol == NULL)
			eol = end;
		if (parse_line(p, eol, &m)) {
			if (t->n == t->cap) {
				t->cap = t->cap ? t->cap * 2 : 32;
				t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
			}
			t->v[t->n++] = m;
			added++;
		}
		p = eol + 1;
	}
	return added;
}

int mount_tab_load(struct mount_tab *t, int piddir)
{
	char *text = NULL;
	ssize_t n;

	n = procfs_slurp_at(piddir, "mountinfo", &text);
	if (n < 0)
		return -1;
	mountinfo_parse(t, text, (size_t)n);
	free(text);
	return 0;
}

const struct mount_entry *mount_tab_find(const struct mount_tab *t, int mnt_id)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->v[i].mnt_id == mnt_id)
			return &t->v[i];
	return NULL;
}

const struct mount_entry *mount_tab_find_dev(const struct mount_tab *t,
					     unsigned int major,
					     unsigned int minor)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->v[i].major == major && t->v[i].minor == minor)
			return &t->v[i];
	return NULL;
}
