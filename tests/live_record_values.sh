#!/bin/sh
# A typed recording carries the survivors by value: `--record --types
# --no-tui -- python3 tests/data/values_target.py` (a target that keeps a
# few strings 'survivor-0042' among freed ones and prints each it keeps)
# writes "values" in its frames, delta frames too, and `REC --stats --types
# --frame=N` of the last frame lists under the pinned arenas survivor
# strings the target printed, and only those.
. "${HV_SRCDIR:-.}/tests/lib.sh"

py=$(command -v python3) || skip "no python3"
rec=$HV_TMP/rec.jsonl
"$HEAPVIEW" --record="$rec" --types --no-tui --interval=0.2 -- "$py" \
    "$HV_SRCDIR/tests/data/values_target.py" >"$HV_TMP/rec.out" \
    2>"$HV_TMP/own.txt" &
hv=$!
HV_PIDS="$HV_PIDS $hv"
i=0
while ! grep -q HEAPVIEW-READY "$HV_TMP/own.txt" && [ $i -lt 1200 ]; do
	sleep 0.1; i=$((i + 1))
done
grep -q HEAPVIEW-READY "$HV_TMP/own.txt" ||
	{ fail "the target never got ready: $(tail -3 "$HV_TMP/own.txt")"; finish; }
# A few frames of the ready heap, a delta frame among them.
ready=$(wc -l < "$rec")
i=0
while [ "$(wc -l < "$rec")" -lt $((ready + 4)) ] && [ $i -lt 1200 ]; do
	sleep 0.1; i=$((i + 1))
done
kill -INT "$hv"
wait "$hv" || fail "--record ended with $?: $(tail -3 "$HV_TMP/own.txt")"

grep '"key":' "$rec" | grep -q '"values":\[{"address":"0x' ||
	fail "no delta frame of the recording carries values"
frames=$(($(wc -l < "$rec") - 1))
expect_exit 0 "$HEAPVIEW" "$rec" --stats --types --frame=$frames
sed -n "s/^    str at 0x[0-9a-f]*: \('survivor-[0-9]\{4\}'\)\$/\1/p" \
    "$HV_TMP/out" > "$HV_TMP/shown"
[ -s "$HV_TMP/shown" ] ||
	fail "frame $frames lists no survivor by value: $(sed -n '/^Pinned arenas/,$p' "$HV_TMP/out" | head -20)"
while IFS= read -r v; do
	grep -qxF "value $v" "$HV_TMP/own.txt" ||
	    fail "frame $frames shows $v, which the target did not keep"
done < "$HV_TMP/shown"
finish
