#!/bin/sh
# heapview FILE --stats --diff=BASE on saved files.
#
# pinned.json against diff-base.json, a copy of it changed by hand:
#  - arena 2, pool 8, block 0 held a dict; it holds the Node now (same
#    address, another type: a new Node, a gone dict);
#  - arena 1, pool 0: block 0 was free and is a dict now (new), blocks 1-3
#    are the same dicts, block 4 was a dict and is free (gone);
#  - arena slot 3 was an arena at 0x7f3a20010000 holding 2 Node and a dict
#    (gone); it is at 0x7f3a20008000 now, all empty.
# So: new 1 Node + 1 dict (64 bytes each), gone 3 dict + 2 Node; the one
# pinned arena (2) is pinned by the new Node.  Without --types, blocks:
# block 0 of arena 2 is the same block, so 1 new and 4 freed, -192 bytes.
#
# Frames of types.jsonl: a frame against itself has nothing new or gone;
# A against B is B against A with new and gone swapped; BASE without @N is
# the first frame.  Errors: BASE missing, malformed, past the last frame,
# of another geometry, pool level; --diff without --stats.
. "${HV_SRCDIR:-.}/tests/lib.sh"

data=$HV_SRCDIR/tests/data/snapshot
cd "$HV_TMP" || exit 99
cp "$data/pinned.json" "$data/diff-base.json" "$data/types.jsonl" \
    "$HV_SRCDIR/tests/data/tui/small.jsonl" "$HV_SRCDIR/tests/data/tui/pools.jsonl" .

# ---- the expected text, worked out by hand above ---------------------------
cat > want <<'TXT'

New since diff-base.json
Partition of a set of 2 objects. Total size = 128 bytes.
 Index  Count   %     Size   % Cumulative  % Type
     0      1  50       64  50        64  50 Node
     1      1  50       64  50       128 100 dict

Gone since diff-base.json
Partition of a set of 5 objects. Total size = 320 bytes.
 Index  Count   %     Size   % Cumulative  % Type
     0      3  60      192  60       192  60 dict
     1      2  40      128  40       320 100 Node

Pinned arenas (less than 10% live) and their objects new since diff-base.json: 1 arena
  arena 2 at 0x7f3a20004000: 64 live bytes (0.4%), 1 new object: 1 Node
TXT
expect_exit 0 "$HEAPVIEW" pinned.json --stats --types --diff=diff-base.json
# The diff follows the report --stats prints without it.
"$HEAPVIEW" pinned.json --stats --types > plain
n=$(wc -l < plain)
head -n "$n" "$HV_TMP/out" | cmp -s - plain || fail "--diff changed the report before it"
tail -n +"$((n + 1))" "$HV_TMP/out" | diff -u want - >&2 || fail "diff of pinned.json"

cat > want <<'TXT'

Diff against diff-base.json: of blocks, not objects (no --types).

Blocks new and freed since diff-base.json
class   size   new blocks  freed blocks     net bytes
-----   ----   ----------  ------------     ---------
    3     64            1             4          -192
total                   1             4          -192

Pinned arenas (less than 10% live) and their blocks new since diff-base.json: 1 arena
  arena 2 at 0x7f3a20004000: 64 live bytes (0.4%), 0 new blocks: none new
TXT
expect_exit 0 "$HEAPVIEW" pinned.json --stats --diff=diff-base.json
sed -n '/^Diff against/,$p' "$HV_TMP/out" | { echo; cat; } | diff -u want - >&2 ||
	fail "block diff of pinned.json"

# A baseline without types: blocks, and why.
cp "$data/blocks.json" .
expect_exit 0 "$HEAPVIEW" pinned.json --stats --types --diff=blocks.json
expect_grep '^Diff against blocks.json: of blocks, not objects (the baseline has no block types)\.$' \
    "$HV_TMP/out"
expect_grep '^Blocks new and freed since blocks.json$' "$HV_TMP/out"

