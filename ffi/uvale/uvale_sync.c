/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The uvale data path, run in the caller's txsync/rxsync/poll exactly where
 * netmap runs it in the kernel: ring prologue checks, VALE forwarding with
 * the learning lookup, pipe slot hand-over, ring finalisation and wake-ups.
 *
 * Concurrency model
 *  - a kring is synced by one thread at a time (kr->busy holds its pid; a
 *    sync that finds the kring busy skips it, as netmap's nm_kr_tryget);
 *  - VALE forwarding holds the bridge's robust mutex for one whole txsync,
 *    so it is the only writer of every destination rx kring of the bridge;
 *    the owner of that rx kring only moves hwcur. Indices are published with
 *    release stores and read with acquire loads;
 *  - pipes: the two ends write disjoint slot ranges, published through
 *    pipe_tail;
 *  - wake-ups bump a futex word of the port and call FUTEX_WAKE only when
 *    somebody waits.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "uvale.h"
#include "uvale_monitor.h"
#include "uvale_vlan.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define BATCH     NMA_BDG_BATCH
#define ALIGN_B   64u

/* ---- locks and futexes ---------------------------------------------------- */

int uv_mutex_init(pthread_mutex_t *m)
{
	pthread_mutexattr_t at;
	int err;

	pthread_mutexattr_init(&at);
	pthread_mutexattr_setpshared(&at, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST);
	err = pthread_mutex_init(m, &at);
	pthread_mutexattr_destroy(&at);
	return err;
}

int uv_mutex_lock(pthread_mutex_t *m)
{
	int err = pthread_mutex_lock(m);

	if (err == EOWNERDEAD) {
		/* the holder died in the middle of a forward: the indices it did
		 * not publish are simply lost frames, so the state is consistent */
		pthread_mutex_consistent(m);
		err = 0;
	}
	return err;
}

void uv_mutex_unlock(pthread_mutex_t *m)
{
	pthread_mutex_unlock(m);
}

void uv_wake(_Atomic uint32_t *word)
{
	syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

int uv_wait(_Atomic uint32_t *word, uint32_t val, int timeout_ms)
{
	struct timespec ts = { timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L };

	if (syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT, val, &ts, NULL, 0) < 0)
		return -errno;
	return 0;
}

/*
 * Wake the pollers of port p after publishing new ring state. Pairs with
 * u_poll(): a poller registers in p->waiters, then re-checks the rings,
 * then sleeps on p->seq; either it sees our update, or we see it waiting.
 * Nobody waiting: no store to shared words, no system call.
 */
void uv_notify(struct uv_port *p, struct uv_kring *kr, int dir)
{
	(void)kr;
	(void)dir;
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&p->waiters, memory_order_relaxed)) {
		atomic_fetch_add_explicit(&p->seq[0], 1, memory_order_release);
		uv_wake(&p->seq[0]);
	}
}

/* Wake the daemon's TX pump of a Linux interface port (uvale_ifnet.c): same
 * protocol as uv_notify(), on the second futex word. */
void uv_kick(struct uv_port *p)
{
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&p->pump_waiters, memory_order_relaxed)) {
		atomic_fetch_add_explicit(&p->seq[1], 1, memory_order_release);
		uv_wake(&p->seq[1]);
	}
}

/* ---- helpers ---------------------------------------------------------------- */

struct nma_ring *uv_kring_ring(void *region, const struct uv_alloc *a,
			       const struct uv_kring *kr)
{
	return kr->ring_ofs ? uv_at(region, a->base + kr->ring_ofs) : NULL;
}

static inline uint32_t nxt(uint32_t i, uint32_t lim)
{
	return i == lim ? 0 : i + 1;
}

static inline uint32_t prv(uint32_t i, uint32_t lim)
{
	return i == 0 ? lim : i - 1;
}

static struct uv_karea *karea(void *region)
{
	return region;
}

/* getpid() is a system call: cache it, and forget it in fork children */
static _Atomic uint32_t cached_pid;

static void forget_pid(void)
{
	atomic_store_explicit(&cached_pid, 0, memory_order_relaxed);
}

__attribute__((constructor)) static void pid_init(void)
{
	pthread_atfork(NULL, NULL, forget_pid);
}

static uint32_t my_pid(void)
{
	uint32_t pid = atomic_load_explicit(&cached_pid, memory_order_relaxed);

	if (pid == 0) {
		pid = (uint32_t)getpid();
		atomic_store_explicit(&cached_pid, pid, memory_order_relaxed);
	}
	return pid;
}

/* nm_kr_tryget: a kring busy in another thread or process is skipped; one
 * left busy by a process that died (kill -9 inside a sync) is taken over */
int uv_kr_tryget(struct uv_kring *kr)
{
	uint32_t holder = 0, me = my_pid();

	if (atomic_compare_exchange_strong(&kr->busy, &holder, me))
		return 1;
	if (holder != me && kill((pid_t)holder, 0) < 0 && errno == ESRCH)
		return atomic_compare_exchange_strong(&kr->busy, &holder, me);
	return 0;
}

void uv_kr_put(struct uv_kring *kr)
{
	atomic_store_explicit(&kr->busy, 0, memory_order_release);
}

static inline uint64_t get_offset(const struct uv_kring *kr, const struct nma_slot *s)
{
	uint64_t o = s->ptr & kr->offset_mask;

	return o > kr->offset_max ? kr->offset_max : o;
}

static inline void write_offset(const struct uv_kring *kr, struct nma_slot *s, uint64_t o)
{
	s->ptr = (s->ptr & ~kr->offset_mask) | (o & kr->offset_mask);
}

/* a buffer address; out-of-range indices read buffer 0, as netmap's NMB() */
static inline char *nmb(void *region, const struct uv_alloc *a, uint32_t idx)
{
	if (idx >= a->pool[UV_BUF_POOL].objtotal)
		idx = 0;
	return uv_buf(region, a, idx);
}

