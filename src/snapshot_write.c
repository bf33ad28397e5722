/*
 * Writing the JSON formats.  A heap is streamed out part by part, one
 * function a part (process, allocator, body, types, arenas, pools, values),
 * through the emitter of snapshot_emit.c: no document tree is built, so
 * writing needs the model and a 64 KiB buffer, whatever the text's size.
 *
 * A recording's delta frame is planned before it is written: which arenas
 * are the key frame's unchanged ("same"), which are the key frame's with
 * some pools changed, and which are written whole.  The plan also says how
 * many pools changed, which decides whether a delta is worth it.
 */
#include "config.h"

#include "heap_rle.h"
#include "snapshot_int.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct snapshot_writer {
	FILE			*fp;
	char			*path;
	struct json_out		 out;
	struct heap_layout	 layout;
	enum snapshot_keys	 keys;
	struct heap		*key;		/* the last full frame, for deltas */
	long			 key_frame;
	double			 key_t;
	uint64_t		 key_bytes;	/* its size in the file */
	uint64_t		 delta_bytes;	/* deltas written against it */
	double			 last_t;
	struct snapshot_writer_stats stats;
};

void
snapshot_json_init(void)
{
	static int done;
	cJSON_Hooks hooks = { .malloc_fn = xmalloc, .free_fn = free };

	if (!done) {
		cJSON_InitHooks(&hooks);
		done = 1;
	}
}

void
snapshot_format_time(char *buf, size_t len, double t)
{
	long long ms = isfinite(t) && t > 0 ? llround(t * 1000.0) : 0;
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	char date[32];

	gmtime_r(&secs, &tm);
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03dZ", date, (int)(ms % 1000));
}

/* Seconds rounded to microseconds: short numbers in the files. */
static double
micro(double secs)
{
	return isfinite(secs) && secs > 0 ? round(secs * 1e6) / 1e6 : 0;
}

static void
write_count(struct json_out *o, const char *key, int64_t v)
{
	if (v < 0)
		json_null(o, key);
	else
		json_uint(o, key, (uint64_t)v);
}

static void
write_process(struct json_out *o, const struct heap_process *p)
{
	int i;

	json_object(o, "process");
	json_uint(o, "pid", (uint64_t)(p->pid > 0 ? p->pid : 0));
	json_string_or_null(o, "exe", p->exe);
	json_array(o, "argv");
	for (i = 0; p->argv != NULL && p->argv[i] != NULL; i++)
		json_string(o, NULL, p->argv[i]);
	json_close(o, ']');
	json_string_or_null(o, "python", p->python);
	json_uint(o, "rss_bytes", p->rss_bytes);
	json_close(o, '}');
}

static void
write_allocator(struct json_out *o, const struct heap_layout *l)
{
	json_object(o, "allocator");
	json_string(o, "name", "pymalloc");
	json_uint(o, "arena_size", l->arena_size);
	json_uint(o, "pool_size", l->pool_size);
	json_uint(o, "alignment", l->alignment);
	json_uint(o, "size_classes", l->nclasses);
	json_uint(o, "pool_overhead", l->pool_overhead);
	json_uint(o, "arena_map_root_bytes", l->map_root_bytes);
	json_uint(o, "arena_map_mid_bytes", l->map_mid_bytes);
	json_uint(o, "arena_map_bot_bytes", l->map_bot_bytes);
	json_close(o, '}');
}

static void
write_counters(struct json_out *o, const struct heap_counters *k)
{
	json_object(o, "counters");
	write_count(o, "arenas_allocated_total", k->arenas_allocated_total);
	write_count(o, "arenas_highwater", k->arenas_highwater);
	write_count(o, "arena_map_mid_nodes", k->map_mid_nodes);
	write_count(o, "arena_map_bot_nodes", k->map_bot_nodes);
	/* Only 3.6/3.7 under debug hooks print it. */
	if (k->debug_malloc_calls >= 0)
		write_count(o, "debug_malloc_calls", k->debug_malloc_calls);
	json_close(o, '}');
}

/* captured_at, capture_ms, level, counters, resident memory and malloc's
 * figures (a delta frame's against its key frame's). */
static void
write_body(struct json_out *o, const struct heap *h, const struct heap *key)
{
	char when[48];

	snapshot_format_time(when, sizeof when, h->captured_at);
	json_string(o, "captured_at", when);
	json_number(o, "capture_ms", isfinite(h->capture_ms) &&
	    h->capture_ms > 0 ? round(h->capture_ms * 1e3) / 1e3 : 0);
	json_string(o, "level",
	    h->level == HEAP_LEVEL_BLOCKS ? "blocks" : "pools");
	write_counters(o, &h->counters);
	if (h->resident != NULL)
		snapshot_write_resident(o, h->resident);
	snapshot_write_malloc(o, h, key);
}

