/*
 * Values of objects (pyobj_value.c) on hand-built bytes: str in every PEP
 * 393 kind and both layouts (3.6 - 3.11 with wstr, 3.12+ without), legacy
 * and not-ready strings through the second read, 2.7 str and unicode,
 * bytes, ints (small, negative, big; ob_size and 3.12's lv_tag), bools,
 * floats, None, containers, names; and hostile bytes: lengths past the
 * block, bad kinds, characters out of range, missing terminators,
 * pointers out of range.  The expected texts are Python's own repr()/
 * ascii() of the same values, written out by hand.
 */
#include "config.h"

#include "check.h"
#include "pyobj_value.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define OBJ_ADDR	0x7f0000001000ull
#define DATA_ADDR	0x7f0000200000ull

static const struct pyobj_layout *l27, *l36, *l311, *l312;
static uint8_t obj[512];

static void
put_char(uint8_t *p, uint32_t c, unsigned width)
{
	if (width == 1)
		p[0] = (uint8_t)c;
	else if (width == 2) {
		p[0] = (uint8_t)c;
		p[1] = (uint8_t)(c >> 8);
	} else
		put32(p, c);
}

/* A fresh object: refcount 1, some type pointer. */
static void
head(void)
{
	memset(obj, 0, sizeof obj);
	put64(obj, 1);
	put64(obj + 8, 0x555555600000ull);
}

/* The text of a value that needs no second read; "(wants more)" else. */
static const char *
value(const struct pyobj_layout *l, enum pyobj_kind k, const char *name,
    size_t n)
{
	static struct pyobj_value v;

	if (pyobj_value_from(l, k, name, OBJ_ADDR, obj, n, &v) != 0)
		return "(wants more)";
	return v.text;
}

/* The text of a value whose second read, at want_addr, gets ext. */
static const char *
value2(const struct pyobj_layout *l, enum pyobj_kind k, const char *name,
    size_t n, uint64_t want_addr, const void *ext, size_t got)
{
	static struct pyobj_value v;

	if (pyobj_value_from(l, k, name, OBJ_ADDR, obj, n, &v) != 1)
		return v.text;
	if (v.need_addr != want_addr)
		return "(wrong address)";
	if (v.need_len == 0 || v.need_len > PYOBJ_NEED_MAX)
		return "(wrong length)";
	pyobj_value_more(l, &v, ext, got < v.need_len ? got : v.need_len);
	return v.text;
}

/* A PEP 393 str of n code points cps of width bytes; compact or not, ASCII
 * or not.  Returns the object's size; a non-compact one points at DATA. */
static size_t
make_str(const struct pyobj_layout *l, const uint32_t *cps, size_t n,
    unsigned width, int compact, int ascii, uint8_t *data)
{
	uint32_t state = width << 2 | (unsigned)compact << 5 |
	    (unsigned)ascii << 6 | (l->str_has_ready ? 1u << 7 : 0);
	size_t off = ascii ? l->str_ascii_size : l->str_compact_size, i;
	uint8_t *d = compact ? obj + off : data;

	head();
	put64(obj + 16, n);
	put64(obj + 24, (uint64_t)-1);
	put32(obj + 32, state);
	if (!compact)
		put64(obj + l->str_compact_size, DATA_ADDR);
	for (i = 0; i < n; i++)
		put_char(d + i * width, cps[i], width);
	put_char(d + n * width, 0, width);
	return compact ? off + (n + 1) * width : l->str_compact_size + 8;
}

static size_t
make_ascii(const struct pyobj_layout *l, const char *s)
{
	uint32_t cps[300];
	size_t i, n = strlen(s);

	for (i = 0; i < n; i++)
		cps[i] = (unsigned char)s[i];
	return make_str(l, cps, n, 1, 1, 1, NULL);
}

