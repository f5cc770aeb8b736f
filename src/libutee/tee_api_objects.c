/*
 * GP Internal Core API 5.5 (Generic Object Functions) and 5.6 (Transient
 * Object Functions), on OpenSSL 3.
 *
 * Attributes are kept in GP form (unsigned big-endian buffers, value
 * pairs); asymmetric objects additionally hold an EVP_PKEY built with
 * EVP_PKEY_fromdata() once, when the object is populated or generated, so
 * operations never re-import keys. Key material is wiped (OPENSSL_cleanse)
 * whenever an object is reset or freed. Misuse that GP lists as a panic
 * reason ends the TA with TEE_Panic; invalid handles are detected through a
 * list of live handles rather than by dereferencing them blindly.
 */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <tee_api_defines_extensions.h>

#include "tee_obj.h"
#include "utee_priv.h"

#define OBJ_MAGIC 0x4f424a31 /* "OBJ1" */

#define ALL_USAGE 0xFFFFFFFFu

static struct __TEE_ObjectHandle *live_objs;

static const struct utee_type_prop type_props[] = {
    {TEE_TYPE_AES, 64, 128, 256, UTEE_KC_SECRET},
    /* DES sizes include the parity bits, as GP counts them. */
    {TEE_TYPE_DES, 64, 64, 64, UTEE_KC_SECRET},
    {TEE_TYPE_DES3, 64, 128, 192, UTEE_KC_SECRET},
    {TEE_TYPE_HMAC_MD5, 8, 64, 512, UTEE_KC_SECRET},
    {TEE_TYPE_HMAC_SHA1, 8, 80, 512, UTEE_KC_SECRET},
    {TEE_TYPE_HMAC_SHA224, 8, 112, 512, UTEE_KC_SECRET},
    {TEE_TYPE_HMAC_SHA256, 8, 192, 1024, UTEE_KC_SECRET},
    {TEE_TYPE_HMAC_SHA384, 8, 256, 1024, UTEE_KC_SECRET},
    {TEE_TYPE_HMAC_SHA512, 8, 256, 1024, UTEE_KC_SECRET},
    {TEE_TYPE_HMAC_SHA3_224, 8, 192, 1024, UTEE_KC_SECRET},
    {TEE_TYPE_HMAC_SHA3_256, 8, 256, 1024, UTEE_KC_SECRET},
    {TEE_TYPE_HMAC_SHA3_384, 8, 256, 1024, UTEE_KC_SECRET},
    {TEE_TYPE_HMAC_SHA3_512, 8, 256, 1024, UTEE_KC_SECRET},
    {TEE_TYPE_GENERIC_SECRET, 8, 0, 4096, UTEE_KC_SECRET},
    {TEE_TYPE_HKDF, 8, 0, 4096, UTEE_KC_SECRET},
    {TEE_TYPE_HKDF_IKM, 8, 0, 4096, UTEE_KC_SECRET}, /* OP-TEE extension */
    {TEE_TYPE_RSA_PUBLIC_KEY, 1, 256, 4096, UTEE_KC_RSA_PUB},
    {TEE_TYPE_RSA_KEYPAIR, 1, 256, 4096, UTEE_KC_RSA_PAIR},
    {TEE_TYPE_ECDSA_PUBLIC_KEY, 1, 192, 521, UTEE_KC_ECC_PUB},
    {TEE_TYPE_ECDSA_KEYPAIR, 1, 192, 521, UTEE_KC_ECC_PAIR},
    {TEE_TYPE_ECDH_PUBLIC_KEY, 1, 192, 521, UTEE_KC_ECC_PUB},
    {TEE_TYPE_ECDH_KEYPAIR, 1, 192, 521, UTEE_KC_ECC_PAIR},
    {TEE_TYPE_ED25519_PUBLIC_KEY, 1, 256, 256, UTEE_KC_ED_PUB},
    {TEE_TYPE_ED25519_KEYPAIR, 1, 256, 256, UTEE_KC_ED_PAIR},
    {TEE_TYPE_X25519_PUBLIC_KEY, 1, 256, 256, UTEE_KC_X_PUB},
    {TEE_TYPE_X25519_KEYPAIR, 1, 256, 256, UTEE_KC_X_PAIR},
    {TEE_TYPE_DH_KEYPAIR, 1, 256, 2048, UTEE_KC_DH_PAIR},
};

const struct utee_type_prop *utee_type_prop(uint32_t type)
{
	for (size_t i = 0; i < sizeof(type_props) / sizeof(type_props[0]); i++)
		if (type_props[i].type == type)
			return &type_props[i];
	return NULL;
}

int utee_key_size_ok(const struct utee_type_prop *p, uint32_t size)
{
	if (size < p->min || size > p->max)
		return 0;
	return (size - p->min) % p->quanta == 0;
}

static const struct {
	uint32_t curve;
	uint32_t bits;
	const char *name;
} curves[] = {
    {TEE_ECC_CURVE_NIST_P192, 192, "prime192v1"},
    {TEE_ECC_CURVE_NIST_P224, 224, "secp224r1"},
    {TEE_ECC_CURVE_NIST_P256, 256, "prime256v1"},
    {TEE_ECC_CURVE_NIST_P384, 384, "secp384r1"},
    {TEE_ECC_CURVE_NIST_P521, 521, "secp521r1"},
};

const char *utee_ecc_curve_name(uint32_t curve, uint32_t *bits)
{
	for (size_t i = 0; i < sizeof(curves) / sizeof(curves[0]); i++) {
		if (curves[i].curve == curve) {
			if (bits)
				*bits = curves[i].bits;
			return curves[i].name;
		}
	}
	return NULL;
}

