/*
 * render_svg_zoom: the TUI's two zoom views as SVG (render_svg.h) -- the
 * arena view (view_arena.c: one arena's pools and what survives in it) and
 * the pool view (view_pool.c: one pool's blocks).  The picture has the
 * TUI's lines, without the keys; the cursor is the address the picture was
 * asked for (render_svg_frame.at), outlined, never inverted.
 *
 * Cost: one arena's pools and census, or one pool's blocks (at most a pool
 * size over the alignment), plus the heap's census for the type legend.
 */
#include "config.h"

#include "heap_types.h"
#include "render_svg_int.h"
#include "util.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define ROW_H		16	/* a line of text */
#define POOLS_ROW	64	/* cells a row, as the TUI at 100 columns */
#define TABLE_MAX	40	/* census rows, as the types view */
#define VALUES_MAX	20	/* a pinned arena's objects by value */
#define TYPE_SLOTS	8	/* top types with a look of their own (TUI) */
#define NAME_MAX	24	/* characters of a type's name */
#define BLOCK_SCALE	"1.3"	/* a block's cell against a map cell */
#define BLOCK_PITCH	16	/* row to row of blocks: PITCH scaled */

int
render_svg_locate(const struct heap *h, uint64_t addr, size_t *arena,
    uint32_t *pool)
{
	uint64_t ps = h->layout.pool_size, i;
	size_t ai;

	for (ai = 0; ai < h->narenas; ai++) {
		const struct heap_arena *a = &h->arenas[ai];

		if (addr < a->address || addr - a->address >=
		    h->layout.arena_size)
			continue;
		*arena = ai;
		if (ps == 0 || addr < a->first_pool)
			return 1;
		i = (addr - a->first_pool) / ps;
		if (i >= a->npools)
			return 1;
		*pool = (uint32_t)i;
		return 0;
	}
	return -1;
}

/* ---- shared ---------------------------------------------------------- */

/* The outline of the cursor's cell: a frame, never a fill. */
static const char *const at_style[] = {
	[RENDER_SVG_COLOR] = ".at{fill:none;stroke:#56b6c2;stroke-width:1.5}",
	[RENDER_SVG_MONO] = ".at{fill:none;stroke:#000000;stroke-width:1.5}",
	[RENDER_SVG_SLIDES] = ".at{fill:none;stroke:#000000;stroke-width:1.5}",
};

static void
outline(FILE *out, int x, int y)
{
	fprintf(out, "<rect class=\"at\" x=\"%d\" y=\"%d\" width=\"%d\" "
	    "height=\"%d\"/>\n", x - 2, y - 2, CELL + 4, CELL + 4);
}

/* A line of text at the baseline y; class NULL: normal. */
static void
line_open(FILE *out, const char *class, int x, int y)
{
	if (class != NULL)
		fprintf(out, "<text class=\"%s\" x=\"%d\" y=\"%d\">", class, x,
		    y);
	else
		fprintf(out, "<text x=\"%d\" y=\"%d\">", x, y);
}

static void
draw_no_arena(FILE *out, const struct heap *h, enum render_svg_theme theme,
    const struct render_svg_frame *f, const struct heap_stats *st,
    const char *view)
{
	int y;

	render_svg_open(out, theme, MIN_W, render_svg_header_height(f) +
	    ROW_H + MARGIN, view, NULL);
	y = render_svg_header(out, h, st, f);
	fprintf(out, "<text x=\"%d\" y=\"%d\">0x%" PRIx64 " is in no arena"
	    "</text>\n", MARGIN, y + CELL, f->at);
}

/* ---- arena ----------------------------------------------------------- */

/* "arena 27 at 0x...-0x..., 1.0 MiB, 63 pools  (2 of 16)  PINNED" */
static void
arena_title(FILE *out, const struct heap *h, size_t ai, int pinned, int y)
{
	const struct heap_arena *a = &h->arenas[ai];
	char size[32];

	render_svg_bytes(size, sizeof size, h->layout.arena_size);
	line_open(out, NULL, MARGIN, y);
	fprintf(out, "<tspan class=\"b\">arena %" PRIu32 "</tspan> at 0x%"
	    PRIx64 "-0x%" PRIx64 ", %s, %" PRIu32 " pool%s  (%zu of %zu)",
	    a->index, a->address, a->address + h->layout.arena_size - 1, size,
	    a->ntotalpools, render_svg_plural(a->ntotalpools), ai + 1,
	    h->narenas);
	if (pinned)
		fputs("  <tspan class=\"warn\">PINNED</tspan>", out);
	fputs("</text>\n", out);
}

