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

#include "pymalloc_internal.h"
#include "pyobj.h"
#include "util.h"

#include <string.h>

static const struct pyobj_containers layouts[] = {
	/* 2.7: setentry is (hash, key); str is PyStringObject. */
	{ 2, 7, 7,   PYOBJ_DICT27,  0, 8, 1, 36, PYOBJ_INLINE_NONE, 0,
	  32, 376, 20, 56, 88, 0, 0, 0 },
	/* 3.6 - 3.10: PyASCIIObject has wstr: data at 48.  Frames: 3.7
	 * dropped f_exc_*, 3.8 added co_posonlyargcount, 3.10 replaced
	 * f_stacktop and f_iblock's neighbours, and f_executing by f_state
	 * (FRAME_EXECUTING is 0). */
	{ 3, 6, 6,   PYOBJ_DICT36,  0, 0, 0, 48, PYOBJ_INLINE_NONE, 0,
	  32, 376, 24, 64, 104, 112, 132, 0 },
	{ 3, 7, 7,   PYOBJ_DICT36,  0, 0, 0, 48, PYOBJ_INLINE_NONE, 0,
	  32, 360, 24, 64, 104, 96, 116, 0 },
	{ 3, 8, 9,   PYOBJ_DICT36,  0, 0, 0, 48, PYOBJ_INLINE_NONE, 0,
	  32, 360, 28, 72, 112, 96, 116, 0 },
	{ 3, 10, 10, PYOBJ_DICT36,  0, 0, 0, 48, PYOBJ_INLINE_NONE, 0,
	  32, 352, 28, 72, 112, 88, 108, 1 },
	/* 3.11: PyHeapTypeObject = PyTypeObject (408) + the method
	 * tables (440); ht_cached_keys follows ht_name, ht_slots and
	 * ht_qualname. */
	{ 3, 11, 11, PYOBJ_DICT311, 0, 0, 0, 48, PYOBJ_INLINE_311, 872,
	  0, 0, 0, 0, 0, 0, 0, 0 },
	/* 3.12: no wstr (data at 40); tp_watched grows PyTypeObject. */
	{ 3, 12, 12, PYOBJ_DICT311, 0, 0, 0, 40, PYOBJ_INLINE_312, 880,
	  0, 0, 0, 0, 0, 0, 0, 0 },
	/* 3.13: PyDictValues has an 8-byte header; values sit after
	 * tp_basicsize in the object itself. */
	{ 3, 13, 13, PYOBJ_DICT311, 8, 0, 0, 40, PYOBJ_INLINE_313, 880,
	  0, 0, 0, 0, 0, 0, 0, 0 },
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

/*
 * Where the threads' frames are, 3.11+ (measured against the DWARF of
 * 3.11.7, 3.12.1 and 3.13.0; the interpreter and thread state fields read
 * here did not move within a minor version).  3.13 says it itself in
 * _Py_DebugOffsets, which wins over this row.
 */
static const struct {
	int				minor;
	struct pyobj_frame_layout	l;
} frame_layouts[] = {
	/* 3.11: _PyCFrame { use_tracing; current_frame; previous }; the
	 * frame has f_func first, f_code at 32; no shim frames. */
	{ 11, { .rt_interp_head = 40, .is_next = 0, .is_threads_head = 16,
	    .ts_next = 8, .ts_interp = 16, .ts_native_tid = 160,
	    .ts_cframe = 56, .cf_current_frame = 8, .fr_code = 32,
	    .fr_previous = 48, .fr_localsplus = 72, .fr_owner = 69,
	    .fr_stacktop = 64,
	    .owner_cstack = -1, .co_localsplusnames = 96,
	    .co_qualname = 128 } },
	/* 3.12: _PyCFrame { current_frame; previous }; f_code first;
	 * FRAME_OWNED_BY_CSTACK (3) marks the shim frames. */
	{ 12, { .rt_interp_head = 40, .is_next = 0, .is_threads_head = 72,
	    .ts_next = 8, .ts_interp = 16, .ts_native_tid = 144,
	    .ts_cframe = 56, .cf_current_frame = 0, .fr_code = 0,
	    .fr_previous = 8, .fr_localsplus = 72, .fr_owner = 70,
	    .fr_stacktop = 64,
	    .owner_cstack = 3, .co_localsplusnames = 96,
	    .co_qualname = 128 } },
	/* 3.13: no _PyCFrame: tstate->current_frame; f_executable first. */
	{ 13, { .rt_interp_head = 632, .is_next = 0, .is_threads_head = 7344,
	    .ts_next = 8, .ts_interp = 16, .ts_native_tid = 160,
	    .ts_cframe = 0, .cf_current_frame = 72, .fr_code = 0,
	    .fr_previous = 8, .fr_localsplus = 72, .fr_owner = 70,
	    .fr_stacktop = 64,
	    .owner_cstack = 3, .co_localsplusnames = 96,
	    .co_qualname = 128 } },
};

const struct pyobj_frame_layout *
pyobj_frame_layout_find(int major, int minor)
{
	size_t i;

	for (i = 0; major == 3 && i < HV_ARRAY_LEN(frame_layouts); i++) {
		if (frame_layouts[i].minor == minor)
			return &frame_layouts[i].l;
	}
	return NULL;
}

/* _Py_DebugOffsets (Include/internal/pycore_runtime.h, 3.13): the cookie,
 * the version, then groups of offsets, each group led by its struct's
 * size. */
#define DBG_VERSION		8
#define DBG_FREE_THREADED	16
#define DBG_RT_INTERP_HEAD	40
#define DBG_IS_NEXT		64
#define DBG_IS_THREADS_HEAD	72
#define DBG_TS_NEXT		168
#define DBG_TS_INTERP		176
#define DBG_TS_CURRENT_FRAME	184
#define DBG_TS_NATIVE_TID	200
#define DBG_FR_PREVIOUS		232
#define DBG_FR_EXECUTABLE	240
#define DBG_FR_LOCALSPLUS	256
#define DBG_FR_OWNER		264
#define DBG_CO_QUALNAME		296
#define DBG_CO_LOCALSPLUSNAMES	328
#define DBG_MAX_OFFSET		(1u << 20)

static int
dbg_offset(const uint8_t *b, unsigned at, unsigned *out)
{
	uint64_t v = py_load64(b + at);

	if (v >= DBG_MAX_OFFSET)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int
pyobj_frame_layout_debug(const uint8_t *b, size_t n,
    struct pyobj_frame_layout *l)
{
	if (n < PYOBJ_DEBUG_OFFSETS_LEN || memcmp(b, "xdebugpy", 8) != 0)
		return -1;
	/* PY_VERSION_HEX: later versions add fields in the middle */
	if ((py_load64(b + DBG_VERSION) >> 16) != 0x030d ||
	    py_load64(b + DBG_FREE_THREADED) != 0)
		return -1;
	memset(l, 0, sizeof *l);
	l->ts_cframe = 0;
	l->owner_cstack = 3;
	/* not among 3.13's debug offsets: the int before localsplus */
	l->fr_stacktop = 64;
	if (dbg_offset(b, DBG_RT_INTERP_HEAD, &l->rt_interp_head) != 0 ||
	    dbg_offset(b, DBG_IS_NEXT, &l->is_next) != 0 ||
	    dbg_offset(b, DBG_IS_THREADS_HEAD, &l->is_threads_head) != 0 ||
	    dbg_offset(b, DBG_TS_NEXT, &l->ts_next) != 0 ||
	    dbg_offset(b, DBG_TS_INTERP, &l->ts_interp) != 0 ||
	    dbg_offset(b, DBG_TS_CURRENT_FRAME, &l->cf_current_frame) != 0 ||
	    dbg_offset(b, DBG_TS_NATIVE_TID, &l->ts_native_tid) != 0 ||
	    dbg_offset(b, DBG_FR_PREVIOUS, &l->fr_previous) != 0 ||
	    dbg_offset(b, DBG_FR_EXECUTABLE, &l->fr_code) != 0 ||
	    dbg_offset(b, DBG_FR_LOCALSPLUS, &l->fr_localsplus) != 0 ||
	    dbg_offset(b, DBG_FR_OWNER, &l->fr_owner) != 0 ||
	    dbg_offset(b, DBG_CO_QUALNAME, &l->co_qualname) != 0 ||
	    dbg_offset(b, DBG_CO_LOCALSPLUSNAMES, &l->co_localsplusnames) != 0)
		return -1;
	return 0;
}
