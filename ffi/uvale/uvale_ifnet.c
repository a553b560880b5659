/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvaled: Linux interfaces as netmap ports (netmap:IFNAME, valeX:IFNAME),
 * through the AF_PACKET engine (afpacket.[ch]).
 *
 * The daemon owns the packet sockets and moves the frames; users only touch
 * the shared krings, as with every other uvale port. Per interface port, two
 * daemon threads ("pumps") run while the port exists:
 *
 *   RX pump  polls the WIRE socket (frames that arrived on the interface) and
 *            the host side (what the local stack transmits): registered, it
 *            fills the user's rx ring 0 and host rx ring; attached to a
 *            switch, it forwards wire frames into the switch with the
 *            client's own forwarding code (uv_bdg_inject).
 *   TX pump  sleeps on the port's second futex word (uv_kick): registered,
 *            it sends [hwcur, xmit_head) of the user's tx ring 0 with
 *            afp_tx_burst and gives the slots back, and hands host tx frames
 *            to the stack; attached, it sends what the switch delivered to
 *            the port's rx ring 0.
 *
 * Netmap mode is per ring, as in netmap (netmap_transmit, generic_rx_handler):
 * while the port exists an afp_host (the TAP) hands host tx frames to the
 * stack, and its flags follow the rings (cut_sync, on every release of the
 * interface's lock by the daemon, so after every regif, unregif, attach and
 * detach):
 *   AFP_HOST_DIVERT while NIC tx ring 0 has a user or the port is on a
 *     switch: what the stack transmits goes to the TAP (the host rx ring, or
 *     nowhere), not the wire. Otherwise it goes to the wire and the host rx
 *     ring gets nothing (host rings alone: netmap:IFNAME^).
 *   AFP_HOST_CUTOFF while NIC rx ring 0 has a user or the port is on a
 *     switch: the stack no longer hears the wire, only host tx frames.
 * Where the TAP cannot be set up (no root, no tcx), the daemon says so once
 * and falls back to a STACK socket: the stack stays on the wire both ways,
 * the host rx ring gets copies of its frames while it would be diverted, and
 * host tx frames are dropped.
 *
 * A pump holds the interface's lock while it touches rings; the daemon takes
 * it around every change of the port's rings (regif, unregif, attach,
 * detach). Interfaces live in network namespaces: a port is named by its
 * interface and the namespace of the process that opened the handle, and its
 * sockets are created there (setns around afp_open).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "uvale_daemon.h"
#include "uvale_mem.h"
#include "afpacket.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nmscript.h"

#define IF_SLOTS      1024u /* per ring, as netmap's generic adapter */
#define RX_BURST      256u
#define TX_BURST      256u
#define TX_FRAGS      1024u
#define CELL          2112u /* a copied frame: a buffer plus room for a tag */
#define BLOCKED_MS    10    /* re-check a full ring this often */
#define IDLE_MS       200   /* every wait is bounded: the stop flag is seen */

enum { ROLE_NIC = 0, ROLE_HOST = 1 };

struct ifnet {
	int used;        /* the port exists */
	int running;     /* sockets open, pumps started */
	uint32_t port, gen;
	int nsfd;        /* its network namespace, -1: the daemon's */
	struct afp *wire, *stack;
	pthread_t rxt, txt;
	int stopfd;      /* eventfd: wakes the RX pump to stop */
	_Atomic int stop;
	pthread_mutex_t lk;
	int role;        /* ROLE_NIC, or ROLE_HOST: the host stack on a switch (-h) */
	char realname[UV_IFNAMSIZ]; /* the Linux interface */
	struct afp_host *host; /* the TAP into the stack (afp_host_open), or NULL */
	int host_warned;
	uint32_t twin, twin_gen; /* ROLE_NIC with -h: the host port, UV_NOPORT */
	_Atomic unsigned want; /* ROLE_NIC: AFP_HOST_* the rings ask for (cut_sync) */
	int cut_warned;  /* ROLE_NIC: a failed afp_host_set_flags was logged */
	_Atomic int lent; /* ROLE_NIC: the host port reads host's TAP (-h) */
	struct ifnet *lender; /* ROLE_HOST: the NIC, whose host this one borrows */
	int borrowed;    /* ROLE_HOST: host belongs to lender */
	uint64_t host_dropped;
	uint64_t too_big;
	uint8_t *cells;  /* RX pump: copies of a burst bound for the switch */
	uint8_t *bufs[RX_BURST];
	uint16_t lens[RX_BURST];
	uint32_t ncells;
};

static struct ifnet ifn[UV_MAX_PORTS];
static pthread_once_t ifn_once = PTHREAD_ONCE_INIT;
static int own_ns = -1;
static uint64_t own_ino;

static void ifn_init(void)
{
	struct stat st;

	for (int i = 0; i < UV_MAX_PORTS; i++) {
		pthread_mutex_init(&ifn[i].lk, NULL);
		ifn[i].nsfd = ifn[i].stopfd = -1;
		ifn[i].twin = UV_NOPORT;
	}
	own_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (own_ns >= 0 && fstat(own_ns, &st) == 0)
		own_ino = (uint64_t)st.st_ino;
}

static struct ifnet *ifnet_of(const struct uv_port *p)
{
	pthread_once(&ifn_once, ifn_init);
	return &ifn[uv_port_index(p)];
}

