#!/bin/sh
# heapview FILE --stats / --dump on saved files: the expected text of a
# snapshot and of a recording's frame; --frame; --dump of any frame loads
# back with the same stats; a snapshot spread over lines loads; a recording
# cut inside its last line loads every complete frame with a warning.
# Files with block types: their Types section and pinned arenas, and the
# same through --dump of every frame of a typed recording.
. "${HV_SRCDIR:-.}/tests/lib.sh"

data=$HV_SRCDIR/tests/data/snapshot
cd "$HV_TMP" || exit 99

# ---- expected output ----------------------------------------------------
expect_exit 0 "$HEAPVIEW" "$data/blocks.json" --stats
diff -u "$data/blocks.stats" "$HV_TMP/out" >&2 || fail "stats of blocks.json"
[ ! -s "$HV_TMP/err" ] || fail "warnings for a good snapshot: $(cat "$HV_TMP/err")"
# Frames are counted from 1, as the TUI shows them ("frame 11/12").
expect_exit 0 "$HEAPVIEW" "$data/blocks.jsonl" --stats --frame=11
diff -u "$data/blocks-frame11.stats" "$HV_TMP/out" >&2 || fail "stats of frame 11"

# The last frame by default; the frame count and the recording's length.
expect_exit 0 "$HEAPVIEW" "$data/blocks.jsonl" --stats
head -n 1 "$HV_TMP/out" > first
echo 'recording: 12 frames, 10.5 seconds' | diff -u - first >&2 ||
	fail "recording line"
cp "$HV_TMP/out" last.stats
expect_exit 0 "$HEAPVIEW" "$data/blocks.jsonl" --stats --frame=12
cmp -s last.stats "$HV_TMP/out" || fail "--frame=12 is not the default (last) frame"
expect_exit 0 "$HEAPVIEW" "$data/blocks.json" --stats --frame=1
diff -u "$data/blocks.stats" "$HV_TMP/out" >&2 || fail "--frame=1 of a snapshot"

# A recording of one frame says so in the singular.
head -n 2 "$data/blocks.jsonl" > one.jsonl
expect_exit 0 "$HEAPVIEW" one.jsonl --stats
head -n 1 "$HV_TMP/out" > first
echo 'recording: 1 frame, 0.0 seconds' | diff -u - first >&2 || fail "recording line of one frame"

# ---- --dump of every frame is a snapshot with the same stats ---------------
f=1
while [ $f -le 12 ]; do
	"$HEAPVIEW" "$data/blocks.jsonl" --stats --frame=$f | sed 1d > want
	expect_exit 0 "$HEAPVIEW" "$data/blocks.jsonl" --dump --frame=$f
	mv "$HV_TMP/out" frame.json
	expect_grep '^{"format":"heapview-snapshot","version":1,' frame.json
	expect_exit 0 "$HEAPVIEW" frame.json --stats
	diff -u want "$HV_TMP/out" >&2 || fail "frame $f: stats differ after --dump"
	f=$((f + 1))
done
expect_exit 0 "$HEAPVIEW" "$data/blocks.json" --dump=again.json
[ ! -s "$HV_TMP/out" ] || fail "--dump=FILE also wrote to stdout"
cmp -s again.json "$data/blocks.json" || fail "--dump of a snapshot changed it"
expect_exit 1 "$HEAPVIEW" "$data/blocks.json" --dump=/nonexistent/dir/x.json
expect_grep '/nonexistent/dir/x.json: No such file or directory' "$HV_TMP/err"
if [ -w /dev/full ]; then
	expect_exit 1 "$HEAPVIEW" "$data/blocks.json" --dump=/dev/full
	expect_grep '^heapview: /dev/full: No space left on device$' "$HV_TMP/err"
	"$HEAPVIEW" "$data/blocks.jsonl" --stats > /dev/full 2> err
	[ $? -eq 1 ] || fail "--stats to a full disk did not exit 1"
	grep -q 'standard output: No space left on device' err ||
		fail "--stats to a full disk: $(cat err)"
fi

