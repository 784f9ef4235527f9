/* struct deadline: an overdue deadline is clamped to 0 before it is
 * compared, so that it can never be mistaken for "none" (-1) and be
 * replaced by a later one. */
#include <limits.h>

#include "lib/deadline.h"

void deadline_init(struct deadline *d, long long now)
{
	d->now = now;
	d->left = -1;
}

void deadline_add(struct deadline *d, long long at)
{
	long long left = at - d->now;

	if (left < 0)
		left = 0;
	if (d->left < 0 || left < d->left)
		d->left = left;
}

int deadline_timeout(const struct deadline *d)
{
	return d->left > INT_MAX ? INT_MAX : (int)d->left;
}
