/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvale monitors, as netmap's: NAME/r, NAME/t (copy monitors) and NAME/z
 * (zero-copy monitors) opened with NR_MONITOR_RX/TX and NR_ZCOPY_MON.
 *
 * A monitor is a port of kind UV_KIND_MONITOR with 1 tx ring (a monitor
 * cannot send) and max(parent tx, parent rx) rx rings; its rx ring i watches
 * the parent's rx ring i and/or tx ring i. Copy monitors have a private
 * allocator and receive copies; a zero-copy monitor shares the parent's
 * allocator and swaps buffers with the slots the parent gives back. Further
 * zero-copy monitors of the same ring form a chain: each one gets the slots
 * the previous one releases.
 *
 * Data path (run by whoever syncs the monitored kring, holding its busy mark):
 *  - txsync: new slots [hwcur, head) are copied before the sync; the slots
 *    the sync gives back [old hwtail + 1, new hwtail + 1) are swapped into
 *    the zero-copy monitor;
 *  - rxsync: released slots [hwcur, head) are swapped before the sync; the
 *    frames that arrived [mon_tail, hwtail) are copied after it, and also as
 *    soon as they arrive (the forwarder or the pipe peer calls
 *    uv_mon_rx_catchup when it can take the kring);
 *  - a zero-copy monitor's own rxsync feeds the next one of its chain.
 * Writers of a monitor ring serialise on its mlock; its owner only moves hwcur.
 *
 * Control (uvaled): uv_mon_get_na creates the monitor port, uv_mon_reg links
 * its rings with the krings they hang from stopped, uv_mon_unreg unlinks them,
 * uv_mon_port_stop kills the monitors of a port that leaves netmap mode.
 * The links are described in uvale_monitor.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "uvale_daemon.h" /* and through it uvale_monitor.h */
#include "uvale_mem.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define MON_MAXSLOTS 4096u /* netmap's NM_MONITOR_MAXSLOTS */

/* ---- data path -------------------------------------------------------------------- */

static inline uint32_t nxt(uint32_t i, uint32_t lim)
{
	return i == lim ? 0 : i + 1;
}

static inline uint64_t slot_offset(const struct uv_kring *kr, const struct nma_slot *s)
{
	uint64_t o = s->ptr & kr->offset_mask;

	return o > kr->offset_max ? kr->offset_max : o;
}

static inline char *buf_at(void *region, const struct uv_alloc *a, uint32_t idx)
{
	if (idx >= a->pool[UV_BUF_POOL].objtotal)
		idx = 0;
	return uv_buf(region, a, idx);
}

/* free slots of a monitor ring (its writers hold mlock) */
static uint32_t mon_free(const struct uv_kring *mk)
{
	uint32_t t = atomic_load_explicit(&mk->hwtail, memory_order_relaxed);
	uint32_t c = atomic_load_explicit(&mk->hwcur, memory_order_acquire);
	uint32_t busy = t >= c ? t - c : t + mk->num_slots - c;

	return mk->num_slots - 1 - busy;
}

