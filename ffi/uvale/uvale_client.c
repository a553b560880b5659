/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvale, library side: nms_uvale_ops. A port handle is a SOCK_SEQPACKET
 * connection to uvaled; NIOCCTRL is copied in with netmap's rules, sent,
 * and copied out; the shared region is mapped once per process and the data
 * path (uvale_sync.c) runs in the caller.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "uvale.h"
#include "uvale_vlan.h"
#include "../src/backend.h"
#include "nmscript.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CTRL_TIMEOUT_MS  10000
#define START_TIMEOUT_MS 5000
#define CLOSE_TIMEOUT_MS 2000

/* ---- paths ------------------------------------------------------------------ */

int uv_dir_path(char *buf, size_t len)
{
	const char *d = getenv("NMSCRIPT_UVALE_DIR"), *x = getenv("XDG_RUNTIME_DIR");
	int n;

	if (d && *d)
		n = snprintf(buf, len, "%s", d);
	else if (x && *x)
		n = snprintf(buf, len, "%s/nmscript-uvale", x);
	else
		n = snprintf(buf, len, "/tmp/nmscript-uvale-%u", (unsigned)getuid());
	return n < 0 || (size_t)n >= len - 8 ? -ENAMETOOLONG : 0;
}

/* create the directory (0700) or check that an existing one is ours and private */
int uv_dir_prepare(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (lstat(dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (st.st_uid != getuid())
		return -EACCES;
	if ((st.st_mode & 0777) != 0700 && chmod(dir, 0700) < 0)
		return -errno;
	return 0;
}

const char *nms_uvale_socket_path(void)
{
	static _Thread_local char path[300];
	char dir[256];

	if (uv_dir_path(dir, sizeof(dir)) < 0)
		return "";
	snprintf(path, sizeof(path), "%s/ctl", dir);
	return path;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- per-process state: the region and the handle table -------------------------- */

static pthread_mutex_t plock = PTHREAD_MUTEX_INITIALIZER;
static void *region;
static uint64_t region_id;
static int region_fd = -1;

/* what this process knows of a handle (only bound handles hold a port) */
enum {
	H_UNKNOWN = 0, /* received from elsewhere (or never seen): may be bound */
	H_UNBOUND = 1, /* opened here by nms_open, not registered here */
};

struct handle {
	_Atomic int valid;  /* b is the handle's binding */
	_Atomic int origin; /* H_*, when !valid */
	struct uv_binding b;
};

#define CHUNK 1024
#define NCHUNKS 64
static struct handle *_Atomic table[NCHUNKS];

static struct handle *handle_at(int fd, int create)
{
	struct handle *c;

	if (fd < 0 || fd >= CHUNK * NCHUNKS)
		return NULL;
	c = atomic_load(&table[fd / CHUNK]);
	if (c == NULL && create) {
		pthread_mutex_lock(&plock);
		c = atomic_load(&table[fd / CHUNK]);
		if (c == NULL) {
			c = calloc(CHUNK, sizeof(*c));
			atomic_store(&table[fd / CHUNK], c);
		}
		pthread_mutex_unlock(&plock);
	}
	return c ? &c[fd % CHUNK] : NULL;
}

/* adopt the region fd received from the daemon (map it once per process) */
static int region_adopt(int rfd, uint64_t id)
{
	int err = 0;

	pthread_mutex_lock(&plock);
	if (region != NULL && region_id == id) {
		close(rfd);
	} else {
		struct stat st;
		void *m = MAP_FAILED;

		/* the memfd's size is the region's (NMSCRIPT_UVALE_REGION_GB of the daemon) */
		if (fstat(rfd, &st) == 0 && (uint64_t)st.st_size > UV_KAREA_SIZE)
			m = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_NORESERVE, rfd, 0);
		if (m != MAP_FAILED && (((struct uv_karea *)m)->magic != UV_MAGIC ||
					((struct uv_karea *)m)->version != UV_VERSION)) {
			/* a daemon of another build: its shared objects differ */
			nms_set_error("uvaled of another build is running (region version %u, this "
				      "library %u): stop it (nms_uvale_stop, or kill its pid) and retry",
				      ((struct uv_karea *)m)->version, UV_VERSION);
			munmap(m, (size_t)st.st_size);
			close(rfd);
			err = -EPROTO;
		} else if (m == MAP_FAILED) {
			err = -errno;
			close(rfd);
		} else {
			/* a restarted daemon: the old mapping stays for old handles */
			region = m;
			region_id = id;
			if (region_fd >= 0)
				close(region_fd);
			region_fd = rfd;
		}
	}
	pthread_mutex_unlock(&plock);
	return err;
}

/* ---- talking to the daemon ------------------------------------------------------ */

static int wait_fd(int fd, short ev, int timeout_ms)
{
	struct pollfd p = { fd, ev, 0 };
	int n;

	do {
		n = poll(&p, 1, timeout_ms);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == 0 ? -ETIMEDOUT : 0;
}

static int xfer(int fd, const void *req, size_t rlen, void *rep, size_t cap, int *rfd)
{
	struct iovec iov = { rep, cap };
	union {
		char c[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr align;
	} u;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.c,
			     .msg_controllen = sizeof(u.c) };
	ssize_t n;
	int err;

	*rfd = -1;
	if (send(fd, req, rlen, MSG_NOSIGNAL) < 0)
		return errno == ENOTSOCK || errno == EBADF ? -EBADF : -ENXIO;
	err = wait_fd(fd, POLLIN, CTRL_TIMEOUT_MS);
	if (err)
		return err == -ETIMEDOUT ? -ETIMEDOUT : err;
	n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	if (n <= 0)
		return -ENXIO;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
			int nfd = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			int fds[4];

			memcpy(fds, CMSG_DATA(cm), sizeof(int) * (size_t)(nfd > 4 ? 4 : nfd));
			for (int i = 0; i < nfd && i < 4; i++) {
				if (*rfd < 0)
					*rfd = fds[i];
				else
					close(fds[i]);
			}
		}
	}
	if ((size_t)n < sizeof(struct uv_msg)) {
		if (*rfd >= 0)
			close(*rfd);
		return -EPROTO;
	}
	return (int)n;
}

static int connect_ctl(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", nms_uvale_socket_path());
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

static void daemon_path(char *buf, size_t len)
{
	const char *e = getenv("NMSCRIPT_UVALED");
	Dl_info di;

	buf[0] = '\0';
	if (e && *e) {
		snprintf(buf, len, "%s", e);
		return;
	}
	if (dladdr((void *)&nms_uvale_start, &di) && di.dli_fname) {
		const char *slash = strrchr(di.dli_fname, '/');

		if (slash)
			snprintf(buf, len, "%.*s/uvaled", (int)(slash - di.dli_fname), di.dli_fname);
		else
			snprintf(buf, len, "./uvaled");
	}
}

/* double fork, new session, exec uvaled (or run it in the child) */
static int spawn_daemon(const char *dir)
{
	char exe[PATH_MAX];
	pid_t pid;
	int st;

	daemon_path(exe, sizeof(exe));
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int nul, logfd;
		char logp[300];

		setsid();
		if (fork() != 0)
			_exit(0);
		nul = open("/dev/null", O_RDWR);
		snprintf(logp, sizeof(logp), "%s/uvaled.log", dir);
		logfd = open(logp, O_WRONLY | O_CREAT | O_APPEND, 0600);
		dup2(nul, 0);
		dup2(nul, 1);
		dup2(logfd >= 0 ? logfd : nul, 2);
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
		if (exe[0] && access(exe, X_OK) == 0) {
			char *argv[] = { "uvaled", "--dir", (char *)dir, NULL };

			execv(exe, argv);
		}
		{
			char *argv[] = { "uvaled", "--dir", (char *)dir, NULL };

			_exit(nms_uvaled_main(3, argv));
		}
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return 0;
}

static int ensure_daemon(void)
{
	char dir[256], lockp[300];
	int fd, lk, err;
	uint64_t deadline;

	fd = connect_ctl();
	if (fd >= 0)
		return fd;
	err = uv_dir_path(dir, sizeof(dir));
	if (err)
		return err;
	err = uv_dir_prepare(dir);
	if (err) {
		nms_set_error("uvale directory %s: %s (set NMSCRIPT_UVALE_DIR to a directory "
			      "of your own)", dir, strerror(-err));
		return err;
	}
	snprintf(lockp, sizeof(lockp), "%s/start.lock", dir);
	lk = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lk < 0) {
		nms_set_error("cannot open %s: %s", lockp, strerror(errno));
		return -errno;
	}
	deadline = now_ms() + START_TIMEOUT_MS;
	while (flock(lk, LOCK_EX | LOCK_NB) < 0) {
		if (now_ms() > deadline) {
			close(lk);
			nms_set_error("timed out waiting for another process starting uvaled");
			return -ETIMEDOUT;
		}
		usleep(2000);
	}
	fd = connect_ctl();
	if (fd < 0) {
		/* nobody listens: a stale socket file is replaced by the new daemon */
		err = spawn_daemon(dir);
		while (err == 0 && (fd = connect_ctl()) < 0 && now_ms() < deadline)
			usleep(2000);
		if (fd < 0)
			nms_set_error("uvaled did not start within %d ms (see %s/uvaled.log; "
				      "NMSCRIPT_UVALED overrides the binary)", START_TIMEOUT_MS, dir);
	}
	flock(lk, LOCK_UN);
	close(lk);
	return fd < 0 ? -ENOENT : fd;
}

/* ---- bindings -------------------------------------------------------------------- */

static int query_binding(int fd, struct handle *h)
{
	struct uv_msg req = { .op = UV_OP_BINDING }, rep;
	int rfd, n;

	n = xfer(fd, &req, sizeof(req), &rep, sizeof(rep), &rfd);
	if (n < 0)
		return n == -EBADF ? -EBADF : -ENXIO;
	if (rep.error) {
		if (rfd >= 0)
			close(rfd);
		return -rep.error;
	}
	if (rfd < 0)
		return -EPROTO;
	n = region_adopt(rfd, rep.bind.region_id);
	if (n)
		return n;
	h->b = rep.bind;
	atomic_store(&h->valid, 1);
	return 0;
}

/* the binding of fd; asks the daemon for handles received from elsewhere */
static int binding(int fd, struct uv_binding *out, void **reg)
{
	struct handle *h = handle_at(fd, 1);
	int err;

	if (h == NULL)
		return -EBADF;
	if (!atomic_load_explicit(&h->valid, memory_order_acquire)) {
		err = query_binding(fd, h);
		if (err)
			return err;
	}
	*out = h->b;
	*reg = region;
	if (h->b.region_id != region_id)
		return -ENXIO; /* the daemon restarted: the handle is dead */
	return 0;
}

/* ---- copy-in / copy-out with netmap's rules ------------------------------------------- */

static int peek(void *dst, uint64_t src, size_t len)
{
	struct iovec l = { dst, len }, r = { (void *)(uintptr_t)src, len };

	if (len == 0)
		return 0;
	return process_vm_readv(getpid(), &l, 1, &r, 1, 0) == (ssize_t)len ? 0 : -EFAULT;
}

static int poke(uint64_t dst, const void *src, size_t len)
{
	struct iovec l = { (void *)src, len }, r = { (void *)(uintptr_t)dst, len };

	if (len == 0)
		return 0;
	return process_vm_writev(getpid(), &l, 1, &r, 1, 0) == (ssize_t)len ? 0 : -EFAULT;
}

struct ctrl_buf {
	uint8_t msg[sizeof(struct uv_msg) + NMA_REQ_MAXSIZE * 2 + 512];
	size_t len;
	uint64_t uopt[NMA_REQ_MAXSIZE / sizeof(struct nma_req_option)];
	uint32_t nopts;
};

/* write option headers back (and bodies when ok), following the user list */
static int copy_out_opts(const uint8_t *recs, size_t len, uint32_t n, const uint64_t *uptr,
			 int ok)
{
	size_t pos = 0;

	for (uint32_t i = 0; i < n; i++) {
		struct nma_req_option h;
		size_t bl;

		if (pos + sizeof(h) > len)
			return -EPROTO;
		memcpy(&h, recs + pos, sizeof(h));
		bl = h.nro_reqtype < NMA_REQ_OPT_MAX ? uv_opt_body_size(h.nro_reqtype, h.nro_size)
						     : 0;
		if (pos + sizeof(h) + bl > len)
			bl = 0; /* the record that stopped the copy-in: header only */
		h.nro_next = i + 1 < n ? uptr[i + 1] : 0;
		{
			/* keep the user's own next pointer */
			struct nma_req_option cur;

			if (peek(&cur, uptr[i], sizeof(cur)) == 0)
				h.nro_next = cur.nro_next;
		}
		if (poke(uptr[i], &h, sizeof(h)))
			return -EFAULT;
		if (ok && h.nro_status == 0 && bl &&
		    poke(uptr[i] + sizeof(h), recs + pos + sizeof(h), bl))
			return -EFAULT;
		pos += sizeof(h) + bl;
	}
	return 0;
}

/* nmreq_copyin: header checks, body, option chain (types, duplicates, size) */
static int copy_in(struct nma_req_header *hdr, struct ctrl_buf *cb)
{
	struct uv_msg *m = (void *)cb->msg;
	size_t rqsz = uv_req_body_size(hdr->nr_reqtype), pos = sizeof(*m);
	uint64_t src = hdr->nr_options;
	int seen[NMA_REQ_OPT_MAX] = { 0 };
	int err = 0;

	memset(m, 0, sizeof(*m));
	m->op = UV_OP_CTRL;
	m->hdr = *hdr;
	cb->nopts = 0;
	if (hdr->nr_reserved) {
		nms_set_error("nmreq_header.nr_reserved must be 0");
		return -EINVAL;
	}
	if ((rqsz && !hdr->nr_body) || (!rqsz && hdr->nr_body)) {
		nms_set_error(rqsz ? "request type %u needs a body (nr_body is NULL)"
				   : "request type %u takes no body (nr_body must be NULL)",
			      hdr->nr_reqtype);
		return -EINVAL;
	}
	if (peek(cb->msg + pos, hdr->nr_body, rqsz)) {
		nms_set_error("nr_body points to unreadable memory");
		return -EFAULT;
	}
	m->body_len = (uint32_t)rqsz;
	pos += rqsz;
	while (src) {
		struct nma_req_option h;
		size_t bl;

		if (cb->nopts >= sizeof(cb->uopt) / sizeof(cb->uopt[0]) ||
		    pos + sizeof(h) > sizeof(cb->msg)) {
			nms_set_error("option chain too long or looping (%u options)", cb->nopts);
			cb->nopts = 0; /* a loop: do not write anything back */
			return -EMSGSIZE;
		}
		if (peek(&h, src, sizeof(h))) {
			nms_set_error("an option pointer points to unreadable memory");
			err = -EFAULT;
			break;
		}
		cb->uopt[cb->nopts] = src;
		src = h.nro_next;
		h.nro_next = 0;
		h.nro_status = 0;
		rqsz += sizeof(h);
		bl = 0;
		if (h.nro_reqtype < 1) {
			h.nro_status = EINVAL;
			nms_set_error("option with type 0");
			err = -EINVAL;
		} else if (h.nro_reqtype < NMA_REQ_OPT_MAX) {
			if (seen[h.nro_reqtype]) {
				struct nma_req_option *first =
					(void *)(cb->msg + seen[h.nro_reqtype]);

				h.nro_status = EINVAL;
				first->nro_status = EINVAL;
				nms_set_error("option type %u given twice", h.nro_reqtype);
				err = -EINVAL;
			} else {
				seen[h.nro_reqtype] = (int)pos;
				bl = uv_opt_body_size(h.nro_reqtype, h.nro_size);
				if (bl > NMA_REQ_MAXSIZE || h.nro_size > NMA_REQ_MAXSIZE ||
				    rqsz + bl > NMA_REQ_MAXSIZE ||
				    pos + sizeof(h) + bl > sizeof(cb->msg)) {
					nms_set_error("request body and options exceed %d bytes",
						      NMA_REQ_MAXSIZE);
					err = -EMSGSIZE;
				}
			}
		}
		memcpy(cb->msg + pos, &h, sizeof(h));
		pos += sizeof(h);
		cb->nopts++;
		if (err) {
			bl = 0;
			break;
		}
		if (peek(cb->msg + pos, cb->uopt[cb->nopts - 1] + sizeof(h), bl)) {
			nms_set_error("an option body points to unreadable memory");
			err = -EFAULT;
			break;
		}
		rqsz += bl;
		pos += bl;
	}
	m->nopts = cb->nopts;
	cb->len = pos;
	if (err) {
		/* out_restore: write back the option headers seen so far */
		copy_out_opts(cb->msg + sizeof(*m) + m->body_len,
			      pos - sizeof(*m) - m->body_len, cb->nopts, cb->uopt, 0);
		return err;
	}
	/* every accepted option starts as "not supported" */
	pos = sizeof(*m) + m->body_len;
	for (uint32_t i = 0; i < cb->nopts; i++) {
		struct nma_req_option *o = (void *)(cb->msg + pos);

		o->nro_status = EOPNOTSUPP;
		pos += sizeof(*o) + (o->nro_reqtype < NMA_REQ_OPT_MAX
					     ? uv_opt_body_size(o->nro_reqtype, o->nro_size) : 0);
	}
	return 0;
}

static int u_ctrl(int fd, struct nma_req_header *hdr)
{
	static _Thread_local struct ctrl_buf req, rep;
	struct uv_msg *rm = (void *)rep.msg;
	struct nma_req_header uh;
	int n, rfd, err;
	uint64_t body, opts;
	size_t pos;

	if (hdr == NULL)
		return -EFAULT;
	uh = *hdr;
	if (uh.nr_version < NMA_MIN_API || uh.nr_version > NMA_MAX_API) {
		nms_set_error("nr_version %u not supported (netmap API %d..%d)", uh.nr_version,
			      NMA_MIN_API, NMA_MAX_API);
		return -EINVAL;
	}
	body = uh.nr_body;
	opts = uh.nr_options;
	err = copy_in(&uh, &req);
	if (err)
		return err;
	n = xfer(fd, req.msg, req.len, rep.msg, sizeof(rep.msg), &rfd);
	if (n < 0) {
		if (n == -ETIMEDOUT)
			nms_set_error("uvaled did not answer within %d ms", CTRL_TIMEOUT_MS);
		else if (n == -EBADF)
			nms_set_error("fd %d is not a uvale port handle", fd);
		else
			nms_set_error("lost the connection to uvaled");
		return n;
	}
	err = rm->error;
	if (rm->text[0])
		nms_set_error("%.*s", (int)sizeof(rm->text), rm->text);
	if (err == 0 && rm->hdr.nr_reqtype == NMA_REQ_REGISTER) {
		struct handle *h = handle_at(fd, 1);

		if (rfd < 0 || h == NULL) {
			err = EPROTO;
		} else {
			err = -region_adopt(rfd, rm->bind.region_id);
			rfd = -1;
			if (!err) {
				h->b = rm->bind;
				atomic_store(&h->valid, 1);
			}
		}
	}
	if (rfd >= 0)
		close(rfd);
	/* nmreq_copyout: body on success, option headers always */
	pos = sizeof(*rm);
	if (rm->body_len != uv_req_body_size(uh.nr_reqtype) || pos + rm->body_len > (size_t)n)
		return -EPROTO;
	if (err == 0 && poke(body, rep.msg + pos, rm->body_len))
		err = EFAULT;
	pos += rm->body_len;
	if (rm->nopts == req.nopts)
		copy_out_opts(rep.msg + pos, (size_t)n - pos, rm->nopts, req.uopt, err == 0);
	/* the header itself is always copied back (NIOCCTRL is _IOWR) */
	memcpy(hdr->nr_name, rm->hdr.nr_name, sizeof(hdr->nr_name));
	hdr->nr_body = body;
	hdr->nr_options = opts;
	return -err;
}

/* ---- the operations table ------------------------------------------------------ */

static int u_open(void)
{
	int fd = ensure_daemon();
	struct handle *h;

	if (fd < 0)
		return fd;
	h = handle_at(fd, 1);
	if (h == NULL) {
		close(fd);
		return -EMFILE;
	}
	atomic_store(&h->valid, 0);
	atomic_store(&h->origin, H_UNBOUND);
	return fd;
}

/*
 * Wait until the daemon has served every handle closed so far: a request on
 * a fresh connection that it answers only after a sweep of its hang-ups. A
 * daemon that is gone (nothing to release) or full is not waited for; one
 * that does not answer within CLOSE_TIMEOUT_MS is given up on.
 */
static void wait_released(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct uv_msg req = { .op = UV_OP_RELEASE }, rep;
	int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (s < 0)
		return;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", nms_uvale_socket_path());
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    send(s, &req, sizeof(req), MSG_NOSIGNAL) == (ssize_t)sizeof(req) &&
	    wait_fd(s, POLLIN, CLOSE_TIMEOUT_MS) == 0)
		(void)!recv(s, &rep, sizeof(rep), MSG_DONTWAIT);
	close(s);
}

