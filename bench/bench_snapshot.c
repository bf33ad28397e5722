/*
 * bench_snapshot: what the JSON formats cost on a synthetic ~100 MiB heap
 * (100 arenas of 1 MiB, CPython 3.10+ geometry, fragmented): bytes of a
 * snapshot and of a recording frame at pool and block level, and the time
 * to write, open (index and check) and expand a 1,000-frame recording;
 * and a block-level snapshot with block types (--types) against the same
 * without.  "load" times opening real files instead (e.g. --dump with and
 * without --types of one process).
 *
 *   make bench/bench_snapshot && ./bench/bench_snapshot [NARENAS [NFRAMES]]
 *   ./bench/bench_snapshot load FILE...
 *
 * Frames are 0.5 s apart and each changes 32 pools, about what a busy
 * program does between captures; a fixed seed makes runs comparable.  It
 * reports figures, never a verdict.
 */
#include "config.h"

#include "heap.h"
#include "snapshot.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct heap_layout layout = {
	.arena_size = 1 << 20, .pool_size = 16 << 10, .alignment = 16,
	.nclasses = 32, .pool_overhead = 48,
	.map_root_bytes = 262144, .map_mid_bytes = 262144, .map_bot_bytes = 131072,
};

static uint64_t seed = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(uint32_t n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (uint32_t)(seed % n);
}

/* A carved pool: used (a random share of its blocks live), full or empty. */
static void
fill_pool(const struct heap *h, struct heap_pool *p)
{
	unsigned szidx = rnd(layout.nclasses);
	uint32_t size = heap_block_size(&layout, szidx);
	uint32_t cap = heap_blocks_per_pool(&layout, szidx), carved, i, n = 0;
	uint32_t live = 1 + rnd(100);	/* percent */

	free(p->blocks);
	memset(p, 0, sizeof *p);
	p->szidx = (uint8_t)szidx;
	switch (rnd(10)) {
	case 0:
		p->state = POOL_EMPTY;
		p->nextoffset = layout.pool_overhead + cap * size;
		return;
	case 1:
		p->state = POOL_FULL;
		p->count = (uint16_t)cap;
		p->nextoffset = layout.pool_overhead + cap * size;
		return;
	}
	carved = 1 + rnd(cap);
	p->state = POOL_USED;
	p->nextoffset = layout.pool_overhead + carved * size;
	if (h->level == HEAP_LEVEL_BLOCKS)
		p->blocks = heap_blocks_new(cap);
	for (i = 0; i < cap; i++) {
		enum block_state s = i >= carved ? BLOCK_UNTOUCHED :
		    rnd(100) < live || (i == 0 && n == 0) ? BLOCK_ALLOCATED :
		    BLOCK_FREE;

		n += s == BLOCK_ALLOCATED;
		if (p->blocks != NULL)
			heap_blocks_set(p->blocks, i, s);
	}
	p->count = (uint16_t)n;
}

static void
count_free(struct heap_arena *a)
{
	uint32_t p;

	a->nfreepools = 0;
	for (p = 0; p < a->npools; p++)
		a->nfreepools += a->pools[p].state == POOL_EMPTY ||
		    a->pools[p].state == POOL_UNTOUCHED;
}

static struct heap *
make_heap(enum heap_level level, uint32_t narenas)
{
	struct heap *h = heap_new(&layout, level);
	struct heap_arena *a;
	uint32_t i, p, carved, npools;
	uint64_t addr;

	h->process.pid = 1;
	h->process.exe = xstrdup("/usr/bin/python3.11");
	h->process.python = xstrdup("3.11.2");
	h->process.rss_bytes = (uint64_t)narenas << 21;
	h->counters.arenas_allocated_total = narenas;
	h->counters.arenas_highwater = narenas;
	h->counters.map_mid_nodes = 1;
	h->counters.map_bot_nodes = 1;
	for (i = 0; i < narenas; i++) {
		/* Every other arena 4 KiB past a pool boundary, as mmap gives. */
		addr = 0x7f0000000000ull + (uint64_t)i * (2u << 20) +
		    (i % 2) * 4096;
		npools = i % 2 ? 63 : 64;
		a = heap_add_arena(h, i, addr, npools);
		carved = i < narenas / 10 ? npools / 2 : npools;
		for (p = 0; p < npools; p++) {
			if (p < carved)
				fill_pool(h, &a->pools[p]);
			else
				a->pools[p].state = POOL_UNTOUCHED;
		}
		a->ntotalpools = npools;
		a->pool_address = heap_pool_address(h, a, carved);
		count_free(a);
	}
	heap_finish(h);
	return h;
}

