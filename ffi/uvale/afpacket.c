/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The AF_PACKET engine (see afpacket.h and docs/afpacket.md).
 *
 * One packet socket per struct afp, one mmap holding both rings:
 *
 *   [0, rx_size)            RX: rx_block_nr TPACKET_V3 blocks. The kernel
 *                           fills a block with many frames and hands it over
 *                           when it is full or rx_retire_ms has passed.
 *   [rx_size, + tx_size)    TX: tx_frame_nr fixed-size frames. We fill some,
 *                           mark them SEND_REQUEST, and one sendto() per burst
 *                           makes the kernel transmit all of them.
 *
 * Ownership of a block or a frame moves through its status word: we read it
 * with acquire and write it with release ordering.
 */
#include "afpacket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../src/internal.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif
#ifndef TP_STATUS_VLAN_TPID_VALID
#define TP_STATUS_VLAN_TPID_VALID (1 << 6)
#endif
#ifndef TP_STATUS_CSUM_VALID
#define TP_STATUS_CSUM_VALID (1 << 7)
#endif

#define AFP_DEF_RX_BLOCK  (128u << 10)
#define AFP_DEF_RX_NBLOCK 16u
#define AFP_DEF_RETIRE_MS 1u
#define AFP_DEF_TX_FRAMES 512u
#define AFP_TX_BLOCK      (64u << 10)
#define AFP_MAX_BYTES     (256u << 20) /* per ring: refuse silly configs */
#define AFP_RX_FRAME_SIZE 2048u        /* V3: only sizes the kernel's frame count */

/* where data starts in a V3 frame header, as the kernel lays it out */
#define AFP_HDR3_ALIGNED  TPACKET_ALIGN(sizeof(struct tpacket3_hdr))
#define AFP_VLAN_HLEN     4u
#define AFP_MAC_ADDRS     12u /* destination + source */
#define AFP_SCRATCH       (64u << 10)

/*
 * skb->mark of every frame this engine transmits, so that a SIDE_STACK socket
 * on the same interface can tell them from the local stack's own frames
 * (the filter below reads the mark). Setting it needs CAP_NET_ADMIN (or
 * CAP_NET_RAW on Linux >= 5.17); without it, the host side also sees them.
 */
#define AFP_TX_MARK       0x6e6d7378u

struct afp {
	int fd;
	int ifindex;
	uint32_t side;
	uint32_t mtu;
	char ifname[IFNAMSIZ];

	uint8_t *map;
	size_t map_len;

	/* RX ring: where the reader stands */
	uint8_t *rx;
	uint32_t rx_block_size, rx_block_nr;
	uint32_t rx_blk;       /* current block */
	uint32_t rx_left;      /* frames not yet delivered in the current block */
	struct tpacket3_hdr *rx_next;

	/* TX ring */
	uint8_t *tx;
	uint32_t tx_frame_size, tx_frame_nr;
	uint32_t tx_head;      /* next frame to fill */

	uint8_t *scratch;      /* for tag re-insertion when there is no headroom */
	struct afp_stats st;
};

/* ---- small helpers ------------------------------------------------------ */

static bool is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

static uint32_t pow2_at_least(uint32_t v)
{
	uint32_t p = 1;

	while (p < v && p < (1u << 31))
		p <<= 1;
	return p;
}

static uint32_t status_load(const volatile uint32_t *w)
{
	return __atomic_load_n(w, __ATOMIC_ACQUIRE);
}

static void status_store(volatile uint32_t *w, uint32_t v)
{
	__atomic_store_n(w, v, __ATOMIC_RELEASE);
}

static int check_name(const char *ifname, const char *op)
{
	if (ifname == NULL || ifname[0] == '\0')
		return nms_fail(EINVAL, "%s: empty interface name", op);
	if (strlen(ifname) >= IFNAMSIZ)
		return nms_fail(EINVAL, "%s: interface name '%s' is longer than %d characters",
				op, ifname, IFNAMSIZ - 1);
	return 0;
}

