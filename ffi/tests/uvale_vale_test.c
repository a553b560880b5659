/* SPDX-License-Identifier: BSD-2-Clause */
/* uvale: ephemeral VALE ports, the kernel's memory layout, forwarding
 * between processes, learning, poll, and port lifetime. */
#include "../uvale/uvale_testlib.h"

static void test_layout(void)
{
	struct t_port a, b;
	struct nma_ring *tx, *rx;

	CHECK_EQ(t_open(&a, "vale0:a"), 0);
	/* a default VALE port: 1+1 rings of 1024 slots in a private allocator
	 * sized as netmap's (if 12x1024, rings 20x20480, bufs 20482x2048) */
	CHECK_EQ(a.reg.nr_memsize, 42369024);
	CHECK_EQ(a.reg.nr_offset, 0);
	CHECK(a.reg.nr_mem_id >= 2, "mem_id %u", a.reg.nr_mem_id);
	CHECK_EQ(a.reg.nr_tx_rings, 1);
	CHECK_EQ(a.reg.nr_rx_slots, 1024);
	CHECK_EQ(a.reg.nr_host_tx_rings, 0);
	CHECK_EQ(a.nifp->ni_tx_rings, 1);
	CHECK_EQ(a.nifp->ni_host_tx_rings, 1);
	CHECK_EQ(a.nifp->ni_flags & NMA_NI_PRIV_MEM, NMA_NI_PRIV_MEM);
	CHECK(strcmp(a.nifp->ni_name, "vale0:a") == 0, "ni_name %s", a.nifp->ni_name);
	tx = t_txring(&a, 0);
	rx = t_rxring(&a, 0);
	CHECK(tx && rx, "rings bound");
	/* rx rings are created first: rx ring 0 is ring object 0 */
	CHECK_EQ((char *)rx - a.mem, 12288);
	CHECK_EQ((char *)tx - a.mem, 12288 + 20480);
	CHECK_EQ(rx->slot[0].buf_idx, 2);
	CHECK_EQ(tx->slot[0].buf_idx, 1026);
	CHECK_EQ(tx->tail, 1023);
	CHECK_EQ(rx->tail, 0);
	CHECK_EQ(tx->dir, 0);
	CHECK_EQ(rx->dir, 1);
	CHECK_EQ(tx->nr_buf_size, 2048);
	CHECK_EQ(tx->buf_ofs, 12288 + 409600 - 32768);
	CHECK_EQ(a.nifp->ring_ofs[1], 0); /* host rings are not bound */
	CHECK_EQ(t_open(&b, "vale0:b"), 0);
	CHECK(b.reg.nr_mem_id != a.reg.nr_mem_id, "private allocators");
	/* a second open of a busy handle */
	{
		struct nma_req_header h;
		struct nma_req_register reg = { .nr_mode = NMA_REG_ALL_NIC };

		t_hdr(&h, "vale0:c", NMA_REQ_REGISTER, &reg);
		CHECK_EQ(nms_ctrl(a.fd, &h), -EBUSY);
	}
	t_close(&a);
	t_close(&b);
}

static void test_forward(void)
{
	struct t_port a, b, c;

	CHECK_EQ(t_open(&a, "vale1:a"), 0);
	CHECK_EQ(t_open(&b, "vale1:b"), 0);
	CHECK_EQ(t_open(&c, "vale1:c"), 0);
	/* broadcast reaches b and c, and a learns src 0x0a */
	CHECK_EQ(t_send(&a, 10, 274, 0xff, 0x0a, 'c'), 10);
	CHECK_EQ(t_txring(&a, 0)->tail, 9); /* VALE returns the slots at once */
	CHECK_EQ(t_recv(&b, 10, 274, 'c', 500), 10);
	CHECK_EQ(t_recv(&c, 10, 274, 'c', 500), 10);
	/* unicast to the learned a: only a gets it */
	CHECK_EQ(t_send(&b, 3, 60, 0x0a, 0x0b, 'u'), 3);
	CHECK_EQ(t_recv(&a, 3, 60, 'u', 500), 3);
	CHECK_EQ(t_recv(&c, 1, 60, 'u', 50), 0);
	/* short frames are dropped */
	CHECK_EQ(t_send(&b, 1, 13, 0xff, 0x0b, 's'), 1);
	CHECK_EQ(t_recv(&c, 1, 13, 's', 50), 0);
	/* poll with nothing to read times out with 0; POLLOUT is ready */
	CHECK_EQ(nms_poll(c.fd, POLLIN, 20), 0);
	CHECK_EQ(nms_poll(c.fd, POLLOUT, 0), POLLOUT);
	CHECK_EQ(nms_poll(c.fd, POLLIN, -1), -EINVAL);
	t_close(&a);
	t_close(&b);
	t_close(&c);
}

