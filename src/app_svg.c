/*
 * app_svg: --svg=PATH, pictures of frames (render_svg.h).  PATH ending in
 * ".svg" is one file: the frame --frame names (a recording's last by
 * default, the capture when live).  Any other PATH is a directory, made
 * when missing, that gets frame-NNNN.svg for every frame of a recording or
 * the range --frame=N-M (numbered from 1 as the TUI counts them).
 * --view=arena and --view=pool draw the arena or pool holding --at in
 * every frame; a frame without it is an error, as is a pool view of a
 * frame without block states.
 */
#include "config.h"

#include "app.h"
#include "render_svg.h"
#include "snapshot.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int
svg_fail(char *cause)
{
	fprintf(stderr, "heapview: %s\n", cause);
	free(cause);
	return 1;
}

int
app_svg_is_file(const char *path)
{
	size_t n = strlen(path);

	return n > 4 && strcmp(path + n - 4, ".svg") == 0;
}

static enum render_svg_theme
svg_theme(const struct app_options *o)
{
	if (o->no_color || o->theme == THEME_MONO)
		return RENDER_SVG_MONO;
	return o->theme == THEME_SLIDES ? RENDER_SVG_SLIDES : RENDER_SVG_COLOR;
}

static enum render_svg_view
svg_view(const struct app_options *o)
{
	enum render_svg_view v = RENDER_SVG_MAP;

	if (o->view != NULL)
		(void)render_svg_view_parse(o->view, &v);	/* main.c checked */
	return v;
}

int
app_svg_blocks(const struct app_options *o)
{
	return o->svg != NULL && svg_view(o) == RENDER_SVG_POOL;
}

/* "blocks.json", "rec.jsonl frame 30", "the capture": for messages. */
static char *
frame_name(const struct render_svg_frame *f)
{
	if (f->source == NULL)
		return xstrdup("the capture");
	if (f->number > 0)
		return xasprintf("%s frame %zu", f->source, f->number);
	return xstrdup(f->source);
}

/* The zoom views: is there an arena (and pool, with its blocks) at --at? */
static int
check_at(const struct app_options *o, const struct heap *h,
    const struct render_svg_frame *f)
{
	enum render_svg_view v = svg_view(o);
	char *name = frame_name(f), *cause = NULL;
	size_t ai = 0;
	uint32_t pi = 0;
	int where = render_svg_locate(h, o->at, &ai, &pi);

	if (where < 0)
		cause = xasprintf("0x%" PRIx64 " is in no arena of %s", o->at,
		    name);
	else if (v == RENDER_SVG_POOL && where > 0)
		cause = xasprintf("0x%" PRIx64 " is in arena %" PRIu32 " of %s "
		    "but in none of its pools", o->at, h->arenas[ai].index,
		    name);
	else if (v == RENDER_SVG_POOL && (h->level != HEAP_LEVEL_BLOCKS ||
	    (h->arenas[ai].pools[pi].state == POOL_USED &&
	    h->arenas[ai].pools[pi].blocks == NULL)))
		cause = xasprintf("%s has no block states (a pool-level "
		    "capture): the pool view needs a block-level one, a "
		    "snapshot made with --dump or a recording made with "
		    "--types", name);
	free(name);
	return cause != NULL ? svg_fail(cause) : 0;
}

/* Writes one picture to path. */
static int
svg_write(const struct app_options *o, const char *path, const struct heap *h,
    const struct render_svg_frame *f)
{
	FILE *out;
	int err;

	if (svg_view(o) == RENDER_SVG_TYPES && h->ntypes == 0)
		return svg_fail(xasprintf("%s has no block types: it was "
		    "captured without --types", f->source != NULL ? f->source :
		    "the capture"));
	if (o->has_at && check_at(o, h, f) != 0)
		return 1;
	if ((out = fopen(path, "w")) == NULL)
		return svg_fail(xasprintf("%s: %s", path, strerror(errno)));
	render_svg(out, h, svg_view(o), svg_theme(o), f);
	err = ferror(out) ? errno : 0;
	if (fclose(out) != 0 && err == 0)
		err = errno;
	if (err != 0)
		return svg_fail(xasprintf("%s: %s", path, strerror(err)));
	return 0;
}

