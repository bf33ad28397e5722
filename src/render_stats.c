#include "config.h"

#include "heap_stats.h"
#include "heap_types.h"
#include "pyobj.h"
#include "render.h"
#include "util.h"

#include <inttypes.h>
#include <stdlib.h>

/* obmalloc.c's printone(): label padded to 35 columns, "=", then the value
 * right-aligned in 21 columns with thousands separators. */
static void
printone(FILE *out, const char *label, uint64_t value)
{
	char num[40];

	util_commas(num, sizeof num, value);
	fprintf(out, "%-35s=%21s\n", label, num);
}

static void
printunknown(FILE *out, const char *label)
{
	fprintf(out, "%-35s=%21s\n", label, "unknown");
}

static void
print_counter(FILE *out, const char *label, int64_t value)
{
	if (value < 0)
		printunknown(out, label);
	else
		printone(out, label, (uint64_t)value);
}

static void
print_class_table(FILE *out, const struct heap *h, const struct heap_stats *st)
{
	uint32_t c;

	fprintf(out, "Small block threshold = %u, in %u size classes.\n",
	    heap_block_size(&h->layout, h->layout.nclasses - 1), h->layout.nclasses);
	fputs("\nclass   size   num pools   blocks in use  avail blocks\n"
	    "-----   ----   ---------   -------------  ------------\n", out);
	for (c = 0; c < st->nclasses; c++) {
		if (st->pools[c] == 0)
			continue;
		fprintf(out, "%5u %6u %11" PRIu64 " %15" PRIu64 " %13" PRIu64 "\n",
		    c, heap_block_size(&h->layout, c), st->pools[c],
		    st->in_use[c], st->avail[c]);
	}
	fputc('\n', out);
}

static void
print_arena_map(FILE *out, const struct heap *h)
{
	const struct heap_layout *l = &h->layout;
	const struct heap_counters *k = &h->counters;
	uint64_t mid, bot;

	if (l->map_root_bytes == 0)
		return;
	fputs("\narena map counts\n", out);
	print_counter(out, "# arena map mid nodes", k->map_mid_nodes);
	print_counter(out, "# arena map bot nodes", k->map_bot_nodes);
	fputc('\n', out);
	printone(out, "# bytes lost to arena map root", l->map_root_bytes);
	if (k->map_mid_nodes < 0 || k->map_bot_nodes < 0) {
		printunknown(out, "# bytes lost to arena map mid");
		printunknown(out, "# bytes lost to arena map bot");
		printunknown(out, "Total");
		return;
	}
	mid = (uint64_t)k->map_mid_nodes * l->map_mid_bytes;
	bot = (uint64_t)k->map_bot_nodes * l->map_bot_bytes;
	printone(out, "# bytes lost to arena map mid", mid);
	printone(out, "# bytes lost to arena map bot", bot);
	printone(out, "Total", l->map_root_bytes + mid + bot);
}

void
render_stats_pymalloc(FILE *out, const struct heap *h)
{
	const struct heap_counters *k = &h->counters;
	struct heap_stats st;
	char label[64];

	heap_stats_compute(h, &st);
	print_class_table(out, h, &st);
	if (k->debug_malloc_calls >= 0)
		printone(out, "# times object malloc called",
		    (uint64_t)k->debug_malloc_calls);
	print_counter(out, "# arenas allocated total", k->arenas_allocated_total);
	if (k->arenas_allocated_total < 0)
		printunknown(out, "# arenas reclaimed");
	else
		printone(out, "# arenas reclaimed",
		    (uint64_t)k->arenas_allocated_total - st.narenas);
	print_counter(out, "# arenas highwater mark", k->arenas_highwater);
	printone(out, "# arenas allocated current", st.narenas);
	snprintf(label, sizeof label, "%" PRIu64 " arenas * %u bytes/arena",
	    st.narenas, h->layout.arena_size);
	printone(out, label, st.arena_bytes);
	fputc('\n', out);
	printone(out, "# bytes in allocated blocks", st.allocated_bytes);
	printone(out, "# bytes in available blocks", st.available_bytes);
	snprintf(label, sizeof label, "%" PRIu64 " unused pools * %u bytes",
	    st.unused_pools, h->layout.pool_size);
	printone(out, label, st.unused_pools * h->layout.pool_size);
	printone(out, "# bytes lost to pool headers", st.pool_header_bytes);
	printone(out, "# bytes lost to quantization", st.quantization_bytes);
	printone(out, "# bytes lost to arena alignment", st.alignment_bytes);
	printone(out, "Total", st.total_bytes);
	print_arena_map(out, h);
}

