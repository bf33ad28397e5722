/*
 * tui_panels: the lines around the view -- header, totals, timeline, footer
 * -- the help overlay and the "terminal too small" screen, plus the small
 * drawing helpers the views share.  Every function here costs the width of
 * the screen (the sparkline: the number of frames), never the heap.
 */
#include "config.h"

#include "tui_int.h"
#include "util.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

/* ---- helpers --------------------------------------------------------- */
void
tui_format_bytes(char *buf, size_t len, uint64_t n)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	size_t u = 0;

	if (n < 1024) {
		snprintf(buf, len, "%" PRIu64 " B", n);
		return;
	}
	v /= 1024;
	while (v >= 1024 && u + 1 < HV_ARRAY_LEN(units)) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f %s", v, units[u]);
}

uint64_t
tui_linear_move(uint64_t u, enum tui_move m, uint64_t cell, uint64_t row,
    uint64_t page, uint64_t last)
{
	switch (m) {
	case MOVE_UP: return u >= row ? u - row : u;
	case MOVE_DOWN: return u + row <= last ? u + row : u;
	case MOVE_LEFT: return u >= cell ? u - cell : 0;
	case MOVE_RIGHT: return u + cell <= last ? u + cell : u;
	case MOVE_PGUP: return u >= page ? u - page : 0;
	case MOVE_PGDN: return HV_MIN(u + page, last);
	case MOVE_HOME: return 0;
	case MOVE_END: return last;
	}
	return u;
}

int64_t
tui_linear_cell(int y, int x, int label_w, uint32_t per_row, int rows,
    uint64_t ncells)
{
	uint64_t c;

	if (y < 1 || y > rows || x < label_w ||
	    (uint32_t)(x - label_w) >= per_row)
		return -1;
	c = (uint64_t)(y - 1) * per_row + (uint32_t)(x - label_w);
	return c < ncells ? (int64_t)c : -1;
}

/* The line that text last filled up to its last column. */
static struct {
	WINDOW	*w;
	int	 y;
} full;

/* The columns text may use from the cursor on.  Curses cannot move the
 * cursor past the last column: after text reaches it, the cursor stays on
 * it, and the next text would overwrite that cell (the "utilisatio2" of a
 * cut line).  The line is full when tui_puts filled it, or when its last
 * column is not blank (every window is erased before it is drawn, so that
 * was written in this drawing). */
int
tui_room(WINDOW *w)
{
	int room = getmaxx(w) - getcurx(w);
	wchar_t wc[CCHARW_MAX + 1];
	attr_t a;
	short pair;
	cchar_t cc;

	if (room != 1)
		return HV_MAX(room, 0);
	if (full.w == w && full.y == getcury(w))
		return 0;
	if (win_wch(w, &cc) == OK &&
	    getcchar(&cc, wc, &a, &pair, NULL) == OK && wc[0] != L' ')
		return 0;
	return 1;
}

/* After text was added at column x0 for n cells. */
static void
note_full(WINDOW *w, int x0, int n)
{
	if (x0 + n >= getmaxx(w)) {
		full.w = w;
		full.y = getcury(w);
	} else if (full.w == w && full.y == getcury(w))
		full.w = NULL;
}

/* Turns s into at most max printable characters of one cell each (bytes
 * that are not text in the locale, and wide or combining characters, show
 * as '?', so that one character is one cell); returns how many. */
static size_t
to_cells(const char *s, wchar_t *ws, size_t max)
{
	mbstate_t st;
	size_t n = 0, r;

	memset(&st, 0, sizeof st);
	while (*s != '\0' && n < max) {
		r = mbrtowc(&ws[n], s, strlen(s), &st);
		if (r == (size_t)-1 || r == (size_t)-2 || r == 0) {
			memset(&st, 0, sizeof st);
			ws[n] = L'?';
			r = 1;
		} else if (!iswprint((wint_t)ws[n]) || wcwidth(ws[n]) != 1)
			ws[n] = L'?';
		s += r;
		n++;
	}
	return n;
}

/* The cells tui_puts takes for s. */
int
tui_width(const char *s)
{
	wchar_t ws[512];
	const char *c;

	for (c = s; *c >= ' ' && *c <= '~'; c++)
		;
	if (*c == '\0')
		return (int)(c - s);
	return (int)to_cells(s, ws, HV_ARRAY_LEN(ws));
}

/* Adds text at the cursor, cut at the right edge (tui_room). */
void
tui_puts(WINDOW *w, const char *s)
{
	wchar_t ws[512];
	int room = tui_room(w), x0 = getcurx(w), n;
	const char *c;

	if (room <= 0)
		return;
	/* plain printable ASCII, the usual case, goes straight through */
	for (c = s; *c >= ' ' && *c <= '~'; c++)
		;
	if (*c == '\0') {
		n = HV_MIN((int)(c - s), room);
		waddnstr(w, s, n);
	} else {
		n = (int)to_cells(s, ws, HV_MIN(HV_ARRAY_LEN(ws),
		    (size_t)room));
		waddnwstr(w, ws, n);
	}
	note_full(w, x0, n);
}

void
tui_printf(WINDOW *w, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	tui_puts(w, buf);
}

const char *
tui_plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* ---- fields laid out by priority ------------------------------------- */
static int
field_width(const struct tui_field *f)
{
	if (f->form >= TUI_FORMS || f->label[f->form] == NULL)
		return -1;
	return tui_width(f->label[f->form]) + (f->value[f->form] != NULL ?
	    tui_width(f->value[f->form]) : 0);
}

static int
fields_width(const struct tui_field *f, int n, int sep)
{
	int i, w, total = 0, shown = 0;

	for (i = 0; i < n; i++) {
		if ((w = field_width(&f[i])) < 0)
			continue;
		total += w + (shown++ > 0 ? sep : 0);
	}
	return total;
}

static void
field_step(struct tui_field *f)
{
	if (f->form >= TUI_FORMS)
		return;
	if (f->form + 1 < TUI_FORMS && f->label[f->form + 1] != NULL)
		f->form++;
	else if (!f->keep)
		f->form = TUI_FORMS;
}

