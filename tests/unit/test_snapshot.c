/*
 * The JSON formats: RLE of block states, snapshot round trips at pool and
 * block level (field by field and by the --stats text), recordings with
 * full and delta frames, recordings cut at every byte of their last line,
 * and the loader's answers to bad deltas; block types in snapshots and
 * recordings, their text's grammar and the loader's answers to bad types.
 */
#include "config.h"

#include "check.h"
#include "heap.h"
#include "heap_rle.h"
#include "heap_types.h"
#include "render.h"
#include "snapshot.h"
#include "snapshot_heaps.h"
#include "snapshot_int.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[64];

/* ---- comparing ---------------------------------------------------------- */

static char *
stats_text(const struct heap *h)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	render_stats_pymalloc(fp, h);
	fputc('\n', fp);
	render_stats_extra(fp, h);
	render_stats_types(fp, h);
	fclose(fp);
	return buf;
}

/* Allocated block i of u (in a) and of v (in b) have the same type, by
 * name, and the same untracked flag. */
static int
block_types_equal(const struct heap *a, const struct heap_pool *u,
    const struct heap *b, const struct heap_pool *v, uint32_t i)
{
	uint32_t tu = heap_block_type(u, i), tv = heap_block_type(v, i);
	int uu = (heap_pool_type_value(u, i) & HEAP_TYPE_UNTRACKED) != 0;
	int uv = (heap_pool_type_value(v, i) & HEAP_TYPE_UNTRACKED) != 0;

	if (heap_block_state(a, u, i) != BLOCK_ALLOCATED)
		return 1;
	if (a->ntypes == 0 || b->ntypes == 0)
		return a->ntypes == b->ntypes;
	return uu == uv && tu < a->ntypes && tv < b->ntypes &&
	    strcmp(a->types[tu].name, b->types[tv].name) == 0 &&
	    a->types[tu].flags == b->types[tv].flags;
}

static void
check_pools_equal(const struct heap *a, const struct heap_arena *x,
    const struct heap *b, const struct heap_arena *y)
{
	uint32_t p, i, bad = 0;

	for (p = 0; p < x->npools && p < y->npools; p++) {
		const struct heap_pool *u = &x->pools[p], *v = &y->pools[p];

		if (u->state != v->state || u->szidx != v->szidx ||
		    u->count != v->count || u->nextoffset != v->nextoffset ||
		    (u->blocks == NULL) != (v->blocks == NULL))
			bad++;
		for (i = 0; i < heap_blocks_per_pool(&a->layout, u->szidx); i++)
			if (heap_block_state(a, u, i) != heap_block_state(a, v, i) ||
			    !block_types_equal(a, u, b, v, i))
				bad++;
	}
	CHECK_EQ_U(bad, 0);
}

static void
check_heaps_equal(const struct heap *a, const struct heap *b)
{
	size_t i;
	int k;
	char *sa, *sb;

	CHECK(memcmp(&a->layout, &b->layout, sizeof a->layout) == 0);
	CHECK_EQ_U(a->level, b->level);
	CHECK_EQ_U(a->process.pid, b->process.pid);
	CHECK_STR(a->process.exe, b->process.exe);
	CHECK_STR(a->process.python, b->process.python);
	CHECK_EQ_U(a->process.argc, b->process.argc);
	for (k = 0; k < a->process.argc && k < b->process.argc; k++)
		CHECK_STR(a->process.argv[k], b->process.argv[k]);
	CHECK_EQ_U(a->process.rss_bytes, b->process.rss_bytes);
	CHECK(fabs(a->captured_at - b->captured_at) < 0.0005);
	CHECK(a->capture_ms == b->capture_ms);
	CHECK(memcmp(&a->counters, &b->counters, sizeof a->counters) == 0);
	CHECK_EQ_U(a->narenas, b->narenas);
	CHECK_EQ_U(a->ntypes == 0, b->ntypes == 0);
	for (i = 0; i < a->narenas && i < b->narenas; i++) {
		const struct heap_arena *x = &a->arenas[i], *y = &b->arenas[i];

		CHECK_EQ_U(x->index, y->index);
		CHECK_EQ_U(x->address, y->address);
		CHECK_EQ_U(x->pool_address, y->pool_address);
		CHECK_EQ_U(x->first_pool, y->first_pool);
		CHECK_EQ_U(x->ntotalpools, y->ntotalpools);
		CHECK_EQ_U(x->nfreepools, y->nfreepools);
		CHECK_EQ_U(x->npools, y->npools);
		check_pools_equal(a, x, b, y);
	}
	CHECK_EQ_U(a->has_values, b->has_values);
	CHECK_EQ_U(a->nvalues, b->nvalues);
	for (i = 0; i < a->nvalues && i < b->nvalues; i++) {
		CHECK_EQ_U(a->values[i].address, b->values[i].address);
		CHECK_STR(a->types[a->values[i].type].name,
		    b->values[i].type < b->ntypes ?
		    b->types[b->values[i].type].name : "?");
		CHECK_STR(a->values[i].text, b->values[i].text);
	}
	sa = stats_text(a);
	sb = stats_text(b);
	CHECK_STR(sb, sa);
	free(sa);
	free(sb);
}

/* ---- RLE ------------------------------------------------------------- */

static void
check_rle_round_trip(const char *text, uint32_t n, uint32_t na, uint32_t nf)
{
	uint8_t *blocks = NULL;
	uint32_t counts[3];
	char *cause = NULL, *again;

	CHECK(heap_rle_decode(text, n, &blocks, counts, &cause) == 0);
	if (blocks == NULL) {
		fprintf(stderr, "  decoding \"%s\": %s\n", text, cause);
		free(cause);
		return;
	}
	CHECK_EQ_U(counts[BLOCK_ALLOCATED], na);
	CHECK_EQ_U(counts[BLOCK_FREE], nf);
	CHECK_EQ_U(counts[BLOCK_UNTOUCHED], n - na - nf);
	again = heap_rle_encode(blocks, n);
	CHECK_STR(again, text);
	free(again);
	free(blocks);
}

static void
check_rle_error(const char *text, uint32_t n, const char *want)
{
	uint8_t *blocks = NULL;
	uint32_t counts[3];
	char *cause = NULL;

	CHECK(heap_rle_decode(text, n, &blocks, counts, &cause) == -1);
	CHECK(blocks == NULL);
	CHECK(cause != NULL && strstr(cause, want) != NULL);
	if (cause == NULL || strstr(cause, want) == NULL)
		fprintf(stderr, "  \"%s\": got \"%s\", wanted \"%s\"\n", text,
		    cause ? cause : "(none)", want);
	free(cause);
}

