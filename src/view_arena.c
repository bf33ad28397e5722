/*
 * view_arena: one arena in detail -- where it is, how much of it is live,
 * its pools by state and in a row of cells, and what is in it by type.  A
 * "pinned" arena (heap_arena_pinned: carved whole, under 10% live) stays
 * because pymalloc frees an arena only when every pool is empty, so the few
 * blocks left keep all of it mapped; the panel names them ("3 dict, 2 str,
 * 1 Node").
 *
 * The arena's census (one arena's blocks) is made when the panel first
 * shows the arena in a frame and kept until either changes; the rest costs
 * one arena's pools.
 *
 *   line 0          arena, address, size; PINNED
 *   line 1          live bytes and share, pools by state
 *   line 2          the arena's pools, one cell each
 *   line 3          its objects, or its pinning objects
 *   line 4          column heads
 *   lines 5..       its types by bytes
 *   then, pinned    its pinning objects by value, as many as fit
 *   line h-1        the pool under the cursor
 */
#include "config.h"

#include "tui_int.h"
#include "util.h"

#include <inttypes.h>
#include <string.h>

#define POOLS_X 7	/* "pools " */
#define TABLE_Y 5

static int
table_rows(WINDOW *w)
{
	return HV_MAX(tui_view_rows(w) - TABLE_Y - 1, 0);
}

static int values_rows(struct tui *, WINDOW *);

/* The census of the cursor's arena in the shown frame. */
static const struct heap_census *
arena_census(struct tui *t)
{
	const struct heap *h = t->frame->heap;

	if (t->acensus.serial == t->frame->serial &&
	    t->acensus.arena == t->arena)
		return &t->acensus.census;
	heap_census_free(&t->acensus.census);
	heap_census_compute(h, &h->arenas[t->arena], &t->acensus.census);
	heap_census_summary(h, &t->acensus.census, 6, t->acensus.summary,
	    sizeof t->acensus.summary);
	t->acensus.serial = t->frame->serial;
	t->acensus.arena = t->arena;
	return &t->acensus.census;
}

static void
draw_title(struct tui *t, WINDOW *w, const struct heap_arena *a, int pinned)
{
	const struct heap *h = t->frame->heap;
	char size[32];

	tui_format_bytes(size, sizeof size, h->layout.arena_size);
	wmove(w, 0, 1);
	tui_role(w, ROLE_VALUE);
	tui_printf(w, "arena %" PRIu32, a->index);
	tui_role(w, ROLE_NORMAL);
	tui_printf(w, " at 0x%" PRIx64 "-0x%" PRIx64 ", %s, %" PRIu32 " pool%s",
	    a->address, a->address + h->layout.arena_size - 1, size,
	    a->ntotalpools, tui_plural(a->ntotalpools));
	tui_printf(w, "  (%zu of %zu)", t->arena + 1, h->narenas);
	if (pinned) {
		tui_puts(w, "  ");
		tui_role(w, ROLE_WARN);
		tui_puts(w, "PINNED");
	}
}

static void
draw_live(struct tui *t, WINDOW *w, const struct heap_arena *a,
    uint64_t live)
{
	const struct heap *h = t->frame->heap;
	uint32_t n[POOL_NSTATES] = { 0 }, p;
	uint64_t carved;
	char lb[32];

	for (p = 0; p < a->npools; p++)
		n[a->pools[p].state < POOL_NSTATES ? a->pools[p].state :
		    POOL_INVALID]++;
	/* The share --stats and the "!" use: of the carved pools, the part of
	 * the arena that was ever touched (heap_arena_pinned). */
	carved = heap_arena_carved_bytes(h, a);
	tui_format_bytes(lb, sizeof lb, live);
	wmove(w, 1, 1);
	tui_role(w, ROLE_NORMAL);
	tui_printf(w, "live %s (%.1f%% of carved)  pools: %" PRIu32 " full, %"
	    PRIu32 " used, %" PRIu32 " empty, %" PRIu32 " untouched", lb,
	    carved > 0 ? 100.0 * (double)live / (double)carved : 0.0,
	    n[POOL_FULL], n[POOL_USED], n[POOL_EMPTY], n[POOL_UNTOUCHED]);
	if (n[POOL_INVALID] > 0) {
		tui_role(w, ROLE_WARN);
		tui_printf(w, ", %" PRIu32 " invalid", n[POOL_INVALID]);
	}
}

