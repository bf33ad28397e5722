#!/bin/sh
# A Python whose malloc is jemalloc's (LD_PRELOAD): --stats still prints
# the pymalloc section and says plainly, in the malloc section, that malloc
# is not glibc's; a snapshot keeps that status, and --stats on it says the
# same.
. "${HV_SRCDIR:-.}/tests/lib.sh"

lib=
for d in /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib; do
	[ -e "$d/libjemalloc.so.2" ] && lib=$d/libjemalloc.so.2 && break
done
[ -n "$lib" ] || skip "no libjemalloc.so.2 (apt: libjemalloc2)"
py=$(hv_interpreters | awk 'NR == 1 { print $2 }')
[ -n "$py" ] || skip "no interpreter"

LD_PRELOAD=$lib hv_start_target "$py"
expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --stats
expect_grep '^Small block threshold' "$HV_TMP/out"
expect_grep "^malloc: malloc is libjemalloc.so.2's, not glibc's" "$HV_TMP/out"
grep -q '^mallinfo2()' "$HV_TMP/out" && fail "mallinfo2 figures for jemalloc"
grep '^malloc: ' "$HV_TMP/out" > "$HV_TMP/live"
expect_exit 0 "$HEAPVIEW" --pid "$TARGET_PID" --dump="$HV_TMP/snap.json"
grep -q '"malloc":{"status":"replaced","note":"malloc is libjemalloc.so.2' \
    "$HV_TMP/snap.json" || fail "the snapshot does not say malloc is jemalloc's"
expect_exit 0 "$HEAPVIEW" "$HV_TMP/snap.json" --stats
grep '^malloc: ' "$HV_TMP/out" > "$HV_TMP/loaded"
diff -u "$HV_TMP/live" "$HV_TMP/loaded" >&2 ||
    fail "the snapshot's malloc line differs from the live one"
finish
