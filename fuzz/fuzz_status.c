/* status_parse_ull and status_parse_str on /proc/PID/status text, with the
 * keys fdscope asks for and a key taken from the input itself. */
#include "fuzz.h"
#include "proc/procfs.h"

static void try_key(const char *text, const char *key)
{
	unsigned long long v;
	char small[4], big[256];

	(void)status_parse_ull(text, key, &v);
	if (status_parse_str(text, key, small, sizeof(small)) == 0)
		FUZZ_ASSERT(strlen(small) < sizeof(small));
	if (status_parse_str(text, key, big, sizeof(big)) == 0)
		FUZZ_ASSERT(strlen(big) < sizeof(big));
	/* A zero-size buffer must be refused, not written. */
	FUZZ_ASSERT(status_parse_str(text, key, big, 0) == -1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = {
		"FDSize", "Kthread", "Uid", "Name", "State", "PPid", "",
	};
	char *text = fuzz_cstr(data, size);
	size_t i, klen;
	char key[32];

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		try_key(text, keys[i]);
	/* The first line's prefix as a key, so that matches happen often. */
	klen = strcspn(text, ":\n");
	if (klen < sizeof(key)) {
		memcpy(key, text, klen);
		key[klen] = '\0';
		try_key(text, key);
	}
	free(text);
	return 0;
}
