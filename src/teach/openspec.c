/* The SPEC table of `fdscope open` and its parser.  Everything that names
 * a SPEC (the parser, --help, the usage error, completion, the fuzz
 * target) reads this table, so the list is kept in one place. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "lib/util.h"
#include "teach/openspec.h"

const struct open_spec_info open_specs[] = {
	{ "file", OPEN_FILE, OPEN_ARGS_PATH_OPT,
	  "PATH read-only, or a new file in a private directory" },
	{ "dir", OPEN_DIR, OPEN_ARGS_PATH_OPT,
	  "the directory PATH, or the private directory" },
	{ "null", OPEN_NULL, OPEN_ARGS_NONE, "/dev/null" },
	{ "pipe", OPEN_PIPE, OPEN_ARGS_NONE, "a pipe: two descriptors" },
	{ "fifo", OPEN_FIFO, OPEN_ARGS_NONE, "a new named pipe, read-write" },
	{ "tcp", OPEN_TCP, OPEN_ARGS_NONE, "an IPv4 TCP socket" },
	{ "tcp6", OPEN_TCP6, OPEN_ARGS_NONE, "an IPv6 TCP socket" },
	{ "udp", OPEN_UDP, OPEN_ARGS_NONE, "an IPv4 UDP socket" },
	{ "udp6", OPEN_UDP6, OPEN_ARGS_NONE, "an IPv6 UDP socket" },
	{ "unix", OPEN_UNIX, OPEN_ARGS_NONE, "a unix stream socket" },
	{ "unix-dgram", OPEN_UNIX_DGRAM, OPEN_ARGS_NONE,
	  "a unix datagram socket" },
	{ "socketpair", OPEN_SOCKETPAIR, OPEN_ARGS_NONE,
	  "two connected unix sockets" },
	{ "eventfd", OPEN_EVENTFD, OPEN_ARGS_NONE, "an eventfd counter" },
	{ "epoll", OPEN_EPOLL, OPEN_ARGS_NONE, "an epoll instance" },
	{ "timerfd", OPEN_TIMERFD, OPEN_ARGS_NONE, "a timerfd (CLOCK_MONOTONIC)" },
	{ "signalfd", OPEN_SIGNALFD, OPEN_ARGS_NONE, "a signalfd for SIGUSR1" },
	{ "inotify", OPEN_INOTIFY, OPEN_ARGS_NONE, "an inotify instance" },
	{ "memfd", OPEN_MEMFD, OPEN_ARGS_NONE, "an anonymous memory file" },
	{ "pidfd", OPEN_PIDFD, OPEN_ARGS_NONE, "a pidfd of fdscope itself" },
	{ "dup", OPEN_DUP, OPEN_ARGS_FD, "dup(FD): the lowest free number" },
	{ "dup2", OPEN_DUP2, OPEN_ARGS_FD_FD, "dup2(FD, NEWFD): exactly NEWFD" },
};
const size_t open_nspecs = ARRAY_SIZE(open_specs);

static const char *const args_text[] = {
	[OPEN_ARGS_NONE] = "",
	[OPEN_ARGS_PATH_OPT] = "[:PATH]",
	[OPEN_ARGS_FD] = ":FD",
	[OPEN_ARGS_FD_FD] = ":FD:NEWFD",
};

/* A descriptor number, the whole of s up to end. */
static int parse_fd(const char *s, const char *end, int *out)
{
	char tmp[32];
	long long v;
	const char *why;
	size_t n = (size_t)(end - s);

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (parse_ll(tmp, 0, INT_MAX, &v, &why) < 0)
		return -1;
	*out = (int)v;
	return 0;
}

int open_spec_parse(const char *s, struct open_spec *out)
{
	size_t n = strcspn(s, ":"), i;
	const char *rest = s + n, *c;

	for (i = 0; i < open_nspecs; i++)
		if (strlen(open_specs[i].name) == n &&
		    strncmp(open_specs[i].name, s, n) == 0)
			break;
	if (i == open_nspecs)
		return -1;
	out->kind = open_specs[i].kind;
	out->path = NULL;
	out->fd = out->newfd = -1;
	switch (open_specs[i].args) {
	case OPEN_ARGS_NONE:
		return *rest == '\0' ? 0 : -1;
	case OPEN_ARGS_PATH_OPT:
		if (*rest == '\0')
			return 0;
		if (rest[1] == '\0')
			return -1;	/* "file:" names no path */
		out->path = rest + 1;
		return 0;
	case OPEN_ARGS_FD:
		if (*rest != ':')
			return -1;
		return parse_fd(rest + 1, rest + 1 + strlen(rest + 1), &out->fd);
	case OPEN_ARGS_FD_FD:
		if (*rest != ':' || (c = strchr(rest + 1, ':')) == NULL)
			return -1;
		if (parse_fd(rest + 1, c, &out->fd) < 0)
			return -1;
		return parse_fd(c + 1, c + 1 + strlen(c + 1), &out->newfd);
	}
	return -1;
}

const char *open_spec_synopsis(void)
{
	static char buf[512];
	size_t i, len = 0;

	if (buf[0])
		return buf;
	for (i = 0; i < open_nspecs && len < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s%s",
					i ? " " : "", open_specs[i].name,
					args_text[open_specs[i].args]);
	return buf;
}

void open_spec_help(FILE *f)
{
	size_t i;

	for (i = 0; i < open_nspecs; i++) {
		char head[32];

		snprintf(head, sizeof(head), "%s%s", open_specs[i].name,
			 args_text[open_specs[i].args]);
		fprintf(f, "  %-21s  %s\n", head, open_specs[i].help);
	}
}

const char *const *open_spec_words(void)
{
	static char bufs[ARRAY_SIZE(open_specs)][24];
	static const char *words[ARRAY_SIZE(open_specs) + 1];
	size_t i;

	for (i = 0; i < open_nspecs; i++) {
		bool colon = open_specs[i].args == OPEN_ARGS_FD ||
			open_specs[i].args == OPEN_ARGS_FD_FD;

		snprintf(bufs[i], sizeof(bufs[i]), "%s%s", open_specs[i].name,
			 colon ? ":" : "");
		words[i] = bufs[i];
	}
	words[i] = NULL;
	return words;
}
