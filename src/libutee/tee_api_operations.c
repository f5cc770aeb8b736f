/*
 * GP Internal Core API chapter 6, Cryptographic Operations API: generic
 * operation functions, message digest, symmetric cipher, MAC,
 * authenticated encryption, asymmetric, key derivation and random data.
 *
 * Everything cryptographic is OpenSSL 3 EVP. An operation owns its EVP
 * contexts for its whole life: keys are scheduled once in
 * TEE_SetOperationKey, the *Init functions only reset the IV/state, and
 * updates feed caller buffers straight to EVP (no per-update allocation,
 * no staging copies), so a TA runs at the speed of the same EVP calls in a
 * normal process.
 *
 * Error-versus-panic follows GP 1.3 as OP-TEE's libutee implements it:
 * only the results a function is documented to return are returned, every
 * other failure (bad handle, wrong state, wrong class, inconsistent
 * parameters) panics the TA.
 */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/kdf.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <tee_api_defines_extensions.h>

#include "tee_obj.h"
#include "utee_priv.h"

#define OP_MAGIC 0x4f505231 /* "OPR1" */

/* ---- Algorithm descriptions ------------------------------------------ */

enum hash_id {
	H_NONE,
	H_MD5,
	H_SHA1,
	H_SHA224,
	H_SHA256,
	H_SHA384,
	H_SHA512,
	H_SHA3_224,
	H_SHA3_256,
	H_SHA3_384,
	H_SHA3_512,
	H_SHAKE128,
	H_SHAKE256,
	H_SM3,
	H_COUNT
};

static const struct {
	uint32_t alg;
	const char *name;
	uint8_t size;
} hashes[H_COUNT] = {
    [H_MD5] = {TEE_ALG_MD5, "MD5", 16},
    [H_SHA1] = {TEE_ALG_SHA1, "SHA1", 20},
    [H_SHA224] = {TEE_ALG_SHA224, "SHA224", 28},
    [H_SHA256] = {TEE_ALG_SHA256, "SHA256", 32},
    [H_SHA384] = {TEE_ALG_SHA384, "SHA384", 48},
    [H_SHA512] = {TEE_ALG_SHA512, "SHA512", 64},
    [H_SHA3_224] = {TEE_ALG_SHA3_224, "SHA3-224", 28},
    [H_SHA3_256] = {TEE_ALG_SHA3_256, "SHA3-256", 32},
    [H_SHA3_384] = {TEE_ALG_SHA3_384, "SHA3-384", 48},
    [H_SHA3_512] = {TEE_ALG_SHA3_512, "SHA3-512", 64},
    [H_SHAKE128] = {TEE_ALG_SHAKE128, "SHAKE128", 0},
    [H_SHAKE256] = {TEE_ALG_SHAKE256, "SHAKE256", 0},
    [H_SM3] = {TEE_ALG_SM3, "SM3", 32},
};

/* Fetched once: EVP_MD_fetch is a locked lookup we keep off the hot path. */
static EVP_MD *md_cache[H_COUNT];

static const EVP_MD *get_md(int h)
{
	if (h <= H_NONE || h >= H_COUNT)
		return NULL;
	if (!md_cache[h])
		md_cache[h] = EVP_MD_fetch(NULL, hashes[h].name, NULL);
	return md_cache[h];
}

static int hash_of_alg(uint32_t alg)
{
	for (int h = H_MD5; h < H_COUNT; h++)
		if (hashes[h].alg == alg)
			return h;
	return H_NONE;
}

enum kind {
	K_DIGEST = 1,
	K_CIPHER,
	K_HMAC,
	K_CMAC,
	K_CBCMAC,
	K_GCM,
	K_CCM,
	K_RSA_SIG,
	K_RSA_PSS,
	K_RSA_ENC,
	K_RSA_OAEP,
	K_RSA_NOPAD,
	K_ECDSA,
	K_ED25519,
	K_DH,
	K_ECDH,
	K_X25519,
	K_HKDF,
};

enum chain { CH_NONE, CH_ECB, CH_CBC, CH_CTR, CH_CTS, CH_XTS, CH_CBC_PAD };
enum family { F_NONE, F_AES, F_DES, F_DES3 };

struct alg_desc {
	uint32_t id;
	uint8_t kind;
	uint8_t chain;
	uint8_t fam;
	uint8_t hash;
	uint16_t exact_bits; /* ECDSA/ECDH ids bound to one curve size */
	uint32_t pair_type;  /* key type when the private key is used */
	uint32_t pub_type;   /* key type for public-key modes */
};

#define DIG(a, h)                                                                        \
	{                                                                                \
		a, K_DIGEST, 0, 0, h, 0, 0, 0                                            \
	}
#define CIPH(a, ch, f, t)                                                                \
	{                                                                                \
		a, K_CIPHER, ch, f, 0, 0, t, t                                           \
	}
#define HMAC(a, h, t)                                                                    \
	{                                                                                \
		a, K_HMAC, 0, 0, h, 0, t, t                                              \
	}
#define RSA(a, k, h)                                                                     \
	{                                                                                \
		a, k, 0, 0, h, 0, TEE_TYPE_RSA_KEYPAIR, TEE_TYPE_RSA_PUBLIC_KEY          \
	}
#define ECDSA(a, bits)                                                                   \
	{                                                                                \
		a, K_ECDSA, 0, 0, 0, bits, TEE_TYPE_ECDSA_KEYPAIR,                       \
		    TEE_TYPE_ECDSA_PUBLIC_KEY                                            \
	}
#define ECDH(a, bits)                                                                    \
	{                                                                                \
		a, K_ECDH, 0, 0, 0, bits, TEE_TYPE_ECDH_KEYPAIR, 0                       \
	}

static const struct alg_desc algs[] = {
    DIG(TEE_ALG_MD5, H_MD5),
    DIG(TEE_ALG_SHA1, H_SHA1),
    DIG(TEE_ALG_SHA224, H_SHA224),
    DIG(TEE_ALG_SHA256, H_SHA256),
    DIG(TEE_ALG_SHA384, H_SHA384),
    DIG(TEE_ALG_SHA512, H_SHA512),
    DIG(TEE_ALG_SHA3_224, H_SHA3_224),
    DIG(TEE_ALG_SHA3_256, H_SHA3_256),
    DIG(TEE_ALG_SHA3_384, H_SHA3_384),
    DIG(TEE_ALG_SHA3_512, H_SHA3_512),
    DIG(TEE_ALG_SHAKE128, H_SHAKE128),
    DIG(TEE_ALG_SHAKE256, H_SHAKE256),
    DIG(TEE_ALG_SM3, H_SM3),
    CIPH(TEE_ALG_AES_ECB_NOPAD, CH_ECB, F_AES, TEE_TYPE_AES),
    CIPH(TEE_ALG_AES_CBC_NOPAD, CH_CBC, F_AES, TEE_TYPE_AES),
    CIPH(TEE_ALG_AES_CTR, CH_CTR, F_AES, TEE_TYPE_AES),
    CIPH(TEE_ALG_AES_CTS, CH_CTS, F_AES, TEE_TYPE_AES),
    CIPH(TEE_ALG_AES_XTS, CH_XTS, F_AES, TEE_TYPE_AES),
    CIPH(TEE_ALG_DES_ECB_NOPAD, CH_ECB, F_DES, TEE_TYPE_DES),
    CIPH(TEE_ALG_DES_CBC_NOPAD, CH_CBC, F_DES, TEE_TYPE_DES),
    CIPH(TEE_ALG_DES3_ECB_NOPAD, CH_ECB, F_DES3, TEE_TYPE_DES3),
    CIPH(TEE_ALG_DES3_CBC_NOPAD, CH_CBC, F_DES3, TEE_TYPE_DES3),
    HMAC(TEE_ALG_HMAC_MD5, H_MD5, TEE_TYPE_HMAC_MD5),
    HMAC(TEE_ALG_HMAC_SHA1, H_SHA1, TEE_TYPE_HMAC_SHA1),
    HMAC(TEE_ALG_HMAC_SHA224, H_SHA224, TEE_TYPE_HMAC_SHA224),
    HMAC(TEE_ALG_HMAC_SHA256, H_SHA256, TEE_TYPE_HMAC_SHA256),
    HMAC(TEE_ALG_HMAC_SHA384, H_SHA384, TEE_TYPE_HMAC_SHA384),
    HMAC(TEE_ALG_HMAC_SHA512, H_SHA512, TEE_TYPE_HMAC_SHA512),
    HMAC(TEE_ALG_HMAC_SHA3_224, H_SHA3_224, TEE_TYPE_HMAC_SHA3_224),
    HMAC(TEE_ALG_HMAC_SHA3_256, H_SHA3_256, TEE_TYPE_HMAC_SHA3_256),
    HMAC(TEE_ALG_HMAC_SHA3_384, H_SHA3_384, TEE_TYPE_HMAC_SHA3_384),
    HMAC(TEE_ALG_HMAC_SHA3_512, H_SHA3_512, TEE_TYPE_HMAC_SHA3_512),
    {TEE_ALG_AES_CMAC, K_CMAC, 0, F_AES, 0, 0, TEE_TYPE_AES, TEE_TYPE_AES},
    {TEE_ALG_AES_CBC_MAC_NOPAD, K_CBCMAC, CH_CBC, F_AES, 0, 0, TEE_TYPE_AES,
     TEE_TYPE_AES},
    {TEE_ALG_AES_CBC_MAC_PKCS5, K_CBCMAC, CH_CBC_PAD, F_AES, 0, 0, TEE_TYPE_AES,
     TEE_TYPE_AES},
    {TEE_ALG_DES_CBC_MAC_NOPAD, K_CBCMAC, CH_CBC, F_DES, 0, 0, TEE_TYPE_DES,
     TEE_TYPE_DES},
    {TEE_ALG_DES_CBC_MAC_PKCS5, K_CBCMAC, CH_CBC_PAD, F_DES, 0, 0, TEE_TYPE_DES,
     TEE_TYPE_DES},
    {TEE_ALG_DES3_CBC_MAC_NOPAD, K_CBCMAC, CH_CBC, F_DES3, 0, 0, TEE_TYPE_DES3,
     TEE_TYPE_DES3},
    {TEE_ALG_DES3_CBC_MAC_PKCS5, K_CBCMAC, CH_CBC_PAD, F_DES3, 0, 0, TEE_TYPE_DES3,
     TEE_TYPE_DES3},
    {TEE_ALG_AES_GCM, K_GCM, 0, F_AES, 0, 0, TEE_TYPE_AES, TEE_TYPE_AES},
    {TEE_ALG_AES_CCM, K_CCM, 0, F_AES, 0, 0, TEE_TYPE_AES, TEE_TYPE_AES},
    RSA(TEE_ALG_RSASSA_PKCS1_V1_5_MD5, K_RSA_SIG, H_MD5),
    RSA(TEE_ALG_RSASSA_PKCS1_V1_5_SHA1, K_RSA_SIG, H_SHA1),
    RSA(TEE_ALG_RSASSA_PKCS1_V1_5_SHA224, K_RSA_SIG, H_SHA224),
    RSA(TEE_ALG_RSASSA_PKCS1_V1_5_SHA256, K_RSA_SIG, H_SHA256),
    RSA(TEE_ALG_RSASSA_PKCS1_V1_5_SHA384, K_RSA_SIG, H_SHA384),
    RSA(TEE_ALG_RSASSA_PKCS1_V1_5_SHA512, K_RSA_SIG, H_SHA512),
    RSA(TEE_ALG_RSASSA_PKCS1_V1_5_SHA3_224, K_RSA_SIG, H_SHA3_224),
    RSA(TEE_ALG_RSASSA_PKCS1_V1_5_SHA3_256, K_RSA_SIG, H_SHA3_256),
    RSA(TEE_ALG_RSASSA_PKCS1_V1_5_SHA3_384, K_RSA_SIG, H_SHA3_384),
    RSA(TEE_ALG_RSASSA_PKCS1_V1_5_SHA3_512, K_RSA_SIG, H_SHA3_512),
    RSA(TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA1, K_RSA_PSS, H_SHA1),
    RSA(TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA224, K_RSA_PSS, H_SHA224),
    RSA(TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256, K_RSA_PSS, H_SHA256),
    RSA(TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA384, K_RSA_PSS, H_SHA384),
    RSA(TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA512, K_RSA_PSS, H_SHA512),
    RSA(TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA3_224, K_RSA_PSS, H_SHA3_224),
    RSA(TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA3_256, K_RSA_PSS, H_SHA3_256),
    RSA(TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA3_384, K_RSA_PSS, H_SHA3_384),
    RSA(TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA3_512, K_RSA_PSS, H_SHA3_512),
    RSA(TEE_ALG_RSAES_PKCS1_V1_5, K_RSA_ENC, H_NONE),
    RSA(TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA1, K_RSA_OAEP, H_SHA1),
    RSA(TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA224, K_RSA_OAEP, H_SHA224),
    RSA(TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA256, K_RSA_OAEP, H_SHA256),
    RSA(TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA384, K_RSA_OAEP, H_SHA384),
    RSA(TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA512, K_RSA_OAEP, H_SHA512),
    RSA(TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA3_224, K_RSA_OAEP, H_SHA3_224),
    RSA(TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA3_256, K_RSA_OAEP, H_SHA3_256),
    RSA(TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA3_384, K_RSA_OAEP, H_SHA3_384),
    RSA(TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA3_512, K_RSA_OAEP, H_SHA3_512),
    RSA(TEE_ALG_RSA_NOPAD, K_RSA_NOPAD, H_NONE),
    /* OP-TEE binds the SHA-x ECDSA ids to one curve each (GP 1.1 legacy). */
    ECDSA(TEE_ALG_ECDSA_SHA1, 192),
    ECDSA(TEE_ALG_ECDSA_SHA224, 224),
    ECDSA(TEE_ALG_ECDSA_SHA256, 256),
    ECDSA(TEE_ALG_ECDSA_SHA384, 384),
    ECDSA(TEE_ALG_ECDSA_SHA512, 521),
    ECDSA(__OPTEE_ALG_ECDSA_P192, 192),
    ECDSA(__OPTEE_ALG_ECDSA_P224, 224),
    ECDSA(__OPTEE_ALG_ECDSA_P256, 256),
    ECDSA(__OPTEE_ALG_ECDSA_P384, 384),
    ECDSA(__OPTEE_ALG_ECDSA_P521, 521),
    ECDSA(TEE_ALG_ECDSA_SHA3_224, 0),
    ECDSA(TEE_ALG_ECDSA_SHA3_256, 0),
    ECDSA(TEE_ALG_ECDSA_SHA3_384, 0),
    ECDSA(TEE_ALG_ECDSA_SHA3_512, 0),
    {TEE_ALG_ED25519, K_ED25519, 0, 0, 0, 256, TEE_TYPE_ED25519_KEYPAIR,
     TEE_TYPE_ED25519_PUBLIC_KEY},
    {TEE_ALG_DH_DERIVE_SHARED_SECRET, K_DH, 0, 0, 0, 0, TEE_TYPE_DH_KEYPAIR, 0},
    ECDH(TEE_ALG_ECDH_DERIVE_SHARED_SECRET, 0),
    ECDH(__OPTEE_ALG_ECDH_P192, 192),
    ECDH(__OPTEE_ALG_ECDH_P224, 224),
    ECDH(__OPTEE_ALG_ECDH_P256, 256),
    ECDH(__OPTEE_ALG_ECDH_P384, 384),
    ECDH(__OPTEE_ALG_ECDH_P521, 521),
    {TEE_ALG_X25519, K_X25519, 0, 0, 0, 256, TEE_TYPE_X25519_KEYPAIR, 0},
    {TEE_ALG_HKDF, K_HKDF, 0, 0, 0, 0, TEE_TYPE_HKDF, 0},
    /* OP-TEE extensions (tee_api_defines_extensions.h) */
    {TEE_ALG_HKDF_MD5_DERIVE_KEY, K_HKDF, 0, 0, H_MD5, 0, TEE_TYPE_HKDF_IKM, 0},
    {TEE_ALG_HKDF_SHA1_DERIVE_KEY, K_HKDF, 0, 0, H_SHA1, 0, TEE_TYPE_HKDF_IKM, 0},
    {TEE_ALG_HKDF_SHA224_DERIVE_KEY, K_HKDF, 0, 0, H_SHA224, 0, TEE_TYPE_HKDF_IKM, 0},
    {TEE_ALG_HKDF_SHA256_DERIVE_KEY, K_HKDF, 0, 0, H_SHA256, 0, TEE_TYPE_HKDF_IKM, 0},
    {TEE_ALG_HKDF_SHA384_DERIVE_KEY, K_HKDF, 0, 0, H_SHA384, 0, TEE_TYPE_HKDF_IKM, 0},
    {TEE_ALG_HKDF_SHA512_DERIVE_KEY, K_HKDF, 0, 0, H_SHA512, 0, TEE_TYPE_HKDF_IKM, 0},
    {TEE_ALG_DES3_CMAC, K_CMAC, 0, F_DES3, 0, 0, TEE_TYPE_DES3, TEE_TYPE_DES3},
    RSA(TEE_ALG_RSASSA_PKCS1_V1_5, K_RSA_SIG, H_NONE),
    RSA(TEE_ALG_RSASSA_PKCS1_PSS_MGF1_MD5, K_RSA_PSS, H_MD5),
    RSA(TEE_ALG_RSAES_PKCS1_OAEP_MGF1_MD5, K_RSA_OAEP, H_MD5),
};

