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
	struct heap_layout	 layout;
	struct heap		*key;		/* the last full frame, for deltas */
	long			 key_frame;
	double			 key_t;
	double			 last_t;
	size_t			 nframes;
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

static cJSON *
json_hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof buf, "0x%" PRIx64, v);
	return cJSON_CreateString(buf);
}

static void
add_count(cJSON *o, const char *key, int64_t v)
{
	if (v < 0)
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddNumberToObject(o, key, (double)v);
}

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t
utf8_sequence(const unsigned char *s)
{
	uint32_t cp;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1fu;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0fu;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07u;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)	/* also stops at the NUL */
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 ||
	    cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* JSON text is UTF-8, a path or an argument need not be: bytes that are
 * not become U+FFFD. */
static cJSON *
json_string(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char *clean, *o;
	cJSON *it;
	size_t n;

	while (*p != '\0' && (n = utf8_sequence(p)) != 0)
		p += n;
	if (*p == '\0')
		return cJSON_CreateString(s);
	o = clean = xmalloc(strlen(s) * 3 + 1);
	for (p = (const unsigned char *)s; *p != '\0';) {
		if ((n = utf8_sequence(p)) == 0) {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			p++;
			continue;
		}
		memcpy(o, p, n);
		o += n;
		p += n;
	}
	*o = '\0';
	it = cJSON_CreateString(clean);
	free(clean);
	return it;
}

static void
add_string(cJSON *o, const char *key, const char *s)
{
	if (s == NULL)
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddItemToObject(o, key, json_string(s));
}

cJSON *
snapshot_json_process(const struct heap_process *p, int with_rss)
{
	cJSON *o = cJSON_CreateObject(), *argv;
	int i;

	cJSON_AddNumberToObject(o, "pid", p->pid);
	add_string(o, "exe", p->exe);
	argv = cJSON_AddArrayToObject(o, "argv");
	for (i = 0; p->argv != NULL && p->argv[i] != NULL; i++)
		cJSON_AddItemToArray(argv, json_string(p->argv[i]));
	add_string(o, "python", p->python);
	if (with_rss)
		cJSON_AddNumberToObject(o, "rss_bytes", (double)p->rss_bytes);
	return o;
}

cJSON *
snapshot_json_allocator(const struct heap_layout *l)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "name", "pymalloc");
	cJSON_AddNumberToObject(o, "arena_size", l->arena_size);
	cJSON_AddNumberToObject(o, "pool_size", l->pool_size);
	cJSON_AddNumberToObject(o, "alignment", l->alignment);
	cJSON_AddNumberToObject(o, "size_classes", l->nclasses);
	cJSON_AddNumberToObject(o, "pool_overhead", l->pool_overhead);
	cJSON_AddNumberToObject(o, "arena_map_root_bytes", l->map_root_bytes);
	cJSON_AddNumberToObject(o, "arena_map_mid_bytes", l->map_mid_bytes);
	cJSON_AddNumberToObject(o, "arena_map_bot_bytes", l->map_bot_bytes);
	return o;
}

void
snapshot_json_body(cJSON *o, const struct heap *h)
{
	cJSON *k;
	char when[48];

	snapshot_format_time(when, sizeof when, h->captured_at);
	cJSON_AddStringToObject(o, "captured_at", when);
	cJSON_AddNumberToObject(o, "capture_ms", isfinite(h->capture_ms) &&
	    h->capture_ms > 0 ? round(h->capture_ms * 1e3) / 1e3 : 0);
	cJSON_AddStringToObject(o, "level",
	    h->level == HEAP_LEVEL_BLOCKS ? "blocks" : "pools");
	k = cJSON_AddObjectToObject(o, "counters");
	add_count(k, "arenas_allocated_total", h->counters.arenas_allocated_total);
	add_count(k, "arenas_highwater", h->counters.arenas_highwater);
	add_count(k, "arena_map_mid_nodes", h->counters.map_mid_nodes);
	add_count(k, "arena_map_bot_nodes", h->counters.map_bot_nodes);
	/* Only 3.6/3.7 under debug hooks print it. */
	if (h->counters.debug_malloc_calls >= 0)
		add_count(k, "debug_malloc_calls", h->counters.debug_malloc_calls);
	if (h->resident != NULL)
		cJSON_AddItemToObject(o, "resident",
		    snapshot_json_resident(h->resident));
}