static void
test_rle(void)
{
	uint8_t *blocks = heap_blocks_new(1021), *out = NULL;
	uint32_t i, counts[3];
	char *text, *cause = NULL;

	check_rle_round_trip("A3F1A6U500", 510, 9, 1);
	check_rle_round_trip("A1021", 1021, 1021, 0);
	check_rle_round_trip("U1", 1, 0, 0);
	check_rle_round_trip("F7", 7, 0, 7);
	check_rle_round_trip("U3A1", 4, 1, 0);
	check_rle_round_trip("", 0, 0, 0);

	/* Alternating states: the longest text, and a maximal count. */
	for (i = 0; i < 1021; i++)
		heap_blocks_set(blocks, i, i % 2 ? BLOCK_FREE : BLOCK_ALLOCATED);
	text = heap_rle_encode(blocks, 1021);
	CHECK_EQ_U(strlen(text), 1021 * 2);
	CHECK(strncmp(text, "A1F1A1", 6) == 0);
	CHECK(heap_rle_decode(text, 1021, &out, counts, &cause) == 0);
	CHECK_EQ_U(counts[BLOCK_ALLOCATED], 511);
	CHECK(out != NULL && memcmp(out, blocks, 255) == 0);
	free(text);
	free(out);
	free(blocks);
	blocks = heap_blocks_new(65535);
	text = heap_rle_encode(blocks, 65535);
	CHECK_STR(text, "A65535");
	free(text);
	free(blocks);

	/* Non-canonical but unambiguous: adjacent runs of one state. */
	CHECK(heap_rle_decode("A3A2", 5, &out, counts, &cause) == 0);
	CHECK_EQ_U(counts[BLOCK_ALLOCATED], 5);
	free(out);

	check_rle_error("A3F1A6U499", 510, "add up to 509 blocks");
	check_rle_error("A3F1A6U501", 510, "more than the pool's 510 blocks");
	check_rle_error("A0U10", 10, "expected a run length");
	check_rle_error("A01U9", 10, "expected a run length");
	check_rle_error("A", 10, "at offset 1: expected a run length");
	check_rle_error("3A", 10, "at offset 0: expected A, F or U, got '3'");
	check_rle_error("A5X5", 10, "at offset 2: expected A, F or U, got 'X'");
	check_rle_error("a10", 10, "got 'a'");
	check_rle_error("A5\tU5", 10, "got byte 0x09");
	check_rle_error("A-5", 10, "expected a run length");
	check_rle_error("A99999999999999999999999", 10, "more than the pool's");
	check_rle_error("A4294967296", 10, "more than the pool's");
	check_rle_error("", 10, "add up to 0 blocks");
}

/* ---- snapshots ------------------------------------------------------- */

