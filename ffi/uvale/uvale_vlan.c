/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvale's VLAN switch (see uvale_vlan.h): the same configuration state
 * machine and forwarding core as the Linux module (kernel/vlan_conf.c,
 * kernel/vlan_core.c), driven by uvaled instead of netmap.
 *
 *   daemon   struct vv_os_ops over uvaled's bridges and persistent ports,
 *            and the handler of UV_OP_VLAN_WRITE / UV_OP_VLAN_READ
 *   data     uv_vlan_lookup(): the tagging bridge's lookup (vv_forward)
 *   library  the nms_vlan_* entries of the uvale backend
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "uvale_vlan.h"
#include "uvale_daemon.h"
#include "vlan_conf.h"
#include "../src/backend.h"
#include "nmscript.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define VLAN_TIMEOUT_MS 10000

_Static_assert(sizeof(struct uv_karea) <= UV_VLAN_AREA_OFS,
	       "the VLAN area must not overlap the kernel area's objects");
_Static_assert(sizeof(struct uv_vlan_area) <= UV_VLAN_AREA_SIZE,
	       "the VLAN area holds VV_MAX_CONFS tables");
_Static_assert(VV_TABLE_PORTS >= NMA_BDG_MAXPORTS, "a table covers every bridge port");

/* ======================= data path (any process) ======================== */

static const struct vv_table *table_of(void *region, const struct uv_bridge *b)
{
	const struct uv_karea *k = region;
	const struct uv_vlan_area *a = uv_at(region, UV_VLAN_AREA_OFS);
	uint32_t id = (uint32_t)(b - k->bridges) + 1;

	if (a->magic != UV_VLAN_MAGIC)
		return NULL;
	for (int i = 0; i < VV_MAX_CONFS; i++)
		if (a->bridge[i] == id)
			return &a->table[i];
	return NULL;
}

/* The table of tagging bridge b (stable while b's lock is held), or NULL.
 * uvale_sync.c looks it up once per batch and calls vv_classify(). */
const struct vv_table *uv_vlan_table(void *region, const struct uv_bridge *b)
{
	return table_of(region, b);
}

uint32_t uv_vlan_lookup(void *region, const struct uv_bridge *b, uint32_t src,
			struct vv_frag *f, unsigned int nfrags, uint32_t l2off)
{
	const struct vv_table *t = table_of(region, b);
	uint32_t dst;

	if (t == NULL || vv_forward(t, src, f, nfrags, l2off, &dst) != VV_FWD ||
	    dst >= NMA_BDG_MAXPORTS)
		return NMA_BDG_NOPORT;
	return dst;
}

/* ======================= daemon side (uvaled) ============================ */

static struct vv_state vst;
static int vst_ready;
static struct uv_req oreq; /* carries the sentences of uvale's helpers */

static struct uv_vlan_area *area(void)
{
	struct uv_vlan_area *a = uv_at(uvd.region, UV_VLAN_AREA_OFS);

	if (a->magic != UV_VLAN_MAGIC) {
		memset(a, 0, sizeof(*a));
		a->magic = UV_VLAN_MAGIC;
	}
	return a;
}

static int bridge_index(const struct uv_bridge *b)
{
	return (int)(b - uvd.k->bridges);
}

/* the mutex that guards forwarding in b (see uv_bdg_lock() in uvale.h) */
static pthread_mutex_t *fwd_lock(struct uv_bridge *b)
{
#ifdef UV_HAVE_VLAN_HOOKS
	return uv_bdg_lock(uvd.k, b);
#else
	return &b->lock;
#endif
}

/* the token is the bridge; it must still be one of ours, with that name */
static struct uv_bridge *token_bridge(const char *bdg, void *token)
{
	struct uv_bridge *b = token;
	size_t n = strlen(bdg);

	if (b == NULL || b < uvd.k->bridges || b >= uvd.k->bridges + NMA_BRIDGES ||
	    !b->active || !b->kernel_owned)
		return NULL;
	if (n && bdg[n - 1] == ':')
		n--;
	if (n != b->namelen || strncmp(b->name, bdg, n) != 0)
		return NULL;
	return b;
}

static int area_slot(const struct uv_bridge *b)
{
	struct uv_vlan_area *a = area();
	uint32_t id = (uint32_t)bridge_index(b) + 1;

	for (int i = 0; i < VV_MAX_CONFS; i++)
		if (a->bridge[i] == id)
			return i;
	return -1;
}

