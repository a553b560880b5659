/* SPDX-License-Identifier: BSD-2-Clause */
/* uvale: extra buffers, NS_BUF_CHANGED swaps, bad slots and rings (the
 * txsync prologue), and the offsets option (reference §5.8). */
#include "../uvale/uvale_testlib.h"

static struct nma_req_opt_offsets offs(uint64_t initial, uint64_t max, uint32_t bits)
{
	struct nma_req_opt_offsets o;

	memset(&o, 0, sizeof(o));
	o.nro_opt.nro_reqtype = NMA_REQ_OPT_OFFSETS;
	o.nro_initial_offset = initial;
	o.nro_max_offset = max;
	o.nro_offset_bits = bits;
	return o;
}

static void test_extra(void)
{
	struct t_port a, b;
	struct nma_ring *tx;
	uint32_t head, n = 0, idx, old;
	char *buf;

	CHECK_EQ(t_open_ex(&a, "vale0:e", NMA_REG_ALL_NIC, 0, 12, NULL), 0);
	CHECK_EQ(a.reg.nr_extra_bufs, 12);
	tx = t_txring(&a, 0);
	head = a.nifp->ni_bufs_head;
	for (uint32_t i = head; i != 0 && n < 100; n++) {
		CHECK(i >= 2 && i < 20482 + 12 + 2, "extra index %u", i);
		i = *(uint32_t *)t_buf(tx, i);
	}
	CHECK_EQ(n, 12);
	/* put an extra buffer into a tx slot and send from it */
	CHECK_EQ(t_open(&b, "vale0:f"), 0);
	idx = head;
	a.nifp->ni_bufs_head = *(uint32_t *)t_buf(tx, idx);
	old = tx->slot[tx->head].buf_idx;
	buf = t_buf(tx, idx);
	t_frame(buf, 100, 0xff, 1, 'e');
	tx->slot[tx->head].buf_idx = idx;
	tx->slot[tx->head].len = 100;
	tx->slot[tx->head].flags = NMA_NS_BUF_CHANGED;
	tx->head = tx->cur = t_next(tx, tx->head);
	CHECK_EQ(nms_txsync(a.fd), 0);
	CHECK_EQ(tx->slot[0].flags & NMA_NS_BUF_CHANGED, 0);
	CHECK_EQ(t_recv(&b, 1, 100, 'e', 500), 1);
	*(uint32_t *)t_buf(tx, old) = a.nifp->ni_bufs_head;
	a.nifp->ni_bufs_head = old;
	/* the allocator of a new port is sized for its extra buffers */
	{
		struct t_port c;

		CHECK_EQ(t_open_ex(&c, "vale0:g", NMA_REG_ALL_NIC, 0, 5000, NULL), 0);
		CHECK_EQ(c.reg.nr_extra_bufs, 5000);
		CHECK_EQ(c.reg.nr_memsize, 42369024 + 5000 * 2048);
		t_close(&c);
	}
	t_close(&a);
	t_close(&b);
}

static void test_bad_slots(void)
{
	struct t_port a, b;
	struct nma_ring *tx;

	CHECK_EQ(t_open(&a, "vale1:a"), 0);
	CHECK_EQ(t_open(&b, "vale1:b"), 0);
	tx = t_txring(&a, 0);
	/* an index beyond the pool reads buffer 0; a length beyond the buffer
	 * is an empty frame: nothing crashes, nothing arrives */
	tx->slot[0].buf_idx = 0xfffffff0u;
	tx->slot[0].len = 100;
	tx->slot[1].len = 4000;
	tx->head = tx->cur = 2;
	CHECK_EQ(nms_txsync(a.fd), 0);
	CHECK_EQ(tx->tail, 1);
	CHECK_EQ(t_recv(&b, 2, 100, 0, 30), 0);
	tx->slot[0].buf_idx = 1026;
	/* head beyond the ring: the ring is reinitialised */
	tx->head = 3000;
	tx->cur = 3000;
	tx->tail = 7;
	CHECK_EQ(nms_txsync(a.fd), 0);
	CHECK_EQ(tx->head, 2);
	CHECK_EQ(tx->cur, 2);
	CHECK_EQ(tx->tail, 1);
	CHECK_EQ(t_send(&a, 1, 60, 0xff, 1, 'k'), 1);
	CHECK_EQ(t_recv(&b, 1, 60, 'k', 500), 1);
	t_close(&a);
	t_close(&b);
}

