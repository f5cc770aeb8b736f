/*
 * GP TEE Internal Core API 1.3, section 4.4, Property Access Functions.
 *
 * Three property sets are served, all from inside the TA process with no
 * round trip to the core:
 *  - TEE_PROPSET_CURRENT_TA: gpd.ta.appID (from __et_ta_head) followed by
 *    the TA's compiled-in ta_props[] (gpd.ta.* and its extension properties);
 *  - TEE_PROPSET_CURRENT_CLIENT: the identity of the client of the session
 *    being served (utee_cur) and its endianness;
 *  - TEE_PROPSET_TEE_IMPLEMENTATION: this TEE's own table below.
 *
 * Every property keeps its native type and is converted on read, following
 * the GP rule that a value readable as type X is one whose string view
 * parses as X (so "0x10", "4K" or a base64 string are accepted from string
 * properties). Base64 is left to OpenSSL's EVP decoder.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "utee_priv.h"

/*
 * A property as read from any of the sets. Fixed-size values are copied
 * rather than pointed to, so that computed ones (device ID, client
 * identity) need no storage that outlives the call.
 */
struct prop {
	const char *name;
	enum user_ta_prop_type type;
	union {
		bool b;
		uint32_t u32;
		uint64_t u64;
		TEE_UUID uuid;
		TEE_Identity id;
		const char *str; /* STRING, and BINARY_BLOCK as base64 text */
	} v;
};

/*
 * Enumerators are kept in a list so that a stale or forged handle is
 * detected and turned into the panic GP asks for, instead of being
 * dereferenced.
 */
struct prop_enum {
	struct prop_enum *next;
	TEE_PropSetHandle set; /* NULL until started */
	size_t idx;	       /* slot in set; == slot count past the end */
};

static pthread_mutex_t enum_lock = PTHREAD_MUTEX_INITIALIZER;
static struct prop_enum *enum_list;

#define PROP_DEVICE_ID "gpd.tee.deviceID"
#define PROP_APP_ID    "gpd.ta.appID"

static const uint32_t u32_0;
static const uint32_t u32_1 = 1;
static const uint32_t u32_100 = 100;
static const uint32_t u32_core_version = 0x01030100;
static const uint32_t u32_max_bigint = 4096;
static const bool bool_true = true;
static const bool bool_false;

/*
 * The device ID is the instance's, known only at run time: its entry has
 * no value and is filled from utee_device_id when read.
 */
static const struct user_ta_property tee_props[] = {
    {"gpd.tee.apiversion", USER_TA_PROP_TYPE_STRING, "1.3.1"},
    {"gpd.tee.internalCore.version", USER_TA_PROP_TYPE_U32, &u32_core_version},
    {"gpd.tee.description", USER_TA_PROP_TYPE_STRING, "edgetee"},
    {PROP_DEVICE_ID, USER_TA_PROP_TYPE_UUID, NULL},
    /* Time comes from the REE kernel, which the TEE cannot vouch for. */
    {"gpd.tee.systemTime.protectionLevel", USER_TA_PROP_TYPE_U32, &u32_100},
    {"gpd.tee.TAPersistentTime.protectionLevel", USER_TA_PROP_TYPE_U32, &u32_100},
    {"gpd.tee.arith.maxBigIntSize", USER_TA_PROP_TYPE_U32, &u32_max_bigint},
    {"gpd.tee.cryptography.ecc", USER_TA_PROP_TYPE_BOOL, &bool_true},
    {"gpd.tee.cryptography.nist", USER_TA_PROP_TYPE_BOOL, &bool_true},
    {"gpd.tee.cryptography.bsi-r", USER_TA_PROP_TYPE_BOOL, &bool_false},
    {"gpd.tee.cryptography.bsi-t", USER_TA_PROP_TYPE_BOOL, &bool_false},
    {"gpd.tee.cryptography.ietf", USER_TA_PROP_TYPE_BOOL, &bool_true},
    {"gpd.tee.cryptography.octa", USER_TA_PROP_TYPE_BOOL, &bool_false},
    /* Storage lives in REE files with no rollback protection yet. */
    {"gpd.tee.trustedStorage.antiRollback.protectionLevel", USER_TA_PROP_TYPE_U32,
     &u32_0},
    {"gpd.tee.trustedStorage.rollbackDetection.protectionLevel", USER_TA_PROP_TYPE_U32,
     &u32_0},
    {"gpd.tee.trustedos.implementation.version", USER_TA_PROP_TYPE_STRING, "edgetee 0.1"},
    {"gpd.tee.trustedos.implementation.binaryversion", USER_TA_PROP_TYPE_U32, &u32_1},
    {"gpd.tee.trustedos.manufacturer", USER_TA_PROP_TYPE_STRING, "edgetee"},
    {"gpd.tee.firmware.implementation.version", USER_TA_PROP_TYPE_STRING, "edgetee 0.1"},
    {"gpd.tee.firmware.implementation.binaryversion", USER_TA_PROP_TYPE_U32, &u32_1},
    {"gpd.tee.firmware.manufacturer", USER_TA_PROP_TYPE_STRING, "edgetee"},
    {"gpd.tee.event.maxSources", USER_TA_PROP_TYPE_U32, &u32_0},
};

