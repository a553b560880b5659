// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_vlan_core - the per-frame VLAN rules of kernel/vlan_core.c: tag and
 * untag across any fragmentation, buffer ends, short frames, every drop
 * rule, and the native VLAN / keep-PCP / 802.1ad options; the classifier
 * (same decisions as vv_forward, frame untouched) and the copy-with-edit
 * helper across every split of the header.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../vlan_core.h"
#include "vv_check.h"

#define CAP 2048
#define TRUNK 0
#define P10 1		/* access side of VID 10 */
#define P20 2		/* access side of VID 20 */
#define P0 3		/* access side of VID 0 */

static uint8_t bufs[8][CAP];

/* A deterministic pseudo-random generator (xorshift). */
static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/* Frame of len bytes: MACs, ethertype (or tag) from hdr, then a pattern. */
static void make_frame(uint8_t *out, uint32_t len, const uint8_t *hdr,
		       uint32_t hlen)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		out[i] = (uint8_t)(i * 7 + 3);
	memcpy(out, hdr, hlen < len ? hlen : len);
}

/* Split frame into fragments of the given lengths (last gets the rest). */
static unsigned int split(struct vv_frag *f, const uint8_t *frame, uint32_t len,
			  const uint32_t *lens, unsigned int n, uint32_t cap)
{
	uint32_t pos = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint32_t l = i + 1 == n ? len - pos : lens[i];

		f[i].buf = bufs[i];
		f[i].len = l;
		f[i].cap = cap;
		memcpy(bufs[i], frame + pos, l);
		pos += l;
	}
	return n;
}

static uint32_t join(const struct vv_frag *f, unsigned int n, uint8_t *out)
{
	uint32_t len = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		memcpy(out + len, f[i].buf, f[i].len);
		len += f[i].len;
	}
	return len;
}

static void one(struct vv_frag *f, const uint8_t *frame, uint32_t len)
{
	uint32_t none = 0;

	split(f, frame, len, &none, 1, CAP);
}

static const uint8_t untagged_hdr[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00,
};

static void hdr_tagged(uint8_t *h, uint16_t tpid, uint16_t tci,
		       uint16_t inner)
{
	memcpy(h, untagged_hdr, 12);
	h[12] = (uint8_t)(tpid >> 8);
	h[13] = (uint8_t)tpid;
	h[14] = (uint8_t)(tci >> 8);
	h[15] = (uint8_t)tci;
	h[16] = (uint8_t)(inner >> 8);
	h[17] = (uint8_t)inner;
}

/* Random fragmentation, random l2 offset: tag then untag, vs. a reference. */
static void test_tag_untag_fragments(void)
{
	uint8_t frame[400], expect[404], got[404];
	struct vv_frag f[8];
	int iter, bad = 0;

	for (iter = 0; iter < 5000; iter++) {
		uint32_t off = (rnd() % 3) * 6;	/* 0, 6 or 12 */
		uint32_t len = off + 14 + rnd() % 300, lens[8], rest = len;
		unsigned int n = 1 + rnd() % 6, i;
		uint32_t tcilen;
		int v;

		for (i = 0; i < len; i++)
			frame[i] = (uint8_t)rnd();
		for (i = 0; i + 1 < n; i++) {
			/* Many tiny fragments: 0..3 bytes are common. */
			lens[i] = rnd() % 2 ? rnd() % 4 : rnd() % (rest + 1);
			if (lens[i] > rest)
				lens[i] = rest;
			rest -= lens[i];
		}
		split(f, frame, len, lens, n, CAP);
		v = vv_frame_tag(f, n, off, 0x8100, 0x2abc);
		memcpy(expect, frame, off + 12);
		expect[off + 12] = 0x81;
		expect[off + 13] = 0x00;
		expect[off + 14] = 0x2a;
		expect[off + 15] = 0xbc;
		memcpy(expect + off + 16, frame + off + 12, len - off - 12);
		tcilen = join(f, n, got);
		if (v != VV_FWD || tcilen != len + 4 ||
		    memcmp(got, expect, len + 4)) {
			bad++;
			continue;
		}
		v = vv_frame_untag(f, n, off);
		tcilen = join(f, n, got);
		if (v != VV_FWD || tcilen != len || memcmp(got, frame, len))
			bad++;
		for (i = 0; i < n; i++)
			if (f[i].len > f[i].cap)
				bad++;
	}
	CHECK(bad == 0, "%d of 5000 random fragmentations differ", bad);
}

