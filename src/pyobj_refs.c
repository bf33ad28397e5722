/*
 * Referrers of objects, found by scanning the target's memory for their
 * addresses (see pyobj.h).
 *
 * A scan reads every FULL or USED pool of the capture in batches and looks
 * at the 8-byte words of its allocated blocks only: a stale pointer left in
 * a free block is never a referrer.  Then it reads the process's other
 * writable anonymous memory (the C heap and anonymous mappings, minus the
 * arenas) in 1 MiB pieces, up to a bound.  The first scan also indexes the
 * containers of the heap -- list, dict, set and, in 3.11/3.12, instances'
 * values arrays -- by the address of the table they keep out of line, so
 * that a hit in a raw block or in malloc'd memory finds the container whose
 * table holds it with a binary search.
 *
 * Every hit then becomes a struct pyobj_ref: the owner object and the
 * position in it, decided from the owner's type (read from the target and
 * cached) and the layout tables; a hit outside the arenas may be a local in
 * a thread's frame (3.11+, pyobj_frames.c), read again for each scan.  Reads are validated field by field: a
 * torn or absurd value leaves the hit unexplained (PYOBJ_POS_OUTSIDE), it
 * never loops or crashes.
 */
#include "config.h"

#include "pymalloc_elf.h"
#include "pymalloc_internal.h"
#include "pyobj.h"
#include "pyobj_value.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* PyTypeObject fields (2.7 and every 3.x). */
#define TP_NAME		24
#define TP_BASICSIZE	32
#define TP_FLAGS	168
#define TP_WEAKLISTOFFSET 184
#define TP_MEMBERS	240
#define TP_BASE		256
#define TP_DICT		264
#define TP_DICTOFFSET	288
#define TP_READ		296

#define TPF_READY	(1ull << 12)
#define TPF_TYPE_SUBCLASS (1ull << 31)
#define TPF_MANAGED_DICT (1ull << 4)
#define TPF_MANAGED_WEAKREF (1ull << 3)	/* 3.12+ */

/* PyWeakReference: wr_object, and the list of the referent's weak
 * references (wr_prev, wr_next), none of which owns a reference. */
#define WR_OBJECT	16
#define WR_PREV		40
#define WR_NEXT		48
/* 3.12+: the weak reference list in the pre-header */
#define MANAGED_WEAKLIST 32

/* Shared by every version (pyobj_containers.c). */
#define OB_SIZE		16
#define LIST_ITEM	24
#define TUPLE_ITEM	24
#define DICT_KEYS	32	/* 3.x ma_keys; 2.7 ma_mask */
#define DICT_VALUES	40	/* 3.x ma_values; 2.7 ma_table */
#define SET_MASK	32
#define SET_TABLE	40
#define MODULE_DICT	16
#define MEMBERDEF_SIZE	40

#define BATCH_POOLS	64
#define OUTSIDE_CHUNK	(1u << 20)
#define MAX_TABLE	(1ull << 28)	/* entries in one table, at most */
#define TYPE_CACHE	4096
#define MAX_MEMBERS	256
#define MAX_BASES	16
#define INDEX_PROBES	32

enum cont_kind { C_LIST, C_DICT_KEYS, C_DICT_VALUES, C_DICT27, C_SET,
	C_INLINE };

struct cont {
	uint64_t	ptr;	/* the table's address */
	uint64_t	obj;
	uint8_t		kind;
};

struct tinfo {
	uint64_t	addr;
	int		state;	/* 0 empty, 1 a type, -1 not one */
	uint64_t	flags, basicsize, members, base, dict, cached_keys;
	int64_t		dictoffset, weaklistoffset;
	char		name[PYOBJ_NAME_MAX];
};

/* What index_block() makes of a heap type's blocks (p->type_kind). */
enum { K_NONE, K_LIST, K_DICT, K_SET, K_UNUSED, K_INLINE, K_HEAP };

/* A hit before it is explained. */
struct hit {
	uint64_t	where, target;
	uint64_t	block;		/* 0: outside the arenas */
	uint32_t	size;		/* block size */
	uint32_t	type;		/* heap type index of the block */
	uint8_t		*bytes;		/* the block as scanned */
};

struct pyobj {
	struct source			*src;
	const struct heap		*heap;
	const struct py_layout		*pl;
	const struct pyobj_containers	*ol;
	int				 minor;
	int				 bound_hit;
	struct pyobj_bounds		 b;
	/* heap type index -> container kind + 1 (0: not a container) */
	uint8_t				*type_kind;
	struct cont			*conts;
	size_t				 nconts, conts_cap;
	int				 indexed;
	struct tinfo			 types[TYPE_CACHE];
	/* the current scan */
	const uint64_t			*targets;
	size_t				 ntargets;
	uint64_t			 tlo, thi;
	struct hit			*hits;
	size_t				 nhits, hits_cap;
	uint64_t			 scanned_arena, scanned_outside;
	int				 outside_truncated;
	/* 3.11+: _PyRuntime (looked for once), the pid, and the threads'
	 * frames, read again by each scan that meets a hit outside */
	uint64_t			 runtime;
	int				 runtime_known;
	uint64_t			 pid;
	struct pyobj_frame_layout	 fl;
	struct pyobj_frame		*frames;
	size_t				 nframes;
	int				 frames_read;
};

/* ---- reading ------------------------------------------------------------- */

static int
rd(struct pyobj *p, uint64_t addr, void *buf, size_t len)
{
	if (addr < 4096 || addr > (1ull << 56))
		return -1;
	return source_read_exact(p->src, addr, buf, len, NULL);
}

static int
rd64(struct pyobj *p, uint64_t addr, uint64_t *v)
{
	uint8_t b[8];

	if (rd(p, addr, b, 8) != 0)
		return -1;
	*v = py_load64(b);
	return 0;
}

static int
ptr_ok(uint64_t v)
{
	return v >= 4096 && v < (1ull << 56) && v % 8 == 0;
}

static int
refcnt_ok(const struct pyobj *p, uint64_t rc)
{
	if (p->pl->immortal)
		return (uint32_t)rc != 0;
	return rc != 0 && rc < (1ull << 40);
}

/* A C string of the target into buf (printable ASCII only). */
static int
read_cstr(struct pyobj *p, uint64_t addr, char *buf, size_t len)
{
	struct source_read r = { .addr = addr, .buf = buf, .len = len - 1 };
	size_t i;

	buf[0] = '\0';
	if (!ptr_ok(addr & ~7ull) || source_read(p->src, &r, 1, NULL) != 0)
		return -1;
	for (i = 0; i < r.got; i++) {
		if (buf[i] == '\0')
			return i > 0 ? 0 : -1;
		if ((unsigned char)buf[i] < 0x20 || (unsigned char)buf[i] > 0x7e)
			return -1;
	}
	buf[r.got] = '\0';
	return r.got > 0 ? 0 : -1;
}

/* The type object at t, read once and cached; NULL when t is no type.
 * The entry stays valid until the next call: a full neighbourhood gives
 * its first slot to the next type read. */