# ---- frames of a typed recording ---------------------------------------------
# section NAME: the partition under "NAME since" in $HV_TMP/out.
section() {
	awk -v h="$1 since" 'index($0, h) == 1 { on = 1; next }
	    on && /^$/ { exit } on' "$HV_TMP/out"
}
for f in 1 5 14; do
	expect_exit 0 "$HEAPVIEW" types.jsonl --stats --types --frame=$f \
	    --diff=types.jsonl@$f
	for s in New Gone; do
		section $s | head -n 1 > got
		echo 'Partition of a set of 0 objects. Total size = 0 bytes.' |
		    diff -u - got >&2 || fail "frame $f against itself: $s"
	done
	expect_grep "^New since frame $f of types.jsonl, [0-9.]* s$" "$HV_TMP/out"
done
expect_exit 0 "$HEAPVIEW" types.jsonl --stats --types --frame=3 --diff=types.jsonl@11
section New > new-3-11
section Gone > gone-3-11
expect_exit 0 "$HEAPVIEW" types.jsonl --stats --types --frame=11 --diff=types.jsonl@3
section New > new-11-3
section Gone > gone-11-3
cmp -s new-3-11 gone-11-3 && cmp -s gone-3-11 new-11-3 ||
	fail "3 against 11 is not 11 against 3 turned round"
grep -q '^Partition of a set of [1-9]' new-3-11 || fail "frames 3 and 11: nothing new"
expect_exit 0 "$HEAPVIEW" types.jsonl --stats --types --frame=3 --diff=types.jsonl
section New > new-3-first
expect_exit 0 "$HEAPVIEW" types.jsonl --stats --types --frame=3 --diff=types.jsonl@1
section New | cmp -s - new-3-first || fail "a recording alone is not its first frame"

# ---- errors ------------------------------------------------------------------
expect_exit 1 "$HEAPVIEW" pinned.json --stats --types --diff=nothere.json
echo 'heapview: nothere.json: No such file or directory' | diff -u - "$HV_TMP/err" >&2 ||
	fail "missing BASE"
[ ! -s "$HV_TMP/out" ] || fail "a report printed before the BASE error"
printf '{"format":"heapview-snapshot",\n"version":1,\n"level":' > bad.json
expect_exit 1 "$HEAPVIEW" pinned.json --stats --types --diff=bad.json
grep -q '^heapview: bad.json:3: ' "$HV_TMP/err" && [ "$(wc -l < "$HV_TMP/err")" = 1 ] ||
	fail "malformed BASE: $(cat "$HV_TMP/err")"
expect_exit 1 "$HEAPVIEW" pinned.json --stats --types --diff=types.jsonl@15
echo 'heapview: types.jsonl: no frame 15: it has 14 frames, numbered from 1' |
    diff -u - "$HV_TMP/err" >&2 || fail "BASE frame past the end"
expect_exit 1 "$HEAPVIEW" small.jsonl --stats --diff=pinned.json
expect_grep "^heapview: cannot diff against pinned.json: the baseline's allocator geometry (16384-byte arenas, 1024-byte pools, 32 size classes of 16 bytes) is not the current capture's (1048576, 16384, 32 of 16)$" "$HV_TMP/err"
sed 's/"python":"3.11.2"/"python":"3.12.1"/' diff-base.json > other.json
expect_exit 1 "$HEAPVIEW" pinned.json --stats --types --diff=other.json
echo 'heapview: cannot diff against other.json: the baseline is of Python 3.12.1, the current capture of Python 3.11.2' |
    diff -u - "$HV_TMP/err" >&2 || fail "another Python"
expect_exit 1 "$HEAPVIEW" small.jsonl --stats --diff=pools.jsonl@1
expect_grep '^heapview: cannot diff against frame 1 of pools.jsonl, [0-9.]* s: the baseline was captured at pool level' "$HV_TMP/err"
expect_exit 2 "$HEAPVIEW" pinned.json --types --diff=diff-base.json
expect_grep 'give --stats' "$HV_TMP/err"
expect_exit 2 "$HEAPVIEW" pinned.json --dump --diff=diff-base.json
expect_exit 2 "$HEAPVIEW" pinned.json --stats --diff=
finish
