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

/*
 * 2.7 has two geometries on 64-bit builds.  2.7.0 - 2.7.16 align blocks to
 * 8 bytes: 64 size classes of 8..512.  The bpo-27987 backport (merged in
 * May 2019, first released in 2.7.17) aligns them to 16 on 64-bit builds,
 * as 3.6+ do: 32 classes of 16..512 (pyenv's 2.7.18 measured: szidx 31
 * pools hold 512-byte blocks, usedpools is 64 pointers).  The version
 * string orders the two; discovery keeps the one that the binary
 * (usedpools' size in .symtab) and the pool headers confirm
 * (pymalloc_find.c).  Neither has ntimes_arena_allocated or
 * narenas_highwater outside PYMALLOC_DEBUG builds.  Its PyGC_Head is a
 * union padded to the size of the old `long double` one: 32 bytes.
 */
static const struct py_layout layouts[] = {
	{ 2, 7, 7,   { 256 * KIB, 4 * KIB, 16, 32, 48, 0, 0, 0 },
	  PY_STATE_STATICS, 0, 0, 0, 0, 0, 0, 32, 0, 0, 0, 1, 0, 0xfb, 0,
	  17, 0 },
	{ 2, 7, 7,   { 256 * KIB, 4 * KIB, 8, 64, 48, 0, 0, 0 },
	  PY_STATE_STATICS, 0, 0, 0, 0, 0, 0, 32, 0, 0, 0, 1, 0, 0xfb, 0,
	  0, 16 },
	{ 3, 6, 6,   { 256 * KIB, 4 * KIB, 16, 32, 48, 0, 0, 0 },
	  PY_STATE_STATICS, 1, 1, 0, 0, 0, 0, 32, 0, 0, 0, 1, 1, 0xfb, 1, 0, 0 },
	{ 3, 7, 7,   { 256 * KIB, 4 * KIB, 16, 32, 48, 0, 0, 0 },
	  PY_STATE_STATICS, 1, 1, 0, 0, 0, 0, 32, 0, 0, 0, 1, 1, 0xfd, 1, 0, 0 },
	{ 3, 8, 9,   { 256 * KIB, 4 * KIB, 16, 32, 48, 0, 0, 0 },
	  PY_STATE_STATICS, 1, 0, 0, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0xfd, 1, 0, 0 },
	{ 3, 10, 10, { 1 * MIB, 16 * KIB, 16, 32, 48, 8 * KIB, 8 * KIB, 2 * KIB },
	  PY_STATE_STATICS, 1, 0, 10, 10, 8, 48, 16, 0, 0, 0, 0, 0, 0xfd, 1, 0, 0 },
	{ 3, 11, 11, { 1 * MIB, 16 * KIB, 16, 32, 48, 256 * KIB, 256 * KIB, 128 * KIB },
	  PY_STATE_STATICS, 1, 0, 15, 15, 14, 64, 16, 16, MANAGED_DICT, 0,
	  0, 0, 0xfd, 1, 0, 0 },
	{ 3, 12, 14, { 1 * MIB, 16 * KIB, 16, 32, 48, 256 * KIB, 256 * KIB, 128 * KIB },
	  PY_STATE_STRUCT, 1, 0, 15, 15, 14, 64, 16, 16,
	  MANAGED_DICT | MANAGED_WEAKREF, 1, 0, 0, 0xfd, 1, 0, 0 },
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

const struct py_layout *
py_layout_next(const struct py_layout *l)
{
	const struct py_layout *end = layouts + HV_ARRAY_LEN(layouts);

	if (l + 1 >= end)
		return NULL;
	if (l[1].major != l->major || l[1].minor_lo != l->minor_lo ||
	    l[1].minor_hi != l->minor_hi)
		return NULL;
	return l + 1;
}

/* The layout of a patch release among first and the layouts after it
 * (patch < 0: unknown, first). */
const struct py_layout *
py_layout_for_patch(const struct py_layout *first, int patch)
{
	const struct py_layout *l;

	if (patch < 0)
		return first;
	for (l = first; l != NULL; l = py_layout_next(l))
		if (patch >= l->patch_lo && (l->patch_hi == 0 ||
		    patch <= l->patch_hi))
			return l;
	return first;
}
