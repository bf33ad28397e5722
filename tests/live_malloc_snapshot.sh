#!/bin/sh
# glibc malloc's figures in snapshots and recordings, for every interpreter
# on the machine (Debian's stripped python3.11 among them): with
# tests/data/malloc_target.py stopped (SIGSTOP), heapview FILE --stats on a
# --dump prints byte for byte the malloc section that --stats on the process
# printed; a recording keeps the figures in its first frame, leaves them out
# of the delta frames whose figures did not change, and any of its frames
# prints that section again.  What was written validates against the schemas
# when python3-jsonschema is installed.
. "${HV_SRCDIR:-.}/tests/lib.sh"

# The malloc section of a --stats text: from "malloc: " to a blank line.
msection() {
	awk '/^malloc: / { on = 1 } on && /^$/ { exit } on' "$1"
}

# validate SNAPSHOT RECORDING: both against data/*.schema.json.
validate() {
	/usr/bin/python3 -c 'import jsonschema' 2>/dev/null || return 0
	/usr/bin/python3 - "$HV_SRCDIR/data" "$1" "$2" <<'PY' >&2 || fail "$name: schema validation"
import json, pathlib, sys
from jsonschema import Draft202012Validator, RefResolver
data = pathlib.Path(sys.argv[1]).resolve()
store = {}
for n in ("heapview-snapshot.schema.json", "heapview-recording.schema.json"):
    store[(data / n).as_uri()] = json.loads((data / n).read_text())
snap, rec = list(store)
v = Draft202012Validator(store[snap], resolver=RefResolver(snap, store[snap], store=store))
errs = list(v.iter_errors(json.loads(pathlib.Path(sys.argv[2]).read_text())))
f = Draft202012Validator(store[rec], resolver=RefResolver(rec, store[rec], store=store))
for line in pathlib.Path(sys.argv[3]).read_text().splitlines():
    errs += list(f.iter_errors(json.loads(line)))
for e in errs[:3]:
    print("/".join(map(str, e.absolute_path)), e.message[:200])
sys.exit(1 if errs else 0)
PY
}

ran=0
hv_interpreters > "$HV_TMP/interps"
while read -r name py; do
	"$py" -c 'import ctypes; ctypes.CDLL("libc.so.6").mallinfo2' \
	    2>/dev/null || continue
	hv_start_script "$py" malloc_target.py
	kill -STOP "$TARGET_PID"
	ran=$((ran + 1))
	expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --stats || continue
	msection "$HV_TMP/out" > "$HV_TMP/live"
	grep -q "^malloc: glibc's" "$HV_TMP/live" ||
	    fail "$name: no malloc section live: $(head -1 "$HV_TMP/live")"
	expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --dump="$HV_TMP/snap.json"
	grep -q '"malloc":{"status":"found",' "$HV_TMP/snap.json" ||
	    fail "$name: the snapshot has no malloc figures"
	expect_exit 0 "$HEAPVIEW" "$HV_TMP/snap.json" --stats
	msection "$HV_TMP/out" > "$HV_TMP/loaded"
	diff -u "$HV_TMP/live" "$HV_TMP/loaded" >&2 ||
	    fail "$name: the snapshot's malloc section differs from the live one"

	rec=$HV_TMP/rec.jsonl
	rm -f "$rec"
	"$HEAPVIEW" --pid "$TARGET_PID" --record="$rec" --no-tui \
	    --interval=0.1 >/dev/null 2>"$HV_TMP/rec.err" &
	hv=$!
	i=0
	while [ "$(cat "$rec" 2>/dev/null | wc -l)" -lt 5 ] && [ $i -lt 600 ]; do
		sleep 0.1; i=$((i + 1))
	done
	kill -INT "$hv"
	wait "$hv" || fail "$name: --record ended with $?: $(cat "$HV_TMP/rec.err")"
	frames=$(($(wc -l < "$rec") - 1))
	# The target is stopped: every frame has the first one's figures.
	[ "$(sed -n 2p "$rec" | grep -c '"malloc":{"status":"found",')" = 1 ] ||
	    fail "$name: the recording's first frame has no malloc figures"
	[ "$(grep -c '"malloc":' "$rec")" = 1 ] ||
	    fail "$name: delta frames repeat malloc figures that did not change"
	for f in 1 "$frames"; do
		expect_exit 0 "$HEAPVIEW" "$rec" --stats --frame="$f"
		msection "$HV_TMP/out" > "$HV_TMP/loaded"
		diff -u "$HV_TMP/live" "$HV_TMP/loaded" >&2 ||
		    fail "$name: frame $f of the recording: not the live malloc section"
	done
	validate "$HV_TMP/snap.json" "$rec"
	kill -CONT "$TARGET_PID"
	kill "$TARGET_PID"
	wait "$TARGET_PID" 2>/dev/null
done < "$HV_TMP/interps"
[ "$ran" -gt 0 ] || skip "no interpreter with glibc's mallinfo2"
finish
