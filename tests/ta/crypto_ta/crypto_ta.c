/*
 * crypto_ta: a small generic driver for the GP Cryptographic Operations API.
 * tests/crypto/test_crypto_vectors.c feeds it published known-answer vectors
 * (digests, symmetric ciphers, MACs, AE, RSA/ECDSA/Ed25519 signatures and
 * encryption, ECDH/X25519/HKDF derivation) in the packed encoding of
 * crypto_ta.h; tests/crypto/test_crypto_api.c uses the remaining commands to
 * check GP error behaviour (short buffers, unsupported algorithms and key
 * sizes, key object attributes and usage, misuse that must panic the TA).
 * Every command returns the GP result of the call under test unchanged.
 */
#include <string.h>
#include <tee_internal_api.h>

#include "crypto_ta.h"

#define MAX_ITEMS 32
#define MAX_SIG	  1024

struct item {
	uint32_t role;
	uint32_t attr;
	uint32_t len;
	const uint8_t *data;
};

struct items {
	size_t n;
	struct item it[MAX_ITEMS];
};

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static TEE_Result unpack(const void *buf, size_t size, struct items *out)
{
	const uint8_t *p = buf;
	size_t off = 0;
	out->n = 0;
	while (off < size) {
		if (size - off < 12 || out->n == MAX_ITEMS)
			return TEE_ERROR_BAD_PARAMETERS;
		struct item *it = &out->it[out->n++];
		it->role = rd32(p + off);
		it->attr = rd32(p + off + 4);
		it->len = rd32(p + off + 8);
		off += 12;
		if (it->len > size - off)
			return TEE_ERROR_BAD_PARAMETERS;
		it->data = p + off;
		off += it->len;
	}
	return TEE_SUCCESS;
}

static const struct item *find(const struct items *in, uint32_t role)
{
	for (size_t i = 0; i < in->n; i++)
		if (in->it[i].role == role)
			return &in->it[i];
	return NULL;
}

static const void *ptr_of(const struct item *it)
{
	return it ? it->data : NULL;
}

static size_t len_of(const struct item *it)
{
	return it ? it->len : 0;
}

/* The attributes of one role as TEE_Attributes; returns their count. */
static uint32_t attrs_of(const struct items *in, uint32_t role, TEE_Attribute *a)
{
	uint32_t n = 0;
	for (size_t i = 0; i < in->n; i++) {
		const struct item *it = &in->it[i];
		if (it->role != role)
			continue;
		if (it->attr & TEE_ATTR_FLAG_VALUE) {
			uint32_t va = it->len >= 4 ? rd32(it->data) : 0;
			uint32_t vb = it->len >= 8 ? rd32(it->data + 4) : 0;
			TEE_InitValueAttribute(&a[n++], it->attr, va, vb);
		} else {
			TEE_InitRefAttribute(&a[n++], it->attr, it->data, it->len);
		}
	}
	return n;
}

/* A transient object of this type and size from the attributes of role;
 * TEE_HANDLE_NULL (and success) when there are none. */
static TEE_Result make_key(const struct items *in, uint32_t role, uint32_t type,
			   uint32_t bits, TEE_ObjectHandle *obj)
{
	TEE_Attribute a[MAX_ITEMS];
	uint32_t n = attrs_of(in, role, a);
	*obj = TEE_HANDLE_NULL;
	if (!n)
		return TEE_SUCCESS;
	TEE_Result res = TEE_AllocateTransientObject(type, bits, obj);
	if (res != TEE_SUCCESS) {
		*obj = TEE_HANDLE_NULL;
		return res;
	}
	res = TEE_PopulateTransientObject(*obj, a, n);
	if (res != TEE_SUCCESS) {
		TEE_FreeTransientObject(*obj);
		*obj = TEE_HANDLE_NULL;
	}
	return res;
}

/* Odd-sized steps for streaming: 1, 3, 5, ..., 63, then 97 bytes. */
static size_t chunk_size(size_t step)
{
	return step < 32 ? 2 * step + 1 : 97;
}

/* Operation with its key(s) set; keys freed again (the operation keeps a
 * copy). */
