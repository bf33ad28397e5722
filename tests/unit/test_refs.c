/*
 * Referrers on hand-built heaps, one per dict layout (2.7, 3.6 - 3.10,
 * 3.11+ with unicode keys, 3.13's inline values): a target object T, and
 * around it every kind of holder heapview maps a hit to -- a tuple item, a
 * list item whose array is outside the arenas, a dict value (the key's text
 * named), a set member, a __slots__ member, an instance's values (3.11 out
 * of line, 3.13 inline), a class's tp_dict -- and decoys that must not
 * count: T's address in a free block, in a list slot past ob_size, and in
 * plain anonymous memory (outside, no owner).  The positions expected are
 * worked out from the CPython headers, not from the code under test.  Then
 * the climb: a module global, a class attribute, a closed cycle, and the
 * depth bound.
 */
#include "config.h"

#include "check.h"
#include "heap.h"
#include "heap_types.h"
#include "pymalloc_internal.h"
#include "pyobj.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define DATA	0x555555600000ull	/* static type objects, names */
#define HEAPMEM	0x555555800000ull	/* the C heap: arrays, heap types */
#define ARENA	0x7f0000000000ull
#define BLOCK	512u
#define NBLOCKS	20u

#define F_READY		(1ull << 12)
#define F_GC		(1ull << 14)
#define F_HEAPTYPE	(1ull << 9)
#define F_SUBCLASS	(1ull << 31)
#define F_MDICT		(1ull << 4)

static uint8_t data[0x4000], heapmem[0x4000], *arena;
static const struct py_layout *pl;
static const struct pyobj_containers *ol;
static struct heap *h;

enum { T_TYPE, T_NODE, T_TUPLE, T_LIST, T_DICT, T_SET, T_STR, T_SLOTTED,
	T_MODULE, T_FRAME, T_DSUB, T_GEN, NT };
static const char *tnames[NT] = { "type", "Node", "tuple", "list", "dict",
	"set", "str", "Slotted", "module", "frame", "DictSub", "generator" };
static uint16_t hidx[NT];
static uint32_t bpp;	/* blocks per pool */
static int whole_arena;	/* every pool carved: a pinned arena */

static uint64_t
taddr(int t)
{
	/* DictSub's name clear of Registry's (make_type) */
	return DATA + 0x100 + (uint64_t)t * 0x180 + (t == T_DSUB ? 0x80 : 0);
}

static uint8_t *
at(uint64_t a)
{
	if (a >= DATA && a < DATA + sizeof data)
		return data + (a - DATA);
	if (a >= HEAPMEM && a < HEAPMEM + sizeof heapmem)
		return heapmem + (a - HEAPMEM);
	return arena + (a - ARENA);
}

static void
make_type(uint64_t t, const char *name, uint64_t flags, uint64_t basic)
{
	uint8_t *p = at(t);
	uint64_t nm = DATA + 0x3000 + (t & 0xfff);

	put64(p, 1);
	put64(p + 8, taddr(T_TYPE));
	put64(p + 24, nm);
	put64(p + 32, basic);
	put64(p + 168, flags | F_READY);
	strcpy((char *)at(nm), name);
}

/* Block i of the one pool; its object at gc (+pre) with type t. */
static uint64_t
block(unsigned i)
{
	return ARENA + (uint64_t)(i / bpp) * pl->geometry.pool_size +
	    PY_POOL_HEADER_SIZE + (uint64_t)(i % bpp) * BLOCK;
}

static uint64_t
object(unsigned i, int t, uint64_t refcnt, int gc, unsigned pre)
{
	uint64_t o = block(i) + (gc ? pl->gc_head_size : 0) + pre;

	put64(at(o), refcnt);
	put64(at(o) + 8, taddr(t));
	if (h != NULL && t >= 0)
		heap_pool_type_put(&h->arenas[0].pools[i / bpp], i % bpp,
		    hidx[t], bpp);
	return o;
}

static uint64_t
str_obj(unsigned i, const char *s)
{
	uint64_t o = object(i, T_STR, 1, 0, 0);

	put64(at(o) + 16, strlen(s));
	put64(at(o) + 24, (uint64_t)-1);	/* hash not computed */
	/* state: kind 1, compact, ascii; before 3.12 also ready */
	if (!ol->str27)
		put64(at(o) + 32, (1u << 2) | (1u << 5) | (1u << 6) |
		    (ol->str_ascii_data == 48 ? 1u << 7 : 0));
	strcpy((char *)at(o) + ol->str_ascii_data, s);
	return o;
}

/* A keys object in raw block i with one entry (key, value). */
static uint64_t
keys_obj(unsigned i, uint64_t key, uint64_t value)
{
	uint64_t k = block(i);
	uint8_t *p = at(k);

	put64(p, 1);
	if (ol->dict == PYOBJ_DICT36) {
		put64(p + 8, 8);	/* dk_size */
		put64(p + 32, 1);	/* dk_nentries */
		put64(p + 40 + 8 + 8, key);
		put64(p + 40 + 8 + 16, value);
	} else {
		p[8] = 3;		/* log2 size */
		p[9] = 3;		/* log2 index bytes */
		p[10] = 1;		/* unicode */
		put64(p + 24, 1);
		put64(p + 32 + 8, key);
		put64(p + 32 + 8 + 8, value);
	}
	return k;
}

/* A dict in block i (keys in block ki, 3.x) holding key -> value. */
static uint64_t
dict_obj(unsigned i, unsigned ki, uint64_t key, uint64_t value)
{
	uint64_t d = object(i, T_DICT, 1, 1, 0);

	if (ol->dict == PYOBJ_DICT27) {
		put64(at(d) + 32, 7);		/* ma_mask */
		put64(at(d) + 40, d + 56);	/* ma_table = smalltable */
		put64(at(d) + 56 + 24 + 8, key);	/* entry 1 */
		put64(at(d) + 56 + 24 + 16, value);
	} else {
		put64(at(d) + 32, keys_obj(ki, key, value));
	}
	return d;
}

