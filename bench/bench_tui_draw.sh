#!/bin/sh
# bench_tui_draw.sh: what drawing the TUI costs for a small heap and for a
# huge one (DESIGN.md, "Speed": a frame costs the screen, not the heap), as
# instructions counted by callgrind in one run -- never a threshold, never
# part of make check.
#
#   cd /tmp/build && make heapview bench/tui_heapgen
#   /path/to/heapview/bench/bench_tui_draw.sh [NARENAS...]
#
# NARENAS (default 10 10000) are heap sizes in arenas; the ratios are
# against the first.  For each,
# bench/tui_heapgen writes a one-frame recording (64 or 63 pools an arena,
# pool level, a mix of full, used, empty and untouched pools); heapview
# replays it in a tmux window of COLS x LINES (default 120 x 40) under
# callgrind, which counts the instructions of tui_draw() only -- everything
# the loop does to put a frame on the screen, doupdate included, but not
# reading the file or the per-frame aggregates computed once on arrival.
# Four draws are counted: the first screen (arena map and every line
# around it), then Tab to the pool view, the size classes, the strip.
#
# Environment: HEAPVIEW (default ./heapview), HEAPGEN (default
# ./bench/tui_heapgen), COLS, LINES.  Needs valgrind and tmux.
set -eu

[ $# -gt 0 ] || set -- 10 10000
HEAPVIEW=${HEAPVIEW:-./heapview}
HEAPGEN=${HEAPGEN:-./bench/tui_heapgen}
COLS=${COLS:-120}
LINES=${LINES:-40}

die() { echo "bench_tui_draw: $*" >&2; exit 1; }

[ -x "$HEAPVIEW" ] || die "$HEAPVIEW: not executable; set HEAPVIEW"
[ -x "$HEAPGEN" ] || die "$HEAPGEN: not built (make bench/tui_heapgen); set HEAPGEN"
command -v valgrind >/dev/null || die "valgrind is needed"
command -v tmux >/dev/null || die "tmux is needed"

tmp=$(mktemp -d)
sock="bench-tui-$$"
# Ends the tmux server and removes its socket.
stop_tmux() {
	path=$(tmux -L "$sock" display-message -p '#{socket_path}' 2>/dev/null) || true
	tmux -L "$sock" kill-server 2>/dev/null || true
	[ -z "$path" ] || rm -f "$path"
}
cleanup() {
	stop_tmux
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# wait_for PATTERN: until the pane shows it (loading under callgrind is slow).
wait_for() {
	tries=0
	while ! tmux -L "$sock" capture-pane -p 2>/dev/null | grep -q -e "$1"; do
		tries=$((tries + 1))
		[ $tries -lt 6000 ] || die "timed out waiting for '$1'"
		sleep 0.1
	done
}

# Ir of each dump (one per tui_draw call), in the order of the calls.
dumps() {
	for f in $(ls "$1".* | sort -t. -k3 -n); do
		sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$f"
	done | awk '$1 > 0'
}

measure() {
	n=$1
	rec="$tmp/heap-$n.jsonl"
	"$HEAPGEN" "$n" 1 "$rec" || die "tui_heapgen failed"
	tmux -L "$sock" -f /dev/null new-session -d -x "$COLS" -y "$LINES" \
	    "env LANG=C.UTF-8 TERM=screen valgrind --tool=callgrind \
	    --toggle-collect=tui_draw --dump-after=tui_draw \
	    --callgrind-out-file='$tmp/cg-$n' '$HEAPVIEW' '$rec' \
	    2>'$tmp/valgrind-$n.log'; echo BENCH-DONE; sleep 600"
	wait_for "arena map  $n arenas"
	tmux -L "$sock" send-keys Tab
	wait_for "^ pool 0 of arena"
	tmux -L "$sock" send-keys Tab
	wait_for "^ size classes"
	tmux -L "$sock" send-keys Tab
	wait_for "^ memory strip"
	tmux -L "$sock" send-keys q
	wait_for "BENCH-DONE"
	stop_tmux
	dumps "$tmp/cg-$n" > "$tmp/ir-$n"
	[ "$(wc -l < "$tmp/ir-$n")" -eq 4 ] ||
	    die "$n arenas: expected 4 draws, callgrind saw $(wc -l < "$tmp/ir-$n")"
}

for n in "$@"; do
	measure "$n"
done

first=$1
echo "instructions per draw (callgrind, tui_draw inclusive), terminal ${COLS}x${LINES}"
printf '%-8s %12s %12s %12s %12s %12s\n' arenas "first screen" "pool view" \
    "classes" "strip" total
for n in "$@"; do
	# shellcheck disable=SC2046
	printf '%-8s %12s %12s %12s %12s %12s\n' "$n" $(cat "$tmp/ir-$n") \
	    "$(awk '{ s += $1 } END { print s }' "$tmp/ir-$n")"
done
for n in "$@"; do
	[ "$n" = "$first" ] && continue
	paste "$tmp/ir-$first" "$tmp/ir-$n" | awk -v s="$first" -v b="$n" '
		{ r[NR] = $2 / $1; ts += $1; tb += $2 }
		END {
			printf "ratio %s/%s arenas: first screen %.2fx, pool view " \
			    "%.2fx, classes %.2fx, strip %.2fx, total %.2fx\n",
			    b, s, r[1], r[2], r[3], r[4], tb / ts
		}'
done
