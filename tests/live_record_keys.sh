#!/bin/sh
# A live recording (--record --types --no-tui, key frames chosen by cost)
# of a heap that churns -- bench/churn.py filling and emptying pools in
# bursts -- replays every frame as the same frames rewritten with every
# frame full (--key-frames=every) and rewritten again by cost do.  And a
# live --dump keeps a target's odd arguments (control characters, quotes,
# a backslash, bytes that are not UTF-8) as JSON requires.
. "${HV_SRCDIR:-.}/tests/lib.sh"

command -v python3 >/dev/null || skip "no python3"
py=$(hv_interpreters | awk '$1 == "pyenv-3.12" { print $2 }')
[ -n "$py" ] || py=$(hv_interpreters | awk '$1 != "pyenv-2.7" { print $2; exit }')
[ -n "$py" ] || skip "no CPython 3 on this machine"
same=$HV_SRCDIR/tests/snapshot_same.py

"$py" "$HV_SRCDIR/bench/churn.py" "$HV_TMP/ready" 20000 bursts &
churn=$!
HV_PIDS="$HV_PIDS $churn"
i=0
while [ ! -s "$HV_TMP/ready" ] && [ "$i" -lt 600 ]; do
	kill -0 "$churn" 2>/dev/null || break
	sleep 0.1
	i=$((i + 1))
done
[ -s "$HV_TMP/ready" ] || { fail "churn.py did not start"; finish; }

"$HEAPVIEW" --pid "$churn" --types --record="$HV_TMP/live.jsonl" --no-tui \
    --interval=0.1 2>"$HV_TMP/rec.err" &
rec=$!
sleep 3
kill -INT "$rec"
wait "$rec" || fail "--record exited $?: $(cat "$HV_TMP/rec.err")"
expect_grep 'frames recorded to' "$HV_TMP/rec.err"

expect_exit 0 "$HEAPVIEW" "$HV_TMP/live.jsonl" --record="$HV_TMP/every.jsonl" \
    --key-frames=every
expect_exit 0 "$HEAPVIEW" "$HV_TMP/every.jsonl" --record="$HV_TMP/cost.jsonl"
python3 -c 'import json, sys
for p in sys.argv[1:]:
    lines = open(p).read().splitlines()[1:]
    print(sum("key" not in json.loads(l) for l in lines), len(lines))' \
    "$HV_TMP/live.jsonl" "$HV_TMP/every.jsonl" > "$HV_TMP/counts" ||
    fail "a recording is not JSON Lines"
{ read -r live_full n; read -r every_full every_n; } < "$HV_TMP/counts"
echo "live recording: $n frames, $live_full full" >&2
[ "$n" -ge 1 ] && [ "$every_n" = "$n" ] && [ "$every_full" = "$n" ] ||
    fail "--key-frames=every: $every_full full frames of $every_n, expected $n"
f=1
while [ "$f" -le "$n" ]; do
	for v in live every cost; do
		"$HEAPVIEW" "$HV_TMP/$v.jsonl" --frame="$f" --dump > "$HV_TMP/$v.json" ||
		    fail "$v.jsonl: frame $f does not load"
	done
	python3 "$same" "$HV_TMP/live.json" "$HV_TMP/every.json" \
	    "$HV_TMP/cost.json" >&2 || fail "frame $f differs"
	f=$((f + 1))
done
kill "$churn"

odd=$(printf 'tab\tquote"back\\del\177bad\377end')
"$py" -c 'import sys, time
sys.stderr.write("HEAPVIEW-READY\n"); sys.stderr.flush(); time.sleep(60)' \
    "$odd" 2>"$HV_TMP/odd.err" &
target=$!
HV_PIDS="$HV_PIDS $target"
i=0
while ! grep -qs HEAPVIEW-READY "$HV_TMP/odd.err" && [ "$i" -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
expect_exit 0 "$HEAPVIEW" --pid "$target" --dump="$HV_TMP/odd.json" &&
python3 - "$HV_TMP/odd.json" <<'PY' >&2 || fail "the odd argument did not survive"
import json, sys
argv = json.load(open(sys.argv[1], encoding="utf-8"))["process"]["argv"]
want = 'tab\tquote"back\\del\x7fbad\ufffdend'
assert argv[-1] == want, (argv[-1], want)
PY
finish
