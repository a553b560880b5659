/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvale allocators: netmap-compatible memory layout inside the shared region.
 *
 * An allocator is sized exactly as netmap sizes a private allocator (pool
 * object sizes rounded to 64 bytes, clusters made of whole pages, object
 * counts rounded up to whole clusters), so that nr_memsize, nr_offset,
 * ring_ofs[] and buffer indices match the kernel's. Objects are taken from
 * per-pool bitmaps lowest index first, as netmap does. Buffers 0 and 1 are
 * reserved. Only uvaled calls these functions.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "uvale_mem.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#define MAX_CLUSTSIZE (1u << 22)
#define LINE_ROUND    64u

static const struct uv_pool_limits {
	uint32_t minsize, maxsize, nummin, nummax;
} limits[UV_POOLS] = {
	[UV_IF_POOL] = { sizeof(struct nma_if), 4096, 1, 100 },
	[UV_RING_POOL] = { sizeof(struct nma_ring), 32 * UV_PAGE, 2, 1024 },
	[UV_BUF_POOL] = { 64, 65536, 4, 1000000 },
};

void uv_params_private(struct uv_params p[UV_POOLS], uint32_t txr, uint32_t txd,
		       uint32_t rxr, uint32_t rxd, uint32_t extra, uint32_t npipes)
{
	uint32_t v, maxd;

	txr++; /* the fake host rings */
	rxr++;
	p[UV_IF_POOL] = (struct uv_params){ .size = 1024, .num = 2 };
	p[UV_RING_POOL] = (struct uv_params){ .size = 5 * UV_PAGE, .num = 4 };
	p[UV_BUF_POOL] = (struct uv_params){ .size = UV_BUF_SIZE, .num = 4098 };

	v = sizeof(struct nma_if) + sizeof(int64_t) * (txr + rxr);
	if (p[UV_IF_POOL].size < v)
		p[UV_IF_POOL].size = v;
	v = 2 + 4 * npipes;
	if (p[UV_IF_POOL].num < v)
		p[UV_IF_POOL].num = v;
	maxd = txd > rxd ? txd : rxd;
	v = sizeof(struct nma_ring) + sizeof(struct nma_slot) * maxd;
	if (p[UV_RING_POOL].size < v)
		p[UV_RING_POOL].size = v;
	v = txr + rxr + 8 * npipes;
	if (p[UV_RING_POOL].num < v)
		p[UV_RING_POOL].num = v;
	v = (4 * npipes + rxr) * rxd + (4 * npipes + txr) * txd + 2 + extra;
	if (p[UV_BUF_POOL].num < v)
		p[UV_BUF_POOL].num = v;
}

void uv_params_global(struct uv_params p[UV_POOLS])
{
	p[UV_IF_POOL] = (struct uv_params){ .size = 1024, .num = 100 };
	p[UV_RING_POOL] = (struct uv_params){ .size = 9 * UV_PAGE, .num = 200 };
	p[UV_BUF_POOL] = (struct uv_params){ .size = UV_BUF_SIZE, .num = 20 * 4096 * 2 };
}

/* netmap_config_obj_allocator's arithmetic */
static int pool_config(struct uv_pool *p, int which, uint32_t objtotal, uint32_t objsize)
{
	uint32_t i, clustentries = 0;

	if (objsize >= MAX_CLUSTSIZE)
		return EINVAL;
	if (objsize & (LINE_ROUND - 1))
		objsize += LINE_ROUND - (objsize & (LINE_ROUND - 1));
	if (objsize < limits[which].minsize || objsize > limits[which].maxsize)
		return EINVAL;
	if (objtotal < limits[which].nummin || objtotal > limits[which].nummax)
		return EINVAL;
	for (i = 1;; i++) {
		uint32_t used = i * objsize;

		if (used > MAX_CLUSTSIZE)
			break;
		if (used % UV_PAGE == 0) {
			clustentries = i;
			break;
		}
	}
	if (clustentries == 0)
		return EINVAL;
	p->clustentries = clustentries;
	p->numclusters = (objtotal + clustentries - 1) / clustentries;
	p->objsize = objsize;
	p->objtotal = p->numclusters * clustentries;
	p->memtotal = (uint64_t)p->numclusters * clustentries * objsize;
	return 0;
}

static uint32_t *pool_bitmap(void *region, const struct uv_alloc *a, int which)
{
	return uv_at(region, a->base + a->pool[which].bitmap_ofs);
}

