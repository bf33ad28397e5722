/*
 * tui_int: what the tui_* and view_* files share (tui.h is the outside).
 *
 *   tui_screen.c  the terminal: newterm, colors and themes, glyph sets,
 *                 windows, teardown on every path; the only curses setup.
 *   tui_keys.c    the key table: the handler, the help overlay and the man
 *                 page's KEYS section are all made from it.
 *   tui_frame.c   one frame: a heap plus what drawing needs, computed once
 *                 when the frame arrives (stats, prefix sums, what changed),
 *                 so that drawing costs the screen, not the heap.
 *   tui_timeline.c the frames over time: a recording read on demand, or the
 *                 history of live captures; utilisation for the sparkline.
 *   tui_loop.c    tui_run, the one loop, and one function per action.
 *   tui_worker.c  the thread that runs captures (and other reads of a live
 *                 target) so that the loop never waits for them.
 *   tui_live.c    which job the worker gets next, and what the loop does
 *                 with the answers.
 *   tui_why.c     key w: the question "why is it alive" and its panel.
 *   tui_panels.c  header, totals, timeline, footer, help, "too small".
 *   tui_types.c   a frame's block types (--types): census, per-pool type
 *                 prefix sums, arenas per type; the colors of the top types.
 *   tui_mark.c    the mark: a baseline frame, and heap_diff of the frame
 *                 shown against it, made once per pair.
 *   view_*.c      the views drawn in the middle of the screen.
 *
 * Key handlers and ticks return TUI_DIRTY_* bits; only the loop draws.
 */
#ifndef HV_TUI_INT_H
#define HV_TUI_INT_H

#include <curses.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "heap.h"
#include "heap_diff.h"
#include "heap_stats.h"
#include "heap_types.h"
#include "tui.h"

/* ---- what changed ---------------------------------------------------- */
#define TUI_DIRTY_HEADER	0x01u
#define TUI_DIRTY_TOTALS	0x02u
#define TUI_DIRTY_VIEW		0x04u
#define TUI_DIRTY_TIMELINE	0x08u
#define TUI_DIRTY_FOOTER	0x10u
#define TUI_DIRTY_HELP		0x20u
#define TUI_DIRTY_LAYOUT	0x40u	/* windows rebuilt: everything */
#define TUI_DIRTY_OUTPUT	0x80u	/* the program's output panel */
#define TUI_DIRTY_FRAME		(TUI_DIRTY_HEADER | TUI_DIRTY_TOTALS | \
				 TUI_DIRTY_VIEW | TUI_DIRTY_TIMELINE)
#define TUI_DIRTY_ALL		0xffu
#define TUI_QUIT		0x100u

/* ---- screen ---------------------------------------------------------- */
/* Semantic roles; each theme gives every role a look. */
enum tui_role {
	ROLE_NORMAL,
	ROLE_TITLE,		/* header line */
	ROLE_BAR,		/* timeline and footer */
	ROLE_KEY,		/* key names in the footer */
	ROLE_DIM,		/* labels, addresses */
	ROLE_VALUE,		/* numbers on the totals line */
	ROLE_POOL_FULL,
	ROLE_POOL_USED,
	ROLE_POOL_EMPTY,
	ROLE_POOL_UNTOUCHED,
	ROLE_POOL_INVALID,
	ROLE_BLOCK_ALLOCATED,
	ROLE_BLOCK_FREE,
	ROLE_BLOCK_UNTOUCHED,
	ROLE_BLOCK_UNKNOWN,
	ROLE_STRIP,
	ROLE_BAR_USED,
	ROLE_BAR_AVAIL,
	ROLE_SPARK,
	ROLE_CHANGED,		/* cells that changed since the last frame */
	ROLE_CURSOR,
	ROLE_WARN,		/* "exited", errors */
	ROLE_HELP,
	ROLE_NEW,		/* holds objects new since the mark */
	/* color by type: TUI_TYPE_COLORS top types, then raw and other */
	ROLE_TYPE_0,
	ROLE_TYPE_RAW = ROLE_TYPE_0 + 8,
	ROLE_TYPE_OTHER,
};
#define TUI_NROLES (ROLE_TYPE_OTHER + 1)