/* "live 272 B (0.0% of carved)  pools: 0 full, 1 used, ..." */
static void
arena_live(FILE *out, const struct heap *h, const struct heap_arena *a, int y)
{
	uint32_t n[POOL_NSTATES] = { 0 }, p;
	uint64_t live = heap_arena_live_bytes(h, a);
	uint64_t carved = heap_arena_carved_bytes(h, a);
	char lb[32];

	for (p = 0; p < a->npools; p++)
		n[a->pools[p].state < POOL_NSTATES ? a->pools[p].state :
		    POOL_INVALID]++;
	render_svg_bytes(lb, sizeof lb, live);
	line_open(out, NULL, MARGIN, y);
	fprintf(out, "live %s (%.1f%% of carved)  pools: %" PRIu32 " full, %"
	    PRIu32 " used, %" PRIu32 " empty, %" PRIu32 " untouched", lb,
	    carved > 0 ? 100.0 * (double)live / (double)carved : 0.0,
	    n[POOL_FULL], n[POOL_USED], n[POOL_EMPTY], n[POOL_UNTOUCHED]);
	if (n[POOL_INVALID] > 0)
		fprintf(out, "<tspan class=\"warn\">, %" PRIu32 " invalid"
		    "</tspan>", n[POOL_INVALID]);
	fputs("</text>\n", out);
}

static int
pool_rows(uint32_t npools)
{
	return (int)HV_MAX((npools + POOLS_ROW - 1) / POOLS_ROW, 1u);
}

/* "pools " and a cell a pool, as the map draws them, the cursor's pool
 * outlined; returns the height. */
static int
arena_pools(FILE *out, const struct heap *h, const struct heap_arena *a,
    uint32_t cursor, int y)
{
	int x = MARGIN + (int)(7 * CHAR_W), r, rows = pool_rows(a->npools);
	uint32_t p;

	fprintf(out, "<text class=\"dim\" x=\"%d\" y=\"%d\">pools</text>",
	    MARGIN, y + CELL);
	for (r = 0; r < rows; r++) {
		fprintf(out, "<g transform=\"translate(%d,%d)\">", x,
		    y + r * PITCH);
		for (p = (uint32_t)r * POOLS_ROW; p < a->npools &&
		    p < (uint32_t)(r + 1) * POOLS_ROW; p++)
			render_svg_cell(out, render_svg_pool_cell(h,
			    &a->pools[p]), (int)(p % POOLS_ROW) * PITCH);
		fputs("</g>\n", out);
	}
	if (cursor < a->npools)
		outline(out, x + (int)(cursor % POOLS_ROW) * PITCH, y +
		    (int)(cursor / POOLS_ROW) * PITCH);
	return rows * PITCH + 4;
}

/* "pinning objects: 1 str", or why there are none. */
static void
arena_objects(FILE *out, const struct heap *h, const struct heap_census *c,
    int pinned, int y)
{
	char sum[256];

	if (h->ntypes == 0) {
		line_open(out, "dim", MARGIN, y);
		fputs("no types: capture with --types</text>\n", out);
		return;
	}
	heap_census_summary(h, c, 6, sum, sizeof sum);
	line_open(out, NULL, MARGIN, y);
	fputs(pinned ? "<tspan class=\"warn\">pinning objects:</tspan> " :
	    "objects: ", out);
	render_svg_text(out, sum, TEXT_MAX);
	fputs("</text>\n", out);
}

static const char *
type_name(const struct heap *h, uint32_t t)
{
	return t < h->ntypes ? h->types[t].name : HEAP_TYPE_RAW_NAME;
}

