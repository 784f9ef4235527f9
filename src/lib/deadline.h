/* The nearest of several deadlines, as a poll timeout: serve's clients
 * each have their own idle deadline, and one already overdue must make
 * the poll return at once, whatever deadlines come after it. */
#ifndef FDSCOPE_DEADLINE_H
#define FDSCOPE_DEADLINE_H

struct deadline {
	long long now;		/* ms, the clock the deadlines are on */
	long long left;		/* ms to the nearest, -1 while none */
};

void deadline_init(struct deadline *d, long long now);

/* Adds the deadline at (ms); one already past counts as 0 ms left. */
void deadline_add(struct deadline *d, long long at);

/* The poll timeout: -1 when no deadline was added, else the ms to the
 * nearest, at most INT_MAX. */
int deadline_timeout(const struct deadline *d);

#endif