static void
test_str_kinds(const struct pyobj_layout *l)
{
	static const uint32_t latin[] = { 'c', 'a', 'f', 0xe9 };
	static const uint32_t ucs2[] = { 0x20ac, '5' };
	static const uint32_t ucs4[] = { 'x', 0x1f600 };
	static const uint32_t esc[] = { 'a', '\'', 'b', '\\', '\n', 1, '\t' };
	uint8_t data[64];
	size_t n;

	n = make_ascii(l, "survivor-0042");
	CHECK_STR(value(l, PYOBJ_STR, "str", n), "'survivor-0042'");
	/* A block bigger than the object: the rest is another's. */
	CHECK_STR(value(l, PYOBJ_STR, "str", n + 40), "'survivor-0042'");
	n = make_ascii(l, "");
	CHECK_STR(value(l, PYOBJ_STR, "str", n), "''");
	n = make_str(l, latin, 4, 1, 1, 0, NULL);
	CHECK_STR(value(l, PYOBJ_STR, "str", n), "'caf\\xe9'");
	n = make_str(l, ucs2, 2, 2, 1, 0, NULL);
	CHECK_STR(value(l, PYOBJ_STR, "str", n), "'\\u20ac5'");
	n = make_str(l, ucs4, 2, 4, 1, 0, NULL);
	CHECK_STR(value(l, PYOBJ_STR, "str", n), "'x\\U0001f600'");
	n = make_str(l, esc, 7, 1, 1, 1, NULL);
	CHECK_STR(value(l, PYOBJ_STR, "str", n), "'a\\'b\\\\\\n\\x01\\t'");
	/* Legacy, not compact: a str subclass's data is elsewhere. */
	memset(data, 0, sizeof data);
	n = make_str(l, ucs2, 2, 2, 0, 0, data);
	CHECK_STR(value2(l, PYOBJ_STR, "str", n, DATA_ADDR, data, 6),
	    "'\\u20ac5'");
	n = make_str(l, latin, 4, 1, 0, 0, data);
	CHECK_STR(value2(l, PYOBJ_STR, "str", n, DATA_ADDR, data, 5),
	    "'caf\\xe9'");
	/* ... whose data cannot be read. */
	CHECK_STR(value2(l, PYOBJ_STR, "str", n, DATA_ADDR, data, 0), "?");
	put64(obj + l->str_compact_size, 0);
	CHECK_STR(value(l, PYOBJ_STR, "str", n), "?");
	put64(obj + l->str_compact_size, 1ull << 52);
	CHECK_STR(value(l, PYOBJ_STR, "str", n), "?");
	n = make_str(l, ucs2, 2, 2, 0, 0, data);
	put64(obj + l->str_compact_size, DATA_ADDR + 1);	/* misaligned */
	CHECK_STR(value(l, PYOBJ_STR, "str", n), "?");
}

static void
test_str_long(const struct pyobj_layout *l)
{
	char s[260];
	const char *t;
	size_t n;

	memset(s, 'x', 200);
	s[200] = '\0';
	n = make_ascii(l, s);
	t = value(l, PYOBJ_STR, "str", n);
	CHECK(strncmp(t, "'xxxxxxxx", 9) == 0);
	CHECK(strstr(t, "'... (200 chars)") != NULL);
	CHECK(strlen(t) < PYOBJ_VALUE_MAX);
	/* Escapes count against the budget: still bounded. */
	{
		uint32_t cps[100];
		int i;

		for (i = 0; i < 100; i++)
			cps[i] = 0x1f600;
		n = make_str(l, cps, 100, 4, 1, 0, NULL);
		t = value(l, PYOBJ_STR, "str", n);
		CHECK(strstr(t, "... (100 chars)") != NULL);
		CHECK(strlen(t) < PYOBJ_VALUE_MAX);
	}
}

static void
test_str_hostile(const struct pyobj_layout *l)
{
	static const uint32_t big[] = { 'a', 0x110000 };
	size_t n;

	n = make_ascii(l, "survivor");
	/* Length past the block. */
	put64(obj + 16, 1000);
	CHECK_STR(value(l, PYOBJ_STR, "str", n), "?");
	put64(obj + 16, (uint64_t)-5);
	CHECK_STR(value(l, PYOBJ_STR, "str", n), "?");
	/* The block ends before the NUL. */
	n = make_ascii(l, "survivor");
	CHECK_STR(value(l, PYOBJ_STR, "str", n - 1), "?");
	CHECK_STR(value(l, PYOBJ_STR, "str", 20), "?");
	/* No NUL where the length says. */
	obj[l->str_ascii_size + 8] = 'X';
	CHECK_STR(value(l, PYOBJ_STR, "str", n), "?");
	/* Bad kinds: 3, 0 (compact), ASCII flag on a 2-byte kind. */
	n = make_ascii(l, "ab");
	put32(obj + 32, 3u << 2 | 1u << 5 | (l->str_has_ready ? 1u << 7 : 0));
	CHECK_STR(value(l, PYOBJ_STR, "str", n + 16), "?");
	put32(obj + 32, 0u << 2 | 1u << 5 | (l->str_has_ready ? 1u << 7 : 0));
	CHECK_STR(value(l, PYOBJ_STR, "str", n + 16), "?");
	put32(obj + 32, 2u << 2 | 1u << 5 | 1u << 6 |
	    (l->str_has_ready ? 1u << 7 : 0));
	CHECK_STR(value(l, PYOBJ_STR, "str", n + 16), "?");
	/* A byte over 0x7f in an ASCII string. */
	n = make_ascii(l, "ab");
	obj[l->str_ascii_size] = 0xc3;
	CHECK_STR(value(l, PYOBJ_STR, "str", n), "?");
	/* A code point past Unicode. */
	n = make_str(l, big, 2, 4, 1, 0, NULL);
	CHECK_STR(value(l, PYOBJ_STR, "str", n), "?");
}

