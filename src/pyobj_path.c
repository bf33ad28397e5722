/*
 * The climb from an object to the roots that keep it alive (pyobj.h).
 *
 * Breadth-first over referrers: each level is one scan for every object of
 * the frontier at once (pyobj_referrers), so the work is one pass over the
 * heap per level, not per object.  A holder that is a module's __dict__ (a
 * global), a class's __dict__ (a class attribute) or a frame (a local) is
 * a root.  The climb goes on past the first root to find the others, each
 * by its shortest path, up to PYOBJ_MAX_PATHS paths and PYOBJ_MORE_LEVELS
 * levels past the nearest root (pyobj.h).
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

#include "heap_types.h"
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
	int			partial;	/* holders left out by a bound */
	int			held_outside;	/* refcount over found */
	int64_t			root;	/* index in rootrefs: a root dict */
};

/* A reference between two nodes (the aggregated climb keeps them all). */
struct edge {
	size_t			owner, target;
	struct pyobj_ref	ref;
};

/* A root met: the reference rr from the root (a module or class holding
 * its __dict__, a frame holding a local) to node; with a cross edge, the
 * path goes from rr's dict through edge to node. */
struct found_root {
	size_t			node;
	struct pyobj_ref	rr;
	int			has_edge;
	struct pyobj_ref	edge;
};

#define MAX_CROSS	4096
#define MAX_FOUND	4096

struct climb {
	struct pyobj	*p;
	struct node	*nodes;
	size_t		 n, cap;
	/* open addressing: node index + 1 by address */
	uint32_t	*tab;
	size_t		 tabcap;
	/* roots met: (node, ref) */
	struct found_root *found;
	size_t		 nfound, found_cap, found_dropped;
	/* references from a dict met already to a node climbed through
	 * another holder: another path when that dict is a root */
	struct edge	*cross;
	size_t		 ncross, cross_cap;
	uint64_t	 maxn;
	int		 truncated;	/* a scan left memory outside unread */
	/* the aggregated climb: every edge, every root dict's root ref */
	int		 keep_all;
	struct edge	*edges;
	size_t		 nedges, edges_cap;
	struct pyobj_ref *rootrefs;
	size_t		 nrootrefs, rootrefs_cap;
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
	c->nodes[c->n].root = -1;
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
	case PYOBJ_POS_LOCAL:
		cat(s, ".%s", e->name);
		break;
	case PYOBJ_POS_DICT:
		break;	/* the attribute follows */
	case PYOBJ_POS_FIELD:
		if (e->name[0] != '\0') {
			cat(s, ".%s", e->name);
			break;
		}
		/* FALLTHROUGH */
	default:
		cat(s, " (%s+%lld)", e->owner_type, (long long)e->index);
		break;
	}
}

/* "idle(): local_node": a frame's local variable, the root; a thread other
 * than the main one is named by its native id (3.11+, where it is known):
 * "thread 4242: run(): item". */
static void
frame_root(char *s, const struct pyobj_ref *rr)
{
	const char *colon = strchr(rr->name, ':');

	if (rr->index > 0)
		cat(s, "thread %lld: ", (long long)rr->index);
	if (colon == NULL)
		cat(s, "a frame");
	else
		cat(s, "%.*s(): %s", (int)(colon - rr->name), rr->name,
		    colon + 1);
}

/* The root a path starts from, into s: "idle(): local_node", "app" (a
 * module's globals), "app.Registry" (a class's attributes).  Returns
 * whether the next step is in a namespace (a str key reads as a name). */