/* ---- network namespaces ------------------------------------------------------ */

/* the namespace of the process that opened the handle: its inode and an fd
 * (-1 when it is the daemon's own, or the process is gone) */
static uint64_t client_ns(pid_t pid, int *fd)
{
	char path[64];
	struct stat st;
	int nfd;

	pthread_once(&ifn_once, ifn_init);
	*fd = -1;
	if (pid <= 0)
		return own_ino;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	nfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nfd < 0)
		return own_ino;
	if (fstat(nfd, &st) < 0 || (uint64_t)st.st_ino == own_ino) {
		close(nfd);
		return own_ino;
	}
	*fd = nfd;
	return (uint64_t)st.st_ino;
}

/* run fn in namespace nsfd (the daemon's main thread, between requests) */
static int in_ns(struct uv_req *r, int nsfd, int (*fn)(void *), void *arg)
{
	int err;

	if (nsfd < 0)
		return fn(arg);
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		err = errno;
		if (r)
			uv_say(r, "cannot enter the caller's network namespace: %s (uvaled needs "
				  "CAP_SYS_ADMIN to reach interfaces of other namespaces)",
			       strerror(err));
		return err;
	}
	err = fn(arg);
	if (setns(own_ns, CLONE_NEWNET) < 0) {
		fprintf(stderr, "uvaled: cannot return to its network namespace: %s\n",
			strerror(errno));
		abort();
	}
	return err;
}

struct ns_call {
	const char *ifname;
	unsigned idx;
	struct afp_config cfg;
	struct afp *afp;
	struct afp_host *host;
	unsigned hflags; /* afp_host_open flags */
	char msg[200];
};

static int call_nametoindex(void *arg)
{
	struct ns_call *c = arg;

	c->idx = if_nametoindex(c->ifname);
	return 0;
}

static int call_host_open(void *arg)
{
	struct ns_call *c = arg;
	int err = afp_host_open(c->ifname, c->hflags, &c->host);

	if (err)
		snprintf(c->msg, sizeof(c->msg), "%s", nms_last_error());
	return -err;
}

static int call_open(void *arg)
{
	struct ns_call *c = arg;
	int err = afp_open(c->ifname, &c->cfg, &c->afp);

	if (err)
		snprintf(c->msg, sizeof(c->msg), "%s", nms_last_error());
	return -err;
}

/* ---- ports ------------------------------------------------------------------- */

struct uv_port *uv_ifnet_find(const char *ifname, uint64_t ns)
{
	for (int i = 0; i < UV_MAX_PORTS; i++) {
		struct uv_port *p = &uvd.k->ports[i];

		if (p->kind == UV_KIND_AFPACKET && p->netns == ns &&
		    strcmp(p->ifname, ifname) == 0)
			return p;
	}
	return NULL;
}

int uv_ifnet_lookup(struct uv_req *r, const char *ifname, int create, struct uv_port **out)
{
	struct ns_call c = { .ifname = ifname };
	struct uv_alloc *glob = uv_alloc_find(uvd.k, 1);
	struct uv_port *p;
	struct ifnet *f;
	uint64_t ns;
	int nsfd, err;

	*out = NULL;
	if (strlen(ifname) >= UV_IFNAMSIZ || strchr(ifname, ':') || strchr(ifname, '/')) {
		uv_say(r, "%s: no such port (not a valid Linux interface name either)", ifname);
		return ENXIO;
	}
	ns = client_ns(r->pid, &nsfd);
	p = uv_ifnet_find(ifname, ns);
	if (p != NULL || !create) {
		if (nsfd >= 0)
			close(nsfd);
		if (p == NULL)
			uv_say(r, "%s: no such port", ifname);
		*out = p;
		return p ? 0 : ENXIO;
	}
	err = in_ns(r, nsfd, call_nametoindex, &c);
	if (err || c.idx == 0) {
		if (nsfd >= 0)
			close(nsfd);
		if (!err)
			uv_say(r, "%s: no such port (no VALE port, pipe or persistent port, and no "
				  "Linux interface of that name in the caller's network namespace)",
			       ifname);
		return err ? err : ENXIO;
	}
	p = glob ? uv_port_new() : NULL;
	if (p == NULL) {
		if (nsfd >= 0)
			close(nsfd);
		uv_say(r, "uvale port table full (%d ports)", UV_MAX_PORTS);
		return ENOMEM;
	}
	/* a NIC: one ring pair of the global allocator, plus the host rings */
	p->kind = UV_KIND_AFPACKET;
	p->ntx = p->nrx = 1;
	p->ntx_desc = p->nrx_desc = IF_SLOTS;
	p->nhost_tx = p->nhost_rx = 1;
	p->alloc = (uint32_t)(glob - uvd.k->allocs);
	glob->refs++;
	p->netns = ns;
	snprintf(p->name, sizeof(p->name), "%s", ifname);
	snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
	f = ifnet_of(p);
	f->used = 1;
	f->port = (uint32_t)uv_port_index(p);
	f->gen = p->gen;
	f->nsfd = nsfd;
	f->host_warned = 0;
	f->host_dropped = f->too_big = 0;
	f->role = ROLE_NIC;
	f->twin = UV_NOPORT;
	f->lender = NULL;
	snprintf(f->realname, sizeof(f->realname), "%s", ifname);
	*out = p;
	return 0;
}

