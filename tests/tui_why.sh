#!/bin/sh
# Key w, why is it alive, live against tests/data/why_target.py (known
# holders, each keeping a Node that pins an otherwise empty arena): from
# the arena detail of every pinned arena, the panel names the holder of its
# Node exactly, as --why does; from the pool view, the Node's block gets
# the same answer.  Esc closes the panel, and an answer that comes after
# Esc stays closed.  A replay says that a live process is needed.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

py=$(hv_interpreters | awk '$1 == "pyenv-3.12" { print $2; exit }')
[ -n "$py" ] || skip "no pyenv CPython 3.12"

hv_start_script "$py" why_target.py
target=$TARGET_PID

# holder HEX: the path --why prints for the survivor whose id() is HEX
holder() {
	name=
	while read -r w n id; do
		[ "$w" = why ] && [ "$(printf '0x%x' "$id")" = "$1" ] && name=$n
	done < "$HV_TMP/own.txt"
	case $name in
	cache) echo "__main__.cache['user:17'] -> <Node at $1>" ;;
	registry) echo "__main__.Registry._items[3] -> <Node at $1>" ;;
	attr) echo "__main__.holder.attr -> <Node at $1>" ;;
	slot) echo "__main__.sl.slotval -> <Node at $1>" ;;
	tuple) echo "__main__.tup[1] -> <Node at $1>" ;;
	set) echo "__main__.bag{...} -> <Node at $1>" ;;
	big) echo "__main__.big[1500] -> <Node at $1>" ;;
	subdict) echo "__main__.sub_d['k'] -> <Node at $1>" ;;
	sublist) echo "__main__.sub_l[1] -> <Node at $1>" ;;
	subset) echo "__main__.sub_s{...} -> <Node at $1>" ;;
	gen) echo "__main__.g.gi_frame.f_locals['held'] -> <Node at $1>" ;;
	two) echo "__main__.first[0] -> <Node at $1>" ;;
	cycle) echo "unreachable garbage in a reference cycle" ;;
	local) echo "idle(): local_node -> <Node at $1>" ;;
	thread) echo "thread $(awk '$1 == "tid" { print $2 }' "$HV_TMP/own.txt"): worker(): item -> <Node at $1>" ;;
	*) echo "(not a survivor of the target: $1)" ;;
	esac
}

# expect_line TEXT WHAT: the screen shows a line of the panel starting
# with TEXT (not a pattern)
expect_line() {
	i=0
	while [ $i -lt "$TUI_WAIT_STEPS" ]; do
		tui_screen
		grep -qF "│ $1" "$HV_TMP/screen" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	fail "$2: no line '$1'; screen:
$(cat "$HV_TMP/screen")"
}

tui_start 120 40 -- --pid "$target" --types --interval=0.2
tui_expect "  pinned [1-9][0-9]* arenas" "pinned arenas"
tui_keys a
tui_expect "^ arena [0-9]* at 0x" "the arena detail"
# arena_shown: the number of the arena the detail shows
arena_shown() {
	sed -n 's/^ arena \([0-9]*\) at .*/\1/p' "$HV_TMP/screen"
}
# Each pinned arena in turn (PgDn): its Node by value, then w.
seen=0
n=0
while [ $n -lt 12 ]; do
	n=$((n + 1))
	tui_screen
	last=$(arena_shown)
	tui_keys PgDn
	i=0
	while tui_screen && [ "$(arena_shown)" = "$last" ] &&
	    ! grep -q "no pinned arena after this one" "$HV_TMP/screen" &&
	    [ $i -lt "$TUI_WAIT_STEPS" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(arena_shown)" != "$last" ] || break
	# the first Node listed that is a survivor (others pad the lists)
	addr=
	for a in $(sed -n 's/^   Node at \(0x[0-9a-f]*\): .*/\1/p' "$HV_TMP/screen"); do
		case $(holder "$a") in
		"(not a"*) ;;
		*) addr=$a; break ;;
		esac
	done
	[ -n "$addr" ] || continue
	# w, then w again for the next object, until the panel is the Node's;
	# the Node may not be among the objects w steps through (their order
	# depends on where the target's objects landed): then the next arena
	k=0 found=0
	while [ $k -lt 8 ]; do
		tui_keys w
		k=$((k + 1))
		tui_wait "why is it alive: [A-Za-z]* at 0x[0-9a-f]* ($k of" || break
		grep -q "why is it alive: Node at $addr" "$HV_TMP/screen" &&
		    { found=1; break; }
	done
	if [ "$found" = 0 ]; then
		tui_keys Escape
		tui_wait "^ pool [0-9]* at 0x" >/dev/null
		continue
	fi
	want=$(holder "$addr")
	expect_line "$want" "the holder of $addr"
	tui_keys Escape
	tui_wait "^ pool [0-9]* at 0x" >/dev/null
	tui_expect_not "why is it alive" "the panel after Esc"
	seen=$((seen + 1))
