/*
 * pymalloc: knows CPython's small-object allocator.
 *
 * pymalloc_open() identifies the interpreter behind a source (executable or
 * libpython in its mappings, its version), picks the layout for that version
 * and finds the arena table -- through ELF symbols when the binary has them,
 * otherwise by scanning for pool headers and the pointer to the table.  What
 * it found is cached; every pymalloc_capture() re-validates it, rediscovers
 * when the table moved, and walks the arenas into a new struct heap that the
 * caller owns.  Nothing here draws or prints.
 */
#ifndef HV_PYMALLOC_H
#define HV_PYMALLOC_H

#include "heap.h"
#include "source.h"

/* Reader threads a capture uses at most. */
#define PYMALLOC_MAX_THREADS	64

struct pymalloc_options {
	int		no_symbols;	/* diagnostic: never use ELF symbols */
	/* Reader threads of a block-level capture (0 or 1: the calling
	 * thread alone).  The heap is the same whatever their number. */
	unsigned	threads;
};

struct pymalloc;

/* Fails with a message saying what was found instead: not CPython (and what
 * it is), or CPython whose object allocator is not pymalloc (and which). */
struct pymalloc	*pymalloc_open(struct source *, const struct pymalloc_options *,
		    char **);
int		 pymalloc_capture(struct pymalloc *, enum heap_level,
		    struct heap **, char **);
/* With types on, block-level captures also attribute every allocated block
 * to its Python type (heap.types). */
void		 pymalloc_set_types(struct pymalloc *, int);
/* A pool that fails validation is read again before it is called INVALID
 * (it was most likely read in the middle of an update).  fn(ctx, round)
 * runs before each round of re-reads (round 0 first); non-zero stops them.
 * There the target is let run: a frozen one, or one the scheduler stopped
 * in the middle of an update, would show the same bytes again.  Without a
 * hook (NULL) the re-reads follow at once. */
void		 pymalloc_set_reread_hook(struct pymalloc *,
		    int (*fn)(void *, unsigned), void *ctx);
/* fn(ctx, done, total) runs as a capture goes, between batches of arenas
 * (done of total arenas read; total 0: not counted, a pool-level capture);
 * non-zero stops the capture, which fails at once ("capture cancelled")
 * without retrying.  NULL: no hook. */
void		 pymalloc_set_progress_hook(struct pymalloc *,
		    int (*fn)(void *, uint64_t, uint64_t), void *ctx);
/* Asks the progress hook whether to stop work that is not a capture (a
 * climb of referrers on the capture's heap): fn(ctx, 0, 0), nothing
 * counted.  0 without a hook. */
int		 pymalloc_cancelled(struct pymalloc *);
/* With values on, block-level captures with types also give the values
 * of the objects in the pinned arenas (heap.values; pyobj_value.h), at
 * most max_per_arena per arena (0: all), from the bytes the capture read. */
void		 pymalloc_set_values(struct pymalloc *, int on,
		    unsigned max_per_arena);
/* The same after a capture with types, with its heap, read again from the
 * target (slower: bench/README.md compares the two).  Fails when the last
 * capture was not h or had no types. */
int		 pymalloc_values(struct pymalloc *, struct heap *,
		    unsigned max_per_arena, char **);
/* The value of the object in the block at addr (size bytes) read now, when
 * it is still of the given type (heaptype: HEAP_TYPE_HEAPTYPE was set), with
 * the last typed capture's types: two small reads at most. */
int		 pymalloc_value_at(struct pymalloc *, uint64_t addr, uint32_t size,
		    const char *type, int heaptype, char *text, size_t len,
		    char **);
const char	*pymalloc_version(const struct pymalloc *);
/* How the arena table was found: "symbols" or "scan". */
const char	*pymalloc_method(const struct pymalloc *);
/* What the last capture read: pool headers, and bytes in all. */
uint64_t	 pymalloc_pools_read(const struct pymalloc *);
uint64_t	 pymalloc_bytes_read(const struct pymalloc *);
void		 pymalloc_close(struct pymalloc *);

#endif