void
render_stats_extra(FILE *out, const struct heap *h)
{
	struct heap_stats st;

	heap_stats_compute(h, &st);
	if (st.arena_bytes > 0)
		fprintf(out, "utilisation: %.1f%% (%" PRIu64 " bytes in allocated "
		    "blocks / %" PRIu64 " arena bytes)\n",
		    100.0 * (double)st.allocated_bytes / (double)st.arena_bytes,
		    st.allocated_bytes, st.arena_bytes);
	else
		fputs("utilisation: no arenas\n", out);
	if (h->process.rss_bytes != 0 && st.arena_bytes > 0)
		fprintf(out, "process RSS: %" PRIu64 " bytes, %.1fx the arena bytes\n",
		    h->process.rss_bytes,
		    (double)h->process.rss_bytes / (double)st.arena_bytes);
	else if (h->process.rss_bytes != 0)
		fprintf(out, "process RSS: %" PRIu64 " bytes\n", h->process.rss_bytes);
	else
		fputs("process RSS: unknown\n", out);
	fprintf(out, "pools found invalid: %" PRIu64 "\n", st.invalid_pools);
}

/* A line of the resident section: printone's columns, the share of the
 * total, and a note. */
static void
print_share(FILE *out, const char *label, uint64_t v, uint64_t total,
    const char *note)
{
	char num[40];

	util_commas(num, sizeof num, v);
	fprintf(out, "%-35s=%21s %5.1f%%%s%s\n", label, num,
	    total > 0 ? 100.0 * (double)v / (double)total : 0.0,
	    *note != '\0' ? "  " : "", note);
}

static const char *
plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

void
render_stats_resident(FILE *out, const struct heap *h)
{
	const struct heap_resident *r = h->resident;
	char vm[40], note[96];

	if (r == NULL)
		return;
	util_commas(vm, sizeof vm, r->vm_rss);
	fprintf(out, "\nResident memory (the Rss of %" PRIu64 " mapping%s; VmRSS "
	    "%s)\n", r->mappings, plural(r->mappings), r->vm_rss ? vm : "unknown");
	print_share(out, "pymalloc arenas", r->part[HEAP_RES_ARENAS], r->total, "");
	print_share(out, "  in pools without a live block", r->arenas_empty,
	    r->total, "");
	print_share(out, "malloc main heap", r->part[HEAP_RES_MALLOC_HEAP],
	    r->total, "");
	snprintf(note, sizeof note, "%" PRIu64 " heap%s", r->malloc_heaps,
	    plural(r->malloc_heaps));
	print_share(out, "malloc thread arenas", r->part[HEAP_RES_MALLOC_ARENAS],
	    r->total, note);
	snprintf(note, sizeof note, "%" PRIu64 " chunk%s", r->mmapped_chunks,
	    plural(r->mmapped_chunks));
	print_share(out, "malloc mmapped chunks", r->part[HEAP_RES_MALLOC_MMAP],
	    r->total, note);
	print_share(out, "interpreter, libraries, files", r->part[HEAP_RES_FILES],
	    r->total, "");
	snprintf(note, sizeof note, "%" PRIu64 " stack%s, %" PRIu64 " thread%s",
	    r->stacks, plural(r->stacks), r->threads, plural(r->threads));
	print_share(out, "thread stacks", r->part[HEAP_RES_STACKS], r->total,
	    note);
	print_share(out, "other anonymous memory", r->part[HEAP_RES_OTHER],
	    r->total, "");
	print_share(out, "Total", r->total, r->total, "");
}

/* Pinned arenas listed one by one, emptiest first; the rest are summed. */
#define PINNED_LISTED	20
/* Survivors listed by value under each pinned arena. */
#define SURVIVORS_LISTED	10

struct pinned {
	const struct heap_arena	*arena;
	uint64_t		 live;
	uint64_t		 carved;
};

static int
pinned_cmp(const void *pa, const void *pb)
{
	const struct pinned *a = pa, *b = pb;

	if (a->live != b->live)
		return a->live < b->live ? -1 : 1;
	return a->arena->address < b->arena->address ? -1 :
	    a->arena->address > b->arena->address;
}

/* The objects that pin an arena, by value: "str at 0x...: 'text'"; the
 * rest counted from the census (values may be bounded per arena). */
