/* Anonymous inodes' fdinfo.  The kernel writes each kind's lines with its
 * own printf formats (fs/eventfd.c, fs/eventpoll.c, fs/timerfd.c,
 * fs/signalfd.c, fs/notify/fdinfo.c, kernel/pid.c, kernel/bpf/syscall.c,
 * io_uring/fdinfo.c): hex where the kernel uses %x, decimal elsewhere.
 * Every parser takes a length and reads nothing past it: the text may be
 * cut or hostile (a file named to look like fdinfo is never parsed, but a
 * fuzzer feeds these anything). */
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/util.h"
#include "proc/anon.h"
#include "proc/fanflags.h"

static const struct {
	const char *name;
	enum anon_kind kind;
} anon_names[] = {
	{ "eventfd", ANON_EVENTFD }, { "eventpoll", ANON_EVENTPOLL },
	{ "timerfd", ANON_TIMERFD }, { "signalfd", ANON_SIGNALFD },
	{ "inotify", ANON_INOTIFY }, { "fanotify", ANON_FANOTIFY },
	{ "pidfd", ANON_PIDFD }, { "bpf-map", ANON_BPF_MAP },
	{ "bpf-prog", ANON_BPF_PROG }, { "io_uring", ANON_IO_URING },
	{ "userfaultfd", ANON_USERFAULTFD }, { "perf_event", ANON_PERF_EVENT },
};

enum anon_kind anon_kind_of_link(const char *link)
{
	const char *k;
	size_t i, n;

	if (link == NULL)
		return ANON_NONE;
	if (strcmp(link, "/dev/ptmx") == 0 || strcmp(link, "/dev/pts/ptmx") == 0)
		return ANON_PTMX;
	if (strcmp(link, "/dev/net/tun") == 0)
		return ANON_TUN;
	if (strncmp(link, "anon_inode:", 11) != 0)
		return ANON_NONE;
	k = link + 11;
	if (*k == '[')
		k++;
	n = strcspn(k, "]");
	for (i = 0; i < ARRAY_SIZE(anon_names); i++)
		if (strlen(anon_names[i].name) == n &&
		    strncmp(k, anon_names[i].name, n) == 0)
			return anon_names[i].kind;
	return ANON_NONE;
}

/* The lines of text[0, len), one at a time: *p advances past each. */
static bool next_line(const char **p, const char *end, const char **line,
		      const char **eol)
{
	const char *nl;

	if (*p >= end)
		return false;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	*line = *p;
	*eol = nl ? nl : end;
	*p = nl ? nl + 1 : end;
	return true;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/* An unsigned number at *p (blanks first), within [*p, end). */
static int number_at(const char **p, const char *end, int base,
		     unsigned long long *out)
{
	const char *s = *p;
	unsigned long long v = 0;
	int digits = 0;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (base == 0) {
		base = 10;
		if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
			base = 16;
			s += 2;
		}
	}
	for (; s < end; s++, digits++) {
		int d = digit_value(*s);

		if (d >= base)
			break;
		if (v > (~0ULL - (unsigned)d) / (unsigned)base)
			return -1;
		v = v * (unsigned)base + (unsigned)d;
	}
	if (digits == 0)
		return -1;
	*p = s;
	*out = v;
	return 0;
}

/* The value after "key" (which includes its colon) in [line, eol): at
 * the start or after a blank, so that "ino:" never matches "sino:". */
static const char *token_value(const char *line, const char *eol,
			       const char *key)
{
	size_t n = strlen(key);
	const char *s;

	for (s = line; s + n <= eol; s++) {
		if ((s == line || s[-1] == ' ' || s[-1] == '\t') &&
		    memcmp(s, key, n) == 0)
			return s + n;
	}
	return NULL;
}

static int token_ull(const char *line, const char *eol, const char *key,
		     int base, unsigned long long *out)
{
	const char *v = token_value(line, eol, key);

	return v ? number_at(&v, eol, base, out) : -1;
}

/* A "key:" line: the key must start the line. */
static const char *line_value(const char *line, const char *eol,
			      const char *key)
{
	size_t n = strlen(key);

	if ((size_t)(eol - line) <= n || memcmp(line, key, n) != 0 ||
	    line[n] != ':')
		return NULL;
	return line + n + 1;
}

int anon_field_ull(const char *text, size_t len, const char *key, int base,
		   unsigned long long *out)
{
	const char *p = text, *end = text + len, *line, *eol, *v;

	while (next_line(&p, end, &line, &eol))
		if ((v = line_value(line, eol, key)) != NULL)
			return number_at(&v, eol, base, out);
	return -1;
}

int anon_parse_eventfd(const char *text, size_t len, struct anon_eventfd *out)
{
	unsigned long long v;

	memset(out, 0, sizeof(*out));
	if (anon_field_ull(text, len, "eventfd-count", 16, &out->count) == 0)
		out->has_count = true;
	if (anon_field_ull(text, len, "eventfd-id", 10, &out->id) == 0)
		out->has_id = true;
	if (anon_field_ull(text, len, "eventfd-semaphore", 10, &v) == 0) {
		out->has_semaphore = true;
		out->semaphore = v != 0;
	}
	return out->has_count ? 0 : -1;
}

