/*
 * app_diff: --diff=BASE for --stats.  Loads the baseline (a snapshot, or one
 * frame of a recording: FILE@N, N counted from 1; a recording without @N
 * gives its first frame), diffs the current capture against it
 * (heap_diff.c) and prints the result (render_diff.c).
 */
#include "config.h"

#include "app.h"
#include "heap_diff.h"
#include "render_diff.h"
#include "snapshot.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Splits "FILE@N" into the file and N (0 when absent).  A file that exists
 * under the whole name wins, so a name with an @ in it still works. */
static char *
split_spec(const char *spec, long *frame)
{
	const char *at = strrchr(spec, '@');
	char *end;
	long n;

	*frame = 0;
	if (at == NULL || at == spec || at[1] == '\0' || access(spec, F_OK) == 0)
		return xstrdup(spec);
	errno = 0;
	n = strtol(at + 1, &end, 10);
	if (*end != '\0' || errno != 0 || n < 1 || at[1] == '+' || at[1] == '-')
		return xstrdup(spec);
	*frame = n;
	return xasprintf("%.*s", (int)(at - spec), spec);
}

static struct heap *
app_diff_load_base(const char *spec, char **label, char **cause)
{
	struct snapshot_file *f;
	struct heap *h = NULL;
	long frame;
	char *path = split_spec(spec, &frame);
	size_t n, i;

	*label = NULL;
	if ((f = snapshot_open(path, cause)) == NULL) {
		free(path);
		return NULL;
	}
	n = snapshot_nframes(f);
	i = 0;
	if ((frame == 0 || snapshot_frame_number(path, n, frame, &i,
	    cause) == 0) && (h = snapshot_frame(f, i, cause)) != NULL) {
		if (snapshot_is_recording(f))
			*label = xasprintf("frame %zu of %s, %.1f s", i + 1, path,
			    snapshot_frame_time(f, i));
		else
			*label = xstrdup(path);
	}
	snapshot_close(f);
	free(path);
	return h;
}

struct app_diff {
	char		*label;
	const char	*why_blocks;	/* NULL when the diff is by type */
	struct heap_diff d;
};

/* The baseline, read once: app_diff_load() before a program started with
 * -- CMD runs (a BASE that cannot be read fails at once, not after the
 * program's end), then every app_diff_prepare() (--stats of a launched
 * program reports two moments). */
static struct {
	char		*spec;
	char		*label;
	struct heap	*heap;
} base;

int
app_diff_load(const char *spec, char **cause)
{
	if (base.spec != NULL && strcmp(base.spec, spec) == 0)
		return 0;
	app_diff_unload();
	if ((base.heap = app_diff_load_base(spec, &base.label, cause)) == NULL)
		return -1;
	base.spec = xstrdup(spec);
	return 0;
}

void
app_diff_unload(void)
{
	heap_free(base.heap);
	free(base.label);
	free(base.spec);
	memset(&base, 0, sizeof base);
}

struct app_diff *
app_diff_prepare(const char *spec, const struct heap *cur, int types,
    char **cause)
{
	struct app_diff *ad;
	char *why = NULL;

	if (app_diff_load(spec, cause) != 0)
		return NULL;
	ad = xcalloc(1, sizeof *ad);
	ad->label = xstrdup(base.label);
	if (heap_diff_compute(base.heap, cur, types ? 0 : HEAP_DIFF_BLOCKS,
	    &ad->d, &why) != 0) {
		util_cause(cause, "cannot diff against %s: %s", base.label, why);
		free(why);
		app_diff_free(ad);
		return NULL;
	}
	if (!ad->d.typed)
		ad->why_blocks = !types ? "no --types" : base.heap->ntypes == 0 ?
		    "the baseline has no block types" :
		    "the current capture has no block types";
	return ad;
}

void
app_diff_render(FILE *out, const struct app_diff *ad)
{
	if (ad->why_blocks != NULL)
		fprintf(out, "\nDiff against %s: of blocks, not objects (%s).\n",
		    ad->label, ad->why_blocks);
	render_diff(out, &ad->d, ad->label);
}

void
app_diff_free(struct app_diff *ad)
{
	if (ad == NULL)
		return;
	heap_diff_free(&ad->d);
	free(ad->label);
	free(ad);
}
