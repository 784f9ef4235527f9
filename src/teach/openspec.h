/* The SPECs of `fdscope open`: one table of names that drives parsing, the
 * help, the usage error and shell completion. */
#ifndef FDSCOPE_OPENSPEC_H
#define FDSCOPE_OPENSPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum open_kind {
	OPEN_FILE, OPEN_DIR, OPEN_NULL, OPEN_PIPE, OPEN_FIFO, OPEN_TCP,
	OPEN_TCP6, OPEN_UDP, OPEN_UDP6, OPEN_UNIX, OPEN_UNIX_DGRAM,
	OPEN_SOCKETPAIR, OPEN_EVENTFD, OPEN_EPOLL, OPEN_TIMERFD,
	OPEN_SIGNALFD, OPEN_INOTIFY, OPEN_MEMFD, OPEN_PIDFD, OPEN_DUP,
	OPEN_DUP2,
};

/* What follows a SPEC's name. */
enum open_args {
	OPEN_ARGS_NONE,		/* "null" */
	OPEN_ARGS_PATH_OPT,	/* "file" or "file:PATH" */
	OPEN_ARGS_FD,		/* "dup:FD" */
	OPEN_ARGS_FD_FD,	/* "dup2:FD:NEWFD" */
};

struct open_spec_info {
	const char *name;
	enum open_kind kind;
	enum open_args args;
	const char *help;	/* one line for --help and completion */
};

extern const struct open_spec_info open_specs[];
extern const size_t open_nspecs;

/* One parsed SPEC; path points into the parsed string. */
struct open_spec {
	enum open_kind kind;
	const char *path;	/* file:PATH, dir:PATH; NULL: the default */
	int fd, newfd;		/* dup:FD, dup2:FD:NEWFD */
};

/* Parses s; returns 0, or -1 when it is no SPEC.  Any bytes get an answer,
 * and 0 only for the forms the table documents. */
int open_spec_parse(const char *s, struct open_spec *out);

/* The SPEC synopsis, "file[:PATH] dir[:PATH] ... dup2:FD:NEWFD", for the
 * usage error and the help; a static string. */
const char *open_spec_synopsis(void);

/* Prints the SPECs for --help, one per line with its meaning, indented by
 * two and no line over 80 columns. */
void open_spec_help(FILE *f);

/* The completion words, NULL-terminated: each name, with ':' appended
 * when a value must follow. */
const char *const *open_spec_words(void);

#endif
