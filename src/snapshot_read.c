#include "config.h"

#include "glibc.h"
#include "heap_rle.h"
#include "heap_stats.h"
#include "snapshot_int.h"
#include "util.h"

#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * Every field read is checked for type and range, and every pool against
 * its header (PYMALLOC.md, "How pools and blocks behave"), so that what
 * leaves this file satisfies heap.h's invariants.  Messages name the field
 * by its JSON path: "FILE:LINE: arenas[2].pools[5].count: ...".
 */

#define EXACT_MAX	((uint64_t)1 << 53)	/* integers a double holds */
#define MAX_ARENAS	(1u << 20)
#define MAX_ARGV	65536
#define MAX_NAME	4096			/* exe, python version */
#define LAST_TIME	253402300799.0		/* 9999-12-31T23:59:59Z */

static int
bad(struct snapshot_ctx *c, const char *where, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
bad(struct snapshot_ctx *c, const char *where, const char *key,
    const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = snapshot_vbad(c, where, key, fmt, ap);
	va_end(ap);
	return rc;
}

int
snapshot_vbad(struct snapshot_ctx *c, const char *where, const char *key,
    const char *fmt, va_list ap)
{
	char *msg;

	if (vasprintf(&msg, fmt, ap) < 0)
		util_fatal("out of memory formatting a message");
	if (*where == '\0' && key == NULL)
		util_cause(c->cause, "%s:%zu: %s", c->file, c->line, msg);
	else
		util_cause(c->cause, "%s:%zu: %s%s%s: %s", c->file, c->line,
		    where, *where != '\0' && key != NULL ? "." : "",
		    key != NULL ? key : "", msg);
	free(msg);
	return -1;
}

static const char *
kind(const cJSON *it)
{
	if (cJSON_IsNull(it))
		return "null";
	if (cJSON_IsBool(it))
		return "a boolean";
	if (cJSON_IsNumber(it))
		return "a number";
	if (cJSON_IsString(it))
		return "a string";
	if (cJSON_IsArray(it))
		return "an array";
	if (cJSON_IsObject(it))
		return "an object";
	return "an invalid value";
}

/* A short printable copy of an untrusted string, for messages. */
static const char *
quote(char *buf, size_t len, const char *s)
{
	size_t i, o = 0;

	for (i = 0; s[i] != '\0' && o + 5 < len; i++)
		buf[o++] = isprint((unsigned char)s[i]) ? s[i] : '?';
	if (s[i] != '\0')
		o += (size_t)snprintf(buf + o, len - o, "...");
	buf[o] = '\0';
	return buf;
}

static int
check_uint(struct snapshot_ctx *c, const cJSON *it, const char *where,
    const char *key, uint64_t min, uint64_t max, uint64_t *v)
{
	double d;

	if (!cJSON_IsNumber(it))
		return bad(c, where, key, "expected an integer from %" PRIu64
		    " to %" PRIu64 ", got %s", min, max, kind(it));
	d = it->valuedouble;
	if (!(d >= (double)min && d <= (double)max) || d != floor(d))
		return bad(c, where, key, "expected an integer from %" PRIu64
		    " to %" PRIu64 ", got %.17g", min, max, d);
	*v = (uint64_t)d;
	return 0;
}

static int
get_uint(struct snapshot_ctx *c, const cJSON *o, const char *where,
    const char *key, uint64_t min, uint64_t max, uint64_t *v)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

	if (it == NULL)
		return bad(c, where, key, "missing: expected an integer from %"
		    PRIu64 " to %" PRIu64, min, max);
	return check_uint(c, it, where, key, min, max, v);
}

static int
get_u32(struct snapshot_ctx *c, const cJSON *o, const char *where,
    const char *key, uint64_t min, uint64_t max, uint32_t *v)
{
	uint64_t u = 0;

	if (get_uint(c, o, where, key, min, max, &u) != 0)
		return -1;
	*v = (uint32_t)u;
	return 0;
}

/* An integer, or null for unknown (-1). */
static int
get_count(struct snapshot_ctx *c, const cJSON *o, const char *where,
    const char *key, uint64_t max, int64_t *v)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
	uint64_t u = 0;

	if (it == NULL)
		return bad(c, where, key, "missing: expected null or an integer "
		    "from 0 to %" PRIu64, max);
	if (cJSON_IsNull(it)) {
		*v = -1;
		return 0;
	}
	if (check_uint(c, it, where, key, 0, max, &u) != 0)
		return -1;
	*v = (int64_t)u;
	return 0;
}

static int
get_double(struct snapshot_ctx *c, const cJSON *o, const char *where,
    const char *key, double min, double max, double *v)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

	if (it == NULL)
		return bad(c, where, key, "missing: expected a number from %g "
		    "to %g", min, max);
	if (!cJSON_IsNumber(it))
		return bad(c, where, key, "expected a number from %g to %g, "
		    "got %s", min, max, kind(it));
	if (!(it->valuedouble >= min && it->valuedouble <= max))
		return bad(c, where, key, "expected a number from %g to %g, "
		    "got %.17g", min, max, it->valuedouble);
	*v = it->valuedouble;
	return 0;
}

/* A string of at most max bytes; NULL for null when nullable. */
static int
get_string(struct snapshot_ctx *c, const cJSON *o, const char *where,
    const char *key, int nullable, size_t max, const char **v)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
	const char *what = nullable ? "a string or null" : "a string";

	if (it == NULL)
		return bad(c, where, key, "missing: expected %s", what);
	if (nullable && cJSON_IsNull(it)) {
		*v = NULL;
		return 0;
	}
	if (!cJSON_IsString(it))
		return bad(c, where, key, "expected %s, got %s", what, kind(it));
	if (strlen(it->valuestring) > max)
		return bad(c, where, key, "expected at most %zu bytes, got %zu",
		    max, strlen(it->valuestring));
	*v = it->valuestring;
	return 0;
}

/* An address: "0x" and 1 to 16 hex digits. */
static int
get_address(struct snapshot_ctx *c, const cJSON *o, const char *where,
    const char *key, uint64_t *v)
{
	const char *s, *p;
	char q[48];
	uint64_t a = 0;

	if (get_string(c, o, where, key, 0, 64, &s) != 0)
		return -1;
	p = s + 2;
	if (s[0] != '0' || s[1] != 'x' || *p == '\0' || strlen(p) > 16)
		goto fail;
	for (; *p != '\0'; p++) {
		if (!isxdigit((unsigned char)*p))
			goto fail;
		a = a << 4 | (uint64_t)(isdigit((unsigned char)*p) ? *p - '0' :
		    tolower((unsigned char)*p) - 'a' + 10);
	}
	*v = a;
	return 0;
fail:
	return bad(c, where, key, "expected a hex address like \"0x7f3a2c000000\""
	    ", got \"%s\"", quote(q, sizeof q, s));
}