/*
 * close(2) of a /dev/netmap fd releases the port before it returns when it
 * drops the last reference; so does this. The daemon unregisters a handle
 * when every copy of it is closed (it sees EOF), so after closing ours we
 * wait until it has served that EOF. A copy held elsewhere (fork, dup,
 * SCM_RIGHTS) means no EOF, and the port stays. Handles this process opened
 * and never registered hold no port: no waiting for those.
 */
static int u_close(int fd)
{
	struct handle *h = handle_at(fd, 0);
	int may_hold = 1, err;

	if (h) {
		may_hold = atomic_load(&h->valid) || atomic_load(&h->origin) != H_UNBOUND;
		atomic_store(&h->valid, 0);
		atomic_store(&h->origin, H_UNKNOWN);
	}
	err = close(fd) < 0 ? -errno : 0;
	if (err == 0 && may_hold)
		wait_released();
	return err;
}

static void *u_mmap(int fd, uint64_t size, int *err)
{
	struct uv_binding b;
	void *reg, *m;
	int e = binding(fd, &b, &reg);

	if (e == 0 && (size == 0 || size > b.memsize)) {
		nms_set_error("mmap size %llu: the port's memory is %llu bytes",
			      (unsigned long long)size, (unsigned long long)b.memsize);
		e = -EINVAL;
	}
	if (e) {
		if (e == -ENXIO)
			nms_set_error("fd %d is not registered (NIOCCTRL REGISTER first)", fd);
		if (err)
			*err = -e;
		return NULL;
	}
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, region_fd, (off_t)b.alloc_base);
	if (m == MAP_FAILED) {
		if (err)
			*err = errno;
		return NULL;
	}
	return m;
}

