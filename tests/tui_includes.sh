#!/bin/sh
# The TUI is a presenter: its files (src/tui*, src/view_*, src/app_tui.c)
# never include the sources of bytes or the allocator walker, and name no
# /proc path.  Sources, in turn, never include curses.
. "${HV_SRCDIR:-.}/tests/lib.sh"

cd "$HV_SRCDIR/src" || exit 99
tui=$(ls tui*.[ch] view_*.c app_tui.c)
[ -n "$tui" ] || fail "no TUI files in $HV_SRCDIR/src"
# shellcheck disable=SC2086
grep -n -E '#include *"(source|pymalloc)[a-z_]*\.h"' $tui > "$HV_TMP/inc" &&
    fail "the TUI reads frames, not the target: $(cat "$HV_TMP/inc")"
# shellcheck disable=SC2086
grep -n '"/proc' $tui > "$HV_TMP/proc" &&
    fail "the TUI never opens /proc: $(cat "$HV_TMP/proc")"
grep -n -E '#include *[<"]n?curses' source*.[ch] pymalloc*.[ch] \
    > "$HV_TMP/curses" && fail "sources never include curses: $(cat "$HV_TMP/curses")"
finish
