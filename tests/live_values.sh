# Sourced by tests/live_values_*.sh with $INTERP set (a name from
# hv_interpreters): the survivors of the pinned arenas, by value.
#
# The target (tests/data/values_target.py) builds two big lists of strings,
# keeps a few survivors among them -- strings 'survivor-0042' (and on 3.x
# one of each PEP 393 kind, on 2.7 unicode ones), instances of a class, a
# big int, a float -- deletes the rest and idles; it prints each kept
# value as Python shows it (ascii() on 3.x, repr() on 2.7).  Then, with
# pymalloc and (3.x) under PYTHONMALLOC=pymalloc_debug:
#  - `--stats --types` lists survivor strings under the pinned arenas, and
#    every value it shows that names a survivor is one the target holds,
#    character for character; an instance shows as <HvValueThing at ADDR>
#    with the address of its line;
#  - a snapshot (`--dump --types`) holds values for those arenas, every
#    survivor among them one the target holds, and replayed
#    (`FILE --stats --types`) prints the same pinned arenas and survivors.
# And names: a target (tests/data/names_target.py) keeps one function fn
# (with its code object) and one module in 3000 of 90,000 it made; the
# snapshot's values name some of each, fn and mod_0, mod_3000, ... (a 2.7
# module keeps its name in its dict: <module at ADDR>), and no function,
# code object or module is named otherwise.
. "${HV_SRCDIR:-.}/tests/lib.sh"

py=$(hv_interpreter "$INTERP") || exit 77
mallocs="pymalloc pymalloc_debug"
py2=
if "$py" -c 'import sys; sys.exit(sys.version_info[0] != 2)'; then
	mallocs=pymalloc	# 2.7 has no PYTHONMALLOC
	py2=1
fi

# (The live report's last section, the roots that keep the survivors
# alive, reads the process: a snapshot does not have it.)
pinned_section() {
	awk -v from="^Pinned arenas" '$0 ~ from { on = 1 }
	    /^Why the pinned arenas stay/ { exit }
	    on { line[n++] = $0 }
	    END { while (n > 0 && line[n - 1] == "") n--
	          for (i = 0; i < n; i++) print line[i] }' "$1"
}

# survivors FILE: the "TYPE at ADDR: VALUE" lines under the pinned arenas.
survivors() {
	pinned_section "$1" | grep '^    [^ ]* at 0x[0-9a-f]*: '
}

# check_values FILE WHAT: each value naming a survivor is one the target
# printed; instances show their own address.
check_values() {
	sed -n 's/^value //p' "$HV_TMP/own.txt" | sort -u > "$HV_TMP/want"
	# (The target's format strings, constants of its code, are survivors
	# too: 'survivor-%04d'.)
	grep -o "u\{0,1\}'survivor[^ ]*" "$1" | grep -v '%04d' |
	    sort -u > "$HV_TMP/got"
	[ -s "$HV_TMP/got" ] || fail "$2: no survivor string shown: $(head -c 800 "$1")"
	comm -13 "$HV_TMP/want" "$HV_TMP/got" > "$HV_TMP/odd"
	[ -s "$HV_TMP/odd" ] && fail "$2: values the target does not hold: $(head -5 "$HV_TMP/odd")"
	grep '^    HvValueThing at ' "$1" | while read -r t at addr v; do
		[ "$v" = "<HvValueThing at ${addr%:}>" ] ||
			echo "$2: instance shown as '$t $at $addr $v'"
	done > "$HV_TMP/bad"
	[ -s "$HV_TMP/bad" ] && fail "$(head -3 "$HV_TMP/bad")"
	return 0
}

