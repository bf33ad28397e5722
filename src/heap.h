/*
 * heap: the snapshot model.
 *
 * One struct heap is one capture of pymalloc's state: process metadata, the
 * allocator's geometry, its counters, and every arena with its pools (and,
 * at block level, every block's state).  Producers -- the live walker
 * (pymalloc_walk.c) and the JSON loader (snapshot_*.c) -- build it through
 * heap_new / heap_add_arena and hand it over; from then on it is read-only
 * and every presenter (stats text, JSON, TUI) reads the same structure.
 *
 * Invariants a producer guarantees:
 *  - arenas are sorted by address; arena.pools covers every pool slot from
 *    first_pool to the arena's end (ntotalpools of them, 63 or 64);
 *  - a pool's block states, when present, agree with its count; a pool whose
 *    bytes failed validation is POOL_INVALID and has no blocks;
 *  - counters are -1 when they could not be found: never invented.
 */
#ifndef HV_HEAP_H
#define HV_HEAP_H

#include <stddef.h>
#include <stdint.h>

enum pool_state {
	POOL_FULL,
	POOL_USED,
	POOL_EMPTY,
	POOL_UNTOUCHED,
	POOL_INVALID,
};
#define POOL_NSTATES 5

enum block_state {
	BLOCK_ALLOCATED,
	BLOCK_FREE,
	BLOCK_UNTOUCHED,
};

enum heap_level {
	HEAP_LEVEL_POOLS,	/* headers only: map and stats */
	HEAP_LEVEL_BLOCKS,	/* free lists walked: every block's state */
};

/* Geometry of the allocator, chosen by version (pymalloc_layout.c). */
struct heap_layout {
	uint32_t	arena_size;
	uint32_t	pool_size;
	uint32_t	alignment;
	uint32_t	nclasses;	/* size classes: i holds (i+1)*alignment */
	uint32_t	pool_overhead;	/* pool header bytes (48) */
	/* 3.10+ radix tree of arenas, for the "arena map" lines; 0 if none. */
	uint32_t	map_root_bytes;
	uint32_t	map_mid_bytes;
	uint32_t	map_bot_bytes;
};

struct heap_pool {
	uint8_t		 state;		/* enum pool_state */
	uint8_t		 szidx;
	uint16_t	 count;		/* allocated blocks (header) */
	uint32_t	 nextoffset;	/* first never-used block offset */
	/* Block level only: 2 bits per block (enum block_state), NULL when the
	 * states follow from the pool state (FULL, EMPTY, UNTOUCHED, INVALID)
	 * or the heap is at pool level.  Use heap_block_state() to read. */
	uint8_t		*blocks;
	/*
	 * Heaps with types only (typed != 0): one value per block (index into
	 * heap.types, HEAP_TYPE_UNTRACKED or-ed in), meaningful for allocated
	 * blocks, packed because a pool mostly holds one or two types: with
	 * tbits 0 every block's value is tone; with 1, 2, 4 or 8 tpack is a
	 * palette of 1 << tbits values followed by each block's palette index
	 * in tbits bits; with 16 tpack holds the values themselves.  Read
	 * with heap_pool_type_value(); made by heap_pool_types_set().
	 */
	uint8_t		*tpack;
	uint16_t	 tone;
	uint8_t		 tbits;
	uint8_t		 typed;
};

struct heap_arena {
	uint32_t	 index;		/* slot in the arena table */
	uint64_t	 address;
	uint64_t	 pool_address;	/* first pool never carved */
	uint64_t	 first_pool;	/* address rounded up to the pool size */
	uint32_t	 ntotalpools;
	uint32_t	 nfreepools;
	uint32_t	 npools;	/* entries in pools[] */
	struct heap_pool *pools;
};

struct heap_process {
	int		 pid;		/* 0 for a snapshot without one */
	char		*exe;
	char		**argv;		/* NULL-terminated */
	int		 argc;
	char		*python;	/* "3.11.7" */
	uint64_t	 rss_bytes;	/* 0 if unknown */
};

struct heap_counters {
	int64_t		arenas_allocated_total;	/* -1 if unknown */
	int64_t		arenas_highwater;
	int64_t		map_mid_nodes;		/* -1 if unknown or no map */
	int64_t		map_bot_nodes;
	/* 3.6/3.7 with debug hooks: "# times object malloc called"; -1 when
	 * the line is not printed (hooks off, other versions, unknown). */
	int64_t		debug_malloc_calls;
};

/*
 * Block types (--types).  Entry 0 of heap.types is always HEAP_TYPE_RAW_NAME:
 * allocated blocks that hold no Python object (PyMem_Malloc buffers, list
 * item arrays, dict keys) or whose object could not be recognised.
 */