static void test_offsets(void)
{
	struct nma_req_opt_offsets o;
	struct t_port a, b, c;
	struct nma_ring *tx, *rx;

	o = offs(64, 128, 0);
	CHECK_EQ(t_open_ex(&a, "vale2:a", NMA_REG_ALL_NIC, 0, 0, &o.nro_opt), 0);
	CHECK_EQ(o.nro_opt.nro_status, 0);
	CHECK_EQ(o.nro_max_offset, 128);
	CHECK_EQ(o.nro_offset_bits, 0); /* never written back */
	tx = t_txring(&a, 0);
	CHECK(tx->offset_mask == ~0ull, "mask %llx", (unsigned long long)tx->offset_mask);
	CHECK_EQ(tx->slot[5].ptr, 64);
	/* errors, each with the status set */
	o = offs(0, 0, 65);
	CHECK_EQ(t_open_ex(&b, "vale2:b", NMA_REG_ALL_NIC, 0, 0, &o.nro_opt), -EINVAL);
	CHECK_EQ(o.nro_opt.nro_status, EINVAL);
	o = offs(0, 4096, 0);
	CHECK_EQ(t_open_ex(&b, "vale2:b", NMA_REG_ALL_NIC, 0, 0, &o.nro_opt), -EINVAL);
	o = offs(0, 64, 4);
	CHECK_EQ(t_open_ex(&b, "vale2:b", NMA_REG_ALL_NIC, 0, 0, &o.nro_opt), -EINVAL);
	o = offs(200, 100, 0);
	CHECK_EQ(t_open_ex(&b, "vale2:b", NMA_REG_ALL_NIC, 0, 0, &o.nro_opt), -EINVAL);
	CHECK_EQ(o.nro_max_offset, 100); /* bodies are not written back on error */
	/* a ring already in use: a larger max is EBUSY, a smaller one adopts */
	o = offs(0, 256, 0);
	CHECK_EQ(t_open_ex(&b, "vale2:a", NMA_REG_ALL_NIC, 0, 0, &o.nro_opt), -EBUSY);
	CHECK_EQ(o.nro_opt.nro_status, EBUSY);
	o = offs(0, 32, 0);
	CHECK_EQ(t_open_ex(&b, "vale2:a", NMA_REG_ALL_NIC, 0, 0, &o.nro_opt), 0);
	CHECK_EQ(o.nro_max_offset, 128);
	t_close(&b);
	/* data: sent at offset 64, received at offset 0 + (64 mod 64) */
	o = offs(0, 128, 16);
	CHECK_EQ(t_open_ex(&c, "vale2:c", NMA_REG_ALL_NIC, 0, 0, &o.nro_opt), 0);
	rx = t_rxring(&c, 0);
	CHECK_EQ(rx->offset_mask, 0xffff);
	{
		struct nma_slot *s = &tx->slot[tx->head];

		t_frame(t_buf(tx, s->buf_idx) + 64, 80, 0xff, 1, 'o');
		s->len = 80;
		tx->head = tx->cur = t_next(tx, tx->head);
		CHECK_EQ(nms_txsync(a.fd), 0);
		CHECK_EQ(nms_poll(c.fd, POLLIN, 500), POLLIN);
		s = &rx->slot[rx->head];
		CHECK_EQ(s->len, 80);
		CHECK_EQ(s->ptr & rx->offset_mask, 0);
		CHECK_EQ(t_buf(rx, s->buf_idx)[79], 'o');
		/* a length beyond buffer - offset is an empty frame */
		s = &tx->slot[tx->head];
		s->len = 2000;
		tx->head = tx->cur = t_next(tx, tx->head);
		CHECK_EQ(nms_txsync(a.fd), 0);
	}
	t_close(&a);
	t_close(&c);
	/* pipes carry the offset with the slot */
	o = offs(0, 256, 0);
	CHECK_EQ(t_open_ex(&a, "pipeO{1", NMA_REG_ALL_NIC, 0, 0, &o.nro_opt), 0);
	CHECK_EQ(t_open(&b, "pipeO}1"), 0);
	tx = t_txring(&a, 0);
	tx->slot[0].ptr = 200;
	t_frame(t_buf(tx, tx->slot[0].buf_idx) + 200, 60, 0xff, 1, 'w');
	tx->slot[0].len = 60;
	tx->head = tx->cur = 1;
	CHECK_EQ(nms_txsync(a.fd), 0);
	CHECK_EQ(nms_poll(b.fd, POLLIN, 500), POLLIN);
	rx = t_rxring(&b, 0);
	CHECK_EQ(rx->slot[0].ptr, 200);
	CHECK_EQ(rx->offset_mask, ~0ull);
	CHECK_EQ(t_buf(rx, rx->slot[0].buf_idx)[200 + 59], 'w');
	t_close(&a);
	t_close(&b);
}

static void test_morefrag(void)
{
	struct t_port a, b;
	struct nma_ring *tx, *rx;

	CHECK_EQ(t_open(&a, "vale3:a"), 0);
	CHECK_EQ(t_open(&b, "vale3:b"), 0);
	tx = t_txring(&a, 0);
	for (int i = 0; i < 3; i++) {
		struct nma_slot *s = &tx->slot[i];

		memset(t_buf(tx, s->buf_idx), 'm', 2048);
		if (i == 0)
			t_frame(t_buf(tx, s->buf_idx), 2048, 0xff, 1, 'm');
		s->len = i == 2 ? 500 : 2048;
		s->flags = i == 2 ? 0 : NMA_NS_MOREFRAG;
	}
	tx->head = tx->cur = 3;
	CHECK_EQ(nms_txsync(a.fd), 0);
	CHECK_EQ(nms_poll(b.fd, POLLIN, 500), POLLIN);
	rx = t_rxring(&b, 0);
	CHECK_EQ(t_space(rx), 3);
	CHECK_EQ(rx->slot[0].flags, (3 << 8) | NMA_NS_MOREFRAG);
	CHECK_EQ(rx->slot[1].flags, (3 << 8) | NMA_NS_MOREFRAG);
	CHECK_EQ(rx->slot[2].flags, 3 << 8);
	CHECK_EQ(rx->slot[2].len, 500);
	/* an unfinished frame at the end of the batch is truncated */
	tx->slot[3].len = 60;
	t_frame(t_buf(tx, tx->slot[3].buf_idx), 60, 0xff, 1, 'n');
	tx->slot[3].flags = NMA_NS_MOREFRAG;
	tx->head = tx->cur = 4;
	CHECK_EQ(nms_txsync(a.fd), 0);
	CHECK_EQ(nms_rxsync(b.fd), 0);
	CHECK_EQ(t_space(rx), 4);
	CHECK_EQ(rx->slot[3].flags, 1 << 8);
	t_close(&a);
	t_close(&b);
}

int main(void)
{
	t_setup("bufs");
	test_extra();
	test_bad_slots();
	test_offsets();
	test_morefrag();
	return t_finish("uvale_bufs_test");
}
