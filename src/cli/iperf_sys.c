/*
 * CPU time and energy accounting for `edgetee iperf` (see iperf_sys.h).
 */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <dirent.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli.h"
#include "fdio.h"
#include "iperf_sys.h"
#include "proto.h"
#include "et_util.h"

static pid_t find_supplicant(const cJSON *o)
{
	/* The status message may expose the REE socket service as
	 * "supplicant_pid": N or "supplicant": {"pid": N}. */
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "supplicant_pid");
	if (cJSON_IsNumber(v))
		return (pid_t)v->valuedouble;
	v = cJSON_GetObjectItemCaseSensitive(o, "supplicant");
	if (cJSON_IsNumber(v))
		return (pid_t)v->valuedouble;
	if (cJSON_IsObject(v)) {
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(v, "pid");
		if (cJSON_IsNumber(p))
			return (pid_t)p->valuedouble;
	}
	return 0;
}

/* The supplicant is a child of the core: find it by parent and name when
 * the status message does not say. */
static pid_t child_named(pid_t parent, const char *prefix)
{
	DIR *d = opendir("/proc");
	pid_t found = 0;
	struct dirent *e;
	while (d && !found && (e = readdir(d))) {
		char path[300], buf[512];
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = 0;
		char *open = strchr(buf, '('), *close = strrchr(buf, ')');
		int ppid = 0;
		if (!open || !close || sscanf(close + 2, "%*c %d", &ppid) != 1)
			continue;
		*close = 0;
		if (ppid == parent && !strncmp(open + 1, prefix, strlen(prefix)))
			found = (pid_t)atoi(e->d_name);
	}
	if (d)
		closedir(d);
	return found;
}

void sys_instance_pids(const char *ta_uuid, pid_t *ta_pid, pid_t *supplicant_pid)
{
	*ta_pid = 0;
	*supplicant_pid = 0;
	char sock[4200];
	const char *env = getenv("EDGETEE_SOCKET");
	if (env && *env) {
		snprintf(sock, sizeof(sock), "%s", env);
	} else {
		char dir[4096];
		if (et_default_dir("default", dir, sizeof(dir)))
			return;
		et_socket_path(dir, sock, sizeof(sock));
	}
	int fd = cli_connect(sock, 1);
	if (fd < 0)
		return;
	struct et_msg_hdr m = {.type = ET_MSG_STATUS};
	char *buf = malloc(65536);
	ssize_t n = -1;
	if (buf && et_send(fd, &m, sizeof(m), NULL, 0) == 0)
		n = et_recv(fd, buf, 65535, NULL, NULL);
	close(fd);
	if (n <= 0) {
		free(buf);
		return;
	}
	buf[n] = 0;
	cJSON *o = cJSON_Parse(buf);
	free(buf);
	if (!o)
		return;
	*supplicant_pid = find_supplicant(o);
	const cJSON *core = cJSON_GetObjectItemCaseSensitive(o, "pid");
	const cJSON *t;
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(o, "ta_instances"))
	{
		const cJSON *u = cJSON_GetObjectItemCaseSensitive(t, "uuid");
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(t, "pid");
		if (cJSON_IsString(u) && cJSON_IsNumber(p) &&
		    !strcmp(u->valuestring, ta_uuid))
			*ta_pid = (pid_t)p->valuedouble;
		if (!*supplicant_pid)
			*supplicant_pid = find_supplicant(t);
	}
	if (!*supplicant_pid && cJSON_IsNumber(core))
		*supplicant_pid = child_named((pid_t)core->valuedouble, "edgetee-suppli");
	cJSON_Delete(o);
}

int64_t sys_proc_cpu_us(pid_t pid)
{
	if (pid <= 0)
		return -1;
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	/* Fields after the command name, which may contain spaces. */
	char *p = strrchr(buf, ')');
	if (!p)
		return -1;
	unsigned long long ut = 0, st = 0;
	/* state ppid pgrp session tty tpgid flags minflt cminflt majflt
	 * cmajflt utime stime */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut,
		   &st) != 2)
		return -1;
	long hz = sysconf(_SC_CLK_TCK);
	return (int64_t)((ut + st) * 1000000ull /
			 (unsigned long long)(hz > 0 ? hz : 100));
}

int64_t sys_self_cpu_us(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru))
		return -1;
	return (int64_t)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec +
	       (int64_t)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
}

static int64_t read_i64(const char *path)
{
	FILE *f = fopen(path, "r");
	long long v = -1;
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static int64_t rapl_range;

int64_t sys_rapl_uj(void)
{
	glob_t g;
	int64_t sum = -1;
	/* Top-level domains only (packages): sub-domains are inside them. */
	if (glob("/sys/class/powercap/intel-rapl:[0-9]", 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++) {
			char p[512];
			snprintf(p, sizeof(p), "%s/energy_uj", g.gl_pathv[i]);
			int64_t v = read_i64(p);
			if (v < 0)
				continue;
			snprintf(p, sizeof(p), "%s/max_energy_range_uj", g.gl_pathv[i]);
			int64_t r = read_i64(p);
			if (r > rapl_range)
				rapl_range = r;
			sum = (sum < 0 ? 0 : sum) + v;
		}
		globfree(&g);
	}
	return sum;
}

int64_t sys_rapl_delta(int64_t before, int64_t after)
{
	if (before < 0 || after < 0)
		return -1;
	if (after >= before)
		return after - before;
	return rapl_range > 0 ? after + rapl_range - before : -1;
}