/* netmap_ring_reinit */
static void ring_reinit(const struct uv_alloc *a, struct uv_kring *kr, struct nma_ring *ring)
{
	uint32_t lim = kr->num_slots - 1;
	int errors = 0;

	kr->rhead = ring->head;
	kr->rcur = ring->cur;
	kr->rtail = ring->tail;
	errors += ring->cur > lim;
	errors += ring->head > lim;
	errors += ring->tail > lim;
	for (uint32_t i = 0; i <= lim; i++) {
		uint32_t idx = ring->slot[i].buf_idx;

		if (idx < 2 || idx >= a->pool[UV_BUF_POOL].objtotal) {
			ring->slot[i].buf_idx = 0;
			ring->slot[i].len = 0;
		} else if (ring->slot[i].len > a->pool[UV_BUF_POOL].objsize) {
			ring->slot[i].len = 0;
		}
	}
	if (errors) {
		uint32_t hc = atomic_load(&kr->hwcur), ht = atomic_load(&kr->hwtail);

		ring->head = kr->rhead = hc;
		ring->cur = kr->rcur = hc;
		ring->tail = kr->rtail = ht;
	}
}

/* nm_txsync_prologue: head, or num_slots on error */
static uint32_t tx_prologue(struct uv_kring *kr, struct nma_ring *ring)
{
	uint32_t head = __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE);
	uint32_t cur = __atomic_load_n(&ring->cur, __ATOMIC_RELAXED);
	uint32_t n = kr->num_slots;
	uint32_t rh = kr->rhead, rt = kr->rtail;

	if (atomic_load(&kr->hwcur) >= n || rh >= n || rt >= n || atomic_load(&kr->hwtail) >= n)
		return n;
	if (rt >= rh) {
		if (head < rh || head > rt || cur < head || cur > rt)
			return n;
	} else {
		if (head > rt && head < rh)
			return n;
		if (head <= rt) {
			if (cur < head || cur > rt)
				return n;
		} else if (cur > rt && cur < head) {
			return n;
		}
	}
	if (ring->tail != kr->rtail)
		ring->tail = kr->rtail;
	kr->rhead = head;
	kr->rcur = cur;
	return head;
}

/* nm_rxsync_prologue */
static uint32_t rx_prologue(struct uv_kring *kr, struct nma_ring *ring)
{
	uint32_t n = kr->num_slots;
	uint32_t cur = kr->rcur = __atomic_load_n(&ring->cur, __ATOMIC_ACQUIRE);
	uint32_t head = kr->rhead = __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE);
	uint32_t hc = atomic_load(&kr->hwcur), ht = atomic_load(&kr->hwtail);

	if (hc >= n || ht >= n)
		return n;
	if (ht >= hc) {
		if (head < hc || head > ht || cur < head || cur > ht)
			return n;
	} else {
		if (head < hc && head > ht)
			return n;
		if (head <= ht) {
			if (cur < head || cur > ht)
				return n;
		} else if (cur < head && cur > ht) {
			return n;
		}
	}
	if (ring->tail != kr->rtail)
		ring->tail = kr->rtail;
	return head;
}

/* ---- VALE ------------------------------------------------------------------ */

struct fwd {
	char *buf;        /* start of the data (offset applied) */
	uint16_t len;
	uint16_t flags;
	uint16_t frags;   /* on the first fragment of a frame */
	uint16_t pad;
	uint32_t dst;     /* bridge port, NMA_BDG_BROADCAST, or NMA_BDG_NOPORT */
	uint32_t cap;     /* bytes usable from buf (a lookup may grow the frame) */
	/* a VLAN edit still to apply (one-slot frames only), written in place by
	 * vv_classify(): a copy through a local would cost a store-forwarding stall
	 * per frame, as would reading it in one load together with frags */
	struct vv_action va;
	uint16_t pad2;
};

/* one forwarding pass over a batch in one bridge */
struct pass {
	void *region;
	struct fwd *ft;
	uint32_t n;
	struct uv_bridge *b;
	struct uv_port *sp;  /* the sending port */
	uint32_t me;         /* its bridge port in b */
	uint32_t ring_nr;
	uint32_t l2off;      /* bytes before the Ethernet header (virtio-net) */
	int depth;           /* bridges crossed through second attachments */
	uint64_t last_dmac;  /* a cache of the last destination's hash */
	uint32_t last_dh;
	int inplace;         /* VLAN edits in the sender's buffers (a zero-copy monitor sees them) */
	int whole;           /* every frame of ft goes to the one port being delivered to */
	int plain;           /* every frame is one slot with no VLAN edit pending */
	int single;          /* every frame is one slot */
	int vt_valid;        /* vt looked up (VLAN bridges, once per pass) */
	const struct vv_table *vt;
};

static void vale_flush(struct pass *ps);


#define MIX(a, b, c) do {                                   \
		a -= b; a -= c; a ^= (c >> 13);             \
		b -= c; b -= a; b ^= (a << 8);              \
		c -= a; c -= b; c ^= (b >> 13);             \
		a -= b; a -= c; a ^= (c >> 12);             \
		b -= c; b -= a; b ^= (a << 16);             \
		c -= a; c -= b; c ^= (b >> 5);              \
		a -= b; a -= c; a ^= (c >> 3);              \
		b -= c; b -= a; b ^= (a << 10);             \
		c -= a; c -= b; c ^= (b >> 15);             \
	} while (0)

/* hash of a MAC address into the learning table (Bob Jenkins' mix) */
static uint32_t mac_hash(const uint8_t *m)
{
	uint32_t a = 0x9e3779b9u, b = 0x9e3779b9u, c = 0;

	b += (uint32_t)m[5] << 8;
	b += m[4];
	a += (uint32_t)m[3] << 24;
	a += (uint32_t)m[2] << 16;
	a += (uint32_t)m[1] << 8;
	a += m[0];
	MIX(a, b, c);
	return c & (UV_HASH_SIZE - 1);
}