/* An ioctl on any socket of the caller's namespace (no privilege needed). */
static int if_ioctl(const char *ifname, unsigned long req, struct ifreq *ifr, const char *op)
{
	int s, err = 0;

	memset(ifr, 0, sizeof(*ifr));
	memcpy(ifr->ifr_name, ifname, strlen(ifname) + 1);
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return nms_fail(errno, "%s %s: socket", op, ifname);
	if (ioctl(s, req, ifr) < 0) {
		err = errno;
		if (err == ENODEV)
			err = nms_fail(ENXIO, "%s: no interface '%s' in this network namespace "
				       "(list them with 'ip link')", op, ifname);
		else
			err = nms_fail(err, "%s %s: interface query failed", op, ifname);
	}
	close(s);
	return err;
}

int afp_get_mac(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr;
	int err = check_name(ifname, "afp_get_mac");

	if (err == 0)
		err = if_ioctl(ifname, SIOCGIFHWADDR, &ifr, "afp_get_mac");
	if (err)
		return err;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

int afp_get_mtu(const char *ifname, uint32_t *mtu)
{
	struct ifreq ifr;
	int err = check_name(ifname, "afp_get_mtu");

	if (err == 0)
		err = if_ioctl(ifname, SIOCGIFMTU, &ifr, "afp_get_mtu");
	if (err)
		return err;
	*mtu = (uint32_t)ifr.ifr_mtu;
	return 0;
}

/* ---- open / close ------------------------------------------------------- */

static int setopt_int(struct afp *a, int level, int name, int val, const char *what)
{
	if (setsockopt(a->fd, level, name, &val, sizeof(val)) < 0)
		return nms_fail(errno, "afp_open %s: setting %s", a->ifname, what);
	return 0;
}

/*
 * SIDE_STACK: let only frames the local stack transmits reach the ring:
 * outgoing, and not marked as sent by an engine.
 */
static int attach_outgoing_filter(struct afp *a)
{
	struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)(SKF_AD_OFF + SKF_AD_PKTTYPE)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)(SKF_AD_OFF + SKF_AD_MARK)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AFP_TX_MARK, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffffffffu),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog fp = { .len = sizeof(prog) / sizeof(prog[0]), .filter = prog };

	if (setsockopt(a->fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp)) < 0)
		return nms_fail(errno, "afp_open %s: attaching the outgoing-only filter",
				a->ifname);
	return 0;
}

/*
 * WIRE and BOTH: frames afp_host injected into the stack (redirected into
 * the interface's ingress, marked AFP_HOST_MARK) did not come from the wire.
 */
static int attach_host_mark_filter(struct afp *a)
{
	struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)(SKF_AD_OFF + SKF_AD_MARK)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AFP_HOST_MARK, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffffffffu),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog fp = { .len = sizeof(prog) / sizeof(prog[0]), .filter = prog };

	if (setsockopt(a->fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp)) < 0)
		return nms_fail(errno, "afp_open %s: attaching the host-mark filter", a->ifname);
	return 0;
}

static int check_config(const char *ifname, const struct afp_config *c)
{
	uint32_t page = (uint32_t)sysconf(_SC_PAGESIZE);

	if (c->side > AFP_SIDE_BOTH)
		return nms_fail(EINVAL, "afp_open %s: side %u is not WIRE (0), STACK (1) or BOTH (2)",
				ifname, c->side);
	if (c->flags & ~(AFP_F_NO_PROMISC | AFP_F_USE_QDISC))
		return nms_fail(EINVAL, "afp_open %s: unknown flags 0x%x", ifname, c->flags);
	if (c->rx_block_size && (!is_pow2(c->rx_block_size) || c->rx_block_size < page))
		return nms_fail(EINVAL, "afp_open %s: rx_block_size %u must be a power of two "
				">= the page size (%u)", ifname, c->rx_block_size, page);
	if (c->tx_frame_size && (!is_pow2(c->tx_frame_size) || c->tx_frame_size < 256 ||
				 c->tx_frame_size > (1u << 20)))
		return nms_fail(EINVAL, "afp_open %s: tx_frame_size %u must be a power of two "
				"in [256, 1 MiB]", ifname, c->tx_frame_size);
	if ((uint64_t)(c->rx_block_size ? c->rx_block_size : AFP_DEF_RX_BLOCK) *
		    (c->rx_block_nr ? c->rx_block_nr : AFP_DEF_RX_NBLOCK) > AFP_MAX_BYTES ||
	    (uint64_t)(c->tx_frame_size ? c->tx_frame_size : 2048) *
		    (c->tx_frame_nr ? c->tx_frame_nr : AFP_DEF_TX_FRAMES) > AFP_MAX_BYTES)
		return nms_fail(EINVAL, "afp_open %s: rings larger than %u MiB each", ifname,
				AFP_MAX_BYTES >> 20);
	if (c->rx_retire_ms > 60000)
		return nms_fail(EINVAL, "afp_open %s: rx_retire_ms %u is over a minute", ifname,
				c->rx_retire_ms);
	return 0;
}

