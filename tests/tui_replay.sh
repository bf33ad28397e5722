#!/bin/sh
# Replay: stepping with , and . changes the frame shown (and its numbers
# and phase label), g and G go to the ends, Space plays to the end; --demo
# replays the bundled recording.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

util() {
	sed -n 's/.*utilisation \([0-9.]*%\).*/\1/p' "$HV_TMP/screen"
}

tui_start 100 30 -- "$TUI_DATA/small.jsonl"
tui_expect "frame 1/4  t+0.00s .*\"half carved\"" "first frame"
tui_expect "replay 1x, paused" "paused at the start"
u1=$(util)
tui_keys .
tui_expect "frame 2/4  t+1.00s .*\"all carved\"" "step forward"
u2=$(util)
[ "$u1" != "$u2" ] || fail "utilisation did not change between frames ($u1)"
tui_keys .
tui_expect "frame 3/4 .*\"freed most\"" "second step"
tui_expect "arenas 3 (3.0 MiB)  allocated [0-9.]* KiB" "freed frame's totals"
tui_keys ,
tui_expect "frame 2/4 .*\"all carved\"" "step back"
tui_keys G
tui_expect "frame 4/4 .*\"survivors\"" "G"
tui_keys .
tui_expect "this is the last frame" "step past the end"
tui_keys g
tui_expect "frame 1/4 .*\"half carved\"" "g"
tui_expect "utilisation $u1" "first frame's totals again"
tui_keys ,
tui_expect "this is the first frame" "step before the start"

# Faster, then play: the recording's 1 s gaps at 32x end quickly, and
# playing stops at the last frame.
tui_keys ] ] ] ] ]
tui_expect "replay 32x, paused" "speed"
tui_keys [
tui_expect "replay 16x, paused" "slower"
tui_keys Space
tui_expect "frame 4/4 .*\"survivors\"" "playing to the end"
tui_expect "replay 16x, paused" "paused at the end"
tui_keys q
tui_exited 0

# --demo plays the bundled recording, whose last phase is labelled "done".
tui_start 100 30 HEAPVIEW_DATADIR="$HV_SRCDIR/data" -- --demo
tui_expect "heapview  fragmentation.jsonl  Python 3" "--demo"
tui_expect "frame 1/[0-9]*  t+0.00s" "--demo first frame"
tui_keys G
tui_expect "\"done\"" "--demo last phase"
tui_keys q
tui_exited 0

# "!" flags pinned arenas only (heap_arena_pinned), on a screen that holds
# every arena.  Frame 29, after the del: arena 30 holds nothing (all pools
# empty but one untouched) and is not flagged; the carved ones with a
# survivor are.  At the end arena 4 is the one being carved (58 of its 63
# pools untouched): not pinned, and no other arena is.
tui_start 100 40 HEAPVIEW_DATADIR="$HV_SRCDIR/data" -- --demo
tui_expect "frame 1/" "--demo"
tui_keys . . . . . . . . . . . . . . . . . . . . . . . . . . . .
tui_expect "frame 29/" "--demo frame 29"
tui_expect "^ *27!0x" "arena 27, one survivor, flagged"
tui_expect "^ *30 0x" "arena 30, empty, unflagged"
tui_keys G
tui_expect "frame 68/68" "--demo last frame"
tui_expect "^ *4 0x[0-9a-f]* ░" "arena 4, being carved, unflagged"
tui_expect_not "^ *[0-9]*!0x" "no pinned arena in the last frame"
tui_keys q
tui_exited 0

# --frame=N opens the TUI at frame N, counted as the TUI counts; the phase
# label is the one of the frame shown; past the end is one line, exit 1.
tui_start 100 30 HEAPVIEW_DATADIR="$HV_SRCDIR/data" -- --demo --frame=29
tui_expect "frame 29/68" "--demo --frame=29 opens at frame 29"
tui_expect '"del of everything' "the phase of frame 29"
tui_keys ,
tui_expect "frame 28/68" ", steps back from there"
tui_keys q
tui_exited 0
out=$("$HEAPVIEW" --frame=69 "$HV_SRCDIR/data/recordings/fragmentation.jsonl" 2>&1 </dev/null)
st=$?
[ "$st" = 1 ] || fail "--frame past the end in the TUI: exit $st, not 1"
echo "$out" | grep -q '^heapview: .*fragmentation.jsonl: no frame 69: it has 68 frames, numbered from 1$' ||
    fail "--frame past the end in the TUI: '$out'"
finish
