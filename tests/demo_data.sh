#!/bin/sh
# The bundled recording loads, is a real capture (its stats add up), and
# carries the experiment's labelled phases, in order, and the block types
# that name the survivors and the values that show them.  --demo is that file for every mode: --stats,
# --dump, --frame and --types give what they give for the file's path, with
# no terminal.
. "${HV_SRCDIR:-.}/tests/lib.sh"

rec="$HV_SRCDIR/data/recordings/fragmentation.jsonl"
demo() {
	HEAPVIEW_DATADIR="$HV_SRCDIR/data" "$HEAPVIEW" --demo "$@" < /dev/null
}
for args in "--stats" "--dump" "--stats --frame=2" "--dump --frame=2" \
    "--stats --types"; do
	# shellcheck disable=SC2086
	expect_exit 0 demo $args || continue
	mv "$HV_TMP/out" "$HV_TMP/demo.out"
	[ -s "$HV_TMP/err" ] && fail "--demo $args: $(cat "$HV_TMP/err")"
	# shellcheck disable=SC2086
	"$HEAPVIEW" "$rec" $args > "$HV_TMP/file.out" 2>&1 ||
		fail "$rec $args failed"
	cmp -s "$HV_TMP/file.out" "$HV_TMP/demo.out" ||
		fail "--demo $args differs from $rec $args"
done
expect_grep '^Types$' "$HV_TMP/file.out"
HEAPVIEW_DATADIR="$HV_TMP/none" "$HEAPVIEW" --demo --stats > "$HV_TMP/out" 2> "$HV_TMP/err"
[ $? -eq 1 ] || fail "--demo without its recording did not exit 1"
[ "$(wc -l < "$HV_TMP/err")" -eq 1 ] || fail "--demo without its recording: $(cat "$HV_TMP/err")"
expect_grep "^heapview: $HV_TMP/none/recordings/fragmentation.jsonl: " "$HV_TMP/err"

expect_exit 0 "$HEAPVIEW" "$rec" --stats
expect_grep '^recording: [0-9]* frames, [0-9.]* seconds$' "$HV_TMP/out"
expect_grep '^Total  *= ' "$HV_TMP/out"
grep -o '"label": *"[^"]*"' "$rec" | sed 's/.*: *"//; s/"$//' > "$HV_TMP/labels"
for want in "strings of growing size" "del of everything" "still mapped" \
    "reuse the holes"; do
	grep -q "$want" "$HV_TMP/labels" || fail "no phase labelled '$want'"
done
# Survivors pin the arenas: after the del, utilisation is low while at
# least half of the arenas of the peak stay mapped.
n=$(sed -n 's/^recording: \([0-9]*\) frames.*/\1/p' "$HV_TMP/out")
peak=0 pinned=no
f=1
while [ "$f" -le "$n" ]; do
	"$HEAPVIEW" "$rec" --stats --frame="$f" > "$HV_TMP/f" || fail "frame $f does not load"
	u=$(sed -n 's/^utilisation: \([0-9]*\)\..*/\1/p' "$HV_TMP/f")
	a=$(sed -n 's/^# arenas allocated current *= *//p' "$HV_TMP/f")
	[ "$a" -gt "$peak" ] && peak=$a
	if [ "$u" -lt 20 ] && [ $((a * 2)) -ge "$peak" ] && [ "$peak" -ge 8 ]; then
		pinned=yes
		# Recorded with --types: the pinned arenas are named, with
		# the surviving strings in them.
		p=$(sed -n 's/^Pinned arenas (less than 10% live): \([0-9]*\) arenas* holds* .*/\1/p' "$HV_TMP/f")
		[ "${p:-0}" -ge $((a / 2)) ] ||
			fail "frame $f: $a arenas at $u% but ${p:-no} pinned ones"
		grep -q '^  arena [0-9]* at 0x[0-9a-f]*: .*: [0-9]* str' "$HV_TMP/f" ||
			fail "frame $f: no pinned arena names its str survivors"
		# ... and shows them by value (the frame's "values").
		grep -q "^    str at 0x[0-9a-f]*: 'x*'" "$HV_TMP/f" ||
			fail "frame $f: no survivor string shown by value"
	fi
	f=$((f + 3))
done
[ "$pinned" = yes ] || fail "no frame shows survivors pinning the arenas"
finish
