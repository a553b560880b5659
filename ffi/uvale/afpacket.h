/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The AF_PACKET engine: one Linux interface seen through a packet socket
 * with mmap'ed rings (TPACKET_V3 RX blocks, TPACKET_V3 TX frames), so that
 * uvale can offer `netmap:IFNAME` and attach IFNAME to a switch.
 *
 * It knows nothing of uvale's ports or rings: frames go in and out as plain
 * byte ranges. One struct afp is one socket on one interface; it is not
 * thread-safe (one poller at a time, like a netmap kring), except that RX
 * and TX keep disjoint state: one thread may receive while another sends.
 *
 * Sides (struct afp_config.side):
 *   AFP_SIDE_WIRE  frames that arrived on the interface (the NIC rings);
 *                  the local stack's own transmissions are left out.
 *   AFP_SIDE_STACK frames the local stack transmits on the interface (what
 *                  netmap's host RX ring `^` would hold). They are copies:
 *                  AF_PACKET cannot divert them from the wire, and it cannot
 *                  inject into the stack, so afp_tx_burst is EOPNOTSUPP here
 *                  (afp_host_* below does that through a TAP device).
 *   AFP_SIDE_BOTH  both on one socket; deliver() tells them apart with
 *                  AFP_RX_OUTGOING.
 * See docs/afpacket.md.
 *
 * All functions that can fail return -errno and leave a sentence for
 * nms_last_error().
 */
#ifndef NMSCRIPT_AFPACKET_H
#define NMSCRIPT_AFPACKET_H

#include <stdint.h>

enum afp_side {
	AFP_SIDE_WIRE = 0,
	AFP_SIDE_STACK = 1,
	AFP_SIDE_BOTH = 2,
};

/* afp_config.flags */
#define AFP_F_NO_PROMISC 0x1u /* do not put the interface in promiscuous mode */
#define AFP_F_USE_QDISC  0x2u /* send through the qdisc (no PACKET_QDISC_BYPASS) */

/* Zero means "default" for every field; a NULL config is all defaults. */
struct afp_config {
	uint32_t side;          /* enum afp_side */
	uint32_t flags;         /* AFP_F_* */
	uint32_t rx_block_size; /* power of two, >= page size; default 128 KiB */
	uint32_t rx_block_nr;   /* default 16 */
	uint32_t rx_retire_ms;  /* hand a partly filled block over after this; default 1 */
	uint32_t tx_frame_size; /* power of two; default: fits MTU + 18 (>= 2048) */
	uint32_t tx_frame_nr;   /* default 512 */
};

/* flags passed to deliver() */
#define AFP_RX_OUTGOING  0x1u /* sent by the local stack (SIDE_STACK/BOTH) */
#define AFP_RX_TAGGED    0x2u /* an 802.1Q/802.1ad tag was put back into the frame */
#define AFP_RX_CSUM_PART 0x4u /* checksum left to offload (outgoing frames) */

typedef void (*afp_deliver_fn)(void *ctx, const uint8_t *frame, uint32_t len,
			       unsigned flags);

/* One frame to send, in one or more pieces that are sent back to back. */
struct afp_frag {
	const void *data;
	uint32_t len;
};

struct afp_frag_frame {
	const struct afp_frag *frags;
	uint32_t nfrags;
};

struct afp_stats {
	uint64_t rx;           /* frames delivered */
	uint64_t rx_tagged;    /* ... of which had their tag put back */
	uint64_t rx_dropped;   /* truncated by the ring (larger than a block) */
	uint64_t rx_kernel_drops; /* dropped by the kernel: ring full */
	uint64_t tx;           /* frames queued and kicked */
	uint64_t tx_dropped;   /* rejected here: too short, too long, empty */
};

struct afp;

/*
 * Opens ifname (in the caller's network namespace). Errors: EINVAL (bad
 * name or config, not an Ethernet interface), ENXIO (no such interface),
 * EPERM (no CAP_NET_RAW), ENETDOWN (interface administratively down),
 * ENOMEM, or what the kernel reports for the ring set-up.
 */
int afp_open(const char *ifname, const struct afp_config *cfg, struct afp **out);
void afp_close(struct afp *afp);

/* The socket, for poll(): POLLIN when a block is ready, POLLOUT when a TX
 * frame is free. */
int afp_fd(const struct afp *afp);
const char *afp_ifname(const struct afp *afp);

/*
 * Delivers up to max frames, each as it was on the wire (an outer VLAN tag
 * that the kernel moved into metadata is put back in place). The frame
 * pointer is valid only during the call. Returns the number delivered.
 */
int afp_rx_burst(struct afp *afp, unsigned max, afp_deliver_fn deliver, void *ctx);

/*
 * Copies frames into the TX ring and kicks the kernel once. Returns how many
 * of frames[] were consumed (sent, or dropped as malformed and counted in
 * tx_dropped); fewer than n when the ring is full (poll for POLLOUT).
 * Errors: ENETDOWN (the interface is down: all n frames count as dropped),
 * EOPNOTSUPP (SIDE_STACK), or what the kick (sendto) reports when no frame
 * could be queued.
 */
int afp_tx_burst(struct afp *afp, const struct afp_frag_frame *frames, unsigned n);

/*
 * Reads and clears the socket's pending error: 0 if none, else -errno with
 * a sentence (-ENETDOWN after the interface went down, even if it is up
 * again). Call it when poll() reports POLLERR, which otherwise stays set:
 * ring sockets never recv(), the only other way the kernel clears it.
 */
int afp_take_error(struct afp *afp);

/* Largest frame afp_tx_burst accepts (MTU + Ethernet header + one tag,
 * bounded by the TX frame size). */
uint32_t afp_tx_max_len(const struct afp *afp);

/* Counters since afp_open (folds in the kernel's PACKET_STATISTICS). */
void afp_get_stats(struct afp *afp, struct afp_stats *st);

/*
 * The host stack side (afp_host.c): netmap's host TX ring `^` hands frames to
 * the Linux stack as if they had arrived on the interface. AF_PACKET cannot,
 * so a TAP device per interface (`nmt` + the interface's ifindex, made in the
 * caller's network namespace) carries them: a small eBPF program on the TAP's
 * tcx ingress hook marks each frame with AFP_HOST_MARK and redirects it to
 * the interface's ingress. WIRE and BOTH sockets drop frames with that mark,
 * so the engine never receives them as if they came from the wire.
 *
 * With AFP_HOST_DIVERT a second program on the interface's tcx egress hook
 * sends what the local stack transmits to the TAP instead of the wire (frames
 * the engine sends, marked by SO_MARK, pass), and afp_host_rx_burst() reads
 * them: netmap does this while a NIC TX ring is in netmap mode.
 * With AFP_HOST_CUTOFF a third program on the interface's tcx ingress hook
 * drops every received frame but those injected through the TAP: the stack
 * no longer hears the wire (packet sockets, the engine's included, still do:
 * they see a frame before that hook); netmap does this while a NIC RX ring
 * is in netmap mode. Both are links of their own, added and removed by
 * afp_host_set_flags() while the TAP stays.
 *
 * Everything is held by file descriptors (a non-persistent TAP, programs
 * attached through bpf links): afp_host_close(), or the process dying even
 * by SIGKILL, removes the TAP and detaches both programs. Needs CAP_NET_ADMIN
 * and CAP_BPF (root) and Linux >= 6.6 (tcx).
 */
#define AFP_HOST_MARK   0x6e6d7379u /* skb->mark of frames injected into the stack */
#define AFP_HOST_DIVERT 0x1u        /* the stack's output goes to the TAP, not the wire */
#define AFP_HOST_CUTOFF 0x2u        /* the stack hears only injected frames */

struct afp_host_stats {
	uint64_t injected;     /* frames handed to the stack */
	uint64_t inj_dropped;  /* too short, too long, or refused by the TAP */
	uint64_t diverted;     /* frames of the stack read (AFP_HOST_DIVERT) */
};

struct afp_host;

/* Errors: EINVAL (bad name or flags), ENXIO (no such interface), EPERM
 * (privilege), EBUSY (the TAP name is taken), EOPNOTSUPP (kernel without
 * tcx or eBPF), ENOMEM. */
int afp_host_open(const char *ifname, unsigned flags, struct afp_host **out);
void afp_host_close(struct afp_host *h);
/* Makes AFP_HOST_DIVERT and AFP_HOST_CUTOFF exactly those of flags, adding or
 * removing the hooks' programs; all or nothing (on failure the flags before
 * the call stay). Must run in the interface's network namespace. Errors:
 * EINVAL (unknown flags), EPERM, EOPNOTSUPP, as afp_host_open. */
int afp_host_set_flags(struct afp_host *h, unsigned flags);
unsigned afp_host_flags(const struct afp_host *h);
/* the TAP's fd: POLLIN when diverted frames wait (AFP_HOST_DIVERT) */
int afp_host_fd(const struct afp_host *h);
const char *afp_host_tapname(const struct afp_host *h);
/* Hands frames to the stack; returns how many were consumed (all n: a frame
 * that cannot be injected is dropped and counted). */
int afp_host_inject(struct afp_host *h, const struct afp_frag_frame *frames, unsigned n);
/* Delivers up to max diverted frames (flags AFP_RX_OUTGOING); the number. */
int afp_host_rx_burst(struct afp_host *h, unsigned max, afp_deliver_fn deliver, void *ctx);
void afp_host_get_stats(const struct afp_host *h, struct afp_host_stats *st);

/* Interface facts, in the caller's network namespace: -ENXIO if unknown. */
int afp_get_mac(const char *ifname, uint8_t mac[6]);
int afp_get_mtu(const char *ifname, uint32_t *mtu);

#endif /* NMSCRIPT_AFPACKET_H */