struct want {
	const char *text;
	int seen;
};

static void
describe(const struct pyobj_ref *r, char *buf, size_t len)
{
	static const char *pos[] = { "index", "value", "key", "member", "attr",
		"slot", "dict", "module-dict", "type-dict", "frame", "field",
		"outside", "weak", "local" };

	snprintf(buf, len, "%s %s %lld %s", r->owner_type, pos[r->pos],
	    r->pos == PYOBJ_POS_INDEX ? (long long)r->index : 0ll, r->name);
}

static void
expect_refs(struct pyobj *p, uint64_t target, struct want *w, size_t nw)
{
	struct pyobj_ref *refs;
	size_t n, i, k;
	char buf[200];

	CHECK(pyobj_referrers(p, &target, 1, &refs, &n, NULL) == 0);
	for (i = 0; i < n; i++) {
		describe(&refs[i], buf, sizeof buf);
		for (k = 0; k < nw; k++) {
			if (strcmp(w[k].text, buf) == 0 && !w[k].seen) {
				w[k].seen = 1;
				break;
			}
		}
		if (k == nw) {
			fprintf(stderr, "%d.%d: unexpected referrer '%s'\n",
			    pl->geometry.alignment ? ol->major : 0,
			    ol->minor_lo, buf);
			CHECK(!"an unexpected referrer");
		}
	}
	for (k = 0; k < nw; k++) {
		if (!w[k].seen)
			fprintf(stderr, "%d.%d: missing referrer '%s'\n",
			    ol->major, ol->minor_lo, w[k].text);
		CHECK(w[k].seen);
	}
	free(refs);
}

static void
build(int major, int minor)
{
	uint32_t k, npools;
	int t;

	pl = py_layout_find(major, minor);
	ol = pyobj_containers_find(major, minor);
	memset(data, 0, sizeof data);
	memset(heapmem, 0, sizeof heapmem);
	arena = xcalloc(1, pl->geometry.arena_size);
	h = heap_new(&pl->geometry, HEAP_LEVEL_BLOCKS);
	heap_types_init(h);
	for (t = 1; t < NT; t++)
		hidx[t] = (uint16_t)heap_type_add(h, tnames[t],
		    t == T_SLOTTED || t == T_NODE || t == T_DSUB ?
		    HEAP_TYPE_HEAPTYPE |
		    HEAP_TYPE_GC : HEAP_TYPE_GC);
	bpp = heap_blocks_per_pool(&pl->geometry,
	    BLOCK / pl->geometry.alignment - 1);
	npools = (NBLOCKS + bpp - 1) / bpp;
	heap_add_arena(h, 0, ARENA, whole_arena ? (uint32_t)(pl->geometry.
	    arena_size / pl->geometry.pool_size) : npools);
	for (k = npools; k < h->arenas[0].npools; k++)
		h->arenas[0].pools[k].state = POOL_EMPTY;
	for (k = 0; k < npools; k++) {
		struct heap_pool *pool = &h->arenas[0].pools[k];
		uint32_t nb = HV_MIN(bpp, NBLOCKS - k * bpp);

		pool->szidx = (uint8_t)(BLOCK / pl->geometry.alignment - 1);
		pool->state = POOL_USED;
		pool->count = (uint16_t)nb;
		pool->nextoffset = PY_POOL_HEADER_SIZE + nb * BLOCK;
		pool->blocks = heap_blocks_new(bpp);
		pool->typed = 1;	/* every block raw */
	}
	/* the last block is free */
	heap_blocks_set(h->arenas[0].pools[npools - 1].blocks,
	    (NBLOCKS - 1) % bpp, BLOCK_FREE);
	h->arenas[0].pools[npools - 1].count--;
	heap_finish(h);

	make_type(taddr(T_TYPE), "type", F_GC | F_SUBCLASS, 880);
	make_type(taddr(T_NODE), "Node", F_GC | F_HEAPTYPE |
	    (ol->inline_values != PYOBJ_INLINE_NONE ? F_MDICT : 0),
	    ol->inline_values != PYOBJ_INLINE_NONE ? 16 : 32);
	make_type(taddr(T_TUPLE), "tuple", F_GC, 24);
	make_type(taddr(T_LIST), "list", F_GC, 40);
	make_type(taddr(T_DICT), "dict", F_GC, 48);
	make_type(taddr(T_SET), "set", F_GC, 200);
	make_type(taddr(T_STR), "str", 0, 48);
	make_type(taddr(T_SLOTTED), "Slotted", F_GC | F_HEAPTYPE, 24);
	make_type(taddr(T_MODULE), "module", F_GC, 72);
	make_type(taddr(T_FRAME), "frame", F_GC, 360);
	/* class DictSub(dict) */
	make_type(taddr(T_DSUB), "DictSub", F_GC | F_HEAPTYPE, 64);
	put64(at(taddr(T_DSUB)) + 256, taddr(T_DICT));
}

/* Slotted's one __slots__ member, at offset 16 (a PyMemberDef in the C
 * heap). */
static void
slotted_member(const char *name)
{
	uint64_t members = HEAPMEM + 0x2000;

	put64(at(taddr(T_SLOTTED)) + 240, members);
	put64(at(members), HEAPMEM + 0x2100);
	put64(at(members) + 16, 16);
	strcpy((char *)at(HEAPMEM + 0x2100), name);
}

/* A 3.10 module (block mi) whose __dict__ (block di, its keys in raw
 * block ki) holds k1: v1 and, unless k2 is 0, k2: v2. */
static void
module_obj(unsigned di, unsigned ki, unsigned mi, uint64_t k1, uint64_t v1,
    uint64_t k2, uint64_t v2)
{
	uint64_t d = object(di, T_DICT, 1, 1, 0), k = block(ki);
	uint8_t *p = at(k);

	put64(p, 1);
	put64(p + 8, 8);		/* dk_size */
	put64(p + 32, k2 != 0 ? 2 : 1);	/* dk_nentries */
	put64(p + 48 + 8, k1);		/* after 8 one-byte indices */
	put64(p + 48 + 16, v1);
	put64(p + 48 + 24 + 8, k2);
	put64(p + 48 + 24 + 16, v2);
	put64(at(d) + 32, k);
	put64(at(object(mi, T_MODULE, 1, 1, 0)) + 16, d);
}

