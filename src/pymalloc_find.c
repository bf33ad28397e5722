/*
 * Finding pymalloc's state in a live process (DESIGN.md, "Finding the
 * allocator in a live process").
 *
 * With symbols: the statics of obmalloc.c (2.7, 3.6 - 3.11, .symtab), or the
 * struct _obmalloc_state (3.12+: obmalloc_state_main, or a scan of the
 * exported _PyRuntime for it).
 * Without symbols: pool headers validate strongly, so a scan of anonymous
 * writable memory at pool-aligned addresses finds some pools and their
 * arena indices; the arena table is the array whose slots cover those pools;
 * the word pointing at it in the interpreter's .data/.bss is `arenas`, and
 * the counters sit beside it.  Every candidate is checked against the
 * target's bytes; nothing found here is trusted without that check.
 */
#include "config.h"

#include "pymalloc_elf.h"
#include "pymalloc_internal.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define SAMPLE_MAX	16	/* pools kept from the scan */
#define SCAN_BATCH	4096	/* pool headers per read */
#define SCAN_MAX_BYTES	((uint64_t)64 << 30)	/* address space scanned */
#define MAP_MAX_NODES	64	/* radix nodes counted before giving up */

struct sample {
	uint64_t	pool;
	uint32_t	arenaindex;
};

/* A copy of the interpreter's writable ranges. */
struct wdata {
	uint64_t	 start[8];
	size_t		 len[8];
	uint8_t		*bytes[8];
	size_t		 n;
};

static int
is_rw(const struct source_region *r, size_t n, uint64_t addr, uint64_t len)
{
	const struct source_region *reg = source_region_find(r, n, addr);

	return reg != NULL && (reg->perms & (SOURCE_R | SOURCE_W)) ==
	    (SOURCE_R | SOURCE_W) && len <= reg->end - addr;
}

static int
valid_maxarenas(uint64_t m)
{
	uint64_t v;

	for (v = 16; v <= PY_MAX_ARENAS; v <<= 1)
		if (m == v)
			return 1;
	return 0;
}

/* ---- 3.12+: struct _obmalloc_state ------------------------------------ */

int
py_state_struct_valid(const struct heap_layout *l, uint64_t s, const uint8_t *b,
    size_t len)
{
	uint64_t arenas, maxarenas, current, ntimes, highwater;
	unsigned i, self = 0;

	if (len < PY_STATE_MAP_ROOT)
		return 0;
	/* usedpools[2i], [2i+1]: both &usedpools[2i] - 16 when class i has no
	 * used pool (a header overlaid on the array), else both pools. */
	for (i = 0; i < 32; i++) {
		uint64_t a = py_load64(b + 16 * i), c = py_load64(b + 16 * i + 8);
		uint64_t me = s + 16 * i - 16;

		if (a == me && c == me)
			self++;
		else if (a == 0 || c == 0 || a % l->pool_size != 0 ||
		    c % l->pool_size != 0)
			return 0;
	}
	arenas = py_load64(b + PY_STATE_ARENAS);
	maxarenas = py_load32(b + PY_STATE_MAXARENAS);
	current = py_load64(b + PY_STATE_CURRENT);
	ntimes = py_load64(b + PY_STATE_NTIMES);
	highwater = py_load64(b + PY_STATE_HIGHWATER);
	if (maxarenas == 0)
		return arenas == 0 && current == 0 && self == 32;
	return arenas != 0 && arenas % 8 == 0 && valid_maxarenas(maxarenas) &&
	    current <= highwater && highwater <= maxarenas && ntimes >= highwater;
}

static void
state_from_struct(struct py_state *st, uint64_t s)
{
	st->arenas_var = s + PY_STATE_ARENAS;
	st->maxarenas_var = s + PY_STATE_MAXARENAS;
	st->current_var = s + PY_STATE_CURRENT;
	st->ntimes_var = s + PY_STATE_NTIMES;
	st->highwater_var = s + PY_STATE_HIGHWATER;
	st->map_root = s + PY_STATE_MAP_ROOT;
	st->map_mid_var = st->map_root + 256 * 1024;
	st->map_bot_var = st->map_mid_var + 4;
}

