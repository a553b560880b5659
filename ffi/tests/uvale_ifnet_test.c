/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvale_ifnet_test: Linux interfaces as uvale ports (netmap:IFNAME, host
 * rings, valeX:IFNAME) on veth pairs between private network namespaces,
 * against Linux's own stack. The namespaces are anonymous and held only by
 * this process: everything vanishes when it exits, even on a crash.
 *
 *   ns A: the daemon; vA (peer of vB), a1 (peer of b1), a2 (peer of c1)
 *   ns B: vB, b1 10.77.0.1/24        ns C: c1 10.77.0.2/24
 *
 * Run as root; otherwise prints "SKIP: ..." and exits 0.
 */
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <time.h>

#include "../uvale/uvale_testlib.h"
#include "netns_util.h"

#define ETH_TEST 0x88b5 /* IEEE local experimental ethertype */

static int ns_a = -1, ns_b = -1, ns_c = -1;

static bool make_namespaces(char *why, size_t n)
{
	int self = (int)getpid();
	int *nss[3] = { &ns_c, &ns_b, &ns_a };

	if (system("ip -V >/dev/null 2>&1") != 0) {
		snprintf(why, n, "iproute2 ('ip') is not installed");
		return false;
	}
	for (int i = 0; i < 3; i++) {
		if (unshare(CLONE_NEWNET) < 0) {
			snprintf(why, n, "cannot create a network namespace: %s", strerror(errno));
			return false;
		}
		write_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
		write_file("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
		*nss[i] = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	}
	if (ns_sh(ns_a, ns_a, "ip link add vA address 02:00:00:00:00:0a type veth peer name vB "
		     "address 02:00:00:00:00:0b netns /proc/%d/fd/%d", self, ns_b) ||
	    ns_sh(ns_a, ns_a, "ip link add a1 type veth peer name b1 netns /proc/%d/fd/%d", self, ns_b) ||
	    ns_sh(ns_a, ns_a, "ip link add a2 type veth peer name c1 netns /proc/%d/fd/%d", self, ns_c) ||
	    ns_sh(ns_a, ns_a, "for i in vA a1 a2 lo; do ip link set $i up || exit 1; done") ||
	    ns_sh(ns_b, ns_a, "ip link set vB up && ip link set b1 up && ip link set lo up && "
		     "ip addr add 10.77.0.1/24 dev b1") ||
	    ns_sh(ns_c, ns_a, "ip link set c1 up && ip link set lo up && ip addr add 10.77.0.2/24 dev c1")) {
		snprintf(why, n, "cannot create the veth pairs (veth module missing?)");
		return false;
	}
	return true;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* REGISTER in namespace ns */
static int open_in(int ns, struct t_port *p, const char *name, uint32_t mode)
{
	int err;

	ns_enter(ns);
	err = t_open_ex(p, name, mode, 0, 0, NULL);
	ns_enter(ns_a);
	return err;
}

static char last_msg[256]; /* nms_last_error() of the last failed request */

static int ctrl_in(int ns, const char *name, uint16_t type, void *body)
{
	struct nma_req_header h;
	int fd, err;

	ns_enter(ns);
	fd = nms_open();
	t_hdr(&h, name, type, body);
	err = fd < 0 ? fd : nms_ctrl(fd, &h);
	snprintf(last_msg, sizeof(last_msg), "%s", nms_last_error());
	if (fd >= 0)
		nms_close(fd);
	ns_enter(ns_a);
	return err;
}

/* REGISTER in namespace ns, expecting a failure */
static int fail_in(int ns, const char *name)
{
	struct nma_req_register reg = { .nr_mode = NMA_REG_ALL_NIC };

	return ctrl_in(ns, name, NMA_REQ_REGISTER, &reg);
}

/* a test frame: dst, src, ETH_TEST, a sequence number, a pattern */
static uint16_t build(uint8_t *f, uint16_t len, const uint8_t *dst, uint8_t src, uint32_t seq)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, (const uint8_t[]){ 0x02, 0, 0, 0, 0x77, src }, 6);
	f[12] = ETH_TEST >> 8;
	f[13] = ETH_TEST & 0xff;
	memcpy(f + 14, &seq, 4);
	for (uint16_t i = 18; i < len; i++)
		f[i] = (uint8_t)(seq * 7 + i);
	return len;
}

