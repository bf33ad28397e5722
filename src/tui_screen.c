/*
 * tui_screen: the only place that sets the terminal up and puts it back.
 *
 * The terminal is restored by tui_screen_close(), which atexit, the fatal
 * hook and tui_run all call (it does nothing the second time).  SIGINT and
 * SIGTERM only set a flag: the loop sees it when getch returns, leaves, and
 * re-raises the signal once the terminal is back.
 *
 * Only the thread that opened the screen (the loop's) calls curses, the
 * teardown included.  A fatal error (out of memory) in another thread --
 * the capture thread, its readers, the recorder's writer -- is handed to
 * the loop: the failing thread leaves the message, writes a byte to a pipe
 * that the loop polls with the keyboard and stops for good; the loop
 * restores the terminal, says it and exits 1 (tui_screen_fatal).  Once the
 * screen is closed a failing thread says it and exits itself.
 */
#include "config.h"

#include "tui_int.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static SCREEN *screen;
static pthread_t screen_thread;		/* the loop's: it opened the screen */
static volatile sig_atomic_t screen_signal;
/* fatal_mu guards screen_active and the fatal error another thread left */
static pthread_mutex_t fatal_mu = PTHREAD_MUTEX_INITIALIZER;
static int screen_active;
static int fatal_left;
static char fatal_msg[512];
static int fatal_pipe[2] = { -1, -1 };	/* a byte once fatal_left */

/* ---- themes ---------------------------------------------------------- */
#define PAPER	(-2)	/* the slides' white: bright white when there is one */
#define INK	COLOR_BLACK
#define DFLT	(-1)
#define GREY	(-3)	/* grey with 256 colors, else the ink */

struct tui_look {
	short	fg, bg;
	attr_t	attr;
};

/* Color by type: six hues every color terminal has, two more with 256
 * colors (orange, violet); raw and other stay uncolored, raw grey where
 * there is one. */
#define TYPE_LOOKS(fg, bg) \
		[ROLE_TYPE_0] =		{ COLOR_RED, bg, A_NORMAL }, \
		[ROLE_TYPE_0 + 1] =	{ COLOR_GREEN, bg, A_NORMAL }, \
		[ROLE_TYPE_0 + 2] =	{ COLOR_BLUE, bg, A_NORMAL }, \
		[ROLE_TYPE_0 + 3] =	{ COLOR_MAGENTA, bg, A_NORMAL }, \
		[ROLE_TYPE_0 + 4] =	{ COLOR_YELLOW, bg, A_NORMAL }, \
		[ROLE_TYPE_0 + 5] =	{ COLOR_CYAN, bg, A_NORMAL }, \
		[ROLE_TYPE_0 + 6] =	{ 208, bg, A_NORMAL }, \
		[ROLE_TYPE_0 + 7] =	{ 99, bg, A_NORMAL }, \
		[ROLE_TYPE_RAW] =	{ GREY, bg, A_DIM }, \
		[ROLE_TYPE_OTHER] =	{ fg, bg, A_NORMAL },