static struct source *
source(void)
{
	struct source *s = source_buffers_new();

	source_buffers_add(s, DATA, data, sizeof data, SOURCE_R | SOURCE_W,
	    "/usr/lib/libpython");
	source_buffers_add(s, HEAPMEM, heapmem, sizeof heapmem,
	    SOURCE_R | SOURCE_W, "[heap]");
	source_buffers_add(s, ARENA, arena, pl->geometry.arena_size,
	    SOURCE_R | SOURCE_W, "");
	return s;
}

static uint64_t
node_obj(unsigned i, uint64_t refcnt)
{
	return object(i, T_NODE, refcnt, 1, pl->preheader_size);
}

static void
test_layout(int major, int minor)
{
	uint64_t T, tup, lst, arr, key, set, sl, n2 = 0, vals, cls;
	uint8_t *p;
	struct source *src;
	struct pyobj *po;
	char *cause = NULL;
	size_t nw = 0, k;
	struct want w[12];

	build(major, minor);
	T = node_obj(0, 9);
	/* tuple (1 item) */
	tup = object(1, T_TUPLE, 1, 1, 0);
	put64(at(tup) + 16, 1);
	put64(at(tup) + 24, T);
	w[nw++] = (struct want){ "tuple index 0 ", 0 };
	/* list of 6, its array in the C heap; T also past ob_size */
	lst = object(2, T_LIST, 1, 1, 0);
	arr = HEAPMEM + 0x1000;
	put64(at(lst) + 16, 6);
	put64(at(lst) + 24, arr);
	put64(at(lst) + 32, 8);
	put64(at(arr) + 5 * 8, T);
	put64(at(arr) + 7 * 8, T);	/* stale: past ob_size */
	w[nw++] = (struct want){ "list index 5 ", 0 };
	w[nw++] = (struct want){ " outside 0 ", 0 };
	/* dict 'user:17' -> T (keys in block 4) */
	key = str_obj(5, "user:17");
	dict_obj(3, 4, key, T);
	w[nw++] = (struct want){ "dict value 0 'user:17'", 0 };
	/* set with T in slot 2 of its small table */
	set = object(6, T_SET, 1, 1, 0);
	put64(at(set) + 32, 7);
	put64(at(set) + 40, set + 64);
	put64(at(set) + 64 + 2 * 16 + ol->set_key_off, T);
	w[nw++] = (struct want){ "set member 0 ", 0 };
	/* __slots__: member "slotval" at offset 16 */
	sl = object(7, T_SLOTTED, 1, 1, 0);
	put64(at(sl) + 16, T);
	slotted_member("slotval");
	w[nw++] = (struct want){ "Slotted slot 0 slotval", 0 };
	/* a free block holding T is no referrer */
	put64(at(block(NBLOCKS - 1)) + 40, T);
	/* an instance of a dict subclass: 'sub' -> T */
	{
		uint64_t ds = object(15, T_DSUB, 1, 1, 0);

		if (ol->dict == PYOBJ_DICT27) {
			put64(at(ds) + 32, 7);
			put64(at(ds) + 40, ds + 56);
			put64(at(ds) + 56 + 24 + 8, str_obj(17, "sub"));
			put64(at(ds) + 56 + 24 + 16, T);
		} else {
			put64(at(ds) + 32, keys_obj(16, str_obj(17, "sub"), T));
		}
		w[nw++] = (struct want){ "DictSub value 0 'sub'", 0 };
	}
	/* 3.11 values out of line, 3.13 inline: attribute "name" */
	if (ol->inline_values == PYOBJ_INLINE_311 ||
	    ol->inline_values == PYOBJ_INLINE_313) {
		uint64_t ck = keys_obj(9, str_obj(10, "name"), 0);

		put64(at(taddr(T_NODE)) + ol->ht_cached_keys, ck);
		n2 = node_obj(8, 1);
		if (ol->inline_values == PYOBJ_INLINE_311) {
			vals = block(11) + 8;
			put64(at(n2) - 32, vals);
			put64(at(vals), T);
		} else {
			p = at(n2 + 16);	/* after tp_basicsize */
			p[0] = 1; p[1] = 1; p[2] = 1; p[3] = 1;
			put64(p + 8, T);
		}
		w[nw++] = (struct want){ "Node attr 0 name", 0 };
	}
	/* class attribute: a heap type whose tp_dict is a dict */
	cls = HEAPMEM + 0x3000;
	make_type(cls, "Registry", F_GC | F_HEAPTYPE, 32);
	put64(at(cls) + 264, dict_obj(12, 13, str_obj(14, "_items"), lst));

	src = source();
	po = pyobj_open(src, h, pl, major, minor, NULL, &cause);
	CHECK(po != NULL);
	if (po != NULL) {
		struct want wc[2] = { { "type type-dict 0 Registry", 0 },
			{ "list field 0 ", 0 } };
		uint64_t d = 0;

		expect_refs(po, T, w, nw);
		/* the list is the class's attribute: the class dict's value */
		memcpy(&d, at(cls) + 264, 8);
		expect_refs(po, d, wc, 1);
		/* 3.11: the instance has since given up its values array for
		 * a dict; the array's stale word is no attribute of it */
		if (ol->inline_values == PYOBJ_INLINE_311) {
			put64((uint8_t *)source_buffers_data(src, n2 - 32), 0);
			for (k = 0; k < nw; k++)
				w[k].seen = 0;
			w[nw - 1] = (struct want){ " outside 0 ", 0 };
			expect_refs(po, T, w, nw);
		}
		pyobj_close(po);
	}
	free(cause);
	source_close(src);
	heap_free(h);
	h = NULL;
	free(arena);
}

