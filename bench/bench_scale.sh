#!/bin/sh
# bench_scale.sh: what a big heap costs heapview end to end, at 1 GiB and
# at 8 GiB of pymalloc arenas, as ratios measured in one run (never
# thresholds, never part of make check): that cost grows linearly with the
# heap and memory stays proportional to the model.  See bench/README.md.
#
#   bench/bench_scale.sh [GIB...]
#
# GIB (default "1 8") are the heap sizes, in GiB of arenas: bench/big_heap.py
# builds 14,000,000 short strings per GiB (the heap of bench_capture.sh),
# one size at a time, and each target is killed before the next starts.
# 8 GiB needs about 10 GB of free memory for the target, plus what heapview
# takes (the figures say how much).
# Environment:
#   HEAPVIEW  the heapview binary (default ./heapview)
#   BEFORE    another heapview binary measured on the same targets (e.g.
#             one built from an older commit), for before/after figures
#   PYTHON    the target interpreter (default pyenv's 3.12, else
#             /usr/bin/python3.12)
#   REPEAT    timed repetitions of the captures and loads (default 3)
#   REC_SECS  seconds of --record --types --interval=0.5 (default 20)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
sizes=${*:-1 8}
nstrings=0
bench=bench_scale
python_version=${python_version:-3.12}
. "$here/lib.sh"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is needed for peak RSS"
REC_SECS=${REC_SECS:-20}
BEFORE=${BEFORE:-}
[ -z "$BEFORE" ] || [ -x "$BEFORE" ] || die "$BEFORE: not executable"

# timed CMD...: "wall_ms peak_kib" of one run of CMD (stdout discarded).
timed() {
	/usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >/dev/null \
	    2>"$tmp/time.err" || { cat "$tmp/time.err" >&2; return 1; }
	tail -n 1 "$tmp/time" | awk '{ printf "%.0f %d\n", $1 * 1000, $2 }'
}

# best N CMD...: the least wall time of N runs and the peak RSS of that run.
best() {
	n=$1; shift
	b=
	while [ "$n" -gt 0 ]; do
		r=$(timed "$@") || return 1
		if [ -z "$b" ] || [ "$(field "$r" 1)" -lt "$(field "$b" 1)" ]; then
			b=$r
		fi
		n=$((n - 1))
	done
	echo "$b"
}

percent_kib() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f%%", 100 * a * 1024 / b }'; }

