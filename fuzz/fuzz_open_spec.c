/* The SPEC checker of `fdscope open`, which decides before anything is
 * opened whether an argument names a resource: any bytes must get a yes or
 * no, and a yes only for the documented forms.  The command's module is
 * included so that its static checker can be reached. */
#include "../src/cmd/open.c"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);

	if (spec_valid(s)) {
		/* Every accepted SPEC starts with a documented name. */
		size_t n = strcspn(s, ":");
		char head[16];

		FUZZ_ASSERT(n < sizeof(head));
		memcpy(head, s, n);
		head[n] = '\0';
		FUZZ_ASSERT(strstr(spec_names, head) != NULL);
	}
	free(s);
	return 0;
}