static void bitmaps_init(void *region, struct uv_alloc *a)
{
	for (int i = 0; i < UV_POOLS; i++) {
		struct uv_pool *p = &a->pool[i];
		uint32_t *bm = pool_bitmap(region, a, i);
		uint32_t words = (p->objtotal + 31) / 32;

		memset(bm, 0, words * sizeof(uint32_t));
		for (uint32_t j = 0; j < p->objtotal; j++)
			bm[j >> 5] |= 1u << (j & 31);
		p->objfree = p->objtotal;
	}
	/* buffers 0 and 1 are reserved */
	pool_bitmap(region, a, UV_BUF_POOL)[0] &= ~3u;
	a->pool[UV_BUF_POOL].objfree -= 2;
}

/* ---- region extents ------------------------------------------------------ */

static int extent_take(struct uv_karea *k, uint64_t len, uint64_t *start)
{
	len = (len + (2u << 20) - 1) & ~((2ull << 20) - 1);
	for (int i = 0; i < UV_MAX_EXTENTS; i++) {
		struct uv_extent *e = &k->free_ext[i];

		if (e->len >= len) {
			*start = e->start;
			e->start += len;
			e->len -= len;
			return 0;
		}
	}
	if (k->heap_top + len > k->region_size)
		return ENOMEM;
	*start = k->heap_top;
	k->heap_top += len;
	return 0;
}

static void extent_give(struct uv_karea *k, uint64_t start, uint64_t len)
{
	len = (len + (2u << 20) - 1) & ~((2ull << 20) - 1);
	for (int i = 0; i < UV_MAX_EXTENTS; i++) {
		struct uv_extent *e = &k->free_ext[i];

		if (e->len && e->start + e->len == start) {
			e->len += len;
			return;
		}
		if (e->len && start + len == e->start) {
			e->start = start;
			e->len += len;
			return;
		}
	}
	for (int i = 0; i < UV_MAX_EXTENTS; i++) {
		if (k->free_ext[i].len == 0) {
			k->free_ext[i] = (struct uv_extent){ start, len };
			return;
		}
	}
	/* table full: the range is lost until the daemon restarts */
}

/* ---- allocators ---------------------------------------------------------- */

static uint16_t memid_next(struct uv_karea *k)
{
	for (uint32_t tries = 0; tries < 65536; tries++) {
		uint16_t id = (uint16_t)(k->last_mem_id + 1);
		int used = 0;

		if (id == 0)
			id = 1;
		k->last_mem_id = id;
		for (int i = 0; i < UV_MAX_ALLOCS; i++)
			if (k->allocs[i].mem_id == id)
				used = 1;
		if (!used)
			return id;
	}
	return 0;
}

int uv_alloc_new(struct uv_karea *k, const struct uv_params p[UV_POOLS], uint32_t *idx)
{
	struct uv_alloc *a = NULL;
	uint64_t ofs = 0, tail = 0;
	int err;

	for (uint32_t i = 0; i < UV_MAX_ALLOCS; i++) {
		if (k->allocs[i].mem_id == 0) {
			a = &k->allocs[i];
			*idx = i;
			break;
		}
	}
	if (a == NULL)
		return ENOMEM;
	memset(a, 0, sizeof(*a));
	for (int i = 0; i < UV_POOLS; i++) {
		err = pool_config(&a->pool[i], i, p[i].num, p[i].size);
		if (err)
			return err;
		a->pool[i].offset = ofs;
		ofs += a->pool[i].memtotal;
	}
	a->memsize = (ofs + UV_PAGE - 1) & ~(uint64_t)(UV_PAGE - 1);
	tail = a->memsize;
	for (int i = 0; i < UV_POOLS; i++) {
		a->pool[i].bitmap_ofs = tail;
		tail += ((a->pool[i].objtotal + 31) / 32) * sizeof(uint32_t);
	}
	a->span = (tail + UV_PAGE - 1) & ~(uint64_t)(UV_PAGE - 1);
	a->mem_id = memid_next(k);
	if (a->mem_id == 0)
		return ENOMEM;
	return 0;
}

int uv_alloc_finalize(struct uv_karea *k, void *region, struct uv_alloc *a)
{
	int err;

	if (a->base)
		return 0;
	err = extent_take(k, a->span, &a->base);
	if (err)
		return err;
	bitmaps_init(region, a);
	return 0;
}

