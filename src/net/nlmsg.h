/* NLMSG_OK without its mixed-sign comparison (nlmsg_len, a __u32, against
 * a signed remaining length): clang warns on it in the fuzz build.  The
 * length stays signed, as NLMSG_NEXT needs it to go negative past a last
 * message whose aligned length overshoots. */
#ifndef FDSCOPE_NLMSG_H
#define FDSCOPE_NLMSG_H

#include <stdbool.h>
#include <linux/netlink.h>

static inline bool nlmsg_fits(const struct nlmsghdr *h, int left)
{
	return left >= (int)sizeof(*h) && h->nlmsg_len >= sizeof(*h) &&
	       h->nlmsg_len <= (unsigned int)left;
}

#endif
