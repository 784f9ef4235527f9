/* limits_parse_nofile on /proc/PID/limits text. */
#include "fuzz.h"
#include "proc/procfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct limit_pair lp;

	if (limits_parse_nofile(text, &lp) == 0) {
		FUZZ_ASSERT(!lp.soft_unlimited || lp.soft == 0);
		FUZZ_ASSERT(!lp.hard_unlimited || lp.hard == 0);
		FUZZ_ASSERT(strstr(text, "Max open files") != NULL);
	}
	free(text);
	return 0;
}
