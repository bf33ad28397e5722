/*
 * glibc_walk: the chunks of an arena's heaps in address order, then the
 * lists that say which of the chunks are free (bins, fastbins, tcaches).
 *
 * The address walk alone cannot tell a chunk in a fastbin or a tcache from
 * one in use (their successor keeps PREV_INUSE set), and a list alone can
 * point anywhere; so the walk records each chunk start and each chunk its
 * successor calls free, and every list entry must land on a start of the
 * right state and size, once.  A chunk that fails a check ends its heap's
 * walk (the rest is INVALID bytes); an entry that fails ends its list.
 */
#include "config.h"

#include "glibc_internal.h"
#include "util.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WIN	8192u

#define WIN_SPARSE	256u

/* A window on the heap being walked: WIN bytes where chunks are dense,
 * WIN_SPARSE where each read served fewer than 4 headers (big chunks:
 * copying 8 KiB for each 16-byte header is what would cost). */
struct win {
	uint64_t	base;
	size_t		got;
	unsigned	served;
	uint8_t		buf[WIN];
};

/* len bytes at addr through a window of up to WIN bytes below limit. */
static const uint8_t *
win_get(struct source *src, struct win *w, uint64_t addr, size_t len,
    uint64_t limit)
{
	struct source_read r;
	size_t want;

	if (w->got >= len && addr >= w->base && addr - w->base <= w->got - len) {
		w->served++;
		return w->buf + (addr - w->base);
	}
	want = w->served >= 4 ? WIN : WIN_SPARSE;
	w->served = 1;
	if (limit > addr && limit - addr < want)
		want = (size_t)(limit - addr);
	if (want < len)
		want = len;
	r = (struct source_read){ .addr = addr, .buf = w->buf, .len = want };
	w->got = 0;
	if (source_read(src, &r, 1, NULL) != 0 || r.got < len)
		return NULL;
	w->base = addr;
	w->got = r.got;
	return w->buf;
}

void
gl_invalid(struct glibc_arena *a, const char *fmt, ...)
{
	va_list ap;

	a->invalid++;
	if (a->invalid_why != NULL)
		return;
	va_start(ap, fmt);
	if (vasprintf(&a->invalid_why, fmt, ap) < 0)
		a->invalid_why = NULL;
	va_end(ap);
}

struct glibc_arena *
gl_arena_add(struct glibc_malloc *gm)
{
	gm->arenas = xreallocarray(gm->arenas, gm->narenas + 1,
	    sizeof *gm->arenas);
	memset(&gm->arenas[gm->narenas], 0, sizeof *gm->arenas);
	return &gm->arenas[gm->narenas++];
}

unsigned
gl_bin_index(uint64_t sz)
{
	if (sz < 1024)
		return (unsigned)(sz >> 4);
	if ((sz >> 6) <= 48)
		return 48 + (unsigned)(sz >> 6);
	if ((sz >> 9) <= 20)
		return 91 + (unsigned)(sz >> 9);
	if ((sz >> 12) <= 10)
		return 110 + (unsigned)(sz >> 12);
	if ((sz >> 15) <= 4)
		return 119 + (unsigned)(sz >> 15);
	if ((sz >> 18) <= 2)
		return 124 + (unsigned)(sz >> 18);
	return 126;
}

/* ---- the set of chunks met on lists ---------------------------------- */

static size_t
set_hash(uint64_t a, size_t cap)
{
	return (size_t)(((a >> 4) * 0x9e3779b97f4a7c15ull) >> 20) & (cap - 1);
}

/* 1 if added, 0 if it was there already. */
static int
set_add(struct gl_set *s, uint64_t a)
{
	size_t i;

	if (s->n * 2 >= s->cap) {
		struct gl_set n = { .cap = s->cap ? s->cap * 2 : 1024 };

		n.slot = xcalloc(n.cap, sizeof *n.slot);
		for (i = 0; i < s->cap; i++)
			if (s->slot[i] != 0)
				set_add(&n, s->slot[i]);
		free(s->slot);
		*s = n;
	}
	for (i = set_hash(a, s->cap); s->slot[i] != 0; i = (i + 1) & (s->cap - 1))
		if (s->slot[i] == a)
			return 0;
	s->slot[i] = a;
	s->n++;
	return 1;
}

