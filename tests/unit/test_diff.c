/*
 * heap_diff on heaps built by hand: each case states, block by block, what
 * the baseline and the current capture hold, and the new and gone objects
 * that follow from the identity rule (same address, same type name) --
 * worked out here, not read back from the code under test.  Then the
 * heapy partition text of one result, checked character by character.
 */
#include "config.h"

#include "check.h"
#include "heap_diff.h"
#include "render_diff.h"
#include "snapshot_heaps.h"

#include <stdlib.h>
#include <string.h>

#define BASE_ADDR	0x7f3a20000000ull
/* layout_small: 16 KiB arenas of 16 pools of 1 KiB; class 3 holds 64-byte
 * blocks, 15 to a pool. */
#define ARENA		(16u << 10)
#define SZ		3u

/*
 * A heap with the types named in order ("Node dict" gives Node index 1,
 * dict 2), so that two heaps can number the same types differently.
 */
static struct heap *
new_heap(const char *const *types)
{
	struct heap *h = heap_new(&layout_small, HEAP_LEVEL_BLOCKS);

	set_process(h);
	if (types != NULL) {
		heap_types_init(h);
		for (; *types != NULL; types++)
			heap_type_add(h, *types, strcmp(*types, "str") == 0 ? 0 :
			    HEAP_TYPE_GC);
	}
	return h;
}

static uint32_t
type_of(const struct heap *h, char c)
{
	const char *name = c == 'N' || c == 'n' ? "Node" : c == 'd' ? "dict" :
	    c == 's' ? "str" : NULL;
	uint32_t t = name != NULL ? test_type_index(h, name) : HEAP_TYPE_RAW;

	return c == 'n' ? t | HEAP_TYPE_UNTRACKED : t;
}

/*
 * Pool slot of an arena from a pattern, one character a block from the
 * first: N Node, n an untracked Node, d dict, s str, r raw, . free; blocks
 * past the pattern untouched.  An empty pattern makes the pool EMPTY.
 */
static void
set_pattern(struct heap *h, struct heap_pool *p, unsigned szidx,
    const char *pat)
{
	uint32_t cap = heap_blocks_per_pool(&h->layout, szidx), i, n = 0;
	uint32_t carved = (uint32_t)strlen(pat);
	uint16_t *v;

	p->szidx = (uint8_t)szidx;
	if (carved == 0) {
		set_empty(h, p, szidx);
		return;
	}
	p->state = POOL_USED;
	p->nextoffset = pool_end(&h->layout, szidx, carved);
	p->blocks = heap_blocks_new(cap);
	v = calloc(cap, sizeof *v);
	for (i = 0; i < cap; i++) {
		enum block_state s = i >= carved ? BLOCK_UNTOUCHED :
		    pat[i] == '.' ? BLOCK_FREE : BLOCK_ALLOCATED;

		heap_blocks_set(p->blocks, i, s);
		if (s == BLOCK_ALLOCATED) {
			n++;
			v[i] = (uint16_t)type_of(h, pat[i]);
		}
	}
	if (h->ntypes > 0)
		heap_pool_types_set(p, v, cap);
	free(v);
	p->count = (uint16_t)n;
}

/* An arena whose first pools hold the patterns, the others carved and
 * empty when carve_all, else untouched. */
static struct heap_arena *
add_arena(struct heap *h, uint32_t index, uint64_t addr,
    const char *const *pools, int carve_all)
{
	uint32_t ppa = ARENA / layout_small.pool_size, p, n = 0;
	struct heap_arena *a = heap_add_arena(h, index, addr, ppa);

	for (; pools[n] != NULL; n++)
		set_pattern(h, &a->pools[n], SZ, pools[n]);
	for (p = n; carve_all && p < ppa; p++)
		set_empty(h, &a->pools[p], SZ);
	arena_carved(h, a, carve_all ? ppa : n);
	return a;
}

static const char *const types_nd[] = { "Node", "dict", "str", NULL };
static const char *const types_dn[] = { "str", "dict", "Node", NULL };

static const struct heap_diff_row *
row(const struct heap_diff_part *p, const char *name)
{
	uint32_t i;

	for (i = 0; i < p->nrows; i++)
		if (strcmp(p->rows[i].name, name) == 0)
			return &p->rows[i];
	return NULL;
}

