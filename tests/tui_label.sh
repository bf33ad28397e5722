#!/bin/sh
# Labels typed live (key L): the footer becomes a prompt (Backspace
# erases, Esc cancels, Enter gives the label to the next capture); the
# labelled capture shows it in the timeline from then on, --record writes
# it with that frame, and a replay of the recording shows it there -- the
# same frame in both.  A replay offers no prompt.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

py=$(hv_interpreters | awk '$1 == "pyenv-3.12" { print $2; exit }')
[ -n "$py" ] || py=$(hv_interpreters | awk '$1 ~ /^pyenv-3/ { print $2; exit }')
[ -n "$py" ] || skip "no pyenv CPython on this machine"

rec="$HV_TMP/rec.jsonl"
# capture N's number in the timeline
capture_no() {
	tui_screen
	sed -n 's/^ capture \([0-9]*\)\/.*/\1/p' "$HV_TMP/screen"
}
# label TEXT: types L TEXT Enter and waits for the labelled capture
label() {
	tui_keys L
	tui_expect "label: _" "the prompt"
	tui_keys -l "$1"
	tui_expect "label: $1_" "the typed label"
	tui_keys Enter
	tui_expect "^ capture .*\"$1\"" "the label in the timeline"
}

tui_start 100 30 -- --record="$rec" --interval=0.2 -- "$py" \
    "$TUI_DATA/grow_target.py" "$HV_TMP"
tui_expect "REC [1-9]" "recording"
# Esc cancels; Backspace erases the last character
tui_keys L
tui_expect "label: _" "the prompt"
tui_keys -l "nothing"
tui_keys Escape
tui_expect "no label" "Esc"
label "before del"
tui_keys L
tui_keys -l "after del lx"
tui_keys BSpace
tui_expect "label: after del l_" "Backspace"
tui_keys Enter
tui_expect '^ capture .*"after del l"' "the second label"
# the label stays on its frame: later captures show it as the phase
n=$(capture_no)
tui_wait "^ capture $((n + 2))/" || fail "captures stopped"
tui_expect '^ capture .*"after del l"' "the phase two captures later"
touch "$HV_TMP/exit"
tui_keys q
tui_exited 0

# The recording: each label once, on one frame, "nothing" nowhere.
grep -c '"label":"before del"' "$rec" | grep -qx 1 ||
	fail "'before del' is not on exactly one frame: $(grep -o '"label":"[^"]*"' "$rec")"
grep -c '"label":"after del l"' "$rec" | grep -qx 1 ||
	fail "'after del l' is not on exactly one frame: $(grep -o '"label":"[^"]*"' "$rec")"
grep -q '"label":"nothing' "$rec" && fail "a cancelled label was recorded"
first=$(grep -n '"label":"before del"' "$rec" | cut -d: -f1)
second=$(grep -n '"label":"after del l"' "$rec" | cut -d: -f1)
[ "$first" -lt "$second" ] || fail "the labels are out of order ($first, $second)"

# A replay shows the label on the frame it was written with.
tui_start 100 30 -- "$rec" --frame=$((second - 1))
tui_expect "frame $((second - 1))/" "the labelled frame"
tui_expect '^ frame .*"after del l"' "the label in the replay"
tui_keys ,
tui_expect "frame $((second - 2))/" "the frame before"
tui_expect '^ frame .*"before del"' "the earlier phase on the frame before"
tui_keys L
tui_expect_not "label: _" "a replay's L"
tui_keys q
tui_exited 0
finish