static int
set_has(const struct gl_set *s, uint64_t a)
{
	size_t i;

	if (s->cap == 0)
		return 0;
	for (i = set_hash(a, s->cap); s->slot[i] != 0; i = (i + 1) & (s->cap - 1))
		if (s->slot[i] == a)
			return 1;
	return 0;
}

/* ---- the address walk -------------------------------------------------- */


static void
bit_set(uint8_t *map, uint64_t i)
{
	map[i >> 3] |= (uint8_t)(1u << (i & 7));
}

static int
bit_get(const uint8_t *map, uint64_t i)
{
	return map[i >> 3] >> (i & 7) & 1;
}

static struct gl_region *
region_add(struct gl_walk *w, size_t arena, uint64_t start, uint64_t end)
{
	struct gl_region *r;
	uint64_t bits = (end - start) / GL_ALIGN + 1;

	w->regions = xreallocarray(w->regions, w->nregions + 1,
	    sizeof *w->regions);
	r = &w->regions[w->nregions++];
	memset(r, 0, sizeof *r);
	r->start = start;
	r->end = end;
	r->walked_to = start;
	r->arena = arena;
	r->starts = xcalloc((size_t)(bits / 8 + 1), 1);
	r->free = xcalloc((size_t)(bits / 8 + 1), 1);
	if (w->want_map) {
		r->fast = xcalloc((size_t)(bits / 8 + 1), 1);
		r->tcache = xcalloc((size_t)(bits / 8 + 1), 1);
	}
	return r;
}

/* The walk's own figures of arena ai. */
static struct gl_sums *
sums_of(struct gl_walk *w, size_t ai)
{
	if (ai >= w->nsums) {
		w->sums = xreallocarray(w->sums, ai + 1, sizeof *w->sums);
		memset(w->sums + w->nsums, 0, (ai + 1 - w->nsums) *
		    sizeof *w->sums);
		w->nsums = ai + 1;
	}
	return &w->sums[ai];
}

/* Where a region's walk stands: the chunk at p, and the one before it
 * whose state p's PREV_INUSE bit tells. */
struct cursor {
	uint64_t	p;
	uint64_t	prev;		/* 0 at a heap's first chunk */
	uint64_t	psz;
	uint64_t	pfield;
};

/* Settles the previous chunk from the header h of the chunk at c->p:
 * in use or free (then h's prev_size must be its size).  NULL, or why the
 * headers disagree. */
static const char *
settle_prev(struct gl_walk *w, struct gl_region *r, const struct cursor *c,
    const uint8_t *h, uint64_t want_nm)
{
	struct gl_sums *s = sums_of(w, r->arena);
	uint64_t field = gl_get64(h + 8);

	if (c->prev == 0)
		return field & GL_PREV_INUSE ? NULL :
		    "is a heap's first chunk without PREV_INUSE";
	if (field & GL_PREV_INUSE) {
		/* _int_malloc marks what it hands out in a thread arena;
		 * free chunks and top go without the bit. */
		if ((c->pfield & GL_NON_MAIN_ARENA) != want_nm)
			return "follows a chunk in use with NON_MAIN_ARENA wrong";
		s->used_chunks++;
		s->used_bytes += c->psz;
		return NULL;
	}
	if (gl_get64(h) != c->psz)
		return "has a prev_size that is not its free predecessor's size";
	bit_set(r->free, (c->prev - r->start) / GL_ALIGN);
	s->free_chunks++;
	s->free_bytes += c->psz;
	return NULL;
}

/* NULL if a chunk with this size field fits at p, below stop. */
static const char *
chunk_fits(uint64_t field, uint64_t p, uint64_t stop, uint64_t want_nm)
{
	uint64_t sz = field & ~(uint64_t)GL_FLAGS;

	if (sz < GL_MINSIZE || sz % GL_ALIGN != 0 || sz > stop - p)
		return "has a size that does not fit the heap";
	if ((field & GL_IS_MMAPPED) || (field & GL_NON_MAIN_ARENA) > want_nm)
		return "has IS_MMAPPED or NON_MAIN_ARENA wrong";
	return NULL;
}

/* sysmalloc's fencepost closing a heap a later one followed: a 16-byte
 * chunk (then a 0-sized header) within two MINSIZE of the end. */
static int
is_fencepost(const struct gl_region *r, uint64_t p, uint64_t field)
{
	return (field & ~(uint64_t)GL_PREV_INUSE) == GL_HDR &&
	    r->end - p < 2 * GL_MINSIZE;
}