static void cut_sync(struct ifnet *f, struct uv_port *p);

void uv_ifnet_lock(struct uv_port *p)
{
	if (p->kind == UV_KIND_AFPACKET)
		pthread_mutex_lock(&ifnet_of(p)->lk);
}

/* the daemon takes the lock around every change of p's rings: the stack's
 * cut follows them before it is released */
void uv_ifnet_unlock(struct uv_port *p)
{
	if (p->kind == UV_KIND_AFPACKET) {
		cut_sync(ifnet_of(p), p);
		pthread_mutex_unlock(&ifnet_of(p)->lk);
	}
}

/* ---- ring helpers (as the client's data path reads slots) ---------------------- */

static inline uint32_t nxt(uint32_t i, uint32_t lim)
{
	return i == lim ? 0 : i + 1;
}

static inline uint32_t prv(uint32_t i, uint32_t lim)
{
	return i == 0 ? lim : i - 1;
}

static inline uint64_t slot_offset(const struct uv_kring *kr, const struct nma_slot *s)
{
	uint64_t o = s->ptr & kr->offset_mask;

	return o > kr->offset_max ? kr->offset_max : o;
}

static struct uv_port *live_port(const struct ifnet *f)
{
	struct uv_port *p = &uvd.k->ports[f->port];

	return p->kind == UV_KIND_AFPACKET && p->gen == f->gen ? p : NULL;
}

static struct nma_ring *usable(struct uv_port *p, struct uv_kring *kr)
{
	if (!p->krings_ok || kr->users == 0)
		return NULL;
	return uv_kring_ring(uvd.region, &uvd.k->allocs[p->alloc], kr);
}

/* ---- TX pump -------------------------------------------------------------------- */

/*
 * Sends the frames of kring kr in [from, to) (fragments chained with
 * NS_MOREFRAG; an unfinished last frame is sent as it is) and returns the
 * slot after the last frame consumed: onto the wire, or into the stack
 * through the TAP when inj is set. *full is set when the socket's ring had
 * no room for all of them.
 */
static uint32_t send_slots(struct ifnet *f, struct uv_port *p, struct uv_kring *kr,
			   struct nma_ring *ring, uint32_t from, uint32_t to,
			   struct afp_host *inj, int *full)
{
	const struct uv_alloc *a = &uvd.k->allocs[p->alloc];
	uint32_t lim = kr->num_slots - 1, bufsize = a->pool[UV_BUF_POOL].objsize;
	struct afp_frag frags[TX_FRAGS];
	struct afp_frag_frame fr[TX_BURST];
	uint32_t end[TX_BURST];
	uint32_t nfr = 0, nfrag = 0, j = from;
	int done;

	*full = 0;
	while (j != to && nfr < TX_BURST && nfrag + NMA_MAX_FRAGS <= TX_FRAGS) {
		fr[nfr].frags = &frags[nfrag];
		fr[nfr].nfrags = 0;
		for (;;) {
			struct nma_slot *s = &ring->slot[j];
			uint64_t off = slot_offset(kr, s);
			uint32_t len = s->len;

			if (s->buf_idx < 2 || s->buf_idx >= a->pool[UV_BUF_POOL].objtotal ||
			    len > bufsize - off || (s->flags & NMA_NS_INDIRECT))
				len = 0; /* an empty piece: the frame is dropped as too short */
			frags[nfrag++] = (struct afp_frag){ uv_buf(uvd.region, a, s->buf_idx) + off,
							    len };
			fr[nfr].nfrags++;
			s->flags &= (uint16_t)~NMA_NS_BUF_CHANGED;
			j = nxt(j, lim);
			if (!(s->flags & NMA_NS_MOREFRAG) || j == to ||
			    fr[nfr].nfrags >= NMA_MAX_FRAGS)
				break;
		}
		end[nfr++] = j;
	}
	if (nfr == 0)
		return from;
	done = inj ? afp_host_inject(inj, fr, nfr) : afp_tx_burst(f->wire, fr, nfr);
	if (done < 0) {
		/* link down or the interface gone: the frames are lost, as on a NIC */
		afp_take_error(f->wire);
		done = (int)nfr;
	}
	if ((uint32_t)done < nfr)
		*full = 1;
	return done > 0 ? end[done - 1] : from;
}

/* registered: the user's tx rings. 1 if frames are left */
static int tx_user(struct ifnet *f, struct uv_port *p, int *full)
{
	struct uv_kring *kr = &p->kr[UV_TX][0], *hk = &p->kr[UV_TX][p->ntx];
	struct nma_ring *ring = usable(p, kr);
	int left = 0;

	if (ring != NULL) {
		uint32_t hc = atomic_load(&kr->hwcur);
		uint32_t head = atomic_load_explicit(&kr->xmit_head, memory_order_acquire);

		if (hc != head && head < kr->num_slots) {
			uint32_t n = send_slots(f, p, kr, ring, hc, head, NULL, full);

			if (n != hc) {
				atomic_store_explicit(&kr->hwcur, n, memory_order_release);
				atomic_store_explicit(&kr->hwtail, prv(n, kr->num_slots - 1),
						      memory_order_release);
				uv_notify(p, kr, UV_TX);
			}
			left = n != head;
		}
	}
	ring = usable(p, hk);
	if (ring != NULL) {
		uint32_t hc = atomic_load(&hk->hwcur);
		uint32_t head = atomic_load_explicit(&hk->xmit_head, memory_order_acquire);
		int unused;

		if (hc != head && head < hk->num_slots && f->host != NULL) {
			/* into the stack, as if received on the interface */
			uint32_t to = head;

			head = send_slots(f, p, hk, ring, hc, to, f->host, &unused);
			left |= head != to;
		} else if (hc != head && head < hk->num_slots) {
			f->host_dropped += head >= hc ? head - hc : head + hk->num_slots - hc;
		}
		if (hc != head && head < hk->num_slots) {
			atomic_store_explicit(&hk->hwcur, head, memory_order_release);
			atomic_store_explicit(&hk->hwtail, prv(head, hk->num_slots - 1),
					      memory_order_release);
			uv_notify(p, hk, UV_TX);
		}
	}
	return left;
}

