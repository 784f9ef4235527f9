/* Reading /proc.  Parsers take text and never touch the file system, so the
 * unit tests feed them fixtures; readers take a root (normally "/proc") or a
 * directory descriptor, so that nothing here builds absolute paths twice. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"
#include "proc/procfs.h"

/* An unsigned number in the given base at *p, advancing *p past it; -1
 * when there are no digits or the value overflows. */
static int parse_uint_at(const char **p, int base, unsigned long long *out)
{
	const char *end = scan_ull(*p, NULL, base, out);

	if (end == NULL)
		return -1;
	*p = end;
	return 0;
}

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* Matches "key:" at the start of [line, end) and returns the value's start,
 * blanks skipped, or NULL. */
static const char *field_value(const char *line, const char *end,
			       const char *key)
{
	size_t n = strlen(key);

	if ((size_t)(end - line) <= n || strncmp(line, key, n) != 0 ||
	    line[n] != ':')
		return NULL;
	return skip_blanks(line + n + 1, end);
}

/* Parses a number that must fill the value up to the end of the line
 * (trailing blanks aside), at most 31 characters. */
static int parse_line_uint(const char *v, const char *end, int base,
			   unsigned long long *out)
{
	size_t n = (size_t)(end - v);

	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r'))
		n--;
	if (n == 0 || n >= 32)
		return -1;
	return scan_ull(v, v + n, base, out) == v + n ? 0 : -1;
}

/* fdinfo's fields that fdscope reads, by their first letter: one key
 * compared a line instead of four (every descriptor's fdinfo is
 * parsed). */
enum fdinfo_key { FDI_NONE, FDI_POS, FDI_FLAGS, FDI_MNT_ID, FDI_INO };

static enum fdinfo_key fdinfo_key_of(const char *line, const char *eol,
				     const char **value)
{
	static const struct {
		const char *name;
		size_t len;
		enum fdinfo_key key;
	} keys[] = {
		{ "pos", 3, FDI_POS }, { "flags", 5, FDI_FLAGS },
		{ "mnt_id", 6, FDI_MNT_ID }, { "ino", 3, FDI_INO },
	};
	size_t i, room = (size_t)(eol - line);

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (room <= keys[i].len || line[0] != keys[i].name[0] ||
		    line[keys[i].len] != ':' ||
		    memcmp(line, keys[i].name, keys[i].len) != 0)
			continue;
		*value = skip_blanks(line + keys[i].len + 1, eol);
		return keys[i].key;
	}
	return FDI_NONE;
}

int fdinfo_parse(const char *text, size_t len, struct fdinfo *out)
{
	const char *p = text, *end = text + len;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *v = NULL;
		unsigned long long n;

		if (eol == NULL)
			eol = end;
		switch (fdinfo_key_of(p, eol, &v)) {
		case FDI_POS:
			if (parse_line_uint(v, eol, 10, &n) == 0) {
				out->pos = n;
				out->has_pos = true;
			}
			break;
		case FDI_FLAGS:
			if (parse_line_uint(v, eol, 8, &n) == 0 && n <= 0xffffffffULL) {
				out->flags = (unsigned int)n;
				out->has_flags = true;
			}
			break;
		case FDI_MNT_ID:
			if (parse_line_uint(v, eol, 10, &n) == 0 && n <= 0x7fffffffULL) {
				out->mnt_id = (int)n;
				out->has_mnt_id = true;
			}
			break;
		case FDI_INO:
			if (parse_line_uint(v, eol, 10, &n) == 0) {
				out->ino = n;
				out->has_ino = true;
			}
			break;
		case FDI_NONE:
			break;
		}
		p = eol + 1;
	}
	return out->has_pos || out->has_flags ? 0 : -1;
}

/* Reads "unlimited" or a number from p; advances p. */
static int parse_limit_word(const char **p, bool *unlimited,
			    unsigned long long *v)
{
	while (**p == ' ')
		(*p)++;
	if (strncmp(*p, "unlimited", 9) == 0) {
		*unlimited = true;
		*v = 0;
		*p += 9;
		return 0;
	}
	*unlimited = false;
	return parse_uint_at(p, 10, v);
}