static void
note_tcache_candidate(struct gl_walk *w, uint64_t p)
{
	w->tcache_cands = xreallocarray(w->tcache_cands, w->ncands + 1,
	    sizeof *w->tcache_cands);
	w->tcache_cands[w->ncands++] = p;
}

/*
 * Walks the chunks of [r->start, stop): stop is the top chunk in the heap
 * that holds it, else the region's end, where a fencepost closes a heap
 * that a later one followed.  On a failed check, the chunk before the bad
 * header is unknown too (its state was in that header): the walk ends at
 * it and the rest up to stop is INVALID bytes.
 */
static void
walk_region(struct gl_walk *w, struct gl_region *r, uint64_t top)
{
	struct glibc_arena *a = &w->gm->arenas[r->arena];
	int has_top = top >= r->start && top < r->end;
	uint64_t stop = has_top ? top : r->end;
	uint64_t want_nm = a->is_main ? 0 : GL_NON_MAIN_ARENA;
	struct cursor c = { .p = r->start };
	struct win *win = xmalloc(sizeof *win);
	const char *why = NULL;

	win->got = 0;
	win->served = 4;
	for (;;) {
		const uint8_t *h = NULL;
		uint64_t field;

		if (c.p + GL_HDR > r->end)
			why = "runs past the heap's end";
		else if ((h = win_get(w->src, win, c.p, GL_HDR, r->end)) == NULL)
			why = "cannot be read";
		else
			why = settle_prev(w, r, &c, h, want_nm);
		if (why != NULL)
			break;
		field = gl_get64(h + 8);
		if (c.p == stop && has_top) {
			if (!(field & GL_PREV_INUSE))
				why = "is the top chunk after a free chunk";
			break;
		}
		if (!has_top && is_fencepost(r, c.p, field)) {
			a->overhead_bytes += r->end - c.p;
			r->fenced = 1;
			break;
		}
		if ((why = chunk_fits(field, c.p, stop, want_nm)) != NULL)
			break;
		bit_set(r->starts, (c.p - r->start) / GL_ALIGN);
		if ((field & ~(uint64_t)GL_FLAGS) == GL_TCACHE_STRUCT)
			note_tcache_candidate(w, c.p);
		c.prev = c.p;
		c.psz = field & ~(uint64_t)GL_FLAGS;
		c.pfield = field;
		c.p += c.psz;
	}
	r->walked_to = c.p;
	r->stop = stop;
	r->top = has_top ? top : 0;
	if (why != NULL) {
		r->walked_to = c.prev != 0 ? c.prev : c.p;
		a->invalid_bytes += stop - r->walked_to;
		gl_invalid(a, "chunk at 0x%" PRIx64 " %s", c.p, why);
	}
	free(win);
}

/* First chunk after heap_info and, in the first heap, malloc_state: where
 * _int_new_arena puts top, aligned so that chunk2mem is. */
static uint64_t
first_chunk_after(uint64_t at)
{
	uint64_t mis = (at + GL_HDR) & (GL_ALIGN - 1);

	return mis ? at + GL_ALIGN - mis : at;
}

static void
walk_main(struct gl_walk *w, size_t ai, uint64_t top, uint64_t top_end,
    uint64_t heap, uint64_t heap_end)
{
	struct glibc_arena *a = &w->gm->arenas[ai];
	struct gl_region *r;

	if (heap == 0 || top < heap || top >= heap_end || top_end > heap_end) {
		gl_invalid(a, "top 0x%" PRIx64 " is not in [heap]: a main arena "
		    "that is not contiguous is not walked", top);
		a->invalid_bytes += a->system_mem > a->top_bytes ?
		    a->system_mem - a->top_bytes : 0;
		return;
	}
	a->nheaps = 1;
	if (top_end - heap != a->system_mem)
		gl_invalid(a, "system_mem %" PRIu64 " is not the %" PRIu64
		    " bytes from [heap] to the end of top", a->system_mem,
		    top_end - heap);
	r = region_add(w, ai, heap, top_end);
	r->base = heap;
	walk_region(w, r, top);
}