static int put(struct t_port *p, int ring, const uint8_t *f, uint16_t len)
{
	struct nma_ring *r = ring < 0 ? t_txring(p, (int)p->nifp->ni_tx_rings) : t_txring(p, ring);
	struct nma_slot *s;

	if (r == NULL || t_space(r) == 0)
		return -1;
	s = &r->slot[r->head];
	memcpy(t_buf(r, s->buf_idx), f, len);
	s->len = len;
	s->flags = 0;
	r->head = r->cur = t_next(r, r->head);
	return 0;
}

/* next frame of ETH_TEST on rx ring `ring` within ms; its length or 0 */
static uint16_t get(struct t_port *p, int ring, uint8_t *out, int ms, uint16_t type)
{
	struct nma_ring *r = t_rxring(p, ring);
	long long end = now_ms() + ms;

	while (r != NULL) {
		while (r->head != r->tail) {
			struct nma_slot *s = &r->slot[r->head];
			const uint8_t *b = (const uint8_t *)t_buf(r, s->buf_idx);
			uint16_t len = s->len;
			int mine = len >= 14 && (type == 0 || (b[12] << 8 | b[13]) == type);

			if (mine)
				memcpy(out, b, len);
			r->head = r->cur = t_next(r, r->head);
			if (mine) {
				nms_rxsync(p->fd);
				return len;
			}
		}
		if (now_ms() >= end)
			break;
		nms_poll(p->fd, POLLIN, (int)(end - now_ms()));
		nms_rxsync(p->fd);
	}
	return 0;
}

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void test_errors(void)
{
	struct nma_req_port_info_get info = { 0 };
	struct t_port p;

	CHECK_EQ(fail_in(ns_a, "nosuch0"), -ENXIO);
	CHECK(strstr(last_msg, "Linux interface"), "message: %s", last_msg);
	/* vB lives in ns B: not visible from ns A */
	CHECK_EQ(fail_in(ns_a, "vB"), -ENXIO);
	CHECK_EQ(ctrl_in(ns_a, "vA", NMA_REQ_PORT_INFO_GET, &info), 0);
	CHECK_EQ(info.nr_mem_id, 1);
	CHECK_EQ(info.nr_tx_rings, 1);
	CHECK_EQ(info.nr_rx_slots, 1024);
	CHECK_EQ(info.nr_host_tx_rings, 1);
	CHECK_EQ(info.nr_host_rx_rings, 1);
	/* ONE_SW with a host ring id out of range */
	memset(&p, 0, sizeof(p));
	p.fd = -1;
	ns_enter(ns_a);
	CHECK_EQ(t_open_ex(&p, "vA", NMA_REG_ONE_SW, 0, 0, NULL), 0);
	t_close(&p);
	{
		struct nma_req_register reg = { .nr_mode = NMA_REG_ONE_SW, .nr_ringid = 1 };

		CHECK_EQ(ctrl_in(ns_a, "vA", NMA_REQ_REGISTER, &reg), -EINVAL);
	}
	/* a link that is down: the engine refuses it, with the command to run */
	CHECK_EQ(ns_sh(ns_a, ns_a, "ip link set a2 down"), 0);
	CHECK_EQ(fail_in(ns_a, "a2"), -ENETDOWN);
	CHECK(strstr(last_msg, "ip link set a2 up"), "message: %s", last_msg);
	CHECK_EQ(ns_sh(ns_a, ns_a, "ip link set a2 up"), 0);
}