static uint64_t
count(const struct heap_diff_part *p, const char *name)
{
	const struct heap_diff_row *r = row(p, name);

	return r != NULL ? r->count : 0;
}

static void
diff(const struct heap *b, const struct heap *c, struct heap_diff *d)
{
	char *cause = NULL;

	CHECK(heap_diff_compute(b, c, 0, d, &cause) == 0);
	CHECK(cause == NULL);
	free(cause);
}

/*
 * One pool, block by block: kept (N N), a Node whose address now holds a
 * dict, a freed str, a new Node in a free block, a new str in an untouched
 * one; the type tables number the types differently.
 */
static void
test_blocks_in_a_pool(void)
{
	static const char *const base_pools[] = { "NNNs.", NULL };
	static const char *const cur_pools[] = { "NNd.Ns", NULL };
	struct heap *b = new_heap(types_nd), *c = new_heap(types_dn);
	struct heap_diff d;

	add_arena(b, 0, BASE_ADDR, base_pools, 0);
	add_arena(c, 0, BASE_ADDR, cur_pools, 0);
	heap_finish(b);
	heap_finish(c);
	diff(b, c, &d);
	CHECK(d.typed);
	CHECK_EQ_U(d.new.objects, 3);	/* d at 2, N at 4, s at 5 */
	CHECK_EQ_U(count(&d.new, "dict"), 1);
	CHECK_EQ_U(count(&d.new, "Node"), 1);
	CHECK_EQ_U(count(&d.new, "str"), 1);
	CHECK_EQ_U(d.new.object_bytes, 3 * 64);
	CHECK_EQ_U(d.gone.objects, 2);	/* N at 2, s at 3 */
	CHECK_EQ_U(count(&d.gone, "Node"), 1);
	CHECK_EQ_U(count(&d.gone, "str"), 1);
	CHECK_EQ_U(d.classes[SZ].new_blocks, 3);
	CHECK_EQ_U(d.classes[SZ].freed_blocks, 2);
	CHECK_EQ_U(d.npinned, 0);
	heap_diff_free(&d);
	/* Asked for blocks: 2 is the same block (dict or not), 3 freed, 4 and
	 * 5 new. */
	CHECK(heap_diff_compute(b, c, HEAP_DIFF_BLOCKS, &d, NULL) == 0);
	CHECK(!d.typed);
	CHECK_EQ_U(d.classes[SZ].new_blocks, 2);
	CHECK_EQ_U(d.classes[SZ].freed_blocks, 1);
	CHECK_EQ_U(d.new.raw_blocks, 2);
	CHECK_EQ_U(d.new.objects, 0);
	heap_diff_free(&d);
	heap_free(b);
	heap_free(c);
}

/*
 * HEAP_DIFF_WHERE: the new blocks of the current capture, a bit each, pools
 * numbered across its arenas in order.  Arena 0 as in the case above (new:
 * blocks 2, 4, 5 of pool 0); a second arena, new, with an empty pool 0 and
 * one Node at block 2 of pool 1 -- pool 16 + 1 in all.  No other bit.
 */
