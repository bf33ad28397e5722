#!/bin/sh
# Colors: the color theme uses them; NO_COLOR (set, not empty) and
# --no-color give the mono theme, which uses attributes only; T cycles the
# themes, and is refused in mono.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

# capture-pane -e keeps the attributes as SGR sequences: a color is 3x, 4x,
# 9x or 10x (38/48 for 256 colors).
colors() {
	tui_tmux capture-pane -p -e > "$HV_TMP/sgr"
	grep -c -E "$(printf '\033')\\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9;]*)?m" \
	    "$HV_TMP/sgr"
}

tui_start 100 30 -- "$TUI_DATA/small.jsonl"
tui_expect "arena map" "color start"
[ "$(colors)" -gt 0 ] || fail "the color theme shows no colors"
tui_keys T
tui_expect "theme: mono" "T"
tui_keys T
tui_expect "theme: slides" "T twice"
tui_keys Tab Tab Tab
tui_expect "black = used, white = free" "the strip in the slides theme"
tui_keys q
tui_exited 0

for how in "NO_COLOR=1 --" "-- --no-color" "-- --theme=mono"; do

	# shellcheck disable=SC2086
	tui_start 100 30 $how "$TUI_DATA/small.jsonl"
	tui_expect "arena map" "$how"
	n=$(colors)
	[ "$n" -eq 0 ] || fail "$how: $n lines with colors: $(grep -m1 -n . "$HV_TMP/sgr")"
	grep -q "$(printf '\033')\\[[0-9;]*7[;m]" "$HV_TMP/sgr" ||
	    fail "$how: no reverse video (the bars) in mono"
	case $how in
	*theme=mono*) ;;
	*)
		tui_keys T
		tui_expect "mono only: NO_COLOR or --no-color is set" "$how: T"
		;;
	esac
	tui_keys q
	tui_exited 0
done

# NO_COLOR set but empty does not count.

tui_start 100 30 NO_COLOR= -- "$TUI_DATA/small.jsonl"
tui_expect "arena map" "empty NO_COLOR"
[ "$(colors)" -gt 0 ] || fail "empty NO_COLOR turned colors off"
tui_keys q
tui_exited 0
finish