static TEE_Result op_with_keys(const struct items *in, uint32_t alg, uint32_t mode,
			       uint32_t type, uint32_t bits, TEE_OperationHandle *op)
{
	TEE_ObjectHandle k1 = TEE_HANDLE_NULL;
	TEE_ObjectHandle k2 = TEE_HANDLE_NULL;
	TEE_Result res = make_key(in, CT_ROLE_KEY, type, bits, &k1);
	if (res == TEE_SUCCESS)
		res = make_key(in, CT_ROLE_KEY2, type, bits, &k2);
	/* With two keys (AES-XTS) maxKeySize is their sum, as in OP-TEE. */
	if (res == TEE_SUCCESS)
		res = TEE_AllocateOperation(op, alg, mode,
					    k2 != TEE_HANDLE_NULL ? 2 * bits : bits);
	if (res == TEE_SUCCESS) {
		if (k2 != TEE_HANDLE_NULL)
			res = TEE_SetOperationKey2(*op, k1, k2);
		else if (k1 != TEE_HANDLE_NULL)
			res = TEE_SetOperationKey(*op, k1);
		if (res != TEE_SUCCESS) {
			TEE_FreeOperation(*op);
			*op = TEE_HANDLE_NULL;
		}
	}
	if (k1 != TEE_HANDLE_NULL)
		TEE_FreeTransientObject(k1);
	if (k2 != TEE_HANDLE_NULL)
		TEE_FreeTransientObject(k2);
	return res;
}

static TEE_Result cmd_digest(uint32_t alg, const struct items *in, uint32_t aux,
			     TEE_Param *out)
{
	TEE_OperationHandle op;
	TEE_Result res = TEE_AllocateOperation(&op, alg, TEE_MODE_DIGEST, 0);
	if (res != TEE_SUCCESS)
		return res;
	const struct item *d = find(in, CT_ROLE_DATA);
	const uint8_t *p = ptr_of(d);
	size_t left = len_of(d);
	if (CT_AUX_FLAGS(aux) & CT_F_CHUNKED) {
		for (size_t s = 0; left > chunk_size(s); s++) {
			TEE_DigestUpdate(op, p, chunk_size(s));
			p += chunk_size(s);
			left -= chunk_size(s);
		}
	}
	size_t len = out->memref.size;
	res = TEE_DigestDoFinal(op, p, left, out->memref.buffer, &len);
	out->memref.size = len;
	TEE_FreeOperation(op);
	return res;
}

static TEE_Result cmd_cipher(uint32_t alg, uint32_t type, uint32_t bits,
			     const struct items *in, uint32_t aux, TEE_Param *out)
{
	TEE_OperationHandle op;
	TEE_Result res = op_with_keys(in, alg, CT_AUX_MODE(aux), type, bits, &op);
	if (res != TEE_SUCCESS)
		return res;
	const struct item *iv = find(in, CT_ROLE_IV);
	const struct item *d = find(in, CT_ROLE_DATA);
	TEE_CipherInit(op, ptr_of(iv), len_of(iv));
	if (!(CT_AUX_FLAGS(aux) & CT_F_CHUNKED)) {
		size_t len = out->memref.size;
		res =
		    TEE_CipherDoFinal(op, ptr_of(d), len_of(d), out->memref.buffer, &len);
		out->memref.size = len;
		TEE_FreeOperation(op);
		return res;
	}
	size_t cap = len_of(d) + 64;
	uint8_t *buf = TEE_Malloc(cap, TEE_MALLOC_FILL_ZERO);
	if (!buf) {
		TEE_FreeOperation(op);
		return TEE_ERROR_OUT_OF_MEMORY;
	}
	const uint8_t *p = ptr_of(d);
	size_t left = len_of(d);
	size_t off = 0;
	for (size_t s = 0; res == TEE_SUCCESS && left > chunk_size(s); s++) {
		size_t olen = cap - off;
		res = TEE_CipherUpdate(op, p, chunk_size(s), buf + off, &olen);
		off += olen;
		p += chunk_size(s);
		left -= chunk_size(s);
	}
	if (res == TEE_SUCCESS) {
		size_t olen = cap - off;
		res = TEE_CipherDoFinal(op, p, left, buf + off, &olen);
		off += olen;
	}
	if (res == TEE_SUCCESS) {
		if (off > out->memref.size)
			res = TEE_ERROR_SHORT_BUFFER;
		else
			memcpy(out->memref.buffer, buf, off);
		out->memref.size = off;
	}
	TEE_Free(buf);
	TEE_FreeOperation(op);
	return res;
}

