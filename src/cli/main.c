/* fdscope: explore and diagnose file descriptors.  Everything lives in
 * modules the tests can link; this file holds only main. */
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