#define HEAP_TYPE_RAW		0
#define HEAP_TYPE_RAW_NAME	"(raw)"
/* Or-ed into a block's type index: a GC object the collector does not track
 * (an untracked dict or tuple, an object kept on a free list, or an immortal
 * one in 3.12's permanent generation): gc.get_objects() does not list it. */
#define HEAP_TYPE_UNTRACKED	0x8000u
#define HEAP_TYPE_INDEX(v)	((v) & 0x7fffu)
#define HEAP_TYPES_MAX		0x7fffu

#define HEAP_TYPE_GC		0x1u	/* instances carry a PyGC_Head */
#define HEAP_TYPE_HEAPTYPE	0x2u	/* a class made at run time */

struct heap_type {
	char		*name;		/* tp_name, e.g. "dict", "Node" */
	uint32_t	 flags;		/* HEAP_TYPE_GC | HEAP_TYPE_HEAPTYPE */
};

/*
 * Values (--types, pinned arenas): a short, printable text per object
 * (pyobj_value.h), for the objects of the pinned arenas -- what --stats lists
 * under each of them.  The text is ASCII without control characters, at most
 * HEAP_VALUE_MAX - 1 bytes.
 */
#define HEAP_VALUE_MAX		128

struct heap_value {
	uint64_t	 address;	/* the object's, as id() gives it */
	uint32_t	 type;		/* index into heap.types */
	char		*text;		/* "'survivor-17'", "list, 3 items" */
};

/*
 * Where the process's resident memory is (heap_resident.h): optional, live
 * captures have it, files made before it or without it do not.  The parts
 * add up to total, the sum of the Rss of every mapping (smaps).
 */
enum heap_res_part {
	HEAP_RES_ARENAS,	/* pymalloc's arenas */
	HEAP_RES_MALLOC_HEAP,	/* malloc's main heap ([heap]) */
	HEAP_RES_MALLOC_ARENAS,	/* malloc's thread arenas */
	HEAP_RES_MALLOC_MMAP,	/* chunks malloc mmapped on their own */
	HEAP_RES_FILES,		/* interpreter, libraries, other files */
	HEAP_RES_STACKS,	/* thread stacks */
	HEAP_RES_OTHER,		/* other anonymous memory */
};
#define HEAP_RES_NPARTS	7

struct heap_resident {
	uint64_t	 total;		/* bytes: the sum of smaps' Rss */
	uint64_t	 vm_rss;	/* status VmRSS then; 0 if unknown */
	uint64_t	 part[HEAP_RES_NPARTS];
	/* Of part[HEAP_RES_ARENAS]: in pages where no pool has a live block
	 * (empty and never-carved pools, the arena's alignment slack). */
	uint64_t	 arenas_empty;
	uint64_t	 mappings;
	uint64_t	 threads;
	uint64_t	 stacks;	/* thread stacks found */
	uint64_t	 malloc_heaps;	/* thread arena heaps */
	uint64_t	 mmapped_chunks;
};

struct glibc_malloc;

struct heap {
	struct heap_process	 process;
	struct heap_layout	 layout;
	struct heap_counters	 counters;
	enum heap_level		 level;
	double			 captured_at;	/* seconds since the epoch */
	double			 capture_ms;
	size_t			 narenas;
	size_t			 arenas_cap;
	struct heap_arena	*arenas;
	/* Block types: ntypes == 0 when the capture did not attribute them
	 * (then every pool's types is NULL); otherwise types[0] is "(raw)". */
	uint32_t		 ntypes;
	uint32_t		 types_cap;
	struct heap_type	*types;
	/* Values of objects: has_values is 0 when they were not computed (or
	 * a file made without them); then nvalues is 0.  Sorted by address. */
	int			 has_values;
	size_t			 nvalues;
	size_t			 values_cap;
	struct heap_value	*values;
	/* Resident memory, or NULL when unknown. */
	struct heap_resident	*resident;
	/* glibc malloc's figures (glibc.h: arenas, totals, mallinfo2, or why
	 * there are none) without its heaps and chunks, or NULL when the
	 * capture did not read them (or a file made without them). */
	struct glibc_malloc	*malloc_figures;
};

/* Construction (producers only). */
struct heap	*heap_new(const struct heap_layout *, enum heap_level);
/* Appends an arena with npools pool slots zeroed; returns it to fill. */
struct heap_arena *heap_add_arena(struct heap *, uint32_t index,
		    uint64_t address, uint32_t npools);
/* Starts the type table with "(raw)" (idempotent). */
void		 heap_types_init(struct heap *);
/* Appends a type; returns its index, or HEAP_TYPE_RAW when the table is
 * full.  Producers keep names unique (the JSON loader checks it). */
