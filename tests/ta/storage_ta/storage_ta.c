/*
 * storage_ta: a thin driver of the GP Trusted Storage API for the tests of
 * tests/storage (API semantics, tampering, rollback, crash consistency).
 * Each command is one or a few storage calls whose GP result goes back to
 * the client unchanged; open objects stay in handle slots between
 * commands. WRITE_PATTERN / VERIFY_PATTERN move bulk data without shipping
 * it through shared memory, KEY_STORE / KEY_USE check persistent keys.
 * The same source is built as storage_ta2 under another UUID (isolation).
 */
#include <string.h>
#include <tee_internal_api.h>

#include "storage_ta.h"

#define T_VAL_IN  TEE_PARAM_TYPE_VALUE_INPUT
#define T_VAL_OUT TEE_PARAM_TYPE_VALUE_OUTPUT
#define T_VAL_IO  TEE_PARAM_TYPE_VALUE_INOUT
#define T_MEM_IN  TEE_PARAM_TYPE_MEMREF_INPUT
#define T_MEM_OUT TEE_PARAM_TYPE_MEMREF_OUTPUT
#define T_NONE	  TEE_PARAM_TYPE_NONE

static TEE_ObjectHandle slots[ST_SLOTS];
/* Transient originals of the stored keys (one per key type). */
static TEE_ObjectHandle orig_key[2];
static uint8_t chunk_buf[64 * 1024];

static uint32_t ptype(uint32_t types, int i)
{
	return TEE_PARAM_TYPE_GET(types, i);
}

static TEE_Result slot_get(uint32_t s, TEE_ObjectHandle *h)
{
	if (s >= ST_SLOTS || slots[s] == TEE_HANDLE_NULL)
		return TEE_ERROR_BAD_PARAMETERS;
	*h = slots[s];
	return TEE_SUCCESS;
}

static int slot_free(void)
{
	for (int i = 0; i < ST_SLOTS; i++)
		if (slots[i] == TEE_HANDLE_NULL)
			return i;
	return -1;
}

static TEE_Result cmd_create(uint32_t types, TEE_Param p[4])
{
	if (ptype(types, 0) != T_VAL_IN || ptype(types, 1) != T_MEM_IN ||
	    (ptype(types, 2) != T_MEM_IN && ptype(types, 2) != T_NONE) ||
	    ptype(types, 3) != T_VAL_IO)
		return TEE_ERROR_BAD_PARAMETERS;
	uint32_t opt = p[3].value.a;
	int s = slot_free();
	if (s < 0)
		return TEE_ERROR_OUT_OF_MEMORY;
	TEE_ObjectHandle attrs = TEE_HANDLE_NULL, h = TEE_HANDLE_NULL;
	TEE_Result r;
	if (opt & ST_OPT_ATTRS) {
		r = TEE_AllocateTransientObject(TEE_TYPE_AES, p[3].value.b, &attrs);
		if (r)
			return r;
		r = TEE_GenerateKey(attrs, p[3].value.b, NULL, 0);
		if (r) {
			TEE_FreeTransientObject(attrs);
			return r;
		}
	}
	const void *data = ptype(types, 2) == T_MEM_IN ? p[2].memref.buffer : NULL;
	size_t len = ptype(types, 2) == T_MEM_IN ? p[2].memref.size : 0;
	r = TEE_CreatePersistentObject(p[0].value.b, p[1].memref.buffer, p[1].memref.size,
				       p[0].value.a, attrs, data, len,
				       (opt & ST_OPT_NOOUT) ? NULL : &h);
	if (attrs != TEE_HANDLE_NULL)
		TEE_FreeTransientObject(attrs);
	p[3].value.a = ST_SLOTS;
	if (r != TEE_SUCCESS || (opt & ST_OPT_NOOUT))
		return r;
	if (opt & ST_OPT_CLOSE) {
		TEE_CloseObject(h);
		return TEE_SUCCESS;
	}
	slots[s] = h;
	p[3].value.a = (uint32_t)s;
	return TEE_SUCCESS;
}

static TEE_Result cmd_open(uint32_t types, TEE_Param p[4])
{
	if (ptype(types, 0) != T_VAL_IN || ptype(types, 1) != T_MEM_IN ||
	    ptype(types, 3) != T_VAL_OUT)
		return TEE_ERROR_BAD_PARAMETERS;
	int s = slot_free();
	if (s < 0)
		return TEE_ERROR_OUT_OF_MEMORY;
	TEE_ObjectHandle h = TEE_HANDLE_NULL;
	TEE_Result r = TEE_OpenPersistentObject(p[0].value.b, p[1].memref.buffer,
						p[1].memref.size, p[0].value.a, &h);
	p[3].value.a = ST_SLOTS;
	if (r != TEE_SUCCESS)
		return r;
	slots[s] = h;
	p[3].value.a = (uint32_t)s;
	return TEE_SUCCESS;
}

