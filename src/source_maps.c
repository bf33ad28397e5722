#include "config.h"

#include "source.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/*
 * The text of /proc/PID/maps, one mapping a line:
 *
 *	start-end perms offset major:minor inode [name]
 *
 * The name, when there is one, runs to the end of the line and may hold
 * spaces; the kernel appends " (deleted)" when the file was unlinked.  The
 * text comes from another process's view of the world, so every field is
 * checked and a bad line is an error naming its number, never a guess.
 */

#define DELETED_SUFFIX " (deleted)"

struct cursor {
	const char	*p;
	const char	*end;
};

static int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* At least one digit in base 16 or 10, no overflow. */
static int
take_number(struct cursor *c, unsigned base, uint64_t *v)
{
	const char *start = c->p;
	int d;

	*v = 0;
	while (c->p < c->end && (d = hex_digit((unsigned char)*c->p)) >= 0 &&
	    (unsigned)d < base) {
		if (*v > (UINT64_MAX - (unsigned)d) / base)
			return -1;
		*v = *v * base + (unsigned)d;
		c->p++;
	}
	return c->p == start ? -1 : 0;
}

static int
take_char(struct cursor *c, char want)
{
	if (c->p == c->end || *c->p != want)
		return -1;
	c->p++;
	return 0;
}

static int
take_perms(struct cursor *c, unsigned *perms)
{
	static const char yes[] = "rwxp", no[] = "---s";
	static const unsigned bit[] = { SOURCE_R, SOURCE_W, SOURCE_X, SOURCE_P };
	int i;

	*perms = 0;
	if (c->end - c->p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		if (c->p[i] == yes[i])
			*perms |= bit[i];
		else if (c->p[i] != no[i])
			return -1;
	}
	c->p += 4;
	return 0;
}

/* The rest of the line, with " (deleted)" moved into the deleted flag. */
static void
take_name(struct cursor *c, struct source_region *r)
{
	size_t n, sl = strlen(DELETED_SUFFIX);

	while (c->p < c->end && *c->p == ' ')
		c->p++;
	n = (size_t)(c->end - c->p);
	if (n > sl && memcmp(c->end - sl, DELETED_SUFFIX, sl) == 0) {
		r->deleted = 1;
		n -= sl;
	}
	r->name = xmalloc(n + 1);
	memcpy(r->name, c->p, n);
	r->name[n] = '\0';
}

/* One line without its newline; returns NULL or what is wrong with it. */
static const char *
parse_line(struct cursor *c, struct source_region *r)
{
	uint64_t major, minor;

	memset(r, 0, sizeof *r);
	if (take_number(c, 16, &r->start) != 0 || take_char(c, '-') != 0 ||
	    take_number(c, 16, &r->end) != 0)
		return "bad address range";
	if (r->start >= r->end)
		return "range ends before it starts";
	if (take_char(c, ' ') != 0 || take_perms(c, &r->perms) != 0)
		return "bad permissions";
	if (take_char(c, ' ') != 0 || take_number(c, 16, &r->offset) != 0)
		return "bad offset";
	if (take_char(c, ' ') != 0 || take_number(c, 16, &major) != 0 ||
	    take_char(c, ':') != 0 || take_number(c, 16, &minor) != 0)
		return "bad device";
	if (take_char(c, ' ') != 0 || take_number(c, 10, &r->inode) != 0)
		return "bad inode";
	if (c->p != c->end && *c->p != ' ')
		return "bad inode";
	take_name(c, r);
	return NULL;
}

static int
region_cmp(const void *pa, const void *pb)
{
	const struct source_region *a = pa, *b = pb;

	return a->start < b->start ? -1 : a->start > b->start;
}

