#!/bin/sh
# --stats --types names the Python objects in malloc's chunks: on every
# interpreter here (and with PYTHONMALLOC=pymalloc_debug on two of them,
# whose hooks put one or two prefixes before a big object), the 500
# instances of tests/data/chunks_target.py's 100-slot class, and the 300
# of its 99-slot one (whose chunks are full to the last byte), are counted
# exactly as many as gc.get_objects() lists in the target, each in one
# chunk of at least its size; its 320 big bytes objects (str on 2.7) are
# among the objects found; its 50 lists' item arrays are buffers.
. "${HV_SRCDIR:-.}/tests/lib.sh"

# row NAME: "COUNT BYTES" of the section's row for type NAME.
row() {
	sed -n "/^Python objects in malloc's chunks/,/^[0-9]* of [0-9]* chunk/p" \
	    "$HV_TMP/out" | awk -v n="$1" '$3 == n { print $1, $2; exit }'
}

ran=0
while read -r name py; do
	mallocs=pymalloc
	case $name in pyenv-3.6|pyenv-3.12) mallocs="pymalloc pymalloc_debug" ;; esac
	for m in $mallocs; do
		ran=$((ran + 1))
		PYTHONMALLOC=$m hv_start_script "$py" chunks_target.py
		kill -STOP "$TARGET_PID"
		own=$(awk '$1 == "own" { print $2 }' "$HV_TMP/own.txt")
		if expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --stats --types; then
			expect_grep "^Python objects in malloc's chunks (objects over 512 bytes are not in pymalloc's arenas)\$" "$HV_TMP/out"
			r=$(row BigSlots)
			[ "$own" = 500 ] || fail "$name $m: the target counts $own instances"
			[ "${r%% *}" = "$own" ] ||
			    fail "$name $m: BigSlots row '$r', the target has $own: $(sed -n '/^Python objects in malloc/,$p' "$HV_TMP/out")"
			# 16 + 100 slots of 8 bytes, a chunk each
			[ "${r#* }" -ge $((500 * 816)) ] ||
			    fail "$name $m: BigSlots bytes ${r#* } under 500 * 816"
			own_odd=$(awk '$1 == "own_odd" { print $2 }' "$HV_TMP/own.txt")
			r=$(row OddSlots)
			[ "$own_odd" = 300 ] && [ "${r%% *}" = "$own_odd" ] ||
			    fail "$name $m: OddSlots row '$r', the target has $own_odd"
			big=bytes
			case $name in pyenv-2.7) big=str ;; esac
			r=$(row $big)
			[ -n "$r" ] && [ "${r%% *}" -ge 320 ] ||
			    fail "$name $m: fewer than 320 $big objects: '$r'"
			line=$(grep "^[0-9]* of [0-9]* chunks in use of 528 bytes or more hold an object" "$HV_TMP/out")
			nbuf=$(echo "$line" | sed -n 's/.* the other \([0-9]*\) are buffers.*/\1/p')
			[ -n "$nbuf" ] && [ "$nbuf" -ge 50 ] ||
			    fail "$name $m: fewer than the 50 list arrays as buffers: $line"
		fi
		kill -CONT "$TARGET_PID"
		kill "$TARGET_PID"; wait "$TARGET_PID" 2>/dev/null
	done
done <<EOT
$(hv_interpreters)
EOT
[ "$ran" -ge 1 ] || skip "no interpreter on this machine"
finish