/* The climb on 3.10's layout: app.cache['user:17'] -> T; a closed cycle
 * of two __slots__ objects; an object with a holder not found (outside);
 * the depth bound. */
static void
test_climb(void)
{
	uint64_t T, C, A, B, X, L, F, code;
	struct pyobj_bounds b = { .max_depth = 1 }, bo = {
		.max_outside_bytes = 1 };
	uint64_t Y, YL;
	struct source *src;
	struct pyobj *po, *po1, *po2;
	struct pyobj_why w;

	build(3, 10);
	T = node_obj(0, 1);
	C = dict_obj(1, 3, str_obj(2, "user:17"), T);
	module_obj(4, 5, 8, str_obj(6, "__name__"), str_obj(7, "app"),
	    str_obj(9, "cache"), C);
	slotted_member("other");
	A = object(10, T_SLOTTED, 1, 1, 0);
	B = object(11, T_SLOTTED, 1, 1, 0);
	put64(at(A) + 16, B);
	put64(at(B) + 16, A);
	X = object(12, T_SLOTTED, 2, 1, 0);
	/* idle(): local_node -- a 3.10 frame object: f_code at 32, slot 0
	 * of f_localsplus at 352; the code's co_nlocals (28), co_varnames
	 * (72) and co_name (112).  The word over co_nlocals is stale. */
	L = node_obj(13, 1);
	F = object(14, T_FRAME, 1, 1, 0);
	code = DATA + 0x2000;
	put64(at(F) + 32, code);
	put64(at(F) + 352, L);
	put64(at(F) + 360, X);
	put64(at(code) + 24, 1);	/* nlocals: low half of 28's word */
	memcpy(at(code) + 28, "\1\0\0\0", 4);
	put64(at(code) + 72, DATA + 0x2400);
	put64(at(DATA + 0x2400) + 16, 1);
	put64(at(DATA + 0x2400) + 24, str_obj(15, "local_node"));
	put64(at(code) + 112, str_obj(16, "idle"));
	/* a cycle through a list whose array is outside the arenas: Y holds
	 * the list YL, YL[0] is Y */
	Y = object(17, T_SLOTTED, 1, 1, 0);
	YL = object(18, T_LIST, 1, 1, 0);
	put64(at(Y) + 16, YL);
	put64(at(YL) + 16, 1);
	put64(at(YL) + 24, HEAPMEM + 0x1000);
	put64(at(YL) + 32, 4);
	put64(at(HEAPMEM + 0x1000), Y);

	src = source();
	po = pyobj_open(src, h, pl, 3, 10, NULL, NULL);
	po1 = pyobj_open(src, h, pl, 3, 10, &b, NULL);
	po2 = pyobj_open(src, h, pl, 3, 10, &bo, NULL);
	CHECK(po != NULL && po1 != NULL && po2 != NULL);
	if (po != NULL && po1 != NULL && po2 != NULL) {
		CHECK(pyobj_why(po, Y, &w, NULL) == 0);
		CHECK_EQ_U(w.verdict, PYOBJ_CYCLE);
		CHECK_EQ_U(w.cycle_objects, 2);
		/* the list's array not read: its reference is unknown, not
		 * one from outside the object heap */
		CHECK(pyobj_why(po2, Y, &w, NULL) == 0);
		CHECK_EQ_U(w.verdict, PYOBJ_BOUNDED);
		CHECK_STR(w.bound, "bytes outside the arenas");
		CHECK(pyobj_why(po, T, &w, NULL) == 0);
		CHECK_EQ_U(w.verdict, PYOBJ_ROOTED);
		CHECK_EQ_U(w.npaths, 1);
		CHECK_STR(w.npaths ? w.paths[0] : NULL, "app.cache['user:17']");
		pyobj_why_free(&w);
		CHECK(pyobj_why(po, A, &w, NULL) == 0);
		CHECK_EQ_U(w.verdict, PYOBJ_CYCLE);
		CHECK_EQ_U(w.cycle_objects, 2);
		CHECK(pyobj_why(po, X, &w, NULL) == 0);
		CHECK_EQ_U(w.verdict, PYOBJ_OUTSIDE);
		CHECK_EQ_U(w.visited, 1);	/* the stale frame slot is no holder */
		CHECK(pyobj_why(po, L, &w, NULL) == 0);
		CHECK_EQ_U(w.verdict, PYOBJ_ROOTED);
		CHECK_STR(w.npaths ? w.paths[0] : NULL, "idle(): local_node");
		pyobj_why_free(&w);
		CHECK(pyobj_why(po, ARENA + 8, &w, NULL) == 0);
		CHECK_EQ_U(w.verdict, PYOBJ_NOT_OBJECT);
		CHECK(pyobj_why(po1, T, &w, NULL) == 0);
		CHECK_EQ_U(w.verdict, PYOBJ_BOUNDED);
		CHECK_STR(w.bound, "depth");
		/* the frame of a suspended generator (3.10: f_gen at 88,
		 * f_state at 108, -1): a step from the generator, no root;
		 * running (0), a root again */
		{
			struct want ws[1] = { { "frame local 0 "
			    "f_locals['local_node']", 0 } }, wr[1] = { {
			    "frame frame 0 idle:local_node", 0 } };

			put64((uint8_t *)source_buffers_data(src, F + 88),
			    block(19));
			*(uint8_t *)source_buffers_data(src, F + 108) = 0xff;
			expect_refs(po, L, ws, 1);
			*(uint8_t *)source_buffers_data(src, F + 108) = 0;
			expect_refs(po, L, wr, 1);
		}
	}
	pyobj_close(po);
	pyobj_close(po1);
	pyobj_close(po2);
	source_close(src);
	heap_free(h);
	h = NULL;
	free(arena);
}

