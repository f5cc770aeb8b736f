/*
 * Small helpers shared by every edgetee process: UUID text form, default
 * instance paths, and one-line diagnostics.
 */
#ifndef ET_UTIL_H
#define ET_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* UUIDs travel as 16 bytes in RFC 4122 (big-endian) order. */
int et_uuid_parse(const char *s, uint8_t out[16]);
void et_uuid_format(const uint8_t u[16], char out[37]);
/* The GP struct form (TEE_UUID / TEEC_UUID fields) to RFC 4122 bytes. */
void et_uuid_pack(uint32_t time_low, uint16_t time_mid, uint16_t time_hi,
		  const uint8_t clock_seq_node[8], uint8_t out[16]);

/* Default state directory of an instance: $EDGETEE_DIR, else
 * ${XDG_RUNTIME_DIR:-/tmp}/edgetee-<uid>/<instance>. */
int et_default_dir(const char *instance, char *out, size_t len);
/* Socket of a state directory: <dir>/edgeteed.sock */
int et_socket_path(const char *dir, char *out, size_t len);
/* Socket libteec uses: $EDGETEE_SOCKET, else the default instance's. */
int et_client_socket(char *out, size_t len);

/* Path of a sibling binary of the running executable (bin/). */
int et_sibling_path(const char *name, char *out, size_t len);

#endif
