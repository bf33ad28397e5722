/*
 * snapshot: the JSON formats (DESIGN.md, "Formats"; man page, FORMATS).
 *
 * A snapshot is one JSON document holding one struct heap; a recording is
 * JSON Lines: a header line, then one frame per line.  Writing goes through
 * snapshot_write (one document) or a snapshot_writer (a recording, each frame
 * flushed when written).  Reading goes through snapshot_open, which detects
 * which of the two a file is and presents both as frames (a snapshot is a
 * recording of one frame); frames are indexed on open and expanded one at a
 * time on demand, so large recordings do not sit in memory expanded.
 * Parse errors are "FILE:LINE: what was expected".
 */
#ifndef HV_SNAPSHOT_H
#define HV_SNAPSHOT_H

#include <stddef.h>
#include <stdio.h>

#include "heap.h"

/* One snapshot document. */
int	snapshot_write(FILE *, const struct heap *, char **);

/* Recording writer. */
struct snapshot_writer;
struct snapshot_writer *snapshot_writer_open(const char *, const struct heap *,
	    char **);
int	snapshot_writer_frame(struct snapshot_writer *, const struct heap *,
	    double, const char *, char **);
int	snapshot_writer_close(struct snapshot_writer *, char **);

/* Reading a snapshot or a recording. */
struct snapshot_file;
struct snapshot_file *snapshot_open(const char *, char **);
int	snapshot_is_recording(const struct snapshot_file *);
size_t	snapshot_nframes(const struct snapshot_file *);
double	snapshot_frame_time(const struct snapshot_file *, size_t);
/* The frame's label, or NULL. */
const char *snapshot_frame_label(const struct snapshot_file *, size_t);
/* A newly built heap for frame i; the caller frees it with heap_free. */
struct heap *snapshot_frame(struct snapshot_file *, size_t, char **);
/* Warnings gathered on open (e.g. "FILE:LINE: incomplete frame skipped"). */
const char *snapshot_warning(const struct snapshot_file *);
void	snapshot_close(struct snapshot_file *);

#endif
