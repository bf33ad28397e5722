#!/bin/sh
# Reader threads change nothing: on every interpreter here, a target
# stopped with SIGSTOP (so that every capture reads the same bytes) gives
# the same --dump and the same --dump --types (types numbered alike, the
# values of its pinned arenas alike) with --threads=1 as with --threads=4,
# byte for byte but for the capture's own time and duration; and the same
# --stats (a pool-level capture).
. "${HV_SRCDIR:-.}/tests/lib.sh"

# The moment and the duration of a capture are its own.
timeless() {
	sed -E 's/"captured_at": *"[^"]*"/"captured_at": ""/
	    s/"capture_ms": *[-0-9.eE+]+/"capture_ms": 0/' "$1"
}

ran=0
while read -r name py; do
	ran=$((ran + 1))
	hv_start_target "$py"
	kill -STOP "$TARGET_PID"
	for types in "" --types; do
		for n in 1 4; do
			expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --dump \
			    --threads=$n $types || continue
			timeless "$HV_TMP/out" > "$HV_TMP/dump$n"
		done
		[ -s "$HV_TMP/dump1" ] || fail "$name: --dump $types printed nothing"
		cmp -s "$HV_TMP/dump1" "$HV_TMP/dump4" ||
			fail "$name: --dump $types differs with --threads=4:" \
			    "$(diff "$HV_TMP/dump1" "$HV_TMP/dump4" | head -c 600)"
		rm -f "$HV_TMP/dump1" "$HV_TMP/dump4"
	done
	grep -q '"values"' "$HV_TMP/out" ||
		fail "$name: --dump --types holds no values to compare"
	expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --stats --threads=1 &&
	    mv "$HV_TMP/out" "$HV_TMP/stats1"
	expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --stats --threads=4 &&
	    { cmp -s "$HV_TMP/stats1" "$HV_TMP/out" ||
	    fail "$name: --stats differs with --threads=4"; }
	kill -CONT "$TARGET_PID"
	kill "$TARGET_PID"; wait "$TARGET_PID" 2>/dev/null
done <<EOT
$(hv_interpreters)
EOT
[ "$ran" -ge 1 ] || skip "no interpreter on this machine"
finish
