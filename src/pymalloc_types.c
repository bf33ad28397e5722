/*
 * Block-to-type attribution (--types), from outside the process.
 *
 * A pool read whole at block level holds its objects' headers: for every
 * allocated block, the object starts after the pre-header (3.11+) and the
 * PyGC_Head of a GC object (16 bytes from 3.8; 32 in 2.7 - 3.7, a union
 * padded to the size of a `long double` one), or at +0 (no GC), after the
 * 16-byte prefix of the debug hooks when they are on.  The probes go in that
 * order and the first one whose candidate type validates wins (PYMALLOC.md,
 * "Attributing a block to a Python type"): the candidate's refcount is
 * sane, the type object reads back with sane fields, its own type (the
 * metatype) is a subclass of type, the offset is the one the type's flags
 * imply, a GC object's PyGC_Head looks like one and its type's fixed size
 * fits the block.
 *
 * Type objects are read from the target in batches: a pass over a batch of
 * pools collects the candidates it has not seen, py_types_resolve() reads
 * them (then their metatypes, then their names), and the pass runs again.
 * After the first few pools nearly every candidate is a cache hit.  The
 * cache lives for one capture: a class freed in the target may leave its
 * address to another.
 *
 * A capture's reader threads each type their own arenas with a resolver of
 * their own (py_types_fork), whose type indices are its own.  Each resolver
 * notes where in the walk every one of its types was first met; the
 * capture then numbers the types in that order -- the order of the
 * blocks, whichever thread read them -- and renumbers the pools
 * (pymalloc_walk.c), so that the heap does not depend on the threads.
 * Two bounds are a resolver's own, so past them a block may be typed by
 * what its thread met before: more than MAX_ENTRIES candidates in a
 * capture, and metatypes chained deeper than RESOLVE_ROUNDS.
 */
#include "config.h"

#include "pymalloc_internal.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* PyTypeObject fields, the same offsets in 2.7 and every 3.x. */
#define TP_TYPE		8
#define TP_NAME		24
#define TP_BASICSIZE	32
#define TP_ITEMSIZE	40
#define TP_FLAGS	168
#define TP_READ		176

#define TPF_HEAPTYPE	(1ul << 9)
#define TPF_READY	(1ul << 12)
#define TPF_HAVE_GC	(1ul << 14)
#define TPF_TYPE_SUBCLASS (1ul << 31)

/* Longest tp_name kept, and a bound on distinct candidates per capture
 * (each costs a read of the target). */
#define NAME_MAX_LEN	120
#define MAX_ENTRIES	(1u << 18)
#define RESOLVE_ROUNDS	4
#define FRONT_SIZE	1024

struct front {
	uint64_t	addr;
	uint32_t	slot;
};

enum entry_state {
	E_EMPTY,
	E_PENDING,	/* seen, not read yet */
	E_READ,		/* fields sane; metatype not checked yet */
	E_TYPE,		/* a type, name not read yet */
	E_VALID,	/* a named type: index is its heap type */
	E_INVALID,
};

struct entry {
	uint64_t	addr;
	uint64_t	meta;
	uint64_t	name_ptr;
	uint64_t	basicsize;
	uint64_t	flags;
	uint32_t	index;
	uint8_t		state;
};

struct py_types {
	struct source		*src;
	struct heap		*heap;
	const struct py_layout	*layout;
	struct entry		*tab;
	size_t			 cap, used;
	/* The slot last found per hash of the address, before the table:
	 * a pool's candidates are mostly the same few hundred types. */
	struct front		 front[FRONT_SIZE];
	size_t			 npending;
	/* Arenas sorted by address: a type object is never inside one.  Their
	 * size is kept here: a resolver kept for values outlives its heap. */
	uint64_t		*arena_lo;
	size_t			 narenas;
	uint32_t		 arena_size;
	/* Writable mappings: where type objects live (.data, the C heap). */
	uint64_t		*rw_lo, *rw_hi;
	size_t			 nrw;
	uint64_t		 lo, hi;	/* their span */
	/* Names seen (a hash table of names_cap slots), to keep one heap
	 * type per name. */
	char			**names;
	uint32_t		*name_index;
	size_t			 names_cap, nnames;
	uint64_t		 dropped;	/* candidates over MAX_ENTRIES */
	uint64_t		 nread;		/* candidates read */
	/* Per type index: the walk position of the first block typed so
	 * (UINT64_MAX: none yet) and its type object's flags. */
	uint64_t		*first_at;
	uint64_t		*first_flags;
	size_t			 first_cap;
};

