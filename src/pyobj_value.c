/*
 * Values of CPython objects from their bytes (see pyobj_value.h).
 *
 * Layouts, per version (offsets from the object's start):
 *  - str, 3.3 - 3.11: PyASCIIObject is head, length (16), hash (24), state
 *    (32: interned:2 kind:3 compact:1 ascii:1 ready:1), wstr (40): 48 bytes,
 *    compact ASCII data follows; PyCompactUnicodeObject adds utf8_length,
 *    utf8, wstr_length (64): 72 bytes, other compact data follows; a
 *    non-compact (legacy) str -- a str subclass's instance, or one made by
 *    the old Py_UNICODE API -- keeps its data pointer at 72, and one not
 *    "ready" has only wstr (wchar_t, 4 bytes here).  3.12 dropped wstr:
 *    40 and 56 bytes, the data pointer at 56, bit 7 is statically_allocated.
 *  - int: ob_size (16, its sign the number's) then 30-bit digits (24);
 *    3.12+ lv_tag (16): digit count << 3 | sign (0 positive, 1 zero,
 *    2 negative).  2.7 int is a C long at 16, 2.7 long as 3.x before 3.12.
 *  - bytes: ob_size (16), ob_shash (24), data (32); 2.7 str: ob_size, hash,
 *    ob_sstate (32, an int), data (36).  2.7 unicode: length (16), a
 *    Py_UNICODE buffer pointer (24); pyenv's and Debian's 2.7 are UCS4.
 *  - float: the double at 16; list: ob_size (16), allocated (32); tuple:
 *    ob_size, items inline from 24; dict: ma_used (16; 24 on 2.7); set and
 *    frozenset: fill (16), used (24); bytearray: ob_size, ob_alloc (24).
 *  - name objects: tp_name (24, a C string), func_name, md_name (3.x),
 *    co_name: measured on each interpreter with ctypes (the table).
 * Instances are shown as <Type at 0x...> without their attribute names:
 * those need the instance's dict -- tp_dictoffset from the type, the dict,
 * its keys table, then each key -- or in 3.11+ the managed dict or inline
 * values with the keys shared through the type, three or four dependent
 * reads per object, which a bounded one-step read does not give.
 */
#include "config.h"

#include "heap_types.h"
#include "pymalloc_internal.h"
#include "pyobj_value.h"
#include "util.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LENGTH	((uint64_t)1 << 40)
#define MAX_POINTER	((uint64_t)1 << 47)

static const struct pyobj_layout layouts[] = {
	{ .major = 2, .minor_lo = 7, .minor_hi = 7,
	  .long_digit_bits = 30, .dict_used = 24, .func_name = 56,
	  .code_name = 88, .unicode27_size = 4 },
	{ .major = 3, .minor_lo = 6, .minor_hi = 7,
	  .str_ascii_size = 48, .str_compact_size = 72, .str_wstr = 40,
	  .str_wstr_length = 64, .str_has_ready = 1, .long_digit_bits = 30,
	  .dict_used = 16, .func_name = 64, .module_name = 48,
	  .code_name = 104 },
	{ .major = 3, .minor_lo = 8, .minor_hi = 9,
	  .str_ascii_size = 48, .str_compact_size = 72, .str_wstr = 40,
	  .str_wstr_length = 64, .str_has_ready = 1, .long_digit_bits = 30,
	  .dict_used = 16, .func_name = 64, .module_name = 48,
	  .code_name = 112 },
	{ .major = 3, .minor_lo = 10, .minor_hi = 10,
	  .str_ascii_size = 48, .str_compact_size = 72, .str_wstr = 40,
	  .str_wstr_length = 64, .str_has_ready = 1, .long_digit_bits = 30,
	  .dict_used = 16, .func_name = 32, .module_name = 48,
	  .code_name = 112 },
	{ .major = 3, .minor_lo = 11, .minor_hi = 11,
	  .str_ascii_size = 48, .str_compact_size = 72, .str_wstr = 40,
	  .str_wstr_length = 64, .str_has_ready = 1, .long_digit_bits = 30,
	  .dict_used = 16, .func_name = 32, .module_name = 48,
	  .code_name = 120 },
	{ .major = 3, .minor_lo = 12, .minor_hi = 14,
	  .str_ascii_size = 40, .str_compact_size = 56, .long_tag = 1,
	  .long_digit_bits = 30, .dict_used = 16, .func_name = 32,
	  .module_name = 48, .code_name = 120 },
};

const struct pyobj_layout *
pyobj_layout_find(int major, int minor)
{
	size_t i;

	for (i = 0; i < sizeof layouts / sizeof layouts[0]; i++) {
		if (layouts[i].major == major && minor >= layouts[i].minor_lo &&
		    minor <= layouts[i].minor_hi)
			return &layouts[i];
	}
	return NULL;
}

