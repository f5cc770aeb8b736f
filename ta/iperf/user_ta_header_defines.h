/* iperfTZ TA properties: one TA process serves every stream of a test
 * (one session each; their RUN slices take turns, as GP serializes the
 * entry points of an instance). Single-instance also lets the server
 * session park accepted connections for the stream sessions (iperf_ta.h). */
#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include "iperf_ta.h"

#define TA_UUID	      IPERF_TA_UUID
#define TA_FLAGS      (TA_FLAG_SINGLE_INSTANCE | TA_FLAG_MULTI_SESSION)
#define TA_STACK_SIZE (32 * 1024)
/* 16 streams of 1 MiB blocks, or one of the largest (8 MiB), with room. */
#define TA_DATA_SIZE   (24 * 1024 * 1024)
#define TA_VERSION     "1.0"
#define TA_DESCRIPTION "iperfTZ: iperf3 data path over the GP TEE Sockets API"

#endif