/* The roots of a pinned arena, with the climb stopped by the depth bound
 * one level up: survivor A is held by B (not a survivor climbed from: over
 * the per-arena share), and B is a module global.  B's holders were never
 * looked at, so A's root is unknown -- not "held from outside". */
static void
test_pinned_bounded(void)
{
	uint64_t A, B;
	struct pyobj_bounds b = { .max_depth = 1, .max_objects = 4 };
	struct pyobj_pinned_roots pr;
	struct source *src;
	struct pyobj *po;
	size_t i;

	whole_arena = 1;
	build(3, 10);
	whole_arena = 0;
	slotted_member("other");
	A = object(0, T_SLOTTED, 1, 1, 0);
	/* three more survivors, in a closed cycle */
	put64(at(object(1, T_SLOTTED, 1, 1, 0)) + 16, block(2) + 16);
	put64(at(object(2, T_SLOTTED, 1, 1, 0)) + 16, block(3) + 16);
	put64(at(object(3, T_SLOTTED, 1, 1, 0)) + 16, block(1) + 16);
	B = object(12, T_SLOTTED, 1, 1, 0);
	put64(at(B) + 16, A);
	/* module app: app.holder = B */
	module_obj(13, 14, 16, str_obj(15, "holder"), B, 0, 0);

	src = source();
	CHECK(heap_arena_pinned(h, &h->arenas[0]));
	po = pyobj_open(src, h, pl, 3, 10, &b, NULL);
	CHECK(po != NULL);
	if (po != NULL && pyobj_pinned_roots(po, &pr, NULL) == 0) {
		CHECK_STR(pr.bound, "depth");
		CHECK_EQ_U(pr.climbed, 4);
		CHECK_EQ_U(pr.nrows, 2);
		for (i = 0; i < pr.nrows; i++) {
			/* A is not claimed held from outside: B's holders
			 * were never looked at */
			CHECK(pr.rows[i].verdict != PYOBJ_OUTSIDE);
			if (pr.rows[i].verdict == PYOBJ_BOUNDED)
				CHECK_EQ_U(pr.rows[i].minority, 1);
			/* the cycle holds most of the arena */
			if (pr.rows[i].verdict == PYOBJ_CYCLE) {
				CHECK_EQ_U(pr.rows[i].narenas, 1);
				CHECK_EQ_U(pr.rows[i].objects, 3);
			}
		}
		pyobj_pinned_roots_free(&pr);
	}
	pyobj_close(po);
	source_close(src);
	heap_free(h);
	h = NULL;
	free(arena);
}

/* The type cache's slot of a type address, as pyobj_refs.c hashes it. */
static size_t
cache_slot(uint64_t t)
{
	return (size_t)((t >> 3) * 0x9e3779b97f4a7c15ull >> 52) % 4096;
}

#define TYPES	0x555556000000ull
#define TYPES_LEN (16u << 20)

/* A type object in the types region: Node, basicsize 32, base base. */
static void
region_type(uint8_t *region, uint64_t t, const char *name, uint64_t basic,
    uint64_t base)
{
	uint8_t *p = region + (t - TYPES);

	put64(p, 1);
	put64(p + 8, taddr(T_TYPE));
	put64(p + 24, t + 0x180);
	put64(p + 32, basic);
	put64(p + 168, F_READY | F_GC | F_HEAPTYPE);
	put64(p + 256, base);
	strcpy((char *)p + 0x180, name);
}

/* Nine types that share a slot of the type cache: reading the ninth
 * evicts the first while a hit in an instance of the first is being
 * explained (its base is the ninth).  The hit stays a field of a Node. */
static void
test_type_cache(void)
{
	uint8_t *region = xcalloc(1, TYPES_LEN);
	uint64_t same[9], T, N, probe, t;
	size_t n = 0, want, k;
	struct want w[1] = { { "Node field 0 ", 0 } };
	struct source *src;
	struct pyobj *po;
	char ty[PYOBJ_NAME_MAX];

	build(3, 10);
	/* the first slot with nine candidates 512 bytes apart */
	for (want = 0; want < 4096 && n < 9; want++) {
		n = 0;
		for (t = TYPES; t < TYPES + TYPES_LEN && n < 9; t += 512)
			if (cache_slot(t) == want)
				same[n++] = t;
	}
	CHECK_EQ_U(n, 9);
	if (n < 9)
		goto out;
	region_type(region, same[0], "Node", 32, same[8]);
	for (k = 1; k < 8; k++)
		region_type(region, same[k], "Other", 32, 0);
	region_type(region, same[8], "list", 8, 0);
	T = node_obj(0, 1);
	N = node_obj(1, 1);
	put64(at(N) + 8, same[0]);
	put64(at(N) + 16, T);
	/* objects of the types 1..7, to fill the cache's slots after 0's */
	probe = HEAPMEM + 0x3800;
	for (k = 1; k < 8; k++) {
		put64(at(probe + k * 16), 1);
		put64(at(probe + k * 16) + 8, same[k]);
	}
	src = source();
	source_buffers_add(src, TYPES, region, TYPES_LEN, SOURCE_R,
	    "/usr/lib/libtypes");
	po = pyobj_open(src, h, pl, 3, 10, NULL, NULL);
	CHECK(po != NULL);
	if (po != NULL) {
		CHECK(pyobj_describe(po, N, ty, sizeof ty, NULL) == 0);
		for (k = 1; k < 8; k++)
			CHECK(pyobj_describe(po, probe + k * 16, ty, sizeof ty,
			    NULL) == 0);
		expect_refs(po, T, w, 1);
	}
	pyobj_close(po);
	source_close(src);
out:
	heap_free(h);
	h = NULL;
	free(arena);
	free(region);
}

/* A str in the C heap (its block would take one of the arena's few). */
static uint64_t
heap_str(uint64_t o, const char *s)
{
	put64(at(o), 1);
	put64(at(o) + 8, taddr(T_STR));
	put64(at(o) + 16, strlen(s));
	put64(at(o) + 24, (uint64_t)-1);
	put64(at(o) + 32, (1u << 2) | (1u << 5) | (1u << 6) | (1u << 7));
	strcpy((char *)at(o) + ol->str_ascii_data, s);
	return o;
}

