/*
 * tui_types: what the TUI needs of a frame's block types (--types), and
 * color by type.
 *
 * tui_types_new() runs once when a frame with types arrives: the census
 * (heap_types.c), the slot of every type (its rank among the top types, or
 * raw, or other), per pool and slot a prefix sum of allocated bytes, and per
 * type the arenas it lives in and the pinned ones among them.  All of it is
 * O(blocks), once; drawing then colors a cell of any number of pools in
 * O(slots).
 *
 * Colors follow type names, not ranks: when the next frame ranks the top
 * types differently, a type keeps its color while it stays among them, so
 * stepping through frames does not repaint the map (tui_types_palette).
 */
#include "config.h"

#include "tui_int.h"
#include "util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *
tui_type_name(const struct heap *h, uint32_t t)
{
	return t < h->ntypes ? h->types[t].name : HEAP_TYPE_RAW_NAME;
}

/* A block's type index, raw when out of range. */
static uint32_t
block_type(const struct heap *h, const struct heap_pool *p, uint32_t i)
{
	uint32_t t = heap_block_type(p, i);

	return t < h->ntypes ? t : HEAP_TYPE_RAW;
}

static void
slots_assign(const struct heap *h, struct tui_types *ty)
{
	uint32_t r, t;

	ty->slot = xcalloc(h->ntypes, sizeof *ty->slot);
	for (t = 0; t < h->ntypes; t++)
		ty->slot[t] = TUI_SLOT_OTHER;
	ty->slot[HEAP_TYPE_RAW] = TUI_SLOT_RAW;
	for (r = 0; r < ty->census.nrows; r++) {
		t = ty->census.rows[r].type;
		if (t == HEAP_TYPE_RAW)
			continue;
		ty->ntyped++;
		if (ty->nslots == TUI_TYPE_COLORS)
			continue;
		ty->top[ty->nslots++] = t;
		ty->slot[t] = (uint8_t)ty->nslots;
	}
}

/* Type t has a block in arena ai (seen: the last arena each type was
 * counted for, plus one). */
static void
arena_has(struct tui_types *ty, uint32_t *seen, uint32_t t, size_t ai)
{
	struct tui_type_arenas *ta = &ty->arenas[t];

	if (seen[t] == ai + 1)
		return;
	seen[t] = (uint32_t)(ai + 1);
	if (ta->narenas++ == 0)
		ta->first = ai;
	if (!ty->pinned[ai])
		return;
	ta->npinned++;
	if (ta->npins < TUI_TYPE_PINS)
		ta->pins[ta->npins++] = ai;
}

/* One pool: its bytes per slot, and the arenas of its types. */
static void
scan_pool(const struct heap *h, struct tui_types *ty, uint32_t *seen,
    size_t ai, const struct heap_pool *p, uint64_t *bytes)
{
	uint32_t size, n, i, t;

	if ((p->state != POOL_FULL && p->state != POOL_USED) ||
	    p->szidx >= h->layout.nclasses)
		return;
	size = heap_block_size(&h->layout, p->szidx);
	n = heap_blocks_per_pool(&h->layout, p->szidx);
	for (i = 0; i < n; i++) {
		if (heap_block_state(h, p, i) != BLOCK_ALLOCATED)
			continue;
		t = block_type(h, p, i);
		bytes[ty->slot[t]] += size;
		arena_has(ty, seen, t, ai);
	}
}

static void
scan(const struct tui_frame *f, struct tui_types *ty)
{
	const struct heap *h = f->heap;
	uint32_t *seen = xcalloc(h->ntypes, sizeof *seen), p;
	uint64_t *prev, *cur;
	size_t ai, g = 0;
	int s;

	ty->slot_prefix = xcalloc((f->npools + 1) * TUI_NSLOTS,
	    sizeof *ty->slot_prefix);
	for (ai = 0; ai < h->narenas; ai++) {
		const struct heap_arena *a = &h->arenas[ai];

		for (p = 0; p < a->npools; p++, g++) {
			prev = &ty->slot_prefix[g * TUI_NSLOTS];
			cur = prev + TUI_NSLOTS;
			scan_pool(h, ty, seen, ai, &a->pools[p], cur);
			for (s = 0; s < TUI_NSLOTS; s++)
				cur[s] += prev[s];
		}
	}
	free(seen);
}