/* The census table, as the TUI's arena view prints it; returns the rows
 * drawn. */
static int
arena_table(FILE *out, const struct heap *h, const struct heap_census *c,
    int y)
{
	uint32_t r, n = HV_MIN(c->nrows, (uint32_t)TABLE_MAX);
	char b[32];

	line_open(out, "dim", MARGIN, y);
	fputs("     count      bytes  untracked  name</text>\n", out);
	for (r = 0; r < n; r++) {
		const struct heap_census_row *row = &c->rows[r];

		render_svg_bytes(b, sizeof b, row->bytes);
		line_open(out, NULL, MARGIN, y + (int)(r + 1) * ROW_H);
		fprintf(out, "%10" PRIu64 " %10s %10" PRIu64 "  ", row->count,
		    b, row->untracked);
		render_svg_text(out, type_name(h, row->type), 3 * NAME_MAX);
		fputs("</text>\n", out);
	}
	if (c->nrows > n) {
		line_open(out, "dim", MARGIN, y + (int)(n + 1) * ROW_H);
		fprintf(out, "  (and %" PRIu32 " more type%s)</text>\n",
		    c->nrows - n, render_svg_plural(c->nrows - n));
		n++;
	}
	return (int)n + 1;
}

/* The lines of a pinned arena's objects by value: a heading, the values,
 * "... and N more". */
static int
values_lines(const struct heap *h, const struct heap_arena *a,
    const struct heap_census *c, size_t *first, size_t *n)
{
	*n = 0;
	if (!h->has_values)
		return 1;
	*n = HV_MIN(heap_values_range(h, a->address, a->address +
	    h->layout.arena_size, first), (size_t)VALUES_MAX);
	return 1 + (int)*n + (c->objects > *n ? 1 : 0);
}

static void
arena_values(FILE *out, const struct heap *h, const struct heap_arena *a,
    const struct heap_census *c, int y)
{
	size_t first = 0, n, i;

	(void)values_lines(h, a, c, &first, &n);
	line_open(out, "dim", MARGIN, y);
	fputs(h->has_values ? "by value:</text>\n" :
	    "by value: no values in this capture</text>\n", out);
	if (!h->has_values)
		return;
	for (i = 0; i < n; i++) {
		const struct heap_value *v = &h->values[first + i];

		y += ROW_H;
		line_open(out, NULL, MARGIN + (int)(2 * CHAR_W), y);
		render_svg_text(out, type_name(h, v->type), NAME_MAX);
		fprintf(out, "<tspan class=\"dim\"> at 0x%" PRIx64 ": </tspan>"
		    "<tspan class=\"b\">", v->address);
		render_svg_text(out, v->text, TEXT_MAX - 40);
		fputs("</tspan></text>\n", out);
	}
	if (c->objects > n) {
		line_open(out, "dim", MARGIN + (int)(2 * CHAR_W), y + ROW_H);
		fprintf(out, "... and %" PRIu64 " more</text>\n",
		    c->objects - n);
	}
}

/* "pool 3 at 0x...: used, 64-byte blocks, 12 in use": the pool at the
 * address asked for, as the TUI's line under the cursor says it. */
static void
arena_cursor(FILE *out, const struct heap *h, const struct heap_arena *a,
    uint32_t pi, uint64_t at, int y)
{
	const struct heap_pool *p;

	line_open(out, NULL, MARGIN, y);
	if (pi >= a->npools) {
		fprintf(out, "0x%" PRIx64 " is in no pool of the arena</text>\n",
		    at);
		return;
	}
	p = &a->pools[pi];
	fprintf(out, "pool %" PRIu32 " at 0x%" PRIx64 ": %s", pi,
	    heap_pool_address(h, a, pi), heap_pool_state_name(p->state));
	if ((p->state == POOL_FULL || p->state == POOL_USED) &&
	    p->szidx < h->layout.nclasses)
		fprintf(out, ", %" PRIu32 "-byte blocks, %u in use",
		    heap_block_size(&h->layout, p->szidx), p->count);
	fputs("</text>\n", out);
}

