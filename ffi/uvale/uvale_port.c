/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvaled: ports, bridges, pipes, and registration (netmap's get_na and
 * do_regif/do_unregif), with the kernel's rules and errno choices.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "uvale_daemon.h"
#include "uvale_mem.h"

#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void uv_say(struct uv_req *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
}

int uv_port_index(const struct uv_port *p)
{
	return (int)(p - uvd.k->ports);
}

static struct uv_bridge *port_bridge(const struct uv_port *p)
{
	return p->bdg >= 0 ? &uvd.k->bridges[p->bdg] : NULL;
}

/* ---- bridges -------------------------------------------------------------- */

static int id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* nm_bdg_name_validate: the position of ':' or -1 */
static int bdg_name_validate(const char *name, size_t prefixlen)
{
	int colon = -1;

	if (strlen(name) < prefixlen)
		return -1;
	for (int i = 0; i < UV_IFNAMSIZ && name[i]; i++) {
		if (name[i] == ':') {
			colon = i;
			break;
		}
		if (!id_char(name[i]))
			return -1;
	}
	if ((long)strlen(name) - colon > UV_IFNAMSIZ)
		return -1;
	return colon;
}

int uv_name_is_vale(const char *name)
{
	/* netmap compares strlen("vale") - 1 characters */
	return strncmp(name, NMA_BDG_NAME, strlen(NMA_BDG_NAME) - 1) == 0;
}

struct uv_bridge *uv_find_bridge(const char *name, int create, int *err)
{
	struct uv_bridge *found = NULL, *empty = NULL;
	int namelen = bdg_name_validate(name, create ? strlen(NMA_BDG_NAME) : 0);

	if (err)
		*err = create ? ENOMEM : ENXIO;
	if (namelen < 0)
		return NULL;
	for (int i = 0; i < NMA_BRIDGES; i++) {
		struct uv_bridge *b = &uvd.k->bridges[i];

		if (!b->active && b->nports == 0) {
			if (create && empty == NULL)
				empty = b;
		} else if ((int)b->namelen == namelen && strncmp(name, b->name, namelen) == 0) {
			found = b;
			break;
		}
	}
	if (found == NULL && empty != NULL) {
		found = empty;
		found->lock_with = 0;
		found->kernel_owned = 0;
		uv_mutex_lock(uv_bdg_lock(uvd.k, found));
		memset(found->name, 0, sizeof(found->name));
		memcpy(found->name, name, (size_t)namelen);
		found->namelen = (uint32_t)namelen;
		found->nports = 0;
		found->lookup = UV_LOOKUP_LEARNING;
		for (int i = 0; i < NMA_BDG_MAXPORTS; i++) {
			found->port_index[i] = (uint32_t)i;
			found->ports[i] = UV_NOPORT;
		}
		memset(found->ht, 0, sizeof(found->ht));
		uv_mutex_unlock(uv_bdg_lock(uvd.k, found));
	}
	return found;
}

/* the name a bridge port answers to */
static void bdg_port_name(const struct uv_bridge *b, const struct uv_port *p, char *out)
{
	if (p->bdg >= 0 && &uvd.k->bridges[p->bdg] == b)
		snprintf(out, UV_NAMSIZ, "%s", p->name);
	else
		uv_strf(out, UV_NAMSIZ, "%s:%s", b->name, p->ifname);
}

struct uv_port *uv_find_bdg_port(struct uv_bridge *b, const char *name)
{
	char n[UV_NAMSIZ];

	for (uint32_t j = 0; j < b->nports; j++) {
		uint32_t i = b->port_index[j];

		if (b->ports[i] == UV_NOPORT)
			continue;
		bdg_port_name(b, &uvd.k->ports[b->ports[i]], n);
		if (strcmp(n, name) == 0)
			return &uvd.k->ports[b->ports[i]];
	}
	return NULL;
}

int uv_bdg_attach(struct uv_bridge *b, struct uv_port *p, int second)
{
	uint32_t cand;

	if (b->nports + 2 >= NMA_BDG_MAXPORTS)
		return ENOMEM;
	uv_mutex_lock(uv_bdg_lock(uvd.k, b));
	cand = b->port_index[b->nports];
	b->ports[cand] = (uint32_t)uv_port_index(p);
	b->nports++;
	if (second) {
		p->bdg2 = (int32_t)(b - uvd.k->bridges);
		p->bdg2_port = cand;
	} else {
		p->bdg = (int32_t)(b - uvd.k->bridges);
		p->bdg_port = cand;
	}
	uv_mutex_unlock(uv_bdg_lock(uvd.k, b));
	return 0;
}

