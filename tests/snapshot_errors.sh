#!/bin/sh
# Malformed and hostile files given to the real binary: each is refused
# with "FILE:LINE: what was expected" on stderr and exit status 1, and the
# hostile ones (deep nesting, a 100 MB string) with bounded memory.
# Each case edits a good snapshot (tests/data/snapshot/blocks.json, or
# types.json with block types) or recording (blocks.jsonl, types.jsonl) in
# one place.
. "${HV_SRCDIR:-.}/tests/lib.sh"

data=$HV_SRCDIR/tests/data/snapshot
cd "$HV_TMP" || exit 99

# refuse FILE MESSAGE: heapview FILE --stats exits 1 saying MESSAGE.
refuse() {
	expect_exit 1 "$HEAPVIEW" "$1" --stats || return
	grep -qF -e "$2" "$HV_TMP/err" ||
		fail "$1: expected '$2', got: $(head -c 400 "$HV_TMP/err")"
	[ ! -s "$HV_TMP/out" ] || fail "$1: printed stats for a bad file"
}

# snap SED MESSAGE: the good snapshot edited by SED is refused with MESSAGE.
snap() {
	sed -e "$1" "$data/blocks.json" > bad.json
	cmp -s bad.json "$data/blocks.json" && fail "'$1' changed nothing"
	refuse bad.json "$2"
}

# tsnap SED MESSAGE: the same with the typed snapshot.
tsnap() {
	sed -e "$1" "$data/types.json" > bad.json
	cmp -s bad.json "$data/types.json" && fail "'$1' changed nothing"
	refuse bad.json "$2"
}

# The inputs are good to start with.
for f in blocks.json blocks.jsonl types.json types.jsonl; do
	expect_exit 0 "$HEAPVIEW" "$data/$f" --stats
done

# ---- not JSON, truncated, empty, not a file -------------------------------
echo 'hello, world' > bad.json
refuse bad.json 'bad.json:1: invalid JSON: expected a value'
head -c 2000 "$data/blocks.json" > bad.json
refuse bad.json 'bad.json:1: truncated JSON: expected more'
: > bad.json
refuse bad.json 'bad.json:1: empty file: expected a heapview snapshot or recording'
printf '\n  \n' > bad.json
refuse bad.json 'bad.json:1: expected a JSON value, got only white space'
refuse "$HV_TMP" "$HV_TMP: is a directory, expected a snapshot or recording file"
refuse missing.json 'missing.json: No such file or directory'
cp "$HEAPVIEW" bad.json
refuse bad.json 'bad.json:1: a NUL byte: this is not JSON text'
{ cat "$data/blocks.json"; echo '{}'; } > bad.json
refuse bad.json 'bad.json:2: expected the end of the snapshot, got "{}"'
echo '[1, 2, 3]' > bad.json
refuse bad.json 'bad.json:1: expected a heapview snapshot or recording (a JSON object), got an array'

# ---- the document's fields ----------------------------------------------
# rsnap SED MESSAGE: resident.json edited by SED is refused with MESSAGE.
rsnap() {
	sed -e "$1" "$data/resident.json" > bad.json
	cmp -s bad.json "$data/resident.json" && fail "'$1' changed nothing"
	refuse bad.json "$2"
}
rsnap 's/"resident":{/"resident":[{/; s/"mmapped_chunks":6}/"mmapped_chunks":6}]/' \
    'bad.json:1: resident: expected an object'
rsnap 's/"files":7135232/"files":7135233/' \
    'bad.json:1: resident: the parts do not add up to total_bytes'
rsnap 's/"stacks":73728,//' \
    'bad.json:1: resident.stacks: missing: expected a count of bytes or items'
rsnap 's/"other":57344/"other":-1/' \
    'bad.json:1: resident.other: expected an integer from 0 to 2^53'
rsnap 's/"other":57344/"other":1e300/' \
    'bad.json:1: resident.other: expected an integer from 0 to 2^53'
rsnap 's/"arenas_empty_pools":1048576/"arenas_empty_pools":9999999/' \
    'bad.json:1: resident.arenas_empty_pools: more than arenas'
