/*
 * tui_timeline: the frames the user can step through.
 *
 * Replay reads the recording on demand (snapshot_frame builds one heap at a
 * time) and fills in the utilisation of every frame for the sparkline in the
 * background, one frame per idle turn of the loop.  Live keeps the captures
 * in a history bounded in frames and in bytes, dropping the oldest first.
 */
#include "config.h"

#include "snapshot.h"
#include "tui_int.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define HISTORY_MAX_FRAMES 1000
#define HISTORY_MAX_BYTES ((size_t)256 << 20)

void
tui_timeline_init(struct tui_timeline *tl, struct tui_feed *feed)
{
	size_t i;

	tl->feed = feed;
	tl->live = feed->live;
	if (tl->live)
		return;
	tl->count = snapshot_nframes(feed->file);
	tl->util = xreallocarray(NULL, tl->count + 1, sizeof *tl->util);
	for (i = 0; i < tl->count; i++)
		tl->util[i] = -1;
}

void
tui_timeline_free(struct tui_timeline *tl)
{
	size_t i;

	for (i = 0; i < tl->count && tl->hist != NULL; i++)
		tui_frame_unref(tl->hist[i]);
	free(tl->hist);
	free(tl->util);
	tl->hist = NULL;
	tl->util = NULL;
	tl->count = 0;
}

double
tui_timeline_time(const struct tui_timeline *tl, size_t i)
{
	if (i >= tl->count)
		return 0;
	if (tl->live)
		return tl->hist[i]->t;
	return snapshot_frame_time(tl->feed->file, i);
}

const char *
tui_timeline_label(const struct tui_timeline *tl, size_t i)
{
	if (i >= tl->count)
		return NULL;
	if (tl->live)
		return tl->hist[i]->label;
	return snapshot_frame_label(tl->feed->file, i);
}

double
tui_timeline_util(const struct tui_timeline *tl, size_t i)
{
	if (i >= tl->count)
		return -1;
	if (tl->live)
		return tl->hist[i]->util;
	return tl->util[i];
}

struct tui_frame *
tui_timeline_get(struct tui_timeline *tl, size_t i, char **cause)
{
	struct tui_frame *f;
	struct heap *h;

	if (i >= tl->count) {
		util_cause(cause, "no frame %zu", i + 1);
		return NULL;
	}
	if (tl->live)
		return tui_frame_ref(tl->hist[i]);
	h = snapshot_frame(tl->feed->file, i, cause);
	if (h == NULL)
		return NULL;
	f = tui_frame_new(h, tui_timeline_time(tl, i),
	    tui_timeline_label(tl, i));
	tl->util[i] = f->util;
	return f;
}

static void
history_drop(struct tui_timeline *tl)
{
	tl->hist_bytes -= tui_frame_footprint(tl->hist[0]);
	tui_frame_unref(tl->hist[0]);
	tl->count--;
	memmove(tl->hist, tl->hist + 1, tl->count * sizeof *tl->hist);
	tl->dropped++;
}


size_t
tui_timeline_append_frame(struct tui_timeline *tl, struct tui_frame *f)
{
	size_t before = tl->dropped;

	if (tl->count == tl->hist_cap) {
		tl->hist_cap = tl->hist_cap ? tl->hist_cap * 2 : 64;
		tl->hist = xreallocarray(tl->hist, tl->hist_cap, sizeof *tl->hist);
	}
	tl->hist[tl->count++] = f;
	tl->hist_bytes += tui_frame_footprint(f);
	while (tl->count > 1 && (tl->count > HISTORY_MAX_FRAMES ||
	    tl->hist_bytes > HISTORY_MAX_BYTES))
		history_drop(tl);
	return tl->dropped - before;
}

int
tui_timeline_scan(struct tui_timeline *tl)
{
	struct heap_stats st;
	struct heap *h;
	char *cause = NULL;
	size_t i;

	if (tl->live)
		return 0;
	while (tl->scan_next < tl->count && tl->util[tl->scan_next] >= 0)
		tl->scan_next++;
	if (tl->scan_next >= tl->count)
		return 0;
	i = tl->scan_next++;
	h = snapshot_frame(tl->feed->file, i, &cause);
	if (h == NULL) {
		free(cause);
		tl->util[i] = 0;
		return 1;
	}
	heap_stats_compute(h, &st);
	tl->util[i] = st.arena_bytes > 0 ?
	    (double)st.allocated_bytes / (double)st.arena_bytes : 0;
	heap_free(h);
	return 1;
}