static size_t
hash_addr(uint64_t a, size_t cap)
{
	return (size_t)((a >> 3) * 0x9e3779b97f4a7c15ull >> 20) & (cap - 1);
}

static struct entry *
lookup(struct py_types *ty, uint64_t addr)
{
	size_t i = hash_addr(addr, ty->cap);

	while (ty->tab[i].state != E_EMPTY) {
		if (ty->tab[i].addr == addr)
			return &ty->tab[i];
		i = (i + 1) & (ty->cap - 1);
	}
	return &ty->tab[i];
}

static void
grow(struct py_types *ty)
{
	struct entry *old = ty->tab;
	size_t oldcap = ty->cap, i;

	ty->cap *= 2;
	ty->tab = xcalloc(ty->cap, sizeof *ty->tab);
	memset(ty->front, 0, sizeof ty->front);
	for (i = 0; i < oldcap; i++) {
		if (old[i].state != E_EMPTY)
			*lookup(ty, old[i].addr) = old[i];
	}
	free(old);
}

static int
in_sorted(const uint64_t *lo, const uint64_t *hi, size_t n, uint64_t span,
    uint64_t a)
{
	size_t l = 0, r = n;

	while (l < r) {
		size_t m = l + (r - l) / 2;

		if (a < lo[m])
			r = m;
		else if (a >= (hi != NULL ? hi[m] : lo[m] + span))
			l = m + 1;
		else
			return 1;
	}
	return 0;
}

/* A value worth reading as a type object: aligned, in writable memory of
 * the target, and not inside an arena (type objects never are). */
static int
plausible(const struct py_types *ty, uint64_t t)
{
	if (t == 0 || t % 8 != 0)
		return 0;
	if (!in_sorted(ty->rw_lo, ty->rw_hi, ty->nrw, 0, t) ||
	    !in_sorted(ty->rw_lo, ty->rw_hi, ty->nrw, 0, t + TP_READ - 1))
		return 0;
	return !in_sorted(ty->arena_lo, NULL, ty->narenas, ty->arena_size, t);
}

/* The cache entry for a candidate type address, added as pending when new;
 * NULL when the value cannot be a type. */
static struct entry *
candidate(struct py_types *ty, uint64_t t)
{
	struct front *f;
	struct entry *e;

	/* Most values seen are no pointer at all (hashes, lengths, text):
	 * turned away before the table, which they would only fill. */
	if (t % 8 != 0 || t < ty->lo || t >= ty->hi)
		return NULL;
	f = &ty->front[(t >> 4) % FRONT_SIZE];
	if (f->addr == t)
		return &ty->tab[f->slot];
	e = lookup(ty, t);
	if (e->state != E_EMPTY) {
		f->addr = t;
		f->slot = (uint32_t)(e - ty->tab);
		return e;
	}
	if (ty->used >= MAX_ENTRIES) {
		ty->dropped++;
		return NULL;
	}
	e->addr = t;
	e->state = plausible(ty, t) ? E_PENDING : E_INVALID;
	ty->npending += e->state == E_PENDING;
	ty->used++;
	if (ty->used * 2 > ty->cap) {
		grow(ty);
		e = lookup(ty, t);
	}
	return e;
}

static int
addr_cmp(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;

	return a < b ? -1 : a > b;
}

static struct py_types *
types_alloc(struct source *src, const struct py_layout *layout,
    struct heap *h)
{
	struct py_types *ty = xcalloc(1, sizeof *ty);

