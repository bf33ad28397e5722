/*
 * tui_actions: one function per action of the key table.  Each changes the
 * state and returns what must be redrawn (TUI_DIRTY_*), never draws.
 */
#include "config.h"

#include "tui_int.h"
#include "util.h"

#include <stdlib.h>

static const double intervals[] = {
	0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60,
};

unsigned
act_quit(struct tui *t, int key)
{
	(void)t;
	(void)key;
	return TUI_QUIT;
}

unsigned
act_help(struct tui *t, int key)
{
	(void)key;
	t->help = !t->help;
	t->help_top = 0;
	return TUI_DIRTY_LAYOUT;
}

static enum tui_move
key_move(int key)
{
	switch (key) {
	case KEY_UP: case 'k': return MOVE_UP;
	case KEY_DOWN: case 'j': return MOVE_DOWN;
	case KEY_LEFT: case 'h': return MOVE_LEFT;
	case KEY_RIGHT: case 'l': return MOVE_RIGHT;
	case KEY_PPAGE: case 'B' & 0x1f: return MOVE_PGUP;
	case KEY_NPAGE: case 'F' & 0x1f: return MOVE_PGDN;
	case KEY_HOME: return MOVE_HOME;
	default: return MOVE_END;
	}
}

/* While the help is shown, moving scrolls it. */
static unsigned
help_scroll(struct tui *t, enum tui_move m)
{
	WINDOW *w = t->scr.help;
	int page = w != NULL ? getmaxy(w) - 2 : 1;
	int last = HV_MAX(0, tui_help_lines(w != NULL ? getmaxx(w) : 80) - page);
	int top = t->help_top;

	switch (m) {
	case MOVE_UP: top--; break;
	case MOVE_DOWN: top++; break;
	case MOVE_PGUP: top -= page; break;
	case MOVE_PGDN: top += page; break;
	case MOVE_HOME: top = 0; break;
	case MOVE_END: top = last; break;
	default: break;
	}
	t->help_top = HV_MAX(0, HV_MIN(top, last));
	return TUI_DIRTY_HELP;
}

unsigned
act_move(struct tui *t, int key)
{
	if (t->help)
		return help_scroll(t, key_move(key));
	if (t->scr.too_small)
		return 0;
	return tui_view_ops(t->view)->go(t, key_move(key));
}

unsigned
act_enter(struct tui *t, int key)
{
	(void)key;
	if (t->help)
		return act_help(t, key);
	return tui_view_ops(t->view)->enter(t);
}

unsigned
act_back(struct tui *t, int key)
{
	if (t->help)
		return act_help(t, key);
	if (t->why.shown)
		return tui_why_close(t);
	if (t->view == t->back)
		return 0;
	return tui_set_view(t, t->back, VIEW_ARENAS);
}

/* The Tab cycle: the types view only when the frame has types; the arena
 * detail stands where the arena map does. */
static const enum tui_view cycle[] = {
	VIEW_ARENAS, VIEW_POOL, VIEW_CLASSES, VIEW_STRIP, VIEW_TYPES,
};

static unsigned
cycle_view(struct tui *t, int step)
{
	size_t n = HV_ARRAY_LEN(cycle), i = 0;

	while (i < n && cycle[i] != t->view)
		i++;
	if (i == n)
		i = 0;
	do
		i = (i + n + (size_t)step) % n;
	while (cycle[i] == VIEW_TYPES && t->frame->types == NULL);
	return tui_set_view(t, cycle[i], t->view);
}

unsigned
act_next_view(struct tui *t, int key)
{
	(void)key;
	return cycle_view(t, 1);
}

unsigned
act_prev_view(struct tui *t, int key)
{
	(void)key;
	return cycle_view(t, -1);
}

static unsigned
play_live(struct tui *t)
{
	if (t->exited) {
		tui_status(t, "the target has exited; nothing more to capture");
		return TUI_DIRTY_FOOTER;
	}
	t->playing = !t->playing;
	t->next_tick = util_monotonic();
	return TUI_DIRTY_HEADER | TUI_DIRTY_TIMELINE;
}

unsigned
act_play(struct tui *t, int key)
{
	unsigned dirty = TUI_DIRTY_HEADER | TUI_DIRTY_TIMELINE;

	(void)key;
	if (t->feed->live)
		return play_live(t);
	if (t->playing) {
		t->playing = 0;
		return dirty;
	}
	if (t->tl.count < 2) {
		tui_status(t, "one frame: nothing to play");
		return TUI_DIRTY_FOOTER;
	}
	if (t->pos + 1 >= t->tl.count)
		dirty |= tui_show(t, 0);
	t->playing = 1;
	t->next_tick = util_monotonic() + tui_frame_gap(t, t->pos);
	return dirty;
}

