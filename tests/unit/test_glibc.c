/*
 * glibc malloc walked from a buffer source: a hand-built process with
 * glibc 2.36's layout -- main_arena in libc's data, a [heap] with every
 * kind of chunk (in use, unsorted, small and large bins, a fastbin, two
 * tcache entries, the tcache_perthread_struct, top), a thread arena in a
 * 64 MiB-aligned heap and an mmapped chunk -- read exactly; then corrupted
 * sizes, unprotected and looping links: INVALID, never a crash or an
 * endless walk.
 */
#include "config.h"

#include "check.h"
#include "glibc_internal.h"
#include "source.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define LIBC_ADDR	0x7f0000010000ull
#define LIBC_LEN	0x2000u
#define ARENA_OFF	0xc60u
#define MAIN		(LIBC_ADDR + ARENA_OFF)
#define HEAP_ADDR	0x555555560000ull
#define HEAP_LEN	0x8000u
#define TH_ADDR		0x7e0004000000ull	/* 64 MiB-aligned */
#define TH_LEN		0x4000u
#define TH_ARENA	(TH_ADDR + GL_HEAP_INFO_NEW)
#define TH_FIRST	(TH_ADDR + 0x8d0)	/* after heap_info and arena */
#define MM_ADDR		0x7e1000000000ull
#define MM_LEN		0x5000u
#define TCACHE_KEY	0x5a5a5a5a12345678ull

/* The main heap's chunks (offsets from HEAP_ADDR). */
#define C_TCACHE	0x000u	/* 0x290 tcache_perthread_struct */
#define C_USED1		0x290u	/* 0x40 in use */
#define C_UNSORTED	0x2d0u	/* 0x100 in the unsorted bin */
#define C_USED2		0x3d0u	/* 0x30 in use */
#define C_FAST		0x400u	/* 0x20 in fastbin 0 */
#define C_TC1		0x420u	/* 0x30 in tcache bin 1 */
#define C_TC2		0x450u	/* 0x30 in tcache bin 1 */
#define C_SMALL		0x480u	/* 0x50 in small bin 5 */
#define C_USED3		0x4d0u	/* 0x20 in use */
#define C_LARGE		0x4f0u	/* 0x2000 in a large bin */
#define C_USED4		0x24f0u	/* 0x30 in use */
#define C_TOP		0x2520u

struct fake {
	uint8_t	libc[LIBC_LEN];
	uint8_t	heap[HEAP_LEN];
	uint8_t	th[TH_LEN];
	uint8_t	mm[MM_LEN];
};

static uint64_t
rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static void
chunk(uint8_t *base, uint64_t off, uint64_t prev_size, uint64_t field)
{
	put64(base + off, prev_size);
	put64(base + off + 8, field);
}

static void
arena_init(uint8_t *ms, uint64_t addr, uint64_t top, uint64_t sysmem,
    uint64_t next)
{
	unsigned i;

	memset(ms, 0, GL_MS_SIZE);
	for (i = 1; i < GL_NBINS; i++) {
		put64(ms + GL_MS_BINS + 16 * (i - 1), gl_bin_at(addr, i));
		put64(ms + GL_MS_BINS + 16 * (i - 1) + 8, gl_bin_at(addr, i));
	}
	put64(ms + GL_MS_TOP, top);
	put64(ms + GL_MS_NEXT, next);
	put64(ms + GL_MS_SYSTEM_MEM, sysmem);
}

/* Puts the chunk at c alone in bin i of the arena at addr. */
static void
bin_one(uint8_t *ms, uint64_t addr, unsigned i, uint8_t *heap, uint64_t off)
{
	uint64_t c = HEAP_ADDR + off, b = gl_bin_at(addr, i);

	put64(ms + GL_MS_BINS + 16 * (i - 1), c);
	put64(ms + GL_MS_BINS + 16 * (i - 1) + 8, c);
	put64(heap + off + 16, b);
	put64(heap + off + 24, b);
}

