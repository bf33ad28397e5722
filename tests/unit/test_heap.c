/*
 * test_heap: a pool's block types, packed (heap_pool_types_*).  Values go
 * in and come back unchanged whatever their mix; the form is the smallest
 * for the number of distinct values; equal values give equal pools.
 */
#include "config.h"

#include "check.h"
#include "heap.h"

#include <stdlib.h>

/* A fixed pseudo-random sequence: the test is the same on every run. */
static uint32_t seed = 12345;

static uint32_t
rnd(uint32_t n)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 8) % n;
}

/* n values drawn from ndistinct different ones (each used at least once
 * when n allows), some with the untracked bit. */
static void
fill(uint16_t *v, uint32_t n, uint32_t ndistinct)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		uint32_t k = i < ndistinct ? i : rnd(ndistinct);

		/* distinct values: k spread over the index space, odd ones
		 * untracked */
		v[i] = (uint16_t)((k * 7 + 3) % HEAP_TYPES_MAX |
		    (k % 2 ? HEAP_TYPE_UNTRACKED : 0));
	}
	/* shuffle, so that a value's first use is anywhere */
	for (i = n; i > 1; i--) {
		uint32_t j = rnd(i);
		uint16_t t = v[i - 1];

		v[i - 1] = v[j];
		v[j] = t;
	}
}

static void
test_roundtrip(void)
{
	static const uint32_t sizes[] = { 1, 2, 3, 7, 8, 9, 255, 506, 1020, 2048 };
	static const uint32_t kinds[] = { 1, 2, 3, 4, 5, 16, 17, 255, 256, 257,
	    600 };
	uint16_t *v = malloc(2048 * sizeof *v), *back = malloc(2048 * sizeof *v);
	size_t s, k;
	uint32_t i;

	for (s = 0; s < sizeof sizes / sizeof *sizes; s++) {
		for (k = 0; k < sizeof kinds / sizeof *kinds; k++) {
			struct heap_pool p = { 0 };
			uint32_t n = sizes[s], d = kinds[k] < n ? kinds[k] : n;
			unsigned bits = d == 1 ? 0 : d <= 2 ? 1 : d <= 4 ? 2 :
			    d <= 16 ? 4 : d <= 256 ? 8 : 16;
			uint32_t bad = 0;

			fill(v, n, d);
			heap_pool_types_set(&p, v, n);
			CHECK(p.typed);
			heap_pool_types_get(&p, back, n);
			for (i = 0; i < n; i++) {
				bad += back[i] != v[i];
				bad += heap_pool_type_value(&p, i) != v[i];
				bad += heap_block_type(&p, i) !=
				    HEAP_TYPE_INDEX(v[i]);
			}
			CHECK_EQ_U(bad, 0);
			CHECK_EQ_U(p.tbits, bits);
			/* no more than the values themselves */
			CHECK(heap_pool_types_bytes(&p, n) <=
			    (size_t)n * sizeof *v + (sizeof(uint16_t) << 8));
			heap_pool_types_free(&p);
			CHECK(!p.typed && p.tpack == NULL);
		}
	}
	free(v);
	free(back);
}

/* One value for every block takes no memory beyond the pool. */
static void
test_uniform(void)
{
	uint16_t v[506];
	struct heap_pool p = { 0 };
	uint32_t i;

	for (i = 0; i < 506; i++)
		v[i] = 42 | HEAP_TYPE_UNTRACKED;
	heap_pool_types_set(&p, v, 506);
	CHECK(p.typed && p.tbits == 0 && p.tpack == NULL);
	CHECK_EQ_U(heap_pool_types_bytes(&p, 506), 0);
	CHECK_EQ_U(heap_pool_type_value(&p, 505), 42 | HEAP_TYPE_UNTRACKED);
	/* a second value: one bit a block, a palette of two */
	v[300] = 7;
	heap_pool_types_set(&p, v, 506);
	CHECK_EQ_U(p.tbits, 1);
	CHECK_EQ_U(heap_pool_types_bytes(&p, 506), 2 * 2 + (506 + 7) / 8);
	CHECK_EQ_U(heap_pool_type_value(&p, 300), 7);
	CHECK_EQ_U(heap_pool_type_value(&p, 301), 42 | HEAP_TYPE_UNTRACKED);
	heap_pool_types_free(&p);
	/* untyped: raw */
	CHECK_EQ_U(heap_pool_type_value(&p, 3), HEAP_TYPE_RAW);
}

/* Equal values, equal pools (what the recorder's delta frames compare);
 * copies are equal and independent; put and map change what they say. */
static void
test_equal_copy_put_map(void)
{
	uint16_t v[255], w[255];
	uint32_t map[40], i, k, bad = 0;
	struct heap_pool a = { 0 }, b = { 0 }, c = { 0 };

	fill(v, 255, 5);
	memcpy(w, v, sizeof v);
	heap_pool_types_set(&a, v, 255);
	heap_pool_types_set(&b, w, 255);
	CHECK(heap_pool_types_equal(&a, &b, 255));
	heap_pool_types_copy(&c, &a, 255);
	CHECK(heap_pool_types_equal(&a, &c, 255));
	CHECK(c.tpack != a.tpack);
	heap_pool_type_put(&b, 17, (uint32_t)v[17] ^ 1u, 255);
	CHECK(!heap_pool_types_equal(&a, &b, 255));
	CHECK_EQ_U(heap_pool_type_value(&b, 17), (uint32_t)v[17] ^ 1u);
	heap_pool_type_put(&b, 17, v[17], 255);
	CHECK(heap_pool_types_equal(&a, &b, 255));
	/* a typed pool and an untyped one differ; two untyped are equal */
	heap_pool_types_free(&b);
	CHECK(!heap_pool_types_equal(&a, &b, 255));
	CHECK(heap_pool_types_equal(&b, &b, 255));
	/* untyped is untyped, whatever its other fields were left at (a
	 * copy's types cut off by clearing typed and tpack) */
	heap_pool_types_free(&c);
	c = a;
	c.typed = 0;
	c.tpack = NULL;
	CHECK(heap_pool_types_equal(&b, &c, 255));
	memset(&c, 0, sizeof c);
	/* map: raw stays raw, index t becomes t + 100 below nmap, raw from
	 * nmap on; the result is the form the mapped values would have */
	map[0] = HEAP_TYPE_RAW;
	for (i = 1; i < 40; i++)
		map[i] = i + 100;
	for (k = 0; k < 4; k++) {
		size_t nmap = k % 2 ? 20 : 40;

		fill(v, 255, k < 2 ? 6 : 3);
		for (i = 0; i < 255; i++)
			v[i] = (uint16_t)(HEAP_TYPE_INDEX(v[i]) % 25 |
			    (v[i] & HEAP_TYPE_UNTRACKED));
		heap_pool_types_set(&c, v, 255);
		heap_pool_types_map(&c, map, nmap, 255);
		for (i = 0; i < 255; i++) {
			uint32_t t = HEAP_TYPE_INDEX(v[i]);

			w[i] = (uint16_t)((t < nmap ? map[t] : HEAP_TYPE_RAW) |
			    (v[i] & HEAP_TYPE_UNTRACKED));
			bad += heap_pool_type_value(&c, i) != w[i];
		}
		CHECK_EQ_U(bad, 0);
		heap_pool_types_set(&b, w, 255);
		CHECK(heap_pool_types_equal(&b, &c, 255));
	}
	heap_pool_types_free(&a);
	heap_pool_types_free(&b);
	heap_pool_types_free(&c);
}

int
main(void)
{
	test_roundtrip();
	test_uniform();
	test_equal_copy_put_map();
	return check_done();
}