static int
check_struct_at(struct source *src, const struct heap_layout *l, uint64_t s)
{
	uint8_t b[PY_STATE_MAP_ROOT];

	return source_read_exact(src, s, b, sizeof b, NULL) == 0 &&
	    py_state_struct_valid(l, s, b, sizeof b);
}

/* Finds the struct inside [start, start + len) by its usedpools pattern. */
static uint64_t
scan_for_struct(struct source *src, const struct heap_layout *l, uint64_t start,
    uint64_t len)
{
	uint8_t *b;
	uint64_t off, found = 0;
	struct source_read rd;

	if (len < PY_STATE_MAP_ROOT || len > ((uint64_t)64 << 20))
		return 0;
	b = xmalloc(len);
	rd = (struct source_read){ .addr = start, .buf = b, .len = len };
	if (source_read(src, &rd, 1, NULL) != 0)
		rd.got = 0;
	for (off = 0; off + PY_STATE_MAP_ROOT <= rd.got && found == 0; off += 8) {
		uint64_t s = start + off;

		if (py_load64(b + off + 16) != s ||	/* class 1 empty: self */
		    py_load64(b + off + 24) != s)
			continue;
		if (py_state_struct_valid(l, s, b + off, rd.got - off))
			found = s;
	}
	if (found == 0) {
		/* Class 1 in use: try every self pair. */
		for (off = 0; off + 16 <= rd.got && found == 0; off += 8) {
			uint64_t me = start + off - 16, s;
			unsigned i;

			if (py_load64(b + off) != me || py_load64(b + off + 8) != me)
				continue;
			for (i = 0; i < 32 && found == 0; i++) {
				if (off < 16 * (uint64_t)i)
					break;
				s = start + off - 16 * (uint64_t)i;
				if (off - 16 * i + PY_STATE_MAP_ROOT <= rd.got &&
				    py_state_struct_valid(l, s, b + off - 16 * i,
				    rd.got - (off - 16 * i)))
					found = s;
			}
		}
	}
	free(b);
	return found;
}

/* ---- with symbols ------------------------------------------------------ */

static int
find_by_symbols(struct source *src, const struct py_interp *pi,
    struct py_state *st)
{
	const struct heap_layout *l = &pi->layout->geometry;
	uint64_t s, size = 0;

	if (pi->layout->state_kind == PY_STATE_STRUCT) {
		s = py_interp_symbol(pi, "obmalloc_state_main", 0, NULL);
		if (s == 0 || !check_struct_at(src, l, s)) {
			s = py_interp_symbol(pi, "_PyRuntime", 0, &size);
			s = s != 0 ? scan_for_struct(src, l, s, size) : 0;
		}
		if (s == 0)
			return -1;
		state_from_struct(st, s);
		return 0;
	}
	st->arenas_var = py_interp_symbol(pi, "arenas", 0, NULL);
	st->maxarenas_var = py_interp_symbol(pi, "maxarenas", 0, NULL);
	if (st->arenas_var == 0 || st->maxarenas_var == 0)
		return -1;
	st->current_var = py_interp_symbol(pi, "narenas_currently_allocated", 0, NULL);
	st->ntimes_var = py_interp_symbol(pi, "ntimes_arena_allocated", 0, NULL);
	st->highwater_var = py_interp_symbol(pi, "narenas_highwater", 0, NULL);
	if (pi->layout->has_serialno)
		st->serialno_var = py_interp_symbol(pi, "serialno", 0, NULL);
	if (l->map_root_bytes != 0) {
		st->map_root = py_interp_symbol(pi, "arena_map_root", 0, NULL);
		st->map_mid_var = py_interp_symbol(pi, "arena_map_mid_count", 0, NULL);
		st->map_bot_var = py_interp_symbol(pi, "arena_map_bot_count", 0, NULL);
	}
	return 0;
}

