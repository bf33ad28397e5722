#!/bin/sh
# bench_tui_latency.sh: how long the live TUI takes to answer a key while
# captures run back to back on a big heap -- key to screen, measured from
# outside as a user sees it, in one run (never a threshold, never part of
# make check).  See bench/README.md.
#
#   bench/bench_tui_latency.sh [NSTRINGS]
#
# NSTRINGS (default 14000000, about 1 GiB of arenas) sizes the heap that
# bench/big_heap.py builds.  heapview watches it in a tmux window of 120x40
# with --types and --interval=0.05 (each capture starts when the last
# ends), then KEYS times (default 40), at random moments: Tab is sent
# (tmux send-keys) and the screen read (tmux capture-pane) until the view's
# title line changes.  Median and worst of those times, with --types (and
# with a mark set, whose diff each new frame gets) and without; the same
# for $HEAPVIEW_BEFORE when it is set (a build of an
# earlier heapview, for the before/after figures).  The times include
# tmux's own work (one send-keys, a capture-pane every few ms).
# Environment: HEAPVIEW, HEAPVIEW_BEFORE, PYTHON, KEYS; TARGET_PID, a
# running target to watch instead of building one (bench_scale.sh's, left
# running); needs tmux.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
nstrings=${1:-14000000}
bench=bench_tui_latency
. "$here/lib.sh"
KEYS=${KEYS:-40}
command -v tmux >/dev/null || die "tmux is needed"

sock="bench-tui-latency-$$"
stop_tmux() {
	path=$(tmux -L "$sock" display-message -p '#{socket_path}' 2>/dev/null) || true
	tmux -L "$sock" kill-server 2>/dev/null || true
	[ -z "$path" ] || rm -f "$path"
}
trap 'stop_tmux; cleanup' EXIT

if [ -n "${TARGET_PID:-}" ]; then
	watch=$TARGET_PID
else
	start_big_heap
	watch=$pid
	echo "  $(grep 'bytes/arena' "$tmp/figures.json.stats")"
fi
"$HEAPVIEW" --pid "$watch" --types --bench=3 | grep '^types capture:' |
    sed 's/^/heapview --types --bench: /'

# latency BINARY ARGS...: heapview BINARY --pid $watch ARGS in tmux; prints
# "median_ms worst_ms keys captures".
latency() {
	bin=$1; shift
	stop_tmux
	tmux -L "$sock" -f /dev/null new-session -d -x 120 -y 40 \
	    "env LANG=C.UTF-8 TERM=screen '$bin' --pid $watch --interval=0.05 $*; sleep 600"
	"$helper_py" - "$sock" "$KEYS" "${MARK:-}" <<'PY'
import random, subprocess, sys, time

sock, keys, mark = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"

def screen():
    return subprocess.run(["tmux", "-L", sock, "capture-pane", "-p"],
                          capture_output=True, text=True).stdout.split("\n")

# The view's title row: the first that says "arena map" when the TUI starts
# (the header's lines above it vary: a live capture adds the resident line).
title_row = None

def title(lines):
    if title_row is None:
        for i, l in enumerate(lines[:8]):
            if "arena map" in l[:14]:
                return l[:14]
        return ""
    return lines[title_row][:14] if len(lines) > title_row else ""

def captures(lines):
    for l in lines:
        if l.startswith(" capture "):
            return int(l.split()[1].split("/")[0])
    return 0

t_end = time.monotonic() + 60
while "arena map" not in title(screen()):
    if time.monotonic() > t_end:
        sys.exit("bench_tui_latency: the TUI did not start")
    time.sleep(0.1)
title_row = next(i for i, l in enumerate(screen()[:8]) if "arena map" in l[:14])
time.sleep(1.0)
if mark:
    subprocess.run(["tmux", "-L", sock, "send-keys", "m"], check=True)
    time.sleep(1.0)
c0 = captures(screen())
random.seed(1)
times = []
for _ in range(keys):
    time.sleep(random.uniform(0.05, 0.4))
    before = title(screen())
    t0 = time.monotonic()
    subprocess.run(["tmux", "-L", sock, "send-keys", "Tab"], check=True)
    while title(screen()) == before:
        if time.monotonic() - t0 > 30:
            sys.exit("bench_tui_latency: Tab was not answered in 30 s")
    times.append((time.monotonic() - t0) * 1000.0)
c1 = captures(screen())
times.sort()
print("%.1f %.1f %d %d" % (times[len(times) // 2], times[-1], len(times), c1 - c0))
PY
	tmux -L "$sock" send-keys q
}

report() {
	label=$1; shift
	r=$(latency "$@") || die "measuring $label failed"
	printf '  %-26s median %6s ms, worst %7s ms (%s keys, %s captures meanwhile)\n' \
	    "$label" "$(field "$r" 1)" "$(field "$r" 2)" "$(field "$r" 3)" \
	    "$(field "$r" 4)"
}

echo
echo "key (Tab) to screen, captures back to back (--interval=0.05):"
for b in "$HEAPVIEW" ${HEAPVIEW_BEFORE:-}; do
	echo "$b:"
	report "--types" "$b" --types
	MARK=1
	report "--types, a mark set (m)" "$b" --types
	MARK=
	report "pool level (no --types)" "$b"
done
