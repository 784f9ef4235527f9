/* cwd, root and exe are magic links like /proc/PID/fd's, read with
 * readlinkat and stat'ed through.  A mapping's file is stat'ed through
 * /proc/PID/map_files/START-END (root may; others keep the device and
 * inode that maps prints).  Only mappings of a file are listed: inode 0
 * is anonymous memory, the stack or the heap. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lib/util.h"
#include "proc/assoc.h"
#include "proc/procfs.h"

void assoc_list_init(struct assoc_list *l)
{
	memset(l, 0, sizeof(*l));
}

void assoc_list_release(struct assoc_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	assoc_list_init(l);
}

static struct assoc_entry *add(struct assoc_list *l, enum assoc_kind kind,
			       const char *assoc)
{
	struct assoc_entry *a;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	a = &l->v[l->n++];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->stat_errno = ENODATA;
	snprintf(a->assoc, sizeof(a->assoc), "%s", assoc);
	return a;
}

static void keep(struct fd_stat *to, const struct stat *st)
{
	to->st_dev = st->st_dev;
	to->st_ino = st->st_ino;
	to->st_nlink = st->st_nlink;
	to->st_rdev = st->st_rdev;
	to->st_size = st->st_size;
	to->st_mode = st->st_mode;
	to->st_uid = st->st_uid;
}

static void read_link_entry(struct assoc_entry *a, int dfd, const char *rel)
{
	char buf[PATH_MAX + 32];
	ssize_t n = readlinkat(dfd, rel, buf, sizeof(buf) - 1);
	struct stat st;

	if (n < 0) {
		a->link_errno = errno;
	} else {
		buf[n] = '\0';
		a->name = xstrdup(buf);
	}
	if (fstatat(dfd, rel, &st, 0) == 0) {
		keep(&a->st, &st);
		a->stat_errno = 0;
	} else {
		a->stat_errno = errno;
	}
}

static bool hex_at(const char **p, const char *end, unsigned long long *out)
{
	const char *s = *p;
	unsigned long long v = 0;
	int d = 0;

	for (; s < end; s++, d++) {
		int x;

		if (*s >= '0' && *s <= '9')
			x = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			x = *s - 'a' + 10;
		else
			break;
		if (d >= 16)
			return false;
		v = v << 4 | (unsigned long long)x;
	}
	if (d == 0)
		return false;
	*p = s;
	*out = v;
	return true;
}

static bool dec_at(const char **p, const char *end, unsigned long long *out)
{
	const char *s = *p;
	unsigned long long v = 0;
	int d = 0;

	for (; s < end && *s >= '0' && *s <= '9'; s++, d++) {
		if (v > (~0ULL - 9) / 10)
			return false;
		v = v * 10 + (unsigned long long)(*s - '0');
	}
	if (d == 0)
		return false;
	*p = s;
	*out = v;
	return true;
}

static bool expect(const char **p, const char *end, char c)
{
	if (*p >= end || **p != c)
		return false;
	(*p)++;
	return true;
}

int maps_parse_line(const char *line, size_t len, struct map_line *out)
{
	const char *p = line, *end = line + len;
	unsigned long long maj, min;

	memset(out, 0, sizeof(*out));
	out->path = "";
	if (!hex_at(&p, end, &out->start) || !expect(&p, end, '-') ||
	    !hex_at(&p, end, &out->end) || !expect(&p, end, ' ') ||
	    end - p < 5 || out->end < out->start)
		return -1;
	memcpy(out->perms, p, 4);
	out->perms[4] = '\0';
	p += 4;
	if (!expect(&p, end, ' ') || !hex_at(&p, end, &out->offset) ||
	    !expect(&p, end, ' ') || !hex_at(&p, end, &maj) ||
	    !expect(&p, end, ':') || !hex_at(&p, end, &min) ||
	    !expect(&p, end, ' ') || !dec_at(&p, end, &out->ino) ||
	    maj > 0xfff || min > 0xfffff)
		return -1;
	out->major = (unsigned int)maj;
	out->minor = (unsigned int)min;
	while (p < end && *p == ' ')
		p++;
	out->path = p;
	out->path_len = (size_t)(end - p);
	return 0;
}

static void read_maps(struct assoc_list *l, int dfd)
{
	char *text = NULL;
	ssize_t n = procfs_slurp_at(dfd, "maps", &text);
	const char *p, *end;

	if (n <= 0) {
		free(text);
		return;
	}
	for (p = text, end = text + n; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		struct map_line m;
		struct assoc_entry *a;
		char rel[64];
		struct stat st;

		if (eol == NULL)
			eol = end;
		if (maps_parse_line(p, (size_t)(eol - p), &m) == 0 && m.ino != 0) {
			a = add(l, ASSOC_MEM, "mem");
			a->map = m;
			a->map.path = "";
			a->map.path_len = 0;
			a->name = xmalloc(m.path_len + 1);
			memcpy(a->name, m.path, m.path_len);
			a->name[m.path_len] = '\0';
			snprintf(rel, sizeof(rel), "map_files/%llx-%llx", m.start, m.end);
			if (fstatat(dfd, rel, &st, 0) == 0) {
				keep(&a->st, &st);
				a->stat_errno = 0;
			} else {
				/* What maps itself says. */
				a->stat_errno = errno;
				a->st.st_dev = makedev(m.major, m.minor);
				a->st.st_ino = (ino_t)m.ino;
			}
		}
		p = eol + 1;
	}
	free(text);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void read_namespaces(struct assoc_list *l, int dfd)
{
	int nsfd = openat(dfd, "ns", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char *names[32];
	size_t n = 0, i;
	struct dirent *de;
	DIR *d;

	if (nsfd < 0)
		return;
	d = fdopendir(nsfd);
	if (d == NULL) {
		close(nsfd);
		return;
	}
	while ((de = readdir(d)) != NULL && n < ARRAY_SIZE(names))
		if (de->d_name[0] != '.')
			names[n++] = xstrdup(de->d_name);
	qsort(names, n, sizeof(names[0]), cmp_name);
	for (i = 0; i < n; i++) {
		char assoc[24], rel[48];
		size_t k = strlen(names[i]);
		struct assoc_entry *a;

		/* lsfd's spelling of the *_for_children links. */
		if (k > 13 && strcmp(names[i] + k - 13, "_for_children") == 0)
			snprintf(assoc, sizeof(assoc), "%.*s4c", (int)(k - 13), names[i]);
		else
			snprintf(assoc, sizeof(assoc), "%s", names[i]);
		a = add(l, ASSOC_NS, assoc);
		snprintf(rel, sizeof(rel), "ns/%s", names[i]);
		read_link_entry(a, dfd, rel);
		free(names[i]);
	}
	closedir(d);
}

void assoc_collect(struct assoc_list *l, int dfd)
{
	read_link_entry(add(l, ASSOC_CWD, "cwd"), dfd, "cwd");
	read_link_entry(add(l, ASSOC_RTD, "rtd"), dfd, "root");
	read_link_entry(add(l, ASSOC_EXE, "exe"), dfd, "exe");
	read_namespaces(l, dfd);
	read_maps(l, dfd);
}