/* attached: what the switch delivered to the port's rx ring 0 goes out */
static int tx_switch(struct ifnet *f, struct uv_port *p, int *full)
{
	struct uv_kring *kr = &p->kr[UV_RX][0];
	struct nma_ring *ring = usable(p, kr);
	uint32_t hc, ht, n;

	if (ring == NULL)
		return 0;
	hc = atomic_load(&kr->hwcur);
	ht = atomic_load_explicit(&kr->hwtail, memory_order_acquire);
	if (hc == ht)
		return 0;
	n = send_slots(f, p, kr, ring, hc, ht, f->role == ROLE_HOST ? f->host : NULL, full);
	atomic_store_explicit(&kr->hwcur, n, memory_order_release);
	return n != ht;
}

static int tx_pending(const struct uv_port *p)
{
	const struct uv_kring *kr;

	if (p->bdg >= 0) {
		kr = &p->kr[UV_RX][0];
		return atomic_load(&kr->hwcur) != atomic_load(&kr->hwtail);
	}
	for (uint32_t i = 0; i <= p->ntx; i++) {
		kr = &p->kr[UV_TX][i];
		if (atomic_load(&kr->hwcur) != atomic_load(&kr->xmit_head))
			return 1;
	}
	return 0;
}

static void block_signals(void)
{
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
}

static void *tx_pump(void *arg)
{
	struct ifnet *f = arg;
	struct uv_port *p = &uvd.k->ports[f->port];

	block_signals();
	/* the TAP of the host rings is made here: in the interface's namespace */
	if (f->nsfd >= 0 && setns(f->nsfd, CLONE_NEWNET) < 0) {
		f->host_warned = 1;
		fprintf(stderr, "uvaled: %s: cannot enter its network namespace (%s): host tx "
			"frames will be dropped\n", f->realname, strerror(errno));
	}
	while (!atomic_load(&f->stop)) {
		uint32_t seq = atomic_load_explicit(&p->seq[1], memory_order_acquire);
		int left = 0, full = 0;

		pthread_mutex_lock(&f->lk);
		if (live_port(f) != NULL)
			left = p->bdg >= 0 ? tx_switch(f, p, &full) : tx_user(f, p, &full);
		pthread_mutex_unlock(&f->lk);
		if (full && f->wire != NULL) {
			struct pollfd pf = { afp_fd(f->wire), POLLOUT, 0 };

			poll(&pf, 1, BLOCKED_MS);
			continue;
		}
		if (left)
			continue;
		/* register, re-check, sleep: see uv_kick() */
		atomic_fetch_add_explicit(&p->pump_waiters, 1, memory_order_seq_cst);
		if (!atomic_load(&f->stop) && !tx_pending(p))
			uv_wait(&p->seq[1], seq, IDLE_MS);
		atomic_fetch_sub_explicit(&p->pump_waiters, 1, memory_order_relaxed);
	}
	return NULL;
}

/* ---- RX pump -------------------------------------------------------------------- */

static void discard(void *ctx, const uint8_t *frame, uint32_t len, unsigned flags)
{
	(void)ctx;
	(void)frame;
	(void)len;
	(void)flags;
}

/* a burst from a packet socket, or else from the TAP of the host side */
static int burst(struct afp *a, struct afp_host *h, unsigned max, afp_deliver_fn fn, void *ctx)
{
	if (a != NULL)
		return afp_rx_burst(a, max, fn, ctx);
	return h != NULL ? afp_host_rx_burst(h, max, fn, ctx) : 0;
}

static void drain(struct afp *a, struct afp_host *h)
{
	for (int i = 0; i < 16 && burst(a, h, RX_BURST, discard, NULL) == (int)RX_BURST; i++)
		;
}

/* ROLE_NIC: where the stack's frames come from; NULL when the host port of
 * vale-ctl -h reads them itself (afp_host_rx_burst only on f->host) */
static struct afp_host *stack_tap(struct ifnet *f)
{
	return !atomic_load(&f->lent) ? f->host : NULL;
}

/* ROLE_NIC: the stack's frames belong on the host rx ring (netmap_transmit:
 * only while the NIC tx ring they would take is in netmap mode) */
static int diverted(struct ifnet *f)
{
	return (atomic_load(&f->want) & AFP_HOST_DIVERT) != 0;
}

struct fill {
	struct ifnet *f;
	const struct uv_alloc *a;
	struct uv_kring *kr;
	struct nma_ring *ring;
	uint32_t j;
};

