/*
 * glibc malloc's figures in the JSON formats: a snapshot round trip gives
 * the same malloc section (found, and each status without figures); a
 * recording's delta frames leave out figures equal to their key frame's,
 * give changed ones whole and say null when they have none, and every frame
 * reads back with its own; a file without them loads with none; and the
 * loader's answers to bad figures.
 */
#include "config.h"

#include "check.h"
#include "glibc.h"
#include "heap.h"
#include "render.h"
#include "snapshot.h"
#include "snapshot_heaps.h"
#include "snapshot_int.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[64];

/* Figures like a process's with a thread arena; variant moves a few
 * bytes from the bins to the top, as a later capture might. */
static struct glibc_malloc *
make_figures(int variant)
{
	struct glibc_malloc *gm = xcalloc(1, sizeof *gm);
	struct glibc_arena *a;

	gm->status = GLIBC_OK;
	gm->libc = xstrdup("/usr/lib/x86_64-linux-gnu/libc.so.6");
	gm->found_by = variant == 2 ? "symbol" : "scan";
	gm->main_arena = 0x7ffa4a1bac60ull;
	gm->ntcaches = 2;
	gm->mmapped_chunks = 5;
	gm->mmapped_bytes = 11948032;
	gm->narenas = 2;
	gm->arenas = xcalloc(2, sizeof *gm->arenas);
	a = &gm->arenas[0];
	a->addr = gm->main_arena;
	a->is_main = 1;
	a->nheaps = 1;
	a->system_mem = 100421632;
	a->top_addr = 0x1931d120;
	a->top_bytes = 102112 + (uint64_t)variant * 4096;
	a->used_chunks = 2499;
	a->used_bytes = 50183136;
	a->bin_chunks = 783;
	a->bin_bytes = 50029600 - (uint64_t)variant * 4096;
	a->fast_chunks = 100;
	a->fast_bytes = 8016;
	a->tcache_chunks = 186;
	a->tcache_bytes = 98768;
	a->trimmable_bytes = 47202304;
	a = &gm->arenas[1];
	a->addr = 0x7ffa44000030ull;
	a->nheaps = 1;
	a->system_mem = 48816128;
	a->top_addr = 0x7ffa46e8c170ull;
	a->top_bytes = 7824;
	a->used_chunks = 1329;
	a->used_bytes = 32618704;
	a->bin_chunks = 653;
	a->bin_bytes = 16180496;
	a->tcache_chunks = 8;
	a->tcache_bytes = 6848;
	a->overhead_bytes = 2256;
	a->trimmable_bytes = 13615104;
	a->invalid = 2;
	a->invalid_bytes = 4096;
	a->invalid_why = xstrdup("a chunk at 0x7ffa44a1c000 has size 0x0");
	glibc_malloc_totals(gm);
	return gm;
}

/* Figures of a process whose malloc is not glibc's (or not found). */
static struct glibc_malloc *
make_status(enum glibc_status st)
{
	struct glibc_malloc *gm = xcalloc(1, sizeof *gm);

	gm->status = st;
	gm->note = xstrdup(st == GLIBC_NO_GLIBC ? "no glibc in this process: "
	    "its C library is /lib/ld-musl-x86_64.so.1" : st == GLIBC_REPLACED ?
	    "malloc is libjemalloc.so.2's, not glibc's (glibc's main_arena was "
	    "not found)" : "glibc's main_arena was not found in libc's data");
	if (st != GLIBC_NO_GLIBC)
		gm->libc = xstrdup("/usr/lib/x86_64-linux-gnu/libc.so.6");
	return gm;
}

static char *
malloc_text(const struct glibc_malloc *gm)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (gm != NULL)
		render_stats_malloc(fp, gm);
	fclose(fp);
	return buf;
}

static char *
write_text(const struct heap *h)
{
	char *buf = NULL, *cause = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	CHECK(snapshot_write(fp, h, &cause) == 0);
	fclose(fp);
	free(cause);
	return buf;
}

/* The heap of the only frame of text, or NULL with *cause. */
static struct heap *
load_text(const char *name, const char *text, char **cause)
{
	struct snapshot_file *f = snapshot_open_mem(name, text, strlen(text),
	    cause);
	struct heap *h;

	if (f == NULL)
		return NULL;
	h = snapshot_frame(f, snapshot_nframes(f) - 1, cause);
	snapshot_close(f);
	return h;
}

/* h with gm written and read back: the same malloc section, and written
 * again the same text. */
static void
check_round_trip(struct glibc_malloc *gm)
{
	struct heap *h = make_heap(&layout_310, HEAP_LEVEL_POOLS, 0), *back;
	char *text, *again, *want, *got, *cause = NULL;

	h->malloc_figures = gm;
	text = write_text(h);
	CHECK(strstr(text, "\"malloc\":{\"status\":") != NULL);
	back = load_text("snap.json", text, &cause);
	CHECK(back != NULL && back->malloc_figures != NULL);
	if (back == NULL) {
		fprintf(stderr, "  %s\n", cause);
		free(cause);
		free(text);
		heap_free(h);
		return;
	}
	CHECK(snapshot_malloc_equal(gm, back->malloc_figures));
	want = malloc_text(gm);
	got = malloc_text(back->malloc_figures);
	CHECK_STR(got, want);
	again = write_text(back);
	CHECK_STR(again, text);
	free(want);
	free(got);
	free(again);
	free(text);
	heap_free(back);
	heap_free(h);
}

