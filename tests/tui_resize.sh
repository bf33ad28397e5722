#!/bin/sh
# Resizing: below the minimum size a "terminal too small" screen, back to
# a full screen when the terminal grows again; q still quits.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

tui_start 100 30 -- "$TUI_DATA/small.jsonl"
tui_expect "arena map  3 arenas" "start"
tui_tmux resize-window -x 30 -y 8
tui_expect "terminal too small" "30x8"
tui_expect "need 40x10, have 30x8" "30x8"
tui_tmux resize-window -x 80 -y 24
tui_expect "arena map  3 arenas" "grown again"
tui_expect "q quit" "footer after resize"
tui_expect_not "terminal too small" "grown again"
tui_tmux resize-window -x 45 -y 12
tui_expect "arena map  3 arenas, 190 pools  1 cell = 2 p" "45x12"
tui_tmux resize-window -x 10 -y 3
tui_expect "terminal t" "10x3"
tui_tmux resize-window -x 80 -y 24
tui_expect "arena map  3 arenas" "grown again"
tui_keys q
tui_exited 0
finish