/* Operation class by kind: the extension ids carry 0xF in the class nibble. */
static uint32_t class_of(const struct alg_desc *ad)
{
	switch (ad->kind) {
	case K_DIGEST:
		return TEE_OPERATION_DIGEST;
	case K_CIPHER:
		return TEE_OPERATION_CIPHER;
	case K_HMAC:
	case K_CMAC:
	case K_CBCMAC:
		return TEE_OPERATION_MAC;
	case K_GCM:
	case K_CCM:
		return TEE_OPERATION_AE;
	case K_RSA_SIG:
	case K_RSA_PSS:
	case K_ECDSA:
	case K_ED25519:
		return TEE_OPERATION_ASYMMETRIC_SIGNATURE;
	case K_RSA_ENC:
	case K_RSA_OAEP:
	case K_RSA_NOPAD:
		return TEE_OPERATION_ASYMMETRIC_CIPHER;
	default:
		return TEE_OPERATION_KEY_DERIVATION;
	}
}

static const struct alg_desc *find_alg(uint32_t id)
{
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (algs[i].id == id)
			return &algs[i];
	return NULL;
}

/* Cipher objects by name, fetched once. */
static EVP_CIPHER *cipher_fetch(const char *name)
{
	static struct {
		char name[24];
		EVP_CIPHER *c;
	} cache[32];
	for (size_t i = 0; i < sizeof(cache) / sizeof(cache[0]); i++) {
		if (!cache[i].c) {
			cache[i].c = EVP_CIPHER_fetch(NULL, name, NULL);
			if (cache[i].c)
				snprintf(cache[i].name, sizeof(cache[i].name), "%s",
					 name);
			return cache[i].c;
		}
		if (!strcmp(cache[i].name, name))
			return cache[i].c;
	}
	return EVP_CIPHER_fetch(NULL, name, NULL); /* not reached in practice */
}

static EVP_MAC *mac_fetch(int cmac)
{
	static EVP_MAC *m[2];
	if (!m[cmac])
		m[cmac] = EVP_MAC_fetch(NULL, cmac ? "CMAC" : "HMAC", NULL);
	return m[cmac];
}

/* ---- Operation handles ------------------------------------------------ */

struct __TEE_OperationHandle {
	uint32_t magic;
	struct __TEE_OperationHandle *next;
	TEE_OperationInfo info;
	uint32_t state; /* TEE_OPERATION_STATE_* */
	const struct alg_desc *ad;
	size_t block;

	/* Key: raw bytes for symmetric algorithms (XTS: key1 || key2, DES
	 * expanded to three-key EDE), EVP_PKEY for asymmetric ones. */
	uint8_t key[128];
	size_t key_len;
	uint8_t *big_key; /* HKDF input keying material longer than key[] */
	EVP_PKEY *pkey;
	uint32_t curve; /* ECDH: curve of our key */

	EVP_MD_CTX *md;
	EVP_MD_CTX *xof; /* SHAKE: absorbed state kept for repeated extraction */
	EVP_CIPHER_CTX *cc;
	EVP_CIPHER_CTX *cts; /* CTS: the last two blocks */
	EVP_MAC_CTX *mac;
	EVP_PKEY_CTX *pctx;

	size_t buffered;  /* ECB/CBC/CBC-MAC: bytes of a partial block in EVP */
	uint8_t hold[32]; /* CTS: held-back tail; CBC-MAC: last output block */
	size_t hold_len;
	uint64_t total; /* CBC-MAC: bytes absorbed */
	uint8_t *acc;	/* XTS / CCM: payload collected until the final call */
	size_t acc_len, acc_cap;
	uint8_t *aad; /* CCM: AAD collected until the final call */
	size_t aad_len, aad_cap;

	uint8_t nonce[16];
	size_t nonce_len;
	size_t tag_len;
	size_t ccm_aad_len, ccm_payload_len; /* announced in TEE_AEInit */

	uint8_t dig[64]; /* DigestExtract of a fixed-size hash */
	size_t dig_len, dig_off;
	size_t xof_off;
};

static struct __TEE_OperationHandle *live_ops;

static struct __TEE_OperationHandle *op_get(TEE_OperationHandle h)
{
	for (struct __TEE_OperationHandle *o = live_ops; o; o = o->next)
		if (o == h && o->magic == OP_MAGIC)
			return o;
	TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
}

static void clear_bufs(struct __TEE_OperationHandle *op)
{
	if (op->acc) {
		OPENSSL_cleanse(op->acc, op->acc_cap);
		TEE_Free(op->acc);
	}
	if (op->aad)
		TEE_Free(op->aad);
	op->acc = op->aad = NULL;
	op->acc_len = op->acc_cap = op->aad_len = op->aad_cap = 0;
	OPENSSL_cleanse(op->hold, sizeof(op->hold));
	op->hold_len = op->buffered = 0;
	op->total = 0;
}

static void clear_key(struct __TEE_OperationHandle *op)
{
	OPENSSL_cleanse(op->key, sizeof(op->key));
	if (op->big_key) {
		OPENSSL_cleanse(op->big_key, op->key_len);
		TEE_Free(op->big_key);
		op->big_key = NULL;
	}
	op->key_len = 0;
	EVP_PKEY_free(op->pkey);
	op->pkey = NULL;
	EVP_PKEY_CTX_free(op->pctx);
	op->pctx = NULL;
	EVP_MAC_CTX_free(op->mac);
	op->mac = NULL;
	/* Reset wipes the key schedule held by the cipher contexts. */
	if (op->cc)
		EVP_CIPHER_CTX_reset(op->cc);
	if (op->cts)
		EVP_CIPHER_CTX_reset(op->cts);
	op->info.keySize = 0;
	op->info.handleState &= ~(uint32_t)TEE_HANDLE_FLAG_KEY_SET;
}

static const uint8_t *key_bytes(const struct __TEE_OperationHandle *op)
{
	return op->big_key ? op->big_key : op->key;
}

/* ---- Generic operation functions (6.2) ------------------------------ */

static int max_key_size_ok(const struct alg_desc *ad, uint32_t mks)
{
	if (ad->kind == K_DIGEST)
		return 1;
	if (ad->kind == K_ECDSA && !ad->exact_bits)
		return utee_key_size_ok(utee_type_prop(ad->pair_type), mks) &&
		       (mks == 192 || mks == 224 || mks == 256 || mks == 384 ||
			mks == 521);
	if (ad->exact_bits)
		return mks == ad->exact_bits;
	if (ad->chain == CH_XTS) {
		if (mks % 2)
			return 0;
		mks /= 2;
	}
	if (ad->fam == F_DES && mks == 56)
		mks = 64;
	if (ad->fam == F_DES3 && (mks == 112 || mks == 168))
		mks = mks / 7 * 8;
	return utee_key_size_ok(utee_type_prop(ad->pair_type), mks);
}