static TEE_Result cmd_mac(uint32_t alg, uint32_t type, uint32_t bits,
			  const struct items *in, uint32_t aux, TEE_Param *out,
			  TEE_Param *res_out)
{
	TEE_OperationHandle op;
	TEE_Result res = op_with_keys(in, alg, TEE_MODE_MAC, type, bits, &op);
	if (res != TEE_SUCCESS)
		return res;
	const struct item *iv = find(in, CT_ROLE_IV);
	const struct item *d = find(in, CT_ROLE_DATA);
	const struct item *tag = find(in, CT_ROLE_TAG);
	const uint8_t *p = ptr_of(d);
	size_t left = len_of(d);
	TEE_MACInit(op, ptr_of(iv), len_of(iv));
	if (CT_AUX_FLAGS(aux) & CT_F_CHUNKED) {
		for (size_t s = 0; left > chunk_size(s); s++) {
			TEE_MACUpdate(op, p, chunk_size(s));
			p += chunk_size(s);
			left -= chunk_size(s);
		}
	}
	size_t len = out->memref.size;
	res = TEE_MACComputeFinal(op, p, left, out->memref.buffer, &len);
	out->memref.size = len;
	res_out->value.a = 0;
	res_out->value.b = 0;
	if (res == TEE_SUCCESS && tag && tag->len) {
		uint8_t bad[128];
		size_t n = tag->len < sizeof(bad) ? tag->len : sizeof(bad);
		memcpy(bad, tag->data, n);
		bad[n - 1] ^= 0x01;
		TEE_MACInit(op, ptr_of(iv), len_of(iv));
		res_out->value.a =
		    TEE_MACCompareFinal(op, ptr_of(d), len_of(d), tag->data, tag->len);
		TEE_MACInit(op, ptr_of(iv), len_of(iv));
		res_out->value.b = TEE_MACCompareFinal(op, ptr_of(d), len_of(d), bad, n);
	}
	TEE_FreeOperation(op);
	return res;
}

static TEE_Result cmd_ae(uint32_t alg, uint32_t type, uint32_t bits,
			 const struct items *in, uint32_t aux, TEE_Param *out)
{
	uint32_t mode = CT_AUX_MODE(aux);
	uint32_t tagbits = CT_AUX_TAGBITS(aux);
	bool chunked = CT_AUX_FLAGS(aux) & CT_F_CHUNKED;
	TEE_OperationHandle op;
	TEE_Result res = op_with_keys(in, alg, mode, type, bits, &op);
	if (res != TEE_SUCCESS)
		return res;
	const struct item *nonce = find(in, CT_ROLE_IV);
	const struct item *aad = find(in, CT_ROLE_AAD);
	const struct item *d = find(in, CT_ROLE_DATA);
	const struct item *tag = find(in, CT_ROLE_TAG);
	res =
	    TEE_AEInit(op, ptr_of(nonce), len_of(nonce), tagbits, len_of(aad), len_of(d));
	if (res != TEE_SUCCESS)
		goto free_op;
	if (len_of(aad)) {
		size_t half = chunked ? aad->len / 2 : 0;
		if (half)
			TEE_AEUpdateAAD(op, aad->data, half);
		TEE_AEUpdateAAD(op, aad->data + half, aad->len - half);
	}
	size_t cap = len_of(d) + 64;
	uint8_t *buf = TEE_Malloc(cap, TEE_MALLOC_FILL_ZERO);
	if (!buf) {
		res = TEE_ERROR_OUT_OF_MEMORY;
		goto free_op;
	}
	const uint8_t *p = ptr_of(d);
	size_t left = len_of(d);
	size_t off = 0;
	if (chunked) {
		for (size_t s = 0; res == TEE_SUCCESS && left > chunk_size(s); s++) {
			size_t olen = cap - off;
			res = TEE_AEUpdate(op, p, chunk_size(s), buf + off, &olen);
			off += olen;
			p += chunk_size(s);
			left -= chunk_size(s);
		}
	}
	if (res != TEE_SUCCESS)
		goto free_buf;
	size_t olen = cap - off;
	if (mode == TEE_MODE_ENCRYPT) {
		uint8_t t[16];
		size_t tlen = sizeof(t);
		res = TEE_AEEncryptFinal(op, p, left, buf + off, &olen, t, &tlen);
		off += olen;
		if (res == TEE_SUCCESS) {
			if (off + tlen > out->memref.size) {
				res = TEE_ERROR_SHORT_BUFFER;
			} else {
				memcpy(out->memref.buffer, buf, off);
				memcpy((uint8_t *)out->memref.buffer + off, t, tlen);
			}
			out->memref.size = off + tlen;
		}
	} else {
		res = TEE_AEDecryptFinal(op, p, left, buf + off, &olen,
					 (void *)ptr_of(tag), len_of(tag));
		off += olen;
		if (res == TEE_SUCCESS) {
			if (off > out->memref.size)
				res = TEE_ERROR_SHORT_BUFFER;
			else
				memcpy(out->memref.buffer, buf, off);
			out->memref.size = off;
		}
	}
free_buf:
	TEE_Free(buf);
free_op:
	TEE_FreeOperation(op);
	return res;
}

