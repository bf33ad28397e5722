#!/bin/sh
# bench_write.sh: what writing the JSON formats costs on a big heap, as
# ratios measured in one run (never thresholds, never part of make check).
# See bench/README.md.
#
#   bench/bench_write.sh [NSTRINGS]
#
# NSTRINGS (default 14000000, about 1 GiB of arenas on 3.11) sizes the heap
# that bench/big_heap.py builds, the heap bench_capture.sh measures.
# Environment:
#   HEAPVIEW      the heapview binary (default ./heapview)
#   HEAPVIEW_OLD  another heapview to measure the same way (optional)
#   PYTHON        the target interpreter (default pyenv's 3.11, else
#                 /usr/bin/python3.11)
#   REPEAT        timed repetitions of each measurement (default 5)
#   SECS          how long the idle heap is recorded (default 20)
#   INTERVAL      the recording's --interval (default 0.5)
#   ONLY          dump or record: that part alone
set -eu

here=$(cd "$(dirname "$0")" && pwd)
nstrings=${1:-14000000}
bench=bench_write
. "$here/lib.sh"
SECS=${SECS:-20}
INTERVAL=${INTERVAL:-0.5}

start_big_heap
echo "  $(grep 'bytes/arena' "$tmp/figures.json.stats")"
arena_bytes=$(grep 'bytes/arena' "$tmp/figures.json.stats" | awk '{ print $NF }' |
    tr -d ,)

types_bench
types=$(bench_timing "types capture")
[ -n "$types" ] || die "heapview --bench printed no types line"

# peak_rss CMD...: GNU time's maximum resident set, KiB.
peak_rss() {
	/usr/bin/time -f '%M' -o "$tmp/time.out" "$@" >/dev/null 2>&1 ||
	    die "$* failed"
	cat "$tmp/time.out"
}

# dump_figures NAME BINARY: --dump --types timed, its peak RSS and bytes.
dump_figures() {
	d=$(measure "$REPEAT" "$2" --pid "$pid" --types --dump="$tmp/$1.json") ||
	    die "$2 --dump --types failed"
	rss=$(peak_rss "$2" --pid "$pid" --types --dump="$tmp/$1.json")
	size=$(wc -c < "$tmp/$1.json")
	echo "$1 --dump --types: min $(field "$d" 1) ms, median $(field "$d" 2) ms, peak RSS $rss KiB, $size bytes"
	echo "  --dump --types / types capture (min)      $(ratio "$(field "$d" 1)" "$(field "$types" 1)")"
	echo "  --dump --types / types capture (median)   $(ratio "$(field "$d" 2)" "$(field "$types" 2)")"
	echo "  --dump --types peak RSS / arena bytes     $(awk -v r="$rss" -v a="$arena_bytes" 'BEGIN { printf "%.2f%%", 100 * r * 1024 / a }')"
	rss=$(peak_rss "$2" --pid "$pid" --dump="$tmp/$1.plain.json")
	echo "  --dump peak RSS / arena bytes             $(awk -v r="$rss" -v a="$arena_bytes" 'BEGIN { printf "%.2f%%", 100 * r * 1024 / a }') ($rss KiB)"
}

# record_figures NAME BINARY: --record --types of the idle heap for SECS.
record_figures() {
	rec=$tmp/$1.jsonl
	/usr/bin/time -f '%M' -o "$tmp/$1.rec.rss" "$2" --pid "$pid" --types \
	    --record="$rec" --no-tui --interval="$INTERVAL" 2>"$tmp/$1.rec.err" &
	timer=$!
	sleep "$SECS"
	# GNU time ignores SIGINT: the recorder is its child
	kill -INT "$(pgrep -P "$timer")"
	wait "$timer" || { cat "$tmp/$1.rec.err" >&2; die "$2 --record failed"; }
	sed 's/^/  /' "$tmp/$1.rec.err"
	echo "  peak RSS of the recorder: $(cat "$tmp/$1.rec.rss") KiB"
	"$helper_py" - "$rec" "$SECS" "$INTERVAL" "$1" <<'PY'
import json, sys
path, secs, interval, name = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
keys, deltas = [], []
with open(path, "rb") as f:
    f.readline()
    for line in f:
        (deltas if b'"key":' in line[:200] else keys).append(len(line))
n = len(keys) + len(deltas)
due = int(secs / interval)
total = sum(keys) + sum(deltas)
print("%s --record --types --interval=%g, idle, %g s: %d frames (%d full, %d deltas) of %d due: %.0f%%"
      % (name, interval, secs, n, len(keys), len(deltas), due, 100.0 * n / due))
print("  bytes: %d in %g s; full frames %s bytes each; deltas %.0f bytes on average"
      % (total, secs, "/".join(str(k) for k in sorted(set(keys))[:3]),
         sum(deltas) / len(deltas) if deltas else 0))
print("  bytes an hour, as recorded (%g s scaled): %.2f GB" % (secs, total * 3600 / secs / 1e9))
if deltas and len(keys) == 1:
    # the cost rule: a full frame at least every 600 s when idle
    per_hour = 3600 / interval
    est = 6 * max(keys) + (per_hour - 6) * sum(deltas) / len(deltas)
    print("  bytes an hour, 6 full frames and deltas: %.2f GB" % (est / 1e9))
PY
}

ONLY=${ONLY:-}
if [ "$ONLY" != record ]; then
dump_figures new "$HEAPVIEW"
[ -n "${HEAPVIEW_OLD:-}" ] && dump_figures old "$HEAPVIEW_OLD"
fi
if [ -n "${HEAPVIEW_OLD:-}" ] && [ "$ONLY" != record ]; then
	"$helper_py" - "$tmp/new.json" "$tmp/old.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for d in (a, b):
    for k in ("captured_at", "capture_ms"):
        d.pop(k)
    d["process"].pop("rss_bytes")
print("  new and old --dump --types: %s" % ("the same JSON" if a == b else "DIFFERENT JSON"))
PY
fi
[ "$ONLY" = dump ] && exit 0
record_figures new "$HEAPVIEW"
[ -n "${HEAPVIEW_OLD:-}" ] && record_figures old "$HEAPVIEW_OLD"
exit 0
