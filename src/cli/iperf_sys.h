/*
 * Where the CPU time and energy of an `edgetee iperf` run go: this
 * process (getrusage), the iperfTZ TA process and the REE socket service
 * (/proc/<pid>/stat), and the package energy from RAPL (powercap).
 */
#ifndef IPERF_SYS_H
#define IPERF_SYS_H

#include <stdint.h>
#include <sys/types.h>

/* Ask the instance libteec uses (EDGETEE_SOCKET, else the default one)
 * for the pid of the TA instance with this UUID and of the supplicant.
 * Either is 0 when not found / not exposed. */
void sys_instance_pids(const char *ta_uuid, pid_t *ta_pid, pid_t *supplicant_pid);
/* user+system CPU µs of a process, -1 if unreadable. */
int64_t sys_proc_cpu_us(pid_t pid);
/* user+system CPU µs of this process (all threads). */
int64_t sys_self_cpu_us(void);
/* Sum of the top-level RAPL domains' energy counters (µJ), -1 if none is
 * readable. sys_rapl_delta() handles a counter wrapping once. */
int64_t sys_rapl_uj(void);
int64_t sys_rapl_delta(int64_t before, int64_t after);

#endif
