#include "config.h"

#include "glibc.h"
#include "snapshot_int.h"
#include "util.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/*
 * The optional "malloc" object of a snapshot or a frame: glibc malloc's
 * figures as --stats prints them (glibc.h's struct glibc_malloc without
 * its heaps and chunks): the status and, when glibc's malloc was found, each
 * arena's figures, the mmapped chunks and mallinfo2().  One function writes
 * it and one reads it, so that --stats on the file prints what --stats on
 * the process printed.  A file without it loads with no figures.
 *
 * A delta frame leaves it out when its figures are its key frame's (an idle
 * process's malloc does not change), says null when it has none although
 * its key frame has some, and writes it whole otherwise.
 */

#define MAL_EXACT_MAX	((uint64_t)1 << 53)
#define MAL_MAX_ARENAS	1024u		/* glibc's own limit: 8 per core */
#define MAL_MAX_TEXT	4096u		/* a path, a note */
#define MAL_MAX_WHY	512u		/* an arena's first failed check */

static const char *const status_names[] = {
	[GLIBC_OK] = "found",
	[GLIBC_NO_GLIBC] = "no_glibc",
	[GLIBC_REPLACED] = "replaced",
	[GLIBC_NOT_FOUND] = "not_found",
};

/* An arena's counts, all uint64_t in struct glibc_arena. */
static const struct {
	const char	*key;
	size_t		 off;
} arena_fields[] = {
	{ "system_bytes", offsetof(struct glibc_arena, system_mem) },
	{ "top_bytes", offsetof(struct glibc_arena, top_bytes) },
	{ "used_chunks", offsetof(struct glibc_arena, used_chunks) },
	{ "used_bytes", offsetof(struct glibc_arena, used_bytes) },
	{ "bin_chunks", offsetof(struct glibc_arena, bin_chunks) },
	{ "bin_bytes", offsetof(struct glibc_arena, bin_bytes) },
	{ "fastbin_chunks", offsetof(struct glibc_arena, fast_chunks) },
	{ "fastbin_bytes", offsetof(struct glibc_arena, fast_bytes) },
	{ "tcache_chunks", offsetof(struct glibc_arena, tcache_chunks) },
	{ "tcache_bytes", offsetof(struct glibc_arena, tcache_bytes) },
	{ "overhead_bytes", offsetof(struct glibc_arena, overhead_bytes) },
	{ "trimmable_bytes", offsetof(struct glibc_arena, trimmable_bytes) },
	{ "invalid_bytes", offsetof(struct glibc_arena, invalid_bytes) },
};

static const struct {
	const char	*key;
	size_t		 off;
} mi_fields[] = {
	{ "arena", offsetof(struct glibc_mallinfo, arena) },
	{ "ordblks", offsetof(struct glibc_mallinfo, ordblks) },
	{ "smblks", offsetof(struct glibc_mallinfo, smblks) },
	{ "hblks", offsetof(struct glibc_mallinfo, hblks) },
	{ "hblkhd", offsetof(struct glibc_mallinfo, hblkhd) },
	{ "usmblks", offsetof(struct glibc_mallinfo, usmblks) },
	{ "fsmblks", offsetof(struct glibc_mallinfo, fsmblks) },
	{ "uordblks", offsetof(struct glibc_mallinfo, uordblks) },
	{ "fordblks", offsetof(struct glibc_mallinfo, fordblks) },
	{ "keepcost", offsetof(struct glibc_mallinfo, keepcost) },
};

static uint64_t *
arena_field(struct glibc_arena *a, size_t i)
{
	return (uint64_t *)(void *)((char *)a + arena_fields[i].off);
}

static uint64_t *
mi_field(struct glibc_mallinfo *m, size_t i)
{
	return (uint64_t *)(void *)((char *)m + mi_fields[i].off);
}

/* ---- writing ------------------------------------------------------------ */

static void
write_arena(struct json_out *o, const struct glibc_arena *a)
{
	size_t i;

	json_object(o, NULL);
	json_hex(o, "address", a->addr);
	json_bool(o, "main", a->is_main);
	json_uint(o, "heaps", a->nheaps);
	json_hex(o, "top_address", a->top_addr);
	for (i = 0; i < HV_ARRAY_LEN(arena_fields); i++)
		json_uint(o, arena_fields[i].key,
		    *arena_field((struct glibc_arena *)a, i));
	json_uint(o, "invalid_checks", a->invalid);
	json_string_or_null(o, "invalid_why", a->invalid_why);
	json_close(o, '}');
}