	ty->src = src;
	ty->heap = h;
	ty->arena_size = h->layout.arena_size;
	ty->layout = layout;
	ty->cap = 4096;
	ty->tab = xcalloc(ty->cap, sizeof *ty->tab);
	return ty;
}

struct py_types *
py_types_new(struct source *src, const struct py_layout *layout,
    struct heap *h)
{
	struct py_types *ty = types_alloc(src, layout, h);
	struct source_region *r;
	size_t n, i;

	ty->arena_lo = xcalloc(h->narenas + 1, sizeof *ty->arena_lo);
	for (i = 0; i < h->narenas; i++)
		ty->arena_lo[i] = h->arenas[i].address;
	ty->narenas = h->narenas;
	qsort(ty->arena_lo, ty->narenas, sizeof *ty->arena_lo, addr_cmp);
	if (source_regions(src, &r, &n, NULL) == 0) {
		ty->rw_lo = xcalloc(n + 1, sizeof *ty->rw_lo);
		ty->rw_hi = xcalloc(n + 1, sizeof *ty->rw_hi);
		for (i = 0; i < n; i++) {
			if ((r[i].perms & (SOURCE_R | SOURCE_W)) !=
			    (SOURCE_R | SOURCE_W))
				continue;
			/* Adjacent mappings merge, so a type may straddle them. */
			if (ty->nrw > 0 && ty->rw_hi[ty->nrw - 1] == r[i].start) {
				ty->rw_hi[ty->nrw - 1] = r[i].end;
				continue;
			}
			ty->rw_lo[ty->nrw] = r[i].start;
			ty->rw_hi[ty->nrw++] = r[i].end;
		}
		source_regions_free(r, n);
	} else {
		util_log("types: the target's mappings cannot be read; every "
		    "block will be raw");
	}
	if (ty->nrw > 0) {
		ty->lo = ty->rw_lo[0];
		ty->hi = ty->rw_hi[ty->nrw - 1];
	}
	heap_types_init(h);
	return ty;
}

static uint64_t *
copy_u64(const uint64_t *v, size_t n)
{
	uint64_t *c = xcalloc(n + 1, sizeof *c);

	if (n > 0)
		memcpy(c, v, n * sizeof *c);
	return c;
}

struct py_types *
py_types_fork(const struct py_types *parent, struct heap *h)
{
	struct py_types *ty = types_alloc(parent->src, parent->layout, h);

	ty->arena_lo = copy_u64(parent->arena_lo, parent->narenas);
	ty->narenas = parent->narenas;
	ty->rw_lo = copy_u64(parent->rw_lo, parent->nrw);
	ty->rw_hi = copy_u64(parent->rw_hi, parent->nrw);
	ty->nrw = parent->nrw;
	ty->lo = parent->lo;
	ty->hi = parent->hi;
	heap_types_init(h);
	return ty;
}

void
py_types_free(struct py_types *ty)
{
	size_t i;

	if (ty == NULL)
		return;
	/* Not through ty->heap: a resolver kept for values outlives its
	 * heap (pymalloc_walk.c frees it at the next capture). */
	util_log("types: %zu candidates, %llu read, %zu names", ty->used,
	    (unsigned long long)ty->nread, ty->nnames);
	if (ty->dropped > 0)
		util_log("types: %llu candidate types not read (over %u)",
		    (unsigned long long)ty->dropped, MAX_ENTRIES);
	for (i = 0; i < ty->names_cap; i++)
		free(ty->names[i]);
	free(ty->names);
	free(ty->name_index);
	free(ty->tab);
	free(ty->arena_lo);
	free(ty->rw_lo);
	free(ty->rw_hi);
	free(ty->first_at);
	free(ty->first_flags);
	free(ty);
}

/* One batched read for every entry in a state: of its type object, or of
 * its name. */
struct batch {
	size_t			 n;
	struct entry		**which;
	struct source_read	*rd;	/* rd[i].buf: len bytes, then a NUL */
	uint8_t			*buf;
};

