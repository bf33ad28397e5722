#include "config.h"

#include "heap_resident.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

struct source_span *
heap_resident_spans(const struct heap *h, size_t *n)
{
	struct source_span *s = xcalloc(h->narenas ? h->narenas : 1, sizeof *s);
	size_t i;

	for (i = 0; i < h->narenas; i++) {
		s[i].start = h->arenas[i].address;
		s[i].end = h->arenas[i].address + h->layout.arena_size;
	}
	*n = h->narenas;
	return s;
}

static int
pool_live(const struct heap_pool *p)
{
	return p->state == POOL_FULL || p->state == POOL_USED ||
	    p->state == POOL_INVALID;
}

/* Does any pool with a live block overlap [lo, hi)?  Bytes of the arena
 * outside its pools (alignment slack) hold none. */
static int
page_live(const struct heap *h, const struct heap_arena *a, uint64_t lo,
    uint64_t hi)
{
	uint64_t ps = h->layout.pool_size, j, last;

	if (hi <= a->first_pool || a->npools == 0 || ps == 0)
		return 0;
	j = lo > a->first_pool ? (lo - a->first_pool) / ps : 0;
	last = (hi - 1 - a->first_pool) / ps;
	for (; j <= last && j < a->npools; j++)
		if (pool_live(&a->pools[j]))
			return 1;
	return 0;
}

static uint64_t
arenas_empty(const struct heap *h, const struct source_resident *sr)
{
	uint64_t page = sr->page, k, npages, lo, bytes = 0;
	const struct heap_arena *a;
	size_t i;

	if (page == 0 || sr->nspans != h->narenas)
		return 0;
	npages = (h->layout.arena_size + page - 1) / page;
	for (i = 0; i < h->narenas; i++) {
		a = &h->arenas[i];
		for (k = 0; k < npages; k++) {
			lo = a->address + k * page;
			if (source_resident_span_page(sr, i, k) &&
			    !page_live(h, a, lo, lo + page))
				bytes += page;
		}
	}
	return bytes;
}

struct heap_resident *
heap_resident_make(const struct heap *h, const struct source_resident *sr)
{
	struct heap_resident *r = xcalloc(1, sizeof *r);
	int i;

	/* the two enums name the same parts in the same order */
	for (i = 0; i < HEAP_RES_NPARTS && i < SOURCE_RES_NPARTS; i++)
		r->part[i] = sr->part[i];
	r->total = sr->total;
	r->vm_rss = sr->vm_rss;
	r->arenas_empty = HV_MIN(arenas_empty(h, sr), r->part[HEAP_RES_ARENAS]);
	r->mappings = sr->mappings;
	r->threads = sr->threads;
	r->stacks = sr->stacks;
	r->malloc_heaps = sr->malloc_heaps;
	r->mmapped_chunks = sr->mmapped_chunks;
	return r;
}

uint64_t
heap_resident_sum(const struct heap_resident *r)
{
	uint64_t sum = 0;
	int i;

	for (i = 0; i < HEAP_RES_NPARTS; i++)
		sum += r->part[i];
	return sum;
}
