#!/bin/sh
# The bundled recording loads, is a real capture (its stats add up), and
# carries the experiment's labelled phases, in order.
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
	[ "$u" -lt 20 ] && [ $((a * 2)) -ge "$peak" ] && [ "$peak" -ge 8 ] && pinned=yes
	f=$((f + 3))
done
[ "$pinned" = yes ] || fail "no frame shows survivors pinning the arenas"
finish
