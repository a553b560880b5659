/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libnmsbench.so: the C twin of bench/tx_batch_bench.ts. One call does one TX
 * batch exactly as the TypeScript does it: set the length of n slots from
 * cur, publish head and cur once, and sync once through libnmscript.
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