/* "valeV<vid><C>:" -> the tagging bridge of C (which exists first) */
static struct uv_bridge *tagging_of(const char *vbdg)
{
	const char *p = vbdg + strlen("valeV");
	char conf[VV_CONF_NAME_SIZE], tbdg[VV_BDG_NAME_SIZE];
	size_t n = 0;

	while (*p >= '0' && *p <= '9')
		p++;
	while (p[n] && p[n] != ':' && n + 1 < sizeof(conf)) {
		conf[n] = p[n];
		n++;
	}
	conf[n] = '\0';
	vv_name_tagging_bdg(tbdg, sizeof(tbdg), conf);
	return uv_find_bridge(tbdg, 0, NULL);
}

static int os_bridge_create(void *os, const char *bdg, struct vv_table *table, void **token)
{
	struct uv_bridge *b, *t = NULL;
	pthread_mutex_t *m;
	int err, slot = -1;

	(void)os;
	if (uv_find_bridge(bdg, 0, NULL) != NULL) {
		uv_say(&oreq, "switch %s exists already", bdg);
		return -EEXIST;
	}
	if (table != NULL) {
		struct uv_vlan_area *a = area();

		for (int i = 0; i < VV_MAX_CONFS && slot < 0; i++)
			if (a->bridge[i] == 0)
				slot = i;
		if (slot < 0)
			return -ENOMEM;
	} else {
		t = tagging_of(bdg);
		if (t == NULL || !t->kernel_owned) {
			uv_say(&oreq, "%s: its conf's tagging switch is missing", bdg);
			return -ENXIO;
		}
	}
	b = uv_find_bridge(bdg, 1, &err);
	if (b == NULL) {
		uv_say(&oreq, "cannot create switch %s: all %d uvale switches are in use", bdg,
		       NMA_BRIDGES);
		return -err;
	}
	if (table != NULL) {
		struct uv_vlan_area *a = area();

		a->table[slot] = *table;
		a->bridge[slot] = (uint32_t)bridge_index(b) + 1;
	}
	m = fwd_lock(b);
	uv_mutex_lock(m);
	b->active = 1;
	b->kernel_owned = 1;
	b->lookup = table != NULL ? UV_LOOKUP_VLAN : UV_LOOKUP_LEARNING;
#ifdef UV_HAVE_VLAN_HOOKS
	b->lock_with = t != NULL ? (uint32_t)bridge_index(t) + 1 : 0;
#endif
	uv_mutex_unlock(m);
	*token = b;
	return 0;
}

static int os_bridge_destroy(void *os, const char *bdg, void *token)
{
	struct uv_bridge *b = token_bridge(bdg, token);
	pthread_mutex_t *m;
	int slot;

	(void)os;
	if (b == NULL)
		return -ENXIO;
	if (b->nports) {
		uv_say(&oreq, "switch %s still has %u ports", bdg, b->nports);
		return -EBUSY;
	}
	slot = area_slot(b);
	m = fwd_lock(b);
	uv_mutex_lock(m);
	b->active = 0;
	b->kernel_owned = 0;
	b->lookup = UV_LOOKUP_LEARNING;
#ifdef UV_HAVE_VLAN_HOOKS
	b->lock_with = 0;
#endif
	memset(b->ht, 0, sizeof(b->ht));
	uv_mutex_unlock(m);
	if (slot >= 0) {
		struct uv_vlan_area *a = area();

		a->bridge[slot] = 0;
		memset(&a->table[slot], 0, sizeof(a->table[slot]));
	}
	return 0;
}

static int os_port_create(void *os, const char *port)
{
	struct nma_req_register reg;
	struct uv_port *p;

	(void)os;
	memset(&reg, 0, sizeof(reg)); /* default rings and slots */
	oreq.hdr.nr_reqtype = NMA_REQ_VALE_NEWIF;
	return -uv_vi_create(&oreq, port, &reg, 0, &p);
}

static int os_port_destroy(void *os, const char *port)
{
	struct uv_port *p = uv_find_persistent(port);

	(void)os;
	if (p == NULL) {
		uv_say(&oreq, "%s: no such persistent port", port);
		return -ENXIO;
	}
	if (p->autodelete) {
		uv_say(&oreq, "%s is a pipe parent and goes away by itself", port);
		return -EINVAL;
	}
	if (p->active_fds || p->bdg >= 0 || p->bdg2 >= 0 || p->npipes) {
		uv_say(&oreq, "%s is in use (open, attached to a switch, or a pipe parent)", port);
		return -EBUSY;
	}
	p->autodelete = 1;
	uv_port_put(p);
	uvd.dirty = 1;
	return 0;
}

