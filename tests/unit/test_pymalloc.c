/*
 * The pymalloc layer on hand-built address spaces.
 *
 * A small simulator below carves pools, allocates and frees blocks exactly
 * as obmalloc.c does (PYMALLOC.md, "How pools and blocks behave"), writing
 * the bytes into arena buffers and keeping its own record of which blocks it
 * handed out.  The buffers source serves those bytes, the arena table and
 * the allocator's variables to py_open_state / pymalloc_capture and to the
 * symbol-free discovery of py_find_state.  Every expectation comes from the
 * simulator's record or from numbers worked out by hand, never from the
 * code under test.
 */
#include "config.h"

#include "check.h"
#include "heap_stats.h"
#include "pymalloc.h"
#include "pymalloc_internal.h"
#include "render.h"
#include "util.h"

#include <sys/resource.h>
#include <sys/wait.h>

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HV_TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define HV_TEST_ASAN 1
#endif

/* The fake address space. */
#define DATA_ADDR	0x555555780000ull	/* interpreter data: statics */
#define DATA_LEN	0x1000u
#define ROOT_ADDR	(DATA_ADDR + DATA_LEN)	/* 3.10/3.11 arena_map_root */
#define BSS_ADDR	0x5555557e0000ull	/* data holding a struct state */
#define STRUCT_OFF	0x40u
#define STRUCT_LEN	(PY_STATE_MAP_ROOT + 256u * 1024 + 8)
#define HEAP_ADDR	0x555556000000ull	/* [heap]: table, radix nodes */
#define TABLE_ADDR	HEAP_ADDR
#define MID_ADDR	(HEAP_ADDR + 0x10000)
#define BOT_ADDR	(HEAP_ADDR + 0x60000)
#define HEAP_LEN	0x100000u
#define ARENA_BASE	0x7f0000000000ull	/* slot i: ARENA_BASE + i * 4 MiB */
#define ARENA_STRIDE	0x400000ull

/* 3.6 - 3.11 statics in the data region, in the order GCC lays them out. */
#define D_USEDPOOLS	0x100u
#define D_HIGHWATER	0x300u
#define D_NTIMES	0x308u
#define D_CURRENT	0x310u
#define D_NFP2LASTA	0x318u
#define D_USABLE	0x520u
#define D_UNUSED	0x528u
#define D_MAXARENAS	0x530u
#define D_ARENAS	0x538u

/* struct pool_header fields. */
#define H_COUNT		0
#define H_FREEBLOCK	8
#define H_NEXTPOOL	16
#define H_PREVPOOL	24
#define H_ARENAINDEX	32
#define H_SZIDX		36
#define H_NEXTOFFSET	40
#define H_MAXNEXT	44

#define MAXARENAS	16u
#define MAXBLOCKS	1024u
#define DUMMY_SIZE_IDX	0xffffu

struct farena {
	uint64_t	 addr;		/* 0: slot unused */
	int		 unmapped;	/* no memory behind addr */
	uint8_t		*bytes;
	uint64_t	 pool_address;
	uint32_t	 nfreepools;
	uint32_t	 ntotalpools;
	uint64_t	 freepools;
	uint8_t		(*alloc)[MAXBLOCKS];	/* handed out, not freed */
};

struct fake {
	const struct py_layout		*pl;
	const struct heap_layout	*l;
	char				 version[16];
	struct farena			 a[MAXARENAS];
	uint64_t			 ntimes, highwater, current;
	int				 map;	/* build a radix tree (3.10+) */
};

static uint32_t rng_state = 12345;
/* Reader threads of every capture (py_set_threads); the re-read hook must
 * run on the thread that started the capture. */
static unsigned test_threads = 1;
static pthread_t main_thread;

static uint32_t
rng(uint32_t n)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return (rng_state >> 8) % n;
}

/* ---- the simulator -------------------------------------------------- */

static struct fake *
fake_new(int major, int minor)
{
	struct fake *f = xcalloc(1, sizeof *f);

	f->pl = py_layout_find(major, minor);
	if (f->pl == NULL)
		util_fatal("no layout for %d.%d", major, minor);
	f->l = &f->pl->geometry;
	snprintf(f->version, sizeof f->version, "%d.%d", major, minor);
	return f;
}

static void
fake_free(struct fake *f)
{
	unsigned i;

	for (i = 0; i < MAXARENAS; i++) {
		free(f->a[i].bytes);
		free(f->a[i].alloc);
	}
	free(f);
}

static uint64_t
first_pool(const struct fake *f, unsigned slot)
{
	uint64_t ps = f->l->pool_size;

	return (f->a[slot].addr + ps - 1) / ps * ps;
}

static uint64_t
pool_addr(const struct fake *f, unsigned slot, uint32_t p)
{
	return first_pool(f, slot) + (uint64_t)p * f->l->pool_size;
}

static uint8_t *
pool_bytes(struct fake *f, unsigned slot, uint32_t p)
{
	return f->a[slot].bytes + (pool_addr(f, slot, p) - f->a[slot].addr);
}

static uint32_t
pool_index(const struct fake *f, unsigned slot, uint64_t pool)
{
	return (uint32_t)((pool - first_pool(f, slot)) / f->l->pool_size);
}

static uint32_t
hd32(struct fake *f, unsigned slot, uint32_t p, int off)
{
	return py_load32(pool_bytes(f, slot, p) + off);
}

static uint64_t
hd64(struct fake *f, unsigned slot, uint32_t p, int off)
{
	return py_load64(pool_bytes(f, slot, p) + off);
}

/* new_arena(): addr 0 picks the slot's usual (pool-aligned) address. */
static void
arena_new(struct fake *f, unsigned slot, uint64_t addr)
{
	struct farena *a = &f->a[slot];

	a->addr = addr != 0 ? addr : ARENA_BASE + slot * ARENA_STRIDE;
	a->bytes = xcalloc(f->l->arena_size, 1);
	a->ntotalpools = py_arena_npools(f->l, a->addr);
	a->nfreepools = a->ntotalpools;
	a->pool_address = first_pool(f, slot);
	a->alloc = xcalloc(a->ntotalpools, sizeof *a->alloc);
	f->ntimes++;
	f->current++;
	if (f->current > f->highwater)
		f->highwater = f->current;
}

/* An arena whose pools are all empty goes back to the OS. */
static void
arena_release(struct fake *f, unsigned slot)
{
	struct farena *a = &f->a[slot];

	free(a->bytes);
	free(a->alloc);
	memset(a, 0, sizeof *a);
	f->current--;
}

/* What an allocated block holds: an object whose second word looks like
 * a free-list link into the same pool, which a walker must not follow. */
static void
fill_block(struct fake *f, unsigned slot, uint32_t p, uint32_t b)
{
	uint32_t size = heap_block_size(f->l, hd32(f, slot, p, H_SZIDX));
	uint8_t *bp = pool_bytes(f, slot, p) + PY_POOL_HEADER_SIZE + b * size;

	put64(bp, 1 + b);
	put64(bp + 8, pool_addr(f, slot, p) + PY_POOL_HEADER_SIZE);
	f->a[slot].alloc[p][b] = 1;
}

static uint32_t
block_of(struct fake *f, unsigned slot, uint32_t p, uint64_t bp)
{
	uint32_t size = heap_block_size(f->l, hd32(f, slot, p, H_SZIDX));

	return (uint32_t)((bp - pool_addr(f, slot, p) - PY_POOL_HEADER_SIZE) /
	    size);
}

/* pymalloc_alloc() when usedpools[szidx] is empty: a pool from the arena's
 * freepools, else carved at pool_address; returns the pool, whose first
 * block is handed out. */
static uint32_t
pool_new(struct fake *f, unsigned slot, uint32_t szidx)
{
	struct farena *a = &f->a[slot];
	uint32_t p, size = heap_block_size(f->l, szidx);
	uint64_t pool, bp;
	uint8_t *h;

	if (a->nfreepools == 0)
		util_fatal("arena %u is full", slot);
	if (a->freepools != 0) {
		pool = a->freepools;
		p = pool_index(f, slot, pool);
		a->freepools = hd64(f, slot, p, H_NEXTPOOL);
	} else {
		pool = a->pool_address;
		p = pool_index(f, slot, pool);
		put32(pool_bytes(f, slot, p) + H_ARENAINDEX, slot);
		put32(pool_bytes(f, slot, p) + H_SZIDX, DUMMY_SIZE_IDX);
		a->pool_address += f->l->pool_size;
	}
	a->nfreepools--;
	h = pool_bytes(f, slot, p);
	put64(h + H_NEXTPOOL, DATA_ADDR + D_USEDPOOLS + 16 * szidx - 16);
	put64(h + H_PREVPOOL, DATA_ADDR + D_USEDPOOLS + 16 * szidx - 16);
	put32(h + H_COUNT, 1);
	if (py_load32(h + H_SZIDX) == szidx) {
		/* Same class as before: header and free list are ready. */
		bp = py_load64(h + H_FREEBLOCK);
		put64(h + H_FREEBLOCK, py_load64(h + (bp - pool)));
		fill_block(f, slot, p, block_of(f, slot, p, bp));
		return p;
	}
	put32(h + H_SZIDX, szidx);
	put32(h + H_NEXTOFFSET, PY_POOL_HEADER_SIZE + 2 * size);
	put32(h + H_MAXNEXT, f->l->pool_size - size);
	put64(h + H_FREEBLOCK, pool + PY_POOL_HEADER_SIZE + size);
	put64(h + PY_POOL_HEADER_SIZE + size, 0);
	fill_block(f, slot, p, 0);
	return p;
}

static uint32_t
pool_count(struct fake *f, unsigned slot, uint32_t p)
{
	return hd32(f, slot, p, H_COUNT);
}

static uint32_t
pool_capacity(struct fake *f, unsigned slot, uint32_t p)
{
	return heap_blocks_per_pool(f->l, hd32(f, slot, p, H_SZIDX));
}

/* pymalloc_alloc() on a pool of usedpools: pop freeblock, extend. */
static uint32_t
block_alloc(struct fake *f, unsigned slot, uint32_t p)
{
	uint8_t *h = pool_bytes(f, slot, p);
	uint64_t pool = pool_addr(f, slot, p);
	uint64_t bp = py_load64(h + H_FREEBLOCK), next;
	uint32_t size = heap_block_size(f->l, py_load32(h + H_SZIDX));
	uint32_t nextoffset = py_load32(h + H_NEXTOFFSET);

	if (bp == 0)
		util_fatal("alloc in a full pool");
	put32(h + H_COUNT, py_load32(h + H_COUNT) + 1);
	next = py_load64(h + (bp - pool));
	put64(h + H_FREEBLOCK, next);
	if (next == 0 && nextoffset <= py_load32(h + H_MAXNEXT)) {
		put64(h + H_FREEBLOCK, pool + nextoffset);
		put32(h + H_NEXTOFFSET, nextoffset + size);
		put64(h + nextoffset, 0);
	}
	fill_block(f, slot, p, block_of(f, slot, p, bp));
	return block_of(f, slot, p, bp);
}

/* pymalloc_free(): push on freeblock; an emptied pool joins freepools. */
static void
block_free(struct fake *f, unsigned slot, uint32_t p, uint32_t b)
{
	struct farena *a = &f->a[slot];
	uint8_t *h = pool_bytes(f, slot, p);
	uint32_t size = heap_block_size(f->l, py_load32(h + H_SZIDX));
	uint64_t bp = pool_addr(f, slot, p) + PY_POOL_HEADER_SIZE + b * size;

	if (!a->alloc[p][b])
		util_fatal("double free");
	a->alloc[p][b] = 0;
	put64(h + PY_POOL_HEADER_SIZE + b * size, py_load64(h + H_FREEBLOCK));
	put64(h + H_FREEBLOCK, bp);
	put32(h + H_COUNT, py_load32(h + H_COUNT) - 1);
	if (py_load32(h + H_COUNT) == 0) {
		put64(h + H_NEXTPOOL, a->freepools);
		a->freepools = pool_addr(f, slot, p);
		a->nfreepools++;
	}
}