static const struct tui_look looks[TUI_NTHEMES][TUI_NROLES] = {
	[TUI_THEME_COLOR] = {
		[ROLE_NORMAL] =		{ DFLT, DFLT, A_NORMAL },
		[ROLE_TITLE] =		{ COLOR_WHITE, COLOR_BLUE, A_BOLD },
		[ROLE_BAR] =		{ COLOR_BLACK, COLOR_CYAN, A_NORMAL },
		[ROLE_KEY] =		{ COLOR_BLACK, COLOR_CYAN, A_BOLD },
		[ROLE_DIM] =		{ COLOR_CYAN, DFLT, A_NORMAL },
		[ROLE_VALUE] =		{ DFLT, DFLT, A_BOLD },
		[ROLE_POOL_FULL] =	{ COLOR_RED, DFLT, A_NORMAL },
		[ROLE_POOL_USED] =	{ COLOR_YELLOW, DFLT, A_NORMAL },
		[ROLE_POOL_EMPTY] =	{ COLOR_GREEN, DFLT, A_NORMAL },
		[ROLE_POOL_UNTOUCHED] =	{ COLOR_BLUE, DFLT, A_NORMAL },
		[ROLE_POOL_INVALID] =	{ COLOR_MAGENTA, DFLT, A_BOLD },
		[ROLE_BLOCK_ALLOCATED] = { COLOR_RED, DFLT, A_NORMAL },
		[ROLE_BLOCK_FREE] =	{ COLOR_GREEN, DFLT, A_NORMAL },
		[ROLE_BLOCK_UNTOUCHED] = { COLOR_BLUE, DFLT, A_NORMAL },
		[ROLE_BLOCK_UNKNOWN] =	{ COLOR_MAGENTA, DFLT, A_NORMAL },
		[ROLE_STRIP] =		{ DFLT, DFLT, A_NORMAL },
		[ROLE_BAR_USED] =	{ COLOR_RED, DFLT, A_NORMAL },
		[ROLE_BAR_AVAIL] =	{ COLOR_GREEN, DFLT, A_NORMAL },
		[ROLE_SPARK] =		{ COLOR_CYAN, DFLT, A_NORMAL },
		[ROLE_CHANGED] =	{ COLOR_WHITE, COLOR_MAGENTA, A_BOLD },
		[ROLE_CURSOR] =		{ COLOR_CYAN, COLOR_BLUE, A_BOLD },
		[ROLE_WARN] =		{ COLOR_RED, DFLT, A_BOLD },
		[ROLE_HELP] =		{ DFLT, DFLT, A_NORMAL },
		[ROLE_NEW] =		{ DFLT, DFLT, A_BOLD },
		TYPE_LOOKS(DFLT, DFLT)
	},
	[TUI_THEME_MONO] = {
		[ROLE_NORMAL] =		{ DFLT, DFLT, A_NORMAL },
		[ROLE_TITLE] =		{ DFLT, DFLT, A_REVERSE | A_BOLD },
		[ROLE_BAR] =		{ DFLT, DFLT, A_REVERSE },
		[ROLE_KEY] =		{ DFLT, DFLT, A_REVERSE | A_BOLD },
		[ROLE_DIM] =		{ DFLT, DFLT, A_DIM },
		[ROLE_VALUE] =		{ DFLT, DFLT, A_BOLD },
		[ROLE_POOL_FULL] =	{ DFLT, DFLT, A_NORMAL },
		[ROLE_POOL_USED] =	{ DFLT, DFLT, A_NORMAL },
		[ROLE_POOL_EMPTY] =	{ DFLT, DFLT, A_NORMAL },
		[ROLE_POOL_UNTOUCHED] =	{ DFLT, DFLT, A_DIM },
		[ROLE_POOL_INVALID] =	{ DFLT, DFLT, A_BOLD },
		[ROLE_BLOCK_ALLOCATED] = { DFLT, DFLT, A_NORMAL },
		[ROLE_BLOCK_FREE] =	{ DFLT, DFLT, A_NORMAL },
		[ROLE_BLOCK_UNTOUCHED] = { DFLT, DFLT, A_DIM },
		[ROLE_BLOCK_UNKNOWN] =	{ DFLT, DFLT, A_BOLD },
		[ROLE_STRIP] =		{ DFLT, DFLT, A_NORMAL },
		[ROLE_BAR_USED] =	{ DFLT, DFLT, A_NORMAL },
		[ROLE_BAR_AVAIL] =	{ DFLT, DFLT, A_DIM },
		[ROLE_SPARK] =		{ DFLT, DFLT, A_NORMAL },
		[ROLE_CHANGED] =	{ DFLT, DFLT, A_BOLD | A_UNDERLINE },
		[ROLE_CURSOR] =		{ DFLT, DFLT, A_REVERSE },
		[ROLE_WARN] =		{ DFLT, DFLT, A_BOLD | A_REVERSE },
		[ROLE_HELP] =		{ DFLT, DFLT, A_NORMAL },
		[ROLE_NEW] =		{ DFLT, DFLT, A_BOLD },
		/* the letters tell the types apart */
		[ROLE_TYPE_0] =		{ DFLT, DFLT, A_BOLD },
		[ROLE_TYPE_0 + 1] =	{ DFLT, DFLT, A_BOLD },
		[ROLE_TYPE_0 + 2] =	{ DFLT, DFLT, A_BOLD },
		[ROLE_TYPE_0 + 3] =	{ DFLT, DFLT, A_BOLD },
		[ROLE_TYPE_0 + 4] =	{ DFLT, DFLT, A_BOLD },
		[ROLE_TYPE_0 + 5] =	{ DFLT, DFLT, A_BOLD },
		[ROLE_TYPE_0 + 6] =	{ DFLT, DFLT, A_BOLD },
		[ROLE_TYPE_0 + 7] =	{ DFLT, DFLT, A_BOLD },
		[ROLE_TYPE_RAW] =	{ DFLT, DFLT, A_DIM },
		[ROLE_TYPE_OTHER] =	{ DFLT, DFLT, A_NORMAL },
	},
	/* The talk's diagrams: black ink on white paper, nothing else but a
	 * brief red for what just changed.  Nothing may invert that meaning:
	 * the cursor keeps the glyph of what it is on, and is marked blue and
	 * underlined, never in reverse video. */
	[TUI_THEME_SLIDES] = {
		[ROLE_NORMAL] =		{ INK, PAPER, A_NORMAL },
		[ROLE_TITLE] =		{ PAPER, INK, A_BOLD },
		[ROLE_BAR] =		{ PAPER, INK, A_NORMAL },
		[ROLE_KEY] =		{ PAPER, INK, A_BOLD },
		[ROLE_DIM] =		{ INK, PAPER, A_NORMAL },
		[ROLE_VALUE] =		{ INK, PAPER, A_BOLD },
		[ROLE_POOL_FULL] =	{ INK, PAPER, A_NORMAL },
		[ROLE_POOL_USED] =	{ INK, PAPER, A_NORMAL },
		[ROLE_POOL_EMPTY] =	{ INK, PAPER, A_NORMAL },
		[ROLE_POOL_UNTOUCHED] =	{ INK, PAPER, A_NORMAL },
		[ROLE_POOL_INVALID] =	{ INK, PAPER, A_BOLD },
		[ROLE_BLOCK_ALLOCATED] = { INK, PAPER, A_NORMAL },
		[ROLE_BLOCK_FREE] =	{ INK, PAPER, A_NORMAL },
		[ROLE_BLOCK_UNTOUCHED] = { INK, PAPER, A_NORMAL },
		[ROLE_BLOCK_UNKNOWN] =	{ INK, PAPER, A_NORMAL },
		[ROLE_STRIP] =		{ INK, PAPER, A_NORMAL },
		[ROLE_BAR_USED] =	{ INK, PAPER, A_NORMAL },
		[ROLE_BAR_AVAIL] =	{ INK, PAPER, A_NORMAL },
		[ROLE_SPARK] =		{ INK, PAPER, A_NORMAL },
		[ROLE_CHANGED] =	{ COLOR_RED, PAPER, A_NORMAL },
		[ROLE_CURSOR] =		{ COLOR_BLUE, PAPER, A_BOLD | A_UNDERLINE },
		[ROLE_WARN] =		{ INK, PAPER, A_BOLD | A_REVERSE },
		[ROLE_HELP] =		{ INK, PAPER, A_NORMAL },
		/* new since the mark: a glyph of its own, never inverted */
		[ROLE_NEW] =		{ INK, PAPER, A_BOLD },
		/* only when color by type is on */
		TYPE_LOOKS(INK, PAPER)
	},
};

