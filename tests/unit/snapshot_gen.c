/*
 * snapshot_gen: writes the hand-built heaps of snapshot_heaps.h as a
 * snapshot or a recording, for the shell tests (schema validation) and to
 * regenerate tests/data/snapshot/.
 *
 *   snapshot_gen snapshot pools|blocks|types|pinned small|38|310 FILE
 *   snapshot_gen recording pools|blocks|types small|38|310 NFRAMES FILE
 *
 * "types" is a block-level capture with block types; "pinned" one whose
 * arenas are the cases of pinning (make_pinned_heap).
 */
#include "config.h"

#include "snapshot.h"
#include "snapshot_heaps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
usage(void)
{
	fputs("usage: snapshot_gen snapshot|recording pools|blocks|types|pinned "
	    "small|38|310 [NFRAMES] FILE\n", stderr);
	return 2;
}

static int types, pinned;

static struct heap *
gen_frame(const struct heap_layout *l, enum heap_level level, int i)
{
	if (pinned)
		return make_pinned_heap(l);
	return types ? make_typed_frame(l, i) : make_frame(l, level, i);
}

static int
gen_snapshot(const struct heap_layout *l, enum heap_level level,
    const char *path)
{
	struct heap *h = gen_frame(l, level, 0);
	char *cause = NULL;
	FILE *fp = fopen(path, "w");
	int rc = 0;

	if (fp == NULL || snapshot_write(fp, h, &cause) != 0) {
		fprintf(stderr, "snapshot_gen: %s\n", cause ? cause : path);
		rc = 1;
	}
	if (fp != NULL)
		fclose(fp);
	heap_free(h);
	free(cause);
	return rc;
}

static int
gen_recording(const struct heap_layout *l, enum heap_level level, int n,
    const char *path)
{
	struct heap *h = gen_frame(l, level, 0);
	struct snapshot_writer *w;
	char *cause = NULL;
	int i, rc = 0;

	w = snapshot_writer_open(path, h, &cause);
	heap_free(h);
	for (i = 0; w != NULL && i < n && rc == 0; i++) {
		h = gen_frame(l, level, i);
		rc = snapshot_writer_frame(w, h, frame_t(i), frame_label(i),
		    &cause);
		heap_free(h);
	}
	if (w == NULL || rc != 0 || snapshot_writer_close(w, &cause) != 0) {
		fprintf(stderr, "snapshot_gen: %s\n", cause);
		rc = 1;
	}
	free(cause);
	return rc;
}

int
main(int argc, char **argv)
{
	const struct heap_layout *l;
	enum heap_level level;

	if (argc < 5)
		return usage();
	types = strcmp(argv[2], "types") == 0;
	pinned = strcmp(argv[2], "pinned") == 0;
	level = strcmp(argv[2], "blocks") == 0 || types || pinned ?
	    HEAP_LEVEL_BLOCKS : HEAP_LEVEL_POOLS;
	if (strcmp(argv[3], "small") == 0)
		l = &layout_small;
	else if (strcmp(argv[3], "38") == 0)
		l = &layout_38;
	else
		l = &layout_310;
	if (strcmp(argv[1], "snapshot") == 0 && argc == 5)
		return gen_snapshot(l, level, argv[4]);
	if (strcmp(argv[1], "recording") == 0 && argc == 6)
		return gen_recording(l, level, atoi(argv[4]), argv[5]);
	return usage();
}
