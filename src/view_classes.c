/*
 * view_classes: the size-class table of sys._debugmallocstats(), with a bar
 * per class: bytes in allocated blocks against bytes in available blocks,
 * all bars on one scale.  The numbers come from the frame's heap_stats,
 * computed once when the frame arrived; drawing costs the classes shown.
 *
 *   line 0          threshold and number of classes
 *   line 1          column heads
 *   lines 2..h-2    the classes that have pools, from class_top
 *   line h-1        the class under the cursor
 * with "↑ N more" on line 0 and "↓ N more" on line h-1 when classes are
 * out of view.
 */
#include "config.h"

#include "tui_int.h"
#include "util.h"

#include <inttypes.h>

#define TABLE_W 54	/* the columns of _debugmallocstats */

/* The classes listed: those with pools, as _debugmallocstats lists them. */
static unsigned
listed(const struct heap_stats *st, unsigned *out)
{
	unsigned c, n = 0;

	for (c = 0; c < st->nclasses; c++)
		if (st->pools[c] > 0)
			out[n++] = c;
	return n;
}

/* The row of the cursor: its class, or the first listed one after it. */
static unsigned
cursor_row(const struct tui *t, const unsigned *cls, unsigned n)
{
	unsigned r;

	for (r = 0; r < n; r++)
		if (cls[r] >= t->klass)
			return r;
	return n > 0 ? n - 1 : 0;
}

static void
draw_bar(WINDOW *w, const struct heap_stats *st, unsigned c, uint64_t size,
    uint64_t max, int width)
{
	uint64_t used = st->in_use[c] * size, avail = st->avail[c] * size;
	cchar_t row[TUI_MAX_COLS];
	int u, a, i;

	if (max == 0 || width <= 0)
		return;
	width = HV_MIN(width, TUI_MAX_COLS);
	u = (int)((used * (uint64_t)width + max / 2) / max);
	a = (int)(((used + avail) * (uint64_t)width + max / 2) / max) - u;
	if (u == 0 && used > 0)
		u = 1;
	for (i = 0; i < u && i < width; i++)
		row[i] = *tui_cell(ROLE_BAR_USED, GLYPH_BAR_USED);
	for (; i < u + a && i < width; i++)
		row[i] = *tui_cell(ROLE_BAR_AVAIL, GLYPH_BAR_AVAIL);
	tui_cells(w, row, i);
}

static void
draw_cursor_line(struct tui *t, WINDOW *w, const struct heap_stats *st,
    unsigned c)
{
	const struct heap_layout *l = &t->frame->heap->layout;
	uint64_t total = st->in_use[c] + st->avail[c];

	wmove(w, getmaxy(w) - 1, 1);
	tui_role(w, ROLE_NORMAL);
	tui_printf(w, "class %u (%" PRIu32 "-byte blocks): %" PRIu64 " pool%s, %"
	    PRIu64 " of %" PRIu64 " block%s in use (%.1f%%)  Enter: its pools",
	    c, heap_block_size(l, c), st->pools[c], tui_plural(st->pools[c]),
	    st->in_use[c], total, tui_plural(total),
	    total > 0 ? 100.0 * (double)st->in_use[c] / (double)total : 0.0);
}

static uint64_t
max_bytes(const struct tui *t, const unsigned *cls, unsigned n)
{
	const struct heap_stats *st = &t->frame->stats;
	uint64_t m = 0, b;
	unsigned r;

	for (r = 0; r < n; r++) {
		b = (st->in_use[cls[r]] + st->avail[cls[r]]) *
		    heap_block_size(&t->frame->heap->layout, cls[r]);
		m = HV_MAX(m, b);
	}
	return m;
}

#define MARK_W 18	/* "      new    freed" */

static void
draw_mark_cols(WINDOW *w, const struct heap_diff_class *dc)
{
	tui_role(w, dc->new_blocks > 0 ? ROLE_NEW : ROLE_NORMAL);
	tui_printf(w, " %8" PRIu64, dc->new_blocks);
	tui_role(w, ROLE_NORMAL);
	tui_printf(w, " %8" PRIu64, dc->freed_blocks);
}

