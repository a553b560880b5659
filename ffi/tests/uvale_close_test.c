/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvale: nms_close() releases the port before it returns, as close(2) of a
 * /dev/netmap fd does: an exclusive port reopens at once, a persistent port
 * just closed can be destroyed or detached at once, an ephemeral port comes
 * back with the new configuration. Only the last reference releases: a
 * forked child, a dup or a copy passed with SCM_RIGHTS keeps the port. A
 * close with the daemon gone or stuck returns within a bounded time.
 */
#include <signal.h>
#include <sys/socket.h>
#include <time.h>

#include "../uvale/uvale_testlib.h"

#define LOOPS 200

static int newif(const char *name)
{
	struct nma_req_vale_newif n = { 0 };

	return t_ctl(name, NMA_REQ_VALE_NEWIF, &n);
}

static int attach(const char *name)
{
	struct nma_req_vale_attach a = { .reg.nr_mode = NMA_REG_ALL_NIC };

	return t_ctl(name, NMA_REQ_VALE_ATTACH, &a);
}

static int detach(const char *name)
{
	struct nma_req_vale_detach d = { 0 };

	return t_ctl(name, NMA_REQ_VALE_DETACH, &d);
}

/* is `name` a port of a switch? (VALE_LIST by name) */
static int listed(const char *name)
{
	struct nma_req_vale_list l = { 0 };

	return t_ctl(name, NMA_REQ_VALE_LIST, &l) == 0;
}

static uint64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* open exclusive, close, reopen exclusive at once */
static void test_exclusive_reopen(void)
{
	int bad = 0;

	for (int i = 0; i < LOOPS; i++) {
		struct t_port p;
		int e = t_open_ex(&p, "vale0:x", NMA_REG_ALL_NIC, NMA_EXCLUSIVE, 0, NULL);

		bad += e != 0;
		t_close(&p);
	}
	CHECK_EQ(bad, 0);
	CHECK(!listed("vale0:x"), "the ephemeral port is gone");
}

/* a persistent port just closed can be destroyed (-r) and detached (-d) */
static void test_persistent_release(void)
{
	int bad_del = 0, bad_det = 0;

	for (int i = 0; i < LOOPS; i++) {
		struct t_port p;

		if (newif("pc0") != 0) {
			bad_del++;
			break;
		}
		bad_del += t_open_ex(&p, "pc0", NMA_REG_ALL_NIC, NMA_EXCLUSIVE, 0, NULL) != 0;
		t_close(&p);
		bad_del += t_ctl("pc0", NMA_REQ_VALE_DELIF, NULL) != 0;
	}
	CHECK_EQ(bad_del, 0);
	CHECK_EQ(newif("pc1"), 0);
	for (int i = 0; i < LOOPS; i++) {
		struct t_port p;

		bad_det += attach("valeC:pc1") != 0;
		bad_det += t_open(&p, "valeC:pc1") != 0;
		t_close(&p);
		bad_det += detach("valeC:pc1") != 0;
	}
	CHECK_EQ(bad_det, 0);
	CHECK_EQ(t_ctl("pc1", NMA_REQ_VALE_DELIF, NULL), 0);
}

/* an ephemeral port reopened with another configuration is a new port */
static void test_new_config(void)
{
	int bad = 0;

	for (int i = 0; i < LOOPS / 4; i++) {
		struct t_port p;
		struct nma_req_header h;
		uint16_t want = (uint16_t)(1 + i % 4);

		memset(&p, 0, sizeof(p));
		p.fd = nms_open();
		p.reg.nr_mode = NMA_REG_ALL_NIC;
		p.reg.nr_tx_rings = want;
		p.reg.nr_rx_rings = want;
		t_hdr(&h, "vale0:cfg", NMA_REQ_REGISTER, &p.reg);
		bad += nms_ctrl(p.fd, &h) != 0 || p.reg.nr_tx_rings != want;
		nms_close(p.fd);
	}
	CHECK_EQ(bad, 0);
}

/*
 * Seen from the shared memory too: when the monitored port's close returns,
 * its monitor is already dead (poll reports POLLERR at once), as the kernel's
 * netmap_monitor_stop runs inside close(2).
 */
static void test_monitor_dies(void)
{
	int bad = 0;

	for (int i = 0; i < LOOPS; i++) {
		struct t_port p, m;

		if (t_open(&p, "vale4:mp") != 0) {
			bad++;
			break;
		}
		if (t_open_ex(&m, "vale4:mp", NMA_REG_ALL_NIC, NMA_MONITOR_RX, 0, NULL) != 0) {
			bad++;
			t_close(&p);
			break;
		}
		t_close(&p);
		bad += nms_poll(m.fd, POLLIN, 0) != POLLERR;
		t_close(&m);
	}
	CHECK_EQ(bad, 0);
}

/* a dup keeps the port; closing the last copy releases it at once */
static void test_dup(void)
{
	struct t_port p, q;
	int fd2;

	CHECK_EQ(t_open_ex(&p, "vale0:d", NMA_REG_ALL_NIC, NMA_EXCLUSIVE, 0, NULL), 0);
	fd2 = nms_dup(p.fd);
	CHECK(fd2 >= 0, "dup");
	t_close(&p);
	CHECK_EQ(t_open_ex(&q, "vale0:d", NMA_REG_ALL_NIC, NMA_EXCLUSIVE, 0, NULL), -EBUSY);
	CHECK_EQ(nms_close(fd2), 0);
	CHECK_EQ(t_open_ex(&q, "vale0:d", NMA_REG_ALL_NIC, NMA_EXCLUSIVE, 0, NULL), 0);
	t_close(&q);
}