/* one received frame into the next slot of a user's rx ring */
static void to_ring(void *ctx, const uint8_t *frame, uint32_t len, unsigned flags)
{
	struct fill *c = ctx;
	struct nma_slot *s = &c->ring->slot[c->j];
	uint64_t off = slot_offset(c->kr, s);
	uint32_t bufsize = c->a->pool[UV_BUF_POOL].objsize;

	(void)flags;
	if (s->buf_idx < 2 || s->buf_idx >= c->a->pool[UV_BUF_POOL].objtotal ||
	    len > bufsize - off) {
		c->f->too_big++; /* no room (or a bad buffer): dropped, as a NIC would */
		return;
	}
	memcpy(uv_buf(uvd.region, c->a, s->buf_idx) + off, frame, len);
	s->len = (uint16_t)len;
	s->flags = 0;
	c->j = nxt(c->j, c->kr->num_slots - 1);
}

/* frames of socket a (or, a NULL, of the TAP h) into kring kr; 1 if the ring is full */
static int rx_user(struct ifnet *f, struct uv_port *p, struct afp *a, struct afp_host *h,
		   struct uv_kring *kr)
{
	struct nma_ring *ring = usable(p, kr);
	struct fill c = { .f = f, .a = &uvd.k->allocs[p->alloc], .kr = kr, .ring = ring };

	if (ring == NULL) {
		drain(a, h);
		return 0;
	}
	for (int rounds = 0; rounds < 8; rounds++) {
		uint32_t hc = atomic_load_explicit(&kr->hwcur, memory_order_acquire);
		uint32_t ht = atomic_load(&kr->hwtail), busy, space, start;
		int n;

		busy = ht >= hc ? ht - hc : ht + kr->num_slots - hc;
		space = kr->num_slots - 1 - busy;
		if (space == 0)
			return 1;
		start = c.j = ht;
		n = burst(a, h, space < RX_BURST ? space : RX_BURST, to_ring, &c);
		if (c.j != start) {
			atomic_store_explicit(&kr->hwtail, c.j, memory_order_release);
			if (kr->mon_copy != UV_NOKREF && uv_kr_tryget(kr)) {
				uv_mon_rx_catchup(uvd.region, p, kr);
				uv_kr_put(kr);
			}
			uv_notify(p, kr, UV_RX);
		}
		if (n < (int)RX_BURST && (uint32_t)n < space)
			return 0;
	}
	return 0;
}

static void to_cells(void *ctx, const uint8_t *frame, uint32_t len, unsigned flags)
{
	struct ifnet *f = ctx;

	(void)flags;
	if (len > CELL) {
		f->too_big++;
		return;
	}
	f->bufs[f->ncells] = f->cells + (size_t)f->ncells * CELL;
	memcpy(f->bufs[f->ncells], frame, len);
	f->lens[f->ncells++] = (uint16_t)len;
}

/* attached: wire frames (the host port: the stack's frames) enter the switch */
static void rx_switch(struct ifnet *f, struct uv_port *p)
{
	for (int rounds = 0; rounds < 8; rounds++) {
		int n;

		f->ncells = 0;
		n = f->role == ROLE_HOST ? afp_host_rx_burst(f->host, RX_BURST, to_cells, f)
					 : afp_rx_burst(f->wire, RX_BURST, to_cells, f);
		uv_bdg_inject(uvd.region, p, f->bufs, f->lens, f->ncells, CELL);
		if (n < (int)RX_BURST)
			return;
	}
}

static void *rx_pump(void *arg)
{
	struct ifnet *f = arg;
	struct uv_port *p = &uvd.k->ports[f->port];
	int wire_full = 0, host_full = 0, errors = 0;

	block_signals();
	while (!atomic_load(&f->stop)) {
		struct afp_host *tap = stack_tap(f);
		int side = f->stack ? afp_fd(f->stack) : tap ? afp_host_fd(tap) : -1;
		struct pollfd pf[3] = {
			{ f->stopfd, POLLIN, 0 },
			{ wire_full ? -1 : f->wire ? afp_fd(f->wire) : afp_host_fd(f->host), POLLIN, 0 },
			{ host_full ? -1 : side, POLLIN, 0 },
		};
		int timeout = wire_full || host_full || errors ? BLOCKED_MS * (errors ? 10 : 1)
							       : IDLE_MS;

		errors = 0;
		if (poll(pf, 3, timeout) < 0)
			continue;
		if (atomic_load(&f->stop))
			break;
		for (int i = 1; i < 3 && f->wire != NULL; i++)
			if (pf[i].revents & (POLLERR | POLLHUP | POLLNVAL)) {
				/* read the error, or poll keeps reporting it */
				if (i == 1 || f->stack != NULL)
					afp_take_error(i == 1 ? f->wire : f->stack);
				errors = 1;
			}
		pthread_mutex_lock(&f->lk);
		tap = stack_tap(f); /* the host port may have taken it meanwhile */
		if (f->role == ROLE_HOST) {
			if (live_port(f) != NULL && p->bdg >= 0)
				rx_switch(f, p);
			else
				while (afp_host_rx_burst(f->host, RX_BURST, discard, NULL) > 0)
					;
		} else if (live_port(f) == NULL) {
			drain(f->wire, NULL);
			drain(f->stack, tap);
		} else if (p->bdg >= 0) {
			/* the stack's frames: nobody's host rx ring (with -h, the host
			 * port reads the TAP itself) */
			rx_switch(f, p);
			drain(f->stack, tap);
			wire_full = host_full = 0;
		} else {
			wire_full = rx_user(f, p, f->wire, NULL, &p->kr[UV_RX][0]);
			if (diverted(f)) {
				host_full = rx_user(f, p, f->stack, tap, &p->kr[UV_RX][p->nrx]);
			} else {
				/* the stack is on the wire: nothing for the host rx ring */
				drain(f->stack, tap);
				host_full = 0;
			}
		}
		pthread_mutex_unlock(&f->lk);
	}
	return NULL;
}

