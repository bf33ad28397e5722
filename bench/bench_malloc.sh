#!/bin/sh
# bench_malloc.sh [MIB]: the glibc malloc walk on a process with about MIB
# MiB (default 1024) in malloc chunks (bench/malloc_chunks.py: bytearrays of
# 2-100 KiB, a third freed, a thread arena) against a plain read of the
# heaps' bytes, both by bench/bench_malloc; then `heapview --stats` one-shot.
# Run from a build directory after `make heapview bench/bench_malloc`.
# Figures only, never a verdict.
set -eu
bench=bench_malloc.sh
here=$(cd "$(dirname "$0")" && pwd)
mib=${1:-1024}
. "$here/lib.sh"
BENCH_MALLOC=${BENCH_MALLOC:-./bench/bench_malloc}
[ -x "$BENCH_MALLOC" ] || die "$BENCH_MALLOC: make bench/bench_malloc first"

"$PYTHON" "$here/malloc_chunks.py" "$mib" 2>"$tmp/ready" &
pid=$!
while ! grep -q HEAPVIEW-READY "$tmp/ready" 2>/dev/null; do
	kill -0 "$pid" 2>/dev/null || die "the target died: $(cat "$tmp/ready")"
	sleep 0.2
done
echo "target: $PYTHON, $(cat "$tmp/ready")"
grep -E '^(VmRSS|Threads)' /proc/"$pid"/status
kill -STOP "$pid"
"$BENCH_MALLOC" "$pid" "$REPEAT"
set -- $(measure "$REPEAT" "$HEAPVIEW" --pid "$pid" --stats)
echo "heapview --stats one-shot (pymalloc and malloc sections): min $1 ms, median $2 ms"
kill -CONT "$pid"
