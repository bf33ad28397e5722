/*
 * The TUI's "why" (key w): what keeps one object alive, asked of a live
 * target from the pool view's block or the arena panel's object.  One
 * block-level capture with types (the target frozen for it with --freeze),
 * then the climb of pyobj_path.c; the answer is text, the lines --why
 * prints.  Runs in the TUI's capture thread (tui.h, feed->why).
 */
#include "config.h"

#include "app_live.h"
#include "pymalloc_internal.h"
#include "pyobj.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The TUI's climb stays short: quitting waits for a climb under way. */
#define WHY_TUI_SECONDS	5.0

/* The object in the block at addr of h, or 0 (with *cause). */
static uint64_t
block_object(struct pyobj *p, const struct heap *h, uint64_t addr,
    char **cause)
{
	const struct heap_layout *l = &h->layout;
	size_t i;

	for (i = 0; i < h->narenas; i++) {
		const struct heap_arena *a = &h->arenas[i];
		const struct heap_pool *pool;
		uint64_t off;
		uint32_t size, b;

		if (addr < a->first_pool ||
		    addr >= a->first_pool + (uint64_t)a->npools * l->pool_size)
			continue;
		off = addr - a->first_pool;
		pool = &a->pools[off / l->pool_size];
		off %= l->pool_size;
		if ((pool->state != POOL_FULL && pool->state != POOL_USED) ||
		    pool->szidx >= l->nclasses || off < l->pool_overhead)
			break;
		size = heap_block_size(l, pool->szidx);
		b = (uint32_t)((off - l->pool_overhead) / size);
		if (heap_block_state(h, pool, b) != BLOCK_ALLOCATED)
			break;
		addr = pyobj_block_object(p, addr - (off - l->pool_overhead) %
		    size, size, heap_block_type(pool, b));
		if (addr == 0)
			util_cause(cause, "the block holds no object of a known "
			    "type now");
		return addr;
	}
	util_cause(cause, "the block is not allocated now");
	return 0;
}

/* --why's lines for one object, into a malloc'd string. */
static char *
why_text(uint64_t addr, const struct pyobj_why *w, const struct pyobj *p)
{
	char *text = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL)
		return xstrdup("out of memory");
	fprintf(f, "0x%llx <%s>, refcount %llu:\n", (unsigned long long)addr,
	    w->type, (unsigned long long)w->refcnt);
	switch (w->verdict) {
	case PYOBJ_ROOTED:
		for (i = 0; i < w->npaths; i++)
			fprintf(f, "%s -> <%s at 0x%llx>\n", w->paths[i],
			    w->type, (unsigned long long)addr);
		break;
	case PYOBJ_CYCLE:
		fprintf(f, "unreachable garbage in a reference cycle of %llu "
		    "objects that the collector has not freed yet\n",
		    (unsigned long long)w->cycle_objects);
		break;
	case PYOBJ_OUTSIDE:
		fprintf(f, "held from outside the object heap (C code, a frame "
		    "or interpreter state); no module global or class "
		    "attribute reaches it\n");
		break;
	case PYOBJ_BOUNDED:
		fprintf(f, "no root found before the %s bound\n", w->bound);
		break;
	case PYOBJ_NOT_OBJECT:
		break;
	}
	fprintf(f, "(%llu objects visited, %u levels; %llu MiB of arenas and "
	    "%llu MiB outside scanned%s)\n", (unsigned long long)w->visited,
	    w->depth, (unsigned long long)(pyobj_scanned_arena(p) >> 20),
	    (unsigned long long)(pyobj_scanned_outside(p) >> 20),
	    pyobj_outside_truncated(p) ? ", truncated" : "");
	fclose(f);
	return text;
}

/* The TUI quitting stops the climb, as it stops a capture. */
static int
climb_stop(void *pm)
{
	return pymalloc_cancelled(pm);
}

static int
climb(struct app_live *lv, const struct heap *h, uint64_t addr, int block,
    char **text, char **cause)
{
	struct pyobj_bounds b = { .max_seconds = WHY_TUI_SECONDS,
	    .stop = climb_stop, .stop_ctx = lv->pm };
	struct pyobj_why w;
	struct pyobj *p;
	int major = 0, minor = 0, rc = -1;

	if (sscanf(pymalloc_version(lv->pm), "%d.%d", &major, &minor) != 2)
		return util_cause(cause, "unknown Python version");
	p = pyobj_open(lv->src, h, pymalloc_py_layout(lv->pm), major, minor,
	    &b, cause);
	if (p == NULL)
		return -1;
	if (block)
		addr = block_object(p, h, addr, cause);
	if (addr != 0 && pyobj_why(p, addr, &w, cause) == 0) {
		if (w.verdict == PYOBJ_NOT_OBJECT)
			util_cause(cause, "no live object at 0x%llx now",
			    (unsigned long long)addr);
		else {
			*text = why_text(addr, &w, p);
			rc = 0;
		}
		pyobj_why_free(&w);
	}
	pyobj_close(p);
	return rc;
}

int
app_why_block(struct app_live *lv, int types, uint64_t addr, int block,
    char **text, char **cause)
{
	struct heap *h;
	int rc;

	*text = NULL;
	pymalloc_set_types(lv->pm, 1);
	rc = app_live_capture(lv, HEAP_LEVEL_BLOCKS, &h, cause);
	pymalloc_set_types(lv->pm, types);
	if (rc != 0)
		return -1;
	rc = climb(lv, h, addr, block, text, cause);
	heap_free(h);
	return rc;
}
