#!/bin/sh
# Memory that runs out in the capture thread (a types capture of a heap
# bigger than heapview may allocate, ulimit -v) ends heapview as memory
# that runs out anywhere else: one line on stderr, exit 1, the terminal
# restored -- by the loop's thread, the only one that calls curses, as the
# debug log says.
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

py=$(hv_interpreters | awk '$1 == "pyenv-3.12" { print $2; exit }')
[ -n "$py" ] || py=$(hv_interpreters | awk '$1 ~ /^pyenv-3/ { print $2; exit }')
[ -n "$py" ] || skip "no pyenv CPython on this machine"
# enough for heapview to start, not for the types of 300 MiB of arenas
limit=60000
(ulimit -v $limit && "$HEAPVIEW" --version) >/dev/null 2>&1 ||
    skip "heapview does not start within ulimit -v $limit (a sanitizer build)"

hv_start_script "$py" busy_target.py 4000000
cat > "$HV_TMP/limited.sh" <<EOS
#!/bin/sh
ulimit -v $limit && exec "$HEAPVIEW" "\$@"
EOS
chmod +x "$HV_TMP/limited.sh"
HEAPVIEW="$HV_TMP/limited.sh" tui_start 100 30 -- --pid "$TARGET_PID" \
    --types --threads=1 --log="$HV_TMP/log"
tui_exited 1
grep -q "^heapview: out of memory allocating [0-9].* bytes\$" "$HV_TMP/screen" ||
    fail "no 'out of memory' line: $(cat "$HV_TMP/screen")"
[ "$(grep -c . "$HV_TMP/screen")" = 3 ] ||
    fail "more than the message, the status and the modes: $(cat "$HV_TMP/screen")"
grep -q "fatal error in another thread, the screen closed by its own: out of memory" \
    "$HV_TMP/log" || fail "the log does not say who closed the screen: $(cat "$HV_TMP/log")"
kill -0 "$TARGET_PID" 2>/dev/null || fail "the target is gone"
finish