static TEE_Result cmd_read(uint32_t types, TEE_Param p[4])
{
	TEE_ObjectHandle h;
	if (ptype(types, 0) != T_VAL_IN || ptype(types, 2) != T_MEM_OUT)
		return TEE_ERROR_BAD_PARAMETERS;
	TEE_Result r = slot_get(p[0].value.a, &h);
	if (r)
		return r;
	size_t count = 0;
	r = TEE_ReadObjectData(h, p[2].memref.buffer, p[2].memref.size, &count);
	p[2].memref.size = r == TEE_SUCCESS ? count : 0;
	return r;
}

static TEE_Result cmd_write(uint32_t types, TEE_Param p[4])
{
	TEE_ObjectHandle h;
	if (ptype(types, 0) != T_VAL_IN || ptype(types, 1) != T_MEM_IN)
		return TEE_ERROR_BAD_PARAMETERS;
	TEE_Result r = slot_get(p[0].value.a, &h);
	if (r)
		return r;
	return TEE_WriteObjectData(h, p[1].memref.buffer, p[1].memref.size);
}

static TEE_Result cmd_seek(uint32_t types, TEE_Param p[4])
{
	TEE_ObjectHandle h;
	if (ptype(types, 0) != T_VAL_IN || ptype(types, 1) != T_VAL_IN)
		return TEE_ERROR_BAD_PARAMETERS;
	TEE_Result r = slot_get(p[0].value.a, &h);
	if (r)
		return r;
	int64_t off = (int64_t)(((uint64_t)p[1].value.b << 32) | p[1].value.a);
	return TEE_SeekObjectData(h, (intmax_t)off, p[0].value.b);
}

static TEE_Result cmd_truncate(uint32_t types, TEE_Param p[4])
{
	TEE_ObjectHandle h;
	if (ptype(types, 0) != T_VAL_IN)
		return TEE_ERROR_BAD_PARAMETERS;
	TEE_Result r = slot_get(p[0].value.a, &h);
	if (r)
		return r;
	return TEE_TruncateObjectData(h, p[0].value.b);
}

static TEE_Result cmd_rename(uint32_t types, TEE_Param p[4])
{
	TEE_ObjectHandle h;
	if (ptype(types, 0) != T_VAL_IN || ptype(types, 1) != T_MEM_IN)
		return TEE_ERROR_BAD_PARAMETERS;
	TEE_Result r = slot_get(p[0].value.a, &h);
	if (r)
		return r;
	return TEE_RenamePersistentObject(h, p[1].memref.buffer, p[1].memref.size);
}

static TEE_Result cmd_delete(uint32_t types, TEE_Param p[4])
{
	TEE_ObjectHandle h;
	if (ptype(types, 0) != T_VAL_IN)
		return TEE_ERROR_BAD_PARAMETERS;
	TEE_Result r = slot_get(p[0].value.a, &h);
	if (r)
		return r;
	slots[p[0].value.a] = TEE_HANDLE_NULL;
	return TEE_CloseAndDeletePersistentObject1(h);
}

static TEE_Result cmd_close(uint32_t types, TEE_Param p[4])
{
	TEE_ObjectHandle h;
	if (ptype(types, 0) != T_VAL_IN)
		return TEE_ERROR_BAD_PARAMETERS;
	TEE_Result r = slot_get(p[0].value.a, &h);
	if (r)
		return r;
	slots[p[0].value.a] = TEE_HANDLE_NULL;
	TEE_CloseObject(h);
	return TEE_SUCCESS;
}

static TEE_Result cmd_info(uint32_t types, TEE_Param p[4])
{
	TEE_ObjectHandle h;
	if (ptype(types, 0) != T_VAL_IN || ptype(types, 2) != T_MEM_OUT ||
	    p[2].memref.size < sizeof(struct st_info))
		return TEE_ERROR_BAD_PARAMETERS;
	TEE_Result r = slot_get(p[0].value.a, &h);
	if (r)
		return r;
	TEE_ObjectInfo oi;
	r = TEE_GetObjectInfo1(h, &oi);
	if (r)
		return r;
	struct st_info si = {oi.objectType,	    oi.objectSize,
			     oi.maxObjectSize,	    oi.objectUsage,
			     (uint32_t)oi.dataSize, (uint32_t)oi.dataPosition,
			     oi.handleFlags};
	memcpy(p[2].memref.buffer, &si, sizeof(si));
	p[2].memref.size = sizeof(si);
	return TEE_SUCCESS;
}

