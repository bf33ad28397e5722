/*
 * view_strip: the slides' picture.  All arena bytes in address order (gaps
 * between arenas left out), cut into cells of a fixed number of bytes, each
 * shaded by the fraction of it in allocated blocks: in the slides theme
 * black is used and white is free.
 *
 * The cell size is a power of two chosen so that the whole heap fits the
 * window: k pools per cell for big heaps (the fill of k pools is one
 * subtraction of the frame's prefix sums), or a 1/m of a pool when the heap
 * is small and its block states are known.  Either way a cell costs O(1) or
 * one pool's blocks, and the screen bounds the number of cells.
 *
 * Colored by type, a cell takes the color of the types holding most of its
 * bytes: from the frame's prefix sums per color for cells of pools, from
 * the part's blocks for cells smaller than a pool.
 *
 *   line 0          title, cell size
 *   lines 1..h-2    cells, each row labelled with its first address
 *                   (h-3 when colored by type)
 *   line h-2        color by type: the legend
 *   line h-1        what the cursor is on
 */
#include "config.h"

#include "tui_int.h"
#include "util.h"

#include <inttypes.h>

#define UNITS 16	/* the cursor moves in sixteenths of a pool */

struct geom {
	int		label_w;
	uint32_t	per_row;
	int		rows;
	uint64_t	k;		/* pools per cell */
	uint32_t	m;		/* cells per pool (when k is 1) */
	uint64_t	cu;		/* units per cell */
	uint64_t	ncells;
};

static void
geom(const struct tui *t, WINDOW *w, struct geom *g)
{
	const struct tui_frame *f = t->frame;
	uint64_t avail, n = f->npools;
	int cols = getmaxx(w);

	g->rows = HV_MAX(getmaxy(w) - (tui_by_type(t) ? 3 : 2), 1);
	g->label_w = cols >= 56 && !t->scr.presenter ? 15 : 0;
	g->per_row = (uint32_t)HV_MAX(cols - g->label_w - 1, 1);
	avail = (uint64_t)g->per_row * (uint32_t)g->rows;
	g->k = 1;
	g->m = 1;
	while ((n + g->k - 1) / g->k > avail)
		g->k *= 2;
	if (g->k == 1 && f->heap->level == HEAP_LEVEL_BLOCKS)
		while (g->m < UNITS && n * g->m * 2 <= avail)
			g->m *= 2;
	g->cu = UNITS * g->k / g->m;
	g->ncells = (n * UNITS + g->cu - 1) / g->cu;
}

static uint64_t
cell_bytes(const struct tui *t, const struct geom *g)
{
	return g->cu * t->frame->heap->layout.pool_size / UNITS;
}

/* The global pool g as its arena and its slot. */
static const struct heap_arena *
locate(const struct tui_frame *f, size_t g, uint32_t *p)
{
	size_t a = tui_frame_arena_of(f, g);

	*p = (uint32_t)(g - f->arena_first[a]);
	return &f->heap->arenas[a];
}

/* The blocks that start in part j of m of a pool: [*first, *end); 0 when
 * the pool has no blocks. */
static int
part_blocks(const struct heap *h, const struct heap_pool *p, uint32_t j,
    uint32_t m, uint32_t *first, uint32_t *end)
{
	const struct heap_layout *l = &h->layout;
	uint32_t size, n, lo, hi;

	if ((p->state != POOL_USED && p->state != POOL_FULL) ||
	    p->szidx >= l->nclasses)
		return 0;
	size = heap_block_size(l, p->szidx);
	n = heap_blocks_per_pool(l, p->szidx);
	lo = l->pool_size / m * j;
	hi = lo + l->pool_size / m;
	*first = lo > l->pool_overhead ?
	    (lo - l->pool_overhead + size - 1) / size : 0;
	*end = hi > l->pool_overhead ?
	    (hi - l->pool_overhead + size - 1) / size : 0;
	*end = HV_MIN(*end, n);
	return 1;
}

/* Part j of m of a pool, from its blocks: allocated among the blocks that
 * start in that part. */
