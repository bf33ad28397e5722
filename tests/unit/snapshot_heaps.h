/*
 * snapshot_heaps: heaps built by hand for the JSON format tests -- every
 * pool state, both block-level and pool-level captures, aligned and
 * unaligned arenas, block types -- shared by test_snapshot.c and
 * snapshot_gen.c.
 */
#ifndef HV_SNAPSHOT_HEAPS_H
#define HV_SNAPSHOT_HEAPS_H

#include "heap.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static const struct heap_layout layout_310 __attribute__((unused)) = {
	.arena_size = 1 << 20, .pool_size = 16384, .alignment = 16,
	.nclasses = 32, .pool_overhead = 48,
	.map_root_bytes = 262144, .map_mid_bytes = 32768, .map_bot_bytes = 8192,
};
static const struct heap_layout layout_38 __attribute__((unused)) = {
	.arena_size = 256 << 10, .pool_size = 4096, .alignment = 16,
	.nclasses = 32, .pool_overhead = 48,
};
/* Small pools and arenas: cheap to load a thousand times over. */
static const struct heap_layout layout_small __attribute__((unused)) = {
	.arena_size = 16 << 10, .pool_size = 1024, .alignment = 16,
	.nclasses = 32, .pool_overhead = 48,
};

/* ---- building heaps by hand --------------------------------------------- */

static inline uint32_t
pool_end(const struct heap_layout *l, unsigned szidx, uint32_t nblocks)
{
	return l->pool_overhead + nblocks * heap_block_size(l, szidx);
}

static inline void
set_full(const struct heap *h, struct heap_pool *p, unsigned szidx)
{
	uint32_t cap = heap_blocks_per_pool(&h->layout, szidx);

	p->state = POOL_FULL;
	p->szidx = (uint8_t)szidx;
	p->count = (uint16_t)cap;
	p->nextoffset = pool_end(&h->layout, szidx, cap);
}

/* Carved blocks: every third one free, the others allocated; the rest
 * untouched.  At block level the states are stored. */
static inline void
set_used(const struct heap *h, struct heap_pool *p, unsigned szidx,
    uint32_t carved, uint32_t seed)
{
	uint32_t cap = heap_blocks_per_pool(&h->layout, szidx), i, n = 0;

	carved = HV_MIN(carved, cap);
	p->state = POOL_USED;
	p->szidx = (uint8_t)szidx;
	p->nextoffset = pool_end(&h->layout, szidx, carved);
	if (h->level == HEAP_LEVEL_BLOCKS)
		p->blocks = heap_blocks_new(cap);
	for (i = 0; i < cap; i++) {
		enum block_state s = i >= carved ? BLOCK_UNTOUCHED :
		    (i + seed) % 3 == 1 ? BLOCK_FREE : BLOCK_ALLOCATED;

		n += s == BLOCK_ALLOCATED;
		if (p->blocks != NULL)
			heap_blocks_set(p->blocks, i, s);
	}
	p->count = (uint16_t)n;
}

static inline void
set_empty(const struct heap *h, struct heap_pool *p, unsigned szidx)
{
	p->state = POOL_EMPTY;
	p->szidx = (uint8_t)szidx;
	p->nextoffset = pool_end(&h->layout, szidx,
	    HV_MIN(5, heap_blocks_per_pool(&h->layout, szidx)));
}

static inline void
set_process(struct heap *h)
{
	static const char *const argv[] = { "python3", "-c", "x = [1] * 9", NULL };
	int i;

	h->process.pid = 4242;
	h->process.exe = xstrdup("/usr/bin/python3.11");
	h->process.python = xstrdup("3.11.2");
	h->process.argv = xcalloc(4, sizeof *h->process.argv);
	for (i = 0; argv[i] != NULL; i++)
		h->process.argv[i] = xstrdup(argv[i]);
	h->process.argc = i;
	h->process.rss_bytes = 52428800;
	h->captured_at = 1700000000.25;
	h->capture_ms = 3.5;
	h->counters.arenas_allocated_total = 9;
	h->counters.arenas_highwater = 4;
	h->counters.map_mid_nodes = 1;
	h->counters.map_bot_nodes = 2;
}