/* What tui_role() applies: resolved once per theme change. */
static attr_t role_attr[TUI_NROLES];
static short role_pair[TUI_NROLES];

/* ---- glyphs ---------------------------------------------------------- */
/* Color by type in mono: the legend's letters. */
#define TYPE_GLYPHS \
	[GLYPH_TYPE_0] = L'A', L'B', L'C', L'D', L'E', L'F', L'G', L'H', \
	[GLYPH_TYPE_RAW] = L'r', \
	[GLYPH_TYPE_OTHER] = L'*',

static const wchar_t glyphs_unicode[TUI_NGLYPHS] = {
	[GLYPH_POOL_FULL] = L'\u2588',		/* full block */
	[GLYPH_POOL_USED_HIGH] = L'\u2593',	/* dark shade */
	[GLYPH_POOL_USED_MID] = L'\u2592',	/* medium shade */
	[GLYPH_POOL_USED_LOW] = L'\u2591',	/* light shade */
	[GLYPH_POOL_EMPTY] = L'\u25cb',		/* white circle */
	[GLYPH_POOL_UNTOUCHED] = L'\u00b7',	/* middle dot */
	[GLYPH_POOL_INVALID] = L'\u00d7',	/* multiplication sign */
	[GLYPH_BLOCK_ALLOCATED] = L'\u2588',
	[GLYPH_BLOCK_FREE] = L'\u25cb',
	[GLYPH_BLOCK_UNTOUCHED] = L'\u00b7',
	[GLYPH_BLOCK_UNKNOWN] = L'?',
	[GLYPH_SHADE_0] = L' ',
	[GLYPH_SHADE_1] = L'\u2591',
	[GLYPH_SHADE_2] = L'\u2592',
	[GLYPH_SHADE_3] = L'\u2593',
	[GLYPH_SHADE_4] = L'\u2588',
	[GLYPH_SPARK_0] = L'\u2581', L'\u2582', L'\u2583', L'\u2584',
	    L'\u2585', L'\u2586', L'\u2587', L'\u2588',
	[GLYPH_SPARK_NONE] = L' ',
	[GLYPH_BAR_USED] = L'\u2588',
	[GLYPH_BAR_AVAIL] = L'\u2591',
	[GLYPH_VLINE] = L'\u2502',
	[GLYPH_NEW] = L'\u25c6',		/* black diamond */
	TYPE_GLYPHS
};

