/*
 * tui_heapgen: writes a synthetic recording of a fragmenting heap, for the
 * TUI's benchmark (bench/bench_tui_draw.sh) and its test data.
 *
 *   tui_heapgen [-b] NARENAS NFRAMES OUT.jsonl
 *
 * The story, frame by frame: half of the arenas' pools carved and in use;
 * every pool carved; most of it freed, a few survivors scattered over every
 * arena; then survivors dying one by one.  -b records block states.  A fixed
 * seed makes the output the same on every run.
 */
#include "config.h"

#include "heap.h"
#include "snapshot.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct heap_layout layout = {
	.arena_size = 1 << 20,
	.pool_size = 16 << 10,
	.alignment = 16,
	.nclasses = 32,
	.pool_overhead = 48,
};

static const char *const labels[] = {
	"half carved", "all carved", "freed most", "survivors",
};

/* splitmix64 of (arena, pool, salt): the same pool gets the same fate. */
static uint64_t
fate(uint64_t a, uint64_t p, uint64_t salt)
{
	uint64_t z = (a << 40) ^ (p << 16) ^ salt;

	z += 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* count blocks of the first `carved` allocated, scattered by fate. */
static void
set_blocks(struct heap_pool *p, uint32_t n, uint32_t carved, uint64_t seed)
{
	uint32_t i, left = p->count;

	p->blocks = heap_blocks_new(n);
	for (i = 0; i < n; i++) {
		enum block_state s = BLOCK_UNTOUCHED;

		if (i < carved) {
			/* allocate exactly count: take when needed to finish */
			if (left > 0 && (left >= carved - i ||
			    fate(seed, i, 7) % carved < p->count)) {
				s = BLOCK_ALLOCATED;
				left--;
			} else
				s = BLOCK_FREE;
		}
		heap_blocks_set(p->blocks, i, s);
	}
}

static void
fill_pool(struct heap_pool *p, uint32_t state, unsigned szidx, uint32_t count,
    int blocks, uint64_t seed)
{
	uint32_t n = heap_blocks_per_pool(&layout, szidx);
	uint32_t size = heap_block_size(&layout, szidx);

	p->state = (uint8_t)state;
	p->szidx = (uint8_t)szidx;
	p->count = (uint16_t)count;
	p->nextoffset = layout.pool_overhead + n * size;
	if (state == POOL_USED && blocks)
		set_blocks(p, n, n, seed);
}

/* The state of pool (a, p) in frame f. */
static void
pool_at(struct heap_pool *pool, uint64_t a, uint32_t p, unsigned f, int blocks)
{
	uint64_t r = fate(a, p, 1);
	unsigned szidx = (unsigned)(r % 24);
	uint32_t n = heap_blocks_per_pool(&layout, szidx);
	uint64_t survive = fate(a, p, 2) % 100;

	if (f == 0 || f == 1) {
		if (r % 5 == 0)
			fill_pool(pool, POOL_USED, szidx, 1 + (uint32_t)(r >> 8) % (n - 1),
			    blocks, r);
		else
			fill_pool(pool, POOL_FULL, szidx, n, blocks, r);
		return;
	}
	/* freed: 12% of pools keep a few survivors, fewer each frame */
	if (survive < 12 && survive + 2 * (f - 2) < 12) {
		fill_pool(pool, POOL_USED, szidx, 1 + (uint32_t)(r >> 8) % (n / 4 + 1),
		    blocks, r);
		return;
	}
	fill_pool(pool, POOL_EMPTY, szidx, 0, blocks, r);
}

static struct heap *
frame(uint32_t narenas, unsigned f, int blocks)
{
	struct heap *h = heap_new(&layout, blocks ? HEAP_LEVEL_BLOCKS :
	    HEAP_LEVEL_POOLS);
	uint32_t a, p, carved;
	struct heap_arena *ar;

	h->process.pid = 4242;
	h->process.python = xstrdup("3.11.7");
	h->process.exe = xstrdup("/usr/bin/python3.11");
	h->process.rss_bytes = (uint64_t)narenas * layout.arena_size * 3 / 2;
	h->captured_at = 1700000000.0 + f;
	h->counters.arenas_allocated_total = narenas;
	h->counters.arenas_highwater = narenas;
	for (a = 0; a < narenas; a++) {
		/* 4 KiB-aligned mmaps: most arenas lose a pool to alignment */
		uint64_t addr = 0x7f0000000000ull + (uint64_t)a * (2u << 20) +
		    (a % 4 == 0 ? 0 : 0x1000);
		uint32_t npools = a % 4 == 0 ? 64 : 63;

		ar = heap_add_arena(h, a, addr, npools);
		ar->ntotalpools = npools;
		carved = f == 0 ? npools / 2 : npools;
		for (p = 0; p < carved; p++)
			pool_at(&ar->pools[p], a, p, f, blocks);
		for (; p < npools; p++)
			ar->pools[p].state = POOL_UNTOUCHED;
		ar->pool_address = heap_pool_address(h, ar, carved);
		for (p = 0; p < npools; p++)
			ar->nfreepools += ar->pools[p].state == POOL_EMPTY ||
			    ar->pools[p].state == POOL_UNTOUCHED;
	}
	heap_finish(h);
	return h;
}

int
main(int argc, char **argv)
{
	struct snapshot_writer *w = NULL;
	struct heap *h;
	char *cause = NULL;
	int blocks = 0;
	long narenas, nframes, f;

	if (argc > 1 && strcmp(argv[1], "-b") == 0) {
		blocks = 1;
		argc--;
		argv++;
	}
	if (argc != 4 || (narenas = atol(argv[1])) <= 0 ||
	    (nframes = atol(argv[2])) <= 0) {
		fputs("usage: tui_heapgen [-b] NARENAS NFRAMES OUT.jsonl\n", stderr);
		return 2;
	}
	for (f = 0; f < nframes && cause == NULL; f++) {
		h = frame((uint32_t)narenas, (unsigned)f, blocks);
		if (w == NULL)
			w = snapshot_writer_open(argv[3], h, &cause);
		if (w != NULL)
			snapshot_writer_frame(w, h, (double)f,
			    labels[f < 3 ? f : 3], &cause);
		heap_free(h);
	}
	if (cause == NULL && w != NULL)
		snapshot_writer_close(w, &cause);
	if (cause != NULL) {
		fprintf(stderr, "tui_heapgen: %s\n", cause);
		return 1;
	}
	return 0;
}