static uint32_t curve_for_bits(uint32_t bits)
{
	for (size_t i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
		if (curves[i].bits == bits)
			return curves[i].curve;
	return 0;
}

struct __TEE_ObjectHandle *utee_obj_get(TEE_ObjectHandle h)
{
	for (struct __TEE_ObjectHandle *o = live_objs; o; o = o->next)
		if (o == h && o->magic == OBJ_MAGIC)
			return o;
	TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
}

const struct utee_attr *utee_obj_attr(const struct __TEE_ObjectHandle *o, uint32_t id)
{
	for (uint32_t i = 0; i < o->nattrs; i++)
		if (o->attrs[i].id == id)
			return &o->attrs[i];
	return NULL;
}

static void wipe_attrs(struct __TEE_ObjectHandle *o)
{
	for (uint32_t i = 0; i < o->nattrs; i++) {
		if (o->attrs[i].buf) {
			OPENSSL_cleanse(o->attrs[i].buf, o->attrs[i].len);
			TEE_Free(o->attrs[i].buf);
		}
	}
	memset(o->attrs, 0, sizeof(o->attrs));
	o->nattrs = 0;
	/* EVP_PKEY_free clears private components (BN_clear_free). */
	EVP_PKEY_free(o->pkey);
	o->pkey = NULL;
}

static TEE_Result add_buf(struct __TEE_ObjectHandle *o, uint32_t id, const void *buf,
			  size_t len)
{
	if (o->nattrs >= UTEE_OBJ_MAX_ATTRS)
		return TEE_ERROR_BAD_PARAMETERS;
	uint8_t *b = TEE_Malloc(len ? len : 1, TEE_MALLOC_NO_FILL);
	if (!b)
		return TEE_ERROR_OUT_OF_MEMORY;
	if (len)
		memcpy(b, buf, len);
	struct utee_attr *a = &o->attrs[o->nattrs++];
	a->id = id;
	a->buf = b;
	a->len = len;
	return TEE_SUCCESS;
}

static TEE_Result add_val(struct __TEE_ObjectHandle *o, uint32_t id, uint32_t va,
			  uint32_t vb)
{
	if (o->nattrs >= UTEE_OBJ_MAX_ATTRS)
		return TEE_ERROR_BAD_PARAMETERS;
	struct utee_attr *a = &o->attrs[o->nattrs++];
	a->id = id;
	a->a = va;
	a->b = vb;
	return TEE_SUCCESS;
}

/* Append a BIGNUM as an unsigned big-endian buffer attribute. */
static TEE_Result add_bn(struct __TEE_ObjectHandle *o, uint32_t id, const BIGNUM *bn,
			 size_t pad)
{
	size_t n = (size_t)BN_num_bytes(bn);
	if (pad > n)
		n = pad;
	if (o->nattrs >= UTEE_OBJ_MAX_ATTRS)
		return TEE_ERROR_BAD_PARAMETERS;
	uint8_t *b = TEE_Malloc(n ? n : 1, TEE_MALLOC_NO_FILL);
	if (!b)
		return TEE_ERROR_OUT_OF_MEMORY;
	if (BN_bn2binpad(bn, b, (int)n) < 0) {
		TEE_Free(b);
		return TEE_ERROR_GENERIC;
	}
	struct utee_attr *a = &o->attrs[o->nattrs++];
	a->id = id;
	a->buf = b;
	a->len = n;
	return TEE_SUCCESS;
}

/* ---- EVP_PKEY construction from attributes -------------------------- */

static BIGNUM *attr_bn(const struct __TEE_ObjectHandle *o, uint32_t id)
{
	const struct utee_attr *a = utee_obj_attr(o, id);
	if (!a)
		return NULL;
	BIGNUM *bn = BN_secure_new();
	if (bn && !BN_bin2bn(a->buf, (int)a->len, bn)) {
		BN_free(bn);
		return NULL;
	}
	return bn;
}

static EVP_PKEY *fromdata(const char *alg, int selection, OSSL_PARAM_BLD *bld)
{
	EVP_PKEY *pk = NULL;
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, alg, NULL);
	if (params && ctx && EVP_PKEY_fromdata_init(ctx) == 1)
		if (EVP_PKEY_fromdata(ctx, &pk, selection, params) != 1)
			pk = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return pk;
}

static EVP_PKEY *rsa_pkey(const struct __TEE_ObjectHandle *o, int priv)
{
	static const struct {
		uint32_t id;
		const char *name;
	} map[] = {
	    {TEE_ATTR_RSA_MODULUS, OSSL_PKEY_PARAM_RSA_N},
	    {TEE_ATTR_RSA_PUBLIC_EXPONENT, OSSL_PKEY_PARAM_RSA_E},
	    {TEE_ATTR_RSA_PRIVATE_EXPONENT, OSSL_PKEY_PARAM_RSA_D},
	    {TEE_ATTR_RSA_PRIME1, OSSL_PKEY_PARAM_RSA_FACTOR1},
	    {TEE_ATTR_RSA_PRIME2, OSSL_PKEY_PARAM_RSA_FACTOR2},
	    {TEE_ATTR_RSA_EXPONENT1, OSSL_PKEY_PARAM_RSA_EXPONENT1},
	    {TEE_ATTR_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_EXPONENT2},
	    {TEE_ATTR_RSA_COEFFICIENT, OSSL_PKEY_PARAM_RSA_COEFFICIENT1},
	};
	BIGNUM *bn[8] = {0};
	EVP_PKEY *pk = NULL;
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	size_t n = priv ? 8 : 2;
	if (!bld)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		bn[i] = attr_bn(o, map[i].id);
		if (bn[i] && !OSSL_PARAM_BLD_push_BN(bld, map[i].name, bn[i]))
			goto out;
	}
	if (!bn[0] || !bn[1] || (priv && !bn[2]))
		goto out;
	pk = fromdata("RSA", priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, bld);
out:
	for (size_t i = 0; i < 8; i++)
		BN_clear_free(bn[i]);
	OSSL_PARAM_BLD_free(bld);
	return pk;
}

EVP_PKEY *utee_ec_pub_pkey(uint32_t curve, const uint8_t *x, size_t xl, const uint8_t *y,
			   size_t yl)
{
	uint32_t bits;
	const char *name = utee_ecc_curve_name(curve, &bits);
	size_t fl = (bits + 7) / 8;
	uint8_t pt[1 + 2 * 66];
	if (!name)
		return NULL;
	/* Leading zeros may be omitted in GP buffers: left-pad to field size. */
	while (xl > fl && !*x) {
		x++;
		xl--;
	}
	while (yl > fl && !*y) {
		y++;
		yl--;
	}
	if (xl > fl || yl > fl)
		return NULL;
	memset(pt, 0, sizeof(pt));
	pt[0] = 0x04;
	memcpy(pt + 1 + fl - xl, x, xl);
	memcpy(pt + 1 + 2 * fl - yl, y, yl);
	OSSL_PARAM params[] = {
	    OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)name, 0),
	    OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pt, 1 + 2 * fl),
	    OSSL_PARAM_END,
	};
	EVP_PKEY *pk = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (ctx && EVP_PKEY_fromdata_init(ctx) == 1)
		if (EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) != 1)
			pk = NULL;
	EVP_PKEY_CTX_free(ctx);
	return pk;
}

static EVP_PKEY *ec_pkey(const struct __TEE_ObjectHandle *o, int priv)
{
	const struct utee_attr *c = utee_obj_attr(o, TEE_ATTR_ECC_CURVE);
	const struct utee_attr *x = utee_obj_attr(o, TEE_ATTR_ECC_PUBLIC_VALUE_X);
	const struct utee_attr *y = utee_obj_attr(o, TEE_ATTR_ECC_PUBLIC_VALUE_Y);
	if (!c || !x || !y)
		return NULL;
	EVP_PKEY *pub = utee_ec_pub_pkey(c->a, x->buf, x->len, y->buf, y->len);
	if (!pub || !priv)
		return pub;
	/* Re-import with the private scalar, reusing the encoded point. */
	uint8_t pt[1 + 2 * 66];
	size_t ptl = 0;
	EVP_PKEY *pk = NULL;
	BIGNUM *d = attr_bn(o, TEE_ATTR_ECC_PRIVATE_VALUE);
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	const char *name = utee_ecc_curve_name(c->a, NULL);
	if (d && bld &&
	    EVP_PKEY_get_octet_string_param(pub, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt),
					    &ptl) == 1 &&
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, name, 0) &&
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt, ptl) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d))
		pk = fromdata("EC", EVP_PKEY_KEYPAIR, bld);
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(d);
	EVP_PKEY_free(pub);
	return pk;
}