static void
test_where(void)
{
	static const char *const base_pools[] = { "NNNs.", NULL };
	static const char *const cur_pools[] = { "NNd.Ns", NULL };
	static const char *const cur_pools2[] = { "", "..N", NULL };
	struct heap *b = new_heap(types_nd), *c = new_heap(types_dn);
	uint32_t ppa = ARENA / layout_small.pool_size, i;
	struct heap_diff d;
	size_t g, set = 0;

	add_arena(b, 0, BASE_ADDR, base_pools, 0);
	add_arena(c, 0, BASE_ADDR, cur_pools, 0);
	add_arena(c, 1, BASE_ADDR + ARENA, cur_pools2, 0);
	heap_finish(b);
	heap_finish(c);
	CHECK(heap_diff_compute(b, c, HEAP_DIFF_WHERE, &d, NULL) == 0);
	CHECK_EQ_U(d.new.objects, 4);
	CHECK_EQ_U(d.where_pools, 2 * ppa);
	CHECK_EQ_U(d.where_stride, heap_blocks_per_pool(&c->layout, 0));
	CHECK(heap_diff_is_new(&d, 0, 2));
	CHECK(heap_diff_is_new(&d, 0, 4));
	CHECK(heap_diff_is_new(&d, 0, 5));
	CHECK(heap_diff_is_new(&d, ppa + 1, 2));
	for (g = 0; g < d.where_pools; g++)
		for (i = 0; i < d.where_stride; i++)
			set += (size_t)heap_diff_is_new(&d, g, i);
	CHECK_EQ_U(set, 4);
	/* out of range: not new, not a crash */
	CHECK(!heap_diff_is_new(&d, d.where_pools, 0));
	CHECK(!heap_diff_is_new(&d, 0, d.where_stride));
	heap_diff_free(&d);
	/* without the flag, no bitmap */
	diff(b, c, &d);
	CHECK(d.where == NULL);
	CHECK(!heap_diff_is_new(&d, 0, 2));
	heap_diff_free(&d);
	heap_free(b);
	heap_free(c);
}

/*
 * Arenas: slot 0 at the same address in both (unchanged), slot 1 given back
 * (gone whole), slot 2 reused for an arena at another address (its old
 * objects gone, its new ones new), slot 3 a new arena that is pinned by
 * the one Node in it (15 pools carved and empty).  Raw blocks and an
 * untracked Node are counted apart.
 */
static void
test_arenas(void)
{
	static const char *const same[] = { "NdsN", NULL };
	static const char *const old1[] = { "dd.r", "N", NULL };
	static const char *const old2[] = { "sss", NULL };
	static const char *const new2[] = { "NNr", NULL };
	static const char *const new3[] = { "..n.", NULL };
	struct heap *b = new_heap(types_nd), *c = new_heap(types_nd);
	struct heap_diff d;

	add_arena(b, 0, BASE_ADDR, same, 0);
	add_arena(b, 1, BASE_ADDR + ARENA, old1, 0);
	add_arena(b, 2, BASE_ADDR + 4 * ARENA, old2, 0);
	add_arena(c, 0, BASE_ADDR, same, 0);
	add_arena(c, 2, BASE_ADDR + 6 * ARENA, new2, 0);
	add_arena(c, 3, BASE_ADDR + 2 * ARENA, new3, 1);
	heap_finish(b);
	heap_finish(c);
	diff(b, c, &d);
	CHECK_EQ_U(d.gone.objects, 6);	/* d d N, s s s */
	CHECK_EQ_U(count(&d.gone, "dict"), 2);
	CHECK_EQ_U(count(&d.gone, "Node"), 1);
	CHECK_EQ_U(count(&d.gone, "str"), 3);
	CHECK_EQ_U(d.gone.raw_blocks, 1);
	CHECK_EQ_U(d.gone.raw_bytes, 64);
	CHECK_EQ_U(d.new.objects, 3);	/* N N, n */
	CHECK_EQ_U(count(&d.new, "Node"), 3);
	CHECK_EQ_U(row(&d.new, "Node")->untracked, 1);
	CHECK_EQ_U(d.new.raw_blocks, 1);
	CHECK_EQ_U(d.classes[SZ].new_blocks, 4);
	CHECK_EQ_U(d.classes[SZ].freed_blocks, 7);
	/* Only slot 3 is pinned: the others are still being carved. */
	CHECK_EQ_U(d.npinned, 1);
	if (d.npinned == 1) {
		CHECK_EQ_U(d.pinned[0].index, 3);
		CHECK_EQ_U(d.pinned[0].address, BASE_ADDR + 2 * ARENA);
		CHECK_EQ_U(d.pinned[0].live_bytes, 64);
		CHECK_EQ_U(d.pinned[0].carved_bytes, ARENA);
		CHECK_EQ_U(d.pinned[0].new.objects, 1);
		CHECK_EQ_U(count(&d.pinned[0].new, "Node"), 1);
		CHECK_EQ_U(d.pinned[0].new.raw_blocks, 0);
	}
	heap_diff_free(&d);
	/* The other way round, new and gone trade places. */
	diff(c, b, &d);
	CHECK_EQ_U(d.new.objects, 6);
	CHECK_EQ_U(d.gone.objects, 3);
	CHECK_EQ_U(d.npinned, 0);
	heap_diff_free(&d);
	heap_free(b);
	heap_free(c);
}

