/*
 * tui_loop: tui_run and the one loop.
 *
 * Each turn: the timeout follows from the state (the next capture or frame
 * when playing, the capture indicator's next step, the end of a highlight or
 * a status line, background scanning of a recording; otherwise wait for a
 * key), one poll waits for the terminal and the capture thread's pipe
 * (tui_live.c), the key, the answer or the tick says what changed, and only
 * what changed is drawn, each window with wnoutrefresh and the terminal with
 * one doupdate.  Live captures never run here.
 */
#include "config.h"

#include "tui_int.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HIGHLIGHT_SECS 1.0	/* how long changed cells stay highlighted */
#define STATUS_SECS 3.0
#define MAX_GAP_SECS 5.0	/* longer pauses in a recording are shortened */
#define SCAN_SECS 0.05		/* background scanning per turn of the loop */
#define OUTPUT_POLL_SECS 0.2	/* the output panel looks for new lines */

const double tui_speeds[] = { 0.25, 0.5, 1, 2, 4, 8, 16, 32 };
const size_t tui_nspeeds = HV_ARRAY_LEN(tui_speeds);
#define SPEED_1X 2

static const struct tui_view_ops *const views[TUI_NVIEWS] = {
	[VIEW_ARENAS] = &view_arenas_ops,
	[VIEW_POOL] = &view_pool_ops,
	[VIEW_CLASSES] = &view_classes_ops,
	[VIEW_STRIP] = &view_strip_ops,
	[VIEW_TYPES] = &view_types_ops,
	[VIEW_ARENA] = &view_arena_ops,
	[VIEW_MALLOC] = &view_malloc_ops,
};

const struct tui_view_ops *
tui_view_ops(enum tui_view v)
{
	return views[v];
}

/* ---- messages -------------------------------------------------------- */
void
tui_status(struct tui *t, const char *fmt, ...)
{
	va_list ap;

	free(t->status);
	va_start(ap, fmt);
	if (vasprintf(&t->status, fmt, ap) < 0)
		t->status = NULL;
	va_end(ap);
	t->status_until = util_monotonic() + STATUS_SECS;
}

/* Kept for stderr once the terminal is restored. */
void
tui_message(struct tui *t, const char *fmt, ...)
{
	va_list ap;
	char *line, *all;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0) {
		va_end(ap);
		return;
	}
	va_end(ap);
	all = xasprintf("%s%s\n", t->messages != NULL ? t->messages : "", line);
	free(line);
	free(t->messages);
	t->messages = all;
}

/* ---- the shown frame and the cursors --------------------------------- */
const struct heap_arena *
tui_cur_arena(const struct tui *t)
{
	const struct heap *h = t->frame->heap;

	return t->arena < h->narenas ? &h->arenas[t->arena] : NULL;
}

const struct heap_pool *
tui_cur_pool(const struct tui *t)
{
	const struct heap_arena *a = tui_cur_arena(t);

	return a != NULL && t->pool < a->npools ? &a->pools[t->pool] : NULL;
}

unsigned
tui_select_pool(struct tui *t, size_t arena, uint32_t pool)
{
	const struct heap *h = t->frame->heap;

	if (h->narenas == 0) {
		t->arena = 0;
		t->pool = 0;
		return TUI_DIRTY_VIEW;
	}
	if (arena >= h->narenas)
		arena = h->narenas - 1;
	if (pool >= h->arenas[arena].npools)
		pool = h->arenas[arena].npools > 0 ?
		    h->arenas[arena].npools - 1 : 0;
	if (arena != t->arena || pool != t->pool)
		t->block = 0;
	t->arena = arena;
	t->arena_addr = h->arenas[arena].address;
	t->pool = pool;
	return TUI_DIRTY_VIEW;
}

const struct heap_census_row *
tui_cur_type(const struct tui *t)
{
	const struct tui_types *ty = t->frame->types;

	if (ty == NULL || ty->census.nrows == 0)
		return NULL;
	return &ty->census.rows[HV_MIN(t->type_row, ty->census.nrows - 1)];
}

