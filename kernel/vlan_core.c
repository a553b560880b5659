// SPDX-License-Identifier: BSD-2-Clause
/*
 * vlan_core.c - the per-frame VLAN decision (see vlan_core.h and the rules in
 * kernel/README.md). No allocation, no locks: the caller holds whatever lock
 * protects the table while it runs.
 */
#include "vlan_core.h"

#define VV_TPID_OFF	12	/* ethertype / TPID after the two MACs */
#define VV_TCI_OFF	14
#define VV_VID_MASK	0x0fff
#define VV_PRIO_MASK	0xf000	/* PCP and DEI */

void vv_table_init(struct vv_table *t, uint16_t flags, uint16_t native_vid)
{
	unsigned int i;

	t->trunk_port = VV_NOPORT;
	t->flags = flags;
	t->native_vid = native_vid;
	for (i = 0; i < VV_TABLE_PORTS; i++)
		t->port_vid[i] = VV_VID_NONE;
	for (i = 0; i < VV_VID_COUNT; i++)
		t->vid_port[i] = VV_NOPORT;
}

int vv_table_apply(struct vv_table *t, const struct vv_table_edit *e)
{
	if (e->port >= VV_TABLE_PORTS)
		return -EINVAL;
	switch (e->kind) {
	case VV_EDIT_TRUNK_SET:
		t->trunk_port = e->port;
		return 0;
	case VV_EDIT_TRUNK_CLEAR:
		t->trunk_port = VV_NOPORT;
		return 0;
	case VV_EDIT_ACCESS_SET:
		if (e->vid > VV_VID_MAX)
			return -EINVAL;
		t->port_vid[e->port] = e->vid;
		t->vid_port[e->vid] = e->port;
		return 0;
	case VV_EDIT_ACCESS_CLEAR:
		if (e->vid > VV_VID_MAX)
			return -EINVAL;
		t->port_vid[e->port] = VV_VID_NONE;
		t->vid_port[e->vid] = VV_NOPORT;
		return 0;
	}
	return -EINVAL;
}

/* 1 and the total length when the fragment list is usable, else 0. */
static int frame_total(const struct vv_frag *f, unsigned int nfrags,
		       uint32_t *total)
{
	uint32_t sum = 0;
	unsigned int i;

	*total = 0;
	if (nfrags == 0)
		return 0;
	for (i = 0; i < nfrags; i++) {
		/* each len is below 2^32, so checking the bound stops overflow */
		if (f[i].len > f[i].cap || (f[i].len && !f[i].buf) ||
		    f[i].len > 0xffffff - sum)
			return 0;
		sum += f[i].len;
	}
	*total = sum;
	return 1;
}

uint32_t vv_frame_len(const struct vv_frag *f, unsigned int nfrags)
{
	uint32_t total;

	return frame_total(f, nfrags, &total) ? total : 0;
}

/* Fragment holding logical byte pos (pos < total); *in gets the offset. */
static unsigned int locate(const struct vv_frag *f, unsigned int nfrags,
			   uint32_t pos, uint32_t *in)
{
	unsigned int i;

	for (i = 0; i < nfrags; i++) {
		if (pos < f[i].len) {
			*in = pos;
			return i;
		}
		pos -= f[i].len;
	}
	*in = 0;
	return nfrags;	/* not reached for pos < total */
}

static uint8_t get8(const struct vv_frag *f, unsigned int n, uint32_t pos)
{
	uint32_t in;
	unsigned int i = locate(f, n, pos, &in);

	return i < n ? f[i].buf[in] : 0;
}

static void put8(struct vv_frag *f, unsigned int n, uint32_t pos, uint8_t v)
{
	uint32_t in;
	unsigned int i = locate(f, n, pos, &in);

	if (i < n)
		f[i].buf[in] = v;
}

/*
 * Big-endian 16-bit fields. The header almost always sits in the first
 * fragment: read it there directly, and walk the fragments otherwise.
 */