static char *
tmp_path(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

static char *
slurp(const char *path, size_t *len)
{
	char *cause = NULL, *s = util_read_file(path, 1 << 26, len, &cause);

	CHECK(s != NULL);
	free(cause);
	return s;
}

/* Saving what was loaded from path gives the document first again. */
static void
check_resaved(const char *path, const struct heap *back, const char *first)
{
	FILE *fp = fopen(path, "w");
	char *cause = NULL, *second;
	size_t len;

	CHECK(fp != NULL && snapshot_write(fp, back, &cause) == 0);
	if (fp != NULL)
		fclose(fp);
	second = slurp(path, &len);
	CHECK_STR(second, first);
	free(second);
	free(cause);
}

static struct heap *
load_one(const char *path, struct snapshot_file **fp)
{
	char *cause = NULL;
	struct snapshot_file *f = snapshot_open(path, &cause);
	struct heap *h;

	CHECK(f != NULL);
	if (f == NULL) {
		fprintf(stderr, "  %s\n", cause);
		free(cause);
		return NULL;
	}
	h = snapshot_frame(f, snapshot_nframes(f) - 1, &cause);
	CHECK(h != NULL);
	if (h == NULL) {
		fprintf(stderr, "  %s\n", cause);
		free(cause);
	}
	*fp = f;
	return h;
}

/* A snapshot's frame asked for again (read again from the file: the
 * first was handed over) is the same heap. */
static void
check_frame_again(struct snapshot_file *f, const struct heap *h)
{
	char *cause = NULL;
	struct heap *again = snapshot_frame(f, 0, &cause);

	CHECK(again != NULL);
	if (again != NULL)
		check_heaps_equal(h, again);
	heap_free(again);
	free(cause);
}

static void
test_snapshot_round_trip(const struct heap_layout *l, enum heap_level level)
{
	struct heap *h = make_heap(l, level, 0), *back;
	struct snapshot_file *f = NULL;
	char *path = tmp_path("snap.json"), *cause = NULL, *first;
	size_t len1;
	FILE *fp;

	fp = fopen(path, "w");
	CHECK(snapshot_write(fp, h, &cause) == 0);
	fclose(fp);
	first = slurp(path, &len1);
	CHECK(first != NULL && strstr(first, "\"format\":\"heapview-snapshot\"") != NULL);
	CHECK((strstr(first, "\"blocks\":\"") != NULL) == (level == HEAP_LEVEL_BLOCKS));
	if ((back = load_one(path, &f)) != NULL) {
		CHECK(!snapshot_is_recording(f));
		CHECK_EQ_U(snapshot_nframes(f), 1);
		CHECK(snapshot_warning(f) == NULL);
		check_heaps_equal(h, back);
		check_resaved(path, back, first);
		check_frame_again(f, h);
	}
	free(first);
	heap_free(back);
	snapshot_close(f);
	heap_free(h);
	free(path);
}

/* The stats of a loaded snapshot name the numbers of the heap saved. */
static void
test_snapshot_stats(void)
{
	struct heap *h = make_heap(&layout_310, HEAP_LEVEL_BLOCKS, 0), *back;
	struct snapshot_file *f = NULL;
	char *path = tmp_path("stats.json"), *cause = NULL, *text;
	FILE *fp = fopen(path, "w");

	CHECK(snapshot_write(fp, h, &cause) == 0);
	fclose(fp);
	if ((back = load_one(path, &f)) != NULL) {
		text = stats_text(back);
		CHECK(strstr(text, "# arenas allocated total           =                    9\n") != NULL);
		CHECK(strstr(text, "# arenas allocated current         =                    3\n") != NULL);
		CHECK(strstr(text, "# bytes lost to arena alignment    =               16,384\n") != NULL);
		CHECK(strstr(text, "# arena map bot nodes              =                    2\n") != NULL);
		CHECK(strstr(text, "pools found invalid: 1\n") != NULL);
		CHECK(strstr(text, "process RSS: 52428800 bytes") != NULL);
		free(text);
	}
	heap_free(back);
	snapshot_close(f);
	heap_free(h);
	free(path);
}

/* A torn arena slot, as the live walker keeps it: every pool INVALID and
 * the slot's counts as read, whatever they are. */
static void
test_torn_arena(void)
{
	struct heap *h = make_heap(&layout_310, HEAP_LEVEL_BLOCKS, 0), *back;
	struct snapshot_file *f = NULL;
	char *path = tmp_path("torn.json"), *cause = NULL;
	struct heap_arena *a;
	uint32_t p;
	FILE *fp;

	a = heap_add_arena(h, 40, 0x7f3b00000000ull, 64);
	for (p = 0; p < a->npools; p++)
		a->pools[p].state = POOL_INVALID;
	a->pool_address = a->first_pool;
	a->ntotalpools = 4000000000u;
	a->nfreepools = 4000000001u;
	heap_finish(h);
	fp = fopen(path, "w");
	CHECK(snapshot_write(fp, h, &cause) == 0);
	fclose(fp);
	if ((back = load_one(path, &f)) != NULL)
		check_heaps_equal(h, back);
	heap_free(back);
	snapshot_close(f);
	heap_free(h);
	unlink(path);
	free(path);
}

/* Arguments need not be UTF-8; the JSON is: bad bytes become U+FFFD. */
static void
test_not_utf8(void)
{
	struct heap *h = make_heap(&layout_38, HEAP_LEVEL_POOLS, 0), *back;
	struct snapshot_file *f = NULL;
	char *path = tmp_path("utf8.json"), *cause = NULL;
	FILE *fp;

	free(h->process.argv[1]);
	h->process.argv[1] = xstrdup("\xff-\xc3\xa9-\xe2\x82-\xed\xa0\x80-ok");
	fp = fopen(path, "w");
	CHECK(snapshot_write(fp, h, &cause) == 0);
	fclose(fp);
	if ((back = load_one(path, &f)) != NULL)
		CHECK_STR(back->process.argv[1], "\xef\xbf\xbd-\xc3\xa9-"
		    "\xef\xbf\xbd\xef\xbf\xbd-\xef\xbf\xbd\xef\xbf\xbd"
		    "\xef\xbf\xbd-ok");
	heap_free(back);
	snapshot_close(f);
	heap_free(h);
	unlink(path);
	free(path);
}

/* A snapshot spread over lines (as another tool might write it) loads. */
static void
test_snapshot_pretty(void)
{
	struct heap *h = make_heap(&layout_38, HEAP_LEVEL_BLOCKS, 1), *back;
	struct snapshot_file *f = NULL;
	char *path = tmp_path("pretty.json"), *cause = NULL, *text, *pretty;
	size_t len;
	cJSON *doc;
	FILE *fp = fopen(path, "w");

	CHECK(snapshot_write(fp, h, &cause) == 0);
	fclose(fp);
	text = slurp(path, &len);
	doc = cJSON_Parse(text);
	pretty = cJSON_Print(doc);
	fp = fopen(path, "w");
	fputs(pretty, fp);
	fclose(fp);
	if ((back = load_one(path, &f)) != NULL)
		check_heaps_equal(h, back);
	cJSON_Delete(doc);
	free(pretty);
	free(text);
	heap_free(back);
	snapshot_close(f);
	heap_free(h);
	free(path);
}

/* ---- recordings ------------------------------------------------------ */

#define NFRAMES 14

static const struct heap_layout *frame_layout = &layout_310;

static struct heap *
frame_heap(enum heap_level level, int i)
{
	return make_frame(frame_layout, level, i);
}

static char *
write_recording(const char *name, enum heap_level level, int nframes)
{
	char *path = tmp_path(name), *cause = NULL;
	struct snapshot_writer *w;
	struct heap *h = frame_heap(level, 0);
	int i;

	w = snapshot_writer_open(path, h, &cause);
	CHECK(w != NULL);
	heap_free(h);
	for (i = 0; w != NULL && i < nframes; i++) {
		h = frame_heap(level, i);
		CHECK(snapshot_writer_frame(w, h, frame_t(i), frame_label(i),
		    &cause) == 0);
		heap_free(h);
	}
	CHECK(snapshot_writer_close(w, &cause) == 0);
	free(cause);
	return path;
}

/* Full frames come at least every SNAPSHOT_KEY_SECONDS; deltas are used. */
static void
check_key_frames(const char *path, int nframes)
{
	size_t len;
	char *text = slurp(path, &len), *line, *save = NULL;
	double key_t[NFRAMES] = { 0 }, t;
	int i = -1, deltas = 0;
	cJSON *o, *key;

	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save), i++) {
		if (i < 0)
			continue;
		o = cJSON_Parse(line);
		t = cJSON_GetObjectItem(o, "t")->valuedouble;
		key = cJSON_GetObjectItem(o, "key");
		key_t[i] = key == NULL ? t : key_t[key->valueint];
		CHECK(t - key_t[i] < SNAPSHOT_KEY_SECONDS);
		CHECK(key == NULL || cJSON_GetObjectItem(o, "same") != NULL);
		deltas += key != NULL;
		cJSON_Delete(o);
	}
	CHECK_EQ_U(i, nframes);
	CHECK(deltas >= nframes / 2);
	free(text);
}

static void
test_recording(enum heap_level level)
{
	char *path = write_recording("rec.jsonl", level, NFRAMES), *cause = NULL;
	struct snapshot_file *f;
	struct heap *h, *want;
	int i;

	check_key_frames(path, NFRAMES);
	f = snapshot_open(path, &cause);
	CHECK(f != NULL);
	if (f == NULL) {
		fprintf(stderr, "  %s\n", cause);
		free(cause);
		free(path);
		return;
	}
	CHECK(snapshot_is_recording(f));
	CHECK(snapshot_warning(f) == NULL);
	CHECK_EQ_U(snapshot_nframes(f), NFRAMES);
	/* Backwards, so that the key frame cache is missed and refilled. */
	for (i = NFRAMES - 1; i >= 0; i--) {
		CHECK(snapshot_frame_time(f, (size_t)i) == frame_t(i));
		if (frame_label(i) == NULL)
			CHECK(snapshot_frame_label(f, (size_t)i) == NULL);
		else
			CHECK_STR(snapshot_frame_label(f, (size_t)i), frame_label(i));
		h = snapshot_frame(f, (size_t)i, &cause);
		CHECK(h != NULL);
		want = frame_heap(level, i);
		if (h != NULL)
			check_heaps_equal(want, h);
		heap_free(want);
		heap_free(h);
	}
	/* Forwards, each twice: a key frame handed over (the last) or
	 * copied from the cache is the same heap the second time. */
	for (i = 0; i < NFRAMES * 2; i++) {
		h = snapshot_frame(f, (size_t)i / 2, &cause);
		CHECK(h != NULL);
		want = frame_heap(level, i / 2);
		if (h != NULL)
			check_heaps_equal(want, h);
		heap_free(want);
		heap_free(h);
	}
	CHECK(snapshot_frame(f, NFRAMES, &cause) == NULL);
	free(cause);
	snapshot_close(f);
	unlink(path);
	free(path);
}

