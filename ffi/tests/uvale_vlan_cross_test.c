/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvale: batches that cross from one switch into the next through a port
 * attached to two switches, where the next switch forwards them directly
 * (uvale_sync.c, cross_direct()) until a frame needs the general pass: a
 * second destination, a broadcast, or a destination that is itself attached
 * to two switches. Topology: ephemeral x on valeP, persistent tp0 on valeP
 * and trunk of VLAN conf cx, access ports a10 and b10 on VID 10.
 */
#include "../uvale/uvale_testlib.h"
#include "vale_vlan_abi.h"

#define SEQ_OFF 20 /* a sequence byte in the untagged frame */

static struct vv_req rec(uint16_t action, const char *port, uint16_t vid)
{
	struct vv_req r;

	memset(&r, 0, sizeof(r));
	r.vr_version = VV_ABI_VERSION;
	r.vr_action = action;
	r.vr_vid = vid;
	snprintf(r.vr_conf, sizeof(r.vr_conf), "cx");
	if (port)
		snprintf(r.vr_port, sizeof(r.vr_port), "%s", port);
	return r;
}

/* queue n frames to dst[i] (seq i, tagged with VID 10 when tagged), one txsync */
static void send_batch(struct t_port *p, int n, const uint8_t *dst, uint8_t src, int tagged)
{
	struct nma_ring *r = t_txring(p, 0);

	for (int i = 0; i < n; i++) {
		struct nma_slot *s = &r->slot[r->head];
		char *b = t_buf(r, s->buf_idx);
		uint16_t len = 60;

		t_frame(b, len, dst[i], src, 'c');
		b[SEQ_OFF] = (char)i;
		if (tagged) {
			memmove(b + 16, b + 12, (size_t)len - 12);
			b[12] = (char)0x81;
			b[13] = 0;
			b[14] = 0;
			b[15] = 10;
			len += 4;
		}
		s->len = len;
		s->flags = 0;
		r->head = r->cur = t_next(r, r->head);
	}
	nms_txsync(p->fd);
}

/* receive everything (waiting up to 300 ms for the first); the sequence
 * bytes of the frames of length len (tagged with VID 10 when tagged) go to
 * seq, others count as -1; returns how many arrived */
static int recv_all(struct t_port *p, int *seq, int max, int tagged)
{
	struct nma_ring *r = t_rxring(p, 0);
	int n = 0;

	if (r->head == r->tail)
		nms_poll(p->fd, POLLIN, 300);
	nms_rxsync(p->fd);
	for (; r->head != r->tail && n < max; r->head = r->cur = t_next(r, r->head)) {
		const uint8_t *b = (const uint8_t *)t_buf(r, r->slot[r->head].buf_idx);
		int ok = tagged ? r->slot[r->head].len == 64 && b[12] == 0x81 && b[15] == 10
				: r->slot[r->head].len == 60 && b[12] == 0x08;

		seq[n++] = ok ? b[SEQ_OFF + (tagged ? 4 : 0)] : -1;
	}
	r->head = r->cur = r->tail;
	nms_rxsync(p->fd);
	return n;
}

static void expect_seq(const char *what, struct t_port *p, int tagged, const int *want, int n)
{
	int got[64], k = recv_all(p, got, 64, tagged);

	CHECK(k == n, "%s: %d frames, expected %d", what, k, n);
	for (int i = 0; i < k && i < n; i++)
		CHECK(got[i] == want[i], "%s: frame %d has seq %d, expected %d", what, i, got[i],
		      want[i]);
}

int main(void)
{
	struct nma_req_vale_newif nif = { 0 };
	struct nma_req_vale_attach at = { .reg.nr_mode = NMA_REG_ALL_NIC };
	struct vv_req up[4] = { rec(VV_CREATE_CONF, NULL, 0), rec(VV_ATTACH_TRUNK, "tp0", 0),
				rec(VV_CREATE_ACCESS, "a10", 10), rec(VV_CREATE_ACCESS, "b10", 10) };
	struct vv_req down[4] = { rec(VV_DESTROY_ACCESS, "a10", 0), rec(VV_DESTROY_ACCESS, "b10", 0),
				  rec(VV_DETACH_TRUNK, "", 0), rec(VV_DELETE_CONF, NULL, 0) };
	struct t_port x, a, b;
	int vfd, junk[64];
	const uint8_t MX = 0x31, MA = 0x3a, MB = 0x3b, BC = 0xff;

	t_setup("vlan_cross");
	vfd = nms_vlan_open();
	if (vfd == -EOPNOTSUPP) {
		printf("uvale_vlan_cross: SKIP (no VLAN support: %s)\n", nms_last_error());
		nms_uvale_stop();
		return t_finish("uvale_vlan_cross");
	}
	CHECK(vfd >= 0, "nms_vlan_open: %d", vfd);
	CHECK_EQ(t_ctl("tp0", NMA_REQ_VALE_NEWIF, &nif), 0);
	CHECK_EQ(t_ctl("valeP:tp0", NMA_REQ_VALE_ATTACH, &at), 0);
	CHECK_EQ(nms_vlan_write(vfd, up, sizeof(up)), (long long)sizeof(up));
	CHECK_EQ(t_open(&x, "valeP:x"), 0);
	CHECK_EQ(t_open(&a, "a10"), 0);
	CHECK_EQ(t_open(&b, "b10"), 0);
	if (failures)
		return t_finish("uvale_vlan_cross");

	/* every port announces itself, so that the learning switches know it */
	send_batch(&x, 1, &BC, MX, 1);
	send_batch(&a, 1, &BC, MA, 0);
	send_batch(&b, 1, &BC, MB, 0);
	recv_all(&x, junk, 64, 1);
	recv_all(&a, junk, 64, 0);
	recv_all(&b, junk, 64, 0);

	/* a10 -> x: into the tagging switch directly, whose destination (tp0)
	 * is attached to two switches: the general pass carries it on to valeP */
	{
		const uint8_t d[4] = { MX, MX, MX, MX };
		const int want[4] = { 0, 1, 2, 3 };

		send_batch(&a, 4, d, MA, 0);
		expect_seq("a10 -> x, tagged", &x, 1, want, 4);
		expect_seq("a10 -> x: nothing for b10", &b, 0, want, 0);
	}
	/* x -> a10 and b10 in turn: valeV10 forwards directly until the second
	 * destination, then the general pass takes the rest, in order */
	{
		const uint8_t d[8] = { MA, MB, MA, MB, MA, MB, MA, MB };
		const int wa[4] = { 0, 2, 4, 6 }, wb[4] = { 1, 3, 5, 7 };

		send_batch(&x, 8, d, MX, 1);
		expect_seq("x -> a10, untagged", &a, 0, wa, 4);
		expect_seq("x -> b10, untagged", &b, 0, wb, 4);
	}
	/* a broadcast in the middle of a batch for one port */
	{
		const uint8_t d[4] = { MA, MA, BC, MA };
		const int wa[4] = { 0, 1, 2, 3 }, wb[1] = { 2 };

		send_batch(&x, 4, d, MX, 1);
		expect_seq("x -> a10 with a broadcast", &a, 0, wa, 4);
		expect_seq("x -> b10: the broadcast", &b, 0, wb, 1);
	}
	t_close(&x);
	t_close(&a);
	t_close(&b);
	CHECK_EQ(nms_vlan_write(vfd, down, sizeof(down)), (long long)sizeof(down));
	CHECK_EQ(nms_vlan_close(vfd), 0);
	return t_finish("uvale_vlan_cross");
}
