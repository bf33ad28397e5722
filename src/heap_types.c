/*
 * Census and pinning from the per-block type indices of a struct heap.
 */
#include "config.h"

#include "heap_types.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
is_allocated(const struct heap *h, const struct heap_pool *p, uint32_t i)
{
	return heap_block_state(h, p, i) == BLOCK_ALLOCATED;
}

/* Adds the allocated blocks of one pool to per-type tallies. */
static void
count_pool(const struct heap *h, const struct heap_pool *p,
    struct heap_census_row *tally, uint32_t ntypes)
{
	uint32_t size, n, i;

	if (p->state != POOL_FULL && p->state != POOL_USED)
		return;
	size = heap_block_size(&h->layout, p->szidx);
	n = heap_blocks_per_pool(&h->layout, p->szidx);
	for (i = 0; i < n; i++) {
		uint32_t v, t;

		if (!is_allocated(h, p, i))
			continue;
		v = heap_pool_type_value(p, i);
		t = HEAP_TYPE_INDEX(v);
		if (t >= ntypes)
			t = HEAP_TYPE_RAW;
		tally[t].count++;
		tally[t].bytes += size;
		if (v & HEAP_TYPE_UNTRACKED)
			tally[t].untracked++;
	}
}

/* qsort's comparator reads it: one per thread, as the TUI's capture
 * thread makes censuses while its loop does. */
static __thread const struct heap *sort_heap;

static const char *
type_name(const struct heap *h, uint32_t t)
{
	return t < h->ntypes ? h->types[t].name : HEAP_TYPE_RAW_NAME;
}

static int
row_cmp(const void *pa, const void *pb)
{
	const struct heap_census_row *a = pa, *b = pb;

	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(type_name(sort_heap, a->type), type_name(sort_heap, b->type));
}

void
heap_census_compute(const struct heap *h, const struct heap_arena *only,
    struct heap_census *c)
{
	uint32_t ntypes = h->ntypes != 0 ? h->ntypes : 1, t;
	struct heap_census_row *tally = xcalloc(ntypes, sizeof *tally);
	size_t i;
	uint32_t p;

	memset(c, 0, sizeof *c);
	for (i = 0; i < (only != NULL ? 1 : h->narenas); i++) {
		const struct heap_arena *a = only != NULL ? only : &h->arenas[i];

		for (p = 0; p < a->npools; p++)
			count_pool(h, &a->pools[p], tally, ntypes);
	}
	c->rows = xcalloc(ntypes, sizeof *c->rows);
	for (t = 0; t < ntypes; t++) {
		if (tally[t].count == 0)
			continue;
		tally[t].type = t;
		c->rows[c->nrows++] = tally[t];
		c->blocks += tally[t].count;
		c->bytes += tally[t].bytes;
		if (t != HEAP_TYPE_RAW) {
			c->objects += tally[t].count;
			c->object_bytes += tally[t].bytes;
		}
	}
	free(tally);
	sort_heap = h;
	qsort(c->rows, c->nrows, sizeof *c->rows, row_cmp);
	sort_heap = NULL;
}

void
heap_census_free(struct heap_census *c)
{
	free(c->rows);
	memset(c, 0, sizeof *c);
}

static int
count_cmp(const void *pa, const void *pb)
{
	const struct heap_census_row *a = pa, *b = pb;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(type_name(sort_heap, a->type), type_name(sort_heap, b->type));
}

void
heap_census_summary(const struct heap *h, const struct heap_census *c,
    unsigned max, char *buf, size_t len)
{
	struct heap_census_row *rows;
	size_t used = 0;
	uint32_t i, n = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	rows = xcalloc(c->nrows ? c->nrows : 1, sizeof *rows);
	for (i = 0; i < c->nrows; i++) {
		if (c->rows[i].type != HEAP_TYPE_RAW)
			rows[n++] = c->rows[i];
	}
	/* Survivors read best by how many there are of each. */
	sort_heap = h;
	qsort(rows, n, sizeof *rows, count_cmp);
	sort_heap = NULL;
	for (i = 0; i < n && used < len; i++) {
		int w;

		if (i == max && i > 0) {
			w = snprintf(buf + used, len - used, ", ...");
			used += w > 0 ? (size_t)w : 0;
			break;
		}
		w = snprintf(buf + used, len - used, "%s%llu %s", i ? ", " : "",
		    (unsigned long long)rows[i].count, type_name(h, rows[i].type));
		if (w < 0)
			break;
		used += (size_t)w;
	}
	/* Blocks that hold no object pin an arena as well. */
	if (used < len && c->blocks > c->objects)
		snprintf(buf + used, len - used, "%s%llu raw", n ? ", " : "",
		    (unsigned long long)(c->blocks - c->objects));
	else if (c->blocks == 0)
		snprintf(buf, len, "nothing allocated");
	free(rows);
}

uint64_t
heap_arena_live_bytes(const struct heap *h, const struct heap_arena *a)
{
	uint64_t live = 0;
	uint32_t p;

	for (p = 0; p < a->npools; p++) {
		const struct heap_pool *pool = &a->pools[p];

		if (pool->state == POOL_FULL || pool->state == POOL_USED)
			live += (uint64_t)pool->count *
			    heap_block_size(&h->layout, pool->szidx);
	}
	return live;
}

uint64_t
heap_arena_carved_bytes(const struct heap *h, const struct heap_arena *a)
{
	uint64_t carved = 0;
	uint32_t p;

	for (p = 0; p < a->npools; p++) {
		if (a->pools[p].state != POOL_UNTOUCHED)
			carved++;
	}
	return carved * h->layout.pool_size;
}

int
heap_arena_carving(const struct heap_arena *a)
{
	uint32_t p;

	for (p = 0; p < a->npools; p++) {
		if (a->pools[p].state == POOL_UNTOUCHED)
			return 1;
	}
	return 0;
}

int
heap_arena_pinned(const struct heap *h, const struct heap_arena *a)
{
	uint64_t live;
	uint32_t p;

	for (p = 0; p < a->npools; p++) {
		if (a->pools[p].state == POOL_INVALID)
			return 0;
	}
	if (heap_arena_carving(a))
		return 0;
	live = heap_arena_live_bytes(h, a);
	return live > 0 && (double)live <
	    HEAP_PINNED_SHARE * (double)heap_arena_carved_bytes(h, a);
}

void
heap_pinning_compute(const struct heap *h, struct heap_pinning *pin)
{
	size_t i;

	memset(pin, 0, sizeof *pin);
	for (i = 0; i < h->narenas; i++) {
		const struct heap_arena *a = &h->arenas[i];
		struct heap_census c;

		if (!heap_arena_pinned(h, a))
			continue;
		heap_census_compute(h, a, &c);
		pin->narenas++;
		pin->carved_bytes += heap_arena_carved_bytes(h, a);
		pin->live_bytes += heap_arena_live_bytes(h, a);
		pin->blocks += c.blocks;
		pin->objects += c.objects;
		heap_census_free(&c);
	}
}
