/* The terminal the tour is shown on: its width (TIOCGWINSZ, COLUMNS, 80),
 * a writer that never prints a line wider than that and, when stepping,
 * pauses before the screen scrolls away, after each call or at the end of
 * a section.  The prompt and the keys are on /dev/tty, never on stdout. */
#ifndef FDSCOPE_SCREEN_H
#define FDSCOPE_SCREEN_H

#include <stdbool.h>
#include <stddef.h>

#define SCREEN_DEFAULT_WIDTH 80
#define SCREEN_MIN_WIDTH 40
#define SCREEN_MAX_WIDTH 1000

enum screen_mode {
	SCREEN_OFF,		/* no pauses: write and carry on */
	SCREEN_SECTION,		/* --step: at section ends, and before scrolling */
	SCREEN_PAGE,		/* --step=page: only before scrolling */
	SCREEN_CALL,		/* --step=call: after each call, and sections */
};

/* What the teacher asked for at the last pause. */
enum screen_request {
	SCREEN_GO_ON,		/* Enter, space */
	SCREEN_BACK,		/* b: the previous section again */
	SCREEN_JUMP,		/* a number and Enter: that section */
	SCREEN_QUIT,		/* q (or ^D, a closed terminal) */
};

struct screen {
	enum screen_mode mode;
	unsigned int width;
	unsigned int rows;	/* 0: stdout is no terminal, no page pauses */
	bool clear;		/* stdout is the terminal: clear for each page */
	unsigned int used;	/* lines written since the screen was cleared */
	enum screen_request req;
	int jump;		/* SCREEN_JUMP: the number typed */
	bool discard;		/* a request is pending: output is dropped */
	bool write_failed;
	int write_errno;
};

/* The width to fit: stdout's terminal (TIOCGWINSZ), else $COLUMNS, else
 * 80, kept between SCREEN_MIN_WIDTH and SCREEN_MAX_WIDTH. */
unsigned int screen_detect_width(void);

/* Sets sc up; width 0 means screen_detect_width().  A stepping mode needs
 * /dev/tty: without one the mode is SCREEN_OFF and -1 is returned (the
 * caller says so once). */
int screen_init(struct screen *sc, enum screen_mode mode, unsigned int width);

/* Writes text to stdout (its stdio buffer flushed first), each line cut
 * into pieces no wider than the width, pausing before a line that would
 * scroll the page away.  Returns 0, or -1 with errno when writing failed. */
int screen_write(struct screen *sc, const char *text, size_t len);

/* A call's step is on screen: pauses in SCREEN_CALL mode. */
void screen_after_call(struct screen *sc);

/* A part of a long section is on screen: pauses when stepping by
 * section or call ("next part"), and clears the screen for the next. */
void screen_part_break(struct screen *sc);

/* A section is on screen: pauses in every stepping mode (what says the
 * prompt: "next section", "end of the tour"); returns the request.  The
 * screen is cleared for what comes next. */
enum screen_request screen_section_end(struct screen *sc, bool last);

/* Forgets the last request and writes again. */
void screen_resume(struct screen *sc);

/* Display columns of n bytes: ANSI colour sequences take none, a UTF-8
 * character one. */
size_t screen_columns(const char *s, size_t n);

#endif
