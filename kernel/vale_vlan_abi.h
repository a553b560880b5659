/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vale_vlan_abi.h - the user ABI of nmscript's VLAN module (/dev/vale_vlan
 * on kernel netmap, the same records over uvale). Declared once, used by the
 * Linux module, by the OS-independent core (vlan_conf.c) and by ffi/.
 * Plain fixed-width types only: TypeScript reads these through the layout
 * table. See kernel/README.md for the rules behind every field.
 *
 * Protocol (no ioctl):
 *   write(fd, recs, n * sizeof(struct vv_req))
 *	A batch of 1..VV_MAX_RECORDS records, applied in order and
 *	all-or-nothing: on the first failing record every earlier record of
 *	the batch is undone, write() fails with that record's errno, and the
 *	fd's status remembers the record index, the errno and a reason code.
 *	A successful write returns its length and clears the status.
 *   read(fd, buf, len >= sizeof(struct vv_status))
 *	One struct vv_status, then as many struct vv_list_rec as fit: the
 *	configurations selected by the last VV_LIST record on this fd (all of
 *	them by default), each as one VV_ROLE_CONF record followed by its
 *	trunk and access ports in attach order.
 */
#ifndef VALE_VLAN_ABI_H
#define VALE_VLAN_ABI_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

#define VV_DEVICE_NAME		"vale_vlan"	/* misc device: /dev/vale_vlan */
#define VV_DEVICE_PATH		"/dev/vale_vlan"
#define VV_ABI_VERSION		1		/* vr_version, vs_version */

/* ---- limits ---------------------------------------------------------- */
#define VV_MAX_CONFS		4	/* configurations, system-wide */
#define VV_MAX_PORTS		128	/* trunk + access ports per conf */
#define VV_MAX_RECORDS		256	/* records per write() */
#define VV_CONF_NAME_MAX	6	/* chars: [a-z][a-z0-9]{0,5} */
#define VV_PORT_NAME_MAX	15	/* chars: [A-Za-z0-9_.-]{1,15} */
#define VV_CONF_NAME_SIZE	16	/* field sizes (NUL-padded) */
#define VV_PORT_NAME_SIZE	32
#define VV_BDG_NAME_SIZE	24
#define VV_VID_MAX		4094	/* access VIDs are 0..4094 */
#define VV_VID_RESERVED		4095	/* never valid; trunk marker in lists */

/* ---- vr_action ------------------------------------------------------- */
#define VV_CREATE_CONF		1	/* conf; vr_flags, vr_native_vid */
#define VV_DELETE_CONF		2	/* conf (must have no ports) */
#define VV_ATTACH_TRUNK		3	/* conf, port (an existing interface) */
#define VV_DETACH_TRUNK		4	/* conf, port ("" = the trunk) */
#define VV_CREATE_TRUNK		5	/* create persistent port, attach */
#define VV_DESTROY_TRUNK	6	/* detach, destroy persistent port */
#define VV_ATTACH_ACCESS	7	/* conf, port, vr_vid */
#define VV_DETACH_ACCESS	8	/* conf, port (its VID is looked up) */
#define VV_CREATE_ACCESS	9	/* create persistent port, attach */
#define VV_DESTROY_ACCESS	10	/* detach, destroy persistent port */
#define VV_LIST			11	/* conf ("" = all): what read() lists */
#define VV_ACTION_LAST		11

/* ---- vr_flags of VV_CREATE_CONF (per-conf options, all off by default) */
#define VV_OPT_NATIVE		0x0001	/* untagged trunk frames = vr_native_vid */
#define VV_OPT_KEEP_PCP		0x0002	/* priority tags carry PCP/DEI across */
#define VV_OPT_DOT1AD		0x0004	/* trunk tag is 802.1ad (TPID 0x88a8) */
#define VV_OPT_ALL		0x0007

/* One write() record: 64 bytes. Unused fields must be zero. */
struct vv_req {
	uint16_t vr_version;		/* VV_ABI_VERSION */
	uint16_t vr_action;		/* VV_* action */
	uint16_t vr_vid;		/* access VID (attach/create access) */
	uint16_t vr_flags;		/* VV_OPT_* (create conf) */
	uint16_t vr_native_vid;		/* with VV_OPT_NATIVE */
	uint16_t vr_reserved0;
	uint32_t vr_reserved1;
	char vr_conf[VV_CONF_NAME_SIZE];	/* NUL-terminated, NUL-padded */
	char vr_port[VV_PORT_NAME_SIZE];	/* NUL-terminated, NUL-padded */
};

