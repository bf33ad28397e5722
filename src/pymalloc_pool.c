/*
 * Decoding arena objects and pool headers.  Every field comes from another
 * process and may be torn by a concurrent write: each check below is what
 * pymalloc itself guarantees for a consistent pool, so a failure means
 * "not a pool" (scan) or "INVALID" (walk), never a guess.
 */
#include "config.h"

#include "pymalloc_internal.h"

#include <string.h>

void
py_decode_arena_object(const uint8_t *b, struct py_arena_object *a)
{
	a->address = py_load64(b + 0);
	a->pool_address = py_load64(b + 8);
	a->nfreepools = py_load32(b + 16);
	a->ntotalpools = py_load32(b + 20);
	a->freepools = py_load64(b + 24);
}

void
py_decode_pool_header(const uint8_t *b, struct py_pool_header *p)
{
	p->count = py_load32(b + 0);
	p->freeblock = py_load64(b + 8);
	p->nextpool = py_load64(b + 16);
	p->prevpool = py_load64(b + 24);
	p->arenaindex = py_load32(b + 32);
	p->szidx = py_load32(b + 36);
	p->nextoffset = py_load32(b + 40);
	p->maxnextoffset = py_load32(b + 44);
}

uint32_t
py_arena_npools(const struct heap_layout *l, uint64_t address)
{
	uint32_t n = l->arena_size / l->pool_size;

	return address % l->pool_size != 0 ? n - 1 : n;
}

int
py_arena_object_valid(const struct heap_layout *l, const struct py_arena_object *a)
{
	uint64_t first, end;

	if (a->address == 0 || a->address % 4096 != 0 ||
	    a->address > UINT64_MAX - l->arena_size)
		return 0;
	first = (a->address + l->pool_size - 1) / l->pool_size * l->pool_size;
	end = a->address + l->arena_size;
	if (a->pool_address < first || a->pool_address > end ||
	    (a->pool_address - first) % l->pool_size != 0)
		return 0;
	if (a->ntotalpools != py_arena_npools(l, a->address) ||
	    a->nfreepools > a->ntotalpools)
		return 0;
	/* Pools never carved are all free. */
	if (a->nfreepools < (end - a->pool_address) / l->pool_size)
		return 0;
	return 1;
}

const char *
py_fault_name(enum py_fault f)
{
	static const char *const names[PY_NFAULTS] = {
		[PY_FAULT_NONE] = "none",
		[PY_FAULT_UNREAD] = "unreadable",
		[PY_FAULT_ARENA] = "arena slot",
		[PY_FAULT_ARENAINDEX] = "arenaindex",
		[PY_FAULT_SZIDX] = "szidx",
		[PY_FAULT_MAXNEXT] = "maxnextoffset",
		[PY_FAULT_NEXTOFFSET] = "nextoffset",
		[PY_FAULT_COUNT] = "count",
		[PY_FAULT_FREEBLOCK] = "freeblock",
		[PY_FAULT_EMPTY] = "empty without free block",
		[PY_FAULT_FULL] = "full with room",
		[PY_FAULT_LIST_LEAVES] = "free list leaves the pool",
		[PY_FAULT_LIST_ALIGN] = "free list off a block",
		[PY_FAULT_LIST_LOOP] = "free list loops",
		[PY_FAULT_LIST_COUNT] = "free list vs count",
	};

	return (unsigned)f < PY_NFAULTS ? names[f] : "?";
}

static enum py_fault
header_fault(const struct heap_layout *l, const struct py_pool_header *p,
    uint64_t pool)
{
	uint32_t size, capacity;

	if (p->szidx >= l->nclasses)
		return PY_FAULT_SZIDX;
	size = heap_block_size(l, p->szidx);
	capacity = heap_blocks_per_pool(l, p->szidx);
	if (p->maxnextoffset != l->pool_size - size)
		return PY_FAULT_MAXNEXT;
	if (p->nextoffset < l->pool_overhead + size ||
	    p->nextoffset > l->pool_size ||
	    (p->nextoffset - l->pool_overhead) % size != 0)
		return PY_FAULT_NEXTOFFSET;
	if (p->count > capacity ||
	    p->count > (p->nextoffset - l->pool_overhead) / size)
		return PY_FAULT_COUNT;
	if (p->freeblock != 0) {
		if (p->freeblock < pool + l->pool_overhead ||
		    p->freeblock >= pool + p->nextoffset ||
		    (p->freeblock - pool - l->pool_overhead) % size != 0)
			return PY_FAULT_FREEBLOCK;
	}
	return PY_FAULT_NONE;
}

