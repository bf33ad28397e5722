/*
 * view_pool: the blocks of the pool under the arena map's cursor.
 *
 * At pool level (a recording without block states, or live before the
 * block-level capture arrives) the positions of a used pool's free blocks
 * are unknown: the carved blocks show as "not captured" and the counts come
 * from the pool header.  Cost: one pool's blocks, at most ~1000.
 *
 *   line 0          pool, address, state, size class
 *   line 1          counts
 *   lines 2..h-2    the blocks, one row per line, labelled by offset
 *                   (h-3 when colored by type)
 *   line h-2        color by type: the legend
 *   line h-1        the block under the cursor, its type and value
 */
#include "config.h"

#include "tui_int.h"
#include "util.h"

#include <inttypes.h>
#include <string.h>

#define LABEL_W 8	/* "+0x3fc0 " */

struct geom {
	uint32_t	nblocks;
	uint32_t	k;		/* blocks per cell */
	uint32_t	per_row;	/* cells per row */
	int		rows;
};

static uint32_t
pool_nblocks(const struct heap *h, const struct heap_pool *p)
{
	if (p == NULL || p->szidx >= h->layout.nclasses ||
	    p->state == POOL_UNTOUCHED || p->state == POOL_INVALID)
		return 0;
	return heap_blocks_per_pool(&h->layout, p->szidx);
}

static void
geom(const struct tui *t, WINDOW *w, struct geom *g)
{
	uint32_t room = (uint32_t)HV_MAX(getmaxx(w) - LABEL_W - 1, 1), pw = 1;

	g->nblocks = pool_nblocks(t->frame->heap, tui_view_pool(t));
	g->rows = HV_MAX(getmaxy(w) - (tui_by_type(t) ? 4 : 3), 1);
	/* a power of two per row when everything fits: tidy offsets */
	while (pw * 2 <= room)
		pw *= 2;
	g->per_row = (uint64_t)pw * (uint32_t)g->rows >= g->nblocks ? pw : room;
	g->k = 1;
	while ((uint64_t)g->per_row * (uint32_t)g->rows * g->k < g->nblocks)
		g->k++;
}

static int
states_known(const struct heap_pool *p)
{
	return p->state != POOL_USED || p->blocks != NULL;
}

/* The glyph of block i: "not captured" for carved blocks of a used pool
 * whose free list was not walked. */
static enum tui_glyph
block_glyph(const struct heap *h, const struct heap_pool *p, uint32_t i,
    enum tui_role *role)
{
	uint64_t off = h->layout.pool_overhead +
	    (uint64_t)i * heap_block_size(&h->layout, p->szidx);

	if (!states_known(p) && off < p->nextoffset) {
		*role = ROLE_BLOCK_UNKNOWN;
		return GLYPH_BLOCK_UNKNOWN;
	}
	switch (heap_block_state(h, p, i)) {
	case BLOCK_ALLOCATED:
		*role = ROLE_BLOCK_ALLOCATED;
		return GLYPH_BLOCK_ALLOCATED;
	case BLOCK_FREE:
		*role = ROLE_BLOCK_FREE;
		return GLYPH_BLOCK_FREE;
	default:
		*role = ROLE_BLOCK_UNTOUCHED;
		return GLYPH_BLOCK_UNTOUCHED;
	}
}

/* A cell of k blocks: their glyph when they agree, else a shade of the
 * allocated fraction. */
static enum tui_glyph
cell_glyph(const struct heap *h, const struct heap_pool *p, uint32_t s,
    uint32_t e, enum tui_role *role)
{
	enum tui_glyph g0 = block_glyph(h, p, s, role), g;
	enum tui_role r;
	uint32_t i, alloc = g0 == GLYPH_BLOCK_ALLOCATED, same = 1;

	for (i = s + 1; i < e; i++) {
		g = block_glyph(h, p, i, &r);
		same &= g == g0;
		alloc += g == GLYPH_BLOCK_ALLOCATED;
	}
	if (same)
		return g0;
	*role = ROLE_BLOCK_ALLOCATED;
	return tui_shade_glyph((uint32_t)((uint64_t)alloc * TUI_FILL_ONE /
	    (e - s)));
}

