#!/bin/sh
# SIGTERM and SIGINT (Ctrl-C) restore the terminal; heapview then dies of
# the signal as a shell expects.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

tui_start 100 30 -- "$TUI_DATA/small.jsonl"
tui_expect "arena map" "start"
pid=$(tui_pid)
[ -n "$pid" ] || fail "no heapview process in the pane"
kill -TERM $pid
tui_exited 143

tui_start 100 30 -- "$TUI_DATA/small.jsonl"
tui_expect "arena map" "start"
tui_keys C-c
tui_exited 130
finish
