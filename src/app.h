/*
 * app: the modes of the program, between the command line (main.c) and the
 * layers.  main.c fills struct app_options from argv and calls app_run(),
 * which picks the source (live process, launched child, file), the
 * presenter (stats text, JSON, TUI) and returns the exit status.
 */
#ifndef HV_APP_H
#define HV_APP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

enum app_target {
	TARGET_NONE,
	TARGET_PID,
	TARGET_LAUNCH,	/* heapview [OPTIONS] -- CMD ARGS */
	TARGET_FILE,
	TARGET_DEMO,	/* the command line only: becomes TARGET_FILE with
			 * app_demo_path() before app_run() */
};

enum app_theme {
	THEME_COLOR,
	THEME_MONO,
	THEME_SLIDES,
};

#define APP_MAX_LABELS	64

/* --add-label=N:TEXT */
struct app_label {
	long		 frame;		/* from 1 */
	const char	*text;		/* "" removes the label */
};

struct app_options {
	enum app_target	 target;
	pid_t		 pid;
	char		**cmd;		/* TARGET_LAUNCH: NULL-terminated */
	const char	*file;		/* TARGET_FILE */

	int		 stats;
	int		 dump;
	const char	*dump_file;	/* NULL: stdout */
	const char	*record_file;
	int		 no_tui;
	int		 every_key_frame;	/* --key-frames=every */
	int		 types;
	long		 frame;		/* 1 is the first; 0: the last */
	long		 frame_last;	/* --frame=N-M: M; 0: no range */
	const char	*svg;		/* --svg=PATH: FILE.svg or a directory */
	const char	*view;		/* --view=NAME for --svg; NULL: map */
	uint64_t	 at;		/* --at=ADDR: what --view=arena|pool draws */
	int		 has_at;
	const char	*html;		/* --html=OUT.html */
	int		 presenter;	/* --presenter */
	struct app_label labels[APP_MAX_LABELS];
	size_t		 nlabels;
	const char	*diff;		/* --diff=BASE: FILE or FILE@N */
	int		 bench;		/* 0: off, else N */
	double		 after;		/* --after=SECS; 0: not given */
	const char	*child_output;	/* --child-output=FILE */
	const char	*why;		/* --why=ADDR[,ADDR...] */

	double		 interval;	/* seconds */
	int		 freeze;
	int		 no_symbols;	/* diagnostic: force symbol-free discovery */
	unsigned	 threads;	/* reader threads of a capture */
	enum app_theme	 theme;
	int		 ascii;
	int		 no_color;
	const char	*log_file;
};

int	app_run(const struct app_options *);
/* Parses --why's list of addresses (hex 0x... or decimal, comma-separated)
 * into out (at most max); -1 when it is not one (app_why.c). */
int	app_why_parse(const char *, uint64_t *out, size_t max, size_t *n);
/* The path of the recording --demo plays (allocated). */
char	*app_demo_path(void);

/* The TUI (app_tui.c): a replay of o->file, and a live feed (tui.h) whose
 * capture app.c provides.  Both return the exit status. */
struct tui_feed;
int	app_tui_replay(const struct app_options *);
int	app_tui_live(const struct app_options *, struct tui_feed *);
int	app_replay(const struct app_options *);	/* FILE --stats / --dump */
int	app_rerecord(const struct app_options *);	/* FILE --record=OUT */

/* --svg (app_svg.c): pictures of a file's frames, or of one live capture.
 * PATH ending in ".svg" is one file, any other a directory. */
int	app_svg_replay(const struct app_options *);
struct heap;
int	app_svg_heap(const struct app_options *, const struct heap *);
int	app_svg_is_file(const char *);
/* The view --svg draws needs block states (the pool view): a live capture
 * for it is made at block level. */
int	app_svg_blocks(const struct app_options *);
/* The label the TUI shows at frame i of a file: the last one at or before
 * it, or NULL. */
struct snapshot_file;
const char *app_frame_phase(const struct snapshot_file *, size_t);
/* --add-label (app_label.c): FILE again on stdout, labelled. */
int	app_label(const struct app_options *);
/* --html (app_html.c): a page that plays FILE in a browser. */
int	app_html_replay(const struct app_options *);

/* --diff (app_diff.c): loads the baseline named by BASE ("FILE" or
 * "FILE@N") and diffs the current capture against it, by type when types
 * (--types) and both have them, else by block; NULL with *cause set
 * when BASE cannot be read or compared.  Then render prints it. */
struct heap;
struct app_diff;
struct app_diff *app_diff_prepare(const char *, const struct heap *, int types,
	    char **);
void	app_diff_render(FILE *, const struct app_diff *);
void	app_diff_free(struct app_diff *);
/* Reads BASE ahead of app_diff_prepare(), which then uses it (-1 with
 * *cause when it cannot be read); app_diff_unload() frees it. */
int	app_diff_load(const char *, char **);
void	app_diff_unload(void);

#endif