/* The interface must exist, speak Ethernet and be up. */
static int check_interface(struct afp *a)
{
	struct ifreq ifr;
	int err;

	a->ifindex = (int)if_nametoindex(a->ifname);
	if (a->ifindex == 0)
		return nms_fail(ENXIO, "afp_open: no interface '%s' in this network namespace "
				"(list them with 'ip link')", a->ifname);
	err = if_ioctl(a->ifname, SIOCGIFHWADDR, &ifr, "afp_open");
	if (err)
		return err;
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER &&
	    ifr.ifr_hwaddr.sa_family != ARPHRD_LOOPBACK)
		return nms_fail(EINVAL, "afp_open: '%s' is not an Ethernet interface "
				"(link type %u); only Ethernet frames fit netmap rings",
				a->ifname, ifr.ifr_hwaddr.sa_family);
	err = if_ioctl(a->ifname, SIOCGIFMTU, &ifr, "afp_open");
	if (err)
		return err;
	a->mtu = (uint32_t)ifr.ifr_mtu;
	err = if_ioctl(a->ifname, SIOCGIFFLAGS, &ifr, "afp_open");
	if (err)
		return err;
	if (!(ifr.ifr_flags & IFF_UP))
		return nms_fail(ENETDOWN, "afp_open: interface '%s' is down; bring it up "
				"with 'ip link set %s up'", a->ifname, a->ifname);
	return 0;
}

static int setup_rings(struct afp *a, const struct afp_config *c)
{
	struct tpacket_req3 rx = { 0 }, tx = { 0 };
	uint32_t want;

	a->rx_block_size = c->rx_block_size ? c->rx_block_size : AFP_DEF_RX_BLOCK;
	a->rx_block_nr = c->rx_block_nr ? c->rx_block_nr : AFP_DEF_RX_NBLOCK;
	rx.tp_block_size = a->rx_block_size;
	rx.tp_block_nr = a->rx_block_nr;
	rx.tp_frame_size = AFP_RX_FRAME_SIZE < a->rx_block_size ? AFP_RX_FRAME_SIZE
								 : a->rx_block_size;
	rx.tp_frame_nr = (a->rx_block_size / rx.tp_frame_size) * a->rx_block_nr;
	rx.tp_retire_blk_tov = c->rx_retire_ms ? c->rx_retire_ms : AFP_DEF_RETIRE_MS;
	if (setsockopt(a->fd, SOL_PACKET, PACKET_RX_RING, &rx, sizeof(rx)) < 0)
		return nms_fail(errno, "afp_open %s: RX ring of %u blocks of %u bytes",
				a->ifname, rx.tp_block_nr, rx.tp_block_size);
	a->map_len = (size_t)a->rx_block_size * a->rx_block_nr;

	if (a->side != AFP_SIDE_STACK) {
		/* room for the largest frame Linux lets us send: MTU + header + tag */
		want = (uint32_t)AFP_HDR3_ALIGNED + a->mtu + ETH_HLEN + AFP_VLAN_HLEN;
		a->tx_frame_size = c->tx_frame_size ? c->tx_frame_size : pow2_at_least(want);
		if (!c->tx_frame_size && a->tx_frame_size < 2048)
			a->tx_frame_size = 2048;
		a->tx_frame_nr = c->tx_frame_nr ? c->tx_frame_nr : AFP_DEF_TX_FRAMES;
		/* jumbo MTUs: keep the default ring near 1 MiB, at least 32 frames */
		if (!c->tx_frame_nr && a->tx_frame_nr * a->tx_frame_size > (1u << 20))
			a->tx_frame_nr = (1u << 20) / a->tx_frame_size > 32
						 ? (1u << 20) / a->tx_frame_size : 32;
		tx.tp_block_size = a->tx_frame_size > AFP_TX_BLOCK ? a->tx_frame_size
								   : AFP_TX_BLOCK;
		/* whole blocks only: round the frame count up */
		want = tx.tp_block_size / a->tx_frame_size;
		a->tx_frame_nr = (a->tx_frame_nr + want - 1) / want * want;
		tx.tp_frame_size = a->tx_frame_size;
		tx.tp_frame_nr = a->tx_frame_nr;
		tx.tp_block_nr = a->tx_frame_nr / want;
		if (setsockopt(a->fd, SOL_PACKET, PACKET_TX_RING, &tx, sizeof(tx)) < 0)
			return nms_fail(errno, "afp_open %s: TX ring of %u frames of %u bytes",
					a->ifname, tx.tp_frame_nr, tx.tp_frame_size);
	}

	a->map = mmap(NULL, a->map_len + (size_t)a->tx_frame_size * a->tx_frame_nr,
		      PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, a->fd, 0);
	if (a->map == MAP_FAILED) {
		a->map = NULL;
		return nms_fail(errno, "afp_open %s: mapping the rings", a->ifname);
	}
	a->map_len += (size_t)a->tx_frame_size * a->tx_frame_nr;
	a->rx = a->map;
	a->tx = a->map + (size_t)a->rx_block_size * a->rx_block_nr;
	return 0;
}

