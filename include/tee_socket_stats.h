/*
 * edgetee extension to the GP TEE Sockets API: counters of what the calling
 * TA's sockets cost, for benchmarks such as iperfTZ (where does the time of a
 * TA's network I/O go: the TA, the world crossing, the REE socket service?).
 *
 * A TA's socket calls are carried out by edgetee-supplicant, the REE-side
 * socket service; payload passes through a shared-memory region between the
 * TA process and the supplicant. One "crossing" is one request/reply round
 * trip TA -> supplicant -> TA (the equivalent of an OP-TEE RPC to
 * tee-supplicant). The counters cover all sockets of the calling TA instance
 * (one TA process) since it started, are 64-bit and never wrap in practice.
 * Not available on OP-TEE: guard uses with #ifdef EDGETEE_SOCKET_STATS.
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
	uint64_t crossings;	 /* requests to the supplicant (round trips) */
	uint64_t bytes_sent;	 /* payload bytes the supplicant sent for the TA */
	uint64_t bytes_received; /* payload bytes the supplicant received for it */
	uint64_t ree_ns;	 /* ns the supplicant spent in socket syscalls */
	uint64_t wait_ns;	 /* ns the TA waited for the supplicant's replies
				    (includes ree_ns, blocking and crossing) */
};

/*
 * Fill *out with the counters of the calling TA instance. Returns
 * TEE_SUCCESS; TEE_ERROR_BAD_PARAMETERS if out is NULL. Before the TA's
 * first socket call all counters are 0. wait_ns - ree_ns approximates the
 * cost of the crossings plus time the socket blocked (e.g. in recv waiting
 * for data counts in both).
 */
TEE_Result edgetee_socket_stats(struct edgetee_socket_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* TEE_SOCKET_STATS_H */