/* Pools below carved were used; the rest are untouched. */
static inline void
arena_carved(const struct heap *h, struct heap_arena *a, uint32_t carved)
{
	uint32_t p;

	a->ntotalpools = a->npools;
	a->pool_address = heap_pool_address(h, a, carved);
	a->nfreepools = 0;
	for (p = 0; p < a->npools; p++) {
		if (p >= carved)
			a->pools[p].state = POOL_UNTOUCHED;
		if (a->pools[p].state == POOL_EMPTY ||
		    a->pools[p].state == POOL_UNTOUCHED)
			a->nfreepools++;
	}
}

/*
 * Three arenas, added out of address order: a pool-aligned one with every
 * pool state, an unaligned one (63 pools) and a fresh one; variant shifts
 * a few pools, as frames of a recording would.
 */
static inline struct heap *
make_heap(const struct heap_layout *l, enum heap_level level, int variant)
{
	struct heap *h = heap_new(l, level);
	uint64_t base = 0x7f3a20000000ull;
	uint32_t ppa = l->arena_size / l->pool_size;
	struct heap_arena *a;

	set_process(h);
	h->process.rss_bytes += (uint64_t)variant * 4096;
	h->captured_at += variant * 0.5;

	/* 4096 bytes past an arena boundary: one pool less when pools are
	 * larger than pages. */
	a = heap_add_arena(h, 2, base + 4 * (uint64_t)l->arena_size + 4096,
	    l->pool_size > 4096 ? ppa - 1 : ppa);
	set_used(h, &a->pools[0], 7, 20, (uint32_t)variant);
	set_full(h, &a->pools[1], 31);
	set_empty(h, &a->pools[2], 3);
	arena_carved(h, a, 3);

	a = heap_add_arena(h, 0, base, ppa);
	set_full(h, &a->pools[0], 0);
	set_used(h, &a->pools[1], 0,
	    heap_blocks_per_pool(l, 0), (uint32_t)variant);
	set_used(h, &a->pools[2], 5, 3, 0);
	set_empty(h, &a->pools[3], 1);
	a->pools[4].state = POOL_INVALID;
	a->pools[4].szidx = 200;
	a->pools[4].count = 60000;
	a->pools[4].nextoffset = 123457;
	set_used(h, &a->pools[5], 31, 2, 0);
	set_used(h, &a->pools[6], 12, 9, 2);
	set_full(h, &a->pools[7], 12);
	if (variant % 2 == 1)
		set_full(h, &a->pools[8], 2);
	else
		set_used(h, &a->pools[8], 2, 40, 1);
	arena_carved(h, a, 9);

	if (variant < 3) {
		a = heap_add_arena(h, 1, base + 2 * (uint64_t)l->arena_size, ppa);
		arena_carved(h, a, 0);
	}
	if (variant >= 2) {
		a = heap_add_arena(h, 7, base + 9 * (uint64_t)l->arena_size, ppa);
		set_used(h, &a->pools[0], 4, 1, 0);
		arena_carved(h, a, 1);
	}
	heap_finish(h);
	return h;
}

/* ---- block types (--types) ---------------------------------------------- */

static const struct {
	const char	*name;
	uint32_t	 flags;
} test_types[] __attribute__((unused)) = {
	{ "dict", HEAP_TYPE_GC }, { "str", 0 }, { "tuple", HEAP_TYPE_GC },
	{ "Node", HEAP_TYPE_GC | HEAP_TYPE_HEAPTYPE }, { "int", 0 },
	{ "list", HEAP_TYPE_GC }, { "Kn\xc3\xb6" "del", HEAP_TYPE_HEAPTYPE },
};
#define NTEST_TYPES	(sizeof test_types / sizeof test_types[0])

