#!/bin/sh
# A Python whose malloc is jemalloc's (LD_PRELOAD): --stats still prints
# the pymalloc section and says plainly, in the malloc section, that malloc
# is not glibc's.
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
finish