static int
make_dir(const char *path)
{
	struct stat st;

	if (mkdir(path, 0777) == 0)
		return 0;
	if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	if (errno == EEXIST)
		errno = ENOTDIR;
	return svg_fail(xasprintf("%s: %s", path, strerror(errno)));
}

int
app_svg_heap(const struct app_options *o, const struct heap *h)
{
	struct render_svg_frame f = { .t = -1, .at = o->at };
	char *path;
	int rc;

	if (app_svg_is_file(o->svg))
		return svg_write(o, o->svg, h, &f);
	if (make_dir(o->svg) != 0)
		return 1;
	path = xasprintf("%s/frame-0001.svg", o->svg);
	rc = svg_write(o, path, h, &f);
	if (rc == 0)
		fprintf(stderr, "heapview: wrote %s\n", path);
	free(path);
	return rc;
}

const char *
app_frame_phase(const struct snapshot_file *sf, size_t i)
{
	const char *l;

	for (;;) {
		if ((l = snapshot_frame_label(sf, i)) != NULL)
			return l;
		if (i-- == 0)
			return NULL;
	}
}

static int
replay_frame(const struct app_options *o, struct snapshot_file *sf,
    size_t i, const char *path)
{
	struct render_svg_frame f = {
		.source = o->file,
		.number = snapshot_is_recording(sf) ? i + 1 : 0,
		.count = snapshot_nframes(sf),
		.t = snapshot_is_recording(sf) ? snapshot_frame_time(sf, i) : -1,
		.label = app_frame_phase(sf, i),
		.at = o->at,
	};
	char *cause = NULL;
	struct heap *h;
	int rc;

	if ((h = snapshot_frame(sf, i, &cause)) == NULL)
		return svg_fail(cause);
	rc = svg_write(o, path, h, &f);
	heap_free(h);
	return rc;
}

/* The frames asked for: [*first, *last], indices from 0. */
static int
frame_range(const struct app_options *o, size_t n, size_t *first,
    size_t *last)
{
	char *cause = NULL;

	*first = 0;
	*last = n - 1;
	if (app_svg_is_file(o->svg))
		*first = *last;
	if (o->frame > 0 && snapshot_frame_number(o->file, n, o->frame, first,
	    &cause) != 0)
		return svg_fail(cause);
	if (o->frame > 0)
		*last = *first;
	if (o->frame_last > 0 && snapshot_frame_number(o->file, n,
	    o->frame_last, last, &cause) != 0)
		return svg_fail(cause);
	return 0;
}

int
app_svg_replay(const struct app_options *o)
{
	struct snapshot_file *sf;
	size_t first, last, i;
	char *cause = NULL, *path;
	int rc = 0;

	if ((sf = snapshot_open(o->file, &cause)) == NULL)
		return svg_fail(cause);
	if (snapshot_warning(sf) != NULL)
		fprintf(stderr, "heapview: %s\n", snapshot_warning(sf));
	if (frame_range(o, snapshot_nframes(sf), &first, &last) != 0) {
		snapshot_close(sf);
		return 1;
	}
	if (app_svg_is_file(o->svg))
		rc = replay_frame(o, sf, first, o->svg);
	else if ((rc = make_dir(o->svg)) == 0) {
		for (i = first; i <= last && rc == 0; i++) {
			path = xasprintf("%s/frame-%04zu.svg", o->svg, i + 1);
			rc = replay_frame(o, sf, i, path);
			free(path);
		}
		if (rc == 0)
			fprintf(stderr, "heapview: wrote %zu picture%s to %s/ "
			    "(frame-%04zu.svg to frame-%04zu.svg)\n",
			    last - first + 1, last == first ? "" : "s", o->svg,
			    first + 1, last + 1);
	}
	snapshot_close(sf);
	return rc;
}
