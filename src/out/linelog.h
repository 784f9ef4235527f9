/* A line log that never blocks its caller: lines go into a bounded
 * buffer written to a descriptor without blocking, whole lines are
 * dropped and counted when the reader is slower than the writer, and a
 * reader that went away (EPIPE) is reported once.  For event loops
 * (serve) whose clients must not wait for whoever reads the log. */
#ifndef FDSCOPE_LINELOG_H
#define FDSCOPE_LINELOG_H

#include <stdbool.h>
#include <stddef.h>

struct linelog;

/* Takes over descriptor fd (stdout) for the log.  A pipe or a terminal is
 * reopened as a description of its own with O_NONBLOCK, put back on fd,
 * so that nobody else sharing the old one sees the flag; a socket is
 * written with MSG_DONTWAIT; a regular file as it is.  cap bounds the
 * bytes waiting. */
struct linelog *linelog_open(int fd, size_t cap);

/* Appends one line (a newline is added) or, when it does not fit, drops
 * it and counts it; then writes what it can. */
void linelog_printf(struct linelog *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Writes what it can without blocking.  Returns 0, or -1 with errno when
 * the log cannot be written any more (EPIPE: its reader is gone). */
int linelog_flush(struct linelog *l);

/* Takes what poll said of linelog_fd (POLLOUT: write; POLLERR: the
 * reader is gone, the log is broken). */
void linelog_polled(struct linelog *l, short revents);

/* True while bytes wait; the descriptor to poll (for POLLOUT while bytes
 * wait, always for POLLERR). */
bool linelog_pending(const struct linelog *l);
int linelog_fd(const struct linelog *l);

/* True once writing failed for good (see linelog_flush). */
bool linelog_broken(const struct linelog *l);

/* Lines dropped so far. */
unsigned long long linelog_dropped(const struct linelog *l);

/* Writes what waits for at most timeout_ms, then a note of the lines
 * dropped if any, and frees the log.  The descriptor stays open. */
void linelog_close(struct linelog *l, int timeout_ms);

#endif