static const struct {
	const char	*name;
	int		 major;		/* 0: both */
	enum pyobj_kind	 kind;
} kinds[] = {
	{ "str", 3, PYOBJ_STR }, { "str", 2, PYOBJ_STR27 },
	{ "unicode", 2, PYOBJ_UNICODE27 }, { "bytes", 3, PYOBJ_BYTES },
	{ "int", 3, PYOBJ_LONG }, { "int", 2, PYOBJ_INT27 },
	{ "long", 2, PYOBJ_LONG }, { "bool", 0, PYOBJ_BOOL },
	{ "float", 0, PYOBJ_FLOAT }, { "NoneType", 0, PYOBJ_NONE },
	{ "list", 0, PYOBJ_LIST }, { "tuple", 0, PYOBJ_TUPLE },
	{ "dict", 0, PYOBJ_DICT }, { "set", 0, PYOBJ_SET },
	{ "frozenset", 0, PYOBJ_SET }, { "bytearray", 0, PYOBJ_BYTEARRAY },
	{ "type", 0, PYOBJ_TYPE }, { "function", 0, PYOBJ_FUNCTION },
	{ "module", 0, PYOBJ_MODULE }, { "code", 0, PYOBJ_CODE },
	{ "instance", 2, PYOBJ_INSTANCE },
};

enum pyobj_kind
pyobj_kind_of(const struct pyobj_layout *l, const char *name, int heaptype)
{
	size_t i;

	if (heaptype)
		return PYOBJ_INSTANCE;
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if ((kinds[i].major == 0 || kinds[i].major == l->major) &&
		    strcmp(kinds[i].name, name) == 0)
			return kinds[i].kind;
	}
	return PYOBJ_OTHER;
}

static void
unknown(struct pyobj_value *v)
{
	strcpy(v->text, "?");
	v->need_len = 0;
}

static int
pointer_ok(uint64_t p, unsigned align)
{
	return p >= 4096 && p < MAX_POINTER && p % align == 0;
}

/* ---- text ---------------------------------------------------------------- */

/* Python's escape of one character inside quote q, into e; its length. */
static size_t
escape(uint32_t cp, char q, char *e)
{
	/* Most characters of most strings: no formatting. */
	if (cp >= 0x20 && cp < 0x7f && cp != (uint32_t)q && cp != '\\') {
		e[0] = (char)cp;
		return 1;
	}
	if (cp == (uint32_t)q || cp == '\\')
		return (size_t)sprintf(e, "\\%c", (char)cp);
	if (cp == '\n')
		return (size_t)sprintf(e, "\\n");
	if (cp == '\r')
		return (size_t)sprintf(e, "\\r");
	if (cp == '\t')
		return (size_t)sprintf(e, "\\t");
	if (cp >= 0x20 && cp < 0x7f)
		return (size_t)sprintf(e, "%c", (char)cp);
	if (cp < 0x100)
		return (size_t)sprintf(e, "\\x%02x", cp);
	if (cp < 0x10000)
		return (size_t)sprintf(e, "\\u%04x", cp);
	return (size_t)sprintf(e, "\\U%08x", cp);
}

static uint32_t
load_char(const uint8_t *p, uint32_t width)
{
	if (width == 1)
		return p[0];
	if (width == 2)
		return (uint32_t)p[0] | (uint32_t)p[1] << 8;
	return py_load32(p);
}

/*
 * The quoted text of avail characters of width bytes at data, of a string
 * length characters long: prefix, quote q (0: none), escaped characters up
 * to the budget, then "..." and the length when cut.  max_cp bounds the
 * code points (0x7f ASCII, 0xff bytes, 0x10ffff Unicode): above it the
 * bytes do not hold up and the text is "?".
 */
static void
render_chars(struct pyobj_value *v, const char *prefix, char q,
    const uint8_t *data, uint64_t avail, uint64_t length, uint32_t width,
    uint32_t max_cp)
{
	char *o = v->text, e[16];
	size_t used, k;
	uint64_t i;
	int cut = avail < length;

	used = (size_t)snprintf(o, PYOBJ_VALUE_MAX, "%s", prefix);
	if (q != 0)
		o[used++] = q;
	for (i = 0; i < avail; i++) {
		uint32_t cp = load_char(data + i * width, width);

		if (cp > max_cp) {
			unknown(v);
			return;
		}
		k = escape(cp, q != 0 ? q : '\'', e);
		if (used + k > strlen(prefix) + 1 + PYOBJ_TEXT_BUDGET) {
			cut = 1;
			break;
		}
		memcpy(o + used, e, k);
		used += k;
	}
	if (q != 0)
		o[used++] = q;
	o[used] = '\0';
	if (cut)
		snprintf(o + used, PYOBJ_VALUE_MAX - used, "... (%" PRIu64
		    " chars)", length);
}

/* ---- str ------------------------------------------------------------------ */

struct str_state {
	unsigned	kind, compact, ascii, ready;
};

