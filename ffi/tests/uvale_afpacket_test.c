/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvale_afpacket_test: the AF_PACKET engine against Linux's own stack on a
 * veth pair, each end in a private network namespace (vA in ns A, vB in ns B).
 * The namespaces are anonymous and held only by this process, so the veth
 * pair and everything in them vanish when it exits, even on a crash.
 *
 * Run as root; otherwise prints "SKIP: ..." and exits 0.
 *   uvale_afpacket_test           the tests
 *   uvale_afpacket_test --bench   also frames/s RX and TX with 60-byte frames
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../uvale/afpacket.h"
#include "check.h"
#include "netns_util.h"
#include "nmscript.h"



#define ETH_TEST   0x88b5 /* IEEE local experimental ethertype */
#define FRAME_MAX  2048

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };
static int ns_a = -1, ns_b = -1;

/* ---- environment -------------------------------------------------------- */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Two fresh namespaces joined by a veth pair; false (with a reason) if not. */
static bool make_pair(char *why, size_t n)
{
	int self = (int)getpid();

	if (system("ip -V >/dev/null 2>&1") != 0) {
		snprintf(why, n, "iproute2 ('ip') is not installed");
		return false;
	}
	for (int i = 0; i < 2; i++) {
		if (unshare(CLONE_NEWNET) < 0) {
			snprintf(why, n, "cannot create a network namespace: %s", strerror(errno));
			return false;
		}
		/* quiet links: no IPv6 autoconfiguration chatter */
		write_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
		write_file("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
		*(i == 0 ? &ns_a : &ns_b) = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	}
	ns_enter(ns_a);
	if (ns_sh(ns_a, ns_a, "ip link add vA address 02:00:00:00:00:0a type veth peer name vB "
		     "address 02:00:00:00:00:0b netns /proc/%d/fd/%d", self, ns_b) != 0 ||
	    ns_sh(ns_a, ns_a, "ip link set vA up") != 0 || ns_sh(ns_b, ns_a, "ip link set vB up") != 0) {
		snprintf(why, n, "cannot create the veth pair (veth module missing?)");
		return false;
	}
	return true;
}

static struct afp *open_in(int ns, const char *ifname, uint32_t side)
{
	struct afp_config cfg = { .side = side };
	struct afp *a = NULL;
	int err;

	ns_enter(ns);
	err = afp_open(ifname, &cfg, &a);
	ns_enter(ns_a);
	CHECK_EQ(err, 0);
	return a;
}

/* ---- frames ------------------------------------------------------------- */

static size_t eth_hdr(uint8_t *f, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = (uint8_t)(type >> 8);
	f[13] = (uint8_t)type;
	return 14;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t inet_csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += be16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* A test frame: ETH_TEST with a 32-bit sequence number, padded with seq. */
static size_t test_frame(uint8_t *f, size_t len, uint32_t seq)
{
	eth_hdr(f, mac_b, mac_a, ETH_TEST);
	for (size_t i = 14; i < len; i++)
		f[i] = (uint8_t)(seq + i);
	memcpy(f + 14, &seq, 4);
	return len;
}

/* What a receiver saw. */
struct seen {
	unsigned n;          /* ETH_TEST frames */
	unsigned in_order;   /* ... whose seq was the expected next one */
	unsigned other;      /* any other frame */
	unsigned tagged;     /* AFP_RX_TAGGED */
	unsigned outgoing;   /* AFP_RX_OUTGOING */
	uint32_t next_seq;
	uint32_t last_len;
	unsigned last_flags;
	uint8_t last[FRAME_MAX + 8];
};

static void collect(void *ctx, const uint8_t *f, uint32_t len, unsigned flags)
{
	struct seen *s = ctx;
	uint32_t seq;

	s->tagged += !!(flags & AFP_RX_TAGGED);
	s->outgoing += !!(flags & AFP_RX_OUTGOING);
	s->last_len = len;
	s->last_flags = flags;
	memcpy(s->last, f, len < sizeof(s->last) ? len : sizeof(s->last));
	/* tagged test frames carry ETH_TEST after their tags */
	if (len >= 18 && (be16(f + 12) == ETH_TEST ||
			  (be16(f + 12) != 0x0806 && be16(f + 12) != 0x0800))) {
		s->n++;
		memcpy(&seq, f + 14, 4);
		if (be16(f + 12) == ETH_TEST && seq == s->next_seq) {
			s->in_order++;
			s->next_seq++;
		}
	} else {
		s->other++;
	}
}

/* Receives until s->n reaches want or timeout_ms passes. */
static void rx_until(struct afp *a, struct seen *s, unsigned want, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;
	struct pollfd p = { .fd = afp_fd(a), .events = POLLIN };

	while (s->n < want && now_ms() < end) {
		if (afp_rx_burst(a, 256, collect, s) == 0)
			poll(&p, 1, 20);
	}
}

/* Sends n frames, waiting for room when the ring is full; returns consumed. */
static unsigned tx_all(struct afp *a, const struct afp_frag_frame *fr, unsigned n)
{
	long long end = now_ms() + 3000;
	struct pollfd p = { .fd = afp_fd(a), .events = POLLOUT };
	unsigned done = 0;

	while (done < n && now_ms() < end) {
		int r = afp_tx_burst(a, fr + done, n - done);

		if (r < 0)
			break;
		done += (unsigned)r;
		if (done < n)
			poll(&p, 1, 20);
	}
	return done;
}

/* ---- tests -------------------------------------------------------------- */

static void test_errors(void)
{
	struct afp_config bad = { .rx_block_size = 1000 };
	struct afp *a = (struct afp *)&bad;
	uint8_t mac[6];
	uint32_t mtu = 0;
	pid_t pid;
	int st;

	CHECK_EQ(afp_open("nosuch0", NULL, &a), -ENXIO);
	CHECK(a == NULL, "out set on failure");
	CHECK(strstr(nms_last_error(), "nosuch0") && strstr(nms_last_error(), "ENXIO"),
	      "message: %s", nms_last_error());
	CHECK_EQ(afp_open("", NULL, &a), -EINVAL);
	CHECK_EQ(afp_open("a-name-far-too-long", NULL, &a), -EINVAL);
	CHECK_EQ(afp_open("vA", &bad, &a), -EINVAL);
	CHECK(strstr(nms_last_error(), "rx_block_size"), "message: %s", nms_last_error());
	bad = (struct afp_config){ .side = 7 };
	CHECK_EQ(afp_open("vA", &bad, &a), -EINVAL);

	CHECK_EQ(afp_get_mac("vA", mac), 0);
	CHECK(memcmp(mac, mac_a, 6) == 0, "MAC of vA");
	CHECK_EQ(afp_get_mtu("vA", &mtu), 0);
	CHECK_EQ(mtu, 1500);
	CHECK_EQ(afp_get_mac("nosuch0", mac), -ENXIO);
	CHECK_EQ(afp_get_mtu("nosuch0", &mtu), -ENXIO);

	/* administratively down */
	CHECK_EQ(ns_sh(ns_a, ns_a, "ip link set vA down"), 0);
	CHECK_EQ(afp_open("vA", NULL, &a), -ENETDOWN);
	CHECK(strstr(nms_last_error(), "ip link set vA up"), "message: %s", nms_last_error());
	CHECK_EQ(ns_sh(ns_a, ns_a, "ip link set vA up"), 0);

	/* without CAP_NET_RAW (a child drops its effective capabilities) */
	pid = fork();
	if (pid == 0) {
		struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct d[2];

		memset(d, 0, sizeof(d));
		if (syscall(SYS_capset, &h, d) < 0)
			_exit(3);
		_exit(afp_open("vA", NULL, &a) == -EPERM &&
			      strstr(nms_last_error(), "CAP_NET_RAW") ? 0 : 1);
	}
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	      WEXITSTATUS(st) == 0, "EPERM without CAP_NET_RAW (child status %d)", st);

	/* the host side cannot inject into the stack */
	a = open_in(ns_a, "vA", AFP_SIDE_STACK);
	if (a) {
		uint8_t f[60];
		struct afp_frag fg = { f, test_frame(f, sizeof(f), 0) };
		struct afp_frag_frame fr = { &fg, 1 };

		CHECK_EQ(afp_tx_burst(a, &fr, 1), -EOPNOTSUPP);
		CHECK_EQ(afp_tx_max_len(a), 0);
		afp_close(a);
	}
}

/* 1000 frames one way: all arrive, in order; the sender sees none back. */
static void test_thousand(struct afp *a, struct afp *b)
{
	static uint8_t buf[1000][60];
	static struct afp_frag fg[1000];
	static struct afp_frag_frame fr[1000];
	static struct seen sb, sa;
	struct afp_stats st;

	for (unsigned i = 0; i < 1000; i++) {
		fg[i] = (struct afp_frag){ buf[i], (uint32_t)test_frame(buf[i], 60, i) };
		fr[i] = (struct afp_frag_frame){ &fg[i], 1 };
	}
	CHECK_EQ(tx_all(a, fr, 1000), 1000);
	rx_until(b, &sb, 1000, 3000);
	CHECK_EQ(sb.n, 1000);
	CHECK_EQ(sb.in_order, 1000);
	CHECK_EQ(sb.tagged, 0);
	CHECK_EQ(sb.last_len, 60);
	CHECK(memcmp(sb.last, buf[999], 60) == 0, "last frame intact");
	rx_until(a, &sa, 1, 50);
	CHECK_EQ(sa.n, 0); /* no echo of our own frames */
	afp_get_stats(a, &st);
	CHECK_EQ(st.tx, 1000);
	CHECK_EQ(st.tx_dropped, 0);
	afp_get_stats(b, &st);
	CHECK_EQ(st.rx, 1000);
	CHECK_EQ(st.rx_kernel_drops, 0);
}

/* Frames in pieces; malformed frames are consumed and counted. */
static void test_fragments(struct afp *a, struct afp *b)
{
	static uint8_t whole[1518 + 4], hdr[14];
	struct afp_frag fg[4];
	struct afp_frag_frame fr;
	struct seen s = { .next_seq = 7 };
	struct afp_stats st;
	uint32_t max = afp_tx_max_len(a);

	CHECK_EQ(max, 1500 + 14 + 4);
	test_frame(whole, 1000, 7);
	memcpy(hdr, whole, 14);
	fg[0] = (struct afp_frag){ hdr, 14 };
	fg[1] = (struct afp_frag){ whole + 14, 7 };
	fg[2] = (struct afp_frag){ NULL, 0 };
	fg[3] = (struct afp_frag){ whole + 21, 979 };
	fr = (struct afp_frag_frame){ fg, 4 };
	CHECK_EQ(tx_all(a, &fr, 1), 1);
	rx_until(b, &s, 1, 2000);
	CHECK_EQ(s.in_order, 1);
	CHECK_EQ(s.last_len, 1000);
	CHECK(memcmp(s.last, whole, 1000) == 0, "fragments joined in order");

	/* too short, too long untagged, too long even tagged: dropped here */
	afp_get_stats(a, &st);
	fg[0] = (struct afp_frag){ whole, 10 };
	fr = (struct afp_frag_frame){ fg, 1 };
	CHECK_EQ(afp_tx_burst(a, &fr, 1), 1);
	fg[0].len = 1515;
	CHECK_EQ(afp_tx_burst(a, &fr, 1), 1);
	fg[0].len = max + 1;
	put_be16(whole + 12, 0x8100);
	CHECK_EQ(afp_tx_burst(a, &fr, 1), 1);
	{
		struct afp_stats st2;

		afp_get_stats(a, &st2);
		CHECK_EQ(st2.tx_dropped - st.tx_dropped, 3);
		CHECK_EQ(st2.tx, st.tx);
	}
	/* the largest tagged frame Linux accepts goes through, tag and all */
	fg[0].len = max;
	put_be16(whole + 14, 0x0064);
	put_be16(whole + 16, ETH_TEST);
	s = (struct seen){ 0 };
	CHECK_EQ(tx_all(a, &fr, 1), 1);
	rx_until(b, &s, 1, 2000);
	CHECK_EQ(s.n, 1);
	CHECK_EQ(s.last_len, max);
	CHECK_EQ(s.tagged, 1);
	CHECK(memcmp(s.last, whole, max) == 0, "max-size tagged frame intact");
}

/* Frames tagged on the wire arrive with their tag, though Linux strips it. */
static void test_vlan(struct afp *b)
{
	struct tagged {
		const char *what;
		uint16_t tags[4]; /* TPID, TCI pairs; 0 ends */
	} cases[] = {
		{ "802.1Q VID 100 PCP 5", { 0x8100, 0xa064 } },
		{ "priority tag VID 0 PCP 3", { 0x8100, 0x6000 } },
		{ "802.1ad 200 over 802.1Q 300", { 0x88a8, 0x00c8, 0x8100, 0x012c } },
		{ "VID 4094 with DEI", { 0x8100, 0x1ffe } },
		{ "untagged", { 0 } },
	};
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_halen = 6 };
	int raw = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	struct afp_stats st0, st1;

	CHECK(raw >= 0, "raw socket: %s", strerror(errno));
	if (raw < 0)
		return;
	to.sll_ifindex = (int)if_nametoindex("vA");
	afp_get_stats(b, &st0);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		uint8_t f[80];
		size_t off = 12, len = 72;
		struct seen s = { 0 };

		memset(f, 0xa5, sizeof(f));
		eth_hdr(f, mac_b, mac_a, 0);
		for (int t = 0; t < 4 && cases[c].tags[t]; t++, off += 2)
			put_be16(f + off, cases[c].tags[t]);
		put_be16(f + off, ETH_TEST);
		memcpy(f + off + 2, &c, 4);
		CHECK_EQ(sendto(raw, f, len, 0, (struct sockaddr *)&to, sizeof(to)), (long)len);
		rx_until(b, &s, 1, 2000);
		CHECK(s.n == 1 && s.last_len == len && memcmp(s.last, f, len) == 0,
		      "%s: got %u frames, len %u", cases[c].what, s.n, s.last_len);
		CHECK(!!(s.last_flags & AFP_RX_TAGGED) == (cases[c].tags[0] != 0),
		      "%s: flags 0x%x", cases[c].what, s.last_flags);
	}
	afp_get_stats(b, &st1);
	CHECK_EQ(st1.rx_tagged - st0.rx_tagged, 4);
	close(raw);
}