/* The types view's cursor stays on its type while the type has blocks. */
static void
type_follow(struct tui *t)
{
	const struct tui_types *ty = t->frame->types;
	long r = tui_types_find(t->frame, t->type_name);

	if (ty == NULL)
		return;
	if (r >= 0)
		t->type_row = (uint32_t)r;
	else if (t->type_row >= ty->census.nrows)
		t->type_row = ty->census.nrows > 0 ? ty->census.nrows - 1 : 0;
}

/* Keeps the cursor on the same arena when it still exists. */
static void
cursors_follow(struct tui *t)
{
	size_t i = tui_frame_find_arena(t->frame, t->arena_addr);
	uint32_t block = t->block;

	type_follow(t);
	tui_types_palette(t);
	tui_select_pool(t, i != (size_t)-1 ? i : t->arena, t->pool);
	t->block = block;
	if (t->strip_unit >= t->frame->npools * 16)
		t->strip_unit = t->frame->npools > 0 ?
		    t->frame->npools * 16 - 1 : 0;
}

/* A recording labels the frame where a phase starts; the frames after it
 * belong to the same phase. */
static const char *
phase_of(const struct tui *t, size_t i)
{
	const char *label;

	for (;; i--) {
		label = tui_timeline_label(&t->tl, i);
		if ((label != NULL && *label != '\0') || i == 0)
			return label;
	}
}

unsigned
tui_show(struct tui *t, size_t i)
{
	struct tui_frame *f;
	char *cause = NULL;

	f = tui_timeline_get(&t->tl, i, &cause);
	if (f == NULL) {
		tui_status(t, "frame %zu: %s", i + 1, cause);
		free(cause);
		return TUI_DIRTY_FOOTER;
	}
	tui_frame_diff(f, t->frame);
	tui_frame_unref(t->frame);
	t->frame = f;
	t->pos = i;
	t->phase = phase_of(t, i);
	t->changed_until = f->nchanged > 0 ?
	    util_monotonic() + HIGHLIGHT_SECS : 0;
	cursors_follow(t);
	return TUI_DIRTY_FRAME | TUI_DIRTY_FOOTER;
}

unsigned
tui_set_view(struct tui *t, enum tui_view v, enum tui_view back)
{
	t->back = back;
	t->view = v;
	return TUI_DIRTY_VIEW | TUI_DIRTY_HEADER | TUI_DIRTY_FOOTER;
}

/* ---- time ------------------------------------------------------------ */
/* Seconds from frame i to the next at the current speed. */
double
tui_frame_gap(const struct tui *t, size_t i)
{
	double gap = tui_timeline_time(&t->tl, i + 1) -
	    tui_timeline_time(&t->tl, i);

	if (!(gap > 0))
		gap = 0;
	if (gap > MAX_GAP_SECS)
		gap = MAX_GAP_SECS;
	return gap / tui_speeds[t->speed];
}

static unsigned
tick_play(struct tui *t, double now)
{
	unsigned dirty;

	if (t->pos + 1 >= t->tl.count) {
		t->playing = 0;
		return TUI_DIRTY_HEADER | TUI_DIRTY_TIMELINE;
	}
	dirty = tui_show(t, t->pos + 1);
	if (t->pos + 1 >= t->tl.count)
		t->playing = 0;
	else
		t->next_tick = now + tui_frame_gap(t, t->pos);
	return dirty | TUI_DIRTY_HEADER;
}