# figures HEAPVIEW LABEL: every figure of one binary on the running target.
figures() {
	hv=$1
	label=$2
	echo "--- $label: $hv"
	"$hv" --pid "$pid" --types --bench="$REPEAT" > "$tmp/bench.out" ||
	    die "$label: heapview --types --bench failed"
	sed 's/^/  --bench: /' "$tmp/bench.out"
	block=$(bench_timing "block-level capture" | cut -d' ' -f1)
	types=$(bench_timing "types capture" | cut -d' ' -f1)

	dump=$(best "$REPEAT" "$hv" --pid "$pid" --types \
	    --dump="$tmp/snap.json") || die "$label: --dump --types failed"
	snap_bytes=$(wc -c < "$tmp/snap.json")
	echo "  --dump --types: best $(field "$dump" 1) ms, peak RSS $(field "$dump" 2) KiB, $snap_bytes bytes of JSON"
	load=$(best "$REPEAT" "$hv" "$tmp/snap.json" --stats) ||
	    die "$label: loading the snapshot failed"
	echo "  load (FILE --stats): best $(field "$load" 1) ms, peak RSS $(field "$load" 2) KiB"

	rm -f "$tmp/rec.jsonl"
	/usr/bin/time -f %M -o "$tmp/rec.rss" "$hv" --pid "$pid" --types \
	    --interval=0.5 --record="$tmp/rec.jsonl" --no-tui \
	    > "$tmp/rec.out" 2>&1 &
	rec=$!
	sleep "$REC_SECS"
	# GNU time passes no signal on: the recorder is its child.
	kill -INT $(pgrep -P "$rec") 2>/dev/null || true
	wait "$rec" 2>/dev/null || true
	frames=$(($(wc -l < "$tmp/rec.jsonl") - 1))
	due=$((REC_SECS * 2))
	rec_bytes=$(wc -c < "$tmp/rec.jsonl")
	per_hour=$(awk -v b="$rec_bytes" -v s="$REC_SECS" 'BEGIN { printf "%.2f", b / s * 3600 / 1e9 }')
	# An hour of an idle heap: a full frame every 600 s (six) and the
	# deltas at the rate measured after the first frame.
	first_bytes=$(sed -n 2p "$tmp/rec.jsonl" | wc -c)
	head_bytes=$(sed -n 1p "$tmp/rec.jsonl" | wc -c)
	steady=$(awk -v b="$rec_bytes" -v f="$first_bytes" -v h="$head_bytes" \
	    -v s="$REC_SECS" 'BEGIN { printf "%.2f", (6 * f + (b - f - h) / s * 3600) / 1e9 }')
	echo "  --record --types --interval=0.5, $REC_SECS s: $frames frames, $rec_bytes bytes, peak RSS $(tail -n 1 "$tmp/rec.rss") KiB"
	recload=$(best 1 "$hv" "$tmp/rec.jsonl" --stats) ||
	    die "$label: loading the recording failed"
	echo "  load of that recording (every frame checked, the last built): $(field "$recload" 1) ms, peak RSS $(field "$recload" 2) KiB"

	latency=
	if [ -x "$here/bench_tui_latency.sh" ]; then
		TARGET_PID=$pid HEAPVIEW=$hv "$here/bench_tui_latency.sh" \
		    > "$tmp/lat.out" \
		    2>&1 || echo "  bench_tui_latency.sh failed"
		sed 's/^/  tui: /' "$tmp/lat.out"
		latency=1
	fi

	echo "  ratios ($label, $gib GiB):"
	echo "    block-level capture / plain read of the arenas   $(ratio "$block" "$read_min")"
	echo "    --dump --types / types capture                   $(ratio "$(field "$dump" 1)" "$types")"
	echo "    --dump --types peak RSS / arena bytes            $(percent_kib "$(field "$dump" 2)" "$arena_bytes")"
	echo "    load of that snapshot / types capture            $(ratio "$(field "$load" 1)" "$types")"
	echo "    load peak RSS / arena bytes                      $(percent_kib "$(field "$load" 2)" "$arena_bytes")"
	echo "    --record frames kept / due                       $frames / $due ($(awk -v a="$frames" -v b="$due" 'BEGIN { printf "%.0f%%", 100 * a / b }'))"
	echo "    --record bytes an hour, as recorded              $per_hour GB ($REC_SECS s scaled: the first full frame dominates)"
	echo "    --record bytes an hour, idle: 6 full + deltas    $steady GB"
	echo "    recording load / frames                          $(ratio "$(field "$recload" 1)" "$frames") ms a frame"
	echo "    recording load peak RSS / arena bytes            $(percent_kib "$(field "$recload" 2)" "$arena_bytes")"
	[ -n "$latency" ] || echo "    TUI key latency                                  (bench_tui_latency.sh not in this tree)"
}

for gib in $sizes; do
	nstrings=$((gib * 14000000))
	echo "=== $gib GiB: $nstrings strings"
	start_big_heap
	arena_line=$(grep 'bytes/arena' "$tmp/figures.json.stats")
	arena_bytes=$(echo "$arena_line" | sed 's/.*= *//; s/,//g')
	echo "  $arena_line"
	# The baseline: every arena read once, as bench_capture.sh does.
	"$HEAPVIEW" --pid "$pid" --dump="$tmp/arenas.json" ||
	    die "heapview --dump failed"
	"$helper_py" "$here/read_arenas.py" "$pid" "$tmp/arenas.json" "$REPEAT" \
	    > "$tmp/read.out" || die "reading the arenas failed"
	rm -f "$tmp/arenas.json"
	read_min=$(awk '$1 != "headers" && (m == "" || $2 < m) { m = $2 } END { print m }' "$tmp/read.out")
	echo "  plain read of the arena bytes (best of pread and process_vm_readv): min $read_min ms"
	[ -z "$BEFORE" ] || figures "$BEFORE" before
	if [ -n "$BEFORE" ]; then label=after; else label=heapview; fi
	figures "$HEAPVIEW" "$label"
	rm -f "$tmp/snap.json" "$tmp/rec.jsonl"
	kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
	pid=
	rm -f "$tmp/figures.json" "$tmp/figures.json.stats"
done