static const wchar_t glyphs_ascii[TUI_NGLYPHS] = {
	[GLYPH_POOL_FULL] = L'#',
	[GLYPH_POOL_USED_HIGH] = L'=',
	[GLYPH_POOL_USED_MID] = L'+',
	[GLYPH_POOL_USED_LOW] = L'-',
	[GLYPH_POOL_EMPTY] = L'o',
	[GLYPH_POOL_UNTOUCHED] = L'.',
	[GLYPH_POOL_INVALID] = L'X',
	[GLYPH_BLOCK_ALLOCATED] = L'#',
	[GLYPH_BLOCK_FREE] = L'o',
	[GLYPH_BLOCK_UNTOUCHED] = L'.',
	[GLYPH_BLOCK_UNKNOWN] = L'?',
	[GLYPH_SHADE_0] = L' ',
	[GLYPH_SHADE_1] = L'.',
	[GLYPH_SHADE_2] = L':',
	[GLYPH_SHADE_3] = L'=',
	[GLYPH_SHADE_4] = L'#',
	[GLYPH_SPARK_0] = L'_', L'.', L',', L'-', L'~', L'=', L'*', L'#',
	[GLYPH_SPARK_NONE] = L' ',
	[GLYPH_BAR_USED] = L'#',
	[GLYPH_BAR_AVAIL] = L'-',
	[GLYPH_VLINE] = L'|',
	[GLYPH_NEW] = L'@',
	TYPE_GLYPHS
};

static const wchar_t *glyph_set = glyphs_unicode;
static enum tui_theme glyph_theme;
static cchar_t glyph_cc[TUI_NGLYPHS];
/* Every glyph in every role, made once per theme: a row of cells is then
 * copied to the window with one wadd_wchnstr (see tui_cells). */
