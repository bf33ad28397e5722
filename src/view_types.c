/*
 * view_types: the census (--types).  One row per type that has allocated
 * blocks, by bytes: count, bytes, a bar of its bytes against the largest
 * type's, its share of all allocated bytes, how many of its GC objects are
 * untracked, its name; raw blocks are a row too.  For the type under the
 * cursor, the arenas it lives in and the pinned ones among them.
 *
 * Everything comes from the frame's tui_types, made once when the frame
 * arrived: drawing costs the rows shown.
 *
 *   line 0          title: types, objects, raw blocks
 *   line 1          column heads
 *   lines 2..h-3    the types from type_top
 *   line h-2        the type under the cursor: count, arenas
 *   line h-1        ... the pinned arenas it holds
 * with "↑ N more" on line 0 and "↓ N more" on line h-2 when types are out
 * of view.
 */
#include "config.h"

#include "tui_int.h"
#include "util.h"

#include <inttypes.h>
#include <stdlib.h>

#define BAR_W 12

static int
rows_shown(WINDOW *w)
{
	return HV_MAX(tui_view_rows(w) - 4, 1);
}

/* "since the mark 402 new (19.0 KiB), 12 gone (1.2 KiB)", or why
 * there is no diff. */
static void
draw_mark_title(struct tui *t, WINDOW *w)
{
	const struct heap_diff *d = tui_mark_diff(t);
	char nb[32], gb[32];

	if (t->mark.frame == NULL)
		return;
	if (d == NULL || !d->typed) {
		tui_mark_legend(t, w, 0, "object");
		if (d != NULL) {
			tui_role(w, ROLE_WARN);
			tui_puts(w, "  the mark has no types: no new and gone "
			    "objects (--types)");
			tui_role(w, ROLE_NORMAL);
		}
		return;
	}
	tui_format_bytes(nb, sizeof nb, d->new.object_bytes);
	tui_format_bytes(gb, sizeof gb, d->gone.object_bytes);
	tui_puts(w, "  since the mark ");
	tui_role(w, ROLE_NEW);
	tui_printf(w, "%" PRIu64 " new (%s)", d->new.objects, nb);
	tui_role(w, ROLE_NORMAL);
	tui_printf(w, ", %" PRIu64 " gone (%s)", d->gone.objects, gb);
}

static void
draw_title(struct tui *t, WINDOW *w, const struct tui_types *ty)
{
	char ob[32], rb[32];

	tui_format_bytes(ob, sizeof ob, ty->census.object_bytes);
	tui_format_bytes(rb, sizeof rb,
	    ty->census.bytes - ty->census.object_bytes);
	wmove(w, 0, 1);
	tui_role(w, ROLE_VALUE);
	tui_puts(w, "types");
	tui_role(w, ROLE_NORMAL);
	/* with a mark, what it says first: the line is cut at the edge */
	draw_mark_title(t, w);
	tui_printf(w, "  %" PRIu32 " type%s, %" PRIu64 " object%s (%s), %" PRIu64
	    " raw block%s (%s)", ty->ntyped, tui_plural(ty->ntyped),
	    ty->census.objects, tui_plural(ty->census.objects), ob,
	    ty->census.blocks - ty->census.objects,
	    tui_plural(ty->census.blocks - ty->census.objects), rb);
	if (ty->npinned_arenas > 0)
		tui_printf(w, "  %" PRIu32 " pinned arena%s",
		    ty->npinned_arenas, tui_plural(ty->npinned_arenas));
}

static void
draw_bar(struct tui *t, WINDOW *w, const struct heap_census_row *r,
    uint64_t max)
{
	cchar_t row[BAR_W];
	enum tui_role role = ROLE_BAR_USED;
	int n, i;

	if (max == 0)
		return;
	n = (int)((r->bytes * BAR_W + max / 2) / max);
	if (n == 0 && r->bytes > 0)
		n = 1;
	if (t->by_type)
		role = tui_color_role(tui_color_of_type(t, r->type));
	for (i = 0; i < BAR_W; i++)
		row[i] = *tui_cell(i < n ? role : ROLE_BAR_AVAIL,
		    i < n ? GLYPH_BAR_USED : GLYPH_SPARK_NONE);
	tui_cells(w, row, BAR_W);
}

