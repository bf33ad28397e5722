/*
 * libFuzzer target for the JSON loader: the input is a file given as
 * `heapview FILE`.  Whatever loads must satisfy the model's contract, which
 * this checks the hard way: every frame expanded (the first few and the
 * last) renders its stats, is written as a snapshot, and that snapshot
 * loads again with the same stats; the first and the last frame, read
 * again (a snapshot's heap, and a recording's last frame when it is full,
 * are handed over once, then read from the file again, their arenas one at
 * a time), have the same stats too.  A failure aborts.
 */
#include "config.h"

#include "render.h"
#include "snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *
stats(const struct heap *h)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	render_stats_pymalloc(fp, h);
	render_stats_extra(fp, h);
	fclose(fp);
	return text;
}

/* A loaded heap written out must load back, with the same stats. */
static void
round_trip(const struct heap *h)
{
	char *doc = NULL, *cause = NULL, *want, *got;
	struct snapshot_file *f;
	struct heap *again;
	size_t len = 0;
	FILE *fp = open_memstream(&doc, &len);

	if (snapshot_write(fp, h, &cause) != 0)
		abort();
	fclose(fp);
	if ((f = snapshot_open_mem("again", doc, len, &cause)) == NULL ||
	    (again = snapshot_frame(f, 0, &cause)) == NULL) {
		fprintf(stderr, "written snapshot does not load: %s\n", cause);
		abort();
	}
	want = stats(h);
	got = stats(again);
	if (strcmp(want, got) != 0)
		abort();
	free(want);
	free(got);
	heap_free(again);
	snapshot_close(f);
	free(doc);
}

/* Frame i read again gives what h, read before, showed. */
static void
again_same(struct snapshot_file *f, size_t i, const struct heap *h)
{
	struct heap *again;
	char *cause = NULL, *want, *got;

	if ((again = snapshot_frame(f, i, &cause)) == NULL) {
		fprintf(stderr, "frame %zu does not load again: %s\n", i, cause);
		abort();
	}
	want = stats(h);
	got = stats(again);
	if (strcmp(want, got) != 0)
		abort();
	free(want);
	free(got);
	heap_free(again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snapshot_file *f;
	struct heap *h;
	char *cause = NULL;
	size_t i, n;

	f = snapshot_open_mem("fuzz", data, size, &cause);
	if (f == NULL) {
		free(cause);
		return 0;
	}
	n = snapshot_nframes(f);
	for (i = 0; i < n; i = i < 4 ? i + 1 : (i < n - 1 ? n - 1 : n)) {
		(void)snapshot_frame_time(f, i);
		(void)snapshot_frame_label(f, i);
		if ((h = snapshot_frame(f, i, &cause)) == NULL)
			abort();	/* opening checked every frame */
		round_trip(h);
		if (i == 0 || i == n - 1)
			again_same(f, i, h);
		heap_free(h);
	}
	snapshot_close(f);
	free(cause);
	return 0;
}