# msnap SED MESSAGE: malloc.json edited by SED is refused with MESSAGE.
msnap() {
	sed -e "$1" "$data/malloc.json" > bad.json
	cmp -s bad.json "$data/malloc.json" && fail "'$1' changed nothing"
	refuse bad.json "$2"
}
expect_exit 0 "$HEAPVIEW" "$data/malloc.json" --stats
msnap 's/"malloc":{"status"/"malloc":"glibc","m":{"status"/' \
    'bad.json:1: malloc: expected an object or null'
msnap 's/"status":"found"/"status":"jemalloc"/' \
    'bad.json:1: malloc.status: expected "found", "no_glibc", "replaced" or "not_found"'
msnap 's/"status":"found","note":null/"status":"replaced","note":null/' \
    'bad.json:1: malloc.note: expected a string'
msnap 's|"libc":"/usr/lib/x86_64-linux-gnu/libc.so.6"|"libc":null|' \
    "bad.json:1: malloc.libc: expected libc's path: glibc's malloc was found"
msnap 's|"libc":"/usr/lib/|"libc":"/usr/\\u001b[2J/|' \
    'bad.json:1: malloc.libc: a control character (0x1b) at offset 5'
msnap 's/"found_by":"scan"/"found_by":"guess"/' \
    'bad.json:1: malloc.found_by: expected "symbol" or "scan"'
msnap 's/"main_arena":"0x7ffa4a1bac60"/"main_arena":"7ffa4a1bac60"/' \
    'bad.json:1: malloc.main_arena: expected a hex address like "0x7f3a2c000000"'
msnap 's/"mmapped_exact":false/"mmapped_exact":0/' \
    'bad.json:1: malloc.mmapped_exact: expected true or false'
msnap 's/"system_bytes":100421632/"system_bytes":-100421632/' \
    'bad.json:1: malloc.arenas[0].system_bytes: expected an integer from 0 to 9007199254740992'
msnap 's/"top_address":"0x7ffa46e8c170",//' \
    'bad.json:1: malloc.arenas[1].top_address: missing: expected a string'
msnap 's/"main":false/"main":true/' \
    'bad.json:1: malloc.arenas[1].main: expected false: only the first arena is main'
msnap 's/"invalid_checks":2,/"invalid_checks":0,/' \
    'bad.json:1: malloc.arenas[1].invalid_why: a failed check, but invalid_checks is 0'
msnap 's/"mallinfo2":{"arena":149237760/"mallinfo2":{"arena":149237761/' \
    'bad.json:1: malloc.mallinfo2.arena: expected 149237760 (what the arenas and the mmapped chunks add up to), got 149237761'
msnap 's/"keepcost":102112/"keepcost":7824/' \
    'bad.json:1: malloc.mallinfo2.keepcost: expected 102112 (what the arenas and the mmapped chunks add up to), got 7824'
msnap 's/,"mallinfo2":{[^}]*}//' \
    'bad.json:1: malloc.mallinfo2: missing: expected an object'
# mrec SED MESSAGE: the same with malloc.jsonl, whose delta frames leave the
# figures out (line 3), give other ones (line 4) or null (line 5).
mrec() {
	sed -e "$1" "$data/malloc.jsonl" > bad.jsonl
	cmp -s bad.jsonl "$data/malloc.jsonl" && fail "'$1' changed nothing"
	refuse bad.jsonl "$2"
}
expect_exit 0 "$HEAPVIEW" "$data/malloc.jsonl" --stats
mrec '4s/"status":"replaced"/"status":"musl"/' \
    'bad.jsonl:4: malloc.status: expected "found", "no_glibc", "replaced" or "not_found"'
mrec '5s/"malloc":null/"malloc":false/' \
    'bad.jsonl:5: malloc: expected an object or null'
mrec '2s/"arenas":\[{"address":"0x7ffa4a1bac60"/"arenas":[7,{"address":"0x7ffa4a1bac60"/' \
    'bad.jsonl:2: malloc.arenas[0]: expected an arena (a JSON object)'
snap 's/"heapview-snapshot"/"heapview-snapshat"/' \
    'bad.json:1: format: expected "heapview-snapshot" or "heapview-recording", got "heapview-snapshat"'
snap 's/"version":1/"version":2/' \
    'bad.json:1: version: expected 1 (the version this heapview reads), got 2'
snap 's/"capture_ms":3.5,//' \
    'bad.json:1: capture_ms: missing: expected a number from 0 to 1e+09'
snap 's/"allocator":{[^}]*},//' \
    'bad.json:1: allocator: missing: expected an object'