void uv_bdg_detach(struct uv_port *p, int second)
{
	int32_t bi = second ? p->bdg2 : p->bdg;
	uint32_t hw = second ? p->bdg2_port : p->bdg_port;
	struct uv_bridge *b;

	if (bi < 0)
		return;
	b = &uvd.k->bridges[bi];
	uv_mutex_lock(uv_bdg_lock(uvd.k, b));
	for (uint32_t j = 0; j < b->nports; j++) {
		if (b->port_index[j] == hw) {
			b->nports--;
			b->port_index[j] = b->port_index[b->nports];
			b->port_index[b->nports] = hw;
			break;
		}
	}
	b->ports[hw] = UV_NOPORT;
	if (b->nports == 0 && !b->kernel_owned) {
		b->active = 0;
		memset(b->ht, 0, sizeof(b->ht));
	}
	if (second)
		p->bdg2 = -1;
	else
		p->bdg = -1;
	uv_mutex_unlock(uv_bdg_lock(uvd.k, b));
}

/* ---- ports ------------------------------------------------------------------ */

struct uv_port *uv_port_new(void)
{
	for (int i = 0; i < UV_MAX_PORTS; i++) {
		struct uv_port *p = &uvd.k->ports[i];

		if (p->kind == UV_KIND_FREE) {
			uint32_t gen = p->gen + 1;

			memset(p, 0, offsetof(struct uv_port, kr));
			p->gen = gen;
			p->bdg = p->bdg2 = -1;
			p->mfs = NMA_BDG_MFS_DEFAULT;
			p->last_smac = ~0ull;
			p->parent = p->peer = UV_NOPORT;
			return p;
		}
	}
	return NULL;
}

struct uv_port *uv_find_persistent(const char *ifname)
{
	for (int i = 0; i < UV_MAX_PORTS; i++) {
		struct uv_port *p = &uvd.k->ports[i];

		if (p->kind == UV_KIND_PERSIST && strcmp(p->ifname, ifname) == 0)
			return p;
	}
	return NULL;
}

static uint32_t bound(uint32_t v, uint32_t dflt, uint32_t lo, uint32_t hi)
{
	if (v == 0)
		v = dflt;
	if (v < lo)
		v = lo;
	if (v > hi)
		v = hi;
	return v;
}

/* netmap_vale_vp_create: an unattached VALE port */
int uv_vp_create(struct uv_req *r, struct nma_req_register *reg, const char *name,
		 struct uv_alloc *nmd, int kind, struct uv_port **out)
{
	struct uv_port *p = uv_port_new();
	struct uv_params prm[UV_POOLS];
	uint32_t ai;
	int err;

	if (p == NULL) {
		uv_say(r, "uvale port table full (%d ports)", UV_MAX_PORTS);
		return ENOMEM;
	}
	p->ntx = reg->nr_tx_rings = (uint16_t)bound(reg->nr_tx_rings, 1, 1, UV_MAX_RINGS);
	p->nrx = reg->nr_rx_rings = (uint16_t)bound(reg->nr_rx_rings, 1, 1, UV_MAX_RINGS);
	p->ntx_desc = reg->nr_tx_slots =
		bound(reg->nr_tx_slots, NMA_BRIDGE_RINGSIZE, 1, NMA_BDG_MAXSLOTS);
	p->nrx_desc = reg->nr_rx_slots =
		bound(reg->nr_rx_slots, NMA_BRIDGE_RINGSIZE, 1, NMA_BDG_MAXSLOTS);
	if (reg->nr_extra_bufs > 128 * NMA_BDG_MAXSLOTS)
		reg->nr_extra_bufs = 128 * NMA_BDG_MAXSLOTS;
	if (nmd != NULL) {
		ai = (uint32_t)(nmd - uvd.k->allocs);
	} else {
		uv_params_private(prm, p->ntx, p->ntx_desc, p->nrx, p->nrx_desc,
				  reg->nr_extra_bufs, 2);
		err = uv_alloc_new(uvd.k, prm, &ai);
		if (err) {
			uv_say(r, "cannot size a memory allocator for %s", name);
			return err;
		}
	}
	uvd.k->allocs[ai].refs++;
	p->alloc = ai;
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->kind = (uint32_t)kind;
	*out = p;
	return 0;
}

static void krings_create(struct uv_port *p)
{
	for (int d = UV_TX; d <= UV_RX; d++) {
		uint32_t n = (d == UV_TX ? p->ntx : p->nrx) + 1;
		uint32_t desc = d == UV_TX ? p->ntx_desc : p->nrx_desc;

		for (uint32_t i = 0; i < n; i++) {
			struct uv_kring *kr = &p->kr[d][i];
			uint32_t tail = d == UV_TX ? desc - 1 : 0;

			memset(kr, 0, sizeof(*kr));
			kr->mon_copy = kr->mon_zcopy = UV_NOKREF;
			kr->mon_next[0] = kr->mon_next[1] = UV_NOKREF;
			kr->mon_parent[0] = kr->mon_parent[1] = UV_NOKREF;
			uv_mutex_init(&kr->mlock);
			kr->num_slots = desc;
			kr->ring_id = i;
			atomic_store(&kr->hwtail, tail);
			kr->rtail = tail;
			atomic_store(&kr->pipe_tail, tail);
			kr->peer_port = kr->peer_ring = UV_NOPORT;
		}
	}
	p->krings_ok = 1;
}