static void
print_survivors(FILE *out, const struct heap *h, const struct heap_arena *a,
    uint64_t objects)
{
	size_t first, n, i;

	n = heap_values_range(h, a->address, a->address + h->layout.arena_size,
	    &first);
	for (i = 0; i < n && i < SURVIVORS_LISTED; i++) {
		const struct heap_value *v = &h->values[first + i];

		fprintf(out, "    %s at 0x%" PRIx64 ": %s\n",
		    v->type < h->ntypes ? h->types[v->type].name : "?",
		    v->address, v->text);
	}
	if (objects > i)
		fprintf(out, "    ... and %" PRIu64 " more\n", objects - i);
}

static void
print_pinned_arenas(FILE *out, const struct heap *h, uint64_t npinned)
{
	struct pinned *list = xcalloc(npinned ? npinned : 1, sizeof *list);
	size_t i, n = 0;
	char summary[256];

	for (i = 0; i < h->narenas && n < npinned; i++) {
		if (heap_arena_pinned(h, &h->arenas[i])) {
			list[n].arena = &h->arenas[i];
			list[n].carved = heap_arena_carved_bytes(h, &h->arenas[i]);
			list[n++].live = heap_arena_live_bytes(h, &h->arenas[i]);
		}
	}
	qsort(list, n, sizeof *list, pinned_cmp);
	for (i = 0; i < n && i < PINNED_LISTED; i++) {
		struct heap_census c;

		heap_census_compute(h, list[i].arena, &c);
		heap_census_summary(h, &c, 6, summary, sizeof summary);
		/* The share is of the carved pools, as heap_arena_pinned
		 * measures it; a pinned arena has some (it holds a block). */
		fprintf(out, "  arena %u at 0x%" PRIx64 ": %" PRIu64 " live bytes "
		    "(%.*f%%), %" PRIu64 " object%s: %s\n", list[i].arena->index,
		    list[i].arena->address, list[i].live,
		    list[i].live * 1000 < list[i].carved ? 2 : 1,
		    100.0 * (double)list[i].live / (double)list[i].carved,
		    c.objects, c.objects == 1 ? "" : "s", summary);
		if (h->has_values)
			print_survivors(out, h, list[i].arena, c.objects);
		heap_census_free(&c);
	}
	if (n > PINNED_LISTED)
		fprintf(out, "  ... and %zu more\n", n - PINNED_LISTED);
	free(list);
}

/* GC objects outside the collector's lists: untracked dicts and tuples
 * (atomic contents), objects kept on free lists, immortal ones (3.12+) --
 * what gc.get_objects() does not see. */
static void
print_untracked(FILE *out, const struct heap *h, const struct heap_census *c)
{
	uint32_t i;
	int n = 0;

	for (i = 0; i < c->nrows; i++) {
		if (c->rows[i].untracked == 0)
			continue;
		fprintf(out, "%s%" PRIu64 " %s", n++ ? ", " : "GC objects not tracked "
		    "by the collector: ", c->rows[i].untracked,
		    h->types[c->rows[i].type].name);
	}
	if (n > 0)
		fputc('\n', out);
}

void
render_stats_types(FILE *out, const struct heap *h)
{
	struct heap_census c;
	struct heap_pinning pin;
	uint32_t i;

	if (h->ntypes == 0)
		return;
	heap_census_compute(h, NULL, &c);
	fputs("\nTypes\n", out);
	for (i = 0; i < c.nrows; i++)
		fprintf(out, "%12" PRIu64 " %14" PRIu64 " %s\n", c.rows[i].count,
		    c.rows[i].bytes, h->types[c.rows[i].type].name);
	if (c.blocks > 0) {
		double raw = 100.0 * (double)(c.blocks - c.objects) /
		    (double)c.blocks;

		fprintf(out, "%" PRIu64 " object%s in %" PRIu64 " allocated "
		    "block%s; %.*f%% of the blocks are raw\n", c.objects,
		    c.objects == 1 ? "" : "s", c.blocks, c.blocks == 1 ? "" : "s",
		    raw < 1.0 ? 3 : 1, raw);
	}
	print_untracked(out, h, &c);
	heap_census_free(&c);
	/* Only carved pools count: the untouched ones cost no memory. */
	heap_pinning_compute(h, &pin);
	fprintf(out, "\nPinned arenas (less than %d%% live): %" PRIu64 " arena%s "
	    "hold%s %" PRIu64 " bytes of carved pools for %" PRIu64 " live "
	    "bytes, %" PRIu64 " object%s\n", (int)(HEAP_PINNED_SHARE * 100),
	    pin.narenas, pin.narenas == 1 ? "" : "s",
	    pin.narenas == 1 ? "s" : "", pin.carved_bytes, pin.live_bytes,
	    pin.objects, pin.objects == 1 ? "" : "s");
	print_pinned_arenas(out, h, pin.narenas);
}

