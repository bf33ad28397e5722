#!/bin/sh
# The bundled recording loads, is a real capture (its stats add up), and
# carries the experiment's labelled phases, in order, and the block types
# that name the survivors.
. "${HV_SRCDIR:-.}/tests/lib.sh"

rec="$HV_SRCDIR/data/recordings/fragmentation.jsonl"
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
f=0
while [ "$f" -lt "$n" ]; do
	"$HEAPVIEW" "$rec" --stats --frame="$f" > "$HV_TMP/f" || fail "frame $f does not load"
	u=$(sed -n 's/^utilisation: \([0-9]*\)\..*/\1/p' "$HV_TMP/f")
	a=$(sed -n 's/^# arenas allocated current *= *//p' "$HV_TMP/f")
	[ "$a" -gt "$peak" ] && peak=$a
	if [ "$u" -lt 20 ] && [ $((a * 2)) -ge "$peak" ] && [ "$peak" -ge 8 ]; then
		pinned=yes
		# Recorded with --types: the pinned arenas are named, with
		# the surviving strings in them.
		p=$(sed -n 's/^Pinned arenas (less than 10% live): \([0-9]*\) arenas.*/\1/p' "$HV_TMP/f")
		[ "${p:-0}" -ge $((a / 2)) ] ||
			fail "frame $f: $a arenas at $u% but ${p:-no} pinned ones"
		grep -q '^  arena [0-9]* at 0x[0-9a-f]*: .*: [0-9]* str' "$HV_TMP/f" ||
			fail "frame $f: no pinned arena names its str survivors"
	fi
	f=$((f + 3))
done
[ "$pinned" = yes ] || fail "no frame shows survivors pinning the arenas"
finish