static void
pool_fill(struct fake *f, unsigned slot, uint32_t p)
{
	while (pool_count(f, slot, p) < pool_capacity(f, slot, p))
		block_alloc(f, slot, p);
}

static void
pool_free_all(struct fake *f, unsigned slot, uint32_t p)
{
	uint32_t b;

	for (b = 0; b < MAXBLOCKS; b++)
		if (f->a[slot].alloc[p][b])
			block_free(f, slot, p, b);
}

/* ---- what the simulator says a capture must show -------------------- */

static uint32_t
carved_pools(const struct fake *f, unsigned slot)
{
	return pool_index(f, slot, f->a[slot].pool_address);
}

static enum pool_state
exp_pool(struct fake *f, unsigned slot, uint32_t p)
{
	uint32_t count;

	if (p >= carved_pools(f, slot))
		return POOL_UNTOUCHED;
	if ((count = pool_count(f, slot, p)) == 0)
		return POOL_EMPTY;
	return count == pool_capacity(f, slot, p) ? POOL_FULL : POOL_USED;
}

static enum block_state
exp_block(struct fake *f, unsigned slot, uint32_t p, uint32_t b)
{
	uint32_t size = heap_block_size(f->l, hd32(f, slot, p, H_SZIDX));

	if (f->a[slot].alloc[p][b])
		return BLOCK_ALLOCATED;
	return PY_POOL_HEADER_SIZE + b * size < hd32(f, slot, p, H_NEXTOFFSET) ?
	    BLOCK_FREE : BLOCK_UNTOUCHED;
}

/* ---- the address space ---------------------------------------------- */

static void
write_table(struct fake *f, uint8_t *t)
{
	unsigned i;

	for (i = 0; i < MAXARENAS; i++) {
		struct farena *a = &f->a[i];
		uint8_t *o = t + i * PY_ARENA_OBJECT_SIZE;

		if (a->addr == 0)
			continue;
		put64(o + 0, a->addr);
		put64(o + 8, a->pool_address);
		put32(o + 16, a->nfreepools);
		put32(o + 20, a->ntotalpools);
		put64(o + 24, a->freepools);
	}
}

/* usedpools[2i], [2i+1]: a USED pool of class i, else the list head
 * overlaid on the array (its own address minus 16). */
static void
write_usedpools(struct fake *f, uint8_t *u, uint64_t at)
{
	unsigned c, i;
	uint32_t p;

	for (c = 0; c < 32; c++) {
		uint64_t v = at + 16 * c - 16;

		for (i = 0; i < MAXARENAS; i++) {
			for (p = 0; f->a[i].addr != 0 && p < carved_pools(f, i); p++)
				if (exp_pool(f, i, p) == POOL_USED &&
				    hd32(f, i, p, H_SZIDX) == c)
					v = pool_addr(f, i, p);
		}
		put64(u + 16 * c, v);
		put64(u + 16 * c + 8, v);
	}
}

/* 3.6 - 3.11: the statics, with pointers into the table beside `arenas`
 * (usable_arenas, unused_arena_objects, nfp2lasta) as in a real process. */
static void
write_statics(struct fake *f, uint8_t *d)
{
	write_usedpools(f, d + D_USEDPOOLS, DATA_ADDR + D_USEDPOOLS);
	put64(d + D_HIGHWATER, f->highwater);
	put64(d + D_NTIMES, f->ntimes);
	put64(d + D_CURRENT, f->current);
	put64(d + D_NFP2LASTA + 8 * 60, TABLE_ADDR + PY_ARENA_OBJECT_SIZE);
	put64(d + D_NFP2LASTA + 8 * 63, TABLE_ADDR);
	put64(d + D_USABLE, TABLE_ADDR + PY_ARENA_OBJECT_SIZE);
	put64(d + D_UNUSED, TABLE_ADDR + 15 * PY_ARENA_OBJECT_SIZE);
	put32(d + D_MAXARENAS, MAXARENAS);
	put64(d + D_ARENAS, TABLE_ADDR);
}

static void
write_struct(struct fake *f, uint8_t *s, uint64_t at)
{
	write_usedpools(f, s, at);
	put64(s + PY_STATE_ARENAS, TABLE_ADDR);
	put32(s + PY_STATE_MAXARENAS, MAXARENAS);
	put64(s + 528, TABLE_ADDR + 15 * PY_ARENA_OBJECT_SIZE);
	put64(s + 536, TABLE_ADDR + PY_ARENA_OBJECT_SIZE);
	put64(s + PY_STATE_CURRENT, f->current);
	put64(s + PY_STATE_NTIMES, f->ntimes);
	put64(s + PY_STATE_HIGHWATER, f->highwater);
	/* One mid and one bot node in use. */
	put32(s + PY_STATE_MAP_ROOT + 256 * 1024, 1);
	put32(s + PY_STATE_MAP_ROOT + 256 * 1024 + 4, 1);
}

static unsigned
map_index(const struct py_layout *pl, uint64_t a, unsigned above, unsigned bits)
{
	return (unsigned)(a >> (pl->map_address_bits - above - bits)) &
	    ((1u << bits) - 1);
}

/* 3.10/3.11 radix tree: every arena's 1 MiB-aligned block marked used
 * (aligned arenas only), one mid node and one bot node. */
static void
write_map(struct fake *f, uint8_t *root, uint8_t *heap)
{
	const struct py_layout *pl = f->pl;
	unsigned i, top = 0;

	for (i = 0; i < MAXARENAS; i++) {
		uint64_t a = f->a[i].addr;

		if (a == 0)
			continue;
		top = map_index(pl, a, 0, pl->map_top_bits);
		put64(heap + (MID_ADDR - HEAP_ADDR) + 8 *
		    map_index(pl, a, pl->map_top_bits, pl->map_mid_bits), BOT_ADDR);
		put32(heap + (BOT_ADDR - HEAP_ADDR) + 8 * map_index(pl, a,
		    pl->map_top_bits + pl->map_mid_bits, pl->map_bot_bits),
		    0xffffffffu);
	}
	put64(root + 8 * top, MID_ADDR);
}

/* The whole address space, and the state locations py_find_state would
 * report for it. */
static struct source *
fake_source(struct fake *f, struct py_state *st)
{
	const unsigned rw = SOURCE_R | SOURCE_W | SOURCE_P;
	struct source *src = source_buffers_new();
	uint8_t *heap = xcalloc(HEAP_LEN, 1), *d;
	uint64_t s = BSS_ADDR + STRUCT_OFF;
	size_t dlen;
	unsigned i;

	memset(st, 0, sizeof *st);
	write_table(f, heap);
	if (f->pl->state_kind == PY_STATE_STRUCT) {
		dlen = (STRUCT_OFF + STRUCT_LEN + 4095) / 4096 * 4096;
		d = xcalloc(dlen, 1);
		write_struct(f, d + STRUCT_OFF, s);
		source_buffers_add(src, BSS_ADDR, d, dlen, rw,
		    "/usr/lib/libpython3.so");
		st->arenas_var = s + PY_STATE_ARENAS;
		st->maxarenas_var = s + PY_STATE_MAXARENAS;
		st->current_var = s + PY_STATE_CURRENT;
		st->ntimes_var = s + PY_STATE_NTIMES;
		st->highwater_var = s + PY_STATE_HIGHWATER;
		st->map_root = s + PY_STATE_MAP_ROOT;
		st->map_mid_var = st->map_root + 256 * 1024;
		st->map_bot_var = st->map_mid_var + 4;
	} else {
		dlen = DATA_LEN + f->l->map_root_bytes;
		d = xcalloc(dlen, 1);
		write_statics(f, d);
		if (f->map)
			write_map(f, d + DATA_LEN, heap);
		source_buffers_add(src, DATA_ADDR, d, dlen, rw, "/usr/bin/python3");
		st->arenas_var = DATA_ADDR + D_ARENAS;
		st->maxarenas_var = DATA_ADDR + D_MAXARENAS;
		st->current_var = DATA_ADDR + D_CURRENT;
		st->ntimes_var = DATA_ADDR + D_NTIMES;
		st->highwater_var = DATA_ADDR + D_HIGHWATER;
		if (f->map)
			st->map_root = ROOT_ADDR;
	}
	source_buffers_add(src, HEAP_ADDR, heap, HEAP_LEN, rw, "[heap]");
	for (i = 0; i < MAXARENAS; i++)
		if (f->a[i].addr != 0 && !f->a[i].unmapped)
			source_buffers_add(src, f->a[i].addr, f->a[i].bytes,
			    f->l->arena_size, rw, "");
	free(heap);
	free(d);
	return src;
}

/* Captures the fake through given state locations; NULL on failure, with
 * the message in *cause when cause is not NULL. */
static struct heap *
capture_state(struct fake *f, const struct py_state *st, struct source *src,
    enum heap_level level, char **cause)
{
	struct pymalloc *pm = py_open_state(src, f->pl, st, f->version);
	struct heap *h = NULL;
	char *c = NULL;

	py_set_threads(pm, test_threads);
	if (pymalloc_capture(pm, level, &h, &c) != 0) {
		CHECK(c != NULL);
		CHECK(h == NULL);
		h = NULL;
	}
	if (cause != NULL)
		*cause = c;
	else
		free(c);
	pymalloc_close(pm);
	return h;
}

static struct heap *
capture(struct fake *f, enum heap_level level)
{
	struct py_state st;
	struct source *src = fake_source(f, &st);
	struct heap *h = capture_state(f, &st, src, level, NULL);

	source_close(src);
	return h;
}

/* ---- comparing a capture with the simulator --------------------------- */

struct expect {
	/* Pools expected INVALID whatever the simulator says. */
	unsigned	 ninvalid;
	unsigned	 slot[8];
	uint32_t	 pool[8];
	int		 skip;		/* ...or not compared at all */
};

static int
expected_invalid(const struct expect *e, unsigned slot, uint32_t p)
{
	unsigned i;

	if (e == NULL)
		return 0;
	for (i = 0; i < e->ninvalid; i++)
		if (e->slot[i] == slot && e->pool[i] == p)
			return 1;
	return 0;
}

static const struct heap_arena *
heap_arena_at(const struct heap *h, uint64_t addr)
{
	size_t i;

	for (i = 0; i < h->narenas; i++)
		if (h->arenas[i].address == addr)
			return &h->arenas[i];
	return NULL;
}

static int mismatch_reports;

static int
mismatch(const char *what, unsigned slot, uint32_t p, long i, int got, int exp)
{
	if (mismatch_reports++ < 10)
		fprintf(stderr, "  %s: arena %u pool %u item %ld: got %d, "
		    "expected %d\n", what, slot, p, i, got, exp);
	return 1;
}