# ---- block types -----------------------------------------------------------
expect_exit 0 "$HEAPVIEW" "$data/types.json" --stats
diff -u "$data/types.stats" "$HV_TMP/out" >&2 || fail "stats of types.json"
expect_exit 0 "$HEAPVIEW" "$data/types.json" --stats --types
diff -u "$data/types.stats" "$HV_TMP/out" >&2 || fail "--stats --types of types.json"
expect_exit 0 "$HEAPVIEW" "$data/types.json" --dump=again.json
cmp -s again.json "$data/types.json" || fail "--dump of a typed snapshot changed it"
# pinned.json (snapshot_gen snapshot pinned small): of its four arenas only
# the one whose single survivor is a Node is pinned -- not the busy one,
# not the one of empty pools, not the one pymalloc is still carving.
expect_exit 0 "$HEAPVIEW" "$data/pinned.json" --stats
diff -u "$data/pinned.stats" "$HV_TMP/out" >&2 || fail "stats of pinned.json"
# values.json: pinned.json with the "values" of two objects: the Node that
# pins arena 2 is listed under it by value; the dict's arena is not pinned.
expect_exit 0 "$HEAPVIEW" "$data/values.json" --stats --types
diff -u "$data/values.stats" "$HV_TMP/out" >&2 || fail "stats of values.json"
expect_exit 0 "$HEAPVIEW" "$data/values.json" --dump=again.json
cmp -s again.json "$data/values.json" || fail "--dump of a snapshot with values changed it"
# values.jsonl: values.json as a recording: a full frame and a delta frame
# with its "values", then a delta frame without (it has none).
for f in 1 2; do
	expect_exit 0 "$HEAPVIEW" "$data/values.jsonl" --stats --types --frame=$f
	sed 1d "$HV_TMP/out" | diff -u "$data/values.stats" - >&2 ||
		fail "frame $f of values.jsonl: stats differ from values.json"
	expect_exit 0 "$HEAPVIEW" "$data/values.jsonl" --frame=$f --dump=frame.json
	expect_exit 0 "$HEAPVIEW" frame.json --stats --types
	diff -u "$data/values.stats" "$HV_TMP/out" >&2 ||
		fail "frame $f of values.jsonl: stats differ after --dump"
done
expect_exit 0 "$HEAPVIEW" "$data/values.jsonl" --stats --types --frame=3
grep -q 'Node at 0x7f3a20006050: ' "$HV_TMP/out" &&
	fail "frame 3 of values.jsonl, without values, lists one"
# No Types section for a file without types.
expect_exit 0 "$HEAPVIEW" "$data/blocks.json" --stats
grep -q '^Types$' "$HV_TMP/out" && fail "a Types section for blocks.json"
# resident.json: pinned.json with a "resident" object: its Resident memory
# section, kept by --dump; a file without one prints none.
expect_exit 0 "$HEAPVIEW" "$data/resident.json" --stats
diff -u "$data/resident.stats" "$HV_TMP/out" >&2 || fail "stats of resident.json"
grep -q '^Resident memory' "$HV_TMP/out" || fail "no Resident memory section for resident.json"
expect_exit 0 "$HEAPVIEW" "$data/resident.json" --dump=again.json
cmp -s again.json "$data/resident.json" || fail "--dump of a snapshot with resident memory changed it"
expect_exit 0 "$HEAPVIEW" "$data/blocks.json" --stats
grep -q '^Resident memory' "$HV_TMP/out" && fail "a Resident memory section for blocks.json"
# malloc.json: resident.json with glibc malloc's figures: the malloc
# section, kept by --dump; a file without them prints none.
expect_exit 0 "$HEAPVIEW" "$data/malloc.json" --stats
diff -u "$data/malloc.stats" "$HV_TMP/out" >&2 || fail "stats of malloc.json"
msection() { awk '/^malloc: / { on = 1 } on && /^$/ { exit } on' "$HV_TMP/out"; }
msection > malloc.want
[ "$(wc -l < malloc.want)" = 20 ] || fail "no malloc section for malloc.json"
expect_exit 0 "$HEAPVIEW" "$data/malloc.json" --dump=again.json
cmp -s again.json "$data/malloc.json" || fail "--dump of a snapshot with malloc figures changed it"
expect_exit 0 "$HEAPVIEW" "$data/resident.json" --stats
grep -q '^malloc: ' "$HV_TMP/out" && fail "a malloc section for resident.json"
# malloc.jsonl: a full frame with malloc.json's figures, a delta frame that
# keeps them (no "malloc"), one with a preloaded allocator, one with none
# (null).  Written again (--record), each frame keeps what it showed, and the
# lines say so the same way.
mframes() {
	msection > got
	case $2 in
	figures) diff -u malloc.want got >&2 || fail "$1: not malloc.json's malloc section" ;;
	replaced) [ "$(cat got)" = "malloc: malloc is libjemalloc.so.2's, not glibc's (glibc's main_arena was not found)" ] ||
		fail "$1: $(cat got)" ;;
	none) [ ! -s got ] || fail "$1: a malloc section: $(head -1 got)" ;;
	esac
}
for file in "$data/malloc.jsonl" rerecorded.jsonl; do
	f=1
	for shows in figures figures replaced none; do
		expect_exit 0 "$HEAPVIEW" "$file" --stats --frame=$f
		mframes "frame $f of $file" $shows
		f=$((f + 1))
	done
	[ -f rerecorded.jsonl ] ||
		expect_exit 0 "$HEAPVIEW" "$data/malloc.jsonl" --record=rerecorded.jsonl
