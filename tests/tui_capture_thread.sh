#!/bin/sh
# Live captures run in a thread of their own: while one is under way the
# header says so (a spinner and how far the walk got), keys are answered
# at once, the terminal can be resized, H reads the malloc heaps once the
# capture has ended, and quitting -- q or Ctrl-C, with --freeze too -- ends
# heapview without waiting for the capture and leaves the target running.  The target's heap (about 750 MiB, --types) makes
# each capture long enough to be caught in the middle; captures follow each
# other without a pause (--interval=0.05).  One reader thread
# (--threads=1) keeps the captures long on a machine with many cores.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

py=$(hv_interpreters | awk '$1 == "pyenv-3.12" { print $2; exit }')
[ -n "$py" ] || py=$(hv_interpreters | awk '$1 ~ /^pyenv-3/ { print $2; exit }')
[ -n "$py" ] || skip "no pyenv CPython on this machine"

# 10 million strings (about 750 MiB of arenas), read by one thread: a
# types capture takes a few tenths of a second even on an idle machine
hv_start_script "$py" busy_target.py 10000000
target=$TARGET_PID
BUSY="capturing [^ ]*  *[0-9]*%"

captures() {
	sed -n 's/^ capture \([0-9]*\)\/.*/\1/p' "$HV_TMP/screen"
}
# the view's first line: under the totals and the live resident line
view_title() {
	sed -n '3,4p' "$HV_TMP/screen" | grep -v '^ resident [0-9]' | head -n 1 |
	    cut -c1-12
}
state() {
	sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$target/status"
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

# key_during_capture KEY: sends KEY while a capture is under way, until its
# effect (a new view) shows before that capture has ended: the capture
# count unchanged and the spinner still there.  A capture may end between
# the look and the key: a few tries.
key_during_capture() {
	try=0
	while [ $try -lt 20 ]; do
		try=$((try + 1))
		tui_expect "$BUSY" "a capture under way" || return
		c=$(captures) v=$(view_title)
		tui_keys "$1"
		n=0
		while [ $n -lt 3000 ]; do
			tui_screen
			[ "$(view_title)" != "$v" ] && break
			n=$((n + 1))
		done
		[ "$(view_title)" != "$v" ] ||
		    { fail "$1 did not change the view: $(cat "$HV_TMP/screen")"; return; }
		[ "$(captures)" = "$c" ] && grep -q "$BUSY" "$HV_TMP/screen" &&
		    return
	done
	fail "$1 was never answered while a capture was under way; last:
$(cat "$HV_TMP/screen")"
}

tui_start 120 30 -- --pid "$target" --types --threads=1 --interval=0.05
tui_expect "^ capture [0-9]*/" "the first frame"
tui_expect "live, every 0.05s, $BUSY" "the spinner and the progress"
key_during_capture Tab
key_during_capture Tab

# Resizing during a capture: the screen follows at once.
tui_expect "$BUSY" "a capture under way before the resize"
tui_tmux resize-window -x 80 -y 24
tui_expect "terminal too small\\|q quit" "80x24"
tui_wait "^ capture [0-9]*/" && [ "$(grep -n '^ capture [0-9]*/' "$HV_TMP/screen" | cut -d: -f1)" = 23 ] ||
    fail "the timeline is not on line 23 at 80x24: $(cat "$HV_TMP/screen")"
tui_expect "$BUSY" "a capture under way at 80x24"
tui_tmux resize-window -x 30 -y 8
tui_expect "terminal too small" "30x8"
tui_tmux resize-window -x 160 -y 50
tui_wait "^ capture [0-9]*/" && [ "$(grep -n '^ capture [0-9]*/' "$HV_TMP/screen" | cut -d: -f1)" = 49 ] ||
    fail "the timeline is not on line 49 at 160x50: $(cat "$HV_TMP/screen")"

# H during a capture: the malloc view says it reads, and shows the heaps
# once the capture thread has read them after the capture.
tui_keys Escape
tui_expect "$BUSY" "a capture under way before H"
tui_keys H
tui_expect "glibc malloc" "the malloc view"
tui_expect "glibc malloc  [0-9]* arenas\\?, [0-9]* heaps\\?, " \
    "the heaps read after the capture"
tui_expect_not "under way" "the malloc view"

# Quitting during a capture.
tui_expect "$BUSY" "a capture under way before q"
tui_keys q
tui_exited 0
never_stopped "after q"

# Frozen captures: the target is stopped while each one reads it, and
# never left so by quitting in the middle of one, with q or Ctrl-C.
tui_start 120 30 -- --pid "$target" --types --threads=1 --interval=0.05 --freeze
tui_expect "freeze on, $BUSY" "a frozen capture under way"
tui_keys q
tui_exited 0
never_stopped "after q with --freeze"
tui_start 120 30 -- --pid "$target" --types --threads=1 --interval=0.05 --freeze
tui_expect "freeze on, $BUSY" "a frozen capture under way before Ctrl-C"
tui_keys C-c
tui_wait "MODES" || fail "Ctrl-C did not end heapview: $(cat "$HV_TMP/screen")"
grep -q "^icanon echo MODES" "$HV_TMP/screen" ||
    fail "terminal not restored after Ctrl-C: $(grep MODES "$HV_TMP/screen")"
never_stopped "after Ctrl-C with --freeze"
kill -0 "$target" 2>/dev/null || fail "the target is gone"
finish
