# Sourced by tests/live_stats_*.sh with $INTERP set (a name from
# hv_interpreters): heapview --stats on a live target prints the pymalloc
# section that the target's own sys._debugmallocstats() printed, with
# symbols and with the symbol-free path forced, with and without
# PYTHONMALLOC=pymalloc_debug; and a --dump of the same heap loads back
# (FILE --stats) to the same section.
#
# 2.7 has neither sys._debugmallocstats() nor PYTHONMALLOC: the section to
# expect is what tests/pymalloc_oracle.py, a reader of the target's memory
# written apart from heapview, computes for the idle target.
. "${HV_SRCDIR:-.}/tests/lib.sh"

py=$(hv_interpreter "$INTERP") || exit 77

mallocs="pymalloc pymalloc_debug"
oracle=
if "$py" -c 'import sys; sys.exit(hasattr(sys, "_debugmallocstats"))'; then
	command -v python3 >/dev/null || skip "the $INTERP oracle needs python3"
	command -v nm >/dev/null || skip "the $INTERP oracle needs nm"
	mallocs=pymalloc
	oracle=$HV_SRCDIR/tests/pymalloc_oracle.py
fi

for malloc in $mallocs; do
	for how in symbols scan; do
		PYTHONMALLOC=$malloc hv_start_target "$py"
		if [ "$how" = scan ]; then
			HEAPVIEW_NO_SYMBOLS=1 expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --stats
		else
			expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --stats
		fi
		if [ -n "$oracle" ]; then
			python3 "$oracle" "$TARGET_PID" > "$HV_TMP/want" ||
			    fail "$INTERP: the oracle could not read the target"
		else
			hv_pymalloc_section "$HV_TMP/own.txt" > "$HV_TMP/want"
		fi
		hv_pymalloc_section "$HV_TMP/out" > "$HV_TMP/got"
		[ -s "$HV_TMP/want" ] || fail "$INTERP printed no pymalloc stats"
		if ! diff -u "$HV_TMP/want" "$HV_TMP/got" > "$HV_TMP/diff"; then
			fail "$INTERP $malloc $how: pymalloc section differs:"
			cat "$HV_TMP/diff" >&2
		fi
		expect_grep '^utilisation: ' "$HV_TMP/out"
		expect_grep '^pools found invalid: 0$' "$HV_TMP/out"
		# A snapshot of the same heap loads back to the same section.
		if [ "$how" = symbols ] && [ "$malloc" = pymalloc ]; then
			expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" \
			    --dump="$HV_TMP/snap.json"
			expect_exit 0 "$HEAPVIEW" "$HV_TMP/snap.json" --stats
			hv_pymalloc_section "$HV_TMP/out" > "$HV_TMP/got"
			diff -u "$HV_TMP/want" "$HV_TMP/got" >&2 ||
			    fail "$INTERP: the loaded snapshot's section differs"
		fi
		kill "$TARGET_PID"; wait "$TARGET_PID" 2>/dev/null
	done
done
finish
