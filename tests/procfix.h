/* A fake proc root for tests of the readers that take a pinned /proc/PID
 * directory: a process directory made by hand, and the same PID taken by
 * another process (the old directory renamed away, a new one made), so
 * that a reader shows whether it read through its pin or by the path. */
#ifndef FDSCOPE_TESTS_PROCFIX_H
#define FDSCOPE_TESTS_PROCFIX_H

#include <stddef.h>

/* Makes a new root in /tmp into root (at least 64 bytes). */
void procfix_root(char *root, size_t len);

/* Makes root/PID with stat (the given start time), comm, mountinfo (one
 * line with mount ID mnt_id), a cwd link to cwd, and an empty fd/. */
void procfix_process(const char *root, int pid, unsigned long long start,
		     const char *comm, int mnt_id, const char *cwd);

/* Writes root/PID/rel (a link when link is true). */
void procfix_put(const char *root, int pid, const char *rel,
		 const char *text, int link);

/* The process of root/PID exited and its PID was given to another:
 * root/PID is renamed away (pins on it still reach it) and made anew. */
void procfix_reuse(const char *root, int pid, unsigned long long start,
		   const char *comm, int mnt_id, const char *cwd);

/* Removes the whole root. */
void procfix_remove(const char *root);

#endif