/* Untag where the tag itself is split over three fragments. */
static void test_untag_split_tag(void)
{
	uint8_t h[18], frame[80], got[80];
	uint32_t lens[] = { 13, 2, 1 };
	struct vv_frag f[4];
	unsigned int n;

	hdr_tagged(h, 0x8100, 10, 0x0800);
	make_frame(frame, 80, h, sizeof(h));
	n = split(f, frame, 80, lens, 4, CAP);
	CHECK(vv_frame_untag(f, n, 0) == VV_FWD, "untag");
	CHECK(join(f, n, got) == 76, "length");
	CHECK(!memcmp(got, frame, 12) && !memcmp(got + 12, frame + 16, 64),
	      "bytes moved across fragments");
}

/* Untag where the last fragment is shorter than the tag. */
static void test_untag_short_last(void)
{
	uint8_t h[18], frame[64], got[64];
	uint32_t lens[] = { 62 };
	struct vv_frag f[2];

	hdr_tagged(h, 0x8100, 10, 0x0800);
	make_frame(frame, 64, h, sizeof(h));
	split(f, frame, 64, lens, 2, CAP);
	CHECK(vv_frame_untag(f, 2, 0) == VV_FWD, "untag");
	CHECK(f[1].len == 0 && f[0].len == 60, "lengths %u %u", f[0].len,
	      f[1].len);
	CHECK(join(f, 2, got) == 60 && !memcmp(got + 12, frame + 16, 48),
	      "content");
}

static void test_buffer_end(void)
{
	uint8_t frame[CAP];
	uint32_t lens[] = { 100 };
	struct vv_frag f[2];

	make_frame(frame, CAP, untagged_hdr, sizeof(untagged_hdr));
	split(f, frame, CAP, lens, 1, CAP);
	CHECK(vv_frame_tag(f, 1, 0, 0x8100, 1) == VV_DROP_NOROOM,
	      "full buffer");
	CHECK(f[0].len == CAP && !memcmp(f[0].buf, frame, CAP), "unchanged");

	split(f, frame, CAP - 4, lens, 1, CAP);
	CHECK(vv_frame_tag(f, 1, 0, 0x8100, 1) == VV_FWD, "exactly 4 spare");
	CHECK(f[0].len == CAP, "len %u", f[0].len);
	CHECK(!memcmp(f[0].buf + 16, frame + 12, CAP - 16), "tail intact");

	/* Multi-slot: the last slot is the one that must have room. */
	split(f, frame, 100 + 100, lens, 2, 100);
	CHECK(vv_frame_tag(f, 2, 0, 0x8100, 1) == VV_DROP_NOROOM,
	      "last slot full");
	split(f, frame, 100 + 56, lens, 2, 100);
	CHECK(vv_frame_tag(f, 2, 0, 0x8100, 1) == VV_FWD, "last slot room");
	CHECK(f[0].len == 100 && f[1].len == 60, "only the last grows");
}

static void test_short_frames(void)
{
	uint8_t h[18], frame[64];
	struct vv_frag f[1];

	make_frame(frame, 64, untagged_hdr, sizeof(untagged_hdr));
	one(f, frame, 13);
	CHECK(vv_frame_tag(f, 1, 0, 0x8100, 1) == VV_DROP_SHORT, "13 bytes");
	one(f, frame, 14);
	CHECK(vv_frame_tag(f, 1, 0, 0x8100, 1) == VV_FWD, "14 bytes");
	one(f, frame, 20);
	CHECK(vv_frame_tag(f, 1, 8, 0x8100, 1) == VV_DROP_SHORT,
	      "vnet header + 12");
	hdr_tagged(h, 0x8100, 10, 0x0800);
	make_frame(frame, 64, h, sizeof(h));
	one(f, frame, 17);
	CHECK(vv_frame_untag(f, 1, 0) == VV_DROP_SHORT, "17 tagged bytes");
	one(f, frame, 18);
	CHECK(vv_frame_untag(f, 1, 0) == VV_FWD && f[0].len == 14,
	      "18 tagged bytes");
	one(f, frame, 0);
	CHECK(vv_frame_tag(f, 1, 0, 0x8100, 1) == VV_DROP_SHORT, "empty");
}

static void table(struct vv_table *t, uint16_t flags, uint16_t native)
{
	struct vv_table_edit e[] = {
		{ VV_EDIT_TRUNK_SET, TRUNK, 0 },
		{ VV_EDIT_ACCESS_SET, P10, 10 },
		{ VV_EDIT_ACCESS_SET, P20, 20 },
		{ VV_EDIT_ACCESS_SET, P0, 0 },
	};
	unsigned int i;

	vv_table_init(t, flags, native);
	for (i = 0; i < 4; i++)
		vv_table_apply(t, &e[i]);
}

