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

# Once the TUI has closed, heapview's own handlers are back: a SIGINT while
# it waits for a launched program that ignores SIGTERM goes on to the
# program (which dies of it) instead of being swallowed until SIGKILL.
py=$(hv_interpreters | awk 'NR == 1 { print $2 }')
if [ -n "$py" ]; then
	tui_start 100 30 -- -- "$py" -c 'import signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
time.sleep(600)'
	tui_expect "live, every" "the TUI over a program that ignores SIGTERM"
	pid=$(tui_pid)
	tui_keys q
	tui_wait "cannot use\|^\$\|EXIT=\|heapview:" >/dev/null 2>&1
	sleep 0.5
	# (a signal to heapview alone: the terminal's Ctrl-C would reach the
	# program directly, as it is in heapview's process group)
	kill -INT "$pid"
	tui_exited 0
	# (Python 3.8+ dies of the SIGINT; before, it exits 1 after the
	# KeyboardInterrupt's traceback.)
	grep -q "killed by signal 2\|KeyboardInterrupt" "$HV_TMP/screen" ||
	    fail "Ctrl-C after the TUI did not reach the program: $(cat "$HV_TMP/screen")"
	grep -q "ignored SIGTERM" "$HV_TMP/screen" &&
	    fail "the program was left to SIGKILL: $(cat "$HV_TMP/screen")"
fi
finish