void
render_svg_draw_arena(FILE *out, const struct heap *h,
    enum render_svg_theme theme, const struct render_svg_frame *f,
    const struct heap_stats *st)
{
	struct heap_census c;
	const struct heap_arena *a;
	size_t ai, vfirst, vn;
	uint32_t pi = UINT32_MAX;
	int pinned, rows, y, vlines = 0;

	if (render_svg_locate(h, f->at, &ai, &pi) < 0) {
		draw_no_arena(out, h, theme, f, st, "arena");
		return;
	}
	a = &h->arenas[ai];
	memset(&c, 0, sizeof c);
	pinned = h->ntypes > 0 && heap_arena_pinned(h, a);
	if (h->ntypes > 0)
		heap_census_compute(h, a, &c);
	rows = h->ntypes > 0 ? (int)HV_MIN(c.nrows, (uint32_t)TABLE_MAX) + 2 +
	    (c.nrows > TABLE_MAX) : 0;
	if (pinned)
		vlines = values_lines(h, a, &c, &vfirst, &vn);
	render_svg_open(out, theme, MIN_W, render_svg_header_height(f) +
	    (4 + rows + vlines) * ROW_H + pool_rows(a->npools) * PITCH + 4 +
	    MARGIN, "arena", at_style[theme]);
	y = render_svg_header(out, h, st, f) + CELL;
	arena_title(out, h, ai, pinned, y);
	arena_live(out, h, a, y += ROW_H);
	y += 6;
	y += arena_pools(out, h, a, pi, y);
	arena_objects(out, h, &c, pinned, y += ROW_H);
	if (h->ntypes > 0)
		y += arena_table(out, h, &c, y + ROW_H) * ROW_H;
	if (pinned) {
		arena_values(out, h, a, &c, y + ROW_H);
		y += vlines * ROW_H;
	}
	arena_cursor(out, h, a, pi, f->at, y + ROW_H + 4);
	heap_census_free(&c);
}

/* ---- pool ------------------------------------------------------------ */

/* The looks of the types (the TUI's color by type): a color each in the
 * color theme; black with the TUI's mono letter in the others, so that a
 * typed block stays black = allocated. */
static const char *const type_style[] = {
	[RENDER_SVG_COLOR] =
	".tl{display:none}"
	".ty0{fill:#e05252}.ty1{fill:#3fbf7f}.ty2{fill:#4f8fe0}"
	".ty3{fill:#d670d6}.ty4{fill:#e5c07b}.ty5{fill:#56b6c2}"
	".ty6{fill:#ff8700}.ty7{fill:#875fff}.tyraw{fill:#808080}"
	".tyother{fill:#d0d0d0}"
	".at{fill:none;stroke:#56b6c2;stroke-width:1.5}",
	[RENDER_SVG_MONO] =
	".tl{fill:#ffffff;font-size:9px;font-weight:bold;text-anchor:middle}"
	".ty0,.ty1,.ty2,.ty3,.ty4,.ty5,.ty6,.ty7,.tyother{fill:#000000}"
	".tyraw{fill:#555555}"
	".at{fill:none;stroke:#000000;stroke-width:1.5}",
	[RENDER_SVG_SLIDES] =
	".tl{fill:#ffffff;font-size:9px;font-weight:bold;text-anchor:middle}"
	".ty0,.ty1,.ty2,.ty3,.ty4,.ty5,.ty6,.ty7,.tyraw,.tyother"
	"{fill:#000000}"
	".at{fill:none;stroke:#000000;stroke-width:1.5}",
};

/* Block symbols: the TUI's glyphs, allocated a full square, free a ring,
 * untouched a dot (the map's "untouched" symbol); typed allocated blocks
 * one symbol per legend entry. */
static void
block_defs(FILE *out, int typed)
{
	static const char *const ids[] = { "ty0", "ty1", "ty2", "ty3", "ty4",
	    "ty5", "ty6", "ty7", "tyraw", "tyother" };
	static const char letters[] = "ABCDEFGHr*";
	size_t i;

	fputs("<defs><rect id=\"alloc\" class=\"full\" width=\"10\" "
	    "height=\"10\"/><circle id=\"free\" class=\"empty\" cx=\"5\" "
	    "cy=\"5\" r=\"4\"/>", out);
	for (i = 0; typed && i < HV_ARRAY_LEN(ids); i++)
		fprintf(out, "<g id=\"%s\"><rect class=\"%s\" width=\"10\" "
		    "height=\"10\"/><text class=\"tl\" x=\"5\" y=\"8.5\">%c"
		    "</text></g>", ids[i], ids[i], letters[i]);
	fputs("</defs>\n", out);
}

