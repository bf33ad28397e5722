"""svg_check.py: checks a picture of heapview --svg against the snapshot
of the same frame (heapview --dump) or the --stats text, independently of
heapview's drawing code.

  svg_check.py map SVG JSON        a row per arena, a cell per pool in its state
  svg_check.py strip SVG JSON      a cell per pool in address order, blank
                                   without a live block, black when full
  svg_check.py classes SVG STATS   the rows of the size-class table
  svg_check.py types SVG STATS     the rows of the Types section (--types)
  svg_check.py pool SVG JSON ADDR  a cell per block of the pool holding ADDR,
                                   in its state (and with types, the legend
                                   entry of its type)
  svg_check.py arena SVG JSON ADDR a cell per pool of the arena holding ADDR,
                                   and with types its census
  svg_check.py addrs JSON          an address in each pool: "ADDR STATE"
  svg_check.py slides SVG          only black and white
  svg_check.py styles SVG          no rule that cannot reach the cells: a
                                   <use> draws a copy of its symbol outside
                                   the document's tree, where only the
                                   symbol's own classes match
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


def arena_at(doc, addr):
    size = doc["allocator"]["arena_size"]
    for a in doc["arenas"]:
        base = int(a["address"], 16)
        if base <= addr < base + size:
            return a
    return None


def first_pool(doc, a):
    ps = doc["allocator"]["pool_size"]
    return (int(a["address"], 16) + ps - 1) // ps * ps


def nblocks(doc, p):
    al = doc["allocator"]
    if p["state"] in ("untouched", "invalid"):
        return 0
    return (al["pool_size"] - al["pool_overhead"]) // \
        ((p["szidx"] + 1) * al["alignment"])


def block_states(doc, p):
    """The pool's blocks as the format says: "blocks" run-length text, or
    for a pool without it what its state means -- carved blocks (below
    nextoffset) all allocated (full) or all free (empty)."""
    n = nblocks(doc, p)
    if "blocks" in p:
        out = []
        for st, run in re.findall(r"([AFU])(\d+)", p["blocks"]):
            out += [st] * int(run)
        return out
    al = doc["allocator"]
    size = (p["szidx"] + 1) * al["alignment"]
    carved = "A" if p["state"] == "full" else "F"
    return [carved if al["pool_overhead"] + i * size < p["nextoffset"]
            else "U" for i in range(n)]


def block_types(doc, p):
    """The type names of the pool's allocated blocks, in order."""
    names = [t["name"] for t in doc.get("types", [])]
    out = []
    for tok in p.get("types", "").split(","):
        m = re.match(r"^(\d+)u?(?:\*(\d+))?$", tok)
        if m:
            out += [names[int(m.group(1))]] * int(m.group(2) or 1)
    return out


def legend(root):
    """The legend: symbol id -> the name written after it."""
    out, last = {}, None
    for el in root:
        if el.tag == NS + "use":
            last = el.get(XLINK, "").lstrip("#")
        elif el.tag == NS + "text" and last is not None:
            out[last] = "".join(el.itertext())
            last = None
    return out


def same_name(shown, name):
    if shown.endswith("\u2026"):
        return name.startswith(shown[:-1])
    return shown == name


def check_pool(root, doc, addr):
    a = arena_at(doc, addr)
    if a is None:
        return ["0x%x is in no arena of the JSON" % addr]
    i = (addr - first_pool(doc, a)) // doc["allocator"]["pool_size"]
    p = a["pools"][i]
    got = [c for r in rows(root) for c in r]
    want = block_states(doc, p)
    state = {"alloc": "A", "free": "F", "untouched": "U"}
    states = [state.get(c, "A" if c.startswith("ty") else "?") for c in got]
    if states != want:
        return ["pool %d of arena %d: cells %s, blocks %s" %
                (i, a["index"], "".join(states), "".join(want))]
    if "types" not in doc:
        return [] if "ty" not in " ".join(got) else ["typed cells, no types"]
    names = block_types(doc, p) if "types" in p else \
        ["(raw)"] * want.count("A")
    leg = legend(root)
    named = set(leg.values())
    bad = []
    for c, name in zip([c for c in got if c.startswith("ty")], names):
        if c == "tyother":
            if any(same_name(n, name) for n in named) or name == "(raw)":
                bad.append("%s drawn as other" % name)
        elif c not in leg or not same_name(leg[c], name):
            bad.append("%s drawn as %s (%s)" % (name, c, leg.get(c)))
    return bad[:5]


def check_arena(root, doc, addr):
    a = arena_at(doc, addr)
    if a is None:
        return ["0x%x is in no arena of the JSON" % addr]
    got = rows(root)
    if len(got) != 1:
        return ["%d rows of pools" % len(got)]
    states = [c.rstrip("123") for c in got[0]]
    want = [p["state"] for p in a["pools"]]
    if states != want:
        return ["arena %d: cells %s, pools %s" % (a["index"], states, want)]
    if "types" not in doc:
        return []
    count = {}
    for p in a["pools"]:
        typed = block_types(doc, p) if "types" in p else \
            ["(raw)"] * block_states(doc, p).count("A")
        for n in typed:
            count[n] = count.get(n, 0) + 1
    table = {}
    for el in root.iter(NS + "text"):
        m = re.match(r"^\s*(\d+)\s+[\d.]+ [KMGT]?i?B\s+\d+  (.+)$",
                     "".join(el.itertext()))
        if m:
            table[m.group(2)] = int(m.group(1))
    bad = ["%s: %d in the table, %s in the JSON" % (n, c, count.get(n))
           for n, c in table.items() if count.get(n) != c]
    if len(table) != min(len(count), 40):
        bad.append("%d rows in the table for %d types" %
                   (len(table), len(count)))
    return bad[:5]


def addrs(doc):
    ps = doc["allocator"]["pool_size"]
    for a in doc["arenas"]:
        base = first_pool(doc, a)
        for i, p in enumerate(a["pools"]):
            print("0x%x %s" % (base + i * ps + ps // 2 + 8, p["state"]))


def check_styles(root):
    style = "".join(el.text or "" for el in root.iter(NS + "style"))
    inside = set()
    for d in root.iter(NS + "defs"):
        for el in d.iter():
            inside.update((el.get("class") or "").split())
    bad = []
    for rule in style.split("}"):
        for sel in rule.split("{")[0].split(","):
            parts = sel.split()
            if len(parts) > 1 and parts[0].lstrip(".") not in inside:
                bad.append("'%s': %s is no class inside a cell symbol, so "
                           "the rule reaches no <use>" % (sel, parts[0]))
    return bad


def check_slides(root):
    style = "".join(el.text or "" for el in root.iter(NS + "style"))
    colors = set(re.findall(r"#[0-9a-fA-F]{3,6}\b|rgb\([^)]*\)", style))
    other = colors - {"#000000", "#ffffff"}
    return ["colors other than black and white: %s" % sorted(other)] \
        if other else []


def main():
    what, svg = sys.argv[1], sys.argv[2]
    if what == "addrs":
        addrs(json.load(open(svg)))
        return 0
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
    elif what in ("pool", "arena"):
        f = check_pool if what == "pool" else check_arena
        bad = f(root, json.load(open(sys.argv[3])), int(sys.argv[4], 0))
    elif what == "slides":
        bad = check_slides(root)
    elif what == "styles":
        bad = check_styles(root)
    else:
        text = "\n".join("".join(el.itertext()) for el in root.iter(NS + "text"))
        bad = [] if sys.argv[3] in text else \
            ["'%s' not in the text: %s" % (sys.argv[3], text[:300])]
    for b in bad:
        print("%s: %s" % (svg, b))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