EVP_PKEY *utee_raw_pkey(int nid, const uint8_t *pub, size_t len)
{
	return EVP_PKEY_new_raw_public_key(nid, NULL, pub, len);
}

static EVP_PKEY *raw_pkey(const struct __TEE_ObjectHandle *o, int nid, uint32_t pub_id,
			  uint32_t priv_id, int priv)
{
	if (priv) {
		const struct utee_attr *d = utee_obj_attr(o, priv_id);
		if (!d)
			return NULL;
		return EVP_PKEY_new_raw_private_key(nid, NULL, d->buf, d->len);
	}
	const struct utee_attr *p = utee_obj_attr(o, pub_id);
	return p ? EVP_PKEY_new_raw_public_key(nid, NULL, p->buf, p->len) : NULL;
}

static EVP_PKEY *dh_build(const struct __TEE_ObjectHandle *o, int priv)
{
	BIGNUM *p = attr_bn(o, TEE_ATTR_DH_PRIME), *g = attr_bn(o, TEE_ATTR_DH_BASE);
	BIGNUM *q = attr_bn(o, TEE_ATTR_DH_SUBPRIME);
	BIGNUM *pub = attr_bn(o, TEE_ATTR_DH_PUBLIC_VALUE);
	BIGNUM *x = priv ? attr_bn(o, TEE_ATTR_DH_PRIVATE_VALUE) : NULL;
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY *pk = NULL;
	if (!bld || !p || !g || !pub || (priv && !x))
		goto out;
	if (!OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, p) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, g) ||
	    (q && !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_Q, q)) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, pub) ||
	    (x && !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, x)))
		goto out;
	pk = fromdata("DH", priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, bld);
out:
	OSSL_PARAM_BLD_free(bld);
	BN_free(p);
	BN_free(g);
	BN_free(q);
	BN_free(pub);
	BN_clear_free(x);
	return pk;
}

EVP_PKEY *utee_dh_peer_pkey(const EVP_PKEY *ours, const uint8_t *pub, size_t len)
{
	BIGNUM *p = NULL, *g = NULL, *q = NULL, *y = BN_bin2bn(pub, (int)len, NULL);
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY *pk = NULL;
	/* The peer shares our domain parameters. */
	if (y && bld && EVP_PKEY_get_bn_param(ours, OSSL_PKEY_PARAM_FFC_P, &p) == 1 &&
	    EVP_PKEY_get_bn_param(ours, OSSL_PKEY_PARAM_FFC_G, &g) == 1) {
		EVP_PKEY_get_bn_param(ours, OSSL_PKEY_PARAM_FFC_Q, &q);
		if (OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, p) &&
		    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, g) &&
		    (!q || OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_Q, q)) &&
		    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, y))
			pk = fromdata("DH", EVP_PKEY_PUBLIC_KEY, bld);
	}
	OSSL_PARAM_BLD_free(bld);
	BN_free(p);
	BN_free(g);
	BN_free(q);
	BN_free(y);
	return pk;
}

static EVP_PKEY *build_pkey(const struct __TEE_ObjectHandle *o, uint8_t kc)
{
	switch (kc) {
	case UTEE_KC_RSA_PUB:
	case UTEE_KC_RSA_PAIR:
		return rsa_pkey(o, kc == UTEE_KC_RSA_PAIR);
	case UTEE_KC_ECC_PUB:
	case UTEE_KC_ECC_PAIR:
		return ec_pkey(o, kc == UTEE_KC_ECC_PAIR);
	case UTEE_KC_ED_PUB:
	case UTEE_KC_ED_PAIR:
		return raw_pkey(o, EVP_PKEY_ED25519, TEE_ATTR_ED25519_PUBLIC_VALUE,
				TEE_ATTR_ED25519_PRIVATE_VALUE, kc == UTEE_KC_ED_PAIR);
	case UTEE_KC_X_PUB:
	case UTEE_KC_X_PAIR:
		return raw_pkey(o, EVP_PKEY_X25519, TEE_ATTR_X25519_PUBLIC_VALUE,
				TEE_ATTR_X25519_PRIVATE_VALUE, kc == UTEE_KC_X_PAIR);
	case UTEE_KC_DH_PAIR:
		return dh_build(o, 1);
	default:
		return NULL;
	}
}

/* ---- Attribute schemas (GP Table 5-9 / 5-10) -------------------------- */

#define REQ 1
#define OPT 2

struct attr_rule {
	uint32_t id;
	uint8_t need;
};

static const struct attr_rule secret_rules[] = {{TEE_ATTR_SECRET_VALUE, REQ}, {0, 0}};
static const struct attr_rule ikm_rules[] = {{TEE_ATTR_HKDF_IKM, REQ}, {0, 0}};

/* The one attribute of a secret-key type (OP-TEE's HKDF IKM has its own). */
static uint32_t secret_id(uint32_t type)
{
	return type == TEE_TYPE_HKDF_IKM ? TEE_ATTR_HKDF_IKM : TEE_ATTR_SECRET_VALUE;
}
static const struct attr_rule rsa_pub_rules[] = {
    {TEE_ATTR_RSA_MODULUS, REQ}, {TEE_ATTR_RSA_PUBLIC_EXPONENT, REQ}, {0, 0}};
static const struct attr_rule rsa_pair_rules[] = {{TEE_ATTR_RSA_MODULUS, REQ},
						  {TEE_ATTR_RSA_PUBLIC_EXPONENT, REQ},
						  {TEE_ATTR_RSA_PRIVATE_EXPONENT, REQ},
						  {TEE_ATTR_RSA_PRIME1, OPT},
						  {TEE_ATTR_RSA_PRIME2, OPT},
						  {TEE_ATTR_RSA_EXPONENT1, OPT},
						  {TEE_ATTR_RSA_EXPONENT2, OPT},
						  {TEE_ATTR_RSA_COEFFICIENT, OPT},
						  {0, 0}};
static const struct attr_rule ecc_pub_rules[] = {{TEE_ATTR_ECC_PUBLIC_VALUE_X, REQ},
						 {TEE_ATTR_ECC_PUBLIC_VALUE_Y, REQ},
						 {TEE_ATTR_ECC_CURVE, REQ},
						 {0, 0}};
static const struct attr_rule ecc_pair_rules[] = {{TEE_ATTR_ECC_PUBLIC_VALUE_X, REQ},
						  {TEE_ATTR_ECC_PUBLIC_VALUE_Y, REQ},
						  {TEE_ATTR_ECC_CURVE, REQ},
						  {TEE_ATTR_ECC_PRIVATE_VALUE, REQ},
						  {0, 0}};
static const struct attr_rule ed_pub_rules[] = {{TEE_ATTR_ED25519_PUBLIC_VALUE, REQ},
						{0, 0}};
static const struct attr_rule ed_pair_rules[] = {
    {TEE_ATTR_ED25519_PUBLIC_VALUE, REQ}, {TEE_ATTR_ED25519_PRIVATE_VALUE, REQ}, {0, 0}};