/* 3.6 - 3.11: a str not "ready" has only its wchar_t text. */
static void
test_str_unready(void)
{
	uint8_t data[32];
	int i;

	head();
	put64(obj + 16, (uint64_t)-1);
	put32(obj + 32, 0);		/* kind 0 (wchar), not compact, not ready */
	put64(obj + l36->str_wstr, DATA_ADDR);
	put64(obj + l36->str_wstr_length, 3);
	for (i = 0; i < 3; i++)
		put32(data + 4 * i, (uint32_t)"abc"[i]);
	CHECK_STR(value2(l36, PYOBJ_STR, "str", 80, DATA_ADDR, data, 12),
	    "'abc'");
	put64(obj + l36->str_wstr_length, 1ull << 50);
	CHECK_STR(value(l36, PYOBJ_STR, "str", 80), "?");
}

static void
test_bytes(void)
{
	static const uint8_t b[] = { 'a', 'b', 0, 0xff, '\'' };
	size_t n;

	head();
	put64(obj + 16, sizeof b);
	memcpy(obj + 32, b, sizeof b);
	n = 32 + sizeof b + 1;
	CHECK_STR(value(l312, PYOBJ_BYTES, "bytes", n), "b'ab\\x00\\xff\\''");
	CHECK_STR(value(l312, PYOBJ_BYTES, "bytes", n - 1), "?");
	put64(obj + 16, 4000);
	CHECK_STR(value(l312, PYOBJ_BYTES, "bytes", 64), "?");
	/* 2.7 str: the data at 36, after ob_sstate. */
	head();
	put64(obj + 16, 5);
	memcpy(obj + 36, "hello", 6);
	CHECK_STR(value(l27, PYOBJ_STR27, "str", 42), "'hello'");
	obj[41] = '!';
	CHECK_STR(value(l27, PYOBJ_STR27, "str", 48), "?");
}

static void
test_unicode27(void)
{
	uint8_t data[16];

	head();
	put64(obj + 16, 3);
	put64(obj + 24, DATA_ADDR);
	put32(data, 0xe9);
	put32(data + 4, 't');
	put32(data + 8, 0xe9);
	CHECK_STR(value2(l27, PYOBJ_UNICODE27, "unicode", 48, DATA_ADDR, data,
	    12), "u'\\xe9t\\xe9'");
	put32(data + 4, 0x7fffffff);	/* not a code point */
	CHECK_STR(value2(l27, PYOBJ_UNICODE27, "unicode", 48, DATA_ADDR, data,
	    12), "?");
	put64(obj + 24, 12);		/* a pointer nowhere */
	CHECK_STR(value(l27, PYOBJ_UNICODE27, "unicode", 48), "?");
}

/* An int of ndigits 30-bit digits d[], in the layout's header. */
static size_t
make_long(const struct pyobj_layout *l, int sign, const uint32_t *d,
    unsigned nd)
{
	unsigned i;

	head();
	if (l->long_tag)
		put64(obj + 16, (uint64_t)nd << 3 |
		    (sign < 0 ? 2u : nd == 0 ? 1u : 0u));
	else
		put64(obj + 16, (uint64_t)(sign < 0 ? -(int64_t)nd : (int64_t)nd));
	for (i = 0; i < nd; i++)
		put32(obj + 24 + 4 * i, d[i]);
	return 24 + 4 * (nd ? nd : 1);
}

