#!/bin/sh
# Every view draws, Tab cycles through them, Enter zooms in and Esc goes
# back; q exits 0 with the terminal restored.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

tui_start 100 30 -- "$TUI_DATA/small.jsonl"
tui_expect "heapview  small.jsonl  Python 3.11.7  replay" "header"
tui_expect "arenas 3 (3.0 MiB)  allocated .*utilisation [0-9.]*%  RSS 4.5 MiB" \
    "totals line"
tui_expect "arena map  3 arenas, 190 pools  1 cell = 1 pool (16.0 KiB)" "arena map"
tui_expect "^ *0 0x7f0000000000 " "arena map row"
tui_expect "frame 1/4" "timeline"
tui_expect "q quit" "footer"

tui_keys Tab
tui_expect "pool 0 of arena 0 at 0x7f0000000000: used, class" "pool view"
tui_expect "^+0x0030 " "pool view grid"
tui_keys Tab
tui_expect "size classes  small block threshold 512, 32 classes" "size classes"
tui_expect "class   size   num pools   blocks in use  avail blocks" "size classes"
tui_keys Tab
tui_expect "memory strip  3 arenas, 3.0 MiB in address order  1 cell = " "strip"
tui_keys Tab
tui_expect "arena map  3 arenas" "Tab after the strip"
tui_keys BTab
tui_expect "memory strip" "Shift-Tab"
tui_keys BTab BTab BTab
tui_expect "arena map  3 arenas" "Shift-Tab around"

# Enter on the map zooms into the pool under the cursor; Esc comes back.
tui_keys Down Right Enter
tui_expect "pool 1 of arena 1 at 0x7f0000208000" "Enter on the map"
tui_keys Escape
tui_expect "arena map  3 arenas" "Esc from the pool"
tui_expect "arena 1  pool 1 at 0x7f0000208000" "the cursor kept"

# Enter on a size class goes to its first pool in the map.
tui_keys Tab Tab Enter
tui_expect "arena map  3 arenas" "Enter on a class"
tui_keys Escape
tui_expect "size classes" "Esc back to the classes"

# Enter on the strip zooms into the pool of the cell.
tui_keys Tab Home Enter
tui_expect "pool 0 of arena 0" "Enter on the strip"
tui_keys Escape
tui_expect "memory strip" "Esc back to the strip"

tui_keys q
tui_exited 0

# A pool-level recording: the pool view says what it cannot know.
tui_start 100 30 -- "$TUI_DATA/pools.jsonl"
tui_expect "arena map  2 arenas" "pool-level recording"
tui_keys Enter
tui_expect "56 blocks: 48 allocated, 8 free, 0 untouched (block states not captured)" \
    "pool view at pool level"
tui_expect "^+0x0030 ?????" "blocks not captured"
tui_keys q
tui_exited 0
finish