/* A 3.10 module named name (block mi) whose __dict__ (block di, keys in
 * raw block ki, 16 slots) holds n more entries keys[i]: values[i]. */
static void
module_n(unsigned di, unsigned ki, unsigned mi, const char *name,
    const char *const *keys, const uint64_t *values, unsigned n,
    uint64_t strs)
{
	uint64_t d = object(di, T_DICT, 1, 1, 0), k = block(ki);
	uint8_t *p = at(k);
	unsigned i;

	put64(p, 1);
	put64(p + 8, 16);		/* dk_size */
	put64(p + 32, n + 1);		/* dk_nentries */
	put64(p + 56 + 8, heap_str(strs, "__name__"));
	put64(p + 56 + 16, heap_str(strs + 0x60, name));
	for (i = 0; i < n; i++) {
		put64(p + 56 + (i + 1) * 24 + 8, heap_str(strs + 0xc0 +
		    i * 0x60, keys[i]));
		put64(p + 56 + (i + 1) * 24 + 16, values[i]);
	}
	put64(at(d) + 32, k);
	put64(at(object(mi, T_MODULE, 1, 1, 0)) + 16, d);
}

/* Every root, not only the nearest: P is app.second and app.first[0]
 * (two steps, shown second); Q is ten globals of many, eight shown. */
static void
test_paths(void)
{
	static const char *const k1[] = { "second", "first" };
	static const char *const k2[] = { "k0", "k1", "k2", "k3", "k4", "k5",
		"k6", "k7", "k8", "k9" };
	uint64_t P, L, Q, v1[2], v2[10];
	struct source *src;
	struct pyobj *po;
	struct pyobj_why w;
	unsigned i;

	build(3, 10);
	P = node_obj(0, 2);
	L = object(1, T_LIST, 1, 1, 0);
	put64(at(L) + 16, 1);
	put64(at(L) + 24, HEAPMEM + 0x1000);
	put64(at(L) + 32, 4);
	put64(at(HEAPMEM + 0x1000), P);
	v1[0] = P;
	v1[1] = L;
	module_n(2, 3, 4, "app", k1, v1, 2, HEAPMEM + 0x1800);
	Q = node_obj(5, 10);
	for (i = 0; i < 10; i++)
		v2[i] = Q;
	module_n(6, 7, 8, "many", k2, v2, 10, HEAPMEM + 0x2800);

	src = source();
	po = pyobj_open(src, h, pl, 3, 10, NULL, NULL);
	CHECK(po != NULL);
	if (po != NULL) {
		CHECK(pyobj_why(po, P, &w, NULL) == 0);
		CHECK_EQ_U(w.verdict, PYOBJ_ROOTED);
		CHECK_EQ_U(w.npaths, 2);
		CHECK_STR(w.npaths > 0 ? w.paths[0] : NULL, "app.second");
		CHECK_STR(w.npaths > 1 ? w.paths[1] : NULL, "app.first[0]");
		CHECK_EQ_U(w.more_paths, 0);
		CHECK(w.bound == NULL);
		pyobj_why_free(&w);
		CHECK(pyobj_why(po, Q, &w, NULL) == 0);
		CHECK_EQ_U(w.verdict, PYOBJ_ROOTED);
		CHECK_EQ_U(w.npaths, PYOBJ_MAX_PATHS);
		CHECK_STR(w.npaths > 0 ? w.paths[0] : NULL, "many.k0");
		CHECK_STR(w.npaths > 7 ? w.paths[7] : NULL, "many.k7");
		CHECK_EQ_U(w.more_paths, 2);
		pyobj_why_free(&w);
	}
	pyobj_close(po);
	source_close(src);
	heap_free(h);
	h = NULL;
	free(arena);
}

/* The roots of a pinned arena whose survivors hang from a frame's local
 * (3.10: a frame object): the root is the local, "idle(): keep", not the
 * index of each survivor in the list it names. */
static void
test_pinned_frame(void)
{
	uint64_t L, F, code, arr = HEAPMEM + 0x1000;
	struct pyobj_pinned_roots pr;
	struct source *src;
	struct pyobj *po;
	size_t i, rooted = 0;

	whole_arena = 1;
	build(3, 10);
	whole_arena = 0;
	L = object(2, T_LIST, 1, 1, 0);
	put64(at(L) + 16, 2);
	put64(at(L) + 24, arr);
	put64(at(L) + 32, 2);
	put64(at(arr), object(0, T_SLOTTED, 1, 1, 0));
	put64(at(arr) + 8, object(1, T_SLOTTED, 1, 1, 0));
	F = object(3, T_FRAME, 1, 1, 0);
	code = DATA + 0x2000;
	put64(at(F) + 32, code);
	put64(at(F) + 352, L);
	memcpy(at(code) + 28, "\1\0\0\0", 4);
	put64(at(code) + 72, DATA + 0x2400);
	put64(at(DATA + 0x2400) + 16, 1);
	put64(at(DATA + 0x2400) + 24, heap_str(HEAPMEM + 0x2000, "keep"));
	put64(at(code) + 112, heap_str(HEAPMEM + 0x2100, "idle"));

	src = source();
	CHECK(heap_arena_pinned(h, &h->arenas[0]));
	po = pyobj_open(src, h, pl, 3, 10, NULL, NULL);
	CHECK(po != NULL);
	if (po != NULL && pyobj_pinned_roots(po, &pr, NULL) == 0) {
		for (i = 0; i < pr.nrows; i++) {
			if (pr.rows[i].verdict != PYOBJ_ROOTED)
				continue;
			rooted++;
			CHECK_STR(pr.rows[i].label, "idle(): keep");
			CHECK_EQ_U(pr.rows[i].objects, 3);	/* L, its 2 */
		}
		CHECK_EQ_U(rooted, 1);
		pyobj_pinned_roots_free(&pr);
	}
	pyobj_close(po);
	source_close(src);
	heap_free(h);
	h = NULL;
	free(arena);
}