static const struct attr_rule x_pub_rules[] = {{TEE_ATTR_X25519_PUBLIC_VALUE, REQ},
					       {0, 0}};
static const struct attr_rule x_pair_rules[] = {
    {TEE_ATTR_X25519_PUBLIC_VALUE, REQ}, {TEE_ATTR_X25519_PRIVATE_VALUE, REQ}, {0, 0}};
static const struct attr_rule dh_rules[] = {{TEE_ATTR_DH_PRIME, REQ},
					    {TEE_ATTR_DH_BASE, REQ},
					    {TEE_ATTR_DH_PUBLIC_VALUE, REQ},
					    {TEE_ATTR_DH_PRIVATE_VALUE, REQ},
					    {TEE_ATTR_DH_SUBPRIME, OPT},
					    {TEE_ATTR_DH_X_BITS, OPT},
					    {0, 0}};

static const struct attr_rule *rules_for(uint8_t kc)
{
	switch (kc) {
	case UTEE_KC_SECRET:
		return secret_rules;
	case UTEE_KC_RSA_PUB:
		return rsa_pub_rules;
	case UTEE_KC_RSA_PAIR:
		return rsa_pair_rules;
	case UTEE_KC_ECC_PUB:
		return ecc_pub_rules;
	case UTEE_KC_ECC_PAIR:
		return ecc_pair_rules;
	case UTEE_KC_ED_PUB:
		return ed_pub_rules;
	case UTEE_KC_ED_PAIR:
		return ed_pair_rules;
	case UTEE_KC_X_PUB:
		return x_pub_rules;
	case UTEE_KC_X_PAIR:
		return x_pair_rules;
	default:
		return dh_rules;
	}
}

static size_t bits_of(const uint8_t *b, size_t len)
{
	while (len && !*b) {
		b++;
		len--;
	}
	if (!len)
		return 0;
	size_t bits = (len - 1) * 8;
	for (uint8_t v = *b; v; v >>= 1)
		bits++;
	return bits;
}

/*
 * Check the populated attributes, compute objectSize and build the EVP_PKEY.
 * Returns TEE_ERROR_BAD_PARAMETERS for inconsistent values (GP: the object
 * then stays uninitialized).
 */
static TEE_Result finish_key(struct __TEE_ObjectHandle *o, const struct utee_type_prop *p)
{
	uint32_t size = 0;
	const struct utee_attr *a;
	switch (p->kc) {
	case UTEE_KC_SECRET:
		a = utee_obj_attr(o, secret_id(o->info.objectType));
		if (a->len > UINT32_MAX / 8)
			return TEE_ERROR_BAD_PARAMETERS;
		size = (uint32_t)a->len * 8;
		if (!utee_key_size_ok(p, size))
			return TEE_ERROR_BAD_PARAMETERS;
		break;
	case UTEE_KC_RSA_PUB:
	case UTEE_KC_RSA_PAIR:
		a = utee_obj_attr(o, TEE_ATTR_RSA_MODULUS);
		size = (uint32_t)bits_of(a->buf, a->len);
		if (size < p->min || size > p->max)
			return TEE_ERROR_BAD_PARAMETERS;
		if (p->kc == UTEE_KC_RSA_PAIR) {
			/* CRT parameters: all five or none (GP). */
			int n = 0;
			for (uint32_t id = TEE_ATTR_RSA_PRIME1;
			     id <= TEE_ATTR_RSA_COEFFICIENT; id += 0x100)
				n += utee_obj_attr(o, id) != NULL;
			if (n != 0 && n != 5)
				return TEE_ERROR_BAD_PARAMETERS;
		}
		break;
	case UTEE_KC_ECC_PUB:
	case UTEE_KC_ECC_PAIR:
		a = utee_obj_attr(o, TEE_ATTR_ECC_CURVE);
		if (!utee_ecc_curve_name(a->a, &size))
			return TEE_ERROR_NOT_SUPPORTED;
		break;
	case UTEE_KC_ED_PUB:
	case UTEE_KC_ED_PAIR:
	case UTEE_KC_X_PUB:
	case UTEE_KC_X_PAIR:
		size = 256;
		for (uint32_t i = 0; i < o->nattrs; i++)
			if (o->attrs[i].len != 32)
				return TEE_ERROR_BAD_PARAMETERS;
		break;
	case UTEE_KC_DH_PAIR:
		a = utee_obj_attr(o, TEE_ATTR_DH_PRIME);
		size = (uint32_t)bits_of(a->buf, a->len);
		if (size < p->min || size > p->max)
			return TEE_ERROR_BAD_PARAMETERS;
		break;
	}
	if (size > o->info.maxObjectSize)
		return TEE_ERROR_BAD_PARAMETERS;
	if (p->kc != UTEE_KC_SECRET) {
		o->pkey = build_pkey(o, p->kc);
		if (!o->pkey)
			return TEE_ERROR_BAD_PARAMETERS;
	}
	o->info.objectSize = size;
	o->info.handleFlags |= TEE_HANDLE_FLAG_INITIALIZED;
	return TEE_SUCCESS;
}

/* ---- Generic object functions (5.5) ---------------------------------- */

TEE_Result TEE_GetObjectInfo1(TEE_ObjectHandle object, TEE_ObjectInfo *objectInfo)
{
	struct __TEE_ObjectHandle *o = utee_obj_get(object);
	if (!objectInfo)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	*objectInfo = o->info;
	return TEE_SUCCESS;
}

void TEE_GetObjectInfo(TEE_ObjectHandle object, TEE_ObjectInfo *objectInfo)
{
	TEE_GetObjectInfo1(object, objectInfo);
}

TEE_Result TEE_RestrictObjectUsage1(TEE_ObjectHandle object, uint32_t objectUsage)
{
	struct __TEE_ObjectHandle *o = utee_obj_get(object);
	/* Persistent objects keep the restriction in storage (storage chapter). */
	if ((o->info.handleFlags & TEE_HANDLE_FLAG_PERSISTENT) && utee_pobj_restrict)
		return utee_pobj_restrict(o, objectUsage);
	o->info.objectUsage &= objectUsage;
	return TEE_SUCCESS;
}

void TEE_RestrictObjectUsage(TEE_ObjectHandle object, uint32_t objectUsage)
{
	TEE_RestrictObjectUsage1(object, objectUsage);
}

/* GP: protected attributes leave the object only if it is extractable. */
static const struct utee_attr *readable_attr(struct __TEE_ObjectHandle *o, uint32_t id)
{
	if (!(o->info.handleFlags & TEE_HANDLE_FLAG_INITIALIZED))
		TEE_Panic(TEE_ERROR_BAD_STATE);
	if (!(id & TEE_ATTR_FLAG_PUBLIC) &&
	    !(o->info.objectUsage & TEE_USAGE_EXTRACTABLE))
		TEE_Panic(TEE_ERROR_ACCESS_DENIED);
	return utee_obj_attr(o, id);
}