static const struct tinfo *
type_at(struct pyobj *p, uint64_t t)
{
	size_t i = (size_t)((t >> 3) * 0x9e3779b97f4a7c15ull >> 52) %
	    TYPE_CACHE, n;
	size_t first = i;
	struct tinfo *e = NULL;
	uint8_t b[TP_READ];
	uint64_t meta, mflags;

	for (n = 0; n < 8; n++, i = (i + 1) % TYPE_CACHE) {
		if (p->types[i].state == 0 || p->types[i].addr == t) {
			e = &p->types[i];
			break;
		}
	}
	if (e != NULL && e->state != 0 && e->addr == t)
		return e->state > 0 ? e : NULL;
	if (e == NULL)		/* full around here: the first slot goes */
		e = &p->types[first];
	memset(e, 0, sizeof *e);
	e->addr = t;
	e->state = -1;
	if (!ptr_ok(t) || rd(p, t, b, sizeof b) != 0)
		return NULL;
	meta = py_load64(b + 8);
	e->flags = py_load64(b + TP_FLAGS);
	if (!(e->flags & TPF_READY) || !ptr_ok(meta) ||
	    rd64(p, meta + TP_FLAGS, &mflags) != 0 ||
	    !(mflags & TPF_TYPE_SUBCLASS) ||
	    read_cstr(p, py_load64(b + TP_NAME), e->name, sizeof e->name) != 0)
		return NULL;
	e->basicsize = py_load64(b + TP_BASICSIZE);
	e->members = py_load64(b + TP_MEMBERS);
	e->base = py_load64(b + TP_BASE);
	e->dict = py_load64(b + TP_DICT);
	e->dictoffset = (int64_t)py_load64(b + TP_DICTOFFSET);
	e->weaklistoffset = (int64_t)py_load64(b + TP_WEAKLISTOFFSET);
	if (p->ol->ht_cached_keys != 0)
		(void)rd64(p, t + p->ol->ht_cached_keys, &e->cached_keys);
	e->state = 1;
	return e;
}

/* The type of the object at obj, or NULL when obj reads as no object. */
static const struct tinfo *
object_type(struct pyobj *p, uint64_t obj, uint64_t *refcnt)
{
	uint8_t b[16];

	if (!ptr_ok(obj) || rd(p, obj, b, 16) != 0 ||
	    !refcnt_ok(p, py_load64(b)))
		return NULL;
	if (refcnt != NULL)
		*refcnt = py_load64(b);
	return type_at(p, py_load64(b + 8));
}

int
pyobj_describe(struct pyobj *p, uint64_t obj, char *buf, size_t len,
    uint64_t *refcnt)
{
	const struct tinfo *t = object_type(p, obj, refcnt);

	snprintf(buf, len, "%s", t != NULL ? t->name : "?");
	if (t == NULL && refcnt != NULL)
		*refcnt = 0;
	return t != NULL ? 0 : -1;
}

/* Text of a str object into buf ('...' quoted); -1 if not ASCII-readable. */
static int
str_repr(struct pyobj *p, uint64_t obj, char *buf, size_t len)
{
	uint8_t b[40];
	char text[PYOBJ_NAME_MAX - 8];
	uint64_t n, data;
	size_t i;

	if (rd(p, obj, b, sizeof b) != 0)
		return -1;
	n = py_load64(b + OB_SIZE);
	if (p->ol->str27) {
		data = obj + p->ol->str_ascii_data;
	} else {
		/* state: interned 2 bits, kind 3, compact, ascii */
		uint32_t st = py_load32(b + 32);

		if (((st >> 2) & 7) != 1 || !(st & (1u << 5)) ||
		    !(st & (1u << 6)))
			return -1;
		data = obj + p->ol->str_ascii_data;
	}
	if (n > 10000)
		return -1;
	if (n >= sizeof text)
		n = sizeof text - 4;
	if (n > 0 && rd(p, data, text, (size_t)n) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if ((unsigned char)text[i] < 0x20 || (unsigned char)text[i] > 0x7e)
			return -1;
	}
	text[n] = '\0';
	snprintf(buf, len, "'%s'", text);
	return 0;
}

/*
 * A key as the survivors-by-value text shows it (pyobj_value.c): str of
 * every kind quoted and escaped, ints exactly, other objects by type and
 * address.  One read of the object, and one more when its value lives
 * elsewhere.
 */
void
pyobj_key_repr(struct pyobj *p, uint64_t key, char *buf, size_t len)
{
	const struct tinfo *t = object_type(p, key, NULL);
	const struct pyobj_layout *vl = pyobj_layout_find(p->ol->major, p->minor);
	struct source_read r = { .addr = key, .len = PYOBJ_NEED_MAX };
	uint8_t b[PYOBJ_NEED_MAX], more[PYOBJ_NEED_MAX];
	struct pyobj_value v;

	snprintf(buf, len, "<%s at 0x%llx>", t != NULL ? t->name : "?",
	    (unsigned long long)key);
	r.buf = b;
	if (t == NULL || vl == NULL || source_read(p->src, &r, 1, NULL) != 0 ||
	    r.got < 16)
		return;
	memset(&v, 0, sizeof v);
	if (pyobj_value_from(vl, pyobj_kind_of(vl, t->name, 0), t->name, key, b,
	    r.got, &v) == 1) {
		struct source_read m = { .addr = v.need_addr, .buf = more,
		    .len = HV_MIN(v.need_len, (uint32_t)sizeof more) };

		if (source_read(p->src, &m, 1, NULL) != 0)
			m.got = 0;
		pyobj_value_more(vl, &v, more, m.got);
	}
	if (v.text[0] != '\0' && strcmp(v.text, "?") != 0)
		snprintf(buf, len, "%s", v.text);
}

/* ---- dict tables ----------------------------------------------------------- */

/* Where the entries of a dict's table are: (hash, key, value) or (key,
 * value) of esize bytes, n of them. */
struct entries {
	uint64_t	start;
	uint64_t	n;
	unsigned	esize, key_off;
};

static int
keys_entries(struct pyobj *p, uint64_t keys, struct entries *e)
{
	uint8_t b[40];
	uint64_t size, ib;

	if (rd(p, keys, b, sizeof b) != 0)
		return -1;
	if (p->ol->dict == PYOBJ_DICT36) {
		size = py_load64(b + 8);
		e->n = py_load64(b + 32);
		if (size == 0 || (size & (size - 1)) != 0 || size > MAX_TABLE)
			return -1;
		ib = size <= 0xff ? 1 : size <= 0xffff ? 2 :
		    size <= 0xffffffffull ? 4 : 8;
		e->start = keys + 40 + size * ib;
		e->esize = 24;
		e->key_off = 8;
	} else {
		unsigned log2size = b[8], log2ib = b[9], kind = b[10];

		e->n = py_load64(b + 24);
		if (log2size > 28 || log2ib > 31 || kind > 2)
			return -1;
		e->start = keys + 32 + (1ull << log2ib);
		e->esize = kind == 0 ? 24 : 16;
		e->key_off = kind == 0 ? 8 : 0;
	}
	return e->n <= MAX_TABLE ? 0 : -1;
}

/* The key object of entry i of a keys table. */
static uint64_t
entry_key(struct pyobj *p, uint64_t keys, uint64_t i)
{
	struct entries e;
	uint64_t k;

	if (keys_entries(p, keys, &e) != 0 || i >= e.n ||
	    rd64(p, e.start + i * e.esize + e.key_off, &k) != 0)
		return 0;
	return k;
}

static void
set_value(struct pyobj *p, struct pyobj_ref *r, uint64_t key)
{
	r->pos = PYOBJ_POS_VALUE;
	r->key = key;
	pyobj_key_repr(p, key, r->name, sizeof r->name);
}

/* A str's text without its quotes, into buf; -1 if not ASCII-readable. */
static int
str_text(struct pyobj *p, uint64_t obj, char *buf, size_t len)
{
	size_t l;

	if (str_repr(p, obj, buf, len) != 0)
		return -1;
	l = strlen(buf);	/* 'text', or cut short by len */
	memmove(buf, buf + 1, l);
	if (l >= 2 && buf[l - 2] == '\'')
		buf[l - 2] = '\0';
	return 0;
}

/* The hit is value i of an instance's values, named by entry i of its
 * class's cached keys. */
