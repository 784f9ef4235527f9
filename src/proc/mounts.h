/* /proc/PID/mountinfo: the mounts a process sees, by mount ID, for the
 * SOURCE column (the mount source, "tmpfs", "/dev/vda1", ...). */
#ifndef FDSCOPE_MOUNTS_H
#define FDSCOPE_MOUNTS_H

#include <stddef.h>

struct mount_entry {
	int mnt_id;
	unsigned int major, minor;
	char fstype[32];
	char source[96];	/* octal escapes of the kernel undone */
};

struct mount_tab {
	struct mount_entry *v;
	size_t n, cap;
};

void mount_tab_init(struct mount_tab *t);
void mount_tab_release(struct mount_tab *t);

/* Adds every well-formed line of mountinfo text; returns how many. */
size_t mountinfo_parse(struct mount_tab *t, const char *text, size_t len);

/* Reads the mountinfo of the process pinned by piddir (procfs_open_pid,
 * fd_proc_repin) into t; -1 with errno. */
int mount_tab_load(struct mount_tab *t, int piddir);

/* By mount ID (fdinfo mnt_id), or else by device; NULL when absent. */
const struct mount_entry *mount_tab_find(const struct mount_tab *t, int mnt_id);
const struct mount_entry *mount_tab_find_dev(const struct mount_tab *t,
					     unsigned int major,
					     unsigned int minor);

#endif