static unsigned
tick(struct tui *t)
{
	double now = util_monotonic();
	unsigned dirty = 0;

	if (t->changed_until > 0 && now >= t->changed_until) {
		t->changed_until = 0;
		dirty |= TUI_DIRTY_VIEW;
	}
	if (t->status != NULL && now >= t->status_until) {
		free(t->status);
		t->status = NULL;
		dirty |= TUI_DIRTY_FOOTER;
	}
	if (t->feed->live)
		dirty |= tui_live_tick(t);
	else if (t->playing && now >= t->next_tick)
		dirty |= tick_play(t, now);
	/* a frame at least, then as many as fit in a short slice */
	while (tui_timeline_scan(&t->tl)) {
		dirty |= TUI_DIRTY_TIMELINE;
		if (util_monotonic() - now >= SCAN_SECS)
			break;
	}
	return dirty | tui_output_tick(t);
}

static int
wait_ms(const struct tui *t)
{
	double now = util_monotonic(), deadline = INFINITY, ms;

	if (!t->tl.live && t->tl.scan_next < t->tl.count)
		return 0;
	if (t->feed->live) {
		double live = tui_live_deadline(t, now);

		if (live >= 0)
			deadline = live;
	} else if (t->playing)
		deadline = t->next_tick;
	if (t->changed_until > 0)
		deadline = HV_MIN(deadline, t->changed_until);
	if (t->status != NULL)
		deadline = HV_MIN(deadline, t->status_until);
	if (t->output)	/* the reader thread does not wake the loop */
		deadline = HV_MIN(deadline, now + OUTPUT_POLL_SECS);
	if (isinf(deadline))
		return -1;
	ms = ceil((deadline - now) * 1000);
	return ms <= 0 ? 0 : ms > INT_MAX ? INT_MAX : (int)ms;
}

/* ---- drawing --------------------------------------------------------- */
typedef void (*panel_draw)(struct tui *, WINDOW *);

static void
draw_panel(struct tui *t, enum tui_panel p, panel_draw fn)
{
	WINDOW *w = t->scr.win[p];

	werase(w);
	fn(t, w);
	wnoutrefresh(w);
}

static void
draw_view(struct tui *t, WINDOW *w)
{
	if (t->scr.banner != NULL) {	/* the label goes with the frame */
		werase(t->scr.banner);
		tui_draw_banner(t, t->scr.banner);
		wnoutrefresh(t->scr.banner);
	}
	views[t->view]->draw(t, w);
	tui_draw_why(t, w);
}

/* Draws what dirty names, each window with wnoutrefresh, then one doupdate.
 * bench/bench_tui_draw.sh counts the instructions of this function. */
void
tui_draw(struct tui *t, unsigned dirty)
{
	if (t->scr.too_small) {
		if (dirty != 0)
			tui_draw_too_small(t);
		doupdate();
		return;
	}
	tui_mark_update(t);
	if (dirty & TUI_DIRTY_HEADER)
		draw_panel(t, PANEL_HEADER, tui_draw_header);
	if (dirty & TUI_DIRTY_TOTALS)
		draw_panel(t, PANEL_TOTALS, tui_draw_totals);
	if (dirty & TUI_DIRTY_VIEW)
		draw_panel(t, PANEL_VIEW, draw_view);
	if (dirty & TUI_DIRTY_TIMELINE)
		draw_panel(t, PANEL_TIMELINE, tui_draw_timeline);
	if (dirty & TUI_DIRTY_FOOTER)
		draw_panel(t, PANEL_FOOTER, tui_draw_footer);
	if (t->scr.output != NULL && (dirty & TUI_DIRTY_OUTPUT)) {
		werase(t->scr.output);
		tui_draw_output(t, t->scr.output);
		wnoutrefresh(t->scr.output);
	}
	/* the overlay lies on the view: it goes out after it */
	if (t->scr.help != NULL && (dirty & (TUI_DIRTY_VIEW | TUI_DIRTY_HELP))) {
		werase(t->scr.help);
		tui_draw_help(t, t->scr.help);
		wnoutrefresh(t->scr.help);
	}
	doupdate();
}

/* ---- the loop -------------------------------------------------------- */
static unsigned
handle_key(struct tui *t, int ch)
{
	if (t->prompting)
		return tui_prompt_key(t, ch);
	const struct tui_key *k = tui_key_find(ch);

	if (k == NULL)
		return 0;
	return k->action(t, ch);
}

