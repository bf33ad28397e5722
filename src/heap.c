#include "config.h"

#include "glibc.h"
#include "heap.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

struct heap *
heap_new(const struct heap_layout *layout, enum heap_level level)
{
	struct heap *h = xcalloc(1, sizeof *h);

	h->layout = *layout;
	h->level = level;
	h->counters.arenas_allocated_total = -1;
	h->counters.arenas_highwater = -1;
	h->counters.map_mid_nodes = -1;
	h->counters.map_bot_nodes = -1;
	h->counters.debug_malloc_calls = -1;
	return h;
}

struct heap_arena *
heap_add_arena(struct heap *h, uint32_t index, uint64_t address, uint32_t npools)
{
	struct heap_arena *a;
	uint64_t ps = h->layout.pool_size;

	if (h->narenas == h->arenas_cap) {
		h->arenas_cap = h->arenas_cap ? h->arenas_cap * 2 : 16;
		h->arenas = xreallocarray(h->arenas, h->arenas_cap, sizeof *h->arenas);
	}
	a = &h->arenas[h->narenas++];
	memset(a, 0, sizeof *a);
	a->index = index;
	a->address = address;
	a->first_pool = ps ? (address + ps - 1) / ps * ps : address;
	a->npools = npools;
	a->pools = xcalloc(npools, sizeof *a->pools);
	return a;
}

void
heap_types_init(struct heap *h)
{
	if (h->ntypes == 0)
		heap_type_add(h, HEAP_TYPE_RAW_NAME, 0);
}

uint32_t
heap_type_add(struct heap *h, const char *name, uint32_t flags)
{
	if (h->ntypes > HEAP_TYPES_MAX)
		return HEAP_TYPE_RAW;
	if (h->ntypes == h->types_cap) {
		h->types_cap = h->types_cap ? h->types_cap * 2 : 64;
		h->types = xreallocarray(h->types, h->types_cap, sizeof *h->types);
	}
	h->types[h->ntypes].name = xstrdup(name);
	h->types[h->ntypes].flags = flags;
	return h->ntypes++;
}

static int
arena_cmp(const void *pa, const void *pb)
{
	const struct heap_arena *a = pa, *b = pb;

	return a->address < b->address ? -1 : a->address > b->address;
}

const struct heap_value *
heap_value_in(const struct heap *h, uint64_t addr, uint32_t size)
{
	size_t first;

	if (heap_values_range(h, addr, addr + size, &first) == 0)
		return NULL;
	return &h->values[first];
}

void
heap_finish(struct heap *h)
{
	if (h->narenas > 1)
		qsort(h->arenas, h->narenas, sizeof *h->arenas, arena_cmp);
}

void
heap_value_add(struct heap *h, uint64_t address, uint32_t type,
    const char *text)
{
	if (h->nvalues == h->values_cap) {
		h->values_cap = h->values_cap ? h->values_cap * 2 : 64;
		h->values = xreallocarray(h->values, h->values_cap,
		    sizeof *h->values);
	}
	h->values[h->nvalues].address = address;
	h->values[h->nvalues].type = type;
	h->values[h->nvalues++].text = xstrdup(text);
	h->has_values = 1;
}

static int
value_cmp(const void *pa, const void *pb)
{
	const struct heap_value *a = pa, *b = pb;

	return a->address < b->address ? -1 : a->address > b->address;
}

void
heap_values_sort(struct heap *h)
{
	if (h->nvalues > 1)
		qsort(h->values, h->nvalues, sizeof *h->values, value_cmp);
}

size_t
heap_values_range(const struct heap *h, uint64_t lo, uint64_t hi,
    size_t *first)
{
	size_t l = 0, r = h->nvalues, i;

	while (l < r) {
		size_t m = l + (r - l) / 2;

		if (h->values[m].address < lo)
			l = m + 1;
		else
			r = m;
	}
	*first = l;
	for (i = l; i < h->nvalues && h->values[i].address < hi; i++)
		;
	return i - l;
}

