/*
 * Signed TA packages on OpenSSL (Ed25519 via EVP) and cJSON. The signature
 * covers header, manifest and ELF, so neither the code nor the properties
 * the core trusts (single instance, heap size ...) can be changed unnoticed.
 */
#define _GNU_SOURCE
#include "tapkg.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "et_util.h"

static void seterr(char *err, size_t len, const char *fmt, ...)
{
	if (!err || !len)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

int et_manifest_to_json(const struct et_manifest *m, char **out)
{
	char u[37];
	et_uuid_format(m->uuid, u);
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return -1;
	cJSON_AddStringToObject(o, "uuid", u);
	cJSON_AddNumberToObject(o, "flags", m->flags);
	cJSON_AddNumberToObject(o, "stack_size", m->stack_size);
	cJSON_AddNumberToObject(o, "data_size", m->data_size);
	cJSON_AddStringToObject(o, "version", m->version);
	cJSON_AddStringToObject(o, "description", m->description);
	*out = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return *out ? 0 : -1;
}

static int get_u32(cJSON *o, const char *k, uint32_t *v)
{
	cJSON *n = cJSON_GetObjectItemCaseSensitive(o, k);
	if (!cJSON_IsNumber(n) || n->valuedouble < 0 || n->valuedouble > 4294967295.0)
		return -1;
	*v = (uint32_t)n->valuedouble;
	return 0;
}

int et_manifest_from_json(const char *json, size_t len, struct et_manifest *m)
{
	memset(m, 0, sizeof(*m));
	cJSON *o = cJSON_ParseWithLength(json, len);
	if (!o)
		return -1;
	int r = -1;
	cJSON *u = cJSON_GetObjectItemCaseSensitive(o, "uuid");
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "version");
	cJSON *d = cJSON_GetObjectItemCaseSensitive(o, "description");
	if (!cJSON_IsString(u) || et_uuid_parse(u->valuestring, m->uuid))
		goto out;
	if (get_u32(o, "flags", &m->flags) || get_u32(o, "stack_size", &m->stack_size) ||
	    get_u32(o, "data_size", &m->data_size))
		goto out;
	if (cJSON_IsString(v))
		snprintf(m->version, sizeof(m->version), "%s", v->valuestring);
	if (cJSON_IsString(d))
		snprintf(m->description, sizeof(m->description), "%s", d->valuestring);
	r = 0;
out:
	cJSON_Delete(o);
	return r;
}

static int key_id(EVP_PKEY *k, uint8_t id[32])
{
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(k, &der);
	if (n <= 0)
		return -1;
	SHA256(der, (size_t)n, id);
	OPENSSL_free(der);
	return 0;
}

static int read_file(const char *path, uint8_t **buf, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	uint8_t *b = malloc((size_t)st.st_size + 1);
	if (!b) {
		close(fd);
		return -ENOMEM;
	}
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, b + got, (size_t)st.st_size - got);
		if (r <= 0) {
			free(b);
			close(fd);
			return r < 0 ? -errno : -EIO;
		}
		got += (size_t)r;
	}
	close(fd);
	*buf = b;
	*len = got;
	return 0;
}