/* netmap_monitor_parent_sync: copy n slots from first to every copy monitor */
void uv_mon_copy(void *region, struct uv_port *p, struct uv_kring *kr, uint32_t first,
		 uint32_t n, int txmon)
{
	struct uv_karea *k = region;
	const struct uv_alloc *pa = &k->allocs[p->alloc];
	struct nma_ring *ring = uv_kring_ring(region, pa, kr);
	uint32_t lim = kr->num_slots - 1, pbs = pa->pool[UV_BUF_POOL].objsize;

	if (ring == NULL || n == 0)
		return;
	for (uint32_t ref = kr->mon_copy; ref != UV_NOKREF;) {
		struct uv_kring *mk = uv_kref_kring(k, ref);
		struct uv_port *mp = &k->ports[ref >> 9];
		const struct uv_alloc *ma = &k->allocs[mp->alloc];
		struct nma_ring *mring = uv_kring_ring(region, ma, mk);
		uint32_t mbs = ma->pool[UV_BUF_POOL].objsize, m = n, beg = first, i, fr;

		ref = mk->mon_next[txmon ? UV_TX : UV_RX]; /* the list of kr's direction */
		if (mring == NULL || uv_mutex_lock(&mk->mlock) != 0)
			continue;
		fr = mon_free(mk);
		if (fr < m) {
			beg = (beg + (m - fr)) % kr->num_slots;
			m = fr;
		}
		i = atomic_load_explicit(&mk->hwtail, memory_order_relaxed);
		for (uint32_t c = 0; c < m; c++) {
			struct nma_slot *s = &ring->slot[beg], *ms = &mring->slot[i];
			uint64_t so = slot_offset(kr, s), mo = slot_offset(mk, ms);
			uint32_t len = s->len;

			if (so > pbs || len > pbs - so)
				len = so > pbs ? 0 : (uint32_t)(pbs - so); /* stay in the buffer */
			if (mo > mbs)
				mo = mbs;
			if (len > mbs - mo)
				len = (uint32_t)(mbs - mo);
			memcpy(buf_at(region, ma, ms->buf_idx) + mo,
			       buf_at(region, pa, s->buf_idx) + so, len);
			ms->len = (uint16_t)len;
			ms->flags = (uint16_t)((s->flags & ~NMA_NS_TXMON) | (txmon ? NMA_NS_TXMON : 0));
			beg = nxt(beg, lim);
			i = nxt(i, mk->num_slots - 1);
		}
		atomic_store_explicit(&mk->hwtail, i, memory_order_release);
		uv_mutex_unlock(&mk->mlock);
		if (m)
			uv_notify(mp, mk, UV_RX);
	}
}

/* netmap_zmon_parent_sync: swap the slots [beg, end) with the monitor's */
void uv_mon_zcopy(void *region, struct uv_port *p, struct uv_kring *kr, uint32_t beg,
		  uint32_t end, int txmon)
{
	struct uv_karea *k = region;
	uint32_t ref = kr->mon_zcopy, n, fr, i, lim = kr->num_slots - 1;
	struct uv_kring *mk;
	struct uv_port *mp;
	struct nma_ring *ring, *mring;

	if (ref == UV_NOKREF)
		return;
	mk = uv_kref_kring(k, ref);
	mp = &k->ports[ref >> 9];
	ring = uv_kring_ring(region, &k->allocs[p->alloc], kr);
	mring = uv_kring_ring(region, &k->allocs[mp->alloc], mk);
	if (ring == NULL || mring == NULL)
		return;
	beg %= kr->num_slots;
	end %= kr->num_slots;
	n = end >= beg ? end - beg : end + kr->num_slots - beg;
	if (n == 0 || uv_mutex_lock(&mk->mlock) != 0)
		return;
	fr = mon_free(mk);
	if (fr < n) {
		beg = (beg + (n - fr)) % kr->num_slots;
		n = fr;
	}
	i = atomic_load_explicit(&mk->hwtail, memory_order_relaxed);
	for (uint32_t c = 0; c < n; c++) {
		struct nma_slot *s = &ring->slot[beg], *ms = &mring->slot[i];
		uint32_t tmp = ms->buf_idx;
		uint16_t tl = ms->len;

		ms->buf_idx = s->buf_idx;
		s->buf_idx = tmp;
		ms->len = s->len;
		s->len = tl;
		ms->flags = (uint16_t)((s->flags & ~NMA_NS_TXMON) | (txmon ? NMA_NS_TXMON : 0));
		s->flags |= NMA_NS_BUF_CHANGED;
		beg = nxt(beg, lim);
		i = nxt(i, mk->num_slots - 1);
	}
	atomic_store_explicit(&mk->hwtail, i, memory_order_release);
	uv_mutex_unlock(&mk->mlock);
	if (n)
		uv_notify(mp, mk, UV_RX);
}

/* copy the frames that arrived on a monitored rx kring since the last time */
void uv_mon_rx_catchup(void *region, struct uv_port *p, struct uv_kring *kr)
{
	uint32_t t = atomic_load_explicit(&kr->hwtail, memory_order_acquire);
	uint32_t f = kr->mon_tail;
	uint32_t n = t >= f ? t - f : t + kr->num_slots - f;

	if (kr->mon_copy == UV_NOKREF || n == 0)
		return;
	uv_mon_copy(region, p, kr, f, n, 0);
	kr->mon_tail = t;
}