/* Rows of the roots section: the roots that pin the most arenas. */
#define ROOTS_LISTED	12

static const char *
root_what(const struct pyobj_root_row *r)
{
	static const char *what[] = {
		[PYOBJ_ROOTED] = "reachable from ",
		[PYOBJ_CYCLE] = "in unreachable reference cycles the collector "
		    "has not freed",
		[PYOBJ_OUTSIDE] = "held from outside the object heap (C code, "
		    "frames, interpreter state)",
		[PYOBJ_BOUNDED] = "whose holders the climb did not finish",
		[PYOBJ_NOT_OBJECT] = "",
	};

	return what[r->verdict];
}

/* "12 arenas (12.0 MiB) pinned by 340 objects reachable from app.cache":
 * the objects are the root's survivors in those arenas. */
static void
print_root_row(FILE *out, const struct pyobj_root_row *r)
{
	fprintf(out, "  %" PRIu64 " arena%s (%.1f MiB) pinned by %" PRIu64
	    " object%s %s%s\n", r->narenas, r->narenas == 1 ? "" : "s",
	    (double)r->carved_bytes / (1 << 20), r->objects,
	    r->objects == 1 ? "" : "s", root_what(r),
	    r->verdict == PYOBJ_ROOTED ? r->label : "");
}

/* The arenas of the roots not listed, then the survivors that share an
 * arena with a root holding more of it. */
static void
print_roots_rest(FILE *out, const struct pyobj_pinned_roots *pr, size_t from)
{
	uint64_t arenas = 0, bytes = 0, objects = 0, minority = 0;
	size_t i, roots = 0, mroots = 0;

	for (i = 0; i < pr->nrows; i++) {
		const struct pyobj_root_row *r = &pr->rows[i];

		if (i >= from && r->narenas > 0) {
			roots++;
			arenas += r->narenas;
			bytes += r->carved_bytes;
			objects += r->objects;
		}
		if (r->minority > 0) {
			mroots++;
			minority += r->minority;
		}
	}
	if (arenas > 0)
		fprintf(out, "  %" PRIu64 " more arena%s (%.1f MiB) pinned by %"
		    PRIu64 " object%s of %zu other root%s\n", arenas,
		    arenas == 1 ? "" : "s", (double)bytes / (1 << 20), objects,
		    objects == 1 ? "" : "s", roots, roots == 1 ? "" : "s");
	if (minority > 0)
		fprintf(out, "  and %" PRIu64 " object%s of %zu root%s in "
		    "arenas another root holds more of\n", minority,
		    minority == 1 ? "" : "s", mroots, mroots == 1 ? "" : "s");
}

void
render_stats_roots(FILE *out, const struct pyobj_pinned_roots *pr)
{
	size_t i;

	if (pr->pinned == 0)
		return;
	fprintf(out, "\nWhy the pinned arenas stay: %" PRIu64 " object%s in "
	    "them", pr->survivors, pr->survivors == 1 ? "" : "s");
	if (pr->climbed < pr->survivors)
		fprintf(out, ", %" PRIu64 " climbed from", pr->climbed);
	fprintf(out, " (%u level%s%s%s)\n", pr->depth, pr->depth == 1 ? "" : "s",
	    pr->bound != NULL ? ", stopped by the bound on " : "",
	    pr->bound != NULL ? pr->bound : "");
	for (i = 0; i < pr->nrows && i < ROOTS_LISTED &&
	    pr->rows[i].narenas > 0; i++)
		print_root_row(out, &pr->rows[i]);
	print_roots_rest(out, pr, i);
	if (pr->unclimbed_arenas > 0)
		fprintf(out, "  %" PRIu64 " arena%s (%.1f MiB) not climbed from: "
		    "over the bound of %" PRIu64 " objects\n", pr->unclimbed_arenas,
		    pr->unclimbed_arenas == 1 ? "" : "s",
		    (double)pr->unclimbed_bytes / (1 << 20), pr->climbed);
}