static void krings_delete(struct uv_port *p)
{
	struct uv_alloc *a = &uvd.k->allocs[p->alloc];

	uv_mon_port_stop(p);
	for (int d = UV_TX; d <= UV_RX; d++)
		for (int i = 0; i < UV_KRINGS; i++) {
			if (a->base)
				uv_ring_delete(uvd.region, a, &p->kr[d][i]);
			memset(&p->kr[d][i], 0, sizeof(p->kr[d][i]));
		}
	p->krings_ok = 0;
}

/* free a pipe pair: buffers may appear in both rings of a pair */
static void pipe_pair_free(struct uv_port *m)
{
	struct uv_port *s = &uvd.k->ports[m->peer];
	struct uv_alloc *a = &uvd.k->allocs[m->alloc];

	for (int e = 0; e < 2; e++) {
		struct uv_port *p = e ? s : m;

		for (int d = UV_TX; d <= UV_RX; d++)
			for (int i = 0; i < UV_KRINGS; i++) {
				struct uv_kring *kr = &p->kr[d][i];
				struct nma_ring *ring = a->base ? uv_kring_ring(uvd.region, a, kr) : NULL;

				if (ring) {
					for (uint32_t j = 0; j < kr->num_slots; j++)
						if (ring->slot[j].buf_idx > 1)
							uv_obj_free(uvd.region, a, UV_BUF_POOL,
								    ring->slot[j].buf_idx);
					kr->flags |= UV_KR_FAKERING;
				}
			}
	}
	krings_delete(m);
	krings_delete(s);
}

static void port_free(struct uv_port *p)
{
	if (p->kind == UV_KIND_AFPACKET)
		uv_ifnet_forget(p); /* its pumps stop before its rings go */
	uv_bdg_detach(p, 1);
	uv_bdg_detach(p, 0);
	if (p->krings_ok)
		krings_delete(p);
	uv_alloc_put(uvd.k, uvd.memfd, &uvd.k->allocs[p->alloc]);
	p->kind = UV_KIND_FREE;
}

/* drop a port nobody uses any more (netmap_adapter_put on the last ref) */
void uv_port_put(struct uv_port *p)
{
	if (p == NULL || p->kind == UV_KIND_FREE)
		return;
	if (p->kind == UV_KIND_PIPE) {
		struct uv_port *q = &uvd.k->ports[p->peer];
		struct uv_port *m = p->pipe_master ? p : q;
		struct uv_port *parent;

		if (p->active_fds || q->active_fds)
			return;
		parent = &uvd.k->ports[m->parent];
		if (m->krings_ok || q->krings_ok)
			pipe_pair_free(m);
		uv_alloc_put(uvd.k, uvd.memfd, &uvd.k->allocs[p->alloc]);
		uv_alloc_put(uvd.k, uvd.memfd, &uvd.k->allocs[q->alloc]);
		p->kind = q->kind = UV_KIND_FREE;
		if (parent->npipes)
			parent->npipes--;
		uv_port_put(parent);
		return;
	}
	if (p->active_fds || p->npipes || p->refs)
		return;
	if (p->kind == UV_KIND_MONITOR) {
		struct uv_port *pp = p->parent != UV_NOPORT ? &uvd.k->ports[p->parent] : NULL;
		int live = pp && pp->kind != UV_KIND_FREE && pp->gen == p->parent_gen;

		port_free(p);
		if (live) {
			pp->refs--;
			uv_port_put(pp);
		}
		return;
	}
	if (p->kind == UV_KIND_VALE || (p->kind == UV_KIND_PERSIST && p->autodelete) ||
	    (p->kind == UV_KIND_AFPACKET && p->bdg < 0))
		port_free(p);
}

/* ---- name lookup (netmap_get_na) -------------------------------------------------- */