#define TEE_NUM_PROPS (sizeof(tee_props) / sizeof(tee_props[0]))

static __attribute__((noreturn)) void prop_panic(const char *func, const char *why)
{
	EMSG("%s: %s", func, why);
	TEE_Panic(0);
}

static bool is_pseudo_handle(TEE_PropSetHandle h)
{
	return h == TEE_PROPSET_CURRENT_TA || h == TEE_PROPSET_CURRENT_CLIENT ||
	       h == TEE_PROPSET_TEE_IMPLEMENTATION;
}

/* ------------------------------------------------------------------------
 * Parsing of the GP string forms
 * ------------------------------------------------------------------------ */

static unsigned int digit_val(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned int)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (unsigned int)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (unsigned int)(c - 'A' + 10);
	return 99;
}

/*
 * GP integer syntax: [0-9_]+[KM]? | 0[xX][0-9a-fA-F_]+ | 0[bB][01_]+.
 * K and M are binary multipliers, the convention of sizes such as
 * gpd.ta.dataSize. Anything outside [0, max] is a format error.
 */
static bool parse_int(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	const char *end = s + len;
	unsigned int base = 10;
	bool digits = false;
	uint64_t v = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (len > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
		base = 2;
		s += 2;
	}

	for (; s < end; s++) {
		unsigned int d;

		if (*s == '_')
			continue;
		d = digit_val(*s);
		if (d >= base)
			break;
		if (v > (max - d) / base)
			return false;
		v = v * base + d;
		digits = true;
	}
	if (!digits)
		return false;

	if (base == 10 && s < end && (*s == 'K' || *s == 'M')) {
		unsigned int shift = *s == 'K' ? 10 : 20;

		if (v > (max >> shift))
			return false;
		v <<= shift;
		s++;
	}
	if (s != end)
		return false;

	*out = v;
	return true;
}

/* Canonical 8-4-4-4-12 form; GP does not fix the case of hex digits. */
static bool parse_uuid(const char *s, size_t len, TEE_UUID *uuid)
{
	uint8_t b[16];
	size_t i, n = 0;

	if (len != 36)
		return false;
	for (i = 0; i < 36;) {
		unsigned int hi, lo;

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
			i++;
			continue;
		}
		hi = digit_val(s[i]);
		lo = digit_val(s[i + 1]);
		if (hi > 15 || lo > 15)
			return false;
		b[n++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}

	uuid->timeLow =
	    (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	uuid->timeMid = (uint16_t)(b[4] << 8 | b[5]);
	uuid->timeHiAndVersion = (uint16_t)(b[6] << 8 | b[7]);
	memcpy(uuid->clockSeqAndNode, b + 8, 8);
	return true;
}

static void format_uuid(const TEE_UUID *u, char *buf, size_t size)
{
	const uint8_t *c = u->clockSeqAndNode;

	snprintf(buf, size,
		 "%08" PRIx32 "-%04" PRIx16 "-%04" PRIx16
		 "-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u->timeLow, u->timeMid, u->timeHiAndVersion, c[0], c[1], c[2], c[3],
		 c[4], c[5], c[6], c[7]);
}

/*
 * GP identity syntax: integer (':' uuid)?, the UUID being nil when
 * absent (as for TEE_LOGIN_PUBLIC).
 */
static bool parse_identity(const char *s, TEE_Identity *id)
{
	const char *colon = strchr(s, ':');
	size_t ilen = colon ? (size_t)(colon - s) : strlen(s);
	uint64_t login;

	if (!parse_int(s, ilen, UINT32_MAX, &login))
		return false;
	if (colon) {
		if (!parse_uuid(colon + 1, strlen(colon + 1), &id->uuid))
			return false;
	} else {
		memset(&id->uuid, 0, sizeof(id->uuid));
	}
	id->login = (uint32_t)login;
	return true;
}

/*
 * EVP_DecodeUpdate silently stops at '-' (its PEM end marker) and takes
 * '=' before the end, so check the alphabet first: a string property that
 * is only partly base64 must read as BAD_FORMAT, not as a truncated block.
 * Whitespace is allowed as long stored blocks may be wrapped.
 */
static bool b64_alphabet_ok(const char *s)
{
	bool pad = false;

	for (; *s; s++) {
		char c = *s;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad = true;
			continue;
		}
		if (pad)
			return false;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '+' || c == '/'))
			return false;
	}
	return true;
}

