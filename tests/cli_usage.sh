#!/bin/sh
# Command-line handling: --help, --version, usage errors exit 2 with one line;
# a --log that cannot be written is an error (exit 1, one line), before any
# work is done.
. "${HV_SRCDIR:-.}/tests/lib.sh"

expect_exit 0 "$HEAPVIEW" --help && expect_grep '^Usage: heapview' "$HV_TMP/out"
# --types changes the TUI too: it is listed under Options, not under the
# outputs that replace the TUI.
awk '/^[A-Z]/ { section = $0 } /^ .*--types / { print section }' "$HV_TMP/out" > "$HV_TMP/section"
echo "Options:" | diff -u - "$HV_TMP/section" >&2 || fail "--help lists --types outside Options"
expect_exit 0 "$HEAPVIEW" --version && expect_grep '^heapview [0-9]' "$HV_TMP/out"
expect_exit 0 "$HEAPVIEW" -v

for args in "" "--bogus" "--pid" "--pid=abc" "--pid=0" "--interval=0 --pid=1" \
    "--theme=pink --pid=1" "--pid=1 --stats --dump" "--pid=1 x.json" "--" \
    "--frame=1 --pid=1" "--no-tui --pid=1" "--bench=0 --pid=1" \
    "--frame=0 x.jsonl" "--why=zz --pid=1" "--why= --pid=1" \
    "--why=0x10 --stats --pid=1" "--why=0x10 x.json" \
    "--key-frames=every --pid=1" "--key-frames=some --record=x --pid=1" \
    "--record=y.jsonl --frame=2 x.jsonl" \
    "--threads=0 --pid=1" "--threads=65 --pid=1" "--threads=x --pid=1"; do
	# shellcheck disable=SC2086
	expect_exit 2 "$HEAPVIEW" $args || continue
	[ "$(wc -l < "$HV_TMP/err")" -eq 1 ] || fail "'$args': usage error is not one line"
	expect_grep "try 'heapview --help'" "$HV_TMP/err"
done

snap=$HV_SRCDIR/tests/data/snapshot/blocks.json
# --why on a snapshot: the objects' bytes are not in it.
expect_exit 2 "$HEAPVIEW" --why=0x10 "$snap" &&
    expect_grep "^heapview: --why reads the objects' bytes, which a snapshot does not hold" "$HV_TMP/err"
for log in /nonexistent/dir/x.log "$HV_TMP"; do
	expect_exit 1 "$HEAPVIEW" --log="$log" "$snap" --stats || continue
	[ "$(wc -l < "$HV_TMP/err")" -eq 1 ] || fail "--log=$log: $(cat "$HV_TMP/err")"
	expect_grep "^heapview: --log: $log: " "$HV_TMP/err"
	[ -s "$HV_TMP/out" ] && fail "--log=$log: a report was written anyway"
done
expect_exit 0 "$HEAPVIEW" --log="$HV_TMP/log.txt" "$snap" --stats
[ -f "$HV_TMP/log.txt" ] || fail "--log=FILE did not create FILE"
finish
