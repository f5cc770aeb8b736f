/*
 * edgetee keygen / sign: developer-side TA packaging. `sign` loads the TA's
 * shared object only to read its head (UUID, flags, sizes) for the manifest,
 * then signs manifest and ELF bytes together into <uuid>.ta.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <user_ta_header.h>

#include "cli.h"
#include "tapkg.h"
#include "et_util.h"

int cmd_keygen(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf(
		    "usage: edgetee keygen PRIVATE.pem PUBLIC.pem\n"
		    "  Create an Ed25519 TA signing key pair. Give PUBLIC.pem to the\n"
		    "  instances that should trust your TAs (their keys/ directory).\n");
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr,
			"edgetee keygen: expected PRIVATE.pem PUBLIC.pem (see --help)\n");
		return 2;
	}
	char err[512];
	if (et_keygen(argv[1], argv[2], err, sizeof(err))) {
		fprintf(stderr, "edgetee keygen: %s\n", err);
		return 1;
	}
	return 0;
}

static void uuid_bytes(const TEE_UUID *u, uint8_t b[16])
{
	et_uuid_pack(u->timeLow, u->timeMid, u->timeHiAndVersion, u->clockSeqAndNode, b);
}

int cmd_sign(int argc, char **argv)
{
	static const struct option opts[] = {{"key", required_argument, NULL, 'k'},
					     {"out-dir", required_argument, NULL, 'o'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	const char *key = NULL, *outdir = ".";
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "k:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			key = optarg;
			break;
		case 'o':
			outdir = optarg;
			break;
		case 'h':
			printf("usage: edgetee sign --key KEY.pem [--out-dir DIR] TA.so\n"
			       "  Package a TA shared object as DIR/<uuid>.ta, signed "
			       "with KEY.\n");
			return 0;
		default:
			fprintf(stderr, "edgetee sign: bad option (see --help)\n");
			return 2;
		}
	}
	if (!key || optind != argc - 1) {
		fprintf(stderr,
			"edgetee sign: need --key KEY.pem and one TA.so (see --help)\n");
		return 2;
	}
	const char *so = argv[optind];
	char abs[4096];
	if (!realpath(so, abs)) {
		fprintf(stderr, "edgetee sign: cannot find %s\n", so);
		return 1;
	}
	void *h = dlopen(abs, RTLD_LAZY | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "edgetee sign: cannot load %s: %s\n", so, dlerror());
		return 1;
	}
	const struct et_ta_head *head = dlsym(h, "__et_ta_head");
	if (!head || head->magic != ET_TA_HEAD_MAGIC) {
		fprintf(stderr, "edgetee sign: %s is not an edgetee TA (no TA head)\n",
			so);
		return 1;
	}
	struct et_manifest m;
	memset(&m, 0, sizeof(m));
	uuid_bytes(&head->uuid, m.uuid);
	m.flags = head->flags;
	m.stack_size = head->stack_size;
	m.data_size = head->data_size;
	snprintf(m.version, sizeof(m.version), "%s", head->version ? head->version : "");
	snprintf(m.description, sizeof(m.description), "%s",
		 head->description ? head->description : "");
	dlclose(h);
	FILE *f = fopen(abs, "rb");
	if (!f) {
		fprintf(stderr, "edgetee sign: cannot read %s\n", so);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *elf = malloc(len > 0 ? (size_t)len : 1);
	if (!elf || len <= 0 || fread(elf, 1, (size_t)len, f) != (size_t)len) {
		fclose(f);
		free(elf);
		fprintf(stderr, "edgetee sign: cannot read %s\n", so);
		return 1;
	}
	fclose(f);
	char us[37], out[4200], err[512];
	et_uuid_format(m.uuid, us);
	snprintf(out, sizeof(out), "%s/%s.ta", outdir, us);
	int r = et_pkg_write(out, &m, elf, (size_t)len, key, err, sizeof(err));
	free(elf);
	if (r) {
		fprintf(stderr, "edgetee sign: %s\n", err);
		return 1;
	}
	printf("%s\n", out);
	return 0;
}
