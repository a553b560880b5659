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
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <time.h>

#include "../uvale/uvale_testlib.h"
#include "vale_vlan_abi.h"
#include "netns_util.h"

#define ETH_TEST 0x88b5 /* IEEE local experimental ethertype */

static int ns_a = -1, ns_b = -1, ns_c = -1;

static bool make_namespaces(char *why, size_t n)
{
	int self = (int)getpid();
	int *const nss[3] = { &ns_c, &ns_b, &ns_a };

	if (!ns_make(nss, 3, why, n))
		return false;
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

static uint16_t csum16(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* ICMP echo request 10.78.0.1 (mac_a) -> 10.78.0.2 (vB), id 0x6e6d */
static uint16_t echo_request(uint8_t *f, uint16_t seq)
{
	memset(f, 0, 74);
	memcpy(f, mac_b, 6);
	memcpy(f + 6, mac_a, 6);
	put16(f + 12, 0x0800);
	f[14] = 0x45;
	put16(f + 16, 60);
	f[22] = 64;
	f[23] = 1;
	memcpy(f + 26, (uint8_t[]){ 10, 78, 0, 1 }, 4);
	memcpy(f + 30, (uint8_t[]){ 10, 78, 0, 2 }, 4);
	put16(f + 24, csum16(f + 14, 20));
	f[34] = 8;
	put16(f + 38, 0x6e6d);
	put16(f + 40, seq);
	put16(f + 36, csum16(f + 34, 40));
	return 74;
}

/* an ICMP echo of ours (id 0x6e6d) of the given type on rx ring `ring` */
static int get_echo(struct t_port *p, int ring, uint8_t type, int ms)
{
	uint8_t g[2048];
	long long end = now_ms() + ms;

	while (now_ms() < end) {
		uint16_t n = get(p, ring, g, (int)(end - now_ms()), 0x0800);

		if (n >= 42 && g[23] == 1 && g[34] == type && g[38] == 0x6e && g[39] == 0x6d)
			return 1;
	}
	return 0;
}

static int tap_in(int ns, const char *ifname)
{
	char name[IFNAMSIZ];
	unsigned idx;

	ns_enter(ns);
	idx = if_nametoindex(ifname);
	snprintf(name, sizeof(name), "nmt%u", idx);
	idx = idx ? if_nametoindex(name) : 0;
	ns_enter(ns_a);
	return idx != 0;
}

/* echo requests and replies of ours on rx ring `ring` within ms (until a
 * reply): bit 0 a request, bit 1 a reply */
static int scan_echo(struct t_port *p, int ring, int ms)
{
	uint8_t g[2048];
	long long end = now_ms() + ms;
	int seen = 0;

	while (!(seen & 2) && now_ms() < end) {
		uint16_t n = get(p, ring, g, (int)(end - now_ms()), 0x0800);

		if (n >= 42 && g[23] == 1 && g[38] == 0x6e && g[39] == 0x6d)
			seen |= g[34] == 8 ? 1 : g[34] == 0 ? 2 : 0;
	}
	return seen;
}

/*
 * Host rings, decided per ring as netmap_transmit and generic_rx_handler do:
 * with vB^ alone the NIC rings are not in netmap mode, so what the stack of
 * ns B sends goes to the wire and the host rx ring gets nothing, while host
 * tx frames still enter the stack; with the NIC rings open too, the stack's
 * frames go to the host rx ring instead of the wire.
 */
static void test_host_rings(void)
{
	struct t_port h, all, wire;
	uint8_t g[2048];
	uint16_t n;

	CHECK_EQ(open_in(ns_b, &h, "vB", NMA_REG_SW), 0);
	if (h.fd < 0)
		return;
	CHECK(t_txring(&h, 0) == NULL && t_rxring(&h, 0) == NULL, "NIC rings not bound");
	CHECK(t_rxring(&h, 1) != NULL, "host rx ring bound");
	CHECK(tap_in(ns_b, "vB"), "the TAP exists while the host rings are open");
	CHECK_EQ(open_in(ns_a, &wire, "vA", NMA_REG_ALL_NIC), 0);
	CHECK_EQ(ns_sh(ns_b, ns_a, "ip addr add 10.78.0.2/24 dev vB && "
			  "(ping -c1 -W1 10.78.0.1 >/dev/null 2>&1; true)"), 0);
	if (wire.fd >= 0) {
		n = get(&wire, 0, g, 2000, 0x0806);
		CHECK_EQ(n, 42);
		CHECK(n == 0 || (memcmp(g, bcast, 6) == 0 && memcmp(g + 6, mac_b, 6) == 0),
		      "the ARP request of ns B on the wire");
	}
	CHECK_EQ(get(&h, 1, g, 300, 0), 0);
	/* host tx: into the stack of ns B, as if received on vB; Linux answers on
	 * the wire (not the host rx ring); the request never reaches the wire */
	CHECK_EQ(ns_sh(ns_b, ns_a, "ip neigh replace 10.78.0.1 lladdr 02:00:00:00:00:0a "
			  "dev vB"), 0);
	CHECK_EQ(put(&h, -1, g, echo_request(g, 1)), 0);
	CHECK_EQ(nms_txsync(h.fd), 0);
	if (wire.fd >= 0)
		CHECK_EQ(scan_echo(&wire, 0, 2000), 2);
	CHECK(!get_echo(&h, 1, 0, 300), "no echo reply on the host rx ring");
	{
		struct nma_ring *r = t_txring(&h, (int)h.nifp->ni_tx_rings);
		long long end = now_ms() + 1000;

		while (t_space(r) != r->num_slots - 1 && now_ms() < end) {
			nms_poll(h.fd, POLLOUT, 100);
			nms_txsync(h.fd);
		}
		CHECK_EQ(t_space(r), r->num_slots - 1);
	}
	/* NIC + host together: the NIC tx ring is in netmap mode, the stack's
	 * reply goes to the host rx ring and not to the wire */
	CHECK_EQ(open_in(ns_b, &all, "vB", NMA_REG_NIC_SW), 0);
	t_close(&h);
	if (all.fd >= 0) {
		CHECK(t_rxring(&all, 0) && t_rxring(&all, 1), "NIC and host rx rings bound");
		CHECK_EQ(put(&all, -1, g, echo_request(g, 2)), 0);
		CHECK_EQ(nms_txsync(all.fd), 0);
		CHECK(get_echo(&all, 1, 0, 2000), "the echo reply on the host rx ring");
		if (wire.fd >= 0)
			CHECK_EQ(scan_echo(&wire, 0, 300), 0);
	}
	t_close(&all);
	/* host rings alone again, on the same port: back on the wire */
	CHECK_EQ(open_in(ns_b, &all, "vB", NMA_REG_NIC_SW), 0);
	CHECK_EQ(open_in(ns_b, &h, "vB", NMA_REG_SW), 0);
	t_close(&all);
	if (h.fd >= 0) {
		CHECK_EQ(put(&h, -1, g, echo_request(g, 3)), 0);
		CHECK_EQ(nms_txsync(h.fd), 0);
		if (wire.fd >= 0)
			CHECK_EQ(scan_echo(&wire, 0, 2000), 2);
		CHECK(!get_echo(&h, 1, 0, 300), "no echo reply on the host rx ring");
	}
	t_close(&h);
	t_close(&wire);
	{
		long long end = now_ms() + 2000;

		while (tap_in(ns_b, "vB") && now_ms() < end)
			usleep(20000);
		CHECK(!tap_in(ns_b, "vB"), "the TAP is removed with the last user");
	}
	ns_sh(ns_b, ns_a, "ip neigh del 10.78.0.1 dev vB; ip addr del 10.78.0.2/24 dev vB");
}

/* a counter of namespace ns: field `col` of the `row` line of /proc/net/FILE
 * (snmp: the line after the header that names the columns; dev: by position) */
static long long net_counter(int ns, const char *file, const char *row, const char *col)
{
	char path[64], line[1024], head[1024] = "";
	long long v = -1;
	FILE *fp;

	ns_enter(ns);
	snprintf(path, sizeof(path), "/proc/thread-self/net/%s", file);
	fp = fopen(path, "r");
	while (fp != NULL && v < 0 && fgets(line, sizeof(line), fp) != NULL) {
		char *l = line + strspn(line, " ");
		int k = 0, want = -1;

		if (strncmp(l, row, strlen(row)) != 0)
			continue;
		if (strcmp(file, "dev") == 0) {
			want = atoi(col); /* dev: the column number after "name:" */
		} else if (head[0] == '\0') {
			snprintf(head, sizeof(head), "%s", l);
			continue;
		} else {
			for (char *t = strtok(head, " \n"); t; t = strtok(NULL, " \n"), k++)
				if (strcmp(t, col) == 0)
					want = k;
		}
		k = 0;
		for (char *t = strtok(l + strlen(row), " \n"); t && v < 0; t = strtok(NULL, " \n"))
			if (++k == want)
				v = atoll(t);
	}
	if (fp != NULL)
		fclose(fp);
	ns_enter(ns_a);
	return v;
}

/* an ICMP echo request from 10.79.0.1 on rx ring `ring` within ms */
static int got_ping(struct t_port *p, int ring, int ms)
{
	uint8_t g[2048];
	long long end = now_ms() + ms;

	while (now_ms() < end) {
		uint16_t n = get(p, ring, g, (int)(end - now_ms()), 0x0800);

		if (n >= 42 && g[23] == 1 && g[34] == 8 &&
		    memcmp(g + 26, (uint8_t[]){ 10, 79, 0, 1 }, 4) == 0)
			return 1;
	}
	return 0;
}

/*
 * Netmap mode: while netmap:vB is open (nobody on its host rings), ns B's
 * stack is off the wire both ways, as with kernel netmap; afterwards it is
 * back, with nothing left behind.
 */
static void test_netmap_mode(void)
{
	struct t_port b;
	long long rx, echos;

	CHECK_EQ(ns_sh(ns_a, ns_a, "ip addr add 10.79.0.1/24 dev vA"), 0);
	CHECK_EQ(ns_sh(ns_b, ns_a, "ip addr add 10.79.0.2/24 dev vB"), 0);
	CHECK_EQ(ns_sh(ns_b, ns_a, "ping -c1 -W2 10.79.0.1 >/dev/null"), 0);
	CHECK_EQ(open_in(ns_b, &b, "vB", NMA_REG_ALL_NIC), 0);
	if (b.fd < 0)
		goto out;
	/* what B's stack sends goes to the host rx ring (nobody's): not the wire */
	rx = net_counter(ns_a, "dev", "vA:", "2");
	CHECK(rx >= 0, "rx_packets of vA: %lld", rx);
	CHECK(ns_sh(ns_b, ns_a, "ping -c1 -W1 10.79.0.1 >/dev/null 2>&1") != 0,
	      "ns B's stack is cut off from the wire");
	CHECK_EQ(net_counter(ns_a, "dev", "vA:", "2"), rx);
	/* what arrives on vB goes to the NIC rx ring only: B's stack hears nothing */
	echos = net_counter(ns_b, "snmp", "Icmp:", "InEchos");
	CHECK(echos >= 0, "InEchos of ns B: %lld", echos);
	CHECK_EQ(ns_sh(ns_a, ns_a, "ip neigh replace 10.79.0.2 lladdr 02:00:00:00:00:0b dev vA"), 0);
	CHECK(ns_sh(ns_a, ns_a, "ping -c1 -W1 10.79.0.2 >/dev/null 2>&1") != 0,
	      "ns B's stack answered a ping from the wire");
	CHECK(got_ping(&b, 0, 1000), "the echo request reached the NIC rx ring");
	CHECK_EQ(net_counter(ns_b, "snmp", "Icmp:", "InEchos"), echos);
out:
	t_close(&b);
	{
		long long end = now_ms() + 2000;

		while (tap_in(ns_b, "vB") && now_ms() < end)
			usleep(20000);
		CHECK(!tap_in(ns_b, "vB"), "the TAP is removed with the last user");
	}
	/* back on the wire, both ways */
	CHECK_EQ(ns_sh(ns_b, ns_a, "ping -c1 -W2 10.79.0.1 >/dev/null"), 0);
	CHECK_EQ(ns_sh(ns_a, ns_a, "ping -c1 -W2 10.79.0.2 >/dev/null"), 0);
	ns_sh(ns_a, ns_a, "ip neigh del 10.79.0.2 dev vA; ip addr del 10.79.0.1/24 dev vA");
	ns_sh(ns_b, ns_a, "ip addr del 10.79.0.2/24 dev vB");
}

/* attach vA to a switch: frames cross between a VALE port and netmap:vB */
static void test_attach(void)
{
	struct nma_req_vale_attach at = { .reg = { .nr_mode = NMA_REG_ALL_NIC } };
	struct nma_req_vale_detach dt = { 0 };
	struct t_port v, b, x;
	uint8_t f[256], g[2048];

	CHECK_EQ(ctrl_in(ns_a, "valew:vA", NMA_REQ_VALE_ATTACH, &at), 0);
	at.reg.nr_mode = NMA_REG_ONE_NIC;
	CHECK_EQ(ctrl_in(ns_a, "valez:a1", NMA_REQ_VALE_ATTACH, &at), -EINVAL);
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

/* vale-ctl -h: a1 and its host stack (ns A) on one switch with a2; ns A's
 * stack pings ns C through the switch; -l lists both ports; -d removes both */
static void test_attach_host(void)
{
	struct nma_req_vale_attach at = { .reg = { .nr_mode = NMA_REG_NIC_SW } };
	struct nma_req_vale_detach dt = { 0 };
	struct nma_req_vale_list ls = { 0 };
	struct t_port x;

	CHECK_EQ(ns_sh(ns_a, ns_a, "ip addr add 10.77.0.9/24 dev a1"), 0);
	at.reg.nr_mode = NMA_REG_SW;
	CHECK_EQ(ctrl_in(ns_a, "valeh:a1", NMA_REQ_VALE_ATTACH, &at), -EINVAL);
	at.reg.nr_mode = NMA_REG_NIC_SW;
	CHECK_EQ(ctrl_in(ns_a, "valeh:a1", NMA_REQ_VALE_ATTACH, &at), 0);
	at.reg.nr_mode = NMA_REG_ALL_NIC;
	CHECK_EQ(ctrl_in(ns_a, "valeh:a2", NMA_REQ_VALE_ATTACH, &at), 0);
	CHECK_EQ(ctrl_in(ns_a, "valeh:a1", NMA_REQ_VALE_LIST, &ls), 0);
	CHECK(ls.nr_port_idx != 255, "valeh:a1 listed");
	CHECK_EQ(ctrl_in(ns_a, "valeh:a1^", NMA_REQ_VALE_LIST, &ls), 0);
	CHECK(ls.nr_port_idx != 255, "valeh:a1^ listed");
	CHECK(tap_in(ns_a, "a1"), "the TAP of a1 exists while its host port is attached");
	CHECK_EQ(fail_in(ns_a, "valeh:a1^"), -EBUSY);
	CHECK_EQ(ctrl_in(ns_a, "valeh:a1^", NMA_REQ_VALE_DETACH, &dt), -EINVAL);
	CHECK(strstr(last_msg, "host port"), "message: %s", last_msg);
	/* the stack of ns A (host side of a1) reaches ns C through the switch */
	CHECK_EQ(ns_sh(ns_a, ns_a, "ping -c3 -i0.2 -W2 10.77.0.2 >/dev/null"), 0);
	CHECK_EQ(ctrl_in(ns_a, "valeh:a1", NMA_REQ_VALE_DETACH, &dt), 0);
	CHECK_EQ(ctrl_in(ns_a, "valeh:a1^", NMA_REQ_VALE_LIST, &ls), 0);
	CHECK(ls.nr_port_idx == 255, "host port gone: %u", ls.nr_port_idx);
	CHECK_EQ(ctrl_in(ns_a, "valeh:a2", NMA_REQ_VALE_DETACH, &dt), 0);
	CHECK(!tap_in(ns_a, "a1"), "the TAP of a1 is removed by the detach");
	/* the stack is on the wire again: ns B answers on a1's wire */
	CHECK_EQ(ns_sh(ns_a, ns_a, "ping -c1 -W2 10.77.0.1 >/dev/null"), 0);
	CHECK_EQ(open_in(ns_a, &x, "a1", NMA_REG_NIC_SW), 0);
	t_close(&x);
	ns_sh(ns_a, ns_a, "ip addr del 10.77.0.9/24 dev a1");
}

static struct vv_req vrec(uint16_t action, const char *conf, const char *port, uint16_t vid)
{
	struct vv_req r;

	memset(&r, 0, sizeof(r));
	r.vr_version = VV_ABI_VERSION;
	r.vr_action = action;
	r.vr_vid = vid;
	snprintf(r.vr_conf, sizeof(r.vr_conf), "%s", conf);
	if (port)
		snprintf(r.vr_port, sizeof(r.vr_port), "%s", port);
	return r;
}

/* vale-vlan-ctl -a a2=10 with a persistent trunk: what ns C's stack sends on
 * c1 (a2's peer) reaches the trunk tagged with VID 10 */
static void test_vlan(void)
{
	struct vv_req up[3] = {
		vrec(VV_CREATE_CONF, "ic", NULL, 0),
		vrec(VV_CREATE_TRUNK, "ic", "ictr", 0),
		vrec(VV_ATTACH_ACCESS, "ic", "a2", 10),
	};
	struct vv_req down[3] = {
		vrec(VV_DETACH_ACCESS, "ic", "a2", 0),
		vrec(VV_DESTROY_TRUNK, "ic", "", 0),
		vrec(VV_DELETE_CONF, "ic", NULL, 0),
	};
	struct vv_req bad = vrec(VV_ATTACH_ACCESS, "ic", "nosuch0", 20);
	struct t_port tr;
	uint8_t g[2048];
	int vfd = nms_vlan_open(), tagged = 0;
	long long end;

	if (vfd == -EOPNOTSUPP) {
		printf("# SKIP VLAN conf on an interface: %s\n", nms_last_error());
		return;
	}
	CHECK(vfd >= 0, "nms_vlan_open: %d", vfd);
	if (vfd < 0)
		return;
	CHECK_EQ(nms_vlan_write(vfd, up, sizeof(up)), (int)sizeof(up));
	CHECK_EQ(nms_vlan_write(vfd, &bad, sizeof(bad)), -EINVAL); /* as netmap_bdg_attach */
	CHECK_EQ(fail_in(ns_a, "a2"), -EBUSY); /* the switch owns it */
	CHECK_EQ(t_open(&tr, "ictr"), 0);
	end = now_ms() + 3000;
	while (tr.fd >= 0 && !tagged && now_ms() < end) {
		uint16_t n;

		ns_sh(ns_c, ns_a, "ping -c1 -W0.3 10.77.0.3 >/dev/null 2>&1");
		while (!tagged && (n = get(&tr, 0, g, 200, 0x8100)) != 0)
			tagged = n >= 18 && (g[14] & 0x0f) == 0 && g[15] == 10 &&
				 g[16] == 0x08 && g[17] == 0x06;
	}
	CHECK(tagged, "an ARP request from ns C reached the trunk tagged with VID 10");
	t_close(&tr);
	CHECK_EQ(nms_vlan_write(vfd, down, sizeof(down)), (int)sizeof(down));
	CHECK_EQ(nms_vlan_close(vfd), 0);
	/* free again */
	CHECK_EQ(open_in(ns_a, &tr, "a2", NMA_REG_ALL_NIC), 0);
	t_close(&tr);
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
	if (system("command -v ping >/dev/null 2>&1") == 0)
		test_netmap_mode();
	test_attach();
	if (system("command -v ping >/dev/null 2>&1") == 0)
		test_ping();
	if (system("command -v ping >/dev/null 2>&1") == 0)
		test_attach_host();
	else
		printf("# SKIP ping through a switch: 'ping' is not installed\n");
	test_vlan();
	test_nothing_left();
	return t_finish("uvale_ifnet_test");
}
