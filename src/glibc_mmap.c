/*
 * glibc_mmap: the chunks malloc took with mmap (requests over the mmap
 * threshold), counted from the maps.  mp_.mmapped_mem says the sum but
 * mp_ has no symbol in a stripped libc; so each anonymous private
 * read-write mapping outside the heaps is looked at page by page for the
 * header sysmalloc_mmap() writes: prev_size 0, size a whole number of
 * pages with IS_MMAPPED alone among the flags, fitting the mapping.  A hit
 * skips its chunk (adjacent chunks share one mapping when the kernel merges
 * them, and pymalloc's arenas may share it too).  A page of other data that
 * happens to look like that header would be counted: heapview says these
 * bytes are counted, not read from glibc.
 */
#include "config.h"

#include "glibc_internal.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define BATCH	256u	/* page headers read per call */

struct scan {
	struct source		*src;
	struct source_read	 req[BATCH];
	uint8_t			 buf[BATCH][16];
	uint64_t		 base;	/* page of req[0] */
	size_t			 n;
};

/* The 16 bytes at page p (below end), or NULL if unreadable. */
static const uint8_t *
page_header(struct scan *s, uint64_t p, uint64_t end)
{
	size_t i;

	if (p < s->base || (p - s->base) / GL_PAGE >= s->n) {
		for (i = 0; i < BATCH && p + (uint64_t)i * GL_PAGE < end; i++)
			s->req[i] = (struct source_read){
				.addr = p + (uint64_t)i * GL_PAGE,
				.buf = s->buf[i], .len = 16 };
		s->base = p;
		s->n = i;
		if (source_read(s->src, s->req, s->n, NULL) != 0)
			s->n = 0;
		if (s->n == 0)
			return NULL;
	}
	i = (size_t)((p - s->base) / GL_PAGE);
	return s->req[i].got == 16 ? s->buf[i] : NULL;
}

static void
span_add(struct glibc_malloc *gm, uint64_t addr, uint64_t size)
{
	if (gm->nmmaps == GLIBC_MAX_SPANS)
		return;
	gm->mmaps = xreallocarray(gm->mmaps, gm->nmmaps + 1, sizeof *gm->mmaps);
	gm->mmaps[gm->nmmaps++] = (struct glibc_span){ addr, size };
}

/* Where the heap reservation holding p ends, or 0 if none does. */
static uint64_t
in_heap(const struct gl_walk *w, uint64_t p)
{
	size_t i;

	for (i = 0; i < w->nregions; i++) {
		const struct gl_region *r = &w->regions[i];
		uint64_t base = r->start & ~(GL_HEAP_MAX - 1);

		if (w->gm->arenas[r->arena].is_main)
			continue;
		if (p >= base && p < base + GL_HEAP_MAX)
			return base + GL_HEAP_MAX;
	}
	return 0;
}

static void
scan_mapping(struct gl_walk *w, struct scan *s, uint64_t p, uint64_t end)
{
	while (p < end) {
		const uint8_t *h;
		uint64_t field, sz, skip;

		if ((skip = in_heap(w, p)) != 0) {
			p = skip;
			continue;
		}
		if ((h = page_header(s, p, end)) == NULL) {
			p += GL_PAGE;
			continue;
		}
		field = gl_get64(h + 8);
		sz = field & ~(uint64_t)GL_FLAGS;
		if (gl_get64(h) == 0 && (field & GL_FLAGS) == GL_IS_MMAPPED &&
		    sz >= GL_PAGE && sz % GL_PAGE == 0 && sz <= end - p) {
			w->gm->mmapped_chunks++;
			w->gm->mmapped_bytes += sz;
			span_add(w->gm, p, sz);
			p += sz;
		} else
			p += GL_PAGE;
	}
}

void
gl_count_mmapped(struct gl_walk *w, const struct source_region *regs,
    size_t n)
{
	const unsigned rwp = SOURCE_R | SOURCE_W | SOURCE_P;
	struct scan *s = xcalloc(1, sizeof *s);
	size_t i;

	s->src = w->src;
	for (i = 0; i < n; i++) {
		const struct source_region *r = &regs[i];

		if ((r->perms & rwp) != rwp || r->inode != 0 ||
		    (r->name != NULL && r->name[0] != '\0') ||
		    r->start % GL_PAGE != 0)
			continue;
		s->n = 0;
		scan_mapping(w, s, r->start, r->end);
	}
	free(s);
}