int limits_parse_nofile(const char *text, struct limit_pair *out)
{
	static const char key[] = "Max open files";
	const char *line = text;

	while (line && *line) {
		if (strncmp(line, key, sizeof(key) - 1) == 0) {
			const char *p = line + sizeof(key) - 1;

			/* The columns are padded with spaces: soft, hard,
			 * units. */
			if (*p != ' ')
				return -1;
			if (parse_limit_word(&p, &out->soft_unlimited, &out->soft) < 0 ||
			    *p != ' ' ||
			    parse_limit_word(&p, &out->hard_unlimited, &out->hard) < 0)
				return -1;
			if (*p != ' ' && *p != '\n' && *p != '\0')
				return -1;
			return 0;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return -1;
}

static const char *status_find(const char *text, const char *key,
			       const char **eol)
{
	const char *line = text;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		const char *v;

		if (end == NULL)
			end = line + strlen(line);
		v = field_value(line, end, key);
		if (v) {
			*eol = end;
			return v;
		}
		line = *end ? end + 1 : NULL;
	}
	return NULL;
}

int status_parse_ull(const char *text, const char *key,
		     unsigned long long *out)
{
	const char *eol, *v = status_find(text, key, &eol);
	const char *p = v;

	if (v == NULL || parse_uint_at(&p, 10, out) < 0)
		return -1;
	/* The first field only: "Uid:" has four. */
	if (p < eol && *p != ' ' && *p != '\t' && *p != '\r')
		return -1;
	return 0;
}

int status_parse_str(const char *text, const char *key, char *buf, size_t len)
{
	const char *eol, *v = status_find(text, key, &eol);
	size_t n;

	if (v == NULL || len == 0)
		return -1;
	n = (size_t)(eol - v);
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n >= len)
		n = len - 1;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return 0;
}

int file_nr_parse(const char *text, unsigned long long out[3])
{
	const char *p = text;
	int i;

	for (i = 0; i < 3; i++) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (parse_uint_at(&p, 10, &out[i]) < 0)
			return -1;
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\0')
			return -1;
	}
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	return *p == '\0' ? 0 : -1;
}

ssize_t procfs_read_at(int dirfd, const char *path, char *buf, size_t len)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t got = 0;
	int saved;

	if (fd < 0)
		return -1;
	while (got + 1 < len) {
		ssize_t n = read(fd, buf + got, len - 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	close(fd);
	return (ssize_t)got;
}

ssize_t procfs_read_head_at(int dirfd, const char *path, char *buf,
			    size_t len)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	ssize_t n;
	int saved;

	if (fd < 0)
		return -1;
	do
		n = read(fd, buf, len - 1);
	while (n < 0 && errno == EINTR);
	saved = errno;
	close(fd);
	if (n < 0) {
		errno = saved;
		return -1;
	}
	if ((size_t)n == len - 1) {
		char *nl = memrchr(buf, '\n', (size_t)n);

		n = nl ? nl + 1 - buf : 0;
	}
	buf[n] = '\0';
	return n;
}

ssize_t procfs_slurp_at(int dirfd, const char *path, char **out)
{
	return procfs_slurp_lead_at(dirfd, path, 0, out);
}