uint32_t	 heap_type_add(struct heap *, const char *name, uint32_t flags);
/* Appends a value (sets has_values); the text is copied. */
void		 heap_value_add(struct heap *, uint64_t address, uint32_t type,
		    const char *text);
/* Sorts the values by address (producers that add them out of order). */
void		 heap_values_sort(struct heap *);
/* The values of objects in [lo, hi): how many, from *first on. */
size_t		 heap_values_range(const struct heap *, uint64_t lo, uint64_t hi,
		    size_t *first);
/* The value of the object in the block [addr, addr + size), or NULL: a
 * value's address is the object's, inside its block (after a GC header). */
const struct heap_value *heap_value_in(const struct heap *, uint64_t addr,
		    uint32_t size);
/* Sorts arenas by address; producers call it once when done. */
void		 heap_finish(struct heap *);
void		 heap_free(struct heap *);

/* Reading. */
uint32_t	 heap_block_size(const struct heap_layout *, unsigned szidx);
uint32_t	 heap_blocks_per_pool(const struct heap_layout *, unsigned szidx);
uint64_t	 heap_pool_address(const struct heap *, const struct heap_arena *,
		    uint32_t);
enum block_state heap_block_state(const struct heap *, const struct heap_pool *,
		    uint32_t);
const char	*heap_pool_state_name(enum pool_state);

/* Block-state bit arrays (2 bits per block), all ALLOCATED (0) when new;
 * inline because the block-level walk sets every block of every pool. */
uint8_t		*heap_blocks_new(uint32_t nblocks);
/*
 * A pool's block types.  heap_pool_types_set packs n values (one per block,
 * as heap_pool_type_value gives them back) into the smallest form: one
 * value, a palette of 2, 4, 16 or 256 with 1, 2, 4 or 8 bits a block, or
 * the values as they are.  The form depends on the values alone, so two
 * pools with the same values have the same fields and bytes.  v must not
 * be the pool's own tpack (it is freed first).
 */
void		 heap_pool_types_set(struct heap_pool *, const uint16_t *v,
		    uint32_t n);
/* Block i of n gets value v (the pool is typed if it was not): one
 * unpack and pack, for producers that type a block at a time. */
void		 heap_pool_type_put(struct heap_pool *, uint32_t i, uint32_t v,
		    uint32_t n);
/* The n values back into v. */
void		 heap_pool_types_get(const struct heap_pool *, uint16_t *v,
		    uint32_t n);
void		 heap_pool_types_free(struct heap_pool *);
/* dst gets a copy of src's types (dst's own are not freed). */
void		 heap_pool_types_copy(struct heap_pool *dst,
		    const struct heap_pool *src, uint32_t n);
/* Bytes the packed types of all the heap's pools take. */
size_t		 heap_types_bytes(const struct heap *);
/* Bytes tpack takes for a pool of n blocks. */
size_t		 heap_pool_types_bytes(const struct heap_pool *, uint32_t n);
/* Same values for all n blocks (both untyped counts as same). */
int		 heap_pool_types_equal(const struct heap_pool *,
		    const struct heap_pool *, uint32_t n);
/* Every value v becomes map[HEAP_TYPE_INDEX(v)], its untracked bit kept;
 * indices at or past nmap become HEAP_TYPE_RAW. */
void		 heap_pool_types_map(struct heap_pool *, const uint32_t *map,
		    size_t nmap, uint32_t n);

/* The value of block i of a pool (HEAP_TYPE_RAW without types). */
static inline uint32_t
heap_pool_type_value(const struct heap_pool *p, uint32_t i)
{
	const uint16_t *pal = (const uint16_t *)(const void *)p->tpack;
	unsigned bits = p->tbits, idx;

	if (!p->typed)
		return HEAP_TYPE_RAW;
	if (bits == 0)
		return p->tone;
	if (bits == 16)
		return pal[i];
	idx = (p->tpack[(sizeof(uint16_t) << bits) + i * bits / 8] >>
	    (i * bits % 8)) & ((1u << bits) - 1);
	return pal[idx];
}

/* Type index of block i of a pool (HEAP_TYPE_RAW without types). */
static inline uint32_t
heap_block_type(const struct heap_pool *p, uint32_t i)
{
	return HEAP_TYPE_INDEX(heap_pool_type_value(p, i));
}

static inline void
heap_blocks_set(uint8_t *b, uint32_t i, enum block_state s)
{
	unsigned shift = (i % 4) * 2;

	b[i / 4] = (uint8_t)((b[i / 4] & ~(3u << shift)) | ((unsigned)s << shift));
}

static inline enum block_state
heap_blocks_get(const uint8_t *b, uint32_t i)
{
	return (enum block_state)((b[i / 4] >> ((i % 4) * 2)) & 3u);
}

#endif
