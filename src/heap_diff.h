/*
 * heap_diff: what changed between two captures of one process -- the
 * objects of the current capture that were not in a baseline ("new") and
 * those of the baseline that are gone, as heapy's `heap2 - heap1` gives
 * them from inside the process.
 *
 * Identity is heapy's id() rule seen from outside: an object of the current
 * capture is the one of the baseline when a block at the same address is
 * allocated in both and holds the same type (by name).  So an address reused
 * by a new object of the same type counts as the old object; a new object
 * of another type at that address is new, and the old one gone.  For GC
 * objects the collector's tracking must agree too: an object untracked at
 * one moment and tracked at the other is most often one that was freed onto
 * a type's free list (where pymalloc still counts it allocated) or taken
 * from it, so it counts as gone and new -- as gc.get_objects(), and heapy,
 * which see live objects only, count it.  (A tuple or dict the collector
 * stops tracking counts so as well.)  Without
 * types on either side the diff is of blocks: a block is the same when it
 * is allocated in both at the same address in the same size class.
 *
 * Pools are matched by address, not by arena slot: an arena given back, a
 * new one, and a slot pymalloc reused for an arena at another address all
 * come out right.  A pool found INVALID in either capture holds an unknown
 * set of blocks; its address is left out of the diff and counted.
 *
 * Pure function of two heaps (block level, same geometry); the result owns
 * its memory and borrows nothing from them.  The text is made by
 * render_diff.c.
 */
#ifndef HV_HEAP_DIFF_H
#define HV_HEAP_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "heap.h"
#include "heap_stats.h"

struct heap_diff_row {
	char		*name;		/* type name */
	uint64_t	 count;
	uint64_t	 bytes;		/* block bytes */
	/* Of count: GC objects the collector did not track, in the capture
	 * the object is in (the current one for new, the baseline for gone). */
	uint64_t	 untracked;
};

/* One side of the diff, or the new objects of one arena. */
struct heap_diff_part {
	uint32_t		 nrows;
	/* Objects by type, by bytes (largest first), then count, then name;
	 * blocks that hold no object are not among them. */
	struct heap_diff_row	*rows;
	uint64_t		 objects;
	uint64_t		 object_bytes;
	uint64_t		 raw_blocks;	/* allocated blocks holding no object */
	uint64_t		 raw_bytes;
};

struct heap_diff_class {
	uint32_t	size;		/* block size */
	uint64_t	new_blocks;
	uint64_t	freed_blocks;
};

/* A pinned arena of the current capture (heap_arena_pinned) and the new
 * objects in it: those that keep it from going back to the system since
 * the baseline. */
struct heap_diff_pinned {
	uint32_t		index;		/* slot in the arena table */
	uint64_t		address;
	uint64_t		live_bytes;
	uint64_t		carved_bytes;
	struct heap_diff_part	new;
};

struct heap_diff {
	int			 typed;		/* both captures have types */
	struct heap_diff_part	 new;
	struct heap_diff_part	 gone;
	uint32_t		 nclasses;
	struct heap_diff_class	 classes[HEAP_STATS_MAX_CLASSES];
	uint64_t		 skipped_pools;	/* INVALID in either capture */
	size_t			 npinned;
	struct heap_diff_pinned	*pinned;	/* by address */
	/* With HEAP_DIFF_WHERE: where the new blocks are in the current
	 * capture, a bit per block.  Pools are numbered across its arenas in
	 * their order (arena 0's pools first); block i of pool g is bit
	 * g * where_stride + i, where_stride being the blocks of the smallest
	 * class.  A bit per 16 bytes of pool: 8 MiB for a 1 GiB heap. */
	size_t			 where_pools;
	uint32_t		 where_stride;
	uint64_t		*where;
};

/* Flags: a diff of blocks even when both captures have types. */
#define HEAP_DIFF_BLOCKS	0x1u
/* ... and where the new blocks are (heap_diff.where). */
#define HEAP_DIFF_WHERE		0x2u

/* Is block i of pool g (numbered as heap_diff.where says) new? */
static inline int
heap_diff_is_new(const struct heap_diff *d, size_t g, uint32_t i)
{
	uint64_t bit;

	if (d->where == NULL || g >= d->where_pools || i >= d->where_stride)
		return 0;
	bit = (uint64_t)g * d->where_stride + i;
	return (d->where[bit / 64] >> (bit % 64)) & 1;
}

/*
 * Diffs cur against base.  Returns -1 with *cause set when they cannot be
 * compared: another allocator geometry or Python version, or a capture
 * without block states (pool level).
 */
int	heap_diff_compute(const struct heap *base, const struct heap *cur,
	    unsigned flags, struct heap_diff *, char **cause);
void	heap_diff_free(struct heap_diff *);

#endif