static void
write_found(struct json_out *o, const struct glibc_malloc *gm)
{
	size_t i;

	json_string(o, "found_by", gm->found_by != NULL &&
	    strcmp(gm->found_by, "symbol") == 0 ? "symbol" : "scan");
	json_hex(o, "main_arena", gm->main_arena);
	json_uint(o, "tcaches", gm->ntcaches);
	json_uint(o, "tcaches_invalid", gm->tcache_invalid);
	json_uint(o, "mmapped_chunks", gm->mmapped_chunks);
	json_uint(o, "mmapped_bytes", gm->mmapped_bytes);
	json_bool(o, "mmapped_exact", gm->mmapped_exact);
	json_array(o, "arenas");
	for (i = 0; i < gm->narenas; i++)
		write_arena(o, &gm->arenas[i]);
	json_close(o, ']');
	json_object(o, "mallinfo2");
	for (i = 0; i < HV_ARRAY_LEN(mi_fields); i++)
		json_uint(o, mi_fields[i].key,
		    *mi_field((struct glibc_mallinfo *)&gm->mi, i));
	json_close(o, '}');
}

static void
write_figures(struct json_out *o, const struct glibc_malloc *gm)
{
	json_object(o, "malloc");
	json_string(o, "status", status_names[gm->status]);
	json_string_or_null(o, "note", gm->note);
	json_string_or_null(o, "libc", gm->libc);
	if (gm->status == GLIBC_OK)
		write_found(o, gm);
	json_close(o, '}');
}

static int
text_equal(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

static int
arenas_equal(const struct glibc_arena *a, const struct glibc_arena *b)
{
	size_t i;

	if (a->addr != b->addr || a->is_main != b->is_main ||
	    a->nheaps != b->nheaps || a->top_addr != b->top_addr ||
	    a->invalid != b->invalid || !text_equal(a->invalid_why,
	    b->invalid_why))
		return 0;
	for (i = 0; i < HV_ARRAY_LEN(arena_fields); i++)
		if (*arena_field((struct glibc_arena *)a, i) !=
		    *arena_field((struct glibc_arena *)b, i))
			return 0;
	return 1;
}

int
snapshot_malloc_equal(const struct glibc_malloc *a,
    const struct glibc_malloc *b)
{
	size_t i;

	if (a == NULL || b == NULL)
		return a == b;
	/* what is written: found_by only for found figures */
	if (a->status != b->status || !text_equal(a->note, b->note) ||
	    !text_equal(a->libc, b->libc) || (a->status == GLIBC_OK &&
	    !text_equal(a->found_by, b->found_by)) ||
	    a->main_arena != b->main_arena || a->ntcaches != b->ntcaches ||
	    a->tcache_invalid != b->tcache_invalid ||
	    a->mmapped_chunks != b->mmapped_chunks ||
	    a->mmapped_bytes != b->mmapped_bytes ||
	    a->mmapped_exact != b->mmapped_exact || a->narenas != b->narenas)
		return 0;
	for (i = 0; i < a->narenas; i++)
		if (!arenas_equal(&a->arenas[i], &b->arenas[i]))
			return 0;
	return 1;
}

void
snapshot_write_malloc(struct json_out *o, const struct heap *h,
    const struct heap *key)
{
	const struct glibc_malloc *gm = h->malloc_figures;

	if (key == NULL) {
		if (gm != NULL)
			write_figures(o, gm);
		return;
	}
	if (snapshot_malloc_equal(gm, key->malloc_figures))
		return;
	if (gm == NULL)
		json_null(o, "malloc");
	else
		write_figures(o, gm);
}

/* ---- reading ------------------------------------------------------------ */

static int
mal_bad(struct snapshot_ctx *c, const char *where, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* "FILE:LINE: malloc.WHERE.KEY: what" */
static int
mal_bad(struct snapshot_ctx *c, const char *where, const char *key,
    const char *fmt, ...)
{
	char path[96];
	va_list ap;
	int rc;

	snprintf(path, sizeof path, "malloc%s%.80s", *where != '\0' ? "." : "",
	    where);
	va_start(ap, fmt);
	rc = snapshot_vbad(c, path, key, fmt, ap);
	va_end(ap);
	return rc;
}

static int
get_uint(struct snapshot_ctx *c, const cJSON *o, const char *where,
    const char *key, uint64_t max, uint64_t *v)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
	double d;

	if (it == NULL)
		return mal_bad(c, where, key, "missing: expected an integer "
		    "from 0 to %" PRIu64, max);
	d = cJSON_IsNumber(it) ? it->valuedouble : -1;
	if (!(d >= 0 && d <= (double)max) || d != floor(d))
		return mal_bad(c, where, key, "expected an integer from 0 to %"
		    PRIu64, max);
	*v = (uint64_t)d;
	return 0;
}

static int
get_unsigned(struct snapshot_ctx *c, const cJSON *o, const char *where,
    const char *key, unsigned *v)
{
	uint64_t u = 0;

	if (get_uint(c, o, where, key, UINT32_MAX, &u) != 0)
		return -1;
	*v = (unsigned)u;
	return 0;
}

static int
get_bool(struct snapshot_ctx *c, const cJSON *o, const char *where,
    const char *key, int *v)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsBool(it))
		return mal_bad(c, where, key, it == NULL ? "missing: expected "
		    "true or false" : "expected true or false");
	*v = cJSON_IsTrue(it);
	return 0;
}

