/*
 * glibc: glibc's malloc heap of a process, read from outside through a
 * source (source.h), beside pymalloc.  Nothing here draws or opens /proc.
 *
 * glibc_malloc_read() finds main_arena (by the symbol when libc has one,
 * else by scanning libc's writable data for a malloc_state whose `next`
 * link closes a cycle back to itself and whose 127 bin headers are sound),
 * the thread arenas along `next`, their heaps (64 MiB-aligned, heap_info
 * first) along `prev`, walks every chunk of every heap, then the bins,
 * fastbins and each thread's tcache (the tcache_perthread_struct is the
 * first chunk of the heap where the thread first allocated), and counts the
 * mmapped chunks from the maps.  Layout: glibc 2.26 and later on x86-64,
 * safe-linked tcache and fastbin pointers (2.32+).
 *
 * Target memory is untrusted and may change under the reader: every size,
 * flag and link is checked, every loop is bounded, and what does not hold
 * up is counted INVALID (with the first reason) instead of guessed.
 *
 * Call order: glibc_malloc_read, read the result, glibc_malloc_free.
 */
#ifndef HV_GLIBC_H
#define HV_GLIBC_H

#include <stddef.h>
#include <stdint.h>

struct source;

enum glibc_status {
	GLIBC_OK,		/* arenas found and walked (maybe with INVALID) */
	GLIBC_NO_GLIBC,		/* no glibc mapped: another C library */
	GLIBC_REPLACED,		/* glibc's malloc unused: another one preloaded */
	GLIBC_NOT_FOUND,	/* glibc there, main_arena not found */
};

struct glibc_arena {
	uint64_t	 addr;		/* the malloc_state */
	int		 is_main;
	unsigned	 nheaps;
	uint64_t	 system_mem;	/* as the malloc_state says */
	uint64_t	 top_addr;
	uint64_t	 top_bytes;
	uint64_t	 used_chunks, used_bytes;	/* handed to the program */
	uint64_t	 bin_chunks, bin_bytes;		/* free in bins */
	uint64_t	 fast_chunks, fast_bytes;	/* free in fastbins */
	uint64_t	 tcache_chunks, tcache_bytes;	/* free in a tcache */
	uint64_t	 overhead_bytes;	/* heap_info, malloc_state, fenceposts */
	uint64_t	 trimmable_bytes;	/* whole free pages malloc_trim frees */
	uint64_t	 invalid_bytes;		/* not walked: a check failed */
	unsigned	 invalid;		/* checks failed (walk and lists) */
	char		*invalid_why;		/* the first of them */
};

/* The figures of glibc's mallinfo2(), computed as int_mallinfo() does:
 * fordblks is each arena's top plus its fastbins plus its bins, uordblks
 * is system_mem minus that -- so tcache chunks, which no bin holds, count
 * as in use, and so do heap_info, malloc_state and fenceposts. */
struct glibc_mallinfo {
	uint64_t	arena, ordblks, smblks, hblks, hblkhd, usmblks;
	uint64_t	fsmblks, uordblks, fordblks, keepcost;
};

/* What a chunk is, for the map (glibc_malloc_read with GLIBC_READ_MAP). */
enum glibc_kind {
	GLIBC_USED,		/* handed to the program (tcache structs too) */
	GLIBC_BIN,		/* free in a bin */
	GLIBC_FAST,		/* free in a fastbin */
	GLIBC_TCACHE,		/* free in a thread's tcache */
	GLIBC_TOP,
	GLIBC_OVERHEAD,		/* a fencepost */
	GLIBC_INVALID,		/* not walked: a check failed */
};

struct glibc_chunk {
	uint64_t	 addr;
	uint64_t	 size;
	enum glibc_kind	 kind;
};

/* One heap, the main one or one of a thread arena, and (GLIBC_READ_MAP)
 * its chunks in address order, chunks[first, first + n) of the map. */
struct glibc_heap {
	uint64_t	 base;		/* [heap]'s start, or the heap_info */
	uint64_t	 start;		/* first chunk */
	uint64_t	 end;		/* end of the last */
	size_t		 arena;		/* index in arenas */
	size_t		 first;
	size_t		 n;
};

/* An mmapped chunk: the mapping's bytes malloc holds. */
struct glibc_span {
	uint64_t	 addr;
	uint64_t	 size;
};
#define GLIBC_MAX_SPANS		(1u << 20)	/* bound on mmapped kept */

#define GLIBC_READ_MAP		0x1u	/* keep every chunk (the TUI's map) */
#define GLIBC_MAP_MAX_CHUNKS	(4u << 20)	/* bound on chunks kept */

struct glibc_malloc {
	enum glibc_status	 status;
	char			*note;		/* why not OK, or what else is mapped */
	char			*libc;		/* libc's path */
	const char		*found_by;	/* "symbol", "scan" */
	uint64_t		 main_arena;
	struct glibc_arena	*arenas;	/* main first, then along next */
	size_t			 narenas;
	unsigned		 ntcaches;	/* tcache_perthread_structs found */
	unsigned		 tcache_invalid;	/* rejected or cut */
	uint64_t		 mmapped_chunks;
	uint64_t		 mmapped_bytes;
	int			 mmapped_exact;	/* from mp_ (symbols) */
	struct glibc_mallinfo	 mi;
	struct glibc_arena	 total;		/* sums over the arenas */
	/* the heaps in address order; with GLIBC_READ_MAP their chunks too,
	 * map_cut when there were more than GLIBC_MAP_MAX_CHUNKS */
	struct glibc_heap	*heaps;
	size_t			 nheaps;
	/* the mmapped chunks counted from the maps (not with mp_) */
	struct glibc_span	*mmaps;
	size_t			 nmmaps;
	struct glibc_chunk	*chunks;
	size_t			 nchunks;
	int			 map_cut;
};

/* 0 with *out set (whatever its status), or -1 with *cause when the
 * source cannot be read at all (the process is gone). */
int	glibc_malloc_read(struct source *, struct glibc_malloc **, char **);
/* The same, with flags (GLIBC_READ_MAP). */
int	glibc_malloc_read_flags(struct source *, unsigned,
	    struct glibc_malloc **, char **);
/* The chunk of the map holding addr, or NULL. */
const struct glibc_chunk *glibc_chunk_at(const struct glibc_malloc *,
	    uint64_t);
void	glibc_malloc_free(struct glibc_malloc *);

/*
 * The figures without the map: a copy of gm whose heaps, mmapped spans and
 * chunks are left out (what a snapshot keeps: arenas, totals, mallinfo2,
 * status).  Free it with glibc_malloc_free.
 */
struct glibc_malloc *glibc_malloc_figures(const struct glibc_malloc *);
/* total and mi computed again from the arenas and the mmapped chunks, as a
 * read computes them (for figures loaded from a file). */
void	glibc_malloc_totals(struct glibc_malloc *);

#endif
