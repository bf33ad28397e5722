# tests/lib.sh: sourced by every shell test.
#
# Provides: $HEAPVIEW (the binary), $HV_SRCDIR, a private $TMPDIR removed on
# exit, fail/skip helpers, expect_exit, and the list of real interpreters.
# Exit codes follow automake: 0 pass, 1 fail, 77 skip, 99 hard error.

set -u
: "${HEAPVIEW:?run this test through make check}"
: "${HV_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"

HV_TMP=$(mktemp -d "${TMPDIR:-/tmp}/heapview-test.XXXXXX") || exit 99
HV_PIDS=""
hv_cleanup() {
	for p in $HV_PIDS; do kill "$p" 2>/dev/null; done
	for p in $HV_PIDS; do wait "$p" 2>/dev/null; done
	rm -rf "$HV_TMP"
}
trap hv_cleanup EXIT
trap 'exit 1' INT TERM

hv_failed=0
fail() { echo "FAIL: $*" >&2; hv_failed=1; }
skip() { echo "SKIP: $*" >&2; exit 77; }
finish() { exit "$hv_failed"; }

# expect_exit STATUS CMD...: runs CMD, stdout to $HV_TMP/out, stderr to
# $HV_TMP/err, and fails unless it exits with STATUS.
expect_exit() {
	want=$1; shift
	"$@" >"$HV_TMP/out" 2>"$HV_TMP/err"
	got=$?
	if [ "$got" != "$want" ]; then
		fail "'$*' exited $got, expected $want; stderr: $(head -c 600 "$HV_TMP/err")"
		return 1
	fi
	return 0
}

# expect_grep PATTERN FILE: fails unless FILE has a line matching PATTERN.
expect_grep() {
	grep -q -e "$1" "$2" || fail "'$1' not found in $2: $(head -c 600 "$2")"
}

# One line per interpreter found: "NAME PATH".  pyenv's CPythons (shared
# libpython, with symbols), Debian's stripped /usr/bin/python3.11, and
# pyenv's 2.7 last (tests that take the first line keep a 3.x).
hv_interpreters() {
	root=${PYENV_ROOT:-}
	[ -n "$root" ] || root=$(pyenv root 2>/dev/null) || root=
	[ -n "$root" ] || root=$HOME/.pyenv
	for v in 3.6 3.7 3.8 3.9 3.10 3.11 3.12 3.13; do
		for d in "$root"/versions/"$v".*; do
			[ -x "$d/bin/python$v" ] && echo "pyenv-$v $d/bin/python$v" && break
		done
	done
	[ -x /usr/bin/python3.11 ] && echo "debian-3.11 /usr/bin/python3.11"
	for d in "$root"/versions/2.7.*; do
		[ -x "$d/bin/python2.7" ] && echo "pyenv-2.7 $d/bin/python2.7" && break
	done
	return 0
}

# hv_interpreter NAME: the path of one interpreter, or skip (77).
hv_interpreter() {
	p=$(hv_interpreters | awk -v n="$1" '$1 == n { print $2 }')
	[ -n "$p" ] || skip "interpreter $1 not on this machine"
	echo "$p"
}

# hv_start_target PYTHON [ARGS...]: starts tests/data/frag_target.py with its
# stderr in $HV_TMP/own.txt, waits until it has printed its own stats, and
# sets $TARGET_PID.  Fails the test (exit 1) if the target dies first.
hv_start_target() {
	py=$1; shift
	hv_start_script "$py" frag_target.py "$@"
}

# hv_start_script PYTHON SCRIPT [ARGS...]: the same for tests/data/SCRIPT,
# which writes HEAPVIEW-READY to stderr once its heap is what it reports.
hv_start_script() {
	hv_py=$1; hv_script=$2; shift 2
	# A stale file from an earlier target would look ready at once.
	rm -f "$HV_TMP/own.txt"
	"$hv_py" "$HV_SRCDIR/tests/data/$hv_script" "$@" 2>"$HV_TMP/own.txt" &
	TARGET_PID=$!
	HV_PIDS="$HV_PIDS $TARGET_PID"
	i=0
	while ! grep -q HEAPVIEW-READY "$HV_TMP/own.txt" 2>/dev/null; do
		if ! kill -0 "$TARGET_PID" 2>/dev/null; then
			echo "FAIL: target $hv_py died: $(tail -5 "$HV_TMP/own.txt")" >&2
			exit 1
		fi
		i=$((i + 1))
		[ "$i" -lt 1200 ] || { echo "FAIL: target $hv_py never got ready" >&2; exit 1; }
		sleep 0.05
	done
}

# hv_pymalloc_section FILE: the pymalloc part of a stats text, from "Small
# block threshold" to the last "Total" before the free lists (CPython) or
# heapview's own lines.
hv_pymalloc_section() {
	awk '/^Small block threshold/ { on = 1 }
	     on && (/ free / || /^utilisation/ || /HEAPVIEW-READY/) { exit }
	     on { lines[n++] = $0 }
	     END { while (n > 0 && lines[n - 1] == "") n--
	           for (i = 0; i < n; i++) print lines[i] }' "$1"
}