/* The legend's slots: the heap's top types by bytes, raw aside (as the
 * TUI's tui_types.c gives them colors); slot[t] is the symbol of type t. */
struct legend {
	uint32_t	 top[TYPE_SLOTS];
	uint32_t	 ntop;
	int		 other;		/* types beyond the top ones */
	const char	**slot;		/* per type index */
};

static const char *const slot_ids[TYPE_SLOTS] = { "ty0", "ty1", "ty2",
    "ty3", "ty4", "ty5", "ty6", "ty7" };

static void
legend_make(const struct heap *h, struct legend *l)
{
	struct heap_census c;
	uint32_t r, t;

	memset(l, 0, sizeof *l);
	if (h->ntypes == 0)
		return;
	l->slot = xcalloc(h->ntypes, sizeof *l->slot);
	for (t = 0; t < h->ntypes; t++)
		l->slot[t] = "tyother";
	l->slot[HEAP_TYPE_RAW] = "tyraw";
	heap_census_compute(h, NULL, &c);
	for (r = 0; r < c.nrows; r++) {
		t = c.rows[r].type;
		if (t == HEAP_TYPE_RAW || t >= h->ntypes)
			continue;
		if (l->ntop == TYPE_SLOTS) {
			l->other = 1;
			continue;
		}
		l->slot[t] = slot_ids[l->ntop];
		l->top[l->ntop++] = t;
	}
	heap_census_free(&c);
}

static size_t
name_chars(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0, len;

	while (*p != '\0') {
		len = util_utf8_len(p);
		p += len == 0 ? 1 : len;
		n++;
	}
	return HV_MIN(n, (size_t)NAME_MAX + 1);
}

/* "types ■ str  ■ function ... ■ (raw)  ■ other", wrapped at the picture's
 * width; draws when out is not NULL.  Returns the lines. */
static int
legend_draw(FILE *out, const struct heap *h, const struct legend *l, int y)
{
	int x0 = MARGIN + (int)(6 * CHAR_W), x = x0, lines = 1;
	uint32_t i, n = l->ntop + 1 + (uint32_t)l->other;

	if (out != NULL)
		fprintf(out, "<text class=\"dim\" x=\"%d\" y=\"%d\">types"
		    "</text>", MARGIN, y + CELL);
	for (i = 0; i < n; i++) {
		const char *id = i < l->ntop ? slot_ids[i] : i == l->ntop ?
		    "tyraw" : "tyother";
		const char *name = i < l->ntop ? type_name(h, l->top[i]) :
		    i == l->ntop ? HEAP_TYPE_RAW_NAME : "other";
		int w = PITCH + (int)((double)(name_chars(name) + 3) * CHAR_W);

		if (x + w > MIN_W - MARGIN && x > x0) {
			x = x0;
			y += ROW_H;
			lines++;
		}
		if (out != NULL) {
			fprintf(out, "<use xlink:href=\"#%s\" x=\"%d\" y=\"%d\"/>"
			    "<text x=\"%d\" y=\"%d\">", id, x, y + 1,
			    x + PITCH + 2, y + CELL);
			render_svg_text(out, name, NAME_MAX);
			fputs("</text>", out);
		}
		x += w;
	}
	if (out != NULL)
		fputc('\n', out);
	return lines;
}

static uint32_t
pool_nblocks(const struct heap *h, const struct heap_pool *p)
{
	if (p->szidx >= h->layout.nclasses || p->state == POOL_UNTOUCHED ||
	    p->state == POOL_INVALID)
		return 0;
	return heap_blocks_per_pool(&h->layout, p->szidx);
}

