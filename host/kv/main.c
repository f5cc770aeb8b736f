/*
 * edgetee-kv: command-line client of the key-value store TA. One command
 * per run; the TA instance is kept alive, so keys stay between runs for as
 * long as the TEE instance runs, and with --persistent in GP trusted
 * storage across restarts of the instance. Errors are one line on stderr and a
 * non-zero exit status (1 failure, 2 usage).
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kv_client.h"
#include "kvstore_ta.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: edgetee-kv [--transport whole|partial|temp] [--persistent] "
		"COMMAND [ARGS]\n"
		"\n"
		"  Talk to the key-value store TA of the running instance\n"
		"  (EDGETEE_SOCKET selects it; start one with `edgetee up`).\n"
		"\n"
		"Commands:\n"
		"  put KEY VALUE   store VALUE under KEY (VALUE '-' reads stdin)\n"
		"  get KEY         write the value of KEY to stdout\n"
		"  del KEY         remove KEY\n"
		"  list            print every key, one per line\n"
		"  count           print the number of keys\n"
		"\n"
		"Options:\n"
		"  --transport T   how buffers reach the TA: whole or partial shared\n"
		"                  memory, or temporary memrefs (default whole)\n"
		"  --persistent    use the table kept in trusted storage: it survives\n"
		"                  restarts of the instance, and a change is durable\n"
		"                  once the command returns\n");
}

static const char *prog = "edgetee-kv";

static int fail(const char *what, struct kvc *c, TEEC_Result r)
{
	fprintf(stderr, "%s: %s: %s (0x%08x, origin %u)\n", prog, what, kvc_strerror(r),
		r, c->origin);
	return 1;
}

/* The whole of stdin, for `put KEY -`. */
static char *read_stdin(size_t *len)
{
	size_t cap = 4096, n = 0;
	char *b = malloc(cap);
	while (b) {
		size_t got = fread(b + n, 1, cap - n, stdin);
		n += got;
		if (n < cap) {
			if (ferror(stdin)) {
				free(b);
				return NULL;
			}
			*len = n;
			return b;
		}
		char *nb = realloc(b, cap * 2);
		if (!nb)
			free(b);
		b = nb;
		cap *= 2;
	}
	return NULL;
}

/* Keys are byte strings: print them readably, escaping anything else. */
static void print_key(const unsigned char *k, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (isprint(k[i]) && k[i] != '\\')
			putchar(k[i]);
		else
			printf("\\x%02x", k[i]);
	}
	putchar('\n');
}

static int do_get(struct kvc *c, const char *key)
{
	size_t cap = 4096;
	for (;;) {
		char *buf = malloc(cap ? cap : 1);
		if (!buf) {
			fprintf(stderr, "%s: get: out of memory\n", prog);
			return 1;
		}
		size_t n = cap;
		TEEC_Result r = kvc_get(c, key, strlen(key), buf, &n);
		if (r == TEEC_ERROR_SHORT_BUFFER && n > cap) {
			free(buf);
			cap = n;
			continue;
		}
		if (r != TEEC_SUCCESS) {
			free(buf);
			if (r == TEEC_ERROR_ITEM_NOT_FOUND) {
				fprintf(stderr, "%s: get: no such key '%s'\n", prog, key);
				return 1;
			}
			return fail("get", c, r);
		}
		int ok = fwrite(buf, 1, n, stdout) == n;
		if (isatty(STDOUT_FILENO))
			putchar('\n');
		free(buf);
		if (!ok || fflush(stdout)) {
			fprintf(stderr, "%s: get: cannot write the value: %s\n", prog,
				strerror(errno));
			return 1;
		}
		return 0;
	}
}

