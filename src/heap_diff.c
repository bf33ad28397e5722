/*
 * The diff of two block-level heaps: a merge of their pools by address, then
 * of the blocks of the pools found at the same address.
 */
#include "config.h"

#include "heap_diff.h"
#include "heap_types.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* Per-type tallies of one side, indexed by that heap's type index. */
struct tally {
	const struct heap	*h;
	uint32_t		 ntypes;
	struct heap_diff_row	*rows;
};

/* A new block in a pinned arena, aggregated once the walk is done. */
struct pin_hit {
	uint32_t	pinned;		/* index into diff.pinned */
	uint32_t	type;		/* current heap's type index */
	uint32_t	size;
	uint32_t	untracked;
};

struct walk {
	const struct heap	*base;
	const struct heap	*cur;
	uint32_t		*type_map;	/* base type index -> cur, or UINT32_MAX */
	struct tally		 new;
	struct tally		 gone;
	struct heap_diff	*d;
	int32_t			*pin_of;	/* cur arena index -> diff.pinned or -1 */
	struct pin_hit		*hits;
	size_t			 nhits;
	size_t			 hits_cap;
	size_t			*pool_first;	/* cur arena -> first pool, or NULL */
};

/* A pool in address order, with the arena it belongs to. */
struct pool_ref {
	const struct heap	*h;
	size_t			 arena;
	uint32_t		 slot;
	uint64_t		 address;
	const struct heap_pool	*pool;
};

static int
same_python(const char *a, const char *b)
{
	size_t n;
	const char *dot;

	if (a == NULL || b == NULL)
		return 1;
	/* Major and minor: the patch level may be read more or less exactly
	 * from one capture to the next (2.7's, for one). */
	dot = strchr(a, '.');
	dot = dot != NULL ? strchr(dot + 1, '.') : NULL;
	n = dot != NULL ? (size_t)(dot - a) : strlen(a);
	return strncmp(a, b, n) == 0 && (b[n] == '\0' || b[n] == '.');
}

static int
check_comparable(const struct heap *base, const struct heap *cur, char **cause)
{
	const struct heap_layout *a = &base->layout, *b = &cur->layout;

	if (base->level != HEAP_LEVEL_BLOCKS || cur->level != HEAP_LEVEL_BLOCKS)
		return util_cause(cause, "the %s was captured at pool level: a "
		    "diff needs every block's state (--dump, --types)",
		    base->level != HEAP_LEVEL_BLOCKS ? "baseline" :
		    "current capture");
	if (!same_python(base->process.python, cur->process.python))
		return util_cause(cause, "the baseline is of Python %s, the "
		    "current capture of Python %s", base->process.python,
		    cur->process.python);
	if (a->arena_size != b->arena_size || a->pool_size != b->pool_size ||
	    a->alignment != b->alignment || a->nclasses != b->nclasses ||
	    a->pool_overhead != b->pool_overhead)
		return util_cause(cause, "the baseline's allocator geometry "
		    "(%u-byte arenas, %u-byte pools, %u size classes of %u "
		    "bytes) is not the current capture's (%u, %u, %u of %u)",
		    a->arena_size, a->pool_size, a->nclasses, a->alignment,
		    b->arena_size, b->pool_size, b->nclasses, b->alignment);
	if (a->nclasses == 0 || a->nclasses > HEAP_STATS_MAX_CLASSES)
		return util_cause(cause, "%u size classes", a->nclasses);
	return 0;
}

static void
tally_init(struct tally *t, const struct heap *h, int typed)
{
	t->h = h;
	t->ntypes = typed && h->ntypes > 0 ? h->ntypes : 1;
	t->rows = xcalloc(t->ntypes, sizeof *t->rows);
}

/* The type index of an allocated block, raw when there are no types (or the
 * index is out of the table). */
static inline uint32_t
block_type(const struct tally *t, const struct heap_pool *p, uint32_t i,
    uint32_t *untracked)
{
	uint32_t v, idx;

	if (t->ntypes == 1 || !p->typed) {
		*untracked = 0;
		return HEAP_TYPE_RAW;
	}
	v = heap_pool_type_value(p, i);
	idx = HEAP_TYPE_INDEX(v);
	*untracked = (v & HEAP_TYPE_UNTRACKED) != 0;
	return idx < t->ntypes ? idx : HEAP_TYPE_RAW;
}