snap 's/"pid":4242/"pid":"4242"/' \
    'bad.json:1: process.pid: expected an integer from 0 to 2147483647, got a string'
snap 's/"argv":\["python3"/"argv":[3/' \
    'bad.json:1: process.argv[0]: expected a string, got a number'
snap 's/"arenas_highwater":4/"arenas_highwater":-4/' \
    'bad.json:1: counters.arenas_highwater: expected an integer from 0 to 9007199254740992, got -4'
snap 's/"captured_at":"[^"]*"/"captured_at":"yesterday"/' \
    'bad.json:1: captured_at: expected an RFC 3339 time like "2024-05-01T12:00:00.000Z", got "yesterday"'
snap 's/"level":"blocks"/"level":"bytes"/' \
    'bad.json:1: level: expected "pools" or "blocks", got "bytes"'
snap 's/"name":"pymalloc"/"name":"mimalloc"/' \
    'bad.json:1: allocator.name: expected "pymalloc", got "mimalloc"'
snap 's/"pool_size":1024/"pool_size":3000/' \
    'bad.json:1: allocator.pool_size: expected a power of two, got 3000'
snap 's/"pool_size":1024/"pool_size":1e300/' \
    'bad.json:1: allocator.pool_size: expected an integer from 1024 to 262144, got 1.0000000000000001e+300'
snap 's/"arena_size":16384/"arena_size":16000/' \
    'bad.json:1: allocator.arena_size: expected a multiple of pool_size (1024), got 16000'
snap 's/"size_classes":32/"size_classes":100/' \
    'bad.json:1: allocator.size_classes: expected an integer from 1 to 64, got 100'
snap 's/"alignment":16/"alignment":64/' \
    'bad.json:1: allocator.size_classes: blocks of class 31 (2048 bytes) do not fit a 1024-byte pool'

# ---- arenas -------------------------------------------------------------
snap 's/"ntotalpools":16/"ntotalpools":1e12/' \
    'bad.json:1: arenas[0].ntotalpools: expected an integer from 0 to 4294967295, got 1000000000000'
snap 's/"ntotalpools":16/"ntotalpools":15/' \
    'bad.json:1: arenas[0].ntotalpools: expected 16 (the pool slots of an arena at 0x7f3a20000000), got 15'
snap 's/"nfreepools":8/"nfreepools":4294967296/' \
    'bad.json:1: arenas[0].nfreepools: expected an integer from 0 to 4294967295, got 4294967296'
snap 's/"nfreepools":8/"nfreepools":17/' \
    'bad.json:1: arenas[0].nfreepools: expected at most ntotalpools (16), got 17'
snap 's/"address":"0x7f3a20000000"/"address":"7f3a20000000"/' \
    'bad.json:1: arenas[0].address: expected a hex address like "0x7f3a2c000000", got "7f3a20000000"'
snap 's/"address":"0x7f3a20000000"/"address":"0x7f3a2000000000000"/' \
    'bad.json:1: arenas[0].address: expected a hex address'
snap 's/"pool_address":"0x7f3a20002400"/"pool_address":"0x7f3a20002401"/' \
    'bad.json:1: arenas[0].pool_address: expected a pool boundary from 0x7f3a20000000 to 0x7f3a20004000, got 0x7f3a20002401'
snap 's/"pool_address":"0x7f3a20002400"/"pool_address":"0x7f3a20002800"/' \
    'bad.json:1: arenas: the untouched pool at 0x7f3a20002400 (arena 0x7f3a20000000, slot 9) is below pool_address 0x7f3a20002800'
snap 's/0x7f3a20008000/0x7f3a20002000/g' \
    'bad.json:1: arenas: the arena at 0x7f3a20002000 overlaps the one at 0x7f3a20000000 (arenas are 16384 bytes)'
snap 's/0x7f3a20008000/0x7f3a10000000/g' \
    'bad.json:1: arenas[1].address: expected arenas in increasing address order, got 0x7f3a10000000 after 0x7f3a20000000'
snap 's/"index":1,/"index":0,/' \
    'bad.json:1: arenas: two arenas have index 0'
snap 's/"pools":\[{"szidx":0,"count":61,"nextoffset":1024,"state":"full"},/"pools":[/' \
    'bad.json:1: arenas[0].pools: expected 16 pools (the arena'"'"'s slots), got 15'