static int
set_attr(struct pyobj *p, uint64_t cached_keys, uint64_t i,
    struct pyobj_ref *r)
{
	uint64_t key = entry_key(p, cached_keys, i);

	if (key == 0 || str_text(p, key, r->name, sizeof r->name) != 0)
		return -1;
	r->pos = PYOBJ_POS_ATTR;
	return 0;
}

/* A hit in entries: the value (key known) or the key itself. */
static int
in_entries(struct pyobj *p, const struct entries *e, struct pyobj_ref *r)
{
	uint64_t i, field, key;

	if (r->where < e->start || (r->where - e->start) / e->esize >= e->n)
		return -1;
	i = (r->where - e->start) / e->esize;
	field = (r->where - e->start) % e->esize;
	if (field == e->key_off) {
		r->pos = PYOBJ_POS_KEY;
		return 0;
	}
	if (field != e->key_off + 8 ||
	    rd64(p, e->start + i * e->esize + e->key_off, &key) != 0 ||
	    !ptr_ok(key))
		return -1;
	set_value(p, r, key);
	return 0;
}

/* ---- containers ------------------------------------------------------------ */

static int
explain_list(struct pyobj *p, const struct cont *c, struct pyobj_ref *r)
{
	uint64_t n, item;

	if (rd64(p, c->obj + OB_SIZE, &n) != 0 ||
	    rd64(p, c->obj + LIST_ITEM, &item) != 0 || item != c->ptr ||
	    n > MAX_TABLE || r->where < item || (r->where - item) / 8 >= n)
		return -1;
	r->pos = PYOBJ_POS_INDEX;
	r->index = (int64_t)((r->where - item) / 8);
	return 0;
}

static int
explain_dict(struct pyobj *p, const struct cont *c, struct pyobj_ref *r)
{
	uint64_t keys, values, mask, i;
	struct entries e;

	if (c->kind == C_DICT27) {
		if (rd64(p, c->obj + DICT_KEYS, &mask) != 0 ||
		    rd64(p, c->obj + DICT_VALUES, &values) != 0 ||
		    values != c->ptr || mask >= MAX_TABLE)
			return -1;
		e = (struct entries){ values, mask + 1, 24, 8 };
		return in_entries(p, &e, r);
	}
	if (rd64(p, c->obj + DICT_KEYS, &keys) != 0 ||
	    rd64(p, c->obj + DICT_VALUES, &values) != 0)
		return -1;
	if (c->kind == C_DICT_KEYS) {
		if (keys != c->ptr || keys_entries(p, keys, &e) != 0)
			return -1;
		return in_entries(p, &e, r);
	}
	values += p->ol->values_off;
	if (values - p->ol->values_off != c->ptr || r->where < values)
		return -1;
	i = (r->where - values) / 8;
	if ((keys = entry_key(p, keys, i)) == 0)
		return -1;
	set_value(p, r, keys);
	return 0;
}

static int
explain_set(struct pyobj *p, const struct cont *c, struct pyobj_ref *r)
{
	uint64_t mask, table;

	if (rd64(p, c->obj + SET_MASK, &mask) != 0 ||
	    rd64(p, c->obj + SET_TABLE, &table) != 0 || table != c->ptr ||
	    mask >= MAX_TABLE || r->where < table ||
	    (r->where - table) / 16 > mask ||
	    (r->where - table) % 16 != p->ol->set_key_off)
		return -1;
	r->pos = PYOBJ_POS_MEMBER;
	return 0;
}

/* A 3.11/3.12 instance's values array: entry i is the attribute named by
 * entry i of its class's cached keys. */
static int
explain_inline(struct pyobj *p, const struct cont *c, struct pyobj_ref *r)
{
	const struct tinfo *t = object_type(p, c->obj, NULL);
	uint64_t v;

	if (t == NULL || t->cached_keys == 0 || r->where < c->ptr)
		return -1;
	/* The index is as old as the first scan: the instance may have given
	 * its values up for a dict since, and the array may be freed. */
	if (p->ol->inline_values == PYOBJ_INLINE_311) {
		if (rd64(p, c->obj - 32, &v) != 0)
			return -1;
	} else if (rd64(p, c->obj - 24, &v) != 0 || !(v & 1)) {
		return -1;	/* 3.12: values - 1, or a dict */
	} else {
		v += 1;
	}
	if (v != c->ptr)
		return -1;
	return set_attr(p, t->cached_keys, (r->where - c->ptr) / 8, r);
}

static int
explain_cont(struct pyobj *p, const struct cont *c, struct pyobj_ref *r)
{
	const struct tinfo *t;
	int rc;

	switch (c->kind) {
	case C_LIST:	rc = explain_list(p, c, r); break;
	case C_SET:	rc = explain_set(p, c, r); break;
	case C_INLINE:	rc = explain_inline(p, c, r); break;
	default:	rc = explain_dict(p, c, r); break;
	}
	if (rc != 0 || (t = object_type(p, c->obj, NULL)) == NULL)
		return -1;
	r->owner = c->obj;
	snprintf(r->owner_type, sizeof r->owner_type, "%s", t->name);
	return 0;
}

/* The containers whose table starts at or just below where. */
static int
explain_by_index(struct pyobj *p, struct pyobj_ref *r)
{
	size_t lo = 0, hi = p->nconts, k, tried = 0;

	while (lo < hi) {
		size_t m = lo + (hi - lo) / 2;

		if (p->conts[m].ptr <= r->where)
			lo = m + 1;
		else
			hi = m;
	}
	for (k = lo; k > 0 && tried < INDEX_PROBES; k--, tried++) {
		if (explain_cont(p, &p->conts[k - 1], r) == 0)
			return 0;
	}
	return -1;
}

/* ---- objects ----------------------------------------------------------- */

/* The name of the __slots__ member at offset off of an instance of t. */
static int
slot_name(struct pyobj *p, const struct tinfo *t, uint64_t off, char *buf,
    size_t len)
{
	unsigned depth, i;
	uint8_t m[MEMBERDEF_SIZE];

	for (depth = 0; t != NULL && depth < MAX_BASES; depth++) {
		for (i = 0; t->members != 0 && i < MAX_MEMBERS; i++) {
			uint64_t a = t->members + (uint64_t)i * MEMBERDEF_SIZE;

			if (rd(p, a, m, sizeof m) != 0 || py_load64(m) == 0)
				break;
			if (py_load64(m + 16) == off)
				return read_cstr(p, py_load64(m), buf, len);
		}
		t = t->base != 0 ? type_at(p, t->base) : NULL;
	}
	return -1;
}

/* 3.13: the values an instance keeps after its fixed part. */
static int
inline_313(struct pyobj *p, const struct tinfo *t, uint64_t obj,
    struct pyobj_ref *r)
{
	uint64_t v = obj + t->basicsize, i;
	uint8_t h[8];

	if (p->ol->inline_values != PYOBJ_INLINE_313 ||
	    !(t->flags & TPF_MANAGED_DICT) || r->where < v + 8 ||
	    rd(p, v, h, sizeof h) != 0 || h[3] != 1)	/* valid */
		return -1;
	i = (r->where - v - 8) / 8;
	return i < h[1] ? set_attr(p, t->cached_keys, i, r) : -1;
}

/* A frame object of a generator or coroutine that is not running. */
static int
suspended_gen_frame(struct pyobj *p, uint64_t frame)
{
	const struct pyobj_containers *o = p->ol;
	uint64_t gen;
	uint8_t running;

	if (o->f_gen == 0 || rd64(p, frame + o->f_gen, &gen) != 0 ||
	    gen == 0 || rd(p, frame + o->f_running, &running, 1) != 0)
		return 0;
	return o->running_is_zero ? running != 0 : running == 0;
}