static cchar_t role_cc[TUI_NROLES][TUI_NGLYPHS];

/* On a projector the lightest shade is not seen: in the slides theme a
 * cell or pool that holds any live block is drawn at least half shaded. */
static wchar_t
glyph_char(size_t g)
{
	if (glyph_theme == TUI_THEME_SLIDES && (g == GLYPH_SHADE_1 ||
	    g == GLYPH_POOL_USED_LOW))
		g = g == GLYPH_SHADE_1 ? GLYPH_SHADE_2 : GLYPH_POOL_USED_MID;
	return glyph_set[g];
}

static void
glyphs_load(void)
{
	wchar_t wc[2] = { 0, 0 };
	size_t i;

	for (i = 0; i < TUI_NGLYPHS; i++) {
		wc[0] = glyph_char(i);
		setcchar(&glyph_cc[i], wc, A_NORMAL, 0, NULL);
	}
}

static void
cells_load(void)
{
	wchar_t wc[2] = { 0, 0 };
	size_t r, g;

	for (r = 0; r < TUI_NROLES; r++) {
		for (g = 0; g < TUI_NGLYPHS; g++) {
			wc[0] = glyph_char(g);
			setcchar(&role_cc[r][g], wc, role_attr[r], role_pair[r],
			    NULL);
		}
	}
}

void
tui_glyph(WINDOW *w, enum tui_glyph g)
{
	if (tui_room(w) > 0)
		wadd_wch(w, &glyph_cc[g]);
}

const cchar_t *
tui_cell(enum tui_role r, enum tui_glyph g)
{
	return &role_cc[r][g];
}

/* Puts n cells at the cursor and moves it past them; they must fit. */
void
tui_cells(WINDOW *w, const cchar_t *cells, int n)
{
	int y, x;

	getyx(w, y, x);
	n = HV_MIN(n, getmaxx(w) - x);
	if (n <= 0)
		return;
	wadd_wchnstr(w, cells, n);
	wmove(w, y, HV_MIN(x + n, getmaxx(w) - 1));
}

void
tui_role(WINDOW *w, enum tui_role r)
{
	wattr_set(w, role_attr[r], role_pair[r], NULL);
}

void
tui_role_attr(WINDOW *w, enum tui_role r, attr_t extra)
{
	wattr_set(w, role_attr[r] | extra, role_pair[r], NULL);
}

void
tui_clrtoeol(WINDOW *w)
{
	int y, x, maxx;

	getyx(w, y, x);
	maxx = getmaxx(w);
	for (; x < maxx; x++)
		mvwaddch(w, y, x, ' ');
}

static short
resolve(short c, short paper)
{
	if (c == PAPER)
		return paper;
	if (c == GREY)
		return COLORS >= 256 ? 244 : DFLT;
	return c >= COLORS ? DFLT : c;
}

int
tui_screen_type_colors(const struct tui_screen *s)
{
	if (s->theme == TUI_THEME_MONO || COLORS >= 256)
		return TUI_TYPE_COLORS;
	return 6;
}

void
tui_screen_theme(struct tui_screen *s, enum tui_theme theme)
{
	short paper = COLORS >= 16 ? 15 : COLOR_WHITE;
	int r;

	if (!s->colors)
		theme = TUI_THEME_MONO;
	s->theme = theme;
	for (r = 0; r < TUI_NROLES; r++) {
		const struct tui_look *l = &looks[theme][r];

		role_attr[r] = l->attr;
		role_pair[r] = 0;
		if (theme == TUI_THEME_MONO)
			continue;
		init_pair((short)(r + 1), resolve(l->fg, paper),
		    resolve(l->bg, paper));
		role_pair[r] = (short)(r + 1);
	}
	glyph_theme = theme;
	glyphs_load();
	cells_load();
}

