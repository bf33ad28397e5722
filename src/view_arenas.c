/*
 * view_arenas: the arena map.  One row per arena in address order, one cell
 * per pool; when the row has fewer columns than the arena has pools, each
 * cell stands for k pools and the title says so.  Only the rows on screen
 * are visited, and each of them reads at most one arena's pools: the cost
 * is the screen's, whatever the number of arenas.
 *
 *   line 0          title, cell size; "↑ N more" when arenas are above
 *   lines 1..h-2    arenas from arena_top (h-3 when colored by type)
 *   line h-2        color by type: the legend
 *   line h-1        what the cursor is on; "↓ N more" when arenas are below
 *
 * Colored by type, a cell takes the color of the types holding most of its
 * bytes (the frame's prefix sums per color: O(1) a cell); with types, the
 * index of a pinned arena is flagged.
 */
#include "config.h"

#include "tui_int.h"
#include "util.h"

#include <inttypes.h>

struct geom {
	int		label_w;	/* columns before the first cell */
	int		addr;		/* the label shows the address */
	int		cw;		/* columns a cell: 2 in presenter mode */
	uint32_t	first;		/* the pool of the first cell */
	uint32_t	k;		/* pools per cell */
	uint32_t	ncells;
	int		rows;		/* arena rows on screen */
};

static void
geom(const struct tui *t, WINDOW *w, struct geom *g)
{
	uint32_t maxp = HV_MAX(t->frame->max_arena_pools, 1);
	int cols = getmaxx(w), room;

	g->rows = HV_MAX(getmaxy(w) - (tui_by_type(t) ? 3 : 2), 1);
	g->label_w = 6;		/* "12345 " */
	g->cw = t->scr.presenter ? 2 : 1;
	g->addr = !t->scr.presenter && cols - g->label_w - 15 - 1 >= (int)maxp;
	if (g->addr)
		g->label_w += 15;	/* "0x7f0123456789 " */
	room = HV_MAX((cols - g->label_w - 1) / g->cw, 1);
	g->k = (maxp + (uint32_t)room - 1) / (uint32_t)room;
	g->ncells = (maxp + g->k - 1) / g->k;
	g->first = 0;
	if (t->scr.presenter) {
		/* a pool a cell, and the arenas' pools a screenful at a
		 * time: the one with the cursor */
		g->k = 1;
		g->ncells = HV_MIN(maxp, (uint32_t)room);
		g->first = t->pool / g->ncells * g->ncells;
	}
}

/* Keeps the cursor's arena on screen, and the screen full of arenas when
 * their number shrinks. */
static void
scroll_to_cursor(struct tui *t, const struct geom *g)
{
	t->arena_top = tui_scroll(t->arena_top, t->arena,
	    t->frame->heap->narenas, (size_t)g->rows);
}

/* The state a cell of k pools shows: invalid wins, then all-full, all-
 * untouched, nothing in use (empty), else used shaded by the mean fill. */
static enum pool_state
cell_state(const struct heap_arena *a, uint32_t s, uint32_t e)
{
	unsigned n[POOL_NSTATES] = { 0 };
	uint32_t p;

	if (e - s == 1)
		return a->pools[s].state < POOL_NSTATES ? a->pools[s].state :
		    POOL_INVALID;
	for (p = s; p < e; p++)
		n[a->pools[p].state < POOL_NSTATES ?
		    a->pools[p].state : POOL_INVALID]++;
	if (n[POOL_INVALID] > 0)
		return POOL_INVALID;
	if (n[POOL_FULL] == e - s)
		return POOL_FULL;
	if (n[POOL_UNTOUCHED] == e - s)
		return POOL_UNTOUCHED;
	if (n[POOL_FULL] + n[POOL_USED] == 0)
		return POOL_EMPTY;
	return POOL_USED;
}

static void
draw_label(const struct tui *t, WINDOW *w, const struct geom *g, size_t ai)
{
	const struct heap_arena *a = &t->frame->heap->arenas[ai];
	int pinned = t->frame->types != NULL && t->frame->types->pinned[ai];

	tui_role(w, pinned ? ROLE_WARN : ROLE_DIM);
	tui_printf(w, "%5" PRIu32 "%s", a->index, pinned ? "!" : " ");
	tui_role(w, ROLE_DIM);
	if (g->addr)
		tui_printf(w, "0x%012" PRIx64 " ", a->address);
}

