/*
 * Block-to-type attribution on a hand-built address space: type objects
 * (with their metatype and names) in a data region, one pool of 96-byte
 * blocks whose contents are written here block by block, each block with
 * the type this file expects -- worked out from PYMALLOC.md's rules, not
 * from the code under test.  Then the census and pinning built on it.
 */
#include "config.h"

#include "check.h"
#include "heap_types.h"
#include "pymalloc_internal.h"
#include "render.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define DATA_ADDR	0x555555600000ull	/* type objects */
#define NAMES_ADDR	0x555555500000ull	/* their tp_name strings */
#define ARENA_ADDR	0x7f0000000000ull
#define NOWHERE		0x600000000000ull	/* mapped by nothing */
#define TYPE_STRIDE	0x400u
#define BLOCK		96u

#define F_HEAPTYPE	(1ull << 9)
#define F_READY		(1ull << 12)
#define F_GC		(1ull << 14)
#define F_SUBCLASS	(1ull << 31)
#define F_MDICT		(1ull << 4)

enum { T_TYPE, T_STR, T_LIST, T_TUPLE, T_NODE, T_SLOTS, T_FAKE, T_BADNAME,
	T_UNREADY, NTYPES };

static uint8_t data[NTYPES * TYPE_STRIDE];
static char names[8192];
/* "str" ends on a page boundary: its NUL is on the next page. */
#define STR_NAME_OFF	(4096 - 3)

static uint64_t
taddr(int t)
{
	return DATA_ADDR + (uint64_t)t * TYPE_STRIDE;
}

static void
make_type(int t, int meta, const char *name, uint64_t flags, uint64_t basic)
{
	uint8_t *p = data + t * TYPE_STRIDE;

	put64(p, 1);
	put64(p + 8, taddr(meta));
	size_t off = t == T_STR ? STR_NAME_OFF : (size_t)t * 64;

	put64(p + 24, NAMES_ADDR + off);
	put64(p + 32, basic);
	put64(p + 168, flags);
	memcpy(names + off, name, strlen(name) + 1);
}

static void
make_types(const struct py_layout *pl)
{
	uint64_t pre = pl->preheader_flags != 0 ? F_MDICT : 0;

	memset(data, 0, sizeof data);
	memset(names, 0, sizeof names);
	make_type(T_TYPE, T_TYPE, "type", F_READY | F_GC | F_SUBCLASS, 880);
	make_type(T_STR, T_TYPE, "str", F_READY, 80);
	make_type(T_LIST, T_TYPE, "list", F_READY | F_GC, 40);
	make_type(T_TUPLE, T_TYPE, "tuple", F_READY | F_GC, 24);
	make_type(T_NODE, T_TYPE, "Node", F_READY | F_GC | F_HEAPTYPE | pre,
	    pre ? 16 : 32);
	make_type(T_SLOTS, T_TYPE, "Slots", F_READY | F_GC | F_HEAPTYPE, 32);
	/* Its "metatype" is str: not a subclass of type. */
	make_type(T_FAKE, T_STR, "Fake", F_READY, 16);
	make_type(T_BADNAME, T_TYPE, "bad name", F_READY, 16);
	make_type(T_UNREADY, T_TYPE, "Unready", 0, 16);
}

/* The layout under test. */
static const struct py_layout *cur;

/*
 * One block's object: refcount and type at off, its PyGC_Head before it.
 * 3.8+: links, the next one 0 when untracked.  Before: links (left stale
 * when untracked), then gc_refs -3 (reachable) or -2 (untracked), shifted.
 */
static void
object(uint8_t *b, unsigned off, uint64_t refcnt, uint64_t type, int gc,
    int tracked)
{
	put64(b + off, refcnt);
	put64(b + off + 8, type);
	if (gc) {
		unsigned g = off - cur->gc_head_size;

		if (cur->gc_refs_untracked) {
			put64(b + g, ARENA_ADDR + 0x9000);
			put64(b + g + 8, ARENA_ADDR + 0xa000);
			put64(b + g + 16, (uint64_t)((tracked ? -3 : -2) *
			    (1 << cur->gc_refs_shift)));
			return;
		}
		put64(b + g, tracked ? ARENA_ADDR + 0x9000 : 0);
		put64(b + g + 8, tracked ? ARENA_ADDR + 0xa000 : 0);
	}
}