static inline uint16_t get16(const struct vv_frag *f, unsigned int n,
			     uint32_t pos)
{
	if (pos + 2 <= f[0].len)
		return (uint16_t)(f[0].buf[pos] << 8 | f[0].buf[pos + 1]);
	return (uint16_t)(get8(f, n, pos) << 8 | get8(f, n, pos + 1));
}

static inline void put16(struct vv_frag *f, unsigned int n, uint32_t pos,
			 uint16_t v)
{
	if (pos + 2 <= f[0].len) {
		f[0].buf[pos] = (uint8_t)(v >> 8);
		f[0].buf[pos + 1] = (uint8_t)v;
		return;
	}
	put8(f, n, pos, (uint8_t)(v >> 8));
	put8(f, n, pos + 1, (uint8_t)v);
}

/*
 * Move the logical bytes [from, end) by VV_TAG_LEN towards the end; the
 * lengths already include the 4 new bytes. Copies run back to front in
 * chunks that are contiguous in both the source and the destination.
 */
static void shift_up(struct vv_frag *f, unsigned int n, uint32_t from,
		     uint32_t end)
{
	if (n == 1) {
		if (end > from)
			memmove(f->buf + from + VV_TAG_LEN, f->buf + from,
				end - from);
		return;
	}
	while (end > from) {
		uint32_t s_in, d_in, chunk;
		unsigned int s = locate(f, n, end - 1, &s_in);
		unsigned int d = locate(f, n, end - 1 + VV_TAG_LEN, &d_in);

		chunk = end - from;
		if (chunk > s_in + 1)
			chunk = s_in + 1;
		if (chunk > d_in + 1)
			chunk = d_in + 1;
		memmove(f[d].buf + d_in + 1 - chunk,
			f[s].buf + s_in + 1 - chunk, chunk);
		end -= chunk;
	}
}

/* Move the logical bytes [from + 4, end) to [from, end - 4), front first. */
static void shift_down(struct vv_frag *f, unsigned int n, uint32_t from,
		       uint32_t end)
{
	uint32_t src = from + VV_TAG_LEN;

	if (n == 1) {
		if (end > src)
			memmove(f->buf + from, f->buf + src, end - src);
		return;
	}
	while (src < end) {
		uint32_t s_in, d_in, chunk;
		unsigned int s = locate(f, n, src, &s_in);
		unsigned int d = locate(f, n, src - VV_TAG_LEN, &d_in);

		chunk = end - src;
		if (chunk > f[s].len - s_in)
			chunk = f[s].len - s_in;
		if (chunk > f[d].len - d_in)
			chunk = f[d].len - d_in;
		memmove(f[d].buf + d_in, f[s].buf + s_in, chunk);
		src += chunk;
	}
}

/* vv_frame_tag() on a frame of total bytes whose fragment list is valid. */
static int tag_frame(struct vv_frag *f, unsigned int nfrags, uint32_t total,
		     uint32_t l2off, uint16_t tpid, uint16_t tci)
{
	uint32_t at = l2off + VV_TPID_OFF;
	struct vv_frag *last;

	if (total < l2off + VV_ETH_HLEN)
		return VV_DROP_SHORT;
	last = &f[nfrags - 1];
	if (last->cap - last->len < VV_TAG_LEN || !last->buf)
		return VV_DROP_NOROOM;
	last->len += VV_TAG_LEN;
	shift_up(f, nfrags, at, total);
	put16(f, nfrags, at, tpid);
	put16(f, nfrags, at + 2, tci);
	return VV_FWD;
}

int vv_frame_tag(struct vv_frag *f, unsigned int nfrags, uint32_t l2off,
		 uint16_t tpid, uint16_t tci)
{
	uint32_t total;

	if (!frame_total(f, nfrags, &total) || l2off > 0xffff)
		return VV_DROP_BAD_FRAGS;
	return tag_frame(f, nfrags, total, l2off, tpid, tci);
}