/* One socket for both sides; and a host-side socket next to the engine. */
static void test_sides(struct afp *b)
{
	struct afp *both = open_in(ns_a, "vA", AFP_SIDE_BOTH);
	struct afp *host = open_in(ns_a, "vA", AFP_SIDE_STACK);
	uint8_t buf[10][60];
	struct afp_frag fg[10];
	struct afp_frag_frame fr[10];
	struct seen sb = { 0 }, sboth = { 0 }, shost = { 0 };

	if (!both || !host)
		goto out;
	for (uint32_t i = 0; i < 10; i++) {
		fg[i] = (struct afp_frag){ buf[i], (uint32_t)test_frame(buf[i], 60, i) };
		fr[i] = (struct afp_frag_frame){ &fg[i], 1 };
	}
	CHECK_EQ(tx_all(both, fr, 10), 10);
	rx_until(b, &sb, 10, 2000);
	CHECK_EQ(sb.in_order, 10);
	rx_until(both, &sboth, 1, 50);
	CHECK_EQ(sboth.n, 0);   /* a socket never sees what it sent */
	rx_until(host, &shost, 1, 50);
	CHECK_EQ(shost.n, 0);   /* engine frames carry the mark the host side skips */
	/* frames from the wire reach BOTH (not outgoing) but not the host side */
	{
		struct afp *bb = b;
		struct seen sx = { 0 };

		fr[0] = (struct afp_frag_frame){ &fg[0], 1 };
		eth_hdr(buf[0], mac_a, mac_b, ETH_TEST);
		CHECK_EQ(tx_all(bb, fr, 1), 1);
		rx_until(both, &sx, 1, 2000);
		CHECK_EQ(sx.n, 1);
		CHECK_EQ(sx.outgoing, 0);
		shost = (struct seen){ 0 };
		rx_until(host, &shost, 1, 50);
		CHECK_EQ(shost.n, 0);
	}
out:
	afp_close(both);
	afp_close(host);
}