/* A string of 1 to max bytes without control characters (--stats prints
 * it to a terminal), or NULL for null when nullable. */
static int
get_text(struct snapshot_ctx *c, const cJSON *o, const char *where,
    const char *key, int nullable, size_t max, const char **v)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
	const char *what = nullable ? "a string or null" : "a string", *p;

	*v = NULL;
	if (it == NULL)
		return mal_bad(c, where, key, "missing: expected %s", what);
	if (nullable && cJSON_IsNull(it))
		return 0;
	if (!cJSON_IsString(it))
		return mal_bad(c, where, key, "expected %s", what);
	if (it->valuestring[0] == '\0' || strlen(it->valuestring) > max)
		return mal_bad(c, where, key, "expected 1 to %zu bytes, got %zu",
		    max, strlen(it->valuestring));
	for (p = it->valuestring; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return mal_bad(c, where, key, "a control character "
			    "(0x%02x) at offset %td", (unsigned char)*p,
			    p - it->valuestring);
	*v = it->valuestring;
	return 0;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* "0x" and 1 to 16 hex digits. */
static int
get_address(struct snapshot_ctx *c, const cJSON *o, const char *where,
    const char *key, uint64_t *v)
{
	const char *s = NULL;

	if (get_text(c, o, where, key, 0, 18, &s) != 0)
		return -1;
	if (strncmp(s, "0x", 2) != 0 || s[2] == '\0' ||
	    strspn(s + 2, "0123456789abcdefABCDEF") != strlen(s + 2))
		return mal_bad(c, where, key, "expected a hex address like "
		    "\"0x7f3a2c000000\"");
	*v = strtoull(s + 2, NULL, 16);
	return 0;
}

static int
read_arena(struct snapshot_ctx *c, const cJSON *it, const char *w,
    struct glibc_arena *a)
{
	const char *why = NULL;
	size_t i;

	if (!cJSON_IsObject(it))
		return mal_bad(c, w, NULL, "expected an arena (a JSON object)");
	if (get_address(c, it, w, "address", &a->addr) != 0 ||
	    get_bool(c, it, w, "main", &a->is_main) != 0 ||
	    get_unsigned(c, it, w, "heaps", &a->nheaps) != 0 ||
	    get_address(c, it, w, "top_address", &a->top_addr) != 0)
		return -1;
	for (i = 0; i < HV_ARRAY_LEN(arena_fields); i++)
		if (get_uint(c, it, w, arena_fields[i].key, MAL_EXACT_MAX,
		    arena_field(a, i)) != 0)
			return -1;
	if (get_unsigned(c, it, w, "invalid_checks", &a->invalid) != 0 ||
	    get_text(c, it, w, "invalid_why", 1, MAL_MAX_WHY, &why) != 0)
		return -1;
	if (why != NULL && a->invalid == 0)
		return mal_bad(c, w, "invalid_why", "a failed check, but "
		    "invalid_checks is 0");
	a->invalid_why = dup_or_null(why);
	return 0;
}

/* The arenas: main first (as glibc links them), no other main. */
static int
read_arenas(struct snapshot_ctx *c, const cJSON *o, struct glibc_malloc *gm)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(o, "arenas"), *it;
	char where[32];
	int n;

	if (!cJSON_IsArray(arr))
		return mal_bad(c, "", "arenas", arr == NULL ? "missing: expected "
		    "an array" : "expected an array");
	if ((n = cJSON_GetArraySize(arr)) > (int)MAL_MAX_ARENAS)
		return mal_bad(c, "", "arenas", "expected at most %u arenas, "
		    "got %d", MAL_MAX_ARENAS, n);
	gm->arenas = n > 0 ? xcalloc((size_t)n, sizeof *gm->arenas) : NULL;
	cJSON_ArrayForEach(it, arr) {
		struct glibc_arena *a = &gm->arenas[gm->narenas];

		snprintf(where, sizeof where, "arenas[%zu]", gm->narenas);
		gm->narenas++;		/* so that a failure frees its text */
		if (read_arena(c, it, where, a) != 0)
			return -1;
		if (a->is_main != (gm->narenas == 1))
			return mal_bad(c, where, "main", gm->narenas == 1 ?
			    "expected true: the main arena comes first" :
			    "expected false: only the first arena is main");
	}
	return 0;
}

