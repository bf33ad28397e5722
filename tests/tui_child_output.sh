#!/bin/sh
# heapview -- CMD: what the program prints never reaches the screen while the
# TUI runs.  The header, totals and map stay where they are; o opens a panel
# with the program's latest lines; after q they are written out (or, with
# --child-output=FILE, were written to FILE).  A program that writes far more
# than heapview keeps is never blocked, and what was dropped is reported.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

py=$(hv_interpreters | awk '$1 == "pyenv-3.12" || $1 == "debian-3.11" { print $2; exit }')
[ -n "$py" ] || py=$(hv_interpreters | awk 'NR == 1 { print $2 }')
[ -n "$py" ] || skip "no CPython on this machine"
data=$HV_SRCDIR/tests/data/child

# The screen's first lines are heapview's own: header, totals, map title.
screen_intact() {
	tui_screen
	sed -n 1p "$HV_TMP/screen" | grep -q '^ heapview  pid [0-9]*: ' ||
	    fail "$1: the header is not on the first line:
$(cat "$HV_TMP/screen")"
	sed -n 2p "$HV_TMP/screen" | grep -q '^ arenas [0-9]* (' ||
	    fail "$1: the totals are not on the second line:
$(cat "$HV_TMP/screen")"
	# a live capture's resident line comes between the totals and the map
	sed -n 3p "$HV_TMP/screen" | grep -q '^ \(RSS:\|resident [0-9]\)' ||
	    fail "$1: the resident line is not on the third line:
$(cat "$HV_TMP/screen")"
	sed -n 4p "$HV_TMP/screen" | grep -q '^ arena map  [0-9]* arenas\?' ||
	    fail "$1: the map is not on the fourth line:
$(cat "$HV_TMP/screen")"
}

# Waits until chatty.py or flood.py has written everything (DIR/done), up to
# TENTHS tenths of a second: a guard against a hang, not a timing.
wait_done() {
	n=0
	while [ ! -e "$HV_TMP/done" ] && [ $n -lt "$1" ]; do
		sleep 0.1
		n=$((n + 1))
	done
	[ -e "$HV_TMP/done" ]
}

# 1. Output held while the TUI runs, shown by o, written out after q.
rm -f "$HV_TMP/done"
tui_start 100 30 -- --interval=0.2 -- "$py" "$data/chatty.py" 3000 "$HV_TMP"
tui_expect "live, every 0.2s, capturing" "the TUI"
wait_done 300 || fail "the program did not finish printing"
tui_expect "capture [0-9]*/" "a capture after the printing"
screen_intact "while the program prints"
tui_expect_not "chatty:" "the screen before o"
tui_keys o
tui_expect "program output" "the output panel"
tui_expect "^ chatty: the last line 3000 *$" "the program's latest line in the panel"
screen_intact "with the panel open"
tui_keys o
tui_wait "o output" || fail "o did not close the panel"
tui_expect_not "chatty: the last line" "the screen after the panel closed"
tui_keys q
tui_exited 0
tui_tmux capture-pane -p -S - > "$HV_TMP/history"
grep -q "^chatty: the last line 3000$" "$HV_TMP/history" ||
    fail "the program's output was not written after the TUI:
$(tail -n 40 "$HV_TMP/history")"
grep -q "chatty: stderr line 1400" "$HV_TMP/history" ||
    fail "the program's stderr was not written after the TUI"

# Ctrl-C ends the TUI and the program, and what it printed is written out.
rm -f "$HV_TMP/done"
tui_start 100 30 -- -- "$py" "$data/chatty.py" 300 "$HV_TMP"
tui_expect "live, every 0.5s, capturing" "the TUI before Ctrl-C"
wait_done 300 || fail "the program did not finish printing"
child=$(pgrep -P "$(tui_pid)")
tui_keys C-c
tui_exited 130
tui_tmux capture-pane -p -S - > "$HV_TMP/history"
grep -q "^chatty: the last line 300$" "$HV_TMP/history" ||
    fail "after Ctrl-C the program's output was not written:
$(tail -n 20 "$HV_TMP/history")"
[ -n "$child" ] && kill -0 "$child" 2>/dev/null &&
    fail "the program outlived heapview's Ctrl-C"

# 2. --child-output=FILE: all of it in FILE, nothing after the TUI.
rm -f "$HV_TMP/done"
tui_start 100 30 -- --child-output="$HV_TMP/child.txt" -- \
    "$py" "$data/chatty.py" 3000 "$HV_TMP"
tui_expect "live, every 0.5s, capturing" "the TUI with --child-output"
wait_done 300 || fail "the program did not finish printing"
tui_keys o
tui_expect "^ chatty: the last line 3000 *$" "the panel with --child-output"
tui_keys q
tui_exited 0
tui_expect_not "^chatty:" "the terminal after the TUI with --child-output"
# Python writes a line's text and its newline apart, so a line of the other
# stream may come between them: count the texts, not the lines.
lines=$(grep -o 'chatty: line [0-9]* of 3000' "$HV_TMP/child.txt" | wc -l)
[ "$lines" -eq 3000 ] || fail "--child-output has $lines of 3000 lines"
errs=$(grep -o 'chatty: stderr line [0-9]*' "$HV_TMP/child.txt" | wc -l)
[ "$errs" -eq 15 ] || fail "--child-output has $errs of 15 stderr lines"
grep -q "chatty: the last line 3000" "$HV_TMP/child.txt" ||
    fail "--child-output lacks the last line"

# 3. A flood: the program finishes writing 64 MiB while heapview keeps 1 MiB.
rm -f "$HV_TMP/done"
tui_start 200 30 -- -- "$py" "$data/flood.py" 64 "$HV_TMP"
tui_expect "live, every 0.5s, capturing" "the TUI of the flood"
wait_done 600 || fail "the program was blocked writing its output"
screen_intact "after the flood"
tui_keys o
tui_expect "program output  64.0 MiB, 63.0 MiB dropped" "the dropped count in the panel"
tui_keys q
tui_exited 0
tui_expect "wrote 67108864 bytes; the first 66060288 were dropped" \
    "the dropped count after the TUI"

# 4. With --record, the program's output is written before heapview's last
#    line, "N frames recorded to FILE", as --record --no-tui writes it.
rm -f "$HV_TMP/done"
tui_start 100 30 -- --record="$HV_TMP/rec.jsonl" -- "$py" "$data/chatty.py" 30 \
    "$HV_TMP"
tui_expect "REC" "the TUI with --record"
wait_done 300 || fail "the program did not finish printing"
tui_keys q
tui_exited 0
tui_tmux capture-pane -p -S - > "$HV_TMP/history"
out=$(grep -n "^chatty: the last line 30$" "$HV_TMP/history" | cut -d: -f1)
rec=$(grep -n "frames\{0,1\} recorded to" "$HV_TMP/history" | cut -d: -f1)
[ -n "$out" ] && [ -n "$rec" ] && [ "$out" -lt "$rec" ] ||
    fail "--record: the program's output is not before the frame count:
$(tail -n 12 "$HV_TMP/history")"
finish