static void
test_ints(const struct pyobj_layout *l, const char *suffix)
{
	const uint64_t big = 12345678901234567890ull, m = (1u << 30) - 1;
	uint32_t d[8] = { 0 }, seven[7] = { 0, 0, 0, 0, 0, 0, 1u << 20 };
	char want[64];
	size_t n;

	n = make_long(l, 1, d, 0);
	snprintf(want, sizeof want, "0%s", suffix);
	CHECK_STR(value(l, PYOBJ_LONG, "int", n), want);
	d[0] = 5;
	n = make_long(l, 1, d, 1);
	snprintf(want, sizeof want, "5%s", suffix);
	CHECK_STR(value(l, PYOBJ_LONG, "int", n), want);
	d[0] = 7;
	n = make_long(l, -1, d, 1);
	snprintf(want, sizeof want, "-7%s", suffix);
	CHECK_STR(value(l, PYOBJ_LONG, "int", n), want);
	d[0] = (uint32_t)(big & m);
	d[1] = (uint32_t)(big >> 30 & m);
	d[2] = (uint32_t)(big >> 60);
	n = make_long(l, 1, d, 3);
	snprintf(want, sizeof want, "12345678901234567890%s", suffix);
	CHECK_STR(value(l, PYOBJ_LONG, "int", n), want);
	n = make_long(l, -1, d, 3);
	snprintf(want, sizeof want, "-12345678901234567890%s", suffix);
	CHECK_STR(value(l, PYOBJ_LONG, "int", n), want);
	/* 2**200: 61 decimal digits. */
	n = make_long(l, 1, seven, 7);
	CHECK_STR(value(l, PYOBJ_LONG, "int", n), "int of ~61 decimal digits");
	/* Hostile: more digits than the block holds, a digit over 30 bits,
	 * a zero top digit. */
	CHECK_STR(value(l, PYOBJ_LONG, "int", n - 4), "?");
	d[0] = 1u << 30;
	n = make_long(l, 1, d, 1);
	CHECK_STR(value(l, PYOBJ_LONG, "int", n), "?");
	d[0] = 1;
	d[1] = 0;
	n = make_long(l, 1, d, 2);
	CHECK_STR(value(l, PYOBJ_LONG, "int", n), "?");
	n = make_long(l, 1, d, 1);
	put64(obj + 16, l->long_tag ? (uint64_t)1000 << 3 : 1000);
	CHECK_STR(value(l, PYOBJ_LONG, "int", 64), "?");
}

static void
test_ints_tag(void)
{
	uint32_t d[1] = { 5 };

	/* 3.12's sign 3 does not exist; zero has no digits. */
	make_long(l312, 1, d, 1);
	put64(obj + 16, 1u << 3 | 3u);
	CHECK_STR(value(l312, PYOBJ_LONG, "int", 32), "?");
	put64(obj + 16, 1u << 3 | 1u);
	CHECK_STR(value(l312, PYOBJ_LONG, "int", 32), "?");
	/* bool: an int, one digit or none. */
	make_long(l312, 1, d, 0);
	CHECK_STR(value(l312, PYOBJ_BOOL, "bool", 32), "False");
	d[0] = 1;
	make_long(l312, 1, d, 1);
	CHECK_STR(value(l312, PYOBJ_BOOL, "bool", 32), "True");
	make_long(l36, 1, d, 1);
	CHECK_STR(value(l36, PYOBJ_BOOL, "bool", 32), "True");
	d[0] = 2;
	make_long(l36, 1, d, 1);
	CHECK_STR(value(l36, PYOBJ_BOOL, "bool", 32), "?");
	/* 2.7 int and bool: a C long. */
	head();
	put64(obj + 16, (uint64_t)-42);
	CHECK_STR(value(l27, PYOBJ_INT27, "int", 24), "-42");
	put64(obj + 16, 1);
	CHECK_STR(value(l27, PYOBJ_BOOL, "bool", 24), "True");
}

static const char *
float_value(double d)
{
	uint64_t bits;

	head();
	memcpy(&bits, &d, sizeof bits);
	put64(obj + 16, bits);
	return value(l311, PYOBJ_FLOAT, "float", 24);
}

static void
test_floats(void)
{
	CHECK_STR(float_value(2.5), "2.5");
	CHECK_STR(float_value(1234.5678), "1234.5678");
	CHECK_STR(float_value(0.1), "0.1");
	CHECK_STR(float_value(3.0), "3.0");
	CHECK_STR(float_value(-0.0), "-0.0");
	CHECK_STR(float_value(1e16), "1e+16");
	CHECK_STR(float_value(1.0 / 3), "0.3333333333333333");
	CHECK_STR(float_value(NAN), "nan");
	CHECK_STR(float_value(-INFINITY), "-inf");
	CHECK_STR(value(l311, PYOBJ_FLOAT, "float", 16), "?");
	head();
	CHECK_STR(value(l311, PYOBJ_NONE, "NoneType", 16), "None");
}