static const cJSON *
get_typed(struct snapshot_ctx *c, const cJSON *o, const char *where,
    const char *key, int array)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
	const char *what = array ? "an array" : "an object";

	if (it == NULL)
		bad(c, where, key, "missing: expected %s", what);
	else if (array ? !cJSON_IsArray(it) : !cJSON_IsObject(it)) {
		bad(c, where, key, "expected %s, got %s", what, kind(it));
		it = NULL;
	}
	return it;
}

static int
digits(const char *s, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return -1;
	return atoi(s);		/* stops at the first non-digit */
}

/* RFC 3339: 2024-05-01T12:00:00[.123]Z or with a +hh:mm offset. */
int
snapshot_parse_time(const char *s, double *t)
{
	struct tm tm = { 0 };
	double frac = 0, scale = 0.1;
	int off = 0, sign;
	time_t secs;
	const char *p;

	if (strlen(s) < 20 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':')
		return -1;
	tm.tm_year = digits(s, 4) - 1900;
	tm.tm_mon = digits(s + 5, 2) - 1;
	tm.tm_mday = digits(s + 8, 2);
	tm.tm_hour = digits(s + 11, 2);
	tm.tm_min = digits(s + 14, 2);
	tm.tm_sec = digits(s + 17, 2);
	if (tm.tm_year < 70 || tm.tm_mon < 0 || tm.tm_mon > 11 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour < 0 ||
	    tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59 ||
	    tm.tm_sec < 0 || tm.tm_sec > 60)
		return -1;
	p = s + 19;
	if (*p == '.') {
		if (!isdigit((unsigned char)p[1]))
			return -1;
		for (p++; isdigit((unsigned char)*p); p++) {
			frac += (*p - '0') * scale;
			scale /= 10;
		}
	}
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
		off = 0;
	else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':' &&
	    digits(p + 1, 2) >= 0 && digits(p + 4, 2) >= 0) {
		sign = *p == '-' ? -1 : 1;
		off = sign * (digits(p + 1, 2) * 3600 + digits(p + 4, 2) * 60);
	} else
		return -1;
	if ((secs = timegm(&tm)) == (time_t)-1)
		return -1;
	*t = (double)secs - off + frac;
	return 0;
}

int
snapshot_read_format(struct snapshot_ctx *c, const cJSON *doc, int *recording)
{
	const cJSON *it;
	uint64_t version = 0;
	char q[48];

	if (!cJSON_IsObject(doc))
		return bad(c, "", NULL, "expected a heapview snapshot or "
		    "recording (a JSON object), got %s", kind(doc));
	it = cJSON_GetObjectItemCaseSensitive(doc, "format");
	if (it == NULL)
		return bad(c, "", "format", "missing: expected \"" SNAPSHOT_FORMAT
		    "\" or \"" RECORDING_FORMAT "\"");
	if (!cJSON_IsString(it) || (strcmp(it->valuestring, SNAPSHOT_FORMAT) != 0 &&
	    strcmp(it->valuestring, RECORDING_FORMAT) != 0))
		return bad(c, "", "format", "expected \"" SNAPSHOT_FORMAT "\" or \""
		    RECORDING_FORMAT "\", got %s%s%s", cJSON_IsString(it) ? "\"" :
		    "", cJSON_IsString(it) ? quote(q, sizeof q, it->valuestring) :
		    kind(it), cJSON_IsString(it) ? "\"" : "");
	*recording = strcmp(it->valuestring, RECORDING_FORMAT) == 0;
	if (get_uint(c, doc, "", "version", 0, EXACT_MAX, &version) != 0)
		return -1;
	if (version != SNAPSHOT_VERSION)
		return bad(c, "", "version", "expected %d (the version this "
		    "heapview reads), got %" PRIu64, SNAPSHOT_VERSION, version);
	return 0;
}

static int
read_argv(struct snapshot_ctx *c, const cJSON *proc, struct heap_process *p)
{
	const cJSON *argv, *it;
	char where[32];
	int n, i = 0;

	if ((argv = get_typed(c, proc, "process", "argv", 1)) == NULL)
		return -1;
	if ((n = cJSON_GetArraySize(argv)) > MAX_ARGV)
		return bad(c, "process", "argv", "expected at most %d arguments, "
		    "got %d", MAX_ARGV, n);
	if (n == 0)
		return 0;
	p->argv = xcalloc((size_t)n + 1, sizeof *p->argv);
	cJSON_ArrayForEach(it, argv) {
		if (!cJSON_IsString(it)) {
			snprintf(where, sizeof where, "process.argv[%d]", i);
			return bad(c, where, NULL, "expected a string, got %s",
			    kind(it));
		}
		p->argv[i++] = xstrdup(it->valuestring);
		p->argc = i;
	}
	return 0;
}

static int
read_process(struct snapshot_ctx *c, const cJSON *proc, struct heap_process *p)
{
	const char *exe = NULL, *python = NULL;
	uint64_t pid = 0;

	if (get_uint(c, proc, "process", "pid", 0, INT_MAX, &pid) != 0 ||
	    get_string(c, proc, "process", "exe", 1, MAX_NAME, &exe) != 0 ||
	    get_string(c, proc, "process", "python", 1, MAX_NAME, &python) != 0 ||
	    get_uint(c, proc, "process", "rss_bytes", 0, EXACT_MAX,
	    &p->rss_bytes) != 0)
		return -1;
	p->pid = (int)pid;
	p->exe = exe != NULL ? xstrdup(exe) : NULL;
	p->python = python != NULL ? xstrdup(python) : NULL;
	return read_argv(c, proc, p);
}