static inline void
tally_add(struct tally *t, uint32_t type, uint32_t size, uint32_t untracked)
{
	t->rows[type].count++;
	t->rows[type].bytes += size;
	t->rows[type].untracked += untracked;
}

static void
pin_hit(struct walk *w, uint32_t pinned, uint32_t type, uint32_t size,
    uint32_t untracked)
{
	if (w->nhits == w->hits_cap) {
		w->hits_cap = w->hits_cap ? w->hits_cap * 2 : 256;
		w->hits = xreallocarray(w->hits, w->hits_cap, sizeof *w->hits);
	}
	w->hits[w->nhits++] = (struct pin_hit){ pinned, type, size, untracked };
}

static void
count_new(struct walk *w, const struct pool_ref *r, uint32_t i)
{
	uint32_t size = heap_block_size(&w->cur->layout, r->pool->szidx), u;
	uint32_t t = block_type(&w->new, r->pool, i, &u);

	tally_add(&w->new, t, size, u);
	w->d->classes[r->pool->szidx].new_blocks++;
	if (w->pin_of[r->arena] >= 0)
		pin_hit(w, (uint32_t)w->pin_of[r->arena], t, size, u);
	if (w->pool_first != NULL && i < w->d->where_stride) {
		uint64_t bit = (uint64_t)(w->pool_first[r->arena] + r->slot) *
		    w->d->where_stride + i;

		w->d->where[bit / 64] |= UINT64_C(1) << (bit % 64);
	}
}

static void
count_gone(struct walk *w, const struct pool_ref *r, uint32_t i)
{
	uint32_t size = heap_block_size(&w->base->layout, r->pool->szidx), u;
	uint32_t t = block_type(&w->gone, r->pool, i, &u);

	tally_add(&w->gone, t, size, u);
	w->d->classes[r->pool->szidx].freed_blocks++;
}

/* heap_block_state() == BLOCK_ALLOCATED for the FULL and USED pools the
 * walk visits, with the block's offset in the pool worked out by the
 * caller: the diff asks it of every block of both heaps. */
static inline int
allocated_at(const struct heap_pool *p, uint32_t i, uint64_t off)
{
	if (p->state == POOL_USED && p->blocks != NULL)
		return heap_blocks_get(p->blocks, i) == BLOCK_ALLOCATED;
	return off < p->nextoffset;
}

static inline int
allocated(const struct heap *h, const struct heap_pool *p, uint32_t i)
{
	return allocated_at(p, i, h->layout.pool_overhead +
	    (uint64_t)i * heap_block_size(&h->layout, p->szidx));
}

/* Every allocated block of a pool found on one side only. */
static void
pool_alone(struct walk *w, const struct pool_ref *r, int is_new)
{
	uint32_t n = heap_blocks_per_pool(&r->h->layout, r->pool->szidx), i;

	for (i = 0; i < n; i++) {
		if (!allocated(r->h, r->pool, i))
			continue;
		if (is_new)
			count_new(w, r, i);
		else
			count_gone(w, r, i);
	}
}

/* Blocks at the same address in both: the same object (or block)? */
static inline int
same_object(const struct walk *w, const struct pool_ref *b, uint32_t i,
    const struct pool_ref *c, uint32_t j)
{
	uint32_t ub, uc, tb, tc;

	if (!w->d->typed)
		return b->pool->szidx == c->pool->szidx;
	tb = block_type(&w->gone, b->pool, i, &ub);
	tc = block_type(&w->new, c->pool, j, &uc);
	return w->type_map[tb] == tc && ub == uc;
}

/* Pools at the same address: blocks matched by their offset in it.  With
 * one size class the offsets go in step; across classes (a pool emptied
 * and carved again for another) only some coincide. */
static void
pool_pair(struct walk *w, const struct pool_ref *b, const struct pool_ref *c)
{
	const struct heap_layout *l = &w->cur->layout;
	uint32_t sb = heap_block_size(l, b->pool->szidx);
	uint32_t sc = heap_block_size(l, c->pool->szidx);
	uint32_t nb = heap_blocks_per_pool(l, b->pool->szidx);
	uint32_t nc = heap_blocks_per_pool(l, c->pool->szidx);
	uint32_t i = 0, j = 0;

	while (i < nb || j < nc) {
		uint64_t ob = i < nb ? l->pool_overhead + (uint64_t)i * sb :
		    UINT64_MAX;
		uint64_t oc = j < nc ? l->pool_overhead + (uint64_t)j * sc :
		    UINT64_MAX;
		int ab = ob <= oc && allocated_at(b->pool, i, ob);
		int ac = oc <= ob && allocated_at(c->pool, j, oc);

		if (ab && ac && same_object(w, b, i, c, j)) {
			/* the same: in neither list */
		} else {
			if (ab)
				count_gone(w, b, i);
			if (ac)
				count_new(w, c, j);
		}
		if (ob <= oc)
			i++;
		if (oc <= ob)
			j++;
	}
}