/* Types are kept at block level only: a pool-level capture does not know
 * which blocks of a used pool are allocated. */
static int
has_types(const struct heap *h)
{
	return h->ntypes > 0 && h->level == HEAP_LEVEL_BLOCKS;
}

/* The type table's entries whose index (through map) is first or more. */
static void
write_type_list(struct json_out *o, const char *key, const struct heap *h,
    uint32_t first, const uint16_t *map)
{
	uint32_t i;

	json_array(o, key);
	for (i = 0; i < h->ntypes; i++) {
		if ((map != NULL ? map[i] : i) < first)
			continue;
		json_object(o, NULL);
		json_string(o, "name", h->types[i].name);
		json_bool(o, "gc", (h->types[i].flags & HEAP_TYPE_GC) != 0);
		json_bool(o, "heaptype",
		    (h->types[i].flags & HEAP_TYPE_HEAPTYPE) != 0);
		json_close(o, '}');
	}
	json_close(o, ']');
}

static void
write_types(struct json_out *o, const struct heap *h)
{
	if (has_types(h))
		write_type_list(o, "types", h, 0, NULL);
}

/* A delta frame's types not in its key frame's table, if any. */
static void
write_types_added(struct json_out *o, const struct heap *h,
    const struct heap *key, const uint16_t *map)
{
	uint32_t i;

	for (i = 0; i < h->ntypes; i++)
		if (map[i] >= key->ntypes)
			break;
	if (i < h->ntypes)
		write_type_list(o, "types_added", h, key->ntypes, map);
}

/* One pool; slot >= 0 adds its position, for a delta's "changes". */
static void
write_pool(struct json_out *o, const struct heap *h, const struct heap_pool *p,
    long slot, const uint16_t *map)
{
	char *text;

	json_object(o, NULL);
	if (slot >= 0)
		json_uint(o, "slot", (uint64_t)slot);
	json_uint(o, "szidx", p->szidx);
	json_uint(o, "count", p->count);
	json_uint(o, "nextoffset", p->nextoffset);
	json_string(o, "state", heap_pool_state_name(p->state));
	if (p->blocks != NULL && p->state == POOL_USED &&
	    h->level == HEAP_LEVEL_BLOCKS) {
		text = heap_rle_encode(p->blocks,
		    heap_blocks_per_pool(&h->layout, p->szidx));
		json_string(o, "blocks", text);
		free(text);
	}
	if (has_types(h) && (text = snapshot_types_encode(h, p, map)) != NULL) {
		json_string(o, "types", text);
		free(text);
	}
	json_close(o, '}');
}

/* Opens the arena's object with its header fields. */
static void
write_arena_head(struct json_out *o, const struct heap_arena *a)
{
	json_object(o, NULL);
	json_uint(o, "index", a->index);
	json_hex(o, "address", a->address);
	json_hex(o, "pool_address", a->pool_address);
	json_uint(o, "ntotalpools", a->ntotalpools);
	json_uint(o, "nfreepools", a->nfreepools);
}

/* A whole arena. */
static void
write_arena(struct json_out *o, const struct heap *h,
    const struct heap_arena *a, const uint16_t *map)
{
	uint32_t p;

	write_arena_head(o, a);
	json_array(o, "pools");
	for (p = 0; p < a->npools; p++)
		write_pool(o, h, &a->pools[p], -1, map);
	json_close(o, ']');
	json_close(o, '}');
}

static void
write_arenas(struct json_out *o, const struct heap *h)
{
	size_t i;

	json_array(o, "arenas");
	for (i = 0; i < h->narenas; i++)
		write_arena(o, h, &h->arenas[i], NULL);
	json_close(o, ']');
}

/* The values of the objects of pinned arenas (--types), when computed:
 * [{"address": "0x...", "type": INDEX, "value": TEXT}, ...]; a delta frame
 * gives each type's index in its key frame's table through map.  A frame
 * lists all its values, not a delta: they are few (a bounded number an
 * arena, bench/README.md). */
static void
write_values(struct json_out *o, const struct heap *h, const uint16_t *map)
{
	uint32_t type;
	size_t i;

	if (!h->has_values || !has_types(h))
		return;
	json_array(o, "values");
	for (i = 0; i < h->nvalues; i++) {
		type = h->values[i].type;
		if (map != NULL && type < h->ntypes)
			type = map[type];
		json_object(o, NULL);
		json_hex(o, "address", h->values[i].address);
		json_uint(o, "type", type);
		json_string(o, "value", h->values[i].text);
		json_close(o, '}');
	}
	json_close(o, ']');
}

