#!/bin/sh
# Errors of the live modes: one clear message, exit 1, no crash.
. "${HV_SRCDIR:-.}/tests/lib.sh"

py=$(hv_interpreters | awk 'NR == 1 { print $2 }')
[ -n "$py" ] || skip "no CPython on this machine"

# No such pid: pid_max + 1 can never exist.
nopid=$(( $(cat /proc/sys/kernel/pid_max) + 1 ))
expect_exit 1 "$HEAPVIEW" --pid "$nopid" --stats &&
	expect_grep "no process with pid $nopid" "$HV_TMP/err"

# Not CPython: says what it is.
sleep 300 & other=$!
HV_PIDS="$HV_PIDS $other"
# Until the fork has exec'd sleep, the child is still the shell.
i=0
while [ "$(readlink "/proc/$other/exe")" = "$(readlink "/proc/$$/exe")" ] &&
    [ $i -lt 200 ]; do
	sleep 0.05; i=$((i + 1))
done
expect_exit 1 "$HEAPVIEW" --pid "$other" --stats &&
	expect_grep "not CPython.*sleep" "$HV_TMP/err"
[ "$(wc -l < "$HV_TMP/err")" -eq 1 ] || fail "not-CPython error is not one line"

# CPython without pymalloc.
PYTHONMALLOC=malloc hv_start_target "$py"
expect_exit 1 "$HEAPVIEW" --pid "$TARGET_PID" --stats &&
	expect_grep "does not use pymalloc.*PYTHONMALLOC=malloc" "$HV_TMP/err"
HEAPVIEW_NO_SYMBOLS=1 expect_exit 1 "$HEAPVIEW" --pid "$TARGET_PID" --stats &&
	expect_grep "does not use pymalloc.*PYTHONMALLOC=malloc" "$HV_TMP/err"
kill "$TARGET_PID"

# A command that cannot run, and one that exits before its heap is read.
expect_exit 1 "$HEAPVIEW" --stats -- /nonexistent/python &&
	expect_grep "cannot run /nonexistent/python" "$HV_TMP/err"
expect_exit 1 "$HEAPVIEW" --stats -- /bin/true &&
	expect_grep "exited before its heap could be read" "$HV_TMP/err"

# Permission denied: an unprivileged heapview against a root-owned target.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	hv_start_target "$py"
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$HEAPVIEW" --pid "$TARGET_PID" --stats >"$HV_TMP/out" 2>"$HV_TMP/err"
	st=$?
	[ "$st" = 1 ] || fail "permission denied exited $st, expected 1"
	expect_grep "permission denied" "$HV_TMP/err"
	expect_grep "ptrace_scope" "$HV_TMP/err"
	expect_grep "heapview -- CMD" "$HV_TMP/err"
	expect_grep "CAP_SYS_PTRACE" "$HV_TMP/err"
	kill "$TARGET_PID"
else
	echo "permission test needs root and setpriv; not run" >&2
fi
finish
