/*
 * The climb from an object to the roots that keep it alive (pyobj.h).
 *
 * Breadth-first over referrers: each level is one scan for every object of
 * the frontier at once (pyobj_referrers), so the work is one pass over the
 * heap per level, not per object.  A level that meets a module's __dict__
 * (a global) or a class's __dict__ (a class attribute) ends the climb: the
 * paths to those roots are the answer, the shortest ones.
 *
 * When the climb runs out of referrers without a root, the refcounts
 * decide between the two other answers: if every object met is held
 * exactly as often as the scans found references to it, the set is closed
 * -- unreachable garbage in a reference cycle, which the collector has not
 * freed yet; if some object has more references than were found, the rest
 * come from outside the object heap (C code, a frame's stack, interpreter
 * state).  Stale words in memory that is not an object (freed malloc
 * chunks, the C stack) therefore never fake a holder.
 *
 * Bounds: levels (max_depth), objects visited (max_objects), referrers
 * per level (max_refs) and time (max_seconds); the one that was hit is
 * named in the answer.
 */
#include "config.h"

#include "pyobj.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PATH_MAX_LEN	1024

struct node {
	uint64_t		addr;
	int64_t			parent;	/* the node this one holds; -1 */
	struct pyobj_ref	edge;	/* where it holds it */
	uint64_t		found;	/* references to it found */
	int			scanned;
};

struct climb {
	struct pyobj	*p;
	struct node	*nodes;
	size_t		 n, cap;
	/* open addressing: node index + 1 by address */
	uint32_t	*tab;
	size_t		 tabcap;
	/* roots met: (node, ref) */
	size_t		 roots[PYOBJ_MAX_PATHS];
	struct pyobj_ref root_ref[PYOBJ_MAX_PATHS];
	size_t		 nroots;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t
slot(const struct climb *c, uint64_t a)
{
	return (size_t)((a >> 3) * 0x9e3779b97f4a7c15ull >> 40) &
	    (c->tabcap - 1);
}

static int64_t
find(const struct climb *c, uint64_t a)
{
	size_t i = slot(c, a);

	while (c->tab[i] != 0) {
		if (c->nodes[c->tab[i] - 1].addr == a)
			return c->tab[i] - 1;
		i = (i + 1) & (c->tabcap - 1);
	}
	return -1;
}

static size_t
add(struct climb *c, uint64_t a, int64_t parent, const struct pyobj_ref *e)
{
	size_t i = slot(c, a);

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->nodes = xreallocarray(c->nodes, c->cap, sizeof *c->nodes);
	}
	memset(&c->nodes[c->n], 0, sizeof c->nodes[c->n]);
	c->nodes[c->n].addr = a;
	c->nodes[c->n].parent = parent;
	if (e != NULL)
		c->nodes[c->n].edge = *e;
	while (c->tab[i] != 0)
		i = (i + 1) & (c->tabcap - 1);
	c->tab[i] = (uint32_t)++c->n;
	return c->n - 1;
}

static int
identifier(const char *s)
{
	size_t i;

	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') ||
	    s[0] == '_'))
		return 0;
	for (i = 1; s[i] != '\0'; i++) {
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	}
	return 1;
}

