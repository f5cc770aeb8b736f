/*
 * GP Internal Core API 5.7-5.9: persistent objects, their enumeration and
 * their data streams (and the GP 1.1 __GP11_ variants).
 *
 * The TA process cannot open files (seccomp) and never sees a storage key:
 * every call is a request to the storage service in edgeteed over fd 6
 * (protocol: src/common/storproto.h), which encrypts, authenticates and
 * commits durably before it answers. Object data crosses through a shared
 * region the service sent once, in chunks of up to 1 MiB.
 *
 * A persistent object is an ordinary object handle (tee_obj.h) with
 * TEE_HANDLE_FLAG_PERSISTENT set, its attributes restored from storage, and
 * the service's handle in o->pobj; dataSize and dataPosition live in
 * o->info as GP describes. Sequential reads through a handle that does not
 * share writing are served ahead from the region (read-ahead), which is
 * safe because no other handle can write the object meanwhile.
 *
 * Panics follow GP and OP-TEE: object IDs longer than TEE_OBJECT_ID_MAX_LEN,
 * unknown flag bits, a NULL buffer with a length, handles that are not
 * persistent objects, and operations the handle was not opened for.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include <tee_api_defines_extensions.h>

#include "fdio.h"
#include "storproto.h"
#include "tee_obj.h"
#include "utee_priv.h"

#define ACCESS_BITS                                                                      \
	(TEE_DATA_FLAG_ACCESS_READ | TEE_DATA_FLAG_ACCESS_WRITE |                        \
	 TEE_DATA_FLAG_ACCESS_WRITE_META | TEE_DATA_FLAG_SHARE_READ |                    \
	 TEE_DATA_FLAG_SHARE_WRITE)
#define ENUM_MAGIC 0x454e554du
#define RA_MIN	   (16u * 1024)

struct pobj {
	uint32_t handle; /* the service's */
	uint32_t ra;	 /* read-ahead size, grows on sequential reads */
	uint64_t last_end;
};

struct __TEE_ObjectEnumHandle {
	uint32_t magic;
	int started;
	uint32_t storage;
	uint64_t next;
	struct __TEE_ObjectEnumHandle *link;
};

static pthread_mutex_t st_lock = PTHREAD_MUTEX_INITIALIZER;
static uint8_t *region;
static int st_dead;
static uint32_t st_seq;
static struct __TEE_ObjectEnumHandle *enums;
/* What the region's data area holds for read-ahead (NULL: nothing). */
static struct __TEE_ObjectHandle *ra_owner;
static uint64_t ra_pos, ra_len;

static TEE_Result st_init(void)
{
	if (region)
		return TEE_SUCCESS;
	if (st_dead)
		return TEE_ERROR_STORAGE_NOT_AVAILABLE;
	struct et_stor_hello h;
	int fd = -1, nfds = 1;
	ssize_t n = et_recv(ET_STOR_FD, &h, sizeof(h), &fd, &nfds);
	size_t sz = 0;
	if (n == (ssize_t)sizeof(h) && h.type == ET_STOR_HELLO && nfds == 1 &&
	    et_memfd_check(fd, &sz) == 0 && sz >= ET_STOR_REGION) {
		void *p =
		    mmap(NULL, ET_STOR_REGION, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p != MAP_FAILED)
			region = p;
	}
	if (nfds == 1)
		close(fd);
	if (!region) {
		st_dead = 1;
		EMSG("trusted storage: no connection to the storage service");
		return TEE_ERROR_STORAGE_NOT_AVAILABLE;
	}
	return TEE_SUCCESS;
}

/* One request/reply with the service; st_lock held. */
static TEE_Result call(struct et_stor_req *q, struct et_stor_rep *p)
{
	TEE_Result r = st_init();
	if (r != TEE_SUCCESS)
		return r;
	ra_owner = NULL; /* the reply may reuse the data area */
	q->seq = ++st_seq;
	memset(p, 0, sizeof(*p));
	int sr = et_send(ET_STOR_FD, q, sizeof(*q), NULL, 0);
	/* Blocking, no spinning: the reply waits for an fdatasync, and a
	 * spinning TA only takes CPU from the service (measured slower). */
	ssize_t rr = sr ? 0 : et_recv(ET_STOR_FD, p, sizeof(*p), NULL, NULL);
	if (sr || rr != (ssize_t)sizeof(*p) || p->seq != q->seq) {
		st_dead = 1;
		EMSG("trusted storage: the storage service went away");
		return TEE_ERROR_STORAGE_NOT_AVAILABLE;
	}
	return p->ret;
}

