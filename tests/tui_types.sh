#!/bin/sh
# --types in the TUI, against a live CPython 3.12 that made 5000 HvPinNode
# among filler and kept 50 (tests/data/tui_types_target.py): the types view
# lists HvPinNode with its exact count and the arenas it pins; c colors the
# map, the pool view and the strip by type, with a legend; a opens the arena
# detail, which names the pinning type of a pinned arena; the totals count
# the pinned arenas.  Without --types the types view is not in the Tab cycle
# and c says how to get types.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

root=${PYENV_ROOT:-}
[ -n "$root" ] || root=$(pyenv root 2>/dev/null) || root=$HOME/.pyenv
py=
for p in "$root"/versions/3.12*/bin/python3; do
	[ -x "$p" ] && py=$p && break
done
[ -n "$py" ] || skip "no pyenv CPython 3.12"
target="$HV_SRCDIR/tests/data/tui_types_target.py"

# The target is launched by heapview; the screen is right once the target
# is ready and a capture after that is shown.
tui_start 150 40 -- --types --interval=0.2 -- "$py" "$target" "$HV_TMP"
n=0
while [ ! -e "$HV_TMP/ready" ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n + 1)); done
[ -e "$HV_TMP/ready" ] || fail "the target did not get ready"
tui_expect "live, every 0.2s, capturing" "live --types"
tui_expect "  pinned [1-9][0-9]* arenas, [0-9.]* MiB for [0-9]* objects" \
    "pinned arenas on the totals line"
tui_expect "^ *[0-9]*!0x" "a pinned arena flagged in the map"

# Tab: arena map, pool, size classes, strip, types.
tui_keys Tab Tab Tab Tab
tui_expect "^ types  [0-9]* types, [0-9]* objects" "the types view"
tui_expect "     count      bytes  share  *untracked  name" "the types view's heads"
tui_expect "^ *50 .* HvPinNode\$" "HvPinNode and its exact count"
tui_expect "^ *[0-9]* .* (raw)\$" "the raw blocks' row"

# The cursor to HvPinNode: its arenas and the pinned ones among them.
n=0
while ! tui_screen || ! grep -q "^ HvPinNode: " "$HV_TMP/screen"; do
	[ $n -lt 80 ] || break
	tui_keys Down
	sleep 0.05
	n=$((n + 1))
done
tui_expect "^ HvPinNode: 50 objects, 0 untracked; in [1-9][0-9]* of [0-9]* arenas" \
    "the selected type's arenas"
tui_expect "^ pins [1-9][0-9]* of the [1-9][0-9]* pinned arenas: [0-9]" \
    "the arenas HvPinNode pins"

# Enter: the detail of the first arena it pins, which names it.
tui_keys Enter
tui_expect "^ arena [0-9]* at 0x[0-9a-f]*-0x[0-9a-f]*, 1.0 MiB, [0-9]* pools .*PINNED" \
    "the arena detail of a pinned arena"
# A pinned arena is under 10% live, of its carved pools as --stats counts.
tui_expect "^ live [0-9.]* [KMi]*B ([0-9]\.[0-9]% of carved)  pools: [0-9]* full, [0-9]* used, [0-9]* empty, [0-9]* untouched" \
    "live bytes (under 10% of the carved pools) and pools by state"
tui_expect "^ pinning objects: .*[0-9] HvPinNode" "the pinning type"
tui_expect "^ *[1-9] .* HvPinNode\$" "HvPinNode in the arena's table"
# PgDn: the next pinned arena is pinned too.
tui_keys PgDn
tui_expect "PINNED" "PgDn to the next pinned arena"
tui_keys Escape
tui_expect "^ types  " "Esc back to the types view"

# c: color by type, with a legend, in the map, the pool view and the strip.
tui_keys c
tui_expect "color by type: on" "c"
tui_keys Tab
tui_expect "^ arena map  " "Tab from the types view to the map"
tui_expect "^ types .* (raw)  .* other" "the legend in the map"
tui_keys Enter
tui_expect "^ pool [0-9]* of arena" "the pool view"
tui_expect "^ types .* (raw)" "the legend in the pool view"
tui_keys Tab Tab
tui_expect "^ memory strip  .*color = type of most bytes" "the strip by type"
tui_expect "^ types .* (raw)" "the legend in the strip"
tui_keys c
tui_expect "color by type: off" "c again"
tui_expect_not "^ types .* (raw)" "no legend once off"

# In mono the types are letters.
tui_keys T
tui_expect "theme: mono" "T"
tui_keys c
tui_expect "^ types A \|^ types .* [A-H] " "letters in the mono legend"
tui_expect "^ memory strip  .*letter = type of most bytes" "the strip by letters"
tui_keys a
tui_expect "^ arena [0-9]* at 0x" "a from the strip"
tui_keys a
tui_expect "^ memory strip" "a again goes back"

touch "$HV_TMP/exit"
tui_expect "target exited" "the target's exit"
tui_keys q
tui_exited 0

# Without --types: no types view, and c says what to do.
tui_start 100 30 -- "$TUI_DATA/small.jsonl"
tui_expect "arena map  3 arenas" "a recording without types"
tui_keys c
tui_expect "no types: run with --types" "c without types"
tui_keys Tab Tab Tab Tab
tui_expect "^ arena map  3 arenas" "Tab skips the types view"
tui_keys a
tui_expect "^ arena 0 at 0x7f0000000000-" "the arena detail without types"
tui_expect "^ no types: run with --types" "its hint"
tui_keys Down
tui_expect "^ arena 1 at 0x" "Down: the next arena"
tui_keys Escape
tui_expect "^ arena map  3 arenas" "Esc from the arena detail"
tui_expect "arena 1  pool" "the cursor followed"
tui_keys q
tui_exited 0
finish