static int u_munmap(void *addr, uint64_t size)
{
	return munmap(addr, size) < 0 ? -errno : 0;
}

static int u_txsync(int fd)
{
	struct uv_binding b;
	void *reg;
	int e = binding(fd, &b, &reg);

	return e ? e : uv_txsync(reg, &b);
}

static int u_rxsync(int fd)
{
	struct uv_binding b;
	void *reg;
	int e = binding(fd, &b, &reg);

	return e ? e : uv_rxsync(reg, &b);
}

static int u_poll(int fd, int events, int timeout_ms)
{
	struct uv_binding b;
	struct uv_port *p;
	void *reg;
	uint64_t deadline;
	int e;

	if (timeout_ms < 0) {
		nms_set_error("poll timeout must be >= 0 ms (no infinite waits)");
		return -EINVAL;
	}
	e = binding(fd, &b, &reg);
	if (e)
		return POLLERR;
	p = &((struct uv_karea *)reg)->ports[b.port];
	deadline = now_ms() + (uint64_t)timeout_ms;
	for (;;) {
		uint32_t seq = atomic_load_explicit(&p->seq[0], memory_order_acquire);
		int rev = uv_poll_ready(reg, &b, events);
		uint64_t now, left;

		if (rev)
			return rev;
		now = now_ms();
		if (now >= deadline)
			return 0;
		left = deadline - now;
		/* register, re-check, then sleep: see uv_notify() */
		atomic_fetch_add_explicit(&p->waiters, 1, memory_order_seq_cst);
		rev = uv_poll_ready(reg, &b, events);
		if (rev == 0)
			uv_wait(&p->seq[0], seq, (int)(left > 200 ? 200 : left));
		atomic_fetch_sub_explicit(&p->waiters, 1, memory_order_relaxed);
		if (rev)
			return rev;
	}
}

