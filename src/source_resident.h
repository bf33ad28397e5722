/*
 * source_resident: where a live process's resident pages are.
 *
 * Reads /proc/PID/smaps (every mapping's Rss), status (VmRSS), pagemap
 * (which pages of a mapping are resident, where a mapping holds more than
 * one kind of memory) and each thread's stack pointer (task/TID/syscall),
 * and splits the sum of the mappings' Rss into parts that add up to it
 * exactly: the spans the caller names (pymalloc's arenas), glibc malloc's
 * main heap ([heap]), its thread arenas (64 MiB-aligned heaps that begin
 * with a valid heap_info), its mmapped chunks (a mapping piece that begins
 * with a chunk header whose size has IS_MMAPPED and fits), file-backed
 * mappings, thread stacks, and the rest.  It only looks at the first bytes
 * of a piece of a mapping; it walks no chunk.
 *
 * Why the sum of smaps' Rss: it is a count of the page tables at the
 * moment of the read, mapping by mapping, so that the parts can add up to
 * it to the byte.  VmRSS (status) is the kernel's running counter
 * (RssAnon + RssFile + RssShmem), updated lazily per thread or per CPU; it
 * is kept beside the sum and differs from it by at most a few pages per
 * mapping while the process runs, not at all when it is idle.
 *
 * A page that pagemap shows present is counted resident when it is mapped
 * once (exclusive) or file-backed: the shared zero page, which a read of
 * untouched memory maps and which no RSS counts, is neither.  Where root
 * sees page frame numbers, a shared anonymous page (a fork's) counts too.
 * Whatever pagemap and smaps disagree on (a process that runs while it is
 * read) goes to the mapping's own part and is reported as unsettled.
 */
#ifndef HV_SOURCE_RESIDENT_H
#define HV_SOURCE_RESIDENT_H

#include <stddef.h>
#include <stdint.h>

#include "source.h"

enum source_res_part {
	SOURCE_RES_ARENAS,		/* the spans given (pymalloc arenas) */
	SOURCE_RES_MALLOC_HEAP,		/* [heap]: malloc's main heap (brk) */
	SOURCE_RES_MALLOC_ARENAS,	/* heaps of malloc's thread arenas */
	SOURCE_RES_MALLOC_MMAP,		/* chunks malloc mmapped on their own */
	SOURCE_RES_FILES,		/* file-backed: interpreter, libraries */
	SOURCE_RES_STACKS,		/* [stack] and the threads' stacks */
	SOURCE_RES_OTHER,		/* any other anonymous memory */
};
#define SOURCE_RES_NPARTS	7

/* A range the caller knows, [start, end): a pymalloc arena. */
struct source_span {
	uint64_t	 start;
	uint64_t	 end;
};

struct source_resident {
	uint64_t	 page;
	uint64_t	 total;		/* sum of smaps' Rss, bytes */
	uint64_t	 part[SOURCE_RES_NPARTS];	/* add up to total */
	uint64_t	 vm_rss;	/* status VmRSS, read after smaps; 0 unknown */
	size_t		 mappings;
	size_t		 threads;	/* entries of /proc/PID/task */
	size_t		 threads_located;	/* stack pointer read */
	size_t		 stacks;	/* mappings counted as thread stacks */
	size_t		 malloc_heaps;	/* thread arena heaps */
	size_t		 mmapped_chunks;
	uint64_t	 unsettled;	/* pagemap counted more than smaps had */
	/* One bit per page of each span, set when the page is resident:
	 * page k of span i is bit span_bit[i] + k of bits. */
	size_t		 nspans;
	size_t		*span_bit;
	uint8_t		*bits;
};

/* Spans sorted by address, not overlapping.  Fills *out (free it with
 * source_resident_free) or returns -1 with *cause. */
int	source_resident_read(struct source *, const struct source_span *,
	    size_t, struct source_resident *, char **);
void	source_resident_free(struct source_resident *);
/* Is page k of span i resident? */
int	source_resident_span_page(const struct source_resident *, size_t i,
	    uint64_t k);

/* The checks, on bytes read from the target (exposed for tests). */
#define SOURCE_PROBE_BYTES	48	/* heap_info with glibc 2.35's pagesize */
#define SOURCE_HEAP_MAX		((uint64_t)64 << 20)	/* HEAP_MAX_SIZE, 64-bit */
/* The length of the rw part of a thread arena's heap whose heap_info is at
 * addr (SOURCE_PROBE_BYTES of b), when room bytes are mapped rw from addr
 * on; 0 when it is not one. */
uint64_t source_heap_info_check(const uint8_t *b, uint64_t addr, uint64_t room,
	    uint64_t page);
/* The size of the mmapped chunk that begins at b (16 bytes: prev_size,
 * size), within room bytes; 0 when it is not one. */
uint64_t source_mmap_chunk_check(const uint8_t *b, uint64_t room, uint64_t page);
/* The stack pointer in the text of /proc/PID/task/TID/syscall ("running"
 * has none): 0, or -1. */
int	source_parse_syscall(const char *, uint64_t *);

#endif
