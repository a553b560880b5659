/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvaled: the uvale daemon. One thread serves every port handle (an
 * AF_UNIX SOCK_SEQPACKET connection) in order: control requests, binding
 * queries, status and stop. It owns the shared region and keeps the
 * persistent ports in a state file of its directory.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "uvale_daemon.h"
#include "uvale_mem.h"
#include "uvale_vlan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 4096

struct uvd uvd;

static struct uv_conn *conns[MAX_CONNS];
static volatile sig_atomic_t got_signal;
static int epfd = -1;

static void release_sweep(const struct uv_conn *self);

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void on_signal(int sig)
{
	(void)sig;
	got_signal = 1;
}

/* ---- the region ------------------------------------------------------------- */

static int region_create(void)
{
	struct uv_params gp[UV_POOLS];
	uint32_t idx;

	const char *gb = getenv("NMSCRIPT_UVALE_REGION_GB");
	uint64_t size = UV_REGION_SIZE;

	/* the region's virtual size (pages cost only when touched); smaller
	 * where the address space is limited (ulimit -v) */
	if (gb && *gb) {
		unsigned long v = strtoul(gb, NULL, 10);

		if (v < 1 || v > 4096)
			return -EINVAL;
		size = (uint64_t)v << 30;
	}
	uvd.memfd = memfd_create("nmscript-uvale", MFD_CLOEXEC);
	if (uvd.memfd < 0)
		return -errno;
	if (ftruncate(uvd.memfd, (off_t)size) < 0)
		return -errno;
	uvd.region = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE,
			  uvd.memfd, 0);
	if (uvd.region == MAP_FAILED)
		return -errno;
	uvd.k = uvd.region;
	uvd.k->magic = UV_MAGIC;
	uvd.k->version = UV_VERSION;
	if (getrandom(&uvd.k->region_id, sizeof(uvd.k->region_id), 0) < 0)
		uvd.k->region_id = now_ms() ^ ((uint64_t)getpid() << 32);
	uvd.k->region_size = size;
	uvd.k->heap_top = UV_KAREA_SIZE;
	for (int i = 0; i < NMA_BRIDGES; i++)
		uv_mutex_init(&uvd.k->bridges[i].lock);
	for (int i = 0; i < UV_MAX_PORTS; i++)
		uvd.k->ports[i].kind = UV_KIND_FREE;
	/* mem_id 1: the global allocator, as the kernel's (no NIC uses it) */
	uv_params_global(gp);
	if (uv_alloc_new(uvd.k, gp, &idx) == 0)
		uvd.k->allocs[idx].refs = 1;
	return 0;
}

/* ---- persistence ------------------------------------------------------------ */

static void state_path(char *buf, size_t len)
{
	snprintf(buf, len, "%s/state", uvd.dir);
}

/* persistent ports and their attachments, then attached interfaces, one line each */
void uv_state_save(void)
{
	char path[300], tmp[310];
	FILE *f;

	state_path(path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (f == NULL)
		return;
	fprintf(f, "# uvaled state: persistent ports and their switch attachments\n");
	for (int i = 0; i < UV_MAX_PORTS; i++) {
		struct uv_port *p = &uvd.k->ports[i];

		if (p->kind != UV_KIND_PERSIST || p->autodelete || uv_vlan_port_internal(p))
			continue;
		fprintf(f, "port %s %u %u %u %u\n", p->ifname, p->ntx, p->nrx, p->ntx_desc,
			p->nrx_desc);
		/* switches made by the VLAN switch are not ours to restore */
		if (p->bdg >= 0 && !uvd.k->bridges[p->bdg].kernel_owned)
			fprintf(f, "attach %s %s\n", uvd.k->bridges[p->bdg].name, p->ifname);
		if (p->bdg2 >= 0 && !uvd.k->bridges[p->bdg2].kernel_owned)
			fprintf(f, "attach %s %s\n", uvd.k->bridges[p->bdg2].name, p->ifname);
	}
	/* Linux interfaces attached to a switch, with their network namespace */
	for (int i = 0; i < UV_MAX_PORTS; i++) {
		struct uv_port *p = &uvd.k->ports[i];

		if (p->kind == UV_KIND_AFPACKET && p->bdg >= 0 &&
		    !uvd.k->bridges[p->bdg].kernel_owned)
			fprintf(f, "ifattach %s %s %llu\n", uvd.k->bridges[p->bdg].name, p->ifname,
				(unsigned long long)p->netns);
	}
	if (fclose(f) == 0)
		rename(tmp, path);
	uvd.dirty = 0;
}

/*
 * A process living in network namespace `ino`, to reach it again (the
 * interface code enters the namespace of the requesting pid): 0 for the
 * daemon's own namespace, -1 when no process is left there.
 */
static pid_t pid_in_netns(uint64_t ino)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	pid_t found = -1;

	if (stat("/proc/self/ns/net", &st) == 0 && (uint64_t)st.st_ino == ino)
		return 0;
	d = opendir("/proc");
	if (d == NULL)
		return -1;
	while (found < 0 && (de = readdir(d)) != NULL) {
		char path[300];
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (pid <= 0 || *end != '\0')
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/ns/net", pid);
		if (stat(path, &st) == 0 && (uint64_t)st.st_ino == ino)
			found = (pid_t)pid;
	}
	closedir(d);
	return found;
}