/* the default lookup: learn the source, find the destination (§5.6) */
static uint32_t lookup_learning(struct pass *ps, const uint8_t *buf, uint32_t len)
{
	struct uv_bridge *b = ps->b;
	struct uv_port *src = ps->sp;
	uint64_t dmac, smac;

	if (len < 14)
		return NMA_BDG_NOPORT;
	/* little-endian loads, as netmap's le64toh() reads */
	memcpy(&dmac, buf, 8);
	memcpy(&smac, buf + 4, 8);
	dmac &= 0xffffffffffffull;
	smac >>= 16;
	/* the last-source cache belongs to the port's first attachment */
	if ((buf[6] & 1) == 0 && (ps->me != src->bdg_port || src->last_smac != smac)) {
		uint32_t sh = mac_hash(buf + 6);

		if (ps->me == src->bdg_port)
			src->last_smac = smac;
		b->ht[sh].mac = smac;
		b->ht[sh].port = ps->me;
	}
	if ((buf[0] & 1) == 0) {
		/* frames of a batch mostly share their destination */
		if (dmac != ps->last_dmac) {
			ps->last_dmac = dmac;
			ps->last_dh = mac_hash(buf);
		}
		if (b->ht[ps->last_dh].mac == dmac)
			return (uint32_t)b->ht[ps->last_dh].port;
	}
	return NMA_BDG_BROADCAST;
}

/*
 * The tagging bridge's lookup for a one-slot frame without virtio-net header:
 * vv_classify() decides, and the edit (tag, untag, new TCI) waits in f until
 * the frame is copied to its destination (deliver(), or cross() into another
 * tagging bridge). Frames reached through a port attached to two bridges are
 * treated as having room for a tag, as the copy that used to carry them did.
 */
static uint32_t lookup_vlan(struct pass *ps, struct fwd *f)
{
	uint32_t len = f->len, cap = f->cap, d;
	struct vv_frag fr;

	if (!ps->vt_valid) {
		ps->vt = uv_vlan_table(ps->region, ps->b);
		ps->vt_valid = 1;
	}
	if (ps->depth > 0 && cap < len + VV_TAG_LEN)
		cap = len + VV_TAG_LEN;
	fr = (struct vv_frag){ (uint8_t *)f->buf, len, cap };
	if (ps->vt == NULL || vv_classify(ps->vt, ps->me, &fr, 1, 0, &d, &f->va) != VV_FWD ||
	    d >= NMA_BDG_MAXPORTS) {
		f->va.kind = VV_ACT_NONE;
		return NMA_BDG_NOPORT;
	}
	return d;
}

/* the bridge's lookup (netmap's bdg_ops.lookup) for the frame starting at ft[i] */
static uint32_t lookup(struct pass *ps, uint32_t i)
{
	struct fwd *f = &ps->ft[i];
	uint32_t hdr = ps->l2off;

	if (ps->b->lookup == UV_LOOKUP_VLAN) {
		struct vv_frag fr[NMA_MAX_FRAGS];
		uint32_t nf = f->frags, d;

		f->va.kind = VV_ACT_NONE;
		if (nf == 1 && hdr == 0 && !ps->inplace)
			return lookup_vlan(ps, f);
		for (uint32_t j = 0; j < nf; j++)
			fr[j] = (struct vv_frag){ (uint8_t *)f[j].buf, f[j].len, f[j].cap };
		d = uv_vlan_lookup(ps->region, ps->b, ps->me, fr, nf, hdr);
		for (uint32_t j = 0; j < nf; j++) {
			f[j].buf = (char *)fr[j].buf;
			f[j].len = (uint16_t)fr[j].len;
		}
		return d;
	}
	/* the Ethernet header after the virtio-net header: in the first
	 * fragment, or at the start of the second */
	if (hdr < f->len)
		return lookup_learning(ps, (const uint8_t *)f->buf + hdr, f->len - hdr);
	if (hdr == f->len && (f->flags & NMA_NS_MOREFRAG) && f->frags > 1)
		return lookup_learning(ps, (const uint8_t *)f[1].buf, f[1].len);
	return NMA_BDG_NOPORT;
}

/* copy a short frame in whole 32-byte blocks (a libc call with a variable
 * length costs more than the copy); lim is how far both the source and the
 * destination may be used */
static inline void copy_short(char *dst, const char *src, uint32_t len, uint32_t lim)
{
	uint32_t r = (len + 31) & ~31u;

	if (r > 256 || r > lim) {
		memcpy(dst, src, len);
		return;
	}
	for (uint32_t i = 0; i < r; i += 32)
		memcpy(dst + i, src + i, 32);
}

/* the length of one-slot frame f once its VLAN edit is applied */
static inline size_t edited_len(const struct fwd *f)
{
	if (f->va.kind == VV_ACT_TAG)
		return (size_t)f->len + VV_TAG_LEN;
	if (f->va.kind == VV_ACT_UNTAG)
		return f->len >= VV_TAG_LEN ? f->len - VV_TAG_LEN : 0;
	return f->len;
}

/* copy one-slot frame f to out (room bytes) with its VLAN edit applied */
static inline int copy_edit(char *out, uint32_t room, const struct fwd *f)
{
	uint32_t len;

	return vv_copy_edit_flat((uint8_t *)out, room, (const uint8_t *)f->buf, f->len, 0, &f->va,
				 &len);
}

static inline int wanted(const struct fwd *f, uint32_t dport, int uc, int bc)
{
	return (uc && f->dst == dport) || (bc && f->dst == NMA_BDG_BROADCAST);
}

/* copy the frames of ft[0..n) queued for (dport, dring) into its rx kring:
 * the unicast ones when uc, the broadcast ones when bc, in batch order */
static void cross(struct pass *ps, struct uv_port *dp, uint32_t dport, int uc, int bc);

/*
 * The rx kring a pass is filling (deliver() and cross_direct() share it):
 * rx_open() finds it and its free slots, rx_put() copies one fragment into
 * the next slot, rx_close() publishes what was put and wakes the receiver.
 */
struct rx_fill {
	struct uv_alloc *da;
	struct uv_kring *kr;
	struct nma_ring *ring;
	uint32_t bufsize;
	uint32_t lim;
	uint32_t start;   /* hwtail when opened */
	uint32_t j;       /* the next slot to fill */
	uint32_t space;   /* slots still free */
};

