/* The non-blocking line log (see linelog.h).  Whole lines only: a line
 * is either queued entire or dropped, so the reader never sees half of
 * one, and the count of dropped lines is written where they would have
 * been. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"
#include "out/linelog.h"
#include "proc/procfs.h"

struct linelog {
	int fd;
	int shared_flags;		/* to put back, or -1 */
	bool sock, broken;
	char *buf;
	size_t head, len, cap;		/* bytes [head, len) wait */
	unsigned long long dropped, noted;
	int error;
};

struct linelog *linelog_open(int fd, size_t cap)
{
	struct linelog *l = xcalloc(1, sizeof(*l));
	struct stat st;
	char path[64];

	l->fd = fd;
	l->shared_flags = -1;
	l->cap = cap;
	l->buf = xmalloc(cap);
	if (fstat(fd, &st) < 0)
		return l;
	if (S_ISSOCK(st.st_mode)) {
		l->sock = true;
	} else if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
		int nfd;

		/* O_NONBLOCK on the inherited description would reach the
		 * shell and every other process sharing it. */
		nfd = procfs_self_fd_path(path, sizeof(path), fd, NULL) < 0 ? -1 :
			open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (nfd >= 0 && dup3(nfd, fd, 0) >= 0) {
			close(nfd);
			return l;
		}
		if (nfd >= 0)
			close(nfd);
		/* Not reopenable (another user's pipe): the shared description
		 * gets the flag for the run, and its old flags back at the
		 * end, rather than a log that can stall the server. */
		l->shared_flags = fcntl(fd, F_GETFL);
		if (l->shared_flags >= 0 &&
		    fcntl(fd, F_SETFL, l->shared_flags | O_NONBLOCK) < 0)
			l->shared_flags = -1;
	}
	return l;
}

static ssize_t write_some(struct linelog *l)
{
	size_t n = l->len - l->head;

	if (l->sock)
		return send(l->fd, l->buf + l->head, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	return write(l->fd, l->buf + l->head, n);
}

int linelog_flush(struct linelog *l)
{
	if (l->broken) {
		errno = l->error;
		return -1;
	}
	while (l->head < l->len) {
		ssize_t w = write_some(l);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (w <= 0) {
			l->broken = true;
			l->error = w < 0 ? errno : EIO;
			l->head = l->len = 0;
			errno = l->error;
			return -1;
		}
		l->head += (size_t)w;
	}
	if (l->head == l->len)
		l->head = l->len = 0;
	return 0;
}

/* Queues text of n bytes when it fits whole. */
static bool queue(struct linelog *l, const char *text, size_t n)
{
	if (l->len + n > l->cap && l->head > 0) {
		memmove(l->buf, l->buf + l->head, l->len - l->head);
		l->len -= l->head;
		l->head = 0;
	}
	if (l->len + n > l->cap)
		return false;
	memcpy(l->buf + l->len, text, n);
	l->len += n;
	return true;
}

static void note_dropped(struct linelog *l)
{
	char note[128];
	int n;

	if (l->dropped == l->noted)
		return;
	n = snprintf(note, sizeof(note), "%llu log line%s dropped (the log's "
		     "reader was too slow)\n", l->dropped - l->noted,
		     l->dropped - l->noted == 1 ? "" : "s");
	if (queue(l, note, (size_t)n))
		l->noted = l->dropped;
}

void linelog_printf(struct linelog *l, const char *fmt, ...)
{
	char line[1024], *text = line;
	va_list ap;
	int n;

	if (l->broken)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line) - 1) {
		va_start(ap, fmt);
		text = xvformat(fmt, ap);
		va_end(ap);
		text = xrealloc(text, (size_t)n + 2);
	}
	text[n++] = '\n';
	linelog_flush(l);
	note_dropped(l);
	if (l->dropped != l->noted || !queue(l, text, (size_t)n))
		l->dropped++;
	if (text != line)
		free(text);
	linelog_flush(l);
}

void linelog_polled(struct linelog *l, short revents)
{
	/* POLLERR on a pipe's write end: its reader closed it, which is
	 * known here before a line has to fail. */
	if ((revents & POLLERR) && !l->broken) {
		l->broken = true;
		l->error = EPIPE;
		l->head = l->len = 0;
		return;
	}
	if (revents & POLLOUT) {
		linelog_flush(l);
		/* The reader caught up: the gap is said where it is. */
		note_dropped(l);
		linelog_flush(l);
	}
}

bool linelog_pending(const struct linelog *l)
{
	return !l->broken && (l->head < l->len || l->dropped != l->noted);
}

int linelog_fd(const struct linelog *l)
{
	return l->fd;
}

bool linelog_broken(const struct linelog *l)
{
	return l->broken;
}

unsigned long long linelog_dropped(const struct linelog *l)
{
	return l->dropped;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void linelog_close(struct linelog *l, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;

	if (l == NULL)
		return;
	for (;;) {
		struct pollfd p = { l->fd, POLLOUT, 0 };
		long long left = end - now_ms();

		note_dropped(l);
		if (linelog_flush(l) < 0 || !linelog_pending(l) || left <= 0)
			break;
		poll(&p, 1, (int)left);
	}
	if (l->shared_flags >= 0)
		fcntl(l->fd, F_SETFL, l->shared_flags);
	free(l->buf);
	free(l);
}
