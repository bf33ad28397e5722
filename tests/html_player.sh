#!/bin/sh
# --html: one page that plays a recording.  It is self-contained (nothing
# fetched), opens in a real headless Chromium with no console error, draws
# the first frame's pools as the snapshot of that frame has them, steps
# with the TUI's keys (tests/html_check.py drives it through chromedriver);
# a range starts in the phase it is in; bad uses are one-line errors.
. "${HV_SRCDIR:-.}/tests/lib.sh"

command -v python3 >/dev/null || skip "python3 is not here"
rec="$HV_SRCDIR/data/recordings/fragmentation.jsonl"

expect_exit 0 "$HEAPVIEW" "$rec" --html="$HV_TMP/all.html"
expect_grep "wrote $HV_TMP/all.html ([0-9]* frames)" "$HV_TMP/err"
grep -Eq 'src=|href="http|@import|url\(' "$HV_TMP/all.html" &&
	fail "the page fetches something: $(grep -Eo 'src=[^ ]*|href="http[^"]*|@import|url\([^)]*' "$HV_TMP/all.html" | head -3)"
for f in 1 2 30 31; do
	"$HEAPVIEW" "$rec" --frame=$f --dump > "$HV_TMP/$f.json" || fail "--dump of frame $f"
done

# The phase a range starts in is its first frame's label.
expect_exit 0 "$HEAPVIEW" "$rec" --html="$HV_TMP/some.html" --frame=30-31 --theme=slides
phase=$(grep -o '"label": *"[^"]*"' "$rec" | sed -n 3p | sed 's/.*: *"//; s/"$//')
grep -q "\"label\":\"$phase\"" "$HV_TMP/some.html" ||
	fail "frame 30's phase '$phase' is not in the page"

# Usage errors (2), an unwritable page (1).
for args in "--pid=1 --html=$HV_TMP/x.html" "$rec --html=" \
    "$rec --stats --html=$HV_TMP/x.html" "$rec --svg=$HV_TMP/d --html=$HV_TMP/x.html"; do
	# shellcheck disable=SC2086
	expect_exit 2 "$HEAPVIEW" $args &&
		[ "$(wc -l < "$HV_TMP/err")" -eq 1 ] || fail "$args: $(cat "$HV_TMP/err")"
done
expect_exit 1 "$HEAPVIEW" "$rec" --html="$HV_TMP/none/x.html"
expect_grep "$HV_TMP/none/x.html: No such file" "$HV_TMP/err"

# In the browser: frames 1 and 2 of the whole recording, 30 and 31 of the range.
python3 "$HV_SRCDIR/tests/html_check.py" "$HV_TMP/all.html" "$HV_TMP/1.json" "$HV_TMP/2.json" >&2
rc=$?
[ $rc -eq 77 ] && skip "chromium or chromedriver is not here"
[ $rc -eq 0 ] || fail "the whole recording's page"
python3 "$HV_SRCDIR/tests/html_check.py" "$HV_TMP/some.html" "$HV_TMP/30.json" "$HV_TMP/31.json" >&2 ||
	fail "the page of frames 30-31"
finish
