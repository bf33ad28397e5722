/*
 * heap_types: what the block types of a struct heap add up to (--types).
 *
 * The census counts allocated blocks per type for the whole heap or one
 * arena; pinning names the arenas that hold little live data but stay
 * mapped -- pymalloc returns an arena only when every pool in it is empty,
 * so a few survivors keep a whole arena.  Pure functions of the model; the
 * text is made by render_stats.c and the TUI.
 */
#ifndef HV_HEAP_TYPES_H
#define HV_HEAP_TYPES_H

#include <stddef.h>

#include "heap.h"

/* An arena is "pinned" when its allocated bytes are below this share of
 * its size. */
#define HEAP_PINNED_SHARE	0.10

struct heap_census_row {
	uint32_t	type;		/* index into heap.types */
	uint64_t	count;		/* allocated blocks of this type */
	uint64_t	bytes;		/* count * block size */
	uint64_t	untracked;	/* of count: GC objects not tracked */
};

struct heap_census {
	uint32_t		 nrows;
	struct heap_census_row	*rows;	/* by bytes, largest first */
	uint64_t		 blocks;	/* allocated blocks, raw included */
	uint64_t		 bytes;
	uint64_t		 objects;	/* allocated blocks with a type */
	uint64_t		 object_bytes;
};

/* Census of the heap (arena NULL) or of one arena.  Without types every
 * allocated block is raw (one row). */
void	heap_census_compute(const struct heap *, const struct heap_arena *,
	    struct heap_census *);
void	heap_census_free(struct heap_census *);
/* "3 dict, 2 str, 1 Node, 4 raw": objects by count, at most max types (0:
 * all) then ", ...", then blocks holding no object; "nothing allocated" for
 * an empty census.  Always NUL-terminates buf. */
void	heap_census_summary(const struct heap *, const struct heap_census *,
	    unsigned max, char *buf, size_t len);

/* Bytes in allocated blocks of an arena (from the pools' counts). */
uint64_t heap_arena_live_bytes(const struct heap *, const struct heap_arena *);
/* Under HEAP_PINNED_SHARE live, and read whole (no INVALID pool). */
int	heap_arena_pinned(const struct heap *, const struct heap_arena *);

struct heap_pinning {
	uint64_t	narenas;	/* pinned arenas */
	uint64_t	mapped_bytes;	/* their size */
	uint64_t	live_bytes;	/* allocated bytes in them */
	uint64_t	blocks;		/* allocated blocks in them */
	uint64_t	objects;	/* of those, blocks with a type */
};

void	heap_pinning_compute(const struct heap *, struct heap_pinning *);

#endif
