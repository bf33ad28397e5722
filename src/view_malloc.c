/*
 * view_malloc: glibc's malloc heaps as the memory strip draws pymalloc's --
 * every heap in address order (gaps between heaps left out), cut into
 * cells of a fixed number of bytes, each shaded by the fraction of it in
 * chunks in use: in the slides theme black is used and white is free
 * (bins, fastbins, tcaches and top are free).  A cell with bytes the walk
 * could not check is drawn INVALID.  The chunk under the cursor is
 * described on the last line.
 *
 * The heaps come from the feed (feed->malloc_map, live only), read with
 * every chunk when the view opens and when its key is pressed again; the
 * view keeps prefix sums of used and INVALID bytes per chunk, so that a
 * cell costs two binary searches.
 *
 *   line 0          title: arenas, system bytes, cell size
 *   lines 1..h-2    cells, each row labelled with its first address
 *   line h-1        the chunk under the cursor
 */
#include "config.h"

#include "glibc.h"
#include "tui_int.h"
#include "util.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define MIN_CELL	64u	/* bytes: at least a few chunks' headers */

struct geom {
	int		label_w;
	uint32_t	per_row;
	int		rows;
	uint64_t	cell;		/* bytes per cell */
	uint64_t	ncells;
};

static uint64_t
total_bytes(const struct tui *t)
{
	const struct glibc_malloc *gm = t->malloc.gm;

	return gm->nheaps > 0 ? t->malloc.hoff[gm->nheaps] : 0;
}

static void
geom(const struct tui *t, WINDOW *w, struct geom *g)
{
	uint64_t avail, n = total_bytes(t);
	int cols = getmaxx(w);

	g->rows = HV_MAX(getmaxy(w) - 2, 1);
	g->label_w = cols >= 56 && !t->scr.presenter ? 15 : 0;
	g->per_row = (uint32_t)HV_MAX(cols - g->label_w - 1, 1);
	avail = (uint64_t)g->per_row * (uint32_t)g->rows;
	g->cell = MIN_CELL;
	while ((n + g->cell - 1) / g->cell > avail)
		g->cell *= 2;
	g->ncells = (n + g->cell - 1) / g->cell;
}

/* The heap holding logical offset x (heaps laid end to end). */
static size_t
heap_of(const struct tui *t, uint64_t x)
{
	size_t lo = 0, hi = t->malloc.gm->nheaps;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->malloc.hoff[mid] <= x)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static uint64_t
address_of(const struct tui *t, uint64_t x)
{
	size_t h = heap_of(t, x);

	return t->malloc.gm->heaps[h].start + (x - t->malloc.hoff[h]);
}

static int
counts_used(enum glibc_kind k)
{
	return k == GLIBC_USED || k == GLIBC_OVERHEAD;
}

