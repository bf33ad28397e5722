/*
 * app_live: a live target (attached by pid or launched) for the modes in
 * app*.c: open it, capture it (freezing it if asked), close it.
 */
#ifndef HV_APP_LIVE_H
#define HV_APP_LIVE_H

#include <stdio.h>
#include <sys/types.h>

#include "app.h"
#include "heap.h"
#include "pymalloc.h"
#include "source.h"

struct app_child;
/* Values kept per pinned arena by --stats and --dump with --types: what
 * --stats lists (10) with room for a longer list, bounded so that a snapshot
 * of a heap whose every arena is pinned stays within the loader's bound on
 * JSON values (80 a pinned arena, against about 320 for its pools). */
#define APP_VALUES_PER_ARENA	20

struct app_live {
	pid_t		 pid;
	int		 freeze;
	struct source	*src;
	struct pymalloc	*pm;
	/* launched ("-- CMD"): its output, and when it started (monotonic) */
	struct app_child *child;
	double		 started;
	/* captures come without the resident breakdown (timings, --why) */
	int		 no_resident;
	/* captures come with glibc malloc's figures (what --stats prints and
	 * snapshots and recordings keep) */
	int		 with_malloc;
	/* told how far each capture got, and may stop it (pymalloc.h) */
	int		(*progress)(void *, uint64_t, uint64_t);
	void		*progress_ctx;
};

/* Prints the error itself (unless quiet) and returns -1 on failure. */
int	app_live_open(struct app_live *, const struct app_options *, pid_t, int);
int	app_live_capture(struct app_live *, enum heap_level, struct heap **,
	    char **);
/* A block-level capture with types, and the values of its pinned arenas'
 * objects (at most APP_VALUES_PER_ARENA each). */
int	app_live_capture_values(struct app_live *, struct heap **, char **);
void	app_live_close(struct app_live *);

/* --stats, --dump or --bench on a pid; returns the exit status. */
int	app_live_oneshot(const struct app_options *, pid_t);
int	app_live_output(const struct app_options *, struct app_live *);
int	app_live_dump(const struct app_options *, struct app_live *);
int	app_live_dump_heap(const struct app_options *, const struct heap *);
/* --stats/--dump of a launched program (or with --after): captures while it
 * runs and reports the moment chosen (app_moment.c). */
int	app_live_moment(const struct app_options *, struct app_live *);
/* Asked to stop (SIGINT, SIGTERM) while a launched program runs. */
int	app_live_stop_requested(void);
/* --why: the paths that keep each address alive (app_why.c). */
int	app_why(const struct app_options *, struct app_live *);
/* --stats --types, live: the roots of the pinned arenas' survivors, after
 * the Types section; a line saying why when they cannot be found. */
void	app_why_pinned(FILE *, struct app_live *, const struct heap *);
/* --stats --types: the Python objects in malloc's chunks, by type. */
void	app_why_chunks(FILE *, struct app_live *, const struct heap *);
/* The TUI's key w: what keeps the object at addr alive (block: addr is in
 * a block; the object in it), from a block-level capture with types made
 * now (types: what the other captures attribute) -- the lines --why
 * prints, in a malloc'd *text; or -1 with *cause (app_why_block.c). */
int	app_why_block(struct app_live *, int types, uint64_t addr, int block,
	    char **text, char **cause);
/* The TUI over the live target (recording too with --record). */
int	app_live_watch(const struct app_options *, struct app_live *);
/* --record --no-tui until interrupted or the target exits. */
int	app_live_record(const struct app_options *, struct app_live *);
/* Attaches to o->pid, calls run, detaches. */
int	app_live_attach(const struct app_options *,
	    int (*)(const struct app_options *, struct app_live *));
/* Launches o->cmd, waits for its heap, calls run, reports the child's end. */
int	app_live_launch(const struct app_options *,
	    int (*)(const struct app_options *, struct app_live *));
int	app_live_wait(struct app_live *, const struct app_options *, pid_t);
/* Ends the launched program (SIGTERM if term), reaps it, writes out its
 * output and reports its end; then does nothing.  -1: output not written. */
int	app_live_end(struct app_live *, const struct app_options *, int term);

#endif