static int get_vale(struct uv_req *r, struct nma_req_register *reg, struct uv_alloc *nmd,
		    const char *name, int create, struct uv_port **out)
{
	struct uv_bridge *b;
	struct uv_port *p, *hw;
	int err;

	b = uv_find_bridge(name, create, &err);
	if (b == NULL) {
		uv_say(r, "%s: invalid or unavailable VALE switch name (bridge part: letters, "
			  "digits, '_'; port part at most %d characters)", name, UV_IFNAMSIZ - 1);
		return err;
	}
	p = uv_find_bdg_port(b, name);
	if (p != NULL) {
		*out = p;
		return 0;
	}
	if (!create)
		return ENXIO;
	if (b->nports + 2 >= NMA_BDG_MAXPORTS) {
		uv_say(r, "VALE switch %s is full (%d ports)", b->name, NMA_BDG_MAXPORTS);
		return ENOMEM;
	}
	hw = uv_find_persistent(name + b->namelen + 1);
	if (hw == NULL && r->hdr.nr_reqtype == NMA_REQ_VALE_ATTACH) {
		/* a Linux interface (vale-ctl -a valeX:IFNAME) */
		err = uv_ifnet_lookup(r, name + b->namelen + 1, 1, &hw);
		if (err) {
			uv_say(r, "%s: no such interface to attach", name);
			return EINVAL;
		}
		if (hw->bdg >= 0) {
			uv_say(r, "%s is already attached to %s", hw->ifname,
			       uvd.k->bridges[hw->bdg].name);
			return EBUSY;
		}
	}
	if (hw == NULL) {
		if (r->hdr.nr_reqtype != NMA_REQ_REGISTER) {
			uv_say(r, "%s: no such interface to attach", name);
			return EINVAL;
		}
		err = uv_vp_create(r, reg, name, nmd, UV_KIND_VALE, &p);
		if (err)
			return err;
		err = uv_bdg_attach(b, p, 0);
		if (err) {
			uv_port_put(p);
			return err;
		}
		*out = p;
		return 0;
	}
	switch (r->hdr.nr_reqtype) {
	case NMA_REQ_VALE_ATTACH:
	case NMA_REQ_VALE_DETACH:
	case NMA_REQ_VALE_POLLING_ENABLE:
	case NMA_REQ_VALE_POLLING_DISABLE:
		break;
	default:
		uv_say(r, "%s: the switch:interface form is only valid to attach or detach", name);
		return EINVAL;
	}
	if (hw->bdg < 0) {
		err = uv_bdg_attach(b, hw, 0);
		if (err) {
			uv_port_put(hw);
			return err;
		}
		snprintf(hw->name, sizeof(hw->name), "%s", name);
	} else if (hw->bdg2 < 0) {
		err = uv_bdg_attach(b, hw, 1); /* through a bwrap */
		if (err)
			return err;
	} else {
		uv_say(r, "%s is already attached to two switches", hw->ifname);
		return EBUSY;
	}
	*out = hw;
	return 0;
}

static int get_na_name(struct uv_req *r, struct nma_req_register *reg, struct uv_alloc *nmd,
		       const char *name, int create, struct uv_port **out);

static struct uv_port *pipe_find(const struct uv_port *parent, const char *id, int master)
{
	char n[UV_NAMSIZ * 2];

	snprintf(n, sizeof(n), "%s%c%s", parent->name, master ? '{' : '}', id);
	for (int i = 0; i < UV_MAX_PORTS; i++) {
		struct uv_port *p = &uvd.k->ports[i];

		if (p->kind == UV_KIND_PIPE && &uvd.k->ports[p->parent] == parent &&
		    strncmp(p->name, n, UV_NAMSIZ - 1) == 0)
			return p;
	}
	return NULL;
}

/* netmap_get_pipe_na */
static int get_pipe(struct uv_req *r, struct nma_req_register *reg, struct uv_alloc *nmd,
		    const char *name, int create, struct uv_port **out)
{
	const char *cbra = strrchr(name, '{'), *id;
	char pname[UV_NAMSIZ];
	struct uv_port *parent = NULL, *m, *s;
	int master = 1, err;

	if (cbra == NULL) {
		cbra = strrchr(name, '}');
		master = 0;
	}
	id = cbra + 1;
	if (*id == '\0' || cbra == name) {
		uv_say(r, "%s: a pipe name needs a parent before and an id after the bracket", name);
		return EINVAL;
	}
	if (reg->nr_mode != NMA_REG_ALL_NIC && reg->nr_mode != NMA_REG_ONE_NIC) {
		uv_say(r, "%s: pipes only accept NR_REG_ALL_NIC or NR_REG_ONE_NIC", name);
		return EINVAL;
	}
	snprintf(pname, sizeof(pname), "%.*s", (int)(cbra - name), name);
	for (int retries = 0;; retries++) {
		struct nma_req_register preg = *reg;
		struct uv_port *tmp;

		err = get_na_name(r, &preg, nmd, pname, create, &parent);
		if (!err)
			break;
		if (err != ENXIO || retries)
			return err;
		/* like netmap: a missing parent becomes an autodelete persistent port */
		memset(&preg, 0, sizeof(preg));
		if (uv_vi_create(r, pname, &preg, 1, &tmp) == EOPNOTSUPP)
			return err;
	}
	if (parent->bdg2 >= 0) {
		uv_say(r, "%s is owned by a switch (bwrap)", parent->ifname);
		return EBUSY;
	}
	m = pipe_find(parent, id, 1);
	if (m != NULL) {
		*out = master ? m : &uvd.k->ports[m->peer];
		return 0;
	}
	if (!create) {
		uv_port_put(parent);
		return ENODEV;
	}
	if (parent->npipes >= UV_MAX_PIPES) {
		uv_say(r, "%s: too many pipes (%d)", parent->name, UV_MAX_PIPES);
		uv_port_put(parent);
		return ENOMEM;
	}
	m = uv_port_new();
	if (m == NULL) {
		uv_port_put(parent);
		return ENOMEM;
	}
	m->kind = UV_KIND_PIPE;
	s = uv_port_new();
	if (s == NULL) {
		m->kind = UV_KIND_FREE;
		uv_port_put(parent);
		return ENOMEM;
	}
	uv_strf(m->name, sizeof(m->name), "%s{%s", parent->name, id);
	m->ntx = bound(reg->nr_tx_rings, 1, 1, UV_MAX_RINGS);
	m->nrx = bound(reg->nr_rx_rings, 1, 1, UV_MAX_RINGS);
	m->ntx_desc = bound(reg->nr_tx_slots, parent->ntx_desc, 1, UV_PIPE_MAXSLOTS);
	m->nrx_desc = bound(reg->nr_rx_slots, parent->nrx_desc, 1, UV_PIPE_MAXSLOTS);
	m->alloc = parent->alloc;
	m->parent = (uint32_t)uv_port_index(parent);
	m->pipe_master = 1;
	m->peer_ref = master;
	s->kind = UV_KIND_PIPE;
	uv_strf(s->name, sizeof(s->name), "%s}%s", parent->name, id);
	s->ntx = m->nrx;
	s->nrx = m->ntx;
	s->ntx_desc = m->nrx_desc;
	s->nrx_desc = m->ntx_desc;
	s->alloc = parent->alloc;
	s->parent = m->parent;
	s->peer_ref = !master;
	m->peer = (uint32_t)uv_port_index(s);
	s->peer = (uint32_t)uv_port_index(m);
	uvd.k->allocs[parent->alloc].refs += 2;
	parent->npipes++;
	*out = master ? m : s;
	return 0;
}