void
heap_free(struct heap *h)
{
	size_t i;
	uint32_t p;
	int k;

	if (h == NULL)
		return;
	for (i = 0; i < h->narenas; i++) {
		for (p = 0; p < h->arenas[i].npools; p++) {
			free(h->arenas[i].pools[p].blocks);
			free(h->arenas[i].pools[p].tpack);
		}
		free(h->arenas[i].pools);
	}
	free(h->arenas);
	for (i = 0; i < h->ntypes; i++)
		free(h->types[i].name);
	free(h->types);
	for (i = 0; i < h->nvalues; i++)
		free(h->values[i].text);
	free(h->values);
	free(h->resident);
	glibc_malloc_free(h->malloc_figures);
	free(h->process.exe);
	free(h->process.python);
	if (h->process.argv != NULL) {
		for (k = 0; h->process.argv[k] != NULL; k++)
			free(h->process.argv[k]);
		free(h->process.argv);
	}
	free(h);
}

uint32_t
heap_block_size(const struct heap_layout *l, unsigned szidx)
{
	return (szidx + 1) * l->alignment;
}

uint32_t
heap_blocks_per_pool(const struct heap_layout *l, unsigned szidx)
{
	return (l->pool_size - l->pool_overhead) / heap_block_size(l, szidx);
}

uint64_t
heap_pool_address(const struct heap *h, const struct heap_arena *a, uint32_t i)
{
	return a->first_pool + (uint64_t)i * h->layout.pool_size;
}

enum block_state
heap_block_state(const struct heap *h, const struct heap_pool *p, uint32_t i)
{
	uint32_t size = heap_block_size(&h->layout, p->szidx);
	uint64_t off = h->layout.pool_overhead + (uint64_t)i * size;

	switch (p->state) {
	case POOL_FULL:
		return off < p->nextoffset ? BLOCK_ALLOCATED : BLOCK_UNTOUCHED;
	case POOL_USED:
		if (p->blocks != NULL)
			return heap_blocks_get(p->blocks, i);
		return off < p->nextoffset ? BLOCK_ALLOCATED : BLOCK_UNTOUCHED;
	default:
		return off < p->nextoffset && p->state == POOL_EMPTY ?
		    BLOCK_FREE : BLOCK_UNTOUCHED;
	}
}

const char *
heap_pool_state_name(enum pool_state s)
{
	static const char *const names[POOL_NSTATES] = {
		[POOL_FULL] = "full",
		[POOL_USED] = "used",
		[POOL_EMPTY] = "empty",
		[POOL_UNTOUCHED] = "untouched",
		[POOL_INVALID] = "invalid",
	};

	return (unsigned)s < POOL_NSTATES ? names[s] : "invalid";
}

uint8_t *
heap_blocks_new(uint32_t nblocks)
{
	return xcalloc((nblocks + 3) / 4, 1);
}

/* Bits a block for a palette of npal values: 0 (one value), 1, 2, 4, 8. */
static unsigned
palette_bits(uint32_t npal)
{
	return npal <= 1 ? 0 : npal <= 2 ? 1 : npal <= 4 ? 2 : npal <= 16 ? 4 : 8;
}

/* The palette indices ix[0..n) into idx at bits a block, a byte at a
 * time (ix is zero up to the next multiple of 8); inline with a constant
 * bits, so that each case is a plain unrolled loop. */
static inline void
pack_bits(uint8_t *idx, const uint8_t *ix, uint32_t n, unsigned bits)
{
	unsigned per = 8 / bits, k;
	uint32_t j, nbytes = (n * bits + 7) / 8;

	for (j = 0; j < nbytes; j++) {
		unsigned b = 0;

		for (k = 0; k < per; k++)
			b |= (unsigned)ix[j * per + k] << (k * bits);
		idx[j] = (uint8_t)b;
	}
}

