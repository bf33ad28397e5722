#!/bin/sh
# bench_why.sh: what --why of one object costs on bench/big_heap.py's heap
# (about 1 GiB of arenas), against one types capture of the same heap, as
# ratios measured in one run (never thresholds, never part of make check);
# and heapview's peak memory for it.  See bench/README.md.
#
#   bench/bench_why.sh [NSTRINGS [KEEP]]
#
# With KEEP (e.g. 50: one string in 50 kept, every arena pinned) it also
# times --stats --types, whose last section climbs from the pinned arenas'
# survivors (the first 4096) to their roots, and prints that section.
# The object is one of the target's strings, held by a list of 9 million
# items (its array is malloc'd, outside the arenas) in a local variable of
# the target's main(): two levels of referrers, then the root "main(): keep"
# (3.11+ frames and frame objects; "held from outside the object heap" where
# the frame is not readable).  Environment: HEAPVIEW, PYTHON, REPEAT as bench_types.sh.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
nstrings=${1:-14000000}
keep_one_in=${2:-}
bench=bench_why
. "$here/lib.sh"

start_big_heap
echo "  $(grep 'bytes/arena' "$tmp/figures.json.stats")"
probe=$("$helper_py" -c 'import json, sys; print(json.load(open(sys.argv[1]))["probe_id"])' \
    "$tmp/figures.json")

"$HEAPVIEW" --pid "$pid" --types --bench="$REPEAT" > "$tmp/bench.out" ||
    die "heapview --types --bench failed"
types=$(sed -n 's/^types capture: min \([0-9.]*\) ms, median \([0-9.]*\) ms.*/\1 \2/p' \
    "$tmp/bench.out")
[ -n "$types" ] || die "heapview --bench printed no types line"
echo "types capture (--bench): min $(field "$types" 1) ms, median $(field "$types" 2) ms"

"$HEAPVIEW" --pid "$pid" --why="$probe" > "$tmp/why.out" || die "--why failed"
sed 's/^/--why: /' "$tmp/why.out"
why=$(measure "$REPEAT" "$HEAPVIEW" --pid "$pid" --why="$probe") ||
    die "heapview --why failed"
echo "heapview --why one-shot: min $(field "$why" 1) ms, median $(field "$why" 2) ms"
echo "ratio --why / types capture (min): $(ratio "$(field "$why" 1)" "$(field "$types" 1)")"
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f '%M' -o "$tmp/rss" "$HEAPVIEW" --pid "$pid" \
	    --why="$probe" > /dev/null
	echo "heapview --why peak RSS: $(cat "$tmp/rss") KiB"
fi

[ -n "$keep_one_in" ] || exit 0
"$HEAPVIEW" --pid "$pid" --stats --types > "$tmp/stats.out" ||
    die "--stats --types failed"
sed -n '/^Pinned arenas/p;/^Why the pinned arenas stay/,$p' "$tmp/stats.out" |
    sed 's/^/--stats --types: /'
stats=$(measure "$REPEAT" "$HEAPVIEW" --pid "$pid" --stats --types) ||
    die "heapview --stats --types failed"
echo "heapview --stats --types one-shot (with the roots): min $(field "$stats" 1) ms, median $(field "$stats" 2) ms"
echo "ratio --stats --types / types capture (min): $(ratio "$(field "$stats" 1)" "$(field "$types" 1)")"
