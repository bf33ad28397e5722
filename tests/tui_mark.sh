#!/bin/sh
# The mark in replay (m, M): on a typed recording, mark frame 3 and step to
# frame 9.  The header names the mark; the map and the pool view draw the
# cells and blocks new since it with their glyph, and the map's key counts
# them as --diff does; the types view's new and gone columns agree row by
# row with `heapview FILE --stats --types --frame=9 --diff=FILE@3`; M clears
# it all.  Then on the fragmentation recording the arena detail of a pinned
# arena names the new objects that pin it, as --diff lists them.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

rec="$HV_SRCDIR/tests/data/snapshot/types.jsonl"

# --diff's partitions as "new|gone COUNT BYTES NAME" lines, raw blocks as
# the type "(raw)".
cli_parts() {
	awk '/^New since/ { sec = "new"; next }
	    /^Gone since/ { sec = "gone"; next }
	    /^Pinned arenas/ { sec = ""; next }
	    sec != "" && /^ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ / {
		name = $8
		for (i = 9; i <= NF; i++)
			name = name " " $i
		print sec, $2, $4, name
	    }
	    sec != "" && /^Also [0-9]+ allocated block/ {
		print sec, $2, $(NF - 1), "(raw)"
	    }'
}

# The types view's rows as "new|gone COUNT BYTES NAME" lines, for the
# columns that are not "-"; BYTES is "?" when not shown in bytes.
tui_parts() {
	awk 'heads && NF >= 7 && $1 ~ /^[0-9]+$/ {
		i = 4
		for (k = 0; k < 2; k++) {
			side = k == 0 ? "new" : "gone"
			if ($i == "-") {
				i += 2
				continue
			}
			n[k] = $i
			b[k] = $(i + 2) == "B" ? $(i + 1) : "?"
			i += 3
			out[k] = side " " n[k] " " b[k]
		}
		name = $i
		for (j = i + 1; j <= NF; j++)
			name = name " " $j
		for (k = 0; k < 2; k++)
			if (out[k] != "")
				print out[k], name
		out[0] = out[1] = ""
		next
	    }
	    /^ *count +bytes +new +new bytes +gone +gone bytes +name/ { heads = 1 }' \
	    "$HV_TMP/screen"
}

"$HEAPVIEW" "$rec" --stats --types --frame=9 --diff="$rec@3" > "$HV_TMP/cli" ||
    fail "--diff failed"
cli_parts < "$HV_TMP/cli" | sort > "$HV_TMP/cli.parts"
[ -s "$HV_TMP/cli.parts" ] || fail "no partition rows in the --diff output"
new_objects=$(awk '/^New since/ { getline; print $6; exit }' "$HV_TMP/cli")
gone_objects=$(awk '/^Gone since/ { getline; print $6; exit }' "$HV_TMP/cli")
new_raw=$(awk '$1 == "new" && $4 == "(raw)" { print $2 }' "$HV_TMP/cli.parts")
new_blocks=$((new_objects + ${new_raw:-0}))

tui_start 120 40 -- "$rec"
tui_expect "frame 1/14" "the first frame"
tui_keys . .
tui_expect "frame 3/14" "frame 3"
tui_expect_not "mark: frame" "no mark yet"
tui_keys m
tui_expect "mark: frame 3, t+1.0s" "the mark in the header"
tui_keys . . . . . .
tui_expect "frame 9/14" "frame 9"
tui_expect "mark: frame 3, t+1.0s" "the mark kept while stepping"

# The map: marked cells, and their key with --diff's count of new blocks
# (objects and raw blocks).
tui_expect "^ arena map .* ◆ $new_blocks new blocks since the mark" \
    "the map's key to the new blocks"
tui_expect "^ *[0-9]* .*◆" "marked cells in the map"
# The pool view of a pool with new blocks: the cursor moves right until the
# map's cursor line says the pool holds some.
n=0
while tui_screen && ! grep -q "^ arena .* [1-9][0-9]* new since the mark" "$HV_TMP/screen"; do
	[ $n -lt 40 ] || break
	tui_keys Right
	sleep 0.1
	n=$((n + 1))
done
tui_expect "^ arena .* pool .* [1-9][0-9]* new since the mark" \
    "the map's cursor line on a pool with new blocks"