/* ---- engine start and stop ------------------------------------------------------- */

static void engine_close(struct ifnet *f)
{
	afp_close(f->wire);
	afp_close(f->stack);
	if (f->borrowed)
		atomic_store(&f->lender->lent, 0); /* the NIC's pump reads the TAP again */
	else
		afp_host_close(f->host); /* the interface's hooks are restored */
	f->wire = f->stack = NULL;
	f->host = NULL;
	f->borrowed = 0;
	atomic_store(&f->want, 0);
	if (f->stopfd >= 0)
		close(f->stopfd);
	f->stopfd = -1;
	free(f->cells);
	f->cells = NULL;
}

/* the AFP_HOST_* flags that p's rings ask for (see the top of this file) */
static unsigned want_flags(const struct uv_port *p)
{
	unsigned fl = 0;

	if (p->bdg >= 0)
		return AFP_HOST_DIVERT | AFP_HOST_CUTOFF;
	if (!p->krings_ok)
		return 0;
	for (uint32_t i = 0; i < p->ntx; i++)
		if (p->kr[UV_TX][i].users)
			fl |= AFP_HOST_DIVERT;
	for (uint32_t i = 0; i < p->nrx; i++)
		if (p->kr[UV_RX][i].users)
			fl |= AFP_HOST_CUTOFF;
	return fl;
}

static int call_set_flags(void *arg)
{
	struct ns_call *c = arg;
	int err = afp_host_set_flags(c->host, c->hflags);

	if (err)
		snprintf(c->msg, sizeof(c->msg), "%s", nms_last_error());
	return -err;
}

/*
 * ROLE_NIC: the TAP's hooks made to match p's rings (the daemon's main thread,
 * f->lk held). On failure the hooks stay as they were and the daemon says so
 * once per engine; the host rx ring then follows f->want all the same.
 */
static void cut_sync(struct ifnet *f, struct uv_port *p)
{
	struct ns_call c = { .ifname = f->realname };
	unsigned fl = want_flags(p);

	if (!f->running || f->role != ROLE_NIC)
		return;
	atomic_store(&f->want, fl);
	if (f->host == NULL || afp_host_flags(f->host) == fl)
		return;
	c.host = f->host;
	c.hflags = fl;
	if (in_ns(NULL, f->nsfd, call_set_flags, &c) != 0 && !f->cut_warned) {
		f->cut_warned = 1;
		fprintf(stderr, "uvaled: %s: cannot change what is cut off the host stack: %s\n",
			f->realname, c.msg[0] ? c.msg : "cannot enter its network namespace");
	}
}

/*
 * ROLE_NIC: the TAP into the stack, with the hooks p's rings ask for now. 0,
 * or an errno with the reason in c->msg, once said in the daemon's log (the
 * daemon's main thread only).
 */
static int host_open(struct uv_req *r, struct ifnet *f, struct uv_port *p, struct ns_call *c)
{
	static int said;
	int err;

	c->hflags = want_flags(p);
	atomic_store(&f->want, c->hflags);
	err = in_ns(r, f->nsfd, call_host_open, c);
	if (!err) {
		f->host = c->host;
		return 0;
	}
	if (!said) {
		said = 1;
		fprintf(stderr, "uvaled: %s: no TAP into the host stack (%s); the stack keeps "
			"its wire, the host rx ring gets copies of its frames, host tx frames are "
			"dropped (said once for all interfaces)\n", f->realname, c->msg);
	}
	c->msg[0] = '\0';
	return err;
}

