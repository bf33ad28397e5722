/*
 * Python objects in malloc's chunks.  An object over 512 bytes is not in
 * pymalloc's heap: PyObject_Malloc hands it to malloc (big str and bytes,
 * instances with many slots, long tuples), and so are the item arrays of
 * lists, the tables of dicts and sets and everything C code allocates.
 * For every chunk in use (in a heap, or mmapped) big enough for such an
 * object this looks at its first bytes for an object header
 * (pyobj_buffer_object) and counts the chunks by the type found, or as
 * buffers without one.  Reads a few dozen bytes per chunk, at most
 * PYOBJ_MAX_CHUNKS of them.
 */
#include "config.h"

#include "glibc.h"
#include "pyobj.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The smallest chunk an object over 512 bytes gets: 512 + 1 bytes asked,
 * 8 of size field, rounded up to 16. */
#define MIN_OBJECT_CHUNK	528
#define CHUNK_HEADER		16	/* prev_size and size, before the data */
/* The data a chunk in a heap can hold: up to the next chunk's size field
 * (its prev_size is the data's while this one is in use); a mmapped
 * chunk has no next chunk. */
#define HEAP_USABLE(size)	((size) - 8)
#define MMAP_USABLE(size)	((size) - CHUNK_HEADER)

struct tally {
	struct pyobj_chunk_census	*c;
	uint32_t			*slot;	/* name hash -> row index + 1 */
	size_t				 cap;
	size_t				 rows_cap;
};

static size_t
hash_name(const char *s, size_t cap)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (size_t)h & (cap - 1);
}

static void
count(struct tally *t, const char *name, uint64_t bytes)
{
	struct pyobj_chunk_census *c = t->c;
	size_t i = hash_name(name, t->cap);
	struct pyobj_chunk_row *r;

	while (t->slot[i] != 0 && strcmp(c->rows[t->slot[i] - 1].name,
	    name) != 0)
		i = (i + 1) & (t->cap - 1);
	if (t->slot[i] == 0) {
		if (c->nrows == PYOBJ_MAX_CHUNK_TYPES) {
			c->other_types++;
			return;
		}
		if (c->nrows == t->rows_cap) {
			t->rows_cap = t->rows_cap ? t->rows_cap * 2 : 64;
			c->rows = xreallocarray(c->rows, t->rows_cap,
			    sizeof *c->rows);
		}
		r = &c->rows[c->nrows];
		memset(r, 0, sizeof *r);
		snprintf(r->name, sizeof r->name, "%s", name);
		t->slot[i] = (uint32_t)++c->nrows;
	}
	r = &c->rows[t->slot[i] - 1];
	r->count++;
	r->bytes += bytes;
}

/* One chunk in use: size bytes from addr, its data after the header,
 * usable bytes of it. */
static void
look(struct pyobj *p, struct tally *t, uint64_t addr, uint64_t size,
    uint64_t usable)
{
	struct pyobj_chunk_census *c = t->c;
	char name[PYOBJ_NAME_MAX];

	if (size < MIN_OBJECT_CHUNK)
		return;
	if (c->looked == PYOBJ_MAX_CHUNKS) {
		c->cut = 1;
		return;
	}
	c->looked++;
	c->chunk_bytes += size;
	if (pyobj_buffer_object(p, addr + CHUNK_HEADER, usable, name,
	    sizeof name) == 0) {
		c->buffers++;
		c->buffer_bytes += size;
		return;
	}
	c->objects++;
	c->object_bytes += size;
	count(t, name, size);
}

static int
row_cmp(const void *a, const void *b)
{
	const struct pyobj_chunk_row *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	return strcmp(x->name, y->name);
}

void
pyobj_chunk_census(struct pyobj *p, const struct glibc_malloc *gm,
    struct pyobj_chunk_census *c)
{
	/* the table stays under half full: PYOBJ_MAX_CHUNK_TYPES rows */
	struct tally t = { .c = c, .cap = 4 * PYOBJ_MAX_CHUNK_TYPES };
	size_t i;

	memset(c, 0, sizeof *c);
	t.slot = xcalloc(t.cap, sizeof *t.slot);
	for (i = 0; i < gm->nchunks; i++)
		if (gm->chunks[i].kind == GLIBC_USED)
			look(p, &t, gm->chunks[i].addr, gm->chunks[i].size,
			    HEAP_USABLE(gm->chunks[i].size));
	for (i = 0; i < gm->nmmaps; i++)
		look(p, &t, gm->mmaps[i].addr, gm->mmaps[i].size,
		    MMAP_USABLE(gm->mmaps[i].size));
	c->map_cut = gm->map_cut;
	if (c->nrows > 1)
		qsort(c->rows, c->nrows, sizeof *c->rows, row_cmp);
	free(t.slot);
}

void
pyobj_chunk_census_free(struct pyobj_chunk_census *c)
{
	free(c->rows);
	memset(c, 0, sizeof *c);
}
