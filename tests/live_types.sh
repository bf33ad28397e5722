# Sourced by tests/live_types_*.sh with $INTERP set (a name from
# hv_interpreters): heapview --stats --types on a live target
# (tests/data/types_target.py) names its objects by type.
#
# census, with symbols and with the symbol-free path forced (--no-symbols
# and HEAPVIEW_NO_SYMBOLS=1), with and without PYTHONMALLOC=pymalloc_debug:
# the counts of the target's two
# classes (one with a dict, one with __slots__) are the target's own,
# exactly; for list, dict, tuple and set, the blocks heapview finds minus
# those it says the collector does not track are what gc.get_objects()
# counted (less the tuples too big for pymalloc, which are not in its heap).
#
# On 2.7 (no PYTHONMALLOC there, so pymalloc only) the census also holds
# instances of an old-style class, whose type is `instance`: the instances
# heapview finds are those gc.get_objects() lists, and the target's own
# longs and unicode strings show under 2.7's names (long, unicode; str is
# 2.7's bytes).
#
# pinned: after 200,000 instances of a class lose all but one in 1000, the
# arenas that are left are reported as pinned; each arena listed names the
# survivors the target says it holds, by number.
. "${HV_SRCDIR:-.}/tests/lib.sh"

py=$(hv_interpreter "$INTERP") || exit 77
mallocs="pymalloc pymalloc_debug"
py2=
if "$py" -c 'import sys; sys.exit(sys.version_info[0] != 2)'; then
	mallocs=pymalloc
	py2=1
fi

# types_start PYTHON MODE [ARGS...]: tests/data/types_target.py, its stderr
# in $HV_TMP/own.txt; waits for HEAPVIEW-READY and sets $TARGET_PID.
types_start() {
	tpy=$1; shift
	hv_start_script "$tpy" types_target.py "$@"
}

types_stop() {
	kill "$TARGET_PID"; wait "$TARGET_PID" 2>/dev/null
}

# own KEY NAME: a count the target printed ("class HvDictThing 2000").
own() {
	awk -v k="$1" -v n="$2" '$1 == k && $2 == n { print $3; f = 1 }
	    END { if (!f) print "missing" }' "$HV_TMP/own.txt"
}

# hv_count NAME: COUNT of NAME in the Types section of $HV_TMP/out, 0 when
# it has no row.
hv_count() {
	awk -v n="$1" '/^Types$/ { on = 1; next }
	    on && /^ *[0-9]+ +[0-9]+ [^ ]+$/ && $3 == n { c = $1 }
	    on && /objects in .* allocated blocks/ { exit }
	    END { print c + 0 }' "$HV_TMP/out"
}

# hv_untracked NAME: its figure on the "not tracked" line, 0 when absent.
hv_untracked() {
	sed -n 's/^GC objects not tracked by the collector: //p' "$HV_TMP/out" |
	    tr ',' '\n' | awk -v n="$1" '$2 == n { c = $1 } END { print c + 0 }'
}

# census MALLOC HOW: one heapview run on the census target; HOW is symbols,
# no-symbols (the option) or env (HEAPVIEW_NO_SYMBOLS=1).
census() {
	what="$INTERP $1 $2"
	case $2 in
	symbols) set -- ;;
	no-symbols) set -- --no-symbols ;;
	env) set -- HEAPVIEW_NO_SYMBOLS=1 ;;
	esac
	case ${1:-} in
	HEAPVIEW_*) expect_exit 0 env "$1" "$HEAPVIEW" --pid "$TARGET_PID" \
	    --stats --types ;;
	*) expect_exit 0 "$HEAPVIEW" "$@" --pid "$TARGET_PID" --stats --types ;;
	esac || return
	expect_grep '^Types$' "$HV_TMP/out"
	expect_grep '^pools found invalid: 0$' "$HV_TMP/out"
	for c in HvDictThing HvSlotThing; do
		want=$(own class "$c")
		got=$(hv_count "$c")
		[ "$want" != missing ] && [ "$want" -gt 0 ] ||
		    fail "$what: the target counted no $c: $(head -3 "$HV_TMP/own.txt")"
		[ "$got" = "$want" ] ||
		    fail "$what: $c: heapview counts $got, the target $want"
	done
	big=$(own big tuple)
	for t in list dict tuple set; do
		want=$(own gc "$t")
		[ "$t" = tuple ] && want=$((want - big))
		all=$(hv_count "$t")
		untracked=$(hv_untracked "$t")
		got=$((all - untracked))
		[ "$got" = "$want" ] && continue
		note=
		[ "$t" = tuple ] && note="; the target finds $(own unlisted tuple)" &&
		    note="$note classes' __mro__/__bases__ tracked but not listed"
		fail "$what: tracked $t: heapview $got ($all less $untracked" \
		    "not tracked), gc.get_objects() $want$note"
	done
	[ -n "$py2" ] && census27 "$what"
}