/* The debug hooks' prefix for a request of 32 bytes through api. */
static void
debug_prefix(uint8_t *b, char api)
{
	put64(b, 0x2000000000000000ull);	/* big-endian 32 */
	memset(b + 8, cur->debug_byte, 8);
	if (cur->debug_has_api || api != 'o')
		b[8] = (uint8_t)api;
}

struct want {
	const char	*name;		/* NULL: raw */
	int		 untracked;
};

/* Fills the blocks of the pool at p; returns how many it wrote. */
static unsigned
fill_pool(const struct py_layout *pl, uint8_t *pool, struct want *w)
{
	unsigned gc = pl->gc_head_size, n = 0;
	unsigned node_off = pl->preheader_size ? gc + pl->preheader_size : gc;
	uint8_t *b;

#define NEXT(nm, u) (b = pool + PY_POOL_HEADER_SIZE + n * BLOCK, \
	w[n].name = (nm), w[n].untracked = (u), n++)
	NEXT("str", 0);
	object(b, 0, 3, taddr(T_STR), 0, 0);
	memcpy(b + 48, "hello", 6);
	NEXT("list", 0);
	object(b, gc, 1, taddr(T_LIST), 1, 1);
	NEXT("list", 1);			/* on a free list */
	object(b, gc, 1, taddr(T_LIST), 1, 0);
	NEXT("Node", 0);
	object(b, node_off, 2, taddr(T_NODE), 1, 1);
	NEXT("Slots", 0);
	object(b, gc, 1, taddr(T_SLOTS), 1, 1);
	NEXT(NULL, 0);				/* text: a PyMem buffer */
	memcpy(b, "0123456789abcdefghijklmnopqrstuvwxyz", 36);
	/* A tuple whose first item is the Node class: seen through +32 the
	 * items look like (refcount 2, type Node); it is still a tuple. */
	NEXT("tuple", 0);
	object(b, gc, 1, taddr(T_TUPLE), 1, 1);
	put64(b + gc + 16, 2);
	put64(b + gc + 24, taddr(T_NODE));
	put64(b + gc + 32, taddr(T_STR));
	NEXT(NULL, 0);				/* metatype is not a type */
	object(b, 0, 1, taddr(T_FAKE), 0, 0);
	NEXT(NULL, 0);				/* name with a space */
	object(b, 0, 1, taddr(T_BADNAME), 0, 0);
	NEXT(NULL, 0);				/* type not ready */
	object(b, 0, 1, taddr(T_UNREADY), 0, 0);
	NEXT(NULL, 0);				/* refcount 0 */
	object(b, 0, 0, taddr(T_STR), 0, 0);
	NEXT("str", 0);				/* immortal (3.12+), or huge */
	object(b, 0, 0xffffffffull, taddr(T_STR), 0, 0);
	NEXT(NULL, 0);				/* type points into the arena */
	object(b, 0, 1, ARENA_ADDR + 0x4000, 0, 0);
	NEXT(NULL, 0);				/* type points nowhere */
	object(b, 0, 1, NOWHERE, 0, 0);
	NEXT(NULL, 0);				/* GC type without a GC head */
	object(b, 0, 1, taddr(T_LIST), 0, 0);
	NEXT(NULL, 0);				/* GC head that is not one */
	object(b, gc, 1, taddr(T_LIST), 0, 0);
	put64(b + gc - pl->gc_head_size + (pl->gc_refs_untracked ? 16 : 0), 7);
	NEXT("str", 0);				/* debug hooks, object API */
	debug_prefix(b, 'o');
	object(b + 16, 0, 1, taddr(T_STR), 0, 0);
	NEXT(NULL, 0);				/* debug hooks, PyMem API */
	debug_prefix(b, 'm');
	object(b + 16, 0, 1, taddr(T_STR), 0, 0);
	/* Flag bits in the next link (3.14's old space; the unreachable
	 * mark during a collection) leave a tracked object tracked. */
	NEXT("list", 0);
	object(b, gc, 1, taddr(T_LIST), 1, 1);
	if (!pl->gc_refs_untracked)
		put64(b, ARENA_ADDR + 0x9001);
	/* An immortal GC object (3.12+) is outside the collector's lists. */
	NEXT("list", pl->immortal);
	object(b, gc, 0xffffffffull, taddr(T_LIST), 1, 1);