TEE_Result TEE_GetObjectBufferAttribute(TEE_ObjectHandle object, uint32_t attributeID,
					void *buffer, size_t *size)
{
	struct __TEE_ObjectHandle *o = utee_obj_get(object);
	if (attributeID & TEE_ATTR_FLAG_VALUE || !size)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	const struct utee_attr *a = readable_attr(o, attributeID);
	if (!a)
		return TEE_ERROR_ITEM_NOT_FOUND;
	if (!buffer || *size < a->len) {
		*size = a->len;
		return TEE_ERROR_SHORT_BUFFER;
	}
	memcpy(buffer, a->buf, a->len);
	*size = a->len;
	return TEE_SUCCESS;
}

TEE_Result TEE_GetObjectValueAttribute(TEE_ObjectHandle object, uint32_t attributeID,
				       uint32_t *a, uint32_t *b)
{
	struct __TEE_ObjectHandle *o = utee_obj_get(object);
	if (!(attributeID & TEE_ATTR_FLAG_VALUE))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	const struct utee_attr *at = readable_attr(o, attributeID);
	if (!at)
		return TEE_ERROR_ITEM_NOT_FOUND;
	if (a)
		*a = at->a;
	if (b)
		*b = at->b;
	return TEE_SUCCESS;
}

static void obj_free(struct __TEE_ObjectHandle *o)
{
	for (struct __TEE_ObjectHandle **pp = &live_objs; *pp; pp = &(*pp)->next) {
		if (*pp == o) {
			*pp = o->next;
			break;
		}
	}
	wipe_attrs(o);
	o->magic = 0;
	TEE_Free(o);
}

/* ---- For the storage chapter (tee_api_storage.c) ---------------------- */

struct __TEE_ObjectHandle *utee_obj_alloc(void)
{
	struct __TEE_ObjectHandle *o = TEE_Malloc(sizeof(*o), TEE_MALLOC_FILL_ZERO);
	if (!o)
		return NULL;
	o->magic = OBJ_MAGIC;
	o->next = live_objs;
	live_objs = o;
	return o;
}

void utee_obj_release(struct __TEE_ObjectHandle *o)
{
	obj_free(o);
}

TEE_Result utee_obj_restore_attr(struct __TEE_ObjectHandle *o, uint32_t id, uint32_t a,
				 uint32_t b, const void *buf, size_t len)
{
	return id & TEE_ATTR_FLAG_VALUE ? add_val(o, id, a, b) : add_buf(o, id, buf, len);
}

/* Stored attributes were checked when the key was made: only the
 * EVP_PKEY of asymmetric types needs rebuilding. */
TEE_Result utee_obj_restore_done(struct __TEE_ObjectHandle *o)
{
	const struct utee_type_prop *p = utee_type_prop(o->info.objectType);
	if (p && p->kc != UTEE_KC_SECRET && o->nattrs) {
		o->pkey = build_pkey(o, p->kc);
		if (!o->pkey)
			return TEE_ERROR_CORRUPT_OBJECT;
	}
	return TEE_SUCCESS;
}

void TEE_CloseObject(TEE_ObjectHandle object)
{
	if (object == TEE_HANDLE_NULL)
		return;
	struct __TEE_ObjectHandle *o = utee_obj_get(object);
	if (o->info.handleFlags & TEE_HANDLE_FLAG_PERSISTENT) {
		if (!utee_pobj_close)
			TEE_Panic(TEE_ERROR_BAD_STATE);
		utee_pobj_close(o);
		return;
	}
	obj_free(o);
}

/* ---- Transient object functions (5.6) -------------------------------- */

TEE_Result TEE_AllocateTransientObject(TEE_ObjectType objectType, uint32_t maxObjectSize,
				       TEE_ObjectHandle *object)
{
	if (!object)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	*object = TEE_HANDLE_NULL;
	const struct utee_type_prop *p = utee_type_prop(objectType);
	if (!p)
		return TEE_ERROR_NOT_SUPPORTED;
	/* DES/DES3 sizes may also be given without the parity bits. */
	if (objectType == TEE_TYPE_DES && maxObjectSize == 56)
		maxObjectSize = 64;
	if (objectType == TEE_TYPE_DES3 && (maxObjectSize == 112 || maxObjectSize == 168))
		maxObjectSize = maxObjectSize / 7 * 8;
	/* ECC: the size is that of one of the supported curves. */
	if ((p->kc == UTEE_KC_ECC_PUB || p->kc == UTEE_KC_ECC_PAIR) &&
	    !curve_for_bits(maxObjectSize))
		return TEE_ERROR_NOT_SUPPORTED;
	if (!utee_key_size_ok(p, maxObjectSize))
		return TEE_ERROR_NOT_SUPPORTED;
	struct __TEE_ObjectHandle *o = TEE_Malloc(sizeof(*o), TEE_MALLOC_FILL_ZERO);
	if (!o)
		return TEE_ERROR_OUT_OF_MEMORY;
	o->magic = OBJ_MAGIC;
	o->info.objectType = objectType;
	o->info.maxObjectSize = maxObjectSize;
	o->info.objectUsage = ALL_USAGE;
	o->next = live_objs;
	live_objs = o;
	*object = o;
	return TEE_SUCCESS;
}

void TEE_FreeTransientObject(TEE_ObjectHandle object)
{
	if (object == TEE_HANDLE_NULL)
		return;
	struct __TEE_ObjectHandle *o = utee_obj_get(object);
	if (o->info.handleFlags & TEE_HANDLE_FLAG_PERSISTENT)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	obj_free(o);
}

void TEE_ResetTransientObject(TEE_ObjectHandle object)
{
	if (object == TEE_HANDLE_NULL)
		return;
	struct __TEE_ObjectHandle *o = utee_obj_get(object);
	if (o->info.handleFlags & TEE_HANDLE_FLAG_PERSISTENT)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	wipe_attrs(o);
	o->info.objectSize = 0;
	o->info.objectUsage = ALL_USAGE;
	o->info.handleFlags &= ~(uint32_t)TEE_HANDLE_FLAG_INITIALIZED;
}

static struct __TEE_ObjectHandle *fresh_transient(TEE_ObjectHandle h)
{
	struct __TEE_ObjectHandle *o = utee_obj_get(h);
	if (o->info.handleFlags &
	    (TEE_HANDLE_FLAG_PERSISTENT | TEE_HANDLE_FLAG_INITIALIZED))
		TEE_Panic(TEE_ERROR_BAD_STATE);
	return o;
}

