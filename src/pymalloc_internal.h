/*
 * pymalloc_internal: what the pymalloc_* files share and tests may use.
 *
 * pymalloc_layout.c  the table of layouts per CPython version
 * pymalloc_pool.c    decoding of arena objects and pool headers from bytes
 *                    (pure functions over buffers: no source, no I/O)
 * pymalloc_interp.c  which interpreter a process runs, and its version
 * pymalloc_find.c    where the allocator state is (symbols or scan)
 * pymalloc_walk.c    the capture: state -> arena table -> pools -> heap
 */
#ifndef HV_PYMALLOC_INTERNAL_H
#define HV_PYMALLOC_INTERNAL_H

#include <endian.h>
#include <stdint.h>
#include <string.h>

#include "heap.h"
#include "source.h"

struct elf_image;
struct pymalloc;

#define PY_POOL_HEADER_SIZE	48
#define PY_ARENA_OBJECT_SIZE	48
/* Bound on what a sane arena table holds: 2^20 slots, up to 1 TiB of 1 MiB
 * arenas, a 48 MiB table. */
#define PY_MAX_ARENAS		(1u << 20)

enum py_state_kind {
	PY_STATE_STATICS,	/* 2.7 - 3.11: file-static globals */
	PY_STATE_STRUCT,	/* 3.12+: struct _obmalloc_state */
};

struct py_layout {
	int			major, minor_lo, minor_hi;
	struct heap_layout	geometry;
	enum py_state_kind	state_kind;
	int			has_counters;	/* ntimes/highwater exist */
	int			has_serialno;	/* stats print the debug serialno */
	/* Radix tree of arenas (3.10+): entries per node level, and the
	 * number of address bits it covers. */
	unsigned		map_top_bits, map_mid_bits, map_bot_bits;
	unsigned		map_address_bits;
	/* Objects in blocks (--types): PyGC_Head size, the pre-header before
	 * it (3.11+) and the tp_flags that imply one, refcounts with
	 * immortality (3.12+). */
	unsigned		gc_head_size;
	unsigned		preheader_size;
	unsigned long		preheader_flags;
	int			immortal;
	/* How an untracked GC object shows: the next link is 0 (3.8+), or
	 * gc_refs (the third word) holds -2, shifted left by gc_refs_shift
	 * (1 in 3.6/3.7, 0 in 2.7). */
	int			gc_refs_untracked;
	unsigned		gc_refs_shift;
	/* Debug hooks' guard byte (0xFB before 3.7, then 0xFD) and whether
	 * the prefix carries an API id (3.6+). */
	uint8_t			debug_byte;
	int			debug_has_api;
	/* Patch releases with this geometry (0, 0: all of them), when a
	 * minor version changed it (2.7.17). */
	int			patch_lo, patch_hi;
};

/* 3.12+ struct _obmalloc_state offsets (PYMALLOC.md). */
#define PY_STATE_ARENAS		512
#define PY_STATE_MAXARENAS	520
#define PY_STATE_CURRENT	1064
#define PY_STATE_NTIMES		1072
#define PY_STATE_HIGHWATER	1080
#define PY_STATE_MAP_ROOT	1096

/* The first layout of a version; py_layout_next() gives the others the
 * same version may have (2.7: two geometries), NULL after the last. */
const struct py_layout *py_layout_find(int major, int minor);
const struct py_layout *py_layout_next(const struct py_layout *);
const struct py_layout *py_layout_for_patch(const struct py_layout *,
	    int patch);

/* A decoded arena_object. */
struct py_arena_object {
	uint64_t	address;
	uint64_t	pool_address;
	uint32_t	nfreepools;
	uint32_t	ntotalpools;
	uint64_t	freepools;
};

struct py_pool_header {
	uint32_t	count;
	uint64_t	freeblock;
	uint64_t	nextpool;
	uint64_t	prevpool;
	uint32_t	arenaindex;
	uint32_t	szidx;
	uint32_t	nextoffset;
	uint32_t	maxnextoffset;
};

void	py_decode_arena_object(const uint8_t *, struct py_arena_object *);
void	py_decode_pool_header(const uint8_t *, struct py_pool_header *);
/*
 * Why a pool failed validation.  Most faults a live target shows are not
 * damage but a moment: the pool was read while pymalloc was changing it.
 * On a CPython 3.12 heap churning at full speed (bench/bench_torn.sh),
 * block-level captures met, per 2000: 603 pools whose free list leaves the
 * pool (PY_FAULT_LIST_LEAVES: a pool's pages are copied one after another,
 * the header before an allocation popped the list's head, the popped
 * block's first word -- now the new object's refcount -- after it), 128
 * whose free list disagrees with count (PY_FAULT_LIST_COUNT: the target
 * stopped, by --freeze or by the scheduler, between linking a freed block
 * and decrementing count, or between counting an allocation and popping
 * its block) and 22 whose list met a block twice (PY_FAULT_LIST_LOOP: a
 * block popped and pushed again between the copies of two pages).  Pool
 * level, which reads the 48 header bytes at once, met none; under --freeze
 * only PY_FAULT_LIST_COUNT showed.  So the walk reads such a pool again
 * before calling it INVALID (pymalloc_walk.c, heal()).
 */
