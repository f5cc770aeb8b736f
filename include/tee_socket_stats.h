/*
 * edgetee extension to the GP TEE Sockets API: counters of what the calling
 * TA's sockets cost, for benchmarks such as iperfTZ (where does the time of a
 * TA's network I/O go: the TA, the world crossing, the REE socket service?).
 *
 * A TA's socket calls are carried out by edgetee-supplicant, the REE-side
 * socket service; payload passes through shared memory between the TA
 * process and the supplicant: TCP data through per-socket rings that
 * supplicant threads drain and fill concurrently with the TA (write-behind,
 * read-ahead), everything else as request/reply round trips. One "crossing"
 * is one time the TA had to wait for the supplicant (a round trip, or a
 * full/empty ring) or to wake it from sleep (the equivalent of an OP-TEE
 * RPC to tee-supplicant). The counters cover all sockets of the calling TA
 * instance (one TA process) since it started, are 64-bit and never wrap in
 * practice. Not available on OP-TEE: guard uses with #ifdef
 * EDGETEE_SOCKET_STATS.
 */
#ifndef TEE_SOCKET_STATS_H
#define TEE_SOCKET_STATS_H

#include <stdint.h>

#include "tee_api_types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EDGETEE_SOCKET_STATS 1

struct edgetee_socket_stats {
	uint64_t crossings;	 /* waits for / wake-ups of the supplicant */
	uint64_t bytes_sent;	 /* payload bytes the supplicant sent for the TA */
	uint64_t bytes_received; /* payload bytes the supplicant received for it */
	uint64_t ree_ns;	 /* ns the supplicant spent in socket syscalls */
	uint64_t wait_ns;	 /* ns the TA was blocked waiting for the
				    supplicant (replies, ring room or data) */
};

/*
 * Fill *out with the counters of the calling TA instance. Returns
 * TEE_SUCCESS; TEE_ERROR_BAD_PARAMETERS if out is NULL. Before the TA's
 * first socket call all counters are 0. For requests (open, ioctl, UDP)
 * wait_ns includes the supplicant's ree_ns; for TCP data the supplicant's
 * syscalls overlap the TA's work, so ree_ns may exceed wait_ns. bytes_sent
 * counts bytes handed to the kernel, not yet those still in a TX ring.
 */
TEE_Result edgetee_socket_stats(struct edgetee_socket_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* TEE_SOCKET_STATS_H */