static int os_attach(void *os, const char *bdg, void *token, const char *port,
		     uint32_t *index)
{
	struct uv_bridge *b = token_bridge(bdg, token);
	struct uv_port *p = uv_find_persistent(port);
	int32_t bi;
	int second, err;

	(void)os;
	if (b == NULL)
		return -ENXIO;
	if (p == NULL) {
		/* a Linux interface, as vale-ctl -a attaches it (uvale_ifnet.c) */
		return -uv_ifnet_attach(&oreq, b, port, index);
	}
	if (p->autodelete) {
		uv_say(&oreq, "%s: no such interface (uvale has persistent VALE ports: "
			      "create one first, or use the create variant)", port);
		return -ENXIO;
	}
	bi = bridge_index(b);
	if (p->bdg == bi || p->bdg2 == bi) {
		uv_say(&oreq, "%s is already attached to %s", port, bdg);
		return -EBUSY;
	}
	if (p->bdg >= 0 && p->bdg2 >= 0) {
		uv_say(&oreq, "%s is already attached to two switches", port);
		return -EBUSY;
	}
	if (p->active_fds) {
		uv_say(&oreq, "%s is open by a user: close it before attaching", port);
		return -EBUSY;
	}
	second = p->bdg >= 0;
	err = uv_bdg_attach(b, p, second);
	if (err) {
		uv_say(&oreq, "switch %s is full", bdg);
		return -err;
	}
	if (!second)
		uv_strf(p->name, sizeof(p->name), "%s:%s", b->name, p->ifname);
	*index = second ? p->bdg2_port : p->bdg_port;
	uvd.dirty = 1;
	return 0;
}

static int os_detach(void *os, const char *bdg, void *token, const char *port)
{
	struct uv_bridge *b = token_bridge(bdg, token);
	struct uv_port *p = uv_find_persistent(port);
	int32_t bi;
	int second;

	(void)os;
	if (b == NULL)
		return -ENXIO;
	bi = bridge_index(b);
	if (p == NULL) {
		return -uv_ifnet_detach(&oreq, b, port); /* a Linux interface */
	}
	if (p->bdg != bi && p->bdg2 != bi) {
		uv_say(&oreq, "%s is not attached to %s", port, bdg);
		return -ENXIO;
	}
	second = p->bdg2 == bi;
	if (!second && p->bdg2 >= 0) {
		uv_say(&oreq, "%s is also attached to a second switch: detach that one first",
		       port);
		return -EBUSY;
	}
	uv_bdg_detach(p, second);
	if (!second)
		uv_strf(p->name, sizeof(p->name), "%s", p->ifname);
	uvd.dirty = 1;
	return 0;
}

/* both copies change together, the shared one under the forwarding lock */
static int os_table_edit(void *os, const char *bdg, void *token, struct vv_table *table,
			 const struct vv_table_edit *e)
{
	struct uv_bridge *b = token_bridge(bdg, token);
	pthread_mutex_t *m;
	int slot, rc;

	(void)os;
	if (b == NULL)
		return -ENXIO;
	slot = area_slot(b);
	if (slot < 0)
		return -EINVAL;
	m = fwd_lock(b);
	uv_mutex_lock(m);
	rc = vv_table_apply(&area()->table[slot], e);
	if (rc == 0)
		rc = vv_table_apply(table, e);
	uv_mutex_unlock(m);
	return rc;
}

static const struct vv_os_ops uv_vlan_os_ops = {
	.bridge_create = os_bridge_create,
	.bridge_destroy = os_bridge_destroy,
	.port_create = os_port_create,
	.port_destroy = os_port_destroy,
	.attach = os_attach,
	.detach = os_detach,
	.table_edit = os_table_edit,
};

static void state_ready(void)
{
	if (!vst_ready) {
		vv_state_init(&vst, &uv_vlan_os_ops, NULL);
		vst_ready = 1;
	}
}

void uv_vlan_teardown(void)
{
	if (vst_ready)
		vv_state_teardown(&vst);
}

int uv_vlan_port_internal(const struct uv_port *p)
{
	struct uv_vlan_area *a;

	if (p->kind != UV_KIND_PERSIST || !vst_ready)
		return 0;
	a = area();
	for (int i = 0; i < VV_MAX_CONFS; i++) {
		const struct uv_bridge *t;
		size_t n;

		if (a->bridge[i] == 0)
			continue;
		t = &uvd.k->bridges[a->bridge[i] - 1];
		/* "valeV<C>TP" -> C; AP ports are "<C>AP<digits>" */
		if (t->namelen < 8)
			continue;
		n = t->namelen - 7;
		if (strncmp(p->ifname, t->name + 5, n) == 0 && strncmp(p->ifname + n, "AP", 2) == 0 &&
		    p->ifname[n + 2] >= '0' && p->ifname[n + 2] <= '9' &&
		    strspn(p->ifname + n + 2, "0123456789") == strlen(p->ifname + n + 2))
			return 1;
	}
	return 0;
}