static uint32_t
part_fill(const struct heap *h, const struct heap_pool *p, uint32_t j,
    uint32_t m)
{
	uint32_t i, alloc = 0, first, end;

	if (!part_blocks(h, p, j, m, &first, &end))
		return 0;
	if (first >= end)
		return tui_pool_fill(h, p);
	for (i = first; i < end; i++)
		alloc += heap_block_state(h, p, i) == BLOCK_ALLOCATED;
	return (uint32_t)((uint64_t)alloc * TUI_FILL_ONE / (end - first));
}

static uint32_t
cell_fill(const struct tui *t, const struct geom *g, uint64_t c, size_t *s,
    size_t *e)
{
	const struct tui_frame *f = t->frame;
	const struct heap_arena *a;
	uint32_t p;

	if (g->m == 1) {
		*s = (size_t)(c * g->k);
		*e = (size_t)HV_MIN(*s + g->k, f->npools);
		return tui_frame_fill(f, *s, *e);
	}
	*s = (size_t)(c / g->m);
	*e = *s + 1;
	a = locate(f, *s, &p);
	return part_fill(f->heap, &a->pools[p], (uint32_t)(c % g->m), g->m);
}

/* Colored by type: the color of most of cell c's allocated bytes. */
static int
cell_color(const struct tui *t, const struct geom *g, uint64_t c)
{
	const struct tui_frame *f = t->frame;
	const struct heap_arena *a;
	uint32_t p, first, end;
	size_t s;

	if (g->m == 1) {
		s = (size_t)(c * g->k);
		return tui_color_of_pools(t, s,
		    (size_t)HV_MIN(s + g->k, f->npools));
	}
	s = (size_t)(c / g->m);
	a = locate(f, s, &p);
	if (!part_blocks(f->heap, &a->pools[p], (uint32_t)(c % g->m), g->m,
	    &first, &end))
		return TUI_NOCOLOR;
	if (first >= end)	/* a block across the part: the pool's color */
		return tui_color_of_pools(t, s, s + 1);
	return tui_color_of_blocks(t, &a->pools[p], first, end);
}

/* The address where cell c starts. */
static uint64_t
cell_address(const struct tui *t, const struct geom *g, uint64_t c)
{
	uint64_t unit = c * g->cu;
	const struct heap_arena *a;
	uint32_t p;

	a = locate(t->frame, (size_t)(unit / UNITS), &p);
	return heap_pool_address(t->frame->heap, a, p) +
	    unit % UNITS * t->frame->heap->layout.pool_size / UNITS;
}

/* What a cell's look means. */
static const char *
key_text(const struct tui *t)
{
	if (tui_by_type(t))
		return t->scr.theme == TUI_THEME_MONO ?
		    "letter = type of most bytes" :
		    "color = type of most bytes, shade = fraction allocated";
	return t->scr.theme == TUI_THEME_SLIDES ? "black = used, white = free" :
	    "shade = fraction allocated";
}

static void
draw_title(struct tui *t, WINDOW *w, const struct geom *g)
{
	char total[32], cell[32];

	tui_format_bytes(total, sizeof total, t->frame->stats.arena_bytes);
	tui_format_bytes(cell, sizeof cell, cell_bytes(t, g));
	wmove(w, 0, 1);
	tui_role(w, ROLE_VALUE);
	tui_puts(w, "memory strip");
	tui_role(w, ROLE_NORMAL);
	tui_printf(w, "  %zu arena%s, %s in address order  1 cell = %s  %s",
	    t->frame->heap->narenas, tui_plural(t->frame->heap->narenas), total,
	    cell, key_text(t));
}