/* A local variable of a frame object (up to 3.10): slot i of
 * f_localsplus below co_nlocals -- the slots over it are cells, free
 * variables and the value stack, whose words over the top are stale. */
static int
frame_local(struct pyobj *p, uint64_t obj, uint64_t off, struct pyobj_ref *r)
{
	const struct pyobj_containers *o = p->ol;
	uint64_t code, names, name, func, i;
	uint8_t n[4];
	char fn[PYOBJ_NAME_MAX / 2 - 1], ln[PYOBJ_NAME_MAX / 2 - 1];

	if (o->f_localsplus == 0 || off < o->f_localsplus ||
	    (off - o->f_localsplus) % 8 != 0)
		return -1;
	i = (off - o->f_localsplus) / 8;
	if (rd64(p, obj + o->f_code, &code) != 0 ||
	    rd(p, code + o->co_nlocals, n, 4) != 0 || i >= py_load32(n) ||
	    rd64(p, code + o->co_varnames, &names) != 0 ||
	    rd64(p, names + 24 + i * 8, &name) != 0 ||
	    rd64(p, code + o->co_name, &func) != 0 ||
	    str_text(p, name, ln, sizeof ln) != 0 ||
	    str_text(p, func, fn, sizeof fn) != 0)
		return -1;
	snprintf(r->name, sizeof r->name, "%s:%s", fn, ln);
	r->pos = PYOBJ_POS_FRAME;
	r->index = 0;	/* the thread is not known */
	if (suspended_gen_frame(p, obj)) {
		/* held by its generator, not a root: g.gi_frame.f_locals */
		snprintf(r->name, sizeof r->name, "f_locals['%s']", ln);
		r->pos = PYOBJ_POS_LOCAL;
	}
	return 0;
}

/* ---- 3.11+ frames ------------------------------------------------------ */

/* _PyRuntime from the interpreter's exported symbols (every 3.11+ build
 * exports it, Debian's stripped executable too), and the pid. */
static void
find_runtime(struct pyobj *p)
{
	struct source_process proc;
	struct source_region *r;
	struct py_interp pi;
	size_t n;

	p->runtime_known = 1;
	if (source_process(p->src, &proc, NULL) == 0) {
		p->pid = (uint64_t)proc.pid;
		source_process_free(&proc);
	}
	if (p->runtime != 0 || pyobj_frame_layout_find(p->ol->major,
	    p->minor) == NULL || source_regions(p->src, &r, &n, NULL) != 0)
		return;
	if (py_interp_identify(p->src, r, n, &pi, NULL) == 0) {
		p->runtime = py_interp_symbol(&pi, "_PyRuntime",
		    ELF_DYNSYM_ONLY, NULL);
		py_interp_free(&pi);
	}
	source_regions_free(r, n);
}

/* The threads' frames now: 3.13's own debug offsets, else the table. */
static void
read_frames(struct pyobj *p)
{
	const struct pyobj_frame_layout *l;
	struct pyobj_frame_layout dl;
	uint8_t b[PYOBJ_DEBUG_OFFSETS_LEN];

	p->frames_read = 1;
	free(p->frames);
	p->frames = NULL;
	p->nframes = 0;
	if (!p->runtime_known)
		find_runtime(p);
	if (p->runtime == 0 ||
	    (l = pyobj_frame_layout_find(p->ol->major, p->minor)) == NULL)
		return;
	if (rd(p, p->runtime, b, sizeof b) == 0 &&
	    pyobj_frame_layout_debug(b, sizeof b, &dl) == 0)
		l = &dl;
	p->fl = *l;
	(void)pyobj_frames_read(p->src, p->runtime, l, &p->frames, &p->nframes,
	    NULL);
}

/* A hit in a thread's frame (3.11+): slot i of its localsplus.  Below
 * co_nlocalsplus it is a local, named; over it the value stack (a for
 * loop's iterator, a call's arguments being built), counted only below the
 * stacktop the frame saved when it called -- the innermost frame, still
 * running, has none saved, and the slots above stacktop are stale.  The
 * frame must still run the code it ran when the chain was read. */
static int
frame_slot(struct pyobj *p, struct pyobj_ref *r)
{
	const struct pyobj_frame *f;
	size_t lo = 0, hi;
	uint64_t i, name, code;
	char fn[PYOBJ_NAME_MAX / 2 - 1], ln[PYOBJ_NAME_MAX / 2 - 1];

	if (pyobj_frame_layout_find(p->ol->major, p->minor) == NULL)
		return -1;
	if (!p->frames_read)
		read_frames(p);
	hi = p->nframes;
	while (lo < hi) {
		size_t m = lo + (hi - lo) / 2;

		if (p->frames[m].locals <= r->where)
			lo = m + 1;
		else
			hi = m;
	}
	if (lo == 0)
		return -1;
	f = &p->frames[lo - 1];
	i = (r->where - f->locals) / 8;
	if ((r->where - f->locals) % 8 != 0 ||
	    rd64(p, f->frame + p->fl.fr_code, &code) != 0 || code != f->code ||
	    str_text(p, f->qualname, fn, sizeof fn) != 0)
		return -1;
	if (i >= f->nlocals) {
		uint8_t st[4];
		int32_t top;

		if (rd(p, f->frame + p->fl.fr_stacktop, st, 4) != 0)
			return -1;
		top = (int32_t)py_load32(st);
		if (top < 0 || (uint64_t)top > f->nlocals + PYOBJ_MAX_STACK ||
		    i >= (uint64_t)top)
			return -1;
		snprintf(ln, sizeof ln, PYOBJ_VALUE_STACK);
	} else if (rd64(p, f->names + TUPLE_ITEM + i * 8, &name) != 0 ||
	    str_text(p, name, ln, sizeof ln) != 0) {
		return -1;
	}
	snprintf(r->name, sizeof r->name, "%s:%s", fn, ln);
	r->pos = PYOBJ_POS_FRAME;
	r->owner = f->frame;
	r->index = f->tid != p->pid ? (int64_t)f->tid : 0;
	snprintf(r->owner_type, sizeof r->owner_type, "frame");
	return 0;
}

/* Slot i of a generator's frame, over its n locals: on its value stack
 * when below the top the frame saved (at stacktop) when it yielded.
 * Named with the type of what it holds, which has no name of its own:
 * "gi_frame (value stack) <list_iterator>". */
static int
gen_stack(struct pyobj *p, uint64_t stacktop, uint64_t i, uint64_t n,
    const char *attr, struct pyobj_ref *r)
{
	const struct tinfo *vt;
	uint8_t st[4];
	int32_t top;

	if (rd(p, stacktop, st, 4) != 0)
		return -1;
	top = (int32_t)py_load32(st);
	if (top < 0 || (uint64_t)top > n + PYOBJ_MAX_STACK ||
	    i >= (uint64_t)top || (vt = object_type(p, r->target, NULL)) == NULL)
		return -1;
	snprintf(r->name, sizeof r->name, "%s " PYOBJ_VALUE_STACK " <%.32s>",
	    attr, vt->name);
	return 0;
}

/* 3.11+: a local of a generator, coroutine or async generator, whose
 * frame is embedded at the end of the object (tp_basicsize covers it up to
 * localsplus).  Only while the frame is not finished: a finished one's
 * slots are stale.  Named the way Python reads it: g.gi_frame.f_locals['x']. */
