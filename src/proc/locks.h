/* File locks as the kernel lists them: /proc/locks for the machine, and
 * the "lock:" lines of a descriptor's fdinfo for the locks held through
 * that open file description (flock, POSIX, OFD, leases).  Parsers over
 * text, a loader, and the texts of the LOCKS column. */
#ifndef FDSCOPE_LOCKS_H
#define FDSCOPE_LOCKS_H

#include <stdbool.h>
#include <stddef.h>

enum lock_kind { LOCK_FLOCK, LOCK_POSIX, LOCK_OFD, LOCK_LEASE, LOCK_OTHER };

struct file_lock {
	enum lock_kind kind;
	char kind_name[12];		/* as the kernel spells it */
	char mode[12];			/* ADVISORY, MANDATORY, ACTIVE, BREAKING */
	bool write;			/* WRITE (else READ; UNLCK for a lease) */
	bool unlock;
	bool blocked;			/* a waiter ("->"), not a holder */
	long long pid;			/* -1: an OFD lock, owned by no process */
	unsigned int major, minor;
	unsigned long long ino;
	unsigned long long start, end;	/* end ~0ULL: EOF */
};

struct lock_tab {
	struct file_lock *v;
	size_t n, cap;
};

void lock_tab_init(struct lock_tab *t);
void lock_tab_release(struct lock_tab *t);

/* One line of /proc/locks ("1: POSIX  ADVISORY  WRITE 123 fe:00:42 0
 * EOF", "1: -> FLOCK ..."), or the text after fdinfo's "lock:\t".
 * Returns 0 or -1. */
int lock_parse_line(const char *line, size_t len, struct file_lock *out);

/* Every lock line of /proc/locks text, or every "lock:" line of fdinfo
 * text (fdinfo true); returns how many were added. */
size_t lock_tab_parse(struct lock_tab *t, const char *text, size_t len,
		      bool fdinfo);

/* root/locks; -1 with errno. */
int lock_tab_load(struct lock_tab *t, const char *root);

/* "POSIX W 10-29", "FLOCK W", "OFD R", "LEASE R": one lock for LOCKS. */
void lock_format(const struct file_lock *l, char *buf, size_t len);

/* The lsof-style letter of the strongest lock: 'W' write on the whole
 * file, 'w' write on part, 'R' / 'r' read, ' ' none. */
char lock_letter(const struct file_lock *v, size_t n);

#endif