int
source_parse_maps(const char *text, size_t len, struct source_region **out,
    size_t *nout, char **cause)
{
	struct source_region *r = NULL;
	const char *p = text, *end = text + len, *nl, *why;
	size_t n = 0, cap = 0, line = 0;
	struct cursor c;

	for (; p < end; p = nl + 1) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (nl == p)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			r = xreallocarray(r, cap, sizeof *r);
		}
		c.p = p;
		c.end = nl;
		if ((why = parse_line(&c, &r[n])) != NULL) {
			source_regions_free(r, n);
			return util_cause(cause, "maps line %zu: %s", line, why);
		}
		n++;
	}
	if (n > 1)
		qsort(r, n, sizeof *r, region_cmp);
	*out = r;
	*nout = n;
	return 0;
}

/*
 * The text of /proc/PID/smaps: each maps line followed by "Key:   N kB"
 * lines (and a few that are not sizes: "THPeligible:  0", "VmFlags: rd wr").
 * A process may have a hundred thousand mappings, so the text (about 1 KiB
 * a mapping) is parsed as it is read, a piece at a time, and only the sizes
 * heapview uses are kept.  Keys it does not know are skipped: kernels add
 * new ones.
 */

#define SMAPS_LINE_MAX	8192	/* a path (4096) and the rest of a maps line */

struct source_smaps {
	struct source_mapping	*maps;
	size_t			 n, cap, max;
	size_t			 line;
	int			 have_rss;	/* the last mapping had an Rss line */
	char			 part[SMAPS_LINE_MAX];	/* a line cut by a piece's end */
	size_t			 npart;
};

static const struct {
	const char	*key;
	size_t		 off;
} smaps_sizes[] = {
	{ "Rss", offsetof(struct source_mapping, rss) },
	{ "Anonymous", offsetof(struct source_mapping, anonymous) },
	{ "Swap", offsetof(struct source_mapping, swap) },
};

struct source_smaps *
source_smaps_begin(size_t max)
{
	struct source_smaps *sm = xcalloc(1, sizeof *sm);

	sm->max = max;
	return sm;
}

void
source_mappings_free(struct source_mapping *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(m[i].region.name);
	free(m);
}

void
source_smaps_abort(struct source_smaps *sm)
{
	if (sm == NULL)
		return;
	source_mappings_free(sm->maps, sm->n);
	free(sm);
}

/* "   1234 kB" to the end of the line, in bytes. */
static const char *
take_kb(struct cursor *c, uint64_t *v)
{
	while (c->p < c->end && *c->p == ' ')
		c->p++;
	if (take_number(c, 10, v) != 0)
		return "expected a size in kB";
	if (c->end - c->p != 3 || memcmp(c->p, " kB", 3) != 0)
		return "expected a size in kB";
	if (*v > UINT64_MAX / 1024)
		return "size out of range";
	*v *= 1024;
	return NULL;
}

static int
key_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

/* "Key: value" of the last mapping. */
static const char *
field_line(struct source_smaps *sm, const char *p, const char *end)
{
	const char *colon = memchr(p, ':', (size_t)(end - p)), *k;
	struct source_mapping *m;
	struct cursor c = { colon + 1, end };
	const char *why;
	uint64_t v;
	size_t i;

	for (k = p; k < colon; k++)
		if (!key_char((unsigned char)*k))
			return "neither a mapping nor a \"Key: value\" line";
	if (colon == p)
		return "neither a mapping nor a \"Key: value\" line";
	if (sm->n == 0)
		return "a field before the first mapping";
	m = &sm->maps[sm->n - 1];
	for (i = 0; i < HV_ARRAY_LEN(smaps_sizes); i++) {
		if ((size_t)(colon - p) != strlen(smaps_sizes[i].key) ||
		    memcmp(p, smaps_sizes[i].key, (size_t)(colon - p)) != 0)
			continue;
		if ((why = take_kb(&c, &v)) != NULL)
			return why;
		if (v > m->region.end - m->region.start)
			return "a size larger than the mapping";
		if (i == 0 && sm->have_rss)
			return "a second Rss line for one mapping";
		if (i == 0)
			sm->have_rss = 1;
		*(uint64_t *)(void *)((char *)m + smaps_sizes[i].off) = v;
		return NULL;
	}
	return NULL;
}

