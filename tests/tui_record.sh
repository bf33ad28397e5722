#!/bin/sh
# The live TUI says what it watches and what it records: the title names
# the interpreter and the script ("python3.12 grow_target.py"), not a cut
# interpreter path; with --record the header shows REC and the frames
# written, and on quit heapview says how many frames went to which file --
# as many as the file holds.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

py=$(hv_interpreters | awk '$1 == "pyenv-3.12" { print $2; exit }')
[ -n "$py" ] || py=$(hv_interpreters | awk '$1 ~ /^pyenv-3/ { print $2; exit }')
[ -n "$py" ] || skip "no pyenv CPython on this machine"
name=$(basename "$py")

rec="$HV_TMP/rec.jsonl"
tui_start 80 24 -- --record="$rec" --interval=0.2 -- "$py" \
    "$TUI_DATA/grow_target.py" "$HV_TMP"
tui_expect "^ pid [0-9]*: $name grow_target\\.py" "the title at 80x24"
tui_expect "  REC [0-9]" "REC in the header"
tui_expect "REC \\([3-9]\\|[1-9][0-9]\\)" "REC counting frames"
touch "$HV_TMP/exit"
tui_keys q
tui_exited 0
n=$(sed -n 's/^heapview: \([0-9]*\) frames recorded to \(.*\)$/\1 \2/p' \
    "$HV_TMP/screen")
[ -n "$n" ] || fail "no 'N frames recorded to FILE' on quit:
$(cat "$HV_TMP/screen")"
[ "${n#* }" = "$rec" ] || fail "the quit message names ${n#* }, not $rec"
lines=$(wc -l < "$rec")
[ "${n%% *}" -eq $((lines - 1)) ] ||
    fail "the quit message says ${n%% *} frames, $rec has $((lines - 1))"

# A replay is not recording.
tui_start 80 24 -- "$TUI_DATA/small.jsonl"
tui_expect "arena map" "replay"
tui_expect_not "REC" "replay"
tui_keys q
tui_exited 0
finish
