#!/bin/sh
# The live TUI's frames, made by its capture thread, are the captures that
# heapview makes without one.  The target is stopped (SIGSTOP) so that its
# heap holds still; then, with --types, the map, the types view and the
# arena panel that the live TUI shows are line for line those of a replay
# of a --dump of the same state, and every frame it records gives the
# --stats of the live process.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

py=$(hv_interpreters | awk '$1 == "pyenv-3.12" { print $2; exit }')
[ -n "$py" ] || py=$(hv_interpreters | awk '$1 ~ /^pyenv-3/ { print $2; exit }')
[ -n "$py" ] || skip "no pyenv CPython on this machine"

hv_start_script "$py" types_target.py census
target=$TARGET_PID
kill -STOP "$target"

expect_exit 0 "$HEAPVIEW" --pid "$target" --types --stats
# the objects in malloc's chunks are live only: a recording keeps malloc's
# figures, not its chunks (a blank line is printed when a kept line
# follows it)
awk '/^Python objects in malloc.s chunks/ { skip = 1; next }
    /^$/ { if (skip) skip = 0; else blank++; next }
    skip { next }
    { for (; blank > 0; blank--) print ""; print }' \
    "$HV_TMP/out" > "$HV_TMP/live.stats"
expect_exit 0 "$HEAPVIEW" --pid "$target" --types --dump="$HV_TMP/snap.json"

# view_lines: the screen without header, timeline and footer (they say
# live or replay, and which frame)
view_lines() {
	tui_screen
	sed '1d' "$HV_TMP/screen" | head -n 36 > "$1"
}

# The three screens, live and replayed: map, types view (Shift-Tab from
# the map), arena panel of the pinned arena the types view leads to.
screens() {
	tui_expect "$1" "$2: the first screen"
	view_lines "$HV_TMP/$2.map"
	tui_keys BTab
	tui_expect "^ types " "$2: the types view"
	view_lines "$HV_TMP/$2.types"
	tui_keys a
	tui_expect "^ arena [0-9]* at 0x" "$2: the arena panel"
	view_lines "$HV_TMP/$2.arena"
}

rec="$HV_TMP/rec.jsonl"
tui_start 120 40 -- --pid "$target" --types --record="$rec" --interval=0.1
# frames from the capture thread: the first is made before it starts
screens "REC \\([3-9]\\|[1-9][0-9]\\)" live
tui_keys q
tui_exited 0

tui_start 120 40 -- "$HV_TMP/snap.json"
screens "replay 1x" replay
tui_keys q
tui_exited 0

for s in map types arena; do
	cmp -s "$HV_TMP/live.$s" "$HV_TMP/replay.$s" ||
	    fail "the live $s differs from the replay of --dump:
$(diff "$HV_TMP/live.$s" "$HV_TMP/replay.$s")"
done

n=$(($(wc -l < "$rec") - 1))
[ "$n" -ge 3 ] || fail "$n frames recorded, expected 3 or more"
i=2
while [ "$i" -le "$n" ]; do
	expect_exit 0 "$HEAPVIEW" --stats --frame="$i" "$rec"
	grep -v '^recording: ' "$HV_TMP/out" > "$HV_TMP/frame.stats"
	cmp -s "$HV_TMP/live.stats" "$HV_TMP/frame.stats" ||
	    fail "recorded frame $i differs from --stats of the live process:
$(diff "$HV_TMP/live.stats" "$HV_TMP/frame.stats")"
	i=$((i + 1))
done
kill -CONT "$target"
finish