static void
draw(struct tui *t, WINDOW *w)
{
	const struct heap_stats *st = &t->frame->stats;
	const struct heap_layout *l = &t->frame->heap->layout;
	unsigned cls[HEAP_STATS_MAX_CLASSES], n = listed(st, cls), r, cur, c;
	int rows = HV_MAX(getmaxy(w) - 3, 1), y, barw = getmaxx(w) - TABLE_W - 3;
	uint64_t max = max_bytes(t, cls, n);
	const struct heap_diff *d = tui_mark_diff(t);

	wmove(w, 0, 1);
	tui_role(w, ROLE_VALUE);
	tui_puts(w, "size classes");
	tui_role(w, ROLE_NORMAL);
	tui_printf(w, "  small block threshold %" PRIu32 ", %" PRIu32
	    " classes, %u in use", l->nclasses > 0 ?
	    heap_block_size(l, l->nclasses - 1) : 0, l->nclasses, n);
	tui_mark_legend(t, w, tui_mark_new(t, 0, t->frame->npools), "block");
	tui_role(w, ROLE_DIM);
	wmove(w, 1, 0);
	tui_puts(w, "class   size   num pools   blocks in use  avail blocks");
	if (d != NULL) {
		/* since the mark: blocks per class, in place of some bar */
		tui_puts(w, "      new    freed");
		barw -= MARK_W;
	}
	if (n == 0) {
		tui_role(w, ROLE_NORMAL);
		wmove(w, 2, 1);
		tui_puts(w, "no pools in use");
		return;
	}
	cur = cursor_row(t, cls, n);
	t->class_top = (unsigned)tui_scroll(t->class_top, cur, n,
	    (size_t)rows);
	for (y = 0, r = t->class_top; y < rows && r < n; y++, r++) {
		c = cls[r];
		wmove(w, y + 2, 0);
		tui_role(w, r == cur ? ROLE_CURSOR : ROLE_NORMAL);
		tui_printf(w, "%5u %6" PRIu32 " %11" PRIu64 " %15" PRIu64 " %13"
		    PRIu64, c, heap_block_size(l, c), st->pools[c],
		    st->in_use[c], st->avail[c]);
		if (d != NULL && c < d->nclasses)
			draw_mark_cols(w, &d->classes[c]);
		tui_role(w, ROLE_NORMAL);
		tui_puts(w, "  ");
		draw_bar(w, st, c, heap_block_size(l, c), max, barw);
	}
	draw_cursor_line(t, w, st, cls[cur]);
	tui_draw_more(t, w, 0, 1, t->class_top);
	tui_draw_more(t, w, getmaxy(w) - 1, 0, n - r);
}

static unsigned
go(struct tui *t, enum tui_move m)
{
	const struct heap_stats *st = &t->frame->stats;
	unsigned cls[HEAP_STATS_MAX_CLASSES], n = listed(st, cls), r;
	int rows = HV_MAX(tui_view_rows(t->scr.win[PANEL_VIEW]) - 3, 1);

	if (n == 0)
		return 0;
	r = cursor_row(t, cls, n);
	switch (m) {
	case MOVE_UP: case MOVE_LEFT: r = r > 0 ? r - 1 : 0; break;
	case MOVE_DOWN: case MOVE_RIGHT: r = HV_MIN(r + 1, n - 1); break;
	case MOVE_PGUP: r = r > (unsigned)rows ? r - (unsigned)rows : 0; break;
	case MOVE_PGDN: r = HV_MIN(r + (unsigned)rows, n - 1); break;
	case MOVE_HOME: r = 0; break;
	case MOVE_END: r = n - 1; break;
	}
	t->klass = cls[r];
	return TUI_DIRTY_VIEW;
}

static unsigned
click(struct tui *t, int y, int x)
{
	const struct heap_stats *st = &t->frame->stats;
	unsigned cls[HEAP_STATS_MAX_CLASSES], n = listed(st, cls), r;

	(void)x;
	if (y < 2 || y >= tui_view_rows(t->scr.win[PANEL_VIEW]) - 1)
		return 0;
	r = t->class_top + (unsigned)(y - 2);
	if (r >= n)
		return 0;
	t->klass = cls[r];
	return TUI_DIRTY_VIEW;
}

/* To the arena map, on the first pool in use of the class (a search over
 * the pools, once, on a key press). */
static unsigned
enter(struct tui *t)
{
	const struct heap_stats *st = &t->frame->stats;
	const struct heap *h = t->frame->heap;
	unsigned cls[HEAP_STATS_MAX_CLASSES], n = listed(st, cls), c;
	size_t a;
	uint32_t p;

	if (n == 0)
		return 0;
	c = cls[cursor_row(t, cls, n)];
	t->klass = c;
	for (a = 0; a < h->narenas; a++) {
		for (p = 0; p < h->arenas[a].npools; p++) {
			const struct heap_pool *pool = &h->arenas[a].pools[p];

			if (pool->szidx == c && (pool->state == POOL_USED ||
			    pool->state == POOL_FULL)) {
				tui_select_pool(t, a, p);
				return tui_set_view(t, VIEW_ARENAS, VIEW_CLASSES);
			}
		}
	}
	return 0;
}

const struct tui_view_ops view_classes_ops = {
	.name = "size classes",
	.draw = draw,
	.go = go,
	.click = click,
	.enter = enter,
};
