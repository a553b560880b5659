/* SPDX-License-Identifier: BSD-2-Clause */
/* uvale: copy monitors (/r, /t) and zero-copy monitors (/z, chained) on VALE ports and
 * pipes as netmap's (tests 012-020, 025-027): names, rings, memory, flags, offsets, a full
 * monitor ring, errors, the monitored port leaving netmap mode, and no leaked ports. */
#include "../uvale/uvale_testlib.h"

#include <time.h>

/* ports the daemon holds (its status line), -1 on error */
static int nports(void)
{
	char buf[512], *s;

	if (nms_uvale_status(buf, sizeof(buf)) < 0 || (s = strstr(buf, "\"ports\":")) == NULL)
		return -1;
	return atoi(s + 8);
}

/* nms_close() returns before uvaled has undone the registration: wait (bounded) until it
 * holds want ports; returns how many it holds */
static int settle(int want)
{
	struct timespec ts = { 0, 5 * 1000 * 1000 };
	int n = nports();

	for (int i = 0; i < 400 && n != want; i++) {
		nanosleep(&ts, NULL);
		n = nports();
	}
	return n;
}

static int mon_open(struct t_port *m, const char *name, uint64_t flags)
{
	return t_open_ex(m, name, NMA_REG_ALL_NIC, flags, 0, NULL);
}

/* a monitor with rx_slots slots per ring (0: the parent's) */
static int mon_open_slots(struct t_port *m, const char *name, uint64_t flags, uint32_t slots)
{
	struct nma_req_header h;
	int e = 0;

	memset(m, 0, sizeof(*m));
	m->fd = nms_open();
	if (m->fd < 0)
		return m->fd;
	m->reg.nr_mode = NMA_REG_ALL_NIC;
	m->reg.nr_flags = flags;
	m->reg.nr_rx_slots = slots;
	t_hdr(&h, name, NMA_REQ_REGISTER, &m->reg);
	e = nms_ctrl(m->fd, &h);
	if (e == 0 && (m->mem = nms_mmap(m->fd, m->reg.nr_memsize, &e)) == NULL)
		e = -e;
	if (e) {
		nms_close(m->fd);
		m->fd = -1;
		return e;
	}
	m->nifp = (struct nma_if *)(m->mem + m->reg.nr_offset);
	return 0;
}

/* the next unread slot of a port's rx ring 0 */
static struct nma_slot *peek(struct t_port *p)
{
	struct nma_ring *r = t_rxring(p, 0);

	return r->head == r->tail ? NULL : &r->slot[r->head];
}

static void test_copy_rx(void)
{
	int base = nports();
	struct t_port v0, v1, m;
	struct nma_slot *s;

	CHECK_EQ(t_open(&v0, "vale0:v0"), 0);
	CHECK_EQ(t_open(&v1, "vale0:v1"), 0);
	CHECK_EQ(mon_open(&m, "vale0:v0", NMA_MONITOR_RX), 0);
	CHECK(strncmp(m.nifp->ni_name, "vale0:v0/r#0", 15) == 0, "%s", m.nifp->ni_name);
	CHECK_EQ(m.nifp->ni_tx_rings, 1);
	CHECK_EQ(m.nifp->ni_rx_rings, 1);
	CHECK_EQ(m.reg.nr_rx_slots, v0.reg.nr_rx_slots);
	CHECK(m.reg.nr_mem_id != v0.reg.nr_mem_id, "copy monitors have their own memory");
	/* the monitor sees the frames as they land, before v0 reads them */
	CHECK_EQ(t_send(&v1, 5, 150, 0xff, 1, 'd'), 5);
	CHECK_EQ(nms_poll(m.fd, POLLIN, 500), POLLIN);
	s = peek(&m);
	CHECK(s != NULL && (s->flags & NMA_NS_TXMON) == 0, "rx copies are not marked NS_TXMON");
	CHECK_EQ(t_recv(&m, 5, 150, 'd', 500), 5);
	CHECK_EQ(t_recv(&v0, 5, 150, 'd', 500), 5);
	/* a monitor cannot send: txsync does nothing, poll for POLLOUT reports POLLERR
	 * (netmap's monitor txsync fails with EIO) */
	CHECK_EQ(nms_txsync(m.fd), 0);
	CHECK_EQ(nms_poll(m.fd, POLLOUT, 0) & POLLERR, POLLERR);
	t_close(&m);
	CHECK_EQ(t_send(&v1, 1, 150, 0xff, 1, 'e'), 1);
	CHECK_EQ(t_recv(&v0, 1, 150, 'e', 500), 1);
	t_close(&v0);
	t_close(&v1);
	CHECK_EQ(settle(base), base);
}