/* Results GP allows a function to return; anything else panics (OP-TEE). */
static TEE_Result allowed(TEE_Result r, const TEE_Result *ok, size_t n)
{
	if (r == TEE_SUCCESS)
		return r;
	for (size_t i = 0; i < n; i++)
		if (ok[i] == r)
			return r;
	TEE_Panic(r);
}
#define ALLOWED(r, ...)                                                                  \
	allowed((r), (const TEE_Result[]){__VA_ARGS__},                                  \
		sizeof((const TEE_Result[]){__VA_ARGS__}) / sizeof(TEE_Result))

static int storage_ok(uint32_t s)
{
	return s == TEE_STORAGE_PRIVATE || s == TEE_STORAGE_PRIVATE_REE;
}

static void check_id(const void *id, size_t len)
{
	if (len > TEE_OBJECT_ID_MAX_LEN || (!id && len))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
}

static struct __TEE_ObjectHandle *pobj_get(TEE_ObjectHandle h)
{
	struct __TEE_ObjectHandle *o = utee_obj_get(h);
	if (!(o->info.handleFlags & TEE_HANDLE_FLAG_PERSISTENT) || !o->pobj)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	return o;
}

static uint32_t hnd_of(struct __TEE_ObjectHandle *o)
{
	return ((struct pobj *)o->pobj)->handle;
}

/* Tell the service and free the handle (st_lock held). */
static void close_locked(struct __TEE_ObjectHandle *o)
{
	struct et_stor_req q = {.type = ET_STOR_CLOSE, .handle = hnd_of(o)};
	struct et_stor_rep p;
	call(&q, &p);
	free(o->pobj);
	o->pobj = NULL;
	utee_obj_release(o);
}

/* GP/OP-TEE: a corrupt object's handle is closed unless the TA asked
 * otherwise (TA_FLAG_DONT_CLOSE_HANDLE_ON_CORRUPT_OBJECT). */
static TEE_Result corrupt_check(struct __TEE_ObjectHandle *o, TEE_Result r)
{
	if (r == TEE_ERROR_CORRUPT_OBJECT &&
	    !(__et_ta_head.flags & TA_FLAG_DONT_CLOSE_HANDLE_ON_CORRUPT_OBJECT))
		close_locked(o);
	return r;
}

void utee_pobj_close(struct __TEE_ObjectHandle *o)
{
	pthread_mutex_lock(&st_lock);
	close_locked(o);
	pthread_mutex_unlock(&st_lock);
}

/* ---- attribute blobs: u32 count, then per attribute u32 id, a, b, len, bytes */

static size_t blob_size(const struct __TEE_ObjectHandle *o)
{
	size_t n = 4;
	for (uint32_t i = 0; i < o->nattrs; i++)
		n += 16 + o->attrs[i].len;
	return n;
}

static void put32(uint8_t **p, uint32_t v)
{
	memcpy(*p, &v, 4);
	*p += 4;
}

static void blob_write(const struct __TEE_ObjectHandle *o, uint8_t *b)
{
	put32(&b, o->nattrs);
	for (uint32_t i = 0; i < o->nattrs; i++) {
		const struct utee_attr *a = &o->attrs[i];
		put32(&b, a->id);
		put32(&b, a->a);
		put32(&b, a->b);
		put32(&b, (uint32_t)a->len);
		if (a->len)
			memcpy(b, a->buf, a->len);
		b += a->len;
	}
}

static TEE_Result blob_read(struct __TEE_ObjectHandle *o, const uint8_t *b, size_t len)
{
	uint32_t n, v[4];
	if (!len)
		return TEE_SUCCESS;
	if (len < 4)
		return TEE_ERROR_CORRUPT_OBJECT;
	memcpy(&n, b, 4);
	size_t off = 4;
	for (uint32_t i = 0; i < n; i++) {
		if (len - off < 16)
			return TEE_ERROR_CORRUPT_OBJECT;
		memcpy(v, b + off, 16);
		off += 16;
		if (len - off < v[3])
			return TEE_ERROR_CORRUPT_OBJECT;
		TEE_Result r = utee_obj_restore_attr(o, v[0], v[1], v[2], b + off, v[3]);
		if (r != TEE_SUCCESS)
			return r == TEE_ERROR_OUT_OF_MEMORY ? r
							    : TEE_ERROR_CORRUPT_OBJECT;
		off += v[3];
	}
	return utee_obj_restore_done(o);
}