/* Does any of blocks [s, e) of the cursor's pool hold an object new since
 * the mark? */
static int
any_new(const struct tui *t, uint32_t s, uint32_t e)
{
	size_t g = t->frame->arena_first[t->arena] + t->pool;

	for (; s < e; s++)
		if (tui_mark_block(t, g, s))
			return 1;
	return 0;
}

/* Colored by type: allocated blocks take their type's color (a cell of k
 * blocks, the color of most of them). */
static void
type_look(const struct tui *t, const struct heap_pool *p, uint32_t s,
    uint32_t e, enum tui_role *role, enum tui_glyph *gl)
{
	int c;

	if (*gl == GLYPH_BLOCK_FREE || *gl == GLYPH_BLOCK_UNTOUCHED ||
	    *gl == GLYPH_BLOCK_UNKNOWN || !states_known(p)) {
		*role = ROLE_NORMAL;	/* its glyph, no type's color */
		return;
	}
	c = e - s == 1 ? tui_color_of_block(t, p, s) :
	    tui_color_of_blocks(t, p, s, e);
	if (c == TUI_NOCOLOR)
		return;
	*role = tui_color_role(c);
	*gl = tui_color_glyph(t, c, *gl);
}

static void
draw_counts(struct tui *t, WINDOW *w, const struct heap_pool *p, uint32_t n)
{
	const struct heap *h = t->frame->heap;
	uint32_t size = heap_block_size(&h->layout, p->szidx);
	uint32_t carved, i, c[3] = { 0, 0, 0 };

	wmove(w, 1, 1);
	tui_role(w, ROLE_NORMAL);
	if (!states_known(p)) {
		carved = p->nextoffset > h->layout.pool_overhead ?
		    (p->nextoffset - h->layout.pool_overhead) / size : 0;
		carved = HV_MIN(carved, n);
		tui_printf(w, "%" PRIu32 " blocks: %u allocated, %" PRIu32
		    " free, %" PRIu32 " untouched (block states not captured)",
		    n, p->count, carved > p->count ? carved - p->count : 0,
		    n - carved);
		return;
	}
	for (i = 0; i < n; i++)
		c[heap_block_state(h, p, i)]++;
	tui_printf(w, "%" PRIu32 " blocks: %" PRIu32 " allocated, %" PRIu32
	    " free, %" PRIu32 " untouched  next offset %" PRIu32, n,
	    c[BLOCK_ALLOCATED], c[BLOCK_FREE], c[BLOCK_UNTOUCHED], p->nextoffset);
}

static void
draw_title(struct tui *t, WINDOW *w, const struct heap_pool *p)
{
	const struct heap *h = t->frame->heap;
	const struct heap_arena *a = tui_cur_arena(t);
	size_t g = t->frame->arena_first[t->arena] + t->pool;

	wmove(w, 0, 1);
	tui_role(w, t->changed_until > 0 && tui_frame_changed(t->frame, g, g + 1) ?
	    ROLE_CHANGED : ROLE_VALUE);
	tui_printf(w, "pool %" PRIu32 " of arena %" PRIu32, t->pool, a->index);
	tui_role(w, ROLE_NORMAL);
	tui_printf(w, " at 0x%" PRIx64 ": %s", heap_pool_address(h, a, t->pool),
	    heap_pool_state_name(p->state));
	if (p->state != POOL_UNTOUCHED && p->state != POOL_INVALID &&
	    p->szidx < h->layout.nclasses)
		tui_printf(w, ", class %u, %" PRIu32 "-byte blocks%s", p->szidx,
		    heap_block_size(&h->layout, p->szidx),
		    p->state == POOL_EMPTY ? " (stale)" : "");
	tui_mark_legend(t, w, tui_mark_new(t, g, g + 1), "block");
}

