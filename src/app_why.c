/*
 * --why=ADDR: what keeps an object alive, live.  One block-level capture
 * with types, then the climb of pyobj_path.c for each address; the answer
 * is printed as paths a Python programmer can read, with the work done and
 * any bound that was hit.
 */
#include "config.h"

#include "app.h"
#include "app_live.h"
#include "glibc.h"
#include "pymalloc_internal.h"
#include "pyobj.h"
#include "render.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "0x7f.." (hex, as heapview prints) or decimal (as id() prints). */
int
app_why_parse(const char *s, uint64_t *out, size_t max, size_t *n)
{
	*n = 0;
	while (*s != '\0') {
		char *end;
		int hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');

		if (*n == max || !(hex || (*s >= '0' && *s <= '9')))
			return -1;
		errno = 0;
		out[(*n)++] = strtoull(s, &end, hex ? 16 : 10);
		if (errno != 0 || end == s || (*end != '\0' && *end != ','))
			return -1;
		s = *end == ',' ? end + 1 : end;
	}
	return *n > 0 ? 0 : -1;
}

static void
print_why(uint64_t addr, const struct pyobj_why *w, const struct pyobj *p)
{
	size_t i;

	printf("0x%llx <%s>, refcount %llu:\n", (unsigned long long)addr,
	    w->type, (unsigned long long)w->refcnt);
	switch (w->verdict) {
	case PYOBJ_ROOTED:
		for (i = 0; i < w->npaths; i++)
			printf("  %s -> <%s at 0x%llx>\n", w->paths[i], w->type,
			    (unsigned long long)addr);
		if (w->more_paths > 0)
			printf("  and %zu more path%s, not shown\n",
			    w->more_paths, w->more_paths == 1 ? "" : "s");
		if (w->bound != NULL && strcmp(w->bound, "paths") == 0)
			printf("  (the climb stops at %d paths: longer ones "
			    "were not looked for)\n", PYOBJ_MAX_PATHS);
		else if (w->bound != NULL)
			printf("  (longer paths were not looked for: the %s "
			    "bound)\n", w->bound);
		break;
	case PYOBJ_CYCLE:
		printf("  unreachable garbage in a reference cycle of %llu "
		    "objects that the collector has not freed yet\n",
		    (unsigned long long)w->cycle_objects);
		break;
	case PYOBJ_OUTSIDE:
		printf("  held from outside the object heap (C code, a frame "
		    "or interpreter state); no module global or class "
		    "attribute reaches it\n");
		break;
	case PYOBJ_BOUNDED:
		printf("  no root found before the %s bound\n", w->bound);
		break;
	case PYOBJ_NOT_OBJECT:
		break;
	}
	printf("  (%llu objects visited, %u levels; last scan: %llu MiB of "
	    "arenas, %llu MiB outside%s)\n", (unsigned long long)w->visited,
	    w->depth, (unsigned long long)(pyobj_scanned_arena(p) >> 20),
	    (unsigned long long)(pyobj_scanned_outside(p) >> 20),
	    pyobj_outside_truncated(p) ? ", truncated" : "");
}

static struct pyobj *
open_pyobj(struct app_live *lv, const struct heap *h, char **cause)
{
	int major = 0, minor = 0;

	if (sscanf(pymalloc_version(lv->pm), "%d.%d", &major, &minor) != 2) {
		util_cause(cause, "unknown Python version");
		return NULL;
	}
	return pyobj_open(lv->src, h, pymalloc_py_layout(lv->pm), major, minor,
	    NULL, cause);
}

void
app_why_pinned(FILE *out, struct app_live *lv, const struct heap *h)
{
	struct pyobj_pinned_roots pr;
	struct pyobj *p;
	char *cause = NULL;

	if ((p = open_pyobj(lv, h, &cause)) == NULL ||
	    pyobj_pinned_roots(p, &pr, &cause) != 0) {
		fprintf(out, "\nWhy the pinned arenas stay: not known (%s)\n",
		    cause != NULL ? cause : "?");
		free(cause);
		pyobj_close(p);
		return;
	}
	render_stats_roots(out, &pr);
	pyobj_pinned_roots_free(&pr);
	pyobj_close(p);
}

void
app_why_chunks(FILE *out, struct app_live *lv, const struct heap *h)
{
	struct pyobj_chunk_census c;
	struct glibc_malloc *gm = NULL;
	struct pyobj *p = NULL;
	char *cause = NULL;
	int frozen = 0;

	/* with --freeze the chunks are walked and read with the target
	 * stopped, as the malloc section is */
	if ((lv->freeze && !(frozen = source_freeze(lv->pid, &cause) == 0)) ||
	    glibc_malloc_read_flags(lv->src, GLIBC_READ_MAP, &gm,
	    &cause) != 0 || (p = open_pyobj(lv, h, &cause)) == NULL) {
		fprintf(out, "\nPython objects in malloc's chunks: not read "
		    "(%s)\n", cause != NULL ? cause : "?");
	} else if (gm->status != GLIBC_OK) {
		fprintf(out, "\nPython objects in malloc's chunks: not read "
		    "(%s)\n", gm->note != NULL ? gm->note : "no glibc malloc");
	} else {
		pyobj_chunk_census(p, gm, &c);
		render_stats_chunks(out, &c);
		pyobj_chunk_census_free(&c);
	}
	if (frozen)
		source_thaw();
	free(cause);
	pyobj_close(p);
	glibc_malloc_free(gm);
}

static int
why_all(const struct app_options *o, struct app_live *lv, struct heap *h)
{
	struct pyobj *p;
	uint64_t addrs[64];
	size_t n, i;
	char *cause = NULL;
	int rc = 0;

	(void)app_why_parse(o->why, addrs, 64, &n);
	if ((p = open_pyobj(lv, h, &cause)) == NULL) {
		fprintf(stderr, "heapview: --why: %s\n", cause);
		free(cause);
		return 1;
	}
	for (i = 0; i < n; i++) {
		struct pyobj_why w;

		if (pyobj_why(p, addrs[i], &w, &cause) != 0) {
			fprintf(stderr, "heapview: --why: %s\n", cause);
			free(cause);
			rc = 1;
			break;
		}
		if (w.verdict == PYOBJ_NOT_OBJECT) {
			fprintf(stderr, "heapview: --why: 0x%llx: no live "
			    "object at this address\n",
			    (unsigned long long)addrs[i]);
			rc = 1;
			continue;
		}
		print_why(addrs[i], &w, p);
		pyobj_why_free(&w);
	}
	pyobj_close(p);
	return rc;
}

int
app_why(const struct app_options *o, struct app_live *lv)
{
	struct heap *h;
	char *cause = NULL;
	int rc;

	if (lv->child != NULL && o->after > 0) {
		double left = lv->started + o->after - util_monotonic();

		if (left > 0)
			usleep((useconds_t)(left * 1e6));
	}
	pymalloc_set_types(lv->pm, 1);
	if (app_live_capture(lv, HEAP_LEVEL_BLOCKS, &h, &cause) != 0) {
		fprintf(stderr, "heapview: %s\n", cause);
		free(cause);
		return 1;
	}
	rc = why_all(o, lv, h);
	heap_free(h);
	return rc;
}