/* With a mark: the new and gone objects of the type since it, in place of
 * the bar and the untracked column. */
#define MARK_HEADS "     count      bytes     new  new bytes    gone gone bytes  name"

static void
draw_mark_cols(WINDOW *w, const struct tui_mark_row *m)
{
	char b[2][32];
	int k;

	for (k = 0; k < 2; k++) {
		tui_format_bytes(b[k], sizeof b[k], m->bytes[k]);
		tui_role(w, k == 0 && m->count[0] > 0 ? ROLE_NEW : ROLE_NORMAL);
		if (m->count[k] == 0)
			tui_printf(w, " %7s %10s", "-", "-");
		else
			tui_printf(w, " %7" PRIu64 " %10s", m->count[k], b[k]);
	}
	tui_role(w, ROLE_NORMAL);
	tui_puts(w, "  ");
}

static void
draw_row(struct tui *t, WINDOW *w, const struct tui_types *ty, uint32_t r,
    int cur)
{
	const struct heap_census_row *row = &ty->census.rows[r];
	const struct tui_mark_row *m = tui_mark_row(t, r);
	char b[32];

	tui_format_bytes(b, sizeof b, row->bytes);
	tui_role(w, cur ? ROLE_CURSOR : ROLE_NORMAL);
	tui_printf(w, "%10" PRIu64 " %10s ", row->count, b);
	tui_role(w, ROLE_NORMAL);
	if (m != NULL) {
		draw_mark_cols(w, m);
	} else {
		tui_puts(w, " ");
		draw_bar(t, w, row, ty->census.rows[0].bytes);
		tui_printf(w, " %5.1f%% %9" PRIu64 "  ", ty->census.bytes > 0 ?
		    100.0 * (double)row->bytes / (double)ty->census.bytes :
		    0.0, row->untracked);
	}
	tui_role(w, cur ? ROLE_CURSOR : row->type == HEAP_TYPE_RAW ? ROLE_DIM :
	    ROLE_NORMAL);
	tui_puts(w, tui_type_name(t->frame->heap, row->type));
}

/* "4, 7, 12, ...": the pinned arenas a type holds, by arena index. */
static void
draw_pins(struct tui *t, WINDOW *w, const struct tui_type_arenas *ta)
{
	const struct heap *h = t->frame->heap;
	uint32_t i;

	if (ta->npinned == 0) {
		tui_printf(w, "pins no arena (%" PRIu32 " arena%s pinned)",
		    t->frame->types->npinned_arenas,
		    t->frame->types->npinned_arenas == 1 ? " is" : "s are");
		return;
	}
	tui_printf(w, "pins %" PRIu32 " of the %" PRIu32 " pinned arena%s:",
	    ta->npinned, t->frame->types->npinned_arenas,
	    tui_plural(t->frame->types->npinned_arenas));
	for (i = 0; i < ta->npins; i++)
		tui_printf(w, "%s %" PRIu32, i ? "," : "",
		    h->arenas[ta->pins[i]].index);
	if (ta->npinned > ta->npins)
		tui_puts(w, ", ...");
	tui_puts(w, "  Enter: arena detail");
}