int
snapshot_write(FILE *fp, const struct heap *h, char **cause)
{
	struct json_out o;
	int rc;

	json_out_init(&o, fp);
	json_object(&o, NULL);
	json_string(&o, "format", SNAPSHOT_FORMAT);
	json_uint(&o, "version", SNAPSHOT_VERSION);
	write_body(&o, h, NULL);
	write_process(&o, &h->process);
	write_allocator(&o, &h->layout);
	write_types(&o, h);
	write_arenas(&o, h);
	write_values(&o, h, NULL);
	json_close(&o, '}');
	rc = json_out_line(&o, "writing the snapshot", cause);
	json_out_free(&o);
	return rc;
}

/* ---- recordings ------------------------------------------------------ */

enum arena_plan {
	PLAN_WHOLE,	/* not in the key frame (or resized): written whole */
	PLAN_SAME,	/* the key frame's, unchanged: in "same" */
	PLAN_CHANGED,	/* the key frame's with pools changed: "changes" */
};

/* What a delta frame of h against key will hold. */
struct delta_plan {
	const struct heap	 *key;
	const uint16_t		 *map;
	const struct heap_arena	**ka;		/* per arena of h */
	uint8_t			 *plan;		/* enum arena_plan */
	uint8_t			 *changed;	/* a flag per pool slot */
	size_t			 *first;	/* arena's first slot in changed */
	size_t			  nchanged;	/* pools written */
	size_t			  npools;
	int			  identity;	/* map keeps every index */
};

/* A quick "equal": same header and the same bytes of block states and
 * (when the type indices need no mapping) of types.  When it says no,
 * snapshot_pool_equal decides, block by block. */
static int
pool_same_bytes(const struct heap *h, const struct heap_pool *a,
    const struct heap_pool *b, int identity)
{
	uint32_t n;

	if (a->state != b->state || a->szidx != b->szidx ||
	    a->count != b->count || a->nextoffset != b->nextoffset ||
	    (a->blocks == NULL) != (b->blocks == NULL) ||
	    a->typed != b->typed || (a->typed && !identity))
		return 0;
	n = heap_blocks_per_pool(&h->layout, a->szidx);
	return (a->blocks == NULL || memcmp(a->blocks, b->blocks,
	    (n + 3) / 4) == 0) && heap_pool_types_equal(a, b, n);
}

static int
map_identity(const uint16_t *map, uint32_t n)
{
	uint32_t i;

	for (i = 0; map != NULL && i < n; i++)
		if (map[i] != i)
			return 0;
	return 1;
}

static int
arena_head_equal(const struct heap_arena *a, const struct heap_arena *b)
{
	return a->index == b->index && a->address == b->address &&
	    a->pool_address == b->pool_address &&
	    a->ntotalpools == b->ntotalpools && a->nfreepools == b->nfreepools &&
	    a->npools == b->npools;
}

/* Compares arena i of h with the key's at its address. */
static void
plan_arena(struct delta_plan *d, const struct heap *h, size_t i)
{
	const struct heap_arena *a = &h->arenas[i], *ka;
	size_t before = d->nchanged;
	uint32_t p;

	ka = d->ka[i] = snapshot_find_arena(d->key, a->address);
	if (ka == NULL || ka->npools != a->npools) {
		d->plan[i] = PLAN_WHOLE;
		d->nchanged += a->npools;
		return;
	}
	for (p = 0; p < a->npools; p++) {
		if (pool_same_bytes(h, &a->pools[p], &ka->pools[p],
		    d->identity) || snapshot_pool_equal(h, &a->pools[p], d->map,
		    &ka->pools[p]))
			continue;
		d->changed[d->first[i] + p] = 1;
		d->nchanged++;
	}
	d->plan[i] = d->nchanged == before && arena_head_equal(a, ka) ?
	    PLAN_SAME : PLAN_CHANGED;
}

static void
plan_delta(struct delta_plan *d, const struct heap *h, const struct heap *key,
    const uint16_t *map)
{
	size_t i;

	memset(d, 0, sizeof *d);
	d->key = key;
	d->map = map;
	d->identity = map_identity(map, h->ntypes);
	d->ka = xcalloc(h->narenas ? h->narenas : 1, sizeof *d->ka);
	d->plan = xcalloc(h->narenas ? h->narenas : 1, 1);
	d->first = xcalloc(h->narenas ? h->narenas : 1, sizeof *d->first);
	for (i = 0; i < h->narenas; i++) {
		d->first[i] = d->npools;
		d->npools += h->arenas[i].npools;
	}
	d->changed = xcalloc(d->npools ? d->npools : 1, 1);
	for (i = 0; i < h->narenas; i++)
		plan_arena(d, h, i);
}