/* What changes between two captures: a few carved pools refilled. */
static void
mutate(struct heap *h, int npools)
{
	struct heap_arena *a;
	uint32_t p;

	while (npools-- > 0) {
		a = &h->arenas[rnd((uint32_t)h->narenas)];
		p = rnd(a->npools);
		if (a->pools[p].state == POOL_UNTOUCHED)
			continue;
		fill_pool(h, &a->pools[p]);
		count_free(a);
	}
	h->captured_at += 0.5;
}

static size_t
snapshot_bytes(const struct heap *h, double *secs)
{
	char *buf = NULL, *cause = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	double t0 = util_monotonic();

	if (snapshot_write(fp, h, &cause) != 0)
		util_fatal("%s", cause);
	fclose(fp);
	*secs = util_monotonic() - t0;
	free(buf);
	return len;
}

static off_t
file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : -1;
}

static long
max_rss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/*
 * Types for every allocated block: 300 names; each pool has a main type
 * that three blocks in four are, the rest any type, one in eight GC
 * objects untracked -- mixed pools, harder to compress than a real heap's.
 */
static void
add_types(struct heap *h)
{
	char name[32];
	uint32_t t, i, cap, main_type, p;
	uint16_t *v;
	size_t a;

	heap_types_init(h);
	for (t = 1; t < 300; t++) {
		snprintf(name, sizeof name, "module.Type%u", t);
		heap_type_add(h, name, t % 3 ? HEAP_TYPE_GC : 0);
	}
	for (a = 0; a < h->narenas; a++) {
		for (p = 0; p < h->arenas[a].npools; p++) {
			struct heap_pool *pool = &h->arenas[a].pools[p];

			if (pool->state != POOL_FULL && pool->state != POOL_USED)
				continue;
			cap = heap_blocks_per_pool(&h->layout, pool->szidx);
			v = xcalloc(cap, sizeof *v);
			main_type = rnd(h->ntypes);
			for (i = 0; i < cap; i++) {
				t = rnd(4) ? main_type : rnd(h->ntypes);
				if ((h->types[t].flags & HEAP_TYPE_GC) && rnd(8) == 0)
					t |= HEAP_TYPE_UNTRACKED;
				v[i] = (uint16_t)t;
			}
			heap_pool_types_set(pool, v, cap);
			free(v);
		}
	}
}

/* Best of three: open a file and build its last frame. */
static double
load_secs(const char *path)
{
	struct snapshot_file *sf;
	struct heap *f;
	char *cause = NULL;
	double best = 1e9, t0;
	int k;

	for (k = 0; k < 3; k++) {
		t0 = util_monotonic();
		if ((sf = snapshot_open(path, &cause)) == NULL ||
		    (f = snapshot_frame(sf, snapshot_nframes(sf) - 1,
		    &cause)) == NULL)
			util_fatal("%s", cause);
		best = HV_MIN(best, util_monotonic() - t0);
		heap_free(f);
		snapshot_close(sf);
	}
	return best;
}

static void
bench_types(uint32_t narenas, const char *path)
{
	struct heap *h = make_heap(HEAP_LEVEL_BLOCKS, narenas);
	size_t plain, typed;
	double plain_s, typed_s, plain_load, typed_load;
	FILE *fp;
	char *cause = NULL;

	plain = snapshot_bytes(h, &plain_s);
	if ((fp = fopen(path, "w")) == NULL || snapshot_write(fp, h, &cause) != 0)
		util_fatal("%s", cause ? cause : path);
	fclose(fp);
	plain_load = load_secs(path);
	add_types(h);
	typed = snapshot_bytes(h, &typed_s);
	if ((fp = fopen(path, "w")) == NULL || snapshot_write(fp, h, &cause) != 0)
		util_fatal("%s", cause ? cause : path);
	fclose(fp);
	typed_load = load_secs(path);
	printf("block level with types (300 types, mixed pools): snapshot %zu "
	    "bytes (%.2fx without), written in %.1f ms (%.1f without), loaded "
	    "in %.1f ms (%.1f without)\n", typed, (double)typed / (double)plain,
	    typed_s * 1e3, plain_s * 1e3, typed_load * 1e3, plain_load * 1e3);
	heap_free(h);
	unlink(path);
}

