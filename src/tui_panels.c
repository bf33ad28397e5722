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

/* Adds text at the cursor, cut at the right edge of the window (never
 * wrapping); bytes that are not text in the locale show as '?'. */
void
tui_puts(WINDOW *w, const char *s)
{
	wchar_t ws[512];
	mbstate_t st;
	size_t n = 0, r;
	int room = getmaxx(w) - getcurx(w);
	const char *c;

	/* plain printable ASCII, the usual case, goes straight through */
	for (c = s; *c >= ' ' && *c <= '~'; c++)
		;
	if (*c == '\0') {
		if (room > 0)
			waddnstr(w, s, HV_MIN((int)(c - s), room));
		return;
	}
	memset(&st, 0, sizeof st);
	while (*s != '\0' && n < HV_ARRAY_LEN(ws) - 1 && (int)n < room) {
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
	if (room > 0)
		waddnwstr(w, ws, (int)n);
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

/* The title gives way: the state on the right must always show. */
void
tui_draw_header(struct tui *t, WINDOW *w)
{
	const struct heap_process *p = &t->frame->heap->process;
	const char *title = t->feed->title != NULL ? t->feed->title : "";
	char state[128];
	int room;

	if (t->feed->live)
		snprintf(state, sizeof state, "Python %s  live, every %gs, %s",
		    p->python != NULL ? p->python : "?", t->interval,
		    play_state(t));
	else
		snprintf(state, sizeof state, "Python %s  replay %gx, %s",
		    p->python != NULL ? p->python : "?", tui_speeds[t->speed],
		    play_state(t));
	fill_line(w, ROLE_TITLE);
	tui_puts(w, " heapview  ");
	room = getmaxx(w) - getcurx(w) - (int)strlen(state) - 2 -
	    (getmaxx(w) >= 80 ? 8 : 0);
	if (room > 3 && (int)strlen(title) > room)
		tui_printf(w, "%.*s...  ", room - 3, title);
	else if (room > 3)
		tui_printf(w, "%s  ", title);
	if (t->exited)
		tui_role(w, ROLE_WARN);
	tui_puts(w, state);
	tui_role(w, ROLE_TITLE);
	if (getmaxx(w) >= 80 && getcurx(w) + 2 < getmaxx(w) - 8) {
		wmove(w, 0, getmaxx(w) - 8);
		tui_puts(w, "? help");
	}
}

/* ---- totals ---------------------------------------------------------- */
static void
total(WINDOW *w, const char *label, const char *value)
{
	tui_role(w, ROLE_NORMAL);
	tui_puts(w, label);
	tui_role(w, ROLE_VALUE);
	tui_puts(w, value);
}

/* "pinned 3 arenas, 768.0 KiB for 41 objects": the carved pools a few
 * survivors keep resident (--types; heap_arena_pinned says which). */
static void
pinned_total(WINDOW *w, const struct heap_pinning *pin)
{
	char m[32], buf[96];

	tui_format_bytes(m, sizeof m, pin->carved_bytes);
	snprintf(buf, sizeof buf, "%" PRIu64 " arena%s, %s for %" PRIu64
	    " objects", pin->narenas, pin->narenas == 1 ? "" : "s", m,
	    pin->objects);
	/* the count alone when the sentence does not fit, else nothing */
	if (getmaxx(w) - getcurx(w) < (int)strlen(buf) + 9)
		snprintf(buf, sizeof buf, "%" PRIu64 " arena%s", pin->narenas,
		    pin->narenas == 1 ? "" : "s");
	if (getmaxx(w) - getcurx(w) >= (int)strlen(buf) + 9)
		total(w, "  pinned ", buf);
}

void
tui_draw_totals(struct tui *t, WINDOW *w)
{
	const struct heap_stats *st = &t->frame->stats;
	char a[32], b[32], c[32], buf[64];

	tui_format_bytes(a, sizeof a, st->arena_bytes);
	snprintf(buf, sizeof buf, "%" PRIu64 " (%s)", st->narenas, a);
	wmove(w, 0, 1);
	total(w, "arenas ", buf);
	tui_format_bytes(b, sizeof b, st->allocated_bytes);
	total(w, "  allocated ", b);
	tui_format_bytes(c, sizeof c, st->available_bytes);
	total(w, "  free in pools ", c);
	snprintf(buf, sizeof buf, "%.1f%%", 100 * t->frame->util);
	total(w, "  utilisation ", buf);
	if (t->frame->heap->process.rss_bytes != 0)
		tui_format_bytes(buf, sizeof buf,
		    t->frame->heap->process.rss_bytes);
	else
		snprintf(buf, sizeof buf, "?");
	total(w, "  RSS ", buf);
	if (st->invalid_pools > 0) {
		snprintf(buf, sizeof buf, "  %" PRIu64 " invalid", st->invalid_pools);
		tui_role(w, ROLE_WARN);
		tui_puts(w, buf);
	}
	if (t->frame->types != NULL)
		pinned_total(w, &t->frame->types->pinning);
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

/* ---- footer ---------------------------------------------------------- */
void
tui_draw_footer(struct tui *t, WINDOW *w)
{
	unsigned mode = t->feed->live ? TUI_KEY_LIVE : TUI_KEY_REPLAY;
	size_t i;

	fill_line(w, ROLE_BAR);
	if (t->status != NULL) {
		tui_puts(w, " ");
		tui_puts(w, t->status);
		return;
	}
	for (i = 0; i < tui_nkeys; i++) {
		const struct tui_key *k = &tui_keys[i];

		if (k->hint == NULL || !(k->modes & mode) ||
		    ((k->modes & TUI_KEY_TYPES) && t->frame->types == NULL) ||
		    ((k->modes & TUI_KEY_OUTPUT) && t->feed->output == NULL))
			continue;
		tui_role(w, ROLE_KEY);
		tui_printf(w, " %s", k->label);
		tui_role(w, ROLE_BAR);
		tui_printf(w, " %s ", k->hint);
	}
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
