/* fdinfo_parse on /proc/PID/fdinfo/N text: any bytes, no terminator. */
#include "fuzz.h"
#include "proc/procfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_exact(data, size);
	struct fdinfo fi;
	int rc = fdinfo_parse(text, size, &fi);

	/* 0 exactly when pos or flags was found. */
	FUZZ_ASSERT((rc == 0) == (fi.has_pos || fi.has_flags));
	FUZZ_ASSERT(!fi.has_mnt_id || fi.mnt_id >= 0);
	free(text);
	return 0;
}