/* ---- without symbols: pool scan ----------------------------------------- */

static int
scan_candidate_region(const struct source_region *r)
{
	return (r->perms & (SOURCE_R | SOURCE_W)) == (SOURCE_R | SOURCE_W) &&
	    r->inode == 0 && r->name[0] == '\0';
}

/* Reads pool headers at pool-aligned addresses of anonymous rw memory and
 * keeps up to SAMPLE_MAX valid carved pools, preferring distinct arenas. */
static size_t
scan_pools(struct source *src, const struct heap_layout *l,
    const struct source_region *r, size_t n, struct sample *out)
{
	struct source_read *rd = xcalloc(SCAN_BATCH, sizeof *rd);
	uint8_t *buf = xmalloc((size_t)SCAN_BATCH * PY_POOL_HEADER_SIZE);
	uint64_t scanned = 0, addr;
	size_t nout = 0, i, k, narenas_seen = 0;

	for (i = 0; i < n && nout < SAMPLE_MAX && scanned < SCAN_MAX_BYTES; i++) {
		if (!scan_candidate_region(&r[i]))
			continue;
		addr = (r[i].start + l->pool_size - 1) / l->pool_size * l->pool_size;
		while (addr + l->pool_size <= r[i].end && nout < SAMPLE_MAX) {
			size_t nb = 0;

			for (; nb < SCAN_BATCH && addr + l->pool_size <= r[i].end;
			    nb++, addr += l->pool_size) {
				rd[nb].addr = addr;
				rd[nb].buf = buf + nb * PY_POOL_HEADER_SIZE;
				rd[nb].len = PY_POOL_HEADER_SIZE;
			}
			scanned += (uint64_t)nb * l->pool_size;
			if (source_read(src, rd, nb, NULL) != 0)
				goto out;
			for (k = 0; k < nb && nout < SAMPLE_MAX; k++) {
				struct py_pool_header h;
				size_t j;
				int dup = 0;

				if (rd[k].got != PY_POOL_HEADER_SIZE)
					continue;
				py_decode_pool_header(rd[k].buf, &h);
				if (h.count == 0 || h.arenaindex >= PY_MAX_ARENAS ||
				    !py_pool_header_valid(l, &h, rd[k].addr))
					continue;
				for (j = 0; j < nout; j++)
					dup |= out[j].arenaindex == h.arenaindex;
				/* One pool per arena until eight arenas are seen. */
				if (dup && narenas_seen < 8)
					continue;
				narenas_seen += !dup;
				out[nout].pool = rd[k].addr;
				out[nout].arenaindex = h.arenaindex;
				nout++;
			}
		}
	}
out:
	free(rd);
	free(buf);
	return nout;
}

static void
wdata_read(struct source *src, const struct py_image *im, struct wdata *w)
{
	size_t i;

	memset(w, 0, sizeof *w);
	for (i = 0; i < im->nranges && w->n < HV_ARRAY_LEN(w->start); i++) {
		uint64_t len = im->range_end[i] - im->range_start[i];
		struct source_read rd;

		if (len == 0 || len > ((uint64_t)256 << 20))
			continue;
		w->start[w->n] = im->range_start[i];
		w->len[w->n] = (size_t)len;
		w->bytes[w->n] = xcalloc((size_t)len, 1);
		rd = (struct source_read){ .addr = im->range_start[i],
		    .buf = w->bytes[w->n], .len = (size_t)len };
		if (source_read(src, &rd, 1, NULL) != 0)
			rd.got = 0;
		w->len[w->n] = rd.got - rd.got % 8;
		w->n++;
	}
}

static void
wdata_free(struct wdata *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->bytes[i]);
}

