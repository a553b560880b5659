/* SPDX-License-Identifier: BSD-2-Clause */
/* uvale: netmap pipes x{N / x}N: zero-copy hand-over, TX space returned only
 * when the peer releases (netmap test 008), parents, names and modes. */
#include "../uvale/uvale_testlib.h"

static int port_info(const char *name, struct nma_req_port_info_get *pi)
{
	struct nma_req_header h;
	int fd = nms_open(), err;

	memset(pi, 0, sizeof(*pi));
	t_hdr(&h, name, NMA_REQ_PORT_INFO_GET, pi);
	err = nms_ctrl(fd, &h);
	nms_close(fd);
	return err;
}

static void test_partial_read(void)
{
	struct t_port m, s, s2;
	struct nma_req_port_info_get pi;
	struct nma_ring *tx;
	uint32_t sent_idx;

	CHECK_EQ(t_open(&m, "pipeA{1"), 0);
	CHECK_EQ(t_open(&s, "pipeA}1"), 0);
	CHECK_EQ(m.reg.nr_mem_id, s.reg.nr_mem_id);
	/* the missing parent became an autodelete persistent port */
	CHECK_EQ(port_info("pipeA", &pi), 0);
	CHECK_EQ(pi.nr_mem_id, m.reg.nr_mem_id);
	tx = t_txring(&s, 0);
	sent_idx = tx->slot[0].buf_idx;
	CHECK_EQ(t_send(&s, 10, 274, 0xff, 1, 'h'), 10);
	/* nothing comes back until the receiver releases */
	CHECK_EQ(tx->tail, 1023);
	CHECK_EQ(nms_poll(m.fd, POLLIN, 500), POLLIN);
	CHECK_EQ(t_rxring(&m, 0)->slot[0].buf_idx, sent_idx); /* zero copy */
	CHECK_EQ(t_recv(&m, 7, 274, 'h', 500), 7);
	CHECK_EQ(nms_txsync(s.fd), 0);
	/* max 1023 - avail = 3 slots still pending in the sender's ring */
	CHECK_EQ(t_space(tx), 1020);
	/* a second open of the same end sees the same ring */
	CHECK_EQ(t_open(&s2, "pipeA}1"), 0);
	CHECK_EQ(t_space(t_txring(&s2, 0)), 1020);
	t_close(&s2);
	/* only 1020 more fit */
	CHECK_EQ(t_send(&s, 1021, 60, 0xff, 1, 'z'), 1020);
	CHECK_EQ(t_send(&s, 1, 60, 0xff, 1, 'z'), 0);
	CHECK_EQ(nms_poll(s.fd, POLLOUT, 20), 0);
	t_close(&m);
	t_close(&s);
	CHECK_EQ(port_info("pipeA", &pi), -ENXIO);
}

static void test_processes(void)
{
	struct t_port m;
	pid_t pid;

	CHECK_EQ(t_open(&m, "vale0:p{2"), 0);
	pid = fork();
	if (pid == 0) {
		struct t_port s;

		if (t_open(&s, "vale0:p}2") != 0)
			_exit(1);
		_exit(t_recv(&s, 100, 1500, 'q', 2000) == 100 ? 0 : 2);
	}
	usleep(30000);
	for (int sent = 0; sent < 100;) {
		sent += t_send(&m, 100 - sent, 1500, 0xff, 1, 'q');
		if (sent < 100)
			nms_poll(m.fd, POLLOUT, 100);
	}
	CHECK_EQ(t_wait(pid), 0);
	/* the VALE parent exists while the pipe does */
	{
		struct nma_req_port_info_get pi;

		CHECK_EQ(port_info("vale0:p", &pi), 0);
		CHECK_EQ(pi.nr_mem_id, m.reg.nr_mem_id);
	}
	t_close(&m);
}

static void test_names(void)
{
	struct t_port p;

	CHECK_EQ(t_open(&p, "{1"), -EINVAL);
	CHECK_EQ(t_open(&p, "pipeB{"), -EINVAL);
	CHECK_EQ(t_open_ex(&p, "pipeB{1", NMA_REG_NULL, 0, 0, NULL), -EINVAL);
	CHECK_EQ(t_open_ex(&p, "pipeB{1", NMA_REG_PIPE_MASTER, 0, 0, NULL), -EINVAL);
	CHECK_EQ(t_open_ex(&p, "pipeB{1", NMA_REG_ALL_NIC, NMA_EXCLUSIVE, 0, NULL), 0);
	{
		struct t_port q;

		CHECK_EQ(t_open(&q, "pipeB{1"), -EBUSY);
		CHECK_EQ(t_open(&q, "pipeB}1"), 0);
		t_close(&q);
	}
	t_close(&p);
}

int main(void)
{
	t_setup("pipe");
	test_partial_read();
	test_processes();
	test_names();
	return t_finish("uvale_pipe_test");
}