static int
read_heap_info(struct gl_walk *w, uint64_t h, uint64_t *ar, uint64_t *prev,
    uint64_t *size)
{
	uint8_t b[24];

	if (source_read_exact(w->src, h, b, sizeof b, NULL) != 0)
		return -1;
	*ar = gl_get64(b);
	*prev = gl_get64(b + 8);
	*size = gl_get64(b + 16);
	return 0;
}

static int
heap_seen(const struct gl_walk *w, uint64_t h)
{
	size_t i;

	for (i = 0; i < w->nregions; i++)
		if (w->regions[i].start - h < GL_HEAP_MAX)
			return 1;
	return 0;
}

/* A thread arena: its heaps from the one holding top back along prev to
 * the first, which holds the arena right after its heap_info. */
static void
walk_thread(struct gl_walk *w, size_t ai, uint64_t top, uint64_t top_end)
{
	struct glibc_arena *a = &w->gm->arenas[ai];
	uint64_t first = a->addr & ~(GL_HEAP_MAX - 1), hinfo = a->addr - first;
	uint64_t h = top & ~(GL_HEAP_MAX - 1), held = 0;
	unsigned n;

	if (hinfo != GL_HEAP_INFO_OLD && hinfo != GL_HEAP_INFO_NEW) {
		gl_invalid(a, "arena 0x%" PRIx64 " does not follow a heap_info",
		    a->addr);
		a->invalid_bytes += a->system_mem;
		return;
	}
	for (n = 0; n < GL_MAX_HEAPS; n++) {
		uint64_t ar, prev, size, start;
		struct gl_region *r;

		/* Each heap once, and no more bytes than the arena says it
		 * holds: a prev chain that loops or runs on is not followed. */
		if (read_heap_info(w, h, &ar, &prev, &size) != 0 || ar != a->addr ||
		    size > GL_HEAP_MAX || size < hinfo + GL_MS_SIZE ||
		    (n == 0 && top_end > h + size) || size > a->system_mem - held ||
		    heap_seen(w, h)) {
			gl_invalid(a, "heap_info at 0x%" PRIx64 " is not this arena's",
			    h);
			a->invalid_bytes += a->system_mem > held ?
			    a->system_mem - held : 0;
			return;
		}
		start = h == first ? first_chunk_after(a->addr + GL_MS_SIZE) :
		    h + hinfo;
		a->overhead_bytes += start - h;
		a->nheaps++;
		held += size;
		if (n == 0 && top_end != h + size)
			gl_invalid(a, "top does not end its heap at 0x%" PRIx64,
			    h + size);
		r = region_add(w, ai, start, n == 0 ? top_end : h + size);
		r->base = h;
		walk_region(w, r, top);
		if (h == first)
			break;
		if (prev == 0 || (prev & (GL_HEAP_MAX - 1)) != 0) {
			gl_invalid(a, "heap 0x%" PRIx64 " has a bad prev", h);
			break;
		}
		h = prev;
	}
	if (held != a->system_mem)
		gl_invalid(a, "system_mem %" PRIu64 " but the heaps hold %" PRIu64,
		    a->system_mem, held);
}

void
gl_walk_arena(struct gl_walk *w, uint64_t addr, const uint8_t *ms,
    int is_main, uint64_t main_heap, uint64_t main_heap_end)
{
	struct glibc_arena *a = gl_arena_add(w->gm);
	size_t ai = w->gm->narenas - 1;
	uint64_t top = gl_get64(ms + GL_MS_TOP), tsz, top_end;
	uint8_t th[16];

	sums_of(w, ai);
	a->addr = addr;
	a->is_main = is_main;
	a->system_mem = gl_get64(ms + GL_MS_SYSTEM_MEM);
	a->top_addr = top;
	if (top % GL_ALIGN != 0 ||
	    source_read_exact(w->src, top, th, sizeof th, NULL) != 0) {
		gl_invalid(a, "top 0x%" PRIx64 " cannot be read", top);
		a->invalid_bytes = a->system_mem;
		return;
	}
	tsz = gl_get64(th + 8) & ~(uint64_t)GL_FLAGS;
	top_end = top + tsz;
	if (tsz < GL_MINSIZE || tsz % GL_ALIGN != 0 || top_end < top ||
	    tsz > a->system_mem) {
		gl_invalid(a, "top 0x%" PRIx64 " has a bad size", top);
		a->invalid_bytes = a->system_mem;
		return;
	}
	a->top_bytes = tsz;
	if (is_main)
		walk_main(w, ai, top, top_end, main_heap, main_heap_end);
	else
		walk_thread(w, ai, top, top_end);
}

