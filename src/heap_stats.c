#include "config.h"

#include "heap_stats.h"

#include <string.h>

/*
 * Mirrors _PyObject_DebugMallocStats: every arena counted; nfreepools summed
 * as "unused pools"; a pool below pool_address with count > 0 adds to its
 * class (virgin blocks count as available).  INVALID pools are left out of
 * the class table (their header cannot be trusted) and counted apart.
 */
void
heap_stats_compute(const struct heap *h, struct heap_stats *st)
{
	const struct heap_layout *l = &h->layout;
	size_t i;
	uint32_t p, c;

	memset(st, 0, sizeof *st);
	st->nclasses = l->nclasses < HEAP_STATS_MAX_CLASSES ?
	    l->nclasses : HEAP_STATS_MAX_CLASSES;
	for (i = 0; i < h->narenas; i++) {
		const struct heap_arena *a = &h->arenas[i];

		st->narenas++;
		st->unused_pools += a->nfreepools;
		if (a->address != a->first_pool)
			st->alignment_bytes += l->pool_size;
		for (p = 0; p < a->npools; p++) {
			const struct heap_pool *pool = &a->pools[p];

			if (pool->state < POOL_NSTATES)
				st->state_pools[pool->state]++;
			if (pool->state == POOL_INVALID) {
				st->invalid_pools++;
				continue;
			}
			if (pool->state != POOL_FULL && pool->state != POOL_USED)
				continue;
			if (pool->szidx >= st->nclasses || pool->count == 0)
				continue;
			st->pools[pool->szidx]++;
			st->in_use[pool->szidx] += pool->count;
			st->avail[pool->szidx] +=
			    heap_blocks_per_pool(l, pool->szidx) - pool->count;
		}
	}
	for (c = 0; c < st->nclasses; c++) {
		uint64_t size = heap_block_size(l, c);

		st->allocated_bytes += st->in_use[c] * size;
		st->available_bytes += st->avail[c] * size;
		st->pool_header_bytes += st->pools[c] * l->pool_overhead;
		st->quantization_bytes += st->pools[c] *
		    ((l->pool_size - l->pool_overhead) % size);
	}
	st->arena_bytes = st->narenas * l->arena_size;
	st->total_bytes = st->allocated_bytes + st->available_bytes +
	    st->unused_pools * l->pool_size + st->pool_header_bytes +
	    st->quantization_bytes + st->alignment_bytes;
}