/* netmap_monitor_txsync fails (EIO) on every call, netmap_monitor_rxsync once the
 * monitored port left netmap mode; NIOC*SYNC ignore it, poll() reports POLLERR */
int uv_mon_poll_err(const struct uv_port *m, const struct uv_binding *b, int events)
{
	int err = 0;

	if ((events & (POLLOUT | POLLWRNORM)) && b->qfirst[UV_TX] < b->qlast[UV_TX])
		err = POLLERR;
	if ((events & (POLLIN | POLLRDNORM)) && b->qfirst[UV_RX] < b->qlast[UV_RX] &&
	    __atomic_load_n(&m->parent, __ATOMIC_ACQUIRE) == UV_NOPORT)
		err = POLLERR;
	return err;
}

/* ---- control (uvaled) ------------------------------------------------------------------ */

/* nm_kr_stop: take a kring's busy mark, waiting (bounded) for a running sync */
static int kr_stop(struct uv_kring *kr)
{
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (!uv_kr_tryget(kr)) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > 2)
			return -1;
		sched_yield();
	}
	return 0;
}

static void kr_start(struct uv_kring *kr, int stopped)
{
	if (stopped)
		uv_kr_put(kr);
}

static struct uv_port *mon_parent(const struct uv_port *m)
{
	struct uv_port *pp;

	if (m->parent == UV_NOPORT)
		return NULL;
	pp = &uvd.k->ports[m->parent];
	return pp->kind != UV_KIND_FREE && pp->gen == m->parent_gen ? pp : NULL;
}

static uint32_t kref_of(const struct uv_port *p, int t, uint32_t i)
{
	return uv_kref((uint32_t)uv_port_index(p), t, i);
}

/* unlink monitor kring mref from the copy list of kring pk (direction t) */
static void copy_list_del(struct uv_kring *pk, uint32_t mref, int t)
{
	uint32_t *link = &pk->mon_copy;

	while (*link != UV_NOKREF) {
		struct uv_kring *mk = uv_kref_kring(uvd.k, *link);

		if (*link == mref) {
			*link = mk->mon_next[t];
			mk->mon_next[t] = UV_NOKREF;
			return;
		}
		link = &mk->mon_next[t];
	}
}

/* netmap_monitor_del for monitor ring i of m, direction t */
static void mon_del(struct uv_port *m, uint32_t i, int t)
{
	uint32_t mref = kref_of(m, UV_RX, i), pref = m->kr[UV_RX][i].mon_parent[t];
	struct uv_kring *mk = &m->kr[UV_RX][i], *pk;
	int stopped;

	if (pref == UV_NOKREF)
		return;
	mk->mon_parent[t] = UV_NOKREF;
	if (mon_parent(m) == NULL)
		return; /* the parent left netmap mode: its krings were unlinked */
	pk = uv_kref_kring(uvd.k, pref);
	stopped = kr_stop(pk) == 0;
	if (m->mon_flags & NMA_ZCOPY_MON) {
		int me = kr_stop(mk) == 0; /* mk feeds the rest of the chain */
		uint32_t next = mk->mon_zcopy;

		if (pk->mon_zcopy == mref)
			pk->mon_zcopy = next;
		if (next != UV_NOKREF && uv_kref_kring(uvd.k, next)->mon_parent[t] == mref)
			uv_kref_kring(uvd.k, next)->mon_parent[t] = pref;
		kr_start(mk, me);
	} else {
		copy_list_del(pk, mref, t);
	}
	kr_start(pk, stopped);
}

/* append the zero-copy monitor kring mk (mref) to the chain that starts at pk */
static int zmon_add(struct uv_kring *pk, uint32_t pref, struct uv_kring *mk, uint32_t mref, int t)
{
	struct uv_kring *tail = pk;
	uint32_t tref = pref;
	int stopped;

	while (tail->mon_zcopy != UV_NOKREF && tail->mon_zcopy != mref) {
		tref = tail->mon_zcopy;
		tail = uv_kref_kring(uvd.k, tref);
	}
	mk->mon_parent[t] = tref;
	if (tail->mon_zcopy == mref)
		return 0; /* already there: the chain past its head serves both directions */
	stopped = kr_stop(tail) == 0;
	if (!stopped)
		return EBUSY;
	tail->mon_zcopy = mref;
	kr_start(tail, stopped);
	return 0;
}