/*
 * The next key, or ERR when none came before the timeout or the worker
 * answered first.  A key that curses holds already is taken at once; else
 * poll waits on the terminal and the worker's pipe together, and a signal
 * (SIGWINCH: KEY_RESIZE, SIGINT) cuts it short too.  A fatal error that
 * another thread left ends heapview here (tui_screen.c).
 */
static int
next_key(struct tui *t)
{
	struct pollfd pfd[3];
	nfds_t n = 2;
	int ch;

	timeout(0);
	if ((ch = getch()) != ERR || tui_screen_signal() != 0)
		return ch;
	pfd[0] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = tui_screen_fatal_fd(),
	    .events = POLLIN };
	if (tui_live_fd(t) >= 0)
		pfd[n++] = (struct pollfd){ .fd = tui_live_fd(t),
		    .events = POLLIN };
	ch = poll(pfd, n, wait_ms(t));
	if (pfd[1].revents != 0)
		tui_screen_fatal();
	if (ch == 0 || (ch < 0 && errno != EINTR))
		return ERR;
	return getch();
}

static int
loop(struct tui *t)
{
	unsigned dirty = TUI_DIRTY_LAYOUT | TUI_DIRTY_ALL;
	int ch;

	for (;;) {
		/* a frame with a resident breakdown has a line more on top */
		if (tui_totals_lines(t) != t->scr.totals_lines)
			dirty |= TUI_DIRTY_LAYOUT;
		if (dirty & TUI_DIRTY_LAYOUT) {
			t->scr.totals_lines = tui_totals_lines(t);
			t->scr.output_lines = tui_output_lines(t, LINES);
			tui_screen_layout(&t->scr, t->help);
			dirty |= TUI_DIRTY_ALL;
		}
		if (dirty != 0)
			tui_draw(t, dirty);
		dirty = 0;
		/* drawing may have asked for a value */
		tui_live_post(t);
		ch = next_key(t);
		if (tui_screen_signal() != 0)
			return tui_screen_signal();
		if (ch == KEY_RESIZE)
			dirty |= TUI_DIRTY_LAYOUT;
		else if (ch != ERR)
			dirty |= handle_key(t, ch);
		if (dirty & TUI_QUIT)
			return 0;
		dirty |= tick(t);
	}
}

/* ---- setup ----------------------------------------------------------- */
/* Replay: the frame shown first. */
static int
first_frame(struct tui *t, char **cause)
{
	size_t n = t->tl.count;
	const char *name = t->feed->title != NULL ? t->feed->title : "file";

	if (n == 0)
		return util_cause(cause, "%s: no frames", name);
	if (t->opt.start_frame > 0 && (size_t)t->opt.start_frame > n)
		return util_cause(cause, "%s: no frame %ld: it has %zu "
		    "frame%s, numbered from 1", name, t->opt.start_frame, n,
		    n == 1 ? "" : "s");
	t->pos = t->opt.start_frame > 0 ? (size_t)t->opt.start_frame - 1 : 0;
	t->frame = tui_timeline_get(&t->tl, t->pos, cause);
	return t->frame != NULL ? 0 : -1;
}

static int
quit_key(int ch)
{
	const struct tui_key *k = tui_key_find(ch);

	return k != NULL && k->action == act_quit;
}

static void
draw_first(struct tui *t)
{
	if (COLS < TUI_MIN_COLS || LINES < TUI_MIN_LINES)
		tui_draw_too_small(t);
	else
		tui_draw_first(t);
	doupdate();
}

/*
 * Live: the first capture, made by the capture thread like the others,
 * with the screen open meanwhile -- on a big heap it takes seconds -- and
 * saying so: the header, the spinner and how far the walk got.  Quitting
 * (q, a signal) does not wait for it; other keys wait for the frame, as
 * typed ahead (FIRST_KEYS_AHEAD of them).  Returns 0 with the first frame
 * shown, 1 when the user quit, or -1 with *cause when it failed.
 */