static int
is_pow2(uint64_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

/* The geometry, and what makes it usable: at least one block of the
 * largest class fits a pool, and no pool holds more blocks than a 16-bit
 * count can say. */
static int
read_allocator(struct snapshot_ctx *c, const cJSON *a, struct heap_layout *l)
{
	const char *w = "allocator", *name = NULL;
	char q[48];

	if (get_string(c, a, w, "name", 0, 64, &name) != 0)
		return -1;
	if (strcmp(name, "pymalloc") != 0)
		return bad(c, w, "name", "expected \"pymalloc\", got \"%s\"",
		    quote(q, sizeof q, name));
	if (get_u32(c, a, w, "pool_size", 1024, 262144, &l->pool_size) != 0)
		return -1;
	if (!is_pow2(l->pool_size))
		return bad(c, w, "pool_size", "expected a power of two, got %u",
		    l->pool_size);
	if (get_u32(c, a, w, "arena_size", 2 * (uint64_t)l->pool_size,
	    1024 * (uint64_t)l->pool_size, &l->arena_size) != 0)
		return -1;
	if (l->arena_size % l->pool_size != 0)
		return bad(c, w, "arena_size", "expected a multiple of pool_size "
		    "(%u), got %u", l->pool_size, l->arena_size);
	if (get_u32(c, a, w, "alignment", 4, 256, &l->alignment) != 0)
		return -1;
	if (!is_pow2(l->alignment))
		return bad(c, w, "alignment", "expected a power of two, got %u",
		    l->alignment);
	if (get_u32(c, a, w, "pool_overhead", 0, l->pool_size / 2,
	    &l->pool_overhead) != 0 ||
	    get_u32(c, a, w, "size_classes", 1, HEAP_STATS_MAX_CLASSES,
	    &l->nclasses) != 0)
		return -1;
	if (heap_blocks_per_pool(l, l->nclasses - 1) == 0)
		return bad(c, w, "size_classes", "blocks of class %u (%u bytes) "
		    "do not fit a %u-byte pool", l->nclasses - 1,
		    heap_block_size(l, l->nclasses - 1), l->pool_size);
	if (heap_blocks_per_pool(l, 0) > UINT16_MAX)
		return bad(c, w, "alignment", "a pool would hold %u blocks of "
		    "%u bytes, more than a pool header can count",
		    heap_blocks_per_pool(l, 0), l->alignment);
	return get_u32(c, a, w, "arena_map_root_bytes", 0, UINT32_MAX,
	    &l->map_root_bytes) != 0 ||
	    get_u32(c, a, w, "arena_map_mid_bytes", 0, UINT32_MAX,
	    &l->map_mid_bytes) != 0 ||
	    get_u32(c, a, w, "arena_map_bot_bytes", 0, UINT32_MAX,
	    &l->map_bot_bytes) != 0 ? -1 : 0;
}

int
snapshot_read_header(struct snapshot_ctx *c, const cJSON *doc,
    struct snapshot_header *hd)
{
	const cJSON *it;

	memset(hd, 0, sizeof *hd);
	if ((it = get_typed(c, doc, "", "process", 0)) == NULL ||
	    read_process(c, it, &hd->process) != 0 ||
	    (it = get_typed(c, doc, "", "allocator", 0)) == NULL ||
	    read_allocator(c, it, &hd->layout) != 0) {
		snapshot_header_clear(hd);
		return -1;
	}
	return 0;
}

void
snapshot_header_clear(struct snapshot_header *hd)
{
	int i;

	free(hd->process.exe);
	free(hd->process.python);
	for (i = 0; hd->process.argv != NULL && hd->process.argv[i] != NULL; i++)
		free(hd->process.argv[i]);
	free(hd->process.argv);
	memset(hd, 0, sizeof *hd);
}

int
snapshot_read_frame_meta(struct snapshot_ctx *c, const cJSON *o, size_t frame,
    double prev_t, double *t, char **label, long *key)
{
	const cJSON *it;
	const char *s = NULL;
	uint64_t k = 0;

	*label = NULL;
	*key = -1;
	if (!cJSON_IsObject(o))
		return bad(c, "", NULL, "expected a frame (a JSON object), got %s",
		    kind(o));
	if (get_double(c, o, "", "t", prev_t, 1e9, t) != 0)
		return -1;
	it = cJSON_GetObjectItemCaseSensitive(o, "label");
	if (it != NULL && !cJSON_IsNull(it)) {
		if (get_string(c, o, "", "label", 0, SNAPSHOT_MAX_LABEL, &s) != 0)
			return -1;
		*label = xstrdup(s);
	}
	if (cJSON_GetObjectItemCaseSensitive(o, "key") == NULL)
		return 0;
	if (frame == 0) {
		free(*label);
		return bad(c, "", "key", "the first frame must be a full frame");
	}
	if (get_uint(c, o, "", "key", 0, frame - 1, &k) != 0) {
		free(*label);
		return -1;
	}
	*key = (long)k;
	return 0;
}

/* Counts bytes the heap being built will hold, against SNAPSHOT_MAX_HEAP. */
static int
spend(struct snapshot_ctx *c, size_t bytes)
{
	c->heap_bytes += bytes;
	if (c->heap_bytes > SNAPSHOT_MAX_HEAP)
		return bad(c, "", "arenas", "the frame's heap would take more "
		    "than %u MiB", SNAPSHOT_MAX_HEAP >> 20);
	return 0;
}

static int
read_state(struct snapshot_ctx *c, const cJSON *o, const char *where,
    enum pool_state *st)
{
	const char *s = NULL;
	char q[48];
	int i;

	if (get_string(c, o, where, "state", 0, 64, &s) != 0)
		return -1;
	for (i = 0; i < POOL_NSTATES; i++) {
		if (strcmp(s, heap_pool_state_name((enum pool_state)i)) == 0) {
			*st = (enum pool_state)i;
			return 0;
		}
	}
	return bad(c, where, "state", "expected full, used, empty, untouched or "
	    "invalid, got \"%s\"", quote(q, sizeof q, s));
}

/* A valid pool's header against its state (PYMALLOC.md). */
static int
check_pool(struct snapshot_ctx *c, const char *w, const struct heap_layout *l,
    const struct heap_pool *p)
{
	uint32_t size = heap_block_size(l, p->szidx);
	uint32_t cap = heap_blocks_per_pool(l, p->szidx), carved = 0;

	if (p->nextoffset != 0 && (p->nextoffset < l->pool_overhead ||
	    (p->nextoffset - l->pool_overhead) % size != 0))
		return bad(c, w, "nextoffset", "expected 0 or a block boundary "
		    "(%u + k * %u) up to %u, got %u", l->pool_overhead, size,
		    l->pool_size, p->nextoffset);
	if (p->nextoffset >= l->pool_overhead)
		carved = (p->nextoffset - l->pool_overhead) / size;
	if ((p->state == POOL_EMPTY || p->state == POOL_UNTOUCHED) &&
	    p->count != 0)
		return bad(c, w, "count", "expected 0 in an %s pool, got %u",
		    heap_pool_state_name(p->state), p->count);
	if (p->state == POOL_USED && (p->count == 0 || p->count > carved))
		return bad(c, w, "count", "expected 1 to %u in a used pool (the "
		    "blocks below nextoffset %u), got %u", carved, p->nextoffset,
		    p->count);
	if (p->state == POOL_FULL && p->count != cap)
		return bad(c, w, "count", "expected %u in a full pool of class "
		    "%u, got %u", cap, p->szidx, p->count);
	if (p->state == POOL_FULL && carved != cap)
		return bad(c, w, "nextoffset", "expected %u in a full pool (all "
		    "%u blocks carved), got %u", l->pool_overhead + cap * size,
		    cap, p->nextoffset);
	return 0;
}

/* Block states agree with the header: count allocated, and untouched
 * exactly from nextoffset on. */
static int
check_blocks(struct snapshot_ctx *c, const char *w, const struct heap_layout *l,
    const struct heap_pool *p, const uint32_t counts[3])
{
	uint32_t size = heap_block_size(l, p->szidx);
	uint32_t cap = heap_blocks_per_pool(l, p->szidx), i;
	uint64_t off;
	enum block_state s;

	if (counts[BLOCK_ALLOCATED] != p->count)
		return bad(c, w, "blocks", "%u blocks allocated, but count is %u",
		    counts[BLOCK_ALLOCATED], p->count);
	for (i = 0; i < cap; i++) {
		off = l->pool_overhead + (uint64_t)i * size;
		s = heap_blocks_get(p->blocks, i);
		if ((s == BLOCK_UNTOUCHED) != (off >= p->nextoffset))
			return bad(c, w, "blocks", "block %u (offset %" PRIu64
			    ") is %s, but nextoffset is %u", i, off,
			    s == BLOCK_UNTOUCHED ? "untouched" : "in use or free",
			    p->nextoffset);
	}
	return 0;
}

static int
read_blocks(struct snapshot_ctx *c, const cJSON *o, const char *w,
    const struct heap_layout *l, enum heap_level level, struct heap_pool *p)
{
	uint32_t counts[3], cap;
	char *why = NULL;
	const char *text = NULL;

	if (cJSON_GetObjectItemCaseSensitive(o, "blocks") == NULL)
		return 0;
	if (level != HEAP_LEVEL_BLOCKS)
		return bad(c, w, "blocks", "block states in a pool-level capture "
		    "(\"level\": \"pools\")");
	if (p->state != POOL_USED)
		return bad(c, w, "blocks", "block states in a %s pool (only used "
		    "pools store them)", heap_pool_state_name(p->state));
	if (get_string(c, o, w, "blocks", 0, SNAPSHOT_MAX_STRING, &text) != 0)
		return -1;
	cap = heap_blocks_per_pool(l, p->szidx);
	if (spend(c, (cap + 3) / 4) != 0)
		return -1;
	if (heap_rle_decode(text, cap, &p->blocks, counts, &why) != 0) {
		bad(c, w, "blocks", "%s", why);
		free(why);
		return -1;
	}
	if (check_blocks(c, w, l, p, counts) != 0) {
		free(p->blocks);
		p->blocks = NULL;
		return -1;
	}
	return 0;
}

/* The types of a pool's allocated blocks (snapshot_types.c), packed into
 * the pool; free and untouched blocks get raw. */
static int
read_pool_types(struct snapshot_ctx *c, const cJSON *o, const char *w,
    const struct heap *h, struct heap_pool *p)
{
	uint32_t cap = heap_blocks_per_pool(&h->layout, p->szidx), n = 0, i, k;
	const char *text = NULL;
	uint16_t *values, *all;
	char *why = NULL;

	if (cJSON_GetObjectItemCaseSensitive(o, "types") == NULL)
		return 0;
	if (h->ntypes == 0)
		return bad(c, w, "types", "block types, but the capture has no "
		    "type table (\"types\")");
	if (p->state != POOL_FULL && p->state != POOL_USED)
		return bad(c, w, "types", "block types in a%s %s pool (only full "
		    "and used pools store them)", p->state == POOL_EMPTY ||
		    p->state == POOL_UNTOUCHED || p->state == POOL_INVALID ?
		    "n" : "", heap_pool_state_name(p->state));
	if (get_string(c, o, w, "types", 0, SNAPSHOT_MAX_STRING, &text) != 0)
		return -1;
	for (i = 0; i < cap; i++)
		n += heap_block_state(h, p, i) == BLOCK_ALLOCATED;
	values = xcalloc(n ? n : 1, sizeof *values);
	if (snapshot_types_decode(text, n, h->ntypes, values, &why) != 0) {
		bad(c, w, "types", "%s", why);
		free(why);
		free(values);
		return -1;
	}
	all = xcalloc(cap ? cap : 1, sizeof *all);
	for (i = 0, k = 0; i < cap; i++)
		if (heap_block_state(h, p, i) == BLOCK_ALLOCATED)
			all[i] = values[k++];
	heap_pool_types_set(p, all, cap);
	free(all);
	free(values);
	/* what the model keeps: packed, mostly a few bits a block */
	return spend(c, heap_pool_types_bytes(p, cap));
}

/* One pool object into *p.  An INVALID pool's header is kept as captured,
 * within its C types, and never interpreted. */
static int
read_pool(struct snapshot_ctx *c, const cJSON *o, const char *w,
    const struct heap *h, struct heap_pool *p)
{
	const struct heap_layout *l = &h->layout;
	enum pool_state st = POOL_INVALID;
	uint64_t szidx = 0, count = 0, next = 0;
	int invalid;

	if (!cJSON_IsObject(o))
		return bad(c, w, NULL, "expected a pool (a JSON object), got %s",
		    kind(o));
	if (read_state(c, o, w, &st) != 0)
		return -1;
	invalid = st == POOL_INVALID;
	if (get_uint(c, o, w, "szidx", 0, invalid ? UINT8_MAX : l->nclasses - 1,
	    &szidx) != 0 ||
	    get_uint(c, o, w, "count", 0, invalid ? UINT16_MAX :
	    heap_blocks_per_pool(l, (unsigned)szidx), &count) != 0 ||
	    get_uint(c, o, w, "nextoffset", 0, invalid ? UINT32_MAX :
	    l->pool_size, &next) != 0)
		return -1;
	memset(p, 0, sizeof *p);
	p->state = (uint8_t)st;
	p->szidx = (uint8_t)szidx;
	p->count = (uint16_t)count;
	p->nextoffset = (uint32_t)next;
	if ((!invalid && check_pool(c, w, l, p) != 0) ||
	    read_blocks(c, o, w, l, h->level, p) != 0)
		return -1;
	if (read_pool_types(c, o, w, h, p) != 0) {
		free(p->blocks);
		p->blocks = NULL;
		heap_pool_types_free(p);
		return -1;
	}
	return 0;
}

/* What an arena's header fields must be, given the layout and its address. */
struct arena_head {
	uint32_t	index;
	uint64_t	address;
	uint64_t	pool_address;
	uint32_t	ntotalpools;
	uint32_t	nfreepools;
	uint32_t	npools;		/* pool slots from the address */
};

/*
 * The arena's counts against its slots.  An arena whose pools are all
 * INVALID is a table slot that failed validation (torn while read): its
 * counts are kept as captured, never interpreted, like an invalid pool's.
 */
static int
check_counts(struct snapshot_ctx *c, const char *w, const struct heap_arena *a)
{
	uint32_t p;

	for (p = 0; p < a->npools; p++)
		if (a->pools[p].state != POOL_INVALID)
			break;
	if (p == a->npools)
		return 0;
	if (a->ntotalpools != a->npools)
		return bad(c, w, "ntotalpools", "expected %u (the pool slots of "
		    "an arena at 0x%" PRIx64 "), got %u", a->npools, a->address,
		    a->ntotalpools);
	if (a->nfreepools > a->ntotalpools)
		return bad(c, w, "nfreepools", "expected at most ntotalpools "
		    "(%u), got %u", a->ntotalpools, a->nfreepools);
	return 0;
}

static int
read_arena_head(struct snapshot_ctx *c, const cJSON *o, const char *w,
    const struct heap_layout *l, struct arena_head *ah)
{
	uint64_t ps = l->pool_size, first, end;

	if (!cJSON_IsObject(o))
		return bad(c, w, NULL, "expected an arena (a JSON object), got %s",
		    kind(o));
	if (get_u32(c, o, w, "index", 0, UINT32_MAX, &ah->index) != 0 ||
	    get_address(c, o, w, "address", &ah->address) != 0)
		return -1;
	if (ah->address == 0 || ah->address > UINT64_MAX - l->arena_size)
		return bad(c, w, "address", "expected an arena that fits the "
		    "address space, got 0x%" PRIx64, ah->address);
	first = (ah->address + ps - 1) / ps * ps;
	end = ah->address + l->arena_size;
	ah->npools = (uint32_t)((end - first) / ps);
	if (get_u32(c, o, w, "ntotalpools", 0, UINT32_MAX,
	    &ah->ntotalpools) != 0 ||
	    get_u32(c, o, w, "nfreepools", 0, UINT32_MAX,
	    &ah->nfreepools) != 0 ||
	    get_address(c, o, w, "pool_address", &ah->pool_address) != 0)
		return -1;
	if (ah->pool_address < first || ah->pool_address > end ||
	    (ah->pool_address - first) % ps != 0)
		return bad(c, w, "pool_address", "expected a pool boundary from "
		    "0x%" PRIx64 " to 0x%" PRIx64 ", got 0x%" PRIx64, first, end,
		    ah->pool_address);
	return 0;
}

static struct heap_arena *
add_arena(struct snapshot_ctx *c, struct heap *h, const struct arena_head *ah)
{
	struct heap_arena *a;

	if (h->narenas >= MAX_ARENAS) {
		bad(c, "", "arenas", "more than %u arenas", MAX_ARENAS);
		return NULL;
	}
	if (spend(c, sizeof *a + (size_t)ah->npools *
	    sizeof(struct heap_pool)) != 0)
		return NULL;
	a = heap_add_arena(h, ah->index, ah->address, ah->npools);
	a->pool_address = ah->pool_address;
	a->ntotalpools = ah->ntotalpools;
	a->nfreepools = ah->nfreepools;
	return a;
}

/* A whole arena: its header and one pool object per slot. */
static int
read_arena(struct snapshot_ctx *c, const cJSON *o, const char *w,
    struct heap *h)
{
	const cJSON *pools, *it;
	struct arena_head ah;
	struct heap_arena *a;
	char where[64];
	uint32_t p = 0;
	int n;

	if (read_arena_head(c, o, w, &h->layout, &ah) != 0 ||
	    (pools = get_typed(c, o, w, "pools", 1)) == NULL)
		return -1;
	if ((n = cJSON_GetArraySize(pools)) < 0 || (uint32_t)n != ah.npools)
		return bad(c, w, "pools", "expected %u pools (the arena's slots), "
		    "got %d", ah.npools, n);
	if ((a = add_arena(c, h, &ah)) == NULL)
		return -1;
	cJSON_ArrayForEach(it, pools) {
		snprintf(where, sizeof where, "%s.pools[%u]", w, p);
		if (read_pool(c, it, where, h, &a->pools[p]) != 0)
			return -1;
		p++;
	}
	return check_counts(c, w, a);
}

const struct heap_arena *
snapshot_find_arena(const struct heap *h, uint64_t address)
{
	size_t lo = 0, hi = h->narenas, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (h->arenas[mid].address == address)
			return &h->arenas[mid];
		if (h->arenas[mid].address < address)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void
copy_pools(const struct heap_layout *l, struct heap_arena *a,
    const struct heap_arena *from)
{
	const struct heap_pool *fp;
	uint32_t p, cap;
	size_t n;

	for (p = 0; p < a->npools; p++) {
		fp = &from->pools[p];
		a->pools[p] = *fp;
		cap = heap_blocks_per_pool(l, fp->szidx);
		if (fp->blocks != NULL) {
			n = (cap + 3) / 4;
			a->pools[p].blocks = memcpy(xmalloc(n), fp->blocks, n);
		}
		heap_pool_types_copy(&a->pools[p], fp, cap);
	}
}

/* What copy_pools allocates for a's pools. */
static size_t
blocks_bytes(const struct heap_layout *l, const struct heap_arena *a)
{
	size_t n = 0, cap;
	uint32_t p;

	for (p = 0; p < a->npools; p++) {
		cap = heap_blocks_per_pool(l, a->pools[p].szidx);
		if (a->pools[p].blocks != NULL)
			n += (cap + 3) / 4;
		n += heap_pool_types_bytes(&a->pools[p], cap);
	}
	return n;
}

/* A delta entry: the key frame's arena at this address, with the pools in
 * "changes" (each naming its "slot", in increasing order) replaced. */
static int
read_changed_arena(struct snapshot_ctx *c, const cJSON *o, const char *w,
    struct heap *h, const struct heap *key)
{
	const struct heap_arena *ka;
	const cJSON *changes, *it;
	struct arena_head ah;
	struct heap_arena *a;
	struct heap_pool pool;
	char where[64];
	uint64_t slot = 0;
	long prev = -1;
	int i = 0;

	if (read_arena_head(c, o, w, &h->layout, &ah) != 0 ||
	    (changes = get_typed(c, o, w, "changes", 1)) == NULL)
		return -1;
	if ((ka = snapshot_find_arena(key, ah.address)) == NULL)
		return bad(c, w, "address", "no arena at 0x%" PRIx64 " in the key "
		    "frame to apply changes to", ah.address);
	if ((a = add_arena(c, h, &ah)) == NULL ||
	    spend(c, blocks_bytes(&h->layout, ka)) != 0)
		return -1;
	copy_pools(&h->layout, a, ka);
	cJSON_ArrayForEach(it, changes) {
		snprintf(where, sizeof where, "%s.changes[%d]", w, i++);
		if (!cJSON_IsObject(it))
			return bad(c, where, NULL, "expected a pool (a JSON "
			    "object), got %s", kind(it));
		if (get_uint(c, it, where, "slot", (uint64_t)(prev + 1),
		    a->npools - 1, &slot) != 0 ||
		    read_pool(c, it, where, h, &pool) != 0)
			return -1;
		free(a->pools[slot].blocks);
		free(a->pools[slot].tpack);
		a->pools[slot] = pool;
		prev = (long)slot;
	}
	return check_counts(c, w, a);
}

static int
copy_arena(struct snapshot_ctx *c, struct heap *h, const struct heap_arena *ka)
{
	struct arena_head ah = {
		.index = ka->index,
		.address = ka->address,
		.pool_address = ka->pool_address,
		.ntotalpools = ka->ntotalpools,
		.nfreepools = ka->nfreepools,
		.npools = ka->npools,
	};
	struct heap_arena *a;

	if ((a = add_arena(c, h, &ah)) == NULL ||
	    spend(c, blocks_bytes(&h->layout, ka)) != 0)
		return -1;
	copy_pools(&h->layout, a, ka);
	return 0;
}

/* "same": positions of the key frame's arenas kept unchanged. */
static int
read_same(struct snapshot_ctx *c, const cJSON *o, struct heap *h,
    const struct heap *key)
{
	const cJSON *same, *it;
	char where[32];
	uint64_t pos = 0;
	long prev = -1;
	int i = 0;

	if ((same = get_typed(c, o, "", "same", 1)) == NULL)
		return -1;
	cJSON_ArrayForEach(it, same) {
		snprintf(where, sizeof where, "same[%d]", i++);
		if (key->narenas == 0 || (size_t)(prev + 1) >= key->narenas)
			return bad(c, where, NULL, "the key frame has only %zu "
			    "arenas", key->narenas);
		if (check_uint(c, it, where, NULL, (uint64_t)(prev + 1),
		    key->narenas - 1, &pos) != 0 ||
		    copy_arena(c, h, &key->arenas[pos]) != 0)
			return -1;
		prev = (long)pos;
	}
	return 0;
}

/* One entry of "arenas" (the i-th, from 0), added to h in address order. */
static int
read_arenas_entry(struct snapshot_ctx *c, const cJSON *it, int i,
    struct heap *h, const struct heap *key, uint64_t *prev)
{
	char where[32];
	int rc;

	snprintf(where, sizeof where, "arenas[%d]", i);
	if (key != NULL && cJSON_IsObject(it) &&
	    cJSON_GetObjectItemCaseSensitive(it, "pools") == NULL)
		rc = read_changed_arena(c, it, where, h, key);
	else
		rc = read_arena(c, it, where, h);
	if (rc != 0)
		return -1;
	if (h->arenas[h->narenas - 1].address <= *prev && i > 0)
		return bad(c, where, "address", "expected arenas in increasing "
		    "address order, got 0x%" PRIx64 " after 0x%" PRIx64,
		    h->arenas[h->narenas - 1].address, *prev);
	*prev = h->arenas[h->narenas - 1].address;
	return 0;
}

/* The arenas handed over one at a time, each freed once read; errors
 * inside one name its line. */
static int
read_arenas_stream(struct snapshot_ctx *c, struct heap *h,
    const struct heap *key, const struct snapshot_arenas *stream)
{
	size_t line = c->line;
	uint64_t prev = 0;
	cJSON *it = NULL;
	int i = 0, r, rc = 0;

	while (rc == 0 && (r = stream->next(stream->arg, c, &it)) > 0) {
		rc = read_arenas_entry(c, it, i++, h, key, &prev);
		cJSON_Delete(it);
		it = NULL;
	}
	c->line = line;
	return rc != 0 || r < 0 ? -1 : 0;
}

static int
read_arenas(struct snapshot_ctx *c, const cJSON *o, struct heap *h,
    const struct heap *key, const struct snapshot_arenas *stream)
{
	const cJSON *arenas, *it;
	uint64_t prev = 0;
	int i = 0;

	if (stream != NULL && cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o,
	    "arenas")))
		return read_arenas_stream(c, h, key, stream);
	if ((arenas = get_typed(c, o, "", "arenas", 1)) == NULL)
		return -1;
	cJSON_ArrayForEach(it, arenas) {
		if (read_arenas_entry(c, it, i++, h, key, &prev) != 0)
			return -1;
	}
	return 0;
}

