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
#   THREADS   the --threads values compared (default "1 2 4")
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

# ---- reader threads ----------------------------------------------------------
# Each capture against a plain read taken just before it, REPEAT pairs per
# --threads value, the values taking turns: on a shared machine the load
# drifts between runs far more than within a pair.  Per pair the ratios of
# the pool-level capture to the raw header reads, and of the block-level
# and types captures to the faster plain read; their medians are shown.
for r in $(seq "$REPEAT"); do
	for n in ${THREADS:-1 2 4}; do
		"$helper_py" "$here/read_arenas.py" "$pid" "$tmp/dump.json" 1 \
		    > "$tmp/pair.read" || die "reading the arenas failed"
		"$HEAPVIEW" --pid "$pid" --types --threads="$n" --bench=1 \
		    > "$tmp/pair.bench" || die "heapview --bench --threads=$n failed"
		awk -v n="$n" '
		    FILENAME ~ /read$/ && $1 == "headers" { hd = $2 }
		    FILENAME ~ /read$/ && $1 != "headers" && (rd == "" || $2 < rd) { rd = $2 }
		    FILENAME ~ /bench$/ && /^pool-level capture:/ { pl = $4 }
		    FILENAME ~ /bench$/ && /^block-level capture:/ { bl = $4 }
		    FILENAME ~ /bench$/ && /^types capture:/ { ty = $4 }
		    END { printf "%s %.3f %.3f %.3f %.1f %.1f %.1f %.1f\n", n, pl / hd,
		        bl / rd, ty / rd, rd, pl, bl, ty }' \
		    "$tmp/pair.read" "$tmp/pair.bench" >> "$tmp/pairs"
	done
done
echo "load average after the pairs: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"

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
[ -n "$gdb_med" ] &&
echo "  gdb / heapview --stats one-shot (medians)          $(ratio "$gdb_med" "$(field "$hv" 2)")  (>= 20)"
for n in ${THREADS:-1 2 4}; do
	"$helper_py" - "$n" "$tmp/pairs" <<'PY'
import statistics, sys
n = sys.argv[1]
rows = [l.split() for l in open(sys.argv[2]) if l.split()[0] == n]
med = lambda k: statistics.median(float(r[k]) for r in rows)
print("  --threads=%s (medians of %d pairs): block-level / plain read %.2f "
      "(goal on 2 cores: 0.9), types capture / plain read %.2f, pool-level / "
      "raw header reads %.2f; plain read %.0f ms, captures: pool %.0f, block "
      "%.0f, types %.0f ms" % (n, len(rows), med(2), med(3), med(1), med(4),
                               med(5), med(6), med(7)))
PY
done
echo "  heapview peak RSS / arena bytes, pool level        $(percent_kib "$rss_pools" "$arena_bytes")  (< 1%)"
echo "  heapview peak RSS / arena bytes, block level       $(percent_kib "$rss_blocks" "$arena_bytes")  (< 3%)"