static int
compare_pool(struct fake *f, const struct heap *h, const struct heap_pool *hp,
    unsigned slot, uint32_t p, const struct expect *e)
{
	enum pool_state st = exp_pool(f, slot, p);
	uint32_t b, cap;
	int bad = 0;

	if (expected_invalid(e, slot, p) && e->skip)
		return 0;
	if (expected_invalid(e, slot, p))
		return hp->state == POOL_INVALID ? 0 :
		    mismatch("state", slot, p, -1, hp->state, POOL_INVALID);
	if (hp->state != st)
		return mismatch("state", slot, p, -1, hp->state, st);
	if (st == POOL_UNTOUCHED)
		return 0;
	if (hp->szidx != hd32(f, slot, p, H_SZIDX) ||
	    hp->count != pool_count(f, slot, p) ||
	    hp->nextoffset != hd32(f, slot, p, H_NEXTOFFSET))
		return mismatch("header", slot, p, -1, hp->count,
		    (int)pool_count(f, slot, p));
	if (h->level != HEAP_LEVEL_BLOCKS)
		return 0;
	if ((hp->blocks != NULL) != (st == POOL_USED))
		bad |= mismatch("blocks present", slot, p, -1, hp->blocks != NULL,
		    st == POOL_USED);
	cap = pool_capacity(f, slot, p);
	for (b = 0; b < cap; b++)
		if (heap_block_state(h, hp, b) != exp_block(f, slot, p, b))
			bad |= mismatch("block", slot, p, b,
			    heap_block_state(h, hp, b), exp_block(f, slot, p, b));
	return bad;
}

/* Every arena and pool of the capture against the simulator. */
static int
compare(struct fake *f, const struct heap *h, const struct expect *e)
{
	size_t narenas = 0;
	unsigned i;
	uint32_t p;
	int bad = 0;

	mismatch_reports = 0;
	for (i = 0; i < MAXARENAS; i++) {
		const struct farena *a = &f->a[i];
		const struct heap_arena *ha;

		if (a->addr == 0)
			continue;
		narenas++;
		if ((ha = heap_arena_at(h, a->addr)) == NULL) {
			bad |= mismatch("arena missing", i, 0, -1, 0, 1);
			continue;
		}
		if (ha->index != i || ha->npools != a->ntotalpools ||
		    ha->first_pool != first_pool(f, i) ||
		    ha->nfreepools != a->nfreepools) {
			bad |= mismatch("arena", i, 0, -1, (int)ha->npools,
			    (int)a->ntotalpools);
			continue;
		}
		for (p = 0; p < ha->npools; p++)
			bad |= compare_pool(f, h, &ha->pools[p], i, p, e);
	}
	if (h->narenas != narenas)
		bad |= mismatch("narenas", 0, 0, -1, (int)h->narenas, (int)narenas);
	return bad;
}

/* The class table of _debugmallocstats, worked out from the simulator. */
static void
compare_stats(struct fake *f, const struct heap *h)
{
	uint64_t pools[32] = { 0 }, in_use[32] = { 0 }, avail[32] = { 0 };
	uint64_t unused = 0, align = 0, narenas = 0;
	struct heap_stats st;
	unsigned i, c;
	uint32_t p;

	for (i = 0; i < MAXARENAS; i++) {
		if (f->a[i].addr == 0)
			continue;
		narenas++;
		unused += f->a[i].nfreepools;
		align += f->a[i].addr % f->l->pool_size ? f->l->pool_size : 0;
		for (p = 0; p < carved_pools(f, i); p++) {
			if (pool_count(f, i, p) == 0)
				continue;
			c = hd32(f, i, p, H_SZIDX);
			pools[c]++;
			in_use[c] += pool_count(f, i, p);
			avail[c] += pool_capacity(f, i, p) - pool_count(f, i, p);
		}
	}
	heap_stats_compute(h, &st);
	for (c = 0; c < 32; c++) {
		CHECK_EQ_U(st.pools[c], pools[c]);
		CHECK_EQ_U(st.in_use[c], in_use[c]);
		CHECK_EQ_U(st.avail[c], avail[c]);
	}
	CHECK_EQ_U(st.narenas, narenas);
	CHECK_EQ_U(st.unused_pools, unused);
	CHECK_EQ_U(st.alignment_bytes, align);
	CHECK_EQ_U(st.invalid_pools, 0);
	CHECK_EQ_U(st.total_bytes, narenas * f->l->arena_size);
}

/* Captures at both levels and compares; returns the pool-level heap's
 * invalid count (the block level's must be at least as many). */
static void
check_capture(struct fake *f, const struct expect *pools_e,
    const struct expect *blocks_e)
{
	struct heap *h;

	h = capture(f, HEAP_LEVEL_POOLS);
	CHECK(h != NULL);
	if (h != NULL) {
		CHECK(compare(f, h, pools_e) == 0);
		heap_free(h);
	}
	h = capture(f, HEAP_LEVEL_BLOCKS);
	CHECK(h != NULL);
	if (h != NULL) {
		CHECK(compare(f, h, blocks_e) == 0);
		heap_free(h);
	}
}

/* ---- geometry and decoding ------------------------------------------ */

static void
test_layouts(void)
{
	const struct py_layout *l38 = py_layout_find(3, 8);
	const struct py_layout *l312 = py_layout_find(3, 12);
	static const uint32_t bpp16k[] = { 1021, 510, 340, 255 };
	static const uint32_t bpp4k[] = { 253, 126, 84, 63 };
	unsigned i;

	CHECK(l38 != NULL && l312 != NULL);
	if (l38 == NULL || l312 == NULL)
		return;
	CHECK_EQ_U(l38->geometry.arena_size, 256 * 1024);
	CHECK_EQ_U(l38->geometry.pool_size, 4096);
	CHECK_EQ_U(l312->geometry.arena_size, 1024 * 1024);
	CHECK_EQ_U(l312->geometry.pool_size, 16384);
	CHECK(l38->state_kind == PY_STATE_STATICS);
	CHECK(l312->state_kind == PY_STATE_STRUCT);
	for (i = 0; i < 4; i++) {
		CHECK_EQ_U(heap_blocks_per_pool(&l312->geometry, i), bpp16k[i]);
		CHECK_EQ_U(heap_blocks_per_pool(&l38->geometry, i), bpp4k[i]);
	}
	CHECK_EQ_U(heap_blocks_per_pool(&l312->geometry, 31), 31);
	CHECK_EQ_U(heap_blocks_per_pool(&l38->geometry, 31), 7);
	CHECK_EQ_U(py_arena_npools(&l312->geometry, 0x7f0000100000ull), 64);
	CHECK_EQ_U(py_arena_npools(&l312->geometry, 0x7f0000101000ull), 63);
	CHECK_EQ_U(py_arena_npools(&l38->geometry, 0x7f0000101000ull), 64);
}

static void
test_decode(void)
{
	uint8_t b[48];
	struct py_pool_header h;
	struct py_arena_object a;
	unsigned i;

	for (i = 0; i < sizeof b; i++)
		b[i] = (uint8_t)(i + 1);
	py_decode_pool_header(b, &h);
	CHECK_EQ_U(h.count, 0x04030201u);
	CHECK_EQ_U(h.freeblock, 0x100f0e0d0c0b0a09ull);
	CHECK_EQ_U(h.nextpool, 0x1817161514131211ull);
	CHECK_EQ_U(h.prevpool, 0x201f1e1d1c1b1a19ull);
	CHECK_EQ_U(h.arenaindex, 0x24232221u);
	CHECK_EQ_U(h.szidx, 0x28272625u);
	CHECK_EQ_U(h.nextoffset, 0x2c2b2a29u);
	CHECK_EQ_U(h.maxnextoffset, 0x302f2e2du);
	py_decode_arena_object(b, &a);
	CHECK_EQ_U(a.address, 0x0807060504030201ull);
	CHECK_EQ_U(a.pool_address, 0x100f0e0d0c0b0a09ull);
	CHECK_EQ_U(a.nfreepools, 0x14131211u);
	CHECK_EQ_U(a.ntotalpools, 0x18171615u);
	CHECK_EQ_U(a.freepools, 0x201f1e1d1c1b1a19ull);
}

/* ---- heaps built by the simulator ------------------------------------- */

/*
 * The small heaps whose _debugmallocstats text is worked out by hand in
 * test_render.  3.8 (256 KiB / 4 KiB):
 *   slot 0: pool 0 class 0, 10 handed out, blocks 2, 5, 7 freed (count 7);
 *           pool 1 class 3 full (63); pool 2 class 1, 3 handed out and
 *           freed (EMPTY).  62 free pools.
 *   slot 1: released (address 0).
 *   slot 2: pool 0 class 31, 2 handed out.  63 free pools.
 *   ntimes 3, highwater 2, current 2.
 */
static struct fake *
small_38(void)
{
	struct fake *f = fake_new(3, 8);
	uint32_t p, i;

	arena_new(f, 0, 0);
	arena_new(f, 1, 0);
	p = pool_new(f, 0, 0);
	for (i = 1; i < 10; i++)
		block_alloc(f, 0, p);
	block_free(f, 0, p, 2);
	block_free(f, 0, p, 5);
	block_free(f, 0, p, 7);
	pool_fill(f, 0, pool_new(f, 0, 3));
	p = pool_new(f, 0, 1);
	block_alloc(f, 0, p);
	block_alloc(f, 0, p);
	pool_free_all(f, 0, p);
	arena_release(f, 1);
	arena_new(f, 2, 0);
	block_alloc(f, 2, pool_new(f, 2, 31));
	return f;
}

/*
 * 3.12 (1 MiB / 16 KiB):
 *   slot 0 at a 4 KiB- but not 16 KiB-aligned address: 63 pools.
 *     pool 0 class 2, 100 handed out, the even ones below 80 freed (60);
 *     pool 1 class 31 full (31); pool 2 class 7 filled and emptied, then
 *     recycled for class 0 with 3 blocks; pool 3 class 5 emptied.  60 free.
 *   slot 1: pool 0 class 0 with 1 block.  63 free.
 */
static struct fake *
small_312(void)
{
	struct fake *f = fake_new(3, 12);
	uint32_t p, i;

	arena_new(f, 0, ARENA_BASE + 0x1000);
	p = pool_new(f, 0, 2);
	for (i = 1; i < 100; i++)
		block_alloc(f, 0, p);
	for (i = 0; i < 80; i += 2)
		block_free(f, 0, p, i);
	pool_fill(f, 0, pool_new(f, 0, 31));
	p = pool_new(f, 0, 7);
	pool_fill(f, 0, p);
	pool_free_all(f, 0, p);
	CHECK_EQ_U(pool_new(f, 0, 0), p);	/* the emptied pool, recycled */
	block_alloc(f, 0, p);
	block_alloc(f, 0, p);
	p = pool_new(f, 0, 5);
	block_alloc(f, 0, p);
	pool_free_all(f, 0, p);
	arena_new(f, 1, 0);
	pool_new(f, 1, 0);
	return f;
}

static void
test_small(struct fake *f)
{
	struct heap *h;

	check_capture(f, NULL, NULL);
	if ((h = capture(f, HEAP_LEVEL_BLOCKS)) != NULL) {
		compare_stats(f, h);
		heap_free(h);
	}
}