static int
gen_local(struct pyobj *p, const struct tinfo *t, uint64_t obj, uint64_t off,
    struct pyobj_ref *r)
{
	static const char *const kinds[][2] = { { "generator", "gi_frame" },
		{ "coroutine", "cr_frame" }, { "async_generator", "ag_frame" } };
	const struct pyobj_frame_layout *l = pyobj_frame_layout_find(
	    p->ol->major, p->minor);
	const struct tinfo *ct;
	uint64_t frame, code, names, n, name, i;
	uint8_t state;
	size_t k;
	char ln[PYOBJ_NAME_MAX / 2];

	for (k = 0; k < HV_ARRAY_LEN(kinds) &&
	    strcmp(t->name, kinds[k][0]) != 0; k++)
		continue;
	if (l == NULL || k == HV_ARRAY_LEN(kinds) || off < t->basicsize ||
	    (off - t->basicsize) % 8 != 0 || t->basicsize < l->fr_localsplus)
		return -1;
	frame = obj + t->basicsize - l->fr_localsplus;
	i = (off - t->basicsize) / 8;
	/* gi_frame_state, an int8_t 5 bytes before the frame (3.11 - 3.13):
	 * created, suspended or running */
	if (rd(p, frame - 5, &state, 1) != 0 || (int8_t)state > 0 ||
	    rd64(p, frame + l->fr_code, &code) != 0 ||
	    (ct = object_type(p, code, NULL)) == NULL ||
	    strcmp(ct->name, "code") != 0 ||
	    rd64(p, code + l->co_localsplusnames, &names) != 0 ||
	    rd64(p, names + OB_SIZE, &n) != 0 || n > PYOBJ_MAX_LOCALS)
		return -1;
	if (i >= n) {	/* a suspended frame saved its value stack's top */
		if (gen_stack(p, frame + l->fr_stacktop, i, n, kinds[k][1],
		    r) != 0)
			return -1;
	} else if (rd64(p, names + TUPLE_ITEM + i * 8, &name) != 0 ||
	    str_text(p, name, ln, sizeof ln) != 0) {
		return -1;
	} else {
		snprintf(r->name, sizeof r->name, "%s.f_locals['%s']",
		    kinds[k][1], ln);
	}
	r->pos = PYOBJ_POS_LOCAL;
	return 0;
}

/* A weakref.ref, proxy or a subclass of one, by its type's name or its
 * bases' (2.7 "weakref", 3.x "weakref.ReferenceType" and so on). */
static int
weakref_type(struct pyobj *p, const struct tinfo *t)
{
	static const char *const names[] = { "weakref", "weakproxy",
		"weakcallableproxy", "weakref.ReferenceType",
		"weakref.ProxyType", "weakref.CallableProxyType" };
	unsigned depth;
	size_t i;

	for (depth = 0; t != NULL && depth < MAX_BASES; depth++) {
		for (i = 0; i < HV_ARRAY_LEN(names); i++)
			if (strcmp(t->name, names[i]) == 0)
				return 1;
		t = t->base != 0 ? type_at(p, t->base) : NULL;
	}
	return 0;
}

/* A word that points without owning: a weak reference's referent or its
 * neighbours in the referent's list, or the referent's list head. */
static int
weak_word(struct pyobj *p, const struct tinfo *t, uint64_t obj, uint64_t where)
{
	if (where < obj)
		return obj - where == MANAGED_WEAKLIST &&
		    (t->flags & TPF_MANAGED_WEAKREF) &&
		    (p->ol->inline_values == PYOBJ_INLINE_312 ||
		    p->ol->inline_values == PYOBJ_INLINE_313);
	if (t->weaklistoffset > 0 &&
	    where - obj == (uint64_t)t->weaklistoffset)
		return 1;
	return (where - obj == WR_OBJECT || where - obj == WR_PREV ||
	    where - obj == WR_NEXT) && weakref_type(p, t);
}

/* The reference fields of the iterators a for loop keeps on its frame's
 * value stack (Objects/listobject.c, tupleobject.c, dictobject.c,
 * setobject.c, enumobject.c: the same offsets from 3.0 on). */
static const struct {
	const char	*type;
	unsigned	 off;
	const char	*name;
} iter_fields[] = {
	{ "list_iterator", 24, "it_seq" },
	{ "list_reverseiterator", 24, "it_seq" },
	{ "tuple_iterator", 24, "it_seq" },
	{ "dict_keyiterator", 16, "di_dict" },
	{ "dict_valueiterator", 16, "di_dict" },
	{ "dict_itemiterator", 16, "di_dict" },
	{ "set_iterator", 16, "si_set" },
	{ "enumerate", 24, "en_sit" },
};

static int
iter_field(const struct tinfo *t, uint64_t off, char *name, size_t len)
{
	size_t i;

	for (i = 0; i < HV_ARRAY_LEN(iter_fields); i++) {
		if (off == iter_fields[i].off &&
		    strcmp(t->name, iter_fields[i].type) == 0) {
			snprintf(name, len, "%s", iter_fields[i].name);
			return 0;
		}
	}
	return -1;
}

/* The position of a hit inside the object obj of type t. */
static void
explain_field(struct pyobj *p, const struct tinfo *t, uint64_t obj,
    struct pyobj_ref *r)
{
	uint64_t off = r->where - obj, n;

	r->pos = PYOBJ_POS_FIELD;
	r->index = (int64_t)(r->where - obj);
	r->name[0] = '\0';
	if (weak_word(p, t, obj, r->where)) {
		r->pos = PYOBJ_POS_WEAK;
		return;
	}
	if (r->where < obj) {	/* the pre-header: a managed __dict__ */
		if (p->ol->inline_values != PYOBJ_INLINE_NONE &&
		    obj - r->where == 24)
			r->pos = PYOBJ_POS_DICT;
		return;
	}
	if (strcmp(t->name, "tuple") == 0 && off >= TUPLE_ITEM &&
	    rd64(p, obj + OB_SIZE, &n) == 0 && (off - TUPLE_ITEM) / 8 < n) {
		r->pos = PYOBJ_POS_INDEX;
		r->index = (int64_t)((off - TUPLE_ITEM) / 8);
	} else if (strcmp(t->name, "module") == 0 && off == MODULE_DICT) {
		r->pos = PYOBJ_POS_MODULE_DICT;
	} else if (t->dictoffset > 0 && off == (uint64_t)t->dictoffset) {
		r->pos = PYOBJ_POS_DICT;
	} else if (slot_name(p, t, off, r->name, sizeof r->name) == 0) {
		r->pos = PYOBJ_POS_SLOT;
	} else if (inline_313(p, t, obj, r) == 0) {
		return;
	} else if (strcmp(t->name, "frame") == 0 &&
	    frame_local(p, obj, off, r) == 0) {
		return;
	} else if (gen_local(p, t, obj, off, r) == 0) {
		return;
	} else if (iter_field(t, off, r->name, sizeof r->name) == 0) {
		return;		/* a named field (PYOBJ_POS_FIELD) */
	} else if (off >= t->basicsize || strcmp(t->name, "dict") == 0 ||
	    strcmp(t->name, "set") == 0 || strcmp(t->name, "frozenset") == 0 ||
	    strcmp(t->name, "list") == 0 || strcmp(t->name, "tuple") == 0) {
		/* Past the fixed part of an object this file does not know the
		 * variable part of (a frame's locals and value stack, whose slots
		 * over the stack top are stale), or in a container's own bytes
		 * where no table of it explains the word (2.7's small table left
		 * behind when the dict or set grew): not a reference it can
		 * vouch for.  A frame's value stack is held from outside the
		 * object heap, like the rest of a thread's state. */
		r->pos = PYOBJ_POS_OUTSIDE;
		r->owner = 0;
	}
}

/* Py_TPFLAGS_HAVE_GC: instances carry a PyGC_Head */
#define TPF_HAVE_GC	(1ull << 14)