enum py_fault {
	PY_FAULT_NONE,
	PY_FAULT_UNREAD,	/* its bytes could not be read */
	PY_FAULT_ARENA,		/* its arena's table slot failed validation */
	PY_FAULT_ARENAINDEX,	/* the header names another arena */
	PY_FAULT_SZIDX,		/* size class out of range */
	PY_FAULT_MAXNEXT,	/* maxnextoffset not pool_size - block size */
	PY_FAULT_NEXTOFFSET,	/* off a block, or outside the pool */
	PY_FAULT_COUNT,		/* more blocks than carved */
	PY_FAULT_FREEBLOCK,	/* the list head outside the carved blocks */
	PY_FAULT_EMPTY,		/* count 0 and no free block */
	PY_FAULT_FULL,		/* no free block, yet room or a count short */
	PY_FAULT_LIST_LEAVES,	/* a link outside the pool's carved blocks */
	PY_FAULT_LIST_ALIGN,	/* a link off a block boundary */
	PY_FAULT_LIST_LOOP,	/* a block met twice */
	PY_FAULT_LIST_COUNT,	/* free blocks + count != carved blocks */
	PY_NFAULTS
};

const char *py_fault_name(enum py_fault);

/* What a capture met: pools (and arena slots, as PY_FAULT_ARENA) that
 * failed validation on their first read, by fault; how many a re-read found
 * consistent; why the others stayed INVALID; and the re-read rounds. */
struct pymalloc_heal {
	uint32_t	first[PY_NFAULTS];
	uint32_t	left[PY_NFAULTS];
	uint32_t	healed;
	uint32_t	rereads;
};

/* The arena fields make sense for this geometry (address != 0). */
int	py_arena_object_valid(const struct heap_layout *,
	    const struct py_arena_object *);
/* Pools an arena at address has (63 or 64 for 1 MiB / 16 KiB). */
uint32_t py_arena_npools(const struct heap_layout *, uint64_t address);
/* A carved pool's header is self-consistent (arenaindex not checked). */
int	py_pool_header_valid(const struct heap_layout *,
	    const struct py_pool_header *, uint64_t pool);
/* State of a carved pool from its header: FULL, USED, EMPTY or INVALID. */
enum pool_state py_pool_state(const struct heap_layout *,
	    const struct py_pool_header *, uint64_t pool, uint32_t arenaindex);
/* The same, and with INVALID the fault that made it so. */
enum pool_state py_pool_check(const struct heap_layout *,
	    const struct py_pool_header *, uint64_t pool, uint32_t arenaindex,
	    enum py_fault *);
/*
 * Walks the free list of a USED pool whose bytes are in buf (pool_size
 * bytes read at address pool) and fills blocks (2 bits per block, as
 * heap_blocks_new returns them: all ALLOCATED).  Returns
 * 0 (PY_FAULT_NONE), or the fault when the list loops, leaves the pool,
 * lands off a block boundary or at/after nextoffset, or the free count
 * disagrees with the header.
 */
enum py_fault py_pool_walk_blocks(const struct heap_layout *,
	    const struct py_pool_header *, const uint8_t *buf, uint64_t pool,
	    uint8_t *blocks);

/* Little-endian loads from target bytes at any alignment; one move each on
 * x86-64, where the block-level walks make billions of them. */
static inline uint64_t
py_load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof v);
	return le64toh(v);
}

static inline uint32_t
py_load32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof v);
	return le32toh(v);
}

/* The interpreter found in a process's mappings (pymalloc_interp.c). */
struct py_image {
	char		*path;		/* executable or libpython */
	int		 is_lib;
	uint64_t	 bias;		/* load bias, when the ELF was read */
	int		 have_bias;
	struct elf_image *elf;		/* NULL when the file could not be read */
	/* Writable ranges of the image at run time (.data, .bss). */
	size_t		 nranges;
	uint64_t	 range_start[8];
	uint64_t	 range_end[8];
};

struct py_interp {
	struct py_image		 image;
	int			 major, minor;
	char			 version[32];	/* "3.11.7", or "3.11" */
	int			 free_threaded;
	const struct py_layout	*layout;
};