static int get_na_name(struct uv_req *r, struct nma_req_register *reg, struct uv_alloc *nmd,
		       const char *name, int create, struct uv_port **out)
{
	struct uv_port *p;

	*out = NULL;
	if (reg->nr_mode == NMA_REG_PIPE_MASTER || reg->nr_mode == NMA_REG_PIPE_SLAVE) {
		uv_say(r, "deprecated pipe nr_mode: use the x{N / x}N names");
		return EINVAL;
	}
	if (reg->nr_flags & (NMA_MONITOR_TX | NMA_MONITOR_RX | NMA_ZCOPY_MON))
		return uv_mon_get_na(r, reg, nmd, name, create, out, get_na_name);
	if (strchr(name, '{') || strchr(name, '}'))
		return get_pipe(r, reg, nmd, name, create, out);
	if (uv_name_is_vale(name))
		return get_vale(r, reg, nmd, name, create, out);
	p = uv_find_persistent(name);
	if (p == NULL)
		return uv_ifnet_lookup(r, name, create, out); /* a Linux interface? */
	*out = p;
	return 0;
}

int uv_get_na(struct uv_req *r, struct nma_req_register *reg, struct uv_alloc *nmd,
	      int create, struct uv_port **out)
{
	return get_na_name(r, reg, nmd, r->hdr.nr_name, create, out);
}

/* ---- registration ------------------------------------------------------------ */

static int interp_ringid(struct uv_req *r, struct uv_port *p, const struct nma_req_register *reg,
			 uint16_t qf[2], uint16_t ql[2])
{
	for (int t = UV_TX; t <= UV_RX; t++) {
		uint32_t n = t == UV_TX ? p->ntx : p->nrx, j;

		if (reg->nr_flags & (t == UV_TX ? NMA_RX_RINGS_ONLY : NMA_TX_RINGS_ONLY)) {
			qf[t] = ql[t] = 0;
			continue;
		}
		switch (reg->nr_mode) {
		case NMA_REG_ALL_NIC:
		case NMA_REG_NULL:
			qf[t] = 0;
			ql[t] = (uint16_t)n;
			break;
		case NMA_REG_SW:
		case NMA_REG_NIC_SW:
		case NMA_REG_ONE_SW: {
			uint32_t nh = t == UV_TX ? p->nhost_tx : p->nhost_rx;

			if (nh == 0) {
				uv_say(r, "%s: no host rings (only Linux interfaces have them)",
				       p->name);
				return EINVAL;
			}
			if (reg->nr_mode == NMA_REG_ONE_SW && reg->nr_ringid >= nh) {
				uv_say(r, "%s: invalid host ring id %u (%u host rings)", p->name,
				       reg->nr_ringid, nh);
				return EINVAL;
			}
			qf[t] = (uint16_t)(reg->nr_mode == NMA_REG_NIC_SW ? 0 : n);
			ql[t] = (uint16_t)(n + nh);
			if (reg->nr_mode == NMA_REG_ONE_SW) {
				qf[t] = (uint16_t)(n + reg->nr_ringid);
				ql[t] = (uint16_t)(qf[t] + 1);
			}
			break;
		}
		case NMA_REG_ONE_NIC:
			if (reg->nr_ringid >= p->ntx && reg->nr_ringid >= p->nrx) {
				uv_say(r, "%s: invalid ring id %u (%u tx, %u rx rings)", p->name,
				       reg->nr_ringid, p->ntx, p->nrx);
				return EINVAL;
			}
			j = reg->nr_ringid < n ? reg->nr_ringid : 0;
			qf[t] = (uint16_t)j;
			ql[t] = (uint16_t)(j + 1);
			break;
		default:
			uv_say(r, "invalid nr_mode %u", reg->nr_mode);
			return EINVAL;
		}
	}
	return 0;
}

#define FOREACH_SEL(c, t, i) \
	for (int t = UV_RX; t >= UV_TX; t--) \
		for (uint32_t i = (c)->qfirst[t]; i < (c)->qlast[t]; i++)

