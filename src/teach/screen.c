/* The tour's terminal: width, line cutting, pages and the prompt.  The
 * terminal is opened only for the time of a prompt, so that it never
 * shows in the descriptor tables the tour prints. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "lib/util.h"
#include "out/table.h"
#include "teach/screen.h"

#define CLEAR_SCREEN "\033[H\033[2J"
#define ERASE_LINE "\r\033[K"

static unsigned int clamp_width(long w)
{
	if (w < SCREEN_MIN_WIDTH)
		return SCREEN_MIN_WIDTH;
	if (w > SCREEN_MAX_WIDTH)
		return SCREEN_MAX_WIDTH;
	return (unsigned int)w;
}

unsigned int screen_detect_width(void)
{
	struct winsize ws;
	const char *c = getenv("COLUMNS");
	const char *why;
	long long v;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col > 0)
		return clamp_width(ws.ws_col);
	if (c && parse_ll(c, 1, 100000, &v, &why) == 0)
		return clamp_width((long)v);
	return SCREEN_DEFAULT_WIDTH;
}

int screen_init(struct screen *sc, enum screen_mode mode, unsigned int width)
{
	struct winsize ws;
	int fd;

	memset(sc, 0, sizeof(*sc));
	sc->width = width ? clamp_width(width) : screen_detect_width();
	if (mode == SCREEN_OFF)
		return 0;
	fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	close(fd);
	sc->mode = mode;
	if (isatty(STDOUT_FILENO)) {
		/* A dumb terminal is paged but never cleared. */
		sc->clear = !out_term_dumb();
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 2)
			sc->rows = ws.ws_row;
	}
	return 0;
}

size_t screen_columns(const char *s, size_t n)
{
	size_t i = 0, cols = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\033' && i + 1 < n && s[i + 1] == '[') {
			/* CSI: parameters, then one final byte 0x40..0x7e. */
			i += 2;
			while (i < n && !((unsigned char)s[i] >= 0x40 &&
					  (unsigned char)s[i] <= 0x7e))
				i++;
			i++;
			continue;
		}
		if ((c & 0xc0) != 0x80)
			cols++;
		i++;
	}
	return cols;
}

/* The byte length of the longest start of s (n bytes) within cols
 * columns, never splitting a UTF-8 character or a colour sequence. */
static size_t fit_bytes(const char *s, size_t n, size_t cols)
{
	size_t i = 0, used = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t j = i + 1;

		if (c == '\033' && j < n && s[j] == '[') {
			j++;
			while (j < n && !((unsigned char)s[j] >= 0x40 &&
					  (unsigned char)s[j] <= 0x7e))
				j++;
			i = j < n ? j + 1 : n;
			continue;
		}
		if (used == cols)
			break;
		while (j < n && ((unsigned char)s[j] & 0xc0) == 0x80)
			j++;
		used++;
		i = j;
	}
	return i;
}

static int raw_write(struct screen *sc, int fd, const char *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t w = write(fd, buf + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (fd == STDOUT_FILENO) {
				sc->write_failed = true;
				sc->write_errno = w < 0 ? errno : EIO;
			}
			return -1;
		}
		off += (size_t)w;
	}
	return 0;
}

/* While a key is awaited the terminal is in non-canonical mode; a signal
 * then (Ctrl-C, a closed window) puts it back before the handler that was
 * there runs (the temporary directory's, which removes it and dies). */
static const int tty_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
static struct {
	struct termios tio;
	volatile sig_atomic_t fd;
	struct sigaction prev[4];
} tty_restore = { .fd = -1 };

static void on_tty_signal(int sig)
{
	size_t i;

	if (tty_restore.fd >= 0)
		tcsetattr(tty_restore.fd, TCSANOW, &tty_restore.tio);
	for (i = 0; i < ARRAY_SIZE(tty_signals); i++)
		sigaction(tty_signals[i], &tty_restore.prev[i], NULL);
	/* Delivered to the previous handler once this one returns. */
	raise(sig);
}

static void tty_guard(int fd, const struct termios *tio, bool on)
{
	struct sigaction sa;
	size_t i;

	if (!on) {
		for (i = 0; i < ARRAY_SIZE(tty_signals); i++)
			sigaction(tty_signals[i], &tty_restore.prev[i], NULL);
		tty_restore.fd = -1;
		return;
	}
	tty_restore.tio = *tio;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_tty_signal;
	sigfillset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(tty_signals); i++)
		sigaction(tty_signals[i], &sa, &tty_restore.prev[i]);
	tty_restore.fd = fd;
}

/* Reads the teacher's answer with the terminal in non-canonical mode:
 * one key acts at once, except a number, which ends with Enter.  Ctrl-C
 * stays the terminal's interrupt. */