/* One cell a pool, as the arena map shows it when a cell is a pool. */
static void
draw_pools(struct tui *t, WINDOW *w, const struct heap_arena *a)
{
	size_t first = t->frame->arena_first[t->arena];
	cchar_t row[TUI_MAX_COLS];
	enum tui_role role;
	enum tui_glyph gl;
	enum pool_state st;
	uint32_t p;
	int c;

	wmove(w, 2, 0);
	tui_role(w, ROLE_DIM);
	tui_puts(w, " pools ");
	for (p = 0; p < a->npools && p < TUI_MAX_COLS; p++) {
		st = a->pools[p].state < POOL_NSTATES ? a->pools[p].state :
		    POOL_INVALID;
		role = tui_pool_role(st);
		gl = tui_pool_glyph(st, tui_pool_fill(t->frame->heap,
		    &a->pools[p]));
		c = tui_by_type(t) ? tui_color_of_pools(t, first + p,
		    first + p + 1) : TUI_NOCOLOR;
		if (c != TUI_NOCOLOR) {
			role = tui_color_role(c);
			gl = tui_color_glyph(t, c, gl);
		} else if (tui_by_type(t))
			role = ROLE_NORMAL;
		if (tui_mark_new(t, first + p, first + p + 1) > 0) {
			gl = GLYPH_NEW;
			if (c == TUI_NOCOLOR)
				role = ROLE_NEW;
		}
		row[p] = *tui_cell(p == t->pool ? ROLE_CURSOR : role, gl);
	}
	tui_cells(w, row, (int)p);
}

/* "new since the mark, pinning it: 200 HvSurvivor, 3 int": the part of a
 * pinned arena's diff, largest first, as long as the line has room. */
static void
draw_new_pins(struct tui *t, WINDOW *w, const struct heap_diff_part *p)
{
	uint32_t i;

	tui_role(w, ROLE_NEW);
	tui_glyph(w, GLYPH_NEW);
	tui_printf(w, " %" PRIu64 " new object%s since the mark pin it",
	    p->objects, tui_plural(p->objects));
	tui_role(w, ROLE_NORMAL);
	for (i = 0; i < p->nrows && tui_room(w) > 0; i++)
		tui_printf(w, "%s%" PRIu64 " %s", i ? ", " : ": ",
		    p->rows[i].count, p->rows[i].name);
	if (p->raw_blocks > 0 && tui_room(w) > 0)
		tui_printf(w, "; %" PRIu64 " raw block%s", p->raw_blocks,
		    tui_plural(p->raw_blocks));
}

/* With a mark: what is new in the arena since it. */
static int
draw_mark_line(struct tui *t, WINDOW *w, const struct heap_arena *a)
{
	const struct heap_diff_pinned *pin;
	size_t first = t->frame->arena_first[t->arena];

	if (t->mark.frame == NULL)
		return 0;
	wmove(w, 3, 1);
	if (tui_mark_diff(t) == NULL) {
		tui_mark_legend(t, w, 0, "block");
		return 1;
	}
	pin = tui_mark_pinned(t, a->address);
	if (pin != NULL && tui_mark_diff(t)->typed) {
		draw_new_pins(t, w, &pin->new);
		return 1;
	}
	tui_role(w, ROLE_NORMAL);
	tui_puts(w, pin != NULL ? "pinned;" : "objects:");
	tui_mark_legend(t, w, tui_mark_new(t, first, first + a->npools),
	    "block");
	return 1;
}

static void
draw_objects(struct tui *t, WINDOW *w, int pinned)
{
	if (draw_mark_line(t, w, tui_cur_arena(t)))
		return;
	wmove(w, 3, 1);
	if (t->frame->heap->ntypes == 0) {
		tui_role(w, ROLE_DIM);
		tui_puts(w, "no types: run with --types");
		return;
	}
	tui_role(w, pinned ? ROLE_WARN : ROLE_NORMAL);
	tui_puts(w, pinned ? "pinning objects:" : "objects:");
	tui_role(w, ROLE_NORMAL);
	tui_printf(w, " %s", t->acensus.summary);
}

/* The new objects of a type (by name) among those pinning the arena. */
static void
draw_new_count(WINDOW *w, const struct heap_diff_part *p, const char *name,
    int raw)
{
	uint64_t n = 0;
	uint32_t i;

	if (raw)
		n = p->raw_blocks;
	for (i = 0; i < p->nrows && n == 0 && !raw; i++)
		if (strcmp(p->rows[i].name, name) == 0)
			n = p->rows[i].count;
	tui_role(w, n > 0 ? ROLE_NEW : ROLE_NORMAL);
	if (n > 0)
		tui_printf(w, "%6" PRIu64 "  ", n);
	else
		tui_printf(w, "%6s  ", "-");
	tui_role(w, ROLE_NORMAL);
}