static void say_failure(char *text, size_t size, const struct vv_session *s)
{
	const char *why = vv_reason_text(s->reason);

	if (s->reason == VV_R_OS && oreq.msg[0])
		uv_strf(text, size, "record %d: %s: %s", (int)s->err_index, why, oreq.msg);
	else if (s->err_index >= 0)
		uv_strf(text, size, "record %d: %s", (int)s->err_index, why);
	else
		uv_strf(text, size, "%s", why);
}

void uv_vlan_request(struct uv_conn *c, const uint8_t *msg, size_t len)
{
	static uint8_t out[UV_VLAN_MSG_MAX];
	struct uv_vlan_msg *rep = (void *)out;
	struct uv_vlan_msg in;
	size_t olen = sizeof(*rep);

	state_ready();
	memset(rep, 0, sizeof(*rep));
	if (len < sizeof(in)) {
		rep->m.op = len >= sizeof(uint32_t) ? *(const uint32_t *)(const void *)msg : 0;
		rep->m.error = EINVAL;
		uv_strf(rep->m.text, sizeof(rep->m.text), "uvaled: malformed VLAN request");
		goto send;
	}
	memcpy(&in, msg, sizeof(in));
	rep->m.op = in.m.op;
	rep->sess = in.sess;
	rep->sess.list_conf[sizeof(rep->sess.list_conf) - 1] = '\0';
	oreq.msg[0] = '\0';
	oreq.pid = c->pid; /* Linux interfaces are looked up in the caller's namespace */
	if (in.m.op == UV_OP_VLAN_WRITE) {
		int rc;

		if (in.len != len - sizeof(in)) {
			rep->m.error = EMSGSIZE;
			uv_strf(rep->m.text, sizeof(rep->m.text),
				"uvaled: VLAN request of %u record bytes arrived with %zu",
				in.len, len - sizeof(in));
			goto send;
		}
		rc = vv_write(&vst, &rep->sess, msg + sizeof(in), in.len);
		if (rc) {
			rep->m.error = -rc;
			say_failure(rep->m.text, sizeof(rep->m.text), &rep->sess);
		}
		rep->len = 0;
	} else {
		size_t want = in.len < UV_VLAN_READ_MAX ? in.len : UV_VLAN_READ_MAX;
		long n = vv_read(&vst, &rep->sess, out + sizeof(*rep), want);

		if (n < 0) {
			rep->m.error = (int32_t)-n;
			uv_strf(rep->m.text, sizeof(rep->m.text),
				"a VLAN read needs at least %zu bytes (struct vv_status)",
				sizeof(struct vv_status));
		} else {
			rep->len = (uint32_t)n;
			olen += (size_t)n;
		}
	}
	if (uvd.dirty)
		uv_state_save();
send:
	send(c->fd, out, olen, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* ======================= library side ==================================== */

struct vhandle {
	int fd;
	struct vv_session sess;
};

static pthread_mutex_t vlock = PTHREAD_MUTEX_INITIALIZER;
static struct vhandle *vhs;
static size_t nvh, capvh;

static struct vhandle *vh_find(int fd)
{
	for (size_t i = 0; i < nvh; i++)
		if (vhs[i].fd == fd)
			return &vhs[i];
	return NULL;
}

/* the handle of vfd with vlock held, or NULL (unlocked, EBADF's sentence set) */
static struct vhandle *vh_lock(int vfd)
{
	struct vhandle *h;

	pthread_mutex_lock(&vlock);
	h = vh_find(vfd);
	if (h == NULL) {
		pthread_mutex_unlock(&vlock);
		nms_set_error("fd %d is not a VLAN handle (nms_vlan_open)", vfd);
	}
	return h;
}

static int vh_add(int fd)
{
	struct vhandle *h;

	pthread_mutex_lock(&vlock);
	if (nvh == capvh) {
		size_t ncap = capvh ? capvh * 2 : 8;
		struct vhandle *n = realloc(vhs, ncap * sizeof(*n));

		if (n == NULL) {
			pthread_mutex_unlock(&vlock);
			return -ENOMEM;
		}
		vhs = n;
		capvh = ncap;
	}
	h = &vhs[nvh++];
	h->fd = fd;
	vv_session_init(&h->sess);
	pthread_mutex_unlock(&vlock);
	return 0;
}

int uv_vlan_open(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, err;

	err = nms_uvale_start();
	if (err < 0)
		return err;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = -errno;
		nms_set_error("cannot create a socket for uvaled: %s", strerror(errno));
		return err;
	}
	uv_strf(sa.sun_path, sizeof(sa.sun_path), "%s", nms_uvale_socket_path());
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		nms_set_error("cannot connect to uvaled at %s: %s", sa.sun_path, strerror(errno));
		close(fd);
		return err;
	}
	err = vh_add(fd);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int uv_vlan_ioctl(int vfd, void *hdr)
{
	(void)vfd;
	(void)hdr;
	nms_set_error("the VLAN switch has no ioctl: write struct vv_req records and read "
		      "struct vv_status instead");
	return -ENOTTY;
}

/* one request, one reply (vlock held: the handle's session goes with it) */
static int vxfer(struct vhandle *h, uint32_t op, const void *data, size_t dlen, size_t want,
		 void *out, size_t outcap)
{
	struct uv_vlan_msg req;
	struct uv_vlan_msg *rep;
	struct iovec iov[2];
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = dlen ? 2 : 1 };
	struct pollfd pf = { .fd = h->fd, .events = POLLIN };
	ssize_t n;
	int rc;

	memset(&req, 0, sizeof(req));
	req.m.op = op;
	req.sess = h->sess;
	req.len = (uint32_t)(op == UV_OP_VLAN_WRITE ? dlen : want);
	iov[0] = (struct iovec){ &req, sizeof(req) };
	iov[1] = (struct iovec){ (void *)data, dlen };
	if (sendmsg(h->fd, &mh, MSG_NOSIGNAL) < 0) {
		rc = -errno;
		nms_set_error("lost the connection to uvaled: %s", strerror(errno));
		return rc;
	}
	do {
		rc = poll(&pf, 1, VLAN_TIMEOUT_MS);
	} while (rc < 0 && errno == EINTR);
	if (rc <= 0) {
		nms_set_error("uvaled did not answer a VLAN request within %d ms",
			      VLAN_TIMEOUT_MS);
		return rc == 0 ? -ETIMEDOUT : -errno;
	}
	rep = malloc(UV_VLAN_MSG_MAX);
	if (rep == NULL)
		return -ENOMEM;
	n = recv(h->fd, rep, UV_VLAN_MSG_MAX, 0);
	if (n < (ssize_t)sizeof(*rep) || rep->len > (size_t)n - sizeof(*rep) ||
	    (rep->m.error == 0 && rep->len > outcap)) {
		free(rep);
		nms_set_error("lost the connection to uvaled (short VLAN reply)");
		return n < 0 ? -errno : -EPROTO;
	}
	h->sess = rep->sess;
	if (rep->m.error) {
		rc = -rep->m.error;
		nms_set_error("%.*s", (int)sizeof(rep->m.text), rep->m.text);
	} else {
		rc = (int)rep->len;
		if (rep->len)
			memcpy(out, rep + 1, rep->len);
	}
	free(rep);
	return rc;
}