/* Every state has its own glyph, in a Unicode set and an ASCII set. */
enum tui_glyph {
	GLYPH_POOL_FULL,
	GLYPH_POOL_USED_HIGH,	/* fill >= 2/3 */
	GLYPH_POOL_USED_MID,	/* fill >= 1/3 */
	GLYPH_POOL_USED_LOW,
	GLYPH_POOL_EMPTY,
	GLYPH_POOL_UNTOUCHED,
	GLYPH_POOL_INVALID,
	GLYPH_BLOCK_ALLOCATED,
	GLYPH_BLOCK_FREE,
	GLYPH_BLOCK_UNTOUCHED,
	GLYPH_BLOCK_UNKNOWN,	/* pool-level capture: position not known */
	GLYPH_SHADE_0,		/* strip: nothing allocated ... */
	GLYPH_SHADE_1,
	GLYPH_SHADE_2,
	GLYPH_SHADE_3,
	GLYPH_SHADE_4,		/* ... all allocated */
	GLYPH_SPARK_0,		/* sparkline, eight heights */
	GLYPH_SPARK_7 = GLYPH_SPARK_0 + 7,
	GLYPH_SPARK_NONE,	/* frame not scanned yet */
	GLYPH_BAR_USED,
	GLYPH_BAR_AVAIL,
	GLYPH_VLINE,
	GLYPH_NEW,		/* a cell or block new since the mark */
	/* color by type in mono: a letter per color */
	GLYPH_TYPE_0,
	GLYPH_TYPE_RAW = GLYPH_TYPE_0 + 8,
	GLYPH_TYPE_OTHER,
};
#define TUI_NGLYPHS (GLYPH_TYPE_OTHER + 1)

enum tui_panel {
	PANEL_HEADER,
	PANEL_TOTALS,
	PANEL_VIEW,
	PANEL_TIMELINE,
	PANEL_FOOTER,
};
#define TUI_NPANELS (PANEL_FOOTER + 1)

#define TUI_MIN_COLS 40
#define TUI_MIN_LINES 10

struct tui_screen {
	enum tui_theme	 theme;
	int		 ascii;
	int		 colors;	/* the terminal has colors and they are wanted */
	int		 too_small;
	int		 cols, lines;
	WINDOW		*win[TUI_NPANELS];
	WINDOW		*help;		/* overlay, NULL when hidden */
	int		 output_lines;	/* wanted for the output panel, or 0 */
	int		 totals_lines;	/* 2 with the resident line, else 1 */
	WINDOW		*output;	/* below the view, NULL when hidden */
	/* Presenter mode: bigger cells, no addresses, and the label in a
	 * banner above the view (NULL when off or too small). */
	int		 presenter;
	WINDOW		*banner;
};

int	tui_screen_open(struct tui_screen *, const struct tui_options *, char **);
/* 0 when TERM describes a terminal that can address the cursor; else -1
 * and *cause (tui_terminfo.c). */
int	tui_terminfo_check(char **);
/* How many top types get a color of their own (at most TUI_TYPE_COLORS). */
int	tui_screen_type_colors(const struct tui_screen *);
/* Restores the terminal; safe to call twice and from the fatal hook. */
void	tui_screen_close(void);
void	tui_screen_theme(struct tui_screen *, enum tui_theme);
/* (Re)creates the windows for the terminal's current size. */
void	tui_screen_layout(struct tui_screen *, int help);
void	tui_screen_layout_free(struct tui_screen *);
/* The signal that asked to stop (SIGINT, SIGTERM), or 0. */
int	tui_screen_signal(void);

void	tui_role(WINDOW *, enum tui_role);
void	tui_role_attr(WINDOW *, enum tui_role, attr_t);
/* A fatal error of another thread (tui_screen.c): the descriptor that
 * becomes readable when one is left for the loop, and the loop's end of it
 * (restores the terminal, says it, exits 1; returns when there is none). */
int	tui_screen_fatal_fd(void);
void	tui_screen_fatal(void);
/* What erasing w leaves: the theme's normal role. */
void	tui_screen_background(WINDOW *);
void	tui_glyph(WINDOW *, enum tui_glyph);
/* A glyph in a role, for rows of cells put with tui_cells. */
const cchar_t *tui_cell(enum tui_role, enum tui_glyph);
void	tui_cells(WINDOW *, const cchar_t *, int);
#define TUI_MAX_COLS 1024	/* cells of a row built at once */
/* Clears from the cursor to the end of the line in the current role. */
void	tui_clrtoeol(WINDOW *);

/* ---- keys ------------------------------------------------------------ */
struct tui;

#define TUI_KEY_REPLAY	0x1u	/* the key does something in replay */
#define TUI_KEY_LIVE	0x2u	/* ... in live mode */
#define TUI_KEY_BOTH	(TUI_KEY_REPLAY | TUI_KEY_LIVE)
#define TUI_KEY_TYPES	0x4u	/* its footer hint only when there are types */
#define TUI_KEY_OUTPUT	0x8u	/* ... only with a program's output (-- CMD) */
#define TUI_KEY_MAXCODES 4

struct tui_key {
	int		 codes[TUI_KEY_MAXCODES];	/* curses key codes, 0 ends */
	const char	*label;		/* how help and man page name the key */
	const char	*help;		/* one sentence */
	const char	*hint;		/* short word for the footer, or NULL */
	unsigned	 modes;
	unsigned	(*action)(struct tui *, int);
};