int anon_parse_epoll(const char *text, size_t len,
		     struct anon_epoll_target *out, size_t max)
{
	const char *p = text, *end = text + len, *line, *eol, *v;
	size_t n = 0;

	while (next_line(&p, end, &line, &eol)) {
		struct anon_epoll_target t = { 0 };
		unsigned long long x;

		if ((v = line_value(line, eol, "tfd")) == NULL ||
		    number_at(&v, eol, 10, &x) < 0 || x > INT32_MAX)
			continue;
		t.tfd = (int)x;
		if (token_ull(v, eol, "events:", 16, &x) == 0 && x <= UINT32_MAX)
			t.events = (unsigned int)x;
		if (token_ull(v, eol, "data:", 16, &x) == 0)
			t.data = x;
		if (token_ull(v, eol, "ino:", 16, &x) == 0)
			t.ino = x;
		if (token_ull(v, eol, "sdev:", 16, &x) == 0 && x <= UINT32_MAX)
			t.sdev = (unsigned int)x;
		if (n < max)
			out[n] = t;
		if (n < INT32_MAX)
			n++;
	}
	return (int)n;
}

/* "(1, 499998123)": seconds and nanoseconds. */
static int pair_at(const char *v, const char *eol, unsigned long long *s,
		   unsigned long long *ns)
{
	while (v < eol && (*v == ' ' || *v == '\t'))
		v++;
	if (v >= eol || *v++ != '(' || number_at(&v, eol, 10, s) < 0 ||
	    v >= eol || *v++ != ',' || number_at(&v, eol, 10, ns) < 0 ||
	    v >= eol || *v != ')' || *ns >= 1000000000ULL)
		return -1;
	return 0;
}

int anon_parse_timerfd(const char *text, size_t len, struct anon_timerfd *out)
{
	const char *p = text, *end = text + len, *line, *eol, *v;
	unsigned long long x;

	memset(out, 0, sizeof(*out));
	while (next_line(&p, end, &line, &eol)) {
		if ((v = line_value(line, eol, "clockid")) != NULL) {
			if (number_at(&v, eol, 10, &x) == 0 && x <= 64) {
				out->clockid = (int)x;
				out->has_clockid = true;
			}
		} else if ((v = line_value(line, eol, "ticks")) != NULL) {
			if (number_at(&v, eol, 10, &out->ticks) == 0)
				out->has_ticks = true;
		} else if ((v = line_value(line, eol, "it_value")) != NULL) {
			out->has_value = pair_at(v, eol, &out->value_s,
						 &out->value_ns) == 0;
		} else if ((v = line_value(line, eol, "it_interval")) != NULL) {
			out->has_interval = pair_at(v, eol, &out->interval_s,
						    &out->interval_ns) == 0;
		}
	}
	return out->has_clockid ? 0 : -1;
}

int anon_parse_sigmask(const char *text, size_t len, unsigned long long *mask)
{
	return anon_field_ull(text, len, "sigmask", 16, mask);
}

int anon_parse_watches(const char *text, size_t len, const char *key,
		       struct anon_watch *out, size_t max)
{
	const char *p = text, *end = text + len, *line, *eol;
	size_t klen = strlen(key), n = 0;

	while (next_line(&p, end, &line, &eol)) {
		struct anon_watch w = { .wd = -1, .mnt_id = -1 };
		unsigned long long x;
		const char *v = line + klen;

		if ((size_t)(eol - line) <= klen || memcmp(line, key, klen) != 0 ||
		    line[klen] != ' ')
			continue;
		if (token_ull(v, eol, "wd:", 10, &x) == 0 && x <= INT32_MAX)
			w.wd = (int)x;
		if (token_ull(v, eol, "mnt_id:", 16, &x) == 0 && x <= INT32_MAX)
			w.mnt_id = (int)x;
		else if (token_ull(v, eol, "ino:", 16, &x) == 0)
			w.ino = x;
		else if (token_value(v, eol, "sdev:") != NULL)
			w.fs = true;	/* FAN_MARK_FILESYSTEM: no inode */
		else
			continue;	/* "fanotify flags:" is not a mark */
		if (token_ull(v, eol, "sdev:", 16, &x) == 0 && x <= UINT32_MAX)
			w.sdev = (unsigned int)x;
		if (token_ull(v, eol, "mask:", 16, &x) == 0 && x <= UINT32_MAX)
			w.mask = (unsigned int)x;
		if (n < max)
			out[n] = w;
		if (n < INT32_MAX)
			n++;
	}
	return (int)n;
}

int anon_parse_fanotify(const char *text, size_t len, struct anon_fanotify *out)
{
	const char *p = text, *end = text + len, *line, *eol;
	static const char key[] = "fanotify flags:";
	unsigned long long x;

	memset(out, 0, sizeof(*out));
	while (next_line(&p, end, &line, &eol)) {
		if ((size_t)(eol - line) < sizeof(key) - 1 ||
		    memcmp(line, key, sizeof(key) - 1) != 0)
			continue;
		if (token_ull(line, eol, "flags:", 16, &x) < 0 || x > UINT32_MAX)
			return -1;
		out->flags = (unsigned int)x;
		if (token_ull(line, eol, "event-flags:", 16, &x) == 0 &&
		    x <= UINT32_MAX)
			out->event_flags = (unsigned int)x;
		return 0;
	}
	return -1;
}