struct tui_types *
tui_types_new(const struct tui_frame *f)
{
	const struct heap *h = f->heap;
	struct tui_types *ty;
	size_t ai;

	if (h->ntypes == 0)
		return NULL;
	ty = xcalloc(1, sizeof *ty);
	heap_census_compute(h, NULL, &ty->census);
	slots_assign(h, ty);
	ty->pinned = xcalloc(h->narenas + 1, sizeof *ty->pinned);
	for (ai = 0; ai < h->narenas; ai++) {
		ty->pinned[ai] = (uint8_t)heap_arena_pinned(h, &h->arenas[ai]);
		ty->npinned_arenas += ty->pinned[ai];
	}
	ty->arenas = xcalloc(h->ntypes, sizeof *ty->arenas);
	scan(f, ty);
	heap_pinning_compute(h, &ty->pinning);
	return ty;
}

void
tui_types_free(struct tui_types *ty)
{
	if (ty == NULL)
		return;
	heap_census_free(&ty->census);
	free(ty->slot);
	free(ty->arenas);
	free(ty->slot_prefix);
	free(ty->pinned);
	free(ty);
}

/* What the aggregates and the heap's per-block types hold. */
size_t
tui_types_footprint(const struct tui_frame *f)
{
	const struct heap *h = f->heap;

	if (f->types == NULL)
		return 0;
	return f->npools * TUI_NSLOTS * sizeof(uint64_t) +
	    heap_types_bytes(h) + h->ntypes * (sizeof(struct tui_type_arenas) + 1 +
	    sizeof(struct heap_census_row)) + h->narenas;
}

long
tui_types_find(const struct tui_frame *f, const char *name)
{
	const struct tui_types *ty = f->types;
	uint32_t r;

	if (ty == NULL || name == NULL)
		return -1;
	for (r = 0; r < ty->census.nrows; r++)
		if (strcmp(tui_type_name(f->heap, ty->census.rows[r].type),
		    name) == 0)
			return (long)r;
	return -1;
}

/* ---- color by type --------------------------------------------------- */
int
tui_by_type(const struct tui *t)
{
	return t->by_type && t->frame->types != NULL;
}

static int
color_owner(const struct tui *t, const char *name, int ncolors)
{
	int c;

	for (c = 0; c < ncolors; c++)
		if (t->color_name[c] != NULL && strcmp(t->color_name[c], name) == 0)
			return c;
	return -1;
}

/* Gives the shown frame's top types their colors: the one they had when
 * they still hold it, else a color nobody among them holds. */
void
tui_types_palette(struct tui *t)
{
	const struct tui_types *ty = t->frame->types;
	int ncolors = tui_screen_type_colors(&t->scr), used[TUI_TYPE_COLORS];
	uint32_t s, n;
	int c;

	for (s = 0; s < TUI_NSLOTS; s++)
		t->slot_color[s] = TUI_COLOR_OTHER;
	t->slot_color[TUI_SLOT_RAW] = TUI_COLOR_RAW;
	if (ty == NULL)
		return;
	n = HV_MIN(ty->nslots, (uint32_t)ncolors);
	memset(used, 0, sizeof used);
	for (s = 1; s <= n; s++) {
		c = color_owner(t, tui_type_name(t->frame->heap, ty->top[s - 1]),
		    ncolors);
		if (c >= 0) {
			t->slot_color[s] = c;
			used[c] = 1;
		}
	}
	for (s = 1, c = 0; s <= n; s++) {
		if (t->slot_color[s] != TUI_COLOR_OTHER)
			continue;
		while (used[c])
			c++;
		free(t->color_name[c]);
		t->color_name[c] = xstrdup(tui_type_name(t->frame->heap,
		    ty->top[s - 1]));
		t->slot_color[s] = c;
		used[c] = 1;
	}
}