#undef NEXT
	return n;
}

static void
test_layout_pl(const struct py_layout *pl, int major, int minor)
{
	const unsigned rw = SOURCE_R | SOURCE_W | SOURCE_P;
	struct source *src = source_buffers_new();
	uint8_t *arena = xcalloc(pl->geometry.arena_size, 1);
	struct want w[64];
	struct heap *h = heap_new(&pl->geometry, HEAP_LEVEL_BLOCKS);
	struct heap_arena *a;
	struct heap_pool *pool;
	struct py_types *ty;
	struct heap_census c;
	unsigned n, i, pass;
	size_t unknown = 0;

	cur = pl;
	make_types(pl);
	n = fill_pool(pl, arena, w);
	source_buffers_add(src, DATA_ADDR, data, sizeof data, rw, "/usr/bin/python3");
	source_buffers_add(src, NAMES_ADDR, names, sizeof names, SOURCE_R | SOURCE_P,
	    "/usr/bin/python3");
	source_buffers_add(src, ARENA_ADDR, arena, pl->geometry.arena_size, rw, "");
	a = heap_add_arena(h, 0, ARENA_ADDR, py_arena_npools(&pl->geometry,
	    ARENA_ADDR));
	pool = &a->pools[0];
	pool->state = POOL_USED;
	pool->szidx = (uint8_t)(BLOCK / pl->geometry.alignment - 1);
	pool->count = (uint16_t)n;
	pool->nextoffset = PY_POOL_HEADER_SIZE + n * BLOCK;
	ty = py_types_new(src, pl, h);
	for (pass = 0; pass < 4; pass++) {
		unknown = py_types_pool(ty, pool, arena, 0);
		if (unknown == 0)
			break;
		CHECK(py_types_resolve(ty, NULL) == 0);
	}
	CHECK_EQ_U(unknown, 0);
	for (i = 0; i < n; i++) {
		uint32_t t = heap_block_type(pool, i);
		const char *got = t == HEAP_TYPE_RAW ? NULL : h->types[t].name;

		if ((got == NULL) != (w[i].name == NULL) ||
		    (got != NULL && strcmp(got, w[i].name) != 0) ||
		    !!(heap_pool_type_value(pool, i) & HEAP_TYPE_UNTRACKED) !=
		    w[i].untracked) {
			fprintf(stderr, "%d.%d block %u: got %s%s, expected %s%s\n",
			    major, minor, i, got ? got : "(raw)",
			    heap_pool_type_value(pool, i) & HEAP_TYPE_UNTRACKED ?
			    " untracked" : "",
			    w[i].name ? w[i].name : "(raw)",
			    w[i].untracked ? " untracked" : "");
			CHECK(0);
		}
	}
	CHECK_STR(h->types[0].name, HEAP_TYPE_RAW_NAME);
	py_types_free(ty);

	/* The census of that pool: counts per type, sorted by bytes. */
	heap_census_compute(h, NULL, &c);
	CHECK_EQ_U(c.blocks, n);
	CHECK_EQ_U(c.bytes, (uint64_t)n * BLOCK);
	CHECK_EQ_U(c.rows[0].type, HEAP_TYPE_RAW);
	CHECK_EQ_U(c.rows[0].count, 10);
	CHECK_EQ_U(c.objects, n - 10);
	for (i = 0; i < c.nrows; i++) {
		if (strcmp(h->types[c.rows[i].type].name, "list") == 0) {
			CHECK_EQ_U(c.rows[i].count, 4);
			CHECK_EQ_U(c.rows[i].untracked, 1 + pl->immortal);
		}
		if (i > 0)
			CHECK(c.rows[i - 1].bytes >= c.rows[i].bytes);
	}
	heap_census_free(&c);
	heap_free(h);
	source_close(src);
	free(arena);
}