static void
str_state(const struct pyobj_layout *l, uint32_t s, struct str_state *st)
{
	st->kind = s >> 2 & 7;
	st->compact = s >> 5 & 1;
	st->ascii = s >> 6 & 1;
	st->ready = l->str_has_ready ? s >> 7 & 1 : 1;
}

/* A str read elsewhere: the second step reads its characters. */
static int
str_elsewhere(struct pyobj_value *v, uint64_t data, uint64_t length,
    uint32_t width)
{
	uint64_t len = length * width;

	if (!pointer_ok(data, width))
		return unknown(v), 0;
	v->length = length;
	v->width = width;
	v->need_addr = data;
	v->need_len = (uint32_t)HV_MIN(len, (uint64_t)PYOBJ_NEED_MAX / width *
	    width);
	if (v->need_len == 0) {		/* the empty string */
		render_chars(v, "", '\'', NULL, 0, 0, 1, 0x7f);
		return 0;
	}
	return 1;
}

/*
 * A PEP 393 str.  A compact one is final here when it fits in n bytes; a
 * name object read whole (partial_ok) may be cut short and shows what was
 * read.  q is the quote (0 for names).
 */
static int
str_from(const struct pyobj_layout *l, const uint8_t *obj, size_t n,
    struct pyobj_value *v, int partial_ok, char q)
{
	struct str_state st;
	uint64_t length, off, avail;
	uint32_t width;

	if (l->str_ascii_size == 0 || n < l->str_ascii_size)
		return unknown(v), 0;
	length = py_load64(obj + 16);
	str_state(l, py_load32(obj + 32), &st);
	if (!st.ready) {	/* legacy, its wchar_t text only */
		if (st.compact || n < l->str_compact_size)
			return unknown(v), 0;
		length = py_load64(obj + l->str_wstr_length);
		if (length >= MAX_LENGTH)
			return unknown(v), 0;
		return str_elsewhere(v, py_load64(obj + l->str_wstr), length, 4);
	}
	if (length >= MAX_LENGTH || (st.kind != 1 && st.kind != 2 &&
	    st.kind != 4) || (st.ascii && st.kind != 1))
		return unknown(v), 0;
	width = st.kind;
	if (!st.compact) {
		if (n < l->str_compact_size + 8)
			return unknown(v), 0;
		return str_elsewhere(v, py_load64(obj + l->str_compact_size),
		    length, width);
	}
	off = st.ascii ? l->str_ascii_size : l->str_compact_size;
	if (n < off)
		return unknown(v), 0;
	avail = (n - off) / width;
	if (avail < length + 1) {	/* its data (and NUL) past the bytes */
		if (!partial_ok)
			return unknown(v), 0;
	} else if (load_char(obj + off + length * width, width) != 0) {
		return unknown(v), 0;
	} else
		avail = length;
	render_chars(v, "", q, obj + off, avail, length,
	    width, st.ascii ? 0x7f : width == 1 ? 0xff : 0x10ffff);
	return 0;
}

/* 2.7 str and 3.x bytes: ob_size at 16, data at off, NUL-terminated. */
static int
bytes_from(const uint8_t *obj, size_t n, struct pyobj_value *v, size_t off,
    const char *prefix, int partial_ok, char q)
{
	uint64_t size, avail;

	if (n < off + 1)
		return unknown(v), 0;
	size = py_load64(obj + 16);
	avail = n - off;
	if (size >= MAX_LENGTH)
		return unknown(v), 0;
	if (avail < size + 1) {
		if (!partial_ok)
			return unknown(v), 0;
	} else if (obj[off + size] != 0) {
		return unknown(v), 0;
	} else
		avail = size;
	render_chars(v, prefix, q, obj + off, avail, size, 1, 0xff);
	return 0;
}

/* ---- numbers ------------------------------------------------------------- */

static void
u128_decimal(unsigned __int128 x, char *out, size_t len)
{
	char tmp[48];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + (int)(x % 10));
		x /= 10;
	} while (x != 0 && n < sizeof tmp);
	for (i = 0; i < n && i + 1 < len; i++)
		out[i] = tmp[n - 1 - i];
	out[i] = '\0';
}

static unsigned
bit_length(uint32_t d)
{
	unsigned b = 0;

	while (d != 0) {
		b++;
		d >>= 1;
	}
	return b;
}

/* 3.x int, 2.7 long: exact up to four digits (120 bits), then by the
 * number of decimal digits. */
static void
long_from(const struct pyobj_layout *l, const uint8_t *obj, size_t n,
    struct pyobj_value *v, const char *suffix)
{
	uint64_t nd, i, room;
	unsigned __int128 x = 0;
	uint32_t top = 0;
	int neg;
	char num[48];