# ---- pools --------------------------------------------------------------
snap 's/{"szidx":0,"count":61,/{"szidx":40,"count":61,/' \
    'bad.json:1: arenas[0].pools[0].szidx: expected an integer from 0 to 31, got 40'
snap 's/{"szidx":0,"count":61,/{"szidx":0,"count":62,/' \
    'bad.json:1: arenas[0].pools[0].count: expected an integer from 0 to 61, got 62'
snap 's/{"szidx":0,"count":61,/{"szidx":0,"count":60,/' \
    'bad.json:1: arenas[0].pools[0].count: expected 61 in a full pool of class 0, got 60'
snap 's/"nextoffset":336,/"nextoffset":337,/' \
    'bad.json:1: arenas[0].pools[2].nextoffset: expected 0 or a block boundary (48 + k * 96) up to 1024, got 337'
snap 's/"state":"empty"/"state":"vacant"/' \
    'bad.json:1: arenas[0].pools[3].state: expected full, used, empty, untouched or invalid, got "vacant"'
snap 's/"count":0,"nextoffset":208,"state":"empty"/"count":1,"nextoffset":208,"state":"empty"/' \
    'bad.json:1: arenas[0].pools[3].count: expected 0 in an empty pool, got 1'
snap 's/"count":2,"nextoffset":336,"state":"used"/"count":4,"nextoffset":336,"state":"used"/' \
    'bad.json:1: arenas[0].pools[2].count: expected 1 to 3 in a used pool (the blocks below nextoffset 336), got 4'
snap 's/"blocks":"A1F1A1U7"/"blocks":"A1F1A1U6"/' \
    'bad.json:1: arenas[0].pools[2].blocks: runs add up to 9 blocks, expected the pool'"'"'s 10'
snap 's/"blocks":"A1F1A1U7"/"blocks":"A3U7"/' \
    'bad.json:1: arenas[0].pools[2].blocks: 3 blocks allocated, but count is 2'
snap 's/"blocks":"A1F1A1U7"/"blocks":"A1F1U1A1U6"/' \
    'bad.json:1: arenas[0].pools[2].blocks: block 2 (offset 240) is untouched, but nextoffset is 336'
snap 's/"blocks":"A1F1A1U7"/"blocks":"A1F1A1Q7"/' \
    "bad.json:1: arenas[0].pools[2].blocks: at offset 6: expected A, F or U, got 'Q'"
snap 's/"blocks":"A1F1A1U7"/"blocks":"A1F1A1U0007"/' \
    'bad.json:1: arenas[0].pools[2].blocks: at offset 7: expected a run length from 1 (no leading zero)'
snap 's/"nextoffset":1024,"state":"full"}/"nextoffset":1024,"state":"full","blocks":"A61"}/' \
    'bad.json:1: arenas[0].pools[0].blocks: block states in a full pool (only used pools store them)'
snap 's/"level":"blocks"/"level":"pools"/' \
    'bad.json:1: arenas[0].pools[1].blocks: block states in a pool-level capture ("level": "pools")'

# vsnap SED MESSAGE: the same with the snapshot that has values.
vsnap() {
	sed -e "$1" "$data/values.json" > bad.json
	cmp -s bad.json "$data/values.json" && fail "'$1' changed nothing"
	refuse bad.json "$2"
}

# ---- values of objects ---------------------------------------------------
expect_exit 0 "$HEAPVIEW" "$data/values.json" --stats
vsnap 's/"type":1,"value"/"type":3,"value"/' \
    'bad.json:1: values[1].type: expected an integer from 0 to 2, got 3'
vsnap 's/"value":"dict, 2 items"/"value":"dict\\u0007"/' \
    'bad.json:1: values[0].value: expected printable ASCII, got byte 0x07 at offset 4'
vsnap 's/"value":"dict, 2 items"/"value":"caf\\u00e9"/' \
    'bad.json:1: values[0].value: expected printable ASCII, got byte 0xc3 at offset 3'
vsnap "s/\"value\":\"dict, 2 items\"/\"value\":\"$(printf '%0200d' 0)\"/" \
    'bad.json:1: values[0].value: expected at most 127 bytes, got 200'
vsnap 's/"address":"0x7f3a20000040"/"address":"7f3a20000040"/' \
    'bad.json:1: values[0].address: expected a hex address like "0x7f3a2c000000", got "7f3a20000040"'
