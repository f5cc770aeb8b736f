/*
 * The signed TA package, <uuid>.ta: a fixed header, a JSON manifest (the
 * properties the core needs before it starts the TA), the TA's ELF shared
 * object, and an Ed25519 signature over all of it. `edgetee sign` writes
 * packages; edgeteed verifies them against its trust store before loading.
 */
#ifndef ET_TAPKG_H
#define ET_TAPKG_H

#include <stddef.h>
#include <stdint.h>

#define ET_PKG_MAGIC "EDGETA01"

struct et_pkg_hdr {
	char magic[8];
	uint32_t manifest_len;
	uint32_t sig_len;
	uint64_t elf_len;
	uint8_t key_id[32]; /* SHA-256 of the signer's public key (DER) */
};

struct et_manifest {
	uint8_t uuid[16];
	uint32_t flags; /* TA_FLAG_* */
	uint32_t stack_size;
	uint32_t data_size;
	char version[64];
	char description[128];
};

struct et_pkg {
	struct et_pkg_hdr hdr;
	struct et_manifest man;
	const uint8_t *elf; /* points into the loaded file */
	size_t elf_len;
	uint8_t *file; /* whole file */
	size_t file_len;
};

/* Sign: write <out_dir>/<uuid>.ta from an ELF and its manifest. */
int et_pkg_write(const char *path, const struct et_manifest *m, const uint8_t *elf,
		 size_t elf_len, const char *key_pem_path, char *err, size_t errlen);

/*
 * Load and verify a package against the PEM public keys in trust_dirs
 * (NULL-terminated list of directories). Returns 0, -1 on format error,
 * -2 on signature failure (untrusted key, bad or missing signature).
 */
int et_pkg_load(const char *path, const char *const *trust_dirs, struct et_pkg *out,
		char *err, size_t errlen);
void et_pkg_free(struct et_pkg *p);

/* Generate an Ed25519 key pair: private PEM (0600) and public PEM. */
int et_keygen(const char *priv_path, const char *pub_path, char *err, size_t errlen);

int et_manifest_to_json(const struct et_manifest *m, char **out);
int et_manifest_from_json(const char *json, size_t len, struct et_manifest *m);

#endif