/* re-attach a Linux interface as VALE_ATTACH would; never fails the start */
static void restore_ifattach(struct uv_req *r, const char *bdg, const char *ifname, uint64_t ino)
{
	struct nma_req_vale_attach *a = (void *)r->buf;
	struct uv_conn none = { .fd = -1 };
	pid_t pid = pid_in_netns(ino);
	int err;

	if (pid < 0) {
		fprintf(stderr, "uvaled: not restoring %s:%s: its network namespace (net:[%llu]) "
			"is gone\n", bdg, ifname, (unsigned long long)ino);
		return;
	}
	memset(a, 0, sizeof(*a));
	a->reg.nr_mode = NMA_REG_ALL_NIC;
	r->hdr.nr_version = NMA_API;
	r->hdr.nr_reqtype = NMA_REQ_VALE_ATTACH;
	r->body = r->buf;
	r->blen = sizeof(*a);
	r->nopts = 0;
	memset(r->tab, -1, sizeof(r->tab));
	r->msg[0] = '\0';
	r->pid = pid;
	if (snprintf(r->hdr.nr_name, sizeof(r->hdr.nr_name), "%s:%s", bdg, ifname) >=
	    (int)sizeof(r->hdr.nr_name))
		return;
	err = uv_ctrl(r, &none);
	if (err)
		fprintf(stderr, "uvaled: not restoring %s: %s (%s)\n", r->hdr.nr_name,
			strerror(err), r->msg);
	r->pid = 0;
}

static void state_restore(void)
{
	char path[300], line[256];
	FILE *f;
	static struct uv_req r;

	state_path(path, sizeof(path));
	f = fopen(path, "r");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f)) {
		char a[64], b[64];
		unsigned ntx, nrx, dtx, drx;
		unsigned long long ino;
		struct uv_port *p;

		memset(&r.hdr, 0, sizeof(r.hdr));
		if (sscanf(line, "port %63s %u %u %u %u", a, &ntx, &nrx, &dtx, &drx) == 5) {
			struct nma_req_register reg = {
				.nr_tx_rings = (uint16_t)ntx, .nr_rx_rings = (uint16_t)nrx,
				.nr_tx_slots = dtx, .nr_rx_slots = drx,
			};

			r.hdr.nr_reqtype = NMA_REQ_VALE_NEWIF;
			uv_vi_create(&r, a, &reg, 0, &p);
		} else if (sscanf(line, "attach %63s %63s", a, b) == 2) {
			struct nma_req_register reg = { .nr_mode = NMA_REG_ALL_NIC };

			r.hdr.nr_reqtype = NMA_REQ_VALE_ATTACH;
			if (snprintf(r.hdr.nr_name, sizeof(r.hdr.nr_name), "%s:%s", a, b) <
			    (int)sizeof(r.hdr.nr_name))
				uv_get_na(&r, &reg, NULL, 1, &p);
		} else if (sscanf(line, "ifattach %63s %63s %llu", a, b, &ino) == 3) {
			restore_ifattach(&r, a, b, ino);
		}
	}
	fclose(f);
	uvd.dirty = 0;
}

