/*
 * Readers for NIST CAVP / RFC known-answer vector files (see vectors.h):
 * whole-file parse into vectors with their section context, and the
 * "# Label:" + hex format of the PKCS #1 vector files.
 */
#define _GNU_SOURCE
#include "vectors.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (n + 1 >= cap) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
		size_t r = fread(buf + n, 1, cap - n - 1, f);
		if (!r)
			break;
		n += r;
	}
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static char *trim(char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

struct fvec {
	size_t n, cap;
	struct vfield *v;
};

static void fv_set(struct fvec *fv, const char *key, const char *val, int replace)
{
	if (replace) {
		for (size_t i = 0; i < fv->n; i++) {
			if (!strcasecmp(fv->v[i].key, key)) {
				fv->v[i].val = val;
				return;
			}
		}
	}
	if (fv->n == fv->cap) {
		fv->cap = fv->cap ? fv->cap * 2 : 8;
		fv->v = realloc(fv->v, fv->cap * sizeof(*fv->v));
	}
	fv->v[fv->n].key = key;
	fv->v[fv->n].val = val;
	fv->n++;
}

static struct vfield *fv_dup(const struct fvec *fv)
{
	struct vfield *c = malloc((fv->n ? fv->n : 1) * sizeof(*c));
	memcpy(c, fv->v, fv->n * sizeof(*c));
	return c;
}

static int has_key(const struct fvec *fv, const char *key)
{
	for (size_t i = 0; i < fv->n; i++)
		if (!strcasecmp(fv->v[i].key, key))
			return 1;
	return 0;
}

static void end_block(struct vfile *vf, size_t *cap, struct fvec *blk, struct fvec *ctx,
		      const char *section, int line, const char *marker)
{
	if (!blk->n)
		return;
	if (has_key(blk, marker)) {
		if (vf->nrec == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			vf->rec = realloc(vf->rec, *cap * sizeof(*vf->rec));
		}
		struct vrec *r = &vf->rec[vf->nrec++];
		r->line = line;
		r->section = section;
		r->nf = blk->n;
		r->f = fv_dup(blk);
		r->nc = ctx->n;
		r->ctx = fv_dup(ctx);
	} else {
		for (size_t i = 0; i < blk->n; i++)
			fv_set(ctx, blk->v[i].key, blk->v[i].val, 1);
	}
	blk->n = 0;
}

int vf_load_kv(struct vfile *vf, const char *path, const char *marker)
{
	memset(vf, 0, sizeof(*vf));
	snprintf(vf->path, sizeof(vf->path), "%s", path);
	vf->text = read_all(path);
	if (!vf->text)
		return -1;
	struct fvec blk = {0}, ctx = {0};
	size_t cap = 0;
	const char *section = "";
	int lineno = 0, blk_line = 0;
	/* strtok_r would merge empty lines: split by hand. */
	char *p = vf->text;
	while (p && *p) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		lineno++;
		char *line = trim(p);
		p = nl ? nl + 1 : NULL;
		if (!*line) {
			end_block(vf, &cap, &blk, &ctx, section, blk_line, marker);
			continue;
		}
		if (line[0] == '#')
			continue;
		if (line[0] == '[') {
			end_block(vf, &cap, &blk, &ctx, section, blk_line, marker);
			char *e = strchr(line, ']');
			if (e)
				*e = '\0';
			char *part, *sp = NULL;
			int bare = !strchr(line + 1, '=');
			if (bare) {
				section = trim(line + 1);
				continue;
			}
			for (part = strtok_r(line + 1, ",", &sp); part;
			     part = strtok_r(NULL, ",", &sp)) {
				char *eq = strchr(part, '=');
				if (!eq)
					continue;
				*eq = '\0';
				fv_set(&ctx, trim(part), trim(eq + 1), 1);
			}
			continue;
		}
		if (!blk.n)
			blk_line = lineno;
		char *eq = strchr(line, '=');
		if (eq) {
			*eq = '\0';
			fv_set(&blk, trim(line), trim(eq + 1), 1);
		} else {
			fv_set(&blk, line, "", 1);
		}
	}
	end_block(vf, &cap, &blk, &ctx, section, blk_line, marker);
	free(blk.v);
	free(ctx.v);
	return 0;
}

