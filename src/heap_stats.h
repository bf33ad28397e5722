/*
 * heap_stats: the numbers of sys._debugmallocstats(), computed from a struct
 * heap exactly as obmalloc.c computes them from the live allocator
 * (PYMALLOC.md, "What sys._debugmallocstats() prints"), plus heapview's own
 * figures.  Pure function of the model; the text is made by render_stats.c.
 */
#ifndef HV_HEAP_STATS_H
#define HV_HEAP_STATS_H

#include "heap.h"

#define HEAP_STATS_MAX_CLASSES 64

struct heap_stats {
	uint32_t	nclasses;
	uint64_t	pools[HEAP_STATS_MAX_CLASSES];
	uint64_t	in_use[HEAP_STATS_MAX_CLASSES];
	uint64_t	avail[HEAP_STATS_MAX_CLASSES];

	uint64_t	narenas;
	uint64_t	arena_bytes;
	uint64_t	allocated_bytes;
	uint64_t	available_bytes;
	uint64_t	unused_pools;
	uint64_t	pool_header_bytes;
	uint64_t	quantization_bytes;
	uint64_t	alignment_bytes;
	uint64_t	total_bytes;

	uint64_t	invalid_pools;
	uint64_t	state_pools[POOL_NSTATES];
};

void	heap_stats_compute(const struct heap *, struct heap_stats *);

#endif