/* ---- the lists --------------------------------------------------------- */

static int
cmp_region(const void *x, const void *y)
{
	const struct gl_region *a = x, *b = y;

	return a->start < b->start ? -1 : a->start > b->start;
}

static struct gl_region *
region_of(struct gl_walk *w, uint64_t c)
{
	size_t lo = 0, hi = w->nregions;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (w->regions[mid].start > c)
			hi = mid;
		else if (w->regions[mid].end <= c)
			lo = mid + 1;
		else
			return &w->regions[mid];
	}
	return NULL;
}

/*
 * Checks that c is a chunk the walk met, in the state a list wants (free:
 * the successor says so), and reads its header and two links into b.
 * Returns the region, or NULL with *why.
 */
static struct gl_region *
entry_check(struct gl_walk *w, uint64_t c, int want_free, uint64_t want_size,
    uint8_t b[32], const char **why)
{
	struct gl_region *r;
	uint64_t sz;

	if (c % GL_ALIGN != 0 || (r = region_of(w, c)) == NULL ||
	    c >= r->walked_to || !bit_get(r->starts, (c - r->start) / GL_ALIGN)) {
		*why = "is not a chunk of the heaps";
		return NULL;
	}
	if (bit_get(r->free, (c - r->start) / GL_ALIGN) != want_free) {
		*why = want_free ? "is in use by the heap walk" :
		    "is free by the heap walk";
		return NULL;
	}
	if (source_read_exact(w->src, c, b, 32, NULL) != 0) {
		*why = "cannot be read";
		return NULL;
	}
	sz = gl_get64(b + 8) & ~(uint64_t)GL_FLAGS;
	if (want_size != 0 && sz != want_size) {
		*why = "has the wrong size for its list";
		return NULL;
	}
	return r;
}

/* Whole pages of a free chunk past its links, as mtrim() madvises them. */
static uint64_t
trimmable(uint64_t p, uint64_t sz)
{
	uint64_t pal = (p + 48 + GL_PAGE - 1) & ~(uint64_t)(GL_PAGE - 1);

	if (sz <= GL_PAGE - 1 + 48 || pal >= p + sz)
		return 0;
	return (p + sz - pal) & ~(uint64_t)(GL_PAGE - 1);
}

static void
walk_bin(struct gl_walk *w, size_t ai, const uint8_t *ms, unsigned i)
{
	struct glibc_arena *a = &w->gm->arenas[ai];
	uint64_t bin = gl_bin_at(a->addr, i), prev = bin;
	uint64_t p = gl_get64(ms + GL_MS_BINS + 16 * (i - 1));
	const char *why = NULL;
	uint8_t b[32];

	while (p != bin) {
		struct gl_region *r = entry_check(w, p, 1, 0, b, &why);
		uint64_t sz = gl_get64(b + 8) & ~(uint64_t)GL_FLAGS;

		if (r != NULL && r->arena != ai)
			why = "is in another arena's heap";
		else if (r != NULL && gl_get64(b + 24) != prev)
			why = "has a bk that is not its predecessor";
		else if (r != NULL && i > 1 && gl_bin_index(sz) != i)
			why = "has a size of another bin";
		else if (r != NULL && !set_add(&w->seen, p))
			why = "is on a list twice (a loop)";
		if (why != NULL) {
			gl_invalid(a, "bin %u: chunk 0x%" PRIx64 " %s", i, p, why);
			return;
		}
		a->bin_chunks++;
		a->bin_bytes += sz;
		a->trimmable_bytes += trimmable(p, sz);
		prev = p;
		p = gl_get64(b + 16);
	}
}

static void
walk_fastbin(struct gl_walk *w, size_t ai, const uint8_t *ms, unsigned i)
{
	struct glibc_arena *a = &w->gm->arenas[ai];
	uint64_t p = gl_get64(ms + GL_MS_FASTBINS + 8 * i);
	const char *why = NULL;
	uint8_t b[32];

	while (p != 0) {
		struct gl_region *r = entry_check(w, p, 0, 32 + 16 * i, b, &why);

		if (r != NULL && r->arena != ai)
			why = "is in another arena's heap";
		else if (r != NULL && !set_add(&w->seen, p))
			why = "is on a list twice (a loop)";
		if (why != NULL) {
			gl_invalid(a, "fastbin %u: chunk 0x%" PRIx64 " %s", i, p,
			    why);
			return;
		}
		a->fast_chunks++;
		a->fast_bytes += 32 + 16 * i;
		if (r->fast != NULL)
			bit_set(r->fast, (p - r->start) / GL_ALIGN);
		p = gl_reveal(p + 16, gl_get64(b + 16));
	}
}

