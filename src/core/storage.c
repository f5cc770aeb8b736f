/*
 * The trusted storage service: answers the GP storage requests of TA
 * processes (protocol in src/common/storproto.h) on worker threads, one per
 * TA host connection, using the per-TA stores of storage_fs.c. It owns the
 * GP semantics that span handles: access and share modes
 * (TEE_ERROR_ACCESS_CONFLICT), overwrite, who may delete or rename, and the
 * binding of a connection to exactly one TA UUID, set by the core before
 * the TA runs (an unbound spare host is refused everything).
 */
#define _GNU_SOURCE
#include "storage.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include <tee_api_defines.h>
#include <tee_api_types.h>

#include "core.h"
#include "fdio.h"
#include "keys.h"
#include "storage_fs.h"
#include "storproto.h"

#define ACCESS_BITS                                                                      \
	(TEE_DATA_FLAG_ACCESS_READ | TEE_DATA_FLAG_ACCESS_WRITE |                        \
	 TEE_DATA_FLAG_ACCESS_WRITE_META | TEE_DATA_FLAG_SHARE_READ |                    \
	 TEE_DATA_FLAG_SHARE_WRITE)

struct hnd {
	uint32_t id;
	uint32_t flags;
	struct sfs_obj *o;
};

struct conn {
	int fd;
	pid_t pid;
	int bound;
	uint8_t uuid[16];
	uint8_t *region;
	struct sfs_store *st;
	struct hnd *h;
	size_t nh, hcap;
	uint32_t next_id;
	struct conn *next;
};

static pthread_mutex_t conns_lock = PTHREAD_MUTEX_INITIALIZER;
static struct conn *conns;
static int ready;
static atomic_int workers; /* live worker threads */

void storage_init(const char *dir, const char *instance_name)
{
	sfs_init(dir);
	int r = keys_init(dir, instance_name);
	if (r) {
		core_log("trusted storage unavailable: cannot load or create %s/huk (%s)",
			 dir, strerror(-r));
		return;
	}
	ready = 1;
}

/* GP share rules (as OP-TEE): WRITE_META is exclusive; readers need every
 * handle to share reading, writers every handle to share writing. */
static int conflicts(uint32_t a, uint32_t b)
{
	if ((a | b) & TEE_DATA_FLAG_ACCESS_WRITE_META)
		return 1;
	if (((a | b) & TEE_DATA_FLAG_ACCESS_READ) &&
	    !((a & TEE_DATA_FLAG_SHARE_READ) && (b & TEE_DATA_FLAG_SHARE_READ)))
		return 1;
	if (((a | b) & TEE_DATA_FLAG_ACCESS_WRITE) &&
	    !((a & TEE_DATA_FLAG_SHARE_WRITE) && (b & TEE_DATA_FLAG_SHARE_WRITE)))
		return 1;
	return 0;
}

static int open_ok(const struct sfs_obj *o, uint32_t flags)
{
	for (uint32_t i = 0; i < o->nopen; i++)
		if (conflicts(o->opens[i], flags))
			return 0;
	return 1;
}

/* Is any object of the store open (by any connection)? */
static int store_busy(struct sfs_store *st)
{
	for (struct sfs_obj *o = st->objs; o; o = o->next)
		if (o->nopen)
			return 1;
	return 0;
}

static TEE_Result hnd_add(struct conn *c, struct sfs_obj *o, uint32_t flags, uint32_t *id)
{
	if (c->nh == c->hcap) {
		size_t n = c->hcap ? c->hcap * 2 : 8;
		struct hnd *h = realloc(c->h, n * sizeof(*h));
		if (!h)
			return TEE_ERROR_OUT_OF_MEMORY;
		c->h = h;
		c->hcap = n;
	}
	if (o->nopen == o->open_cap) {
		uint32_t n = o->open_cap ? o->open_cap * 2 : 2;
		uint32_t *f = realloc(o->opens, n * sizeof(*f));
		if (!f)
			return TEE_ERROR_OUT_OF_MEMORY;
		o->opens = f;
		o->open_cap = n;
	}
	o->opens[o->nopen++] = flags;
	*id = ++c->next_id;
	c->h[c->nh++] = (struct hnd){*id, flags, o};
	return TEE_SUCCESS;
}

static struct hnd *hnd_get(struct conn *c, uint32_t id)
{
	for (size_t i = 0; i < c->nh; i++)
		if (c->h[i].id == id)
			return &c->h[i];
	return NULL;
}

/* Forget a handle; the object stays (returned for the caller to use). */
static struct sfs_obj *hnd_drop(struct conn *c, struct hnd *h)
{
	struct sfs_obj *o = h->o;
	for (uint32_t i = 0; i < o->nopen; i++) {
		if (o->opens[i] == h->flags) {
			o->opens[i] = o->opens[--o->nopen];
			break;
		}
	}
	*h = c->h[--c->nh];
	return o;
}

