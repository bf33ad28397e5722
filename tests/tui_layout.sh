#!/bin/sh
# The lines around the map at every size down to the minimum: the totals
# are whole fields (no piece of one field left in the last column of
# another, as 'utilisatio2' was), and at 80 columns and more they keep
# arenas, allocated, utilisation, RSS and pinned; the key hints are whole
# and keep c and a when there are types.  After shrinking, growing and
# Ctrl-L every line is what a fresh start at that size draws.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

# The demo at frame 38 (16 arenas, 15 of them pinned), the cursor on the
# first arena (arena 30, the lowest address).
steps() {
	i=0
	while [ $i -lt 37 ]; do
		tui_keys .
		i=$((i + 1))
	done
	tui_expect "frame 38/" "frame 38"
	tui_keys Home
}

# Waits until no cell is highlighted as changed (a second after a step).
settled() {
	n=0
	while tui_screen && grep -q " changed" "$HV_TMP/screen"; do
		[ $n -lt "$TUI_WAIT_STEPS" ] || return 1
		sleep 0.1
		n=$((n + 1))
	done
}

# Waits until the screen stays the same for a second: the sparkline is
# complete once the recording has been scanned in the background.
stable() {
	n=0
	tui_screen
	cp "$HV_TMP/screen" "$HV_TMP/prev"
	while :; do
		sleep 1
		tui_screen
		cmp -s "$HV_TMP/screen" "$HV_TMP/prev" && return 0
		[ $n -lt 60 ] || return 1
		cp "$HV_TMP/screen" "$HV_TMP/prev"
		n=$((n + 1))
	done
}

# Every field of the totals line (line 2) is one of its forms.
totals_whole() {
	sed -n 2p "$HV_TMP/screen" | sed 's/^ //; s/ *$//; s/  /\n/g' |
	    grep -v -x -E "arenas [0-9]+( \([0-9.]+ ?([KMGT]i?B|[KMGT]|B)\))?|(allocated|alloc|free in pools|free|RSS) ([0-9.]+ ?([KMGT]i?B|[KMGT]|B)|\?)|(utilisation|util) [0-9.]+%|pinned [0-9]+( arenas?(, [0-9.]+ [KMGT]iB( for [0-9]+ objects?)?)?)?|[0-9]+ (invalid|inv)" \
	    > "$HV_TMP/bad"
	[ ! -s "$HV_TMP/bad" ] ||
	    fail "$1: totals field(s) not whole: '$(cat "$HV_TMP/bad")' in: $(sed -n 2p "$HV_TMP/screen")"
}

# Every hint of the footer (the last line) is a key and its word.
footer_whole() {
	tail -n 1 "$HV_TMP/screen" | sed 's/^ //; s/ *$//; s/  /\n/g' |
	    grep -v -x -E "[^ ]+ [a-z]+" > "$HV_TMP/bad"
	[ ! -s "$HV_TMP/bad" ] ||
	    fail "$1: key hint(s) cut: '$(cat "$HV_TMP/bad")' in: $(tail -n 1 "$HV_TMP/screen")"
	grep -q " c color  a arena" "$HV_TMP/screen" ||
	    fail "$1: the hints lost c or a: $(tail -n 1 "$HV_TMP/screen")"
}

five_totals() {
	for word in "arenas [0-9]" "alloc[a-z]* [0-9]" "util[a-z]* [0-9]" \
	    "RSS [0-9]" "pinned [0-9]"; do
		sed -n 2p "$HV_TMP/screen" | grep -q "  $word\|^ $word" ||
		    fail "$1: the totals lose '$word': $(sed -n 2p "$HV_TMP/screen")"
	done
}

sizes="160x50 100x30 80x24 60x15 45x12 40x10"

# A fresh start at each size: the reference screens.
for s in $sizes; do
	tui_start "${s%x*}" "${s#*x}" -- --demo
	tui_expect "arena map" "$s: start"
	steps
	tui_expect "arena 30 " "$s: Home"
	settled || fail "$s: the changed cells stay highlighted"
	stable || fail "$s: the screen keeps changing"
	cp "$HV_TMP/screen" "$HV_TMP/fresh-$s"
	totals_whole "$s"
	footer_whole "$s"
	[ "${s%x*}" -lt 80 ] || five_totals "$s"
	tui_keys q
	tui_exited 0
done

# The same screens after resizing, and after Ctrl-L.
same_as_fresh() {
	n=0
	while tui_screen && ! cmp -s "$HV_TMP/screen" "$HV_TMP/fresh-$1"; do
		if [ $n -ge "$TUI_WAIT_STEPS" ]; then
			diff "$HV_TMP/fresh-$1" "$HV_TMP/screen" > "$HV_TMP/diff"
			fail "$2: the screen differs from a fresh start at $1:
$(cat "$HV_TMP/diff")"
			return 1
		fi
		sleep 0.1
		n=$((n + 1))
	done
}

tui_start 120 40 -- --demo
tui_expect "arena map" "resize: start"
steps
tui_expect "arena 30 " "resize: Home"
settled
for s in 80x24 40x10 160x50 45x12 100x30 60x15 40x10 160x50; do
	tui_tmux resize-window -x "${s%x*}" -y "${s#*x}"
	same_as_fresh "$s" "resized to $s"
	tui_keys C-l
	same_as_fresh "$s" "Ctrl-L at $s"
done
# below the minimum and back
tui_tmux resize-window -x 30 -y 8
tui_expect "terminal too small" "30x8"
tui_tmux resize-window -x 80 -y 24
same_as_fresh 80x24 "back from 30x8"
tui_keys q
tui_exited 0

# A recording with types, replayed, and the live target: the totals at
# 80x24.
tui_start 80 24 -- "$HV_SRCDIR/tests/data/snapshot/types.jsonl"
tui_expect "arena map" "types.jsonl"
tui_screen
totals_whole "types.jsonl"
five_totals "types.jsonl"
footer_whole "types.jsonl"
tui_keys q
tui_exited 0

root=${PYENV_ROOT:-}
[ -n "$root" ] || root=$(pyenv root 2>/dev/null) || root=$HOME/.pyenv
py=
for p in "$root"/versions/3.12*/bin/python3.12; do
	[ -x "$p" ] && py=$p && break
done
if [ -n "$py" ]; then
	# --freeze: exact captures, so no torn-pool message takes the
	# footer's place on a loaded machine
	tui_start 80 24 -- --types --freeze --interval=0.2 -- "$py" \
	    "$HV_SRCDIR/tests/data/tui_types_target.py" "$HV_TMP"
	n=0
	while [ ! -e "$HV_TMP/ready" ] && [ $n -lt 600 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	[ -e "$HV_TMP/ready" ] || fail "the target did not get ready"
	tui_expect "pinned [1-9]" "live: pinned arenas"
	totals_whole "live"
	five_totals "live"
	footer_whole "live"
	touch "$HV_TMP/exit"
	tui_keys q
	tui_exited 0
fi
finish