TEE_Result TEE_AllocateOperation(TEE_OperationHandle *operation, uint32_t algorithm,
				 uint32_t mode, uint32_t maxKeySize)
{
	if (!operation)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	*operation = TEE_HANDLE_NULL;
	const struct alg_desc *ad = find_alg(algorithm);
	if (!ad)
		return TEE_ERROR_NOT_SUPPORTED;
	uint32_t usage = 0;
	switch (ad->kind) {
	case K_DIGEST:
		if (mode != TEE_MODE_DIGEST)
			return TEE_ERROR_NOT_SUPPORTED;
		break;
	case K_CIPHER:
	case K_GCM:
	case K_CCM:
		if (mode == TEE_MODE_ENCRYPT)
			usage = TEE_USAGE_ENCRYPT;
		else if (mode == TEE_MODE_DECRYPT)
			usage = TEE_USAGE_DECRYPT;
		else
			return TEE_ERROR_NOT_SUPPORTED;
		break;
	case K_HMAC:
	case K_CMAC:
	case K_CBCMAC:
		if (mode != TEE_MODE_MAC)
			return TEE_ERROR_NOT_SUPPORTED;
		usage = TEE_USAGE_MAC;
		break;
	case K_RSA_SIG:
	case K_RSA_PSS:
	case K_ECDSA:
	case K_ED25519:
		if (mode == TEE_MODE_SIGN)
			usage = TEE_USAGE_SIGN;
		else if (mode == TEE_MODE_VERIFY)
			usage = TEE_USAGE_VERIFY;
		else
			return TEE_ERROR_NOT_SUPPORTED;
		break;
	case K_RSA_ENC:
	case K_RSA_OAEP:
		if (mode == TEE_MODE_ENCRYPT)
			usage = TEE_USAGE_ENCRYPT;
		else if (mode == TEE_MODE_DECRYPT)
			usage = TEE_USAGE_DECRYPT;
		else
			return TEE_ERROR_NOT_SUPPORTED;
		break;
	case K_RSA_NOPAD:
		if (mode == TEE_MODE_ENCRYPT)
			usage = TEE_USAGE_ENCRYPT | TEE_USAGE_VERIFY;
		else if (mode == TEE_MODE_DECRYPT)
			usage = TEE_USAGE_DECRYPT | TEE_USAGE_SIGN;
		else
			return TEE_ERROR_NOT_SUPPORTED;
		break;
	default:
		if (mode != TEE_MODE_DERIVE)
			return TEE_ERROR_NOT_SUPPORTED;
		usage = TEE_USAGE_DERIVE;
		break;
	}
	if (!max_key_size_ok(ad, maxKeySize))
		return TEE_ERROR_NOT_SUPPORTED;
	if (ad->kind == K_DIGEST && !get_md(ad->hash))
		return TEE_ERROR_NOT_SUPPORTED;
	if (ad->kind == K_HMAC && !get_md(ad->hash))
		return TEE_ERROR_NOT_SUPPORTED;

	struct __TEE_OperationHandle *op = TEE_Malloc(sizeof(*op), TEE_MALLOC_FILL_ZERO);
	if (!op)
		return TEE_ERROR_OUT_OF_MEMORY;
	op->magic = OP_MAGIC;
	op->ad = ad;
	op->info.algorithm = algorithm;
	op->info.operationClass = class_of(ad);
	op->info.mode = mode;
	op->info.maxKeySize = maxKeySize;
	op->info.requiredKeyUsage = usage;
	op->block = ad->fam == F_AES ? 16 : ad->fam ? 8 : 1;
	if (ad->kind == K_DIGEST || ad->kind == K_HMAC)
		op->info.digestLength = hashes[ad->hash].size;
	else if (ad->kind == K_CMAC || ad->kind == K_CBCMAC)
		op->info.digestLength = (uint32_t)op->block;
	if (ad->chain == CH_XTS)
		op->info.handleState = TEE_HANDLE_FLAG_EXPECT_TWO_KEYS;

	int ok = 1;
	if (ad->kind == K_DIGEST) {
		op->md = EVP_MD_CTX_new();
		ok = op->md && EVP_DigestInit_ex(op->md, get_md(ad->hash), NULL) == 1;
		/* GP: digest operations are always keyed and initialized. */
		op->info.handleState |=
		    TEE_HANDLE_FLAG_KEY_SET | TEE_HANDLE_FLAG_INITIALIZED;
	} else if (ad->kind == K_CIPHER || ad->kind == K_GCM || ad->kind == K_CCM ||
		   ad->kind == K_CBCMAC) {
		op->cc = EVP_CIPHER_CTX_new();
		ok = op->cc != NULL;
		if (ok && ad->chain == CH_CTS) {
			op->cts = EVP_CIPHER_CTX_new();
			ok = op->cts != NULL;
		}
	}
	if (!ok) {
		EVP_MD_CTX_free(op->md);
		EVP_CIPHER_CTX_free(op->cc);
		EVP_CIPHER_CTX_free(op->cts);
		TEE_Free(op);
		return TEE_ERROR_OUT_OF_MEMORY;
	}
	op->next = live_ops;
	live_ops = op;
	*operation = op;
	return TEE_SUCCESS;
}

void TEE_FreeOperation(TEE_OperationHandle operation)
{
	if (operation == TEE_HANDLE_NULL)
		return;
	struct __TEE_OperationHandle *op = op_get(operation);
	for (struct __TEE_OperationHandle **pp = &live_ops; *pp; pp = &(*pp)->next) {
		if (*pp == op) {
			*pp = op->next;
			break;
		}
	}
	clear_key(op);
	clear_bufs(op);
	EVP_MD_CTX_free(op->md);
	EVP_MD_CTX_free(op->xof);
	EVP_CIPHER_CTX_free(op->cc);
	EVP_CIPHER_CTX_free(op->cts);
	OPENSSL_cleanse(op, sizeof(*op));
	TEE_Free(op);
}

void TEE_GetOperationInfo(TEE_OperationHandle operation, TEE_OperationInfo *operationInfo)
{
	struct __TEE_OperationHandle *op = op_get(operation);
	if (!operationInfo)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	*operationInfo = op->info;
	if (op->info.handleState & TEE_HANDLE_FLAG_EXPECT_TWO_KEYS) {
		operationInfo->keySize = 0;
		operationInfo->requiredKeyUsage = 0;
	}
}

TEE_Result TEE_GetOperationInfoMultiple(TEE_OperationHandle operation,
					TEE_OperationInfoMultiple *operationInfoMultiple,
					size_t *operationSize)
{
	struct __TEE_OperationHandle *op = op_get(operation);
	TEE_OperationInfoMultiple *mi = operationInfoMultiple;
	if (!operationSize || !mi || *operationSize < sizeof(*mi))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	size_t room = (*operationSize - sizeof(*mi)) / sizeof(TEE_OperationInfoKey);
	uint32_t nkeys = op->info.mode == TEE_MODE_DIGEST			  ? 0
			 : op->info.handleState & TEE_HANDLE_FLAG_EXPECT_TWO_KEYS ? 2
										  : 1;
	if (room < nkeys)
		return TEE_ERROR_SHORT_BUFFER;
	memset(mi, 0, *operationSize);
	mi->algorithm = op->info.algorithm;
	mi->operationClass = op->info.operationClass;
	mi->mode = op->info.mode;
	mi->digestLength = op->info.digestLength;
	mi->maxKeySize = op->info.maxKeySize;
	mi->handleState = op->info.handleState;
	mi->operationState = op->state;
	mi->numberOfKeys = nkeys;
	for (uint32_t i = 0; i < nkeys; i++) {
		mi->keyInformation[i].keySize = op->info.keySize;
		mi->keyInformation[i].requiredKeyUsage = op->info.requiredKeyUsage;
	}
	return TEE_SUCCESS;
}

static void digest_restart(struct __TEE_OperationHandle *op)
{
	if (EVP_DigestInit_ex(op->md, NULL, NULL) != 1)
		TEE_Panic(TEE_ERROR_GENERIC);
	EVP_MD_CTX_free(op->xof);
	op->xof = NULL;
	op->xof_off = op->dig_len = op->dig_off = 0;
	op->info.handleState &= ~(uint32_t)TEE_HANDLE_FLAG_EXTRACTING;
}

static void reset_state(struct __TEE_OperationHandle *op)
{
	op->state = TEE_OPERATION_STATE_INITIAL;
	clear_bufs(op);
	if (op->info.operationClass == TEE_OPERATION_DIGEST) {
		digest_restart(op);
		op->info.handleState |= TEE_HANDLE_FLAG_INITIALIZED;
	} else {
		op->info.handleState &= ~(uint32_t)TEE_HANDLE_FLAG_INITIALIZED;
	}
}

void TEE_ResetOperation(TEE_OperationHandle operation)
{
	struct __TEE_OperationHandle *op = op_get(operation);
	if (!(op->info.handleState & TEE_HANDLE_FLAG_KEY_SET))
		TEE_Panic(TEE_ERROR_BAD_STATE);
	reset_state(op);
}

/* Three-key EDE for every DES flavour: K -> K|K|K, K1|K2 -> K1|K2|K1. */
static size_t des_expand(uint8_t *dst, const uint8_t *k, size_t len)
{
	if (len == 8) {
		memcpy(dst, k, 8);
		memcpy(dst + 8, k, 8);
		memcpy(dst + 16, k, 8);
	} else if (len == 16) {
		memcpy(dst, k, 16);
		memcpy(dst + 16, k, 8);
	} else {
		memcpy(dst, k, 24);
	}
	return 24;
}

static const char *cipher_name(const struct __TEE_OperationHandle *op, char *buf,
			       size_t sz, uint8_t chain)
{
	static const char *const modes[] = {
	    [CH_ECB] = "ECB", [CH_CBC] = "CBC", [CH_CTR] = "CTR",
	    [CH_CTS] = "CBC", [CH_XTS] = "XTS", [CH_CBC_PAD] = "CBC"};
	const struct alg_desc *ad = op->ad;
	if (ad->fam == F_DES || ad->fam == F_DES3) {
		snprintf(buf, sz, "DES-EDE3-%s", modes[chain]);
		return buf;
	}
	size_t bits = op->key_len * 8;
	if (ad->kind == K_GCM)
		snprintf(buf, sz, "AES-%zu-GCM", bits);
	else if (ad->kind == K_CCM)
		snprintf(buf, sz, "AES-%zu-CCM", bits);
	else if (chain == CH_XTS)
		snprintf(buf, sz, "AES-%zu-XTS", bits / 2);
	else
		snprintf(buf, sz, "AES-%zu-%s", bits, modes[chain]);
	return buf;
}

static int enc_mode(const struct __TEE_OperationHandle *op)
{
	return op->info.mode == TEE_MODE_ENCRYPT;
}

/* Schedule the key in the operation's EVP contexts (once per key). */
static int setup_sym(struct __TEE_OperationHandle *op)
{
	const struct alg_desc *ad = op->ad;
	char name[32];
	if (ad->kind == K_HMAC || ad->kind == K_CMAC) {
		op->mac = EVP_MAC_CTX_new(mac_fetch(ad->kind == K_CMAC));
		if (!op->mac)
			return 0;
		OSSL_PARAM p[2] = {OSSL_PARAM_END, OSSL_PARAM_END};
		if (ad->kind == K_HMAC)
			p[0] = OSSL_PARAM_construct_utf8_string(
			    OSSL_MAC_PARAM_DIGEST, (char *)hashes[ad->hash].name, 0);
		else
			p[0] = OSSL_PARAM_construct_utf8_string(
			    OSSL_MAC_PARAM_CIPHER,
			    (char *)cipher_name(op, name, sizeof(name), CH_CBC), 0);
		return EVP_MAC_CTX_set_params(op->mac, p) == 1;
	}
	if (ad->kind == K_CCM)
		return 1; /* keyed at the final call, see ae_ccm_final() */
	uint8_t chain = ad->kind == K_CBCMAC ? CH_CBC : ad->chain;
	int enc = ad->kind == K_CBCMAC || enc_mode(op);
	const EVP_CIPHER *c = cipher_fetch(cipher_name(op, name, sizeof(name), chain));
	if (!c || EVP_CipherInit_ex2(op->cc, c, key_bytes(op), NULL, enc, NULL) != 1)
		return 0;
	EVP_CIPHER_CTX_set_padding(op->cc, 0);
	if (chain == CH_CTS) {
		snprintf(name, sizeof(name), "AES-%zu-CBC-CTS", op->key_len * 8);
		OSSL_PARAM p[] = {
		    OSSL_PARAM_construct_utf8_string(OSSL_CIPHER_PARAM_CTS_MODE,
						     (char *)OSSL_CIPHER_CTS_MODE_CS3, 0),
		    OSSL_PARAM_END};
		c = cipher_fetch(name);
		if (!c ||
		    EVP_CipherInit_ex2(op->cts, c, key_bytes(op), NULL, enc, p) != 1)
			return 0;
	}
	return 1;
}

/* Prepare the EVP_PKEY_CTX once per key; per-call parameters come later. */
static int setup_asym(struct __TEE_OperationHandle *op)
{
	const struct alg_desc *ad = op->ad;
	if (ad->kind == K_ED25519 || ad->kind == K_HKDF)
		return 1; /* one-shot EVP_DigestSign / EVP_KDF per call */
	op->pctx = EVP_PKEY_CTX_new_from_pkey(NULL, op->pkey, NULL);
	if (!op->pctx)
		return 0;
	int r;
	switch (op->info.mode) {
	case TEE_MODE_SIGN:
		r = EVP_PKEY_sign_init(op->pctx);
		break;
	case TEE_MODE_VERIFY:
		r = EVP_PKEY_verify_init(op->pctx);
		break;
	case TEE_MODE_ENCRYPT:
		r = EVP_PKEY_encrypt_init(op->pctx);
		break;
	case TEE_MODE_DECRYPT:
		r = EVP_PKEY_decrypt_init(op->pctx);
		break;
	default:
		r = EVP_PKEY_derive_init(op->pctx);
		break;
	}
	if (r != 1)
		return 0;
	const EVP_MD *md = ad->hash ? get_md(ad->hash) : NULL;
	switch (ad->kind) {
	case K_RSA_SIG:
		/* Without a hash (OP-TEE's TEE_ALG_RSASSA_PKCS1_V1_5) the digest
		 * is signed as is, without DigestInfo. */
		return EVP_PKEY_CTX_set_rsa_padding(op->pctx, RSA_PKCS1_PADDING) == 1 &&
		       (!md || EVP_PKEY_CTX_set_signature_md(op->pctx, md) == 1);
	case K_RSA_PSS:
		return EVP_PKEY_CTX_set_rsa_padding(op->pctx, RSA_PKCS1_PSS_PADDING) ==
			   1 &&
		       md && EVP_PKEY_CTX_set_signature_md(op->pctx, md) == 1 &&
		       EVP_PKEY_CTX_set_rsa_mgf1_md(op->pctx, md) == 1;
	case K_RSA_ENC:
		return EVP_PKEY_CTX_set_rsa_padding(op->pctx, RSA_PKCS1_PADDING) == 1;
	case K_RSA_OAEP:
		return EVP_PKEY_CTX_set_rsa_padding(op->pctx, RSA_PKCS1_OAEP_PADDING) ==
			   1 &&
		       md && EVP_PKEY_CTX_set_rsa_oaep_md(op->pctx, md) == 1;
	case K_RSA_NOPAD:
		return EVP_PKEY_CTX_set_rsa_padding(op->pctx, RSA_NO_PADDING) == 1;
	default:
		return 1;
	}
}