TEE_Result TEE_PopulateTransientObject(TEE_ObjectHandle object,
				       const TEE_Attribute *attrs, uint32_t attrCount)
{
	struct __TEE_ObjectHandle *o = fresh_transient(object);
	const struct utee_type_prop *p = utee_type_prop(o->info.objectType);
	const struct attr_rule *rules =
	    o->info.objectType == TEE_TYPE_HKDF_IKM ? ikm_rules : rules_for(p->kc);
	if (attrCount && !attrs)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	/* Every attribute must belong to the type, each at most once. */
	for (uint32_t i = 0; i < attrCount; i++) {
		const struct attr_rule *r = rules;
		while (r->id && r->id != attrs[i].attributeID)
			r++;
		if (!r->id)
			TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
		for (uint32_t j = 0; j < i; j++)
			if (attrs[j].attributeID == attrs[i].attributeID)
				TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	}
	for (const struct attr_rule *r = rules; r->id; r++) {
		if (r->need != REQ)
			continue;
		uint32_t i = 0;
		while (i < attrCount && attrs[i].attributeID != r->id)
			i++;
		if (i == attrCount)
			TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	}
	TEE_Result res = TEE_SUCCESS;
	for (uint32_t i = 0; i < attrCount && res == TEE_SUCCESS; i++) {
		const TEE_Attribute *a = &attrs[i];
		if (a->attributeID & TEE_ATTR_FLAG_VALUE) {
			res = add_val(o, a->attributeID, a->content.value.a,
				      a->content.value.b);
		} else {
			if (!a->content.ref.buffer && a->content.ref.length)
				TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
			res = add_buf(o, a->attributeID, a->content.ref.buffer,
				      a->content.ref.length);
		}
	}
	if (res == TEE_SUCCESS)
		res = finish_key(o, p);
	if (res != TEE_SUCCESS) {
		wipe_attrs(o);
		if (res == TEE_ERROR_OUT_OF_MEMORY)
			TEE_Panic(res);
		/* GP allows only BAD_PARAMETERS here besides success. */
		return TEE_ERROR_BAD_PARAMETERS;
	}
	return TEE_SUCCESS;
}

void TEE_InitRefAttribute(TEE_Attribute *attr, uint32_t attributeID, const void *buffer,
			  size_t length)
{
	if (!attr || (attributeID & TEE_ATTR_FLAG_VALUE))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	attr->attributeID = attributeID;
	attr->content.ref.buffer = (void *)buffer;
	attr->content.ref.length = length;
}

void TEE_InitValueAttribute(TEE_Attribute *attr, uint32_t attributeID, uint32_t a,
			    uint32_t b)
{
	if (!attr || !(attributeID & TEE_ATTR_FLAG_VALUE))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	attr->attributeID = attributeID;
	attr->content.value.a = a;
	attr->content.value.b = b;
}

/* The public-key type matching a keypair type (0xA1...... -> 0xA0......). */
static uint32_t public_of(uint32_t keypair_type)
{
	return keypair_type & ~(uint32_t)0x01000000;
}

TEE_Result TEE_CopyObjectAttributes1(TEE_ObjectHandle destObject,
				     TEE_ObjectHandle srcObject)
{
	struct __TEE_ObjectHandle *d = fresh_transient(destObject);
	struct __TEE_ObjectHandle *s = utee_obj_get(srcObject);
	if (!(s->info.handleFlags & TEE_HANDLE_FLAG_INITIALIZED))
		TEE_Panic(TEE_ERROR_BAD_STATE);
	int only_public = 0;
	if (d->info.objectType != s->info.objectType) {
		if ((s->info.objectType & 0x01000000) == 0 ||
		    public_of(s->info.objectType) != d->info.objectType ||
		    s->info.objectType == TEE_TYPE_DH_KEYPAIR)
			TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
		only_public = 1;
	}
	if (s->info.objectSize > d->info.maxObjectSize)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	TEE_Result res = TEE_SUCCESS;
	for (uint32_t i = 0; i < s->nattrs && res == TEE_SUCCESS; i++) {
		const struct utee_attr *a = &s->attrs[i];
		if (only_public && !(a->id & TEE_ATTR_FLAG_PUBLIC))
			continue;
		if (a->id & TEE_ATTR_FLAG_VALUE)
			res = add_val(d, a->id, a->a, a->b);
		else
			res = add_buf(d, a->id, a->buf, a->len);
	}
	if (res == TEE_SUCCESS && s->pkey) {
		if (only_public) {
			d->pkey = build_pkey(d, utee_type_prop(d->info.objectType)->kc);
			if (!d->pkey)
				res = TEE_ERROR_GENERIC;
		} else if (EVP_PKEY_up_ref(s->pkey)) {
			/* An EVP_PKEY is immutable once built: share it. */
			d->pkey = s->pkey;
		} else {
			res = TEE_ERROR_GENERIC;
		}
	}
	if (res != TEE_SUCCESS) {
		wipe_attrs(d);
		TEE_Panic(res);
	}
	d->info.objectSize = s->info.objectSize;
	d->info.objectUsage &= s->info.objectUsage;
	d->info.handleFlags |= TEE_HANDLE_FLAG_INITIALIZED;
	return TEE_SUCCESS;
}

void TEE_CopyObjectAttributes(TEE_ObjectHandle destObject, TEE_ObjectHandle srcObject)
{
	TEE_CopyObjectAttributes1(destObject, srcObject);
}

TEE_Result utee_obj_set_secret(struct __TEE_ObjectHandle *o, const uint8_t *key,
			       size_t len)
{
	const struct utee_type_prop *p = utee_type_prop(o->info.objectType);
	if (!p || p->kc != UTEE_KC_SECRET)
		return TEE_ERROR_BAD_PARAMETERS;
	TEE_Result res = add_buf(o, secret_id(o->info.objectType), key, len);
	if (res == TEE_SUCCESS)
		res = finish_key(o, p);
	if (res != TEE_SUCCESS)
		wipe_attrs(o);
	return res;
}

/* ---- Key generation ---------------------------------------------------- */

static const TEE_Attribute *find_param(const TEE_Attribute *params, uint32_t n,
				       uint32_t id)
{
	for (uint32_t i = 0; i < n; i++)
		if (params[i].attributeID == id)
			return &params[i];
	return NULL;
}

/* Copy BIGNUM parameters of a generated key into GP attributes. */
static TEE_Result export_bns(struct __TEE_ObjectHandle *o, EVP_PKEY *pk,
			     const uint32_t *ids, const char *const *names, size_t n,
			     size_t pad)
{
	TEE_Result res = TEE_SUCCESS;
	for (size_t i = 0; i < n && res == TEE_SUCCESS; i++) {
		BIGNUM *bn = NULL;
		if (EVP_PKEY_get_bn_param(pk, names[i], &bn) != 1) {
			res = TEE_ERROR_GENERIC;
			break;
		}
		res = add_bn(o, ids[i], bn, pad);
		BN_clear_free(bn);
	}
	return res;
}

static EVP_PKEY *keygen(EVP_PKEY_CTX *ctx)
{
	EVP_PKEY *pk = NULL;
	if (EVP_PKEY_generate(ctx, &pk) != 1)
		pk = NULL;
	return pk;
}

