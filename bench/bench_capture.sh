#!/bin/sh
# bench_capture.sh: how fast and how small heapview's live capture is, as
# ratios measured in one run on one big heap (never thresholds, never part
# of make check).  See bench/README.md.
#
#   bench/bench_capture.sh [NSTRINGS]
#
# NSTRINGS (default 14000000, about 1 GiB of arenas on 3.11) sizes the heap
# that bench/big_heap.py builds.  Environment:
#   HEAPVIEW  the heapview binary (default ./heapview)
#   PYTHON    the target interpreter (default pyenv's 3.11, else
#             /usr/bin/python3.11)
#   REPEAT    timed repetitions of each measurement (default 5)
#   THREADS   the --threads values timed apart (default "1 2 4")
#   NO_GDB=1  skip the gdb comparison
set -eu

here=$(cd "$(dirname "$0")" && pwd)
nstrings=${1:-14000000}
bench=bench_capture
. "$here/lib.sh"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is needed for peak RSS"

# peak_rss CMD...: the peak RSS of CMD in KiB, by GNU time (wait4's ru_maxrss
# of a child forked by something small: a child of a bigger process would
# count that process's pages from before the exec).
peak_rss() {
	/usr/bin/time -f %M -o "$tmp/rss" "$@" >/dev/null 2>"$tmp/rss.err" ||
	    { cat "$tmp/rss.err" >&2; return 1; }
	tail -n 1 "$tmp/rss"
}

# KIB bytes: KIB KiB as a percentage of bytes
percent_kib() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f%%", 100 * a * 1024 / b }'; }

# ---- the target ---------------------------------------------------------
start_big_heap
json() { "$helper_py" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$tmp/figures.json" "$1"; }
dms_min=$(json debugmallocstats_min_ms)
dms_med=$(json debugmallocstats_median_ms)
arena_line=$(grep 'bytes/arena' "$tmp/figures.json.stats")
arena_bytes=$(echo "$arena_line" | sed 's/.*= *//; s/,//g')
echo "  python $(json python), pid $pid, $(json kept) strings kept, built in $(json build_s) s"
echo "  $arena_line"
echo "in-process sys._debugmallocstats(): min $dms_min ms, median $dms_med ms"

# ---- heapview's own timing ------------------------------------------------
"$HEAPVIEW" --pid "$pid" --bench="$REPEAT" > "$tmp/bench.out" ||
    die "heapview --bench failed"
sed 's/^/heapview --bench: /' "$tmp/bench.out"
pool_min=$(sed -n 's/^pool-level capture: min \([0-9.]*\) ms.*/\1/p' "$tmp/bench.out")
block_min=$(sed -n 's/^block-level capture: min \([0-9.]*\) ms.*/\1/p' "$tmp/bench.out")

# ---- the same, per number of reader threads --------------------------------
# block_min_N, types_min_N (and _med_): the block-level and types captures
# of `--types --bench --threads=N`.
for n in ${THREADS:-1 2 4}; do
	"$HEAPVIEW" --pid "$pid" --types --threads="$n" --bench="$REPEAT" \
	    > "$tmp/bench$n.out" || die "heapview --bench --threads=$n failed"
	sed -n "s/^\(pool-level capture\|block-level capture\|types capture\):/--threads=$n \1:/p" \
	    "$tmp/bench$n.out"
	t=$(sed -n 's/^block-level capture: min \([0-9.]*\) ms, median \([0-9.]*\) ms.*/\1 \2/p' "$tmp/bench$n.out")
	eval "block_min_$n=\$(field \"\$t\" 1) block_med_$n=\$(field \"\$t\" 2)"
	t=$(sed -n 's/^types capture: min \([0-9.]*\) ms, median \([0-9.]*\) ms.*/\1 \2/p' "$tmp/bench$n.out")
	eval "types_min_$n=\$(field \"\$t\" 1) types_med_$n=\$(field \"\$t\" 2)"
	t=$(sed -n 's/^pool-level capture: min \([0-9.]*\) ms, median \([0-9.]*\) ms.*/\1 \2/p' "$tmp/bench$n.out")
	eval "pool_min_$n=\$(field \"\$t\" 1) pool_med_$n=\$(field \"\$t\" 2)"
done

# ---- the same bytes, read with nothing else done --------------------------
"$HEAPVIEW" --pid "$pid" --dump="$tmp/dump.json" || die "heapview --dump failed"
"$helper_py" "$here/read_arenas.py" "$pid" "$tmp/dump.json" "$REPEAT" \
    > "$tmp/read.out" || die "reading the arenas failed"
while read -r how min med bytes; do
	case $how in
	headers) what="raw read of every carved pool's header" ;;
	*) what="plain read of the arenas ($how)" ;;
	esac
	echo "$what: min $min ms, median $med ms, $bytes bytes"