/* 0 when port dp has no rx kring dring in use (closed meanwhile: drop) */
static inline int rx_open(void *region, struct uv_port *dp, uint32_t dring, struct rx_fill *rf)
{
	struct uv_karea *k = karea(region);
	uint32_t hc, busy;

	rf->space = 0;
	rf->da = &k->allocs[dp->alloc];
	if (dring >= dp->nrx)
		dring %= dp->nrx;
	rf->kr = &dp->kr[UV_RX][dring];
	rf->ring = uv_kring_ring(region, rf->da, rf->kr);
	if (rf->ring == NULL || rf->kr->users == 0)
		return 0;
	rf->bufsize = rf->da->pool[UV_BUF_POOL].objsize;
	rf->lim = rf->kr->num_slots - 1;
	rf->start = rf->j = atomic_load_explicit(&rf->kr->hwtail, memory_order_relaxed);
	hc = atomic_load_explicit(&rf->kr->hwcur, memory_order_acquire);
	busy = rf->j >= hc ? rf->j - hc : rf->j + rf->kr->num_slots - hc;
	rf->space = rf->kr->num_slots - 1 - busy;
	return 1;
}

/* copy fragment f (one of cnt) into the next slot, its VLAN edit applied */
static inline struct nma_slot *rx_put(void *region, struct rx_fill *rf, const struct fwd *f,
				      uint32_t cnt)
{
	struct uv_kring *kr = rf->kr;
	struct nma_slot *slot = &rf->ring->slot[rf->j];
	char *src = f->buf, *dst = nmb(region, rf->da, slot->buf_idx);
	uintptr_t src_cb = (uintptr_t)src & ~(uintptr_t)(ALIGN_B - 1);
	uint32_t src_co = (uint32_t)((uintptr_t)src & (ALIGN_B - 1)), dst_co;
	uint32_t bufsize = rf->bufsize;
	uint64_t dstoff = get_offset(kr, slot), dstoff_cb;
	size_t copy_len = f->len, dst_len = copy_len;
	uint16_t act = f->va.kind;

	if (act != VV_ACT_NONE)
		dst_len = edited_len(f);
	dstoff_cb = dstoff & ~(uint64_t)(ALIGN_B - 1);
	dst_co = (uint32_t)((uintptr_t)(dst + dstoff) & (ALIGN_B - 1));
	if (dst_co < src_co)
		dstoff_cb += ALIGN_B;
	dstoff = dstoff_cb + src_co;
	copy_len += src_co;
	if (dstoff > bufsize || dst_len > bufsize - dstoff) {
		copy_len = dst_len = 0;
		dstoff = get_offset(kr, slot);
	}
	if (copy_len && act != VV_ACT_NONE) {
		/* the VLAN edit happens in this copy */
		if (copy_edit(dst + dstoff, bufsize - (uint32_t)dstoff, f) != VV_FWD) {
			dst_len = 0;
			dstoff = get_offset(kr, slot);
		}
	} else if (copy_len) {
		/* stay inside the destination buffer */
		if (dstoff_cb + copy_len > bufsize)
			copy_len = bufsize - dstoff_cb;
		memcpy(dst + dstoff_cb, (const char *)src_cb, copy_len);
	}
	slot->len = (uint16_t)dst_len;
	slot->flags = (uint16_t)((cnt << 8) | NMA_NS_MOREFRAG);
	write_offset(kr, slot, dstoff);
	rf->j = nxt(rf->j, rf->lim);
	return slot;
}

/* publish the slots put since rx_open(): monitors, wake-ups */
static inline void rx_close(void *region, struct uv_port *dp, struct rx_fill *rf)
{
	struct uv_kring *kr = rf->kr;

	if (rf->j == rf->start)
		return;
	atomic_store_explicit(&kr->hwtail, rf->j, memory_order_release);
	/* copy monitors see the frames as they land (netmap's
	 * monitor_parent_notify), if the ring is not being synced */
	if (kr->mon_copy != UV_NOKREF && uv_kr_tryget(kr)) {
		uv_mon_rx_catchup(region, dp, kr);
		uv_kr_put(kr);
	}
	uv_notify(dp, kr, UV_RX);
	if (dp->kind == UV_KIND_AFPACKET)
		uv_kick(dp); /* the pump sends it out on the interface */
}

static void deliver(struct pass *ps, struct uv_port *dp, uint32_t dport, uint32_t dring,
		    int uc, int bc)
{
	struct fwd *ft = ps->ft;
	uint32_t n = ps->n, needed = 0;
	struct rx_fill rf;

	if (dp->bdg2 >= 0) {
		/* a port attached to two bridges is a link between them */
		cross(ps, dp, dport, uc, bc);
		return;
	}
	if (!rx_open(ps->region, dp, dring, &rf))
		return;
	for (uint32_t i = 0; i < n; i += ft[i].frags) {
		if (wanted(&ft[i], dport, uc, bc))
			needed += ft[i].frags;
	}
	if (needed > rf.space)
		needed = rf.space;
	for (uint32_t i = 0; i < n && needed > 0; i += ft[i].frags) {
		uint32_t cnt = ft[i].frags;
		struct nma_slot *slot = NULL;

		if (!wanted(&ft[i], dport, uc, bc))
			continue;
		if (cnt > needed)
			break;
		needed -= cnt;
		for (uint32_t f = i; f < i + cnt; f++)
			slot = rx_put(ps->region, &rf, &ft[f], cnt);
		slot->flags = (uint16_t)(cnt << 8);
	}
	rx_close(ps->region, dp, &rf);
}

/* a unicast destination d (below NMA_BDG_BROADCAST) that the frame may go to:
 * not back to the sender, and still attached */
static inline int unicast_ok(const struct uv_bridge *b, uint32_t d, uint32_t me)
{
	return d != me && b->ports[d] != UV_NOPORT;
}