static void
test_layout(int major, int minor)
{
	const struct py_layout *pl;

	/* Every geometry of the version (2.7 has two). */
	for (pl = py_layout_find(major, minor); pl != NULL; pl = py_layout_next(pl))
		test_layout_pl(pl, major, minor);
}

/* Summary text and pinning on a heap built by hand. */
static void
test_census_pinning(void)
{
	const struct py_layout *pl = py_layout_find(3, 12);
	struct heap *h = heap_new(&pl->geometry, HEAP_LEVEL_BLOCKS);
	struct heap_arena *a, *b;
	struct heap_census c;
	struct heap_pinning pin;
	uint32_t tnode, tdict, i, n;
	char buf[64];

	heap_types_init(h);
	tnode = heap_type_add(h, "Node", HEAP_TYPE_GC | HEAP_TYPE_HEAPTYPE);
	tdict = heap_type_add(h, "dict", HEAP_TYPE_GC);
	/* Arena a: one USED pool of 4 blocks: 2 Node, 1 dict, 1 raw. */
	a = heap_add_arena(h, 0, ARENA_ADDR, 64);
	a->pools[0] = (struct heap_pool){ .state = POOL_USED, .szidx = 3,
	    .count = 4, .nextoffset = PY_POOL_HEADER_SIZE + 4 * 64 };
	n = heap_blocks_per_pool(&h->layout, 3);
	heap_pool_type_put(&a->pools[0], 0, tnode, n);
	heap_pool_type_put(&a->pools[0], 1, tnode, n);
	heap_pool_type_put(&a->pools[0], 2, tdict | HEAP_TYPE_UNTRACKED, n);
	for (i = 1; i < 64; i++)
		a->pools[i].state = POOL_EMPTY;
	/* Arena b: full pools of 512-byte blocks, over 10% live. */
	b = heap_add_arena(h, 1, ARENA_ADDR + 0x200000, 64);
	for (i = 0; i < 64; i++) {
		b->pools[i] = (struct heap_pool){ .state = i < 8 ? POOL_FULL :
		    POOL_EMPTY, .szidx = 31, .count = 31,
		    .nextoffset = PY_POOL_HEADER_SIZE + 31 * 512 };
	}
	heap_finish(h);
	CHECK(heap_arena_pinned(h, &h->arenas[0]));
	CHECK(!heap_arena_pinned(h, &h->arenas[1]));
	CHECK_EQ_U(heap_arena_live_bytes(h, &h->arenas[0]), 4 * 64);
	heap_census_compute(h, &h->arenas[0], &c);
	CHECK_EQ_U(c.objects, 3);
	heap_census_summary(h, &c, 6, buf, sizeof buf);
	CHECK_STR(buf, "2 Node, 1 dict, 1 raw");
	heap_census_summary(h, &c, 1, buf, sizeof buf);
	CHECK_STR(buf, "2 Node, ..., 1 raw");
	heap_census_summary(h, &c, 6, buf, 8);
	CHECK(strlen(buf) < 8);
	heap_census_free(&c);
	heap_pinning_compute(h, &pin);
	CHECK_EQ_U(pin.narenas, 1);
	CHECK_EQ_U(pin.carved_bytes, h->layout.arena_size);
	CHECK_EQ_U(pin.live_bytes, 4 * 64);
	CHECK_EQ_U(pin.blocks, 4);
	CHECK_EQ_U(pin.objects, 3);
	/* Whole heap: the raw row counts arena b's untyped blocks. */
	heap_census_compute(h, NULL, &c);
	CHECK_EQ_U(c.rows[0].type, HEAP_TYPE_RAW);
	CHECK_EQ_U(c.rows[0].count, 1 + 8 * 31);
	heap_census_free(&c);
	heap_free(h);
}

/*
 * The edges of "pinned" on 3.12's geometry (1 MiB arenas of 64 pools of
 * 16 KiB; 63 when the arena is not pool-aligned).  Each arena is one case;
 * the expected verdicts follow from the definition (heap_types.h), and the
 * byte figures from the pools written here.
 */
