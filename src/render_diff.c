#include "config.h"

#include "heap_types.h"
#include "render_diff.h"
#include "util.h"

#include <inttypes.h>

/* heapy's percentages: int('%.0f' % x), i.e. rounded half to even. */
static double
pct(uint64_t part, uint64_t whole)
{
	return whole > 0 ? 100.0 * (double)part / (double)whole : 0.0;
}

void
render_diff_partition(FILE *out, const struct heap_diff_part *p)
{
	uint64_t cum = 0;
	uint32_t i;

	/* guppy's SetFormat: the label, the stat header with the kind header
	 * of a partition by type, then '%6d %6d %3d %8d %3d %9d %3d ' rows. */
	fprintf(out, "Partition of a set of %" PRIu64 " object%s. Total size = "
	    "%" PRIu64 " bytes.\n", p->objects, p->objects == 1 ? "" : "s",
	    p->object_bytes);
	fputs(" Index  Count   %     Size   % Cumulative  % Type\n", out);
	for (i = 0; i < p->nrows; i++) {
		const struct heap_diff_row *r = &p->rows[i];

		cum += r->bytes;
		fprintf(out, "%6u %6" PRIu64 " %3.0f %8" PRIu64 " %3.0f %9" PRIu64
		    " %3.0f %s\n", i, r->count, pct(r->count, p->objects),
		    r->bytes, pct(r->bytes, p->object_bytes), cum,
		    pct(cum, p->object_bytes), r->name);
	}
}

/* What the partition leaves out: blocks holding no object; and of the
 * objects it counts, the GC objects that the collector did not track in
 * the capture they are in, which gc.get_objects() would not have listed. */
static void
print_notes(FILE *out, const struct heap_diff_part *p)
{
	uint32_t i;
	int n = 0;

	if (p->raw_blocks > 0)
		fprintf(out, "Also %" PRIu64 " allocated block%s holding no "
		    "object (raw), %" PRIu64 " bytes.\n", p->raw_blocks,
		    p->raw_blocks == 1 ? "" : "s", p->raw_bytes);
	for (i = 0; i < p->nrows; i++) {
		if (p->rows[i].untracked > 0)
			fprintf(out, "%s%" PRIu64 " %s", n++ ? ", " :
			    "GC objects not tracked by the collector: ",
			    p->rows[i].untracked, p->rows[i].name);
	}
	if (n > 0)
		fputc('\n', out);
}

/* "5 Node, 2 str; 3 raw": a part in one line, by count. */
static void
print_part_line(FILE *out, const struct heap_diff_part *p)
{
	uint32_t i;

	for (i = 0; i < p->nrows; i++)
		fprintf(out, "%s%" PRIu64 " %s", i ? ", " : "", p->rows[i].count,
		    p->rows[i].name);
	if (p->raw_blocks > 0)
		fprintf(out, "%s%" PRIu64 " raw", p->nrows ? "; " : "",
		    p->raw_blocks);
	if (p->nrows == 0 && p->raw_blocks == 0)
		fputs("none new", out);
	fputc('\n', out);
}

static void
print_pinned(FILE *out, const struct heap_diff *d, const char *base)
{
	size_t i;

	fprintf(out, "\nPinned arenas (less than %d%% live) and their %s new "
	    "since %s: %zu arena%s\n", (int)(HEAP_PINNED_SHARE * 100),
	    d->typed ? "objects" : "blocks", base, d->npinned,
	    d->npinned == 1 ? "" : "s");
	for (i = 0; i < d->npinned; i++) {
		const struct heap_diff_pinned *p = &d->pinned[i];
		uint64_t n = p->new.objects + (d->typed ? 0 : p->new.raw_blocks);

		fprintf(out, "  arena %u at 0x%" PRIx64 ": %" PRIu64 " live bytes "
		    "(%.*f%%), %" PRIu64 " new %s%s: ", p->index, p->address,
		    p->live_bytes, p->live_bytes * 1000 < p->carved_bytes ? 2 : 1,
		    pct(p->live_bytes, p->carved_bytes), n,
		    d->typed ? "object" : "block", n == 1 ? "" : "s");
		print_part_line(out, &p->new);
	}
}

/* Without types: blocks per size class, as the class table of --stats. */
static void
print_blocks(FILE *out, const struct heap_diff *d, const char *base)
{
	uint64_t nb = 0, fb = 0;
	int64_t net = 0;
	uint32_t c;

	fprintf(out, "\nBlocks new and freed since %s\n", base);
	fputs("class   size   new blocks  freed blocks     net bytes\n"
	    "-----   ----   ----------  ------------     ---------\n", out);
	for (c = 0; c < d->nclasses; c++) {
		const struct heap_diff_class *k = &d->classes[c];
		int64_t bytes = ((int64_t)k->new_blocks -
		    (int64_t)k->freed_blocks) * (int64_t)k->size;

		if (k->new_blocks == 0 && k->freed_blocks == 0)
			continue;
		fprintf(out, "%5u %6u %12" PRIu64 " %13" PRIu64 " %+13" PRId64
		    "\n", c, k->size, k->new_blocks, k->freed_blocks, bytes);
		nb += k->new_blocks;
		fb += k->freed_blocks;
		net += bytes;
	}
	fprintf(out, "total        %12" PRIu64 " %13" PRIu64 " %+13" PRId64 "\n",
	    nb, fb, net);
}

void
render_diff(FILE *out, const struct heap_diff *d, const char *base)
{
	if (d->skipped_pools > 0)
		fprintf(out, "\nLeft out of the diff: %" PRIu64 " pool%s found "
		    "invalid in one capture or the other.\n", d->skipped_pools,
		    d->skipped_pools == 1 ? "" : "s");
	if (!d->typed)
		print_blocks(out, d, base);
	else {
		fprintf(out, "\nNew since %s\n", base);
		render_diff_partition(out, &d->new);
		print_notes(out, &d->new);
		fprintf(out, "\nGone since %s\n", base);
		render_diff_partition(out, &d->gone);
		print_notes(out, &d->gone);
	}
	print_pinned(out, d, base);
}
