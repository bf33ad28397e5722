#include "config.h"

#include "check.h"
#include "heap_resident.h"
#include "source.h"
#include "source_resident.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* smaps text and what heapview makes of it: the sizes it keeps, and a
 * one-line error naming the line for anything else. */

static const char typical[] =
    "55e87b3e1000-55e87b3e2000 r--p 00000000 fe:00 18624                      /usr/bin/python3.11\n"
    "Size:                  4 kB\n"
    "KernelPageSize:        4 kB\n"
    "Rss:                   4 kB\n"
    "Pss:                   4 kB\n"
    "Anonymous:             0 kB\n"
    "THPeligible:           0\n"
    "ProtectionKey:         0\n"
    "VmFlags: rd mr mw me \n"
    "55e8849a1000-55e884b30000 rw-p 00000000 00:00 0                          [heap]\n"
    "Size:               1596 kB\n"
    "Rss:                1580 kB\n"
    "Anonymous:          1580 kB\n"
    "Swap:                 12 kB\n"
    "VmFlags: rd wr mr mw me ac \n"
    "7f8144000000-7f814538f000 rw-p 00000000 00:00 0 \n"
    "Rss:                3092 kB\n"
    "Anonymous:          3092 kB\n";

static int
parse(const char *text, size_t max, struct source_mapping **m, size_t *n,
    char **cause)
{
	free(*cause);
	*cause = NULL;
	return source_parse_smaps(text, strlen(text), max, m, n, cause);
}

static void
test_typical(void)
{
	struct source_mapping *m = NULL;
	char *cause = NULL;
	size_t n = 0;

	CHECK(parse(typical, 100, &m, &n, &cause) == 0);
	CHECK_EQ_U(n, 3);
	if (n == 3) {
		CHECK_EQ_U(m[0].rss, 4096);
		CHECK_STR(m[0].region.name, "/usr/bin/python3.11");
		CHECK_EQ_U(m[1].rss, 1580 * 1024);
		CHECK_EQ_U(m[1].anonymous, 1580 * 1024);
		CHECK_EQ_U(m[1].swap, 12 * 1024);
		CHECK_STR(m[1].region.name, "[heap]");
		CHECK_EQ_U(m[2].region.start, 0x7f8144000000ULL);
		CHECK_EQ_U(m[2].rss, 3092 * 1024);
		CHECK_STR(m[2].region.name, "");
	}
	source_mappings_free(m, n);
	free(cause);
}

/* The same text fed a byte at a time, and in pieces of every size: the
 * lines cut anywhere come out the same. */
static void
test_pieces(void)
{
	size_t len = strlen(typical), step, at, n;
	struct source_mapping *m;
	char *cause = NULL;

	for (step = 1; step < 200; step += 7) {
		struct source_smaps *sm = source_smaps_begin(100);
		int rc = 0;

		for (at = 0; at < len && rc == 0; at += step)
			rc = source_smaps_feed(sm, typical + at,
			    HV_MIN(step, len - at), &cause);
		CHECK(rc == 0);
		if (rc != 0) {
			source_smaps_abort(sm);
			continue;
		}
		CHECK(source_smaps_finish(sm, &m, &n, &cause) == 0);
		CHECK_EQ_U(n, 3);
		if (n == 3)
			CHECK_EQ_U(m[2].rss, 3092 * 1024);
		source_mappings_free(m, n);
	}
	free(cause);
}

struct bad_case {
	const char	*text;
	const char	*cause;
};

static const struct bad_case bad[] = {
	{ "garbage\n", "smaps line 1: bad address range" },
	{ "Rss: 4 kB\n", "smaps line 1: a field before the first mapping" },
	{ "1000-2000 rw-p 00000000 00:00 0\nRss: 4\n",
	    "smaps line 2: expected a size in kB" },
	{ "1000-2000 rw-p 00000000 00:00 0\nRss: 4 MB\n",
	    "smaps line 2: expected a size in kB" },
	{ "1000-2000 rw-p 00000000 00:00 0\nRss: 99999999999999999999 kB\n",
	    "smaps line 2: expected a size in kB" },
	{ "1000-2000 rw-p 00000000 00:00 0\nRss: 18014398509481984 kB\n",
	    "smaps line 2: size out of range" },
	{ "1000-2000 rw-p 00000000 00:00 0\nRss: 8 kB\n",
	    "smaps line 2: a size larger than the mapping" },
	{ "1000-2000 rw-p 00000000 00:00 0\nRss: 4 kB\nRss: 4 kB\n",
	    "smaps line 3: a second Rss line for one mapping" },
	{ "1000-2000 rw-p 00000000 00:00 0\nSize: 4 kB\n"
	  "2000-3000 rw-p 00000000 00:00 0\nRss: 4 kB\n",
	    "smaps line 3: the mapping before has no Rss line" },
	{ "2000-3000 rw-p 00000000 00:00 0\nRss: 4 kB\n"
	  "1000-2000 rw-p 00000000 00:00 0\nRss: 4 kB\n",
	    "smaps line 3: a mapping that does not follow the one before" },
	{ "1000-2000 rw-p 00000000 00:00 0\nR$s: 4 kB\n",
	    "smaps line 2: neither a mapping nor a \"Key: value\" line" },
	{ "1000-2000 rw-p 00000000 00:00 0\n: 4 kB\n",
	    "smaps line 2: neither a mapping nor a \"Key: value\" line" },
	/* cut off: mid-line, and after a maps line */
	{ "1000-2000 rw-p 00000000 00:00 0\nRss:    4",
	    "smaps line 2: expected a size in kB" },
	{ "1000-2000 rw-p 00000000 00:00 0\nRss: 4 kB\n2000-3000 rw-p 0000",
	    "smaps line 3: bad device" },
	{ "1000-2000 rw-p 00000000 00:00 0\nRss: 4 kB\n"
	  "2000-3000 rw-p 00000000 00:00 0\n",
	    "smaps line 3: cut short: the last mapping has no Rss line" },
};