static const uint8_t *
wdata_at(const struct wdata *w, uint64_t addr, size_t len)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (addr >= w->start[i] && addr - w->start[i] <= w->len[i] &&
		    len <= w->len[i] - (addr - w->start[i]))
			return w->bytes[i] + (addr - w->start[i]);
	return NULL;
}

/* maxarenas sits beside `arenas` (the uint right after it in struct
 * _obmalloc_mgmt; within two words of it among 2.7 - 3.11's statics): a
 * cheap local test that spares most candidates a read of the target. */
static int
maxarenas_beside(const struct wdata *w, uint64_t at, enum py_state_kind kind)
{
	static const int64_t statics[] = { -8, -16, 8, 16 };
	const uint8_t *q;
	size_t i;

	if (kind == PY_STATE_STRUCT)
		return (q = wdata_at(w, at + 8, 4)) != NULL &&
		    valid_maxarenas(py_load32(q));
	for (i = 0; i < HV_ARRAY_LEN(statics); i++)
		if ((q = wdata_at(w, at + (uint64_t)statics[i], 4)) != NULL &&
		    valid_maxarenas(py_load32(q)))
			return 1;
	return 0;
}

/* Does the table at t hold, for every sample, an arena covering its pool? */
static int
table_covers(struct source *src, const struct heap_layout *l, uint64_t t,
    const struct sample *s, size_t ns)
{
	struct source_read rd[SAMPLE_MAX];
	uint8_t b[SAMPLE_MAX][PY_ARENA_OBJECT_SIZE];
	size_t i;

	for (i = 0; i < ns; i++)
		rd[i] = (struct source_read){ .addr = t + (uint64_t)s[i].arenaindex *
		    PY_ARENA_OBJECT_SIZE, .buf = b[i], .len = PY_ARENA_OBJECT_SIZE };
	if (source_read(src, rd, ns, NULL) != 0)
		return 0;
	for (i = 0; i < ns; i++) {
		struct py_arena_object a;

		if (rd[i].got != PY_ARENA_OBJECT_SIZE)
			return 0;
		py_decode_arena_object(b[i], &a);
		if (!py_arena_object_valid(l, &a) || s[i].pool < a.address ||
		    s[i].pool >= a.address + l->arena_size ||
		    s[i].pool >= a.pool_address)
			return 0;
	}
	return 1;
}

/* Words of the interpreter's data that point at a table covering the
 * samples: candidates for `arenas`.  Returns how many (at most max). */
static size_t
find_table_pointers(struct source *src, const struct py_layout *pl,
    const struct wdata *w, const struct source_region *r, size_t n,
    const struct sample *s, size_t ns, uint64_t *out, size_t max)
{
	const struct heap_layout *l = &pl->geometry;
	size_t i, off, nout = 0;

	for (i = 0; i < w->n && nout < max; i++) {
		for (off = 0; off + 8 <= w->len[i] && nout < max; off += 8) {
			uint64_t t = py_load64(w->bytes[i] + off);
			uint64_t slot = t + (uint64_t)s[0].arenaindex *
			    PY_ARENA_OBJECT_SIZE;

			if (t == 0 || t % 8 != 0 || slot < t ||
			    !maxarenas_beside(w, w->start[i] + off, pl->state_kind) ||
			    !is_rw(r, n, slot, PY_ARENA_OBJECT_SIZE))
				continue;
			if (table_covers(src, l, t, s, ns))
				out[nout++] = w->start[i] + off;
		}
	}
	return nout;
}

/* Number of arena slots in use in the table (address != 0), or -1. */
static long
count_live_arenas(struct source *src, uint64_t t, uint32_t maxarenas)
{
	size_t len = (size_t)maxarenas * PY_ARENA_OBJECT_SIZE;
	uint8_t *b, last[8];
	long live = 0;
	uint32_t i;

	/* The end first: a word that only looks like maxarenas costs nothing. */
	if (source_read_exact(src, t + len - 8, last, 8, NULL) != 0)
		return -1;
	b = xmalloc(len);
	if (source_read_exact(src, t, b, len, NULL) != 0) {
		free(b);
		return -1;
	}
	for (i = 0; i < maxarenas; i++)
		live += py_load64(b + (size_t)i * PY_ARENA_OBJECT_SIZE) != 0;
	free(b);
	return live;
}