int uv_ifnet_start(struct uv_req *r, struct uv_port *p)
{
	struct ifnet *f = ifnet_of(p);
	struct ns_call wire = { .ifname = f->realname, .cfg = { .side = AFP_SIDE_WIRE } };
	struct ns_call stack = { .ifname = f->realname, .cfg = { .side = AFP_SIDE_STACK } };
	int err;

	if (f->running)
		return 0;
	if (f->role == ROLE_HOST && f->lender != NULL && f->lender->host != NULL &&
	    (afp_host_flags(f->lender->host) & AFP_HOST_DIVERT)) {
		/* vale-ctl -h on a NIC in netmap mode: its TAP is this port's */
		pthread_mutex_lock(&f->lender->lk);
		atomic_store(&f->lender->lent, 1);
		pthread_mutex_unlock(&f->lender->lk);
		f->host = f->lender->host;
		f->borrowed = 1;
		err = 0;
	} else if (f->role == ROLE_HOST) {
		wire.hflags = AFP_HOST_DIVERT;
		err = in_ns(r, f->nsfd, call_host_open, &wire);
		f->host = wire.host;
	} else {
		err = in_ns(r, f->nsfd, call_open, &wire);
	}
	if (!err && f->role == ROLE_NIC) {
		f->wire = wire.afp;
		f->cut_warned = 0;
		if (host_open(r, f, p, &stack) != 0) {
			err = in_ns(r, f->nsfd, call_open, &stack);
			if (!err)
				f->stack = stack.afp;
			else
				snprintf(wire.msg, sizeof(wire.msg), "%s", stack.msg);
		}
	}
	if (err) {
		if (wire.msg[0])
			uv_say(r, "%s", wire.msg);
		engine_close(f);
		return err;
	}
	/* 64-byte aligned cells: the switch copies whole 64-byte lines and keeps
	 * the source's misalignment in the destination (netmap's rule) */
	if (posix_memalign((void **)&f->cells, 64, (size_t)RX_BURST * CELL) != 0)
		f->cells = NULL;
	f->stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (f->cells == NULL || f->stopfd < 0) {
		uv_say(r, "%s: out of memory for the interface's pumps", p->ifname);
		engine_close(f);
		return ENOMEM;
	}
	atomic_store(&f->stop, 0);
	if (pthread_create(&f->rxt, NULL, rx_pump, f) != 0) {
		uv_say(r, "%s: cannot start the receive thread", p->ifname);
		engine_close(f);
		return ENOMEM;
	}
	if (pthread_create(&f->txt, NULL, tx_pump, f) != 0) {
		atomic_store(&f->stop, 1);
		eventfd_write(f->stopfd, 1);
		pthread_join(f->rxt, NULL);
		uv_say(r, "%s: cannot start the transmit thread", p->ifname);
		engine_close(f);
		return ENOMEM;
	}
	f->running = 1;
	return 0;
}

static void engine_stop(struct ifnet *f, struct uv_port *p)
{
	if (!f->running)
		return;
	atomic_store(&f->stop, 1);
	eventfd_write(f->stopfd, 1);
	atomic_fetch_add_explicit(&p->seq[1], 1, memory_order_release);
	uv_wake(&p->seq[1]);
	pthread_join(f->rxt, NULL);
	pthread_join(f->txt, NULL);
	f->running = 0;
	if (f->host_dropped || f->too_big)
		fprintf(stderr, "uvaled: %s: %llu host tx frames dropped, %llu frames too big "
			"for a slot\n", p->ifname, (unsigned long long)f->host_dropped,
			(unsigned long long)f->too_big);
	engine_close(f);
}

/* the port goes away (port_free) */
void uv_ifnet_forget(struct uv_port *p)
{
	struct ifnet *f = ifnet_of(p);

	if (!f->used)
		return;
	uv_ifnet_detach_host(p);
	engine_stop(f, p);
	if (f->nsfd >= 0)
		close(f->nsfd);
	f->nsfd = -1;
	f->used = 0;
}

/* ---- vale-ctl -h: the host stack as a second port of the switch ------------------ */

/*
 * netmap attaches a NIC's host rings as a port of their own, named
 * "SWITCH:IFNAME^". Here that port is a second interface port in the ROLE_HOST
 * role with its own pumps: what the stack transmits on IFNAME is diverted to
 * the TAP (afp_host_open with AFP_HOST_DIVERT: the stack is cut off from the
 * wire, as netmap cuts it off) and enters the switch from this port; what the
 * switch sends to this port is handed to the stack as received on IFNAME.
 */
int uv_ifnet_attach_host(struct uv_req *r, struct uv_port *p)
{
	struct ifnet *f = ifnet_of(p), *hf;
	struct uv_alloc *glob = &uvd.k->allocs[p->alloc];
	struct uv_bridge *b = &uvd.k->bridges[p->bdg];
	struct uv_port *h;
	int err;

	if (b->nports + 2 >= NMA_BDG_MAXPORTS) {
		uv_say(r, "VALE switch %s is full: no room for the host port of %s", b->name,
		       f->realname);
		return ENOMEM;
	}
	h = uv_port_new();
	if (h == NULL) {
		uv_say(r, "uvale port table full (%d ports)", UV_MAX_PORTS);
		return ENOMEM;
	}
	h->kind = UV_KIND_AFPACKET;
	h->ntx = h->nrx = 1;
	h->ntx_desc = h->nrx_desc = IF_SLOTS;
	h->alloc = p->alloc;
	glob->refs++;
	h->netns = p->netns;
	snprintf(h->ifname, sizeof(h->ifname), "%.*s^", (int)sizeof(h->ifname) - 2, p->ifname);
	hf = ifnet_of(h);
	hf->used = 1;
	hf->port = (uint32_t)uv_port_index(h);
	hf->gen = h->gen;
	hf->nsfd = f->nsfd >= 0 ? fcntl(f->nsfd, F_DUPFD_CLOEXEC, 0) : -1;
	hf->role = ROLE_HOST;
	hf->twin = UV_NOPORT;
	hf->lender = f;
	hf->host_warned = 0;
	hf->host_dropped = hf->too_big = 0;
	memcpy(hf->realname, f->realname, sizeof(hf->realname));
	err = uv_bdg_attach(b, h, 0);
	if (err) {
		uv_say(r, "VALE switch %s: cannot attach the host port of %s", b->name,
		       f->realname);
		uv_port_put(h);
		return err;
	}
	snprintf(h->name, sizeof(h->name), "%.*s^", (int)sizeof(h->name) - 2, p->name);
	err = uv_ifnet_start(r, h);
	if (!err) {
		err = uv_ifnet_bdg_rings(h, 1);
		if (err)
			uv_say(r, "%s: out of ring or buffer memory", h->name);
	}
	if (err) {
		uv_bdg_detach(h, 0);
		uv_port_put(h);
		return err;
	}
	f->twin = hf->port;
	f->twin_gen = h->gen;
	return 0;
}