static void test_copy_tx(void)
{
	int base = nports();
	struct t_port v0, v1, m, rt;
	struct nma_slot *s;

	CHECK_EQ(t_open(&v0, "vale1:v0"), 0);
	CHECK_EQ(t_open(&v1, "vale1:v1"), 0);
	CHECK_EQ(mon_open(&m, "vale1:v0", NMA_MONITOR_TX), 0);
	CHECK(strncmp(m.nifp->ni_name, "vale1:v0/t#0", 15) == 0, "%s", m.nifp->ni_name);
	CHECK_EQ(mon_open(&rt, "vale1:v0", NMA_MONITOR_TX | NMA_MONITOR_RX), 0);
	CHECK(strncmp(rt.nifp->ni_name, "vale1:v0/rt#1", 15) == 0, "%s", rt.nifp->ni_name);
	/* copies made at txsync, marked NS_TXMON */
	CHECK_EQ(t_send(&v0, 3, 150, 0xff, 2, 't'), 3);
	CHECK_EQ(nms_poll(m.fd, POLLIN, 500), POLLIN);
	s = peek(&m);
	CHECK(s != NULL && (s->flags & NMA_NS_TXMON), "tx copies are marked NS_TXMON");
	CHECK_EQ(t_recv(&m, 3, 150, 't', 500), 3);
	CHECK_EQ(t_recv(&rt, 3, 150, 't', 500), 3);
	CHECK_EQ(t_recv(&v1, 3, 150, 't', 500), 3);
	/* /t does not see what v0 receives; /rt does */
	CHECK_EQ(t_send(&v1, 2, 150, 0xff, 3, 'u'), 2);
	CHECK_EQ(t_recv(&rt, 2, 150, 'u', 500), 2);
	CHECK_EQ(nms_poll(m.fd, POLLIN, 30), 0);
	CHECK_EQ(t_recv(&v0, 2, 150, 'u', 500), 2);
	t_close(&rt);
	t_close(&m);
	t_close(&v0);
	t_close(&v1);
	CHECK_EQ(settle(base), base);
}

static void test_zcopy_vale(void)
{
	int base = nports();
	struct t_port v0, v1, z, z2;
	struct nma_ring *zr;

	CHECK_EQ(t_open(&v0, "vale2:v0"), 0);
	CHECK_EQ(t_open(&v1, "vale2:v1"), 0);
	CHECK_EQ(mon_open(&z, "vale2:v0", NMA_ZCOPY_MON), 0);
	CHECK_EQ(z.reg.nr_mem_id, v0.reg.nr_mem_id);
	CHECK(strncmp(z.nifp->ni_name, "vale2:v0/zrt#0", 15) == 0, "%s", z.nifp->ni_name);
	/* rx: nothing until v0 releases */
	CHECK_EQ(t_send(&v1, 4, 150, 0xff, 1, 'r'), 4);
	CHECK_EQ(nms_poll(z.fd, POLLIN, 50), 0);
	CHECK_EQ(t_recv(&v0, 4, 150, 'r', 500), 4);
	CHECK_EQ(t_recv(&z, 4, 150, 'r', 500), 4);
	/* tx on VALE: the slots come back at once, so the monitor sees them */
	CHECK_EQ(t_send(&v0, 2, 150, 0xff, 2, 's'), 2);
	zr = t_rxring(&z, 0);
	CHECK_EQ(nms_poll(z.fd, POLLIN, 500), POLLIN);
	CHECK_EQ(zr->slot[zr->head].flags & NMA_NS_TXMON, NMA_NS_TXMON);
	CHECK_EQ(t_recv(&z, 2, 150, 's', 500), 2);
	CHECK_EQ(t_txring(&v0, 0)->slot[0].flags & NMA_NS_BUF_CHANGED, NMA_NS_BUF_CHANGED);
	CHECK_EQ(t_recv(&v1, 2, 150, 's', 500), 2);
	/* a second zero-copy monitor is chained: it gets what the first releases */
	CHECK_EQ(mon_open(&z2, "vale2:v0", NMA_ZCOPY_MON), 0);
	CHECK(strncmp(z2.nifp->ni_name, "vale2:v0/zrt#1", 15) == 0, "%s", z2.nifp->ni_name);
	CHECK_EQ(t_send(&v1, 3, 150, 0xff, 1, 'c'), 3);
	CHECK_EQ(t_recv(&v0, 3, 150, 'c', 500), 3);
	CHECK_EQ(nms_poll(z2.fd, POLLIN, 30), 0);
	CHECK_EQ(t_recv(&z, 3, 150, 'c', 500), 3);
	CHECK_EQ(t_recv(&z2, 3, 150, 'c', 500), 3);
	/* closing the head of the chain links the next one to the port */
	t_close(&z);
	CHECK_EQ(settle(base + 3), base + 3);
	CHECK_EQ(t_send(&v1, 2, 150, 0xff, 1, 'h'), 2);
	CHECK_EQ(t_recv(&v0, 2, 150, 'h', 500), 2);
	CHECK_EQ(t_recv(&z2, 2, 150, 'h', 500), 2);
	CHECK_EQ(t_send(&v0, 1, 150, 0xff, 2, 'i'), 1);
	CHECK_EQ(t_recv(&z2, 1, 150, 'i', 500), 1);
	CHECK_EQ(t_recv(&v1, 1, 150, 'i', 500), 1);
	t_close(&z2);
	t_close(&v0);
	t_close(&v1);
	CHECK_EQ(settle(base), base);
}

