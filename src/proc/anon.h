/* Decoding the fdinfo of anonymous inodes (eventfd, eventpoll, timerfd,
 * signalfd, inotify, fanotify, pidfd, bpf maps and programs, io_uring,
 * userfaultfd, perf_event) and of the few devices that print there (ptmx,
 * tun): pure parsers over the text the kernel wrote, and the one-phrase summaries
 * `list` shows as NAME.  Nothing here touches the file system. */
#ifndef FDSCOPE_ANON_H
#define FDSCOPE_ANON_H

#include <stdbool.h>
#include <stddef.h>

/* The kinds whose fdinfo says more than pos, flags, mnt_id and ino. */
enum anon_kind {
	ANON_NONE, ANON_EVENTFD, ANON_EVENTPOLL, ANON_TIMERFD, ANON_SIGNALFD,
	ANON_INOTIFY, ANON_FANOTIFY, ANON_PIDFD, ANON_BPF_MAP, ANON_BPF_PROG,
	ANON_IO_URING, ANON_USERFAULTFD, ANON_PERF_EVENT, ANON_PTMX, ANON_TUN,
};

/* The kind a descriptor's link text names: "anon_inode:[eventfd]",
 * "anon_inode:inotify", "/dev/ptmx", "/dev/net/tun", ...; ANON_NONE for
 * anything else. */
enum anon_kind anon_kind_of_link(const char *link);

/* Finds "key:" at the start of a line of text[0, len) and parses the
 * number after it in base (0: the C prefixes).  Returns 0 or -1. */
int anon_field_ull(const char *text, size_t len, const char *key, int base,
		   unsigned long long *out);

struct anon_eventfd {
	bool has_count, has_id, has_semaphore;
	unsigned long long count;	/* printed in hex by the kernel */
	unsigned long long id;
	bool semaphore;
};
int anon_parse_eventfd(const char *text, size_t len, struct anon_eventfd *out);

/* One "tfd:" line of an eventpoll's fdinfo. */
struct anon_epoll_target {
	int tfd;
	unsigned int events;
	unsigned long long data, ino;
	unsigned int sdev;		/* the kernel's dev_t: major << 20 | minor */
};

/* Parses up to max targets into out; returns how many lines there were
 * (which may exceed max), or -1 when the text has no tfd line at all and
 * is not an eventpoll's. */
int anon_parse_epoll(const char *text, size_t len,
		     struct anon_epoll_target *out, size_t max);

struct anon_timerfd {
	bool has_clockid, has_ticks, has_value, has_interval;
	int clockid;
	unsigned long long ticks;
	unsigned long long value_s, value_ns;		/* time left */
	unsigned long long interval_s, interval_ns;
};
int anon_parse_timerfd(const char *text, size_t len, struct anon_timerfd *out);

/* "sigmask:" of a signalfd: bit N-1 set for signal N. */
int anon_parse_sigmask(const char *text, size_t len, unsigned long long *mask);

/* One "inotify wd:" or "fanotify ino:" line: a watched inode. */
struct anon_watch {
	int wd;				/* inotify only; -1 for fanotify */
	unsigned long long ino;
	unsigned int sdev;
	unsigned int mask;
	int mnt_id;			/* fanotify mount marks; -1 otherwise */
	bool fs;			/* a fanotify filesystem mark (sdev only) */
};
/* Inotify watches or fanotify inode/mount marks (key "inotify" or
 * "fanotify"); returns the count as anon_parse_epoll does, or -1. */
int anon_parse_watches(const char *text, size_t len, const char *key,
		       struct anon_watch *out, size_t max);

struct anon_fanotify {
	unsigned int flags, event_flags;
};
int anon_parse_fanotify(const char *text, size_t len, struct anon_fanotify *out);

/* An io_uring's rings and its SQPOLL thread (io_uring/fdinfo.c). */
struct anon_io_uring {
	unsigned long long sq_entries, cq_entries;
	long long sq_thread;		/* its TID; -1: no SQPOLL thread */
	long long sq_cpu;		/* -1: not pinned */
	unsigned long long user_files, user_bufs;
};
int anon_parse_io_uring(const char *text, size_t len, struct anon_io_uring *out);

struct anon_pidfd {
	long long pid;			/* -1: the process has exited */
	char nspid[64];			/* "4213" or "4213 1": innermost last */
};
int anon_parse_pidfd(const char *text, size_t len, struct anon_pidfd *out);