/*
 * A buffer malloc handed out holds a Python object at its start when one of
 * the offsets an object can start at (after the debug hooks' prefix, then
 * the pre-header and the GC head, or just the GC head, or none) has a
 * plausible reference count, a type that reads as one, whose GC flag and
 * pre-header agree with that offset and whose fixed size fits.  The count
 * must be under 2^32: a word that is a pointer (a list's item array, a
 * dict's table) is not one.
 */
uint64_t
pyobj_buffer_object(struct pyobj *p, uint64_t u, uint64_t n, char *name,
    size_t len)
{
	unsigned gc = p->pl->gc_head_size, pre = p->pl->preheader_size;
	unsigned offs[3] = { gc + pre, gc, 0 }, k, base = 0;
	uint8_t b[96];
	size_t got = (size_t)HV_MIN(n, sizeof b);

	if (got < 16 || rd(p, u, b, got) != 0)
		return 0;
	/* the debug hooks' prefixes: the object domain's, within the raw
	 * domain's when PyObject_Malloc hands a big object to the hooked
	 * PyMem_RawMalloc */
	while (base < 32 && base + 32 <= got &&
	    b[base + 15] == p->pl->debug_byte &&
	    b[base + 14] == p->pl->debug_byte)
		base += 16;
	for (k = 0; k < 3; k++) {
		unsigned off = base + offs[k];
		uint64_t rc, flags;
		const struct tinfo *t;
		int want_gc = k < 2 && gc > 0;

		if (k == 0 && pre == 0)
			continue;	/* the same as the GC head alone */
		if (off + 16 > got)
			continue;
		rc = py_load64(b + off);
		if (rc == 0 || rc >= (1ull << 32) ||
		    (t = type_at(p, py_load64(b + off + 8))) == NULL)
			continue;
		flags = t->flags;
		if (!!(flags & TPF_HAVE_GC) != want_gc ||
		    (k == 0 && !(flags & (TPF_MANAGED_DICT |
		    TPF_MANAGED_WEAKREF))) || t->basicsize > n - off)
			continue;
		snprintf(name, len, "%s", t->name);
		return u + off;
	}
	return 0;
}

/* The object in a typed block: probes the offsets an object can start at
 * (after the debug prefix, the pre-header, the GC head) for the one whose
 * type has the block's type name. */
static uint64_t
block_object(struct pyobj *p, const struct hit *h, const struct tinfo **tp)
{
	const char *want = p->heap->types[h->type].name;
	unsigned gc = p->pl->gc_head_size, pre = p->pl->preheader_size;
	unsigned offs[3] = { gc + pre, gc, 0 }, k, base = 0;

	if (h->size >= 32 && h->bytes[15] == p->pl->debug_byte &&
	    h->bytes[14] == p->pl->debug_byte)
		base = 16;
	for (k = 0; k < 3; k++) {
		unsigned off = base + offs[k];
		const struct tinfo *t;

		if (off + 16 > h->size || !refcnt_ok(p, py_load64(h->bytes + off)))
			continue;
		t = type_at(p, py_load64(h->bytes + off + 8));
		if (t != NULL && strcmp(t->name, want) == 0) {
			*tp = t;
			return h->block + off;
		}
	}
	return 0;
}

/* A hit outside the arenas at tp_dict of a class. */
static int
explain_type_dict(struct pyobj *p, struct pyobj_ref *r)
{
	uint64_t t = r->where - TP_DICT;
	const struct tinfo *ti;

	if ((ti = type_at(p, t)) == NULL || ti->dict != r->target)
		return -1;
	/* before object_type(), whose type read may take ti's slot */
	snprintf(r->name, sizeof r->name, "%s", ti->name);
	if (object_type(p, t, NULL) == NULL) {
		r->name[0] = '\0';
		return -1;
	}
	r->owner = t;
	r->pos = PYOBJ_POS_TYPE_DICT;
	snprintf(r->owner_type, sizeof r->owner_type, "type");
	return 0;
}

static void
explain(struct pyobj *p, const struct hit *h, struct pyobj_ref *r)
{
	const struct tinfo *t = NULL;
	struct tinfo tc;
	uint64_t obj;

	memset(r, 0, sizeof *r);
	r->where = h->where;
	r->target = h->target;
	r->pos = PYOBJ_POS_OUTSIDE;
	if (explain_by_index(p, r) == 0)
		return;
	r->pos = PYOBJ_POS_OUTSIDE;
	if (h->block == 0) {
		if (frame_slot(p, r) != 0)
			(void)explain_type_dict(p, r);
		return;
	}
	if (h->type == HEAP_TYPE_RAW || (obj = block_object(p, h, &t)) == 0)
		return;
	/* a copy: explaining reads other types (the bases), which may take
	 * the cache slot t points into */
	tc = *t;
	r->owner = obj;
	snprintf(r->owner_type, sizeof r->owner_type, "%s", tc.name);
	explain_field(p, &tc, obj, r);
}

/* ---- the scan ---------------------------------------------------------- */

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int
cont_cmp(const void *a, const void *b)
{
	return u64_cmp(&((const struct cont *)a)->ptr,
	    &((const struct cont *)b)->ptr);
}

static int
is_target(const struct pyobj *p, uint64_t w)
{
	size_t lo = 0, hi = p->ntargets;

	if (w < p->tlo || w > p->thi)
		return 0;
	while (lo < hi) {
		size_t m = lo + (hi - lo) / 2;

		if (p->targets[m] == w)
			return 1;
		if (p->targets[m] < w)
			lo = m + 1;
		else
			hi = m;
	}
	return 0;
}

static void
add_hit(struct pyobj *p, uint64_t where, uint64_t target, uint64_t block,
    uint32_t size, uint32_t type, const uint8_t *bytes)
{
	struct hit *h;

	if (p->nhits >= p->b.max_refs)
		return;
	if (p->nhits == p->hits_cap) {
		p->hits_cap = p->hits_cap ? p->hits_cap * 2 : 64;
		p->hits = xreallocarray(p->hits, p->hits_cap, sizeof *p->hits);
	}
	h = &p->hits[p->nhits++];
	*h = (struct hit){ where, target, block, size, type, NULL };
	if (bytes != NULL) {
		h->bytes = xmalloc(size);
		memcpy(h->bytes, bytes, size);
	}
}

static void
add_cont(struct pyobj *p, uint64_t ptr, uint64_t obj, enum cont_kind kind)
{
	if (!ptr_ok(ptr))
		return;
	if (p->nconts == p->conts_cap) {
		p->conts_cap = p->conts_cap ? p->conts_cap * 2 : 1024;
		p->conts = xreallocarray(p->conts, p->conts_cap,
		    sizeof *p->conts);
	}
	p->conts[p->nconts++] = (struct cont){ ptr, obj, (uint8_t)kind };
}

/* list, dict, set: what a type is by its name or its bases' (a class
 * D(dict) is indexed as a dict). */
static int
base_kind(struct pyobj *p, const struct tinfo *t)
{
	unsigned depth;

	for (depth = 0; t != NULL && depth < MAX_BASES; depth++) {
		if (strcmp(t->name, "list") == 0)
			return K_LIST;
		if (strcmp(t->name, "dict") == 0)
			return K_DICT;
		if (strcmp(t->name, "set") == 0 ||
		    strcmp(t->name, "frozenset") == 0)
			return K_SET;
		if (strcmp(t->name, "object") == 0)
			return K_NONE;
		t = t->base != 0 ? type_at(p, t->base) : NULL;
	}
	return K_NONE;
}

/* The tables of a list, dict or set object at obj (its bytes at ob, len
 * of them). */
