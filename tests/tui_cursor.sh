#!/bin/sh
# The cursor: arrows and hjkl on the arena map, Home/End, a mouse click;
# the block cursor of the pool view; cells that aggregate pools when the
# terminal is narrower than an arena.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

tui_start 120 30 -- "$TUI_DATA/small.jsonl"
tui_expect "arena 0  pool 0 at 0x7f0000000000: used.*(arena: 32 of 64 pools free)" \
    "cursor at start"
tui_keys Right
tui_expect "pool 1 at 0x7f0000004000" "Right"
tui_keys l l
tui_expect "pool 3 at 0x7f000000c000" "l"
tui_keys h
tui_expect "pool 2 at 0x7f0000008000" "h"
tui_keys Down
tui_expect "arena 1  pool 2 at 0x7f000020c000.*(arena: 32 of 63 pools free)" "Down"
tui_keys j
tui_expect "arena 2  pool" "j"
tui_keys j
tui_expect "arena 2  pool" "j at the last arena"
tui_keys k
tui_expect "arena 1  pool" "k"
tui_keys Home
tui_expect "arena 0  pool 0 at" "Home"
tui_keys End
tui_expect "arena 2  pool" "End"
tui_keys Up Up Up
tui_expect "arena 0  pool" "Up at the first arena"
tui_keys Left Left
tui_expect "pool 0 at 0x7f0000000000" "Left at the first pool"

# A click (xterm X10 mouse report) on row 2, column 30 of the screen: the
# second arena's row, cell 9 after the 21 columns of label.
mouse=$(printf '\033[M %s%s\033[M#%s%s' "$(printf '\\%03o' $((33 + 30)))" \
    "$(printf '\\%03o' $((33 + 4)))" "$(printf '\\%03o' $((33 + 30)))" \
    "$(printf '\\%03o' $((33 + 4)))")
mouse=$(printf "$mouse")
tui_keys -l "$mouse"
tui_expect "arena 1  pool 9 at 0x7f0000228000" "mouse click"

# The pool view's block cursor: 56 blocks of 288 bytes in one row.
tui_keys Home Enter
tui_expect "pool 0 of arena 0 at 0x7f0000000000: used, class 17, 288-byte blocks" \
    "pool view"
tui_expect "56 blocks: 48 allocated, 8 free, 0 untouched" "block counts"
tui_expect "block 0 at 0x7f0000000030 (offset 0x30): allocated" "block cursor"
tui_keys Right
tui_expect "block 1 at 0x7f0000000150 (offset 0x150)" "Right in the pool"
tui_keys End
tui_expect "block 55 at " "End in the pool"
tui_keys Home
tui_expect "block 0 at " "Home in the pool"
tui_keys q
tui_exited 0

# A click in the memory strip: the first cell of its second row (screen
# row 4, column 15 after the labels) is cell 104 (120 columns less 15 of
# labels and one of margin), 104 cells from the first arena's start.
tui_start 120 30 -- "$TUI_DATA/small.jsonl"
tui_keys Tab Tab Tab
tui_expect "^ memory strip .* 1 cell = [0-9.]* KiB" "the memory strip"
cell=$(sed -n 's/.* 1 cell = \([0-9.]*\) KiB.*/\1/p' "$HV_TMP/screen" |
    awk '{ printf "%d", $1 * 1024 }')
want=$(printf '0x%x' $((0x7f0000000000 + 104 * cell)))
mouse=$(printf '\033[M %s%s\033[M#%s%s' "$(printf '\\%03o' $((33 + 15)))" \
    "$(printf '\\%03o' $((33 + 4)))" "$(printf '\\%03o' $((33 + 15)))" \
    "$(printf '\\%03o' $((33 + 4)))")
mouse=$(printf "$mouse")
tui_keys -l "$mouse"
tui_expect "^ $want-0x[0-9a-f]*: arena 0, pool" "mouse click in the strip"
tui_keys q
tui_exited 0

# 60 columns: 38 for cells, so a cell is two pools and the title says so.

tui_start 60 20 -- "$TUI_DATA/small.jsonl"
tui_expect "1 cell = 2 pools (32.0 KiB)" "aggregated cells"
tui_expect "arena 0  cell of pools 0-1  pool 0 at" "cursor on a cell of pools"
tui_keys Right
tui_expect "cell of pools 2-3  pool 2 at 0x7f0000008000" "Right by a cell"
tui_keys q
tui_exited 0
finish