static int
bench_load(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		printf("%s: %lld bytes, open and build the last frame %.1f ms\n",
		    argv[i], (long long)file_size(argv[i]),
		    load_secs(argv[i]) * 1e3);
	printf("peak RSS %ld KiB\n", max_rss_kib());
	return 0;
}

static void
bench_level(enum heap_level level, uint32_t narenas, int nframes,
    const char *path)
{
	const char *name = level == HEAP_LEVEL_BLOCKS ? "block" : "pool";
	struct heap *h = make_heap(level, narenas), *f;
	struct snapshot_writer *w;
	struct snapshot_file *sf;
	char *cause = NULL;
	double t0, write_s, open_s, last_s, all_s, snap_s;
	size_t snap, i;
	int k;

	snap = snapshot_bytes(h, &snap_s);
	printf("%s level: snapshot %zu bytes (%.1f KiB), written in %.1f ms\n",
	    name, snap, snap / 1024.0, snap_s * 1e3);

	t0 = util_monotonic();
	if ((w = snapshot_writer_open(path, h, &cause)) == NULL)
		util_fatal("%s", cause);
	for (k = 0; k < nframes; k++) {
		if (k > 0)
			mutate(h, 32);
		if (snapshot_writer_frame(w, h, k * 0.5, NULL, &cause) != 0)
			util_fatal("%s", cause);
	}
	if (snapshot_writer_close(w, &cause) != 0)
		util_fatal("%s", cause);
	write_s = util_monotonic() - t0;
	printf("  recording of %d frames: %lld bytes, %.0f bytes per frame "
	    "(%.1f%% of a full frame); %.2f ms to write a frame\n", nframes,
	    (long long)file_size(path), (double)file_size(path) / nframes,
	    100.0 * (double)file_size(path) / nframes / (double)snap,
	    write_s * 1e3 / nframes);

	t0 = util_monotonic();
	if ((sf = snapshot_open(path, &cause)) == NULL)
		util_fatal("%s", cause);
	open_s = util_monotonic() - t0;
	t0 = util_monotonic();
	if ((f = snapshot_frame(sf, snapshot_nframes(sf) - 1, &cause)) == NULL)
		util_fatal("%s", cause);
	last_s = util_monotonic() - t0;
	heap_free(f);
	t0 = util_monotonic();
	for (i = 0; i < snapshot_nframes(sf); i++) {
		if ((f = snapshot_frame(sf, i, &cause)) == NULL)
			util_fatal("%s", cause);
		heap_free(f);
	}
	all_s = util_monotonic() - t0;
	printf("  load: open (index + check every frame) %.3f s; last frame "
	    "%.1f ms; every frame in turn %.2f ms each; peak RSS %ld KiB\n",
	    open_s, last_s * 1e3, all_s * 1e3 / (double)snapshot_nframes(sf),
	    max_rss_kib());
	snapshot_close(sf);
	heap_free(h);
	unlink(path);
}

int
main(int argc, char **argv)
{
	uint32_t narenas = argc > 1 ? (uint32_t)atoi(argv[1]) : 100;
	int nframes = argc > 2 ? atoi(argv[2]) : 1000;
	char dir[] = "/tmp/bench_snapshot.XXXXXX", *path;

	if (argc > 1 && strcmp(argv[1], "load") == 0)
		return bench_load(argc - 2, argv + 2);
	if (narenas == 0 || nframes <= 0) {
		fputs("usage: bench_snapshot [NARENAS [NFRAMES]]\n", stderr);
		return 2;
	}
	if (mkdtemp(dir) == NULL)
		util_fatal("mkdtemp: cannot make a directory in /tmp");
	path = xasprintf("%s/rec.jsonl", dir);
	printf("heap: %u arenas of 1 MiB (%.0f MiB), frames 0.5 s apart, 32 "
	    "pools changed per frame, full frames by cost (at least every "
	    "%.0f s)\n", narenas, narenas * 1.0, SNAPSHOT_KEY_SECONDS);
	bench_level(HEAP_LEVEL_POOLS, narenas, nframes, path);
	bench_level(HEAP_LEVEL_BLOCKS, narenas, nframes, path);
	bench_types(narenas, path);
	rmdir(dir);
	free(path);
	return 0;
}
