/* proc/anon's fdinfo decoders, proc/chrdev's, proc/locks' and
 * proc/mounts' table parsers on any
 * bytes, no terminator.  The first byte picks the kind; every summary and
 * every field must come back NUL-terminated inside its buffer. */
#include "fuzz.h"
#include "proc/anon.h"
#include "proc/chrdev.h"
#include "proc/locks.h"
#include "proc/mounts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum anon_kind kind;
	struct anon_epoll_target t[4];
	struct anon_watch w[4];
	struct devtab dt;
	char buf[256], *text;
	const char *s;
	int f, n;

	if (size == 0)
		return 0;
	kind = (enum anon_kind)(data[0] % (ANON_TUN + 1));
	text = fuzz_exact(data + 1, size - 1);
	s = anon_summary(kind, text, size - 1, NULL, buf, sizeof(buf));
	FUZZ_ASSERT(s == NULL || (s == buf && memchr(buf, '\0', sizeof(buf))));
	for (f = ANON_F_EVENTFD_ID; f <= ANON_F_TUN_IFACE; f++) {
		s = anon_field_text((enum anon_field)f, kind, text, size - 1, buf,
				    sizeof(buf));
		FUZZ_ASSERT(s == NULL || strlen(s) < sizeof(buf) ||
			    (s != buf && strlen(s) < 64));
	}
	n = anon_parse_epoll(text, size - 1, t, 4);
	FUZZ_ASSERT(n >= 0);
	n = anon_parse_watches(text, size - 1, "inotify", w, 4);
	FUZZ_ASSERT(n >= 0);
	devtab_init(&dt);
	devtab_parse_devices(&dt, text, size - 1);
	devtab_parse_misc(&dt, text, size - 1);
	devtab_parse_partitions(&dt, text, size - 1);
	for (size_t i = 0; i < dt.n; i++)
		FUZZ_ASSERT(memchr(dt.v[i].name, '\0', sizeof(dt.v[i].name)));
	devtab_release(&dt);
	{
		struct lock_tab lt;
		struct mount_tab mt;
		char one[128];

		lock_tab_init(&lt);
		lock_tab_parse(&lt, text, size - 1, data[0] & 1);
		for (size_t i = 0; i < lt.n; i++) {
			lock_format(&lt.v[i], one, sizeof(one));
			FUZZ_ASSERT(strlen(one) < sizeof(one));
		}
		(void)lock_letter(lt.v, lt.n);
		lock_tab_release(&lt);
		mount_tab_init(&mt);
		mountinfo_parse(&mt, text, size - 1);
		for (size_t i = 0; i < mt.n; i++)
			FUZZ_ASSERT(memchr(mt.v[i].source, '\0', sizeof(mt.v[i].source)));
		mount_tab_release(&mt);
	}
	free(text);
	return 0;
}
