#!/bin/sh
# bench_torn.sh: how often a capture of a heap that churns at full speed
# has INVALID pools, at pool level, block level and with --types, with and
# without --freeze; and which validation the pools failed on their first
# read.  Counts from one run, never thresholds, never part of make check.
# See bench/README.md.
#
#   bench/bench_torn.sh [N]
#
# N (default 1000) captures per mode, each a separate heapview process.
# Environment:
#   HEAPVIEW  the heapview binary (default ./heapview)
#   PYTHON    the target interpreter (default pyenv's 3.12)
#   NLIVE     objects the target keeps (default 200000: about 38 arenas)
#   BURSTS=1  the target builds and drops NLIVE objects in a loop instead
#   MODES     which modes to run (default: all six, as named below)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
n=${1:-1000}
bench=bench_torn
python_version=3.12
. "$here/lib.sh"
MODES=${MODES:-"pool block types pool-freeze block-freeze types-freeze"}

# ---- the target -------------------------------------------------------------
[ "${BURSTS:-0}" = 1 ] && bursts=bursts || bursts=
# shellcheck disable=SC2086
"$PYTHON" "$here/churn.py" "$tmp/ready" "${NLIVE:-200000}" $bursts \
    2>"$tmp/target.err" &
pid=$!
while [ ! -f "$tmp/ready" ]; do
	kill -0 "$pid" 2>/dev/null || { cat "$tmp/target.err" >&2; die "target died"; }
	sleep 0.2
done
sleep 1	# past its first bulk free
echo "target: $PYTHON bench/churn.py $bursts, pid $pid"
"$HEAPVIEW" --pid "$pid" --stats | grep 'bytes/arena' | sed 's/^/  /'

# invalid_of MODE FILE: the INVALID pools of one capture's output
invalid_of() {
	case $1 in
	block*) grep -o '"state":"invalid"' "$2" | wc -l ;;
	*) sed -n 's/^pools found invalid: //p' "$2" ;;
	esac
}

# run_mode MODE: N captures; prints one line of counts
run_mode() {
	mode=$1
	case $mode in
	pool*) args="--stats" ;;
	block*) args="--dump" ;;
	types*) args="--stats --types" ;;
	esac
	case $mode in
	*-freeze) args="$args --freeze" ;;
	esac
	log="$tmp/$mode.log"
	: > "$log"
	bad=0 pools=0 i=0
	while [ "$i" -lt "$n" ]; do
		kill -0 "$pid" 2>/dev/null || die "target died"
		# shellcheck disable=SC2086
		"$HEAPVIEW" --pid "$pid" $args --log="$log" > "$tmp/out" ||
		    die "heapview $args failed"
		k=$(invalid_of "$mode" "$tmp/out")
		[ -n "$k" ] || die "heapview $args printed no INVALID count"
		if [ "$k" -gt 0 ]; then
			bad=$((bad + 1))
			pools=$((pools + k))
		fi
		i=$((i + 1))
	done
	printf '%-13s %-22s %6d of %d captures with INVALID pools (%d pools)\n' \
	    "$mode" "$args" "$bad" "$n" "$pools"
	# What the first reads failed on (heapview's --log; none before the
	# log said it).
	grep 'failed validation:' "$log" 2>/dev/null |
	    sed 's/.*failed validation: //; s/; .*//' | tr ',' '\n' |
	    sed 's/^ *//' | awk '{ c = $NF; $NF = ""; sub(/ $/, ""); t[$0] += c }
		END { for (f in t) printf "    first read: %-28s %d pools\n", f, t[f] }' |
	    sort -k3
	healed=$(grep -o '[0-9]* healed' "$log" 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
	[ "$healed" -gt 0 ] && echo "    healed by a re-read: $healed pools"
	return 0
}

echo "$n captures per mode, each a separate heapview process:"
for m in $MODES; do
	run_mode "$m"
done
