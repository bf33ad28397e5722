#!/bin/sh
# Glyphs: Unicode blocks in a UTF-8 locale; ASCII with --ascii and in a
# locale that is not UTF-8; every view draws in ASCII.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

non_ascii() {
	LC_ALL=C grep -c '[^ -~]' "$HV_TMP/screen"
}

tui_start 100 30 -- "$TUI_DATA/small.jsonl"
tui_expect "arena map" "UTF-8 start"
tui_expect "^ *0 0x7f0000000000 .*█" "Unicode full pools"
tui_keys q
tui_exited 0

for how in "-- --ascii" "LANG=C --"; do

	# shellcheck disable=SC2086
	tui_start 100 30 $how "$TUI_DATA/small.jsonl"
	tui_expect "arena map" "$how"
	tui_expect "^ *0 0x7f0000000000 [#=+o.-]*#" "$how: ASCII full pools"
	[ "$(non_ascii)" -eq 0 ] || fail "$how: non-ASCII on the arena map"
	for view in "pool 0 of arena 0" "size classes" "memory strip"; do
		tui_keys Tab
		tui_expect "$view" "$how"
		[ "$(non_ascii)" -eq 0 ] || fail "$how: non-ASCII in $view: $(cat "$HV_TMP/screen")"
	done
	tui_keys ?
	tui_expect "Show or hide" "$how: help"
	[ "$(non_ascii)" -eq 0 ] || fail "$how: non-ASCII in the help"
	tui_keys q
	tui_exited 0
done
finish