static int
batch_read(struct py_types *ty, enum entry_state state, int names,
    size_t len, struct batch *b, char **cause)
{
	size_t i, n = 0;

	for (i = 0; i < ty->cap; i++)
		n += ty->tab[i].state == state;
	b->which = xcalloc(n + 1, sizeof *b->which);
	b->rd = xcalloc(n + 1, sizeof *b->rd);
	b->buf = xcalloc(n + 1, len + 1);
	b->n = 0;
	for (i = 0; i < ty->cap && b->n < n; i++) {
		struct entry *e = &ty->tab[i];

		if (e->state != state)
			continue;
		b->which[b->n] = e;
		b->rd[b->n] = (struct source_read){
		    .addr = names ? e->name_ptr : e->addr,
		    .buf = b->buf + b->n * (len + 1), .len = len };
		b->n++;
	}
	return b->n == 0 ? 0 : source_read(ty->src, b->rd, b->n, cause);
}

static void
batch_free(struct batch *b)
{
	free(b->which);
	free(b->rd);
	free(b->buf);
}

/* Reads the pending candidates' type objects; sanity-checks them. */
static int
read_types(struct py_types *ty, char **cause)
{
	struct batch b;
	size_t i;
	int rc;

	rc = batch_read(ty, E_PENDING, 0, TP_READ, &b, cause);
	ty->npending = 0;
	ty->nread += b.n;
	for (i = 0; i < b.n; i++) {
		struct entry *e = b.which[i];
		const uint8_t *p = b.rd[i].buf;
		uint64_t itemsize;

		e->state = E_INVALID;
		if (rc != 0 || b.rd[i].got != TP_READ)
			continue;
		e->meta = py_load64(p + TP_TYPE);
		e->name_ptr = py_load64(p + TP_NAME);
		e->basicsize = py_load64(p + TP_BASICSIZE);
		itemsize = py_load64(p + TP_ITEMSIZE);
		e->flags = py_load64(p + TP_FLAGS);
		if (e->meta == 0 || e->meta % 8 != 0 || e->name_ptr == 0 ||
		    e->basicsize < 16 || e->basicsize > (1u << 24) ||
		    itemsize > (1u << 16) || !(e->flags & TPF_READY))
			continue;
		e->state = E_READ;
	}
	batch_free(&b);
	return rc;
}

/* Entries whose fields are sane become types when their metatype is a
 * subclass of type (TYPE_SUBCLASS; that the metatype is itself a type
 * follows from the same flag); unseen metatypes become pending.  Returns
 * whether any entry still waits on its metatype. */
static int
check_metatypes(struct py_types *ty)
{
	uint64_t *metas = xcalloc(ty->used + 1, sizeof *metas);
	size_t n = 0, i;
	int waiting = 0;

	for (i = 0; i < ty->cap; i++) {
		if (ty->tab[i].state == E_READ)
			metas[n++] = ty->tab[i].meta;
	}
	/* Added first: adding may regrow the table. */
	for (i = 0; i < n; i++)
		candidate(ty, metas[i]);
	free(metas);
	for (i = 0; i < ty->cap; i++) {
		struct entry *e = &ty->tab[i], *m;

		if (e->state != E_READ)
			continue;
		m = lookup(ty, e->meta);
		if (m->state == E_PENDING)
			waiting = 1;
		else if (m->state == E_EMPTY || m->state == E_INVALID ||
		    !(m->flags & TPF_TYPE_SUBCLASS))
			e->state = E_INVALID;
		else
			e->state = E_TYPE;
	}
	return waiting;
}

/* A tp_name as heapview shows it: printable, no spaces, NUL within bounds. */
static int
name_valid(const char *b, size_t got)
{
	size_t i;

	for (i = 0; i < got && b[i] != '\0'; i++) {
		unsigned char c = (unsigned char)b[i];

		if (c <= 0x20 || c == 0x7f)
			return 0;
	}
	return i > 0 && i < got;
}

