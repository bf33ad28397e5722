# Sourced by tests/live_stats_*.sh with $INTERP set (a name from
# hv_interpreters): heapview --stats on a live target prints the pymalloc
# section that the target's own sys._debugmallocstats() printed, with
# symbols and with the symbol-free path forced, with and without
# PYTHONMALLOC=pymalloc_debug.
. "${HV_SRCDIR:-.}/tests/lib.sh"

py=$(hv_interpreter "$INTERP") || exit 77

for malloc in pymalloc pymalloc_debug; do
	for how in symbols scan; do
		PYTHONMALLOC=$malloc hv_start_target "$py"
		if [ "$how" = scan ]; then
			HEAPVIEW_NO_SYMBOLS=1 expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --stats
		else
			expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --stats
		fi
		hv_pymalloc_section "$HV_TMP/own.txt" > "$HV_TMP/want"
		hv_pymalloc_section "$HV_TMP/out" > "$HV_TMP/got"
		[ -s "$HV_TMP/want" ] || fail "$INTERP printed no pymalloc stats"
		if ! diff -u "$HV_TMP/want" "$HV_TMP/got" > "$HV_TMP/diff"; then
			fail "$INTERP $malloc $how: pymalloc section differs:"
			cat "$HV_TMP/diff" >&2
		fi
		expect_grep '^utilisation: ' "$HV_TMP/out"
		expect_grep '^pools found invalid: 0$' "$HV_TMP/out"
		kill "$TARGET_PID"; wait "$TARGET_PID" 2>/dev/null
	done
done
finish
