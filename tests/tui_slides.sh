#!/bin/sh
# The slides theme on a projector: black is used, white is free, and
# nothing inverts that.  The cursor keeps the glyph of what it is on and is
# never drawn in reverse video (which made a full pool white and a free
# cell black); on the memory strip a cell that holds any live block is at
# least half shaded, never the lightest shade.  Read back with attributes
# (capture-pane -e).
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"

# cells.py WHAT SCREEN: the cells after the row labels (hex address or
# arena index) of the map or the strip.
#   reverse   the cells drawn in reverse video, and the cursor's (the
#             underlined cell): "reverse=N cursor=GLYPH"
#   shades    the strip's cells by glyph: "░=N ▒=N ▓=N █=N"
cat > "$HV_TMP/cells.py" <<'EOF'
import re, sys

what, path = sys.argv[1], sys.argv[2]
sgr = re.compile(r"\x1b\[([0-9;]*)m")

def cells(line):
    rev = ul = 0
    out = []
    pos = 0
    for m in sgr.finditer(line + "\x1b[m"):
        for ch in line[pos:m.start()]:
            out.append((ch, rev, ul))
        pos = m.end()
        for p in (m.group(1) or "0").split(";"):
            p = int(p or 0)
            if p == 0:
                rev = ul = 0
            elif p == 7:
                rev = 1
            elif p == 27:
                rev = 0
            elif p == 4:
                ul = 1
            elif p == 24:
                ul = 0
    return out

label = re.compile(r"^( +[0-9]+[! ](0x[0-9a-f]+ )?|0x[0-9a-f]+ )")
body = []
for line in open(path, encoding="utf-8").read().split("\n")[3:]:
    cs = cells(line)
    text = "".join(c for c, _, _ in cs)
    m = label.match(text)
    if m:
        body += cs[m.end():]
if what == "reverse":
    cursor = [c for c, r, u in body if u]
    print("reverse=%d cursor=%s" % (sum(r for _, r, _ in body),
        "".join(cursor) or "none"))
else:
    print(" ".join("%s=%d" % (g, sum(1 for c, _, _ in body if c == g))
        for g in "\u2591\u2592\u2593\u2588"))
EOF

cells() {
	tui_tmux capture-pane -p -e > "$HV_TMP/sgr"
	python3 "$HV_TMP/cells.py" "$1" "$HV_TMP/sgr"
}

# The demo's frame 46 (survivors scattered over the arenas), settled.
frame46() {
	tui_expect "arena map" "$1"
	i=1
	while [ $i -lt 46 ]; do
		tui_keys .
		i=$((i + 1))
	done
	tui_expect "frame 46/" "$1: frame 46"
	n=0
	while tui_screen && grep -q " changed" "$HV_TMP/screen"; do
		[ $n -lt "$TUI_WAIT_STEPS" ] || break
		sleep 0.1
		n=$((n + 1))
	done
}

# The arena map: the cursor on a full pool (arena 0, pool 0), then on an
# empty one.
tui_start 100 30 TERM=screen-256color -- --theme=slides --demo
frame46 "slides"
tui_keys End
tui_expect "^ arena 0  pool 0 at 0x[0-9a-f]*: full" "the cursor on a full pool"
got=$(cells reverse)
[ "$got" = "reverse=0 cursor=█" ] ||
    fail "slides, cursor on a full pool: $got (want no reverse video, the cursor a full block)"
tui_keys Home
tui_expect "^ arena 30  pool 0 at 0x[0-9a-f]*: empty" "the cursor on an empty pool"
got=$(cells reverse)
[ "$got" = "reverse=0 cursor=○" ] ||
    fail "slides, cursor on an empty pool: $got (want no reverse video, the cursor ○)"

# The strip: the cursor on a free cell; the survivors' cells.
tui_keys Tab Tab Tab
tui_expect "black = used, white = free" "the strip"
got=$(cells reverse)
case $got in
"reverse=0 cursor="*) ;;
*) fail "slides, strip: $got (want no reverse video)" ;;
esac
slides=$(cells shades)
tui_keys q
tui_exited 0

# The same strip in the color theme: the same cells hold live blocks.
tui_start 100 30 TERM=screen-256color -- --demo
frame46 "color"
tui_keys Tab Tab Tab
tui_expect "memory strip" "the strip in color"
color=$(cells shades)
tui_keys q
tui_exited 0

count() { echo "$1" | tr ' ' '\n' | awk -F= -v g="$2" '$1 == g { print $2 }'; }
total() { echo "$1" | tr ' ' '\n' | awk -F= '{ n += $2 } END { print n }'; }
[ "$(count "$color" ░)" -gt 0 ] ||
    fail "the test needs survivors in the lightest shade in color: $color"
[ "$(count "$slides" ░)" -eq 0 ] ||
    fail "slides: survivors drawn in the lightest shade: $slides"
[ "$(total "$slides")" -eq "$(total "$color")" ] ||
    fail "slides shows $(total "$slides") cells with live blocks, color $(total "$color"): $slides / $color"
finish