static int key_type_ok(const struct __TEE_OperationHandle *op, uint32_t type)
{
	const struct alg_desc *ad = op->ad;
	uint32_t m = op->info.mode;
	if (type == ad->pair_type)
		return 1;
	/* Public-key modes accept the public key or the whole keypair. */
	if (ad->pub_type && ad->pub_type != ad->pair_type &&
	    (m == TEE_MODE_VERIFY || m == TEE_MODE_ENCRYPT))
		return type == ad->pub_type;
	/*
	 * Extension: HMAC and HKDF also take a generic secret, so keys
	 * shorter than GP's HMAC minimum (RFC 4231, CAVP vectors) can be used.
	 */
	return (ad->kind == K_HKDF || ad->kind == K_HMAC) &&
	       type == TEE_TYPE_GENERIC_SECRET;
}

static void check_key(struct __TEE_OperationHandle *op, struct __TEE_ObjectHandle *k)
{
	if (!(k->info.handleFlags & TEE_HANDLE_FLAG_INITIALIZED))
		TEE_Panic(TEE_ERROR_BAD_STATE);
	if (!key_type_ok(op, k->info.objectType))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if ((k->info.objectUsage & op->info.requiredKeyUsage) !=
	    op->info.requiredKeyUsage)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
}

static const struct utee_attr *secret_of(struct __TEE_ObjectHandle *k)
{
	const struct utee_attr *a = utee_obj_attr(k, TEE_ATTR_SECRET_VALUE);
	if (!a)
		a = utee_obj_attr(k, TEE_ATTR_HKDF_IKM);
	if (!a)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	return a;
}

static TEE_Result set_key(struct __TEE_OperationHandle *op, struct __TEE_ObjectHandle *k)
{
	const struct alg_desc *ad = op->ad;
	uint32_t size = k->info.objectSize;
	if (size > op->info.maxKeySize)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	clear_key(op);
	int ok;
	if (k->pkey) {
		if (!EVP_PKEY_up_ref(k->pkey))
			TEE_Panic(TEE_ERROR_OUT_OF_MEMORY);
		op->pkey = k->pkey;
		const struct utee_attr *c = utee_obj_attr(k, TEE_ATTR_ECC_CURVE);
		op->curve = c ? c->a : 0;
		ok = setup_asym(op);
	} else {
		const struct utee_attr *a = secret_of(k);
		if (ad->fam == F_DES || ad->fam == F_DES3) {
			op->key_len = des_expand(op->key, a->buf, a->len);
		} else if (a->len > sizeof(op->key)) {
			op->big_key = TEE_Malloc(a->len, TEE_MALLOC_NO_FILL);
			if (!op->big_key)
				TEE_Panic(TEE_ERROR_OUT_OF_MEMORY);
			memcpy(op->big_key, a->buf, a->len);
			op->key_len = a->len;
		} else {
			memcpy(op->key, a->buf, a->len);
			op->key_len = a->len;
		}
		ok = ad->kind == K_HKDF || setup_sym(op);
	}
	if (!ok)
		TEE_Panic(TEE_ERROR_GENERIC);
	op->info.keySize = size;
	op->info.handleState |= TEE_HANDLE_FLAG_KEY_SET;
	return TEE_SUCCESS;
}

TEE_Result TEE_SetOperationKey(TEE_OperationHandle operation, TEE_ObjectHandle key)
{
	struct __TEE_OperationHandle *op = op_get(operation);
	if (op->info.handleState & TEE_HANDLE_FLAG_INITIALIZED)
		TEE_Panic(TEE_ERROR_BAD_STATE);
	if (key == TEE_HANDLE_NULL) {
		clear_key(op);
		reset_state(op);
		return TEE_SUCCESS;
	}
	if (op->info.operationClass == TEE_OPERATION_DIGEST ||
	    (op->info.handleState & TEE_HANDLE_FLAG_EXPECT_TWO_KEYS))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	struct __TEE_ObjectHandle *k = utee_obj_get(key);
	check_key(op, k);
	TEE_Result res = set_key(op, k);
	reset_state(op);
	return res;
}

TEE_Result TEE_SetOperationKey2(TEE_OperationHandle operation, TEE_ObjectHandle key1,
				TEE_ObjectHandle key2)
{
	if (operation != TEE_HANDLE_NULL && key1 && key1 == key2)
		return TEE_ERROR_SECURITY;
	struct __TEE_OperationHandle *op = op_get(operation);
	if (op->state != TEE_OPERATION_STATE_INITIAL)
		TEE_Panic(TEE_ERROR_BAD_STATE);
	if (!key1 && !key2) {
		clear_key(op);
		reset_state(op);
		return TEE_SUCCESS;
	}
	if (!key1 || !key2 || !(op->info.handleState & TEE_HANDLE_FLAG_EXPECT_TWO_KEYS))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	struct __TEE_ObjectHandle *k1 = utee_obj_get(key1), *k2 = utee_obj_get(key2);
	check_key(op, k1);
	check_key(op, k2);
	if (k1->info.objectSize != k2->info.objectSize ||
	    k1->info.objectSize > op->info.maxKeySize / 2)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	clear_key(op);
	const struct utee_attr *a1 = secret_of(k1), *a2 = secret_of(k2);
	memcpy(op->key, a1->buf, a1->len);
	memcpy(op->key + a1->len, a2->buf, a2->len);
	op->key_len = a1->len + a2->len;
	/* OpenSSL refuses XTS keys whose halves are equal; GP calls that a
	 * security error as well. */
	if (!memcmp(a1->buf, a2->buf, a1->len)) {
		clear_key(op);
		return TEE_ERROR_SECURITY;
	}
	if (!setup_sym(op))
		TEE_Panic(TEE_ERROR_GENERIC);
	op->info.keySize = k1->info.objectSize;
	op->info.handleState |= TEE_HANDLE_FLAG_KEY_SET;
	reset_state(op);
	return TEE_SUCCESS;
}

static uint8_t *dup_buf(const uint8_t *src, size_t len, size_t cap)
{
	if (!src)
		return NULL;
	uint8_t *p = TEE_Malloc(cap ? cap : 1, TEE_MALLOC_NO_FILL);
	if (!p)
		TEE_Panic(TEE_ERROR_OUT_OF_MEMORY);
	memcpy(p, src, len);
	return p;
}

void TEE_CopyOperation(TEE_OperationHandle dstOperation, TEE_OperationHandle srcOperation)
{
	struct __TEE_OperationHandle *d = op_get(dstOperation), *s = op_get(srcOperation);
	if (d->info.algorithm != s->info.algorithm || d->info.mode != s->info.mode ||
	    d->info.maxKeySize < s->info.keySize)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	clear_key(d);
	clear_bufs(d);
	memcpy(d->key, s->key, sizeof(d->key));
	d->key_len = s->key_len;
	d->big_key = dup_buf(s->big_key, s->key_len, s->key_len);
	if (s->pkey && EVP_PKEY_up_ref(s->pkey))
		d->pkey = s->pkey;
	d->curve = s->curve;
	int ok = 1;
	if (s->md)
		ok &= EVP_MD_CTX_copy_ex(d->md, s->md) == 1;
	EVP_MD_CTX_free(d->xof);
	d->xof = NULL;
	if (s->xof) {
		d->xof = EVP_MD_CTX_new();
		ok &= d->xof && EVP_MD_CTX_copy_ex(d->xof, s->xof) == 1;
	}
	if (s->cc && EVP_CIPHER_CTX_get0_cipher(s->cc))
		ok &= EVP_CIPHER_CTX_copy(d->cc, s->cc) == 1;
	if (s->cts && EVP_CIPHER_CTX_get0_cipher(s->cts))
		ok &= EVP_CIPHER_CTX_copy(d->cts, s->cts) == 1;
	if (s->mac)
		ok &= (d->mac = EVP_MAC_CTX_dup(s->mac)) != NULL;
	if (s->pctx)
		ok &= (d->pctx = EVP_PKEY_CTX_dup(s->pctx)) != NULL;
	if (!ok)
		TEE_Panic(TEE_ERROR_GENERIC);
	d->buffered = s->buffered;
	memcpy(d->hold, s->hold, sizeof(d->hold));
	d->hold_len = s->hold_len;
	d->total = s->total;
	d->acc = dup_buf(s->acc, s->acc_len, s->acc_cap);
	d->acc_len = s->acc_len;
	d->acc_cap = s->acc ? s->acc_cap : 0;
	d->aad = dup_buf(s->aad, s->aad_len, s->aad_cap);
	d->aad_len = s->aad_len;
	d->aad_cap = s->aad ? s->aad_cap : 0;
	memcpy(d->nonce, s->nonce, sizeof(d->nonce));
	d->nonce_len = s->nonce_len;
	d->tag_len = s->tag_len;
	d->ccm_aad_len = s->ccm_aad_len;
	d->ccm_payload_len = s->ccm_payload_len;
	memcpy(d->dig, s->dig, sizeof(d->dig));
	d->dig_len = s->dig_len;
	d->dig_off = s->dig_off;
	d->xof_off = s->xof_off;
	d->state = s->state;
	d->info.handleState = s->info.handleState;
	d->info.keySize = s->info.keySize;
	d->info.digestLength = s->info.digestLength;
}

TEE_Result TEE_IsAlgorithmSupported(uint32_t algId, uint32_t element)
{
	const struct alg_desc *ad = find_alg(algId);
	if (!ad)
		return TEE_ERROR_NOT_SUPPORTED;
	if ((ad->kind == K_DIGEST || ad->kind == K_HMAC) && !get_md(ad->hash))
		return TEE_ERROR_NOT_SUPPORTED;
	if (ad->kind == K_ECDSA || ad->kind == K_ECDH) {
		uint32_t bits;
		if (!utee_ecc_curve_name(element, &bits))
			return TEE_ERROR_NOT_SUPPORTED;
		if (ad->exact_bits && bits != ad->exact_bits)
			return TEE_ERROR_NOT_SUPPORTED;
		return TEE_SUCCESS;
	}
	if (ad->kind == K_ED25519 || ad->kind == K_X25519)
		return element == TEE_ECC_CURVE_25519 ||
			       element == TEE_CRYPTO_ELEMENT_NONE
			   ? TEE_SUCCESS
			   : TEE_ERROR_NOT_SUPPORTED;
	return element == TEE_CRYPTO_ELEMENT_NONE ? TEE_SUCCESS : TEE_ERROR_NOT_SUPPORTED;
}

/* ---- Message digest (6.3) --------------------------------------------- */

static struct __TEE_OperationHandle *digest_op(TEE_OperationHandle h)
{
	struct __TEE_OperationHandle *op = op_get(h);
	if (op->info.operationClass != TEE_OPERATION_DIGEST)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	return op;
}

void TEE_DigestUpdate(TEE_OperationHandle operation, const void *chunk, size_t chunkSize)
{
	struct __TEE_OperationHandle *op = digest_op(operation);
	if ((!chunk && chunkSize) || op->state == TEE_OPERATION_STATE_EXTRACTING)
		TEE_Panic(TEE_ERROR_BAD_STATE);
	op->state = TEE_OPERATION_STATE_ACTIVE;
	if (chunkSize && EVP_DigestUpdate(op->md, chunk, chunkSize) != 1)
		TEE_Panic(TEE_ERROR_GENERIC);
}

static int is_xof(const struct __TEE_OperationHandle *op)
{
	return op->ad->hash == H_SHAKE128 || op->ad->hash == H_SHAKE256;
}

/* Next len bytes of the XOF stream. OpenSSL 3.0 squeezes only once per
 * context, so each call finalizes a copy of the absorbed state. */
static void xof_squeeze(struct __TEE_OperationHandle *op, uint8_t *out, size_t len)
{
	if (!op->xof) {
		op->xof = EVP_MD_CTX_new();
		if (!op->xof || EVP_MD_CTX_copy_ex(op->xof, op->md) != 1)
			TEE_Panic(TEE_ERROR_OUT_OF_MEMORY);
		op->xof_off = 0;
	}
	if (!len)
		return;
	EVP_MD_CTX *t = EVP_MD_CTX_new();
	size_t n = op->xof_off + len;
	uint8_t *tmp = op->xof_off ? OPENSSL_malloc(n) : out;
	if (!t || !tmp || EVP_MD_CTX_copy_ex(t, op->xof) != 1 ||
	    EVP_DigestFinalXOF(t, tmp, n) != 1)
		TEE_Panic(TEE_ERROR_GENERIC);
	if (tmp != out) {
		memcpy(out, tmp + op->xof_off, len);
		OPENSSL_clear_free(tmp, n);
	}
	EVP_MD_CTX_free(t);
	op->xof_off = n;
}