static void
draw_grid(struct tui *t, WINDOW *w, const struct heap_pool *p,
    const struct geom *g)
{
	const struct heap *h = t->frame->heap;
	uint32_t size = heap_block_size(&h->layout, p->szidx), c, s, e;
	cchar_t row[TUI_MAX_COLS];
	enum tui_role role;
	enum tui_glyph gl;
	int r, by_type = tui_by_type(t);

	for (r = 0; r < g->rows; r++) {
		s = (uint32_t)r * g->per_row * g->k;
		if (s >= g->nblocks)
			break;
		wmove(w, r + 2, 0);
		tui_role(w, ROLE_DIM);
		tui_printf(w, "+0x%04" PRIx64 " ",
		    h->layout.pool_overhead + (uint64_t)s * size);
		for (c = 0; c < g->per_row && c < TUI_MAX_COLS &&
		    s < g->nblocks; c++, s = e) {
			e = HV_MIN(s + g->k, g->nblocks);
			gl = cell_glyph(h, p, s, e, &role);
			if (by_type)
				type_look(t, p, s, e, &role, &gl);
			if (any_new(t, s, e)) {
				gl = GLYPH_NEW;
				if (!by_type || role == ROLE_NORMAL)
					role = ROLE_NEW;
			}
			row[c] = *tui_cell(t->block >= s && t->block < e ?
			    ROLE_CURSOR : role, gl);
		}
		tui_cells(w, row, (int)c);
	}
}

/* ": 'survivor-0042'" after the allocated block's type (the value's type
 * when the pool has none), or why there is none. */
static void
draw_block_value(struct tui *t, WINDOW *w, const struct heap_pool *p,
    uint64_t addr, uint32_t size)
{
	const struct heap *h = t->frame->heap;
	const struct heap_value *hv = heap_value_in(h, addr, size);
	const char *v = hv != NULL ? hv->text : NULL, *why = NULL;
	int room;

	/* live: outside the frame's values, the target is asked */
	if (v == NULL && h->ntypes > 0 && p->typed)
		v = tui_value_now(t, addr, size, heap_block_type(p, t->block),
		    &why);
	if (v != NULL) {
		if (h->ntypes == 0 || !p->typed)
			tui_printf(w, ", %s", tui_type_name(h, hv->type));
		tui_puts(w, ": ");
		tui_role(w, ROLE_VALUE);
		/* the text is ASCII: a value cut short ends with "..." */
		room = tui_room(w);
		if ((int)strlen(v) > room && room > 3)
			tui_printf(w, "%.*s...", room - 3, v);
		else
			tui_puts(w, v);
		tui_role(w, ROLE_NORMAL);
	} else if (why != NULL) {
		tui_role(w, ROLE_DIM);
		tui_printf(w, "  (no value: %s)", why);
		tui_role(w, ROLE_NORMAL);
	} else if (tui_value_pending(t, addr)) {
		tui_role(w, ROLE_DIM);
		tui_puts(w, "  (reading its value...)");
		tui_role(w, ROLE_NORMAL);
	} else if (!h->has_values && !t->feed->live && h->ntypes > 0 &&
	    p->typed) {
		tui_role(w, ROLE_DIM);
		tui_puts(w, "  (no values in this file)");
		tui_role(w, ROLE_NORMAL);
	}
}