/* Pools below pool_address were carved; those above never were. */
static int
check_carved(struct snapshot_ctx *c, const struct heap *h,
    const struct heap_arena *a)
{
	uint32_t p;
	uint64_t addr;
	int carved;
	enum pool_state st;

	for (p = 0; p < a->npools; p++) {
		addr = heap_pool_address(h, a, p);
		carved = addr < a->pool_address;
		st = (enum pool_state)a->pools[p].state;
		if (carved ? st != POOL_UNTOUCHED :
		    (st == POOL_UNTOUCHED || st == POOL_INVALID))
			continue;
		return bad(c, "", "arenas", "the %s pool at 0x%" PRIx64 " (arena "
		    "0x%" PRIx64 ", slot %u) is %s pool_address 0x%" PRIx64,
		    heap_pool_state_name(st), addr, a->address, p,
		    carved ? "below" : "at or above", a->pool_address);
	}
	return 0;
}

static int
index_cmp(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	return a < b ? -1 : a > b;
}

/* Arenas sorted, apart, each slot's state consistent, indexes unique. */
static int
check_arenas(struct snapshot_ctx *c, const struct heap *h)
{
	const struct heap_arena *a = h->arenas;
	uint32_t *idx;
	size_t i;
	int rc = 0;

	for (i = 0; i < h->narenas; i++) {
		if (i > 0 && a[i].address - a[i - 1].address < h->layout.arena_size)
			return bad(c, "", "arenas", "the arena at 0x%" PRIx64
			    " overlaps the one at 0x%" PRIx64 " (arenas are %u "
			    "bytes)", a[i].address, a[i - 1].address,
			    h->layout.arena_size);
		if (check_carved(c, h, &a[i]) != 0)
			return -1;
	}
	idx = xcalloc(h->narenas, sizeof *idx);
	for (i = 0; i < h->narenas; i++)
		idx[i] = a[i].index;
	qsort(idx, h->narenas, sizeof *idx, index_cmp);
	for (i = 1; i < h->narenas && rc == 0; i++)
		if (idx[i] == idx[i - 1])
			rc = bad(c, "", "arenas", "two arenas have index %u",
			    idx[i]);
	free(idx);
	return rc;
}

