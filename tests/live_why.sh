# Sourced by tests/live_why_*.sh with $INTERP set (a name from
# hv_interpreters): heapview --pid P --why=ADDR names the holder of each
# survivor of tests/data/why_target.py exactly -- a module global dict's
# key, a class attribute's list index, an instance attribute, a __slots__
# member, a tuple item, a set member, an item of a list whose array is
# outside the arenas, a key, an index and a member of instances of dict,
# list and set subclasses, a suspended generator's local, and both paths to an object held from two globals --
# calls the reference cycle unreachable, and names
# the local variables of the sleeping functions (idle(): local_node, and
# a second thread's worker(): item, with the thread's native id on 3.11+
# where frames are read from the threads' data stacks), and from 3.11 an
# item of a list held only by a for loop's iterator on the value stack of
# a caller or of a suspended generator.  --stats --types names the roots
# that pin the survivors' arenas.  With and without
# PYTHONMALLOC=pymalloc_debug on 3.x.
. "${HV_SRCDIR:-.}/tests/lib.sh"

py=$(hv_interpreter "$INTERP") || exit 77
mallocs="pymalloc pymalloc_debug"
if "$py" -c 'import sys; sys.exit(sys.version_info[0] != 2)'; then
	mallocs=pymalloc
fi

# id_of NAME: the survivor's id() as the target printed it.
id_of() {
	awk -v n="$1" '$1 == "why" && $2 == n { print $3 }' "$HV_TMP/own.txt"
}

# want NAME LINE: the answer for NAME holds LINE, where @ stands for
# "<Node at 0x...>" of that survivor.
want() {
	hex=$(printf '0x%x' "$(id_of "$1")")
	line=$(printf '%s' "$2" | sed "s/@/<Node at $hex>/")
	awk -v h="$hex" '$1 == h { on = 1; next } /^0x/ { on = 0 }
	    on' "$HV_TMP/out" | grep -qxF "  $line" ||
	    fail "$INTERP $m: $1 ($hex): no '  $line' in: $(cat "$HV_TMP/out")"
}

for m in $mallocs; do
	PYTHONMALLOC=$m hv_start_script "$py" why_target.py
	addrs=$(awk '$1 == "why" { printf "%s%s", s, $3; s = "," }' \
	    "$HV_TMP/own.txt")
	if expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --why="$addrs"; then
		want cache "__main__.cache['user:17'] -> @"
		want registry "__main__.Registry._items[3] -> @"
		want attr "__main__.holder.attr -> @"
		want slot "__main__.sl.slotval -> @"
		want tuple "__main__.tup[1] -> @"
		want set "__main__.bag{...} -> @"
		want big "__main__.big[1500] -> @"
		# instances of dict, list and set subclasses
		want subdict "__main__.sub_d['k'] -> @"
		want sublist "__main__.sub_l[1] -> @"
		want subset "__main__.sub_s{...} -> @"
		# a suspended generator's local, held by the generator (2.7's
		# frame does not say whose it is: a frame's local)
		if "$py" -c 'import sys; sys.exit(sys.version_info < (3,))'; then
			want gen "__main__.g.gi_frame.f_locals['held'] -> @"
		else
			want gen "gen(): held -> @"
		fi
		# held from two globals: both paths, the shorter first
		want two "__main__.first[0] -> @"
		want two "__main__.second['b'][0] -> @"
		hex=$(printf '0x%x' "$(id_of two)")
		awk -v h="$hex" '$1 == h { on = 1; next } /^0x/ { on = 0 }
		    on && /^  __main__\./ { print $1 }' "$HV_TMP/out" |
		    tr '\n' ' ' | grep -qx "__main__.first\[0\] __main__.second\['b'\]\[0\] " ||
		    fail "$INTERP $m: two: not both paths, the shorter first: $(cat "$HV_TMP/out")"
		want cycle "unreachable garbage in a reference cycle of $(
		    "$py" -c 'import sys; print(2 if sys.version_info >= (3, 11) else 4)'
		    ) objects that the collector has not freed yet"
		# A local of a running function: a frame object up to 3.10,
		# a frame in the thread's data stack from 3.11.  Another
		# thread's frame is named by its native id where it is known.
		want local "idle(): local_node -> @"
		if "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
			# a caller's value stack, saved when it called: the
			# for loop's iterator over a list no name holds
			want stack "serve(): (value stack) <list_iterator>.it_seq[1] -> @"
			# the module's own frame, which has no locals
			want modstack "<module>(): (value stack) <list_iterator>.it_seq[1] -> @"
			# and a suspended generator's, saved when it yielded
			want genstack "__main__.pipe.gi_frame (value stack) <list_iterator>.it_seq[1] -> @"
			want thread "thread $(awk '$1 == "tid" { print $2 }' "$HV_TMP/own.txt"): worker(): item -> @"
		else
			want thread "worker(): item -> @"
		fi
	fi
	# --stats --types: the pinned arenas' survivors by the root that
	# holds them.
	if expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --stats --types; then
		expect_grep '^Why the pinned arenas stay: [0-9]* objects* in them' "$HV_TMP/out"
		# Registry._items's arena holds its sixteen Nodes (and their
		# values and strs), made together: that root always pins it,
		# whatever else lands there.  Each other survivor's arena
		# counts for the root that holds most of its objects.
		expect_grep "^  [0-9]* arenas* ([0-9.]* MiB) pinned by [0-9]* objects* reachable from __main__.Registry._items\$" "$HV_TMP/out"
		n=$(grep -c '^  [0-9]* arenas* ([0-9.]* MiB) pinned by [0-9]* objects* reachable from __main__\.\(tup\|bag\|big\|sl\|holder\|cache\)$' "$HV_TMP/out")
		[ "$n" -ge 3 ] || fail "$INTERP $m: fewer than 3 of the survivors' roots: $(sed -n '/^Why/,$p' "$HV_TMP/out")"
		# Every line of the section reads as one of its sentences.
		bad=$(sed -n '/^Why the pinned arenas stay/,/^$/p' "$HV_TMP/out" |
		    sed 1d | grep -v '^$' |
		    grep -v '^  [0-9]* arenas* ([0-9.]* MiB) pinned by [0-9]* objects* \(reachable from .*\|in unreachable reference cycles the collector has not freed\|held from outside the object heap (C code, frames, interpreter state)\|whose holders the climb did not finish\)$' |
		    grep -v '^  [0-9]* more arenas* ([0-9.]* MiB) pinned by [0-9]* objects* of [0-9]* other roots*$' |
		    grep -v '^  and [0-9]* objects* of [0-9]* roots* in arenas another root holds more of$' |
		    grep -v '^  [0-9]* arenas* ([0-9.]* MiB) not climbed from: over the bound of [0-9]* objects$')
		[ -z "$bad" ] || fail "$INTERP $m: roots section line(s) not understood: $bad"
	fi
	# An address that holds no object: one line, exit 1.
	expect_exit 1 "$HEAPVIEW" --pid "$TARGET_PID" --why=0x10 &&
	    expect_grep '^heapview: --why: 0x10: no live object at this address$' "$HV_TMP/err"
	kill "$TARGET_PID"; wait "$TARGET_PID" 2>/dev/null
done
finish