static TEE_Result gen_rsa(struct __TEE_ObjectHandle *o, uint32_t bits,
			  const TEE_Attribute *params, uint32_t n)
{
	static const uint32_t ids[] = {
	    TEE_ATTR_RSA_MODULUS,	   TEE_ATTR_RSA_PUBLIC_EXPONENT,
	    TEE_ATTR_RSA_PRIVATE_EXPONENT, TEE_ATTR_RSA_PRIME1,
	    TEE_ATTR_RSA_PRIME2,	   TEE_ATTR_RSA_EXPONENT1,
	    TEE_ATTR_RSA_EXPONENT2,	   TEE_ATTR_RSA_COEFFICIENT};
	static const char *const names[] = {
	    OSSL_PKEY_PARAM_RSA_N,	   OSSL_PKEY_PARAM_RSA_E,
	    OSSL_PKEY_PARAM_RSA_D,	   OSSL_PKEY_PARAM_RSA_FACTOR1,
	    OSSL_PKEY_PARAM_RSA_FACTOR2,   OSSL_PKEY_PARAM_RSA_EXPONENT1,
	    OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1};
	const TEE_Attribute *e = find_param(params, n, TEE_ATTR_RSA_PUBLIC_EXPONENT);
	BIGNUM *ebn = NULL;
	TEE_Result res = TEE_ERROR_GENERIC;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	if (e) {
		ebn = BN_bin2bn(e->content.ref.buffer, (int)e->content.ref.length, NULL);
		/* The public exponent must be odd and greater than 1. */
		if (!ebn || !BN_is_odd(ebn) || BN_is_one(ebn)) {
			res = TEE_ERROR_BAD_PARAMETERS;
			goto out;
		}
	}
	if (!ctx || EVP_PKEY_keygen_init(ctx) != 1 ||
	    EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, (int)bits) != 1 ||
	    (ebn && EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx, ebn) != 1))
		goto out;
	o->pkey = keygen(ctx);
	if (o->pkey)
		res = export_bns(o, o->pkey, ids, names, 8, 0);
out:
	BN_free(ebn);
	EVP_PKEY_CTX_free(ctx);
	return res;
}

static TEE_Result gen_ec(struct __TEE_ObjectHandle *o, uint32_t bits,
			 const TEE_Attribute *params, uint32_t n)
{
	static const uint32_t ids[] = {TEE_ATTR_ECC_PUBLIC_VALUE_X,
				       TEE_ATTR_ECC_PUBLIC_VALUE_Y,
				       TEE_ATTR_ECC_PRIVATE_VALUE};
	static const char *const names[] = {
	    OSSL_PKEY_PARAM_EC_PUB_X, OSSL_PKEY_PARAM_EC_PUB_Y, OSSL_PKEY_PARAM_PRIV_KEY};
	const TEE_Attribute *c = find_param(params, n, TEE_ATTR_ECC_CURVE);
	uint32_t curve = c ? c->content.value.a : curve_for_bits(bits), cbits = 0;
	const char *name = utee_ecc_curve_name(curve, &cbits);
	if (!name || cbits != bits)
		return TEE_ERROR_BAD_PARAMETERS;
	TEE_Result res = TEE_ERROR_GENERIC;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	OSSL_PARAM p[] = {
	    OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)name, 0),
	    OSSL_PARAM_END,
	};
	if (ctx && EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_CTX_set_params(ctx, p) == 1)
		o->pkey = keygen(ctx);
	if (o->pkey) {
		res = export_bns(o, o->pkey, ids, names, 3, (bits + 7) / 8);
		if (res == TEE_SUCCESS)
			res = add_val(o, TEE_ATTR_ECC_CURVE, curve, 0);
	}
	EVP_PKEY_CTX_free(ctx);
	return res;
}

static TEE_Result gen_raw(struct __TEE_ObjectHandle *o, const char *alg, uint32_t pub_id,
			  uint32_t priv_id)
{
	uint8_t k[32];
	size_t kl = sizeof(k);
	o->pkey = EVP_PKEY_Q_keygen(NULL, NULL, alg);
	if (!o->pkey)
		return TEE_ERROR_GENERIC;
	TEE_Result res = TEE_ERROR_GENERIC;
	if (EVP_PKEY_get_raw_public_key(o->pkey, k, &kl) == 1 && kl == 32) {
		res = add_buf(o, pub_id, k, kl);
		if (res == TEE_SUCCESS) {
			res = TEE_ERROR_GENERIC;
			if (EVP_PKEY_get_raw_private_key(o->pkey, k, &kl) == 1 &&
			    kl == 32)
				res = add_buf(o, priv_id, k, kl);
		}
	}
	OPENSSL_cleanse(k, sizeof(k));
	return res;
}

static TEE_Result gen_dh(struct __TEE_ObjectHandle *o, uint32_t bits,
			 const TEE_Attribute *params, uint32_t n)
{
	static const uint32_t pid[] = {TEE_ATTR_DH_PRIME, TEE_ATTR_DH_BASE,
				       TEE_ATTR_DH_SUBPRIME};
	for (int i = 0; i < 3; i++) {
		const TEE_Attribute *a = find_param(params, n, pid[i]);
		if (!a) {
			if (i < 2)
				TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
			continue;
		}
		TEE_Result r =
		    add_buf(o, pid[i], a->content.ref.buffer, a->content.ref.length);
		if (r != TEE_SUCCESS)
			return r;
	}
	const struct utee_attr *pa = utee_obj_attr(o, TEE_ATTR_DH_PRIME);
	if (bits_of(pa->buf, pa->len) != bits)
		return TEE_ERROR_BAD_PARAMETERS;
	const TEE_Attribute *xb = find_param(params, n, TEE_ATTR_DH_X_BITS);
	BIGNUM *p = attr_bn(o, TEE_ATTR_DH_PRIME), *g = attr_bn(o, TEE_ATTR_DH_BASE);
	BIGNUM *q = attr_bn(o, TEE_ATTR_DH_SUBPRIME);
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY *dom = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	TEE_Result res = TEE_ERROR_GENERIC;
	if (bld && p && g && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, p) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, g) &&
	    (!q || OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_Q, q)))
		dom = fromdata("DH", EVP_PKEY_KEY_PARAMETERS, bld);
	if (dom)
		ctx = EVP_PKEY_CTX_new_from_pkey(NULL, dom, NULL);
	if (ctx && EVP_PKEY_keygen_init(ctx) == 1) {
		int plen = xb ? (int)xb->content.value.a : 0;
		OSSL_PARAM kp[] = {
		    OSSL_PARAM_int(OSSL_PKEY_PARAM_DH_PRIV_LEN, &plen),
		    OSSL_PARAM_END,
		};
		if (!plen || EVP_PKEY_CTX_set_params(ctx, kp) == 1)
			o->pkey = keygen(ctx);
	}
	if (o->pkey) {
		static const uint32_t ids[] = {TEE_ATTR_DH_PUBLIC_VALUE,
					       TEE_ATTR_DH_PRIVATE_VALUE};
		static const char *const names[] = {OSSL_PKEY_PARAM_PUB_KEY,
						    OSSL_PKEY_PARAM_PRIV_KEY};
		res = export_bns(o, o->pkey, ids, names, 2, 0);
		if (res == TEE_SUCCESS && xb)
			res = add_val(o, TEE_ATTR_DH_X_BITS, xb->content.value.a, 0);
	}
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(dom);
	OSSL_PARAM_BLD_free(bld);
	BN_free(p);
	BN_free(g);
	BN_free(q);
	return res;
}