extern const struct tui_key tui_keys[];
extern const size_t tui_nkeys;
const struct tui_key *tui_key_find(int);

/* The actions (tui_actions.c): one per key, each returns TUI_DIRTY_* bits. */
unsigned act_quit(struct tui *, int);
unsigned act_help(struct tui *, int);
unsigned act_move(struct tui *, int);
unsigned act_enter(struct tui *, int);
unsigned act_back(struct tui *, int);
unsigned act_next_view(struct tui *, int);
unsigned act_prev_view(struct tui *, int);
unsigned act_play(struct tui *, int);
unsigned act_step(struct tui *, int);
unsigned act_speed(struct tui *, int);
unsigned act_first(struct tui *, int);
unsigned act_last(struct tui *, int);
unsigned act_interval(struct tui *, int);
unsigned act_theme(struct tui *, int);
unsigned act_presenter(struct tui *, int);
unsigned act_label(struct tui *, int);
/* A key while the label prompt is open (tui_actions.c). */
unsigned tui_prompt_key(struct tui *, int);
unsigned act_redraw(struct tui *, int);
unsigned act_mouse(struct tui *, int);
unsigned act_by_type(struct tui *, int);
unsigned act_arena(struct tui *, int);
unsigned act_output(struct tui *, int);
unsigned act_freeze(struct tui *, int);
unsigned act_mark(struct tui *, int);
unsigned act_unmark(struct tui *, int);
unsigned act_malloc(struct tui *, int);
unsigned act_why(struct tui *, int);

/* ---- frames ---------------------------------------------------------- */
/* Pool fill is kept in 1/TUI_FILL_ONE units. */
#define TUI_FILL_ONE 65536u

/*
 * Block types, per frame (tui_types.c).  The census ranks the types by
 * bytes; the first TUI_TYPE_COLORS of them (raw aside) are "slots" 1..n that
 * may get a color, slot 0 is raw and TUI_SLOT_OTHER the rest.  Per pool and
 * slot a prefix sum of allocated bytes answers "which slot holds most of
 * pools s..e" in O(slots), for a cell of any size.
 */
#define TUI_TYPE_COLORS	8
#define TUI_SLOT_RAW	0
#define TUI_SLOT_OTHER	(TUI_TYPE_COLORS + 1)
#define TUI_NSLOTS	(TUI_TYPE_COLORS + 2)
#define TUI_TYPE_PINS	8	/* pinned arenas listed per type */
#define TUI_COLOR_RAW	TUI_TYPE_COLORS		/* color indices: top types */
#define TUI_COLOR_OTHER	(TUI_TYPE_COLORS + 1)	/* 0..7, then these two */
#define TUI_NOCOLOR	(-1)

struct tui_type_arenas {
	uint32_t	 narenas;	/* arenas holding a block of the type */
	uint32_t	 npinned;	/* ... of them pinned */
	size_t		 first;		/* the first of them (position) */
	uint32_t	 npins;		/* entries in pins */
	size_t		 pins[TUI_TYPE_PINS];	/* the first pinned ones */
};

struct tui_types {
	struct heap_census	 census;
	uint32_t		 ntyped;	/* census rows that are not raw */
	uint32_t		 nslots;	/* top types with a slot */
	uint32_t		 top[TUI_TYPE_COLORS];	/* slot i + 1: type */
	uint8_t			*slot;		/* [ntypes]: type -> slot */
	struct tui_type_arenas	*arenas;	/* [ntypes] */
	uint64_t		*slot_prefix;	/* [(npools + 1) * TUI_NSLOTS] */
	uint8_t			*pinned;	/* [narenas]: arena is pinned */
	struct heap_pinning	 pinning;
	uint32_t		 npinned_arenas;
};

struct tui_frame {
	int		 refs;
	uint64_t	 serial;	/* distinct for every frame made */
	struct heap	*heap;
	struct heap_stats stats;
	double		 t;		/* seconds since the first frame */
	char		*label;
	double		 util;		/* allocated bytes / arena bytes */

	/* Pools numbered across all arenas in address order. */
	size_t		 npools;
	size_t		*arena_first;	/* [narenas + 1] */
	uint32_t	 max_arena_pools;
	uint64_t	*fill_prefix;	/* [npools + 1]: sum of fills before */
	/* vs the frame shown before this one; NULL: nothing to compare */
	uint32_t	*changed_prefix;	/* [npools + 1] */
	size_t		 nchanged;
	struct tui_types *types;	/* NULL when the heap has none */
	struct tui_frame *next_dead;	/* tui_worker.c: frames to free */
	/* who frees heap (tui_feed's release), NULL: heap_free */
	void		(*release)(void *, struct heap *);
	void		*release_ctx;
};