static void test_pipe(void)
{
	int base = nports();
	struct t_port a, b, m, z;

	CHECK_EQ(t_open(&a, "pipeM{1"), 0);
	CHECK_EQ(t_open(&b, "pipeM}1"), 0);
	CHECK_EQ(mon_open(&m, "pipeM{1", NMA_MONITOR_RX), 0);
	CHECK_EQ(mon_open(&z, "pipeM}1", NMA_ZCOPY_MON), 0);
	CHECK_EQ(t_send(&b, 3, 100, 0xff, 1, 'p'), 3);
	CHECK_EQ(t_recv(&m, 3, 100, 'p', 500), 3); /* copied on arrival */
	CHECK_EQ(t_recv(&a, 3, 100, 'p', 500), 3);
	/* a pipe's tx slots come back on the sender's next txsync */
	CHECK_EQ(nms_poll(z.fd, POLLIN, 30), 0);
	CHECK_EQ(nms_txsync(b.fd), 0);
	CHECK_EQ(t_recv(&z, 3, 100, 'p', 500), 3);
	t_close(&m);
	t_close(&z);
	t_close(&a);
	t_close(&b);
	CHECK_EQ(settle(base), base);
}

/* many batches around the rings: every frame reaches the port and both monitors, and zero
 * copy never leaves one buffer in two slots of the shared memory */
static void test_wrap(void)
{
	int base = nports();
	struct t_port v0, v1, m, z;
	int got_v0 = 0, got_m = 0, got_z = 0, dup = 0;
	static unsigned char seen[1 << 20];

	CHECK_EQ(t_open(&v0, "vale6:v0"), 0);
	CHECK_EQ(t_open(&v1, "vale6:v1"), 0);
	CHECK_EQ(mon_open(&m, "vale6:v0", NMA_MONITOR_RX), 0);
	CHECK_EQ(mon_open(&z, "vale6:v0", NMA_ZCOPY_MON), 0);
	for (int i = 0; i < 30; i++) {
		char fill = (char)('A' + i % 26);

		CHECK_EQ(t_send(&v1, 100, 64, 0xff, 1, fill), 100);
		got_m += t_recv(&m, 100, 64, fill, 500);
		got_v0 += t_recv(&v0, 100, 64, fill, 500);
		got_z += t_recv(&z, 100, 64, fill, 500);
	}
	CHECK_EQ(got_v0, 3000);
	CHECK_EQ(got_m, 3000);
	CHECK_EQ(got_z, 3000);
	memset(seen, 0, sizeof(seen));
	for (int p = 0; p < 2; p++) {
		struct t_port *port = p ? &z : &v0;
		struct nma_ring *rings[2] = { t_txring(port, 0), t_rxring(port, 0) };

		for (int k = 0; k < 2; k++)
			for (uint32_t j = 0; rings[k] && j < rings[k]->num_slots; j++) {
				uint32_t b = rings[k]->slot[j].buf_idx;

				if (b < sizeof(seen) && seen[b]++)
					dup++;
			}
	}
	CHECK_EQ(dup, 0);
	t_close(&z);
	t_close(&m);
	t_close(&v0);
	t_close(&v1);
	CHECK_EQ(settle(base), base);
}

/* frames received until the port stays quiet for 300 ms (2 s for the first); -1 on a bad
 * frame */