done < "$tmp/read.out"
read_min=$(awk '$1 != "headers" && (m == "" || $2 < m) { m = $2 } END { print m }' "$tmp/read.out")
headers_min=$(awk '$1 == "headers" { print $2 }' "$tmp/read.out")

# ---- one-shot runs: heapview --stats, and gdb --------------------------
hv=$(measure "$REPEAT" "$HEAPVIEW" --pid "$pid" --stats) || die "heapview --stats failed"
echo "heapview --stats one-shot: min $(field "$hv" 1) ms, median $(field "$hv" 2) ms"
rss_base=$(peak_rss "$HEAPVIEW" --version) || die "heapview --version failed"
rss_pools=$(peak_rss "$HEAPVIEW" --pid "$pid" --stats) || die "heapview --stats failed"
rss_blocks=$(peak_rss "$HEAPVIEW" --pid "$pid" --bench=1) || die "heapview --bench failed"
echo "heapview peak RSS: --version $rss_base KiB; --stats (pool level) $rss_pools KiB;" \
    "--bench=1 (both levels, block level last) $rss_blocks KiB"

"$HEAPVIEW" --pid "$pid" --stats > "$tmp/hv.stats" || die "heapview --stats failed"
section() { sed -n '/^Small block threshold/,/^Total/p' "$1"; }
if [ "$(section "$tmp/figures.json.stats")" = "$(section "$tmp/hv.stats")" ]; then
	echo "heapview --stats: pymalloc section identical to the target's own"
else
	echo "heapview --stats: pymalloc section DIFFERS from the target's own"
fi

gdb_med=
if [ "${NO_GDB:-0}" != 1 ] && command -v gdb >/dev/null 2>&1; then
	g=$(measure 3 gdb -nx -q -p "$pid" -batch \
	    -ex 'call (int)_PyObject_DebugMallocStats(*(void**)&stderr)') || g=
	if [ -n "$g" ]; then
		gdb_med=$(field "$g" 2)
		echo "gdb -p -batch call _PyObject_DebugMallocStats: min $(field "$g" 1) ms, median $gdb_med ms"
	else
		echo "gdb: failed; skipped"
	fi
else
	echo "gdb: not installed or NO_GDB=1; skipped"
fi

# ---- ratios ---------------------------------------------------------------
echo
echo "ratios (one run; targets in parentheses):"
echo "  pool-level capture / in-process debugmallocstats  $(ratio "$pool_min" "$dms_min")  (<= 10; DESIGN.md: 2)"
echo "  pool-level capture / raw header reads              $(ratio "$pool_min" "$headers_min")  (the kernel's floor)"
echo "  block-level capture / plain read of the arenas     $(ratio "$block_min" "$read_min")  (<= 1.5)"
read_med=$(awk '$1 != "headers" && (m == "" || $3 < m) { m = $3 } END { print m }' "$tmp/read.out")
for n in ${THREADS:-1 2 4}; do
	eval "bmin=\$block_min_$n bmed=\$block_med_$n tmin=\$types_min_$n tmed=\$types_med_$n pmin=\$pool_min_$n"
	echo "  --threads=$n: block-level / plain read  min $(ratio "$bmin" "$read_min"), median $(ratio "$bmed" "$read_med");" \
	    "types capture / plain read  min $(ratio "$tmin" "$read_min"), median $(ratio "$tmed" "$read_med");" \
	    "pool-level / raw header reads $(ratio "$pmin" "$headers_min")  (block level: 0.9 on 2 cores)"
done
[ -n "$gdb_med" ] &&
echo "  gdb / heapview --stats one-shot (medians)          $(ratio "$gdb_med" "$(field "$hv" 2)")  (>= 20)"
echo "  heapview peak RSS / arena bytes, pool level        $(percent_kib "$rss_pools" "$arena_bytes")  (< 1%)"
echo "  heapview peak RSS / arena bytes, block level       $(percent_kib "$rss_blocks" "$arena_bytes")  (< 3%)"