/* a forked child holding the port keeps it; its exit releases it */
static void test_fork(void)
{
	struct t_port p, q;
	int sp[2];
	pid_t pid;
	char c = 0;

	CHECK_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp), 0);
	CHECK_EQ(t_open_ex(&p, "vale0:f", NMA_REG_ALL_NIC, NMA_EXCLUSIVE, 0, NULL), 0);
	pid = fork();
	if (pid == 0) {
		close(sp[0]);
		/* hold the inherited handle until the parent says so */
		if (read(sp[1], &c, 1) != 1)
			_exit(1);
		_exit(nms_txsync(p.fd) == 0 ? 0 : 2);
	}
	close(sp[1]);
	t_close(&p);
	CHECK_EQ(t_open_ex(&q, "vale0:f", NMA_REG_ALL_NIC, NMA_EXCLUSIVE, 0, NULL), -EBUSY);
	CHECK_EQ(write(sp[0], &c, 1), 1);
	CHECK_EQ(t_wait(pid), 0);
	close(sp[0]);
	/* the child's exit closed the last copy: free now, no waiting */
	CHECK_EQ(t_open_ex(&q, "vale0:f", NMA_REG_ALL_NIC, NMA_EXCLUSIVE, 0, NULL), 0);
	t_close(&q);
}

/*
 * A copy passed with SCM_RIGHTS keeps the port after the sender closes its
 * own; when the receiver closes it (never having used it, 20 times over) the
 * port is free as soon as nms_close() returns there.
 */
static void test_passed(void)
{
	int bad_held = 0, bad_free = 0, sp[2];
	pid_t pid;

	CHECK_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp), 0);
	pid = fork();
	if (pid == 0) {
		close(sp[0]);
		for (;;) {
			int fd = -1;
			uint64_t ms = 0;
			char ok = 1;
			int fdo = -1;

			if (nms_recv_fd(sp[1], &ms, sizeof(ms), &fd, 3000) != sizeof(ms) || fd < 0)
				_exit(0);
			/* every other time: use it (the binding comes from the daemon) */
			if (ms != 0)
				ok = nms_txsync(fd) == 0;
			/* hold it until the parent has checked, then close */
			if (nms_send_fd(sp[1], &ok, 1, -1) != 1 ||
			    nms_recv_fd(sp[1], &ok, 1, &fdo, 3000) != 1)
				_exit(1);
			if (nms_close(fd) != 0)
				ok = 0;
			/* the port must be free when this arrives */
			if (nms_send_fd(sp[1], &ok, 1, -1) != 1)
				_exit(1);
		}
	}
	close(sp[1]);
	for (int i = 0; i < 20; i++) {
		struct t_port p, q;
		uint64_t ms = 0;
		char ok = 0;
		int fdo = -1;

		if (t_open_ex(&p, "vale2:s", NMA_REG_ALL_NIC, NMA_EXCLUSIVE, 0, NULL) != 0) {
			bad_held++;
			continue;
		}
		ms = i % 2 ? p.reg.nr_memsize : 0;
		if (nms_send_fd(sp[0], &ms, sizeof(ms), p.fd) != sizeof(ms))
			bad_held++;
		t_close(&p);
		/* the receiver holds it */
		if (nms_recv_fd(sp[0], &ok, 1, &fdo, 3000) != 1 || !ok)
			bad_held++;
		if (t_open_ex(&q, "vale2:s", NMA_REG_ALL_NIC, NMA_EXCLUSIVE, 0, NULL) != -EBUSY) {
			bad_held++;
			t_close(&q);
		}
		if (nms_send_fd(sp[0], &ok, 1, -1) != 1)
			bad_held++;
		if (nms_recv_fd(sp[0], &ok, 1, &fdo, 3000) != 1 || !ok)
			bad_free++;
		if (t_open_ex(&q, "vale2:s", NMA_REG_ALL_NIC, NMA_EXCLUSIVE, 0, NULL) != 0)
			bad_free++;
		t_close(&q);
	}
	close(sp[0]);
	CHECK_EQ(bad_held, 0);
	CHECK_EQ(bad_free, 0);
	CHECK_EQ(t_wait(pid), 0);
}

static int daemon_pid(void)
{
	char st[256];

	if (nms_uvale_status(st, sizeof(st)) < 0)
		return -1;
	return atoi(st + strlen("{\"pid\":"));
}

/* the daemon gone or stuck: close returns as close(2) would, in bounded time */
static void test_daemon_gone(void)
{
	struct t_port p;
	uint64_t t0;
	int pid;

	CHECK_EQ(t_open(&p, "vale3:g"), 0);
	CHECK_EQ(nms_uvale_stop(), 0);
	t0 = ms_now();
	t_close(&p);
	CHECK(ms_now() - t0 < 500, "close with the daemon gone took %llu ms",
	      (unsigned long long)(ms_now() - t0));

	CHECK_EQ(t_open(&p, "vale3:g"), 0);
	pid = daemon_pid();
	CHECK(pid > 0, "daemon running");
	if (pid > 0 && kill(pid, SIGSTOP) == 0) {
		t0 = ms_now();
		CHECK_EQ(nms_close(p.fd), 0);
		p.fd = -1;
		CHECK(ms_now() - t0 < 4000, "close with the daemon stopped took %llu ms",
		      (unsigned long long)(ms_now() - t0));
		kill(pid, SIGCONT);
	}
	t_close(&p);
	CHECK(!listed("vale3:g"), "released after the daemon resumed");
}

int main(void)
{
	t_setup("close");
	test_exclusive_reopen();
	test_persistent_release();
	test_new_config();
	test_monitor_dies();
	test_dup();
	test_fork();
	test_passed();
	test_daemon_gone();
	return t_finish("uvale_close_test");
}
