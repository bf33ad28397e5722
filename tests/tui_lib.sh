# tests/tui_lib.sh: sourced by the tmux-driven TUI tests (tests/tui_*.sh).
#
# Each test runs the real binary in its own tmux server (-L, so tests run in
# parallel) with a window of a given size, sends keys and reads the screen
# back as text.  After heapview exits, the pane prints "EXIT=<status>" and the
# terminal's modes, so a test can see that the terminal was restored.
#
#   tui_start W H [ENV=VALUE...] -- ARGS...   run $HEAPVIEW ARGS in a W x H pane
#                                             (ending the previous session)
#   tui_keys KEY...                           tmux send-keys
#   tui_wait PATTERN                          wait until the screen matches
#   tui_expect PATTERN [WHAT]                 ... or fail
#   tui_screen                                the screen, in $HV_TMP/screen
#   tui_pid                                   heapview's pid
#   tui_exited STATUS                         wait for the exit, check status
#                                             and a restored terminal

. "${HV_SRCDIR:-.}/tests/lib.sh"

command -v tmux >/dev/null 2>&1 || skip "tmux is not installed"

TUI_SOCKET="heapview-test-$$-0"
tui_sessions=0
TUI_DATA="$HV_SRCDIR/tests/data/tui"
# Waits are bounded generously: a sanitizer build under load is slow.
TUI_WAIT_STEPS=${TUI_WAIT_STEPS:-300}

tui_tmux() {
	tmux -L "$TUI_SOCKET" -f /dev/null "$@"
}

# Ends the session of the last tui_start, and its server's socket.
tui_stop() {
	tui_path=$(tui_tmux display-message -p '#{socket_path}' 2>/dev/null)
	tui_tmux kill-server >/dev/null 2>&1
	[ -z "$tui_path" ] || rm -f "$tui_path"
}

tui_cleanup() {
	tui_stop
	hv_cleanup
}
trap tui_cleanup EXIT

# The pane runs this: heapview, then its status and the terminal's modes
# (icanon and echo are off while curses runs and on once it has left).
# heapview's pid goes to $HV_TMP/heapview.pid (the sh -c execs it); the
# pane's shell survives a Ctrl-C to report how heapview ended.
cat > "$HV_TMP/tui_run.sh" <<'EOS'
#!/bin/sh
trap 'true' INT
pidfile=$1
shift
sh -c 'echo $$ > "$0"; exec "$@"' "$pidfile" "$@"
echo "EXIT=$?"
stty -a | tr ' ;' '\n\n' | grep -E '^-?(icanon|echo)$' | tr '\n' ' '
echo "MODES"
exec sleep 600
EOS
chmod +x "$HV_TMP/tui_run.sh"

tui_start() {
	w=$1 h=$2
	shift 2
	# a server of its own for each session: a dying one cannot be reused
	tui_stop
	tui_sessions=$((tui_sessions + 1))
	TUI_SOCKET="heapview-test-$$-$tui_sessions"
	set -- env -u NO_COLOR -u LC_ALL LANG=C.UTF-8 TERM=screen "$@"
	# env ARGS... -- ARGS: the part after -- is heapview's
	tui_cmd="" seen=""
	for a in "$@"; do
		if [ "$a" = "--" ] && [ -z "$seen" ]; then
			tui_cmd="$tui_cmd '$HEAPVIEW'"
			seen=1
			continue
		fi
		tui_cmd="$tui_cmd '$a'"
	done
	rm -f "$HV_TMP/heapview.pid"
	tui_tmux new-session -d -x "$w" -y "$h" \
	    "'$HV_TMP/tui_run.sh' '$HV_TMP/heapview.pid' $tui_cmd" ||
	    fail "tmux new-session failed"
}

tui_keys() {
	tui_tmux send-keys "$@"
}

tui_screen() {
	tui_tmux capture-pane -p > "$HV_TMP/screen" 2>/dev/null
}

tui_wait() {
	n=0
	while [ "$n" -lt "$TUI_WAIT_STEPS" ]; do
		tui_screen
		grep -q -e "$1" "$HV_TMP/screen" && return 0
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

tui_expect() {
	tui_wait "$1" && return 0
	fail "${2:-screen} does not show '$1'; screen:
$(cat "$HV_TMP/screen")"
	return 1
}

# The screen does not show PATTERN (call after a tui_expect that proves the
# screen is up to date).
tui_expect_not() {
	tui_screen
	grep -q -e "$1" "$HV_TMP/screen" || return 0
	fail "${2:-screen} shows '$1'; screen:
$(cat "$HV_TMP/screen")"
	return 1
}

tui_exited() {
	tui_wait "MODES" || {
		fail "heapview did not exit; screen:
$(cat "$HV_TMP/screen")"
		return 1
	}
	grep -q "EXIT=$1\$" "$HV_TMP/screen" ||
	    fail "heapview exited with $(grep -o 'EXIT=[0-9]*' "$HV_TMP/screen"), expected $1"
	grep -q "^icanon echo MODES" "$HV_TMP/screen" ||
	    fail "terminal not restored: $(grep MODES "$HV_TMP/screen")"
}

tui_pid() {
	cat "$HV_TMP/heapview.pid" 2>/dev/null
}
