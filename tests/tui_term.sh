#!/bin/sh
# A terminal that cannot move the cursor (TERM=dumb) or that terminfo does
# not know: one line on stderr, exit 1, the terminal as it was -- not a
# blank screen that waits for a key.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

for term in dumb no-such-terminal; do
	tui_start 80 24 TERM=$term -- --demo
	tui_exited 1
	# the pane: the message, EXIT=1, the modes
	grep -v '^$' "$HV_TMP/screen" > "$HV_TMP/lines"
	[ "$(wc -l < "$HV_TMP/lines")" -eq 3 ] ||
	    fail "TERM=$term: not one line before the exit status:
$(cat "$HV_TMP/screen")"
	head -n 1 "$HV_TMP/lines" | grep -q "^heapview: .*TERM=$term" ||
	    fail "TERM=$term: the message does not name the terminal: $(head -n 1 "$HV_TMP/lines")"
done
finish
