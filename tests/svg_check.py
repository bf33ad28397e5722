"""svg_check.py: checks a picture of heapview --svg against the snapshot
of the same frame (heapview --dump) or the --stats text, independently of
heapview's drawing code.

  svg_check.py map SVG JSON        a row per arena, a cell per pool in its state
  svg_check.py strip SVG JSON      a cell per pool in address order, blank
                                   without a live block, black when full
  svg_check.py classes SVG STATS   the rows of the size-class table
  svg_check.py types SVG STATS     the rows of the Types section (--types)
  svg_check.py slides SVG          only black and white
  svg_check.py text SVG STRING     STRING is in the picture's text
Prints what differs and exits 1, or exits 0.
"""
import json
import re
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"


XLINK = "{http://www.w3.org/1999/xlink}href"


def rows(root):
    """The cells of each row group outside <defs>: the ids they use."""
    out = []
    for g in root.findall(NS + "g"):
        cells = [u.get(XLINK, "").lstrip("#") for u in g.findall(NS + "use")]
        if cells:
            out.append(cells)
    return out


def pools(doc):
    for a in doc["arenas"]:
        for p in a["pools"]:
            yield p


def check_map(root, doc):
    got = rows(root)
    want = [[p["state"] for p in a["pools"]] for a in doc["arenas"]]
    if len(got) != len(want):
        return ["%d rows for %d arenas" % (len(got), len(want))]
    bad = []
    for i, (g, w) in enumerate(zip(got, want)):
        states = [c.rstrip("123") for c in g]
        if states != w:
            bad.append("arena %d: cells %s, pools %s" % (i, states, w))
    return bad[:5]


def check_strip(root, doc):
    got = [c for r in rows(root) for c in r]
    ps = list(pools(doc))
    if len(got) != len(ps):
        return ["%d strip cells for %d pools" % (len(got), len(ps))]
    bad = []
    for i, (c, p) in enumerate(zip(got, ps)):
        live = p["state"] in ("used", "full")
        if (c == "s0") == live or (p["state"] == "full" and c != "s4"):
            bad.append("cell %d is %s for a %s pool" % (i, c, p["state"]))
    return bad[:5]


def check_classes(root, stats):
    rows = set()
    for line in stats.splitlines():
        if re.match(r"^\s+\d+\s+\d+\s+\d+\s+\d+\s+\d+$", line):
            rows.add(line)
    got = set()
    for el in root.iter(NS + "text"):
        t = "".join(el.itertext())
        if re.match(r"^\s+\d+\s+\d+\s+\d+\s+\d+\s+\d+$", t):
            got.add(t)
    if not rows:
        return ["no size-class rows in the --stats text"]
    if got != rows:
        return ["rows only in the picture: %s; only in --stats: %s" %
                (sorted(got - rows), sorted(rows - got))]
    return []


def check_types(root, stats):
    want = []
    on = False
    for line in stats.splitlines():
        if line == "Types":
            on = True
            continue
        m = re.match(r"^\s+(\d+)\s+(\d+) (.+)$", line) if on else None
        if on and not m:
            break
        if m:
            want.append((m.group(1), m.group(2), m.group(3)))
    got = []
    for el in root.iter(NS + "text"):
        m = re.match(r"^\s+(\d+)\s+(\d+)\s+[\d.]+% (.+)$", "".join(el.itertext()))
        if m:
            got.append((m.group(1), m.group(2), m.group(3)))
    if not want:
        return ["no Types section in the --stats text"]
    if len(got) != min(len(want), 40):
        return ["%d type rows for %d types" % (len(got), len(want))]
    bad = []
    for g, w in zip(got, want):
        name = g[2][:-1] if g[2].endswith("\u2026") else g[2]
        if g[:2] != w[:2] or not w[2].startswith(name):
            bad.append("row %s, --stats has %s" % (g, w))
    return bad[:5]


def check_slides(root):
    style = "".join(el.text or "" for el in root.iter(NS + "style"))
    colors = set(re.findall(r"#[0-9a-fA-F]{3,6}\b|rgb\([^)]*\)", style))
    other = colors - {"#000000", "#ffffff"}
    return ["colors other than black and white: %s" % sorted(other)] \
        if other else []


def main():
    what, svg = sys.argv[1], sys.argv[2]
    root = ET.parse(svg).getroot()
    if root.tag != NS + "svg":
        print("%s: the root element is %s, not svg" % (svg, root.tag))
        return 1
    if what == "map":
        bad = check_map(root, json.load(open(sys.argv[3])))
    elif what == "strip":
        bad = check_strip(root, json.load(open(sys.argv[3])))
    elif what == "classes":
        bad = check_classes(root, open(sys.argv[3]).read())
    elif what == "types":
        bad = check_types(root, open(sys.argv[3]).read())
    elif what == "slides":
        bad = check_slides(root)
    else:
        text = "\n".join("".join(el.itertext()) for el in root.iter(NS + "text"))
        bad = [] if sys.argv[3] in text else \
            ["'%s' not in the text: %s" % (sys.argv[3], text[:300])]
    for b in bad:
        print("%s: %s" % (svg, b))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