	if (n < 24)
		return unknown(v);
	if (l->long_tag) {
		uint64_t tag = py_load64(obj + 16);
		unsigned sign = tag & 3;

		nd = tag >> 3;
		neg = sign == 2;
		if (sign == 3 || (sign == 1) != (nd == 0))
			return unknown(v);
	} else {
		int64_t size = (int64_t)py_load64(obj + 16);

		neg = size < 0;
		nd = neg ? (uint64_t)0 - (uint64_t)size : (uint64_t)size;
	}
	room = (n - 24) / 4;
	if (nd > room)		/* digits past the block */
		return unknown(v);
	for (i = nd; i-- > 0;) {
		uint32_t d = py_load32(obj + 24 + i * 4);

		if (d >> l->long_digit_bits != 0 || (i == nd - 1 && d == 0))
			return unknown(v);	/* not a digit; not normalized */
		if (i == nd - 1)
			top = d;
		if (nd <= 4)
			x = x << l->long_digit_bits | d;
	}
	if (nd <= 4) {
		u128_decimal(x, num, sizeof num);
		snprintf(v->text, sizeof v->text, "%s%s%s", neg ? "-" : "", num,
		    suffix);
		return;
	}
	snprintf(v->text, sizeof v->text, "%sint of ~%.0f decimal digits",
	    neg ? "negative " : "", floor((double)((nd - 1) *
	    l->long_digit_bits + bit_length(top)) * 0.30102999566398120) + 1);
}

/* 2.7 int (a C long at 16) and bool: 2.7's an int, 3.x's an int of one
 * digit (1) or none (0). */
static void
small_int_from(const struct pyobj_layout *l, enum pyobj_kind kind,
    const uint8_t *obj, size_t n, struct pyobj_value *v)
{
	uint64_t x;
	uint32_t d;
	int ok, truth;

	if (n < 24 || (kind == PYOBJ_BOOL && l->major != 2 && n < 28))
		return unknown(v);
	x = py_load64(obj + 16);
	if (kind == PYOBJ_INT27) {
		snprintf(v->text, sizeof v->text, "%" PRId64, (int64_t)x);
		return;
	}
	d = l->major == 2 ? 0 : py_load32(obj + 24);
	if (l->major == 2) {
		ok = x <= 1;
		truth = x == 1;
	} else if (l->long_tag) {	/* lv_tag: 1 zero, 8 one digit */
		ok = (x == 1 && d == 0) || (x == 8 && d == 1);
		truth = x == 8;
	} else {			/* ob_size */
		ok = x == 0 || (x == 1 && d == 1);
		truth = x == 1;
	}
	if (!ok)
		return unknown(v);
	strcpy(v->text, truth ? "True" : "False");
}

static void
float_from(const uint8_t *obj, size_t n, struct pyobj_value *v)
{
	uint64_t bits;
	double d;
	int prec;

	if (n < 24)
		return unknown(v);
	bits = py_load64(obj + 16);
	memcpy(&d, &bits, sizeof d);
	if (isnan(d)) {
		strcpy(v->text, "nan");
		return;
	}
	if (isinf(d)) {
		strcpy(v->text, d < 0 ? "-inf" : "inf");
		return;
	}
	/* repr(): the shortest text that reads back as the same double. */
	for (prec = 1; prec <= 17; prec++) {
		snprintf(v->text, sizeof v->text, "%.*g", prec, d);
		if (strtod(v->text, NULL) == d)
			break;
	}
	if (strpbrk(v->text, ".e") == NULL)
		strcat(v->text, ".0");
}

/* ---- containers and names ------------------------------------------------- */

static void
count_text(struct pyobj_value *v, const char *what, int64_t count,
    const char *unit)
{
	if (count < 0 || (uint64_t)count >= MAX_LENGTH)
		return unknown(v);
	snprintf(v->text, sizeof v->text, "%s, %" PRId64 " %s%s", what, count,
	    unit, count == 1 ? "" : "s");
}

static void
container_from(const struct pyobj_layout *l, enum pyobj_kind kind,
    const char *name, const uint8_t *obj, size_t n, struct pyobj_value *v)
{
	/* The second field each checks the count against: list's allocated,
	 * set's used (<= fill), bytearray's ob_alloc (after 2.7's int
	 * ob_exports); the fields a kind reads must be in the block. */
	unsigned second = kind == PYOBJ_LIST ? 32 : kind == PYOBJ_SET ? 24 :
	    kind == PYOBJ_BYTEARRAY ? (l->major == 2 ? 32 : 24) :
	    kind == PYOBJ_DICT ? l->dict_used : 16;
	int64_t a, b;

	if (n < 24 || n < second + 8)
		return unknown(v);
	a = (int64_t)py_load64(obj + 16);
	b = (int64_t)py_load64(obj + second);
	switch (kind) {
	case PYOBJ_LIST:	/* ob_size <= allocated */
		if (a > b)
			return unknown(v);
		return count_text(v, name, a, "item");
	case PYOBJ_TUPLE:	/* items inline: they must fit */
		if (a < 0 || (uint64_t)a > (n - 24) / 8)
			return unknown(v);
		return count_text(v, name, a, "item");
	case PYOBJ_DICT:
		return count_text(v, name, b, "item");
	case PYOBJ_SET:		/* used <= fill */
		if (b > a)
			return unknown(v);
		return count_text(v, name, b, "item");
	default:		/* bytearray: ob_size <= ob_alloc */
		if (a > b)
			return unknown(v);
		return count_text(v, name, a, "byte");
	}
}