vsnap 's/"values":\[/"values":7,"x":[/' \
    'bad.json:1: values: expected an array, got a number'
vsnap 's/"values":\[{/"values":[3,{/' \
    'bad.json:1: values[0]: expected a value (a JSON object), got a number'
sed -e 's/}$/,"values":[]}/' "$data/blocks.json" > bad.json
refuse bad.json 'bad.json:1: values: values of objects, but the capture has no type table ("types")'

# ---- block types ---------------------------------------------------------
tsnap 's/"types":"5\*2,6"/"types":"5*2,8"/' \
    'bad.json:1: arenas[0].pools[6].types: at offset 4: type index 8, but the table has 8 types'
tsnap 's/"types":"5\*2,6"/"types":"5*2"/' \
    'bad.json:1: arenas[0].pools[6].types: indices for 2 blocks, expected the pool'"'"'s 3 allocated blocks'
tsnap 's/"types":"5\*2,6"/"types":"5*3,6"/' \
    'bad.json:1: arenas[0].pools[6].types: at offset 4: more than the pool'"'"'s 3 allocated blocks'
tsnap 's/"types":"5\*2,6"/"types":"5*2,6x"/' \
    "bad.json:1: arenas[0].pools[6].types: at offset 5: expected ',', got 'x'"
tsnap 's/"types":"5\*2,6"/"types":"5*0,6"/' \
    "bad.json:1: arenas[0].pools[6].types: at offset 2: expected a run length from 1 (no leading zero), got '0'"
tsnap 's/"types":"5\*2,6"/"types":5/' \
    'bad.json:1: arenas[0].pools[6].types: expected a string, got a number'
tsnap 's/"count":0,"nextoffset":208,"state":"empty"/&,"types":"0"/' \
    'bad.json:1: arenas[0].pools[3].types: block types in an empty pool (only full and used pools store them)'
tsnap 's/"name":"list"/"name":"dict"/' \
    'bad.json:1: types[6].name: "dict" is already the name of type 1'
tsnap 's/"name":"list"/"name":""/' \
    'bad.json:1: types[6].name: expected a type name, got ""'
tsnap 's/"name":"(raw)"/"name":"raw"/' \
    'bad.json:1: types[0].name: expected "(raw)" (the first type stands for blocks without one), got "raw"'
tsnap 's/"name":"dict","gc":true/"name":"dict","gc":1/' \
    'bad.json:1: types[1].gc: expected true or false, got a number'
tsnap 's/"name":"dict","gc":true,"heaptype":false/"name":"dict","gc":true/' \
    'bad.json:1: types[1].heaptype: missing: expected true or false'
tsnap 's/"types":\[[^]]*\]/"types":[]/' \
    'bad.json:1: types: expected at least the type "(raw)", got an empty table'
tsnap 's/"types":\[[^]]*\]/"types":{}/' \
    'bad.json:1: types: expected an array, got an object'
tsnap 's/"types":\[[^]]*\],//' \
    'bad.json:1: arenas[0].pools[0].types: block types, but the capture has no type table ("types")'
tsnap 's/"level":"blocks"/"level":"pools"/' \
    'bad.json:1: types: block types need a block-level capture ("level": "blocks")'
# More types than a block's 15-bit index can name: the typed snapshot's
# table (8 types) with N more in front of its second entry.
more_types() {
	sed 's/"types":\[.*//' "$data/types.json" | tr -d '\n'
	printf '"types":[{"name":"(raw)","gc":false,"heaptype":false},'
	seq 1 "$1" | sed 's/.*/{"name":"T&","gc":false,"heaptype":false},/' |
	    tr -d '\n'
	sed 's/.*"types":\[{"name":"(raw)","gc":false,"heaptype":false},//' \
	    "$data/types.json"
}
more_types 32761 > bad.json
refuse bad.json 'bad.json:1: types: a table of 32769 types, more than 32768'
more_types 32760 > bad.json
expect_exit 0 "$HEAPVIEW" bad.json --stats
# --types asks for what a file without types does not have.
expect_exit 1 "$HEAPVIEW" "$data/blocks.json" --stats --types
expect_grep 'blocks.json has no block types: it was captured without --types' "$HV_TMP/err"
[ "$(wc -l < "$HV_TMP/err")" -eq 1 ] || fail "more than one line: $(cat "$HV_TMP/err")"

