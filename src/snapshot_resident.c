#include "config.h"

#include "heap_resident.h"
#include "snapshot_int.h"
#include "util.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * The optional "resident" object of a snapshot or a frame: the resident
 * breakdown (heap.h's struct heap_resident), all integers.  One function
 * writes it and one reads it, so that either format layer can call them.
 * A file without it loads with no breakdown.
 */

#define RES_EXACT_MAX	((uint64_t)1 << 53)

static const struct {
	const char	*key;
	size_t		 off;
} res_fields[] = {
	{ "total_bytes", offsetof(struct heap_resident, total) },
	{ "vm_rss_bytes", offsetof(struct heap_resident, vm_rss) },
	{ "arenas", offsetof(struct heap_resident, part[HEAP_RES_ARENAS]) },
	{ "arenas_empty_pools", offsetof(struct heap_resident, arenas_empty) },
	{ "malloc_heap", offsetof(struct heap_resident,
	    part[HEAP_RES_MALLOC_HEAP]) },
	{ "malloc_arenas", offsetof(struct heap_resident,
	    part[HEAP_RES_MALLOC_ARENAS]) },
	{ "malloc_mmapped", offsetof(struct heap_resident,
	    part[HEAP_RES_MALLOC_MMAP]) },
	{ "files", offsetof(struct heap_resident, part[HEAP_RES_FILES]) },
	{ "stacks", offsetof(struct heap_resident, part[HEAP_RES_STACKS]) },
	{ "other", offsetof(struct heap_resident, part[HEAP_RES_OTHER]) },
	{ "mappings", offsetof(struct heap_resident, mappings) },
	{ "threads", offsetof(struct heap_resident, threads) },
	{ "thread_stacks", offsetof(struct heap_resident, stacks) },
	{ "malloc_arena_heaps", offsetof(struct heap_resident, malloc_heaps) },
	{ "mmapped_chunks", offsetof(struct heap_resident, mmapped_chunks) },
};

static uint64_t *
field(struct heap_resident *r, size_t i)
{
	return (uint64_t *)(void *)((char *)r + res_fields[i].off);
}

void
snapshot_write_resident(struct json_out *o, const struct heap_resident *r)
{
	size_t i;

	json_object(o, "resident");
	for (i = 0; i < HV_ARRAY_LEN(res_fields); i++)
		json_uint(o, res_fields[i].key,
		    *field((struct heap_resident *)r, i));
	json_close(o, '}');
}

static int
res_bad(struct snapshot_ctx *c, const char *key, const char *what)
{
	return util_cause(c->cause, "%s:%zu: resident%s%s: %s", c->file, c->line,
	    key != NULL ? "." : "", key != NULL ? key : "", what);
}

int
snapshot_read_resident(struct snapshot_ctx *c, const cJSON *o,
    struct heap *h)
{
	const cJSON *it, *ro = cJSON_GetObjectItemCaseSensitive(o, "resident");
	struct heap_resident r;
	size_t i;
	double d;

	if (ro == NULL)
		return 0;
	if (!cJSON_IsObject(ro))
		return res_bad(c, NULL, "expected an object");
	memset(&r, 0, sizeof r);
	for (i = 0; i < HV_ARRAY_LEN(res_fields); i++) {
		it = cJSON_GetObjectItemCaseSensitive(ro, res_fields[i].key);
		d = cJSON_IsNumber(it) ? it->valuedouble : -1;
		if (!(d >= 0 && d <= (double)RES_EXACT_MAX) || d != floor(d))
			return res_bad(c, res_fields[i].key, it == NULL ?
			    "missing: expected a count of bytes or items" :
			    "expected an integer from 0 to 2^53");
		*field(&r, i) = (uint64_t)d;
	}
	if (heap_resident_sum(&r) != r.total)
		return res_bad(c, NULL, "the parts do not add up to total_bytes");
	if (r.arenas_empty > r.part[HEAP_RES_ARENAS])
		return res_bad(c, "arenas_empty_pools", "more than arenas");
	free(h->resident);
	h->resident = xmalloc(sizeof r);
	*h->resident = r;
	return 0;
}
