/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvaled: the NIOCCTRL request types, each with netmap's checks and errnos
 * (reference §5.5, §5.6). The request arrives already copied in by the
 * library (body and options in daemon memory, option statuses set to
 * EOPNOTSUPP); the reply is copied out by the library with netmap's rules.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "uvale_daemon.h"
#include "uvale_mem.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

static int info_from_port(struct uv_port *p, struct nma_req_register *reg)
{
	struct uv_alloc *a = &uvd.k->allocs[p->alloc];

	reg->nr_rx_rings = (uint16_t)p->nrx;
	reg->nr_tx_rings = (uint16_t)p->ntx;
	reg->nr_rx_slots = p->nrx_desc;
	reg->nr_tx_slots = p->ntx_desc;
	reg->nr_memsize = a->memsize;
	reg->nr_mem_id = a->mem_id;
	return 0;
}

static int find_memid(struct uv_req *r, uint16_t id, struct uv_alloc **out)
{
	*out = NULL;
	if (id == 0)
		return 0;
	*out = uv_alloc_find(uvd.k, id);
	if (*out == NULL) {
		uv_say(r, "no memory allocator with mem_id %u", id);
		return EINVAL;
	}
	return 0;
}

/* netmap_vi_create */
int uv_vi_create(struct uv_req *r, const char *name, struct nma_req_register *reg,
		 int autodelete, struct uv_port **out)
{
	struct uv_alloc *nmd;
	struct uv_port *p;
	int err;

	if (strncmp(name, NMA_BDG_NAME, strlen(NMA_BDG_NAME)) == 0) {
		uv_say(r, "%s: a persistent port name must not start with \"vale\"", name);
		return EINVAL;
	}
	if (strlen(name) >= UV_IFNAMSIZ) {
		uv_say(r, "%s: a persistent port name has at most %d characters", name,
		       UV_IFNAMSIZ - 1);
		return EINVAL;
	}
	p = uv_find_persistent(name);
	if (p != NULL) {
		info_from_port(p, reg);
		uv_say(r, "%s already exists", name);
		return EEXIST;
	}
	if (if_nametoindex(name) != 0) {
		uv_say(r, "%s is the name of a host interface", name);
		return EEXIST;
	}
	err = find_memid(r, reg->nr_mem_id, &nmd);
	if (err)
		return err;
	err = uv_vp_create(r, reg, name, nmd, UV_KIND_PERSIST, &p);
	if (err)
		return err;
	snprintf(p->ifname, sizeof(p->ifname), "%s", name);
	p->persistent = 1;
	p->autodelete = (uint32_t)autodelete;
	info_from_port(p, reg);
	if (!autodelete)
		uvd.dirty = 1;
	*out = p;
	return 0;
}

static int do_register(struct uv_req *r, struct uv_conn *c)
{
	struct nma_req_register *reg = (struct nma_req_register *)(void *)r->body;
	struct uv_alloc *nmd;
	struct uv_port *p;
	struct uv_opt *o;
	struct uv_alloc *a;
	int err;

	if (c->bound) {
		uv_say(r, "this handle is already registered (open a new one)");
		return EBUSY;
	}
	err = find_memid(r, reg->nr_mem_id, &nmd);
	if (err)
		return err;
	err = uv_get_na(r, reg, nmd, 1, &p);
	if (err)
		return err;
	if (p->bdg2 >= 0) {
		uv_say(r, "%s is owned by a switch (attached to two bridges)", p->name);
		uv_port_put(p);
		return EBUSY;
	}
	if (p->kind == UV_KIND_AFPACKET) {
		/* a NIC attached to a switch belongs to it (NAF_BUSY) */
		err = p->bdg >= 0 ? EBUSY : uv_ifnet_start(r, p);
		if (p->bdg >= 0)
			uv_say(r, "%s is attached to switch %s: detach it first", p->ifname,
			       uvd.k->bridges[p->bdg].name);
		if (err) {
			uv_port_put(p);
			return err;
		}
	}
	if (p->virt_hdr_len && !(reg->nr_flags & NMA_ACCEPT_VNET_HDR)) {
		uv_say(r, "%s has a %u-byte virtio-net header: set NR_ACCEPT_VNET_HDR", p->name,
		       p->virt_hdr_len);
		uv_port_put(p);
		return EIO;
	}
	err = uv_do_regif(r, c, p, reg);
	if (err) {
		uv_port_put(p);
		return err;
	}
	o = uv_getopt(r, NMA_REQ_OPT_CSB);
	if (o != NULL) {
		o->h->nro_status = EOPNOTSUPP;
		uv_say(r, "CSB mode is not supported by uvale");
		uv_do_unregif(c);
		return EOPNOTSUPP;
	}
	a = &uvd.k->allocs[p->alloc];
	reg->nr_rx_rings = (uint16_t)p->nrx;
	reg->nr_tx_rings = (uint16_t)p->ntx;
	reg->nr_rx_slots = p->nrx_desc;
	reg->nr_tx_slots = p->ntx_desc;
	reg->nr_host_tx_rings = (uint16_t)p->nhost_tx;
	reg->nr_host_rx_rings = (uint16_t)p->nhost_rx;
	reg->nr_memsize = a->memsize;
	reg->nr_mem_id = a->mem_id;
	{
		struct nma_if *nifp = uv_at(uvd.region, a->base + c->nifp_ofs);

		if (reg->nr_extra_bufs)
			reg->nr_extra_bufs = uv_extra_alloc(uvd.region, a, &nifp->ni_bufs_head,
							    reg->nr_extra_bufs);
		else
			nifp->ni_bufs_head = 0;
	}
	reg->nr_offset = c->nifp_ofs;
	for (uint32_t i = 0; i < r->nopts; i++) {
		if (r->opts[i].h->nro_status == EOPNOTSUPP) {
			uv_say(r, "option type %u is not supported", r->opts[i].h->nro_reqtype);
			uv_do_unregif(c);
			return EOPNOTSUPP;
		}
	}
	return 0;
}

