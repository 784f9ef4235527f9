/* fanotify's flag words by name.  The values are the kernel's ABI
 * (include/uapi/linux/fanotify.h, asm-generic/fcntl.h), spelled out here
 * so that names newer than the build machine's headers still decode. */
#include <stdio.h>

#include "lib/util.h"
#include "proc/fanflags.h"

struct flag_name {
	unsigned int bit;
	const char *name;
};

static const struct flag_name init_flags[] = {
	{ 0x1, "CLOEXEC" }, { 0x2, "NONBLOCK" },
	{ 0x10, "UNLIMITED_QUEUE" }, { 0x20, "UNLIMITED_MARKS" },
	{ 0x40, "ENABLE_AUDIT" }, { 0x80, "REPORT_PIDFD" },
	{ 0x100, "REPORT_TID" }, { 0x200, "REPORT_FID" },
	{ 0x400, "REPORT_DIR_FID" }, { 0x800, "REPORT_NAME" },
	{ 0x1000, "REPORT_TARGET_FID" }, { 0x2000, "REPORT_FD_ERROR" },
	{ 0x4000, "REPORT_MNT" },
};

/* x86-64 and the generic values; O_LARGEFILE is what every 64-bit
 * kernel adds to an event's descriptor. */
static const struct flag_name open_flags[] = {
	{ 00002000, "O_APPEND" }, { 00004000, "O_NONBLOCK" },
	{ 00010000, "O_DSYNC" }, { 00100000, "O_LARGEFILE" },
	{ 01000000, "O_NOATIME" }, { 02000000, "O_CLOEXEC" },
	{ 04000000, "O_SYNC" },
};

static const struct flag_name mask_bits[] = {
	{ 0x1, "ACCESS" }, { 0x2, "MODIFY" }, { 0x4, "ATTRIB" },
	{ 0x8, "CLOSE_WRITE" }, { 0x10, "CLOSE_NOWRITE" }, { 0x20, "OPEN" },
	{ 0x40, "MOVED_FROM" }, { 0x80, "MOVED_TO" }, { 0x100, "CREATE" },
	{ 0x200, "DELETE" }, { 0x400, "DELETE_SELF" }, { 0x800, "MOVE_SELF" },
	{ 0x1000, "OPEN_EXEC" }, { 0x4000, "Q_OVERFLOW" },
	{ 0x8000, "FS_ERROR" }, { 0x10000, "OPEN_PERM" },
	{ 0x20000, "ACCESS_PERM" }, { 0x40000, "OPEN_EXEC_PERM" },
	{ 0x100000, "PRE_ACCESS" }, { 0x1000000, "MNT_ATTACH" },
	{ 0x2000000, "MNT_DETACH" }, { 0x8000000, "EVENT_ON_CHILD" },
	{ 0x10000000, "RENAME" }, { 0x40000000, "ONDIR" },
};

static void put(char *buf, size_t len, size_t *used, const char *s)
{
	int n;

	if (*used >= len)
		return;
	n = snprintf(buf + *used, len - *used, "%s%s", *used ? "," : "", s);
	if (n > 0)
		*used += (size_t)n < len - *used ? (size_t)n : len - *used - 1;
}

/* Appends the names of flags' bits in table t; the rest as one hex. */
static void put_bits(const struct flag_name *t, size_t n, unsigned int flags,
		     char *buf, size_t len, size_t *used)
{
	char hex[16];
	size_t i;

	for (i = 0; i < n; i++) {
		if (flags & t[i].bit) {
			put(buf, len, used, t[i].name);
			flags &= ~t[i].bit;
		}
	}
	if (flags) {
		snprintf(hex, sizeof(hex), "0x%x", flags);
		put(buf, len, used, hex);
	}
}

/* A word whose low bits pick one name (head) and whose other bits are
 * flags of table t. */
static void format_word(const char *head, const struct flag_name *t, size_t n,
			unsigned int flags, char *buf, size_t len)
{
	size_t used = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	put(buf, len, &used, head);
	put_bits(t, n, flags, buf, len, &used);
}

void fanflags_init_format(unsigned int flags, char *buf, size_t len)
{
	static const char *const classes[] = {
		"CLASS_NOTIF", "CLASS_CONTENT", "CLASS_PRE_CONTENT", "CLASS_0xc",
	};

	format_word(classes[(flags >> 2) & 3], init_flags, ARRAY_SIZE(init_flags),
		    flags & ~0xcU, buf, len);
}

void fanflags_event_format(unsigned int flags, char *buf, size_t len)
{
	static const char *const modes[] = {
		"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE",
	};

	format_word(modes[flags & 3], open_flags, ARRAY_SIZE(open_flags),
		    flags & ~3U, buf, len);
}

void fanflags_mask_format(unsigned int mask, char *buf, size_t len)
{
	size_t used = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (mask == 0) {
		put(buf, len, &used, "0");
		return;
	}
	put_bits(mask_bits, ARRAY_SIZE(mask_bits), mask, buf, len, &used);
}