/* "pool 0 of arena 0 at 0x...: full, class 3, 64-byte blocks" */
static void
pool_title(FILE *out, const struct heap *h, const struct heap_arena *a,
    uint32_t pi, int y)
{
	const struct heap_pool *p = &a->pools[pi];

	line_open(out, NULL, MARGIN, y);
	fprintf(out, "<tspan class=\"b\">pool %" PRIu32 " of arena %" PRIu32
	    "</tspan> at 0x%" PRIx64 ": %s", pi, a->index,
	    heap_pool_address(h, a, pi), heap_pool_state_name(p->state));
	if (p->state != POOL_UNTOUCHED && p->state != POOL_INVALID &&
	    p->szidx < h->layout.nclasses)
		fprintf(out, ", class %u, %" PRIu32 "-byte blocks%s", p->szidx,
		    heap_block_size(&h->layout, p->szidx),
		    p->state == POOL_EMPTY ? " (stale)" : "");
	fputs("</text>\n", out);
}

static void
pool_counts(FILE *out, const struct heap *h, const struct heap_pool *p,
    uint32_t n, int y)
{
	uint32_t c[3] = { 0, 0, 0 }, i;

	for (i = 0; i < n; i++)
		c[heap_block_state(h, p, i)]++;
	line_open(out, NULL, MARGIN, y);
	fprintf(out, "%" PRIu32 " blocks: %" PRIu32 " allocated, %" PRIu32
	    " free, %" PRIu32 " untouched  next offset %" PRIu32 "</text>\n",
	    n, c[BLOCK_ALLOCATED], c[BLOCK_FREE], c[BLOCK_UNTOUCHED],
	    p->nextoffset);
}

static const char *
block_cell(const struct heap *h, const struct heap_pool *p, uint32_t i,
    const struct legend *l)
{
	uint32_t t;

	switch (heap_block_state(h, p, i)) {
	case BLOCK_ALLOCATED:
		if (l->slot == NULL || !p->typed)
			return l->slot != NULL ? "tyraw" : "alloc";
		t = heap_block_type(p, i);
		return t < h->ntypes ? l->slot[t] : "tyraw";
	case BLOCK_FREE:
		return "free";
	default:
		return "untouched";
	}
}

/* The blocks, a row of POOLS_ROW each labelled by its offset, as the TUI
 * draws them at 100 columns, BLOCK_SCALE times a map cell: a pool has at
 * most ~1000 blocks, and the types' letters must be read.  The block at
 * the address asked for (b) is outlined. */
static void
pool_grid(FILE *out, const struct heap *h, const struct heap_pool *p,
    uint32_t n, const struct legend *l, uint32_t b, int y)
{
	uint32_t size = heap_block_size(&h->layout, p->szidx), i;
	int x = MARGIN + (int)(8 * CHAR_W);

	for (i = 0; i < n; i++) {
		if (i % POOLS_ROW == 0)
			fprintf(out, "%s<text class=\"dim\" x=\"%d\" y=\"%d\">"
			    "+0x%04" PRIx64 "</text><g transform=\"translate("
			    "%d,%d) scale(%s)\">", i > 0 ? "</g>\n" : "", MARGIN,
			    y + BLOCK_PITCH - 4, h->layout.pool_overhead +
			    (uint64_t)i * size, x, y, BLOCK_SCALE);
		render_svg_cell(out, block_cell(h, p, i, l),
		    (int)(i % POOLS_ROW) * PITCH);
		if (i == b)
			fprintf(out, "<rect class=\"at\" x=\"%d\" y=\"-1.5\" "
			    "width=\"%d\" height=\"%d\"/>", (int)(i %
			    POOLS_ROW) * PITCH - 1, CELL + 2, CELL + 2);
		if (i % POOLS_ROW == POOLS_ROW - 1)
			y += BLOCK_PITCH;
	}
	fputs(n > 0 ? "</g>\n" : "\n", out);
}

/* "block 5 at 0x... (offset 0x170): allocated, str: 'abc'": the block at
 * the address asked for, as the TUI's line under the cursor says it. */