int anon_parse_io_uring(const char *text, size_t len, struct anon_io_uring *out)
{
	const char *p = text, *end = text + len, *line, *eol, *v;
	unsigned long long sq, cq;

	memset(out, 0, sizeof(*out));
	out->sq_thread = out->sq_cpu = -1;
	if (anon_field_ull(text, len, "SqMask", 0, &sq) < 0 ||
	    anon_field_ull(text, len, "CqMask", 0, &cq) < 0 ||
	    sq == ~0ULL || cq == ~0ULL)
		return -1;
	out->sq_entries = sq + 1;
	out->cq_entries = cq + 1;
	/* "SqThread:\t-1" without SQPOLL: a number only when there is one. */
	while (next_line(&p, end, &line, &eol)) {
		unsigned long long x;
		long long *to = NULL;

		if ((v = line_value(line, eol, "SqThread")) != NULL)
			to = &out->sq_thread;
		else if ((v = line_value(line, eol, "SqThreadCpu")) != NULL)
			to = &out->sq_cpu;
		if (to && number_at(&v, eol, 10, &x) == 0 && x <= INT32_MAX)
			*to = (long long)x;
	}
	(void)anon_field_ull(text, len, "UserFiles", 10, &out->user_files);
	(void)anon_field_ull(text, len, "UserBufs", 10, &out->user_bufs);
	return 0;
}

int anon_parse_pidfd(const char *text, size_t len, struct anon_pidfd *out)
{
	const char *p = text, *end = text + len, *line, *eol, *v;
	bool have = false;

	out->pid = -1;
	out->nspid[0] = '\0';
	while (next_line(&p, end, &line, &eol)) {
		if ((v = line_value(line, eol, "Pid")) != NULL) {
			unsigned long long x;
			const char *s = v;

			/* An exited process's pidfd says "Pid: -1". */
			while (s < eol && (*s == ' ' || *s == '\t'))
				s++;
			if (s < eol && *s == '-') {
				have = true;
				out->pid = -1;
			} else if (number_at(&v, eol, 10, &x) == 0 && x <= INT32_MAX) {
				have = true;
				out->pid = (long long)x;
			}
		} else if ((v = line_value(line, eol, "NSpid")) != NULL) {
			size_t o = 0;

			/* Digits, '-' and single blanks only. */
			for (; v < eol && o + 1 < sizeof(out->nspid); v++) {
				if ((*v >= '0' && *v <= '9') || *v == '-')
					out->nspid[o++] = *v;
				else if ((*v == '\t' || *v == ' ') && o > 0 &&
					 out->nspid[o - 1] != ' ')
					out->nspid[o++] = ' ';
			}
			while (o > 0 && out->nspid[o - 1] == ' ')
				o--;
			out->nspid[o] = '\0';
		}
	}
	return have ? 0 : -1;
}

void anon_sdev_split(unsigned int sdev, unsigned int *major, unsigned int *minor)
{
	*major = sdev >> 20;
	*minor = sdev & ((1U << 20) - 1);
}

const char *anon_clock_name(int clockid)
{
	switch (clockid) {
	case CLOCK_REALTIME:
		return "CLOCK_REALTIME";
	case CLOCK_MONOTONIC:
		return "CLOCK_MONOTONIC";
	case CLOCK_BOOTTIME:
		return "CLOCK_BOOTTIME";
	case CLOCK_REALTIME_ALARM:
		return "CLOCK_REALTIME_ALARM";
	case CLOCK_BOOTTIME_ALARM:
		return "CLOCK_BOOTTIME_ALARM";
	default:
		return NULL;
	}
}

/* Appends to buf at *used, never past len; keeps it NUL-terminated. */
static void append(char *buf, size_t len, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used = *used + (size_t)n < len ? *used + (size_t)n : len - 1;
}

void anon_sigmask_format(unsigned long long mask, char *buf, size_t len)
{
	size_t used = 0;
	int sig;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (sig = 1; sig <= 64; sig++) {
		const char *name;

		if ((mask & (1ULL << (sig - 1))) == 0)
			continue;
		name = sig < SIGRTMIN ? sigabbrev_np(sig) : NULL;
		if (name != NULL)
			append(buf, len, &used, "%s%s", used ? "," : "", name);
		else if (sig >= SIGRTMIN && sig <= SIGRTMAX)
			append(buf, len, &used, "%sRT%d", used ? "," : "",
			       sig - SIGRTMIN);
		else
			append(buf, len, &used, "%s%d", used ? "," : "", sig);
	}
}