static void
draw_row(struct tui *t, WINDOW *w, const struct geom *g, size_t ai)
{
	const struct tui_frame *f = t->frame;
	const struct heap_arena *a = &f->heap->arenas[ai];
	size_t first = f->arena_first[ai];
	int highlight = t->changed_until > 0, by_type = tui_by_type(t), color;
	cchar_t row[TUI_MAX_COLS];
	enum tui_glyph gl;
	enum tui_role role;
	enum pool_state st;
	uint32_t c, s, e;

	draw_label(t, w, g, ai);
	for (c = 0; c < g->ncells && (c + 1) * (uint32_t)g->cw <= TUI_MAX_COLS;
	    c++) {
		s = g->first + c * g->k;
		if (s >= a->npools)
			break;
		e = HV_MIN(s + g->k, a->npools);
		st = cell_state(a, s, e);
		gl = tui_pool_glyph(st, tui_frame_fill(f, first + s, first + e));
		role = tui_pool_role(st);
		color = by_type ? tui_color_of_pools(t, first + s, first + e) :
		    TUI_NOCOLOR;
		if (color != TUI_NOCOLOR) {
			role = tui_color_role(color);
			gl = tui_color_glyph(t, color, gl);
		} else if (by_type)	/* no type: its glyph, no type's color */
			role = ROLE_NORMAL;
		if (tui_mark_new(t, first + s, first + e) > 0) {
			/* new since the mark: the glyph says it, in the type's
			 * color when colored by type */
			gl = GLYPH_NEW;
			if (color == TUI_NOCOLOR)
				role = ROLE_NEW;
		}
		if (ai == t->arena && t->pool >= s && t->pool < e)
			role = ROLE_CURSOR;
		else if (highlight && tui_frame_changed(f, first + s, first + e))
			role = ROLE_CHANGED;
		row[c * (uint32_t)g->cw] = *tui_cell(role, gl);
		if (g->cw == 2)
			row[c * 2 + 1] = row[c * 2];
	}
	tui_cells(w, row, (int)c * g->cw);
}

static void
draw_title(struct tui *t, WINDOW *w, const struct geom *g)
{
	const struct heap *h = t->frame->heap;
	char cell[32];

	tui_format_bytes(cell, sizeof cell, (uint64_t)g->k * h->layout.pool_size);
	wmove(w, 0, 1);
	tui_role(w, ROLE_VALUE);
	tui_puts(w, "arena map");
	tui_role(w, ROLE_NORMAL);
	tui_printf(w, "  %zu arena%s, %zu pool%s  1 cell = %" PRIu32 " pool%s (%s)",
	    h->narenas, tui_plural(h->narenas), t->frame->npools,
	    tui_plural(t->frame->npools), g->k, tui_plural(g->k), cell);
	if (g->first > 0 || g->ncells < t->frame->max_arena_pools)
		tui_printf(w, "  pools %" PRIu32 "-%" PRIu32 " of %" PRIu32
		    " (Left/Right)", g->first, HV_MIN(g->first + g->ncells,
		    t->frame->max_arena_pools) - 1, t->frame->max_arena_pools);
	tui_mark_legend(t, w, tui_mark_new(t, 0, t->frame->npools), "block");
	if (t->changed_until > 0 && t->frame->nchanged > 0) {
		/* in the look of the changed cells: the key to it */
		tui_puts(w, "  ");
		tui_role(w, ROLE_CHANGED);
		tui_printf(w, "%zu changed", t->frame->nchanged);
	}
}