/* the host port of p leaves the switch and goes away (nothing if none) */
void uv_ifnet_detach_host(struct uv_port *p)
{
	struct ifnet *f = ifnet_of(p);
	struct uv_port *h;

	if (f->twin == UV_NOPORT)
		return;
	h = &uvd.k->ports[f->twin];
	f->twin = UV_NOPORT;
	if (h->kind != UV_KIND_AFPACKET || h->gen != f->twin_gen)
		return;
	engine_stop(ifnet_of(h), h); /* now: its pumps may use the NIC's TAP */
	uv_ifnet_bdg_rings(h, 0);
	uv_bdg_detach(h, 0);
	uv_port_put(h);
}

/* 1 if p is the host port of an interface attached with -h */
int uv_ifnet_is_host(const struct uv_port *p)
{
	return p->kind == UV_KIND_AFPACKET && ifnet_of(p)->role == ROLE_HOST;
}

/* ---- joining and leaving a switch (vale-ctl -a/-d, the VLAN switch) ---------------- */

/*
 * p was just attached to its switch (uv_bdg_attach): its pumps start, the
 * switch gets its rx ring 0 and, with_host (NR_REG_NIC_SW), the host port
 * joins too. On failure p's rings are given back; the caller detaches p.
 */
int uv_ifnet_join(struct uv_req *r, struct uv_port *p, int with_host)
{
	int err = uv_ifnet_start(r, p);

	if (err)
		return err;
	err = uv_ifnet_bdg_rings(p, 1);
	if (err) {
		uv_say(r, "%s: out of ring or buffer memory", p->ifname);
		return err;
	}
	if (with_host) {
		err = uv_ifnet_attach_host(r, p);
		if (err)
			uv_ifnet_bdg_rings(p, 0);
	}
	return err;
}

/* the reverse, before the caller detaches p from its switch */
void uv_ifnet_leave(struct uv_port *p)
{
	uv_ifnet_detach_host(p);
	uv_ifnet_bdg_rings(p, 0);
}

/*
 * The whole of vale-ctl -a SWITCH:IFNAME for a switch known by pointer (the
 * VLAN switch attaching an interface to one of its switches): the interface
 * in the caller's namespace (r->pid), the kernel's checks and errnos.
 */
int uv_ifnet_attach(struct uv_req *r, struct uv_bridge *b, const char *ifname, uint32_t *index)
{
	struct uv_port *p;
	int err = uv_ifnet_lookup(r, ifname, 1, &p);

	if (err) {
		/* EINVAL, as netmap_get_bdg_na for an attach of an unknown name */
		uv_say(r, "%s: no such interface (no persistent VALE port nor Linux interface "
			  "of that name)", ifname);
		return EINVAL;
	}
	if (p->bdg >= 0 || p->active_fds) {
		if (p->bdg >= 0)
			uv_say(r, "%s is already attached to %s", ifname,
			       uvd.k->bridges[p->bdg].name);
		else
			uv_say(r, "%s is open by a user: close it before attaching", ifname);
		return EBUSY;
	}
	err = uv_bdg_attach(b, p, 0);
	if (err) {
		uv_say(r, "switch %s is full", b->name);
		uv_port_put(p);
		return err;
	}
	uv_strf(p->name, sizeof(p->name), "%s:%s", b->name, p->ifname);
	err = uv_ifnet_join(r, p, 0);
	if (err) {
		uv_bdg_detach(p, 0);
		uv_strf(p->name, sizeof(p->name), "%s", p->ifname);
		uv_port_put(p);
		return err;
	}
	*index = p->bdg_port;
	return 0;
}

/* the interface called ifname that is on switch b leaves it (whatever the
 * namespace of the caller: the daemon tears VLAN confs down at exit) */
int uv_ifnet_detach(struct uv_req *r, struct uv_bridge *b, const char *ifname)
{
	int32_t bi = (int32_t)(b - uvd.k->bridges);

	for (int i = 0; i < UV_MAX_PORTS; i++) {
		struct uv_port *p = &uvd.k->ports[i];

		if (p->kind != UV_KIND_AFPACKET || p->bdg != bi || uv_ifnet_is_host(p) ||
		    strcmp(p->ifname, ifname) != 0)
			continue;
		uv_ifnet_leave(p);
		uv_bdg_detach(p, 0);
		uv_strf(p->name, sizeof(p->name), "%s", p->ifname);
		uv_port_put(p);
		return 0;
	}
	uv_say(r, "%s is not attached to %s", ifname, b->name);
	return ENXIO;
}

void uv_ifnet_shutdown(void)
{
	pthread_once(&ifn_once, ifn_init);
	/* host ports first: they may use their NIC's TAP */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < UV_MAX_PORTS; i++)
			if (ifn[i].running && (pass == 1 || ifn[i].role == ROLE_HOST))
				engine_stop(&ifn[i], &uvd.k->ports[i]);
}