/*
 * Decode base64 text into buf (cap bytes); *len gets the full decoded size
 * even when it exceeds cap, so that SHORT_BUFFER can report it. Decoding
 * runs in chunks through a small stack buffer to avoid a heap allocation
 * sized by the property.
 */
static TEE_Result b64_decode(const char *txt, uint8_t *buf, size_t cap, size_t *len)
{
	unsigned char tmp[128];
	EVP_ENCODE_CTX *ctx;
	size_t left = strlen(txt);
	size_t total = 0;
	int outl;

	if (!b64_alphabet_ok(txt))
		return TEE_ERROR_BAD_FORMAT;

	ctx = EVP_ENCODE_CTX_new();
	if (!ctx)
		prop_panic(__func__, "out of memory for the base64 decoder");
	EVP_DecodeInit(ctx);

	/* 64 input chars never yield more than 2 * 48 bytes (tmp). */
	while (left) {
		int inl = left > 64 ? 64 : (int)left;

		if (EVP_DecodeUpdate(ctx, tmp, &outl, (const unsigned char *)txt, inl) <
		    0)
			goto bad;
		txt += inl;
		left -= (size_t)inl;
		if (total < cap)
			memcpy(buf + total, tmp,
			       cap - total < (size_t)outl ? cap - total : (size_t)outl);
		total += (size_t)outl;
	}
	if (EVP_DecodeFinal(ctx, tmp, &outl) < 0)
		goto bad;
	if (total < cap)
		memcpy(buf + total, tmp,
		       cap - total < (size_t)outl ? cap - total : (size_t)outl);
	total += (size_t)outl;

	EVP_ENCODE_CTX_free(ctx);
	*len = total;
	return TEE_SUCCESS;
bad:
	EVP_ENCODE_CTX_free(ctx);
	return TEE_ERROR_BAD_FORMAT;
}

/* ------------------------------------------------------------------------
 * Property sets as arrays of slots
 *
 * A slot may be empty (client set outside a session, device ID not known,
 * malformed ta_props entry); lookups and enumerators skip empty slots, so
 * a set is seen the same way by name and by enumeration.
 * ------------------------------------------------------------------------ */

static size_t set_nslots(TEE_PropSetHandle set)
{
	if (set == TEE_PROPSET_CURRENT_TA)
		return 1 + ta_num_props;
	if (set == TEE_PROPSET_CURRENT_CLIENT)
		return 2;
	if (set == TEE_PROPSET_TEE_IMPLEMENTATION)
		return TEE_NUM_PROPS;
	return 0;
}

static bool load_static(const struct user_ta_property *ep, struct prop *p)
{
	if (!ep->name || !ep->value)
		return false;

	p->name = ep->name;
	p->type = ep->type;
	switch (ep->type) {
	case USER_TA_PROP_TYPE_BOOL:
		p->v.b = *(const bool *)ep->value;
		return true;
	case USER_TA_PROP_TYPE_U32:
		p->v.u32 = *(const uint32_t *)ep->value;
		return true;
	case USER_TA_PROP_TYPE_U64:
		p->v.u64 = *(const uint64_t *)ep->value;
		return true;
	case USER_TA_PROP_TYPE_UUID:
		p->v.uuid = *(const TEE_UUID *)ep->value;
		return true;
	case USER_TA_PROP_TYPE_IDENTITY:
		p->v.id = *(const TEE_Identity *)ep->value;
		return true;
	case USER_TA_PROP_TYPE_STRING:
	case USER_TA_PROP_TYPE_BINARY_BLOCK:
		p->v.str = ep->value;
		return true;
	default:
		return false;
	}
}