/* Most telling first: the line is cut at the window's edge. */
static void
draw_cursor_line(struct tui *t, WINDOW *w, const struct geom *g)
{
	const struct heap *h = t->frame->heap;
	const struct heap_arena *a = tui_cur_arena(t);
	const struct heap_pool *p = tui_cur_pool(t);
	uint32_t s = t->pool / g->k * g->k;
	size_t nnew, gp;

	wmove(w, getmaxy(w) - 1, 1);
	tui_role(w, ROLE_NORMAL);
	if (a == NULL || p == NULL) {
		tui_puts(w, "no arenas");
		return;
	}
	gp = t->frame->arena_first[t->arena] + t->pool;
	tui_printf(w, "arena %" PRIu32 "  ", a->index);
	if (g->k > 1)
		tui_printf(w, "cell of pools %" PRIu32 "-%" PRIu32 "  ", s,
		    HV_MIN(s + g->k, a->npools) - 1);
	if (t->scr.presenter)
		tui_printf(w, "pool %" PRIu32 ": %s", t->pool,
		    heap_pool_state_name(p->state));
	else
		tui_printf(w, "pool %" PRIu32 " at 0x%" PRIx64 ": %s", t->pool,
		    heap_pool_address(h, a, t->pool),
		    heap_pool_state_name(p->state));
	if (p->state == POOL_FULL || p->state == POOL_USED)
		tui_printf(w, ", %" PRIu32 "-byte blocks, %u of %" PRIu32
		    " in use", heap_block_size(&h->layout, p->szidx), p->count,
		    heap_blocks_per_pool(&h->layout, p->szidx));
	if ((nnew = tui_mark_new(t, gp, gp + 1)) > 0) {
		tui_puts(w, ", ");
		tui_role(w, ROLE_NEW);
		tui_printf(w, "%zu new since the mark", nnew);
		tui_role(w, ROLE_NORMAL);
	}
	if (t->frame->types != NULL) {
		char types[128];

		tui_pool_types(t, p, 3, types, sizeof types);
		if (types[0] != '\0')
			tui_printf(w, ": %s", types);
	}
	tui_printf(w, "  (arena: %" PRIu32 " of %" PRIu32 " pool%s free)",
	    a->nfreepools, a->ntotalpools, tui_plural(a->ntotalpools));
}

static void
draw(struct tui *t, WINDOW *w)
{
	const struct heap *h = t->frame->heap;
	struct geom g;
	size_t ai;
	int r;

	tui_type_legend_fit(t, w);

	geom(t, w, &g);
	scroll_to_cursor(t, &g);
	draw_title(t, w, &g);
	for (r = 0; r < g.rows; r++) {
		ai = t->arena_top + (size_t)r;
		if (ai >= h->narenas)
			break;
		wmove(w, r + 1, 0);
		draw_row(t, w, &g, ai);
	}
	tui_draw_type_legend(t, w);
	draw_cursor_line(t, w, &g);
	tui_draw_more(t, w, 0, 1, t->arena_top);
	tui_draw_more(t, w, getmaxy(w) - 1, 0, h->narenas - t->arena_top -
	    HV_MIN((size_t)r, h->narenas - t->arena_top));
}

static unsigned
go(struct tui *t, enum tui_move m)
{
	const struct heap *h = t->frame->heap;
	size_t a = t->arena, last;
	uint32_t p = t->pool;
	struct geom g;

	if (h->narenas == 0)
		return 0;
	geom(t, t->scr.win[PANEL_VIEW], &g);
	last = h->narenas - 1;
	switch (m) {
	case MOVE_UP: a = a > 0 ? a - 1 : 0; break;
	case MOVE_DOWN: a = HV_MIN(a + 1, last); break;
	case MOVE_LEFT: p = p >= g.k ? p - g.k : 0; break;
	case MOVE_RIGHT: p = p / g.k * g.k + g.k; break;
	case MOVE_PGUP: a = a > (size_t)g.rows ? a - (size_t)g.rows : 0; break;
	case MOVE_PGDN: a = HV_MIN(a + (size_t)g.rows, last); break;
	case MOVE_HOME: a = 0; p = 0; break;
	case MOVE_END: a = last; break;
	}
	if (p >= h->arenas[a].npools)
		p = t->pool;
	return tui_select_pool(t, a, p);
}

static unsigned
click(struct tui *t, int y, int x)
{
	const struct heap *h = t->frame->heap;
	struct geom g;
	size_t a;
	uint32_t c;

	geom(t, t->scr.win[PANEL_VIEW], &g);
	if (y < 1 || y > g.rows || x < g.label_w)
		return 0;
	a = t->arena_top + (size_t)(y - 1);
	c = (uint32_t)(x - g.label_w) / (uint32_t)g.cw;
	if (a >= h->narenas || c >= g.ncells ||
	    g.first + c * g.k >= h->arenas[a].npools)
		return 0;
	return tui_select_pool(t, a, g.first + c * g.k);
}

static unsigned
enter(struct tui *t)
{
	if (tui_cur_pool(t) == NULL)
		return 0;
	return tui_set_view(t, VIEW_POOL, VIEW_ARENAS);
}

const struct tui_view_ops view_arenas_ops = {
	.name = "arena map",
	.draw = draw,
	.go = go,
	.click = click,
	.enter = enter,
};