/* ---- windows --------------------------------------------------------- */
void
tui_screen_layout_free(struct tui_screen *s)
{
	int i;

	for (i = 0; i < TUI_NPANELS; i++) {
		if (s->win[i] != NULL)
			delwin(s->win[i]);
		s->win[i] = NULL;
	}
	if (s->help != NULL)
		delwin(s->help);
	s->help = NULL;
	if (s->output != NULL)
		delwin(s->output);
	s->output = NULL;
	if (s->banner != NULL)
		delwin(s->banner);
	s->banner = NULL;
}

void
tui_screen_background(WINDOW *w)
{
	wbkgdset(w, (chtype)' ' | COLOR_PAIR(role_pair[ROLE_NORMAL]) |
	    role_attr[ROLE_NORMAL]);
}

static WINDOW *
window_new(struct tui_screen *s, int h, int w, int y, int x)
{
	WINDOW *win = newwin(h, w, y, x);

	if (win == NULL)
		util_fatal("cannot create a %dx%d window", w, h);
	tui_screen_background(win);
	(void)s;
	return win;
}

/* Header and totals on top, timeline and footer at the bottom, the view in
 * between; the help overlay covers the view. */
void
tui_screen_layout(struct tui_screen *s, int help)
{
	int view_h, help_h, help_w, out_h, tot_h, banner_h;

	tui_screen_layout_free(s);
	s->cols = COLS;
	s->lines = LINES;
	s->too_small = COLS < TUI_MIN_COLS || LINES < TUI_MIN_LINES;
	/* stdscr is never drawn on; this keeps getch from repainting it. */
	wnoutrefresh(stdscr);
	if (s->too_small)
		return;
	tot_h = HV_MAX(s->totals_lines, 1);
	view_h = LINES - 3 - tot_h;
	/* presenter mode: a banner of 3 lines for the label, when the view
	 * keeps room for a few arenas */
	banner_h = s->presenter && view_h >= 10 ? 3 : 0;
	view_h -= banner_h;
	/* the output panel takes the bottom of the view's room */
	out_h = HV_MIN(s->output_lines, view_h - 3);
	if (out_h < 2)
		out_h = 0;
	view_h -= out_h;
	s->win[PANEL_HEADER] = window_new(s, 1, COLS, 0, 0);
	s->win[PANEL_TOTALS] = window_new(s, tot_h, COLS, 1, 0);
	if (banner_h > 0)
		s->banner = window_new(s, banner_h, COLS, 1 + tot_h, 0);
	s->win[PANEL_VIEW] = window_new(s, view_h, COLS, 1 + tot_h + banner_h,
	    0);
	s->win[PANEL_TIMELINE] = window_new(s, 1, COLS, LINES - 2, 0);
	s->win[PANEL_FOOTER] = window_new(s, 1, COLS, LINES - 1, 0);
	if (out_h > 0)
		s->output = window_new(s, out_h, COLS, 1 + tot_h + banner_h +
		    view_h, 0);
	if (help) {
		help_w = HV_MIN(COLS, 76);
		help_h = HV_MIN(view_h, tui_help_lines(help_w) + 2);
		s->help = window_new(s, help_h, help_w, 1 + tot_h + banner_h +
		    (view_h - help_h) / 2, (COLS - help_w) / 2);
	}
}

/* ---- setup and teardown ---------------------------------------------- */
static void
on_signal(int sig)
{
	screen_signal = sig;
}

int
tui_screen_signal(void)
{
	return screen_signal;
}

/* The handlers the TUI replaces while the screen is open, given back when
 * it closes: a launched program's forwarding (app_live.c), for one. */
static const int screen_signals[] = { SIGINT, SIGTERM, SIGHUP };
static struct sigaction saved_actions[HV_ARRAY_LEN(screen_signals)];

static void
signals_install(void)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: getch must return so that the loop sees the flag */
	for (i = 0; i < HV_ARRAY_LEN(screen_signals); i++)
		sigaction(screen_signals[i], &sa, &saved_actions[i]);
}

static void
signals_restore(void)
{
	size_t i;

	for (i = 0; i < HV_ARRAY_LEN(screen_signals); i++)
		sigaction(screen_signals[i], &saved_actions[i], NULL);
}

