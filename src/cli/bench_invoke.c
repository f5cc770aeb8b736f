/* edgetee bench: placeholder until the invoke benchmark lands. */
#include <stdio.h>

#include "cli.h"

int cmd_bench(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "edgetee bench: not built yet\n");
	return 1;
}
