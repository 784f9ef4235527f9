/* The readers of /proc/PID/fd link text and of flag lists: fdtype_name,
 * link_bracket_inode, link_is_deleted, and fdflags_format. */
#include <sys/stat.h>

#include "proc/fdtype.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const mode_t modes[] = {
		S_IFREG, S_IFDIR, S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK, S_IFLNK, 0,
	};
	char *text;
	unsigned long long ino;
	unsigned int flags;
	char buf[512];
	const char *t;

	if (size == 0)
		return 0;
	text = fuzz_cstr(data + 1, size - 1);
	t = fdtype_name(modes[data[0] % 8], data[0] & 8, text);
	FUZZ_ASSERT(t != NULL && *t != '\0');
	(void)fdtype_is_anon(text);
	(void)link_bracket_inode(text, "socket:", &ino);
	(void)link_bracket_inode(text, "pipe:", &ino);
	(void)link_bracket_inode(text, "", &ino);
	(void)link_is_deleted(text);
	/* Any bits at all format within the buffer, even a tiny one. */
	memcpy(&flags, data, size < sizeof(flags) ? size : sizeof(flags));
	fdflags_format(flags, buf, 8);
	FUZZ_ASSERT(strlen(buf) < 8);
	fdflags_format(flags, buf, sizeof(buf));
	FUZZ_ASSERT(strlen(buf) < sizeof(buf));
	free(text);
	return 0;
}