/* netmap:vA -> netmap:vB and back, byte for byte, in order; poll wakes up */
static void test_send_receive(void)
{
	struct t_port a, b;
	uint8_t f[1600], g[2048];
	int bad = 0, got = 0;

	CHECK_EQ(open_in(ns_a, &a, "vA", NMA_REG_ALL_NIC), 0);
	CHECK_EQ(open_in(ns_b, &b, "vB", NMA_REG_ALL_NIC), 0);
	if (a.fd < 0 || b.fd < 0)
		goto out;
	CHECK_EQ(a.reg.nr_mem_id, 1);
	CHECK_EQ(a.reg.nr_host_rx_rings, 1);
	CHECK_EQ(a.nifp->ni_flags & NMA_NI_PRIV_MEM, 0);
	CHECK(strcmp(a.nifp->ni_name, "vA") == 0, "ni_name %s", a.nifp->ni_name);
	for (uint32_t i = 0; i < 300; i++) {
		uint16_t len = (uint16_t)(60 + (i * 37) % 1454);

		build(f, len, mac_b, 0x0a, i);
		while (put(&a, 0, f, len) < 0) {
			CHECK(nms_poll(a.fd, POLLOUT, 1000) > 0, "tx ring stays full");
			nms_txsync(a.fd);
		}
		if (i % 50 == 49)
			nms_txsync(a.fd);
	}
	nms_txsync(a.fd);
	for (uint32_t i = 0; i < 300; i++) {
		uint16_t len = (uint16_t)(60 + (i * 37) % 1454), n;

		n = get(&b, 0, g, 2000, ETH_TEST);
		if (n == 0)
			break;
		got++;
		build(f, len, mac_b, 0x0a, i);
		bad += n != len || memcmp(f, g, len) != 0;
	}
	CHECK_EQ(got, 300);
	CHECK_EQ(bad, 0);
	/* all the tx slots come back */
	{
		struct nma_ring *r = t_txring(&a, 0);
		long long end = now_ms() + 1000;

		while (t_space(r) != r->num_slots - 1 && now_ms() < end) {
			nms_poll(a.fd, POLLOUT, 100);
			nms_txsync(a.fd);
		}
		CHECK_EQ(t_space(r), r->num_slots - 1);
	}
	/* the other way, and an 802.1Q frame arrives with its tag */
	build(f, 100, mac_a, 0x0b, 4242);
	CHECK_EQ(put(&b, 0, f, 100), 0);
	memmove(f + 16, f + 12, 84);
	f[12] = 0x81;
	f[13] = 0x00;
	f[14] = 0x20; /* PCP 1, VID 0x07b */
	f[15] = 0x7b;
	CHECK_EQ(put(&b, 0, f, 104), 0);
	nms_txsync(b.fd);
	CHECK_EQ(get(&a, 0, g, 2000, ETH_TEST), 100);
	CHECK_EQ(get(&a, 0, g, 2000, 0x8100), 104);
	CHECK(memcmp(f, g, 104) == 0, "tagged frame changed");
	/* a second open of a registered interface is refused by attach */
	{
		struct nma_req_vale_attach at = { .reg = { .nr_mode = NMA_REG_ALL_NIC } };

		CHECK_EQ(ctrl_in(ns_a, "valeq:vA", NMA_REQ_VALE_ATTACH, &at), -EBUSY);
	}
out:
	t_close(&a);
	t_close(&b);
}

/* host rings: what the stack of ns B sends on vB shows up on vB^ */
static void test_host_rings(void)
{
	struct t_port h, all;
	uint8_t g[2048];
	uint16_t n;

	CHECK_EQ(open_in(ns_b, &h, "vB", NMA_REG_SW), 0);
	if (h.fd < 0)
		return;
	CHECK(t_txring(&h, 0) == NULL && t_rxring(&h, 0) == NULL, "NIC rings not bound");
	CHECK(t_rxring(&h, 1) != NULL, "host rx ring bound");
	CHECK_EQ(ns_sh(ns_b, ns_a, "ip addr add 10.78.0.2/24 dev vB && "
			  "(ping -c1 -W1 10.78.0.1 >/dev/null 2>&1; true)"), 0);
	n = get(&h, 1, g, 2000, 0x0806);
	CHECK_EQ(n, 42);
	CHECK(n == 0 || (memcmp(g, bcast, 6) == 0 && memcmp(g + 6, mac_b, 6) == 0),
	      "an ARP request from vB");
	/* host tx: accepted and dropped (AF_PACKET cannot inject into the stack) */
	CHECK_EQ(put(&h, -1, g, 60), 0);
	CHECK_EQ(nms_txsync(h.fd), 0);
	{
		struct nma_ring *r = t_txring(&h, (int)h.nifp->ni_tx_rings);
		long long end = now_ms() + 1000;

		while (t_space(r) != r->num_slots - 1 && now_ms() < end) {
			nms_poll(h.fd, POLLOUT, 100);
			nms_txsync(h.fd);
		}
		CHECK_EQ(t_space(r), r->num_slots - 1);
	}
	/* NIC + host together */
	CHECK_EQ(open_in(ns_b, &all, "vB", NMA_REG_NIC_SW), 0);
	if (all.fd >= 0)
		CHECK(t_rxring(&all, 0) && t_rxring(&all, 1), "NIC and host rx rings bound");
	t_close(&all);
	t_close(&h);
	ns_sh(ns_b, ns_a, "ip addr del 10.78.0.2/24 dev vB");
}