/* netmap_monitor_reg_common(onoff = 1) for the rings c just bound */
int uv_mon_reg(struct uv_req *r, struct uv_conn *c, struct uv_port *m)
{
	struct uv_port *pp = mon_parent(m);

	if (pp == NULL) {
		uv_say(r, "%s: the monitored port left netmap mode", m->name);
		return ENXIO;
	}
	for (uint32_t i = c->qfirst[UV_RX]; i < c->qlast[UV_RX]; i++) {
		uint32_t mref = kref_of(m, UV_RX, i);
		struct uv_kring *mk = &m->kr[UV_RX][i];

		if (mk->users != 1)
			continue;
		for (int t = UV_RX; t >= UV_TX; t--) {
			uint32_t pn = t == UV_TX ? pp->ntx : pp->nrx;
			uint32_t pref = kref_of(pp, t, i);
			struct uv_kring *pk = &pp->kr[t][i];

			/* i == pn is the host ring, as netmap's "i > nrings" test */
			if (i > pn || !(m->mon_flags & (t == UV_TX ? NMA_MONITOR_TX : NMA_MONITOR_RX)))
				continue;
			if (m->mon_flags & NMA_ZCOPY_MON) {
				if (zmon_add(pk, pref, mk, mref, t) == 0)
					continue;
				mk->mon_parent[t] = UV_NOKREF;
			} else if (kr_stop(pk) == 0) {
				if (pk->mon_copy == UV_NOKREF)
					pk->mon_tail = atomic_load(&pk->hwtail);
				mk->mon_next[t] = pk->mon_copy;
				pk->mon_copy = mref;
				mk->mon_parent[t] = pref;
				uv_kr_put(pk);
				continue;
			}
			uv_say(r, "%s: ring %u stays busy (a sync that does not end)", pp->name, i);
			return EBUSY;
		}
	}
	return 0;
}

/* netmap_monitor_reg_common(onoff = 0) for the rings c is releasing */
void uv_mon_unreg(struct uv_conn *c, struct uv_port *m)
{
	for (uint32_t i = c->qfirst[UV_RX]; i < c->qlast[UV_RX]; i++) {
		struct uv_kring *mk = &m->kr[UV_RX][i];

		if (mk->users != 0)
			continue;
		mon_del(m, i, UV_RX);
		mon_del(m, i, UV_TX);
		mk->mon_zcopy = UV_NOKREF;
	}
}

/* forget every link of a monitor kring */
static void mon_kring_clear(struct uv_kring *mk)
{
	mk->mon_next[UV_TX] = mk->mon_next[UV_RX] = UV_NOKREF;
	mk->mon_parent[UV_TX] = mk->mon_parent[UV_RX] = UV_NOKREF;
	mk->mon_zcopy = UV_NOKREF;
}

/* unlink the monitors of kring pk (direction t): copy list and whole chain */
void uv_mon_parent_gone(struct uv_kring *pk, int t)
{
	uint32_t ref = pk->mon_zcopy;

	while (ref != UV_NOKREF) {
		struct uv_kring *mk = uv_kref_kring(uvd.k, ref);

		ref = mk->mon_zcopy;
		mon_kring_clear(mk);
	}
	pk->mon_zcopy = UV_NOKREF;
	while (pk->mon_copy != UV_NOKREF) {
		struct uv_kring *mk = uv_kref_kring(uvd.k, pk->mon_copy);

		pk->mon_copy = mk->mon_next[t];
		mk->mon_next[t] = UV_NOKREF;
		mk->mon_parent[t] = UV_NOKREF;
	}
}