done
[ "$seen" -ge 5 ] || fail "the panel answered for $seen pinned arenas, expected 5 or more"

# The pool view: the Node's block of a pinned arena that holds nothing
# else, in the pool of its size.
tui_keys Home
i=0
while ! tui_screen || ! grep -q "^ pinning objects: 1 Node, 1 raw\$" "$HV_TMP/screen"; do
	[ $i -lt 16 ] || { fail "no arena pinned by a Node alone"; break; }
	tui_keys PgDn
	sleep 0.1
	i=$((i + 1))
done
size=$(awk '$NF == "Node" && $3 == "B" { print $2; exit }' "$HV_TMP/screen")
i=0
while ! tui_screen || ! grep -q "^ pool [0-9]* at 0x[0-9a-f]*: used, $size-byte blocks" "$HV_TMP/screen"; do
	[ $i -lt 64 ] || { fail "no used pool of $size-byte blocks in the arena"; break; }
	tui_keys Right
	sleep 0.05
	i=$((i + 1))
done
tui_keys Enter
tui_expect "^ block 0 at 0x" "the pool view"
b=0
while ! tui_screen || ! grep -q "^ block [0-9]* at 0x[0-9a-f]* (offset 0x[0-9a-f]*): allocated, Node" "$HV_TMP/screen"; do
	[ $b -lt 400 ] || { fail "no Node block in the pool"; break; }
	tui_keys Right
	b=$((b + 1))
	tui_wait "^ block $b at 0x" >/dev/null || break
done
obj=$(sed -n 's/^ block [0-9]* at 0x[0-9a-f]* .*allocated, Node: <Node at \(0x[0-9a-f]*\)>.*/\1/p' \
    "$HV_TMP/screen" | head -1)
tui_keys w
tui_expect "why is it alive: block $b at 0x[0-9a-f]*, Node" "the panel for the block"
expect_line "$(holder "$obj")" "the holder of block $b ($obj)"

# Esc before the answer: it does not open the panel again.
# gone WHAT: the panel is closed (it may take a moment)
gone() {
	i=0
	while tui_screen && grep -q "why is it alive" "$HV_TMP/screen" &&
	    [ $i -lt "$TUI_WAIT_STEPS" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	tui_expect_not "why is it alive" "$1"
}
tui_keys Escape
gone "the panel after Esc"
# (the panel opens at once, before the answer: Esc then closes it; keys
# sent together could be seen before w was, so one at a time)
tui_keys w
tui_expect "why is it alive" "the panel before the answer"
tui_keys Escape
gone "the panel after w Esc"
c=$(sed -n 's/^ capture \([0-9]*\)\/.*/\1/p' "$HV_TMP/screen")
tui_wait "^ capture $((c + 3))/" || fail "captures stopped after w Esc"
tui_expect_not "why is it alive" "the panel once the answer came"

# Replay: a file keeps no references.
tui_keys q
tui_exited 0
tui_start 100 30 -- "$TUI_DATA/small.jsonl"
tui_expect "arena map" "replay"
tui_keys w
tui_expect "needs a live process" "w in a replay"
tui_keys q
tui_exited 0
finish