int
tui_fields_fit(struct tui_field *f, int n, const int *steps, int nsteps,
    int width, const char *sep)
{
	int i, s = tui_width(sep), w;

	for (i = 0; i < n; i++)
		f[i].form = f[i].label[0] != NULL ? 0 : TUI_FORMS;
	w = fields_width(f, n, s);
	for (i = 0; i < nsteps && w > width; i++) {
		field_step(&f[steps[i]]);
		w = fields_width(f, n, s);
	}
	return w;
}

void
tui_fields_draw(WINDOW *w, const struct tui_field *f, int n, const char *sep)
{
	int i, shown = 0;
	attr_t a;
	short pair;

	wattr_get(w, &a, &pair, NULL);
	for (i = 0; i < n; i++) {
		if (field_width(&f[i]) < 0)
			continue;
		if (shown++ > 0) {
			wattr_set(w, a, pair, NULL);
			tui_puts(w, sep);
		}
		tui_role(w, f[i].lrole);
		tui_puts(w, f[i].label[f[i].form]);
		if (f[i].value[f[i].form] != NULL) {
			tui_role(w, f[i].vrole);
			tui_puts(w, f[i].value[f[i].form]);
		}
	}
	wattr_set(w, a, pair, NULL);
}

/* Fills the line in the current role and goes back to its start. */
static void
fill_line(WINDOW *w, enum tui_role r)
{
	tui_role(w, r);
	wmove(w, 0, 0);
	tui_clrtoeol(w);
	wmove(w, 0, 0);
}

enum tui_glyph
tui_pool_glyph(enum pool_state s, uint32_t fill)
{
	switch (s) {
	case POOL_FULL: return GLYPH_POOL_FULL;
	case POOL_USED:
		if ((uint64_t)fill * 3 >= 2ull * TUI_FILL_ONE)
			return GLYPH_POOL_USED_HIGH;
		if ((uint64_t)fill * 3 >= TUI_FILL_ONE)
			return GLYPH_POOL_USED_MID;
		return GLYPH_POOL_USED_LOW;
	case POOL_EMPTY: return GLYPH_POOL_EMPTY;
	case POOL_UNTOUCHED: return GLYPH_POOL_UNTOUCHED;
	default: return GLYPH_POOL_INVALID;
	}
}

enum tui_role
tui_pool_role(enum pool_state s)
{
	switch (s) {
	case POOL_FULL: return ROLE_POOL_FULL;
	case POOL_USED: return ROLE_POOL_USED;
	case POOL_EMPTY: return ROLE_POOL_EMPTY;
	case POOL_UNTOUCHED: return ROLE_POOL_UNTOUCHED;
	default: return ROLE_POOL_INVALID;
	}
}

enum tui_glyph
tui_shade_glyph(uint32_t fill)
{
	if (fill == 0)
		return GLYPH_SHADE_0;
	if (fill >= TUI_FILL_ONE)
		return GLYPH_SHADE_4;
	return (enum tui_glyph)(GLYPH_SHADE_1 +
	    (uint64_t)fill * 3 / TUI_FILL_ONE);
}

/* ---- header ---------------------------------------------------------- */
static const char *
play_state(const struct tui *t)
{
	if (t->feed->live) {
		if (t->exited)
			return "target exited";
		return t->playing ? "capturing" : "paused";
	}
	return t->playing ? "playing" : "paused";
}

enum { HDR_BRAND, HDR_TITLE, HDR_PYTHON, HDR_MODE, HDR_REC, HDR_MARK,
	HDR_N };

/* What gives way first: the wording of the state, the brand; the title
 * (the script's name) keeps up to HDR_TITLE_MIN columns before the state
 * shrinks to one word, and gets the rest. */
static const int header_steps[] = {
	HDR_REC, HDR_MARK, HDR_MODE, HDR_PYTHON, HDR_BRAND, HDR_MARK, HDR_MODE,
	HDR_TITLE, HDR_PYTHON, HDR_TITLE, HDR_TITLE,
};
#define HDR_TITLE_MIN 44
#define HDR_HELP "? help"

struct header_text {
	char	py[2][48], mode[3][128], rec[2][48], mark[3][48];
	char	title_min[3][HDR_TITLE_MIN + 1];
};

static void
header_text(const struct tui *t, struct header_text *x)
{
	const struct heap_process *p = &t->frame->heap->process;
	const char *v = p->python != NULL ? p->python : "?";
	char st[64], busy[32];

	/* " ⠹ 40%" while a capture is under way */
	snprintf(st, sizeof st, "%s%s", play_state(t),
	    tui_live_activity(t, busy, sizeof busy) && !t->playing ?
	    ", capturing" : "");
	snprintf(st + strlen(st), sizeof st - strlen(st), "%s", busy);
	snprintf(x->py[0], sizeof x->py[0], "Python %s", v);
	snprintf(x->py[1], sizeof x->py[1], "%s", v);
	if (t->feed->live) {
		const char *fz = t->feed->freeze ? "freeze on, " : "";

		snprintf(x->mode[0], sizeof x->mode[0], "live, every %gs, %s%s",
		    t->interval, fz, st);
		snprintf(x->mode[1], sizeof x->mode[1], "live %gs, %s%s",
		    t->interval, fz, st);
	} else {
		snprintf(x->mode[0], sizeof x->mode[0], "replay %gx, %s",
		    tui_speeds[t->speed], st);
		snprintf(x->mode[1], sizeof x->mode[1], "%gx, %s",
		    tui_speeds[t->speed], st);
	}
	snprintf(x->mode[2], sizeof x->mode[2], "%s", st);
	if (t->feed->recorded != NULL) {
		snprintf(x->rec[0], sizeof x->rec[0], "REC %lu frame%s",
		    t->recorded, tui_plural(t->recorded));
		snprintf(x->rec[1], sizeof x->rec[1], "REC %lu", t->recorded);
	}
	if (t->mark.frame != NULL) {
		snprintf(x->mark[0], sizeof x->mark[0], "mark: frame %zu, t+%.1fs",
		    t->mark.number, t->mark.frame->t);
		snprintf(x->mark[1], sizeof x->mark[1], "mark: frame %zu",
		    t->mark.number);
		snprintf(x->mark[2], sizeof x->mark[2], "mark %zu",
		    t->mark.number);
	}
}