static void
tcache_entry(uint8_t *heap, uint64_t off, uint64_t next_mem)
{
	uint64_t mem = HEAP_ADDR + off + 16;

	put64(heap + off + 16, next_mem ^ (mem >> 12));
	put64(heap + off + 24, TCACHE_KEY);
}

static void
build_main(struct fake *f)
{
	uint8_t *h = f->heap, *ms = f->libc + ARENA_OFF;
	uint64_t tmem = HEAP_ADDR + C_TCACHE + 16;

	chunk(h, C_TCACHE, 0, 0x290 | GL_PREV_INUSE);
	chunk(h, C_USED1, 0, 0x40 | GL_PREV_INUSE);
	chunk(h, C_UNSORTED, 0, 0x100 | GL_PREV_INUSE);
	chunk(h, C_USED2, 0x100, 0x30);
	chunk(h, C_FAST, 0, 0x20 | GL_PREV_INUSE);
	chunk(h, C_TC1, 0, 0x30 | GL_PREV_INUSE);
	chunk(h, C_TC2, 0, 0x30 | GL_PREV_INUSE);
	chunk(h, C_SMALL, 0, 0x50 | GL_PREV_INUSE);
	chunk(h, C_USED3, 0x50, 0x20);
	chunk(h, C_LARGE, 0, 0x2000 | GL_PREV_INUSE);
	chunk(h, C_USED4, 0x2000, 0x30);
	chunk(h, C_TOP, 0, (HEAP_LEN - C_TOP) | GL_PREV_INUSE);

	arena_init(ms, MAIN, HEAP_ADDR + C_TOP, HEAP_LEN, TH_ARENA);
	bin_one(ms, MAIN, 1, h, C_UNSORTED);
	bin_one(ms, MAIN, 5, h, C_SMALL);
	bin_one(ms, MAIN, gl_bin_index(0x2000), h, C_LARGE);
	/* fastbin 0: one chunk, its fd safe-linked NULL */
	put64(ms + GL_MS_FASTBINS, HEAP_ADDR + C_FAST);
	put64(h + C_FAST + 16, 0 ^ ((HEAP_ADDR + C_FAST + 16) >> 12));
	/* the main thread's tcache: bin 1 holds TC1 then TC2 */
	h[16 + 2] = 2;
	put64(h + 16 + 128 + 8, HEAP_ADDR + C_TC1 + 16);
	tcache_entry(h, C_TC1, HEAP_ADDR + C_TC2 + 16);
	tcache_entry(h, C_TC2, 0);
	(void)tmem;
}

static void
build_thread(struct fake *f)
{
	uint8_t *t = f->th, *ms = t + GL_HEAP_INFO_NEW;
	uint64_t first = TH_FIRST - TH_ADDR;
	uint64_t a = GL_NON_MAIN_ARENA | GL_PREV_INUSE;

	put64(t, TH_ARENA);		/* ar_ptr */
	put64(t + 8, 0);		/* prev */
	put64(t + 16, TH_LEN);		/* size */
	put64(t + 24, TH_LEN);		/* mprotect_size */
	put64(t + 32, 4096);		/* pagesize */
	arena_init(ms, TH_ARENA, TH_FIRST + 0x290 + 0x40, TH_LEN, MAIN);
	chunk(t, first, 0, 0x290 | a);
	chunk(t, first + 0x290, 0, 0x40 | a);
	chunk(t, first + 0x2d0, 0, (TH_LEN - first - 0x2d0) | GL_PREV_INUSE);
}

static void
build(struct fake *f)
{
	memset(f, 0, sizeof *f);
	build_main(f);
	build_thread(f);
	chunk(f->mm, 0, 0, 0x3000 | GL_IS_MMAPPED);
	chunk(f->mm, 0x3000, 0, 0x2000 | GL_IS_MMAPPED);
}