/* Counts entry e (the user pointer of a chunk of r) of tcache bin i. */
static void
tcache_count(struct gl_walk *w, const struct gl_region *r, uint64_t e,
    unsigned i)
{
	struct glibc_arena *a = &w->gm->arenas[r->arena];

	a->tcache_chunks++;
	a->tcache_bytes += 32 + 16 * i;
	if (r->tcache != NULL)
		bit_set(r->tcache, (e - GL_HDR - r->start) / GL_ALIGN);
}

/*
 * Bin i of the tcache at chunk t, count entries from *e on: each the user
 * pointer of a chunk of the bin's size, its next link safe-linked, its key
 * tcache_key (2.34+: one value for all threads) or the tcache itself
 * (older).  NULL, or why not, with *e the entry that failed; *n counts the
 * entries met.  commit 0 only checks; 1 also counts the entries.
 */
static const char *
tcache_bin(struct gl_walk *w, uint64_t t, unsigned i, unsigned count,
    uint64_t *e, int commit, unsigned *n)
{
	unsigned k;
	uint8_t b[32];

	for (k = 0; *e != 0; k++) {
		const char *why = NULL;
		struct gl_region *r;
		uint64_t key;

		if (k == count)
			return "has more entries than its count";
		if ((r = entry_check(w, *e - GL_HDR, 0, 32 + 16 * i, b, &why)) ==
		    NULL)
			return why;
		key = gl_get64(b + 24);
		if (key != t + GL_HDR && w->tcache_key == 0 && commit)
			w->tcache_key = key;
		if (key != t + GL_HDR && key != w->tcache_key)
			return "has a key that is not tcache_key";
		if (commit ? !set_add(&w->seen, *e - GL_HDR) :
		    set_has(&w->seen, *e - GL_HDR))
			return "is on a list twice (a loop)";
		if (commit)
			tcache_count(w, r, *e, i);
		(*n)++;
		*e = gl_reveal(*e, gl_get64(b + 16));
	}
	return k == count ? NULL : "has fewer entries than its count";
}

/*
 * One thread's tcache at chunk t: counts[64] then entries[64].  commit 0
 * only checks (every entry sound, at least one); commit 1 counts the
 * entries, and a failure cuts that bin as INVALID.  Returns 0 or -1.
 */
static int
walk_tcache(struct gl_walk *w, uint64_t t, int commit)
{
	uint8_t tc[GL_HDR + GL_TCACHE_ENTRIES + 8 * GL_TCACHE_BINS], b[32];
	struct gl_region *tr;
	const char *why = NULL;
	unsigned i, n = 0;

	tr = entry_check(w, t, 0, GL_TCACHE_STRUCT, b, &why);
	if (tr == NULL || source_read_exact(w->src, t, tc, sizeof tc, NULL) != 0)
		return -1;
	for (i = 0; i < GL_TCACHE_BINS; i++) {
		uint64_t e = gl_get64(tc + GL_HDR + GL_TCACHE_ENTRIES + 8 * i);
		unsigned count = tc[GL_HDR + 2 * i] | tc[GL_HDR + 2 * i + 1] << 8;

		if ((why = tcache_bin(w, t, i, count, &e, commit, &n)) == NULL)
			continue;
		if (!commit)
			return -1;
		gl_invalid(&w->gm->arenas[tr->arena], "tcache 0x%" PRIx64
		    " bin %u: entry 0x%" PRIx64 " %s", t, i, e, why);
		w->gm->tcache_invalid++;
	}
	return commit || n > 0 ? 0 : -1;
}

/* The first chunk of the main heap or of a thread arena's first heap:
 * where a thread's first malloc put its tcache. */
static int
first_of_arena(const struct gl_walk *w, const struct gl_region *r)
{
	const struct glibc_arena *a = &w->gm->arenas[r->arena];

	return r->start == (a->is_main ? r->start :
	    first_chunk_after(a->addr + GL_MS_SIZE));
}

