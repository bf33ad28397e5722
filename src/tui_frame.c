/*
 * tui_frame: a heap with the aggregates that drawing needs.
 *
 * Everything here is O(pools) and runs once when a frame arrives (or becomes
 * the one shown, for the diff); drawing then answers "how full are pools
 * s..e" and "did any of them change" in O(1) from prefix sums, whatever the
 * number of arenas.  A heap with block types gets its aggregates from
 * tui_types.c at the same time.
 */
#include "config.h"

#include "tui_int.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

uint32_t
tui_pool_fill(const struct heap *h, const struct heap_pool *p)
{
	uint32_t cap;

	switch (p->state) {
	case POOL_FULL:
		return TUI_FILL_ONE;
	case POOL_USED:
		if (p->szidx >= h->layout.nclasses)
			return 0;
		cap = heap_blocks_per_pool(&h->layout, p->szidx);
		if (cap == 0 || p->count >= cap)
			return TUI_FILL_ONE;
		return (uint32_t)((uint64_t)p->count * TUI_FILL_ONE / cap);
	default:
		return 0;
	}
}

static void
frame_index(struct tui_frame *f)
{
	const struct heap *h = f->heap;
	size_t i, g = 0;
	uint32_t p;

	f->arena_first = xreallocarray(NULL, h->narenas + 1, sizeof *f->arena_first);
	for (i = 0; i < h->narenas; i++) {
		f->arena_first[i] = g;
		g += h->arenas[i].npools;
		f->max_arena_pools = HV_MAX(f->max_arena_pools, h->arenas[i].npools);
	}
	f->arena_first[h->narenas] = g;
	f->npools = g;
	f->fill_prefix = xreallocarray(NULL, g + 1, sizeof *f->fill_prefix);
	f->fill_prefix[0] = 0;
	g = 0;
	for (i = 0; i < h->narenas; i++) {
		const struct heap_arena *a = &h->arenas[i];

		for (p = 0; p < a->npools; p++, g++)
			f->fill_prefix[g + 1] = f->fill_prefix[g] +
			    tui_pool_fill(h, &a->pools[p]);
	}
}

struct tui_frame *
tui_frame_new(struct heap *h, double t, const char *label)
{
	/* frames are made by the loop (replay) and the capture thread */
	static _Atomic uint64_t serial;
	struct tui_frame *f = xcalloc(1, sizeof *f);

	f->refs = 1;
	f->serial = atomic_fetch_add(&serial, 1) + 1;
	f->heap = h;
	f->t = t;
	f->label = label != NULL ? xstrdup(label) : NULL;
	heap_stats_compute(h, &f->stats);
	if (f->stats.arena_bytes > 0)
		f->util = (double)f->stats.allocated_bytes /
		    (double)f->stats.arena_bytes;
	frame_index(f);
	f->types = tui_types_new(f);
	return f;
}

struct tui_frame *
tui_frame_ref(struct tui_frame *f)
{
	f->refs++;
	return f;
}

/* Who frees the frames nobody holds any more (NULL: unref itself). */
static void (*reaper)(void *, struct tui_frame *);
static void *reaper_ctx;

void
tui_frame_set_reaper(void (*fn)(void *, struct tui_frame *), void *ctx)
{
	reaper = fn;
	reaper_ctx = ctx;
}

void
tui_frame_unref(struct tui_frame *f)
{
	if (f == NULL || --f->refs > 0)
		return;
	if (reaper != NULL)
		reaper(reaper_ctx, f);
	else
		tui_frame_free(f);
}

void
tui_frame_free(struct tui_frame *f)
{
	if (f->release != NULL)
		f->release(f->release_ctx, f->heap);
	else
		heap_free(f->heap);
	free(f->label);
	free(f->arena_first);
	free(f->fill_prefix);
	free(f->changed_prefix);
	tui_types_free(f->types);
	free(f);
}

static int
pool_differs(const struct heap_pool *a, const struct heap_pool *b)
{
	return a->state != b->state || a->count != b->count ||
	    a->szidx != b->szidx || a->nextoffset != b->nextoffset;
}

/* Arenas are sorted by address in both frames: one merge walk.  A pool of
 * an arena that is new in f counts as changed unless it is untouched. */
void
tui_frame_diff(struct tui_frame *f, const struct tui_frame *prev)
{
	const struct heap *h = f->heap;
	size_t i, j = 0, g = 0;
	uint32_t p;
	int ch;

	free(f->changed_prefix);
	f->changed_prefix = NULL;
	f->nchanged = 0;
	if (prev == NULL)
		return;
	f->changed_prefix = xreallocarray(NULL, f->npools + 1,
	    sizeof *f->changed_prefix);
	f->changed_prefix[0] = 0;
	for (i = 0; i < h->narenas; i++) {
		const struct heap_arena *a = &h->arenas[i], *b = NULL;

		while (j < prev->heap->narenas &&
		    prev->heap->arenas[j].address < a->address)
			j++;
		if (j < prev->heap->narenas &&
		    prev->heap->arenas[j].address == a->address)
			b = &prev->heap->arenas[j];
		for (p = 0; p < a->npools; p++, g++) {
			if (b != NULL && p < b->npools)
				ch = pool_differs(&a->pools[p], &b->pools[p]);
			else
				ch = a->pools[p].state != POOL_UNTOUCHED;
			f->changed_prefix[g + 1] = f->changed_prefix[g] +
			    (uint32_t)ch;
		}
	}
	f->nchanged = f->changed_prefix[f->npools];
}

uint32_t
tui_frame_fill(const struct tui_frame *f, size_t s, size_t e)
{
	if (e > f->npools)
		e = f->npools;
	if (s >= e)
		return 0;
	return (uint32_t)((f->fill_prefix[e] - f->fill_prefix[s]) / (e - s));
}

size_t
tui_frame_changed(const struct tui_frame *f, size_t s, size_t e)
{
	if (f->changed_prefix == NULL)
		return 0;
	if (e > f->npools)
		e = f->npools;
	if (s >= e)
		return 0;
	return f->changed_prefix[e] - f->changed_prefix[s];
}

size_t
tui_frame_arena_of(const struct tui_frame *f, size_t g)
{
	size_t lo = 0, hi = f->heap->narenas, mid;

	/* the last arena whose first pool is <= g */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (f->arena_first[mid] <= g)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

size_t
tui_frame_find_arena(const struct tui_frame *f, uint64_t addr)
{
	const struct heap *h = f->heap;
	size_t lo = 0, hi = h->narenas, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (h->arenas[mid].address == addr)
			return mid;
		if (h->arenas[mid].address < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (size_t)-1;
}

/* Roughly what the frame holds in memory, for the live history's budget. */
size_t
tui_frame_footprint(const struct tui_frame *f)
{
	const struct heap *h = f->heap;
	size_t per_pool = sizeof(struct heap_pool) + sizeof(uint64_t) +
	    sizeof(uint32_t);

	if (h->level == HEAP_LEVEL_BLOCKS)
		per_pool += h->layout.pool_size / h->layout.alignment / 4;
	return sizeof *f + h->narenas * (sizeof(struct heap_arena) +
	    sizeof(size_t)) + f->npools * per_pool + tui_types_footprint(f);
}
