/*
 * tui_mark: a baseline frame (key m) and the diff of the shown frame
 * against it, heap_diff's: the objects new since the mark and those gone.
 *
 * Frames never change once made, so the diff is made once per pair of mark
 * and shown frame -- live, by the capture thread for each new capture,
 * otherwise when that pair is first drawn -- and kept with what the
 * views ask of it in O(1): the new blocks of pools s..e (a prefix sum over
 * the shown frame's pools), a block's bit, a census row's new and gone.
 * The mark holds a reference on its frame: one heap kept alive, released
 * when the mark is cleared or replaced.
 */
#include "config.h"

#include "tui_int.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
tui_mark_forget(struct tui_mark *m)
{
	heap_diff_free(&m->d);
	free(m->cause);
	free(m->new_prefix);
	free(m->rows);
	m->cause = NULL;
	m->new_prefix = NULL;
	m->rows = NULL;
	m->nrows = 0;
	m->serial = 0;
	m->ok = 0;
}

void
tui_mark_set(struct tui *t)
{
	tui_mark_clear(t);
	t->mark.frame = tui_frame_ref(t->frame);
	t->mark.number = t->pos + 1 + t->tl.dropped;
}

void
tui_mark_clear(struct tui *t)
{
	tui_mark_forget(&t->mark);
	tui_frame_unref(t->mark.frame);
	t->mark.frame = NULL;
	t->mark.number = 0;
	t->mark.want = 0;
	t->mark.asked = 0;
}

/* Set bits in [s, e) of a bitmap. */
static uint32_t
count_bits(const uint64_t *w, uint64_t s, uint64_t e)
{
	uint32_t n = 0;
	uint64_t word;

	while (s < e) {
		word = w[s / 64] >> (s % 64);
		if (e - s < 64 - s % 64)
			word &= (UINT64_C(1) << (e - s)) - 1;
		n += (uint32_t)__builtin_popcountll(word);
		s += 64 - s % 64;
	}
	return n;
}

/* New blocks per pool of the shown frame, as a prefix sum. */
static void
make_prefix(struct tui_mark *m, const struct tui_frame *f)
{
	const struct heap *h = f->heap;
	uint64_t stride = m->d.where_stride;
	size_t i, g = 0;
	uint32_t p, n;

	m->new_prefix = xreallocarray(NULL, f->npools + 1,
	    sizeof *m->new_prefix);
	m->new_prefix[0] = 0;
	for (i = 0; i < h->narenas; i++) {
		const struct heap_arena *a = &h->arenas[i];

		for (p = 0; p < a->npools; p++, g++) {
			n = 0;
			if (g < m->d.where_pools && m->d.where != NULL)
				n = count_bits(m->d.where, g * stride,
				    (g + 1) * stride);
			m->new_prefix[g + 1] = m->new_prefix[g] + n;
		}
	}
}

/* New and gone per census row of the shown frame; gone types that have no
 * row now are in the totals only. */
static void
make_rows(struct tui_mark *m, const struct tui_frame *f)
{
	const struct heap_diff_part *parts[2] = { &m->d.new, &m->d.gone };
	uint32_t i, k;
	long r;

	if (f->types == NULL || !m->d.typed)
		return;
	m->nrows = f->types->census.nrows;
	m->rows = xcalloc(m->nrows ? m->nrows : 1, sizeof *m->rows);
	for (k = 0; k < 2; k++) {
		for (i = 0; i < parts[k]->nrows; i++) {
			const struct heap_diff_row *d = &parts[k]->rows[i];

			if ((r = tui_types_find(f, d->name)) < 0)
				continue;
			m->rows[r].count[k] = d->count;
			m->rows[r].bytes[k] = d->bytes;
		}
	}
	/* raw blocks: a census row of their own */
	if ((r = tui_types_find(f, tui_type_name(f->heap, HEAP_TYPE_RAW))) >= 0)
		for (k = 0; k < 2; k++) {
			m->rows[r].count[k] = parts[k]->raw_blocks;
			m->rows[r].bytes[k] = parts[k]->raw_bytes;
		}
}

/* The diff of f against the baseline base into m (whose frame is left
 * alone): a function of the two frames only, so that the capture thread can
 * make it for a frame it has just made (tui_live.c). */