static struct source *
source_of(const struct fake *f, const char *libc)
{
	struct source *s = source_buffers_new();
	const unsigned rw = SOURCE_R | SOURCE_W | SOURCE_P;

	source_buffers_add(s, HEAP_ADDR, f->heap, HEAP_LEN, rw, "[heap]");
	source_buffers_add(s, MM_ADDR, f->mm, MM_LEN, rw, "");
	source_buffers_add(s, TH_ADDR, f->th, TH_LEN, rw, "");
	source_buffers_add(s, LIBC_ADDR - 0x10000, f->libc, 0x1000,
	    SOURCE_R | SOURCE_X, libc);
	source_buffers_add(s, LIBC_ADDR, f->libc, LIBC_LEN, rw, libc);
	return s;
}

static struct glibc_malloc *
read_fake(const struct fake *f, const char *libc)
{
	struct source *s = source_of(f, libc);
	struct glibc_malloc *gm = NULL;
	char *cause = NULL;

	CHECK(glibc_malloc_read(s, &gm, &cause) == 0);
	free(cause);
	source_close(s);
	return gm;
}

#define LIBC	"/usr/lib/x86_64-linux-gnu/libc.so.6"

static void
test_clean(void)
{
	struct fake *f = malloc(sizeof *f);
	struct glibc_malloc *gm;
	const struct glibc_arena *m, *t;

	build(f);
	gm = read_fake(f, LIBC);
	CHECK_EQ_U(gm->status, GLIBC_OK);
	CHECK_EQ_U(gm->main_arena, MAIN);
	CHECK_STR(gm->found_by, "scan");
	CHECK_EQ_U(gm->narenas, 2);
	m = &gm->arenas[0];
	t = &gm->arenas[1];
	CHECK_EQ_U(m->invalid, 0);
	CHECK_EQ_U(t->invalid, 0);
	if (m->invalid_why != NULL)
		fprintf(stderr, "main: %s\n", m->invalid_why);
	if (t->invalid_why != NULL)
		fprintf(stderr, "thread: %s\n", t->invalid_why);
	CHECK_EQ_U(m->bin_chunks, 3);
	CHECK_EQ_U(m->bin_bytes, 0x100 + 0x50 + 0x2000);
	CHECK_EQ_U(m->fast_chunks, 1);
	CHECK_EQ_U(m->fast_bytes, 0x20);
	CHECK_EQ_U(m->tcache_chunks, 2);
	CHECK_EQ_U(m->tcache_bytes, 0x60);
	CHECK_EQ_U(m->used_chunks, 5);
	CHECK_EQ_U(m->used_bytes, 0x290 + 0x40 + 0x30 + 0x20 + 0x30);
	CHECK_EQ_U(m->top_bytes, HEAP_LEN - C_TOP);
	CHECK_EQ_U(m->used_bytes + m->bin_bytes + m->fast_bytes +
	    m->tcache_bytes + m->top_bytes, m->system_mem);
	/* the large chunk holds one whole page past its links; top none */
	CHECK_EQ_U(m->trimmable_bytes, 0x1000 + ((HEAP_LEN - C_TOP - 33) &
	    ~0xfffull));
	CHECK_EQ_U(t->nheaps, 1);
	CHECK_EQ_U(t->used_chunks, 2);
	CHECK_EQ_U(t->overhead_bytes, TH_FIRST - TH_ADDR);
	CHECK_EQ_U(t->used_bytes + t->top_bytes + t->overhead_bytes,
	    t->system_mem);
	CHECK_EQ_U(gm->ntcaches, 2);
	CHECK_EQ_U(gm->mmapped_chunks, 2);
	CHECK_EQ_U(gm->mmapped_bytes, 0x5000);
	/* the heaps and the mmapped chunks, for whoever maps them */
	CHECK_EQ_U(gm->nheaps, 2);
	CHECK_EQ_U(gm->heaps[0].base, HEAP_ADDR);
	CHECK_EQ_U(gm->heaps[0].end, HEAP_ADDR + HEAP_LEN);
	CHECK_EQ_U(gm->heaps[0].n, 0);
	CHECK_EQ_U(gm->heaps[1].base, TH_ADDR);
	CHECK_EQ_U(gm->heaps[1].start, TH_FIRST);
	CHECK_EQ_U(gm->nmmaps, 2);
	CHECK_EQ_U(gm->mmaps[1].addr, MM_ADDR + 0x3000);
	CHECK_EQ_U(gm->mmaps[1].size, 0x2000);
	CHECK_EQ_U(gm->nchunks, 0);
	CHECK_EQ_U(gm->mi.arena, HEAP_LEN + TH_LEN);
	CHECK_EQ_U(gm->mi.fordblks, m->top_bytes + t->top_bytes + 0x20 +
	    0x100 + 0x50 + 0x2000);
	CHECK_EQ_U(gm->mi.uordblks, gm->mi.arena - gm->mi.fordblks);
	CHECK_EQ_U(gm->mi.ordblks, 2 + 3);
	CHECK_EQ_U(gm->mi.smblks, 1);
	CHECK_EQ_U(gm->mi.fsmblks, 0x20);
	CHECK_EQ_U(gm->mi.hblks, 2);
	CHECK_EQ_U(gm->mi.hblkhd, 0x5000);
	CHECK_EQ_U(gm->mi.keepcost, HEAP_LEN - C_TOP);
	glibc_malloc_free(gm);
	free(f);
}

