/*
 * pyobj: what a block holds as a Python object, read from outside.
 *
 * pyobj_refs.c finds the referrers of objects: it scans every allocated
 * pymalloc block of a block-level capture with types, and the process's
 * other writable anonymous memory (where big lists, dicts and sets keep
 * their item arrays), for the objects' addresses, and maps every hit to its
 * owner -- the object whose block holds it, or the container whose item
 * array, keys or values table holds it -- and the position in it (list
 * index, dict key, attribute or slot name).  From 3.11, where a running
 * function's frame is no object, pyobj_frames.c reads every thread's frame
 * chain, so that a hit in a frame's locals names the local.  pyobj_path.c
 * climbs from an object through its referrers, breadth-first and bounded,
 * to the roots that keep it alive.  Container layouts per version are data
 * (pyobj_containers.c).  Nothing here draws or prints; every byte read is
 * untrusted and may change while it is read.
 *
 * Call order: pyobj_open() over a source and a capture of it, then any
 * number of pyobj_referrers() / pyobj_why() calls, then pyobj_close().
 * A struct pyobj is one thread's: it holds the scan's state and caches;
 * nothing here keeps global or static mutable state, so climbs on two
 * handles may run in two threads (over sources that allow it).
 */
#ifndef HV_PYOBJ_H
#define HV_PYOBJ_H

#include <stddef.h>
#include <stdint.h>

#include "heap.h"
#include "source.h"

struct py_layout;

/* Container layouts of one CPython version (pyobj_containers.c). */
enum pyobj_dict_kind {
	PYOBJ_DICT27,	/* ma_mask, ma_table of (hash, key, value) */
	PYOBJ_DICT36,	/* 3.6 - 3.10: ma_keys with dk_size, dk_indices */
	PYOBJ_DICT311,	/* 3.11+: dk_log2_size, dk_kind, unicode entries */
};

enum pyobj_inline_kind {
	PYOBJ_INLINE_NONE,	/* 2.7 - 3.10: instance __dict__ at tp_dictoffset */
	PYOBJ_INLINE_311,	/* values pointer at obj-32, dict at obj-24 */
	PYOBJ_INLINE_312,	/* dict, or values tagged with bit 0, at obj-24 */
	PYOBJ_INLINE_313,	/* values after tp_basicsize, dict at obj-24 */
};

struct pyobj_containers {
	int			major, minor_lo, minor_hi;
	enum pyobj_dict_kind	dict;
	unsigned		values_off;	/* PyDictValues header (3.13: 8) */
	unsigned		set_key_off;	/* setentry's key (2.7: after hash) */
	/* str: 2.7 bytes (data at 36) or PEP 393 (ASCII compact data). */
	int			str27;
	unsigned		str_ascii_data;
	enum pyobj_inline_kind	inline_values;
	unsigned		ht_cached_keys;	/* PyHeapTypeObject (3.11+) */
	/* Frames that are objects (up to 3.10): f_code, f_localsplus, and
	 * the code object's co_nlocals (int), co_varnames, co_name; 0: frames
	 * are not read (3.11+ keeps them in the thread's data stack). */
	unsigned		f_code, f_localsplus;
	unsigned		co_nlocals, co_varnames, co_name;
	/* 3.6 - 3.10: a generator's or coroutine's frame (f_gen set) is not
	 * a root while it is suspended: f_executing (3.6 - 3.9, running when
	 * not 0) or f_state (3.10, running when 0) says so.  0: not read. */
	unsigned		f_gen, f_running;
	int			running_is_zero;
};

const struct pyobj_containers *pyobj_containers_find(int major, int minor);

/*
 * 3.11+: where a thread's frames are (pycore_runtime.h, pycore_interp.h,
 * cpython/pystate.h, pycore_frame.h, cpython/code.h at each version's
 * tag).  _PyRuntime.interpreters.head -> PyInterpreterState.threads.head
 * -> PyThreadState.next ...; each thread's innermost _PyInterpreterFrame
 * (3.11/3.12: tstate->cframe->current_frame, 3.13: tstate->current_frame)
 * and its `previous' chain.  A frame's localsplus slots are named by its
 * code object's co_localsplusnames (a tuple as long as co_nlocalsplus).
 */