static inline void
unpack_bits(uint16_t *v, const uint16_t *pal, const uint8_t *idx, uint32_t n,
    unsigned bits)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		v[i] = pal[(idx[i * bits / 8] >> (i * bits % 8)) &
		    ((1u << bits) - 1)];
}

void
heap_pool_types_set(struct heap_pool *p, const uint16_t *v, uint32_t n)
{
	/* value -> its palette index + 1 (0: not met yet), cleared after
	 * each pool; one table per thread (reader threads pack at once) */
	static _Thread_local uint16_t slot[1u << 16];
	uint16_t pal[256];
	uint8_t stack[1024 + 8], *ix;
	uint32_t npal = 0, i, k;
	unsigned bits;
	uint8_t *idx;

	heap_pool_types_free(p);
	p->typed = 1;
	ix = n <= 1024 ? stack : xmalloc((size_t)n + 8);
	/* the palette in the order of first use: the form depends on v only */
	for (i = 0; i < n; i++) {
		uint32_t s = slot[v[i]];

		if (s == 0) {
			if (npal == 256)
				break;
			pal[npal] = v[i];
			s = slot[v[i]] = (uint16_t)++npal;
		}
		ix[i] = (uint8_t)(s - 1);
	}
	for (k = 0; k < npal; k++)
		slot[pal[k]] = 0;
	memset(ix + n, 0, 8);	/* the last byte's unused places */
	bits = palette_bits(npal);
	if (i < n) {
		p->tbits = 16;
		p->tpack = xmalloc((size_t)n * sizeof *v);
		memcpy(p->tpack, v, (size_t)n * sizeof *v);
	} else if (bits == 0) {
		p->tone = npal > 0 ? pal[0] : HEAP_TYPE_RAW;
	} else {
		p->tbits = (uint8_t)bits;
		p->tpack = xcalloc(heap_pool_types_bytes(p, n), 1);
		memcpy(p->tpack, pal, npal * sizeof *pal);
		idx = p->tpack + (sizeof(uint16_t) << bits);
		switch (bits) {
		case 1: pack_bits(idx, ix, n, 1); break;
		case 2: pack_bits(idx, ix, n, 2); break;
		case 4: pack_bits(idx, ix, n, 4); break;
		default: pack_bits(idx, ix, n, 8); break;
		}
	}
	if (ix != stack)
		free(ix);
}

void
heap_pool_types_get(const struct heap_pool *p, uint16_t *v, uint32_t n)
{
	const uint16_t *pal = (const uint16_t *)(const void *)p->tpack;
	const uint8_t *idx = p->tpack;
	uint32_t i;

	if (p->typed && p->tbits > 0 && p->tbits < 16)
		idx += sizeof(uint16_t) << p->tbits;
	switch (p->typed ? p->tbits : 0) {
	case 0:
		for (i = 0; i < n; i++)
			v[i] = p->typed ? p->tone : HEAP_TYPE_RAW;
		break;
	case 1: unpack_bits(v, pal, idx, n, 1); break;
	case 2: unpack_bits(v, pal, idx, n, 2); break;
	case 4: unpack_bits(v, pal, idx, n, 4); break;
	case 8: unpack_bits(v, pal, idx, n, 8); break;
	default:
		memcpy(v, p->tpack, (size_t)n * sizeof *v);
		break;
	}
}

void
heap_pool_type_put(struct heap_pool *p, uint32_t i, uint32_t v, uint32_t n)
{
	uint16_t *all;

	if (i >= n)
		return;
	all = xmalloc((size_t)n * sizeof *all);
	heap_pool_types_get(p, all, n);
	all[i] = (uint16_t)v;
	heap_pool_types_set(p, all, n);
	free(all);
}

void
heap_pool_types_free(struct heap_pool *p)
{
	free(p->tpack);
	p->tpack = NULL;
	p->tone = 0;
	p->tbits = 0;
	p->typed = 0;
}