static enum screen_request read_keys(struct screen *sc, int fd,
				     const char *prompt, int *jump)
{
	struct termios old, raw;
	bool have_old = tcgetattr(fd, &old) == 0;
	enum screen_request req = SCREEN_QUIT;
	char digits[8];
	size_t nd = 0;
	char c;

	if (have_old) {
		raw = old;
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		tty_guard(fd, &old, true);
		tcsetattr(fd, TCSANOW, &raw);
	}
	/* The prompt only once the keys are read raw: an Enter typed at
	 * once is not echoed as a new line. */
	raw_write(sc, fd, prompt, strlen(prompt));
	for (;;) {
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;	/* the terminal went away: quit */
		if (c >= '0' && c <= '9' && nd < sizeof(digits) - 1) {
			digits[nd++] = c;
			if (write(fd, &c, 1) < 0)
				break;
			continue;
		}
		if ((c == 0x7f || c == '\b') && nd > 0) {
			nd--;
			if (write(fd, "\b \b", 3) < 0)
				break;
			continue;
		}
		if (c == '\r' || c == '\n') {
			digits[nd] = '\0';
			req = nd ? SCREEN_JUMP : SCREEN_GO_ON;
			*jump = nd ? (int)strtol(digits, NULL, 10) : 0;
			break;
		}
		if (c == ' ' && nd == 0) {
			req = SCREEN_GO_ON;
			break;
		}
		if (c == 'b' || c == 'B') {
			req = SCREEN_BACK;
			break;
		}
		if (c == 'q' || c == 'Q' || c == 0x04) {
			req = SCREEN_QUIT;
			break;
		}
	}
	if (have_old) {
		tcsetattr(fd, TCSANOW, &old);
		tty_guard(fd, &old, false);
	}
	return req;
}

/* Shows prompt on the terminal, waits for a key, erases the prompt and,
 * when asked, clears the screen for what comes next. */
static void pause_for(struct screen *sc, const char *prompt, bool clear)
{
	int fd;

	if (fflush(stdout) != 0 && !sc->write_failed) {
		sc->write_failed = true;
		sc->write_errno = errno;
	}
	fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 && (errno == EMFILE || errno == ENFILE))
		return;		/* exhaust, at its limit: no pause this time */
	if (fd < 0) {
		sc->req = SCREEN_QUIT;
		sc->discard = true;
		return;
	}
	sc->req = read_keys(sc, fd, prompt, &sc->jump);
	/* The prompt is erased on /dev/tty, which stdout may not be. */
	if (!out_term_dumb())
		raw_write(sc, fd, ERASE_LINE, strlen(ERASE_LINE));
	if (clear && sc->clear)
		raw_write(sc, fd, CLEAR_SCREEN, strlen(CLEAR_SCREEN));
	close(fd);
	sc->used = 0;
	sc->discard = sc->req != SCREEN_GO_ON;
}

/* The prompts fit in SCREEN_MIN_WIDTH columns. */
static void page_pause(struct screen *sc)
{
	pause_for(sc, "-- more: Enter b=back N=jump q=quit --", true);
}

int screen_write(struct screen *sc, const char *text, size_t len)
{
	char *buf = NULL;
	size_t blen = 0, off = 0;
	int rc = 0;

	if (sc->discard || len == 0)
		return 0;
	if (fflush(stdout) != 0) {
		sc->write_failed = true;
		sc->write_errno = errno;
		return -1;
	}
	xappendf(&buf, &blen, "%s", "");
	while (off < len && !sc->discard) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (text + off)) : len - off;
		const char *line = text + off;
		size_t left = n;

		/* A line wider than the screen goes on in pieces: nothing is
		 * lost and nothing is wider than the width. */
		do {
			size_t piece = fit_bytes(line, left, sc->width);

			if (sc->mode != SCREEN_OFF && sc->rows &&
			    sc->used + 1 >= sc->rows) {
				rc |= raw_write(sc, STDOUT_FILENO, buf, blen);
				blen = 0;
				buf[0] = '\0';
				page_pause(sc);
				if (sc->discard)
					break;
			}
			xappendf(&buf, &blen, "%.*s\n", (int)piece, line);
			sc->used++;
			line += piece;
			left -= piece;
		} while (left > 0);
		off += n + (nl != NULL);
	}
	if (!sc->discard)
		rc |= raw_write(sc, STDOUT_FILENO, buf, blen);
	free(buf);
	if (rc < 0)
		errno = sc->write_errno;
	return rc < 0 ? -1 : 0;
}

void screen_after_call(struct screen *sc)
{
	if (sc->mode != SCREEN_CALL || sc->discard)
		return;
	pause_for(sc, "-- call: Enter b=back N=jump q=quit --", false);
}

void screen_part_break(struct screen *sc)
{
	if ((sc->mode != SCREEN_SECTION && sc->mode != SCREEN_CALL) ||
	    sc->discard || sc->used == 0)
		return;
	pause_for(sc, "-- Enter=more b=back N=jump q=quit --", true);
}

enum screen_request screen_section_end(struct screen *sc, bool last)
{
	if (sc->mode == SCREEN_OFF || sc->mode == SCREEN_PAGE || sc->discard)
		return sc->discard ? sc->req : SCREEN_GO_ON;
	pause_for(sc, last ? "-- end: Enter=quit b=back N=jump --" :
		  "-- Enter=next b=back N=jump q=quit --", true);
	return sc->req;
}

void screen_resume(struct screen *sc)
{
	sc->req = SCREEN_GO_ON;
	sc->discard = false;
	sc->jump = 0;
}
