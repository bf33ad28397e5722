/*
 * render_diff: the text of a heap diff (heap_diff.h) for --stats --diff.
 * The objects new since the baseline and those gone are printed as heapy
 * prints a partition by type (`(heap2 - heap1).bytype`), so that its users
 * read them at once; then the new objects that pin each pinned arena.
 * Without types, blocks new and freed per size class.  No curses, no /proc.
 */
#ifndef HV_RENDER_DIFF_H
#define HV_RENDER_DIFF_H

#include <stdio.h>

#include "heap_diff.h"

/* base names the baseline in headings, e.g. "frame 3 of rec.jsonl, 1.5 s". */
void	render_diff(FILE *, const struct heap_diff *, const char *base);
/* heapy's partition: "Partition of a set of N objects. Total size = B
 * bytes." and its Index/Count/%/Size/%/Cumulative/%/Type rows, every row. */
void	render_diff_partition(FILE *, const struct heap_diff_part *);

#endif