struct pyobj_frame_layout {
	unsigned	rt_interp_head;		/* _PyRuntime.interpreters.head */
	unsigned	is_next, is_threads_head;
	unsigned	ts_next, ts_interp, ts_native_tid;
	unsigned	ts_cframe;	/* 0: the frame is in the thread state */
	unsigned	cf_current_frame;	/* in _PyCFrame, or in tstate */
	unsigned	fr_code, fr_previous, fr_localsplus, fr_owner;
	/* int stacktop: localsplus slots in use, locals and value stack,
	 * saved when the frame calls (-1 while it runs) */
	unsigned	fr_stacktop;
	int		owner_cstack;	/* a shim (C) frame's owner; -1: none */
	unsigned	co_localsplusnames, co_qualname;
};

const struct pyobj_frame_layout *pyobj_frame_layout_find(int major,
		    int minor);
/* 3.13+: the layout from the _Py_DebugOffsets that _PyRuntime starts with
 * (n bytes of it in b); -1 when they do not read as 3.13's. */
int		 pyobj_frame_layout_debug(const uint8_t *b, size_t n,
		    struct pyobj_frame_layout *);
#define PYOBJ_DEBUG_OFFSETS_LEN	360

/* A frame of a thread, as pyobj_frames_read() found it. */
struct pyobj_frame {
	uint64_t	frame;		/* the _PyInterpreterFrame */
	uint64_t	locals;		/* &localsplus[0] */
	uint64_t	code, names, qualname;
	uint32_t	nlocals;	/* co_nlocalsplus */
	uint64_t	tid;		/* native thread id (0: unknown) */
};

#define PYOBJ_MAX_INTERPS	16
#define PYOBJ_MAX_THREADS	4096
#define PYOBJ_MAX_THREAD_FRAMES	16384
#define PYOBJ_MAX_FRAMES	65536
#define PYOBJ_MAX_LOCALS	65536
#define PYOBJ_MAX_STACK		65536	/* value stack slots over the locals */
/* The name of a frame's value stack slot (a root "func:(value stack)") */
#define PYOBJ_VALUE_STACK	"(value stack)"

/* Every frame of every thread of every interpreter from the _PyRuntime at
 * runtime, sorted by locals, each frame once; *out is malloc'd.  Every
 * chain is bounded (the PYOBJ_MAX_* above), so a chain that loops, or that
 * changes while it is read, ends.  Returns -1 with *cause when no thread
 * could be read. */
int		 pyobj_frames_read(struct source *, uint64_t runtime,
		    const struct pyobj_frame_layout *, struct pyobj_frame **,
		    size_t *, char **);

/* Where a reference sits in its owner. */
enum pyobj_pos {
	PYOBJ_POS_INDEX,	/* list or tuple item: index */
	PYOBJ_POS_VALUE,	/* dict value: key */
	PYOBJ_POS_KEY,		/* the object is a dict key */
	PYOBJ_POS_MEMBER,	/* set or frozenset member */
	PYOBJ_POS_ATTR,		/* instance attribute (inline values): name */
	PYOBJ_POS_SLOT,		/* __slots__ member: name */
	PYOBJ_POS_DICT,		/* the owner's __dict__ */
	PYOBJ_POS_MODULE_DICT,	/* md_dict of a module: owner is the module */
	PYOBJ_POS_TYPE_DICT,	/* tp_dict of a class: owner is the class */
	PYOBJ_POS_FRAME,	/* a local variable of a frame: "func:name" */
	PYOBJ_POS_FIELD,	/* another field of the owner: index = offset */
	PYOBJ_POS_OUTSIDE,	/* not in an object nor a known table */
	PYOBJ_POS_WEAK,		/* a weak reference: holds nothing */
	PYOBJ_POS_LOCAL,	/* 3.11+: a local of a generator's or
				 * coroutine's frame: "gi_frame.f_locals['x']" */
};

#define PYOBJ_NAME_MAX	64

struct pyobj_ref {
	uint64_t	target;		/* the object referred to */
	uint64_t	where;		/* address of the word */
	uint64_t	owner;		/* object holding it (0: none) */
	enum pyobj_pos	pos;
	int64_t		index;
	uint64_t	key;		/* PYOBJ_POS_VALUE: the key object */
	char		name[PYOBJ_NAME_MAX];	/* ATTR, SLOT; VALUE: key repr */
	char		owner_type[PYOBJ_NAME_MAX];
};