/* Takes ownership of heap. */
struct tui_frame *tui_frame_new(struct heap *, double, const char *);
struct tui_frame *tui_frame_ref(struct tui_frame *);
/* References are taken and dropped by the loop's thread only. */
void	tui_frame_unref(struct tui_frame *);
/* Freeing a big frame takes tens of milliseconds: while fn is set, the
 * last unref hands the frame to fn(ctx, f) (the capture thread frees it,
 * tui_worker.c) instead of tui_frame_free. */
void	tui_frame_set_reaper(void (*fn)(void *, struct tui_frame *), void *);
void	tui_frame_free(struct tui_frame *);
/* Marks the pools of f that differ from prev (NULL: forget). */
void	tui_frame_diff(struct tui_frame *, const struct tui_frame *);
uint32_t tui_pool_fill(const struct heap *, const struct heap_pool *);
/* Mean fill (0..TUI_FILL_ONE) and changed count over pools [s, e). */
uint32_t tui_frame_fill(const struct tui_frame *, size_t, size_t);
size_t	tui_frame_changed(const struct tui_frame *, size_t, size_t);
/* The arena holding global pool g. */
size_t	tui_frame_arena_of(const struct tui_frame *, size_t);
/* The arena at address addr, or (size_t)-1. */
size_t	tui_frame_find_arena(const struct tui_frame *, uint64_t);
size_t	tui_frame_footprint(const struct tui_frame *);

/* tui_types.c */
struct tui_types *tui_types_new(const struct tui_frame *);
void	tui_types_free(struct tui_types *);
size_t	tui_types_footprint(const struct tui_frame *);
const char *tui_type_name(const struct heap *, uint32_t);
/* The census row of the type called name, or -1. */
long	tui_types_find(const struct tui_frame *, const char *);

/* ---- timeline -------------------------------------------------------- */
struct tui_timeline {
	struct tui_feed	*feed;
	int		 live;
	size_t		 count;		/* frames available */
	/* live: the history, oldest first, bounded in frames and bytes */
	struct tui_frame **hist;
	size_t		 hist_cap;
	size_t		 hist_bytes;
	size_t		 dropped;	/* frames dropped from the front */
	double		 t0;		/* first capture, wall clock */
	/* replay: utilisation per frame for the sparkline, < 0 if unknown */
	double		*util;
	size_t		 scan_next;	/* next frame to scan for util */
};

void	tui_timeline_init(struct tui_timeline *, struct tui_feed *);
void	tui_timeline_free(struct tui_timeline *);
double	tui_timeline_time(const struct tui_timeline *, size_t);
const char *tui_timeline_label(const struct tui_timeline *, size_t);
double	tui_timeline_util(const struct tui_timeline *, size_t);
/* A reference to frame i (the caller unrefs), or NULL with *cause. */
struct tui_frame *tui_timeline_get(struct tui_timeline *, size_t, char **);
/* Live: adds a captured frame at the end (its time counted from tl->t0,
 * taking its reference); returns how many old frames were dropped from the
 * front to stay within budget. */
size_t	tui_timeline_append_frame(struct tui_timeline *, struct tui_frame *);
/* Replay: scans one more frame's utilisation; 0 when all are known. */
int	tui_timeline_scan(struct tui_timeline *);

/* ---- the mark (tui_mark.c) -------------------------------------------- */
/* [0]: new since the mark, [1]: gone */
struct tui_mark_row {
	uint64_t	 count[2];
	uint64_t	 bytes[2];
};

struct tui_mark {
	struct tui_frame *frame;	/* the baseline (a reference), or NULL */
	size_t		 number;	/* its frame number, from 1 */
	/* the shown frame against it, made once per pair */
	uint64_t	 serial;	/* the frame diffed; 0: none yet */
	int		 ok;		/* else cause says why not */
	char		*cause;
	struct heap_diff d;
	uint32_t	*new_prefix;	/* [npools + 1]: new blocks before g */
	uint32_t	 nrows;
	struct tui_mark_row *rows;	/* per census row of the shown frame */
	/* live: the diff is the capture thread's work (a JOB_MARK): want is
	 * set for the loop to post one, asked names the frame it is for */
	int		 want;
	uint64_t	 asked;
};

void	tui_mark_set(struct tui *);
void	tui_mark_clear(struct tui *);
/* Diffs the shown frame against the mark unless that pair is done. */
void	tui_mark_update(struct tui *);
/* The diff of a frame against a baseline into a struct tui_mark of its
 * own (any thread), and its adoption by the mark when base still is it. */
void	tui_mark_compute(struct tui_mark *, const struct tui_frame *base,
	    const struct tui_frame *);
void	tui_mark_adopt(struct tui *, const struct tui_frame *base,
	    struct tui_mark *);