/* Forward a one-fragment frame; returns the verdict, *len the new length. */
static int fwd(const struct vv_table *t, uint32_t src, uint8_t *frame,
	       uint32_t *len, uint32_t *dst)
{
	struct vv_frag f = { bufs[0], *len, CAP };
	int v;

	memcpy(bufs[0], frame, *len);
	v = vv_forward(t, src, &f, 1, 0, dst);
	memcpy(frame, bufs[0], f.len);
	*len = f.len;
	return v;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void test_rules_8021q(void)
{
	uint8_t h[18], frame[128], orig[128];
	struct vv_table t;
	uint32_t len, dst;

	table(&t, 0, 0);
	/* Trunk, tagged VID 10 (PCP 5): untagged to VID 10's side. */
	hdr_tagged(h, 0x8100, 0xa00a, 0x0800);
	make_frame(orig, 100, h, sizeof(h));
	memcpy(frame, orig, 100);
	len = 100;
	CHECK(fwd(&t, TRUNK, frame, &len, &dst) == VV_FWD && dst == P10,
	      "trunk vid 10 -> %u", dst);
	CHECK(len == 96 && be16(frame + 12) == 0x0800 &&
	      !memcmp(frame + 14, orig + 18, 82), "untagged");

	/* Unknown VID, VID 4095, untagged, 802.1ad tag: dropped, unchanged. */
	hdr_tagged(h, 0x8100, 30, 0x0800);
	make_frame(frame, 100, h, sizeof(h));
	memcpy(orig, frame, 100);
	len = 100;
	CHECK(fwd(&t, TRUNK, frame, &len, &dst) == VV_DROP_UNKNOWN_VID &&
	      dst == VV_NOPORT, "unknown vid");
	CHECK(len == 100 && !memcmp(frame, orig, 100), "unchanged on drop");
	hdr_tagged(h, 0x8100, 0xefff, 0x0800);
	make_frame(frame, 100, h, sizeof(h));
	len = 100;
	CHECK(fwd(&t, TRUNK, frame, &len, &dst) == VV_DROP_RESERVED_VID,
	      "vid 4095");
	make_frame(frame, 100, untagged_hdr, sizeof(untagged_hdr));
	len = 100;
	CHECK(fwd(&t, TRUNK, frame, &len, &dst) == VV_DROP_UNTAGGED,
	      "untagged on trunk");
	hdr_tagged(h, 0x88a8, 10, 0x0800);
	make_frame(frame, 100, h, sizeof(h));
	len = 100;
	CHECK(fwd(&t, TRUNK, frame, &len, &dst) == VV_DROP_UNTAGGED,
	      "802.1ad tag on an 802.1Q trunk");
	/* VID 0 is an ordinary VID without a native VLAN. */
	hdr_tagged(h, 0x8100, 0x2000, 0x0800);
	make_frame(frame, 100, h, sizeof(h));
	len = 100;
	CHECK(fwd(&t, TRUNK, frame, &len, &dst) == VV_FWD && dst == P0 &&
	      len == 96, "vid 0 -> %u", dst);

	/* Access side: untagged gets the VID, PCP 0. */
	make_frame(orig, 100, untagged_hdr, sizeof(untagged_hdr));
	memcpy(frame, orig, 100);
	len = 100;
	CHECK(fwd(&t, P20, frame, &len, &dst) == VV_FWD && dst == TRUNK,
	      "access -> trunk");
	CHECK(len == 104 && be16(frame + 12) == 0x8100 &&
	      be16(frame + 14) == 20 && !memcmp(frame + 16, orig + 12, 88),
	      "tagged with 20");
	/* Tagged frames from access ports are dropped (any TPID). */
	hdr_tagged(h, 0x8100, 20, 0x0800);
	make_frame(frame, 100, h, sizeof(h));
	len = 100;
	CHECK(fwd(&t, P20, frame, &len, &dst) == VV_DROP_TAGGED,
	      "tagged from access");
	hdr_tagged(h, 0x8100, 0x0000, 0x0800);
	make_frame(frame, 100, h, sizeof(h));
	len = 100;
	CHECK(fwd(&t, P20, frame, &len, &dst) == VV_DROP_TAGGED,
	      "priority tag without KEEP_PCP");
	hdr_tagged(h, 0x9100, 20, 0x0800);
	make_frame(frame, 100, h, sizeof(h));
	len = 100;
	CHECK(fwd(&t, P20, frame, &len, &dst) == VV_DROP_TAGGED, "0x9100");

	/* No trunk, unknown sender, bad fragments. */
	make_frame(frame, 100, untagged_hdr, sizeof(untagged_hdr));
	len = 100;
	CHECK(fwd(&t, 7, frame, &len, &dst) == VV_DROP_UNKNOWN_PORT,
	      "unknown sender");
	len = 100;
	CHECK(fwd(&t, VV_NOPORT, frame, &len, &dst) == VV_DROP_UNKNOWN_PORT,
	      "NOPORT sender");
	{
		struct vv_table_edit e = { VV_EDIT_TRUNK_CLEAR, 0, 0 };
		struct vv_frag bad = { bufs[0], 100, 50 };

		CHECK(vv_forward(&t, P10, &bad, 1, 0, &dst) ==
		      VV_DROP_BAD_FRAGS, "len > cap");
		CHECK(vv_forward(&t, P10, &bad, 0, 0, &dst) ==
		      VV_DROP_BAD_FRAGS, "no fragment");
		bad.buf = NULL;
		bad.len = 10;
		CHECK(vv_forward(&t, P10, &bad, 1, 0, &dst) ==
		      VV_DROP_BAD_FRAGS, "NULL buffer");
		vv_table_apply(&t, &e);
		len = 100;
		CHECK(fwd(&t, P10, frame, &len, &dst) == VV_DROP_NO_TRUNK &&
		      len == 100, "no trunk");
		len = 100;
		CHECK(fwd(&t, TRUNK, frame, &len, &dst) ==
		      VV_DROP_UNKNOWN_PORT, "former trunk");
	}
}

static void test_native(void)
{
	uint8_t h[18], frame[128], orig[128];
	struct vv_table t;
	uint32_t len, dst;

	table(&t, VV_OPT_NATIVE, 20);
	make_frame(orig, 100, untagged_hdr, sizeof(untagged_hdr));
	memcpy(frame, orig, 100);
	len = 100;
	CHECK(fwd(&t, TRUNK, frame, &len, &dst) == VV_FWD && dst == P20 &&
	      len == 100 && !memcmp(frame, orig, 100), "untagged -> native");
	hdr_tagged(h, 0x8100, 0x6000, 0x0800);	/* priority-tagged */
	make_frame(frame, 100, h, sizeof(h));
	len = 100;
	CHECK(fwd(&t, TRUNK, frame, &len, &dst) == VV_FWD && dst == P20 &&
	      len == 96, "priority tag -> native, untagged");
	hdr_tagged(h, 0x8100, 20, 0x0800);
	make_frame(frame, 100, h, sizeof(h));
	len = 100;
	CHECK(fwd(&t, TRUNK, frame, &len, &dst) == VV_FWD && dst == P20 &&
	      len == 96, "tagged native VID accepted");
	memcpy(frame, orig, 100);
	len = 100;
	CHECK(fwd(&t, P20, frame, &len, &dst) == VV_FWD && dst == TRUNK &&
	      len == 100 && !memcmp(frame, orig, 100),
	      "native access -> trunk untagged");
	len = 100;
	CHECK(fwd(&t, P10, frame, &len, &dst) == VV_FWD && len == 104 &&
	      be16(frame + 14) == 10, "other VIDs still tagged");
	/* Native VID without access ports: untagged frames are dropped. */
	table(&t, VV_OPT_NATIVE, 99);
	memcpy(frame, orig, 100);
	len = 100;
	CHECK(fwd(&t, TRUNK, frame, &len, &dst) == VV_DROP_UNKNOWN_VID,
	      "native VID unused");
}

static void test_keep_pcp(void)
{
	uint8_t h[18], frame[128], orig[128];
	struct vv_table t;
	uint32_t len, dst;

	table(&t, VV_OPT_KEEP_PCP, 0);
	hdr_tagged(h, 0x8100, 0xb00a, 0x0800);	/* PCP 5, DEI 1, VID 10 */
	make_frame(orig, 100, h, sizeof(h));
	memcpy(frame, orig, 100);
	len = 100;
	CHECK(fwd(&t, TRUNK, frame, &len, &dst) == VV_FWD && dst == P10 &&
	      len == 100 && be16(frame + 14) == 0xb000,
	      "trunk -> priority tag %04x", be16(frame + 14));
	/* ... and back: the VID is put back, PCP and DEI kept. */
	CHECK(fwd(&t, P10, frame, &len, &dst) == VV_FWD && dst == TRUNK &&
	      len == 100 && !memcmp(frame, orig, 100), "round trip");
	make_frame(frame, 100, untagged_hdr, sizeof(untagged_hdr));
	len = 100;
	CHECK(fwd(&t, P10, frame, &len, &dst) == VV_FWD && len == 104 &&
	      be16(frame + 14) == 10, "untagged still tagged with PCP 0");
	hdr_tagged(h, 0x8100, 0xb005, 0x0800);
	make_frame(frame, 100, h, sizeof(h));
	len = 100;
	CHECK(fwd(&t, P10, frame, &len, &dst) == VV_DROP_TAGGED,
	      "real tag from access");
	hdr_tagged(h, 0x8100, 0xb000, 0x0800);
	make_frame(frame, 16, h, sizeof(h));
	len = 16;
	CHECK(fwd(&t, P10, frame, &len, &dst) == VV_DROP_SHORT,
	      "short priority tag");
}

static void test_dot1ad(void)
{
	uint8_t h[22], frame[128], orig[128];
	struct vv_table t;
	uint32_t len, dst;

	table(&t, VV_OPT_DOT1AD, 0);
	/* S-tag 10 around C-tag 7. */
	hdr_tagged(h, 0x88a8, 10, 0x8100);
	h[18] = 0x00;
	h[19] = 0x07;
	h[20] = 0x08;
	h[21] = 0x00;
	make_frame(orig, 100, h, sizeof(h));
	memcpy(frame, orig, 100);
	len = 100;
	CHECK(fwd(&t, TRUNK, frame, &len, &dst) == VV_FWD && dst == P10 &&
	      len == 96 && be16(frame + 12) == 0x8100 &&
	      be16(frame + 14) == 7, "S-tag removed, C-tag kept");
	CHECK(fwd(&t, P10, frame, &len, &dst) == VV_FWD && dst == TRUNK &&
	      len == 100 && !memcmp(frame, orig, 100), "S-tag added back");
	hdr_tagged(h, 0x8100, 10, 0x0800);
	make_frame(frame, 100, h, sizeof(h));
	len = 100;
	CHECK(fwd(&t, TRUNK, frame, &len, &dst) == VV_DROP_UNTAGGED,
	      "C-tagged only on an 802.1ad trunk");
	hdr_tagged(h, 0x88a8, 10, 0x0800);
	make_frame(frame, 100, h, sizeof(h));
	len = 100;
	CHECK(fwd(&t, P10, frame, &len, &dst) == VV_DROP_TAGGED,
	      "S-tag from access");
}

static void test_table_apply(void)
{
	struct vv_table t;
	struct vv_table_edit bad_port = { VV_EDIT_TRUNK_SET, 256, 0 };
	struct vv_table_edit bad_vid = { VV_EDIT_ACCESS_SET, 1, 4095 };
	struct vv_table_edit bad_kind = { 99, 1, 1 };
	struct vv_table_edit clear = { VV_EDIT_ACCESS_CLEAR, P10, 10 };

	table(&t, 0, 0);
	CHECK(vv_table_apply(&t, &bad_port) == -EINVAL, "port 256");
	CHECK(vv_table_apply(&t, &bad_vid) == -EINVAL, "vid 4095");
	CHECK(vv_table_apply(&t, &bad_kind) == -EINVAL, "kind");
	CHECK(vv_table_apply(&t, &clear) == 0 && t.vid_port[10] == VV_NOPORT &&
	      t.port_vid[P10] == VV_VID_NONE, "clear");
	CHECK(!strcmp(vv_verdict_name(VV_DROP_TAGGED), "tagged") &&
	      !strcmp(vv_verdict_name(99), "invalid"), "verdict names");
}

/* A multi-slot frame through vv_forward with a virtio-net header. */
static void test_forward_fragments_vnet(void)
{
	uint8_t frame[300], got[310];
	uint32_t lens[] = { 20, 3, 100 }, dst;
	struct vv_frag f[4];
	struct vv_table t;
	unsigned int n;

	table(&t, 0, 0);
	memset(frame, 0xee, 10);			/* vnet header */
	make_frame(frame + 10, 290, untagged_hdr, sizeof(untagged_hdr));
	n = split(f, frame, 300, lens, 4, CAP);
	CHECK(vv_forward(&t, P10, f, n, 10, &dst) == VV_FWD && dst == TRUNK,
	      "forward");
	CHECK(join(f, n, got) == 304 && !memcmp(got, frame, 22) &&
	      be16(got + 22) == 0x8100 && be16(got + 24) == 10 &&
	      !memcmp(got + 26, frame + 22, 278), "vnet header kept");
	CHECK(vv_forward(&t, TRUNK, f, n, 10, &dst) == VV_FWD && dst == P10 &&
	      join(f, n, got) == 300 && !memcmp(got, frame, 300),
	      "and back, untagged");
}


/* The edit of act applied to a flat frame by hand: the reference. */
static uint32_t ref_edit(const uint8_t *in, uint32_t len, uint32_t l2off,
			 const struct vv_action *act, uint8_t *out)
{
	uint32_t at = l2off + 12;

	switch (act->kind) {
	case VV_ACT_TAG:
		memcpy(out, in, at);
		out[at] = (uint8_t)(act->tpid >> 8);
		out[at + 1] = (uint8_t)act->tpid;
		out[at + 2] = (uint8_t)(act->tci >> 8);
		out[at + 3] = (uint8_t)act->tci;
		memcpy(out + at + 4, in + at, len - at);
		return len + 4;
	case VV_ACT_UNTAG:
		memcpy(out, in, at);
		memcpy(out + at, in + at + 4, len - at - 4);
		return len - 4;
	case VV_ACT_SET_TCI:
		memcpy(out, in, len);
		out[at + 2] = (uint8_t)(act->tci >> 8);
		out[at + 3] = (uint8_t)act->tci;
		return len;
	}
	memcpy(out, in, len);
	return len;
}

/* Copy frame (len bytes) split at p and q with act; 0 when as wanted. */
static int copy_split(const uint8_t *frame, uint32_t len, uint32_t p,
		      uint32_t q, uint32_t off, const struct vv_action *act,
		      const uint8_t *want, uint32_t wlen)
{
	uint32_t lens[2] = { p, q - p }, got;
	unsigned int n = q == p ? 2 : 3;
	struct vv_frag f[3];
	uint8_t out[120];
	int v, bad = 0;

	split(f, frame, len, lens, n, CAP);
	memset(out, 0x55, sizeof(out));
	v = vv_copy_edit(out, wlen, f, n, off, act, &got);
	if (v != VV_FWD || got != wlen || memcmp(out, want, wlen) ||
	    out[wlen] != 0x55)
		bad = 1;
	memset(out, 0x55, sizeof(out));
	v = vv_copy_edit(out, wlen - 1, f, n, off, act, &got);
	if (v != VV_DROP_NOROOM || got != 0 || out[0] != 0x55)
		bad = 1;
	return bad;
}

/*
 * vv_copy_edit across every split of the header: two fragments split at
 * each position 0..len, and three fragments split at every pair of positions
 * inside the first 20 bytes (the 12 MAC bytes, the 4 tag bytes and beyond);
 * each edit, with l2off 0 and 10, against ref_edit(). Exact room works, one
 * byte less is no-room with the output untouched.
 */
static void test_copy_edit_splits(void)
{
	static const struct vv_action acts[] = {
		{ VV_ACT_NONE, 0, 0 },
		{ VV_ACT_TAG, VV_TPID_8021Q, 0x2abc },
		{ VV_ACT_TAG, VV_TPID_8021AD, 0x0005 },
		{ VV_ACT_UNTAG, 0, 0 },
		{ VV_ACT_SET_TCI, 0, 0xe00a },
	};
	uint8_t frame[100], want[110], out[120], hdr[18];
	uint32_t got, wlen, off, len = 64, p, q;
	unsigned int a, bad = 0, runs = 0;
	int v;

	hdr_tagged(hdr, VV_TPID_8021Q, 0x0014, 0x0800);
	for (off = 0; off <= 10; off += 10) {
		memset(frame, 0xee, off);
		make_frame(frame + off, len - off, hdr, sizeof(hdr));
		for (a = 0; a < sizeof(acts) / sizeof(acts[0]); a++) {
			wlen = ref_edit(frame, len, off, &acts[a], want);
			for (p = 0; p <= len; p++) {
				for (q = p; q <= (p < 20 ? 20u : p); q++) {
					bad += copy_split(frame, len, p, q, off,
							  &acts[a], want, wlen);
					runs++;
				}
			}
			/* the inline one-buffer version gives the same */
			memset(out, 0x55, sizeof(out));
			v = vv_copy_edit_flat(out, sizeof(out), frame, len, off,
					      &acts[a], &got);
			CHECK(v == VV_FWD && got == wlen &&
			      !memcmp(out, want, wlen),
			      "flat copy, action %u, l2off %u", a, off);
		}
	}
	CHECK(bad == 0, "%u of %u split copies differ from the reference", bad,
	      runs);
}

/* vv_copy_edit refuses what the edit cannot be applied to. */
static void test_copy_edit_limits(void)
{
	struct vv_action tag = { VV_ACT_TAG, VV_TPID_8021Q, 10 };
	struct vv_action untag = { VV_ACT_UNTAG, 0, 0 };
	struct vv_action set = { VV_ACT_SET_TCI, 0, 10 };
	struct vv_action junk = { 9, 0, 0 };
	uint8_t frame[64], out[80];
	struct vv_frag f;
	uint32_t got = 1;

	make_frame(frame, 64, untagged_hdr, sizeof(untagged_hdr));
	one(&f, frame, 13);
	CHECK(vv_copy_edit(out, 80, &f, 1, 0, &tag, &got) == VV_DROP_SHORT &&
	      got == 0, "tag: 13 bytes is short");
	one(&f, frame, 14);
	CHECK(vv_copy_edit(out, 80, &f, 1, 0, &tag, &got) == VV_FWD &&
	      got == 18, "tag: 14 bytes is enough");
	one(&f, frame, 17);
	CHECK(vv_copy_edit(out, 80, &f, 1, 0, &untag, &got) == VV_DROP_SHORT,
	      "untag: 17 bytes is short");
	CHECK(vv_copy_edit(out, 80, &f, 1, 0, &set, &got) == VV_DROP_SHORT,
	      "set TCI: 17 bytes is short");
	one(&f, frame, 18);
	CHECK(vv_copy_edit(out, 80, &f, 1, 0, &untag, &got) == VV_FWD &&
	      got == 14, "untag: 18 bytes is enough");
	CHECK(vv_copy_edit(out, 80, &f, 1, 0, &junk, &got) ==
	      VV_DROP_BAD_FRAGS, "unknown action");
	CHECK(vv_copy_edit(out, 80, &f, 0, 0, &tag, &got) == VV_DROP_BAD_FRAGS,
	      "no fragment");
	f.len = f.cap + 1;
	CHECK(vv_copy_edit(out, 80, &f, 1, 0, &tag, &got) == VV_DROP_BAD_FRAGS,
	      "len > cap");
}

static const uint16_t tpids[] = {
	VV_TPID_8021Q, VV_TPID_8021AD, VV_TPID_QINQ_OLD, 0x0800,
};
static const uint16_t vids[] = { 0, 10, 20, 30, 4095 };
static const uint16_t opts[][2] = {
	{ 0, 0 },
	{ VV_OPT_NATIVE, 20 },
	{ VV_OPT_NATIVE, 0 },
	{ VV_OPT_KEEP_PCP, 0 },
	{ VV_OPT_NATIVE | VV_OPT_KEEP_PCP, 10 },
	{ VV_OPT_DOT1AD, 0 },
	{ VV_OPT_DOT1AD | VV_OPT_NATIVE, 20 },
};

/*
 * vv_classify against vv_forward on random frames, senders, tables and
 * fragmentations: the same verdict and destination; the frame and its
 * fragment list untouched; on forward, vv_copy_edit of the original and
 * vv_apply on a copy both give the bytes vv_forward wrote in place.
 */
static void test_classify_matches_forward(void)
{
	static const uint32_t srcs[] = { TRUNK, P10, P20, P0, 7, VV_NOPORT };
	uint8_t frame[120], before[120], fwd_out[130], copy_out[130];
	uint8_t app_out[130];
	struct vv_frag f[4], g[4], saved[4];
	struct vv_table t;
	unsigned int iter, o = 0, bad_verdict = 0, bad_touch = 0, bad_bytes = 0;
	unsigned int fwds = 0, acts_seen[4] = { 0 };

	for (iter = 0; iter < 40000; iter++) {
		uint32_t off = rnd() % 4 == 0 ? 10 : 0;
		uint32_t len = off + rnd() % 70, lens[4], rest = len;
		uint32_t src = srcs[rnd() % 6], d1, d2, clen, i, flen;
		unsigned int n = 1 + rnd() % 4;
		int at_end = rnd() % 3 == 0;	/* the frame ends its buffer */
		struct vv_action act;
		uint8_t hdr[18];
		int v1, v2, v;

		if (iter % 2000 == 0) {
			table(&t, opts[o][0], opts[o][1]);
			o = (o + 1) % (sizeof(opts) / sizeof(opts[0]));
		}
		hdr_tagged(hdr, tpids[rnd() % 4],
			   (uint16_t)((rnd() & 0xf000) | vids[rnd() % 5]),
			   tpids[rnd() % 4]);
		for (i = 0; i < off; i++)
			frame[i] = (uint8_t)rnd();
		make_frame(frame + off, len - off, hdr, sizeof(hdr));
		for (i = 0; i + 1 < n; i++) {
			lens[i] = rnd() % (rest + 1);
			if (lens[i] > 20)
				lens[i] = rnd() % 20;
			if (lens[i] > rest)
				lens[i] = rest;
			rest -= lens[i];
		}
		split(f, frame, len, lens, n, CAP);
		if (at_end)
			f[n - 1].cap = f[n - 1].len;
		memcpy(saved, f, sizeof(f));
		memcpy(before, frame, len);
		v1 = vv_classify(&t, src, f, n, off, &d1, &act);
		if (memcmp(saved, f, sizeof(f)) ||
		    join(f, n, fwd_out) != len || memcmp(fwd_out, before, len))
			bad_touch++;
		/* copy out and apply on a copy before vv_forward edits f */
		v = vv_copy_edit(copy_out, sizeof(copy_out), f, n, off, &act,
				 &clen);
		memcpy(g, f, sizeof(f));
		for (i = 0; i < n; i++) {
			g[i].buf = bufs[4 + i];
			memcpy(bufs[4 + i], f[i].buf, f[i].len);
		}
		v2 = vv_forward(&t, src, f, n, off, &d2);
		flen = join(f, n, fwd_out);
		if (v1 != v2 || d1 != d2 ||
		    (v1 != VV_FWD && act.kind != VV_ACT_NONE)) {
			bad_verdict++;
			continue;
		}
		if (v1 != VV_FWD)
			continue;
		fwds++;
		acts_seen[act.kind]++;
		if (v != VV_FWD || clen != flen ||
		    memcmp(copy_out, fwd_out, flen))
			bad_bytes++;
		if (vv_apply(g, n, off, &act) != VV_FWD ||
		    join(g, n, app_out) != flen ||
		    memcmp(app_out, fwd_out, flen))
			bad_bytes++;
	}
	CHECK(bad_verdict == 0, "%u verdicts differ", bad_verdict);
	CHECK(bad_touch == 0, "%u frames touched by vv_classify", bad_touch);
	CHECK(bad_bytes == 0, "%u edits differ from vv_forward", bad_bytes);
	CHECK(fwds > 1000 && acts_seen[VV_ACT_NONE] && acts_seen[VV_ACT_TAG] &&
	      acts_seen[VV_ACT_UNTAG] && acts_seen[VV_ACT_SET_TCI],
	      "coverage: %u forwarded, actions %u %u %u %u", fwds,
	      acts_seen[0], acts_seen[1], acts_seen[2], acts_seen[3]);
}

/* The classifier's verdicts on the cases uvale relies on. */
static void test_classify_cases(void)
{
	uint8_t frame[80], hdr[18];
	struct vv_action act;
	struct vv_frag f;
	struct vv_table t;
	uint32_t dst;

	table(&t, 0, 0);
	make_frame(frame, 60, untagged_hdr, sizeof(untagged_hdr));
	one(&f, frame, 60);
	CHECK(vv_classify(&t, P10, &f, 1, 0, &dst, &act) == VV_FWD &&
	      dst == TRUNK && act.kind == VV_ACT_TAG &&
	      act.tpid == VV_TPID_8021Q && act.tci == 10, "access: tag");
	f.cap = f.len + 3;
	CHECK(vv_classify(&t, P10, &f, 1, 0, &dst, &act) == VV_DROP_NOROOM &&
	      dst == VV_NOPORT && act.kind == VV_ACT_NONE,
	      "access at the buffer end: no room");
	hdr_tagged(hdr, VV_TPID_8021Q, 0x6014, 0x0800);
	make_frame(frame, 64, hdr, sizeof(hdr));
	one(&f, frame, 64);
	f.cap = f.len;
	CHECK(vv_classify(&t, TRUNK, &f, 1, 0, &dst, &act) == VV_FWD &&
	      dst == P20 && act.kind == VV_ACT_UNTAG,
	      "trunk: untag needs no room");
	table(&t, VV_OPT_KEEP_PCP, 0);
	CHECK(vv_classify(&t, TRUNK, &f, 1, 0, &dst, &act) == VV_FWD &&
	      dst == P20 && act.kind == VV_ACT_SET_TCI && act.tci == 0x6000,
	      "keep-pcp: priority tag left");
}

int main(void)
{
	test_tag_untag_fragments();
	test_untag_split_tag();
	test_untag_short_last();
	test_buffer_end();
	test_short_frames();
	test_rules_8021q();
	test_native();
	test_keep_pcp();
	test_dot1ad();
	test_table_apply();
	test_forward_fragments_vnet();
	test_copy_edit_splits();
	test_copy_edit_limits();
	test_classify_matches_forward();
	test_classify_cases();
	return vv_summary("test_vlan_core");
}
