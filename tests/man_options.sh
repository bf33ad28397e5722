#!/bin/sh
# The man page documents every long option that --help lists, and --help
# lists every option the man page documents.
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
finish