static size_t
hash_name(const char *s, size_t cap)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return (size_t)h & (cap - 1);
}

/* Room for one more name in the table of names. */
static void
names_reserve(struct py_types *ty)
{
	char **old = ty->names;
	uint32_t *oldidx = ty->name_index;
	size_t oldcap = ty->names_cap, i, k;

	if (ty->nnames * 2 < ty->names_cap)
		return;
	ty->names_cap = oldcap ? oldcap * 2 : 256;
	ty->names = xcalloc(ty->names_cap, sizeof *ty->names);
	ty->name_index = xcalloc(ty->names_cap, sizeof *ty->name_index);
	for (i = 0; i < oldcap; i++) {
		if (old[i] == NULL)
			continue;
		k = hash_name(old[i], ty->names_cap);
		while (ty->names[k] != NULL)
			k = (k + 1) & (ty->names_cap - 1);
		ty->names[k] = old[i];
		ty->name_index[k] = oldidx[i];
	}
	free(old);
	free(oldidx);
}

/* The slot of a name in the table of names: its own, or the empty one
 * where it would go. */
static size_t
names_slot(const struct py_types *ty, const char *name)
{
	size_t k = hash_name(name, ty->names_cap);

	while (ty->names[k] != NULL && strcmp(ty->names[k], name) != 0)
		k = (k + 1) & (ty->names_cap - 1);
	return k;
}

/* Type index idx is known: where it was first met, none yet. */
static void
first_reserve(struct py_types *ty, uint32_t idx)
{
	size_t cap = ty->first_cap, i;

	if (idx < cap)
		return;
	ty->first_cap = HV_MAX((size_t)idx + 1, cap ? 2 * cap : 256);
	ty->first_at = xreallocarray(ty->first_at, ty->first_cap,
	    sizeof *ty->first_at);
	ty->first_flags = xreallocarray(ty->first_flags, ty->first_cap,
	    sizeof *ty->first_flags);
	for (i = cap; i < ty->first_cap; i++) {
		ty->first_at[i] = UINT64_MAX;
		ty->first_flags[i] = 0;
	}
}

/* heapview's flags of a type object's. */
static uint32_t
heap_flags(uint64_t tpflags)
{
	return ((tpflags & TPF_HAVE_GC) ? HEAP_TYPE_GC : 0) |
	    ((tpflags & TPF_HEAPTYPE) ? HEAP_TYPE_HEAPTYPE : 0);
}

/* The heap type of a name: classes of the same name share one (the flags
 * of the first one seen; a capture keeps those of the first one its walk
 * met, py_types_first). */
static uint32_t
name_to_index(struct py_types *ty, const char *name, uint64_t tpflags)
{
	uint32_t idx;
	size_t k;

	names_reserve(ty);
	k = names_slot(ty, name);
	if (ty->names[k] != NULL)
		return ty->name_index[k];
	idx = heap_type_add(ty->heap, name, heap_flags(tpflags));
	ty->names[k] = xstrdup(name);
	ty->name_index[k] = idx;
	ty->nnames++;
	first_reserve(ty, idx);
	return idx;
}

/* Reads the names of the entries that are types; a type whose name does not
 * read back as one is not a type after all.  A name near the end of a
 * mapping reads short (got): its NUL must then come before the end. */
static int
read_names(struct py_types *ty, char **cause)
{
	struct batch b;
	size_t i;
	int rc;

	rc = batch_read(ty, E_TYPE, 1, NAME_MAX_LEN, &b, cause);
	for (i = 0; i < b.n; i++) {
		struct entry *e = b.which[i];
		const char *name = b.rd[i].buf;

		e->state = E_INVALID;
		if (rc != 0 || !name_valid(name, b.rd[i].got))
			continue;
		e->index = name_to_index(ty, name, e->flags);
		e->state = e->index == HEAP_TYPE_RAW ? E_INVALID : E_VALID;
	}
	batch_free(&b);
	return rc;
}

