# bench/lib.sh: what the benchmarks on bench/big_heap.py's heap share.
# Sourced after `set -eu` with $bench (the script's name for messages),
# $here (bench/) and $nstrings set, and $python_version when the default
# interpreter is not 3.11; sets HEAPVIEW, REPEAT, PYTHON,
# helper_py, tmp and pid, and removes $tmp and the target on exit.

HEAPVIEW=${HEAPVIEW:-./heapview}
REPEAT=${REPEAT:-5}
helper_py=$(command -v python3)

die() { echo "$bench: $*" >&2; exit 1; }

# default_python: pyenv's CPython $python_version (default 3.11), else
# Debian's.
python_version=${python_version:-3.11}
default_python() {
	root=$(pyenv root 2>/dev/null || true)
	for p in "$root"/versions/"$python_version".*/bin/python"$python_version" \
	    /usr/bin/python"$python_version"; do
		[ -x "$p" ] && { echo "$p"; return 0; }
	done
	return 1
}

PYTHON=${PYTHON:-$(default_python)} ||
    die "no python$python_version found; set PYTHON"
[ -x "$HEAPVIEW" ] || die "$HEAPVIEW: not executable; set HEAPVIEW"

tmp=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT PIPE TERM

# measure N CMD...: runs CMD N times; prints "min_ms median_ms", wall clock
# from fork to exit.  Its stderr goes to $tmp/measure.err, shown on failure.
measure() {
	n=$1; shift
	"$helper_py" - "$n" "$@" 2>"$tmp/measure.err" <<'PY' ||
import subprocess, sys, time
n, cmd = int(sys.argv[1]), sys.argv[2:]
times = []
for _ in range(n):
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    times.append((time.perf_counter() - t0) * 1000.0)
times.sort()
print("%.3f %.3f" % (times[0], times[len(times) // 2]))
PY
	{ cat "$tmp/measure.err" >&2; return 1; }
}

# types_bench: heapview --types --bench=$REPEAT on $pid, its lines shown and
# kept in $tmp/bench.out for bench_timing.
types_bench() {
	"$HEAPVIEW" --pid "$pid" --types --bench="$REPEAT" > "$tmp/bench.out" ||
	    die "heapview --types --bench failed"
	sed 's/^/heapview --types --bench: /' "$tmp/bench.out"
}

# bench_timing WHAT: "min_ms median_ms" of the line "WHAT: min X ms, median
# Y ms ..." that heapview --bench printed.
bench_timing() {
	sed -n "s/^$1: min \([0-9.]*\) ms, median \([0-9.]*\) ms.*/\1 \2/p" \
	    "$tmp/bench.out"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
field() { echo "$1" | cut -d' ' -f"$2"; }

# start_big_heap: bench/big_heap.py with $nstrings strings (one in
# $keep_one_in kept, when set); sets $pid once
# it has written $tmp/figures.json (its own figures) and idles.
start_big_heap() {
	echo "target: $PYTHON bench/big_heap.py ($nstrings strings)"
	"$PYTHON" "$here/big_heap.py" "$tmp/figures.json" "$nstrings" \
	    ${keep_one_in:-} 2>"$tmp/target.err" &
	pid=$!
	while [ ! -f "$tmp/figures.json" ]; do
		kill -0 "$pid" 2>/dev/null ||
		    { cat "$tmp/target.err" >&2; die "target died"; }
		sleep 0.5
	done
}