static const char *
mapping_line(struct source_smaps *sm, const char *p, const char *end)
{
	struct cursor c = { p, end };
	struct source_mapping *m;
	const char *why;

	if (sm->n > 0 && !sm->have_rss)
		return "the mapping before has no Rss line";
	if (sm->n == sm->cap) {
		sm->cap = sm->cap ? sm->cap * 2 : 256;
		sm->maps = xreallocarray(sm->maps, sm->cap, sizeof *sm->maps);
	}
	m = &sm->maps[sm->n];
	memset(m, 0, sizeof *m);
	if ((why = parse_line(&c, &m->region)) != NULL)
		return why;
	if (sm->n > 0 && m->region.start < sm->maps[sm->n - 1].region.end) {
		free(m->region.name);
		return "a mapping that does not follow the one before";
	}
	sm->n++;
	sm->have_rss = 0;
	return NULL;
}

/* A maps line begins with its address range: no ':' before the first
 * space, where a field's key ends with one. */
static int
smaps_line(struct source_smaps *sm, const char *p, size_t len, char **cause)
{
	const char *end = p + len, *sp, *why;

	sm->line++;
	if (len == 0)
		return 0;
	if ((sp = memchr(p, ' ', len)) == NULL)
		sp = end;
	if (memchr(p, ':', (size_t)(sp - p)) != NULL)
		why = field_line(sm, p, end);
	else if (sm->n == sm->max)
		return util_cause(cause, "smaps line %zu: more than %zu mappings",
		    sm->line, sm->max);
	else
		why = mapping_line(sm, p, end);
	if (why != NULL)
		return util_cause(cause, "smaps line %zu: %s", sm->line, why);
	return 0;
}

int
source_smaps_feed(struct source_smaps *sm, const char *buf, size_t len,
    char **cause)
{
	const char *nl;
	size_t take;

	while (len > 0) {
		nl = memchr(buf, '\n', len);
		take = nl != NULL ? (size_t)(nl - buf) : len;
		if (sm->npart + take > SMAPS_LINE_MAX)
			return util_cause(cause, "smaps line %zu: longer than %d "
			    "bytes", sm->line + 1, SMAPS_LINE_MAX);
		if (nl == NULL || sm->npart > 0) {
			memcpy(sm->part + sm->npart, buf, take);
			sm->npart += take;
		}
		if (nl == NULL)
			return 0;
		if (sm->npart > 0) {
			if (smaps_line(sm, sm->part, sm->npart, cause) != 0)
				return -1;
			sm->npart = 0;
		} else if (smaps_line(sm, buf, take, cause) != 0)
			return -1;
		buf += take + 1;
		len -= take + 1;
	}
	return 0;
}

int
source_smaps_finish(struct source_smaps *sm, struct source_mapping **out,
    size_t *n, char **cause)
{
	*out = NULL;
	*n = 0;
	if (sm->npart > 0 && smaps_line(sm, sm->part, sm->npart, cause) != 0)
		goto fail;
	if (sm->n > 0 && !sm->have_rss) {
		util_cause(cause, "smaps line %zu: cut short: the last mapping "
		    "has no Rss line", sm->line);
		goto fail;
	}
	*out = sm->maps;
	*n = sm->n;
	free(sm);
	return 0;
fail:
	source_smaps_abort(sm);
	return -1;
}

int
source_parse_smaps(const char *text, size_t len, size_t max,
    struct source_mapping **out, size_t *n, char **cause)
{
	struct source_smaps *sm = source_smaps_begin(max);

	*out = NULL;
	*n = 0;
	if (source_smaps_feed(sm, text, len, cause) != 0) {
		source_smaps_abort(sm);
		return -1;
	}
	return source_smaps_finish(sm, out, n, cause);
}