int
py_types_resolve(struct py_types *ty, char **cause)
{
	int round;
	size_t i;

	for (round = 0; round < RESOLVE_ROUNDS && ty->npending > 0; round++) {
		if (read_types(ty, cause) != 0)
			return -1;
		if (!check_metatypes(ty))
			break;
	}
	/* What is still undecided after the rounds is not a type. */
	for (i = 0; i < ty->cap; i++) {
		if (ty->tab[i].state == E_PENDING || ty->tab[i].state == E_READ)
			ty->tab[i].state = E_INVALID;
	}
	ty->npending = 0;
	return read_names(ty, cause);
}

size_t
py_types_pending(const struct py_types *ty)
{
	return ty->npending;
}

/* The debug hooks' 16-byte prefix: big-endian size, then the API id (3.6+)
 * and guard bytes up to 16 (0xFB before 3.7, 0xFD since). */
static int
debug_prefix(const struct py_layout *l, const uint8_t *b, uint32_t size,
    uint8_t *api, uint64_t *req)
{
	int i, first = l->debug_has_api ? 9 : 8;

	if (size < 32)
		return 0;
	for (i = first; i < 16; i++) {
		if (b[i] != l->debug_byte)
			return 0;
	}
	*api = l->debug_has_api ? b[8] : 'o';
	if (*api != 'o' && *api != 'm' && *api != 'r')
		return 0;
	*req = 0;
	for (i = 0; i < 8; i++)
		*req = *req << 8 | b[i];
	return 1;
}

static int
refcnt_sane(const struct py_layout *l, uint64_t rc)
{
	if (l->immortal)	/* 3.12+: 32-bit count, flags in the top bits */
		return (uint32_t)rc != 0 && (rc >> 32 & 0xffff) == 0;
	return rc != 0 && rc < (1ull << 40);
}

static int
pointer_like(uint64_t v)
{
	return v >= 4096 && v < (1ull << 56) && v % 8 == 0;
}

/*
 * The PyGC_Head in front of a candidate GC object: 1 tracked (its links are
 * pointers), 0 untracked (untracked objects and those on free lists), -1
 * not a GC head -- e.g. the first fields of a tuple whose first item is a
 * class, seen through the +32 probe.  3.8+ clears the next link of an
 * untracked object and keeps two flag bits in the low bits of the previous
 * one (3.14 one more in the next link); before, gc_refs says -2 and the
 * links are left stale.
 */
static int
gc_head_state(const struct py_layout *l, const uint8_t *g)
{
	uint64_t next = py_load64(g), prev = py_load64(g + 8);
	int64_t refs;

	if (l->gc_refs_untracked) {
		refs = (int64_t)py_load64(g + 16) >> l->gc_refs_shift;
		if (refs == -2)
			return 0;
		/* Tracked: reachable (-3), tentatively unreachable (-4), or
		 * a count while a collection runs. */
		if ((refs != -3 && refs != -4 && (refs < 0 || refs > INT32_MAX)))
			return -1;
	} else {
		/* Flags in the low bits: 3.14's old-space bit and, while a
		 * collection runs, the unreachable mark in the next link. */
		prev &= ~(uint64_t)3;
		if (next == 0)
			return prev == 0 ? 0 : -1;
		next &= ~(uint64_t)7;
	}
	return pointer_like(next) && pointer_like(prev) ? 1 : -1;
}

/*
 * The type value of one allocated block: a heap type index (with
 * HEAP_TYPE_UNTRACKED for an untracked GC object) or HEAP_TYPE_RAW.  Sets
 * *unknown when a probe met a candidate not read yet: the block is decided
 * on the next pass.
 */