/* Frees a diff (not the baseline). */
void	tui_mark_forget(struct tui_mark *);
/* The diff of the shown frame, or NULL: no mark, or it failed. */
const struct heap_diff *tui_mark_diff(const struct tui *);
/* New blocks in the shown frame's pools [s, e). */
size_t	tui_mark_new(const struct tui *, size_t, size_t);
int	tui_mark_block(const struct tui *, size_t, uint32_t);
const struct tui_mark_row *tui_mark_row(const struct tui *, uint32_t);
/* The pinned arena at address and its new objects, or NULL. */
const struct heap_diff_pinned *tui_mark_pinned(const struct tui *, uint64_t);
/* "◆ N new blocks since the mark" (what: "block"), or why no diff. */
void	tui_mark_legend(const struct tui *, WINDOW *, size_t, const char *);

/* ---- the capture thread (tui_worker.c) -------------------------------- */
enum tui_job_kind {
	JOB_CAPTURE,	/* the periodic capture, into a frame */
	JOB_BLOCKS,	/* a block-level capture for the pool view */
	JOB_VALUE,	/* the value of one object */
	JOB_FREEZE,	/* --freeze on or off */
	JOB_WHY,	/* what keeps an object alive (key w) */
	JOB_MALLOC,	/* glibc's malloc heaps (key H) */
	JOB_MARK,	/* the shown frame's diff against the mark */
};

/* A question for the worker and, once it is handed back, its answer. */
struct tui_job {
	enum tui_job_kind kind;
	/* asked */
	double		 t0;		/* CAPTURE: the timeline's first capture
					 * (0: this is it) */
	uint64_t	 arena;		/* BLOCKS: the pool's arena and slot */
	uint32_t	 slot;
	uint64_t	 addr;		/* BLOCKS: the pool's; VALUE: the block's;
					 * WHY: the block or object */
	struct heap_pool header;	/* BLOCKS: the pool as the frame had it */
	uint64_t	 serial;	/* VALUE: the frame asked about; WHY:
					 * the question */
	uint32_t	 size;		/* the block's size and type */
	char		*type;
	int		 heaptype;
	int		 on;		/* FREEZE; WHY: addr is a block */
	/* answered */
	int		 rc;
	struct tui_frame *frame;	/* CAPTURE, or NULL and cause */
	double		 at;		/* CAPTURE: when (wall clock) */
	int		 captured;	/* BLOCKS: pool holds what was read, */
	struct heap_pool pool;		/* else cause */
	char		*text;		/* VALUE, WHY */
	struct glibc_malloc *gm;	/* MALLOC, or NULL and cause */
	char		*cause;
	unsigned long	 recorded;	/* CAPTURE: frames recorded so far */
	/* CAPTURE, a mark set: the baseline (a reference), and the frame's
	 * diff against it */
	struct tui_frame *mark;
	struct tui_mark	*diff;
};

struct tui_worker {
	struct tui_feed	*feed;
	int		 running;
	pthread_t	 thread;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct tui_job	*todo;		/* mu: posted, not taken by the worker */
	struct tui_job	*done;		/* mu: answered, not taken by the loop */
	int		 stop;		/* mu */
	struct tui_frame *dead;		/* mu: frames for the worker to free */
	int		 wake[2];	/* a byte when a job is answered */
	atomic_int	 cancel;	/* quit: the capture stops at once */
	_Atomic uint64_t done_n, total_n;	/* the capture's progress */
	/* the loop's side */
	struct tui_job	*busy;		/* posted, answer not taken yet */
	double		 since;		/* when it was posted */
};

int	tui_worker_start(struct tui_worker *, struct tui_feed *, char **);
/* Cancels the job under way, joins the thread, frees what is left. */
void	tui_worker_stop(struct tui_worker *);
/* Only while idle (busy is NULL); the worker owns j until it is taken. */
void	tui_worker_post(struct tui_worker *, struct tui_job *);
/* The answered job (the caller frees it), or NULL. */
struct tui_job *tui_worker_take(struct tui_worker *);
/* The capture's progress, 0..100, or -1 when it is not counted. */
int	tui_worker_percent(const struct tui_worker *);
void	tui_job_free(struct tui_job *);

/* ---- the state ------------------------------------------------------- */
enum tui_view {
	VIEW_ARENAS,
	VIEW_POOL,
	VIEW_CLASSES,
	VIEW_STRIP,
	VIEW_TYPES,	/* in the Tab cycle when the heap has types */
	VIEW_ARENA,	/* arena detail: a key away, not in the cycle */
	VIEW_MALLOC,	/* glibc's heaps: a key away, live only */
};
#define TUI_NVIEWS (VIEW_MALLOC + 1)