static void
test_bad(void)
{
	struct source_mapping *m = NULL;
	char *cause = NULL;
	size_t i, n;

	for (i = 0; i < HV_ARRAY_LEN(bad); i++) {
		CHECK(parse(bad[i].text, 100, &m, &n, &cause) == -1);
		CHECK_STR(cause, bad[i].cause);
	}
	free(cause);
}

/* 100,000 mappings parse; one more than the bound is an error, and a line
 * longer than a path allows too, without reading on. */
static void
test_huge(void)
{
	size_t n = 100000, i, len = 0, got;
	char *text = xmalloc(n * 64 + 16384), *cause = NULL;
	struct source_mapping *m;

	for (i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "%zx-%zx rw-p 00000000 "
		    "00:00 0\nRss: 4 kB\n", (i + 1) * 0x2000, (i + 1) * 0x2000 +
		    0x1000);
	CHECK(parse(text, n, &m, &got, &cause) == 0);
	CHECK_EQ_U(got, n);
	source_mappings_free(m, got);
	CHECK(parse(text, n - 1, &m, &got, &cause) == -1);
	CHECK_STR(cause, "smaps line 199999: more than 99999 mappings");
	len = (size_t)sprintf(text, "1000-2000 rw-p 00000000 00:00 0 /");
	memset(text + len, 'a', 9000);
	strcpy(text + len + 9000, "\nRss: 4 kB\n");
	CHECK(parse(text, n, &m, &got, &cause) == -1);
	CHECK_STR(cause, "smaps line 1: longer than 8192 bytes");
	free(text);
	free(cause);
}

static void
test_syscall(void)
{
	uint64_t sp = 0;

	CHECK(source_parse_syscall("202 0x7f8144076850 0x189 0x0 0x0 0x0 "
	    "0xffffffff 0x7f8148e41950 0x7f814a2a3f16\n", &sp) == 0);
	CHECK_EQ_U(sp, 0x7f8148e41950ULL);
	CHECK(source_parse_syscall("-1 0x7ffd7a284f60 0x7f796c980545\n",
	    &sp) == 0);
	CHECK_EQ_U(sp, 0x7ffd7a284f60ULL);
	CHECK(source_parse_syscall("running\n", &sp) == -1);
	CHECK(source_parse_syscall("202 0x1 0x2\n", &sp) == -1);
	CHECK(source_parse_syscall("", &sp) == -1);
}

/* heap_info and mmapped chunk headers as glibc 2.36 writes them (seen in a
 * live python3.11), and each field broken in turn. */
