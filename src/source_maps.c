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