static bool slot_get(TEE_PropSetHandle set, size_t idx, struct prop *p)
{
	if (set == TEE_PROPSET_CURRENT_TA) {
		if (idx == 0) {
			p->name = PROP_APP_ID;
			p->type = USER_TA_PROP_TYPE_UUID;
			p->v.uuid = __et_ta_head.uuid;
			return true;
		}
		if (idx > ta_num_props)
			return false;
		/* appID is ours to give; never list it twice. */
		if (ta_props[idx - 1].name &&
		    !strcmp(ta_props[idx - 1].name, PROP_APP_ID))
			return false;
		return load_static(&ta_props[idx - 1], p);
	}

	if (set == TEE_PROPSET_CURRENT_CLIENT) {
		/* Create/Destroy run with no session, hence no client. */
		if (!utee_cur)
			return false;
		if (idx == 0) {
			p->name = "gpd.client.identity";
			p->type = USER_TA_PROP_TYPE_IDENTITY;
			p->v.id = utee_cur->client;
			return true;
		}
		if (idx == 1) {
			/* Clients run on this very machine. */
			p->name = "gpd.client.endian";
			p->type = USER_TA_PROP_TYPE_U32;
			p->v.u32 = 0;
			return true;
		}
		return false;
	}

	if (set == TEE_PROPSET_TEE_IMPLEMENTATION) {
		if (idx >= TEE_NUM_PROPS)
			return false;
		if (!tee_props[idx].value) {
			/* The device ID; absent rather than made up. */
			if (!utee_device_id ||
			    !parse_uuid(utee_device_id, strlen(utee_device_id),
					&p->v.uuid))
				return false;
			p->name = tee_props[idx].name;
			p->type = USER_TA_PROP_TYPE_UUID;
			return true;
		}
		return load_static(&tee_props[idx], p);
	}

	return false;
}

/* First non-empty slot at or after idx, or the slot count if none. */
static size_t slot_next(TEE_PropSetHandle set, size_t idx)
{
	size_t n = set_nslots(set);
	struct prop p;

	while (idx < n && !slot_get(set, idx, &p))
		idx++;
	return idx;
}

/* Caller holds enum_lock. */
static struct prop_enum *enum_find(TEE_PropSetHandle h)
{
	struct prop_enum *pe;

	for (pe = enum_list; pe; pe = pe->next)
		if ((TEE_PropSetHandle)pe == h)
			return pe;
	return NULL;
}

/* Snapshot of an enumerator's position; panics on a bad handle. */
static void enum_state(const char *func, TEE_PropSetHandle h, TEE_PropSetHandle *set,
		       size_t *idx)
{
	struct prop_enum *pe;

	pthread_mutex_lock(&enum_lock);
	pe = enum_find(h);
	if (pe) {
		*set = pe->set;
		*idx = pe->idx;
	}
	pthread_mutex_unlock(&enum_lock);
	if (!pe)
		prop_panic(func, "invalid property enumerator handle");
}

/*
 * The property named `name` in a pseudo-handle's set, or the one under an
 * enumerator (whose name argument GP makes irrelevant, so it is ignored).
 */
static TEE_Result get_prop(const char *func, TEE_PropSetHandle h, const char *name,
			   struct prop *p)
{
	TEE_PropSetHandle set;
	size_t idx, n;

	if (is_pseudo_handle(h)) {
		if (!name)
			prop_panic(func, "NULL property name");
		n = set_nslots(h);
		for (idx = 0; idx < n; idx++)
			if (slot_get(h, idx, p) && !strcmp(p->name, name))
				return TEE_SUCCESS;
		return TEE_ERROR_ITEM_NOT_FOUND;
	}

	enum_state(func, h, &set, &idx);
	if (!set || !slot_get(set, idx, p))
		return TEE_ERROR_ITEM_NOT_FOUND;
	return TEE_SUCCESS;
}

/* [outstring] rule: the needed size counts the terminating zero. */
static TEE_Result copy_string(const char *s, char *buf, size_t *len)
{
	size_t need = strlen(s) + 1;

	if (*len < need) {
		*len = need;
		return TEE_ERROR_SHORT_BUFFER;
	}
	memcpy(buf, s, need);
	*len = need;
	return TEE_SUCCESS;
}

