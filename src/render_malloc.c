/*
 * render_malloc: the "malloc" section of --stats, from a glibc_malloc.
 */
#include "config.h"

#include "glibc.h"
#include "render.h"
#include "util.h"

#include <inttypes.h>
#include <string.h>

static const char *
num(char *buf, size_t len, uint64_t v)
{
	util_commas(buf, len, v);
	return buf;
}

static void
arena_row(FILE *out, const char *label, const struct glibc_arena *a)
{
	char b[6][32];

	fprintf(out, "%-16s %5u %13s %13s %13s %13s %13s\n", label, a->nheaps,
	    num(b[0], 32, a->system_mem), num(b[1], 32, a->used_bytes),
	    num(b[2], 32, a->bin_bytes + a->fast_bytes + a->tcache_bytes),
	    num(b[3], 32, a->top_bytes), num(b[4], 32, a->trimmable_bytes));
}

static void
print_arenas(FILE *out, const struct glibc_malloc *gm)
{
	char label[32];
	size_t i;

	fputs("arena            heaps        system        in use          "
	    "free           top     trimmable\n", out);
	for (i = 0; i < gm->narenas; i++) {
		const struct glibc_arena *a = &gm->arenas[i];

		if (a->is_main)
			snprintf(label, sizeof label, "main");
		else
			snprintf(label, sizeof label, "0x%" PRIx64, a->addr);
		arena_row(out, label, a);
	}
	if (gm->narenas > 1)
		arena_row(out, "total", &gm->total);
}

static void
print_free(FILE *out, const struct glibc_malloc *gm)
{
	const struct glibc_arena *t = &gm->total;
	char b[4][32];

	fprintf(out, "free chunks: %s in bins (%" PRIu64 "), %s in fastbins (%"
	    PRIu64 "), %s in %u thread cache%s (%" PRIu64 " chunks)\n",
	    num(b[0], 32, t->bin_bytes), t->bin_chunks,
	    num(b[1], 32, t->fast_bytes), t->fast_chunks,
	    num(b[2], 32, t->tcache_bytes), gm->ntcaches,
	    gm->ntcaches == 1 ? "" : "s", t->tcache_chunks);
	fprintf(out, "in use: %" PRIu64 " chunks; heap_info, malloc_state and "
	    "fenceposts: %s bytes\n", t->used_chunks,
	    num(b[3], 32, t->overhead_bytes));
	fprintf(out, "mmapped chunks: %" PRIu64 " (%s bytes), %s\n",
	    gm->mmapped_chunks, num(b[0], 32, gm->mmapped_bytes),
	    gm->mmapped_exact ? "from mp_" : "counted from the maps (mp_, "
	    "glibc's own count, has no symbol)");
}

static void
print_invalid(FILE *out, const struct glibc_malloc *gm)
{
	char b[32];
	size_t i;

	for (i = 0; i < gm->narenas; i++) {
		const struct glibc_arena *a = &gm->arenas[i];

		if (a->invalid == 0)
			continue;
		fprintf(out, "INVALID in arena 0x%" PRIx64 ": %u check%s failed, "
		    "%s bytes not walked; first: %s\n", a->addr, a->invalid,
		    a->invalid == 1 ? "" : "s", num(b, 32, a->invalid_bytes),
		    a->invalid_why != NULL ? a->invalid_why : "?");
	}
}

static void
mi_line(FILE *out, const char *field, const char *what, uint64_t v)
{
	char b[32];

	fprintf(out, "  %-9s %-22s=%21s\n", field, what, num(b, 32, v));
}

static void
print_mallinfo(FILE *out, const struct glibc_mallinfo *m)
{
	fputs("mallinfo2() as glibc counts it (tcache chunks in use, fastbin "
	    "chunks free):\n", out);
	mi_line(out, "arena", "(system bytes)", m->arena);
	mi_line(out, "ordblks", "(free chunks + tops)", m->ordblks);
	mi_line(out, "smblks", "(fastbin chunks)", m->smblks);
	mi_line(out, "hblks", "(mmapped chunks)", m->hblks);
	mi_line(out, "hblkhd", "(mmapped bytes)", m->hblkhd);
	mi_line(out, "usmblks", "", m->usmblks);
	mi_line(out, "fsmblks", "(fastbin bytes)", m->fsmblks);
	mi_line(out, "uordblks", "(in use)", m->uordblks);
	mi_line(out, "fordblks", "(free)", m->fordblks);
	mi_line(out, "keepcost", "(main arena's top)", m->keepcost);
}

void
render_stats_malloc(FILE *out, const struct glibc_malloc *gm)
{
	fputs("\nmalloc: ", out);
	if (gm->status != GLIBC_OK) {
		fprintf(out, "%s\n", gm->note);
		return;
	}
	fprintf(out, "glibc's (%s), main_arena at 0x%" PRIx64 " found by %s\n",
	    gm->libc, gm->main_arena, gm->found_by != NULL &&
	    strcmp(gm->found_by, "symbol") == 0 ? "its symbol" :
	    "a scan of libc's data");
	if (gm->note != NULL)
		fprintf(out, "%s\n", gm->note);
	print_arenas(out, gm);
	print_free(out, gm);
	print_invalid(out, gm);
	print_mallinfo(out, &gm->mi);
}