static TEE_Result cmd_asym(uint32_t alg, uint32_t type, uint32_t bits,
			   const struct items *in, uint32_t aux, TEE_Param *out)
{
	uint32_t mode = CT_AUX_MODE(aux);
	TEE_OperationHandle op;
	TEE_Result res = op_with_keys(in, alg, mode, type, bits, &op);
	if (res != TEE_SUCCESS)
		return res;
	TEE_Attribute params[MAX_ITEMS];
	uint32_t np = attrs_of(in, CT_ROLE_PARAM, params);
	const struct item *d = find(in, CT_ROLE_DATA);
	const struct item *sig = find(in, CT_ROLE_TAG);
	size_t len = out ? out->memref.size : 0;
	void *dst = out ? out->memref.buffer : NULL;
	switch (mode) {
	case TEE_MODE_ENCRYPT:
		res = TEE_AsymmetricEncrypt(op, params, np, ptr_of(d), len_of(d), dst,
					    &len);
		break;
	case TEE_MODE_DECRYPT:
		res = TEE_AsymmetricDecrypt(op, params, np, ptr_of(d), len_of(d), dst,
					    &len);
		break;
	case TEE_MODE_SIGN:
		res = TEE_AsymmetricSignDigest(op, params, np, ptr_of(d), len_of(d), dst,
					       &len);
		break;
	case TEE_MODE_VERIFY:
		res = TEE_AsymmetricVerifyDigest(op, params, np, ptr_of(d), len_of(d),
						 ptr_of(sig), len_of(sig));
		len = 0;
		break;
	default:
		res = TEE_ERROR_BAD_PARAMETERS;
	}
	if (out)
		out->memref.size = len;
	TEE_FreeOperation(op);
	return res;
}

static TEE_Result cmd_derive(uint32_t alg, uint32_t type, uint32_t bits,
			     const struct items *in, uint32_t out_bits, TEE_Param *out)
{
	TEE_OperationHandle op;
	TEE_Result res = op_with_keys(in, alg, TEE_MODE_DERIVE, type, bits, &op);
	if (res != TEE_SUCCESS)
		return res;
	TEE_Attribute params[MAX_ITEMS];
	uint32_t np = attrs_of(in, CT_ROLE_PARAM, params);
	TEE_ObjectHandle dk;
	res = TEE_AllocateTransientObject(TEE_TYPE_GENERIC_SECRET, out_bits, &dk);
	if (res == TEE_SUCCESS) {
		TEE_DeriveKey(op, params, np, dk);
		size_t len = out->memref.size;
		res = TEE_GetObjectBufferAttribute(dk, TEE_ATTR_SECRET_VALUE,
						   out->memref.buffer, &len);
		out->memref.size = len;
		TEE_FreeTransientObject(dk);
	}
	TEE_FreeOperation(op);
	return res;
}

/* Append one packed item to buf (capacity cap) at *off. */
static TEE_Result put_item(uint8_t *buf, size_t cap, size_t *off, uint32_t role,
			   uint32_t attr, const void *data, uint32_t len)
{
	if (cap - *off < 12 + (size_t)len)
		return TEE_ERROR_SHORT_BUFFER;
	memcpy(buf + *off, &role, 4);
	memcpy(buf + *off + 4, &attr, 4);
	memcpy(buf + *off + 8, &len, 4);
	memcpy(buf + *off + 12, data, len);
	*off += 12 + len;
	return TEE_SUCCESS;
}

