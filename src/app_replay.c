/*
 * app_replay: heapview FILE --stats / --dump, on a saved snapshot or
 * recording.  One frame is expanded (--frame=N, counted from 1 as the TUI
 * counts them; default the last) and given to the same presenters live mode
 * uses.  A capture made with --types brings its Types section along; asking
 * --types of one made without is an error, not an empty section.
 */
#include "config.h"

#include "app.h"
#include "render.h"
#include "snapshot.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
replay_fail(char *cause)
{
	fprintf(stderr, "heapview: %s\n", cause);
	free(cause);
	return 1;
}

static int
replay_stats(const struct app_options *o, const struct snapshot_file *f,
    const struct heap *h)
{
	size_t n = snapshot_nframes(f);
	struct app_diff *diff = NULL;
	char *cause = NULL;

	if (o->diff != NULL &&
	    (diff = app_diff_prepare(o->diff, h, o->types, &cause)) == NULL)
		return replay_fail(cause);
	if (snapshot_is_recording(f))
		printf("recording: %zu frame%s, %.1f seconds\n", n,
		    n == 1 ? "" : "s", snapshot_frame_time(f, n - 1));
	render_stats_pymalloc(stdout, h);
	putchar('\n');
	render_stats_extra(stdout, h);
	render_stats_resident(stdout, h);
	if (h->malloc_figures != NULL)
		render_stats_malloc(stdout, h->malloc_figures);
	render_stats_types(stdout, h);
	if (diff != NULL)
		app_diff_render(stdout, diff);
	app_diff_free(diff);
	if (fflush(stdout) != 0 || ferror(stdout))
		return replay_fail(xasprintf("standard output: %s",
		    strerror(errno)));
	return 0;
}

static int
replay_dump(const struct app_options *o, const struct heap *h)
{
	const char *name = o->dump_file;
	char *cause = NULL;
	FILE *out = stdout;

	if (name != NULL && strcmp(name, "-") != 0) {
		if ((out = fopen(name, "w")) == NULL)
			return replay_fail(xasprintf("%s: %s", name,
			    strerror(errno)));
	} else
		name = "standard output";
	if (snapshot_write(out, h, &cause) != 0) {
		if (out != stdout)
			fclose(out);
		free(cause);
		return replay_fail(xasprintf("%s: %s", name, strerror(errno)));
	}
	if (out != stdout && fclose(out) != 0)
		return replay_fail(xasprintf("%s: %s", name, strerror(errno)));
	return 0;
}

int
app_replay(const struct app_options *o)
{
	struct snapshot_file *f;
	struct heap *h;
	char *cause = NULL;
	size_t n, i;
	int rc;

	if (!o->stats && !o->dump)
		return replay_fail(xasprintf("%s: give --stats or --dump to "
		    "read it without the TUI", o->file));
	if ((f = snapshot_open(o->file, &cause)) == NULL)
		return replay_fail(cause);
	if (snapshot_warning(f) != NULL)
		fprintf(stderr, "heapview: %s\n", snapshot_warning(f));
	n = snapshot_nframes(f);
	i = n - 1;
	if ((o->frame > 0 && snapshot_frame_number(o->file, n, o->frame, &i,
	    &cause) != 0) || (h = snapshot_frame(f, i, &cause)) == NULL) {
		snapshot_close(f);
		return replay_fail(cause);
	}
	if (o->types && h->ntypes == 0)
		rc = replay_fail(xasprintf("%s has no block types: it was "
		    "captured without --types", o->file));
	else
		rc = o->stats ? replay_stats(o, f, h) : replay_dump(o, h);
	heap_free(h);
	snapshot_close(f);
	return rc;
}