/* Every frame of the recording at path is heap(which(i)). */
static void
check_loads_as_written(const char *path, int (*which)(int), int n)
{
	struct snapshot_file *f;
	struct heap *h, *want;
	char *cause = NULL;
	int i;

	f = snapshot_open(path, &cause);
	CHECK(f != NULL);
	for (i = n - 1; f != NULL && i >= 0; i--) {
		h = snapshot_frame(f, (size_t)i, &cause);
		CHECK(h != NULL);
		want = frame_heap(HEAP_LEVEL_BLOCKS, which(i));
		if (h != NULL)
			check_heaps_equal(want, h);
		heap_free(want);
		heap_free(h);
	}
	if (f == NULL)
		fprintf(stderr, "  %s\n", cause);
	snapshot_close(f);
	free(cause);
}

/* The byte size of each frame line of a recording (the header skipped),
 * its t and whether it is a full frame; returns the number of frames. */
static int
frame_sizes(const char *path, size_t *size, double *t, int *full, int max)
{
	size_t len;
	char *text = slurp(path, &len), *p = text, *nl;
	int n = -1;

	while (p < text + len && (nl = memchr(p, '\n', (size_t)(text + len -
	    p))) != NULL) {
		if (n >= 0 && n < max) {
			size[n] = (size_t)(nl - p) + 1;
			*nl = '\0';
			full[n] = strstr(p, "\"key\":") == NULL;
			t[n] = strtod(p + strlen("{\"t\":"), NULL);
		}
		n++;
		p = nl + 1;
	}
	free(text);
	return n;
}

#define COST_FRAMES 80

/* Writes COST_FRAMES frames, heap(i) at t(i), with the given key policy. */
static char *
write_cost_recording(enum snapshot_keys keys, int (*which)(int),
    double (*t)(int), struct snapshot_writer_stats *st)
{
	char *path = tmp_path("cost.jsonl"), *cause = NULL;
	struct snapshot_writer *w;
	struct heap *h = frame_heap(HEAP_LEVEL_BLOCKS, 0);
	int i;

	w = snapshot_writer_open(path, h, &cause);
	heap_free(h);
	CHECK(w != NULL);
	if (w == NULL)
		return path;
	snapshot_writer_keys(w, keys);
	for (i = 0; i < COST_FRAMES; i++) {
		h = frame_heap(HEAP_LEVEL_BLOCKS, which(i));
		CHECK(snapshot_writer_frame_give(w, h, t(i), NULL, &cause) == 0);
	}
	snapshot_writer_get_stats(w, st);
	CHECK(snapshot_writer_close(w, &cause) == 0);
	free(cause);
	return path;
}

/*
 * The writer's rule, from the file: a delta only while the deltas since
 * its key frame add up to less than SNAPSHOT_KEY_SHARE of it and within
 * SNAPSHOT_KEY_SECONDS of it; a full frame after the first only when one
 * of those no longer holds (the test heaps never change most pools).
 */
static void
check_cost_rule(const char *path, int (*which)(int),
    const struct snapshot_writer_stats *st)
{
	size_t size[COST_FRAMES], sum = 0, key = 0;
	double t[COST_FRAMES], key_t = 0;
	int full[COST_FRAMES], n, i, deltas = 0;

	n = frame_sizes(path, size, t, full, COST_FRAMES);
	CHECK_EQ_U(n, COST_FRAMES);
	CHECK_EQ_U(st->frames, COST_FRAMES);
	CHECK(full[0]);
	for (i = 0; i < n && i < COST_FRAMES; i++) {
		int due = sum >= key * SNAPSHOT_KEY_SHARE ||
		    t[i] - key_t >= SNAPSHOT_KEY_SECONDS;

		CHECK(i == 0 || full[i] == due);
		if (full[i]) {
			key = size[i];
			key_t = t[i];
			sum = 0;
			continue;
		}
		sum += size[i];
		deltas++;
	}
	CHECK_EQ_U(st->key_frames, (size_t)(n - deltas));
	CHECK(deltas > n / 2);
	check_loads_as_written(path, which, n);
	unlink(path);
}

static int idle_heap(int i) { (void)i; return 0; }
static int two_heaps(int i) { return i % 2; }
static double every_half_second(int i) { return i * 0.5; }
static double every_minute(int i) { return i * 60.0; }

/*
 * Key frames by cost: an idle heap makes one full frame and then deltas;
 * a full frame at least every SNAPSHOT_KEY_SECONDS; a delta is written only
 * while the deltas since the key frame add up to less than
 * SNAPSHOT_KEY_SHARE of it, and a full frame follows once they do; with
 * SNAPSHOT_KEYS_EVERY every frame is full.  Every frame loads as written.
 */
static void
test_key_frames_by_cost(void)
{
	struct snapshot_writer_stats st;
	char *path;

	path = write_cost_recording(SNAPSHOT_KEYS_COST, idle_heap,
	    every_half_second, &st);
	check_cost_rule(path, idle_heap, &st);
	free(path);

	path = write_cost_recording(SNAPSHOT_KEYS_COST, idle_heap, every_minute,
	    &st);
	check_cost_rule(path, idle_heap, &st);
	CHECK(st.key_frames >= COST_FRAMES * 60.0 / SNAPSHOT_KEY_SECONDS);
	free(path);

	path = write_cost_recording(SNAPSHOT_KEYS_EVERY, two_heaps,
	    every_half_second, &st);
	CHECK_EQ_U(st.key_frames, COST_FRAMES);
	check_loads_as_written(path, two_heaps, COST_FRAMES);
	free(path);

	path = write_cost_recording(SNAPSHOT_KEYS_COST, two_heaps,
	    every_half_second, &st);
	check_cost_rule(path, two_heaps, &st);
	free(path);
}

/*
 * A recorder killed mid-line: every cut of the last line loads the frames
 * before it and says the last one was skipped -- except a cut before its
 * first byte (nothing to skip) and one just before its newline (the frame
 * is whole).
 */
