#!/bin/sh
# --stats/--dump of a program started with -- CMD report a moment of its
# work and never wait forever on a service: --after=SECS captures then and
# ends the program; without it, the peak and the last capture before the
# program exits.  The program's output passes through, never inside the
# report, and never inside --dump's JSON on stdout.
. "${HV_SRCDIR:-.}/tests/lib.sh"

py=$(hv_interpreters | awk '$1 == "pyenv-3.12" || $1 == "debian-3.11" { print $2; exit }')
[ -n "$py" ] || py=$(hv_interpreters | awk 'NR == 1 { print $2 }')
[ -n "$py" ] || skip "no CPython on this machine"
data=$HV_SRCDIR/tests/data/child
# Only a guard against a hang that would stall the whole suite.
guard="timeout 300"

# "Peak: capture at 3.2 s (14 arenas)" -> 14
arenas_of() {
	sed -n "s/^$1 at [0-9.]* s (\([0-9]*\) arenas*[;)].*/\1/p" "$2"
}

# The interpreter's own heap at start-up, as it reports it.
"$py" -c 'import sys; sys._debugmallocstats()' 2>"$HV_TMP/startup"
startup=$(sed -n 's/^# arenas allocated current *= *//p' "$HV_TMP/startup" | tr -d ,)
[ -n "$startup" ] || fail "no start-up arena count: $(head -c 300 "$HV_TMP/startup")"

# 1. --after on a service that never exits: it returns, ends the service,
#    and reports the service's heap, after the service's own output.
expect_exit 0 $guard "$HEAPVIEW" --stats --after=2 -- "$py" "$data/service.py" &&
{
	n=$(arenas_of "Capture" "$HV_TMP/out")
	expect_grep '^Capture at [0-9.]* s ([0-9]* arenas; --after=2)$' "$HV_TMP/out"
	[ "${n:-0}" -gt "$startup" ] ||
	    fail "--after=2 reports ${n:-no} arenas, start-up has $startup"
	expect_grep '^Small block threshold' "$HV_TMP/out"
	# the service's stdout comes first, then the report
	[ "$(sed -n 1p "$HV_TMP/out")" = "service: ready with 300000 entries" ] ||
	    fail "the service's output is not before the report: $(head -n 3 "$HV_TMP/out")"
	[ "$(grep -c '^service:' "$HV_TMP/out")" = 1 ] ||
	    fail "the service's output is not once on stdout"
	expect_grep '^service: a line on stderr$' "$HV_TMP/err"
	expect_grep '(pid [0-9]*) was killed by signal 15' "$HV_TMP/err"
}

# 2. No --after: a script that builds a big heap, frees it and exits.  The
#    peak section has more arenas than the last one.
expect_exit 0 $guard "$HEAPVIEW" --stats --interval=0.1 -- \
    "$py" "$data/buildfree.py" &&
{
	peak=$(arenas_of "Peak: capture" "$HV_TMP/out")
	last=$(arenas_of "Last capture before exit" "$HV_TMP/out")
	[ -n "$peak" ] && [ -n "$last" ] ||
	    fail "no peak and last sections: $(grep -i 'capture' "$HV_TMP/out")"
	[ "${peak:-0}" -gt "${last:-0}" ] ||
	    fail "peak $peak arenas, last $last: the peak is not larger"
	[ "$(grep -c '^Small block threshold' "$HV_TMP/out")" = 2 ] ||
	    fail "not two stats sections"
	expect_grep 'exited with status 0' "$HV_TMP/err"
	# its prints, whole and before the report
	[ "$(sed -n 1p "$HV_TMP/out")" = "buildfree: built 400000 strings" ] ||
	    fail "the script's output is not first: $(head -n 2 "$HV_TMP/out")"
}

# 3. --dump to stdout: valid JSON even though the program prints to stdout
#    (its stdout goes to stderr); the snapshot is the peak.
expect_exit 0 $guard "$HEAPVIEW" --dump --interval=0.1 -- \
    "$py" "$data/buildfree.py" 0.5 &&
{
	python3 -c 'import json,sys; json.load(sys.stdin)' < "$HV_TMP/out" ||
	    fail "--dump -- CMD did not write valid JSON: $(head -c 300 "$HV_TMP/out")"
	expect_grep '^buildfree: built 400000 strings$' "$HV_TMP/err"
	expect_grep '^heapview: the snapshot is the peak: capture at ' "$HV_TMP/err"
}
# --child-output=FILE: the program's output goes there instead.
expect_exit 0 $guard "$HEAPVIEW" --dump --child-output="$HV_TMP/child.txt" \
    -- "$py" "$data/buildfree.py" 0.2 &&
{
	python3 -c 'import json,sys; json.load(sys.stdin)' < "$HV_TMP/out" ||
	    fail "--dump with --child-output is not valid JSON"
	expect_grep '^buildfree: freed them$' "$HV_TMP/child.txt"
	grep -q '^buildfree:' "$HV_TMP/err" && fail "the output went to stderr too"
}