/* ---- requests ---------------------------------------------------------------- */

/* parse a CTRL message into r; EINVAL for anything malformed */
static int parse_ctrl(const uint8_t *msg, size_t len, struct uv_req *r)
{
	const struct uv_msg *m = (const void *)msg;
	size_t pos = sizeof(*m), used = 0;

	memset(r->tab, -1, sizeof(r->tab));
	r->nopts = 0;
	r->msg[0] = '\0';
	r->hdr = m->hdr;
	r->hdr.nr_name[sizeof(r->hdr.nr_name) - 1] = '\0';
	r->blen = uv_req_body_size(r->hdr.nr_reqtype);
	if (m->body_len != r->blen || pos + r->blen > len)
		return EINVAL;
	r->body = r->blen ? r->buf : NULL;
	memcpy(r->buf, msg + pos, r->blen);
	pos += r->blen;
	used = (r->blen + 7) & ~(size_t)7;
	for (uint32_t i = 0; i < m->nopts; i++) {
		struct nma_req_option h;
		size_t bl;

		if (pos + sizeof(h) > len || i >= sizeof(r->opts) / sizeof(r->opts[0]))
			return EINVAL;
		memcpy(&h, msg + pos, sizeof(h));
		bl = h.nro_reqtype < NMA_REQ_OPT_MAX ? uv_opt_body_size(h.nro_reqtype, h.nro_size)
						     : 0;
		if (bl > NMA_REQ_MAXSIZE || pos + sizeof(h) + bl > len ||
		    used + sizeof(h) + bl > sizeof(r->buf))
			return EINVAL;
		r->opts[i].h = (struct nma_req_option *)(void *)(r->buf + used);
		memcpy(r->buf + used, msg + pos, sizeof(h) + bl);
		r->opts[i].blen = bl;
		if (h.nro_reqtype > 0 && h.nro_reqtype < NMA_REQ_OPT_MAX) {
			if (r->tab[h.nro_reqtype] >= 0)
				return EINVAL;
			r->tab[h.nro_reqtype] = (int)i;
		}
		pos += sizeof(h) + bl;
		used += (sizeof(h) + bl + 7) & ~(size_t)7;
		r->nopts++;
	}
	return pos == len ? 0 : EINVAL;
}

