/* Names for the numbers fanotify's fdinfo prints in hex: the group's
 * fanotify_init flags, the open flags of its event descriptors, and a
 * mark's event mask (fs/notify/fdinfo.c).  Pure formatters. */
#ifndef FDSCOPE_FANFLAGS_H
#define FDSCOPE_FANFLAGS_H

#include <stddef.h>

/* "CLASS_NOTIF,CLOEXEC": the class always, then each flag without its
 * FAN_ prefix; unnamed bits as one hex number. */
void fanflags_init_format(unsigned int flags, char *buf, size_t len);

/* "O_RDONLY,O_LARGEFILE": the access mode always, then each open flag. */
void fanflags_event_format(unsigned int flags, char *buf, size_t len);

/* "OPEN,CLOSE_WRITE": a mark's mask; "0" for an empty one. */
void fanflags_mask_format(unsigned int mask, char *buf, size_t len);

#endif
