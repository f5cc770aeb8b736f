/*
 * The TA runtime: what runs in a TA process between the core's ctl socket
 * and the TA's five entry points. Each session gets a thread with the TA's
 * stack size that waits on its mailbox; a global lock keeps entry points of
 * the instance from running concurrently, as GP requires.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "doorbell.h"
#include "fdio.h"
#include "utee_priv.h"

struct utee_session *utee_cur;
pthread_mutex_t utee_ta_lock = PTHREAD_MUTEX_INITIALIZER;
const char *utee_instance_name = "default";
const char *utee_device_id = "";

static int ctl_fd = -1, svc_fd = -1;
static pthread_mutex_t svc_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t sess_lock = PTHREAD_MUTEX_INITIALIZER;
static struct utee_session *sessions;
static int created;

TEE_Result utee_svc_call(struct et_svc_req *req, struct et_svc_reply *rep)
{
	pthread_mutex_lock(&svc_lock);
	TEE_Result r = TEE_ERROR_COMMUNICATION;
	if (et_send(svc_fd, req, sizeof(*req), NULL, 0) == 0 &&
	    et_recv(svc_fd, rep, sizeof(*rep), NULL, NULL) == (ssize_t)sizeof(*rep))
		r = rep->ret;
	pthread_mutex_unlock(&svc_lock);
	return r;
}

int utee_svc_send(struct et_svc_req *req, const int *fds, int nfds)
{
	pthread_mutex_lock(&svc_lock);
	int r = et_send(svc_fd, req, sizeof(*req), fds, nfds);
	pthread_mutex_unlock(&svc_lock);
	return r;
}

int utee_in_shared(const void *buf, size_t len, uint32_t *type)
{
	struct utee_session *s = utee_cur;
	if (!s)
		return 0;
	uintptr_t b = (uintptr_t)buf;
	for (size_t i = 0; i < s->nmaps; i++) {
		uintptr_t m = (uintptr_t)s->maps[i].base;
		if (b < m + s->maps[i].size && b + len > m) {
			*type = TEE_PARAM_TYPE_MEMREF_INOUT;
			/* Narrow to the direction of the memref that covers it. */
			for (int k = 0; k < 4; k++) {
				uintptr_t c = (uintptr_t)s->cur[k].buf;
				if (s->cur[k].buf && b >= c &&
				    b + len <= c + s->cur[k].size) {
					*type = s->cur[k].type;
					break;
				}
			}
			return 1;
		}
	}
	return 0;
}

static struct utee_map *map_find(struct utee_session *s, uint32_t id)
{
	for (size_t i = 0; i < s->nmaps; i++)
		if (s->maps[i].id == id)
			return &s->maps[i];
	return NULL;
}

static void map_drop(struct utee_session *s, uint32_t id)
{
	struct utee_map *m = map_find(s, id);
	if (!m)
		return;
	munmap(m->base, m->size);
	*m = s->maps[--s->nmaps];
}

/* Apply the shared-memory messages the caller sent before this request. */
static void drain_side(struct utee_session *s)
{
	uint32_t want = atomic_load(&s->mb->side_seq);
	while (s->side_done != want) {
		struct et_side_msg m;
		int fd = -1, nfds = 1;
		ssize_t n = et_recv(s->side, &m, sizeof(m), &fd, &nfds);
		if (n <= 0)
			return;
		s->side_done++;
		if (n != sizeof(m)) {
			if (nfds)
				close(fd);
			continue;
		}
		if (m.type == ET_SIDE_SHM_DEL) {
			map_drop(s, m.id);
		} else if (m.type == ET_SIDE_SHM_ADD && nfds == 1) {
			size_t sz = 0;
			/* Unsealed or short memory could vanish under the TA:
			 * refuse it (later memrefs to it fail BAD_PARAMETERS). */
			if (et_memfd_check(fd, &sz) == 0 && sz >= m.size && m.size > 0) {
				void *b = mmap(NULL, m.size, PROT_READ | PROT_WRITE,
					       MAP_SHARED, fd, 0);
				struct utee_map *nm =
				    realloc(s->maps, (s->nmaps + 1) * sizeof(*nm));
				if (b != MAP_FAILED && nm) {
					s->maps = nm;
					map_drop(s, m.id);
					s->maps[s->nmaps++] =
					    (struct utee_map){m.id, b, (size_t)m.size};
				} else {
					if (nm)
						s->maps = nm;
					if (b != MAP_FAILED)
						munmap(b, m.size);
				}
			}
			close(fd);
		} else if (nfds) {
			close(fd);
		}
	}
}