void anon_epoll_events_format(unsigned int events, char *buf, size_t len)
{
	static const struct {
		unsigned int bit;
		const char *name;
	} names[] = {
		{ 0x1, "IN" }, { 0x2, "PRI" }, { 0x4, "OUT" }, { 0x8, "ERR" },
		{ 0x10, "HUP" }, { 0x2000, "RDHUP" }, { 0x10000000, "EXCLUSIVE" },
		{ 0x20000000, "WAKEUP" }, { 0x40000000, "ONESHOT" },
		{ 0x80000000, "ET" },
	};
	unsigned int left = events;
	size_t used = 0, i;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if ((left & names[i].bit) == 0)
			continue;
		append(buf, len, &used, "%s%s", used ? "," : "", names[i].name);
		left &= ~names[i].bit;
	}
	if (left)
		append(buf, len, &used, "%s0x%x", used ? "," : "", left);
}

void anon_seconds_format(unsigned long long s, unsigned long long ns,
			 char *buf, size_t len)
{
	char frac[16];
	int n;

	if (ns == 0) {
		snprintf(buf, len, "%llu", s);
		return;
	}
	n = snprintf(frac, sizeof(frac), "%09llu", ns % 1000000000ULL);
	while (n > 0 && frac[n - 1] == '0')
		frac[--n] = '\0';
	snprintf(buf, len, "%llu.%s", s, frac);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

#define SUMMARY_MAX_TARGETS 64

static const char *epoll_summary(const char *text, size_t len, char *buf,
				 size_t buflen)
{
	struct anon_epoll_target t[SUMMARY_MAX_TARGETS];
	int fds[SUMMARY_MAX_TARGETS];
	int n = anon_parse_epoll(text, len, t, SUMMARY_MAX_TARGETS), i, shown;
	size_t used = 0;

	/* n counts every target, also those past the first
	 * SUMMARY_MAX_TARGETS that were parsed into t. */
	shown = n < SUMMARY_MAX_TARGETS ? n : SUMMARY_MAX_TARGETS;
	for (i = 0; i < shown; i++)
		fds[i] = t[i].tfd;
	// cppcheck-suppress uninitvar ; the first shown are set just above
	qsort(fds, (size_t)shown, sizeof(fds[0]), cmp_int);
	append(buf, buflen, &used, "eventpoll: %d target%s%s", n,
	       n == 1 ? "" : "s", n ? ":" : "");
	for (i = 0; i < shown; i++)
		append(buf, buflen, &used, " %d", fds[i]);
	// cppcheck-suppress knownConditionTrueFalse ; n may exceed the cap
	if (n > shown)
		append(buf, buflen, &used, " ...");
	return buf;
}

static const char *timerfd_summary(const char *text, size_t len, char *buf,
				   size_t buflen)
{
	struct anon_timerfd tf;
	const char *clock;
	char num[48];
	size_t used = 0;

	if (anon_parse_timerfd(text, len, &tf) < 0)
		return NULL;
	clock = anon_clock_name(tf.clockid);
	if (clock)
		append(buf, buflen, &used, "timerfd: %s", clock);
	else
		append(buf, buflen, &used, "timerfd: clock %d", tf.clockid);
	if (!tf.has_value)
		return buf;
	if (tf.value_s == 0 && tf.value_ns == 0) {
		append(buf, buflen, &used, ", disarmed");
	} else {
		/* A phrase to read: milliseconds, rounded down (the column
		 * TIMERFD.REMAINING has the nanoseconds). */
		anon_seconds_format(tf.value_s, tf.value_ns / 1000000 * 1000000,
				    num, sizeof(num));
		append(buf, buflen, &used, ", %s s left", num);
		if (tf.has_interval && (tf.interval_s || tf.interval_ns)) {
			anon_seconds_format(tf.interval_s, tf.interval_ns, num,
					    sizeof(num));
			append(buf, buflen, &used, ", every %s s", num);
		} else {
			append(buf, buflen, &used, ", once");
		}
	}
	if (tf.has_ticks && tf.ticks)
		append(buf, buflen, &used, ", %llu tick%s", tf.ticks,
		       tf.ticks == 1 ? "" : "s");
	return buf;
}

static const char *watches_summary(const char *what, const char *text,
				   size_t len, const struct anon_ctx *ctx,
				   char *buf, size_t buflen)
{
	struct anon_watch w[SUMMARY_MAX_TARGETS];
	int n = anon_parse_watches(text, len, what, w, SUMMARY_MAX_TARGETS), i;
	size_t used = 0;
	struct anon_fanotify fa;

	if (strcmp(what, "fanotify") == 0 &&
	    anon_parse_fanotify(text, len, &fa) == 0) {
		char fl[256], ev[256];

		fanflags_init_format(fa.flags, fl, sizeof(fl));
		fanflags_event_format(fa.event_flags, ev, sizeof(ev));
		append(buf, buflen, &used, "fanotify: %s, events %s,", fl, ev);
	}
	append(buf, buflen, &used, "%s%s %d %s%s%s",
	       used ? "" : what, used ? "" : ":", n,
	       strcmp(what, "inotify") == 0 ? "watch" : "mark",
	       n == 1 ? "" : (strcmp(what, "inotify") == 0 ? "es" : "s"),
	       n ? ":" : "");
	for (i = 0; i < n && i < SUMMARY_MAX_TARGETS; i++) {
		unsigned int maj, min;
		const char *path = NULL;

		if (w[i].mnt_id >= 0) {
			append(buf, buflen, &used, " mount %d", w[i].mnt_id);
			continue;
		}
		anon_sdev_split(w[i].sdev, &maj, &min);
		if (w[i].fs) {
			append(buf, buflen, &used, " filesystem %u:%u", maj, min);
			continue;
		}
		if (ctx && ctx->path_of)
			path = ctx->path_of(ctx->path_ctx, maj, min, w[i].ino);
		if (path)
			append(buf, buflen, &used, " %s", path);
		else
			append(buf, buflen, &used, " %u:%u:%llu", maj, min, w[i].ino);
	}
	if (n > SUMMARY_MAX_TARGETS)
		append(buf, buflen, &used, " ...");
	return buf;
}

static const char *bpf_map_type_name(unsigned long long t)
{
	static const char *const names[] = {
		"unspec", "hash", "array", "prog_array", "perf_event_array",
		"percpu_hash", "percpu_array", "stack_trace", "cgroup_array",
		"lru_hash", "lru_percpu_hash", "lpm_trie", "array_of_maps",
		"hash_of_maps", "devmap", "sockmap", "cpumap", "xskmap",
		"sockhash", "cgroup_storage", "reuseport_sockarray",
		"percpu_cgroup_storage", "queue", "stack", "sk_storage",
		"devmap_hash", "struct_ops", "ringbuf", "inode_storage",
		"task_storage", "bloom_filter", "user_ringbuf", "cgrp_storage",
		"arena",
	};

	return t < ARRAY_SIZE(names) ? names[t] : NULL;
}

/* enum bpf_prog_type, in the order of include/uapi/linux/bpf.h. */
static const char *bpf_prog_type_name(unsigned long long t)
{
	static const char *const names[] = {
		"unspec", "socket_filter", "kprobe", "sched_cls", "sched_act",
		"tracepoint", "xdp", "perf_event", "cgroup_skb", "cgroup_sock",
		"lwt_in", "lwt_out", "lwt_xmit", "sock_ops", "sk_skb",
		"cgroup_device", "sk_msg", "raw_tracepoint", "cgroup_sock_addr",
		"lwt_seg6local", "lirc_mode2", "sk_reuseport", "flow_dissector",
		"cgroup_sysctl", "raw_tracepoint_writable", "cgroup_sockopt",
		"tracing", "struct_ops", "ext", "lsm", "sk_lookup", "syscall",
		"netfilter",
	};

	return t < ARRAY_SIZE(names) ? names[t] : NULL;
}

const char *anon_bpf_map_type(unsigned long long type)
{
	return bpf_map_type_name(type);
}

/* "bpf-map: id 25 (name), array": the ID, the name when known, the type
 * by name (its number when it has none). */
static bool bpf_head(bool prog, const char *text, size_t len, const char *name,
		     char *buf, size_t buflen, size_t *used)
{
	unsigned long long id, type;

	if (anon_field_ull(text, len, prog ? "prog_id" : "map_id", 10, &id) < 0)
		return false;
	append(buf, buflen, used, "%s: id %llu", prog ? "bpf-prog" : "bpf-map", id);
	if (name)
		append(buf, buflen, used, " (%s)", name);
	if (anon_field_ull(text, len, prog ? "prog_type" : "map_type", 10,
			   &type) == 0) {
		const char *t = prog ? bpf_prog_type_name(type) :
			bpf_map_type_name(type);

		if (t)
			append(buf, buflen, used, ", %s", t);
		else
			append(buf, buflen, used, ", type %llu", type);
	}
	return true;
}

static const char *bpf_summary(enum anon_kind kind, const char *text,
			       size_t len, const struct anon_ctx *ctx,
			       char *buf, size_t buflen)
{
	const char *name = ctx && ctx->bpf_name && ctx->bpf_name[0] ?
		ctx->bpf_name : NULL;
	unsigned long long entries;
	size_t used = 0;
	char tag[24] = "";

	if (!bpf_head(kind == ANON_BPF_PROG, text, len, name, buf, buflen, &used))
		return NULL;
	if (kind == ANON_BPF_MAP &&
	    anon_field_ull(text, len, "max_entries", 10, &entries) == 0)
		append(buf, buflen, &used, ", %llu entries", entries);
	if (kind == ANON_BPF_PROG && anon_prog_tag(text, len, tag, sizeof(tag)) == 0)
		append(buf, buflen, &used, ", tag %s", tag);
	return buf;
}

int anon_prog_tag(const char *text, size_t len, char *buf, size_t buflen)
{
	const char *p = text, *end = text + len, *line, *eol, *v;
	size_t o = 0;

	while (next_line(&p, end, &line, &eol)) {
		if ((v = line_value(line, eol, "prog_tag")) == NULL)
			continue;
		while (v < eol && (*v == ' ' || *v == '\t'))
			v++;
		for (; v < eol && digit_value(*v) < 16 && o + 1 < buflen; v++)
			buf[o++] = *v;
		if (o == 0 || buflen == 0)
			return -1;
		buf[o] = '\0';
		return 0;
	}
	return -1;
}

const char *anon_summary(enum anon_kind kind, const char *text, size_t len,
			 const struct anon_ctx *ctx, char *buf, size_t buflen)
{
	unsigned long long a, b;
	size_t used = 0;

	if (buflen == 0)
		return NULL;
	buf[0] = '\0';
	switch (kind) {
	case ANON_EVENTFD: {
		struct anon_eventfd ev;

		if (anon_parse_eventfd(text, len, &ev) < 0)
			return NULL;
		append(buf, buflen, &used, "eventfd:");
		if (ev.has_id)
			append(buf, buflen, &used, " id %llu,", ev.id);
		append(buf, buflen, &used, " count %llu%s", ev.count,
		       ev.semaphore ? ", semaphore" : "");
		return buf;
	}
	case ANON_EVENTPOLL:
		return epoll_summary(text, len, buf, buflen);
	case ANON_TIMERFD:
		return timerfd_summary(text, len, buf, buflen);
	case ANON_SIGNALFD: {
		char names[512];

		if (anon_parse_sigmask(text, len, &a) < 0)
			return NULL;
		anon_sigmask_format(a, names, sizeof(names));
		append(buf, buflen, &used, "signalfd: %s", a ? names : "no signal");
		return buf;
	}
	case ANON_INOTIFY:
		return watches_summary("inotify", text, len, ctx, buf, buflen);
	case ANON_FANOTIFY:
		return watches_summary("fanotify", text, len, ctx, buf, buflen);
	case ANON_PIDFD: {
		struct anon_pidfd pf;

		if (anon_parse_pidfd(text, len, &pf) < 0)
			return NULL;
		if (pf.pid < 0)
			append(buf, buflen, &used, "pidfd: exited");
		else if (ctx && ctx->pidfd_comm)
			append(buf, buflen, &used, "pidfd: %lld (%s)", pf.pid,
			       ctx->pidfd_comm);
		else
			append(buf, buflen, &used, "pidfd: %lld", pf.pid);
		return buf;
	}
	case ANON_BPF_MAP:
	case ANON_BPF_PROG:
		return bpf_summary(kind, text, len, ctx, buf, buflen);
	case ANON_IO_URING: {
		struct anon_io_uring io;

		if (anon_parse_io_uring(text, len, &io) < 0)
			return NULL;
		append(buf, buflen, &used, "io_uring: %llu SQ, %llu CQ entries",
		       io.sq_entries, io.cq_entries);
		/* Only an SQPOLL ring's thread tells whose the ring is. */
		if (io.sq_thread >= 0)
			append(buf, buflen, &used, ", sq thread %lld", io.sq_thread);
		if (io.sq_thread >= 0 && ctx && ctx->io_uring_owner > 0)
			append(buf, buflen, &used, " of %lld%s%s%s", ctx->io_uring_owner,
			       ctx->io_uring_owner_comm ? " (" : "",
			       ctx->io_uring_owner_comm ? ctx->io_uring_owner_comm : "",
			       ctx->io_uring_owner_comm ? ")" : "");
		if (io.user_files || io.user_bufs)
			append(buf, buflen, &used, ", %llu files, %llu buffers registered",
			       io.user_files, io.user_bufs);
		return buf;
	}
	case ANON_PERF_EVENT:
		/* kernel/events/core.c has no show_fdinfo: the event's type
		 * and config are not readable from outside the process. */
		append(buf, buflen, &used, "perf_event: event not shown by the kernel");
		return buf;
	case ANON_USERFAULTFD:
		if (anon_field_ull(text, len, "pending", 10, &a) < 0 ||
		    anon_field_ull(text, len, "total", 10, &b) < 0)
			return NULL;
		append(buf, buflen, &used, "userfaultfd: %llu pending, %llu in all",
		       a, b);
		return buf;
	case ANON_PTMX:
		if (anon_field_ull(text, len, "tty-index", 10, &a) < 0)
			return NULL;
		append(buf, buflen, &used, "/dev/ptmx: pty %llu (peer /dev/pts/%llu)",
		       a, a);
		return buf;
	case ANON_TUN: {
		char iface[64];

		if (anon_tun_iface(text, len, iface, sizeof(iface)) < 0)
			return NULL;
		append(buf, buflen, &used, "/dev/net/tun: interface %s", iface);
		return buf;
	}
	default:
		return NULL;
	}
}

int anon_tun_iface(const char *text, size_t len, char *buf, size_t buflen)
{
	const char *p = text, *end = text + len, *line, *eol, *v;
	size_t o = 0;

	while (next_line(&p, end, &line, &eol)) {
		if ((v = line_value(line, eol, "iff")) == NULL)
			continue;
		while (v < eol && (*v == ' ' || *v == '\t'))
			v++;
		/* An interface name is at most IFNAMSIZ - 1 bytes, any but
		 * '/', ':' and blanks; escaped by the caller's printer. */
		for (; v < eol && o + 1 < buflen && o < 15; v++)
			buf[o++] = *v;
		if (o == 0 || buflen == 0)
			return -1;
		buf[o] = '\0';
		return 0;
	}
	return -1;
}

struct tfd_events {
	int tfd;
	unsigned int events;
};

static int cmp_tfd(const void *a, const void *b)
{
	const struct tfd_events *x = a, *y = b;

	return (x->tfd > y->tfd) - (x->tfd < y->tfd);
}

/* Every target, by descriptor number; the mask too when with_events. */
static const char *epoll_field(const char *text, size_t len, bool with_events,
			       char *buf, size_t buflen)
{
	enum { MAX = 4096 };
	struct anon_epoll_target *t = xcalloc(MAX, sizeof(*t));
	struct tfd_events *te;
	int n = anon_parse_epoll(text, len, t, MAX), i;
	size_t used = 0;

	if (n > MAX)
		n = MAX;
	te = xcalloc((size_t)n + 1, sizeof(*te));
	for (i = 0; i < n; i++)
		te[i] = (struct tfd_events){ t[i].tfd, t[i].events };
	qsort(te, (size_t)n, sizeof(*te), cmp_tfd);
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		char ev[128];

		if (!with_events) {
			append(buf, buflen, &used, "%s%d", i ? "\n" : "", te[i].tfd);
			continue;
		}
		anon_epoll_events_format(te[i].events, ev, sizeof(ev));
		append(buf, buflen, &used, "%s%d:%s", i ? " " : "", te[i].tfd, ev);
	}
	free(te);
	free(t);
	return buf;
}