static int
read_level(struct snapshot_ctx *c, const cJSON *o, enum heap_level *level)
{
	const char *s = NULL;
	char q[48];

	if (get_string(c, o, "", "level", 0, 64, &s) != 0)
		return -1;
	if (strcmp(s, "pools") == 0)
		*level = HEAP_LEVEL_POOLS;
	else if (strcmp(s, "blocks") == 0)
		*level = HEAP_LEVEL_BLOCKS;
	else
		return bad(c, "", "level", "expected \"pools\" or \"blocks\", got "
		    "\"%s\"", quote(q, sizeof q, s));
	return 0;
}

static int
read_counters(struct snapshot_ctx *c, const cJSON *o, struct heap_counters *k)
{
	const cJSON *it;

	if ((it = get_typed(c, o, "", "counters", 0)) == NULL)
		return -1;
	return get_count(c, it, "counters", "arenas_allocated_total", EXACT_MAX,
	    &k->arenas_allocated_total) != 0 ||
	    get_count(c, it, "counters", "arenas_highwater", EXACT_MAX,
	    &k->arenas_highwater) != 0 ||
	    get_count(c, it, "counters", "arena_map_mid_nodes", UINT32_MAX,
	    &k->map_mid_nodes) != 0 ||
	    get_count(c, it, "counters", "arena_map_bot_nodes", UINT32_MAX,
	    &k->map_bot_nodes) != 0 ||
	    (cJSON_GetObjectItemCaseSensitive(it, "debug_malloc_calls") != NULL &&
	    get_count(c, it, "counters", "debug_malloc_calls", EXACT_MAX,
	    &k->debug_malloc_calls) != 0) ? -1 : 0;
}