static TEE_Result put_attr(uint8_t *buf, size_t cap, size_t *off, TEE_ObjectHandle obj,
			   uint32_t attr)
{
	uint8_t v[MAX_SIG];
	size_t len = sizeof(v);
	TEE_Result res = TEE_GetObjectBufferAttribute(obj, attr, v, &len);
	if (res != TEE_SUCCESS)
		return res;
	return put_item(buf, cap, off, CT_ROLE_KEY, attr, v, len);
}

static TEE_Result cmd_genkey_sign(uint32_t alg, uint32_t type, uint32_t bits,
				  const struct items *in, TEE_Param *out,
				  TEE_Param *res_out)
{
	TEE_Attribute params[MAX_ITEMS];
	uint32_t np = attrs_of(in, CT_ROLE_PARAM, params);
	const struct item *d = find(in, CT_ROLE_DATA);
	TEE_ObjectHandle key;
	TEE_OperationHandle op = TEE_HANDLE_NULL;
	uint8_t sig[MAX_SIG];
	size_t siglen = sizeof(sig);
	TEE_Result res = TEE_AllocateTransientObject(type, bits, &key);
	if (res != TEE_SUCCESS)
		return res;
	res = TEE_GenerateKey(key, bits, params, np);
	if (res == TEE_SUCCESS)
		res = TEE_AllocateOperation(&op, alg, TEE_MODE_SIGN, bits);
	if (res == TEE_SUCCESS)
		res = TEE_SetOperationKey(op, key);
	if (res == TEE_SUCCESS)
		res = TEE_AsymmetricSignDigest(op, NULL, 0, ptr_of(d), len_of(d), sig,
					       &siglen);
	if (op != TEE_HANDLE_NULL)
		TEE_FreeOperation(op);
	op = TEE_HANDLE_NULL;
	if (res != TEE_SUCCESS)
		goto out_key;
	res = TEE_AllocateOperation(&op, alg, TEE_MODE_VERIFY, bits);
	if (res == TEE_SUCCESS)
		res = TEE_SetOperationKey(op, key);
	if (res != TEE_SUCCESS)
		goto out_op;
	uint8_t dig[MAX_SIG];
	size_t dl = len_of(d) < sizeof(dig) ? len_of(d) : sizeof(dig);
	memcpy(dig, ptr_of(d), dl);
	res_out->value.a = TEE_AsymmetricVerifyDigest(op, NULL, 0, dig, dl, sig, siglen);
	if (dl)
		dig[0] ^= 0x01;
	res_out->value.b = TEE_AsymmetricVerifyDigest(op, NULL, 0, dig, dl, sig, siglen);

	uint8_t *buf = out->memref.buffer;
	size_t cap = out->memref.size;
	size_t off = 0;
	res = put_item(buf, cap, &off, CT_ROLE_TAG, 0, sig, siglen);
	switch (type) {
	case TEE_TYPE_ECDSA_KEYPAIR:
	case TEE_TYPE_ECDH_KEYPAIR:
		if (res == TEE_SUCCESS)
			res = put_attr(buf, cap, &off, key, TEE_ATTR_ECC_PUBLIC_VALUE_X);
		if (res == TEE_SUCCESS)
			res = put_attr(buf, cap, &off, key, TEE_ATTR_ECC_PUBLIC_VALUE_Y);
		break;
	case TEE_TYPE_ED25519_KEYPAIR:
		if (res == TEE_SUCCESS)
			res =
			    put_attr(buf, cap, &off, key, TEE_ATTR_ED25519_PUBLIC_VALUE);
		break;
	case TEE_TYPE_RSA_KEYPAIR:
		if (res == TEE_SUCCESS)
			res = put_attr(buf, cap, &off, key, TEE_ATTR_RSA_MODULUS);
		if (res == TEE_SUCCESS)
			res = put_attr(buf, cap, &off, key, TEE_ATTR_RSA_PUBLIC_EXPONENT);
		break;
	default:
		break;
	}
	out->memref.size = off;
out_op:
	if (op != TEE_HANDLE_NULL)
		TEE_FreeOperation(op);
out_key:
	TEE_FreeTransientObject(key);
	return res;
}

/* ---- GP behaviour -------------------------------------------------------- */

