#!/bin/sh
# --svg --view=arena|pool --at=ADDR: the TUI's zoom views as pictures.  The
# pool view's cells are the blocks of the pool holding ADDR, each in its
# state, and with types in its type's legend entry; the arena view's cells
# are the arena's pools and its table the arena's census -- all counted by
# tests/svg_check.py from the SVG and decoded by it from the JSON of the
# same frame, not by heapview.  Errors: no --at, --at elsewhere, an address
# in no arena, a pool view of a pool-level frame.
. "${HV_SRCDIR:-.}/tests/lib.sh"

python3 -c 'import xml.etree.ElementTree, json' 2>/dev/null ||
	skip "python3 with xml.etree is not here"
check="python3 $HV_SRCDIR/tests/svg_check.py"
data=$HV_SRCDIR/tests/data
rec=$HV_SRCDIR/data/recordings/fragmentation.jsonl

# draw VIEW FILE ADDR THEME [ARGS]: draws into $HV_TMP/z.svg and checks it
# against JSON $json.
draw() {
	view=$1 file=$2 addr=$3 theme=$4
	shift 4
	expect_exit 0 "$HEAPVIEW" "$file" --view="$view" --at="$addr" \
	    --theme="$theme" --svg="$HV_TMP/z.svg" "$@" || return 1
	$check "$view" "$HV_TMP/z.svg" "$json" "$addr" >&2 ||
		{ fail "$view of $file at $addr ($theme)"; return 1; }
	$check styles "$HV_TMP/z.svg" >&2 || fail "$view at $addr ($theme): styles"
	if [ "$theme" = slides ]; then
		$check slides "$HV_TMP/z.svg" >&2 || fail "$view at $addr: slides colors"
	fi
}