/* Up to width cells of s, cut with "..." when longer. */
static void
puts_cut(WINDOW *w, const char *s, int width)
{
	wchar_t ws[512];
	size_t n;

	if (tui_width(s) <= width) {
		tui_puts(w, s);
		return;
	}
	if (width <= 3)
		return;
	n = to_cells(s, ws, HV_MIN(HV_ARRAY_LEN(ws), (size_t)(width - 3)));
	waddnwstr(w, ws, HV_MIN((int)n, tui_room(w)));
	tui_puts(w, "...");
}

/* " heapview  pid 1234: python3.12 app.py  Python 3.12.1  live, every
 * 0.5s, capturing  REC 12 frames      ? help": the state always shows, the
 * title gives way before it and takes the room that is left. */
void
tui_draw_header(struct tui *t, WINDOW *w)
{
	const char *title = t->feed->title != NULL ? t->feed->title : "";
	struct header_text x;
	struct tui_field f[HDR_N];
	int width = getmaxx(w) - 1, help = 0, used, tw, i;

	memset(f, 0, sizeof f);
	header_text(t, &x);
	/* stand-ins of the title's width: up to HDR_TITLE_MIN, a half, a
	 * quarter of it */
	for (i = 0; i < 3; i++) {
		memset(x.title_min[i], ' ', HDR_TITLE_MIN);
		x.title_min[i][HV_MIN(tui_width(title), HDR_TITLE_MIN >> i)] =
		    '\0';
		f[HDR_TITLE].label[i] = *title != '\0' ? x.title_min[i] : NULL;
	}
	f[HDR_BRAND].label[0] = "heapview";
	f[HDR_PYTHON].label[0] = x.py[0];
	f[HDR_PYTHON].label[1] = x.py[1];
	f[HDR_MODE].label[0] = x.mode[0];
	f[HDR_MODE].label[1] = x.mode[1];
	f[HDR_MODE].label[2] = x.mode[2];
	f[HDR_MODE].keep = 1;
	f[HDR_MODE].lrole = t->exited ? ROLE_WARN : ROLE_TITLE;
	f[HDR_REC].label[0] = t->feed->recorded != NULL ? x.rec[0] : NULL;
	f[HDR_REC].label[1] = x.rec[1];
	f[HDR_REC].keep = 1;
	f[HDR_REC].lrole = ROLE_WARN;
	for (i = 0; i < 3; i++)
		f[HDR_MARK].label[i] = t->mark.frame != NULL ? x.mark[i] : NULL;
	f[HDR_MARK].keep = 1;
	f[HDR_MARK].lrole = ROLE_TITLE;
	f[HDR_BRAND].lrole = f[HDR_TITLE].lrole = f[HDR_PYTHON].lrole =
	    ROLE_TITLE;
	/* "? help" at the right when there is room to spare */
	used = tui_fields_fit(f, HDR_N, header_steps,
	    (int)HV_ARRAY_LEN(header_steps), width, "  ");
	if (f[HDR_BRAND].form == 0 && used + 4 + (int)strlen(HDR_HELP) <= width)
		help = 1;
	tw = width - used - (help ? 4 + (int)strlen(HDR_HELP) : 0);
	fill_line(w, ROLE_TITLE);
	wmove(w, 0, 1);
	if (f[HDR_BRAND].form == 0)
		tui_puts(w, "heapview  ");
	if (f[HDR_TITLE].form < TUI_FORMS) {
		puts_cut(w, title, tw + tui_width(x.title_min[f[HDR_TITLE].form]));
		tui_puts(w, "  ");
	}
	f[HDR_BRAND].form = f[HDR_TITLE].form = TUI_FORMS;
	tui_fields_draw(w, f, HDR_N, "  ");
	if (help) {
		wmove(w, 0, getmaxx(w) - 2 - (int)strlen(HDR_HELP));
		tui_role(w, ROLE_TITLE);
		tui_puts(w, HDR_HELP);
	}
}

/* ---- totals ---------------------------------------------------------- */
/* "821.2K": tui_format_bytes without the space and the "iB". */
static void
format_bytes_short(char *buf, size_t len, uint64_t n)
{
	char *sp;

	tui_format_bytes(buf, len, n);
	if ((sp = strchr(buf, ' ')) == NULL)
		return;
	if (sp[1] == 'B')
		memmove(sp, sp + 1, strlen(sp + 1) + 1);
	else {
		sp[0] = sp[1];
		sp[1] = '\0';
	}
}

enum {
	TOT_ARENAS, TOT_ALLOCATED, TOT_FREE, TOT_UTIL, TOT_RSS, TOT_INVALID,
	TOT_PINNED, TOT_N
};

/* The order in which the totals give way: first what can be worked out
 * from the rest (free in pools) and long sentences, then abbreviations;
 * arenas, allocated, utilisation, RSS and pinned fit in 80 columns; only
 * narrower than that do pinned, utilisation and RSS go, in that order. */
static const int total_steps[] = {
	TOT_PINNED, TOT_FREE, TOT_FREE, TOT_PINNED, TOT_ARENAS, TOT_ALLOCATED,
	TOT_RSS, TOT_ARENAS, TOT_UTIL, TOT_ALLOCATED, TOT_INVALID, TOT_PINNED,
	TOT_PINNED, TOT_UTIL, TOT_RSS, TOT_ALLOCATED,
};

struct totals_text {
	char	arenas[3][48], alloc[2][32], free[2][32], util[16], rss[2][32];
	char	invalid[2][32], pinned[4][96];
};