/*
 * A pool emptied and carved again for another size class: at offsets both
 * classes share (the first block, then every 128 bytes for 64 and 128),
 * an object of the same type is the old one.
 */
static void
test_pool_reused_for_another_class(void)
{
	struct heap *b = new_heap(types_nd), *c = new_heap(types_nd);
	struct heap_arena *a;
	struct heap_diff d;

	a = heap_add_arena(b, 0, BASE_ADDR, ARENA / layout_small.pool_size);
	set_pattern(b, &a->pools[0], 3, "NNNN");	/* 64 bytes */
	arena_carved(b, a, 1);
	a = heap_add_arena(c, 0, BASE_ADDR, ARENA / layout_small.pool_size);
	set_pattern(c, &a->pools[0], 7, "Nd");		/* 128 bytes */
	arena_carved(c, a, 1);
	heap_finish(b);
	heap_finish(c);
	diff(b, c, &d);
	/* offset 0: N and N, the same; offset 128: N then d. */
	CHECK_EQ_U(d.new.objects, 1);
	CHECK_EQ_U(count(&d.new, "dict"), 1);
	CHECK_EQ_U(d.new.object_bytes, 128);
	CHECK_EQ_U(d.gone.objects, 3);
	CHECK_EQ_U(d.gone.object_bytes, 3 * 64);
	CHECK_EQ_U(d.classes[3].freed_blocks, 3);
	CHECK_EQ_U(d.classes[7].new_blocks, 1);
	heap_diff_free(&d);
	heap_free(b);
	heap_free(c);
}

/*
 * Without types (either side): blocks.  A block allocated in both at the
 * same address in the same class is the same block, whatever it holds.
 */
static void
test_blocks_without_types(void)
{
	static const char *const base_pools[] = { "rr.r", "rrr", NULL };
	static const char *const cur_pools[] = { "r.rrr", "", NULL };
	struct heap *b = new_heap(NULL), *c = new_heap(types_nd);
	struct heap_diff d;

	add_arena(b, 0, BASE_ADDR, base_pools, 0);
	add_arena(c, 0, BASE_ADDR, cur_pools, 0);
	heap_finish(b);
	heap_finish(c);
	diff(b, c, &d);
	CHECK(!d.typed);
	CHECK_EQ_U(d.nclasses, layout_small.nclasses);
	CHECK_EQ_U(d.classes[SZ].size, 64);
	CHECK_EQ_U(d.classes[SZ].new_blocks, 2);	/* 2, 4 */
	CHECK_EQ_U(d.classes[SZ].freed_blocks, 4);	/* 1, and pool 1's 3 */
	CHECK_EQ_U(d.new.objects, 0);
	CHECK_EQ_U(d.new.raw_blocks, 2);
	CHECK_EQ_U(d.gone.raw_blocks, 4);
	heap_diff_free(&d);
	heap_free(b);
	heap_free(c);
}

/*
 * The collector's tracking must agree: a Node untracked then (on a free
 * list, say) and tracked now is a new one, and the other way round the
 * tracked one is gone; untracked at both moments, it is the same.
 */
static void
test_tracking(void)
{
	static const char *const base_pools[] = { "nNn", NULL };
	static const char *const cur_pools[] = { "Nnn", NULL };
	struct heap *b = new_heap(types_nd), *c = new_heap(types_nd);
	struct heap_diff d;

	add_arena(b, 0, BASE_ADDR, base_pools, 0);
	add_arena(c, 0, BASE_ADDR, cur_pools, 0);
	heap_finish(b);
	heap_finish(c);
	diff(b, c, &d);
	CHECK_EQ_U(count(&d.new, "Node"), 2);
	CHECK_EQ_U(row(&d.new, "Node")->untracked, 1);
	CHECK_EQ_U(count(&d.gone, "Node"), 2);
	CHECK_EQ_U(row(&d.gone, "Node")->untracked, 1);
	heap_diff_free(&d);
	heap_free(b);
	heap_free(c);
}

