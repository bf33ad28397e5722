#!/bin/sh
# The man page documents every long option that --help lists, and --help
# lists every option the man page documents; the page formats cleanly.
. "${HV_SRCDIR:-.}/tests/lib.sh"

man="$HV_SRCDIR/man/heapview.1"
expect_exit 0 "$HEAPVIEW" --help
grep -o -- '--[a-z][a-z-]*' "$HV_TMP/out" | sort -u > "$HV_TMP/help"
# In roff a dash is written \-.
sed 's/\\-/-/g' "$man" | grep -o -- '--[a-z][a-z-]*' | sort -u > "$HV_TMP/man"
for opt in $(cat "$HV_TMP/help"); do
	grep -qx -- "$opt" "$HV_TMP/man" || fail "man page lacks $opt"
done
for opt in $(cat "$HV_TMP/man"); do
	case $opt in --cap-add) continue ;; esac
	grep -qx -- "$opt" "$HV_TMP/help" || fail "--help lacks $opt (in the man page)"
done
# And it formats without a warning (an unknown glyph shows as nothing).
if command -v groff >/dev/null 2>&1; then
	groff -man -Tutf8 -ww -z "$man" 2>"$HV_TMP/warn"
	[ -s "$HV_TMP/warn" ] && fail "groff warns: $(head -3 "$HV_TMP/warn")"
fi
finish
