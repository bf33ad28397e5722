#!/bin/sh
# Survivors by value in the live TUI: against a CPython 3.12 that keeps a
# few strings ('survivor-0042') scattered among freed ones
# (tests/data/values_target.py, which prints each value it keeps), heapview
# --types lists, in the arena panel of a pinned arena, strings the target
# printed; the pool view describes a block outside the pinned arenas by
# type and value, read from the target on demand; a recording of it keeps
# the values, and its replay lists them in the arena panel too.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

root=${PYENV_ROOT:-}
[ -n "$root" ] || root=$(pyenv root 2>/dev/null) || root=$HOME/.pyenv
py=
for p in "$root"/versions/3.12*/bin/python3; do
	[ -x "$p" ] && py=$p && break
done
[ -n "$py" ] || skip "no pyenv CPython 3.12"

hv_start_script "$py" values_target.py
grep -q "^value 'survivor-[0-9]*'\$" "$HV_TMP/own.txt" ||
    { fail "the target printed no survivor"; finish; }

# survivors_shown WHAT: PgDn through the pinned arenas' panels until one
# lists strings by value; each must be a survivor the target printed.
survivors_shown() {
	n=0
	while :; do
		tui_screen
		sed -n "s/^   str at 0x[0-9a-f]*: \('survivor-[0-9]*'\)\$/\1/p" \
		    "$HV_TMP/screen" > "$HV_TMP/shown"
		[ -s "$HV_TMP/shown" ] && break
		[ $n -lt 40 ] || { fail "$1: no pinned arena lists a survivor by value; screen:
$(cat "$HV_TMP/screen")"; finish; }
		tui_keys PgDn
		sleep 0.1
		n=$((n + 1))
	done
	while IFS= read -r v; do
		grep -qxF "value $v" "$HV_TMP/own.txt" ||
		    fail "$1: shows $v, which the target did not keep"
	done < "$HV_TMP/shown"
}

tui_start 160 50 -- --types --interval=0.2 --pid "$TARGET_PID"
tui_expect "live, every 0.2s, capturing" "live --types"
tui_expect "  pinned [1-9][0-9]* arenas" "pinned arenas on the totals line"
tui_keys a PgDn
tui_expect "^ arena [0-9]* at 0x[0-9a-f]*-.*PINNED" "a pinned arena's panel"
tui_expect "^ by value:" "the values' heading"

# Its strings by value are survivors the target printed.
survivors_shown "the live panel"

# An arena that is not pinned: the pool view's blocks, by type and value,
# read on demand (the capture decodes the pinned arenas' objects only).
tui_keys Home
n=0
while ! tui_screen || ! grep -q "^ arena [0-9]* at 0x.*pools  ([0-9]* of [0-9]*)\$" \
    "$HV_TMP/screen"; do
	[ $n -lt 64 ] || { fail "every arena is pinned"; finish; }
	tui_keys Down
	sleep 0.05
	n=$((n + 1))
done
# A pool in use in it.
n=0
while ! tui_screen || ! grep -q "^ pool [0-9]* at 0x[0-9a-f]*: \(full\|used\)," \
    "$HV_TMP/screen"; do
	[ $n -lt 64 ] || { fail "no pool in use in the arena"; finish; }
	tui_keys Right
	sleep 0.05
	n=$((n + 1))
done
tui_keys Enter Home
tui_expect "^ block 0 at 0x[0-9a-f]* (offset 0x[0-9a-f]*): " "the pool view"
typed="^ block [0-9]* at 0x[0-9a-f]* (offset 0x[0-9a-f]*): allocated, [A-Za-z_.]*\( (untracked)\)\{0,1\}: [^ ]"
# One block a key, each step seen on screen before the next: keys sent
# faster than a slow build draws would run past a pool's only object.
# (b, not n: tui_wait counts in n)
# The capture thread reads a value after the capture under way: until
# then the line says it is being read.
value_read() {
	w=0
	while tui_screen && grep -q "(reading its value...)" "$HV_TMP/screen" &&
	    [ $w -lt "$TUI_WAIT_STEPS" ]; do
		sleep 0.1
		w=$((w + 1))
	done
}
b=0
value_read
while ! tui_screen || ! grep -q "$typed" "$HV_TMP/screen"; do
	[ $b -lt 255 ] || break
	tui_keys Right
	b=$((b + 1))
	tui_wait "^ block $b at 0x" || break
	value_read
done
tui_expect "$typed" "a block outside the pinned arenas with its type and value"
tui_keys q
tui_exited 0

# A recording of the same target keeps the values: its replay lists, in a
# pinned arena's panel, survivors the target printed.
rec="$HV_TMP/values.jsonl"
"$HEAPVIEW" --types --interval=0.2 --record="$rec" --no-tui \
    --pid "$TARGET_PID" 2>"$HV_TMP/rec.err" &
recpid=$!
n=0
while [ "$(cat "$rec" 2>/dev/null | wc -l)" -lt 3 ] && [ $n -lt 300 ]; do
	sleep 0.1
	n=$((n + 1))
done
kill -INT "$recpid"
wait "$recpid" || fail "--record ended with $?: $(cat "$HV_TMP/rec.err")"
tui_start 160 50 -- "$rec"
tui_expect "frame 1/[0-9]*" "the recording"
tui_keys a Home PgDn
tui_expect "^ arena [0-9]* at 0x[0-9a-f]*-.*PINNED" "a pinned arena's panel"
tui_expect "^ by value:" "the values' heading in the replay"
survivors_shown "the replay"
tui_keys q
tui_exited 0
finish
