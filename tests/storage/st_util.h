/*
 * Helpers shared by the GP Trusted Storage tests (tests/storage): one
 * wrapper per storage_ta command (tests/ta/include/storage_ta.h), each
 * returning the TEEC result, i.e. the GP result of the storage call in the
 * TA; the instance's on-disk state (storage/ and rollback/ under the
 * instance directory) as a list of files; process and time helpers.
 */
#ifndef ST_UTIL_H
#define ST_UTIL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <tee_client_api.h>

#include "harness.h"
#include "storage_ta.h"

/* GP codes the client API header does not spell. */
#define ST_CORRUPT	   0xF0100001u /* TEE_ERROR_CORRUPT_OBJECT */
#define ST_CORRUPT_2	   0xF0100002u
#define ST_NOT_AVAILABLE   0xF0100003u /* TEE_ERROR_STORAGE_NOT_AVAILABLE */
#define ST_NOT_AVAILABLE_2 0xF0100004u
#define ST_OVERFLOW	   0xFFFF300Fu
#define ST_NO_SPACE	   0xFFFF3041u
#define ST_SECURITY	   0xFFFF000Fu
#define ST_PRIVATE	   0x00000001u
#define ST_PRIVATE_REE	   0x80000000u
#define ST_PRIVATE_RPMB	   0x80000100u
#define ST_TYPE_DATA	   0xA00000BFu

#define F_READ	     0x001u
#define F_WRITE	     0x002u
#define F_WRITE_META 0x004u
#define F_SHARE_R    0x010u
#define F_SHARE_W    0x020u
#define F_OVERWRITE  0x400u
#define F_RW	     (F_READ | F_WRITE | F_WRITE_META)

static inline uint64_t st_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static inline void st_sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static inline TEEC_Result st_session(TEEC_Context *c, TEEC_Session *s, const char *uuid)
{
	TEEC_UUID u;
	uint32_t o = 0;
	et_test_uuid(uuid, &u);
	return TEEC_OpenSession(c, s, &u, TEEC_LOGIN_PUBLIC, NULL, NULL, &o);
}

static inline TEEC_Result st_invoke(TEEC_Session *s, uint32_t cmd, TEEC_Operation *op)
{
	uint32_t o = 0;
	return TEEC_InvokeCommand(s, cmd, op, &o);
}

static inline TEEC_Operation st_op(uint32_t types)
{
	TEEC_Operation op;
	memset(&op, 0, sizeof(op));
	op.paramTypes = types;
	return op;
}

static inline void st_memin(TEEC_Operation *op, int i, const void *p, size_t n)
{
	op->params[i].tmpref.buffer = (void *)p;
	op->params[i].tmpref.size = n;
}

/* Create; *slot = the open handle's slot (ST_SLOTS when closed/none). */
static inline TEEC_Result st_create_ex(TEEC_Session *s, uint32_t storage, const void *id,
				       size_t idlen, uint32_t flags, const void *data,
				       size_t len, uint32_t opt, uint32_t keybits,
				       uint32_t *slot)
{
	TEEC_Operation op = st_op(TEEC_PARAM_TYPES(
	    TEEC_VALUE_INPUT, TEEC_MEMREF_TEMP_INPUT,
	    data ? TEEC_MEMREF_TEMP_INPUT : TEEC_NONE, TEEC_VALUE_INOUT));
	op.params[0].value.a = flags;
	op.params[0].value.b = storage;
	st_memin(&op, 1, id, idlen);
	if (data)
		st_memin(&op, 2, data, len);
	op.params[3].value.a = opt;
	op.params[3].value.b = keybits;
	TEEC_Result r = st_invoke(s, ST_CMD_CREATE, &op);
	if (slot)
		*slot = r == TEEC_SUCCESS ? op.params[3].value.a : ST_SLOTS;
	return r;
}

static inline TEEC_Result st_create(TEEC_Session *s, const char *id, uint32_t flags,
				    const void *data, size_t len, uint32_t *slot)
{
	return st_create_ex(s, ST_PRIVATE, id, strlen(id), flags, data, len,
			    slot ? 0 : ST_OPT_CLOSE, 0, slot);
}

static inline TEEC_Result st_open_ex(TEEC_Session *s, uint32_t storage, const void *id,
				     size_t idlen, uint32_t flags, uint32_t *slot)
{
	TEEC_Operation op = st_op(TEEC_PARAM_TYPES(
	    TEEC_VALUE_INPUT, TEEC_MEMREF_TEMP_INPUT, TEEC_NONE, TEEC_VALUE_OUTPUT));
	op.params[0].value.a = flags;
	op.params[0].value.b = storage;
	st_memin(&op, 1, id, idlen);
	TEEC_Result r = st_invoke(s, ST_CMD_OPEN, &op);
	*slot = r == TEEC_SUCCESS ? op.params[3].value.a : ST_SLOTS;
	return r;
}

static inline TEEC_Result st_open(TEEC_Session *s, const char *id, uint32_t flags,
				  uint32_t *slot)
{
	return st_open_ex(s, ST_PRIVATE, id, strlen(id), flags, slot);
}