/* Converts the kernel's internal dev_t (fdinfo's sdev) to major and minor. */
void anon_sdev_split(unsigned int sdev, unsigned int *major, unsigned int *minor);

/* "CLOCK_MONOTONIC" and the like, or NULL. */
const char *anon_clock_name(int clockid);

/* "USR1,TERM": the signals of a mask, comma-separated, numbers for those
 * without a name (real-time signals as RT<n>). */
void anon_sigmask_format(unsigned long long mask, char *buf, size_t len);

/* "IN,OUT,ET": an epoll event mask's names, unnamed bits in hex. */
void anon_epoll_events_format(unsigned int events, char *buf, size_t len);

/* "1.5" from seconds and nanoseconds: the shortest exact decimal. */
void anon_seconds_format(unsigned long long s, unsigned long long ns,
			 char *buf, size_t len);

/* "array" for a bpf map type number, or NULL. */
const char *anon_bpf_map_type(unsigned long long type);

/* A bpf program's "prog_tag:" (hex) into buf; 0 or -1. */
int anon_prog_tag(const char *text, size_t len, char *buf, size_t buflen);

/* A tun descriptor's interface ("iff:") into buf, unescaped; 0 or -1. */
int anon_tun_iface(const char *text, size_t len, char *buf, size_t buflen);

/* What a summary may name beyond the fdinfo: the command of a pidfd's
 * process, and the path of a watched inode when the caller knows one. */
struct anon_ctx {
	const char *pidfd_comm;
	/* The process whose thread an io_uring's SqThread is (its creator:
	 * the kernel starts the thread in the creating thread group), 0
	 * when unknown, and its command. */
	long long io_uring_owner;
	const char *io_uring_owner_comm;
	const char *bpf_name;		/* a bpf map's or program's name */
	const char *(*path_of)(const void *ctx, unsigned int major,
			       unsigned int minor, unsigned long long ino);
	const void *path_ctx;
};

/* NAME: one readable phrase for the descriptor's kind from its fdinfo
 * (`eventpoll: 3 targets: 3 5 6`, `timerfd: CLOCK_MONOTONIC, 1.5 s left,
 * every 2 s`, `pidfd: 4213 (nginx)`).  ctx may be NULL.  Returns buf, or
 * NULL when the fdinfo does not say enough.  The text is not escaped. */
const char *anon_summary(enum anon_kind kind, const char *text, size_t len,
			 const struct anon_ctx *ctx, char *buf, size_t buflen);

/* The single fields `list` has a column for. */
enum anon_field {
	ANON_F_EVENTFD_ID, ANON_F_EVENTFD_COUNT,
	ANON_F_EVENTPOLL_TFDS,		/* "3\n5\n6": a JSON array */
	ANON_F_EVENTPOLL_EVENTS,	/* "3:IN,OUT 5:IN" */
	ANON_F_TIMERFD_CLOCKID, ANON_F_TIMERFD_INTERVAL,
	ANON_F_TIMERFD_REMAINING, ANON_F_TIMERFD_TICKS,
	ANON_F_SIGNALFD_MASK,
	ANON_F_INOTIFY_INODES,		/* "123\n456": a JSON array */
	ANON_F_PIDFD_PID, ANON_F_PIDFD_NSPID,
	ANON_F_BPF_MAP_ID, ANON_F_BPF_MAP_TYPE, ANON_F_BPF_PROG_ID,
	ANON_F_BPF_PROG_TYPE, ANON_F_BPF_PROG_TAG,
	ANON_F_IO_URING_SQ, ANON_F_IO_URING_CQ, ANON_F_IO_URING_SQTHREAD,
	ANON_F_FANOTIFY_FLAGS, ANON_F_FANOTIFY_EVENT_FLAGS,
	ANON_F_FANOTIFY_MARKS,		/* "inode 254:1:123 OPEN\n...": an array */
	ANON_F_PTMX_TTY_INDEX, ANON_F_TUN_IFACE,
};

/* The text of one field for a descriptor of the given kind, or NULL when
 * the kind has no such field or the fdinfo does not give it. */
const char *anon_field_text(enum anon_field f, enum anon_kind kind,
			    const char *text, size_t len, char *buf,
			    size_t buflen);

#endif