static int
get_bool(struct snapshot_ctx *c, const cJSON *o, const char *where,
    const char *key, int *v)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

	if (it == NULL)
		return bad(c, where, key, "missing: expected true or false");
	if (!cJSON_IsBool(it))
		return bad(c, where, key, "expected true or false, got %s",
		    kind(it));
	*v = cJSON_IsTrue(it);
	return 0;
}

/* One entry of a type table, appended to h's. */
static int
read_type(struct snapshot_ctx *c, const cJSON *it, const char *w,
    struct heap *h)
{
	const char *name = NULL;
	int gc = 0, heaptype = 0;
	char q[48];

	if (!cJSON_IsObject(it))
		return bad(c, w, NULL, "expected a type (a JSON object), got %s",
		    kind(it));
	if (get_string(c, it, w, "name", 0, MAX_NAME, &name) != 0 ||
	    get_bool(c, it, w, "gc", &gc) != 0 ||
	    get_bool(c, it, w, "heaptype", &heaptype) != 0)
		return -1;
	if (*name == '\0')
		return bad(c, w, "name", "expected a type name, got \"\"");
	if (h->ntypes == 0 && strcmp(name, HEAP_TYPE_RAW_NAME) != 0)
		return bad(c, w, "name", "expected \"" HEAP_TYPE_RAW_NAME "\" "
		    "(the first type stands for blocks without one), got \"%s\"",
		    quote(q, sizeof q, name));
	if (spend(c, sizeof *h->types + strlen(name) + 1) != 0)
		return -1;
	heap_type_add(h, name, (gc ? HEAP_TYPE_GC : 0) |
	    (heaptype ? HEAP_TYPE_HEAPTYPE : 0));
	return 0;
}

