#!/bin/sh
# The malloc section of --stats against glibc's own mallinfo2(): for every
# interpreter on the machine (Debian's stripped python3.11 among them),
# tests/data/malloc_target.py builds a heap with a thread arena, bins,
# fastbins, tcache entries and mmapped chunks, prints mallinfo2() at an idle
# moment and idles; stopped with SIGSTOP, its heap is what heapview reads.
# Every mallinfo2 field must be equal, no check may fail, and each arena's
# parts must add up to its system bytes.
. "${HV_SRCDIR:-.}/tests/lib.sh"

ran=0
hv_interpreters > "$HV_TMP/interps"
while read -r name py; do
	"$py" -c 'import ctypes; ctypes.CDLL("libc.so.6").mallinfo2' \
	    2>/dev/null || continue
	hv_start_script "$py" malloc_target.py
	kill -STOP "$TARGET_PID"
	expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --stats || continue
	kill -CONT "$TARGET_PID"
	ran=$((ran + 1))
	grep '^mallinfo2 ' "$HV_TMP/own.txt" | tail -1 | tr ' ' '\n' |
	    sed -n 's/=/ /p' > "$HV_TMP/want"
	awk '/^mallinfo2\(\)/ { on = 1; next }
	     on && /=/ { v = $NF; gsub(",", "", v); print $1, v }' \
	    "$HV_TMP/out" > "$HV_TMP/got"
	[ "$(wc -l < "$HV_TMP/want")" = 10 ] ||
	    fail "$name: the target printed no mallinfo2"
	diff -u "$HV_TMP/want" "$HV_TMP/got" > "$HV_TMP/diff" ||
	    fail "$name: mallinfo2 differs: $(cat "$HV_TMP/diff")"
	expect_grep "^malloc: glibc's" "$HV_TMP/out"
	grep -q INVALID "$HV_TMP/out" &&
	    fail "$name: $(grep INVALID "$HV_TMP/out")"
	# The target made fastbin and tcache chunks, a thread arena and
	# mmapped chunks: each must be seen.
	fast=$(sed -n 's/.* in fastbins (\([0-9]*\)).*/\1/p' "$HV_TMP/out")
	tc=$(sed -n 's/.* thread caches* (\([0-9]*\) chunks).*/\1/p' "$HV_TMP/out")
	mm=$(sed -n 's/^mmapped chunks: \([0-9]*\) .*/\1/p' "$HV_TMP/out")
	[ "${fast:-0}" -gt 0 ] && [ "${tc:-0}" -gt 0 ] && [ "${mm:-0}" -gt 0 ] ||
	    fail "$name: fastbin ($fast), tcache ($tc) or mmapped ($mm) chunks missing"
	[ "$(grep -c '^0x' "$HV_TMP/out")" -ge 1 ] ||
	    fail "$name: no thread arena listed"
	# system = in use + free + top (+ heap_info, malloc_state, fenceposts)
	over=$(sed -n 's/.*fenceposts: \([0-9,]*\) bytes/\1/p' "$HV_TMP/out" | tr -d ,)
	awk -v over="$over" '/^(main|total) / || /^0x/ {
		for (i = 3; i <= 7; i++) gsub(",", "", $i)
		if ($1 == "total" || !seen_total) last = $0
		if ($1 == "total") { tot = 1; s = $3; u = $4; f = $5; t = $6 }
		if (!tot) { s1 += $3; u1 += $4; f1 += $5; t1 += $6 }
	     }
	     END { if (!tot) { s = s1; u = u1; f = f1; t = t1 }
		   exit !(s == u + f + t + over) }' "$HV_TMP/out" ||
	    fail "$name: the arenas' parts do not add up to their system bytes"
	kill "$TARGET_PID"
	wait "$TARGET_PID" 2>/dev/null
done < "$HV_TMP/interps"
[ "$ran" -gt 0 ] || skip "no interpreter with glibc's mallinfo2"
finish
