/*
 * bench_malloc: the glibc malloc walk of a live process against a plain
 * read of the bytes it walks.
 *
 *   make bench/bench_malloc && ./bench/bench_malloc PID [REPEAT]
 *
 * Times REPEAT (default 5) glibc_malloc_read() calls (find main_arena,
 * walk every chunk of every heap, the bins, fastbins and tcaches, count the
 * mmapped chunks) and REPEAT plain reads of every heap the walk covered
 * ([heap] and the thread arenas' heaps as the maps show them), 1 MiB at a
 * time into one reused buffer, through the same source.  Prints min and
 * median of each and the walk's figures; never a verdict.
 */
#include "config.h"

#include "glibc.h"
#include "source.h"
#include "util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#define CHUNK	(1u << 20)

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
report(const char *what, double *t, int n)
{
	qsort(t, (size_t)n, sizeof *t, cmp_double);
	printf("%s: min %.2f ms, median %.2f ms\n", what, t[0],
	    n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2);
}

/* [heap] and the anonymous mappings that hold a thread arena's heap. */
static uint64_t
plain_read(struct source *src, const struct glibc_malloc *gm, uint8_t *buf)
{
	struct source_region *regs;
	uint64_t total = 0;
	size_t n, i, k;

	if (source_regions(src, &regs, &n, NULL) != 0)
		return 0;
	for (i = 0; i < n; i++) {
		const struct source_region *r = &regs[i];
		int ours = strcmp(r->name, "[heap]") == 0;

		for (k = 0; !ours && k < gm->narenas; k++)
			ours = !gm->arenas[k].is_main &&
			    (r->start & ~((64ull << 20) - 1)) ==
			    (gm->arenas[k].addr & ~((64ull << 20) - 1)) &&
			    (r->perms & SOURCE_W);
		for (uint64_t a = r->start; ours && a < r->end; a += CHUNK) {
			struct source_read rq = { .addr = a, .buf = buf,
			    .len = (size_t)HV_MIN((uint64_t)CHUNK, r->end - a) };

			source_read(src, &rq, 1, NULL);
			total += rq.got;
		}
	}
	source_regions_free(regs, n);
	return total;
}

int
main(int argc, char **argv)
{
	int repeat = argc > 2 ? atoi(argv[2]) : 5, i;
	double *tw, *tr;
	struct source *src;
	struct glibc_malloc *gm = NULL;
	uint8_t *buf = xmalloc(CHUNK);
	uint64_t bytes = 0;
	char *cause = NULL;
	struct rusage ru;

	if (argc < 2 || repeat < 1) {
		fprintf(stderr, "usage: bench_malloc PID [REPEAT]\n");
		return 2;
	}
	if ((src = source_proc_open((pid_t)atoi(argv[1]), &cause)) == NULL) {
		fprintf(stderr, "bench_malloc: %s\n", cause);
		return 1;
	}
	tw = xcalloc((size_t)repeat, sizeof *tw);
	tr = xcalloc((size_t)repeat, sizeof *tr);
	for (i = 0; i < repeat; i++) {
		double t0 = util_monotonic();

		glibc_malloc_free(gm);
		if (glibc_malloc_read(src, &gm, &cause) != 0) {
			fprintf(stderr, "bench_malloc: %s\n", cause);
			return 1;
		}
		tw[i] = (util_monotonic() - t0) * 1000.0;
	}
	if (gm->status != GLIBC_OK) {
		fprintf(stderr, "bench_malloc: %s\n", gm->note);
		return 1;
	}
	for (i = 0; i < repeat; i++) {
		double t0 = util_monotonic();

		bytes = plain_read(src, gm, buf);
		tr[i] = (util_monotonic() - t0) * 1000.0;
	}
	printf("arenas %zu, system bytes %" PRIu64 ", chunks in use %" PRIu64
	    " (%" PRIu64 " bytes), free in bins %" PRIu64 " (%" PRIu64
	    " bytes), mmapped %" PRIu64 " (%" PRIu64 " bytes), INVALID %u\n",
	    gm->narenas, gm->total.system_mem, gm->total.used_chunks,
	    gm->total.used_bytes, gm->total.bin_chunks, gm->total.bin_bytes,
	    gm->mmapped_chunks, gm->mmapped_bytes, gm->total.invalid);
	report("malloc walk (glibc_malloc_read)", tw, repeat);
	printf("plain read of the heaps: %" PRIu64 " bytes\n", bytes);
	report("plain read of the heaps", tr, repeat);
	getrusage(RUSAGE_SELF, &ru);
	printf("peak RSS of this process: %ld KiB\n", ru.ru_maxrss);
	glibc_malloc_free(gm);
	source_close(src);
	free(tw);
	free(tr);
	free(buf);
	return 0;
}
