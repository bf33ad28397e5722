/*
 * tui: the terminal interface, a presenter of struct heap frames.
 *
 * The caller describes where frames come from in a struct tui_feed and calls
 * tui_run(), which owns the terminal until it returns:
 *
 *   replay  feed->file is an open snapshot_file (snapshot.h); the TUI expands
 *           one frame at a time with snapshot_frame() and plays them at the
 *           recorded pace.  The caller closes the file after tui_run().
 *   live    feed->capture(ctx, HEAP_LEVEL_POOLS, &cause) is called every
 *           interval; those are the frames shown and kept in the history.
 *           While the pool view is open, feed->capture(ctx,
 *           HEAP_LEVEL_BLOCKS, &cause) is called on demand (on opening, and
 *           when the watched pool's header changes) and only that pool's
 *           block states are kept from it.  Either returns a new heap that
 *           the TUI owns and frees, or NULL with a malloc'd *cause.  A cause containing "exited" means the target is
 *           gone: the TUI stops capturing, keeps the last frame and says so.
 *           Any other failure is shown and capturing goes on.  The callback
 *           may do more than capture (append the frame to a recording).
 *           Captures run in a thread of the TUI's own, one at a time, so
 *           that the screen keeps answering keys meanwhile: capture,
 *           set_freeze, value, why, malloc_map and set_progress's fn are
 *           called from that thread only (after tui_run has called
 *           set_progress, before it returns), never two at once;
 *           everything else, output included, from the thread that called
 *           tui_run.  The first frame is
 *           captured there too, with the screen open and saying so; when
 *           it fails, tui_run fails with its cause.
 *
 * tui_run() returns 0 when the user quits, or -1 with *cause when the
 * terminal could not be used (no tty, unknown TERM) or no frame could be
 * read.  The terminal is restored on every path: return, fatal error
 * (util_set_fatal_hook), SIGINT and SIGTERM; after a signal the TUI restores
 * the terminal and re-raises it.  Messages gathered while the screen was
 * active (capture errors, file warnings) are printed on stderr on the way out.
 *
 * Nothing here reads /proc or any other source: the feed is the only input.
 */
#ifndef HV_TUI_H
#define HV_TUI_H

#include <stdint.h>
#include <stdio.h>

#include "heap.h"

struct snapshot_file;
struct glibc_malloc;

enum tui_theme {
	TUI_THEME_COLOR,
	TUI_THEME_MONO,		/* attributes only */
	TUI_THEME_SLIDES,	/* black used, white free */
};
#define TUI_NTHEMES 3

struct tui_options {
	enum tui_theme	 theme;
	int		 ascii;		/* ASCII glyphs even in a UTF-8 locale */
	int		 no_color;	/* forces mono, whatever theme says */
	double		 interval;	/* live capture period, seconds */
	long		 start_frame;	/* replay: the frame shown first, from 1
					 * (0: the first) */
	int		 presenter;	/* start in presenter mode */
};

struct tui_output_info {
	uint64_t	 total;		/* bytes the program wrote */
	uint64_t	 dropped;	/* ... that heapview no longer holds */
	int		 to_file;	/* all of it goes to --child-output */
};

struct tui_feed {
	const char	*title;		/* "pid 1234: python app.py" or a file name */
	int		 live;
	/* live */
	struct heap	*(*capture)(void *ctx, enum heap_level, char **cause);
	void		*ctx;
	/* live, a program started with "-- CMD": the newest bytes of its
	 * output, up to size, into text (is_err[i]: byte i came from stderr),
	 * returning how many, and the totals in *info; size 0 gives only
	 * *info.  NULL when there is no such program.  Shown by the output
	 * panel (key o). */
	size_t		(*output)(void *octx, char *text, unsigned char *is_err,
			    size_t size, struct tui_output_info *info);
	void		*octx;
	/* Called, when not NULL, after a signal (SIGINT, SIGTERM, SIGHUP) has
	 * ended the TUI and restored the terminal, just before heapview dies
	 * of it: a launched program is ended and its output written. */
	void		(*on_signal)(void *ctx);
	/* live, --record: the frames written so far (NULL: not recording);
	 * read from the capture thread, after each capture */
	const unsigned long *recorded;
	/* live, optional (NULL: not offered): makes the captures from now on
	 * stop the target while they read it (on) or not; 0, or -1 with a
	 * malloc'd *cause and the state unchanged.  freeze: the state now. */
	int		(*set_freeze)(void *ctx, int on, char **cause);
	int		 freeze;
	/* live, --types, optional (NULL: not offered): the value of the object
	 * in the block at addr (size bytes), which the newest capture saw as
	 * type (heaptype: HEAP_TYPE_HEAPTYPE), read from the target now -- two
	 * small reads at most; 0 with text (len bytes), or -1 with a malloc'd
	 * *cause (the block holds another object now, the target is gone).
	 * The pool view asks it for the block under its cursor when the
	 * frame's values do not have it, once per block and frame. */
	int		(*value)(void *ctx, uint64_t addr, uint32_t size,
			    const char *type, int heaptype, char *text,
			    size_t len, char **cause);
	/* live, optional (NULL: not offered): glibc's malloc heaps read now
	 * with every chunk (glibc.h, GLIBC_READ_MAP), a value the TUI frees
	 * with glibc_malloc_free, or NULL with a malloc'd *cause.  The malloc
	 * view asks for it when it opens and when its key is pressed again;
	 * the capture thread reads it when the capture under way has ended. */
	struct glibc_malloc *(*malloc_map)(void *ctx, char **cause);
	/* live, optional (NULL: not offered): what keeps the object at addr
	 * alive (block: addr lies in a block, the object in it is meant),
	 * from a capture made now: 0 with the lines to show, each ending in
	 * a newline, in a malloc'd *text; or -1 with a malloc'd *cause.  Key
	 * w asks it; it may take seconds. */
	int		(*why)(void *ctx, uint64_t addr, int block, char **text,
			    char **cause);
	/* live, optional: called once by tui_run before the capture thread
	 * starts; from then on every capture calls fn(fctx, done, total)
	 * between batches of arenas (done of total read; total 0: not
	 * counted) and stops at once, failing, when it returns non-zero. */
	void		(*set_progress)(void *ctx,
			    int (*fn)(void *, uint64_t, uint64_t), void *fctx);
	/* live, optional (NULL: not offered): labels (key L).  set_label
	 * gives the label to the next periodic capture, which --record writes
	 * with it; frame_label returns it (allocated) for the heap that got it,
	 * once, else NULL.  Captures may run in another thread than these
	 * calls. */
	void		(*set_label)(void *ctx, const char *label);
	char		*(*frame_label)(void *ctx, const struct heap *);
	/* live, optional (NULL: heap_free): a heap that capture returned for
	 * a frame, handed back once the TUI is done with it, from the loop's
	 * thread or the capture thread.  The feed may still be reading it:
	 * --record writes the frames in a thread of its own. */
	void		(*release)(void *ctx, struct heap *);
	/* replay */
	struct snapshot_file *file;
};

int	tui_run(const struct tui_options *, struct tui_feed *, char **cause);

/* The key table as the KEYS section of the man page (roff), from ".SH KEYS"
 * up to the next section.  tests/tui_keys_man.sh compares it with the page. */
void	tui_keys_roff(FILE *);

#endif