static void
test_checks(void)
{
	const uint64_t base = 0x7f7964000000ULL, page = 4096;
	uint8_t b[SOURCE_PROBE_BYTES];

	memset(b, 0, sizeof b);
	put64(b, base + 0x30);
	put64(b + 16, 0x138f000);
	put64(b + 24, 0x138f000);
	put64(b + 32, 0x1000);
	CHECK_EQ_U(source_heap_info_check(b, base, 0x138f000, page), 0x138f000);
	CHECK_EQ_U(source_heap_info_check(b, base, 0x138e000, page), 0);
	CHECK_EQ_U(source_heap_info_check(b, base + page, 0x138f000, page), 0);
	put64(b, base + 0x20);		/* before 2.35: a 32-byte heap_info */
	CHECK_EQ_U(source_heap_info_check(b, base, 0x138f000, page), 0x138f000);
	put64(b, base + 0x40);
	CHECK_EQ_U(source_heap_info_check(b, base, 0x138f000, page), 0);
	/* a later heap of the same arena */
	put64(b, base + 0x30);
	put64(b + 8, base);
	CHECK_EQ_U(source_heap_info_check(b, base + SOURCE_HEAP_MAX,
	    0x138f000, page), 0x138f000);
	CHECK_EQ_U(source_heap_info_check(b, base, 0x138f000, page), 0);
	put64(b + 8, base + 8);		/* prev not a heap */
	CHECK_EQ_U(source_heap_info_check(b, base + SOURCE_HEAP_MAX,
	    0x138f000, page), 0);
	put64(b + 8, 0);
	put64(b + 16, 0x138f001);	/* size not in pages */
	CHECK_EQ_U(source_heap_info_check(b, base, 0x138f000, page), 0);
	put64(b + 16, 0x2000000);	/* size over mprotect_size */
	CHECK_EQ_U(source_heap_info_check(b, base, 0x138f000, page), 0);
	put64(b + 16, 0x1000);
	put64(b + 24, SOURCE_HEAP_MAX * 2);	/* over HEAP_MAX_SIZE */
	CHECK_EQ_U(source_heap_info_check(b, base, SOURCE_HEAP_MAX * 2, page),
	    0);

	memset(b, 0, sizeof b);
	put64(b + 8, 0x601002);
	CHECK_EQ_U(source_mmap_chunk_check(b, 0x601000, page), 0x601000);
	CHECK_EQ_U(source_mmap_chunk_check(b, 0x2000000, page), 0x601000);
	CHECK_EQ_U(source_mmap_chunk_check(b, 0x600000, page), 0);
	put64(b + 8, 0x601003);		/* PREV_INUSE: a chunk in a heap */
	CHECK_EQ_U(source_mmap_chunk_check(b, 0x601000, page), 0);
	put64(b + 8, 0x601006);		/* NON_MAIN_ARENA */
	CHECK_EQ_U(source_mmap_chunk_check(b, 0x601000, page), 0);
	put64(b + 8, 0x4000);		/* not mmapped */
	CHECK_EQ_U(source_mmap_chunk_check(b, 0x601000, page), 0);
	put64(b + 8, 0x602);		/* not a page multiple */
	CHECK_EQ_U(source_mmap_chunk_check(b, 0x601000, page), 0);
	put64(b, 0x10);			/* memalign's correction: not at the start */
	put64(b + 8, 0x601002);
	CHECK_EQ_U(source_mmap_chunk_check(b, 0x601000, page), 0);
}

/* The arenas' resident bytes in pages where no pool holds a live block:
 * empty and never-carved pools and the alignment slack count, a page of a
 * full, used or INVALID pool does not. */
static void
set_bit(uint8_t *bits, size_t i)
{
	bits[i / 8] |= (uint8_t)(1u << (i % 8));
}

static void
test_arenas_empty(void)
{
	struct heap_layout l = { .arena_size = 65536, .pool_size = 16384,
	    .alignment = 16, .nclasses = 32, .pool_overhead = 48 };
	struct heap *h = heap_new(&l, HEAP_LEVEL_POOLS);
	struct heap_arena *a;
	struct source_resident sr;
	struct heap_resident *r;
	size_t span_bit[2] = { 0, 16 };
	uint8_t bits[4] = { 0 };
	static const uint8_t states0[] = { POOL_FULL, POOL_EMPTY, POOL_UNTOUCHED,
	    POOL_EMPTY };
	static const uint8_t states1[] = { POOL_USED, POOL_INVALID, POOL_EMPTY };
	size_t i;

	/* arena 0 at a pool boundary: four pools */
	a = heap_add_arena(h, 0, 0x100000, 4);
	a->first_pool = 0x100000;
	a->ntotalpools = 4;
	for (i = 0; i < 4; i++)
		a->pools[i].state = states0[i];
	/* arena 1 a page past one: 3 pages of slack, three pools, a page of
	 * slack at the end */
	a = heap_add_arena(h, 1, 0x201000, 3);
	a->first_pool = 0x204000;
	a->ntotalpools = 3;
	for (i = 0; i < 3; i++)
		a->pools[i].state = states1[i];
	heap_finish(h);
	memset(&sr, 0, sizeof sr);
	sr.page = 4096;
	sr.nspans = 2;
	sr.span_bit = span_bit;
	sr.bits = bits;
	/* arena 0: the full pool's 4 pages, the first empty pool's 4, none
	 * of the untouched one, 2 of the last empty one */
	for (i = 0; i < 8; i++)
		set_bit(bits, i);
	set_bit(bits, 12);
	set_bit(bits, 13);
	/* arena 1: 2 pages of head slack, a page of the used pool, a page of
	 * the INVALID one, 3 of the empty one, the tail slack page */
	set_bit(bits, 16 + 0);
	set_bit(bits, 16 + 1);
	set_bit(bits, 16 + 3);
	set_bit(bits, 16 + 7);
	set_bit(bits, 16 + 11);
	set_bit(bits, 16 + 12);
	set_bit(bits, 16 + 13);
	set_bit(bits, 16 + 15);
	sr.part[SOURCE_RES_ARENAS] = 18 * 4096;
	sr.part[SOURCE_RES_OTHER] = 4096;
	sr.total = 19 * 4096;
	r = heap_resident_make(h, &sr);
	CHECK_EQ_U(r->part[HEAP_RES_ARENAS], 18 * 4096);
	CHECK_EQ_U(r->arenas_empty, (4 + 2 + 2 + 3 + 1) * 4096);
	CHECK_EQ_U(heap_resident_sum(r), r->total);
	free(r);
	heap_free(h);
}

int
main(void)
{
	test_typical();
	test_pieces();
	test_bad();
	test_huge();
	test_syscall();
	test_checks();
	test_arenas_empty();
	return check_done();
}