/* Reads f after fn(f) changed it; returns the main arena's first reason
 * (static copy) and its INVALID count through *n. */
static const char *
corrupt(void (*fn)(struct fake *), unsigned *n, uint64_t *bad_bytes)
{
	static char why[256];
	struct fake *f = malloc(sizeof *f);
	struct glibc_malloc *gm;
	size_t i;

	build(f);
	fn(f);
	gm = read_fake(f, LIBC);
	*n = 0;
	*bad_bytes = 0;
	why[0] = '\0';
	for (i = 0; gm->status == GLIBC_OK && i < gm->narenas; i++) {
		const struct glibc_arena *a = &gm->arenas[i];

		*n += a->invalid;
		*bad_bytes += a->invalid_bytes;
		if (why[0] == '\0' && a->invalid_why != NULL)
			snprintf(why, sizeof why, "%s", a->invalid_why);
	}
	glibc_malloc_free(gm);
	free(f);
	return why;
}

static void bad_size(struct fake *f) { put64(f->heap + C_USED2 + 8, 0x7fff0); }
static void zero_size(struct fake *f) { put64(f->heap + C_USED2 + 8, 0); }
static void bin_loop(struct fake *f)
{
	/* the unsorted chunk's fd points back to itself */
	put64(f->heap + C_UNSORTED + 16, HEAP_ADDR + C_UNSORTED);
	put64(f->heap + C_UNSORTED + 24, HEAP_ADDR + C_UNSORTED);
}
static void bin_two_loop(struct fake *f)
{
	/* unsorted: UNSORTED -> SMALL -> UNSORTED -> ... */
	put64(f->heap + C_UNSORTED + 16, HEAP_ADDR + C_SMALL);
	put64(f->heap + C_SMALL + 16, HEAP_ADDR + C_UNSORTED);
	put64(f->heap + C_SMALL + 24, HEAP_ADDR + C_UNSORTED);
}
static void fast_unprotected(struct fake *f)
{
	/* a raw pointer where safe-linking wants a protected one */
	put64(f->heap + C_FAST + 16, HEAP_ADDR + C_TC1);
}
static void fast_loop(struct fake *f)
{
	uint64_t pos = HEAP_ADDR + C_FAST + 16;

	put64(f->heap + C_FAST + 16, (HEAP_ADDR + C_FAST) ^ (pos >> 12));
}
static void tcache_loop(struct fake *f)
{
	f->heap[16 + 2] = 200;		/* a count a loop would fill */
	tcache_entry(f->heap, C_TC2, HEAP_ADDR + C_TC1 + 16);
}
static void tcache_raw(struct fake *f)
{
	put64(f->heap + C_TC1 + 16, HEAP_ADDR + C_TC2 + 16);
}
static void top_garbage(struct fake *f) { put64(f->heap + C_TOP + 8, 0x13); }
static void heap_info_foreign(struct fake *f) { put64(f->th, 0x1234560); }
static void prev_size_lie(struct fake *f) { put64(f->heap + C_USED2, 0x90); }

