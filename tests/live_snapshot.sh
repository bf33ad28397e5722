#!/bin/sh
# Live -> --dump -> load -> --stats gives the pymalloc section the target
# printed itself, on three interpreters; a live recording (--record
# --no-tui -- CMD) of a target that grows its heap loads back frame by frame.
. "${HV_SRCDIR:-.}/tests/lib.sh"

ran=0
for name in pyenv-3.8 pyenv-3.12 debian-3.11 pyenv-3.13; do
	py=$(hv_interpreters | awk -v n="$name" '$1 == n { print $2 }')
	[ -n "$py" ] || continue
	ran=$((ran + 1))
	hv_start_target "$py"
	expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --dump="$HV_TMP/snap.json" ||
		continue
	expect_exit 0 "$HEAPVIEW" "$HV_TMP/snap.json" --stats
	hv_pymalloc_section "$HV_TMP/own.txt" > "$HV_TMP/want"
	hv_pymalloc_section "$HV_TMP/out" > "$HV_TMP/got"
	diff -u "$HV_TMP/want" "$HV_TMP/got" >&2 ||
		fail "$name: stats of the loaded snapshot differ from the target's"
	# --dump to stdout is the same document format.
	expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --dump
	expect_grep '"format": *"heapview-snapshot"' "$HV_TMP/out"
	kill "$TARGET_PID"; wait "$TARGET_PID" 2>/dev/null
done
[ "$ran" -ge 1 ] || skip "none of the interpreters is on this machine"

py=$(hv_interpreters | awk 'NR == 1 { print $2 }')
expect_exit 0 "$HEAPVIEW" --record="$HV_TMP/rec.jsonl" --no-tui --interval=0.1 \
    -- "$py" -c '
import os, time
time.sleep(1)
keep = []
for step in range(8):
    keep.append([str(i) * 3 for i in range(40000)])
    time.sleep(0.15)
os._exit(0)
'
expect_grep 'frames recorded to' "$HV_TMP/err"
expect_grep 'exited with status 0' "$HV_TMP/err"
expect_exit 0 "$HEAPVIEW" "$HV_TMP/rec.jsonl" --stats
frames=$(sed -n 's/^recording: \([0-9]*\) frames, .* seconds$/\1/p' "$HV_TMP/out")
[ -n "$frames" ] && [ "$frames" -ge 5 ] || fail "recording has '$frames' frames, expected at least 5"
# The heap grew: the last frame holds more allocated bytes than the first
# (the program ends with os._exit: no capture sees its objects freed at
# exit).
first=$("$HEAPVIEW" "$HV_TMP/rec.jsonl" --stats --frame=1 |
    sed -n 's/^# bytes in allocated blocks *= *//p' | tr -d ,)
last=$(sed -n 's/^# bytes in allocated blocks *= *//p' "$HV_TMP/out" | tr -d ,)
[ -n "$first" ] && [ -n "$last" ] && [ "$last" -gt "$first" ] ||
	fail "allocated bytes did not grow over the recording ($first -> $last)"
finish