/* A handle for an object the service opened (st_lock held). */
static TEE_Result make_handle(const struct et_stor_rep *p, uint32_t flags,
			      const uint8_t *blob, size_t blen, TEE_ObjectHandle *out)
{
	struct __TEE_ObjectHandle *o = utee_obj_alloc();
	struct pobj *po = calloc(1, sizeof(*po));
	if (!o || !po) {
		struct et_stor_req q = {.type = ET_STOR_CLOSE, .handle = p->handle};
		struct et_stor_rep r;
		call(&q, &r);
		free(po);
		if (o)
			utee_obj_release(o);
		return TEE_ERROR_OUT_OF_MEMORY;
	}
	po->handle = p->handle;
	po->ra = RA_MIN;
	o->pobj = po;
	o->info.objectType = p->obj_type;
	o->info.objectSize = p->obj_size;
	o->info.maxObjectSize = p->max_size;
	o->info.objectUsage = p->usage;
	o->info.dataSize = (size_t)p->size;
	o->info.dataPosition = 0;
	o->info.handleFlags = TEE_HANDLE_FLAG_PERSISTENT | TEE_HANDLE_FLAG_INITIALIZED |
			      (flags & ACCESS_BITS);
	TEE_Result r = blob_read(o, blob, blen);
	if (r != TEE_SUCCESS) {
		close_locked(o);
		return r;
	}
	*out = o;
	return TEE_SUCCESS;
}

/* ---- 5.7 Persistent object functions ------------------------------------ */

TEE_Result TEE_OpenPersistentObject(uint32_t storageID, const void *objectID,
				    size_t objectIDLen, uint32_t flags,
				    TEE_ObjectHandle *object)
{
	if (!object)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	*object = TEE_HANDLE_NULL;
	check_id(objectID, objectIDLen);
	if (flags & ~ACCESS_BITS)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if (!storage_ok(storageID))
		return TEE_ERROR_ITEM_NOT_FOUND;
	struct et_stor_req q = {.type = ET_STOR_OPEN,
				.storage = storageID,
				.flags = flags,
				.id_len = (uint32_t)objectIDLen};
	if (objectIDLen)
		memcpy(q.id, objectID, objectIDLen);
	struct et_stor_rep p;
	pthread_mutex_lock(&st_lock);
	TEE_Result r = call(&q, &p);
	if (r == TEE_SUCCESS) {
		/* Copy the attributes out of the region before it is reused. */
		uint8_t *blob = p.attr_len ? malloc(p.attr_len) : NULL;
		if (p.attr_len && !blob) {
			struct et_stor_req c = {.type = ET_STOR_CLOSE,
						.handle = p.handle};
			struct et_stor_rep cr;
			call(&c, &cr);
			r = TEE_ERROR_OUT_OF_MEMORY;
		} else {
			if (blob)
				memcpy(blob, region, p.attr_len);
			r = make_handle(&p, flags, blob, p.attr_len, object);
			if (blob) {
				OPENSSL_cleanse(blob, p.attr_len);
				free(blob);
			}
		}
	}
	pthread_mutex_unlock(&st_lock);
	return ALLOWED(r, TEE_ERROR_ITEM_NOT_FOUND, TEE_ERROR_ACCESS_CONFLICT,
		       TEE_ERROR_OUT_OF_MEMORY, TEE_ERROR_CORRUPT_OBJECT,
		       TEE_ERROR_STORAGE_NOT_AVAILABLE);
}