/* Bounds of one scan or climb; 0 fields take the defaults. */
struct pyobj_bounds {
	unsigned	max_depth;	/* referrer levels climbed */
	uint64_t	max_objects;	/* objects visited */
	uint64_t	max_refs;	/* referrers kept per scan */
	uint64_t	max_outside_bytes;	/* non-arena memory scanned */
	double		max_seconds;
	/* Asked between levels: non-zero stops the climb ("cancelled").
	 * NULL: never. */
	int		(*stop)(void *);
	void		*stop_ctx;
};

#define PYOBJ_DEFAULT_DEPTH	12
#define PYOBJ_DEFAULT_OBJECTS	4096
#define PYOBJ_DEFAULT_REFS	65536
#define PYOBJ_DEFAULT_OUTSIDE	(16ull << 30)
#define PYOBJ_DEFAULT_SECONDS	60.0

struct pyobj;

/* The heap must be a block-level capture with types of the same source. */
struct pyobj	*pyobj_open(struct source *, const struct heap *,
		    const struct py_layout *, int major, int minor,
		    const struct pyobj_bounds *, char **);
void		 pyobj_close(struct pyobj *);
/* 3.11+: the address of _PyRuntime, where the threads' frames are found
 * (0: no frames).  Without it pyobj finds it in the interpreter's symbols
 * the first time a scan meets a reference outside the arenas. */
void		 pyobj_set_runtime(struct pyobj *, uint64_t);

/* Every reference to any of the n objects; *out is malloc'd.  Hits in free
 * blocks are never referrers; hits that no owner explains are kept as
 * PYOBJ_POS_OUTSIDE.  Returns -1 with *cause when nothing could be read. */
int		 pyobj_referrers(struct pyobj *, const uint64_t *, size_t,
		    struct pyobj_ref **, size_t *, char **);

/* The type name of the object at addr ("?" when it does not read as one)
 * and its refcount (0 when unknown); 0 if it reads as an object. */
int		 pyobj_describe(struct pyobj *, uint64_t, char *, size_t,
		    uint64_t *refcnt);
/* A short repr of the key object at addr: 'text' for str, digits for int,
 * else <type at 0x...>. */
void		 pyobj_key_repr(struct pyobj *, uint64_t, char *, size_t);
/* The text of the str value of key name in a dict, without quotes. */
int		 pyobj_dict_str(struct pyobj *, uint64_t dict, const char *,
		    char *, size_t);
/* The last scan kept max_refs referrers and left others out. */
int		 pyobj_hit_bound(const struct pyobj *);
const struct pyobj_bounds *pyobj_bounds(const struct pyobj *);
const struct heap *pyobj_heap(const struct pyobj *);
/* Bytes scanned by the last pyobj_referrers(): in arenas, outside. */
uint64_t	 pyobj_scanned_arena(const struct pyobj *);
uint64_t	 pyobj_scanned_outside(const struct pyobj *);
int		 pyobj_outside_truncated(const struct pyobj *);

/* The object in an allocated block of a heap type (0: none found). */
/* The Python object at the start of a buffer malloc handed out (u, n
 * bytes): its address, and its type's name into name; 0 when the buffer
 * does not start with one. */
uint64_t	 pyobj_buffer_object(struct pyobj *, uint64_t u, uint64_t n,
		    char *name, size_t len);
uint64_t	 pyobj_block_object(struct pyobj *, uint64_t block, uint32_t size,
		    uint32_t type);

/* The climb (pyobj_path.c). */
enum pyobj_verdict {
	PYOBJ_ROOTED,		/* paths to roots found */
	PYOBJ_OUTSIDE,		/* held from outside the object heap only */
	PYOBJ_CYCLE,		/* unreachable: a closed reference cycle */
	PYOBJ_BOUNDED,		/* a bound was hit before an answer */
	PYOBJ_NOT_OBJECT,	/* the address holds no live object */
};

/*
 * Every root, not only the nearest: the climb goes on past the level that
 * meets the first root, for at most PYOBJ_MORE_LEVELS more levels, until
 * PYOBJ_MAX_PATHS paths are found or no holder is left to climb.  Each
 * root gives one path, its shortest (a root reached through two holders
 * shows once); shortest first, then by text.
 */