/*
 * 2.7 - 3.11 statics beside `arenas` (at w): maxarenas (a uint of 16 << k
 * within two words; in pyenv's 2.7.18 the word before it) and, from 3.6,
 * the size_t triple narenas_highwater, ntimes_arena_allocated,
 * narenas_currently_allocated, declared together and laid out together by
 * GCC with and without LTO.  The nearest triple consistent with the table
 * wins.  2.7 keeps the first two only in debug builds (PYMALLOC_DEBUG), so
 * its layout has no counters to look for.
 */
static int
find_statics(struct source *src, const struct py_interp *pi,
    const struct wdata *w, uint64_t at, struct py_state *st)
{
	static const int64_t max_off[] = { -8, -16, 8, 16 };
	const uint8_t *p;
	uint64_t t, m = 0, best = 0, bestd = UINT64_MAX;
	long live;
	int64_t d;
	size_t i;

	if ((p = wdata_at(w, at, 8)) == NULL)
		return -1;
	t = py_load64(p);
	for (i = 0; i < HV_ARRAY_LEN(max_off) && m == 0; i++) {
		const uint8_t *q = wdata_at(w, at + (uint64_t)max_off[i], 4);

		if (q != NULL && valid_maxarenas(py_load32(q))) {
			m = py_load32(q);
			st->maxarenas_var = at + (uint64_t)max_off[i];
		}
	}
	if (m == 0 || (live = count_live_arenas(src, t, (uint32_t)m)) < 0)
		return -1;
	st->arenas_var = at;
	if (!pi->layout->has_counters)
		return 0;
	for (d = -1024; d <= 1024; d += 8) {
		const uint8_t *q = wdata_at(w, at + (uint64_t)d, 24);
		uint64_t h, n, c, dist = (uint64_t)(d < 0 ? -d : d);

		if (q == NULL || d == 0)
			continue;
		h = py_load64(q);
		n = py_load64(q + 8);
		c = py_load64(q + 16);
		if (c == (uint64_t)live && h >= c && h <= m && n >= h &&
		    n < ((uint64_t)1 << 40) && dist < bestd) {
			best = at + (uint64_t)d;
			bestd = dist;
		}
	}
	if (best != 0) {
		st->highwater_var = best;
		st->ntimes_var = best + 8;
		st->current_var = best + 16;
		/* 3.6/3.7: the debug hooks' serialno is declared after the
		 * counters, two words below them. */
		if (pi->layout->has_serialno)
			st->serialno_var = best - 16;
	}
	return 0;
}

/* ---- radix tree of arenas (3.10, 3.11 statics) ------------------------- */

static unsigned
map_top_index(const struct py_layout *pl, uint64_t a)
{
	unsigned shift = pl->map_address_bits - pl->map_top_bits;

	if (pl->map_address_bits < 64)
		a &= ((uint64_t)1 << pl->map_address_bits) - 1;
	return (unsigned)(a >> shift) & ((1u << pl->map_top_bits) - 1);
}

static unsigned
map_mid_index(const struct py_layout *pl, uint64_t a)
{
	unsigned shift = pl->map_address_bits - pl->map_top_bits - pl->map_mid_bits;

	return (unsigned)(a >> shift) & ((1u << pl->map_mid_bits) - 1);
}

static unsigned
map_bot_index(const struct py_layout *pl, uint64_t a)
{
	unsigned shift = pl->map_address_bits - pl->map_top_bits -
	    pl->map_mid_bits - pl->map_bot_bits;

	return (unsigned)(a >> shift) & ((1u << pl->map_bot_bits) - 1);
}

