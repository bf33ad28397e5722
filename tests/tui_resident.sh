#!/bin/sh
# The resident line under the totals: a replay of tests/data/tui/resident.jsonl
# (three frames with a resident breakdown, a fourth without) shows every part
# at 160 and at 80 columns, shares at 40; the frame without a breakdown has
# no line and the map moves up a row, and back.  A live target gets the line
# from its first capture.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

rec=$TUI_DATA/resident.jsonl

# line N: the Nth line of the screen.
line() { sed -n "${1}p" "$HV_TMP/screen"; }

tui_start 160 50 -- "$rec"
tui_expect "frame 1/4" "160x50"
[ "$(line 3)" = " resident 45.9 MiB:  pymalloc 6.4 MiB (1.0 MiB in empty pools)  malloc 32.6 MiB (18.3 MiB mmapped)  files 6.8 MiB  stacks 72.0 KiB  other 56.0 KiB" ] ||
    fail "160x50: the resident line is '$(line 3)'"
tui_keys q
tui_exited 0

tui_start 80 24 -- "$rec"
tui_expect "frame 1/4" "80x24"
[ "$(line 3)" = " RSS:  arenas 6.4M (1.0M empty)  malloc 33M  files 6.8M  stacks 72K  other 56K" ] ||
    fail "80x24: the resident line is '$(line 3)'"
case $(line 4) in " arena map "*) ;; *) fail "80x24: the map does not follow: '$(line 4)'";; esac
# The last frame has no breakdown: no line, the map a row up; and back.
tui_keys G
tui_expect "frame 4/4" "the last frame"
case $(line 3) in " arena map "*) ;; *) fail "frame 4: line 3 is '$(line 3)', not the map";; esac
tui_expect_not "RSS:  arenas" "frame 4"
tui_keys g
tui_expect "frame 1/4" "the first frame again"
tui_expect "^ RSS:  arenas 6.4M" "frame 1 again"
tui_keys q
tui_exited 0

tui_start 40 12 -- "$rec"
tui_expect "frame 1/4" "40x12"
[ "$(line 3)" = " RSS:  arenas 14%  malloc 71%  files 15%" ] ||
    fail "40x12: the resident line is '$(line 3)'"
tui_keys q
tui_exited 0

# Live: a target with a thread and mmapped buffers, parts in bytes.
py=$(hv_interpreters | awk 'NR == 1 { print $2 }')
[ -n "$py" ] || { finish; }
tui_start 80 24 -- -- "$py" "$HV_SRCDIR/tests/data/resident_target.py"
tui_expect "^ RSS:  arenas [0-9.]*[KM] ([0-9.]*[BKM] empty)  malloc [0-9.]*M  files [0-9.]*M  stacks [0-9.]*K" "live 80x24"
tui_keys q
tui_exited 0
finish