static const char *inodes_field(const char *text, size_t len, const char *key,
				char *buf, size_t buflen)
{
	enum { MAX = 1024 };
	struct anon_watch *w = xcalloc(MAX, sizeof(*w));
	int n = anon_parse_watches(text, len, key, w, MAX), i, shown = 0;
	size_t used = 0;

	buf[0] = '\0';
	for (i = 0; i < n && i < MAX; i++) {
		if (w[i].mnt_id >= 0 || w[i].fs)
			continue;
		append(buf, buflen, &used, "%s%llu", shown++ ? "\n" : "", w[i].ino);
	}
	free(w);
	return buf;
}

/* FANOTIFY.MARKS: "inode 254:1:123 OPEN", "mount 28 OPEN", "filesystem
 * 254:1 OPEN", one a line, the ignored mask after a slash when set. */
static const char *marks_field(const char *text, size_t len, char *buf,
			       size_t buflen)
{
	enum { MAX = 1024 };
	struct anon_watch *w = xcalloc(MAX, sizeof(*w));
	int n = anon_parse_watches(text, len, "fanotify", w, MAX), i;
	size_t used = 0;

	buf[0] = '\0';
	for (i = 0; i < n && i < MAX; i++) {
		unsigned int maj, min;
		char mask[512];

		anon_sdev_split(w[i].sdev, &maj, &min);
		fanflags_mask_format(w[i].mask, mask, sizeof(mask));
		if (w[i].mnt_id >= 0)
			append(buf, buflen, &used, "%smount %d %s", i ? "\n" : "",
			       w[i].mnt_id, mask);
		else if (w[i].fs)
			append(buf, buflen, &used, "%sfilesystem %u:%u %s",
			       i ? "\n" : "", maj, min, mask);
		else
			append(buf, buflen, &used, "%sinode %u:%u:%llu %s",
			       i ? "\n" : "", maj, min, w[i].ino, mask);
	}
	free(w);
	return buf;
}

