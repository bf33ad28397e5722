#!/bin/sh
# Color by type: every type's look that the map draws is in the legend, or
# is "other".  Mono: each letter in the map is named in the legend.  Color:
# each foreground color of a map cell is a legend entry's color (or the
# terminal's own, for cells that hold no object).  At 120 columns the demo
# has more top types than the legend has room for: those are drawn as
# other.  The screen is read back with its attributes (capture-pane -e).
. "${HV_SRCDIR:-.}/tests/tui_lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"

# check.py MODE SCREEN: the map's cells against the legend line.
cat > "$HV_TMP/check.py" <<'EOF'
import re, sys

mode, path = sys.argv[1], sys.argv[2]
lines = open(path, encoding="utf-8").read().split("\n")
sgr = re.compile(r"\x1b\[([0-9;]*)m")

def cells(line):
    """(char, fg, bg) for every character of a line."""
    fg = bg = None
    out = []
    pos = 0
    for m in sgr.finditer(line + "\x1b[m"):
        for ch in line[pos:m.start()]:
            out.append((ch, fg, bg))
        pos = m.end()
        ps = [int(p) if p else 0 for p in m.group(1).split(";")] if m.group(1) else [0]
        i = 0
        while i < len(ps):
            p = ps[i]
            if p == 0:
                fg = bg = None
            elif 30 <= p <= 37 or 90 <= p <= 97:
                fg = str(p)
            elif p == 39:
                fg = None
            elif 40 <= p <= 47 or 100 <= p <= 107:
                bg = str(p)
            elif p == 49:
                bg = None
            elif p in (38, 48) and i + 2 < len(ps) and ps[i + 1] == 5:
                if p == 38:
                    fg = "5;%d" % ps[i + 2]
                else:
                    bg = "5;%d" % ps[i + 2]
                i += 2
            i += 1
    return out

text = ["".join(c for c, _, _ in cells(l)) for l in lines]
legend = [i for i, t in enumerate(text) if t.startswith(" types ")]
if not legend:
    sys.exit("no legend line")
lg = legend[0]
rows = [i for i, t in enumerate(text[:lg]) if re.match(r"^ +[0-9]+[! ]", t)]
if not rows:
    sys.exit("no arena rows")
label = re.compile(r"^ +[0-9]+[! ](0x[0-9a-f]+ )?")
bad = set()
if mode == "mono":
    named = set(re.findall(r"(?:^|  )(\S) \S", text[lg][len(" types "):]))
    for i in rows:
        for ch in text[i][label.match(text[i]).end():]:
            if ch.isalpha() and ch not in named:
                bad.add(ch)
    print("legend letters:", " ".join(sorted(named)))
else:
    lc = cells(lines[lg])
    named = {fg for ch, fg, bg in lc if ch == "\u2588"}
    for i in rows:
        cs = cells(lines[i])[label.match(text[i]).end():]
        for ch, fg, bg in cs:
            # the cursor and changed cells have a background of their own
            if ch != " " and bg is None and fg is not None and fg not in named:
                bad.add(fg)
    print("legend colors:", " ".join(sorted(str(c) for c in named)))
if bad:
    sys.exit("drawn but not in the legend: " + " ".join(sorted(bad)))
EOF

# The demo's frame 46, colored by type, the changed cells settled.
legend_check() {
	mode=$1 w=$2
	shift 2
	tui_start "$w" 40 "$@" -- --demo
	tui_expect "arena map" "$mode $w"
	i=1
	while [ $i -lt 46 ]; do
		tui_keys .
		i=$((i + 1))
	done
	tui_expect "frame 46/" "$mode $w: frame 46"
	tui_keys c
	tui_expect "^ types " "$mode $w: the legend"
	n=0
	while tui_screen && grep -q " changed" "$HV_TMP/screen"; do
		[ $n -lt "$TUI_WAIT_STEPS" ] || break
		sleep 0.1
		n=$((n + 1))
	done
	tui_tmux capture-pane -p -e > "$HV_TMP/sgr"
	python3 "$HV_TMP/check.py" "$mode" "$HV_TMP/sgr" > "$HV_TMP/check" 2>&1 ||
	    fail "$mode at $w columns: $(cat "$HV_TMP/check")
$(cat "$HV_TMP/screen")"
	tui_keys q
	tui_exited 0
}

legend_check mono 120 NO_COLOR=1
legend_check mono 80 NO_COLOR=1
legend_check mono 160 NO_COLOR=1
legend_check color 120 TERM=screen-256color
legend_check color 80 TERM=screen-256color
legend_check color 100
finish
