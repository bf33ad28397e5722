/*
 * libFuzzer target for the pool decoder: the input is one pool's bytes as
 * heapview reads them from a target (a 48-byte header, then blocks), zero
 * padded or cut to the pool size, at address POOL_ADDR.  Each input is
 * tried with the 4 KiB pools of 3.8 and the 16 KiB pools of 3.12: header
 * decoded and validated, state derived, free list walked.  Besides never
 * crashing or looping, a walk that succeeds must leave block states that
 * agree with the header, and a pool called FULL, USED or EMPTY must have a
 * valid header.  A pool whose walk succeeds is then attributed to types
 * (--types) with the input's own bytes mapped a second time as the memory
 * the type objects, metatypes and names are read from: every type index
 * must be in the table, and blocks that are not allocated stay raw.
 *
 * Seeds (tests/fuzz/corpus/pool/) are pools written as obmalloc writes them
 * at POOL_ADDR, cut after their last carved block.
 */
#include "config.h"

#include "pymalloc_internal.h"
#include "source.h"

#include <stdlib.h>
#include <string.h>

#define POOL_ADDR	0x10000ull	/* pool-aligned in both geometries */
#define TYPES_ADDR	0x4000000ull	/* outside the arena */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_blocks(const struct heap_layout *l, const struct py_pool_header *h,
    const uint8_t *blocks)
{
	uint32_t i, n = heap_blocks_per_pool(l, h->szidx), alloc = 0;
	uint32_t size = heap_block_size(l, h->szidx);

	for (i = 0; i < n; i++) {
		enum block_state s = heap_blocks_get(blocks, i);
		int carved = l->pool_overhead + (uint64_t)i * size < h->nextoffset;

		if ((s == BLOCK_UNTOUCHED) == carved)
			abort();	/* UNTOUCHED exactly past nextoffset */
		alloc += s == BLOCK_ALLOCATED;
	}
	if (alloc != h->count)
		abort();
}

static void
try_types(const struct py_layout *pl, const struct py_pool_header *hd,
    uint8_t *pool, uint8_t *blocks, enum pool_state state)
{
	const struct heap_layout *l = &pl->geometry;
	const unsigned rw = SOURCE_R | SOURCE_W | SOURCE_P;
	struct source *src = source_buffers_new();
	struct heap *h = heap_new(l, HEAP_LEVEL_BLOCKS);
	struct heap_arena *a = heap_add_arena(h, 0, POOL_ADDR,
	    py_arena_npools(l, POOL_ADDR));
	struct heap_pool *p = &a->pools[0];
	struct py_types *ty;
	uint32_t i, n = heap_blocks_per_pool(l, hd->szidx);
	int pass;

	source_buffers_add(src, POOL_ADDR, pool, l->pool_size, rw, "");
	source_buffers_add(src, TYPES_ADDR, pool, l->pool_size, rw, "[heap]");
	p->state = (uint8_t)state;
	p->szidx = (uint8_t)hd->szidx;
	p->count = (uint16_t)hd->count;
	p->nextoffset = hd->nextoffset;
	p->blocks = state == POOL_USED ? blocks : NULL;
	ty = py_types_new(src, pl, h);
	for (pass = 0; pass < 4; pass++) {
		if (py_types_pool(ty, p, pool, 0) == 0 ||
		    py_types_resolve(ty, NULL) != 0)
			break;
	}
	py_types_free(ty);
	for (i = 0; p->typed && i < n; i++) {
		if (heap_block_type(p, i) >= h->ntypes)
			abort();
		if (heap_block_state(h, p, i) != BLOCK_ALLOCATED &&
		    heap_pool_type_value(p, i) != HEAP_TYPE_RAW)
			abort();
	}
	p->blocks = NULL;
	heap_free(h);
	source_close(src);
}

static void
try_layout(const struct py_layout *pl, const uint8_t *data, size_t size,
    uint8_t *pool)
{
	const struct heap_layout *l = &pl->geometry;
	struct py_pool_header h;
	struct py_arena_object ao;
	enum pool_state state;
	uint8_t *blocks;
	int valid;

	memset(pool, 0, l->pool_size);
	memcpy(pool, data, size < l->pool_size ? size : l->pool_size);
	py_decode_pool_header(pool, &h);
	valid = py_pool_header_valid(l, &h, POOL_ADDR);
	state = py_pool_state(l, &h, POOL_ADDR, h.arenaindex);
	if (state != POOL_INVALID && !valid)
		abort();
	if (py_pool_state(l, &h, POOL_ADDR, h.arenaindex + 1) != POOL_INVALID)
		abort();	/* a pool of another arena */
	if (valid) {
		blocks = heap_blocks_new(heap_blocks_per_pool(l, h.szidx));
		if (py_pool_walk_blocks(l, &h, pool, POOL_ADDR, blocks) == 0) {
			check_blocks(l, &h, blocks);
			if (state == POOL_FULL || state == POOL_USED)
				try_types(pl, &h, pool, blocks, state);
		}
		free(blocks);
	}
	/* The same bytes as an arena object, for the table's decoder. */
	py_decode_arena_object(pool, &ao);
	if (py_arena_object_valid(l, &ao) &&
	    ao.ntotalpools != py_arena_npools(l, ao.address))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct py_layout *l38, *l312;
	static uint8_t *pool38, *pool312;	/* exact sizes, for ASan */

	if (l38 == NULL) {
		l38 = py_layout_find(3, 8);
		l312 = py_layout_find(3, 12);
		if (l38 == NULL || l312 == NULL)
			abort();
		pool38 = malloc(l38->geometry.pool_size);
		pool312 = malloc(l312->geometry.pool_size);
		if (pool38 == NULL || pool312 == NULL)
			abort();
	}
	try_layout(l38, data, size, pool38);
	try_layout(l312, data, size, pool312);
	return 0;
}
