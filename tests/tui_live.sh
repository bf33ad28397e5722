#!/bin/sh
# Live: the map follows a real interpreter -- the heap grows on screen when
# the target allocates; the pool view gets block states; +/- change the
# interval, Space pauses, , steps back through the history; when the target
# exits the last frame stays, marked "target exited", and heapview goes on working.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

py=$(hv_interpreters | awk '$1 == "pyenv-3.12" || $1 == "debian-3.11" { print $2; exit }')
[ -n "$py" ] || py=$(hv_interpreters | awk 'NR == 1 { print $2 }')
[ -n "$py" ] || skip "no CPython on this machine"

arenas() {
	tui_screen
	sed -n 's/^ arenas \([0-9]*\) (.*/\1/p' "$HV_TMP/screen"
}

"$py" "$TUI_DATA/grow_target.py" "$HV_TMP" &
target=$!
HV_PIDS="$HV_PIDS $target"
n=0
while [ ! -e "$HV_TMP/ready" ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
[ -e "$HV_TMP/ready" ] || fail "the target did not start"

tui_start 120 30 -- --pid "$target" --interval=0.2
tui_expect "heapview  pid $target: " "header"
tui_expect "live, every 0.2s, capturing" "live state"
tui_expect "^ arenas [0-9]* (" "totals"
before=$(arenas)

touch "$HV_TMP/grow"
n=0
while [ ! -e "$HV_TMP/grown" ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
n=0
while [ "$(arenas)" -le "$before" ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
after=$(arenas)
[ "$after" -gt "$before" ] || fail "arenas did not grow on screen: $before, then $after"

# The pool view asks for a block-level capture: free blocks are located.
tui_keys Tab
tui_expect "blocks: [0-9]* allocated, [0-9]* free, [0-9]* untouched  next offset" \
    "pool view with block states"
tui_keys Escape
tui_expect "arena map" "back to the map"

tui_keys +
tui_expect "live, every 0.5s" "+"
tui_keys - -
tui_expect "live, every 0.1s" "- -"
tui_keys Space
tui_expect "live, every 0.1s, paused" "Space pauses"
tui_keys ,
tui_expect "history (G: newest)" ", steps into the history"
tui_keys G Space
tui_expect "live, every 0.1s, capturing" "Space resumes"
tui_expect_not "history (G: newest)" "G follows again"

touch "$HV_TMP/exit"
wait "$target"
tui_expect "live, every 0.1s, target exited" "the target's exit"
# The last frame is kept; it may be one taken while the interpreter was
# finalizing (freeing arenas), so it holds some arenas, not all.
last=$(arenas)
[ "${last:-0}" -ge 1 ] || fail "after the exit: no arena on screen, before: $after"
tui_expect "^ *[0-9]* 0x[0-9a-f]* [^ ]" "the last frame's map"
tui_keys Tab Tab Tab
tui_expect "memory strip" "views after the exit"
tui_keys Space
tui_expect "the target has exited" "Space after the exit"
tui_keys q
tui_exited 0

# -- CMD: the launched child is watched, and q ends both.  With --record,
# every periodic capture is recorded, also while the pool view takes its
# block-level captures.
tui_start 120 30 -- --record="$HV_TMP/rec.jsonl" --interval=0.1 -- "$py" -c \
    "import time; x = [str(i) for i in range(50000)]; time.sleep(60)"
tui_expect "live, every 0.1s, capturing" "launched child"
tui_expect "arena map  [1-9][0-9]* arenas" "launched child's map"
tui_keys Tab
tui_expect "pool 0 of arena" "launched child's pool view"
tui_expect "capture [1-9][0-9]/" "ten captures"
shown=$(sed -n 's/^ capture \([0-9]*\)\/.*/\1/p' "$HV_TMP/screen")
tui_keys q
tui_exited 0
frames=$(($(wc -l < "$HV_TMP/rec.jsonl") - 1))
[ "$frames" -ge "$shown" ] ||
    fail "the recording has $frames frames, the TUI showed $shown captures"
finish
