/*
 * libFuzzer target for the value decoder (pyobj_value.c): the input's
 * first byte picks the layout (2.7, 3.6, 3.11 or 3.12) and its second the
 * kind of object; the next 256 bytes (zero padded) are the object's bytes
 * as its block holds them, cut to a length the third byte gives; the rest
 * is what the second read gets when the decoder asks for one.  Besides never
 * crashing, the text must be NUL-terminated within PYOBJ_VALUE_MAX and
 * printable ASCII, and a second read must be bounded by PYOBJ_NEED_MAX.
 */
#include "config.h"

#include "pyobj_value.h"

#include <stdlib.h>
#include <string.h>

#define OBJ_ADDR	0x7f0000001000ull
#define OBJ_BYTES	256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_text(const struct pyobj_value *v)
{
	size_t i;

	for (i = 0; i < PYOBJ_VALUE_MAX && v->text[i] != '\0'; i++) {
		if (v->text[i] < 0x20 || v->text[i] > 0x7e)
			abort();
	}
	if (i == 0 || i == PYOBJ_VALUE_MAX)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int versions[][2] = { { 2, 7 }, { 3, 6 }, { 3, 11 },
	    { 3, 12 } };
	static const char *const names[] = { "?", "Node", "str", "bytes",
	    "str", "unicode", "int", "int", "bool", "float", "NoneType",
	    "list", "tuple", "dict", "set", "bytearray", "type", "function",
	    "module", "code" };
	const struct pyobj_layout *l;
	enum pyobj_kind kind;
	struct pyobj_value v;
	uint8_t obj[OBJ_BYTES];
	size_t n, rest;

	if (size < 3)
		return 0;
	l = pyobj_layout_find(versions[data[0] % 4][0], versions[data[0] % 4][1]);
	kind = (enum pyobj_kind)(data[1] % (PYOBJ_CODE + 1));
	n = (size_t)data[2] * OBJ_BYTES / 255;
	memset(obj, 0, sizeof obj);
	memcpy(obj, data + 3, size - 3 < OBJ_BYTES ? size - 3 : OBJ_BYTES);
	rest = size > 3 + OBJ_BYTES ? size - 3 - OBJ_BYTES : 0;
	if (pyobj_value_from(l, kind, names[kind], OBJ_ADDR, obj, n, &v) == 1) {
		if (v.need_len == 0 || v.need_len > PYOBJ_NEED_MAX)
			abort();
		pyobj_value_more(l, &v, data + 3 + OBJ_BYTES,
		    rest < v.need_len ? rest : v.need_len);
	}
	check_text(&v);
	return 0;
}
