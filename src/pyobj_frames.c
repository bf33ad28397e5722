/*
 * The frames of every thread, 3.11+ (pyobj.h).  From 3.11 on a running
 * function's frame is a _PyInterpreterFrame in its thread's data stack
 * (chunks mmapped outside the arenas), not an object: a reference in its
 * localsplus is a local variable, named by the code object.  This file
 * walks _PyRuntime's interpreters, their threads and each thread's frame
 * chain, and returns where each frame's locals are, so that the referrer
 * scan can name a hit there.
 *
 * Everything is read from a process that keeps running: each pointer is
 * checked before it is followed (the thread's interpreter, the code
 * object's and the names tuple's types), and every chain has a bound, so a
 * chain that loops or is torn by a concurrent push ends.  A frame that
 * does not validate is skipped, its predecessors still read.
 */
#include "config.h"

#include "pymalloc_internal.h"
#include "pyobj.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define TP_NAME		24
#define OB_SIZE		16
#define TUPLE_ITEM	24
#define FRAME_READ	80	/* bytes of a frame header read */
#define MAX_VISITS	(4u * PYOBJ_MAX_FRAMES)	/* frames read, in all */

/* What one walk learned: the types that read as code and tuple. */
struct walk {
	struct source			*src;
	const struct pyobj_frame_layout	*l;
	uint64_t			 code_type, tuple_type;
	struct pyobj_frame		*out;
	size_t				 n, cap;
	unsigned			 visits;
};

/* Brent's cycle check along a chain: the node k steps in is compared
 * with the one kept at the last power of two, so a chain that loops
 * ends within twice its length, whatever the bound. */
struct chain {
	uint64_t	mark;
	unsigned	next;
};

static int
loops(struct chain *c, unsigned k, uint64_t at)
{
	if (k > 0 && at == c->mark)
		return 1;
	if (k + 1 >= c->next) {
		c->mark = at;
		c->next = c->next ? c->next * 2 : 2;
	}
	return 0;
}

static int
ptr_ok(uint64_t v)
{
	return v >= 4096 && v < (1ull << 56) && v % 8 == 0;
}

static int
rd64(struct walk *w, uint64_t addr, uint64_t *v)
{
	uint8_t b[8];

	if (!ptr_ok(addr & ~7ull) ||
	    source_read_exact(w->src, addr, b, 8, NULL) != 0)
		return -1;
	*v = py_load64(b);
	return 0;
}

/* The object at obj has the type named want; *known caches the type. */
static int
has_type(struct walk *w, uint64_t obj, const char *want, uint64_t *known)
{
	uint64_t t, name;
	char buf[8];
	size_t l = strlen(want) + 1;

	if (!ptr_ok(obj) || rd64(w, obj + 8, &t) != 0 || !ptr_ok(t))
		return 0;
	if (*known != 0)
		return t == *known;
	if (rd64(w, t + TP_NAME, &name) != 0 || name < 4096 ||
	    source_read_exact(w->src, name, buf, l, NULL) != 0 ||
	    memcmp(buf, want, l) != 0)
		return 0;
	*known = t;
	return 1;
}

static void
add(struct walk *w, const struct pyobj_frame *f)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		w->out = xreallocarray(w->out, w->cap, sizeof *w->out);
	}
	w->out[w->n++] = *f;
}

/* One frame: its code object, and the names of its localsplus slots. */
static void
frame(struct walk *w, uint64_t fa, const uint8_t *b, uint64_t tid)
{
	const struct pyobj_frame_layout *l = w->l;
	struct pyobj_frame f = { .frame = fa, .tid = tid };
	uint64_t n;

	if (l->owner_cstack >= 0 && b[l->fr_owner] == (uint8_t)l->owner_cstack)
		return;		/* a shim frame: C code, no locals */
	f.code = py_load64(b + l->fr_code);
	if (!has_type(w, f.code, "code", &w->code_type) ||
	    rd64(w, f.code + l->co_localsplusnames, &f.names) != 0 ||
	    rd64(w, f.code + l->co_qualname, &f.qualname) != 0 ||
	    !has_type(w, f.names, "tuple", &w->tuple_type) ||
	    rd64(w, f.names + OB_SIZE, &n) != 0 || n > PYOBJ_MAX_LOCALS)
		return;
	f.nlocals = (uint32_t)n;
	f.locals = fa + l->fr_localsplus;
	/* a frame without locals (a module's code) still has a value
	 * stack: a module-level for loop's iterator */
	add(w, &f);
}

