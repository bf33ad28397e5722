#!/bin/sh
# --svg: pictures of frames.  Each picture parses as XML and shows what the
# snapshot of the same frame holds -- a cell per pool in its state (map), a
# cell per pool in address order (strip), the rows of _debugmallocstats
# (classes) -- counted by tests/svg_check.py from the SVG and the JSON, not
# by heapview's drawing code; every style rule can reach the cells (a used
# pool's bar is yellow, not red).  The slides theme is black and white only;
# labels are escaped; a directory gets one file per frame; live, one capture.
. "${HV_SRCDIR:-.}/tests/lib.sh"

python3 -c 'import xml.etree.ElementTree, json' 2>/dev/null ||
	skip "python3 with xml.etree is not here"
check="python3 $HV_SRCDIR/tests/svg_check.py"
rec="$HV_SRCDIR/data/recordings/fragmentation.jsonl"
n=$("$HEAPVIEW" "$rec" --stats | sed -n 's/^recording: \([0-9]*\) frames.*/\1/p')
[ -n "$n" ] || fail "no frame count from --stats"

# Every view in every theme, at the start, the fragmented middle, the end.
for f in 1 30 "$n"; do
	"$HEAPVIEW" "$rec" --frame="$f" --dump > "$HV_TMP/f.json" ||
		fail "--dump of frame $f"
	"$HEAPVIEW" "$rec" --frame="$f" --stats > "$HV_TMP/f.txt" ||
		fail "--stats of frame $f"
	for theme in color mono slides; do
		for view in map strip classes; do
			svg="$HV_TMP/$f-$theme-$view.svg"
			expect_exit 0 "$HEAPVIEW" "$rec" --frame="$f" \
			    --theme="$theme" --view="$view" --svg="$svg" ||
				continue
			[ -s "$HV_TMP/out" ] && fail "--svg=FILE printed: $(cat "$HV_TMP/out")"
			case $view in
			classes) data=$HV_TMP/f.txt ;;
			*) data=$HV_TMP/f.json ;;
			esac
			$check "$view" "$svg" "$data" >&2 ||
				fail "frame $f $theme $view"
			$check styles "$svg" >&2 || fail "frame $f $theme $view: styles"
			if [ "$theme" = slides ]; then
				$check slides "$svg" >&2 || fail "frame $f $view slides"
			fi
		done
	done
done
# The census of a capture made with --types, as --stats --types lists it.
for f in 30 "$n"; do
	"$HEAPVIEW" "$rec" --frame="$f" --stats --types > "$HV_TMP/t.txt"
	expect_exit 0 "$HEAPVIEW" "$rec" --frame="$f" --view=types \
	    --svg="$HV_TMP/$f-types.svg" &&
		$check types "$HV_TMP/$f-types.svg" "$HV_TMP/t.txt" >&2 ||
		fail "frame $f types"
done
# The picture says what the TUI's header and totals say.
$check text "$HV_TMP/30-color-map.svg" "frame 30/$n" >&2 || fail "frame number"
$check text "$HV_TMP/30-color-map.svg" "arenas 16 " >&2 || fail "totals"
label=$(grep -o '"label": *"[^"]*"' "$rec" | tail -1 | sed 's/.*: *"//; s/"$//')
$check text "$HV_TMP/$n-color-map.svg" "$label" >&2 || fail "the phase's label"
$check slides "$HV_TMP/30-color-map.svg" >/dev/null 2>&1 &&
	fail "the color theme's picture is black and white"

# A directory: every frame, or a range, named by frame number.
expect_exit 0 "$HEAPVIEW" "$rec" --svg="$HV_TMP/all"
[ "$(ls "$HV_TMP/all" | wc -l)" -eq "$n" ] ||
	fail "$(ls "$HV_TMP/all" | wc -l) files for $n frames"
expect_grep "wrote $n pictures" "$HV_TMP/err"
expect_exit 0 "$HEAPVIEW" "$rec" --svg="$HV_TMP/some" --frame=2-4 --theme=slides
[ "$(ls "$HV_TMP/some" | tr '\n' ' ')" = "frame-0002.svg frame-0003.svg frame-0004.svg " ] ||
	fail "--frame=2-4 wrote: $(ls "$HV_TMP/some")"
cmp -s "$HV_TMP/all/frame-0030.svg" "$HV_TMP/30-color-map.svg" ||
	fail "frame 30 in a directory differs from --svg=FILE.svg --frame=30"

# A capture without types has no census to draw.
"$HEAPVIEW" "$rec" --frame=30 --dump > "$HV_TMP/notypes.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("types",None); [p.pop("types",None) for a in d["arenas"] for p in a["pools"]]; d.pop("values",None); json.dump(d,open(sys.argv[1],"w"))' "$HV_TMP/notypes.json"
expect_exit 1 "$HEAPVIEW" "$HV_TMP/notypes.json" --view=types --svg="$HV_TMP/nt.svg"
expect_grep "has no block types: it was captured without --types" "$HV_TMP/err"

# Markup and control characters in a label stay text.
head -1 "$rec" > "$HV_TMP/odd.jsonl"
sed -n 2p "$rec" | sed 's/"t":/"label":"<b>\&amp; \\u0001 \\"x\\"<\/b>","t":/' >> "$HV_TMP/odd.jsonl"
expect_exit 0 "$HEAPVIEW" "$HV_TMP/odd.jsonl" --svg="$HV_TMP/odd.svg"
$check text "$HV_TMP/odd.svg" '<b>&amp; ? "x"</b>' >&2 || fail "the odd label"

# Usage errors (exit 2) and a directory that cannot be made (exit 1).
for args in "--view=map" "--svg=$HV_TMP/x --view=bogus" "--svg=$HV_TMP/x --frame=3-2" \
    "--svg=$HV_TMP/x.svg --frame=1-3" "--stats --frame=1-3" "--stats --svg=$HV_TMP/x" \
    "--svg="; do
	# shellcheck disable=SC2086
	expect_exit 2 "$HEAPVIEW" "$rec" $args &&
		[ "$(wc -l < "$HV_TMP/err")" -eq 1 ] || fail "$args: $(cat "$HV_TMP/err")"
done
expect_exit 1 "$HEAPVIEW" "$rec" --svg="$HV_TMP/none/dir"
[ "$(wc -l < "$HV_TMP/err")" -eq 1 ] || fail "no such parent: $(cat "$HV_TMP/err")"
expect_grep "$HV_TMP/none/dir: No such file" "$HV_TMP/err"
expect_exit 1 "$HEAPVIEW" "$rec" --svg="$HV_TMP/none/x.svg"
expect_grep "$HV_TMP/none/x.svg: No such file" "$HV_TMP/err"

# Live: one capture, the same as a snapshot of the stopped target.
py=$(hv_interpreters | awk '$1 != "pyenv-2.7" { print $2; exit }')
if [ -n "$py" ]; then
	hv_start_target "$py"
	kill -STOP "$TARGET_PID"
	expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --svg="$HV_TMP/live.svg" --theme=slides
	"$HEAPVIEW" --pid "$TARGET_PID" --dump > "$HV_TMP/live.json" || fail "live --dump"
	$check map "$HV_TMP/live.svg" "$HV_TMP/live.json" >&2 || fail "live map"
	$check text "$HV_TMP/live.svg" "pid $TARGET_PID" >&2 || fail "live header"
	expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --svg="$HV_TMP/live" --view=strip
	[ -f "$HV_TMP/live/frame-0001.svg" ] || fail "live --svg=DIR: $(ls "$HV_TMP/live")"
	kill -CONT "$TARGET_PID"
fi
finish
