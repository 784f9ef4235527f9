/* file_nr_parse on /proc/sys/fs/file-nr text. */
#include "fuzz.h"
#include "proc/procfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	unsigned long long v[3];

	(void)file_nr_parse(text, v);
	free(text);
	return 0;
}
