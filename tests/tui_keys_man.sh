#!/bin/sh
# The key table (src/tui_keys.c) against man/keys.roff and against the KEYS
# section of man/heapview.1 (from ".SH KEYS" to the next ".SH").  The table
# is printed by tests/unit/print_keys; to refresh man/keys.roff after a
# change of keys: tests/unit/print_keys > man/keys.roff.
. "${HV_SRCDIR:-.}/tests/lib.sh"

print_keys=${HV_BUILDDIR:-.}/tests/unit/print_keys
[ -x "$print_keys" ] || fail "$print_keys is not built"
"$print_keys" > "$HV_TMP/table.roff" || fail "print_keys failed"

if ! diff -u "$HV_SRCDIR/man/keys.roff" "$HV_TMP/table.roff" > "$HV_TMP/diff"; then
	fail "man/keys.roff differs from the key table: $(cat "$HV_TMP/diff")"
	finish
fi

sed -n '/^\.SH KEYS/,/^\.SH/p' "$HV_SRCDIR/man/heapview.1" |
    sed '1!{/^\.SH/d;}' > "$HV_TMP/man.roff"
if [ ! -s "$HV_TMP/man.roff" ]; then
	[ "$hv_failed" = 0 ] || finish
	skip "man/heapview.1 has no KEYS section yet: paste man/keys.roff into it"
fi

# Every key the table names, each in a ".B" line of the page's section...
grep '^\.B "' "$HV_TMP/table.roff" | while IFS= read -r line; do
	grep -qxF -e "$line" "$HV_TMP/man.roff" ||
	    echo "key missing from the man page: $line"
done > "$HV_TMP/missing"
[ -s "$HV_TMP/missing" ] && fail "$(cat "$HV_TMP/missing")"
# ...and the whole section as the table prints it.
diff -u "$HV_TMP/table.roff" "$HV_TMP/man.roff" > "$HV_TMP/diff" ||
    fail "the KEYS section of man/heapview.1 is not the key table; diff: $(cat "$HV_TMP/diff")"
finish
