/*
 * The storage benchmark TA: the loops of OP-TEE xtest's storage benchmark
 * (WRITE, READ, REWRITE of one persistent object in chunks of at most
 * BS_MAX_CHUNK bytes). One invocation runs one whole loop, so the client's
 * timing of the invocation is the TA loop plus one round trip. Each
 * TEE_WriteObjectData is durable when it returns (GP).
 */
#include <string.h>
#include <tee_internal_api.h>

#include "bench_storage_ta.h"

static const char obj_id[] = "edgetee-bench-storage";
static uint8_t buf[BS_MAX_CHUNK];

#define FLAGS_RW                                                                         \
	(TEE_DATA_FLAG_ACCESS_READ | TEE_DATA_FLAG_ACCESS_WRITE |                        \
	 TEE_DATA_FLAG_ACCESS_WRITE_META)

static void fill(uint8_t *b, uint32_t off, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		b[i] = bs_byte(off + i);
}

static TEE_Result create(TEE_ObjectHandle *h)
{
	return TEE_CreatePersistentObject(TEE_STORAGE_PRIVATE, obj_id, sizeof(obj_id) - 1,
					  FLAGS_RW | TEE_DATA_FLAG_OVERWRITE,
					  TEE_HANDLE_NULL, NULL, 0, h);
}

static TEE_Result open_obj(TEE_ObjectHandle *h)
{
	return TEE_OpenPersistentObject(TEE_STORAGE_PRIVATE, obj_id, sizeof(obj_id) - 1,
					FLAGS_RW, h);
}

static TEE_Result prepare(uint32_t size)
{
	TEE_ObjectHandle h;
	TEE_Result r = create(&h);
	for (uint32_t off = 0; r == TEE_SUCCESS && off < size;) {
		uint32_t n = size - off < BS_MAX_CHUNK ? size - off : BS_MAX_CHUNK;
		fill(buf, off, n);
		r = TEE_WriteObjectData(h, buf, n);
		off += n;
	}
	if (h != TEE_HANDLE_NULL)
		TEE_CloseObject(h);
	return r;
}

static TEE_Result run(uint32_t op, uint32_t size, uint32_t chunk, TEE_Param *out)
{
	TEE_ObjectHandle h = TEE_HANDLE_NULL;
	TEE_Result r = op == BS_WRITE ? create(&h) : open_obj(&h);
	uint32_t moved = 0, sum = 0;
	if (op == BS_WRITE)
		fill(buf, 0, chunk);
	while (r == TEE_SUCCESS && moved < size) {
		uint32_t n = size - moved < chunk ? size - moved : chunk;
		size_t got = 0;
		switch (op) {
		case BS_WRITE:
			r = TEE_WriteObjectData(h, buf, n);
			break;
		case BS_READ:
			r = TEE_ReadObjectData(h, buf, n, &got);
			if (r == TEE_SUCCESS && got != n)
				r = TEE_ERROR_CORRUPT_OBJECT;
			sum += buf[0] + buf[n - 1];
			break;
		default: /* REWRITE */
			r = TEE_ReadObjectData(h, buf, n, &got);
			if (r == TEE_SUCCESS && got != n)
				r = TEE_ERROR_CORRUPT_OBJECT;
			if (r == TEE_SUCCESS)
				r = TEE_SeekObjectData(h, -(intmax_t)n,
						       TEE_DATA_SEEK_CUR);
			if (r == TEE_SUCCESS)
				r = TEE_WriteObjectData(h, buf, n);
			sum += buf[0] + buf[n - 1];
			break;
		}
		moved += n;
	}
	if (h != TEE_HANDLE_NULL)
		TEE_CloseObject(h);
	out->value.a = moved;
	out->value.b = sum;
	return r;
}

static TEE_Result clean(void)
{
	TEE_ObjectHandle h;
	TEE_Result r = open_obj(&h);
	if (r == TEE_ERROR_ITEM_NOT_FOUND)
		return TEE_SUCCESS;
	if (r)
		return r;
	return TEE_CloseAndDeletePersistentObject1(h);
}

static TEE_Result verify(uint32_t size, TEE_Param *out)
{
	TEE_ObjectHandle h;
	uint8_t want[BS_MAX_CHUNK];
	TEE_Result r = open_obj(&h);
	out->value.a = 0;
	if (r)
		return r;
	uint32_t off = 0;
	int ok = 1;
	for (;;) {
		size_t got = 0;
		r = TEE_ReadObjectData(h, buf, sizeof(buf), &got);
		if (r || !got)
			break;
		fill(want, off, (uint32_t)got);
		ok = ok && !memcmp(want, buf, got);
		off += (uint32_t)got;
	}
	TEE_CloseObject(h);
	out->value.a = r == TEE_SUCCESS && ok && off == size;
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
	case BS_CMD_PREPARE:
		if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT,
					     TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE,
					     TEE_PARAM_TYPE_NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return prepare(p[0].value.a);
	case BS_CMD_RUN:
		if (types != TEE_PARAM_TYPES(
				 TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_VALUE_INPUT,
				 TEE_PARAM_TYPE_VALUE_OUTPUT, TEE_PARAM_TYPE_NONE) ||
		    p[0].value.a >= BS_OPS || !p[1].value.a ||
		    p[1].value.a > BS_MAX_CHUNK)
			return TEE_ERROR_BAD_PARAMETERS;
		return run(p[0].value.a, p[0].value.b, p[1].value.a, &p[2]);
	case BS_CMD_CLEAN:
		return clean();
	case BS_CMD_VERIFY:
		if (types !=
		    TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_NONE,
				    TEE_PARAM_TYPE_VALUE_OUTPUT, TEE_PARAM_TYPE_NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return verify(p[0].value.a, &p[2]);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
