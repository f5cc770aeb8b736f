/*
 * Storage keys of the instance: the hardware-unique-key stand-in (HUK) and
 * what is derived from it. The HUK is 32 random bytes made at the first
 * start and kept in <instance dir>/huk, readable by the instance's user only
 * ("sealed" by file permission: root can read it; a TPM-sealed HUK is later
 * work). Derivations are HMAC-SHA256 through OpenSSL.
 */
#define _GNU_SOURCE
#include "keys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

static uint8_t ssk[32];
static int ready;

void keys_hmac(const uint8_t key[32], const char *label, const void *msg, size_t len,
	       uint8_t out[32])
{
	uint8_t buf[512];
	size_t ll = strlen(label);
	unsigned int ol = 32;
	/* Labels and messages are short here (names, UUIDs, counters). */
	if (ll + len > sizeof(buf)) {
		memset(out, 0, 32);
		return;
	}
	memcpy(buf, label, ll);
	if (len)
		memcpy(buf + ll, msg, len);
	HMAC(EVP_sha256(), key, 32, buf, ll + len, out, &ol);
	OPENSSL_cleanse(buf, sizeof(buf));
}

static int read_full(int fd, uint8_t *b, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, b + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

int keys_init(const char *dir, const char *instance_name)
{
	char p[4200];
	uint8_t huk[32];
	snprintf(p, sizeof(p), "%s/huk", dir);
	int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0) {
		struct stat st;
		int bad = fstat(fd, &st) || st.st_size != 32 || read_full(fd, huk, 32);
		close(fd);
		if (bad)
			return -EINVAL; /* never replace a key: the data would be lost */
	} else if (errno == ENOENT) {
		/* First start: write it under a temporary name, durably, then
		 * link it in so a crash never leaves a half-written HUK. */
		char tmp[4300];
		snprintf(tmp, sizeof(tmp), "%s.tmp", p);
		if (RAND_priv_bytes(huk, 32) != 1)
			return -EIO;
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
			  0600);
		if (fd < 0)
			return -errno;
		int ok = write(fd, huk, 32) == 32 && fsync(fd) == 0;
		close(fd);
		if (!ok || rename(tmp, p)) {
			unlink(tmp);
			return -EIO;
		}
		int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	} else {
		return -errno;
	}
	keys_hmac(huk, instance_name, "edgetee storage", strlen("edgetee storage"), ssk);
	OPENSSL_cleanse(huk, sizeof(huk));
	/* Keep the SSK out of swap where the system lets us. */
	mlock(ssk, sizeof(ssk));
	ready = 1;
	return 0;
}

int keys_ready(void)
{
	return ready;
}

void keys_tsk(const uint8_t uuid[16], uint8_t out[32])
{
	keys_hmac(ssk, "", uuid, 16, out);
}

void keys_ta_name(const uint8_t uuid[16], char out[33])
{
	uint8_t h[32];
	keys_hmac(ssk, "edgetee storage name", uuid, 16, h);
	for (int i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

void keys_ssk_mac(const char *label, const void *msg, size_t len, uint8_t out[32])
{
	keys_hmac(ssk, label, msg, len, out);
}
