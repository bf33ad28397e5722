#!/bin/sh
# Presenter mode (--presenter, key P): the map's cells are two columns wide,
# a pool a cell, the arenas' pools a screenful at a time around the cursor;
# no address is shown; the phase's label stands in a banner above the view,
# spaced out letter by letter when it fits.  P turns it off and on.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

label="del of everything, but one string in 5000 survives"
spaced=$(echo "$label" | sed 's/./& /g; s/ $//')

tui_start 100 30 -- --demo --presenter --frame=30
tui_expect "arena map" "start"
tui_expect "pools 0-45 of 64 (Left/Right)" "the first screenful of pools"
tui_screen
# the banner: line 4, the label centered (it does not fit spaced out at 100)
sed -n 4p "$HV_TMP/screen" | grep -q "^  *$label *\$" ||
	fail "no banner with the label: $(sed -n 1,6p "$HV_TMP/screen")"
tui_expect_not "0x7f" "presenter mode"
# a cell is two columns: the cursor's row of arena 30 holds 46 pools in 92
row=$(grep -E '^ +30 ' "$HV_TMP/screen" | sed 's/^ *30 //')
[ "$(printf '%s' "$row" | wc -m)" -ge 92 ] ||
	fail "arena 30's row is $(printf '%s' "$row" | wc -m) columns: '$row'"
tui_keys End
n=0
while [ $n -lt 50 ]; do tui_keys l; n=$((n + 1)); done
tui_expect "pools 46-63 of 64" "the second screenful"
tui_expect "pool 50: " "the cursor's pool"

tui_keys P
tui_expect "presenter mode off" "P"
tui_expect "0x7f" "addresses back"
tui_expect_not "pools 0-45 of 64" "one cell a pool, all pools"
tui_keys P
tui_expect "presenter mode on" "P again"
tui_keys q
tui_exited 0

# Wide enough, the label is spaced out.
tui_start 160 40 -- --demo --presenter --frame=30 --theme=slides
tui_expect "arena map" "start at 160x40"
tui_expect "$spaced" "the spaced-out label"
tui_keys q
tui_exited 0
finish