TEE_Result TEE_CreatePersistentObject(uint32_t storageID, const void *objectID,
				      size_t objectIDLen, uint32_t flags,
				      TEE_ObjectHandle attributes,
				      const void *initialData, size_t initialDataLen,
				      TEE_ObjectHandle *object)
{
	if (object)
		*object = TEE_HANDLE_NULL;
	check_id(objectID, objectIDLen);
	if (flags & ~(ACCESS_BITS | TEE_DATA_FLAG_OVERWRITE))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if (!initialData && initialDataLen)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	struct __TEE_ObjectHandle *a = NULL;
	if (attributes != TEE_HANDLE_NULL) {
		a = utee_obj_get(attributes);
		if (!(a->info.handleFlags & TEE_HANDLE_FLAG_INITIALIZED))
			TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	}
	if (storageID == TEE_STORAGE_PRIVATE_RPMB)
		return TEE_ERROR_STORAGE_NOT_AVAILABLE;
	if (!storage_ok(storageID))
		return TEE_ERROR_ITEM_NOT_FOUND;
	if (initialDataLen > TEE_DATA_MAX_POSITION)
		return TEE_ERROR_STORAGE_NO_SPACE;
	size_t blen = a ? blob_size(a) : 0;
	if (blen > ET_STOR_ATTR_MAX)
		return TEE_ERROR_OUT_OF_MEMORY;
	struct et_stor_req q = {.type = ET_STOR_CREATE,
				.storage = storageID,
				.flags = flags,
				.id_len = (uint32_t)objectIDLen,
				.attr_len = (uint32_t)blen,
				.obj_type = a ? a->info.objectType : TEE_TYPE_DATA,
				.obj_size = a ? a->info.objectSize : 0,
				.max_size = a ? a->info.maxObjectSize : 0,
				.usage = a ? a->info.objectUsage : 0xFFFFFFFFu};
	if (objectIDLen)
		memcpy(q.id, objectID, objectIDLen);
	/* More initial data than one chunk: stage the object invisibly, fill
	 * it, then publish it in one commit, so it appears whole or not at all. */
	int staged = initialDataLen > ET_STOR_CHUNK;
	size_t first = staged ? ET_STOR_CHUNK : initialDataLen;
	q.len = first;
	q.cflags = staged ? ET_STOR_C_HIDDEN : 0;
	struct et_stor_rep p;
	pthread_mutex_lock(&st_lock);
	TEE_Result r = st_init();
	if (r == TEE_SUCCESS) {
		if (a)
			blob_write(a, region);
		if (first)
			memcpy(region + ET_STOR_DATA, initialData, first);
		r = call(&q, &p);
		if (blen)
			OPENSSL_cleanse(region, blen);
	}
	uint32_t h = p.handle;
	for (size_t done = first; r == TEE_SUCCESS && done < initialDataLen;) {
		size_t n = initialDataLen - done < ET_STOR_CHUNK ? initialDataLen - done
								 : ET_STOR_CHUNK;
		memcpy(region + ET_STOR_DATA, (const uint8_t *)initialData + done, n);
		struct et_stor_req w = {.type = ET_STOR_WRITE,
					.handle = h,
					.pos = done,
					.len = n,
					.src = ET_STOR_DATA};
		r = call(&w, &p);
		done += n;
	}
	if (r == TEE_SUCCESS && staged) {
		struct et_stor_req pub = {
		    .type = ET_STOR_PUBLISH, .handle = h, .flags = flags};
		r = call(&pub, &p);
	}
	if (r != TEE_SUCCESS && staged && h) {
		struct et_stor_req c = {.type = ET_STOR_CLOSE, .handle = h};
		struct et_stor_rep cr;
		call(&c, &cr);
	}
	if (r == TEE_SUCCESS) {
		p.handle = h;
		p.size = initialDataLen;
		size_t bl = blen;
		uint8_t *blob = bl ? malloc(bl) : NULL;
		if (bl && !blob) {
			r = TEE_ERROR_OUT_OF_MEMORY;
		} else {
			if (blob)
				blob_write(a, blob);
			TEE_ObjectHandle tmp;
			r = make_handle(&p, flags, blob, bl, &tmp);
			if (blob) {
				OPENSSL_cleanse(blob, bl);
				free(blob);
			}
			if (r == TEE_SUCCESS) {
				if (object)
					*object = tmp;
				else
					close_locked(
					    tmp); /* GP 1.3: object may be NULL */
			}
		}
	}
	pthread_mutex_unlock(&st_lock);
	return ALLOWED(r, TEE_ERROR_ITEM_NOT_FOUND, TEE_ERROR_ACCESS_CONFLICT,
		       TEE_ERROR_OUT_OF_MEMORY, TEE_ERROR_STORAGE_NO_SPACE,
		       TEE_ERROR_CORRUPT_OBJECT, TEE_ERROR_STORAGE_NOT_AVAILABLE);
}

TEE_Result TEE_CloseAndDeletePersistentObject1(TEE_ObjectHandle object)
{
	if (object == TEE_HANDLE_NULL)
		return TEE_SUCCESS;
	struct __TEE_ObjectHandle *o = pobj_get(object);
	if (!(o->info.handleFlags & TEE_DATA_FLAG_ACCESS_WRITE_META))
		TEE_Panic(TEE_ERROR_ACCESS_DENIED);
	struct et_stor_req q = {.type = ET_STOR_DELETE, .handle = hnd_of(o)};
	struct et_stor_rep p;
	pthread_mutex_lock(&st_lock);
	TEE_Result r = call(&q, &p);
	/* The service dropped its handle whatever the outcome. */
	free(o->pobj);
	o->pobj = NULL;
	utee_obj_release(o);
	pthread_mutex_unlock(&st_lock);
	if (r == TEE_ERROR_CORRUPT_OBJECT)
		r = TEE_ERROR_STORAGE_NOT_AVAILABLE;
	return ALLOWED(r, TEE_ERROR_STORAGE_NOT_AVAILABLE);
}