static int send_reply(int fd, const void *buf, size_t len, int pass_fd)
{
	struct iovec iov = { (void *)buf, len };
	union {
		char c[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (pass_fd >= 0) {
		struct cmsghdr *cm;

		memset(&u, 0, sizeof(u));
		mh.msg_control = u.c;
		mh.msg_controllen = sizeof(u.c);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &pass_fd, sizeof(int));
	}
	return sendmsg(fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 ? -errno : 0;
}

static void status_json(char *buf, size_t len)
{
	int ports = 0, bridges = 0, pers = 0;

	for (int i = 0; i < UV_MAX_PORTS; i++) {
		ports += uvd.k->ports[i].kind != UV_KIND_FREE;
		pers += uvd.k->ports[i].kind == UV_KIND_PERSIST;
	}
	for (int i = 0; i < NMA_BRIDGES; i++)
		bridges += uvd.k->bridges[i].nports > 0;
	if (snprintf(buf, len,
		 "{\"pid\":%d,\"dir\":\"%s\",\"ports\":%d,\"persistent\":%d,\"bridges\":%d,"
		 "\"handles\":%u,\"uptime_ms\":%llu,\"region_used\":%llu}",
		 (int)getpid(), uvd.dir, ports, pers, bridges, uvd.nconns,
		 (unsigned long long)(now_ms() - uvd.started_ms),
		 (unsigned long long)uvd.k->heap_top) >= (int)len)
		snprintf(buf, len, "{\"pid\":%d}", (int)getpid());
}

static void handle_msg(struct uv_conn *c, const uint8_t *msg, size_t len)
{
	static struct uv_req r;
	static uint8_t out[sizeof(struct uv_msg) + NMA_REQ_MAXSIZE * 2 + 1024];
	const struct uv_msg *m = (const void *)msg;
	struct uv_msg *rep = (void *)out;
	size_t olen = sizeof(*rep);
	int pass = -1;

	/* before the reply is built: the sweep serves other handles' messages */
	if (len >= sizeof(*m) && m->op == UV_OP_RELEASE)
		release_sweep(c);
	memset(rep, 0, sizeof(*rep));
	if (len < sizeof(*m)) {
		rep->error = EINVAL;
		snprintf(rep->text, sizeof(rep->text), "uvaled: malformed message");
		send_reply(c->fd, rep, olen, -1);
		return;
	}
	rep->op = m->op;
	if (m->op == UV_OP_VLAN_WRITE || m->op == UV_OP_VLAN_READ) {
		uv_vlan_request(c, msg, len); /* replies itself */
		if (uvd.dirty)
			uv_state_save();
		return;
	}
	switch (m->op) {
	case UV_OP_CTRL:
		r.pid = c->pid;
		if (parse_ctrl(msg, len, &r)) {
			rep->error = EINVAL;
			snprintf(rep->text, sizeof(rep->text), "uvaled: malformed request");
			break;
		}
		rep->error = uv_ctrl(&r, c);
		rep->hdr = r.hdr;
		memcpy(rep->text, r.msg, sizeof(rep->text));
		rep->body_len = (uint32_t)r.blen;
		memcpy(out + olen, r.buf, r.blen);
		olen += r.blen;
		rep->nopts = r.nopts;
		for (uint32_t i = 0; i < r.nopts; i++) {
			size_t n = sizeof(struct nma_req_option) + r.opts[i].blen;

			memcpy(out + olen, r.opts[i].h, n);
			olen += n;
		}
		if (rep->error == 0 && r.hdr.nr_reqtype == NMA_REQ_REGISTER) {
			uv_fill_binding(c, &rep->bind);
			pass = uvd.memfd;
		}
		if (uvd.dirty)
			uv_state_save();
		break;
	case UV_OP_BINDING:
		if (!c->bound) {
			rep->error = ENXIO;
			snprintf(rep->text, sizeof(rep->text), "the handle is not registered");
			break;
		}
		uv_fill_binding(c, &rep->bind);
		pass = uvd.memfd;
		break;
	case UV_OP_HELLO:
		pass = uvd.memfd;
		rep->bind.region_id = uvd.k->region_id;
		break;
	case UV_OP_STATUS:
		status_json(rep->text, sizeof(rep->text));
		break;
	case UV_OP_STOP:
		uvd.stop = 1;
		break;
	case UV_OP_RELEASE: /* swept above */
		break;
	default:
		rep->error = EINVAL;
		snprintf(rep->text, sizeof(rep->text), "uvaled: unknown operation %u", m->op);
		break;
	}
	send_reply(c->fd, out, olen, pass);
}

static void conn_close(int ep, struct uv_conn *c)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	uv_do_unregif(c);
	close(c->fd);
	conns[c->fd] = NULL;
	free(c);
	uvd.nconns--;
	uv_reap_busy();
}

/* serve what a connection that is going away still had queued */
static void conn_drain(struct uv_conn *c, uint8_t *buf, size_t cap)
{
	for (int i = 0; i < 64; i++) {
		ssize_t len = recv(c->fd, buf, cap, MSG_DONTWAIT);

		if (len <= 0)
			return;
		handle_msg(c, buf, (size_t)len);
	}
}

/*
 * UV_OP_RELEASE: a client has closed a handle and waits, as close(2) of a
 * /dev/netmap fd would, for the port to be released. Its close came before
 * this request, so if it was the last copy the hang-up is already visible:
 * serve every hang-up now rather than when epoll reports it. The asking
 * connection itself is left to the main loop (its caller still uses it).
 */
static void release_sweep(const struct uv_conn *self)
{
	static struct pollfd pf[MAX_CONNS];
	static uint8_t buf[UV_MSG_MAX * 2 + sizeof(struct uv_vlan_msg) + UV_VLAN_WRITE_MAX];
	static int busy;
	nfds_t n = 0;

	if (busy) /* a RELEASE queued on a handle being drained: already sweeping */
		return;
	busy = 1;

	for (int fd = 0; fd < MAX_CONNS; fd++) {
		if (conns[fd] != NULL && conns[fd] != self) {
			pf[n].fd = fd;
			pf[n].events = POLLRDHUP;
			pf[n].revents = 0;
			n++;
		}
	}
	if (n > 0 && poll(pf, n, 0) > 0) {
		for (nfds_t i = 0; i < n; i++) {
			struct uv_conn *c = conns[pf[i].fd];

			if (c == NULL || !(pf[i].revents & (POLLRDHUP | POLLHUP)))
				continue;
			conn_drain(c, buf, sizeof(buf));
			conn_close(epfd, c);
		}
	}
	busy = 0;
}

static void conn_accept(int ep, int lfd)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	struct ucred cr;
	socklen_t cl = sizeof(cr);
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP };
	struct uv_conn *c;

	if (fd < 0)
		return;
	if (fd >= MAX_CONNS || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &cl) < 0 ||
	    cr.uid != getuid()) {
		close(fd);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		close(fd);
		return;
	}
	c->fd = fd;
	c->pid = cr.pid;
	ev.data.fd = fd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		close(fd);
		free(c);
		return;
	}
	conns[fd] = c;
	uvd.nconns++;
}

