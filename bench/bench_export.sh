#!/bin/sh
# bench_export.sh: what the talk exports cost -- the size of --html's page
# and of --svg's pictures against the recording they come from, the time to
# write them against the time to expand every frame (--svg of the same
# frames is both), and, when chromium and chromedriver are here, the time
# the page takes to draw a step in the map and in the strip.  For the
# bundled demo and for a recording of N frames of a churning heap.  Figures
# from one run, never thresholds.  See bench/README.md.
#
#   bench/bench_export.sh [N]
#
# N (default 1000) frames recorded from bench/churn.py at --interval=0.02.
# Environment: HEAPVIEW (default ./heapview), PYTHON (default pyenv's 3.12).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
n=${1:-1000}
bench=bench_export
python_version=3.12
. "$here/lib.sh"

now() { date +%s.%N; }
size() { wc -c < "$1" | tr -d ' '; }

# report NAME RECORDING: sizes and times for one recording.
report() {
	name=$1 rec=$2
	t0=$(now)
	"$HEAPVIEW" "$rec" --html="$tmp/$name.html" 2>/dev/null
	t1=$(now)
	"$HEAPVIEW" "$rec" --svg="$tmp/$name-svg" 2>/dev/null
	t2=$(now)
	frames=$(ls "$tmp/$name-svg" | wc -l)
	svg=$(du -sb "$tmp/$name-svg" | cut -f1)
	gz=$(gzip -c "$tmp/$name.html" | wc -c | tr -d ' ')
	awk -v name="$name" -v f="$frames" -v rec="$(size "$rec")" \
	    -v html="$(size "$tmp/$name.html")" -v gz="$gz" -v svg="$svg" \
	    -v t0="$t0" -v t1="$t1" -v t2="$t2" 'BEGIN {
		th = t1 - t0; ts = t2 - t1
		printf "%s: %d frames, recording %.1f MB\n", name, f, rec / 1e6
		printf "  --html page        %.2f MB (%.1f%% of the recording; gzip %.2f MB), %.0f bytes a frame, written in %.2f s\n",
		    html / 1e6, 100 * html / rec, gz / 1e6, html / f, th
		printf "  --svg, every frame %.2f MB, %.0f bytes a picture, written in %.2f s (%.2fx the page)\n",
		    svg / 1e6, svg / f, ts, ts / th
	}'
	if command -v chromedriver >/dev/null && command -v chromium >/dev/null; then
		"$helper_py" - "$tmp/$name.html" "$here/../tests" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
import html_check as H
d = H.Driver()
try:
    d.call("POST", d.session + "/url", {"url": "file://" + sys.argv[1]})
    step = ("var n=%d,t=performance.now();for(var i=0;i<n;i++)document.dispatchEvent("
            "new KeyboardEvent('keydown',{key:'.'}));return (performance.now()-t)/n;")
    m = d.js(step % 100)
    d.key("\ue004")
    s = d.js(step % 100)
    print("  in the page: a step draws in %.2f ms (map), %.2f ms (strip), "
          "layout and paint not counted" % (m, s))
finally:
    d.quit()
PY
	fi
}

report demo "$here/../data/recordings/fragmentation.jsonl"

"$PYTHON" "$here/churn.py" "$tmp/ready" 200000 2>"$tmp/target.err" &
pid=$!
i=0
while [ ! -s "$tmp/ready" ]; do
	i=$((i + 1)); [ $i -lt 600 ] || die "the target never got ready"
	sleep 0.1
done
"$HEAPVIEW" --pid "$pid" --record="$tmp/churn.jsonl" --no-tui --interval=0.02 \
    2>/dev/null &
rec_pid=$!
lines() { if [ -f "$1" ]; then wc -l < "$1"; else echo 0; fi; }
while [ "$(lines "$tmp/churn.jsonl")" -le "$n" ]; do
	sleep 0.5
done
kill -INT "$rec_pid"; wait "$rec_pid" || true
head -n $((n + 1)) "$tmp/churn.jsonl" > "$tmp/churn-n.jsonl"
report "churn" "$tmp/churn-n.jsonl"