static void
test_corrupt(void)
{
	static const struct {
		void		(*fn)(struct fake *);
		const char	*why;	/* a part of the first reason */
		int		 walk;	/* the address walk stopped */
	} cases[] = {
		{ bad_size, "size that does not fit", 1 },
		{ zero_size, "size that does not fit", 1 },
		{ bin_loop, "bin 1:", 0 },
		{ bin_two_loop, "bin 1:", 0 },
		{ fast_unprotected, "fastbin 0:", 0 },
		{ fast_loop, "on a list twice", 0 },
		{ tcache_loop, "on a list twice", 0 },
		{ tcache_raw, "tcache", 0 },
		{ top_garbage, "top", 1 },
		{ heap_info_foreign, "heap_info", 1 },
		{ prev_size_lie, "prev_size", 1 },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		unsigned n;
		uint64_t bytes;
		const char *why = corrupt(cases[i].fn, &n, &bytes);

		if (strstr(why, cases[i].why) == NULL)
			fprintf(stderr, "case %zu: \"%s\"\n", i, why);
		CHECK(n > 0);
		CHECK(strstr(why, cases[i].why) != NULL);
		CHECK((bytes > 0) == cases[i].walk);
	}
}

#define TH2_ADDR	(TH_ADDR + GL_HEAP_MAX)
#define TH2_LEN		0x2000u
#define TH_FREE		0xba0u		/* the first heap's old top, freed */
#define TH_FREE_SIZE	(TH_LEN - TH_FREE - 0x20)

/*
 * The thread arena grown into a second heap: the first heap ends with its
 * old top freed (in the unsorted bin) and sysmalloc's two fenceposts; the
 * second holds the top, and a tcache_perthread_struct of a thread that
 * shares the arena, with one entry.
 */
static void
test_two_heaps(void)
{
	struct fake *f = malloc(sizeof *f);
	uint8_t *h2 = calloc(1, TH2_LEN), *t, *ms;
	uint64_t a = GL_NON_MAIN_ARENA | GL_PREV_INUSE, b, e;
	const struct glibc_arena *ta;
	struct glibc_malloc *gm = NULL;
	struct source *s;
	char *cause = NULL;

	build(f);
	t = f->th;
	ms = t + GL_HEAP_INFO_NEW;
	chunk(t, TH_FREE, 0, TH_FREE_SIZE | GL_PREV_INUSE);
	chunk(t, TH_LEN - 0x20, TH_FREE_SIZE, 0x10);
	chunk(t, TH_LEN - 0x10, 0x10, 0 | GL_PREV_INUSE);
	b = gl_bin_at(TH_ARENA, 1);
	put64(ms + GL_MS_BINS, TH_ADDR + TH_FREE);
	put64(ms + GL_MS_BINS + 8, TH_ADDR + TH_FREE);
	put64(t + TH_FREE + 16, b);
	put64(t + TH_FREE + 24, b);
	put64(ms + GL_MS_TOP, TH2_ADDR + 0x330);
	put64(ms + GL_MS_SYSTEM_MEM, TH_LEN + TH2_LEN);

	put64(h2, TH_ARENA);
	put64(h2 + 8, TH_ADDR);
	put64(h2 + 16, TH2_LEN);
	chunk(h2, 0x30, 0, 0x290 | a);
	chunk(h2, 0x2c0, 0, 0x20 | a);
	chunk(h2, 0x2e0, 0, 0x50 | a);
	chunk(h2, 0x330, 0, (TH2_LEN - 0x330) | GL_PREV_INUSE);
	e = TH2_ADDR + 0x2c0 + 16;
	h2[0x40] = 1;				/* counts[0] */
	put64(h2 + 0x40 + 128, e);		/* entries[0] */
	put64(h2 + 0x2d0, 0 ^ (e >> 12));
	put64(h2 + 0x2d8, TCACHE_KEY);

	s = source_of(f, LIBC);
	source_buffers_add(s, TH2_ADDR, h2, TH2_LEN, SOURCE_R | SOURCE_W |
	    SOURCE_P, "");
	CHECK(glibc_malloc_read(s, &gm, &cause) == 0);
	CHECK_EQ_U(gm->status, GLIBC_OK);
	ta = &gm->arenas[1];
	if (ta->invalid_why != NULL)
		fprintf(stderr, "two heaps: %s\n", ta->invalid_why);
	CHECK_EQ_U(ta->invalid, 0);
	CHECK_EQ_U(ta->nheaps, 2);
	CHECK_EQ_U(ta->bin_chunks, 1);
	CHECK_EQ_U(ta->bin_bytes, TH_FREE_SIZE);
	CHECK_EQ_U(ta->tcache_chunks, 1);
	CHECK_EQ_U(ta->tcache_bytes, 0x20);
	CHECK_EQ_U(ta->used_chunks, 4);	/* two tcache structs, 0x40, 0x50 */
	CHECK_EQ_U(ta->overhead_bytes, 0x8d0 + 0x20 + GL_HEAP_INFO_NEW);
	CHECK_EQ_U(ta->used_bytes + ta->bin_bytes + ta->tcache_bytes +
	    ta->top_bytes + ta->overhead_bytes, ta->system_mem);
	CHECK_EQ_U(gm->ntcaches, 3);
	glibc_malloc_free(gm);

	/* the same tcache with its count cleared is not one: an in-use
	 * 0x290 chunk without entries is just a chunk */
	h2[0x40] = 0;
	put64(h2 + 0x40 + 128, 0);
	source_close(s);
	s = source_of(f, LIBC);
	source_buffers_add(s, TH2_ADDR, h2, TH2_LEN, SOURCE_R | SOURCE_W |
	    SOURCE_P, "");
	CHECK(glibc_malloc_read(s, &gm, &cause) == 0);
	CHECK_EQ_U(gm->ntcaches, 2);
	CHECK_EQ_U(gm->arenas[1].invalid, 0);
	glibc_malloc_free(gm);
	source_close(s);
	free(h2);
	free(f);
}