static int drain(struct t_port *p)
{
	int n = 0, k;

	while ((k = t_recv(p, 64, 60, 'S', n ? 300 : 2000)) > 0)
		n += k;
	return k < 0 ? -1 : n;
}

/* sender, port and monitor in three processes at once: intact frames, no more than sent */
static void test_concurrent(void)
{
	int base = nports();
	struct t_port v0, m;
	pid_t snd, mon;
	int got;

	CHECK_EQ(t_open(&v0, "vale7:v0"), 0);
	snd = fork();
	if (snd == 0) {
		struct t_port v1;
		int sent = 0;

		if (t_open(&v1, "vale7:v1") != 0)
			_exit(1);
		usleep(50 * 1000); /* let the monitor open */
		for (int i = 0; i < 400; i++)
			sent += t_send(&v1, 50, 60, 0xff, 1, 'S');
		t_close(&v1);
		_exit(sent == 20000 ? 0 : 2);
	}
	mon = fork();
	if (mon == 0) {
		if (mon_open(&m, "vale7:v0", NMA_MONITOR_RX) != 0)
			_exit(1);
		got = drain(&m);
		t_close(&m);
		_exit(got > 0 && got <= 20000 ? 0 : 3);
	}
	got = drain(&v0);
	CHECK(got > 0 && got <= 20000, "v0 got %d", got);
	CHECK_EQ(t_wait(snd), 0);
	CHECK_EQ(t_wait(mon), 0);
	t_close(&v0);
	CHECK_EQ(settle(base), base);
}

/* a full monitor ring keeps the newest frames; the port loses nothing */
static void test_full_ring(void)
{
	int base = nports();
	struct t_port v0, v1, m;

	CHECK_EQ(t_open(&v0, "vale4:v0"), 0);
	CHECK_EQ(t_open(&v1, "vale4:v1"), 0);
	CHECK_EQ(mon_open_slots(&m, "vale4:v0", NMA_MONITOR_RX, 8), 0);
	CHECK_EQ(m.reg.nr_rx_slots, 8);
	CHECK_EQ(t_send(&v1, 5, 80, 0xff, 1, 'a'), 5);
	CHECK_EQ(t_send(&v1, 4, 80, 0xff, 1, 'b'), 4);
	CHECK_EQ(t_recv(&v0, 5, 80, 'a', 500), 5);
	CHECK_EQ(t_recv(&v0, 4, 80, 'b', 500), 4);
	/* 7 free slots: the 5 'a's fit, of the 4 'b's only the newest 2 (netmap drops the
	 * oldest slots of a batch that does not fit) */
	CHECK_EQ(t_recv(&m, 5, 80, 'a', 500), 5);
	CHECK_EQ(t_recv(&m, 2, 80, 'b', 500), 2);
	CHECK_EQ(nms_poll(m.fd, POLLIN, 30), 0);
	t_close(&m);
	CHECK_EQ(mon_open_slots(&m, "vale4:v0", NMA_MONITOR_RX, 100000), 0);
	CHECK_EQ(m.reg.nr_rx_slots, 4096); /* netmap's NM_MONITOR_MAXSLOTS */
	t_close(&m);
	t_close(&v0);
	t_close(&v1);
	CHECK_EQ(settle(base), base);
}

/* copy monitors honour the monitor's offsets and truncate to the buffer */
static void test_offsets(void)
{
	int base = nports();
	struct t_port v0, v1, m;
	struct nma_req_opt_offsets o;
	struct nma_ring *r;
	struct nma_slot *s;

	memset(&o, 0, sizeof(o));
	o.nro_opt.nro_reqtype = NMA_REQ_OPT_OFFSETS;
	o.nro_max_offset = 600;
	o.nro_initial_offset = 600;
	CHECK_EQ(t_open(&v0, "vale5:v0"), 0);
	CHECK_EQ(t_open(&v1, "vale5:v1"), 0);
	CHECK_EQ(t_open_ex(&m, "vale5:v0", NMA_REG_ALL_NIC, NMA_MONITOR_RX, 0, &o.nro_opt), 0);
	CHECK_EQ(o.nro_opt.nro_status, 0);
	CHECK_EQ(t_send(&v1, 1, 1514, 0xff, 1, 'o'), 1);
	CHECK_EQ(nms_poll(m.fd, POLLIN, 500), POLLIN);
	r = t_rxring(&m, 0);
	s = peek(&m);
	CHECK(s != NULL, "the monitor got the frame");
	if (s != NULL) {
		char *b = t_buf(r, s->buf_idx);

		CHECK_EQ(s->ptr & r->offset_mask, 600);
		CHECK_EQ(s->len, r->nr_buf_size - 600); /* 1514 truncated to 2048 - 600 */
		CHECK_EQ((unsigned char)b[600], 0xff);
		CHECK_EQ(b[600 + s->len - 1], 'o');
	}
	CHECK_EQ(t_recv(&v0, 1, 1514, 'o', 500), 1);
	t_close(&m);
	t_close(&v0);
	t_close(&v1);
	CHECK_EQ(settle(base), base);
}