# ---- hostile sizes: refused early, memory bounded -------------------------
# max_rss FILE: heapview's peak resident memory in KiB loading FILE (or
# nothing when /usr/bin/time cannot say).
max_rss() {
	[ -x /usr/bin/time ] || return 0
	/usr/bin/time -f '%M' -o "$HV_TMP/rss" "$HEAPVIEW" "$1" --stats \
	    >/dev/null 2>&1
	tail -n 1 "$HV_TMP/rss"
}
printf '%0100000d' 0 | tr 0 '[' > deep.json
refuse deep.json 'deep.json:1: JSON nested deeper than 16 levels'
{ printf '{"format":"heapview-snapshot","exe":"'
  head -c 100000000 /dev/zero | tr '\0' a
  printf '"}\n'; } > huge.json
refuse huge.json 'huge.json:1: a string longer than 1048576 bytes'
rss=$(max_rss huge.json)
[ -z "$rss" ] || [ "$rss" -lt 65536 ] ||
	fail "loading a 100 MB string took $rss KiB of memory"
# zeros N: N numbers 0 separated by commas.
zeros() {
	head -c "$1" /dev/zero | tr '\0' '\n' | sed 's/^$/0,/' | tr -d '\n'
	printf '0'
}
# Twenty million numbers: more values than a frame may hold besides its
# arenas.
{ printf '{"format":"heapview-snapshot","x":['; zeros 20000000
  printf ']}\n'; } > many.json
refuse many.json 'many.json:1: more than 4194304 JSON values in one frame'
rss=$(max_rss many.json)
[ -z "$rss" ] || [ "$rss" -lt 131072 ] ||
	fail "loading 20 million values took $rss KiB of memory"
# The arenas are read one at a time, each bounded as a frame was: one arena
# of five million values is refused, and twenty million arenas that are
# numbers are refused at the first, memory bounded by one arena.
head_of() { sed 's/"arenas":\[.*/"arenas":[/' "$data/blocks.json" | tr -d '\n'; }
{ head_of; printf '['; zeros 5000000; printf ']]}\n'; } > many.json
refuse many.json 'many.json:1: more than 4194304 JSON values in one arena'
rss=$(max_rss many.json)
[ -z "$rss" ] || [ "$rss" -lt 131072 ] ||
	fail "loading an arena of 5 million values took $rss KiB of memory"
{ head_of; zeros 20000000; printf ']}\n'; } > many.json
refuse many.json 'many.json:1: arenas[0]: expected an arena (a JSON object), got a number'
rss=$(max_rss many.json)
[ -z "$rss" ] || [ "$rss" -lt 16384 ] ||
	fail "refusing 20 million arenas took $rss KiB of memory"

# ---- JSON inside the arenas: each arena is parsed alone ---------------------
snap 's/"nfreepools":16,/"nfreepools":16x,/' \
    'bad.json:1: invalid JSON: expected a value, '"','"' or a closing bracket at "x,"pools":[{"szidx":0,"count":0"'
snap 's/}\]},{"index":1,/}]} {"index":1,/' \
    'bad.json:1: invalid JSON: expected a value, '"','"' or a closing bracket at "{"index":1,"address":"0x7f3a200"'
snap 's/}\]}\]/}]},]/' \
    'bad.json:1: invalid JSON: expected a value, '"','"' or a closing bracket at "]}"'
snap 's/"arenas":\[/"arenas":[,/' \
    'bad.json:1: invalid JSON: expected a value, '"','"' or a closing bracket at ",{"index":0,"address":"0x7f3a20"'
snap 's/"arenas":\[/"arenas":[null,/' \
    'bad.json:1: arenas[0]: expected an arena (a JSON object), got null'
snap 's/"arenas":\[/"arenas":{"x":[/; s/}$/}/; s/\]}$/]}}/' \
    'bad.json:1: arenas: expected an array, got an object'
snap 's/"nfreepools":16,/"nfreepools":-1e999,/' \
    'bad.json:1: arenas[1].nfreepools: expected an integer from 0 to 4294967295, got -inf'
snap "s/\"nfreepools\":16,/\"nfreepools\":1$(printf '%0100000d' 0),/" \
    'bad.json:1: arenas[1].nfreepools: expected an integer from 0 to 4294967295, got inf'
