/*
 * heap_resident: a capture's resident memory (struct heap_resident in
 * heap.h) from what the source read of the process (source_resident.h) and
 * the capture's own pools.  Pure: reads no process.
 *
 * Call order: heap_resident_spans() gives the arenas to the source, which
 * reads; heap_resident_make() turns that into the model's numbers, which the
 * producer attaches to the heap before it hands it over.
 */
#ifndef HV_HEAP_RESIDENT_H
#define HV_HEAP_RESIDENT_H

#include "heap.h"
#include "source_resident.h"

/* The arenas of h as spans, sorted (free the array). */
struct source_span *heap_resident_spans(const struct heap *, size_t *);
/* A new breakdown: the parts as read, and how much of the arenas' resident
 * bytes lies in pages where no pool holds a live block. */
struct heap_resident *heap_resident_make(const struct heap *,
		    const struct source_resident *);
/* The sum of the parts (equal to total when the breakdown is whole). */
uint64_t	 heap_resident_sum(const struct heap_resident *);

#endif