#define POOL		16384u
#define UNALIGNED	0x1000u		/* 4 KiB past a pool boundary: 63 pools */

enum { E_CARVING, E_FRESH, E_EMPTY, E_SURVIVOR, E_UNDER, E_OVER, E_CARVED_BASE,
	E_INVALID, NEDGES };

static struct heap_arena *
edge_arena(struct heap *h, uint32_t index, int unaligned)
{
	uint64_t base = ARENA_ADDR + (uint64_t)index * 0x200000;

	return heap_add_arena(h, index, base + (unaligned ? UNALIGNED : 0),
	    unaligned ? 63 : 64);
}

/* Pools from..to-1 in state st (EMPTY and UNTOUCHED need no more). */
static void
edge_pools(struct heap_arena *a, uint32_t from, uint32_t to, enum pool_state st)
{
	uint32_t p;

	for (p = from; p < to && p < a->npools; p++)
		a->pools[p] = (struct heap_pool){ .state = (uint8_t)st };
}

/* A used pool of class szidx with count blocks handed out. */
static void
edge_used(struct heap_pool *p, unsigned szidx, uint32_t count)
{
	*p = (struct heap_pool){ .state = POOL_USED, .szidx = (uint8_t)szidx,
	    .count = (uint16_t)count, .nextoffset = PY_POOL_HEADER_SIZE +
	    count * (szidx + 1) * 16 };
}

/* A full pool of 512-byte blocks: 31 of them, 15,872 bytes. */
static void
edge_full512(struct heap_pool *p)
{
	*p = (struct heap_pool){ .state = POOL_FULL, .szidx = 31, .count = 31,
	    .nextoffset = PY_POOL_HEADER_SIZE + 31 * 512 };
}

static struct heap *
edge_heap(void)
{
	const struct py_layout *pl = py_layout_find(3, 12);
	struct heap *h = heap_new(&pl->geometry, HEAP_LEVEL_POOLS);
	struct heap_arena *a;
	uint32_t p, node;

	heap_types_init(h);
	node = heap_type_add(h, "Node", HEAP_TYPE_GC | HEAP_TYPE_HEAPTYPE);
	/* The newest arena, still being carved: 5 pools of 63 used, one
	 * 64-byte block each -- far under 10% of the arena, yet not pinned. */
	a = edge_arena(h, E_CARVING, 1);
	for (p = 0; p < 5; p++)
		edge_used(&a->pools[p], 3, 1);
	edge_pools(a, 5, 63, POOL_UNTOUCHED);
	/* Allocated, nothing carved yet. */
	a = edge_arena(h, E_FRESH, 0);
	edge_pools(a, 0, 64, POOL_UNTOUCHED);
	/* Every pool carved and empty again (3.9+ keeps one such arena). */
	a = edge_arena(h, E_EMPTY, 0);
	edge_pools(a, 0, 64, POOL_EMPTY);
	/* One survivor, a Node of 64 bytes, in a fully carved arena. */
	a = edge_arena(h, E_SURVIVOR, 1);
	edge_pools(a, 0, 63, POOL_EMPTY);
	edge_used(&a->pools[40], 3, 1);
	heap_pool_type_put(&a->pools[40], 0, node,
	    heap_blocks_per_pool(&h->layout, 3));
	/* 6 full pools: 95,232 bytes, under 10% of 64 pools (104,857.6). */
	a = edge_arena(h, E_UNDER, 0);
	edge_pools(a, 0, 64, POOL_EMPTY);
	for (p = 0; p < 6; p++)
		edge_full512(&a->pools[p]);
	/* 7 full pools: 111,104 bytes, over. */
	a = edge_arena(h, E_OVER, 0);
	edge_pools(a, 0, 64, POOL_EMPTY);
	for (p = 0; p < 7; p++)
		edge_full512(&a->pools[p]);
	/* 103,424 bytes in 63 pools: under 10% of the arena's size
	 * (104,857.6) but not of its carved pools (103,219.2). */
	a = edge_arena(h, E_CARVED_BASE, 1);
	edge_pools(a, 0, 63, POOL_EMPTY);
	for (p = 0; p < 6; p++)
		edge_full512(&a->pools[p]);
	edge_used(&a->pools[6], 31, 16);
	/* One survivor, but a pool could not be read: unknown. */
	a = edge_arena(h, E_INVALID, 0);
	edge_pools(a, 0, 64, POOL_EMPTY);
	edge_used(&a->pools[0], 3, 1);
	a->pools[9].state = POOL_INVALID;
	heap_finish(h);
	return h;
}