static inline TEEC_Result st_read(TEEC_Session *s, uint32_t slot, void *buf, size_t cap,
				  size_t *count)
{
	TEEC_Operation op = st_op(TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE,
						   TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE));
	op.params[0].value.a = slot;
	op.params[2].tmpref.buffer = buf;
	op.params[2].tmpref.size = cap;
	TEEC_Result r = st_invoke(s, ST_CMD_READ, &op);
	*count = r == TEEC_SUCCESS ? op.params[2].tmpref.size : 0;
	return r;
}

static inline TEEC_Result st_write(TEEC_Session *s, uint32_t slot, const void *data,
				   size_t len)
{
	TEEC_Operation op = st_op(TEEC_PARAM_TYPES(
	    TEEC_VALUE_INPUT, TEEC_MEMREF_TEMP_INPUT, TEEC_NONE, TEEC_NONE));
	op.params[0].value.a = slot;
	st_memin(&op, 1, data, len);
	return st_invoke(s, ST_CMD_WRITE, &op);
}

static inline TEEC_Result st_seek(TEEC_Session *s, uint32_t slot, int64_t off,
				  uint32_t whence)
{
	TEEC_Operation op = st_op(
	    TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE));
	op.params[0].value.a = slot;
	op.params[0].value.b = whence;
	op.params[1].value.a = (uint32_t)(uint64_t)off;
	op.params[1].value.b = (uint32_t)((uint64_t)off >> 32);
	return st_invoke(s, ST_CMD_SEEK, &op);
}

static inline TEEC_Result st_slot_cmd(TEEC_Session *s, uint32_t cmd, uint32_t slot,
				      uint32_t b)
{
	TEEC_Operation op =
	    st_op(TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
	op.params[0].value.a = slot;
	op.params[0].value.b = b;
	return st_invoke(s, cmd, &op);
}

static inline TEEC_Result st_truncate(TEEC_Session *s, uint32_t slot, uint32_t size)
{
	return st_slot_cmd(s, ST_CMD_TRUNCATE, slot, size);
}

static inline TEEC_Result st_delete(TEEC_Session *s, uint32_t slot)
{
	return st_slot_cmd(s, ST_CMD_DELETE, slot, 0);
}

static inline TEEC_Result st_close(TEEC_Session *s, uint32_t slot)
{
	return st_slot_cmd(s, ST_CMD_CLOSE, slot, 0);
}

static inline TEEC_Result st_close_all(TEEC_Session *s)
{
	return st_slot_cmd(s, ST_CMD_CLOSE_ALL, 0, 0);
}

static inline TEEC_Result st_rename_ex(TEEC_Session *s, uint32_t slot, const void *id,
				       size_t idlen)
{
	TEEC_Operation op = st_op(TEEC_PARAM_TYPES(
	    TEEC_VALUE_INPUT, TEEC_MEMREF_TEMP_INPUT, TEEC_NONE, TEEC_NONE));
	op.params[0].value.a = slot;
	st_memin(&op, 1, id, idlen);
	return st_invoke(s, ST_CMD_RENAME, &op);
}

static inline TEEC_Result st_rename(TEEC_Session *s, uint32_t slot, const char *id)
{
	return st_rename_ex(s, slot, id, strlen(id));
}

static inline TEEC_Result st_info(TEEC_Session *s, uint32_t slot, struct st_info *si)
{
	TEEC_Operation op = st_op(TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE,
						   TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE));
	op.params[0].value.a = slot;
	op.params[2].tmpref.buffer = si;
	op.params[2].tmpref.size = sizeof(*si);
	memset(si, 0, sizeof(*si));
	return st_invoke(s, ST_CMD_INFO, &op);
}

/* The ids in the store, packed as storage_ta.h says; *count of them. */
static inline TEEC_Result st_enum(TEEC_Session *s, uint32_t storage, void *buf,
				  size_t cap, size_t *used, uint32_t *count,
				  uint32_t *start_res)
{
	TEEC_Operation op = st_op(TEEC_PARAM_TYPES(
	    TEEC_VALUE_INPUT, TEEC_NONE, TEEC_MEMREF_TEMP_OUTPUT, TEEC_VALUE_OUTPUT));
	op.params[0].value.a = storage;
	op.params[2].tmpref.buffer = buf;
	op.params[2].tmpref.size = cap;
	TEEC_Result r = st_invoke(s, ST_CMD_ENUM, &op);
	*used = op.params[2].tmpref.size;
	*count = op.params[3].value.a;
	if (start_res)
		*start_res = op.params[3].value.b;
	return r;
}

/* Is this id among the packed enumeration entries? Its data size or -1. */
static inline long st_enum_find(const void *buf, size_t used, const char *id)
{
	const uint8_t *p = buf;
	size_t off = 0, n = strlen(id);
	while (off + 8 <= used) {
		uint32_t h[2];
		memcpy(h, p + off, 8);
		if (h[0] == n && off + 8 + n <= used && !memcmp(p + off + 8, id, n))
			return (long)h[1];
		off += 8 + h[0];
	}
	return -1;
}