void
tui_mark_compute(struct tui_mark *m, const struct tui_frame *base,
    const struct tui_frame *f)
{
	tui_mark_forget(m);
	m->serial = f->serial;
	if (heap_diff_compute(base->heap, f->heap, HEAP_DIFF_WHERE, &m->d,
	    &m->cause) != 0)
		return;
	m->ok = 1;
	make_prefix(m, f);
	make_rows(m, f);
}

/* A diff made by tui_mark_compute for the baseline base: kept when base is
 * still the mark, else freed. */
void
tui_mark_adopt(struct tui *t, const struct tui_frame *base,
    struct tui_mark *made)
{
	struct tui_mark *m = &t->mark;

	if (m->frame != NULL && m->frame == base) {
		tui_mark_forget(m);
		m->serial = made->serial;
		m->ok = made->ok;
		m->cause = made->cause;
		m->d = made->d;
		m->new_prefix = made->new_prefix;
		m->nrows = made->nrows;
		m->rows = made->rows;
		memset(made, 0, sizeof *made);
	} else
		tui_mark_forget(made);
}

/* A diff walks every block of both frames (half a second at 8 GiB): live,
 * the capture thread makes it, and until it comes the shown frame marks
 * nothing new; a file's frames are diffed here. */
void
tui_mark_update(struct tui *t)
{
	struct tui_mark *m = &t->mark;

	if (m->frame == NULL || m->serial == t->frame->serial) {
		m->want = 0;	/* back on a frame whose diff is made */
		return;
	}
	if (tui_live_working(t)) {
		m->want = m->asked != t->frame->serial;
		return;
	}
	tui_mark_compute(m, m->frame, t->frame);
}

const struct heap_diff *
tui_mark_diff(const struct tui *t)
{
	const struct tui_mark *m = &t->mark;

	if (m->frame == NULL || !m->ok || m->serial != t->frame->serial)
		return NULL;
	return &m->d;
}

size_t
tui_mark_new(const struct tui *t, size_t s, size_t e)
{
	const struct tui_mark *m = &t->mark;

	if (tui_mark_diff(t) == NULL || m->new_prefix == NULL ||
	    e > t->frame->npools || s >= e)
		return 0;
	return m->new_prefix[e] - m->new_prefix[s];
}

int
tui_mark_block(const struct tui *t, size_t g, uint32_t i)
{
	const struct heap_diff *d = tui_mark_diff(t);

	return d != NULL && heap_diff_is_new(d, g, i);
}

const struct tui_mark_row *
tui_mark_row(const struct tui *t, uint32_t r)
{
	const struct tui_mark *m = &t->mark;

	if (tui_mark_diff(t) == NULL || m->rows == NULL || r >= m->nrows)
		return NULL;
	return &m->rows[r];
}

const struct heap_diff_pinned *
tui_mark_pinned(const struct tui *t, uint64_t address)
{
	const struct heap_diff *d = tui_mark_diff(t);
	size_t i;

	if (d == NULL)
		return NULL;
	/* by address: a binary search would do, the panel asks once a draw */
	for (i = 0; i < d->npinned; i++)
		if (d->pinned[i].address == address)
			return &d->pinned[i];
	return NULL;
}

/* The key to the marked cells, at the cursor: "◆ 402 new since the mark"
 * (n of them in what the view shows), or why there is no diff. */
void
tui_mark_legend(const struct tui *t, WINDOW *w, size_t n, const char *what)
{
	const struct tui_mark *m = &t->mark;
	char full[96], brief[32];

	if (m->frame == NULL || m->serial != t->frame->serial)
		return;
	tui_puts(w, "  ");
	if (!m->ok) {
		tui_role(w, ROLE_WARN);
		/* the common case in a word: heap_diff's cause is long */
		if (m->frame->heap->level != HEAP_LEVEL_BLOCKS ||
		    t->frame->heap->level != HEAP_LEVEL_BLOCKS)
			tui_puts(w, "no diff of pool-level captures (--types)");
		else
			tui_printf(w, "no diff: %s", m->cause != NULL ?
			    m->cause : "?");
		tui_role(w, ROLE_NORMAL);
		return;
	}
	/* the longest form the line has room for */
	snprintf(full, sizeof full, " %zu new %s%s since the mark", n, what,
	    tui_plural(n));
	snprintf(brief, sizeof brief, " %zu new", n);
	tui_role(w, ROLE_NEW);
	tui_glyph(w, GLYPH_NEW);
	tui_puts(w, tui_room(w) >= tui_width(full) ? full : brief);
	tui_role(w, ROLE_NORMAL);
}