static const struct heap_arena *
edge(const struct heap *h, uint32_t index)
{
	size_t i;

	for (i = 0; i < h->narenas; i++)
		if (h->arenas[i].index == index)
			return &h->arenas[i];
	return NULL;
}

static void
test_pinning_edges(void)
{
	struct heap *h = edge_heap();
	struct heap_pinning pin;
	char *text = NULL;
	size_t len = 0;
	FILE *fp;

	CHECK(heap_arena_carving(edge(h, E_CARVING)));
	CHECK(heap_arena_carving(edge(h, E_FRESH)));
	CHECK(!heap_arena_carving(edge(h, E_EMPTY)));
	CHECK(!heap_arena_carving(edge(h, E_SURVIVOR)));
	CHECK_EQ_U(heap_arena_carved_bytes(h, edge(h, E_CARVING)), 5 * POOL);
	CHECK_EQ_U(heap_arena_carved_bytes(h, edge(h, E_FRESH)), 0);
	CHECK_EQ_U(heap_arena_carved_bytes(h, edge(h, E_EMPTY)), 64 * POOL);
	CHECK_EQ_U(heap_arena_carved_bytes(h, edge(h, E_SURVIVOR)), 63 * POOL);

	CHECK(!heap_arena_pinned(h, edge(h, E_CARVING)));
	CHECK(!heap_arena_pinned(h, edge(h, E_FRESH)));
	CHECK(!heap_arena_pinned(h, edge(h, E_EMPTY)));
	CHECK(heap_arena_pinned(h, edge(h, E_SURVIVOR)));
	CHECK(heap_arena_pinned(h, edge(h, E_UNDER)));
	CHECK(!heap_arena_pinned(h, edge(h, E_OVER)));
	CHECK_EQ_U(heap_arena_live_bytes(h, edge(h, E_CARVED_BASE)), 103424);
	CHECK(!heap_arena_pinned(h, edge(h, E_CARVED_BASE)));
	CHECK(!heap_arena_pinned(h, edge(h, E_INVALID)));

	/* The total counts carved pools only: 63 + 64 of them. */
	heap_pinning_compute(h, &pin);
	CHECK_EQ_U(pin.narenas, 2);
	CHECK_EQ_U(pin.carved_bytes, 127 * POOL);
	CHECK_EQ_U(pin.live_bytes, 64 + 6 * 15872);
	CHECK_EQ_U(pin.blocks, 1 + 6 * 31);
	CHECK_EQ_U(pin.objects, 1);

	/* The --stats text says the same, in the singular where it is one. */
	if ((fp = open_memstream(&text, &len)) == NULL)
		util_fatal("open_memstream");
	render_stats_types(fp, h);
	fclose(fp);
	CHECK(strstr(text, "\nPinned arenas (less than 10% live): 2 arenas hold "
	    "2080768 bytes of carved pools for 95296 live bytes, 1 object\n"
	    "  arena 3 at 0x7f0000601000: 64 live bytes (0.01%), 1 object: "
	    "1 Node\n"
	    "  arena 4 at 0x7f0000800000: 95232 live bytes (9.1%), 0 objects: "
	    "186 raw\n") != NULL);
	CHECK(strstr(text, "1 object in 612 allocated blocks; ") != NULL);
	if (check_failures)
		fputs(text, stderr);
	free(text);
	heap_free(h);
}

int
main(void)
{
	test_layout(2, 7);
	test_layout(3, 6);
	test_layout(3, 7);
	test_layout(3, 8);
	test_layout(3, 10);
	test_layout(3, 11);
	test_layout(3, 12);
	test_layout(3, 13);
	test_census_pinning();
	test_pinning_edges();
	return check_done();
}