/* ---- read(): status header, then list records ------------------------ */
struct vv_status {
	uint16_t vs_version;		/* VV_ABI_VERSION */
	uint16_t vs_count;		/* vv_list_rec that follow */
	uint16_t vs_total;		/* records available (> count: truncated) */
	uint16_t vs_reason;		/* VV_R_* of the last failed write */
	int32_t vs_err_index;		/* its failing record, -1 if none */
	int32_t vs_err_errno;		/* its positive errno, 0 if none */
};

#define VV_ROLE_CONF		1
#define VV_ROLE_TRUNK		2
#define VV_ROLE_ACCESS		3

#define VV_LIST_CREATED		0x0001	/* port: persistent port made by us */

struct vv_list_rec {
	char vl_conf[VV_CONF_NAME_SIZE];
	char vl_port[VV_PORT_NAME_SIZE];	/* "" for VV_ROLE_CONF */
	char vl_bridge[VV_BDG_NAME_SIZE];	/* "valeV10foo:", "valeVfooTP:" */
	uint16_t vl_role;			/* VV_ROLE_* */
	uint16_t vl_vid;			/* access VID; 4095 for the trunk */
	uint16_t vl_flags;			/* conf: VV_OPT_*; port: VV_LIST_* */
	uint16_t vl_native_vid;			/* conf with VV_OPT_NATIVE */
	uint32_t vl_reserved[4];
};

/* ---- vs_reason: why the last write failed (see vv_reason_text()) ----- */
#define VV_R_NONE		0
#define VV_R_LENGTH		1	/* EINVAL: length 0 or not n * 64 */
#define VV_R_TOO_MANY		2	/* E2BIG: more than VV_MAX_RECORDS */
#define VV_R_VERSION		3	/* EPROTO: vr_version != VV_ABI_VERSION */
#define VV_R_ACTION		4	/* EOPNOTSUPP: unknown vr_action */
#define VV_R_RESERVED		5	/* EINVAL: a field this action ignores is set */
#define VV_R_CONF_NAME		6	/* EINVAL: conf name empty or bad chars */
#define VV_R_CONF_NAME_LONG	7	/* ENAMETOOLONG */
#define VV_R_PORT_NAME		8	/* EINVAL: port name missing or bad chars */
#define VV_R_PORT_NAME_LONG	9	/* ENAMETOOLONG */
#define VV_R_VID		10	/* EINVAL: VID above 4094 */
#define VV_R_OPTIONS		11	/* EINVAL: unknown flag, bad native VID,
					 * KEEP_PCP together with DOT1AD */
#define VV_R_CONF_EXISTS	12	/* EEXIST */
#define VV_R_CONF_LIMIT		13	/* ENOSPC: VV_MAX_CONFS in use */
#define VV_R_NO_CONF		14	/* ENXIO: no such conf */
#define VV_R_CONF_BUSY		15	/* EBUSY: conf still has ports */
#define VV_R_PORT_BUSY		16	/* EBUSY: port attached already */
#define VV_R_TRUNK_BUSY		17	/* EBUSY: conf has a trunk already */
#define VV_R_NO_PORT		18	/* ENXIO: port not in this conf/role */
#define VV_R_PORT_LIMIT		19	/* ENOSPC: VV_MAX_PORTS in this conf */
#define VV_R_OS			20	/* errno from netmap / uvale */
#define VV_R_NOMEM		21	/* ENOMEM */
#define VV_R_LAST		21

#ifndef __cplusplus
_Static_assert(sizeof(struct vv_req) == 64, "vv_req is 64 bytes");
_Static_assert(sizeof(struct vv_status) == 16, "vv_status is 16 bytes");
_Static_assert(sizeof(struct vv_list_rec) == 96, "vv_list_rec is 96 bytes");
#endif

#endif /* VALE_VLAN_ABI_H */