void vf_free(struct vfile *vf)
{
	for (size_t i = 0; i < vf->nrec; i++) {
		free(vf->rec[i].f);
		free(vf->rec[i].ctx);
	}
	free(vf->rec);
	free(vf->text);
	memset(vf, 0, sizeof(*vf));
}

const char *vrec_get(const struct vrec *r, const char *key)
{
	for (size_t i = 0; i < r->nf; i++)
		if (!strcasecmp(r->f[i].key, key))
			return r->f[i].val;
	for (size_t i = 0; i < r->nc; i++)
		if (!strcasecmp(r->ctx[i].key, key))
			return r->ctx[i].val;
	return NULL;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

long hex_decode(const char *s, uint8_t **out)
{
	size_t n = strlen(s), digits = 0;
	for (size_t i = 0; i < n; i++)
		digits += !isspace((unsigned char)s[i]);
	uint8_t *b = malloc(n / 2 + 2);
	long len = 0;
	/* an odd number of digits has an implicit leading zero ("10001") */
	int hi = digits % 2 ? 0 : -1;
	for (size_t i = 0; i < n; i++) {
		if (isspace((unsigned char)s[i]))
			continue;
		int v = hexval((unsigned char)s[i]);
		if (v < 0) {
			free(b);
			*out = NULL;
			return -1;
		}
		if (hi < 0) {
			hi = v;
		} else {
			b[len++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0) {
		free(b);
		*out = NULL;
		return -1;
	}
	*out = b;
	return len;
}

int vf_load_labels(struct vlabels *vl, const char *path)
{
	memset(vl, 0, sizeof(*vl));
	snprintf(vl->path, sizeof(vl->path), "%s", path);
	char *text = read_all(path);
	if (!text)
		return -1;
	size_t cap = 0;
	int lineno = 0;
	char *hex = NULL;
	size_t hexlen = 0, hexcap = 0;
	struct ventry *cur = NULL;
	char *p = text;
	while (p && *p) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		lineno++;
		char *line = trim(p);
		p = nl ? nl + 1 : NULL;
		int is_label = 0;
		if (line[0] == '#') {
			char *t = trim(line + 1);
			size_t tl = strlen(t);
			is_label = tl > 1 && t[tl - 1] == ':';
			if (!is_label)
				cur = NULL;
			if (is_label) {
				t[tl - 1] = '\0';
				if (vl->n == cap) {
					cap = cap ? cap * 2 : 64;
					vl->e = realloc(vl->e, cap * sizeof(*vl->e));
				}
				cur = &vl->e[vl->n++];
				cur->line = lineno;
				cur->label = strdup(trim(t));
				cur->data = NULL;
				cur->len = 0;
			}
		} else if (!*line) {
			cur = NULL;
		} else if (cur) {
			size_t l = strlen(line);
			/* keep the hex of all entries in one growing buffer */
			if (!cur->data) {
				hexlen = 0;
			}
			if (hexlen + l + 1 > hexcap) {
				hexcap = (hexlen + l + 1) * 2;
				hex = realloc(hex, hexcap);
			}
			memcpy(hex + hexlen, line, l);
			hexlen += l;
			hex[hexlen] = '\0';
			free(cur->data);
			long n = hex_decode(hex, &cur->data);
			cur->len = n < 0 ? 0 : (size_t)n;
			if (!cur->data)
				cur->data = malloc(1);
		}
	}
	free(hex);
	free(text);
	return 0;
}

void vl_free(struct vlabels *vl)
{
	for (size_t i = 0; i < vl->n; i++) {
		free(vl->e[i].label);
		free(vl->e[i].data);
	}
	free(vl->e);
	memset(vl, 0, sizeof(*vl));
}