/* Checks that the tree rooted at root marks the arena at a as used. */
static int
map_marks(struct source *src, const struct py_layout *pl, uint64_t root,
    uint64_t a)
{
	uint8_t b[8];
	uint64_t mid, bot, tail = a & (pl->geometry.arena_size - 1);
	int32_t hi;

	if (source_read_exact(src, root + 8 * (uint64_t)map_top_index(pl, a), b, 8,
	    NULL) != 0 || (mid = py_load64(b)) == 0 || mid % 8 != 0)
		return 0;
	if (source_read_exact(src, mid + 8 * (uint64_t)map_mid_index(pl, a), b, 8,
	    NULL) != 0 || (bot = py_load64(b)) == 0 || bot % 8 != 0)
		return 0;
	if (source_read_exact(src, bot + 8 * (uint64_t)map_bot_index(pl, a), b, 8,
	    NULL) != 0)
		return 0;
	hi = (int32_t)py_load32(b);
	return tail == 0 ? hi == -1 : (uint64_t)(int64_t)hi == tail;
}

/* Finds the root in the interpreter's data: an array of root size whose
 * entry for the first arena's top bits points at a tree marking it, with
 * few other entries. */
static uint64_t
find_map_root(struct source *src, const struct py_layout *pl,
    const struct wdata *w, const struct source_region *rg, size_t nrg,
    uint64_t arena)
{
	uint32_t entries = pl->geometry.map_root_bytes / 8;
	unsigned top = map_top_index(pl, arena);
	size_t i, j, tries = 0;

	for (i = 0; i < w->n; i++) {
		size_t words = w->len[i] / 8, nz;
		uint32_t *prefix;

		if (words < entries)
			continue;
		/* prefix[k]: nonzero words before word k. */
		prefix = xcalloc(words + 1, sizeof *prefix);
		for (j = 0; j < words; j++)
			prefix[j + 1] = prefix[j] +
			    (py_load64(w->bytes[i] + 8 * j) != 0);
		for (j = top; j + entries - top <= words && tries < 4096; j++) {
			size_t r = j - top;
			uint64_t mid = py_load64(w->bytes[i] + 8 * j);

			if (mid == 0 || mid % 8 != 0 ||
			    !is_rw(rg, nrg, mid, pl->geometry.map_mid_bytes))
				continue;
			nz = prefix[r + entries] - prefix[r];
			if (nz > MAP_MAX_NODES)
				continue;
			tries++;
			if (map_marks(src, pl, w->start[i] + 8 * r, arena)) {
				free(prefix);
				return w->start[i] + 8 * r;
			}
		}
		free(prefix);
	}
	return 0;
}

/*
 * Is candidate i shadowed by a later one holding the same table address?
 * unused_arena_objects holds it too when slot 0 was the last released
 * (obmalloc puts a freed slot at the head of that list), and it sits
 * beside maxarenas as well; among 2.7 - 3.11's statics `arenas` is laid
 * out after it (pyenv's builds and Debian's LTO build alike), so the later
 * word wins.  A wrong pick is caught at a later capture all the same: the
 * word moves while maxarenas does not (pymalloc_walk.c).
 */
static int
shadowed(const struct wdata *w, const uint64_t *cand, size_t nc, size_t i)
{
	const uint8_t *p = wdata_at(w, cand[i], 8), *q;
	size_t j;

	for (j = i + 1; p != NULL && j < nc; j++)
		if ((q = wdata_at(w, cand[j], 8)) != NULL &&
		    py_load64(q) == py_load64(p))
			return 1;
	return 0;
}