static inline uint32_t
test_type_index(const struct heap *h, const char *name)
{
	uint32_t t;

	for (t = 0; t < h->ntypes; t++)
		if (strcmp(h->types[t].name, name) == 0)
			return t;
	return HEAP_TYPE_RAW;
}

/*
 * Types for every allocated block of a block-level heap: what a block is
 * depends on its pool and position only, so unchanged pools keep their
 * types from frame to frame, while the table's order (rotated by variant)
 * and its length (a "Leaf" type from variant 2 on) change.  Blocks come in
 * runs of three, every seventh is raw, and GC objects at positions that are
 * multiples of four are untracked.  The used pool of class 5 is left
 * without types (all raw); free blocks hold stray values, to be ignored.
 */
static inline void
add_types(struct heap *h, int variant)
{
	uint32_t t, i, cap, k, p;
	size_t a;
	uint16_t *v;

	heap_types_init(h);
	for (t = 0; t < NTEST_TYPES; t++) {
		k = (t + (uint32_t)variant) % NTEST_TYPES;
		heap_type_add(h, test_types[k].name, test_types[k].flags);
	}
	if (variant >= 2)
		heap_type_add(h, "Leaf", HEAP_TYPE_GC | HEAP_TYPE_HEAPTYPE);
	for (a = 0; a < h->narenas; a++) {
		for (p = 0; p < h->arenas[a].npools; p++) {
			struct heap_pool *pool = &h->arenas[a].pools[p];

			if ((pool->state != POOL_FULL && pool->state != POOL_USED) ||
			    (pool->state == POOL_USED && pool->szidx == 5))
				continue;
			cap = heap_blocks_per_pool(&h->layout, pool->szidx);
			v = calloc(cap, sizeof *v);
			for (i = 0; i < cap; i++) {
				if (heap_block_state(h, pool, i) != BLOCK_ALLOCATED) {
					v[i] = 3;
					continue;
				}
				k = (i / 3 + pool->szidx + p) % NTEST_TYPES;
				t = test_type_index(h, test_types[k].name);
				if (variant >= 2 && i % 11 == 5)
					t = test_type_index(h, "Leaf");
				if (i % 7 == 6)
					t = HEAP_TYPE_RAW;
				if ((h->types[t].flags & HEAP_TYPE_GC) && i % 4 == 0)
					t |= HEAP_TYPE_UNTRACKED;
				v[i] = (uint16_t)t;
			}
			heap_pool_types_set(pool, v, cap);
			free(v);
		}
	}
}

/* ---- pinned arenas (--types) ------------------------------------------- */

/* A used pool of class szidx: carved blocks handed out, the first nalloc
 * of them allocated with type t, the others free; the rest untouched. */
static inline void
set_survivors(struct heap *h, struct heap_pool *p, unsigned szidx,
    uint32_t carved, uint32_t nalloc, uint32_t t)
{
	uint32_t cap = heap_blocks_per_pool(&h->layout, szidx), i;
	uint16_t *v;

	p->state = POOL_USED;
	p->szidx = (uint8_t)szidx;
	p->count = (uint16_t)nalloc;
	p->nextoffset = pool_end(&h->layout, szidx, carved);
	p->blocks = heap_blocks_new(cap);
	v = calloc(cap, sizeof *v);
	for (i = 0; i < cap; i++) {
		heap_blocks_set(p->blocks, i, i >= carved ? BLOCK_UNTOUCHED :
		    i >= nalloc ? BLOCK_FREE : BLOCK_ALLOCATED);
		if (i < nalloc)
			v[i] = (uint16_t)t;
	}
	heap_pool_types_set(p, v, cap);
	free(v);
}

/*
 * A heap as pymalloc leaves it after most objects were freed: a busy arena
 * of full pools, an arena whose only allocated block is one Node, an arena
 * of empty carved pools (3.9+ keeps one), and the arena pymalloc is still
 * carving (slot 1, reused), whose two used pools hold 8 dicts.  Only the
 * Node's arena is pinned.  Block level, with types.
 */
