/*
 * The GP Trusted Storage wire protocol between a TA process (libutee,
 * src/libutee/tee_api_storage.c) and the storage service in edgeteed
 * (src/core/storage.c).
 *
 * Each TA host has one SOCK_SEQPACKET connection to the service (fd 6 in
 * the TA process), made by the core when it starts the host. The service's
 * first message on it is ET_STOR_HELLO with a sealed memfd: the shared
 * region. Then the TA sends one request at a time and waits for its reply.
 * Object data, attribute blobs and nothing else travel through the region:
 * attributes at offset 0 (up to ET_STOR_ATTR_MAX), data at ET_STOR_DATA (up
 * to ET_STOR_CHUNK per request), so big reads and writes are not copied
 * through the socket. The region holds plaintext of the TA's own objects
 * only: keys and ciphertext never leave the core.
 */
#ifndef ET_STORPROTO_H
#define ET_STORPROTO_H

#include <stdint.h>

#define ET_STOR_FD	 6
#define ET_STOR_ATTR_MAX (64u * 1024)
#define ET_STOR_DATA	 ET_STOR_ATTR_MAX
#define ET_STOR_CHUNK	 (1u << 20)
#define ET_STOR_REGION	 (ET_STOR_DATA + ET_STOR_CHUNK)
#define ET_STOR_ID_MAX	 64

enum et_stor_type {
	ET_STOR_HELLO = 500, /* service -> TA, + fd: the region */
	ET_STOR_OPEN,	     /* storage, id, flags -> handle, info, attrs */
	ET_STOR_CREATE,	     /* storage, id, flags, info, attrs, data -> handle */
	ET_STOR_PUBLISH,     /* a staged (hidden) create becomes visible */
	ET_STOR_CLOSE,
	ET_STOR_READ,	  /* pos, len -> len bytes at ET_STOR_DATA */
	ET_STOR_WRITE,	  /* pos, len bytes at ET_STOR_DATA */
	ET_STOR_TRUNC,	  /* pos = new size */
	ET_STOR_RENAME,	  /* id = new id */
	ET_STOR_DELETE,	  /* close and delete */
	ET_STOR_RESTRICT, /* usage &= usage, persisted */
	ET_STOR_ENUM,	  /* storage, pos = index -> id, info, next index */
};

/* ET_STOR_CREATE cflags: stage the object invisibly (initial data larger
 * than one chunk follows in WRITEs, then PUBLISH makes it appear at once). */
#define ET_STOR_C_HIDDEN 1u

struct et_stor_hello {
	uint32_t type;
	uint32_t pad;
	uint64_t size;
};

struct et_stor_req {
	uint32_t type;
	uint32_t seq;
	uint32_t handle;
	uint32_t flags; /* TEE_DATA_FLAG_* */
	uint32_t storage;
	uint32_t id_len;
	uint8_t id[ET_STOR_ID_MAX];
	uint64_t pos;
	uint64_t len;
	uint32_t attr_len;
	uint32_t obj_type;
	uint32_t obj_size;
	uint32_t max_size;
	uint32_t usage;
	uint32_t cflags;
	/* WRITE: where the payload is, ET_STOR_DATA, or 0 for writes of up to
	 * ET_STOR_ATTR_MAX (the TA keeps read-ahead data in the data area
	 * meanwhile, so a read-write-read loop needs no extra fetch) */
	uint32_t src;
	uint32_t pad;
};

struct et_stor_rep {
	uint32_t seq;
	uint32_t ret; /* TEE_Result */
	uint32_t handle;
	uint32_t attr_len;
	uint64_t len;  /* READ: bytes at ET_STOR_DATA */
	uint64_t size; /* the object's data size after the request */
	uint32_t obj_type;
	uint32_t obj_size;
	uint32_t max_size;
	uint32_t usage;
	uint32_t id_len;
	uint32_t pad;
	uint8_t id[ET_STOR_ID_MAX];
	uint64_t next; /* ENUM: index to ask for next */
};

#endif
