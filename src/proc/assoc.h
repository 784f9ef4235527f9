/* What a process holds besides its descriptors, for `list --assoc`: its
 * working directory (cwd), root (rtd), executable (exe), file-backed
 * memory mappings (mem: deleted files and memfds included) and namespace
 * links (cgroup, ipc, mnt, net, pid, pid4c, time, time4c, user, uts), as
 * lsfd names them in ASSOC. */
#ifndef FDSCOPE_ASSOC_H
#define FDSCOPE_ASSOC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "proc/fdlist.h"

enum assoc_kind { ASSOC_CWD, ASSOC_RTD, ASSOC_EXE, ASSOC_MEM, ASSOC_NS };

/* One line of /proc/PID/maps. */
struct map_line {
	unsigned long long start, end, offset, ino;
	unsigned int major, minor;
	char perms[5];
	const char *path;		/* into the line; "" when none */
	size_t path_len;
};

struct assoc_entry {
	enum assoc_kind kind;
	char assoc[16];			/* "cwd", "mem", "net", "pid4c", ... */
	char *name;			/* link text or mapped path; NULL: unread */
	int link_errno;			/* readlink's errno, 0 when read */
	int stat_errno;			/* 0 when st holds a stat */
	struct fd_stat st;
	struct map_line map;		/* ASSOC_MEM; map.path unused */
};

struct assoc_list {
	struct assoc_entry *v;
	size_t n, cap;
};

void assoc_list_init(struct assoc_list *l);
void assoc_list_release(struct assoc_list *l);

/* Parses one maps line ("start-end perms offset maj:min inode path");
 * 0 or -1. */
int maps_parse_line(const char *line, size_t len, struct map_line *out);

/* Reads the cwd, root, exe, namespaces and file-backed mappings of the
 * process pinned by piddir (procfs_open_pid, fd_proc_repin).  A link that
 * cannot be read stays as an entry with its errno. */
void assoc_collect(struct assoc_list *l, int piddir);

#endif