/* A small RX ring that nobody reads overflows; the kernel's drops are counted. */
static void test_overflow(struct afp *a, struct afp *main_b)
{
	struct afp_config small = { .rx_block_size = 4096, .rx_block_nr = 2, .rx_retire_ms = 1,
				    .tx_frame_size = 256, .tx_frame_nr = 16 };
	static uint8_t buf[64][60];
	struct afp_frag fg[64];
	struct afp_frag_frame fr[64];
	struct seen s = { 0 };
	struct afp_stats st;
	struct afp *b = NULL;
	unsigned sent = 0;

	ns_enter(ns_b);
	CHECK_EQ(afp_open("vB", &small, &b), 0);
	ns_enter(ns_a);
	if (!b)
		return;
	CHECK_EQ(afp_tx_max_len(b), 256 - 48);
	for (uint32_t i = 0; i < 64; i++) {
		fg[i] = (struct afp_frag){ buf[i], (uint32_t)test_frame(buf[i], 60, i) };
		fr[i] = (struct afp_frag_frame){ &fg[i], 1 };
	}
	for (int i = 0; i < 4; i++)
		sent += tx_all(a, fr, 64);
	CHECK_EQ(sent, 256);
	usleep(20000);
	rx_until(b, &s, 256, 100);
	afp_get_stats(b, &st);
	CHECK(s.n > 0 && s.n < 256, "a 8 KiB ring keeps some of 256 frames: %u", s.n);
	CHECK(st.rx_kernel_drops > 0 && st.rx_kernel_drops + s.n <= 256,
	      "kernel drops %llu, delivered %u", (unsigned long long)st.rx_kernel_drops, s.n);
	CHECK_EQ(st.rx, s.n);
	afp_close(b);
	/* the big ring on the same interface kept all of them */
	s = (struct seen){ 0 };
	rx_until(main_b, &s, 256, 2000);
	CHECK_EQ(s.in_order, 64);
	CHECK_EQ(s.n, 256);
}

