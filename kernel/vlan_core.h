/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vlan_core.h - the per-frame VLAN forwarding decision, OS-independent.
 *
 * A configuration's tagging bridge holds one trunk port and one "access
 * side" port per VID in use. vv_forward() looks at a frame sent by one of
 * them, rewrites it in place (tag, untag, retag) and names the destination
 * port, or drops it with a reason. The same code runs inside the Linux module
 * (the lookup function of the tagging bridge) and inside uvale.
 *
 * Frames are given as a list of fragments: buf, len (bytes used) and cap
 * (bytes usable from buf). Only the last fragment grows or shrinks (tag
 * insertion needs 4 spare bytes in it); the frame's bytes may be split
 * anywhere, even inside the MAC header or the tag.
 */
#ifndef VLAN_CORE_H
#define VLAN_CORE_H

#include "vv_os.h"
#include "vale_vlan_abi.h"

#define VV_NOPORT	0xffffffffu	/* destination "drop" */
#define VV_TABLE_PORTS	256		/* port indices 0..255 */
#define VV_VID_COUNT	4096
#define VV_VID_NONE	0xffff		/* port_vid[] of a non-access port */

#define VV_TPID_8021Q	0x8100
#define VV_TPID_8021AD	0x88a8
#define VV_TPID_QINQ_OLD 0x9100
#define VV_ETH_HLEN	14		/* two MACs and the ethertype */
#define VV_TAG_LEN	4

/* The lookup tables of one configuration (read by the data path). */
struct vv_table {
	uint32_t trunk_port;			/* VV_NOPORT: no trunk */
	uint16_t flags;				/* VV_OPT_* */
	uint16_t native_vid;
	uint16_t port_vid[VV_TABLE_PORTS];	/* VV_VID_NONE if not access */
	uint32_t vid_port[VV_VID_COUNT];	/* VV_NOPORT if VID unused */
};

/* Reset t: no trunk, no access ports, the given options. */
void vv_table_init(struct vv_table *t, uint16_t flags, uint16_t native_vid);

#define VV_EDIT_TRUNK_SET	1
#define VV_EDIT_TRUNK_CLEAR	2
#define VV_EDIT_ACCESS_SET	3	/* port carries VID vid */
#define VV_EDIT_ACCESS_CLEAR	4

/* One change of a table; the OS side applies it under its bridge lock. */
struct vv_table_edit {
	uint32_t kind;		/* VV_EDIT_* */
	uint32_t port;		/* index in the tagging bridge */
	uint16_t vid;
};

/* Apply e to t. Returns 0 or -EINVAL (index or VID out of range). */
int vv_table_apply(struct vv_table *t, const struct vv_table_edit *e);

struct vv_frag {
	uint8_t *buf;
	uint32_t len;		/* bytes of frame data in buf */
	uint32_t cap;		/* bytes that may be used from buf */
};

/* Verdicts: 0 forwards, anything else is a drop reason. */
#define VV_FWD			0
#define VV_DROP_BAD_FRAGS	1	/* no fragment, len > cap, NULL buf */
#define VV_DROP_SHORT		2	/* too short for the header it needs */
#define VV_DROP_NOROOM		3	/* no 4 spare bytes for a tag */
#define VV_DROP_UNTAGGED	4	/* untagged on the trunk, no native VLAN */
#define VV_DROP_TAGGED		5	/* tagged frame from an access port */
#define VV_DROP_RESERVED_VID	6	/* VID 4095 on the trunk */
#define VV_DROP_UNKNOWN_VID	7	/* no access port has this VID */
#define VV_DROP_NO_TRUNK	8	/* no trunk attached */
#define VV_DROP_UNKNOWN_PORT	9	/* sender is neither trunk nor access */
#define VV_VERDICT_LAST		9

/*
 * Decide where the frame sent by port src goes. l2off bytes (a virtio-net
 * header) precede the Ethernet header in the first fragment and are left
 * alone. On VV_FWD *dst is the destination port and the frame has been
 * rewritten; on a drop *dst is VV_NOPORT and the frame is unchanged.
 */
int vv_forward(const struct vv_table *t, uint32_t src, struct vv_frag *f,
	       unsigned int nfrags, uint32_t l2off, uint32_t *dst);

/* "forward", "short", ... for logs and tests. */
const char *vv_verdict_name(int verdict);

/* Frame helpers (exported for the tests). Return VV_FWD or a drop. */
/* Insert tag (tpid, tci) after the MACs at frame offset l2off + 12. */
int vv_frame_tag(struct vv_frag *f, unsigned int nfrags, uint32_t l2off,
		 uint16_t tpid, uint16_t tci);
/* Remove the 4 bytes at frame offset l2off + 12. */
int vv_frame_untag(struct vv_frag *f, unsigned int nfrags, uint32_t l2off);
/* Total bytes of the frame, or 0 when the fragment list is invalid. */
uint32_t vv_frame_len(const struct vv_frag *f, unsigned int nfrags);

#endif /* VLAN_CORE_H */