static int do_port_info(struct uv_req *r)
{
	struct nma_req_port_info_get *req = (void *)r->body;
	struct uv_alloc *a;
	struct uv_port *p;
	int err;

	if (r->hdr.nr_name[0] == '\0') {
		a = uv_alloc_find(uvd.k, req->nr_mem_id ? req->nr_mem_id : 1);
		if (a == NULL) {
			uv_say(r, "no memory allocator with mem_id %u", req->nr_mem_id);
			return EINVAL;
		}
		req->nr_memsize = a->memsize;
		req->nr_mem_id = a->mem_id;
		return 0;
	} else {
		struct nma_req_register reg = {
			.nr_mode = NMA_REG_ALL_NIC,
			.nr_tx_slots = req->nr_tx_slots,
			.nr_rx_slots = req->nr_rx_slots,
			.nr_tx_rings = req->nr_tx_rings,
			.nr_rx_rings = req->nr_rx_rings,
			.nr_host_tx_rings = req->nr_host_tx_rings,
			.nr_host_rx_rings = req->nr_host_rx_rings,
			.nr_mem_id = req->nr_mem_id,
		};
		uint16_t type = r->hdr.nr_reqtype;

		r->hdr.nr_reqtype = NMA_REQ_REGISTER;
		err = uv_get_na(r, &reg, NULL, 1, &p);
		r->hdr.nr_reqtype = type;
		if (err)
			return err;
	}
	a = &uvd.k->allocs[p->alloc];
	req->nr_memsize = a->memsize;
	req->nr_mem_id = a->mem_id;
	req->nr_rx_rings = (uint16_t)p->nrx;
	req->nr_tx_rings = (uint16_t)p->ntx;
	req->nr_rx_slots = p->nrx_desc;
	req->nr_tx_slots = p->ntx_desc;
	req->nr_host_tx_rings = (uint16_t)p->nhost_tx;
	req->nr_host_rx_rings = (uint16_t)p->nhost_rx;
	uv_port_put(p);
	return 0;
}

static int check_auth(struct uv_req *r)
{
	struct uv_bridge *b = uv_find_bridge(r->hdr.nr_name, 0, NULL);

	if (b && b->kernel_owned) {
		uv_say(r, "switch %s is owned by a kernel module", b->name);
		return EACCES;
	}
	return 0;
}

/* a Linux interface joins the switch: its pumps start moving frames; with
 * NR_REG_NIC_SW (vale-ctl -h) its host stack becomes a second port */
static int attach_ifnet(struct uv_req *r, struct nma_req_vale_attach *req, struct uv_port *p)
{
	int err = 0;

	if (req->reg.nr_ringid != 0 ||
	    (req->reg.nr_mode != NMA_REG_ALL_NIC && req->reg.nr_mode != NMA_REG_NIC_SW)) {
		/* netmap_bwrap_bdg_ctl: all NIC rings, with or without the host rings */
		uv_say(r, "%s: a switch takes all the NIC rings (ALL_NIC) or all NIC and host "
			  "rings (NIC_SW, vale-ctl -h), ring id 0", p->ifname);
		err = EINVAL;
	}
	if (!err)
		err = uv_ifnet_join(r, p, req->reg.nr_mode == NMA_REG_NIC_SW);
	if (err) {
		uv_bdg_detach(p, 0);
		snprintf(p->name, sizeof(p->name), "%s", p->ifname);
		uv_port_put(p);
	}
	return err;
}