static void
draw_table(struct tui *t, WINDOW *w, const struct heap_census *c)
{
	const struct heap *h = t->frame->heap;
	const struct heap_diff *d = tui_mark_diff(t);
	const struct heap_diff_pinned *pin = d != NULL && d->typed ?
	    tui_mark_pinned(t, tui_cur_arena(t)->address) : NULL;
	int rows = table_rows(w), y;
	char b[32];
	uint32_t r;

	rows -= values_rows(t, w);	/* below it, a pinned arena's values */
	if (h->ntypes == 0 || rows <= 0)
		return;
	tui_role(w, ROLE_DIM);
	wmove(w, TABLE_Y - 1, 0);
	tui_puts(w, pin != NULL ? "     count      bytes  untracked     new  name" :
	    "     count      bytes  untracked  name");
	for (y = 0, r = 0; y < rows && r < c->nrows; y++, r++) {
		const struct heap_census_row *row = &c->rows[r];

		wmove(w, TABLE_Y + y, 0);
		tui_format_bytes(b, sizeof b, row->bytes);
		tui_role(w, ROLE_NORMAL);
		tui_printf(w, "%10" PRIu64 " %10s %10" PRIu64 "  ", row->count, b,
		    row->untracked);
		if (pin != NULL)
			draw_new_count(w, &pin->new,
			    tui_type_name(h, row->type),
			    row->type == HEAP_TYPE_RAW);
		if (tui_by_type(t))
			tui_role(w, tui_color_role(tui_color_of_type(t,
			    row->type)));
		tui_puts(w, tui_type_name(h, row->type));
	}
	if (r < c->nrows) {
		tui_role(w, ROLE_DIM);
		tui_printf(w, "  (and %" PRIu32 " more type%s)", c->nrows - r,
		    tui_plural(c->nrows - r));
	}
}

/* ---- the pinning objects by value ------------------------------------ */

/* The lines the values of a pinned arena want below its table: a heading,
 * a line an object, "and N more"; the table keeps 3 of its rows. */
static int
values_rows(struct tui *t, WINDOW *w)
{
	const struct heap *h = t->frame->heap;
	const struct heap_arena *a = tui_cur_arena(t);
	int rows = tui_view_rows(w) - TABLE_Y - 1, want;
	size_t first, n;

	if (a == NULL || h->ntypes == 0 || !heap_arena_pinned(h, a) ||
	    t->acensus.serial != t->frame->serial)
		return 0;
	n = heap_values_range(h, a->address, a->address +
	    h->layout.arena_size, &first);
	want = 1 + (int)HV_MIN(n, 1000) +
	    (t->acensus.census.objects > n ? 1 : 0);
	return HV_MAX(HV_MIN(want, rows - (int)HV_MIN(
	    t->acensus.census.nrows, 3)), 0);
}

/* "str at 0x7f...: 'survivor-0042'", as --stats lists it. */
static void
draw_value(struct tui *t, WINDOW *w, int y, const struct heap_value *v)
{
	const struct heap *h = t->frame->heap;

	wmove(w, y, 3);
	tui_role(w, tui_by_type(t) ? tui_color_role(tui_color_of_type(t,
	    v->type)) : ROLE_NORMAL);
	tui_puts(w, tui_type_name(h, v->type));
	tui_role(w, ROLE_DIM);
	tui_printf(w, " at 0x%" PRIx64 ": ", v->address);
	tui_role(w, ROLE_VALUE);
	tui_puts(w, v->text);
}

/* From below the table to the cursor line: a heading, then the objects of
 * the frame's values that lie in the arena, as many as fit, then how many
 * more the census counts.  A file without values says so. */
static void
draw_values(struct tui *t, WINDOW *w, const struct heap_arena *a,
    const struct heap_census *c)
{
	const struct heap *h = t->frame->heap;
	int end = getmaxy(w) - 1, y;
	size_t first, n, i;

	y = TABLE_Y + (int)HV_MIN((uint32_t)HV_MAX(table_rows(w) -
	    values_rows(t, w), 0), c->nrows);

	if (y >= end)
		return;
	wmove(w, y++, 1);
	tui_role(w, ROLE_DIM);
	if (!h->has_values) {
		tui_puts(w, t->feed->live ? "by value: no values in this "
		    "capture (not decoded for this Python)" :
		    "by value: no values in this file");
		return;
	}
	n = heap_values_range(h, a->address, a->address +
	    h->layout.arena_size, &first);
	tui_puts(w, "by value:");
	for (i = 0; i < n && y < end; i++, y++) {
		/* the last line says how many more, when some do not fit */
		if (y == end - 1 && c->objects > i + 1)
			break;
		draw_value(t, w, y, &h->values[first + i]);
	}
	if (c->objects > i && y < end) {
		wmove(w, y, 3);
		tui_role(w, ROLE_DIM);
		tui_printf(w, "... and %" PRIu64 " more", c->objects - i);
	}
}

