#!/bin/sh
# The screen opens before the first capture, which runs in the capture
# thread like the others: on a big heap the header, a spinner and how far
# the walk got show at once instead of a blank terminal, and then the first
# frame.  Other keys typed meanwhile wait for it; q or Ctrl-C during that
# capture end heapview without waiting for it (with --freeze too, leaving
# the target running), and a first capture that fails is one line on
# stderr, exit 1, with the terminal restored.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

py=$(hv_interpreters | awk '$1 == "pyenv-3.12" { print $2; exit }')
[ -n "$py" ] || py=$(hv_interpreters | awk '$1 ~ /^pyenv-3/ { print $2; exit }')
[ -n "$py" ] || skip "no pyenv CPython on this machine"

# 10 million strings (about 750 MiB of arenas), typed by one reader
# thread: the first capture takes a while even on an idle machine
hv_start_script "$py" busy_target.py 10000000
target=$TARGET_PID
FIRST="the first capture is reading the heap"

state() {
	sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$target/status"
}
# never_stopped WHAT: the target is not in a stop in 10 looks at it
never_stopped() {
	i=0
	while [ $i -lt 10 ]; do
		[ "$(state)" != t ] && [ "$(state)" != T ] ||
		    { fail "$1: the target is stopped ($(state))"; return; }
		sleep 0.05
		i=$((i + 1))
	done
}
# start W H ARGS...: heapview on the target until the first capture shows
start() {
	w=$1 h=$2
	shift 2
	tui_start "$w" "$h" -- --pid "$target" --types --threads=1 "$@"
	tui_expect "$FIRST" "the first capture at ${w}x$h"
}

# during_first PATTERN: a look at the screen during the first capture
# matches PATTERN too (0), or the first frame came first (1)
during_first() {
	n=0
	while [ $n -lt 3000 ]; do
		tui_screen
		grep -q "^ capture 1/" "$HV_TMP/screen" && return 1
		grep -q "$FIRST" "$HV_TMP/screen" &&
		    grep -q -e "$1" "$HV_TMP/screen" && return 0
		n=$((n + 1))
	done
	return 1
}

# The screen while the first capture runs: the header says what is
# watched and that it captures, with how far the walk got; then the frame.
# The capture may end before the look: a few tries.
HEADER="^ .*pid $target: .*live, every 5s, capturing [^ ]*  *[0-9]*%"
try=0
while [ $try -lt 5 ]; do
	try=$((try + 1))
	start 80 24 --interval=5
	during_first "$HEADER" && break
	tui_keys q
	tui_exited 0
done
grep -q "$HEADER" "$HV_TMP/screen" ||
    fail "no spinner and progress during the first capture: $(cat "$HV_TMP/screen")"
# a key typed meanwhile waits for the frame
tui_keys Tab
tui_expect "^ capture 1/1" "the first frame"
tui_expect "^ pool [0-9]* of arena" "Tab typed during the first capture"
tui_keys q
tui_exited 0

# Resizing during the first capture.
start 160 50 --interval=5
tui_tmux resize-window -x 30 -y 8
tui_expect "terminal too small\\|^ capture 1/1" "30x8"
tui_tmux resize-window -x 100 -y 30
tui_expect "^ capture 1/1" "the first frame after resizing"
tui_keys q
tui_exited 0

# q, and Ctrl-C with --freeze, during the first capture.
start 100 30
tui_keys q
tui_exited 0
never_stopped "after q"
start 100 30 --freeze
tui_keys C-c
tui_wait "MODES" || fail "Ctrl-C did not end heapview: $(cat "$HV_TMP/screen")"
grep -q "EXIT=130" "$HV_TMP/screen" || fail "Ctrl-C: $(grep EXIT "$HV_TMP/screen")"
grep -q "^icanon echo MODES" "$HV_TMP/screen" ||
    fail "terminal not restored after Ctrl-C: $(grep MODES "$HV_TMP/screen")"
never_stopped "after Ctrl-C with --freeze"
kill -0 "$target" 2>/dev/null || fail "the target is gone"

# A first capture that fails (the recording cannot be created): one line,
# exit 1, the terminal as it was.
tui_start 200 30 -- --pid "$target" --types --threads=1 \
    --record="$HV_TMP/no/such/dir/rec.jsonl"
tui_exited 1
grep -q "^heapview: recording stopped: $HV_TMP/no/such/dir/rec.jsonl: No such file or directory\$" \
    "$HV_TMP/screen" || fail "the first capture's failure: $(cat "$HV_TMP/screen")"
[ "$(grep -c '^heapview:' "$HV_TMP/screen")" = 1 ] ||
    fail "more than one line: $(cat "$HV_TMP/screen")"
finish