static int
find_by_scan(struct source *src, const struct py_interp *pi,
    const struct source_region *r, size_t n, struct py_state *st, char **cause)
{
	const struct heap_layout *l = &pi->layout->geometry;
	struct sample s[SAMPLE_MAX];
	uint64_t cand[16], t;
	struct wdata w;
	size_t ns, nc, i;
	int found = -1;

	ns = scan_pools(src, l, r, n, s);
	if (ns == 0)
		return util_cause(cause, "no pymalloc pool found in the process's "
		    "memory");
	wdata_read(src, &pi->image, &w);
	nc = find_table_pointers(src, pi->layout, &w, r, n, s, ns, cand,
	    HV_ARRAY_LEN(cand));
	for (i = 0; i < nc && found != 0; i++) {
		if (pi->layout->state_kind == PY_STATE_STRUCT) {
			if (cand[i] >= PY_STATE_ARENAS &&
			    check_struct_at(src, l, cand[i] - PY_STATE_ARENAS)) {
				state_from_struct(st, cand[i] - PY_STATE_ARENAS);
				found = 0;
			}
		} else if (!shadowed(&w, cand, nc, i)) {
			memset(st, 0, sizeof *st);
			found = find_statics(src, pi, &w, cand[i], st);
		}
	}
	if (found == 0 && pi->layout->state_kind == PY_STATE_STATICS &&
	    l->map_root_bytes != 0) {
		const uint8_t *p = wdata_at(&w, st->arenas_var, 8);
		uint8_t b[8];

		t = p != NULL ? py_load64(p) : 0;
		if (source_read_exact(src, t + (uint64_t)s[0].arenaindex *
		    PY_ARENA_OBJECT_SIZE, b, 8, NULL) == 0)
			st->map_root = find_map_root(src, pi->layout, &w, r, n,
			    py_load64(b));
	}
	wdata_free(&w);
	if (found != 0)
		return util_cause(cause, "found %zu pymalloc pools but not the "
		    "arena table that owns them", ns);
	return 0;
}

/* ---- a version with more than one geometry (2.7) ---------------------- */

#define AGREE_ARENAS	8	/* arenas whose pools are checked */
#define AGREE_POOLS	4	/* carved pools checked per arena */

/* usedpools holds two pointers per size class, the number of classes
 * rounded up to a multiple of 8. */
static int
usedpools_fits(const struct heap_layout *l, uint64_t size)
{
	return size == 2 * 8 * (uint64_t)((l->nclasses + 7) / 8 * 8);
}

/*
 * How many of the carved pools of the first arenas in the table validate
 * under l (pymalloc_pool.c's checks, which tie a header's maxnextoffset to
 * its size class: a header of one geometry never validates under the
 * other).  *tested: how many were read.
 */
static unsigned
pools_agree(struct source *src, const struct heap_layout *l,
    const struct py_state *st, unsigned *tested)
{
	uint8_t b[8], h[AGREE_POOLS][PY_POOL_HEADER_SIZE], *table;
	uint64_t t;
	uint32_t m, i, p, narenas = 0;
	unsigned ok = 0;

	*tested = 0;
	if (source_read_exact(src, st->arenas_var, b, 8, NULL) != 0)
		return 0;
	t = py_load64(b);
	if (source_read_exact(src, st->maxarenas_var, b, 4, NULL) != 0)
		return 0;
	m = py_load32(b);
	if (t == 0 || m == 0 || m > PY_MAX_ARENAS)
		return 0;
	table = xmalloc((size_t)m * PY_ARENA_OBJECT_SIZE);
	if (source_read_exact(src, t, table, (size_t)m * PY_ARENA_OBJECT_SIZE,
	    NULL) != 0)
		m = 0;
	for (i = 0; i < m && narenas < AGREE_ARENAS; i++) {
		struct py_arena_object a;
		uint64_t first;

		py_decode_arena_object(table + (size_t)i * PY_ARENA_OBJECT_SIZE, &a);
		if (!py_arena_object_valid(l, &a))
			continue;
		narenas++;
		first = (a.address + l->pool_size - 1) / l->pool_size * l->pool_size;
		for (p = 0; p < AGREE_POOLS &&
		    first + (uint64_t)(p + 1) * l->pool_size <= a.pool_address; p++) {
			struct py_pool_header hd;
			uint64_t pool = first + (uint64_t)p * l->pool_size;

			if (source_read_exact(src, pool, h[p], sizeof h[p], NULL) != 0)
				break;
			py_decode_pool_header(h[p], &hd);
			(*tested)++;
			ok += py_pool_state(l, &hd, pool, i) != POOL_INVALID;
		}
	}
	free(table);
	return ok;
}