/* Type table entries from index first on. */
static cJSON *
json_type_list(const struct heap *h, uint32_t first, const uint16_t *map)
{
	cJSON *arr = cJSON_CreateArray(), *o;
	uint32_t i;

	for (i = 0; i < h->ntypes; i++) {
		if ((map != NULL ? map[i] : i) < first)
			continue;
		o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "name", json_string(h->types[i].name));
		cJSON_AddBoolToObject(o, "gc",
		    (h->types[i].flags & HEAP_TYPE_GC) != 0);
		cJSON_AddBoolToObject(o, "heaptype",
		    (h->types[i].flags & HEAP_TYPE_HEAPTYPE) != 0);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

/* Types are kept at block level only: a pool-level capture does not know
 * which blocks of a used pool are allocated. */
static int
has_types(const struct heap *h)
{
	return h->ntypes > 0 && h->level == HEAP_LEVEL_BLOCKS;
}

/* A delta frame's types not in its key frame's table, if any. */
static void
add_types_added(cJSON *o, const struct heap *h, const struct heap *key,
    const uint16_t *map)
{
	cJSON *added = json_type_list(h, key->ntypes, map);

	if (cJSON_GetArraySize(added) > 0)
		cJSON_AddItemToObject(o, "types_added", added);
	else
		cJSON_Delete(added);
}

void
snapshot_json_types(cJSON *o, const struct heap *h)
{
	if (has_types(h))
		cJSON_AddItemToObject(o, "types", json_type_list(h, 0, NULL));
}

/* One pool; slot >= 0 adds its position, for a delta's "changes". */
static cJSON *
json_pool(const struct heap *h, const struct heap_pool *p, long slot,
    const uint16_t *map)
{
	cJSON *o = cJSON_CreateObject();
	char *rle, *types;

	if (slot >= 0)
		cJSON_AddNumberToObject(o, "slot", (double)slot);
	cJSON_AddNumberToObject(o, "szidx", p->szidx);
	cJSON_AddNumberToObject(o, "count", p->count);
	cJSON_AddNumberToObject(o, "nextoffset", p->nextoffset);
	cJSON_AddStringToObject(o, "state", heap_pool_state_name(p->state));
	if (p->blocks != NULL && p->state == POOL_USED &&
	    h->level == HEAP_LEVEL_BLOCKS) {
		rle = heap_rle_encode(p->blocks,
		    heap_blocks_per_pool(&h->layout, p->szidx));
		cJSON_AddStringToObject(o, "blocks", rle);
		free(rle);
	}
	if (has_types(h) && (types = snapshot_types_encode(h, p, map)) != NULL) {
		cJSON_AddStringToObject(o, "types", types);
		free(types);
	}
	return o;
}

static cJSON *
json_arena_head(const struct heap_arena *a)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "index", a->index);
	cJSON_AddItemToObject(o, "address", json_hex(a->address));
	cJSON_AddItemToObject(o, "pool_address", json_hex(a->pool_address));
	cJSON_AddNumberToObject(o, "ntotalpools", a->ntotalpools);
	cJSON_AddNumberToObject(o, "nfreepools", a->nfreepools);
	return o;
}

static cJSON *
json_arena(const struct heap *h, const struct heap_arena *a,
    const uint16_t *map)
{
	cJSON *o = json_arena_head(a), *pools;
	uint32_t p;

	pools = cJSON_AddArrayToObject(o, "pools");
	for (p = 0; p < a->npools; p++)
		cJSON_AddItemToArray(pools, json_pool(h, &a->pools[p], -1, map));
	return o;
}

cJSON *
snapshot_json_arena(const struct heap *h, const struct heap_arena *a)
{
	return json_arena(h, a, NULL);
}

static int
arena_head_equal(const struct heap_arena *a, const struct heap_arena *b)
{
	return a->index == b->index && a->address == b->address &&
	    a->pool_address == b->pool_address &&
	    a->ntotalpools == b->ntotalpools && a->nfreepools == b->nfreepools &&
	    a->npools == b->npools;
}

/*
 * The arena as a delta against the key frame's arena at the same address:
 * NULL when nothing changed, else its header and the pools that differ.
 */
