/*
 * render_svg_int: what the views of render_svg.c and render_svg_zoom.c
 * share -- the document, its header, text, cells.  Sizes are SVG user
 * units; one cell is CELL square every PITCH.
 */
#ifndef HV_RENDER_SVG_INT_H
#define HV_RENDER_SVG_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "heap.h"
#include "heap_stats.h"
#include "render_svg.h"

#define MARGIN		16
#define PITCH		12	/* cell to cell */
#define CELL		10	/* a cell's side */
#define CHAR_W		7.8	/* of the 13px monospace font */
#define LINE_H		20
#define MIN_W		1130	/* the longest header line */
#define TEXT_MAX	160	/* characters of a header line */

/* s as XML character data, at most max characters, then "…". */
void	render_svg_text(FILE *, const char *s, size_t max);
/* "272 B", "1.0 MiB": as the TUI prints sizes. */
void	render_svg_bytes(char *buf, size_t len, uint64_t n);
const char *render_svg_plural(uint64_t n);
/* The document up to its cell symbols: w x h, the root's class view, the
 * theme's style plus style (NULL: none). */
void	render_svg_open(FILE *, enum render_svg_theme, int w, int h,
	    const char *view, const char *style);
/* A <use> of cell symbol id at x in the current row group. */
void	render_svg_cell(FILE *, const char *id, int x);
/* The header (title, totals, label); returns the y where the view starts,
 * which render_svg_header_height() gives beforehand. */
int	render_svg_header(FILE *, const struct heap *, const struct heap_stats *,
	    const struct render_svg_frame *);
int	render_svg_header_height(const struct render_svg_frame *);
/* The cell symbol of a pool as the map draws it. */
const char *render_svg_pool_cell(const struct heap *, const struct heap_pool *);

/* The zoom views (render_svg_zoom.c). */
void	render_svg_draw_arena(FILE *, const struct heap *,
	    enum render_svg_theme, const struct render_svg_frame *,
	    const struct heap_stats *);
void	render_svg_draw_pool(FILE *, const struct heap *,
	    enum render_svg_theme, const struct render_svg_frame *,
	    const struct heap_stats *);

#endif