static void
draw_cursor_lines(struct tui *t, WINDOW *w, const struct tui_types *ty)
{
	const struct heap_census_row *r = tui_cur_type(t);
	const struct tui_type_arenas *ta = &ty->arenas[r->type];
	const struct heap *h = t->frame->heap;

	wmove(w, getmaxy(w) - 2, 1);
	tui_role(w, ROLE_VALUE);
	tui_puts(w, tui_type_name(h, r->type));
	tui_role(w, ROLE_NORMAL);
	tui_printf(w, ": %" PRIu64 " %s%s, %" PRIu64 " untracked; in %" PRIu32
	    " of %zu arena%s", r->count, r->type == HEAP_TYPE_RAW ? "block" :
	    "object", tui_plural(r->count), r->untracked, ta->narenas,
	    h->narenas, tui_plural(h->narenas));
	if (ta->narenas > 0)
		tui_printf(w, ", the first arena %" PRIu32,
		    h->arenas[ta->first].index);
	wmove(w, getmaxy(w) - 1, 1);
	draw_pins(t, w, ta);
}

static void
draw(struct tui *t, WINDOW *w)
{
	const struct tui_types *ty = t->frame->types;
	int rows = rows_shown(w), y;
	uint32_t r, cur;

	tui_type_legend_fit(t, w);

	wmove(w, 0, 1);
	if (ty == NULL) {
		tui_puts(w, "no types: run with --types");
		return;
	}
	draw_title(t, w, ty);
	if (ty->census.nrows == 0) {
		wmove(w, 1, 1);
		tui_puts(w, "no allocated blocks");
		return;
	}
	tui_role(w, ROLE_DIM);
	wmove(w, 1, 0);
	tui_puts(w, tui_mark_row(t, 0) != NULL ? MARK_HEADS :
	    "     count      bytes  share               untracked  name");
	cur = HV_MIN(t->type_row, ty->census.nrows - 1);
	t->type_top = (uint32_t)tui_scroll(t->type_top, cur, ty->census.nrows,
	    (size_t)rows);
	for (y = 0, r = t->type_top; y < rows && r < ty->census.nrows;
	    y++, r++) {
		wmove(w, y + 2, 0);
		draw_row(t, w, ty, r, r == cur);
	}
	draw_cursor_lines(t, w, ty);
	tui_draw_more(t, w, 0, 1, t->type_top);
	tui_draw_more(t, w, getmaxy(w) - 2, 0, ty->census.nrows - r);
}

static unsigned
select_row(struct tui *t, uint32_t r)
{
	const struct heap_census_row *row;

	t->type_row = r;
	row = tui_cur_type(t);
	free(t->type_name);
	t->type_name = row != NULL ?
	    xstrdup(tui_type_name(t->frame->heap, row->type)) : NULL;
	return TUI_DIRTY_VIEW;
}

static unsigned
go(struct tui *t, enum tui_move m)
{
	const struct tui_types *ty = t->frame->types;
	uint32_t n, r = t->type_row, page;

	if (ty == NULL || ty->census.nrows == 0)
		return 0;
	n = ty->census.nrows;
	page = (uint32_t)rows_shown(t->scr.win[PANEL_VIEW]);
	switch (m) {
	case MOVE_UP: case MOVE_LEFT: r = r > 0 ? r - 1 : 0; break;
	case MOVE_DOWN: case MOVE_RIGHT: r = r + 1; break;
	case MOVE_PGUP: r = r > page ? r - page : 0; break;
	case MOVE_PGDN: r = r + page; break;
	case MOVE_HOME: r = 0; break;
	case MOVE_END: r = n - 1; break;
	}
	return select_row(t, HV_MIN(r, n - 1));
}

static unsigned
click(struct tui *t, int y, int x)
{
	const struct tui_types *ty = t->frame->types;
	uint32_t r;

	(void)x;
	if (ty == NULL || y < 2 || y >= 2 + rows_shown(t->scr.win[PANEL_VIEW]))
		return 0;
	r = t->type_top + (uint32_t)(y - 2);
	if (r >= ty->census.nrows)
		return 0;
	return select_row(t, r);
}

static unsigned
enter(struct tui *t)
{
	if (tui_cur_type(t) == NULL)
		return 0;
	return act_arena(t, 'a');
}

const struct tui_view_ops view_types_ops = {
	.name = "types",
	.draw = draw,
	.go = go,
	.click = click,
	.enter = enter,
};