static void
test_cut_recording(int nframes)
{
	char *path = write_recording("cut.jsonl", HEAP_LEVEL_BLOCKS, nframes);
	char *cause = NULL, *want, name[32];
	size_t len, start, cut, lines = (size_t)nframes + 1, bad = 0;
	struct snapshot_file *f;
	char *text = slurp(path, &len);
	struct heap *h, *expect = frame_heap(HEAP_LEVEL_BLOCKS, nframes - 2);

	for (start = len - 1; start > 0 && text[start - 1] != '\n'; start--)
		continue;
	want = xasprintf("cut:%zu: incomplete frame skipped", lines);
	for (cut = start; cut < len; cut++) {
		snprintf(name, sizeof name, "cut");
		f = snapshot_open_mem(name, text, cut, &cause);
		if (f == NULL) {
			fprintf(stderr, "  cut at %zu: %s\n", cut, cause);
			bad++;
			continue;
		}
		if (cut == start || cut == len - 1) {
			bad += snapshot_warning(f) != NULL;
			bad += snapshot_nframes(f) != (size_t)nframes -
			    (cut == start);
		} else {
			bad += snapshot_warning(f) == NULL ||
			    strcmp(snapshot_warning(f), want) != 0;
			bad += snapshot_nframes(f) != (size_t)nframes - 1;
		}
		if (cut == start + (len - start) / 2) {
			h = snapshot_frame(f, (size_t)nframes - 2, &cause);
			CHECK(h != NULL);
			if (h != NULL)
				check_heaps_equal(expect, h);
			heap_free(h);
		}
		snapshot_close(f);
	}
	CHECK_EQ_U(bad, 0);
	CHECK(len - start > 100);
	free(cause);
	free(want);
	free(text);
	heap_free(expect);
	unlink(path);
	free(path);
}

/* A full disk is reported, never taken for success. */
static void
test_write_errors(void)
{
	struct heap *h = make_heap(&layout_small, HEAP_LEVEL_POOLS, 0);
	char *cause = NULL;
	FILE *fp;

	if (access("/dev/full", W_OK) != 0)
		return;
	CHECK(snapshot_writer_open("/dev/full", h, &cause) == NULL);
	CHECK(cause != NULL && strstr(cause, "/dev/full: No space left") != NULL);
	fp = fopen("/dev/full", "w");
	CHECK(snapshot_write(fp, h, &cause) == -1);
	CHECK(cause != NULL && strstr(cause, "No space left") != NULL);
	fclose(fp);
	CHECK(snapshot_writer_open("/nonexistent/x.jsonl", h, &cause) == NULL);
	CHECK(cause != NULL && strstr(cause, "/nonexistent/x.jsonl: No such "
	    "file") != NULL);
	free(cause);
	heap_free(h);
}

/* ---- bad deltas, through the loader --------------------------------- */

static void
check_load_error(const char *text, const char *want)
{
	char *cause = NULL;
	struct snapshot_file *f;

	f = snapshot_open_mem("bad.jsonl", text, strlen(text), &cause);
	CHECK(f == NULL);
	CHECK(cause != NULL && strstr(cause, want) != NULL);
	if (cause == NULL || strstr(cause, want) == NULL)
		fprintf(stderr, "  got \"%s\", wanted \"%s\"\n",
		    cause ? cause : "(none)", want);
	snapshot_close(f);
	free(cause);
}

#define HEADER "{\"format\":\"heapview-recording\",\"version\":1," \
	"\"process\":{\"pid\":1,\"exe\":null,\"argv\":[],\"python\":null," \
	"\"rss_bytes\":0},\"allocator\":{\"name\":\"pymalloc\"," \
	"\"arena_size\":65536,\"pool_size\":16384,\"alignment\":16," \
	"\"size_classes\":32,\"pool_overhead\":48,\"arena_map_root_bytes\":0," \
	"\"arena_map_mid_bytes\":0,\"arena_map_bot_bytes\":0}}\n"
#define BODY "\"captured_at\":\"2024-05-01T12:00:00.000Z\",\"capture_ms\":1," \
	"\"rss_bytes\":0,\"counters\":{\"arenas_allocated_total\":null," \
	"\"arenas_highwater\":null,\"arena_map_mid_nodes\":null," \
	"\"arena_map_bot_nodes\":null}"
#define ARENA(i, addr, pa) "{\"index\":" #i ",\"address\":\"" addr "\"," \
	"\"pool_address\":\"" pa "\",\"ntotalpools\":4,\"nfreepools\":3," \
	"\"pools\":[{\"szidx\":0,\"count\":1,\"nextoffset\":80," \
	"\"state\":\"used\"},{\"szidx\":0,\"count\":0,\"nextoffset\":0," \
	"\"state\":\"untouched\"},{\"szidx\":0,\"count\":0,\"nextoffset\":0," \
	"\"state\":\"untouched\"},{\"szidx\":0,\"count\":0,\"nextoffset\":0," \
	"\"state\":\"untouched\"}]}"
#define FULL(t) "{\"t\":" #t ",\"level\":\"pools\"," BODY ",\"arenas\":[" \
	ARENA(0, "0x10000", "0x14000") "]}\n"