static int listen_socket(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -errno;
	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path) >= (int)sizeof(sa.sun_path)) {
		close(fd);
		return -ENAMETOOLONG;
	}
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, 0600) < 0 ||
	    listen(fd, 128) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

int nms_uvaled_main(int argc, char **argv)
{
	static uint8_t msg[UV_MSG_MAX * 2 + sizeof(struct uv_vlan_msg) + UV_VLAN_WRITE_MAX];
	char path[300];
	int lfd, ep, err;
	struct epoll_event ev = { .events = EPOLLIN };

	if (argc >= 3 && strcmp(argv[1], "--dir") == 0)
		snprintf(uvd.dir, sizeof(uvd.dir), "%s", argv[2]);
	else if (uv_dir_path(uvd.dir, sizeof(uvd.dir)) < 0)
		return 1;
	err = uv_dir_prepare(uvd.dir);
	if (err) {
		fprintf(stderr, "uvaled: directory %s: %s\n", uvd.dir, strerror(-err));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/ctl", uvd.dir);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	uvd.started_ms = now_ms();
	err = region_create();
	if (err) {
		fprintf(stderr, "uvaled: cannot create the shared region: %s\n", strerror(-err));
		return 1;
	}
	state_restore();
	lfd = listen_socket(path);
	if (lfd < 0) {
		fprintf(stderr, "uvaled: cannot listen on %s: %s\n", path, strerror(-lfd));
		return 1;
	}
	ep = epoll_create1(EPOLL_CLOEXEC);
	epfd = ep;
	ev.data.fd = lfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	while (!uvd.stop && !got_signal) {
		struct epoll_event evs[64];
		int n = epoll_wait(ep, evs, 64, 1000);

		/*
		 * Closed handles first: a client that closes a port and then asks
		 * something on another handle (destroy it, list) must find it
		 * unregistered, as after close(2) of a /dev/netmap fd. Whatever
		 * such a connection still had queued is served before it goes.
		 */
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			struct uv_conn *c = fd >= 0 && fd < MAX_CONNS ? conns[fd] : NULL;

			if (fd == lfd || c == NULL || !(evs[i].events & (EPOLLRDHUP | EPOLLHUP)))
				continue;
			conn_drain(c, msg, sizeof(msg));
			conn_close(ep, c);
		}
		for (int i = 0; i < n && !uvd.stop; i++) {
			int fd = evs[i].data.fd;
			struct uv_conn *c;
			ssize_t len;

			if (fd == lfd) {
				conn_accept(ep, lfd);
				continue;
			}
			c = fd < MAX_CONNS ? conns[fd] : NULL;
			if (c == NULL)
				continue;
			len = recv(fd, msg, sizeof(msg), MSG_DONTWAIT);
			if (len < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (len <= 0) {
				conn_close(ep, c);
				continue;
			}
			handle_msg(c, msg, (size_t)len);
		}
	}
	uv_ifnet_shutdown(); /* the interfaces' pumps stop first */
	uv_vlan_teardown(); /* VLAN confs are not kept: undo them before saving */
	uv_state_save();
	unlink(path);
	close(lfd);
	return 0;
}
