/*
 * secure_storage example TA: raw data objects in the TA's private
 * persistent storage (TEE_STORAGE_PRIVATE), written, read back and
 * deleted by an object id the client chooses. As GP requires, the object
 * id and the data go through TA-private memory: the storage functions
 * never see the client's shared buffers.
 */
#include <string.h>

#include <tee_internal_api.h>
#include <tee_internal_api_extensions.h>

#include <secure_storage_ta.h>

TEE_Result TA_CreateEntryPoint(void)
{
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t __unused param_types,
				    TEE_Param __unused params[TEE_NUM_PARAMS],
				    void __unused **sess_ctx)
{
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void __unused *sess_ctx)
{
}

/* A private copy of the object id in parameter 0. */
static TEE_Result take_id(const TEE_Param *p, char *id, size_t *id_len)
{
	*id_len = p->memref.size;
	if (!*id_len || *id_len > TA_SECURE_STORAGE_MAX_ID)
		return TEE_ERROR_BAD_PARAMETERS;
	TEE_MemMove(id, p->memref.buffer, *id_len);
	return TEE_SUCCESS;
}

static TEE_Result write_raw(uint32_t param_types, TEE_Param params[TEE_NUM_PARAMS])
{
	const uint32_t expected =
	    TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INPUT, TEE_PARAM_TYPE_MEMREF_INPUT,
			    TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE);
	const uint32_t flags = TEE_DATA_FLAG_ACCESS_READ | TEE_DATA_FLAG_ACCESS_WRITE |
			       TEE_DATA_FLAG_ACCESS_WRITE_META | TEE_DATA_FLAG_OVERWRITE;
	char id[TA_SECURE_STORAGE_MAX_ID];
	size_t id_len, len = params[1].memref.size;
	TEE_ObjectHandle obj;
	TEE_Result res;
	void *data;

	if (param_types != expected)
		return TEE_ERROR_BAD_PARAMETERS;
	res = take_id(&params[0], id, &id_len);
	if (res != TEE_SUCCESS)
		return res;
	if (len > TA_SECURE_STORAGE_MAX_DATA)
		return TEE_ERROR_EXCESS_DATA;
	data = TEE_Malloc(len ? len : 1, 0);
	if (!data)
		return TEE_ERROR_OUT_OF_MEMORY;
	TEE_MemMove(data, params[1].memref.buffer, len);

	/* Created empty, then written: OVERWRITE replaces an older object. */
	res = TEE_CreatePersistentObject(TEE_STORAGE_PRIVATE, id, id_len, flags,
					 TEE_HANDLE_NULL, NULL, 0, &obj);
	if (res != TEE_SUCCESS) {
		EMSG("TEE_CreatePersistentObject failed: 0x%x", res);
		TEE_Free(data);
		return res;
	}
	res = TEE_WriteObjectData(obj, data, len);
	if (res != TEE_SUCCESS) {
		EMSG("TEE_WriteObjectData failed: 0x%x", res);
		TEE_CloseAndDeletePersistentObject1(obj);
	} else {
		TEE_CloseObject(obj);
	}
	TEE_MemFill(data, 0, len);
	TEE_Free(data);
	return res;
}

static TEE_Result read_raw(uint32_t param_types, TEE_Param params[TEE_NUM_PARAMS])
{
	const uint32_t expected =
	    TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INPUT, TEE_PARAM_TYPE_MEMREF_OUTPUT,
			    TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE);
	char id[TA_SECURE_STORAGE_MAX_ID];
	size_t id_len, read_len = 0;
	TEE_ObjectHandle obj;
	TEE_ObjectInfo info;
	TEE_Result res;
	void *data;

	if (param_types != expected)
		return TEE_ERROR_BAD_PARAMETERS;
	res = take_id(&params[0], id, &id_len);
	if (res != TEE_SUCCESS)
		return res;
	res = TEE_OpenPersistentObject(
	    TEE_STORAGE_PRIVATE, id, id_len,
	    TEE_DATA_FLAG_ACCESS_READ | TEE_DATA_FLAG_SHARE_READ, &obj);
	if (res != TEE_SUCCESS) {
		if (res != TEE_ERROR_ITEM_NOT_FOUND)
			EMSG("TEE_OpenPersistentObject failed: 0x%x", res);
		return res;
	}
	res = TEE_GetObjectInfo1(obj, &info);
	if (res != TEE_SUCCESS)
		goto out;
	if (params[1].memref.size < info.dataSize) {
		params[1].memref.size = info.dataSize;
		res = TEE_ERROR_SHORT_BUFFER;
		goto out;
	}
	data = TEE_Malloc(info.dataSize ? info.dataSize : 1, 0);
	if (!data) {
		res = TEE_ERROR_OUT_OF_MEMORY;
		goto out;
	}
	res = TEE_ReadObjectData(obj, data, info.dataSize, &read_len);
	if (res == TEE_SUCCESS && read_len != info.dataSize)
		res = TEE_ERROR_CORRUPT_OBJECT;
	if (res == TEE_SUCCESS) {
		TEE_MemMove(params[1].memref.buffer, data, read_len);
		params[1].memref.size = read_len;
	}
	TEE_MemFill(data, 0, info.dataSize);
	TEE_Free(data);
out:
	TEE_CloseObject(obj);
	return res;
}

static TEE_Result delete_object(uint32_t param_types, TEE_Param params[TEE_NUM_PARAMS])
{
	const uint32_t expected =
	    TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INPUT, TEE_PARAM_TYPE_NONE,
			    TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE);
	char id[TA_SECURE_STORAGE_MAX_ID];
	TEE_ObjectHandle obj;
	size_t id_len;
	TEE_Result res;

	if (param_types != expected)
		return TEE_ERROR_BAD_PARAMETERS;
	res = take_id(&params[0], id, &id_len);
	if (res != TEE_SUCCESS)
		return res;
	/* Deleting needs an object opened with ACCESS_WRITE_META. */
	res = TEE_OpenPersistentObject(
	    TEE_STORAGE_PRIVATE, id, id_len,
	    TEE_DATA_FLAG_ACCESS_READ | TEE_DATA_FLAG_ACCESS_WRITE_META, &obj);
	if (res != TEE_SUCCESS)
		return res;
	return TEE_CloseAndDeletePersistentObject1(obj);
}

TEE_Result TA_InvokeCommandEntryPoint(void __unused *sess_ctx, uint32_t cmd_id,
				      uint32_t param_types,
				      TEE_Param params[TEE_NUM_PARAMS])
{
	switch (cmd_id) {
	case TA_SECURE_STORAGE_CMD_WRITE_RAW:
		return write_raw(param_types, params);
	case TA_SECURE_STORAGE_CMD_READ_RAW:
		return read_raw(param_types, params);
	case TA_SECURE_STORAGE_CMD_DELETE:
		return delete_object(param_types, params);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