void TEE_CloseAndDeletePersistentObject(TEE_ObjectHandle object)
{
	TEE_Result r = TEE_CloseAndDeletePersistentObject1(object);
	if (r != TEE_SUCCESS)
		TEE_Panic(r); /* 1.0 has no way to report it */
}

TEE_Result TEE_RenamePersistentObject(TEE_ObjectHandle object, const void *newObjectID,
				      size_t newObjectIDLen)
{
	struct __TEE_ObjectHandle *o = pobj_get(object);
	if (!(o->info.handleFlags & TEE_DATA_FLAG_ACCESS_WRITE_META))
		TEE_Panic(TEE_ERROR_ACCESS_DENIED);
	if (!newObjectID)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	check_id(newObjectID, newObjectIDLen);
	struct et_stor_req q = {.type = ET_STOR_RENAME,
				.handle = hnd_of(o),
				.id_len = (uint32_t)newObjectIDLen};
	memcpy(q.id, newObjectID, newObjectIDLen);
	struct et_stor_rep p;
	pthread_mutex_lock(&st_lock);
	TEE_Result r = corrupt_check(o, call(&q, &p));
	pthread_mutex_unlock(&st_lock);
	return ALLOWED(r, TEE_ERROR_ACCESS_CONFLICT, TEE_ERROR_CORRUPT_OBJECT,
		       TEE_ERROR_STORAGE_NOT_AVAILABLE, TEE_ERROR_STORAGE_NO_SPACE);
}

TEE_Result utee_pobj_restrict(struct __TEE_ObjectHandle *o, uint32_t usage)
{
	struct et_stor_req q = {
	    .type = ET_STOR_RESTRICT, .handle = hnd_of(o), .usage = usage};
	struct et_stor_rep p;
	pthread_mutex_lock(&st_lock);
	TEE_Result r = call(&q, &p);
	if (r == TEE_SUCCESS)
		o->info.objectUsage &= usage;
	else
		r = corrupt_check(o, r);
	pthread_mutex_unlock(&st_lock);
	return ALLOWED(r, TEE_ERROR_CORRUPT_OBJECT, TEE_ERROR_STORAGE_NOT_AVAILABLE,
		       TEE_ERROR_STORAGE_NO_SPACE);
}

/* ---- 5.8 Persistent object enumeration ----------------------------------- */

static struct __TEE_ObjectEnumHandle *enum_get(TEE_ObjectEnumHandle h)
{
	for (struct __TEE_ObjectEnumHandle *e = enums; e; e = e->link)
		if (e == h && e->magic == ENUM_MAGIC)
			return e;
	TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
}

TEE_Result TEE_AllocatePersistentObjectEnumerator(TEE_ObjectEnumHandle *objectEnumerator)
{
	if (!objectEnumerator)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	struct __TEE_ObjectEnumHandle *e = calloc(1, sizeof(*e));
	*objectEnumerator = TEE_HANDLE_NULL;
	if (!e)
		return TEE_ERROR_OUT_OF_MEMORY;
	e->magic = ENUM_MAGIC;
	pthread_mutex_lock(&st_lock);
	e->link = enums;
	enums = e;
	pthread_mutex_unlock(&st_lock);
	*objectEnumerator = e;
	return TEE_SUCCESS;
}

void TEE_FreePersistentObjectEnumerator(TEE_ObjectEnumHandle objectEnumerator)
{
	if (objectEnumerator == TEE_HANDLE_NULL)
		return;
	pthread_mutex_lock(&st_lock);
	struct __TEE_ObjectEnumHandle *e = enum_get(objectEnumerator);
	for (struct __TEE_ObjectEnumHandle **pp = &enums; *pp; pp = &(*pp)->link) {
		if (*pp == e) {
			*pp = e->link;
			break;
		}
	}
	pthread_mutex_unlock(&st_lock);
	e->magic = 0;
	free(e);
}

void TEE_ResetPersistentObjectEnumerator(TEE_ObjectEnumHandle objectEnumerator)
{
	pthread_mutex_lock(&st_lock);
	enum_get(objectEnumerator)->started = 0;
	pthread_mutex_unlock(&st_lock);
}

