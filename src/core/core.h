/*
 * edgeteed internals: the objects the TEE core keeps and the functions its
 * parts (event loop, TA store, TA processes, login) offer each other.
 * The core is single-threaded around one epoll loop; nothing here locks.
 */
#ifndef ET_CORE_H
#define ET_CORE_H

#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "proto.h"
#include "tapkg.h"

#define TEE_LOGIN_TRUSTED_APP_ 0xF0000000u

enum ev_kind { EV_LISTEN, EV_CLIENT, EV_TA_CTL, EV_TA_SVC, EV_SIGNAL };

struct ev {
	enum ev_kind kind;
	void *obj;
};

struct ta_image {
	uint8_t uuid[16];
	char path[1024];
	dev_t dev;
	ino_t ino;
	int64_t mtime_ns;
	off_t size;
	struct et_manifest man;
	int elf_fd; /* sealed memfd holding the verified ELF */
	int refs;
	struct ta_image *next;
};

struct instance;

/* Someone who opens sessions: a client application or a TA (TA-to-TA). */
struct client {
	struct ev ev;
	int fd;
	struct ucred cred;
	struct instance *ta; /* non-NULL when the client is a TA instance */
	struct client *next;
};

struct instance {
	struct ev ctl_ev, svc_ev;
	struct ta_image *img;
	pid_t pid;
	int ctl, svc;
	int nsess;
	int dying;		 /* DESTROY sent: no new sessions */
	struct client as_client; /* its svc socket, for TA-to-TA opens */
	struct instance *next;
};

struct session {
	uint32_t sid;
	struct instance *inst;
	struct client *cl; /* NULL once the caller vanished */
	uint64_t cookie;
	struct et_mailbox *mb;
	struct session *next;
};

/* A TA host started ahead of need: exec'd, libraries loaded, waiting for a TA. */
struct spare {
	pid_t pid; /* 0: none */
	int ctl, svc;
};

struct core {
	const char *dir;
	const char *name;
	int epfd;
	int logfd;
	char tahost[4096];
	char device_id[37];
	uid_t ta_uid;
	gid_t ta_gid;
	int drop_user;
	const char *trust_dirs[3];
	char trust_dir0[4096];
	struct ta_image *images;
	struct instance *instances;
	struct session *sessions;
	struct client *clients;
	uint32_t next_sid;
	struct spare spare;
	int stopping;
	/* edgetee-supplicant (supp.c): REE socket service for TAs */
	char supplicant[4096]; /* empty: not found, TAs get no sockets */
	pid_t supp_pid;	       /* 0: not running */
	int supp_ctl;
	uint64_t supp_started_ns;
	int supp_fast_fails;
};

extern struct core g;

void core_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* store.c: find and verify <uuid>.ta; returns TEEC result codes. */
uint32_t store_lookup(const uint8_t uuid[16], struct ta_image **out);
void store_put(struct ta_image *img);

/* login.c: client identity for a login method; TEEC result code. */
uint32_t login_identity(const struct client *cl, uint32_t login, uint32_t gid,
			uint8_t uuid_out[16]);

/* ta.c: sessions and TA instances. */
void ta_open(struct client *cl, const struct et_msg_open *m, int mbfd, int sidefd);
void ta_on_ctl(struct instance *in);
void ta_on_svc(struct instance *in);
void ta_reap(void);
void ta_client_gone(struct client *cl);
void ta_kill(struct client *cl, uint64_t cookie);
void ta_shutdown(void);
void ta_replenish(void);
char *ta_status_json(void);

/* supp.c: the instance's edgetee-supplicant. */
void supp_start(void);
void supp_connect(pid_t host, int fd);
void supp_died(int status);
void supp_stop(void);

int ep_add(int fd, struct ev *ev);
void ep_del(int fd);

#endif