/* netmap's nm_vale_flush: find each frame's destination, then fill them */
static void vale_flush(struct pass *ps)
{
	struct uv_karea *k = karea(ps->region);
	struct uv_bridge *b = ps->b;
	struct fwd *ft = ps->ft;
	uint32_t n = ps->n, me = ps->me, ring_nr = ps->ring_nr, one = NMA_BDG_NOPORT;
	uint32_t frames = 0, sent = 0;
	int any_bcast = 0, many = 0, plain = 1, single = 1;
	uint8_t seen[NMA_BDG_MAXPORTS];

	for (uint32_t i = 0; i < n; i += ft[i].frags) {
		uint32_t d = lookup(ps, i);

		single &= ft[i].frags == 1;
		plain &= ft[i].frags == 1 && ft[i].va.kind == VV_ACT_NONE;
		ft[i].dst = NMA_BDG_NOPORT;
		frames++;
		if (d >= NMA_BDG_NOPORT)
			continue;
		if (d == NMA_BDG_BROADCAST)
			any_bcast = 1;
		else if (!unicast_ok(b, d, me))
			continue;
		else if (one == NMA_BDG_NOPORT)
			one = d;
		else if (d != one)
			many = 1;
		ft[i].dst = d;
		sent++;
	}
	if (!many && !any_bcast) {
		/* the usual batch: one destination, no queue to sort out */
		ps->whole = sent == frames;
		ps->plain = plain;
		ps->single = single;
		if (one != NMA_BDG_NOPORT)
			deliver(ps, &k->ports[b->ports[one]], one, ring_nr, 1, 0);
		return;
	}
	ps->whole = 0;
	/* unicast queues (port, ring_nr) in order of first use; each also takes
	 * the broadcast frames, as netmap merges the broadcast queue into every
	 * destination it scans */
	memset(seen, 0, sizeof(seen));
	for (uint32_t i = 0; i < n; i += ft[i].frags) {
		uint32_t d = ft[i].dst;

		if (d >= NMA_BDG_BROADCAST || seen[d] || b->ports[d] == UV_NOPORT)
			continue;
		seen[d] = 1;
		deliver(ps, &k->ports[b->ports[d]], d, ring_nr, 1, any_bcast);
	}
	if (!any_bcast)
		return;
	/* broadcast: ring 0 of every other port not scanned yet on ring 0 */
	for (uint32_t j = 0; j < b->nports; j++) {
		uint32_t d = b->port_index[j];

		if (d == me || b->ports[d] == UV_NOPORT || (seen[d] && ring_nr == 0))
			continue;
		deliver(ps, &k->ports[b->ports[d]], d, 0, 0, 1);
	}
}

/* ---- ports attached to two bridges (netmap's bwrap) -------------------------- */

/* switches one frame may cross in one sync: e.g. a plain switch, a VLAN conf's per-VLAN and
 * tagging switches, and the plain switch of the trunk (4); deeper chains are dropped */
#define MAX_DEPTH 4
#define CELL      2112u /* the most a copied fragment takes: a buffer plus room to grow */
#define ROOM      64u   /* room to grow after a copied fragment (a tag needs 4 bytes) */

/* copies are packed (64-aligned, each with ROOM to grow), so that a batch of
 * short frames stays in a few cache lines instead of one page each */
struct scratch {
	struct fwd ft[BATCH];
	char cells[BATCH * CELL] __attribute__((aligned(64)));
};

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void scratch_free(void *p)
{
	struct scratch **s = p;

	for (int i = 0; i < MAX_DEPTH; i++)
		if (s[i])
			munmap(s[i], sizeof(struct scratch));
	free(s);
}

static void scratch_key_init(void)
{
	pthread_key_create(&scratch_key, scratch_free);
}

/* a per-thread copy area for depth d, mapped on first use */
static struct scratch *scratch_get(int d)
{
	struct scratch **s;

	pthread_once(&scratch_once, scratch_key_init);
	s = pthread_getspecific(scratch_key);
	if (s == NULL) {
		s = calloc(MAX_DEPTH, sizeof(*s));
		if (s == NULL || pthread_setspecific(scratch_key, s) != 0) {
			free(s);
			return NULL;
		}
	}
	if (s[d] == NULL) {
		void *m = mmap(NULL, sizeof(struct scratch), PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m == MAP_FAILED)
			return NULL;
		s[d] = m;
	}
	return s[d];
}

/* the space a copy of len bytes takes in the scratch cells, room included */
static inline uint32_t cell_size(uint32_t len)
{
	return len > CELL - 2 * ROOM ? CELL : ((len + ROOM - 1) & ~(ROOM - 1)) + ROOM;
}

/*
 * vale_flush() for a batch of one-slot frames that crossed into np->b whole
 * (no edit pending if b is a tagging bridge): each frame is looked up and
 * copied straight into its destination, with the checks vale_flush() and
 * deliver() make, as long as it is the one destination so far and a port of
 * this bridge only; from the first frame that is not (broadcast, a second
 * destination, a port attached to two bridges), vale_flush() takes the rest
 * of the batch. Per-destination order is batch order either way.
 */
static void cross_direct(struct pass *np)
{
	struct uv_karea *k = karea(np->region);
	struct uv_bridge *b = np->b;
	struct uv_port *dp = NULL;
	struct rx_fill rf = { .space = 0 };
	uint32_t i, cur = NMA_BDG_NOPORT;
	int open = 0;

	for (i = 0; i < np->n; i++) {
		uint32_t d = lookup(np, i);

		if (d == NMA_BDG_BROADCAST)
			break;
		if (d >= NMA_BDG_NOPORT || !unicast_ok(b, d, np->me))
			continue;
		if (d != cur) {
			if (cur != NMA_BDG_NOPORT)
				break;
			dp = &k->ports[b->ports[d]];
			if (dp->bdg2 >= 0)
				break;
			cur = d;
			open = rx_open(np->region, dp, np->ring_nr, &rf);
		}
		if (rf.space == 0)
			continue; /* no room, or the ring is gone: dropped, as in deliver() */
		rf.space--;
		rx_put(np->region, &rf, &np->ft[i], 1)->flags = 1u << 8;
	}
	if (open)
		rx_close(np->region, dp, &rf);
	if (i < np->n) {
		np->ft += i;
		np->n -= i;
		vale_flush(np);
	}
}

/*
 * Frames for port dp, reached in ps->b, enter dp's other bridge as if dp sent
 * them there: a bwrap pushes what reaches it into the port it wraps, and
 * what the port receives into its own bridge. Only a lookup that rewrites
 * frames (the VLAN one) needs copies; the learning lookup reads them where
 * they are, which is safe as their buffers stay put while the sending sync
 * holds the bridge lock. The other bridge's mutex is taken only if it is not
 * the one held (VLAN confs share one), and only if free: VALE never waits,
 * so frames are dropped instead of risking a lock-order deadlock.
 */
