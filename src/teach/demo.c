/* Helpers shared by the demos: the run context, and the calls they all
 * make (open, close, dup) recorded with the number the POSIX rule says the
 * kernel must hand out, computed from the real table just before. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/caps.h"
#include "lib/util.h"
#include "out/escape.h"
#include "out/table.h"
#include "teach/demo.h"
#include "teach/screen.h"
#include "teach/tempdir.h"

int demo_begin(struct demo_ctx *d, const char *proc_root, bool json,
	       bool quiet)
{
	struct steps_opts o = {
		.json = json,
		.quiet = quiet,
		.color = !json && out_use_color(),
		.proc_root = proc_root,
		.width = screen_detect_width(),
	};

	memset(d, 0, sizeof(*d));
	d->proc_root = proc_root;
	d->json = json;
	d->quiet = quiet;
	/* A demo acts only on fdscope's own descriptors: no capability is
	 * needed, and none should survive into what it opens or runs. */
	if (caps_drop_for_demo() < 0)
		warn("cannot drop capabilities");
	if (tempdir_create() < 0) {
		int e = errno;
		char *esc = escape_str(getenv("TMPDIR") ? getenv("TMPDIR") :
				       "/tmp");

		warnx("cannot create a private temporary directory under %s "
		      "(set TMPDIR to a writable directory): %s", esc,
		      strerror(e));
		free(esc);
		return -1;
	}
	steps_init(&d->steps, &o);
	return 0;
}

int demo_end(struct demo_ctx *d, int ret)
{
	if (d->no_output)
		steps_flush(&d->steps);
	else if (steps_finish(&d->steps) < 0 && errno != EPIPE) {
		warn("cannot write the demo's output");
		ret = EXIT_FAIL;
	}
	steps_release(&d->steps);
	tempdir_remove();
	if (ret == EXIT_OK && d->failed)
		ret = EXIT_FAIL;
	return ret;
}

int demo_hide_inherited(struct steps *s, char **list)
{
	int *tab = NULL, n = steps_read_table(s, &tab), i, k = 0;
	size_t len = 0;

	*list = NULL;
	xappendf(list, &len, "%s", "");
	for (i = 0; i < n; i++)
		if (tab[i] > 2) {
			steps_hide(s, tab[i], false);
			xappendf(list, &len, "%s%d", k ? (i + 1 == n ? " and " :
							  ", ") : "", tab[i]);
			k++;
		}
	free(tab);
	return k;
}

void demo_name_inherited(struct steps *s)
{
	char *list;
	int k = demo_hide_inherited(s, &list);

	if (k)
		steps_say(s, "%s %s open when fdscope started, inherited from "
			  "the program that ran it (a shell, an editor, a "
			  "terminal): not the demo's, so the maps count %s as "
			  "\"+%d inherited\".", list, k == 1 ? "was" : "were",
			  k == 1 ? "it" : "them", k);
	free(list);
}

const char *demo_path(const char *name)
{
	static char path[PATH_MAX];

	if (tempdir_path(name, path, sizeof(path)) < 0)
		snprintf(path, sizeof(path), "%s", name);
	return path;
}

int demo_open_new(struct demo_ctx *d, const char *name, int flags,
		  const char *flagtext)
{
	int want = steps_lowest_free(&d->steps, 0), fd, e;
	struct step *st;

	char *shown;

	fd = tempdir_open_new(name, flags);
	e = fd < 0 ? errno : 0;
	/* The directory comes from TMPDIR: escaped like any foreign name. */
	shown = demo_c_string(demo_path(name), strlen(demo_path(name)));
	st = steps_call(&d->steps, "open", fd, e,
			"open(\"%s\", %s|O_CREAT|O_EXCL|O_NOFOLLOW, 0600)",
			shown, flagtext);
	free(shown);
	step_expect(st, want);
	if (fd < 0)
		d->failed = true;
	return fd;
}

int demo_open_path(struct demo_ctx *d, const char *path, int flags,
		   const char *flagtext)
{
	int want = steps_lowest_free(&d->steps, 0), fd, e;
	struct step *st;

	char *shown;

	fd = open(path, flags);
	e = fd < 0 ? errno : 0;
	shown = demo_c_string(path, strlen(path));
	st = steps_call(&d->steps, "open", fd, e, "open(\"%s\", %s)", shown,
			flagtext);
	free(shown);
	step_expect(st, want);
	if (fd < 0)
		d->failed = true;
	return fd;
}

int demo_close(struct demo_ctx *d, int fd)
{
	int rc = close(fd), e = rc < 0 ? errno : 0;

	steps_call(&d->steps, "close", rc, e, "close(%d)", fd);
	return rc;
}

int demo_dup(struct demo_ctx *d, int fd)
{
	int want = steps_lowest_free(&d->steps, 0), nfd, e;
	struct step *st;

	nfd = dup(fd);
	e = nfd < 0 ? errno : 0;
	st = steps_call(&d->steps, "dup", nfd, e, "dup(%d)", fd);
	step_expect(st, want);
	if (nfd < 0)
		d->failed = true;
	return nfd;
}

char *demo_c_string(const char *text, size_t len)
{
	char *out = NULL, *esc;
	size_t olen = 0, i, start = 0;

	xappendf(&out, &olen, "%s", "");
	for (i = 0; i <= len; i++) {
		const char *rep = NULL;

		if (i < len) {
			switch (text[i]) {
			case '\n':
				rep = "\\n";
				break;
			case '\t':
				rep = "\\t";
				break;
			case '"':
				rep = "\\\"";
				break;
			default:
				continue;
			}
		}
		/* The run before this character goes through the general
		 * escaper (backslashes, control bytes, invalid UTF-8). */
		esc = escape_bytes(text + start, i - start);
		xappendf(&out, &olen, "%s%s", esc, rep ? rep : "");
		free(esc);
		start = i + 1;
	}
	return out;
}
