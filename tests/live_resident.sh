# Sourced by tests/live_resident_*.sh with $INTERP set (a name from
# hv_interpreters): heapview --pid --stats accounts for every resident byte
# of tests/data/resident_target.py.  The parts of its Resident memory
# section add up to its total; the total is the target's own VmRSS, read by
# the target after heapview's read, within one page per mapping; the
# mmapped-chunk and thread-arena parts hold at least the bytes the target
# put there; the empty pools it left are found; every thread's stack is
# found.  A snapshot keeps the section.
. "${HV_SRCDIR:-.}/tests/lib.sh"

py=$(hv_interpreter "$INTERP") || exit 77
page=$(getconf PAGESIZE)

hv_start_script "$py" resident_target.py
expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --stats || finish
sed -n '/^Resident memory/,/^Total/p' "$HV_TMP/out" > "$HV_TMP/section"
[ -s "$HV_TMP/section" ] || { fail "$INTERP: no Resident memory section"; finish; }
# The target's own view after heapview has read it.
kill -USR1 "$TARGET_PID"
i=0
until grep -q '^AFTER ' "$HV_TMP/own.txt"; do
	i=$((i + 1))
	[ "$i" -lt 200 ] || { fail "$INTERP: the target did not answer"; finish; }
	sleep 0.05
done
own() { sed -n "s/^AFTER .*$1=\([0-9]*\).*/\1/p" "$HV_TMP/own.txt"; }
part() { awk -F'=' -v l="$1" '{ k = $1; sub(/ +$/, "", k) }
	k == l { split($2, f, " "); gsub(",", "", f[1]); print f[1] }' "$HV_TMP/section"; }

total=$(part Total)
sum=0
for p in "pymalloc arenas" "malloc main heap" "malloc thread arenas" \
    "malloc mmapped chunks" "interpreter, libraries, files" "thread stacks" \
    "other anonymous memory"; do
	v=$(part "$p")
	[ -n "$v" ] || fail "$INTERP: no line '$p'"
	sum=$((sum + ${v:-0}))
done
[ "$sum" = "$total" ] || fail "$INTERP: the parts add up to $sum, not to the total $total"

mappings=$(sed -n 's/^Resident memory (the Rss of \([0-9]*\) mapping.*/\1/p' "$HV_TMP/section")
vmrss=$(own vmrss)
diff=$((total > vmrss ? total - vmrss : vmrss - total))
[ "$diff" -le $((mappings * page)) ] ||
    fail "$INTERP: total $total, the target's VmRSS $vmrss: $diff bytes apart over $mappings mappings"

[ "$(part "malloc mmapped chunks")" -ge "$(own mmapped)" ] ||
    fail "$INTERP: mmapped chunks $(part "malloc mmapped chunks") < the $(own mmapped) bytes the target mmapped"
[ "$(part "malloc thread arenas")" -ge "$(own thread_bytes)" ] ||
    fail "$INTERP: thread arenas $(part "malloc thread arenas") < the $(own thread_bytes) bytes its thread keeps"
# Empty pools the target left resident: found, and no more than the bytes
# of the empty pools and the arenas' alignment slack of the same capture.
empty=$(part "  in pools without a live block")
unused=$(sed -n 's/^[0-9]* unused pools \* [0-9]* bytes *= *\([0-9,]*\)$/\1/p' "$HV_TMP/out" | tr -d ,)
slack=$(sed -n 's/^# bytes lost to arena alignment *= *\([0-9,]*\)$/\1/p' "$HV_TMP/out" | tr -d ,)
[ "$empty" -gt 0 ] || fail "$INTERP: no resident bytes in empty pools"
[ "$empty" -le $((${unused:-0} + ${slack:-0})) ] ||
    fail "$INTERP: $empty bytes in empty pools, more than the $unused bytes of unused pools and $slack of slack"
threads=$(own threads)
grep -q "thread stacks .*  $threads stacks, $threads threads\$" "$HV_TMP/section" ||
    fail "$INTERP: not $threads stacks for $threads threads: $(grep 'thread stacks' "$HV_TMP/section")"

# A snapshot carries the breakdown; loaded, it prints the same section.
expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --dump="$HV_TMP/snap.json"
grep -q '"resident":{"total_bytes":' "$HV_TMP/snap.json" ||
    fail "$INTERP: the snapshot has no resident object"
expect_exit 0 "$HEAPVIEW" "$HV_TMP/snap.json" --stats
sed -n '/^Resident memory/,/^Total/p' "$HV_TMP/out" > "$HV_TMP/loaded"
[ "$(wc -l < "$HV_TMP/loaded")" = 10 ] ||
    fail "$INTERP: the loaded snapshot prints no Resident memory section"

# Every frame of a recording carries it, delta frames too.
rec=$HV_TMP/rec.jsonl
"$HEAPVIEW" --pid "$TARGET_PID" --record="$rec" --no-tui --interval=0.2 \
    >/dev/null 2>"$HV_TMP/rec.err" &
hv=$!
HV_PIDS="$HV_PIDS $hv"
i=0
while [ "$(cat "$rec" 2>/dev/null | wc -l)" -lt 5 ] && [ $i -lt 600 ]; do
	sleep 0.1; i=$((i + 1))
done
kill -INT "$hv"
wait "$hv" || fail "$INTERP: --record ended with $?: $(cat "$HV_TMP/rec.err")"
frames=$(($(wc -l < "$rec") - 1))
[ "$(grep -c '"resident":{"total_bytes":' "$rec")" = "$frames" ] ||
    fail "$INTERP: not every frame of the recording has its resident memory"
grep '"key":' "$rec" | grep -q '"resident":{' ||
    fail "$INTERP: no delta frame carries resident memory"
expect_exit 0 "$HEAPVIEW" "$rec" --stats --frame="$frames"
grep -q '^Resident memory (the Rss of ' "$HV_TMP/out" ||
    fail "$INTERP: frame $frames of the recording prints no Resident memory section"
finish
