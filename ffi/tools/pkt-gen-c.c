/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pkt-gen-c: the C twin of scripts/pkt-gen.ts. The same per-packet work
 * through the same library (libnmscript, nmscript.h only), so that the
 * TypeScript generator can be measured against a C reference loop:
 *
 *   tx:  per slot, copy the frame only when the slot's buffer is new to us
 *        (NS_BUF_CHANGED, set on every slot at start), then write len and
 *        flags; publish head/cur and txsync once per burst.
 *   rx:  poll (which syncs), count every slot up to tail, release them all.
 *   both wait for a ring as pkt-gen.ts's RingWaiter does: while frames flow,
 *        re-sync for up to --spin µs (yielding the CPU in between), then poll.
 *
 * Usage: pkt-gen-c -i PORT [-f tx|rx|txseq|rxseq] [-n COUNT] [-l LEN]
 *                  [-b BURST] [-w SECS] [-T MS] [-S MAC] [-D MAC] [--vlan VID]
 *                  [--spin USEC] [--json]
 *
 * --vlan VID (as pkt-gen.ts): send 802.1Q-tagged frames (-l bytes plus the
 * 4-byte tag). On the kernel backend they are written into every slot, since
 * the VLAN module removes the tag in the sender's buffer; uvale removes it
 * while copying the frame out, so each buffer is written only once there.
 * Exit status: 0 done, 1 runtime failure, 255 bad usage (as pkt-gen).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nmscript.h"

#define PROG        "pkt-gen-c"
#define USAGE_EXIT  255
#define SEQ_OFFSET  42 /* sequence number of txseq/rxseq: after the UDP header */
#define HDR_LEN     42 /* Ethernet + IPv4 + UDP */
#define MAX_LEN     65535

enum mode { M_TX, M_RX, M_TXSEQ, M_RXSEQ };
static const char *const mode_names[] = { "tx", "rx", "txseq", "rxseq" };

struct opts {
	const char *ifname;
	enum mode mode;
	uint64_t count; /* 0: until ^C */
	unsigned int len, burst, report_ms;
	int wait_s;     /* -1: default (2 s, 0 on vale ports) */
	int json;
	int vlan;       /* -1: untagged; else the VID of an 802.1Q tag */
	unsigned int spin_us; /* re-sync this long before sleeping in poll */
	uint8_t src_mac[6], dst_mac[6];
};

struct port {
	int fd;
	void *mem;
	uint64_t memsize;
	struct nma_if *nifp;
	struct nma_ring *rings[2 * (NMA_BDG_MAXRINGS + 1)];
	unsigned int nrings;
	char name[NMA_REQ_IFNAMSIZ];
};