/* GLIBC_READ_MAP: every chunk of both heaps, of the right kind, and
 * nothing between them. */
static void
test_map(void)
{
	static const struct { uint64_t off, size; enum glibc_kind kind; } want[] = {
		{ C_TCACHE, 0x290, GLIBC_USED }, { C_USED1, 0x40, GLIBC_USED },
		{ C_UNSORTED, 0x100, GLIBC_BIN }, { C_USED2, 0x30, GLIBC_USED },
		{ C_FAST, 0x20, GLIBC_FAST }, { C_TC1, 0x30, GLIBC_TCACHE },
		{ C_TC2, 0x30, GLIBC_TCACHE }, { C_SMALL, 0x50, GLIBC_BIN },
		{ C_USED3, 0x20, GLIBC_USED }, { C_LARGE, 0x2000, GLIBC_BIN },
		{ C_USED4, 0x30, GLIBC_USED },
		{ C_TOP, HEAP_LEN - C_TOP, GLIBC_TOP },
	};
	struct fake *f = malloc(sizeof *f);
	struct source *s;
	struct glibc_malloc *gm = NULL;
	const struct glibc_chunk *c;
	size_t i;

	build(f);
	s = source_of(f, LIBC);
	CHECK(glibc_malloc_read_flags(s, GLIBC_READ_MAP, &gm, NULL) == 0);
	CHECK_EQ_U(gm->nheaps, 2);
	CHECK_EQ_U(gm->heaps[0].start, HEAP_ADDR);
	CHECK_EQ_U(gm->heaps[0].n, HV_ARRAY_LEN(want));
	for (i = 0; i < HV_ARRAY_LEN(want); i++) {
		c = glibc_chunk_at(gm, HEAP_ADDR + want[i].off + 5);
		CHECK(c != NULL);
		if (c == NULL)
			continue;
		CHECK_EQ_U(c->addr, HEAP_ADDR + want[i].off);
		CHECK_EQ_U(c->size, want[i].size);
		CHECK_EQ_U(c->kind, want[i].kind);
	}
	CHECK_EQ_U(gm->heaps[1].start, TH_FIRST);
	CHECK_EQ_U(gm->heaps[1].n, 3);
	c = glibc_chunk_at(gm, TH_ADDR + TH_LEN - 1);
	CHECK(c != NULL && c->kind == GLIBC_TOP);
	CHECK(glibc_chunk_at(gm, HEAP_ADDR + HEAP_LEN) == NULL);
	glibc_malloc_free(gm);
	source_close(s);

	/* a bad size: the rest of the heap up to top is one INVALID span */
	put64(f->heap + C_USED2 + 8, 0x7fff0);
	s = source_of(f, LIBC);
	CHECK(glibc_malloc_read_flags(s, GLIBC_READ_MAP, &gm, NULL) == 0);
	c = glibc_chunk_at(gm, HEAP_ADDR + C_LARGE);
	CHECK(c != NULL && c->kind == GLIBC_INVALID &&
	    c->addr == HEAP_ADDR + C_UNSORTED &&
	    c->size == C_TOP - C_UNSORTED);
	glibc_malloc_free(gm);
	source_close(s);
	free(f);
}