/*
 * Settles the geometry of a version that has several: the first guess is
 * what the binary says (usedpools' size, with symbols), else the version's
 * patch level (py_interp_identify); the pool headers of the found table
 * decide between them -- the geometry under which most of them validate --
 * and a heap with no carved pool keeps the guess.
 */
static void
choose_geometry(struct source *src, struct py_interp *pi,
    const struct py_state *st, int use_symbols)
{
	const struct py_layout *first = py_layout_find(pi->major, pi->minor);
	const struct py_layout *l, *best = pi->layout;
	uint64_t size = 0;
	unsigned ok, tested, best_ok;

	if (first == NULL || py_layout_next(first) == NULL)
		return;
	if (use_symbols &&
	    py_interp_symbol(pi, "usedpools", 0, &size) != 0 && size != 0) {
		for (l = first; l != NULL; l = py_layout_next(l))
			if (usedpools_fits(&l->geometry, size))
				best = l;
	}
	best_ok = pools_agree(src, &best->geometry, st, &tested);
	for (l = first; l != NULL; l = py_layout_next(l)) {
		if (l == best)
			continue;
		ok = pools_agree(src, &l->geometry, st, &tested);
		if (ok > best_ok) {
			best = l;
			best_ok = ok;
		}
	}
	if (best != pi->layout)
		util_log("CPython %s: blocks aligned to %u bytes, %u size classes",
		    pi->version, best->geometry.alignment, best->geometry.nclasses);
	pi->layout = best;
}

/* The scan tries each geometry of the version, the likely one first: a
 * pool header validates under its own geometry only. */
static int
find_by_scan_any(struct source *src, struct py_interp *pi,
    const struct source_region *r, size_t n, struct py_state *st, char **cause)
{
	const struct py_layout *guess = pi->layout, *l;
	char *why = NULL;

	if (find_by_scan(src, pi, r, n, st, cause) == 0)
		return 0;
	for (l = py_layout_find(pi->major, pi->minor); l != NULL;
	    l = py_layout_next(l)) {
		if (l == guess)
			continue;
		pi->layout = l;
		memset(st, 0, sizeof *st);
		if (find_by_scan(src, pi, r, n, st, &why) == 0) {
			free(why);
			if (cause != NULL) {
				free(*cause);
				*cause = NULL;
			}
			return 0;
		}
		free(why);
		why = NULL;
	}
	pi->layout = guess;
	return -1;
}

int
py_find_state(struct source *src, struct py_interp *pi,
    const struct source_region *r, size_t n, int no_symbols,
    struct py_state *st, char **cause)
{
	memset(st, 0, sizeof *st);
	if (!no_symbols && find_by_symbols(src, pi, st) == 0) {
		st->method = "symbols";
		choose_geometry(src, pi, st, 1);
		util_log("allocator state from symbols: arenas at 0x%llx",
		    (unsigned long long)st->arenas_var);
		return 0;
	}
	memset(st, 0, sizeof *st);
	if (find_by_scan_any(src, pi, r, n, st, cause) != 0)
		return -1;
	choose_geometry(src, pi, st, 0);
	st->method = "scan";
	util_log("allocator state from a scan: arenas at 0x%llx, counters at "
	    "0x%llx, map root at 0x%llx", (unsigned long long)st->arenas_var,
	    (unsigned long long)st->highwater_var,
	    (unsigned long long)st->map_root);
	return 0;
}