static inline struct heap *
make_pinned_heap(const struct heap_layout *l)
{
	struct heap *h = heap_new(l, HEAP_LEVEL_BLOCKS);
	uint64_t base = 0x7f3a20000000ull;
	uint32_t ppa = l->arena_size / l->pool_size, p, node, dict;
	struct heap_arena *a;

	set_process(h);
	heap_types_init(h);
	node = heap_type_add(h, "Node", HEAP_TYPE_GC | HEAP_TYPE_HEAPTYPE);
	dict = heap_type_add(h, "dict", HEAP_TYPE_GC);
	a = heap_add_arena(h, 0, base, ppa);
	for (p = 0; p < ppa; p++)
		set_full(h, &a->pools[p], 3);
	arena_carved(h, a, ppa);
	a = heap_add_arena(h, 2, base + l->arena_size, ppa);
	for (p = 0; p < ppa; p++)
		set_empty(h, &a->pools[p], 3);
	set_survivors(h, &a->pools[ppa / 2], 3, 4, 1, node);
	arena_carved(h, a, ppa);
	a = heap_add_arena(h, 3, base + 2 * (uint64_t)l->arena_size, ppa);
	for (p = 0; p < ppa; p++)
		set_empty(h, &a->pools[p], 1);
	arena_carved(h, a, ppa);
	a = heap_add_arena(h, 1, base + 3 * (uint64_t)l->arena_size, ppa);
	set_survivors(h, &a->pools[0], 3, 5, 4, dict);
	set_survivors(h, &a->pools[1], 3, 5, 4, dict);
	arena_carved(h, a, 2);
	heap_finish(h);
	return h;
}

/* Frame i of a test recording: 0.5 s apart, with a gap at frame 10 that
 * makes the writer start a full frame; arenas come and go. */
static inline double
frame_t(int i)
{
	return i * 0.5 + (i >= 10 ? 5.0 : 0);
}

static inline const char *
frame_label(int i)
{
	return i % 4 == 0 ? (i == 4 ? "phase \"two\"\n" : "phase") : NULL;
}

static inline struct heap *
make_frame(const struct heap_layout *l, enum heap_level level, int i)
{
	return make_heap(l, level, i % 5);
}

/* Values for the first typed blocks of the heap's first typed pool, their
 * text naming the frame: each frame lists its own, and a delta frame's
 * type indices go through its key frame's (otherwise ordered) table. */
static inline void
add_test_values(struct heap *h, int frame)
{
	const struct heap_arena *a;
	const struct heap_pool *p;
	uint32_t i, n, t;
	char text[32];
	size_t k;
	int added = 0;

	for (k = 0; k < h->narenas && added == 0; k++) {
		a = &h->arenas[k];
		for (i = 0; i < a->npools && !(p = &a->pools[i])->typed;)
			i++;
		if (i == a->npools)
			continue;
		n = heap_blocks_per_pool(&h->layout, p->szidx);
		for (t = 0; t < n && added < 3; t++) {
			if (heap_block_state(h, p, t) != BLOCK_ALLOCATED ||
			    heap_block_type(p, t) == HEAP_TYPE_RAW)
				continue;
			snprintf(text, sizeof text, "'frame-%d-%d'", frame, added++);
			heap_value_add(h, heap_pool_address(h, a, i) +
			    (uint64_t)t * heap_block_size(&h->layout, p->szidx),
			    heap_block_type(p, t), text);
		}
	}
	h->has_values = 1;
	heap_values_sort(h);
}

/* A frame with types; from frame 12 on "Node" changes flags (it is another
 * class of that name), so the writer must start a full frame.  Frames from
 * 2 on carry values (add_test_values). */
static inline struct heap *
make_typed_frame(const struct heap_layout *l, int i)
{
	struct heap *h = make_heap(l, HEAP_LEVEL_BLOCKS, i % 5);

	add_types(h, i % 5);
	if (i >= 2)
		add_test_values(h, i);
	if (i >= 12)
		h->types[test_type_index(h, "Node")].flags = HEAP_TYPE_GC;
	return h;
}

#endif