static void
test_containers(void)
{
	head();
	put64(obj + 16, 3);
	put64(obj + 32, 4);
	CHECK_STR(value(l311, PYOBJ_LIST, "list", 40), "list, 3 items");
	put64(obj + 16, 1);
	CHECK_STR(value(l311, PYOBJ_LIST, "list", 40), "list, 1 item");
	put64(obj + 16, 5);		/* more items than allocated */
	CHECK_STR(value(l311, PYOBJ_LIST, "list", 40), "?");
	put64(obj + 16, (uint64_t)-1);
	CHECK_STR(value(l311, PYOBJ_LIST, "list", 40), "?");
	head();
	put64(obj + 16, 4);
	CHECK_STR(value(l311, PYOBJ_TUPLE, "tuple", 56), "tuple, 4 items");
	/* A 1-tuple fills a 32-byte object exactly; an empty one its head. */
	put64(obj + 16, 1);
	CHECK_STR(value(l311, PYOBJ_TUPLE, "tuple", 32), "tuple, 1 item");
	put64(obj + 16, 0);
	CHECK_STR(value(l311, PYOBJ_TUPLE, "tuple", 24), "tuple, 0 items");
	put64(obj + 16, 1);
	CHECK_STR(value(l311, PYOBJ_TUPLE, "tuple", 31), "?");
	put64(obj + 16, 100);		/* items past the block */
	CHECK_STR(value(l311, PYOBJ_TUPLE, "tuple", 64), "?");
	head();
	put64(obj + 16, 2);
	CHECK_STR(value(l311, PYOBJ_DICT, "dict", 48), "dict, 2 items");
	head();
	put64(obj + 24, 2);		/* 2.7: ma_fill, then ma_used */
	CHECK_STR(value(l27, PYOBJ_DICT, "dict", 48), "dict, 2 items");
	head();
	put64(obj + 16, 3);
	put64(obj + 24, 1);
	CHECK_STR(value(l311, PYOBJ_SET, "set", 200), "set, 1 item");
	CHECK_STR(value(l311, PYOBJ_SET, "frozenset", 200), "frozenset, 1 item");
	put64(obj + 24, 4);		/* used over fill */
	CHECK_STR(value(l311, PYOBJ_SET, "set", 200), "?");
	head();
	put64(obj + 16, 10);
	put64(obj + 24, 16);
	CHECK_STR(value(l311, PYOBJ_BYTEARRAY, "bytearray", 56),
	    "bytearray, 10 bytes");
	/* 2.7: an int ob_exports first, ob_alloc at 32. */
	put64(obj + 24, 0);
	put64(obj + 32, 16);
	CHECK_STR(value(l27, PYOBJ_BYTEARRAY, "bytearray", 56),
	    "bytearray, 10 bytes");
	CHECK_STR(value(l311, PYOBJ_LIST, "list", 39), "?");
}