/* Shows frame i; live, leaving the newest frame stops following. */
static unsigned
go_frame(struct tui *t, size_t i)
{
	unsigned dirty;

	if (t->tl.count == 0)
		return 0;
	if (i >= t->tl.count)
		i = t->tl.count - 1;
	if (t->feed->live)
		t->follow = i + 1 == t->tl.count;
	if (i == t->pos)
		return TUI_DIRTY_TIMELINE;
	dirty = tui_show(t, i);
	if (!t->feed->live && t->playing)
		t->next_tick = util_monotonic() + tui_frame_gap(t, t->pos);
	return dirty;
}

unsigned
act_step(struct tui *t, int key)
{
	if (!t->feed->live)
		t->playing = 0;
	if (key == ',' || key == '<') {
		if (t->pos == 0) {
			tui_status(t, "this is the first frame");
			return TUI_DIRTY_FOOTER | TUI_DIRTY_HEADER;
		}
		return go_frame(t, t->pos - 1) | TUI_DIRTY_HEADER;
	}
	if (t->pos + 1 >= t->tl.count) {
		tui_status(t, "this is the last frame");
		return TUI_DIRTY_FOOTER | TUI_DIRTY_HEADER;
	}
	return go_frame(t, t->pos + 1) | TUI_DIRTY_HEADER;
}

unsigned
act_speed(struct tui *t, int key)
{
	if (t->feed->live) {
		tui_status(t, "live: + and - change the capture interval");
		return TUI_DIRTY_FOOTER;
	}
	if (key == '[' && t->speed > 0)
		t->speed--;
	else if (key == ']' && (size_t)t->speed + 1 < tui_nspeeds)
		t->speed++;
	if (t->playing)
		t->next_tick = util_monotonic() + tui_frame_gap(t, t->pos);
	return TUI_DIRTY_HEADER | TUI_DIRTY_TIMELINE;
}

unsigned
act_first(struct tui *t, int key)
{
	(void)key;
	return go_frame(t, 0) | TUI_DIRTY_HEADER;
}

unsigned
act_last(struct tui *t, int key)
{
	(void)key;
	if (t->tl.count == 0)
		return 0;
	return go_frame(t, t->tl.count - 1) | TUI_DIRTY_HEADER;
}

unsigned
act_interval(struct tui *t, int key)
{
	size_t i, n = HV_ARRAY_LEN(intervals);
	double v = t->interval;

	if (!t->feed->live) {
		tui_status(t, "replay: [ and ] change the speed");
		return TUI_DIRTY_FOOTER;
	}
	if (key == '+' || key == '=') {
		for (i = 0; i < n && intervals[i] <= v * 1.001; i++)
			;
		v = i < n ? intervals[i] : intervals[n - 1];
	} else {
		for (i = n; i > 0 && intervals[i - 1] >= v * 0.999; i--)
			;
		v = i > 0 ? intervals[i - 1] : intervals[0];
	}
	if (t->playing)
		t->next_tick += v - t->interval;
	t->interval = v;
	return TUI_DIRTY_HEADER;
}

unsigned
act_freeze(struct tui *t, int key)
{
	struct tui_feed *f = t->feed;
	int on;

	(void)key;
	if (!f->live || f->set_freeze == NULL) {
		tui_status(t, "f freezes a live target only");
		return TUI_DIRTY_FOOTER;
	}
	if (t->exited)
		return 0;
	/* the capture thread switches it between two captures (tui_live.c);
	 * pressed again before that, the key takes its wish back */
	on = t->want_freeze >= 0 ? !t->want_freeze : !f->freeze;
	t->want_freeze = on == f->freeze ? -1 : on;
	return 0;
}

unsigned
act_theme(struct tui *t, int key)
{
	(void)key;
	if (!t->scr.colors) {
		tui_status(t, "mono only: %s", t->opt.no_color ?
		    "NO_COLOR or --no-color is set" : "the terminal has no colors");
		return TUI_DIRTY_FOOTER;
	}
	tui_screen_theme(&t->scr, (t->scr.theme + 1) % TUI_NTHEMES);
	/* mono has more letters than some terminals have colors */
	tui_types_palette(t);
	tui_status(t, "theme: %s", t->scr.theme == TUI_THEME_COLOR ? "color" :
	    t->scr.theme == TUI_THEME_MONO ? "mono" : "slides");
	return TUI_DIRTY_LAYOUT;
}

unsigned
act_presenter(struct tui *t, int key)
{
	(void)key;
	t->scr.presenter = !t->scr.presenter;
	tui_status(t, "presenter mode %s", t->scr.presenter ? "on: bigger "
	    "cells, no addresses, the label large" : "off");
	return TUI_DIRTY_LAYOUT;
}

/* ---- labels ---------------------------------------------------------- */

unsigned
act_label(struct tui *t, int key)
{
	(void)key;
	if (t->feed->set_label == NULL) {
		tui_status(t, "labels are for live captures");
		return TUI_DIRTY_FOOTER;
	}
	t->prompting = 1;
	t->prompt_len = 0;
	t->prompt[0] = '\0';
	return TUI_DIRTY_FOOTER;
}