static void
test_round_trips(void)
{
	struct heap *h = make_heap(&layout_310, HEAP_LEVEL_POOLS, 0), *back;
	char *text, *cause = NULL;

	check_round_trip(make_figures(0));
	check_round_trip(make_figures(2));
	check_round_trip(make_status(GLIBC_NO_GLIBC));
	check_round_trip(make_status(GLIBC_REPLACED));
	check_round_trip(make_status(GLIBC_NOT_FOUND));
	/* Without figures: none written, none read. */
	text = write_text(h);
	CHECK(strstr(text, "\"malloc\"") == NULL);
	back = load_text("old.json", text, &cause);
	CHECK(back != NULL && back->malloc_figures == NULL);
	free(text);
	free(cause);
	heap_free(back);
	heap_free(h);
}

/* A copy of a heap (what the recorder keeps as its key frame) keeps its
 * figures, and they are its own. */
static void
test_copy(void)
{
	struct heap *h = make_heap(&layout_310, HEAP_LEVEL_BLOCKS, 1), *c;

	h->malloc_figures = make_figures(1);
	c = snapshot_heap_copy(h);
	CHECK(c->malloc_figures != NULL &&
	    c->malloc_figures != h->malloc_figures);
	CHECK(snapshot_malloc_equal(c->malloc_figures, h->malloc_figures));
	CHECK(c->malloc_figures->arenas[1].invalid_why !=
	    h->malloc_figures->arenas[1].invalid_why);
	heap_free(h);
	CHECK_STR(c->malloc_figures->arenas[1].invalid_why,
	    "a chunk at 0x7ffa44a1c000 has size 0x0");
	heap_free(c);
}

/* Figures of frame i of the recording below: 0 and 1 the same, 2 other
 * ones, 3 and 4 none, 5 the first again. */
static struct glibc_malloc *
frame_figures(int i)
{
	static const int which[] = { 0, 0, 1, -1, -1, 0 };

	return which[i] < 0 ? NULL : make_figures(which[i]);
}
#define NMFRAMES	6

/* What each frame's line says of malloc: 'M' the figures, 'N' null, '-'
 * nothing. */
static void
frame_marks(const char *path, char *marks)
{
	char *line = NULL;
	size_t cap = 0, n = 0;
	FILE *fp = fopen(path, "r");

	CHECK(fp != NULL);
	if (fp == NULL)
		return;
	while (getline(&line, &cap, fp) > 0) {
		if (n++ == 0)
			continue;	/* the header */
		*marks++ = strstr(line, "\"malloc\":{") != NULL ? 'M' :
		    strstr(line, "\"malloc\":null") != NULL ? 'N' : '-';
	}
	*marks = '\0';
	free(line);
	fclose(fp);
}

static void
check_recording(enum snapshot_keys keys, const char *want_marks)
{
	char *path = xasprintf("%s/rec.jsonl", tmpdir), *cause = NULL;
	char marks[NMFRAMES + 2];
	struct snapshot_writer *w = NULL;
	struct snapshot_file *f;
	struct glibc_malloc *want;
	struct heap *h;
	int i;

	for (i = 0; i < NMFRAMES; i++) {
		h = make_heap(&layout_310, HEAP_LEVEL_POOLS, 0);
		h->malloc_figures = frame_figures(i);
		if (w == NULL) {
			w = snapshot_writer_open(path, h, &cause);
			CHECK(w != NULL);
			snapshot_writer_keys(w, keys);
		}
		CHECK(snapshot_writer_frame(w, h, i * 0.5, NULL, &cause) == 0);
		heap_free(h);
	}
	CHECK(snapshot_writer_close(w, &cause) == 0);
	frame_marks(path, marks);
	CHECK_STR(marks, want_marks);
	f = snapshot_open(path, &cause);
	CHECK(f != NULL && snapshot_nframes(f) == NMFRAMES);
	/* Backwards, so that the key frame is read again for each. */
	for (i = NMFRAMES - 1; f != NULL && i >= 0; i--) {
		h = snapshot_frame(f, (size_t)i, &cause);
		CHECK(h != NULL);
		want = frame_figures(i);
		CHECK(h != NULL && snapshot_malloc_equal(h->malloc_figures,
		    want));
		glibc_malloc_free(want);
		heap_free(h);
	}
	snapshot_close(f);
	unlink(path);
	free(path);
	free(cause);
}

static void
test_recordings(void)
{
	/* The heap never changes: frame 0 full, the others deltas, each
	 * against frame 0: frame 4 says null as frame 3 does, frame 5 has
	 * frame 0's figures. */
	check_recording(SNAPSHOT_KEYS_COST, "M-MNN-");
	check_recording(SNAPSHOT_KEYS_EVERY, "MMM--M");
}