static void
draw_cursor_line(struct tui *t, WINDOW *w, const struct heap_pool *p,
    const struct geom *g)
{
	const struct heap *h = t->frame->heap;
	uint32_t size = heap_block_size(&h->layout, p->szidx);
	uint64_t off = h->layout.pool_overhead + (uint64_t)t->block * size;
	enum tui_role role;
	enum tui_glyph gl = block_glyph(h, p, t->block, &role);

	wmove(w, getmaxy(w) - 1, 1);
	tui_role(w, ROLE_NORMAL);
	tui_printf(w, "block %" PRIu32 " at 0x%" PRIx64 " (offset 0x%" PRIx64
	    "): %s", t->block, heap_pool_address(h, tui_cur_arena(t), t->pool) +
	    off, off, gl == GLYPH_BLOCK_ALLOCATED ? "allocated" :
	    gl == GLYPH_BLOCK_FREE ? "free" : gl == GLYPH_BLOCK_UNKNOWN ?
	    "not captured" : "untouched");
	if (any_new(t, t->block, t->block + 1))
		tui_puts(w, ", new since the mark");
	if (gl == GLYPH_BLOCK_ALLOCATED && h->ntypes > 0 && p->typed) {
		uint32_t v = heap_pool_type_value(p, t->block);

		tui_printf(w, ", %s%s", tui_type_name(h, heap_block_type(p,
		    t->block)), v & HEAP_TYPE_UNTRACKED ? " (untracked)" : "");
	}
	if (gl == GLYPH_BLOCK_ALLOCATED)
		draw_block_value(t, w, p, heap_pool_address(h, tui_cur_arena(t),
		    t->pool) + off, size);
	if (g->k > 1)
		tui_printf(w, "  1 cell = %" PRIu32 " blocks", g->k);	/* k > 1 */
}

static void
draw(struct tui *t, WINDOW *w)
{
	const struct heap_pool *p = tui_view_pool(t);
	struct geom g;

	tui_type_legend_fit(t, w);

	if (p == NULL) {
		wmove(w, 0, 1);
		tui_puts(w, "no pool selected: the heap has no arenas");
		return;
	}
	geom(t, w, &g);
	draw_title(t, w, p);
	if (g.nblocks == 0) {
		wmove(w, 1, 1);
		tui_puts(w, p->state == POOL_INVALID ?
		    "the pool header failed validation: its blocks are not shown" :
		    "never carved: no blocks yet");
		return;
	}
	if (t->block >= g.nblocks)
		t->block = g.nblocks - 1;
	draw_counts(t, w, p, g.nblocks);
	draw_grid(t, w, p, &g);
	tui_draw_type_legend(t, w);
	draw_cursor_line(t, w, p, &g);
}

static unsigned
go(struct tui *t, enum tui_move m)
{
	struct geom g;
	uint32_t b = t->block, row, page;

	geom(t, t->scr.win[PANEL_VIEW], &g);
	if (g.nblocks == 0)
		return 0;
	row = g.per_row * g.k;
	page = row * (uint32_t)g.rows;
	switch (m) {
	case MOVE_UP: b = b >= row ? b - row : b; break;
	case MOVE_DOWN: b = b + row < g.nblocks ? b + row : b; break;
	case MOVE_LEFT: b = b >= g.k ? b - g.k : 0; break;
	case MOVE_RIGHT: b = b / g.k * g.k + g.k; break;
	case MOVE_PGUP: b = b >= page ? b - page : 0; break;
	case MOVE_PGDN: b = b + page; break;
	case MOVE_HOME: b = 0; break;
	case MOVE_END: b = g.nblocks - 1; break;
	}
	t->block = HV_MIN(b, g.nblocks - 1);
	return TUI_DIRTY_VIEW;
}

static unsigned
click(struct tui *t, int y, int x)
{
	struct geom g;
	uint64_t b;

	geom(t, t->scr.win[PANEL_VIEW], &g);
	if (y < 2 || y >= 2 + g.rows || x < LABEL_W ||
	    (uint32_t)(x - LABEL_W) >= g.per_row)
		return 0;
	b = ((uint64_t)(y - 2) * g.per_row + (uint32_t)(x - LABEL_W)) * g.k;
	if (b >= g.nblocks)
		return 0;
	t->block = (uint32_t)b;
	return TUI_DIRTY_VIEW;
}

static unsigned
enter(struct tui *t)
{
	(void)t;
	return 0;
}

const struct tui_view_ops view_pool_ops = {
	.name = "pool",
	.draw = draw,
	.go = go,
	.click = click,
	.enter = enter,
};
