#!/bin/sh
# Block types survive the JSON formats: on every interpreter, the Types
# section of `--dump --types` loaded back (FILE --stats) is the one live
# `--stats --types` prints for the same idle heap (two captures, the target
# stopped during each); a typed recording (--record --no-tui --types) of a
# target that builds 5000 instances of a class replays with types, and a
# frame counts exactly those instances.  (The live report's last section,
# what keeps the pinned arenas' survivors alive, reads the process: a
# snapshot does not have it.)
. "${HV_SRCDIR:-.}/tests/lib.sh"

types_section() {
	awk -v from="^Types$" '$0 ~ from { on = 1 }
	    /^Why the pinned arenas stay/ { exit }
	    on { line[n++] = $0 }
	    END { while (n > 0 && line[n - 1] == "") n--
	          for (i = 0; i < n; i++) print line[i] }' "$1"
}

ran=0
for py in $(hv_interpreters | awk '{ print $2 }'); do
	ran=$((ran + 1))
	hv_start_target "$py"
	expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --stats --types --freeze ||
		continue
	types_section "$HV_TMP/out" > "$HV_TMP/live"
	expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --dump="$HV_TMP/snap.json" \
	    --types --freeze || continue
	expect_grep '"types":\[{"name":"(raw)"' "$HV_TMP/snap.json"
	expect_exit 0 "$HEAPVIEW" "$HV_TMP/snap.json" --stats
	types_section "$HV_TMP/out" > "$HV_TMP/loaded"
	grep -q '^ *[0-9]* *[0-9]* dict$' "$HV_TMP/live" ||
		fail "$py: no dict in the live Types section: $(head -5 "$HV_TMP/live")"
	diff -u "$HV_TMP/live" "$HV_TMP/loaded" >&2 ||
		fail "$py: the loaded snapshot's Types section differs from live"
	# Without --types the dump has none, and asking for them says so.
	expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --dump="$HV_TMP/plain.json"
	expect_exit 1 "$HEAPVIEW" "$HV_TMP/plain.json" --stats --types
	expect_grep 'plain.json has no block types: it was captured without --types' \
	    "$HV_TMP/err"
	kill "$TARGET_PID"; wait "$TARGET_PID" 2>/dev/null
done
[ "$ran" -ge 1 ] || skip "no interpreter on this machine"

py=$(hv_interpreters | awk 'NR == 1 { print $2 }')
expect_exit 0 "$HEAPVIEW" --record="$HV_TMP/rec.jsonl" --no-tui --types \
    --interval=0.1 -- "$py" -c '
import time
class Leaf(object):
    pass
time.sleep(0.3)
keep = [Leaf() for i in range(5000)]
time.sleep(1.5)
'
expect_grep 'exited with status 0' "$HV_TMP/err"
expect_exit 0 "$HEAPVIEW" "$HV_TMP/rec.jsonl" --stats --types
expect_grep '^Types$' "$HV_TMP/out"
frames=$(sed -n 's/^recording: \([0-9]*\) frames, .* seconds$/\1/p' "$HV_TMP/out")
[ -n "$frames" ] && [ "$frames" -ge 5 ] ||
	fail "recording has '$frames' frames, expected at least 5"
grep -q '"types_added"' "$HV_TMP/rec.jsonl" || grep -q '"key"' "$HV_TMP/rec.jsonl" ||
	fail "a typed recording without a single delta frame"
f=1 found=0
while [ "$f" -le "${frames:-0}" ]; do
	"$HEAPVIEW" "$HV_TMP/rec.jsonl" --stats --frame=$f > "$HV_TMP/frame.txt" 2>&1 ||
		fail "frame $f: $(cat "$HV_TMP/frame.txt")"
	grep -q '^ *5000 *[0-9]* Leaf$' "$HV_TMP/frame.txt" && found=$((found + 1))
	f=$((f + 1))
done
[ "$found" -ge 1 ] || fail "no frame of the recording counts 5000 Leaf"
finish