static int krings_get(struct uv_req *r, struct uv_conn *c, struct uv_port *p)
{
	int excl = !!(c->flags & NMA_EXCLUSIVE);

	FOREACH_SEL(c, t, i) {
		struct uv_kring *kr = &p->kr[t][i];

		if ((kr->flags & UV_KR_EXCLUSIVE) || (kr->users && excl)) {
			uv_say(r, "%s: ring %s%u is %s", p->name, t == UV_TX ? "tx" : "rx", i,
			       (kr->flags & UV_KR_EXCLUSIVE) ? "held exclusively by another open"
							      : "in use (exclusive open refused)");
			return EBUSY;
		}
	}
	FOREACH_SEL(c, t, i) {
		p->kr[t][i].users++;
		if (excl)
			p->kr[t][i].flags |= UV_KR_EXCLUSIVE;
	}
	return 0;
}

static void krings_put(struct uv_conn *c, struct uv_port *p)
{
	FOREACH_SEL(c, t, i) {
		if (c->flags & NMA_EXCLUSIVE)
			p->kr[t][i].flags &= ~UV_KR_EXCLUSIVE;
		p->kr[t][i].users--;
	}
}

/* netmap_mem_rings_create: rings in use or needed, rx first as netmap */
static int rings_create(struct uv_port *p)
{
	struct uv_alloc *a = &uvd.k->allocs[p->alloc];

	for (int t = UV_RX; t >= UV_TX; t--) {
		uint32_t n = (t == UV_TX ? p->ntx : p->nrx) + 1;

		for (uint32_t i = 0; i < n; i++) {
			struct uv_kring *kr = &p->kr[t][i];

			if (kr->ring_ofs || !(kr->users || (kr->flags & UV_KR_NEEDRING)))
				continue;
			if (uv_ring_create(uvd.region, a, kr, t))
				return ENOMEM;
		}
	}
	return 0;
}

static void rings_delete(struct uv_port *p)
{
	struct uv_alloc *a = &uvd.k->allocs[p->alloc];

	for (int t = UV_RX; t >= UV_TX; t--)
		for (uint32_t i = 0; i < UV_KRINGS; i++) {
			struct uv_kring *kr = &p->kr[t][i];

			if (kr->ring_ofs && kr->users == 0 && !(kr->flags & UV_KR_NEEDRING))
				uv_ring_delete(uvd.region, a, kr);
		}
}

/* netmap_offsets_init */
static int offsets_init(struct uv_req *r, struct uv_conn *c, struct uv_port *p)
{
	struct uv_opt *o = uv_getopt(r, NMA_REQ_OPT_OFFSETS);
	struct nma_req_opt_offsets *op;
	struct uv_alloc *a = &uvd.k->allocs[p->alloc];
	uint64_t mask, bits, maxoff, initial, gap;
	int err = 0;

	if (o == NULL)
		return 0;
	op = (struct nma_req_opt_offsets *)(void *)o->h;
	if (p->kind == UV_KIND_MONITOR && (p->mon_flags & NMA_ZCOPY_MON)) {
		uv_say(r, "%s: zero-copy monitors do not support offsets", p->name);
		err = EOPNOTSUPP;
		goto out;
	}
	maxoff = op->nro_max_offset;
	gap = op->nro_min_gap;
	initial = op->nro_initial_offset;
	bits = op->nro_offset_bits;
	if (bits > 64) {
		uv_say(r, "offsets: nro_offset_bits %llu > 64", (unsigned long long)bits);
		err = EINVAL;
		goto out;
	}
	mask = (bits == 0 || bits == 64) ? ~0ull : (1ull << bits) - 1;
	if (maxoff > a->pool[UV_BUF_POOL].objsize) {
		uv_say(r, "offsets: nro_max_offset %llu > buffer size %u",
		       (unsigned long long)maxoff, a->pool[UV_BUF_POOL].objsize);
		err = EINVAL;
		goto out;
	}
	if ((maxoff & mask) != maxoff) {
		uv_say(r, "offsets: nro_max_offset %llu does not fit in %llu bits",
		       (unsigned long long)maxoff, (unsigned long long)bits);
		err = EINVAL;
		goto out;
	}
	if (initial > maxoff) {
		uv_say(r, "offsets: nro_initial_offset %llu > nro_max_offset %llu",
		       (unsigned long long)initial, (unsigned long long)maxoff);
		err = EINVAL;
		goto out;
	}
	FOREACH_SEL(c, t, i) {
		struct uv_kring *kr = &p->kr[t][i];
		struct nma_ring *ring = uv_kring_ring(uvd.region, a, kr);

		if (kr->offset_mask) {
			if ((kr->offset_mask & mask) != mask || kr->offset_max < maxoff) {
				uv_say(r, "offsets: ring %s%u already uses mask %#llx max %llu",
				       t == UV_TX ? "tx" : "rx", i,
				       (unsigned long long)kr->offset_mask,
				       (unsigned long long)kr->offset_max);
				err = EBUSY;
				goto out;
			}
			mask = kr->offset_mask;
			maxoff = kr->offset_max;
		} else {
			kr->offset_mask = mask;
			ring->offset_mask = mask;
			kr->offset_max = maxoff;
			kr->offset_gap = gap;
		}
		if (!initial || kr->users > 1)
			continue;
		for (uint32_t j = 0; j < kr->num_slots; j++)
			ring->slot[j].ptr = (ring->slot[j].ptr & ~mask) | (initial & mask);
	}
out:
	op->nro_opt.nro_status = (uint32_t)err;
	if (!err)
		op->nro_max_offset = maxoff;
	return err;
}

