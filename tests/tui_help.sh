#!/bin/sh
# ? shows the help overlay made from the key table; it scrolls, and ? or
# Esc closes it.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

tui_start 100 54 -- "$TUI_DATA/small.jsonl"
tui_expect "arena map" "start"
tui_keys ?
tui_expect "keys" "help title"
for text in "q  *Quit" "?  *Show or hide this help" "Up, k  *Move the cursor up" \
    "Enter  *Zoom in" "Esc  *Go back" "Tab  *Next view" "Space  *Replay: play" \
    ",  *Step back one frame" "\.  *Step forward" "\[  *Replay: play slower" \
    "G  *Go to the last frame" "+  *Live: capture less often" \
    "T  *Next theme"; do
	tui_expect "$text" "help"
done
tui_expect "blocks .* allocated" "help legend"
tui_keys ?
tui_expect "^ *2 0x7f0000401000 " "the map after ? closed the help"
tui_expect_not "Show or hide this help" "closed help"

tui_keys ?
tui_expect "Show or hide this help" "help again"
tui_keys Escape
tui_expect "^ *2 0x7f0000401000 " "the map after Esc closed the help"
tui_expect_not "Show or hide this help" "closed help"
tui_keys q
tui_exited 0

# On a short terminal the help scrolls.
tui_start 100 24 -- "$TUI_DATA/small.jsonl"
tui_keys ?
tui_expect "Up/Down scroll" "scroll hint"
tui_expect "q  *Quit" "help top"
tui_expect_not "blocks .* allocated" "help top"
tui_keys End
tui_expect "blocks .* allocated" "help end"
tui_expect_not "q  *Quit" "help end"
tui_keys Home
tui_expect "q  *Quit" "help home"
tui_keys q
tui_exited 0
finish
