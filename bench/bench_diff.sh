#!/bin/sh
# bench_diff.sh: what --diff costs on a big heap, as ratios measured in one
# run (never thresholds, never part of make check).  See bench/README.md.
#
#   bench/bench_diff.sh [NSTRINGS]
#
# On bench/big_heap.py's heap (NSTRINGS, default 14000000: about 1 GiB of
# arenas on 3.11, every block typed):
#  - the diff of two types captures held in memory, against one types
#    capture (heapview --types --bench: both timed by heapview itself);
#  - one-shot runs: --stats --types, and the same with --diff=BASE where
#    BASE is a --dump --types of the same heap (reading the JSON baseline
#    included), and that dump alone.
# Environment: HEAPVIEW, PYTHON, REPEAT as bench_types.sh.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
nstrings=${1:-14000000}
bench=bench_diff
. "$here/lib.sh"

start_big_heap
echo "  $(grep 'bytes/arena' "$tmp/figures.json.stats")"

# ---- in memory: a capture, and the diff of two -------------------------------
types_bench
types=$(bench_timing "types capture")
diff=$(bench_timing "diff of two types captures")
[ -n "$types" ] && [ -n "$diff" ] || die "no types capture or diff line"

# ---- one-shot ----------------------------------------------------------------
"$HEAPVIEW" --pid "$pid" --types --dump="$tmp/base.json" ||
    die "heapview --dump --types failed"
echo "baseline: $(wc -c < "$tmp/base.json") bytes of JSON"
stats=$(measure "$REPEAT" "$HEAPVIEW" --pid "$pid" --stats --types) ||
    die "heapview --stats --types failed"
echo "heapview --stats --types one-shot: min $(field "$stats" 1) ms, median $(field "$stats" 2) ms"
withdiff=$(measure "$REPEAT" "$HEAPVIEW" --pid "$pid" --stats --types \
    --diff="$tmp/base.json") || die "heapview --stats --types --diff failed"
echo "heapview --stats --types --diff one-shot: min $(field "$withdiff" 1) ms, median $(field "$withdiff" 2) ms"
load=$(measure "$REPEAT" "$HEAPVIEW" "$tmp/base.json" --stats --types) ||
    die "heapview BASE --stats --types failed"
echo "heapview BASE --stats --types (the baseline read alone): min $(field "$load" 1) ms, median $(field "$load" 2) ms"
# The head of each partition (an idle target: both are empty).
"$HEAPVIEW" --pid "$pid" --stats --types --diff="$tmp/base.json" |
    awk '/^(New|Gone) since/ { n = 5 } n > 0 { print; n-- }'

tm=$(field "$types" 2)
dm=$(field "$diff" 2)
echo
echo "ratios (one run):"
echo "  diff of two types captures / one types capture (min)     $(ratio "$(field "$diff" 1)" "$(field "$types" 1)")"
echo "  diff of two types captures / one types capture (median)  $(ratio "$dm" "$tm")"
echo "  two captures and their diff / one capture (medians)      $(awk -v t="$tm" -v d="$dm" 'BEGIN { printf "%.2f", (2 * t + d) / t }')"
echo "  --stats --types --diff / --stats --types one-shot        $(ratio "$(field "$withdiff" 2)" "$(field "$stats" 2)")"