for m in $mallocs; do
	what="$INTERP $m"
	if [ "$m" = pymalloc ]; then
		hv_start_script "$py" values_target.py
	else
		PYTHONMALLOC=$m hv_start_script "$py" values_target.py
	fi
	expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --stats --types --freeze ||
		continue
	expect_grep '^pools found invalid: 0$' "$HV_TMP/out"
	survivors "$HV_TMP/out" > "$HV_TMP/live"
	grep -q "^    [a-z]* at 0x[0-9a-f]*: u\{0,1\}'survivor-" "$HV_TMP/live" ||
		fail "$what: no survivor string listed: $(pinned_section "$HV_TMP/out" | head -20)"
	check_values "$HV_TMP/live" "$what --stats"
	pinned_section "$HV_TMP/out" > "$HV_TMP/live-pinned"

	expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --dump="$HV_TMP/snap.json" \
	    --types --freeze || continue
	expect_grep '"values":\[{"address":"0x' "$HV_TMP/snap.json"
	tr '{' '\n' < "$HV_TMP/snap.json" | sed -n 's/.*"value":"\(.*\)"}.*/\1/p' |
	    sed 's/\\\\/\\/g' > "$HV_TMP/dumped"
	check_values "$HV_TMP/dumped" "$what --dump"
	grep -q "^'survivor-[0-9]\{4\}'$" "$HV_TMP/dumped" ||
		fail "$what: no 'survivor-NNNN' string in the snapshot's values"
	expect_exit 0 "$HEAPVIEW" "$HV_TMP/snap.json" --stats --types
	pinned_section "$HV_TMP/out" > "$HV_TMP/replayed"
	diff -u "$HV_TMP/live-pinned" "$HV_TMP/replayed" >&2 ||
		fail "$what: the snapshot's pinned arenas and survivors differ from live"
	kill "$TARGET_PID"; wait "$TARGET_PID" 2>/dev/null

	if [ "$m" = pymalloc ]; then
		hv_start_script "$py" names_target.py
	else
		PYTHONMALLOC=$m hv_start_script "$py" names_target.py
	fi
	expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --dump="$HV_TMP/names.json" \
	    --types --freeze || continue
	tr '{' '\n' < "$HV_TMP/names.json" |
	    sed -n 's/.*"value":"\(.*\)"}.*/\1/p' > "$HV_TMP/named"
	kinds="function code"
	[ -n "$py2" ] || kinds="function code module"
	for k in $kinds; do
		grep -qE "^$k (fn|mod_(0|[0-9]+000))$" "$HV_TMP/named" ||
			fail "$what: no $k named in the snapshot's values"
	done
	# Every function and module named is one the target holds (its own,
	# or one of the interpreter's modules' that shares a pinned arena).
	sed -n 's/^name //p' "$HV_TMP/own.txt" | sort -u > "$HV_TMP/held"
	grep -E '^(function|module) ' "$HV_TMP/named" | sort -u |
	    comm -23 - "$HV_TMP/held" > "$HV_TMP/odd"
	[ -s "$HV_TMP/odd" ] && fail "$what: names the target does not have: $(head -3 "$HV_TMP/odd")"
	kill "$TARGET_PID"; wait "$TARGET_PID" 2>/dev/null
done

# -- CMD: the captures taken while the program runs carry the values too.
# Interrupted once the target is ready, heapview reports its last capture,
# whose pinned arenas list the survivors by value.
"$HEAPVIEW" --stats --types --interval=0.2 -- "$py" \
    "$HV_SRCDIR/tests/data/values_target.py" >"$HV_TMP/out" 2>"$HV_TMP/own.txt" &
hv=$!
HV_PIDS="$HV_PIDS $hv"
i=0
while ! grep -q HEAPVIEW-READY "$HV_TMP/own.txt" && [ $i -lt 600 ]; do
	sleep 0.1; i=$((i + 1))
done
sleep 1		# a few captures of the ready heap
kill -INT "$hv"
wait "$hv" || fail "-- CMD: heapview interrupted exited $?"
expect_grep 'capture before interrupt at ' "$HV_TMP/out"
sed -n '/capture before interrupt at /,$p' "$HV_TMP/out" > "$HV_TMP/last"
survivors "$HV_TMP/last" > "$HV_TMP/live"
grep -q "^    [a-z]* at 0x[0-9a-f]*: u\{0,1\}'survivor-" "$HV_TMP/live" ||
	fail "-- CMD: no survivor string listed: $(pinned_section "$HV_TMP/last" | head -20)"
check_values "$HV_TMP/live" "$INTERP -- CMD --stats"
finish