/* The address of the name a function, module, code object or class keeps,
 * read in the second step. */
static int
name_from(const struct pyobj_layout *l, enum pyobj_kind kind, const uint8_t *obj,
    size_t n, struct pyobj_value *v)
{
	unsigned off = kind == PYOBJ_TYPE ? 24 : kind == PYOBJ_FUNCTION ?
	    l->func_name : kind == PYOBJ_MODULE ? l->module_name : l->code_name;
	uint64_t p;

	if (off == 0) {		/* 2.7 modules: the name is in the dict */
		snprintf(v->text, sizeof v->text, "<module at 0x%" PRIx64 ">",
		    v->addr);
		return 0;
	}
	if (n < off + 8)
		return unknown(v), 0;
	p = py_load64(obj + off);
	if (!pointer_ok(p, kind == PYOBJ_TYPE ? 1 : 8))
		return unknown(v), 0;
	v->need_addr = p;
	v->need_len = kind == PYOBJ_TYPE ? 120 : PYOBJ_NEED_MAX;
	return 1;
}

int
pyobj_value_from(const struct pyobj_layout *l, enum pyobj_kind kind,
    const char *name, uint64_t addr, const uint8_t *obj, size_t n,
    struct pyobj_value *v)
{
	memset(v, 0, sizeof *v);
	v->kind = kind;
	v->addr = addr;
	snprintf(v->tpname, sizeof v->tpname, "%s", name);
	switch (kind) {
	case PYOBJ_STR:
		return str_from(l, obj, n, v, 0, '\'');
	case PYOBJ_BYTES:
		return bytes_from(obj, n, v, 32, "b", 0, '\'');
	case PYOBJ_STR27:
		return bytes_from(obj, n, v, 36, "", 0, '\'');
	case PYOBJ_UNICODE27:
		if (l->unicode27_size == 0 || n < 32 ||
		    py_load64(obj + 16) >= MAX_LENGTH)
			return unknown(v), 0;
		if (str_elsewhere(v, py_load64(obj + 24), py_load64(obj + 16),
		    l->unicode27_size) == 0)
			return 0;
		return 1;
	case PYOBJ_LONG:
		long_from(l, obj, n, v, l->major == 2 ? "L" : "");
		return 0;
	case PYOBJ_INT27:
	case PYOBJ_BOOL:
		small_int_from(l, kind, obj, n, v);
		return 0;
	case PYOBJ_FLOAT:
		float_from(obj, n, v);
		return 0;
	case PYOBJ_NONE:
		strcpy(v->text, "None");
		return 0;
	case PYOBJ_LIST:
	case PYOBJ_TUPLE:
	case PYOBJ_DICT:
	case PYOBJ_SET:
	case PYOBJ_BYTEARRAY:
		container_from(l, kind, name, obj, n, v);
		return 0;
	case PYOBJ_TYPE:
	case PYOBJ_FUNCTION:
	case PYOBJ_MODULE:
	case PYOBJ_CODE:
		return name_from(l, kind, obj, n, v);
	default:
		snprintf(v->text, sizeof v->text, "<%.60s at 0x%" PRIx64 ">",
		    name, addr);
		return 0;
	}
}

/* A tp_name: a C string of printable ASCII, NUL within what was read. */
static void
cstring_name(struct pyobj_value *v, const char *what, const uint8_t *b,
    size_t got)
{
	size_t i;

	for (i = 0; i < got && b[i] != 0; i++) {
		if (b[i] < 0x20 || b[i] >= 0x7f)
			return unknown(v);
	}
	if (i == 0 || i == got)
		return unknown(v);
	snprintf(v->text, sizeof v->text, "%s %.*s", what, (int)HV_MIN(i, 80),
	    (const char *)b);
}