static TEE_Result build_params(struct utee_session *s, uint32_t types, TEE_Param p[4])
{
	memset(p, 0, sizeof(TEE_Param) * 4);
	memset(s->cur, 0, sizeof(s->cur));
	for (int i = 0, n = et_nparams(types); i < n; i++) {
		uint32_t t = TEE_PARAM_TYPE_GET(types, i);
		/* The caller can rewrite the mailbox at any time: each word is
		 * read once, and only the copies are checked and used. */
		const volatile struct et_mparam *m = et_mb_param(s->mb, i);
		uint64_t a = m->a, b = m->b;
		uint32_t shm = *(volatile uint32_t *)et_mb_shm(s->mb, i);
		switch (t) {
		case TEE_PARAM_TYPE_NONE:
			break;
		case TEE_PARAM_TYPE_VALUE_INPUT:
		case TEE_PARAM_TYPE_VALUE_INOUT:
			p[i].value.a = (uint32_t)a;
			p[i].value.b = (uint32_t)b;
			break;
		case TEE_PARAM_TYPE_VALUE_OUTPUT:
			break;
		case TEE_PARAM_TYPE_MEMREF_INPUT:
		case TEE_PARAM_TYPE_MEMREF_OUTPUT:
		case TEE_PARAM_TYPE_MEMREF_INOUT: {
			if (shm == ET_SHM_NULL) {
				p[i].memref.buffer = NULL;
				p[i].memref.size = (size_t)b;
				break;
			}
			struct utee_map *mp = map_find(s, shm);
			if (!mp || a > mp->size || b > mp->size - a)
				return TEE_ERROR_BAD_PARAMETERS;
			p[i].memref.buffer = (char *)mp->base + a;
			p[i].memref.size = (size_t)b;
			s->cur[i].buf = p[i].memref.buffer;
			s->cur[i].size = p[i].memref.size;
			s->cur[i].type = t;
			break;
		}
		default:
			return TEE_ERROR_BAD_PARAMETERS;
		}
	}
	return TEE_SUCCESS;
}

static void store_params(struct utee_session *s, uint32_t types, const TEE_Param p[4])
{
	for (int i = 0, n = et_nparams(types); i < n; i++) {
		uint32_t t = TEE_PARAM_TYPE_GET(types, i);
		if (t == TEE_PARAM_TYPE_VALUE_OUTPUT || t == TEE_PARAM_TYPE_VALUE_INOUT)
			s->mb->out[i] = p[i].value.a | (uint64_t)p[i].value.b << 32;
		else if (t == TEE_PARAM_TYPE_MEMREF_OUTPUT ||
			 t == TEE_PARAM_TYPE_MEMREF_INOUT)
			s->mb->out[i] = p[i].memref.size;
	}
}

/* Returns 1 if the caller was asleep and had to be woken. */
static int answer(struct utee_session *s, uint32_t seq, TEE_Result r, uint32_t origin)
{
	s->mb->ret = r;
	s->mb->origin = origin;
	atomic_store_explicit(&s->mb->ta_cpu, (uint32_t)sched_getcpu(),
			      memory_order_relaxed);
	return et_bell_ring_ts(&s->mb->resp, seq, &s->mb->caller_sleeping,
			       &s->mb->resp_ring_ns);
}

/* Session threads still running: DESTROY waits for them to finish answering. */
static _Atomic uint32_t live_threads;

/*
 * Tell the core a session is over before answering its last request, so a
 * caller that acts on the answer (opens again at once) finds the core
 * already knows: a single-session TA must not look busy then.
 */
static void session_notify_end(struct utee_session *s)
{
	pthread_mutex_lock(&sess_lock);
	for (struct utee_session **p = &sessions; *p; p = &(*p)->next) {
		if (*p == s) {
			*p = s->next;
			break;
		}
	}
	pthread_mutex_unlock(&sess_lock);
	struct et_ctl_sid m = {.type = ET_CTL_SESSION_END, .sid = s->sid};
	et_send(ctl_fd, &m, sizeof(m), NULL, 0);
}

static void session_free(struct utee_session *s)
{
	while (s->nmaps)
		map_drop(s, s->maps[0].id);
	free(s->maps);
	munmap(s->mb, ET_MAILBOX_SIZE);
	close(s->side);
	free(s);
}

static void *thread_exit(struct utee_session *s)
{
	session_free(s);
	atomic_fetch_sub(&live_threads, 1);
	et_futex_wake(&live_threads, 1);
	return NULL;
}