static void cat(char *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
cat(char *s, const char *fmt, ...)
{
	size_t l = strlen(s);
	va_list ap;

	if (l + 1 >= PATH_MAX_LEN)
		return;
	va_start(ap, fmt);
	vsnprintf(s + l, PATH_MAX_LEN - l, fmt, ap);
	va_end(ap);
}

/* One step of a path: where the holder keeps the next object.  In a
 * namespace (a module's or class's dict, an instance's __dict__) a str key
 * reads as an attribute. */
static void
step(char *s, const struct pyobj_ref *e, int ns)
{
	char name[PYOBJ_NAME_MAX];
	size_t l = strlen(e->name);

	switch (e->pos) {
	case PYOBJ_POS_VALUE:
		if (ns && l > 2 && e->name[0] == '\'') {
			snprintf(name, sizeof name, "%.*s", (int)l - 2,
			    e->name + 1);
			if (identifier(name)) {
				cat(s, ".%s", name);
				break;
			}
		}
		cat(s, "[%s]", e->name);
		break;
	case PYOBJ_POS_INDEX:
		cat(s, "[%lld]", (long long)e->index);
		break;
	case PYOBJ_POS_KEY:
		cat(s, ".keys()");
		break;
	case PYOBJ_POS_MEMBER:
		cat(s, "{...}");
		break;
	case PYOBJ_POS_ATTR:
	case PYOBJ_POS_SLOT:
		cat(s, ".%s", e->name);
		break;
	case PYOBJ_POS_DICT:
		break;	/* the attribute follows */
	default:
		cat(s, " (%s+%lld)", e->owner_type, (long long)e->index);
		break;
	}
}

/* The path from the root met at node r (with ref rr) down to the target. */
static char *
path(struct climb *c, size_t r, const struct pyobj_ref *rr)
{
	char *s = xcalloc(1, PATH_MAX_LEN), mod[PYOBJ_NAME_MAX];
	int64_t i = (int64_t)r, steps = 0;
	int ns = 1;

	if (rr->pos == PYOBJ_POS_MODULE_DICT) {
		if (pyobj_dict_str(c->p, rr->target, "__name__", mod,
		    sizeof mod) != 0)
			snprintf(mod, sizeof mod, "<module at 0x%llx>",
			    (unsigned long long)rr->owner);
		cat(s, "%s", mod);
	} else {
		if (pyobj_dict_str(c->p, rr->target, "__module__", mod,
		    sizeof mod) == 0)
			cat(s, "%s.", mod);
		cat(s, "%s", rr->name);
	}
	while (i > 0 && steps++ < (int64_t)c->n) {
		step(s, &c->nodes[i].edge, ns);
		ns = c->nodes[i].edge.pos == PYOBJ_POS_DICT;
		i = c->nodes[i].parent;
	}
	return s;
}

/* One level: the referrers of the frontier [lo, hi) of nodes. */
static int
level(struct climb *c, size_t lo, size_t hi, uint64_t max_objects,
    int *outside, char **cause)
{
	uint64_t *t = xcalloc(hi - lo + 1, sizeof *t);
	struct pyobj_ref *refs;
	size_t nrefs, i;
	int rc;

	for (i = lo; i < hi; i++) {
		t[i - lo] = c->nodes[i].addr;
		c->nodes[i].scanned = 1;
	}
	rc = pyobj_referrers(c->p, t, hi - lo, &refs, &nrefs, cause);
	free(t);
	if (rc != 0)
		return -1;
	for (i = 0; i < nrefs; i++) {
		const struct pyobj_ref *r = &refs[i];
		int64_t held = find(c, r->target);

		if (held < 0)
			continue;
		if (r->pos == PYOBJ_POS_OUTSIDE || r->owner == 0) {
			*outside = 1;
			continue;
		}
		c->nodes[held].found++;
		if (r->pos == PYOBJ_POS_MODULE_DICT ||
		    r->pos == PYOBJ_POS_TYPE_DICT) {
			if (c->nroots < PYOBJ_MAX_PATHS) {
				c->roots[c->nroots] = (size_t)held;
				c->root_ref[c->nroots++] = *r;
			}
			continue;
		}
		if (find(c, r->owner) < 0 && c->n < max_objects)
			add(c, r->owner, held, r);
	}
	free(refs);
	return 0;
}

/* No root: closed (every refcount explained) or held from outside. */
static enum pyobj_verdict
closed_or_outside(struct climb *c)
{
	char ty[PYOBJ_NAME_MAX];
	size_t i;

	for (i = 0; i < c->n; i++) {
		uint64_t rc;

		if (pyobj_describe(c->p, c->nodes[i].addr, ty, sizeof ty,
		    &rc) != 0 || rc > c->nodes[i].found)
			return PYOBJ_OUTSIDE;
	}
	return PYOBJ_CYCLE;
}

static void
climb(struct climb *c, struct pyobj_why *w, int *outside, char **cause,
    int *failed)
{
	const struct pyobj_bounds *b = pyobj_bounds(c->p);
	double t0 = now();
	size_t lo = 0, hi = 1;

	while (lo < hi && c->nroots == 0) {
		if (w->depth >= b->max_depth) {
			w->bound = "depth";
			return;
		}
		if (now() - t0 > b->max_seconds) {
			w->bound = "time";
			return;
		}
		if (level(c, lo, hi, b->max_objects, outside, cause) != 0) {
			*failed = 1;
			return;
		}
		w->depth++;
		if (pyobj_hit_bound(c->p))
			w->bound = "referrers per level";
		if (c->n >= b->max_objects)
			w->bound = "objects";
		lo = hi;
		hi = c->n;
		if (w->bound != NULL && c->nroots == 0)
			return;
	}
}

/* Keeps a path once. */
static void
add_path(struct pyobj_why *w, char *s)
{
	size_t i;

	for (i = 0; i < w->npaths; i++) {
		if (strcmp(w->paths[i], s) == 0) {
			free(s);
			return;
		}
	}
	w->paths[w->npaths++] = s;
}

int
pyobj_why(struct pyobj *p, uint64_t addr, struct pyobj_why *w, char **cause)
{
	const struct pyobj_bounds *b = pyobj_bounds(p);
	struct climb c = { .p = p };
	int outside = 0, failed = 0;
	size_t i;

	memset(w, 0, sizeof *w);
	if (pyobj_describe(p, addr, w->type, sizeof w->type, &w->refcnt) != 0) {
		w->verdict = PYOBJ_NOT_OBJECT;
		return 0;
	}
	c.tabcap = 64;
	while (c.tabcap < b->max_objects * 2)
		c.tabcap *= 2;
	c.tab = xcalloc(c.tabcap, sizeof *c.tab);
	add(&c, addr, -1, NULL);
	climb(&c, w, &outside, cause, &failed);
	w->visited = c.n;
	w->outside = outside;
	if (c.nroots > 0) {
		w->verdict = PYOBJ_ROOTED;
		for (i = 0; i < c.nroots; i++)
			add_path(w, path(&c, c.roots[i], &c.root_ref[i]));
	} else if (w->bound != NULL) {
		w->verdict = PYOBJ_BOUNDED;
	} else if (!failed) {
		w->verdict = closed_or_outside(&c);
		w->cycle_objects = c.n;
	}
	free(c.tab);
	free(c.nodes);
	return failed ? -1 : 0;
}

void
pyobj_why_free(struct pyobj_why *w)
{
	size_t i;

	for (i = 0; i < w->npaths; i++)
		free(w->paths[i]);
	w->npaths = 0;
}
