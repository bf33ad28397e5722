#!/bin/sh
# bench_resident.sh: what the resident breakdown (the Resident memory
# section, the TUI's line, the "resident" object) costs against a plain
# read of /proc/PID/smaps, on a process with a 1 GiB heap: once 1 GiB of
# pymalloc arenas (bench/big_heap.py), once 1 GiB in glibc malloc
# (bench/malloc_heap.py: main heap, mmapped chunks, a thread arena).
# Ratios measured in one run, never thresholds.  See bench/README.md.
#
#   bench/bench_resident.sh [NSTRINGS [MIB]]
#
# Environment: HEAPVIEW, PYTHON, REPEAT as in bench/lib.sh.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
nstrings=${1:-14000000}
mib=${2:-1024}
bench=bench_resident
. "$here/lib.sh"

# one_target NAME: heapview --bench on $pid, the breakdown's line and the
# plain read's, the section itself, and their ratio.
one_target() {
	"$HEAPVIEW" --pid "$pid" --bench="$REPEAT" > "$tmp/bench.out" ||
	    die "heapview --bench failed"
	grep -E '^(pool-level capture|smaps read|resident breakdown):' "$tmp/bench.out" |
	    sed "s/^/$1: /"
	plain=$(bench_timing "smaps read")
	res=$(bench_timing "resident breakdown")
	pool=$(bench_timing "pool-level capture")
	"$HEAPVIEW" --pid "$pid" --stats | sed -n '/^Resident memory/,/^Total/p'
	echo "$1: breakdown / plain smaps read (min)     $(ratio "$(field "$res" 1)" "$(field "$plain" 1)")"
	echo "$1: breakdown / plain smaps read (median)  $(ratio "$(field "$res" 2)" "$(field "$plain" 2)")"
	echo "$1: breakdown / pool-level capture (min)   $(ratio "$(field "$res" 1)" "$(field "$pool" 1)")"
}

start_big_heap
one_target "1 GiB of arenas"
kill "$pid"; wait "$pid" 2>/dev/null || true

echo "target: $PYTHON bench/malloc_heap.py ($mib MiB)"
"$PYTHON" "$here/malloc_heap.py" "$tmp/ready" "$mib" 2>"$tmp/target.err" &
pid=$!
while [ ! -f "$tmp/ready" ]; do
	kill -0 "$pid" 2>/dev/null || { cat "$tmp/target.err" >&2; die "target died"; }
	sleep 0.5
done
one_target "1 GiB in malloc"