struct counters {
	uint64_t pkts, bytes, events;
	uint32_t min_space;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int usage(const char *fmt, const char *arg)
{
	if (fmt) {
		fprintf(stderr, PROG ": ");
		fprintf(stderr, fmt, arg);
		fprintf(stderr, "\n");
	}
	fprintf(stderr,
		"usage: " PROG " -i PORT [-f tx|rx|txseq|rxseq] [-n COUNT] [-l LEN] [-b BURST]\n"
		"                 [-w SECS] [-T MS] [-S MAC] [-D MAC] [--vlan VID] [--spin USEC]\n"
		"                 [--json]\n"
		"  -i PORT   netmap:NAME[-RING] or valeX:Y[-RING] (pipes: netmap:pipe{1, }1)\n"
		"  -f MODE   tx, rx (default), txseq or rxseq\n"
		"  -n COUNT  packets to send or receive (default 0: until ^C)\n"
		"  -l LEN    frame length without CRC, 16..%d (default 60)\n"
		"  -b BURST  packets per sync (default 512)\n"
		"  -w SECS   wait before starting (default 2, 0 on vale ports)\n"
		"  -T MS     report interval (default 1000)\n"
		"  -S MAC    source MAC (default 00:00:00:00:00:00)\n"
		"  -D MAC    destination MAC (default ff:ff:ff:ff:ff:ff)\n"
		"  --vlan VID  tx: 802.1Q-tagged frames (VID 0..4095; -l bytes plus the tag);\n"
		"            on the kernel backend written into every slot (its VLAN switch\n"
		"            untags in the sender's buffer), on uvale once per buffer\n"
		"  --spin USEC  while frames flow, re-sync a ring for up to USEC microseconds\n"
		"            before sleeping in poll (default 200; 0: poll at once)\n"
		"  --json    print one JSON object at the end instead of text reports\n",
		MAX_LEN);
	return USAGE_EXIT;
}

/* An unsigned number in [lo, hi], or -1 with a message. */
static int parse_num(const char *what, const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (*s == '-' || *s == '\0' || *end != '\0' || errno || v < lo || v > hi) {
		fprintf(stderr, PROG ": %s '%s' is not a number in %" PRIu64 "..%" PRIu64 "\n",
			what, s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	int end = 0;

	return sscanf(s, "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx%n", &mac[0], &mac[1], &mac[2],
		      &mac[3], &mac[4], &mac[5], &end) != 6 || s[end] != '\0';
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "vlan", required_argument, NULL, 'V' },
		{ "spin", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	*o = (struct opts){ .mode = M_RX, .len = 60, .burst = 512, .report_ms = 1000,
			    .wait_s = -1, .vlan = -1, .spin_us = 200, .dst_mac = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:f:n:l:b:w:T:S:D:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			o->ifname = optarg;
			break;
		case 'f':
			for (v = 0; v < 4 && strcmp(optarg, mode_names[v]); v++)
				;
			if (v == 4)
				return usage("-f %s: unknown mode (tx, rx, txseq, rxseq)", optarg);
			o->mode = (enum mode)v;
			break;
		case 'n':
			if (parse_num("-n", optarg, 0, UINT64_MAX, &o->count))
				return USAGE_EXIT;
			break;
		case 'l':
			if (parse_num("-l", optarg, 16, MAX_LEN, &v))
				return USAGE_EXIT;
			o->len = (unsigned int)v;
			break;
		case 'b':
			if (parse_num("-b", optarg, 1, 1u << 20, &v))
				return USAGE_EXIT;
			o->burst = (unsigned int)v;
			break;
		case 'w':
			if (parse_num("-w", optarg, 0, 3600, &v))
				return USAGE_EXIT;
			o->wait_s = (int)v;
			break;
		case 'T':
			if (parse_num("-T", optarg, 10, 3600000, &v))
				return USAGE_EXIT;
			o->report_ms = (unsigned int)v;
			break;
		case 'S':
		case 'D':
			if (parse_mac(optarg, c == 'S' ? o->src_mac : o->dst_mac))
				return usage(c == 'S' ? "-S %s: not a MAC address like 02:00:00:00:00:01"
						      : "-D %s: not a MAC address like 02:00:00:00:00:01",
					     optarg);
			break;
		case 'J':
			o->json = 1;
			break;
		case 'V':
			if (parse_num("--vlan", optarg, 0, 4095, &v))
				return USAGE_EXIT;
			o->vlan = (int)v;
			break;
		case 'P':
			if (parse_num("--spin", optarg, 0, 1000000, &v))
				return USAGE_EXIT;
			o->spin_us = (unsigned int)v;
			break;
		case 'h':
			usage(NULL, NULL);
			exit(0);
		case ':':
			if (optopt == 'V')
				return usage("option --vlan needs a VID (0..4095)%s", "");
			if (optopt == 'P')
				return usage("option --spin needs a time in microseconds%s", "");
			return usage("option -%s needs a value", (char[]){ (char)optopt, 0 });
		default:
			return usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage("unexpected argument '%s'", argv[optind]);
	if (!o->ifname)
		return usage("-i PORT is required%s", "");
	if (o->wait_s < 0)
		o->wait_s = strncmp(o->ifname, "vale", 4) == 0 ? 0 : 2;
	return 0;
}

/*
 * The subset of netmap's port-name grammar the twin needs: "netmap:" is
 * stripped, "valeX:Y" is kept whole, an optional "-N" selects one ring pair.
 */
static int port_request(const char *spec, struct nma_req_header *hdr, struct nma_req_register *reg)
{
	const char *name = spec, *dash;
	size_t n;

	memset(hdr, 0, sizeof(*hdr));
	memset(reg, 0, sizeof(*reg));
	if (strncmp(spec, "netmap:", 7) == 0)
		name = spec + 7;
	else if (strncmp(spec, "vale", 4) != 0 || !strchr(spec, ':'))
		return -1;
	n = strlen(name);
	reg->nr_mode = NMA_REG_ALL_NIC;
	dash = strrchr(name, '-');
	if (dash && dash[1] >= '0' && dash[1] <= '9' && strspn(dash + 1, "0123456789") == strlen(dash + 1)) {
		unsigned long ring = strtoul(dash + 1, NULL, 10);

		if (ring >= NMA_RING_MASK)
			return -1;
		reg->nr_mode = NMA_REG_ONE_NIC;
		reg->nr_ringid = (uint16_t)ring;
		n = (size_t)(dash - name);
	}
	if (n == 0 || n >= NMA_REQ_IFNAMSIZ || strcspn(name, "*^/@") < n)
		return -1;
	hdr->nr_version = NMA_API;
	hdr->nr_reqtype = NMA_REQ_REGISTER;
	memcpy(hdr->nr_name, name, n);
	hdr->nr_body = (uint64_t)(uintptr_t)reg;
	return 0;
}

static void fail(const char *what, const char *port, int neg_err)
{
	const char *msg = nms_last_error();

	fprintf(stderr, PROG ": %s %s: %s%s%s\n", what, port, nms_errno_name(-neg_err),
		*msg ? ": " : "", msg);
}

/* Opens spec and maps its memory; the rings of direction dir (0 tx, 1 rx). */
static int port_open(const char *spec, int dir, struct port *p)
{
	struct nma_req_header hdr;
	struct nma_req_register reg;
	unsigned int i, first, total;
	int err;

	memset(p, 0, sizeof(*p));
	p->fd = -1;
	if (port_request(spec, &hdr, &reg)) {
		fprintf(stderr, PROG ": -i %s: EINVAL: not a port name this tool accepts; use "
			"netmap:NAME[-RING] or valeX:Y[-RING] (scripts/pkt-gen.ts takes the full "
			"grammar)\n", spec);
		return USAGE_EXIT;
	}
	memcpy(p->name, hdr.nr_name, sizeof(p->name));
	p->fd = nms_open();
	if (p->fd < 0) {
		fail("open", spec, p->fd);
		return 1;
	}
	err = nms_ctrl(p->fd, &hdr);
	if (err < 0) {
		fail("register", spec, err);
		return 1;
	}
	p->memsize = reg.nr_memsize;
	p->mem = nms_mmap(p->fd, reg.nr_memsize, &err);
	if (!p->mem) {
		fail("mmap", spec, -err);
		return 1;
	}
	p->nifp = (struct nma_if *)((char *)p->mem + reg.nr_offset);
	/* the rings bound to this handle are those with a non-zero offset */
	first = dir ? p->nifp->ni_tx_rings + p->nifp->ni_host_tx_rings : 0;
	total = dir ? p->nifp->ni_rx_rings + p->nifp->ni_host_rx_rings
		    : p->nifp->ni_tx_rings + p->nifp->ni_host_tx_rings;
	for (i = 0; i < total && p->nrings < sizeof(p->rings) / sizeof(p->rings[0]); i++) {
		if (p->nifp->ring_ofs[first + i])
			p->rings[p->nrings++] = (struct nma_ring *)((char *)p->nifp +
								   p->nifp->ring_ofs[first + i]);
	}
	if (p->nrings == 0) {
		fprintf(stderr, PROG ": %s: no %s ring is bound to this port\n", spec,
			dir ? "rx" : "tx");
		return 1;
	}
	return 0;
}

static void port_close(struct port *p)
{
	if (p->mem)
		nms_munmap(p->mem, p->memsize);
	if (p->fd >= 0)
		nms_close(p->fd);
}

static inline uint32_t ring_next(const struct nma_ring *r, uint32_t i)
{
	return i + 1 == r->num_slots ? 0 : i + 1;
}

static inline uint32_t ring_space(const struct nma_ring *r)
{
	uint32_t t = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE), h = r->head;

	return t >= h ? t - h : t + r->num_slots - h;
}

static inline uint8_t *slot_buf(struct nma_ring *r, const struct nma_slot *s)
{
	return (uint8_t *)r + r->buf_ofs + (uint64_t)s->buf_idx * r->nr_buf_size +
	       (s->ptr & r->offset_mask);
}

static inline void publish(struct nma_ring *r, uint32_t head)
{
	__atomic_store_n(&r->cur, head, __ATOMIC_RELAXED);
	__atomic_store_n(&r->head, head, __ATOMIC_RELEASE);
}

/*
 * Waits for frames (rx) or room (tx) as pkt-gen.ts's RingWaiter: while traffic
 * flows (busy), re-syncs the rings for up to spin_us µs, yielding the CPU
 * between syncs (a yield that let another thread run ends the spin), then
 * polls for at most timeout_ms. Returns the poll events
 * (POLLIN/POLLOUT when a spin found them; 0 on timeout) or -errno.
 */
static int wait_ring(struct port *p, int rx, unsigned int spin_us, int busy, int timeout_ms)
{
	short want = rx ? POLLIN : POLLOUT;
	double until = now_s() + spin_us * 1e-6;
	unsigned int i;
	int err;

	while (busy && spin_us > 0) {
		err = rx ? nms_rxsync(p->fd) : nms_txsync(p->fd);
		if (err < 0)
			return err;
		for (i = 0; i < p->nrings; i++)
			if (ring_space(p->rings[i]) > 0)
				return want;
		if (now_s() >= until)
			break;
		if (nms_yield() != 0)
			break; /* another thread wanted this CPU (or the yield failed): sleep */
	}
	return nms_poll(p->fd, want, timeout_ms);
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (; n > 1; p += 2, n -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (n)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static void put16(uint8_t *p, unsigned int v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Ethernet/IPv4/UDP 10.0.0.1:1234 -> 10.1.0.1:1234, payload 'x', like pkt-gen.ts. */
static void build_frame(uint8_t *f, unsigned int len, const uint8_t src[6],
			const uint8_t dst[6])
{
	static const uint8_t ip_src[4] = { 10, 0, 0, 1 }, ip_dst[4] = { 10, 1, 0, 1 };
	uint8_t tmp[HDR_LEN];
	uint8_t *w = len >= HDR_LEN ? f : tmp, *ip = w + 14, *udp = ip + 20;
	unsigned int l = len >= HDR_LEN ? len : HDR_LEN;
	uint32_t sum;

	memset(w, 'x', l);
	memcpy(w, dst, 6);
	memcpy(w + 6, src, 6);
	put16(w + 12, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, l - 14);
	put16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, ip_src, 4);
	memcpy(ip + 16, ip_dst, 4);
	put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
	put16(udp, 1234);
	put16(udp + 2, 1234);
	put16(udp + 4, l - 34);
	put16(udp + 6, 0);
	sum = csum_add(17 + (l - 34), ip + 12, 8);
	sum = csum_fold(csum_add(sum, udp, l - 34));
	put16(udp + 6, sum ? sum : 0xffff);
	if (w == tmp)
		memcpy(f, tmp, len);
}

static void put_seq(uint8_t *p, uint32_t seq)
{
	p[0] = (uint8_t)(seq >> 24);
	p[1] = (uint8_t)(seq >> 16);
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
}

/* pkt-gen's unit scaling: "14.880 M". */
static const char *norm(char *buf, size_t n, double v)
{
	static const char units[] = " KMGT";
	unsigned int i = 0;

	while (v >= 1000 && i < 4) {
		v /= 1000;
		i++;
	}
	snprintf(buf, n, "%.3f %c", v, units[i]);
	if (units[i] == ' ')
		buf[strlen(buf) - 1] = '\0';
	return buf;
}

struct reporter {
	const struct opts *o;
	double last;
	struct counters prev;
};

static void report(struct reporter *r, const struct counters *c, double now)
{
	double usec = (now - r->last) * 1e6;
	uint64_t pkts = c->pkts - r->prev.pkts, events = c->events - r->prev.events;
	char a[32], b[32], d[32];
	struct timespec wall;

	if (usec < 10000)
		return;
	if (!r->o->json) {
		clock_gettime(CLOCK_REALTIME, &wall);
		fprintf(stderr, "%03ld.%06ld main_thread [2781] %spps (%spkts %sbps in %.0f usec) "
			"%.2f avg_batch %u min_space\n", (long)(wall.tv_sec % 1000),
			wall.tv_nsec / 1000, norm(a, sizeof(a), pkts * 1e6 / usec),
			norm(b, sizeof(b), (double)pkts),
			norm(d, sizeof(d), (c->bytes - r->prev.bytes) * 8e6 / usec), usec,
			events ? (double)pkts / events : 0.0, c->min_space);
	}
	r->prev = *c;
	r->last = now;
}

static void report_maybe(struct reporter *r, const struct counters *c)
{
	double now = now_s();

	if ((now - r->last) * 1000 >= r->o->report_ms)
		report(r, c, now);
}

/* Insert an 802.1Q tag (TPID 0x8100, PCP 0, VID vid) after the MACs of the
 * len-byte frame f, which has room for 4 more bytes. */
static void add_vlan_tag(uint8_t *f, unsigned int len, unsigned int vid)
{
	memmove(f + 16, f + 12, len - 12);
	put16(f + 12, 0x8100);
	put16(f + 14, vid);
}

static int transmit(struct port *p, const struct opts *o, struct counters *c)
{
	unsigned int len = o->len + (o->vlan >= 0 ? 4 : 0);
	uint8_t *frame = malloc(len);
	struct reporter rep = { .o = o, .last = now_s() };
	int seq = o->mode == M_TXSEQ, err = 0;
	/* the kernel's VLAN switch untags in the sender's buffer: write every slot */
	int always = seq || (o->vlan >= 0 && nms_backend() == NMS_BACKEND_KERNEL);
	const char *op = "txsync";
	unsigned int i, j;

	if (!frame) {
		fprintf(stderr, PROG ": out of memory for a %u-byte frame\n", len);
		return 1;
	}
	build_frame(frame, o->len, o->src_mac, o->dst_mac);
	if (o->vlan >= 0)
		add_vlan_tag(frame, o->len, (unsigned int)o->vlan);
	for (i = 0; i < p->nrings; i++) {
		if (len > p->rings[i]->nr_buf_size) {
			fprintf(stderr, PROG ": -l %u: EINVAL: longer than the port's buffers "
				"(%u bytes); use a smaller -l\n", len, p->rings[i]->nr_buf_size);
			free(frame);
			return USAGE_EXIT;
		}
		/* every buffer is new to us: the first use copies the frame */
		for (j = 0; j < p->rings[i]->num_slots; j++)
			p->rings[i]->slot[j].flags = NMA_NS_BUF_CHANGED;
	}
	while (!stop && (o->count == 0 || c->pkts < o->count)) {
		uint64_t want = o->burst, sent = 0;

		if (o->count && o->count - c->pkts < want)
			want = o->count - c->pkts;
		for (i = 0; i < p->nrings && sent < want; i++) {
			struct nma_ring *r = p->rings[i];
			uint32_t head = r->head, room = ring_space(r);

			if (!c->min_space || room < c->min_space)
				c->min_space = room;
			for (; room > 0 && sent < want; room--, sent++) {
				struct nma_slot *s = &r->slot[head];

				if (always || (s->flags & NMA_NS_BUF_CHANGED)) {
					uint8_t *buf = slot_buf(r, s);

					memcpy(buf, frame, len);
					if (seq && len >= SEQ_OFFSET + 4)
						put_seq(buf + SEQ_OFFSET, (uint32_t)(c->pkts + sent));
				}
				s->len = (uint16_t)len;
				s->flags = 0;
				head = ring_next(r, head);
			}
			publish(r, head);
		}
		err = nms_txsync(p->fd);
		if (err < 0)
			break;
		if (sent == 0) {
			op = "poll";
			err = wait_ring(p, 0, o->spin_us, 1, 100);
			if (err < 0)
				break;
			op = "txsync";
		}
		c->pkts += sent;
		c->bytes += sent * len;
		c->events += sent > 0;
		report_maybe(&rep, c);
	}
	/* let the peer take what is still in the rings (at most 2 s) */
	for (j = 0; err >= 0 && j < 2000; j++) {
		for (i = 0; i < p->nrings && ring_next(p->rings[i], p->rings[i]->tail) ==
						 p->rings[i]->head; i++)
			;
		if (i == p->nrings)
			break;
		err = nms_txsync(p->fd);
		usleep(1000);
	}
	report(&rep, c, now_s());
	free(frame);
	if (err < 0) {
		fail(op, o->ifname, err);
		return 1;
	}
	return 0;
}

static int receive(struct port *p, const struct opts *o, struct counters *c)
{
	struct reporter rep = { .o = o, .last = now_s() };
	uint32_t expect[sizeof(p->rings) / sizeof(p->rings[0])];
	uint8_t have[sizeof(p->rings) / sizeof(p->rings[0])] = { 0 };
	unsigned int i;
	int ev, busy = 0;

	while (!stop && (o->count == 0 || c->pkts < o->count)) {
		uint64_t got = 0;

		ev = wait_ring(p, 1, o->spin_us, busy, 100);
		if (ev < 0) {
			fail("poll", o->ifname, ev);
			return 1;
		}
		if (ev & POLLERR) {
			fprintf(stderr, PROG ": poll %s: POLLERR\n", o->ifname);
			return 1;
		}
		for (i = 0; i < p->nrings; i++) {
			struct nma_ring *r = p->rings[i];
			uint32_t head = r->head, tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
			/* pkt-gen's rx "space": (head - tail) modulo the ring size */
			uint32_t space = head >= tail ? head - tail : head + r->num_slots - tail;

			if (!c->min_space || space < c->min_space)
				c->min_space = space;
			for (; head != tail && (o->count == 0 || c->pkts + got < o->count);
			     head = ring_next(r, head)) {
				struct nma_slot *s = &r->slot[head];

				if (o->mode == M_RXSEQ && s->len >= SEQ_OFFSET + 4) {
					const uint8_t *q = slot_buf(r, s) + SEQ_OFFSET;
					uint32_t v = (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 |
						     (uint32_t)q[2] << 8 | q[3];

					if (have[i] && v != expect[i])
						fprintf(stderr, PROG ": ring %u: sequence %u, "
							"expected %u\n", i, v, expect[i]);
					expect[i] = v + 1;
					have[i] = 1;
				}
				c->bytes += s->len;
				got += !(s->flags & NMA_NS_MOREFRAG);
			}
			publish(r, head);
		}
		c->pkts += got;
		c->events += got > 0;
		busy = got > 0;
		report_maybe(&rep, c);
	}
	report(&rep, c, now_s());
	return 0;
}

static void print_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void summary(const struct opts *o, const struct counters *c, double secs)
{
	int tx = o->mode == M_TX || o->mode == M_TXSEQ;
	double d = secs > 0 ? secs : 1e-6;
	char a[32], b[32];

	if (o->json) {
		printf("{\"type\":\"summary\",\"tool\":\"" PROG "\",\"mode\":\"%s\",\"port\":",
		       mode_names[o->mode]);
		print_json_string(o->ifname);
		printf(",\"verb\":\"%s\",\"packets\":%" PRIu64 ",\"pkts\":%" PRIu64
		       ",\"bytes\":%" PRIu64 ",\"events\":%" PRIu64 ",\"seconds\":%.6f"
		       ",\"pps\":%.1f,\"bps\":%.1f}\n", tx ? "sent" : "received", c->pkts, c->pkts,
		       c->bytes, c->events, secs, c->pkts / d, c->bytes * 8 / d);
	} else if (c->pkts == 0) {
		printf("%s nothing.\n", tx ? "Sent" : "Received");
	} else {
		printf("%s %" PRIu64 " packets %" PRIu64 " bytes %" PRIu64 " events %" PRIu64
		       " bytes each in %.2f seconds.\n", tx ? "Sent" : "Received", c->pkts,
		       c->bytes, c->events, c->bytes / c->pkts, secs);
		printf("Speed: %spps Bandwidth: %sbps. Average batch: %.2f pkts\n",
		       norm(a, sizeof(a), c->pkts / d), norm(b, sizeof(b), c->bytes * 8 / d),
		       c->events ? (double)c->pkts / c->events : 0.0);
	}
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct counters c = { 0 };
	struct port p;
	struct opts o;
	struct timespec w;
	double t0;
	int tx, ret;

	ret = parse_args(argc, argv, &o);
	if (ret)
		return ret;
	tx = o.mode == M_TX || o.mode == M_TXSEQ;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	ret = port_open(o.ifname, tx ? 0 : 1, &p);
	if (ret) {
		port_close(&p);
		return ret;
	}
	/* the banner also tells a harness that the port is open (stderr under --json) */
	fprintf(o.json ? stderr : stdout, "%s %s: %u queues, 1 threads and 1 cpus.\n",
		tx ? "Sending on" : "Receiving from", o.ifname, p.nrings);
	fflush(o.json ? stderr : stdout);
	w = (struct timespec){ .tv_sec = o.wait_s };
	while (!stop && nanosleep(&w, &w) && errno == EINTR)
		;
	t0 = now_s();
	ret = tx ? transmit(&p, &o, &c) : receive(&p, &o, &c);
	if (ret != USAGE_EXIT)
		summary(&o, &c, now_s() - t0);
	port_close(&p);
	return ret;
}
