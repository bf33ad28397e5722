#!/bin/sh
# Scrolling: when a frame has fewer arenas than the rows above the cursor
# held, the map shows as many arenas as fit (the demo's frame 38 at 80x24:
# all 16, not the last 4 with 12 scrolled away); whenever rows are out of
# view a view says how many ("↑ 12 more", "↓ 5 more"; ^ and v in ASCII):
# the arena map, the size classes, the types view.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

step_to() {
	i=1
	while [ $i -lt "$1" ]; do
		tui_keys .
		i=$((i + 1))
	done
	tui_expect "frame $1/" "frame $1"
}

# The map's arena rows: "   12!..." or "    0 ..." after the title line.
arena_rows() {
	tui_screen
	sed -n '4,$p' "$HV_TMP/screen" | grep -c -E '^ +[0-9]+[! ]'
}

# The number in "↑ N more" (or ^ N more), 0 without one.
more() {
	tui_screen
	n=$(grep -o -E "($1) [0-9]+ more" "$HV_TMP/screen" | head -n 1 |
	    awk '{ print $2 }')
	echo "${n:-0}"
}

# Frame 20 has 28 arenas; End puts the cursor on the last, the map scrolls
# down.  Frame 38 has 16: they all fit in 80x24 again.
tui_start 80 24 -- --demo
tui_expect "arena map" "start"
step_to 20
tui_expect "28 arenas" "frame 20"
tui_keys End
n=0
while [ "$(more '↑')" -eq 0 ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
rows=$(arena_rows)
up=$(more '↑')
down=$(more '↓')
[ "$up" -gt 0 ] || fail "frame 20, End: no '↑ N more': $(cat "$HV_TMP/screen")"
[ $((rows + up + down)) -eq 28 ] ||
    fail "frame 20: $rows rows shown, $up above, $down below: not the 28 arenas"
i=20
while [ $i -lt 38 ]; do
	tui_keys .
	i=$((i + 1))
done
tui_expect "frame 38/" "frame 38"
tui_expect "16 arenas" "frame 38"
n=0
while [ "$(arena_rows)" -lt 16 ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
[ "$(arena_rows)" -eq 16 ] ||
    fail "frame 38 at 80x24 shows $(arena_rows) of 16 arenas: $(cat "$HV_TMP/screen")"
[ "$(more '↑')" -eq 0 ] || fail "frame 38: '↑ more' with every arena shown"

# 40x10: 4 arena rows; what is out of view is counted.
tui_tmux resize-window -x 40 -y 10
n=0
while [ "$(arena_rows)" -ne 4 ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
[ "$(arena_rows)" -eq 4 ] || fail "40x10: $(arena_rows) arena rows"
[ $(($(more '↑') + $(more '↓'))) -eq 12 ] ||
    fail "40x10: 12 arenas out of view, the screen says: $(cat "$HV_TMP/screen")"
tui_keys Home
tui_expect "↓ 12 more" "40x10, Home"
# the size classes: more classes than rows
tui_keys Tab Tab
tui_expect "size classes" "the size classes view"
tui_expect "↓ [0-9]* more" "size classes below the view"
tui_keys End
tui_expect "↑ [0-9]* more" "size classes above the view"
tui_keys q
tui_exited 0

# ASCII: ^ and v.
tui_start 40 10 -- --ascii --demo
tui_expect "arena map" "--ascii"
step_to 20
tui_expect "v [0-9]* more" "--ascii: arenas below"
tui_keys End
tui_expect "\\^ [0-9]* more" "--ascii: arenas above"
tui_keys q
tui_exited 0

# The types view of a recording with types, in a short window.
tui_start 60 12 -- "$HV_SRCDIR/tests/data/snapshot/types.jsonl"
tui_expect "arena map" "types.jsonl"
tui_keys BTab
tui_expect "^ types  " "the types view"
tui_expect "↓ [0-9]* more" "types below the view"
tui_keys End
tui_expect "↑ [0-9]* more" "types above the view"
tui_keys q
tui_exited 0
finish