# census27 WHAT: the 2.7 rows of the census run in $HV_TMP/out.
census27() {
	old=$(own class HvOldThing)
	want=$(own gc instance)
	got=$(($(hv_count instance) - $(hv_untracked instance)))
	[ "$old" != missing ] && [ "$old" -gt 0 ] && [ "$want" -ge "$old" ] ||
	    fail "$1: the target counted $old HvOldThing, $want instances"
	[ "$got" = "$want" ] ||
	    fail "$1: old-style instances: heapview $got, gc.get_objects() $want"
	for t in long unicode; do
		made=$(own made "$t")
		got=$(hv_count "$t")
		[ "$made" != missing ] && [ "$got" -ge "$made" ] ||
		    fail "$1: $got $t in heapview's Types, the target keeps $made"
	done
	[ "$(hv_count str)" -gt 0 ] || fail "$1: no str row"
	[ "$(hv_count bytes)" = 0 ] || fail "$1: a bytes row on 2.7"
}

for malloc in $mallocs; do
	for how in symbols no-symbols env; do
		PYTHONMALLOC=$malloc types_start "$py" census
		census "$malloc" "$how"
		types_stop
	done
done

# ---- pinned arenas ------------------------------------------------------
types_start "$py" pinned 200000
expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --stats --types
types_stop
survivors=$(own class HvPinThing)
[ "$survivors" = 200 ] || fail "$INTERP: the target kept $survivors HvPinThing, not 200"
arena_size=$(sed -n 's/.* \([0-9]*\) bytes\/arena .*/\1/p' "$HV_TMP/out")
[ -n "$arena_size" ] || fail "$INTERP: no arena size in the stats"
header=$(grep '^Pinned arenas (less than 10% live): ' "$HV_TMP/out")
[ -n "$header" ] || fail "$INTERP: no pinned arenas line"
hold='s/.*: \([0-9]*\) arenas* holds* \([0-9]*\) bytes of carved pools for .*/'
npinned=$(echo "$header" | sed -n "$hold\\1/p")
carved=$(echo "$header" | sed -n "$hold\\2/p")
# 200,000 blocks of 48 bytes (or more) fill at least 9 MB of arenas.
[ "${npinned:-0}" -ge $((9000000 / ${arena_size:-1})) ] ||
    fail "$INTERP: $npinned pinned arenas of $arena_size bytes; $header"
# Pinned arenas are carved whole: 64 pools, or 63 when not pool-aligned.
pool_size=$(sed -n 's/.* unused pools \* \([0-9]*\) bytes .*/\1/p' "$HV_TMP/out")
[ "${carved:-0}" -le $((${npinned:-0} * ${arena_size:-0})) ] &&
    [ "${carved:-0}" -ge $((${npinned:-0} * (${arena_size:-0} - ${pool_size:-0}))) ] ||
    fail "$INTERP: $npinned arenas of $arena_size bytes hold $carved carved bytes?"
# Each listed arena: its survivors by their addresses, against what it says.
awk -v size="${arena_size:-0}" '
	function hex(s,  v, i) {	# mawk has no strtonum
		sub(/^0x/, "", s)
		v = 0
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	FNR == NR { if ($1 == "survivor") addr[n++] = hex($2); next }
	/^  arena [0-9]+ at 0x[0-9a-f]+: / {
		lo = hex(substr($4, 1, length($4) - 1))
		want = 0
		for (i = 0; i < n; i++)
			if (addr[i] >= lo && addr[i] < lo + size)
				want++
		got = 0
		if (match($0, /[0-9]+ HvPinThing/))
			got = substr($0, RSTART, RLENGTH) + 0
		if (got != want)
			printf "arena at %s holds %d HvPinThing, listed %d: %s\n",
			    $4, want, got, $0
		listed += got
		share = 100
		if (match($0, /live bytes \([0-9.]+%\)/))
			share = substr($0, RSTART + 12, RLENGTH - 14) + 0
		if (got > 0 && share >= 10)
			printf "arena at %s is %s%% live\n", $4, share
	}
	END { if (listed == 0) print "no listed arena names HvPinThing" }
' "$HV_TMP/own.txt" "$HV_TMP/out" > "$HV_TMP/pinned.err"
[ -s "$HV_TMP/pinned.err" ] && fail "$INTERP pinned: $(cat "$HV_TMP/pinned.err")"
finish