static int
root_name(struct climb *c, const struct pyobj_ref *rr, char *s)
{
	char mod[PYOBJ_NAME_MAX];

	if (rr->pos == PYOBJ_POS_FRAME) {
		frame_root(s, rr);
		/* a value stack slot has no name: the type of what it holds */
		if (strstr(rr->name, ":" PYOBJ_VALUE_STACK) != NULL &&
		    pyobj_describe(c->p, rr->target, mod, sizeof mod,
		    NULL) == 0)
			cat(s, " <%s>", mod);
		return 0;
	}
	if (rr->pos == PYOBJ_POS_MODULE_DICT) {
		if (pyobj_dict_str(c->p, rr->target, "__name__", mod,
		    sizeof mod) != 0)
			snprintf(mod, sizeof mod, "<module at 0x%llx>",
			    (unsigned long long)rr->owner);
		cat(s, "%s", mod);
		return 1;
	}
	/* a static type's tp_name has its module already */
	if (strchr(rr->name, '.') == NULL &&
	    pyobj_dict_str(c->p, rr->target, "__module__", mod,
	    sizeof mod) == 0)
		cat(s, "%s.", mod);
	cat(s, "%s", rr->name);
	return 1;
}

/* The path from root f down to the target. */
static char *
path(struct climb *c, const struct found_root *f)
{
	char *s = xcalloc(1, PATH_MAX_LEN);
	int64_t i = (int64_t)f->node, steps = 0;
	int ns = root_name(c, &f->rr, s);

	if (f->has_edge) {
		step(s, &f->edge, ns);
		ns = f->edge.pos == PYOBJ_POS_DICT;
	}
	while (i > 0 && steps++ < (int64_t)c->n) {
		step(s, &c->nodes[i].edge, ns);
		ns = c->nodes[i].edge.pos == PYOBJ_POS_DICT;
		i = c->nodes[i].parent;
	}
	return s;
}

/* The aggregated climb: marks root dicts, keeps every edge.  A root
 * dict's other holders (functions' __globals__, frames) are not climbed:
 * the survivors below it have their root. */
static void
keep(struct climb *c, int64_t held, const struct pyobj_ref *r)
{
	int64_t o;

	if (r->pos == PYOBJ_POS_MODULE_DICT || r->pos == PYOBJ_POS_TYPE_DICT ||
	    r->pos == PYOBJ_POS_FRAME) {
		if (c->nodes[held].root >= 0)
			return;
		if (c->nrootrefs == c->rootrefs_cap) {
			c->rootrefs_cap = c->rootrefs_cap ? c->rootrefs_cap * 2 : 16;
			c->rootrefs = xreallocarray(c->rootrefs, c->rootrefs_cap,
			    sizeof *c->rootrefs);
		}
		c->rootrefs[c->nrootrefs] = *r;
		c->nodes[held].root = (int64_t)c->nrootrefs++;
		return;
	}
	if ((o = find(c, r->owner)) < 0) {
		if (c->n >= c->maxn) {
			c->nodes[held].partial = 1;
			return;
		}
		o = (int64_t)add(c, r->owner, held, r);
	}
	if (c->nedges == c->edges_cap) {
		c->edges_cap = c->edges_cap ? c->edges_cap * 2 : 256;
		c->edges = xreallocarray(c->edges, c->edges_cap,
		    sizeof *c->edges);
	}
	c->edges[c->nedges++] = (struct edge){ (size_t)o, (size_t)held, *r };
}

static void
add_found(struct climb *c, size_t node, const struct pyobj_ref *rr,
    const struct pyobj_ref *edge)
{
	struct found_root *f;

	if (c->nfound >= MAX_FOUND) {
		c->found_dropped++;	/* counted, not named */
		return;
	}
	if (c->nfound == c->found_cap) {
		c->found_cap = c->found_cap ? c->found_cap * 2 : 16;
		c->found = xreallocarray(c->found, c->found_cap,
		    sizeof *c->found);
	}
	f = &c->found[c->nfound++];
	memset(f, 0, sizeof *f);
	f->node = node;
	f->rr = *rr;
	if (edge != NULL) {
		f->has_edge = 1;
		f->edge = *edge;
	}
}

static void
add_cross(struct climb *c, size_t owner, size_t target,
    const struct pyobj_ref *r)
{
	if (c->ncross >= MAX_CROSS)
		return;
	if (c->ncross == c->cross_cap) {
		c->cross_cap = c->cross_cap ? c->cross_cap * 2 : 16;
		c->cross = xreallocarray(c->cross, c->cross_cap,
		    sizeof *c->cross);
	}
	c->cross[c->ncross++] = (struct edge){ owner, target, *r };
}