/* Backspace: the last character, all its UTF-8 bytes. */
static void
prompt_erase(struct tui *t)
{
	while (t->prompt_len > 0 &&
	    ((unsigned char)t->prompt[--t->prompt_len] & 0xc0) == 0x80)
		;
	t->prompt[t->prompt_len] = '\0';
}

unsigned
tui_prompt_key(struct tui *t, int key)
{
	switch (key) {
	case 27:	/* Esc */
		t->prompting = 0;
		tui_status(t, "no label");
		return TUI_DIRTY_FOOTER;
	case '\r':
	case '\n':
	case KEY_ENTER:
		t->prompting = 0;
		if (t->prompt_len == 0)
			return TUI_DIRTY_FOOTER;
		t->feed->set_label(t->feed->ctx, t->prompt);
		tui_status(t, "label \"%s\": on the next capture", t->prompt);
		return TUI_DIRTY_FOOTER;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		prompt_erase(t);
		return TUI_DIRTY_FOOTER;
	default:
		/* printable ASCII and the bytes of UTF-8 characters */
		if (key < 0x20 || key == 0x7f || key > 0xff ||
		    t->prompt_len == TUI_LABEL_MAX)
			return 0;
		t->prompt[t->prompt_len++] = (char)key;
		t->prompt[t->prompt_len] = '\0';
		return TUI_DIRTY_FOOTER;
	}
}

unsigned
act_redraw(struct tui *t, int key)
{
	(void)t;
	(void)key;
	clearok(curscr, TRUE);
	return TUI_DIRTY_LAYOUT;
}

unsigned
act_mouse(struct tui *t, int key)
{
	WINDOW *w = t->scr.win[PANEL_VIEW];
	MEVENT ev;
	int y, x;

	(void)key;
	if (getmouse(&ev) != OK || w == NULL || t->help)
		return 0;
	if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)))
		return 0;
	y = ev.y;
	x = ev.x;
	if (!wmouse_trafo(w, &y, &x, FALSE))
		return 0;
	return tui_view_ops(t->view)->click(t, y, x);
}

unsigned
act_by_type(struct tui *t, int key)
{
	(void)key;
	if (t->frame->types == NULL) {
		tui_status(t, "no types: run with --types");
		return TUI_DIRTY_FOOTER;
	}
	t->by_type = !t->by_type;
	tui_status(t, "color by type: %s", t->by_type ? "on" : "off");
	return TUI_DIRTY_VIEW | TUI_DIRTY_FOOTER;
}

/* From the types view: the first arena the type pins, else the first it
 * lives in. */
static size_t
type_arena(const struct tui *t)
{
	const struct heap_census_row *r = tui_cur_type(t);
	const struct tui_type_arenas *ta;

	if (r == NULL)
		return t->arena;
	ta = &t->frame->types->arenas[r->type];
	if (ta->npins > 0)
		return ta->pins[0];
	return ta->narenas > 0 ? ta->first : t->arena;
}

/* The strip's cursor cell, as an arena and pool. */
static void
strip_select(struct tui *t)
{
	size_t g = t->strip_unit / 16, a;

	if (t->frame->npools == 0)
		return;
	a = tui_frame_arena_of(t->frame, g);
	tui_select_pool(t, a, (uint32_t)(g - t->frame->arena_first[a]));
}

unsigned
act_arena(struct tui *t, int key)
{
	(void)key;
	if (t->help)
		return 0;
	if (t->view == VIEW_ARENA)
		return act_back(t, key);
	if (t->frame->heap->narenas == 0) {
		tui_status(t, "no arenas");
		return TUI_DIRTY_FOOTER;
	}
	if (t->view == VIEW_TYPES)
		tui_select_pool(t, type_arena(t), 0);
	else if (t->view == VIEW_STRIP)
		strip_select(t);
	return tui_set_view(t, VIEW_ARENA, t->view);
}

unsigned
act_malloc(struct tui *t, int key)
{
	(void)key;
	if (t->help)
		return 0;
	tui_malloc_read(t);
	return tui_set_view(t, VIEW_MALLOC, t->view == VIEW_MALLOC ?
	    t->back : t->view);
}

unsigned
act_mark(struct tui *t, int key)
{
	(void)key;
	tui_mark_set(t);
	tui_status(t, "mark: frame %zu%s", t->mark.number,
	    t->frame->heap->level != HEAP_LEVEL_BLOCKS ?
	    " (pool level: a diff needs --types or a block-level recording)" :
	    t->frame->heap->ntypes == 0 ? " (no types: new blocks only)" : "");
	return TUI_DIRTY_FRAME | TUI_DIRTY_FOOTER;
}

unsigned
act_unmark(struct tui *t, int key)
{
	(void)key;
	if (t->mark.frame == NULL) {
		tui_status(t, "no mark to clear (m marks the frame shown)");
		return TUI_DIRTY_FOOTER;
	}
	tui_mark_clear(t);
	tui_status(t, "mark cleared");
	return TUI_DIRTY_FRAME | TUI_DIRTY_FOOTER;
}