/* The link goes down under an open engine, and comes back. */
static void test_link_down(struct afp *a, struct afp *b)
{
	uint8_t f[60];
	struct afp_frag fg = { f, (uint32_t)test_frame(f, sizeof(f), 0) };
	struct afp_frag_frame fr = { &fg, 1 };
	struct pollfd p = { .fd = afp_fd(a), .events = POLLIN };
	struct seen s = { 0 };
	struct afp_stats st0, st1;

	CHECK_EQ(afp_take_error(a), 0);
	afp_get_stats(a, &st0);
	CHECK_EQ(ns_sh(ns_a, ns_a, "ip link set vA down"), 0);
	CHECK_EQ(afp_tx_burst(a, &fr, 1), -ENETDOWN);
	CHECK(strstr(nms_last_error(), "vA"), "message: %s", nms_last_error());
	afp_get_stats(a, &st1);
	CHECK_EQ(st1.tx_dropped - st0.tx_dropped, 1);
	CHECK_EQ(ns_sh(ns_a, ns_a, "ip link set vA up"), 0);
	/* poll reports the error until it is taken, then not again */
	CHECK(poll(&p, 1, 0) == 1 && (p.revents & POLLERR), "POLLERR after down");
	CHECK_EQ(afp_take_error(a), -ENETDOWN);
	CHECK(poll(&p, 1, 0) >= 0 && !(p.revents & POLLERR), "no POLLERR once taken");
	/* the ring was not left stalled: both directions work again */
	for (int i = 0; i < 100 && s.n == 0; i++) {
		/* the veth carrier comes back asynchronously */
		CHECK(afp_tx_burst(a, &fr, 1) == 1, "tx after up");
		rx_until(b, &s, 1, 20);
	}
	CHECK_EQ(s.n, 1);
	s = (struct seen){ 0 };
	eth_hdr(f, mac_a, mac_b, ETH_TEST);
	CHECK_EQ(tx_all(b, &fr, 1), 1);
	rx_until(a, &s, 1, 2000);
	CHECK_EQ(s.n, 1);
}