#define FIRST_KEYS_AHEAD 32

static int
first_capture(struct tui *t, char **cause)
{
	unsigned dirty = TUI_DIRTY_ALL;
	int ch, ahead[FIRST_KEYS_AHEAD], nahead = 0;

	t->next_tick = util_monotonic();
	while (t->frame == NULL) {
		if (t->first_error != NULL) {
			*cause = t->first_error;
			t->first_error = NULL;
			return -1;
		}
		if (dirty != 0)
			draw_first(t);
		tui_live_post(t);
		ch = next_key(t);
		if (tui_screen_signal() != 0 || quit_key(ch))
			return 1;
		if (ch != ERR && ch != KEY_RESIZE && ch != KEY_MOUSE &&
		    nahead < FIRST_KEYS_AHEAD)
			ahead[nahead++] = ch;
		dirty = ch == KEY_RESIZE ? TUI_DIRTY_ALL : 0;
		dirty |= tui_live_tick(t);
	}
	/* curses gives back the last key pushed first */
	while (nahead > 0)
		ungetch(ahead[--nahead]);
	/* the loop draws in its windows from now on */
	werase(stdscr);
	wnoutrefresh(stdscr);
	return 0;
}

static void
tui_free(struct tui *t)
{
	int i;

	tui_live_stop(t);
	tui_why_free(t);
	tui_mark_clear(t);
	tui_frame_unref(t->frame);
	tui_timeline_free(&t->tl);
	free(t->status);
	free(t->messages);
	free(t->last_error);
	free(t->first_error);
	free(t->blocks.pool.blocks);
	free(t->type_name);
	for (i = 0; i < TUI_TYPE_COLORS; i++)
		free(t->color_name[i]);
	heap_census_free(&t->acensus.census);
	tui_values_free(t);
	tui_malloc_free(t);
}

static void
report(struct tui *t)
{
	if (t->capture_errors > 0)
		tui_message(t, "heapview: %d captures failed; the last: %s",
		    t->capture_errors, t->last_error);
	if (t->messages != NULL)
		fputs(t->messages, stderr);
}

int
tui_run(const struct tui_options *o, struct tui_feed *feed, char **cause)
{
	struct tui t;
	int sig, rc = 0;

	memset(&t, 0, sizeof t);
	t.opt = *o;
	t.feed = feed;
	t.interval = o->interval > 0 ? o->interval : 0.5;
	t.speed = SPEED_1X;
	t.follow = 1;
	t.view = t.back = VIEW_ARENAS;
	t.worker.wake[0] = t.worker.wake[1] = -1;
	t.want_freeze = -1;
	t.spin_drawn = -1;
	tui_timeline_init(&t.tl, feed);
	t.playing = feed->live;
	if ((!feed->live && first_frame(&t, cause) != 0) ||
	    tui_screen_open(&t.scr, o, cause) != 0 ||
	    tui_live_start(&t, cause) != 0 ||
	    (feed->live && (rc = first_capture(&t, cause)) < 0)) {
		tui_screen_close();
		tui_screen_fatal();
		tui_free(&t);
		return -1;
	}
	if (rc == 0) {
		cursors_follow(&t);
		t.phase = phase_of(&t, t.pos);
		if (!feed->live)
			t.next_tick = util_monotonic() + t.interval;
		sig = loop(&t);
	} else
		sig = tui_screen_signal();
	tui_screen_layout_free(&t.scr);
	tui_screen_close();
	/* one left by another thread as the loop ended; from now on a thread
	 * that fails says it itself */
	tui_screen_fatal();
	/* a capture under way stops between two batches of arenas */
	tui_live_stop(&t);
	report(&t);
	tui_free(&t);
	if (sig != 0) {
		if (feed->on_signal != NULL)
			feed->on_signal(feed->ctx);
		signal(sig, SIG_DFL);
		raise(sig);
	}
	return 0;
}