static TEE_Result gen_key(uint32_t type, uint32_t bits, TEE_ObjectHandle *obj)
{
	TEE_Result res = TEE_AllocateTransientObject(type, bits, obj);
	if (res != TEE_SUCCESS)
		return res;
	return TEE_GenerateKey(*obj, bits, NULL, 0);
}

static TEE_Result cmd_misuse(uint32_t what)
{
	TEE_OperationHandle op;
	TEE_ObjectHandle key;
	uint8_t buf[64] = {0};
	size_t len = sizeof(buf);

	switch (what) {
	case CT_MISUSE_CIPHER_UPDATE_NO_INIT:
		if (TEE_AllocateOperation(&op, TEE_ALG_AES_CBC_NOPAD, TEE_MODE_ENCRYPT,
					  128) != TEE_SUCCESS ||
		    gen_key(TEE_TYPE_AES, 128, &key) != TEE_SUCCESS ||
		    TEE_SetOperationKey(op, key) != TEE_SUCCESS)
			return TEE_ERROR_GENERIC;
		TEE_CipherUpdate(op, buf, 16, buf + 16, &len);
		break;
	case CT_MISUSE_KEY_TYPE:
		if (TEE_AllocateOperation(&op, TEE_ALG_AES_ECB_NOPAD, TEE_MODE_ENCRYPT,
					  256) != TEE_SUCCESS ||
		    gen_key(TEE_TYPE_HMAC_SHA256, 256, &key) != TEE_SUCCESS)
			return TEE_ERROR_GENERIC;
		TEE_SetOperationKey(op, key);
		break;
	case CT_MISUSE_DIGEST_ON_MAC:
		if (TEE_AllocateOperation(&op, TEE_ALG_HMAC_SHA256, TEE_MODE_MAC, 256) !=
			TEE_SUCCESS ||
		    gen_key(TEE_TYPE_HMAC_SHA256, 256, &key) != TEE_SUCCESS ||
		    TEE_SetOperationKey(op, key) != TEE_SUCCESS)
			return TEE_ERROR_GENERIC;
		TEE_MACInit(op, NULL, 0);
		TEE_DigestUpdate(op, buf, 16);
		break;
	case CT_MISUSE_AE_UPDATE_NO_INIT:
		if (TEE_AllocateOperation(&op, TEE_ALG_AES_GCM, TEE_MODE_ENCRYPT, 128) !=
			TEE_SUCCESS ||
		    gen_key(TEE_TYPE_AES, 128, &key) != TEE_SUCCESS ||
		    TEE_SetOperationKey(op, key) != TEE_SUCCESS)
			return TEE_ERROR_GENERIC;
		TEE_AEUpdate(op, buf, 16, buf + 16, &len);
		break;
	case CT_MISUSE_READ_NONEXTRACTABLE:
		if (gen_key(TEE_TYPE_AES, 256, &key) != TEE_SUCCESS ||
		    TEE_RestrictObjectUsage1(key, ~(uint32_t)TEE_USAGE_EXTRACTABLE) !=
			TEE_SUCCESS)
			return TEE_ERROR_GENERIC;
		TEE_GetObjectBufferAttribute(key, TEE_ATTR_SECRET_VALUE, buf, &len);
		break;
	case CT_MISUSE_KEY_TOO_BIG:
		if (TEE_AllocateOperation(&op, TEE_ALG_AES_ECB_NOPAD, TEE_MODE_ENCRYPT,
					  128) != TEE_SUCCESS ||
		    gen_key(TEE_TYPE_AES, 256, &key) != TEE_SUCCESS)
			return TEE_ERROR_GENERIC;
		TEE_SetOperationKey(op, key);
		break;
	default:
		return TEE_ERROR_BAD_PARAMETERS;
	}
	/* Still alive: GP says this must have panicked. */
	return TEE_ERROR_GENERIC;
}

static void info_into(TEE_ObjectHandle obj, uint32_t *res, uint32_t *type, uint32_t *size,
		      uint32_t *max, uint32_t *usage, uint32_t *flags)
{
	TEE_ObjectInfo info;
	memset(&info, 0, sizeof(info));
	*res = TEE_GetObjectInfo1(obj, &info);
	*type = info.objectType;
	*size = info.objectSize;
	*max = info.maxObjectSize;
	*usage = info.objectUsage;
	if (flags)
		*flags = info.handleFlags;
}