/* A recycled pool keeps the previous class's bytes past nextoffset. */
static void
test_recycled(void)
{
	struct fake *f = small_312();
	const struct heap_arena *ha;
	const struct heap_pool *hp;
	struct heap *h;
	uint8_t *pb = pool_bytes(f, 0, 2);
	uint32_t b, stale = 0;

	/* Class 7's links and objects are still there past class 0's end. */
	for (b = 0; b < 64; b++)
		stale += py_load64(pb + 1024 + 8 * b) != 0;
	CHECK(stale > 0);
	CHECK_EQ_U(hd32(f, 0, 2, H_NEXTOFFSET), 48 + 4 * 16);
	h = capture(f, HEAP_LEVEL_BLOCKS);
	CHECK(h != NULL);
	if (h == NULL)
		goto out;
	ha = heap_arena_at(h, ARENA_BASE + 0x1000);
	CHECK(ha != NULL);
	if (ha != NULL) {
		CHECK_EQ_U(ha->npools, 63);
		CHECK_EQ_U(ha->first_pool, ARENA_BASE + 0x4000);
		hp = &ha->pools[2];
		CHECK_EQ_U(hp->state, POOL_USED);
		CHECK_EQ_U(hp->szidx, 0);
		CHECK_EQ_U(hp->count, 3);
		CHECK_EQ_U(heap_block_state(h, hp, 0), BLOCK_ALLOCATED);
		CHECK_EQ_U(heap_block_state(h, hp, 2), BLOCK_ALLOCATED);
		CHECK_EQ_U(heap_block_state(h, hp, 3), BLOCK_FREE);
		CHECK_EQ_U(heap_block_state(h, hp, 4), BLOCK_UNTOUCHED);
		CHECK_EQ_U(heap_block_state(h, hp, 1020), BLOCK_UNTOUCHED);
		CHECK_EQ_U(ha->pools[3].state, POOL_EMPTY);
		CHECK_EQ_U(ha->pools[4].state, POOL_UNTOUCHED);
		CHECK_EQ_U(ha->pools[62].state, POOL_UNTOUCHED);
	}
	heap_free(h);
out:
	fake_free(f);
}

/* An empty pool taken again for its own class reuses its free list. */
static void
test_same_class_reuse(int major, int minor)
{
	struct fake *f = fake_new(major, minor);
	uint32_t p, q, i;

	arena_new(f, 0, 0);
	p = pool_new(f, 0, 4);
	for (i = 0; i < 20; i++)
		block_alloc(f, 0, p);
	q = pool_new(f, 0, 4);
	pool_free_all(f, 0, p);
	CHECK_EQ_U(pool_new(f, 0, 4), p);
	block_alloc(f, 0, p);
	block_alloc(f, 0, q);
	check_capture(f, NULL, NULL);
	fake_free(f);
}

/* Many arenas and pools of every kind, from a random but fixed history. */
static void
test_random(int major, int minor, unsigned narenas, unsigned steps)
{
	struct fake *f = fake_new(major, minor);
	struct heap *h;
	unsigned i, n, slot;
	uint32_t p, b;

	for (i = 0; i < narenas; i++)
		arena_new(f, i, i == 1 ? ARENA_BASE + ARENA_STRIDE + 0x3000 : 0);
	for (n = 0; n < steps; n++) {
		slot = rng(narenas);
		switch (rng(5)) {
		case 0:
			if (f->a[slot].nfreepools > 8)
				block_alloc(f, slot, pool_new(f, slot, rng(32)));
			break;
		case 1:
			p = rng(carved_pools(f, slot) + 1);
			if (p < carved_pools(f, slot) && rng(4) == 0)
				pool_free_all(f, slot, p);
			break;
		case 2:
		case 3:
			p = rng(carved_pools(f, slot) + 1);
			if (p < carved_pools(f, slot) && pool_count(f, slot, p) > 0 &&
			    exp_pool(f, slot, p) != POOL_FULL)
				for (i = rng(40); i > 0 &&
				    exp_pool(f, slot, p) == POOL_USED; i--)
					block_alloc(f, slot, p);
			break;
		default:
			p = rng(carved_pools(f, slot) + 1);
			if (p >= carved_pools(f, slot) || pool_count(f, slot, p) == 0)
				break;
			for (i = rng(60); i > 0 && pool_count(f, slot, p) > 0; i--) {
				b = rng(pool_capacity(f, slot, p));
				if (f->a[slot].alloc[p][b])
					block_free(f, slot, p, b);
			}
		}
	}
	check_capture(f, NULL, NULL);
	if ((h = capture(f, HEAP_LEVEL_BLOCKS)) != NULL) {
		struct heap_stats st;

		compare_stats(f, h);
		heap_stats_compute(h, &st);
		/* The history made every kind of pool. */
		CHECK(st.state_pools[POOL_FULL] > 0);
		CHECK(st.state_pools[POOL_USED] > 0);
		CHECK(st.state_pools[POOL_EMPTY] > 0);
		CHECK(st.state_pools[POOL_UNTOUCHED] > 0);
		heap_free(h);
	}
	fake_free(f);
}

/* ---- the text of sys._debugmallocstats() ------------------------------ */

static char *
render(struct heap *h)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (fp == NULL)
		util_fatal("open_memstream");
	render_stats_pymalloc(fp, h);
	fclose(fp);
	return buf;
}

#define TABLE_HEAD \
	"Small block threshold = 512, in 32 size classes.\n" \
	"\n" \
	"class   size   num pools   blocks in use  avail blocks\n" \
	"-----   ----   ---------   -------------  ------------\n"

static void
test_render(void)
{
	static const char text38[] = TABLE_HEAD
	    "    0     16           1               7           246\n"
	    "    3     64           1              63             0\n"
	    "   31    512           1               2             5\n"
	    "\n"
	    "# arenas allocated total           =                    3\n"
	    "# arenas reclaimed                 =                    1\n"
	    "# arenas highwater mark            =                    2\n"
	    "# arenas allocated current         =                    2\n"
	    "2 arenas * 262144 bytes/arena      =              524,288\n"
	    "\n"
	    "# bytes in allocated blocks        =                5,168\n"
	    "# bytes in available blocks        =                6,496\n"
	    "125 unused pools * 4096 bytes      =              512,000\n"
	    "# bytes lost to pool headers       =                  144\n"
	    "# bytes lost to quantization       =                  480\n"
	    "# bytes lost to arena alignment    =                    0\n"
	    "Total                              =              524,288\n";
	static const char text312[] = TABLE_HEAD
	    "    0     16           2               4          2038\n"
	    "    2     48           1              60           280\n"
	    "   31    512           1              31             0\n"
	    "\n"
	    "# arenas allocated total           =                    2\n"
	    "# arenas reclaimed                 =                    0\n"
	    "# arenas highwater mark            =                    2\n"
	    "# arenas allocated current         =                    2\n"
	    "2 arenas * 1048576 bytes/arena     =            2,097,152\n"
	    "\n"
	    "# bytes in allocated blocks        =               18,816\n"
	    "# bytes in available blocks        =               46,048\n"
	    "123 unused pools * 16384 bytes     =            2,015,232\n"
	    "# bytes lost to pool headers       =                  192\n"
	    "# bytes lost to quantization       =                  480\n"
	    "# bytes lost to arena alignment    =               16,384\n"
	    "Total                              =            2,097,152\n"
	    "\n"
	    "arena map counts\n"
	    "# arena map mid nodes              =                    1\n"
	    "# arena map bot nodes              =                    1\n"
	    "\n"
	    "# bytes lost to arena map root     =              262,144\n"
	    "# bytes lost to arena map mid      =              262,144\n"
	    "# bytes lost to arena map bot      =              131,072\n"
	    "Total                              =              655,360\n";
	struct fake *f;
	struct heap *h;
	char *s;
	int level;

	for (level = HEAP_LEVEL_POOLS; level <= HEAP_LEVEL_BLOCKS; level++) {
		f = small_38();
		if ((h = capture(f, (enum heap_level)level)) != NULL) {
			s = render(h);
			CHECK_STR(s, text38);
			free(s);
			heap_free(h);
		}
		fake_free(f);
		f = small_312();
		if ((h = capture(f, (enum heap_level)level)) != NULL) {
			s = render(h);
			CHECK_STR(s, text312);
			free(s);
			heap_free(h);
		}
		fake_free(f);
	}
}

/* Counters found beside a table they disagree with are not printed. */
static void
test_render_unknown_counters(void)
{
	struct fake *f = small_38();
	struct py_state st;
	struct source *src = fake_source(f, &st);
	struct heap *h;
	char *s;

	put64(source_buffers_data(src, DATA_ADDR + D_CURRENT), 5);
	if ((h = capture_state(f, &st, src, HEAP_LEVEL_POOLS, NULL)) != NULL) {
		s = render(h);
		CHECK(strstr(s,
		    "# arenas allocated total           =              unknown\n"
		    "# arenas reclaimed                 =              unknown\n"
		    "# arenas highwater mark            =              unknown\n"
		    "# arenas allocated current         =                    2\n")
		    != NULL);
		free(s);
		heap_free(h);
	}
	source_close(src);
	fake_free(f);
}

/* ---- hostile and torn bytes -------------------------------------------- */

enum hurt_level { HURT_HEADER, HURT_LIST };

struct hurt {
	const char	*what;
	enum hurt_level	 level;	/* header: INVALID at both levels */
	void		(*fn)(struct fake *, unsigned, uint32_t);
};

static void
hurt_szidx(struct fake *f, unsigned s, uint32_t p)
{
	put32(pool_bytes(f, s, p) + H_SZIDX, 32);
}

static void
hurt_szidx_dummy(struct fake *f, unsigned s, uint32_t p)
{
	put32(pool_bytes(f, s, p) + H_SZIDX, DUMMY_SIZE_IDX);
}

static void
hurt_maxnext(struct fake *f, unsigned s, uint32_t p)
{
	put32(pool_bytes(f, s, p) + H_MAXNEXT, hd32(f, s, p, H_MAXNEXT) + 16);
}

static void
hurt_nextoffset(struct fake *f, unsigned s, uint32_t p)
{
	put32(pool_bytes(f, s, p) + H_NEXTOFFSET,
	    hd32(f, s, p, H_NEXTOFFSET) + 8);
}

static void
hurt_nextoffset_big(struct fake *f, unsigned s, uint32_t p)
{
	put32(pool_bytes(f, s, p) + H_NEXTOFFSET, f->l->pool_size + 16 *
	    (hd32(f, s, p, H_SZIDX) + 1));
}

static void
hurt_count(struct fake *f, unsigned s, uint32_t p)
{
	put32(pool_bytes(f, s, p) + H_COUNT, pool_capacity(f, s, p) + 1);
}

static void
hurt_count_huge(struct fake *f, unsigned s, uint32_t p)
{
	put32(pool_bytes(f, s, p) + H_COUNT, 0xffffffffu);
}

static void
hurt_arenaindex(struct fake *f, unsigned s, uint32_t p)
{
	put32(pool_bytes(f, s, p) + H_ARENAINDEX, s + 1);
}

static void
hurt_freeblock_misaligned(struct fake *f, unsigned s, uint32_t p)
{
	put64(pool_bytes(f, s, p) + H_FREEBLOCK, hd64(f, s, p, H_FREEBLOCK) + 8);
}

static void
hurt_freeblock_outside(struct fake *f, unsigned s, uint32_t p)
{
	put64(pool_bytes(f, s, p) + H_FREEBLOCK, pool_addr(f, s, p + 1) +
	    PY_POOL_HEADER_SIZE);
}

static void
hurt_freeblock_header(struct fake *f, unsigned s, uint32_t p)
{
	put64(pool_bytes(f, s, p) + H_FREEBLOCK, pool_addr(f, s, p));
}

/* The free list's second link, whatever it is. */
static uint8_t *
second_link(struct fake *f, unsigned s, uint32_t p)
{
	uint64_t pool = pool_addr(f, s, p), b = hd64(f, s, p, H_FREEBLOCK);

	return pool_bytes(f, s, p) + (b - pool);
}

static void
hurt_list_self(struct fake *f, unsigned s, uint32_t p)
{
	put64(second_link(f, s, p), hd64(f, s, p, H_FREEBLOCK));
}

/* A longer cycle: the last link points back at the head. */
static void
hurt_list_cycle(struct fake *f, unsigned s, uint32_t p)
{
	uint64_t pool = pool_addr(f, s, p), b = hd64(f, s, p, H_FREEBLOCK);
	uint8_t *pb = pool_bytes(f, s, p);

	while (py_load64(pb + (b - pool)) != 0)
		b = py_load64(pb + (b - pool));
	put64(pb + (b - pool), hd64(f, s, p, H_FREEBLOCK));
}