/* ---- 3.11+ frames ------------------------------------------------------- */

#define FR	0x7f1000000000ull	/* the threads' states and data stacks */
#define FR_LEN	0x10000u
#define CODE_T	(DATA + 0x1c00)

static uint8_t *frmem;

static uint8_t *
fat(uint64_t a)
{
	return frmem + (a - FR);
}

/* A str object in the frames' region (compact ASCII). */
static uint64_t
fr_str(uint64_t o, const char *s)
{
	put64(fat(o), 1);
	put64(fat(o) + 8, taddr(T_STR));
	put64(fat(o) + 16, strlen(s));
	put64(fat(o) + 24, (uint64_t)-1);
	put64(fat(o) + 32, (1u << 2) | (1u << 5) | (1u << 6));
	strcpy((char *)fat(o) + ol->str_ascii_data, s);
	return o;
}

/* A code object at c named qual, its localsplus names at c + 0x100. */
static uint64_t
fr_code(uint64_t c, const struct pyobj_frame_layout *l, const char *qual,
    const char *const *names, unsigned n)
{
	uint64_t t = c + 0x100;
	unsigned i;

	put64(fat(c), 1);
	put64(fat(c) + 8, CODE_T);
	put64(fat(c) + l->co_localsplusnames, t);
	put64(fat(c) + l->co_qualname, fr_str(c + 0x400, qual));
	put64(fat(t), 1);
	put64(fat(t) + 8, taddr(T_TUPLE));
	put64(fat(t) + 16, n);
	for (i = 0; i < n; i++)
		put64(fat(t) + 24 + i * 8, fr_str(c + 0x480 + i * 0x60,
		    names[i]));
	return c;
}

/* A frame at f running code, after previous; owner 0 (the thread). */
static void
fr_frame(uint64_t f, const struct pyobj_frame_layout *l, uint64_t code,
    uint64_t previous, int owner)
{
	put64(fat(f) + l->fr_code, code);
	put64(fat(f) + l->fr_previous, previous);
	fat(f)[l->fr_owner] = (uint8_t)owner;
}

/* A thread state at ts of interp, next after it, innermost frame f. */
static void
fr_thread(uint64_t ts, const struct pyobj_frame_layout *l, uint64_t interp,
    uint64_t next, uint64_t tid, uint64_t f)
{
	put64(fat(ts) + l->ts_interp, interp);
	put64(fat(ts) + l->ts_next, next);
	put64(fat(ts) + l->ts_native_tid, tid);
	if (l->ts_cframe != 0) {	/* the _PyCFrame, on a C stack */
		put64(fat(ts) + l->ts_cframe, ts + 0x300);
		put64(fat(ts + 0x300) + l->cf_current_frame, f);
	} else {
		put64(fat(ts) + l->cf_current_frame, f);
	}
}

/* 3.13's _Py_DebugOffsets at the start of _PyRuntime, with the thread
 * list somewhere the table does not put it: the layout read must be
 * this one. */
static void
fr_debug_offsets(uint8_t *b, struct pyobj_frame_layout *l)
{
	static const struct { unsigned at; uint64_t v; } o[] = {
		{ 40, 0x400 }, { 64, 0 }, { 72, 200 }, { 168, 8 }, { 176, 16 },
		{ 184, 72 }, { 200, 160 }, { 232, 8 }, { 240, 0 }, { 256, 72 },
		{ 264, 70 }, { 296, 128 }, { 328, 96 },
	};
	struct pyobj_frame_layout bad;
	size_t i;

	memcpy(b, "xdebugpy", 8);
	put64(b + 8, 0x030d00f0);
	for (i = 0; i < HV_ARRAY_LEN(o); i++)
		put64(b + o[i].at, o[i].v);
	CHECK(pyobj_frame_layout_debug(b, PYOBJ_DEBUG_OFFSETS_LEN, l) == 0);
	CHECK_EQ_U(l->is_threads_head, 200);
	/* another version's, a free-threaded build's, an absurd offset, a
	 * short read: none is taken */
	put64(b + 8, 0x030e00f0);
	CHECK(pyobj_frame_layout_debug(b, PYOBJ_DEBUG_OFFSETS_LEN, &bad) == -1);
	put64(b + 8, 0x030d00f0);
	put64(b + 16, 1);
	CHECK(pyobj_frame_layout_debug(b, PYOBJ_DEBUG_OFFSETS_LEN, &bad) == -1);
	put64(b + 16, 0);
	put64(b + 232, 1ull << 40);
	CHECK(pyobj_frame_layout_debug(b, PYOBJ_DEBUG_OFFSETS_LEN, &bad) == -1);
	put64(b + 232, 8);
	CHECK(pyobj_frame_layout_debug(b, 300, &bad) == -1);
	CHECK(pyobj_frame_layout_debug(b, PYOBJ_DEBUG_OFFSETS_LEN, &bad) == 0);
}

/*
 * Three threads of one interpreter: the main one (tid 0, as the buffers'
 * pid) runs idle() with local_node = T, over a shim frame and a module
 * frame without locals, and T's address also in idle's value stack (stale,
 * past co_nlocalsplus); thread 4242 runs Worker.run() with item = T2; a
 * third thread's frame chain loops, and its state's next is itself.  The
 * walk ends, each frame read once; the locals are named.
 */