static void
pinned_text(struct totals_text *x, const struct heap_pinning *pin)
{
	char m[32];

	tui_format_bytes(m, sizeof m, pin->carved_bytes);
	snprintf(x->pinned[0], sizeof x->pinned[0], "%" PRIu64 " arena%s, %s for %"
	    PRIu64 " object%s", pin->narenas, tui_plural(pin->narenas), m,
	    pin->objects, tui_plural(pin->objects));
	snprintf(x->pinned[1], sizeof x->pinned[1], "%" PRIu64 " arena%s, %s",
	    pin->narenas, tui_plural(pin->narenas), m);
	snprintf(x->pinned[2], sizeof x->pinned[2], "%" PRIu64 " arena%s",
	    pin->narenas, tui_plural(pin->narenas));
	snprintf(x->pinned[3], sizeof x->pinned[3], "%" PRIu64, pin->narenas);
}

static void
totals_text(const struct tui *t, struct totals_text *x)
{
	const struct heap_stats *st = &t->frame->stats;
	uint64_t rss = t->frame->heap->process.rss_bytes;
	char b[32], s[32];

	tui_format_bytes(b, sizeof b, st->arena_bytes);
	format_bytes_short(s, sizeof s, st->arena_bytes);
	snprintf(x->arenas[0], sizeof x->arenas[0], "%" PRIu64 " (%s)",
	    st->narenas, b);
	snprintf(x->arenas[1], sizeof x->arenas[1], "%" PRIu64 " (%s)",
	    st->narenas, s);
	snprintf(x->arenas[2], sizeof x->arenas[2], "%" PRIu64, st->narenas);
	tui_format_bytes(x->alloc[0], sizeof x->alloc[0], st->allocated_bytes);
	format_bytes_short(x->alloc[1], sizeof x->alloc[1], st->allocated_bytes);
	tui_format_bytes(x->free[0], sizeof x->free[0], st->available_bytes);
	format_bytes_short(x->free[1], sizeof x->free[1], st->available_bytes);
	snprintf(x->util, sizeof x->util, "%.1f%%", 100 * t->frame->util);
	if (rss != 0) {
		tui_format_bytes(x->rss[0], sizeof x->rss[0], rss);
		format_bytes_short(x->rss[1], sizeof x->rss[1], rss);
	} else {
		snprintf(x->rss[0], sizeof x->rss[0], "?");
		snprintf(x->rss[1], sizeof x->rss[1], "?");
	}
	snprintf(x->invalid[0], sizeof x->invalid[0], "%" PRIu64 " invalid",
	    st->invalid_pools);
	snprintf(x->invalid[1], sizeof x->invalid[1], "%" PRIu64 " inv",
	    st->invalid_pools);
	if (t->frame->types != NULL)
		pinned_text(x, &t->frame->types->pinning);
}

#define FIELD(f, l0, v0, l1, v1, l2, v2, l3, v3, lr, vr, k) do { \
	(f)->label[0] = (l0); (f)->value[0] = (v0); \
	(f)->label[1] = (l1); (f)->value[1] = (v1); \
	(f)->label[2] = (l2); (f)->value[2] = (v2); \
	(f)->label[3] = (l3); (f)->value[3] = (v3); \
	(f)->lrole = (lr); (f)->vrole = (vr); (f)->keep = (k); \
} while (0)

/* ---- resident memory (under the totals) ------------------------------ */
enum {
	RES_LEAD, RES_ARENAS, RES_MALLOC, RES_FILES, RES_STACKS, RES_OTHER,
	RES_N
};

/* What gives way first: the long wording, then bytes for shares; the
 * small parts (stacks, other) go before the big ones lose their bytes,
 * and pymalloc keeps its empty pools longest.  At 80 columns every part
 * shows ("RSS:  arenas 6.4M (1.0M empty)  malloc 33M  files 6.8M  stacks
 * 72K  other 56K"), at 40 "RSS:  arenas 14%  malloc 71%  files 15%". */
static const int resident_steps[] = {
	RES_MALLOC, RES_ARENAS, RES_FILES, RES_STACKS, RES_OTHER, RES_LEAD,
	RES_MALLOC, RES_OTHER, RES_STACKS, RES_FILES, RES_MALLOC, RES_ARENAS,
	RES_ARENAS, RES_FILES,
};

struct resident_text {
	char	lead[48], arenas[4][96], malloc[4][128], files[3][32];
	char	stacks[2][32], other[2][32];
};

static void
share(char *buf, size_t len, uint64_t v, uint64_t total)
{
	double p = total > 0 ? 100.0 * (double)v / (double)total : 0;

	snprintf(buf, len, p > 0 && p < 1 ? "%.1f%%" : "%.0f%%", p);
}

/* "6.4M", "33M", "72K": a decimal only under 10. */
static void
bytes_tiny(char *buf, size_t len, uint64_t n)
{
	static const char units[] = "KMGT";
	double v = (double)n / 1024;
	size_t u = 0;

	if (n < 1024) {
		snprintf(buf, len, "%" PRIu64 "B", n);
		return;
	}
	while (v >= 1023.5 && u + 1 < sizeof units - 1) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, v < 9.95 ? "%.1f%c" : "%.0f%c", v, units[u]);
}

/* One part as "12.3 MiB", "12M" and "27%". */
static void
part_text(char (*out)[32], uint64_t v, uint64_t total, int n)
{
	tui_format_bytes(out[0], sizeof out[0], v);
	if (n > 1)
		bytes_tiny(out[1], sizeof out[1], v);
	if (n > 2)
		share(out[2], sizeof out[2], v, total);
}

