/* Device numbers to names: drivers from /proc/devices (CHRDRV, BLKDRV),
 * misc devices from /proc/misc (MISCDEV) and partitions from
 * /proc/partitions (PARTITION).  Parsers over text, and one loader that
 * reads the three files under a proc root once per run. */
#ifndef FDSCOPE_CHRDEV_H
#define FDSCOPE_CHRDEV_H

#include <stdbool.h>
#include <stddef.h>

struct devname {
	char kind;		/* 'c' char driver, 'b' block driver, 'm' misc, 'p' partition */
	unsigned int major, minor;	/* minor: misc and partitions only */
	char name[40];
};

struct devtab {
	struct devname *v;
	size_t n, cap;
};

void devtab_init(struct devtab *t);
void devtab_release(struct devtab *t);

/* Each adds the lines it understands; returns how many, -1 when none. */
int devtab_parse_devices(struct devtab *t, const char *text, size_t len);
int devtab_parse_misc(struct devtab *t, const char *text, size_t len);
int devtab_parse_partitions(struct devtab *t, const char *text, size_t len);

/* Reads root/devices, root/misc and root/partitions; a missing file adds
 * nothing (the columns stay empty). */
void devtab_load(struct devtab *t, const char *root);

/* The name for a device, or NULL.  Misc devices are character major 10. */
const char *devtab_chrdrv(const struct devtab *t, unsigned int major);
const char *devtab_blkdrv(const struct devtab *t, unsigned int major);
const char *devtab_misc(const struct devtab *t, unsigned int minor);
const char *devtab_partition(const struct devtab *t, unsigned int major,
			     unsigned int minor);

#endif
