/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vlan_core.h - the per-frame VLAN forwarding decision, OS-independent.
 *
 * A configuration's tagging bridge holds one trunk port and one "access
 * side" port per VID in use. vv_forward() looks at a frame sent by one of
 * them, rewrites it in place (tag, untag, retag) and names the destination
 * port, or drops it with a reason. The same code runs inside the Linux module
 * (the lookup function of the tagging bridge) and inside uvale. The decision
 * itself is vv_classify(), which changes nothing: uvale applies the edit
 * while it copies the frame to its destination (vv_copy_edit()).
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

/* The edit a forwarded frame needs (vv_classify); all at l2off + 12. */
#define VV_ACT_NONE	0	/* leave the frame as it is */
#define VV_ACT_TAG	1	/* insert (tpid, tci) after the MACs */
#define VV_ACT_UNTAG	2	/* remove the 4-byte tag after the MACs */
#define VV_ACT_SET_TCI	3	/* overwrite the tag's TCI with tci */

struct vv_action {
	uint16_t kind;		/* VV_ACT_* */
	uint16_t tpid;		/* VV_ACT_TAG */
	uint16_t tci;		/* VV_ACT_TAG, VV_ACT_SET_TCI */
};

/*
 * Decide, without touching the frame, where the frame sent by port src goes
 * and how it must be edited on the way: the rules of vv_forward(), which is
 * vv_classify() followed by vv_apply(). On VV_FWD *dst is the destination
 * port and *act the edit (vv_apply() in place, or vv_copy_edit() while
 * copying, cannot then fail for want of room in f); on a drop *dst is
 * VV_NOPORT and *act is VV_ACT_NONE.
 */
int vv_classify(const struct vv_table *t, uint32_t src,
		const struct vv_frag *f, unsigned int nfrags, uint32_t l2off,
		uint32_t *dst, struct vv_action *act);

/* Apply act to the frame in place (the tag room comes from the last
 * fragment). Returns VV_FWD or a drop, the frame unchanged on a drop. */
int vv_apply(struct vv_frag *f, unsigned int nfrags, uint32_t l2off,
	     const struct vv_action *act);

/*
 * Copy the frame into out (room bytes usable) with act applied, in one
 * pass: *out_len gets the new length. Returns VV_FWD, VV_DROP_BAD_FRAGS,
 * VV_DROP_SHORT (too short for the edit) or VV_DROP_NOROOM (the result
 * does not fit in room); out is untouched on a drop.
 */
int vv_copy_edit(uint8_t *out, uint32_t room, const struct vv_frag *f,
		 unsigned int nfrags, uint32_t l2off,
		 const struct vv_action *act, uint32_t *out_len);

/*
 * vv_copy_edit() for a frame held in one buffer (in, len bytes): inline, as
 * the copy of every forwarded frame goes through it. Same results.
 */
static inline int vv_copy_edit_flat(uint8_t *out, uint32_t room,
				    const uint8_t *in, uint32_t len,
				    uint32_t l2off, const struct vv_action *act,
				    uint32_t *out_len)
{
	uint32_t at = l2off + 12, need = len;	/* 12: the two MACs */

	*out_len = 0;
	if (act->kind == VV_ACT_TAG) {
		if (len < l2off + VV_ETH_HLEN)
			return VV_DROP_SHORT;
		need = len + VV_TAG_LEN;
	} else if (act->kind != VV_ACT_NONE) {
		if (len < l2off + VV_ETH_HLEN + VV_TAG_LEN)
			return VV_DROP_SHORT;
		if (act->kind == VV_ACT_UNTAG)
			need = len - VV_TAG_LEN;
		else if (act->kind != VV_ACT_SET_TCI)
			return VV_DROP_BAD_FRAGS;
	}
	if (need > room)
		return VV_DROP_NOROOM;
	switch (act->kind) {
	case VV_ACT_TAG:
		memcpy(out, in, at);
		out[at] = (uint8_t)(act->tpid >> 8);
		out[at + 1] = (uint8_t)act->tpid;
		out[at + 2] = (uint8_t)(act->tci >> 8);
		out[at + 3] = (uint8_t)act->tci;
		memcpy(out + at + VV_TAG_LEN, in + at, len - at);
		break;
	case VV_ACT_UNTAG:
		memcpy(out, in, at);
		memcpy(out + at, in + at + VV_TAG_LEN, need - at);
		break;
	case VV_ACT_SET_TCI:
		memcpy(out, in, len);
		out[at + 2] = (uint8_t)(act->tci >> 8);
		out[at + 3] = (uint8_t)act->tci;
		break;
	default:
		memcpy(out, in, len);
		break;
	}
	*out_len = need;
	return VV_FWD;
}

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
