/*
 * The allocator's geometry per CPython version, as data (PYMALLOC.md).
 */
#include "config.h"

#include "pymalloc_internal.h"
#include "util.h"

#include <stddef.h>

#define KIB 1024u
#define MIB (1024u * 1024u)

/* tp_flags saying an instance has the 16-byte pre-header (3.11+). */
#define MANAGED_WEAKREF	(1ul << 3)
#define MANAGED_DICT	(1ul << 4)

static const struct py_layout layouts[] = {
	{ 2, 7, 7,   { 256 * KIB, 4 * KIB, 8, 64, 48, 0, 0, 0 },
	  PY_STATE_STATICS, 0, 0, 0, 0, 0, 0, 32, 0, 0, 0, 1, 0, 0xfb, 0 },
	{ 3, 6, 6,   { 256 * KIB, 4 * KIB, 16, 32, 48, 0, 0, 0 },
	  PY_STATE_STATICS, 1, 1, 0, 0, 0, 0, 32, 0, 0, 0, 1, 1, 0xfb, 1 },
	{ 3, 7, 7,   { 256 * KIB, 4 * KIB, 16, 32, 48, 0, 0, 0 },
	  PY_STATE_STATICS, 1, 1, 0, 0, 0, 0, 32, 0, 0, 0, 1, 1, 0xfd, 1 },
	{ 3, 8, 9,   { 256 * KIB, 4 * KIB, 16, 32, 48, 0, 0, 0 },
	  PY_STATE_STATICS, 1, 0, 0, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0xfd, 1 },
	{ 3, 10, 10, { 1 * MIB, 16 * KIB, 16, 32, 48, 8 * KIB, 8 * KIB, 2 * KIB },
	  PY_STATE_STATICS, 1, 0, 10, 10, 8, 48, 16, 0, 0, 0, 0, 0, 0xfd, 1 },
	{ 3, 11, 11, { 1 * MIB, 16 * KIB, 16, 32, 48, 256 * KIB, 256 * KIB, 128 * KIB },
	  PY_STATE_STATICS, 1, 0, 15, 15, 14, 64, 16, 16, MANAGED_DICT, 0,
	  0, 0, 0xfd, 1 },
	{ 3, 12, 14, { 1 * MIB, 16 * KIB, 16, 32, 48, 256 * KIB, 256 * KIB, 128 * KIB },
	  PY_STATE_STRUCT, 1, 0, 15, 15, 14, 64, 16, 16,
	  MANAGED_DICT | MANAGED_WEAKREF, 1, 0, 0, 0xfd, 1 },
};

const struct py_layout *
py_layout_find(int major, int minor)
{
	size_t i;

	for (i = 0; i < HV_ARRAY_LEN(layouts); i++) {
		if (layouts[i].major == major && minor >= layouts[i].minor_lo &&
		    minor <= layouts[i].minor_hi)
			return &layouts[i];
	}
	return NULL;
}