static void
test_bad_deltas(void)
{
	char *cause = NULL;
	struct snapshot_file *f;
	struct heap *h;
	const char *ok = HEADER FULL(0)
	    "{\"t\":1,\"key\":0,\"level\":\"pools\"," BODY ",\"same\":[],"
	    "\"arenas\":[{\"index\":0,\"address\":\"0x10000\",\"pool_address\":"
	    "\"0x18000\",\"ntotalpools\":4,\"nfreepools\":2,\"changes\":[{\"slot\":1,"
	    "\"szidx\":2,\"count\":3,\"nextoffset\":192,\"state\":\"used\"}]}]}\n"
	    "{\"t\":2,\"key\":0,\"level\":\"pools\"," BODY ",\"same\":[0],"
	    "\"arenas\":[" ARENA(1, "0x30000", "0x34000") "]}\n"
	    /* Frame 4 refers to frame 0 past the newer full frame 3: opening
	     * reads frame 0 again, then goes on with frame 5. */
	    "{\"t\":3,\"level\":\"pools\"," BODY ",\"arenas\":[]}\n"
	    "{\"t\":4,\"key\":0,\"level\":\"pools\"," BODY ",\"same\":[0],"
	    "\"arenas\":[]}\n"
	    "{\"t\":5,\"key\":3,\"level\":\"pools\"," BODY ",\"same\":[],"
	    "\"arenas\":[" ARENA(1, "0x30000", "0x34000") "]}\n";

	f = snapshot_open_mem("ok.jsonl", ok, strlen(ok), &cause);
	CHECK(f != NULL);
	if (f == NULL)
		fprintf(stderr, "  %s\n", cause);
	CHECK(f != NULL && snapshot_nframes(f) == 6);
	if (f != NULL && snapshot_nframes(f) == 6) {
		h = snapshot_frame(f, 1, &cause);
		CHECK(h != NULL && h->narenas == 1 &&
		    h->arenas[0].pools[1].count == 3 &&
		    h->arenas[0].pools[0].count == 1);
		heap_free(h);
		h = snapshot_frame(f, 2, &cause);
		CHECK(h != NULL && h->narenas == 2 &&
		    h->arenas[1].address == 0x30000);
		heap_free(h);
		h = snapshot_frame(f, 4, &cause);
		CHECK(h != NULL && h->narenas == 1 &&
		    h->arenas[0].address == 0x10000);
		heap_free(h);
		h = snapshot_frame(f, 5, &cause);
		CHECK(h != NULL && h->narenas == 1 &&
		    h->arenas[0].address == 0x30000);
		heap_free(h);
		CHECK(snapshot_frame_time(f, 5) == 5);
	}
	snapshot_close(f);
	free(cause);

	check_load_error(HEADER "{\"t\":0,\"key\":0,\"level\":\"pools\"," BODY
	    ",\"same\":[],\"arenas\":[]}\n",
	    "bad.jsonl:2: key: the first frame must be a full frame");
	check_load_error(HEADER FULL(0) "{\"t\":1,\"key\":1,\"level\":\"pools\","
	    BODY ",\"same\":[],\"arenas\":[]}\n",
	    "bad.jsonl:3: key: expected an integer from 0 to 0, got 1");
	check_load_error(HEADER FULL(0) "{\"t\":1,\"key\":0,\"level\":\"pools\","
	    BODY ",\"same\":[],\"arenas\":[]}\n{\"t\":2,\"key\":1,\"level\":"
	    "\"pools\"," BODY ",\"same\":[],\"arenas\":[]}\n",
	    "bad.jsonl:4: key: expected a full frame, but frame 1 is a delta");
	check_load_error(HEADER FULL(0) "{\"t\":1,\"key\":0,\"level\":\"pools\","
	    BODY ",\"same\":[1],\"arenas\":[]}\n",
	    "bad.jsonl:3: same[0]: expected an integer from 0 to 0, got 1");
	check_load_error(HEADER FULL(0) "{\"t\":1,\"key\":0,\"level\":\"pools\","
	    BODY ",\"same\":[0],\"arenas\":[" ARENA(0, "0x10000", "0x14000") "]}\n",
	    "bad.jsonl:3: arenas: the arena at 0x10000 overlaps the one at 0x10000");
	check_load_error(HEADER FULL(0) "{\"t\":1,\"key\":0,\"level\":\"blocks\","
	    BODY ",\"same\":[0],\"arenas\":[]}\n",
	    "bad.jsonl:3: level: expected \"pools\", the level of the key frame");
	check_load_error(HEADER FULL(0) "{\"t\":1,\"key\":0,\"level\":\"pools\","
	    BODY ",\"same\":[],\"arenas\":[{\"index\":0,\"address\":\"0x50000\","
	    "\"pool_address\":\"0x54000\",\"ntotalpools\":4,\"nfreepools\":3,"
	    "\"changes\":[]}]}\n",
	    "bad.jsonl:3: arenas[0].address: no arena at 0x50000 in the key frame");
	check_load_error(HEADER FULL(0) "{\"t\":1,\"key\":0,\"level\":\"pools\","
	    BODY ",\"same\":[],\"arenas\":[{\"index\":0,\"address\":\"0x10000\","
	    "\"pool_address\":\"0x14000\",\"ntotalpools\":4,\"nfreepools\":3,"
	    "\"changes\":[{\"slot\":0,\"szidx\":0,\"count\":0,\"nextoffset\":0,"
	    "\"state\":\"empty\"},{\"slot\":0,\"szidx\":0,\"count\":0,"
	    "\"nextoffset\":0,\"state\":\"empty\"}]}]}\n",
	    "bad.jsonl:3: arenas[0].changes[1].slot: expected an integer from 1 to 3");
	/* A change that breaks the arena: untouched below pool_address. */
	check_load_error(HEADER FULL(0) "{\"t\":1,\"key\":0,\"level\":\"pools\","
	    BODY ",\"same\":[],\"arenas\":[{\"index\":0,\"address\":\"0x10000\","
	    "\"pool_address\":\"0x14000\",\"ntotalpools\":4,\"nfreepools\":3,"
	    "\"changes\":[{\"slot\":0,\"szidx\":0,\"count\":0,\"nextoffset\":0,"
	    "\"state\":\"untouched\"}]}]}\n",
	    "bad.jsonl:3: arenas: the untouched pool at 0x10000 (arena 0x10000, "
	    "slot 0) is below pool_address 0x14000");
	check_load_error(HEADER FULL(2) FULL(1),
	    "bad.jsonl:3: t: expected a number from 2 to 1e+09, got 1");
	check_load_error(HEADER, "bad.jsonl:1: the recording has no complete frame");
}

/* ---- block types ------------------------------------------------------ */

static void
check_types_decode(const char *text, uint32_t n, uint32_t ntypes,
    const char *want)
{
	uint16_t values[64];
	char *cause = NULL;
	int rc = snapshot_types_decode(text, n, ntypes, values, &cause);

	if (want == NULL) {
		CHECK(rc == 0);
		if (rc != 0)
			fprintf(stderr, "  \"%s\": %s\n", text, cause);
	} else {
		CHECK(rc == -1 && cause != NULL && strstr(cause, want) != NULL);
		if (rc != -1 || cause == NULL || strstr(cause, want) == NULL)
			fprintf(stderr, "  \"%s\": got \"%s\", wanted \"%s\"\n",
			    text, cause ? cause : "(none)", want);
	}
	free(cause);
}

static void
test_types_text(void)
{
	uint16_t v[8];
	char *cause = NULL;

	CHECK(snapshot_types_decode("3*2,0,7u,1u*3,12", 8, 13, v, &cause) == 0);
	CHECK(v[0] == 3 && v[1] == 3 && v[2] == 0);
	CHECK_EQ_U(v[3], 7 | HEAP_TYPE_UNTRACKED);
	CHECK(v[4] == (1 | HEAP_TYPE_UNTRACKED) && v[6] == v[4] && v[7] == 12);
	check_types_decode("", 0, 1, NULL);
	check_types_decode("0*1", 1, 1, NULL);		/* not canonical, clear */
	check_types_decode("32767", 1, 32768, NULL);
	check_types_decode("", 2, 5, "at offset 0: expected a type index, got the end");
	check_types_decode("1,2", 3, 5, "indices for 2 blocks, expected the pool's 3 allocated blocks");
	check_types_decode("1*3", 2, 5, "at offset 0: more than the pool's 2 allocated blocks");
	check_types_decode("1,1", 1, 5, "at offset 2: more than the pool's 1 allocated blocks");
	check_types_decode("1*99999999999", 2, 5, "more than the pool's 2 allocated blocks");
	check_types_decode("5", 1, 5, "at offset 0: type index 5, but the table has 5 types");
	check_types_decode("0,99999999999", 2, 5, "at offset 2: type index 99999999999, but the table has 5 types");
	check_types_decode("01", 1, 5, "at offset 0: expected a type index, got '0'");
	check_types_decode("-1", 1, 5, "at offset 0: expected a type index, got '-'");
	check_types_decode("1,", 1, 5, "at offset 2: expected a type index, got the end");
	check_types_decode("1;2", 2, 5, "at offset 1: expected ',', got ';'");
	check_types_decode("1,,2", 2, 5, "at offset 2: expected a type index, got ','");
	check_types_decode("1*0", 1, 5, "at offset 2: expected a run length from 1 (no leading zero), got '0'");
	check_types_decode("1*", 1, 5, "at offset 2: expected a run length from 1 (no leading zero), got the end");
	check_types_decode("1*02", 2, 5, "expected a run length from 1");
	check_types_decode("1uu", 1, 5, "at offset 2: expected ',', got 'u'");
	check_types_decode("1 ", 1, 5, "at offset 1: expected ',', got ' '");
	check_types_decode("1\t", 1, 5, "got byte 0x09");
}