void
pyobj_value_more(const struct pyobj_layout *l, struct pyobj_value *v,
    const uint8_t *buf, size_t got)
{
	static const char *const what[] = {
		[PYOBJ_TYPE] = "class", [PYOBJ_FUNCTION] = "function",
		[PYOBJ_MODULE] = "module", [PYOBJ_CODE] = "code",
	};
	struct pyobj_value name;
	uint64_t avail;

	v->need_len = 0;
	switch (v->kind) {
	case PYOBJ_STR:
	case PYOBJ_UNICODE27:
		avail = HV_MIN((uint64_t)got / v->width, v->length);
		if (avail == 0)
			return unknown(v);
		render_chars(v, v->kind == PYOBJ_STR ? "" : "u", '\'', buf,
		    avail, v->length, v->width, 0x10ffff);
		return;
	case PYOBJ_TYPE:
		return cstring_name(v, what[v->kind], buf, got);
	case PYOBJ_FUNCTION:
	case PYOBJ_MODULE:
	case PYOBJ_CODE:
		/* The name is a str object (2.7: a PyStringObject), compact:
		 * its text is inside what was read. */
		memset(&name, 0, sizeof name);
		if ((l->major == 2 ? bytes_from(buf, got, &name, 36, "", 1, 0) :
		    str_from(l, buf, got, &name, 1, 0)) != 0 ||
		    strcmp(name.text, "?") == 0 || name.text[0] == '\0')
			return unknown(v);
		snprintf(v->text, sizeof v->text, "%s %.100s", what[v->kind],
		    name.text);
		return;
	default:
		return unknown(v);
	}
}

/* ---- the pinned arenas of a capture ------------------------------------- */

/* What a values pass read, for the debug log (and bench/README.md). */
struct values_stats {
	uint64_t	blocks, requests, bytes, second;
	double		read_ms;
};

struct pending {
	struct pyobj_value	*v;
	size_t			 n, cap;
	uint32_t		*type;
};

static struct pyobj_value *
pending_add(struct pending *pd, uint32_t type)
{
	if (pd->n == pd->cap) {
		pd->cap = pd->cap ? pd->cap * 2 : 256;
		pd->v = xreallocarray(pd->v, pd->cap, sizeof *pd->v);
		pd->type = xreallocarray(pd->type, pd->cap, sizeof *pd->type);
	}
	pd->type[pd->n] = type;
	return &pd->v[pd->n++];
}

/* The value of block i of a pool read again (bytes at b). */
static void
block_value(const struct pyobj_layout *ol, struct py_types *ty,
    const struct heap *h, uint32_t captured, uint64_t addr, const uint8_t *b,
    uint32_t size, struct pyobj_value *v)
{
	uint32_t t, off, avail;
	const struct heap_type *ht;

	if (py_types_locate(ty, b, size, &t, &off, &avail) != 0 ||
	    t != captured) {
		memset(v, 0, sizeof *v);
		v->addr = addr;
		return unknown(v);
	}
	ht = &h->types[t];
	pyobj_value_from(ol, pyobj_kind_of(ol, ht->name,
	    (ht->flags & HEAP_TYPE_HEAPTYPE) != 0), ht->name, addr + off,
	    b + off, avail, v);
}

/* The blocks of one arena to read again, and the requests that read them. */
struct block_item {
	uint64_t	addr;
	uint32_t	type, size;
	size_t		req, off;	/* in rd[req].buf */
};

struct arena_read {
	struct block_item	*it;
	size_t			 n, cap;
	struct source_read	*rd;
	size_t			 nrd, rdcap;
	uint8_t			*buf;
};

static void
add_request(struct arena_read *ar, uint64_t addr, size_t len)
{
	if (ar->nrd == ar->rdcap) {
		ar->rdcap = ar->rdcap ? ar->rdcap * 2 : 64;
		ar->rd = xreallocarray(ar->rd, ar->rdcap, sizeof *ar->rd);
	}
	ar->rd[ar->nrd++] = (struct source_read){ .addr = addr, .len = len };
}

/*
 * The requests for the blocks it[first..n) of one pool: one span from the
 * first to the last when it covers no more pages than there are blocks
 * (reading a block alone costs the kernel a page all the same), else one a
 * block.  A mostly free pool costs its few blocks, a busy one its pages.
 */
static void
pool_requests(struct arena_read *ar, size_t first)
{
	const struct block_item *last = &ar->it[ar->n - 1];
	uint64_t lo, hi;
	size_t k;

	if (first == ar->n)
		return;
	lo = ar->it[first].addr;
	hi = last->addr + last->size;
	if ((hi - 1) / 4096 - lo / 4096 + 1 <= ar->n - first) {
		add_request(ar, lo, (size_t)(hi - lo));
		for (k = first; k < ar->n; k++) {
			ar->it[k].req = ar->nrd - 1;
			ar->it[k].off = (size_t)(ar->it[k].addr - lo);
		}
		return;
	}
	for (k = first; k < ar->n; k++) {
		add_request(ar, ar->it[k].addr, ar->it[k].size);
		ar->it[k].req = ar->nrd - 1;
		ar->it[k].off = 0;
	}
}

