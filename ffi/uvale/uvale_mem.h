/* SPDX-License-Identifier: BSD-2-Clause */
/* uvale allocators (daemon side): see uvale_mem.c. */
#ifndef NMSCRIPT_UVALE_MEM_H
#define NMSCRIPT_UVALE_MEM_H

#include "uvale.h"

struct uv_params {
	uint32_t size, num;
};

void uv_params_private(struct uv_params p[UV_POOLS], uint32_t txr, uint32_t txd,
		       uint32_t rxr, uint32_t rxd, uint32_t extra, uint32_t npipes);
void uv_params_global(struct uv_params p[UV_POOLS]);

/* a new allocator descriptor (refs 0, no range yet); errno */
int uv_alloc_new(struct uv_karea *k, const struct uv_params p[UV_POOLS], uint32_t *idx);
/* give it a range of the region (first registration); errno */
int uv_alloc_finalize(struct uv_karea *k, void *region, struct uv_alloc *a);
/* drop a port reference; the last one frees the range */
void uv_alloc_put(struct uv_karea *k, int memfd, struct uv_alloc *a);
void uv_alloc_active(void *region, struct uv_alloc *a, int delta);
struct uv_alloc *uv_alloc_find(struct uv_karea *k, uint16_t mem_id);

uint32_t uv_obj_malloc(void *region, struct uv_alloc *a, int which, uint32_t *pos);
int uv_obj_free(void *region, struct uv_alloc *a, int which, uint32_t j);
uint64_t uv_obj_offset(const struct uv_alloc *a, int which, uint32_t j);

int uv_ring_create(void *region, struct uv_alloc *a, struct uv_kring *kr, int dir);
void uv_ring_delete(void *region, struct uv_alloc *a, struct uv_kring *kr);
int uv_nifp_new(void *region, struct uv_alloc *a, const struct uv_port *p,
		const uint16_t qfirst[2], const uint16_t qlast[2], uint64_t *ofs);
void uv_nifp_delete(void *region, struct uv_alloc *a, uint64_t ofs);
uint32_t uv_extra_alloc(void *region, struct uv_alloc *a, uint32_t *head, uint32_t n);
void uv_extra_free(void *region, struct uv_alloc *a, uint32_t head);

#endif /* NMSCRIPT_UVALE_MEM_H */