static void
hurt_list_leaves(struct fake *f, unsigned s, uint32_t p)
{
	put64(second_link(f, s, p), pool_addr(f, s, p + 1) + PY_POOL_HEADER_SIZE);
}

static void
hurt_list_far(struct fake *f, unsigned s, uint32_t p)
{
	put64(second_link(f, s, p), 0xdeadbeef0000ull);
}

static void
hurt_list_past_nextoffset(struct fake *f, unsigned s, uint32_t p)
{
	put64(second_link(f, s, p), pool_addr(f, s, p) +
	    hd32(f, s, p, H_NEXTOFFSET));
}

static void
hurt_list_misaligned(struct fake *f, unsigned s, uint32_t p)
{
	put64(second_link(f, s, p), hd64(f, s, p, H_FREEBLOCK) + 8);
}

/* Off a block by 8, where the bytes there would continue the list as it
 * was: only the block-boundary check can tell. */
static void
hurt_list_misaligned_quiet(struct fake *f, unsigned s, uint32_t p)
{
	uint64_t pool = pool_addr(f, s, p);
	uint8_t *l1 = second_link(f, s, p), *pb = pool_bytes(f, s, p);
	uint64_t b2 = py_load64(l1);

	put64(pb + (b2 + 8 - pool), py_load64(pb + (b2 - pool)));
	put64(l1, b2 + 8);
}

/* The list loses its tail: fewer free blocks than count says. */
static void
hurt_list_short(struct fake *f, unsigned s, uint32_t p)
{
	put64(second_link(f, s, p), 0);
}

static void
hurt_list_onto_allocated(struct fake *f, unsigned s, uint32_t p)
{
	uint32_t b;

	for (b = 0; !f->a[s].alloc[p][b]; b++)
		;
	put64(second_link(f, s, p), pool_addr(f, s, p) + PY_POOL_HEADER_SIZE +
	    b * heap_block_size(f->l, hd32(f, s, p, H_SZIDX)));
}

static void
hurt_count_low(struct fake *f, unsigned s, uint32_t p)
{
	put32(pool_bytes(f, s, p) + H_COUNT, pool_count(f, s, p) - 1);
}

static const struct hurt used_hurts[] = {
	{ "szidx out of range", HURT_HEADER, hurt_szidx },
	{ "szidx dummy", HURT_HEADER, hurt_szidx_dummy },
	{ "maxnextoffset wrong", HURT_HEADER, hurt_maxnext },
	{ "nextoffset off a block", HURT_HEADER, hurt_nextoffset },
	{ "nextoffset past the pool", HURT_HEADER, hurt_nextoffset_big },
	{ "count beyond capacity", HURT_HEADER, hurt_count },
	{ "count huge", HURT_HEADER, hurt_count_huge },
	{ "arenaindex of another arena", HURT_HEADER, hurt_arenaindex },
	{ "freeblock off a block", HURT_HEADER, hurt_freeblock_misaligned },
	{ "freeblock in the next pool", HURT_HEADER, hurt_freeblock_outside },
	{ "freeblock at the header", HURT_HEADER, hurt_freeblock_header },
	{ "free list loops on itself", HURT_LIST, hurt_list_self },
	{ "free list cycles", HURT_LIST, hurt_list_cycle },
	{ "free list leaves the pool", HURT_LIST, hurt_list_leaves },
	{ "free list into unmapped memory", HURT_LIST, hurt_list_far },
	{ "free list past nextoffset", HURT_LIST, hurt_list_past_nextoffset },
	{ "free list off a block", HURT_LIST, hurt_list_misaligned },
	{ "free list off a block, quietly", HURT_LIST, hurt_list_misaligned_quiet },
	{ "free list shorter than count says", HURT_LIST, hurt_list_short },
	{ "free list onto an allocated block", HURT_LIST, hurt_list_onto_allocated },
	{ "count below the free list", HURT_LIST, hurt_count_low },
};

static void
hurt_full_nextoffset(struct fake *f, unsigned s, uint32_t p)
{
	put32(pool_bytes(f, s, p) + H_NEXTOFFSET,
	    hd32(f, s, p, H_NEXTOFFSET) - heap_block_size(f->l,
	    hd32(f, s, p, H_SZIDX)));
}

static void
hurt_full_count(struct fake *f, unsigned s, uint32_t p)
{
	put32(pool_bytes(f, s, p) + H_COUNT, pool_count(f, s, p) - 1);
}

static void
hurt_empty_nofree(struct fake *f, unsigned s, uint32_t p)
{
	put64(pool_bytes(f, s, p) + H_FREEBLOCK, 0);
}

static const struct hurt full_hurts[] = {
	{ "full pool with room left", HURT_HEADER, hurt_full_nextoffset },
	{ "full pool with a block missing", HURT_HEADER, hurt_full_count },
	{ "full pool, szidx out of range", HURT_HEADER, hurt_szidx },
};

static const struct hurt empty_hurts[] = {
	{ "empty pool without free list", HURT_HEADER, hurt_empty_nofree },
	{ "empty pool of another arena", HURT_HEADER, hurt_arenaindex },
	{ "empty pool, maxnextoffset wrong", HURT_HEADER, hurt_maxnext },
};

/* One damaged pool: INVALID where the damage shows, counted as such, and
 * the rest of the heap as before. */
static void
run_hurt(struct fake *f, unsigned slot, uint32_t p, const struct hurt *hu)
{
	size_t ps = f->l->pool_size;
	uint8_t *save = xmalloc(ps), *pb = pool_bytes(f, slot, p);
	struct expect e = { .ninvalid = 1, .slot = { slot }, .pool = { p } };
	struct expect skip = { .ninvalid = 1, .slot = { slot }, .pool = { p },
	    .skip = 1 };
	struct heap *h;
	struct heap_stats st;
	int level;

	memcpy(save, pb, ps);
	hu->fn(f, slot, p);
	for (level = HEAP_LEVEL_POOLS; level <= HEAP_LEVEL_BLOCKS; level++) {
		int shows = hu->level == HURT_HEADER || level == HEAP_LEVEL_BLOCKS;

		h = capture(f, (enum heap_level)level);
		CHECK(h != NULL);
		if (h == NULL)
			continue;
		/* Where the damage does not show, the pool shows the damaged
		 * header: compare only the other pools then. */
		memcpy(pb, save, ps);
		if (compare(f, h, shows ? &e : &skip) != 0) {
			fprintf(stderr, "  after: %s (%s level)\n", hu->what,
			    level == HEAP_LEVEL_POOLS ? "pool" : "block");
			CHECK(0);
		}
		hu->fn(f, slot, p);
		heap_stats_compute(h, &st);
		CHECK_EQ_U(st.invalid_pools, shows ? 1 : 0);
		CHECK_EQ_U(st.state_pools[POOL_INVALID], shows ? 1 : 0);
		heap_free(h);
	}
	memcpy(pb, save, ps);
	free(save);
}

static void
test_hostile_pools(struct fake *f)
{
	unsigned i, slot;
	uint32_t p, used = UINT32_MAX, full = UINT32_MAX, empty = UINT32_MAX;

	for (slot = 0; slot < MAXARENAS && used == UINT32_MAX; slot++) {
		if (f->a[slot].addr == 0)
			continue;
		for (p = 0; p < carved_pools(f, slot); p++) {
			switch (exp_pool(f, slot, p)) {
			case POOL_USED:
				if (used == UINT32_MAX && pool_count(f, slot, p) > 1)
					used = p;
				break;
			case POOL_FULL:
				full = p;
				break;
			case POOL_EMPTY:
				empty = p;
				break;
			default:
				break;
			}
		}
		if (used != UINT32_MAX)
			break;
	}
	CHECK(used != UINT32_MAX && full != UINT32_MAX && empty != UINT32_MAX);
	if (used == UINT32_MAX || full == UINT32_MAX || empty == UINT32_MAX)
		return;
	for (i = 0; i < HV_ARRAY_LEN(used_hurts); i++)
		run_hurt(f, slot, used, &used_hurts[i]);
	for (i = 0; i < HV_ARRAY_LEN(full_hurts); i++)
		run_hurt(f, slot, full, &full_hurts[i]);
	for (i = 0; i < HV_ARRAY_LEN(empty_hurts); i++)
		run_hurt(f, slot, empty, &empty_hurts[i]);
	/* Unharmed again. */
	check_capture(f, NULL, NULL);
}

/* A capture that must fail, saying so, without crashing. */
static void
expect_capture_fails(struct fake *f, struct source *src,
    const struct py_state *st, const char *what)
{
	char *cause = NULL;
	struct heap *h = capture_state(f, st, src, HEAP_LEVEL_BLOCKS, &cause);

	CHECK(h == NULL);
	CHECK(cause != NULL && cause[0] != '\0');
	if (h != NULL || cause == NULL)
		fprintf(stderr, "  capture did not fail: %s\n", what);
	heap_free(h);
	free(cause);
}

static uint8_t *
state_word(struct source *src, uint64_t var)
{
	return source_buffers_data(src, var);
}

static void
test_hostile_state(struct fake *f)
{
	struct py_state st;
	struct source *src;
	static const uint32_t bad_max[] = { 0xffffffffu, PY_MAX_ARENAS + 1,
	    1u << 20 };
	unsigned i;

	/* The table pointer into unmapped memory. */
	src = fake_source(f, &st);
	put64(state_word(src, st.arenas_var), 0x100000000000ull);
	expect_capture_fails(f, src, &st, "table unmapped");
	source_close(src);
	/* Into the middle of nowhere, unaligned. */
	src = fake_source(f, &st);
	put64(state_word(src, st.arenas_var), 0xffffffffffffffc1ull);
	expect_capture_fails(f, src, &st, "table at the top");
	source_close(src);
	/* maxarenas absurd, or larger than the table's memory. */
	for (i = 0; i < HV_ARRAY_LEN(bad_max); i++) {
		src = fake_source(f, &st);
		put32(state_word(src, st.maxarenas_var), bad_max[i]);
		expect_capture_fails(f, src, &st, "maxarenas");
		source_close(src);
	}
	/* maxarenas without a table. */
	src = fake_source(f, &st);
	put64(state_word(src, st.arenas_var), 0);
	expect_capture_fails(f, src, &st, "no table");
	source_close(src);
	/* The state variables themselves unreadable. */
	src = fake_source(f, &st);
	st.arenas_var = 0x10000;
	expect_capture_fails(f, src, &st, "state unmapped");
	source_close(src);
}

/* A slot pointing at memory that is not mapped: its carved pools INVALID,
 * the others UNTOUCHED as the slot says. */
static void
test_unmapped_arena(int major, int minor)
{
	struct fake *f = fake_new(major, minor);
	struct expect e = { .ninvalid = 5, .slot = { 1, 1, 1, 1, 1 },
	    .pool = { 0, 1, 2, 3, 4 } };
	struct heap *h;
	uint32_t p;
	int level;

	arena_new(f, 0, 0);
	arena_new(f, 1, 0);
	arena_new(f, 2, 0);
	for (p = 0; p < 5; p++) {
		block_alloc(f, 0, pool_new(f, 0, p));
		block_alloc(f, 1, pool_new(f, 1, p));
		block_alloc(f, 2, pool_new(f, 2, p));
	}
	f->a[1].unmapped = 1;
	for (level = HEAP_LEVEL_POOLS; level <= HEAP_LEVEL_BLOCKS; level++) {
		h = capture(f, (enum heap_level)level);
		CHECK(h != NULL);
		if (h != NULL)
			CHECK(compare(f, h, &e) == 0);
		heap_free(h);
	}
	fake_free(f);
}

