#!/bin/sh
# H: glibc's malloc heaps of a live target as a strip.  The target
# (tests/data/malloc_target.py, stopped) has a main heap and a thread
# arena: the view names both, the first cell is the main thread's tcache
# (the first chunk of [heap], 0x290 bytes, in use), End goes to the thread
# arena's heap; H again reads again, Esc goes back.  A recording has no
# malloc heap: the view says so.  Presenter mode (P) shows no address.  A
# snapshot that kept malloc's figures shows them; after the target's end H
# says it cannot read.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

py=$(hv_interpreters | awk '$1 == "debian-3.11" { print $2; exit }')
[ -n "$py" ] || py=$(hv_interpreters | awk 'NR == 1 { print $2 }')
[ -n "$py" ] || skip "no CPython on this machine"

hv_start_script "$py" malloc_target.py
kill -STOP "$TARGET_PID"
# a stopped target would not see the SIGTERM of the cleanup
trap 'kill -CONT "$TARGET_PID" 2>/dev/null; tui_cleanup' EXIT
heap=$(awk '$NF == "[heap]" { split($1, a, "-"); print a[1]; exit }' \
    /proc/"$TARGET_PID"/maps | sed 's/^0*//')

tui_start 120 30 -- --pid "$TARGET_PID"
tui_expect "^ arenas [0-9]* (" "the map"
tui_keys H
tui_expect "glibc malloc  2 arenas, 2 heaps, " "the malloc view's title"
tui_expect "^0x0*$heap [^ ]" "the first row at [heap]"
tui_expect "chunk 0x$heap, 656 B, in use  main arena" "the tcache struct"
tui_keys End
tui_expect "^ chunk 0x[0-9a-f]*, .*  arena 0x[0-9a-f]*30 *$" \
    "the last cell, in the thread arena"
tui_keys Home Right
tui_expect "chunk 0x[0-9a-f]*, .*main arena" "the second cell"
tui_keys H
tui_expect "glibc malloc  2 arenas" "read again"
tui_keys Escape
tui_expect "arena map" "back to the map"
tui_expect_not "glibc malloc" "the map"
# presenter mode: the same view without an address
tui_keys P H
tui_expect "glibc malloc  2 arenas" "presenter: the heaps read"
tui_keys Home
tui_expect "chunk of 656 B, in use  main arena" "presenter: the tcache struct"
tui_expect_not "0x" "presenter: no address anywhere"
tui_keys End
tui_expect "^ chunk of [0-9.]* [KMG]*i*B, .*  arena 1 *$" \
    "presenter: the thread arena by its number"
tui_expect_not "0x" "presenter: no address at the end"
tui_keys Escape
tui_keys q
tui_exited 0

tui_start 100 30 -- "$TUI_DATA/small.jsonl"
tui_expect "arena map" "replay"
tui_keys H
tui_expect "glibc malloc: a live process only" "replay"
tui_keys q
tui_exited 0

# A snapshot that kept malloc's figures: the table --stats prints for it,
# an arena a row, in the TUI's units; presenter mode names the thread
# arena by its number.
snap="$HV_SRCDIR/tests/data/snapshot/malloc.json"
expect_exit 0 "$HEAPVIEW" "$snap" --stats
narenas=$(sed -n '/^arena  *heaps/,/^total /p' "$HV_TMP/out" | grep -cv '^arena \|^total ')
thread=$(sed -n '/^arena  *heaps/,/^total /p' "$HV_TMP/out" | awk '$1 ~ /^0x/ { print $1; exit }')
[ "$narenas" = 2 ] && [ -n "$thread" ] ||
    fail "malloc.json: expected 2 arenas in its --stats: $(cat "$HV_TMP/out")"
tui_start 100 30 -- "$snap"
tui_expect "arena map" "replay of malloc.json"
tui_keys H
tui_expect "glibc malloc  $narenas arenas, [0-9.]* [KMG]iB  (this frame's figures: files keep no chunks)" \
    "the figures' title"
tui_expect "^ main  *[0-9.]* [KMG]*i*B  *[0-9.]* [KMG]*i*B" "the main arena's row"
tui_expect "^ $thread  *[0-9.]* [KMG]*i*B" "the thread arena's row"
tui_expect "^ total  *[0-9.]* [KMG]*i*B" "the total"
tui_keys P
tui_expect "^ arena 1  *[0-9.]* [KMG]*i*B" "presenter: the thread arena by number"
tui_expect_not "0x" "presenter: no address"
tui_keys q
tui_exited 0

# H once the target has exited: nothing reads for it any more, so the view
# says so.  (The first target goes first: it
# is stopped.)
kill -CONT "$TARGET_PID"
kill "$TARGET_PID"
wait "$TARGET_PID" 2>/dev/null
hv_start_script "$py" malloc_target.py
tui_start 120 30 -- --pid "$TARGET_PID"
tui_expect "^ arenas [0-9]* (" "the map of a second target"
kill "$TARGET_PID"
tui_expect "exited" "the target's end"
tui_keys H
tui_expect "glibc malloc: not read: the target exited" "H after the end"
tui_keys Escape q
tui_exited 0
finish
