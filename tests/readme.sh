#!/bin/sh
# The README's commands work as a new user pastes them: no command in its
# sh blocks starts with a bare sudo (root in a container has none; the
# README writes $(command -v sudo)), and the packages that the skipping
# tests need are named there.
. "${HV_SRCDIR:-.}/tests/lib.sh"

readme=$HV_SRCDIR/README.md
awk '/^```sh/ { on = 1; next } /^```/ { on = 0 } on' "$readme" > "$HV_TMP/sh"
[ -s "$HV_TMP/sh" ] || fail "no sh block in README.md"
grep -nE '(^|&& *|; *)sudo ' "$HV_TMP/sh" > "$HV_TMP/sudo" &&
	fail "README.md runs a bare sudo: $(cat "$HV_TMP/sudo")"
# What tests skip without, by the names the skip messages give.
for pkg in tmux python3-jsonschema; do
	grep -q "$pkg" "$HV_SRCDIR"/tests/*.sh || continue
	grep -q "$pkg" "$readme" || fail "README.md does not say the tests need $pkg"
done
finish
