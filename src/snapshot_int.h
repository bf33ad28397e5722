/*
 * snapshot_int: what snapshot_write.c, snapshot_read.c and snapshot_file.c
 * share -- the conversions between struct heap and cJSON trees.  The file
 * layer (snapshot_file.c) finds and bounds the JSON text, the read layer
 * (snapshot_read.c) turns a parsed tree into a validated heap, and the write
 * layer (snapshot_write.c) streams a heap out as JSON text, through the
 * emitter of snapshot_emit.c, without building a tree; snapshot_types.c
 * holds what both need of block types.
 */
#ifndef HV_SNAPSHOT_INT_H
#define HV_SNAPSHOT_INT_H

#include <cjson/cJSON.h>
#include <stdarg.h>

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

/* Writing (snapshot_emit.c): JSON text streamed through a 64 KiB buffer,
 * the same text cJSON_PrintUnformatted gives for the same values.  A NULL
 * key is an array's element.  Failures are kept and said by
 * json_out_line. */
struct json_out {
	FILE		*fp;
	char		*buf;
	size_t		 len;
	uint64_t	 bytes;		/* emitted since json_out_init */
	int		 err;		/* errno of the first failed write */
	unsigned	 depth;
	uint8_t		 first[SNAPSHOT_MAX_DEPTH + 1];	/* no comma yet */
};
void	 json_out_init(struct json_out *, FILE *);
void	 json_out_free(struct json_out *);
void	 json_object(struct json_out *, const char *key);
void	 json_array(struct json_out *, const char *key);
/* Ends the innermost object ('}') or array (']'). */
void	 json_close(struct json_out *, char);
void	 json_number(struct json_out *, const char *key, double);
void	 json_uint(struct json_out *, const char *key, uint64_t);
void	 json_null(struct json_out *, const char *key);
void	 json_bool(struct json_out *, const char *key, int);
/* "0x..." */
void	 json_hex(struct json_out *, const char *key, uint64_t);
void	 json_string(struct json_out *, const char *key, const char *);
void	 json_string_or_null(struct json_out *, const char *key, const char *);
/* A newline, the buffer written and the FILE flushed: 0, or -1 with
 * "NAME: why" in *cause. */
int	 json_out_line(struct json_out *, const char *name, char **cause);

/* The loader's one-line error, "FILE:LINE: WHERE.KEY: what" (WHERE and
 * KEY may be "" and NULL); returns -1. */
int	 snapshot_vbad(struct snapshot_ctx *, const char *where,
	    const char *key, const char *fmt, va_list);

/* The optional "resident" object (snapshot_resident.c): written for a
 * heap that has one; read from o when o has one (0, or -1 with the
 * message). */
void	 snapshot_write_resident(struct json_out *,
	    const struct heap_resident *);
int	 snapshot_read_resident(struct snapshot_ctx *, const cJSON *o,
	    struct heap *);

/* The optional "malloc" object (snapshot_malloc.c): glibc malloc's
 * figures.  A delta frame (key not NULL) leaves it out when they are its
 * key frame's, and reading one that leaves it out takes the key frame's;
 * null says there are none. */
void	 snapshot_write_malloc(struct json_out *, const struct heap *,
	    const struct heap *key);
int	 snapshot_read_malloc(struct snapshot_ctx *, const cJSON *o,
	    struct heap *, const struct heap *key);
/* The same figures (both NULL counts as the same). */
struct glibc_malloc;
int	 snapshot_malloc_equal(const struct glibc_malloc *,
	    const struct glibc_malloc *);

/* Reading.  Each returns -1 (NULL) with the message in *ctx->cause. */
int	 snapshot_read_format(struct snapshot_ctx *, const cJSON *,
	    int *recording);
int	 snapshot_read_header(struct snapshot_ctx *, const cJSON *,
	    struct snapshot_header *);
void	 snapshot_header_clear(struct snapshot_header *);
int	 snapshot_read_frame_meta(struct snapshot_ctx *, const cJSON *,
	    size_t frame, double prev_t, double *t, char **label, long *key);
/*
 * A frame's arenas read one at a time, so that no tree of the whole frame
 * is built: the file layer puts null in the tree for "arenas" and hands
 * each entry over parsed alone.  next sets *item (the caller frees it) and
 * ctx->line to the entry's line and returns 1; 0 after the last; -1 with
 * the message in *ctx->cause.
 */
struct snapshot_arenas {
	int	(*next)(void *arg, struct snapshot_ctx *, cJSON **item);
	void	*arg;
};

/* The heap a snapshot document (frame 0) or a recording frame describes;
 * key is the full frame a delta frame refers to, else NULL; stream, when
 * not NULL, gives the arenas when the tree has null for them. */
struct heap *snapshot_read_body(struct snapshot_ctx *, const cJSON *,
	    const struct snapshot_header *, int frame, const struct heap *key,
	    const struct snapshot_arenas *stream);

/* Block types (snapshot_types.c).  The text of a pool's allocated blocks'
 * types, malloc'd, or NULL when it has none to write; map as above. */
char	*snapshot_types_encode(const struct heap *, const struct heap_pool *,
	    const uint16_t *map);
/* Exactly nvalues values, each an index below ntypes with the untracked
 * flag; -1 with *cause saying what was expected where. */
int	 snapshot_types_decode(const char *text, uint32_t nvalues,
	    uint32_t ntypes, uint16_t *values, char **cause);
/* h's type indices as indices of key's table grown by h's types not in it
 * (in h's order); NULL when either has no types, or when
 * a name has other flags in key or the table would grow too large -- then
 * the frame is written whole. */
uint16_t *snapshot_types_map(const struct heap *key, const struct heap *h);

/* Model helpers. */
struct heap *snapshot_heap_copy(const struct heap *);
void	 snapshot_process_copy(struct heap_process *,
	    const struct heap_process *);
/* Same header, block states and (through map, for a's) block types. */
int	 snapshot_pool_equal(const struct heap *, const struct heap_pool *a,
	    const uint16_t *map, const struct heap_pool *b);
const struct heap_arena *snapshot_find_arena(const struct heap *, uint64_t);
/* RFC 3339 UTC with milliseconds, and back. */
void	 snapshot_format_time(char *, size_t, double);
int	 snapshot_parse_time(const char *, double *);

#endif