int et_pkg_write(const char *path, const struct et_manifest *m, const uint8_t *elf,
		 size_t elf_len, const char *key_pem_path, char *err, size_t errlen)
{
	int ret = -1;
	char *json = NULL;
	uint8_t *body = NULL, *sig = NULL;
	EVP_PKEY *key = NULL;
	EVP_MD_CTX *ctx = NULL;
	FILE *kf = fopen(key_pem_path, "r");
	if (!kf) {
		seterr(err, errlen, "cannot read key %s: %s", key_pem_path,
		       strerror(errno));
		return -1;
	}
	key = PEM_read_PrivateKey(kf, NULL, NULL, NULL);
	fclose(kf);
	if (!key) {
		seterr(err, errlen, "%s is not a PEM private key", key_pem_path);
		return -1;
	}
	if (et_manifest_to_json(m, &json))
		goto out;
	struct et_pkg_hdr h;
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, ET_PKG_MAGIC, 8);
	h.manifest_len = (uint32_t)strlen(json);
	h.elf_len = elf_len;
	h.sig_len = 64;
	if (key_id(key, h.key_id))
		goto out;
	size_t blen = sizeof(h) + h.manifest_len + elf_len;
	body = malloc(blen);
	sig = malloc(h.sig_len);
	if (!body || !sig)
		goto out;
	memcpy(body, &h, sizeof(h));
	memcpy(body + sizeof(h), json, h.manifest_len);
	memcpy(body + sizeof(h) + h.manifest_len, elf, elf_len);
	size_t slen = h.sig_len;
	ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) != 1 ||
	    EVP_DigestSign(ctx, sig, &slen, body, blen) != 1 || slen != h.sig_len) {
		seterr(err, errlen, "signing failed (is %s an Ed25519 key?)",
		       key_pem_path);
		goto out;
	}
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "wb");
	if (!f) {
		seterr(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	int ok = fwrite(body, 1, blen, f) == blen && fwrite(sig, 1, slen, f) == slen;
	ok = (fclose(f) == 0) && ok;
	if (!ok || rename(tmp, path) < 0) {
		seterr(err, errlen, "cannot write %s", path);
		unlink(tmp);
		goto out;
	}
	ret = 0;
out:
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
	free(json);
	free(body);
	free(sig);
	return ret;
}

/* Find the trusted public key with this id in any trust directory. */
static EVP_PKEY *find_key(const char *const *dirs, const uint8_t id[32])
{
	for (; dirs && *dirs; dirs++) {
		DIR *d = opendir(*dirs);
		if (!d)
			continue;
		struct dirent *e;
		while ((e = readdir(d))) {
			size_t n = strlen(e->d_name);
			if (n < 4 || strcmp(e->d_name + n - 4, ".pem"))
				continue;
			char p[4096];
			snprintf(p, sizeof(p), "%s/%s", *dirs, e->d_name);
			FILE *f = fopen(p, "r");
			if (!f)
				continue;
			EVP_PKEY *k = PEM_read_PUBKEY(f, NULL, NULL, NULL);
			fclose(f);
			uint8_t kid[32];
			if (k && !key_id(k, kid) && !memcmp(kid, id, 32)) {
				closedir(d);
				return k;
			}
			EVP_PKEY_free(k);
		}
		closedir(d);
	}
	return NULL;
}

int et_pkg_load(const char *path, const char *const *trust_dirs, struct et_pkg *out,
		char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	uint8_t *f = NULL;
	size_t len = 0;
	int r = read_file(path, &f, &len);
	if (r) {
		seterr(err, errlen, "%s: %s", path, strerror(-r));
		return -1;
	}
	struct et_pkg_hdr h;
	if (len < sizeof(h)) {
		seterr(err, errlen, "%s: not a TA package", path);
		goto bad;
	}
	memcpy(&h, f, sizeof(h));
	if (memcmp(h.magic, ET_PKG_MAGIC, 8)) {
		seterr(err, errlen, "%s: not a signed TA package", path);
		goto bad_sig;
	}
	size_t body = sizeof(h) + (size_t)h.manifest_len;
	if (h.elf_len > len || body > len - h.elf_len || h.sig_len != 64 ||
	    body + h.elf_len + h.sig_len != len) {
		seterr(err, errlen, "%s: package sizes do not add up", path);
		goto bad_sig;
	}
	body += h.elf_len;
	EVP_PKEY *k = find_key(trust_dirs, h.key_id);
	if (!k) {
		seterr(err, errlen, "%s: signed by a key that is not trusted", path);
		goto bad_sig;
	}
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, k) == 1 &&
		 EVP_DigestVerify(ctx, f + body, h.sig_len, f, body) == 1;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
	if (!ok) {
		seterr(err, errlen, "%s: signature does not verify", path);
		goto bad_sig;
	}
	if (et_manifest_from_json((const char *)f + sizeof(h), h.manifest_len,
				  &out->man)) {
		seterr(err, errlen, "%s: bad manifest", path);
		goto bad;
	}
	out->hdr = h;
	out->file = f;
	out->file_len = len;
	out->elf = f + sizeof(h) + h.manifest_len;
	out->elf_len = h.elf_len;
	return 0;
bad:
	free(f);
	return -1;
bad_sig:
	free(f);
	return -2;
}

void et_pkg_free(struct et_pkg *p)
{
	free(p->file);
	memset(p, 0, sizeof(*p));
}

int et_keygen(const char *priv_path, const char *pub_path, char *err, size_t errlen)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (!k) {
		seterr(err, errlen, "key generation failed");
		return -1;
	}
	int ret = -1;
	int fd = open(priv_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		seterr(err, errlen, "cannot create %s: %s", priv_path, strerror(errno));
		goto out;
	}
	FILE *f = fdopen(fd, "w");
	int ok = f && PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL) == 1;
	if (f)
		ok = (fclose(f) == 0) && ok;
	if (!ok) {
		seterr(err, errlen, "cannot write %s", priv_path);
		goto out;
	}
	f = fopen(pub_path, "w");
	ok = f && PEM_write_PUBKEY(f, k) == 1;
	if (f)
		ok = (fclose(f) == 0) && ok;
	if (!ok) {
		seterr(err, errlen, "cannot write %s", pub_path);
		goto out;
	}
	ret = 0;
out:
	EVP_PKEY_free(k);
	return ret;
}