#define PYOBJ_MAX_PATHS		8
#define PYOBJ_MORE_LEVELS	3

struct pyobj_why {
	enum pyobj_verdict	 verdict;
	char			 type[PYOBJ_NAME_MAX];
	uint64_t		 refcnt;
	size_t			 npaths;
	char			*paths[PYOBJ_MAX_PATHS];	/* "__main__.cache['k']" */
	size_t			 more_paths;	/* roots found past the first 8 */
	int			 outside;	/* some holder is outside the heap */
	uint64_t		 visited;	/* objects visited */
	unsigned		 depth;		/* levels climbed */
	/* which bound was hit, or NULL; with PYOBJ_ROOTED, the one that
	 * stopped the search for longer paths */
	const char		*bound;
	uint64_t		 cycle_objects;	/* PYOBJ_CYCLE: the closed set */
};

int	pyobj_why(struct pyobj *, uint64_t addr, struct pyobj_why *, char **);

/*
 * What keeps the survivors of the pinned arenas (heap_arena_pinned) alive,
 * aggregated by root: one climb from all of them at once (up to
 * max_objects survivors, shared among the arenas: at least 4 each), every survivor then given its nearest root --
 * the module global or class attribute it hangs from ("__main__.cache") --
 * or, without one, the unreachable cycles or the outside holders.  A
 * survivor that several roots reach counts once, for the nearest (the
 * fewest references away; among equally near ones the first by name), so
 * that the rows add up to the survivors.  Each arena counts once, for the
 * root that holds most of its survivors.
 */
struct pyobj_root_row {
	enum pyobj_verdict	 verdict;	/* ROOTED, CYCLE, OUTSIDE, BOUNDED */
	char			 label[2 * PYOBJ_NAME_MAX];	/* ROOTED */
	uint64_t		 narenas;	/* where it holds the most */
	uint64_t		 carved_bytes;	/* of those arenas */
	uint64_t		 objects;	/* survivors it holds in those */
	uint64_t		 minority;	/* in arenas others hold more of */
	uint64_t		 last_arena;	/* scratch, while counting */
};

struct pyobj_pinned_roots {
	size_t			 nrows;
	struct pyobj_root_row	*rows;		/* most arenas first */
	uint64_t		 pinned;	/* pinned arenas */
	uint64_t		 survivors;	/* objects in them */
	uint64_t		 climbed;	/* of those, climbed from */
	uint64_t		 unclimbed_arenas;	/* none of theirs climbed */
	uint64_t		 unclimbed_bytes;	/* their carved pools */
	unsigned		 depth;
	const char		*bound;		/* a bound hit, or NULL */
};

int	pyobj_pinned_roots(struct pyobj *, struct pyobj_pinned_roots *,
	    char **);
void	pyobj_pinned_roots_free(struct pyobj_pinned_roots *);
void	pyobj_why_free(struct pyobj_why *);

/*
 * Python objects in malloc's chunks (pyobj_chunks.c): every chunk in use
 * of 528 bytes or more (an object over 512 bytes is malloc'd), in the
 * heaps walked with GLIBC_READ_MAP and the mmapped ones, counted by the
 * type of the object it starts with, or as a buffer without one (list item
 * arrays, dict and set tables, C data).  Bytes are the chunks' sizes.
 */
#define PYOBJ_MAX_CHUNKS	(1u << 20)	/* chunks looked at */
#define PYOBJ_MAX_CHUNK_TYPES	4096

struct glibc_malloc;

struct pyobj_chunk_row {
	char		name[PYOBJ_NAME_MAX];
	uint64_t	count, bytes;
};

struct pyobj_chunk_census {
	struct pyobj_chunk_row	*rows;		/* by bytes, largest first */
	size_t			 nrows;
	uint64_t		 looked, chunk_bytes;	/* chunks looked at */
	uint64_t		 objects, object_bytes;
	uint64_t		 buffers, buffer_bytes;
	uint64_t		 other_types;	/* objects past the row bound */
	int			 cut;		/* over PYOBJ_MAX_CHUNKS */
	int			 map_cut;	/* the walk kept fewer chunks */
};

void	pyobj_chunk_census(struct pyobj *, const struct glibc_malloc *,
	    struct pyobj_chunk_census *);
void	pyobj_chunk_census_free(struct pyobj_chunk_census *);

#endif
