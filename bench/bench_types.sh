#!/bin/sh
# bench_types.sh: what attributing every block to a Python type (--types)
# costs on top of a block-level capture, as ratios measured in one run on
# one big heap (never thresholds, never part of make check), and how many
# blocks it leaves raw.  See bench/README.md.
#
#   bench/bench_types.sh [NSTRINGS]
#
# NSTRINGS (default 14000000, about 1 GiB of arenas on 3.11) sizes the heap
# that bench/big_heap.py builds, the heap bench_capture.sh measures.
# Environment:
#   HEAPVIEW  the heapview binary (default ./heapview)
#   PYTHON    the target interpreter (default pyenv's 3.11, else
#             /usr/bin/python3.11)
#   REPEAT    timed repetitions of each measurement (default 5)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
nstrings=${1:-14000000}
bench=bench_types
. "$here/lib.sh"

# ---- the target (bench_capture.sh's) --------------------------------------
start_big_heap
echo "  $(grep 'bytes/arena' "$tmp/figures.json.stats")"

# ---- captures timed by heapview: block level, then with types -------------
types_bench
block=$(bench_timing "block-level capture")
types=$(bench_timing "types capture")
[ -n "$block" ] && [ -n "$types" ] ||
    die "heapview --bench printed no block-level or types line"

# ---- one-shot runs: the census against pool level and a block-level dump ---
plain=$(measure "$REPEAT" "$HEAPVIEW" --pid "$pid" --stats) ||
    die "heapview --stats failed"
echo "heapview --stats one-shot: min $(field "$plain" 1) ms, median $(field "$plain" 2) ms"
dump=$(measure "$REPEAT" "$HEAPVIEW" --pid "$pid" --dump=/dev/null) ||
    die "heapview --dump failed"
echo "heapview --dump one-shot: min $(field "$dump" 1) ms, median $(field "$dump" 2) ms"
census=$(measure "$REPEAT" "$HEAPVIEW" --pid "$pid" --stats --types) ||
    die "heapview --stats --types failed"
echo "heapview --stats --types one-shot: min $(field "$census" 1) ms, median $(field "$census" 2) ms"

# ---- what the census says --------------------------------------------------
"$HEAPVIEW" --pid "$pid" --stats --types > "$tmp/census" ||
    die "heapview --stats --types failed"
echo
sed -n '/^Types$/,/allocated blocks;/p' "$tmp/census" | sed -n '1,8p;/allocated blocks;/p' |
    awk '!seen[$0]++'
# The census prints the share with one decimal; this heap needs more.
raw=$(awk '/^Types$/ { on = 1; next }
    on && $3 == "(raw)" { raw = $1 }
    on && / objects in .* allocated blocks;/ {
	printf "%.3f%% (%d of %d blocks)", 100 * raw / $4, raw, $4; exit }' "$tmp/census")

echo
echo "ratios (one run):"
echo "  types capture / block-level capture (min)          $(ratio "$(field "$types" 1)" "$(field "$block" 1)")"
echo "  types capture / block-level capture (median)       $(ratio "$(field "$types" 2)" "$(field "$block" 2)")"
echo "  --stats --types / --stats one-shot (medians)       $(ratio "$(field "$census" 2)" "$(field "$plain" 2)")"
echo "  --stats --types / --dump one-shot (medians)        $(ratio "$(field "$census" 2)" "$(field "$dump" 2)")"
echo "  blocks attributed to (raw)                         $raw"