static void compute_buf_len(struct uv_conn *c, struct uv_port *p)
{
	uint32_t bs = uvd.k->allocs[p->alloc].pool[UV_BUF_POOL].objsize;

	FOREACH_SEL(c, t, i) {
		struct uv_kring *kr = &p->kr[t][i];
		uint64_t gap = kr->offset_gap ? kr->offset_gap : bs;

		if (kr->users > 1)
			continue;
		kr->hwbuf_len = bs - kr->offset_max < gap ? bs - kr->offset_max : gap;
	}
}

/* netmap_pipe_krings_create_both: link every ring with the peer's */
static void pipe_krings_create(struct uv_port *p)
{
	struct uv_port *q = &uvd.k->ports[p->peer];

	krings_create(p);
	krings_create(q);
	for (int t = UV_TX; t <= UV_RX; t++) {
		uint32_t n = t == UV_TX ? p->ntx : p->nrx;

		for (uint32_t i = 0; i < n; i++) {
			struct uv_kring *k1 = &p->kr[t][i], *k2 = &q->kr[1 - t][i];

			k1->peer_port = (uint32_t)uv_port_index(q);
			k1->peer_ring = i;
			k2->peer_port = (uint32_t)uv_port_index(p);
			k2->peer_ring = i;
			k2->flags |= UV_KR_FAKERING;
		}
	}
}

/* netmap_pipe_reg_both */
static int pipe_reg(struct uv_conn *c, struct uv_port *p)
{
	struct uv_port *q = &uvd.k->ports[p->peer];
	struct uv_alloc *a = &uvd.k->allocs[p->alloc];
	int err;

	FOREACH_SEL(c, t, i) {
		struct uv_kring *kr = &p->kr[t][i];

		if (kr->users == 1 && i < (t == UV_TX ? p->ntx : p->nrx))
			q->kr[1 - t][i].flags |= UV_KR_NEEDRING;
	}
	err = rings_create(q);
	if (err)
		return err;
	FOREACH_SEL(c, t, i) {
		struct uv_kring *kr = &p->kr[t][i], *pk = &q->kr[1 - t][i];
		struct nma_ring *ring, *pring;

		if (kr->users != 1 || i >= (t == UV_TX ? p->ntx : p->nrx))
			continue;
		if ((kr->flags & UV_KR_FAKERING) && (pk->flags & UV_KR_FAKERING))
			continue;
		ring = uv_kring_ring(uvd.region, a, kr);
		pring = uv_kring_ring(uvd.region, a, pk);
		memcpy(pring->slot, ring->slot, sizeof(struct nma_slot) * kr->num_slots);
		pring->offset_mask = ring->offset_mask;
		pring->buf_align = ring->buf_align;
		pk->offset_mask = kr->offset_mask;
		pk->offset_max = kr->offset_max;
		kr->flags |= UV_KR_FAKERING | UV_KR_NEEDRING;
	}
	return 0;
}

void uv_fill_binding(const struct uv_conn *c, struct uv_binding *b)
{
	const struct uv_port *p = &uvd.k->ports[c->port];
	const struct uv_alloc *a = &uvd.k->allocs[p->alloc];

	memset(b, 0, sizeof(*b));
	b->region_id = uvd.k->region_id;
	b->alloc_base = a->base;
	b->memsize = a->memsize;
	b->nifp_ofs = c->nifp_ofs;
	b->flags = c->flags;
	b->port = c->port;
	b->gen = c->gen;
	b->kind = p->kind;
	for (int t = 0; t < 2; t++) {
		b->qfirst[t] = c->qfirst[t];
		b->qlast[t] = c->qlast[t];
	}
}

static void lock_port_bridge(struct uv_port *p)
{
	if (port_bridge(p))
		uv_mutex_lock(uv_bdg_lock(uvd.k, port_bridge(p)));
}

static void unlock_port_bridge(struct uv_port *p)
{
	if (port_bridge(p))
		uv_mutex_unlock(uv_bdg_lock(uvd.k, port_bridge(p)));
}

/* netmap_do_regif */
int uv_do_regif(struct uv_req *r, struct uv_conn *c, struct uv_port *p,
		struct nma_req_register *reg)
{
	struct uv_alloc *a = &uvd.k->allocs[p->alloc];
	uint16_t qf[2], ql[2];
	int err;