/* Identifies CPython behind the source; fails saying what the process is. */
int	py_interp_identify(struct source *, const struct source_region *,
	    size_t, struct py_interp *, char **);
void	py_interp_free(struct py_interp *);
/* Run-time address of a symbol of the image (0 = not found). */
uint64_t py_interp_symbol(const struct py_interp *, const char *, unsigned,
	    uint64_t *size);

/* Where the allocator's state lives in the target (pymalloc_find.c). */
struct py_state {
	const char	*method;	/* "symbols" or "scan" */
	uint64_t	 arenas_var;	/* struct arena_object *arenas */
	uint64_t	 maxarenas_var;	/* uint maxarenas */
	uint64_t	 current_var;	/* size_t narenas_currently_allocated */
	uint64_t	 ntimes_var;	/* 0: unknown */
	uint64_t	 highwater_var;
	uint64_t	 map_root;	/* radix tree root, 0: none or unknown */
	uint64_t	 map_mid_var;	/* int counters; 0: count the tree */
	uint64_t	 map_bot_var;
	uint64_t	 serialno_var;	/* 3.6/3.7 debug hooks' call count */
};

/* Reader threads of the captures (pymalloc_options.threads), for tests on
 * hand-built buffers. */
void	py_set_threads(struct pymalloc *, unsigned);

/* The layout of the interpreter a pymalloc reads. */
const struct py_layout *pymalloc_py_layout(const struct pymalloc *);

/* A pymalloc over a source whose layout and state locations are given, for
 * tests on hand-built buffers (no interpreter identification). */
struct pymalloc *py_open_state(struct source *, const struct py_layout *,
	    const struct py_state *, const char *version);

/* Also settles pi->layout when the version has several geometries. */
int	py_find_state(struct source *, struct py_interp *,
	    const struct source_region *, size_t, int no_symbols,
	    struct py_state *, char **);
/* 3.12+: the bytes at an address look like struct _obmalloc_state. */
int	py_state_struct_valid(const struct heap_layout *, uint64_t,
	    const uint8_t *, size_t);

/* Block-to-type attribution for one capture (pymalloc_types.c).  The heap
 * has its arenas (not yet sorted) when the resolver is made. */
struct py_types;
struct py_types	*py_types_new(struct source *, const struct py_layout *,
	    struct heap *);
/* A resolver of its own for another reader thread of the same capture,
 * which adds the types it names to h (a heap for its type table only). */
struct py_types	*py_types_fork(const struct py_types *, struct heap *h);
/* Types the allocated blocks of a FULL or USED pool read whole in buf;
 * returns how many blocks wait on candidates not read yet.  where is the
 * walk position of the pool's first block (block i is at where + i;
 * positions grow in the order of the walk): py_types_first() says where
 * each type was first met. */
size_t	py_types_pool(struct py_types *, struct heap_pool *, const uint8_t *,
	    uint64_t where);
/* The position where type index t was first met (UINT64_MAX: no block has
 * it) and the heap flags of that block's type object. */
uint64_t py_types_first(const struct py_types *, uint32_t t, uint32_t *flags);
/* After a capture's threads: type index t becomes map[t] (t < n; RAW: the
 * type is dropped) and the resolver serves h, whose types those are. */
void	py_types_renumber(struct py_types *, const uint32_t *map, size_t n,
	    struct heap *h);
/* Adds what another resolver of the capture decided (its indices through
 * map, as for py_types_renumber) that this one does not know. */
void	py_types_absorb(struct py_types *, const struct py_types *from,
	    const uint32_t *map, size_t n);
/* Reads the candidates gathered so far, their metatypes and names. */
int	py_types_resolve(struct py_types *, char **);
size_t	py_types_pending(const struct py_types *);
/* After a capture, on bytes read again (pyobj_value.c): where the object of
 * an allocated block starts (*off, from the block's start), how many of the
 * block's bytes are its (*avail), and its heap type, by the same probes as
 * the capture and with the types it resolved -- a type it did not meet
 * makes the block unknown.  Returns -1 when no probe holds a known type. */
int	py_types_locate(struct py_types *, const uint8_t *block, uint32_t size,
	    uint32_t *type, uint32_t *off, uint32_t *avail);
/* The name of type index t as the resolver made it (NULL: none); it needs
 * no heap, which may be gone. */
const char *py_types_name(const struct py_types *, uint32_t);
/* The heap the resolver adds types to (the one it was made for). */
void	py_types_rebind(struct py_types *, struct heap *);
void	py_types_free(struct py_types *);

#endif
