#!/bin/sh
# Building and running the tests leaves nothing for git to report: every
# program, object and log that `make check` makes in the source tree is
# ignored (.gitignore).  Runs on an in-tree build of a git checkout only
# (not from a tarball, not in a separate build directory); by the time it
# runs, make has built every test program.
. "${HV_SRCDIR:-.}/tests/lib.sh"

command -v git > /dev/null 2>&1 || skip "no git"
src=$(cd "$HV_SRCDIR" && pwd -P)
build=$(cd "${HV_BUILDDIR:-.}" && pwd -P)
top=$(git -C "$src" rev-parse --show-toplevel 2>/dev/null) ||
	skip "$src is not a git checkout"
[ "$(cd "$top" && pwd -P)" = "$src" ] || skip "$src is not the top of a git checkout"
[ "$build" = "$src" ] || skip "built outside the source tree"

git -C "$src" ls-files --others --exclude-standard > "$HV_TMP/untracked" ||
	fail "git ls-files failed"
while IFS= read -r f; do
	case $f in
	*.o|*.a|*.log|*.trs) echo "$f"; continue ;;
	esac
	# A program: an ELF file.
	[ "$(od -An -c -N4 "$src/$f" 2>/dev/null | tr -d ' ')" = '177ELF' ] &&
		echo "$f"
done < "$HV_TMP/untracked" > "$HV_TMP/built"
[ -s "$HV_TMP/built" ] &&
	fail "built files git does not ignore (add them to .gitignore): $(tr '\n' ' ' < "$HV_TMP/built")"
finish
