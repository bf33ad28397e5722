#!/bin/sh
# The f key turns --freeze on and off in the live view.  The header says
# when it is on; the target is stopped only by frozen captures (it spins
# without a system call, so each stop is one of its voluntary context
# switches, and none come while freezing is off) and is never left
# stopped.  A pool INVALID on every read makes the status line point at
# --freeze while freezing is off, and at the pool's bytes while it is on.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

py=$(hv_interpreters | awk '$1 ~ /^pyenv-3\.1[0-9]$/ { p = $2 } END { print p }')
[ -n "$py" ] || skip "no CPython 3.10 or later from pyenv"
hv_start_script "$py" freeze_target.py
target=$TARGET_PID

vswitches() {
	sed -n 's/^voluntary_ctxt_switches:[[:space:]]*//p' "/proc/$target/status"
}
state() {
	sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$target/status"
}
captures() {
	tui_screen
	sed -n 's/^ capture \([0-9]*\)\/.*/\1/p' "$HV_TMP/screen"
}
# wait_captures K: until the timeline has counted K more captures
wait_captures() {
	c0=$(captures) n=0
	while [ "$(captures)" -lt $((c0 + $1)) ] && [ $n -lt 300 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	[ "$(captures)" -ge $((c0 + $1)) ] || fail "captures stopped at $(captures)"
}
# never_stopped WHAT: the target is not in a stop in 10 looks at it
never_stopped() {
	i=0
	while [ $i -lt 10 ]; do
		[ "$(state)" != t ] && [ "$(state)" != T ] ||
		    { fail "$1: the target is stopped ($(state))"; return; }
		sleep 0.05
		i=$((i + 1))
	done
}

tui_start 120 30 -- --pid "$target" --interval=0.1
tui_expect "live, every 0.1s, capturing" "live state"
tui_expect "1 pool INVALID (read mid-update): key f or --freeze gives exact captures" \
    "status line without --freeze"
tui_expect_not "freeze on" "header without --freeze"
wait_captures 3
v0=$(vswitches)
wait_captures 3
[ "$(vswitches)" = "$v0" ] ||
    fail "the target stopped without --freeze: $v0, then $(vswitches) voluntary switches"
never_stopped "without --freeze"

tui_keys f
tui_expect "live, every 0.1s, freeze on, capturing" "header after f"
tui_expect "1 pool INVALID with the target frozen: their bytes are inconsistent" \
    "status line with --freeze"
v1=$(vswitches)
wait_captures 3
[ "$(vswitches)" -ge $((v1 + 3)) ] ||
    fail "three frozen captures: $v1, then $(vswitches) voluntary switches"

tui_keys f
tui_expect "live, every 0.1s, capturing" "header after f again"
tui_expect_not "freeze on" "header after f again"
wait_captures 1
never_stopped "after f again"
v2=$(vswitches)
wait_captures 3
[ "$(vswitches)" = "$v2" ] ||
    fail "the target stopped after f again: $v2, then $(vswitches) voluntary switches"

# Quitting while freezing is on leaves the target running.
tui_keys f
tui_expect "freeze on, capturing" "header after f, third time"
tui_keys q
tui_exited 0
kill -0 "$target" 2>/dev/null || fail "the target is gone"
never_stopped "after q"

# --freeze on the command line: on from the start, and f turns it off.
tui_start 120 30 -- --pid "$target" --interval=0.1 --freeze
tui_expect "live, every 0.1s, freeze on, capturing" "header with --freeze"
tui_keys f
tui_expect "live, every 0.1s, capturing" "header after f with --freeze"
tui_keys q
tui_exited 0
never_stopped "after the second q"
finish