/* The allocated blocks with a type of one pool, up to max in the arena. */
static void
pool_blocks(const struct heap *h, const struct heap_arena *a, uint32_t p,
    unsigned max, struct arena_read *ar)
{
	const struct heap_layout *g = &h->layout;
	const struct heap_pool *pl = &a->pools[p];
	uint32_t size = heap_block_size(g, pl->szidx);
	uint32_t nb = heap_blocks_per_pool(g, pl->szidx), i, t;

	for (i = 0; i < nb && (max == 0 || ar->n < max); i++) {
		if (heap_block_state(h, pl, i) != BLOCK_ALLOCATED ||
		    (t = heap_block_type(pl, i)) == HEAP_TYPE_RAW)
			continue;
		if (ar->n == ar->cap) {
			ar->cap = ar->cap ? ar->cap * 2 : 64;
			ar->it = xreallocarray(ar->it, ar->cap, sizeof *ar->it);
		}
		ar->it[ar->n++] = (struct block_item){
		    .addr = heap_pool_address(h, a, p) + g->pool_overhead +
		    (uint64_t)i * size, .type = t, .size = size };
	}
}

/* The blocks of one arena to read, up to max (0: all), and their requests
 * with their buffers. */
static void
arena_blocks(const struct heap *h, const struct heap_arena *a, unsigned max,
    struct arena_read *ar)
{
	size_t first, k, bytes = 0;
	uint32_t p;

	for (p = 0; p < a->npools && (max == 0 || ar->n < max); p++) {
		if (!a->pools[p].typed || (a->pools[p].state != POOL_FULL &&
		    a->pools[p].state != POOL_USED))
			continue;
		first = ar->n;
		pool_blocks(h, a, p, max, ar);
		pool_requests(ar, first);
	}
	for (k = 0; k < ar->nrd; k++)
		bytes += ar->rd[k].len;
	ar->buf = xmalloc(bytes + 1);
	for (k = 0, bytes = 0; k < ar->nrd; k++) {
		ar->rd[k].buf = ar->buf + bytes;
		bytes += ar->rd[k].len;
	}
}

/* The second step for every value that asked for one: one batched read. */
static int
second_step(struct source *src, const struct pyobj_layout *ol,
    struct pending *pd, struct values_stats *st, char **cause)
{
	struct source_read *rd = xcalloc(pd->n + 1, sizeof *rd);
	uint8_t *buf;
	size_t i, n = 0;
	int rc = 0;

	for (i = 0; i < pd->n; i++)
		n += pd->v[i].need_len > 0;
	buf = xmalloc((n + 1) * PYOBJ_NEED_MAX);
	for (i = 0, n = 0; i < pd->n; i++) {
		if (pd->v[i].need_len == 0)
			continue;
		rd[n] = (struct source_read){ .addr = pd->v[i].need_addr,
		    .buf = buf + n * PYOBJ_NEED_MAX, .len = pd->v[i].need_len };
		n++;
	}
	if (n > 0) {
		double t0 = util_monotonic();

		rc = source_read(src, rd, n, cause);
		st->read_ms += (util_monotonic() - t0) * 1000.0;
		st->second += n;
	}
	for (i = 0, n = 0; i < pd->n && rc == 0; i++) {
		if (pd->v[i].need_len == 0)
			continue;
		pyobj_value_more(ol, &pd->v[i], rd[n].buf, rd[n].got);
		n++;
	}
	free(rd);
	free(buf);
	return rc;
}

/*
 * One pinned arena: its objects' blocks read again in one batch -- a
 * pinned arena is mostly free, so its blocks are far fewer pages than its
 * pools -- then decoded, then their second reads.
 */
static int
pinned_arena(struct source *src, const struct pyobj_layout *ol,
    struct py_types *ty, struct heap *h, const struct heap_arena *a,
    unsigned max, struct values_stats *st, char **cause)
{
	struct arena_read ar = { 0 };
	struct pending pd = { 0 };
	size_t i;
	double t0;
	int rc;

	arena_blocks(h, a, max, &ar);
	t0 = util_monotonic();
	rc = ar.nrd > 0 ? source_read(src, ar.rd, ar.nrd, cause) : 0;
	st->read_ms += (util_monotonic() - t0) * 1000.0;
	st->blocks += ar.n;
	for (i = 0; i < ar.nrd; i++)
		st->bytes += ar.rd[i].len;
	st->requests += ar.nrd;
	for (i = 0; i < ar.n && rc == 0; i++) {
		const struct block_item *b = &ar.it[i];
		const struct source_read *r = &ar.rd[b->req];
		struct pyobj_value *v = pending_add(&pd, b->type);

		if (r->got < b->off + b->size) {
			memset(v, 0, sizeof *v);
			v->addr = b->addr;
			unknown(v);
		} else
			block_value(ol, ty, h, b->type, b->addr,
			    (const uint8_t *)r->buf + b->off, b->size, v);
	}
	if (rc == 0)
		rc = second_step(src, ol, &pd, st, cause);
	for (i = 0; i < pd.n && rc == 0; i++)
		heap_value_add(h, pd.v[i].addr, pd.type[i], pd.v[i].text);
	free(pd.v);
	free(pd.type);
	free(ar.it);
	free(ar.rd);
	free(ar.buf);
	return rc;
}