/* The next pool at or after (arena, slot) that may hold blocks or hides
 * them (INVALID); returns 0 at the end of the heap. */
static int
next_pool(const struct heap *h, size_t *arena, uint32_t *slot,
    struct pool_ref *r)
{
	for (; *arena < h->narenas; (*arena)++, *slot = 0) {
		const struct heap_arena *a = &h->arenas[*arena];

		for (; *slot < a->npools; (*slot)++) {
			const struct heap_pool *p = &a->pools[*slot];

			if (p->state != POOL_FULL && p->state != POOL_USED &&
			    p->state != POOL_INVALID)
				continue;
			r->h = h;
			r->arena = *arena;
			r->slot = *slot;
			r->pool = p;
			r->address = heap_pool_address(h, a, *slot);
			(*slot)++;
			return 1;
		}
	}
	return 0;
}

static void
merge_pools(struct walk *w)
{
	size_t ab = 0, ac = 0;
	uint32_t sb = 0, sc = 0;
	struct pool_ref rb, rc;
	int hb = next_pool(w->base, &ab, &sb, &rb);
	int hc = next_pool(w->cur, &ac, &sc, &rc);

	while (hb || hc) {
		if (hb && (!hc || rb.address < rc.address)) {
			if (rb.pool->state == POOL_INVALID)
				w->d->skipped_pools++;
			else
				pool_alone(w, &rb, 0);
			hb = next_pool(w->base, &ab, &sb, &rb);
		} else if (hc && (!hb || rc.address < rb.address)) {
			if (rc.pool->state == POOL_INVALID)
				w->d->skipped_pools++;
			else
				pool_alone(w, &rc, 1);
			hc = next_pool(w->cur, &ac, &sc, &rc);
		} else {
			if (rb.pool->state == POOL_INVALID ||
			    rc.pool->state == POOL_INVALID)
				w->d->skipped_pools++;
			else
				pool_pair(w, &rb, &rc);
			hb = next_pool(w->base, &ab, &sb, &rb);
			hc = next_pool(w->cur, &ac, &sc, &rc);
		}
	}
}

static uint32_t *
map_types(const struct heap *base, const struct heap *cur, uint32_t nbase)
{
	uint32_t *map = xcalloc(nbase, sizeof *map), i, j;

	map[HEAP_TYPE_RAW] = HEAP_TYPE_RAW;
	/* Type tables hold hundreds to a few thousand names: sorting would
	 * not pay for itself over this one pass per table entry. */
	for (i = 1; i < nbase; i++) {
		map[i] = UINT32_MAX;
		for (j = 1; j < cur->ntypes; j++) {
			if (strcmp(base->types[i].name, cur->types[j].name) == 0) {
				map[i] = j;
				break;
			}
		}
	}
	return map;
}