/* ---- Linux's stack answers frames we build by hand ---------------------- */

struct pinger {
	struct afp *a;
	unsigned arp_req, echo_req;
	bool bad;
};

static void reply(struct pinger *p, const uint8_t *f, uint32_t len)
{
	uint8_t r[FRAME_MAX];
	struct afp_frag fg[2];
	struct afp_frag_frame fr = { fg, 2 };
	static const uint8_t ip_a[4] = { 10, 99, 0, 1 };

	if (len > sizeof(r))
		return;
	if (len >= 42 && be16(f + 12) == 0x0806 && be16(f + 20) == 1 &&
	    memcmp(f + 38, ip_a, 4) == 0) {
		/* ARP reply, sent as header + body */
		p->arp_req++;
		eth_hdr(r, f + 6, mac_a, 0x0806);
		memcpy(r + 14, f + 14, 6);             /* htype, ptype, hlen, plen */
		put_be16(r + 20, 2);
		memcpy(r + 22, mac_a, 6);
		memcpy(r + 28, ip_a, 4);
		memcpy(r + 32, f + 22, 10);            /* sender -> target */
		memset(r + 42, 0, 18);
		fg[0] = (struct afp_frag){ r, 14 };
		fg[1] = (struct afp_frag){ r + 14, 46 };
	} else if (len >= 42 && be16(f + 12) == 0x0800 && f[23] == 1 &&
		   memcmp(f + 30, ip_a, 4) == 0 && f[14 + (f[14] & 15) * 4] == 8) {
		/* ICMP echo reply: swap addresses, type 0, fresh checksums */
		uint32_t ihl = (f[14] & 15u) * 4, tot = be16(f + 16);

		if (tot + 14 > len || ihl < 20)
			return;
		p->echo_req++;
		memcpy(r, f, tot + 14);
		memcpy(r, f + 6, 6);
		memcpy(r + 6, mac_a, 6);
		memcpy(r + 26, f + 30, 4);
		memcpy(r + 30, f + 26, 4);
		r[22] = 64;
		put_be16(r + 24, 0);
		put_be16(r + 24, inet_csum(r + 14, ihl));
		r[14 + ihl] = 0;
		put_be16(r + 14 + ihl + 2, 0);
		put_be16(r + 14 + ihl + 2, inet_csum(r + 14 + ihl, tot - ihl));
		fg[0] = (struct afp_frag){ r, 14 };
		fg[1] = (struct afp_frag){ r + 14, tot };
	} else {
		return;
	}
	if (tx_all(p->a, &fr, 1) != 1)
		p->bad = true;
}

static void on_wire(void *ctx, const uint8_t *f, uint32_t len, unsigned flags)
{
	(void)flags;
	reply(ctx, f, len);
}

struct host_seen {
	unsigned arp_req, echo_req, incoming;
};

static void on_host(void *ctx, const uint8_t *f, uint32_t len, unsigned flags)
{
	struct host_seen *h = ctx;

	if (!(flags & AFP_RX_OUTGOING))
		h->incoming++;
	else if (len >= 42 && be16(f + 12) == 0x0806 && be16(f + 20) == 1)
		h->arp_req++;
	else if (len >= 42 && be16(f + 12) == 0x0800 && f[23] == 1)
		h->echo_req++;
}

static void test_ping(void)
{
	struct pinger p = { .a = open_in(ns_a, "vA", AFP_SIDE_WIRE) };
	struct afp *host = open_in(ns_b, "vB", AFP_SIDE_STACK);
	struct host_seen h = { 0 };
	long long end = now_ms() + 6000;
	int st = -1;
	pid_t pid;

	if (!p.a || !host)
		goto out;
	CHECK_EQ(ns_sh(ns_b, ns_a, "ip addr add 10.99.0.2/24 dev vB"), 0);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		ns_enter(ns_b);
		dup2(null, 1);
		execlp("ping", "ping", "-n", "-c", "1", "-W", "4", "10.99.0.1", (char *)NULL);
		_exit(127);
	}
	while (pid > 0 && now_ms() < end) {
		struct pollfd pf[2] = { { afp_fd(p.a), POLLIN, 0 }, { afp_fd(host), POLLIN, 0 } };

		afp_rx_burst(p.a, 64, on_wire, &p);
		afp_rx_burst(host, 64, on_host, &h);
		if (waitpid(pid, &st, WNOHANG) == pid) {
			pid = 0;
			break;
		}
		poll(pf, 2, 10);
	}
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
	}
	/* what the stack sent arrives on the host side after its retire timeout */
	for (int i = 0; i < 10 && h.echo_req == 0; i++) {
		usleep(5000);
		afp_rx_burst(host, 64, on_host, &h);
	}
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "ping through hand-built replies "
	      "(status 0x%x)", st);
	CHECK(p.arp_req >= 1, "ARP requests seen: %u", p.arp_req);
	CHECK(p.echo_req >= 1, "echo requests seen: %u", p.echo_req);
	CHECK(!p.bad, "replies sent");
	CHECK(h.arp_req >= 1, "host side saw the stack's ARP request: %u", h.arp_req);
	CHECK(h.echo_req >= 1, "host side saw the stack's echo request: %u", h.echo_req);
	CHECK_EQ(h.incoming, 0);