/* netmap_bdg_attach */
static int do_attach(struct uv_req *r)
{
	struct nma_req_vale_attach *req = (void *)r->body;
	struct uv_alloc *nmd;
	struct uv_port *p = NULL;
	int err;

	err = check_auth(r);
	if (err)
		return err;
	err = find_memid(r, req->reg.nr_mem_id, &nmd);
	if (err)
		return err;
	if (!uv_name_is_vale(r->hdr.nr_name)) {
		uv_say(r, "%s: attach needs a valeX:port name", r->hdr.nr_name);
		return EINVAL;
	}
	if (uv_get_na(r, &req->reg, nmd, 0, &p) == 0 && p != NULL) {
		uv_say(r, "%s is already attached", r->hdr.nr_name);
		return EBUSY;
	}
	r->msg[0] = '\0';
	err = uv_get_na(r, &req->reg, nmd, 1, &p);
	if (err)
		return err;
	if (p->active_fds) {
		uv_say(r, "%s is open by a user: close it before attaching", p->ifname);
		uv_bdg_detach(p, p->bdg2 >= 0);
		if (p->bdg < 0)
			snprintf(p->name, sizeof(p->name), "%s", p->ifname);
		return EBUSY;
	}
	if (p->kind == UV_KIND_AFPACKET) {
		err = attach_ifnet(r, req, p);
		if (err)
			return err;
	}
	req->port_index = p->bdg2 >= 0 ? p->bdg2_port : p->bdg_port;
	uvd.dirty = 1;
	return 0;
}

/* netmap_bdg_detach */
static int do_detach(struct uv_req *r)
{
	struct nma_req_vale_detach *req = (void *)r->body;
	struct nma_req_register reg = { .nr_mode = NMA_REG_ALL_NIC };
	struct uv_bridge *b;
	struct uv_port *p;
	int err, second;

	err = check_auth(r);
	if (err)
		return err;
	if (!uv_name_is_vale(r->hdr.nr_name)) {
		uv_say(r, "%s: detach needs a valeX:port name", r->hdr.nr_name);
		return EINVAL;
	}
	err = uv_get_na(r, &reg, NULL, 0, &p);
	if (err) {
		uv_say(r, "%s: no such port on that switch", r->hdr.nr_name);
		return err;
	}
	b = uv_find_bridge(r->hdr.nr_name, 0, NULL);
	second = p->bdg2 >= 0 && &uvd.k->bridges[p->bdg2] == b;
	if (!second && p->bdg2 >= 0) {
		uv_say(r, "%s is also attached to a second switch: detach that one first",
		       p->ifname);
		return EBUSY;
	}
	if (uv_ifnet_is_host(p)) {
		uv_say(r, "%s is the host port of an interface: detach the interface (%.*s)",
		       p->name, (int)strlen(p->name) - 1, p->name);
		return EINVAL;
	}
	req->port_index = second ? p->bdg2_port : p->bdg_port;
	if (p->kind == UV_KIND_AFPACKET) {
		/* the interface leaves the switch, with its host port if any; with no
		 * user it goes away */
		uv_ifnet_leave(p);
		uv_bdg_detach(p, 0);
		snprintf(p->name, sizeof(p->name), "%s", p->ifname);
		uv_port_put(p);
		return 0;
	}
	if (p->kind != UV_KIND_PERSIST)
		return 0; /* ephemeral ports have no bdg_ctl: nothing happens */
	uv_bdg_detach(p, second);
	if (!second)
		snprintf(p->name, sizeof(p->name), "%s", p->ifname);
	uvd.dirty = 1;
	return 0;
}