/* The table, in order, with its flags. */
static void
check_tables_equal(const struct heap *a, const struct heap *b)
{
	uint32_t t;

	CHECK_EQ_U(a->ntypes, b->ntypes);
	for (t = 0; t < a->ntypes && t < b->ntypes; t++) {
		CHECK_STR(a->types[t].name, b->types[t].name);
		CHECK_EQ_U(a->types[t].flags, b->types[t].flags);
	}
}

/* Every allocated block's type index and flag, not just its name. */
static void
check_type_indices_equal(const struct heap *a, const struct heap *b)
{
	size_t i;
	uint32_t p, k, bad = 0;

	for (i = 0; i < a->narenas && i < b->narenas; i++) {
		for (p = 0; p < a->arenas[i].npools; p++) {
			const struct heap_pool *u = &a->arenas[i].pools[p];
			const struct heap_pool *v = &b->arenas[i].pools[p];

			for (k = 0; k < heap_blocks_per_pool(&a->layout, u->szidx); k++)
				if (heap_block_state(a, u, k) == BLOCK_ALLOCATED &&
				    heap_pool_type_value(u, k) !=
				    heap_pool_type_value(v, k))
					bad++;
		}
	}
	CHECK_EQ_U(bad, 0);
}

static void
check_census_equal(const struct heap *a, const struct heap *b)
{
	struct heap_census x, y;
	uint32_t i;

	heap_census_compute(a, NULL, &x);
	heap_census_compute(b, NULL, &y);
	CHECK_EQ_U(x.nrows, y.nrows);
	CHECK_EQ_U(x.objects, y.objects);
	CHECK(x.nrows > 3 && x.objects > 0);
	for (i = 0; i < x.nrows && i < y.nrows; i++) {
		CHECK_STR(a->types[x.rows[i].type].name, b->types[y.rows[i].type].name);
		CHECK_EQ_U(x.rows[i].count, y.rows[i].count);
		CHECK_EQ_U(x.rows[i].untracked, y.rows[i].untracked);
	}
	heap_census_free(&x);
	heap_census_free(&y);
}

static void
test_types_round_trip(const struct heap_layout *l)
{
	struct heap *h = make_heap(l, HEAP_LEVEL_BLOCKS, 2), *back;
	struct snapshot_file *f = NULL;
	char *path = tmp_path("types.json"), *cause = NULL, *first;
	size_t len1;
	FILE *fp;

	add_types(h, 2);
	fp = fopen(path, "w");
	CHECK(snapshot_write(fp, h, &cause) == 0);
	fclose(fp);
	first = slurp(path, &len1);
	CHECK(first != NULL && strstr(first, "\"types\":[{\"name\":\"(raw)\","
	    "\"gc\":false,\"heaptype\":false},{\"name\":\"tuple\"") != NULL);
	CHECK(first != NULL && strstr(first, "u,") != NULL &&
	    strstr(first, "*2") != NULL);
	if ((back = load_one(path, &f)) != NULL) {
		check_heaps_equal(h, back);
		check_tables_equal(h, back);
		check_type_indices_equal(h, back);
		check_census_equal(h, back);
		check_resaved(path, back, first);
	}
	free(first);
	heap_free(back);
	snapshot_close(f);
	heap_free(h);
	unlink(path);
	free(path);
}

/* A pool-level capture cannot say which blocks of a used pool are
 * allocated: its types are not written, and it loads without. */
static void
test_types_pool_level(void)
{
	struct heap *h = make_heap(&layout_38, HEAP_LEVEL_POOLS, 0), *back;
	struct snapshot_file *f = NULL;
	char *path = tmp_path("types.json"), *cause = NULL, *text;
	size_t len;
	FILE *fp;

	add_types(h, 0);
	fp = fopen(path, "w");
	CHECK(snapshot_write(fp, h, &cause) == 0);
	fclose(fp);
	text = slurp(path, &len);
	CHECK(text != NULL && strstr(text, "\"types\"") == NULL);
	if ((back = load_one(path, &f)) != NULL)
		CHECK_EQ_U(back->ntypes, 0);
	free(text);
	heap_free(back);
	snapshot_close(f);
	heap_free(h);
	unlink(path);
	free(path);
}

/*
 * Typed recordings: deltas against a key frame whose table is ordered
 * differently, grows ("types_added") and, at frame 12, holds a name with
 * other flags (a full frame then).  Every frame loads with the types of
 * the heap written, by name.
 */
static void
test_types_recording(const struct heap_layout *l)
{
	char *path = tmp_path("rec.jsonl"), *cause = NULL, *text, *line;
	char *save = NULL;
	struct snapshot_writer *w;
	struct snapshot_file *f;
	struct heap *h = make_typed_frame(l, 0), *want;
	int i, added = 0, n = -1;
	size_t len;

	w = snapshot_writer_open(path, h, &cause);
	heap_free(h);
	for (i = 0; w != NULL && i < NFRAMES; i++) {
		h = make_typed_frame(l, i);
		CHECK(snapshot_writer_frame(w, h, frame_t(i), NULL, &cause) == 0);
		heap_free(h);
	}
	CHECK(snapshot_writer_close(w, &cause) == 0);
	check_key_frames(path, NFRAMES);
	text = slurp(path, &len);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save), n++) {
		added += strstr(line, "\"types_added\"") != NULL;
		if (n == 12)
			CHECK(strstr(line, "\"key\"") == NULL &&
			    strstr(line, "\"types\":[") != NULL);
		if (strstr(line, "\"key\"") != NULL)
			CHECK(strstr(line, "\"types\":[") == NULL);
	}
	CHECK(added > 0);
	free(text);
	f = snapshot_open(path, &cause);
	CHECK(f != NULL);
	for (i = NFRAMES - 1; f != NULL && i >= 0; i--) {
		h = snapshot_frame(f, (size_t)i, &cause);
		CHECK(h != NULL);
		want = make_typed_frame(l, i);
		if (h != NULL) {
			check_heaps_equal(want, h);
			check_census_equal(want, h);
		}
		heap_free(want);
		heap_free(h);
	}
	if (f == NULL)
		fprintf(stderr, "  %s\n", cause);
	snapshot_close(f);
	free(cause);
	unlink(path);
	free(path);
}

