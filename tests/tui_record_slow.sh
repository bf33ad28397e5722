#!/bin/sh
# --record with the TUI open writes its frames from a thread of its own: a
# recording that cannot be written for a while (here a pipe that nobody
# reads, as a stalled "| ssh host ..." would be) holds up neither the first
# screen nor the next captures, and keys are answered meanwhile.  Once the
# pipe is read again every frame arrives: as many as heapview says it
# recorded, each one the same heap as in a rewrite of the recording with
# every frame full.  Ctrl-C meanwhile writes the frames queued before
# heapview ends.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

command -v python3 >/dev/null || skip "no python3"
command -v mkfifo >/dev/null || skip "no mkfifo"
py=$(hv_interpreters | awk '$1 == "pyenv-3.12" { print $2; exit }')
[ -n "$py" ] || py=$(hv_interpreters | awk '$1 ~ /^pyenv-3/ { print $2; exit }')
[ -n "$py" ] || skip "no pyenv CPython on this machine"
same=$HV_SRCDIR/tests/snapshot_same.py

# some 15 arenas: a frame is tens of KiB, more than the pipe holds
hv_start_script "$py" busy_target.py 200000
# start_reader NAME: a FIFO $HV_TMP/NAME.fifo and its reader, which opens
# it, shrinks it to a page (F_SETPIPE_SZ, before heapview writes: opened
# for writing too meanwhile, the open for reading does not wait) and reads
# nothing until $HV_TMP/NAME.go exists; then it copies the recording to
# $HV_TMP/NAME.jsonl.  Sets fifo, rec, go and reader.
start_reader() {
	fifo="$HV_TMP/$1.fifo" rec="$HV_TMP/$1.jsonl" go="$HV_TMP/$1.go"
	mkfifo "$fifo" || skip "cannot make a FIFO in $HV_TMP"
	python3 - "$fifo" "$go" "$rec" "$HV_TMP/$1.reading" <<'PY' &
import fcntl, os, sys, time
rw = os.open(sys.argv[1], os.O_RDWR)
fcntl.fcntl(rw, 1031, 4096)
fd = os.open(sys.argv[1], os.O_RDONLY)
os.close(rw)
open(sys.argv[4], "w").close()
while not os.path.exists(sys.argv[2]):
    time.sleep(0.05)
with open(sys.argv[3], "wb") as out:
    while True:
        b = os.read(fd, 1 << 16)
        if not b:
            break
        out.write(b)
PY
	reader=$!
	HV_PIDS="$HV_PIDS $reader"
	i=0
	while [ ! -e "$HV_TMP/$1.reading" ] && [ "$i" -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -e "$HV_TMP/$1.reading" ] || { fail "the reader did not start"; finish; }
}

# said_frames: N of the "heapview: N frames recorded to" line on screen.
said_frames() {
	sed -n 's/^heapview: \([0-9]*\) frames recorded to .*$/\1/p' \
	    "$HV_TMP/screen"
}

start_reader rec

tui_start 100 30 -- --pid "$TARGET_PID" --record="$fifo" --interval=0.1
tui_expect "^ capture [3-9]/" "captures while the recording is not read"
tui_expect "REC [3-9]" "the frames queued"
tui_keys Tab
tui_expect "^ pool [0-9]* of arena" "Tab while the recording is not read"
tui_keys Tab
tui_expect "^ size classes" "Tab again"
touch "$go"
captures() {
	tui_screen
	sed -n 's/^ capture \([0-9]*\)\/.*/\1/p' "$HV_TMP/screen"
}
n=$(captures) i=0
while [ "$(captures)" -lt $((n + 3)) ] && [ "$i" -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ "$(captures)" -ge $((n + 3)) ] ||
    fail "captures stopped once the recording was read: $(cat "$HV_TMP/screen")"
tui_keys q
tui_exited 0
wait "$reader" || fail "the reader failed"

n=$(said_frames)
[ -n "$n" ] || fail "no 'N frames recorded' on quit: $(cat "$HV_TMP/screen")"
lines=$(wc -l < "$rec")
[ "$n" = $((lines - 1)) ] || fail "heapview says $n frames, the pipe carried $((lines - 1))"
expect_exit 0 "$HEAPVIEW" "$rec" --record="$HV_TMP/every.jsonl" \
    --key-frames=every
f=1
while [ "$f" -le "$n" ]; do
	for v in rec every; do
		"$HEAPVIEW" "$HV_TMP/$v.jsonl" --frame="$f" --dump > "$HV_TMP/$v.json" ||
		    fail "$v.jsonl: frame $f does not load"
	done
	python3 "$same" "$HV_TMP/rec.json" "$HV_TMP/every.json" >&2 ||
	    fail "frame $f differs"
	f=$((f + 1))
done

# Ctrl-C while frames wait for the stalled pipe: they are written before
# heapview ends (of the signal), and the count it says is what the pipe
# carried.
start_reader sig
tui_start 100 30 -- --pid "$TARGET_PID" --record="$fifo" --interval=0.5
tui_expect "REC [3-9]" "frames queued for the stalled pipe"
tui_keys C-c
sleep 0.3
touch "$go"
tui_exited 130
wait "$reader" || fail "the reader failed"
n=$(said_frames)
[ -n "$n" ] && [ "$n" -ge 3 ] ||
    fail "no 'N frames recorded' (3 or more) after Ctrl-C: $(cat "$HV_TMP/screen")"
lines=$(wc -l < "$rec")
[ "$n" = $((lines - 1)) ] ||
    fail "after Ctrl-C heapview says $n frames, the pipe carried $((lines - 1))"
expect_exit 0 "$HEAPVIEW" "$rec" --frame="$n" --stats
finish