static TEE_Result cmd_keyobj(TEE_Param *out)
{
	struct ct_keyobj_report r;
	uint8_t a[64], b[64];
	size_t len;
	TEE_ObjectHandle key, copy, ecc;
	uint32_t dummy;

	if (out->memref.size < sizeof(r)) {
		out->memref.size = sizeof(r);
		return TEE_ERROR_SHORT_BUFFER;
	}
	memset(&r, 0xEE, sizeof(r));

	TEE_Result res = TEE_AllocateTransientObject(TEE_TYPE_AES, 256, &key);
	if (res != TEE_SUCCESS)
		return res;
	info_into(key, &r.empty_res, &r.empty_type, &r.empty_size, &r.empty_max,
		  &r.empty_usage, &r.empty_flags);
	r.gen_res = TEE_GenerateKey(key, 256, NULL, 0);
	info_into(key, &r.info_res, &r.info_type, &r.info_size, &r.info_max,
		  &r.info_usage, &r.info_flags);

	len = 8;
	r.short_res = TEE_GetObjectBufferAttribute(key, TEE_ATTR_SECRET_VALUE, a, &len);
	r.short_size = len;
	len = sizeof(a);
	r.get_res = TEE_GetObjectBufferAttribute(key, TEE_ATTR_SECRET_VALUE, a, &len);
	r.get_size = len;

	r.copy_res = TEE_AllocateTransientObject(TEE_TYPE_AES, 256, &copy);
	if (r.copy_res == TEE_SUCCESS) {
		r.copy_res = TEE_CopyObjectAttributes1(copy, key);
		info_into(copy, &dummy, &dummy, &r.copy_size, &dummy, &r.copy_usage,
			  NULL);
		size_t blen = sizeof(b);
		r.copy_equal = TEE_GetObjectBufferAttribute(copy, TEE_ATTR_SECRET_VALUE,
							    b, &blen) == TEE_SUCCESS &&
			       blen == r.get_size && !memcmp(a, b, blen);
		TEE_FreeTransientObject(copy);
	}

	r.restrict_res = TEE_RestrictObjectUsage1(key, ~(uint32_t)TEE_USAGE_EXTRACTABLE);
	info_into(key, &dummy, &dummy, &dummy, &dummy, &r.restrict_usage, NULL);
	TEE_OperationHandle op;
	r.restrict_encrypt_res =
	    TEE_AllocateOperation(&op, TEE_ALG_AES_ECB_NOPAD, TEE_MODE_ENCRYPT, 256);
	if (r.restrict_encrypt_res == TEE_SUCCESS) {
		r.restrict_encrypt_res = TEE_SetOperationKey(op, key);
		if (r.restrict_encrypt_res == TEE_SUCCESS) {
			size_t blen = sizeof(b);
			TEE_CipherInit(op, NULL, 0);
			r.restrict_encrypt_res = TEE_CipherDoFinal(op, a, 16, b, &blen);
		}
		TEE_FreeOperation(op);
	}
	TEE_FreeTransientObject(key);

	TEE_Attribute curve;
	TEE_InitValueAttribute(&curve, TEE_ATTR_ECC_CURVE, TEE_ECC_CURVE_NIST_P256, 0);
	r.ecc_gen_res = TEE_AllocateTransientObject(TEE_TYPE_ECDSA_KEYPAIR, 256, &ecc);
	if (r.ecc_gen_res == TEE_SUCCESS) {
		r.ecc_gen_res = TEE_GenerateKey(ecc, 256, &curve, 1);
		if (r.ecc_gen_res == TEE_SUCCESS)
			r.ecc_gen_res = TEE_RestrictObjectUsage1(ecc, TEE_USAGE_SIGN);
		len = sizeof(a);
		r.ecc_pub_res = TEE_GetObjectBufferAttribute(
		    ecc, TEE_ATTR_ECC_PUBLIC_VALUE_X, a, &len);
		r.ecc_pub_size = len;
		uint32_t vb = 0;
		r.ecc_curve_res = TEE_GetObjectValueAttribute(ecc, TEE_ATTR_ECC_CURVE,
							      &r.ecc_curve, &vb);
		len = sizeof(a);
		r.missing_res =
		    TEE_GetObjectBufferAttribute(ecc, TEE_ATTR_RSA_MODULUS, a, &len);
		TEE_FreeTransientObject(ecc);
	}
	memcpy(out->memref.buffer, &r, sizeof(r));
	out->memref.size = sizeof(r);
	return TEE_SUCCESS;
}