static void
test_frames(int minor)
{
	static const char *const idle_names[] = { "x", "local_node" };
	static const char *const run_names[] = { "self", "item" };
	struct pyobj_frame_layout l;
	uint64_t T, T2, rt = FR, interp = FR + 0x1000, tsa = FR + 0x2000,
	    tsb = FR + 0x2800, tsc = FR + 0x3000, st = FR + 0x4000, ci, cr, cm;
	struct pyobj_frame *fr;
	size_t nfr;
	struct source *src;
	struct pyobj *po;
	struct pyobj_why w;
	struct want wt[2] = { { "frame frame 0 idle:local_node", 0 },
		{ " outside 0 ", 0 } };
	struct want wg[1] = { { "generator local 0 gi_frame.f_locals['held']",
		0 } }, wo[1] = { { "generator outside 0 ", 0 } };
	uint64_t G, T3;

	build(3, minor);
	frmem = xcalloc(1, FR_LEN);
	make_type(CODE_T, "code", 0, 200);
	if (minor >= 13)
		fr_debug_offsets(fat(rt), &l);
	else
		l = *pyobj_frame_layout_find(3, minor);
	T = node_obj(0, 1);
	T2 = node_obj(1, 1);
	put64(fat(rt) + l.rt_interp_head, interp);
	put64(fat(interp) + l.is_threads_head, tsa);
	ci = fr_code(FR + 0x8000, &l, "idle", idle_names, 2);
	cr = fr_code(FR + 0x9000, &l, "Worker.run", run_names, 2);
	cm = fr_code(FR + 0xa000, &l, "<module>", NULL, 0);
	/* main: idle <- shim <- <module> (3.11: no shims, an entry frame) */
	fr_frame(st + 0x200, &l, ci, st + 0x100, 0);
	fr_frame(st + 0x100, &l, cm, st, l.owner_cstack >= 0 ?
	    l.owner_cstack : 0);
	fr_frame(st, &l, cm, 0, 0);
	put64(fat(st + 0x200) + l.fr_localsplus + 8, T);
	put64(fat(st + 0x200) + l.fr_localsplus + 16, T);	/* stack */
	fr_thread(tsa, &l, interp, tsb, 0, st + 0x200);
	/* thread 4242: Worker.run */
	fr_frame(st + 0x800, &l, cr, 0, 0);
	put64(fat(st + 0x800) + l.fr_localsplus + 8, T2);
	fr_thread(tsb, &l, interp, tsc, 4242, st + 0x800);
	/* a chain that loops, in a thread list that loops */
	fr_frame(st + 0xc00, &l, cr, st + 0xd00, 0);
	fr_frame(st + 0xd00, &l, cr, st + 0xc00, 0);
	fr_thread(tsc, &l, interp, tsc, 7, st + 0xc00);

	/* a suspended generator, its frame at its end: held = T3; its
	 * gi_frame_state 5 bytes before the frame */
	{
		static const char *const gen_names[] = { "held" };
		unsigned bs = (minor == 11 ? 80 : 72) + l.fr_localsplus;

		make_type(taddr(T_GEN), "generator", F_GC, bs);
		G = object(2, T_GEN, 1, 1, 0);
		T3 = node_obj(3, 1);
		at(G + bs - l.fr_localsplus - 5)[0] = 0xff;	/* -1 */
		put64(at(G + bs - l.fr_localsplus) + l.fr_code,
		    fr_code(FR + 0xb000, &l, "gen", gen_names, 1));
		put64(at(G + bs), T3);
	}

	src = source();
	source_buffers_add(src, FR, frmem, FR_LEN, SOURCE_R | SOURCE_W, "");
	CHECK(pyobj_frames_read(src, rt, &l, &fr, &nfr, NULL) == 0);
	/* idle, Worker.run, the two looping ones, and <module>, which has
	 * no locals but a value stack -- twice on 3.11, whose frame between
	 * is no shim; no shim */
	CHECK_EQ_U(nfr, minor == 11 ? 6 : 5);
	free(fr);
	po = pyobj_open(src, h, pl, 3, minor, NULL, NULL);
	CHECK(po != NULL);
	if (po != NULL) {
		pyobj_set_runtime(po, rt);
		expect_refs(po, T, wt, 2);
		expect_refs(po, T3, wg, 1);
		/* finished: the slots are stale */
		((uint8_t *)source_buffers_data(src, G +
		    (minor == 11 ? 75 : 67)))[0] = 1;
		expect_refs(po, T3, wo, 1);
		CHECK(pyobj_why(po, T, &w, NULL) == 0);
		CHECK_EQ_U(w.verdict, PYOBJ_ROOTED);
		CHECK_STR(w.npaths ? w.paths[0] : NULL, "idle(): local_node");
		pyobj_why_free(&w);
		CHECK(pyobj_why(po, T2, &w, NULL) == 0);
		CHECK_EQ_U(w.verdict, PYOBJ_ROOTED);
		CHECK_STR(w.npaths ? w.paths[0] : NULL,
		    "thread 4242: Worker.run(): item");
		pyobj_why_free(&w);
		/* idle() has returned and Worker.run() was called in its
		 * place: each scan reads the frames again */
		put64((uint8_t *)source_buffers_data(src, st + 0x200 +
		    l.fr_code), cr);
		CHECK(pyobj_why(po, T, &w, NULL) == 0);
		CHECK_EQ_U(w.verdict, PYOBJ_ROOTED);
		CHECK_STR(w.npaths ? w.paths[0] : NULL, "Worker.run(): item");
		pyobj_why_free(&w);
		/* the interpreter's thread list points nowhere readable */
		put64((uint8_t *)source_buffers_data(src, interp +
		    l.is_threads_head), 0x10);
		CHECK(pyobj_why(po, T, &w, NULL) == 0);
		CHECK_EQ_U(w.verdict, PYOBJ_OUTSIDE);
	}
	CHECK(pyobj_frames_read(src, rt, &l, &fr, &nfr, NULL) == -1);
	pyobj_close(po);
	source_close(src);
	heap_free(h);
	h = NULL;
	free(arena);
	free(frmem);
}

int
main(void)
{
	test_type_cache();
	test_pinned_bounded();
	test_climb();
	test_paths();
	test_pinned_frame();
	test_layout(2, 7);
	test_layout(3, 6);
	test_layout(3, 10);
	test_layout(3, 11);
	test_layout(3, 13);
	test_frames(11);
	test_frames(12);
	test_frames(13);
	return check_done();
}
