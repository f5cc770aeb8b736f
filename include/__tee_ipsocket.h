/*
 * edgetee: the IP version selector shared by the TCP and UDP instances of
 * the GP TEE Sockets API (Annexes A and B), under OP-TEE's file and type
 * names so OP-TEE TAs that include it build unchanged.
 */
#ifndef ____TEE_IPSOCKET_H
#define ____TEE_IPSOCKET_H

typedef enum TEE_ipSocket_ipVersion_e {
	TEE_IP_VERSION_DC = 0, /* don't care: whatever the name resolves to */
	TEE_IP_VERSION_4 = 1,
	TEE_IP_VERSION_6 = 2
} TEE_ipSocket_ipVersion;

#endif /* ____TEE_IPSOCKET_H */