/* ---- fatal errors ------------------------------------------------------ */
/* util_fatal's hook: on the loop's thread the terminal is restored and
 * util_fatal goes on; another thread leaves msg to the loop, if the screen
 * is still open, and never returns. */
static void
on_fatal(const char *msg)
{
	char c = 1;
	int left = 0;

	if (pthread_equal(pthread_self(), screen_thread)) {
		tui_screen_close();
		return;
	}
	pthread_mutex_lock(&fatal_mu);
	if (screen_active) {
		if (!fatal_left) {
			snprintf(fatal_msg, sizeof fatal_msg, "%s", msg);
			fatal_left = 1;
			while (write(fatal_pipe[1], &c, 1) < 0 && errno == EINTR)
				;
		}
		left = 1;
	}
	pthread_mutex_unlock(&fatal_mu);
	while (left)	/* the loop's thread exits */
		pause();
}

int
tui_screen_fatal_fd(void)
{
	return fatal_pipe[0];
}

void
tui_screen_fatal(void)
{
	char msg[sizeof fatal_msg];
	int left;

	pthread_mutex_lock(&fatal_mu);
	left = fatal_left;
	memcpy(msg, fatal_msg, sizeof msg);
	pthread_mutex_unlock(&fatal_mu);
	if (!left)
		return;
	util_log("fatal error in another thread, the screen closed by its "
	    "own: %s", msg);
	tui_screen_close();
	fprintf(stderr, "heapview: %s\n", msg);
	exit(1);
}

static int
fatal_pipe_open(char **cause)
{
	int i;

	if (fatal_pipe[0] >= 0)
		return 0;
	if (pipe(fatal_pipe) != 0)
		return util_cause(cause, "pipe: %s", strerror(errno));
	for (i = 0; i < 2; i++) {
		fcntl(fatal_pipe[i], F_SETFD, FD_CLOEXEC);
		fcntl(fatal_pipe[i], F_SETFL, fcntl(fatal_pipe[i], F_GETFL) |
		    O_NONBLOCK);
	}
	return 0;
}

void
tui_screen_close(void)
{
	pthread_mutex_lock(&fatal_mu);
	if (!screen_active) {
		pthread_mutex_unlock(&fatal_mu);
		return;
	}
	screen_active = 0;
	pthread_mutex_unlock(&fatal_mu);
	endwin();
	fflush(stdout);
	delscreen(screen);
	screen = NULL;
	signals_restore();
}

static int
locale_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs != NULL && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

int
tui_screen_open(struct tui_screen *s, const struct tui_options *o, char **cause)
{
	static int registered;
	const char *term = getenv("TERM");

	memset(s, 0, sizeof *s);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return util_cause(cause, "the map needs a terminal; "
		    "--stats or --dump write text instead");
	setlocale(LC_ALL, "");
	s->ascii = o->ascii || !locale_is_utf8();
	if (tui_terminfo_check(cause) != 0 || fatal_pipe_open(cause) != 0)
		return -1;
	screen = newterm(NULL, stdout, stdin);
	if (screen == NULL)
		return util_cause(cause, "cannot use the terminal (TERM=%s)",
		    term != NULL ? term : "unset");
	screen_thread = pthread_self();
	pthread_mutex_lock(&fatal_mu);
	screen_active = 1;
	pthread_mutex_unlock(&fatal_mu);
	if (!registered) {
		atexit(tui_screen_close);
		registered = 1;
	}
	util_set_fatal_hook(on_fatal);
	signals_install();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED, NULL);
	mouseinterval(0);
	s->colors = !o->no_color && has_colors();
	if (s->colors) {
		start_color();
		use_default_colors();
	}
	glyph_set = s->ascii ? glyphs_ascii : glyphs_unicode;
	s->presenter = o->presenter;
	tui_screen_theme(s, o->no_color ? TUI_THEME_MONO : o->theme);
	return 0;
}
