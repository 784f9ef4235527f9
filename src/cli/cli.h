/* The command-line front: global options, the command table, help, and
 * dispatch.  main() only calls cli_main(). */
#ifndef FDSCOPE_CLI_H
#define FDSCOPE_CLI_H

int cli_main(int argc, char **argv);

#endif