/* ---- entry points ------------------------------------------------------ */

TEE_Result TA_CreateEntryPoint(void)
{
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t types, TEE_Param params[4], void **ctx)
{
	(void)types;
	(void)params;
	*ctx = NULL;
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void *ctx)
{
	(void)ctx;
}

#define VECTOR_TYPES                                                                     \
	TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_MEMREF_INPUT,         \
			TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_PARAM_TYPE_VALUE_INOUT)

TEE_Result TA_InvokeCommandEntryPoint(void *ctx, uint32_t cmd, uint32_t types,
				      TEE_Param p[4])
{
	(void)ctx;
	if (cmd <= CT_CMD_GENKEY_SIGN) {
		struct items in;
		if (types != VECTOR_TYPES)
			return TEE_ERROR_BAD_PARAMETERS;
		TEE_Result res = unpack(p[1].memref.buffer, p[1].memref.size, &in);
		if (res != TEE_SUCCESS)
			return res;
		uint32_t alg = p[0].value.a;
		uint32_t type = p[0].value.b;
		uint32_t bits = p[3].value.a;
		uint32_t aux = p[3].value.b;
		p[3].value.a = 0;
		p[3].value.b = 0;
		switch (cmd) {
		case CT_CMD_DIGEST:
			return cmd_digest(alg, &in, aux, &p[2]);
		case CT_CMD_CIPHER:
			return cmd_cipher(alg, type, bits, &in, aux, &p[2]);
		case CT_CMD_MAC:
			return cmd_mac(alg, type, bits, &in, aux, &p[2], &p[3]);
		case CT_CMD_AE:
			return cmd_ae(alg, type, bits, &in, aux, &p[2]);
		case CT_CMD_ASYM:
			return cmd_asym(alg, type, bits, &in, aux, &p[2]);
		case CT_CMD_DERIVE:
			return cmd_derive(alg, type, bits, &in, aux, &p[2]);
		case CT_CMD_GENKEY_SIGN:
			return cmd_genkey_sign(alg, type, bits, &in, &p[2], &p[3]);
		default:
			return TEE_ERROR_NOT_SUPPORTED;
		}
	}
	switch (cmd) {
	case CT_CMD_IS_SUPPORTED:
		if (TEE_PARAM_TYPE_GET(types, 0) != TEE_PARAM_TYPE_VALUE_INPUT)
			return TEE_ERROR_BAD_PARAMETERS;
		return TEE_IsAlgorithmSupported(p[0].value.a, p[0].value.b);
	case CT_CMD_ALLOC_OBJECT: {
		TEE_ObjectHandle o;
		if (TEE_PARAM_TYPE_GET(types, 0) != TEE_PARAM_TYPE_VALUE_INPUT)
			return TEE_ERROR_BAD_PARAMETERS;
		TEE_Result res =
		    TEE_AllocateTransientObject(p[0].value.a, p[0].value.b, &o);
		if (res == TEE_SUCCESS)
			TEE_FreeTransientObject(o);
		return res;
	}
	case CT_CMD_ALLOC_OPERATION: {
		TEE_OperationHandle op;
		if (TEE_PARAM_TYPE_GET(types, 0) != TEE_PARAM_TYPE_VALUE_INPUT ||
		    TEE_PARAM_TYPE_GET(types, 1) != TEE_PARAM_TYPE_VALUE_INPUT)
			return TEE_ERROR_BAD_PARAMETERS;
		TEE_Result res =
		    TEE_AllocateOperation(&op, p[0].value.a, p[0].value.b, p[1].value.a);
		if (res == TEE_SUCCESS)
			TEE_FreeOperation(op);
		return res;
	}
	case CT_CMD_MISUSE:
		if (TEE_PARAM_TYPE_GET(types, 0) != TEE_PARAM_TYPE_VALUE_INPUT)
			return TEE_ERROR_BAD_PARAMETERS;
		return cmd_misuse(p[0].value.a);
	case CT_CMD_KEYOBJ:
		if (TEE_PARAM_TYPE_GET(types, 0) != TEE_PARAM_TYPE_MEMREF_OUTPUT)
			return TEE_ERROR_BAD_PARAMETERS;
		return cmd_keyobj(&p[0]);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