static void check_outbuf(const char *func, const void *buf, size_t *len)
{
	/* A NULL buffer is how a caller asks for the size only. */
	if (!len || (!buf && *len))
		prop_panic(func, "invalid output buffer");
}

/* ------------------------------------------------------------------------
 * Property access
 * ------------------------------------------------------------------------ */

TEE_Result TEE_GetPropertyAsString(TEE_PropSetHandle propsetOrEnumerator,
				   const char *name, char *valueBuffer,
				   size_t *valueBufferLen)
{
	char tmp[64];
	const char *s = tmp;
	struct prop p;
	TEE_Result res;

	check_outbuf(__func__, valueBuffer, valueBufferLen);
	res = get_prop(__func__, propsetOrEnumerator, name, &p);
	if (res)
		return res;

	switch (p.type) {
	case USER_TA_PROP_TYPE_BOOL:
		s = p.v.b ? "true" : "false";
		break;
	case USER_TA_PROP_TYPE_U32:
		snprintf(tmp, sizeof(tmp), "%" PRIu32, p.v.u32);
		break;
	case USER_TA_PROP_TYPE_U64:
		snprintf(tmp, sizeof(tmp), "%" PRIu64, p.v.u64);
		break;
	case USER_TA_PROP_TYPE_UUID:
		format_uuid(&p.v.uuid, tmp, sizeof(tmp));
		break;
	case USER_TA_PROP_TYPE_IDENTITY: {
		/* Login in decimal, as OP-TEE prints it. */
		int n = snprintf(tmp, sizeof(tmp), "%" PRIu32 ":", p.v.id.login);

		format_uuid(&p.v.id.uuid, tmp + n, sizeof(tmp) - (size_t)n);
		break;
	}
	case USER_TA_PROP_TYPE_STRING:
	case USER_TA_PROP_TYPE_BINARY_BLOCK:
		/* A binary block's string view is its base64 text. */
		s = p.v.str;
		break;
	default:
		return TEE_ERROR_BAD_FORMAT;
	}

	return copy_string(s, valueBuffer, valueBufferLen);
}

TEE_Result TEE_GetPropertyAsBool(TEE_PropSetHandle propsetOrEnumerator, const char *name,
				 bool *value)
{
	struct prop p;
	TEE_Result res;

	if (!value)
		prop_panic(__func__, "NULL value");
	res = get_prop(__func__, propsetOrEnumerator, name, &p);
	if (res)
		return res;

	if (p.type == USER_TA_PROP_TYPE_BOOL) {
		*value = p.v.b;
		return TEE_SUCCESS;
	}
	if (p.type == USER_TA_PROP_TYPE_STRING) {
		if (!strcasecmp(p.v.str, "true")) {
			*value = true;
			return TEE_SUCCESS;
		}
		if (!strcasecmp(p.v.str, "false")) {
			*value = false;
			return TEE_SUCCESS;
		}
	}
	return TEE_ERROR_BAD_FORMAT;
}

static TEE_Result prop_to_uint(const struct prop *p, uint64_t max, uint64_t *out)
{
	switch (p->type) {
	case USER_TA_PROP_TYPE_U32:
		*out = p->v.u32;
		return TEE_SUCCESS;
	case USER_TA_PROP_TYPE_U64:
		/* Its decimal string view is a valid integer if it fits. */
		if (p->v.u64 > max)
			return TEE_ERROR_BAD_FORMAT;
		*out = p->v.u64;
		return TEE_SUCCESS;
	case USER_TA_PROP_TYPE_STRING:
		if (parse_int(p->v.str, strlen(p->v.str), max, out))
			return TEE_SUCCESS;
		return TEE_ERROR_BAD_FORMAT;
	default:
		return TEE_ERROR_BAD_FORMAT;
	}
}

TEE_Result TEE_GetPropertyAsU32(TEE_PropSetHandle propsetOrEnumerator, const char *name,
				uint32_t *value)
{
	struct prop p;
	TEE_Result res;
	uint64_t v;

	if (!value)
		prop_panic(__func__, "NULL value");
	res = get_prop(__func__, propsetOrEnumerator, name, &p);
	if (res)
		return res;
	res = prop_to_uint(&p, UINT32_MAX, &v);
	if (res)
		return res;
	*value = (uint32_t)v;
	return TEE_SUCCESS;
}

