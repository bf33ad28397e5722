#!/bin/sh
# Live TUI on CPython 2.7: the map of an idle 2.7 target shows the arenas
# that an independent reader of its memory (tests/pymalloc_oracle.py)
# counts, none of its pools invalid; the header names the patch release;
# the size classes view has 2.7's geometry (the oracle's threshold and
# number of classes) and the pool view block states; with the symbols
# ignored (--no-symbols) the screen is the same.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

py=$(hv_interpreter pyenv-2.7) || exit 77
command -v python3 >/dev/null || skip "the oracle needs python3"
command -v nm >/dev/null || skip "the oracle needs nm"

hv_start_target "$py"
python3 "$HV_SRCDIR/tests/pymalloc_oracle.py" "$TARGET_PID" > "$HV_TMP/oracle" ||
    fail "the oracle could not read the target"
narenas=$(sed -n 's/^# arenas allocated current *= *\([0-9,]*\)$/\1/p' \
    "$HV_TMP/oracle" | tr -d ,)
classes=$(sed -n 's/^Small block threshold = 512, in \([0-9]*\) size classes.$/\1/p' \
    "$HV_TMP/oracle")
[ -n "$narenas" ] && [ -n "$classes" ] ||
    fail "no arena count or classes from the oracle: $(head -3 "$HV_TMP/oracle")"
version=$("$py" -c 'import platform; print(platform.python_version())')

for opt in --interval=0.2 --no-symbols; do
	tui_start 100 30 -- --pid "$TARGET_PID" "$opt"
	tui_expect "heapview  pid $TARGET_PID: .*Python $version  live" "$opt: header"
	tui_expect "^ arenas $narenas (" "$opt: totals ($narenas arenas)"
	tui_expect "arena map  $narenas arenas, " "$opt: the map's title"
	tui_expect "^ *[0-9]* 0x[0-9a-f]* [^ ]" "$opt: map rows"
	tui_expect_not "[0-9] inval" "$opt: invalid pools"
	tui_keys Tab
	tui_expect "blocks: [0-9]* allocated, [0-9]* free, [0-9]* untouched" \
	    "$opt: pool view"
	tui_keys Tab
	tui_expect "small block threshold 512, $classes classes" "$opt: size classes"
	tui_keys q
	tui_exited 0
done
finish
