/* What the teaching demos share: the run context (steps record, private
 * temporary directory), helpers that make one call and record it with the
 * number the lowest-available rule predicts, and each demo's body so that
 * the `demo` tour can run them in a row on one record. */
#ifndef FDSCOPE_DEMO_H
#define FDSCOPE_DEMO_H

#include <stdbool.h>
#include <stddef.h>

#include "teach/steps.h"

struct demo_ctx {
	struct steps steps;
	const char *proc_root;
	bool json, quiet;
	bool failed;		/* a call that should work did not */
	bool no_output;		/* collect steps but print neither text nor JSON */
};

/* Counts the descriptors above 2 open now apart in the maps (inherited:
 * not the demo's) and returns how many, with their numbers as text
 * ("10 and 251") in *list (a new string). */
int demo_hide_inherited(struct steps *s, char **list);

/* The same, and says so once ("10 and 251 were open when fdscope
 * started ..."): every teaching command starts with it. */
void demo_name_inherited(struct steps *s);

/* Creates the temporary directory and the record.  Returns 0, or -1 after
 * a warning. */
int demo_begin(struct demo_ctx *d, const char *proc_root, bool json,
	       bool quiet);

/* Prints the JSON (or flushes the text), removes the temporary directory,
 * frees the record; returns the exit status given ret (EXIT_OK/FAIL). */
int demo_end(struct demo_ctx *d, int ret);

/* open(DIR/name, flags | O_CREAT | O_EXCL | O_NOFOLLOW, 0600) of a new
 * file in the temporary directory, recorded with the expected number;
 * flagtext shows the flags, e.g. "O_RDWR".  Returns the descriptor or -1. */
int demo_open_new(struct demo_ctx *d, const char *name, int flags,
		  const char *flagtext);

/* open(path, flags) of an existing file, recorded the same way. */
int demo_open_path(struct demo_ctx *d, const char *path, int flags,
		   const char *flagtext);

/* close(fd), recorded.  Returns what close returned. */
int demo_close(struct demo_ctx *d, int fd);

/* dup(fd), recorded with the expected number. */
int demo_dup(struct demo_ctx *d, int fd);

/* text as a C string literal's contents: \n, \t, \" and \\ escaped, other
 * control bytes and invalid UTF-8 as \xHH (a new string). */
char *demo_c_string(const char *text, size_t len);

/* The shown path of DIR/name (static buffer, for call texts). */
const char *demo_path(const char *name);

/* The demos, for their commands and for the tour. */
int demo_alloc_body(struct demo_ctx *d);
int demo_recycle_body(struct demo_ctx *d);
/* limit: the soft limit to lower to (exhaust's --limit). */
int demo_exhaust_body(struct demo_ctx *d, long long limit);
/* dot: NULL, or where to put the Graphviz figure of the tables at the
 * fork (a new string; left NULL when the tables could not be read). */
int demo_tables_body(struct demo_ctx *d, char **dot);

/* Checks exhaust's --limit against what is open and the hard limit;
 * returns 0 or -1 after explaining. */
int demo_exhaust_check_limit(const struct demo_ctx *d, long long limit);

#define DEMO_COMMON_HELP \
	"  -J, --json             print {\"steps\": [...]}: call, syscall, ret,\n" \
	"                         fds, errno, table (descriptors open after the\n" \
	"                         call), ...\n" \
	"  -q, --quiet            calls and results only, no narration\n" \
	"  -h, --help             show this help\n" \
	"  -V, --version          show the version\n"

#endif