/* The good snapshot with one edit: from -> to. */
static char *
edited(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	char *s;

	CHECK(at != NULL);
	if (at == NULL)
		return xstrdup(text);
	s = xasprintf("%.*s%s%s", (int)(at - text), text, to,
	    at + strlen(from));
	return s;
}

static void
refuse(const char *text, const char *from, const char *to, const char *want)
{
	char *bad = edited(text, from, to), *cause = NULL;
	struct heap *h = load_text("bad.json", bad, &cause);

	CHECK(h == NULL);
	CHECK(cause != NULL && strstr(cause, want) != NULL);
	if (cause == NULL || strstr(cause, want) == NULL)
		fprintf(stderr, "  got \"%s\", wanted \"%s\"\n",
		    cause ? cause : "(none)", want);
	heap_free(h);
	free(cause);
	free(bad);
}

/* The malloc object's arenas replaced by 1025 numbers. */
static void
refuse_many_arenas(const char *text)
{
	const char *a = strstr(text, "\"arenas\":[{\"address\":\"0x7ffa4a1bac60\"");
	const char *b = a != NULL ? strstr(a, "],\"mallinfo2\"") : NULL;
	char *many = xcalloc(1025, 2), *p = many, *arenas, *bad, *cause = NULL;
	struct heap *h;
	int i;

	CHECK(a != NULL && b != NULL);
	if (a == NULL || b == NULL) {
		free(many);
		return;
	}
	for (i = 0; i < 1025; i++)
		p += sprintf(p, "%s1", i ? "," : "");
	arenas = xasprintf("\"arenas\":[%s", many);
	bad = xasprintf("%.*s%s%s", (int)(a - text), text, arenas, b);
	h = load_text("bad.json", bad, &cause);
	CHECK(h == NULL && cause != NULL && strstr(cause, "malloc.arenas: "
	    "expected at most 1024 arenas, got 1025") != NULL);
	heap_free(h);
	free(cause);
	free(bad);
	free(arenas);
	free(many);
}

static void
test_bad_figures(void)
{
	struct heap *h = make_heap(&layout_310, HEAP_LEVEL_POOLS, 0);
	char *text;

	h->malloc_figures = make_figures(0);
	text = write_text(h);
	refuse(text, "\"malloc\":{", "\"malloc\":7,\"x\":{",
	    "bad.json:1: malloc: expected an object or null");
	refuse(text, "\"status\":\"found\"", "\"status\":\"ok\"",
	    "malloc.status: expected \"found\"");
	refuse(text, "\"status\":\"found\",", "",
	    "malloc.status: missing: expected a string");
	refuse(text, "\"found_by\":\"scan\"", "\"found_by\":\"\"",
	    "malloc.found_by: expected 1 to 16 bytes, got 0");
	refuse(text, "\"libc\":\"/usr", "\"libc\":\"\\t/usr",
	    "malloc.libc: a control character (0x09) at offset 0");
	refuse(text, "\"tcaches\":2", "\"tcaches\":4294967296",
	    "malloc.tcaches: expected an integer from 0 to 4294967295");
	refuse(text, "\"mmapped_bytes\":11948032", "\"mmapped_bytes\":1.5",
	    "malloc.mmapped_bytes: expected an integer from 0 to");
	refuse(text, "\"main\":true", "\"main\":false",
	    "malloc.arenas[0].main: expected true: the main arena comes "
	    "first");
	refuse(text, "\"heaps\":1,", "\"heaps\":\"1\",",
	    "malloc.arenas[0].heaps: expected an integer");
	refuse(text, "\"address\":\"0x7ffa44000030\"",
	    "\"address\":\"0x7ffa44000030000000\"",
	    "malloc.arenas[1].address: expected 1 to 18 bytes, got 20");
	refuse(text, "\"bin_bytes\":16180496", "\"bin_bytes\":16180497",
	    "malloc.mallinfo2.uordblks: expected 82909711 (what the arenas "
	    "and the mmapped chunks add up to), got 82909712");
	refuse(text, "\"hblks\":5", "\"hblks\":1e16",
	    "malloc.mallinfo2.hblks: expected an integer from 0 to "
	    "9007199254740992");
	free(text);
	heap_free(h);
	/* More arenas than glibc makes. */
	h = make_heap(&layout_310, HEAP_LEVEL_POOLS, 0);
	h->malloc_figures = make_figures(0);
	text = write_text(h);
	refuse(text, "\"arenas\":[{\"address\":\"0x7ffa4a1bac60\"",
	    "\"arenas\":[7],\"x\":[{\"address\":\"0x7ffa4a1bac60\"",
	    "malloc.arenas[0]: expected an arena (a JSON object)");
	refuse_many_arenas(text);
	free(text);
	heap_free(h);
}

int
main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "%s", "/tmp/hv-snapmalloc.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 99;
	}
	snapshot_json_init();
	test_round_trips();
	test_copy();
	test_recordings();
	test_bad_figures();
	rmdir(tmpdir);
	return check_done();
}