static void
test_names(void)
{
	uint8_t name[PYOBJ_NEED_MAX];
	size_t n;

	/* A function: its __name__ is a compact ASCII str. */
	n = make_ascii(l312, "handler");
	memcpy(name, obj, n);
	head();
	put64(obj + l312->func_name, DATA_ADDR);
	CHECK_STR(value2(l312, PYOBJ_FUNCTION, "function", 64, DATA_ADDR, name,
	    n), "function handler");
	/* A name read short (the mapping ended): what was read, cut. */
	CHECK_STR(value2(l312, PYOBJ_FUNCTION, "function", 64, DATA_ADDR, name,
	    l312->str_ascii_size + 3), "function han... (7 chars)");
	CHECK_STR(value2(l312, PYOBJ_FUNCTION, "function", 64, DATA_ADDR, name,
	    10), "?");
	put64(obj + l312->func_name, 0x900000000000ull);  /* past 2^47 */
	CHECK_STR(value(l312, PYOBJ_FUNCTION, "function", 64), "?");
	put64(obj + l312->func_name, 8);
	CHECK_STR(value(l312, PYOBJ_FUNCTION, "function", 64), "?");
	/* Module and code objects, 3.11 offsets. */
	n = make_ascii(l311, "os");
	memcpy(name, obj, n);
	head();
	put64(obj + l311->module_name, DATA_ADDR);
	CHECK_STR(value2(l311, PYOBJ_MODULE, "module", 64, DATA_ADDR, name, n),
	    "module os");
	head();
	put64(obj + l311->code_name, DATA_ADDR);
	CHECK_STR(value2(l311, PYOBJ_CODE, "code", 192, DATA_ADDR, name, n),
	    "code os");
	/* The block ends before the pointer. */
	CHECK_STR(value(l311, PYOBJ_CODE, "code", 64), "?");
	/* 2.7: the name is a PyStringObject; a module keeps it in its dict. */
	head();
	put64(name + 16, 1);
	memcpy(name + 36, "f", 2);
	put64(obj + l27->func_name, DATA_ADDR);
	CHECK_STR(value2(l27, PYOBJ_FUNCTION, "function", 72, DATA_ADDR, name,
	    38), "function f");
	CHECK_STR(value(l27, PYOBJ_MODULE, "module", 32),
	    "<module at 0x7f0000001000>");
	/* A class: tp_name is a C string. */
	head();
	put64(obj + 24, DATA_ADDR + 3);
	CHECK_STR(value2(l311, PYOBJ_TYPE, "type", 64, DATA_ADDR + 3, "Node",
	    5), "class Node");
	CHECK_STR(value2(l311, PYOBJ_TYPE, "type", 64, DATA_ADDR + 3, "No\x1b",
	    4), "?");
	CHECK_STR(value2(l311, PYOBJ_TYPE, "type", 64, DATA_ADDR + 3, "Node",
	    4), "?");	/* no NUL in what was read */
}

static void
test_kinds(void)
{
	CHECK(pyobj_kind_of(l311, "str", 0) == PYOBJ_STR);
	CHECK(pyobj_kind_of(l27, "str", 0) == PYOBJ_STR27);
	CHECK(pyobj_kind_of(l27, "unicode", 0) == PYOBJ_UNICODE27);
	CHECK(pyobj_kind_of(l27, "int", 0) == PYOBJ_INT27);
	CHECK(pyobj_kind_of(l311, "int", 0) == PYOBJ_LONG);
	CHECK(pyobj_kind_of(l27, "long", 0) == PYOBJ_LONG);
	CHECK(pyobj_kind_of(l311, "long", 0) == PYOBJ_OTHER);
	/* A class of the same name is an instance, not a str. */
	CHECK(pyobj_kind_of(l311, "str", 1) == PYOBJ_INSTANCE);
	CHECK(pyobj_kind_of(l311, "Node", 1) == PYOBJ_INSTANCE);
	CHECK(pyobj_kind_of(l311, "dict_keys", 0) == PYOBJ_OTHER);
	head();
	CHECK_STR(value(l311, PYOBJ_INSTANCE, "Node", 16),
	    "<Node at 0x7f0000001000>");
	/* A kind from another version's table decodes as nothing. */
	head();
	put64(obj + 16, 3);
	put64(obj + 24, DATA_ADDR);
	CHECK_STR(value(l311, PYOBJ_UNICODE27, "unicode", 48), "?");
	CHECK_STR(value(l27, PYOBJ_STR, "str", 80), "?");
	CHECK(pyobj_layout_find(3, 5) == NULL);
	CHECK(pyobj_layout_find(3, 13) == l312);
	CHECK(pyobj_layout_find(3, 14) == l312);
}

int
main(void)
{
	l27 = pyobj_layout_find(2, 7);
	l36 = pyobj_layout_find(3, 6);
	l311 = pyobj_layout_find(3, 11);
	l312 = pyobj_layout_find(3, 12);
	CHECK(l27 != NULL && l36 != NULL && l311 != NULL && l312 != NULL);
	if (l27 == NULL || l36 == NULL || l311 == NULL || l312 == NULL)
		return check_done();
	CHECK_EQ_U(l36->str_ascii_size, 48);
	CHECK_EQ_U(l36->str_compact_size, 72);
	CHECK_EQ_U(l312->str_ascii_size, 40);
	CHECK_EQ_U(l312->str_compact_size, 56);
	test_str_kinds(l36);
	test_str_kinds(l311);
	test_str_kinds(l312);
	test_str_long(l36);
	test_str_long(l312);
	test_str_hostile(l36);
	test_str_hostile(l312);
	test_str_unready();
	test_bytes();
	test_unicode27();
	test_ints(l36, "");
	test_ints(l312, "");
	test_ints(l27, "L");
	test_ints_tag();
	test_floats();
	test_containers();
	test_names();
	test_kinds();
	return check_done();
}