static void test_full_ring(void)
{
	struct t_port a, b;
	int sent = 0;

	CHECK_EQ(t_open(&a, "vale2:a"), 0);
	CHECK_EQ(t_open(&b, "vale2:b"), 0);
	/* 1500 frames into a 1024-slot ring: 1023 arrive, the rest are dropped */
	sent += t_send(&a, 1000, 60, 0xff, 1, 'x');
	sent += t_send(&a, 500, 60, 0xff, 1, 'x');
	CHECK_EQ(sent, 1500);
	CHECK_EQ(nms_rxsync(b.fd), 0);
	CHECK_EQ(t_space(t_rxring(&b, 0)), 1023);
	CHECK_EQ(t_recv(&b, 2000, 60, 'x', 50), 1023);
	t_close(&a);
	t_close(&b);
}

static void test_processes(void)
{
	struct t_port rx;
	pid_t pid;

	CHECK_EQ(t_open(&rx, "vale3:rx"), 0);
	pid = fork();
	if (pid == 0) {
		struct t_port tx;

		if (t_open(&tx, "vale3:tx") != 0)
			_exit(1);
		usleep(50000); /* the parent is already in poll() */
		_exit(t_send(&tx, 64, 1000, 0xff, 7, 'p') == 64 ? 0 : 1);
	}
	CHECK_EQ(t_recv(&rx, 64, 1000, 'p', 2000), 64);
	CHECK_EQ(t_wait(pid), 0);
	/* the child's port went away with it */
	{
		struct nma_req_header h;
		struct nma_req_vale_list l = { 0 };
		int fd = nms_open(), n = 0;

		t_hdr(&h, "", NMA_REQ_VALE_LIST, &l);
		while (nms_ctrl(fd, &h) == 0) {
			if (strncmp(h.nr_name, "vale3:", 6) == 0)
				n++;
			l.nr_port_idx++;
			h.nr_name[0] = '\0';
		}
		CHECK_EQ(n, 1);
		nms_close(fd);
	}
	t_close(&rx);
}

static void test_exclusive(void)
{
	struct t_port a, b, c;

	CHECK_EQ(t_open_ex(&a, "vale4:v0", NMA_REG_ALL_NIC, NMA_EXCLUSIVE, 0, NULL), 0);
	CHECK_EQ(t_open(&b, "vale4:v0"), -EBUSY);
	CHECK_EQ(t_open_ex(&b, "vale4:v0", NMA_REG_ALL_NIC, NMA_EXCLUSIVE, 0, NULL), -EBUSY);
	t_close(&a);
	CHECK_EQ(t_open(&a, "vale4:v0"), 0);
	CHECK_EQ(t_open(&b, "vale4:v0"), 0);
	CHECK_EQ(a.reg.nr_mem_id, b.reg.nr_mem_id);
	CHECK(a.reg.nr_offset != b.reg.nr_offset, "one netmap_if per open");
	CHECK_EQ(t_open_ex(&c, "vale4:v0", NMA_REG_SW, 0, 0, NULL), -EINVAL);
	CHECK_EQ(t_open_ex(&c, "vale4:v0", NMA_REG_ONE_NIC, 0, 0, NULL), 0);
	t_close(&c);
	t_close(&a);
	t_close(&b);
}

static int open_conf(struct t_port *p, const char *name, uint32_t mode, uint16_t ringid,
		     uint64_t flags)
{
	struct nma_req_header h;
	int e = 0;

	memset(p, 0, sizeof(*p));
	p->fd = nms_open();
	p->reg.nr_mode = mode;
	p->reg.nr_ringid = ringid;
	p->reg.nr_flags = flags;
	p->reg.nr_tx_rings = 4;
	p->reg.nr_rx_rings = 4;
	p->reg.nr_tx_slots = 256;
	p->reg.nr_rx_slots = 256;
	t_hdr(&h, name, NMA_REQ_REGISTER, &p->reg);
	if (nms_ctrl(p->fd, &h) < 0) {
		nms_close(p->fd);
		return -1;
	}
	p->mem = nms_mmap(p->fd, p->reg.nr_memsize, &e);
	p->nifp = (struct nma_if *)(p->mem + p->reg.nr_offset);
	return 0;
}

