#include "config.h"

#include "heap_rle.h"
#include "util.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

static const char rle_letters[] = "AFU";	/* indexed by enum block_state */

/* The decimal digits of v at p (no sprintf: a block-level snapshot has a
 * run or two per few blocks, millions of them); returns the end. */
static char *
rle_put_u32(char *p, uint32_t v)
{
	char digits[10];
	int n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		*p++ = digits[--n];
	return p;
}

char *
heap_rle_encode(const uint8_t *blocks, uint32_t nblocks)
{
	/* A run costs at most a letter and ten digits. */
	char *text = xmalloc((size_t)nblocks * 11 + 1), *p = text;
	enum block_state s;
	uint32_t i = 0, start;

	while (i < nblocks) {
		s = heap_blocks_get(blocks, i);
		start = i;
		while (i < nblocks && heap_blocks_get(blocks, i) == s)
			i++;
		*p++ = rle_letters[s];
		p = rle_put_u32(p, i - start);
	}
	*p = '\0';
	return text;
}

static int
rle_state(char c)
{
	switch (c) {
	case 'A':
		return BLOCK_ALLOCATED;
	case 'F':
		return BLOCK_FREE;
	case 'U':
		return BLOCK_UNTOUCHED;
	default:
		return -1;
	}
}

static void
rle_bad_letter(char **cause, ptrdiff_t offset, unsigned char c)
{
	if (isprint(c))
		util_cause(cause, "at offset %td: expected A, F or U, got '%c'",
		    offset, c);
	else
		util_cause(cause, "at offset %td: expected A, F or U, got byte "
		    "0x%02x", offset, c);
}

/* Reads a run length at *pp (1 .. limit, no leading zero); 0 if there is none. */
static uint32_t
rle_length(const char **pp, uint32_t limit, int *too_long)
{
	const char *p = *pp;
	uint64_t n = 0;

	*too_long = 0;
	if (*p < '1' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9') {
		n = n * 10 + (uint64_t)(*p++ - '0');
		if (n > limit) {
			*too_long = 1;
			return 0;
		}
	}
	*pp = p;
	return (uint32_t)n;
}

int
heap_rle_decode(const char *text, uint32_t nblocks, uint8_t **blocksp,
    uint32_t counts[3], char **cause)
{
	const char *p = text;
	uint8_t *blocks;
	uint32_t total = 0, n, i;
	int s, too_long;

	counts[0] = counts[1] = counts[2] = 0;
	blocks = heap_blocks_new(nblocks);
	while (*p != '\0') {
		if ((s = rle_state(*p)) < 0) {
			rle_bad_letter(cause, p - text, (unsigned char)*p);
			goto fail;
		}
		p++;
		n = rle_length(&p, nblocks - total, &too_long);
		if (too_long) {
			util_cause(cause, "at offset %td: runs add up to more "
			    "than the pool's %u blocks", p - text, nblocks);
			goto fail;
		}
		if (n == 0) {
			util_cause(cause, "at offset %td: expected a run length "
			    "from 1 (no leading zero)", p - text);
			goto fail;
		}
		for (i = 0; i < n; i++)
			heap_blocks_set(blocks, total + i, (enum block_state)s);
		counts[s] += n;
		total += n;
	}
	if (total != nblocks) {
		util_cause(cause, "runs add up to %u blocks, expected the pool's %u",
		    total, nblocks);
		goto fail;
	}
	*blocksp = blocks;
	return 0;
fail:
	free(blocks);
	return -1;
}