static void
draw_cursor_line(struct tui *t, WINDOW *w, const struct heap_arena *a)
{
	const struct heap *h = t->frame->heap;
	const struct heap_pool *p = tui_cur_pool(t);

	wmove(w, getmaxy(w) - 1, 1);
	tui_role(w, ROLE_NORMAL);
	tui_printf(w, "pool %" PRIu32 " at 0x%" PRIx64 ": %s", t->pool,
	    heap_pool_address(h, a, t->pool), heap_pool_state_name(p->state));
	if (p->state == POOL_FULL || p->state == POOL_USED)
		tui_printf(w, ", %" PRIu32 "-byte blocks, %u in use",
		    heap_block_size(&h->layout, p->szidx), p->count);
	tui_puts(w, "  Up/Down: arena  PgUp/PgDn: pinned arena  Enter: pool");
}

static void
draw(struct tui *t, WINDOW *w)
{
	const struct heap *h = t->frame->heap;
	const struct heap_arena *a = tui_cur_arena(t);
	const struct heap_census *c;
	uint64_t live;
	int pinned;

	tui_type_legend_fit(t, w);

	if (a == NULL || tui_cur_pool(t) == NULL) {
		wmove(w, 0, 1);
		tui_puts(w, "arena detail: no arenas");
		return;
	}
	live = heap_arena_live_bytes(h, a);
	pinned = heap_arena_pinned(h, a);
	c = h->ntypes > 0 ? arena_census(t) : NULL;
	draw_title(t, w, a, pinned);
	draw_live(t, w, a, live);
	draw_pools(t, w, a);
	draw_objects(t, w, pinned);
	if (c != NULL) {
		draw_table(t, w, c);
		if (pinned)
			draw_values(t, w, a, c);
	}
	draw_cursor_line(t, w, a);
}

static int
is_pinned(const struct tui *t, size_t ai)
{
	const struct heap *h = t->frame->heap;

	if (t->frame->types != NULL)
		return t->frame->types->pinned[ai];
	return heap_arena_pinned(h, &h->arenas[ai]);
}

/* The next pinned arena from ai in direction dir, or ai when none (a search
 * over the arenas, on a key press). */
static size_t
next_pinned(const struct tui *t, size_t ai, int dir)
{
	size_t n = t->frame->heap->narenas, i = ai;

	for (;;) {
		if (dir < 0 ? i == 0 : i + 1 >= n) {
			return ai;
		}
		i = dir < 0 ? i - 1 : i + 1;
		if (is_pinned(t, i))
			return i;
	}
}

static unsigned
go(struct tui *t, enum tui_move m)
{
	const struct heap *h = t->frame->heap;
	size_t a = t->arena, to;
	uint32_t p = t->pool;

	if (h->narenas == 0)
		return 0;
	switch (m) {
	case MOVE_UP: a = a > 0 ? a - 1 : 0; break;
	case MOVE_DOWN: a = HV_MIN(a + 1, h->narenas - 1); break;
	case MOVE_LEFT: p = p > 0 ? p - 1 : 0; break;
	case MOVE_RIGHT: p = p + 1; break;
	case MOVE_PGUP: case MOVE_PGDN:
		to = next_pinned(t, a, m == MOVE_PGUP ? -1 : 1);
		if (to == a) {
			tui_status(t, "no pinned arena %s this one",
			    m == MOVE_PGUP ? "before" : "after");
			return TUI_DIRTY_FOOTER;
		}
		a = to;
		break;
	case MOVE_HOME: a = 0; break;
	case MOVE_END: a = h->narenas - 1; break;
	}
	if (p >= h->arenas[a].npools)
		p = t->pool;
	return tui_select_pool(t, a, p);
}

static unsigned
click(struct tui *t, int y, int x)
{
	const struct heap_arena *a = tui_cur_arena(t);

	if (a == NULL || y != 2 || x < POOLS_X ||
	    (uint32_t)(x - POOLS_X) >= a->npools)
		return 0;
	return tui_select_pool(t, t->arena, (uint32_t)(x - POOLS_X));
}

static unsigned
enter(struct tui *t)
{
	if (tui_cur_pool(t) == NULL)
		return 0;
	return tui_set_view(t, VIEW_POOL, VIEW_ARENA);
}

const struct tui_view_ops view_arena_ops = {
	.name = "arena detail",
	.draw = draw,
	.go = go,
	.click = click,
	.enter = enter,
};