TEE_Result TEE_DigestDoFinal(TEE_OperationHandle operation, const void *chunk,
			     size_t chunkLen, void *hash, size_t *hashLen)
{
	struct __TEE_OperationHandle *op = digest_op(operation);
	if ((!chunk && chunkLen) || !hashLen)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if (op->state == TEE_OPERATION_STATE_EXTRACTING) {
		if (chunkLen)
			TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
		if (is_xof(op)) {
			xof_squeeze(op, hash, *hashLen);
		} else {
			size_t n = op->dig_len - op->dig_off;
			if (n > *hashLen)
				n = *hashLen;
			memcpy(hash, op->dig + op->dig_off, n);
			*hashLen = n;
		}
	} else if (is_xof(op)) {
		if (chunkLen && EVP_DigestUpdate(op->md, chunk, chunkLen) != 1)
			TEE_Panic(TEE_ERROR_GENERIC);
		if (*hashLen && EVP_DigestFinalXOF(op->md, hash, *hashLen) != 1)
			TEE_Panic(TEE_ERROR_GENERIC);
	} else {
		size_t need = op->info.digestLength;
		/* Check before absorbing so the caller can retry. */
		if (*hashLen < need || !hash) {
			*hashLen = need;
			return TEE_ERROR_SHORT_BUFFER;
		}
		unsigned int l = 0;
		if ((chunkLen && EVP_DigestUpdate(op->md, chunk, chunkLen) != 1) ||
		    EVP_DigestFinal_ex(op->md, hash, &l) != 1)
			TEE_Panic(TEE_ERROR_GENERIC);
		*hashLen = l;
	}
	digest_restart(op);
	op->state = TEE_OPERATION_STATE_INITIAL;
	return TEE_SUCCESS;
}

TEE_Result TEE_DigestExtract(TEE_OperationHandle operation, void *hash, size_t *hashLen)
{
	struct __TEE_OperationHandle *op = digest_op(operation);
	if (!hashLen || (!hash && *hashLen))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if (is_xof(op)) {
		xof_squeeze(op, hash, *hashLen);
	} else {
		if (op->state != TEE_OPERATION_STATE_EXTRACTING) {
			unsigned int l = 0;
			if (EVP_DigestFinal_ex(op->md, op->dig, &l) != 1)
				TEE_Panic(TEE_ERROR_GENERIC);
			op->dig_len = l;
			op->dig_off = 0;
		}
		size_t n = op->dig_len - op->dig_off;
		if (n > *hashLen)
			n = *hashLen;
		memcpy(hash, op->dig + op->dig_off, n);
		op->dig_off += n;
		*hashLen = n;
	}
	op->state = TEE_OPERATION_STATE_EXTRACTING;
	op->info.handleState |= TEE_HANDLE_FLAG_EXTRACTING;
	return TEE_SUCCESS;
}

/* ---- Symmetric cipher (6.4) -------------------------------------------- */

static struct __TEE_OperationHandle *cipher_op(TEE_OperationHandle h, int need_active)
{
	struct __TEE_OperationHandle *op = op_get(h);
	if (op->info.operationClass != TEE_OPERATION_CIPHER)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if (need_active && (!(op->info.handleState & TEE_HANDLE_FLAG_INITIALIZED) ||
			    op->state != TEE_OPERATION_STATE_ACTIVE))
		TEE_Panic(TEE_ERROR_BAD_STATE);
	return op;
}

static int grow(uint8_t **buf, size_t *cap, size_t len, size_t need)
{
	if (need <= *cap)
		return 1;
	size_t nc = *cap ? *cap : 256;
	while (nc < need)
		nc *= 2;
	uint8_t *n = TEE_Malloc(nc, TEE_MALLOC_NO_FILL);
	if (!n)
		return 0;
	if (*buf) {
		memcpy(n, *buf, len);
		OPENSSL_cleanse(*buf, *cap);
		TEE_Free(*buf);
	}
	*buf = n;
	*cap = nc;
	return 1;
}

void TEE_CipherInit(TEE_OperationHandle operation, const void *IV, size_t IVLen)
{
	struct __TEE_OperationHandle *op = cipher_op(operation, 0);
	if (!(op->info.handleState & TEE_HANDLE_FLAG_KEY_SET))
		TEE_Panic(TEE_ERROR_BAD_STATE);
	if (op->state != TEE_OPERATION_STATE_INITIAL)
		reset_state(op);
	uint8_t chain = op->ad->chain;
	if (chain == CH_ECB) {
		if (IV && IVLen)
			TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
		IV = NULL;
	} else if (!IV || IVLen != op->block) {
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	}
	/* Only the IV changes: the key schedule from SetOperationKey stays. */
	if (EVP_CipherInit_ex2(op->cc, NULL, NULL, IV, -1, NULL) != 1)
		TEE_Panic(TEE_ERROR_GENERIC);
	if (chain == CH_XTS)
		memcpy(op->nonce, IV, 16);
	clear_bufs(op);
	op->state = TEE_OPERATION_STATE_ACTIVE;
	op->info.handleState |= TEE_HANDLE_FLAG_INITIALIZED;
}

static void evp_update(EVP_CIPHER_CTX *cc, uint8_t *out, size_t *outl, const uint8_t *in,
		       size_t len)
{
	*outl = 0;
	/* EVP takes int lengths: feed huge inputs in slices. */
	while (len) {
		int n = len > (1u << 30) ? 1 << 30 : (int)len, l = 0;
		if (EVP_CipherUpdate(cc, out ? out + *outl : NULL, &l, in, n) != 1)
			TEE_Panic(TEE_ERROR_GENERIC);
		*outl += (size_t)l;
		in += n;
		len -= (size_t)n;
	}
}

/* Bytes CipherUpdate will emit for srcLen more input (GP/OP-TEE rules). */
static size_t cipher_out_len(const struct __TEE_OperationHandle *op, size_t srcLen)
{
	switch (op->ad->chain) {
	case CH_CTR:
		return srcLen;
	case CH_XTS:
		return 0;
	case CH_CTS: {
		size_t t = op->hold_len + srcLen;
		return t > 2 * op->block
			   ? (t - 2 * op->block + op->block - 1) / op->block * op->block
			   : 0;
	}
	default:
		return (op->buffered + srcLen) / op->block * op->block;
	}
}

static void cipher_feed(struct __TEE_OperationHandle *op, const uint8_t *src, size_t len,
			uint8_t *dst, size_t *dlen)
{
	*dlen = 0;
	switch (op->ad->chain) {
	case CH_XTS:
		if (!grow(&op->acc, &op->acc_cap, op->acc_len, op->acc_len + len))
			TEE_Panic(TEE_ERROR_OUT_OF_MEMORY);
		memcpy(op->acc + op->acc_len, src, len);
		op->acc_len += len;
		return;
	case CH_CTS: {
		/* Keep the last (block, 2 * block] bytes back for stealing. */
		size_t n = cipher_out_len(op, len), from_hold = 0, l1 = 0, l2 = 0;
		if (n) {
			from_hold = n < op->hold_len ? n : op->hold_len;
			evp_update(op->cc, dst, &l1, op->hold, from_hold);
			evp_update(op->cc, dst + l1, &l2, src, n - from_hold);
			*dlen = l1 + l2;
			src += n - from_hold;
			len -= n - from_hold;
			memmove(op->hold, op->hold + from_hold, op->hold_len - from_hold);
			op->hold_len -= from_hold;
		}
		memcpy(op->hold + op->hold_len, src, len);
		op->hold_len += len;
		return;
	}
	default:
		evp_update(op->cc, dst, dlen, src, len);
		if (op->ad->chain != CH_CTR)
			op->buffered = (op->buffered + len) % op->block;
		return;
	}
}

TEE_Result TEE_CipherUpdate(TEE_OperationHandle operation, const void *srcData,
			    size_t srcLen, void *destData, size_t *destLen)
{
	struct __TEE_OperationHandle *op = cipher_op(operation, 1);
	if ((!srcData && srcLen) || !destLen)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	size_t need = cipher_out_len(op, srcLen);
	if (*destLen < need) {
		*destLen = need;
		return TEE_ERROR_SHORT_BUFFER;
	}
	if (need && !destData)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	cipher_feed(op, srcData, srcLen, destData, destLen);
	return TEE_SUCCESS;
}

static void xts_final(struct __TEE_OperationHandle *op, uint8_t *dst, size_t *dlen)
{
	if (op->acc_len < 16)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	/* One data unit: XTS steals ciphertext within a single EVP call. */
	if (EVP_CipherInit_ex2(op->cc, NULL, NULL, op->nonce, -1, NULL) != 1)
		TEE_Panic(TEE_ERROR_GENERIC);
	evp_update(op->cc, dst, dlen, op->acc, op->acc_len);
}

static void cts_final(struct __TEE_OperationHandle *op, uint8_t *dst, size_t *dlen)
{
	uint8_t iv[16];
	*dlen = 0;
	if (!op->hold_len)
		return;
	if (op->hold_len < op->block)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	/* Chain the CBC part into the CS3 tail through its updated IV. */
	if (EVP_CIPHER_CTX_get_updated_iv(op->cc, iv, sizeof(iv)) != 1 ||
	    EVP_CipherInit_ex2(op->cts, NULL, NULL, iv, -1, NULL) != 1)
		TEE_Panic(TEE_ERROR_GENERIC);
	evp_update(op->cts, dst, dlen, op->hold, op->hold_len);
}

TEE_Result TEE_CipherDoFinal(TEE_OperationHandle operation, const void *srcData,
			     size_t srcLen, void *destData, size_t *destLen)
{
	struct __TEE_OperationHandle *op = cipher_op(operation, 1);
	if (!srcData && srcLen)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	uint8_t chain = op->ad->chain;
	if ((chain == CH_ECB || chain == CH_CBC) && (op->buffered + srcLen) % op->block)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	size_t need = srcLen + (chain == CH_CTS	  ? op->hold_len
				: chain == CH_XTS ? op->acc_len
						  : op->buffered);
	size_t have = destLen ? *destLen : 0;
	if (have < need) {
		if (destLen)
			*destLen = need;
		return TEE_ERROR_SHORT_BUFFER;
	}
	if (need && !destData)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	size_t l1 = 0, l2 = 0;
	cipher_feed(op, srcData, srcLen, destData, &l1);
	if (chain == CH_XTS) {
		xts_final(op, destData, &l2);
	} else if (chain == CH_CTS) {
		cts_final(op, (uint8_t *)destData + l1, &l2);
	} else {
		int l = 0;
		if (EVP_CipherFinal_ex(op->cc, destData ? (uint8_t *)destData + l1 : NULL,
				       &l) != 1)
			TEE_Panic(TEE_ERROR_GENERIC);
		l2 = (size_t)l;
	}
	if (destLen)
		*destLen = l1 + l2;
	clear_bufs(op);
	op->state = TEE_OPERATION_STATE_INITIAL;
	op->info.handleState &= ~(uint32_t)TEE_HANDLE_FLAG_INITIALIZED;
	return TEE_SUCCESS;
}

/* ---- MAC (6.5) ------------------------------------------------------------ */

static struct __TEE_OperationHandle *mac_op(TEE_OperationHandle h, int need_active)
{
	struct __TEE_OperationHandle *op = op_get(h);
	if (op->info.operationClass != TEE_OPERATION_MAC)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if (need_active && (!(op->info.handleState & TEE_HANDLE_FLAG_INITIALIZED) ||
			    op->state != TEE_OPERATION_STATE_ACTIVE))
		TEE_Panic(TEE_ERROR_BAD_STATE);
	return op;
}

void TEE_MACInit(TEE_OperationHandle operation, const void *IV, size_t IVLen)
{
	struct __TEE_OperationHandle *op = mac_op(operation, 0);
	if (!(op->info.handleState & TEE_HANDLE_FLAG_KEY_SET))
		TEE_Panic(TEE_ERROR_BAD_STATE);
	if (op->state != TEE_OPERATION_STATE_INITIAL)
		reset_state(op);
	if (op->ad->kind == K_CBCMAC) {
		/* CBC-MAC starts from a zero IV unless the TA passes one. */
		uint8_t zero[16] = {0};
		const void *iv = IV && IVLen == op->block ? IV : zero;
		if (EVP_CipherInit_ex2(op->cc, NULL, NULL, iv, -1, NULL) != 1)
			TEE_Panic(TEE_ERROR_GENERIC);
		clear_bufs(op);
	} else if (EVP_MAC_init(op->mac, key_bytes(op), op->key_len, NULL) != 1) {
		TEE_Panic(TEE_ERROR_GENERIC);
	}
	op->state = TEE_OPERATION_STATE_ACTIVE;
	op->info.handleState |= TEE_HANDLE_FLAG_INITIALIZED;
}

static void cbcmac_update(struct __TEE_OperationHandle *op, const uint8_t *in, size_t len)
{
	uint8_t scratch[1024];
	while (len) {
		size_t n = len > sizeof(scratch) - 16 ? sizeof(scratch) - 16 : len;
		int l = 0;
		if (EVP_CipherUpdate(op->cc, scratch, &l, in, (int)n) != 1)
			TEE_Panic(TEE_ERROR_GENERIC);
		/* Only the last ciphertext block is the MAC. */
		if (l)
			memcpy(op->hold, scratch + l - op->block, op->block);
		in += n;
		len -= n;
		op->total += n;
	}
	OPENSSL_cleanse(scratch, sizeof(scratch));
}

void TEE_MACUpdate(TEE_OperationHandle operation, const void *chunk, size_t chunkSize)
{
	struct __TEE_OperationHandle *op = mac_op(operation, 1);
	if (!chunk && chunkSize)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if (!chunkSize)
		return;
	if (op->ad->kind == K_CBCMAC)
		cbcmac_update(op, chunk, chunkSize);
	else if (EVP_MAC_update(op->mac, chunk, chunkSize) != 1)
		TEE_Panic(TEE_ERROR_GENERIC);
}