/* A color the legend names, or other. */
static int
named(const struct tui *t, int c)
{
	if (c >= 0 && c < TUI_TYPE_COLORS && !(t->legend_colors & (1u << c)))
		return TUI_COLOR_OTHER;
	return c;
}

/* The color holding most bytes, given bytes per slot. */
static int
color_of_slots(const struct tui *t, const uint64_t *bytes)
{
	uint64_t by[TUI_COLOR_OTHER + 1] = { 0 }, best = 0;
	int s, c, pick = TUI_NOCOLOR;

	for (s = 0; s < TUI_NSLOTS; s++)
		by[named(t, t->slot_color[s])] += bytes[s];
	for (c = 0; c <= TUI_COLOR_OTHER; c++) {
		if (by[c] > best) {
			best = by[c];
			pick = c;
		}
	}
	return pick;
}

int
tui_color_of_pools(const struct tui *t, size_t s, size_t e)
{
	const struct tui_frame *f = t->frame;
	const uint64_t *lo, *hi;
	uint64_t bytes[TUI_NSLOTS];
	int i;

	if (f->types == NULL || s >= e || e > f->npools)
		return TUI_NOCOLOR;
	lo = &f->types->slot_prefix[s * TUI_NSLOTS];
	hi = &f->types->slot_prefix[e * TUI_NSLOTS];
	for (i = 0; i < TUI_NSLOTS; i++)
		bytes[i] = hi[i] - lo[i];
	return color_of_slots(t, bytes);
}

int
tui_color_of_type(const struct tui *t, uint32_t type)
{
	const struct tui_types *ty = t->frame->types;

	if (ty == NULL || type >= t->frame->heap->ntypes)
		return TUI_COLOR_RAW;
	return named(t, t->slot_color[ty->slot[type]]);
}

int
tui_color_of_block(const struct tui *t, const struct heap_pool *p,
    uint32_t i)
{
	return tui_color_of_type(t, block_type(t->frame->heap, p, i));
}

int
tui_color_of_blocks(const struct tui *t, const struct heap_pool *p,
    uint32_t s, uint32_t e)
{
	const struct heap *h = t->frame->heap;
	unsigned n[TUI_COLOR_OTHER + 1] = { 0 }, best = 0;
	int c, pick = TUI_NOCOLOR;
	uint32_t i;

	for (i = s; i < e; i++)
		if (heap_block_state(h, p, i) == BLOCK_ALLOCATED)
			n[tui_color_of_block(t, p, i)]++;
	for (c = 0; c <= TUI_COLOR_OTHER; c++) {
		if (n[c] > best) {
			best = n[c];
			pick = c;
		}
	}
	return pick;
}

enum tui_role
tui_color_role(int c)
{
	return (enum tui_role)(ROLE_TYPE_0 + c);
}

enum tui_glyph
tui_color_glyph(const struct tui *t, int c, enum tui_glyph g)
{
	return t->scr.theme == TUI_THEME_MONO ?
	    (enum tui_glyph)(GLYPH_TYPE_0 + c) : g;
}

#define LEGEND_HEAD "types "
#define LEGEND_OTHER "other"

/* The columns of an item: glyph, space, name, two spaces. */
static int
legend_item_w(const char *name)
{
	return 4 + tui_width(name);
}

/* The top types (bit s: slot s) the legend names in width columns, in
 * byte order, each one that fits beside raw and, when some type is left
 * out, other. */
static unsigned
legend_slots(const struct tui *t, int width, int *other)
{
	const struct tui_types *ty = t->frame->types;
	uint32_t s, n = HV_MIN(ty->nslots,
	    (uint32_t)tui_screen_type_colors(&t->scr)), named;
	unsigned slots;
	int room, pass, need;

	for (pass = 0; pass < 2; pass++) {
		*other = pass == 1;
		room = width - (int)strlen(LEGEND_HEAD) -
		    legend_item_w(HEAP_TYPE_RAW_NAME) -
		    (*other ? legend_item_w(LEGEND_OTHER) : 0);
		slots = 0;
		named = 0;
		for (s = 1; s <= n; s++) {
			need = legend_item_w(tui_type_name(t->frame->heap,
			    ty->top[s - 1]));
			if (need > room)
				continue;
			room -= need;
			slots |= 1u << s;
			named++;
		}
		if (pass == 1 || (named == n && ty->ntyped <= n))
			return slots;
	}
	return 0;
}

