/*
 * render: text presenters of a struct heap (no curses, no /proc).
 */
#ifndef HV_RENDER_H
#define HV_RENDER_H

#include <stdio.h>

#include "heap.h"

/* The pymalloc section, byte for byte as sys._debugmallocstats() prints it
 * for the same heap (including the 3.10+ arena map block when known). */
void	render_stats_pymalloc(FILE *, const struct heap *);
/* heapview's own lines: utilisation, RSS against arena bytes, INVALID pools. */
void	render_stats_extra(FILE *, const struct heap *);
/* The "Resident memory" section: the parts of the process's resident
 * memory, bytes and share; nothing for a heap without a breakdown. */
void	render_stats_resident(FILE *, const struct heap *);
/* --types: the "Types" census (COUNT BYTES NAME, largest first) and the
 * arenas pinned by a few survivors.  Prints nothing for a heap without
 * types. */
void	render_stats_types(FILE *, const struct heap *);
/* --types, live: what keeps the pinned arenas' survivors alive, by root,
 * most arenas first. */
struct pyobj_pinned_roots;
void	render_stats_roots(FILE *, const struct pyobj_pinned_roots *);

/* The "malloc" section: glibc's arenas, free chunks by list, mmapped
 * chunks and mallinfo2()'s figures, or why there are none (glibc.h). */
struct glibc_malloc;
void	render_stats_malloc(FILE *, const struct glibc_malloc *);
/* --types, live: the Python objects malloc's chunks hold, by type
 * (render_chunks.c). */
struct pyobj_chunk_census;
void	render_stats_chunks(FILE *, const struct pyobj_chunk_census *);

#endif