/* Used and INVALID bytes below logical offset x. */
static void
below(const struct tui *t, uint64_t x, uint64_t *used, uint64_t *bad)
{
	const struct glibc_malloc *gm = t->malloc.gm;
	size_t h, lo, hi;
	uint64_t addr;

	if (x >= total_bytes(t)) {
		*used = t->malloc.used[gm->nchunks];
		*bad = t->malloc.bad[gm->nchunks];
		return;
	}
	h = heap_of(t, x);
	addr = gm->heaps[h].start + (x - t->malloc.hoff[h]);
	lo = gm->heaps[h].first;
	hi = lo + gm->heaps[h].n;
	*used = t->malloc.used[lo];
	*bad = t->malloc.bad[lo];
	if (hi == lo)			/* a heap past the map's bound */
		return;
	while (hi - lo > 1) {		/* the last chunk at or below addr */
		size_t mid = lo + (hi - lo) / 2;

		if (gm->chunks[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*used = t->malloc.used[lo];
	*bad = t->malloc.bad[lo];
	if (gm->chunks[lo].addr <= addr) {
		uint64_t in = HV_MIN(addr - gm->chunks[lo].addr,
		    gm->chunks[lo].size);

		if (counts_used(gm->chunks[lo].kind))
			*used += in;
		else if (gm->chunks[lo].kind == GLIBC_INVALID)
			*bad += in;
	}
}

static uint32_t
cell_fill(const struct tui *t, const struct geom *g, uint64_t c, int *bad)
{
	uint64_t s = c * g->cell, e = HV_MIN(s + g->cell, total_bytes(t));
	uint64_t u0, b0, u1, b1;

	below(t, s, &u0, &b0);
	below(t, e, &u1, &b1);
	*bad = b1 > b0;
	return e > s ? (uint32_t)((u1 - u0) * TUI_FILL_ONE / (e - s)) : 0;
}

static const char *
key_text(const struct tui *t)
{
	return t->scr.theme == TUI_THEME_SLIDES ? "black = used, white = free" :
	    "shade = fraction in use";
}

static void
draw_title(struct tui *t, WINDOW *w, const struct geom *g)
{
	const struct glibc_malloc *gm = t->malloc.gm;
	char sys[32], cell[32];

	tui_format_bytes(sys, sizeof sys, gm->total.system_mem);
	tui_format_bytes(cell, sizeof cell, g->cell);
	wmove(w, 0, 1);
	tui_role(w, ROLE_VALUE);
	tui_puts(w, "glibc malloc");
	tui_role(w, ROLE_NORMAL);
	tui_printf(w, "  %zu arena%s, %zu heap%s, %s  1 cell = %s  %s%s",
	    gm->narenas, tui_plural(gm->narenas), gm->nheaps,
	    tui_plural(gm->nheaps), sys, cell, key_text(t),
	    gm->map_cut ? "  (map cut: too many chunks)" : "");
}

static void
draw_cells(struct tui *t, WINDOW *w, const struct geom *g)
{
	uint64_t c, cur = t->malloc.cursor / g->cell;
	cchar_t row[TUI_MAX_COLS];
	uint32_t x, fill;
	int r, bad;

	for (r = 0, c = 0; r < g->rows && c < g->ncells; r++) {
		wmove(w, r + 1, 0);
		if (g->label_w > 0) {
			tui_role(w, ROLE_DIM);
			tui_printf(w, "0x%012" PRIx64 " ",
			    address_of(t, c * g->cell));
		}
		for (x = 0; x < g->per_row && x < TUI_MAX_COLS &&
		    c < g->ncells; x++, c++) {
			enum tui_glyph gl;
			enum tui_role role = ROLE_STRIP;

			fill = cell_fill(t, g, c, &bad);
			gl = tui_shade_glyph(fill);
			if (bad) {
				role = ROLE_POOL_INVALID;
				gl = GLYPH_POOL_INVALID;
			}
			if (c == cur)
				role = ROLE_CURSOR;
			row[x] = *tui_cell(role, gl);
		}
		tui_cells(w, row, (int)x);
	}
}

static const char *
kind_text(enum glibc_kind k)
{
	static const char *const text[] = {
		[GLIBC_USED] = "in use",
		[GLIBC_BIN] = "free in a bin",
		[GLIBC_FAST] = "free in a fastbin",
		[GLIBC_TCACHE] = "free in a tcache",
		[GLIBC_TOP] = "top (free)",
		[GLIBC_OVERHEAD] = "fencepost",
		[GLIBC_INVALID] = "INVALID: not walked",
	};

	return text[k];
}

static void
draw_cursor_line(struct tui *t, WINDOW *w, const struct geom *g)
{
	const struct glibc_malloc *gm = t->malloc.gm;
	uint64_t addr = address_of(t, t->malloc.cursor / g->cell * g->cell);
	const struct glibc_chunk *c = glibc_chunk_at(gm, addr);
	const struct glibc_arena *a;
	char size[32];

	wmove(w, getmaxy(w) - 1, 1);
	tui_role(w, ROLE_NORMAL);
	/* presenter mode shows no addresses: sizes, kinds and arena numbers */
	if (c == NULL) {
		if (t->scr.presenter)
			tui_puts(w, "no chunk known here");
		else
			tui_printf(w, "0x%" PRIx64 ": no chunk known", addr);
		return;
	}
	a = &gm->arenas[gm->heaps[heap_of(t, t->malloc.cursor)].arena];
	tui_format_bytes(size, sizeof size, c->size);
	if (c->kind == GLIBC_INVALID)
		tui_role(w, ROLE_WARN);
	if (t->scr.presenter)
		tui_printf(w, "chunk of %s, %s", size, kind_text(c->kind));
	else
		tui_printf(w, "chunk 0x%" PRIx64 ", %s, %s", c->addr, size,
		    kind_text(c->kind));
	tui_role(w, ROLE_DIM);
	if (a->is_main)
		tui_printf(w, "  main arena");
	else if (t->scr.presenter)
		tui_printf(w, "  arena %zu", (size_t)(a - gm->arenas));
	else
		tui_printf(w, "  arena 0x%" PRIx64, a->addr);
}

/* One row of the figures table: label, then bytes as the TUI shows them. */
static void
figures_row(WINDOW *w, int y, const char *label, const struct glibc_arena *a)
{
	char b[5][32];

	tui_format_bytes(b[0], sizeof b[0], a->system_mem);
	tui_format_bytes(b[1], sizeof b[1], a->used_bytes);
	tui_format_bytes(b[2], sizeof b[2], a->bin_bytes + a->fast_bytes +
	    a->tcache_bytes);
	tui_format_bytes(b[3], sizeof b[3], a->top_bytes);
	tui_format_bytes(b[4], sizeof b[4], a->trimmable_bytes);
	wmove(w, y, 1);
	tui_printf(w, "%-15.15s %10s %10s %10s %10s %10s", label, b[0], b[1],
	    b[2], b[3], b[4]);
}

/*
 * A replayed frame holds malloc's figures, not its chunks: the table
 * --stats prints, in the TUI's units, as many rows as fit.  Presenter mode
 * names a thread arena by its number, not its address.
 */
static void
draw_figures(struct tui *t, WINDOW *w, const struct glibc_malloc *fg)
{
	const struct glibc_arena *tot = &fg->total;
	int y = 2, rows = getmaxy(w) - 1;
	char label[32], b[3][32];
	size_t i;

	tui_format_bytes(b[0], sizeof b[0], tot->system_mem);
	tui_role(w, ROLE_VALUE);
	tui_puts(w, "glibc malloc");
	tui_role(w, ROLE_NORMAL);
	tui_printf(w, "  %zu arena%s, %s  ", fg->narenas,
	    tui_plural(fg->narenas), b[0]);
	tui_role(w, ROLE_DIM);
	tui_puts(w, "(this frame's figures: files keep no chunks)");
	tui_role(w, ROLE_NORMAL);
	if (rows < 4)
		return;
	wmove(w, y++, 1);
	tui_role(w, ROLE_DIM);
	tui_printf(w, "%-15s %10s %10s %10s %10s %10s", "arena", "system",
	    "in use", "free", "top", "trimmable");
	tui_role(w, ROLE_NORMAL);
	for (i = 0; i < fg->narenas && y < rows - 2; i++) {
		const struct glibc_arena *a = &fg->arenas[i];

		if (a->is_main)
			snprintf(label, sizeof label, "main");
		else if (t->scr.presenter)
			snprintf(label, sizeof label, "arena %zu", i);
		else
			snprintf(label, sizeof label, "0x%" PRIx64, a->addr);
		figures_row(w, y++, label, a);
	}
	if (i < fg->narenas) {
		wmove(w, y++, 1);
		tui_printf(w, "and %zu more arenas", fg->narenas - i);
	}
	if (fg->narenas > 1 && y < rows - 1)
		figures_row(w, y++, "total", tot);
	if (y >= rows)
		return;
	tui_format_bytes(b[0], sizeof b[0], tot->bin_bytes + tot->fast_bytes +
	    tot->tcache_bytes);
	tui_format_bytes(b[1], sizeof b[1], fg->mmapped_bytes);
	wmove(w, ++y < rows ? y : rows - 1, 1);
	tui_printf(w, "free chunks %s (%" PRIu64 ")  mmapped chunks %" PRIu64
	    " (%s)", b[0], tot->bin_chunks + tot->fast_chunks +
	    tot->tcache_chunks, fg->mmapped_chunks, b[1]);
}

static void
draw(struct tui *t, WINDOW *w)
{
	const struct glibc_malloc *gm = t->malloc.gm;
	const struct glibc_malloc *fg = t->frame->heap->malloc_figures;
	struct geom g;

	wmove(w, 0, 1);
	if (!t->feed->live && fg != NULL && fg->status == GLIBC_OK) {
		draw_figures(t, w, fg);
		return;
	}
	if (!t->feed->live && fg != NULL) {	/* not glibc's, as recorded */
		tui_role(w, ROLE_VALUE);
		tui_puts(w, "glibc malloc");
		tui_role(w, ROLE_NORMAL);
		tui_printf(w, ": %s", fg->note != NULL ? fg->note : "not found");
		return;
	}
	if (gm == NULL || gm->status != GLIBC_OK || gm->nheaps == 0) {
		tui_role(w, ROLE_VALUE);
		tui_puts(w, "glibc malloc");
		tui_role(w, ROLE_NORMAL);
		tui_printf(w, ": %s", gm == NULL ? (t->malloc.want ||
		    t->malloc.reading ? (t->scr.ascii ? "reading..." :
		    "reading\u2026") : t->malloc.why != NULL ? t->malloc.why :
		    "not read") : gm->status != GLIBC_OK ? gm->note :
		    "no heap walked");
		return;
	}
	geom(t, w, &g);
	draw_title(t, w, &g);
	draw_cells(t, w, &g);
	draw_cursor_line(t, w, &g);
}

static unsigned
go(struct tui *t, enum tui_move m)
{
	struct geom g;
	uint64_t u = t->malloc.cursor, row, page, last;

	if (t->malloc.gm == NULL || total_bytes(t) == 0)
		return 0;
	geom(t, t->scr.win[PANEL_VIEW], &g);
	row = g.per_row * g.cell;
	page = row * (uint32_t)g.rows;
	last = total_bytes(t) - 1;
	u = tui_linear_move(u, m, g.cell, row, page, last);
	t->malloc.cursor = u / g.cell * g.cell;
	return TUI_DIRTY_VIEW;
}

static unsigned
click(struct tui *t, int y, int x)
{
	struct geom g;
	int64_t c;

	if (t->malloc.gm == NULL || total_bytes(t) == 0)
		return 0;
	geom(t, t->scr.win[PANEL_VIEW], &g);
	if ((c = tui_linear_cell(y, x, g.label_w, g.per_row, g.rows,
	    g.ncells)) < 0)
		return 0;
	t->malloc.cursor = (uint64_t)c * g.cell;
	return TUI_DIRTY_VIEW;
}

static unsigned
enter(struct tui *t)
{
	(void)t;
	return 0;
}

const struct tui_view_ops view_malloc_ops = {
	.name = "glibc malloc",
	.draw = draw,
	.go = go,
	.click = click,
	.enter = enter,
};

void
tui_malloc_free(struct tui *t)
{
	glibc_malloc_free(t->malloc.gm);
	free(t->malloc.why);
	free(t->malloc.hoff);
	free(t->malloc.used);
	free(t->malloc.bad);
	memset(&t->malloc, 0, sizeof t->malloc);
}

/* The prefix sums the cells are drawn from. */
static void
index_map(struct tui *t)
{
	const struct glibc_malloc *gm = t->malloc.gm;
	size_t i;

	t->malloc.hoff = xcalloc(gm->nheaps + 1, sizeof *t->malloc.hoff);
	for (i = 0; i < gm->nheaps; i++)
		t->malloc.hoff[i + 1] = t->malloc.hoff[i] +
		    (gm->heaps[i].end - gm->heaps[i].start);
	t->malloc.used = xcalloc(gm->nchunks + 1, sizeof *t->malloc.used);
	t->malloc.bad = xcalloc(gm->nchunks + 1, sizeof *t->malloc.bad);
	for (i = 0; i < gm->nchunks; i++) {
		const struct glibc_chunk *c = &gm->chunks[i];

		t->malloc.used[i + 1] = t->malloc.used[i] +
		    (counts_used(c->kind) ? c->size : 0);
		t->malloc.bad[i + 1] = t->malloc.bad[i] +
		    (c->kind == GLIBC_INVALID ? c->size : 0);
	}
}

/* The heaps are read by the capture thread, one job after the capture
 * under way (tui_live.c): the view says "reading" until they come. */
void
tui_malloc_read(struct tui *t)
{
	uint64_t cursor = t->malloc.cursor;
	int reading = t->malloc.reading;

	/* no capture thread reads for it any more: the last heaps read stay */
	if (t->feed->live && t->exited && t->malloc.gm != NULL)
		return;
	tui_malloc_free(t);
	t->malloc.cursor = cursor;
	t->malloc.reading = reading;
	if (!t->feed->live || t->feed->malloc_map == NULL) {
		t->malloc.why = xstrdup("a live process only (this frame "
		    "holds none of its figures)");
		return;
	}
	if (t->exited) {	/* no capture thread reads for it any more */
		t->malloc.why = xstrdup("not read: the target exited");
		return;
	}
	t->malloc.want = 1;
}

void
tui_malloc_take(struct tui *t, struct glibc_malloc *gm, char *cause)
{
	uint64_t cursor = t->malloc.cursor;

	if (t->malloc.want) {	/* H again meanwhile: this read is old */
		glibc_malloc_free(gm);
		free(cause);
		return;
	}
	tui_malloc_free(t);
	if (gm == NULL) {
		t->malloc.why = cause != NULL ? cause : xstrdup("not read");
		return;
	}
	free(cause);
	t->malloc.gm = gm;
	index_map(t);
	t->malloc.cursor = cursor < total_bytes(t) ? cursor : 0;
}
