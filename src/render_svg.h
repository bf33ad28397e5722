/*
 * render_svg: one frame of a heap as a self-contained SVG picture, for
 * slides and documents: the TUI's arena map, memory strip or size-class
 * table with its header, totals and the frame's label as text, in one of
 * the TUI's themes.  Like every render_* module it is handed a model and
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
 * In the slides theme every cell is black or white, nothing else.
 */
#ifndef HV_RENDER_SVG_H
#define HV_RENDER_SVG_H

#include <stddef.h>
#include <stdio.h>

#include "heap.h"

enum render_svg_view {
	RENDER_SVG_MAP,
	RENDER_SVG_STRIP,
	RENDER_SVG_CLASSES,
	RENDER_SVG_TYPES,	/* the census: needs a capture with types */
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
};

/* The view named s ("map", "strip", "classes", "types"); -1 when there is
 * none. */
int	render_svg_view_parse(const char *s, enum render_svg_view *);
/* The <defs> of the cell symbols (ids full, used1-3, empty, untouched,
 * invalid, s0-s4), for pages that draw cells too (render_html.c). */
const char *render_svg_cell_defs(void);
/* Writes the picture; the caller checks the stream for write errors. */
void	render_svg(FILE *, const struct heap *, enum render_svg_view,
	    enum render_svg_theme, const struct render_svg_frame *);

#endif