static const struct heap *names_heap;

static int
type_name_cmp(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	int d = strcmp(names_heap->types[a].name, names_heap->types[b].name);

	return d != 0 ? d : (a > b) - (a < b);
}

/* Names are unique: a block's type is found by name across frames.  Types
 * from first on were read from key's array. */
static int
check_type_names(struct snapshot_ctx *c, const struct heap *h, uint32_t first,
    const char *key)
{
	uint32_t *idx = xcalloc(h->ntypes ? h->ntypes : 1, sizeof *idx), i;
	char where[48], q[48];
	int rc = 0;

	for (i = 0; i < h->ntypes; i++)
		idx[i] = i;
	names_heap = h;
	qsort(idx, h->ntypes, sizeof *idx, type_name_cmp);
	names_heap = NULL;
	for (i = 1; i < h->ntypes && rc == 0; i++) {
		if (strcmp(h->types[idx[i]].name, h->types[idx[i - 1]].name) != 0)
			continue;
		snprintf(where, sizeof where, "%s[%u]", key, idx[i] - first);
		rc = bad(c, where, "name", "\"%s\" is already the name of "
		    "type %u", quote(q, sizeof q, h->types[idx[i]].name),
		    idx[i - 1]);
	}
	free(idx);
	return rc;
}

/* Appends the entries of the array o.key to h's table. */
static int
read_type_array(struct snapshot_ctx *c, const cJSON *o, const char *key,
    struct heap *h)
{
	const cJSON *arr, *it;
	uint32_t first = h->ntypes;
	char where[48];
	int n, i = 0;

	if ((arr = get_typed(c, o, "", key, 1)) == NULL)
		return -1;
	n = cJSON_GetArraySize(arr);
	if (first == 0 && n == 0)
		return bad(c, "", key, "expected at least the type \""
		    HEAP_TYPE_RAW_NAME "\", got an empty table");
	if ((uint64_t)first + (uint64_t)n > SNAPSHOT_MAX_TYPES)
		return bad(c, "", key, "a table of %" PRIu64 " types, more than "
		    "%u", (uint64_t)first + (uint64_t)n, SNAPSHOT_MAX_TYPES);
	cJSON_ArrayForEach(it, arr) {
		snprintf(where, sizeof where, "%s[%d]", key, i++);
		if (read_type(c, it, where, h) != 0)
			return -1;
	}
	return check_type_names(c, h, first, key);
}

/*
 * The type table: a snapshot's or full frame's "types"; a delta frame has
 * its key frame's, grown by its "types_added".
 */
static int
read_type_table(struct snapshot_ctx *c, const cJSON *o, struct heap *h,
    const struct heap *key)
{
	int has = cJSON_GetObjectItemCaseSensitive(o, "types") != NULL;
	int added = cJSON_GetObjectItemCaseSensitive(o, "types_added") != NULL;
	uint32_t i;

	if ((has || added) && h->level != HEAP_LEVEL_BLOCKS)
		return bad(c, "", has ? "types" : "types_added", "block types "
		    "need a block-level capture (\"level\": \"blocks\")");
	if (key == NULL) {
		if (added)
			return bad(c, "", "types_added", "only a delta frame "
			    "(with \"key\") adds types; expected \"types\"");
		return has ? read_type_array(c, o, "types", h) : 0;
	}
	if (has)
		return bad(c, "", "types", "a delta frame uses its key frame's "
		    "table: expected \"types_added\"");
	if (added && key->ntypes == 0)
		return bad(c, "", "types_added", "the key frame has no type "
		    "table to add to");
	for (i = 0; i < key->ntypes; i++)
		heap_type_add(h, key->types[i].name, key->types[i].flags);
	return added ? read_type_array(c, o, "types_added", h) : 0;
}

/* One value: its text is what heapview printed, printable ASCII. */
static int
read_value(struct snapshot_ctx *c, const cJSON *it, const char *w,
    struct heap *h)
{
	const char *text = NULL, *p;
	uint64_t addr = 0;
	uint32_t type = 0;

	if (!cJSON_IsObject(it))
		return bad(c, w, NULL, "expected a value (a JSON object), got %s",
		    kind(it));
	if (get_address(c, it, w, "address", &addr) != 0 ||
	    get_u32(c, it, w, "type", 0, h->ntypes - 1, &type) != 0 ||
	    get_string(c, it, w, "value", 0, HEAP_VALUE_MAX - 1, &text) != 0)
		return -1;
	for (p = text; *p != '\0'; p++) {
		if (*p < 0x20 || *p > 0x7e)
			return bad(c, w, "value", "expected printable ASCII, got "
			    "byte 0x%02x at offset %td", (unsigned char)*p,
			    p - text);
	}
	if (spend(c, sizeof *h->values + strlen(text) + 1) != 0)
		return -1;
	heap_value_add(h, addr, type, text);
	return 0;
}

/* "values": the objects of the pinned arenas by value (optional; files
 * made before it, or without --types, have none). */
