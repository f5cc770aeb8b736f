/*
 * edgetee: OP-TEE's implementation-specific extensions to the GP TEE
 * Internal Core API constants (key derivation algorithms, storage ids,
 * memory access flags, login and origin codes), with OP-TEE's names and
 * exact values, so TAs written for OP-TEE that include
 * <tee_api_defines_extensions.h> build unchanged.
 *
 * As in tee_api_defines.h every value is a bare hex token (no suffix, no
 * parentheses): a TA that repeats one of these #defines, or a constant also
 * defined in tee_api_defines.h (TEE_STORAGE_PRIVATE_REE/_RPMB), makes an
 * identical redefinition, which C allows silently.
 *
 * The GP 1.3.1 HKDF names (TEE_ALG_HKDF, TEE_ATTR_HKDF_SALT/_INFO, ...) live
 * in tee_api_defines.h. OP-TEE's older per-hash HKDF extension had its own
 * salt and info attribute ids under the same names; as in current OP-TEE
 * they are spelled __OPTEE_TEE_ATTR_HKDF_SALT/_INFO here.
 *
 * Declaring an algorithm here does not mean edgetee implements it: ask
 * TEE_IsAlgorithmSupported(). Same include guard name as OP-TEE's.
 */
#ifndef TEE_API_DEFINES_EXTENSIONS_H
#define TEE_API_DEFINES_EXTENSIONS_H

/* Vendor-specific variants of RSA with MD5 (bit 31 set: implementation ids) */
#define TEE_ALG_RSASSA_PKCS1_PSS_MGF1_MD5 0xF0111930
#define TEE_ALG_RSAES_PKCS1_OAEP_MGF1_MD5 0xF0110230

/* Implementation-specific error codes (0x80000000 - 0x8FFFFFFF) */
#define TEE_ERROR_DEFER_DRIVER_INIT 0x80000000
#define TEE_ERROR_NODE_DISABLED     0x80000001

/* HKDF (RFC 5869), OP-TEE's per-hash form */
#define TEE_ALG_HKDF_MD5_DERIVE_KEY    0x800010C0
#define TEE_ALG_HKDF_SHA1_DERIVE_KEY   0x800020C0
#define TEE_ALG_HKDF_SHA224_DERIVE_KEY 0x800030C0
#define TEE_ALG_HKDF_SHA256_DERIVE_KEY 0x800040C0
#define TEE_ALG_HKDF_SHA384_DERIVE_KEY 0x800050C0
#define TEE_ALG_HKDF_SHA512_DERIVE_KEY 0x800060C0

#define TEE_TYPE_HKDF_IKM 0xA10000C0

#define TEE_ATTR_HKDF_IKM          0xC00001C0
#define __OPTEE_TEE_ATTR_HKDF_SALT 0xD00002C0
#define __OPTEE_TEE_ATTR_HKDF_INFO 0xD00003C0
#define TEE_ATTR_HKDF_OKM_LENGTH   0xF00004C0

/* Concatenation KDF (NIST SP 800-56A, 5.8.1) */
#define TEE_ALG_CONCAT_KDF_SHA1_DERIVE_KEY   0x800020C1
#define TEE_ALG_CONCAT_KDF_SHA224_DERIVE_KEY 0x800030C1
#define TEE_ALG_CONCAT_KDF_SHA256_DERIVE_KEY 0x800040C1
#define TEE_ALG_CONCAT_KDF_SHA384_DERIVE_KEY 0x800050C1
#define TEE_ALG_CONCAT_KDF_SHA512_DERIVE_KEY 0x800060C1

#define TEE_TYPE_CONCAT_KDF_Z 0xA10000C1

#define TEE_ATTR_CONCAT_KDF_Z          0xC00001C1
#define TEE_ATTR_CONCAT_KDF_OTHER_INFO 0xD00002C1
#define TEE_ATTR_CONCAT_KDF_DKM_LENGTH 0xF00003C1

/* PBKDF2 (PKCS #5 v2.0, RFC 2898 5.2) */
#define TEE_ALG_PBKDF2_HMAC_SHA1_DERIVE_KEY 0x800020C2

#define TEE_TYPE_PBKDF2_PASSWORD 0xA10000C2

#define TEE_ATTR_PBKDF2_PASSWORD        0xC00001C2
#define TEE_ATTR_PBKDF2_SALT            0xD00002C2
#define TEE_ATTR_PBKDF2_ITERATION_COUNT 0xF00003C2
#define TEE_ATTR_PBKDF2_DKM_LENGTH      0xF00004C2

/* RSASSA PKCS#1 v1.5 over a digest without the DigestInfo prefix */
#define TEE_ALG_RSASSA_PKCS1_V1_5 0xF0000830

/* Triple-DES CMAC (NIST SP 800-38B) */
#define TEE_ALG_DES3_CMAC 0xF0000613

/* SM4 in XTS mode */
#define TEE_ALG_SM4_XTS 0xF0000414

/*
 * Implementation-specific storage ids (OP-TEE: REE file system, eMMC RPMB;
 * the SQL id is retired). Whether the trusted storage implementation
 * accepts them is up to it; on a Linux host there is no RPMB partition.
 */
#define TEE_STORAGE_PRIVATE_REE          0x80000000
#define TEE_STORAGE_PRIVATE_RPMB         0x80000100
#define TEE_STORAGE_PRIVATE_SQL_RESERVED 0x80000200

/*
 * Extra TEE_CheckMemoryAccessRights() flags in OP-TEE: the range must be
 * shared with the normal world (NONSECURE) or private to the TA (SECURE).
 * edgetee's TEE_CheckMemoryAccessRights() does not know them and answers
 * TEE_ERROR_ACCESS_DENIED when they are set.
 */
#define TEE_MEMORY_ACCESS_NONSECURE 0x10000000
#define TEE_MEMORY_ACCESS_SECURE    0x20000000

/* Login method of clients in the REE kernel (never seen on edgetee) */
#define TEE_LOGIN_REE_KERNEL 0x80000000

/* Origin: the error came from the TA's client application */
#define TEE_ORIGIN_CLIENT_APP 0xF0000001

#endif /* TEE_API_DEFINES_EXTENSIONS_H */
