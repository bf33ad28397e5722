#!/bin/sh
# The mark live (m): against a CPython 3.12 run with --types
# (tests/data/tui_mark_target.py), mark a capture of the idle target, let it
# make 300 instances of HvMarkNew, and the types view counts 300 new
# HvMarkNew, none gone; the map marks the pools that hold them.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

root=${PYENV_ROOT:-}
[ -n "$root" ] || root=$(pyenv root 2>/dev/null) || root=$HOME/.pyenv
py=
for p in "$root"/versions/3.12*/bin/python3; do
	[ -x "$p" ] && py=$p && break
done
[ -n "$py" ] || skip "no pyenv CPython 3.12"
target="$HV_SRCDIR/tests/data/tui_mark_target.py"

# "capture N/M": the number of the newest capture shown.
capture_no() {
	tui_screen
	sed -n 's/^ capture \([0-9]*\)\/.*/\1/p' "$HV_TMP/screen" | head -n 1
}

# Waits until a capture numbered at least two past the one shown now is
# shown: one begun after this moment.
next_captures() {
	c0=$(capture_no)
	n=0
	while :; do
		c=$(capture_no)
		[ -n "$c" ] && [ -n "$c0" ] && [ "$c" -ge $((c0 + 2)) ] && return 0
		[ $n -lt 300 ] || { fail "no new capture; screen:
$(cat "$HV_TMP/screen")"; return 1; }
		sleep 0.1
		n=$((n + 1))
	done
}

tui_start 140 40 -- --types --interval=0.2 -- "$py" "$target" "$HV_TMP"
n=0
while [ ! -e "$HV_TMP/ready" ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n + 1)); done
[ -e "$HV_TMP/ready" ] || fail "the target did not get ready"
tui_expect "live, every 0.2s, capturing" "live --types"
tui_expect "^ capture [0-9]*/" "the first frame"
next_captures
tui_keys Tab Tab Tab Tab
tui_expect "^ types  [0-9]* types" "the types view"
tui_keys m
tui_expect "mark: frame [0-9]*, t+[0-9.]*s" "the mark in the header"
tui_expect "^ types  since the mark [0-9]* new" "the types view since the mark"

touch "$HV_TMP/go"
n=0
while [ ! -e "$HV_TMP/done" ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n + 1)); done
[ -e "$HV_TMP/done" ] || fail "the target did not make its instances"
next_captures
tui_expect "^ *300 .* 300 .* - .* HvMarkNew\$" "300 new HvMarkNew, none gone"
tui_expect "count *bytes *new *new bytes *gone *gone bytes *name" \
    "the new and gone columns"
tui_keys Tab
tui_expect "^ arena map .* ◆ [1-9][0-9]* new blocks* since the mark" \
    "the map's key to the new blocks"
tui_expect "^ *[0-9]* .*◆" "marked cells in the map"
tui_keys M
tui_expect "mark cleared" "M"
tui_expect_not "◆" "no marked cells once cleared"

touch "$HV_TMP/exit"
tui_expect "target exited" "the target's exit"
tui_keys q
tui_exited 0
finish