static int
read_values(struct snapshot_ctx *c, const cJSON *o, struct heap *h)
{
	const cJSON *arr, *it;
	char where[48];
	int i = 0;

	if (cJSON_GetObjectItemCaseSensitive(o, "values") == NULL)
		return 0;
	if ((arr = get_typed(c, o, "", "values", 1)) == NULL)
		return -1;
	if (h->ntypes == 0)
		return bad(c, "", "values", "values of objects, but the capture "
		    "has no type table (\"types\")");
	h->has_values = 1;
	cJSON_ArrayForEach(it, arr) {
		snprintf(where, sizeof where, "values[%d]", i++);
		if (read_value(c, it, where, h) != 0)
			return -1;
	}
	heap_values_sort(h);
	return 0;
}

static int
read_time(struct snapshot_ctx *c, const cJSON *o, struct heap *h)
{
	const char *s = NULL;
	char q[48];

	if (get_string(c, o, "", "captured_at", 0, 64, &s) != 0)
		return -1;
	if (snapshot_parse_time(s, &h->captured_at) != 0)
		return bad(c, "", "captured_at", "expected an RFC 3339 time like "
		    "\"2024-05-01T12:00:00.000Z\", got \"%s\"",
		    quote(q, sizeof q, s));
	if (h->captured_at < 0 || h->captured_at > LAST_TIME)
		return bad(c, "", "captured_at", "expected a time from 1970 to "
		    "9999, got \"%s\"", quote(q, sizeof q, s));
	return get_double(c, o, "", "capture_ms", 0, 1e9, &h->capture_ms);
}

struct heap *
snapshot_read_body(struct snapshot_ctx *c, const cJSON *o,
    const struct snapshot_header *hd, int frame, const struct heap *key,
    const struct snapshot_arenas *stream)
{
	enum heap_level level = HEAP_LEVEL_POOLS;
	struct heap *h;

	c->heap_bytes = 0;
	if (read_level(c, o, &level) != 0)
		return NULL;
	if (key != NULL && key->level != level) {
		bad(c, "", "level", "expected \"%s\", the level of the key frame",
		    key->level == HEAP_LEVEL_BLOCKS ? "blocks" : "pools");
		return NULL;
	}
	h = heap_new(&hd->layout, level);
	snapshot_process_copy(&h->process, &hd->process);
	if (read_time(c, o, h) != 0 || read_counters(c, o, &h->counters) != 0 ||
	    (frame && get_uint(c, o, "", "rss_bytes", 0, EXACT_MAX,
	    &h->process.rss_bytes) != 0) ||
	    read_type_table(c, o, h, key) != 0 ||
	    (key != NULL && read_same(c, o, h, key) != 0) ||
	    read_arenas(c, o, h, key, stream) != 0 ||
	    read_values(c, o, h) != 0 || snapshot_read_resident(c, o, h) != 0 ||
	    snapshot_read_malloc(c, o, h, key) != 0)
		goto fail;
	heap_finish(h);
	if (check_arenas(c, h) != 0)
		goto fail;
	return h;
fail:
	heap_free(h);
	return NULL;
}

void
snapshot_process_copy(struct heap_process *to, const struct heap_process *from)
{
	int i;

	*to = *from;
	to->exe = from->exe != NULL ? xstrdup(from->exe) : NULL;
	to->python = from->python != NULL ? xstrdup(from->python) : NULL;
	to->argv = NULL;
	to->argc = 0;
	if (from->argv == NULL)
		return;
	for (i = 0; from->argv[i] != NULL; i++)
		continue;
	to->argv = xcalloc((size_t)i + 1, sizeof *to->argv);
	for (i = 0; from->argv[i] != NULL; i++)
		to->argv[i] = xstrdup(from->argv[i]);
	to->argc = i;
}

struct heap *
snapshot_heap_copy(const struct heap *from)
{
	struct heap *h = heap_new(&from->layout, from->level);
	const struct heap_arena *fa;
	struct heap_arena *a;
	size_t i;

	snapshot_process_copy(&h->process, &from->process);
	h->counters = from->counters;
	h->captured_at = from->captured_at;
	h->capture_ms = from->capture_ms;
	for (i = 0; i < from->ntypes; i++)
		heap_type_add(h, from->types[i].name, from->types[i].flags);
	for (i = 0; i < from->nvalues; i++)
		heap_value_add(h, from->values[i].address, from->values[i].type,
		    from->values[i].text);
	h->has_values = from->has_values;
	if (from->resident != NULL) {
		h->resident = xmalloc(sizeof *h->resident);
		*h->resident = *from->resident;
	}
	if (from->malloc_figures != NULL)
		h->malloc_figures = glibc_malloc_figures(from->malloc_figures);
	for (i = 0; i < from->narenas; i++) {
		fa = &from->arenas[i];
		a = heap_add_arena(h, fa->index, fa->address, fa->npools);
		a->pool_address = fa->pool_address;
		a->first_pool = fa->first_pool;
		a->ntotalpools = fa->ntotalpools;
		a->nfreepools = fa->nfreepools;
		copy_pools(&from->layout, a, fa);
	}
	return h;
}

/* A block's type value for comparing: raw without types, through map
 * (for indices below ntypes, which map covers) when given. */
static uint32_t
type_value(const struct heap_pool *p, uint32_t i, const uint16_t *map,
    uint32_t ntypes)
{
	uint32_t v;

	if (!p->typed)
		return HEAP_TYPE_RAW;
	v = heap_pool_type_value(p, i);
	if (map == NULL)
		return v;
	if (HEAP_TYPE_INDEX(v) >= ntypes)
		return HEAP_TYPE_RAW;
	return map[HEAP_TYPE_INDEX(v)] | (v & HEAP_TYPE_UNTRACKED);
}

/* The allocated blocks of a and b (states equal) have equal types. */
static int
types_equal(const struct heap *h, const struct heap_pool *a,
    const uint16_t *map, const struct heap_pool *b)
{
	uint32_t n, i;

	if ((!a->typed && !b->typed) || h->ntypes == 0)
		return 1;
	n = heap_blocks_per_pool(&h->layout, a->szidx);
	for (i = 0; i < n; i++) {
		if (heap_block_state(h, a, i) == BLOCK_ALLOCATED &&
		    type_value(a, i, map, h->ntypes) !=
		    type_value(b, i, NULL, 0))
			return 0;
	}
	return 1;
}

int
snapshot_pool_equal(const struct heap *h, const struct heap_pool *a,
    const uint16_t *map, const struct heap_pool *b)
{
	uint32_t n, i;

	if (a->state != b->state || a->szidx != b->szidx ||
	    a->count != b->count || a->nextoffset != b->nextoffset ||
	    (a->blocks == NULL) != (b->blocks == NULL))
		return 0;
	if (a->blocks == NULL)
		return types_equal(h, a, map, b);
	n = heap_blocks_per_pool(&h->layout, a->szidx);
	if (memcmp(a->blocks, b->blocks, n / 4) != 0)
		return 0;
	for (i = n / 4 * 4; i < n; i++)
		if (heap_blocks_get(a->blocks, i) != heap_blocks_get(b->blocks, i))
			return 0;
	return types_equal(h, a, map, b);
}