void
tui_type_legend_fit(struct tui *t, WINDOW *w)
{
	unsigned slots;
	uint32_t s;
	int other;

	t->legend_colors = 0;
	if (!tui_by_type(t))
		return;
	slots = legend_slots(t, getmaxx(w) - 1, &other);
	for (s = 1; s < TUI_NSLOTS; s++)
		if (slots & (1u << s))
			t->legend_colors |= 1u << t->slot_color[s];
}

static void
legend_item(struct tui *t, WINDOW *w, int c, const char *name)
{
	tui_role(w, tui_color_role(c));
	tui_glyph(w, tui_color_glyph(t, c, GLYPH_POOL_FULL));
	tui_role(w, ROLE_NORMAL);
	tui_printf(w, " %s  ", name);
}

/* In color-by-type mode, on the view's second last line: the top types in
 * byte order, those that fit, then raw and other -- which is everything
 * the legend does not name. */
void
tui_draw_type_legend(struct tui *t, WINDOW *w)
{
	const struct tui_types *ty = t->frame->types;
	unsigned slots;
	uint32_t s;
	int other;

	if (!tui_by_type(t))
		return;
	slots = legend_slots(t, getmaxx(w) - 1, &other);
	wmove(w, getmaxy(w) - 2, 1);
	tui_role(w, ROLE_DIM);
	tui_puts(w, LEGEND_HEAD);
	for (s = 1; s < TUI_NSLOTS; s++)
		if (slots & (1u << s))
			legend_item(t, w, t->slot_color[s],
			    tui_type_name(t->frame->heap, ty->top[s - 1]));
	legend_item(t, w, TUI_COLOR_RAW, HEAP_TYPE_RAW_NAME);
	if (other)
		legend_item(t, w, TUI_COLOR_OTHER, LEGEND_OTHER);
}

static int
u16_cmp(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* "40 Node, 3 dict, 1 (raw)": the types of one pool's allocated blocks by
 * count, at most max of them; empty when the heap has no types.  One pool's
 * blocks: at most a pool size over the alignment. */
void
tui_pool_types(const struct tui *t, const struct heap_pool *p, unsigned max,
    char *buf, size_t len)
{
	const struct heap *h = t->frame->heap;
	uint16_t ts[4096];
	uint32_t n = 0, nb, i, j, best, at, shown = 0;
	size_t used = 0;
	int w;

	buf[0] = '\0';
	if (h->ntypes == 0 || (p->state != POOL_FULL && p->state != POOL_USED) ||
	    p->szidx >= h->layout.nclasses)
		return;
	nb = HV_MIN(heap_blocks_per_pool(&h->layout, p->szidx),
	    (uint32_t)HV_ARRAY_LEN(ts));
	for (i = 0; i < nb; i++)
		if (heap_block_state(h, p, i) == BLOCK_ALLOCATED)
			ts[n++] = (uint16_t)block_type(h, p, i);
	qsort(ts, n, sizeof *ts, u16_cmp);
	/* runs of equal types; take the longest left, max times */
	while (shown < max && used + 1 < len) {
		best = 0;
		at = 0;
		for (i = 0; i < n; i = j) {
			for (j = i + 1; j < n && ts[j] == ts[i]; j++)
				;
			if (ts[i] != UINT16_MAX && j - i > best) {
				best = j - i;
				at = i;
			}
		}
		if (best == 0)
			break;
		w = snprintf(buf + used, len - used, "%s%" PRIu32 " %s",
		    shown ? ", " : "", best, tui_type_name(h, ts[at]));
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
		for (i = at; i < at + best; i++)
			ts[i] = UINT16_MAX;
		shown++;
	}
}