static void test_errors(void)
{
	int base = nports();
	struct t_port v0, v1, m;
	struct nma_req_opt_offsets o;

	/* the monitored port must be in netmap mode */
	CHECK_EQ(mon_open(&m, "vale3:v0", NMA_MONITOR_RX), -EINVAL);
	CHECK_EQ(mon_open(&m, "nosuch", NMA_MONITOR_RX), -ENXIO);
	CHECK_EQ(mon_open(&m, "pipeQ{1", NMA_MONITOR_RX), -EINVAL);
	CHECK_EQ(t_open(&v0, "vale3:v0"), 0);
	CHECK_EQ(t_open_ex(&m, "vale3:v0", NMA_REG_ONE_NIC, NMA_MONITOR_RX, 0, NULL), 0);
	t_close(&m);
	{
		struct nma_req_header h;
		struct nma_req_register reg;
		int fd = nms_open();

		memset(&reg, 0, sizeof(reg));
		reg.nr_mode = NMA_REG_ONE_NIC;
		reg.nr_ringid = 5;
		reg.nr_flags = NMA_MONITOR_RX;
		t_hdr(&h, "vale3:v0", NMA_REQ_REGISTER, &reg);
		CHECK_EQ(nms_ctrl(fd, &h), -EINVAL); /* no ring 5 in the monitored port */
		nms_close(fd);
	}
	/* offsets: copy monitors only */
	memset(&o, 0, sizeof(o));
	o.nro_opt.nro_reqtype = NMA_REQ_OPT_OFFSETS;
	o.nro_max_offset = 64;
	CHECK_EQ(t_open_ex(&m, "vale3:v0", NMA_REG_ALL_NIC, NMA_ZCOPY_MON, 0, &o.nro_opt),
		 -EOPNOTSUPP);
	CHECK_EQ(o.nro_opt.nro_status, EOPNOTSUPP);
	CHECK_EQ(t_open_ex(&m, "vale3:v0", NMA_REG_ALL_NIC, NMA_MONITOR_RX, 0, &o.nro_opt), 0);
	t_close(&m);
	CHECK_EQ(settle(base + 1), base + 1);
	/* the monitored port leaving netmap mode kills the monitor: the port goes away, the
	 * monitor sees nothing more and its poll reports POLLERR (netmap: rxsync EIO) */
	CHECK_EQ(mon_open(&m, "vale3:v0", NMA_MONITOR_RX | NMA_MONITOR_TX), 0);
	CHECK(strncmp(m.nifp->ni_name, "vale3:v0/rt#3", 15) == 0, "%s", m.nifp->ni_name);
	CHECK_EQ(nports(), base + 2);
	t_close(&v0);
	CHECK_EQ(settle(base + 1), base + 1); /* only the monitor is left */
	CHECK_EQ(nms_poll(m.fd, POLLIN, 20), POLLERR);
	CHECK_EQ(nms_rxsync(m.fd), 0);
	CHECK_EQ(t_open(&v0, "vale3:v0"), 0); /* a new port of the same name */
	CHECK_EQ(t_open(&v1, "vale3:v1"), 0);
	CHECK_EQ(t_send(&v1, 1, 150, 0xff, 1, 'x'), 1);
	CHECK_EQ(t_recv(&v0, 1, 150, 'x', 500), 1);
	CHECK_EQ(nms_rxsync(m.fd), 0);
	CHECK(peek(&m) == NULL, "a dead monitor sees nothing");
	t_close(&m);
	t_close(&v0);
	t_close(&v1);
	CHECK_EQ(settle(base), base);
}

int main(void)
{
	t_setup("monitor");
	CHECK_EQ(nms_uvale_start(), 0);
	test_copy_rx();
	test_copy_tx();
	test_zcopy_vale();
	test_pipe();
	test_wrap();
	test_concurrent();
	test_full_ring();
	test_offsets();
	test_errors();
	return t_finish("uvale_monitor_test");
}
