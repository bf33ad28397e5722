#!/bin/sh
# A big snapshot and a recording with a big frame load with memory bounded
# by the heap they describe, not by their text: the arenas are read one at
# a time, never as one tree.  The snapshot (30,000 arenas, 30 MB of JSON)
# loads the same as it was written: --dump gives it back byte for byte.
. "${HV_SRCDIR:-.}/tests/lib.sh"

data=$HV_SRCDIR/tests/data/snapshot
cd "$HV_TMP" || exit 99
N=30000

# arenas: N arenas of 16 full pools each, after the text of FILE's first
# line up to its "arenas" (counters made to agree with N).
arenas() {
	sed -n 1p "$1" | sed 's/"arenas":\[.*/"arenas":[/;
	    s/"arenas_allocated_total":[0-9]*/"arenas_allocated_total":'$N'/;
	    s/"arenas_highwater":[0-9]*/"arenas_highwater":'$N'/'
	awk -v n=$N 'BEGIN {
	    for (i = 0; i < n; i++) {
		a = 268435456 + i * 32768
		printf "%s{\"index\":%d,\"address\":\"0x%x\",\"pool_address\":" \
		    "\"0x%x\",\"ntotalpools\":16,\"nfreepools\":0,\"pools\":[",
		    i ? "," : "", i, a, a + 16384
		for (p = 0; p < 16; p++)
			printf "%s{\"szidx\":0,\"count\":61,\"nextoffset\":1024," \
			    "\"state\":\"full\"}", p ? "," : ""
		printf "]}"
	    }
	    printf "]}\n"
	}'
}

# peak_kib ARGS...: heapview's peak resident memory in KiB (nothing when
# /usr/bin/time cannot say, or when AddressSanitizer keeps what is freed).
peak_kib() {
	[ -x /usr/bin/time ] || return 0
	grep -q __asan_init "$HEAPVIEW" && return 0
	/usr/bin/time -f '%M' -o "$HV_TMP/rss" "$HEAPVIEW" "$@" >/dev/null \
	    2>&1 || fail "heapview $* failed"
	tail -n 1 "$HV_TMP/rss"
}

# bounded FILE: loading FILE takes less memory than its text.
bounded() {
	kib=$(( $(wc -c < "$1") / 1024 ))
	rss=$(peak_kib "$1" --stats)
	[ -z "$rss" ] || [ "$rss" -lt "$kib" ] ||
		fail "$1: loading $kib KiB of JSON took $rss KiB of memory"
}

arenas "$data/blocks.json" | tr -d '\n' > big.json
echo >> big.json
expect_exit 0 "$HEAPVIEW" big.json --stats
expect_grep "^$N arenas \* 16384 bytes/arena" "$HV_TMP/out"
expect_exit 0 "$HEAPVIEW" big.json --dump
cmp -s "$HV_TMP/out" big.json || fail "big.json: --dump does not give it back"
bounded big.json

# The arenas need not come last: first, they load the same.
sed 's/^{\(.*\),"arenas":\(.*\)}$/{"arenas":\2,\1}/' "$data/types.json" \
    > first.json
cmp -s first.json "$data/types.json" && fail "first.json: nothing moved"
expect_exit 0 "$HEAPVIEW" first.json --dump
cmp -s "$HV_TMP/out" "$data/types.json" ||
	fail "first.json: --dump differs from types.json's"

# A recording: its header, then that heap as its one frame.
{ sed -n 1p "$data/blocks.jsonl"
  { sed -n 2p "$data/blocks.jsonl" > frame.txt; arenas frame.txt; } |
      tr -d '\n'
  echo; } > big.jsonl
expect_exit 0 "$HEAPVIEW" big.jsonl --stats
expect_grep "^$N arenas \* 16384 bytes/arena" "$HV_TMP/out"
bounded big.jsonl
finish
