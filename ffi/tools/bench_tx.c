/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libnmsbench.so: the C twin of bench/tx_batch_bench.ts and bench/slot_loops_bench.ts.
 * nms_bench_tx_batch does one TX batch exactly as the TypeScript does it: set
 * the length of n slots from cur, publish head and cur once, and sync once
 * through libnmscript. nms_bench_count and nms_bench_fill are the per-slot
 * loops of netmap's C pkt-gen (receive_packets, send_packets without copy),
 * on n slots from head, nothing published.
 *
 *   cc -std=c11 -O2 -fPIC -shared -Iffi/include -o build/libnmsbench.so \
 *      ffi/tools/bench_tx.c -Lbuild -lnmscript -Wl,-rpath,'$ORIGIN'
 */
#include <stdint.h>

#include "nmscript.h"

/* Returns the number of slots sent (fewer than n when the ring is short of
 * room), or -errno from the sync. */
int nms_bench_tx_batch(int fd, void *ring_addr, unsigned int n, unsigned int len)
{
	struct nma_ring *ring = ring_addr;
	uint32_t nslots = ring->num_slots;
	uint32_t cur = __atomic_load_n(&ring->cur, __ATOMIC_ACQUIRE);
	uint32_t tail = __atomic_load_n(&ring->tail, __ATOMIC_ACQUIRE);
	uint32_t room = tail >= cur ? tail - cur : tail + nslots - cur;
	unsigned int k;
	int ret;

	if (n > room)
		n = room;
	for (k = 0; k < n; k++) {
		ring->slot[cur].len = (uint16_t)len;
		cur = cur + 1 == nslots ? 0 : cur + 1;
	}
	__atomic_store_n(&ring->head, cur, __ATOMIC_RELEASE);
	__atomic_store_n(&ring->cur, cur, __ATOMIC_RELEASE);
	ret = nms_txsync(fd);
	return ret < 0 ? ret : (int)n;
}

/* Counts n slots from head as pkt-gen's receive_packets(): bytes into *bytes,
 * returns the complete packets (slots without NS_MOREFRAG). */
unsigned int nms_bench_count(void *ring_addr, unsigned int n, uint64_t *bytes)
{
	struct nma_ring *ring = ring_addr;
	uint32_t i = ring->head;
	uint32_t lim = ring->num_slots;
	unsigned int k, complete = 0;
	uint64_t b = 0;

	for (k = 0; k < n; k++) {
		struct nma_slot *slot = &ring->slot[i];

		b += slot->len;
		if (!(slot->flags & NMA_NS_MOREFRAG))
			complete++;
		i = i + 1 == lim ? 0 : i + 1;
	}
	*bytes += b;
	return complete;
}

/* Prepares n slots from head as pkt-gen's send_packets() without copying:
 * flags cleared, length set. Returns the slots whose buffer was new
 * (NS_BUF_CHANGED), which pkt-gen would copy the frame into. */
unsigned int nms_bench_fill(void *ring_addr, unsigned int n, unsigned int len)
{
	struct nma_ring *ring = ring_addr;
	uint32_t i = ring->head;
	uint32_t lim = ring->num_slots;
	unsigned int k, changed = 0;

	for (k = 0; k < n; k++) {
		struct nma_slot *slot = &ring->slot[i];

		changed += slot->flags & NMA_NS_BUF_CHANGED;
		slot->flags = 0;
		slot->len = (uint16_t)len;
		i = i + 1 == lim ? 0 : i + 1;
	}
	return changed;
}

/* Calls nms_poll(fd, events, 0) n times: the C side of an FFI per-call cost
 * measurement (the same n calls made from TypeScript, minus this). Returns the
 * last poll's result. */
int nms_bench_poll_loop(int fd, int events, unsigned int n)
{
	unsigned int k;
	int r = 0;

	for (k = 0; k < n; k++)
		r = nms_poll(fd, events, 0);
	return r;
}