static int do_list(struct kvc *c)
{
	static unsigned char page[16384];
	uint32_t start = 0, n, total;
	for (;;) {
		size_t len = sizeof(page);
		TEEC_Result r = kvc_list(c, start, page, &len, &n, &total);
		if (r != TEEC_SUCCESS)
			return fail("list", c, r);
		size_t off = 0;
		for (uint32_t i = 0; i < n; i++) {
			if (len - off < 4)
				break;
			uint32_t kl = (uint32_t)page[off] | (uint32_t)page[off + 1] << 8 |
				      (uint32_t)page[off + 2] << 16 |
				      (uint32_t)page[off + 3] << 24;
			if (len - off - 4 < kl)
				break;
			print_key(page + off + 4, kl);
			off += 4 + kl;
		}
		start += n;
		if (!n || start >= total)
			return 0;
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {{"transport", required_argument, NULL, 't'},
					     {"persistent", no_argument, NULL, 'p'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	enum kvc_transport tr = KVC_WHOLE;
	uint32_t flags = 0;
	int ch;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+ht:", opts, NULL)) != -1) {
		switch (ch) {
		case 't':
			if (kvc_transport_parse(optarg, &tr)) {
				fprintf(stderr,
					"%s: bad --transport '%s' (whole, partial or "
					"temp)\n",
					prog, optarg);
				return 2;
			}
			break;
		case 'p':
			flags |= KV_OPEN_PERSISTENT;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "%s: bad option '%s' (see --help)\n", prog,
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	const char *cmd = argv[optind];
	int nargs = argc - optind - 1;
	char **args = argv + optind + 1;
	int want = !strcmp(cmd, "put")				   ? 2
		   : !strcmp(cmd, "get")			   ? 1
		   : !strcmp(cmd, "del")			   ? 1
		   : !strcmp(cmd, "list") || !strcmp(cmd, "count") ? 0
								   : -1;
	if (want < 0) {
		fprintf(stderr, "%s: unknown command '%s' (see --help)\n", prog, cmd);
		return 2;
	}
	if (nargs != want) {
		fprintf(stderr, "%s: %s takes %d argument%s (see --help)\n", prog, cmd,
			want, want == 1 ? "" : "s");
		return 2;
	}
	if (want && !*args[0]) {
		fprintf(stderr, "%s: %s: the key must not be empty\n", prog, cmd);
		return 2;
	}
	struct kvc c;
	TEEC_Result r = kvc_open(&c, NULL, tr, flags);
	if (r != TEEC_SUCCESS) {
		fprintf(stderr,
			"%s: cannot open a session with the kvstore TA%s: %s "
			"(0x%08x, origin %u)\n",
			prog, (flags & KV_OPEN_PERSISTENT) ? " (persistent table)" : "",
			kvc_strerror(r), r, c.origin);
		return 1;
	}
	int rc = 0;
	if (!strcmp(cmd, "put")) {
		size_t vlen = strlen(args[1]);
		char *val = args[1], *in = NULL;
		if (!strcmp(args[1], "-")) {
			in = val = read_stdin(&vlen);
			if (!in) {
				fprintf(stderr,
					"%s: put: cannot read the value from stdin\n",
					prog);
				kvc_close(&c);
				return 1;
			}
		}
		r = kvc_put(&c, args[0], strlen(args[0]), val, vlen);
		free(in);
		if (r != TEEC_SUCCESS)
			rc = fail("put", &c, r);
	} else if (!strcmp(cmd, "get")) {
		rc = do_get(&c, args[0]);
	} else if (!strcmp(cmd, "del")) {
		r = kvc_del(&c, args[0], strlen(args[0]));
		if (r == TEEC_ERROR_ITEM_NOT_FOUND) {
			fprintf(stderr, "%s: del: no such key '%s'\n", prog, args[0]);
			rc = 1;
		} else if (r != TEEC_SUCCESS) {
			rc = fail("del", &c, r);
		}
	} else if (!strcmp(cmd, "list")) {
		rc = do_list(&c);
	} else {
		uint32_t n, bytes;
		r = kvc_count(&c, &n, &bytes);
		if (r != TEEC_SUCCESS)
			rc = fail("count", &c, r);
		else
			printf("%u\n", n);
	}
	kvc_close(&c);
	return rc;
}