static void
plan_free(struct delta_plan *d)
{
	free(d->ka);
	free(d->plan);
	free(d->first);
	free(d->changed);
}

/* The arena's header and its changed pools. */
static void
write_changed_arena(struct json_out *o, const struct heap *h,
    const struct delta_plan *d, size_t i)
{
	const struct heap_arena *a = &h->arenas[i];
	uint32_t p;

	write_arena_head(o, a);
	json_array(o, "changes");
	for (p = 0; p < a->npools; p++)
		if (d->changed[d->first[i] + p])
			write_pool(o, h, &a->pools[p], p, d->map);
	json_close(o, ']');
	json_close(o, '}');
}

static void
write_delta_arenas(struct json_out *o, const struct heap *h,
    const struct delta_plan *d)
{
	size_t i;

	json_array(o, "same");
	for (i = 0; i < h->narenas; i++)
		if (d->plan[i] == PLAN_SAME)
			json_uint(o, NULL, (uint64_t)(d->ka[i] - d->key->arenas));
	json_close(o, ']');
	json_array(o, "arenas");
	for (i = 0; i < h->narenas; i++) {
		if (d->plan[i] == PLAN_WHOLE)
			write_arena(o, h, &h->arenas[i], d->map);
		else if (d->plan[i] == PLAN_CHANGED)
			write_changed_arena(o, h, d, i);
	}
	json_close(o, ']');
}

/* What every frame starts with: t, label, key (a delta's), the body. */
static void
write_frame_head(struct json_out *o, const struct heap *h, double t,
    const char *label, long key_frame, const struct heap *key)
{
	json_object(o, NULL);
	json_number(o, "t", micro(t));
	if (label != NULL)
		json_string(o, "label", label);
	if (key_frame >= 0)
		json_uint(o, "key", (uint64_t)key_frame);
	write_body(o, h, key);
	json_uint(o, "rss_bytes", h->process.rss_bytes);
}

static void
write_full_frame(struct json_out *o, const struct heap *h, double t,
    const char *label)
{
	write_frame_head(o, h, t, label, -1, NULL);
	write_types(o, h);
	write_arenas(o, h);
	write_values(o, h, NULL);
	json_close(o, '}');
}

static void
write_delta_frame(struct json_out *o, const struct heap *h, double t,
    const char *label, long key_frame, const struct delta_plan *d)
{
	write_frame_head(o, h, t, label, key_frame, d->key);
	if (has_types(h) && d->map != NULL)
		write_types_added(o, h, d->key, d->map);
	write_delta_arenas(o, h, d);
	write_values(o, h, d->map);
	json_close(o, '}');
}

struct snapshot_writer *
snapshot_writer_open(const char *path, const struct heap *h, char **cause)
{
	struct snapshot_writer *w;
	FILE *fp;

	if ((fp = fopen(path, "w")) == NULL) {
		util_cause(cause, "%s: %s", path, strerror(errno));
		return NULL;
	}
	w = xcalloc(1, sizeof *w);
	w->fp = fp;
	w->path = xstrdup(path);
	json_out_init(&w->out, fp);
	json_object(&w->out, NULL);
	json_string(&w->out, "format", RECORDING_FORMAT);
	json_uint(&w->out, "version", SNAPSHOT_VERSION);
	write_process(&w->out, &h->process);
	write_allocator(&w->out, &h->layout);
	json_close(&w->out, '}');
	if (json_out_line(&w->out, path, cause) != 0) {
		snapshot_writer_close(w, NULL);
		return NULL;
	}
	w->stats.bytes = w->out.bytes;
	w->layout = h->layout;
	w->key_frame = -1;
	return w;
}

static int
layout_equal(const struct heap_layout *a, const struct heap_layout *b)
{
	return a->arena_size == b->arena_size && a->pool_size == b->pool_size &&
	    a->alignment == b->alignment && a->nclasses == b->nclasses &&
	    a->pool_overhead == b->pool_overhead &&
	    a->map_root_bytes == b->map_root_bytes &&
	    a->map_mid_bytes == b->map_mid_bytes &&
	    a->map_bot_bytes == b->map_bot_bytes;
}

