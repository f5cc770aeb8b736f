/*
 * edgetee: the command-line front end. Manages TEE instances (up, down,
 * status), signs TAs (keygen, sign) and runs benchmarks (bench ...).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "iperf_cmd.h"

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: edgetee COMMAND [ARGS]\n"
	    "\n"
	    "Instances:\n"
	    "  up [--instance NAME] [--dir DIR]   start a TEE instance in the "
	    "background\n"
	    "  down [--instance NAME] [--dir DIR] stop it\n"
	    "  status [--instance NAME] [--dir DIR] [--json]\n"
	    "TAs:\n"
	    "  keygen PRIVATE.pem PUBLIC.pem      make an Ed25519 signing key pair\n"
	    "  sign --key KEY.pem [--out-dir DIR] TA.so   package TA.so as <uuid>.ta\n"
	    "  ta install [--instance NAME] [--dir DIR] FILE.ta...  verify and install\n"
	    "  ta list [--instance NAME] [--dir DIR]      installed TAs\n"
	    "Benchmarks (each starts its own private instance):\n"
	    "  bench invoke  [--json FILE] [--quick]   invocation path costs\n"
	    "  bench crypto  [--json FILE] [--quick]   crypto in a TA vs in-process "
	    "OpenSSL\n"
	    "  bench storage [--json FILE] [--plot DIR] [--quick]   trusted storage\n"
	    "  bench kv      [--json FILE] [--plot DIR] [--quick]   key-value store\n"
	    "  bench net     [--json FILE] [--plot DIR] [--quick]   iperfTZ throughput\n"
	    "Network:\n"
	    "  iperf -s | -c HOST [iperf3 options]   iperfTZ (see iperf --help)\n"
	    "\n"
	    "Every command takes --help.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *c = argv[1];
	if (!strcmp(c, "--help") || !strcmp(c, "-h") || !strcmp(c, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(c, "up"))
		return cmd_up(argc - 1, argv + 1);
	if (!strcmp(c, "down"))
		return cmd_down(argc - 1, argv + 1);
	if (!strcmp(c, "status"))
		return cmd_status(argc - 1, argv + 1);
	if (!strcmp(c, "sign"))
		return cmd_sign(argc - 1, argv + 1);
	if (!strcmp(c, "keygen"))
		return cmd_keygen(argc - 1, argv + 1);
	if (!strcmp(c, "ta"))
		return cmd_ta(argc - 1, argv + 1);
	if (!strcmp(c, "iperf"))
		return cmd_iperf(argc - 1, argv + 1);
	if (!strcmp(c, "bench"))
		return cmd_bench(argc - 1, argv + 1);
	fprintf(stderr, "edgetee: unknown command '%s' (see edgetee --help)\n", c);
	return 2;
}
