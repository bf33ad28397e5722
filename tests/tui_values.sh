#!/bin/sh
# Survivors by value in the TUI, replayed from a snapshot that carries values
# (tests/data/snapshot/values.json): the arena panel of the pinned arena
# lists the objects that --stats --types lists under it, with type, address
# and value; the pool view shows the value of the block under the cursor,
# with the value's type where the pool has no types.  The same snapshot
# without its values says so instead of showing nothing.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

snap="$HV_SRCDIR/tests/data/snapshot/values.json"
"$HEAPVIEW" --stats --types "$snap" > "$HV_TMP/stats" ||
    fail "--stats --types failed"
# The pinned arena's line and the values listed under it.
arena=$(sed -n 's/^  arena \([0-9]*\) at 0x[0-9a-f]*: .* live bytes .*/\1/p' \
    "$HV_TMP/stats" | head -1)
[ -n "$arena" ] || { fail "no pinned arena in --stats"; finish; }
awk -v a="$arena" '/^  arena / { on = ($2 == a) } on && /^    [^.]/' \
    "$HV_TMP/stats" | sed 's/^    //' > "$HV_TMP/values"
[ -s "$HV_TMP/values" ] || { fail "no values under arena $arena in --stats"; finish; }

tui_start 120 30 -- "$snap"
tui_expect "frame 1/1" "the snapshot"
tui_keys a PgDn
tui_expect "^ arena $arena at 0x[0-9a-f]*-.*PINNED" "the pinned arena's panel"
tui_expect "^ by value:" "the values' heading"
while IFS= read -r line; do
	tui_expect "^   $(printf '%s' "$line" | sed 's/[].[*^$\\]/\\&/g')\$" \
	    "the value --stats lists ($line)"
done < "$HV_TMP/values"

# The pool that holds the first value, and its block, in the pool view.
first=$(head -1 "$HV_TMP/values")
addr=$(printf '%s\n' "$first" | sed 's/^[^ ]* at \(0x[0-9a-f]*\): .*/\1/')
type=$(printf '%s\n' "$first" | sed 's/ at .*//')
text=$(printf '%s\n' "$first" | sed 's/^[^:]*: //')
base=$(sed -n 's/^ arena [0-9]* at \(0x[0-9a-f]*\)-.*/\1/p' "$HV_TMP/screen")
pool=$(( (addr - base) / 1024 ))	# the fixture's pools are 1 KiB
i=0
while [ $i -lt 16 ]; do tui_keys Left; i=$((i + 1)); done
i=0
while [ $i -lt $pool ]; do tui_keys Right; i=$((i + 1)); done
tui_expect "^ pool $pool at " "the pool of $addr"
tui_keys Enter Home
tui_expect "^ pool $pool of arena $arena " "the pool view"
# The block holding the object (after its GC header) under the cursor.
n=0
while ! tui_screen || ! grep -q "^ block .*: allocated, $type: " \
    "$HV_TMP/screen"; do
	[ $n -lt 15 ] || break
	tui_keys Right
	sleep 0.05
	n=$((n + 1))
done
tui_expect "^ block [0-9]* at 0x[0-9a-f]* (offset 0x[0-9a-f]*): allocated, $type: $(printf '%s' "$text" | sed 's/[].[*^$\\]/\\&/g')" \
    "the block's type and value"

# A value of an arena that is not pinned, in a pool without types: the
# value's own type.
tui_keys Escape Home
i=0
while [ $i -lt 16 ]; do tui_keys Left; i=$((i + 1)); done
tui_keys Enter Home
tui_expect "^ pool 0 of arena 0 " "pool 0 of arena 0"
tui_expect "^ block 0 at 0x7f3a20000030 (offset 0x30): allocated, dict: dict, 2 items" \
    "the value of a block whose pool has no types"
tui_keys q
tui_exited 0

# Without values (a snapshot of an older heapview).
sed 's/,"values":\[.*\]}$/}/' "$snap" > "$HV_TMP/novalues.json"
grep -q '"values"' "$HV_TMP/novalues.json" && fail "values left in the copy"
tui_start 120 30 -- "$HV_TMP/novalues.json"
tui_expect "frame 1/1" "the snapshot without values"
tui_keys a PgDn
tui_expect "^ arena $arena at 0x[0-9a-f]*-.*PINNED" "the pinned arena's panel"
tui_expect "^ by value: no values in this file" "no values, said plainly"
tui_keys q
tui_exited 0
finish