static void cross(struct pass *ps, struct uv_port *dp, uint32_t dport, int uc, int bc)
{
	struct uv_karea *k = karea(ps->region);
	int second = dp->bdg2 >= 0 && &k->bridges[dp->bdg2] == ps->b && dp->bdg2_port == dport;
	int32_t obi = second ? dp->bdg : dp->bdg2;
	struct uv_bridge *ob;
	pthread_mutex_t *held = uv_bdg_lock(k, ps->b), *ol;
	struct scratch *sc = NULL;
	struct fwd *nft = ps->ft;
	struct pass np;
	uint32_t m = 0, used = 0;
	int err, copy, vlan, direct = 0;

	if (obi < 0 || ps->depth + 1 >= MAX_DEPTH)
		return;
	ob = &k->bridges[obi];
	vlan = ob->lookup != UV_LOOKUP_LEARNING;
	/* the whole batch crosses and needs no copy: the next bridge takes ft as
	 * it is (its lookups only overwrite dst and the pending edits, which the
	 * caller no longer needs) */
	if (uc && ps->whole && (vlan ? ps->plain : ps->single)) {
		m = ps->n;
		direct = 1;
	} else if (uc && ps->whole && !vlan) {
		m = ps->n;
	} else {
		sc = scratch_get(ps->depth + 1);
		if (sc == NULL)
			return;
		nft = sc->ft;
	}
	ol = uv_bdg_lock(k, ob);
	if (ol != held) {
		err = pthread_mutex_trylock(ol);
		if (err == EOWNERDEAD)
			pthread_mutex_consistent(ol);
		else if (err)
			return;
	}
	for (uint32_t i = 0; sc != NULL && i < ps->n; i += ps->ft[i].frags) {
		const struct fwd *f = &ps->ft[i];

		if (!wanted(f, dport, uc, bc))
			continue;
		/* the tagging bridge classifies one-slot frames where they are; it
		 * rewrites the others in place, so they (and a frame whose edit is
		 * still pending) are copied first, the pending edit applied */
		copy = vlan && (f->frags > 1 || f->va.kind != VV_ACT_NONE);
		for (uint32_t j = 0; j < f->frags; j++) {
			uint32_t len = f[j].len < CELL ? f[j].len : CELL, sz;

			if (!copy) {
				sc->ft[m + j] = f[j];
				sc->ft[m + j].frags = 1;
				continue;
			}
			sz = cell_size(len);
			if (f[j].va.kind == VV_ACT_NONE)
				copy_short(sc->cells + used, f[j].buf, len, f[j].cap);
			else if (copy_edit(sc->cells + used, sz, &f[j]) == VV_FWD)
				len = (uint32_t)edited_len(&f[j]);
			else
				len = 0; /* no room for the tag: the next lookup drops it */
			sc->ft[m + j] = (struct fwd){ .buf = sc->cells + used, .len = (uint16_t)len,
						      .flags = f[j].flags, .frags = 1, .cap = sz };
			used += sz;
		}
		sc->ft[m].frags = f->frags;
		m += f->frags;
	}
	if (m > 0) {
		np = (struct pass){ .region = ps->region, .ft = nft, .n = m, .b = ob,
				    .sp = dp, .me = second ? dp->bdg_port : dp->bdg2_port,
				    .ring_nr = 0, .l2off = 0, .depth = ps->depth + 1,
				    .last_dmac = ~0ull };
		if (direct)
			cross_direct(&np);
		else
			vale_flush(&np);
	}
	if (ol != held)
		uv_mutex_unlock(ol);
}

/* nm_vale_preflush + netmap_vale_vp_txsync */
static void vale_txsync(void *region, struct uv_port *p, struct uv_kring *kr,
			struct nma_ring *ring, uint32_t head)
{
	struct uv_karea *k = karea(region);
	struct uv_alloc *a = &k->allocs[p->alloc];
	uint32_t lim = kr->num_slots - 1, bufsize = a->pool[UV_BUF_POOL].objsize;
	uint32_t j = atomic_load(&kr->hwcur);
	struct uv_bridge *b = p->bdg >= 0 && p->bdg2 < 0 ? &k->bridges[p->bdg] : NULL;
	struct fwd ft[BATCH];
	struct pass ps = { .region = region, .ft = ft, .sp = p, .ring_nr = kr->ring_id,
			   .l2off = p->virt_hdr_len, .last_dmac = ~0ull,
			   .inplace = kr->mon_zcopy != UV_NOKREF };

	if (b != NULL && j != head) {
		uint32_t n = 0, frags = 1;
		pthread_mutex_t *lk = uv_bdg_lock(k, b);

		if (uv_mutex_lock(lk) != 0) {
			b = NULL;
		} else if (p->bdg < 0 || &k->bridges[p->bdg] != b) {
			/* detached meanwhile: the frames go nowhere, as netmap's */
			uv_mutex_unlock(lk);
			b = NULL;
		}
		ps.b = b;
		ps.me = p->bdg_port;
		for (; b != NULL && j != head; j = nxt(j, lim)) {
			struct nma_slot *slot = &ring->slot[j];
			uint64_t off = get_offset(kr, slot);

			ft[n].len = slot->len;
			ft[n].flags = slot->flags;
			ft[n].frags = 1;
			ft[n].va.kind = VV_ACT_NONE;
			slot->flags &= (uint16_t)~NMA_NS_BUF_CHANGED;
			ft[n].buf = nmb(region, a, slot->buf_idx) + off;
			/* the lookup reads the headers soon: start the miss now */
			__builtin_prefetch(ft[n].buf);
			ft[n].cap = (uint32_t)(bufsize - off);
			if (slot->len > bufsize - off || (slot->flags & NMA_NS_INDIRECT)) {
				ft[n].buf = nmb(region, a, 0);
				ft[n].len = 0;
				ft[n].flags = 0;
				ft[n].cap = 0;
			}
			n++;
			if ((ft[n - 1].flags & NMA_NS_MOREFRAG) && frags < NMA_MAX_FRAGS &&
			    n < BATCH) {
				frags++;
				continue;
			}
			ft[n - frags].frags = (uint16_t)frags;
			frags = 1;
			if (n >= BATCH) {
				ps.n = n;
				vale_flush(&ps);
				n = 0;
			}
		}
		if (b != NULL) {
			if (frags > 1) {
				/* incomplete last frame: truncate it */
				frags--;
				ft[n - 1].flags &= (uint16_t)~NMA_NS_MOREFRAG;
				ft[n - frags].frags = (uint16_t)frags;
			}
			if (n) {
				ps.n = n;
				vale_flush(&ps);
			}
			uv_mutex_unlock(uv_bdg_lock(k, b));
		}
	}
	atomic_store_explicit(&kr->hwcur, head, memory_order_release);
	atomic_store_explicit(&kr->hwtail, prv(head, lim), memory_order_release);
}