/* The same, during the capture, from the bytes it read: the arena's
 * carved pools, got bytes of them from first_pool on. */
int
pyobj_values_arena(struct source *src, int major, int minor,
    struct py_types *ty, struct heap *h, const struct heap_arena *a,
    const uint8_t *span, size_t got, unsigned max, char **cause)
{
	const struct pyobj_layout *ol = pyobj_layout_find(major, minor);
	struct arena_read ar = { 0 };
	struct pending pd = { 0 };
	struct values_stats st = { 0 };
	uint32_t p;
	size_t i;
	int rc;

	if (ol == NULL || h->ntypes == 0 || !heap_arena_pinned(h, a))
		return 0;
	h->has_values = 1;
	for (p = 0; p < a->npools && (max == 0 || ar.n < max); p++) {
		if (a->pools[p].typed && (a->pools[p].state == POOL_FULL ||
		    a->pools[p].state == POOL_USED))
			pool_blocks(h, a, p, max, &ar);
	}
	for (i = 0; i < ar.n; i++) {
		const struct block_item *b = &ar.it[i];
		uint64_t off = b->addr - a->first_pool;
		struct pyobj_value *v = pending_add(&pd, b->type);

		if (off + b->size > got) {
			memset(v, 0, sizeof *v);
			v->addr = b->addr;
			unknown(v);
		} else
			block_value(ol, ty, h, b->type, b->addr, span + off,
			    b->size, v);
	}
	rc = second_step(src, ol, &pd, &st, cause);
	for (i = 0; i < pd.n && rc == 0; i++)
		heap_value_add(h, pd.v[i].addr, pd.type[i], pd.v[i].text);
	free(pd.v);
	free(pd.type);
	free(ar.it);
	return rc;
}

int
pyobj_values_supported(int major, int minor)
{
	return pyobj_layout_find(major, minor) != NULL;
}

int
pyobj_values_pinned(struct source *src, int major, int minor,
    struct py_types *ty, struct heap *h, unsigned max_per_arena, char **cause)
{
	const struct pyobj_layout *ol = pyobj_layout_find(major, minor);
	struct values_stats st = { 0 };
	double t0 = util_monotonic();
	size_t i;
	int rc = 0;

	if (ol == NULL || h->ntypes == 0) {
		util_log("values: no object layouts for CPython %d.%d", major,
		    minor);
		return 0;
	}
	h->has_values = 1;
	for (i = 0; i < h->narenas && rc == 0; i++) {
		if (heap_arena_pinned(h, &h->arenas[i]))
			rc = pinned_arena(src, ol, ty, h, &h->arenas[i],
			    max_per_arena, &st, cause);
	}
	heap_values_sort(h);
	util_log("values: %zu objects, %llu blocks (%llu requests, %llu bytes) "
	    "and %llu second reads in %.2f ms of %.2f ms", h->nvalues,
	    (unsigned long long)st.blocks, (unsigned long long)st.requests,
	    (unsigned long long)st.bytes,
	    (unsigned long long)st.second, st.read_ms,
	    (util_monotonic() - t0) * 1000.0);
	return rc;
}

/* ---- one block, on demand ------------------------------------------------ */

/* Largest block pymalloc hands out (its small block threshold). */
#define BLOCK_MAX	512

int
pyobj_value_block(struct source *src, int major, int minor,
    struct py_types *ty, uint64_t addr, uint32_t size, const char *name,
    int heaptype, char *text, size_t len, char **cause)
{
	const struct pyobj_layout *ol = pyobj_layout_find(major, minor);
	uint8_t b[BLOCK_MAX], more[PYOBJ_NEED_MAX];
	struct source_read rd;
	struct pyobj_value v;
	uint32_t t, off, avail;
	const char *now;

	if (ol == NULL)
		return util_cause(cause, "no values for Python %d.%d", major,
		    minor);
	if (size < 16 || size > sizeof b)
		return util_cause(cause, "not a block size: %" PRIu32, size);
	if (source_read_exact(src, addr, b, size, cause) != 0)
		return -1;
	/* The object the frame saw, or the block has changed since. */
	if (py_types_locate(ty, b, size, &t, &off, &avail) != 0 ||
	    (now = py_types_name(ty, t)) == NULL || strcmp(now, name) != 0)
		return util_cause(cause, "the block no longer holds a %s", name);
	memset(&v, 0, sizeof v);
	if (pyobj_value_from(ol, pyobj_kind_of(ol, name, heaptype), name,
	    addr + off, b + off, avail, &v) == 1) {
		rd = (struct source_read){ .addr = v.need_addr, .buf = more,
		    .len = HV_MIN(v.need_len, (uint32_t)sizeof more) };
		if (source_read(src, &rd, 1, NULL) != 0)
			rd.got = 0;
		pyobj_value_more(ol, &v, more, rd.got);
	}
	snprintf(text, len, "%s", v.text);
	return 0;
}