/* vv_frame_untag() on a frame of total bytes whose fragment list is valid. */
static int untag_frame(struct vv_frag *f, unsigned int nfrags, uint32_t total,
		       uint32_t l2off)
{
	uint32_t at = l2off + VV_TPID_OFF, cut = VV_TAG_LEN;
	unsigned int i;

	if (total < l2off + VV_ETH_HLEN + VV_TAG_LEN)
		return VV_DROP_SHORT;
	if (nfrags == 1) {
		shift_down(f, 1, at, total);
		f->len -= VV_TAG_LEN;
		return VV_FWD;
	}
	shift_down(f, nfrags, at, total);
	/* Give the last 4 bytes back, from the last fragment backwards. */
	for (i = nfrags; i-- > 0 && cut;) {
		uint32_t take = f[i].len < cut ? f[i].len : cut;

		f[i].len -= take;
		cut -= take;
	}
	return VV_FWD;
}

int vv_frame_untag(struct vv_frag *f, unsigned int nfrags, uint32_t l2off)
{
	uint32_t total;

	if (!frame_total(f, nfrags, &total) || l2off > 0xffff)
		return VV_DROP_BAD_FRAGS;
	return untag_frame(f, nfrags, total, l2off);
}

static int is_tag_tpid(uint16_t type)
{
	return type == VV_TPID_8021Q || type == VV_TPID_8021AD ||
	       type == VV_TPID_QINQ_OLD;
}

static void set_act(struct vv_action *act, uint16_t kind, uint16_t tpid,
		    uint16_t tci)
{
	act->kind = kind;
	act->tpid = tpid;
	act->tci = tci;
}

/* A frame from the trunk: to the access side of its VID. */
static __always_inline int from_trunk(const struct vv_table *t,
				      const struct vv_frag *f,
				      unsigned int n, uint32_t total, uint32_t l2off,
				      uint32_t *dst, struct vv_action *act)
{
	uint16_t tpid = (t->flags & VV_OPT_DOT1AD) ? VV_TPID_8021AD :
						     VV_TPID_8021Q;
	uint16_t type, tci, vid;
	uint32_t port;

	if (total < l2off + VV_ETH_HLEN)
		return VV_DROP_SHORT;
	type = get16(f, n, l2off + VV_TPID_OFF);
	if (type != tpid) {
		/* Untagged (for this trunk's TPID): the native VLAN. */
		if (!(t->flags & VV_OPT_NATIVE))
			return VV_DROP_UNTAGGED;
		port = t->vid_port[t->native_vid];
		if (port == VV_NOPORT)
			return VV_DROP_UNKNOWN_VID;
		*dst = port;
		return VV_FWD;
	}
	if (total < l2off + VV_ETH_HLEN + VV_TAG_LEN)
		return VV_DROP_SHORT;
	tci = get16(f, n, l2off + VV_TCI_OFF);
	vid = tci & VV_VID_MASK;
	if (vid == VV_VID_RESERVED)
		return VV_DROP_RESERVED_VID;
	/* With a native VLAN, priority-tagged frames belong to it. */
	if (vid == 0 && (t->flags & VV_OPT_NATIVE))
		vid = t->native_vid;
	port = t->vid_port[vid];
	if (port == VV_NOPORT)
		return VV_DROP_UNKNOWN_VID;
	/* With KEEP_PCP a priority tag stays: VID 0, PCP and DEI kept. */
	if (t->flags & VV_OPT_KEEP_PCP)
		set_act(act, VV_ACT_SET_TCI, 0, tci & VV_PRIO_MASK);
	else
		set_act(act, VV_ACT_UNTAG, 0, 0);
	*dst = port;
	return VV_FWD;
}

/* A frame from the access side of VID vid: to the trunk. */
static __always_inline int from_access(const struct vv_table *t, uint16_t vid,
				       const struct vv_frag *f, unsigned int n,
				       uint32_t total, uint32_t l2off, uint32_t *dst,
				       struct vv_action *act)
{
	int dot1ad = !!(t->flags & VV_OPT_DOT1AD);
	int native = (t->flags & VV_OPT_NATIVE) && vid == t->native_vid;
	const struct vv_frag *last = &f[n - 1];
	uint16_t type, tci;