/* Torn arena objects: nothing in the slot can be placed, so all of its
 * pools are INVALID; the other arena is untouched by it. */
static void
hurt_arena_object(struct fake *f, uint8_t *o, int kind)
{
	const struct farena *a = &f->a[1];

	switch (kind) {
	case 0:		/* ntotalpools */
		put32(o + 20, a->ntotalpools + 1);
		break;
	case 1:		/* more free pools than pools */
		put32(o + 16, a->ntotalpools + 1);
		break;
	case 2:		/* fewer free pools than never carved */
		put32(o + 16, 0);
		break;
	case 3:		/* pool_address below the arena */
		put64(o + 8, a->addr - f->l->pool_size);
		break;
	case 4:		/* pool_address past it */
		put64(o + 8, a->addr + 2 * (uint64_t)f->l->arena_size);
		break;
	case 5:		/* pool_address off the pool grid */
		put64(o + 8, a->pool_address + 8);
		break;
	default:	/* address off a page */
		put64(o, a->addr + 8);
		break;
	}
}

static void
test_hostile_arena_objects(int major, int minor)
{
	struct fake *f = fake_new(major, minor);
	const struct heap_arena *ha;
	struct py_state st;
	struct source *src;
	struct heap *h;
	uint32_t p;
	int kind;

	arena_new(f, 0, 0);
	arena_new(f, 1, 0);
	block_alloc(f, 0, pool_new(f, 0, 3));
	block_alloc(f, 1, pool_new(f, 1, 3));
	block_alloc(f, 1, pool_new(f, 1, 4));
	for (kind = 0; kind <= 6; kind++) {
		src = fake_source(f, &st);
		hurt_arena_object(f, source_buffers_data(src, TABLE_ADDR +
		    PY_ARENA_OBJECT_SIZE), kind);
		h = capture_state(f, &st, src, HEAP_LEVEL_BLOCKS, NULL);
		CHECK(h != NULL);
		source_close(src);
		if (h == NULL)
			continue;
		ha = heap_arena_at(h, f->a[1].addr);
		/* An address off a page is no arena at all. */
		CHECK_EQ_U(h->narenas, kind == 6 ? 1 : 2);
		CHECK((ha == NULL) == (kind == 6));
		for (p = 0; ha != NULL && p < ha->npools; p++)
			CHECK_EQ_U(ha->pools[p].state, POOL_INVALID);
		ha = heap_arena_at(h, f->a[0].addr);
		CHECK(ha != NULL);
		for (p = 0; ha != NULL && p < ha->npools; p++)
			CHECK_EQ_U(ha->pools[p].state, exp_pool(f, 0, p));
		heap_free(h);
	}
	fake_free(f);
}

/* Two slots claiming one arena (a torn table): the pools name one slot in
 * their arenaindex; under the other they are INVALID. */
static void
test_duplicate_slot(int major, int minor)
{
	struct fake *f = fake_new(major, minor);
	struct py_state st;
	struct source *src;
	struct heap *h;
	uint8_t *t;
	size_t i, n = 0;

	arena_new(f, 0, 0);
	block_alloc(f, 0, pool_new(f, 0, 3));
	block_alloc(f, 0, pool_new(f, 0, 9));
	src = fake_source(f, &st);
	t = source_buffers_data(src, TABLE_ADDR);
	memcpy(t + 2 * PY_ARENA_OBJECT_SIZE, t, PY_ARENA_OBJECT_SIZE);
	h = capture_state(f, &st, src, HEAP_LEVEL_BLOCKS, NULL);
	CHECK(h != NULL);
	if (h != NULL) {
		CHECK_EQ_U(h->narenas, 2);
		for (i = 0; i < h->narenas; i++) {
			const struct heap_arena *a = &h->arenas[i];

			CHECK_EQ_U(a->pools[0].state,
			    a->index == 0 ? POOL_USED : POOL_INVALID);
			CHECK_EQ_U(a->pools[1].state,
			    a->index == 0 ? POOL_USED : POOL_INVALID);
			n += a->index == 2;
		}
		CHECK_EQ_U(n, 1);
		heap_free(h);
	}
	source_close(src);
	fake_free(f);
}

/* Half an arena mapped: the pools past the end INVALID, never a crash. */
static void
test_half_mapped_arena(int major, int minor)
{
	struct fake *f = fake_new(major, minor);
	struct py_state st;
	struct source *src;
	struct heap *h;
	uint32_t p, n;

	arena_new(f, 0, 0);
	arena_new(f, 1, 0);
	n = f->a[1].ntotalpools;
	for (p = 0; p < n; p++)
		block_alloc(f, 1, pool_new(f, 1, p % 32));
	block_alloc(f, 0, pool_new(f, 0, 0));
	f->a[1].unmapped = 1;
	src = fake_source(f, &st);
	source_buffers_add(src, f->a[1].addr, f->a[1].bytes,
	    f->l->arena_size / 2, SOURCE_R | SOURCE_W, "");
	h = capture_state(f, &st, src, HEAP_LEVEL_BLOCKS, NULL);
	CHECK(h != NULL);
	if (h != NULL) {
		const struct heap_arena *a = heap_arena_at(h, f->a[1].addr);

		CHECK(a != NULL);
		for (p = 0; a != NULL && p < a->npools; p++)
			CHECK_EQ_U(a->pools[p].state,
			    p < n / 2 ? POOL_USED : POOL_INVALID);
		heap_free(h);
	}
	source_close(src);
	fake_free(f);
}

/* ---- reads torn by a concurrent update ------------------------------- */

/*
 * A live target changes its pools while they are read.  The buffers
 * source shows a range's torn bytes to its first reads (torn_reads of
 * them; UINT_MAX: every read) and the consistent ones after: a capture
 * must read the range again and find it consistent, or, torn on every
 * read, call it INVALID after a bounded number of reads.
 */
struct tear {
	uint64_t	 addr;
	size_t		 len;
	uint8_t		*good;
	uint8_t		*torn;
	unsigned	 torn_reads;
	unsigned	 reads;		/* requests that covered addr */
};

static void
tear_on_read(void *ctx, struct source *src, const struct source_read *rq)
{
	struct tear *t = ctx;

	if (t->addr < rq->addr || t->addr - rq->addr >= rq->got)
		return;
	t->reads++;
	memcpy(source_buffers_data(src, t->addr),
	    t->reads < t->torn_reads ? t->torn : t->good, t->len);
}

/* What pymalloc leaves in a pool between two of its stores. */
enum tear_kind {
	TEAR_FREE,	/* a free: block linked, count not yet decremented */
	TEAR_ALLOC,	/* the header read before an allocation, the popped
			 * block's bytes after it (an object's refcount) */
	TEAR_CARVE,	/* a pool being carved: szidx still the dummy */
	TEAR_NKINDS
};

static const char *const tear_names[TEAR_NKINDS] = {
	"mid-free", "header before an allocation", "pool being carved",
};

static void
tear_pool(struct fake *f, unsigned s, uint32_t p, enum tear_kind k)
{
	uint8_t *h = pool_bytes(f, s, p);
	uint32_t size = heap_block_size(f->l, hd32(f, s, p, H_SZIDX)), b;

	switch (k) {
	case TEAR_FREE:
		for (b = 0; !f->a[s].alloc[p][b]; b++)
			;
		put64(h + PY_POOL_HEADER_SIZE + b * size, hd64(f, s, p,
		    H_FREEBLOCK));
		put64(h + H_FREEBLOCK, pool_addr(f, s, p) +
		    PY_POOL_HEADER_SIZE + b * size);
		break;
	case TEAR_ALLOC:
		put64(second_link(f, s, p), 1);
		break;
	default:
		put32(h + H_SZIDX, DUMMY_SIZE_IDX);
		break;
	}
}

/* Captures f with t's range torn as t says (types on at block level). */
static struct heap *
capture_torn(struct fake *f, struct tear *t, enum heap_level level)
{
	struct py_state st;
	struct source *src = fake_source(f, &st);
	struct pymalloc *pm = py_open_state(src, f->pl, &st, f->version);
	struct heap *h = NULL;
	char *cause = NULL;

	py_set_threads(pm, test_threads);
	memcpy(source_buffers_data(src, t->addr), t->torn, t->len);
	t->reads = 0;
	source_buffers_on_read(src, tear_on_read, t);
	pymalloc_set_types(pm, level == HEAP_LEVEL_BLOCKS);
	if (pymalloc_capture(pm, level, &h, &cause) != 0)
		fprintf(stderr, "  torn capture failed: %s\n", cause);
	CHECK(h != NULL);
	free(cause);
	pymalloc_close(pm);
	source_close(src);
	return h;
}

/* The pool of slot s torn as k says: healed when the tear passes, INVALID
 * when it does not, at each level where it shows. */
static void
run_tear(struct fake *f, unsigned s, uint32_t p, enum tear_kind k)
{
	size_t ps = f->l->pool_size;
	struct tear t = { .addr = pool_addr(f, s, p), .len = ps };
	struct expect e = { .ninvalid = 1, .slot = { s }, .pool = { p } };
	const struct heap_arena *ha;
	struct heap *h;
	int level;

	t.good = xmalloc(ps);
	t.torn = xmalloc(ps);
	memcpy(t.good, pool_bytes(f, s, p), ps);
	tear_pool(f, s, p, k);
	memcpy(t.torn, pool_bytes(f, s, p), ps);
	memcpy(pool_bytes(f, s, p), t.good, ps);
	for (level = HEAP_LEVEL_POOLS; level <= HEAP_LEVEL_BLOCKS; level++) {
		int shows = k == TEAR_CARVE || level == HEAP_LEVEL_BLOCKS;

		/* Torn on the first read only: as if never torn. */
		t.torn_reads = 1;
		if ((h = capture_torn(f, &t, (enum heap_level)level)) != NULL) {
			if (compare(f, h, NULL) != 0) {
				fprintf(stderr, "  %s, torn once (level %d)\n",
				    tear_names[k], level);
				CHECK(0);
			}
			ha = heap_arena_at(h, f->a[s].addr);
			/* Typed from the bytes of the re-read. */
			if (ha != NULL && level == HEAP_LEVEL_BLOCKS)
				CHECK(ha->pools[p].typed);
			heap_free(h);
		}
		CHECK_EQ_U(t.reads, shows ? 2 : 1);
		/* Torn on every read: INVALID, after a few reads. */
		t.torn_reads = UINT_MAX;
		if ((h = capture_torn(f, &t, (enum heap_level)level)) != NULL) {
			if (compare(f, h, shows ? &e : NULL) != 0) {
				fprintf(stderr, "  %s, torn always (level %d)\n",
				    tear_names[k], level);
				CHECK(0);
			}
			heap_free(h);
		}
		CHECK(shows ? t.reads >= 2 && t.reads <= 5 : t.reads == 1);
	}
	free(t.good);
	free(t.torn);
}

/* A frozen target caught mid-update shows the same torn bytes to every
 * read until it is let run: the re-read hook is where that happens. */
struct frozen {
	struct source	*src;
	struct tear	*t;
	unsigned	 calls;
	unsigned	 rounds[8];
};

static int
frozen_let_run(void *ctx, unsigned round)
{
	struct frozen *fz = ctx;

	/* Only the thread that stopped a target may let it run (ptrace). */
	CHECK(pthread_equal(pthread_self(), main_thread));
	if (fz->calls < HV_ARRAY_LEN(fz->rounds))
		fz->rounds[fz->calls] = round;
	fz->calls++;
	memcpy(source_buffers_data(fz->src, fz->t->addr), fz->t->good,
	    fz->t->len);
	return 0;
}