/* netmap_vale_list */
static int do_list(struct uv_req *r)
{
	struct nma_req_vale_list *req = (void *)r->body;
	char n[UV_NAMSIZ + UV_IFNAMSIZ + 2];

	if (r->hdr.nr_name[0]) {
		struct uv_bridge *b;

		if (strncmp(r->hdr.nr_name, NMA_BDG_NAME, strlen(NMA_BDG_NAME))) {
			uv_say(r, "%s: not a VALE name", r->hdr.nr_name);
			return EINVAL;
		}
		b = uv_find_bridge(r->hdr.nr_name, 0, NULL);
		if (b == NULL || (!b->active && b->nports == 0))
			return ENOENT;
		req->nr_bridge_idx = (uint16_t)(b - uvd.k->bridges);
		req->nr_port_idx = NMA_BDG_NOPORT;
		for (uint32_t j = 0; j < b->nports; j++) {
			uint32_t i = b->port_index[j];
			struct uv_port *p = uv_find_bdg_port(b, r->hdr.nr_name);

			if (p != NULL && b->ports[i] == (uint32_t)uv_port_index(p)) {
				req->nr_port_idx = i;
				break;
			}
		}
		return 0;
	}
	for (uint32_t i = req->nr_bridge_idx, j = req->nr_port_idx; i < NMA_BRIDGES; i++, j = 0) {
		struct uv_bridge *b = &uvd.k->bridges[i];

		for (; j < NMA_BDG_MAXPORTS; j++) {
			struct uv_port *p;

			if (b->ports[j] == UV_NOPORT || (!b->active && b->nports == 0))
				continue;
			p = &uvd.k->ports[b->ports[j]];
			if (p->bdg >= 0 && &uvd.k->bridges[p->bdg] == b)
				snprintf(n, sizeof(n), "%s", p->name);
			else
				snprintf(n, sizeof(n), "%s:%s", b->name, p->ifname);
			snprintf(r->hdr.nr_name, sizeof(r->hdr.nr_name), "%.63s", n);
			req->nr_bridge_idx = (uint16_t)i;
			req->nr_port_idx = j;
			return 0;
		}
		req->nr_bridge_idx = (uint16_t)(i + 1);
		req->nr_port_idx = 0;
	}
	req->nr_bridge_idx = NMA_BRIDGES;
	req->nr_port_idx = 0;
	return ENOENT;
}

static int do_hdr(struct uv_req *r)
{
	struct nma_req_port_hdr *req = (void *)r->body;
	struct nma_req_register reg = { .nr_mode = NMA_REG_ALL_NIC };
	uint16_t type = r->hdr.nr_reqtype;
	struct uv_port *p = NULL;
	int err;

	if (type == NMA_REQ_PORT_HDR_SET) {
		if (req->nr_hdr_len != 0 && req->nr_hdr_len != 10 && req->nr_hdr_len != 12) {
			uv_say(r, "virtio-net header length %u: only 0, 10 and 12 are valid",
			       req->nr_hdr_len);
			return EINVAL;
		}
		if (!uv_name_is_vale(r->hdr.nr_name))
			return ENXIO;
	}
	r->hdr.nr_reqtype = NMA_REQ_REGISTER;
	err = uv_get_na(r, &reg, NULL, 0, &p);
	r->hdr.nr_reqtype = type;
	if (err)
		return err;
	if (type == NMA_REQ_PORT_HDR_SET) {
		p->virt_hdr_len = req->nr_hdr_len;
		if (p->virt_hdr_len)
			p->mfs = uvd.k->allocs[p->alloc].pool[UV_BUF_POOL].objsize;
	} else {
		req->nr_hdr_len = p->virt_hdr_len;
	}
	return 0;
}

static int do_newif(struct uv_req *r)
{
	struct nma_req_vale_newif *req = (void *)r->body;
	struct nma_req_register reg = {
		.nr_tx_slots = req->nr_tx_slots,
		.nr_rx_slots = req->nr_rx_slots,
		.nr_tx_rings = req->nr_tx_rings,
		.nr_rx_rings = req->nr_rx_rings,
		.nr_mem_id = req->nr_mem_id,
	};
	struct uv_port *p;
	int err = uv_vi_create(r, r->hdr.nr_name, &reg, 0, &p);

	req->nr_tx_slots = reg.nr_tx_slots;
	req->nr_rx_slots = reg.nr_rx_slots;
	req->nr_tx_rings = reg.nr_tx_rings;
	req->nr_rx_rings = reg.nr_rx_rings;
	req->nr_mem_id = reg.nr_mem_id;
	return err;
}

/* nm_vi_destroy */
static int do_delif(struct uv_req *r)
{
	struct uv_port *p = uv_find_persistent(r->hdr.nr_name);

	if (p == NULL) {
		if (if_nametoindex(r->hdr.nr_name) != 0) {
			uv_say(r, "%s is not a VALE port", r->hdr.nr_name);
			return EINVAL;
		}
		uv_say(r, "%s: no such interface", r->hdr.nr_name);
		return ENXIO;
	}
	if (p->autodelete) {
		uv_say(r, "%s was created as a pipe parent and goes away by itself", p->ifname);
		return EINVAL;
	}
	if (p->active_fds || p->bdg >= 0 || p->bdg2 >= 0 || p->npipes) {
		uv_say(r, "%s is in use (open, attached to a switch, or a pipe parent)", p->ifname);
		return EBUSY;
	}
	p->autodelete = 1;
	uv_port_put(p);
	uvd.dirty = 1;
	return 0;
}

