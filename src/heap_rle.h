/*
 * heap_rle: a pool's block states as run-length text, the form the JSON
 * formats store them in (DESIGN.md, "Formats"): one letter per run --
 * A allocated, F free, U untouched -- followed by the run's length in
 * decimal, e.g. "A3F1A6U500" for 510 blocks.
 *
 * The encoder writes canonical text: maximal runs, lengths without leading
 * zeros.  The decoder reads untrusted text: it accepts exactly that grammar
 * (lengths from 1, no leading zeros; two adjacent runs of one state are
 * allowed), never reads or writes past the pool's block count, and reports
 * how many blocks are in each state so that the caller can check them
 * against the pool header.
 */
#ifndef HV_HEAP_RLE_H
#define HV_HEAP_RLE_H

#include <stdint.h>

#include "heap.h"

/* Text for nblocks states of a 2-bit array (heap_blocks_new); malloc'd. */
char	*heap_rle_encode(const uint8_t *blocks, uint32_t nblocks);

/*
 * Decodes text into a new 2-bit array of nblocks states (*blocks) and the
 * number of blocks in each state (counts[BLOCK_ALLOCATED], ...).  Returns 0,
 * or -1 with *cause saying what was expected where.
 */
int	 heap_rle_decode(const char *text, uint32_t nblocks, uint8_t **blocks,
	    uint32_t counts[3], char **cause);

#endif