static TEE_Result cmd_enum(uint32_t types, TEE_Param p[4])
{
	if (ptype(types, 0) != T_VAL_IN || ptype(types, 2) != T_MEM_OUT ||
	    ptype(types, 3) != T_VAL_OUT)
		return TEE_ERROR_BAD_PARAMETERS;
	TEE_ObjectEnumHandle e;
	TEE_Result r = TEE_AllocatePersistentObjectEnumerator(&e);
	if (r)
		return r;
	uint8_t *out = p[2].memref.buffer;
	size_t cap = p[2].memref.size, used = 0;
	uint32_t n = 0;
	int short_buf = 0;
	r = TEE_StartPersistentObjectEnumerator(e, p[0].value.a);
	p[3].value.b = r;
	if (r == TEE_SUCCESS) {
		for (;;) {
			TEE_ObjectInfo oi;
			uint8_t id[TEE_OBJECT_ID_MAX_LEN];
			size_t idlen = sizeof(id);
			r = TEE_GetNextPersistentObject(e, &oi, id, &idlen);
			if (r == TEE_ERROR_ITEM_NOT_FOUND) {
				r = TEE_SUCCESS;
				break;
			}
			if (r)
				break;
			n++;
			if (used + 8 + idlen > cap) {
				short_buf = 1;
				continue;
			}
			uint32_t hdr[2] = {(uint32_t)idlen, (uint32_t)oi.dataSize};
			memcpy(out + used, hdr, 8);
			memcpy(out + used + 8, id, idlen);
			used += 8 + idlen;
		}
	} else if (r == TEE_ERROR_ITEM_NOT_FOUND) {
		r = TEE_SUCCESS; /* an empty store */
	}
	TEE_FreePersistentObjectEnumerator(e);
	p[3].value.a = n;
	p[2].memref.size = used;
	if (r == TEE_SUCCESS && short_buf)
		return TEE_ERROR_SHORT_BUFFER;
	return r;
}

static void fill_pattern(uint8_t *buf, uint32_t seed, uint32_t off, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = st_pattern_byte(seed, off + (uint32_t)i);
}

static TEE_Result cmd_write_pattern(uint32_t types, TEE_Param p[4])
{
	if (ptype(types, 0) != T_VAL_IN || ptype(types, 1) != T_MEM_IN ||
	    ptype(types, 3) != T_VAL_IN)
		return TEE_ERROR_BAD_PARAMETERS;
	uint32_t size = p[0].value.a, seed = p[0].value.b;
	size_t chunk = p[3].value.a ? p[3].value.a : 1024;
	if (chunk > sizeof(chunk_buf))
		return TEE_ERROR_BAD_PARAMETERS;
	TEE_ObjectHandle h;
	TEE_Result r = TEE_CreatePersistentObject(
	    TEE_STORAGE_PRIVATE, p[1].memref.buffer, p[1].memref.size,
	    TEE_DATA_FLAG_ACCESS_WRITE | TEE_DATA_FLAG_ACCESS_READ |
		TEE_DATA_FLAG_OVERWRITE | p[3].value.b,
	    TEE_HANDLE_NULL, NULL, 0, &h);
	if (r)
		return r;
	for (uint32_t off = 0; off < size && r == TEE_SUCCESS;) {
		size_t n = size - off < chunk ? size - off : chunk;
		fill_pattern(chunk_buf, seed, off, n);
		r = TEE_WriteObjectData(h, chunk_buf, n);
		off += (uint32_t)n;
	}
	TEE_CloseObject(h);
	return r;
}

