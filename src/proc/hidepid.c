/* hidepid detection from mountinfo: the kernel answers ENOENT for a
 * hidden /proc/PID exactly as for a process that does not exist, so only
 * the mount options can tell the user why. */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "proc/hidepid.h"
#include "proc/procfs.h"

/* mountinfo escapes blanks and backslashes in paths as \ooo. */
static size_t unescape_field(const char *p, size_t n, char *out, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 1 < len; i++) {
		if (p[i] == '\\' && i + 3 < n &&
		    p[i + 1] >= '0' && p[i + 1] <= '3') {
			out[o++] = (char)((p[i + 1] - '0') * 64 +
					  (p[i + 2] - '0') * 8 + (p[i + 3] - '0'));
			i += 3;
		} else {
			out[o++] = p[i];
		}
	}
	out[o] = '\0';
	return o;
}

/* Field k (0-based, blank-separated) of a line, or NULL. */
static const char *field(const char *p, const char *end, int k, size_t *n)
{
	for (;;) {
		const char *q = memchr(p, ' ', (size_t)(end - p));

		if (q == NULL)
			q = end;
		if (k-- == 0) {
			*n = (size_t)(q - p);
			return p;
		}
		if (q == end)
			return NULL;
		p = q + 1;
	}
}

static bool options_hide(const char *p, size_t n)
{
	const char *h = memmem(p, n, "hidepid=", 8);
	size_t rest;

	if (h == NULL)
		return false;
	h += 8;
	rest = n - (size_t)(h - p);
	return !((rest >= 1 && h[0] == '0' && (rest == 1 || h[1] == ',')) ||
		 (rest >= 3 && strncmp(h, "off", 3) == 0 &&
		  (rest == 3 || h[3] == ',')));
}

bool mountinfo_hidepid(const char *text, size_t len, const char *mountpoint)
{
	const char *p = text, *end = text + len;
	bool hide = false;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *f, *sep;
		char mp[PATH_MAX];
		size_t n;

		if (nl == NULL)
			nl = end;
		f = field(p, nl, 4, &n);
		sep = memmem(p, (size_t)(nl - p), " - ", 3);
		if (f && sep) {
			unescape_field(f, n, mp, sizeof(mp));
			if (strcmp(mp, mountpoint) == 0) {
				const char *fs = field(sep + 3, nl, 0, &n);
				size_t on;
				const char *opts = field(sep + 3, nl, 2, &on);

				/* The last mount on a point is the visible one. */
				if (fs && n == 4 && strncmp(fs, "proc", 4) == 0)
					hide = opts && options_hide(opts, on);
				else
					hide = false;
			}
		}
		p = nl + 1;
	}
	return hide;
}

bool procfs_hidepid(const char *root)
{
	char real[PATH_MAX], path[64], *text = NULL;
	ssize_t n;
	bool hide;

	if (realpath(root, real) == NULL)
		return false;
	n = procfs_self_path(path, sizeof(path), "mountinfo") < 0 ? -1 :
		procfs_slurp_at(AT_FDCWD, path, &text);
	if (n < 0)
		return false;
	hide = mountinfo_hidepid(text, (size_t)n, real);
	free(text);
	return hide;
}
