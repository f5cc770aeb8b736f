/*
 * The TA store: finds <uuid>.ta on the TA search path (EDGETEE_TA_PATH, then
 * the instance's ta/ directory), verifies its signature against the trust
 * store, and keeps the verified ELF in a sealed memfd. TA processes load
 * from that memfd, so what runs is byte for byte what was verified.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"
#include "tee_client_api.h"
#include "et_util.h"

static int try_dir(const char *dir, const char *uuidstr, char *path, size_t len,
		   struct stat *st)
{
	int n = snprintf(path, len, "%s/%s.ta", dir, uuidstr);
	if (n < 0 || (size_t)n >= len)
		return -1;
	return stat(path, st) == 0 && S_ISREG(st->st_mode) ? 0 : -1;
}

static int find_file(const char *uuidstr, char *path, size_t len, struct stat *st)
{
	const char *env = getenv("EDGETEE_TA_PATH");
	if (env && *env) {
		char *dup = strdup(env), *save = NULL;
		for (char *d = strtok_r(dup, ":", &save); d;
		     d = strtok_r(NULL, ":", &save)) {
			if (*d && try_dir(d, uuidstr, path, len, st) == 0) {
				free(dup);
				return 0;
			}
		}
		free(dup);
	}
	char tadir[4096];
	snprintf(tadir, sizeof(tadir), "%s/ta", g.dir);
	return try_dir(tadir, uuidstr, path, len, st);
}

static int elf_memfd(const uint8_t *elf, size_t len)
{
	int fd = memfd_create("edgetee-ta", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -1;
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, elf + off, len - off);
		if (w <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	if (fcntl(fd, F_ADD_SEALS,
		  F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL)) {
		close(fd);
		return -1;
	}
	return fd;
}

void store_put(struct ta_image *img)
{
	if (--img->refs > 0)
		return;
	for (struct ta_image **p = &g.images; *p; p = &(*p)->next) {
		if (*p == img) {
			*p = img->next;
			break;
		}
	}
	close(img->elf_fd);
	free(img);
}

uint32_t store_lookup(const uint8_t uuid[16], struct ta_image **out)
{
	char us[37], path[1024];
	struct stat st;
	et_uuid_format(uuid, us);
	if (find_file(us, path, sizeof(path), &st))
		return TEEC_ERROR_ITEM_NOT_FOUND;
	int64_t mt = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	for (struct ta_image *i = g.images; i; i = i->next) {
		if (!strcmp(i->path, path) && i->dev == st.st_dev &&
		    i->ino == st.st_ino && i->mtime_ns == mt && i->size == st.st_size) {
			i->refs++;
			*out = i;
			return TEEC_SUCCESS;
		}
	}
	struct et_pkg pkg;
	char err[512];
	int r = et_pkg_load(path, g.trust_dirs, &pkg, err, sizeof(err));
	if (r) {
		core_log("refusing TA %s: %s", us, err);
		return TEEC_ERROR_SECURITY;
	}
	if (memcmp(pkg.man.uuid, uuid, 16)) {
		core_log("refusing TA %s: package is for another UUID", us);
		et_pkg_free(&pkg);
		return TEEC_ERROR_SECURITY;
	}
	struct ta_image *img = calloc(1, sizeof(*img));
	if (!img) {
		et_pkg_free(&pkg);
		return TEEC_ERROR_OUT_OF_MEMORY;
	}
	img->elf_fd = elf_memfd(pkg.elf, pkg.elf_len);
	if (img->elf_fd < 0) {
		et_pkg_free(&pkg);
		free(img);
		return TEEC_ERROR_OUT_OF_MEMORY;
	}
	memcpy(img->uuid, uuid, 16);
	snprintf(img->path, sizeof(img->path), "%s", path);
	img->dev = st.st_dev;
	img->ino = st.st_ino;
	img->mtime_ns = mt;
	img->size = st.st_size;
	img->man = pkg.man;
	/* One reference for the cache, one for the caller. */
	img->refs = 2;
	img->next = g.images;
	g.images = img;
	et_pkg_free(&pkg);
	/* Drop stale versions of the same TA from the cache. */
	for (struct ta_image *i = g.images; i; i = i->next) {
		if (i != img && !memcmp(i->uuid, uuid, 16) && i->refs > 0 && i->path[0]) {
			i->path[0] = 0;
			store_put(i);
			break;
		}
	}
	*out = img;
	return TEEC_SUCCESS;
}
