/*
 * libutee internals shared by the GP Internal Core API chapters that deal
 * with objects and operations: 5.3-5.6 (generic, transient and, later,
 * persistent objects) and 6 (cryptographic operations).
 *
 * An object keeps its attributes as GP hands them over (big-endian buffers
 * and value pairs), because that is what TEE_GetObject*Attribute and the
 * persistent store need; asymmetric objects also cache an EVP_PKEY built
 * once from those attributes so every operation works on OpenSSL's own key
 * representation without re-importing it.
 */
#ifndef TEE_OBJ_H
#define TEE_OBJ_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include <tee_internal_api.h>

/* RSA keypair: n, e, d, p, q, dp, dq, qinv is the largest attribute set. */
#define UTEE_OBJ_MAX_ATTRS 8

struct utee_attr {
	uint32_t id;
	uint32_t a, b; /* value attributes (TEE_ATTR_FLAG_VALUE) */
	uint8_t *buf;  /* buffer attributes: TEE_Malloc'd, wiped on free */
	size_t len;
};

struct __TEE_ObjectHandle {
	uint32_t magic;
	struct __TEE_ObjectHandle *next; /* list of live handles (validation) */
	/*
	 * info.handleFlags carries TEE_HANDLE_FLAG_INITIALIZED and, for
	 * objects of the storage chapter, TEE_HANDLE_FLAG_PERSISTENT plus the
	 * TEE_DATA_FLAG_* access bits; dataSize/dataPosition belong to the
	 * storage chapter as well.
	 */
	TEE_ObjectInfo info;
	uint32_t nattrs;
	struct utee_attr attrs[UTEE_OBJ_MAX_ATTRS];
	EVP_PKEY *pkey; /* asymmetric types, built from attrs */
	void *pobj;	/* persistent-object state, owned by the storage chapter */
};

/* Type properties: key sizes in bits and the attribute class. */
enum utee_key_class {
	UTEE_KC_SECRET = 1,
	UTEE_KC_RSA_PUB,
	UTEE_KC_RSA_PAIR,
	UTEE_KC_ECC_PUB,
	UTEE_KC_ECC_PAIR,
	UTEE_KC_ED_PUB,
	UTEE_KC_ED_PAIR,
	UTEE_KC_X_PUB,
	UTEE_KC_X_PAIR,
	UTEE_KC_DH_PAIR,
};

struct utee_type_prop {
	uint32_t type;
	uint16_t quanta, min, max;
	uint8_t kc;
};

const struct utee_type_prop *utee_type_prop(uint32_t type);

/* Is size (bits) acceptable as objectSize / maxObjectSize for the type? */
int utee_key_size_ok(const struct utee_type_prop *p, uint32_t size);

/* Panic unless h is a live object handle. */
struct __TEE_ObjectHandle *utee_obj_get(TEE_ObjectHandle h);

/* Attribute lookup in an initialized object (NULL if absent). */
const struct utee_attr *utee_obj_attr(const struct __TEE_ObjectHandle *o, uint32_t id);

/* Store a secret (TEE_ATTR_SECRET_VALUE) in an uninitialized transient
 * object, e.g. the output of TEE_DeriveKey. */
TEE_Result utee_obj_set_secret(struct __TEE_ObjectHandle *o, const uint8_t *key,
			       size_t len);

/* OpenSSL curve name and field size for a TEE_ECC_CURVE_* value. */
const char *utee_ecc_curve_name(uint32_t curve, uint32_t *bits);

/* Build an EVP_PKEY for an EC public point on curve (peer keys in ECDH). */
EVP_PKEY *utee_ec_pub_pkey(uint32_t curve, const uint8_t *x, size_t xl, const uint8_t *y,
			   size_t yl);

/* Raw public/private key for Ed25519/X25519 (peer keys in X25519). */
EVP_PKEY *utee_raw_pkey(int nid, const uint8_t *pub, size_t len);

/* Build a DH public key from the domain of our keypair and a peer value. */
EVP_PKEY *utee_dh_peer_pkey(const EVP_PKEY *ours, const uint8_t *pub, size_t len);

/* Storage chapter hook: closing a persistent object (weak, absent for now). */
void utee_pobj_close(struct __TEE_ObjectHandle *o) __attribute__((weak));

/* Storage chapter hook: TEE_RestrictObjectUsage1 on a persistent object
 * (the new usage is persisted; weak, like utee_pobj_close). */
TEE_Result utee_pobj_restrict(struct __TEE_ObjectHandle *o, uint32_t usage)
    __attribute__((weak));

/* For the storage chapter: a zeroed handle on the live list, its release,
 * and rebuilding a stored object's attributes (and EVP_PKEY) on open. */
struct __TEE_ObjectHandle *utee_obj_alloc(void);
void utee_obj_release(struct __TEE_ObjectHandle *o);
TEE_Result utee_obj_restore_attr(struct __TEE_ObjectHandle *o, uint32_t id, uint32_t a,
				 uint32_t b, const void *buf, size_t len);
TEE_Result utee_obj_restore_done(struct __TEE_ObjectHandle *o);

#endif