static int setup_socket(struct afp *a, const struct afp_config *c)
{
	struct sockaddr_ll sll = { 0 };
	struct packet_mreq mr = { 0 };
	int err;

	/* protocol 0: nothing arrives before the bind below */
	a->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (a->fd < 0) {
		if (errno == EPERM || errno == EACCES)
			return nms_fail(EPERM, "afp_open %s: AF_PACKET sockets need CAP_NET_RAW "
					"(run as root, or grant cap_net_raw to the program)",
					a->ifname);
		return nms_fail(errno, "afp_open %s: creating the AF_PACKET socket", a->ifname);
	}
	err = setopt_int(a, SOL_PACKET, PACKET_VERSION, TPACKET_V3, "TPACKET_V3");
	/* a malformed TX frame is skipped instead of stalling the ring */
	if (!err)
		err = setopt_int(a, SOL_PACKET, PACKET_LOSS, 1, "PACKET_LOSS");
	if (!err && !(c->flags & AFP_F_USE_QDISC) && a->side != AFP_SIDE_STACK)
		err = setopt_int(a, SOL_PACKET, PACKET_QDISC_BYPASS, 1, "PACKET_QDISC_BYPASS");
	if (!err && a->side == AFP_SIDE_WIRE &&
	    setsockopt(a->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &(int){ 1 }, sizeof(int)) < 0 &&
	    errno != ENOPROTOOPT && errno != EINVAL)
		/* older kernels: rx_burst filters by packet type anyway */
		err = nms_fail(errno, "afp_open %s: setting PACKET_IGNORE_OUTGOING", a->ifname);
	if (!err && a->side == AFP_SIDE_STACK)
		err = attach_outgoing_filter(a);
	else if (!err)
		err = attach_host_mark_filter(a);
	/* best effort: without the privilege, the host side sees our frames too */
	if (!err && a->side != AFP_SIDE_STACK)
		(void)setsockopt(a->fd, SOL_SOCKET, SO_MARK, &(int){ (int)AFP_TX_MARK },
				 sizeof(int));
	if (!err)
		err = setup_rings(a, c);
	if (err)
		return err;

	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = a->ifindex;
	if (bind(a->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		if (errno == ENODEV || errno == ENXIO)
			return nms_fail(ENXIO, "afp_open: interface '%s' went away", a->ifname);
		return nms_fail(errno, "afp_open %s: binding the socket", a->ifname);
	}
	if (a->side != AFP_SIDE_STACK && !(c->flags & AFP_F_NO_PROMISC)) {
		/* dropped by the kernel when the socket closes */
		mr.mr_ifindex = a->ifindex;
		mr.mr_type = PACKET_MR_PROMISC;
		if (setsockopt(a->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0)
			return nms_fail(errno, "afp_open %s: promiscuous mode", a->ifname);
	}
	return 0;
}

int afp_open(const char *ifname, const struct afp_config *cfg, struct afp **out)
{
	static const struct afp_config defaults;
	const struct afp_config *c = cfg ? cfg : &defaults;
	struct afp *a;
	int err;

	*out = NULL;
	err = check_name(ifname, "afp_open");
	if (!err)
		err = check_config(ifname, c);
	if (err)
		return err;
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return nms_fail(ENOMEM, "afp_open %s: out of memory", ifname);
	a->fd = -1;
	a->side = c->side;
	memcpy(a->ifname, ifname, strlen(ifname) + 1);
	err = check_interface(a);
	if (!err)
		err = setup_socket(a, c);
	if (!err) {
		a->scratch = malloc(AFP_SCRATCH + AFP_VLAN_HLEN);
		if (a->scratch == NULL)
			err = nms_fail(ENOMEM, "afp_open %s: out of memory", ifname);
	}
	if (err) {
		afp_close(a);
		return err;
	}
	*out = a;
	return 0;
}

void afp_close(struct afp *a)
{
	if (a == NULL)
		return;
	if (a->map)
		munmap(a->map, a->map_len);
	if (a->fd >= 0)
		close(a->fd);
	free(a->scratch);
	free(a);
}

int afp_fd(const struct afp *a)
{
	return a->fd;
}

const char *afp_ifname(const struct afp *a)
{
	return a->ifname;
}

uint32_t afp_tx_max_len(const struct afp *a)
{
	uint32_t room, wire;

	if (a->tx_frame_size == 0)
		return 0;
	room = a->tx_frame_size - (uint32_t)AFP_HDR3_ALIGNED;
	wire = a->mtu + ETH_HLEN + AFP_VLAN_HLEN;
	return room < wire ? room : wire;
}

int afp_take_error(struct afp *a)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(a->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return nms_fail(errno, "afp %s: reading the socket error", a->ifname);
	if (err == ENETDOWN)
		return nms_fail(err, "afp %s: the interface went down (frames were lost "
				"while it was)", a->ifname);
	if (err)
		return nms_fail(err, "afp %s: socket error", a->ifname);
	return 0;
}

void afp_get_stats(struct afp *a, struct afp_stats *st)
{
	struct tpacket_stats_v3 ks;
	socklen_t len = sizeof(ks);

	/* the kernel resets its counters on every read: accumulate them */
	if (getsockopt(a->fd, SOL_PACKET, PACKET_STATISTICS, &ks, &len) == 0)
		a->st.rx_kernel_drops += ks.tp_drops;
	*st = a->st;
}

/* ---- RX ----------------------------------------------------------------- */

static struct tpacket_block_desc *rx_block(const struct afp *a, uint32_t i)
{
	return (struct tpacket_block_desc *)(a->rx + (size_t)i * a->rx_block_size);
}

/*
 * Puts the tag from the frame header back between the MAC addresses and the
 * ethertype. In place when the ring left room in front of the frame (it
 * always does: the kernel aligns the network header), else in scratch.
 */
static uint8_t *restore_tag(struct afp *a, struct tpacket3_hdr *h, uint8_t *data,
			    uint32_t *len)
{
	uint16_t tpid = 0x8100, tci = (uint16_t)h->hv1.tp_vlan_tci;
	size_t room = h->tp_mac - (AFP_HDR3_ALIGNED + sizeof(struct sockaddr_ll));
	uint8_t *dst;

	if ((h->tp_status & TP_STATUS_VLAN_TPID_VALID) || h->hv1.tp_vlan_tpid)
		tpid = h->hv1.tp_vlan_tpid;
	if (room >= AFP_VLAN_HLEN) {
		dst = data - AFP_VLAN_HLEN;
		memmove(dst, data, AFP_MAC_ADDRS);
	} else if (*len + AFP_VLAN_HLEN <= AFP_SCRATCH) {
		dst = a->scratch;
		memcpy(dst, data, AFP_MAC_ADDRS);
		memcpy(dst + AFP_MAC_ADDRS + AFP_VLAN_HLEN, data + AFP_MAC_ADDRS,
		       *len - AFP_MAC_ADDRS);
	} else {
		return NULL;
	}
	dst[AFP_MAC_ADDRS] = (uint8_t)(tpid >> 8);
	dst[AFP_MAC_ADDRS + 1] = (uint8_t)tpid;
	dst[AFP_MAC_ADDRS + 2] = (uint8_t)(tci >> 8);
	dst[AFP_MAC_ADDRS + 3] = (uint8_t)tci;
	*len += AFP_VLAN_HLEN;
	return dst;
}

/* Hands one frame to deliver(); false if it was dropped or filtered. */
static bool rx_one(struct afp *a, struct tpacket3_hdr *h, afp_deliver_fn deliver, void *ctx)
{
	const struct sockaddr_ll *sll =
		(const struct sockaddr_ll *)((uint8_t *)h + AFP_HDR3_ALIGNED);
	uint8_t *data = (uint8_t *)h + h->tp_mac;
	uint32_t len = h->tp_snaplen;
	unsigned flags = 0;
	bool outgoing = sll->sll_pkttype == PACKET_OUTGOING;

	/* the socket options already filter; this covers kernels without them */
	if ((a->side == AFP_SIDE_WIRE && outgoing) || (a->side == AFP_SIDE_STACK && !outgoing))
		return false;
	if (h->tp_snaplen < h->tp_len || len < ETH_HLEN) {
		a->st.rx_dropped++;
		return false;
	}
	if ((h->tp_status & TP_STATUS_VLAN_VALID) || h->hv1.tp_vlan_tci) {
		data = restore_tag(a, h, data, &len);
		if (data == NULL) {
			a->st.rx_dropped++;
			return false;
		}
		flags |= AFP_RX_TAGGED;
		a->st.rx_tagged++;
	}
	if (outgoing)
		flags |= AFP_RX_OUTGOING;
	if (h->tp_status & TP_STATUS_CSUMNOTREADY)
		flags |= AFP_RX_CSUM_PART;
	a->st.rx++;
	deliver(ctx, data, len, flags);
	return true;
}

int afp_rx_burst(struct afp *a, unsigned max, afp_deliver_fn deliver, void *ctx)
{
	unsigned done = 0;

	while (done < max) {
		struct tpacket_block_desc *b = rx_block(a, a->rx_blk);

		if (a->rx_next == NULL) {
			/* start a block, if the kernel handed the current one over */
			if (!(status_load(&b->hdr.bh1.block_status) & TP_STATUS_USER))
				break;
			a->rx_left = b->hdr.bh1.num_pkts;
			a->rx_next = (struct tpacket3_hdr *)((uint8_t *)b +
							     b->hdr.bh1.offset_to_first_pkt);
		}
		while (a->rx_left > 0 && done < max) {
			struct tpacket3_hdr *h = a->rx_next;

			a->rx_left--;
			a->rx_next = (struct tpacket3_hdr *)((uint8_t *)h + h->tp_next_offset);
			if (rx_one(a, h, deliver, ctx))
				done++;
		}
		if (a->rx_left > 0)
			break;
		/* block done: give it back and move on */
		a->rx_next = NULL;
		status_store(&b->hdr.bh1.block_status, TP_STATUS_KERNEL);
		a->rx_blk = (a->rx_blk + 1) % a->rx_block_nr;
	}
	return (int)done;
}

/* ---- TX ----------------------------------------------------------------- */

static struct tpacket3_hdr *tx_frame(const struct afp *a, uint32_t i)
{
	/* frames divide blocks exactly, so the ring is one array of frames */
	return (struct tpacket3_hdr *)(a->tx + (size_t)i * a->tx_frame_size);
}

/* Length of a frame, or 0 if it cannot be sent. */
static uint32_t frame_len(const struct afp *a, const struct afp_frag_frame *f)
{
	uint64_t len = 0;
	const uint8_t *first;
	uint32_t limit = afp_tx_max_len(a);

	for (uint32_t i = 0; i < f->nfrags; i++) {
		if (f->frags[i].data == NULL && f->frags[i].len)
			return 0;
		len += f->frags[i].len;
	}
	if (len < ETH_HLEN || len > limit)
		return 0;
	/* the last 4 bytes of room are for a tag only (as the kernel checks) */
	if (len > limit - AFP_VLAN_HLEN) {
		first = f->frags[0].data;
		if (f->frags[0].len < ETH_HLEN)
			return 0;
		if (!(first[12] == 0x81 && first[13] == 0x00) &&
		    !(first[12] == 0x88 && first[13] == 0xa8))
			return 0;
	}
	return (uint32_t)len;
}

/* Gives back frames we queued but the kernel refused to look at. */
static void tx_unqueue(struct afp *a, uint32_t from, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++) {
		struct tpacket3_hdr *h = tx_frame(a, (from + i) % a->tx_frame_nr);

		if (status_load(&h->tp_status) == TP_STATUS_SEND_REQUEST)
			status_store(&h->tp_status, TP_STATUS_AVAILABLE);
	}
}

int afp_tx_burst(struct afp *a, const struct afp_frag_frame *frames, unsigned n)
{
	uint32_t first = a->tx_head, queued = 0;
	unsigned used = 0;
	bool full = false;

	if (a->side == AFP_SIDE_STACK)
		return nms_fail(EOPNOTSUPP, "afp_tx_burst %s: AF_PACKET cannot hand frames to "
				"the local stack (see docs/afpacket.md)", a->ifname);
	for (; used < n; used++) {
		struct tpacket3_hdr *h = tx_frame(a, a->tx_head);
		uint32_t len, off = 0;
		uint8_t *dst;

		if (status_load(&h->tp_status) != TP_STATUS_AVAILABLE) {
			full = true; /* not sent yet: the ring is full */
			break;
		}
		len = frame_len(a, &frames[used]);
		if (len == 0) {
			a->st.tx_dropped++;
			continue;
		}
		dst = (uint8_t *)h + AFP_HDR3_ALIGNED;
		for (uint32_t i = 0; i < frames[used].nfrags; i++) {
			if (frames[used].frags[i].len)
				memcpy(dst + off, frames[used].frags[i].data,
				       frames[used].frags[i].len);
			off += frames[used].frags[i].len;
		}
		h->tp_len = len;
		h->tp_snaplen = len;
		h->tp_next_offset = 0;
		status_store(&h->tp_status, TP_STATUS_SEND_REQUEST);
		a->tx_head = (a->tx_head + 1) % a->tx_frame_nr;
		queued++;
	}
	/*
	 * Kick when there is something new, and also when the ring is full:
	 * a frame whose transmission failed (ENOBUFS) goes back to
	 * SEND_REQUEST and leaves only with a later kick.
	 */
	if ((queued || full) && sendto(a->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0) {
		int err = errno;

		if (err == ENETDOWN || err == ENXIO || err == ENODEV) {
			/* the kernel did not take them: drop them like a dead link */
			tx_unqueue(a, first, queued);
			/* the kernel's cursor did not move: neither does ours */
			a->tx_head = first;
			/* all n count as dropped, as on a NIC without link */
			a->st.tx_dropped += queued + (n - used);
			return nms_fail(ENETDOWN, "afp_tx_burst: interface '%s' is down; "
					"bring it up with 'ip link set %s up'", a->ifname,
					a->ifname);
		}
		/*
		 * EAGAIN/ENOBUFS: frames stay queued and leave with the next kick.
		 * Anything else is reported once nothing more could be queued.
		 */
		if (err != EAGAIN && err != ENOBUFS && err != EINTR && used == 0)
			return nms_fail(err, "afp_tx_burst %s: kicking the TX ring", a->ifname);
	}
	a->st.tx += queued;
	return (int)used;
}