# 4. SIGINT while waiting on a service: it is ended and what was captured
#    is reported.
"$HEAPVIEW" --stats --interval=0.1 -- "$py" "$data/service.py" \
    >"$HV_TMP/out" 2>"$HV_TMP/err" &
hv=$!
HV_PIDS="$HV_PIDS $hv"
i=0
# its stderr line comes after the stdout line's newline: a SIGINT forwarded
# between print()'s two writes would cut the line
while ! grep -q '^service: a line on stderr' "$HV_TMP/err" && [ $i -lt 600 ]; do
	sleep 0.1; i=$((i + 1))
done
kill -INT "$hv"
wait "$hv"
st=$?
[ "$st" = 0 ] || fail "heapview interrupted exited $st; $(head -c 300 "$HV_TMP/err")"
expect_grep '^Last capture before interrupt at [0-9.]* s\|^Peak and last capture before interrupt at' "$HV_TMP/out"
expect_grep 'was killed by signal\|exited with status' "$HV_TMP/err"

# 5. --after with --pid: captures SECS later and leaves the process running.
hv_start_target "$py"
expect_exit 0 $guard "$HEAPVIEW" --pid "$TARGET_PID" --stats --after=0.5 &&
	expect_grep '^Capture at 0\.[5-9] s\|^Capture at [1-9][0-9.]* s' "$HV_TMP/out"
kill -0 "$TARGET_PID" 2>/dev/null || fail "--pid --after ended the process"
kill "$TARGET_PID"

# 6. Usage: --after needs --stats or --dump and a live target;
#    --child-output needs -- CMD.
expect_exit 2 "$HEAPVIEW" --after=1 -- "$py" -c pass &&
	expect_grep 'after picks the moment' "$HV_TMP/err"
expect_exit 2 "$HEAPVIEW" --after=1 --bench=2 -- "$py" -c pass
expect_exit 2 "$HEAPVIEW" --after=0 --stats -- "$py" -c pass
expect_exit 2 "$HEAPVIEW" --after=1 --stats "$HV_SRCDIR/tests/data/snapshot/blocks.json"
expect_exit 2 "$HEAPVIEW" --child-output="$HV_TMP/x" --pid 1 --stats &&
	expect_grep 'child-output keeps the output' "$HV_TMP/err"

# --diff=BASE that cannot be read fails before the program is started, not
# after it has run to its end.
expect_exit 1 $guard "$HEAPVIEW" --stats --diff="$HV_TMP/no-such-base.json" \
    -- "$py" -c 'print("the program ran")' &&
{
	expect_grep 'no-such-base.json' "$HV_TMP/err"
	! grep -q 'the program ran' "$HV_TMP/out" "$HV_TMP/err" ||
	    fail "--diff with an unreadable BASE started the program"
}

# 7. The program inherits none of heapview's own files: the --log FILE and
#    the --child-output FILE stay heapview's.
#    The program waits to be ended (--after), so that its heap is read
#    however slowly it starts.
expect_exit 0 $guard "$HEAPVIEW" --stats --after=0.5 --log="$HV_TMP/hv.log" \
    --child-output="$HV_TMP/fds.txt" -- "$py" -c '
import os, time
for fd in os.listdir("/proc/self/fd"):
    try:
        print("fd %s %s" % (fd, os.readlink("/proc/self/fd/" + fd)))
    except OSError:
        pass
time.sleep(60)' &&
{
	expect_grep '^fd 1 ' "$HV_TMP/fds.txt"
	! grep -F "$HV_TMP/hv.log" "$HV_TMP/fds.txt" >&2 ||
	    fail "the program inherited the --log file"
	! grep -F "$HV_TMP/fds.txt" "$HV_TMP/fds.txt" >&2 ||
	    fail "the program inherited the --child-output file"
}
finish
