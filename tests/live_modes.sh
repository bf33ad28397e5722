#!/bin/sh
# Launch mode (-- CMD), --freeze and --bench against a real interpreter.
. "${HV_SRCDIR:-.}/tests/lib.sh"

py=$(hv_interpreters | awk '$1 == "pyenv-3.12" || $1 == "debian-3.11" { print $2; exit }')
[ -n "$py" ] || py=$(hv_interpreters | awk 'NR == 1 { print $2 }')
[ -n "$py" ] || skip "no CPython on this machine"

# -- CMD: the heap is read once visible; the child's exit is reported.
expect_exit 0 "$HEAPVIEW" --stats -- "$py" -c \
    'import time; x = [str(i) for i in range(100000)]; time.sleep(1)' &&
	expect_grep '^Small block threshold' "$HV_TMP/out" &&
	expect_grep 'exited with status 0' "$HV_TMP/err"

# SIGTERM to heapview reaches the child.
"$HEAPVIEW" --stats -- "$py" -c 'import time; print("up"); time.sleep(60)' \
    >"$HV_TMP/out2" 2>"$HV_TMP/err2" &
hv=$!
i=0
while ! grep -q '^up' "$HV_TMP/out2" 2>/dev/null && [ $i -lt 200 ]; do
	sleep 0.05; i=$((i + 1))
done
kill -TERM "$hv"
wait "$hv"
expect_grep 'killed by signal 15' "$HV_TMP/err2"

# --freeze: the same exact stats, and the target is left running.
hv_start_target "$py"
expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --freeze --stats
hv_pymalloc_section "$HV_TMP/own.txt" > "$HV_TMP/want"
hv_pymalloc_section "$HV_TMP/out" > "$HV_TMP/got"
diff -u "$HV_TMP/want" "$HV_TMP/got" >&2 || fail "--freeze stats differ"
state=$(awk '{ print $3 }' "/proc/$TARGET_PID/stat")
case $state in
T|t) fail "target left stopped (state $state)" ;;
esac
grep -q '^TracerPid:[[:space:]]*0$' "/proc/$TARGET_PID/status" ||
	fail "target still traced after --freeze"

# --bench=N prints exactly five lines in the documented form.
expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --bench=3
[ "$(wc -l < "$HV_TMP/out")" -eq 5 ] || fail "--bench printed $(wc -l < "$HV_TMP/out") lines"
expect_grep '^discovery: [0-9.]* ms$' "$HV_TMP/out"
expect_grep '^pool-level capture: min [0-9.]* ms, median [0-9.]* ms ([0-9]* pools)$' "$HV_TMP/out"
expect_grep '^block-level capture: min [0-9.]* ms, median [0-9.]* ms ([0-9]* bytes read)$' "$HV_TMP/out"
expect_grep '^smaps read: min [0-9.]* ms, median [0-9.]* ms ([0-9]* bytes)$' "$HV_TMP/out"
expect_grep '^resident breakdown: min [0-9.]* ms, median [0-9.]* ms ([0-9]* mappings, [0-9]* arenas)$' "$HV_TMP/out"
# --bench=N --types: nine lines, each the form the man page gives.
expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --bench=2 --types
[ "$(wc -l < "$HV_TMP/out")" -eq 9 ] ||
	fail "--bench --types printed $(wc -l < "$HV_TMP/out") lines"
sed 's/\\-/-/g; s/\\(em/--/g' "$HV_SRCDIR/man/heapview.1" > "$HV_TMP/man"
sed -n 's/^\([a-z -]*\): min [0-9.]* ms, median [0-9.]* ms.*/\1/p' \
    "$HV_TMP/out" > "$HV_TMP/timed"
[ "$(wc -l < "$HV_TMP/timed")" -eq 8 ] || fail "--bench --types: not eight timed lines"
while read -r what; do
	grep -q "\"$what: min X ms, median Y ms" "$HV_TMP/man" ||
		fail "the man page does not give --bench's line '$what: ...'"
done < "$HV_TMP/timed"
kill "$TARGET_PID"
finish