# Pools of every state (two of each) and every arena of the hand-made
# snapshots, typed and not, in every theme.
for snap in types blocks; do
	json=$data/snapshot/$snap.json
	$check addrs "$json" > "$HV_TMP/all" || fail "addrs of $snap.json"
	awk '++n[$2] <= 2' "$HV_TMP/all" > "$HV_TMP/addrs"
	for theme in color mono slides; do
		while read -r addr state; do
			draw pool "$json" "$addr" "$theme" || continue
			case $state in
			untouched) $check text "$HV_TMP/z.svg" "never carved" >&2 ||
				fail "$snap $addr: untouched" ;;
			invalid) $check text "$HV_TMP/z.svg" "failed validation" >&2 ||
				fail "$snap $addr: invalid" ;;
			*) $check text "$HV_TMP/z.svg" "): " >&2 ||
				fail "$snap $addr: no line for the block at it" ;;
			esac
		done < "$HV_TMP/addrs"
		for addr in $(python3 -c 'import json,sys
for a in json.load(open(sys.argv[1]))["arenas"]: print(a["address"])' "$json"); do
			draw arena "$json" "$addr" "$theme"
		done
	done
done
# The picture says what the TUI's views say.
json=$data/snapshot/types.json
draw pool "$json" 0x7f3a20000608 color
$check text "$HV_TMP/z.svg" "pool 1 of arena 0 at 0x7f3a20000400: used, class 0, 16-byte blocks" >&2 ||
	fail "the pool's title"
$check text "$HV_TMP/z.svg" "61 blocks: 41 allocated, 20 free, 0 untouched" >&2 ||
	fail "the pool's counts"
$check text "$HV_TMP/z.svg" "Knödel" >&2 || fail "the legend"
draw arena "$json" 0x7f3a20000608 color
$check text "$HV_TMP/z.svg" "arena 0 at 0x7f3a20000000-0x7f3a20003fff, 16.0 KiB, 16 pools" >&2 ||
	fail "the arena's title"
$check text "$HV_TMP/z.svg" "pool 1 at 0x7f3a20000400: used, 16-byte blocks, 41 in use" >&2 ||
	fail "the pool at the address"
# A pinned arena names its survivors and their values.
json=$data/snapshot/values.json
grep -q '"values"' "$json" || fail "values.json has no values"
addr=$($check addrs "$json" | awk '$2 == "used" && !n++ { print $1 }')
draw arena "$json" "$addr" slides
$check text "$HV_TMP/z.svg" "by value:" >&2 || fail "no values in the arena view"

# The recording: its busiest pool (255 typed blocks) and every arena of a
# frame, against the JSON of that frame; a range into a directory.
"$HEAPVIEW" "$rec" --frame=30 --dump > "$HV_TMP/f30.json" || fail "--dump"
json=$HV_TMP/f30.json
$check addrs "$json" > "$HV_TMP/addrs"
awk '$2 == "full" || $2 == "used" { print $1 }' "$HV_TMP/addrs" | head -3 > "$HV_TMP/busy-pools"
for addr in $(cat "$HV_TMP/busy-pools"); do
	draw pool "$rec" "$addr" mono --frame=30
done
expect_exit 0 "$HEAPVIEW" "$rec" --frame=30 --view=pool --svg="$HV_TMP/z.svg" \
    --at="$(head -1 "$HV_TMP/busy-pools")"
$check pool "$HV_TMP/z.svg" "$json" "$(head -1 "$HV_TMP/busy-pools")" >&2 ||
	fail "the recording's frame 30"
for addr in $(python3 -c 'import json,sys
for a in json.load(open(sys.argv[1]))["arenas"]: print(a["address"])' "$json"); do
	expect_exit 0 "$HEAPVIEW" "$rec" --frame=30 --view=arena --at="$addr" \
	    --svg="$HV_TMP/z.svg" &&
		$check arena "$HV_TMP/z.svg" "$json" "$addr" >&2 ||
		fail "arena at $addr of frame 30"
done
$check text "$HV_TMP/z.svg" "frame 30/" >&2 || fail "the frame number"
expect_exit 0 "$HEAPVIEW" "$rec" --frame=29-30 --view=arena \
    --at="$(head -1 "$HV_TMP/busy-pools")" --svg="$HV_TMP/dir"
[ "$(ls "$HV_TMP/dir" | tr '\n' ' ')" = "frame-0029.svg frame-0030.svg " ] ||
	fail "--frame=29-30 wrote: $(ls "$HV_TMP/dir")"

# Usage errors (exit 2, one line).
for args in "--view=pool" "--view=arena" "--at=0x1000" "--view=map --at=0x1000" \
    "--view=pool --at=" "--view=pool --at=zz" "--view=pool --at=0x1,0x2"; do
	# shellcheck disable=SC2086
	expect_exit 2 "$HEAPVIEW" "$data/snapshot/types.json" --svg="$HV_TMP/e.svg" $args &&
		[ "$(wc -l < "$HV_TMP/err")" -eq 1 ] || fail "$args: $(cat "$HV_TMP/err")"
done
expect_exit 2 "$HEAPVIEW" "$data/snapshot/types.json" --view=arena --at=0x1
expect_grep "give --svg" "$HV_TMP/err"
# No arena there: the address and the frame, exit 1.
expect_exit 1 "$HEAPVIEW" "$rec" --frame=30 --view=pool --at=0x1000 --svg="$HV_TMP/e.svg"
expect_grep "^heapview: 0x1000 is in no arena of .*fragmentation.jsonl frame 30$" "$HV_TMP/err"
expect_exit 1 "$HEAPVIEW" "$data/snapshot/types.json" --view=arena --at=0x7f3a20004000 --svg="$HV_TMP/e.svg"
expect_grep "0x7f3a20004000 is in no arena of .*types.json$" "$HV_TMP/err"
# In an arena before its first pool (an arena not aligned to pools).
base=$(python3 -c 'import json,sys
d = json.load(open(sys.argv[1])); ps = d["allocator"]["pool_size"]
print(next(a["address"] for a in d["arenas"] if int(a["address"], 16) % ps))' "$json")
expect_exit 1 "$HEAPVIEW" "$rec" --frame=30 --view=pool --at="$base" --svg="$HV_TMP/e.svg"
expect_grep "is in arena [0-9]* of .* but in none of its pools" "$HV_TMP/err"
expect_exit 0 "$HEAPVIEW" "$rec" --frame=30 --view=arena --at="$base" --svg="$HV_TMP/z.svg"
# A pool-level frame has no block states: say what to capture.
expect_exit 1 "$HEAPVIEW" "$data/tui/pools.jsonl" --view=pool --at=0x7f0000000100 --svg="$HV_TMP/e.svg"
[ "$(wc -l < "$HV_TMP/err")" -eq 1 ] || fail "pool level: $(cat "$HV_TMP/err")"
expect_grep "no block states (a pool-level capture).*--dump" "$HV_TMP/err"
[ -e "$HV_TMP/e.svg" ] && fail "an error left a picture"
json=$HV_TMP/pools.json
"$HEAPVIEW" "$data/tui/pools.jsonl" --dump > "$json" || fail "--dump of pools.jsonl"
draw arena "$data/tui/pools.jsonl" 0x7f0000000100 slides

# Live: the pool view captures at block level; the same pool as a snapshot
# of the stopped target.
py=$(hv_interpreters | awk '$1 != "pyenv-2.7" { print $2; exit }')
if [ -n "$py" ]; then
	hv_start_target "$py"
	kill -STOP "$TARGET_PID"
	"$HEAPVIEW" --pid "$TARGET_PID" --dump > "$HV_TMP/live.json" || fail "live --dump"
	addr=$($check addrs "$HV_TMP/live.json" | awk '$2 == "used" && !n++ { print $1 }')
	[ -n "$addr" ] || fail "no used pool in the target"
	expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --view=pool --at="$addr" \
	    --svg="$HV_TMP/live.svg"
	$check pool "$HV_TMP/live.svg" "$HV_TMP/live.json" "$addr" >&2 || fail "live pool"
	$check text "$HV_TMP/live.svg" "pid $TARGET_PID" >&2 || fail "live header"
	expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --view=arena --at="$addr" \
	    --svg="$HV_TMP/live-a.svg"
	$check arena "$HV_TMP/live-a.svg" "$HV_TMP/live.json" "$addr" >&2 || fail "live arena"
	expect_exit 1 "$HEAPVIEW" --pid "$TARGET_PID" --view=pool --at=0x10 \
	    --svg="$HV_TMP/live.svg"
	expect_grep "0x10 is in no arena of the capture" "$HV_TMP/err"
	kill -CONT "$TARGET_PID"

	# -- CMD: the picture of the peak, captured at block level for the
	# pool view (a pool-level capture would be refused).  Without address
	# randomization the second run lays out its heap as the first did;
	# when it does not, the address is in no arena and only that is said.
	if setarch -R true 2>/dev/null; then
		code='import time
l = [str(i) * 3 for i in range(20000)]
del l[::2]
time.sleep(1)'
		PYTHONHASHSEED=0 setarch -R "$HEAPVIEW" --dump="$HV_TMP/cmd.json" \
		    -- "$py" -c "$code" 2>/dev/null || fail "-- CMD --dump"
		addr=$($check addrs "$HV_TMP/cmd.json" | awk '$2 == "used" && !n++ { print $1 }')
		PYTHONHASHSEED=0 setarch -R "$HEAPVIEW" --view=pool --at="$addr" \
		    --svg="$HV_TMP/cmd.svg" -- "$py" -c "$code" 2>"$HV_TMP/cmd.err"
		rc=$?
		grep -q "block states" "$HV_TMP/cmd.err" &&
			fail "-- CMD captured at pool level: $(cat "$HV_TMP/cmd.err")"
		if [ "$rc" -eq 0 ]; then
			$check text "$HV_TMP/cmd.svg" "of arena" >&2 || fail "-- CMD pool"
		else
			grep -q "in no arena\|none of its pools" "$HV_TMP/cmd.err" ||
				fail "-- CMD: $(cat "$HV_TMP/cmd.err")"
		fi
	fi
fi
finish
