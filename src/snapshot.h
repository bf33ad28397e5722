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
 *
 * Recordings may store a frame as a delta: "key" names an earlier full
 * frame, "same" lists the positions of that frame's arenas carried over
 * unchanged, and each entry of "arenas" is either a whole arena ("pools")
 * or an arena of the key frame at the same address with some pool slots
 * replaced ("changes", each pool with its "slot").  The writer chooses full
 * (key) frames by cost: a full frame when the deltas written against the
 * last one add up to SNAPSHOT_KEY_SHARE of its size, when more than half
 * of the pools changed, and at least every SNAPSHOT_KEY_SECONDS of
 * recording; so an idle heap costs a short delta a frame.  A reader needs
 * at most two lines to rebuild any frame.
 *
 * Block types (captures made with --types, at block level only): a full
 * frame or snapshot document carries the whole type table ("types", entry 0
 * "(raw)"), and each full or used pool a "types" string with one type index
 * per allocated block (snapshot_types.c gives its grammar).  A delta frame
 * uses its key frame's table grown by its own "types_added": the key's
 * indices stay valid in every delta against it, and a changed pool's indices
 * refer to the grown table.  When a type's name has other flags than in the
 * key frame, or the grown table would be too large, the frame is written
 * whole.
 *
 * Everything read is untrusted.  No tree of a whole frame is built: its
 * "arenas" are read one at a time, each parsed alone and turned into the
 * heap's arena before the next, so that memory follows the heap a file
 * describes, not its text.  Before cJSON sees a frame's other members, or
 * one arena, their length, nesting, string lengths and number of values
 * are checked against the limits below; after, every field is checked and
 * the heap built satisfies heap.h's invariants (and SNAPSHOT_MAX_HEAP).  So
 * memory stays bounded whatever the file holds.
 */
#ifndef HV_SNAPSHOT_H
#define HV_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "heap.h"

#define SNAPSHOT_VERSION		1
#define SNAPSHOT_KEY_SECONDS		600.0		/* full frame at least this often */
#define SNAPSHOT_KEY_SHARE		0.5		/* of a full frame's bytes */
#define SNAPSHOT_MAX_LINE		(256u << 20)	/* bytes of a frame besides its
						   arenas, and of one arena */
#define SNAPSHOT_MAX_DEPTH		16		/* arrays and objects nested */
#define SNAPSHOT_MAX_STRING		(1u << 20)	/* bytes of one string */
#define SNAPSHOT_MAX_VALUES		(4u << 20)	/* JSON values in a frame besides
						   its arenas, and in one arena */
#define SNAPSHOT_MAX_HEAP		(512u << 20)	/* bytes of the heap built */
#define SNAPSHOT_MAX_LABEL		1024		/* bytes of a frame label */
#define SNAPSHOT_MAX_TYPES		(HEAP_TYPES_MAX + 1)	/* entries of a type table */

/* One snapshot document. */
int	snapshot_write(FILE *, const struct heap *, char **);

/* Recording writer. */
struct snapshot_writer;
struct snapshot_writer *snapshot_writer_open(const char *, const struct heap *,
	    char **);
/* How key (full) frames are chosen. */
enum snapshot_keys {
	SNAPSHOT_KEYS_COST,	/* by cost (above); the default */
	SNAPSHOT_KEYS_EVERY,	/* every frame full (--key-frames=every) */
};
void	snapshot_writer_keys(struct snapshot_writer *, enum snapshot_keys);
/* Writes a frame of heap h at t seconds, with an optional label. */
int	snapshot_writer_frame(struct snapshot_writer *, const struct heap *,
	    double, const char *, char **);
/* The same, taking h: it is kept as the next deltas' key frame instead of
 * a copy, or freed. */
int	snapshot_writer_frame_give(struct snapshot_writer *, struct heap *,
	    double, const char *, char **);
struct snapshot_writer_stats {
	size_t		frames;
	size_t		key_frames;
	uint64_t	bytes;		/* written, the header included */
};
void	snapshot_writer_get_stats(const struct snapshot_writer *,
	    struct snapshot_writer_stats *);
int	snapshot_writer_close(struct snapshot_writer *, char **);

/* A recording's frame line (len bytes, no newline) with its label set to
 * label ("" removes it), the rest copied byte for byte; allocated, its
 * length in *outlen; NULL with *cause when the line is not an object. */
char	*snapshot_line_relabel(const char *line, size_t len, const char *label,
	    size_t *outlen, char **cause);

/* Reading a snapshot or a recording. */
struct snapshot_file;
struct snapshot_file *snapshot_open(const char *, char **);
/* The same from bytes in memory (tests, fuzzing); name is used in messages. */
struct snapshot_file *snapshot_open_mem(const char *, const void *, size_t,
	    char **);
int	snapshot_is_recording(const struct snapshot_file *);
size_t	snapshot_nframes(const struct snapshot_file *);
/* The index of frame number (from 1, as the TUI counts them) of a file of
 * nframes frames named path; -1 with "PATH: no frame N: it has ..." in
 * *cause when there is none. */
int	snapshot_frame_number(const char *path, size_t nframes, long number,
	    size_t *index, char **cause);
double	snapshot_frame_time(const struct snapshot_file *, size_t);
/* The frame's label, or NULL. */
const char *snapshot_frame_label(const struct snapshot_file *, size_t);
/* A newly built heap for frame i; the caller frees it with heap_free. */
struct heap *snapshot_frame(struct snapshot_file *, size_t, char **);
/* Warnings gathered on open (e.g. "FILE:LINE: incomplete frame skipped"). */
const char *snapshot_warning(const struct snapshot_file *);
void	snapshot_close(struct snapshot_file *);

#endif
