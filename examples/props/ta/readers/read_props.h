/*
 * props example TA: the part that reads properties back (readers/, built
 * from its own sub.mk).
 */
#ifndef READ_PROPS_H
#define READ_PROPS_H

#include <tee_internal_api.h>

#include <props_ta.h>

/* Fill *r from the Property API; TEE_SUCCESS or the first error. */
TEE_Result props_read_all(struct props_ta_result *r);

#endif /* READ_PROPS_H */