static void
resident_text(const struct heap_resident *r, struct resident_text *x)
{
	uint64_t mal = r->part[HEAP_RES_MALLOC_HEAP] +
	    r->part[HEAP_RES_MALLOC_ARENAS] + r->part[HEAP_RES_MALLOC_MMAP];
	char a[3][32], e[3][32], h[3][32], th[3][32], mm[3][32], m[3][32];

	part_text(a, r->part[HEAP_RES_ARENAS], r->total, 3);
	part_text(e, r->arenas_empty, r->total, 2);
	part_text(h, r->part[HEAP_RES_MALLOC_HEAP], r->total, 1);
	part_text(th, r->part[HEAP_RES_MALLOC_ARENAS], r->total, 1);
	part_text(mm, r->part[HEAP_RES_MALLOC_MMAP], r->total, 2);
	part_text(m, mal, r->total, 3);
	tui_format_bytes(x->lead, sizeof x->lead - 1, r->total);
	strcat(x->lead, ":");
	snprintf(x->arenas[0], sizeof x->arenas[0], "%s (%s in empty pools)",
	    a[0], e[0]);
	snprintf(x->arenas[1], sizeof x->arenas[1], "%s (%s empty)", a[1], e[1]);
	snprintf(x->arenas[2], sizeof x->arenas[2], "%s", a[1]);
	snprintf(x->arenas[3], sizeof x->arenas[3], "%s", a[2]);
	snprintf(x->malloc[0], sizeof x->malloc[0], "heap %s, thread arenas %s, "
	    "mmapped %s", h[0], th[0], mm[0]);
	snprintf(x->malloc[1], sizeof x->malloc[1], "%s (%s mmapped)", m[0],
	    mm[0]);
	snprintf(x->malloc[2], sizeof x->malloc[2], "%s", m[1]);
	snprintf(x->malloc[3], sizeof x->malloc[3], "%s", m[2]);
	part_text(x->files, r->part[HEAP_RES_FILES], r->total, 3);
	part_text(x->stacks, r->part[HEAP_RES_STACKS], r->total, 2);
	part_text(x->other, r->part[HEAP_RES_OTHER], r->total, 2);
}

/* "resident 45.9 MiB: pymalloc 6.4 MiB (1.0 MiB in empty pools)  malloc
 * heap 11.3 MiB, thread arenas 3.0 MiB, mmapped 18.3 MiB  files 6.8 MiB
 * stacks 72.0 KiB  other 56.0 KiB", shortened to fit. */
static void
draw_resident(struct tui *t, WINDOW *w)
{
	struct tui_field f[RES_N];
	struct resident_text x;

	resident_text(t->frame->heap->resident, &x);
	/* the totals above give the RSS: "RSS:" is enough when short */
	FIELD(&f[RES_LEAD], "resident ", x.lead, "RSS:", NULL, NULL, NULL, NULL,
	    NULL, ROLE_NORMAL, ROLE_VALUE, 1);
	FIELD(&f[RES_ARENAS], "pymalloc ", x.arenas[0], "arenas ", x.arenas[1],
	    "arenas ", x.arenas[2], "arenas ", x.arenas[3], ROLE_NORMAL,
	    ROLE_VALUE, 1);
	FIELD(&f[RES_MALLOC], "malloc ", x.malloc[0], "malloc ", x.malloc[1],
	    "malloc ", x.malloc[2], "malloc ", x.malloc[3], ROLE_NORMAL,
	    ROLE_VALUE, 1);
	FIELD(&f[RES_FILES], "files ", x.files[0], "files ", x.files[1],
	    "files ", x.files[2], NULL, NULL, ROLE_NORMAL, ROLE_VALUE, 0);
	FIELD(&f[RES_STACKS], "stacks ", x.stacks[0], "stacks ", x.stacks[1],
	    NULL, NULL, NULL, NULL, ROLE_NORMAL, ROLE_VALUE, 0);
	FIELD(&f[RES_OTHER], "other ", x.other[0], "other ", x.other[1], NULL,
	    NULL, NULL, NULL, ROLE_NORMAL, ROLE_VALUE, 0);
	tui_fields_fit(f, RES_N, resident_steps,
	    (int)HV_ARRAY_LEN(resident_steps), getmaxx(w) - 1, "  ");
	wmove(w, 1, 1);
	tui_role(w, ROLE_NORMAL);
	tui_fields_draw(w, f, RES_N, "  ");
}

int
tui_totals_lines(const struct tui *t)
{
	return t->frame != NULL && t->frame->heap->resident != NULL ? 2 : 1;
}

void
tui_draw_totals(struct tui *t, WINDOW *w)
{
	struct tui_field f[TOT_N];
	struct totals_text x;
	int pinned = t->frame->types != NULL;
	int invalid = t->frame->stats.invalid_pools > 0;

	totals_text(t, &x);
	FIELD(&f[TOT_ARENAS], "arenas ", x.arenas[0], "arenas ", x.arenas[1],
	    "arenas ", x.arenas[2], NULL, NULL, ROLE_NORMAL, ROLE_VALUE, 1);
	FIELD(&f[TOT_ALLOCATED], "allocated ", x.alloc[0], "allocated ",
	    x.alloc[1], "alloc ", x.alloc[1], NULL, NULL, ROLE_NORMAL,
	    ROLE_VALUE, 0);
	FIELD(&f[TOT_FREE], "free in pools ", x.free[0], "free ", x.free[1],
	    NULL, NULL, NULL, NULL, ROLE_NORMAL, ROLE_VALUE, 0);
	FIELD(&f[TOT_UTIL], "utilisation ", x.util, "util ", x.util, NULL, NULL,
	    NULL, NULL, ROLE_NORMAL, ROLE_VALUE, 0);
	FIELD(&f[TOT_RSS], "RSS ", x.rss[0], "RSS ", x.rss[1], NULL, NULL, NULL,
	    NULL, ROLE_NORMAL, ROLE_VALUE, 0);
	FIELD(&f[TOT_INVALID], invalid ? x.invalid[0] : NULL, NULL,
	    x.invalid[1], NULL, NULL, NULL, NULL, NULL, ROLE_WARN, ROLE_WARN, 1);
	FIELD(&f[TOT_PINNED], pinned ? "pinned " : NULL, x.pinned[0],
	    "pinned ", x.pinned[1], "pinned ", x.pinned[2], "pinned ",
	    x.pinned[3], ROLE_NORMAL, ROLE_VALUE, 0);
	tui_fields_fit(f, TOT_N, total_steps, (int)HV_ARRAY_LEN(total_steps),
	    getmaxx(w) - 1, "  ");
	wmove(w, 0, 1);
	tui_role(w, ROLE_NORMAL);
	tui_fields_draw(w, f, TOT_N, "  ");
	if (getmaxy(w) > 1 && t->frame->heap->resident != NULL)
		draw_resident(t, w);
}