#define TYPES "\"types\":[{\"name\":\"(raw)\",\"gc\":false,\"heaptype\":false}," \
	"{\"name\":\"dict\",\"gc\":true,\"heaptype\":false}]"
#define BFULL(t, types, pool) "{\"t\":" #t ",\"level\":\"blocks\"," BODY \
	types ",\"arenas\":[{\"index\":0,\"address\":\"0x10000\"," \
	"\"pool_address\":\"0x14000\",\"ntotalpools\":4,\"nfreepools\":3," \
	"\"pools\":[{\"szidx\":0,\"count\":1,\"nextoffset\":80," \
	"\"state\":\"used\",\"blocks\":\"A1F1U1019\"" pool "}," \
	"{\"szidx\":0,\"count\":0,\"nextoffset\":0,\"state\":\"untouched\"}," \
	"{\"szidx\":0,\"count\":0,\"nextoffset\":0,\"state\":\"untouched\"}," \
	"{\"szidx\":0,\"count\":0,\"nextoffset\":0,\"state\":\"untouched\"}]}]}\n"
#define BDELTA(extra, change) "{\"t\":1,\"key\":0,\"level\":\"blocks\"," BODY \
	extra ",\"same\":[],\"arenas\":[{\"index\":0,\"address\":\"0x10000\"," \
	"\"pool_address\":\"0x14000\",\"ntotalpools\":4,\"nfreepools\":3," \
	"\"changes\":[{\"slot\":0,\"szidx\":0,\"count\":1,\"nextoffset\":80," \
	"\"state\":\"used\",\"blocks\":\"A1F1U1019\"" change "}]}]}\n"

static void
test_bad_types(void)
{
	char *cause = NULL;
	struct snapshot_file *f;
	struct heap *h;
	const char *ok = HEADER BFULL(0, "," TYPES, ",\"types\":\"1u\"")
	    BDELTA(",\"types_added\":[{\"name\":\"Node\",\"gc\":true,"
	    "\"heaptype\":true}]", ",\"types\":\"2\"")
	    BDELTA("", ",\"types\":\"0\"");

	f = snapshot_open_mem("ok.jsonl", ok, strlen(ok), &cause);
	CHECK(f != NULL && snapshot_nframes(f) == 3);
	if (f == NULL)
		fprintf(stderr, "  %s\n", cause);
	h = f != NULL ? snapshot_frame(f, 1, &cause) : NULL;
	CHECK(h != NULL && h->ntypes == 3 && strcmp(h->types[2].name, "Node") == 0 &&
	    h->types[2].flags == (HEAP_TYPE_GC | HEAP_TYPE_HEAPTYPE) &&
	    h->arenas[0].pools[0].typed &&
	    heap_pool_type_value(&h->arenas[0].pools[0], 0) == 2);
	heap_free(h);
	h = f != NULL ? snapshot_frame(f, 0, &cause) : NULL;
	CHECK(h != NULL && h->ntypes == 2 && h->arenas[0].pools[0].typed &&
	    heap_pool_type_value(&h->arenas[0].pools[0], 0) ==
	    (1 | HEAP_TYPE_UNTRACKED) &&
	    heap_pool_type_value(&h->arenas[0].pools[0], 1) == 0);
	heap_free(h);
	snapshot_close(f);
	free(cause);

	check_load_error(HEADER BFULL(0, "", "")
	    BDELTA(",\"types_added\":[]", ""),
	    "bad.jsonl:3: types_added: the key frame has no type table to add to");
	check_load_error(HEADER BFULL(0, "," TYPES, "") BDELTA("," TYPES, ""),
	    "bad.jsonl:3: types: a delta frame uses its key frame's table: "
	    "expected \"types_added\"");
	check_load_error(HEADER BFULL(0, ",\"types_added\":[]", ""),
	    "bad.jsonl:2: types_added: only a delta frame (with \"key\") adds "
	    "types; expected \"types\"");
	check_load_error(HEADER BFULL(0, "," TYPES, "")
	    BDELTA(",\"types_added\":[{\"name\":\"dict\",\"gc\":true,"
	    "\"heaptype\":false}]", ""),
	    "bad.jsonl:3: types_added[0].name: \"dict\" is already the name of "
	    "type 1");
	check_load_error(HEADER BFULL(0, "," TYPES, "") BDELTA("",
	    ",\"types\":\"2\""),
	    "bad.jsonl:3: arenas[0].changes[0].types: at offset 0: type index 2, "
	    "but the table has 2 types");
	check_load_error(HEADER BFULL(0, "", "") BDELTA("", ",\"types\":\"0\""),
	    "bad.jsonl:3: arenas[0].changes[0].types: block types, but the "
	    "capture has no type table (\"types\")");
}

int
main(void)
{
	static const char *const names[] = {
		"snap.json", "stats.json", "pretty.json", "rec.jsonl", "cut.jsonl",
		"types.json", "cost.jsonl",
	};
	char *path;
	size_t i;

	snprintf(tmpdir, sizeof tmpdir, "%s", "/tmp/hv-snapshot.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 99;
	}
	test_rle();
	test_snapshot_round_trip(&layout_310, HEAP_LEVEL_POOLS);
	test_snapshot_round_trip(&layout_310, HEAP_LEVEL_BLOCKS);
	test_snapshot_round_trip(&layout_38, HEAP_LEVEL_POOLS);
	test_snapshot_round_trip(&layout_38, HEAP_LEVEL_BLOCKS);
	test_snapshot_stats();
	test_torn_arena();
	test_not_utf8();
	test_snapshot_pretty();
	test_recording(HEAP_LEVEL_POOLS);
	test_recording(HEAP_LEVEL_BLOCKS);
	frame_layout = &layout_small;
	test_recording(HEAP_LEVEL_BLOCKS);
	test_key_frames_by_cost();
	test_cut_recording(3);		/* the last line a delta */
	test_cut_recording(11);		/* the last line a full frame */
	test_bad_deltas();
	test_write_errors();
	test_types_text();
	test_types_round_trip(&layout_310);
	test_types_round_trip(&layout_38);
	test_types_round_trip(&layout_small);
	test_types_pool_level();
	test_types_recording(&layout_310);
	test_types_recording(&layout_small);
	test_bad_types();
	for (i = 0; i < HV_ARRAY_LEN(names); i++) {
		path = tmp_path(names[i]);
		unlink(path);
		free(path);
	}
	rmdir(tmpdir);
	return check_done();
}
