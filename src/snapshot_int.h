/*
 * snapshot_int: what snapshot_write.c, snapshot_read.c and snapshot_file.c
 * share -- the conversions between struct heap and cJSON trees.  The file
 * layer (snapshot_file.c) finds and bounds the JSON text, the read layer
 * (snapshot_read.c) turns a parsed tree into a validated heap, and the write
 * layer (snapshot_write.c) turns a heap into a tree.
 */
#ifndef HV_SNAPSHOT_INT_H
#define HV_SNAPSHOT_INT_H

#include <cjson/cJSON.h>

#include "heap.h"
#include "snapshot.h"

#define SNAPSHOT_FORMAT		"heapview-snapshot"
#define RECORDING_FORMAT	"heapview-recording"

/* Where a tree came from, for "FILE:LINE: where: what was expected". */
struct snapshot_ctx {
	const char	*file;
	size_t		 line;
	char		**cause;
	size_t		 heap_bytes;	/* built so far, against SNAPSHOT_MAX_HEAP */
};

/* What a recording's header (or a snapshot document) says of all frames. */
struct snapshot_header {
	struct heap_process	process;
	struct heap_layout	layout;
};

/* cJSON allocates through xmalloc: running out of memory is fatal, not a
 * parse error. */
void	 snapshot_json_init(void);

/* Writing. */
cJSON	*snapshot_json_process(const struct heap_process *, int with_rss);
cJSON	*snapshot_json_allocator(const struct heap_layout *);
/* Adds captured_at, capture_ms, level and counters of h to o. */
void	 snapshot_json_body(cJSON *o, const struct heap *h);
cJSON	*snapshot_json_arena(const struct heap *, const struct heap_arena *);
/* A frame of a recording: full, or a delta against key when key != NULL. */
cJSON	*snapshot_json_frame(const struct heap *h, double t, const char *label,
	    const struct heap *key, long key_frame, size_t *changed);

/* Reading.  Each returns -1 (NULL) with the message in *ctx->cause. */
int	 snapshot_read_format(struct snapshot_ctx *, const cJSON *,
	    int *recording);
int	 snapshot_read_header(struct snapshot_ctx *, const cJSON *,
	    struct snapshot_header *);
void	 snapshot_header_clear(struct snapshot_header *);
int	 snapshot_read_frame_meta(struct snapshot_ctx *, const cJSON *,
	    size_t frame, double prev_t, double *t, char **label, long *key);
/* The heap a snapshot document (frame 0) or a recording frame describes;
 * key is the full frame a delta frame refers to, else NULL. */
struct heap *snapshot_read_body(struct snapshot_ctx *, const cJSON *,
	    const struct snapshot_header *, int frame, const struct heap *key);

/* Model helpers. */
struct heap *snapshot_heap_copy(const struct heap *);
void	 snapshot_process_copy(struct heap_process *,
	    const struct heap_process *);
int	 snapshot_pool_equal(const struct heap_layout *,
	    const struct heap_pool *, const struct heap_pool *);
const struct heap_arena *snapshot_find_arena(const struct heap *, uint64_t);
/* RFC 3339 UTC with milliseconds, and back. */
void	 snapshot_format_time(char *, size_t, double);
int	 snapshot_parse_time(const char *, double *);

#endif