/*
 * Serve request seq of session s. Entry points run under utee_ta_lock;
 * with try set, a busy lock returns SERVE_BUSY having done nothing.
 * SERVE_ENDED: the session is over (its end reported, its answer given);
 * the caller frees it.
 */
enum { SERVE_OK, SERVE_ENDED, SERVE_BUSY };

static int serve(struct utee_session *s, uint32_t seq, struct et_spin *spin, int try)
{
	struct et_mailbox *mb = s->mb;
	if (try && pthread_mutex_trylock(&utee_ta_lock))
		return SERVE_BUSY;
	drain_side(s);
	uint32_t op = mb->op, types = mb->param_types;
	TEE_Param p[4];
	TEE_Result r = build_params(s, types, p);
	if (r != TEE_SUCCESS) {
		if (try)
			pthread_mutex_unlock(&utee_ta_lock);
		if (op == ET_OP_OPEN)
			session_notify_end(s);
		et_mb_echo(mb);
		spin->woke = answer(s, seq, r, TEE_ORIGIN_TEE);
		return op == ET_OP_OPEN ? SERVE_ENDED : SERVE_OK;
	}
	if (!try)
		pthread_mutex_lock(&utee_ta_lock);
	utee_cur = s;
	switch (op) {
	case ET_OP_OPEN:
		r = TA_OpenSessionEntryPoint(types, p, &s->ctx);
		s->opened = r == TEE_SUCCESS;
		break;
	case ET_OP_INVOKE:
		r = TA_InvokeCommandEntryPoint(s->ctx, mb->cmd, types, p);
		break;
	case ET_OP_CLOSE:
		TA_CloseSessionEntryPoint(s->ctx);
		s->opened = 0;
		r = TEE_SUCCESS;
		break;
	default:
		r = TEE_ERROR_NOT_SUPPORTED;
	}
	utee_cur = NULL;
	pthread_mutex_unlock(&utee_ta_lock);
	store_params(s, types, p);
	int ending = (op == ET_OP_OPEN && r != TEE_SUCCESS) || op == ET_OP_CLOSE;
	if (ending)
		session_notify_end(s);
	spin->woke = answer(s, seq, r, TEE_ORIGIN_TRUSTED_APP);
	return ending ? SERVE_ENDED : SERVE_OK;
}

static void *session_thread(void *arg)
{
	struct utee_session *s = arg;
	struct et_mailbox *mb = s->mb;
	/* The open request may have been served already (new_session). */
	uint32_t last = s->served;
	struct et_spin spin;
	et_spin_init(&spin);
	/* This thread is ours to move; the caller's thread is not. */
	spin.unpair = 1;
	for (;;) {
		et_bell_wait_adaptive_ts(&mb->req, last, &mb->ta_sleeping, &s->gone,
					 &mb->req_ring_ns, &mb->caller_cpu, &spin, -1);
		uint32_t seq = atomic_load(&mb->req);
		if (seq == last) {
			/* Only "gone" woke us: close as GP does for a dead client. */
			if (atomic_load(&s->gone)) {
				if (s->opened) {
					pthread_mutex_lock(&utee_ta_lock);
					utee_cur = s;
					TA_CloseSessionEntryPoint(s->ctx);
					utee_cur = NULL;
					pthread_mutex_unlock(&utee_ta_lock);
				}
				session_notify_end(s);
				return thread_exit(s);
			}
			continue;
		}
		last = seq;
		if (serve(s, seq, &spin, 0) == SERVE_ENDED)
			return thread_exit(s);
	}
}

/* Session threads, and the control threads that may turn into one: the
 * TA's declared stack plus room for this runtime's own frames. */