static void
run_tear_frozen(struct fake *f, unsigned s, uint32_t p)
{
	size_t ps = f->l->pool_size;
	struct tear t = { .addr = pool_addr(f, s, p), .len = ps };
	struct frozen fz = { .t = &t };
	struct py_state st;
	struct pymalloc *pm;
	struct heap *h = NULL;

	t.good = xmalloc(ps);
	memcpy(t.good, pool_bytes(f, s, p), ps);
	tear_pool(f, s, p, TEAR_FREE);
	fz.src = fake_source(f, &st);
	memcpy(pool_bytes(f, s, p), t.good, ps);
	pm = py_open_state(fz.src, f->pl, &st, f->version);
	py_set_threads(pm, test_threads);
	pymalloc_set_reread_hook(pm, frozen_let_run, &fz);
	CHECK(pymalloc_capture(pm, HEAP_LEVEL_BLOCKS, &h, NULL) == 0);
	if (h != NULL) {
		CHECK(compare(f, h, NULL) == 0);
		heap_free(h);
	}
	/* Once, before the first re-read. */
	CHECK_EQ_U(fz.calls, 1);
	CHECK_EQ_U(fz.rounds[0], 0);
	pymalloc_close(pm);
	source_close(fz.src);
	free(t.good);
}

static void
test_torn_pools(struct fake *f)
{
	unsigned s = 0;
	uint32_t p, used = UINT32_MAX;
	int k;

	for (p = 0; p < carved_pools(f, s) && used == UINT32_MAX; p++)
		if (exp_pool(f, s, p) == POOL_USED && pool_count(f, s, p) > 1)
			used = p;
	CHECK(used != UINT32_MAX);
	if (used == UINT32_MAX)
		return;
	for (k = 0; k < TEAR_NKINDS; k++)
		run_tear(f, s, used, (enum tear_kind)k);
	run_tear_frozen(f, s, used);
}

/* An arena's table slot caught while new_arena() fills it (address set,
 * ntotalpools not yet): healed by a re-read, or all of its pools INVALID. */
static void
test_torn_slot(struct fake *f)
{
	uint8_t good[PY_ARENA_OBJECT_SIZE], torn[PY_ARENA_OBJECT_SIZE];
	struct tear t = { .addr = TABLE_ADDR, .len = PY_ARENA_OBJECT_SIZE,
	    .good = good, .torn = torn };
	uint8_t *table = xcalloc(HEAP_LEN, 1);
	const struct heap_arena *ha;
	struct heap *h;
	uint32_t p;

	write_table(f, table);
	memcpy(good, table, sizeof good);
	memcpy(torn, good, sizeof torn);
	put32(torn + 20, 0);
	free(table);
	t.torn_reads = 1;
	if ((h = capture_torn(f, &t, HEAP_LEVEL_POOLS)) != NULL) {
		CHECK(compare(f, h, NULL) == 0);
		heap_free(h);
	}
	CHECK_EQ_U(t.reads, 2);
	t.torn_reads = UINT_MAX;
	if ((h = capture_torn(f, &t, HEAP_LEVEL_POOLS)) != NULL) {
		ha = heap_arena_at(h, f->a[0].addr);
		CHECK(ha != NULL);
		for (p = 0; ha != NULL && p < ha->npools; p++)
			CHECK_EQ_U(ha->pools[p].state, POOL_INVALID);
		heap_free(h);
	}
	CHECK(t.reads >= 2 && t.reads <= 5);
}

/* ---- finding the state without symbols -------------------------------- */

static void
fake_interp(struct fake *f, struct py_interp *pi, int major, int minor)
{
	memset(pi, 0, sizeof *pi);
	pi->major = major;
	pi->minor = minor;
	pi->layout = f->pl;
	snprintf(pi->version, sizeof pi->version, "%d.%d", major, minor);
	pi->image.nranges = 1;
	if (f->pl->state_kind == PY_STATE_STRUCT) {
		pi->image.range_start[0] = BSS_ADDR;
		pi->image.range_end[0] = BSS_ADDR +
		    (STRUCT_OFF + STRUCT_LEN + 4095) / 4096 * 4096;
	} else {
		pi->image.range_start[0] = DATA_ADDR;
		pi->image.range_end[0] = DATA_ADDR + DATA_LEN +
		    f->l->map_root_bytes;
	}
}

static struct fake *
find_heap_in(struct fake *f)
{
	uint32_t p, i;
	unsigned slot;

	/* Slot 0 released: the scan must not need it. */
	arena_new(f, 0, 0);
	arena_release(f, 0);
	for (slot = 1; slot < 4; slot++) {
		arena_new(f, slot, 0);
		for (i = 0; i < 6; i++) {
			p = pool_new(f, slot, (slot * 7 + i) % 32);
			block_alloc(f, slot, p);
		}
	}
	f->map = f->l->map_root_bytes != 0;
	return f;
}

static struct fake *
find_heap(int major, int minor)
{
	return find_heap_in(fake_new(major, minor));
}

static void
test_find(int major, int minor)
{
	struct fake *f = find_heap(major, minor);
	struct py_state want, got;
	struct source_region *r;
	struct py_interp pi;
	struct source *src;
	struct heap *h;
	char *cause = NULL;
	size_t n;

	src = fake_source(f, &want);
	fake_interp(f, &pi, major, minor);
	CHECK(source_regions(src, &r, &n, NULL) == 0);
	CHECK(py_find_state(src, &pi, r, n, 1, &got, &cause) == 0);
	if (cause != NULL)
		fprintf(stderr, "  %d.%d: %s\n", major, minor, cause);
	CHECK_STR(got.method, "scan");
	CHECK_EQ_U(got.arenas_var, want.arenas_var);
	CHECK_EQ_U(got.maxarenas_var, want.maxarenas_var);
	CHECK_EQ_U(got.current_var, want.current_var);
	CHECK_EQ_U(got.ntimes_var, want.ntimes_var);
	CHECK_EQ_U(got.highwater_var, want.highwater_var);
	CHECK_EQ_U(got.map_root, want.map_root);
	source_regions_free(r, n);
	/* And what was found captures the heap. */
	h = capture_state(f, &got, src, HEAP_LEVEL_BLOCKS, NULL);
	CHECK(h != NULL);
	if (h != NULL) {
		CHECK(compare(f, h, NULL) == 0);
		CHECK_EQ_U(h->counters.arenas_allocated_total, 4);
		CHECK_EQ_U(h->counters.arenas_highwater, 3);
		if (f->l->map_root_bytes != 0) {
			CHECK_EQ_U(h->counters.map_mid_nodes, 1);
			CHECK_EQ_U(h->counters.map_bot_nodes, 1);
		}
		heap_free(h);
	}
	free(cause);
	source_close(src);
	fake_free(f);
}

/*
 * obmalloc puts a released slot at the head of unused_arena_objects: with
 * slot 0 released last, that static holds the table's address as `arenas`
 * does, and sits beside maxarenas too.  The scan must take `arenas`; and a
 * state that took the other word must not, once the target releases
 * another arena (unused_arena_objects moves to its slot, `arenas` stays),
 * read the table from that slot on.
 */
static void
test_find_unused_head(int major, int minor)
{
	struct fake *f = find_heap(major, minor);
	struct py_state want, got, wrong;
	struct source_region *r;
	struct py_interp pi;
	struct source *src;
	struct pymalloc *pm;
	struct heap *h = NULL;
	char *cause = NULL;
	size_t n;

	src = fake_source(f, &want);
	put64(source_buffers_data(src, DATA_ADDR + D_UNUSED), TABLE_ADDR);
	fake_interp(f, &pi, major, minor);
	CHECK(source_regions(src, &r, &n, NULL) == 0);
	CHECK(py_find_state(src, &pi, r, n, 1, &got, &cause) == 0);
	CHECK_EQ_U(got.arenas_var, want.arenas_var);
	CHECK_EQ_U(got.maxarenas_var, want.maxarenas_var);
	source_regions_free(r, n);
	free(cause);
	cause = NULL;

	wrong = want;
	wrong.arenas_var = DATA_ADDR + D_UNUSED;
	pm = py_open_state(src, f->pl, &wrong, f->version);
	CHECK(pymalloc_capture(pm, HEAP_LEVEL_BLOCKS, &h, NULL) == 0);
	CHECK(h != NULL && compare(f, h, NULL) == 0);
	heap_free(h);
	h = NULL;
	/* Slot 3 released: its slot heads the unused list, linked to 0. */
	arena_release(f, 3);
	memset(source_buffers_data(src, TABLE_ADDR + 3 * PY_ARENA_OBJECT_SIZE),
	    0, PY_ARENA_OBJECT_SIZE);
	put64(source_buffers_data(src, TABLE_ADDR + 3 * PY_ARENA_OBJECT_SIZE +
	    32), TABLE_ADDR);
	put64(source_buffers_data(src, DATA_ADDR + D_UNUSED), TABLE_ADDR +
	    3 * PY_ARENA_OBJECT_SIZE);
	put64(source_buffers_data(src, DATA_ADDR + D_CURRENT), f->current);
	/* No interpreter to rediscover with: a failure, never slots 3 on. */
	if (pymalloc_capture(pm, HEAP_LEVEL_BLOCKS, &h, &cause) == 0) {
		CHECK(h != NULL && h->narenas == 2);
		CHECK(h != NULL && compare(f, h, NULL) == 0);
	}
	heap_free(h);
	free(cause);
	pymalloc_close(pm);
	source_close(src);
	fake_free(f);
}

/* The 2.7 layout of this alignment (8: 2.7.0 - 2.7.16, 16: 2.7.17+). */
static const struct py_layout *
layout27(unsigned alignment)
{
	const struct py_layout *l;

	for (l = py_layout_find(2, 7); l != NULL; l = py_layout_next(l))
		if (l->geometry.alignment == alignment)
			return l;
	util_fatal("no 2.7 layout aligned to %u", alignment);
	return NULL;
}

/* 2.7's two geometries, and the patch releases that have each. */
static void
test_layouts_27(void)
{
	const struct py_layout *first = py_layout_find(2, 7);
	const struct py_layout *l8 = layout27(8), *l16 = layout27(16);

	CHECK_EQ_U(l8->geometry.nclasses, 64);
	CHECK_EQ_U(l16->geometry.nclasses, 32);
	CHECK_EQ_U(heap_block_size(&l8->geometry, 63), 512);
	CHECK_EQ_U(heap_block_size(&l16->geometry, 31), 512);
	CHECK_EQ_U(l8->gc_head_size, 32);
	CHECK_EQ_U(l16->gc_head_size, 32);
	CHECK(py_layout_for_patch(first, 16) == l8);
	CHECK(py_layout_for_patch(first, 0) == l8);
	CHECK(py_layout_for_patch(first, 17) == l16);
	CHECK(py_layout_for_patch(first, 18) == l16);
	CHECK(py_layout_for_patch(first, -1) == first);
	CHECK(py_layout_next(l8) == NULL || py_layout_next(l16) == NULL);
	CHECK(py_layout_next(py_layout_find(3, 8)) == NULL);
}

/*
 * 2.7 without symbols: a heap of either geometry is found whichever the
 * version guessed (a 2.7.16 rebuilt with the alignment backport, a 2.7.18
 * without it), and the scan leaves pi.layout at the heap's geometry.
 */
