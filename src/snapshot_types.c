/*
 * Block types in the JSON formats: the per-pool index text, and the
 * mapping a recording's delta frame needs to use its key frame's type table
 * (the table itself is written and read with the other fields).
 *
 * A pool's "types" string holds one value per allocated block, in block
 * order (free and untouched blocks have none): comma-separated tokens
 * INDEX[u][*RUN] -- INDEX into the table, "u" for a GC object the collector
 * does not track, "*RUN" for RUN consecutive allocated blocks with that same
 * value.  "3*40,0,7u*2" is 40 blocks of type 3, one raw block and two
 * untracked blocks of type 7.  Decimal without leading zeros; the writer
 * never writes "*1".
 */
#include "config.h"

#include "snapshot_int.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest token: "32767u*65535," */
#define TOKEN_MAX	16

/* The value of an allocated block as the file stores it: its index through
 * map (NULL: as is), an index past the table read as raw. */
static uint32_t
block_value(const struct heap *h, const struct heap_pool *p, uint32_t i,
    const uint16_t *map)
{
	uint32_t v = heap_pool_type_value(p, i), t = HEAP_TYPE_INDEX(v);

	if (t >= h->ntypes)
		return HEAP_TYPE_RAW;
	if (map != NULL)
		t = map[t];
	return t | (v & HEAP_TYPE_UNTRACKED);
}

/* The decimal digits of v at o; returns how many. */
static size_t
put_u32(char *o, uint32_t v)
{
	char digits[10];
	size_t n = 0, i;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		o[i] = digits[n - 1 - i];
	return n;
}

static size_t
put_token(char *o, uint32_t v, uint32_t run)
{
	size_t n = put_u32(o, HEAP_TYPE_INDEX(v));

	if (v & HEAP_TYPE_UNTRACKED)
		o[n++] = 'u';
	if (run > 1) {
		o[n++] = '*';
		n += put_u32(o + n, run);
	}
	o[n++] = ',';
	return n;
}

char *
snapshot_types_encode(const struct heap *h, const struct heap_pool *p,
    const uint16_t *map)
{
	uint32_t cap, i, v, prev = 0, run = 0;
	char *text, *o;

	if (h->ntypes == 0 || !p->typed ||
	    (p->state != POOL_FULL && p->state != POOL_USED))
		return NULL;
	cap = heap_blocks_per_pool(&h->layout, p->szidx);
	o = text = xmalloc((size_t)cap * TOKEN_MAX + 1);
	for (i = 0; i < cap; i++) {
		if (heap_block_state(h, p, i) != BLOCK_ALLOCATED)
			continue;
		v = block_value(h, p, i, map);
		if (run > 0 && v == prev) {
			run++;
			continue;
		}
		if (run > 0)
			o += put_token(o, prev, run);
		prev = v;
		run = 1;
	}
	if (run == 0) {
		free(text);
		return NULL;
	}
	o += put_token(o, prev, run);
	o[-1] = '\0';		/* the last comma */
	return text;
}

/* A decimal without leading zeros, at most max; *p moves past it.  Returns
 * -1 when there is none, -2 when it is larger than max. */
static long
number(const char **p, uint32_t max)
{
	const char *s = *p;
	uint64_t v = 0;

	if (!isdigit((unsigned char)*s) || (s[0] == '0' &&
	    isdigit((unsigned char)s[1])))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max) {
			while (isdigit((unsigned char)*s))
				s++;
			*p = s;
			return -2;
		}
	}
	*p = s;
	return (long)v;
}

static int
what_got(char **cause, const char *text, const char *p, const char *what)
{
	if (*p == '\0')
		return util_cause(cause, "at offset %td: expected %s, got the "
		    "end", p - text, what);
	if (isprint((unsigned char)*p))
		return util_cause(cause, "at offset %td: expected %s, got '%c'",
		    p - text, what, *p);
	return util_cause(cause, "at offset %td: expected %s, got byte 0x%02x",
	    p - text, what, (unsigned char)*p);
}

int
snapshot_types_decode(const char *text, uint32_t nvalues, uint32_t ntypes,
    uint16_t *values, char **cause)
{
	const char *p = text, *at, *r;
	uint32_t total = 0, i;
	long t, run;
	uint16_t v;

	while (*p != '\0' || total < nvalues) {
		if (total > 0 && *p++ != ',')
			return what_got(cause, text, p - 1, "','");
		at = p;
		if ((t = number(&p, HEAP_TYPES_MAX)) == -1)
			return what_got(cause, text, p, "a type index");
		if (t < 0 || (uint32_t)t >= ntypes)
			return util_cause(cause, "at offset %td: type index %.*s, "
			    "but the table has %u types", at - text,
			    (int)(p - at), at, ntypes);
		v = (uint16_t)t;
		if (*p == 'u') {
			v |= HEAP_TYPE_UNTRACKED;
			p++;
		}
		run = 1;
		if (*p == '*') {
			r = ++p;
			if ((run = number(&p, UINT16_MAX)) == -1 || run == 0)
				return what_got(cause, text, r, "a run length "
				    "from 1 (no leading zero)");
		}
		if (run < 0 || (uint32_t)run > nvalues - total)
			return util_cause(cause, "at offset %td: more than the "
			    "pool's %u allocated blocks", at - text, nvalues);
		for (i = 0; i < (uint32_t)run; i++)
			values[total++] = v;
		if (*p == '\0' && total < nvalues)
			return util_cause(cause, "indices for %u blocks, expected "
			    "the pool's %u allocated blocks", total, nvalues);
	}
	return 0;
}

static const struct heap *name_heap;

static int
name_cmp(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	return strcmp(name_heap->types[a].name, name_heap->types[b].name);
}

/* h's types by name, for finding a name in O(log n). */
static uint32_t *
sorted_names(const struct heap *h)
{
	uint32_t *idx = xcalloc(h->ntypes, sizeof *idx), i;

	for (i = 0; i < h->ntypes; i++)
		idx[i] = i;
	name_heap = h;
	qsort(idx, h->ntypes, sizeof *idx, name_cmp);
	name_heap = NULL;
	return idx;
}

static long
find_name(const struct heap *h, const uint32_t *idx, const char *name)
{
	size_t lo = 0, hi = h->ntypes, mid;
	int d;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((d = strcmp(name, h->types[idx[mid]].name)) == 0)
			return idx[mid];
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

uint16_t *
snapshot_types_map(const struct heap *key, const struct heap *h)
{
	uint32_t *idx, i, next = key->ntypes;
	uint16_t *map;
	long k;

	if (key->ntypes == 0 || h->ntypes == 0)
		return NULL;
	idx = sorted_names(key);
	map = xcalloc(h->ntypes, sizeof *map);
	for (i = 0; i < h->ntypes && map != NULL; i++) {
		k = find_name(key, idx, h->types[i].name);
		if (k >= 0 && key->types[k].flags == h->types[i].flags)
			map[i] = (uint16_t)k;
		else if (k < 0 && next < SNAPSHOT_MAX_TYPES)
			map[i] = (uint16_t)next++;
		else {
			/* Same name, other flags; or the table would be full. */
			free(map);
			map = NULL;
		}
	}
	free(idx);
	return map;
}