static uint16_t
attribute_block(struct py_types *ty, const uint8_t *b, uint32_t size,
    int *unknown, uint32_t *obj_off, uint32_t *obj_avail, uint64_t *obj_tpf)
{
	const struct py_layout *l = ty->layout;
	uint32_t gc = l->gc_head_size, pre = l->preheader_size;
	uint32_t probes[3], np = 0, k, avail = size, skip = 0;
	uint64_t req;
	uint8_t api;

	if (debug_prefix(l, b, size, &api, &req)) {
		if (api != 'o')
			return HEAP_TYPE_RAW;
		b += 16;
		skip = 16;
		avail = (uint32_t)HV_MIN(req, (uint64_t)size - 24);
	}
	if (pre != 0)
		probes[np++] = gc + pre;
	probes[np++] = gc;
	probes[np++] = 0;
	for (k = 0; k < np; k++) {
		uint32_t off = probes[k];
		int want_gc = off != 0, want_pre, tracked = 1;
		struct entry *e;
		uint64_t tpf;
		uint16_t v;

		/* The cheap checks first: most probes fail them and never
		 * reach the cache. */
		if (off + 16 > avail || !refcnt_sane(l, py_load64(b + off)))
			continue;
		if (want_gc && (tracked = gc_head_state(l, b + off - gc)) < 0)
			continue;
		e = candidate(ty, py_load64(b + off + 8));
		if (e == NULL || e->state == E_INVALID)
			continue;
		if (e->state != E_VALID) {
			/* Decided on the next pass; the later probes' candidates
			 * are gathered now so that one read serves them all. */
			*unknown = 1;
			continue;
		}
		if (*unknown)
			continue;
		tpf = e->flags;
		want_pre = pre != 0 && off == gc + pre;
		/* The fixed size must fit, except for str: a compact string
		 * is smaller than tp_basicsize says (PyUnicodeObject). */
		if (!!(tpf & TPF_HAVE_GC) != want_gc ||
		    (want_gc && !!(tpf & l->preheader_flags) != want_pre) ||
		    (want_gc && e->basicsize + off > avail))
			continue;
		v = (uint16_t)e->index;
		/* Immortal GC objects (3.12's built-in types' __mro__ tuples)
		 * sit in the permanent generation: the collector never walks
		 * them and gc.get_objects() does not list them. */
		if (want_gc && (!tracked || (l->immortal &&
		    (int32_t)py_load64(b + off) < 0)))
			v |= HEAP_TYPE_UNTRACKED;
		*obj_off = skip + off;
		*obj_avail = avail - off;
		*obj_tpf = tpf;
		return v;
	}
	return HEAP_TYPE_RAW;
}

size_t
py_types_pool(struct py_types *ty, struct heap_pool *pool, const uint8_t *buf,
    uint64_t where)
{
	const struct heap_layout *g = &ty->heap->layout;
	uint16_t stack[1024], *v;
	uint32_t size, n, i;
	size_t unknown = 0;

	if (pool->state != POOL_FULL && pool->state != POOL_USED)
		return 0;
	size = heap_block_size(g, pool->szidx);
	n = heap_blocks_per_pool(g, pool->szidx);
	/* typed here, kept packed (a pass after the first starts from the
	 * values the last one packed) */
	v = n <= 1024 ? stack : xmalloc((size_t)n * sizeof *v);
	heap_pool_types_get(pool, v, n);
	for (i = 0; i < n; i++) {
		uint32_t off = g->pool_overhead + i * size;
		uint32_t o, avail, t;
		uint64_t tpf;
		int u = 0;

		if (off >= pool->nextoffset)
			break;
		if (pool->blocks != NULL &&
		    heap_blocks_get(pool->blocks, i) != BLOCK_ALLOCATED)
			continue;
		v[i] = attribute_block(ty, buf + off, size, &u, &o, &avail,
		    &tpf);
		unknown += (size_t)u;
		/* A block typed is typed for good: later passes agree. */
		t = HEAP_TYPE_INDEX(v[i]);
		if (t != HEAP_TYPE_RAW && t < ty->first_cap &&
		    where + i < ty->first_at[t]) {
			ty->first_at[t] = where + i;
			ty->first_flags[t] = tpf;
		}
	}
	heap_pool_types_set(pool, v, n);
	if (v != stack)
		free(v);
	return unknown;
}