static void fill_info(struct et_stor_rep *p, const struct sfs_obj *o)
{
	p->obj_type = o->type;
	p->obj_size = o->osize;
	p->max_size = o->maxsize;
	p->usage = o->usage;
	p->size = o->size;
}

static int storage_known(uint32_t s)
{
	return s == TEE_STORAGE_PRIVATE || s == TEE_STORAGE_PRIVATE_REE;
}

static TEE_Result do_open(struct conn *c, const struct et_stor_req *q,
			  struct et_stor_rep *p)
{
	struct sfs_store *st = c->st;
	if (!storage_known(q->storage))
		return TEE_ERROR_ITEM_NOT_FOUND; /* RPMB and others: not here */
	TEE_Result r = sfs_check(st, store_busy(st));
	if (r != TEE_SUCCESS)
		return r;
	struct sfs_obj *o = sfs_find(st, q->id, q->id_len);
	if (!o)
		return TEE_ERROR_ITEM_NOT_FOUND;
	if (o->corrupt)
		return TEE_ERROR_CORRUPT_OBJECT;
	if (!open_ok(o, q->flags & ACCESS_BITS))
		return TEE_ERROR_ACCESS_CONFLICT;
	if (o->attr_len > ET_STOR_ATTR_MAX)
		return TEE_ERROR_CORRUPT_OBJECT;
	r = hnd_add(c, o, q->flags & ACCESS_BITS, &p->handle);
	if (r != TEE_SUCCESS)
		return r;
	if (o->attr_len) /* data objects have none (and no buffer) */
		memcpy(c->region, o->attrs, o->attr_len);
	p->attr_len = o->attr_len;
	fill_info(p, o);
	return TEE_SUCCESS;
}

/* An existing object that a create (or publish) would replace. */
static TEE_Result replace_check(struct sfs_store *st, const void *id, uint32_t id_len,
				uint32_t flags, struct sfs_obj *self,
				struct sfs_obj **old)
{
	*old = sfs_find(st, id, id_len);
	if (*old == self)
		*old = NULL;
	if (!*old)
		return TEE_SUCCESS;
	if (!(flags & TEE_DATA_FLAG_OVERWRITE) || (*old)->nopen)
		return TEE_ERROR_ACCESS_CONFLICT;
	return TEE_SUCCESS;
}

static TEE_Result do_create(struct conn *c, const struct et_stor_req *q,
			    struct et_stor_rep *p)
{
	struct sfs_store *st = c->st;
	if (q->storage == TEE_STORAGE_PRIVATE_RPMB)
		return TEE_ERROR_STORAGE_NOT_AVAILABLE;
	if (!storage_known(q->storage))
		return TEE_ERROR_ITEM_NOT_FOUND;
	if (q->attr_len > ET_STOR_ATTR_MAX || q->len > ET_STOR_CHUNK)
		return TEE_ERROR_BAD_PARAMETERS;
	TEE_Result r = sfs_check(st, store_busy(st));
	if (r != TEE_SUCCESS)
		return r;
	struct sfs_obj *old, *o = NULL;
	r = replace_check(st, q->id, q->id_len, q->flags, NULL, &old);
	if (r != TEE_SUCCESS)
		return r;
	const uint32_t info[4] = {q->obj_type, q->obj_size, q->max_size, q->usage};
	int hidden = !!(q->cflags & ET_STOR_C_HIDDEN);
	r = sfs_create(st, q->id, q->id_len, info, c->region, q->attr_len,
		       c->region + ET_STOR_DATA, q->len, hidden, hidden ? NULL : old, &o);
	if (r != TEE_SUCCESS)
		return r;
	/* A staged object is written through this handle before it appears. */
	uint32_t fl =
	    (q->flags & ACCESS_BITS) | (hidden ? TEE_DATA_FLAG_ACCESS_WRITE : 0);
	r = hnd_add(c, o, fl, &p->handle);
	if (r != TEE_SUCCESS)
		return r;
	fill_info(p, o);
	return TEE_SUCCESS;
}

