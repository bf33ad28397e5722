/*
 * app_html: FILE --html=OUT.html, a page that plays a recording (or shows a
 * snapshot) in a browser (render_html.h).  Frames are expanded one at a
 * time, so memory holds one frame and the page's text as it is written.
 */
#include "config.h"

#include "app.h"
#include "render_html.h"
#include "snapshot.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
html_fail(char *cause)
{
	fprintf(stderr, "heapview: %s\n", cause);
	free(cause);
	return 1;
}

static enum render_svg_theme
html_theme(const struct app_options *o)
{
	if (o->no_color || o->theme == THEME_MONO)
		return RENDER_SVG_MONO;
	return o->theme == THEME_SLIDES ? RENDER_SVG_SLIDES : RENDER_SVG_COLOR;
}

/* The frames asked for, [*first, *last] from 0: --frame=N[-M], else all. */
static int
html_range(const struct app_options *o, size_t n, size_t *first, size_t *last,
    char **cause)
{
	*first = 0;
	*last = n - 1;
	if (o->frame > 0 && snapshot_frame_number(o->file, n, o->frame, first,
	    cause) != 0)
		return -1;
	if (o->frame > 0)
		*last = *first;
	if (o->frame_last > 0 && snapshot_frame_number(o->file, n,
	    o->frame_last, last, cause) != 0)
		return -1;
	return 0;
}

/* Writes frames [first, last] of sf to out; -1 with *cause on a bad frame. */
static int
html_frames(const struct app_options *o, struct snapshot_file *sf, FILE *out,
    size_t first, size_t last, char **cause)
{
	struct render_html *r = NULL;
	struct heap *h;
	size_t i;

	for (i = first; i <= last; i++) {
		if ((h = snapshot_frame(sf, i, cause)) == NULL)
			break;
		if (r == NULL)
			r = render_html_begin(out, o->file, h, html_theme(o));
		/* the first frame carries the phase it is in */
		render_html_frame(r, h, snapshot_frame_time(sf, i) -
		    snapshot_frame_time(sf, first), i == first ?
		    app_frame_phase(sf, i) : snapshot_frame_label(sf, i));
		heap_free(h);
	}
	if (r != NULL)
		render_html_end(r);
	return i <= last ? -1 : 0;
}

int
app_html_replay(const struct app_options *o)
{
	struct snapshot_file *sf;
	size_t first, last;
	char *cause = NULL;
	FILE *out;
	int rc = 0, err;

	if ((sf = snapshot_open(o->file, &cause)) == NULL)
		return html_fail(cause);
	if (snapshot_warning(sf) != NULL)
		fprintf(stderr, "heapview: %s\n", snapshot_warning(sf));
	if (html_range(o, snapshot_nframes(sf), &first, &last, &cause) != 0) {
		snapshot_close(sf);
		return html_fail(cause);
	}
	if ((out = fopen(o->html, "w")) == NULL) {
		snapshot_close(sf);
		return html_fail(xasprintf("%s: %s", o->html, strerror(errno)));
	}
	if (html_frames(o, sf, out, first, last, &cause) != 0)
		rc = html_fail(cause);
	err = ferror(out) ? errno : 0;
	if (fclose(out) != 0 && err == 0)
		err = errno;
	if (rc == 0 && err != 0)
		rc = html_fail(xasprintf("%s: %s", o->html, strerror(err)));
	if (rc == 0)
		fprintf(stderr, "heapview: wrote %s (%zu frame%s)\n", o->html,
		    last - first + 1, last == first ? "" : "s");
	snapshot_close(sf);
	return rc;
}