/* An INVALID pool on either side hides its blocks: left out, counted. */
static void
test_invalid_pool(void)
{
	static const char *const pools[] = { "NN", "dd", NULL };
	struct heap *b = new_heap(types_nd), *c = new_heap(types_nd);
	struct heap_arena *a;
	struct heap_diff d;

	add_arena(b, 0, BASE_ADDR, pools, 0);
	a = add_arena(c, 0, BASE_ADDR, pools, 0);
	free(a->pools[1].blocks);
	heap_pool_types_free(&a->pools[1]);
	memset(&a->pools[1], 0, sizeof a->pools[1]);
	a->pools[1].state = POOL_INVALID;
	heap_finish(b);
	heap_finish(c);
	diff(b, c, &d);
	CHECK_EQ_U(d.new.objects, 0);
	CHECK_EQ_U(d.gone.objects, 0);
	CHECK_EQ_U(d.skipped_pools, 1);
	heap_diff_free(&d);
	heap_free(b);
	heap_free(c);
}

static void
expect_error(const struct heap *b, const struct heap *c, const char *want)
{
	struct heap_diff d;
	char *cause = NULL;

	CHECK(heap_diff_compute(b, c, 0, &d, &cause) == -1);
	CHECK(cause != NULL && strstr(cause, want) != NULL);
	if (cause != NULL && strstr(cause, want) == NULL)
		fprintf(stderr, "  cause: %s\n", cause);
	free(cause);
}

static void
test_errors(void)
{
	struct heap *b = new_heap(types_nd), *c;

	heap_finish(b);
	c = heap_new(&layout_38, HEAP_LEVEL_BLOCKS);
	set_process(c);
	heap_finish(c);
	expect_error(b, c, "allocator geometry");
	heap_free(c);
	c = heap_new(&layout_small, HEAP_LEVEL_POOLS);
	set_process(c);
	heap_finish(c);
	expect_error(b, c, "current capture was captured at pool level");
	expect_error(c, b, "baseline was captured at pool level");
	heap_free(c);
	c = new_heap(types_nd);
	free(c->process.python);
	c->process.python = xstrdup("3.12.1");
	heap_finish(c);
	expect_error(b, c, "Python 3.11.2, the current capture of Python 3.12.1");
	/* Another patch level of the same version compares. */
	free(c->process.python);
	c->process.python = xstrdup("3.11.9");
	{
		struct heap_diff d;

		diff(b, c, &d);
		heap_diff_free(&d);
	}
	heap_free(c);
	heap_free(b);
}

/* The partition text of test_arenas' gone side, as heapy prints it:
 * '%6d %6d %3d %8d %3d %9d %3d ' then the kind; percentages rounded. */
static void
test_partition_text(void)
{
	static const char *const pools[] = { "sssddN", NULL };
	static const char want[] =
	    "Partition of a set of 6 objects. Total size = 384 bytes.\n"
	    " Index  Count   %     Size   % Cumulative  % Type\n"
	    "     0      3  50      192  50       192  50 str\n"
	    "     1      2  33      128  33       320  83 dict\n"
	    "     2      1  17       64  17       384 100 Node\n";
	struct heap *b = new_heap(types_nd), *c = new_heap(types_nd);
	struct heap_diff d;
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	add_arena(c, 0, BASE_ADDR, pools, 0);
	heap_finish(b);
	heap_finish(c);
	diff(b, c, &d);
	out = open_memstream(&text, &len);
	render_diff_partition(out, &d.new);
	fclose(out);
	CHECK_STR(text, want);
	free(text);
	out = open_memstream(&text, &len);
	render_diff_partition(out, &d.gone);
	fclose(out);
	CHECK_STR(text, "Partition of a set of 0 objects. Total size = 0 bytes.\n"
	    " Index  Count   %     Size   % Cumulative  % Type\n");
	free(text);
	heap_diff_free(&d);
	heap_free(b);
	heap_free(c);
}

int
main(void)
{
	test_blocks_in_a_pool();
	test_where();
	test_arenas();
	test_pool_reused_for_another_class();
	test_blocks_without_types();
	test_tracking();
	test_invalid_pool();
	test_errors();
	test_partition_text();
	return check_done();
}