static void
draw_cells(struct tui *t, WINDOW *w, const struct geom *g)
{
	uint64_t c, cur = t->strip_unit / g->cu;
	int highlight = t->changed_until > 0, r, color;
	int by_type = tui_by_type(t);
	cchar_t row[TUI_MAX_COLS];
	enum tui_glyph gl;
	enum tui_role role;
	uint32_t x, fill;
	size_t s, e;

	for (r = 0, c = 0; r < g->rows && c < g->ncells; r++) {
		wmove(w, r + 1, 0);
		if (g->label_w > 0) {
			tui_role(w, ROLE_DIM);
			tui_printf(w, "0x%012" PRIx64 " ", cell_address(t, g, c));
		}
		for (x = 0; x < g->per_row && x < TUI_MAX_COLS &&
		    c < g->ncells; x++, c++) {
			fill = cell_fill(t, g, c, &s, &e);
			gl = tui_shade_glyph(fill);
			role = ROLE_STRIP;
			color = by_type && fill > 0 ? cell_color(t, g, c) :
			    TUI_NOCOLOR;
			if (color != TUI_NOCOLOR) {
				role = tui_color_role(color);
				gl = tui_color_glyph(t, color, gl);
			}
			if (c == cur)
				role = ROLE_CURSOR;
			else if (highlight && tui_frame_changed(t->frame, s, e))
				role = ROLE_CHANGED;
			row[x] = *tui_cell(role, gl);
		}
		tui_cells(w, row, (int)x);
	}
}

static void
draw_cursor_line(struct tui *t, WINDOW *w, const struct geom *g)
{
	uint64_t c = t->strip_unit / g->cu, addr = cell_address(t, g, c);
	const struct heap_arena *a;
	uint32_t p, q, fill;
	size_t s, e;

	fill = cell_fill(t, g, c, &s, &e);
	a = locate(t->frame, s, &p);
	q = (uint32_t)HV_MIN((size_t)p + (e - s), a->npools) - 1;
	wmove(w, getmaxy(w) - 1, 1);
	tui_role(w, ROLE_NORMAL);
	if (!t->scr.presenter)
		tui_printf(w, "0x%" PRIx64 "-0x%" PRIx64 ": ", addr,
		    addr + cell_bytes(t, g) - 1);
	tui_printf(w, "arena %" PRIu32 ", pool %" PRIu32, a->index, p);
	if (q > p)
		tui_printf(w, "-%" PRIu32, q);
	tui_printf(w, ", %.1f%% allocated", 100.0 * fill / TUI_FILL_ONE);
}

static void
draw(struct tui *t, WINDOW *w)
{
	struct geom g;

	tui_type_legend_fit(t, w);

	if (t->frame->npools == 0) {
		wmove(w, 0, 1);
		tui_puts(w, "memory strip: no arenas");
		return;
	}
	geom(t, w, &g);
	draw_title(t, w, &g);
	draw_cells(t, w, &g);
	tui_draw_type_legend(t, w);
	draw_cursor_line(t, w, &g);
}

static unsigned
go(struct tui *t, enum tui_move m)
{
	struct geom g;
	uint64_t u = t->strip_unit, row, page, last;

	if (t->frame->npools == 0)
		return 0;
	geom(t, t->scr.win[PANEL_VIEW], &g);
	row = g.per_row * g.cu;
	page = row * (uint32_t)g.rows;
	last = t->frame->npools * (uint64_t)UNITS - 1;
	u = tui_linear_move(u, m, g.cu, row, page, last);
	t->strip_unit = (size_t)(u / g.cu * g.cu);
	return TUI_DIRTY_VIEW;
}

static unsigned
click(struct tui *t, int y, int x)
{
	struct geom g;
	int64_t c;

	if (t->frame->npools == 0)
		return 0;
	geom(t, t->scr.win[PANEL_VIEW], &g);
	if ((c = tui_linear_cell(y, x, g.label_w, g.per_row, g.rows,
	    g.ncells)) < 0)
		return 0;
	t->strip_unit = (size_t)((uint64_t)c * g.cu);
	return TUI_DIRTY_VIEW;
}

static unsigned
enter(struct tui *t)
{
	size_t g = t->strip_unit / UNITS, a;

	if (t->frame->npools == 0)
		return 0;
	a = tui_frame_arena_of(t->frame, g);
	tui_select_pool(t, a, (uint32_t)(g - t->frame->arena_first[a]));
	return tui_set_view(t, VIEW_POOL, VIEW_STRIP);
}

const struct tui_view_ops view_strip_ops = {
	.name = "memory strip",
	.draw = draw,
	.go = go,
	.click = click,
	.enter = enter,
};