static TEE_Result cmd_verify_pattern(uint32_t types, TEE_Param p[4])
{
	if (ptype(types, 0) != T_VAL_IN || ptype(types, 1) != T_MEM_IN ||
	    ptype(types, 3) != T_VAL_OUT)
		return TEE_ERROR_BAD_PARAMETERS;
	uint32_t size = p[0].value.a, seed = p[0].value.b;
	static uint8_t want[4096];
	TEE_ObjectHandle h;
	p[3].value.a = 0;
	TEE_Result r =
	    TEE_OpenPersistentObject(TEE_STORAGE_PRIVATE, p[1].memref.buffer,
				     p[1].memref.size, TEE_DATA_FLAG_ACCESS_READ, &h);
	if (r)
		return r;
	TEE_ObjectInfo oi;
	r = TEE_GetObjectInfo1(h, &oi);
	if (r == TEE_SUCCESS) {
		p[3].value.a = (uint32_t)oi.dataSize;
		uint32_t off = 0;
		int diff = oi.dataSize != size;
		for (;;) {
			size_t count = 0;
			r = TEE_ReadObjectData(h, chunk_buf, sizeof(want), &count);
			if (r || count == 0)
				break;
			fill_pattern(want, seed, off, count);
			if (memcmp(want, chunk_buf, count))
				diff = 1;
			off += (uint32_t)count;
		}
		if (r == TEE_SUCCESS && (diff || off != size))
			r = ST_ERR_MISMATCH;
	}
	TEE_CloseObject(h);
	return r;
}

static const uint8_t fixed_block[32] = "edgetee persistent key test blk";

static TEE_Result gen_key(uint32_t kt, TEE_ObjectHandle *k)
{
	TEE_Result r;
	if (kt == ST_KEY_AES256) {
		r = TEE_AllocateTransientObject(TEE_TYPE_AES, 256, k);
		if (r)
			return r;
		r = TEE_GenerateKey(*k, 256, NULL, 0);
	} else {
		r = TEE_AllocateTransientObject(TEE_TYPE_ECDSA_KEYPAIR, 256, k);
		if (r)
			return r;
		TEE_Attribute a;
		TEE_InitValueAttribute(&a, TEE_ATTR_ECC_CURVE, TEE_ECC_CURVE_NIST_P256,
				       0);
		r = TEE_GenerateKey(*k, 256, &a, 1);
	}
	if (r) {
		TEE_FreeTransientObject(*k);
		*k = TEE_HANDLE_NULL;
	}
	return r;
}

static TEE_Result cmd_key_store(uint32_t types, TEE_Param p[4])
{
	if (ptype(types, 0) != T_VAL_IN || ptype(types, 1) != T_MEM_IN ||
	    p[0].value.a > ST_KEY_ECP256)
		return TEE_ERROR_BAD_PARAMETERS;
	uint32_t kt = p[0].value.a;
	TEE_ObjectHandle k, h;
	TEE_Result r = gen_key(kt, &k);
	if (r)
		return r;
	r = TEE_CreatePersistentObject(
	    TEE_STORAGE_PRIVATE, p[1].memref.buffer, p[1].memref.size,
	    TEE_DATA_FLAG_ACCESS_READ | TEE_DATA_FLAG_OVERWRITE, k, NULL, 0, &h);
	if (r) {
		TEE_FreeTransientObject(k);
		return r;
	}
	TEE_CloseObject(h);
	if (orig_key[kt] != TEE_HANDLE_NULL)
		TEE_FreeTransientObject(orig_key[kt]);
	orig_key[kt] = k;
	return TEE_SUCCESS;
}

static TEE_Result aes_ecb(TEE_ObjectHandle key, uint8_t out[32])
{
	TEE_OperationHandle op;
	TEE_Result r =
	    TEE_AllocateOperation(&op, TEE_ALG_AES_ECB_NOPAD, TEE_MODE_ENCRYPT, 256);
	if (r)
		return r;
	r = TEE_SetOperationKey(op, key);
	if (r == TEE_SUCCESS) {
		size_t n = 32;
		TEE_CipherInit(op, NULL, 0);
		r = TEE_CipherDoFinal(op, fixed_block, sizeof(fixed_block), out, &n);
	}
	TEE_FreeOperation(op);
	return r;
}

/* Sign the digest of fixed_block with `signer`, verify with `verifier`. */
static TEE_Result ec_cross(TEE_ObjectHandle signer, TEE_ObjectHandle verifier)
{
	TEE_OperationHandle s, v;
	uint8_t sig[128];
	size_t sl = sizeof(sig);
	TEE_Result r =
	    TEE_AllocateOperation(&s, TEE_ALG_ECDSA_SHA256, TEE_MODE_SIGN, 256);
	if (r)
		return r;
	r = TEE_SetOperationKey(s, signer);
	if (r == TEE_SUCCESS)
		r = TEE_AsymmetricSignDigest(s, NULL, 0, fixed_block, 32, sig, &sl);
	TEE_FreeOperation(s);
	if (r)
		return r;
	r = TEE_AllocateOperation(&v, TEE_ALG_ECDSA_SHA256, TEE_MODE_VERIFY, 256);
	if (r)
		return r;
	r = TEE_SetOperationKey(v, verifier);
	if (r == TEE_SUCCESS)
		r = TEE_AsymmetricVerifyDigest(v, NULL, 0, fixed_block, 32, sig, sl);
	TEE_FreeOperation(v);
	return r == TEE_ERROR_SIGNATURE_INVALID ? ST_ERR_MISMATCH : r;
}

