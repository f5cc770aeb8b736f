/*
 * edgetee ta install / list: manage the TAs installed in an instance's ta/
 * directory. Install verifies the package against the instance's trust
 * store first, so a TA that the instance would refuse is refused here, with
 * the reason, instead of at the next OpenSession.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "tapkg.h"
#include "et_util.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: edgetee ta install [--instance NAME] [--dir DIR] FILE.ta...\n"
		   "       edgetee ta list [--instance NAME] [--dir DIR]\n"
		   "  install: verify signed TA packages against the instance's trusted\n"
		   "           keys and copy them into its ta/ directory as <uuid>.ta\n"
		   "  list:    show the installed TAs with UUID, flags and sizes\n");
}

static int copy_atomic(const char *from, const char *dir, const char *name)
{
	char tmp[4200], dst[4200];
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name);
	snprintf(dst, sizeof(dst), "%s/%s", dir, name);
	FILE *in = fopen(from, "rb"), *out = in ? fopen(tmp, "wb") : NULL;
	if (!in || !out) {
		if (in)
			fclose(in);
		return -1;
	}
	char buf[65536];
	size_t n;
	int ok = 1;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		ok &= fwrite(buf, 1, n, out) == n;
	fclose(in);
	ok &= fflush(out) == 0 && fsync(fileno(out)) == 0;
	ok &= fclose(out) == 0;
	if (!ok || rename(tmp, dst)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int install(const char *dir, int argc, char **argv)
{
	char keys[4200], tadir[4200];
	snprintf(keys, sizeof(keys), "%s/keys", dir);
	snprintf(tadir, sizeof(tadir), "%s/ta", dir);
	if (access(keys, R_OK)) {
		fprintf(
		    stderr,
		    "edgetee ta install: %s is not an instance directory (no keys/)\n",
		    dir);
		return 1;
	}
	mkdir(tadir, 0700);
	const char *trust[] = {keys, NULL};
	int rc = 0;
	for (int i = 0; i < argc; i++) {
		struct et_pkg p;
		char err[512], us[37], name[64];
		int r = et_pkg_load(argv[i], trust, &p, err, sizeof(err));
		if (r) {
			fprintf(stderr, "edgetee ta install: %s\n", err);
			rc = 1;
			continue;
		}
		et_uuid_format(p.man.uuid, us);
		et_pkg_free(&p);
		snprintf(name, sizeof(name), "%s.ta", us);
		if (copy_atomic(argv[i], tadir, name)) {
			fprintf(stderr, "edgetee ta install: cannot write %s/%s: %s\n",
				tadir, name, strerror(errno));
			rc = 1;
			continue;
		}
		printf("installed %s as %s/%s\n", argv[i], tadir, name);
	}
	return rc;
}

static int list(const char *dir)
{
	char keys[4200], tadir[4200];
	snprintf(keys, sizeof(keys), "%s/keys", dir);
	snprintf(tadir, sizeof(tadir), "%s/ta", dir);
	DIR *d = opendir(tadir);
	if (!d) {
		fprintf(stderr, "edgetee ta list: cannot read %s: %s\n", tadir,
			strerror(errno));
		return 1;
	}
	const char *trust[] = {keys, NULL};
	struct dirent *e;
	printf("%-36s  %-8s  %-10s  %-10s  %s\n", "uuid", "flags", "stack", "heap",
	       "status");
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n < 4 || strcmp(e->d_name + n - 3, ".ta") || e->d_name[0] == '.')
			continue;
		char p[4500], err[512], us[37];
		snprintf(p, sizeof(p), "%s/%s", tadir, e->d_name);
		struct et_pkg pkg;
		if (et_pkg_load(p, trust, &pkg, err, sizeof(err))) {
			printf("%-36.*s  %-8s  %-10s  %-10s  refused: %s\n", (int)(n - 3),
			       e->d_name, "-", "-", "-", err);
			continue;
		}
		et_uuid_format(pkg.man.uuid, us);
		printf("%-36s  0x%06x  %-10u  %-10u  ok %s\n", us, pkg.man.flags,
		       pkg.man.stack_size, pkg.man.data_size, pkg.man.description);
		et_pkg_free(&pkg);
	}
	closedir(d);
	return 0;
}

int cmd_ta(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *sub = argv[1];
	static const struct option opts[] = {{"instance", required_argument, NULL, 'i'},
					     {"dir", required_argument, NULL, 'd'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	const char *instance = "default", *dirarg = NULL;
	int c;
	optind = 2;
	while ((c = getopt_long(argc, argv, "i:d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			instance = optarg;
			break;
		case 'd':
			dirarg = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "edgetee ta: bad option (see --help)\n");
			return 2;
		}
	}
	char dir[4096];
	if (cli_dir(instance, dirarg, dir, sizeof(dir))) {
		fprintf(stderr, "edgetee ta: state directory path too long\n");
		return 1;
	}
	if (!strcmp(sub, "install")) {
		if (optind >= argc) {
			fprintf(stderr,
				"edgetee ta install: no package given (see --help)\n");
			return 2;
		}
		return install(dir, argc - optind, argv + optind);
	}
	if (!strcmp(sub, "list")) {
		if (optind != argc) {
			fprintf(stderr, "edgetee ta list: unexpected argument '%s'\n",
				argv[optind]);
			return 2;
		}
		return list(dir);
	}
	fprintf(stderr, "edgetee ta: unknown subcommand '%s' (see --help)\n", sub);
	return 2;
}
