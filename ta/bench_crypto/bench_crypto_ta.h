/*
 * Commands of the crypto benchmark TA, shared by the TA and `edgetee bench
 * crypto`. Each RUN invocation repeats one operation N times inside the TA,
 * so the invocation itself is a negligible part of what the client times.
 */
#ifndef BENCH_CRYPTO_TA_H
#define BENCH_CRYPTO_TA_H

#define BENCH_CRYPTO_TA_UUID                                                             \
	{                                                                                \
		0x5c1d69be, 0xeb6c, 0x4597,                                              \
		{                                                                        \
			0xa1, 0x76, 0x0d, 0x46, 0xb7, 0x65, 0x22, 0xfe                   \
		}                                                                        \
	}
#define BENCH_CRYPTO_TA_UUID_STR "5c1d69be-eb6c-4597-a176-0d46b76522fe"

/* No parameters: generate the keys and the random data buffers. */
#define BENCH_CRYPTO_CMD_SETUP 0
/* VALUE_INPUT a = case (BENCH_CRYPTO_*), b = iterations;
 * VALUE_OUTPUT a = a word of the last result, so the work is observable. */
#define BENCH_CRYPTO_CMD_RUN 1

/* The cases, the same on both sides of the comparison. */
#define BENCH_CRYPTO_AES_GCM_1K	  0 /* AEInit + AEEncryptFinal, AES-128, 1 KiB */
#define BENCH_CRYPTO_AES_GCM_1M	  1 /* the same over 1 MiB */
#define BENCH_CRYPTO_SHA256_1K	  2 /* DigestDoFinal over 1 KiB */
#define BENCH_CRYPTO_SHA256_1M	  3 /* DigestDoFinal over 1 MiB */
#define BENCH_CRYPTO_ECDSA_SIGN	  4 /* P-256, 32-byte digest */
#define BENCH_CRYPTO_ECDSA_VERIFY 5 /* P-256, the TA's own signature */
#define BENCH_CRYPTO_RSA2048_SIGN 6 /* PKCS#1 v1.5, SHA-256 digest */
#define BENCH_CRYPTO_NCASES	  7

#define BENCH_CRYPTO_MAX_MSG (1024u * 1024u)

#endif