static const char *ull_text(int rc, unsigned long long v, char *buf,
			    size_t buflen)
{
	if (rc < 0)
		return NULL;
	snprintf(buf, buflen, "%llu", v);
	return buf;
}

/* A "key:" number of the text as a cell. */
static const char *num_field(const char *text, size_t len, const char *key,
			     int base, char *buf, size_t buflen)
{
	unsigned long long v;

	if (anon_field_ull(text, len, key, base, &v) < 0)
		return NULL;
	snprintf(buf, buflen, "%llu", v);
	return buf;
}

const char *anon_field_text(enum anon_field f, enum anon_kind kind,
			    const char *text, size_t len, char *buf,
			    size_t buflen)
{
	struct anon_eventfd ev;
	struct anon_timerfd tf;
	struct anon_pidfd pf;
	unsigned long long v = 0;
	const char *s;

	if (text == NULL || buflen == 0)
		return NULL;
	switch (f) {
	case ANON_F_EVENTFD_ID:
	case ANON_F_EVENTFD_COUNT:
		if (kind != ANON_EVENTFD || anon_parse_eventfd(text, len, &ev) < 0)
			return NULL;
		if (f == ANON_F_EVENTFD_ID)
			return ull_text(ev.has_id ? 0 : -1, ev.id, buf, buflen);
		return ull_text(0, ev.count, buf, buflen);
	case ANON_F_EVENTPOLL_TFDS:
	case ANON_F_EVENTPOLL_EVENTS:
		if (kind != ANON_EVENTPOLL)
			return NULL;
		return epoll_field(text, len, f == ANON_F_EVENTPOLL_EVENTS, buf,
				   buflen);
	case ANON_F_TIMERFD_CLOCKID:
	case ANON_F_TIMERFD_INTERVAL:
	case ANON_F_TIMERFD_REMAINING:
	case ANON_F_TIMERFD_TICKS:
		if (kind != ANON_TIMERFD || anon_parse_timerfd(text, len, &tf) < 0)
			return NULL;
		if (f == ANON_F_TIMERFD_CLOCKID) {
			s = anon_clock_name(tf.clockid);
			if (s)
				return s;
			snprintf(buf, buflen, "%d", tf.clockid);
			return buf;
		}
		if (f == ANON_F_TIMERFD_TICKS)
			return ull_text(tf.has_ticks ? 0 : -1, tf.ticks, buf, buflen);
		if (f == ANON_F_TIMERFD_INTERVAL && tf.has_interval)
			anon_seconds_format(tf.interval_s, tf.interval_ns, buf, buflen);
		else if (f == ANON_F_TIMERFD_REMAINING && tf.has_value)
			anon_seconds_format(tf.value_s, tf.value_ns, buf, buflen);
		else
			return NULL;
		return buf;
	case ANON_F_SIGNALFD_MASK:
		if (kind != ANON_SIGNALFD || anon_parse_sigmask(text, len, &v) < 0)
			return NULL;
		anon_sigmask_format(v, buf, buflen);
		return buf;
	case ANON_F_INOTIFY_INODES:
		if (kind != ANON_INOTIFY && kind != ANON_FANOTIFY)
			return NULL;
		return inodes_field(text, len, kind == ANON_INOTIFY ? "inotify" :
				    "fanotify", buf, buflen);
	case ANON_F_PIDFD_PID:
	case ANON_F_PIDFD_NSPID:
		if (kind != ANON_PIDFD || anon_parse_pidfd(text, len, &pf) < 0)
			return NULL;
		if (f == ANON_F_PIDFD_PID)
			return ull_text(pf.pid < 0 ? -1 : 0,
					(unsigned long long)pf.pid, buf, buflen);
		if (pf.nspid[0] == '\0')
			return NULL;
		snprintf(buf, buflen, "%s", pf.nspid);
		return buf;
	case ANON_F_BPF_MAP_ID:
		return kind != ANON_BPF_MAP ? NULL :
			num_field(text, len, "map_id", 10, buf, buflen);
	case ANON_F_BPF_MAP_TYPE:
		if (kind != ANON_BPF_MAP ||
		    anon_field_ull(text, len, "map_type", 10, &v) < 0)
			return NULL;
		if ((s = anon_bpf_map_type(v)) != NULL)
			return s;
		return ull_text(0, v, buf, buflen);
	case ANON_F_BPF_PROG_ID:
		return kind != ANON_BPF_PROG ? NULL :
			num_field(text, len, "prog_id", 10, buf, buflen);
	case ANON_F_BPF_PROG_TYPE:
		return kind != ANON_BPF_PROG ? NULL :
			num_field(text, len, "prog_type", 10, buf, buflen);
	case ANON_F_BPF_PROG_TAG:
		return kind != ANON_BPF_PROG ||
			anon_prog_tag(text, len, buf, buflen) < 0 ? NULL : buf;
	case ANON_F_IO_URING_SQ:
	case ANON_F_IO_URING_CQ:
		if (kind != ANON_IO_URING ||
		    anon_field_ull(text, len, f == ANON_F_IO_URING_SQ ? "SqMask" :
				   "CqMask", 0, &v) < 0 || v == ~0ULL)
			return NULL;
		return ull_text(0, v + 1, buf, buflen);
	case ANON_F_IO_URING_SQTHREAD: {
		struct anon_io_uring io;

		if (kind != ANON_IO_URING || anon_parse_io_uring(text, len, &io) < 0 ||
		    io.sq_thread < 0)
			return NULL;
		return ull_text(0, (unsigned long long)io.sq_thread, buf, buflen);
	}
	case ANON_F_FANOTIFY_FLAGS:
	case ANON_F_FANOTIFY_EVENT_FLAGS: {
		struct anon_fanotify fa;

		if (kind != ANON_FANOTIFY || anon_parse_fanotify(text, len, &fa) < 0)
			return NULL;
		if (f == ANON_F_FANOTIFY_FLAGS)
			fanflags_init_format(fa.flags, buf, buflen);
		else
			fanflags_event_format(fa.event_flags, buf, buflen);
		return buf;
	}
	case ANON_F_FANOTIFY_MARKS:
		return kind != ANON_FANOTIFY ? NULL : marks_field(text, len, buf, buflen);
	case ANON_F_PTMX_TTY_INDEX:
		return kind != ANON_PTMX ? NULL :
			num_field(text, len, "tty-index", 10, buf, buflen);
	case ANON_F_TUN_IFACE:
		return kind != ANON_TUN ||
			anon_tun_iface(text, len, buf, buflen) < 0 ? NULL : buf;
	default:
		return NULL;
	}
}