	if (total < l2off + VV_ETH_HLEN)
		return VV_DROP_SHORT;
	if (t->trunk_port == VV_NOPORT)
		return VV_DROP_NO_TRUNK;
	type = get16(f, n, l2off + VV_TPID_OFF);
	if (is_tag_tpid(type) && !(dot1ad && type == VV_TPID_8021Q)) {
		/* Only a priority tag is accepted, and only with KEEP_PCP. */
		if (!(t->flags & VV_OPT_KEEP_PCP) || type != VV_TPID_8021Q)
			return VV_DROP_TAGGED;
		if (total < l2off + VV_ETH_HLEN + VV_TAG_LEN)
			return VV_DROP_SHORT;
		tci = get16(f, n, l2off + VV_TCI_OFF);
		if (tci & VV_VID_MASK)
			return VV_DROP_TAGGED;
		if (!native)
			set_act(act, VV_ACT_SET_TCI, 0, tci | vid);
		*dst = t->trunk_port;
		return VV_FWD;
	}
	if (!native) {
		/* The tag grows the last fragment: it needs the room. */
		if (last->cap - last->len < VV_TAG_LEN || !last->buf)
			return VV_DROP_NOROOM;
		set_act(act, VV_ACT_TAG,
			dot1ad ? VV_TPID_8021AD : VV_TPID_8021Q, vid);
	}
	*dst = t->trunk_port;
	return VV_FWD;
}

/* vv_classify() on a frame of total bytes whose fragment list is valid
 * (inline: uvale calls vv_classify() for every frame). */
static __always_inline int classify(const struct vv_table *t, uint32_t src,
				    const struct vv_frag *f, unsigned int nfrags,
				    uint32_t total, uint32_t l2off, uint32_t *dst,
				    struct vv_action *act)
{
	int v;

	if (src != VV_NOPORT && src == t->trunk_port)
		v = from_trunk(t, f, nfrags, total, l2off, dst, act);
	else if (src < VV_TABLE_PORTS && t->port_vid[src] <= VV_VID_MAX)
		v = from_access(t, t->port_vid[src], f, nfrags, total, l2off,
				dst, act);
	else
		v = VV_DROP_UNKNOWN_PORT;
	if (v != VV_FWD) {
		*dst = VV_NOPORT;
		set_act(act, VV_ACT_NONE, 0, 0);
	}
	return v;
}

int vv_classify(const struct vv_table *t, uint32_t src,
		const struct vv_frag *f, unsigned int nfrags, uint32_t l2off,
		uint32_t *dst, struct vv_action *act)
{
	uint32_t total;

	*dst = VV_NOPORT;
	set_act(act, VV_ACT_NONE, 0, 0);
	/* the usual frame: one buffer, no virtio-net header */
	if (nfrags == 1 && f->len <= f->cap && f->len <= 0xffffff && f->buf &&
	    l2off == 0)
		return classify(t, src, f, 1, f->len, 0, dst, act);
	if (!frame_total(f, nfrags, &total) || l2off > 0xffff)
		return VV_DROP_BAD_FRAGS;
	return classify(t, src, f, nfrags, total, l2off, dst, act);
}

/* vv_apply() on a frame of total bytes whose fragment list is valid. */
static int apply(struct vv_frag *f, unsigned int nfrags, uint32_t total,
		 uint32_t l2off, const struct vv_action *act)
{
	switch (act->kind) {
	case VV_ACT_NONE:
		return VV_FWD;
	case VV_ACT_TAG:
		return tag_frame(f, nfrags, total, l2off, act->tpid, act->tci);
	case VV_ACT_UNTAG:
		return untag_frame(f, nfrags, total, l2off);
	case VV_ACT_SET_TCI:
		if (total < l2off + VV_ETH_HLEN + VV_TAG_LEN)
			return VV_DROP_SHORT;
		put16(f, nfrags, l2off + VV_TCI_OFF, act->tci);
		return VV_FWD;
	}
	return VV_DROP_BAD_FRAGS;
}