static void
test_not_glibc(void)
{
	struct fake *f = malloc(sizeof *f);
	struct glibc_malloc *gm;
	struct source *s;
	char *cause = NULL;

	build(f);
	gm = read_fake(f, "/lib/ld-musl-x86_64.so.1");
	CHECK_EQ_U(gm->status, GLIBC_NO_GLIBC);
	CHECK(strstr(gm->note, "musl") != NULL);
	glibc_malloc_free(gm);

	/* jemalloc mapped, glibc's arena never initialized (next == self) */
	memset(f->libc + ARENA_OFF, 0, GL_MS_SIZE);
	put64(f->libc + ARENA_OFF + GL_MS_NEXT, MAIN);
	s = source_of(f, LIBC);
	source_buffers_add(s, 0x7f0000100000ull, f->libc, 0x1000, SOURCE_R,
	    "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2");
	CHECK(glibc_malloc_read(s, &gm, &cause) == 0);
	CHECK_EQ_U(gm->status, GLIBC_REPLACED);
	CHECK(strstr(gm->note, "libjemalloc.so.2's, not glibc's") != NULL);
	CHECK(strstr(gm->note, "never initialized") != NULL);
	glibc_malloc_free(gm);
	source_close(s);

	/* no arena anywhere */
	memset(f->libc, 0, LIBC_LEN);
	gm = read_fake(f, LIBC);
	CHECK_EQ_U(gm->status, GLIBC_NOT_FOUND);
	glibc_malloc_free(gm);
	free(f);
}

/* Bytes flipped all over the heaps and arenas: every read returns. */
static void
test_scribble(void)
{
	struct fake *f = malloc(sizeof *f), *g = malloc(sizeof *g);
	unsigned seed = 14, i, k;

	build(g);
	for (i = 0; i < 400; i++) {
		struct glibc_malloc *gm;

		memcpy(f, g, sizeof *f);
		for (k = 0; k < 1 + i % 8; k++) {
			uint8_t *base;
			size_t len;

			seed = seed * 1103515245u + 12345u;
			switch (seed >> 28 & 3) {
			case 0: base = f->heap; len = 0x2600; break;
			case 1: base = f->libc + ARENA_OFF; len = GL_MS_SIZE; break;
			case 2: base = f->th; len = 0xc00; break;
			default: base = f->mm; len = 32; break;
			}
			seed = seed * 1103515245u + 12345u;
			base[(seed >> 8) % len] ^= (uint8_t)(1u << (seed >> 4 & 7));
		}
		gm = read_fake(f, LIBC);
		CHECK(gm != NULL);
		glibc_malloc_free(gm);
	}
	(void)rd64;
	free(f);
	free(g);
}

int
main(void)
{
	test_clean();
	test_corrupt();
	test_two_heaps();
	test_map();
	test_not_glibc();
	test_scribble();
	return check_done();
}