static void
index_object(struct pyobj *p, const uint8_t *ob, uint64_t obj, uint32_t len,
    int kind)
{
	if (len < 48 || !refcnt_ok(p, py_load64(ob)))
		return;
	switch (kind) {
	case K_LIST:
		add_cont(p, py_load64(ob + LIST_ITEM), obj, C_LIST);
		break;
	case K_DICT:
		if (p->ol->dict == PYOBJ_DICT27) {
			add_cont(p, py_load64(ob + DICT_VALUES), obj, C_DICT27);
			break;
		}
		add_cont(p, py_load64(ob + DICT_KEYS), obj, C_DICT_KEYS);
		add_cont(p, py_load64(ob + DICT_VALUES), obj, C_DICT_VALUES);
		break;
	case K_SET:
		add_cont(p, py_load64(ob + SET_TABLE), obj, C_SET);
		break;
	}
}

/* A heap type's instance that is a list, dict or set subclass: its tables
 * indexed as the base's, at the object (after its pre-header, if any). */
static void
index_subclass(struct pyobj *p, const uint8_t *b, uint64_t block,
    uint32_t size, uint32_t type)
{
	struct hit h = { .block = block, .size = size, .type = type,
	    .bytes = (uint8_t *)(uintptr_t)b };
	const struct tinfo *t = NULL;
	uint64_t obj = block_object(p, &h, &t);
	struct tinfo tc;
	int kind;

	if (obj == 0)
		return;
	tc = *t;	/* the bases' reads may take t's slot */
	if ((kind = base_kind(p, &tc)) != K_NONE)
		index_object(p, b + (obj - block), obj, (uint32_t)(size -
		    (obj - block)), kind);
}

/* Indexes a container block by its out-of-line table(s).  The builtin
 * containers have no pre-header: the object follows the GC head. */
static void
index_block(struct pyobj *p, const uint8_t *b, uint64_t block, uint32_t size,
    unsigned kind, uint32_t type)
{
	unsigned off = p->pl->gc_head_size;
	uint64_t obj;

	if (size >= 32 && b[15] == p->pl->debug_byte &&
	    b[14] == p->pl->debug_byte)
		off += 16;
	if (kind == K_INLINE || kind == K_HEAP)
		index_subclass(p, b, block, size, type);
	if (kind == K_HEAP)
		return;
	if (kind == K_INLINE) {	/* instance with 3.11/3.12 values */
		uint64_t v;

		off += p->pl->preheader_size;
		if (off + 16 > size)
			return;
		obj = block + off;
		if (p->ol->inline_values == PYOBJ_INLINE_311)
			v = py_load64(b + off - 32);
		else if ((v = py_load64(b + off - 24)) & 1)
			v += 1;	/* stored as values - 1 (3.12) */
		else
			return;
		add_cont(p, v, obj, C_INLINE);
		return;
	}
	if (off + 48 <= size)
		index_object(p, b + off, block + off, size - off, kind);
}

static void
scan_words(struct pyobj *p, const uint8_t *b, size_t len, uint64_t addr,
    uint64_t block, uint32_t type)
{
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t w = py_load64(b + i);

		if (w >= p->tlo && w <= p->thi && is_target(p, w))
			add_hit(p, addr + i, w, block, (uint32_t)len, type,
			    block != 0 ? b : NULL);
	}
}

static void
scan_pool(struct pyobj *p, const struct heap_pool *pool, uint64_t addr,
    const uint8_t *buf)
{
	const struct heap_layout *g = &p->heap->layout;
	uint32_t size = heap_block_size(g, pool->szidx);
	uint32_t n = heap_blocks_per_pool(g, pool->szidx), i;

	for (i = 0; i < n; i++) {
		uint32_t off = g->pool_overhead + i * size, type;

		if (off >= pool->nextoffset || off + size > g->pool_size)
			break;
		if (heap_block_state(p->heap, pool, i) != BLOCK_ALLOCATED)
			continue;
		type = heap_block_type(pool, i);
		if (!p->indexed && p->type_kind[type] != 0)
			index_block(p, buf + off, addr + off, size,
			    p->type_kind[type], type);
		scan_words(p, buf + off, size, addr + off, addr + off, type);
	}
}

struct batch {
	size_t			 n;
	struct source_read	 rd[BATCH_POOLS];
	const struct heap_pool	*which[BATCH_POOLS];
	uint8_t			*buf;
};

static int
flush(struct pyobj *p, struct batch *b, char **cause)
{
	size_t i, ps = p->heap->layout.pool_size;

	if (b->n > 0 && source_read(p->src, b->rd, b->n, cause) != 0)
		return -1;
	for (i = 0; i < b->n; i++) {
		if (b->rd[i].got == ps)
			scan_pool(p, b->which[i], b->rd[i].addr, b->rd[i].buf);
		p->scanned_arena += b->rd[i].got;
	}
	b->n = 0;
	return 0;
}

/* Every FULL or USED pool, BATCH_POOLS to a read. */
static int
scan_arenas(struct pyobj *p, char **cause)
{
	const struct heap *h = p->heap;
	size_t ps = h->layout.pool_size, a;
	struct batch b = { .n = 0 };
	int rc = 0;

	b.buf = xmalloc(ps * BATCH_POOLS);
	for (a = 0; a < h->narenas && rc == 0; a++) {
		uint32_t k;

		for (k = 0; k < h->arenas[a].npools && rc == 0; k++) {
			const struct heap_pool *pool = &h->arenas[a].pools[k];

			if (pool->state != POOL_FULL && pool->state != POOL_USED)
				continue;
			b.which[b.n] = pool;
			b.rd[b.n] = (struct source_read){ .addr =
			    heap_pool_address(h, &h->arenas[a], k),
			    .buf = b.buf + b.n * ps, .len = ps };
			if (++b.n == BATCH_POOLS)
				rc = flush(p, &b, cause);
		}
	}
	if (rc == 0)
		rc = flush(p, &b, cause);
	free(b.buf);
	return rc;
}

/* Anonymous writable memory outside the arenas, [lo, hi), in pieces. */
static void
scan_span(struct pyobj *p, uint64_t lo, uint64_t hi, uint8_t *buf)
{
	while (lo < hi) {
		struct source_read r = { .addr = lo, .buf = buf,
		    .len = (size_t)HV_MIN(hi - lo, (uint64_t)OUTSIDE_CHUNK) };

		if (p->scanned_outside + r.len > p->b.max_outside_bytes) {
			p->outside_truncated = 1;
			return;
		}
		if (source_read(p->src, &r, 1, NULL) != 0)
			return;
		scan_words(p, buf, r.got & ~(size_t)7, lo, 0, 0);
		p->scanned_outside += r.len;
		lo += r.len;
	}
}

static int
anonymous(const struct source_region *r)
{
	return (r->perms & (SOURCE_R | SOURCE_W)) == (SOURCE_R | SOURCE_W) &&
	    r->inode == 0 && (r->name[0] == '\0' ||
	    strcmp(r->name, "[heap]") == 0);
}

static void
scan_outside(struct pyobj *p)
{
	const struct heap *h = p->heap;
	uint64_t asz = h->layout.arena_size;
	struct source_region *r;
	size_t n, i, a = 0;
	uint8_t *buf;

	if (source_regions(p->src, &r, &n, NULL) != 0)
		return;
	buf = xmalloc(OUTSIDE_CHUNK);
	for (i = 0; i < n; i++) {
		uint64_t lo = r[i].start;

		if (!anonymous(&r[i]))
			continue;
		/* arenas are sorted by address (heap_finish) */
		while (a < h->narenas && h->arenas[a].address + asz <= lo)
			a++;
		while (a < h->narenas && h->arenas[a].address < r[i].end) {
			scan_span(p, lo, HV_MIN(h->arenas[a].address, r[i].end),
			    buf);
			lo = HV_MAX(lo, h->arenas[a].address + asz);
			a++;
		}
		scan_span(p, lo, r[i].end, buf);
	}
	free(buf);
	source_regions_free(r, n);
}