static int
row_cmp(const void *pa, const void *pb)
{
	const struct heap_diff_row *a = pa, *b = pb;

	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* Rows of a part from per-type tallies (raw kept apart). */
static void
part_from(struct heap_diff_part *part, const struct tally *t)
{
	uint32_t i;

	memset(part, 0, sizeof *part);
	part->rows = xcalloc(t->ntypes, sizeof *part->rows);
	for (i = 0; i < t->ntypes; i++) {
		struct heap_diff_row r = t->rows[i];

		if (r.count == 0)
			continue;
		if (i == HEAP_TYPE_RAW) {
			part->raw_blocks = r.count;
			part->raw_bytes = r.bytes;
			continue;
		}
		r.name = xstrdup(t->h->types[i].name);
		part->rows[part->nrows++] = r;
		part->objects += r.count;
		part->object_bytes += r.bytes;
	}
	qsort(part->rows, part->nrows, sizeof *part->rows, row_cmp);
}

static int
hit_cmp(const void *pa, const void *pb)
{
	const struct pin_hit *a = pa, *b = pb;

	if (a->pinned != b->pinned)
		return a->pinned < b->pinned ? -1 : 1;
	return a->type < b->type ? -1 : a->type > b->type;
}

/* The new blocks of each pinned arena, as a part. */
static void
pinned_parts(struct walk *w)
{
	struct tally t;
	size_t i = 0, k;

	if (w->nhits > 0)	/* hits is NULL then */
		qsort(w->hits, w->nhits, sizeof *w->hits, hit_cmp);
	for (k = 0; k < w->d->npinned; k++) {
		tally_init(&t, w->cur, w->d->typed);
		for (; i < w->nhits && w->hits[i].pinned == k; i++)
			tally_add(&t, w->hits[i].type, w->hits[i].size,
			    w->hits[i].untracked);
		part_from(&w->d->pinned[k].new, &t);
		free(t.rows);
	}
}

static void
find_pinned(struct walk *w)
{
	const struct heap *h = w->cur;
	size_t i;

	w->pin_of = xcalloc(h->narenas ? h->narenas : 1, sizeof *w->pin_of);
	w->d->pinned = xcalloc(h->narenas ? h->narenas : 1,
	    sizeof *w->d->pinned);
	for (i = 0; i < h->narenas; i++) {
		const struct heap_arena *a = &h->arenas[i];
		struct heap_diff_pinned *p;

		w->pin_of[i] = -1;
		if (!heap_arena_pinned(h, a))
			continue;
		w->pin_of[i] = (int32_t)w->d->npinned;
		p = &w->d->pinned[w->d->npinned++];
		p->index = a->index;
		p->address = a->address;
		p->live_bytes = heap_arena_live_bytes(h, a);
		p->carved_bytes = heap_arena_carved_bytes(h, a);
	}
}

/* The bitmap of HEAP_DIFF_WHERE, all clear. */
static void
where_init(struct walk *w)
{
	const struct heap *h = w->cur;
	size_t i, g = 0;
	uint64_t bits;

	w->pool_first = xcalloc(h->narenas + 1, sizeof *w->pool_first);
	for (i = 0; i < h->narenas; i++) {
		w->pool_first[i] = g;
		g += h->arenas[i].npools;
	}
	w->d->where_pools = g;
	w->d->where_stride = heap_blocks_per_pool(&h->layout, 0);
	bits = (uint64_t)g * w->d->where_stride;
	w->d->where = xcalloc(bits / 64 + 1, sizeof *w->d->where);
}

int
heap_diff_compute(const struct heap *base, const struct heap *cur,
    unsigned flags, struct heap_diff *d, char **cause)
{
	struct walk w = { .base = base, .cur = cur, .d = d };
	uint32_t c;

	memset(d, 0, sizeof *d);
	if (check_comparable(base, cur, cause) != 0)
		return -1;
	d->typed = base->ntypes > 0 && cur->ntypes > 0 &&
	    !(flags & HEAP_DIFF_BLOCKS);
	d->nclasses = cur->layout.nclasses;
	for (c = 0; c < d->nclasses; c++)
		d->classes[c].size = heap_block_size(&cur->layout, c);
	tally_init(&w.new, cur, d->typed);
	tally_init(&w.gone, base, d->typed);
	w.type_map = d->typed ? map_types(base, cur, w.gone.ntypes) : NULL;
	find_pinned(&w);
	if (flags & HEAP_DIFF_WHERE)
		where_init(&w);
	merge_pools(&w);
	part_from(&d->new, &w.new);
	part_from(&d->gone, &w.gone);
	pinned_parts(&w);
	free(w.new.rows);
	free(w.gone.rows);
	free(w.type_map);
	free(w.pin_of);
	free(w.hits);
	free(w.pool_first);
	return 0;
}

static void
part_free(struct heap_diff_part *p)
{
	uint32_t i;

	for (i = 0; i < p->nrows; i++)
		free(p->rows[i].name);
	free(p->rows);
	memset(p, 0, sizeof *p);
}

void
heap_diff_free(struct heap_diff *d)
{
	size_t i;

	part_free(&d->new);
	part_free(&d->gone);
	for (i = 0; i < d->npinned; i++)
		part_free(&d->pinned[i].new);
	free(d->pinned);
	free(d->where);
	memset(d, 0, sizeof *d);
}