static int do_polling(struct uv_req *r)
{
	struct nma_req_register reg = { .nr_mode = NMA_REG_ALL_NIC };
	struct uv_port *p = NULL;
	int err;

	if (!uv_name_is_vale(r->hdr.nr_name)) {
		uv_say(r, "%s: not a VALE port", r->hdr.nr_name);
		return EINVAL;
	}
	err = uv_get_na(r, &reg, NULL, 0, &p);
	if (err)
		return err;
	uv_say(r, "%s: polling threads only apply to NICs attached to a switch", r->hdr.nr_name);
	return EOPNOTSUPP;
}

static int do_pools_info(struct uv_req *r)
{
	struct nma_req_pools_info *req = (void *)r->body;
	struct nma_req_register reg = { .nr_mode = NMA_REG_ALL_NIC, .nr_mem_id = req->nr_mem_id };
	uint16_t type = r->hdr.nr_reqtype;
	struct uv_alloc *nmd, *a;
	struct uv_port *p;
	int err;

	err = find_memid(r, req->nr_mem_id, &nmd);
	if (err)
		return err;
	r->hdr.nr_reqtype = NMA_REQ_REGISTER;
	err = uv_get_na(r, &reg, nmd, 1, &p);
	r->hdr.nr_reqtype = type;
	if (err)
		return err;
	a = &uvd.k->allocs[p->alloc];
	err = uv_alloc_finalize(uvd.k, uvd.region, a);
	if (!err) {
		req->nr_memsize = a->memsize;
		req->nr_mem_id = a->mem_id;
		req->nr_if_pool_offset = a->pool[UV_IF_POOL].offset;
		req->nr_if_pool_objtotal = a->pool[UV_IF_POOL].objtotal;
		req->nr_if_pool_objsize = a->pool[UV_IF_POOL].objsize;
		req->nr_ring_pool_offset = a->pool[UV_RING_POOL].offset;
		req->nr_ring_pool_objtotal = a->pool[UV_RING_POOL].objtotal;
		req->nr_ring_pool_objsize = a->pool[UV_RING_POOL].objsize;
		req->nr_buf_pool_offset = a->pool[UV_BUF_POOL].offset;
		req->nr_buf_pool_objtotal = a->pool[UV_BUF_POOL].objtotal;
		req->nr_buf_pool_objsize = a->pool[UV_BUF_POOL].objsize;
	}
	uv_port_put(p);
	return err;
}

int uv_ctrl(struct uv_req *r, struct uv_conn *c)
{
	switch (r->hdr.nr_reqtype) {
	case NMA_REQ_REGISTER:
		return do_register(r, c);
	case NMA_REQ_PORT_INFO_GET:
		return do_port_info(r);
	case NMA_REQ_VALE_ATTACH:
		return do_attach(r);
	case NMA_REQ_VALE_DETACH:
		return do_detach(r);
	case NMA_REQ_VALE_LIST:
		return do_list(r);
	case NMA_REQ_PORT_HDR_SET:
	case NMA_REQ_PORT_HDR_GET:
		return do_hdr(r);
	case NMA_REQ_VALE_NEWIF:
		return do_newif(r);
	case NMA_REQ_VALE_DELIF:
		return do_delif(r);
	case NMA_REQ_VALE_POLLING_ENABLE:
	case NMA_REQ_VALE_POLLING_DISABLE:
		return do_polling(r);
	case NMA_REQ_POOLS_INFO_GET:
		return do_pools_info(r);
	case NMA_REQ_CSB_ENABLE: {
		struct uv_opt *o = uv_getopt(r, NMA_REQ_OPT_CSB);

		if (o == NULL) {
			uv_say(r, "CSB_ENABLE needs a NETMAP_REQ_OPT_CSB option");
			return EINVAL;
		}
		o->h->nro_status = EOPNOTSUPP;
		uv_say(r, "CSB mode is not supported by uvale");
		return EOPNOTSUPP;
	}
	case NMA_REQ_SYNC_KLOOP_START:
	case NMA_REQ_SYNC_KLOOP_STOP:
		if (!c->bound) {
			uv_say(r, "the sync kloop needs a registered port");
			return ENXIO;
		}
		uv_say(r, "the sync kloop (a kernel thread) is not supported by uvale");
		return EOPNOTSUPP;
	default:
		uv_say(r, "unknown request type %u", r->hdr.nr_reqtype);
		return EINVAL;
	}
}