/* attach vA to a switch: frames cross between a VALE port and netmap:vB */
static void test_attach(void)
{
	struct nma_req_vale_attach at = { .reg = { .nr_mode = NMA_REG_ALL_NIC } };
	struct nma_req_vale_detach dt = { 0 };
	struct t_port v, b, x;
	uint8_t f[256], g[2048];

	CHECK_EQ(ctrl_in(ns_a, "valew:vA", NMA_REQ_VALE_ATTACH, &at), 0);
	at.reg.nr_mode = NMA_REG_NIC_SW;
	CHECK_EQ(ctrl_in(ns_a, "valez:a1", NMA_REQ_VALE_ATTACH, &at), -EOPNOTSUPP);
	at.reg.nr_mode = NMA_REG_ALL_NIC;
	CHECK_EQ(ctrl_in(ns_a, "valez:vA", NMA_REQ_VALE_ATTACH, &at), -EBUSY);
	CHECK_EQ(ctrl_in(ns_a, "valez:nosuch0", NMA_REQ_VALE_ATTACH, &at), -EINVAL);
	CHECK_EQ(fail_in(ns_a, "vA"), -EBUSY);
	CHECK(strstr(last_msg, "detach it first"), "message: %s", last_msg);
	CHECK_EQ(open_in(ns_a, &v, "valew:p", NMA_REG_ALL_NIC), 0);
	CHECK_EQ(open_in(ns_b, &b, "vB", NMA_REG_ALL_NIC), 0);
	if (v.fd >= 0 && b.fd >= 0) {
		build(f, 200, bcast, 0x01, 7);
		CHECK_EQ(put(&v, 0, f, 200), 0);
		nms_txsync(v.fd);
		CHECK_EQ(get(&b, 0, g, 2000, ETH_TEST), 200);
		CHECK(memcmp(f, g, 200) == 0, "switch -> wire changed the frame");
		build(f, 120, bcast, 0x0b, 8);
		CHECK_EQ(put(&b, 0, f, 120), 0);
		nms_txsync(b.fd);
		CHECK_EQ(get(&v, 0, g, 2000, ETH_TEST), 120);
		CHECK(memcmp(f, g, 120) == 0, "wire -> switch changed the frame");
	}
	t_close(&v);
	t_close(&b);
	CHECK_EQ(ctrl_in(ns_a, "valew:vA", NMA_REQ_VALE_DETACH, &dt), 0);
	CHECK_EQ(ctrl_in(ns_a, "valew:vA", NMA_REQ_VALE_DETACH, &dt), -ENXIO);
	/* free again: registers */
	CHECK_EQ(open_in(ns_a, &x, "vA", NMA_REG_ALL_NIC), 0);
	t_close(&x);
}

/* Linux's stack through a uvale switch: ping from ns B to ns C */
static void test_ping(void)
{
	struct nma_req_vale_attach at = { .reg = { .nr_mode = NMA_REG_ALL_NIC } };
	struct nma_req_vale_detach dt = { 0 };

	CHECK_EQ(ctrl_in(ns_a, "valep:a1", NMA_REQ_VALE_ATTACH, &at), 0);
	CHECK_EQ(ctrl_in(ns_a, "valep:a2", NMA_REQ_VALE_ATTACH, &at), 0);
	CHECK_EQ(ns_sh(ns_b, ns_a, "ping -c3 -i0.2 -W2 10.77.0.2 >/dev/null"), 0);
	CHECK_EQ(ctrl_in(ns_a, "valep:a1", NMA_REQ_VALE_DETACH, &dt), 0);
	CHECK_EQ(ctrl_in(ns_a, "valep:a2", NMA_REQ_VALE_DETACH, &dt), 0);
	/* detached: the switch is gone and the path with it */
	CHECK(ns_sh(ns_b, ns_a, "ping -c1 -W1 10.77.0.2 >/dev/null 2>&1") != 0, "ping without the switch");
}

/* the daemon reports no port left */
static void test_nothing_left(void)
{
	char st[512];

	CHECK(nms_uvale_status(st, sizeof(st)) >= 0, "status");
	CHECK(strstr(st, "\"ports\":0,") != NULL, "status %s", st);
}

int main(void)
{
	char why[160];

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0) {
		printf("SKIP: uvale_ifnet_test needs root (network namespaces, veth, AF_PACKET)\n");
		return 0;
	}
	if (!make_namespaces(why, sizeof(why))) {
		printf("SKIP: %s\n", why);
		return 0;
	}
	ns_enter(ns_a);
	t_setup("ifnet"); /* the daemon starts in ns A */
	test_errors();
	test_send_receive();
	test_host_rings();
	test_attach();
	if (system("command -v ping >/dev/null 2>&1") == 0)
		test_ping();
	else
		printf("# SKIP ping through a switch: 'ping' is not installed\n");
	test_nothing_left();
	return t_finish("uvale_ifnet_test");
}