static void vale_rxsync(struct uv_kring *kr, struct nma_ring *ring, uint32_t head)
{
	uint32_t lim = kr->num_slots - 1;

	/* read-only unless a flag is set: the slots are on the forwarder's lines */
	for (uint32_t i = atomic_load(&kr->hwcur); i != head; i = nxt(i, lim))
		if (ring->slot[i].flags & NMA_NS_BUF_CHANGED)
			ring->slot[i].flags &= (uint16_t)~NMA_NS_BUF_CHANGED;
	atomic_store_explicit(&kr->hwcur, head, memory_order_release);
}

/*
 * Frames received on a Linux interface attached to a switch enter it as if
 * the interface's port had sent them (the daemon's RX pump calls this with
 * its own copies; cap is the room of each buffer, for a lookup that grows
 * the frame).
 */
void uv_bdg_inject(void *region, struct uv_port *p, uint8_t *const *bufs,
		   const uint16_t *lens, uint32_t n, uint32_t cap)
{
	struct uv_karea *k = karea(region);
	struct uv_bridge *b;
	pthread_mutex_t *lk;
	struct fwd ft[BATCH];
	struct pass ps = { .region = region, .ft = ft, .sp = p, .ring_nr = 0,
			   .last_dmac = ~0ull };

	if (p->bdg < 0 || n == 0)
		return;
	b = &k->bridges[p->bdg];
	lk = uv_bdg_lock(k, b);
	if (uv_mutex_lock(lk) != 0)
		return;
	if (p->bdg >= 0 && &k->bridges[p->bdg] == b) {
		ps.b = b;
		ps.me = p->bdg_port;
		while (n > 0) {
			uint32_t m = n < BATCH ? n : BATCH;

			for (uint32_t i = 0; i < m; i++)
				ft[i] = (struct fwd){ .buf = (char *)bufs[i], .len = lens[i],
						      .frags = 1, .cap = cap };
			ps.n = m;
			vale_flush(&ps);
			bufs += m;
			lens += m;
			n -= m;
		}
	}
	uv_mutex_unlock(lk);
}

/* ---- Linux interfaces (the user's side; the daemon pumps, uvale_ifnet.c) ------ */

static void ifnet_sync(struct uv_port *p, int dir, struct uv_kring *kr, struct nma_ring *ring,
		       uint32_t head)
{
	if (dir == UV_TX) {
		/* hand [hwcur, head) to the TX pump; it moves hwcur and hwtail */
		if (atomic_exchange_explicit(&kr->xmit_head, head, memory_order_acq_rel) != head)
			uv_kick(p);
		return;
	}
	vale_rxsync(kr, ring, head);
	(void)p;
}

/* ---- pipes ----------------------------------------------------------------- */

static void pipe_txsync(void *region, struct uv_kring *tk, struct nma_ring *tring,
			uint32_t head)
{
	struct uv_karea *k = karea(region);
	struct uv_port *pp = &k->ports[tk->peer_port];
	struct uv_kring *rk = &pp->kr[UV_RX][tk->peer_ring];
	struct nma_ring *rring = uv_kring_ring(region, &k->allocs[pp->alloc], rk);
	uint32_t lim = tk->num_slots - 1, j, nk = lim + 1;
	int complete = 0;

	atomic_store(&tk->hwtail, atomic_load_explicit(&tk->pipe_tail, memory_order_acquire));
	j = atomic_load(&tk->hwcur);
	if (j == head || rring == NULL)
		return;
	for (; j != head; j = nxt(j, lim)) {
		struct nma_slot *rs = &rring->slot[j], *ts = &tring->slot[j];
		uint64_t off = get_offset(rk, rs);

		*rs = *ts;
		if (get_offset(rk, rs) < off)
			write_offset(rk, rs, off);
		ts->flags &= (uint16_t)~NMA_NS_BUF_CHANGED;
		complete = !(ts->flags & NMA_NS_MOREFRAG);
		if (complete)
			nk = nxt(j, lim);
	}
	atomic_store(&tk->hwcur, j);
	if (nk <= lim) {
		atomic_store_explicit(&rk->pipe_tail, nk, memory_order_release);
		if (rk->mon_copy != UV_NOKREF && uv_kr_tryget(rk)) {
			atomic_store(&rk->hwtail, nk);
			uv_mon_rx_catchup(region, pp, rk);
			uv_kr_put(rk);
		}
		uv_notify(pp, rk, UV_RX);
	}
}

static void pipe_rxsync(void *region, struct uv_kring *rk, struct nma_ring *rring,
			uint32_t head)
{
	struct uv_karea *k = karea(region);
	struct uv_port *pp = &k->ports[rk->peer_port];
	struct uv_kring *tk = &pp->kr[UV_TX][rk->peer_ring];
	struct nma_ring *tring = uv_kring_ring(region, &k->allocs[pp->alloc], tk);
	uint32_t lim = rk->num_slots - 1, j;

	atomic_store(&rk->hwtail, atomic_load_explicit(&rk->pipe_tail, memory_order_acquire));
	j = atomic_load(&rk->hwcur);
	if (j == head || tring == NULL)
		return;
	for (; j != head; j = nxt(j, lim)) {
		struct nma_slot *rs = &rring->slot[j];

		tring->slot[j] = *rs;
		rs->flags &= (uint16_t)~NMA_NS_BUF_CHANGED;
	}
	atomic_store_explicit(&tk->pipe_tail, prv(j, lim), memory_order_release);
	atomic_store(&rk->hwcur, j);
	uv_notify(pp, tk, UV_TX);
}

/* ---- the sync entry points --------------------------------------------------- */

static int binding_port(void *region, const struct uv_binding *bd, struct uv_port **pp)
{
	struct uv_karea *k = karea(region);
	struct uv_port *p;

	if (bd->port >= UV_MAX_PORTS)
		return -ENXIO;
	p = &k->ports[bd->port];
	if (p->kind == UV_KIND_FREE || p->gen != bd->gen)
		return -ENXIO;
	*pp = p;
	return 0;
}