out:
	afp_close(p.a);
	afp_close(host);
}

/* ---- the host side: frames into Linux's stack through the TAP ------------- */

struct echo_seen {
	unsigned req, reply; /* our ICMP echo requests / Linux's replies (id 0x6e6d) */
};

static void on_echo(void *ctx, const uint8_t *f, uint32_t len, unsigned flags)
{
	struct echo_seen *e = ctx;

	(void)flags;
	if (len < 42 || be16(f + 12) != 0x0800 || f[23] != 1 || be16(f + 38) != 0x6e6d)
		return;
	if (f[34] == 8)
		e->req++;
	else if (f[34] == 0)
		e->reply++;
}

/* an ICMP echo request from 10.98.0.2 (mac_b) to 10.98.0.1 (vA) */
static uint32_t echo_request(uint8_t *f, uint16_t seq)
{
	eth_hdr(f, mac_a, mac_b, 0x0800);
	memset(f + 14, 0, 20 + 8 + 32);
	f[14] = 0x45;
	put_be16(f + 16, 20 + 8 + 32);
	f[22] = 64;
	f[23] = 1;
	memcpy(f + 26, (uint8_t[]){ 10, 98, 0, 2 }, 4);
	memcpy(f + 30, (uint8_t[]){ 10, 98, 0, 1 }, 4);
	put_be16(f + 24, inet_csum(f + 14, 20));
	f[34] = 8;
	put_be16(f + 38, 0x6e6d);
	put_be16(f + 40, seq);
	memset(f + 42, 0xa5, 32);
	put_be16(f + 36, inet_csum(f + 34, 8 + 32));
	return 14 + 20 + 8 + 32;
}

static bool tap_exists(const char *name, int ns)
{
	bool there;

	ns_enter(ns);
	there = if_nametoindex(name) != 0;
	ns_enter(ns_a);
	return there;
}

/* three echo requests sent from vB's wire to vA, then 300 ms of listening:
 * at vA's WIRE socket, on the TAP (h, may be NULL) and back on vB's wire */
static void wire_echo(struct afp *wb, struct afp *wa, struct afp_host *h, struct echo_seen *at_a,
		      struct echo_seen *div, struct echo_seen *back)
{
	uint8_t f[FRAME_MAX];
	struct afp_frag fg = { f, 0 };
	struct afp_frag_frame fr = { &fg, 1 };
	long long end;

	for (uint16_t seq = 11; seq <= 13; seq++) {
		fg.len = echo_request(f, seq);
		CHECK_EQ(afp_tx_burst(wb, &fr, 1), 1);
	}
	end = now_ms() + 300;
	while (now_ms() < end) {
		afp_rx_burst(wa, 64, on_echo, at_a);
		afp_rx_burst(wb, 64, on_echo, back);
		if (h != NULL)
			afp_host_rx_burst(h, 64, on_echo, div);
		usleep(2000);
	}
}

/* echo requests injected with afp_host are answered by Linux in ns A; the
 * requests never reach the wire (vB) nor vA's WIRE socket; with DIVERT the
 * replies come back through the TAP instead of the wire; with CUTOFF as well,
 * echo requests from the wire reach vA's WIRE socket but not Linux; flags
 * added and removed by afp_host_set_flags act at once, the TAP staying */