TEE_Result TEE_MACComputeFinal(TEE_OperationHandle operation, const void *message,
			       size_t messageLen, void *mac, size_t *macLen)
{
	struct __TEE_OperationHandle *op = mac_op(operation, 1);
	if ((!message && messageLen) || !macLen)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	size_t need = op->info.digestLength;
	if (*macLen < need || !mac) {
		*macLen = need;
		return TEE_ERROR_SHORT_BUFFER;
	}
	if (op->ad->kind == K_CBCMAC) {
		if (messageLen)
			cbcmac_update(op, message, messageLen);
		if (op->ad->chain == CH_CBC_PAD) {
			uint8_t pad[16];
			size_t n = op->block - op->total % op->block;
			memset(pad, (int)n, n);
			cbcmac_update(op, pad, n);
		} else if (op->total % op->block || !op->total) {
			TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
		}
		memcpy(mac, op->hold, need);
	} else {
		size_t l = 0;
		if ((messageLen && EVP_MAC_update(op->mac, message, messageLen) != 1) ||
		    EVP_MAC_final(op->mac, mac, &l, *macLen) != 1)
			TEE_Panic(TEE_ERROR_GENERIC);
		need = l;
	}
	*macLen = need;
	clear_bufs(op);
	op->state = TEE_OPERATION_STATE_INITIAL;
	op->info.handleState &= ~(uint32_t)TEE_HANDLE_FLAG_INITIALIZED;
	return TEE_SUCCESS;
}

TEE_Result TEE_MACCompareFinal(TEE_OperationHandle operation, const void *message,
			       size_t messageLen, const void *mac, size_t macLen)
{
	uint8_t computed[64];
	size_t cl = sizeof(computed);
	mac_op(operation, 1);
	if (!mac && macLen)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	TEE_MACComputeFinal(operation, message, messageLen, computed, &cl);
	TEE_Result res = cl == macLen && !CRYPTO_memcmp(computed, mac, cl)
			     ? TEE_SUCCESS
			     : TEE_ERROR_MAC_INVALID;
	OPENSSL_cleanse(computed, sizeof(computed));
	return res;
}

/* ---- Authenticated encryption (6.6) -------------------------------------- */

static struct __TEE_OperationHandle *ae_op(TEE_OperationHandle h)
{
	struct __TEE_OperationHandle *op = op_get(h);
	if (op->info.operationClass != TEE_OPERATION_AE)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	return op;
}

static struct __TEE_OperationHandle *ae_op_init(TEE_OperationHandle h)
{
	struct __TEE_OperationHandle *op = ae_op(h);
	if (!(op->info.handleState & TEE_HANDLE_FLAG_INITIALIZED))
		TEE_Panic(TEE_ERROR_BAD_STATE);
	return op;
}

TEE_Result TEE_AEInit(TEE_OperationHandle operation, const void *nonce, size_t nonceLen,
		      uint32_t tagLen, size_t AADLen, size_t payloadLen)
{
	struct __TEE_OperationHandle *op = ae_op(operation);
	if (!nonce || op->state != TEE_OPERATION_STATE_INITIAL ||
	    !(op->info.handleState & TEE_HANDLE_FLAG_KEY_SET))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if (op->ad->kind == K_GCM) {
		/* GP: 128, 120, 112, 104 or 96 bits. */
		if (tagLen < 96 || tagLen > 128 || tagLen % 8)
			return TEE_ERROR_NOT_SUPPORTED;
		if (!nonceLen)
			TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
		OSSL_PARAM p[] = {
		    OSSL_PARAM_construct_size_t(OSSL_CIPHER_PARAM_AEAD_IVLEN, &nonceLen),
		    OSSL_PARAM_END};
		if (EVP_CIPHER_CTX_set_params(op->cc, p) != 1 ||
		    EVP_CipherInit_ex2(op->cc, NULL, NULL, nonce, -1, NULL) != 1)
			TEE_Panic(TEE_ERROR_GENERIC);
	} else {
		/* CCM (NIST SP 800-38C): 4..16 even tag bytes, 7..13 nonce bytes. */
		if (tagLen < 32 || tagLen > 128 || tagLen % 16)
			return TEE_ERROR_NOT_SUPPORTED;
		if (nonceLen < 7 || nonceLen > 13)
			TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
		memcpy(op->nonce, nonce, nonceLen);
		op->nonce_len = nonceLen;
		clear_bufs(op);
		/* OpenSSL's CCM takes AAD and payload in one piece each. */
		if (!grow(&op->aad, &op->aad_cap, 0, AADLen ? AADLen : 1) ||
		    !grow(&op->acc, &op->acc_cap, 0, payloadLen ? payloadLen : 1))
			TEE_Panic(TEE_ERROR_OUT_OF_MEMORY);
		op->ccm_aad_len = AADLen;
		op->ccm_payload_len = payloadLen;
	}
	op->tag_len = tagLen / 8;
	op->info.digestLength = tagLen / 8;
	op->info.handleState |= TEE_HANDLE_FLAG_INITIALIZED;
	return TEE_SUCCESS;
}

void TEE_AEUpdateAAD(TEE_OperationHandle operation, const void *AADdata,
		     size_t AADdataLen)
{
	struct __TEE_OperationHandle *op = ae_op_init(operation);
	if ((!AADdata && AADdataLen) || op->state != TEE_OPERATION_STATE_INITIAL)
		TEE_Panic(TEE_ERROR_BAD_STATE);
	if (!AADdataLen)
		return;
	if (op->ad->kind == K_CCM) {
		if (op->aad_len + AADdataLen > op->ccm_aad_len)
			TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
		memcpy(op->aad + op->aad_len, AADdata, AADdataLen);
		op->aad_len += AADdataLen;
		return;
	}
	size_t l;
	evp_update(op->cc, NULL, &l, AADdata, AADdataLen);
}

static void ccm_collect(struct __TEE_OperationHandle *op, const void *src, size_t len)
{
	if (op->acc_len + len > op->ccm_payload_len)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	memcpy(op->acc + op->acc_len, src, len);
	op->acc_len += len;
}

TEE_Result TEE_AEUpdate(TEE_OperationHandle operation, const void *srcData, size_t srcLen,
			void *destData, size_t *destLen)
{
	struct __TEE_OperationHandle *op = ae_op_init(operation);
	if ((!srcData && srcLen) || !destLen)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if (!srcLen) {
		*destLen = 0;
		return TEE_SUCCESS;
	}
	if (op->ad->kind == K_CCM) {
		ccm_collect(op, srcData, srcLen);
		*destLen = 0;
	} else {
		if (*destLen < srcLen) {
			*destLen = srcLen;
			return TEE_ERROR_SHORT_BUFFER;
		}
		if (!destData)
			TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
		evp_update(op->cc, destData, destLen, srcData, srcLen);
	}
	op->state = TEE_OPERATION_STATE_ACTIVE;
	return TEE_SUCCESS;
}

