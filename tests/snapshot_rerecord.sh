#!/bin/sh
# The JSON writer and the key frames of recordings, on files:
#  - a snapshot written by heapview comes out of FILE --dump byte for byte
#    (the committed files were written when the writer built a cJSON tree);
#  - a recording rewritten with key frames chosen by cost (the default) and
#    with every frame full (--key-frames=every) replays every frame as the
#    original does: the bundled demo (68 frames) and the test recordings;
#  - odd strings (control characters, quotes, backslashes, bytes that are
#    not UTF-8) survive a round trip as JSON requires.
. "${HV_SRCDIR:-.}/tests/lib.sh"

command -v python3 >/dev/null || skip "no python3"
data=$HV_SRCDIR/tests/data/snapshot
same=$HV_SRCDIR/tests/snapshot_same.py
cd "$HV_TMP" || exit 99

for f in blocks diff-base pinned types values; do
	expect_exit 0 "$HEAPVIEW" "$data/$f.json" --dump || continue
	cmp -s "$HV_TMP/out" "$data/$f.json" ||
	    fail "$f.json: --dump does not write it byte for byte"
done

# full_frames FILE: the frames of a recording that have no "key".
full_frames() {
	python3 -c 'import json, sys
lines = open(sys.argv[1]).read().splitlines()[1:]
print(sum("key" not in json.loads(l) for l in lines), len(lines))' "$1"
}

# check_rerecord NAME FILE: FILE rewritten both ways, every frame compared.
check_rerecord() {
	expect_exit 0 "$HEAPVIEW" "$2" --record="$1.cost.jsonl" || return
	expect_grep "frames (.* full) written to $1.cost.jsonl" "$HV_TMP/err"
	expect_exit 0 "$HEAPVIEW" "$2" --record="$1.every.jsonl" \
	    --key-frames=every || return
	set -- "$1" "$2" $(full_frames "$1.every.jsonl") $(full_frames "$1.cost.jsonl")
	[ "$3" = "$4" ] || fail "$1: --key-frames=every wrote $3 full frames of $4"
	[ "$5" -lt "$6" ] || fail "$1: every frame of the cost-chosen rewrite is full"
	[ "$6" = "$4" ] || fail "$1: $6 frames rewritten, $4 with every key frame"
	n=1
	while [ "$n" -le "$4" ]; do
		for v in orig cost every; do
			src=$2
			[ "$v" = orig ] || src=$1.$v.jsonl
			"$HEAPVIEW" "$src" --frame="$n" --dump > "$v.json" ||
			    fail "$1: $v: frame $n does not load"
		done
		python3 "$same" orig.json cost.json every.json >&2 ||
		    fail "$1: frame $n differs"
		n=$((n + 1))
	done
}

check_rerecord demo "$HV_SRCDIR/data/recordings/fragmentation.jsonl"
# Writing over the file read would lose it.
cp "$data/blocks.jsonl" self.jsonl
expect_exit 1 "$HEAPVIEW" self.jsonl --record=./self.jsonl &&
    expect_grep 'the recording to write is the file read' "$HV_TMP/err"
cmp -s self.jsonl "$data/blocks.jsonl" || fail "FILE --record=FILE changed FILE"
for f in blocks types values; do
	check_rerecord "$f" "$data/$f.jsonl"
done

# Odd strings: every control character, quotes, backslash, DEL, UTF-8 of 2,
# 3 and 4 bytes, and bytes that are not UTF-8 (which become U+FFFD).
python3 - "$data/blocks.json" odd.json <<'PY' || fail "cannot make odd.json"
import json, sys
doc = json.load(open(sys.argv[1]))
doc["process"]["exe"] = "/odd/\"quoted\"\\back\\slash"
doc["process"]["argv"] = ["".join(chr(c) for c in range(1, 32)), "del\x7f",
    "\u00e9\u20ac\U0001F600", "PLACEHOLDER", ""]
text = json.dumps(doc).replace('"PLACEHOLDER"', '"bad\\u00ff"')
# the one string that is not UTF-8: raw bytes in the file
open(sys.argv[2], "wb").write(text.encode().replace(b"bad\\u00ff",
    b"bad\xff\xc3(\xe2\x82"))
PY
expect_exit 0 "$HEAPVIEW" odd.json --dump=odd2.json &&
expect_exit 0 "$HEAPVIEW" odd2.json --dump=odd3.json &&
python3 - odd2.json odd3.json <<'PY' >&2 || fail "odd strings changed in a round trip"
import json, sys
raw = open(sys.argv[1], "rb").read()
assert all(b >= 0x20 for b in raw[:-1]), "a raw control byte in the JSON text"
assert b'"\\u0001\\u0002' in raw and b'\\b\\t\\n\\u000b\\f\\r' in raw, "escapes"
a = json.loads(raw.decode("utf-8"))
p = a["process"]
assert p["exe"] == "/odd/\"quoted\"\\back\\slash", p["exe"]
assert p["argv"][0] == "".join(chr(c) for c in range(1, 32)), p["argv"][0]
assert p["argv"][1:3] == ["del\x7f", "\u00e9\u20ac\U0001F600"], p["argv"][1:3]
assert p["argv"][3] == "bad\ufffd\ufffd(\ufffd\ufffd", p["argv"][3]
assert p["argv"][4] == ""
assert raw == open(sys.argv[2], "rb").read(), "not stable when written again"
PY
finish
