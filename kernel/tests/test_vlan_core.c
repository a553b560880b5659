// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_vlan_core - the per-frame VLAN rules of kernel/vlan_core.c: tag and
 * untag across any fragmentation, buffer ends, short frames, every drop
 * rule, and the native VLAN / keep-PCP / 802.1ad options.
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
	return vv_summary("test_vlan_core");
}
