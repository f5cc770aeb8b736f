/*
 * props example TA: reads the TA's own properties back through the GP
 * Property API — one TEE_GetPropertyAs* call per type, the binary block
 * decoded from its base64 text, and an enumerator over the whole set.
 * Built with per-file flags from readers/sub.mk (PROP_PREFIX).
 */
#include <string.h>
#include <tee_internal_api.h>
#include <tee_internal_api_extensions.h>
#include <util.h>

#include "read_props.h"

#ifndef PROP_PREFIX
#error "PROP_PREFIX comes from cflags-read_props.c-y in readers/sub.mk"
#endif

#define CHECK(expr)                                                                      \
	do {                                                                             \
		TEE_Result __res = (expr);                                               \
		if (__res != TEE_SUCCESS) {                                              \
			EMSG("%s: 0x%x", #expr, __res);                                  \
			return __res;                                                    \
		}                                                                        \
	} while (0)

static void put_uuid(struct props_ta_uuid *dst, const TEE_UUID *src)
{
	dst->time_low = src->timeLow;
	dst->time_mid = src->timeMid;
	dst->time_hi_and_version = src->timeHiAndVersion;
	memcpy(dst->clock_seq_and_node, src->clockSeqAndNode,
	       sizeof(src->clockSeqAndNode));
}

/* Count the properties of the current TA whose name starts with PROP_PREFIX. */
static TEE_Result count_ext(uint32_t *count)
{
	TEE_PropSetHandle e = TEE_HANDLE_NULL;
	TEE_Result res;
	char name[128];
	size_t len;

	*count = 0;
	res = TEE_AllocatePropertyEnumerator(&e);
	if (res != TEE_SUCCESS)
		return res;
	TEE_StartPropertyEnumerator(e, TEE_PROPSET_CURRENT_TA);
	for (;;) {
		len = sizeof(name);
		res = TEE_GetPropertyName(e, name, &len);
		if (res != TEE_SUCCESS)
			break;
		if (!strncmp(name, PROP_PREFIX, strlen(PROP_PREFIX)))
			(*count)++;
		res = TEE_GetNextProperty(e);
		if (res != TEE_SUCCESS)
			break;
	}
	TEE_FreePropertyEnumerator(e);
	return res == TEE_ERROR_ITEM_NOT_FOUND ? TEE_SUCCESS : res;
}

TEE_Result props_read_all(struct props_ta_result *r)
{
	const TEE_PropSetHandle ta = TEE_PROPSET_CURRENT_TA;
	TEE_Identity id;
	TEE_UUID uuid;
	uint8_t small[4];
	char str[32];
	size_t len;
	bool b;

	memset(r, 0, sizeof(*r));

	len = sizeof(r->string);
	CHECK(TEE_GetPropertyAsString(ta, PROP_PREFIX "string", r->string, &len));
	len = sizeof(r->version);
	CHECK(TEE_GetPropertyAsString(ta, "gpd.ta.version", r->version, &len));
	len = sizeof(r->description);
	CHECK(TEE_GetPropertyAsString(ta, "gpd.ta.description", r->description, &len));

	CHECK(TEE_GetPropertyAsU32(ta, PROP_PREFIX "u32", &r->u32));
	CHECK(TEE_GetPropertyAsU64(ta, PROP_PREFIX "u64", &r->u64));
	CHECK(TEE_GetPropertyAsBool(ta, PROP_PREFIX "bool", &b));
	r->boolean = b;
	CHECK(TEE_GetPropertyAsUUID(ta, PROP_PREFIX "uuid", &uuid));
	put_uuid(&r->uuid, &uuid);
	CHECK(TEE_GetPropertyAsIdentity(ta, PROP_PREFIX "identity", &id));
	r->identity_login = id.login;
	put_uuid(&r->identity_uuid, &id.uuid);

	len = sizeof(r->blob);
	CHECK(TEE_GetPropertyAsBinaryBlock(ta, PROP_PREFIX "blob", r->blob, &len));
	r->blob_len = len;
	len = sizeof(small);
	r->blob_short_res =
	    TEE_GetPropertyAsBinaryBlock(ta, PROP_PREFIX "blob", small, &len);
	r->blob_short_len = len;

	CHECK(TEE_GetPropertyAsU32(ta, "gpd.ta.dataSize", &r->data_size));
	CHECK(count_ext(&r->ext_count));

	/* Every property also reads as a string; a u32 reads in decimal. */
	len = sizeof(str);
	CHECK(TEE_GetPropertyAsString(ta, PROP_PREFIX "u32", str, &len));
	r->u32_as_str = !strcmp(str, "12648430");
	DMSG("read %u extension properties, u32 as string \"%s\"", r->ext_count, str);
	return TEE_SUCCESS;
}