tui_keys Enter
tui_expect "^ pool [0-9]* of arena .* ◆ [1-9][0-9]* new blocks* since the mark" \
    "the pool view's key to its new blocks"
tui_expect "^+0x[0-9a-f]* .*◆" "marked blocks in the pool view"
tui_keys Escape
tui_expect "^ arena map" "back to the map"

# The types view: totals and per row as --diff prints them.
tui_keys Tab Tab Tab Tab
tui_expect "^ types  since the mark $new_objects new (.*), $gone_objects gone" \
    "the types view's totals since the mark"
tui_expect "count *bytes *new *new bytes *gone *gone bytes *name" \
    "the new and gone columns"
tui_screen
tui_parts | sort > "$HV_TMP/tui.parts"
[ -s "$HV_TMP/tui.parts" ] || fail "no new or gone counts in the types view:
$(cat "$HV_TMP/screen")"
# Every count the view shows is --diff's; every new row of --diff is in
# the view (all of them are types of the frame shown); a gone type is in
# the view when it still has objects.
while read -r side count bytes name; do
	want=$(awk -v s="$side" -v n="$name" '$1 == s && substr($0, index($0, $4)) == n { print $2, $3 }' \
	    "$HV_TMP/cli.parts")
	[ -n "$want" ] || { fail "the view shows $side $count $name, --diff has none"; continue; }
	[ "$count" = "${want% *}" ] || fail "$side $name: view $count, --diff ${want% *}"
	[ "$bytes" = "?" ] || [ "$bytes" = "${want#* }" ] ||
	    fail "$side $name bytes: view $bytes, --diff ${want#* }"
done < "$HV_TMP/tui.parts"
while read -r side count bytes name; do
	[ "$side" = new ] || continue
	grep -q "^new $count [0-9?]* $name\$" "$HV_TMP/tui.parts" ||
	    fail "--diff's new $count $name is not in the view:
$(cat "$HV_TMP/screen")"
done < "$HV_TMP/cli.parts"

# M clears: no mark in the header, no marked cells, the usual columns.
tui_keys M
tui_expect "mark cleared" "M"
tui_expect "count *bytes *share *untracked *name" "the types view without the mark"
tui_expect_not "mark: frame" "the header without the mark"
tui_keys Tab
tui_expect "^ arena map" "the map"
tui_expect_not "◆" "no marked cells once cleared"

# A mark kept across Tab and a new mark replaces the old one.
tui_keys m
tui_expect "mark: frame 9, t+4.0s" "the mark at frame 9"
tui_expect "◆ 0 new blocks since the mark" "nothing new against itself"
tui_keys q
tui_exited 0

# The arena detail of a pinned arena: the new objects that pin it.
frag="$HV_SRCDIR/data/recordings/fragmentation.jsonl"
"$HEAPVIEW" "$frag" --stats --types --frame=30 --diff="$frag@1" > "$HV_TMP/cli2" ||
    fail "--diff on the fragmentation recording failed"
tui_start 120 40 -- "$frag"
tui_expect "frame 1/68" "the first frame"
tui_keys m
tui_expect "mark: frame 1, t+0.0s" "the mark"
i=1
while [ $i -lt 30 ]; do
	tui_keys .
	i=$((i + 1))
done
tui_expect "frame 30/68" "frame 30"
tui_keys a
tui_expect "^ arena [0-9]* at 0x" "the arena detail"
tui_keys PgDn
tui_expect "PINNED" "a pinned arena"
tui_screen
idx=$(awk '/^ arena [0-9]* at 0x/ { print $2; exit }' "$HV_TMP/screen")
want=$(awk -v a="$idx" '/^Pinned arenas .* new since/ { on = 1; next }
    on && $1 == "arena" && $2 == a { sub(/.*live bytes \([0-9.]*%\), /, ""); print; exit }' \
    "$HV_TMP/cli2")
[ -n "$want" ] || fail "arena $idx is not among --diff's pinned arenas"
# "1 new object: 1 str" in --diff, "◆ 1 new object since the mark pin it: 1 str"
n=${want%% new*}
list=${want#*: }
tui_expect "^ ◆ $n new objects* since the mark pin it: $list" \
    "the new objects that pin arena $idx"
tui_keys q
tui_exited 0
finish