/* netmap_monitor_stop: p left netmap mode; its krings are idle (no registration) */
void uv_mon_port_stop(struct uv_port *p)
{
	uint32_t pi = (uint32_t)uv_port_index(p);

	if (p->kind == UV_KIND_MONITOR)
		return;
	for (int t = UV_TX; t <= UV_RX; t++)
		for (uint32_t i = 0; i < UV_KRINGS; i++)
			uv_mon_parent_gone(&p->kr[t][i], t);
	for (uint32_t j = 0; j < UV_MAX_PORTS; j++) {
		struct uv_port *m = &uvd.k->ports[j];

		if (m->kind != UV_KIND_MONITOR || m->parent != pi || m->parent_gen != p->gen)
			continue;
		__atomic_store_n(&m->parent, UV_NOPORT, __ATOMIC_RELEASE);
		if (p->refs)
			p->refs--;
	}
}

/* netmap_get_monitor_na */
int uv_mon_get_na(struct uv_req *r, struct nma_req_register *reg, struct uv_alloc *nmd,
		  const char *name, int create, struct uv_port **out, uv_get_na_fn get_parent)
{
	struct nma_req_register preq = *reg;
	struct uv_port *pp, *m;
	struct uv_params prm[UV_POOLS];
	uint32_t zcopy = (uint32_t)(reg->nr_flags & NMA_ZCOPY_MON), ai;
	int err;

	if (zcopy)
		reg->nr_flags |= NMA_MONITOR_TX | NMA_MONITOR_RX;
	preq.nr_flags &= ~(NMA_MONITOR_TX | NMA_MONITOR_RX | NMA_ZCOPY_MON);
	err = get_parent(r, &preq, nmd, name, create, &pp);
	if (err)
		return err;
	if (pp->active_fds == 0 || pp->kind == UV_KIND_MONITOR) {
		uv_say(r, "%s is not in netmap mode: register the port before opening a "
			  "monitor of it", pp->name);
		uv_port_put(pp);
		return EINVAL;
	}
	if (reg->nr_mode == NMA_REG_ONE_NIC && reg->nr_ringid >= pp->ntx &&
	    reg->nr_ringid >= pp->nrx) {
		uv_say(r, "%s: invalid ring id %u (%u tx, %u rx rings)", pp->name, reg->nr_ringid,
		       pp->ntx, pp->nrx);
		uv_port_put(pp);
		return EINVAL;
	}
	m = uv_port_new();
	if (m == NULL) {
		uv_say(r, "uvale port table full (%d ports)", UV_MAX_PORTS);
		uv_port_put(pp);
		return ENOMEM;
	}
	m->kind = UV_KIND_MONITOR;
	uv_strf(m->name, sizeof(m->name), "%s/%s%s%s#%u", pp->name, zcopy ? "z" : "",
		(reg->nr_flags & NMA_MONITOR_RX) ? "r" : "", (reg->nr_flags & NMA_MONITOR_TX) ? "t" : "",
		pp->mon_id++);
	m->ntx = 1;
	m->nrx = pp->nrx > pp->ntx ? pp->nrx : pp->ntx;
	/* nm_bound_var(requested, parent's, 1, NM_MONITOR_MAXSLOTS) */
	m->ntx_desc = reg->nr_tx_slots ? reg->nr_tx_slots : pp->ntx_desc;
	m->nrx_desc = reg->nr_rx_slots ? reg->nr_rx_slots : pp->nrx_desc;
	if (m->ntx_desc > MON_MAXSLOTS)
		m->ntx_desc = MON_MAXSLOTS;
	if (m->nrx_desc > MON_MAXSLOTS)
		m->nrx_desc = MON_MAXSLOTS;
	if (zcopy) {
		ai = pp->alloc; /* zero copy needs the parent's buffers */
	} else {
		uv_params_private(prm, m->ntx, m->ntx_desc, m->nrx, m->nrx_desc, 0, 0);
		err = uv_alloc_new(uvd.k, prm, &ai);
		if (err) {
			m->kind = UV_KIND_FREE;
			uv_say(r, "cannot size the memory of monitor %s", m->name);
			uv_port_put(pp);
			return err;
		}
	}
	uvd.k->allocs[ai].refs++;
	m->alloc = ai;
	m->mon_flags = (uint32_t)(reg->nr_flags & (NMA_MONITOR_TX | NMA_MONITOR_RX | NMA_ZCOPY_MON));
	m->parent = (uint32_t)uv_port_index(pp);
	m->parent_gen = pp->gen;
	pp->refs++;
	*out = m;
	return 0;
}
