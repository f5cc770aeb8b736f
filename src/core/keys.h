/*
 * The storage key hierarchy of one TEE instance (README "Trusted storage"):
 * HUK (random, <instance dir>/huk, 0600) -> SSK = HMAC-SHA256(HUK, instance
 * name || "edgetee storage") -> TSK = HMAC-SHA256(SSK, TA UUID). Only
 * edgeteed ever holds these; TAs never see them.
 */
#ifndef ET_KEYS_H
#define ET_KEYS_H

#include <stddef.h>
#include <stdint.h>

/* Load or create the HUK and derive the SSK; 0 or -errno. Thread-safe after. */
int keys_init(const char *dir, const char *instance_name);

/* Is the key hierarchy available (keys_init succeeded)? */
int keys_ready(void);

/* The TA storage key of a TA. */
void keys_tsk(const uint8_t uuid[16], uint8_t out[32]);

/* The name of a TA's storage directory and rollback counter: a keyed hash
 * of its UUID (32 hex digits), so the layout does not reveal which TA. */
void keys_ta_name(const uint8_t uuid[16], char out[33]);

/* HMAC-SHA256 with the SSK over label || msg (rollback counters). */
void keys_ssk_mac(const char *label, const void *msg, size_t len, uint8_t out[32]);

/* HMAC-SHA256(key, label || msg): sub-keys of a TSK. */
void keys_hmac(const uint8_t key[32], const char *label, const void *msg, size_t len,
	       uint8_t out[32]);

#endif
