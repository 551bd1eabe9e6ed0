/* main.c - the `redress` binary: everything happens in src/cli. */
#include "cli/cli.h"

int
main(int argc, char **argv)
{
  return rd_cli_main(argc, argv);
}