int uv_vlan_write(int vfd, const void *records, size_t len)
{
	struct vhandle *h;
	int rc;

	h = vh_lock(vfd);
	if (h == NULL)
		return -EBADF;
	if (len > UV_VLAN_WRITE_MAX) {
		/* too long to send: judged here, with the same rules */
		int32_t index;
		uint16_t reason;

		rc = vv_validate(records, len, &index, &reason);
		h->sess.err_index = index;
		h->sess.err_errno = -rc;
		h->sess.reason = reason;
		pthread_mutex_unlock(&vlock);
		nms_set_error("%s", vv_reason_text(reason));
		return rc;
	}
	rc = vxfer(h, UV_OP_VLAN_WRITE, records, len, 0, NULL, 0);
	pthread_mutex_unlock(&vlock);
	return rc < 0 ? rc : (int)len;
}

int uv_vlan_read(int vfd, void *buf, size_t len)
{
	struct vhandle *h;
	int rc;

	h = vh_lock(vfd);
	if (h == NULL)
		return -EBADF;
	rc = vxfer(h, UV_OP_VLAN_READ, NULL, 0, len, buf, len);
	pthread_mutex_unlock(&vlock);
	return rc;
}

int uv_vlan_close(int vfd)
{
	struct vhandle *h;

	h = vh_lock(vfd);
	if (h == NULL)
		return -EBADF;
	*h = vhs[--nvh];
	pthread_mutex_unlock(&vlock);
	return close(vfd) < 0 ? -errno : 0;
}
