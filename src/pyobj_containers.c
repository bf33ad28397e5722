/*
 * Container layouts per CPython version, as data (Include/cpython/
 * dictobject.h, Objects/dictobject.c, pycore_dict.h, setobject.h,
 * unicodeobject.h, pycore_object.h at each version's tag).
 *
 * What every version shares is in pyobj_refs.c: list ob_size 16, ob_item
 * 24; tuple items at 24; dict ma_keys 32 / ma_values 40 (3.x), ma_mask 32
 * and ma_table 40 (2.7); set mask 32 and table 40; module md_dict 16; the
 * PyTypeObject offsets.
 */
#include "config.h"

#include "pyobj.h"
#include "util.h"

static const struct pyobj_containers layouts[] = {
	/* 2.7: setentry is (hash, key); str is PyStringObject. */
	{ 2, 7, 7,   PYOBJ_DICT27,  0, 8, 1, 36, PYOBJ_INLINE_NONE, 0,
	  32, 376, 20, 56, 88 },
	/* 3.6 - 3.10: PyASCIIObject has wstr: data at 48.  Frames: 3.7
	 * dropped f_exc_*, 3.8 added co_posonlyargcount, 3.10 replaced
	 * f_stacktop and f_iblock's neighbours. */
	{ 3, 6, 6,   PYOBJ_DICT36,  0, 0, 0, 48, PYOBJ_INLINE_NONE, 0,
	  32, 376, 24, 64, 104 },
	{ 3, 7, 7,   PYOBJ_DICT36,  0, 0, 0, 48, PYOBJ_INLINE_NONE, 0,
	  32, 360, 24, 64, 104 },
	{ 3, 8, 9,   PYOBJ_DICT36,  0, 0, 0, 48, PYOBJ_INLINE_NONE, 0,
	  32, 360, 28, 72, 112 },
	{ 3, 10, 10, PYOBJ_DICT36,  0, 0, 0, 48, PYOBJ_INLINE_NONE, 0,
	  32, 352, 28, 72, 112 },
	/* 3.11: PyHeapTypeObject = PyTypeObject (408) + the method
	 * tables (440); ht_cached_keys follows ht_name, ht_slots and
	 * ht_qualname. */
	{ 3, 11, 11, PYOBJ_DICT311, 0, 0, 0, 48, PYOBJ_INLINE_311, 872,
	  0, 0, 0, 0, 0 },
	/* 3.12: no wstr (data at 40); tp_watched grows PyTypeObject. */
	{ 3, 12, 12, PYOBJ_DICT311, 0, 0, 0, 40, PYOBJ_INLINE_312, 880,
	  0, 0, 0, 0, 0 },
	/* 3.13: PyDictValues has an 8-byte header; values sit after
	 * tp_basicsize in the object itself. */
	{ 3, 13, 13, PYOBJ_DICT311, 8, 0, 0, 40, PYOBJ_INLINE_313, 880,
	  0, 0, 0, 0, 0 },
};

const struct pyobj_containers *
pyobj_containers_find(int major, int minor)
{
	size_t i;

	for (i = 0; i < HV_ARRAY_LEN(layouts); i++) {
		if (layouts[i].major == major && minor >= layouts[i].minor_lo &&
		    minor <= layouts[i].minor_hi)
			return &layouts[i];
	}
	return NULL;
}