TEE_Result TEE_StartPersistentObjectEnumerator(TEE_ObjectEnumHandle objectEnumerator,
					       uint32_t storageID)
{
	pthread_mutex_lock(&st_lock);
	struct __TEE_ObjectEnumHandle *e = enum_get(objectEnumerator);
	e->started = 0;
	TEE_Result r = TEE_ERROR_ITEM_NOT_FOUND;
	if (storage_ok(storageID)) {
		/* GP: ITEM_NOT_FOUND also when the storage holds no object. */
		struct et_stor_req q = {
		    .type = ET_STOR_ENUM, .storage = storageID, .pos = 0};
		struct et_stor_rep p;
		r = call(&q, &p);
		if (r == TEE_SUCCESS) {
			e->started = 1;
			e->storage = storageID;
			e->next = 0;
		}
	}
	pthread_mutex_unlock(&st_lock);
	return ALLOWED(r, TEE_ERROR_ITEM_NOT_FOUND, TEE_ERROR_CORRUPT_OBJECT,
		       TEE_ERROR_STORAGE_NOT_AVAILABLE);
}

TEE_Result TEE_GetNextPersistentObject(TEE_ObjectEnumHandle objectEnumerator,
				       TEE_ObjectInfo *objectInfo, void *objectID,
				       size_t *objectIDLen)
{
	if (!objectID || !objectIDLen)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	pthread_mutex_lock(&st_lock);
	struct __TEE_ObjectEnumHandle *e = enum_get(objectEnumerator);
	TEE_Result r = TEE_ERROR_ITEM_NOT_FOUND;
	struct et_stor_rep p;
	if (e->started) {
		struct et_stor_req q = {
		    .type = ET_STOR_ENUM, .storage = e->storage, .pos = e->next};
		r = call(&q, &p);
	}
	if (r == TEE_SUCCESS) {
		e->next = p.next;
		memcpy(objectID, p.id, p.id_len);
		*objectIDLen = p.id_len;
		if (objectInfo) {
			memset(objectInfo, 0, sizeof(*objectInfo));
			objectInfo->objectType = p.obj_type;
			objectInfo->objectSize = p.obj_size;
			objectInfo->maxObjectSize = p.max_size;
			objectInfo->objectUsage = p.usage;
			objectInfo->dataSize = (size_t)p.size;
			objectInfo->handleFlags =
			    TEE_HANDLE_FLAG_PERSISTENT | TEE_HANDLE_FLAG_INITIALIZED;
		}
	}
	pthread_mutex_unlock(&st_lock);
	return ALLOWED(r, TEE_ERROR_ITEM_NOT_FOUND, TEE_ERROR_CORRUPT_OBJECT,
		       TEE_ERROR_STORAGE_NOT_AVAILABLE);
}

/* ---- 5.9 Data stream access --------------------------------------------- */

TEE_Result TEE_ReadObjectData(TEE_ObjectHandle object, void *buffer, size_t size,
			      size_t *count)
{
	struct __TEE_ObjectHandle *o = pobj_get(object);
	if (!count || (!buffer && size))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if (!(o->info.handleFlags & TEE_DATA_FLAG_ACCESS_READ))
		TEE_Panic(TEE_ERROR_ACCESS_DENIED);
	*count = 0;
	struct pobj *po = o->pobj;
	/* Read-ahead only where nobody else can write the object meanwhile. */
	int may_ra = !(o->info.handleFlags & TEE_DATA_FLAG_SHARE_WRITE);
	uint64_t pos = o->info.dataPosition;
	size_t done = 0;
	TEE_Result r = TEE_SUCCESS;
	pthread_mutex_lock(&st_lock);
	while (done < size) {
		if (ra_owner == o && pos >= ra_pos && pos < ra_pos + ra_len) {
			uint64_t n = ra_pos + ra_len - pos;
			if (n > size - done)
				n = size - done;
			memcpy((uint8_t *)buffer + done,
			       region + ET_STOR_DATA + (pos - ra_pos), n);
			done += n;
			pos += n;
			continue;
		}
		uint64_t want = size - done;
		/* Read ahead only while it pays: the last fetch was used up to
		 * its end and this read continues there (a sequential reader);
		 * any other pattern fetches exactly what is asked. */
		if (may_ra && ra_owner == o && pos == ra_pos + ra_len &&
		    pos == po->last_end) {
			po->ra = po->ra < ET_STOR_CHUNK / 2 ? po->ra * 2 : ET_STOR_CHUNK;
			if (want < po->ra)
				want = po->ra;
		} else {
			po->ra = RA_MIN / 2;
		}
		if (want > ET_STOR_CHUNK)
			want = ET_STOR_CHUNK;
		struct et_stor_req q = {
		    .type = ET_STOR_READ, .handle = po->handle, .pos = pos, .len = want};
		struct et_stor_rep p;
		r = call(&q, &p);
		if (r != TEE_SUCCESS)
			break;
		o->info.dataSize = (size_t)p.size;
		if (!p.len)
			break; /* end of the object */
		ra_owner = o;
		ra_pos = pos;
		ra_len = p.len;
		po->last_end = pos + p.len;
	}
	if (!may_ra)
		ra_owner = NULL;
	if (r == TEE_SUCCESS) {
		*count = done;
		o->info.dataPosition = (size_t)pos;
	} else {
		r = corrupt_check(o, r);
	}
	pthread_mutex_unlock(&st_lock);
	return ALLOWED(r, TEE_ERROR_CORRUPT_OBJECT, TEE_ERROR_STORAGE_NOT_AVAILABLE);
}

