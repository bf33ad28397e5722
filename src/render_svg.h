/*
 * render_svg: one frame of a heap as a self-contained SVG picture, for
 * slides and documents: the TUI's arena map, memory strip, size-class
 * table, types, or one of its zoom views (an arena, a pool), with its
 * header, totals and the frame's label as text, in one of the TUI's
 * themes.  Like every render_* module it is handed a model and
 * writes text: no curses, no /proc, no file opened here.
 *
 * Every cell is one element whose class names what it shows, so the
 * picture can be counted and restyled:
 *   map      one cell per pool: "full", "used" (plus a "fill" bar as high
 *            as the pool is full), "empty", "untouched", "invalid"
 *   strip    one cell per pool (per k pools on big heaps, k a power of
 *            two) in address order: "s0" (nothing allocated) to "s4"
 *            (all), plus a "fill" bar for the exact share
 *   classes  per size class with pools, a "used" bar and an "avail" bar
 *   types    per type, largest first (at most 40), a "fill" bar of its
 *            bytes against the largest type's
 *   arena    the arena holding the frame's "at" address: a cell per pool as
 *            the map draws them, and (with types) its census, as the TUI's
 *            arena view shows it
 *   pool     the pool holding "at": a cell per block, "alloc" (or, with
 *            types, "ty0".."ty7", "tyraw", "tyother": the type's legend
 *            entry), "free", "untouched"; needs block states
 * In the slides theme every cell is black or white, nothing else.
 */
#ifndef HV_RENDER_SVG_H
#define HV_RENDER_SVG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "heap.h"

enum render_svg_view {
	RENDER_SVG_MAP,
	RENDER_SVG_STRIP,
	RENDER_SVG_CLASSES,
	RENDER_SVG_TYPES,	/* the census: needs a capture with types */
	RENDER_SVG_ARENA,	/* one arena: needs render_svg_frame.at */
	RENDER_SVG_POOL,	/* one pool's blocks: at, and block level */
};

enum render_svg_theme {
	RENDER_SVG_COLOR,
	RENDER_SVG_MONO,
	RENDER_SVG_SLIDES,
};

/* What the picture says about where the frame comes from. */
struct render_svg_frame {
	const char	*source;	/* file name, or NULL for the process */
	size_t		 number;	/* frame number from 1; 0: a lone frame */
	size_t		 count;		/* frames in the recording */
	double		 t;		/* seconds into the recording; < 0: none */
	const char	*label;		/* the frame's label, or NULL */
	uint64_t	 at;		/* arena and pool views: an address in
					 * the arena or pool they draw */
};

/* Where an address is: its arena (index into heap.arenas) and the pool in
 * it.  Returns 0 when both are found, 1 when the address is in an arena but
 * in none of its pools (the slack before the first pool), -1 when it is in
 * no arena. */
int	render_svg_locate(const struct heap *, uint64_t addr, size_t *arena,
	    uint32_t *pool);

/* The view named s ("map", "strip", "classes", "types", "arena", "pool");
 * -1 when there is none. */
int	render_svg_view_parse(const char *s, enum render_svg_view *);
/* The <defs> of the cell symbols (ids full, used1-3, empty, untouched,
 * invalid, s0-s4), for pages that draw cells too (render_html.c). */
const char *render_svg_cell_defs(void);
/* Writes the picture; the caller checks the stream for write errors. */
void	render_svg(FILE *, const struct heap *, enum render_svg_view,
	    enum render_svg_theme, const struct render_svg_frame *);

#endif