TEE_Result TEE_GetPropertyAsU64(TEE_PropSetHandle propsetOrEnumerator, const char *name,
				uint64_t *value)
{
	struct prop p;
	TEE_Result res;
	uint64_t v;

	if (!value)
		prop_panic(__func__, "NULL value");
	res = get_prop(__func__, propsetOrEnumerator, name, &p);
	if (res)
		return res;
	res = prop_to_uint(&p, UINT64_MAX, &v);
	if (res)
		return res;
	*value = v;
	return TEE_SUCCESS;
}

TEE_Result TEE_GetPropertyAsBinaryBlock(TEE_PropSetHandle propsetOrEnumerator,
					const char *name, void *valueBuffer,
					size_t *valueBufferLen)
{
	struct prop p;
	TEE_Result res;
	size_t len;

	check_outbuf(__func__, valueBuffer, valueBufferLen);
	res = get_prop(__func__, propsetOrEnumerator, name, &p);
	if (res)
		return res;
	if (p.type != USER_TA_PROP_TYPE_BINARY_BLOCK &&
	    p.type != USER_TA_PROP_TYPE_STRING)
		return TEE_ERROR_BAD_FORMAT;

	/* Size first, so that a short buffer is left as the caller had it. */
	res = b64_decode(p.v.str, NULL, 0, &len);
	if (res)
		return res;
	if (len > *valueBufferLen) {
		*valueBufferLen = len;
		return TEE_ERROR_SHORT_BUFFER;
	}
	res = b64_decode(p.v.str, valueBuffer, len, &len);
	if (res)
		return res;
	*valueBufferLen = len;
	return TEE_SUCCESS;
}

TEE_Result TEE_GetPropertyAsUUID(TEE_PropSetHandle propsetOrEnumerator, const char *name,
				 TEE_UUID *value)
{
	struct prop p;
	TEE_Result res;

	if (!value)
		prop_panic(__func__, "NULL value");
	res = get_prop(__func__, propsetOrEnumerator, name, &p);
	if (res)
		return res;

	if (p.type == USER_TA_PROP_TYPE_UUID) {
		*value = p.v.uuid;
		return TEE_SUCCESS;
	}
	if (p.type == USER_TA_PROP_TYPE_STRING &&
	    parse_uuid(p.v.str, strlen(p.v.str), value))
		return TEE_SUCCESS;
	return TEE_ERROR_BAD_FORMAT;
}

TEE_Result TEE_GetPropertyAsIdentity(TEE_PropSetHandle propsetOrEnumerator,
				     const char *name, TEE_Identity *value)
{
	TEE_Identity id;
	struct prop p;
	TEE_Result res;

	if (!value)
		prop_panic(__func__, "NULL value");
	res = get_prop(__func__, propsetOrEnumerator, name, &p);
	if (res)
		return res;

	if (p.type == USER_TA_PROP_TYPE_IDENTITY) {
		*value = p.v.id;
		return TEE_SUCCESS;
	}
	/* Parse aside so that a failure leaves *value untouched. */
	if (p.type == USER_TA_PROP_TYPE_STRING && parse_identity(p.v.str, &id)) {
		*value = id;
		return TEE_SUCCESS;
	}
	return TEE_ERROR_BAD_FORMAT;
}

/* ------------------------------------------------------------------------
 * Enumerators
 * ------------------------------------------------------------------------ */

TEE_Result TEE_AllocatePropertyEnumerator(TEE_PropSetHandle *enumerator)
{
	struct prop_enum *pe;

	if (!enumerator)
		prop_panic(__func__, "NULL enumerator pointer");

	/* Counted against the TA heap like any other TA allocation. */
	pe = TEE_Malloc(sizeof(*pe), TEE_MALLOC_FILL_ZERO);
	if (!pe)
		return TEE_ERROR_OUT_OF_MEMORY;

	pthread_mutex_lock(&enum_lock);
	pe->next = enum_list;
	enum_list = pe;
	pthread_mutex_unlock(&enum_lock);

	*enumerator = (TEE_PropSetHandle)pe;
	return TEE_SUCCESS;
}

void TEE_FreePropertyEnumerator(TEE_PropSetHandle enumerator)
{
	struct prop_enum **pp;
	struct prop_enum *pe = NULL;

	/* Like the other Free functions of GP 1.2+, NULL is a no-op. */
	if (enumerator == TEE_HANDLE_NULL)
		return;

	pthread_mutex_lock(&enum_lock);
	for (pp = &enum_list; *pp; pp = &(*pp)->next) {
		if ((TEE_PropSetHandle)*pp == enumerator) {
			pe = *pp;
			*pp = pe->next;
			break;
		}
	}
	pthread_mutex_unlock(&enum_lock);

	if (!pe)
		prop_panic(__func__, "invalid property enumerator handle");
	TEE_Free(pe);
}