static void
walk_tcaches(struct gl_walk *w)
{
	size_t i;

	for (i = 0; i < w->nregions; i++)
		if (first_of_arena(w, &w->regions[i]) &&
		    walk_tcache(w, w->regions[i].start, 1) == 0)
			w->gm->ntcaches++;
	/* A thread that shares an arena has its tcache further in: taken
	 * only when every entry checks out and there is one. */
	for (i = 0; i < w->ncands; i++) {
		uint64_t c = w->tcache_cands[i];
		const struct gl_region *r = region_of(w, c);

		if (r != NULL && c == r->start && first_of_arena(w, r))
			continue;
		if (walk_tcache(w, c, 0) == 0 && walk_tcache(w, c, 1) == 0)
			w->gm->ntcaches++;
	}
}

static void
arena_figures(struct gl_walk *w, size_t ai)
{
	struct glibc_arena *a = &w->gm->arenas[ai];
	const struct gl_sums *s = sums_of(w, ai);
	uint64_t cached = a->fast_chunks + a->tcache_chunks;

	a->used_chunks = s->used_chunks > cached ? s->used_chunks - cached : 0;
	a->used_bytes = s->used_bytes > a->fast_bytes + a->tcache_bytes ?
	    s->used_bytes - a->fast_bytes - a->tcache_bytes : 0;
	if (s->free_chunks != a->bin_chunks || s->free_bytes != a->bin_bytes)
		gl_invalid(a, "the walk found %" PRIu64 " free chunks (%" PRIu64
		    " bytes), the bins %" PRIu64 " (%" PRIu64 " bytes)",
		    s->free_chunks, s->free_bytes, a->bin_chunks, a->bin_bytes);
	if (a->is_main && a->top_bytes > GL_MINSIZE + 1)
		a->trimmable_bytes += (a->top_bytes - GL_MINSIZE - 1) &
		    ~(uint64_t)(GL_PAGE - 1);
}

static void
add_total(struct glibc_arena *t, const struct glibc_arena *a)
{
	t->nheaps += a->nheaps;
	t->system_mem += a->system_mem;
	t->top_bytes += a->top_bytes;
	t->used_chunks += a->used_chunks;
	t->used_bytes += a->used_bytes;
	t->bin_chunks += a->bin_chunks;
	t->bin_bytes += a->bin_bytes;
	t->fast_chunks += a->fast_chunks;
	t->fast_bytes += a->fast_bytes;
	t->tcache_chunks += a->tcache_chunks;
	t->tcache_bytes += a->tcache_bytes;
	t->overhead_bytes += a->overhead_bytes;
	t->trimmable_bytes += a->trimmable_bytes;
	t->invalid_bytes += a->invalid_bytes;
	t->invalid += a->invalid;
}

/* int_mallinfo() over every arena, then __libc_mallinfo2's main-arena-only
 * fields (hblks, hblkhd from the mmapped chunks, keepcost). */
void
gl_mallinfo(struct glibc_malloc *gm)
{
	struct glibc_mallinfo *m = &gm->mi;
	size_t i;

	memset(m, 0, sizeof *m);
	for (i = 0; i < gm->narenas; i++) {
		const struct glibc_arena *a = &gm->arenas[i];
		uint64_t avail = a->top_bytes + a->fast_bytes + a->bin_bytes;

		m->ordblks += 1 + a->bin_chunks;
		m->smblks += a->fast_chunks;
		m->fsmblks += a->fast_bytes;
		m->fordblks += avail;
		m->uordblks += a->system_mem - avail;
		m->arena += a->system_mem;
		if (a->is_main)
			m->keepcost = a->top_bytes;
	}
	m->hblks = gm->mmapped_chunks;
	m->hblkhd = gm->mmapped_bytes;
}

void
glibc_malloc_totals(struct glibc_malloc *gm)
{
	size_t i;

	memset(&gm->total, 0, sizeof gm->total);
	for (i = 0; i < gm->narenas; i++)
		add_total(&gm->total, &gm->arenas[i]);
	gl_mallinfo(gm);
}

