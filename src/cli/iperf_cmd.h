/*
 * `edgetee iperf` as a library for `edgetee bench net`: run one client test
 * against host:port and get the throughput both ends agree on.
 */
#ifndef IPERF_CMD_H
#define IPERF_CMD_H

#include <stdint.h>

int cmd_iperf(int argc, char **argv);
int bench_net(int argc, char **argv);

#endif