# In a document over several lines, an error inside an arena names the
# arena's line.
sed 's/,{"index":\([12]\),/,\n{"index":\1,/g' "$data/blocks.json" > lines.json
expect_exit 0 "$HEAPVIEW" lines.json --stats
sed 's/"nfreepools":14,/"nfreepools":17,/' lines.json > bad.json
refuse bad.json 'bad.json:3: arenas[2].nfreepools: expected at most ntotalpools (16), got 17'
sed 's/"nfreepools":16,/"nfreepools":16x,/' lines.json > bad.json
refuse bad.json 'bad.json:2: invalid JSON: expected a value'

# ---- recordings ---------------------------------------------------------
rec() {
	sed -e "$1" "$data/blocks.jsonl" > bad.jsonl
	cmp -s bad.jsonl "$data/blocks.jsonl" && fail "'$1' changed nothing"
	refuse bad.jsonl "$2"
}
rec '1s/"version":1/"version":7/' \
    'bad.jsonl:1: version: expected 1 (the version this heapview reads), got 7'
rec '1s/"pool_size":1024/"pool_size":"1024"/' \
    'bad.jsonl:1: allocator.pool_size: expected an integer from 1024 to 262144, got a string'
rec '5s/.*/{/' 'bad.jsonl:5: truncated JSON: expected more values and a closing bracket'
rec '6s/^{"t":[0-9.]*,/{"t":"soon",/' \
    'bad.jsonl:6: t: expected a number from 1.5 to 1e+09, got a string'
rec '4s/"same":\[[0-9,]*\]/"same":[9]/' \
    'bad.jsonl:4: same[0]: expected an integer from 0 to 2, got 9'
rec '2,$d' 'bad.jsonl:1: the recording has no complete frame'
rec '3s/$/ x/' 'bad.jsonl:3: expected the end of the JSON value, got "x"'
trec() {
	sed -e "$1" "$data/types.jsonl" > bad.jsonl
	cmp -s bad.jsonl "$data/types.jsonl" && fail "'$1' changed nothing"
	refuse bad.jsonl "$2"
}
trec '4s/"types_added":\[{"name":"Leaf"/"types_added":[{"name":"dict"/' \
    'bad.jsonl:4: types_added[0].name: "dict" is already the name of type 1'
trec '4s/"types_added":\[[^]]*\],//' \
    'bad.jsonl:4: arenas[0].changes[0].types: at offset 11: type index 8, but the table has 8 types'
trec '4s/"types_added"/"types"/' \
    'bad.jsonl:4: types: a delta frame uses its key frame'"'"'s table: expected "types_added"'
trec '2s/"types":\[/"types_added":[/' \
    'bad.jsonl:2: types_added: only a delta frame (with "key") adds types; expected "types"'

# Values in a recording's frames (values.jsonl: values.json as a full frame
# and two delta frames) are checked as a snapshot's are, a delta frame's
# type indices against its key frame's table.
vrec() {
	sed -e "$1" "$data/values.jsonl" > bad.jsonl
	cmp -s bad.jsonl "$data/values.jsonl" && fail "'$1' changed nothing"
	refuse bad.jsonl "$2"
}
vrec '3s/"type":1,/"type":7,/' \
    'bad.jsonl:3: values[1].type: expected an integer from 0 to 2, got 7'
vrec '3s/"value":"dict/"value":"\x07dict/' \
    'bad.jsonl:3: values[0].value: expected printable ASCII, got byte 0x07 at offset 0'
vrec '4s/}$/,"values":{}}/' 'bad.jsonl:4: values: expected an array, got an object'
vrec '2s/"values":\[{"address":"0x7f3a20000040"/"values":[{"address":"7f3a20000040"/' \
    'bad.jsonl:2: values[0].address: expected a hex address like "0x7f3a2c000000", got "7f3a20000040"'
rec '3s/}$/,"values":[]}/' \
    'bad.jsonl:3: values: values of objects, but the capture has no type table ("types")'

# A recording's frame that cannot be found.
expect_exit 1 "$HEAPVIEW" "$data/blocks.jsonl" --stats --frame=13
expect_grep '^heapview: .*blocks.jsonl: no frame 13: it has 12 frames, numbered from 1$' "$HV_TMP/err"
expect_exit 1 "$HEAPVIEW" "$data/blocks.json" --dump --frame=2
expect_grep '^heapview: .*blocks.json: no frame 2: it has 1 frame, numbered from 1$' "$HV_TMP/err"
finish
