#!/bin/sh
# bench_values.sh: what the survivors' values cost (the values of every
# object of the pinned arenas) against the typed capture itself, as ratios
# measured in one run on one big heap (never thresholds, never part of make
# check), two ways: decoded during the capture from the bytes it read (what
# --stats and --dump do), and read again after it; and what the values add
# to a snapshot.  See bench/README.md.
#
#   bench/bench_values.sh [NSTRINGS [KEEP]]
#
# NSTRINGS (default 14000000, about 1 GiB of arenas on 3.11) sizes the heap
# that bench/big_heap.py builds; KEEP (default 50) keeps one string in KEEP
# of them, so that every arena is pinned by its survivors.
# Environment: HEAPVIEW, PYTHON and REPEAT as for bench_capture.sh.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
nstrings=${1:-14000000}
keep_one_in=${2:-50}
bench=bench_values
. "$here/lib.sh"

start_big_heap
echo "  $(grep 'bytes/arena' "$tmp/figures.json.stats")"
echo "  one string in $keep_one_in kept"

# ---- typed capture, then the values of every pinned arena's object --------
types_bench
types=$(bench_timing "types capture")
with=$(bench_timing "types capture with values")
again=$(bench_timing "values read again after a types capture")
[ -n "$types" ] && [ -n "$with" ] && [ -n "$again" ] ||
    die "heapview --bench printed no types or values lines"

# ---- one-shot, and what the values weigh in a snapshot -------------------
stats=$(measure "$REPEAT" "$HEAPVIEW" --pid "$pid" --stats --types) ||
    die "heapview --stats --types failed"
echo "heapview --stats --types one-shot (values included): min $(field "$stats" 1) ms, median $(field "$stats" 2) ms"
"$HEAPVIEW" --pid "$pid" --dump="$tmp/snap.json" --types ||
    die "heapview --dump --types failed"
"$helper_py" - "$tmp/snap.json" <<'PY'
import json, os, sys
path = sys.argv[1]
size = os.path.getsize(path)
doc = json.load(open(path))
vals = doc.get("values", [])
vbytes = len(json.dumps(vals, separators=(",", ":")).encode()) + len(',"values":')
print("snapshot --dump --types: %d bytes, of which \"values\" %d bytes "
      "(%.1f%%): %d values, %.1f bytes each" % (size, vbytes,
      100.0 * vbytes / size, len(vals), vbytes / max(len(vals), 1)))
PY

echo
echo "ratios (one run):"
extra() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
echo "  types capture with values / types capture (min)      $(ratio "$(field "$with" 1)" "$(field "$types" 1)")"
echo "  types capture with values / types capture (median)   $(ratio "$(field "$with" 2)" "$(field "$types" 2)")"
echo "  values during the capture: $(extra "$(field "$with" 1)" "$(field "$types" 1)") ms (min - min)"
echo "  values read again / types capture (min)              $(ratio "$(field "$again" 1)" "$(field "$types" 1)")"
echo "  values read again / types capture (median)           $(ratio "$(field "$again" 2)" "$(field "$types" 2)")"