TEE_Result TEE_WriteObjectData(TEE_ObjectHandle object, const void *buffer, size_t size)
{
	struct __TEE_ObjectHandle *o = pobj_get(object);
	if (!buffer && size)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if (!(o->info.handleFlags & TEE_DATA_FLAG_ACCESS_WRITE))
		TEE_Panic(TEE_ERROR_ACCESS_DENIED);
	uint64_t pos = o->info.dataPosition;
	if (size > TEE_DATA_MAX_POSITION || pos + size > TEE_DATA_MAX_POSITION)
		return TEE_ERROR_OVERFLOW;
	TEE_Result r = TEE_SUCCESS;
	size_t done = 0;
	pthread_mutex_lock(&st_lock);
	r = st_init();
	while (r == TEE_SUCCESS && done < size) {
		size_t n = size - done < ET_STOR_CHUNK ? size - done : ET_STOR_CHUNK;
		/* A small write travels in the attribute area, leaving this
		 * handle's read-ahead in the data area; it is patched below. */
		uint32_t src = n <= ET_STOR_ATTR_MAX ? 0 : ET_STOR_DATA;
		struct __TEE_ObjectHandle *keep = src == 0 ? ra_owner : NULL;
		const uint8_t *b = (const uint8_t *)buffer + done;
		memcpy(region + src, b, n);
		struct et_stor_req q = {.type = ET_STOR_WRITE,
					.handle = hnd_of(o),
					.pos = pos + done,
					.len = n,
					.src = src};
		struct et_stor_rep p;
		r = call(&q, &p);
		if (r == TEE_SUCCESS) {
			o->info.dataSize = (size_t)p.size;
			uint64_t s = pos + done, e = s + n;
			if (keep == o) {
				ra_owner = o;
				if (s < ra_pos)
					s = ra_pos;
				if (e > ra_pos + ra_len)
					e = ra_pos + ra_len;
				if (s < e)
					memcpy(region + ET_STOR_DATA + (s - ra_pos),
					       b + (s - (pos + done)), e - s);
			} else if (keep) {
				ra_owner = keep; /* another handle's: untouched */
			}
			done += n;
		}
	}
	if (r == TEE_SUCCESS)
		o->info.dataPosition = (size_t)(pos + size);
	else
		r = corrupt_check(o, r);
	pthread_mutex_unlock(&st_lock);
	return ALLOWED(r, TEE_ERROR_STORAGE_NO_SPACE, TEE_ERROR_OVERFLOW,
		       TEE_ERROR_CORRUPT_OBJECT, TEE_ERROR_STORAGE_NOT_AVAILABLE);
}

TEE_Result TEE_TruncateObjectData(TEE_ObjectHandle object, size_t size)
{
	struct __TEE_ObjectHandle *o = pobj_get(object);
	if (!(o->info.handleFlags & TEE_DATA_FLAG_ACCESS_WRITE))
		TEE_Panic(TEE_ERROR_ACCESS_DENIED);
	if (size > TEE_DATA_MAX_POSITION)
		return TEE_ERROR_STORAGE_NO_SPACE;
	struct et_stor_req q = {.type = ET_STOR_TRUNC, .handle = hnd_of(o), .pos = size};
	struct et_stor_rep p;
	pthread_mutex_lock(&st_lock);
	TEE_Result r = call(&q, &p);
	if (r == TEE_SUCCESS)
		o->info.dataSize = size;
	else
		r = corrupt_check(o, r);
	pthread_mutex_unlock(&st_lock);
	return ALLOWED(r, TEE_ERROR_STORAGE_NO_SPACE, TEE_ERROR_CORRUPT_OBJECT,
		       TEE_ERROR_STORAGE_NOT_AVAILABLE);
}