static int u_dup(int fd)
{
	int nfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	struct handle *h, *nh;

	if (nfd < 0)
		return -errno;
	h = handle_at(fd, 0);
	nh = handle_at(nfd, 1);
	if (nh) {
		atomic_store(&nh->valid, 0);
		atomic_store(&nh->origin, h ? atomic_load(&h->origin) : H_UNKNOWN);
		if (h && atomic_load(&h->valid)) {
			nh->b = h->b;
			atomic_store(&nh->valid, 1);
		}
	}
	return nfd;
}

const struct nms_backend_ops nms_uvale_ops = {
	.name = "uvale",
	.open = u_open,
	.close = u_close,
	.ctrl = u_ctrl,
	.mmap = u_mmap,
	.munmap = u_munmap,
	.txsync = u_txsync,
	.rxsync = u_rxsync,
	.poll = u_poll,
	.dup = u_dup,
	/* the VLAN switch: uvale_vlan.c */
	.vlan_open = uv_vlan_open,
	.vlan_ioctl = uv_vlan_ioctl,
	.vlan_write = uv_vlan_write,
	.vlan_read = uv_vlan_read,
	.vlan_close = uv_vlan_close,
};

/* ---- daemon control --------------------------------------------------------------- */

int nms_uvale_start(void)
{
	int fd = ensure_daemon();

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

static int simple_op(uint32_t op, struct uv_msg *rep)
{
	struct uv_msg req = { .op = op };
	int fd = connect_ctl(), rfd, n;

	if (fd < 0) {
		nms_set_error("uvaled is not running (%s)", nms_uvale_socket_path());
		return -ENOENT;
	}
	n = xfer(fd, &req, sizeof(req), rep, sizeof(*rep), &rfd);
	if (rfd >= 0)
		close(rfd);
	if (n < 0) {
		close(fd);
		return n;
	}
	return fd;
}

int nms_uvale_stop(void)
{
	struct uv_msg rep;
	int fd = simple_op(UV_OP_STOP, &rep);
	uint64_t deadline = now_ms() + START_TIMEOUT_MS;

	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;
	/* the daemon closes every connection when it exits */
	while (now_ms() < deadline) {
		char c;

		if (wait_fd(fd, POLLIN, 100) == 0 && recv(fd, &c, 1, MSG_DONTWAIT) == 0)
			break;
	}
	close(fd);
	return 0;
}

int nms_uvale_status(char *buf, size_t len)
{
	struct uv_msg rep;
	int fd = simple_op(UV_OP_STATUS, &rep);
	size_t n;

	if (fd < 0)
		return fd;
	close(fd);
	n = strnlen(rep.text, sizeof(rep.text));
	if (buf == NULL || len == 0)
		return -EINVAL;
	if (n >= len)
		n = len - 1;
	memcpy(buf, rep.text, n);
	buf[n] = '\0';
	return (int)n;
}