size_t
heap_types_bytes(const struct heap *h)
{
	size_t i, n = 0;
	uint32_t p;

	for (i = 0; i < h->narenas; i++) {
		const struct heap_arena *a = &h->arenas[i];

		for (p = 0; p < a->npools; p++)
			if (a->pools[p].typed &&
			    a->pools[p].szidx < h->layout.nclasses)
				n += heap_pool_types_bytes(&a->pools[p],
				    heap_blocks_per_pool(&h->layout,
				    a->pools[p].szidx));
	}
	return n;
}

size_t
heap_pool_types_bytes(const struct heap_pool *p, uint32_t n)
{
	if (!p->typed || p->tbits == 0)
		return 0;
	if (p->tbits == 16)
		return (size_t)n * sizeof(uint16_t);
	return (sizeof(uint16_t) << p->tbits) + ((size_t)n * p->tbits + 7) / 8;
}

void
heap_pool_types_copy(struct heap_pool *dst, const struct heap_pool *src,
    uint32_t n)
{
	size_t len = heap_pool_types_bytes(src, n);

	dst->typed = src->typed;
	dst->tbits = src->tbits;
	dst->tone = src->tone;
	dst->tpack = len > 0 ? memcpy(xmalloc(len), src->tpack, len) : NULL;
}

int
heap_pool_types_equal(const struct heap_pool *a, const struct heap_pool *b,
    uint32_t n)
{
	size_t len = heap_pool_types_bytes(a, n);

	if (!a->typed && !b->typed)
		return 1;	/* whatever the other fields were left at */
	if (a->typed != b->typed || a->tbits != b->tbits || a->tone != b->tone)
		return 0;
	return len == 0 || memcmp(a->tpack, b->tpack, len) == 0;
}

static uint16_t
map_value(uint32_t v, const uint32_t *map, size_t nmap)
{
	uint32_t t = HEAP_TYPE_INDEX(v);

	return (uint16_t)((t < nmap ? map[t] : HEAP_TYPE_RAW) |
	    (v & HEAP_TYPE_UNTRACKED));
}

/*
 * The palette mapped in place keeps the form heap_pool_types_set would
 * give the mapped values when the mapped entries stay distinct and the
 * unused ones (0) stay 0.  Says whether it could.
 */
static int
map_palette(struct heap_pool *p, const uint32_t *map, size_t nmap)
{
	uint16_t *pal = (uint16_t *)(void *)p->tpack, out[16];
	uint32_t npal = 1u << p->tbits, k, j;

	if (npal > 16 || nmap == 0 || map[HEAP_TYPE_RAW] != HEAP_TYPE_RAW)
		return 0;
	for (k = 0; k < npal; k++) {
		out[k] = map_value(pal[k], map, nmap);
		if (out[k] == HEAP_TYPE_RAW && pal[k] != HEAP_TYPE_RAW)
			return 0;
		for (j = 0; j < k; j++)
			if (out[j] == out[k] && pal[j] != pal[k])
				return 0;
	}
	memcpy(pal, out, npal * sizeof *pal);
	return 1;
}

void
heap_pool_types_map(struct heap_pool *p, const uint32_t *map, size_t nmap,
    uint32_t n)
{
	uint16_t stack[1024], *v;
	uint32_t i;

	if (!p->typed || n == 0)
		return;
	if (p->tbits == 0) {
		p->tone = map_value(p->tone, map, nmap);
		return;
	}
	if (p->tbits < 16 && map_palette(p, map, nmap))
		return;
	v = n <= 1024 ? stack : xmalloc((size_t)n * sizeof *v);
	heap_pool_types_get(p, v, n);
	for (i = 0; i < n; i++)
		v[i] = map_value(v[i], map, nmap);
	heap_pool_types_set(p, v, n);
	if (v != stack)
		free(v);
}
