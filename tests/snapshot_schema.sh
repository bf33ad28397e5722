#!/bin/sh
# What heapview writes validates against the JSON schemas in data/:
# snapshots at pool and block level, with and without block types, for
# three layouts, recordings with full and delta frames (and types added by
# deltas, values in typed frames), --dump of a loaded frame, and the bundled
# recording.  The schemas also reject documents with a field too many, a bad
# state, bad types or a value not printable.
. "${HV_SRCDIR:-.}/tests/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] && "$PY" -c 'import jsonschema' 2>/dev/null ||
	skip "Debian's python3-jsonschema is not installed"
GEN=$HV_BUILDDIR/tests/unit/snapshot_gen
[ -x "$GEN" ] || { echo "FAIL: $GEN not built" >&2; exit 1; }

set --
for level in pools blocks types; do
	for layout in small 38 310; do
		"$GEN" snapshot $level $layout "$HV_TMP/s-$level-$layout.json" ||
			fail "snapshot_gen snapshot $level $layout"
		"$GEN" recording $level $layout 14 "$HV_TMP/r-$level-$layout.jsonl" ||
			fail "snapshot_gen recording $level $layout"
		set -- "$@" "$HV_TMP/s-$level-$layout.json" "$HV_TMP/r-$level-$layout.jsonl"
	done
done
expect_exit 0 "$HEAPVIEW" "$HV_SRCDIR/tests/data/snapshot/blocks.jsonl" \
    --frame=3 --dump="$HV_TMP/dumped.json"
set -- "$@" "$HV_TMP/dumped.json" "$HV_SRCDIR/tests/data/snapshot/pinned.json" \
    "$HV_SRCDIR/tests/data/snapshot/diff-base.json"
set -- "$@" "$HV_SRCDIR/tests/data/snapshot/values.json" \
    "$HV_SRCDIR/tests/data/snapshot/values.jsonl"
set -- "$@" "$HV_SRCDIR/tests/data/snapshot/resident.json" \
    "$HV_SRCDIR/tests/data/tui/resident.jsonl"
set -- "$@" "$HV_SRCDIR/tests/data/snapshot/malloc.json" \
    "$HV_SRCDIR/tests/data/snapshot/malloc.jsonl"
demo=$HV_SRCDIR/data/recordings/fragmentation.jsonl
[ -f "$demo" ] && set -- "$@" "$demo"

"$PY" - "$HV_SRCDIR/data" "$@" <<'EOF' >&2 || fail "schema validation"
import json
import pathlib
import sys

from jsonschema import Draft202012Validator, RefResolver

data = pathlib.Path(sys.argv[1]).resolve()
schemas = {}
for name in ("heapview-snapshot.schema.json", "heapview-recording.schema.json"):
    schema = json.loads((data / name).read_text())
    Draft202012Validator.check_schema(schema)
    schemas[(data / name).as_uri()] = schema
snap_uri, rec_uri = list(schemas)


def validator(uri, part=None):
    schema = schemas[uri]
    sub = schema["$defs"][part] if part else schema
    return Draft202012Validator(sub, resolver=RefResolver(uri, schema, store=schemas))


snapshot = validator(snap_uri)
header = validator(rec_uri, "header")
frame = validator(rec_uri, "frame")
failed = 0


def check(v, doc, where, want_valid=True):
    global failed
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
              for e in v.iter_errors(doc)]
    if want_valid and errors:
        print(f"{where}: {errors[0]}")
        failed += 1
    if not want_valid and not errors:
        print(f"{where}: a broken document validates")
        failed += 1


deltas = added = typed = valued = mallocs = 0


def check_malloc(v, doc, mo, where):
    """Breaks the "malloc" object mo of doc in ways the schema refuses."""
    global mallocs
    mallocs += 1
    if mo.get("status") == "found":
        arenas = mo.pop("arenas")
        check(v, doc, f"{where} with malloc found but no arenas", False)
        mo["arenas"] = arenas
        mo["arenas"][0]["system_bytes"] = -1
        check(v, doc, f"{where} with a negative system_bytes", False)
    else:
        mo["note"] = None
        check(v, doc, f"{where} with malloc {mo['status']} and no note", False)
    mo["note"] = "line\nbreak"
    check(v, doc, f"{where} with a control character in malloc.note", False)
    mo["status"] = "jemalloc"
    check(v, doc, f"{where} with malloc.status jemalloc", False)
for path in sys.argv[2:]:
    lines = pathlib.Path(path).read_text().splitlines()
    if path.endswith(".jsonl"):
        check(header, json.loads(lines[0]), f"{path}:1")
        for n, line in enumerate(lines[1:], 2):
            doc = json.loads(line)
            deltas += "key" in doc
            added += "types_added" in doc
            check(frame, doc, f"{path}:{n}")
            if isinstance(doc.get("malloc"), dict):
                doc = json.loads(line)
                check_malloc(frame, doc, doc["malloc"], f"{path}:{n}")
            if "types_added" in doc:
                doc["types_added"][0]["gc"] = 1
                check(frame, doc, f"{path}:{n} with gc 1", False)
            if doc.get("values"):
                valued += 1
                doc = json.loads(line)
                doc["values"][0]["value"] = "new\nline"
                check(frame, doc, f"{path}:{n} with a value not printable", False)
        # A frame that is neither full nor a delta.
        doc = json.loads(lines[1])
        doc["same"] = []
        check(frame, doc, f"{path}:2 with 'same'", False)
    else:
        doc = json.loads("\n".join(lines))
        check(snapshot, doc, path)
        doc["arenas"][0]["pools"][0]["state"] = "busy"
        check(snapshot, doc, f"{path} with a bad state", False)
        if "malloc" in doc:
            doc = json.loads("\n".join(lines))
            check_malloc(snapshot, doc, doc["malloc"], path)
        doc = json.loads("\n".join(lines))
        doc["process"]["uid"] = 0
        check(snapshot, doc, f"{path} with process.uid", False)
        if "types" in doc:
            typed += 1
            for bad in ("1,,2", "01", "1*0", "1u*", "3 ", ""):
                doc = json.loads("\n".join(lines))
                [p for a in doc["arenas"] for p in a["pools"]
                 if "types" in p][0]["types"] = bad
                check(snapshot, doc, f"{path} with types \"{bad}\"", False)
            doc = json.loads("\n".join(lines))
            doc["types"][0]["name"] = "raw"
            check(snapshot, doc, f"{path} with types[0] not (raw)", False)
            doc["types"] = []
            check(snapshot, doc, f"{path} with an empty table", False)
if deltas == 0 or added == 0 or typed == 0 or valued == 0 or mallocs < 3:
    print(f"{deltas} delta frames, {added} with types added, {valued} with "
          f"values, {typed} typed snapshots, {mallocs} malloc objects "
          "checked: expected some of each")
    failed += 1
sys.exit(1 if failed else 0)
EOF
finish
