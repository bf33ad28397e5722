#!/bin/sh
# --add-label=N:TEXT writes the recording again with frame N labelled: every
# frame loads as before, the labels given are the frames' labels (an empty
# one removes it, markup and quotes survive), nothing else changes, and a
# snapshot, a frame past the end or a malformed N:TEXT is a one-line error.
. "${HV_SRCDIR:-.}/tests/lib.sh"

rec="$HV_SRCDIR/data/recordings/fragmentation.jsonl"
n=$("$HEAPVIEW" "$rec" --stats | sed -n 's/^recording: \([0-9]*\) frames.*/\1/p')
expect_exit 0 "$HEAPVIEW" "$rec" --add-label='5:after <del> "l" & co' \
    --add-label=30: --add-label="$n:the end"
mv "$HV_TMP/out" "$HV_TMP/new.jsonl"
[ "$(wc -l < "$HV_TMP/new.jsonl")" -eq "$(wc -l < "$rec")" ] ||
	fail "the new recording has $(wc -l < "$HV_TMP/new.jsonl") lines"
command -v python3 >/dev/null || skip "python3 is not here"
python3 - "$rec" "$HV_TMP/new.jsonl" "$n" <<'PY' || fail "labels or frames differ"
import json, sys
old = [json.loads(l) for l in open(sys.argv[1])]
new = [json.loads(l) for l in open(sys.argv[2])]
n = int(sys.argv[3])
want = {5: 'after <del> "l" & co', 30: None, n: "the end"}
bad = 0
for i, (a, b) in enumerate(zip(old, new)):
    la, lb = a.pop("label", None), b.pop("label", None)
    if a != b:
        print("line %d changed beyond its label" % (i + 1)); bad = 1
    if i >= 1 and lb != want.get(i, la):
        print("frame %d: label %r, want %r" % (i, lb, want.get(i, la))); bad = 1
sys.exit(bad)
PY
# Every frame loads from the new file as from the old one.
for f in 1 5 29 30 31 "$n"; do
	"$HEAPVIEW" "$rec" --frame=$f --dump > "$HV_TMP/a.json" 2>&1
	"$HEAPVIEW" "$HV_TMP/new.jsonl" --frame=$f --dump > "$HV_TMP/b.json" 2>&1 ||
		fail "frame $f of the new recording: $(head -c 300 "$HV_TMP/b.json")"
	cmp -s "$HV_TMP/a.json" "$HV_TMP/b.json" || fail "frame $f differs"
done
# The label shows where labels show: in a picture of the frame.
expect_exit 0 "$HEAPVIEW" "$HV_TMP/new.jsonl" --frame=5 --svg="$HV_TMP/5.svg"
grep -q 'after &lt;del&gt; "l" &amp; co' "$HV_TMP/5.svg" ||
	fail "frame 5's label is not in its picture"
# Debian's python3-jsonschema, as tests/snapshot_schema.sh uses it.
if /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
	/usr/bin/python3 - "$HV_SRCDIR/data" "$HV_TMP/new.jsonl" <<'PY' ||
import json, pathlib, sys
from jsonschema import Draft202012Validator, RefResolver
data = pathlib.Path(sys.argv[1]).resolve()
stores = {}
for name in ("heapview-snapshot.schema.json", "heapview-recording.schema.json"):
    stores[(data / name).as_uri()] = json.loads((data / name).read_text())
uri = (data / "heapview-recording.schema.json").as_uri()
schema = stores[uri]
frame = Draft202012Validator(schema["$defs"]["frame"],
                             resolver=RefResolver(uri, schema, store=stores))
bad = [e.message[:200] for l in list(open(sys.argv[2]))[1:]
       for e in frame.iter_errors(json.loads(l))]
print("\n".join(bad[:3]))
sys.exit(1 if bad else 0)
PY
		fail "the new recording's frames do not follow the schema"
fi

# Errors.
"$HEAPVIEW" "$rec" --frame=3 --dump > "$HV_TMP/snap.json"
expect_exit 1 "$HEAPVIEW" "$HV_TMP/snap.json" --add-label=1:x
expect_grep "is a snapshot: labels belong to the frames of a recording" "$HV_TMP/err"
expect_exit 1 "$HEAPVIEW" "$rec" --add-label=$((n + 1)):x
expect_grep "no frame $((n + 1)): it has $n frames" "$HV_TMP/err"
for args in "--add-label=x" "--add-label=:x" "--add-label=0:x" "--frame=2 --add-label=1:x" \
    "--stats --add-label=1:x"; do
	# shellcheck disable=SC2086
	expect_exit 2 "$HEAPVIEW" "$rec" $args &&
		[ "$(wc -l < "$HV_TMP/err")" -eq 1 ] || fail "$args: $(cat "$HV_TMP/err")"
done
expect_exit 2 "$HEAPVIEW" --pid 1 --add-label=1:x
finish