static inline TEEC_Result st_write_pattern(TEEC_Session *s, const char *id, uint32_t size,
					   uint32_t seed, uint32_t chunk)
{
	TEEC_Operation op = st_op(TEEC_PARAM_TYPES(
	    TEEC_VALUE_INPUT, TEEC_MEMREF_TEMP_INPUT, TEEC_NONE, TEEC_VALUE_INPUT));
	op.params[0].value.a = size;
	op.params[0].value.b = seed;
	st_memin(&op, 1, id, strlen(id));
	op.params[3].value.a = chunk;
	return st_invoke(s, ST_CMD_WRITE_PATTERN, &op);
}

static inline TEEC_Result st_verify_pattern(TEEC_Session *s, const char *id,
					    uint32_t size, uint32_t seed, uint32_t *found)
{
	TEEC_Operation op = st_op(TEEC_PARAM_TYPES(
	    TEEC_VALUE_INPUT, TEEC_MEMREF_TEMP_INPUT, TEEC_NONE, TEEC_VALUE_OUTPUT));
	op.params[0].value.a = size;
	op.params[0].value.b = seed;
	st_memin(&op, 1, id, strlen(id));
	TEEC_Result r = st_invoke(s, ST_CMD_VERIFY_PATTERN, &op);
	if (found)
		*found = op.params[3].value.a;
	return r;
}

/*
 * Read a whole object: open (read, share read), read up to cap bytes,
 * close. *len = bytes read. The result of the first failing call.
 */
static inline TEEC_Result st_read_all(TEEC_Session *s, const char *id, void *buf,
				      size_t cap, size_t *len)
{
	uint32_t slot;
	*len = 0;
	TEEC_Result r = st_open(s, id, F_READ | F_SHARE_R, &slot);
	if (r != TEEC_SUCCESS)
		return r;
	size_t got = 0;
	while (got < cap) {
		size_t n = 0;
		size_t want = cap - got < 65536 ? cap - got : 65536;
		r = st_read(s, slot, (uint8_t *)buf + got, want, &n);
		if (r != TEEC_SUCCESS || n == 0)
			break;
		got += n;
	}
	TEEC_Result rc = st_close(s, slot);
	*len = got;
	return r != TEEC_SUCCESS ? r : rc;
}

static inline void st_fill(uint8_t *buf, uint32_t seed, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = st_pattern_byte(seed, (uint32_t)i);
}

/* ---- the instance's files ---------------------------------------------------- */

struct st_files {
	char **path;
	size_t n, cap;
};

static inline void st_files_add(struct st_files *f, const char *p)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 32;
		f->path = realloc(f->path, f->cap * sizeof(*f->path));
		if (!f->path)
			abort();
	}
	f->path[f->n++] = strdup(p);
}

/* Every regular file under dir, recursively (sorted walk not needed). */
static inline void st_walk(const char *dir, struct st_files *f)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char p[1024];
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		struct stat sb;
		if (lstat(p, &sb))
			continue;
		if (S_ISDIR(sb.st_mode))
			st_walk(p, f);
		else if (S_ISREG(sb.st_mode))
			st_files_add(f, p);
	}
	closedir(d);
}

static inline void st_files_free(struct st_files *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->path[i]);
	free(f->path);
	memset(f, 0, sizeof(*f));
}

/* Whole file into a malloc'd buffer; NULL if it cannot be read. */
static inline uint8_t *st_slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	struct stat sb;
	if (fstat(fd, &sb)) {
		close(fd);
		return NULL;
	}
	uint8_t *b = malloc((size_t)sb.st_size + 1);
	size_t got = 0;
	*len = 0;
	while (b && got < (size_t)sb.st_size) {
		ssize_t k = read(fd, b + got, (size_t)sb.st_size - got);
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	close(fd);
	*len = got;
	return b;
}

static inline int st_spit(const char *path, const uint8_t *b, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	size_t put = 0;
	while (put < len) {
		ssize_t k = write(fd, b + put, len - put);
		if (k <= 0)
			break;
		put += (size_t)k;
	}
	fsync(fd);
	close(fd);
	return put == len ? 0 : -1;
}

/* The daemon's pid from dir/edgeteed.pid, or 0. */
static inline int st_daemon_pid(const char *dir)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/edgeteed.pid", dir);
	FILE *f = fopen(p, "r");
	if (!f)
		return 0;
	int pid = 0;
	if (fscanf(f, "%d", &pid) != 1)
		pid = 0;
	fclose(f);
	return pid;
}

/* Start (again) the instance in an existing directory; 0 on success. */
static inline int st_up_again(struct et_test_inst *in)
{
	return et_test_sh("'%s' up --dir '%s' >/dev/null", et_test_bin("edgetee"),
			  in->dir);
}

/* Stop it, keeping its directory. */
static inline int st_down_keep(struct et_test_inst *in)
{
	return et_test_sh("'%s' down --dir '%s' >/dev/null 2>&1", et_test_bin("edgetee"),
			  in->dir);
}

#endif