enum tui_move {
	MOVE_UP,
	MOVE_DOWN,
	MOVE_LEFT,
	MOVE_RIGHT,
	MOVE_PGUP,
	MOVE_PGDN,
	MOVE_HOME,
	MOVE_END,
};
/* A cursor at u on a line of cells of `cell` units, `row` units a screen
 * row and `page` a screenful, wrapped from the last unit `last` (the
 * memory strip, the malloc view): where move m takes it. */
uint64_t tui_linear_move(uint64_t u, enum tui_move m, uint64_t cell,
	    uint64_t row, uint64_t page, uint64_t last);
/* The cell a click at (y, x) falls on in such a strip: rows of per_row
 * cells from row 1, after label_w columns of labels; -1 off the cells. */
int64_t	tui_linear_cell(int y, int x, int label_w, uint32_t per_row, int rows,
	    uint64_t ncells);

#define TUI_LABEL_MAX	200	/* bytes of a label typed in the TUI */

struct tui {
	struct tui_options	 opt;
	struct tui_feed		*feed;
	struct tui_screen	 scr;
	struct tui_timeline	 tl;

	struct tui_frame	*frame;		/* shown; never NULL in the loop */
	size_t			 pos;		/* its index in the timeline */
	int			 follow;	/* live: show each new capture */
	const char		*phase;		/* the last label at or before pos */

	enum tui_view		 view;
	enum tui_view		 back;		/* where Esc goes */
	int			 help;
	int			 help_top;

	/* live: the label being typed (key L), shown in the footer; every
	 * key goes to it while prompting */
	int			 prompting;
	size_t			 prompt_len;
	char			 prompt[TUI_LABEL_MAX + 1];

	/* cursors, kept as addresses so that they survive new frames */
	uint64_t		 arena_addr;
	size_t			 arena;		/* index in frame->heap->arenas */
	uint32_t		 pool;
	size_t			 arena_top;	/* first arena row shown */
	uint32_t		 block;
	unsigned		 klass;
	unsigned		 class_top;
	size_t			 strip_unit;	/* sixteenths of a pool, in
						   address order */
	uint32_t		 type_row;	/* types view: census row */
	uint32_t		 type_top;
	char			*type_name;	/* ... its type, across frames */

	/* color by type: the mode, and the colors of the shown frame's
	 * slots, kept for the same type names from frame to frame */
	int			 by_type;
	int			 slot_color[TUI_NSLOTS];
	/* the colors the legend has room for (bit c: color c); the others
	 * are drawn as "other" (tui_type_legend_fit) */
	unsigned		 legend_colors;
	char			*color_name[TUI_TYPE_COLORS];
	/* arena detail: the census of one arena, made when it is shown */
	struct {
		uint64_t	 serial;	/* frame; 0: none */
		size_t		 arena;
		struct heap_census census;
		char		 summary[160];
	}			 acensus;

	struct tui_mark		 mark;		/* the baseline (m) */

	/* time */
	double			 interval;
	int			 playing;	/* replay: playing; live: capturing */
	int			 speed;		/* index into tui_speeds */
	double			 next_tick;	/* next frame or capture */
	double			 changed_until;
	int			 exited;
	double			 status_until;
	char			*status;	/* one line shown in the timeline */
	char			*messages;	/* printed after the screen closes */
	int			 capture_errors;
	char			*last_error;
	char			*first_error;	/* live: why the first capture
						   failed (tui_live.c) */

	/* live: key w, what keeps an object alive (tui_why.c) */
	struct {
		int		 shown;		/* the panel is open */
		int		 asked;		/* the question waits for the
						   capture thread */
		uint64_t	 serial;	/* the question's number */
		uint64_t	 addr;
		int		 block;		/* addr lies in a block */
		uint64_t	 arena;		/* asked from this arena's panel, */
		size_t		 index;		/* of its objects by value */
		char		 what[128];	/* how the panel names it */
		double		 since;
		char		*text;		/* the answer, or */
		char		*cause;		/* why there is none */
	}			 why;

	/* live: the capture thread and what is wanted of it (tui_live.c) */
	struct tui_worker	 worker;
	int			 want_freeze;	/* -1, or the state asked for */
	int			 spin_drawn;	/* the spinner's step drawn */
	int			 slow_captures;	/* one took over 0.1 s: the
						   header keeps room for it */
	unsigned long		 recorded;	/* --record: frames written */

	/* the output panel of a program started with -- CMD (tui_output.c) */
	int			 output;	/* shown */
	uint64_t		 output_seen;	/* its total when last drawn */

	/* live: the pool view's block states (tui_pool_blocks) */
	struct {
		int		 valid;
		uint64_t	 addr;		/* the pool's address */
		struct heap_pool header;	/* as the frame had it then */
		struct heap_pool pool;		/* as the block capture saw it */
	}			 blocks;

