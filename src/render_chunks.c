/*
 * render_chunks: --types, live: the Python objects in malloc's chunks
 * (pyobj_chunks.c), after the Types section's fashion: COUNT BYTES NAME,
 * largest first.
 */
#include "config.h"

#include "pyobj.h"
#include "render.h"

#include <inttypes.h>

#define CHUNK_ROWS	20	/* types listed; the rest summed */

static const char *
plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

void
render_stats_chunks(FILE *out, const struct pyobj_chunk_census *c)
{
	uint64_t more = 0, more_bytes = 0;
	size_t i;

	fputs("\nPython objects in malloc's chunks (objects over 512 bytes "
	    "are not in pymalloc's arenas)\n", out);
	for (i = 0; i < c->nrows; i++) {
		if (i < CHUNK_ROWS)
			fprintf(out, "%12" PRIu64 " %14" PRIu64 " %s\n",
			    c->rows[i].count, c->rows[i].bytes, c->rows[i].name);
		else {
			more += c->rows[i].count;
			more_bytes += c->rows[i].bytes;
		}
	}
	if (c->nrows > CHUNK_ROWS)
		fprintf(out, "%12" PRIu64 " %14" PRIu64 " in %zu more types\n",
		    more, more_bytes, c->nrows - CHUNK_ROWS);
	fprintf(out, "%" PRIu64 " of %" PRIu64 " chunk%s in use of 528 bytes or "
	    "more hold an object (%" PRIu64 " of %" PRIu64 " bytes); the "
	    "other %" PRIu64 " are buffers: list items, dict and set tables, "
	    "C data\n", c->objects, c->looked, plural(c->looked),
	    c->object_bytes, c->chunk_bytes, c->buffers);
	if (c->cut || c->map_cut)
		fprintf(out, "(only the first %" PRIu64 " chunks were looked at)\n",
		    c->looked);
}