static void
pool_cursor(FILE *out, const struct heap *h, const struct heap_pool *p,
    uint64_t base, uint32_t b, int y)
{
	uint32_t size = heap_block_size(&h->layout, p->szidx);
	uint64_t off = h->layout.pool_overhead + (uint64_t)b * size;
	enum block_state s = heap_block_state(h, p, b);
	const struct heap_value *v = NULL;
	uint32_t tv;

	line_open(out, NULL, MARGIN, y);
	fprintf(out, "block %" PRIu32 " at 0x%" PRIx64 " (offset 0x%" PRIx64
	    "): %s", b, base + off, off, s == BLOCK_ALLOCATED ? "allocated" :
	    s == BLOCK_FREE ? "free" : "untouched");
	if (s == BLOCK_ALLOCATED && h->ntypes > 0 && p->typed) {
		tv = heap_pool_type_value(p, b);
		fputs(", ", out);
		render_svg_text(out, type_name(h, heap_block_type(p, b)),
		    NAME_MAX);
		if (tv & HEAP_TYPE_UNTRACKED)
			fputs(" (untracked)", out);
	}
	if (s == BLOCK_ALLOCATED)
		v = heap_value_in(h, base + off, size);
	if (v != NULL) {
		if (h->ntypes == 0 || !p->typed) {
			fputs(", ", out);
			render_svg_text(out, type_name(h, v->type), NAME_MAX);
		}
		fputs(": <tspan class=\"b\">", out);
		render_svg_text(out, v->text, TEXT_MAX - 60);
		fputs("</tspan>", out);
	}
	fputs("</text>\n", out);
}

/* The block holding at, or UINT32_MAX (the pool header, or past the
 * blocks). */
static uint32_t
block_at(const struct heap *h, const struct heap_pool *p, uint64_t base,
    uint32_t n, uint64_t at)
{
	uint64_t first = base + h->layout.pool_overhead, b;

	if (n == 0 || at < first)
		return UINT32_MAX;
	b = (at - first) / heap_block_size(&h->layout, p->szidx);
	return b < n ? (uint32_t)b : UINT32_MAX;
}

void
render_svg_draw_pool(FILE *out, const struct heap *h,
    enum render_svg_theme theme, const struct render_svg_frame *f,
    const struct heap_stats *st)
{
	const struct heap_arena *a;
	const struct heap_pool *p;
	struct legend l;
	size_t ai;
	uint32_t pi, n, b;
	uint64_t base;
	int y, rows, nlegend;

	if (render_svg_locate(h, f->at, &ai, &pi) != 0) {
		draw_no_arena(out, h, theme, f, st, "pool");
		return;
	}
	a = &h->arenas[ai];
	p = &a->pools[pi];
	base = heap_pool_address(h, a, pi);
	n = pool_nblocks(h, p);
	b = block_at(h, p, base, n, f->at);
	legend_make(h, &l);
	rows = (int)((n + POOLS_ROW - 1) / POOLS_ROW);
	nlegend = l.slot != NULL && n > 0 ? legend_draw(NULL, h, &l, 0) : 0;
	render_svg_open(out, theme, MIN_W, render_svg_header_height(f) +
	    (3 + nlegend) * ROW_H + rows * BLOCK_PITCH + 8 + MARGIN, "pool",
	    type_style[theme]);
	block_defs(out, l.slot != NULL);
	y = render_svg_header(out, h, st, f) + CELL;
	pool_title(out, h, a, pi, y);
	y += ROW_H;
	if (n == 0) {
		line_open(out, NULL, MARGIN, y);
		fputs(p->state == POOL_INVALID ? "the pool header failed "
		    "validation: its blocks are not shown</text>\n" :
		    "never carved: no blocks yet</text>\n", out);
		free(l.slot);
		return;
	}
	pool_counts(out, h, p, n, y);
	y += 6;
	pool_grid(out, h, p, n, &l, b, y);
	y += rows * BLOCK_PITCH + 2;
	if (nlegend > 0) {
		legend_draw(out, h, &l, y);
		y += nlegend * ROW_H;
	}
	if (b != UINT32_MAX)
		pool_cursor(out, h, p, base, b, y + ROW_H - 4);
	free(l.slot);
}