int
py_pool_header_valid(const struct heap_layout *l, const struct py_pool_header *p,
    uint64_t pool)
{
	return header_fault(l, p, pool) == PY_FAULT_NONE;
}

enum pool_state
py_pool_check(const struct heap_layout *l, const struct py_pool_header *p,
    uint64_t pool, uint32_t arenaindex, enum py_fault *fault)
{
	*fault = p->arenaindex != arenaindex ? PY_FAULT_ARENAINDEX :
	    header_fault(l, p, pool);
	if (*fault != PY_FAULT_NONE)
		return POOL_INVALID;
	if (p->count == 0) {
		if (p->freeblock != 0)
			return POOL_EMPTY;
		*fault = PY_FAULT_EMPTY;
		return POOL_INVALID;
	}
	/* pymalloc keeps freeblock pointing at a free or virgin block while
	 * one is left, so an empty free list means every block is handed out. */
	if (p->freeblock == 0) {
		if (p->nextoffset <= p->maxnextoffset ||
		    p->count != heap_blocks_per_pool(l, p->szidx)) {
			*fault = PY_FAULT_FULL;
			return POOL_INVALID;
		}
		return POOL_FULL;
	}
	return POOL_USED;
}

enum pool_state
py_pool_state(const struct heap_layout *l, const struct py_pool_header *p,
    uint64_t pool, uint32_t arenaindex)
{
	enum py_fault fault;

	return py_pool_check(l, p, pool, arenaindex, &fault);
}

enum py_fault
py_pool_walk_blocks(const struct heap_layout *l, const struct py_pool_header *p,
    const uint8_t *buf, uint64_t pool, uint8_t *blocks)
{
	uint32_t size = heap_block_size(l, p->szidx);
	uint32_t capacity = heap_blocks_per_pool(l, p->szidx);
	uint32_t carved = (p->nextoffset - l->pool_overhead) / size;
	uint32_t i, nfree = 0;
	uint64_t b = p->freeblock;

	if (carved > capacity)
		carved = capacity;
	/* blocks comes from heap_blocks_new: all ALLOCATED; mark the virgin
	 * tail UNTOUCHED, a byte (four blocks) at a time where it can. */
	for (i = carved; i < capacity && i % 4 != 0; i++)
		heap_blocks_set(blocks, i, BLOCK_UNTOUCHED);
	if (i < capacity) {
		memset(blocks + i / 4, 0xAA, (capacity - i) / 4);	/* 0b10 x4 */
		for (i += (capacity - i) / 4 * 4; i < capacity; i++)
			heap_blocks_set(blocks, i, BLOCK_UNTOUCHED);
	}
	/* At most carved steps: a longer list must loop.  On a live target
	 * a failure here is most often a pool read mid-update (see enum
	 * py_fault): the caller reads it again before calling it INVALID. */
	while (b != 0) {
		uint64_t off;

		if (b < pool + l->pool_overhead || b >= pool + p->nextoffset)
			return PY_FAULT_LIST_LEAVES;
		off = b - pool - l->pool_overhead;
		if (off % size != 0)
			return PY_FAULT_LIST_ALIGN;
		i = (uint32_t)(off / size);
		if (heap_blocks_get(blocks, i) != BLOCK_ALLOCATED || ++nfree > carved)
			return PY_FAULT_LIST_LOOP;
		heap_blocks_set(blocks, i, BLOCK_FREE);
		b = py_load64(buf + (b - pool));
	}
	return carved - nfree == p->count ? PY_FAULT_NONE : PY_FAULT_LIST_COUNT;
}