void
gl_walk_lists(struct gl_walk *w, const uint8_t *const *ms)
{
	struct glibc_malloc *gm = w->gm;
	size_t i;
	unsigned b;

	if (w->nregions > 1)
		qsort(w->regions, w->nregions, sizeof *w->regions, cmp_region);
	for (i = 0; i < gm->narenas; i++) {
		for (b = 1; b < GL_NBINS; b++)
			walk_bin(w, i, ms[i], b);
		for (b = 0; b < GL_NFASTBINS; b++)
			walk_fastbin(w, i, ms[i], b);
	}
	walk_tcaches(w);
	for (i = 0; i < gm->narenas; i++)
		arena_figures(w, i);
	glibc_malloc_totals(gm);
}

void
gl_walk_free(struct gl_walk *w)
{
	size_t i;

	for (i = 0; i < w->nregions; i++) {
		free(w->regions[i].starts);
		free(w->regions[i].free);
		free(w->regions[i].fast);
		free(w->regions[i].tcache);
	}
	free(w->regions);
	free(w->seen.slot);
	free(w->tcache_cands);
	free(w->sums);
	memset(w, 0, sizeof *w);
}

/* ---- the map (GLIBC_READ_MAP) ------------------------------------------- */

static void
map_add(struct glibc_malloc *gm, size_t *cap, uint64_t addr, uint64_t size,
    enum glibc_kind kind)
{
	if (size == 0)
		return;
	if (gm->nchunks == GLIBC_MAP_MAX_CHUNKS) {
		gm->map_cut = 1;
		return;
	}
	if (gm->nchunks == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		gm->chunks = xreallocarray(gm->chunks, *cap, sizeof *gm->chunks);
	}
	gm->chunks[gm->nchunks++] = (struct glibc_chunk){ .addr = addr,
	    .size = size, .kind = kind };
}

static enum glibc_kind
chunk_kind(const struct gl_region *r, uint64_t b)
{
	if (bit_get(r->free, b))
		return GLIBC_BIN;
	if (bit_get(r->fast, b))
		return GLIBC_FAST;
	if (bit_get(r->tcache, b))
		return GLIBC_TCACHE;
	return GLIBC_USED;
}

/* The chunks of r: each start bit to the next, then what follows the
 * walk (INVALID bytes, a fencepost, top). */
static void
map_region(struct gl_walk *w, const struct gl_region *r, size_t *cap)
{
	struct glibc_malloc *gm = w->gm;
	uint64_t nb = (r->walked_to - r->start) / GL_ALIGN, b, last = nb;
	struct glibc_heap *h;

	gm->heaps = xreallocarray(gm->heaps, gm->nheaps + 1, sizeof *gm->heaps);
	h = &gm->heaps[gm->nheaps++];
	*h = (struct glibc_heap){ .base = r->base, .start = r->start,
	    .end = r->end, .arena = r->arena, .first = gm->nchunks };
	if (!w->want_map)
		return;
	for (b = 0; b < nb; b++) {
		if ((r->starts[b >> 3] >> (b & 7) & 1) == 0) {
			if ((b & 7) == 0 && r->starts[b >> 3] == 0)
				b += 7;
			continue;
		}
		if (last != nb)
			map_add(gm, cap, r->start + last * GL_ALIGN,
			    (b - last) * GL_ALIGN, chunk_kind(r, last));
		last = b;
	}
	if (last != nb)
		map_add(gm, cap, r->start + last * GL_ALIGN,
		    r->walked_to - (r->start + last * GL_ALIGN),
		    chunk_kind(r, last));
	if (r->fenced)
		map_add(gm, cap, r->walked_to, r->end - r->walked_to,
		    GLIBC_OVERHEAD);
	else
		map_add(gm, cap, r->walked_to, r->stop - r->walked_to,
		    GLIBC_INVALID);
	if (r->top != 0)
		map_add(gm, cap, r->top, r->end - r->top, GLIBC_TOP);
	h->n = gm->nchunks - h->first;
}

void
gl_walk_map(struct gl_walk *w)
{
	size_t i, cap = 0;

	for (i = 0; i < w->nregions; i++)
		map_region(w, &w->regions[i], &cap);
}

const struct glibc_chunk *
glibc_chunk_at(const struct glibc_malloc *gm, uint64_t addr)
{
	size_t lo = 0, hi = gm->nchunks;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct glibc_chunk *c = &gm->chunks[mid];

		if (c->addr > addr)
			hi = mid;
		else if (addr - c->addr >= c->size)
			lo = mid + 1;
		else
			return c;
	}
	return NULL;
}