/* ---- timeline -------------------------------------------------------- */
static double
bucket_util(const struct tui *t, size_t s, size_t e)
{
	double sum = 0, u;
	size_t n = 0;

	for (; s < e; s++) {
		u = tui_timeline_util(&t->tl, s);
		if (u >= 0) {
			sum += u;
			n++;
		}
	}
	return n > 0 ? sum / (double)n : -1;
}

static void
sparkline(struct tui *t, WINDOW *w, int width)
{
	size_t n = t->tl.count, j, s, e, cols;
	double u;
	int level;

	if (n == 0 || width <= 0)
		return;
	cols = n < (size_t)width ? n : (size_t)width;
	for (j = 0; j < cols; j++) {
		s = j * n / cols;
		e = (j + 1) * n / cols;
		u = bucket_util(t, s, e);
		if (t->pos >= s && t->pos < e)
			tui_role(w, ROLE_CURSOR);
		else
			tui_role(w, ROLE_SPARK);
		if (u < 0) {
			tui_glyph(w, GLYPH_SPARK_NONE);
			continue;
		}
		level = (int)(u * 7 + 0.5);
		level = HV_MAX(0, HV_MIN(level, 7));
		tui_glyph(w, (enum tui_glyph)(GLYPH_SPARK_0 + level));
	}
}

void
tui_draw_timeline(struct tui *t, WINDOW *w)
{
	const char *label = t->phase;
	size_t shown = t->pos + 1 + t->tl.dropped;
	size_t count = t->tl.count + t->tl.dropped;
	int spark = HV_MIN((int)HV_MIN(count, 1000), getmaxx(w) / 3);

	wmove(w, 0, 1);
	tui_role(w, ROLE_NORMAL);
	tui_printf(w, "%s %zu/%zu  t+%.2fs  ", t->feed->live ? "capture" :
	    "frame", shown, count, t->frame->t);
	if (spark >= 2 && getcurx(w) + spark + 8 < getmaxx(w)) {
		tui_puts(w, "util ");
		sparkline(t, w, spark);
		tui_role(w, ROLE_NORMAL);
		tui_puts(w, "  ");
	}
	if (t->feed->live && !t->follow)
		tui_puts(w, "history (G: newest)");
	if (label != NULL && *label != '\0') {
		tui_role(w, ROLE_VALUE);
		tui_printf(w, "\"%s\"", label);
	}
}

/* ---- banner (presenter mode) ------------------------------------------ */

/* The label on the middle line, centered, bold; spaced out letter by letter
 * when it is ASCII and fits that way, so that it reads from the back of a
 * room as the cells do at two columns. */
