/* The SPEC parser of `fdscope open` (teach/openspec.c), which decides
 * before anything is opened whether an argument names a resource: any
 * bytes must get a yes or no, and a yes only for the documented forms. */
#include <string.h>

#include "fuzz.h"
#include "teach/openspec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	struct open_spec sp;

	if (open_spec_parse(s, &sp) == 0) {
		/* Every accepted SPEC starts with a name of the table, and
		 * its parts are what the table says follows that name. */
		size_t n = strcspn(s, ":"), i;

		for (i = 0; i < open_nspecs; i++)
			if (strlen(open_specs[i].name) == n &&
			    strncmp(open_specs[i].name, s, n) == 0)
				break;
		FUZZ_ASSERT(i < open_nspecs);
		FUZZ_ASSERT(sp.kind == open_specs[i].kind);
		switch (open_specs[i].args) {
		case OPEN_ARGS_NONE:
			FUZZ_ASSERT(s[n] == '\0');
			break;
		case OPEN_ARGS_PATH_OPT:
			FUZZ_ASSERT(sp.path == NULL ? s[n] == '\0' :
				    sp.path == s + n + 1 && *sp.path != '\0');
			break;
		case OPEN_ARGS_FD:
			FUZZ_ASSERT(sp.fd >= 0 && sp.newfd == -1);
			break;
		case OPEN_ARGS_FD_FD:
			FUZZ_ASSERT(sp.fd >= 0 && sp.newfd >= 0);
			break;
		}
	}
	free(s);
	return 0;
}