static void test_host(void)
{
	struct afp *wa = open_in(ns_a, "vA", AFP_SIDE_WIRE);
	struct afp *sa = open_in(ns_a, "vA", AFP_SIDE_STACK);
	struct afp *wb = open_in(ns_b, "vB", AFP_SIDE_WIRE);
	struct afp_host *h = NULL;
	struct afp_host_stats hs;
	uint8_t f[FRAME_MAX];
	struct afp_frag fg[2] = { { f, 14 }, { f + 14, 0 } };
	struct afp_frag_frame fr = { fg, 2 };
	char tap[IFNAMSIZ];
	uint64_t inj0;
	int st = 0;

	CHECK_EQ(ns_sh(ns_a, ns_a, "ip addr add 10.98.0.1/24 dev vA && ip neigh replace "
		       "10.98.0.2 lladdr 02:00:00:00:00:0b dev vA"), 0);
	CHECK_EQ(afp_host_open("", 0, &h), -EINVAL);
	CHECK_EQ(afp_host_open("nosuch0", 0, &h), -ENXIO);
	CHECK_EQ(afp_host_open("vA", 0x80, &h), -EINVAL);
	CHECK_EQ(afp_host_open("vA", 0, &h), 0);
	if (!wa || !sa || !wb || !h)
		goto out;
	snprintf(tap, sizeof(tap), "%s", afp_host_tapname(h));
	CHECK(tap_exists(tap, ns_a), "TAP %s exists in ns A", tap);
	{
		struct afp_host *again = NULL;

		CHECK_EQ(afp_host_open("vA", 0, &again), -EBUSY);
		afp_host_close(again);
	}
	/* mode 0: TAP only; 1: reopened with DIVERT; 2: CUTOFF added and 3: both
	 * removed by afp_host_set_flags, the TAP staying */
	for (int mode = 0; mode < 4; mode++) {
		struct echo_seen wire_a = { 0 }, stack_a = { 0 }, wire_b = { 0 }, div = { 0 };
		long long end = now_ms() + 3000;
		int diverting = mode == 1 || mode == 2;

		if (mode == 1) {
			afp_host_close(h);
			h = NULL;
			CHECK(!tap_exists(tap, ns_a), "TAP %s removed by afp_host_close", tap);
			CHECK_EQ(afp_host_open("vA", AFP_HOST_DIVERT, &h), 0);
			if (!h)
				break;
		} else if (mode >= 2) {
			CHECK_EQ(afp_host_set_flags(h, 0x80), -EINVAL);
			CHECK_EQ(afp_host_flags(h), mode == 2 ? AFP_HOST_DIVERT :
				 AFP_HOST_DIVERT | AFP_HOST_CUTOFF);
			CHECK_EQ(afp_host_set_flags(h, mode == 2 ? AFP_HOST_DIVERT | AFP_HOST_CUTOFF
						      : 0), 0);
			CHECK(tap_exists(tap, ns_a), "TAP %s kept by afp_host_set_flags", tap);
		}
		afp_host_get_stats(h, &hs);
		inj0 = hs.injected;
		for (uint16_t seq = 1; seq <= 3; seq++) {
			fg[1].len = echo_request(f, seq) - 14;
			CHECK_EQ(afp_host_inject(h, &fr, 1), 1);
		}
		while (now_ms() < end && (diverting ? div.reply : stack_a.reply) < 3) {
			afp_rx_burst(wa, 64, on_echo, &wire_a);
			afp_rx_burst(sa, 64, on_echo, &stack_a);
			afp_rx_burst(wb, 64, on_echo, &wire_b);
			afp_host_rx_burst(h, 64, on_echo, &div);
			usleep(2000);
		}
		usleep(20000); /* a late copy on the wire would show up by now */
		afp_rx_burst(wb, 64, on_echo, &wire_b);
		afp_rx_burst(wa, 64, on_echo, &wire_a);
		afp_host_get_stats(h, &hs);
		CHECK_EQ(hs.injected - inj0, 3);
		CHECK_EQ(wire_a.req, 0); /* not seen as if from the wire */
		CHECK_EQ(wire_b.req, 0); /* never on the wire */
		if (!diverting) {
			CHECK(stack_a.reply == 3, "Linux answered the injected requests: %u of 3",
			      stack_a.reply);
			CHECK_EQ(div.reply, 0);
			CHECK_EQ(wire_b.reply, 3); /* not diverted: the replies leave too */
		} else {
			CHECK(div.reply == 3, "replies diverted to the TAP: %u of 3", div.reply);
			CHECK_EQ(stack_a.reply, 0);
			CHECK_EQ(wire_b.reply, 0); /* the stack is cut off from the wire */
		}
		if (mode == 2) {
			struct echo_seen at_a = { 0 }, div2 = { 0 }, back = { 0 };

			wire_echo(wb, wa, h, &at_a, &div2, &back);
			CHECK(at_a.req == 3, "the WIRE socket sees the wire under CUTOFF: %u of 3",
			      at_a.req);
			CHECK_EQ(div2.reply, 0); /* Linux heard nothing of the wire */
			CHECK_EQ(back.reply, 0);
		}
		if (mode == 3) {
			struct echo_seen at_a = { 0 }, div2 = { 0 }, back = { 0 };

			wire_echo(wb, wa, h, &at_a, &div2, &back);
			CHECK(back.reply == 3, "Linux answers the wire once CUTOFF is removed: %u "
			      "of 3", back.reply);
			CHECK_EQ(div2.reply, 0);
		}
	}
	afp_host_close(h);
	h = NULL;
	/* kill -9 leaves nothing behind: the kernel drops the TAP and the links */
	pid_t pid = fork();

	if (pid == 0) {
		struct afp_host *k = NULL;

		ns_enter(ns_a);
		if (afp_host_open("vA", AFP_HOST_DIVERT | AFP_HOST_CUTOFF, &k) != 0)
			_exit(1);
		kill(getpid(), SIGSTOP);
		_exit(0);
	}
	waitpid(pid, &st, WUNTRACED);
	CHECK(WIFSTOPPED(st), "child opened the host side (status 0x%x)", st);
	CHECK(tap_exists(tap, ns_a), "TAP %s exists while the child lives", tap);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	for (int i = 0; i < 100 && tap_exists(tap, ns_a); i++)
		usleep(10000);
	CHECK(!tap_exists(tap, ns_a), "TAP %s gone after kill -9", tap);
	CHECK_EQ(ns_sh(ns_a, ns_a, "ping -n -c 1 -W 2 10.98.0.2 >/dev/null 2>&1 ; "
		       "tc filter show dev vA egress 2>/dev/null | grep -q . && exit 1; exit 0"), 0);
	{
		/* both hooks of vA are free again: Linux answers the wire on the wire */
		struct echo_seen at_a = { 0 }, div = { 0 }, back = { 0 };

		wire_echo(wb, wa, NULL, &at_a, &div, &back);
		CHECK(back.reply == 3, "Linux answers the wire after kill -9: %u of 3", back.reply);
	}
out:
	afp_host_close(h);
	afp_close(wa);
	afp_close(sa);
	afp_close(wb);
}