void
tui_draw_banner(struct tui *t, WINDOW *w)
{
	const char *label = t->phase, *p;
	int cols = getmaxx(w) - 2, n, ascii = 1, spaced;

	if (label == NULL || *label == '\0')
		return;
	for (p = label; *p != '\0'; p++)
		ascii &= (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f;
	n = ascii ? (int)strlen(label) : (int)mbstowcs(NULL, label, 0);
	if (n < 0)
		n = (int)strlen(label);
	spaced = ascii && 2 * n - 1 <= cols;
	if (spaced)
		n = 2 * n - 1;
	wmove(w, 1, 1 + HV_MAX((cols - n) / 2, 0));
	tui_role(w, ROLE_VALUE);
	if (!spaced) {
		tui_puts(w, label);
		return;
	}
	for (p = label; *p != '\0'; p++) {
		waddch(w, (chtype)(unsigned char)*p);
		if (p[1] != '\0')
			waddch(w, ' ');
	}
}

/* ---- footer ---------------------------------------------------------- */
#define FOOTER_MAX 48

/* The hints that go first when the footer is narrow, in that order; any
 * other hint (q, ?, the ones for --types, keys added later) stays as long
 * as it can. */
static const char *const hint_drop[] = {
	"Esc", "[", "T", "+", ",", "Enter", "Tab", "Space",
};

static int
hint_rank(const char *label)
{
	size_t i;

	for (i = 0; i < HV_ARRAY_LEN(hint_drop); i++)
		if (strcmp(label, hint_drop[i]) == 0)
			return (int)i;
	return -1;
}

/* The steps: the listed hints in their order, then the others from the
 * right, q and ? last. */
static int
footer_steps(const struct tui_field *f, int n, int *steps)
{
	int i, r, ns = 0;

	for (r = 0; r < (int)HV_ARRAY_LEN(hint_drop); r++)
		for (i = 0; i < n; i++)
			if (hint_rank(f[i].label[0]) == r)
				steps[ns++] = i;
	for (i = n - 1; i >= 0; i--)
		if (hint_rank(f[i].label[0]) < 0 && i > 1)
			steps[ns++] = i;
	for (i = HV_MIN(n, 2) - 1; i >= 0; i--)
		steps[ns++] = i;
	return ns;
}

void
tui_draw_footer(struct tui *t, WINDOW *w)
{
	unsigned mode = t->feed->live ? TUI_KEY_LIVE : TUI_KEY_REPLAY;
	struct tui_field f[FOOTER_MAX];
	char hint[FOOTER_MAX][24];
	int steps[2 * FOOTER_MAX], n = 0, ns;
	size_t i;

	fill_line(w, ROLE_BAR);
	if (t->prompting) {
		wmove(w, 0, 1);
		tui_role(w, ROLE_KEY);
		tui_puts(w, "label:");
		tui_role(w, ROLE_BAR);
		tui_printf(w, " %s_  ", t->prompt);
		tui_role(w, ROLE_KEY);
		tui_puts(w, "Enter");
		tui_role(w, ROLE_BAR);
		tui_puts(w, " on the next capture  ");
		tui_role(w, ROLE_KEY);
		tui_puts(w, "Esc");
		tui_role(w, ROLE_BAR);
		tui_puts(w, " cancel");
		return;
	}
	if (t->status != NULL) {
		tui_puts(w, " ");
		tui_puts(w, t->status);
		return;
	}
	memset(f, 0, sizeof f);
	for (i = 0; i < tui_nkeys && n < FOOTER_MAX; i++) {
		const struct tui_key *k = &tui_keys[i];

		if (k->hint == NULL || !(k->modes & mode) ||
		    ((k->modes & TUI_KEY_TYPES) && t->frame->types == NULL) ||
		    ((k->modes & TUI_KEY_OUTPUT) && t->feed->output == NULL))
			continue;
		snprintf(hint[n], sizeof hint[n], " %s", k->hint);
		f[n].label[0] = k->label;
		f[n].value[0] = hint[n];
		f[n].lrole = ROLE_KEY;
		f[n].vrole = ROLE_BAR;
		n++;
	}
	ns = footer_steps(f, n, steps);
	tui_fields_fit(f, n, steps, ns, getmaxx(w) - 1, "  ");
	wmove(w, 0, 1);
	tui_fields_draw(w, f, n, "  ");
}

/* ---- help ------------------------------------------------------------ */
struct help_line {
	const char	*label;		/* NULL on continuation lines */
	const char	*text;
	int		 len;
};

#define HELP_LABEL_W 11

/* The key table, its sentences wrapped at width, then the legend. */
static int
help_lines(struct help_line *out, int max, int width)
{
	int n = 0, len, cut;
	size_t i;

	width = HV_MAX(width - HELP_LABEL_W, 16);
	for (i = 0; i < tui_nkeys; i++) {
		const char *s = tui_keys[i].help;

		for (; *s != '\0' && n < max; n++) {
			len = (int)strlen(s);
			cut = len;
			if (len > width) {
				for (cut = width; cut > 0 && s[cut] != ' '; cut--)
					;
				if (cut == 0)
					cut = width;
			}
			out[n].label = s == tui_keys[i].help ?
			    tui_keys[i].label : NULL;
			out[n].text = s;
			out[n].len = cut;
			s += cut;
			while (*s == ' ')
				s++;
		}
	}
	return n;
}

#define HELP_MAX_LINES 128
#define HELP_LEGEND_LINES 3

int
tui_help_lines(int width)
{
	struct help_line lines[HELP_MAX_LINES];

	return help_lines(lines, HELP_MAX_LINES, width - 4) + HELP_LEGEND_LINES;
}

static void
legend(WINDOW *w, int which)
{
	static const struct { enum tui_glyph g; enum tui_role r; const char *s; }
	pools[] = {
		{ GLYPH_POOL_FULL, ROLE_POOL_FULL, "full" },
		{ GLYPH_POOL_USED_HIGH, ROLE_POOL_USED, "" },
		{ GLYPH_POOL_USED_MID, ROLE_POOL_USED, "" },
		{ GLYPH_POOL_USED_LOW, ROLE_POOL_USED, "used (by fill)" },
		{ GLYPH_POOL_EMPTY, ROLE_POOL_EMPTY, "empty" },
		{ GLYPH_POOL_UNTOUCHED, ROLE_POOL_UNTOUCHED, "untouched" },
		{ GLYPH_POOL_INVALID, ROLE_POOL_INVALID, "invalid" },
	}, blocks[] = {
		{ GLYPH_BLOCK_ALLOCATED, ROLE_BLOCK_ALLOCATED, "allocated" },
		{ GLYPH_BLOCK_FREE, ROLE_BLOCK_FREE, "free" },
		{ GLYPH_BLOCK_UNTOUCHED, ROLE_BLOCK_UNTOUCHED, "untouched" },
		{ GLYPH_BLOCK_UNKNOWN, ROLE_BLOCK_UNKNOWN, "not captured" },
	};
	size_t i, n = which ? HV_ARRAY_LEN(blocks) : HV_ARRAY_LEN(pools);

	tui_role(w, ROLE_HELP);
	tui_printf(w, "%-*s", HELP_LABEL_W, which ? "blocks" : "pools");
	for (i = 0; i < n; i++) {
		tui_role(w, which ? blocks[i].r : pools[i].r);
		tui_glyph(w, which ? blocks[i].g : pools[i].g);
		tui_role(w, ROLE_HELP);
		if (*(which ? blocks[i].s : pools[i].s) != '\0')
			tui_printf(w, " %s  ", which ? blocks[i].s : pools[i].s);
	}
}

static void
help_more(const struct tui *t, WINDOW *w, int y, int up, size_t n)
{
	int x;

	if (n == 0 || getmaxx(w) < 24)
		return;
	tui_draw_more(t, w, y, up, n);
	/* tui_draw_more ends on the last column: the corner again */
	x = getmaxx(w) - 1;
	tui_role(w, ROLE_HELP);
	if (t->scr.ascii)
		mvwaddch(w, y, x, '+');
	else
		mvwadd_wch(w, y, x, up ? WACS_URCORNER : WACS_LRCORNER);
}

void
tui_draw_help(struct tui *t, WINDOW *w)
{
	struct help_line lines[HELP_MAX_LINES];
	int n, i, y, h = getmaxy(w) - 2, width = getmaxx(w) - 4;

	n = help_lines(lines, HELP_MAX_LINES, width);
	tui_role(w, ROLE_HELP);
	if (t->scr.ascii)
		wborder(w, '|', '|', '-', '-', '+', '+', '+', '+');
	else
		box(w, 0, 0);
	mvwaddstr(w, 0, 2, " keys ");
	if (n + HELP_LEGEND_LINES > h)
		mvwaddstr(w, getmaxy(w) - 1, 2, " Up/Down scroll ");
	for (y = 0, i = t->help_top; y < h && i < n + HELP_LEGEND_LINES; y++, i++) {
		wmove(w, y + 1, 2);
		if (i >= n) {
			if (i > n)
				legend(w, i - n - 1);
			continue;
		}
		tui_role(w, ROLE_VALUE);
		tui_printf(w, "%-*s", HELP_LABEL_W,
		    lines[i].label != NULL ? lines[i].label : "");
		tui_role(w, ROLE_HELP);
		tui_printf(w, "%.*s", lines[i].len, lines[i].text);
	}
	/* on the frame, clear of its corners */
	help_more(t, w, 0, 1, (size_t)t->help_top);
	help_more(t, w, getmaxy(w) - 1, 0, (size_t)HV_MAX(n + HELP_LEGEND_LINES -
	    t->help_top - h, 0));
}

/* ---- the first capture ------------------------------------------------ */
#define FIRST_BAR_COLS 40

/* A line on stdscr filled in role r, the cursor at its column 1. */
static void
first_line(int y, enum tui_role r)
{
	tui_role(stdscr, r);
	wmove(stdscr, y, 0);
	tui_clrtoeol(stdscr);
	wmove(stdscr, y, 1);
}

/* "[██████░░░░░░░░]  40%" in the middle of line y, when counted. */
static void
first_bar(const struct tui *t, int y)
{
	int pct = tui_worker_percent(&t->worker), n, i;
	int cols = HV_MIN(FIRST_BAR_COLS, COLS - 10);

	if (pct < 0 || cols < 10)
		return;
	n = cols * pct / 100;
	wmove(stdscr, y, (COLS - cols - 6) / 2);
	tui_role(stdscr, ROLE_VALUE);
	for (i = 0; i < cols; i++)
		tui_puts(stdscr, i < n ? (t->scr.ascii ? "#" : "\u2588") :
		    (t->scr.ascii ? "." : "\u2591"));
	tui_role(stdscr, ROLE_NORMAL);
	tui_printf(stdscr, " %3d%%", pct);
}

/* " heapview  pid 1234: python3.12 app.py  live, every 0.5s, capturing ⠹
 * 40%": the state always shows (in a word and the spinner when narrow),
 * the brand and the title take what is left. */
static void
first_header(struct tui *t)
{
	const char *title = t->feed->title != NULL ? t->feed->title : "";
	char busy[32], mode[96];
	int room;

	tui_live_activity(t, busy, sizeof busy);
	snprintf(mode, sizeof mode, "live, every %gs, %scapturing%s",
	    t->interval, t->feed->freeze ? "freeze on, " : "", busy);
	if (tui_width(mode) + 2 + HDR_TITLE_MIN > COLS)
		snprintf(mode, sizeof mode, "capturing%s", busy);
	room = COLS - 2 - tui_width(mode);
	first_line(0, ROLE_TITLE);
	if (room >= 10 + HDR_TITLE_MIN) {
		tui_puts(stdscr, "heapview  ");
		room -= 10;
	}
	if (room - 2 > 3 && *title != '\0') {
		puts_cut(stdscr, title, room - 2);
		tui_puts(stdscr, "  ");
	}
	tui_puts(stdscr, mode);
}

/* Until the first frame is in: the header as it will be, what runs, and
 * the one key that works. */
void
tui_draw_first(struct tui *t)
{
	const char *what = "the first capture is reading the heap";
	int y = LINES / 2 - 1;

	tui_screen_background(stdscr);
	werase(stdscr);
	first_header(t);
	tui_role(stdscr, ROLE_NORMAL);
	wmove(stdscr, y, HV_MAX((COLS - tui_width(what)) / 2, 0));
	tui_puts(stdscr, what);
	first_bar(t, y + 2);
	first_line(LINES - 1, ROLE_BAR);
	tui_role(stdscr, ROLE_KEY);
	tui_puts(stdscr, "q");
	tui_role(stdscr, ROLE_BAR);
	tui_puts(stdscr, " quit");
	wnoutrefresh(stdscr);
}

/* ---- too small ------------------------------------------------------- */
void
tui_draw_too_small(struct tui *t)
{
	(void)t;
	werase(stdscr);
	tui_role(stdscr, ROLE_WARN);
	mvwaddnstr(stdscr, 0, 0, "terminal too small", COLS);
	tui_role(stdscr, ROLE_NORMAL);
	if (LINES > 1) {
		wmove(stdscr, 1, 0);
		tui_printf(stdscr, "need %dx%d, have %dx%d", TUI_MIN_COLS,
		    TUI_MIN_LINES, COLS, LINES);
	}
	if (LINES > 2)
		mvwaddnstr(stdscr, 2, 0, "resize, or q to quit", COLS);
	wnoutrefresh(stdscr);
}

int
tui_view_rows(WINDOW *w)
{
	return w != NULL ? getmaxy(w) : 0;
}

void
tui_draw_more(const struct tui *t, WINDOW *w, int y, int up, size_t n)
{
	char buf[48];
	int x;

	if (n == 0)
		return;
	snprintf(buf, sizeof buf, "  %s %zu more ", t->scr.ascii ?
	    (up ? "^" : "v") : (up ? "\u2191" : "\u2193"), n);
	x = getmaxx(w) - tui_width(buf);
	if (x < 0)
		return;
	wmove(w, y, x);
	tui_role(w, ROLE_NORMAL);
	tui_puts(w, "  ");
	tui_role(w, ROLE_VALUE);
	tui_puts(w, buf + 2);
}

size_t
tui_scroll(size_t top, size_t cur, size_t n, size_t rows)
{
	if (rows == 0 || n == 0)
		return 0;
	if (cur < top)
		top = cur;
	else if (cur >= top + rows)
		top = cur - rows + 1;
	if (top + rows > n)
		top = n > rows ? n - rows : 0;
	return top;
}