/* The chain of one thread, innermost first, bounded. */
static void
thread_frames(struct walk *w, uint64_t fa, uint64_t tid)
{
	const struct pyobj_frame_layout *l = w->l;
	uint8_t b[FRAME_READ];
	struct chain ch = { 0, 0 };
	unsigned k;

	for (k = 0; k < PYOBJ_MAX_THREAD_FRAMES && ptr_ok(fa) &&
	    w->n < PYOBJ_MAX_FRAMES && w->visits < MAX_VISITS; k++) {
		w->visits++;
		if (loops(&ch, k, fa) ||
		    source_read_exact(w->src, fa, b, sizeof b, NULL) != 0)
			return;
		frame(w, fa, b, tid);
		fa = py_load64(b + l->fr_previous);
	}
}

/* One thread state: its interpreter must be interp. */
static int
thread(struct walk *w, uint64_t ts, uint64_t interp, uint64_t *next)
{
	const struct pyobj_frame_layout *l = w->l;
	uint64_t in, tid = 0, fa, cf;

	if (rd64(w, ts + l->ts_interp, &in) != 0 || in != interp ||
	    rd64(w, ts + l->ts_next, next) != 0)
		return -1;
	(void)rd64(w, ts + l->ts_native_tid, &tid);
	if (l->ts_cframe != 0) {
		if (rd64(w, ts + l->ts_cframe, &cf) != 0 || !ptr_ok(cf) ||
		    rd64(w, cf + l->cf_current_frame, &fa) != 0)
			return 0;	/* no Python frame running */
	} else if (rd64(w, ts + l->cf_current_frame, &fa) != 0) {
		return 0;
	}
	thread_frames(w, fa, tid);
	return 0;
}

static int
frame_cmp(const void *a, const void *b)
{
	const struct pyobj_frame *x = a, *y = b;

	return x->locals < y->locals ? -1 : x->locals > y->locals;
}

/* Sorted by locals, each frame once (a chain that looped repeats). */
static void
sort_unique(struct walk *w)
{
	size_t i, k = 0;

	if (w->n == 0)
		return;
	qsort(w->out, w->n, sizeof *w->out, frame_cmp);
	for (i = 1; i < w->n; i++) {
		if (w->out[i].locals != w->out[k].locals)
			w->out[++k] = w->out[i];
	}
	w->n = k + 1;
}

int
pyobj_frames_read(struct source *src, uint64_t runtime,
    const struct pyobj_frame_layout *l, struct pyobj_frame **out, size_t *n,
    char **cause)
{
	struct walk w = { .src = src, .l = l };
	uint64_t interp, ts, next;
	unsigned i, k, threads = 0;

	*out = NULL;
	*n = 0;
	if (l->fr_code + 8 > FRAME_READ || l->fr_previous + 8 > FRAME_READ ||
	    l->fr_owner >= FRAME_READ)
		return util_cause(cause, "frame fields past the header");
	if (rd64(&w, runtime + l->rt_interp_head, &interp) != 0)
		return util_cause(cause, "cannot read _PyRuntime at 0x%llx",
		    (unsigned long long)runtime);
	for (i = 0; i < PYOBJ_MAX_INTERPS && ptr_ok(interp); i++) {
		if (rd64(&w, interp + l->is_threads_head, &ts) != 0)
			break;
		struct chain ch = { 0, 0 };

		for (k = 0; k < PYOBJ_MAX_THREADS && ptr_ok(ts) &&
		    w.n < PYOBJ_MAX_FRAMES; k++, ts = next) {
			if (loops(&ch, k, ts) ||
			    thread(&w, ts, interp, &next) != 0)
				break;
			threads++;
		}
		if (rd64(&w, interp + l->is_next, &interp) != 0)
			break;
	}
	if (threads == 0) {
		free(w.out);
		return util_cause(cause, "no thread state of the interpreter "
		    "reads as one");
	}
	sort_unique(&w);
	*out = w.out;
	*n = w.n;
	return 0;
}