	err = uv_alloc_finalize(uvd.k, uvd.region, a);
	if (err) {
		uv_say(r, "uvale region full: cannot place the memory of %s", p->name);
		return err;
	}
	err = interp_ringid(r, p, reg, qf, ql);
	if (err)
		return err;
	c->flags = reg->nr_flags;
	for (int t = 0; t < 2; t++) {
		c->qfirst[t] = qf[t];
		c->qlast[t] = ql[t];
	}
	uv_ifnet_lock(p);
	lock_port_bridge(p);
	if (!p->krings_ok) {
		if (p->kind == UV_KIND_PIPE)
			pipe_krings_create(p);
		else
			krings_create(p);
	}
	err = krings_get(r, c, p);
	if (err)
		goto out_del_krings;
	err = rings_create(p);
	if (err) {
		uv_say(r, "%s: out of ring or buffer memory", p->name);
		goto out_put;
	}
	err = offsets_init(r, c, p);
	if (err)
		goto out_put;
	compute_buf_len(c, p);
	err = uv_nifp_new(uvd.region, a, p, qf, ql, &c->nifp_ofs);
	if (err) {
		uv_say(r, "%s: no free netmap_if (too many opens of this memory)", p->name);
		goto out_put;
	}
	if (p->kind == UV_KIND_PIPE)
		err = pipe_reg(c, p);
	else if (p->kind == UV_KIND_MONITOR)
		err = uv_mon_reg(r, c, p);
	if (err) {
		uv_nifp_delete(uvd.region, a, c->nifp_ofs);
		goto out_put;
	}
	p->active_fds++;
	uv_alloc_active(uvd.region, a, 1);
	c->bound = 1;
	c->port = (uint32_t)uv_port_index(p);
	c->gen = p->gen;
	unlock_port_bridge(p);
	uv_ifnet_unlock(p);
	return 0;
out_put:
	krings_put(c, p);
	if (p->kind == UV_KIND_MONITOR)
		uv_mon_unreg(c, p);
	rings_delete(p);
out_del_krings:
	if (p->active_fds == 0 && p->kind != UV_KIND_PIPE)
		krings_delete(p);
	unlock_port_bridge(p);
	uv_ifnet_unlock(p);
	return err;
}

/* netmap_do_unregif + the adapter put */
void uv_do_unregif(struct uv_conn *c)
{
	struct uv_port *p;
	struct uv_alloc *a;

	if (!c->bound)
		return;
	c->bound = 0;
	p = &uvd.k->ports[c->port];
	if (p->kind == UV_KIND_FREE || p->gen != c->gen)
		return;
	a = &uvd.k->allocs[p->alloc];
	uv_ifnet_lock(p);
	lock_port_bridge(p);
	krings_put(c, p);
	if (p->kind == UV_KIND_MONITOR)
		uv_mon_unreg(c, p);
	if (p->kind != UV_KIND_PIPE)
		rings_delete(p);
	uv_nifp_delete(uvd.region, a, c->nifp_ofs);
	p->active_fds--;
	uv_alloc_active(uvd.region, a, -1);
	if (p->active_fds == 0)
		uv_mon_port_stop(p); /* netmap_monitor_stop: p leaves netmap mode */
	if (p->active_fds == 0 && p->kind != UV_KIND_PIPE)
		krings_delete(p);
	unlock_port_bridge(p);
	uv_ifnet_unlock(p);
	uv_port_put(p);
}

/* a Linux interface attached to a switch: the switch delivers into its rx
 * ring 0, which the TX pump sends out (the attachment counts as a user) */
int uv_ifnet_bdg_rings(struct uv_port *p, int on)
{
	struct uv_alloc *a = &uvd.k->allocs[p->alloc];
	struct uv_kring *kr;
	int err = 0;

	if (on) {
		err = uv_alloc_finalize(uvd.k, uvd.region, a);
		if (err)
			return err;
	}
	uv_ifnet_lock(p);
	lock_port_bridge(p);
	if (on) {
		if (!p->krings_ok)
			krings_create(p);
		kr = &p->kr[UV_RX][0];
		kr->users++;
		err = rings_create(p);
		if (err) {
			kr->users--;
			rings_delete(p);
			krings_delete(p);
		} else {
			uv_alloc_active(uvd.region, a, 1);
		}
	} else if (p->krings_ok) {
		p->kr[UV_RX][0].users--;
		rings_delete(p);
		krings_delete(p);
		uv_alloc_active(uvd.region, a, -1);
	}
	unlock_port_bridge(p);
	uv_ifnet_unlock(p);
	return err;
}

/* clear the busy marks of krings whose syncing process died */
void uv_reap_busy(void)
{
	for (int i = 0; i < UV_MAX_PORTS; i++) {
		struct uv_port *p = &uvd.k->ports[i];

		if (p->kind == UV_KIND_FREE)
			continue;
		for (int t = 0; t < 2; t++)
			for (int j = 0; j < UV_KRINGS; j++) {
				uint32_t pid = atomic_load(&p->kr[t][j].busy);

				if (pid && kill((pid_t)pid, 0) < 0 && errno == ESRCH)
					atomic_compare_exchange_strong(&p->kr[t][j].busy, &pid, 0);
			}
	}
}