/* mallinfo2() as the file says it, against what the arenas give. */
static int
read_mallinfo(struct snapshot_ctx *c, const cJSON *o,
    const struct glibc_malloc *gm)
{
	const cJSON *mo = cJSON_GetObjectItemCaseSensitive(o, "mallinfo2");
	struct glibc_mallinfo m;
	size_t i;
	uint64_t want;

	if (!cJSON_IsObject(mo))
		return mal_bad(c, "", "mallinfo2", mo == NULL ? "missing: "
		    "expected an object" : "expected an object");
	memset(&m, 0, sizeof m);
	for (i = 0; i < HV_ARRAY_LEN(mi_fields); i++) {
		if (get_uint(c, mo, "mallinfo2", mi_fields[i].key,
		    MAL_EXACT_MAX, mi_field(&m, i)) != 0)
			return -1;
		want = *mi_field((struct glibc_mallinfo *)&gm->mi, i);
		if (*mi_field(&m, i) != want)
			return mal_bad(c, "mallinfo2", mi_fields[i].key, "expected %"
			    PRIu64 " (what the arenas and the mmapped chunks "
			    "add up to), got %" PRIu64, want, *mi_field(&m, i));
	}
	return 0;
}

static int
read_found(struct snapshot_ctx *c, const cJSON *o, struct glibc_malloc *gm)
{
	const char *by = NULL;

	if (gm->libc == NULL)
		return mal_bad(c, "", "libc", "expected libc's path: glibc's "
		    "malloc was found");
	if (get_text(c, o, "", "found_by", 0, 16, &by) != 0)
		return -1;
	if (strcmp(by, "symbol") != 0 && strcmp(by, "scan") != 0)
		return mal_bad(c, "", "found_by", "expected \"symbol\" or "
		    "\"scan\"");
	gm->found_by = strcmp(by, "symbol") == 0 ? "symbol" : "scan";
	if (get_address(c, o, "", "main_arena", &gm->main_arena) != 0 ||
	    get_unsigned(c, o, "", "tcaches", &gm->ntcaches) != 0 ||
	    get_unsigned(c, o, "", "tcaches_invalid",
	    &gm->tcache_invalid) != 0 ||
	    get_uint(c, o, "", "mmapped_chunks", MAL_EXACT_MAX,
	    &gm->mmapped_chunks) != 0 ||
	    get_uint(c, o, "", "mmapped_bytes", MAL_EXACT_MAX,
	    &gm->mmapped_bytes) != 0 ||
	    get_bool(c, o, "", "mmapped_exact", &gm->mmapped_exact) != 0 ||
	    read_arenas(c, o, gm) != 0)
		return -1;
	glibc_malloc_totals(gm);
	return read_mallinfo(c, o, gm);
}

static int
read_status(struct snapshot_ctx *c, const cJSON *o, struct glibc_malloc *gm)
{
	const char *s = NULL;
	size_t i;

	if (get_text(c, o, "", "status", 0, 16, &s) != 0)
		return -1;
	for (i = 0; i < HV_ARRAY_LEN(status_names); i++)
		if (strcmp(s, status_names[i]) == 0) {
			gm->status = (enum glibc_status)i;
			return 0;
		}
	return mal_bad(c, "", "status", "expected \"found\", \"no_glibc\", "
	    "\"replaced\" or \"not_found\"");
}

static struct glibc_malloc *
read_figures(struct snapshot_ctx *c, const cJSON *o)
{
	struct glibc_malloc *gm = xcalloc(1, sizeof *gm);
	const char *note = NULL, *libc = NULL;

	if (read_status(c, o, gm) != 0 ||
	    get_text(c, o, "", "note", gm->status == GLIBC_OK, MAL_MAX_TEXT,
	    &note) != 0 ||
	    get_text(c, o, "", "libc", 1, MAL_MAX_TEXT, &libc) != 0)
		goto fail;
	gm->note = dup_or_null(note);
	gm->libc = dup_or_null(libc);
	if (gm->status == GLIBC_OK && read_found(c, o, gm) != 0)
		goto fail;
	return gm;
fail:
	glibc_malloc_free(gm);
	return NULL;
}

int
snapshot_read_malloc(struct snapshot_ctx *c, const cJSON *o, struct heap *h,
    const struct heap *key)
{
	const cJSON *mo = cJSON_GetObjectItemCaseSensitive(o, "malloc");
	struct glibc_malloc *gm = NULL;

	if (mo == NULL) {
		/* a delta frame: its key frame's figures */
		if (key != NULL && key->malloc_figures != NULL)
			gm = glibc_malloc_figures(key->malloc_figures);
	} else if (cJSON_IsObject(mo)) {
		if ((gm = read_figures(c, mo)) == NULL)
			return -1;
	} else if (!cJSON_IsNull(mo))
		return mal_bad(c, "", NULL, "expected an object or null");
	glibc_malloc_free(h->malloc_figures);
	h->malloc_figures = gm;
	return 0;
}
