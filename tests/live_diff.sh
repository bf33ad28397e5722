# Sourced by tests/live_diff_*.sh with $INTERP set (a name from
# hv_interpreters): the slides' experiment, live, told the heapy way
# (tests/data/diff_target.py).  heapview --dump --types takes the baseline
# while the target waits; the target builds two big lists of strings,
# keeps 200 HvSurvivor instances made among them and deletes the lists;
# then heapview --stats --types --diff=BASE must
#  - count exactly 200 new HvSurvivor;
#  - for list, dict, tuple, set and HvSurvivor, find as many new and as
#    many gone objects that the collector tracks (the partition's count
#    less those it says are not tracked) as the target counts itself with
#    gc.get_objects() and id() between the two moments;
#  - list new objects in the pinned arenas (the survivors, their dicts or
#    their numbers, as the version lays them out), no more of a type than
#    the partition counts.
# With $DIFF_MALLOCS (default pymalloc) the experiment runs under each
# PYTHONMALLOC named; 2.7 has pymalloc only.
. "${HV_SRCDIR:-.}/tests/lib.sh"

py=$(hv_interpreter "$INTERP") || exit 77
mallocs=${DIFF_MALLOCS:-pymalloc}
"$py" -c 'import sys; sys.exit(sys.version_info[0] != 2)' && mallocs=pymalloc

# own KEY NAME: a figure the target printed ("new list 3"), or "missing".
own() {
	awk -v k="$1" -v n="$2" '$1 == k && $2 == n { print $3; f = 1 }
	    END { if (!f) print "missing" }' "$HV_TMP/own.txt"
}

# part SECTION NAME: "COUNT UNTRACKED" of NAME in the partition under the
# heading "SECTION since" of $HV_TMP/out (0 0 when it has no row).
part() {
	awk -v h="$1 since" -v n="$2" '
	    index($0, h) == 1 { on = 1; next }
	    on && /^$/ { exit }
	    on && /^ *[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ / &&
		$8 == n && NF == 8 { c = $2 }
	    on && sub(/^GC objects not tracked by the collector: /, "") {
		k = split($0, items, ", ")
		for (i = 1; i <= k; i++) {
			split(items[i], f, " ")
			if (f[2] == n) u = f[1]
		}
	    }
	    END { print c + 0, u + 0 }' "$HV_TMP/out"
}

experiment() {
	what="$INTERP $1"
	PYTHONMALLOC=$1 hv_start_script "$py" diff_target.py 200000
	expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --types \
	    --dump="$HV_TMP/base.json" || return
	i=0
	until grep -q HEAPVIEW-DONE "$HV_TMP/own.txt"; do
		# Again every second, in case the first came before the wait.
		[ $((i % 20)) = 0 ] && kill -USR1 "$TARGET_PID"
		i=$((i + 1))
		[ "$i" -lt 1200 ] || { fail "$what: the target never got done"; return; }
		sleep 0.05
	done
	expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --stats --types \
	    --diff="$HV_TMP/base.json" || return
	kill "$TARGET_PID"; wait "$TARGET_PID" 2>/dev/null
	expect_grep "^New since $HV_TMP/base.json$" "$HV_TMP/out"
	expect_grep '^Partition of a set of [0-9]* objects\. Total size = [0-9]* bytes\.$' "$HV_TMP/out"
	[ "$(own class HvSurvivor)" = 200 ] ||
	    fail "$what: the target keeps $(own class HvSurvivor) HvSurvivor"
	set -- $(part New HvSurvivor)
	[ "$1" = 200 ] || fail "$what: $1 new HvSurvivor, the target made 200"
	for t in list dict tuple set HvSurvivor; do
		for s in new gone; do
			want=$(own $s $t)
			case $s in new) set -- $(part New $t) ;; *) set -- $(part Gone $t) ;; esac
			got=$(($1 - $2))
			[ "$got" = "$want" ] ||
			    fail "$what: $s $t tracked: heapview $got ($1 less $2" \
				"not tracked), the target $want"
		done
	done
	# The survivors (their dicts, their numbers) keep arenas: the pinned
	# arenas list new objects, each type no more than the partition has.
	awk '
	    /^New since/ { on = 1; next }
	    on && /^$/ { on = 0 }
	    on && NF == 8 && $1 ~ /^[0-9]+$/ { part[$8] = $2 }
	    /^  arena [0-9]+ at 0x[0-9a-f]+: / && / new objects?: / {
		s = $0
		sub(/.* new objects?: /, "", s)
		k = split(s, items, /[,;] /)
		for (i = 1; i <= k; i++) {
			split(items[i], f, " ")
			if (f[1] ~ /^[0-9]+$/ && f[2] != "raw") {
				pinned[f[2]] += f[1]
				n += f[1]
			}
		}
	    }
	    END {
		if (n == 0) print "no pinned arena lists a new object"
		for (t in pinned)
			if (pinned[t] > part[t] + 0)
				printf "%d new %s in pinned arenas, %d in all\n",
				    pinned[t], t, part[t]
	    }' "$HV_TMP/out" > "$HV_TMP/pinned.err"
	[ -s "$HV_TMP/pinned.err" ] && fail "$what: $(cat "$HV_TMP/pinned.err")" \
	    "$(sed -n '/^Pinned arenas/,$p' "$HV_TMP/out" | head -5)"
	return 0
}

for malloc in $mallocs; do
	experiment "$malloc"
done
# -- CMD: the child's heap against that baseline (another process: the
# partition is well formed, whatever it holds).
# (--after: one capture half a second in, then the child is ended -- a
# child that ends by itself may do so before a slow build's first capture)
expect_exit 0 "$HEAPVIEW" --stats --types --after=0.5 --diff="$HV_TMP/base.json" -- \
    "$py" -c 'import time; time.sleep(30)'
expect_grep "^Gone since $HV_TMP/base.json$" "$HV_TMP/out"
finish
