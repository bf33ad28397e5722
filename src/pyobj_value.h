/*
 * pyobj_value: a short, safe, printable text for a CPython object, from
 * outside the process -- what a survivor *is*: 'survivor-17', 12345, 2.5,
 * "list, 3 items", "<Node at 0x7f...>", "function handler".
 *
 * Decoding is two steps over untrusted bytes.  pyobj_value_from() reads the
 * object's own bytes (the block the capture found it in): a compact str,
 * bytes, an int, a float or a container's length are final there.  Where
 * the value lives elsewhere -- a non-compact str's data, 2.7 unicode's
 * buffer, a type's tp_name, the name object of a function, module or code
 * object -- it asks for one bounded read (need_addr, need_len), and
 * pyobj_value_more() finishes with what that read got.  Callers batch those
 * reads: pyobj_values_arena (during a capture, from the bytes it read) and
 * pyobj_values_pinned (after it, reading the blocks again) make one
 * source_read per arena for them.
 *
 * Every length is checked against the bytes at hand, every pointer against
 * the address space (non-zero, aligned, below 2^47), every code point
 * against Unicode; what does not hold up is "?".  The text is ASCII: what
 * is not printable ASCII is escaped as Python escapes it (\n, \xe9,
 * \u20ac, \U0001f600), and long strings are cut with "...".
 *
 * Per-version object layouts are a table (pyobj_layout_find), not #ifdefs.
 */
#ifndef HV_PYOBJ_VALUE_H
#define HV_PYOBJ_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "heap.h"
#include "source.h"

struct py_types;

/* Longest text, NUL included. */
#define PYOBJ_VALUE_MAX		HEAP_VALUE_MAX
/* Bytes of escaped string content shown before "...". */
#define PYOBJ_TEXT_BUDGET	48
/* Bound on a second read (a str's data, a name object). */
#define PYOBJ_NEED_MAX		256

/* What a type's objects look like, by name (built-in, static types only:
 * a class made at run time is an instance, whatever its name). */
enum pyobj_kind {
	PYOBJ_OTHER,		/* a built-in without a decoder: <T at 0x...> */
	PYOBJ_INSTANCE,		/* an instance of a class: <T at 0x...> */
	PYOBJ_STR,		/* 3.x str, PEP 393 */
	PYOBJ_BYTES,		/* 3.x bytes */
	PYOBJ_STR27,		/* 2.7 str (PyStringObject) */
	PYOBJ_UNICODE27,	/* 2.7 unicode (Py_UNICODE buffer) */
	PYOBJ_INT27,		/* 2.7 int (PyIntObject) */
	PYOBJ_LONG,		/* 3.x int, 2.7 long */
	PYOBJ_BOOL,
	PYOBJ_FLOAT,
	PYOBJ_NONE,
	PYOBJ_LIST,
	PYOBJ_TUPLE,
	PYOBJ_DICT,
	PYOBJ_SET,		/* set and frozenset */
	PYOBJ_BYTEARRAY,
	PYOBJ_TYPE,		/* a class: by tp_name */
	PYOBJ_FUNCTION,		/* by __name__ */
	PYOBJ_MODULE,		/* by __name__ (3.x; 2.7 keeps it in its dict) */
	PYOBJ_CODE,		/* by co_name */
};

/* Object layouts of one range of CPython versions (offsets in bytes from
 * the object's start, PyObject_HEAD included). */
struct pyobj_layout {
	int		major, minor_lo, minor_hi;
	/* PEP 393 str: sizeof(PyASCIIObject), where compact ASCII data
	 * starts; sizeof(PyCompactUnicodeObject), where other compact data
	 * starts and a non-compact str keeps its data pointer. */
	unsigned	str_ascii_size;
	unsigned	str_compact_size;
	/* Before 3.12: wstr and wstr_length, and state bit 7 is "ready". */
	unsigned	str_wstr;
	unsigned	str_wstr_length;
	int		str_has_ready;
	/* 3.12+ ints keep lv_tag (digit count << 3 | sign) where ob_size was. */
	int		long_tag;
	unsigned	long_digit_bits;	/* 30 on every 64-bit build here */
	unsigned	dict_used;		/* ma_used */
	unsigned	func_name;
	unsigned	module_name;		/* 0: none (2.7) */
	unsigned	code_name;
	unsigned	unicode27_size;		/* 2.7 Py_UNICODE: 4 (UCS4) */
};

const struct pyobj_layout *pyobj_layout_find(int major, int minor);
/* The decoder for a type name; heaptype: HEAP_TYPE_HEAPTYPE was set. */
enum pyobj_kind pyobj_kind_of(const struct pyobj_layout *, const char *name,
	    int heaptype);

struct pyobj_value {
	enum pyobj_kind	 kind;
	uint64_t	 addr;
	char		 text[PYOBJ_VALUE_MAX];
	/* A second read wanted (need_len 0: text is final). */
	uint64_t	 need_addr;
	uint32_t	 need_len;
	/* What the second step needs to know. */
	uint64_t	 length;	/* characters of a str */
	uint32_t	 width;		/* bytes per character */
	char		 tpname[64];
};

/*
 * First step: the object of type name (kind) at addr, n of its bytes at obj.
 * Returns 1 when need_len bytes at need_addr are wanted by
 * pyobj_value_more(), 0 when text is final.
 */
int	pyobj_value_from(const struct pyobj_layout *, enum pyobj_kind,
	    const char *name, uint64_t addr, const uint8_t *obj, size_t n,
	    struct pyobj_value *);
/* Second step: got bytes of the read (fewer than asked when the memory
 * ended or could not be read). */
void	pyobj_value_more(const struct pyobj_layout *, struct pyobj_value *,
	    const uint8_t *buf, size_t got);

/*
 * After a capture with types (pymalloc_values): reads the allocated blocks
 * of h's pinned arenas again (one batched read per arena), finds each
 * block's object as the capture did (py_types_locate), decodes it and adds
 * its value to h
 * (heap_value_add), at most max_per_arena per arena (0: all).  A block that
 * holds another type than the capture saw is "?" (the target moved on).
 * Fails only when the target cannot be read at all.
 */
int	pyobj_values_pinned(struct source *, int major, int minor,
	    struct py_types *, struct heap *, unsigned max_per_arena, char **);
/*
 * The same for one arena, during a typed capture (pymalloc_walk.c), from
 * the bytes the capture read: span holds got bytes of the arena's carved
 * pools from first_pool on, already typed.  Does nothing unless the arena
 * is pinned; only the second reads go to the target.  Cheaper than reading
 * again (bench/README.md); the caller sorts the values when done.
 */
int	pyobj_values_arena(struct source *, int major, int minor,
	    struct py_types *, struct heap *, const struct heap_arena *,
	    const uint8_t *span, size_t got, unsigned max, char **);
/*
 * One block on demand, after a typed capture (the live TUI's pool view):
 * reads the size bytes at addr, finds its object with the capture's
 * resolver and decodes it into text (len bytes) -- one read of the block,
 * at most one more of PYOBJ_NEED_MAX.  Fails when the block no longer holds
 * an object of type name (heaptype: its HEAP_TYPE_HEAPTYPE flag) or cannot
 * be read.
 */
int	pyobj_value_block(struct source *, int major, int minor,
	    struct py_types *, uint64_t addr, uint32_t size, const char *name,
	    int heaptype, char *text, size_t len, char **);
/* Whether values of this version's objects can be decoded. */
int	pyobj_values_supported(int major, int minor);

#endif