int
py_types_locate(struct py_types *ty, const uint8_t *block, uint32_t size,
    uint32_t *type, uint32_t *off, uint32_t *avail)
{
	uint64_t tpf;
	uint16_t v;
	int unknown = 0;

	v = attribute_block(ty, block, size, &unknown, off, avail, &tpf);
	if (unknown || HEAP_TYPE_INDEX(v) == HEAP_TYPE_RAW)
		return -1;
	*type = HEAP_TYPE_INDEX(v);
	return 0;
}

const char *
py_types_name(const struct py_types *ty, uint32_t t)
{
	size_t k;

	for (k = 0; k < ty->names_cap; k++) {
		if (ty->names[k] != NULL && ty->name_index[k] == t)
			return ty->names[k];
	}
	return NULL;
}

void
py_types_rebind(struct py_types *ty, struct heap *h)
{
	ty->heap = h;
	ty->arena_size = h->layout.arena_size;
}

uint64_t
py_types_first(const struct py_types *ty, uint32_t t, uint32_t *flags)
{
	if (t >= ty->first_cap || ty->first_at[t] == UINT64_MAX)
		return UINT64_MAX;
	*flags = heap_flags(ty->first_flags[t]);
	return ty->first_at[t];
}

/* An entry's type index through map (a type that lost its index is no
 * type any more). */
static void
entry_renumber(struct entry *e, const uint32_t *map, size_t nmap)
{
	if (e->state != E_VALID)
		return;
	e->index = e->index < nmap ? map[e->index] : HEAP_TYPE_RAW;
	if (e->index == HEAP_TYPE_RAW)
		e->state = E_INVALID;
}

void
py_types_renumber(struct py_types *ty, const uint32_t *map, size_t nmap,
    struct heap *h)
{
	char **old = ty->names;
	uint32_t *oldidx = ty->name_index;
	size_t oldcap = ty->names_cap, i, k;

	for (i = 0; i < ty->cap; i++)
		entry_renumber(&ty->tab[i], map, nmap);
	ty->names = NULL;
	ty->name_index = NULL;
	ty->names_cap = ty->nnames = 0;
	for (i = 0; i < oldcap; i++) {
		uint32_t t = old[i] == NULL || oldidx[i] >= nmap ?
		    HEAP_TYPE_RAW : map[oldidx[i]];

		if (t == HEAP_TYPE_RAW) {
			free(old[i]);
			continue;
		}
		names_reserve(ty);
		k = names_slot(ty, old[i]);
		ty->names[k] = old[i];
		ty->name_index[k] = t;
		ty->nnames++;
	}
	free(old);
	free(oldidx);
	free(ty->first_at);
	free(ty->first_flags);
	ty->first_at = ty->first_flags = NULL;
	ty->first_cap = 0;
	ty->heap = h;
	ty->arena_size = h->layout.arena_size;
}

void
py_types_absorb(struct py_types *ty, const struct py_types *from,
    const uint32_t *map, size_t nmap)
{
	size_t i, k;

	for (i = 0; i < from->cap; i++) {
		const struct entry *f = &from->tab[i];
		struct entry *e;

		if (f->state != E_VALID && f->state != E_INVALID)
			continue;
		if ((e = lookup(ty, f->addr))->state != E_EMPTY)
			continue;
		*e = *f;
		entry_renumber(e, map, nmap);
		ty->used++;
		if (ty->used * 2 > ty->cap)
			grow(ty);
	}
	for (i = 0; i < from->names_cap; i++) {
		uint32_t t = from->names[i] == NULL ||
		    from->name_index[i] >= nmap ? HEAP_TYPE_RAW :
		    map[from->name_index[i]];

		if (t == HEAP_TYPE_RAW)
			continue;
		names_reserve(ty);
		k = names_slot(ty, from->names[i]);
		if (ty->names[k] != NULL)
			continue;
		ty->names[k] = xstrdup(from->names[i]);
		ty->name_index[k] = t;
		ty->nnames++;
	}
	ty->dropped += from->dropped;
	ty->nread += from->nread;
}