void uv_alloc_put(struct uv_karea *k, int memfd, struct uv_alloc *a)
{
	if (a->refs > 0 && --a->refs > 0)
		return;
	if (a->mem_id == 1) /* the global allocator stays */
		return;
	if (a->base) {
		/* give the pages back and make the range read as zeroes */
		fallocate(memfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			  (off_t)a->base, (off_t)a->span);
		extent_give(k, a->base, a->span);
	}
	memset(a, 0, sizeof(*a));
}

void uv_alloc_active(void *region, struct uv_alloc *a, int delta)
{
	if (delta < 0 && a->active == 1 && a->base) {
		/* like netmap: an allocator falling out of use is reset so that
		 * leaked objects are reclaimed */
		bitmaps_init(region, a);
	}
	a->active += delta;
}

struct uv_alloc *uv_alloc_find(struct uv_karea *k, uint16_t mem_id)
{
	if (mem_id == 0)
		return NULL;
	for (int i = 0; i < UV_MAX_ALLOCS; i++)
		if (k->allocs[i].mem_id == mem_id)
			return &k->allocs[i];
	return NULL;
}

/* netmap_obj_malloc: lowest free index at or after word *pos */
uint32_t uv_obj_malloc(void *region, struct uv_alloc *a, int which, uint32_t *pos)
{
	struct uv_pool *p = &a->pool[which];
	uint32_t *bm = pool_bitmap(region, a, which);
	uint32_t words = (p->objtotal + 31) / 32;
	uint32_t i = pos ? *pos : 0;

	if (p->objfree == 0)
		return UINT32_MAX;
	for (; i < words; i++) {
		uint32_t cur = bm[i];

		if (cur == 0)
			continue;
		uint32_t j = (uint32_t)__builtin_ctz(cur);

		bm[i] &= ~(1u << j);
		p->objfree--;
		if (pos)
			*pos = i;
		return i * 32 + j;
	}
	return UINT32_MAX;
}

int uv_obj_free(void *region, struct uv_alloc *a, int which, uint32_t j)
{
	struct uv_pool *p = &a->pool[which];
	uint32_t *bm = pool_bitmap(region, a, which);

	if (j >= p->objtotal || (bm[j / 32] & (1u << (j % 32))))
		return -1;
	bm[j / 32] |= 1u << (j % 32);
	p->objfree++;
	return 0;
}

uint64_t uv_obj_offset(const struct uv_alloc *a, int which, uint32_t j)
{
	return a->pool[which].offset + (uint64_t)j * a->pool[which].objsize;
}

static uint32_t obj_index(const struct uv_alloc *a, int which, uint64_t ofs)
{
	return (uint32_t)((ofs - a->pool[which].offset) / a->pool[which].objsize);
}

/* ---- rings, nifps, extra buffers --------------------------------------- */

int uv_ring_create(void *region, struct uv_alloc *a, struct uv_kring *kr, int dir)
{
	uint32_t n = kr->num_slots, pos = 0;
	uint64_t len = sizeof(struct nma_ring) + (uint64_t)n * sizeof(struct nma_slot);
	uint32_t obj;
	struct nma_ring *ring;

	if (len > a->pool[UV_RING_POOL].objsize)
		return ENOMEM;
	obj = uv_obj_malloc(region, a, UV_RING_POOL, NULL);
	if (obj == UINT32_MAX)
		return ENOMEM;
	kr->ring_ofs = uv_obj_offset(a, UV_RING_POOL, obj);
	ring = uv_at(region, a->base + kr->ring_ofs);
	memset(ring, 0, len);
	ring->num_slots = n;
	ring->buf_ofs = (int64_t)a->pool[UV_BUF_POOL].offset - (int64_t)kr->ring_ofs;
	ring->head = kr->rhead;
	ring->cur = kr->rcur;
	ring->tail = kr->rtail;
	ring->nr_buf_size = a->pool[UV_BUF_POOL].objsize;
	ring->ringid = (uint16_t)kr->ring_id;
	ring->dir = (uint16_t)(dir == UV_TX ? 0 : 1);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t idx = 0;

		if (!(kr->flags & UV_KR_FAKERING)) {
			idx = uv_obj_malloc(region, a, UV_BUF_POOL, &pos);
			if (idx == UINT32_MAX) {
				while (i-- > 0)
					uv_obj_free(region, a, UV_BUF_POOL, ring->slot[i].buf_idx);
				uv_obj_free(region, a, UV_RING_POOL, obj);
				kr->ring_ofs = 0;
				return ENOMEM;
			}
		}
		ring->slot[i].buf_idx = idx;
		ring->slot[i].len = (uint16_t)a->pool[UV_BUF_POOL].objsize;
	}
	ring->offset_mask = kr->offset_mask;
	return 0;
}

