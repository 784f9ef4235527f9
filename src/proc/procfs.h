/* Everything fdscope reads from /proc: the parsers for fdinfo, limits,
 * status and fs.file-nr (pure functions over text, tested on fixtures),
 * and the few readers that open files relative to a proc root. */
#ifndef FDSCOPE_PROCFS_H
#define FDSCOPE_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PROCFS_DEFAULT_ROOT "/proc"

/* The fields of /proc/PID/fdinfo/N that fdscope uses.  Each has_ flag says
 * whether the kernel printed that field. */
struct fdinfo {
	bool has_pos, has_flags, has_mnt_id, has_ino;
	unsigned long long pos;
	unsigned int flags;
	int mnt_id;
	unsigned long long ino;
};

/* Parses fdinfo text.  Returns 0 when at least "pos" or "flags" was found,
 * -1 when the text is not fdinfo at all.  Unknown lines are ignored, a
 * field with a malformed value is left unset. */
int fdinfo_parse(const char *text, size_t len, struct fdinfo *out);

/* A resource limit as /proc/PID/limits or getrlimit give it. */
struct limit_pair {
	bool soft_unlimited, hard_unlimited;
	unsigned long long soft, hard;
};

/* Finds the "Max open files" line of /proc/PID/limits text. */
int limits_parse_nofile(const char *text, struct limit_pair *out);

/* Finds "Key:\tvalue" in /proc/PID/status text and parses value as an
 * unsigned number (the first field).  Returns -1 when absent or malformed. */
int status_parse_ull(const char *text, const char *key,
		     unsigned long long *out);

/* Copies the value of "Key:" in status text (trimmed) into buf. */
int status_parse_str(const char *text, const char *key, char *buf, size_t len);

/* Parses /proc/sys/fs/file-nr: allocated, free, max. */
int file_nr_parse(const char *text, unsigned long long out[3]);

/* Reads a whole small file relative to dirfd (AT_FDCWD for absolute
 * paths) into buf, NUL-terminated.  Returns the length or -1 with errno. */
ssize_t procfs_read_at(int dirfd, const char *path, char *buf, size_t len);

/* Reads the head of a file with a single read(2) into buf, NUL-terminated:
 * for /proc files such as fdinfo whose wanted fields come first, where
 * reading on to end of file would cost one more system call per file.
 * When the buffer filled up, the text is cut after its last complete line
 * so that no number is read half.  Returns the length or -1 with errno. */
ssize_t procfs_read_head_at(int dirfd, const char *path, char *buf,
			    size_t len);

/* Reads a whole file of any size into a new buffer; -1 with errno. */
ssize_t procfs_slurp_at(int dirfd, const char *path, char **out);

/* The same with a first read of lead bytes (0: a full buffer).  A seq_file
 * (/proc/net/udp) restarts its walk at a record count at each read, so
 * the lead moves every restart point of the reads after it. */
ssize_t procfs_slurp_lead_at(int dirfd, const char *path, size_t lead,
			     char **out);

/* The one place paths under the proc root are built: root/PID/rel,
 * root/self/rel for pid 0, root/rel for PROCFS_NO_PID; rel may be NULL.
 * Returns 0, or -1 with errno ENAMETOOLONG. */
#define PROCFS_NO_PID ((pid_t)-1)
int procfs_path(char *buf, size_t len, const char *root, pid_t pid,
		const char *rel);

/* The other place: /proc/self/fd/FD/rel, the kernel's link to what
 * fdscope's own descriptor fd is, for calls that have no *at form
 * (getxattr).  Always the real /proc: the link resolves to fd's file
 * whatever root fd was opened under. */
int procfs_self_fd_path(char *buf, size_t len, int fd, const char *rel);

/* The last ones: fdscope's own /proc/self/rel and /proc/thread-self/rel
 * (the calling thread's network namespace, its executable), always the
 * real /proc: they name this process, which no PID can reuse. */
int procfs_self_path(char *buf, size_t len, const char *rel);
int procfs_thread_self_path(char *buf, size_t len, const char *rel);

/* Reads a small system-wide file ("sys/fs/file-nr") under root. */
ssize_t procfs_read_sys(const char *root, const char *rel, char *buf,
			size_t len);

/* Reads one unsigned number from a sysctl-style file, e.g. "sys/fs/nr_open"
 * under root. */
int procfs_read_ull(const char *root, const char *rel, unsigned long long *out);

/* Opens root/PID (or root/self when pid is 0) as an O_PATH|O_DIRECTORY
 * descriptor; -1 with errno (ENOENT when there is no such process).  Every
 * per-process file is then read relative to it, never by a path rebuilt
 * from a PID that may have been reused meanwhile. */
int procfs_open_pid(const char *root, pid_t pid);

/* Opens root/PID/rel with flags (plus O_CLOEXEC): for a process that is
 * not pinned, such as fdscope's own namespace (pid 0). */
int procfs_open_pid_file(const char *root, pid_t pid, const char *rel,
			 int flags);

/* How many descriptors the pinned process has open, from the size the
 * kernel gives /proc/PID/fd since 6.2; 0 when unknown or unreadable. */
size_t procfs_fd_count_hint(int piddir);

/* Parses the flags field (the ninth) of /proc/PID/stat text. */
int stat_parse_flags(const char *text, unsigned long long *flags);

/* Parses the start time (field 22, clock ticks after boot) of stat text:
 * with the PID, it names one process; a reused PID has a later one. */
int stat_parse_start_time(const char *text, unsigned long long *start);

/* Reads the start time of the process pinned by piddir; -1 with errno. */
int procfs_start_time_at(int piddir, unsigned long long *start);

/* Pins root/PID (root/self for 0), or its thread root/PID/task/TID when
 * tid is not 0, again, for a reader that runs after the first pin was
 * closed (a listing of every process cannot keep one open per process).
 * Unless start is PROCFS_NO_START, the new pin is checked to be the same
 * process by its start time: -1 with errno ESRCH when the PID was reused
 * meanwhile. */
#define PROCFS_NO_START (~0ULL)
int procfs_repin(const char *root, pid_t pid, pid_t tid,
		 unsigned long long start);

/* What a process is, for a table that reads empty. */
enum procfs_task_kind {
	PROCFS_TASK_LIVE,
	PROCFS_TASK_ZOMBIE,		/* exited, not yet reaped */
	PROCFS_TASK_KTHREAD,		/* a kernel thread: no table at all */
	/* The main thread exited (the kernel shows it as a zombie) while
	 * other threads run: the table is theirs, read through one. */
	PROCFS_TASK_LEADER_EXITED,
};

/* Classifies from /proc/PID/status and /proc/PID/stat text (either may be
 * NULL): State first (Z, with Threads telling an exited main thread from
 * an exited process), then Kthread: where the kernel prints it, then
 * PF_KTHREAD in stat's flags. */
enum procfs_task_kind procfs_classify(const char *status, const char *stat);

/* The same, reading both relative to a /proc/PID directory descriptor. */
enum procfs_task_kind procfs_classify_at(int piddir);

#endif