/* Roots met so far: the direct ones, and the cross edges from a dict
 * that turned out to be a root. */
static size_t
roots_met(const struct climb *c)
{
	size_t n = c->nfound, i;

	for (i = 0; i < c->ncross; i++)
		n += c->nodes[c->cross[i].owner].root >= 0;
	return n;
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
	/* the tables of big containers live outside the arenas: holders
	 * there may have been missed */
	if (pyobj_outside_truncated(c->p)) {
		c->truncated = 1;
		for (i = lo; i < hi; i++)
			c->nodes[i].partial = 1;
	}
	/* root dicts first: their other holders are then not climbed */
	for (i = 0; c->keep_all && i < nrefs; i++) {
		int64_t held = find(c, refs[i].target);

		if (held >= 0 && (refs[i].pos == PYOBJ_POS_MODULE_DICT ||
		    refs[i].pos == PYOBJ_POS_TYPE_DICT ||
		    refs[i].pos == PYOBJ_POS_FRAME)) {
			c->nodes[held].found++;
			keep(c, held, &refs[i]);
		}
	}
	/* the same for one object's paths: a module's or class's __dict__
	 * is a root, whose other holders (functions' __globals__, frames)
	 * lead to no other root */
	for (i = 0; !c->keep_all && i < nrefs; i++) {
		int64_t held = find(c, refs[i].target);

		if (held >= 0 && refs[i].owner != 0 &&
		    (refs[i].pos == PYOBJ_POS_MODULE_DICT ||
		    refs[i].pos == PYOBJ_POS_TYPE_DICT)) {
			c->nodes[held].found++;
			if (c->nodes[held].root < 0)
				c->nodes[held].root = (int64_t)c->nfound;
			add_found(c, (size_t)held, &refs[i], NULL);
		}
	}
	for (i = 0; i < nrefs; i++) {
		const struct pyobj_ref *r = &refs[i];
		int64_t held = find(c, r->target), o;

		if (r->pos == PYOBJ_POS_WEAK)
			continue;	/* keeps nothing alive */

		if (c->keep_all && held >= 0 &&
		    (r->pos == PYOBJ_POS_MODULE_DICT ||
		    r->pos == PYOBJ_POS_TYPE_DICT || r->pos == PYOBJ_POS_FRAME))
			continue;
		if (c->keep_all && held >= 0 && c->nodes[held].root >= 0 &&
		    r->owner != 0) {
			c->nodes[held].found++;
			continue;
		}

		if (held < 0)
			continue;
		if (r->pos == PYOBJ_POS_OUTSIDE || r->owner == 0) {
			*outside = 1;
			continue;
		}
		c->nodes[held].found++;
		if (c->keep_all) {
			keep(c, held, r);
			continue;
		}
		if (r->pos == PYOBJ_POS_MODULE_DICT ||
		    r->pos == PYOBJ_POS_TYPE_DICT)
			continue;	/* met first, below */
		if (r->pos == PYOBJ_POS_FRAME) {
			add_found(c, (size_t)held, r, NULL);
			continue;
		}
		if (c->nodes[held].root >= 0)
			continue;	/* a root dict's other holders */
		if ((o = find(c, r->owner)) < 0) {
			if (c->n < max_objects)
				add(c, r->owner, held, r);
		} else if (strcmp(r->owner_type, "dict") == 0) {
			add_cross(c, (size_t)o, (size_t)held, r);
		}
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

/* Levels until no holder is left to climb, PYOBJ_MAX_PATHS roots are
 * found, PYOBJ_MORE_LEVELS levels past the nearest root were climbed, or a
 * bound is hit. */
static void
climb(struct climb *c, struct pyobj_why *w, int *outside, char **cause,
    int *failed)
{
	const struct pyobj_bounds *b = pyobj_bounds(c->p);
	double t0 = now();
	size_t lo = 0, hi = 1;
	unsigned nearest = 0;	/* the level of the first root */

	while (lo < hi) {
		if (roots_met(c) >= PYOBJ_MAX_PATHS) {
			w->bound = "paths";
			return;
		}
		if (nearest > 0 && w->depth >= nearest + PYOBJ_MORE_LEVELS) {
			w->bound = "levels past the nearest root";
			return;
		}
		if (w->depth >= b->max_depth) {
			w->bound = "depth";
			return;
		}
		if (now() - t0 > b->max_seconds) {
			w->bound = "time";
			return;
		}
		if (b->stop != NULL && b->stop(b->stop_ctx)) {
			w->bound = "cancelled";
			return;
		}
		if (level(c, lo, hi, b->max_objects, outside, cause) != 0) {
			*failed = 1;
			return;
		}
		w->depth++;
		if (nearest == 0 && roots_met(c) > 0)
			nearest = w->depth;
		if (pyobj_hit_bound(c->p))
			w->bound = "referrers per level";
		if (c->n >= b->max_objects)
			w->bound = "objects";
		lo = hi;
		hi = c->n;
		if (w->bound != NULL)
			return;
	}
}

/* The number of steps from the root met at node r down to the target. */
static size_t
steps(const struct climb *c, size_t r)
{
	int64_t i = (int64_t)r;
	size_t k = 1;

	while (i > 0 && k <= c->n) {
		i = c->nodes[i].parent;
		k++;
	}
	return k;
}

struct found {
	size_t	 steps;
	char	*text;
};

static int
found_cmp(const void *pa, const void *pb)
{
	const struct found *a = pa, *b = pb;

	if (a->steps != b->steps)
		return a->steps < b->steps ? -1 : 1;
	return strcmp(a->text, b->text);
}

/* Every root's path, shortest first, then by text; each text once; the
 * first PYOBJ_MAX_PATHS kept, the others counted. */
static void
paths(struct climb *c, struct pyobj_why *w)
{
	struct found *f = xcalloc(c->nfound, sizeof *f);
	size_t i, k;

	for (i = 0; i < c->nfound; i++) {
		f[i].steps = steps(c, c->found[i].node) + c->found[i].has_edge;
		f[i].text = path(c, &c->found[i]);
	}
	qsort(f, c->nfound, sizeof *f, found_cmp);
	for (i = 0; i < c->nfound; i++) {
		for (k = 0; k < i && strcmp(f[k].text, f[i].text) != 0; k++)
			continue;
		if (k < i)
			continue;	/* the same text */
		if (w->npaths < PYOBJ_MAX_PATHS)
			w->paths[w->npaths++] = xstrdup(f[i].text);
		else
			w->more_paths++;
	}
	w->more_paths += c->found_dropped;
	for (i = 0; i < c->nfound; i++)
		free(f[i].text);
	free(f);
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
	for (i = 0; i < c.ncross; i++) {	/* the cross edges' roots */
		const struct edge *x = &c.cross[i];

		if (c.nodes[x->owner].root >= 0)
			add_found(&c, x->target,
			    &c.found[c.nodes[x->owner].root].rr, &x->ref);
	}
	if (c.nfound > 0) {
		w->verdict = PYOBJ_ROOTED;
		paths(&c, w);
	} else if (w->bound != NULL) {
		w->verdict = PYOBJ_BOUNDED;
	} else if (c.truncated && !failed) {
		/* missed holders would be counted as outside ones */
		w->verdict = PYOBJ_BOUNDED;
		w->bound = "bytes outside the arenas";
	} else if (!failed) {
		w->verdict = closed_or_outside(&c);
		w->cycle_objects = c.n;
	}
	free(c.tab);
	free(c.nodes);
	free(c.found);
	free(c.cross);
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

/* ---- the roots of the pinned arenas ------------------------------------ */

/* The name of a root dict and the step into it: "__main__.cache". */
static void
root_label(struct climb *c, const struct pyobj_ref *rr,
    const struct pyobj_ref *e, char *buf, size_t len)
{
	char s[PATH_MAX_LEN] = "";
	int ns = root_name(c, rr, s);
	size_t n;

	/* a global or class attribute is named by its key in the root dict;
	 * a frame's local is the root itself */
	if (e != NULL && rr->pos != PYOBJ_POS_FRAME)
		step(s, e, ns);
	/* cut to the caller's room (a copy, not snprintf: -Wformat-truncation
	 * flags the cut that is meant here) */
	if (len == 0)
		return;
	n = strnlen(s, len - 1);
	memcpy(buf, s, n);
	buf[n] = '\0';
}

/* Edges by target (CSR): owners of node i are edges[first[i] .. first[i+1]). */
static size_t *
by_target(struct climb *c)
{
	size_t *first = xcalloc(c->n + 2, sizeof *first), i;
	struct edge *sorted = xcalloc(c->nedges + 1, sizeof *sorted);
	size_t *fill = xcalloc(c->n + 1, sizeof *fill);

	for (i = 0; i < c->nedges; i++)
		first[c->edges[i].target + 1]++;
	for (i = 0; i < c->n; i++)
		first[i + 1] += first[i];
	for (i = 0; i < c->nedges; i++) {
		size_t t = c->edges[i].target;

		sorted[first[t] + fill[t]++] = c->edges[i];
	}
	free(fill);
	free(c->edges);
	c->edges = sorted;
	return first;
}

struct attrib {
	enum pyobj_verdict	verdict;
	char			label[2 * PYOBJ_NAME_MAX];
};

/* Which nodes have more references than the scans found: read once per
 * node, not once per survivor whose climb meets it. */
static void
mark_held_outside(struct climb *c)
{
	char ty[PYOBJ_NAME_MAX];
	size_t i;

	for (i = 0; i < c->n; i++) {
		uint64_t rc;

		c->nodes[i].held_outside = pyobj_describe(c->p,
		    c->nodes[i].addr, ty, sizeof ty, &rc) != 0 ||
		    rc > c->nodes[i].found;
	}
}

/* A root as near as the best one so far: the first by name wins. */
static void
nearer(struct climb *c, const struct pyobj_ref *rr, const struct pyobj_ref *e,
    struct attrib *a)
{
	char label[sizeof a->label];

	root_label(c, rr, e, label, sizeof label);
	if (a->verdict != PYOBJ_ROOTED || strcmp(label, a->label) < 0) {
		memcpy(a->label, label, sizeof label);
		a->verdict = PYOBJ_ROOTED;
	}
}

/* Climbs the kept edges up from survivor s to its nearest root.  Without
 * one, a node whose holders the climb did not all see (not scanned, or
 * some left out by a bound) makes the answer unknown: its missing holders
 * may lead to a root, so neither a cycle nor an outside holder is claimed. */
static void
attribute(struct climb *c, const size_t *first, size_t s, uint32_t *stamp,
    uint32_t mark, size_t *queue, struct attrib *a)
{
	size_t head = 0, tail = 0, k;
	int outside = 0, unknown = 0;

	if (c->nodes[s].root >= 0) {
		root_label(c, &c->rootrefs[c->nodes[s].root], NULL, a->label,
		    sizeof a->label);
		a->verdict = PYOBJ_ROOTED;
		return;
	}
	a->verdict = PYOBJ_NOT_OBJECT;	/* no root yet */
	queue[tail++] = s;
	stamp[s] = mark;
	/* level by level: the nearest roots are met in one level, and the
	 * first of them by name is the survivor's */
	while (head < tail && a->verdict != PYOBJ_ROOTED) {
		size_t end = tail;

		while (head < end) {
			size_t y = queue[head++];

			if (!c->nodes[y].scanned || c->nodes[y].partial)
				unknown = 1;
			else if (c->nodes[y].held_outside)
				outside = 1;
			for (k = first[y]; k < first[y + 1]; k++) {
				size_t x = c->edges[k].owner;

				if (c->nodes[x].root >= 0) {
					nearer(c, &c->rootrefs[c->nodes[x].root],
					    &c->edges[k].ref, a);
					continue;
				}
				if (stamp[x] != mark) {
					stamp[x] = mark;
					queue[tail++] = x;
				}
			}
		}
	}
	if (a->verdict == PYOBJ_ROOTED)
		return;
	a->verdict = unknown ? PYOBJ_BOUNDED : outside ? PYOBJ_OUTSIDE :
	    PYOBJ_CYCLE;
}

static struct pyobj_root_row *
row_of(struct pyobj_pinned_roots *pr, const struct attrib *a)
{
	struct pyobj_root_row *r = NULL;
	size_t i;

	for (i = 0; i < pr->nrows; i++) {
		if (pr->rows[i].verdict == a->verdict &&
		    strcmp(pr->rows[i].label, a->label) == 0) {
			r = &pr->rows[i];
			break;
		}
	}
	if (r == NULL) {
		pr->rows = xreallocarray(pr->rows, pr->nrows + 1,
		    sizeof *pr->rows);
		r = &pr->rows[pr->nrows++];
		memset(r, 0, sizeof *r);
		r->verdict = a->verdict;
		snprintf(r->label, sizeof r->label, "%s", a->label);
	}
	return r;
}

/* Survivors [lo, hi) are one arena's: the arena counts for the root that
 * holds most of them, and so do those survivors; the others' roots are a
 * minority there. */
static void
count_arena(struct pyobj_pinned_roots *pr, const struct attrib *at,
    size_t lo, size_t hi, uint64_t carved)
{
	struct pyobj_root_row *best = NULL;
	size_t i;
	uint64_t most = 0;

	for (i = lo; i < hi; i++)
		row_of(pr, &at[i])->last_arena = 0;
	/* every row is made now: the pointers below stay valid */
	for (i = lo; i < hi; i++)
		row_of(pr, &at[i])->last_arena++;	/* a tally, here */
	for (i = lo; i < hi; i++) {
		struct pyobj_root_row *r = row_of(pr, &at[i]);

		if (r->last_arena > most) {
			most = r->last_arena;
			best = r;
		}
	}
	if (best == NULL)
		return;
	best->narenas++;
	best->carved_bytes += carved;
	for (i = lo; i < hi; i++) {
		struct pyobj_root_row *r = row_of(pr, &at[i]);

		if (r == best)
			r->objects += r->last_arena;
		else
			r->minority += r->last_arena;
		r->last_arena = 0;
	}
}

static int
row_cmp(const void *pa, const void *pb)
{
	const struct pyobj_root_row *a = pa, *b = pb;

	if (a->narenas != b->narenas)
		return a->narenas < b->narenas ? 1 : -1;
	if (a->objects != b->objects)
		return a->objects < b->objects ? 1 : -1;
	return strcmp(a->label, b->label);
}

/* The objects in the pinned arenas, as nodes; their arenas in arena[]. */
static void
survivors(struct climb *c, const struct heap *h,
    struct pyobj_pinned_roots *pr, uint32_t **arena, uint64_t max)
{
	size_t a, cap = 0, npinned = 0;
	uint64_t per;

	*arena = NULL;
	/* The bound is shared among the pinned arenas, so that a heap with
	 * more survivors than it still has each of its arenas climbed from. */
	for (a = 0; a < h->narenas; a++)
		npinned += heap_arena_pinned(h, &h->arenas[a]) != 0;
	per = npinned > 0 ? HV_MAX(max / npinned, (uint64_t)4) : max;
	for (a = 0; a < h->narenas; a++) {
		const struct heap_arena *ar = &h->arenas[a];
		uint32_t k, i;

		size_t before = c->n;

		if (!heap_arena_pinned(h, ar))
			continue;
		pr->pinned++;
		for (k = 0; k < ar->npools; k++) {
			const struct heap_pool *pool = &ar->pools[k];
			uint32_t size = heap_block_size(&h->layout, pool->szidx);
			uint32_t nb = heap_blocks_per_pool(&h->layout, pool->szidx);
			uint64_t pa = heap_pool_address(h, ar, k);

			if (pool->state != POOL_FULL && pool->state != POOL_USED)
				continue;
			for (i = 0; i < nb; i++) {
				uint64_t o;

				if (heap_block_state(h, pool, i) != BLOCK_ALLOCATED ||
				    heap_block_type(pool, i) == HEAP_TYPE_RAW)
					continue;
				pr->survivors++;
				if (c->n >= max || c->n - before >= per)
					continue;
				o = pyobj_block_object(c->p, pa +
				    h->layout.pool_overhead + (uint64_t)i * size,
				    size, heap_block_type(pool, i));
				if (o == 0 || find(c, o) >= 0)
					continue;
				add(c, o, -1, NULL);
				if (c->n > cap) {
					cap = cap ? cap * 2 : 256;
					*arena = xreallocarray(*arena, cap,
					    sizeof **arena);
				}
				(*arena)[c->n - 1] = (uint32_t)a;
			}
		}
		if (c->n == before) {
			pr->unclimbed_arenas++;
			pr->unclimbed_bytes += heap_arena_carved_bytes(h, ar);
		}
	}
}

int
pyobj_pinned_roots(struct pyobj *p, struct pyobj_pinned_roots *pr,
    char **cause)
{
	const struct pyobj_bounds *b = pyobj_bounds(p);
	const struct heap *h = pyobj_heap(p);
	struct climb c = { .p = p, .keep_all = 1 };
	uint32_t *arena, *stamp;
	size_t lo = 0, hi, nsurv, s, e, *first, *queue;
	struct attrib *at;
	int outside = 0, rc = 0;
	double t0 = now();

	memset(pr, 0, sizeof *pr);
	c.tabcap = 64;
	while (c.tabcap < b->max_objects * 4)
		c.tabcap *= 2;
	c.tab = xcalloc(c.tabcap, sizeof *c.tab);
	survivors(&c, h, pr, &arena, b->max_objects);
	nsurv = hi = c.n;
	pr->climbed = nsurv;
	c.maxn = nsurv + b->max_objects;
	while (lo < hi) {
		if (pr->depth >= b->max_depth || now() - t0 > b->max_seconds) {
			pr->bound = pr->depth >= b->max_depth ? "depth" : "time";
			break;
		}
		if (b->stop != NULL && b->stop(b->stop_ctx)) {
			pr->bound = "cancelled";
			break;
		}
		if (level(&c, lo, hi, c.maxn, &outside, cause) != 0) {
			rc = -1;
			break;
		}
		pr->depth++;
		if (pyobj_hit_bound(p)) {
			/* the referrers left out may be any node's */
			for (s = lo; s < hi; s++)
				c.nodes[s].partial = 1;
		}
		if (c.n >= c.maxn)
			pr->bound = "objects";
		else if (pyobj_hit_bound(p))
			pr->bound = "referrers per level";
		else if (c.truncated && pr->bound == NULL)
			pr->bound = "bytes outside the arenas";
		lo = hi;
		hi = c.n;
	}
	first = by_target(&c);
	mark_held_outside(&c);
	stamp = xcalloc(c.n + 1, sizeof *stamp);
	queue = xcalloc(c.n + 1, sizeof *queue);
	at = xcalloc(nsurv + 1, sizeof *at);
	for (s = 0; rc == 0 && s < nsurv; s++)
		attribute(&c, first, s, stamp, (uint32_t)s + 1, queue,
		    &at[s]);
	for (s = 0; rc == 0 && s < nsurv; s = e) {
		for (e = s; e < nsurv && arena[e] == arena[s]; e++)
			continue;
		count_arena(pr, at, s, e, heap_arena_carved_bytes(h,
		    &h->arenas[arena[s]]));
	}
	free(at);
	if (pr->nrows > 0)
		qsort(pr->rows, pr->nrows, sizeof *pr->rows, row_cmp);
	free(first);
	free(stamp);
	free(queue);
	free(arena);
	free(c.tab);
	free(c.nodes);
	free(c.edges);
	free(c.rootrefs);
	return rc;
}

void
pyobj_pinned_roots_free(struct pyobj_pinned_roots *pr)
{
	free(pr->rows);
	memset(pr, 0, sizeof *pr);
}