static void test_rings(void)
{
	struct t_port a, b, c;
	struct nma_ring *tx, *rx;

	/* @conf-like counts when the open creates the port */
	CHECK_EQ(open_conf(&a, "vale5:a", NMA_REG_ONE_NIC, 2, 0), 0);
	CHECK_EQ(a.reg.nr_tx_rings, 4);
	CHECK_EQ(a.reg.nr_rx_slots, 256);
	CHECK_EQ(a.reg.nr_memsize, 14180352);
	CHECK_EQ(a.nifp->ni_tx_rings, 4);
	for (int i = 0; i < 5; i++)
		CHECK_EQ(a.nifp->ring_ofs[i] != 0, i == 2);
	CHECK(t_rxring(&a, 2) != NULL && t_rxring(&a, 0) == NULL, "only rx ring 2");
	/* a second open sees the existing counts; TX only binds no rx ring */
	CHECK_EQ(open_conf(&b, "vale5:b", NMA_REG_ALL_NIC, 0, NMA_TX_RINGS_ONLY), 0);
	for (int i = 0; i < 4; i++) {
		CHECK(t_txring(&b, i) != NULL, "tx %d", i);
		CHECK(t_rxring(&b, i) == NULL, "rx %d", i);
	}
	CHECK_EQ(open_conf(&c, "vale5:b", NMA_REG_ALL_NIC, 0, NMA_RX_RINGS_ONLY), 0);
	/* b (source 0x0b) is learned through a broadcast from its tx ring 0 */
	tx = t_txring(&b, 0);
	t_frame(t_buf(tx, tx->slot[0].buf_idx), 60, 0xff, 0x0b, 'l');
	tx->slot[0].len = 60;
	tx->head = tx->cur = 1;
	CHECK_EQ(nms_txsync(b.fd), 0);
	/* broadcast goes to ring 0 only: a (bound to ring 2) gets nothing */
	CHECK_EQ(nms_poll(a.fd, POLLIN, 30), 0);
	rx = t_rxring(&a, 2);
	CHECK_EQ(t_space(rx), 0);
	/* unicast from a's tx ring 2 lands on b's rx ring 2 */
	tx = t_txring(&a, 2);
	t_frame(t_buf(tx, tx->slot[0].buf_idx), 70, 0x0b, 0x0a, 'u');
	tx->slot[0].len = 70;
	tx->head = tx->cur = 1;
	CHECK_EQ(nms_txsync(a.fd), 0);
	CHECK_EQ(nms_rxsync(c.fd), 0);
	CHECK_EQ(t_space(t_rxring(&c, 2)), 1);
	CHECK_EQ(t_space(t_rxring(&c, 0)), 0);
	t_close(&a);
	t_close(&b);
	t_close(&c);
}

/* a persistent port attached to two switches links them (netmap's bwrap) */
static void test_two_bridges(void)
{
	struct nma_req_vale_newif n = { 0 };
	struct nma_req_vale_attach at = { .reg.nr_mode = NMA_REG_ALL_NIC };
	struct nma_req_vale_detach dt = { 0 };
	struct t_port x, y, z;

	CHECK_EQ(t_ctl("v9", NMA_REQ_VALE_NEWIF, &n), 0);
	CHECK_EQ(t_ctl("vale6A:v9", NMA_REQ_VALE_ATTACH, &at), 0);
	CHECK_EQ(t_ctl("vale6B:v9", NMA_REQ_VALE_ATTACH, &at), 0);
	CHECK_EQ(t_open(&z, "v9"), -EBUSY);
	CHECK_EQ(t_open(&x, "vale6A:x"), 0);
	CHECK_EQ(t_open(&y, "vale6B:y"), 0);
	CHECK_EQ(t_send(&x, 4, 90, 0xff, 0x31, 'A'), 4);
	CHECK_EQ(t_recv(&y, 4, 90, 'A', 500), 4);
	CHECK_EQ(t_send(&y, 3, 80, 0xff, 0x32, 'B'), 3);
	CHECK_EQ(t_recv(&x, 3, 80, 'B', 500), 3);
	/* learned on both sides: unicast crosses too */
	CHECK_EQ(t_send(&x, 2, 70, 0x32, 0x31, 'U'), 2);
	CHECK_EQ(t_recv(&y, 2, 70, 'U', 500), 2);
	t_close(&x);
	t_close(&y);
	CHECK_EQ(t_ctl("vale6B:v9", NMA_REQ_VALE_DETACH, &dt), 0);
	CHECK_EQ(t_ctl("vale6A:v9", NMA_REQ_VALE_DETACH, &dt), 0);
	CHECK_EQ(t_ctl("v9", NMA_REQ_VALE_DELIF, NULL), 0);
}

int main(void)
{
	t_setup("vale");
	test_two_bridges();
	test_rings();
	test_layout();
	test_forward();
	test_full_ring();
	test_processes();
	test_exclusive();
	return t_finish("uvale_vale_test");
}