void uv_ring_delete(void *region, struct uv_alloc *a, struct uv_kring *kr)
{
	struct nma_ring *ring;

	if (kr->ring_ofs == 0)
		return;
	ring = uv_at(region, a->base + kr->ring_ofs);
	if (!(kr->flags & UV_KR_FAKERING)) {
		for (uint32_t i = 0; i < kr->num_slots; i++)
			if (ring->slot[i].buf_idx > 1)
				uv_obj_free(region, a, UV_BUF_POOL, ring->slot[i].buf_idx);
	}
	uv_obj_free(region, a, UV_RING_POOL, obj_index(a, UV_RING_POOL, kr->ring_ofs));
	kr->ring_ofs = 0;
}

int uv_nifp_new(void *region, struct uv_alloc *a, const struct uv_port *p,
		const uint16_t qfirst[2], const uint16_t qlast[2], uint64_t *ofs)
{
	uint32_t ntx = p->ntx + 1, nrx = p->nrx + 1; /* (fake) host rings included */
	uint64_t len = sizeof(struct nma_if) + (uint64_t)(ntx + nrx) * sizeof(int64_t);
	uint32_t obj;
	struct nma_if *nifp;

	if (len > a->pool[UV_IF_POOL].objsize)
		return ENOMEM;
	obj = uv_obj_malloc(region, a, UV_IF_POOL, NULL);
	if (obj == UINT32_MAX)
		return ENOMEM;
	*ofs = uv_obj_offset(a, UV_IF_POOL, obj);
	nifp = uv_at(region, a->base + *ofs);
	memset(nifp, 0, len);
	nifp->ni_tx_rings = p->ntx;
	nifp->ni_rx_rings = p->nrx;
	nifp->ni_host_tx_rings = p->nhost_tx ? p->nhost_tx : 1;
	nifp->ni_host_rx_rings = p->nhost_rx ? p->nhost_rx : 1;
	nifp->ni_flags = a->mem_id == 1 ? 0 : NMA_NI_PRIV_MEM; /* 1: the global allocator */
	memcpy(nifp->ni_name, p->name, UV_IFNAMSIZ - 1);
	for (uint32_t i = 0; i < ntx; i++) {
		const struct uv_kring *kr = &p->kr[UV_TX][i];

		if (kr->ring_ofs && i >= qfirst[UV_TX] && i < qlast[UV_TX])
			nifp->ring_ofs[i] = (int64_t)kr->ring_ofs - (int64_t)*ofs;
	}
	for (uint32_t i = 0; i < nrx; i++) {
		const struct uv_kring *kr = &p->kr[UV_RX][i];

		if (kr->ring_ofs && i >= qfirst[UV_RX] && i < qlast[UV_RX])
			nifp->ring_ofs[ntx + i] = (int64_t)kr->ring_ofs - (int64_t)*ofs;
	}
	return 0;
}

void uv_nifp_delete(void *region, struct uv_alloc *a, uint64_t ofs)
{
	struct nma_if *nifp = uv_at(region, a->base + ofs);

	if (nifp->ni_bufs_head)
		uv_extra_free(region, a, nifp->ni_bufs_head);
	uv_obj_free(region, a, UV_IF_POOL, obj_index(a, UV_IF_POOL, ofs));
}

uint32_t uv_extra_alloc(void *region, struct uv_alloc *a, uint32_t *head, uint32_t n)
{
	uint32_t i, pos = 0;

	*head = 0;
	for (i = 0; i < n; i++) {
		uint32_t idx = uv_obj_malloc(region, a, UV_BUF_POOL, &pos);

		if (idx == UINT32_MAX)
			break;
		*(uint32_t *)uv_buf(region, a, idx) = *head;
		*head = idx;
	}
	return i;
}

void uv_extra_free(void *region, struct uv_alloc *a, uint32_t head)
{
	uint32_t guard = 0;

	while (head >= 2 && head < a->pool[UV_BUF_POOL].objtotal &&
	       guard++ < a->pool[UV_BUF_POOL].objtotal) {
		uint32_t *b = (uint32_t *)uv_buf(region, a, head);
		uint32_t cur = head;

		head = *b;
		*b = 0;
		if (uv_obj_free(region, a, UV_BUF_POOL, cur))
			break;
	}
}
