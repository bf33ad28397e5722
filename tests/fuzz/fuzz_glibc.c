/*
 * libFuzzer target for the glibc chunk walker.  The input is a main
 * arena's malloc_state (GL_MS_SIZE bytes, glibc 2.36 x86-64) followed by
 * the bytes of [heap] (up to 64 KiB) at HEAP_ADDR; in the malloc_state,
 * every nonzero qword below 0x10000 past the lock and flags is an offset
 * into [heap] (so that top, bins and fastbins land in it often).  The
 * arena is walked directly (chunks, bins, fastbins, tcaches, mmapped
 * chunks), then found and walked again through glibc_malloc_read() with
 * the state placed in libc's data.  Besides never crashing or looping: an
 * arena without a failed check must add up to its system bytes, and the
 * mallinfo2 figures must too; the map of chunks (GLIBC_READ_MAP) must be in
 * address order, inside its heaps, without overlaps.
 *
 * Seeds (tests/fuzz/corpus/glibc/) are small main heaps as glibc leaves
 * them: chunks in use, in bins, in a fastbin and in the tcache.
 */
#include "config.h"

#include "glibc_internal.h"
#include "source.h"

#include <stdlib.h>
#include <string.h>

#define HEAP_ADDR	0x555555560000ull
#define HEAP_MAX_LEN	0x10000u
#define LIBC_ADDR	0x7f0000010000ull
#define ARENA_OFF	0xc60u
#define MAIN		(LIBC_ADDR + ARENA_OFF)
#define LIBC_LEN	0x2000u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
relocate(uint8_t *ms)
{
	size_t off;

	for (off = 16; off + 8 <= GL_MS_SIZE; off += 8) {
		uint64_t v;

		if (off == GL_MS_SYSTEM_MEM)
			continue;
		memcpy(&v, ms + off, 8);
		if (v != 0 && v < HEAP_MAX_LEN) {
			v += HEAP_ADDR;
			memcpy(ms + off, &v, 8);
		}
	}
}

static void
check_sums(const struct glibc_malloc *gm)
{
	size_t i;

	for (i = 0; i < gm->narenas; i++) {
		const struct glibc_arena *a = &gm->arenas[i];

		if (a->invalid == 0 && a->used_bytes + a->bin_bytes +
		    a->fast_bytes + a->tcache_bytes + a->top_bytes +
		    a->overhead_bytes != a->system_mem)
			abort();
	}
	if (gm->total.invalid == 0 &&
	    gm->mi.uordblks + gm->mi.fordblks != gm->mi.arena)
		abort();
}

/* The map: chunks in address order, inside their heaps, not overlapping. */
static void
check_map(const struct glibc_malloc *gm)
{
	size_t i, k;

	for (i = 0; i < gm->nheaps; i++) {
		const struct glibc_heap *h = &gm->heaps[i];

		for (k = h->first; k < h->first + h->n; k++) {
			const struct glibc_chunk *c = &gm->chunks[k];

			if (c->size == 0 || c->addr < h->start ||
			    c->addr + c->size > h->end ||
			    (k > 0 && c->addr < gm->chunks[k - 1].addr +
			    gm->chunks[k - 1].size))
				abort();
		}
	}
}

static void
walk_direct(struct source *src, const uint8_t *ms, size_t heap_len)
{
	struct glibc_malloc gm = { 0 };
	struct gl_walk w = { .src = src, .gm = &gm };
	const uint8_t *v[1] = { ms };
	struct source_region *regs;
	size_t n, i;

	gl_walk_arena(&w, MAIN, ms, 1, HEAP_ADDR, HEAP_ADDR + heap_len);
	gl_walk_lists(&w, v);
	if (source_regions(src, &regs, &n, NULL) == 0) {
		gl_count_mmapped(&w, regs, n);
		source_regions_free(regs, n);
	}
	gl_mallinfo(&gm);
	gl_walk_free(&w);
	check_sums(&gm);
	for (i = 0; i < gm.narenas; i++)
		free(gm.arenas[i].invalid_why);
	free(gm.arenas);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned rw = SOURCE_R | SOURCE_W | SOURCE_P;
	uint8_t *libc = calloc(1, LIBC_LEN), *ms = libc + ARENA_OFF;
	size_t heap_len = size > GL_MS_SIZE ? size - GL_MS_SIZE : 0;
	struct glibc_malloc *gm = NULL;
	struct source *src;

	memcpy(ms, data, size < GL_MS_SIZE ? size : GL_MS_SIZE);
	relocate(ms);
	if (heap_len > HEAP_MAX_LEN)
		heap_len = HEAP_MAX_LEN;
	heap_len &= ~(size_t)15;
	src = source_buffers_new();
	if (heap_len > 0)
		source_buffers_add(src, HEAP_ADDR, data + GL_MS_SIZE, heap_len,
		    rw, "[heap]");
	source_buffers_add(src, LIBC_ADDR, libc, LIBC_LEN, rw,
	    "/usr/lib/x86_64-linux-gnu/libc.so.6");
	walk_direct(src, ms, heap_len);
	if (glibc_malloc_read_flags(src, GLIBC_READ_MAP, &gm, NULL) == 0 &&
	    gm->status == GLIBC_OK) {
		check_sums(gm);
		check_map(gm);
	}
	glibc_malloc_free(gm);
	source_close(src);
	free(libc);
	return 0;
}