static cJSON *
json_arena_changes(const struct heap *h, const struct heap_arena *a,
    const struct heap_arena *ka, const uint16_t *map, size_t *changed)
{
	cJSON *o, *changes;
	uint32_t p;
	size_t before = *changed;

	o = json_arena_head(a);
	changes = cJSON_AddArrayToObject(o, "changes");
	for (p = 0; p < a->npools; p++) {
		if (snapshot_pool_equal(h, &a->pools[p], map, &ka->pools[p]))
			continue;
		cJSON_AddItemToArray(changes, json_pool(h, &a->pools[p], p, map));
		(*changed)++;
	}
	if (*changed == before && arena_head_equal(a, ka)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static void
add_delta_arenas(cJSON *o, const struct heap *h, const struct heap *key,
    const uint16_t *map, size_t *changed)
{
	cJSON *same = cJSON_AddArrayToObject(o, "same");
	cJSON *arenas = cJSON_AddArrayToObject(o, "arenas"), *a;
	const struct heap_arena *ka;
	size_t i;

	for (i = 0; i < h->narenas; i++) {
		ka = snapshot_find_arena(key, h->arenas[i].address);
		if (ka == NULL || ka->npools != h->arenas[i].npools) {
			cJSON_AddItemToArray(arenas,
			    json_arena(h, &h->arenas[i], map));
			*changed += h->arenas[i].npools;
			continue;
		}
		a = json_arena_changes(h, &h->arenas[i], ka, map, changed);
		if (a == NULL)
			cJSON_AddItemToArray(same,
			    cJSON_CreateNumber((double)(ka - key->arenas)));
		else
			cJSON_AddItemToArray(arenas, a);
	}
}

/* The values of the objects of pinned arenas (--types), when computed:
 * [{"address": "0x...", "type": INDEX, "value": TEXT}, ...]; a delta frame
 * gives each type's index in its key frame's table through map.  A frame
 * lists all its values, not a delta: they are few (a bounded number an
 * arena, bench/README.md). */
static void
json_values(cJSON *o, const struct heap *h, const uint16_t *map)
{
	cJSON *arr, *v;
	uint32_t type;
	size_t i;

	if (!h->has_values || !has_types(h))
		return;
	arr = cJSON_AddArrayToObject(o, "values");
	for (i = 0; i < h->nvalues; i++) {
		type = h->values[i].type;
		if (map != NULL && type < h->ntypes)
			type = map[type];
		v = cJSON_CreateObject();
		cJSON_AddItemToObject(v, "address",
		    json_hex(h->values[i].address));
		cJSON_AddNumberToObject(v, "type", type);
		cJSON_AddItemToObject(v, "value", json_string(h->values[i].text));
		cJSON_AddItemToArray(arr, v);
	}
}

cJSON *
snapshot_json_frame(const struct heap *h, double t, const char *label,
    const struct heap *key, long key_frame, const uint16_t *map,
    size_t *changed)
{
	cJSON *o = cJSON_CreateObject(), *arenas;
	size_t i;

	cJSON_AddNumberToObject(o, "t", micro(t));
	if (label != NULL)
		add_string(o, "label", label);
	if (key != NULL)
		cJSON_AddNumberToObject(o, "key", (double)key_frame);
	snapshot_json_body(o, h);
	cJSON_AddNumberToObject(o, "rss_bytes", (double)h->process.rss_bytes);
	*changed = 0;
	if (key != NULL) {
		if (has_types(h) && map != NULL)
			add_types_added(o, h, key, map);
		add_delta_arenas(o, h, key, map, changed);
		json_values(o, h, map);
		return o;
	}
	snapshot_json_types(o, h);
	arenas = cJSON_AddArrayToObject(o, "arenas");
	for (i = 0; i < h->narenas; i++)
		cJSON_AddItemToArray(arenas, snapshot_json_arena(h, &h->arenas[i]));
	json_values(o, h, NULL);
	return o;
}

/* Prints the tree as one line and flushes it. */
static int
write_line(FILE *fp, const char *name, cJSON *o, char **cause)
{
	char *text = cJSON_PrintUnformatted(o);

	cJSON_Delete(o);
	if (text == NULL)
		return util_cause(cause, "%s: cannot format the JSON", name);
	if (fputs(text, fp) == EOF || fputc('\n', fp) == EOF ||
	    fflush(fp) == EOF || ferror(fp)) {
		util_cause(cause, "%s: %s", name, strerror(errno));
		free(text);
		return -1;
	}
	free(text);
	return 0;
}

int
snapshot_write(FILE *fp, const struct heap *h, char **cause)
{
	cJSON *o, *arenas;
	size_t i;

	snapshot_json_init();
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "format", SNAPSHOT_FORMAT);
	cJSON_AddNumberToObject(o, "version", SNAPSHOT_VERSION);
	snapshot_json_body(o, h);
	cJSON_AddItemToObject(o, "process", snapshot_json_process(&h->process, 1));
	cJSON_AddItemToObject(o, "allocator", snapshot_json_allocator(&h->layout));
	snapshot_json_types(o, h);
	arenas = cJSON_AddArrayToObject(o, "arenas");
	for (i = 0; i < h->narenas; i++)
		cJSON_AddItemToArray(arenas, snapshot_json_arena(h, &h->arenas[i]));
	json_values(o, h, NULL);
	return write_line(fp, "writing the snapshot", o, cause);
}

struct snapshot_writer *
snapshot_writer_open(const char *path, const struct heap *h, char **cause)
{
	struct snapshot_writer *w;
	cJSON *o;
	FILE *fp;

	snapshot_json_init();
	if ((fp = fopen(path, "w")) == NULL) {
		util_cause(cause, "%s: %s", path, strerror(errno));
		return NULL;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "format", RECORDING_FORMAT);
	cJSON_AddNumberToObject(o, "version", SNAPSHOT_VERSION);
	cJSON_AddItemToObject(o, "process", snapshot_json_process(&h->process, 1));
	cJSON_AddItemToObject(o, "allocator", snapshot_json_allocator(&h->layout));
	if (write_line(fp, path, o, cause) != 0) {
		fclose(fp);
		return NULL;
	}
	w = xcalloc(1, sizeof *w);
	w->fp = fp;
	w->path = xstrdup(path);
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

static size_t
heap_npools(const struct heap *h)
{
	size_t i, n = 0;

	for (i = 0; i < h->narenas; i++)
		n += h->arenas[i].npools;
	return n;
}

/* A delta against the last full frame when one is recent and the delta
 * small; else NULL, and the frame is written whole. */
static cJSON *
writer_delta(struct snapshot_writer *w, const struct heap *h, double t,
    const char *label)
{
	uint16_t *map;
	cJSON *o;
	size_t changed;

	if (w->key == NULL || w->key->level != h->level || t < w->key_t ||
	    t - w->key_t >= SNAPSHOT_KEY_SECONDS ||
	    (w->key->ntypes == 0) != (h->ntypes == 0))
		return NULL;
	map = snapshot_types_map(w->key, h);
	if (h->ntypes > 0 && map == NULL)
		return NULL;
	o = snapshot_json_frame(h, t, label, w->key, w->key_frame, map,
	    &changed);
	free(map);
	if (changed > heap_npools(h) / 2) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

int
snapshot_writer_frame(struct snapshot_writer *w, const struct heap *h,
    double t, const char *label, char **cause)
{
	cJSON *o;
	size_t changed;
	int key;

	if (!layout_equal(&w->layout, &h->layout))
		return util_cause(cause, "%s: the allocator layout changed "
		    "during the recording", w->path);
	if (!isfinite(t) || t < w->last_t)
		t = w->last_t;	/* readers want time to go forward */
	if (label != NULL && strlen(label) > SNAPSHOT_MAX_LABEL)
		return util_cause(cause, "%s: frame label longer than %d bytes",
		    w->path, SNAPSHOT_MAX_LABEL);
	o = writer_delta(w, h, t, label);
	if ((key = (o == NULL)))
		o = snapshot_json_frame(h, t, label, NULL, -1, NULL, &changed);
	if (write_line(w->fp, w->path, o, cause) != 0)
		return -1;
	if (key) {
		heap_free(w->key);
		w->key = snapshot_heap_copy(h);
		w->key_frame = (long)w->nframes;
		w->key_t = t;
	}
	w->last_t = t;
	w->nframes++;
	return 0;
}

int
snapshot_writer_close(struct snapshot_writer *w, char **cause)
{
	int rc = 0;

	if (w == NULL)
		return 0;
	if (fclose(w->fp) != 0)
		rc = util_cause(cause, "%s: %s", w->path, strerror(errno));
	heap_free(w->key);
	free(w->path);
	free(w);
	return rc;
}