ssize_t procfs_slurp_lead_at(int dirfd, const char *path, size_t lead,
			     char **out)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t cap = 4096, got = 0;
	char *buf;
	int saved;

	if (fd < 0)
		return -1;
	/* May run in a worker thread (the socket prefetch): no exit here. */
	buf = try_malloc(cap);
	if (buf == NULL)
		goto fail;
	for (;;) {
		ssize_t n;

		/* Room for a whole page each read: a short read would end a
		 * seq_file's batch at a line of its own (see the lead). */
		if (cap - 1 - got < 4096) {
			char *grown = try_realloc(buf, cap * 2);

			if (grown == NULL)
				goto fail;
			buf = grown;
			cap *= 2;
		}
		n = read(fd, buf + got, got == 0 && lead && lead < cap - 1 ?
			 lead : cap - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			saved = errno;
			free(buf);
			close(fd);
			errno = saved;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*out = buf;
	return (ssize_t)got;
fail:
	free(buf);
	close(fd);
	errno = ENOMEM;
	return -1;
}

int procfs_path(char *buf, size_t len, const char *root, pid_t pid,
		const char *rel)
{
	int n;

	if (pid == PROCFS_NO_PID)
		n = snprintf(buf, len, "%s/%s", root, rel ? rel : "");
	else if (pid == 0)
		n = snprintf(buf, len, "%s/self%s%s", root, rel ? "/" : "",
			     rel ? rel : "");
	else
		n = snprintf(buf, len, "%s/%ld%s%s", root, (long)pid,
			     rel ? "/" : "", rel ? rel : "");
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int procfs_self_fd_path(char *buf, size_t len, int fd, const char *rel)
{
	int n = snprintf(buf, len, "/proc/self/fd/%d%s%s", fd, rel ? "/" : "",
			 rel ? rel : "");

	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

static int own_path(char *buf, size_t len, const char *who, const char *rel)
{
	int n = snprintf(buf, len, "/proc/%s/%s", who, rel);

	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int procfs_self_path(char *buf, size_t len, const char *rel)
{
	return own_path(buf, len, "self", rel);
}

int procfs_thread_self_path(char *buf, size_t len, const char *rel)
{
	return own_path(buf, len, "thread-self", rel);
}

ssize_t procfs_read_sys(const char *root, const char *rel, char *buf,
			size_t len)
{
	char path[4096];

	if (procfs_path(path, sizeof(path), root, PROCFS_NO_PID, rel) < 0)
		return -1;
	return procfs_read_at(AT_FDCWD, path, buf, len);
}

int procfs_read_ull(const char *root, const char *rel, unsigned long long *out)
{
	char buf[64];
	const char *p = buf;

	if (procfs_read_sys(root, rel, buf, sizeof(buf)) < 0)
		return -1;
	if (parse_uint_at(&p, 10, out) < 0 || (*p != '\n' && *p != '\0')) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int procfs_open_pid(const char *root, pid_t pid)
{
	char path[4096];

	if (procfs_path(path, sizeof(path), root, pid, NULL) < 0)
		return -1;
	return open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

int procfs_open_pid_file(const char *root, pid_t pid, const char *rel,
			 int flags)
{
	char path[4096];

	if (procfs_path(path, sizeof(path), root, pid, rel) < 0)
		return -1;
	return open(path, flags | O_CLOEXEC);
}

size_t procfs_fd_count_hint(int piddir)
{
	struct stat st;

	return fstatat(piddir, "fd", &st, 0) == 0 && st.st_size > 0 ?
		(size_t)st.st_size : 0;
}

/* Field n (3 or more) of /proc/PID/stat text as an unsigned number. */
static int stat_parse_field(const char *text, int n, unsigned long long *out)
{
	/* comm (field 2) may hold blanks and parentheses: the fields go on
	 * after its last ')', from state (3) on. */
	const char *p = strrchr(text, ')');
	int field;

	if (p == NULL)
		return -1;
	p++;
	for (field = 3; field < n; field++) {
		if (*p != ' ')
			return -1;
		p++;
		p += strcspn(p, " \n");
	}
	if (*p != ' ')
		return -1;
	p++;
	if (parse_uint_at(&p, 10, out) < 0 || (*p != ' ' && *p != '\n' &&
					       *p != '\0'))
		return -1;
	return 0;
}

int stat_parse_flags(const char *text, unsigned long long *flags)
{
	return stat_parse_field(text, 9, flags);
}

int stat_parse_start_time(const char *text, unsigned long long *start)
{
	return stat_parse_field(text, 22, start);
}

int procfs_start_time_at(int piddir, unsigned long long *start)
{
	char buf[1024];

	if (procfs_read_at(piddir, "stat", buf, sizeof(buf)) <= 0)
		return -1;
	if (stat_parse_start_time(buf, start) < 0) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int procfs_repin(const char *root, pid_t pid, pid_t tid,
		 unsigned long long start)
{
	char rel[32];
	unsigned long long now;
	int piddir, taskdir, saved;

	piddir = procfs_open_pid(root, pid);
	if (piddir < 0 || tid == 0)
		goto check;
	snprintf(rel, sizeof(rel), "task/%ld", (long)tid);
	taskdir = openat(piddir, rel, O_PATH | O_DIRECTORY | O_CLOEXEC);
	saved = errno;
	close(piddir);
	errno = saved;
	piddir = taskdir;
check:
	if (piddir < 0 || start == PROCFS_NO_START)
		return piddir;
	/* The same PID with another start time is another process. */
	if (procfs_start_time_at(piddir, &now) < 0 || now != start) {
		close(piddir);
		errno = ESRCH;
		return -1;
	}
	return piddir;
}

/* include/linux/sched.h: the task is a kernel thread. */
#define PF_KTHREAD 0x00200000ULL

enum procfs_task_kind procfs_classify(const char *status, const char *stat)
{
	unsigned long long v;
	char state[32];

	/* State first: a zombie has no memory map either, and its
	 * descriptors are gone; unless it is only the main thread that
	 * exited while others (counted in Threads, beside the zombie
	 * leader) still run and hold the table. */
	if (status != NULL &&
	    status_parse_str(status, "State", state, sizeof(state)) == 0 &&
	    (state[0] == 'Z' || state[0] == 'X'))
		return status_parse_ull(status, "Threads", &v) == 0 && v > 1 ?
			PROCFS_TASK_LEADER_EXITED : PROCFS_TASK_ZOMBIE;
	/* "Kthread:" since Linux 6.1; PF_KTHREAD in stat on every kernel. */
	if (status != NULL && status_parse_ull(status, "Kthread", &v) == 0)
		return v == 1 ? PROCFS_TASK_KTHREAD : PROCFS_TASK_LIVE;
	if (stat != NULL && stat_parse_flags(stat, &v) == 0)
		return v & PF_KTHREAD ? PROCFS_TASK_KTHREAD : PROCFS_TASK_LIVE;
	return PROCFS_TASK_LIVE;
}

enum procfs_task_kind procfs_classify_at(int piddir)
{
	char status[4096], stat[1024];
	bool have_status = procfs_read_at(piddir, "status", status,
					  sizeof(status)) > 0;
	bool have_stat = procfs_read_at(piddir, "stat", stat, sizeof(stat)) > 0;

	return procfs_classify(have_status ? status : NULL,
			       have_stat ? stat : NULL);
}