/* ---- measurement -------------------------------------------------------- */

static void bench(void)
{
	static uint8_t buf[256][60];
	static struct afp_frag fg[256];
	static struct afp_frag_frame fr[256];
	struct afp *a, *b;
	long long t0, t1;
	uint64_t sent = 0;
	int fds[2], st;
	pid_t pid;

	if (pipe(fds) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		/* receiver in ns B: counts for as long as frames keep coming */
		struct seen s = { 0 };
		struct pollfd p;
		long long first = 0, last = 0;
		uint64_t n = 0;
		char line[128];

		b = open_in(ns_b, "vB", AFP_SIDE_WIRE);
		if (!b || write(fds[1], "r", 1) != 1)
			_exit(1);
		p = (struct pollfd){ .fd = afp_fd(b), .events = POLLIN };
		for (long long idle = now_ms(); now_ms() - idle < 300;) {
			int r = afp_rx_burst(b, 1024, collect, &s);

			if (r > 0) {
				if (n == 0)
					first = now_ms();
				n += (uint64_t)r;
				last = idle = now_ms();
			} else {
				poll(&p, 1, 10);
			}
		}
		snprintf(line, sizeof(line), "bench: RX %.2f Mframes/s (%llu frames)\n",
			 last > first ? (double)n / (double)(last - first) / 1000.0 : 0.0,
			 (unsigned long long)n);
		fputs(line, stdout);
		afp_close(b);
		_exit(0);
	}
	{
		char c;

		if (read(fds[0], &c, 1) != 1)
			return;
	}
	a = open_in(ns_a, "vA", AFP_SIDE_WIRE);
	for (unsigned i = 0; i < 256; i++) {
		fg[i] = (struct afp_frag){ buf[i], (uint32_t)test_frame(buf[i], 60, i) };
		fr[i] = (struct afp_frag_frame){ &fg[i], 1 };
	}
	t0 = now_ms();
	while ((t1 = now_ms()) - t0 < 1000) {
		int r = afp_tx_burst(a, fr, 256);

		if (r > 0)
			sent += (uint64_t)r;
		else
			poll(&(struct pollfd){ .fd = afp_fd(a), .events = POLLOUT }, 1, 10);
	}
	printf("bench: TX %.2f Mframes/s (%llu frames of 60 bytes, burst 256)\n",
	       (double)sent / (double)(t1 - t0) / 1000.0, (unsigned long long)sent);
	fflush(stdout);
	afp_close(a);
	waitpid(pid, &st, 0);
	close(fds[0]);
	close(fds[1]);
}

int main(int argc, char **argv)
{
	char why[160];
	struct afp *a, *b;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0) {
		printf("SKIP: uvale_afpacket_test needs root (network namespaces, veth, "
		       "AF_PACKET)\n");
		return 0;
	}
	if (!make_pair(why, sizeof(why))) {
		printf("SKIP: %s\n", why);
		return 0;
	}
	test_errors();
	a = open_in(ns_a, "vA", AFP_SIDE_WIRE);
	b = open_in(ns_b, "vB", AFP_SIDE_WIRE);
	if (a && b) {
		test_thousand(a, b);
		test_fragments(a, b);
		test_vlan(b);
		test_sides(b);
		test_overflow(a, b);
		test_link_down(a, b);
	}
	afp_close(a);
	afp_close(b);
	test_host();
	if (system("command -v ping >/dev/null 2>&1") == 0)
		test_ping();
	else
		printf("# SKIP ping through the engine: 'ping' is not installed\n");
	if (argc > 1 && strcmp(argv[1], "--bench") == 0)
		bench();
	return check_summary("uvale_afpacket_test");
}