TEE_Result TEE_GenerateKey(TEE_ObjectHandle object, uint32_t keySize,
			   const TEE_Attribute *params, uint32_t paramCount)
{
	struct __TEE_ObjectHandle *o = fresh_transient(object);
	const struct utee_type_prop *p = utee_type_prop(o->info.objectType);
	if (paramCount && !params)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if (o->info.objectType == TEE_TYPE_DES && keySize == 56)
		keySize = 64;
	if (o->info.objectType == TEE_TYPE_DES3 && (keySize == 112 || keySize == 168))
		keySize = keySize / 7 * 8;
	/* GP: an unsupported or too large size is a panic reason. */
	if (!utee_key_size_ok(p, keySize) || keySize > o->info.maxObjectSize)
		TEE_Panic(TEE_ERROR_NOT_SUPPORTED);
	TEE_Result res;
	switch (p->kc) {
	case UTEE_KC_SECRET: {
		uint8_t k[512];
		TEE_GenerateRandom(k, keySize / 8);
		res = add_buf(o, secret_id(o->info.objectType), k, keySize / 8);
		OPENSSL_cleanse(k, sizeof(k));
		break;
	}
	case UTEE_KC_RSA_PAIR:
		res = gen_rsa(o, keySize, params, paramCount);
		break;
	case UTEE_KC_ECC_PAIR:
		res = gen_ec(o, keySize, params, paramCount);
		break;
	case UTEE_KC_ED_PAIR:
		res = gen_raw(o, "ED25519", TEE_ATTR_ED25519_PUBLIC_VALUE,
			      TEE_ATTR_ED25519_PRIVATE_VALUE);
		break;
	case UTEE_KC_X_PAIR:
		res = gen_raw(o, "X25519", TEE_ATTR_X25519_PUBLIC_VALUE,
			      TEE_ATTR_X25519_PRIVATE_VALUE);
		break;
	case UTEE_KC_DH_PAIR:
		res = gen_dh(o, keySize, params, paramCount);
		break;
	default:
		/* Public-key types cannot be generated. */
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	}
	if (res != TEE_SUCCESS) {
		wipe_attrs(o);
		if (res != TEE_ERROR_BAD_PARAMETERS)
			TEE_Panic(res);
		return res;
	}
	o->info.objectSize = keySize;
	o->info.handleFlags |= TEE_HANDLE_FLAG_INITIALIZED;
	return TEE_SUCCESS;
}

/* ---- GP 1.1 compatibility (uint32_t lengths), see tee_api_compat.h ---- */

static uint32_t gp11_len(size_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static void gp11_info(const TEE_ObjectInfo *in, __GP11_TEE_ObjectInfo *out)
{
	out->objectType = in->objectType;
	out->keySize = in->objectSize;
	out->maxKeySize = in->maxObjectSize;
	out->objectUsage = in->objectUsage;
	out->dataSize = gp11_len(in->dataSize);
	out->dataPosition = gp11_len(in->dataPosition);
	out->handleFlags = in->handleFlags;
}

/*
 * 1.1 attributes carry uint32_t lengths; convert them into a temporary 1.3
 * array (on the stack for the usual handful, else on the TA heap).
 */
TEE_Attribute *__et_gp11_attrs(const __GP11_TEE_Attribute *in, uint32_t n,
			       TEE_Attribute *stackbuf, uint32_t stackn)
{
	TEE_Attribute *out = stackbuf;
	if (n > stackn) {
		out = TEE_Malloc(sizeof(*out) * n, TEE_MALLOC_NO_FILL);
		if (!out)
			TEE_Panic(TEE_ERROR_OUT_OF_MEMORY);
	}
	for (uint32_t i = 0; i < n; i++) {
		out[i].attributeID = in[i].attributeID;
		if (in[i].attributeID & TEE_ATTR_FLAG_VALUE) {
			out[i].content.value.a = in[i].content.value.a;
			out[i].content.value.b = in[i].content.value.b;
		} else {
			out[i].content.ref.buffer = in[i].content.ref.buffer;
			out[i].content.ref.length = in[i].content.ref.length;
		}
	}
	return out;
}

void __et_gp11_attrs_free(TEE_Attribute *a, TEE_Attribute *stackbuf)
{
	if (a != stackbuf)
		TEE_Free(a);
}

void __GP11_TEE_GetObjectInfo(TEE_ObjectHandle object, __GP11_TEE_ObjectInfo *objectInfo)
{
	TEE_ObjectInfo i;
	TEE_GetObjectInfo(object, &i);
	gp11_info(&i, objectInfo);
}

TEE_Result __GP11_TEE_GetObjectInfo1(TEE_ObjectHandle object,
				     __GP11_TEE_ObjectInfo *objectInfo)
{
	TEE_ObjectInfo i;
	TEE_Result r = TEE_GetObjectInfo1(object, &i);
	if (r == TEE_SUCCESS)
		gp11_info(&i, objectInfo);
	return r;
}

TEE_Result __GP11_TEE_GetObjectBufferAttribute(TEE_ObjectHandle object,
					       uint32_t attributeID, void *buffer,
					       uint32_t *size)
{
	size_t l = size ? *size : 0;
	TEE_Result r =
	    TEE_GetObjectBufferAttribute(object, attributeID, buffer, size ? &l : NULL);
	if (size)
		*size = gp11_len(l);
	return r;
}

TEE_Result __GP11_TEE_AllocateTransientObject(TEE_ObjectType objectType,
					      uint32_t maxKeySize,
					      TEE_ObjectHandle *object)
{
	return TEE_AllocateTransientObject(objectType, maxKeySize, object);
}

TEE_Result __GP11_TEE_PopulateTransientObject(TEE_ObjectHandle object,
					      const __GP11_TEE_Attribute *attrs,
					      uint32_t attrCount)
{
	TEE_Attribute sb[8];
	TEE_Attribute *a = __et_gp11_attrs(attrs, attrCount, sb, 8);
	TEE_Result r = TEE_PopulateTransientObject(object, a, attrCount);
	__et_gp11_attrs_free(a, sb);
	return r;
}

void __GP11_TEE_InitRefAttribute(__GP11_TEE_Attribute *attr, uint32_t attributeID,
				 const void *buffer, uint32_t length)
{
	TEE_Attribute a;
	TEE_InitRefAttribute(&a, attributeID, buffer, length);
	attr->attributeID = a.attributeID;
	attr->content.ref.buffer = a.content.ref.buffer;
	attr->content.ref.length = length;
}

void __GP11_TEE_InitValueAttribute(__GP11_TEE_Attribute *attr, uint32_t attributeID,
				   uint32_t a, uint32_t b)
{
	TEE_Attribute t;
	TEE_InitValueAttribute(&t, attributeID, a, b);
	attr->attributeID = t.attributeID;
	attr->content.value.a = a;
	attr->content.value.b = b;
}

TEE_Result __GP11_TEE_GenerateKey(TEE_ObjectHandle object, uint32_t keySize,
				  const __GP11_TEE_Attribute *params, uint32_t paramCount)
{
	TEE_Attribute sb[8];
	TEE_Attribute *a = __et_gp11_attrs(params, paramCount, sb, 8);
	TEE_Result r = TEE_GenerateKey(object, keySize, a, paramCount);
	__et_gp11_attrs_free(a, sb);
	return r;
}