TEE_Result TEE_SeekObjectData(TEE_ObjectHandle object, intmax_t offset, TEE_Whence whence)
{
	struct __TEE_ObjectHandle *o = pobj_get(object);
	intmax_t base;
	switch (whence) {
	case TEE_DATA_SEEK_SET:
		base = 0;
		break;
	case TEE_DATA_SEEK_CUR:
		base = (intmax_t)o->info.dataPosition;
		break;
	case TEE_DATA_SEEK_END:
		base = (intmax_t)o->info.dataSize;
		break;
	default:
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	}
	/* GP: beyond TEE_DATA_MAX_POSITION is OVERFLOW (position unchanged);
	 * before the start is the start. */
	if (offset > 0 && offset > (intmax_t)TEE_DATA_MAX_POSITION - base)
		return TEE_ERROR_OVERFLOW;
	intmax_t np = offset < 0 && -(offset + 1) >= base ? 0 : base + offset;
	o->info.dataPosition = (size_t)np;
	return TEE_SUCCESS;
}

/* ---- GP 1.1 compatibility (uint32_t lengths), see tee_api_compat.h ---- */

static uint32_t len32(size_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

TEE_Result __GP11_TEE_OpenPersistentObject(uint32_t storageID, const void *objectID,
					   uint32_t objectIDLen, uint32_t flags,
					   TEE_ObjectHandle *object)
{
	return TEE_OpenPersistentObject(storageID, objectID, objectIDLen, flags, object);
}

TEE_Result __GP11_TEE_CreatePersistentObject(uint32_t storageID, const void *objectID,
					     uint32_t objectIDLen, uint32_t flags,
					     TEE_ObjectHandle attributes,
					     const void *initialData,
					     uint32_t initialDataLen,
					     TEE_ObjectHandle *object)
{
	return TEE_CreatePersistentObject(storageID, objectID, objectIDLen, flags,
					  attributes, initialData, initialDataLen,
					  object);
}

TEE_Result __GP11_TEE_RenamePersistentObject(TEE_ObjectHandle object,
					     const void *newObjectID,
					     uint32_t newObjectIDLen)
{
	return TEE_RenamePersistentObject(object, newObjectID, newObjectIDLen);
}

TEE_Result __GP11_TEE_GetNextPersistentObject(TEE_ObjectEnumHandle objectEnumerator,
					      __GP11_TEE_ObjectInfo *objectInfo,
					      void *objectID, uint32_t *objectIDLen)
{
	TEE_ObjectInfo i;
	size_t l = objectIDLen ? *objectIDLen : 0;
	TEE_Result r = TEE_GetNextPersistentObject(
	    objectEnumerator, objectInfo ? &i : NULL, objectID, objectIDLen ? &l : NULL);
	if (r == TEE_SUCCESS) {
		*objectIDLen = len32(l);
		if (objectInfo) {
			objectInfo->objectType = i.objectType;
			objectInfo->keySize = i.objectSize;
			objectInfo->maxKeySize = i.maxObjectSize;
			objectInfo->objectUsage = i.objectUsage;
			objectInfo->dataSize = len32(i.dataSize);
			objectInfo->dataPosition = len32(i.dataPosition);
			objectInfo->handleFlags = i.handleFlags;
		}
	}
	return r;
}

TEE_Result __GP11_TEE_ReadObjectData(TEE_ObjectHandle object, void *buffer, uint32_t size,
				     uint32_t *count)
{
	size_t c = 0;
	TEE_Result r = TEE_ReadObjectData(object, buffer, size, count ? &c : NULL);
	if (count)
		*count = len32(c);
	return r;
}

TEE_Result __GP11_TEE_WriteObjectData(TEE_ObjectHandle object, const void *buffer,
				      uint32_t size)
{
	return TEE_WriteObjectData(object, buffer, size);
}

TEE_Result __GP11_TEE_TruncateObjectData(TEE_ObjectHandle object, uint32_t size)
{
	return TEE_TruncateObjectData(object, size);
}

TEE_Result __GP11_TEE_SeekObjectData(TEE_ObjectHandle object, int32_t offset,
				     TEE_Whence whence)
{
	return TEE_SeekObjectData(object, offset, whence);
}
