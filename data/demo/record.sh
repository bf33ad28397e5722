#!/bin/sh
# Regenerates data/recordings/fragmentation.jsonl from a real run of
# fragmentation.py under heapview, with block types (--types).
# Usage: data/demo/record.sh HEAPVIEW [PYTHON]
set -eu
heapview=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
python=${2:-python3}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# From the top of the tree, so that the recorded argv names the script as
# a reader of this tree finds it, not by this machine's path.
cd "$here/../.."
LABELS="$tmp/labels" "$heapview" --types --record="$tmp/rec.jsonl" --no-tui \
	--interval=0.2 -- "$python" data/demo/fragmentation.py
python3 "$here/label.py" "$tmp/rec.jsonl" "$tmp/labels" \
	> "$here/../recordings/fragmentation.jsonl"
ls -l "$here/../recordings/fragmentation.jsonl"