/* the adapter's own sync (netmap's nm_sync) */
static void port_sync(void *region, struct uv_port *p, int dir, struct uv_kring *kr,
		      struct nma_ring *ring, uint32_t head)
{
	if (p->kind == UV_KIND_MONITOR) {
		/* a monitor's tx ring does nothing; its rx rings only release */
		if (dir == UV_RX)
			atomic_store_explicit(&kr->hwcur, head, memory_order_release);
	} else if (p->kind == UV_KIND_PIPE) {
		if (dir == UV_TX) {
			pipe_txsync(region, kr, ring, head);
		} else {
			pipe_rxsync(region, kr, ring, head);
			atomic_store(&kr->hwtail, atomic_load_explicit(&kr->pipe_tail,
								       memory_order_acquire));
		}
	} else if (p->kind == UV_KIND_AFPACKET) {
		ifnet_sync(p, dir, kr, ring, head);
	} else if (dir == UV_TX) {
		vale_txsync(region, p, kr, ring, head);
	} else {
		vale_rxsync(kr, ring, head);
	}
}

static void sync_one(void *region, struct uv_port *p, int dir, uint32_t i)
{
	struct uv_karea *k = karea(region);
	struct uv_alloc *a = &k->allocs[p->alloc];
	struct uv_kring *kr = &p->kr[dir][i];
	struct nma_ring *ring = uv_kring_ring(region, a, kr);
	uint32_t head, lim;

	if (ring == NULL || !uv_kr_tryget(kr))
		return;
	lim = kr->num_slots - 1;
	head = dir == UV_TX ? tx_prologue(kr, ring) : rx_prologue(kr, ring);
	if (head >= kr->num_slots) {
		ring_reinit(a, kr, ring);
	} else if (kr->mon_copy == UV_NOKREF && kr->mon_zcopy == UV_NOKREF) {
		port_sync(region, p, dir, kr, ring, head);
	} else if (dir == UV_TX) {
		/* monitored tx ring: copies of the new slots, then the slots
		 * the sync gives back go to the zero-copy monitor */
		uint32_t hc = atomic_load(&kr->hwcur);
		uint32_t beg = nxt(atomic_load(&kr->hwtail), lim);

		uv_mon_copy(region, p, kr, hc, head >= hc ? head - hc : head + lim + 1 - hc, 1);
		port_sync(region, p, dir, kr, ring, head);
		uv_mon_zcopy(region, p, kr, beg, nxt(atomic_load(&kr->hwtail), lim), 1);
	} else {
		/* monitored rx ring: released slots to the zero-copy monitor,
		 * then copies of what arrived */
		uv_mon_zcopy(region, p, kr, atomic_load(&kr->hwcur), head, 0);
		port_sync(region, p, dir, kr, ring, head);
		uv_mon_rx_catchup(region, p, kr);
	}
	/* nm_sync_finalize */
	kr->rtail = atomic_load_explicit(&kr->hwtail, memory_order_acquire);
	if (ring->tail != kr->rtail)
		__atomic_store_n(&ring->tail, kr->rtail, __ATOMIC_RELEASE);
	uv_kr_put(kr);
}

int uv_txsync(void *region, const struct uv_binding *bd)
{
	struct uv_port *p;
	int err = binding_port(region, bd, &p);

	if (err)
		return err;
	for (uint32_t i = bd->qfirst[UV_TX]; i < bd->qlast[UV_TX]; i++)
		sync_one(region, p, UV_TX, i);
	return 0;
}

int uv_rxsync(void *region, const struct uv_binding *bd)
{
	struct uv_port *p;
	int err = binding_port(region, bd, &p);

	if (err)
		return err;
	for (uint32_t i = bd->qfirst[UV_RX]; i < bd->qlast[UV_RX]; i++)
		sync_one(region, p, UV_RX, i);
	return 0;
}

/* sync what the events ask for and report which ones are ready */
int uv_poll_ready(void *region, const struct uv_binding *bd, int events)
{
	struct uv_karea *k = karea(region);
	struct uv_alloc *a;
	struct uv_port *p;
	int revents = 0;
	int want_tx = events & (POLLOUT | POLLWRNORM);
	int want_rx = events & (POLLIN | POLLRDNORM);

	if (binding_port(region, bd, &p))
		return POLLERR;
	a = &k->allocs[p->alloc];
	/* as netmap_poll on Linux: TX rings first, unless NO_TX_POLL and no
	 * POLLOUT wanted; a ring is synced when it has slots to send out or
	 * while no TX space has been found, so a POLLIN-only poll also pushes
	 * what was submitted but never txsync'ed */
	if (want_tx || !(bd->flags & NMA_NO_TX_POLL)) {
		for (uint32_t i = bd->qfirst[UV_TX]; i < bd->qlast[UV_TX]; i++) {
			struct uv_kring *kr = &p->kr[UV_TX][i];
			struct nma_ring *ring = uv_kring_ring(region, a, kr);

			if (ring == NULL)
				continue;
			if (!want_tx && __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE) ==
					       atomic_load(&kr->hwcur))
				continue;
			sync_one(region, p, UV_TX, i);
			if (__atomic_load_n(&ring->cur, __ATOMIC_ACQUIRE) !=
			    __atomic_load_n(&ring->tail, __ATOMIC_ACQUIRE)) {
				revents |= want_tx;
				want_tx = 0;
			}
		}
	}
	/* then every RX ring, none starved by an earlier one */
	if (want_rx) {
		for (uint32_t i = bd->qfirst[UV_RX]; i < bd->qlast[UV_RX]; i++) {
			struct uv_kring *kr = &p->kr[UV_RX][i];
			struct nma_ring *ring = uv_kring_ring(region, a, kr);

			if (ring == NULL)
				continue;
			sync_one(region, p, UV_RX, i);
			if (__atomic_load_n(&ring->cur, __ATOMIC_ACQUIRE) !=
			    __atomic_load_n(&ring->tail, __ATOMIC_ACQUIRE))
				revents |= want_rx;
		}
	}
	if (p->kind == UV_KIND_MONITOR)
		revents |= uv_mon_poll_err(p, bd, events);
	return revents;
}
