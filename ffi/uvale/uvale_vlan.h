/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvale's VLAN switch: the OS side of kernel/vlan_conf.h over uvaled's
 * state, the lookup of the tagging bridges, and the nms_vlan_* entry
 * points of the uvale backend. See docs/vlan.md and kernel/README.md.
 *
 * Where things live
 *  - The configuration state (struct vv_state) lives in uvaled, like the
 *    Linux module's: one per daemon, changed only by VLAN requests.
 *  - The lookup tables are read by every client's txsync, so each conf's
 *    struct vv_table has a copy in the shared region: the VLAN area, the
 *    last UV_VLAN_AREA_SIZE bytes of the kernel area (the daemon's copy and
 *    the shared copy get every edit, the shared one under the bridge lock).
 *  - A VLAN handle is a connection to uvaled, like a port handle. The fd's
 *    session (last failure, list selection) is kept by the library and
 *    travels with every request, so the daemon keeps nothing per handle.
 *
 * Locking: a conf's per-VID bridges forward under the mutex of its tagging
 * bridge (uv_bridge.lock_with, see uv_bdg_lock()), so a frame can cross
 * valeV<vid><C>: -> <C>AP<vid> -> valeV<C>TP: -> trunk (and back) in one
 * pass, with one lock held and no lock-order inversion.
 */
#ifndef NMSCRIPT_UVALE_VLAN_H
#define NMSCRIPT_UVALE_VLAN_H

#include <stddef.h>
#include <stdint.h>

#include "uvale.h"
#include "vlan_conf.h"

/* ---- the VLAN area (shared, read by the data path) ---------------------- */
#define UV_VLAN_AREA_SIZE (256u << 10)
#define UV_VLAN_AREA_OFS  (UV_KAREA_SIZE - UV_VLAN_AREA_SIZE)
#define UV_VLAN_MAGIC     0x76766c61u /* "vvla" */

struct uv_vlan_area {
	uint32_t magic;
	uint32_t bridge[VV_MAX_CONFS]; /* 1 + tagging bridge index, 0: free */
	uint32_t pad[3];
	struct vv_table table[VV_MAX_CONFS];
};

/* ---- wire protocol (ops outside enum uv_op's range) ---------------------- */
#define UV_OP_VLAN_WRITE 16
#define UV_OP_VLAN_READ  17

/* The largest list a read can return, and the largest request. */
#define UV_VLAN_READ_MAX \
	(sizeof(struct vv_status) + \
	 sizeof(struct vv_list_rec) * VV_MAX_CONFS * (VV_MAX_PORTS + 1))
#define UV_VLAN_WRITE_MAX (VV_MAX_RECORDS * sizeof(struct vv_req))

struct uv_vlan_msg {
	struct uv_msg m;          /* op, error, text (m.hdr and m.bind unused) */
	struct vv_session sess;   /* in: the handle's session; out: updated */
	uint32_t len;             /* write: record bytes that follow;
				   * read: bytes wanted (in), bytes that follow (out) */
	uint32_t pad;
};

#define UV_VLAN_MSG_MAX (sizeof(struct uv_vlan_msg) + UV_VLAN_READ_MAX)

/* ---- data path (any process, bridge lock held) --------------------------- */
/*
 * The lookup of a tagging bridge b (lookup == UV_LOOKUP_VLAN): the frame in
 * f[0..nfrags) was sent by bridge port src; it is rewritten in place and
 * the destination bridge port is returned, or NMA_BDG_NOPORT (drop).
 */
uint32_t uv_vlan_lookup(void *region, const struct uv_bridge *b, uint32_t src,
			struct vv_frag *f, unsigned int nfrags, uint32_t l2off);

/* The table of tagging bridge b (stable while b's lock is held), or NULL:
 * uvale_sync.c looks it up once per batch and calls vv_classify() itself. */
const struct vv_table *uv_vlan_table(void *region, const struct uv_bridge *b);

/* ---- daemon side (uvaled's thread) --------------------------------------- */
struct uv_conn;
/* Serve one UV_OP_VLAN_* message of connection c; sends the reply. */
void uv_vlan_request(struct uv_conn *c, const uint8_t *msg, size_t len);
/* Delete every conf (daemon exit), so that no VLAN bridge is saved. */
void uv_vlan_teardown(void);
/* 1 when p is an AP port of a conf (internal: not saved, not listed). */
int uv_vlan_port_internal(const struct uv_port *p);

/* ---- library side (entries of nms_uvale_ops) ----------------------------- */
int uv_vlan_open(void);
int uv_vlan_ioctl(int vfd, void *hdr);
int uv_vlan_write(int vfd, const void *records, size_t len);
int uv_vlan_read(int vfd, void *buf, size_t len);
int uv_vlan_close(int vfd);

#endif /* NMSCRIPT_UVALE_VLAN_H */