static TEE_Result cmd_key_use(uint32_t types, TEE_Param p[4])
{
	if (ptype(types, 0) != T_VAL_IN || ptype(types, 1) != T_MEM_IN ||
	    ptype(types, 2) != T_MEM_OUT || ptype(types, 3) != T_VAL_OUT ||
	    p[0].value.a > ST_KEY_ECP256)
		return TEE_ERROR_BAD_PARAMETERS;
	uint32_t kt = p[0].value.a;
	TEE_ObjectHandle h;
	TEE_Result r =
	    TEE_OpenPersistentObject(TEE_STORAGE_PRIVATE, p[1].memref.buffer,
				     p[1].memref.size, TEE_DATA_FLAG_ACCESS_READ, &h);
	if (r)
		return r;
	TEE_ObjectInfo oi;
	r = TEE_GetObjectInfo1(h, &oi);
	p[3].value.a = r == TEE_SUCCESS ? oi.objectType : 0;
	p[3].value.b = r == TEE_SUCCESS ? oi.objectSize : 0;
	size_t outcap = p[2].memref.size;
	p[2].memref.size = 0;
	if (r == TEE_SUCCESS && kt == ST_KEY_AES256) {
		uint8_t a[32], b[32];
		r = aes_ecb(h, a);
		if (r == TEE_SUCCESS && orig_key[kt] != TEE_HANDLE_NULL) {
			r = aes_ecb(orig_key[kt], b);
			if (r == TEE_SUCCESS && memcmp(a, b, 32))
				r = ST_ERR_MISMATCH;
		}
		if (r == TEE_SUCCESS && outcap >= 16) {
			/* The client compares this across restarts. */
			memcpy(p[2].memref.buffer, a, 16);
			p[2].memref.size = 16;
		}
	} else if (r == TEE_SUCCESS) {
		r = ec_cross(h, h);
		if (r == TEE_SUCCESS && orig_key[kt] != TEE_HANDLE_NULL) {
			r = ec_cross(h, orig_key[kt]);
			if (r == TEE_SUCCESS)
				r = ec_cross(orig_key[kt], h);
		}
	}
	TEE_CloseObject(h);
	return r;
}

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

TEE_Result TA_InvokeCommandEntryPoint(void *ctx, uint32_t cmd, uint32_t types,
				      TEE_Param p[4])
{
	(void)ctx;
	switch (cmd) {
	case ST_CMD_CREATE:
		return cmd_create(types, p);
	case ST_CMD_OPEN:
		return cmd_open(types, p);
	case ST_CMD_READ:
		return cmd_read(types, p);
	case ST_CMD_WRITE:
		return cmd_write(types, p);
	case ST_CMD_SEEK:
		return cmd_seek(types, p);
	case ST_CMD_TRUNCATE:
		return cmd_truncate(types, p);
	case ST_CMD_RENAME:
		return cmd_rename(types, p);
	case ST_CMD_DELETE:
		return cmd_delete(types, p);
	case ST_CMD_CLOSE:
		return cmd_close(types, p);
	case ST_CMD_INFO:
		return cmd_info(types, p);
	case ST_CMD_ENUM:
		return cmd_enum(types, p);
	case ST_CMD_WRITE_PATTERN:
		return cmd_write_pattern(types, p);
	case ST_CMD_VERIFY_PATTERN:
		return cmd_verify_pattern(types, p);
	case ST_CMD_KEY_STORE:
		return cmd_key_store(types, p);
	case ST_CMD_KEY_USE:
		return cmd_key_use(types, p);
	case ST_CMD_CLOSE_ALL:
		for (int i = 0; i < ST_SLOTS; i++) {
			if (slots[i] != TEE_HANDLE_NULL)
				TEE_CloseObject(slots[i]);
			slots[i] = TEE_HANDLE_NULL;
		}
		return TEE_SUCCESS;
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