int vv_apply(struct vv_frag *f, unsigned int nfrags, uint32_t l2off,
	     const struct vv_action *act)
{
	uint32_t total;

	if (!frame_total(f, nfrags, &total) || l2off > 0xffff)
		return VV_DROP_BAD_FRAGS;
	return apply(f, nfrags, total, l2off, act);
}

/* Copy the logical bytes [from, to) of the frame to out. */
static void gather(uint8_t *out, const struct vv_frag *f, unsigned int n,
		   uint32_t from, uint32_t to)
{
	uint32_t in;
	unsigned int i;

	if (to <= from)
		return;
	if (n == 1) {
		memcpy(out, f->buf + from, to - from);
		return;
	}
	for (i = locate(f, n, from, &in); i < n && from < to; i++, in = 0) {
		uint32_t chunk = f[i].len - in;

		if (chunk > to - from)
			chunk = to - from;
		memcpy(out, f[i].buf + in, chunk);
		out += chunk;
		from += chunk;
	}
}

static void out16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

int vv_copy_edit(uint8_t *out, uint32_t room, const struct vv_frag *f,
		 unsigned int nfrags, uint32_t l2off,
		 const struct vv_action *act, uint32_t *out_len)
{
	uint32_t total, at = l2off + VV_TPID_OFF, len;

	*out_len = 0;
	if (!frame_total(f, nfrags, &total) || l2off > 0xffff ||
	    act->kind > VV_ACT_SET_TCI)
		return VV_DROP_BAD_FRAGS;
	if (nfrags == 1)
		return vv_copy_edit_flat(out, room, f->buf, total, l2off, act,
					 out_len);
	len = total;
	if (act->kind == VV_ACT_TAG) {
		if (total < l2off + VV_ETH_HLEN)
			return VV_DROP_SHORT;
		len = total + VV_TAG_LEN;
	} else if (act->kind != VV_ACT_NONE) {
		if (total < l2off + VV_ETH_HLEN + VV_TAG_LEN)
			return VV_DROP_SHORT;
		if (act->kind == VV_ACT_UNTAG)
			len = total - VV_TAG_LEN;
	}
	if (len > room)
		return VV_DROP_NOROOM;
	switch (act->kind) {
	case VV_ACT_TAG:
		gather(out, f, nfrags, 0, at);
		out16(out + at, act->tpid);
		out16(out + at + 2, act->tci);
		gather(out + at + VV_TAG_LEN, f, nfrags, at, total);
		break;
	case VV_ACT_UNTAG:
		gather(out, f, nfrags, 0, at);
		gather(out + at, f, nfrags, at + VV_TAG_LEN, total);
		break;
	case VV_ACT_SET_TCI:
		gather(out, f, nfrags, 0, total);
		out16(out + l2off + VV_TCI_OFF, act->tci);
		break;
	default:
		gather(out, f, nfrags, 0, total);
		break;
	}
	*out_len = len;
	return VV_FWD;
}

int vv_forward(const struct vv_table *t, uint32_t src, struct vv_frag *f,
	       unsigned int nfrags, uint32_t l2off, uint32_t *dst)
{
	struct vv_action act;
	uint32_t total;
	int v;

	*dst = VV_NOPORT;
	if (!frame_total(f, nfrags, &total) || l2off > 0xffff)
		return VV_DROP_BAD_FRAGS;
	set_act(&act, VV_ACT_NONE, 0, 0);
	v = classify(t, src, f, nfrags, total, l2off, dst, &act);
	if (v == VV_FWD)
		v = apply(f, nfrags, total, l2off, &act);
	if (v != VV_FWD)
		*dst = VV_NOPORT;
	return v;
}

const char *vv_verdict_name(int verdict)
{
	static const char *const names[] = {
		"forward", "bad-fragments", "short", "no-room", "untagged",
		"tagged", "reserved-vid", "unknown-vid", "no-trunk",
		"unknown-port",
	};

	if (verdict < 0 || verdict > VV_VERDICT_LAST)
		return "invalid";
	return names[verdict];
}