done
for n in 2 3 4 5; do
	sed -n "${n}p" "$data/malloc.jsonl" | grep -o '"malloc":[{n]' > want.m
	sed -n "${n}p" rerecorded.jsonl | grep -o '"malloc":[{n]' > got.m
	cmp -s want.m got.m || fail "line $n of malloc.jsonl written again: '$(cat got.m)', not '$(cat want.m)'"
done
f=1
while [ $f -le 14 ]; do
	"$HEAPVIEW" "$data/types.jsonl" --stats --frame=$f | sed 1d > want
	grep -q '^Types$' want || fail "frame $f of types.jsonl: no Types section"
	expect_exit 0 "$HEAPVIEW" "$data/types.jsonl" --dump=frame.json --frame=$f
	expect_exit 0 "$HEAPVIEW" frame.json --stats
	diff -u want "$HV_TMP/out" >&2 || fail "typed frame $f: stats differ after --dump"
	f=$((f + 1))
done

# ---- a snapshot spread over lines (another tool's pretty printer) ----------
if [ -x /usr/bin/python3 ]; then
	/usr/bin/python3 -c 'import json, sys; json.dump(json.load(sys.stdin), sys.stdout, indent=2)' \
	    < "$data/blocks.json" > pretty.json
	expect_exit 0 "$HEAPVIEW" pretty.json --stats
	diff -u "$data/blocks.stats" "$HV_TMP/out" >&2 || fail "stats of pretty.json"
	head -c 3000 pretty.json > cut.json
	expect_exit 1 "$HEAPVIEW" cut.json --stats
	expect_grep "cut.json:[0-9]*: truncated JSON" "$HV_TMP/err"
fi

# ---- a recorder killed inside its last line ------------------------------
size=$(wc -c < "$data/blocks.jsonl")
last=$(tail -n 1 "$data/blocks.jsonl" | wc -c)
for keep in 1 2 17 $((last / 2)) $((last - 2)); do
	head -c $((size - last + keep)) "$data/blocks.jsonl" > cut.jsonl
	expect_exit 0 "$HEAPVIEW" cut.jsonl --stats || continue
	expect_grep '^heapview: cut.jsonl:13: incomplete frame skipped$' "$HV_TMP/err"
	expect_grep '^recording: 11 frames, 10.0 seconds$' "$HV_TMP/out"
done
# Only the newline missing: the frame is whole.
head -c $((size - 1)) "$data/blocks.jsonl" > cut.jsonl
expect_exit 0 "$HEAPVIEW" cut.jsonl --stats
[ ! -s "$HV_TMP/err" ] || fail "warning for a whole last frame: $(cat "$HV_TMP/err")"
cmp -s last.stats "$HV_TMP/out" || fail "the last frame without its newline differs"
finish