/* Whether h may be written as a delta against the key frame: not when the
 * deltas since it cost half a full frame already (then a full frame is
 * cheaper for what follows), nor after SNAPSHOT_KEY_SECONDS. */
static int
delta_possible(const struct snapshot_writer *w, const struct heap *h, double t)
{
	return w->keys != SNAPSHOT_KEYS_EVERY && w->key != NULL &&
	    w->key->level == h->level && t >= w->key_t &&
	    t - w->key_t < SNAPSHOT_KEY_SECONDS &&
	    (double)w->delta_bytes < (double)w->key_bytes * SNAPSHOT_KEY_SHARE &&
	    (w->key->ntypes == 0) == (h->ntypes == 0);
}

/*
 * Writes h as a delta against the last full frame when that is possible
 * and worth it; returns 1 when it did (or failed: -1), 0 when the frame is
 * to be written whole.
 */
static int
writer_delta(struct snapshot_writer *w, const struct heap *h, double t,
    const char *label, char **cause)
{
	struct delta_plan d;
	uint16_t *map = NULL;
	int rc = 0;

	if (!delta_possible(w, h, t))
		return 0;
	if (h->ntypes > 0 && (map = snapshot_types_map(w->key, h)) == NULL)
		return 0;
	plan_delta(&d, h, w->key, map);
	if (d.nchanged <= d.npools / 2) {
		write_delta_frame(&w->out, h, t, label, w->key_frame, &d);
		rc = json_out_line(&w->out, w->path, cause) != 0 ? -1 : 1;
	}
	plan_free(&d);
	free(map);
	return rc;
}

static int
writer_check(struct snapshot_writer *w, const struct heap *h, double *t,
    const char *label, char **cause)
{
	if (!layout_equal(&w->layout, &h->layout))
		return util_cause(cause, "%s: the allocator layout changed "
		    "during the recording", w->path);
	if (!isfinite(*t) || *t < w->last_t)
		*t = w->last_t;	/* readers want time to go forward */
	if (label != NULL && strlen(label) > SNAPSHOT_MAX_LABEL)
		return util_cause(cause, "%s: frame label longer than %d bytes",
		    w->path, SNAPSHOT_MAX_LABEL);
	return 0;
}

/* Writes frame h; *keep says whether it became the key frame (which the
 * writer then refers to until the next one). */
static int
writer_frame(struct snapshot_writer *w, const struct heap *h, double t,
    const char *label, int *keep, char **cause)
{
	uint64_t before = w->out.bytes;
	int r;

	*keep = 0;
	if (writer_check(w, h, &t, label, cause) != 0)
		return -1;
	if ((r = writer_delta(w, h, t, label, cause)) < 0)
		return -1;
	if (r == 0) {
		write_full_frame(&w->out, h, t, label);
		if (json_out_line(&w->out, w->path, cause) != 0)
			return -1;
		w->key_frame = (long)w->stats.frames;
		w->key_t = t;
		w->key_bytes = w->out.bytes - before;
		w->delta_bytes = 0;
		w->stats.key_frames++;
		*keep = 1;
	} else
		w->delta_bytes += w->out.bytes - before;
	w->stats.bytes = w->out.bytes;
	w->last_t = t;
	w->stats.frames++;
	return 0;
}

int
snapshot_writer_frame(struct snapshot_writer *w, const struct heap *h,
    double t, const char *label, char **cause)
{
	int keep;

	if (writer_frame(w, h, t, label, &keep, cause) != 0)
		return -1;
	if (keep) {
		heap_free(w->key);
		w->key = snapshot_heap_copy(h);
	}
	return 0;
}

int
snapshot_writer_frame_give(struct snapshot_writer *w, struct heap *h,
    double t, const char *label, char **cause)
{
	int keep, rc;

	rc = writer_frame(w, h, t, label, &keep, cause);
	if (rc == 0 && keep) {
		heap_free(w->key);
		w->key = h;
	} else
		heap_free(h);
	return rc;
}

void
snapshot_writer_keys(struct snapshot_writer *w, enum snapshot_keys keys)
{
	w->keys = keys;
}

void
snapshot_writer_get_stats(const struct snapshot_writer *w,
    struct snapshot_writer_stats *s)
{
	*s = w->stats;
}

int
snapshot_writer_close(struct snapshot_writer *w, char **cause)
{
	int rc = 0;

	if (w == NULL)
		return 0;
	if (fclose(w->fp) != 0)
		rc = util_cause(cause, "%s: %s", w->path, strerror(errno));
	json_out_free(&w->out);
	heap_free(w->key);
	free(w->path);
	free(w);
	return rc;
}