static void
test_find_27(unsigned alignment, unsigned guess)
{
	struct fake *f = xcalloc(1, sizeof *f);
	struct py_state want, got;
	struct source_region *r;
	struct py_interp pi;
	struct source *src;
	struct heap *h;
	char *cause = NULL;
	size_t n;

	f->pl = layout27(alignment);
	f->l = &f->pl->geometry;
	snprintf(f->version, sizeof f->version, "2.7");
	find_heap_in(f);
	src = fake_source(f, &want);
	fake_interp(f, &pi, 2, 7);
	pi.layout = layout27(guess);
	CHECK(source_regions(src, &r, &n, NULL) == 0);
	CHECK(py_find_state(src, &pi, r, n, 1, &got, &cause) == 0);
	if (cause != NULL)
		fprintf(stderr, "  2.7 aligned to %u: %s\n", alignment, cause);
	CHECK(pi.layout == f->pl);
	CHECK_EQ_U(got.arenas_var, want.arenas_var);
	CHECK_EQ_U(got.maxarenas_var, want.maxarenas_var);
	source_regions_free(r, n);
	h = capture_state(f, &got, src, HEAP_LEVEL_BLOCKS, NULL);
	CHECK(h != NULL);
	if (h != NULL) {
		CHECK(compare(f, h, NULL) == 0);
		CHECK_EQ_U(h->layout.nclasses, f->l->nclasses);
		heap_free(h);
	}
	free(cause);
	source_close(src);
	fake_free(f);
}

/* The struct validates; the same bytes one word off do not. */
static void
test_struct_valid(void)
{
	struct fake *f = find_heap(3, 12);
	struct py_state st;
	struct source *src = fake_source(f, &st);
	uint64_t s = BSS_ADDR + STRUCT_OFF;
	const uint8_t *b = source_buffers_data(src, s);

	CHECK(py_state_struct_valid(f->l, s, b, PY_STATE_MAP_ROOT));
	CHECK(!py_state_struct_valid(f->l, s + 8, b + 8, PY_STATE_MAP_ROOT));
	CHECK(!py_state_struct_valid(f->l, s - 8, b - 8, PY_STATE_MAP_ROOT));
	CHECK(!py_state_struct_valid(f->l, s, b, PY_STATE_MAP_ROOT - 8));
	source_close(src);
	fake_free(f);
}

/* No pool anywhere, and pools without a table: messages, not crashes. */
static void
test_find_fails(void)
{
	struct fake *f = find_heap(3, 11);
	struct py_state want, got;
	struct source_region *r;
	struct py_interp pi;
	struct source *src;
	char *cause = NULL;
	size_t n;

	src = fake_source(f, &want);
	put64(source_buffers_data(src, DATA_ADDR + D_ARENAS), 0);
	fake_interp(f, &pi, 3, 11);
	CHECK(source_regions(src, &r, &n, NULL) == 0);
	CHECK(py_find_state(src, &pi, r, n, 1, &got, &cause) != 0);
	CHECK(cause != NULL && strstr(cause, "arena table") != NULL);
	free(cause);
	cause = NULL;
	source_regions_free(r, n);
	source_close(src);

	src = source_buffers_new();
	source_buffers_add(src, ARENA_BASE, f->a[1].bytes, 4096,
	    SOURCE_R | SOURCE_W, "");
	memset(source_buffers_data(src, ARENA_BASE), 0, 4096);
	CHECK(source_regions(src, &r, &n, NULL) == 0);
	CHECK(py_find_state(src, &pi, r, n, 1, &got, &cause) != 0);
	CHECK(cause != NULL && strstr(cause, "no pymalloc pool") != NULL);
	free(cause);
	source_regions_free(r, n);
	source_close(src);
	fake_free(f);
}

/* ---- memory claimed by the target's words ----------------------------- */

#ifndef HV_TEST_ASAN
/* The address space this process has mapped, in bytes. */
static uint64_t
vm_size(void)
{
	unsigned long pages = 0;
	FILE *fp = fopen("/proc/self/statm", "r");

	if (fp != NULL) {
		if (fscanf(fp, "%lu", &pages) != 1)
			pages = 0;
		fclose(fp);
	}
	return (uint64_t)pages * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* Runs fn in a child allowed 32 MiB more address space than this process
 * has; returns its exit status: 0 when fn returned 0, 1 when xmalloc gave
 * up, -1 when it died otherwise. */
static int
run_limited(int (*fn)(void *), void *arg)
{
	struct rlimit rl;
	int status = -1;
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) == 0) {
		rl.rlim_cur = rl.rlim_max = vm_size() + ((rlim_t)32 << 20);
		if (setrlimit(RLIMIT_AS, &rl) != 0)
			_exit(3);
		_exit(fn(arg) == 0 && check_failures == 0 ? 0 : 2);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

struct claimed {
	struct fake	*f;
	struct source	*src;
	struct py_state	 st;
	struct py_interp pi;
};

static int
claimed_capture(void *arg)
{
	struct claimed *c = arg;
	char *cause = NULL;

	return capture_state(c->f, &c->st, c->src, HEAP_LEVEL_POOLS,
	    &cause) == NULL && cause != NULL ? 0 : 1;
}

static int
claimed_find(void *arg)
{
	struct claimed *c = arg;
	struct source_region *r;
	struct py_state got;
	char *cause = NULL;
	size_t n;

	if (source_regions(c->src, &r, &n, NULL) != 0)
		return 1;
	return py_find_state(c->src, &c->pi, r, n, 1, &got, &cause) != 0 &&
	    cause != NULL ? 0 : 1;
}
#endif

/*
 * The largest maxarenas within bounds claims a table of 48 MiB; when
 * nearly all of it is unmapped, the capture (or the discovery) fails with a
 * message, and without allocating the claimed table first: heapview's
 * memory follows what the target has mapped, not what its words claim.
 * Each case runs in a child under an address-space limit that the claimed
 * table exceeds.  (Not under ASan, which reserves terabytes of shadow.)
 */
static void
test_claimed_table_bounded(void)
{
#ifndef HV_TEST_ASAN
	struct claimed c;
	int rc;

	c.f = small_38();
	c.src = fake_source(c.f, &c.st);
	put32(source_buffers_data(c.src, c.st.maxarenas_var), PY_MAX_ARENAS);
	rc = run_limited(claimed_capture, &c);
	CHECK_EQ_U(rc, 0);
	if (rc != 0)
		fprintf(stderr, "  capture of a claimed table: exit %d\n", rc);
	source_close(c.src);
	fake_free(c.f);

	/* Discovery: maxarenas beside the pointer the scan finds. */
	c.f = find_heap(3, 8);
	c.src = fake_source(c.f, &c.st);
	fake_interp(c.f, &c.pi, 3, 8);
	put32(source_buffers_data(c.src, DATA_ADDR + D_MAXARENAS), PY_MAX_ARENAS);
	rc = run_limited(claimed_find, &c);
	CHECK_EQ_U(rc, 0);
	if (rc != 0)
		fprintf(stderr, "  discovery beside a claimed table: exit %d\n",
		    rc);
	source_close(c.src);
	fake_free(c.f);
#endif
}

/* ---- progress: arenas finished, not batches taken -------------------- */
/* The walk's progress hook runs on the calling thread between its batches;
 * it must count only arenas read and decoded.  A reader thread is held at
 * its first read (its batch taken, not read) until the calling thread has
 * read a batch of its own and reported: that report may not count the
 * held batch. */
static const struct source_ops *gate_inner;
static struct source_ops gate_ops;
static atomic_int gate_held, gate_open;
static atomic_size_t gate_served;	/* arenas read since the walk began */
static unsigned gate_calls, gate_over;

static void
gate_wait(atomic_int *flag)
{
	int i;

	for (i = 0; i < 5000 && !atomic_load(flag); i++)
		usleep(1000);
}

static int
gate_read(struct source *s, struct source_read *rq, size_t n, char **cause)
{
	int rc;

	if (!pthread_equal(pthread_self(), main_thread) &&
	    atomic_exchange(&gate_held, 1) == 0)
		gate_wait(&gate_open);
	rc = gate_inner->read(s, rq, n, cause);
	atomic_fetch_add(&gate_served, n);
	return rc;
}

static int
gate_progress(void *ctx, uint64_t done, uint64_t total)
{
	(void)ctx;
	(void)total;
	if (++gate_calls == 1) {	/* before the calling thread's first */
		gate_wait(&gate_held);
		atomic_store(&gate_served, 0);
		return 0;
	}
	if (done > atomic_load(&gate_served))
		gate_over++;
	atomic_store(&gate_open, 1);
	return 0;
}

static void
test_progress_finished(void)
{
	struct fake *f = fake_new(3, 12);
	struct pymalloc *pm;
	struct py_state st;
	struct source *src;
	struct heap *h = NULL;
	char *cause = NULL;
	unsigned i;

	for (i = 0; i < 12; i++) {	/* three batches of four, two readers */
		arena_new(f, i, 0);
		block_alloc(f, i, pool_new(f, i, i % 8));
	}
	src = fake_source(f, &st);
	gate_inner = src->ops;
	gate_ops = *src->ops;
	gate_ops.read = gate_read;
	src->ops = &gate_ops;
	pm = py_open_state(src, f->pl, &st, f->version);
	py_set_threads(pm, 2);
	pymalloc_set_progress_hook(pm, gate_progress, NULL);
	CHECK(pymalloc_capture(pm, HEAP_LEVEL_BLOCKS, &h, &cause) == 0);
	CHECK(atomic_load(&gate_held) && gate_calls >= 2);
	CHECK_EQ_U(gate_over, 0);
	if (h != NULL)
		CHECK(compare(f, h, NULL) == 0);
	heap_free(h);
	free(cause);
	pymalloc_close(pm);
	source_close(src);
	fake_free(f);
}

int
main(void)
{
	struct fake *f;

	main_thread = pthread_self();
	test_progress_finished();
	test_layouts();
	test_decode();

	f = small_38();
	test_small(f);
	test_hostile_pools(f);
	test_hostile_state(f);
	test_torn_pools(f);
	test_torn_slot(f);
	fake_free(f);
	f = small_312();
	test_small(f);
	test_hostile_pools(f);
	test_hostile_state(f);
	test_torn_pools(f);
	test_torn_slot(f);
	fake_free(f);

	test_recycled();
	test_same_class_reuse(3, 8);
	test_same_class_reuse(3, 12);
	test_random(3, 8, 4, 3000);
	test_random(3, 12, 3, 3000);
	test_render();
	test_render_unknown_counters();

	test_claimed_table_bounded();
	test_unmapped_arena(3, 8);
	test_unmapped_arena(3, 12);
	test_hostile_arena_objects(3, 8);
	test_hostile_arena_objects(3, 12);
	test_duplicate_slot(3, 8);
	test_duplicate_slot(3, 12);
	test_half_mapped_arena(3, 8);
	test_half_mapped_arena(3, 12);

	test_find(3, 8);
	test_find(3, 11);
	test_find(3, 12);
	test_find_unused_head(3, 8);
	test_find_unused_head(3, 11);
	test_layouts_27();
	test_find_27(16, 16);
	test_find_27(16, 8);
	test_find_27(8, 8);
	test_find_27(8, 16);
	test_struct_valid();
	test_find_fails();

	/* Again with reader threads: the same heaps; a torn pool healed, or
	 * left INVALID, by re-reads on the calling thread. */
	test_threads = 4;
	f = small_38();
	test_small(f);
	test_hostile_pools(f);
	test_torn_pools(f);
	fake_free(f);
	f = small_312();
	test_small(f);
	test_hostile_pools(f);
	test_torn_pools(f);
	fake_free(f);
	test_random(3, 8, 13, 3000);
	test_random(3, 12, 9, 3000);
	test_threads = 1;
	return check_done();
}