void TEE_StartPropertyEnumerator(TEE_PropSetHandle enumerator, TEE_PropSetHandle propSet)
{
	struct prop_enum *pe;

	if (!is_pseudo_handle(propSet))
		prop_panic(__func__, "not a property set pseudo-handle");

	pthread_mutex_lock(&enum_lock);
	pe = enum_find(enumerator);
	if (pe) {
		pe->set = propSet;
		pe->idx = slot_next(propSet, 0);
	}
	pthread_mutex_unlock(&enum_lock);

	if (!pe)
		prop_panic(__func__, "invalid property enumerator handle");
}

void TEE_ResetPropertyEnumerator(TEE_PropSetHandle enumerator)
{
	struct prop_enum *pe;

	pthread_mutex_lock(&enum_lock);
	pe = enum_find(enumerator);
	if (pe) {
		pe->set = NULL;
		pe->idx = 0;
	}
	pthread_mutex_unlock(&enum_lock);

	if (!pe)
		prop_panic(__func__, "invalid property enumerator handle");
}

TEE_Result TEE_GetPropertyName(TEE_PropSetHandle enumerator, void *nameBuffer,
			       size_t *nameBufferLen)
{
	TEE_PropSetHandle set;
	struct prop p;
	size_t idx;

	check_outbuf(__func__, nameBuffer, nameBufferLen);
	enum_state(__func__, enumerator, &set, &idx);
	if (!set || !slot_get(set, idx, &p))
		return TEE_ERROR_ITEM_NOT_FOUND;
	return copy_string(p.name, nameBuffer, nameBufferLen);
}

TEE_Result TEE_GetNextProperty(TEE_PropSetHandle enumerator)
{
	TEE_Result res = TEE_ERROR_ITEM_NOT_FOUND;
	struct prop_enum *pe;

	pthread_mutex_lock(&enum_lock);
	pe = enum_find(enumerator);
	if (pe && pe->set) {
		size_t n = set_nslots(pe->set);

		/* Past the end it stays at the end: no wrap-around. */
		if (pe->idx < n)
			pe->idx = slot_next(pe->set, pe->idx + 1);
		if (pe->idx < n)
			res = TEE_SUCCESS;
	}
	pthread_mutex_unlock(&enum_lock);

	if (!pe)
		prop_panic(__func__, "invalid property enumerator handle");
	return res;
}

/* ---- GP 1.1 compatibility (uint32_t lengths), see tee_api_compat.h ---- */

static uint32_t clamp32(size_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

TEE_Result __GP11_TEE_GetPropertyAsString(TEE_PropSetHandle propsetOrEnumerator,
					  const char *name, char *valueBuffer,
					  uint32_t *valueBufferLen)
{
	size_t l = valueBufferLen ? *valueBufferLen : 0;
	TEE_Result r = TEE_GetPropertyAsString(propsetOrEnumerator, name, valueBuffer,
					       valueBufferLen ? &l : NULL);
	if (valueBufferLen)
		*valueBufferLen = clamp32(l);
	return r;
}

TEE_Result __GP11_TEE_GetPropertyAsBinaryBlock(TEE_PropSetHandle propsetOrEnumerator,
					       const char *name, void *valueBuffer,
					       uint32_t *valueBufferLen)
{
	size_t l = valueBufferLen ? *valueBufferLen : 0;
	TEE_Result r = TEE_GetPropertyAsBinaryBlock(
	    propsetOrEnumerator, name, valueBuffer, valueBufferLen ? &l : NULL);
	if (valueBufferLen)
		*valueBufferLen = clamp32(l);
	return r;
}

TEE_Result __GP11_TEE_GetPropertyName(TEE_PropSetHandle enumerator, void *nameBuffer,
				      uint32_t *nameBufferLen)
{
	size_t l = nameBufferLen ? *nameBufferLen : 0;
	TEE_Result r =
	    TEE_GetPropertyName(enumerator, nameBuffer, nameBufferLen ? &l : NULL);
	if (nameBufferLen)
		*nameBufferLen = clamp32(l);
	return r;
}