	/* the malloc view: glibc's heaps read on demand (feed->malloc_map)
	 * and the prefix sums its cells are drawn from (view_malloc.c) */
	struct {
		struct glibc_malloc *gm;	/* NULL: not read, why says */
		char		*why;
		int		 want;		/* live: a read asked, not posted */
		int		 reading;	/* live: posted, not answered */
		uint64_t	*hoff;		/* [nheaps + 1]: bytes before */
		uint64_t	*used;		/* [nchunks + 1]: used before */
		uint64_t	*bad;		/* [nchunks + 1]: INVALID before */
		uint64_t	 cursor;	/* heap bytes before the cell */
	}			 malloc;

	/* live, --types: the value of the pool view's block read on demand
	 * (feed->value), kept for one block of one frame (tui_values.c) */
	struct {
		uint64_t	 serial;	/* frame; 0: none */
		uint64_t	 addr;
		char		*text;		/* the value, or NULL */
		char		*why;		/* ... or why there is none */
		int		 asked;		/* neither yet: the worker reads it */
		uint32_t	 size;		/* the block's size and type */
		char		*type;
		int		 heaptype;
	}			 bvalue;
};

extern const double tui_speeds[];
extern const size_t tui_nspeeds;

/* tui_loop.c */
void	tui_status(struct tui *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	tui_message(struct tui *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
unsigned tui_show(struct tui *, size_t);
unsigned tui_set_view(struct tui *, enum tui_view, enum tui_view);
double	tui_frame_gap(const struct tui *, size_t);
void	tui_draw(struct tui *, unsigned);
unsigned tui_select_pool(struct tui *, size_t, uint32_t);
const struct heap_arena *tui_cur_arena(const struct tui *);
const struct heap_pool *tui_cur_pool(const struct tui *);
/* The selected type's census row, or NULL (no types, no rows). */
const struct heap_census_row *tui_cur_type(const struct tui *);

/* tui_live.c: the worker's jobs.  tui_live_tick takes an answer and posts
 * the next job; tui_live_post only posts (after drawing, which may ask for
 * a value).  tui_live_fd: the descriptor to poll while a job runs, or -1;
 * tui_live_deadline: when to look again without a key or answer (-1:
 * never).  tui_live_activity: " ⠹ 40%" while a capture runs, for the
 * header. */
int	tui_live_start(struct tui *, char **);
void	tui_live_stop(struct tui *);
unsigned tui_live_tick(struct tui *);
void	tui_live_post(struct tui *);
int	tui_live_fd(const struct tui *);
double	tui_live_deadline(const struct tui *, double);
int	tui_live_busy(const struct tui *, double);
/* Whether jobs can still be posted to the capture thread (live, the
 * target there, the thread running). */
int	tui_live_working(const struct tui *);
int	tui_live_activity(const struct tui *, char *, size_t);
const struct heap_pool *tui_view_pool(const struct tui *);

/* tui_why.c: the why panel (key w).  tui_why_job: the question for the
 * capture thread, once asked; tui_why_done: its answer. */
unsigned tui_why_close(struct tui *);
struct tui_job *tui_why_job(struct tui *);
unsigned tui_why_done(struct tui *, struct tui_job *);
void	tui_draw_why(struct tui *, WINDOW *);
void	tui_why_free(struct tui *);

/* tui_panels.c */
void	tui_draw_header(struct tui *, WINDOW *);
void	tui_draw_totals(struct tui *, WINDOW *);
/* The lines the totals want for the frame shown: 2 when it has a resident
 * breakdown (tui_screen_layout gives them), else 1. */
int	tui_totals_lines(const struct tui *);
void	tui_draw_timeline(struct tui *, WINDOW *);
void	tui_draw_footer(struct tui *, WINDOW *);
void	tui_draw_help(struct tui *, WINDOW *);
void	tui_draw_too_small(struct tui *);
/* Live, until the first capture is in: the header and what runs. */
void	tui_draw_first(struct tui *);
int	tui_help_lines(int);
void	tui_format_bytes(char *, size_t, uint64_t);
/* "1 arena", "2 arenas": the plural adds an s. */
const char *tui_plural(uint64_t);

/*
 * A line of fields laid out by priority: each field has up to TUI_FORMS
 * forms, longest first (label and value, drawn in two roles); when the line
 * does not fit, the steps shorten the fields one form at a time, in their
 * order (a step past a field's last form drops it, unless it is kept).
 */
#define TUI_FORMS 4
struct tui_field {
	const char	*label[TUI_FORMS];	/* NULL: no more forms */
	const char	*value[TUI_FORMS];
	enum tui_role	 lrole, vrole;
	int		 keep;			/* never dropped */
	int		 form;			/* chosen; TUI_FORMS: dropped */
};
/* Chooses the forms of f[0..n) so that they fit in width columns, with sep
 * between fields, applying steps[] (field indices) in order; returns the
 * width taken. */
int	tui_fields_fit(struct tui_field *, int, const int *, int, int,
	    const char *);
void	tui_fields_draw(WINDOW *, const struct tui_field *, int, const char *);
/* The columns left for text at the cursor: 0 once a line is full. */
int	tui_room(WINDOW *);
int	tui_width(const char *);
void	tui_puts(WINDOW *, const char *);
/* Presenter mode: the phase's label, large, in the banner window. */
void	tui_draw_banner(struct tui *, WINDOW *);
void	tui_printf(WINDOW *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/* tui_output.c: the output panel; the lines it wants at this screen
 * height, and whether new output came since it was drawn. */
void	tui_draw_output(struct tui *, WINDOW *);
int	tui_output_lines(const struct tui *, int);
unsigned tui_output_tick(struct tui *);

/* ---- views ----------------------------------------------------------- */
struct tui_view_ops {
	const char	*name;
	void		(*draw)(struct tui *, WINDOW *);
	unsigned	(*go)(struct tui *, enum tui_move);
	unsigned	(*click)(struct tui *, int, int);
	unsigned	(*enter)(struct tui *);
};

extern const struct tui_view_ops view_arenas_ops;
extern const struct tui_view_ops view_pool_ops;
extern const struct tui_view_ops view_classes_ops;
extern const struct tui_view_ops view_strip_ops;
extern const struct tui_view_ops view_types_ops;
extern const struct tui_view_ops view_arena_ops;
extern const struct tui_view_ops view_malloc_ops;
/* view_malloc.c: (re)reads glibc's heaps through the feed (live: asks the
 * capture thread, see tui_live.c); takes the heaps read (or why not);
 * frees them. */
void	tui_malloc_read(struct tui *);
void	tui_malloc_take(struct tui *, struct glibc_malloc *, char *);
void	tui_malloc_free(struct tui *);
const struct tui_view_ops *tui_view_ops(enum tui_view);

/* Helpers the views share (tui_panels.c). */
int	tui_view_rows(WINDOW *);
/* "↑ 12 more" (up) or "↓ 5 more" at the right end of line y, over what the
 * line holds there; nothing when n is 0. */
void	tui_draw_more(const struct tui *, WINDOW *, int, int, size_t);
/* The first row to show of n rows, rows at a time, so that cur is shown
 * and no row is left empty while rows are above. */
size_t	tui_scroll(size_t top, size_t cur, size_t n, size_t rows);
enum tui_glyph tui_pool_glyph(enum pool_state, uint32_t);
enum tui_role tui_pool_role(enum pool_state);
enum tui_glyph tui_shade_glyph(uint32_t);

/* Color by type (tui_types.c).  tui_by_type: the mode is on and the shown
 * frame has types.  A color is an index 0..TUI_COLOR_OTHER or TUI_NOCOLOR
 * (nothing allocated). */
int	tui_by_type(const struct tui *);
void	tui_types_palette(struct tui *);
int	tui_color_of_pools(const struct tui *, size_t, size_t);
int	tui_color_of_block(const struct tui *, const struct heap_pool *,
	    uint32_t);
/* Among blocks [s, e) of a pool: the color of most allocated ones. */
int	tui_color_of_blocks(const struct tui *, const struct heap_pool *,
	    uint32_t, uint32_t);
int	tui_color_of_type(const struct tui *, uint32_t);
/* Role and glyph of a cell of that color (the glyph: g, or in mono the
 * color's letter). */
enum tui_role tui_color_role(int);
enum tui_glyph tui_color_glyph(const struct tui *, int, enum tui_glyph);
/* "40 Node, 3 dict": a pool's types by count (see tui_types.c). */
void	tui_pool_types(const struct tui *, const struct heap_pool *, unsigned,
	    char *, size_t);
/* The legend (color-by-type mode only): each color and its type, on the
 * window's second last line.  A view calls tui_type_legend_fit before it
 * draws a cell: the colors whose type the legend cannot name are drawn as
 * "other". */
void	tui_type_legend_fit(struct tui *, WINDOW *);
void	tui_draw_type_legend(struct tui *, WINDOW *);

/* Values (tui_values.c).  The value of the object in the block at addr
 * (size bytes) of the shown frame, typed type, read from the live target
 * now when the frame is the newest capture (feed->value), once per block
 * and frame; NULL, with *why when it was asked and failed (else NULL). */
const char *tui_value_now(struct tui *, uint64_t addr, uint32_t size,
	    uint32_t type, const char **why);
void	tui_values_free(struct tui *);
/* The value at addr is being read (the capture thread has the question). */
int	tui_value_pending(const struct tui *, uint64_t addr);

#endif
