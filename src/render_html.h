/*
 * render_html: a recording as one self-contained HTML page that plays it in
 * a browser -- the arena map and the memory strip, the TUI's timeline keys,
 * labels, the utilisation sparkline, a pool's numbers under the pointer, and
 * the three themes.  No network: the player (data/player/player.js and
 * player.css, compiled in) and the frames are in the page.
 *
 * The frames are compact, not the JSON recording: per frame its time,
 * label and totals, and per arena one code a pool (render_html.c gives the
 * grammar); an arena whose pools did not change since the frame before is
 * one number.  Call order: render_html_begin, render_html_frame for each
 * frame in order, render_html_end.  Like every render_* module it is handed
 * models and writes text.
 */
#ifndef HV_RENDER_HTML_H
#define HV_RENDER_HTML_H

#include <stdio.h>

#include "heap.h"
#include "render_svg.h"

struct render_html;

/* source names the recording in the page; h is its first frame (layout,
 * process). */
struct render_html *render_html_begin(FILE *, const char *source,
	    const struct heap *h, enum render_svg_theme);
void	render_html_frame(struct render_html *, const struct heap *, double t,
	    const char *label);
/* Finishes the page and frees r; the caller checks the stream for write
 * errors. */
void	render_html_end(struct render_html *);

#endif
