/*
 * heap_types: what the block types of a struct heap add up to (--types).
 *
 * The census counts allocated blocks per type for the whole heap or one
 * arena; pinning names the arenas whose resident memory is mostly free but
 * cannot go back to the OS -- pymalloc returns an arena only when every
 * pool in it is empty, so a few survivors keep a whole arena.  Pure
 * functions of the model; the text is made by render_stats.c and the TUI
 * (whose "!" and PINNED call heap_arena_pinned too).
 */
#ifndef HV_HEAP_TYPES_H
#define HV_HEAP_TYPES_H

#include <stddef.h>

#include "heap.h"

/* A pinned arena's allocated bytes are below this share of its carved
 * pools' bytes. */
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
/* Bytes of the arena's carved pools (full, used, empty): the part of it that
 * was ever touched, so resident.  Untouched pools cost no memory. */
uint64_t heap_arena_carved_bytes(const struct heap *, const struct heap_arena *);
/* The arena pymalloc is still carving: pool_address below its end, i.e.
 * some pool is untouched.  pymalloc carves new pools only from the arena it
 * allocated last and allocates another only when no arena has a free pool
 * left (obmalloc.c, allocate_from_new_pool), so there is at most one. */
int	heap_arena_carving(const struct heap_arena *);
/*
 * Pinned: resident memory that is mostly free and cannot go back to the OS
 * because of the blocks still allocated in it.  An arena is pinned when
 *  - it was read whole (no INVALID pool: it holds an unknown amount),
 *  - pymalloc is not carving it (heap_arena_carving): its free room is where
 *    the heap grows next, not memory kept by survivors,
 *  - at least one block in it is allocated (an arena with none is returned,
 *    or kept empty by pymalloc itself, 3.9+), and
 *  - its allocated bytes are under HEAP_PINNED_SHARE of its carved bytes.
 * The TUI's "!" and PINNED and the --stats listing all use this.
 */
int	heap_arena_pinned(const struct heap *, const struct heap_arena *);

struct heap_pinning {
	uint64_t	narenas;	/* pinned arenas */
	uint64_t	carved_bytes;	/* their carved pools (resident) */
	uint64_t	live_bytes;	/* allocated bytes in them */
	uint64_t	blocks;		/* allocated blocks in them */
	uint64_t	objects;	/* of those, blocks with a type */
};

void	heap_pinning_compute(const struct heap *, struct heap_pinning *);

#endif