/* heap type index -> what index_block() makes of its blocks. */
static void
kinds(struct pyobj *p)
{
	uint32_t i;

	p->type_kind = xcalloc(p->heap->ntypes + 1, 1);
	for (i = 1; i < p->heap->ntypes; i++) {
		const struct heap_type *t = &p->heap->types[i];

		if (strcmp(t->name, "list") == 0)
			p->type_kind[i] = K_LIST;
		else if (strcmp(t->name, "dict") == 0)
			p->type_kind[i] = K_DICT;
		else if (strcmp(t->name, "set") == 0 ||
		    strcmp(t->name, "frozenset") == 0)
			p->type_kind[i] = K_SET;
		else if ((t->flags & HEAP_TYPE_HEAPTYPE) &&
		    (p->ol->inline_values == PYOBJ_INLINE_311 ||
		    p->ol->inline_values == PYOBJ_INLINE_312))
			p->type_kind[i] = K_INLINE;
		else if (t->flags & HEAP_TYPE_HEAPTYPE)
			p->type_kind[i] = K_HEAP;	/* a subclass? */
	}
}

struct pyobj *
pyobj_open(struct source *src, const struct heap *h,
    const struct py_layout *pl, int major, int minor,
    const struct pyobj_bounds *b, char **cause)
{
	const struct pyobj_containers *ol = pyobj_containers_find(major, minor);
	struct pyobj *p;

	if (ol == NULL) {
		util_cause(cause, "referrers are not supported on Python %d.%d",
		    major, minor);
		return NULL;
	}
	if (h->level != HEAP_LEVEL_BLOCKS || h->ntypes == 0) {
		util_cause(cause, "referrers need a block-level capture with "
		    "types");
		return NULL;
	}
	p = xcalloc(1, sizeof *p);
	p->src = src;
	p->heap = h;
	p->pl = pl;
	p->ol = ol;
	p->minor = minor;
	if (b != NULL)
		p->b = *b;
	if (p->b.max_depth == 0)
		p->b.max_depth = PYOBJ_DEFAULT_DEPTH;
	if (p->b.max_objects == 0)
		p->b.max_objects = PYOBJ_DEFAULT_OBJECTS;
	if (p->b.max_refs == 0)
		p->b.max_refs = PYOBJ_DEFAULT_REFS;
	if (p->b.max_outside_bytes == 0)
		p->b.max_outside_bytes = PYOBJ_DEFAULT_OUTSIDE;
	if (p->b.max_seconds <= 0)
		p->b.max_seconds = PYOBJ_DEFAULT_SECONDS;
	kinds(p);
	return p;
}

const struct heap *
pyobj_heap(const struct pyobj *p)
{
	return p->heap;
}

void
pyobj_set_runtime(struct pyobj *p, uint64_t runtime)
{
	p->runtime = runtime;
	p->runtime_known = 0;	/* the pid is still to be read */
}

const struct pyobj_bounds *
pyobj_bounds(const struct pyobj *p)
{
	return &p->b;
}

static void
hits_free(struct pyobj *p)
{
	size_t i;

	for (i = 0; i < p->nhits; i++)
		free(p->hits[i].bytes);
	p->nhits = 0;
}

void
pyobj_close(struct pyobj *p)
{
	if (p == NULL)
		return;
	hits_free(p);
	free(p->hits);
	free(p->frames);
	free(p->conts);
	free(p->type_kind);
	free(p);
}

int
pyobj_referrers(struct pyobj *p, const uint64_t *targets, size_t n,
    struct pyobj_ref **out, size_t *nout, char **cause)
{
	uint64_t *t = xcalloc(n + 1, sizeof *t);
	size_t i;

	*out = NULL;
	*nout = 0;
	memcpy(t, targets, n * sizeof *t);
	qsort(t, n, sizeof *t, u64_cmp);
	p->targets = t;
	p->ntargets = n;
	p->tlo = n > 0 ? t[0] : 1;
	p->thi = n > 0 ? t[n - 1] : 0;
	p->scanned_arena = p->scanned_outside = 0;
	p->outside_truncated = 0;
	p->frames_read = 0;
	hits_free(p);
	if (scan_arenas(p, cause) != 0) {
		free(t);
		return -1;
	}
	if (!p->indexed) {
		if (p->nconts > 0)	/* none: conts is NULL */
			qsort(p->conts, p->nconts, sizeof *p->conts, cont_cmp);
		p->indexed = 1;
	}
	scan_outside(p);
	*out = xcalloc(p->nhits + 1, sizeof **out);
	for (i = 0; i < p->nhits; i++)
		explain(p, &p->hits[i], &(*out)[i]);
	*nout = p->nhits;
	p->bound_hit = p->nhits >= p->b.max_refs;
	hits_free(p);
	free(t);
	p->targets = NULL;
	return 0;
}

uint64_t
pyobj_scanned_arena(const struct pyobj *p)
{
	return p->scanned_arena;
}

uint64_t
pyobj_scanned_outside(const struct pyobj *p)
{
	return p->scanned_outside;
}

int
pyobj_outside_truncated(const struct pyobj *p)
{
	return p->outside_truncated;
}

int
pyobj_hit_bound(const struct pyobj *p)
{
	return p->bound_hit;
}

/* The value of the str key name in a dict, as text: a module's
 * __name__, a class's __module__. */
int
pyobj_dict_str(struct pyobj *p, uint64_t dict, const char *name, char *buf,
    size_t len)
{
	uint64_t keys, values = 0, i, k, v, mask;
	struct entries e;
	char kr[PYOBJ_NAME_MAX], want[PYOBJ_NAME_MAX];

	snprintf(want, sizeof want, "'%s'", name);
	if (p->ol->dict == PYOBJ_DICT27) {
		if (rd64(p, dict + DICT_KEYS, &mask) != 0 || mask >= 4096 ||
		    rd64(p, dict + DICT_VALUES, &keys) != 0)
			return -1;
		e = (struct entries){ keys, mask + 1, 24, 8 };
	} else if (rd64(p, dict + DICT_KEYS, &keys) != 0 ||
	    rd64(p, dict + DICT_VALUES, &values) != 0 ||
	    keys_entries(p, keys, &e) != 0) {
		return -1;
	}
	for (i = 0; i < e.n && i < 4096; i++) {
		uint64_t at = e.start + i * e.esize + e.key_off;

		if (rd64(p, at, &k) != 0 || !ptr_ok(k))
			continue;
		pyobj_key_repr(p, k, kr, sizeof kr);
		if (strcmp(kr, want) != 0)
			continue;
		if (values != 0 ? rd64(p, values + p->ol->values_off + i * 8,
		    &v) : rd64(p, at + 8, &v))
			return -1;
		return str_text(p, v, buf, len);
	}
	return -1;
}

uint64_t
pyobj_block_object(struct pyobj *p, uint64_t block, uint32_t size,
    uint32_t type)
{
	uint8_t b[128];
	struct hit h = { .block = block, .size = HV_MIN(size, (uint32_t)sizeof b),
	    .type = type, .bytes = b };
	const struct tinfo *t;

	if (type == HEAP_TYPE_RAW || type >= p->heap->ntypes ||
	    rd(p, block, b, h.size) != 0)
		return 0;
	return block_object(p, &h, &t);
}