/* All of CCM happens here: OpenSSL wants lengths, AAD and payload at once. */
static int ccm_run(struct __TEE_OperationHandle *op, int enc, uint8_t *dst, uint8_t *tag)
{
	char name[32];
	int l = 0;
	const EVP_CIPHER *c = cipher_fetch(cipher_name(op, name, sizeof(name), 0));
	if (!c || op->aad_len != op->ccm_aad_len || op->acc_len != op->ccm_payload_len)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if (EVP_CipherInit_ex2(op->cc, c, NULL, NULL, enc, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(op->cc, EVP_CTRL_AEAD_SET_IVLEN, (int)op->nonce_len,
				NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(op->cc, EVP_CTRL_AEAD_SET_TAG, (int)op->tag_len,
				enc ? NULL : tag) != 1 ||
	    EVP_CipherInit_ex2(op->cc, NULL, key_bytes(op), op->nonce, -1, NULL) != 1 ||
	    EVP_CipherUpdate(op->cc, NULL, &l, NULL, (int)op->acc_len) != 1 ||
	    (op->aad_len &&
	     EVP_CipherUpdate(op->cc, NULL, &l, op->aad, (int)op->aad_len) != 1))
		TEE_Panic(TEE_ERROR_GENERIC);
	if (EVP_CipherUpdate(op->cc, dst, &l, op->acc, (int)op->acc_len) != 1)
		return 0; /* decryption: tag mismatch */
	if (enc && (EVP_CipherFinal_ex(op->cc, dst + l, &l) != 1 ||
		    EVP_CIPHER_CTX_ctrl(op->cc, EVP_CTRL_AEAD_GET_TAG, (int)op->tag_len,
					tag) != 1))
		TEE_Panic(TEE_ERROR_GENERIC);
	return 1;
}

static void ae_done(struct __TEE_OperationHandle *op)
{
	clear_bufs(op);
	op->state = TEE_OPERATION_STATE_INITIAL;
	op->info.handleState &= ~(uint32_t)TEE_HANDLE_FLAG_INITIALIZED;
}

TEE_Result TEE_AEEncryptFinal(TEE_OperationHandle operation, const void *srcData,
			      size_t srcLen, void *destData, size_t *destLen, void *tag,
			      size_t *tagLen)
{
	struct __TEE_OperationHandle *op = ae_op_init(operation);
	if ((!srcData && srcLen) || !destLen || !tagLen ||
	    op->info.mode != TEE_MODE_ENCRYPT)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	int ccm = op->ad->kind == K_CCM;
	size_t need = srcLen + (ccm ? op->acc_len : 0);
	TEE_Result res = TEE_SUCCESS;
	if (*destLen < need) {
		*destLen = need;
		res = TEE_ERROR_SHORT_BUFFER;
	}
	if (*tagLen < op->tag_len) {
		*tagLen = op->tag_len;
		res = TEE_ERROR_SHORT_BUFFER;
	}
	if (res != TEE_SUCCESS)
		return res;
	if ((need && !destData) || !tag)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if (ccm) {
		ccm_collect(op, srcData, srcLen);
		ccm_run(op, 1, destData, tag);
		*destLen = op->acc_len;
	} else {
		size_t l = 0;
		int l2 = 0;
		evp_update(op->cc, destData, &l, srcData, srcLen);
		if (EVP_CipherFinal_ex(op->cc, destData ? (uint8_t *)destData + l : NULL,
				       &l2) != 1 ||
		    EVP_CIPHER_CTX_ctrl(op->cc, EVP_CTRL_AEAD_GET_TAG, (int)op->tag_len,
					tag) != 1)
			TEE_Panic(TEE_ERROR_GENERIC);
		*destLen = l + (size_t)l2;
	}
	*tagLen = op->tag_len;
	ae_done(op);
	return TEE_SUCCESS;
}

TEE_Result TEE_AEDecryptFinal(TEE_OperationHandle operation, const void *srcData,
			      size_t srcLen, void *destData, size_t *destLen, void *tag,
			      size_t tagLen)
{
	struct __TEE_OperationHandle *op = ae_op_init(operation);
	if ((!srcData && srcLen) || !destLen || (!tag && tagLen) ||
	    op->info.mode != TEE_MODE_DECRYPT)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	int ccm = op->ad->kind == K_CCM;
	size_t need = srcLen + (ccm ? op->acc_len : 0);
	if (*destLen < need) {
		*destLen = need;
		return TEE_ERROR_SHORT_BUFFER;
	}
	if (need && !destData)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	int ok;
	if (tagLen != op->tag_len) {
		/* GP: a tag of another length than AEInit's cannot match. */
		ok = 0;
		*destLen = 0;
	} else if (ccm) {
		uint8_t t[16];
		memcpy(t, tag, tagLen);
		ccm_collect(op, srcData, srcLen);
		ok = ccm_run(op, 0, destData, t);
		*destLen = op->acc_len;
	} else {
		size_t l = 0;
		int l2 = 0;
		evp_update(op->cc, destData, &l, srcData, srcLen);
		if (EVP_CIPHER_CTX_ctrl(op->cc, EVP_CTRL_AEAD_SET_TAG, (int)tagLen,
					tag) != 1)
			TEE_Panic(TEE_ERROR_GENERIC);
		ok = EVP_CipherFinal_ex(op->cc, destData ? (uint8_t *)destData + l : NULL,
					&l2) == 1;
		*destLen = l + (size_t)l2;
	}
	if (!ok && destData && need)
		OPENSSL_cleanse(destData, need); /* never hand out unauthenticated data */
	ae_done(op);
	return ok ? TEE_SUCCESS : TEE_ERROR_MAC_INVALID;
}

/* ---- Asymmetric (6.7) ----------------------------------------------------- */

static const TEE_Attribute *find_param(const TEE_Attribute *params, uint32_t n,
				       uint32_t id)
{
	for (uint32_t i = 0; i < n; i++)
		if (params[i].attributeID == id)
			return &params[i];
	return NULL;
}

static struct __TEE_OperationHandle *asym_op(TEE_OperationHandle h, uint32_t cls,
					     uint32_t mode, const TEE_Attribute *params,
					     uint32_t n)
{
	struct __TEE_OperationHandle *op = op_get(h);
	if (op->info.operationClass != cls || op->info.mode != mode ||
	    !(op->info.handleState & TEE_HANDLE_FLAG_KEY_SET) || (n && !params))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	return op;
}

static size_t rsa_bytes(const struct __TEE_OperationHandle *op)
{
	return (size_t)EVP_PKEY_get_size(op->pkey);
}

/* Per-call OAEP parameters: label and MGF1 hash (GP 1.3.1). */
static TEE_Result oaep_params(struct __TEE_OperationHandle *op,
			      const TEE_Attribute *params, uint32_t n)
{
	const TEE_Attribute *lab = find_param(params, n, TEE_ATTR_RSA_OAEP_LABEL);
	const TEE_Attribute *mgf = find_param(params, n, TEE_ATTR_RSA_OAEP_MGF_HASH);
	const EVP_MD *md = get_md(op->ad->hash);
	if (mgf) {
		uint32_t alg = 0;
		if (mgf->content.ref.length != sizeof(alg))
			return TEE_ERROR_BAD_PARAMETERS;
		memcpy(&alg, mgf->content.ref.buffer, sizeof(alg));
		md = get_md(hash_of_alg(alg));
		if (!md)
			return TEE_ERROR_NOT_SUPPORTED;
	}
	if (EVP_PKEY_CTX_set_rsa_mgf1_md(op->pctx, md) != 1)
		TEE_Panic(TEE_ERROR_GENERIC);
	void *l = NULL;
	size_t ll = lab ? lab->content.ref.length : 0;
	if (ll) {
		l = OPENSSL_memdup(lab->content.ref.buffer, ll);
		if (!l)
			TEE_Panic(TEE_ERROR_OUT_OF_MEMORY);
	}
	if (EVP_PKEY_CTX_set0_rsa_oaep_label(op->pctx, l, (int)ll) != 1) {
		OPENSSL_free(l);
		TEE_Panic(TEE_ERROR_GENERIC);
	}
	return TEE_SUCCESS;
}

/* RSA without padding works on whole modulus-size blocks. */
static TEE_Result rsa_nopad(struct __TEE_OperationHandle *op, int enc, const uint8_t *src,
			    size_t slen, uint8_t *dst, size_t *dlen)
{
	uint8_t in[512], out[512];
	size_t k = rsa_bytes(op), ol = sizeof(out);
	if (slen > k)
		return TEE_ERROR_BAD_PARAMETERS;
	memset(in, 0, k - slen);
	memcpy(in + k - slen, src, slen);
	int r = enc ? EVP_PKEY_encrypt(op->pctx, out, &ol, in, k)
		    : EVP_PKEY_decrypt(op->pctx, out, &ol, in, k);
	if (r != 1)
		return TEE_ERROR_BAD_PARAMETERS;
	/* Like OP-TEE: drop leading zeros, keep at least one byte. */
	size_t z = 0;
	while (z + 1 < ol && !out[z])
		z++;
	TEE_Result res = TEE_SUCCESS;
	if (*dlen < ol - z || !dst) {
		res = TEE_ERROR_SHORT_BUFFER;
	} else {
		memcpy(dst, out + z, ol - z);
	}
	*dlen = ol - z;
	OPENSSL_cleanse(out, sizeof(out));
	return res;
}

TEE_Result TEE_AsymmetricEncrypt(TEE_OperationHandle operation,
				 const TEE_Attribute *params, uint32_t paramCount,
				 const void *srcData, size_t srcLen, void *destData,
				 size_t *destLen)
{
	struct __TEE_OperationHandle *op =
	    asym_op(operation, TEE_OPERATION_ASYMMETRIC_CIPHER, TEE_MODE_ENCRYPT, params,
		    paramCount);
	if ((!srcData && srcLen) || !destLen)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if (op->ad->kind == K_RSA_NOPAD)
		return rsa_nopad(op, 1, srcData, srcLen, destData, destLen);
	size_t k = rsa_bytes(op);
	if (*destLen < k || !destData) {
		*destLen = k;
		return TEE_ERROR_SHORT_BUFFER;
	}
	if (op->ad->kind == K_RSA_OAEP) {
		TEE_Result r = oaep_params(op, params, paramCount);
		if (r != TEE_SUCCESS)
			return r;
	}
	size_t ol = *destLen;
	if (EVP_PKEY_encrypt(op->pctx, destData, &ol, srcData, srcLen) != 1)
		return TEE_ERROR_BAD_PARAMETERS; /* message too long for the key */
	*destLen = ol;
	return TEE_SUCCESS;
}

TEE_Result TEE_AsymmetricDecrypt(TEE_OperationHandle operation,
				 const TEE_Attribute *params, uint32_t paramCount,
				 const void *srcData, size_t srcLen, void *destData,
				 size_t *destLen)
{
	struct __TEE_OperationHandle *op =
	    asym_op(operation, TEE_OPERATION_ASYMMETRIC_CIPHER, TEE_MODE_DECRYPT, params,
		    paramCount);
	if ((!srcData && srcLen) || !destLen)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if (op->ad->kind == K_RSA_NOPAD)
		return rsa_nopad(op, 0, srcData, srcLen, destData, destLen);
	if (op->ad->kind == K_RSA_OAEP) {
		TEE_Result r = oaep_params(op, params, paramCount);
		if (r != TEE_SUCCESS)
			return r;
	}
	uint8_t out[512];
	size_t ol = sizeof(out);
	if (srcLen != rsa_bytes(op) ||
	    EVP_PKEY_decrypt(op->pctx, out, &ol, srcData, srcLen) != 1) {
		OPENSSL_cleanse(out, sizeof(out));
		return TEE_ERROR_CIPHERTEXT_INVALID;
	}
	TEE_Result res = TEE_SUCCESS;
	if (*destLen < ol || (!destData && ol))
		res = TEE_ERROR_SHORT_BUFFER;
	else
		memcpy(destData, out, ol);
	*destLen = ol;
	OPENSSL_cleanse(out, sizeof(out));
	return res;
}

static size_t ec_field_bytes(const struct __TEE_OperationHandle *op)
{
	return ((size_t)EVP_PKEY_get_bits(op->pkey) + 7) / 8;
}

static int pss_salt(struct __TEE_OperationHandle *op, const TEE_Attribute *params,
		    uint32_t n)
{
	const TEE_Attribute *s = find_param(params, n, TEE_ATTR_RSA_PSS_SALT_LENGTH);
	int salt = s ? (int)s->content.value.a : hashes[op->ad->hash].size;
	return EVP_PKEY_CTX_set_rsa_pss_saltlen(op->pctx, salt) == 1;
}

static void eddsa_params_unsupported(const TEE_Attribute *params, uint32_t n, int *unsup)
{
	/* Ed25519ctx/Ed25519ph need OpenSSL 3.2; plain Ed25519 is supported. */
	const TEE_Attribute *ph = find_param(params, n, TEE_ATTR_EDDSA_PREHASH);
	*unsup = find_param(params, n, TEE_ATTR_EDDSA_CTX) != NULL ||
		 (ph && ph->content.value.a);
}

TEE_Result TEE_AsymmetricSignDigest(TEE_OperationHandle operation,
				    const TEE_Attribute *params, uint32_t paramCount,
				    const void *digest, size_t digestLen, void *signature,
				    size_t *signatureLen)
{
	struct __TEE_OperationHandle *op =
	    asym_op(operation, TEE_OPERATION_ASYMMETRIC_SIGNATURE, TEE_MODE_SIGN, params,
		    paramCount);
	if ((!digest && digestLen) || !signatureLen)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	uint8_t kind = op->ad->kind;
	size_t need = kind == K_ECDSA	  ? 2 * ec_field_bytes(op)
		      : kind == K_ED25519 ? 64
					  : rsa_bytes(op);
	if (*signatureLen < need || !signature) {
		*signatureLen = need;
		return TEE_ERROR_SHORT_BUFFER;
	}
	if ((kind == K_RSA_SIG || kind == K_RSA_PSS) && op->ad->hash &&
	    digestLen != hashes[op->ad->hash].size)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if (kind == K_RSA_PSS && !pss_salt(op, params, paramCount))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if (kind == K_ED25519) {
		int unsup;
		eddsa_params_unsupported(params, paramCount, &unsup);
		if (unsup)
			return TEE_ERROR_NOT_SUPPORTED;
		EVP_MD_CTX *m = EVP_MD_CTX_new();
		size_t sl = need;
		if (!m ||
		    EVP_DigestSignInit_ex(m, NULL, NULL, NULL, NULL, op->pkey, NULL) !=
			1 ||
		    EVP_DigestSign(m, signature, &sl, digest, digestLen) != 1)
			TEE_Panic(TEE_ERROR_GENERIC);
		EVP_MD_CTX_free(m);
		*signatureLen = sl;
		return TEE_SUCCESS;
	}
	if (kind == K_ECDSA) {
		/* OpenSSL speaks DER; GP wants r || s, each field-size big-endian. */
		uint8_t der[160];
		size_t dl = sizeof(der);
		if (EVP_PKEY_sign(op->pctx, der, &dl, digest, digestLen) != 1)
			TEE_Panic(TEE_ERROR_GENERIC);
		const uint8_t *p = der;
		ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)dl);
		size_t fb = need / 2;
		if (!sig || BN_bn2binpad(ECDSA_SIG_get0_r(sig), signature, (int)fb) < 0 ||
		    BN_bn2binpad(ECDSA_SIG_get0_s(sig), (uint8_t *)signature + fb,
				 (int)fb) < 0)
			TEE_Panic(TEE_ERROR_GENERIC);
		ECDSA_SIG_free(sig);
		*signatureLen = need;
		return TEE_SUCCESS;
	}
	size_t sl = *signatureLen;
	if (EVP_PKEY_sign(op->pctx, signature, &sl, digest, digestLen) != 1)
		TEE_Panic(TEE_ERROR_GENERIC);
	*signatureLen = sl;
	return TEE_SUCCESS;
}

TEE_Result TEE_AsymmetricVerifyDigest(TEE_OperationHandle operation,
				      const TEE_Attribute *params, uint32_t paramCount,
				      const void *digest, size_t digestLen,
				      const void *signature, size_t signatureLen)
{
	struct __TEE_OperationHandle *op =
	    asym_op(operation, TEE_OPERATION_ASYMMETRIC_SIGNATURE, TEE_MODE_VERIFY,
		    params, paramCount);
	if ((!digest && digestLen) || (!signature && signatureLen))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	uint8_t kind = op->ad->kind;
	int r = 0;
	if ((kind == K_RSA_SIG || kind == K_RSA_PSS) && op->ad->hash &&
	    digestLen != hashes[op->ad->hash].size)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if (kind == K_RSA_PSS && !pss_salt(op, params, paramCount))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if (kind == K_ED25519) {
		int unsup;
		eddsa_params_unsupported(params, paramCount, &unsup);
		if (unsup)
			return TEE_ERROR_NOT_SUPPORTED;
		EVP_MD_CTX *m = EVP_MD_CTX_new();
		if (!m || EVP_DigestVerifyInit_ex(m, NULL, NULL, NULL, NULL, op->pkey,
						  NULL) != 1)
			TEE_Panic(TEE_ERROR_GENERIC);
		r = EVP_DigestVerify(m, signature, signatureLen, digest, digestLen);
		EVP_MD_CTX_free(m);
	} else if (kind == K_ECDSA) {
		size_t fb = ec_field_bytes(op);
		if (signatureLen != 2 * fb)
			return TEE_ERROR_SIGNATURE_INVALID;
		ECDSA_SIG *sig = ECDSA_SIG_new();
		BIGNUM *br = BN_bin2bn(signature, (int)fb, NULL);
		BIGNUM *bs = BN_bin2bn((const uint8_t *)signature + fb, (int)fb, NULL);
		uint8_t *der = NULL;
		int dl;
		if (!sig || !br || !bs || !ECDSA_SIG_set0(sig, br, bs))
			TEE_Panic(TEE_ERROR_OUT_OF_MEMORY);
		dl = i2d_ECDSA_SIG(sig, &der);
		if (dl <= 0)
			TEE_Panic(TEE_ERROR_GENERIC);
		r = EVP_PKEY_verify(op->pctx, der, (size_t)dl, digest, digestLen);
		OPENSSL_free(der);
		ECDSA_SIG_free(sig);
	} else {
		r = EVP_PKEY_verify(op->pctx, signature, signatureLen, digest, digestLen);
	}
	return r == 1 ? TEE_SUCCESS : TEE_ERROR_SIGNATURE_INVALID;
}

/* ---- Key derivation (6.8) ------------------------------------------------- */

static EVP_PKEY *peer_key(struct __TEE_OperationHandle *op, const TEE_Attribute *params,
			  uint32_t n)
{
	switch (op->ad->kind) {
	case K_ECDH: {
		const TEE_Attribute *x =
		    find_param(params, n, TEE_ATTR_ECC_PUBLIC_VALUE_X);
		const TEE_Attribute *y =
		    find_param(params, n, TEE_ATTR_ECC_PUBLIC_VALUE_Y);
		if (!x || !y)
			TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
		return utee_ec_pub_pkey(op->curve, x->content.ref.buffer,
					x->content.ref.length, y->content.ref.buffer,
					y->content.ref.length);
	}
	case K_X25519: {
		const TEE_Attribute *p =
		    find_param(params, n, TEE_ATTR_X25519_PUBLIC_VALUE);
		if (!p)
			TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
		return utee_raw_pkey(EVP_PKEY_X25519, p->content.ref.buffer,
				     p->content.ref.length);
	}
	default: {
		const TEE_Attribute *p = find_param(params, n, TEE_ATTR_DH_PUBLIC_VALUE);
		if (!p)
			TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
		return utee_dh_peer_pkey(op->pkey, p->content.ref.buffer,
					 p->content.ref.length);
	}
	}
}