static TEE_Result do_handle_op(struct conn *c, const struct et_stor_req *q,
			       struct et_stor_rep *p)
{
	struct sfs_store *st = c->st;
	struct hnd *h = hnd_get(c, q->handle);
	if (!h)
		return TEE_ERROR_BAD_PARAMETERS;
	struct sfs_obj *o = h->o;
	TEE_Result r = TEE_SUCCESS;
	switch (q->type) {
	case ET_STOR_CLOSE:
		hnd_drop(c, h);
		if (o->hidden && !o->nopen)
			sfs_forget(st, o); /* a staged create that never finished */
		return TEE_SUCCESS;
	case ET_STOR_READ: {
		if (!(h->flags & TEE_DATA_FLAG_ACCESS_READ))
			return TEE_ERROR_ACCESS_DENIED;
		size_t got = 0;
		uint64_t len = q->len > ET_STOR_CHUNK ? ET_STOR_CHUNK : q->len;
		r = sfs_read(st, o, q->pos, c->region + ET_STOR_DATA, (size_t)len, &got);
		p->len = got;
		break;
	}
	case ET_STOR_WRITE:
		if (!(h->flags & TEE_DATA_FLAG_ACCESS_WRITE))
			return TEE_ERROR_ACCESS_DENIED;
		if ((q->src != ET_STOR_DATA && q->src != 0) ||
		    q->len > (q->src ? ET_STOR_CHUNK : ET_STOR_ATTR_MAX))
			return TEE_ERROR_BAD_PARAMETERS;
		if (q->pos + q->len > TEE_DATA_MAX_POSITION)
			return TEE_ERROR_OVERFLOW;
		r = sfs_write(st, o, q->pos, c->region + q->src, (size_t)q->len);
		break;
	case ET_STOR_TRUNC:
		if (!(h->flags & TEE_DATA_FLAG_ACCESS_WRITE))
			return TEE_ERROR_ACCESS_DENIED;
		if (q->pos > TEE_DATA_MAX_POSITION)
			return TEE_ERROR_OVERFLOW;
		r = sfs_truncate(st, o, q->pos);
		break;
	case ET_STOR_RENAME: {
		if (!(h->flags & TEE_DATA_FLAG_ACCESS_WRITE_META))
			return TEE_ERROR_ACCESS_DENIED;
		if (q->id_len > ET_STOR_ID_MAX)
			return TEE_ERROR_BAD_PARAMETERS;
		struct sfs_obj *other = sfs_find(st, q->id, q->id_len);
		if (other && other != o)
			return TEE_ERROR_ACCESS_CONFLICT;
		if (other == o)
			break;
		r = sfs_rename(st, o, q->id, q->id_len);
		break;
	}
	case ET_STOR_DELETE:
		if (!(h->flags & TEE_DATA_FLAG_ACCESS_WRITE_META))
			return TEE_ERROR_ACCESS_DENIED;
		hnd_drop(c, h);
		/* GP: the handle is closed whatever happens; on failure the
		 * object stays as it was. */
		return o->nopen ? TEE_ERROR_ACCESS_CONFLICT : sfs_delete(st, o);
	case ET_STOR_RESTRICT:
		r = sfs_set_usage(st, o, o->usage & q->usage);
		break;
	case ET_STOR_PUBLISH: {
		struct sfs_obj *old;
		r = replace_check(st, o->id, o->id_len, q->flags, o, &old);
		if (r == TEE_SUCCESS)
			r = sfs_publish(st, o, old);
		if (r == TEE_SUCCESS) {
			/* The handle now has the flags the TA asked for; the
			 * object's list of open modes must say the same. */
			uint32_t nf = q->flags & ACCESS_BITS;
			for (uint32_t i = 0; i < o->nopen; i++) {
				if (o->opens[i] == h->flags) {
					o->opens[i] = nf;
					break;
				}
			}
			h->flags = nf;
		}
		break;
	}
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
	fill_info(p, o);
	return r;
}

static TEE_Result do_enum(struct conn *c, const struct et_stor_req *q,
			  struct et_stor_rep *p)
{
	struct sfs_store *st = c->st;
	if (!storage_known(q->storage))
		return TEE_ERROR_ITEM_NOT_FOUND;
	TEE_Result r = sfs_check(st, store_busy(st));
	if (r != TEE_SUCCESS)
		return r;
	struct sfs_obj *o = sfs_nth(st, q->pos);
	if (!o)
		return TEE_ERROR_ITEM_NOT_FOUND;
	memcpy(p->id, o->id, o->id_len);
	p->id_len = o->id_len;
	p->next = q->pos + 1;
	fill_info(p, o);
	return TEE_SUCCESS;
}

static void serve(struct conn *c, const struct et_stor_req *q, struct et_stor_rep *p)
{
	if (!c->st) {
		pthread_mutex_lock(&conns_lock);
		int bound = c->bound;
		pthread_mutex_unlock(&conns_lock);
		if (!bound) {
			p->ret = TEE_ERROR_ACCESS_DENIED;
			return;
		}
		if (!ready) {
			p->ret = TEE_ERROR_STORAGE_NOT_AVAILABLE;
			return;
		}
		c->st = sfs_store_get(c->uuid);
		if (!c->st) {
			p->ret = TEE_ERROR_OUT_OF_MEMORY;
			return;
		}
	}
	if (q->id_len > ET_STOR_ID_MAX) {
		p->ret = TEE_ERROR_BAD_PARAMETERS;
		return;
	}
	pthread_mutex_lock(&c->st->lock);
	switch (q->type) {
	case ET_STOR_OPEN:
		p->ret = do_open(c, q, p);
		break;
	case ET_STOR_CREATE:
		p->ret = do_create(c, q, p);
		break;
	case ET_STOR_ENUM:
		p->ret = do_enum(c, q, p);
		break;
	default:
		p->ret = do_handle_op(c, q, p);
		break;
	}
	pthread_mutex_unlock(&c->st->lock);
}

static void conn_free(struct conn *c)
{
	pthread_mutex_lock(&conns_lock);
	for (struct conn **pp = &conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	pthread_mutex_unlock(&conns_lock);
	if (c->st) {
		/* The TA process is gone: its handles close (staged creates vanish). */
		pthread_mutex_lock(&c->st->lock);
		while (c->nh) {
			struct sfs_obj *o = hnd_drop(c, &c->h[c->nh - 1]);
			if (o->hidden && !o->nopen)
				sfs_forget(c->st, o);
		}
		pthread_mutex_unlock(&c->st->lock);
	}
	free(c->h);
	if (c->region)
		munmap(c->region, ET_STOR_REGION);
	close(c->fd);
	free(c);
}

static void *worker(void *arg)
{
	struct conn *c = arg;
	for (;;) {
		struct et_stor_req q;
		ssize_t n = et_recv(c->fd, &q, sizeof(q), NULL, NULL);
		if (n == -EINTR || n == -EAGAIN)
			continue;
		if (n <= 0)
			break;
		struct et_stor_rep p;
		memset(&p, 0, sizeof(p));
		if (n != (ssize_t)sizeof(q))
			p.ret = TEE_ERROR_BAD_PARAMETERS;
		else
			serve(c, &q, &p);
		p.seq = q.seq;
		if (et_send(c->fd, &p, sizeof(p), NULL, 0))
			break;
	}
	conn_free(c);
	/* Release OpenSSL's per-thread state now, not in a destructor that
	 * may run after the process began to exit. */
	OPENSSL_thread_stop();
	atomic_fetch_sub(&workers, 1);
	return NULL;
}

void storage_connect(pid_t host, int fd)
{
	struct conn *c = calloc(1, sizeof(*c));
	int mfd = et_memfd_sealed("edgetee-storage", ET_STOR_REGION);
	if (!c || mfd < 0) {
		core_log("storage: cannot serve TA host pid %d", (int)host);
		free(c);
		if (mfd >= 0)
			close(mfd);
		close(fd); /* the host sees EOF: storage calls fail cleanly */
		return;
	}
	c->fd = fd;
	c->pid = host;
	c->region =
	    mmap(NULL, ET_STOR_REGION, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	struct et_stor_hello hi = {.type = ET_STOR_HELLO, .size = ET_STOR_REGION};
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&a, 256 * 1024);
	pthread_t t;
	if (c->region == MAP_FAILED || et_send(fd, &hi, sizeof(hi), &mfd, 1)) {
		c->region = c->region == MAP_FAILED ? NULL : c->region;
		close(mfd);
		conn_free(c);
		pthread_attr_destroy(&a);
		return;
	}
	close(mfd);
	pthread_mutex_lock(&conns_lock);
	/* A pid seen before belongs to a host that is gone. */
	for (struct conn *o = conns; o; o = o->next)
		if (o->pid == host)
			o->pid = 0;
	c->next = conns;
	conns = c;
	pthread_mutex_unlock(&conns_lock);
	atomic_fetch_add(&workers, 1);
	if (pthread_create(&t, &a, worker, c)) {
		atomic_fetch_sub(&workers, 1);
		core_log("storage: no worker thread for TA host pid %d", (int)host);
		conn_free(c);
	}
	pthread_attr_destroy(&a);
}

void storage_bind(pid_t host, const uint8_t uuid[16])
{
	pthread_mutex_lock(&conns_lock);
	for (struct conn *c = conns; c; c = c->next) {
		if (c->pid == host && !c->bound) {
			memcpy(c->uuid, uuid, 16);
			c->bound = 1;
			break;
		}
	}
	pthread_mutex_unlock(&conns_lock);
}

void storage_stop(void)
{
	/* Every worker sees EOF once its TA host is dead; a commit in
	 * progress finishes first. Bounded: never hang the shutdown. */
	for (int i = 0; i < 400 && atomic_load(&workers) > 0; i++)
		usleep(5000);
}
