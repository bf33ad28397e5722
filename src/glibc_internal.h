/*
 * glibc_internal: the malloc layouts and the walk's state, shared by
 * glibc_find.c (arenas), glibc_walk.c (chunks and lists), glibc_mmap.c
 * (mmapped chunks), the unit tests and the fuzz target.
 *
 * Offsets are those of glibc 2.26+ on x86-64 (SIZE_SZ 8, MALLOC_ALIGNMENT
 * 16): struct malloc_state is mutex, flags, have_fastchunks, fastbinsY[10],
 * top, last_remainder, bins[254], binmap[4], next, next_free,
 * attached_threads, system_mem, max_system_mem (0x898 bytes).
 */
#ifndef HV_GLIBC_INTERNAL_H
#define HV_GLIBC_INTERNAL_H

#include "glibc.h"
#include "source.h"

#include <string.h>

#define GL_SIZE_SZ		8u
#define GL_ALIGN		16u
#define GL_MINSIZE		32u
#define GL_HDR			16u	/* prev_size, size */
#define GL_PREV_INUSE		0x1u
#define GL_IS_MMAPPED		0x2u
#define GL_NON_MAIN_ARENA	0x4u
#define GL_FLAGS		0x7u

#define GL_NFASTBINS		10u
#define GL_NBINS		128u
#define GL_NSMALLBINS		64u

#define GL_MS_FASTBINS		16u
#define GL_MS_TOP		96u
#define GL_MS_BINS		112u
#define GL_MS_NEXT		0x870u
#define GL_MS_SYSTEM_MEM	0x888u
#define GL_MS_SIZE		0x898u

#define GL_HEAP_MAX		(64ull << 20)	/* 2 * DEFAULT_MMAP_THRESHOLD_MAX */
#define GL_HEAP_INFO_OLD	0x20u	/* ar_ptr, prev, size, mprotect_size */
#define GL_HEAP_INFO_NEW	0x30u	/* 2.35+: + pagesize, pad */

#define GL_TCACHE_BINS		64u
#define GL_TCACHE_STRUCT	0x290u	/* request2size(64 * 2 + 64 * 8) */
#define GL_TCACHE_ENTRIES	128u	/* counts are uint16_t[64] */

#define GL_PAGE			4096u
#define GL_MAX_ARENAS		1024u	/* 8 per core; bounds the next cycle */
#define GL_MAX_HEAPS		4096u	/* bounds a prev chain */

/* Bin i's header as a chunk: &bins[(i - 1) * 2] - offsetof(fd). */
static inline uint64_t
gl_bin_at(uint64_t arena, unsigned i)
{
	return arena + GL_MS_BINS + 16ull * (i - 1) - 16;
}

/* The little-endian word at p, which need not be aligned. */
static inline uint64_t
gl_get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof v);
	return v;
}

/* PROTECT_PTR / REVEAL_PTR: the link at pos is stored xor (pos >> 12). */
static inline uint64_t
gl_reveal(uint64_t pos, uint64_t stored)
{
	return stored ^ (pos >> 12);
}

/* largebin_index_64 and smallbin_index. */
unsigned	gl_bin_index(uint64_t size);

/* One contiguous range of chunks (the main heap, or one thread heap),
 * with what the walk saw: a bit per 16 bytes for each chunk start, and one
 * for chunks whose successor says they are free. */
struct gl_region {
	uint64_t	 base;		/* the heap's mapping: [heap] or heap_info */
	uint64_t	 start;		/* first chunk */
	uint64_t	 end;		/* where chunks stop (top's end or fencepost) */
	uint64_t	 walked_to;	/* the walk checked chunks up to here */
	size_t		 arena;		/* index in glibc_malloc.arenas */
	uint8_t		*starts;
	uint8_t		*free;
	uint8_t		*fast;		/* GLIBC_READ_MAP: on a fastbin */
	uint8_t		*tcache;	/* ... in a tcache */
	uint64_t	 top;		/* the top chunk after end's walk, or 0 */
	uint64_t	 stop;		/* where chunks give way to top or end */
	int		 fenced;	/* the walk ended at a fencepost */
};

/* A set of addresses (open addressing): the chunks already met on a list. */
struct gl_set {
	uint64_t	*slot;
	size_t		 cap;
	size_t		 n;
};

/* What the address walk counted per arena: chunks whose successor says
 * in use (fastbin and tcache chunks among them) or free. */
struct gl_sums {
	uint64_t	used_chunks, used_bytes;
	uint64_t	free_chunks, free_bytes;
};

struct gl_walk {
	struct source		*src;
	struct glibc_malloc	*gm;
	struct gl_region	*regions;	/* sorted by start once walked */
	size_t			 nregions;
	struct gl_set		 seen;
	uint64_t		*tcache_cands;	/* in-use 0x290 chunks, not first */
	size_t			 ncands;
	uint64_t		 tcache_key;	/* 0 until the first entry */
	struct gl_sums		*sums;		/* parallel to gm->arenas */
	size_t			 nsums;
	int			 want_map;	/* GLIBC_READ_MAP */
};

/* Adds an arena whose malloc_state bytes (GL_MS_SIZE) were read at addr;
 * main_heap is the main arena's first chunk (the [heap] start), 0 if none.
 * Finds its heaps and walks their chunks into w's regions. */
void	gl_walk_arena(struct gl_walk *, uint64_t addr, const uint8_t *ms,
	    int is_main, uint64_t main_heap, uint64_t main_heap_end);
/* After every arena is walked: the bins and fastbins of each, the
 * tcaches, then the per-arena figures, the totals and mallinfo2. */
void	gl_walk_lists(struct gl_walk *, const uint8_t *const *ms);
void	gl_walk_free(struct gl_walk *);
/* The heaps into gm, and with GLIBC_READ_MAP their chunks. */
void	gl_walk_map(struct gl_walk *);
/* mallinfo2's figures from the arenas and the mmapped chunks. */
void	gl_mallinfo(struct glibc_malloc *);
/* Counts glibc's mmapped chunks in anonymous mappings outside the heaps. */
void	gl_count_mmapped(struct gl_walk *, const struct source_region *,
	    size_t);
/* Records a failed check against an arena (keeps the first reason). */
void	gl_invalid(struct glibc_arena *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* An arena of the result, grown by one (zeroed). */
struct glibc_arena *gl_arena_add(struct glibc_malloc *);

#endif