static void thread_attr(pthread_attr_t *a)
{
	pthread_attr_init(a);
	pthread_attr_setdetachstate(a, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(a, (size_t)__et_ta_head.stack_size + 64 * 1024);
}

static void *ctl_loop(void *arg);

/*
 * Set up a session the core hands over. Returns the session when the
 * calling (control) thread is to serve it from now on, a new thread having
 * taken over the control socket; NULL when it is served elsewhere or over.
 */
static struct utee_session *new_session(const struct et_ctl_session *cs, int mbfd,
					int side)
{
	size_t sz = 0;
	struct et_mailbox *mb = MAP_FAILED;
	if (et_memfd_check(mbfd, &sz) == 0 && sz >= ET_MAILBOX_SIZE)
		mb = mmap(NULL, ET_MAILBOX_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, mbfd,
			  0);
	close(mbfd);
	struct utee_session *s = calloc(1, sizeof(*s));
	if (mb == MAP_FAILED || !s) {
		/* Tell the core so it can release the session. */
		struct et_ctl_sid m = {.type = ET_CTL_SESSION_END, .sid = cs->sid};
		et_send(ctl_fd, &m, sizeof(m), NULL, 0);
		if (mb != MAP_FAILED) {
			et_mb_answer_unrun(mb, TEE_ERROR_OUT_OF_MEMORY, TEE_ORIGIN_TEE);
			munmap(mb, ET_MAILBOX_SIZE);
		}
		free(s);
		close(side);
		return NULL;
	}
	s->sid = cs->sid;
	s->mb = mb;
	s->side = side;
	s->cancel_masked = 1;
	s->client.login = cs->login;
	const uint8_t *u = cs->client_uuid;
	s->client.uuid.timeLow =
	    (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | u[3];
	s->client.uuid.timeMid = (uint16_t)(u[4] << 8 | u[5]);
	s->client.uuid.timeHiAndVersion = (uint16_t)(u[6] << 8 | u[7]);
	memcpy(s->client.uuid.clockSeqAndNode, u + 8, 8);

	if (!created) {
		pthread_mutex_lock(&utee_ta_lock);
		TEE_Result r = TA_CreateEntryPoint();
		pthread_mutex_unlock(&utee_ta_lock);
		if (r != TEE_SUCCESS) {
			EMSG("TA_CreateEntryPoint failed: 0x%x", r);
			et_mb_answer_unrun(mb, r, TEE_ORIGIN_TRUSTED_APP);
			_exit(1);
		}
		created = 1;
	}
	pthread_mutex_lock(&sess_lock);
	s->next = sessions;
	sessions = s;
	pthread_mutex_unlock(&sess_lock);

	/*
	 * The open request is already in the mailbox (the client posted it
	 * before asking the core). Answering it here, when no other entry
	 * point runs, and then serving the session from this thread while a
	 * new one takes the control socket, keeps a thread start (on a VM a
	 * wake-up of an idle vCPU, tens of µs) off the client's path.
	 */
	uint32_t seq = atomic_load(&mb->req);
	if (seq) {
		struct et_spin once;
		et_spin_init(&once);
		int r = serve(s, seq, &once, 1);
		if (r == SERVE_ENDED) {
			session_free(s);
			return NULL;
		}
		if (r == SERVE_OK)
			s->served = seq;
	}
	pthread_attr_t a;
	thread_attr(&a);
	pthread_t t;
	atomic_fetch_add(&live_threads, 1);
	if (s->served && pthread_create(&t, &a, ctl_loop, NULL) == 0) {
		pthread_attr_destroy(&a);
		return s;
	}
	if (pthread_create(&t, &a, session_thread, s)) {
		atomic_fetch_sub(&live_threads, 1);
		session_notify_end(s);
		if (!s->served)
			et_mb_answer_unrun(mb, TEE_ERROR_OUT_OF_MEMORY, TEE_ORIGIN_TEE);
		else
			atomic_store(&mb->state, ET_MB_DEAD); /* opened, now unserved */
		session_free(s);
	}
	pthread_attr_destroy(&a);
	return NULL;
}

static void close_session(uint32_t sid)
{
	pthread_mutex_lock(&sess_lock);
	for (struct utee_session *s = sessions; s; s = s->next) {
		if (s->sid == sid) {
			atomic_store(&s->gone, 1);
			et_futex_wake(&s->mb->req, 1 << 30);
		}
	}
	pthread_mutex_unlock(&sess_lock);
}

/*
 * The control socket: sessions from the core, closes, destroy. Any thread
 * may run this loop; it hands the loop on when it turns into a session
 * thread (new_session).
 */
static void *ctl_loop(void *arg)
{
	(void)arg;
	for (;;) {
		union {
			struct et_ctl_session s;
			struct et_ctl_sid sid;
			char buf[256];
		} m;
		int fds[2], nfds = 2;
		ssize_t n = et_recv(ctl_fd, &m, sizeof(m), fds, &nfds);
		if (n <= 0)
			_exit(0); /* the core is gone: so is this instance */
		if (m.sid.type == ET_CTL_SESSION && n == sizeof(m.s) && nfds == 2) {
			struct utee_session *s = new_session(&m.s, fds[0], fds[1]);
			if (s)
				return session_thread(s);
			continue;
		}
		for (int i = 0; i < nfds; i++)
			close(fds[i]);
		if (m.sid.type == ET_CTL_CLOSE) {
			close_session(m.sid.sid);
		} else if (m.sid.type == ET_CTL_DESTROY) {
			/* Every session has ended; let their threads finish answering. */
			uint32_t left;
			while ((left = atomic_load(&live_threads)))
				et_futex_wait(&live_threads, left, 100);
			pthread_mutex_lock(&utee_ta_lock);
			if (created)
				TA_DestroyEntryPoint();
			_exit(0);
		}
	}
}

/* Called by edgetee-tahost once the TA is loaded and the sandbox is on. */
__attribute__((visibility("default"))) int
__et_ta_run(int ctl, int svc, const char *instance, const char *device_id)
{
	ctl_fd = ctl;
	svc_fd = svc;
	utee_instance_name = instance;
	utee_device_id = device_id;
	utee_heap_init(__et_ta_head.data_size);
	/*
	 * The control loop runs on threads that may turn into session
	 * threads and end by returning. This one must not end: pthread_exit
	 * on it would unwind through libgcc_s, which it could not load
	 * under the sandbox. It waits for the process to end.
	 */
	pthread_attr_t a;
	thread_attr(&a);
	pthread_t t;
	if (pthread_create(&t, &a, ctl_loop, NULL))
		ctl_loop(NULL);
	pthread_attr_destroy(&a);
	static _Atomic uint32_t never;
	for (;;)
		et_futex_wait(&never, 0, -1);
}

/*
 * Entry points of TAs built for the GP 1.1 API. user_ta_header.c, compiled
 * with the TA's own flags, routes the 1.3 entry points here with the TA's
 * __GP11_ functions; a memref larger than 4 GiB cannot be expressed in 1.1.
 */
typedef TEE_Result (*gp11_open_fn)(uint32_t, __GP11_TEE_Param[TEE_NUM_PARAMS], void **);
typedef TEE_Result (*gp11_invoke_fn)(void *, uint32_t, uint32_t,
				     __GP11_TEE_Param[TEE_NUM_PARAMS]);

static TEE_Result params_to_gp11(uint32_t types, const TEE_Param *p, __GP11_TEE_Param *q)
{
	for (int i = 0; i < TEE_NUM_PARAMS; i++) {
		uint32_t t = TEE_PARAM_TYPE_GET(types, i);
		if (t >= TEE_PARAM_TYPE_MEMREF_INPUT &&
		    t <= TEE_PARAM_TYPE_MEMREF_INOUT) {
			if (p[i].memref.size > UINT32_MAX)
				return TEE_ERROR_BAD_PARAMETERS;
			q[i].memref.buffer = p[i].memref.buffer;
			q[i].memref.size = (uint32_t)p[i].memref.size;
		} else {
			q[i].value.a = p[i].value.a;
			q[i].value.b = p[i].value.b;
		}
	}
	return TEE_SUCCESS;
}

static void params_from_gp11(uint32_t types, const __GP11_TEE_Param *q, TEE_Param *p)
{
	for (int i = 0; i < TEE_NUM_PARAMS; i++) {
		uint32_t t = TEE_PARAM_TYPE_GET(types, i);
		if (t >= TEE_PARAM_TYPE_MEMREF_INPUT &&
		    t <= TEE_PARAM_TYPE_MEMREF_INOUT) {
			p[i].memref.size = q[i].memref.size;
		} else {
			p[i].value.a = q[i].value.a;
			p[i].value.b = q[i].value.b;
		}
	}
}

TEE_Result __et_gp11_open_session(uint32_t types, TEE_Param params[TEE_NUM_PARAMS],
				  void **ctx, gp11_open_fn fn)
{
	__GP11_TEE_Param q[TEE_NUM_PARAMS];
	TEE_Result r = params_to_gp11(types, params, q);
	if (r != TEE_SUCCESS)
		return r;
	r = fn(types, q, ctx);
	params_from_gp11(types, q, params);
	return r;
}

TEE_Result __et_gp11_invoke_command(void *ctx, uint32_t cmd, uint32_t types,
				    TEE_Param params[TEE_NUM_PARAMS], gp11_invoke_fn fn)
{
	__GP11_TEE_Param q[TEE_NUM_PARAMS];
	TEE_Result r = params_to_gp11(types, params, q);
	if (r != TEE_SUCCESS)
		return r;
	r = fn(ctx, cmd, types, q);
	params_from_gp11(types, q, params);
	return r;
}