static size_t hkdf(struct __TEE_OperationHandle *op, const TEE_Attribute *params,
		   uint32_t n, uint8_t *out, size_t max_out)
{
	int optee = op->ad->hash != H_NONE; /* OP-TEE's TEE_ALG_HKDF_<hash>_DERIVE_KEY */
	const TEE_Attribute *salt = find_param(
	    params, n, optee ? __OPTEE_TEE_ATTR_HKDF_SALT : TEE_ATTR_HKDF_SALT);
	const TEE_Attribute *info = find_param(
	    params, n, optee ? __OPTEE_TEE_ATTR_HKDF_INFO : TEE_ATTR_HKDF_INFO);
	const TEE_Attribute *hash = find_param(params, n, TEE_ATTR_HKDF_HASH_ALGORITHM);
	const TEE_Attribute *ksz = find_param(
	    params, n, optee ? TEE_ATTR_HKDF_OKM_LENGTH : TEE_ATTR_KDF_KEY_SIZE);
	int h = optee  ? op->ad->hash
		: hash ? hash_of_alg(hash->content.value.a)
		       : H_SHA256;
	/* TEE_ATTR_KDF_KEY_SIZE is the output size in bytes; without it the
	 * derived object is filled to its maximum size. */
	size_t len = ksz ? ksz->content.value.a : max_out;
	if (!get_md(h) || h == H_SHAKE128 || h == H_SHAKE256 || !len || len > max_out ||
	    len > 255u * hashes[h].size)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *kc = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	OSSL_PARAM p[5], *q = p;
	*q++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
						(char *)hashes[h].name, 0);
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
						 (void *)key_bytes(op), op->key_len);
	if (salt && salt->content.ref.length)
		*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
							 salt->content.ref.buffer,
							 salt->content.ref.length);
	if (info && info->content.ref.length)
		*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
							 info->content.ref.buffer,
							 info->content.ref.length);
	*q = OSSL_PARAM_construct_end();
	if (!kc || EVP_KDF_derive(kc, out, len, p) != 1)
		TEE_Panic(TEE_ERROR_GENERIC);
	EVP_KDF_CTX_free(kc);
	EVP_KDF_free(kdf);
	return len;
}

void TEE_DeriveKey(TEE_OperationHandle operation, const TEE_Attribute *params,
		   uint32_t paramCount, TEE_ObjectHandle derivedKey)
{
	struct __TEE_OperationHandle *op = asym_op(
	    operation, TEE_OPERATION_KEY_DERIVATION, TEE_MODE_DERIVE, params, paramCount);
	struct __TEE_ObjectHandle *dk = utee_obj_get(derivedKey);
	if (dk->info.objectType != TEE_TYPE_GENERIC_SECRET ||
	    (dk->info.handleFlags &
	     (TEE_HANDLE_FLAG_INITIALIZED | TEE_HANDLE_FLAG_PERSISTENT)))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	uint8_t secret[512];
	size_t sl = sizeof(secret);
	if (op->ad->kind == K_HKDF) {
		size_t max = dk->info.maxObjectSize / 8;
		sl = hkdf(op, params, paramCount, secret, max < sl ? max : sl);
	} else {
		EVP_PKEY *peer = peer_key(op, params, paramCount);
		if (!peer || EVP_PKEY_derive_set_peer(op->pctx, peer) != 1 ||
		    EVP_PKEY_derive(op->pctx, secret, &sl) != 1)
			TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
		EVP_PKEY_free(peer);
	}
	TEE_Result res = utee_obj_set_secret(dk, secret, sl);
	OPENSSL_cleanse(secret, sizeof(secret));
	if (res != TEE_SUCCESS)
		TEE_Panic(res);
}

/* ---- Random data (6.9) ---------------------------------------------------- */

void TEE_GenerateRandom(void *randomBuffer, size_t randomBufferLen)
{
	uint8_t *p = randomBuffer;
	if (!p && randomBufferLen)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	while (randomBufferLen) {
		int n = randomBufferLen > (1u << 30) ? 1 << 30 : (int)randomBufferLen;
		if (RAND_bytes(p, n) != 1)
			TEE_Panic(TEE_ERROR_GENERIC);
		p += n;
		randomBufferLen -= (size_t)n;
	}
}

/* ---- GP 1.1 compatibility (uint32_t lengths), see tee_api_compat.h ---- */

TEE_Attribute *__et_gp11_attrs(const __GP11_TEE_Attribute *in, uint32_t n,
			       TEE_Attribute *stackbuf, uint32_t stackn);
void __et_gp11_attrs_free(TEE_Attribute *a, TEE_Attribute *stackbuf);

/* An in/out length: 1.3 call on a size_t copy, never 8 bytes into 4. */
#define GP11_LEN_IN(p)	size_t p##_l = (p) ? *(p) : 0
#define GP11_LEN_PTR(p) ((p) ? &p##_l : NULL)
#define GP11_LEN_OUT(p)                                                                  \
	do {                                                                             \
		if (p)                                                                   \
			*(p) = p##_l > UINT32_MAX ? UINT32_MAX : (uint32_t)p##_l;        \
	} while (0)

void __GP11_TEE_FreeOperation(TEE_OperationHandle operation)
{
	TEE_FreeOperation(operation);
}

TEE_Result __GP11_TEE_GetOperationInfoMultiple(TEE_OperationHandle operation,
					       TEE_OperationInfoMultiple *info,
					       uint32_t *operationSize)
{
	GP11_LEN_IN(operationSize);
	TEE_Result r =
	    TEE_GetOperationInfoMultiple(operation, info, GP11_LEN_PTR(operationSize));
	GP11_LEN_OUT(operationSize);
	return r;
}

TEE_Result __GP11_TEE_SetOperationKey(TEE_OperationHandle operation, TEE_ObjectHandle key)
{
	return TEE_SetOperationKey(operation, key);
}

TEE_Result __GP11_TEE_SetOperationKey2(TEE_OperationHandle operation,
				       TEE_ObjectHandle key1, TEE_ObjectHandle key2)
{
	return TEE_SetOperationKey2(operation, key1, key2);
}

void __GP11_TEE_DigestUpdate(TEE_OperationHandle operation, const void *chunk,
			     uint32_t chunkSize)
{
	TEE_DigestUpdate(operation, chunk, chunkSize);
}

TEE_Result __GP11_TEE_DigestDoFinal(TEE_OperationHandle operation, const void *chunk,
				    uint32_t chunkLen, void *hash, uint32_t *hashLen)
{
	GP11_LEN_IN(hashLen);
	TEE_Result r =
	    TEE_DigestDoFinal(operation, chunk, chunkLen, hash, GP11_LEN_PTR(hashLen));
	GP11_LEN_OUT(hashLen);
	return r;
}

void __GP11_TEE_CipherInit(TEE_OperationHandle operation, const void *IV, uint32_t IVLen)
{
	TEE_CipherInit(operation, IV, IVLen);
}

TEE_Result __GP11_TEE_CipherUpdate(TEE_OperationHandle operation, const void *srcData,
				   uint32_t srcLen, void *destData, uint32_t *destLen)
{
	GP11_LEN_IN(destLen);
	TEE_Result r =
	    TEE_CipherUpdate(operation, srcData, srcLen, destData, GP11_LEN_PTR(destLen));
	GP11_LEN_OUT(destLen);
	return r;
}

TEE_Result __GP11_TEE_CipherDoFinal(TEE_OperationHandle operation, const void *srcData,
				    uint32_t srcLen, void *destData, uint32_t *destLen)
{
	GP11_LEN_IN(destLen);
	TEE_Result r = TEE_CipherDoFinal(operation, srcData, srcLen, destData,
					 GP11_LEN_PTR(destLen));
	GP11_LEN_OUT(destLen);
	return r;
}

void __GP11_TEE_MACInit(TEE_OperationHandle operation, const void *IV, uint32_t IVLen)
{
	TEE_MACInit(operation, IV, IVLen);
}

void __GP11_TEE_MACUpdate(TEE_OperationHandle operation, const void *chunk,
			  uint32_t chunkSize)
{
	TEE_MACUpdate(operation, chunk, chunkSize);
}

TEE_Result __GP11_TEE_MACComputeFinal(TEE_OperationHandle operation, const void *message,
				      uint32_t messageLen, void *mac, uint32_t *macLen)
{
	GP11_LEN_IN(macLen);
	TEE_Result r = TEE_MACComputeFinal(operation, message, messageLen, mac,
					   GP11_LEN_PTR(macLen));
	GP11_LEN_OUT(macLen);
	return r;
}

TEE_Result __GP11_TEE_MACCompareFinal(TEE_OperationHandle operation, const void *message,
				      uint32_t messageLen, const void *mac,
				      uint32_t macLen)
{
	return TEE_MACCompareFinal(operation, message, messageLen, mac, macLen);
}

TEE_Result __GP11_TEE_AEInit(TEE_OperationHandle operation, const void *nonce,
			     uint32_t nonceLen, uint32_t tagLen, uint32_t AADLen,
			     uint32_t payloadLen)
{
	return TEE_AEInit(operation, nonce, nonceLen, tagLen, AADLen, payloadLen);
}

void __GP11_TEE_AEUpdateAAD(TEE_OperationHandle operation, const void *AADdata,
			    uint32_t AADdataLen)
{
	TEE_AEUpdateAAD(operation, AADdata, AADdataLen);
}

TEE_Result __GP11_TEE_AEUpdate(TEE_OperationHandle operation, const void *srcData,
			       uint32_t srcLen, void *destData, uint32_t *destLen)
{
	GP11_LEN_IN(destLen);
	TEE_Result r =
	    TEE_AEUpdate(operation, srcData, srcLen, destData, GP11_LEN_PTR(destLen));
	GP11_LEN_OUT(destLen);
	return r;
}

TEE_Result __GP11_TEE_AEEncryptFinal(TEE_OperationHandle operation, const void *srcData,
				     uint32_t srcLen, void *destData, uint32_t *destLen,
				     void *tag, uint32_t *tagLen)
{
	GP11_LEN_IN(destLen);
	GP11_LEN_IN(tagLen);
	TEE_Result r =
	    TEE_AEEncryptFinal(operation, srcData, srcLen, destData,
			       GP11_LEN_PTR(destLen), tag, GP11_LEN_PTR(tagLen));
	GP11_LEN_OUT(destLen);
	GP11_LEN_OUT(tagLen);
	return r;
}

TEE_Result __GP11_TEE_AEDecryptFinal(TEE_OperationHandle operation, const void *srcData,
				     uint32_t srcLen, void *destData, uint32_t *destLen,
				     void *tag, uint32_t tagLen)
{
	GP11_LEN_IN(destLen);
	TEE_Result r = TEE_AEDecryptFinal(operation, srcData, srcLen, destData,
					  GP11_LEN_PTR(destLen), tag, tagLen);
	GP11_LEN_OUT(destLen);
	return r;
}

#define GP11_ASYM(name, call)                                                            \
	TEE_Result __GP11_TEE_##name(TEE_OperationHandle operation,                      \
				     const __GP11_TEE_Attribute *params,                 \
				     uint32_t paramCount, const void *srcData,           \
				     uint32_t srcLen, void *destData, uint32_t *destLen) \
	{                                                                                \
		TEE_Attribute sb[4];                                                     \
		TEE_Attribute *a = __et_gp11_attrs(params, paramCount, sb, 4);           \
		GP11_LEN_IN(destLen);                                                    \
		TEE_Result r = call(operation, a, paramCount, srcData, srcLen, destData, \
				    GP11_LEN_PTR(destLen));                              \
		GP11_LEN_OUT(destLen);                                                   \
		__et_gp11_attrs_free(a, sb);                                             \
		return r;                                                                \
	}

GP11_ASYM(AsymmetricEncrypt, TEE_AsymmetricEncrypt)
GP11_ASYM(AsymmetricDecrypt, TEE_AsymmetricDecrypt)
GP11_ASYM(AsymmetricSignDigest, TEE_AsymmetricSignDigest)

TEE_Result __GP11_TEE_AsymmetricVerifyDigest(TEE_OperationHandle operation,
					     const __GP11_TEE_Attribute *params,
					     uint32_t paramCount, const void *digest,
					     uint32_t digestLen, const void *signature,
					     uint32_t signatureLen)
{
	TEE_Attribute sb[4];
	TEE_Attribute *a = __et_gp11_attrs(params, paramCount, sb, 4);
	TEE_Result r = TEE_AsymmetricVerifyDigest(operation, a, paramCount, digest,
						  digestLen, signature, signatureLen);
	__et_gp11_attrs_free(a, sb);
	return r;
}

void __GP11_TEE_DeriveKey(TEE_OperationHandle operation,
			  const __GP11_TEE_Attribute *params, uint32_t paramCount,
			  TEE_ObjectHandle derivedKey)
{
	TEE_Attribute sb[4];
	TEE_Attribute *a = __et_gp11_attrs(params, paramCount, sb, 4);
	TEE_DeriveKey(operation, a, paramCount, derivedKey);
	__et_gp11_attrs_free(a, sb);
}

void __GP11_TEE_GenerateRandom(void *randomBuffer, uint32_t randomBufferLen)
{
	TEE_GenerateRandom(randomBuffer, randomBufferLen);
}
